/* test_workorder.c - work orders: the stage machines of new connections,
 * business changes and complaints (legal and illegal moves), deadlines by
 * the calendar and the rule table, the rules of each change kind keyed by
 * effective date, account updates with history, reopening after an
 * unsatisfied follow-up, the repeat-complaint window, rectification by
 * role, and recomputation after rules or calendar change. */
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
#include "hall/counter.h"
#include "hall/customer.h"
#include "hall/store.h"
#include "hall/workorder.h"
#include "hall/worules.h"

static char dir[512];
static struct form_set *forms;
static struct store *S;
static struct hall_actor admin, clerk, manager;
static struct hall_err E;
static int nstore;

static void now(const char *utc)
{
	setenv("HALL_NOW", utc, 1);
}

static int64_t one_int(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(S), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(S)));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static const char *one_text(const char *fmt, ...)
{
	static char out[1024];
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(S), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(S)));
	int rc = sqlite3_step(st);
	const unsigned char *t = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	snprintf(out, sizeof out, "%s", t ? (const char *)t : "(null)");
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return out;
}

static void exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(S), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static void actor(struct hall_actor *a, const char *id, int counter)
{
	struct hall_err e;
	memset(a, 0, sizeof *a);
	a->counter = counter;
	if (auth_user_get(S, id, &a->user, &e) != HALL_OK)
		fail_msg("%s", e.en);
}

static void customer(const char *acct, const char *name, const char *category,
                     const char *voltage, int64_t capacity, const char *address,
                     const char *status)
{
	struct customer c;
	memset(&c, 0, sizeof c);
	snprintf(c.account_no, sizeof c.account_no, "%s", acct);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.id_type, sizeof c.id_type, "resident_id");
	snprintf(c.id_number, sizeof c.id_number, "11010519491231002X");
	snprintf(c.phone, sizeof c.phone, "13800138000");
	snprintf(c.address, sizeof c.address, "%s", address);
	snprintf(c.category, sizeof c.category, "%s", category);
	snprintf(c.voltage, sizeof c.voltage, "%s", voltage);
	c.capacity = capacity;
	snprintf(c.status, sizeof c.status, "%s", status);
	struct hall_err e;
	assert_int_equal(store_begin(S, &e), HALL_OK);
	if (customer_upsert(S, &c, "{}", &e) != HALL_OK)
		fail_msg("%s", e.en);
	assert_int_equal(store_commit(S, &e), HALL_OK);
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/wo.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	const char *f = getenv("HALL_FORMS");
	struct hall_err e;
	if (formset_load_dir(f && *f ? f : "forms", &forms, &e) != HALL_OK)
		fail_msg("%s", e.en);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	formset_free(forms);
	return 0;
}

/* A fresh store per test: users, and accounts at two supply addresses. */
static int before(void **state)
{
	(void)state;
	char p[600];
	snprintf(p, sizeof p, "%s/s%d.db", dir, ++nstore);
	now("2026-11-02T01:00:00Z");   /* Monday 09:00 in Fuzhou */
	struct hall_err e;
	if (store_create(p, "001", "鼓楼供电营业厅", &S, &e) != HALL_OK)
		fail_msg("%s", e.en);
	assert_int_equal(auth_user_add(S, NULL, "0001", "管理员", ROLE_ADMIN, "admin-pass-1", &e), HALL_OK);
	actor(&admin, "0001", 1);
	assert_int_equal(auth_user_add(S, &admin, "1001", "张敏", ROLE_CLERK, "clerk-pass-1", &e), HALL_OK);
	assert_int_equal(auth_user_add(S, &admin, "9001", "陈主任", ROLE_MANAGER, "mgr-pass-1", &e), HALL_OK);
	actor(&clerk, "1001", 3);
	actor(&manager, "9001", 9);
	customer("0010000001", "王建国", "residential", "220v", 8, "鼓楼区华林路88号", "normal");
	customer("0010000002", "示范餐饮有限公司", "commercial", "10kv", 400, "鼓楼区五四路100号", "normal");
	customer("0010000003", "示范制造有限公司", "commercial", "35kv", 2000, "仓山区工业路1号", "normal");
	customer("0010000004", "示范餐饮二店", "commercial", "380v", 50, "鼓楼区五四路100号", "normal");
	customer("0010000005", "别处商店", "commercial", "380v", 30, "台江区八一七路5号", "normal");
	customer("0010000006", "欠费商店", "commercial", "380v", 40, "鼓楼区五四路100号", "normal");
	exec("INSERT INTO bills(account_no, period, kwh, amount_fen, due_date, created_at)"
	     " VALUES ('0010000006', '2026-09', 300, 21000, '2026-10-25', '2026-10-01T00:00:00Z')");
	/* new accounts continue after the loaded ones */
	exec("INSERT INTO seq(name, value) VALUES ('account', 100)");
	return 0;
}

static int after(void **state)
{
	(void)state;
	store_close(S);
	S = NULL;
	return 0;
}

/* Submit a counter form with "key=value" strings (NULL-terminated). */
static int submit(const char *form, char *number, ...)
{
	const struct form_def *f = formset_find(forms, form);
	assert_non_null(f);
	struct form_values in;
	form_values_init(&in);
	va_list ap;
	va_start(ap, number);
	for (const char *kv; (kv = va_arg(ap, const char *));) {
		const char *eq = strchr(kv, '=');
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
		form_values_set(&in, key, eq + 1);
	}
	va_end(ap);
	struct counter_result res;
	struct form_errors *errs = malloc(sizeof *errs);
	assert_non_null(errs);
	int rc = counter_submit(S, f, &in, &clerk, &res, errs);
	hall_err_clear(&E);
	if (errs->n)
		E = errs->e[0];
	if (number)
		snprintf(number, 32, "%s", rc == HALL_OK ? res.number : "");
	free(errs);
	form_values_free(&in);
	return rc;
}

/* Advance number to stage with "key=value" strings, as who. */
static int adv_as(const struct hall_actor *who, const char *number, const char *to, ...)
{
	struct form_values v;
	form_values_init(&v);
	va_list ap;
	va_start(ap, to);
	for (const char *kv; (kv = va_arg(ap, const char *));) {
		const char *eq = strchr(kv, '=');
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
		form_values_set(&v, key, eq + 1);
	}
	va_end(ap);
	hall_err_clear(&E);
	int rc = workorder_advance(S, who, number, to, &v, &E);
	form_values_free(&v);
	return rc;
}

#define adv(number, to, ...) adv_as(&clerk, number, to, __VA_ARGS__)

static void expect(int rc, int want, const char *zh_part)
{
	if (rc != want)
		fail_msg("rc %d, want %d: %s", rc, want, E.zh);
	if (zh_part && !strstr(E.zh, zh_part))
		fail_msg("message \"%s\" lacks \"%s\"", E.zh, zh_part);
	if (want != HALL_OK)
		assert_true(E.en[0] != '\0');
}

static const char *deadline_of(const char *number)
{
	static struct wo_info info;
	struct hall_err e;
	if (workorder_get(S, number, &info, &e) != HALL_OK)
		fail_msg("%s", e.en);
	return info.deadline;
}

static const char *stage_of(const char *number)
{
	static struct wo_info info;
	struct hall_err e;
	if (workorder_get(S, number, &info, &e) != HALL_OK)
		fail_msg("%s", e.en);
	return info.stage;
}

static int64_t events(const char *number)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM work_events WHERE number = '%s'", number);
	return one_int(sql);
}

/* ------------------------------------------------------ new connection */

static char app_lv[32];

static void new_lv(void)
{
	expect(submit("new-connection", app_lv, "name=陈志明", "id_type=resident_id",
		"id_number=350103197511307896", "phone=13700001111", "address=鼓楼区杨桥路6号",
		"category=residential", "voltage=220v", "capacity=8", "kind=lv_residential", NULL),
		HALL_OK, NULL);
}

static void test_application_lv(void **state)
{
	(void)state;
	now("2026-09-30T02:00:00Z");   /* Wednesday 10:00, the eve of National Day */
	new_lv();
	/* 5 working days: Oct 8, 9, 10 (Saturday, make-up), 12, 13 */
	assert_string_equal(deadline_of(app_lv), "2026-10-13T15:59:59Z");
	const char *acct = one_text("SELECT account_no FROM applications WHERE app_no = %Q", app_lv);
	char account[24];
	snprintf(account, sizeof account, "%s", acct);
	assert_string_equal(one_text("SELECT status FROM customers WHERE account_no = %Q", account), "connecting");
	int64_t j0 = one_int("SELECT count(*) FROM journal");

	/* illegal moves write nothing */
	expect(adv(app_lv, "plan", NULL), HALL_ESTATE, "不能跳过环节");
	expect(adv(app_lv, "design_review", NULL), HALL_EINVAL, "不是");
	expect(adv(app_lv, "survey", "docs=id", NULL), HALL_EINVAL, "缺少产权证明");
	expect(adv(app_lv, "survey", "docs=id,property", "colour=red", NULL), HALL_EINVAL, "没有字段 colour");
	expect(adv(app_lv, "survey", "docs=id,deed", NULL), HALL_EINVAL, "不认识“deed”");
	expect(adv(app_lv, "accept", NULL), HALL_ESTATE, "已在");
	expect(adv(app_lv, "", NULL), HALL_EINVAL, NULL);
	assert_int_equal(events(app_lv), 1);
	assert_int_equal(one_int("SELECT count(*) FROM journal"), j0);

	now("2026-10-08T01:00:00Z");
	expect(adv(app_lv, "survey", "docs=id,property", "survey_result=表位已定", NULL), HALL_OK, NULL);
	assert_int_equal(events(app_lv), 2);
	assert_string_equal(one_text("SELECT from_stage || '>' || to_stage || '|' || staff_id || '|' || counter"
		" || '|' || json_extract(extras, '$.docs') FROM work_events WHERE number = %Q ORDER BY id DESC", app_lv),
		"accept>survey|1001|3|id,property");
	assert_int_equal(one_int("SELECT count(*) FROM journal WHERE kind = 'application.advance'"), 1);
	assert_int_equal(one_int("SELECT count(*) FROM journal WHERE kind = 'work.event'"), 2);
	/* the total clock keeps running: same deadline */
	assert_string_equal(deadline_of(app_lv), "2026-10-13T15:59:59Z");
	expect(adv(app_lv, "plan", NULL), HALL_OK, NULL);
	expect(adv(app_lv, "completion_check", "result=合格", NULL), HALL_OK, NULL);
	/* going back needs a reason */
	expect(adv(app_lv, "survey", NULL), HALL_EINVAL, "须说明原因");
	expect(adv(app_lv, "survey", "reason=表位需重新勘查", "docs=id", NULL), HALL_EINVAL, "没有字段 docs");
	expect(adv(app_lv, "survey", "reason=表位需重新勘查", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT note FROM work_events WHERE number = %Q ORDER BY id DESC", app_lv),
	                    "表位需重新勘查");
	assert_string_equal(stage_of(app_lv), "survey");
	expect(adv(app_lv, "plan", NULL), HALL_OK, NULL);
	expect(adv(app_lv, "completion_check", NULL), HALL_OK, NULL);
	expect(adv(app_lv, "contract", "contract_no=HT-2026-001", NULL), HALL_OK, NULL);
	expect(adv(app_lv, "connect", NULL), HALL_EINVAL, "电能表编号：必填");
	now("2026-10-14T01:00:00Z");
	expect(adv(app_lv, "connect", "meter_no=3300123456", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT status FROM customers WHERE account_no = %Q", account), "normal");
	assert_string_equal(one_text("SELECT old_value || '>' || new_value || '|' || source FROM customer_history"
		" WHERE account_no = %Q AND field = 'status'", account),
		one_text("SELECT 'connecting>normal|application:%q'", app_lv));
	/* connected after the deadline: the total clock was met late */
	expect(adv(app_lv, "archive", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT status FROM applications WHERE app_no = %Q", app_lv), "done");
	assert_string_equal(deadline_of(app_lv), "");
	expect(adv(app_lv, "survey", "reason=再看", NULL), HALL_ESTATE, "已办结归档");
	assert_int_equal(events(app_lv), 10);

	/* a cancelled application closes its account */
	char app2[32];
	expect(submit("new-connection", app2, "name=李四", "id_type=resident_id",
		"id_number=350103197511307896", "phone=13700001112", "address=鼓楼区杨桥路8号",
		"category=residential", "capacity=8", "kind=lv_residential", NULL), HALL_OK, NULL);
	expect(adv(app2, "cancel", NULL), HALL_EINVAL, "撤销工单须说明原因");
	expect(adv(app2, "cancel", "reason=客户不再需要", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT status || '|' || deadline FROM applications WHERE app_no = %Q", app2),
	                    "cancelled|");
	assert_string_equal(one_text("SELECT c.status FROM customers c JOIN applications a"
		" ON a.account_no = c.account_no WHERE a.app_no = %Q", app2), "closed");
	expect(adv(app2, "survey", "docs=id,property", NULL), HALL_ESTATE, "撤销");
}

struct clocks {
	struct wo_clock c[8];
	int n;
};

static void collect_clock(void *ud, const struct wo_clock *c)
{
	struct clocks *k = ud;
	if (k->n < 8)
		k->c[k->n++] = *c;
}

static void test_application_hv_pause(void **state)
{
	(void)state;
	char app[32];
	expect(submit("new-connection", app, "name=示范电子有限公司", "id_type=uscc",
		"id_number=91350100M000100Y43", "phone=0591-87654321", "address=仓山区工业路9号",
		"category=commercial", "voltage=10kv", "capacity=1250", "kind=hv_single", NULL), HALL_OK, NULL);
	/* 22 working days from Monday 2026-11-02 */
	assert_string_equal(deadline_of(app), "2026-12-02T15:59:59Z");
	now("2026-11-03T02:00:00Z");
	expect(adv(app, "survey", "docs=id,property", NULL), HALL_OK, NULL);
	now("2026-11-04T02:00:00Z");
	expect(adv(app, "plan", "plan=10kV单电源，新建箱变一台", NULL), HALL_OK, NULL);
	expect(adv(app, "completion_check", NULL), HALL_ESTATE, "设计审查");
	/* the customer designs and builds: no deadline while the clock is paused */
	assert_string_equal(deadline_of(app), "");
	struct clocks k = { .n = 0 };
	struct hall_err e;
	assert_int_equal(workorder_clocks(S, app, "2026-11-20T02:00:00Z", collect_clock, &k, &e), HALL_OK);
	assert_int_equal(k.n, 1);
	assert_true(k.c[0].running && k.c[0].paused);
	assert_int_equal(k.c[0].used, 1);   /* Nov 3 only */
	now("2026-12-01T02:00:00Z");
	expect(adv(app, "design_review", "result=通过", NULL), HALL_OK, NULL);
	now("2026-12-15T02:00:00Z");
	expect(adv(app, "mid_check", NULL), HALL_OK, NULL);
	assert_string_equal(deadline_of(app), "");
	now("2027-01-05T02:00:00Z");
	expect(adv(app, "completion_check", NULL), HALL_OK, NULL);
	/* resumed: Nov 3 and Jan 5 counted, 20 more: Feb 2, 2027 */
	assert_string_equal(deadline_of(app), "2027-02-02T15:59:59Z");
	k.n = 0;
	assert_int_equal(workorder_clocks(S, app, "2027-01-07T02:00:00Z", collect_clock, &k, &e), HALL_OK);
	assert_true(k.c[0].running && !k.c[0].paused && !k.c[0].overdue);
	assert_int_equal(k.c[0].used, 4);   /* Nov 3, Jan 5, 6, 7 */
	assert_string_equal(k.c[0].started_at, "2026-11-02T01:00:00Z");
	/* the stage list of high voltage has the two extra stages */
	int n;
	const char *const *l = workorder_stages("application", "hv_dual", &n);
	assert_int_equal(n, 9);
	assert_string_equal(l[3], "design_review");
	assert_string_equal(l[4], "mid_check");
	workorder_stages("application", "lv_nonresidential", &n);
	assert_int_equal(n, 7);
	assert_int_equal(workorder_stage_index("application", "lv_residential", "mid_check"), -1);
}

/* ------------------------------------------------------------- changes */

static int64_t nchanges(void)
{
	return one_int("SELECT count(*) FROM changes");
}

static void test_change_machine(void **state)
{
	(void)state;
	char bg[32];
	expect(submit("change", bg, "account_no=0010000002", "change_type=suspend",
		"start_date=2026-11-10", "end_date=2026-12-10", "transformers=1", NULL), HALL_OK, NULL);
	assert_string_equal(deadline_of(bg), "");   /* no clock for changes by default */
	expect(adv(bg, "execute", NULL), HALL_ESTATE, "不能跳过环节");
	expect(adv(bg, "review", "result=现场核实，封停变压器一台", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT status FROM customers WHERE account_no = '0010000002'"), "normal");
	expect(adv(bg, "execute", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT status FROM customers WHERE account_no = '0010000002'"), "suspended");
	assert_string_equal(one_text("SELECT field || ':' || old_value || '>' || new_value || '|' || source || '|' || staff_id"
		" FROM customer_history WHERE account_no = '0010000002'"),
		one_text("SELECT 'status:normal>suspended|change:%q|1001'", bg));
	assert_int_equal(one_int("SELECT count(*) FROM journal WHERE kind = 'customer.update'"
		" AND json_extract(payload, '$.status') = 'suspended'"), 1);
	assert_int_equal(one_int("SELECT count(*) FROM journal WHERE kind = 'customer.history'"), 1);
	expect(adv(bg, "archive", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT status FROM changes WHERE change_no = %Q", bg), "done");
	/* a deadline rule for changes, added by the administrator, applies */
	struct deadline_rule r;
	memset(&r, 0, sizeof r);
	snprintf(r.wo_kind, sizeof r.wo_kind, "change");
	snprintf(r.subtype, sizeof r.subtype, "*");
	snprintf(r.clock, sizeof r.clock, "total");
	snprintf(r.start_stage, sizeof r.start_stage, "accept");
	snprintf(r.stop_stage, sizeof r.stop_stage, "execute");
	snprintf(r.unit, sizeof r.unit, "workdays");
	r.amount = 3;
	struct hall_err e;
	assert_int_equal(worules_deadline_set(S, &admin, &r, NULL, &e), HALL_OK);
	char bg2[32];
	expect(submit("change", bg2, "account_no=0010000001", "change_type=change_category",
		"new_category=commercial", NULL), HALL_OK, NULL);
	assert_string_equal(deadline_of(bg2), "2026-11-05T15:59:59Z");
	expect(adv(bg2, "cancel", "reason=客户撤回", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT status FROM changes WHERE change_no = %Q", bg2), "cancelled");
	assert_string_equal(one_text("SELECT category FROM customers WHERE account_no = '0010000001'"), "residential");
}

static void test_change_rules_periods(void **state)
{
	(void)state;
	int64_t n0 = nchanges();
	/* suspend: at least 15 days each (both rule sets) */
	expect(submit("change", NULL, "account_no=0010000002", "change_type=suspend",
		"start_date=2026-11-10", "end_date=2026-11-19", "transformers=1", NULL),
		HALL_EINVAL, "每次不少于15天，本次 2026-11-10 至 2026-11-19 只有10天（变更规则 suspend.min_days，1996-10-08起施行）");
	assert_non_null(strstr(E.en, "change rule suspend.min_days"));
	/* no back-dating, end after start */
	expect(submit("change", NULL, "account_no=0010000002", "change_type=suspend",
		"start_date=2026-10-01", "end_date=2026-11-19", "transformers=1", NULL), HALL_EINVAL, "不能倒签");
	expect(submit("change", NULL, "account_no=0010000002", "change_type=suspend",
		"start_date=2026-12-01", "end_date=2026-11-19", "transformers=1", NULL), HALL_EINVAL, "早于开始日期");
	/* suspend: at most 6 months (183 days) a year in all */
	expect(submit("change", NULL, "account_no=0010000002", "change_type=suspend",
		"start_date=2026-11-03", "end_date=2027-05-10", "transformers=1", NULL),
		HALL_EINVAL, "每年累计不超过6个月（183天）");
	/* reduce, 2026 (2024 revision): no minimum nor maximum period */
	expect(submit("change", NULL, "account_no=0010000002", "change_type=reduce",
		"start_date=2026-11-10", "end_date=2026-12-09", "new_capacity=200", "transformers=1", NULL),
		HALL_OK, NULL);
	/* reduce must reduce */
	expect(submit("change", NULL, "account_no=0010000003", "change_type=reduce",
		"start_date=2026-11-10", "end_date=2027-12-09", "new_capacity=2000", "transformers=1", NULL),
		HALL_EINVAL, "减容后容量 2000 须小于现有合同容量 2000（变更规则 reduce.capacity_less）");
	/* one open change of a type per account */
	expect(submit("change", NULL, "account_no=0010000002", "change_type=reduce",
		"start_date=2027-01-10", "end_date=2027-12-09", "new_capacity=100", "transformers=1", NULL),
		HALL_ESTATE, "已有未办结的减容申请");
	/* swap: 2 months at 10 kV, 3 months at 35 kV */
	expect(submit("change", NULL, "account_no=0010000002", "change_type=swap",
		"start_date=2026-11-10", "end_date=2027-01-10", NULL),
		HALL_EINVAL, "期限不超过2个月（供电电压 10kv），结束日期最晚为 2027-01-09（变更规则 swap.max_months，");
	expect(submit("change", NULL, "account_no=0010000003", "change_type=swap",
		"start_date=2026-11-10", "end_date=2027-01-10", NULL), HALL_OK, NULL);
	expect(submit("change", NULL, "account_no=0010000004", "change_type=swap",
		"start_date=2026-11-10", "end_date=2027-01-09", NULL), HALL_OK, NULL);
	expect(submit("change", NULL, "account_no=0010000003", "change_type=temp_remove",
		"start_date=2026-11-10", "end_date=2027-05-10", NULL),
		HALL_EINVAL, "期限不超过6个月");
	/* a second swap on 0010000003 is the duplicate rule, not the period */
	expect(submit("change", NULL, "account_no=0010000003", "change_type=swap",
		"start_date=2026-11-10", "end_date=2027-03-10", NULL), HALL_ESTATE, "已有未办结的暂换申请");
	assert_int_equal(nchanges(), n0 + 3);

	/* the same checks before the 2024 revision: the 1996 rules hold */
	now("2024-03-01T02:00:00Z");
	expect(submit("change", NULL, "account_no=0010000004", "change_type=reduce",
		"start_date=2024-03-10", "end_date=2024-05-09", "new_capacity=30", "transformers=1", NULL),
		HALL_EINVAL, "期限不少于6个月，结束日期最早为 2024-09-09（变更规则 reduce.min_months，1996-10-08起施行）");
	expect(submit("change", NULL, "account_no=0010000004", "change_type=reduce",
		"start_date=2024-03-10", "end_date=2026-03-10", "new_capacity=30", "transformers=1", NULL),
		HALL_EINVAL, "期限不超过24个月");
	expect(submit("change", NULL, "account_no=0010000004", "change_type=reduce",
		"start_date=2024-03-10", "end_date=2026-03-09", "new_capacity=30", "transformers=1", NULL),
		HALL_OK, NULL);
}

static void test_change_rules_per_year(void **state)
{
	(void)state;
	/* two suspensions in 2024 already (carried out and finished) */
	exec("INSERT INTO changes(change_no, account_no, change_type, stage, status, business_date,"
	     " hall, counter, staff_id, created_at, updated_at, extras) VALUES"
	     " ('BG001202401020001', '0010000005', 'suspend', 'archive', 'done', '2024-01-02', '001', 1, '1001',"
	     "  '2024-01-02T01:00:00Z', '2024-01-02T01:00:00Z', '{\"start_date\":\"2024-01-05\",\"end_date\":\"2024-01-31\"}'),"
	     " ('BG001202402010001', '0010000005', 'suspend', 'archive', 'done', '2024-02-01', '001', 1, '1001',"
	     "  '2024-02-01T01:00:00Z', '2024-02-01T01:00:00Z', '{\"start_date\":\"2024-02-05\",\"end_date\":\"2024-02-29\"}')");
	/* 1996 rule in force before 2024-06-01: at most 2 a year */
	now("2024-05-06T02:00:00Z");
	expect(submit("change", NULL, "account_no=0010000005", "change_type=suspend",
		"start_date=2024-05-10", "end_date=2024-06-10", "transformers=1", NULL),
		HALL_EINVAL, "每年不超过2次，本户2024年已有2次暂停（变更规则 suspend.max_per_year，1996-10-08起施行）");
	/* from 2024-06-01 the count is free (the 2024 revision) */
	now("2024-06-03T02:00:00Z");
	char bg[32];
	expect(submit("change", bg, "account_no=0010000005", "change_type=suspend",
		"start_date=2024-06-10", "end_date=2024-07-10", "transformers=1", NULL), HALL_OK, NULL);
	assert_int_equal(one_int("SELECT count(*) FROM changes WHERE account_no = '0010000005'"), 3);
	/* the rule value in force is the one of the latest effective date */
	bool has;
	int64_t v;
	char eff[11];
	struct hall_err e;
	assert_int_equal(worules_change_value(S, "suspend", "max_per_year", "2024-05-31", &has, &v, eff, &e), HALL_OK);
	assert_true(has);
	assert_int_equal(v, 2);
	assert_int_equal(worules_change_value(S, "suspend", "max_per_year", "2024-06-01", &has, &v, eff, &e), HALL_OK);
	assert_false(has);
	assert_string_equal(eff, "2024-06-01");
	/* an administrator can hold a new rule from a date; a clerk cannot */
	struct change_rule r;
	memset(&r, 0, sizeof r);
	snprintf(r.change_type, sizeof r.change_type, "suspend");
	snprintf(r.rule, sizeof r.rule, "max_per_year");
	snprintf(r.effective_from, sizeof r.effective_from, "2024-07-01");
	r.has_value = true;
	r.value = 3;
	assert_int_equal(worules_change_set(S, &clerk, &r, &e), HALL_EPERM);
	assert_int_equal(worules_change_set(S, &admin, &r, &e), HALL_OK);
	/* "none" from a later date, right after a value in the same process:
	 * no value in force from then on */
	snprintf(r.effective_from, sizeof r.effective_from, "2030-01-01");
	r.has_value = false;
	assert_int_equal(worules_change_set(S, &admin, &r, &e), HALL_OK);
	assert_int_equal(worules_change_value(S, "suspend", "max_per_year", "2030-01-02", &has, &v, eff, &e), HALL_OK);
	assert_false(has);
	exec("DELETE FROM change_rules WHERE effective_from = '2030-01-01'");
	snprintf(r.effective_from, sizeof r.effective_from, "2024-07-01");
	r.has_value = true;
	snprintf(r.rule, sizeof r.rule, "max_forever");
	assert_int_equal(worules_change_set(S, &admin, &r, &e), HALL_EINVAL);
	assert_int_equal(one_int("SELECT count(*) FROM journal WHERE kind = 'rules.change'"), 2);
	now("2024-07-02T02:00:00Z");
	exec("UPDATE changes SET status = 'done' WHERE account_no = '0010000005'");
	expect(submit("change", NULL, "account_no=0010000005", "change_type=suspend",
		"start_date=2024-08-01", "end_date=2024-08-31", "transformers=1", NULL),
		HALL_EINVAL, "每年不超过3次，本户2024年已有3次暂停（变更规则 suspend.max_per_year，2024-07-01起施行）");
}

static void test_change_rules_accounts(void **state)
{
	(void)state;
	int64_t n0 = nchanges();
	/* arrears first: rename, split, close, merge */
	expect(submit("change", NULL, "account_no=0010000006", "change_type=rename", "new_name=新户主",
		"new_id_type=resident_id", "new_id_number=11010519491231002X", "new_phone=13900001111", NULL),
		HALL_ESTATE, "户号 0010000006 尚有 1 张账单未结清，共 210.00 元，须先结清欠费（变更规则 rename.arrears_settled");
	expect(submit("change", NULL, "account_no=0010000006", "change_type=split", "split_count=2", NULL),
		HALL_ESTATE, "split.arrears_settled");
	expect(submit("change", NULL, "account_no=0010000006", "change_type=close", "refund_method=cash",
		"reason=搬迁", NULL), HALL_ESTATE, "close.arrears_settled");
	expect(submit("change", NULL, "account_no=0010000002", "change_type=merge",
		"merge_accounts=0010000006", NULL), HALL_ESTATE, "merge.arrears_settled");
	/* merge: same supply point, existing accounts, capacity within the sum */
	expect(submit("change", NULL, "account_no=0010000002", "change_type=merge",
		"merge_accounts=0010000005", NULL), HALL_EINVAL,
		"0010000005 与本户不在同一供电点（用电地址不同）（变更规则 merge.same_supply_point）");
	expect(submit("change", NULL, "account_no=0010000002", "change_type=merge",
		"merge_accounts=0010000099", NULL), HALL_EINVAL, "0010000099 不存在");
	expect(submit("change", NULL, "account_no=0010000002", "change_type=merge",
		"merge_accounts=0010000002", NULL), HALL_EINVAL, "就是本户");
	struct customer c;
	struct hall_err e;
	assert_int_equal(customer_get(S, "0010000002", &c, &e), HALL_OK);
	struct form_values v;
	form_values_init(&v);
	form_values_set(&v, "change_type", "merge");
	form_values_set(&v, "merge_accounts", "0010000004");
	form_values_set(&v, "new_capacity", "451");
	assert_int_equal(store_begin(S, &e), HALL_OK);
	assert_int_equal(worules_change_check(S, "2026-11-02", &c, &v, &e), HALL_EINVAL);
	assert_non_null(strstr(e.zh, "并户后容量 451 超过各户合同容量之和 450（变更规则 merge.capacity_sum）"));
	form_values_set(&v, "new_capacity", "450");
	assert_int_equal(worules_change_check(S, "2026-11-02", &c, &v, &e), HALL_OK);
	/* a supply point recorded on both accounts decides over the address */
	exec("UPDATE customers SET extras = '{\"supply_point\":\"T01\"}' WHERE account_no = '0010000002';"
	     "UPDATE customers SET extras = '{\"supply_point\":\"T02\"}' WHERE account_no = '0010000004'");
	assert_int_equal(worules_change_check(S, "2026-11-02", &c, &v, &e), HALL_EINVAL);
	assert_non_null(strstr(e.zh, "供电点不同"));
	store_rollback(S);
	form_values_free(&v);
	/* the account's state */
	exec("UPDATE customers SET status = 'suspended' WHERE account_no = '0010000005'");
	expect(submit("change", NULL, "account_no=0010000005", "change_type=suspend",
		"start_date=2026-11-10", "end_date=2026-12-10", "transformers=1", NULL),
		HALL_ESTATE, "暂停须为正常用电的户，户号 0010000005 当前为“暂停”（变更规则 suspend.account_status）");
	/* a new voltage or category must differ */
	expect(submit("change", NULL, "account_no=0010000002", "change_type=change_voltage",
		"new_voltage=10kv", NULL), HALL_EINVAL, "新的供电电压与现在的“10kv”相同");
	expect(submit("change", NULL, "account_no=0010000001", "change_type=change_category",
		"new_category=residential", NULL), HALL_EINVAL, "change_category.new_value");
	assert_int_equal(nchanges(), n0);
}

static char *do_change(char *bg, const char *acct, const char *type, ...)
{
	/* submit + review + execute */
	va_list ap;
	va_start(ap, type);
	const char *a[6] = { NULL };
	for (int i = 0; i < 5; i++)
		if (!(a[i] = va_arg(ap, const char *)))
			break;
	va_end(ap);
	char acc[40], ty[40];
	snprintf(acc, sizeof acc, "account_no=%s", acct);
	snprintf(ty, sizeof ty, "change_type=%s", type);
	expect(submit("change", bg, acc, ty, a[0], a[1], a[2], a[3], a[4], NULL), HALL_OK, NULL);
	expect(adv(bg, "review", NULL), HALL_OK, NULL);
	expect(adv(bg, "execute", NULL), HALL_OK, NULL);
	return bg;
}

static void test_change_updates(void **state)
{
	(void)state;
	char bg[32];
	/* settle the arrears, then rename */
	exec("UPDATE bills SET paid_fen = amount_fen, status = 'paid' WHERE account_no = '0010000006'");
	do_change(bg, "0010000006", "rename", "new_name=林新", "new_id_type=resident_id",
	          "new_id_number=350102199202294561", "new_phone=13900001111", NULL);
	assert_string_equal(one_text("SELECT name || '|' || id_number || '|' || phone FROM customers"
		" WHERE account_no = '0010000006'"), "林新|350102199202294561|13900001111");
	assert_string_equal(one_text("SELECT group_concat(field || ':' || old_value, ',') FROM"
		" (SELECT * FROM customer_history WHERE account_no = '0010000006' ORDER BY id)"),
		"name:欠费商店,id_number:11010519491231002X,phone:13800138000");
	do_change(bg, "0010000001", "change_category", "new_category=commercial", NULL);
	assert_string_equal(one_text("SELECT category FROM customers WHERE account_no = '0010000001'"), "commercial");
	do_change(bg, "0010000004", "change_voltage", "new_voltage=10kv", NULL);
	assert_string_equal(one_text("SELECT voltage FROM customers WHERE account_no = '0010000004'"), "10kv");
	do_change(bg, "0010000003", "reduce", "start_date=2026-11-10", "end_date=2027-11-09",
	          "new_capacity=1250", "transformers=1", NULL);
	assert_int_equal(one_int("SELECT capacity FROM customers WHERE account_no = '0010000003'"), 1250);
	do_change(bg, "0010000005", "relocate", "new_address=台江区八一七路7号", NULL);
	assert_string_equal(one_text("SELECT address FROM customers WHERE account_no = '0010000005'"),
	                    "台江区八一七路7号");
	do_change(bg, "0010000005", "move_meter", "new_address=一楼东侧表箱", NULL);
	assert_string_equal(one_text("SELECT new_value FROM customer_history WHERE field = 'meter_position'"),
	                    "一楼东侧表箱");
	do_change(bg, "0010000005", "temp_remove", "start_date=2026-11-10", "end_date=2027-02-10", NULL);
	assert_string_equal(one_text("SELECT status FROM customers WHERE account_no = '0010000005'"), "temp_removed");
	/* merge: the merged accounts close, capacities add up */
	do_change(bg, "0010000002", "merge", "merge_accounts=0010000004，0010000006", NULL);
	assert_string_equal(one_text("SELECT group_concat(status) FROM (SELECT status FROM customers"
		" WHERE account_no IN ('0010000004', '0010000006') ORDER BY account_no)"), "closed,closed");
	assert_int_equal(one_int("SELECT capacity FROM customers WHERE account_no = '0010000002'"), 400 + 50 + 40);
	/* close: a bill that arrived after the application stops the execution */
	char bgc[32];
	expect(submit("change", bgc, "account_no=0010000001", "change_type=close", "refund_method=cash",
		"reason=房屋拆迁", NULL), HALL_OK, NULL);
	expect(adv(bgc, "review", NULL), HALL_OK, NULL);
	exec("INSERT INTO bills(account_no, period, kwh, amount_fen, due_date, created_at)"
	     " VALUES ('0010000001', '2026-10', 100, 5000, '2026-11-25', '2026-11-01T00:00:00Z')");
	expect(adv(bgc, "execute", NULL), HALL_ESTATE, "又有 1 张账单未结清");
	assert_string_equal(one_text("SELECT status FROM customers WHERE account_no = '0010000001'"), "normal");
	exec("UPDATE bills SET paid_fen = amount_fen, status = 'paid' WHERE account_no = '0010000001'");
	expect(adv(bgc, "execute", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT status FROM customers WHERE account_no = '0010000001'"), "closed");
	/* every account change is in the journal with its history */
	assert_int_equal(one_int("SELECT count(*) FROM journal WHERE kind = 'customer.history'"),
	                 one_int("SELECT count(*) FROM customer_history"));
}

/* ---------------------------------------------------------- complaints */

static void test_complaint_lifecycle(void **state)
{
	(void)state;
	now("2026-09-30T02:00:00Z");   /* Wednesday 10:00 */
	char ts[32];
	expect(submit("complaint", ts, "account_no=0010000001", "name=王建国", "phone=13800138000",
		"kind=complaint", "category=service", "channel=hotline_95598", "content=营业员态度差", NULL),
		HALL_OK, NULL);
	/* contact within 24 hours: Thursday 10:00 (holiday or not) */
	assert_string_equal(deadline_of(ts), "2026-10-01T02:00:00Z");
	expect(adv(ts, "dispatch", "department=营业班", NULL), HALL_EINVAL, "处理人：必填");
	expect(adv(ts, "handle", NULL), HALL_ESTATE, "不能跳过环节");
	expect(adv(ts, "followup", "result=satisfied", "method=phone", "attempts=1", NULL),
	       HALL_ESTATE, "还没有答复客户，不能回访");
	expect(adv(ts, "cancel", "reason=x", NULL), HALL_EINVAL, "不能撤销");
	expect(adv(ts, "dispatch", "department=营业班", "person=林班长", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT department || '/' || handler FROM complaints WHERE complaint_no = %Q", ts),
	                    "营业班/林班长");
	expect(adv(ts, "handle", "contact_method=fax", NULL), HALL_EINVAL, "应为 phone,sms,visit,wechat,letter 之一");
	now("2026-09-30T06:00:00Z");
	expect(adv(ts, "handle", "contact_method=phone", NULL), HALL_OK, NULL);
	/* contacted: the reply clock, 5 working days over National Day */
	assert_string_equal(deadline_of(ts), "2026-10-13T15:59:59Z");
	expect(adv(ts, "followup", "result=satisfied", "method=phone", "attempts=1", NULL),
	       HALL_ESTATE, "还没有答复客户");
	expect(adv(ts, "reply", "reply=已批评教育当事营业员", NULL), HALL_EINVAL, "必须填写核实结果");
	expect(adv(ts, "reply", "reply=已核实", "verified=yes", NULL), HALL_EINVAL, "属实时须填写是否为供电企业责任");
	expect(adv(ts, "reply", "reply=已核实", "verified=no", "staff_involved=1001", NULL), HALL_EINVAL, "只有核实属实");
	expect(adv(ts, "reply", "reply=已核实", "verified=yes", "company_fault=yes", "staff_involved=7777", NULL),
	       HALL_EINVAL, "没有工号 7777");
	now("2026-10-08T02:00:00Z");
	expect(adv(ts, "reply", "reply=已核实属实，已批评教育当事营业员", "verified=yes", "company_fault=yes",
		"staff_involved=1001", NULL), HALL_OK, NULL);
	/* follow-up within 1 working day of the reply: Friday Oct 9 */
	assert_string_equal(deadline_of(ts), "2026-10-09T15:59:59Z");
	/* not satisfied: recorded, and the complaint goes back to handling */
	now("2026-10-09T02:00:00Z");
	expect(adv(ts, "followup", "result=unsatisfied", "method=phone", "attempts=2", NULL), HALL_OK, NULL);
	assert_string_equal(stage_of(ts), "handle");
	assert_string_equal(one_text("SELECT followup_result || '|' || followup_attempts || '|' || reopen_count || '|' || status"
		" FROM complaints WHERE complaint_no = %Q", ts), "unsatisfied|2|1|open");
	assert_string_equal(one_text("SELECT group_concat(from_stage || '>' || to_stage, ',') FROM"
		" (SELECT * FROM work_events WHERE number = %Q AND id > (SELECT max(id) - 2 FROM work_events) ORDER BY id)", ts),
		"reply>followup,followup>handle");
	/* a new reply clock from the reopening: 5 working days from Friday
	 * Oct 9: Oct 10 (the make-up Saturday), 12, 13, 14, 15 */
	assert_string_equal(deadline_of(ts), "2026-10-15T15:59:59Z");
	expect(adv(ts, "archive", NULL), HALL_ESTATE, "回访不满意，不能归档");
	expect(adv(ts, "reply", "reply=已上门致歉并调整窗口人员", "verified=yes", "company_fault=yes",
		"staff_involved=1001", NULL), HALL_OK, NULL);
	expect(adv(ts, "archive", NULL), HALL_ESTATE, "回访不满意，不能归档");
	expect(adv(ts, "followup", "result=satisfied", "method=visit", "attempts=1", NULL), HALL_OK, NULL);
	expect(adv(ts, "archive", NULL), HALL_OK, NULL);
	assert_string_equal(one_text("SELECT status || '|' || followup_result || '|' || followup_attempts || '|' || deadline"
		" FROM complaints WHERE complaint_no = %Q", ts), "done|satisfied|3|");
	/* the clocks as they ended: contact met in time, first reply met in time */
	struct clocks k = { .n = 0 };
	struct hall_err e;
	assert_int_equal(workorder_clocks(S, ts, "2026-10-12T02:00:00Z", collect_clock, &k, &e), HALL_OK);
	assert_int_equal(k.n, 3);
	for (int i = 0; i < k.n; i++)
		assert_true(k.c[i].met && !k.c[i].overdue);
	expect(adv(ts, "handle", "reason=再查", NULL), HALL_ESTATE, "已办结归档");
}

static void test_repeat_window(void **state)
{
	(void)state;
	char ts[32];
	now("2026-11-02T02:00:00Z");
	expect(submit("complaint", ts, "name=路人甲", "phone=13600002222", "kind=complaint",
		"category=service", "content=排队太久", NULL), HALL_OK, NULL);
	now("2026-11-14T02:00:00Z");
	expect(submit("complaint", ts, "name=路人甲", "phone=13600002222", "kind=complaint",
		"category=business", "content=又排队", NULL), HALL_OK, NULL);
	assert_int_equal(one_int("SELECT repeat_flag FROM complaints ORDER BY id DESC LIMIT 1"), 1);
	/* an enquiry is never a repeat complaint */
	expect(submit("complaint", ts, "name=路人甲", "phone=13600002222", "kind=enquiry",
		"content=问电价", NULL), HALL_OK, NULL);
	assert_int_equal(one_int("SELECT repeat_flag FROM complaints ORDER BY id DESC LIMIT 1"), 0);
	/* a 10-day window: 12 days after the last complaint is not a repeat */
	struct hall_err e;
	assert_int_equal(worules_setting_set(S, &clerk, "repeat_window_days", "10", NULL, &e), HALL_EPERM);
	assert_int_equal(worules_setting_set(S, &admin, "repeat_window_days", "0", NULL, &e), HALL_EINVAL);
	assert_int_equal(worules_setting_set(S, &admin, "repeat_window_days", "10", NULL, &e), HALL_OK);
	assert_int_equal(worules_repeat_window_days(S), 10);
	now("2026-11-26T02:00:00Z");
	expect(submit("complaint", ts, "name=路人甲", "phone=13600002222", "kind=complaint",
		"category=service", "content=第三次", NULL), HALL_OK, NULL);
	assert_int_equal(one_int("SELECT repeat_flag FROM complaints ORDER BY id DESC LIMIT 1"), 0);
	now("2026-12-06T02:00:00Z");   /* 10 days later: a repeat again */
	expect(submit("complaint", ts, "name=路人甲", "phone=13600002222", "kind=complaint",
		"category=service", "content=第四次", NULL), HALL_OK, NULL);
	assert_int_equal(one_int("SELECT repeat_flag FROM complaints ORDER BY id DESC LIMIT 1"), 1);
	/* the work list carries the flag */
	struct wo_info info;
	assert_int_equal(workorder_get(S, ts, &info, &e), HALL_OK);
	assert_true(info.repeat);
}

/* ------------------------------------------------------- rectification */

static void test_rectification_roles(void **state)
{
	(void)state;
	now("2026-11-02T02:00:00Z");
	char ts[32], ts2[32], zg[32];
	expect(submit("complaint", ts, "name=王建国", "phone=13800138000", "kind=complaint",
		"category=service", "content=态度差", NULL), HALL_OK, NULL);
	expect(submit("complaint", ts2, "name=李四", "phone=13800138001", "kind=complaint",
		"category=service", "content=态度差", NULL), HALL_OK, NULL);
	expect(adv(ts, "dispatch", "department=营业班", "person=林班长", NULL), HALL_OK, NULL);
	expect(adv(ts, "handle", "contact_method=phone", NULL), HALL_OK, NULL);
	expect(adv(ts, "reply", "reply=属实", "verified=yes", "company_fault=yes", "staff_involved=1001", NULL),
	       HALL_OK, NULL);
	struct form_values v;
	form_values_init(&v);
	form_values_set(&v, "complaint", ts);
	form_values_set(&v, "talk_date", "2026-11-02");
	form_values_set(&v, "causes", "服务意识不强");
	form_values_set(&v, "account", "当时排队人多，语气急躁");
	form_values_set(&v, "measures", "学习服务规范，一个月内不安排独立值窗口");
	form_values_set(&v, "responsible", "林班长");
	form_values_set(&v, "deadline", "2026-11-30");
	struct hall_err e;
	int64_t j0 = one_int("SELECT count(*) FROM journal");
	/* a clerk may not record a rectification */
	assert_int_equal(workorder_rectify(S, &clerk, &v, zg, sizeof zg, &e), HALL_EPERM);
	assert_non_null(strstr(e.zh, "无权登记整改"));
	assert_int_equal(one_int("SELECT count(*) FROM rectifications"), 0);
	assert_int_equal(one_int("SELECT count(*) FROM journal"), j0);
	/* only for a complaint found true against staff */
	form_values_set(&v, "complaint", ts2);
	assert_int_equal(workorder_rectify(S, &manager, &v, zg, sizeof zg, &e), HALL_ESTATE);
	form_values_set(&v, "complaint", "TS0012026110299");
	assert_int_equal(workorder_rectify(S, &manager, &v, zg, sizeof zg, &e), HALL_ENOTFOUND);
	form_values_set(&v, "complaint", ts);
	form_values_set(&v, "deadline", "2026-10-30");
	assert_int_equal(workorder_rectify(S, &manager, &v, zg, sizeof zg, &e), HALL_EINVAL);
	assert_string_equal(e.field, "deadline");
	form_values_set(&v, "deadline", "2026-11-30");
	form_values_set(&v, "talk_date", "2026-11-03");
	assert_int_equal(workorder_rectify(S, &manager, &v, zg, sizeof zg, &e), HALL_EINVAL);
	assert_string_equal(e.field, "talk_date");
	form_values_set(&v, "talk_date", "2026-11-02");
	form_values_set(&v, "mood", "bad");
	assert_int_equal(workorder_rectify(S, &manager, &v, zg, sizeof zg, &e), HALL_EINVAL);
	form_values_del(&v, "mood");
	form_values_del(&v, "measures");
	assert_int_equal(workorder_rectify(S, &manager, &v, zg, sizeof zg, &e), HALL_EINVAL);
	assert_string_equal(e.field, "measures");
	form_values_set(&v, "measures", "学习服务规范");
	assert_int_equal(one_int("SELECT count(*) FROM rectifications"), 0);
	/* the manager records it; its own deadline is the end of the date */
	assert_int_equal(workorder_rectify(S, &manager, &v, zg, sizeof zg, &e), HALL_OK);
	assert_string_equal(zg, "ZG001202611020001");
	assert_string_equal(one_text("SELECT staff_id || '|' || deadline || '|' || manager_id || '|' || status"
		" FROM rectifications"), "1001|2026-11-30T15:59:59Z|9001|open");
	assert_int_equal(one_int("SELECT count(*) FROM journal WHERE kind = 'rectification.create'"), 1);
	struct wo_info info;
	assert_int_equal(workorder_get(S, zg, &info, &e), HALL_OK);
	assert_string_equal(info.kind, "rectification");
	assert_int_equal(workorder_advance(S, &manager, zg, "archive", NULL, &e), HALL_EINVAL);
	/* the review: manager only, once */
	assert_int_equal(workorder_rectify_review(S, &clerk, zg, "已改正", &e), HALL_EPERM);
	assert_int_equal(workorder_rectify_review(S, &manager, zg, "", &e), HALL_EINVAL);
	assert_int_equal(workorder_rectify_review(S, &manager, zg, "一个月内无投诉，整改到位", &e), HALL_OK);
	assert_int_equal(workorder_rectify_review(S, &manager, zg, "again", &e), HALL_ESTATE);
	struct wo_rectification r;
	assert_int_equal(workorder_rectification_get(S, zg, &r, &e), HALL_OK);
	assert_string_equal(r.status, "done");
	assert_string_equal(r.reviewed_by, "9001");
	assert_string_equal(r.review_result, "一个月内无投诉，整改到位");
	form_values_free(&v);
}

/* ------------------------------------------- work list, recomputation */

static void collect_item(void *ud, const struct work_item *w)
{
	char *out = ud;
	size_t n = strlen(out);
	snprintf(out + n, 4096 - n, "%s%s@%s", n ? "," : "", w->kind, w->deadline[0] ? w->deadline : "-");
}

static void test_worklist_and_recompute(void **state)
{
	(void)state;
	now("2026-09-30T02:00:00Z");
	new_lv();                               /* due 2026-10-13 end */
	char ts[32], bg[32];
	expect(submit("complaint", ts, "name=路人甲", "phone=13600002222", "kind=complaint",
		"category=service", "content=排队太久", NULL), HALL_OK, NULL);   /* due 10-01 10:00 */
	expect(submit("change", bg, "account_no=0010000002", "change_type=change_voltage",
		"new_voltage=20kv", NULL), HALL_OK, NULL);                      /* no deadline */
	char list[4096] = "";
	struct hall_err e;
	assert_int_equal(workorder_worklist(S, NULL, NULL, collect_item, list, &e), HALL_OK);
	assert_string_equal(list, "complaint@2026-10-01T02:00:00Z,application@2026-10-13T15:59:59Z,change@-");
	list[0] = '\0';
	assert_int_equal(workorder_worklist(S, NULL, "2026-10-02T00:00:00Z", collect_item, list, &e), HALL_OK);
	assert_string_equal(list, "complaint@2026-10-01T02:00:00Z");
	list[0] = '\0';
	assert_int_equal(workorder_worklist(S, "9001", NULL, collect_item, list, &e), HALL_OK);
	assert_string_equal(list, "");

	/* a rule change recomputes the open orders: 3 working days */
	struct deadline_rule r;
	memset(&r, 0, sizeof r);
	snprintf(r.wo_kind, sizeof r.wo_kind, "application");
	snprintf(r.subtype, sizeof r.subtype, "lv_residential");
	snprintf(r.clock, sizeof r.clock, "total");
	snprintf(r.unit, sizeof r.unit, "workdays");
	r.amount = 3;
	int n = -1;
	assert_int_equal(worules_deadline_set(S, &clerk, &r, &n, &e), HALL_EPERM);
	assert_int_equal(worules_deadline_set(S, &admin, &r, &n, &e), HALL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(deadline_of(app_lv), "2026-10-10T15:59:59Z");   /* the make-up Saturday */
	assert_int_equal(one_int("SELECT count(*) FROM journal WHERE kind = 'application.deadline'"), 1);
	/* bad rules write nothing */
	snprintf(r.start_stage, sizeof r.start_stage, "connect");
	snprintf(r.stop_stage, sizeof r.stop_stage, "survey");
	assert_int_equal(worules_deadline_set(S, &admin, &r, &n, &e), HALL_EINVAL);
	snprintf(r.start_stage, sizeof r.start_stage, "accept");
	snprintf(r.stop_stage, sizeof r.stop_stage, "mid_check");
	snprintf(r.subtype, sizeof r.subtype, "lv_residential");
	assert_int_equal(worules_deadline_set(S, &admin, &r, &n, &e), HALL_EINVAL);   /* not an LV stage */
	snprintf(r.stop_stage, sizeof r.stop_stage, "connect");
	snprintf(r.unit, sizeof r.unit, "fortnights");
	assert_int_equal(worules_deadline_set(S, &admin, &r, &n, &e), HALL_EINVAL);
	snprintf(r.unit, sizeof r.unit, "workdays");
	snprintf(r.subtype, sizeof r.subtype, "lv_castle");
	assert_int_equal(worules_deadline_set(S, &admin, &r, &n, &e), HALL_EINVAL);
	snprintf(r.subtype, sizeof r.subtype, "lv_residential");
	snprintf(r.clock, sizeof r.clock, "new_clock");
	r.start_stage[0] = '\0';
	assert_int_equal(worules_deadline_set(S, &admin, &r, &n, &e), HALL_EINVAL);
	assert_string_equal(deadline_of(app_lv), "2026-10-10T15:59:59Z");

	/* working hours: contact within 4 working hours of 08:30-17:30 */
	memset(&r, 0, sizeof r);
	snprintf(r.wo_kind, sizeof r.wo_kind, "complaint");
	snprintf(r.subtype, sizeof r.subtype, "complaint");
	snprintf(r.clock, sizeof r.clock, "contact");
	snprintf(r.start_stage, sizeof r.start_stage, "accept");
	snprintf(r.stop_stage, sizeof r.stop_stage, "handle");
	snprintf(r.unit, sizeof r.unit, "work_hours");
	r.amount = 4;
	assert_int_equal(worules_deadline_set(S, &admin, &r, &n, &e), HALL_OK);
	/* 10:00 Wednesday + 4 working hours = 14:00 Wednesday */
	assert_string_equal(deadline_of(ts), "2026-09-30T06:00:00Z");
	/* a lunch break in the working day moves it */
	assert_int_equal(worules_setting_set(S, &admin, "work_window", "08:30-12:00,14:00-17:30", &n, &e), HALL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(deadline_of(ts), "2026-09-30T08:00:00Z");   /* 16:00 local */
	assert_int_equal(worules_setting_set(S, &admin, "work_window", "9-5", &n, &e), HALL_EINVAL);
	/* "off" for one kind keeps the '*' clocks of the others */
	snprintf(r.unit, sizeof r.unit, "off");
	assert_int_equal(worules_deadline_set(S, &admin, &r, &n, &e), HALL_OK);
	assert_string_equal(deadline_of(ts), "2026-10-13T15:59:59Z");   /* the reply clock */

	/* importing a calendar recomputes too: Oct 9 made a day off */
	char p[600];
	snprintf(p, sizeof p, "%s/c2026.cal", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("year 2026\n2026-10-01 off\n2026-10-02 off\n2026-10-05 off\n2026-10-06 off\n2026-10-07 off\n"
	      "2026-10-09 off 测试\n", f);
	fclose(f);
	const char *files[] = { p };
	assert_int_equal(calendar_import(S, &admin, files, 1, &n, &e), HALL_OK);
	assert_int_equal(n, 2);
	/* Oct 8, 12, 13: the Saturday is no longer a working day */
	assert_string_equal(deadline_of(app_lv), "2026-10-13T15:59:59Z");
	assert_string_equal(deadline_of(ts), "2026-10-15T15:59:59Z");
	/* a demo or imported order without events is computed from its dates */
	exec("INSERT INTO complaints(complaint_no, name, phone, kind, channel, content, stage,"
	     " business_date, hall, counter, staff_id, created_at, updated_at) VALUES"
	     " ('TS001202609300099', '某', '13600000000', 'complaint', 'hall', '无', 'dispatch', '2026-09-30',"
	     " '001', 1, '1001', '2026-09-30T02:00:00Z', '2026-09-30T03:00:00Z')");
	assert_int_equal(store_begin(S, &e), HALL_OK);
	assert_int_equal(workorder_recompute_open(S, NULL, &n, &e), HALL_OK);
	assert_int_equal(store_commit(S, &e), HALL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(deadline_of("TS001202609300099"), "2026-10-15T15:59:59Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_application_lv, before, after),
		cmocka_unit_test_setup_teardown(test_application_hv_pause, before, after),
		cmocka_unit_test_setup_teardown(test_change_machine, before, after),
		cmocka_unit_test_setup_teardown(test_change_rules_periods, before, after),
		cmocka_unit_test_setup_teardown(test_change_rules_per_year, before, after),
		cmocka_unit_test_setup_teardown(test_change_rules_accounts, before, after),
		cmocka_unit_test_setup_teardown(test_change_updates, before, after),
		cmocka_unit_test_setup_teardown(test_complaint_lifecycle, before, after),
		cmocka_unit_test_setup_teardown(test_repeat_window, before, after),
		cmocka_unit_test_setup_teardown(test_rectification_roles, before, after),
		cmocka_unit_test_setup_teardown(test_worklist_and_recompute, before, after),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
