#!/bin/sh
# A damaged store at the command line (issue #8, health.h): a write that
# meets the damage stops with the message and exit 9 and marks the store;
# `hall check` finds and marks damage; every command that writes then
# refuses with the same message and exit 9, look-ups still work; the
# restore the message describes brings the hall back; a passing full
# check clears a mark.  A healthy store still opens read-write for a
# login (failed logins are counted).
. "$HALL_TESTS/lib.sh"
unset HALL_DB
export HALL_LANG=en HALL_PASSWORD=demo1234
mkdir -p "$T/store" "$T/backups" "$T/aside"
good="$T/store/good.db"
if ! hall demo --db "$good" --customers 300 --seed 1 >/dev/null 2>"$T/demo.err"; then
	nok "demo store" "$(cat "$T/demo.err")"; exit 1
fi
check "backup of the sound store" 0 hall backup --db "$good" --to "$T/backups/b1.db"
backup=$(cd "$T/backups" && pwd)/b1.db
acct=$(sq "$good" "SELECT account_no FROM customers WHERE status = 'normal' ORDER BY account_no LIMIT 1")
frag=$(sq "$good" "SELECT substr(name, 1, 2) FROM customers WHERE status = 'normal' AND length(name) >= 3 ORDER BY account_no LIMIT 1")

# damage: every leaf page of the payments table overwritten (dd), as a
# failing disk would; the other tables stay readable
damage() { # FILE TABLE
	for p in $(sq "$1" "SELECT pageno FROM dbstat WHERE name = '$2' AND pagetype = 'leaf'"); do
		dd if=/dev/urandom of="$1" bs=4096 seek=$((p - 1)) count=1 conv=notrunc 2>/dev/null
	done
}
mkdir -p "$T/d"
db="$T/d/hall.db"
cp "$good" "$db"
damage "$db" payments
dbfull=$(cd "$T/d" && pwd)/hall.db
msg_en="the store is damaged and now read-only: look-ups only, nothing can be saved. Call the administrator."
steps="run hall check --db $dbfull; then move it with its -wal and -shm aside and run hall restore --from $backup --db $dbfull"

# ------------------------------------------------ damage met during work
check "a payment meeting the damage: exit 9" 9 hall submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash
has "  says the store is damaged and read-only" "$T/err" "$msg_en"
has "  tells the administrator what to do, with the paths" "$T/err" "$steps"
hasnt "  no receipt number" "$T/out" "SF"
[ -f "$db-damaged" ] && ok "  the store is marked damaged" || nok "  the store is marked damaged" "$(ls "$T/d")"
has "  the mark says it was met during work" "$db-damaged" "by=work"
has "  the mark names the latest backup" "$db-damaged" "backup=$backup"
eq "  nothing was written" "$(sq "$db" "SELECT count(*) FROM journal")" "$(sq "$good" "SELECT count(*) FROM journal")"

# ---------------------------------------------- every write refused now
check "a complaint (touches no damaged page) refused: exit 9" 9 hall submit complaint --db "$db" --user 1001 \
	account_no="$acct" name=王小明 phone=13800138000 category=business content=停电没有通知
has "  the same message" "$T/err" "$msg_en"
has "  the same steps" "$T/err" "$steps"
has "  said at once when the store is opened" "$T/err" "note: the store $db is damaged; look-ups only (see hall check)"
check "a new connection refused" 9 hall submit new-connection --db "$db" --user 1001 name=陈大文 id_type=resident \
	id_number=11010519491231002X phone=13912345678 address=福州市鼓楼区东街口100号 kind=low_residential \
	category=residential voltage=220V capacity=8
has "  the same message" "$T/err" "$steps"
check "a daily close refused" 9 hall close-day --db "$db" --user 1001 cash=0 card=0 wechat=0 alipay=0 cheque=0 transfer=0
has "  the same message" "$T/err" "$steps"
app=$(sq "$good" "SELECT app_no FROM applications WHERE stage = 'accept' ORDER BY app_no LIMIT 1")
check "a work-order step refused" 9 hall advance "$app" --to survey docs=id,property --db "$db" --user 1001
has "  the same message" "$T/err" "$steps"
check "adding a user refused" 9 env HALL_NEW_PASSWORD=new-pass-123 "$HALL_BIN" user add 1009 --name 李四 --role clerk --db "$db" --user 0001
has "  the same message" "$T/err" "$steps"
check "a rule change refused" 9 hall rules set repeat_window_days 60 --db "$db" --user 0001
has "  the same message" "$T/err" "$steps"
eq "nothing was written by any of them" "$(sq "$db" "SELECT count(*) FROM journal")" "$(sq "$good" "SELECT count(*) FROM journal")"
eq "the staff table is as it was" "$(sq "$db" "SELECT count(*) FROM staff")" "$(sq "$good" "SELECT count(*) FROM staff")"

# ------------------------------------------------------ look-ups go on
check "look-up by account still works" 0 hall find --db "$db" "$acct"
has "  finds the customer" "$T/out" "$acct"
check "look-up by a name fragment still works" 0 hall find --db "$db" "$frag"
has "  finds it" "$T/out" "$frag"
check "bills still shown" 0 hall bills --db "$db" "$acct"
check "the audit log still verifies" 0 hall audit verify --db "$db"
t0=$(date +%s)
check "a wrong password on the damaged store is still refused" 4 env HALL_PASSWORD=wrong "$HALL_BIN" submit payment \
	--db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash
# failures cannot be counted on a read-only store: each costs 3 s instead
[ $(( $(date +%s) - t0 )) -ge 3 ] && ok "  and costs at least 3 s (no counting possible)" || nok "  and costs at least 3 s (no counting possible)"

# ------------------------------------------------------------- hall check
rm -f "$db-damaged"
check "hall check finds the damage" 1 hall check --db "$db"
has "  names the problem" "$T/err" "hall: "
has "  with the same message" "$T/err" "$steps"
has "  and marks it" "$db-damaged" "by=check"
check "then a payment is refused before it starts" 9 hall submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash
check "hall check on a marked store runs the full check" 1 hall check --db "$db"
has "  says so" "$T/err" "running the full check (integrity_check)"
has "  the mark stays" "$db-damaged" "by=check"

# -------------------------------------------------- a truncated store
cp "$good" "$T/d/cut.db"
size=$(stat -c %s "$T/d/cut.db")
truncate -s $((size / 2)) "$T/d/cut.db"
check "a truncated store: a payment stops with exit 9" 9 hall submit payment --db "$T/d/cut.db" --user 1001 account_no="$acct" amount=1.00 method=cash
has "  with the message" "$T/err" "$msg_en"
check "  hall check finds it too" 1 hall check --db "$T/d/cut.db"

# -------------------------------------- the restore the message describes
mv "$db" "$T/aside/hall.db"
for f in "$db-wal" "$db-shm"; do [ -f "$f" ] && mv "$f" "$T/aside/"; done
check "restore from the latest backup" 0 hall restore --from "$backup" --db "$db"
[ -f "$db-damaged" ] && nok "  the restore removes the mark" || ok "  the restore removes the mark"
check "  hall check passes" 0 hall check --db "$db"
check "  payments are taken again" 0 hall submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash
has "  with a receipt number" "$T/out" "SF"

# ---------------------------------------- a passing full check clears a mark
cp "$good" "$T/d/marked.db"
printf 'dev=%s\nino=%s\nfound=2026-05-01T00:00:00Z\nby=work\nproblem=checksum\nbackup=\n' \
	"$(stat -c %d "$T/d/marked.db")" "$(stat -c %i "$T/d/marked.db")" >"$T/d/marked.db-damaged"
check "a marked store refuses writes" 9 hall submit payment --db "$T/d/marked.db" --user 1001 account_no="$acct" amount=1.00 method=cash
has "  no backup known: says which to use" "$T/err" "hall restore --from BACKUP --db"
check "hall check on it: the full check passes" 0 hall check --db "$T/d/marked.db"
has "  integrity_check ran" "$T/out" "integrity_check"
has "  the mark is removed" "$T/out" "the damage mark $T/d/marked.db-damaged is removed"
[ -f "$T/d/marked.db-damaged" ] && nok "  no mark file left" || ok "  no mark file left"
check "  writes work again" 0 hall submit payment --db "$T/d/marked.db" --user 1001 account_no="$acct" amount=1.00 method=cash

# -------------------------------------------------- a sound store: as before
check "sound store: a wrong password" 4 env HALL_PASSWORD=wrong "$HALL_BIN" submit payment --db "$good" --user 1002 account_no="$acct" amount=1.00 method=cash
eq "  is counted (the store opened read-write)" "$(sq "$good" "SELECT failed_logins FROM staff WHERE id = '1002'")" 1
hasnt "  and no damage note" "$T/err" "damaged"
check "sound store: a payment" 0 hall submit payment --db "$good" --user 1001 account_no="$acct" amount=1.00 method=cash
[ -f "$good-damaged" ] && nok "  a sound store is never marked" || ok "  a sound store is never marked"

# Chinese, the default language
check "in Chinese: refused with exit 9" 9 env HALL_LANG=zh "$HALL_BIN" submit payment --db "$T/d/cut.db" --user 1001 account_no="$acct" amount=1.00 method=cash
has "  数据库已损坏" "$T/err" "数据库已损坏，已改为只读：只能查询，不能保存。请通知系统管理员。管理员：让各窗口退出 hall，运行 hall check --db"
