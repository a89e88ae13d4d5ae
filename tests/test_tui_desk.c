/*
 * test_tui_desk.c - the cash desk and the work orders on the counter
 * screen, without a real terminal (as test_tui_screen.c: curses on
 * newterm() over /dev/null, scripted keys, the screen read back and
 * compared with the text expected here).  Every test works on a fresh
 * store and checks the store too: the bills due with their late fees on
 * the payment form, the receipt printed after a payment, a reversal the
 * manager approves at the clerk's counter, the daily close with its
 * sign-off and reopening, a work order moved through its stages, the
 * customer view's arrears and progress, the home screen's sync and
 * calendar lines, the export, and the audited logout.
 */
#include <locale.h>
#include <setjmp.h>
#include <signal.h>
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
#include "hall/calendar.h"
#include "hall/counter.h"
#include "hall/customer.h"
#include "hall/err.h"
#include "hall/form.h"
#include "hall/payment.h"
#include "hall/store.h"
#include "hall/utf8.h"
#include "hall/workorder.h"
#include "tui/app.h"
#include "tui/term.h"

/* ncurses keeps some memory for the life of the process by design. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libncursesw.so\nleak:libtinfo.so\n";
}

/* ------------------------------------------------------------ fixture */

#define PASSWORD "secret123"

struct fx {
	char dir[512];
	char db[600];
	char printed[700];             /* what the test printer received */
	struct store *st;
	struct form_set *forms;
	struct app *app;
};

static long fake_now = 1000;
static long fake_clock(void) { return fake_now; }

#define TICK ((tkey)-100)          /* the idle lock's minute passes */

struct script {
	tkey k[2048];
	int n, pos;
};

static struct script sc;

static tkey script_get(void *ud, int timeout_ms)
{
	struct script *s = ud;
	(void)timeout_ms;
	if (s->pos >= s->n)
		return TK_EOF;
	tkey k = s->k[s->pos++];
	if (k == TICK) {
		fake_now += 61;
		return TK_NONE;
	}
	return k;
}

static void key(tkey k)
{
	assert_true(sc.n < 2048);
	sc.k[sc.n++] = k;
}

static void text(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		assert_true(l > 0);
		key((tkey)cp);
		i += l;
	}
}

static int run(struct fx *f)
{
	int rc = app_run(f->app);
	sc.n = sc.pos = 0;
	return rc;
}

static void exec_sql(struct store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(st), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static int64_t one_int(struct store *st, const char *sql)
{
	sqlite3_stmt *q;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

static const char *one_text(struct store *st, const char *sql)
{
	static char out[4][512];
	static int slot;
	sqlite3_stmt *q;
	char *o = out[slot = (slot + 1) % 4];
	o[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		snprintf(o, sizeof out[0], "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return o;
}

static void add_customer(struct store *st, const char *acc, const char *name,
                         const char *phone)
{
	struct customer c;
	struct hall_err err;
	memset(&c, 0, sizeof c);
	snprintf(c.account_no, sizeof c.account_no, "%s", acc);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.id_type, sizeof c.id_type, "resident_id");
	snprintf(c.id_number, sizeof c.id_number, "11010519491231002X");
	snprintf(c.phone, sizeof c.phone, "%s", phone);
	snprintf(c.address, sizeof c.address, "福州市鼓楼区五四路1号");
	snprintf(c.category, sizeof c.category, "residential");
	snprintf(c.voltage, sizeof c.voltage, "220v");
	snprintf(c.status, sizeof c.status, "normal");
	c.capacity = 8;
	assert_int_equal(customer_upsert(st, &c, NULL, &err), HALL_OK);
}

/* A bill as central billing sends it (test data, written directly). */
static void add_bill(struct store *st, const char *acc, const char *period,
                     int64_t fen, const char *due)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO bills(account_no, period, kwh, amount_fen, due_date, created_at)"
	         " VALUES ('%s', '%s', 100, %lld, '%s', '2024-01-01T00:00:00Z')",
	         acc, period, (long long)fen, due);
	exec_sql(st, sql);
}

static const char *forms_dir(void)
{
	const char *e = getenv("HALL_FORMS");
	return e && *e ? e : "forms";
}

static struct hall_actor actor_of(struct store *st, const char *id, int counter)
{
	struct hall_actor a;
	struct hall_err err;
	memset(&a, 0, sizeof a);
	assert_int_equal(auth_user_get(st, id, &a.user, &err), HALL_OK);
	a.counter = counter;
	return a;
}

static void new_app(struct fx *f)
{
	struct tui_options o = { f->db, forms_dir(), 3, 60 };
	struct tui_keysrc ks = { script_get, &sc };
	f->app = app_create(&o, f->st, f->forms, &ks);
	f->app->clock_s = fake_clock;
	f->app->last_input = fake_now;
	sc.n = sc.pos = 0;
}

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct hall_err err;
	char path[800];
	FILE *fp;

	assert_non_null(f);
	const char *tmp = getenv("TEST_TMP");
	hall_lang_set(HALL_LANG_ZH);
	snprintf(f->dir, sizeof f->dir, "%s/deskXXXXXX", tmp && *tmp ? tmp : "/tmp");
	const char *d = mkdtemp(f->dir);
	assert_non_null(d);
	/* the store in a folder of its own: receipts and exports are never
	 * written inside it (priv_output_path_check) */
	snprintf(f->db, sizeof f->db, "%s/store", d);
	assert_int_equal(mkdir(f->db, 0700), 0);
	snprintf(f->db, sizeof f->db, "%s/store/hall.db", d);
	setenv("XDG_STATE_HOME", f->dir, 1);
	setenv("HALL_NOW", "2024-06-03T02:00:00Z", 1);   /* Monday 10:00 in Beijing */
	setenv("TZ", "CST-8", 1);
	tzset();
	/* Receipts: spool in the test folder, a printer that keeps a copy. */
	snprintf(path, sizeof path, "%s/receipts", f->dir);
	setenv("HALL_RECEIPTS", path, 1);
	snprintf(f->printed, sizeof f->printed, "%s/printed", f->dir);
	snprintf(path, sizeof path, "%s/printer", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\ncat >> '%s'\n", f->printed);
	fclose(fp);
	chmod(path, 0755);
	setenv("HALL_PRINT_COMMAND", path, 1);

	assert_int_equal(store_create(f->db, "001", "鼓楼供电营业厅", &f->st, &err), HALL_OK);
	assert_int_equal(auth_user_add(f->st, NULL, "0001", "管理员", ROLE_ADMIN,
	                               PASSWORD, &err), HALL_OK);
	struct hall_actor admin = actor_of(f->st, "0001", 1);
	static const struct { const char *id, *name; enum hall_role r; } staff[] = {
		{ "1001", "张敏", ROLE_CLERK }, { "1002", "林晓燕", ROLE_CLERK },
		{ "9001", "陈主任", ROLE_MANAGER },
	};
	for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++) {
		assert_int_equal(auth_user_add(f->st, &admin, staff[i].id, staff[i].name,
		                               staff[i].r, PASSWORD, &err), HALL_OK);
		/* each sets their own password: no forced change at login */
		struct hall_actor self = actor_of(f->st, staff[i].id, 3);
		assert_int_equal(auth_user_passwd(f->st, &self, staff[i].id, PASSWORD, &err),
		                 HALL_OK);
	}
	assert_int_equal(store_begin(f->st, &err), HALL_OK);
	add_customer(f->st, "0019000001", "张三丰", "13812345678");
	add_customer(f->st, "0019000002", "李四", "13900001111");
	/* 张三丰 owes two bills: 100.00 due 2024-05-03 (31 days late on
	 * 2024-06-03: 1‰ a day = 3.10) and 50.00 due 2024-05-28 (6 days:
	 * 0.30, charged as the 1-yuan minimum). */
	add_bill(f->st, "0019000001", "2024-04", 10000, "2024-05-03");
	add_bill(f->st, "0019000001", "2024-05", 5000, "2024-05-28");
	assert_int_equal(store_commit(f->st, &err), HALL_OK);
	if (formset_load_dir(forms_dir(), &f->forms, &err) != HALL_OK)
		fail_msg("forms: %s", hall_err_msg(&err));
	assert_int_equal(tui_term_start_test("xterm-256color", 24, 80), 0);
	new_app(f);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	char cmd[700];
	app_destroy(f->app);
	tui_term_end();
	store_close(f->st);
	formset_free(f->forms);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
	hall_lang_set(HALL_LANG_ZH);
	return 0;
}

/* ---------------------------------------------------------- the screen */

static const char *line(int y)
{
	static char out[8][1024];
	static int slot;
	wchar_t w[512];
	char *o = out[slot = (slot + 1) % 8];
	int n = mvinnwstr(y, 0, w, COLS);

	if (n < 0)
		n = 0;
	w[n] = L'\0';
	size_t l = wcstombs(o, w, sizeof out[0] - 1);
	if (l == (size_t)-1)
		l = 0;
	o[l] = '\0';
	while (l > 0 && o[l - 1] == ' ')
		o[--l] = '\0';
	return o;
}

static void dump(void)
{
	for (int y = 0; y < LINES; y++)
		fprintf(stderr, "%2d|%s\n", y, line(y));
}

static int row_of(const char *needle)
{
	for (int y = 0; y < LINES; y++)
		if (strstr(line(y), needle))
			return y;
	return -1;
}

/* Whether some cell of row y is drawn in colour c. */
static bool row_has_color(int y, enum tui_color c)
{
	for (int x = 0; x < COLS; x++)
		if ((mvinch(y, x) & (A_COLOR | A_REVERSE)) ==
		    (tui_attr(c) & (A_COLOR | A_REVERSE)))
			return true;
	return false;
}

#define assert_line(y, want) do { \
	char got_[1024]; \
	snprintf(got_, sizeof got_, "%s", line(y)); \
	if (strcmp(got_, want)) { dump(); \
		fail_msg("line %d:\n  got  '%s'\n  want '%s'", y, got_, want); } \
} while (0)

#define assert_screen_has(needle) do { \
	if (row_of(needle) < 0) { dump(); fail_msg("no '%s' on screen", needle); } \
} while (0)

#define assert_screen_hasnt(needle) do { \
	if (row_of(needle) >= 0) { dump(); fail_msg("'%s' on screen", needle); } \
} while (0)

static void login_as(struct fx *f, const char *id)
{
	struct login_arg la = { false };
	assert_int_equal(app_push(f->app, &scr_login_ops, &la), HALL_OK);
	text(id);
	key(TK_TAB);
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	if (!f->app->logged_in) {
		dump();
		fail_msg("login failed");
	}
}

static void login(struct fx *f)
{
	login_as(f, "1001");
}

/* A payment taken through the core, as the payment form would. */
static void pay(struct fx *f, const char *acc, const char *amount, char *receipt)
{
	struct form_values v;
	struct counter_result res;
	struct form_errors errs;
	struct hall_actor clerk = actor_of(f->st, "1001", 3);
	form_values_init(&v);
	form_values_set(&v, "account_no", acc);
	form_values_set(&v, "amount", amount);
	form_values_set(&v, "method", "cash");
	int rc = counter_submit(f->st, formset_find(f->forms, "payment"), &v, &clerk, &res, &errs);
	form_values_free(&v);
	if (rc != HALL_OK)
		fail_msg("payment: %s", hall_err_msg(&errs.e[0]));
	if (receipt)
		strcpy(receipt, res.number);
}

/* A work order submitted through the core. */
static void submit_form(struct fx *f, const char *form, const char *const *kv,
                        char *number)
{
	struct form_values v;
	struct counter_result res;
	struct form_errors errs;
	struct hall_actor clerk = actor_of(f->st, "1001", 3);
	form_values_init(&v);
	for (int i = 0; kv[i]; i += 2)
		form_values_set(&v, kv[i], kv[i + 1]);
	int rc = counter_submit(f->st, formset_find(f->forms, form), &v, &clerk, &res, &errs);
	form_values_free(&v);
	if (rc != HALL_OK)
		fail_msg("%s: %s (%s)", form, hall_err_msg(&errs.e[0]), errs.e[0].field);
	strcpy(number, res.number);
}

/* ---------------------------------------------------------------- tests */

/* The home screen says where the cash desk and the export are, the sync
 * state (sync_status) with its 36-hour warning, and the calendar warning
 * (calendar_warning) after login. */
static void test_home_sync_calendar_and_menu(void **state)
{
	struct fx *f = *state;
	struct hall_err err;

	login(f);
	assert_screen_has("F8 收费台：收据、补打、冲正、日清日结    F9 导出营业日报");
	assert_screen_has("上次同步：尚未同步");
	/* no calendar in this store: the core's warning is shown */
	struct hall_err w;
	assert_true(calendar_warning(f->st, "2024-06-03", &w));
	assert_screen_has(w.zh);
	/* a failed sync after a success 50 hours ago: the warning */
	assert_int_equal(store_begin(f->st, &err), HALL_OK);
	assert_int_equal(store_meta_set(f->st, "last_sync", "2024-06-03T01:00:00Z", &err), HALL_OK);
	assert_int_equal(store_meta_set(f->st, "last_sync_result", "unreachable: connection refused", &err), HALL_OK);
	assert_int_equal(store_meta_set(f->st, "last_sync_ok", "2024-06-01T00:00:00Z", &err), HALL_OK);
	assert_int_equal(store_commit(f->st, &err), HALL_OK);
	key(TK_F(8));
	key(TK_ESC);          /* back home: reloaded */
	run(f);
	int r = row_of("上次同步：2024-06-03 09:00  unreachable");
	assert_true(r > 0);
	assert_non_null(strstr(line(r), "50 小时未成功同步，请联系管理员"));
	/* a recent success: no warning */
	assert_int_equal(store_begin(f->st, &err), HALL_OK);
	assert_int_equal(store_meta_set(f->st, "last_sync_result", "ok: pushed 3, pulled 0", &err), HALL_OK);
	assert_int_equal(store_meta_set(f->st, "last_sync_ok", "2024-06-03T01:00:00Z", &err), HALL_OK);
	assert_int_equal(store_commit(f->st, &err), HALL_OK);
	key(TK_F(8));
	key(TK_ESC);
	run(f);
	assert_screen_has("上次同步：2024-06-03 09:00  ok: pushed 3, pulled 0");
	assert_screen_hasnt("未成功同步");
	/* F1 explains the new keys */
	key(TK_F(1));
	run(f);
	assert_screen_has("F8                     收费台：收据补打、冲正，日清日结");
	assert_screen_has("F9                     导出营业日报（Excel）");
	assert_screen_has("首页：F5 缴费，F8 收费台");
}

/* The payment form shows the unpaid bills of the account typed, each
 * one's late fee as of today and the total due, before the save; after
 * the save the receipt is printed and its number shown large. */
static void test_payment_bills_due_and_receipt(void **state)
{
	struct fx *f = *state;
	struct payment_due d;
	struct hall_err err;

	login(f);
	key(TK_F(5));
	text("0019000001");
	key(TK_TAB);
	run(f);
	int r = row_of("应缴电费");
	assert_true(r > 0);
	assert_line(r, "  应缴电费  0019000001 张三丰  （违约金计至 2024-06-03）");
	assert_line(r + 1, "    账期     到期日             电费     违约金 逾期天数         应缴");
	assert_line(r + 2, "    2024-04  2024-05-03       100.00       3.10       31       103.10");
	assert_line(r + 3, "    2024-05  2024-05-28        50.00       1.00        6        51.00");
	assert_line(r + 4, "    合计应缴 154.10 元（电费 150.00，违约金 4.10）");
	/* the figures are the core's */
	assert_int_equal(payment_due_get(f->st, "0019000001", NULL, &d, &err), HALL_OK);
	assert_int_equal(d.total_fen, 15410);
	payment_due_free(&d);
	/* another account: the panel follows */
	key(TK_UP);
	for (int i = 0; i < 10; i++)
		key(TK_BACKSPACE);
	text("0019000002");
	key(TK_TAB);
	run(f);
	assert_screen_has("应缴电费  0019000002 李四");
	assert_screen_has("没有未缴电费");
	assert_screen_hasnt("2024-05-28");
	key(TK_UP);
	for (int i = 0; i < 10; i++)
		key(TK_BACKSPACE);
	text("0019000001");
	key(TK_TAB);
	text("154.10");
	key(TK_F(10));
	run(f);
	assert_screen_has("缴费  已保存");
	const char *receipt = one_text(f->st, "SELECT receipt_no FROM payments");
	char no[64], want[128];
	snprintf(no, sizeof no, "%s", receipt);
	snprintf(want, sizeof want, "收据号：%s", no);
	assert_screen_has(want);
	assert_screen_has("大写：壹佰伍拾肆元壹角");
	assert_screen_has("收据已打印");
	/* large type: five rows of cells in the large-type colour */
	int big = row_of(want) + 2;
	for (int i = 0; i < 5; i++)
		assert_true(row_has_color(big + i, TC_BIG));
	assert_false(row_has_color(big + 5, TC_BIG));
	/* the store: both bills paid, late fees allocated, receipt printed */
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM bills WHERE status = 'paid'"), 2);
	assert_int_equal(one_int(f->st, "SELECT sum(late_fee_fen) FROM payment_alloc"), 410);
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM receipts WHERE copy = 0 AND printed_at IS NOT NULL"), 1);
	/* the printer got the receipt, and the spool has its copy */
	FILE *fp = fopen(f->printed, "r");
	assert_non_null(fp);
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_non_null(strstr(buf, no));
	assert_non_null(strstr(buf, "壹佰伍拾肆元壹角"));
	/* R opens the receipt */
	key('r');
	run(f);
	snprintf(want, sizeof want, "收据 %s", no);
	assert_screen_has(want);
	assert_screen_has("P   补打收据");
}

/* Reprint from the cash desk by number: recorded, marked 重打, printed. */
static void test_reprint_by_number(void **state)
{
	struct fx *f = *state;
	char r[32];

	pay(f, "0019000002", "10", r);
	login(f);
	key(TK_F(8));
	key('1');
	run(f);
	assert_screen_has("收据号：");
	text("sf999");
	key(TK_ENTER);
	run(f);
	assert_screen_has("SF999");      /* the core's "no such receipt" */
	for (int i = 0; i < 5; i++)
		key(TK_BACKSPACE);
	text(r);
	key(TK_ENTER);
	run(f);
	assert_screen_has("户名：李四");
	key('p');
	run(f);
	assert_screen_has("已补打第 1 份");
	assert_screen_has("重打");
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM receipts WHERE copy = 1"), 1);
	FILE *fp = fopen(f->printed, "r");
	assert_non_null(fp);
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "重打"));
}

/* A reversal: the clerk picks a payment of today in the customer view,
 * types the reason; the core checks it before the manager is called; the
 * manager types id and password at this counter; a wrong password and a
 * clerk's id are refused; nothing is deleted. */
static void test_reversal_manager_approves(void **state)
{
	struct fx *f = *state;
	char r[32];

	pay(f, "0019000001", "103.10", r);
	login(f);
	key(TK_F(2));
	text("0019000001");
	key(TK_ENTER);
	key(TK_ENTER);
	run(f);
	assert_screen_has("客户信息");
	key(TK_TAB);          /* the first selectable line: the payment */
	run(f);
	int sel = row_of(r);
	assert_true(sel > 0);
	assert_true(row_has_color(sel, TC_SELECT));
	assert_screen_has("最近缴费（Tab 选中，Enter 看收据：补打、冲正）");
	key(TK_ENTER);
	run(f);
	char want[64];
	snprintf(want, sizeof want, "收据 %s", r);
	assert_screen_has(want);
	key('r');
	text("x");            /* too short: the core refuses before the manager */
	key(TK_ENTER);
	run(f);
	assert_screen_has("冲正原因：");
	assert_screen_hasnt("请主任在本窗口输入");
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM reversals"), 0);
	text("金额输错");
	key(TK_ENTER);
	run(f);
	assert_screen_has("请主任在本窗口输入自己的工号和密码");
	assert_screen_has("原因：x金额输错");
	/* a clerk cannot approve */
	text("1002");
	key(TK_TAB);
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	assert_screen_has("请主任在本窗口输入");
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM reversals"), 0);
	/* wrong password */
	text("9001");
	key(TK_TAB);
	text("wrong-password");
	key(TK_ENTER);
	run(f);
	assert_screen_has("请主任在本窗口输入");
	assert_screen_hasnt("wrong-password");
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM reversals"), 0);
	/* the manager */
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	assert_screen_hasnt("请主任在本窗口输入");
	assert_screen_has("已冲正");
	assert_screen_has("主任 9001 批准");
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT status FROM payments WHERE receipt_no = '%s'", r);
	assert_string_equal(one_text(f->st, sql), "void");
	assert_string_equal(one_text(f->st, "SELECT approver_id || ' ' || reason FROM reversals"),
	                    "9001 x金额输错");
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM bills WHERE status = 'paid'"), 0);
	/* reversed twice: refused by the core */
	key('r');
	run(f);
	assert_screen_has("这张收据已经冲正");
	/* the customer view shows it reversed, still there */
	key(TK_ESC);
	run(f);
	assert_screen_has("已冲正");
	snprintf(want, sizeof want, "%s", r);
	assert_screen_has(want);
}

/* The daily close: blind declaration, expected figures by method, the
 * differences, the receipt range; the day locks; the manager signs off at
 * the same counter; then a reopening with a reason. */
static void test_daily_close_sign_off_and_reopen(void **state)
{
	struct fx *f = *state;
	char r1[32], r2[32];

	pay(f, "0019000001", "103.10", r1);
	pay(f, "0019000002", "20", r2);
	login(f);
	key(TK_F(8));
	key('2');
	run(f);
	assert_screen_has("日清日结  营业日 2024-06-03  营业员 张敏(1001)");
	assert_screen_hasnt("付款方式");            /* blind: no expected figures */
	text("120.10");
	key(TK_TAB);
	text("0");
	key(TK_F(10));                               /* four figures missing */
	run(f);
	assert_screen_has("请填写微信的实点金额（没有填 0）");
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM day_closes"), 0);
	/* the cursor is on 微信 now */
	text("0");
	for (int i = 0; i < 3; i++) {
		key(TK_TAB);
		text("0");
	}
	key(TK_F(10));
	run(f);
	assert_screen_has("确定申报吗？");
	key('y');
	run(f);
	assert_screen_has("状态：已申报，待主任签字");
	int h = row_of("付款方式");
	assert_line(h, "    付款方式             应收           实点           差额   笔数");
	assert_line(h + 1, "    现金               123.10         120.10          -3.00      2");
	assert_line(h + 2, "    银行卡               0.00           0.00           0.00      0");
	assert_line(h + 7, "    合计               123.10         120.10          -3.00      2");
	char want[128];
	snprintf(want, sizeof want, "收据 %s 至 %s，共 2 张；其中冲正 0 张，金额 0.00 元", r1, r2);
	assert_screen_has(want);
	assert_screen_has("注意：实点与应收不符");
	assert_string_equal(one_text(f->st, "SELECT status FROM day_closes"), "declared");
	/* the day is locked: a new payment goes to the next business day */
	char bd[11];
	struct hall_err err;
	assert_int_equal(payment_business_date(f->st, "1001", bd, &err), HALL_OK);
	assert_string_equal(bd, "2024-06-04");
	/* sign-off */
	key(TK_ENTER);
	run(f);
	assert_screen_has("日结签字：营业日 2024-06-03，营业员 1001");
	assert_screen_has("差额合计 -3.00 元");
	text("9001");
	key(TK_TAB);
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	assert_screen_has("状态：主任已签字");
	assert_screen_has("主任 9001 已签字");
	assert_string_equal(one_text(f->st, "SELECT status || ' ' || signed_by FROM day_closes"),
	                    "signed 9001");
	/* the desk knows */
	key(TK_ESC);
	run(f);
	assert_screen_has("营业日 2024-06-03：已日结（主任已签字），新的缴费记入 2024-06-04");
	/* reopen with a reason and the manager */
	key('2');
	key('r');
	text("还有客户缴费");
	key(TK_ENTER);
	run(f);
	assert_screen_has("重开营业日 2024-06-03（营业员 1001）");
	text("9001");
	key(TK_TAB);
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	assert_screen_has("营业日已重开（已记录）；新的缴费记入营业日 2024-06-03");
	assert_screen_has("逐项输入实点金额");      /* the declaration again */
	assert_string_equal(one_text(f->st, "SELECT status || ' ' || reopened_by FROM day_closes"),
	                    "reopened 9001");
}

/* A complaint on the work list: Enter opens the order (stage, clocks,
 * history); Enter moves it on with the fields of the stage; the core's
 * refusals appear under the field they concern. */
static void test_work_order_advance(void **state)
{
	struct fx *f = *state;
	char no[32];
	static const char *const kv[] = {
		"account_no", "0019000001", "kind", "complaint", "name", "张三丰",
		"phone", "13812345678", "category", "service",
		"content", "营业员态度不好", NULL };

	submit_form(f, "complaint", kv, no);
	login(f);
	key(TK_F(7));
	run(f);
	assert_screen_has(no);
	key(TK_ENTER);
	run(f);
	char want[128];
	snprintf(want, sizeof want, "工单 %s  诉求（投诉）", no);
	assert_screen_has(want);
	assert_screen_has("环节：[受理] > 派单 > 处理 > 答复 > 回访 > 归档");
	/* the clocks as the core counts them: 24 clock hours from Monday
	 * 10:00, and 5 working days (no calendar in this store: weekends
	 * only) ending Monday 2024-06-10 */
	int c = row_of("时限（按工作日历）");
	assert_line(c + 1, "    联系客户  限24小时        期限 2024-06-04 10:00 已用 0:00/24 计时中");
	assert_line(c + 2, "    回访      限1个工作日     期限 -                已用 -       未开始");
	assert_line(c + 3, "    答复      限5个工作日     期限 2024-06-10 23:59 已用 0/5     计时中");
	assert_screen_has("> 受理");
	assert_screen_has("Enter 办理下一环节（派单）");
	key(TK_ENTER);
	run(f);
	assert_screen_has("诉求工单办理");
	int r = row_of("办理到环节：");
	assert_true(strstr(line(r), "派单") != NULL);
	assert_screen_has("责任部门：");
	assert_screen_has("处理人：");
	assert_screen_hasnt("回访结果");
	key(TK_F(10));
	run(f);
	assert_screen_has("处需要修改");
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM work_events WHERE to_stage = 'dispatch'"), 0);
	/* skipping is the core's refusal: choose 答复 */
	key(TK_UP);
	key(TK_UP);
	key(TK_UP);
	text("答复");
	key(TK_ENTER);
	run(f);
	r = row_of("办理到环节：");
	assert_true(strstr(line(r), "答复") != NULL);
	text("已向客户道歉");
	key(TK_F(10));
	run(f);
	assert_screen_has("诉求工单办理");
	assert_screen_has("不能跳过环节");
	/* back to 派单, fill in, save */
	r = row_of("办理到环节：");
	key(TK_UP);
	key(TK_UP);
	text("派单");
	key(TK_ENTER);
	run(f);
	text("营销部");
	key(TK_TAB);
	text("王工");
	key(TK_F(10));
	run(f);
	snprintf(want, sizeof want, "工单 %s 已办理到「派单」", no);
	assert_screen_has(want);
	assert_screen_has("环节：受理 > [派单] > 处理");
	assert_screen_has("Enter 办理下一环节（处理）");
	assert_screen_has("受理 > 派单");
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT stage || ' ' || department || ' ' || handler FROM complaints WHERE complaint_no = '%s'", no);
	assert_string_equal(one_text(f->st, sql), "dispatch 营销部 王工");
	assert_string_equal(one_text(f->st, "SELECT staff_id || ' ' || counter FROM work_events WHERE to_stage = 'dispatch'"),
	                    "1001 3");
	/* C: the customer */
	key('c');
	run(f);
	assert_screen_has("客户信息");
}

/* A new connection: the documents are ticked at the counter (the core
 * says which are missing); the customer view shows how far it is. */
static void test_application_docs_and_progress(void **state)
{
	struct fx *f = *state;
	char no[32];
	static const char *const kv[] = {
		"name", "陈大文", "id_type", "resident_id", "id_number", "11010519491231002X",
		"phone", "13912345678", "address", "福州市鼓楼区东街口100号",
		"category", "residential", "voltage", "220v", "capacity", "8",
		"kind", "lv_residential", NULL };

	submit_form(f, "new-connection", kv, no);
	char acc[32];
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT account_no FROM applications WHERE app_no = '%s'", no);
	snprintf(acc, sizeof acc, "%s", one_text(f->st, sql));
	login(f);
	/* the customer view: progress of the application */
	key(TK_F(2));
	text(acc);
	key(TK_ENTER);
	key(TK_ENTER);
	run(f);
	assert_screen_has("进度：受理 2024-06-03 10:00  全程已用 0/5个工作日，期限 06-10 23:59");
	/* Tab, Tab selects the application (no payments); Enter opens it */
	key(TK_TAB);
	key(TK_ENTER);
	run(f);
	char want[128];
	snprintf(want, sizeof want, "工单 %s  新装（低压居民）", no);
	assert_screen_has(want);
	assert_screen_has("环节：[受理] > 现场勘查 > 供电方案答复 > 竣工检验 > 签订合同 >");
	key(TK_ENTER);
	run(f);
	assert_screen_has("新装工单办理");
	assert_screen_has("身份证明：");
	assert_screen_has("产权证明：");
	/* only the ID: the core names what is missing */
	text("已收");
	key(TK_ENTER);
	key(TK_F(10));
	run(f);
	assert_screen_has("材料不齐，不能转入现场勘查：缺少产权证明");
	snprintf(sql, sizeof sql, "SELECT stage FROM applications WHERE app_no = '%s'", no);
	assert_string_equal(one_text(f->st, sql), "accept");
	/* the cursor is on 产权证明 */
	text("已收");
	key(TK_ENTER);
	key(TK_F(10));
	run(f);
	snprintf(want, sizeof want, "工单 %s 已办理到「现场勘查」", no);
	assert_screen_has(want);
	assert_string_equal(one_text(f->st, sql), "survey");
	assert_string_equal(one_text(f->st, "SELECT extras FROM work_events WHERE to_stage = 'survey'"),
	                    "{\"docs\":\"id,property\"}");
}

/* Rectifications are on the work list; only a manager records the review. */
static void test_rectification_review_by_manager(void **state)
{
	struct fx *f = *state;
	char no[32], rect[32];
	struct hall_err err;
	static const char *const kv[] = {
		"account_no", "0019000001", "kind", "complaint", "name", "张三丰",
		"phone", "13812345678", "category", "service",
		"content", "营业员态度不好", NULL };

	submit_form(f, "complaint", kv, no);
	struct hall_actor clerk = actor_of(f->st, "1001", 3);
	struct hall_actor mgr = actor_of(f->st, "9001", 3);
	struct form_values v;
	form_values_init(&v);
	form_values_set(&v, "department", "营销部");
	form_values_set(&v, "person", "王工");
	assert_int_equal(workorder_advance(f->st, &clerk, no, "dispatch", &v, &err), HALL_OK);
	form_values_clear(&v);
	form_values_set(&v, "contact_method", "phone");
	assert_int_equal(workorder_advance(f->st, &clerk, no, "handle", &v, &err), HALL_OK);
	form_values_clear(&v);
	form_values_set(&v, "reply", "已道歉");
	form_values_set(&v, "verified", "yes");
	form_values_set(&v, "company_fault", "yes");
	form_values_set(&v, "staff_involved", "1002");
	assert_int_equal(workorder_advance(f->st, &clerk, no, "reply", &v, &err), HALL_OK);
	form_values_clear(&v);
	form_values_set(&v, "complaint", no);
	form_values_set(&v, "talk_date", "2024-06-03");
	form_values_set(&v, "causes", "服务态度");
	form_values_set(&v, "account", "当时忙");
	form_values_set(&v, "measures", "培训");
	form_values_set(&v, "responsible", "陈主任");
	form_values_set(&v, "deadline", "2024-06-10");
	if (workorder_rectify(f->st, &mgr, &v, rect, sizeof rect, &err) != HALL_OK)
		fail_msg("rectify: %s", hall_err_msg(&err));
	form_values_free(&v);

	/* a clerk sees it on the work list, cannot review it */
	login(f);
	key(TK_F(7));
	run(f);
	int r = row_of(rect);
	assert_true(r > 0);
	assert_true(strstr(line(r), "整改") != NULL);
	for (int i = row_of("期限") + 1; i < r; i++)
		key(TK_DOWN);
	key(TK_ENTER);
	run(f);
	char want[128];
	snprintf(want, sizeof want, "工单 %s  整改", rect);
	assert_screen_has(want);
	assert_screen_has("整改由主任复查");
	assert_screen_has("原因：服务态度");
	key(TK_ENTER);
	run(f);
	assert_screen_has("整改的复查须由主任登记");
	assert_screen_hasnt("复查结果：");
	app_destroy(f->app);
	new_app(f);
	/* the manager records the review (the list of the whole hall) */
	login_as(f, "9001");
	key(TK_F(7));
	run(f);
	r = row_of(rect);
	for (int i = row_of("期限") + 1; i < r; i++)
		key(TK_DOWN);
	key(TK_ENTER);
	run(f);
	assert_screen_has("Enter 登记复查结果");
	key(TK_ENTER);
	text("已培训，复查合格");
	key(TK_F(10));
	run(f);
	snprintf(want, sizeof want, "整改 %s 已复查并关闭", rect);
	assert_screen_has(want);
	assert_screen_has("复查结果：已培训，复查合格");
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT status || ' ' || reviewed_by FROM rectifications WHERE rect_no = '%s'", rect);
	assert_string_equal(one_text(f->st, sql), "done 9001");
}

/* The customer view: arrears and late fees as of today, the total due;
 * F5 fills in that total. */
static void test_customer_view_arrears_and_late_fees(void **state)
{
	struct fx *f = *state;

	login(f);
	key(TK_F(2));
	text("0019000001");
	key(TK_ENTER);
	key(TK_ENTER);
	run(f);
	assert_screen_has("未缴电费：150.00 元   违约金（计至 2024-06-03）：4.10 元");
	assert_screen_has("合计应缴：154.10 元   预存：0.00 元");
	assert_screen_has("2024-04  2024-05-03       100.00       3.10       31       103.10");
	assert_screen_has("合计应缴 154.10 元（电费 150.00，违约金 4.10）");
	key(TK_F(5));
	run(f);
	int r = row_of("金额（元）：");
	assert_true(strstr(line(r), "154.10") != NULL);
	assert_screen_has("应缴电费  0019000001 张三丰");
}

/* The export: a manager writes the daily sheet where they say, with a
 * progress bar; a clerk may export only their own day. */
static void test_export_daily_sheet(void **state)
{
	struct fx *f = *state;
	char path[800], r[32];
	struct stat sb;

	pay(f, "0019000002", "10", r);
	login_as(f, "9001");
	key(TK_F(9));
	run(f);
	assert_screen_has("导出营业日报（Excel）");
	assert_screen_has("daily-001-2024-06-03.xlsx");
	key(TK_TAB);
	for (int i = 0; i < 200; i++)
		key(TK_BACKSPACE);
	snprintf(path, sizeof path, "%s/日报.xlsx", f->dir);
	text(path);
	key(TK_F(10));
	run(f);
	assert_screen_has("已导出");
	assert_screen_has("实收 10.00 元");
	assert_screen_has("100%");
	assert_screen_has("[####");
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 1000);
	/* again: the file exists; the manager is asked before replacing */
	key(TK_F(10));
	run(f);
	assert_screen_has("文件已经存在，要覆盖吗？");
	key('y');
	run(f);
	assert_screen_has("已导出");
	/* a path inside the store's folder is refused */
	app_destroy(f->app);
	new_app(f);
	login(f);
	key(TK_F(9));
	run(f);
	assert_screen_has("营业员只能导出本人当天的记录");
	/* a clerk, another day: the core refuses */
	for (int i = 0; i < 10; i++)
		key(TK_BACKSPACE);
	text("2024-06-02");
	key(TK_TAB);
	for (int i = 0; i < 200; i++)
		key(TK_BACKSPACE);
	snprintf(path, sizeof path, "%s/clerk.xlsx", f->dir);
	text(path);
	key(TK_F(10));
	run(f);
	assert_screen_hasnt("已导出");
	assert_int_equal(stat(path, &sb), -1);
	/* today: allowed */
	key(TK_UP);
	for (int i = 0; i < 10; i++)
		key(TK_BACKSPACE);
	text("2024-06-03");
	key(TK_F(10));
	run(f);
	assert_screen_has("已导出");
	assert_int_equal(stat(path, &sb), 0);
}

/* Logging out is audited: on quit and on the idle lock. */
static void test_logout_audited(void **state)
{
	struct fx *f = *state;

	login(f);
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM audit WHERE kind = 'logout'"), 0);
	key(TICK);
	run(f);
	assert_screen_has("屏幕已锁定");
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM audit WHERE kind = 'logout' AND staff_id = '1001'"), 1);
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	assert_screen_hasnt("屏幕已锁定");
	key(TK_ESC);
	key('y');
	run(f);
	assert_true(f->app->quit);
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM audit WHERE kind = 'logout' AND staff_id = '1001'"), 2);
	/* destroying the app after a quit records nothing more */
	app_destroy(f->app);
	new_app(f);
	assert_int_equal(one_int(f->st, "SELECT count(*) FROM audit WHERE kind = 'logout'"), 2);
}

/* The new screens at 80x24 in English too. */
static void test_english_desk(void **state)
{
	struct fx *f = *state;

	hall_lang_set(HALL_LANG_EN);
	login(f);
	assert_screen_has("F8 cash desk: receipts, reprint, reversal, daily close");
	key(TK_F(8));
	run(f);
	assert_screen_has("Cash desk");
	assert_screen_has("1  Receipts: view, reprint, reverse");
	key('2');
	run(f);
	assert_screen_has("Daily close  business day 2024-06-03  clerk 张敏 (1001)");
	assert_screen_has("Cash: ");
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	utf8_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_home_sync_calendar_and_menu, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_payment_bills_due_and_receipt, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reprint_by_number, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reversal_manager_approves, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_daily_close_sign_off_and_reopen, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_work_order_advance, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_application_docs_and_progress, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rectification_review_by_manager, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_customer_view_arrears_and_late_fees, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_export_daily_sheet, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_logout_audited, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_english_desk, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests_name("tui_desk", tests, NULL, NULL);
}
