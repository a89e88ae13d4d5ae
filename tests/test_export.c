/*
 * test_export.c - the Excel export in process: a demo store plus exact
 * fixtures written with SQL on "today" (HALL_NOW), exported and read back.
 * Checks the file and its totals against the store, the temporary file and
 * the move into place, refusal without force, bad dates and periods, roles,
 * an empty day, cancellation, a full disk (RLIMIT_FSIZE in a child), both
 * writing modes, and the read-back check on hand-made broken packages.
 * The sheet contents are compared cell by cell with SQL in t_export.sh
 * (openpyxl); here the members are inflated with zlib to find texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <zlib.h>

#include "hall/audit.h"
#include "hall/auth.h"
#include "hall/demo.h"
#include "hall/export.h"
#include "hall/store.h"
#include "hall/utf8.h"

#define NOW "2026-05-12T02:00:00Z"   /* Tuesday 10:00 in Beijing */
#define TODAY "2026-05-12"

static char dir[512], db[700];   /* outputs in dir, the store in dir/store */
static struct store *S;
static struct hall_actor manager, clerk, clerk2, admin;
static char busy_day[11];            /* the demo day with most payments */
static char account[24];             /* an account for the fixtures */

/* ------------------------------------------------------------ helpers */

static int64_t q_int(const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(S), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(S)));
	if (a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static void q_text(const char *sql, char *out, size_t outsz)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(S), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(S), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static void actor_of(const char *id, struct hall_actor *a)
{
	struct hall_err e;
	memset(a, 0, sizeof *a);
	if (auth_user_get(S, id, &a->user, &e) != HALL_OK)
		fail_msg("%s", e.en);
	a->counter = 1;
}

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

/* Names in dir containing part (temporary files left behind). */
static int count_files(const char *part)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strstr(e->d_name, part))
			n++;
	closedir(d);
	return n;
}

/* Compare a return code, showing the message when it differs. */
#define expect_rc(call, want, e) do { \
	int rc_ = (call); \
	if (rc_ != (want)) \
		fail_msg("%s: got %d, wanted %d: %s", #call, rc_, (int)(want), (e)->en); \
} while (0)

static bool exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0;
}

static int run(const struct hall_actor *who, enum export_report r,
               const char *from, const char *to, const char *path,
               bool force, struct export_result *res, struct hall_err *e)
{
	struct export_options o;
	export_options_init(&o);
	o.report = r;
	o.from = from;
	o.to = to;
	o.path = path;
	o.force = force;
	return export_run(S, who, &o, res, e);
}

/* The text of one member of a zip (stored or deflated), malloc'd. */
static char *member(const char *path, const char *name)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	unsigned char *z = malloc((size_t)n);
	assert_non_null(z);
	assert_int_equal(fread(z, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	char *out = NULL;
	for (long i = 0; i + 30 < n && !out; i++) {
		if (memcmp(z + i, "PK\3\4", 4) != 0)
			continue;
		unsigned method = z[i + 8] | z[i + 9] << 8;
		unsigned long csize = z[i + 18] | z[i + 19] << 8 | (unsigned long)z[i + 20] << 16 | (unsigned long)z[i + 21] << 24;
		unsigned long usize = z[i + 22] | z[i + 23] << 8 | (unsigned long)z[i + 24] << 16 | (unsigned long)z[i + 25] << 24;
		unsigned nl = z[i + 26] | z[i + 27] << 8, el = z[i + 28] | z[i + 29] << 8;
		if (nl != strlen(name) || memcmp(z + i + 30, name, nl) != 0)
			continue;
		unsigned char *data = z + i + 30 + nl + el;
		out = calloc(1, usize + 1);
		assert_non_null(out);
		if (method == 0) {
			memcpy(out, data, usize);
		} else {
			z_stream s;
			memset(&s, 0, sizeof s);
			assert_int_equal(inflateInit2(&s, -MAX_WBITS), Z_OK);
			s.next_in = data;
			s.avail_in = (uInt)csize;
			s.next_out = (unsigned char *)out;
			s.avail_out = (uInt)usize;
			assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
			inflateEnd(&s);
		}
	}
	free(z);
	return out;
}

/* All the text of a workbook's sheets and shared strings. */
static bool workbook_has(const char *path, const char *text)
{
	static const char *const parts[] = { "xl/sharedStrings.xml",
		"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
		"xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml",
		"xl/worksheets/sheet5.xml", "xl/worksheets/sheet6.xml", "xl/workbook.xml" };
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		char *m = member(path, parts[i]);
		bool yes = m && strstr(m, text);
		free(m);
		if (yes)
			return true;
	}
	return false;
}

/* Does one of the workbook's charts contain text? */
static bool chart_has(const char *path, const char *text)
{
	bool yes = false;
	for (int i = 1; i <= 8 && !yes; i++) {
		char name[64];
		snprintf(name, sizeof name, "xl/charts/chart%d.xml", i);
		char *m = member(path, name);
		yes = m && strstr(m, text);
		free(m);
	}
	return yes;
}

/* ------------------------------------------------------------ fixture */

static void fixtures(void)
{
	char sql[4096];
	q_text("SELECT account_no FROM customers WHERE status = 'normal' ORDER BY id LIMIT 1",
	       account, sizeof account);
	/* today: three payments by 1001 (one reversed), one by 1002 at counter 2 */
	snprintf(sql, sizeof sql,
		"INSERT INTO payments(receipt_no, account_no, amount_fen, method, reference,"
		" status, business_date, hall, counter, staff_id, created_at) VALUES"
		" ('SFT0001', '%s', 12345, 'cash', '', 'ok', '" TODAY "', '001', 1, '1001', '2026-05-12T01:01:00Z'),"
		" ('SFT0002', '%s', 99, 'wechat', 'WX1', 'ok', '" TODAY "', '001', 1, '1001', '2026-05-12T01:02:00Z'),"
		" ('SFT0003', '%s', 5000, 'card', 'POS9', 'void', '" TODAY "', '001', 1, '1001', '2026-05-12T01:03:00Z'),"
		" ('SFT0004', '%s', 700001, 'transfer', 'TR7', 'ok', '" TODAY "', '001', 2, '1002', '2026-05-12T01:04:00Z');",
		account, account, account, account);
	exec(sql);
	snprintf(sql, sizeof sql,
		"INSERT INTO reversals(payment_id, receipt_no, account_no, amount_fen, reason,"
		" business_date, staff_id, approver_id, counter, created_at)"
		" SELECT id, receipt_no, account_no, amount_fen, '金额输错', business_date,"
		" staff_id, '9001', counter, '2026-05-12T01:05:00Z' FROM payments WHERE receipt_no = 'SFT0003'");
	exec(sql);
}

static int group_setup(void **state)
{
	(void)state;
	utf8_init();
	setenv("HALL_NOW", NOW, 1);
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	unsetenv("HALL_LANG");
	hall_lang_set(HALL_LANG_ZH);
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/export.XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db, sizeof db, "%s/store", dir);
	if (mkdir(db, 0755) != 0)
		return -1;
	snprintf(db, sizeof db, "%s/store/hall.db", dir);
	struct demo_options o;
	demo_options_init(&o);
	o.customers = 400;
	struct hall_err e;
	if (demo_create(db, &o, &e) != HALL_OK) {
		fprintf(stderr, "demo_create: %s\n", hall_err_msg(&e));
		return -1;
	}
	if (store_open(db, STORE_RW, &S, &e) != HALL_OK) {
		fprintf(stderr, "store_open: %s\n", hall_err_msg(&e));
		return -1;
	}
	actor_of("9001", &manager);
	actor_of("1001", &clerk);
	actor_of("1002", &clerk2);
	actor_of("0001", &admin);
	fixtures();
	q_text("SELECT business_date FROM payments WHERE business_date < '" TODAY "'"
	       " GROUP BY business_date ORDER BY count(*) DESC, business_date LIMIT 1",
	       busy_day, sizeof busy_day);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	store_close(S);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ tests */

static void test_names_and_periods(void **state)
{
	(void)state;
	enum export_report r;
	struct hall_err e;
	assert_int_equal(export_report_parse("daily", &r, &e), HALL_OK);
	assert_int_equal(r, EXPORT_DAILY);
	assert_int_equal(export_report_parse("applications", &r, &e), HALL_OK);
	assert_int_equal(r, EXPORT_APPLICATIONS);
	assert_int_equal(export_report_parse("weekly", &r, &e), HALL_EINVAL);
	assert_non_null(strstr(e.zh, "weekly"));
	assert_string_equal(export_report_key(EXPORT_COMPLAINTS), "complaints");

	char f[11], t[11];
	assert_int_equal(export_period(NULL, NULL, NULL, f, t, &e), HALL_OK);
	assert_string_equal(f, TODAY);
	assert_string_equal(t, TODAY);
	assert_int_equal(export_period("20260503", NULL, NULL, f, t, &e), HALL_OK);
	assert_string_equal(f, "2026-05-03");
	assert_string_equal(t, "2026-05-03");
	assert_int_equal(export_period(NULL, "2026-05-01", "2026-05-31", f, t, &e), HALL_OK);
	assert_string_equal(t, "2026-05-31");
	/* from after to */
	assert_int_equal(export_period(NULL, "2026-05-31", "2026-05-01", f, t, &e), HALL_EINVAL);
	assert_string_equal(e.field, "to");
	assert_non_null(strstr(e.zh, "2026-05-31"));
	/* impossible and malformed dates */
	assert_int_equal(export_period("2026-02-30", NULL, NULL, f, t, &e), HALL_EINVAL);
	assert_non_null(strstr(e.zh, "--date"));
	assert_int_equal(export_period(NULL, "2026-13-01", "2026-12-01", f, t, &e), HALL_EINVAL);
	assert_int_equal(export_period("yesterday", NULL, NULL, f, t, &e), HALL_EINVAL);
	/* date with a period, half a period */
	assert_int_equal(export_period("2026-05-01", "2026-05-01", NULL, f, t, &e), HALL_EINVAL);
	assert_int_equal(export_period(NULL, "2026-05-01", NULL, f, t, &e), HALL_EINVAL);
	assert_string_equal(e.field, "to");
	assert_int_equal(export_period(NULL, NULL, "2026-05-01", f, t, &e), HALL_EINVAL);

	char name[128];
	export_suggest_name(S, EXPORT_DAILY, "2026-05-06", "2026-05-06", name, sizeof name);
	assert_string_equal(name, "daily-001-2026-05-06.xlsx");
	export_suggest_name(S, EXPORT_PAYMENTS, "2026-05-01", "2026-05-31", name, sizeof name);
	assert_string_equal(name, "payments-001-2026-05-01_2026-05-31.xlsx");
}

/* The demo's busiest day: every sheet, totals equal the store's. */
static void test_daily_reconciles(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "daily.xlsx");
	struct export_result res;
	struct hall_err e;
	expect_rc(run(&manager, EXPORT_DAILY, busy_day, busy_day, p, false, &res, &e), HALL_OK, &e);
	assert_true(exists(p));
	assert_int_equal(export_verify_xlsx(p, &e), HALL_OK);
	assert_int_equal(res.sheets, 6);
	assert_false(res.const_mem);
	assert_false(res.empty);
	assert_int_equal(res.payment_rows,
		q_int("SELECT count(*) FROM payments WHERE business_date = ?1", busy_day, NULL) +
		q_int("SELECT count(*) FROM reversals WHERE business_date = ?1", busy_day, NULL));
	assert_true(res.payment_rows > 0);
	assert_int_equal(res.takings_fen,
		q_int("SELECT sum(amount_fen) FROM payments WHERE business_date = ?1 AND status = 'ok'",
		      busy_day, NULL));
	assert_true(res.bytes > 0);
	assert_int_equal(count_files(".tmp-"), 0);
	/* sheet names, and no phone or ID number in the clear */
	char *wb = member(p, "xl/workbook.xml");
	assert_non_null(wb);
	for (size_t i = 0; i < 6; i++) {
		static const char *const names[] = { "汇总", "收费明细", "业扩台账", "变更台账", "投诉台账", "图表" };
		assert_non_null(strstr(wb, names[i]));
	}
	free(wb);
	char phone[32];
	q_text("SELECT phone FROM complaints ORDER BY id LIMIT 1", phone, sizeof phone);
	assert_false(workbook_has(p, phone));
	char id[40];
	q_text("SELECT id_number FROM applications ORDER BY id LIMIT 1", id, sizeof id);
	assert_false(workbook_has(p, id));
	/* page setup: A4 landscape, one page wide; header with the hall */
	char *s1 = member(p, "xl/worksheets/sheet2.xml");
	assert_non_null(s1);
	assert_non_null(strstr(s1, "paperSize=\"9\""));
	assert_non_null(strstr(s1, "orientation=\"landscape\""));
	assert_non_null(strstr(s1, "fitToHeight=\"0\""));
	assert_non_null(strstr(s1, "<autoFilter"));
	assert_non_null(strstr(s1, "state=\"frozen\""));
	assert_non_null(strstr(s1, "鼓楼供电营业厅"));
	assert_non_null(strstr(s1, "&amp;P"));
	assert_non_null(strstr(s1, "SUMIFS("));
	free(s1);
	/* charts: the takings pie and the two trend charts at least */
	assert_true(chart_has(p, "<c:pieChart>"));
	assert_true(chart_has(p, "<c:lineChart>"));
	unlink(p);
}

static void test_fixture_day_and_formulas(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "today.xlsx");
	struct export_result res;
	struct hall_err e;
	assert_int_equal(run(&manager, EXPORT_PAYMENTS, TODAY, TODAY, p, false, &res, &e), HALL_OK);
	/* 4 payments + 1 reversal; takings exclude the reversed one */
	assert_int_equal(res.payment_rows, 5);
	assert_int_equal(res.takings_fen, 12345 + 99 + 700001);
	assert_int_equal(res.sheets, 1);
	char *sh = member(p, "xl/worksheets/sheet1.xml");
	assert_non_null(sh);
	/* cached formula results: method cash 123.45, the total 7124.45 */
	assert_non_null(strstr(sh, "<v>123.45</v>"));
	assert_non_null(strstr(sh, "<v>7124.45</v>"));
	assert_non_null(strstr(sh, "<v>-50</v>"));   /* the reversal row */
	assert_non_null(strstr(sh, "COUNTIFS("));
	assert_non_null(strstr(sh, "SUMPRODUCT("));
	free(sh);
	assert_true(workbook_has(p, "金额输错"));
	unlink(p);
}

static void test_refuses_overwrite(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "keep.xlsx");
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("do not touch", f);
	fclose(f);
	struct stat before, after;
	assert_int_equal(stat(p, &before), 0);
	struct hall_err e;
	assert_int_equal(run(&manager, EXPORT_DAILY, TODAY, TODAY, p, false, NULL, &e), HALL_EEXIST);
	assert_non_null(strstr(e.zh, "--force"));
	assert_int_equal(stat(p, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(count_files(".tmp-"), 0);
	/* with force: replaced by a new file (a rename, so a new inode) */
	assert_int_equal(run(&manager, EXPORT_DAILY, TODAY, TODAY, p, true, NULL, &e), HALL_OK);
	assert_int_equal(stat(p, &after), 0);
	assert_true(after.st_size > before.st_size);
	assert_true(after.st_ino != before.st_ino);
	assert_int_equal(export_verify_xlsx(p, &e), HALL_OK);
	assert_int_equal(count_files(".tmp-"), 0);
	unlink(p);
	/* a folder is never replaced, force or not */
	path_in(p, sizeof p, "folder.xlsx");
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(run(&manager, EXPORT_DAILY, TODAY, TODAY, p, true, NULL, &e), HALL_EEXIST);
	rmdir(p);
}

static void test_bad_input_writes_nothing(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "bad.xlsx");
	struct hall_err e;
	struct export_options o;
	export_options_init(&o);
	o.path = p;
	o.from = "2026-05-10";
	o.to = "2026-05-01";
	assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_EINVAL);
	assert_string_equal(e.field, "to");
	o.from = "2026-02-29";   /* not a leap year */
	o.to = "2026-03-01";
	assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_EINVAL);
	o.from = o.to = TODAY;
	o.counter = 100;
	assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_EINVAL);
	assert_string_equal(e.field, "counter");
	o.counter = 0;
	o.report = (enum export_report)9;
	assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_EINVAL);
	o.report = EXPORT_DAILY;
	/* the name must end in .xlsx; no name at all */
	char q[700];
	path_in(q, sizeof q, "bad.xls");
	o.path = q;
	assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_EINVAL);
	assert_string_equal(e.field, "output");
	o.path = "";
	assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_EINVAL);
	/* a folder that does not exist; a "folder" that is a file */
	path_in(q, sizeof q, "no/such/dir/x.xlsx");
	o.path = q;
	assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_EIO);
	assert_non_null(strstr(e.zh, "不存在"));
	path_in(q, sizeof q, "plain");
	FILE *f = fopen(q, "w");
	assert_non_null(f);
	fclose(f);
	path_in(q, sizeof q, "plain/x.xlsx");
	assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_EIO);
	path_in(q, sizeof q, "plain");
	unlink(q);
	/* a read-only folder (not for root, who may write anyway) */
	if (geteuid() != 0) {
		path_in(q, sizeof q, "ro");
		assert_int_equal(mkdir(q, 0555), 0);
		path_in(q, sizeof q, "ro/x.xlsx");
		o.path = q;
		assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_EIO);
		assert_false(exists(q));
		path_in(q, sizeof q, "ro");
		rmdir(q);
	}
	/* never into the store's own folder */
	snprintf(q, sizeof q, "%s/store/x.xlsx", dir);
	o.path = q;
	expect_rc(export_run(S, &manager, &o, NULL, &e), HALL_EPERM, &e);
	assert_non_null(strstr(e.zh, "数据库所在的文件夹"));
	assert_false(exists(q));
	assert_false(exists(p));
	assert_int_equal(count_files(".tmp-"), 0);
	assert_int_equal(count_files(".xls"), 0);
}

static void test_roles(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "clerk.xlsx");
	struct export_result res;
	struct hall_err e;
	/* a clerk: not another day, not a period */
	assert_int_equal(run(&clerk, EXPORT_DAILY, busy_day, busy_day, p, false, NULL, &e), HALL_EPERM);
	assert_non_null(strstr(e.zh, "营业员只能导出本人当天"));
	assert_int_equal(run(&clerk, EXPORT_PAYMENTS, "2026-05-01", TODAY, p, false, NULL, &e), HALL_EPERM);
	assert_false(exists(p));
	/* today: only their own records */
	assert_int_equal(run(&clerk, EXPORT_DAILY, TODAY, TODAY, p, false, &res, &e), HALL_OK);
	assert_int_equal(res.payment_rows, 4);          /* 3 payments and the reversal */
	assert_int_equal(res.takings_fen, 12345 + 99);
	assert_false(workbook_has(p, "SFT0004"));
	assert_true(workbook_has(p, "SFT0001"));
	unlink(p);
	assert_int_equal(run(&clerk2, EXPORT_PAYMENTS, TODAY, TODAY, p, false, &res, &e), HALL_OK);
	assert_int_equal(res.payment_rows, 1);
	assert_int_equal(res.takings_fen, 700001);
	unlink(p);
	/* a manager limits to one counter; an admin may export too */
	struct export_options o;
	export_options_init(&o);
	o.report = EXPORT_PAYMENTS;
	o.from = o.to = TODAY;
	o.path = p;
	o.counter = 2;
	assert_int_equal(export_run(S, &manager, &o, &res, &e), HALL_OK);
	assert_int_equal(res.payment_rows, 1);
	assert_int_equal(res.takings_fen, 700001);
	unlink(p);
	assert_int_equal(run(&admin, EXPORT_COMPLAINTS, busy_day, TODAY, p, false, &res, &e), HALL_OK);
	unlink(p);
	/* an inactive user is refused */
	struct hall_actor gone = clerk;
	gone.user.active = false;
	assert_int_equal(run(&gone, EXPORT_DAILY, TODAY, TODAY, p, false, NULL, &e), HALL_EPERM);
	assert_false(exists(p));
}

static void test_empty_day(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "empty.xlsx");
	struct export_result res;
	struct hall_err e;
	const char *day = "2030-01-07";
	assert_int_equal(run(&manager, EXPORT_DAILY, day, day, p, false, &res, &e), HALL_OK);
	assert_true(res.empty || res.payment_rows == 0);
	assert_int_equal(res.payment_rows, 0);
	assert_int_equal(res.takings_fen, 0);
	assert_int_equal(export_verify_xlsx(p, &e), HALL_OK);
	assert_true(workbook_has(p, "本期间没有收费记录"));
	assert_true(workbook_has(p, "本期间没有投诉"));
	unlink(p);
	/* each report alone (the ledgers still list the orders open now) */
	for (int r = EXPORT_PAYMENTS; r < EXPORT__COUNT; r++) {
		assert_int_equal(run(&manager, (enum export_report)r, day, day, p, false, &res, &e), HALL_OK);
		assert_int_equal(export_verify_xlsx(p, &e), HALL_OK);
		if (r == EXPORT_PAYMENTS)
			assert_true(workbook_has(p, "本期间没有收费记录"));
		unlink(p);
	}
}

static bool cancel_half(void *ud, long done, long total)
{
	int *calls = ud;
	(*calls)++;
	return done * 4 < total;   /* rows are the first half of the work */
}

static void test_cancel_leaves_nothing(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "cancel.xlsx");
	struct export_options o;
	export_options_init(&o);
	o.report = EXPORT_PAYMENTS;
	o.from = "2026-01-01";
	o.to = TODAY;
	o.path = p;
	int calls = 0;
	o.progress = cancel_half;
	o.ud = &calls;
	struct hall_err e;
	expect_rc(export_run(S, &manager, &o, NULL, &e), HALL_ESTATE, &e);
	assert_true(calls > 1);
	assert_false(exists(p));
	assert_int_equal(count_files(".tmp-"), 0);
	/* the same in constant_memory mode */
	o.const_mem_rows = 1;
	calls = 0;
	assert_int_equal(export_run(S, &manager, &o, NULL, &e), HALL_ESTATE);
	assert_false(exists(p));
	assert_int_equal(count_files(".tmp-"), 0);
}

static bool count_calls(void *ud, long done, long total)
{
	long *last = ud;
	assert_true(done >= *last);
	assert_true(done <= total);
	*last = done;
	return true;
}

/* The deflate-level bits (1-2) of the general purpose flags of every
 * member's local header: minizip writes 6 for level 1, 0 for level 6.
 * Returns the flags all members share, or -1 when they differ. */
static int zip_level_bits(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char h[30];
	int bits = -2;
	long pos = 0;
	while (fseek(f, pos, SEEK_SET) == 0 && fread(h, 1, 30, f) == 30 &&
	       h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
		int b = h[6] & 6;
		bits = bits == -2 || bits == b ? b : -1;
		assert_int_equal(h[6] & 8, 0);   /* sizes in the header itself */
		long csize = (long)h[18] | (long)h[19] << 8 | (long)h[20] << 16 | (long)h[21] << 24;
		pos += 30 + (h[26] | h[27] << 8) + (h[28] | h[29] << 8) + csize;
	}
	fclose(f);
	return bits;
}

/* Every finished export writes one audit event ("export": who, report,
 * period, rows, file) after the file is in place; a refused export writes
 * none; when the event cannot be written the file is taken back. */
static void test_audit_event(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "audited.xlsx");
	const char *count_sql = "SELECT count(*) FROM audit WHERE kind = 'export'";
	int64_t n0 = q_int(count_sql, NULL, NULL);
	struct hall_err e;
	struct export_result res;
	struct export_options o;
	export_options_init(&o);
	o.report = EXPORT_PAYMENTS;
	o.from = "2026-02-01";
	o.to = TODAY;
	o.path = p;
	expect_rc(export_run(S, &manager, &o, &res, &e), HALL_OK, &e);
	assert_int_equal(q_int(count_sql, NULL, NULL), n0 + 1);
	char detail[1100], want[400];
	q_text("SELECT staff_id || ' ' || target || ' ' || detail FROM audit WHERE kind = 'export'"
	       " ORDER BY id DESC LIMIT 1", detail, sizeof detail);
	snprintf(want, sizeof want, "9001 audited.xlsx report=payments from=2026-02-01 to=%s"
	         " counter=0 scope=all rows=%ld payment_rows=%ld", TODAY, res.rows, res.payment_rows);
	assert_non_null(strstr(detail, want));
	assert_non_null(strstr(detail, p));
	/* refused (the file exists, no force): no event, the file untouched */
	assert_int_equal(export_run(S, &manager, &o, &res, &e), HALL_EEXIST);
	assert_int_equal(q_int(count_sql, NULL, NULL), n0 + 1);
	/* the event cannot be written: an error, and no file */
	unlink(p);
	exec("CREATE TEMP TRIGGER no_export BEFORE INSERT ON audit WHEN new.kind = 'export'"
	     " BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
	assert_int_not_equal(export_run(S, &manager, &o, &res, &e), HALL_OK);
	assert_non_null(strstr(e.zh, "审计日志"));
	exec("DROP TRIGGER temp.no_export");
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(count_files(".tmp-"), 0);
	assert_int_equal(q_int(count_sql, NULL, NULL), n0 + 1);
	struct audit_verify v;
	assert_int_equal(audit_verify(S, &manager, &v, &e), HALL_OK);
	assert_int_equal(v.bad_id, 0);
}

/* The working-day calendar is read once per export, however many work
 * orders the ledgers hold (it used to be read again for every order). */
static int count_calendar(unsigned type, void *ud, void *p, void *x)
{
	(void)x;
	const char *sql = type == SQLITE_TRACE_STMT ? sqlite3_sql(p) : NULL;
	if (sql && strstr(sql, "FROM calendar_years"))
		(*(int *)ud)++;
	return 0;
}

static void test_calendar_once(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "calendar.xlsx");
	int loads = 0;
	sqlite3_trace_v2(store_db(S), SQLITE_TRACE_STMT, count_calendar, &loads);
	struct export_result res;
	struct hall_err e;
	int rc = run(&manager, EXPORT_DAILY, "2026-02-01", TODAY, p, true, &res, &e);
	sqlite3_trace_v2(store_db(S), 0, NULL, NULL);
	expect_rc(rc, HALL_OK, &e);
	int64_t orders = q_int("SELECT (SELECT count(*) FROM applications) + (SELECT count(*) FROM changes)"
	                       " + (SELECT count(*) FROM complaints)", NULL, NULL);
	assert_true(orders > 10);
	assert_true(res.rows - res.payment_rows > 10);
	assert_int_equal(loads, 1);
	unlink(p);
}

/* constant_memory gives the same figures as the normal mode. */
static void test_both_modes(void **state)
{
	(void)state;
	char p[700], q[700];
	path_in(p, sizeof p, "normal.xlsx");
	path_in(q, sizeof q, "stream.xlsx");
	struct export_options o;
	export_options_init(&o);
	o.report = EXPORT_DAILY;
	o.from = "2026-02-01";
	o.to = TODAY;
	o.path = p;
	long last = 0;
	o.progress = count_calls;
	o.ud = &last;
	struct export_result a, b;
	struct hall_err e;
	assert_int_equal(export_run(S, &manager, &o, &a, &e), HALL_OK);
	assert_false(a.const_mem);
	o.path = q;
	o.const_mem_rows = 1;
	last = 0;
	expect_rc(export_run(S, &manager, &o, &b, &e), HALL_OK, &e);
	assert_true(b.const_mem);
	assert_int_equal(a.rows, b.rows);
	assert_int_equal(a.payment_rows, b.payment_rows);
	assert_int_equal(a.takings_fen, b.takings_fen);
	assert_int_equal(a.takings_fen,
		q_int("SELECT sum(amount_fen) FROM payments WHERE status = 'ok'"
		      " AND business_date BETWEEN ?1 AND ?2", "2026-02-01", TODAY));
	assert_int_equal(export_verify_xlsx(q, &e), HALL_OK);
	/* a streamed (large) export packs at level 1, a small one at
	 * libxlsxwriter's own level 6; and the level stays with the export:
	 * a workbook closed outside it gets the library's own level again */
	assert_int_equal(zip_level_bits(q), 6);
	assert_int_equal(zip_level_bits(p), 0);
	char r[700];
	path_in(r, sizeof r, "plain.xlsx");
	lxw_workbook *wb = workbook_new(r);
	assert_non_null(wb);
	worksheet_write_string(workbook_add_worksheet(wb, NULL), 0, 0, "x", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	assert_int_equal(zip_level_bits(r), 0);
	unlink(r);
	/* inline strings in the streamed file, shared strings in the other */
	char *m = member(q, "xl/worksheets/sheet2.xml");
	assert_non_null(strstr(m, "inlineStr"));
	free(m);
	/* the period has complaints: the Pareto column chart is there */
	assert_true(chart_has(p, "<c:barChart>"));
	assert_true(chart_has(q, "<c:barChart>"));
	assert_true(chart_has(q, "<c:pieChart>"));
	unlink(p);
	unlink(q);
}

/* A full disk (a file size limit here) gives a clear error and no file. */
static void full_disk(long limit, long const_mem_rows)
{
	char p[700];
	path_in(p, sizeof p, "full.xlsx");
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = { .rlim_cur = (rlim_t)limit, .rlim_max = RLIM_INFINITY };
		setrlimit(RLIMIT_FSIZE, &rl);
		struct export_options o;
		export_options_init(&o);
		o.report = EXPORT_DAILY;
		o.from = "2026-01-01";
		o.to = TODAY;
		o.path = p;
		o.const_mem_rows = const_mem_rows;
		struct hall_err e;
		int rc = export_run(S, &manager, &o, NULL, &e);
		if (rc == HALL_EIO && (strstr(e.zh, "磁盘已满") || strstr(e.zh, "不完整")))
			_exit(0);
		fprintf(stderr, "rc %d: %s\n", rc, e.zh);
		_exit(1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(exists(p));
	assert_int_equal(count_files(".tmp-"), 0);
}

static void test_full_disk(void **state)
{
	(void)state;
	/* 20 KiB: the zip itself cannot be written.  40 and 100 KiB: the zip
	 * fits but libxlsxwriter's own temporary XML does not, which it does
	 * not notice; the read-back (normal mode) or the row-stream check
	 * (constant_memory) does. */
	full_disk(20 * 1024, 0);
	full_disk(40 * 1024, 0);
	full_disk(100 * 1024, 0);
	full_disk(20 * 1024, 1);
	full_disk(40 * 1024, 1);
	full_disk(100 * 1024, 1);
}

/* ---------------------------------------------- the read-back check */

static void put16(FILE *f, unsigned v) { fputc((int)(v & 255), f); fputc((int)(v >> 8 & 255), f); }
static void put32(FILE *f, unsigned long v) { put16(f, (unsigned)(v & 0xffff)); put16(f, (unsigned)(v >> 16)); }

/* A stored (uncompressed) zip of the given members. */
static void write_zip(const char *path, const char *const *names,
                      const char *const *texts, int n, bool bad_crc)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	unsigned long off[8];
	for (int i = 0; i < n; i++) {
		size_t len = strlen(texts[i]);
		unsigned long crc = crc32(0L, (const Bytef *)texts[i], (uInt)len) ^ (bad_crc ? 1 : 0);
		off[i] = (unsigned long)ftell(f);
		put32(f, 0x04034b50); put16(f, 20); put16(f, 0); put16(f, 0);
		put16(f, 0); put16(f, 0x21); put32(f, crc); put32(f, len); put32(f, len);
		put16(f, (unsigned)strlen(names[i])); put16(f, 0);
		fputs(names[i], f);
		fwrite(texts[i], 1, len, f);
	}
	unsigned long cd = (unsigned long)ftell(f);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(texts[i]);
		unsigned long crc = crc32(0L, (const Bytef *)texts[i], (uInt)len) ^ (bad_crc ? 1 : 0);
		put32(f, 0x02014b50); put16(f, 20); put16(f, 20); put16(f, 0); put16(f, 0);
		put16(f, 0); put16(f, 0x21); put32(f, crc); put32(f, len); put32(f, len);
		put16(f, (unsigned)strlen(names[i])); put16(f, 0); put16(f, 0); put16(f, 0);
		put16(f, 0); put32(f, 0); put32(f, off[i]);
		fputs(names[i], f);
	}
	unsigned long end = (unsigned long)ftell(f);
	put32(f, 0x06054b50); put16(f, 0); put16(f, 0); put16(f, (unsigned)n);
	put16(f, (unsigned)n); put32(f, end - cd); put32(f, cd); put16(f, 0);
	fclose(f);
}

static void test_verify(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "hand.xlsx");
	static const char *const names[] = { "[Content_Types].xml", "xl/workbook.xml",
		"xl/worksheets/sheet1.xml" };
	const char *good[] = { "<?xml version=\"1.0\"?>\n<Types a=\"1\"></Types>",
		"<?xml version=\"1.0\"?><workbook><sheets/></workbook>\n",
		"<?xml version=\"1.0\"?><worksheet><sheetData/></worksheet>" };
	struct hall_err e;
	write_zip(p, names, good, 3, false);
	assert_int_equal(export_verify_xlsx(p, &e), HALL_OK);
	/* a part cut short, with a CRC that matches what is there: the case
	 * libxlsxwriter cannot see when its temporary file hit a full disk */
	const char *cut[] = { good[0], good[1], "<?xml version=\"1.0\"?><worksheet><sheetData><row r=\"1\"><c" };
	write_zip(p, names, cut, 3, false);
	assert_int_equal(export_verify_xlsx(p, &e), HALL_EIO);
	assert_non_null(strstr(e.zh, "不完整"));
	/* a wrong CRC; a missing workbook part */
	write_zip(p, names, good, 3, true);
	assert_int_equal(export_verify_xlsx(p, &e), HALL_EIO);
	write_zip(p, names + 2, good + 2, 1, false);
	assert_int_equal(export_verify_xlsx(p, &e), HALL_EIO);
	/* a real export cut at any point is refused */
	char q[700];
	path_in(q, sizeof q, "real.xlsx");
	assert_int_equal(run(&manager, EXPORT_DAILY, TODAY, TODAY, q, false, NULL, &e), HALL_OK);
	struct stat sb;
	assert_int_equal(stat(q, &sb), 0);
	for (off_t len = sb.st_size - 1; len > 0; len = len * 2 / 3) {
		assert_int_equal(truncate(q, len), 0);
		assert_int_equal(export_verify_xlsx(q, &e), HALL_EIO);
	}
	unlink(q);
	unlink(p);
	path_in(p, sizeof p, "missing.xlsx");
	assert_int_equal(export_verify_xlsx(p, &e), HALL_EIO);
}

/* English labels follow the language. */
static void test_english(void **state)
{
	(void)state;
	char p[700];
	path_in(p, sizeof p, "en.xlsx");
	hall_lang_set(HALL_LANG_EN);
	struct hall_err e;
	int rc = run(&manager, EXPORT_DAILY, TODAY, TODAY, p, false, NULL, &e);
	hall_lang_set(HALL_LANG_ZH);
	assert_int_equal(rc, HALL_OK);
	char *wb = member(p, "xl/workbook.xml");
	assert_non_null(strstr(wb, "Summary"));
	assert_non_null(strstr(wb, "Payments"));
	free(wb);
	assert_true(workbook_has(p, "Subtotals by method"));
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_periods),
		cmocka_unit_test(test_daily_reconciles),
		cmocka_unit_test(test_fixture_day_and_formulas),
		cmocka_unit_test(test_refuses_overwrite),
		cmocka_unit_test(test_bad_input_writes_nothing),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_empty_day),
		cmocka_unit_test(test_cancel_leaves_nothing),
		cmocka_unit_test(test_both_modes),
		cmocka_unit_test(test_audit_event),
		cmocka_unit_test(test_calendar_once),
		cmocka_unit_test(test_full_disk),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_english),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
