/* store.c - opening, creating and migrating the hall store; transactions,
 * counters, the journal and meta values. */
#include "hall/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fts.h"
#include "sbuf.h"
#include "schema.h"
#include "hall/audit.h"
#include "hall/health.h"
#include "hall/priv.h"
#include "hall/utf8.h"

/* more than the distinct SQL texts of the program, so that eviction is rare */
#define STMT_CACHE 256

struct stmt_slot {
	const char *sql;      /* the caller's string (compared by content) */
	sqlite3_stmt *st;
};

struct store {
	sqlite3 *db;
	char path[1024];
	char hall_code[16];
	char hall_name[256];
	int64_t epoch;
	bool readonly;
	bool central;                /* a central store (meta role 'central') */
	bool verified;               /* known to be a hall store (application_id) */
	bool damaged;                /* health.h: read-only for the session */
	struct hall_err damage_msg;
	int nstmts;
	struct stmt_slot stmts[STMT_CACHE];
	int busy_ms;                 /* how long a writer waits (busy_wait) */
	struct timespec busy_start;
	uint64_t jitter;
};

sqlite3 *store_db(struct store *s) { return s->db; }
const char *store_path(const struct store *s) { return s->path; }
const char *store_hall_code(const struct store *s) { return s->hall_code; }
const char *store_hall_name(const struct store *s) { return s->hall_name; }
int64_t store_epoch(const struct store *s) { return s->epoch; }
bool store_readonly(const struct store *s) { return s->readonly; }
bool store_is_central(const struct store *s) { return s && s->central; }
bool store_damaged(const struct store *s) { return s && s->damaged; }

const struct hall_err *store_damage_msg(const struct store *s)
{
	return s && s->damaged ? &s->damage_msg : NULL;
}

void store_set_damaged(struct store *s, const struct hall_err *msg)
{
	if (!s || s->damaged)
		return;
	s->damaged = true;
	s->readonly = true;
	s->damage_msg = *msg;
	s->damage_msg.code = HALL_EDAMAGED;
	/* SQLite itself refuses every write on this connection from now on
	 * (a transaction still open can roll back) */
	if (s->db)
		sqlite3_exec(s->db, "PRAGMA query_only = 1", NULL, NULL, NULL);
}

/* The damage message as an error (code HALL_EDAMAGED). */
static int damaged_error(struct store *s, struct hall_err *err)
{
	if (err)
		*err = s->damage_msg;
	return HALL_EDAMAGED;
}

int store_error(struct store *s, int rc, const char *what_zh,
                const char *what_en, struct hall_err *err)
{
	const char *detail = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	char zh[HALL_ERR_TEXT], en[HALL_ERR_TEXT];
	int code;
	/* a write that failed for want of space (SQLite says I/O error when
	 * it cannot grow the -shm or -wal file) is a full disk */
	if (s && s->db && (rc & 0xff) == SQLITE_IOERR && sqlite3_system_errno(s->db) == ENOSPC)
		rc = SQLITE_FULL;
	/* damage met during work: the session turns read-only (health.h),
	 * and says so, never a retry */
	/* (only a file known to be a hall store: any other file a user names
	 * is "not a hall store", and nothing is written beside it) */
	if (s && s->db && s->verified &&
	    ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)) {
		char d[256];
		snprintf(d, sizeof d, "%s: %s", what_en, detail);
		health_note_corrupt(s, d);
	}
	if (s && s->damaged && ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB ||
	                        (rc & 0xff) == SQLITE_READONLY))
		return damaged_error(s, err);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = HALL_EBUSY;
		snprintf(zh, sizeof zh, "%s失败：数据库正被其他窗口占用，请稍后重试", what_zh);
		snprintf(en, sizeof en, "%s failed: the store is busy at another counter; try again in a moment", what_en);
		break;
	case SQLITE_FULL:
		code = HALL_EIO;
		snprintf(zh, sizeof zh, "%s失败：磁盘已满，未保存任何内容。请通知系统管理员清理磁盘", what_zh);
		snprintf(en, sizeof en, "%s failed: the disk is full; nothing was saved. Ask the administrator to free disk space", what_en);
		break;
	case SQLITE_READONLY:
		code = HALL_EIO;
		snprintf(zh, sizeof zh, "%s失败：数据库为只读，未保存任何内容", what_zh);
		snprintf(en, sizeof en, "%s failed: the store is read-only; nothing was saved", what_en);
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		code = HALL_EIO;
		snprintf(zh, sizeof zh, "%s失败：磁盘读写错误（%s），未保存任何内容", what_zh, detail);
		snprintf(en, sizeof en, "%s failed: disk I/O error (%s); nothing was saved", what_en, detail);
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		code = HALL_EDB;
		snprintf(zh, sizeof zh, "%s失败：数据库文件已损坏（%s），请通知系统管理员从备份恢复", what_zh, detail);
		snprintf(en, sizeof en, "%s failed: the store is damaged (%s); ask the administrator to restore a backup", what_en, detail);
		break;
	default:
		code = HALL_EDB;
		snprintf(zh, sizeof zh, "%s失败：数据库错误：%s", what_zh, detail);
		snprintf(en, sizeof en, "%s failed: store error: %s", what_en, detail);
	}
	return hall_err_text(err, code, NULL, zh, en);
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql,
                         struct hall_err *err)
{
	for (int i = 0; i < s->nstmts; i++) {
		if (s->stmts[i].sql == sql || strcmp(s->stmts[i].sql, sql) == 0) {
			sqlite3_stmt *st = s->stmts[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	                            &st, NULL);
	if (rc != SQLITE_OK) {
		store_error(s, rc, "准备查询", "preparing a query", err);
		return NULL;
	}
	if (s->nstmts < STMT_CACHE) {
		s->stmts[s->nstmts].sql = sql;
		s->stmts[s->nstmts].st = st;
		s->nstmts++;
		return st;
	}
	/* cache full: evict the oldest statement that is not being stepped
	 * (a caller may be looping over one while its callback prepares
	 * another) */
	for (int i = 0; i < STMT_CACHE; i++) {
		if (sqlite3_stmt_busy(s->stmts[i].st))
			continue;
		sqlite3_finalize(s->stmts[i].st);
		memmove(&s->stmts[i], &s->stmts[i + 1],
		        sizeof s->stmts[0] * (size_t)(STMT_CACHE - 1 - i));
		s->stmts[STMT_CACHE - 1].sql = sql;
		s->stmts[STMT_CACHE - 1].st = st;
		return st;
	}
	/* every cached statement is busy: an uncached one would leak;
	 * refuse instead */
	sqlite3_finalize(st);
	hall_err_text(err, HALL_EDB, NULL, "内部错误：语句缓存已满",
	              "internal error: the statement cache is full");
	return NULL;
}

static int exec_sql(struct store *s, const char *sql, struct hall_err *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_error(s, rc, "数据库操作", "store operation", err);
	return HALL_OK;
}

int store_begin(struct store *s, struct hall_err *err)
{
	if (s->damaged)
		return damaged_error(s, err);
	if (s->readonly)
		return hall_err_set(err, HALL_EIO, NULL,
			"数据库以只读方式打开，不能保存",
			"the store is open read-only; nothing can be saved");
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_error(s, rc, "开始保存", "starting to save", err);
	audit_txn_begin(s);   /* a deferred login row rides along */
	return HALL_OK;
}

int store_commit(struct store *s, struct hall_err *err)
{
	int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int code = store_error(s, rc, "保存", "saving", err);
		store_rollback(s);
		return code;
	}
	audit_txn_end(s, true);
	return HALL_OK;
}

void store_rollback(struct store *s)
{
	if (s && s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	if (s)
		audit_txn_end(s, false);
}

static int pragma_int(struct store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int store_meta_get(struct store *s, const char *key, char *out, size_t outsz)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT value FROM meta WHERE key = ?1", NULL);
	if (!st)
		return HALL_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (outsz)
			out[0] = '\0';
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? HALL_ENOTFOUND : HALL_EDB;
	}
	snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return HALL_OK;
}

int store_meta_set(struct store *s, const char *key, const char *value,
                   struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO meta(key, value) VALUES (?1, ?2)"
		" ON CONFLICT(key) DO UPDATE SET value = excluded.value", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "保存设置", "saving a setting", err);
	return HALL_OK;
}

int store_next_seq(struct store *s, const char *name, int64_t *out,
                   struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO seq(name, value) VALUES (?1, 1)"
		" ON CONFLICT(name) DO UPDATE SET value = value + 1"
		" RETURNING value", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_error(s, rc, "编号", "numbering", err);
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return HALL_OK;
}

/* The SELECT that copies a whole row into a journal entry, per table.  A
 * fixed list: table names never come from input. */
static const char *journal_select(const char *table)
{
	static const struct { const char *table, *sql; } q[] = {
		{ "customers", "SELECT * FROM customers WHERE rowid = ?1" },
		/* never the password hash */
		{ "staff", "SELECT id, name, role, active, must_change, created_at, updated_at FROM staff WHERE rowid = ?1" },
		{ "bills", "SELECT * FROM bills WHERE rowid = ?1" },
		{ "payments", "SELECT * FROM payments WHERE rowid = ?1" },
		/* with the paid bill's natural key, so the central (whose bill
		 * ids differ) can apply the share: sync.h */
		{ "payment_alloc", "SELECT a.*, p.account_no, b.period AS bill_period"
		  " FROM payment_alloc a JOIN payments p ON p.id = a.payment_id"
		  " LEFT JOIN bills b ON b.id = a.bill_id WHERE a.payment_id = ?1"
		  " ORDER BY a.rowid" },
		{ "applications", "SELECT * FROM applications WHERE rowid = ?1" },
		{ "changes", "SELECT * FROM changes WHERE rowid = ?1" },
		{ "complaints", "SELECT * FROM complaints WHERE rowid = ?1" },
		{ "work_events", "SELECT * FROM work_events WHERE rowid = ?1" },
		{ "customer_history", "SELECT * FROM customer_history WHERE rowid = ?1" },
		/* a calendar year carries its days (calendar.h) */
		{ "calendar_years", "SELECT y.*, (SELECT json_group_array(json_array(d.day, d.kind, d.name))"
		  " FROM calendar_days d WHERE d.year = y.year) AS days FROM calendar_years y WHERE y.rowid = ?1" },
		{ "deadline_rules", "SELECT * FROM deadline_rules WHERE rowid = ?1" },
		{ "change_rules", "SELECT * FROM change_rules WHERE rowid = ?1" },
		{ "work_settings", "SELECT * FROM work_settings WHERE rowid = ?1" },
		{ "rectifications", "SELECT * FROM rectifications WHERE rowid = ?1" },
		{ "late_fee_rules", "SELECT * FROM late_fee_rules WHERE rowid = ?1" },
		{ "payment_settings", "SELECT * FROM payment_settings WHERE rowid = ?1" },
		{ "receipts", "SELECT * FROM receipts WHERE rowid = ?1" },
		{ "reversals", "SELECT * FROM reversals WHERE rowid = ?1" },
		{ "day_closes", "SELECT * FROM day_closes WHERE rowid = ?1" },
		{ "day_close_lines", "SELECT * FROM day_close_lines WHERE close_id = ?1" },
		/* events with no other row: logins, exports (audit.h) */
		{ "audit", "SELECT * FROM audit WHERE rowid = ?1" },
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
		if (strcmp(q[i].table, table) == 0)
			return q[i].sql;
	return NULL;
}

/* Append the rows of st as JSON: one object, or an array if several. */
static int rows_json(sqlite3_stmt *st, struct sbuf *b)
{
	int nrows = 0, rc;
	struct sbuf row;
	sbuf_init(&row);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nrows++)
			sbuf_addc(&row, ',');
		bool first = true;
		sbuf_addc(&row, '{');
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			sbuf_json_key(&row, &first, sqlite3_column_name(st, i));
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				sbuf_adds(&row, "null");
				break;
			case SQLITE_INTEGER:
				sbuf_addf(&row, "%lld",
				          (long long)sqlite3_column_int64(st, i));
				break;
			default:
				sbuf_json_str(&row,
				              (const char *)sqlite3_column_text(st, i));
			}
		}
		sbuf_addc(&row, '}');
	}
	if (nrows > 1)
		sbuf_addc(b, '[');
	sbuf_adds(b, sbuf_str(&row));
	if (nrows > 1)
		sbuf_addc(b, ']');
	sbuf_free(&row);
	return rc == SQLITE_DONE && nrows ? SQLITE_OK : (rc == SQLITE_DONE ? SQLITE_NOTFOUND : rc);
}

int store_journal_row(struct store *s, const char *kind, const char *table,
                      int64_t rowid, const char *staff_id, int counter,
                      struct hall_err *err)
{
	const char *sql = journal_select(table);
	if (!sql)
		return hall_err_set(err, HALL_EDB, NULL, "内部错误：日志表 %s 未登记",
		                    "internal error: journal table %s unknown", table);
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_int64(st, 1, rowid);
	struct sbuf b;
	sbuf_init(&b);
	int rc = rows_json(st, &b);
	sqlite3_reset(st);
	if (rc != SQLITE_OK || b.oom) {
		sbuf_free(&b);
		if (rc == SQLITE_NOTFOUND)
			return hall_err_set(err, HALL_EDB, NULL,
				"内部错误：日志找不到 %s 第 %lld 行",
				"internal error: journal cannot find %s row %lld",
				table, (long long)rowid);
		return rc == SQLITE_OK ? hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory")
		                       : store_error(s, rc, "写日志", "writing the journal", err);
	}
	char now[21];
	store_now_utc(now);
	/* a central store holds every hall's entries keyed (hall, epoch,
	 * seq): its own actions are entries of its own hall code ('000',
	 * which no hall may have: sync_sqlite.c) numbered in its own epoch,
	 * received when written */
	st = store_stmt(s, s->central
		? "INSERT INTO journal(hall, epoch, seq, kind, tbl, row_id, payload,"
		  " staff_id, counter, at, received_at) VALUES (?1, ?2,"
		  " (SELECT coalesce(max(seq), 0) + 1 FROM journal WHERE hall = ?1 AND epoch = ?2),"
		  " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING seq"
		: "INSERT INTO journal(hall, epoch, kind, tbl, row_id, payload,"
		  " staff_id, counter, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		  " RETURNING seq",
		err);
	if (!st) {
		sbuf_free(&b);
		return err ? err->code : HALL_EDB;
	}
	sqlite3_bind_text(st, 1, s->hall_code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->epoch);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, table, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, rowid);
	sqlite3_bind_text(st, 6, sbuf_str(&b), (int)b.len, SQLITE_STATIC);
	if (staff_id)
		sqlite3_bind_text(st, 7, staff_id, -1, SQLITE_STATIC);
	if (counter > 0)
		sqlite3_bind_int(st, 8, counter);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	int64_t seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		sbuf_free(&b);
		return store_error(s, rc, "写日志", "writing the journal", err);
	}
	/* every journal entry gets its audit row (an audit row's own entry
	 * is the exception: it is the audit row) */
	int arc = HALL_OK;
	if (strcmp(table, "audit") != 0)
		arc = audit_journal_entry(s, seq, kind,
		                          table, rowid, staff_id, counter, now,
		                          sbuf_str(&b), err);
	sbuf_free(&b);
	return arc;
}

int store_new_epoch(struct store *s, int64_t *out, struct hall_err *err)
{
	int rc = store_begin(s, err);
	if (rc != HALL_OK)
		return rc;
	char v[32], now[21];
	int64_t epoch = 0;
	if (store_meta_get(s, "epoch", v, sizeof v) == HALL_OK)
		epoch = strtoll(v, NULL, 10);
	/* never below an epoch the journal already used */
	/* (the store's own entries: a central holds every hall's) */
	sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(max(epoch), 0) FROM journal"
	                                 " WHERE hall = ?1", err);
	if (!st) {
		store_rollback(s);
		return err ? err->code : HALL_EDB;
	}
	sqlite3_bind_text(st, 1, s->hall_code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > epoch)
		epoch = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	epoch++;
	snprintf(v, sizeof v, "%lld", (long long)epoch);
	store_now_utc(now);
	if ((rc = store_meta_set(s, "epoch", v, err)) != HALL_OK ||
	    (rc = store_meta_set(s, "epoch_started_at", now, err)) != HALL_OK) {
		store_rollback(s);
		return rc;
	}
	/* a restored store's command-line sessions (auth.h) are those of the
	 * day of the backup: some were ended since, so none stays valid */
	st = store_stmt(s, "UPDATE sessions SET revoked_at = ?1 WHERE revoked_at IS NULL", err);
	if (!st) {
		store_rollback(s);
		return err ? err->code : HALL_EDB;
	}
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		store_rollback(s);
		return store_error(s, src, "结束会话", "ending sessions", err);
	}
	if ((rc = store_commit(s, err)) != HALL_OK)
		return rc;
	s->epoch = epoch;
	if (out)
		*out = epoch;
	return HALL_OK;
}

/* ------------------------------------------------------------- time */

static bool parse_utc(const char *v, struct tm *tm)
{
	memset(tm, 0, sizeof *tm);
	return v && strlen(v) == 20 &&
	       sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm->tm_year, &tm->tm_mon,
	              &tm->tm_mday, &tm->tm_hour, &tm->tm_min, &tm->tm_sec) == 6;
}

static time_t now_time(void)
{
	struct tm tm;
	/* a setgid hall ignores the test clock: no back-dated records */
	const char *fake = getegid() == getgid() && !priv_active()
	                   ? getenv("HALL_NOW") : NULL;
	if (fake && parse_utc(fake, &tm)) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		return timegm(&tm);
	}
	return time(NULL);
}

void store_now_utc(char out[21])
{
	time_t t = now_time();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void store_today_local(char out[11])
{
	time_t t = now_time();
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void store_local_time(const char *utc, char out[17])
{
	struct tm tm;
	if (!parse_utc(utc, &tm)) {
		snprintf(out, 17, "%s", utc ? utc : "");
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	localtime_r(&t, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

/* ------------------------------------------------------------- open */

/* Wait for another counter's write transaction: short sleeps of 0.2 to
 * 1.2 ms with jitter until busy_ms have passed.  SQLite's own handler backs
 * off to 100 ms sleeps, and a waiter sleeping that long keeps losing the
 * lock to counters that write all the time (measured by bench_payment:
 * waits of seconds and an occasional 'database is locked'). */
static int busy_wait(void *ud, int count)
{
	struct store *s = ud;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		s->busy_start = now;
	long long waited = (long long)(now.tv_sec - s->busy_start.tv_sec) * 1000 +
	                   (now.tv_nsec - s->busy_start.tv_nsec) / 1000000;
	if (waited >= s->busy_ms)
		return 0;
	s->jitter ^= s->jitter << 13;
	s->jitter ^= s->jitter >> 7;
	s->jitter ^= s->jitter << 17;
	struct timespec ts = { 0, (long)(200000 + s->jitter % 1000000) };
	nanosleep(&ts, NULL);
	return 1;
}

static int configure(struct store *s, struct hall_err *err)
{
	/* HALL_BUSY_TIMEOUT_MS shortens the wait in tests */
	const char *bt = getenv("HALL_BUSY_TIMEOUT_MS");
	int timeout = bt && *bt ? atoi(bt) : STORE_BUSY_TIMEOUT_MS;
	s->busy_ms = timeout > 0 ? timeout : STORE_BUSY_TIMEOUT_MS;
	s->jitter = (uint64_t)getpid() * 0x9E3779B97F4A7C15u ^ (uint64_t)(uintptr_t)s;
	sqlite3_busy_handler(s->db, busy_wait, s);
	sqlite3_extended_result_codes(s->db, 1);
	if (fts_register(s->db) != SQLITE_OK)
		return hall_err_set(err, HALL_EDB, NULL,
			"SQLite 缺少 FTS5 全文检索支持", "SQLite lacks FTS5 full-text search");
	/* temp_store: no SQLite temporary file ever holds store data in a
	 * folder the user can read (priv.h) */
	int rc = exec_sql(s, "PRAGMA foreign_keys = ON;"
	                     "PRAGMA synchronous = FULL;"
	                     "PRAGMA temp_store = MEMORY;", err);
	if (rc != HALL_OK)
		return rc;
	if (!s->readonly) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) == SQLITE_OK)
			rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return store_error(s, rc, "打开数据库", "opening the store", err);
	}
	return HALL_OK;
}

static int load_meta(struct store *s, struct hall_err *err)
{
	char epoch[32];
	if (store_meta_get(s, "hall_code", s->hall_code, sizeof s->hall_code) != HALL_OK ||
	    store_meta_get(s, "hall_name", s->hall_name, sizeof s->hall_name) != HALL_OK ||
	    store_meta_get(s, "epoch", epoch, sizeof epoch) != HALL_OK)
		return hall_err_set(err, HALL_EVERSION, NULL,
			"%s 不是完整的营业厅数据库（缺少营业厅信息）",
			"%s is not a complete hall store (hall settings missing)",
			s->path);
	s->epoch = strtoll(epoch, NULL, 10);
	char role[32];
	s->central = store_meta_get(s, "role", role, sizeof role) == HALL_OK &&
	             strcmp(role, "central") == 0;
	return HALL_OK;
}

/* Bring the schema to STORE_SCHEMA_VERSION in one transaction. */
static int migrate(struct store *s, int64_t from, struct hall_err *err)
{
	int rc = store_begin(s, err);
	if (rc != HALL_OK)
		return rc;
	int64_t v = 0;
	/* re-read under the write lock: another counter may have migrated */
	if (pragma_int(s, "PRAGMA user_version", &v) != SQLITE_OK) {
		store_rollback(s);
		return store_error(s, sqlite3_errcode(s->db), "升级数据库", "upgrading the store", err);
	}
	(void)from;
	for (int64_t i = v; i < schema_nmigrations; i++) {
		rc = exec_sql(s, schema_migrations[i], err);
		if (rc != HALL_OK) {
			store_rollback(s);
			return rc;
		}
	}
	char sql[80];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d;"
	         "PRAGMA application_id = %d;", STORE_SCHEMA_VERSION,
	         SCHEMA_APPLICATION_ID);
	rc = exec_sql(s, sql, err);
	if (rc != HALL_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

static void store_free(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nstmts; i++)
		sqlite3_finalize(s->stmts[i].st);
	sqlite3_close_v2(s->db);
	free(s);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	audit_store_closing(s);
	/* the last connection out checkpoints and removes the -wal file */
	priv_raise();
	store_free(s);
	priv_drop();
}

/* A hall store by the application_id in its file header, read through
 * SQLite's own handle of the file (never open()/close() beside SQLite: a
 * close drops the process's locks), before any page is parsed: a store
 * whose schema or tables are damaged is still known as a hall store, and
 * only a hall store is ever marked damaged (health.h). */
static bool header_is_hall(sqlite3 *db)
{
	sqlite3_file *f = NULL;
	unsigned char h[100];
	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK ||
	    !f || !f->pMethods || f->pMethods->xRead(f, h, (int)sizeof h, 0) != SQLITE_OK ||
	    memcmp(h, "SQLite format 3", 16) != 0)
		return false;
	uint32_t id = (uint32_t)h[68] << 24 | (uint32_t)h[69] << 16 |
	              (uint32_t)h[70] << 8 | (uint32_t)h[71];
	return id == (uint32_t)SCHEMA_APPLICATION_ID;
}

static int open_db(const char *path, int flags, bool readonly,
                   struct store **out, struct hall_err *err)
{
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	snprintf(s->path, sizeof s->path, "%s", path);
	s->readonly = readonly;
	int rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		int code = hall_err_set(err, HALL_EIO, NULL,
			"无法打开数据库 %s：%s", "cannot open the store %s: %s",
			path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		store_free(s);
		return code;
	}
	if (!readonly && sqlite3_db_readonly(s->db, "main") == 1) {
		store_free(s);
		return hall_err_set(err, HALL_EIO, NULL,
			"数据库 %s 是只读的：请检查文件和目录的权限（应属于 hall 组且组可写）",
			"the store %s is read-only: check the permissions of the file and its folder (group hall, group-writable)",
			path);
	}
	s->verified = header_is_hall(s->db);
	rc = configure(s, err);
	if (rc != HALL_OK) {
		if ((sqlite3_errcode(s->db) & 0xff) == SQLITE_NOTADB)
			rc = hall_err_set(err, HALL_EVERSION, NULL,
				"%s 不是营业厅数据库", "%s is not a hall store", path);
		store_free(s);
		return rc;
	}
	*out = s;
	return HALL_OK;
}

static int open_existing(const char *path, enum store_mode mode,
                         struct store **out, struct hall_err *err);

/* Opening the store is the one thing the raised group is for (priv.h):
 * the database, its -wal and -shm are opened here, with the group, and
 * kept open; the first read below opens the -wal and -shm. */
int store_open(const char *path, enum store_mode mode, struct store **out,
               struct hall_err *err)
{
	*out = NULL;
	if (!priv_raise())
		return hall_err_set(err, HALL_EPERM, NULL,
			"无法取得 hall 组权限打开数据库", "cannot take the hall group to open the store");
	struct stat sb;
	int rc;
	/* setgid for someone else: only a file of the hall group, never a
	 * file of the user's own making (one they own, whatever its group) */
	if (priv_active() && path && *path && stat(path, &sb) == 0 &&
	    (sb.st_gid != priv_group() || sb.st_uid == getuid()))
		rc = hall_err_set(err, HALL_EPERM, NULL,
			"%s 不属于 hall 组，不是本营业厅的数据库", "%s does not belong to the hall group: not this hall's store",
			path);
	else {
		/* a store known to be damaged opens read-only, damaged, with
		 * what to do (health.h): one failed open() when there is none */
		struct health_mark m;
		health_mark_read(path, &m);
		rc = open_existing(path, m.present ? STORE_RO : mode, out, err);
		if (rc == HALL_OK && m.present) {
			struct hall_err msg;
			health_damage_msg(path, m.backup, &msg);
			store_set_damaged(*out, &msg);
		}
	}
	priv_drop();
	return rc;
}

static int open_existing(const char *path, enum store_mode mode,
                         struct store **out, struct hall_err *err)
{
	struct stat sb;
	if (!path || !*path)
		return hall_err_set(err, HALL_EIO, NULL,
			"未指定数据库：请用 --db 路径，或设置 HALL_DB，或在配置文件中写 db = 路径",
			"no store given: use --db PATH, set HALL_DB, or put db = PATH in the configuration file");
	if (stat(path, &sb) != 0 && errno == ENOENT)
		return hall_err_set(err, HALL_EIO, NULL,
			"数据库 %s 不存在。新营业厅请先运行 hall init",
			"the store %s does not exist. For a new hall run hall init first",
			path);
	if (stat(path, &sb) != 0)
		return hall_err_set(err, HALL_EIO, NULL,
			"无法访问数据库 %s（%s）：请检查目录权限（应属于 hall 组），或请管理员安装 setgid 的 hall",
			"cannot reach the store %s (%s): check the folder's permissions (group hall) or ask the administrator to install hall setgid",
			path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return hall_err_set(err, HALL_EIO, NULL, "%s 不是普通文件",
		                    "%s is not a regular file", path);
	/* the effective ids decide (a setgid hall writes as its group) */
	if (mode == STORE_RW && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0)
		return hall_err_set(err, HALL_EIO, NULL,
			"数据库 %s 是只读的：请检查文件和目录的权限（应属于 hall 组且组可写）",
			"the store %s is read-only: check the permissions of the file and its folder (group hall, group-writable)",
			path);
	bool ro = mode == STORE_RO;
	struct store *s;
	int rc = open_db(path, ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
	                 ro, &s, err);
	if (rc != HALL_OK)
		return rc;
	int64_t appid = 0, version = 0;
	int src = pragma_int(s, "PRAGMA application_id", &appid);
	if (src == SQLITE_OK)
		src = pragma_int(s, "PRAGMA user_version", &version);
	if (src != SQLITE_OK) {
		rc = src == SQLITE_NOTADB
			? hall_err_set(err, HALL_EVERSION, NULL,
			               "%s 不是营业厅数据库", "%s is not a hall store", path)
			: store_error(s, src, "打开数据库", "opening the store", err);
		store_free(s);
		return rc;
	}
	if (appid != SCHEMA_APPLICATION_ID) {
		store_free(s);
		return hall_err_set(err, HALL_EVERSION, NULL,
			"%s 不是营业厅数据库", "%s is not a hall store", path);
	}
	s->verified = true;
	if (version > STORE_SCHEMA_VERSION) {
		store_free(s);
		return hall_err_set(err, HALL_EVERSION, NULL,
			"数据库 %s 来自更新版本的 hall（数据结构版本 %lld，本程序支持 %d）：请升级本程序",
			"the store %s comes from a newer hall (schema %lld, this program knows %d): upgrade this program",
			path, (long long)version, STORE_SCHEMA_VERSION);
	}
	if (version < STORE_SCHEMA_VERSION) {
		if (ro) {
			store_free(s);
			return hall_err_set(err, HALL_EVERSION, NULL,
				"数据库 %s 需要升级，请以读写方式打开一次",
				"the store %s needs an upgrade: open it once read-write", path);
		}
		rc = migrate(s, version, err);
		if (rc != HALL_OK) {
			store_free(s);
			return rc;
		}
	}
	rc = load_meta(s, err);
	if (rc != HALL_OK) {
		store_free(s);
		return rc;
	}
	*out = s;
	return HALL_OK;
}

static bool valid_hall_code(const char *c)
{
	if (!c || strlen(c) != 3)
		return false;
	for (int i = 0; i < 3; i++)
		if (c[i] < '0' || c[i] > '9')
			return false;
	return true;
}

int store_create(const char *path, const char *hall_code,
                 const char *hall_name, struct store **out,
                 struct hall_err *err)
{
	*out = NULL;
	if (!valid_hall_code(hall_code))
		return hall_err_set(err, HALL_EINVAL, "hall",
			"营业厅编码：应为3位数字（户号和单据号的前缀）",
			"hall code: must be 3 digits (the prefix of account and record numbers)");
	size_t nchars = hall_name ? utf8_chars(hall_name) : 0;
	if (!hall_name || !utf8_valid(hall_name, strlen(hall_name)) || nchars < 1 ||
	    nchars > 60 || utf8_has_control(hall_name, false))
		return hall_err_set(err, HALL_EINVAL, "name",
			"营业厅名称：应为1至60个字符，不含控制字符",
			"hall name: 1 to 60 characters, no control characters");
	struct stat sb;
	if (lstat(path, &sb) == 0)
		return hall_err_set(err, HALL_EEXIST, NULL,
			"%s 已存在，不会覆盖", "%s already exists; it is not overwritten",
			path);
	/* O_EXCL: two administrators creating the same store cannot both
	 * win.  The descriptor is closed before SQLite opens the file. */
	/* 660 whatever the umask: the counters share it through the group */
	mode_t old_mask = umask(007);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
	umask(old_mask);
	if (fd < 0)
		return hall_err_set(err, errno == EEXIST ? HALL_EEXIST : HALL_EIO, NULL,
			"无法创建 %s：%s", "cannot create %s: %s",
			path, strerror(errno));
	close(fd);
	struct store *s;
	int rc = open_db(path, SQLITE_OPEN_READWRITE, false, &s, err);
	if (rc != HALL_OK)
		return rc;
	s->verified = true;          /* ours: created right here */
	rc = migrate(s, 0, err);
	if (rc == HALL_OK)
		rc = store_begin(s, err);
	if (rc == HALL_OK) {
		char now[21];
		store_now_utc(now);
		if ((rc = store_meta_set(s, "hall_code", hall_code, err)) == HALL_OK &&
		    (rc = store_meta_set(s, "hall_name", hall_name, err)) == HALL_OK &&
		    (rc = store_meta_set(s, "epoch", "1", err)) == HALL_OK &&
		    (rc = store_meta_set(s, "created_at", now, err)) == HALL_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	if (rc == HALL_OK)
		rc = load_meta(s, err);
	if (rc != HALL_OK) {
		store_free(s);
		unlink(path);
		return rc;
	}
	*out = s;
	return HALL_OK;
}
