#!/bin/sh
# Disk full (issue 8): payments on a store whose disk fills up.  As root a
# small tmpfs is mounted (and unmounted by the trap); in any case the
# file size limit (ulimit -f, SIGXFSZ ignored) is tried too.  Each time: a
# clear error (exit 7, "disk"), the store intact, every acknowledged
# receipt stored, nothing stored that was not acknowledged, and the store
# works again once there is room.
. "$HALL_TESTS/lib.sh"
export HALL_PASSWORD=demo1234
unset HALL_DB
# the source store in a folder of its own: copies go elsewhere (hall never
# writes a file into the store's folder)
mkdir -p "$T/src"
src="$T/src/hall.db"
if ! hall demo --db "$src" --customers 300 --seed 1 >/dev/null 2>"$T/demo.err"; then
	nok "demo store" "$(cat "$T/demo.err")"; exit 1
fi
accts=$(sq "$src" "SELECT account_no FROM customers WHERE status = 'normal' ORDER BY account_no LIMIT 20" | tr '\n' ' ')

pay() { # DB ACCOUNT: one payment, receipt on stdout
	"$HALL_BIN" submit payment --db "$1" --user 1001 --counter 2 account_no="$2" amount=1.00 method=cash
}

# after(DB, NAME, PAY0, ACKFILE): the store is sound and holds exactly the
# acknowledged payments
after() {
	db=$1; name=$2; pay0=$3; ack=$4
	eq "$name: integrity_check" "$(sq "$db" "PRAGMA integrity_check")" ok
	n_ack=$(grep -cE '^SF[0-9]{11}$' "$ack")
	eq "$name: every acknowledged payment stored, nothing else" \
		"$(sq "$db" "SELECT count(*) FROM payments WHERE id > $pay0")" "$n_ack"
	{ echo "CREATE TEMP TABLE a(r TEXT);"
	  grep -E '^SF[0-9]{11}$' "$ack" | sed "s/.*/INSERT INTO a VALUES ('&');/"
	  echo "SELECT count(*) FROM a WHERE (SELECT count(*) FROM payments WHERE receipt_no = a.r) <> 1;"
	  echo "SELECT count(*) FROM payments p WHERE p.id > $pay0 AND (NOT EXISTS (SELECT 1 FROM payment_alloc x WHERE x.payment_id = p.id)"
	  echo "  OR NOT EXISTS (SELECT 1 FROM journal j WHERE j.tbl = 'payments' AND j.row_id = p.id));"
	} | sq "$db" >"$T/chk"
	eq "$name: acknowledged receipts found once each" "$(sed -n 1p "$T/chk")" 0
	eq "$name: no half-written payment" "$(sed -n 2p "$T/chk")" 0
	check "$name: audit verify" 0 hall audit verify --db "$db"
}

# Submit payments until one fails (at most $2 tries); receipts to $3.
until_full() {
	db=$1; max=$2; ack=$3; i=0; last=0
	: >"$ack"
	set -- $accts
	while [ $i -lt "$max" ]; do
		k=$(( i % $# + 1 )); eval acct=\${$k}
		pay "$db" "$acct" >>"$ack" 2>"$T/full.err"; last=$?
		[ $last -ne 0 ] && break
		i=$((i + 1))
	done
	echo $last
}

# ------------------------------------------------------------ tmpfs (root)
mnt="$T/mnt"
mounted=no
if [ "$(id -u)" = 0 ] && mkdir -p "$mnt" &&
   mount -t tmpfs -o size=$(( $(stat -c %s "$src") + 2 * 1024 * 1024 )) tmpfs "$mnt" 2>/dev/null; then
	mounted=yes
	trap 'umount "$mnt" 2>/dev/null' EXIT INT TERM
fi
if [ $mounted = yes ]; then
	db="$mnt/hall.db"
	check "tmpfs: store copied in" 0 hall backup --db "$src" --to "$db"
	pay0=$(sq "$db" "SELECT max(id) FROM payments")
	# fill the disk to the last byte
	dd if=/dev/zero of="$mnt/fill" bs=4096 >/dev/null 2>&1
	: >"$T/ack0"
	pay "$db" "${accts%% *}" >"$T/ack0" 2>"$T/err"; rc=$?
	eq "tmpfs: payment on a full disk refused (exit 7)" "$rc" 7
	if grep -qE "磁盘|disk" "$T/err"; then ok "tmpfs: the message says the disk"; else nok "tmpfs: the message says the disk" "$(cat "$T/err")"; fi
	hasnt "tmpfs: nothing acknowledged" "$T/ack0" "SF"
	# room for a few payments, then full again
	size=$(stat -c %s "$mnt/fill")
	truncate -s $((size - 256 * 1024)) "$mnt/fill"
	rc=$(until_full "$db" 300 "$T/ack1")
	cnt=$(grep -c SF "$T/ack1")
	[ "$cnt" -ge 1 ] && ok "tmpfs: payments taken while there was room ($cnt)" || nok "tmpfs: payments taken while there was room" "$(cat "$T/full.err")"
	eq "tmpfs: then refused with exit 7" "$rc" 7
	if grep -qE "磁盘|disk" "$T/full.err"; then ok "tmpfs: clear message"; else nok "tmpfs: clear message" "$(cat "$T/full.err")"; fi
	echo "# $(head -1 "$T/full.err")"
	cat "$T/ack0" "$T/ack1" >"$T/ack"
	# a backup onto the full disk fails cleanly, leaving nothing behind
	check "tmpfs: backup onto the full disk refused" 7 hall backup --db "$src" --to "$mnt/copy.db"
	eq "tmpfs: no partial backup file left" "$(ls "$mnt" | grep -c copy)" 0
	rm -f "$mnt/fill"
	after "$db" "tmpfs" "$pay0" "$T/ack"
	check "tmpfs: works again with room" 0 pay "$db" "${accts%% *}"
	umount "$mnt" && trap - EXIT INT TERM
else
	echo "# tmpfs part skipped (needs root and mount -t tmpfs)"
fi

# ---------------------------------------------------- file size limit
mkdir -p "$T/lim"
db="$T/lim/hall.db"
check "ulimit: store copied" 0 hall backup --db "$src" --to "$db"
pay0=$(sq "$db" "SELECT max(id) FROM payments")
limit=$(( ($(stat -c %s "$db") + 48 * 1024) / 512 ))
# dash counts ulimit -f in 512-byte blocks; SIGXFSZ ignored: write fails EFBIG
rc=$( (trap '' XFSZ; ulimit -f "$limit" && until_full "$db" 300 "$T/ackl") )
cnt=$(grep -c SF "$T/ackl")
[ "$cnt" -ge 1 ] && ok "ulimit: payments taken below the limit ($cnt)" || nok "ulimit: payments taken below the limit" "$(cat "$T/full.err")"
eq "ulimit: then refused with exit 7" "$rc" 7
if grep -qE "磁盘|disk" "$T/full.err"; then ok "ulimit: clear message"; else nok "ulimit: clear message" "$(cat "$T/full.err")"; fi
echo "# $(head -1 "$T/full.err")"
hasnt "ulimit: no sanitizer report" "$T/full.err" "Sanitizer"
after "$db" "ulimit" "$pay0" "$T/ackl"
check "ulimit: works again without the limit" 0 pay "$db" "${accts%% *}"
