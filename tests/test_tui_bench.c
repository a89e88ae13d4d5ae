/*
 * test_tui_bench.c - how fast the counter screen answers a key, measured
 * in process the way app_run() works: the key is handled (app_key) and the
 * next frame drawn (app_draw), on curses over /dev/null at 80x24.
 *
 *   keystroke      typing in the payment form's amount field
 *   bills due      leaving the account field: the account is checked and
 *                  its bills due with late fees as of today are read
 *                  (payment_due_get) and drawn under the form
 *   home           Esc back to the home screen (today's figures, sync,
 *                  calendar and the hall's work list are read again)
 *   customer       opening a customer view (bills due, payments, work
 *                  orders with their progress)
 *   work order     opening a work order (clocks and history)
 *
 * In `make check` it runs on a 2,000-customer demo store and only guards
 * against gross regressions (under the sanitizers).  For the figures of
 * the issue, run the optimised build on a big store:
 *
 *   hall demo --db /tmp/big.db --customers 1000000
 *   HALL_TUI_BENCH_DB=/tmp/big.db HALL_TUI_BENCH_STRICT=1 \
 *     HALL_FORMS=forms build/tests/test_tui_bench
 *
 * (a copy of the store: logins and audit rows are written to it).  With
 * HALL_TUI_BENCH_STRICT the limit applies: keystroke to screen
 * p99 <= 5 ms, bills due on screen p99 <= 5 ms.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "hall/auth.h"
#include "hall/demo.h"
#include "hall/err.h"
#include "hall/form.h"
#include "hall/payment.h"
#include "hall/store.h"
#include "hall/utf8.h"
#include "tui/app.h"
#include "tui/term.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libncursesw.so\nleak:libtinfo.so\n";
}

static struct store *st;
static struct form_set *forms;
static struct app *app;
static char dir[512], db[600];
static bool strict;

static tkey no_keys(void *ud, int timeout_ms)
{
	(void)ud;
	(void)timeout_ms;
	return TK_EOF;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Whether some row of the screen shows needle. */
static bool row_shows(const char *needle)
{
	char buf[1024];
	wchar_t w[512];
	for (int y = 0; y < LINES; y++) {
		int n = mvinnwstr(y, 0, w, COLS);
		if (n < 0)
			continue;
		w[n] = L'\0';
		if (wcstombs(buf, w, sizeof buf) != (size_t)-1 && strstr(buf, needle))
			return true;
	}
	return false;
}

/* One key as the loop handles it: the key, then the next frame. */
static double timed_key(tkey k)
{
	double t0 = now_ms();
	app_key(app, k);
	app_draw(app);
	return now_ms() - t0;
}

static void keys_text(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		app_key(app, (tkey)cp);
		i += l;
	}
	app_draw(app);
}

struct stats {
	double *v;
	int n, cap;
};

static void add(struct stats *s, double ms)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = realloc(s->v, (size_t)s->cap * sizeof *s->v);
		assert_non_null(s->v);
	}
	s->v[s->n++] = ms;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Print and return the p99. */
static double report(const char *what, struct stats *s)
{
	assert_true(s->n > 0);
	qsort(s->v, (size_t)s->n, sizeof *s->v, cmp);
	double p50 = s->v[s->n / 2], p99 = s->v[(s->n * 99) / 100 < s->n ? (s->n * 99) / 100 : s->n - 1];
	double max = s->v[s->n - 1];
	printf("%-44s n=%-5d p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", what, s->n, p50, p99, max);
	fflush(stdout);
	free(s->v);
	memset(s, 0, sizeof *s);
	return p99;
}

static int64_t count_customers(void)
{
	sqlite3_stmt *q;
	int64_t n = 0;
	if (sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM customers", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* Accounts with unpaid bills, spread over the store. */
static int accounts_due(char acc[][24], int max)
{
	sqlite3_stmt *q;
	int n = 0;
	assert_int_equal(sqlite3_prepare_v2(store_db(st),
		"SELECT account_no FROM bills WHERE status <> 'paid' AND id % 97 = 0"
		" GROUP BY account_no ORDER BY account_no LIMIT ?1", -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_int(q, 1, max);
	while (n < max && sqlite3_step(q) == SQLITE_ROW)
		snprintf(acc[n++], 24, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return n;
}

static int setup(void **state)
{
	struct hall_err err;
	const char *big = getenv("HALL_TUI_BENCH_DB");
	const char *tmp = getenv("TEST_TMP");
	const char *fd = getenv("HALL_FORMS");
	(void)state;

	setenv("TZ", "CST-8", 1);
	tzset();
	strict = getenv("HALL_TUI_BENCH_STRICT") != NULL;
	snprintf(dir, sizeof dir, "%s/tuibenchXXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	if (big && *big) {
		snprintf(db, sizeof db, "%s", big);
	} else {
		struct demo_options o;
		demo_options_init(&o);
		o.customers = 2000;
		snprintf(db, sizeof db, "%s/store", dir);
		assert_int_equal(mkdir(db, 0700), 0);
		snprintf(db, sizeof db, "%s/store/hall.db", dir);
		if (demo_create(db, &o, &err) != HALL_OK)
			fail_msg("demo: %s", hall_err_msg(&err));
	}
	char spool[700];
	snprintf(spool, sizeof spool, "%s/receipts", dir);
	setenv("HALL_RECEIPTS", spool, 1);
	setenv("HALL_PRINT_COMMAND", "none", 1);
	setenv("XDG_STATE_HOME", dir, 1);
	assert_int_equal(store_open(db, STORE_RW, &st, &err), HALL_OK);
	if (formset_load_dir(fd && *fd ? fd : "forms", &forms, &err) != HALL_OK)
		fail_msg("forms: %s", hall_err_msg(&err));
	assert_int_equal(tui_term_start_test("xterm-256color", 24, 80), 0);
	struct tui_options o = { db, fd, 3, 0 };
	struct tui_keysrc ks = { no_keys, NULL };
	app = app_create(&o, st, forms, &ks);
	assert_non_null(app);
	/* log in as the demo clerk */
	struct login_arg la = { false };
	assert_int_equal(app_push(app, &scr_login_ops, &la), HALL_OK);
	keys_text("1001");
	app_key(app, TK_TAB);
	keys_text(DEMO_PASSWORD);
	app_key(app, TK_ENTER);
	app_draw(app);
	assert_true(app->logged_in);
	printf("store: %s, %lld customers\n", db, (long long)count_customers());
	return 0;
}

static int teardown(void **state)
{
	char cmd[700];
	(void)state;
	app_destroy(app);
	tui_term_end();
	store_close(st);
	formset_free(forms);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return 0;
}

static void limit(const char *what, double p99, double strict_ms, double loose_ms)
{
	double lim = strict ? strict_ms : loose_ms;
	if (p99 > lim)
		fail_msg("%s: p99 %.3f ms over %.1f ms", what, p99, lim);
}

static void test_keystroke_and_bills_due(void **state)
{
	static char acc[400][24];
	struct stats s = { 0 };
	(void)state;

	int n = accounts_due(acc, 400);
	assert_true(n > 10);
	/* the payment form, with a first account */
	app_key(app, TK_F(5));
	app_draw(app);
	keys_text(acc[0]);
	app_key(app, TK_TAB);
	app_draw(app);
	/* typing and deleting in the amount field */
	for (int r = 0; r < 60; r++) {
		const char *t = "1234.56";
		for (const char *p = t; *p; p++)
			add(&s, timed_key((tkey)*p));
		for (int i = 0; i < 7; i++)
			add(&s, timed_key(TK_BACKSPACE));
	}
	double p99 = report("keystroke to screen (payment form, typing)", &s);
	limit("keystroke", p99, 5.0, 250.0);

	/* leaving the account field: check, bills due, late fees, drawn */
	struct stats core = { 0 };
	for (int i = 0; i < n; i++) {
		app_key(app, TK_UP);
		app_key(app, TK_CTRL('u'));
		keys_text(acc[i]);
		add(&s, timed_key(TK_TAB));
		assert_true(row_shows("应缴电费") || row_shows("Bills due"));
		struct payment_due d;
		struct hall_err err;
		double t0 = now_ms();
		assert_int_equal(payment_due_get(st, acc[i], NULL, &d, &err), HALL_OK);
		add(&core, now_ms() - t0);
		payment_due_free(&d);
	}
	p99 = report("bills due on the payment form (Tab)", &s);
	report("  of which payment_due_get alone", &core);
	limit("bills due", p99, 5.0, 250.0);
	app_key(app, TK_ESC);
	app_key(app, 'y');
	app_draw(app);
}

static void test_screens(void **state)
{
	struct stats s = { 0 };
	static char acc[100][24];
	(void)state;

	int n = accounts_due(acc, 100);
	/* Esc back home: the home screen is read again */
	for (int i = 0; i < 20; i++) {
		app_key(app, TK_F(8));
		app_draw(app);
		add(&s, timed_key(TK_ESC));
	}
	report("Esc back to home (figures, sync, work list)", &s);
	/* a customer view and back */
	for (int i = 0; i < n && i < 50; i++) {
		app_key(app, TK_F(2));
		keys_text(acc[i]);
		app_key(app, TK_ENTER);
		app_draw(app);
		add(&s, timed_key(TK_ENTER));
		assert_string_equal(app_top(app)->ops->name, "customer");
		app_key(app, TK_ESC);
		app_key(app, TK_ESC);
		app_draw(app);
	}
	report("customer view opens (Enter)", &s);
	/* the first work orders of the list */
	for (int i = 0; i < 30; i++) {
		app_key(app, TK_F(7));
		app_draw(app);
		for (int k = 0; k < i; k++)
			app_key(app, TK_DOWN);
		add(&s, timed_key(TK_ENTER));
		assert_string_equal(app_top(app)->ops->name, "workitem");
		app_key(app, TK_ESC);
		app_key(app, TK_ESC);
		app_draw(app);
	}
	report("work order opens (Enter on the work list)", &s);
	/* scrolling the work list */
	app_key(app, TK_F(7));
	app_draw(app);
	for (int i = 0; i < 200; i++)
		add(&s, timed_key(i % 40 < 20 ? TK_DOWN : TK_UP));
	double p99 = report("work list: arrow keys", &s);
	limit("work list keys", p99, 5.0, 250.0);
	app_key(app, TK_ESC);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	utf8_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keystroke_and_bills_due),
		cmocka_unit_test(test_screens),
	};
	return cmocka_run_group_tests_name("tui_bench", tests, setup, teardown);
}
