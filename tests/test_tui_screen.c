/*
 * test_tui_screen.c - the counter screens without a real terminal (tig's
 * method): curses runs on newterm() over /dev/null at a fixed size, keys
 * come from a script, and the screen is read back from stdscr (innwstr)
 * and compared with the expected text kept here, Chinese columns included.
 * Each test works on a fresh store made in a temporary folder.
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

#include "hall/auth.h"
#include "hall/counter.h"
#include "hall/customer.h"
#include "hall/err.h"
#include "hall/form.h"
#include "hall/store.h"
#include "hall/utf8.h"
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
	struct store *st;
	struct form_set *forms;
	struct app *app;
};

static long fake_now = 1000;
static long fake_clock(void) { return fake_now; }

/* A key script.  TICK advances the fake clock by 61 s and reads as "no key
 * before the time-out". */
#define TICK ((tkey)-100)
#define SIG  ((tkey)-101)   /* SIGTERM arrives */

struct script {
	tkey k[1024];
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
	if (k == SIG) {
		tui_signal_raise_for_test(SIGTERM);
		return TK_NONE;
	}
	return k;
}

static void key(tkey k)
{
	assert_true(sc.n < 1024);
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

/* Run the keys typed so far. */
static int run(struct fx *f)
{
	int rc = app_run(f->app);
	sc.n = sc.pos = 0;
	return rc;
}

static void add_customer(struct store *st, const char *acc, const char *name,
                         const char *phone, const char *id,
                         const char *address)
{
	struct customer c;
	struct hall_err err;
	memset(&c, 0, sizeof c);
	snprintf(c.account_no, sizeof c.account_no, "%s", acc);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.id_type, sizeof c.id_type, "resident_id");
	snprintf(c.id_number, sizeof c.id_number, "%s", id);
	snprintf(c.phone, sizeof c.phone, "%s", phone);
	snprintf(c.address, sizeof c.address, "%s", address);
	snprintf(c.category, sizeof c.category, "residential");
	snprintf(c.voltage, sizeof c.voltage, "220v");
	c.capacity = 8;
	assert_int_equal(customer_upsert(st, &c, NULL, &err), HALL_OK);
}

static const char *forms_dir(void)
{
	const char *e = getenv("HALL_FORMS");
	return e && *e ? e : "forms";
}

static int fx_setup_term(void **state, const char *term, int rows, int cols)
{
	struct fx *f = calloc(1, sizeof *f);
	struct hall_err err;

	assert_non_null(f);
	struct hall_actor admin;
	const char *tmp = getenv("TEST_TMP");

	hall_lang_set(HALL_LANG_ZH);
	snprintf(f->dir, sizeof f->dir, "%s/tuiXXXXXX", tmp && *tmp ? tmp : "/tmp");
	const char *d = mkdtemp(f->dir);
	assert_non_null(d);
	/* The store in a folder of its own: receipts are spooled beside it,
	 * never inside (payment_spool_dir); no printer here. */
	snprintf(f->db, sizeof f->db, "%s/store", d);
	assert_int_equal(mkdir(f->db, 0700), 0);
	snprintf(f->db, sizeof f->db, "%s/store/hall.db", d);
	char spool[700];
	snprintf(spool, sizeof spool, "%s/receipts", d);
	setenv("HALL_RECEIPTS", spool, 1);
	setenv("HALL_PRINT_COMMAND", "none", 1);
	setenv("XDG_STATE_HOME", f->dir, 1);
	setenv("HALL_NOW", "2024-06-03T02:00:00Z", 1);   /* 10:00 in Beijing */
	setenv("TZ", "CST-8", 1);
	tzset();
	assert_int_equal(store_create(f->db, "001", "鼓楼供电营业厅", &f->st, &err),
	                 HALL_OK);
	assert_int_equal(auth_user_add(f->st, NULL, "0001", "管理员", ROLE_ADMIN,
	                               PASSWORD, &err), HALL_OK);
	memset(&admin, 0, sizeof admin);
	assert_int_equal(auth_user_get(f->st, "0001", &admin.user, &err), HALL_OK);
	admin.counter = 1;
	assert_int_equal(auth_user_add(f->st, &admin, "1001", "张敏", ROLE_CLERK,
	                               PASSWORD, &err), HALL_OK);
	/* The clerk sets their own password: no forced change at login. */
	struct hall_actor self;
	memset(&self, 0, sizeof self);
	assert_int_equal(auth_user_get(f->st, "1001", &self.user, &err), HALL_OK);
	self.counter = 3;
	assert_int_equal(auth_user_passwd(f->st, &self, "1001", PASSWORD, &err),
	                 HALL_OK);
	assert_int_equal(store_begin(f->st, &err), HALL_OK);
	add_customer(f->st, "0010000001", "张三丰", "13812345678",
	             "11010519491231002X", "福州市鼓楼区五四路1号");
	add_customer(f->st, "0010000002", "李四", "13900001111",
	             "11010519491231002X", "福州市台江区八一七中路88号");
	assert_int_equal(store_commit(f->st, &err), HALL_OK);
	if (formset_load_dir(forms_dir(), &f->forms, &err) != HALL_OK)
		fail_msg("forms: %s", hall_err_msg(&err));

	assert_int_equal(tui_term_start_test(term, rows, cols), 0);
	struct tui_options o = { f->db, forms_dir(), 3, 60 };
	struct tui_keysrc ks = { script_get, &sc };
	f->app = app_create(&o, f->st, f->forms, &ks);
	f->app->clock_s = fake_clock;
	f->app->last_input = fake_now;
	sc.n = sc.pos = 0;
	*state = f;
	return 0;
}

static int fx_setup(void **state)
{
	return fx_setup_term(state, "xterm-256color", 24, 80);
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

/* Line y of the screen as UTF-8, trailing spaces removed.  innwstr skips
 * the second cell of a double-width character, so the text reads as it
 * looks. */
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

static void dump(void);

/* Screen column where needle starts on line y, -1 if absent. */
static int col_of(int y, const char *needle)
{
	const char *l = line(y);
	const char *p = strstr(l, needle);
	char pre[1024];
	if (!p) {
		fprintf(stderr, "'%s' not on line %d:\n", needle, y);
		dump();
		return -1;
	}
	memcpy(pre, l, (size_t)(p - l));
	pre[p - l] = '\0';
	return (int)utf8_width(pre);
}

/* The row holding needle, -1 if none. */
static int row_of(const char *needle)
{
	for (int y = 0; y < LINES; y++)
		if (strstr(line(y), needle))
			return y;
	return -1;
}

static void dump(void)
{
	for (int y = 0; y < LINES; y++)
		fprintf(stderr, "%2d|%s\n", y, line(y));
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

static void login(struct fx *f)
{
	struct login_arg la = { false };
	assert_int_equal(app_push(f->app, &scr_login_ops, &la), HALL_OK);
	text("1001");
	key(TK_TAB);
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	if (!f->app->logged_in) {
		dump();
		fail_msg("login failed");
	}
}

/* A form for layout tests, independent of forms/. */
static const char *test_form =
	"form t\n"
	"title 测试单 | Test form\n"
	"action none\n"
	"field name\n"
	"  label 户名 | Name\n"
	"  type text\n"
	"  required\n"
	"  length 1 20\n"
	"  width 10\n"
	"  help 客户姓名 | Customer name\n"
	"field idno\n"
	"  label 身份证号码 | ID number\n"
	"  type resident_id\n"
	"field method\n"
	"  label 付款方式 | Method\n"
	"  type choice\n"
	"  choice cash 现金 | Cash\n"
	"  choice wechat 微信 | WeChat\n"
	"  choice card 银行卡 | Card\n"
	"  default cash\n"
	"field ref\n"
	"  label 凭证号 | Reference\n"
	"  type text\n"
	"  length 1 40\n"
	"  show-when method != cash\n"
	"  required-when method != cash\n";

static struct form_def *open_test_form(struct fx *f)
{
	struct form_def *def;
	struct hall_err err;
	if (form_parse_text(test_form, "test.form", &def, &err) != HALL_OK)
		fail_msg("test form: %s", hall_err_msg(&err));
	struct form_arg fa = { .def = def };
	assert_int_equal(app_push(f->app, &scr_form_ops, &fa), HALL_OK);
	return def;
}

/* --------------------------------------------------------------- tests */

static void test_login_screen(void **state)
{
	struct fx *f = *state;
	struct login_arg la = { false };

	app_push(f->app, &scr_login_ops, &la);
	run(f);
	assert_line(0, " 鼓楼供电营业厅                                                      2024-06-03");
	assert_screen_has("柜台登录");
	int r = row_of("工号：");
	assert_true(r > 0);
	/* Labels right-aligned on the same column, fields start together. */
	assert_int_equal(col_of(r, "工号：") + 6, col_of(r + 1, "密码：") + 6);
	assert_int_equal(col_of(r + 2, "窗口号：") + 8, col_of(r, "工号：") + 6);
	/* The remembered / given counter number is filled in. */
	assert_int_equal(col_of(r + 2, "3"), col_of(r, "工号：") + 7);
	assert_line(23, "F1帮助 F2查询 F3新装 F4变更 F5缴费 F6投诉 F7工单 F10保存 Esc返回");

	/* The password is masked. */
	text("1001");
	key(TK_TAB);
	text("abc");
	run(f);
	assert_screen_has("***");
	assert_screen_hasnt("abc");
	assert_int_equal(f->app->cur_y, r + 1);
	/* Typing on the remembered counter number replaces it. */
	key(TK_TAB);
	text("7");
	run(f);
	assert_int_equal(col_of(r + 2, "7"), col_of(r, "工号：") + 7);
	assert_screen_hasnt("37");
}

static void test_login_wrong_then_right(void **state)
{
	struct fx *f = *state;
	struct login_arg la = { false };
	char buf[16] = "";
	char path[700];
	FILE *fp;

	app_push(f->app, &scr_login_ops, &la);
	text("1001");
	key(TK_TAB);
	text("wrong-password");
	key(TK_ENTER);
	run(f);
	assert_false(f->app->logged_in);
	assert_screen_has("柜台登录");
	assert_screen_hasnt("****");          /* password cleared */
	/* Now the right one: the cursor is back on the password. */
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	assert_true(f->app->logged_in);
	assert_screen_has("营业员：张敏(1001)    窗口：3    日期：2024-06-03");
	assert_screen_has("今日：新装 0  变更 0  缴费 0  投诉 0    实收 0.00 元");
	assert_screen_has("上次同步：尚未同步");
	assert_screen_has("待办工单");
	assert_line(0, " 鼓楼供电营业厅  窗口 3  营业员 张敏(1001)                           2024-06-03");
	/* The counter number is remembered for this terminal. */
	snprintf(path, sizeof path, "%s/hall/counter", f->dir);
	assert_string_equal(f->app->state_path, path);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof buf, fp));
	fclose(fp);
	assert_string_equal(buf, "3\n");
}

static void test_login_forced_password_change(void **state)
{
	struct fx *f = *state;
	struct login_arg la = { false };
	struct hall_actor admin;
	struct hall_err err;

	/* A clerk added by the administrator must choose a new password. */
	memset(&admin, 0, sizeof admin);
	assert_int_equal(auth_user_get(f->st, "0001", &admin.user, &err), HALL_OK);
	assert_int_equal(auth_user_add(f->st, &admin, "1002", "林晓燕", ROLE_CLERK,
	                               PASSWORD, &err), HALL_OK);
	app_push(f->app, &scr_login_ops, &la);
	text("1002");
	key(TK_TAB);
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	assert_false(f->app->logged_in);
	assert_screen_has("请设置新密码");
	assert_screen_has("营业员： 林晓燕(1002)");
	text("newpass123");
	key(TK_TAB);
	text("newpass124");
	key(TK_ENTER);
	run(f);
	assert_screen_has("两次输入的密码不一样");
	text("newpass123");
	key(TK_TAB);
	text("newpass123");
	key(TK_ENTER);
	run(f);
	assert_true(f->app->logged_in);
	assert_screen_has("营业员：林晓燕(1002)");
}

static void test_too_small_recovers(void **state)
{
	struct fx *f = *state;

	login(f);
	tui_term_resize(20, 60);
	key(TK_RESIZE);
	run(f);
	assert_screen_has("终端窗口太小");
	assert_screen_has("至少需要 80x24，现在 60x20");
	/* Keys do nothing while too small. */
	key(TK_F(5));
	run(f);
	assert_int_equal(f->app->depth, 1);
	tui_term_resize(30, 100);
	key(TK_RESIZE);
	run(f);
	assert_screen_hasnt("终端窗口太小");
	assert_screen_has("营业员：张敏(1001)");
	assert_line(29, "F1帮助 F2查询 F3新装 F4变更 F5缴费 F6投诉 F7工单 F10保存 Esc返回");
}

static void test_form_layout_from_def(void **state)
{
	struct fx *f = *state;
	struct form_def *def;

	login(f);
	def = open_test_form(f);
	run(f);
	assert_line(1, "                                     测试单");
	/* One row per visible field; labels end together; "凭证号" is hidden
	 * while the method is cash. */
	assert_line(3, " *       户名：");
	assert_line(4, "   身份证号码：");
	assert_line(5, "     付款方式： 现金        v");
	assert_screen_hasnt("凭证号");
	int fx = col_of(3, "：") + 3;
	assert_int_equal(col_of(5, "现金"), fx);
	assert_int_equal(col_of(4, "：") + 3, fx);
	/* The help of the focused field at the bottom. */
	assert_line(21, "  客户姓名");
	assert_int_equal(f->app->cur_y, 3);
	assert_int_equal(f->app->cur_x, fx);
	form_free(def);
}

static void test_field_editing_chinese_scroll(void **state)
{
	struct fx *f = *state;
	struct form_def *def;

	login(f);
	def = open_test_form(f);
	run(f);
	int fx = f->app->cur_x;
	/* Width 10: twelve columns of Chinese scroll, never half a character. */
	text("福州市鼓楼区");
	run(f);
	/* The cursor past the end needs a column: 市鼓楼区, '<' before. */
	assert_int_equal(f->app->cur_x, fx + 8);
	assert_int_equal(col_of(3, "<市鼓楼区"), fx - 1);
	assert_screen_hasnt("福州");
	key(TK_HOME);
	run(f);
	assert_int_equal(f->app->cur_x, fx);
	assert_int_equal(col_of(3, "福州市鼓楼>"), fx);
	/* Delete the first character, insert one in the middle. */
	key(TK_DELETE);
	key(TK_RIGHT);
	text("A");
	run(f);
	assert_int_equal(col_of(3, "州A市鼓楼 >"), fx);   /* 区 needs 2 */
	assert_int_equal(f->app->cur_x, fx + 3);
	key(TK_END);
	run(f);
	assert_int_equal(col_of(3, "<A市鼓楼区"), fx - 1);
	assert_int_equal(f->app->cur_x, fx + 9);
	key(TK_BACKSPACE);
	run(f);
	assert_int_equal(col_of(3, "州A市鼓楼"), fx);
	assert_screen_hasnt("<");
	assert_int_equal(f->app->cur_x, fx + 9);
	form_free(def);
}

static void test_validation_on_leave_and_fixed_len(void **state)
{
	struct fx *f = *state;
	struct form_def *def;

	login(f);
	def = open_test_form(f);
	text("王五");
	key(TK_TAB);
	/* A wrong check digit: the message appears under the field when
	 * leaving it (the value is complete: 18 characters move on). */
	text("110105194912310021");
	run(f);
	assert_int_equal(f->app->cur_y, 6);      /* moved on to the method */
	int r = row_of("身份证号码：");
	assert_true(strstr(line(r + 1), "校验") != NULL ||
	            strstr(line(r + 1), "身份证") != NULL);
	int fx = col_of(r, "110105");
	assert_int_equal(col_of(r + 1, line(r + 1) + strspn(line(r + 1), " ")), fx);
	/* Fix it: the message goes away when the field is left. */
	key(TK_UP);
	key(TK_BACKSPACE);
	text("X");
	run(f);
	key(TK_UP);
	key(TK_TAB);
	run(f);
	key(TK_BACKSPACE);
	key(TK_BACKSPACE);
	text("2X");
	run(f);
	assert_string_equal(line(r), "   身份证号码： 11010519491231002X");
	assert_int_equal(row_of("校验"), -1);
	form_free(def);
}

static void test_choice_list_filter_and_conditional(void **state)
{
	struct fx *f = *state;
	struct form_def *def;

	login(f);
	def = open_test_form(f);
	key(TK_TAB);
	key(TK_TAB);
	key(TK_ENTER);                            /* open the list */
	run(f);
	assert_screen_has("筛选：");
	assert_screen_has("银行卡");
	assert_screen_has("* 现金");              /* the current choice */
	text("微");
	run(f);
	assert_screen_has("微信");
	assert_screen_hasnt("银行卡");
	key(TK_ENTER);
	run(f);
	assert_screen_hasnt("筛选：");
	/* The field shows the choice and the reference field appears. */
	int r = row_of("付款方式：");
	assert_true(strstr(line(r), "微信") != NULL);
	assert_line(r + 1, " *     凭证号：");
	assert_int_equal(f->app->cur_y, r + 1);   /* focus moved on */
	/* Back to cash: it disappears again. */
	key(TK_UP);
	text("现");
	key(TK_ENTER);
	run(f);
	assert_screen_hasnt("凭证号");
	form_free(def);
}

static void test_esc_asks_before_discarding(void **state)
{
	struct fx *f = *state;
	struct form_def *def;

	login(f);
	def = open_test_form(f);
	text("赵");
	key(TK_ESC);
	run(f);
	assert_screen_has("放弃已输入的内容吗？");
	key('n');
	run(f);
	assert_screen_hasnt("放弃已输入的内容吗？");
	assert_screen_has("测试单");
	key(TK_ESC);
	key('y');
	run(f);
	assert_screen_hasnt("测试单");
	assert_screen_has("待办工单");
	/* Nothing typed: Esc goes straight back. */
	form_free(def);
	def = open_test_form(f);
	key(TK_ESC);
	run(f);
	assert_screen_has("待办工单");
	form_free(def);
}

static void test_help_overlay(void **state)
{
	struct fx *f = *state;
	struct form_def *def;

	login(f);
	def = open_test_form(f);
	key(TK_F(1));
	run(f);
	assert_screen_has("帮助");
	assert_screen_has("户名：客户姓名");
	assert_screen_has("按任意键关闭");
	key(' ');
	run(f);
	assert_screen_hasnt("按任意键关闭");
	form_free(def);
}

static void test_payment_f10_errors_then_save(void **state)
{
	struct fx *f = *state;
	struct hall_err err;

	login(f);
	key(TK_F(5));
	run(f);
	assert_screen_has("缴费");
	/* Save with nothing: the cursor goes to the first bad field. */
	key(TK_F(10));
	run(f);
	int r = row_of("户号：");
	assert_true(r > 0);
	assert_int_equal(f->app->cur_y, r);
	assert_true(line(r + 1)[0] != '\0');     /* message under the field */
	assert_screen_has("处需要修改");
	/* An unknown account is refused when leaving the field. */
	text("0019999999");
	key(TK_TAB);
	run(f);
	assert_true(strlen(line(r + 1)) > 0);
	key(TK_UP);
	for (int i = 0; i < 10; i++)
		key(TK_BACKSPACE);
	text("0010000001");
	key(TK_TAB);
	text("12.5");
	key(TK_F(10));
	run(f);
	assert_screen_has("缴费  已保存");
	assert_screen_has("收据号：");
	assert_screen_has("金额：12.50 元");
	assert_screen_has("大写：壹拾贰元伍角");
	/* the receipt went out once (spool copy; the printer is "none") */
	assert_screen_has("收据已打印");
	char spooled[800];
	struct stat sb;
	snprintf(spooled, sizeof spooled, "%s/receipts/SF00100000001.txt", f->dir);
	assert_int_equal(stat(spooled, &sb), 0);
	/* The store has it. */
	struct counter_day d;
	assert_int_equal(counter_day_stats(f->st, "1001", "2024-06-03", &d, &err),
	                 HALL_OK);
	assert_int_equal(d.payments, 1);
	assert_int_equal(d.takings_fen, 1250);
	/* Enter goes home and the counts are fresh. */
	key(TK_ENTER);
	run(f);
	assert_screen_has("缴费 1");
	assert_screen_has("实收 12.50 元");
}

static void test_lookup_and_customer_view(void **state)
{
	struct fx *f = *state;

	login(f);
	key(TK_F(2));
	text("张三");
	key(TK_ENTER);
	run(f);
	assert_screen_has("客户查询");
	assert_screen_has("找到 1 户");
	int r = row_of("0010000001");
	assert_true(r > 0);
	int h = row_of("用电地址");
	assert_int_equal(col_of(r, "0010000001"), col_of(h, "户号"));
	assert_int_equal(col_of(r, "张三丰"), col_of(h, "户名"));
	assert_int_equal(col_of(r, "138****5678"), col_of(h, "电话"));
	assert_int_equal(col_of(r, "福州市"), col_of(h, "用电地址"));
	key(TK_ENTER);
	run(f);
	assert_screen_has("客户信息");
	assert_screen_has("户号：0010000001    户名：张三丰");
	assert_screen_has("110105********002X");
	assert_screen_has("138****5678");
	assert_screen_hasnt("13812345678");
	assert_screen_has("未缴电费");
	/* F5 here starts a payment for this account. */
	key(TK_F(5));
	run(f);
	r = row_of("户号：");
	assert_true(strstr(line(r), "0010000001") != NULL);
	int a = row_of("金额");
	assert_int_equal(f->app->cur_y, a);
}

static int pii_looks(struct fx *f, const char *staff, char *detail, size_t n)
{
	sqlite3_stmt *st;
	int count = 0;
	assert_int_equal(sqlite3_prepare_v2(store_db(f->st),
		"SELECT count(*), max(detail) FROM audit WHERE kind = 'pii.show' AND staff_id = ?1"
		" AND target = '0010000001'", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, staff, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		count = sqlite3_column_int(st, 0);
		snprintf(detail, n, "%s", sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
	}
	sqlite3_finalize(st);
	return count;
}

static void open_customer(struct fx *f)
{
	key(TK_F(2));
	text("张三");
	key(TK_ENTER);
	key(TK_ENTER);
	run(f);
	assert_screen_has("客户信息");
	assert_screen_has("110105********002X");
}

/* A clerk sees a full ID number only after giving a reason, a manager at
 * once; every look is in the audit log (issue #8). */
static void test_customer_full_numbers_clerk(void **state)
{
	struct fx *f = *state;
	char detail[256];

	login(f);
	open_customer(f);
	assert_screen_has("I 完整号码");
	key('I');
	run(f);
	assert_screen_has("查看完整证件号码和电话");
	assert_screen_has("查看原因");
	key(TK_F(10));          /* no reason: refused */
	run(f);
	assert_screen_has("查看完整证件号码和电话");
	assert_int_equal(pii_looks(f, "1001", detail, sizeof detail), 0);
	text("办理过户，核对身份");
	key(TK_F(10));
	run(f);
	assert_screen_has("客户信息");
	assert_screen_has("11010519491231002X");
	assert_screen_has("13812345678");
	assert_screen_has("这次查看已记入审计日志");
	assert_int_equal(pii_looks(f, "1001", detail, sizeof detail), 1);
	assert_string_equal(detail, "办理过户，核对身份");
	/* leaving the view hides them again */
	key(TK_ESC);
	key(TK_ENTER);
	run(f);
	assert_screen_has("客户信息");
	assert_screen_has("110105********002X");
	assert_screen_hasnt("11010519491231002X");
}

static void test_customer_full_numbers_manager(void **state)
{
	struct fx *f = *state;
	struct hall_err err;
	struct hall_actor self;
	struct login_arg la = { false };
	char detail[256];

	memset(&self, 0, sizeof self);
	assert_int_equal(auth_user_get(f->st, "0001", &self.user, &err), HALL_OK);
	self.counter = 1;
	assert_int_equal(auth_user_passwd(f->st, &self, "0001", PASSWORD, &err), HALL_OK);
	assert_int_equal(app_push(f->app, &scr_login_ops, &la), HALL_OK);
	text("0001");
	key(TK_TAB);
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	assert_true(f->app->logged_in);
	open_customer(f);
	key('I');
	run(f);
	assert_screen_hasnt("查看原因");
	assert_screen_has("11010519491231002X");
	assert_screen_has("已显示完整号码，已记入审计日志");
	assert_int_equal(pii_looks(f, "0001", detail, sizeof detail), 1);
}

static void test_idle_lock_keeps_form(void **state)
{
	struct fx *f = *state;
	struct form_def *def;

	login(f);
	def = open_test_form(f);
	text("钱七");
	key(TICK);
	run(f);
	assert_screen_has("屏幕已锁定");
	assert_screen_hasnt("钱七");
	text("bad-password");
	key(TK_ENTER);
	run(f);
	assert_screen_has("屏幕已锁定");
	text(PASSWORD);
	key(TK_ENTER);
	run(f);
	assert_screen_hasnt("屏幕已锁定");
	int r = row_of("户名：");
	assert_int_equal(col_of(r, "钱七"), col_of(r, "：") + 3);
	form_free(def);
}

static void test_signal_keeps_draft(void **state)
{
	struct fx *f = *state;
	struct hall_err err;
	struct form_values v;
	char form[32];

	login(f);
	key(TK_F(6));
	run(f);
	int r = row_of("户号：");
	assert_true(r > 0);
	key(TK_TAB);
	key(TK_TAB);         /* kind is a choice: to the name */
	run(f);
	text("孙八");
	key(SIG);
	key('x');            /* never read: the loop stops first */
	assert_int_equal(run(f), 128 + SIGTERM);
	form_values_init(&v);
	assert_int_equal(counter_draft_load(f->st, "1001", form, sizeof form, &v,
	                                    &err), HALL_OK);
	assert_string_equal(form, "complaint");
	assert_string_equal(form_values_get(&v, "name"), "孙八");
	form_values_free(&v);

	/* Next login offers it; Enter takes it up again. */
	app_destroy(f->app);
	struct tui_options o = { f->db, forms_dir(), 3, 60 };
	struct tui_keysrc ks = { script_get, &sc };
	f->app = app_create(&o, f->st, f->forms, &ks);
	f->app->clock_s = fake_clock;
	login(f);
	assert_screen_has("上次有未保存的「客户诉求登记」，继续填写吗？");
	key(TK_ENTER);
	run(f);
	assert_screen_has("孙八");
	assert_int_equal(counter_draft_load(f->st, "1001", form, sizeof form, &v,
	                                    &err), HALL_ENOTFOUND);
	form_values_free(&v);
}

static void test_stored_text_is_sanitised(void **state)
{
	struct fx *f = *state;
	struct hall_err err;

	assert_int_equal(store_begin(f->st, &err), HALL_OK);
	add_customer(f->st, "0010000003", "坏\x1b[2J人", "13700000000",
	             "11010519491231002X", "\x1b]0;x\x07福州");
	assert_int_equal(store_commit(f->st, &err), HALL_OK);
	login(f);
	key(TK_F(2));
	text("0010000003");
	key(TK_ENTER);
	key(TK_ENTER);
	run(f);
	assert_screen_has("客户信息");
	for (int y = 0; y < LINES; y++)
		assert_null(strchr(line(y), '\x1b'));
	assert_screen_has("坏\xef\xbf\xbd[2J人");
}

static void test_english_and_worklist(void **state)
{
	struct fx *f = *state;

	hall_lang_set(HALL_LANG_EN);
	login(f);
	assert_line(23, "F1Help F2Find F3New F4Change F5Pay F6Complaint F7Work F10Save EscBack");
	assert_screen_has("Clerk: 张敏(1001)    Counter: 3    Date: 2024-06-03");
	key(TK_F(7));
	run(f);
	assert_screen_has("Hall's open work");
	assert_screen_has("no open work");
	key(TK_TAB);
	run(f);
	assert_screen_has("My open work");
	key(TK_ESC);
	key(TK_ESC);
	run(f);
	assert_screen_has("Quit the counter?");
	key('y');
	run(f);
	assert_true(f->app->quit);
}

static int fx_setup_vt100(void **state)
{
	return fx_setup_term(state, "vt100", 24, 80);
}

static void test_monochrome_vt100(void **state)
{
	struct fx *f = *state;
	assert_true(tui_colors_mono());
	login(f);
	assert_screen_has("营业员：张敏(1001)");
	assert_true((tui_attr(TC_FIELD_FOCUS) & A_REVERSE) != 0);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	utf8_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_login_screen, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_login_wrong_then_right, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_login_forced_password_change, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_too_small_recovers, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_form_layout_from_def, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_field_editing_chinese_scroll, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_validation_on_leave_and_fixed_len, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_choice_list_filter_and_conditional, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_esc_asks_before_discarding, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_help_overlay, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_payment_f10_errors_then_save, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_and_customer_view, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_customer_full_numbers_clerk, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_customer_full_numbers_manager, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_lock_keeps_form, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_signal_keeps_draft, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stored_text_is_sanitised, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_english_and_worklist, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_monochrome_vt100, fx_setup_vt100, fx_teardown),
	};
	return cmocka_run_group_tests_name("tui_screen", tests, NULL, NULL);
}
