/*
 * sync_pg.c - the central store on PostgreSQL ("postgresql://..."), via
 * libpq.  TLS and every other connection option pass through the URL
 * (production: sslmode=verify-full&sslrootcert=...).
 *
 * Everything lives in the schema "central": the same logical tables as
 * the SQLite central (sync_sqlite.c, sync_schema.c) plus central_tables,
 * the registry of generated tables that the functions read.  `hall central
 * init` (run by the schema's owner) creates it and, per hall, a LOGIN role
 * hall_CODE that owns nothing and may only EXECUTE the functions below.
 * The functions are SECURITY DEFINER and start with hall_check(): the
 * caller must be the hall's own role (or a member of the owner), so a
 * stolen hall credential can neither read nor write another hall's rows.
 *
 *   hall_version()                  'sync/hall' schema versions
 *   hall_hello(hall)                checks the hall
 *   hall_cursors(hall)              acknowledged seq per epoch
 *   hall_stage(hall)                the session's empty staging table
 *   hall_apply(hall, epoch)         apply what was COPYed into it, advance
 *                                   the cursor (returns it)
 *   hall_push(hall, epoch, batch)   the same with a JSON array (psql)
 *   hall_pull(hall, since, until)   owned rows changed in [since, until)
 *   hall_verify(hall)               per-day figures
 *
 * Owned rows carry chg xid8, the id of the transaction that last wrote
 * them (default + trigger).  A pull runs in one REPEATABLE READ
 * transaction: until = pg_snapshot_xmin of its snapshot, so every
 * transaction below it has finished and a row committed late (a smaller
 * xid committing after a bigger one) is still >= since next time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "pq.h"
#include "sbuf.h"
#include "sync_backend.h"
#include "hall/store.h"

struct sync_be {
	PGconn *pg;
	struct sync_tab *tabs;
	int ntabs;
	char where[256];             /* host/db for messages, no password */
};

/* ------------------------------------------------------------ errors */

static const char *sqlstate(const PGresult *r)
{
	const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return s ? s : "";
}

static int classify(struct sync_be *b, const PGresult *r, const char *what_zh,
                    const char *what_en, struct hall_err *err)
{
	const char *st = sqlstate(r);
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg)
		msg = PQerrorMessage(b->pg);
	char detail[300];
	snprintf(detail, sizeof detail, "%s", msg ? msg : "");
	detail[strcspn(detail, "\n")] = '\0';
	if (PQstatus(b->pg) == CONNECTION_BAD || strncmp(st, "08", 2) == 0 ||
	    strncmp(st, "57P", 3) == 0 || strcmp(st, "40001") == 0 ||
	    strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0) {
		hall_err_set(err, HALL_EIO, NULL,
			"与中心库 %s 的连接中断（%s%.0s：%s）。未丢失任何数据，下次同步会接着做",
			"the connection to the central %s was lost (%.0s%s: %s). Nothing was lost; the next sync carries on",
			b->where, what_zh, what_en, detail);
		return SYNC_UNREACHABLE;
	}
	if (strncmp(st, "28", 2) == 0 || strcmp(st, "42501") == 0 || strcmp(st, "HA002") == 0) {
		hall_err_set(err, HALL_EAUTH, NULL,
			"中心库 %s 拒绝了本营业厅的账号（%s）：请检查连接地址中的账号与密码",
			"the central %s refused this hall's credentials (%s): check the role and password of the URL",
			b->where, detail);
		return SYNC_AUTH;
	}
	if (strcmp(st, "HA001") == 0) {
		hall_err_set(err, HALL_ENOTFOUND, NULL,
			"中心库不认识本营业厅编码（%s）：请管理员先运行 hall central init --central 地址 --db 本营业厅数据库",
			"the central does not know this hall code (%s): the administrator must enrol it with "
			"hall central init --central URL --db THIS_HALL_STORE", detail);
		return SYNC_UNKNOWN_HALL;
	}
	if (strcmp(st, "42883") == 0 || strcmp(st, "42P01") == 0 || strcmp(st, "3F000") == 0) {
		hall_err_set(err, HALL_EVERSION, NULL,
			"中心库 %s 尚未初始化或数据结构过旧（%s）：请管理员用本版本运行 hall central init",
			"the central %s is not initialised or its schema is too old (%s): the administrator must run "
			"hall central init from this version", b->where, detail);
		return SYNC_SCHEMA;
	}
	if (strncmp(st, "53", 2) == 0 && strcmp(st, "53200") != 0) {
		hall_err_set(err, HALL_EIO, NULL,
			"中心库磁盘已满或资源不足（%s）。未丢失任何数据，腾出空间后重新同步",
			"the central's disk is full or it is out of resources (%s). Nothing was lost; sync again once "
			"there is space", detail);
		return SYNC_DISKFULL;
	}
	if (strcmp(st, "HA003") == 0) {
		hall_err_set(err, HALL_EINVAL, NULL,
			"中心库拒收：%s。该条及其后的日志暂不上传，请通知系统管理员",
			"the central refused: %s. It and the entries after it wait; tell the administrator", detail);
		return SYNC_REJECTED;
	}
	hall_err_set(err, HALL_EDB, NULL, "中心库%s%.0s失败（%s）：%s",
	             "central: %.0s%s failed (%s): %s", what_zh, what_en, st, detail);
	return SYNC_REJECTED;
}

/* Run a statement with text parameters; *out (may be NULL) keeps the
 * result.  SYNC_OK or a classified failure. */
static int run(struct sync_be *b, const char *sql, int n, const char *const *params,
               PGresult **out, const char *what_zh, const char *what_en,
               struct hall_err *err)
{
	if (out)
		*out = NULL;
	PGresult *r = PQexecParams(b->pg, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		int f = classify(b, r, what_zh, what_en, err);
		PQclear(r);
		return f;
	}
	if (out)
		*out = r;
	else
		PQclear(r);
	return SYNC_OK;
}

static void abort_txn(struct sync_be *b)
{
	if (PQstatus(b->pg) == CONNECTION_OK && PQtransactionStatus(b->pg) != PQTRANS_IDLE)
		PQclear(PQexec(b->pg, "ROLLBACK"));
}

/* -------------------------------------------------------------- open */

static void describe(const char *url, char *out, size_t n)
{
	/* the URL without user:password@ and without the query */
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *at = strchr(p, '@');
	const char *q = strchr(p, '?');
	if (at && (!q || at < q))
		p = at + 1;
	size_t len = q ? (size_t)(q - p) : strlen(p);
	snprintf(out, n, "%.*s", (int)(len > 200 ? 200 : len), p);
	if (!out[0] || strcmp(out, "/") == 0)
		snprintf(out, n, "%s", "(PostgreSQL)");
}

static int pg_open(const char *url, struct sync_be **out, struct hall_err *err)
{
	*out = NULL;
	if (pq_load(err) != HALL_OK)
		return SYNC_CONFIG;
	struct sync_be *b = calloc(1, sizeof *b);
	if (!b) {
		hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		return SYNC_LOCAL;
	}
	describe(url, b->where, sizeof b->where);
	if (sync_schema_tables(&b->tabs, &b->ntabs, err) != HALL_OK) {
		free(b);
		return SYNC_LOCAL;
	}
	const char *keys[] = { "connect_timeout", "application_name", "dbname", NULL };
	const char *vals[] = { "10", "hall-sync", url, NULL };
	b->pg = PQconnectdbParams(keys, vals, 1);
	if (!b->pg || PQstatus(b->pg) != CONNECTION_OK) {
		char detail[400];
		snprintf(detail, sizeof detail, "%s", b->pg ? PQerrorMessage(b->pg) : "out of memory");
		for (char *c = detail; *c; c++)
			if (*c == '\n')
				*c = ' ';
		int f;
		if (strstr(detail, "password authentication failed") ||
		    strstr(detail, "no password supplied") ||
		    (strstr(detail, "does not exist") && strstr(detail, "role"))) {
			hall_err_set(err, HALL_EAUTH, NULL,
				"中心库 %s 拒绝登录：账号或密码不对（%s）",
				"the central %s refused the login: wrong role or password (%s)", b->where, detail);
			f = SYNC_AUTH;
		} else if (strstr(detail, "database") && strstr(detail, "does not exist")) {
			hall_err_set(err, HALL_ECONFIG, "central",
				"中心库 %s 的数据库不存在（%s）：请检查地址",
				"the central %s has no such database (%s): check the URL", b->where, detail);
			f = SYNC_CONFIG;
		} else if (strstr(detail, "invalid") || strstr(detail, "missing")) {
			hall_err_set(err, HALL_ECONFIG, "central",
				"中心库地址有误（%s）", "the central URL is wrong (%s)", detail);
			f = SYNC_CONFIG;
		} else {
			hall_err_set(err, HALL_EIO, NULL,
				"连不上中心库 %s（%s）。本营业厅照常营业，数据都在本地，恢复后再同步",
				"cannot reach the central %s (%s). The hall works on as usual with everything kept "
				"locally; sync again when it is back", b->where, detail);
			f = SYNC_UNREACHABLE;
		}
		PQfinish(b->pg);
		free(b->tabs);
		free(b);
		return f;
	}
	/* temp_buffers before the session's first temporary table: a push
	 * batch's staging tables stay in memory */
	PQclear(PQexec(b->pg, "SET client_min_messages = warning; SET temp_buffers = '64MB'"));
	*out = b;
	return SYNC_OK;
}

static void pg_close(struct sync_be *b)
{
	if (!b)
		return;
	PQfinish(b->pg);
	free(b->tabs);
	free(b);
}

/* -------------------------------------------------------------- init */

static const char *pg_type(const char *t)
{
	return strcmp(t, "INTEGER") == 0 ? "bigint" :
	       strcmp(t, "REAL") == 0 ? "double precision" : "text";
}

static const char base_ddl[] =
	"CREATE SCHEMA IF NOT EXISTS central;"
	"SET LOCAL search_path = central;"
	"CREATE TABLE IF NOT EXISTS meta(key text PRIMARY KEY, value text NOT NULL);"
	"CREATE TABLE IF NOT EXISTS central_tables(name text PRIMARY KEY, kind text NOT NULL,"
	" key_col text NOT NULL, cols text NOT NULL DEFAULT '');"
	"ALTER TABLE central_tables ADD COLUMN IF NOT EXISTS cols text NOT NULL DEFAULT '';"
	"CREATE TABLE IF NOT EXISTS central_halls(code text PRIMARY KEY, name text NOT NULL,"
	" role text NOT NULL DEFAULT '', base_epoch bigint NOT NULL DEFAULT 0,"
	" base_seq bigint NOT NULL DEFAULT 0, created_at text NOT NULL);"
	"CREATE TABLE IF NOT EXISTS central_cursor(hall text NOT NULL, epoch bigint NOT NULL,"
	" acked_seq bigint NOT NULL, updated_at text NOT NULL, PRIMARY KEY (hall, epoch));"
	"CREATE TABLE IF NOT EXISTS central_history(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	" account_no text NOT NULL, field text NOT NULL, old_value text, new_value text,"
	" source text NOT NULL, staff_id text, at text NOT NULL);"
	"CREATE TABLE IF NOT EXISTS journal(hall text NOT NULL, epoch bigint NOT NULL,"
	" seq bigint NOT NULL, kind text NOT NULL, tbl text NOT NULL, row_id bigint NOT NULL,"
	" payload text NOT NULL, staff_id text, counter bigint, at text NOT NULL,"
	" received_at text NOT NULL, PRIMARY KEY (hall, epoch, seq));"
	"CREATE TABLE IF NOT EXISTS ref_data(kind text NOT NULL, key text NOT NULL,"
	" value text NOT NULL, hall text, updated_at text NOT NULL,"
	" chg xid8 NOT NULL DEFAULT pg_current_xact_id(), PRIMARY KEY (kind, key));"
	"CREATE TABLE IF NOT EXISTS work_updates(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	" hall text NOT NULL, kind text NOT NULL, number text NOT NULL, stage text NOT NULL,"
	" status text, note text NOT NULL DEFAULT '', staff_id text, at text NOT NULL,"
	" chg xid8 NOT NULL DEFAULT pg_current_xact_id());"
	"CREATE OR REPLACE FUNCTION chg_stamp() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN NEW.chg := pg_current_xact_id(); RETURN NEW; END $$;";

static void chg_trigger(struct sbuf *q, const char *t)
{
	sbuf_addf(q, "CREATE INDEX IF NOT EXISTS \"%s_chg\" ON \"%s\"(chg);", t, t);
	sbuf_addf(q, "DROP TRIGGER IF EXISTS \"%s_chg\" ON \"%s\";"
	          "CREATE TRIGGER \"%s_chg\" BEFORE UPDATE ON \"%s\" FOR EACH ROW EXECUTE FUNCTION chg_stamp();",
	          t, t, t, t);
}

static void table_ddl(const struct sync_tab *t, struct sbuf *q)
{
	sbuf_addf(q, "CREATE TABLE IF NOT EXISTS \"%s\"(", t->name);
	for (int i = 0; i < t->ncols; i++) {
		const struct sync_col *c = &t->cols[i];
		bool owned_id = t->kind == SYNC_TAB_OWNED && strcmp(c->name, "id") == 0;
		if (owned_id && strcmp(t->name, "staff") != 0)
			sbuf_addf(q, "%s\"id\" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", i ? ", " : "");
		else
			sbuf_addf(q, "%s\"%s\" %s%s", i ? ", " : "", c->name, pg_type(c->type),
			          owned_id ? " PRIMARY KEY" : "");
	}
	if (!t->has_hall)
		sbuf_addf(q, ", hall text%s", t->kind == SYNC_TAB_OWNED ? "" : " NOT NULL");
	if (t->kind == SYNC_TAB_OWNED)
		sbuf_adds(q, ", chg xid8 NOT NULL DEFAULT pg_current_xact_id()");
	if (t->kind == SYNC_TAB_FACT)
		sbuf_adds(q, ", PRIMARY KEY (hall, id)");
	if (strcmp(t->name, "customers") == 0)
		sbuf_adds(q, ", UNIQUE (account_no)");
	if (strcmp(t->name, "bills") == 0)
		sbuf_adds(q, ", UNIQUE (account_no, period)");
	sbuf_adds(q, ");");
	/* an existing table gets the columns added since */
	for (int i = 0; i < t->ncols; i++)
		sbuf_addf(q, "ALTER TABLE \"%s\" ADD COLUMN IF NOT EXISTS \"%s\" %s;", t->name,
		          t->cols[i].name, pg_type(t->cols[i].type));
	if (t->kind == SYNC_TAB_CHILD)
		sbuf_addf(q, "CREATE INDEX IF NOT EXISTS \"%s_hall_key\" ON \"%s\"(hall, \"%s\");",
		          t->name, t->name, t->key);
	if (t->kind == SYNC_TAB_OWNED) {
		sbuf_addf(q, "CREATE INDEX IF NOT EXISTS \"%s_hall\" ON \"%s\"(hall);", t->name, t->name);
		chg_trigger(q, t->name);
	}
	/* the columns a hall row replaces (hall_push: ON CONFLICT DO UPDATE) */
	struct sbuf cols;
	sbuf_init(&cols);
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, "hall") != 0 && strcmp(t->cols[i].name, "id") != 0)
			sbuf_addf(&cols, "%s%s", cols.len ? "," : "", t->cols[i].name);
	sbuf_addf(q, "INSERT INTO central_tables VALUES ('%s', '%s', '%s', '%s')"
	          " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, key_col = excluded.key_col,"
	          " cols = excluded.cols;",
	          t->name, t->kind == SYNC_TAB_FACT ? "fact" : t->kind == SYNC_TAB_CHILD ? "child" : "owned",
	          t->key, sbuf_str(&cols));
	sbuf_free(&cols);
}

/* The functions a hall role may call. */
static const char functions[] =
"CREATE OR REPLACE FUNCTION hall_check(p_hall text) RETURNS void LANGUAGE plpgsql"
" SECURITY DEFINER SET search_path = central, pg_temp AS $f$"
" DECLARE r text;"
" BEGIN"
"  SELECT role INTO r FROM central_halls WHERE code = p_hall;"
"  IF NOT FOUND THEN"
"   RAISE EXCEPTION USING ERRCODE = 'HA001', MESSAGE = format('unknown hall code %s', p_hall);"
"  END IF;"
"  IF session_user::text = r OR pg_has_role(session_user, current_user, 'MEMBER') THEN RETURN; END IF;"
"  RAISE EXCEPTION USING ERRCODE = 'HA002',"
"   MESSAGE = format('role %s may not act for hall %s', session_user, p_hall);"
" END $f$;"

"CREATE OR REPLACE FUNCTION hall_version() RETURNS text LANGUAGE sql STABLE"
" SECURITY DEFINER SET search_path = central, pg_temp AS $f$"
" SELECT coalesce((SELECT value FROM meta WHERE key = 'sync_schema_version'), '0') || '/' ||"
"  coalesce((SELECT value FROM meta WHERE key = 'hall_schema_version'), '0') $f$;"

"CREATE OR REPLACE FUNCTION hall_hello(p_hall text) RETURNS void LANGUAGE plpgsql"
" SECURITY DEFINER SET search_path = central, pg_temp AS $f$"
" BEGIN PERFORM hall_check(p_hall); END $f$;"

"CREATE OR REPLACE FUNCTION hall_cursors(p_hall text) RETURNS TABLE(epoch bigint, acked bigint)"
" LANGUAGE plpgsql SECURITY DEFINER SET search_path = central, pg_temp AS $f$"
" BEGIN PERFORM hall_check(p_hall);"
"  RETURN QUERY SELECT c.epoch, c.acked_seq FROM central_cursor c WHERE c.hall = p_hall ORDER BY 1;"
" END $f$;"

"CREATE OR REPLACE FUNCTION hall_verify(p_hall text)"
" RETURNS TABLE(day text, metric text, n bigint, fen bigint)"
" LANGUAGE plpgsql SECURITY DEFINER SET search_path = central, pg_temp AS $f$"
" BEGIN PERFORM hall_check(p_hall);"
"  RETURN QUERY"
"  SELECT business_date, 'payments'::text, count(*), coalesce(sum(amount_fen), 0)::bigint"
"   FROM payments WHERE hall = p_hall AND status = 'ok' GROUP BY business_date"
"  UNION ALL SELECT business_date, 'payments_void', count(*), coalesce(sum(amount_fen), 0)::bigint"
"   FROM payments WHERE hall = p_hall AND status <> 'ok' GROUP BY business_date"
"  UNION ALL SELECT business_date, 'applications', count(*), 0::bigint"
"   FROM applications WHERE hall = p_hall GROUP BY business_date"
"  UNION ALL SELECT business_date, 'changes', count(*), 0::bigint"
"   FROM changes WHERE hall = p_hall GROUP BY business_date"
"  UNION ALL SELECT business_date, 'complaints', count(*), 0::bigint"
"   FROM complaints WHERE hall = p_hall GROUP BY business_date"
"  UNION ALL SELECT substr(j.at, 1, 10), 'journal', count(*), 0::bigint"
"   FROM journal j WHERE j.hall = p_hall GROUP BY substr(j.at, 1, 10);"
" END $f$;"

"CREATE OR REPLACE FUNCTION hall_pull(p_hall text, p_since xid8, p_until xid8)"
" RETURNS TABLE(tbl text, body text)"
" LANGUAGE plpgsql SECURITY DEFINER SET search_path = central, pg_temp AS $f$"
" BEGIN PERFORM hall_check(p_hall);"
/* row_to_json: the fastest form; the hall ignores the central-only keys
 * (id of customers and bills, hall, chg) */
"  RETURN QUERY SELECT 'customers'::text, row_to_json(c)::text"
"   FROM customers c WHERE c.hall = p_hall AND c.chg >= p_since AND c.chg < p_until;"
"  RETURN QUERY SELECT 'bills'::text, row_to_json(b)::text"
"   FROM bills b WHERE b.hall = p_hall AND b.chg >= p_since AND b.chg < p_until;"
"  RETURN QUERY SELECT 'staff'::text, row_to_json(s)::text"
"   FROM staff s WHERE (s.hall = p_hall OR s.hall IS NULL) AND s.chg >= p_since AND s.chg < p_until;"
"  RETURN QUERY SELECT 'ref_data'::text, jsonb_build_object('kind', r.kind, 'key', r.key,"
"   'value', r.value, 'updated_at', r.updated_at)::text"
"   FROM ref_data r WHERE (r.hall = p_hall OR r.hall IS NULL) AND r.chg >= p_since AND r.chg < p_until;"
"  RETURN QUERY SELECT 'work_updates'::text, jsonb_build_object('kind', w.kind, 'number', w.number,"
"   'stage', w.stage, 'status', w.status, 'note', w.note, 'staff_id', w.staff_id, 'at', w.at)::text"
"   FROM work_updates w WHERE w.hall = p_hall AND w.chg >= p_since AND w.chg < p_until ORDER BY w.id;"
" END $f$;"

/* The push, one transaction per batch (sync_pg.c pg_push):
 *   hall_stage(hall)          the session's staging table, empty
 *   COPY pg_temp._hall_stage  the batch's entries
 *   hall_apply(hall, epoch)   insert-if-absent into the journal, apply the
 *                             new entries set-based (each payload parsed
 *                             once), advance the cursor; returns it
 * The temporary tables are created by the functions' owner (a hall role
 * gets INSERT on the staging table only, so it can attach no trigger or
 * rule that would run with the owner's rights); hall_temp_check refuses
 * a temporary table of those names that another role made. */
"CREATE OR REPLACE FUNCTION hall_temp_check() RETURNS void LANGUAGE plpgsql"
" SECURITY DEFINER SET search_path = central, pg_temp AS $f$"
" BEGIN"
"  IF EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = pg_my_temp_schema()"
"   AND c.relname IN ('_hall_stage', '_b2', '_b3', '_l', '_m', '_v')"
"   AND (c.relowner <> current_user::regrole OR c.relkind <> 'r')) THEN"
"   RAISE EXCEPTION USING ERRCODE = 'HA002',"
"    MESSAGE = format('role %s made a temporary table of the push itself', session_user);"
"  END IF;"
" END $f$;"

"CREATE OR REPLACE FUNCTION hall_stage(p_hall text) RETURNS void LANGUAGE plpgsql"
" SECURITY DEFINER SET search_path = central, pg_temp AS $f$"
" BEGIN"
"  PERFORM hall_check(p_hall);"
"  PERFORM hall_temp_check();"
"  IF to_regclass('pg_temp._hall_stage') IS NULL THEN"
"   CREATE TEMP TABLE _hall_stage(seq bigint, kind text, tbl text, row_id bigint, payload text,"
"    staff_id text, counter bigint, at text) ON COMMIT DELETE ROWS;"
/* visible to this session only: PUBLIC is the session's own role */
"   GRANT INSERT ON TABLE pg_temp._hall_stage TO PUBLIC;"
"  ELSE"
"   DELETE FROM pg_temp._hall_stage;"
"  END IF;"
" END $f$;"

"CREATE OR REPLACE FUNCTION hall_apply(p_hall text, p_epoch bigint) RETURNS bigint"
" LANGUAGE plpgsql SECURITY DEFINER SET search_path = central, pg_temp SET work_mem = '64MB' AS $f$"
" DECLARE h record; t record; bad record; c record; v_last bigint; v_bad bigint; v_noseq bool;"
"  v_now text; v_cols text; v_vals text; v_set text; v_first bigint;"
" BEGIN"
"  PERFORM hall_check(p_hall);"
"  PERFORM hall_temp_check();"
"  IF to_regclass('pg_temp._hall_stage') IS NULL THEN"
"   RAISE EXCEPTION USING ERRCODE = 'HA003', MESSAGE = 'nothing staged: call hall_stage first';"
"  END IF;"
"  SELECT * INTO h FROM central_halls WHERE code = p_hall;"
"  PERFORM pg_advisory_xact_lock(hashtext('hall-push:' || p_hall));"
"  v_now := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"');"
"  SELECT max(x.seq), min(x.seq) FILTER (WHERE x.kind IS NULL OR x.tbl IS NULL OR x.row_id IS NULL"
"   OR x.payload IS NULL OR x.at IS NULL), bool_or(x.seq IS NULL), min(x.seq)"
"   INTO v_last, v_bad, v_noseq, v_first"
"   FROM pg_temp._hall_stage x;"
"  IF v_bad IS NOT NULL OR v_noseq THEN RAISE EXCEPTION USING ERRCODE = 'HA003',"
"   MESSAGE = format('entry %s/%s/%s: a field is missing', p_hall, p_epoch, coalesce(v_bad::text, '?'));"
"  END IF;"
"  IF v_last IS NULL THEN"
"   RETURN coalesce((SELECT x.acked_seq FROM central_cursor x WHERE x.hall = p_hall AND x.epoch = p_epoch), 0);"
"  END IF;"
"  CREATE TEMP TABLE IF NOT EXISTS _b3(seq bigint, kind text, tbl text, row_id bigint, j jsonb,"
"   staff_id text, after_base bool, last bool) ON COMMIT DELETE ROWS;"
"  CREATE TEMP TABLE IF NOT EXISTS _m(seq bigint, account_no text, period text, principal bigint,"
"   prepaid bigint, paid_on text) ON COMMIT DELETE ROWS;"
"  CREATE TEMP TABLE IF NOT EXISTS _v(seq bigint, account_no text, period text, paid bigint, status text)"
"   ON COMMIT DELETE ROWS;"
"  DELETE FROM pg_temp._b3; DELETE FROM pg_temp._m; DELETE FROM pg_temp._v;"
/* the entries the central did not have yet, payloads parsed here once;
 * last: the batch's latest entry of its row (which the central keeps) */
"  WITH ins AS (INSERT INTO journal(hall, epoch, seq, kind, tbl, row_id, payload, staff_id, counter, at,"
"    received_at)"
"    SELECT p_hall, p_epoch, x.seq, x.kind, x.tbl, x.row_id, x.payload, x.staff_id, x.counter, x.at, v_now"
"    FROM pg_temp._hall_stage x ON CONFLICT DO NOTHING"
"    RETURNING journal.seq, journal.kind, journal.tbl, journal.row_id, journal.payload, journal.staff_id)"
"  INSERT INTO pg_temp._b3 SELECT i.seq, i.kind, i.tbl, i.row_id, i.payload::jsonb, i.staff_id,"
"   (p_epoch > h.base_epoch OR (p_epoch = h.base_epoch AND i.seq > h.base_seq)), true FROM ins i;"
"  UPDATE pg_temp._b3 b SET last = false FROM (SELECT x.tbl, x.row_id, max(x.seq) AS m FROM pg_temp._b3 x"
"   GROUP BY x.tbl, x.row_id HAVING count(*) > 1) d WHERE b.tbl = d.tbl AND b.row_id = d.row_id AND b.seq < d.m;"
/* reversals: a payment going from ok to void takes its shares back */
"  INSERT INTO pg_temp._m SELECT l.seq, a.account_no, a.bill_period, -coalesce(a.principal_fen, 0),"
"   -coalesce(a.prepaid_fen, 0), coalesce(p.paid_on, p.business_date)"
"   FROM pg_temp._b3 l JOIN payments p ON p.hall = p_hall AND p.id = l.row_id AND p.status = 'ok'"
"   JOIN payment_alloc a ON a.hall = p_hall AND a.payment_id = p.id"
"   WHERE l.tbl = 'payments' AND l.last AND l.j ->> 'status' = 'void' AND l.after_base;"
/* facts and child sets: the hall's latest row replaces the central copy;
 * the table names come from the registry, the hall and the entries are
 * bound parameters */
"  FOR t IN SELECT DISTINCT l.tbl, ct.kind, ct.key_col, ct.cols FROM pg_temp._b3 l"
"   JOIN central_tables ct ON ct.name = l.tbl WHERE l.last AND ct.kind IN ('fact', 'child') LOOP"
"   SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum),"
"    string_agg('r.' || quote_ident(a.attname), ', ' ORDER BY a.attnum)"
"    INTO v_cols, v_vals FROM pg_attribute a"
"    WHERE a.attrelid = format('central.%I', t.tbl)::regclass AND a.attnum > 0 AND NOT a.attisdropped"
"     AND a.attname <> 'hall';"
"   IF t.kind = 'fact' THEN"
"    SELECT format('(%s) = ROW(%s)', string_agg(quote_ident(col), ', '),"
"     string_agg('excluded.' || quote_ident(col), ', ')) INTO v_set"
"     FROM unnest(string_to_array(t.cols, ',')) col;"
"    EXECUTE format('INSERT INTO central.%I(%s, hall) SELECT %s, $1 FROM pg_temp._b3 l,"
"     LATERAL jsonb_populate_record(NULL::central.%I, l.j) r"
"     WHERE l.tbl = $2 AND l.last AND jsonb_typeof(l.j) = ''object''"
"     ON CONFLICT (hall, id) DO UPDATE SET %s', t.tbl, v_cols, v_vals, t.tbl, v_set)"
"     USING p_hall, t.tbl;"
"   ELSE"
"    EXECUTE format('DELETE FROM central.%I x WHERE x.hall = $1 AND x.%I IN"
"     (SELECT l.row_id FROM pg_temp._b3 l WHERE l.tbl = $2 AND l.last)', t.tbl, t.key_col)"
"     USING p_hall, t.tbl;"
"    EXECUTE format('INSERT INTO central.%I(%s, hall) SELECT %s, $1 FROM pg_temp._b3 l,"
"     LATERAL jsonb_array_elements(CASE jsonb_typeof(l.j) WHEN ''array'' THEN l.j"
"      ELSE jsonb_build_array(l.j) END) el,"
"     LATERAL jsonb_populate_record(NULL::central.%I, el) r"
"     WHERE l.tbl = $2 AND l.last', t.tbl, v_cols, v_vals, t.tbl) USING p_hall, t.tbl;"
"   END IF;"
"  END LOOP;"
/* new shares of payments that are not void */
"  INSERT INTO pg_temp._m SELECT b.seq, el ->> 'account_no', el ->> 'bill_period',"
"   coalesce((el ->> 'principal_fen')::bigint, 0), coalesce((el ->> 'prepaid_fen')::bigint, 0),"
"   coalesce(p.paid_on, p.business_date)"
"   FROM pg_temp._b3 b JOIN payments p ON p.hall = p_hall AND p.id = b.row_id AND p.status <> 'void',"
"   LATERAL jsonb_array_elements(CASE jsonb_typeof(b.j) WHEN 'array' THEN b.j"
"    ELSE jsonb_build_array(b.j) END) el"
"   WHERE b.tbl = 'payment_alloc' AND b.after_base;"
"  SELECT m.seq, m.account_no, m.period INTO bad FROM pg_temp._m m"
"   WHERE m.period IS NOT NULL AND m.principal <> 0 AND NOT EXISTS (SELECT 1 FROM bills x"
"    WHERE x.account_no = m.account_no AND x.period = m.period) ORDER BY m.seq LIMIT 1;"
"  IF FOUND THEN RAISE EXCEPTION USING ERRCODE = 'HA003', MESSAGE = format("
"   'entry %s/%s/%s: the bill paid, %s %s, is not at the central', p_hall, p_epoch, bad.seq,"
"   bad.account_no, bad.period);"
"  END IF;"
"  SELECT m.seq, m.account_no INTO bad FROM pg_temp._m m"
"   WHERE NOT EXISTS (SELECT 1 FROM customers x WHERE x.account_no = m.account_no) ORDER BY m.seq LIMIT 1;"
"  IF FOUND THEN RAISE EXCEPTION USING ERRCODE = 'HA003', MESSAGE = format("
"   'entry %s/%s/%s: account %s is not at the central', p_hall, p_epoch, bad.seq, bad.account_no);"
"  END IF;"
"  IF EXISTS (SELECT 1 FROM _m) THEN"
"   PERFORM 1 FROM bills x JOIN (SELECT DISTINCT account_no, period FROM _m) d"
"    ON x.account_no = d.account_no AND x.period = d.period ORDER BY x.id FOR UPDATE OF x;"
"   PERFORM 1 FROM customers x WHERE x.account_no IN (SELECT account_no FROM _m) ORDER BY x.id FOR UPDATE;"
/* the hall's verdicts: the bill rows it journaled with its payments and
 * reversals (bill.pay, bill.restore), status decided with its late fee
 * rules; those of this batch and, before it, back to the last entry of
 * another kind (a payment's entries, however many bills it covers, may
 * straddle two batches).  The latest verdict before a share on the same
 * paid amount is its own transaction's. */
"   INSERT INTO pg_temp._v SELECT b.seq, b.j ->> 'account_no', b.j ->> 'period', (b.j ->> 'paid_fen')::bigint,"
"    b.j ->> 'status' FROM pg_temp._b3 b WHERE b.tbl = 'bills' AND jsonb_typeof(b.j) = 'object'"
"    UNION ALL SELECT j.seq, y.x ->> 'account_no', y.x ->> 'period', (y.x ->> 'paid_fen')::bigint,"
"    y.x ->> 'status' FROM journal j, LATERAL (SELECT j.payload::jsonb AS x) y"
"    WHERE j.hall = p_hall AND j.epoch = p_epoch AND j.seq < v_first AND j.seq > coalesce((SELECT max(k.seq)"
"     FROM journal k WHERE k.hall = p_hall AND k.epoch = p_epoch AND k.seq < v_first AND k.kind NOT IN"
"     ('bill.pay', 'bill.restore', 'customer.prepaid', 'reversal.create') AND k.kind NOT LIKE 'audit.%'), 0)"
"     AND j.tbl = 'bills';"
"   WITH d AS (SELECT account_no, period, sum(principal) AS p, max(seq) AS s, max(paid_on) AS on_"
"     FROM _m WHERE period IS NOT NULL GROUP BY account_no, period),"
"    o AS (SELECT x.account_no, greatest(0, x.paid_fen + d.p - x.amount_fen) AS over FROM bills x"
"     JOIN d ON x.account_no = d.account_no AND x.period = d.period),"
"    pp AS (SELECT account_no, sum(v) AS v FROM (SELECT account_no, prepaid AS v FROM _m"
"     UNION ALL SELECT account_no, over FROM o) u GROUP BY account_no),"
"    ub AS (UPDATE bills x SET paid_fen = least(x.amount_fen, greatest(0, x.paid_fen + d.p)),"
/* the hall's rule: 'paid' only when the principal and the late fee are
 * settled.  The hall's verdict on the same paid amount decides; without
 * one (the central holds money the hall did not see), 'paid' only if
 * nothing came after the due date (the last share, principal paid
 * elsewhere) */
"     status = CASE WHEN least(x.amount_fen, greatest(0, x.paid_fen + d.p)) >= x.amount_fen THEN coalesce("
"       (SELECT CASE v.status WHEN 'paid' THEN 'paid' ELSE 'partial' END FROM _v v"
"        WHERE v.account_no = x.account_no AND v.period = x.period AND v.seq < d.s"
"         AND v.paid = least(x.amount_fen, greatest(0, x.paid_fen + d.p)) ORDER BY v.seq DESC LIMIT 1),"
"       CASE WHEN coalesce(x.paid_elsewhere_on, '') > x.due_date OR coalesce(d.on_, '') > x.due_date"
"        THEN 'partial' ELSE 'paid' END)"
"      WHEN greatest(0, x.paid_fen + d.p) > 0 OR coalesce(x.fee_paid_elsewhere_fen, 0) > 0 THEN 'partial'"
"      ELSE 'unpaid' END"
"     FROM d WHERE x.account_no = d.account_no AND x.period = d.period RETURNING 1)"
"   UPDATE customers x SET prepaid_fen = greatest(0, x.prepaid_fen + pp.v)"
"    FROM pp WHERE x.account_no = pp.account_no AND pp.v <> 0;"
"  END IF;"
/* customers: new accounts; a hall's change applied if newer (old values
 * kept), else the central's row is touched so it travels back */
"  FOR c IN SELECT b.seq, b.kind, b.staff_id, b.j FROM pg_temp._b3 b WHERE b.tbl = 'customers'"
"   AND b.kind <> 'customer.prepaid' ORDER BY b.seq LOOP"
"   INSERT INTO customers(account_no, name, id_type, id_number, phone, address, category, voltage,"
"    capacity, tariff_form, status, prepaid_fen, extras, created_at, updated_at, hall)"
"    SELECT r.account_no, r.name, r.id_type, r.id_number, r.phone, r.address, r.category, r.voltage,"
"     r.capacity, r.tariff_form, r.status, 0, r.extras, r.created_at, r.updated_at, p_hall"
"    FROM jsonb_populate_record(NULL::customers, c.j) r WHERE r.account_no IS NOT NULL"
"    ON CONFLICT (account_no) DO NOTHING;"
"   IF NOT FOUND AND c.kind <> 'customer.create' THEN"
"    INSERT INTO central_history(account_no, field, old_value, new_value, source, staff_id, at)"
"     SELECT x.account_no, f.key, to_jsonb(x) ->> f.key, f.value, 'hall:' || p_hall, c.staff_id, v_now"
"     FROM customers x, LATERAL jsonb_each_text(c.j) f"
"     WHERE x.account_no = c.j ->> 'account_no' AND c.j ->> 'updated_at' > x.updated_at"
"      AND f.key IN ('name','id_type','id_number','phone','address','category','voltage',"
"       'capacity','tariff_form','status','extras')"
"      AND f.value IS NOT NULL AND (to_jsonb(x) ->> f.key) IS DISTINCT FROM f.value;"
"    UPDATE customers x SET (name, id_type, id_number, phone, address, category, voltage,"
"      capacity, tariff_form, status, extras) = (SELECT coalesce(r.name, x.name),"
"      coalesce(r.id_type, x.id_type), coalesce(r.id_number, x.id_number), coalesce(r.phone, x.phone),"
"      coalesce(r.address, x.address), coalesce(r.category, x.category), coalesce(r.voltage, x.voltage),"
"      coalesce(r.capacity, x.capacity), coalesce(r.tariff_form, x.tariff_form),"
"      coalesce(r.status, x.status), coalesce(r.extras, x.extras)"
"      FROM jsonb_populate_record(NULL::customers, c.j) r),"
"     updated_at = c.j ->> 'updated_at'"
"     WHERE x.account_no = c.j ->> 'account_no' AND c.j ->> 'updated_at' > x.updated_at;"
"    UPDATE customers x SET updated_at = x.updated_at"
"     WHERE x.account_no = c.j ->> 'account_no' AND c.j ->> 'updated_at' <= x.updated_at;"
"   END IF;"
"  END LOOP;"
"  INSERT INTO staff(id, name, role, pw_hash, active, must_change, failed_logins, created_at, updated_at, hall)"
"   SELECT r.id, r.name, r.role, '', r.active, 1, 0, r.created_at, r.updated_at, p_hall"
"   FROM pg_temp._b3 b, LATERAL jsonb_populate_record(NULL::staff, b.j) r"
"   WHERE b.tbl = 'staff' AND r.id IS NOT NULL ON CONFLICT (id) DO NOTHING;"
"  INSERT INTO central_cursor(hall, epoch, acked_seq, updated_at) VALUES (p_hall, p_epoch, v_last, v_now)"
"   ON CONFLICT (hall, epoch) DO UPDATE SET acked_seq = greatest(central_cursor.acked_seq, excluded.acked_seq),"
"   updated_at = excluded.updated_at RETURNING acked_seq INTO v_last;"
"  RETURN v_last;"
" END $f$;"

/* the same push with the batch as one JSON array (for psql and older
 * clients): staged, then applied */
"CREATE OR REPLACE FUNCTION hall_push(p_hall text, p_epoch bigint, p_batch jsonb) RETURNS bigint"
" LANGUAGE plpgsql SECURITY DEFINER SET search_path = central, pg_temp AS $f$"
" BEGIN"
"  PERFORM hall_stage(p_hall);"
"  INSERT INTO pg_temp._hall_stage SELECT x.seq, x.kind, x.tbl, x.row_id, x.payload, x.staff_id, x.counter, x.at"
"   FROM jsonb_to_recordset(p_batch) AS x(seq bigint, kind text, tbl text, row_id bigint, payload text,"
"    staff_id text, counter bigint, at text);"
"  RETURN hall_apply(p_hall, p_epoch);"
" END $f$;"

"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA central FROM PUBLIC;"
"REVOKE ALL ON SCHEMA central FROM PUBLIC;";

static int pg_init(struct sync_be *b, struct hall_err *err)
{
	struct sbuf q;
	sbuf_init(&q);
	sbuf_adds(&q, "BEGIN;");
	sbuf_adds(&q, "SELECT pg_advisory_xact_lock(hashtext('hall-central-init'));");
	sbuf_adds(&q, base_ddl);
	for (int i = 0; i < b->ntabs; i++)
		table_ddl(&b->tabs[i], &q);
	chg_trigger(&q, "ref_data");
	chg_trigger(&q, "work_updates");
	sbuf_adds(&q, functions);
	/* halls enrolled by an older version may call the functions added since */
	sbuf_adds(&q,
		"DO $$ DECLARE r record; BEGIN"
		" FOR r IN SELECT h.role FROM central_halls h JOIN pg_roles p ON p.rolname = h.role LOOP"
		"  EXECUTE format('GRANT EXECUTE ON FUNCTION central.hall_stage(text), central.hall_apply(text, bigint)"
		"   TO %I', r.role);"
		" END LOOP; END $$;");
	char now[21];
	store_now_utc(now);
	sbuf_addf(&q,
		"INSERT INTO meta VALUES ('role', 'central'), ('created_at', '%s') ON CONFLICT DO NOTHING;"
		"INSERT INTO meta VALUES ('sync_schema_version', '%d'), ('hall_schema_version', '%d')"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
		"COMMIT;", now, SYNC_CENTRAL_VERSION, STORE_SCHEMA_VERSION);
	if (q.oom) {
		sbuf_free(&q);
		hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		return SYNC_LOCAL;
	}
	/* DDL with no parameters: the simple query protocol, one round trip */
	PGresult *r = PQexec(b->pg, sbuf_str(&q));
	sbuf_free(&q);
	int rc = SYNC_OK;
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = classify(b, r, "建立中心库", "creating the central schema", err);
	PQclear(r);
	abort_txn(b);
	return rc;
}

/* ------------------------------------------------------------- hello */

static int pg_hello(struct sync_be *b, const char *hall, struct hall_err *err)
{
	PGresult *r;
	int rc = run(b, "SELECT central.hall_version()", 0, NULL, &r,
	             "检查版本", "checking the version", err);
	if (rc != SYNC_OK)
		return rc;
	long sv = 0, hv = 0;
	sscanf(PQgetvalue(r, 0, 0), "%ld/%ld", &sv, &hv);
	PQclear(r);
	if (sv < SYNC_CENTRAL_VERSION || hv < STORE_SCHEMA_VERSION) {
		hall_err_set(err, HALL_EVERSION, NULL,
			"中心库的数据结构比本营业厅旧（中心库 %ld/%ld，本程序 %d/%d）：请管理员用新版本运行 hall central init 升级中心库",
			"the central's schema is older than this hall's (central %ld/%ld, this program %d/%d): "
			"the administrator must upgrade it with hall central init from this version",
			sv, hv, SYNC_CENTRAL_VERSION, STORE_SCHEMA_VERSION);
		return SYNC_SCHEMA;
	}
	if (sv > SYNC_CENTRAL_VERSION || hv > STORE_SCHEMA_VERSION) {
		hall_err_set(err, HALL_EVERSION, NULL,
			"中心库的数据结构比本营业厅新（中心库 %ld/%ld，本程序 %d/%d）：请先升级本营业厅的 hall 程序",
			"the central's schema is newer than this hall's (central %ld/%ld, this program %d/%d): "
			"upgrade hall at this hall first", sv, hv, SYNC_CENTRAL_VERSION, STORE_SCHEMA_VERSION);
		return SYNC_SCHEMA;
	}
	const char *p[] = { hall };
	return run(b, "SELECT central.hall_hello($1)", 1, p, NULL, "检查营业厅", "checking the hall", err);
}

static int pg_enrolled(struct sync_be *b, const char *hall, bool *yes,
                       struct hall_err *err)
{
	const char *p[] = { hall };
	PGresult *r;
	int rc = run(b, "SELECT 1 FROM central.central_halls WHERE code = $1", 1, p, &r,
	             "查询营业厅", "looking up the hall", err);
	*yes = rc == SYNC_OK && PQntuples(r) > 0;
	PQclear(r);
	return rc;
}

static int pg_enrol(struct sync_be *b, const char *hall, const char *name,
                    int64_t base_epoch, int64_t base_seq, const char *password,
                    char *role, size_t rolesz, struct hall_err *err)
{
	char rolename[32], be[32], bs[32], now[21];
	snprintf(rolename, sizeof rolename, "hall_%s", hall);
	snprintf(be, sizeof be, "%lld", (long long)base_epoch);
	snprintf(bs, sizeof bs, "%lld", (long long)base_seq);
	store_now_utc(now);
	if (role && rolesz)
		snprintf(role, rolesz, "%s", rolename);
	int rc = run(b, "BEGIN", 0, NULL, NULL, "登记营业厅", "enrolling the hall", err);
	const char *p1[] = { hall, name, rolename, be, bs, now };
	if (rc == SYNC_OK)
		rc = run(b, "INSERT INTO central.central_halls(code, name, role, base_epoch, base_seq, created_at)"
		         " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
		         " role = excluded.role", 6, p1, NULL, "登记营业厅", "enrolling the hall", err);
	if (rc == SYNC_OK && password) {
		/* role name and password travel as bound parameters into a
		 * DO block through set_config: nothing is spliced into SQL */
		const char *p2[] = { rolename, password };
		rc = run(b, "SELECT set_config('hall.role', $1, true), set_config('hall.pw', $2, true)",
		         2, p2, NULL, "建立账号", "creating the role", err);
		if (rc == SYNC_OK)
			rc = run(b,
				"DO $$ DECLARE r text := current_setting('hall.role'); BEGIN"
				" IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN"
				"  EXECUTE format('CREATE ROLE %I LOGIN', r); END IF;"
				" EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', r, current_setting('hall.pw'));"
				" EXECUTE format('GRANT USAGE ON SCHEMA central TO %I', r);"
				" EXECUTE format('GRANT EXECUTE ON FUNCTION central.hall_version(), central.hall_hello(text),"
				"  central.hall_cursors(text), central.hall_verify(text), central.hall_pull(text, xid8, xid8),"
				"  central.hall_push(text, bigint, jsonb), central.hall_stage(text), central.hall_apply(text, bigint)"
				"  TO %I', r);"
				" PERFORM set_config('hall.pw', '', true);"
				" END $$", 0, NULL, NULL, "建立账号", "creating the role", err);
	}
	if (rc == SYNC_OK)
		rc = run(b, "COMMIT", 0, NULL, NULL, "登记营业厅", "enrolling the hall", err);
	abort_txn(b);
	return rc;
}

static int pg_seed(struct sync_be *b, const char *hall, const char *tbl,
                   const char *json_array, struct hall_err *err)
{
	const struct sync_tab *t = sync_schema_find(b->tabs, b->ntabs, tbl);
	if (!t || t->kind != SYNC_TAB_OWNED) {
		hall_err_set(err, HALL_EDB, NULL, "内部错误：不能导入表 %s",
		             "internal error: cannot seed table %s", tbl);
		return SYNC_LOCAL;
	}
	struct sbuf sql, cols;
	sbuf_init(&sql);
	sbuf_init(&cols);
	bool first = true;
	for (int i = 0; i < t->ncols; i++) {
		const char *c = t->cols[i].name;
		if (strcmp(c, "hall") == 0 || (strcmp(c, "id") == 0 && strcmp(tbl, "staff") != 0))
			continue;
		sbuf_addf(&cols, "%s\"%s\"", first ? "" : ", ", c);
		first = false;
	}
	sbuf_addf(&sql, "INSERT INTO central.\"%s\"(%s, hall) SELECT %s, $1"
	          " FROM jsonb_populate_recordset(NULL::central.\"%s\", $2::jsonb)"
	          " ON CONFLICT DO NOTHING", tbl, sbuf_str(&cols), sbuf_str(&cols), tbl);
	const char *p[] = { hall, json_array };
	int rc = run(b, sbuf_str(&sql), 2, p, NULL, "导入主数据", "seeding master data", err);
	sbuf_free(&sql);
	sbuf_free(&cols);
	return rc;
}

/* ----------------------------------------------------------- cursors */

static int pg_cursors(struct sync_be *b, const char *hall,
                      void (*fn)(void *ud, int64_t epoch, int64_t seq),
                      void *ud, struct hall_err *err)
{
	const char *p[] = { hall };
	PGresult *r;
	int rc = run(b, "SELECT epoch, acked FROM central.hall_cursors($1)", 1, p, &r,
	             "读取游标", "reading the cursor", err);
	if (rc != SYNC_OK)
		return rc;
	for (int i = 0; i < PQntuples(r); i++)
		fn(ud, strtoll(PQgetvalue(r, i, 0), NULL, 10), strtoll(PQgetvalue(r, i, 1), NULL, 10));
	PQclear(r);
	return SYNC_OK;
}

struct one { int64_t epoch, seq; };

static void pick(void *ud, int64_t epoch, int64_t seq)
{
	struct one *o = ud;
	if (epoch == o->epoch)
		o->seq = seq;
}

static int pg_acked(struct sync_be *b, const char *hall, int64_t epoch,
                    int64_t *seq, struct hall_err *err)
{
	struct one o = { epoch, 0 };
	int rc = pg_cursors(b, hall, pick, &o, err);
	*seq = o.seq;
	return rc;
}

/* -------------------------------------------------------------- push */

/* A field of COPY's text format: backslash, tab, newline and carriage
 * return escaped, NULL as \N. */
static void copy_field(struct sbuf *q, const char *s, bool last)
{
	if (!s) {
		sbuf_adds(q, "\\N");
	} else {
		while (*s) {
			size_t n = strcspn(s, "\\\t\n\r");
			sbuf_add(q, s, n);
			s += n;
			if (!*s)
				break;
			sbuf_addc(q, '\\');
			sbuf_addc(q, *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : '\\');
			s++;
		}
	}
	sbuf_addc(q, last ? '\n' : '\t');
}

/* COPY the batch into the staging table: SYNC_OK or a classified failure. */
static int copy_batch(struct sync_be *b, const struct sync_entry *e, int n,
                      struct hall_err *err)
{
	struct sbuf q;
	sbuf_init(&q);
	for (int i = 0; i < n; i++) {
		sbuf_addf(&q, "%lld\t", (long long)e[i].seq);
		copy_field(&q, e[i].kind, false);
		copy_field(&q, e[i].tbl, false);
		sbuf_addf(&q, "%lld\t", (long long)e[i].row_id);
		copy_field(&q, e[i].payload, false);
		copy_field(&q, e[i].staff_id, false);
		if (e[i].counter > 0)
			sbuf_addf(&q, "%d\t", e[i].counter);
		else
			sbuf_adds(&q, "\\N\t");
		copy_field(&q, e[i].at, true);
	}
	if (q.oom) {
		sbuf_free(&q);
		hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		return SYNC_LOCAL;
	}
	PGresult *r = PQexec(b->pg, "COPY pg_temp._hall_stage(seq, kind, tbl, row_id, payload, staff_id,"
	                     " counter, at) FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		int f = classify(b, r, "上传日志", "sending the journal", err);
		PQclear(r);
		sbuf_free(&q);
		return f;
	}
	PQclear(r);
	/* in pieces of at most 1 MiB (nbytes is an int) */
	int ok = 1;
	for (size_t off = 0; off < q.len && ok == 1; ) {
		size_t len = q.len - off > (1u << 20) ? (1u << 20) : q.len - off;
		ok = PQputCopyData(b->pg, q.p + off, (int)len);
		off += len;
	}
	sbuf_free(&q);
	/* end the COPY in any case: a failed send must not leave libpq in
	 * copy-in state, where PQgetResult never returns NULL */
	if (ok == 1)
		ok = PQputCopyEnd(b->pg, NULL);
	else
		PQputCopyEnd(b->pg, "hall: sending the batch failed");
	int rc = SYNC_OK;
	/* the COPY's result, then NULL; a connection lost is a failed result */
	while ((r = PQgetResult(b->pg)) != NULL) {
		bool still_copying = PQresultStatus(r) == PGRES_COPY_IN;
		if (rc == SYNC_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = classify(b, r, "上传日志", "sending the journal", err);
		PQclear(r);
		if (still_copying)
			break;
	}
	if (rc == SYNC_OK && ok != 1)
		rc = classify(b, NULL, "上传日志", "sending the journal", err);
	return rc;
}

static int pg_push(struct sync_be *b, const char *hall, int64_t epoch,
                   const struct sync_entry *e, int n, int64_t *acked,
                   struct hall_err *err)
{
	char ep[32];
	snprintf(ep, sizeof ep, "%lld", (long long)epoch);
	const char *p1[] = { hall };
	const char *p2[] = { hall, ep };
	PGresult *r = NULL;
	/* one transaction: staged by COPY, applied set-based, cursor advanced */
	int rc = run(b, "BEGIN", 0, NULL, NULL, "上传日志", "sending the journal", err);
	if (rc == SYNC_OK)
		rc = run(b, "SELECT central.hall_stage($1)", 1, p1, NULL, "上传日志", "sending the journal", err);
	if (rc == SYNC_OK)
		rc = copy_batch(b, e, n, err);
	if (rc == SYNC_OK)
		rc = run(b, "SELECT central.hall_apply($1, $2::bigint)", 2, p2, &r,
		         "上传日志", "sending the journal", err);
	if (rc == SYNC_OK) {
		*acked = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		rc = run(b, "COMMIT", 0, NULL, NULL, "上传日志", "sending the journal", err);
	}
	abort_txn(b);
	if (rc != SYNC_OK) {
		if (rc == SYNC_REJECTED && n == 1 && !strstr(err->en, "entry")) {
			char zh[HALL_ERR_TEXT], en[HALL_ERR_TEXT];
			snprintf(zh, sizeof zh, "%s", err->zh);
			snprintf(en, sizeof en, "%s", err->en);
			hall_err_set(err, HALL_EINVAL, NULL,
				"中心库拒收日志 %s/%lld/%lld（%s %s#%lld）：%s%.0s。该条及其后的日志暂不上传，请通知系统管理员",
				"the central refused journal entry %s/%lld/%lld (%s %s#%lld): %.0s%s. It and the entries "
				"after it wait; tell the administrator", hall, (long long)epoch, (long long)e[0].seq,
				e[0].kind, e[0].tbl, (long long)e[0].row_id, zh, en);
		}
		return rc;
	}
	return SYNC_OK;
}

/* -------------------------------------------------------------- pull */

static int pg_pull(struct sync_be *b, const char *hall, const char *since,
                   char *until, size_t untilsz, sync_row_fn fn, void *ud,
                   struct hall_err *err)
{
	int rc = run(b, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, NULL,
	             "下载", "pulling", err);
	PGresult *r = NULL;
	/* the first statement takes the snapshot the whole pull reads */
	if (rc == SYNC_OK)
		rc = run(b, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text", 0, NULL, &r,
		         "下载", "pulling", err);
	char upto[64] = "";
	if (rc == SYNC_OK) {
		snprintf(upto, sizeof upto, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	const char *p[] = { hall, since && *since ? since : "0", upto };
	if (rc == SYNC_OK)
		rc = run(b, "DECLARE hall_pull NO SCROLL CURSOR FOR"
		         " SELECT tbl, body FROM central.hall_pull($1, $2::xid8, $3::xid8)",
		         3, p, NULL, "下载", "pulling", err);
	while (rc == SYNC_OK) {
		rc = run(b, "FETCH 10000 FROM hall_pull", 0, NULL, &r, "下载", "pulling", err);
		if (rc != SYNC_OK)
			break;
		int nrows = PQntuples(r);
		for (int i = 0; i < nrows && rc == SYNC_OK; i++)
			if (fn(ud, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1)) != 0)
				rc = SYNC_LOCAL;
		PQclear(r);
		if (nrows == 0)
			break;
	}
	abort_txn(b);
	if (rc == SYNC_OK)
		snprintf(until, untilsz, "%s", upto);
	return rc;
}

/* ------------------------------------------------------------ verify */

static int pg_verify(struct sync_be *b, const char *hall, sync_fig_fn fn,
                     void *ud, struct hall_err *err)
{
	const char *p[] = { hall };
	PGresult *r;
	int rc = run(b, "SELECT day, metric, n, fen FROM central.hall_verify($1)", 1, p, &r,
	             "核对", "verifying", err);
	if (rc != SYNC_OK)
		return rc;
	for (int i = 0; i < PQntuples(r); i++)
		fn(ud, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		   strtoll(PQgetvalue(r, i, 2), NULL, 10), strtoll(PQgetvalue(r, i, 3), NULL, 10));
	PQclear(r);
	return SYNC_OK;
}

const struct sync_be_ops sync_pg_ops = {
	.scheme = "postgresql",
	.batch = 10000,
	.open = pg_open,
	.close = pg_close,
	.init = pg_init,
	.enrol = pg_enrol,
	.enrolled = pg_enrolled,
	.seed = pg_seed,
	.hello = pg_hello,
	.acked = pg_acked,
	.cursors = pg_cursors,
	.push = pg_push,
	.pull = pg_pull,
	.verify = pg_verify,
};
