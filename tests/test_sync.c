/* test_sync.c - the sync core without a network: exit codes, store
 * epochs, the home-screen status, the lock, and the SQLite central in
 * process (a restored hall keeps its new entries).
 *
 * Also a helper for tests/t_sync_*.sh (a real store-level hall action the
 * CLI does not offer yet):
 *   test_sync new-epoch DB                 store_new_epoch (hall restore)
 *   test_sync contact-edit DB ACCOUNT PHONE  a clerk's contact edit: the
 *        customer's phone and its journal entry in one transaction */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "hall/customer.h"
#include "hall/demo.h"
#include "hall/store.h"
#include "hall/sync.h"

static char dir[512];

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/sync.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static struct store *fresh(const char *name, const char *code)
{
	char p[600];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	struct store *s;
	struct hall_err e;
	if (store_create(p, code, "测试营业厅", &s, &e) != HALL_OK)
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

/* One customer written and journaled, as the counter does. */
static void add_customer(struct store *s, const char *account)
{
	struct hall_err e;
	struct customer c;
	memset(&c, 0, sizeof c);
	snprintf(c.account_no, sizeof c.account_no, "%s", account);
	snprintf(c.name, sizeof c.name, "王建国");
	snprintf(c.id_type, sizeof c.id_type, "resident_id");
	snprintf(c.id_number, sizeof c.id_number, "11010519491231002X");
	snprintf(c.phone, sizeof c.phone, "13800138000");
	snprintf(c.address, sizeof c.address, "福州市鼓楼区华林路88号");
	snprintf(c.category, sizeof c.category, "residential");
	snprintf(c.voltage, sizeof c.voltage, "220v");
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(customer_upsert(s, &c, NULL, &e), HALL_OK);
	assert_int_equal(store_journal_row(s, "customer.create", "customers",
	                                   sqlite3_last_insert_rowid(store_db(s)), "1001", 1, &e), HALL_OK);
	assert_int_equal(store_commit(s, &e), HALL_OK);
}

static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(sync_exit_code(SYNC_OK), 0);
	assert_int_equal(sync_exit_code(SYNC_UNREACHABLE), 10);
	assert_int_equal(sync_exit_code(SYNC_REJECTED), 11);
	assert_int_equal(sync_exit_code(SYNC_AUTH), 11);
	assert_int_equal(sync_exit_code(SYNC_UNKNOWN_HALL), 11);
	assert_int_equal(sync_exit_code(SYNC_DIFF), 12);
	assert_int_equal(sync_exit_code(SYNC_SCHEMA), 13);
	assert_int_equal(sync_exit_code(SYNC_DISKFULL), 14);
	assert_int_equal(sync_exit_code(SYNC_LOCKED), 15);
	assert_int_equal(sync_exit_code(SYNC_CONFIG), 6);
	assert_int_equal(sync_exit_code(SYNC_LOCAL), 1);
	assert_string_equal(sync_fail_key(SYNC_UNREACHABLE), "unreachable");
}

static void test_new_epoch(void **state)
{
	(void)state;
	struct store *s = fresh("epoch.db", "001");
	struct hall_err e;
	assert_int_equal(store_epoch(s), 1);
	add_customer(s, "0010000001");
	int64_t ep = 0;
	assert_int_equal(store_new_epoch(s, &ep, &e), HALL_OK);
	assert_int_equal(ep, 2);
	assert_int_equal(store_epoch(s), 2);
	add_customer(s, "0010000002");
	assert_int_equal(one_int(s, "SELECT epoch FROM journal ORDER BY seq DESC LIMIT 1"), 2);
	assert_int_equal(one_int(s, "SELECT count(DISTINCT epoch) FROM journal"), 2);
	/* the sequence goes on: keys differ by epoch, never by reuse */
	assert_int_equal(one_int(s, "SELECT max(seq) FROM journal"), 2);
	/* a meta epoch behind the journal (a bad restore) still moves up */
	assert_int_equal(store_meta_set(s, "epoch", "1", &e), HALL_OK);
	assert_int_equal(store_new_epoch(s, &ep, &e), HALL_OK);
	assert_int_equal(ep, 3);
	store_close(s);
	/* it persists */
	char p[600];
	snprintf(p, sizeof p, "%s/epoch.db", dir);
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	assert_int_equal(store_epoch(s), 3);
	store_close(s);
}

static void test_status(void **state)
{
	(void)state;
	struct store *s = fresh("status.db", "001");
	struct hall_err e;
	struct sync_status st;
	setenv("HALL_NOW", "2026-12-04T10:00:00Z", 1);
	assert_int_equal(sync_status(s, &st), HALL_OK);
	assert_true(st.warn);                     /* never synced */
	assert_int_equal(st.hours_since_ok, -1);
	assert_int_equal(store_meta_set(s, "last_sync_ok", "2026-12-02T22:00:01Z", &e), HALL_OK);
	assert_int_equal(store_meta_set(s, "last_sync", "2026-12-03T22:00:00Z", &e), HALL_OK);
	assert_int_equal(store_meta_set(s, "last_sync_result", "unreachable: x", &e), HALL_OK);
	assert_int_equal(sync_status(s, &st), HALL_OK);
	assert_false(st.warn);                    /* 35 h 59 m */
	assert_int_equal(st.hours_since_ok, 35);
	assert_string_equal(st.result, "unreachable: x");
	assert_string_equal(st.last, "2026-12-03T22:00:00Z");
	assert_int_equal(store_meta_set(s, "last_sync_ok", "2026-12-02T22:00:00Z", &e), HALL_OK);
	assert_int_equal(sync_status(s, &st), HALL_OK);
	assert_false(st.warn);                    /* exactly 36 h: not more */
	assert_int_equal(store_meta_set(s, "last_sync_ok", "2026-12-02T21:59:59Z", &e), HALL_OK);
	assert_int_equal(sync_status(s, &st), HALL_OK);
	assert_true(st.warn);                     /* more than 36 h */
	unsetenv("HALL_NOW");
	store_close(s);
}

static void test_lock(void **state)
{
	(void)state;
	struct store *s = fresh("lock.db", "001");
	char lock[700], url[700];
	snprintf(lock, sizeof lock, "%s/lock.db.sync-lock", dir);
	snprintf(url, sizeof url, "sqlite:%s/lock-central.db", dir);
	int fd = open(lock, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	struct sync_report r;
	struct hall_err e;
	assert_int_equal(sync_run(s, url, NULL, &r, &e), SYNC_LOCKED);
	assert_non_null(strstr(e.en, "another sync"));
	/* the second sync writes nothing: the running one will */
	char v[64];
	assert_int_equal(store_meta_get(s, "last_sync", v, sizeof v), HALL_ENOTFOUND);
	close(fd);
	/* released: now it runs (and the central is missing: unreachable) */
	assert_int_equal(sync_run(s, url, NULL, &r, &e), SYNC_UNREACHABLE);
	assert_int_equal(store_meta_get(s, "last_sync", v, sizeof v), HALL_OK);
	assert_int_equal(store_meta_get(s, "last_sync_ok", v, sizeof v), HALL_ENOTFOUND);
	store_close(s);
}

/* The pitfall: a restored store reuses sequence numbers; with the epoch in
 * the key, the central keeps both the lost entries and the new ones. */
static void test_restore_keeps_both(void **state)
{
	(void)state;
	struct store *s = fresh("r.db", "001");
	char url[700], backup[700], sql[800];
	snprintf(url, sizeof url, "sqlite:%s/r-central.db", dir);
	snprintf(backup, sizeof backup, "%s/r-backup.db", dir);
	struct hall_err e;
	char role[64], pw[64];
	add_customer(s, "0010000001");
	assert_int_equal(sync_central_init(url, s, NULL, role, sizeof role, pw, sizeof pw, &e), SYNC_OK);
	struct sync_report r;
	assert_int_equal(sync_run(s, url, NULL, &r, &e), SYNC_OK);
	snprintf(sql, sizeof sql, "VACUUM INTO '%s'", backup);
	assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	add_customer(s, "0010000002");           /* seq 2, epoch 1: synced, then lost */
	assert_int_equal(sync_run(s, url, NULL, &r, &e), SYNC_OK);
	assert_int_equal(r.pushed, 1);
	store_close(s);
	/* restore the backup: without a new epoch the sync refuses */
	assert_int_equal(store_open(backup, STORE_RW, &s, &e), HALL_OK);
	assert_int_equal(sync_run(s, url, NULL, &r, &e), SYNC_REJECTED);
	assert_non_null(strstr(e.en, "new epoch"));
	int64_t ep;
	assert_int_equal(store_new_epoch(s, &ep, &e), HALL_OK);
	add_customer(s, "0010000003");           /* seq 2 again, epoch 2 */
	assert_int_equal(sync_run(s, url, NULL, &r, &e), SYNC_OK);
	assert_int_equal(r.pushed, 1);
	assert_int_equal(r.lost_at_central, 1);
	store_close(s);
	sqlite3 *c;
	assert_int_equal(sqlite3_open(url + 7, &c), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c, "SELECT count(*), group_concat(epoch || '/' || seq, ' '),"
	                 " (SELECT count(*) FROM customers) FROM (SELECT * FROM journal ORDER BY epoch, seq)",
	                 -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 3);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "1/1 1/2 2/2");
	assert_int_equal(sqlite3_column_int(st, 2), 3);
	sqlite3_finalize(st);
	sqlite3_close(c);
}

/* ------------------------------------------------------------ helper */

static int helper(int argc, char **argv)
{
	struct store *s;
	struct hall_err e;
	if (argc < 3 || store_open(argv[2], STORE_RW, &s, &e) != HALL_OK) {
		fprintf(stderr, "test_sync helper: cannot open %s\n", argc > 2 ? argv[2] : "?");
		return 2;
	}
	int rc = HALL_OK;
	if (strcmp(argv[1], "new-epoch") == 0) {
		int64_t ep = 0;
		rc = store_new_epoch(s, &ep, &e);
		if (rc == HALL_OK)
			printf("%lld\n", (long long)ep);
	} else if (strcmp(argv[1], "contact-edit") == 0 && argc == 5) {
		char now[21];
		store_now_utc(now);
		rc = store_begin(s, &e);
		sqlite3_stmt *st = rc == HALL_OK ? store_stmt(s,
			"UPDATE customers SET phone = ?2, updated_at = ?3 WHERE account_no = ?1"
			" RETURNING id", &e) : NULL;
		int64_t id = 0;
		if (st) {
			sqlite3_bind_text(st, 1, argv[3], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, argv[4], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				id = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
		if (rc == HALL_OK && id)
			rc = store_journal_row(s, "customer.contact", "customers", id, "1001", 1, &e);
		else if (rc == HALL_OK)
			rc = HALL_ENOTFOUND;
		if (rc == HALL_OK)
			rc = store_commit(s, &e);
		else
			store_rollback(s);
	} else {
		rc = HALL_EINVAL;
	}
	store_close(s);
	if (rc != HALL_OK)
		fprintf(stderr, "test_sync helper: %s failed (%d) %s\n", argv[1], rc, e.en);
	return rc == HALL_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return helper(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_new_epoch),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_restore_keeps_both),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
