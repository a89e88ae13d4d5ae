#!/bin/sh
# hall submit payment end to end (process start to exit, fsync included)
# against a bare sqlite3 CLI insert of one row with the same durability
# settings on the same store (issue #2).  Three ways of logging in:
#   session   after `hall login` (the clerk's normal day: no password check)
#   password  HALL_PASSWORD on every command (a yescrypt check each time)
# ROUNDS rounds of RUNS runs each, interleaved, so that a busy moment of
# the machine falls on all three alike; each round's figures are printed.
# Usage: tests/bench_submit.sh HALL_BIN STORE [RUNS] [ROUNDS]
hall=$1 db=$2 runs=${3:-50} rounds=${4:-3}
[ -x "$hall" ] && [ -f "$db" ] || { echo "usage: $0 HALL_BIN STORE [RUNS] [ROUNDS]" >&2; exit 2; }
rt=$(mktemp -d "${TMPDIR:-/tmp}/hall-bench-rt.XXXXXX")
chmod 700 "$rt"
trap 'rm -rf "$rt"' EXIT INT TERM
export XDG_RUNTIME_DIR="$rt"
ms() { date +%s%N | cut -c1-13; }
acct=$(sqlite3 "$db" "SELECT account_no FROM customers WHERE status='normal' LIMIT 1")
HALL_PASSWORD=demo1234 "$hall" login --db "$db" --user 1001 >/dev/null || exit 1

per_run() { echo "$(( $1 / 1000 )).$(printf %03d $(( $1 % 1000 )))"; }
ratio() { echo "$(( $1 * 100 / $2 / 100 )).$(printf %02d $(( $1 * 100 / $2 % 100 )))"; }

r=1
while [ $r -le $rounds ]; do
	t0=$(ms); i=0
	while [ $i -lt $runs ]; do
		"$hall" submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash >/dev/null </dev/null || exit 1
		i=$((i + 1))
	done
	t1=$(ms); ses=$(( (t1 - t0) * 1000 / runs ))
	t0=$(ms); i=0
	while [ $i -lt $runs ]; do
		HALL_PASSWORD=demo1234 "$hall" submit payment --db "$db" --user 1001 account_no="$acct" amount=1.00 method=cash >/dev/null || exit 1
		i=$((i + 1))
	done
	t1=$(ms); pw=$(( (t1 - t0) * 1000 / runs ))
	t0=$(ms); i=0
	while [ $i -lt $runs ]; do
		sqlite3 "$db" "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; INSERT INTO payments(receipt_no, account_no, amount_fen, method, business_date, hall, counter, staff_id, created_at) VALUES ('B$r-$i-$$', '$acct', 100, 'cash', '2026-12-04', '001', 1, '1001', '2026-12-04T00:00:00Z');" >/dev/null || exit 1
		i=$((i + 1))
	done
	t1=$(ms); sql=$(( (t1 - t0) * 1000 / runs ))
	echo "round $r ($runs runs each): session $(per_run $ses) ms ($(ratio $ses $sql)x), password $(per_run $pw) ms ($(ratio $pw $sql)x), sqlite3 insert $(per_run $sql) ms; target <= 3x"
	r=$((r + 1))
done
"$hall" logout --db "$db" --user 1001 >/dev/null
