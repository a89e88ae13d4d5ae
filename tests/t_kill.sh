#!/bin/sh
# Kill test (issue 8): three counters post payments concurrently
# (`hall submit payment` loops, clerks 1001/1002/1003) and are killed with
# SIGKILL at random moments, KILL_ROUNDS times (default 100).  After each
# round: PRAGMA integrity_check is ok; every receipt number a process
# printed exists exactly once; nothing is half-written (a payment without
# its allocation, receipt text, journal entry or audit row; a journal entry
# without its row; bills and prepaid balances that disagree with the
# allocations; a gap in the receipt numbers).  Every 10 rounds and at the
# end: foreign_key_check is empty and `hall audit verify` is clean.
. "$HALL_TESTS/lib.sh"
db="$T/kill.db"
rounds=${KILL_ROUNDS:-100}
export HALL_PASSWORD=demo1234 HALL_BUSY_TIMEOUT_MS=20000
unset HALL_DB
# a counter killed in the middle of an fsync dies only when it returns:
# wait for its lock like a counter would
sq() { sqlite3 -batch -noheader -cmd ".timeout 20000" "$@"; }

if ! hall demo --db "$db" --customers 300 --seed 1 >/dev/null 2>"$T/demo.err"; then
	nok "demo store" "$(cat "$T/demo.err")"; exit 1
fi
# a third clerk beside the demo's 1001 and 1002
HALL_NEW_PASSWORD=demo1234 HALL_PASSWORD=demo1234 hall user add 1003 --name 林芳 --role clerk \
	--db "$db" --user 0001 >/dev/null 2>&1
eq "clerks 1001-1003 exist" "$(sq "$db" "SELECT count(*) FROM staff WHERE id IN ('1001','1002','1003') AND role='clerk'")" 3

# invariants that hold before the test must hold after every round (the
# demo's imported bills may carry paid amounts without allocations: their
# count and sum must not move)
inv_sql() {
	echo "SELECT
	 (SELECT count(*) FROM payments p WHERE NOT EXISTS (SELECT 1 FROM payment_alloc a WHERE a.payment_id = p.id)),
	 (SELECT count(*) FROM bills b WHERE b.paid_fen <> (SELECT coalesce(sum(a.principal_fen), 0) FROM payment_alloc a WHERE a.bill_id = b.id)),
	 (SELECT sum(paid_fen) FROM bills) - (SELECT coalesce(sum(principal_fen), 0) FROM payment_alloc WHERE bill_id IS NOT NULL),
	 (SELECT count(*) FROM customers c WHERE c.prepaid_fen <> (SELECT coalesce(sum(a.prepaid_fen), 0) FROM payment_alloc a JOIN payments p ON p.id = a.payment_id WHERE p.account_no = c.account_no)),
	 (SELECT value FROM seq WHERE name = 'receipt') - (SELECT count(*) FROM payments WHERE receipt_no LIKE 'SF%'),
	 (SELECT count(*) FROM journal j WHERE j.tbl = 'payments' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = j.row_id)),
	 (SELECT count(*) FROM journal j WHERE j.tbl <> 'audit' AND j.seq > $seq0 AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.journal_seq = j.seq))"
}
seq0=$(sq "$db" "SELECT coalesce(max(seq), 0) FROM journal")
pay0=$(sq "$db" "SELECT coalesce(max(id), 0) FROM payments")
inv_sql=$(inv_sql)
base=$(sq "$db" "$inv_sql"); echo "# invariants before: $base"
accts=$(sq "$db" "SELECT account_no FROM customers WHERE status = 'normal' ORDER BY account_no LIMIT 24" | tr '\n' ' ')

rnd() { # random integer 0..$1-1
	echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 ))
}

# One counter: post payments until killed.  hall writes the receipt number
# straight into out.N (>>): what it printed is in the file.
cat >"$T/counter.sh" <<'EOF2'
u=$1; i=$2; db=$3; T=$4; shift 4
while :; do
	k=$(( i % $# + 1 )); i=$((i + 7))
	eval acct=\${$k}
	"$HALL_BIN" submit payment --db "$db" --user "$u" --counter "${u#100}" \
		account_no="$acct" amount=1.00 method=cash >>"$T/out.$u" 2>>"$T/err.$u"
	echo $? >>"$T/status.$u"
done
EOF2

fail=0
start=$(date +%s)
r=1
while [ $r -le "$rounds" ]; do
	pids=""
	for u in 1001 1002 1003; do
		# setsid: the loop and its hall child form one process group
		setsid sh "$T/counter.sh" $u $(rnd 1000) "$db" "$T" $accts &
		pids="$pids $!"
	done
	# kill each counter at its own random moment, 30-350 ms from now
	for p in $pids; do
		(sleep "0.$(printf %03d $(( $(rnd 320) + 30 )))"; kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null) &
	done
	wait
	for p in $pids; do    # nothing of the group may survive
		while kill -0 -- "-$p" 2>/dev/null; do kill -KILL -- "-$p" 2>/dev/null; sleep 0.01; done
	done
	# every printed receipt exists exactly once
	cat "$T"/out.* 2>/dev/null | grep -E '^SF[0-9]{11}$' | sort >"$T/all"
	sort -u "$T/all" >"$T/all.u"
	if ! cmp -s "$T/all" "$T/all.u"; then
		nok "round $r: a receipt number printed twice"; fail=1; break
	fi
	# one sqlite3 run: integrity, printed receipts, half-written rows, invariants
	{ echo "PRAGMA integrity_check;"
	  echo "CREATE TEMP TABLE p(r TEXT);"; sed "s/.*/INSERT INTO p VALUES ('&');/" "$T/all.u"
	  echo "SELECT count(*) FROM p WHERE (SELECT count(*) FROM payments WHERE receipt_no = p.r) <> 1;"
	  echo "SELECT count(*) FROM payments x WHERE x.id > $pay0 AND (NOT EXISTS (SELECT 1 FROM receipts c WHERE c.payment_id = x.id AND c.copy = 0)"
	  echo "  OR NOT EXISTS (SELECT 1 FROM journal j WHERE j.tbl = 'payments' AND j.row_id = x.id)"
	  echo "  OR NOT EXISTS (SELECT 1 FROM audit a JOIN journal j ON j.seq = a.journal_seq WHERE j.tbl = 'payments' AND j.row_id = x.id));"
	  echo "$inv_sql;"
	} | sq "$db" >"$T/check" 2>&1
	ic=$(sed -n 1p "$T/check"); missing=$(sed -n 2p "$T/check")
	half=$(sed -n 3p "$T/check"); now=$(sed -n 4p "$T/check")
	if [ "$ic" != ok ]; then nok "round $r: integrity_check" "$(head -5 "$T/check")"; fail=1; break; fi
	if [ "$missing" != 0 ]; then nok "round $r: printed receipts stored exactly once" "$missing missing or doubled"; fail=1; break; fi
	if [ "$half" != 0 ]; then nok "round $r: no half-written payment" "$half payments lack receipt, journal or audit"; fail=1; break; fi
	if [ "$now" != "$base" ]; then nok "round $r: invariants" "before: $base" "now:    $now"; fail=1; break; fi
	if [ $((r % 10)) -eq 0 ] || [ $r -eq "$rounds" ]; then
		fk=$(sq "$db" "PRAGMA foreign_key_check" | head -3)
		if [ -n "$fk" ]; then nok "round $r: foreign keys" "$fk"; fail=1; break; fi
		if ! hall audit verify --db "$db" >"$T/verify" 2>&1; then
			nok "round $r: audit verify" "$(cat "$T/verify")"; fail=1; break
		fi
	fi
	r=$((r + 1))
done
secs=$(( $(date +%s) - start ))
[ $fail -eq 0 ] && ok "$rounds rounds of SIGKILL: store intact after each ($secs s)"

printed=$(wc -l <"$T/all.u")
made=$(sq "$db" "SELECT count(*) FROM payments WHERE id > $pay0")
echo "# $printed receipts printed, $made payments stored (the rest were killed after commit, before printing)"
[ "$printed" -ge 50 ] && ok "the counters did work ($printed receipts printed)" || nok "the counters did work" "only $printed receipts printed"
[ "$made" -ge "$printed" ] && ok "every printed receipt is stored" || nok "every printed receipt is stored" "$made < $printed"
# a submit ends with 0, or is killed; a busy store would say 5
bad=$(cat "$T"/status.* 2>/dev/null | grep -vcE '^(0|5)$')
eq "no submit failed for another reason" "$bad" 0
[ "$bad" = 0 ] || head -5 "$T"/err.* | sed 's/^/#   /'
eq "integrity_check at the end" "$(sq "$db" "PRAGMA integrity_check")" ok
check "audit verify at the end" 0 hall audit verify --db "$db"
