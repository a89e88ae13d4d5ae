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
sh "$top/tests/bench_submit.sh" "$hall" "$dir/hall.db" "${BENCH_RUNS:-50}" 3 || exit 1

for b in "$top/$build"/tests/bench_*; do
	case "$b" in *.o|*.d|*/bench_core) continue;; esac
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" "$dir" || exit 1
done

echo "== sync (tests/bench_sync.sh)"
sh "$top/tests/bench_sync.sh" "$hall" "$dir" || exit 1
