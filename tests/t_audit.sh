#!/bin/sh
# hall audit verify / show and hall show-id: the demo store's audit log is
# clean; logins, payments and reads of full ID numbers are recorded; a
# row edited, deleted or inserted with the sqlite3 CLI is named by
# `hall audit verify`; stored text never reaches the terminal raw.
. "$HALL_TESTS/lib.sh"
db="$T/hall.db"
unset HALL_DB
export HALL_LANG=en
if ! hall demo --db "$db" --customers 300 --seed 1 >/dev/null 2>"$T/demo.err"; then
	nok "demo store" "$(cat "$T/demo.err")"; exit 1
fi
check "demo store: audit verify clean" 0 hall audit verify --db "$db"
has "demo store: says intact" "$T/out" "audit log intact"
check "demo store: hall check clean" 0 hall check --db "$db"
has "hall check: quick_check passed" "$T/out" "store check passed (quick_check"
has "hall check: audit log too" "$T/out" "audit log intact"
n0=$(sq "$db" "SELECT count(*) FROM audit")
[ "$n0" -gt 0 ] && ok "demo store has audit rows ($n0)" || nok "demo store has audit rows"

acct=$(sq "$db" "SELECT account_no FROM customers WHERE status='normal' AND id_type='resident_id' ORDER BY account_no LIMIT 1")
export HALL_PASSWORD=demo1234
check "payment" 0 hall submit payment --db "$db" --user 1001 --counter 4 account_no="$acct" amount=10.00 method=cash
receipt=$(cat "$T/out")
pid=$(sq "$db" "SELECT id FROM payments WHERE receipt_no='$receipt'")
eq "payment audited with its journal entry" \
	"$(sq "$db" "SELECT count(*) FROM audit a JOIN journal j ON j.seq = a.journal_seq WHERE a.kind='payment.create' AND a.target='payments:$pid' AND a.staff_id='1001' AND a.counter=4")" 1
eq "the clerk's login recorded before the payment" \
	"$(sq "$db" "SELECT kind FROM audit WHERE id = (SELECT min(id) FROM audit WHERE id > $n0)")" login
eq "login row journaled (table audit)" \
	"$(sq "$db" "SELECT count(*) FROM journal WHERE tbl='audit' AND kind='audit.login' AND staff_id='1001'")" 1
HALL_PASSWORD=wrong-password check "wrong password refused" 4 hall submit payment --db "$db" --user 1001 account_no="$acct" amount=1 method=cash
eq "failed login recorded" "$(sq "$db" "SELECT kind || ' ' || staff_id || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" "login.fail 1001 wrong password"
HALL_PASSWORD=wrong-password check "unknown id refused" 4 hall submit payment --db "$db" --user 7777 account_no="$acct" amount=1 method=cash
eq "unknown id recorded as typed" "$(sq "$db" "SELECT kind || ' ' || coalesce(staff_id, '-') || ' ' || target FROM audit ORDER BY id DESC LIMIT 1")" "login.fail - 7777"

# ---------------------------------------------------------------- show
check "show: manager" 0 hall audit show --db "$db" --user 9001 --kind login --staff 1001
has "show: login rows" "$T/out" "	login	1001"
hasnt "show: kind filter" "$T/out" "payment.create"
lines=$(grep -c . "$T/out")
eq "show: two login rows for 1001 (and a failure)" "$lines" 2
check "show: payments of today" 0 hall audit show --db "$db" --kind payment --from "$(date +%F)" --to "$(date +%F)"
has "show: the payment" "$T/out" "payments:$pid"
check "show: a clerk may not" 4 hall audit show --db "$db" --user 1001
has "show: says the role" "$T/err" "needs the Manager role"
check "show: bad date" 2 hall audit show --db "$db" --from 2026-13-01
has "show: names the option" "$T/err" "from"
check "verify: a clerk may not" 4 hall audit verify --db "$db" --user 1001
eq "the manager's look at the log is itself recorded" \
	"$(sq "$db" "SELECT count(*) FROM audit WHERE kind='login' AND staff_id='9001'")" 1

# ------------------------------------------------------------- show-id
check "show-id: a clerk needs a reason" 4 hall show-id "$acct" --db "$db" --user 1001
has "show-id: says why" "$T/err" "reason"
full=$(sq "$db" "SELECT id_number FROM customers WHERE account_no='$acct'")
hasnt "show-id: no number without a reason" "$T/out" "$full"
check "show-id: a clerk with a reason" 0 hall show-id "$acct" --db "$db" --user 1001 --reason "客户办理过户，核对身份"
has "show-id: the full number" "$T/out" "$full"
eq "show-id: recorded with the reason, not the number" \
	"$(sq "$db" "SELECT staff_id || '|' || target || '|' || detail FROM audit WHERE kind='pii.show'")" "1001|$acct|客户办理过户，核对身份"
check "show-id: a manager needs no reason" 0 hall show-id "$acct" --db "$db" --user 9001
check "show-id: control characters in the reason" 2 hall show-id "$acct" --db "$db" --user 1001 --reason "$(printf 'ok\033[2Jok')"
check "show-id: unknown account" 3 hall show-id 0019999999 --db "$db" --user 9001
check "verify after all that" 0 hall audit verify --db "$db"

# ------------------------------------------------------------ tampering
# edit: the sqlite3 CLI can drop the trigger, but not fake the chain
cp "$db" "$T/t1.db"
sq "$T/t1.db" "DROP TRIGGER audit_no_update; UPDATE audit SET staff_id='9001' WHERE id=5"
check "tamper: edited row found" 1 hall audit verify --db "$T/t1.db"
has "tamper: names entry #5" "$T/err" "audit entry #5 was changed"
sq "$T/t1.db" "UPDATE audit SET staff_id=(SELECT staff_id FROM audit WHERE id=4) WHERE id=5" >/dev/null 2>&1
# delete
cp "$db" "$T/t2.db"
sq "$T/t2.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id=7"
check "tamper: deleted row found" 1 hall audit verify --db "$T/t2.db"
has "tamper: names entry #7" "$T/err" "#7 to #7 are missing"
# delete the newest: the sequence remembers
cp "$db" "$T/t3.db"
sq "$T/t3.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id=(SELECT max(id) FROM audit)"
check "tamper: deleted last row found" 1 hall audit verify --db "$T/t3.db"
has "tamper: deleted at the end" "$T/err" "deleted at the end"
# insert a forged row after row 3
cp "$db" "$T/t4.db"
sq "$T/t4.db" "DROP TRIGGER audit_no_update; UPDATE audit SET id = -id WHERE id > 3; UPDATE audit SET id = 1 - id WHERE id < 0;
 INSERT INTO audit(id, hall, epoch, at, kind, prev_hash, hash) SELECT 4, hall, epoch, at, 'login', hash, hash FROM audit WHERE id = 3"
check "tamper: inserted row found" 1 hall audit verify --db "$T/t4.db"
has "tamper: names entry #4" "$T/err" "#4"
# a journal entry changed behind its audit row
cp "$db" "$T/t5.db"
sq "$T/t5.db" "DROP TRIGGER journal_no_update; UPDATE journal SET payload = replace(payload, '\"amount_fen\":1000', '\"amount_fen\":100') WHERE kind='payment.create' AND row_id=$pid"
check "tamper: journal edit found" 1 hall audit verify --db "$T/t5.db"
has "tamper: names the journal entry" "$T/err" "journal"
check "tamper: hall check fails too" 1 hall check --db "$T/t5.db"

# ------------------------------------------------ nothing raw to the screen
cp "$db" "$T/t6.db"
sq "$T/t6.db" "INSERT INTO audit(id, hall, epoch, at, kind, target, detail, prev_hash, hash)
 SELECT max(id) + 1, '001', 1, '2026-01-01T00:00:00Z', 'x', char(27) || ']0;owned' || char(7), char(27) || '[2J' || char(155) || '31m', '', '' FROM audit"
check "show: tampered row shown" 0 hall audit show --db "$T/t6.db" --kind x
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/out" || LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$T/out"; then
	nok "show: no control character reaches the terminal" "$(od -c "$T/out" | head -5)"
else ok "show: no control character reaches the terminal"; fi
has "show: the text is there, defused" "$T/out" "]0;owned"
