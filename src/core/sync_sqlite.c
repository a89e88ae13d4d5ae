/*
 * sync_sqlite.c - the embedded central store: one SQLite file
 * ("sqlite:PATH") that every hall of a branch syncs into.
 *
 * The file is a hall store in form (application_id 'HALL', user_version,
 * meta with hall_code '000' and role 'central'), so `hall export --db
 * central.db` can run on it; its tables are the hall's tables with a hall
 * column where rows of several halls meet (sync_schema.c), plus:
 *   journal          every hall's journal, key (hall, epoch, seq)
 *   central_halls    enrolled halls and the baseline of their master data
 *   central_cursor   the acknowledged seq per (hall, epoch)
 *   central_clock    the pull clock (below)
 *   central_history  values of central rows overwritten by a hall's event
 *   ref_data         rule tables and calendar for the halls
 *   work_updates     central updates to halls' work orders
 *   sessions         command-line sessions of the branch's own accounts
 * Staff: a copy of each hall's accounts keyed (hall, id) (two halls may
 * both have clerk 1001), and the branch's own accounts, of the central's
 * own hall code '000' (no hall may be enrolled with it): only those log
 * in at the central (auth.c).  The central's own actions (logins,
 * exports, user management) are journal entries and audit rows of hall
 * '000' in its own epoch (store.c, audit.c), so they never meet a hall's
 * (hall, epoch, seq) or (hall, id).
 * Owned rows (customers, bills, staff, ref_data, work_updates) carry chg,
 * the clock value when they were last written (triggers).  A pull first
 * advances the clock in a write transaction of its own, then reads rows
 * with since <= chg <= the old clock: SQLite has one writer at a time, so
 * every row stamped with a value up to the old clock has committed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sbuf.h"
#include "schema.h"
#include "sync_backend.h"
#include "hall/store.h"

#define CACHE 48

struct sync_be {
	sqlite3 *db;
	char path[1024];
	bool missing;
	struct sync_tab *tabs;
	int ntabs;
	int nst;
	struct { char *sql; sqlite3_stmt *st; } cache[CACHE];
};

/* ------------------------------------------------------------ errors */

static int be_fail(struct sync_be *b, int rc, const char *what_zh,
                   const char *what_en, struct hall_err *err)
{
	const char *detail = b->db ? sqlite3_errmsg(b->db) : sqlite3_errstr(rc);
	if (b->db && sqlite3_system_errno(b->db) == ENOSPC)
		rc = SQLITE_FULL;        /* a write that hit a full disk */
	switch (rc & 0xff) {
	case SQLITE_FULL:
		hall_err_set(err, HALL_EIO, NULL,
			"中心库%s失败：中心库所在磁盘已满（%s）。未丢失任何数据，腾出空间后重新同步",
			"central store: %s failed: its disk is full (%s). Nothing was lost; sync again once there is space",
			b->path, detail);
		return SYNC_DISKFULL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		hall_err_set(err, HALL_EBUSY, NULL,
			"中心库 %s 正忙（%s%.0s），稍后再同步",
			"the central store %.0s%s is busy (%s); sync again later",
			what_zh, b->path, what_en);
		return SYNC_UNREACHABLE;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		hall_err_set(err, HALL_EIO, NULL,
			"无法访问中心库 %s（%s）：请检查路径、共享目录与权限",
			"cannot reach the central store %s (%s): check the path, the share and the permissions",
			b->path, detail);
		return SYNC_UNREACHABLE;
	default:
		hall_err_set(err, HALL_EDB, NULL, "中心库%s失败：%s",
		             "central store: %s failed: %s", what_zh, detail);
		(void)what_en;
		return SYNC_REJECTED;
	}
}

static sqlite3_stmt *stmt(struct sync_be *b, const char *sql, struct hall_err *err)
{
	for (int i = 0; i < b->nst; i++)
		if (strcmp(b->cache[i].sql, sql) == 0) {
			sqlite3_reset(b->cache[i].st);
			sqlite3_clear_bindings(b->cache[i].st);
			return b->cache[i].st;
		}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		be_fail(b, rc, "准备查询", "preparing a query", err);
		return NULL;
	}
	if (b->nst == CACHE) {
		sqlite3_finalize(b->cache[0].st);
		free(b->cache[0].sql);
		memmove(&b->cache[0], &b->cache[1], sizeof b->cache[0] * (CACHE - 1));
		b->nst--;
	}
	b->cache[b->nst].sql = strdup(sql);
	if (!b->cache[b->nst].sql) {
		sqlite3_finalize(st);
		hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		return NULL;
	}
	b->cache[b->nst++].st = st;
	return st;
}

static int exec(struct sync_be *b, const char *sql, struct hall_err *err)
{
	int rc = sqlite3_exec(b->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? SYNC_OK : be_fail(b, rc, "操作", "an operation", err);
}

static void rollback(struct sync_be *b)
{
	if (b->db && !sqlite3_get_autocommit(b->db))
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
}

/* -------------------------------------------------------------- open */

static int sq_open(const char *url, struct sync_be **out, struct hall_err *err)
{
	*out = NULL;
	const char *path = url + 7;
	if (strncmp(path, "//", 2) == 0)
		path += 2;
	struct sync_be *b = calloc(1, sizeof *b);
	if (!b) {
		hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		return SYNC_LOCAL;
	}
	snprintf(b->path, sizeof b->path, "%s", path);
	if (!*path) {
		free(b);
		hall_err_set(err, HALL_ECONFIG, "central", "中心库地址 sqlite: 后缺少文件路径",
		             "the central URL sqlite: lacks a file path");
		return SYNC_CONFIG;
	}
	if (sync_schema_tables(&b->tabs, &b->ntabs, err) != HALL_OK) {
		free(b);
		return SYNC_LOCAL;
	}
	struct stat sb;
	if (stat(path, &sb) != 0)
		b->missing = true;
	int rc = sqlite3_open_v2(path, &b->db,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc == SQLITE_OK) {
		const char *bt = getenv("HALL_BUSY_TIMEOUT_MS");
		sqlite3_busy_timeout(b->db, bt && atoi(bt) > 0 ? atoi(bt) : 10000);
		sqlite3_extended_result_codes(b->db, 1);
		rc = sqlite3_exec(b->db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF",
		                  NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		int f = be_fail(b, rc, "打开", "opening", err);
		sqlite3_close(b->db);
		free(b->tabs);
		free(b);
		return f == SYNC_REJECTED ? SYNC_UNREACHABLE : f;
	}
	*out = b;
	return SYNC_OK;
}

static void sq_close(struct sync_be *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->nst; i++) {
		sqlite3_finalize(b->cache[i].st);
		free(b->cache[i].sql);
	}
	bool remove_empty = b->missing;
	sqlite3_close(b->db);
	/* opening a missing central must not leave an empty file behind */
	if (remove_empty) {
		struct stat sb;
		if (stat(b->path, &sb) == 0 && sb.st_size == 0)
			unlink(b->path);
	}
	free(b->tabs);
	free(b);
}

static int missing(struct sync_be *b, struct hall_err *err)
{
	hall_err_set(err, HALL_EIO, NULL,
		"找不到中心库 %s：请检查共享目录是否已挂载；新分公司请先运行 hall central init --central sqlite:%s",
		"the central store %s is not there: check that its share is mounted; for a new branch run "
		"hall central init --central sqlite:%s first", b->path, b->path);
	return SYNC_UNREACHABLE;
}

/* -------------------------------------------------------------- init */

static const char base_ddl[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS seq(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS central_halls(code TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" role TEXT NOT NULL DEFAULT '', base_epoch INTEGER NOT NULL DEFAULT 0,"
	" base_seq INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS central_cursor(hall TEXT NOT NULL, epoch INTEGER NOT NULL,"
	" acked_seq INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (hall, epoch)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS central_clock(id INTEGER PRIMARY KEY CHECK (id = 1),"
	" value INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO central_clock VALUES (1, 1);"
	"CREATE TABLE IF NOT EXISTS central_history(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" account_no TEXT NOT NULL, field TEXT NOT NULL, old_value TEXT, new_value TEXT,"
	" source TEXT NOT NULL, staff_id TEXT, at TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS journal(hall TEXT NOT NULL, epoch INTEGER NOT NULL,"
	" seq INTEGER NOT NULL, kind TEXT NOT NULL, tbl TEXT NOT NULL, row_id INTEGER NOT NULL,"
	" payload TEXT NOT NULL, staff_id TEXT, counter INTEGER, at TEXT NOT NULL,"
	" received_at TEXT NOT NULL, PRIMARY KEY (hall, epoch, seq));"
	"CREATE TABLE IF NOT EXISTS ref_data(kind TEXT NOT NULL, key TEXT NOT NULL,"
	" value TEXT NOT NULL, hall TEXT, updated_at TEXT NOT NULL,"
	" chg INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, key));"
	"CREATE TABLE IF NOT EXISTS work_updates(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" hall TEXT NOT NULL, kind TEXT NOT NULL, number TEXT NOT NULL, stage TEXT NOT NULL,"
	" status TEXT, note TEXT NOT NULL DEFAULT '', staff_id TEXT, at TEXT NOT NULL,"
	" chg INTEGER NOT NULL DEFAULT 0);"
	/* the hall's sessions table (schema.c) without its foreign key: a
	 * central's staff are keyed (hall, id) */
	"CREATE TABLE IF NOT EXISTS sessions(token_hash TEXT PRIMARY KEY,"
	" staff_id TEXT NOT NULL, uid INTEGER NOT NULL, pw_tag TEXT NOT NULL,"
	" created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT) WITHOUT ROWID;";

static bool has_column(struct sync_be *b, const char *table, const char *col)
{
	sqlite3_stmt *st;
	bool yes = false;
	if (sqlite3_prepare_v2(b->db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

static bool has_table(struct sync_be *b, const char *table)
{
	sqlite3_stmt *st;
	bool yes = false;
	if (sqlite3_prepare_v2(b->db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

static void chg_triggers(struct sbuf *q, const char *t)
{
	sbuf_addf(q, "CREATE INDEX IF NOT EXISTS \"%s_chg\" ON \"%s\"(chg);", t, t);
	sbuf_addf(q, "CREATE TRIGGER IF NOT EXISTS \"%s_chg_i\" AFTER INSERT ON \"%s\" BEGIN"
	          " UPDATE \"%s\" SET chg = (SELECT value FROM central_clock) WHERE rowid = new.rowid; END;",
	          t, t, t);
	sbuf_addf(q, "CREATE TRIGGER IF NOT EXISTS \"%s_chg_u\" AFTER UPDATE ON \"%s\""
	          " WHEN new.chg = old.chg BEGIN"
	          " UPDATE \"%s\" SET chg = (SELECT value FROM central_clock) WHERE rowid = new.rowid; END;",
	          t, t, t);
}

/* Staff rows keyed by id alone: a central made before staff were keyed
 * (hall, id).  hello() refuses it until `hall central init` rebuilds it. */
static bool staff_keyed_by_id(struct sync_be *b)
{
	sqlite3_stmt *st;
	int n = 0;
	if (sqlite3_prepare_v2(b->db, "SELECT count(*) FROM pragma_table_info('staff') WHERE pk > 0",
	                       -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n == 1;
}

static void create_ddl(const struct sync_tab *t, const char *name, struct sbuf *q);

/* Rebuild such a staff table keyed (hall, id), keeping its rows (their
 * ids were unique) and their chg; indexes and triggers follow in init. */
static void staff_rekey(struct sync_be *b, const struct sync_tab *t, struct sbuf *q)
{
	create_ddl(t, "staff_rekeyed", q);
	struct sbuf cols;
	sbuf_init(&cols);
	bool first = true;
	for (int i = 0; i < t->ncols; i++)
		if (has_column(b, "staff", t->cols[i].name)) {
			sbuf_addf(&cols, "%s\"%s\"", first ? "" : ", ", t->cols[i].name);
			first = false;
		}
	sbuf_addf(q, "INSERT INTO staff_rekeyed(%s, hall, chg) SELECT %s, hall, chg FROM staff;"
	          "DROP TABLE staff; ALTER TABLE staff_rekeyed RENAME TO staff;"
	          "CREATE INDEX staff_hall ON staff(hall);",
	          sbuf_str(&cols), sbuf_str(&cols));
	if (cols.oom)
		q->oom = true;
	sbuf_free(&cols);
}

/* The DDL of one central table (or the ALTERs that bring it up to date). */
static void table_ddl(struct sync_be *b, const struct sync_tab *t, struct sbuf *q)
{
	if (has_table(b, t->name)) {
		for (int i = 0; i < t->ncols; i++)
			if (!has_column(b, t->name, t->cols[i].name))
				sbuf_addf(q, "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s;", t->name,
				          t->cols[i].name, t->cols[i].type);
		if (!t->has_hall && !has_column(b, t->name, "hall"))
			sbuf_addf(q, "ALTER TABLE \"%s\" ADD COLUMN hall TEXT;", t->name);
		if (strcmp(t->name, "staff") == 0 && staff_keyed_by_id(b))
			staff_rekey(b, t, q);
		return;
	}
	create_ddl(t, t->name, q);
	if (t->kind == SYNC_TAB_CHILD)
		sbuf_addf(q, "CREATE INDEX \"%s_hall_key\" ON \"%s\"(hall, \"%s\");",
		          t->name, t->name, t->key);
	if (t->kind == SYNC_TAB_OWNED)
		sbuf_addf(q, "CREATE INDEX \"%s_hall\" ON \"%s\"(hall);", t->name, t->name);
}

/* CREATE TABLE name: the central copy of hall table t.  Staff are keyed
 * (hall, id): every hall's accounts and the branch's own ('000'). */
static void create_ddl(const struct sync_tab *t, const char *name, struct sbuf *q)
{
	bool staff = strcmp(t->name, "staff") == 0;
	sbuf_addf(q, "CREATE TABLE \"%s\"(", name);
	for (int i = 0; i < t->ncols; i++) {
		const struct sync_col *c = &t->cols[i];
		sbuf_addf(q, "%s\"%s\" %s", i ? ", " : "", c->name, c->type);
		if (t->kind == SYNC_TAB_OWNED && !staff && strcmp(c->name, "id") == 0)
			sbuf_adds(q, " PRIMARY KEY");
		if (strcmp(c->name, "hall") == 0 && t->kind != SYNC_TAB_OWNED)
			sbuf_adds(q, " NOT NULL");
	}
	if (!t->has_hall)
		sbuf_addf(q, ", hall TEXT%s", t->kind == SYNC_TAB_OWNED ? "" : " NOT NULL");
	if (t->kind == SYNC_TAB_OWNED)
		sbuf_adds(q, ", chg INTEGER NOT NULL DEFAULT 0");
	if (t->kind == SYNC_TAB_FACT || staff)
		sbuf_adds(q, ", PRIMARY KEY (hall, id)");
	if (strcmp(t->name, "customers") == 0)
		sbuf_adds(q, ", UNIQUE (account_no)");
	if (strcmp(t->name, "bills") == 0)
		sbuf_adds(q, ", UNIQUE (account_no, period)");
	sbuf_adds(q, ");");
}

static int sq_init(struct sync_be *b, struct hall_err *err)
{
	struct sbuf q;
	sbuf_init(&q);
	sbuf_addf(&q, "PRAGMA journal_mode = WAL; PRAGMA application_id = %d;"
	          "PRAGMA user_version = %d; BEGIN IMMEDIATE;",
	          SCHEMA_APPLICATION_ID, STORE_SCHEMA_VERSION);
	int rc = exec(b, sbuf_str(&q), err);
	sbuf_reset(&q);
	if (rc != SYNC_OK) {
		sbuf_free(&q);
		return rc;
	}
	sbuf_adds(&q, base_ddl);
	for (int i = 0; i < b->ntabs; i++)
		table_ddl(b, &b->tabs[i], &q);
	for (int i = 0; i < b->ntabs; i++)
		if (b->tabs[i].kind == SYNC_TAB_OWNED)
			chg_triggers(&q, b->tabs[i].name);
	chg_triggers(&q, "ref_data");
	chg_triggers(&q, "work_updates");
	char now[21];
	store_now_utc(now);
	sbuf_addf(&q,
		"INSERT OR IGNORE INTO meta VALUES ('hall_code', '000'), ('hall_name', '中心库'),"
		" ('epoch', '1'), ('role', 'central'), ('created_at', '%s');"
		"INSERT OR REPLACE INTO meta VALUES ('sync_schema_version', '%d'),"
		" ('hall_schema_version', '%d');", now, SYNC_CENTRAL_VERSION,
		STORE_SCHEMA_VERSION);
	if (q.oom) {
		rollback(b);
		sbuf_free(&q);
		hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		return SYNC_LOCAL;
	}
	rc = exec(b, sbuf_str(&q), err);
	sbuf_free(&q);
	if (rc == SYNC_OK)
		rc = exec(b, "COMMIT", err);
	if (rc != SYNC_OK)
		rollback(b);
	else
		b->missing = false;
	return rc;
}

/* ------------------------------------------------------------- hello */

static int meta_int(struct sync_be *b, const char *key, int64_t *v)
{
	sqlite3_stmt *st;
	*v = -1;
	if (sqlite3_prepare_v2(b->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int sq_hello(struct sync_be *b, const char *hall, struct hall_err *err)
{
	if (b->missing)
		return missing(b, err);
	int64_t sv = -1, hv = -1;
	if (!has_table(b, "central_halls") || meta_int(b, "sync_schema_version", &sv) != 0 || sv < 0) {
		hall_err_set(err, HALL_EVERSION, NULL,
			"%s 不是中心库（或尚未初始化）：请运行 hall central init --central sqlite:%s",
			"%s is not a central store (or not initialised): run hall central init --central sqlite:%s",
			b->path, b->path);
		return SYNC_SCHEMA;
	}
	meta_int(b, "hall_schema_version", &hv);
	if (staff_keyed_by_id(b)) {
		hall_err_set(err, HALL_EVERSION, NULL,
			"中心库 %s 的员工表仍按工号单独编号（旧版本）：请管理员用本版本运行 hall central init --central sqlite:%s 升级",
			"the central %s still keys staff by id alone (an older version): the administrator must upgrade it "
			"with hall central init --central sqlite:%s from this version", b->path, b->path);
		return SYNC_SCHEMA;
	}
	if (sv < SYNC_CENTRAL_VERSION || hv < STORE_SCHEMA_VERSION) {
		hall_err_set(err, HALL_EVERSION, NULL,
			"中心库的数据结构比本营业厅旧（中心库 %lld/%lld，本程序 %d/%d）：请管理员用新版本运行 hall central init 升级中心库",
			"the central's schema is older than this hall's (central %lld/%lld, this program %d/%d): "
			"the administrator must upgrade it with hall central init from this version",
			(long long)sv, (long long)hv, SYNC_CENTRAL_VERSION, STORE_SCHEMA_VERSION);
		return SYNC_SCHEMA;
	}
	if (sv > SYNC_CENTRAL_VERSION || hv > STORE_SCHEMA_VERSION) {
		hall_err_set(err, HALL_EVERSION, NULL,
			"中心库的数据结构比本营业厅新（中心库 %lld/%lld，本程序 %d/%d）：请先升级本营业厅的 hall 程序",
			"the central's schema is newer than this hall's (central %lld/%lld, this program %d/%d): "
			"upgrade hall at this hall first",
			(long long)sv, (long long)hv, SYNC_CENTRAL_VERSION, STORE_SCHEMA_VERSION);
		return SYNC_SCHEMA;
	}
	bool yes = false;
	sqlite3_stmt *st = stmt(b, "SELECT 1 FROM central_halls WHERE code = ?1", err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	yes = rc == SQLITE_ROW;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return be_fail(b, rc, "查询营业厅", "looking up the hall", err);
	if (!yes) {
		hall_err_set(err, HALL_ENOTFOUND, NULL,
			"中心库不认识营业厅编码 %s：请管理员先运行 hall central init --central 地址 --db 本营业厅数据库",
			"the central does not know hall code %s: the administrator must enrol it with "
			"hall central init --central URL --db THIS_HALL_STORE", hall);
		return SYNC_UNKNOWN_HALL;
	}
	return SYNC_OK;
}

static int sq_enrolled(struct sync_be *b, const char *hall, bool *yes,
                       struct hall_err *err)
{
	*yes = false;
	sqlite3_stmt *st = stmt(b, "SELECT 1 FROM central_halls WHERE code = ?1", err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
	*yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return SYNC_OK;
}

/* The central's own code ('000') keys its own staff (the branch's
 * accounts), journal and audit rows: no hall may be enrolled, seeded or
 * pushed under it. */
static int not_own_code(struct sync_be *b, const char *hall, struct hall_err *err)
{
	char own[16] = "000";
	sqlite3_stmt *mt = stmt(b, "SELECT value FROM meta WHERE key = 'hall_code'", err);
	if (!mt)
		return SYNC_REJECTED;
	if (sqlite3_step(mt) == SQLITE_ROW && sqlite3_column_text(mt, 0))
		snprintf(own, sizeof own, "%s", (const char *)sqlite3_column_text(mt, 0));
	sqlite3_reset(mt);
	if (strcmp(hall, own) != 0 && strcmp(hall, "000") != 0)
		return SYNC_OK;
	hall_err_set(err, HALL_EINVAL, "hall",
		"营业厅编码 %s 是中心库自己的编码（分公司账号和中心库的日志用它），不能登记为营业厅：请换一个编码",
		"hall code %s is the central store's own code (its branch accounts and journal use it); "
		"no hall can be enrolled with it: give the hall another code", hall);
	return SYNC_REJECTED;
}

static int sq_enrol(struct sync_be *b, const char *hall, const char *name,
                    int64_t base_epoch, int64_t base_seq, const char *password,
                    char *role, size_t rolesz, struct hall_err *err)
{
	(void)password;
	if (role && rolesz)
		role[0] = '\0';
	int orc = not_own_code(b, hall, err);
	if (orc != SYNC_OK)
		return orc;
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = stmt(b,
		"INSERT INTO central_halls(code, name, base_epoch, base_seq, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(code) DO UPDATE SET name = excluded.name", err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, base_epoch);
	sqlite3_bind_int64(st, 4, base_seq);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SYNC_OK : be_fail(b, rc, "登记营业厅", "enrolling the hall", err);
}

/* Column list "c1, c2" and json extraction "json_extract(X, '$.c1'), ..."
 * of a table, without the columns in skip (comma-separated names). */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static void cols_json(const struct sync_tab *t, const char *skip,
                      const char *src, struct sbuf *cols, struct sbuf *vals)
{
	bool first = true;
	for (int i = 0; i < t->ncols; i++) {
		const char *c = t->cols[i].name;
		if (in_list(skip, c))
			continue;
		sbuf_addf(cols, "%s\"%s\"", first ? "" : ", ", c);
		sbuf_addf(vals, "%sjson_extract(%s, '$.\"%s\"')", first ? "" : ", ", src, c);
		first = false;
	}
}

static int sq_seed(struct sync_be *b, const char *hall, const char *tbl,
                   const char *json_array, struct hall_err *err)
{
	const struct sync_tab *t = sync_schema_find(b->tabs, b->ntabs, tbl);
	if (!t || t->kind != SYNC_TAB_OWNED)
		return hall_err_set(err, HALL_EDB, NULL, "内部错误：不能导入表 %s",
		                    "internal error: cannot seed table %s", tbl), SYNC_LOCAL;
	int orc = not_own_code(b, hall, err);
	if (orc != SYNC_OK)
		return orc;
	struct sbuf sql, cols, vals;
	sbuf_init(&sql);
	sbuf_init(&cols);
	sbuf_init(&vals);
	cols_json(t, strcmp(tbl, "staff") == 0 ? "hall" : "id,hall", "j.value", &cols, &vals);
	sbuf_addf(&sql, "INSERT OR IGNORE INTO \"%s\"(%s, hall) SELECT %s, ?1 FROM json_each(?2) j",
	          tbl, sbuf_str(&cols), sbuf_str(&vals));
	int rc = exec(b, "BEGIN IMMEDIATE", err);
	sqlite3_stmt *st = rc == SYNC_OK ? stmt(b, sbuf_str(&sql), err) : NULL;
	sbuf_free(&sql);
	sbuf_free(&cols);
	sbuf_free(&vals);
	if (!st) {
		rollback(b);
		return rc == SYNC_OK ? SYNC_LOCAL : rc;
	}
	sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, json_array, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		rc = be_fail(b, src, "导入主数据", "seeding master data", err);
		rollback(b);
		return rc;
	}
	rc = exec(b, "COMMIT", err);
	if (rc != SYNC_OK)
		rollback(b);
	return rc;
}

/* ----------------------------------------------------------- cursors */

static int sq_acked(struct sync_be *b, const char *hall, int64_t epoch,
                    int64_t *seq, struct hall_err *err)
{
	*seq = 0;
	sqlite3_stmt *st = stmt(b, "SELECT acked_seq FROM central_cursor WHERE hall = ?1 AND epoch = ?2", err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, epoch);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SYNC_OK
	     : be_fail(b, rc, "读取游标", "reading the cursor", err);
}

static int sq_cursors(struct sync_be *b, const char *hall,
                      void (*fn)(void *ud, int64_t epoch, int64_t seq),
                      void *ud, struct hall_err *err)
{
	sqlite3_stmt *st = stmt(b, "SELECT epoch, acked_seq FROM central_cursor WHERE hall = ?1 ORDER BY epoch", err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ud, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SYNC_OK : be_fail(b, rc, "读取游标", "reading the cursor", err);
}

/* -------------------------------------------------------------- push */

struct push_ctx {
	struct sync_be *b;
	const char *hall;
	int64_t epoch;
	const struct sync_entry *e;
	bool after_base;
	char now[21];
	struct hall_err *err;
};

static int reject(struct push_ctx *p, const char *why_zh, const char *why_en)
{
	hall_err_set(p->err, HALL_EINVAL, NULL,
		"中心库拒收日志 %s/%lld/%lld（%s %s#%lld）：%s%.0s。该条及其后的日志暂不上传，请通知系统管理员",
		"the central refused journal entry %s/%lld/%lld (%s %s#%lld): %.0s%s. It and the entries "
		"after it wait; tell the administrator",
		p->hall, (long long)p->epoch, (long long)p->e->seq, p->e->kind, p->e->tbl,
		(long long)p->e->row_id, why_zh, why_en);
	return SYNC_REJECTED;
}

static int step_done(struct push_ctx *p, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return SYNC_OK;
	int f = be_fail(p->b, rc, "写入", "writing", p->err);
	if (f == SYNC_REJECTED) {
		char zh[HALL_ERR_TEXT], en[HALL_ERR_TEXT];
		snprintf(zh, sizeof zh, "%s", p->err->zh);
		snprintf(en, sizeof en, "%s", p->err->en);
		return reject(p, zh, en);
	}
	return f;
}

/* Add (sign 1) or take back (sign -1) a payment's shares: principal to
 * the central's bill (a share that would overpay it goes to prepaid), the
 * rest to the customer's prepaid balance.  ?1 the shares as a JSON array
 * (or one object). */
static int money(struct push_ctx *p, const char *allocs, int sign)
{
	sqlite3_stmt *sel = stmt(p->b,
		"SELECT json_extract(j.value, '$.account_no'), json_extract(j.value, '$.bill_period'),"
		" coalesce(json_extract(j.value, '$.principal_fen'), 0),"
		" coalesce(json_extract(j.value, '$.prepaid_fen'), 0),"
		" coalesce(json_extract(j.value, '$.late_fee_fen'), 0)"
		" FROM json_each(CASE json_type(?1) WHEN 'array' THEN ?1 ELSE json_array(json(?1)) END) j",
		p->err);
	if (!sel)
		return SYNC_REJECTED;
	sqlite3_bind_text(sel, 1, allocs, -1, SQLITE_TRANSIENT);
	/* every share, however many bills one payment covers */
	struct share { char acc[32], per[16]; int64_t principal, prepaid, fee; bool bill; } *sh = NULL;
	int n = 0, cap = 0, rc;
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			struct share *nsh = realloc(sh, (size_t)cap * sizeof *nsh);
			if (!nsh)
				break;
			sh = nsh;
		}
		const unsigned char *acc = sqlite3_column_text(sel, 0);
		const unsigned char *per = sqlite3_column_text(sel, 1);
		snprintf(sh[n].acc, sizeof sh[n].acc, "%s", acc ? (const char *)acc : "");
		snprintf(sh[n].per, sizeof sh[n].per, "%s", per ? (const char *)per : "");
		sh[n].bill = per != NULL;
		sh[n].principal = sqlite3_column_int64(sel, 2);
		sh[n].prepaid = sqlite3_column_int64(sel, 3);
		sh[n].fee = sqlite3_column_int64(sel, 4);
		n++;
	}
	sqlite3_reset(sel);
	if (rc != SQLITE_DONE) {
		free(sh);
		return rc == SQLITE_ROW
			? reject(p, "内存不足，无法读取缴费分摊", "out of memory reading the payment's shares")
			: reject(p, "无法读取缴费分摊", "cannot read the payment's shares");
	}
	for (int i = 0; i < n; i++) {
		int64_t to_prepaid = sh[i].prepaid;
		/* a share of late fee only changes no money here, but the
		 * bill's status may follow (the hall's verdict) */
		if (sh[i].bill && (sh[i].principal || sh[i].fee)) {
			sqlite3_stmt *st = stmt(p->b, "SELECT amount_fen, paid_fen FROM bills"
			                        " WHERE account_no = ?1 AND period = ?2", p->err);
			if (!st) {
				rc = SYNC_REJECTED;
				goto out;
			}
			sqlite3_bind_text(st, 1, sh[i].acc, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, sh[i].per, -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
			int64_t amount = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
			int64_t paid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
			sqlite3_reset(st);
			if (rc != SQLITE_ROW && !sh[i].principal)
				goto prepaid;    /* a fee on a bill the central lacks */
			if (rc != SQLITE_ROW) {
				char zh[200], en[200];
				snprintf(zh, sizeof zh, "缴付的账单 %.31s %.15s 在中心库不存在", sh[i].acc, sh[i].per);
				snprintf(en, sizeof en, "the bill paid, %.31s %.15s, is not at the central", sh[i].acc, sh[i].per);
				rc = reject(p, zh, en);
				goto out;
			}
			int64_t np;
			if (sign > 0) {
				np = paid + sh[i].principal;
				if (np > amount) {
					to_prepaid += np - amount;
					np = amount;
				}
			} else {
				np = paid - sh[i].principal < 0 ? 0 : paid - sh[i].principal;
			}
			/* the hall's rule: 'paid' only when the principal and the
			 * late fee are settled.  The hall's verdict on the same
			 * paid amount decides (the bill row it journaled with the
			 * payment or reversal, bill.pay / bill.restore, among the
			 * entries of the same transaction just before this entry:
			 * back to the last entry of another kind, however many
			 * bills the payment covers); without one, 'paid' only if nothing
			 * came after the due date (this payment, principal paid
			 * elsewhere).  Same rule as sync_pg.c hall_apply. */
			st = stmt(p->b, "UPDATE bills SET paid_fen = ?3, status = CASE"
			          " WHEN ?3 >= amount_fen THEN coalesce((SELECT"
			          "  iif(json_extract(j.payload, '$.status') = 'paid', 'paid', 'partial')"
			          "  FROM journal j WHERE j.hall = ?4 AND j.epoch = ?5 AND j.seq < ?6"
			          "  AND j.seq > coalesce((SELECT max(k.seq) FROM journal k WHERE k.hall = ?4"
			          "   AND k.epoch = ?5 AND k.seq < ?6 AND k.kind NOT IN ('bill.pay', 'bill.restore',"
			          "   'customer.prepaid', 'reversal.create') AND k.kind NOT LIKE 'audit.%'), 0)"
			          "  AND j.tbl = 'bills'"
			          "  AND json_extract(j.payload, '$.account_no') = ?1"
			          "  AND json_extract(j.payload, '$.period') = ?2"
			          "  AND json_extract(j.payload, '$.paid_fen') = ?3 ORDER BY j.seq DESC LIMIT 1),"
			          "  iif(coalesce(paid_elsewhere_on, '') > due_date OR coalesce((SELECT"
			          "   coalesce(x.paid_on, x.business_date) FROM payments x WHERE x.hall = ?4"
			          "   AND x.id = ?7), '') > due_date, 'partial', 'paid'))"
			          " WHEN ?3 > 0 OR coalesce(fee_paid_elsewhere_fen, 0) > 0 THEN 'partial'"
			          " ELSE 'unpaid' END WHERE account_no = ?1 AND period = ?2", p->err);
			if (!st) {
				rc = SYNC_REJECTED;
				goto out;
			}
			sqlite3_bind_text(st, 1, sh[i].acc, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, sh[i].per, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, np);
			sqlite3_bind_text(st, 4, p->hall, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 5, p->epoch);
			sqlite3_bind_int64(st, 6, p->e->seq);
			sqlite3_bind_int64(st, 7, p->e->row_id);
			if ((rc = step_done(p, st)) != SYNC_OK)
				goto out;
		}
prepaid:
		if (to_prepaid) {
			sqlite3_stmt *st = stmt(p->b,
				"UPDATE customers SET prepaid_fen = max(0, prepaid_fen + ?2)"
				" WHERE account_no = ?1", p->err);
			if (!st) {
				rc = SYNC_REJECTED;
				goto out;
			}
			sqlite3_bind_text(st, 1, sh[i].acc, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, sign * to_prepaid);
			if ((rc = step_done(p, st)) != SYNC_OK)
				goto out;
			if (sqlite3_changes(p->b->db) == 0) {
				char zh[200], en[200];
				snprintf(zh, sizeof zh, "户号 %.31s 在中心库不存在", sh[i].acc);
				snprintf(en, sizeof en, "account %.31s is not at the central", sh[i].acc);
				rc = reject(p, zh, en);
				goto out;
			}
		}
	}
	rc = SYNC_OK;
out:
	free(sh);
	return rc;
}

/* Replace the central copy of a hall row (fact) or set of rows (child). */
static int upsert(struct push_ctx *p, const struct sync_tab *t)
{
	struct sbuf sql, cols, vals;
	sbuf_init(&sql);
	sbuf_init(&cols);
	sbuf_init(&vals);
	int rc;
	if (t->kind == SYNC_TAB_FACT) {
		cols_json(t, "hall", "?2", &cols, &vals);
		sbuf_addf(&sql, "INSERT OR REPLACE INTO \"%s\"(hall, %s) SELECT ?1, %s"
		          " WHERE json_type(?2) = 'object'",
		          t->name, sbuf_str(&cols), sbuf_str(&vals));
	} else {
		sbuf_addf(&sql, "DELETE FROM \"%s\" WHERE hall = ?1 AND \"%s\" = ?2", t->name, t->key);
		sqlite3_stmt *del = stmt(p->b, sbuf_str(&sql), p->err);
		sbuf_reset(&sql);
		if (!del) {
			rc = SYNC_REJECTED;
			goto out;
		}
		sqlite3_bind_text(del, 1, p->hall, -1, SQLITE_STATIC);
		sqlite3_bind_int64(del, 2, p->e->row_id);
		if ((rc = step_done(p, del)) != SYNC_OK)
			goto out;
		cols_json(t, "hall", "j.value", &cols, &vals);
		sbuf_addf(&sql, "INSERT INTO \"%s\"(hall, %s) SELECT ?1, %s FROM json_each(CASE"
		          " json_type(?2) WHEN 'array' THEN ?2 ELSE json_array(json(?2)) END) j",
		          t->name, sbuf_str(&cols), sbuf_str(&vals));
	}
	sqlite3_stmt *st = stmt(p->b, sbuf_str(&sql), p->err);
	if (!st) {
		rc = SYNC_REJECTED;
		goto out;
	}
	sqlite3_bind_text(st, 1, p->hall, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->e->payload, -1, SQLITE_STATIC);
	rc = step_done(p, st);
	if (rc == SYNC_OK && t->kind == SYNC_TAB_FACT && sqlite3_changes(p->b->db) == 0)
		rc = reject(p, "内容不是一行记录", "the payload is not a row");
out:
	sbuf_free(&sql);
	sbuf_free(&cols);
	sbuf_free(&vals);
	return rc;
}

static int apply_payment(struct push_ctx *p, const struct sync_tab *t)
{
	sqlite3_stmt *st = stmt(p->b,
		"SELECT c.status, json_extract(?3, '$.status') FROM payments c"
		" WHERE c.hall = ?1 AND c.id = ?2", p->err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, p->hall, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->e->row_id);
	sqlite3_bind_text(st, 3, p->e->payload, -1, SQLITE_STATIC);
	bool unapply = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *o = sqlite3_column_text(st, 0);
		const unsigned char *n = sqlite3_column_text(st, 1);
		unapply = o && n && strcmp((const char *)o, "ok") == 0 &&
		          strcmp((const char *)n, "void") == 0;
	}
	sqlite3_reset(st);
	int rc;
	if (unapply && p->after_base) {
		/* a reversal: take the payment's shares back */
		st = stmt(p->b,
			"SELECT json_group_array(json_object('account_no', account_no,"
			" 'bill_period', bill_period, 'principal_fen', principal_fen,"
			" 'prepaid_fen', prepaid_fen)) FROM payment_alloc"
			" WHERE hall = ?1 AND payment_id = ?2", p->err);
		if (!st)
			return SYNC_REJECTED;
		sqlite3_bind_text(st, 1, p->hall, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, p->e->row_id);
		char *allocs = NULL;
		if (sqlite3_step(st) == SQLITE_ROW)
			allocs = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		if (allocs) {
			rc = money(p, allocs, -1);
			free(allocs);
			if (rc != SYNC_OK)
				return rc;
		}
	}
	return upsert(p, t);
}

static int apply_alloc(struct push_ctx *p, const struct sync_tab *t)
{
	int rc = upsert(p, t);
	if (rc != SYNC_OK || !p->after_base)
		return rc;
	sqlite3_stmt *st = stmt(p->b, "SELECT status FROM payments WHERE hall = ?1 AND id = ?2", p->err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, p->hall, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->e->row_id);
	bool voided = sqlite3_step(st) == SQLITE_ROW &&
	              strcmp((const char *)sqlite3_column_text(st, 0), "void") == 0;
	sqlite3_reset(st);
	return voided ? SYNC_OK : money(p, p->e->payload, 1);
}

/* Master fields a hall's customer event may change (all but the account
 * number, the prepaid balance and the creation time). */
#define CUST_FIELDS "'name','id_type','id_number','phone','address','category'," \
	"'voltage','capacity','tariff_form','status','extras'"
#define CUST_JSON "json_object('name', c.name, 'id_type', c.id_type," \
	" 'id_number', c.id_number, 'phone', c.phone, 'address', c.address," \
	" 'category', c.category, 'voltage', c.voltage, 'capacity', c.capacity," \
	" 'tariff_form', c.tariff_form, 'status', c.status, 'extras', c.extras)"
#define TAKE(f) " " f " = iif(json_extract(?1, '$.updated_at') > updated_at," \
	" coalesce(json_extract(?1, '$." f "'), " f "), " f "),"

/* A hall's event on a customer.  customer.create: a new account, kept if
 * the central has none; customer.prepaid: balances come from the shares;
 * anything else (a contact edit, a completed business change): the hall's
 * values applied if newer than the central's row, the old values kept in
 * central_history; if older, the central's row goes back to the hall. */
static int apply_customer(struct push_ctx *p, const struct sync_tab *t)
{
	if (strcmp(p->e->kind, "customer.prepaid") == 0)
		return SYNC_OK;
	struct sbuf sql, cols, vals;
	sbuf_init(&sql);
	sbuf_init(&cols);
	sbuf_init(&vals);
	cols_json(t, "id,hall,chg,prepaid_fen", "?2", &cols, &vals);
	sbuf_addf(&sql, "INSERT OR IGNORE INTO customers(%s, prepaid_fen, hall) SELECT %s, 0, ?1"
	          " WHERE json_extract(?2, '$.account_no') IS NOT NULL",
	          sbuf_str(&cols), sbuf_str(&vals));
	sqlite3_stmt *st = stmt(p->b, sbuf_str(&sql), p->err);
	sbuf_free(&sql);
	sbuf_free(&cols);
	sbuf_free(&vals);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, p->hall, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->e->payload, -1, SQLITE_STATIC);
	int rc = step_done(p, st);
	if (rc != SYNC_OK)
		return rc;
	if (sqlite3_changes(p->b->db) == 1 || strcmp(p->e->kind, "customer.create") == 0)
		return SYNC_OK;
	st = stmt(p->b,
		"INSERT INTO central_history(account_no, field, old_value, new_value, source, staff_id, at)"
		" SELECT c.account_no, j.key, json_extract(" CUST_JSON ", '$.' || j.key), j.value,"
		"  'hall:' || ?1, ?3, ?4"
		" FROM customers c, json_each(?2) j"
		" WHERE c.account_no = json_extract(?2, '$.account_no')"
		"  AND json_extract(?2, '$.updated_at') > c.updated_at"
		"  AND j.key IN (" CUST_FIELDS ") AND j.value IS NOT NULL"
		"  AND json_extract(" CUST_JSON ", '$.' || j.key) IS NOT j.value", p->err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, p->hall, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->e->payload, -1, SQLITE_STATIC);
	if (p->e->staff_id)
		sqlite3_bind_text(st, 3, p->e->staff_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->now, -1, SQLITE_STATIC);
	if ((rc = step_done(p, st)) != SYNC_OK)
		return rc;
	/* newer: take the hall's values; older: touch the row so that the
	 * central's value travels back to the hall at the next pull */
	st = stmt(p->b,
		"UPDATE customers SET" TAKE("name") TAKE("id_type") TAKE("id_number")
		TAKE("phone") TAKE("address") TAKE("category") TAKE("voltage")
		TAKE("capacity") TAKE("tariff_form") TAKE("status") TAKE("extras")
		" updated_at = max(updated_at, json_extract(?1, '$.updated_at'))"
		" WHERE account_no = json_extract(?1, '$.account_no')", p->err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, p->e->payload, -1, SQLITE_STATIC);
	return step_done(p, st);
}

static int apply_staff(struct push_ctx *p)
{
	sqlite3_stmt *st = stmt(p->b,
		"INSERT OR IGNORE INTO staff(id, name, role, pw_hash, active, must_change,"
		" failed_logins, created_at, updated_at, hall)"
		" SELECT json_extract(?2, '$.id'), json_extract(?2, '$.name'),"
		"  json_extract(?2, '$.role'), '', json_extract(?2, '$.active'), 1, 0,"
		"  json_extract(?2, '$.created_at'), json_extract(?2, '$.updated_at'), ?1"
		" WHERE json_extract(?2, '$.id') IS NOT NULL", p->err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, p->hall, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->e->payload, -1, SQLITE_STATIC);
	return step_done(p, st);
}

static int apply_entry(struct push_ctx *p)
{
	const struct sync_tab *t = sync_schema_find(p->b->tabs, p->b->ntabs, p->e->tbl);
	if (!t)
		return SYNC_OK;          /* kept in the journal only */
	if (t->kind == SYNC_TAB_OWNED) {
		if (strcmp(t->name, "customers") == 0)
			return apply_customer(p, t);
		if (strcmp(t->name, "staff") == 0)
			return apply_staff(p);
		return SYNC_OK;          /* bills: the central's, from the shares */
	}
	if (strcmp(t->name, "payments") == 0)
		return apply_payment(p, t);
	if (strcmp(t->name, "payment_alloc") == 0)
		return apply_alloc(p, t);
	return upsert(p, t);
}

static int sq_push(struct sync_be *b, const char *hall, int64_t epoch,
                   const struct sync_entry *e, int n, int64_t *acked,
                   struct hall_err *err)
{
	if (b->missing)
		return missing(b, err);
	int rc = exec(b, "BEGIN IMMEDIATE", err);
	if (rc != SYNC_OK)
		return rc;
	struct push_ctx p = { .b = b, .hall = hall, .epoch = epoch, .err = err };
	store_now_utc(p.now);
	int64_t base_epoch = 0, base_seq = 0, cur = 0;
	sqlite3_stmt *st = stmt(b,
		"SELECT h.base_epoch, h.base_seq, coalesce((SELECT acked_seq FROM central_cursor"
		" WHERE hall = h.code AND epoch = ?2), 0) FROM central_halls h WHERE h.code = ?1", err);
	if (!st) {
		rollback(b);
		return SYNC_REJECTED;
	}
	sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, epoch);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		base_epoch = sqlite3_column_int64(st, 0);
		base_seq = sqlite3_column_int64(st, 1);
		cur = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (src != SQLITE_ROW) {
		rollback(b);
		if (src != SQLITE_DONE)
			return be_fail(b, src, "查询营业厅", "looking up the hall", err);
		hall_err_set(err, HALL_ENOTFOUND, NULL, "中心库不认识营业厅编码 %s",
		             "the central does not know hall code %s", hall);
		return SYNC_UNKNOWN_HALL;
	}
	int64_t last = cur;
	for (int i = 0; i < n && rc == SYNC_OK; i++) {
		p.e = &e[i];
		p.after_base = epoch > base_epoch || (epoch == base_epoch && e[i].seq > base_seq);
		st = stmt(b,
			"INSERT OR IGNORE INTO journal(hall, epoch, seq, kind, tbl, row_id, payload,"
			" staff_id, counter, at, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			err);
		if (!st) {
			rc = SYNC_REJECTED;
			break;
		}
		sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, epoch);
		sqlite3_bind_int64(st, 3, e[i].seq);
		sqlite3_bind_text(st, 4, e[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, e[i].tbl, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, e[i].row_id);
		sqlite3_bind_text(st, 7, e[i].payload, -1, SQLITE_STATIC);
		if (e[i].staff_id)
			sqlite3_bind_text(st, 8, e[i].staff_id, -1, SQLITE_STATIC);
		if (e[i].counter > 0)
			sqlite3_bind_int(st, 9, e[i].counter);
		sqlite3_bind_text(st, 10, e[i].at, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 11, p.now, -1, SQLITE_STATIC);
		if ((rc = step_done(&p, st)) != SYNC_OK)
			break;
		if (sqlite3_changes(b->db) == 1)
			rc = apply_entry(&p);
		if (e[i].seq > last)
			last = e[i].seq;
	}
	if (rc == SYNC_OK) {
		st = stmt(b,
			"INSERT INTO central_cursor(hall, epoch, acked_seq, updated_at) VALUES (?1, ?2, ?3, ?4)"
			" ON CONFLICT(hall, epoch) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq),"
			" updated_at = excluded.updated_at", err);
		if (!st)
			rc = SYNC_REJECTED;
		else {
			sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, epoch);
			sqlite3_bind_int64(st, 3, last);
			sqlite3_bind_text(st, 4, p.now, -1, SQLITE_STATIC);
			p.e = &e[n - 1];
			rc = step_done(&p, st);
		}
	}
	if (rc == SYNC_OK)
		rc = exec(b, "COMMIT", err);
	if (rc != SYNC_OK) {
		rollback(b);
		return rc;
	}
	*acked = last;
	return SYNC_OK;
}

/* -------------------------------------------------------------- pull */

static int pull_table(struct sync_be *b, const char *sql, const char *hall,
                      int64_t since, int64_t upto, sync_row_fn fn, void *ud,
                      const char *tbl, struct hall_err *err)
{
	sqlite3_stmt *st = stmt(b, sql, err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, upto);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ud, tbl, (const char *)sqlite3_column_text(st, 0)) != 0) {
			sqlite3_reset(st);
			return SYNC_LOCAL;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SYNC_OK : be_fail(b, rc, "读取", "reading", err);
}

static int owned_sql(struct sync_be *b, const char *tbl, const char *where,
                     struct sbuf *sql)
{
	const struct sync_tab *t = sync_schema_find(b->tabs, b->ntabs, tbl);
	if (!t)
		return -1;
	sbuf_adds(sql, "SELECT json_object(");
	bool first = true;
	for (int i = 0; i < t->ncols; i++) {
		const char *c = t->cols[i].name;
		if (strcmp(c, "hall") == 0 || (strcmp(c, "id") == 0 && strcmp(tbl, "staff") != 0))
			continue;
		sbuf_addf(sql, "%s'%s', \"%s\"", first ? "" : ", ", c, c);
		first = false;
	}
	sbuf_addf(sql, ") FROM \"%s\" WHERE %s AND chg >= ?2 AND chg <= ?3 ORDER BY chg, rowid", tbl, where);
	return 0;
}

static int sq_pull(struct sync_be *b, const char *hall, const char *since,
                   char *until, size_t untilsz, sync_row_fn fn, void *ud,
                   struct hall_err *err)
{
	if (b->missing)
		return missing(b, err);
	int64_t from = since && *since ? strtoll(since, NULL, 10) : 0, clock = 0;
	/* advance the clock: rows stamped <= clock have all committed */
	int rc = exec(b, "BEGIN IMMEDIATE", err);
	if (rc != SYNC_OK)
		return rc;
	sqlite3_stmt *st = stmt(b, "UPDATE central_clock SET value = value + 1 RETURNING value - 1", err);
	if (!st) {
		rollback(b);
		return SYNC_REJECTED;
	}
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		clock = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (src != SQLITE_ROW || (rc = exec(b, "COMMIT", err)) != SYNC_OK) {
		rollback(b);
		return rc != SYNC_OK ? rc : be_fail(b, src, "推进时钟", "advancing the clock", err);
	}
	if ((rc = exec(b, "BEGIN", err)) != SYNC_OK)
		return rc;
	static const struct { const char *tbl, *where; } q[] = {
		{ "customers", "hall = ?1" },
		{ "bills", "hall = ?1" },
		{ "staff", "(hall = ?1 OR hall IS NULL)" },
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0] && rc == SYNC_OK; i++) {
		struct sbuf sql;
		sbuf_init(&sql);
		if (owned_sql(b, q[i].tbl, q[i].where, &sql) == 0)
			rc = pull_table(b, sbuf_str(&sql), hall, from, clock, fn, ud, q[i].tbl, err);
		sbuf_free(&sql);
	}
	if (rc == SYNC_OK)
		rc = pull_table(b,
			"SELECT json_object('kind', kind, 'key', key, 'value', value, 'updated_at', updated_at)"
			" FROM ref_data WHERE (hall = ?1 OR hall IS NULL) AND chg >= ?2 AND chg <= ?3"
			" ORDER BY chg, rowid", hall, from, clock, fn, ud, "ref_data", err);
	if (rc == SYNC_OK)
		rc = pull_table(b,
			"SELECT json_object('kind', kind, 'number', number, 'stage', stage, 'status', status,"
			" 'note', note, 'staff_id', staff_id, 'at', at) FROM work_updates"
			" WHERE hall = ?1 AND chg >= ?2 AND chg <= ?3 ORDER BY id", hall, from, clock,
			fn, ud, "work_updates", err);
	rollback(b);
	if (rc == SYNC_OK)
		snprintf(until, untilsz, "%lld", (long long)clock + 1);
	return rc;
}

/* ------------------------------------------------------------ verify */

static int sq_verify(struct sync_be *b, const char *hall, sync_fig_fn fn,
                     void *ud, struct hall_err *err)
{
	if (b->missing)
		return missing(b, err);
	sqlite3_stmt *st = stmt(b, sync_verify_sql(), err);
	if (!st)
		return SYNC_REJECTED;
	sqlite3_bind_text(st, 1, hall, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ud, (const char *)sqlite3_column_text(st, 0),
		   (const char *)sqlite3_column_text(st, 1),
		   sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SYNC_OK : be_fail(b, rc, "核对", "verifying", err);
}

const struct sync_be_ops sync_sqlite_ops = {
	.scheme = "sqlite",
	.batch = 2000,
	.open = sq_open,
	.close = sq_close,
	.init = sq_init,
	.enrol = sq_enrol,
	.enrolled = sq_enrolled,
	.seed = sq_seed,
	.hello = sq_hello,
	.acked = sq_acked,
	.cursors = sq_cursors,
	.push = sq_push,
	.pull = sq_pull,
	.verify = sq_verify,
};
