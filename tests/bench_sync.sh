#!/bin/sh
# bench_sync.sh - the sync figures of issue 7, on this machine:
#   1. push >= 100,000 journal entries to PostgreSQL, and psql \copy
#      loading the same rows into the same tables (a second central made
#      by the same `hall central init`), side by side;
#   2. the first pull of 1,000,000 customers into a new hall.
# Usage: tests/bench_sync.sh HALL_BIN DIR    (from tests/bench.sh)
#   BENCH_SYNC_CUSTOMERS (default 1000000) customers for the pull,
#   BENCH_SYNC_DEMO (default 140000) demo customers for the push hall.
#   BENCH_SYNC_PARTS (default "push pull clerk") which parts to run:
#     push   1. above
#     pull   2. and 3.: first pull, then a nightly pull with a counter
#     clerk  4. a clerk taking payments in a loop while a sync pushes and
#            pulls a large batch: p50/p99/max of the clerk's wait
# Starts its own PostgreSQL (fsync on) on a Unix socket in a temp dir.
hall=${1:?hall binary}
dir=${2:-$(mktemp -d)}
export HALL_FORMS=${HALL_FORMS:-$(pwd)/forms} LC_ALL=C.UTF-8 HALL_LANG=en
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	echo "bench_sync: SKIP (PostgreSQL server binaries not installed)"
	exit 0
fi
ms() { date +%s%N | cut -c1-13; }
secs() { echo "$(( $1 / 1000 )).$(printf %03d $(( $1 % 1000 )))"; }
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/hall-pgbench.XXXXXX")
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pw=bench-$$
echo "$pw" >"$pgdir/pw"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$pgdir"
trap 'as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null 2>&1; rm -rf "$pgdir"' EXIT INT TERM
as_pg "$PGBIN/initdb" -D "$pgdir/data" -U postgres --auth=scram-sha-256 --pwfile="$pgdir/pw" \
	-E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 || { echo "initdb failed"; exit 1; }
as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -o \
	"-c listen_addresses='' -c unix_socket_directories='$pgdir' -c shared_buffers=512MB -c max_wal_size=4GB" \
	start >/dev/null || { echo "pg_ctl start failed"; exit 1; }
psql_() { db=$1; shift; PGPASSWORD=$pw "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$pgdir" -U postgres -d "$db" "$@"; }
psql_ postgres -c "CREATE DATABASE central" -c "CREATE DATABASE copy"
admin="postgresql://postgres:$pw@/central?host=$pgdir"

want() { case " ${BENCH_SYNC_PARTS:-push pull clerk} " in *" $1 "*) return 0;; esac; return 1; }
"$hall" central init --central "$admin" >/dev/null 2>&1 || exit 1

# ------------------------------------------------------------ 1. push
if want push; then
# two demo halls (the demo's journal holds about 50,000 entries a hall)
n=${BENCH_SYNC_DEMO:-70000}
entries=0
for code in 071 073; do
	"$hall" demo --db "$dir/push$code.db" --customers "$n" --seed $code --hall $code --name 推送厅$code >/dev/null 2>&1 || exit 1
	entries=$((entries + $(sqlite3 "$dir/push$code.db" "SELECT count(*) FROM journal")))
	t0=$(ms)
	HALL_CENTRAL_HALL_PASSWORD=pw$code "$hall" central init --central "$admin" --db "$dir/push$code.db" >/dev/null 2>&1 || exit 1
	t1=$(ms)
	echo "enrolment of hall $code (seed $(sqlite3 "$dir/push$code.db" 'SELECT count(*) FROM customers') customers, $(sqlite3 "$dir/push$code.db" 'SELECT count(*) FROM bills') bills): $(secs $((t1 - t0))) s"
done
psql_ central -c "VACUUM ANALYZE" -c "CHECKPOINT"
t0=$(ms)
for code in 071 073; do
	"$hall" sync --db "$dir/push$code.db" --central "postgresql://hall_$code:pw$code@/central?host=$pgdir" --only push >/dev/null || exit 1
done
t1=$(ms)
push_ms=$((t1 - t0))
echo "hall sync --only push, halls 071 and 073: $entries journal entries in $(secs $push_ms) s ($(( entries * 1000 / (push_ms > 0 ? push_ms : 1) )) entries/s) (target <= 10 s for 100,000)"

# the same rows into the same tables of a second central, with \copy
"$hall" central init --central "postgresql://postgres:$pw@/copy?host=$pgdir" >/dev/null 2>&1 || exit 1
psql_ copy -c "VACUUM ANALYZE" -c "CHECKPOINT"
tables=$(psql_ central -c "SELECT string_agg(name, ' ') FROM central.central_tables WHERE kind <> 'owned'")
tables="journal $tables"
for t in $tables; do
	psql_ central -c "\\copy (SELECT * FROM central.$t WHERE hall IN ('071', '073')) TO '$dir/$t.csv' WITH (FORMAT csv)"
done
t0=$(ms)
for t in $tables; do
	psql_ copy -c "\\copy central.$t FROM '$dir/$t.csv' WITH (FORMAT csv)"
done
t1=$(ms)
copy_ms=$((t1 - t0))
rows=0; for t in $tables; do rows=$((rows + $(wc -l <"$dir/$t.csv"))); done
printf "psql \\\\copy of the same %s rows into the same tables: %s s\n" "$rows" "$(secs $copy_ms)"
printf "push / copy: %s (target <= 3x)\n" "$((push_ms * 100 / (copy_ms > 0 ? copy_ms : 1) / 100)).$(printf %02d $((push_ms * 100 / (copy_ms > 0 ? copy_ms : 1) % 100)))x"

fi

# ------------------------------------------------- 2. first pull of 1M
if want pull; then
m=${BENCH_SYNC_CUSTOMERS:-1000000}
psql_ central <<SQL
INSERT INTO central.central_halls(code, name, role, created_at) VALUES ('072', '新开营业厅', 'hall_072', '2026-01-01T00:00:00Z');
INSERT INTO central.customers(account_no, name, id_type, id_number, phone, address, category, voltage,
  capacity, tariff_form, status, prepaid_fen, extras, created_at, updated_at, hall)
SELECT '072' || lpad(i::text, 7, '0'),
  (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','林','郑'])[1 + i % 12] ||
  (ARRAY['建国','秀英','志强','晓燕','海峰','丽娟','国华','美玲','文斌','春梅'])[1 + (i / 12) % 10],
  'resident_id', lpad((350102000000000000 + i)::text, 18, '0'), '13' || lpad((i::bigint * 7919 % 1000000000)::text, 9, '0'),
  '福建省福州市' || (ARRAY['鼓楼区','台江区','仓山区','晋安区','马尾区'])[1 + i % 5] ||
  (ARRAY['华林路','五四路','杨桥路','东街','湖东路','六一路'])[1 + (i / 5) % 6] || (i % 300 + 1) || '号' ||
  (i % 40 + 1) || '栋' || (i % 30 + 1) || '0' || (i % 4 + 1) || '室',
  'residential', '220v', 8, 'single', 'normal', 0, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '072'
FROM generate_series(1, $m) AS i;
VACUUM ANALYZE central.customers;
CHECKPOINT;
SQL
psql_ central -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hall_072') THEN
	CREATE ROLE hall_072 LOGIN PASSWORD 'pw072'; END IF; END \$\$" \
	-c "GRANT USAGE ON SCHEMA central TO hall_072" \
	-c "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA central TO hall_072"
"$hall" init --db "$dir/new.db" --hall 072 --name 新开营业厅 >/dev/null 2>&1 || exit 1
# a counter writing all along: how long does its BEGIN IMMEDIATE wait?
( while [ ! -e "$dir/pull.done" ]; do
	printf "%s\n" ".timeout 5000" ".timer on" "BEGIN IMMEDIATE;" \
		"INSERT OR REPLACE INTO drafts(staff_id, form, fields, saved_at) VALUES ('9999', 'payment', '{}', 'bench');" \
		"COMMIT;" | sqlite3 "$dir/new.db" 2>&1 | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | head -n 1
	sleep 0.03
done ) >"$dir/waits.txt" &
clerk=$!
t0=$(ms)
"$hall" sync --db "$dir/new.db" --central "postgresql://hall_072:pw072@/central?host=$pgdir" >/dev/null || exit 1
t1=$(ms)
touch "$dir/pull.done"; wait "$clerk"
got=$(sqlite3 "$dir/new.db" "SELECT count(*) FROM customers")
echo "first pull of $got customers into a new hall: $(secs $((t1 - t0))) s (target <= 60 s), store $(du -m "$dir/new.db" | cut -f1) MB"
echo "a counter writing meanwhile (first pull into an empty hall, where no counter serves yet: steps aimed at 250 ms, no 100 ms target): $(wc -l <"$dir/waits.txt") transactions, longest wait for the lock $(sort -n "$dir/waits.txt" | tail -n 1) s"
found=$(HALL_DB="$dir/new.db" "$hall" find 华林路1号 --limit 5 2>/dev/null | wc -l)

# ------------------------------------- 3. a nightly pull while counters work
k=${BENCH_SYNC_CHANGED:-100000}
psql_ central -c "UPDATE central.customers SET phone = '139' || substr(phone, 4), updated_at = '2026-06-01T00:00:00Z'
	WHERE hall = '072' AND id % ($m / $k) = 0"
rm -f "$dir/pull.done"
( while [ ! -e "$dir/pull.done" ]; do
	printf "%s\n" ".timeout 5000" ".timer on" "BEGIN IMMEDIATE;" \
		"INSERT OR REPLACE INTO drafts(staff_id, form, fields, saved_at) VALUES ('9999', 'payment', '{}', 'bench');" \
		"COMMIT;" | sqlite3 "$dir/new.db" 2>&1 | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | head -n 1
	sleep 0.03
done ) >"$dir/waits2.txt" &
clerk=$!
t0=$(ms)
"$hall" sync --db "$dir/new.db" --central "postgresql://hall_072:pw072@/central?host=$pgdir" >"$dir/pull2.out" || exit 1
t1=$(ms)
touch "$dir/pull.done"; wait "$clerk"
echo "nightly pull of $k changed customers (old values kept in history): $(secs $((t1 - t0))) s; $(cat "$dir/pull2.out")"
echo "a counter writing meanwhile: $(wc -l <"$dir/waits2.txt") transactions, longest wait for the lock $(sort -n "$dir/waits2.txt" | tail -n 1) s (target <= 0.100 s)"
echo "look-up works on the pulled customers: $found matches for 华林路1号"
fi

# ---------------------------- 4. a clerk at work while a sync pushes and pulls
if want clerk; then
c=${BENCH_SYNC_CLERK_DEMO:-100000}
rm -f "$dir"/clerk.db*
"$hall" demo --db "$dir/clerk.db" --customers "$c" --seed 74 --hall 074 --name 柜台厅 >/dev/null 2>&1 || exit 1
HALL_CENTRAL_HALL_PASSWORD=pw074 "$hall" central init --central "$admin" --db "$dir/clerk.db" >/dev/null 2>&1 || exit 1
# a large batch each way: the hall's whole journal goes up (never sent),
# and the central changes half of the hall's customers and a bill each
psql_ central -c "UPDATE central.customers SET phone = '137' || substr(phone, 4), updated_at = '2026-06-02T00:00:00Z'
	WHERE hall = '074' AND id % 2 = 0" -c "UPDATE central.bills SET kwh = kwh + 1 WHERE hall = '074' AND id % 3 = 0"
up=$(sqlite3 "$dir/clerk.db" "SELECT count(*) FROM journal")
down=$(psql_ central -c "SELECT (SELECT count(*) FROM central.customers WHERE hall = '074' AND id % 2 = 0) + (SELECT count(*) FROM central.bills WHERE hall = '074' AND id % 3 = 0)")
rm -f "$dir/clerk.stop"
HALL_FORMS="$HALL_FORMS" "$(dirname "$hall")/tests/bench_clerk" "$dir/clerk.db" "$dir/clerk.stop" >"$dir/clerk.out" 2>&1 &
ck=$!
sleep 1
t0=$(ms)
HALL_SYNC_TRACE=1 "$hall" sync --db "$dir/clerk.db" --central "postgresql://hall_074:pw074@/central?host=$pgdir" >"$dir/clerk.sync" 2>"$dir/clerk.trace" || { cat "$dir/clerk.trace"; exit 1; }
t1=$(ms)
sleep 1
touch "$dir/clerk.stop"; wait "$ck"
echo "sync of hall 074 while a clerk takes payments: $up journal entries up, $down changed rows down, $(secs $((t1 - t0))) s"
grep -E "rows in|longest|recompute" "$dir/clerk.trace" | sed 's/^/  /'
sed 's/^/  /' "$dir/clerk.out"
echo "  (target: the clerk's wait max <= 100 ms)"
fi