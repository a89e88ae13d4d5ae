#!/bin/sh
# hall sync against a real PostgreSQL central: the scenarios of
# tests/sync_scenarios.sh, plus credentials, per-hall roles, a killed
# connection and rows committed late.  The test starts its own server
# (initdb + pg_ctl, as the postgres user when run as root), on a Unix
# socket in a temp dir only, and stops it at the end.
. "$HALL_TESTS/lib.sh"
BACKEND=pg
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
	echo "ok 1 - pg: # SKIP PostgreSQL server binaries not installed (Debian package postgresql)"
	exit 0
fi
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/hall-pg.XXXXXX")
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgpw=pg-admin-$$
echo "$pgpw" >"$pgdir/pw"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$pgdir"
stop_pg() { as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pgdir"; }
trap stop_pg EXIT
trap 'stop_pg; exit 1' INT TERM
if ! as_pg "$PGBIN/initdb" -D "$pgdir/data" -U postgres --auth=scram-sha-256 --pwfile="$pgdir/pw" \
	-E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 ||
   ! as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -o \
	"-c listen_addresses='' -c unix_socket_directories='$pgdir' -c fsync=off" start >/dev/null 2>&1; then
	nok "pg: server starts" "$(tail -n 5 "$pgdir/initdb.log" "$pgdir/log" 2>/dev/null)"
	exit 1
fi
PGPASSWORD=$pgpw "$PGBIN/psql" -X -q -h "$pgdir" -U postgres -d postgres -c "CREATE DATABASE central" >/dev/null
ADMIN_URL="postgresql://postgres:$pgpw@/central?host=$pgdir"
C="central."
url_for() { echo "postgresql://hall_$1:pw-$1@/central?host=$pgdir"; }
cq() { PGPASSWORD=$pgpw "$PGBIN/psql" -X -q -At -F'|' -v ON_ERROR_STOP=1 -h "$pgdir" -U postgres -d central -c "$1"; }
central_cut() { as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -m fast restart >/dev/null 2>&1; }
. "$HALL_TESTS/sync_scenarios.sh"

# ------------------------------------------------- PostgreSQL only
check "pg: wrong password" 11 hall sync --db "$(db_of 001)" --central "postgresql://hall_001:wrong@/central?host=$pgdir"
has "pg: says the login was refused" "$T/err" "refused the login"
check "pg: another hall's credentials cannot write this hall's rows" 11 hall sync --db "$(db_of 002)" --central "$(url_for 001)"
has "pg: says which role and hall" "$T/err" "hall_001 may not act for hall 002"
asrole() { PGPASSWORD=pw-001 "$PGBIN/psql" -X -q -At -h "$pgdir" -U hall_001 -d central -c "$1" 2>&1; }
case "$(asrole "SELECT count(*) FROM central.payments")" in
	*"permission denied"*) ok "pg: a hall role cannot read the tables";;
	*) nok "pg: a hall role cannot read the tables";; esac
case "$(asrole "DELETE FROM central.journal WHERE hall = '002'")" in
	*"permission denied"*) ok "pg: nor rewrite another hall's history";;
	*) nok "pg: nor rewrite another hall's history";; esac
case "$(asrole "SELECT central.hall_push('002', 1, '[]')")" in
	*"may not act"*) ok "pg: nor push as another hall";;
	*) nok "pg: nor push as another hall";; esac
case "$(asrole "SELECT central.hall_stage('002')")" in
	*"may not act"*) ok "pg: nor stage a batch as another hall";;
	*) nok "pg: nor stage a batch as another hall";; esac
case "$(asrole "SELECT central.hall_apply('002', 1)")" in
	*"may not act"*) ok "pg: nor apply a batch as another hall";;
	*) nok "pg: nor apply a batch as another hall";; esac
# the staging table is the functions' owner's: the hall role may only
# insert into it (no rule or trigger running with the owner's rights), and
# a temporary table of that name made by the hall role itself is refused
case "$(asrole "BEGIN; SELECT central.hall_stage('001');
	CREATE RULE r AS ON INSERT TO pg_temp._hall_stage DO INSTEAD NOTHING; COMMIT")" in
	*"must be owner"*) ok "pg: a hall role cannot put a rule on the staging table";;
	*) nok "pg: a hall role cannot put a rule on the staging table";; esac
case "$(asrole "CREATE TEMP TABLE _b3(seq bigint); SELECT central.hall_stage('001')")" in
	*"made a temporary table of the push"*) ok "pg: nor slip in a staging table of its own";;
	*) nok "pg: nor slip in a staging table of its own";; esac
case "$(asrole "CREATE TEMP TABLE _hall_stage(seq bigint); SELECT central.hall_apply('001', 1)")" in
	*"made a temporary table of the push"*) ok "pg: nor have one applied";;
	*) nok "pg: nor have one applied";; esac
a1=$(cq "SELECT acked_seq FROM central.central_cursor WHERE hall = '001' AND epoch = 1")
eq "pg: hall_push with a JSON batch (psql): an empty batch returns the cursor" "$(asrole "SELECT central.hall_push('001', 1, '[]')")" "$a1"
eq "pg: a hall role may stage and apply its own entries (one sent again changes nothing)" \
	"$(asrole "BEGIN; SELECT central.hall_stage('001');
	INSERT INTO pg_temp._hall_stage SELECT seq, kind, tbl, row_id, payload, staff_id, counter, at
	 FROM (VALUES (1::bigint, 'x', 'x', 1::bigint, '{}', NULL, NULL::bigint, 'x')) v(seq, kind, tbl, row_id, payload, staff_id, counter, at);
	SELECT central.hall_apply('001', 1); COMMIT" | tail -n 1)" "$a1"
check "pg: server not there: unreachable" 10 hall sync --db "$(db_of 001)" --central "postgresql://hall_001:pw-001@/central?host=$T/nowhere"
has "pg: says so" "$T/err" "cannot reach the central"

# the connection killed by the server mid-batch
mk_hall 011 21 永泰供电营业厅; enrol 011 >/dev/null 2>&1
sync_env 011 HALL_SYNC_BATCH=10 HALL_SYNC_PAUSE_MS=30 >"$T/cut.out" 2>"$T/cut.err" &
spid=$!
sleep 0.6
cq "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'hall-sync'" >/dev/null
wait "$spid"; got=$?
eq "pg: connection cut mid-batch: unreachable" "$got" "10"
check "pg: the next sync completes" 0 sync_hall 011
same 011 "pg: after the cut both sides equal"

# a row committed late (smaller transaction id, later commit) is not skipped
x=$(cq "SELECT account_no FROM central.customers WHERE hall = '003' ORDER BY account_no LIMIT 1 OFFSET 10")
y=$(cq "SELECT account_no FROM central.customers WHERE hall = '003' ORDER BY account_no LIMIT 1 OFFSET 11")
PGPASSWORD=$pgpw "$PGBIN/psql" -X -q -h "$pgdir" -U postgres -d central -c "BEGIN;
	UPDATE central.customers SET phone = '13000000001', updated_at = '2099-02-01T00:00:00Z' WHERE account_no = '$x';
	SELECT pg_sleep(2.5); COMMIT;" >/dev/null 2>&1 &
late=$!
sleep 0.7
cq "UPDATE central.customers SET phone = '13000000002', updated_at = '2099-02-01T00:00:00Z' WHERE account_no = '$y'" >/dev/null
check "pg: sync while an older transaction is still open" 0 sync_hall 003
eq "pg: the later commit waits for the older one (not pulled past it)" "$(sq "$(db_of 003)" "SELECT count(*) FROM customers WHERE phone IN ('13000000001', '13000000002')")" "0"
wait "$late"
check "pg: sync after it committed" 0 sync_hall 003
eq "pg: both rows arrived, none skipped" "$(sq "$(db_of 003)" "SELECT group_concat(phone, ' ') FROM (SELECT phone FROM customers WHERE account_no IN ('$x', '$y') ORDER BY account_no)")" "13000000001 13000000002"
