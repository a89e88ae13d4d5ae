#!/bin/sh
# hall backup / restore / check: an online backup while counters work,
# never overwriting; a restore that starts a new store epoch; a damaged
# store found and explained.
. "$HALL_TESTS/lib.sh"
unset HALL_DB
export HALL_LANG=en HALL_PASSWORD=demo1234
mkdir -p "$T/store" "$T/backups"
db="$T/store/hall.db"
if ! hall demo --db "$db" --customers 300 --seed 1 >/dev/null 2>"$T/demo.err"; then
	nok "demo store" "$(cat "$T/demo.err")"; exit 1
fi
accts=$(sq "$db" "SELECT account_no FROM customers WHERE status='normal' ORDER BY account_no LIMIT 10" | tr '\n' ' ')
acct=${accts%% *}

# ---------------------------------------------------------------- backup
check "backup" 0 hall backup --db "$db" --to "$T/backups/b1.db"
eq "backup prints its file" "$(cat "$T/out")" "$T/backups/b1.db"
eq "backup file is the caller's only (600)" "$(stat -c %a "$T/backups/b1.db")" 600
eq "backup passes integrity_check" "$(sq "$T/backups/b1.db" "PRAGMA integrity_check")" ok
eq "backup is one file (journal_mode delete)" "$(sq "$T/backups/b1.db" "PRAGMA journal_mode")" delete
eq "backup holds the record of itself" "$(sq "$T/backups/b1.db" "SELECT kind || ' ' || target FROM audit ORDER BY id DESC LIMIT 1")" "store.backup $T/backups/b1.db"
eq "backup has every payment" "$(sq "$T/backups/b1.db" "SELECT count(*) FROM payments")" "$(sq "$db" "SELECT count(*) FROM payments")"
eq "no temporary file left" "$(ls "$T/backups" | grep -c partial)" 0
cp "$T/backups/b1.db" "$T/b1.copy"
check "backup never overwrites" 8 hall backup --db "$db" --to "$T/backups/b1.db"
has "backup: says so" "$T/err" "not overwritten"
cmp -s "$T/backups/b1.db" "$T/b1.copy" && ok "the existing file is untouched" || nok "the existing file is untouched"
check "backup not into the store's folder" 4 hall backup --db "$db" --to "$T/store/copy.db"
check "backup not into the store's folder by .." 4 hall backup --db "$db" --to "$T/backups/../store/copy.db"
mkdir -p "$T/store/sub"
check "backup not into a folder below it" 4 hall backup --db "$db" --to "$T/store/sub/copy.db"
eq "nothing written there" "$(ls -R "$T/store" | grep -c copy)" 0
check "backup needs --to" 2 hall backup --db "$db"
check "backup: a clerk may not" 4 hall backup --db "$db" --to "$T/backups/c.db" --user 1001
check "backup: a manager may" 0 hall backup --db "$db" --to "$T/backups/m.db" --user 9001
eq "the manager's backup is recorded with their id" "$(sq "$db" "SELECT staff_id FROM audit WHERE kind='store.backup' ORDER BY id DESC LIMIT 1")" 9001

# while two counters post payments
loop() {
	i=0
	while [ $i -lt 15 ]; do
		"$HALL_BIN" submit payment --db "$db" --user "$1" account_no="$acct" amount=1.00 method=cash >>"$T/live.$1" 2>&1
		i=$((i + 1))
	done
}
loop 1001 & p1=$!
loop 1002 & p2=$!
sleep 0.3
check "backup while counters work" 0 hall backup --db "$db" --to "$T/backups/live.db"
wait $p1 $p2
eq "live backup passes integrity_check" "$(sq "$T/backups/live.db" "PRAGMA integrity_check")" ok
eq "the counters were not disturbed" "$(cat "$T/live.1001" "$T/live.1002" | grep -vcE '^SF[0-9]{11}$')" 0
eq "every journal entry in the backup has its audit row" \
	"$(sq "$T/backups/live.db" "SELECT count(*) FROM journal j WHERE tbl <> 'audit' AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.journal_seq = j.seq) AND j.seq > (SELECT min(journal_seq) FROM audit)")" 0
check "live backup: audit verify" 0 hall audit verify --db "$T/backups/live.db"

# --------------------------------------------------------------- restore
epoch=$(sq "$db" "SELECT value FROM meta WHERE key='epoch'")
check "restore onto an existing store refused" 8 hall restore --from "$T/backups/live.db" --db "$db"
has "restore: says to move it aside" "$T/err" "move the old store"
check "restore" 0 hall restore --from "$T/backups/live.db" --db "$T/store/restored.db"
has "restore: tells the new epoch" "$T/err" "new store epoch $((epoch + 1))"
eq "restored store: new epoch" "$(sq "$T/store/restored.db" "SELECT value FROM meta WHERE key='epoch'")" $((epoch + 1))
eq "restored store: WAL like any store" "$(sq "$T/store/restored.db" "PRAGMA journal_mode")" wal
eq "restored store: 660" "$(stat -c %a "$T/store/restored.db")" 660
eq "restored store: restore recorded" "$(sq "$T/store/restored.db" "SELECT kind || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1")" \
	"store.restore epoch $epoch -> $((epoch + 1))"
check "restored store: audit verify" 0 hall audit verify --db "$T/store/restored.db"
check "restored store takes a payment" 0 hall submit payment --db "$T/store/restored.db" --user 1001 account_no="$acct" amount=2.00 method=cash
eq "its journal entries carry the new epoch" \
	"$(sq "$T/store/restored.db" "SELECT DISTINCT epoch FROM journal WHERE seq > (SELECT max(seq) FROM journal WHERE kind='audit.store.restore')")" $((epoch + 1))
eq "no temporary file left" "$(ls "$T/store" | grep -c restore-)" 0
printf 'not a database at all' >"$T/junk.db"
check "restore from a file that is not a store" 6 hall restore --from "$T/junk.db" --db "$T/store/r2.db"
sq "$T/store/x.db" "CREATE TABLE t(x); PRAGMA application_id=1;" >/dev/null
check "restore from another program's database" 6 hall restore --from "$T/store/x.db" --db "$T/store/r2.db"
check "restore from a missing file" 7 hall restore --from "$T/nothing.db" --db "$T/store/r2.db"
eq "nothing created by the failures" "$(ls "$T/store" | grep -c r2)" 0
check "restore needs both paths" 2 hall restore --from "$T/backups/b1.db"

# ---------------------------------------------------------------- damage
cp "$T/backups/b1.db" "$T/store/damaged.db"
# smash pages in the middle of the file (not page 1: it still opens)
size=$(stat -c %s "$T/store/damaged.db")
dd if=/dev/urandom of="$T/store/damaged.db" bs=4096 seek=$((size / 4096 / 2)) count=8 conv=notrunc 2>/dev/null
check "check finds the damage" 1 hall check --db "$T/store/damaged.db"
has "check: tells the administrator to restore" "$T/err" "hall restore --from BACKUP"
check "restore refuses a damaged backup" 1 hall restore --from "$T/store/damaged.db" --db "$T/store/r3.db"
has "restore: says it is damaged" "$T/err" "damaged"
check "check --full on a good store" 0 hall check --db "$T/store/restored.db" --full
has "check --full is integrity_check" "$T/out" "integrity_check"
