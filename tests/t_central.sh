#!/bin/sh
# t_central.sh - the embedded central store's own accounts, journal and
# audit chain (issues 7 and 8): two halls that both have clerk 1001 and
# manager 9001 keep both at the central, keyed (hall, id), from the seed
# at enrolment and from the journal; only branch accounts (made at the
# central, hall code 000) log in there, a hall's manager never does; a
# wrong password at the central is refused with the normal message,
# counted and locks the account after the policy's failures; logins and
# exports are audited in the central's own chain, which `hall audit
# verify` checks (and which a tampered or deleted row breaks), while the
# halls' entries at the central stay exactly what the halls sent.
. "$HALL_TESTS/lib.sh"
export TZ=Asia/Shanghai HALL_LANG=en HALL_PASSWORD=demo1234
unset HALL_CENTRAL HALL_SYNC_BATCH HALL_SYNC_PAUSE_MS HALL_NOW HALL_APPROVER_PASSWORD
mkdir -p "$T/store" "$T/xl"
CDB="$T/store/central.db"
CURL="sqlite:$CDB"
db_of() { echo "$T/store/h$1.db"; }
# every hall's entries at the central, as a fingerprint
halls_fp() { sq "$CDB" "SELECT hall || ':' || count(*) || ':' || sum(length(payload)) || ':' || max(seq)
	FROM journal WHERE hall <> '000' GROUP BY hall ORDER BY hall;
	SELECT 'audit ' || hall || ':' || count(*) || ':' || group_concat(hash, '') FROM (SELECT * FROM audit
	WHERE hall <> '000' ORDER BY hall, id) GROUP BY hall ORDER BY hall" | sha256sum; }

# --------------------------------------------- two halls, one central
check "central init" 0 hall central init --central "$CURL"
for code in 001 002; do
	check "hall $code: demo store" 0 hall demo --db "$(db_of $code)" --customers 30 --seed ${code#00} \
		--hall $code --name "测试营业厅$code"
	check "hall $code: enrolled" 0 hall central init --central "$CURL" --db "$(db_of $code)"
done
check "hall 000 (the central's own code): demo store" 0 hall demo --db "$(db_of 000)" --customers 5 --seed 9 \
	--hall 000 --name 冒名营业厅
check "a hall cannot be enrolled with the central's own code 000" 11 hall central init --central "$CURL" --db "$(db_of 000)"
has "... and is told why" "$T/err" "central store's own code"
eq "... nothing of it at the central" "$(sq "$CDB" "SELECT count(*) FROM central_halls WHERE code = '000'")" "0"

# ------------------------------------------ staff keyed (hall, id)
eq "clerk 1001 of both halls at the central (seed)" \
	"$(sq "$CDB" "SELECT group_concat(hall, ' ') FROM (SELECT hall FROM staff WHERE id = '1001' ORDER BY hall)")" "001 002"
for code in 001 002; do
	eq "hall $code: every account at the central, under its hall" \
		"$(sq "$CDB" "SELECT group_concat(id, ' ') FROM (SELECT id FROM staff WHERE hall = '$code' ORDER BY id)")" \
		"$(sq "$(db_of $code)" "SELECT group_concat(id, ' ') FROM (SELECT id FROM staff ORDER BY id)")"
	# a new clerk with the same id at both halls, through the journal
	check "hall $code: clerk 1005 added" 0 env HALL_NEW_PASSWORD=clerk-1005-$code \
		"$HALL_BIN" user add 1005 --name "新营业员$code" --role clerk --db "$(db_of $code)" --user 0001
	# a login at the hall: its audit row travels too (ids 1.. like the central's own)
	check "hall $code: a payment by 1001" 0 hall submit payment --db "$(db_of $code)" --user 1001 \
		account_no="$(sq "$(db_of $code)" "SELECT account_no FROM customers ORDER BY account_no LIMIT 1")" amount=1.00 method=cash
	check "hall $code: sync" 0 hall sync --db "$(db_of $code)" --central "$CURL"
done
eq "clerk 1005 of both halls at the central (journal), each with its own name" \
	"$(sq "$CDB" "SELECT group_concat(hall || '=' || name, ' ') FROM (SELECT hall, name FROM staff WHERE id = '1005' ORDER BY hall)")" \
	"001=新营业员001 002=新营业员002"
before=$(halls_fp)

# --------------------------------------------- who logs in at the central
check "a hall's manager cannot log in at the central with the hall password" 4 \
	hall export daily --db "$CDB" --user 9001 -o "$T/xl/hall-mgr.xlsx"
has "... the normal message" "$T/err" "wrong staff id or password"
hasnt "... no journal error" "$T/err" "journal"
check "the branch's first account must be an admin" 4 env HALL_NEW_PASSWORD=branch-mgr-01 \
	"$HALL_BIN" user add M01 --name 分公司主任 --role manager --db "$CDB"
check "the branch's first admin, made at the central" 0 env HALL_NEW_PASSWORD=branch-admin-1 \
	"$HALL_BIN" user add A01 --name 分公司管理员 --role admin --db "$CDB"
check "a second account needs the admin" 4 env HALL_NEW_PASSWORD=branch-mgr-01 \
	"$HALL_BIN" user add M01 --name 分公司主任 --role manager --db "$CDB" --user 9001
check "a hall's admin cannot add a branch account" 4 env HALL_NEW_PASSWORD=branch-admin-1 \
	"$HALL_BIN" user add B1 --name 冒充者 --role admin --db "$CDB" --user 0001
eq "... the branch admin is the only branch account" "$(sq "$CDB" "SELECT group_concat(id) FROM staff WHERE hall = '000'")" "A01"
export HALL_PASSWORD=branch-admin-1
check "a branch manager" 0 env HALL_NEW_PASSWORD=branch-mgr-01 \
	"$HALL_BIN" user add M01 --name 分公司主任 --role manager --db "$CDB" --user A01
check "a branch clerk with a hall clerk's id" 0 env HALL_NEW_PASSWORD=branch-clk-01 \
	"$HALL_BIN" user add 1001 --name 分公司营业员 --role clerk --db "$CDB" --user A01
check "user list at the central" 0 hall user list --db "$CDB"
eq "... the branch's accounts only" "$(cut -f1,3 "$T/out" | tr '\t\n' ': ')" "1001:clerk A01:admin M01:manager "
eq "branch accounts are of hall 000" "$(sq "$CDB" "SELECT group_concat(id, ' ') FROM (SELECT id FROM staff WHERE hall = '000' ORDER BY id)")" "1001 A01 M01"
eq "the halls' clerks 1001 untouched" "$(sq "$CDB" "SELECT count(*) FROM staff WHERE id = '1001' AND hall IN ('001', '002')")" "2"
check "a hall's clerk 1001 cannot log in at the central with the hall password" 4 env HALL_PASSWORD=demo1234 \
	"$HALL_BIN" export daily --db "$CDB" --user 1001 -o "$T/xl/hall-clerk.xlsx"
check "the branch clerk cannot export from the central" 4 env HALL_PASSWORD=branch-clk-01 \
	"$HALL_BIN" export daily --db "$CDB" --user 1001 -o "$T/xl/clerk.xlsx"
has "... told it is for a manager" "$T/err" "for a manager"
[ -e "$T/xl/clerk.xlsx" ] && nok "... no file" || ok "... no file"
export HALL_PASSWORD=branch-mgr-01
check "the branch manager exports the branch-wide sheet" 0 hall export daily --db "$CDB" --user M01 -o "$T/xl/branch.xlsx"
[ -s "$T/xl/branch.xlsx" ] && ok "... the file is there" || nok "... the file is there"
eq "... an 'export' audit event by M01 in the central's chain" \
	"$(sq "$CDB" "SELECT count(*) FROM audit WHERE hall = '000' AND kind = 'export' AND staff_id = 'M01' AND target = 'branch.xlsx'")" "1"
eq "... and its journal entry of hall 000" \
	"$(sq "$CDB" "SELECT count(*) FROM journal WHERE hall = '000' AND kind = 'audit.export' AND staff_id = 'M01'")" "1"

# --------------------------------------- wrong passwords at the central
export HALL_PASSWORD=not-the-password
check "a wrong password at the central" 4 hall export daily --db "$CDB" --user M01 -o "$T/xl/w.xlsx"
has "... the normal message" "$T/err" "wrong staff id or password"
hasnt "... not a journal error" "$T/err" "journal"
eq "... counted" "$(sq "$CDB" "SELECT failed_logins FROM staff WHERE hall = '000' AND id = 'M01'")" "1"
eq "... audited (login.fail)" "$(sq "$CDB" "SELECT count(*) FROM audit WHERE hall = '000' AND kind = 'login.fail' AND staff_id = 'M01'")" "1"
i=2
while [ $i -le 5 ]; do
	check "wrong password $i" 4 hall export daily --db "$CDB" --user M01 -o "$T/xl/w.xlsx"
	i=$((i + 1))
done
eq "five failures: locked" "$(sq "$CDB" "SELECT failed_logins >= 5 AND locked_until IS NOT NULL FROM staff WHERE hall = '000' AND id = 'M01'")" "1"
check "the right password while locked" 4 env HALL_PASSWORD=branch-mgr-01 "$HALL_BIN" export daily --db "$CDB" --user M01 -o "$T/xl/l.xlsx"
has "... says locked" "$T/err" "is locked"
eq "... audited (login.locked)" "$(sq "$CDB" "SELECT count(*) FROM audit WHERE hall = '000' AND kind = 'login.locked' AND staff_id = 'M01'")" "1"
eq "the halls' accounts M01 do not exist and 9001 is not locked by it" \
	"$(sq "$CDB" "SELECT count(*) FROM staff WHERE hall <> '000' AND (id = 'M01' OR locked_until IS NOT NULL)")" "0"
check "the admin resets the manager's password" 0 env HALL_PASSWORD=branch-admin-1 HALL_NEW_PASSWORD=branch-mgr-02 \
	"$HALL_BIN" user passwd M01 --db "$CDB" --user A01
check "... who exports again" 0 env HALL_PASSWORD=branch-mgr-02 "$HALL_BIN" export daily --db "$CDB" --user M01 -o "$T/xl/again.xlsx"

# ------------------------------- the central's own journal and chain
eq "the central's journal: hall 000, its own epoch, seq 1..N without a gap" \
	"$(sq "$CDB" "SELECT count(*) = max(seq) AND min(seq) = 1 AND count(DISTINCT epoch) = 1
		AND max(epoch) = (SELECT value FROM meta WHERE key = 'epoch') FROM journal WHERE hall = '000'")" "1"
eq "every central audit row from a journal entry of its own" \
	"$(sq "$CDB" "SELECT count(*) FROM audit a WHERE a.hall = '000' AND a.journal_seq IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.hall = '000' AND j.epoch = a.epoch AND j.seq = a.journal_seq)")" "0"
eq "the halls' entries at the central untouched" "$(halls_fp)" "$before"
eq "the halls' audit rows at the central beside the central's own" \
	"$(sq "$CDB" "SELECT group_concat(hall, ' ') FROM (SELECT DISTINCT hall FROM audit ORDER BY hall)")" "000 001 002"
check "audit verify at the central" 0 hall audit verify --db "$CDB"
has "... clean" "$T/out" "intact"
n000=$(sq "$CDB" "SELECT count(*) FROM audit WHERE hall = '000'")
has "... over the central's own chain" "$T/out" "$n000 entries"
check "audit show at the central: its own chain" 0 env HALL_PASSWORD=branch-admin-1 \
	"$HALL_BIN" audit show --db "$CDB" --user A01 --kind export
eq "... the two exports, by M01" "$(cut -f3,5 "$T/out" | tr '\t\n' ': ')" "M01:export M01:export "
for code in 001 002; do
	check "hall $code: syncs after the central's own actions" 0 hall sync --db "$(db_of $code)" --central "$CURL"
	check "hall $code: verify with the central" 0 hall sync --verify --db "$(db_of $code)" --central "$CURL"
	eq "hall $code: no branch account pulled to the hall" \
		"$(sq "$(db_of $code)" "SELECT count(*) FROM staff WHERE id IN ('A01', 'M01')")" "0"
done

# tampering with the central's own chain is found
cp "$CDB" "$T/store/tamper.db"
sq "$T/store/tamper.db" "UPDATE audit SET detail = 'report=nothing' WHERE hall = '000' AND kind = 'export' AND target = 'branch.xlsx'"
check "a central audit row edited" 1 hall audit verify --db "$T/store/tamper.db"
has "... is found" "$T/err" "changed after it was written"
cp "$CDB" "$T/store/tamper.db"
sq "$T/store/tamper.db" "DELETE FROM audit WHERE hall = '000' AND id = (SELECT max(id) FROM audit WHERE hall = '000')"
check "the central's last audit row deleted" 1 hall audit verify --db "$T/store/tamper.db"
has "... is found" "$T/err" "deleted at the end"
cp "$CDB" "$T/store/tamper.db"
sq "$T/store/tamper.db" "DELETE FROM audit WHERE hall = '001' AND id = 1"
check "a hall's row at the central is not the central's chain" 0 hall audit verify --db "$T/store/tamper.db"
has "... the central's chain stays intact" "$T/out" "intact"

# ----------------------- an older central: staff keyed by id alone
# (rebuilt by hand as the previous version made it)
cp "$CDB" "$T/store/old.db"
sq "$T/store/old.db" "DELETE FROM staff WHERE hall = '002' OR hall = '000';
	CREATE TABLE s2 AS SELECT * FROM staff; DROP TABLE staff;
	CREATE TABLE staff(id TEXT PRIMARY KEY, name TEXT, role TEXT, pw_hash TEXT, active INTEGER, must_change INTEGER,
		failed_logins INTEGER, locked_until TEXT, created_at TEXT, updated_at TEXT, hall TEXT, chg INTEGER NOT NULL DEFAULT 0);
	INSERT INTO staff SELECT id, name, role, pw_hash, active, must_change, failed_logins, locked_until, created_at,
		updated_at, hall, chg FROM s2; DROP TABLE s2"
check "a sync with an old central is refused" 13 hall sync --db "$(db_of 001)" --central "sqlite:$T/store/old.db"
has "... told to upgrade it" "$T/err" "hall central init"
check "central init upgrades it" 0 hall central init --central "sqlite:$T/store/old.db"
eq "... staff keyed (hall, id)" "$(sq "$T/store/old.db" "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('staff') WHERE pk > 0 ORDER BY pk)")" "hall,id"
eq "... rows kept" "$(sq "$T/store/old.db" "SELECT count(*) FROM staff WHERE hall = '001'")" "$(sq "$CDB" "SELECT count(*) FROM staff WHERE hall = '001'")"
check "... and the sync goes on" 0 hall sync --db "$(db_of 001)" --central "sqlite:$T/store/old.db"
