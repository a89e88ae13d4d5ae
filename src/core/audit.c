/* audit.c - the hash-chained audit log (see audit.h). */
#include "hall/audit.h"
#include "hall/priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hall/customer.h"
#include "hall/ident.h"
#include "hall/sha256.h"
#include "hall/utf8.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define KIND_MAX 48

/* ------------------------------------------------------------- hashing */

static void hash_field(struct sha256 *c, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof len, "%zu:", n);
	sha256_update(c, len, (size_t)k);
	sha256_update(c, s, n);
	sha256_update(c, "\n", 1);
}

static void hash_int(struct sha256 *c, int64_t v, bool present)
{
	char num[24] = "";
	if (present)
		snprintf(num, sizeof num, "%" PRId64, v);
	hash_field(c, num);
}

void audit_row_hash(const struct audit_row *r, char out[65])
{
	struct sha256 c;
	unsigned char d[SHA256_LEN];
	sha256_init(&c);
	sha256_update(&c, "hall-audit-1\n", 13);
	hash_int(&c, r->id, true);
	hash_field(&c, r->hall);
	hash_int(&c, r->epoch, true);
	hash_field(&c, r->at);
	hash_field(&c, r->staff_id);
	hash_int(&c, r->counter, r->counter > 0);
	hash_int(&c, r->uid, r->uid >= 0);
	hash_field(&c, r->kind);
	hash_field(&c, r->target);
	hash_field(&c, r->detail);
	hash_int(&c, r->journal_seq, r->journal_seq > 0);
	hash_field(&c, r->prev_hash);
	sha256_final(&c, d);
	sha256_hex(d, out);
}

/* ------------------------------------------------------------- append */

static int bind_opt_text(sqlite3_stmt *st, int i, const char *v)
{
	return v && *v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC)
	               : sqlite3_bind_null(st, i);
}

/* The store's own chain.  At a hall: the whole table, sqlite_sequence
 * keeping the highest id ever taken.  At a central store every hall's
 * rows meet, keyed (hall, id): its own chain is the rows of its own hall
 * code, and its seq row 'audit' keeps the highest id it ever took. */
#define CHAIN_HALL_HEAD \
	"SELECT coalesce((SELECT max(id) FROM audit), 0)," \
	" (SELECT hash FROM audit ORDER BY id DESC LIMIT 1)," \
	" coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0)"
#define CHAIN_CENTRAL_HEAD \
	"SELECT coalesce((SELECT max(id) FROM audit WHERE hall = ?1), 0)," \
	" (SELECT hash FROM audit WHERE hall = ?1 ORDER BY id DESC LIMIT 1)," \
	" coalesce((SELECT value FROM seq WHERE name = 'audit'), 0)"

/* Append r (every field but id, prev_hash, hash) in the open transaction;
 * *id_out gets the new id, *rowid_out its rowid (the same at a hall). */
static int append(struct store *s, struct audit_row *r, int64_t *id_out,
                  int64_t *rowid_out, struct hall_err *err)
{
	bool central = store_is_central(s);
	sqlite3_stmt *st = store_stmt(s, central ? CHAIN_CENTRAL_HEAD : CHAIN_HALL_HEAD, err);
	if (!st)
		return err ? err->code : HALL_EDB;
	if (central)
		sqlite3_bind_text(st, 1, store_hall_code(s), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_error(s, rc, "写审计日志", "writing the audit log", err);
	}
	int64_t last = sqlite3_column_int64(st, 0);
	int64_t seq = sqlite3_column_int64(st, 2);
	char prev[65];
	const char *h = (const char *)sqlite3_column_text(st, 1);
	snprintf(prev, sizeof prev, "%s", h ? h : ZERO_HASH);
	sqlite3_reset(st);

	/* a gap left by deleted rows stays a gap: verify keeps seeing it */
	r->id = (last > seq ? last : seq) + 1;
	r->prev_hash = prev;
	char hash[65];
	audit_row_hash(r, hash);
	r->hash = hash;

	st = store_stmt(s,
		"INSERT INTO audit(id, hall, epoch, at, staff_id, counter, uid, kind,"
		" target, detail, journal_seq, prev_hash, hash)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, r->hall, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->epoch);
	sqlite3_bind_text(st, 4, r->at, -1, SQLITE_STATIC);
	bind_opt_text(st, 5, r->staff_id);
	if (r->counter > 0)
		sqlite3_bind_int(st, 6, r->counter);
	if (r->uid >= 0)
		sqlite3_bind_int64(st, 7, r->uid);
	sqlite3_bind_text(st, 8, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r->detail, -1, SQLITE_STATIC);
	if (r->journal_seq > 0)
		sqlite3_bind_int64(st, 11, r->journal_seq);
	sqlite3_bind_text(st, 12, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	r->prev_hash = r->hash = "";
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "写审计日志", "writing the audit log", err);
	int64_t rowid = sqlite3_last_insert_rowid(store_db(s));
	if (central) {
		st = store_stmt(s, "INSERT INTO seq(name, value) VALUES ('audit', ?1)"
		                   " ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)", err);
		if (!st)
			return err ? err->code : HALL_EDB;
		sqlite3_bind_int64(st, 1, r->id);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_error(s, rc, "写审计日志", "writing the audit log", err);
	}
	if (id_out)
		*id_out = r->id;
	if (rowid_out)
		*rowid_out = rowid;
	return HALL_OK;
}

static void row_init(struct store *s, struct audit_row *r, char at[21])
{
	memset(r, 0, sizeof *r);
	store_now_utc(at);
	r->hall = store_hall_code(s);
	r->epoch = store_epoch(s);
	r->at = at;
	r->staff_id = "";
	r->uid = (int64_t)getuid();
	r->target = r->detail = "";
}

/* An audit_log row with its journal entry, in the open transaction. */
static int log_in_txn(struct store *s, struct audit_row *r,
                      struct hall_err *err)
{
	int64_t rowid = 0;
	int rc = append(s, r, NULL, &rowid, err);
	if (rc != HALL_OK)
		return rc;
	char jkind[KIND_MAX + 8];
	snprintf(jkind, sizeof jkind, "audit.%s", r->kind);
	return store_journal_row(s, jkind, "audit", rowid,
	                         r->staff_id[0] ? r->staff_id : NULL, r->counter,
	                         err);
}

static bool valid_kind(const char *kind)
{
	size_t n = kind ? strlen(kind) : 0;
	if (n < 1 || n > KIND_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((kind[i] >= 'a' && kind[i] <= 'z') || kind[i] == '.' ||
		      kind[i] == '_' || (kind[i] >= '0' && kind[i] <= '9')))
			return false;
	return true;
}

int audit_log(struct store *s, const struct hall_actor *actor,
              const char *staff_id, const char *kind, const char *target,
              const char *detail, struct hall_err *err)
{
	if (!valid_kind(kind))
		return hall_err_set(err, HALL_EINVAL, NULL,
			"内部错误：审计类别 %s 不合规", "internal error: bad audit kind %s",
			kind ? kind : "(null)");
	char at[21], tgt[AUDIT_TARGET_MAX + 1], det[AUDIT_DETAIL_MAX + 1];
	struct audit_row r;
	row_init(s, &r, at);
	r.kind = kind;
	if (actor) {
		r.staff_id = actor->user.id;
		r.counter = actor->counter;
	} else if (staff_id) {
		r.staff_id = staff_id;
	}
	/* hostile text (a typed login id, a file name) is stored cleaned */
	utf8_sanitize(tgt, sizeof tgt, target ? target : "", false);
	utf8_sanitize(det, sizeof det, detail ? detail : "", false);
	r.target = tgt;
	r.detail = det;
	bool own = sqlite3_get_autocommit(store_db(s)) != 0;
	int rc = own ? store_begin(s, err) : HALL_OK;
	if (rc != HALL_OK)
		return rc;
	rc = log_in_txn(s, &r, err);
	if (!own)
		return rc;
	if (rc != HALL_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int audit_journal_entry(struct store *s, int64_t seq, const char *kind,
                        const char *table, int64_t rowid,
                        const char *staff_id, int counter, const char *at,
                        const char *payload, struct hall_err *err)
{
	struct audit_row r;
	char now[21], target[AUDIT_TARGET_MAX + 1];
	char detail[8 + SHA256_HEX_LEN + 1], hex[SHA256_HEX_LEN + 1];
	unsigned char d[SHA256_LEN];
	row_init(s, &r, now);
	if (at)
		r.at = at;
	r.kind = kind;
	r.staff_id = staff_id ? staff_id : "";
	r.counter = counter;
	r.journal_seq = seq;
	snprintf(target, sizeof target, "%s:%" PRId64, table, rowid);
	r.target = target;
	sha256(payload, strlen(payload), d);
	sha256_hex(d, hex);
	snprintf(detail, sizeof detail, "sha256:%s", hex);
	r.detail = detail;
	return append(s, &r, NULL, NULL, err);
}

/* ------------------------------------------------------------- logins */

static struct store *defer_store;

static struct {
	struct store *s;            /* NULL: no login waiting */
	bool in_txn;                /* written into the open transaction */
	const char *kind;           /* "login" or "login.session" */
	char at[21];
	char staff_id[AUTH_ID_MAX + 1];
	char target[AUDIT_TARGET_MAX + 1];
	char detail[AUDIT_DETAIL_MAX + 1];
	int64_t uid;
} pending;

void audit_defer_logins(struct store *s, bool on)
{
	if (on)
		defer_store = s;
	else if (defer_store == s)
		defer_store = NULL;
}

static void login_detail(const char *detail, char *out, size_t outsz)
{
	const char *tty = isatty(STDIN_FILENO) ? ttyname(STDIN_FILENO) : NULL;
	snprintf(out, outsz, "%s%s%s%s", detail && *detail ? detail : "",
	         detail && *detail && tty ? " " : "", tty ? "tty=" : "",
	         tty ? tty : "");
}

int audit_login(struct store *s, const char *kind, const char *staff_id,
                const char *typed, const char *detail, struct hall_err *err)
{
	if (store_readonly(s))
		return HALL_OK;
	char det[AUDIT_DETAIL_MAX + 1];
	login_detail(detail, det, sizeof det);
	bool deferrable = strcmp(kind, "login") == 0 || strcmp(kind, "login.session") == 0;
	if (defer_store == s && !pending.s && deferrable &&
	    sqlite3_get_autocommit(store_db(s))) {
		pending.s = s;
		pending.in_txn = false;
		pending.kind = strcmp(kind, "login") == 0 ? "login" : "login.session";
		store_now_utc(pending.at);
		snprintf(pending.staff_id, sizeof pending.staff_id, "%s",
		         staff_id ? staff_id : "");
		utf8_sanitize(pending.target, sizeof pending.target,
		              typed ? typed : "", false);
		utf8_sanitize(pending.detail, sizeof pending.detail, det, false);
		pending.uid = (int64_t)getuid();
		return HALL_OK;
	}
	return audit_log(s, NULL, staff_id, kind, typed, det, err);
}

void audit_txn_begin(struct store *s)
{
	if (pending.s != s || pending.in_txn)
		return;
	sqlite3 *db = store_db(s);
	if (sqlite3_exec(db, "SAVEPOINT audit_login", NULL, NULL, NULL) != SQLITE_OK)
		return;
	struct audit_row r;
	char now[21];
	row_init(s, &r, now);
	r.at = pending.at;
	r.kind = pending.kind;
	r.staff_id = pending.staff_id;
	r.uid = pending.uid;
	r.target = pending.target;
	r.detail = pending.detail;
	int rc = log_in_txn(s, &r, NULL);
	if (rc != HALL_OK)
		sqlite3_exec(db, "ROLLBACK TO audit_login", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE audit_login", NULL, NULL, NULL);
	pending.in_txn = rc == HALL_OK;
}

void audit_txn_end(struct store *s, bool committed)
{
	if (pending.s != s || !pending.in_txn)
		return;
	if (committed)
		pending.s = NULL;
	else
		pending.in_txn = false;
}

void audit_store_closing(struct store *s)
{
	if (defer_store == s)
		defer_store = NULL;
	if (pending.s != s)
		return;
	if (!store_readonly(s) && store_begin(s, NULL) == HALL_OK) {
		if (pending.in_txn)
			store_commit(s, NULL);
		else
			store_rollback(s);
	}
	pending.s = NULL;
}

/* ------------------------------------------------------------- verify */

static const char *col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	return v ? v : "";
}

#define ROW_COLS "id, hall, epoch, at, staff_id, counter, uid, kind, target," \
                 " detail, journal_seq, prev_hash, hash"

static void row_from(sqlite3_stmt *st, struct audit_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->hall = col(st, 1);
	r->epoch = sqlite3_column_int64(st, 2);
	r->at = col(st, 3);
	r->staff_id = col(st, 4);
	r->counter = sqlite3_column_int(st, 5);
	r->uid = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 6);
	r->kind = col(st, 7);
	r->target = col(st, 8);
	r->detail = col(st, 9);
	r->journal_seq = sqlite3_column_int64(st, 10);
	r->prev_hash = col(st, 11);
	r->hash = col(st, 12);
}

static int reader_ok(const struct hall_actor *actor, const char *zh,
                     const char *en, struct hall_err *err)
{
	/* no actor: only someone with direct rights on the store file */
	if (!actor && priv_active())
		return auth_require(NULL, ROLE_MANAGER, zh, en, err);
	return actor ? auth_require(actor, ROLE_MANAGER, zh, en, err) : HALL_OK;
}

/* Record the first bad row; the texts take id and a (a may go unused:
 * surplus printf arguments are ignored). */
static int bad(struct audit_verify *r, int64_t id, const char *zh,
               const char *en, int64_t a)
{
	r->bad_id = id;
	hall_err_set(&r->problem, HALL_ESTATE, NULL, zh, en, (long long)id,
	             (long long)a);
	return HALL_OK;
}

/* The journal entry behind row r still has the payload that was hashed. */
static int check_journal(struct store *s, const struct audit_row *r,
                         int *verdict, struct hall_err *err)
{
	/* at a central, the entry of its own hall code and epoch */
	bool central = store_is_central(s);
	sqlite3_stmt *st = store_stmt(s, central
		? "SELECT payload FROM journal WHERE hall = ?2 AND epoch = ?3 AND seq = ?1"
		: "SELECT payload FROM journal WHERE seq = ?1", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_int64(st, 1, r->journal_seq);
	if (central) {
		sqlite3_bind_text(st, 2, r->hall, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, r->epoch);
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		*verdict = 1;        /* missing */
	} else if (rc == SQLITE_ROW) {
		const char *p = col(st, 0);
		unsigned char d[SHA256_LEN];
		char want[8 + SHA256_HEX_LEN + 1], hex[SHA256_HEX_LEN + 1];
		sha256(p, strlen(p), d);
		sha256_hex(d, hex);
		snprintf(want, sizeof want, "sha256:%s", hex);
		*verdict = strcmp(want, r->detail) == 0 ? 0 : 2;
	} else {
		sqlite3_reset(st);
		return store_error(s, rc, "核对日志", "checking the journal", err);
	}
	sqlite3_reset(st);
	return HALL_OK;
}

int audit_verify(struct store *s, const struct hall_actor *actor,
                 struct audit_verify *r, struct hall_err *err)
{
	memset(r, 0, sizeof *r);
	hall_err_clear(&r->problem);
	int rc = reader_ok(actor, "核对审计日志", "verify the audit log", err);
	if (rc != HALL_OK)
		return rc;
	sqlite3_stmt *st = NULL;
	bool central = store_is_central(s);
	/* not cached: it runs over the whole table (at a central, over its
	 * own chain: the halls' rows are their chains, verified at each hall) */
	rc = sqlite3_prepare_v2(store_db(s), central
		? "SELECT " ROW_COLS " FROM audit WHERE hall = ?1 ORDER BY id"
		: "SELECT " ROW_COLS " FROM audit ORDER BY id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_error(s, rc, "读取审计日志", "reading the audit log", err);
	if (central)
		sqlite3_bind_text(st, 1, store_hall_code(s), -1, SQLITE_STATIC);
	char prev[65] = ZERO_HASH;
	int64_t expect = 1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_row a;
		row_from(st, &a);
		r->rows++;
		if (a.id != expect) {
			bad(r, expect, "审计记录 #%lld 至 #%lld 缺失（被删除）",
			    "audit entries #%lld to #%lld are missing (deleted)", a.id - 1);
			break;
		}
		if (strcmp(a.prev_hash, prev) != 0) {
			bad(r, a.id, "审计记录 #%lld 与前一条 #%lld 接不上：前一条被改写，或其间插入、删除了记录",
			    "audit entry #%lld does not follow entry #%lld: that entry was rewritten, or entries were inserted or removed between them",
			    a.id - 1);
			break;
		}
		char h[65];
		audit_row_hash(&a, h);
		if (strcmp(h, a.hash) != 0) {
			bad(r, a.id, "审计记录 #%lld 写入后被修改（散列不符）",
			    "audit entry #%lld was changed after it was written (hash mismatch)", 0);
			break;
		}
		if (a.journal_seq > 0) {
			int verdict = 0, jrc = check_journal(s, &a, &verdict, err);
			if (jrc != HALL_OK) {
				sqlite3_finalize(st);
				return jrc;
			}
			if (verdict == 1) {
				bad(r, a.id, "审计记录 #%lld 所记的日志条目 #%lld 已被删除",
				    "the journal entry behind audit entry #%lld (journal #%lld) was deleted",
				    a.journal_seq);
				break;
			}
			if (verdict == 2) {
				bad(r, a.id, "审计记录 #%lld 所记的日志条目 #%lld 被修改",
				    "the journal entry behind audit entry #%lld (journal #%lld) was changed",
				    a.journal_seq);
				break;
			}
		}
		snprintf(prev, sizeof prev, "%s", a.hash);
		r->last_id = a.id;
		expect = a.id + 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(s, rc, "读取审计日志", "reading the audit log", err);
	if (r->bad_id)
		return HALL_OK;
	/* rows deleted at the end leave sqlite_sequence above the last id */
	st = store_stmt(s, central ? "SELECT value FROM seq WHERE name = 'audit'"
	                           : "SELECT seq FROM sqlite_sequence WHERE name = 'audit'", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	int64_t seq = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (seq > r->last_id)
		bad(r, r->last_id + 1, "审计记录 #%lld 至 #%lld 缺失（末尾被删除）",
		    "audit entries #%lld to #%lld are missing (deleted at the end)", seq);
	return HALL_OK;
}

/* --------------------------------------------------------------- show */

/* Local date d (00:00) plus days, as a stored UTC time. */
static void local_day_utc(const char *d, int days, char out[21])
{
	struct tm tm = { 0 };
	sscanf(d, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int audit_show(struct store *s, const struct hall_actor *actor,
               const struct audit_filter *f,
               void (*fn)(void *ud, const struct audit_row *r), void *ud,
               struct hall_err *err)
{
	int rc = reader_ok(actor, "查看审计日志", "see the audit log", err);
	if (rc != HALL_OK)
		return rc;
	char from[11] = "", to[11] = "", from_utc[21] = "", to_utc[21] = "";
	if (f->from && *f->from &&
	    (rc = ident_date_check(f->from, "from", from, err)) != HALL_OK)
		return rc;
	if (f->to && *f->to && (rc = ident_date_check(f->to, "to", to, err)) != HALL_OK)
		return rc;
	if (from[0])
		local_day_utc(from, 0, from_utc);
	if (to[0])
		local_day_utc(to, 1, to_utc);
	/* the store's own chain (at a central, the rows of its own code) */
	sqlite3_stmt *st = store_stmt(s,
		"SELECT " ROW_COLS " FROM audit WHERE id > ?1"
		" AND (?2 IS NULL OR staff_id = ?2)"
		" AND (?3 IS NULL OR kind = ?3 OR substr(kind, 1, length(?3) + 1) = ?3 || '.')"
		" AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5)"
		" AND (?7 IS NULL OR hall = ?7)"
		" ORDER BY id LIMIT ?6", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	if (store_is_central(s))
		sqlite3_bind_text(st, 7, store_hall_code(s), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 1, f->after_id);
	bind_opt_text(st, 2, f->staff_id);
	bind_opt_text(st, 3, f->kind);
	bind_opt_text(st, 4, from_utc);
	bind_opt_text(st, 5, to_utc);
	sqlite3_bind_int(st, 6, f->limit > 0 ? f->limit : 1000);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_row a;
		row_from(st, &a);
		fn(ud, &a);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK
	       : store_error(s, rc, "读取审计日志", "reading the audit log", err);
}

/* ------------------------------------------------------- personal data */

int audit_reveal(struct store *s, const struct hall_actor *actor,
                 const char *account_no, const char *reason,
                 struct audit_pii *out, struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	int rc = auth_require(actor, ROLE_CLERK, "查看完整证件号码",
	                      "see a full ID number", err);
	if (rc != HALL_OK)
		return rc;
	bool has_reason = reason && *reason;
	if (has_reason || actor->user.role < ROLE_MANAGER) {
		size_t n = has_reason ? utf8_chars(reason) : 0;
		if (!has_reason || !utf8_valid(reason, strlen(reason)) ||
		    utf8_has_control(reason, false) || n < AUDIT_REASON_MIN ||
		    n > AUDIT_REASON_MAX)
			return hall_err_set(err, has_reason ? HALL_EINVAL : HALL_EPERM, "reason",
				"查看原因：营业员查看完整证件号码和电话须填写原因（%d至%d个字符，不含控制字符），并记入审计日志",
				"reason: a clerk must give a reason (%d to %d characters, no control characters) to see a full ID number and phone; it is audited",
				AUDIT_REASON_MIN, AUDIT_REASON_MAX);
	}
	struct customer *c = malloc(sizeof *c);
	if (!c)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	rc = customer_get(s, account_no, c, err);
	if (rc == HALL_OK)
		rc = audit_log(s, actor, NULL, "pii.show", c->account_no,
		               has_reason ? reason : "", err);
	if (rc == HALL_OK) {
		snprintf(out->account_no, sizeof out->account_no, "%s", c->account_no);
		snprintf(out->name, sizeof out->name, "%s", c->name);
		snprintf(out->id_type, sizeof out->id_type, "%s", c->id_type);
		snprintf(out->id_number, sizeof out->id_number, "%s", c->id_number);
		snprintf(out->phone, sizeof out->phone, "%s", c->phone);
	}
	explicit_bzero(c, sizeof *c);
	free(c);
	return rc;
}
