/* test_backup.c - store_check, backup_open_checked (a damaged store opens
 * read-only with instructions), backup_make and backup_restore rules,
 * priv_output_path_check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hall/auth.h"
#include "hall/backup.h"
#include "hall/priv.h"
#include "hall/store.h"

static char dir[512];
static int nstore;

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/backup.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
	hall_lang_set(HALL_LANG_EN);
	return 0;
}

/* A store in a folder of its own with an admin and some rows. */
static struct store *fresh(char *path, size_t n)
{
	char sub[600];
	snprintf(sub, sizeof sub, "%s/s%d", dir, ++nstore);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, n, "%s/hall.db", sub);
	struct store *s;
	struct hall_err e;
	if (store_create(path, "001", "鼓楼供电营业厅", &s, &e) != HALL_OK)
		fail_msg("%s", e.en);
	assert_int_equal(auth_user_add(s, NULL, "0001", "管理员", ROLE_ADMIN, "demo1234", &e), HALL_OK);
	/* enough pages that damage in the middle hits a table */
	assert_int_equal(sqlite3_exec(store_db(s),
		"BEGIN; CREATE TABLE filler(i INTEGER PRIMARY KEY, v TEXT);"
		" WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
		" INSERT INTO filler(i, v) SELECT i, hex(randomblob(100)) FROM n; COMMIT",
		NULL, NULL, NULL), SQLITE_OK);
	return s;
}

static void test_check_good_store(void **state)
{
	(void)state;
	char p[600];
	struct store *s = fresh(p, sizeof p);
	struct check_report r;
	struct hall_err e;
	assert_int_equal(store_check(s, false, &r, &e), HALL_OK);
	assert_true(r.ok);
	assert_false(r.full);
	assert_int_equal(r.nproblems, 0);
	assert_int_equal(store_check(s, true, &r, &e), HALL_OK);
	assert_true(r.ok);
	assert_true(r.full);
	store_close(s);
}

static void test_check_foreign_keys(void **state)
{
	(void)state;
	char p[600];
	struct store *s = fresh(p, sizeof p);
	/* a row whose parent is missing (written with the checks off) */
	assert_int_equal(sqlite3_exec(store_db(s), "PRAGMA foreign_keys = OFF;"
		"INSERT INTO drafts(staff_id, form, fields, saved_at) VALUES ('ghost', 'payment', '{}', 'x');"
		"PRAGMA foreign_keys = ON;", NULL, NULL, NULL), SQLITE_OK);
	struct check_report r;
	struct hall_err e;
	assert_int_equal(store_check(s, false, &r, &e), HALL_OK);
	if (r.fk_violations == 0) {
		/* drafts may carry no foreign key: try one that does */
		assert_int_equal(sqlite3_exec(store_db(s), "PRAGMA foreign_keys = OFF;"
			"INSERT INTO day_closes(staff_id, business_date, declared_fen, expected_fen, payments,"
			" reversals, reversed_fen, receipts, counter, declared_at)"
			" VALUES ('ghost', '2026-01-01', 0, 0, 0, 0, 0, 0, 1, 'x');"
			"PRAGMA foreign_keys = ON;", NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(store_check(s, false, &r, &e), HALL_OK);
	}
	assert_false(r.ok);
	assert_true(r.fk_violations >= 1);
	assert_non_null(strstr(r.problems[0], "foreign key"));
	store_close(s);
}

static void smash(const char *path)
{
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	struct stat sb;
	assert_int_equal(fstat(fd, &sb), 0);
	char junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 131 + 7);
	/* every other page of the second half: page 1 and the schema live */
	for (off_t off = sb.st_size / 2 / 4096 * 4096; off < sb.st_size; off += 8192)
		assert_int_equal(pwrite(fd, junk, sizeof junk, off), (ssize_t)sizeof junk);
	close(fd);
}

static void test_damaged_store_opens_read_only(void **state)
{
	(void)state;
	char p[600];
	struct store *s = fresh(p, sizeof p);
	store_close(s);        /* checkpointed: everything in the main file */
	smash(p);
	bool damaged = false;
	struct check_report r;
	struct hall_err msg, e;
	int rc = backup_open_checked(p, &s, &damaged, &r, &msg, &e);
	if (rc != HALL_OK)
		fail_msg("%s", e.en);
	assert_true(damaged);
	assert_false(r.ok);
	assert_true(r.nproblems >= 1);
	assert_true(store_readonly(s));
	assert_non_null(strstr(msg.en, "read-only"));
	assert_non_null(strstr(msg.en, "hall restore --from BACKUP --db"));
	assert_non_null(strstr(msg.zh, "只读"));
	assert_int_equal(store_begin(s, &e), HALL_EDAMAGED);   /* no business */
	assert_string_equal(e.en, msg.en);
	store_close(s);
	/* marked beside the store: the next open knows without a check */
	char mark[700];
	snprintf(mark, sizeof mark, "%s-damaged", p);
	assert_int_equal(access(mark, F_OK), 0);
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	assert_true(store_damaged(s));
	assert_true(store_readonly(s));
	store_close(s);
	/* a sound store opens read-write, not damaged */
	s = fresh(p, sizeof p);
	store_close(s);
	assert_int_equal(backup_open_checked(p, &s, &damaged, &r, &msg, &e), HALL_OK);
	assert_false(damaged);
	assert_false(store_readonly(s));
	assert_string_equal(msg.en, "");
	store_close(s);
}

static void test_backup_rules(void **state)
{
	(void)state;
	char p[600], to[700];
	struct store *s = fresh(p, sizeof p);
	struct backup_info info;
	struct hall_err e;
	struct hall_actor clerk = { .counter = 1 };
	snprintf(clerk.user.id, sizeof clerk.user.id, "1001");
	clerk.user.role = ROLE_CLERK;
	clerk.user.active = true;
	snprintf(to, sizeof to, "%s/b-clerk.db", dir);
	assert_int_equal(backup_make(s, &clerk, to, &info, &e), HALL_EPERM);
	assert_int_equal(access(to, F_OK), -1);
	assert_int_equal(backup_make(s, NULL, "", &info, &e), HALL_EINVAL);
	assert_string_equal(e.field, "to");
	/* into the store's own folder */
	snprintf(to, sizeof to, "%s.copy", p);
	assert_int_equal(backup_make(s, NULL, to, &info, &e), HALL_EPERM);
	assert_int_equal(access(to, F_OK), -1);
	snprintf(to, sizeof to, "%s/b%d.db", dir, nstore);
	assert_int_equal(backup_make(s, NULL, to, &info, &e), HALL_OK);
	assert_true(info.bytes > 0);
	assert_true(info.audited);
	assert_true(info.audit_rows >= 2);
	assert_int_equal(backup_make(s, NULL, to, &info, &e), HALL_EEXIST);
	store_close(s);

	/* restore: never over an existing file, a new epoch otherwise */
	assert_int_equal(backup_restore(to, p, &info, &e), HALL_EEXIST);
	char r[700];
	snprintf(r, sizeof r, "%s/restored%d.db", dir, nstore);
	assert_int_equal(backup_restore(to, r, &info, &e), HALL_OK);
	assert_int_equal(info.epoch_before, 1);
	assert_int_equal(info.epoch_after, 2);
	assert_int_equal(store_open(r, STORE_RW, &s, &e), HALL_OK);
	assert_int_equal(store_epoch(s), 2);
	store_close(s);
	/* a second restore of the same backup gets its own new epoch too */
	snprintf(r, sizeof r, "%s/restored%d-b.db", dir, nstore);
	assert_int_equal(backup_restore(to, r, &info, &e), HALL_OK);
	assert_int_equal(info.epoch_after, 2);
}

static void test_output_path_check(void **state)
{
	(void)state;
	char store[700], sub[700], out[800];
	struct hall_err e;
	snprintf(store, sizeof store, "%s/pc/hall.db", dir);
	snprintf(sub, sizeof sub, "%s/pc", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof sub, "%s/pc/in", dir);
	mkdir(sub, 0700);
	snprintf(out, sizeof out, "%s/pc/x.xlsx", dir);
	assert_int_equal(priv_output_path_check(out, store, &e), HALL_EPERM);
	assert_non_null(strstr(e.en, "store's folder"));
	snprintf(out, sizeof out, "%s/pc/in/x.xlsx", dir);
	assert_int_equal(priv_output_path_check(out, store, &e), HALL_EPERM);
	snprintf(out, sizeof out, "%s/pc/in/../../pc/x.xlsx", dir);
	assert_int_equal(priv_output_path_check(out, store, &e), HALL_EPERM);
	snprintf(out, sizeof out, "%s/x.xlsx", dir);
	assert_int_equal(priv_output_path_check(out, store, &e), HALL_OK);
	/* a folder whose name merely starts like the store's */
	snprintf(sub, sizeof sub, "%s/pc2", dir);
	mkdir(sub, 0700);
	snprintf(out, sizeof out, "%s/pc2/x.xlsx", dir);
	assert_int_equal(priv_output_path_check(out, store, &e), HALL_OK);
	assert_int_equal(priv_output_path_check(out, NULL, &e), HALL_OK);
	/* not setgid here: nothing raised, no option refused */
	assert_false(priv_active());
	assert_int_equal(priv_check_option("forms", &e), HALL_OK);
	assert_true(priv_raise());
	priv_drop();
	assert_int_equal(getegid(), getgid());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_good_store),
		cmocka_unit_test(test_check_foreign_keys),
		cmocka_unit_test(test_damaged_store_opens_read_only),
		cmocka_unit_test(test_backup_rules),
		cmocka_unit_test(test_output_path_check),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
