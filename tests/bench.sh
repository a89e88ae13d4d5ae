#!/bin/sh
# make bench: the figures the issues ask for, on this machine.
#   BENCH_CUSTOMERS (default 1000000) customers in the demo store.
# Not part of make check.
build=${1:-build}
forms=${2:-forms}
top=$(pwd)
export HALL_FORMS="$top/$forms" LC_ALL=C.UTF-8
hall="$top/$build/hall"
n=${BENCH_CUSTOMERS:-1000000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/hall-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
ms() { date +%s%N | cut -c1-13; }

echo "== hall demo: $n customers"
t0=$(ms)
"$hall" demo --db "$dir/hall.db" --customers "$n" --seed 1 >/dev/null || exit 1
t1=$(ms)
echo "demo store built in $(( (t1 - t0) / 1000 )).$(( (t1 - t0) % 1000 / 100 )) s, $(du -m "$dir/hall.db" | cut -f1) MB"

echo "== core, in process ($build/tests/bench_core)"
"$top/$build/tests/bench_core" "$dir/hall.db" 1000

echo "== hall submit payment end to end vs sqlite3 CLI insert (same store, WAL, synchronous=FULL)"
runs=${BENCH_RUNS:-100}
acct=$(sqlite3 "$dir/hall.db" "SELECT account_no FROM customers WHERE status='normal' LIMIT 1")
export HALL_PASSWORD=demo1234
t0=$(ms); i=0
while [ $i -lt $runs ]; do
	"$hall" submit payment --db "$dir/hall.db" --user 1001 account_no="$acct" amount=1.00 method=cash >/dev/null || exit 1
	i=$((i + 1))
done
t1=$(ms)
hall_ms=$(( (t1 - t0) * 1000 / runs ))
t0=$(ms); i=0
while [ $i -lt $runs ]; do
	sqlite3 "$dir/hall.db" "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; INSERT INTO payments(receipt_no, account_no, amount_fen, method, business_date, hall, counter, staff_id, created_at) VALUES ('B$i', '$acct', 100, 'cash', '2026-12-04', '001', 1, '1001', '2026-12-04T00:00:00Z');" >/dev/null || exit 1
	i=$((i + 1))
done
t1=$(ms)
sql_ms=$(( (t1 - t0) * 1000 / runs ))
echo "hall submit payment: $((hall_ms / 1000)).$(printf %03d $((hall_ms % 1000))) ms per run ($runs runs, password check included)"
echo "sqlite3 CLI insert:  $((sql_ms / 1000)).$(printf %03d $((sql_ms % 1000))) ms per run"
echo "ratio: $((hall_ms * 100 / sql_ms / 100)).$(printf %02d $((hall_ms * 100 / sql_ms % 100)))x (target <= 3x)"

for b in "$top/$build"/tests/bench_*; do
	case "$b" in *.o|*.d|*/bench_core) continue;; esac
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" "$dir" || exit 1
done

echo "== sync (tests/bench_sync.sh)"
sh "$top/tests/bench_sync.sh" "$hall" "$dir" || exit 1
