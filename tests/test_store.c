/* test_store.c - the store: create, open, migrate, versions, transactions,
 * gap-free counters, the append-only journal, search. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hall/customer.h"
#include "hall/store.h"
#include "hall/utf8.h"

static char dir[512];

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/store.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static struct store *fresh(const char *name)
{
	char p[600];
	path_of(p, sizeof p, name);
	struct store *s;
	struct hall_err e;
	int rc = store_create(p, "001", "鼓楼供电营业厅", &s, &e);
	if (rc != HALL_OK)
		fail_msg("%s", e.en);
	return s;
}

static int64_t one_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_create_settings(void **state)
{
	(void)state;
	struct store *s = fresh("a.db");
	assert_string_equal(store_hall_code(s), "001");
	assert_string_equal(store_hall_name(s), "鼓楼供电营业厅");
	assert_int_equal(store_epoch(s), 1);
	assert_int_equal(one_int(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(one_int(s, "PRAGMA foreign_keys"), 1);
	assert_int_equal(one_int(s, "PRAGMA synchronous"), 2);  /* FULL */
	store_close(s);
	/* refuses to overwrite */
	char p[600];
	path_of(p, sizeof p, "a.db");
	struct hall_err e;
	struct store *s2;
	assert_int_equal(store_create(p, "001", "x", &s2, &e), HALL_EEXIST);
	/* bad hall code / name write nothing */
	path_of(p, sizeof p, "b.db");
	assert_int_equal(store_create(p, "01a", "x", &s2, &e), HALL_EINVAL);
	assert_string_equal(e.field, "hall");
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(store_create(p, "002", "", &s2, &e), HALL_EINVAL);
	assert_int_equal(access(p, F_OK), -1);
}

static void test_open_errors(void **state)
{
	(void)state;
	struct store *s;
	struct hall_err e;
	char p[600];
	path_of(p, sizeof p, "missing.db");
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_EIO);
	assert_non_null(strstr(e.zh, "hall init"));
	assert_int_equal(store_open("", STORE_RW, &s, &e), HALL_EIO);
	assert_non_null(strstr(e.en, "HALL_DB"));
	/* not a hall store */
	path_of(p, sizeof p, "plain.db");
	sqlite3 *db;
	sqlite3_open(p, &db);
	sqlite3_exec(db, "CREATE TABLE t(a)", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_EVERSION);
	/* a text file */
	path_of(p, sizeof p, "text.db");
	FILE *f = fopen(p, "w");
	fputs("this is not a database, just some text that is long enough to look like a header........", f);
	fclose(f);
	assert_int_not_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
}

static void test_newer_version_refused(void **state)
{
	(void)state;
	struct store *s = fresh("newer.db");
	char p[600];
	snprintf(p, sizeof p, "%s", store_path(s));
	sqlite3_exec(store_db(s), "PRAGMA user_version = 42", NULL, NULL, NULL);
	store_close(s);
	struct hall_err e;
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_EVERSION);
	assert_non_null(strstr(e.zh, "更新版本"));
	assert_non_null(strstr(e.en, "42"));
}

static void test_older_version_upgraded(void **state)
{
	(void)state;
	/* a store at version 0 with the application id: migrations run */
	char p[600];
	path_of(p, sizeof p, "old.db");
	struct store *s = fresh("old.db");
	store_close(s);
	sqlite3 *db;
	sqlite3_open(p, &db);
	/* pretend the last migration has not run: user_version one less */
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION - 1);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	struct hall_err e;
	/* with one migration, re-running v1 on a v1 schema must fail cleanly
	 * and leave the version as it was (one transaction) */
	int rc = store_open(p, STORE_RW, &s, &e);
	if (STORE_SCHEMA_VERSION == 1) {
		assert_int_not_equal(rc, HALL_OK);
		sqlite3_open(p, &db);
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
		sqlite3_step(st);
		assert_int_equal(sqlite3_column_int(st, 0), 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
	} else {
		assert_int_equal(rc, HALL_OK);
		store_close(s);
	}
}

static void test_seq_gap_free(void **state)
{
	(void)state;
	struct store *s = fresh("seq.db");
	struct hall_err e;
	int64_t n;
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(store_next_seq(s, "receipt", &n, &e), HALL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_commit(s, &e), HALL_OK);
	/* a rolled-back transaction gives its number back */
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(store_next_seq(s, "receipt", &n, &e), HALL_OK);
	assert_int_equal(n, 2);
	store_rollback(s);
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(store_next_seq(s, "receipt", &n, &e), HALL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_next_seq(s, "other", &n, &e), HALL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_commit(s, &e), HALL_OK);
	store_close(s);
}

static void add_customer(struct store *s, const char *acct, const char *name,
                         const char *phone, const char *addr)
{
	struct customer c;
	memset(&c, 0, sizeof c);
	snprintf(c.account_no, sizeof c.account_no, "%s", acct);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.id_type, sizeof c.id_type, "resident_id");
	snprintf(c.id_number, sizeof c.id_number, "11010519491231002X");
	snprintf(c.phone, sizeof c.phone, "%s", phone);
	snprintf(c.address, sizeof c.address, "%s", addr);
	snprintf(c.category, sizeof c.category, "residential");
	snprintf(c.voltage, sizeof c.voltage, "220v");
	struct hall_err e;
	if (customer_upsert(s, &c, NULL, &e) != HALL_OK)
		fail_msg("%s", e.en);
}

static void test_journal_append_only(void **state)
{
	(void)state;
	struct store *s = fresh("journal.db");
	struct hall_err e;
	assert_int_equal(store_begin(s, &e), HALL_OK);
	add_customer(s, "0010000001", "王建国", "13800138000", "华林路88号");
	int64_t id = sqlite3_last_insert_rowid(store_db(s));
	assert_int_equal(store_journal_row(s, "customer.create", "customers", id, "1001", 2, &e), HALL_OK);
	/* an unknown table is refused, never built into SQL */
	assert_int_equal(store_journal_row(s, "x", "customers; DROP TABLE x", id, "1001", 2, &e), HALL_EDB);
	assert_int_equal(store_commit(s, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal"), 1);
	assert_int_equal(one_int(s, "SELECT json_extract(payload, '$.account_no') = '0010000001' FROM journal"), 1);
	assert_int_equal(one_int(s, "SELECT json_extract(payload, '$.name') = '王建国' FROM journal"), 1);
	assert_int_equal(one_int(s, "SELECT hall = '001' AND epoch = 1 AND counter = 2 FROM journal"), 1);
	assert_int_not_equal(sqlite3_exec(store_db(s), "UPDATE journal SET kind = 'x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(store_db(s), "DELETE FROM journal", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal WHERE kind = 'customer.create'"), 1);
	store_close(s);
}

struct hits {
	int n;
	char accts[16][24];
};

static void hit(void *ud, const struct customer *c)
{
	struct hits *h = ud;
	if (h->n < 16)
		snprintf(h->accts[h->n], 24, "%s", c->account_no);
	h->n++;
}

static int search(struct store *s, const char *q, struct hits *h)
{
	memset(h, 0, sizeof *h);
	int count;
	struct hall_err e;
	return customer_search(s, q, 50, hit, h, &count, &e);
}

static void test_search(void **state)
{
	(void)state;
	struct store *s = fresh("search.db");
	struct hall_err e;
	assert_int_equal(store_begin(s, &e), HALL_OK);
	add_customer(s, "0010000001", "王建国", "13800138000", "福州市鼓楼区华林路88号融侨花园3栋2单元501室");
	add_customer(s, "0010000002", "李建华", "13912348000", "福州市台江区五一路１２号");
	add_customer(s, "0010000003", "Smith Fuzhou Trading", "059187654321", "鼓楼区五四路100号");
	add_customer(s, "0020000001", "陈国强", "0591-83334444", "仓山区建新镇");
	assert_int_equal(store_commit(s, &e), HALL_OK);
	struct hits h;
	assert_int_equal(search(s, "建国", &h), HALL_OK);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.accts[0], "0010000001");
	assert_int_equal(search(s, "建", &h), HALL_EINVAL);      /* one character */
	assert_int_equal(search(s, "国强", &h), HALL_OK);        /* end of a name */
	assert_int_equal(h.n, 1);
	assert_int_equal(search(s, "王建国", &h), HALL_OK);
	assert_int_equal(h.n, 1);
	assert_int_equal(search(s, "建华路", &h), HALL_OK);      /* not a substring */
	assert_int_equal(h.n, 0);
	assert_int_equal(search(s, "融侨花园", &h), HALL_OK);
	assert_int_equal(h.n, 1);
	assert_int_equal(search(s, "鼓楼", &h), HALL_OK);
	assert_int_equal(h.n, 2);
	assert_int_equal(search(s, "华林 501", &h), HALL_OK);    /* two fragments */
	assert_int_equal(h.n, 1);
	assert_int_equal(search(s, "12号", &h), HALL_OK);        /* full-width digits */
	assert_int_equal(h.n, 1);
	assert_string_equal(h.accts[0], "0010000002");
	assert_int_equal(search(s, "smith", &h), HALL_OK);       /* ASCII, any case */
	assert_int_equal(h.n, 1);
	assert_int_equal(search(s, "8000", &h), HALL_OK);        /* phone tail */
	assert_int_equal(h.n, 2);
	assert_int_equal(search(s, "13800138000", &h), HALL_OK); /* phone */
	assert_int_equal(h.n, 1);
	assert_int_equal(search(s, "0010000002", &h), HALL_OK);  /* account */
	assert_int_equal(h.n, 1);
	assert_string_equal(h.accts[0], "0010000002");
	assert_int_equal(search(s, "001000", &h), HALL_OK);      /* account prefix */
	assert_int_equal(h.n, 3);
	assert_int_equal(search(s, "0591-87654321", &h), HALL_OK);
	assert_int_equal(h.n, 1);
	assert_int_equal(search(s, "0591-83334444", &h), HALL_OK);  /* stored with its dash */
	assert_int_equal(h.n, 1);
	assert_string_equal(h.accts[0], "0020000001");
	assert_int_equal(search(s, "3334444", &h), HALL_OK);        /* tail of a landline */
	assert_int_equal(h.n, 1);
	assert_int_equal(search(s, "11010519491231002x", &h), HALL_OK);  /* ID */
	assert_int_equal(h.n, 4);
	assert_int_equal(search(s, "\"鼓楼\" OR 建", &h), HALL_EINVAL);  /* FTS syntax is text */
	assert_int_equal(search(s, "\"鼓楼\"", &h), HALL_OK);
	assert_int_equal(h.n, 0);
	assert_int_equal(search(s, "", &h), HALL_EINVAL);
	assert_int_equal(search(s, "123", &h), HALL_EINVAL);
	/* a renamed customer is found by the new name only */
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(sqlite3_exec(store_db(s), "UPDATE customers SET name = '王新民' WHERE account_no = '0010000001'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_commit(s, &e), HALL_OK);
	assert_int_equal(search(s, "建国", &h), HALL_OK);
	assert_int_equal(h.n, 0);
	assert_int_equal(search(s, "新民", &h), HALL_OK);
	assert_int_equal(h.n, 1);
	store_close(s);
}

static void test_readonly_mode(void **state)
{
	(void)state;
	struct store *s = fresh("ro.db");
	char p[600];
	snprintf(p, sizeof p, "%s", store_path(s));
	store_close(s);
	struct hall_err e;
	assert_int_equal(store_open(p, STORE_RO, &s, &e), HALL_OK);
	assert_int_equal(store_begin(s, &e), HALL_EIO);
	assert_non_null(strstr(e.zh, "只读"));
	store_close(s);
}

int main(void)
{
	utf8_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_settings),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_newer_version_refused),
		cmocka_unit_test(test_older_version_upgraded),
		cmocka_unit_test(test_seq_gap_free),
		cmocka_unit_test(test_journal_append_only),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_readonly_mode),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
