#!/bin/sh
# hall sync against the embedded central (sqlite:PATH): the scenarios of
# tests/sync_scenarios.sh, plus what only a file central has (missing
# file, disk full on a small tmpfs).
. "$HALL_TESTS/lib.sh"
BACKEND=sqlite
CDB="$T/central.db"
ADMIN_URL="sqlite:$CDB"
C=""
url_for() { echo "sqlite:$CDB"; }
cq() { sqlite3 -batch -noheader "$CDB" ".timeout 5000" "$1"; }
# a writer holding the central past the sync's busy timeout
export HALL_BUSY_TIMEOUT_MS=500
central_cut() {
	(printf '.timeout 5000\nBEGIN EXCLUSIVE;\nSELECT 1;\n'; sleep 1.5; printf 'COMMIT;\n') | sqlite3 "$CDB" >/dev/null &
}
. "$HALL_TESTS/sync_scenarios.sh"

# ------------------------------------------------- sqlite only
check "sqlite: central file missing: unreachable" 10 hall sync --db "$(db_of 001)" --central "sqlite:$T/nowhere.db"
has "sqlite: says so" "$T/err" "not there"
[ -e "$T/nowhere.db" ] && nok "sqlite: no empty central left behind" || ok "sqlite: no empty central left behind"
check "sqlite: in Chinese by default" 10 env HALL_LANG=zh "$HALL_BIN" sync --db "$(db_of 001)" --central "sqlite:$T/nowhere.db"
has "sqlite: 找不到中心库" "$T/err" "找不到中心库"
check "sqlite: central folder missing: unreachable" 10 hall sync --db "$(db_of 001)" --central "sqlite:$T/no/such/dir/c.db"
check "sqlite: not a central" 13 hall sync --db "$(db_of 001)" --central "sqlite:$(db_of 003)"
has "sqlite: says to initialise" "$T/err" "central init"
# the central is a hall store in form: a branch-wide sheet can open it
eq "sqlite: central opens as a store" "$(cq "PRAGMA application_id") $(cq "SELECT value FROM meta WHERE key = 'role'")" "1212238924 central"
eq "sqlite: per-hall breakdown of the central's payments" "$(cq "SELECT count(DISTINCT hall) FROM payments")" "$(cq "SELECT count(*) FROM central_halls WHERE code IN (SELECT hall FROM journal)")"

# disk full on the central and at the hall: a small tmpfs (root only)
mnt="$T/small"
mkdir -p "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=6m tmpfs "$mnt" 2>/dev/null; then
	mk_hall 010 20 闽侯供电营业厅
	check "sqlite: central on a small disk" 0 hall central init --central "sqlite:$mnt/c.db" --db "$(db_of 010)"
	pay 010 "$(unpaid_account 010 0)" 10.00
	dd if=/dev/zero of="$mnt/fill" bs=64k 2>/dev/null
	check "sqlite: central disk full" 14 hall sync --db "$(db_of 010)" --central "sqlite:$mnt/c.db"
	has "sqlite: says the disk is full" "$T/err" "disk is full"
	rm -f "$mnt/fill"
	eq "sqlite: nothing half-written at the central" "$(sqlite3 "$mnt/c.db" "SELECT count(*) FROM journal")" "0"
	check "sqlite: after space is freed the sync completes" 0 hall sync --db "$(db_of 010)" --central "sqlite:$mnt/c.db"
	h=$(hall_sums 010); c=$(sqlite3 "$mnt/c.db" "SELECT (SELECT count(*) FROM journal WHERE hall = '010') || '|' || (SELECT count(*) FROM payments WHERE hall = '010') || '|' || (SELECT sum(amount_fen) FROM payments WHERE hall = '010' AND status = 'ok') || '|' || (SELECT sum(paid_fen) FROM bills WHERE hall = '010') || '|' || (SELECT sum(prepaid_fen) FROM customers WHERE hall = '010')")
	eq "sqlite: both sides equal after the disk-full run" "$h" "$c"
	umount "$mnt"
else
	ok "sqlite: disk full # SKIP needs root and tmpfs"
fi

# disk full at the hall while it applies a pull: exit 14, nothing lost,
# the next sync completes (root only: a small tmpfs for the hall store)
hmnt="$T/hsmall"
mkdir -p "$hmnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=24m tmpfs "$hmnt" 2>/dev/null; then
	hdb="$hmnt/h012.db"
	hall demo --db "$hdb" --customers 400 --seed 22 --hall 012 --name 永泰小厅 >/dev/null 2>&1
	check "sqlite: a hall on a small disk enrols" 0 hall central init --central "$ADMIN_URL" --db "$hdb"
	check "sqlite: and syncs" 0 hall sync --db "$hdb" --central "$ADMIN_URL"
	cq "UPDATE customers SET address = address || '（中心库更正地址，门牌号码已核实无误）', updated_at = '2099-04-01T00:00:00Z' WHERE hall = '012'" >/dev/null
	dd if=/dev/zero of="$hmnt/fill" bs=16k 2>/dev/null; truncate -s -320K "$hmnt/fill"
	check "sqlite: hall disk full during the pull" 14 hall sync --db "$hdb" --central "$ADMIN_URL"
	has "sqlite: says the disk is full" "$T/err" "disk is full"
	rm -f "$hmnt/fill"
	check "sqlite: after space is freed the hall's sync completes" 0 hall sync --db "$hdb" --central "$ADMIN_URL"
	eq "sqlite: every central change arrived once, its old value kept once" \
		"$(sq "$hdb" "SELECT count(*) FROM customers WHERE address LIKE '%中心库更正地址%'") $(sq "$hdb" "SELECT count(*) FROM customer_history WHERE field = 'address' AND source = 'central'")" \
		"$(cq "SELECT count(*) FROM customers WHERE hall = '012'") $(cq "SELECT count(*) FROM customers WHERE hall = '012'")"
	eq "sqlite: hall intact" "$(sq "$hdb" "PRAGMA quick_check")" "ok"
	# so full that the store cannot even open (its -shm cannot grow)
	dd if=/dev/zero of="$hmnt/fill" bs=16k 2>/dev/null
	check "sqlite: a hall store that cannot open on a full disk" 7 hall sync --db "$hdb" --central "$ADMIN_URL"
	has "sqlite: says the disk is full, not just an I/O error" "$T/err" "disk is full"
	rm -f "$hmnt/fill"
	umount "$hmnt"
else
	ok "sqlite: hall disk full # SKIP needs root and tmpfs"
fi
