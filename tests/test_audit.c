/* test_audit.c - the audit log: what is recorded, the hash chain and its
 * verification against every kind of tampering, filters, deferred CLI
 * logins, and the audited read of full ID numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hall/audit.h"
#include "hall/auth.h"
#include "hall/customer.h"
#include "hall/store.h"

static char dir[512];
static int nstore;

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/audit.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	return 0;
}

static int each(void **state)
{
	(void)state;
	setenv("HALL_NOW", "2026-03-02T01:00:00Z", 1);   /* 09:00 in Beijing */
	hall_lang_set(HALL_LANG_EN);
	return 0;
}

static struct hall_actor admin, manager, clerk;

static void actor_of(struct hall_actor *a, const char *id, enum hall_role r)
{
	memset(a, 0, sizeof *a);
	snprintf(a->user.id, sizeof a->user.id, "%s", id);
	snprintf(a->user.name, sizeof a->user.name, "user %s", id);
	a->user.role = r;
	a->user.active = true;
	a->counter = 3;
}

/* A store with an admin 0001, a manager 9001, a clerk 1001 (password
 * demo1234) and one customer. */
static struct store *fresh(char *path, size_t n)
{
	snprintf(path, n, "%s/s%d.db", dir, ++nstore);
	struct store *s;
	struct hall_err e;
	if (store_create(path, "001", "鼓楼供电营业厅", &s, &e) != HALL_OK)
		fail_msg("%s", e.en);
	actor_of(&admin, "0001", ROLE_ADMIN);
	actor_of(&manager, "9001", ROLE_MANAGER);
	actor_of(&clerk, "1001", ROLE_CLERK);
	assert_int_equal(auth_user_add(s, NULL, "0001", "管理员", ROLE_ADMIN, "demo1234", &e), HALL_OK);
	assert_int_equal(auth_user_add(s, &admin, "9001", "主任", ROLE_MANAGER, "demo1234", &e), HALL_OK);
	assert_int_equal(auth_user_add(s, &admin, "1001", "张敏", ROLE_CLERK, "demo1234", &e), HALL_OK);
	struct customer c = { 0 };
	snprintf(c.account_no, sizeof c.account_no, "0010000001");
	snprintf(c.name, sizeof c.name, "王建国");
	snprintf(c.id_type, sizeof c.id_type, "resident_id");
	snprintf(c.id_number, sizeof c.id_number, "11010519491231002X");
	snprintf(c.phone, sizeof c.phone, "13800138000");
	snprintf(c.address, sizeof c.address, "福州市鼓楼区华林路88号");
	snprintf(c.category, sizeof c.category, "residential");
	snprintf(c.voltage, sizeof c.voltage, "220v");
	c.capacity = 8;
	snprintf(c.tariff_form, sizeof c.tariff_form, "single");
	snprintf(c.status, sizeof c.status, "normal");
	assert_int_equal(store_begin(s, &e), HALL_OK);
	if (customer_upsert(s, &c, NULL, &e) != HALL_OK)
		fail_msg("%s", e.en);
	assert_int_equal(store_commit(s, &e), HALL_OK);
	return s;
}

static int64_t one_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void one_text(struct store *s, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *v = (const char *)sqlite3_column_text(st, 0);
	snprintf(out, n, "%s", v ? v : "");
	sqlite3_finalize(st);
}

static void sql(struct store *s, const char *q)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(s), q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg);
}

static int64_t verify_bad(struct store *s, struct audit_verify *r)
{
	struct hall_err e;
	if (audit_verify(s, NULL, r, &e) != HALL_OK)
		fail_msg("verify: %s", e.en);
	return r->bad_id;
}

/* -------------------------------------------------------------- hashing */

static void test_row_hash_covers_every_field(void **state)
{
	(void)state;
	struct audit_row r = { .id = 7, .hall = "001", .epoch = 1,
		.at = "2026-03-02T01:00:00Z", .staff_id = "1001", .counter = 3,
		.uid = 1000, .kind = "login", .target = "1001", .detail = "tty=/dev/pts/1",
		.journal_seq = 0, .prev_hash = "ab" };
	char base[65], h[65];
	audit_row_hash(&r, base);
	assert_int_equal(strlen(base), 64);
	audit_row_hash(&r, h);
	assert_string_equal(h, base);          /* deterministic */
	struct audit_row v;
#define CHANGED(stmt) do { v = r; stmt; audit_row_hash(&v, h); \
	if (strcmp(h, base) == 0) fail_msg("hash ignores: %s", #stmt); } while (0)
	CHANGED(v.id = 8);
	CHANGED(v.hall = "002");
	CHANGED(v.epoch = 2);
	CHANGED(v.at = "2026-03-02T01:00:01Z");
	CHANGED(v.staff_id = "1002");
	CHANGED(v.counter = 4);
	CHANGED(v.counter = 0);
	CHANGED(v.uid = 0);
	CHANGED(v.uid = -1);
	CHANGED(v.kind = "logout");
	CHANGED(v.target = "1001 ");
	CHANGED(v.detail = "");
	CHANGED(v.journal_seq = 5);
	CHANGED(v.prev_hash = "ac");
	/* length prefixes: moving a byte between fields changes the hash */
	CHANGED((v.staff_id = "100", v.target = "11001"));
#undef CHANGED
}

/* ---------------------------------------------------------- recording */

static void test_journal_entries_are_audited(void **state)
{
	(void)state;
	char p[600], v[200];
	struct store *s = fresh(p, sizeof p);
	/* three staff.add journal entries, each with its audit row */
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal WHERE tbl <> 'audit'"),
	                 one_int(s, "SELECT count(*) FROM audit WHERE journal_seq IS NOT NULL"));
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'staff.add'"), 3);
	one_text(s, "SELECT a.target || '|' || a.staff_id || '|' || (a.detail LIKE 'sha256:%')"
	            " FROM audit a WHERE kind = 'staff.add' ORDER BY id DESC LIMIT 1", v, sizeof v);
	assert_string_equal(v, "staff:3|0001|1");
	/* the audit row hashes the journal payload */
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit a JOIN journal j ON j.seq = a.journal_seq"
	                            " WHERE a.at = j.at AND a.kind = j.kind"), 3);
	store_close(s);
}

static void test_uid_recorded(void **state)
{
	(void)state;
	char p[600], q[100];
	struct store *s = fresh(p, sizeof p);
	snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE uid = %d", (int)getuid());
	assert_int_equal(one_int(s, q), one_int(s, "SELECT count(*) FROM audit"));
	store_close(s);
}

static void test_logins_are_audited(void **state)
{
	(void)state;
	char p[600], v[300];
	struct store *s = fresh(p, sizeof p);
	struct hall_user u;
	struct hall_err e;
	assert_int_equal(auth_login(s, "1001", "demo1234", &u, &e), HALL_OK);
	assert_int_equal(auth_login(s, "1001", "wrong-pass", &u, &e), HALL_EAUTH);
	assert_int_equal(auth_login(s, "nobody", "demo1234", &u, &e), HALL_EAUTH);
	assert_int_equal(auth_login(s, "1001", "demo1234", &u, &e), HALL_OK);
	one_text(s, "SELECT group_concat(kind || ':' || coalesce(staff_id, '-') || ':' || target || ':' || detail, ',')"
	            " FROM (SELECT * FROM audit WHERE kind LIKE 'login%' ORDER BY id)", v, sizeof v);
	assert_string_equal(v, "login:1001:1001:,login.fail:1001:1001:wrong password,"
	                       "login.fail:-:nobody:unknown id,login:1001:1001:");
	/* each has its journal entry, table audit, carrying the row */
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal WHERE tbl = 'audit' AND kind LIKE 'audit.login%'"), 4);
	one_text(s, "SELECT json_extract(payload, '$.hash') = (SELECT hash FROM audit WHERE id = j.row_id)"
	            " FROM journal j WHERE kind = 'audit.login.fail' LIMIT 1", v, sizeof v);
	assert_string_equal(v, "1");
	actor_of(&clerk, "1001", ROLE_CLERK);
	assert_int_equal(auth_logout(s, &clerk, &e), HALL_OK);
	one_text(s, "SELECT kind || ':' || staff_id || ':' || counter FROM audit ORDER BY id DESC LIMIT 1", v, sizeof v);
	assert_string_equal(v, "logout:1001:3");
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 0);
	store_close(s);
}

static void test_lockout_is_audited(void **state)
{
	(void)state;
	char p[600], v[300];
	struct store *s = fresh(p, sizeof p);
	struct hall_user u;
	struct hall_err e;
	for (int i = 0; i < 5; i++)
		assert_int_equal(auth_login(s, "1001", "wrong-pass", &u, &e), HALL_EAUTH);
	assert_int_equal(auth_login(s, "1001", "demo1234", &u, &e), HALL_EAUTH);
	one_text(s, "SELECT group_concat(detail, ',') FROM (SELECT detail FROM audit"
	            " WHERE kind LIKE 'login%' ORDER BY id DESC LIMIT 2)", v, sizeof v);
	assert_string_equal(v, "account locked,wrong password; account locked");
	one_text(s, "SELECT kind FROM audit ORDER BY id DESC LIMIT 1", v, sizeof v);
	assert_string_equal(v, "login.locked");
	store_close(s);
}

/* A typed id can hold anything: it is stored cleaned. */
static void test_hostile_login_id_is_cleaned(void **state)
{
	(void)state;
	char p[600], v[300];
	struct store *s = fresh(p, sizeof p);
	struct hall_user u;
	struct hall_err e;
	assert_int_equal(auth_login(s, "\x1b]0;pwned\x07\x1b[2J%s%n\xff", "x", &u, &e), HALL_EAUTH);
	one_text(s, "SELECT target FROM audit ORDER BY id DESC LIMIT 1", v, sizeof v);
	assert_null(strchr(v, '\x1b'));
	assert_null(strchr(v, '\x07'));
	assert_non_null(strstr(v, "]0;pwned"));
	assert_non_null(strstr(v, "%s%n"));
	assert_non_null(strstr(v, "\xef\xbf\xbd"));      /* U+FFFD */
	char big[5000];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(auth_login(s, big, "x", &u, &e), HALL_EAUTH);
	assert_true(one_int(s, "SELECT length(target) FROM audit ORDER BY id DESC LIMIT 1") <= AUDIT_TARGET_MAX);
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 0);
	store_close(s);
}

static void test_deferred_login(void **state)
{
	(void)state;
	char p[600];
	struct store *s = fresh(p, sizeof p);
	struct hall_user u;
	struct hall_err e;
	int64_t n0 = one_int(s, "SELECT count(*) FROM audit");
	audit_defer_logins(s, true);
	assert_int_equal(auth_login(s, "1001", "demo1234", &u, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit"), n0);   /* not yet */
	/* a write that rolls back takes the login row with it, and gives it back */
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit"), n0 + 1);
	store_rollback(s);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit"), n0);
	/* the next write that commits carries it, first */
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(store_meta_set(s, "x", "y", &e), HALL_OK);
	assert_int_equal(store_commit(s, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'login'"), 1);
	/* a failed login is never deferred */
	assert_int_equal(auth_login(s, "1001", "wrong-pass", &u, &e), HALL_EAUTH);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'login.fail'"), 1);
	/* a login with no write after it is written when the store closes */
	assert_int_equal(auth_login(s, "9001", "demo1234", &u, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE staff_id = '9001' AND kind = 'login'"), 0);
	store_close(s);
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE staff_id = '9001' AND kind = 'login'"), 1);
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 0);
	store_close(s);
}

/* An audit row written inside a transaction goes with it. */
static void test_audit_log_in_transaction(void **state)
{
	(void)state;
	char p[600];
	struct store *s = fresh(p, sizeof p);
	struct hall_err e;
	int64_t n0 = one_int(s, "SELECT count(*) FROM audit");
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(audit_log(s, &manager, NULL, "export", "/tmp/x.xlsx", "daily", &e), HALL_OK);
	store_rollback(s);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit"), n0);
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal WHERE tbl = 'audit'"), 0);
	assert_int_equal(audit_log(s, &manager, NULL, "export", "/tmp/x.xlsx", "daily", &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit"), n0 + 1);
	assert_int_equal(audit_log(s, &manager, NULL, "Bad Kind", "", "", &e), HALL_EINVAL);
	assert_int_equal(audit_log(s, &manager, NULL, "", "", "", &e), HALL_EINVAL);
	store_close(s);
}

/* ---------------------------------------------------------- tampering */

static void test_triggers_refuse_changes(void **state)
{
	(void)state;
	char p[600];
	struct store *s = fresh(p, sizeof p);
	assert_int_not_equal(sqlite3_exec(store_db(s), "UPDATE audit SET detail = 'x' WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(store_db(s), "DELETE FROM audit WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	store_close(s);
}

/* A store with 10 audit rows (3 staff.add, 7 logins/exports). */
static struct store *ten_rows(char *p, size_t n)
{
	struct store *s = fresh(p, n);
	struct hall_err e;
	while (one_int(s, "SELECT count(*) FROM audit") < 10)
		assert_int_equal(audit_log(s, &clerk, NULL, "export", "f.xlsx", "", &e), HALL_OK);
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 0);
	assert_int_equal(r.rows, 10);
	assert_int_equal(r.last_id, 10);
	return s;
}

static void test_verify_edited_row(void **state)
{
	(void)state;
	char p[600];
	struct store *s = ten_rows(p, sizeof p);
	sql(s, "DROP TRIGGER audit_no_update; UPDATE audit SET staff_id = '9001' WHERE id = 5");
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 5);
	assert_non_null(strstr(r.problem.en, "#5"));
	assert_non_null(strstr(r.problem.en, "changed"));
	assert_non_null(strstr(r.problem.zh, "#5"));
	store_close(s);
}

static void test_verify_edited_row_rehashed(void **state)
{
	(void)state;
	char p[600], q[300];
	struct store *s = ten_rows(p, sizeof p);
	/* the forger recomputes row 5's own hash: row 6 no longer follows */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), "SELECT id, hall, epoch, at, staff_id, counter, uid, kind,"
		" target, detail, journal_seq, prev_hash FROM audit WHERE id = 5", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	struct audit_row a = { .id = 5, .hall = (const char *)sqlite3_column_text(st, 1),
		.epoch = sqlite3_column_int64(st, 2), .at = (const char *)sqlite3_column_text(st, 3),
		.staff_id = "9001", .counter = sqlite3_column_int(st, 5),
		.uid = sqlite3_column_int64(st, 6), .kind = (const char *)sqlite3_column_text(st, 7),
		.target = (const char *)sqlite3_column_text(st, 8),
		.detail = (const char *)sqlite3_column_text(st, 9),
		.journal_seq = sqlite3_column_int64(st, 10),
		.prev_hash = (const char *)sqlite3_column_text(st, 11) };
	char h[65];
	audit_row_hash(&a, h);
	sqlite3_finalize(st);
	snprintf(q, sizeof q, "DROP TRIGGER audit_no_update;"
	         " UPDATE audit SET staff_id = '9001', hash = '%s' WHERE id = 5", h);
	sql(s, q);
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 6);
	assert_non_null(strstr(r.problem.en, "#6 does not follow entry #5"));
	store_close(s);
}

static void test_verify_deleted_row(void **state)
{
	(void)state;
	char p[600];
	struct store *s = ten_rows(p, sizeof p);
	sql(s, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 4");
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 4);
	assert_non_null(strstr(r.problem.en, "#4 to #4 are missing"));
	store_close(s);
}

static void test_verify_deleted_first_and_last(void **state)
{
	(void)state;
	char p[600];
	struct store *s = ten_rows(p, sizeof p);
	sql(s, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id >= 9");
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 9);
	assert_non_null(strstr(r.problem.en, "#9 to #10"));
	/* the gap stays visible after the next append */
	struct hall_err e;
	assert_int_equal(audit_log(s, &clerk, NULL, "export", "g.xlsx", "", &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT max(id) FROM audit"), 11);
	assert_int_equal(verify_bad(s, &r), 9);
	store_close(s);

	s = ten_rows(p, sizeof p);
	sql(s, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 1");
	assert_int_equal(verify_bad(s, &r), 1);
	store_close(s);
}

static void test_verify_inserted_row(void **state)
{
	(void)state;
	char p[600];
	struct store *s = ten_rows(p, sizeof p);
	/* shift rows 6.. up by one and insert a forged row 6 */
	sql(s, "DROP TRIGGER audit_no_update;"
	       " UPDATE audit SET id = id + 1000 WHERE id >= 6;"
	       " UPDATE audit SET id = id - 999 WHERE id >= 1000;"
	       " INSERT INTO audit(id, hall, epoch, at, kind, prev_hash, hash)"
	       "  SELECT 6, hall, epoch, at, 'export', hash, hash FROM audit WHERE id = 5");
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 6);
	store_close(s);

	/* appended at the end with a made-up hash */
	s = ten_rows(p, sizeof p);
	sql(s, "INSERT INTO audit(id, hall, epoch, at, kind, prev_hash, hash)"
	       " SELECT 11, hall, epoch, at, 'export', hash, 'feed' FROM audit WHERE id = 10");
	assert_int_equal(verify_bad(s, &r), 11);
	store_close(s);
}

static void test_verify_journal_tampering(void **state)
{
	(void)state;
	char p[600];
	struct store *s = ten_rows(p, sizeof p);
	sql(s, "DROP TRIGGER journal_no_update;"
	       " UPDATE journal SET payload = replace(payload, '张敏', '李四') WHERE kind = 'staff.add'");
	struct audit_verify r;
	assert_int_equal(verify_bad(s, &r), 3);
	assert_non_null(strstr(r.problem.en, "journal"));
	assert_non_null(strstr(r.problem.en, "changed"));
	store_close(s);

	s = ten_rows(p, sizeof p);
	sql(s, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 2");
	assert_int_equal(verify_bad(s, &r), 2);
	assert_non_null(strstr(r.problem.en, "deleted"));
	store_close(s);
}

/* --------------------------------------------------------------- show */

struct collect {
	int n;
	char ids[512];
};

static void collect_row(void *ud, const struct audit_row *r)
{
	struct collect *c = ud;
	size_t len = strlen(c->ids);
	snprintf(c->ids + len, sizeof c->ids - len, "%s%s", c->n++ ? "," : "", r->kind);
}

static void test_show_filters(void **state)
{
	(void)state;
	char p[600];
	struct store *s = fresh(p, sizeof p);
	struct hall_user u;
	struct hall_err e;
	setenv("HALL_NOW", "2026-03-02T17:00:00Z", 1);   /* 01:00 on 03-03 local */
	assert_int_equal(auth_login(s, "1001", "demo1234", &u, &e), HALL_OK);
	assert_int_equal(auth_login(s, "1001", "bad-password", &u, &e), HALL_EAUTH);
	setenv("HALL_NOW", "2026-03-04T03:00:00Z", 1);
	assert_int_equal(audit_log(s, &manager, NULL, "export", "x.xlsx", "", &e), HALL_OK);

	struct collect c = { 0 };
	struct audit_filter f = { .kind = "login" };
	assert_int_equal(audit_show(s, NULL, &f, collect_row, &c, &e), HALL_OK);
	assert_string_equal(c.ids, "login,login.fail");
	memset(&c, 0, sizeof c);
	f = (struct audit_filter){ .kind = "login.fail" };
	assert_int_equal(audit_show(s, &manager, &f, collect_row, &c, &e), HALL_OK);
	assert_string_equal(c.ids, "login.fail");
	memset(&c, 0, sizeof c);
	f = (struct audit_filter){ .kind = "log" };     /* a prefix must end at a '.' */
	assert_int_equal(audit_show(s, NULL, &f, collect_row, &c, &e), HALL_OK);
	assert_int_equal(c.n, 0);
	memset(&c, 0, sizeof c);
	f = (struct audit_filter){ .staff_id = "9001" };
	assert_int_equal(audit_show(s, NULL, &f, collect_row, &c, &e), HALL_OK);
	assert_string_equal(c.ids, "export");     /* 9001 was added by 0001 */
	/* local dates: 03-02 09:00 staff adds; 03-03 01:00 logins; 03-04 export */
	memset(&c, 0, sizeof c);
	f = (struct audit_filter){ .from = "2026-03-03", .to = "2026-03-03" };
	assert_int_equal(audit_show(s, NULL, &f, collect_row, &c, &e), HALL_OK);
	assert_string_equal(c.ids, "login,login.fail");
	memset(&c, 0, sizeof c);
	f = (struct audit_filter){ .to = "2026-03-02" };
	assert_int_equal(audit_show(s, NULL, &f, collect_row, &c, &e), HALL_OK);
	assert_string_equal(c.ids, "staff.add,staff.add,staff.add");
	memset(&c, 0, sizeof c);
	f = (struct audit_filter){ .after_id = 1, .limit = 2 };
	assert_int_equal(audit_show(s, NULL, &f, collect_row, &c, &e), HALL_OK);
	assert_string_equal(c.ids, "staff.add,staff.add");
	/* bad dates, and a clerk, are refused */
	f = (struct audit_filter){ .from = "2026-02-30" };
	assert_int_equal(audit_show(s, NULL, &f, collect_row, &c, &e), HALL_EINVAL);
	assert_string_equal(e.field, "from");
	f = (struct audit_filter){ 0 };
	assert_int_equal(audit_show(s, &clerk, &f, collect_row, &c, &e), HALL_EPERM);
	struct audit_verify r;
	assert_int_equal(audit_verify(s, &clerk, &r, &e), HALL_EPERM);
	store_close(s);
}

/* ------------------------------------------------------- personal data */

static void test_reveal(void **state)
{
	(void)state;
	char p[600], v[300];
	struct store *s = fresh(p, sizeof p);
	struct audit_pii pii;
	struct hall_err e;
	int64_t n0 = one_int(s, "SELECT count(*) FROM audit");
	/* a clerk without a reason: refused, nothing recorded, nothing shown */
	assert_int_equal(audit_reveal(s, &clerk, "0010000001", NULL, &pii, &e), HALL_EPERM);
	assert_string_equal(e.field, "reason");
	assert_string_equal(pii.id_number, "");
	assert_int_equal(audit_reveal(s, &clerk, "0010000001", "x", &pii, &e), HALL_EINVAL);
	assert_int_equal(audit_reveal(s, &clerk, "0010000001", "核对\x1b[2J身份", &pii, &e), HALL_EINVAL);
	assert_int_equal(audit_reveal(s, NULL, "0010000001", "核对身份", &pii, &e), HALL_EPERM);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit"), n0);
	/* with a reason: shown and recorded, without the number */
	assert_int_equal(audit_reveal(s, &clerk, "0010000001", "客户办理过户核对身份", &pii, &e), HALL_OK);
	assert_string_equal(pii.id_number, "11010519491231002X");
	assert_string_equal(pii.phone, "13800138000");
	one_text(s, "SELECT kind || '|' || staff_id || '|' || counter || '|' || target || '|' || detail"
	            " FROM audit ORDER BY id DESC LIMIT 1", v, sizeof v);
	assert_string_equal(v, "pii.show|1001|3|0010000001|客户办理过户核对身份");
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE detail LIKE '%1101051949%'"
	                            " OR target LIKE '%1101051949%'"), 0);
	/* a manager needs no reason */
	assert_int_equal(audit_reveal(s, &manager, "0010000001", NULL, &pii, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'pii.show'"), 2);
	/* unknown account: nothing recorded */
	assert_int_equal(audit_reveal(s, &manager, "0019999999", NULL, &pii, &e), HALL_ENOTFOUND);
	assert_int_equal(one_int(s, "SELECT count(*) FROM audit WHERE kind = 'pii.show'"), 2);
	store_close(s);
	/* read-only store: the read cannot be recorded, so no number */
	assert_int_equal(store_open(p, STORE_RO, &s, &e), HALL_OK);
	assert_int_not_equal(audit_reveal(s, &manager, "0010000001", NULL, &pii, &e), HALL_OK);
	assert_string_equal(pii.id_number, "");
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_row_hash_covers_every_field, each),
		cmocka_unit_test_setup(test_journal_entries_are_audited, each),
		cmocka_unit_test_setup(test_uid_recorded, each),
		cmocka_unit_test_setup(test_logins_are_audited, each),
		cmocka_unit_test_setup(test_lockout_is_audited, each),
		cmocka_unit_test_setup(test_hostile_login_id_is_cleaned, each),
		cmocka_unit_test_setup(test_deferred_login, each),
		cmocka_unit_test_setup(test_audit_log_in_transaction, each),
		cmocka_unit_test_setup(test_triggers_refuse_changes, each),
		cmocka_unit_test_setup(test_verify_edited_row, each),
		cmocka_unit_test_setup(test_verify_edited_row_rehashed, each),
		cmocka_unit_test_setup(test_verify_deleted_row, each),
		cmocka_unit_test_setup(test_verify_deleted_first_and_last, each),
		cmocka_unit_test_setup(test_verify_inserted_row, each),
		cmocka_unit_test_setup(test_verify_journal_tampering, each),
		cmocka_unit_test_setup(test_show_filters, each),
		cmocka_unit_test_setup(test_reveal, each),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
