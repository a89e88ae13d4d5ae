/* test_calendar.c - the working-day calendar: dates, the file format,
 * working-day and working-hour arithmetic across weekends, public holidays,
 * make-up working days and year ends, the store (import all or nothing,
 * the shipped seed equal to the shipped files) and the start-up warning. */
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

#include "hall/auth.h"
#include "hall/calendar.h"
#include "hall/store.h"

static char dir[512];
static struct hall_calendar *cal;   /* 2026 and 2027 from the shipped files */

static const char *forms_dir(void)
{
	const char *f = getenv("HALL_FORMS");
	return f && *f ? f : "forms";
}

static void shipped(int year, struct cal_year *y)
{
	char p[1024];
	struct hall_err e;
	snprintf(p, sizeof p, "%s/calendar-%d.cal", forms_dir(), year);
	if (calendar_parse_file(p, y, &e) != HALL_OK)
		fail_msg("%s", e.en);
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/cal.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	cal = calendar_new();
	assert_non_null(cal);
	struct cal_year *y = malloc(sizeof *y);
	assert_non_null(y);
	struct hall_err e;
	shipped(2026, y);
	assert_int_equal(calendar_add_year(cal, y, &e), HALL_OK);
	shipped(2027, y);
	assert_int_equal(calendar_add_year(cal, y, &e), HALL_OK);
	free(y);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	calendar_free(cal);
	return 0;
}

static int32_t D(const char *s)
{
	int32_t d;
	if (!cal_parse_date(s, &d))
		fail_msg("bad date %s", s);
	return d;
}

static void assert_date(int32_t day, const char *want)
{
	char got[11];
	cal_format_date(day, got);
	assert_string_equal(got, want);
}

/* wall seconds of "YYYY-MM-DD HH:MM" */
static int64_t W(const char *s)
{
	char d[11];
	int h, m;
	snprintf(d, sizeof d, "%.10s", s);
	assert_int_equal(sscanf(s + 11, "%d:%d", &h, &m), 2);
	return (int64_t)D(d) * 86400 + h * 3600 + m * 60;
}

static void assert_wall(int64_t w, const char *want)
{
	int32_t day = (int32_t)(w / 86400);
	int sec = (int)(w % 86400);
	char d[11], got[32];
	cal_format_date(day, d);
	snprintf(got, sizeof got, "%s %02d:%02d", d, sec / 3600, sec / 60 % 60);
	assert_string_equal(got, want);
}

static void test_dates(void **state)
{
	(void)state;
	int32_t d;
	assert_true(cal_parse_date("2026-02-28", &d));
	assert_false(cal_parse_date("2026-02-29", &d));
	assert_true(cal_parse_date("2028-02-29", &d));
	assert_false(cal_parse_date("2026-13-01", &d));
	assert_false(cal_parse_date("2026-1-01", &d));
	assert_false(cal_parse_date("2026-01-01x", &d));
	assert_false(cal_parse_date("", &d));
	assert_int_equal(cal_weekday(D("1970-01-01")), 4);   /* Thursday */
	assert_int_equal(cal_weekday(D("2026-10-10")), 6);   /* Saturday */
	assert_int_equal(cal_weekday(D("2026-09-20")), 7);   /* Sunday */
	assert_date(cal_add_months(D("2026-01-31"), 1), "2026-02-28");
	assert_date(cal_add_months(D("2027-12-31"), 2), "2028-02-29");
	assert_date(cal_add_months(D("2026-06-15"), 6), "2026-12-15");
	assert_date(cal_add_months(D("2026-11-30"), 3), "2027-02-28");
}

static void test_local_time(void **state)
{
	(void)state;
	int64_t w;
	/* Beijing time is UTC+8 all year (no daylight saving) */
	assert_true(cal_utc_to_wall("2026-09-30T02:00:00Z", &w));
	assert_wall(w, "2026-09-30 10:00");
	assert_true(cal_utc_to_wall("2026-12-31T16:30:00Z", &w));
	assert_wall(w, "2027-01-01 00:30");
	char utc[21];
	cal_wall_to_utc(W("2026-10-13 23:59") + 59, utc);
	assert_string_equal(utc, "2026-10-13T15:59:59Z");
	assert_false(cal_utc_to_wall("2026-09-30 02:00", &w));
}

static void test_file_format(void **state)
{
	(void)state;
	struct cal_year *y = malloc(sizeof *y);
	assert_non_null(y);
	struct hall_err e;
	assert_int_equal(calendar_parse(
		"# comment\n\nyear 2030\nstatus provisional\nsource 测试\n"
		"2030-10-02 off 国庆节\n2030-10-01 休 国庆节\n2030-09-29 班 调休\n", "t.cal", y, &e), HALL_OK);
	assert_int_equal(y->year, 2030);
	assert_true(y->provisional);
	assert_string_equal(y->source, "测试");
	assert_int_equal(y->ndays, 3);
	assert_date(y->days[0].day, "2030-09-29");   /* sorted */
	assert_true(y->days[0].work);
	assert_string_equal(y->days[1].name, "国庆节");

	static const struct { const char *text, *msg; } bad[] = {
		{ "2026-01-01 off x\n", "t.cal:1: 日期之前应先写 year 行" },
		{ "year 2026\n2027-01-01 off x\n", "t.cal:2: 日期 2027-01-01 不在 2026 年内" },
		{ "year 2026\n2026-09-21 work x\n", "t.cal:2: 2026-09-21 是星期一，本来就是工作日" },
		{ "year 2026\n2026-10-01 off\n# c\n2026-10-01 off\n", "t.cal:4: 日期 2026-10-01 重复" },
		{ "year 2026\n2026-10-01 holiday\n", "t.cal:2: 日期 2026-10-01 后应为 off" },
		{ "year 2026\n2026-02-30 off\n", "t.cal:2: 不认识“2026-02-30”" },
		{ "year 2026\nstatus maybe\n", "t.cal:2: status 应为 official" },
		{ "year 2026\nyear 2027\n", "t.cal:2: year 只能写一次" },
		{ "year 1899\n", "t.cal:1: year 后应为 1990 至 2200 的年份" },
		{ "# nothing\n", "t.cal: 缺少 year 行" },
		{ "year 2026\n2026-10-01 off 一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一\n",
		  "t.cal:2: 名称最多30个字" },
		{ "year 2026\nfoo bar\n", "t.cal:2: 不认识“foo”" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hall_err_clear(&e);
		assert_int_equal(calendar_parse(bad[i].text, "t.cal", y, &e), HALL_EINVAL);
		if (!strstr(e.zh, bad[i].msg))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, e.zh, bad[i].msg);
		assert_true(strncmp(e.en, "t.cal:", 6) == 0);
	}
	free(y);
}

static void put_line(void *ud, const char *line)
{
	char **p = ud;
	size_t n = strlen(line);
	memcpy(*p, line, n);
	(*p)[n] = '\n';
	*p += n + 1;
}

static void test_write_round_trip(void **state)
{
	(void)state;
	struct cal_year *a = malloc(sizeof *a), *b = malloc(sizeof *b);
	assert_non_null(a);
	assert_non_null(b);
	shipped(2026, a);
	char *text = calloc(1, 64 * 1024);
	assert_non_null(text);
	char *cursor = text;
	calendar_write(a, put_line, &cursor);
	struct hall_err e;
	assert_int_equal(calendar_parse(text, "w", b, &e), HALL_OK);
	assert_int_equal(a->ndays, b->ndays);
	assert_int_equal(a->year, b->year);
	assert_string_equal(a->source, b->source);
	for (int i = 0; i < a->ndays; i++) {
		assert_int_equal(a->days[i].day, b->days[i].day);
		assert_int_equal(a->days[i].work, b->days[i].work);
		assert_string_equal(a->days[i].name, b->days[i].name);
	}
	free(text);
	free(a);
	free(b);
}

static void test_workdays(void **state)
{
	(void)state;
	/* plain weekend: Friday + 1 = Monday; Saturday + 1 = Monday */
	assert_date(cal_add_workdays(cal, D("2026-11-27"), 1), "2026-11-30");
	assert_date(cal_add_workdays(cal, D("2026-11-28"), 1), "2026-11-30");
	assert_date(cal_add_workdays(cal, D("2026-11-23"), 5), "2026-11-30");
	assert_date(cal_add_workdays(cal, D("2026-11-23"), 0), "2026-11-23");
	/* National Day: Oct 1-7 off, Oct 10 (Saturday) a working day */
	assert_false(cal_is_workday(cal, D("2026-10-05")));
	assert_true(cal_is_workday(cal, D("2026-10-10")));
	assert_false(cal_is_workday(cal, D("2026-10-11")));
	assert_date(cal_add_workdays(cal, D("2026-09-30"), 1), "2026-10-08");
	assert_date(cal_add_workdays(cal, D("2026-09-30"), 3), "2026-10-10");
	assert_date(cal_add_workdays(cal, D("2026-09-30"), 5), "2026-10-13");
	/* make-up Sunday Sep 20 and the Mid-Autumn Friday Sep 25 */
	assert_date(cal_add_workdays(cal, D("2026-09-18"), 1), "2026-09-20");
	assert_date(cal_add_workdays(cal, D("2026-09-24"), 1), "2026-09-28");
	/* Spring Festival: Feb 14 (Sat) works, Feb 15-23 off */
	assert_date(cal_add_workdays(cal, D("2026-02-13"), 1), "2026-02-14");
	assert_date(cal_add_workdays(cal, D("2026-02-13"), 2), "2026-02-24");
	assert_date(cal_add_workdays(cal, D("2026-02-27"), 1), "2026-02-28");
	/* New Year 2026: Jan 4 (Sunday) works */
	assert_date(cal_add_workdays(cal, D("2025-12-31"), 1), "2026-01-04");
	/* year end into 2027: Jan 1 off, then the weekend */
	assert_date(cal_add_workdays(cal, D("2026-12-30"), 1), "2026-12-31");
	assert_date(cal_add_workdays(cal, D("2026-12-30"), 2), "2027-01-04");
	assert_date(cal_add_workdays(cal, D("2026-12-30"), 3), "2027-01-05");
	/* 2027 Spring Festival (provisional): Feb 5 and 8 off */
	assert_date(cal_add_workdays(cal, D("2027-02-04"), 1), "2027-02-09");
	/* counting between */
	assert_int_equal(cal_workdays_between(cal, D("2026-09-30"), D("2026-10-13")), 5);
	assert_int_equal(cal_workdays_between(cal, D("2026-10-13"), D("2026-09-30")), 0);
	assert_int_equal(cal_workdays_between(cal, D("2025-12-31"), D("2026-12-31")), 248);
	assert_string_equal(cal_day_name(cal, D("2026-10-10")), "国庆节调休上班");

	/* a year not in the calendar counts weekends only */
	struct hall_calendar *only = calendar_new();
	assert_non_null(only);
	struct cal_year *y = malloc(sizeof *y);
	assert_non_null(y);
	struct hall_err e;
	shipped(2026, y);
	assert_int_equal(calendar_add_year(only, y, &e), HALL_OK);
	assert_false(cal_covers(only, 2027));
	assert_true(cal_covers(only, 2026));
	assert_date(cal_add_workdays(only, D("2026-12-30"), 2), "2027-01-01");
	/* replacing a year drops its old days */
	y->ndays = 0;
	assert_int_equal(calendar_add_year(only, y, &e), HALL_OK);
	assert_true(cal_is_workday(only, D("2026-10-05")));
	free(y);
	calendar_free(only);
}

static void test_work_hours(void **state)
{
	(void)state;
	/* default window 08:30-17:30 */
	assert_wall(cal_add_work_seconds(cal, W("2026-11-27 16:30"), 2 * 3600), "2026-11-30 09:30");
	assert_wall(cal_add_work_seconds(cal, W("2026-11-30 07:00"), 3600), "2026-11-30 09:30");
	assert_wall(cal_add_work_seconds(cal, W("2026-11-30 08:30"), 9 * 3600), "2026-11-30 17:30");
	assert_wall(cal_add_work_seconds(cal, W("2026-11-30 20:00"), 60), "2026-12-01 08:31");
	/* across the National Day holiday */
	assert_wall(cal_add_work_seconds(cal, W("2026-09-30 16:00"), 4 * 3600), "2026-10-08 11:00");
	/* into the make-up Sunday */
	assert_wall(cal_add_work_seconds(cal, W("2026-09-19 10:00"), 3600), "2026-09-20 09:30");
	/* across the year end */
	assert_wall(cal_add_work_seconds(cal, W("2026-12-31 17:00"), 3600), "2027-01-04 09:00");
	assert_int_equal(cal_work_seconds_between(cal, W("2026-09-30 16:00"), W("2026-10-08 11:00")), 4 * 3600);
	assert_int_equal(cal_work_seconds_between(cal, W("2026-11-28 00:00"), W("2026-11-29 23:00")), 0);
	/* two windows with a lunch break */
	struct hall_calendar *c2 = calendar_new();
	assert_non_null(c2);
	struct hall_err e;
	assert_int_equal(cal_window_parse("08:30-12:00,14:00-17:30", c2->win, &c2->nwin, &e), HALL_OK);
	assert_int_equal(c2->nwin, 2);
	assert_wall(cal_add_work_seconds(c2, W("2026-11-30 11:00"), 2 * 3600), "2026-11-30 15:00");
	assert_wall(cal_add_work_seconds(c2, W("2026-11-30 12:30"), 3600), "2026-11-30 15:00");
	assert_int_equal(cal_work_seconds_between(c2, W("2026-11-30 00:00"), W("2026-12-01 00:00")), 7 * 3600);
	calendar_free(c2);
	struct cal_window w[CAL_MAX_WINDOWS];
	int n;
	static const char *const badw[] = { "", "8:30-17:30", "17:30-08:30", "08:30-12:00,11:00-17:00",
		"08:30-17:30,", "25:00-26:00", "08:60-09:00", "a-b",
		"01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00" };
	for (size_t i = 0; i < sizeof badw / sizeof badw[0]; i++) {
		assert_int_equal(cal_window_parse(badw[i], w, &n, &e), HALL_EINVAL);
		assert_string_equal(e.field, "work_window");
	}
	assert_int_equal(cal_window_parse("00:00-24:00", w, &n, &e), HALL_OK);
}

/* ------------------------------------------------------------ store */

static struct store *fresh(const char *name, struct hall_actor *admin,
                           struct hall_actor *clerk)
{
	char p[600];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	struct store *s;
	struct hall_err e;
	if (store_create(p, "001", "鼓楼供电营业厅", &s, &e) != HALL_OK)
		fail_msg("%s", e.en);
	assert_int_equal(auth_user_add(s, NULL, "0001", "管理员", ROLE_ADMIN, "admin-pass-1", &e), HALL_OK);
	memset(admin, 0, sizeof *admin);
	admin->counter = 1;
	assert_int_equal(auth_user_get(s, "0001", &admin->user, &e), HALL_OK);
	assert_int_equal(auth_user_add(s, admin, "1001", "张敏", ROLE_CLERK, "clerk-pass-1", &e), HALL_OK);
	memset(clerk, 0, sizeof *clerk);
	clerk->counter = 2;
	assert_int_equal(auth_user_get(s, "1001", &clerk->user, &e), HALL_OK);
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

static void write_file(const char *name, const char *text, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_seed_matches_files(void **state)
{
	(void)state;
	struct hall_actor admin, clerk;
	struct store *s = fresh("seed.db", &admin, &clerk);
	struct cal_year *a = malloc(sizeof *a), *b = malloc(sizeof *b);
	assert_non_null(a);
	assert_non_null(b);
	struct hall_err e;
	for (int year = 2026; year <= 2027; year++) {
		shipped(year, a);
		assert_int_equal(calendar_year_get(s, year, b, &e), HALL_OK);
		assert_int_equal(a->provisional, b->provisional);
		assert_string_equal(a->source, b->source);
		assert_string_equal(b->imported_at, "");
		assert_int_equal(a->ndays, b->ndays);
		for (int i = 0; i < a->ndays; i++) {
			assert_int_equal(a->days[i].day, b->days[i].day);
			assert_int_equal(a->days[i].work, b->days[i].work);
			assert_string_equal(a->days[i].name, b->days[i].name);
		}
	}
	assert_int_equal(calendar_year_get(s, 2028, b, &e), HALL_ENOTFOUND);
	free(a);
	free(b);
	store_close(s);
}

static void test_import(void **state)
{
	(void)state;
	struct hall_actor admin, clerk;
	struct store *s = fresh("import.db", &admin, &clerk);
	struct hall_err e;
	char good[600], bad[600], dup[600];
	write_file("c2028.cal", "year 2028\nsource 测试\n2028-10-02 off 国庆节\n2028-10-08 work 调休\n",
	           good, sizeof good);
	write_file("bad2029.cal", "year 2029\n2029-10-01 off\n2029-10-09 work 错\n", bad, sizeof bad);
	write_file("dup2028.cal", "year 2028\n", dup, sizeof dup);
	int64_t journal = one_int(s, "SELECT count(*) FROM journal");
	/* a clerk may not import */
	const char *one[] = { good };
	assert_int_equal(calendar_import(s, &clerk, one, 1, NULL, &e), HALL_EPERM);
	/* all or nothing: a bad file refuses the good one too */
	const char *two[] = { good, bad };
	assert_int_equal(calendar_import(s, &admin, two, 2, NULL, &e), HALL_EINVAL);
	assert_non_null(strstr(e.zh, "bad2029.cal:3: 2029-10-09 是星期二"));
	assert_int_equal(one_int(s, "SELECT count(*) FROM calendar_years WHERE year = 2028"), 0);
	const char *same[] = { good, dup };
	assert_int_equal(calendar_import(s, &admin, same, 2, NULL, &e), HALL_EINVAL);
	const char *missing[] = { "/nonexistent/x.cal" };
	assert_int_equal(calendar_import(s, &admin, missing, 1, NULL, &e), HALL_EIO);
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal"), journal);
	/* good */
	int n = -1;
	assert_int_equal(calendar_import(s, &admin, one, 1, &n, &e), HALL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(one_int(s, "SELECT count(*) FROM calendar_days WHERE year = 2028"), 2);
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal WHERE kind = 'calendar.import'"
		" AND json_array_length(json_extract(payload, '$.days')) = 2"), 1);
	struct hall_calendar *c;
	assert_int_equal(calendar_load(s, &c, &e), HALL_OK);
	assert_true(cal_covers(c, 2028));
	assert_false(cal_is_workday(c, D("2028-10-02")));
	assert_true(cal_is_workday(c, D("2028-10-08")));
	calendar_free(c);
	/* importing the year again replaces it */
	write_file("c2028b.cal", "year 2028\n2028-10-03 off\n", good, sizeof good);
	assert_int_equal(calendar_import(s, &admin, one, 1, NULL, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT count(*) FROM calendar_days WHERE year = 2028"), 1);
	assert_int_equal(one_int(s, "SELECT count(*) FROM calendar_days WHERE day = '2028-10-03'"), 1);
	store_close(s);
}

static void test_warning(void **state)
{
	(void)state;
	struct hall_actor admin, clerk;
	struct store *s = fresh("warn.db", &admin, &clerk);
	struct hall_err w;
	assert_false(calendar_warning(s, "2026-06-01", &w));
	assert_false(calendar_warning(s, "2026-12-20", &w));   /* 2027 is there */
	/* today past the last year */
	assert_true(calendar_warning(s, "2028-01-02", &w));
	assert_non_null(strstr(w.zh, "工作日历只到 2027 年，今天已是 2028-01-02"));
	assert_non_null(strstr(w.en, "ends with 2027"));
	/* the provisional year */
	assert_true(calendar_warning(s, "2027-03-01", &w));
	assert_non_null(strstr(w.zh, "2027 年的工作日历是暂定的"));
	/* a year before the calendar */
	assert_true(calendar_warning(s, "2025-03-01", &w));
	assert_non_null(strstr(w.zh, "缺少 2025 年"));
	/* December without next year */
	sqlite3_exec(store_db(s), "DELETE FROM calendar_days WHERE year = 2027;"
	             "DELETE FROM calendar_years WHERE year = 2027", NULL, NULL, NULL);
	assert_true(calendar_warning(s, "2026-12-01", &w));
	assert_non_null(strstr(w.zh, "2027 年的工作日历还没有导入"));
	assert_false(calendar_warning(s, "2026-11-30", &w));
	/* nothing at all */
	sqlite3_exec(store_db(s), "DELETE FROM calendar_days; DELETE FROM calendar_years", NULL, NULL, NULL);
	assert_true(calendar_warning(s, "2026-06-01", &w));
	assert_non_null(strstr(w.zh, "工作日历是空的"));
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_file_format),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_workdays),
		cmocka_unit_test(test_work_hours),
		cmocka_unit_test(test_seed_matches_files),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_warning),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
