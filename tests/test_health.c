/* test_health.c - a damaged store (health.h): the mark beside the store,
 * the message, SQLITE_CORRUPT met during work turning the session
 * read-only, and the background check: it finds damage, work goes on
 * while it runs, it stops at once when the counter quits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hall/auth.h"
#include "hall/backup.h"
#include "hall/health.h"
#include "hall/store.h"

static char dir[512];
static int nstore;

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/health.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
	hall_lang_set(HALL_LANG_EN);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A store in a folder of its own with a table of `rows` filler rows
 * (enough pages for damage to hit one table only), closed (checkpointed:
 * everything in the main file). */
static void fresh(char *path, size_t n, int rows)
{
	char sub[600];
	snprintf(sub, sizeof sub, "%s/s%d", dir, ++nstore);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, n, "%s/hall.db", sub);
	struct store *s;
	struct hall_err e;
	if (store_create(path, "001", "鼓楼供电营业厅", &s, &e) != HALL_OK)
		fail_msg("%s", e.en);
	char sql[400];
	snprintf(sql, sizeof sql,
		"BEGIN; CREATE TABLE filler(i INTEGER PRIMARY KEY, v TEXT);"
		" WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
		" INSERT INTO filler(i, v) SELECT i, hex(randomblob(100)) FROM n; COMMIT", rows);
	assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	store_close(s);
}

/* Overwrite every leaf page of the filler table with junk: the rest of
 * the store (meta, staff, the schema) stays readable. */
static void smash_filler(const char *path)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT pageno FROM dbstat"
		" WHERE name = 'filler' AND pagetype = 'leaf'", -1, &st, NULL), SQLITE_OK);
	long pages[4096];
	int np = 0;
	while (sqlite3_step(st) == SQLITE_ROW && np < 4096)
		pages[np++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(np > 2);
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	char junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 131 + 7);
	for (int i = 0; i < np; i++)
		assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)(pages[i] - 1) * 4096),
		                 (ssize_t)sizeof junk);
	close(fd);
}

static void mark_of(const char *path, char *out, size_t n)
{
	assert_true(health_mark_path(path, out, n));
}

static void test_mark(void **state)
{
	(void)state;
	char p[600], mp[700];
	fresh(p, sizeof p, 10);
	mark_of(p, mp, sizeof mp);
	struct health_mark m;
	health_mark_read(p, &m);
	assert_false(m.present);
	assert_false(m.stale);
	struct hall_err e;
	/* what SQLite says goes on one line, without control characters */
	assert_int_equal(health_mark_write(p, "check", "Tree 4 page 9\n\033[2Jcell 0",
	                                   "/srv/b/hall-2026-05-01.db", &e), HALL_OK);
	struct stat sb;
	assert_int_equal(stat(mp, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0660);
	health_mark_read(p, &m);
	assert_true(m.present);
	assert_string_equal(m.by, "check");
	assert_string_equal(m.backup, "/srv/b/hall-2026-05-01.db");
	assert_null(strchr(m.problem, '\033'));
	assert_null(strchr(m.problem, '\n'));
	assert_non_null(strstr(m.problem, "Tree 4 page 9"));
	assert_int_equal(strlen(m.found_at), 20);
	/* a store marked damaged opens read-only and damaged, RW asked */
	struct store *s;
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	assert_true(store_damaged(s));
	assert_true(store_readonly(s));
	assert_int_equal(store_begin(s, &e), HALL_EDAMAGED);
	assert_non_null(strstr(e.en, "/srv/b/hall-2026-05-01.db"));
	/* look-ups go on */
	char code[16];
	assert_int_equal(store_meta_get(s, "hall_code", code, sizeof code), HALL_OK);
	assert_string_equal(code, "001");
	store_close(s);
	/* another file at the same path (a backup restored in its place):
	 * the mark is stale and ignored */
	char copy[700];
	snprintf(copy, sizeof copy, "%s.new", p);
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s' && mv '%s' '%s'", p, copy, copy, p);
	assert_int_equal(system(cmd), 0);
	health_mark_read(p, &m);
	assert_false(m.present);
	assert_true(m.stale);
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	assert_false(store_damaged(s));
	assert_false(store_readonly(s));
	store_close(s);
	assert_int_equal(health_mark_remove(p, &e), HALL_OK);
	assert_int_equal(access(mp, F_OK), -1);
	assert_int_equal(health_mark_remove(p, &e), HALL_OK);   /* none: fine */
}

/* A file that is not a hall store is said to be so, and nothing is
 * written beside it (it may be anyone's file). */
static void test_not_a_store_not_marked(void **state)
{
	(void)state;
	char p[600], mp[700];
	snprintf(p, sizeof p, "%s/notes.txt", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("not a database at all, just some text\n", f);
	fclose(f);
	struct store *s;
	struct hall_err e;
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_EVERSION);
	assert_non_null(strstr(e.en, "not a hall store"));
	assert_int_equal(store_open(p, STORE_RO, &s, &e), HALL_EVERSION);
	mark_of(p, mp, sizeof mp);
	assert_int_equal(access(mp, F_OK), -1);
}

static void test_message(void **state)
{
	(void)state;
	struct hall_err m;
	health_damage_msg("/srv/hall/hall.db", "/srv/hall-backups/hall-2026-05-01.db", &m);
	assert_int_equal(m.code, HALL_EDAMAGED);
	assert_int_equal(hall_rc_exit(m.code), 9);
	/* the clerk's part first, then the administrator's, with the paths */
	assert_true(strncmp(m.zh, "数据库已损坏，已改为只读：只能查询，不能保存。请通知系统管理员。", 20) == 0);
	assert_non_null(strstr(m.zh, HEALTH_ADMIN_ZH "让各窗口退出 hall，运行 hall check --db /srv/hall/hall.db"));
	assert_non_null(strstr(m.zh, "hall restore --from /srv/hall-backups/hall-2026-05-01.db --db /srv/hall/hall.db"));
	assert_non_null(strstr(m.en, "nothing can be saved. Call the administrator. " HEALTH_ADMIN_EN));
	assert_non_null(strstr(m.en, "run hall check --db /srv/hall/hall.db"));
	assert_non_null(strstr(m.en, "hall restore --from /srv/hall-backups/hall-2026-05-01.db --db /srv/hall/hall.db"));
	assert_null(strstr(m.en, "最近"));
	/* no backup known: a placeholder in each language */
	health_damage_msg("/srv/hall/hall.db", "", &m);
	assert_non_null(strstr(m.zh, "hall restore --from 最近的备份 --db /srv/hall/hall.db"));
	assert_non_null(strstr(m.en, "hall restore --from BACKUP --db /srv/hall/hall.db"));
	/* a path with an escape sequence is shown cleaned */
	health_damage_msg("/srv/\033[2Jhall.db", "", &m);
	assert_null(strchr(m.en, '\033'));
	assert_null(strchr(m.zh, '\033'));
}

static void test_corrupt_during_work(void **state)
{
	(void)state;
	char p[600], mp[700];
	fresh(p, sizeof p, 3000);
	smash_filler(p);
	mark_of(p, mp, sizeof mp);
	struct store *s;
	struct hall_err e;
	/* not known yet: opens read-write */
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	assert_false(store_damaged(s));
	assert_false(store_readonly(s));
	/* the latest backup, as hall backup records it */
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(store_meta_set(s, "last_backup", "/b/last.db", &e), HALL_OK);
	assert_int_equal(store_commit(s, &e), HALL_OK);
	/* work meets the damage */
	sqlite3_stmt *st = store_stmt(s, "SELECT sum(length(v)) FROM filler", &e);
	assert_non_null(st);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	assert_int_equal(rc & 0xff, SQLITE_CORRUPT);
	assert_int_equal(store_error(s, rc, "读取", "reading", &e), HALL_EDAMAGED);
	assert_non_null(strstr(e.en, "now read-only"));
	assert_non_null(strstr(e.en, "hall restore --from /b/last.db --db"));
	/* the session is read-only from now on, whatever asks */
	assert_true(store_damaged(s));
	assert_true(store_readonly(s));
	assert_int_equal(store_begin(s, &e), HALL_EDAMAGED);
	assert_non_null(strstr(e.en, "now read-only"));
	/* even a write past store_begin: SQLite refuses it (query_only) */
	assert_int_not_equal(sqlite3_exec(store_db(s), "INSERT INTO meta(key, value) VALUES ('x', 'y')",
	                                  NULL, NULL, NULL), SQLITE_OK);
	char code[16];
	assert_int_equal(store_meta_get(s, "hall_code", code, sizeof code), HALL_OK);
	store_close(s);
	/* and the next session knows it at once */
	struct health_mark m;
	health_mark_read(p, &m);
	assert_true(m.present);
	assert_string_equal(m.by, "work");
	assert_string_equal(m.backup, "/b/last.db");
	assert_non_null(strstr(m.problem, "malformed"));
	assert_int_equal(store_open(p, STORE_RO, &s, &e), HALL_OK);
	assert_true(store_damaged(s));
	store_close(s);
}

static void test_corrupt_in_open_transaction(void **state)
{
	(void)state;
	char p[600];
	fresh(p, sizeof p, 3000);
	smash_filler(p);
	struct store *s;
	struct hall_err e;
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	assert_int_equal(store_begin(s, &e), HALL_OK);
	assert_int_equal(store_meta_set(s, "note", "half-way", &e), HALL_OK);
	sqlite3_stmt *st = store_stmt(s, "UPDATE filler SET v = 'x' WHERE i > 0", &e);
	assert_non_null(st);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	assert_int_equal(store_error(s, rc, "保存", "saving", &e), HALL_EDAMAGED);
	/* the caller rolls back: nothing of the transaction stays */
	store_rollback(s);
	char v[32];
	assert_int_equal(store_meta_get(s, "note", v, sizeof v), HALL_ENOTFOUND);
	assert_int_equal(store_begin(s, &e), HALL_EDAMAGED);
	store_close(s);
}

static void wait_done(struct health_watch *w, struct check_report *r, bool *ran)
{
	double t0 = now_s();
	while (!health_watch_poll(w, r, ran)) {
		if (now_s() - t0 > 60)
			fail_msg("the background check did not end");
		usleep(2000);
	}
}

static void test_watch_finds_damage(void **state)
{
	(void)state;
	char p[600];
	fresh(p, sizeof p, 3000);
	smash_filler(p);
	struct store *s;
	struct hall_err e;
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	struct health_watch *w;
	assert_int_equal(health_watch_start(s, NULL, NULL, &w, &e), HALL_OK);
	struct check_report r;
	bool ran = false;
	wait_done(w, &r, &ran);
	health_watch_stop(w);
	assert_true(ran);
	assert_false(r.ok);
	assert_true(r.nproblems >= 1);
	/* the check's thread leaves the verdict to the session's owner */
	assert_false(store_damaged(s));
	health_apply(s, "counter", r.problems[0]);
	assert_true(store_damaged(s));
	assert_int_equal(store_begin(s, &e), HALL_EDAMAGED);
	store_close(s);
	struct health_mark m;
	health_mark_read(p, &m);
	assert_true(m.present);
	assert_string_equal(m.by, "counter");
}

/* The check holds here, mid-scan, until the test has done its work. */
static atomic_int held;      /* 1: the check is inside its scan */
static atomic_int release;

static void hold(void *ud)
{
	(void)ud;
	if (atomic_load(&release))
		return;
	atomic_store(&held, 1);
	double t0 = now_s();
	while (!atomic_load(&release) && now_s() - t0 < 30)
		usleep(1000);
}

static void test_watch_work_goes_on(void **state)
{
	(void)state;
	char p[600];
	fresh(p, sizeof p, 3000);
	struct store *s;
	struct hall_err e;
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	atomic_store(&held, 0);
	atomic_store(&release, 0);
	struct health_watch *w;
	assert_int_equal(health_watch_start(s, hold, NULL, &w, &e), HALL_OK);
	double t0 = now_s();
	while (!atomic_load(&held) && now_s() - t0 < 30)
		usleep(1000);
	assert_int_equal(atomic_load(&held), 1);
	/* the check is running, inside its read transaction: the counter
	 * saves meanwhile, without waiting for it */
	assert_false(health_watch_poll(w, NULL, NULL));
	double w0 = now_s();
	for (int i = 0; i < 20; i++) {
		char v[16];
		snprintf(v, sizeof v, "%d", i);
		assert_int_equal(store_begin(s, &e), HALL_OK);
		assert_int_equal(store_meta_set(s, "during_check", v, &e), HALL_OK);
		assert_int_equal(store_commit(s, &e), HALL_OK);
	}
	assert_true(now_s() - w0 < 5);
	assert_false(health_watch_poll(w, NULL, NULL));
	atomic_store(&release, 1);
	struct check_report r;
	bool ran = false;
	wait_done(w, &r, &ran);
	health_watch_stop(w);
	assert_true(ran);
	assert_true(r.ok);
	assert_false(store_damaged(s));
	char v[16];
	assert_int_equal(store_meta_get(s, "during_check", v, sizeof v), HALL_OK);
	assert_string_equal(v, "19");
	store_close(s);
	char mp[700];
	mark_of(p, mp, sizeof mp);
	assert_int_equal(access(mp, F_OK), -1);    /* a sound store is not marked */
}

static void slow(void *ud)
{
	(void)ud;
	usleep(200);
}

static void test_watch_stops_at_once(void **state)
{
	(void)state;
	char p[600];
	fresh(p, sizeof p, 3000);
	struct store *s;
	struct hall_err e;
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	struct health_watch *w;
	/* slowed down to take many seconds: the quit must not wait for it */
	assert_int_equal(health_watch_start(s, slow, NULL, &w, &e), HALL_OK);
	usleep(20000);
	double t0 = now_s();
	health_watch_stop(w);
	assert_true(now_s() - t0 < 1.0);
	assert_false(store_damaged(s));
	store_close(s);
	health_watch_stop(NULL);
}

static void test_restore_removes_mark(void **state)
{
	(void)state;
	char p[600], b[700], mp[700];
	fresh(p, sizeof p, 10);
	struct store *s;
	struct hall_err e;
	struct backup_info info;
	snprintf(b, sizeof b, "%s/backup%d.db", dir, nstore);
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	assert_int_equal(backup_make(s, NULL, b, &info, &e), HALL_OK);
	/* hall backup records where the latest backup is */
	char last[700];
	assert_int_equal(store_meta_get(s, "last_backup", last, sizeof last), HALL_OK);
	char full[PATH_MAX];
	assert_non_null(realpath(b, full));
	assert_string_equal(last, full);
	store_close(s);
	assert_int_equal(health_mark_write(p, "check", "broken", last, &e), HALL_OK);
	/* the administrator moves the damaged store aside and restores */
	char aside[700];
	snprintf(aside, sizeof aside, "%s.damaged", p);
	assert_int_equal(rename(p, aside), 0);
	assert_int_equal(backup_restore(b, p, &info, &e), HALL_OK);
	mark_of(p, mp, sizeof mp);
	assert_int_equal(access(mp, F_OK), -1);
	assert_int_equal(store_open(p, STORE_RW, &s, &e), HALL_OK);
	assert_false(store_damaged(s));
	assert_int_equal(store_begin(s, &e), HALL_OK);
	store_rollback(s);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mark),
		cmocka_unit_test(test_not_a_store_not_marked),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_corrupt_during_work),
		cmocka_unit_test(test_corrupt_in_open_transaction),
		cmocka_unit_test(test_watch_finds_damage),
		cmocka_unit_test(test_watch_work_goes_on),
		cmocka_unit_test(test_watch_stops_at_once),
		cmocka_unit_test(test_restore_removes_mark),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
