/* cmd_work.c - work orders from the command line: hall advance, worklist,
 * show, calendar, rules and rectify. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hall/calendar.h"
#include "hall/ident.h"
#include "hall/utf8.h"
#include "hall/workorder.h"
#include "hall/worules.h"

/* The start-up check of the calendar, on stderr. */
static void warn_calendar(struct store *s)
{
	char today[11];
	struct hall_err w;
	store_today_local(today);
	if (calendar_warning(s, today, &w))
		fprintf(stderr, "hall: %s\n", hall_err_msg(&w));
}

static int fail(const struct hall_err *e, int code)
{
	cli_error(e);
	return hall_rc_exit(code);
}

/* key=value positionals from index first into v; 0 or exit status 2. */
static int kv_args(const struct cli *c, int first, struct form_values *v)
{
	for (int i = first; i < c->npos; i++) {
		const char *eq = strchr(c->pos[i], '=');
		if (!eq || eq == c->pos[i] || eq - c->pos[i] > 63) {
			cli_errorf("参数 %s 应写成 字段=值", "argument %s must be key=value", c->pos[i]);
			return 2;
		}
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(eq - c->pos[i]), c->pos[i]);
		if (form_values_get(v, key)) {
			cli_errorf("字段 %s 给了两次", "field %s given twice", key);
			return 2;
		}
		if (form_values_set(v, key, eq + 1) != HALL_OK)
			return 1;
	}
	return 0;
}

static void local_or_dash(const char *utc, char out[17])
{
	if (utc && utc[0])
		store_local_time(utc, out);
	else
		snprintf(out, 17, "-");
}

/* ------------------------------------------------------------ advance */

int cmd_advance(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "to", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *to = cli_opt(c, "to");
	if (c->npos < 1 || !to) {
		cli_errorf("用法：hall advance 工单号 --to 环节 [字段=值 ...] --user 工号",
		           "usage: hall advance NUMBER --to STAGE [key=value ...] --user ID");
		return 2;
	}
	struct form_values v;
	form_values_init(&v);
	if ((rc = kv_args(c, 1, &v))) {
		form_values_free(&v);
		return rc;
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RW, &s))) {
		form_values_free(&v);
		return rc;
	}
	warn_calendar(s);
	struct hall_actor actor;
	rc = cli_login(c, s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", &actor);
	if (rc == 0) {
		struct hall_err e;
		int hrc = workorder_advance(s, &actor, c->pos[0], to, &v, &e);
		if (hrc != HALL_OK) {
			rc = fail(&e, hrc);
		} else {
			struct wo_info info;
			if (workorder_get(s, c->pos[0], &info, &e) == HALL_OK) {
				char dl[17];
				local_or_dash(info.deadline, dl);
				printf("%s\t%s\t%s\t%s\n", info.number, info.stage, info.status, dl);
				if (info.reopen_count && !strcmp(to, "followup"))
					fprintf(stderr, "hall: %s\n", hall_tr("回访不满意，工单已退回处理",
						"follow-up not satisfied: the complaint is back in handling"));
			}
		}
	}
	store_close(s);
	form_values_free(&v);
	return rc;
}

/* ----------------------------------------------------------- worklist */

struct wl_print {
	char now[21];
	char today[11];
	int n;
};

static void print_item(void *ud, const struct work_item *w)
{
	struct wl_print *p = ud;
	char dl[17], name[256];
	local_or_dash(w->deadline, dl);
	const char *mark = "";
	if (w->deadline[0] && strcmp(w->deadline, p->now) < 0)
		mark = hall_tr("超期", "overdue");
	else if (w->deadline[0] && !strncmp(dl, p->today, 10))
		mark = hall_tr("今日到期", "due today");
	utf8_sanitize(name, sizeof name, w->name, false);
	printf("%s\t%s\t%s\t%s\t%s\t%s\t%s%s\t%s\n", dl, mark, workorder_kind_label(w->kind),
	       w->number, workorder_type_label(w->kind, w->type), workorder_stage_label(w->stage),
	       w->repeat ? hall_tr("[重复]", "[repeat]") : "", name, w->staff_id);
	p->n++;
}

int cmd_worklist(struct cli *c)
{
	static const char *const allowed[] = { "db", "overdue", "staff", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	if (c->npos) {
		cli_errorf("用法：hall worklist [--overdue] [--staff 工号]",
		           "usage: hall worklist [--overdue] [--staff ID]");
		return 2;
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RO, &s)))
		return rc;
	warn_calendar(s);
	struct wl_print p = { .n = 0 };
	store_now_utc(p.now);
	store_today_local(p.today);
	struct hall_err e;
	int hrc = workorder_worklist(s, cli_opt(c, "staff"), cli_flag(c, "overdue") ? p.now : NULL,
	                             print_item, &p, &e);
	if (hrc != HALL_OK)
		rc = fail(&e, hrc);
	else if (p.n == 0)
		fprintf(stderr, "%s\n", cli_flag(c, "overdue")
			? hall_tr("没有超期的工单", "no overdue work")
			: hall_tr("没有未办结的工单", "no open work"));
	store_close(s);
	return rc;
}

/* --------------------------------------------------------------- show */

static const char *status_label(const char *st)
{
	if (!strcmp(st, "open"))
		return hall_tr("在办", "open");
	if (!strcmp(st, "done"))
		return hall_tr("办结", "done");
	if (!strcmp(st, "cancelled"))
		return hall_tr("撤销", "cancelled");
	return st;
}

static void fmt_used(const struct wo_clock *k, char *out, size_t n)
{
	if (!strcmp(k->rule.unit, "workdays"))
		snprintf(out, n, "%lld/%d%s", (long long)k->used, k->rule.amount,
		         worules_unit_label(k->rule.unit));
	else
		snprintf(out, n, "%lld:%02lld/%d%s", (long long)(k->used / 3600),
		         (long long)(k->used / 60 % 60), k->rule.amount, worules_unit_label(k->rule.unit));
}

static void print_clock(void *ud, const struct wo_clock *k)
{
	(void)ud;
	char start[17], dl[17], used[64];
	local_or_dash(k->started_at, start);
	local_or_dash(k->deadline, dl);
	fmt_used(k, used, sizeof used);
	const char *state = !k->started ? hall_tr("未开始", "not started")
		: k->met ? (k->overdue ? hall_tr("已完成（超期）", "met late") : hall_tr("已完成", "met"))
		: k->paused ? hall_tr("暂停计时（客户环节）", "paused (customer's time)")
		: k->overdue ? hall_tr("计时中（已超期）", "running, overdue")
		: hall_tr("计时中", "running");
	printf("  %-9s %s→%s  %d%s  %s %s  %s %s  %s %s  %s\n", k->rule.clock,
	       workorder_stage_label(k->rule.start_stage), workorder_stage_label(k->rule.stop_stage),
	       k->rule.amount, worules_unit_label(k->rule.unit),
	       hall_tr("开始", "start"), start, hall_tr("期限", "due"), dl,
	       hall_tr("已用", "used"), k->started ? used : "-", state);
}

static void print_event(void *ud, const struct wo_event *e)
{
	(void)ud;
	char at[17], note[700], ex[1100];
	local_or_dash(e->at, at);
	utf8_sanitize(note, sizeof note, e->note, false);
	utf8_sanitize(ex, sizeof ex, e->extras, false);
	printf("  %s  %s %s%d  %s%s%s  %s  %s\n", at, e->staff_id, hall_tr("窗口", "counter "), e->counter,
	       e->from_stage[0] ? workorder_stage_label(e->from_stage) : "",
	       e->from_stage[0] ? " → " : "→ ", workorder_stage_label(e->to_stage),
	       strcmp(ex, "{}") ? ex : "", note);
}

static int show_rectification(struct store *s, const char *number)
{
	struct wo_rectification r;
	struct hall_err e;
	int rc = workorder_rectification_get(s, number, &r, &e);
	if (rc != HALL_OK)
		return fail(&e, rc);
	char dl[17], at[17];
	local_or_dash(r.deadline, dl);
	local_or_dash(r.created_at, at);
	printf("%s %s  %s %s\n", hall_tr("整改", "rectification"), r.rect_no,
	       hall_tr("投诉", "complaint"), r.complaint_no);
	printf("%s %s  %s %s  %s %s\n", hall_tr("员工", "staff"), r.staff_id,
	       hall_tr("谈话日期", "talk date"), r.talk_date, hall_tr("登记", "recorded"), at);
	printf("%s：%s\n%s：%s\n%s：%s\n%s：%s\n", hall_tr("原因", "causes"), r.causes,
	       hall_tr("本人陈述", "staff member's account"), r.staff_account,
	       hall_tr("整改措施", "measures"), r.measures, hall_tr("责任人", "responsible"), r.responsible);
	printf("%s %s（%s）  %s %s  %s %s\n", hall_tr("整改期限", "deadline"), r.deadline_date, dl,
	       hall_tr("登记人", "manager"), r.manager_id, hall_tr("状态", "status"), status_label(r.status));
	if (r.review_result[0]) {
		local_or_dash(r.reviewed_at, at);
		printf("%s：%s（%s %s）\n", hall_tr("复查结果", "review"), r.review_result, r.reviewed_by, at);
	}
	return 0;
}

int cmd_show(struct cli *c)
{
	static const char *const allowed[] = { "db", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	if (c->npos != 1) {
		cli_errorf("用法：hall show 工单号", "usage: hall show NUMBER");
		return 2;
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RO, &s)))
		return rc;
	warn_calendar(s);
	struct wo_info info;
	struct hall_err e;
	int hrc = workorder_get(s, c->pos[0], &info, &e);
	if (hrc != HALL_OK) {
		rc = fail(&e, hrc);
	} else if (!strcmp(info.kind, "rectification")) {
		rc = show_rectification(s, info.number);
	} else {
		char phone[40], at[17], dl[17], now[21], name[256];
		ident_mask_phone(info.phone, phone, sizeof phone);
		utf8_sanitize(name, sizeof name, info.name, false);
		local_or_dash(info.created_at, at);
		local_or_dash(info.deadline, dl);
		store_now_utc(now);
		printf("%s %s  %s · %s%s\n", hall_tr("工单", "work order"), info.number,
		       workorder_kind_label(info.kind), workorder_type_label(info.kind, info.type),
		       info.repeat ? hall_tr("  [重复投诉]", "  [repeat complaint]") : "");
		printf("%s %s  %s  %s %s\n", hall_tr("户号", "account"), info.account_no[0] ? info.account_no : "-",
		       name, hall_tr("电话", "phone"), phone[0] ? phone : "-");
		printf("%s %s（%s）  %s %s  %s %s  %s %s\n", hall_tr("环节", "stage"),
		       workorder_stage_label(info.stage), info.stage, hall_tr("状态", "status"),
		       status_label(info.status), hall_tr("受理", "accepted"), at,
		       hall_tr("期限", "due"), dl);
		if (info.reopen_count)
			printf("%s %d\n", hall_tr("回访不满意重新处理次数", "reopened after follow-up"), info.reopen_count);
		printf("%s\n", hall_tr("时限：", "clocks:"));
		if ((hrc = workorder_clocks(s, info.number, now, print_clock, NULL, &e)) == HALL_OK) {
			printf("%s\n", hall_tr("记录：", "history:"));
			hrc = workorder_history(s, info.number, print_event, NULL, &e);
		}
		if (hrc != HALL_OK)
			rc = fail(&e, hrc);
	}
	store_close(s);
	return rc;
}

/* ----------------------------------------------------------- calendar */

static void put_line(void *ud, const char *line)
{
	(void)ud;
	/* day names come from an administrator's file: sanitise */
	char clean[1024];
	utf8_sanitize(clean, sizeof clean, line, false);
	printf("%s\n", clean);
}

static int calendar_show(struct cli *c)
{
	if (c->npos != 2) {
		cli_errorf("用法：hall calendar show 年份", "usage: hall calendar show YEAR");
		return 2;
	}
	char *end;
	errno = 0;
	long y = strtol(c->pos[1], &end, 10);
	if (errno || !*c->pos[1] || *end || y < CAL_YEAR_MIN || y > CAL_YEAR_MAX) {
		cli_errorf("年份应为 %d 至 %d", "the year must be %d to %d", CAL_YEAR_MIN, CAL_YEAR_MAX);
		return 2;
	}
	struct store *s;
	int rc;
	if ((rc = cli_open_store(c, STORE_RO, &s)))
		return rc;
	warn_calendar(s);
	struct cal_year *cy = malloc(sizeof *cy);
	struct hall_calendar *cal = NULL;
	struct hall_err e;
	int hrc = !cy ? hall_err_set(&e, HALL_ENOMEM, NULL, "内存不足", "out of memory")
	              : calendar_year_get(s, (int)y, cy, &e);
	if (hrc == HALL_OK)
		hrc = calendar_load(s, &cal, &e);
	if (hrc != HALL_OK) {
		rc = fail(&e, hrc);
	} else {
		char imported[17];
		if (cy->imported_at[0])
			store_local_time(cy->imported_at, imported);
		printf("# %s %ld：%s%s%s\n", hall_tr("工作日历", "working-day calendar"), y,
		       cy->provisional ? hall_tr("暂定", "provisional") : hall_tr("正式", "official"),
		       hall_tr("，", ", "), cy->imported_at[0] ? imported : hall_tr("随程序提供", "shipped with hall"));
		int32_t a = cal_days_from_ymd((int)y, 1, 1), b = cal_days_from_ymd((int)y, 12, 31);
		int off = 0, work = 0;
		for (int i = 0; i < cy->ndays; i++) {
			if (cy->days[i].work)
				work++;
			else if (cal_weekday(cy->days[i].day) <= 5)
				off++;
		}
		printf("# %s %d%s%s %d%s%s %d\n", hall_tr("工作日", "working days"),
		       cal_workdays_between(cal, a - 1, b), hall_tr("，", ", "),
		       hall_tr("工作日放假", "weekdays off"), off, hall_tr("，", ", "),
		       hall_tr("周末上班", "weekend working days"), work);
		calendar_write(cy, put_line, NULL);
	}
	calendar_free(cal);
	free(cy);
	store_close(s);
	return rc;
}

int cmd_calendar(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *sub = c->npos ? c->pos[0] : "";
	if (!strcmp(sub, "show"))
		return calendar_show(c);
	if (!strcmp(sub, "check")) {
		if (c->npos < 2) {
			cli_errorf("用法：hall calendar check 文件 ...", "usage: hall calendar check FILE ...");
			return 2;
		}
		struct cal_year *cy = malloc(sizeof *cy);
		if (!cy)
			return 1;
		for (int i = 1; i < c->npos; i++) {
			struct hall_err e;
			int hrc = calendar_parse_file(c->pos[i], cy, &e);
			if (hrc != HALL_OK) {
				cli_error(&e);
				rc = hall_rc_exit(hrc);
			} else {
				printf("%s: %d %s, %d %s\n", c->pos[i], cy->year,
				       cy->provisional ? "provisional" : "official", cy->ndays,
				       hall_tr("个特殊日", "listed days"));
			}
		}
		free(cy);
		return rc;
	}
	if (strcmp(sub, "import")) {
		cli_errorf("用法：hall calendar import 文件 ... | show 年份 | check 文件 ...",
		           "usage: hall calendar import FILE ... | show YEAR | check FILE ...");
		return 2;
	}
	if (c->npos < 2) {
		cli_errorf("用法：hall calendar import 文件 ... --user 管理员",
		           "usage: hall calendar import FILE ... --user ADMIN");
		return 2;
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RW, &s)))
		return rc;
	struct hall_actor actor;
	rc = cli_login(c, s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", &actor);
	if (rc == 0) {
		struct hall_err e;
		int n = 0;
		int hrc = calendar_import(s, &actor, c->pos + 1, c->npos - 1, &n, &e);
		if (hrc != HALL_OK) {
			rc = fail(&e, hrc);
		} else {
			fprintf(stderr, hall_tr("已导入 %d 个日历文件；在办工单的期限已重新计算，其中 %d 张有变化\n",
			                        "imported %d calendar file(s); the deadlines of %d open work order(s) changed\n"),
			        c->npos - 1, n);
			warn_calendar(s);
		}
	}
	store_close(s);
	return rc;
}

/* -------------------------------------------------------------- rules */

static void print_dl_rule(void *ud, const struct deadline_rule *r)
{
	(void)ud;
	printf("deadline\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", r->wo_kind, r->subtype, r->clock,
	       r->start_stage, r->stop_stage, r->pause_stages[0] ? r->pause_stages : "-",
	       r->amount, r->unit, r->note);
}

static void print_change_rule(void *ud, const struct change_rule *r)
{
	(void)ud;
	char v[32];
	if (r->has_value)
		snprintf(v, sizeof v, "%lld", (long long)r->value);
	else
		snprintf(v, sizeof v, "none");
	printf("change\t%s\t%s\t%s\t%s\t%s\n", r->change_type, r->rule, r->effective_from, v, r->note);
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cmd_rules(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "start", "stop",
		"pause", "note", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *sub = c->npos ? c->pos[0] : "";
	bool list = !strcmp(sub, "list");
	if (!list && strcmp(sub, "deadline") && strcmp(sub, "change") && strcmp(sub, "set")) {
		cli_errorf("用法：hall rules list | deadline 类别 类型 时钟 时限 单位 | change 变更类型 规则 施行日期 值|none | set 设置项 值",
		           "usage: hall rules list | deadline KIND TYPE CLOCK AMOUNT UNIT | change TYPE RULE DATE VALUE|none | set KEY VALUE");
		return 2;
	}
	int need = list ? 1 : !strcmp(sub, "deadline") ? 6 : !strcmp(sub, "change") ? 5 : 3;
	if (c->npos != need) {
		cli_errorf("hall rules %s 需要 %d 个参数（见 hall help rules）",
		           "hall rules %s takes %d arguments (see hall help rules)", sub, need - 1);
		return 2;
	}
	struct store *s;
	if ((rc = cli_open_store(c, list ? STORE_RO : STORE_RW, &s)))
		return rc;
	struct hall_err e;
	int hrc = HALL_OK;
	if (list) {
		hrc = worules_deadline_list(s, print_dl_rule, NULL, &e);
		if (hrc == HALL_OK)
			hrc = worules_change_list(s, print_change_rule, NULL, &e);
		char v[64];
		worules_setting_get(s, "work_window", "08:30-17:30", v, sizeof v);
		if (hrc == HALL_OK)
			printf("setting\twork_window\t%s\n", v);
		worules_setting_get(s, "repeat_window_days", "30", v, sizeof v);
		if (hrc == HALL_OK)
			printf("setting\trepeat_window_days\t%s\n", v);
		if (hrc == HALL_OK)
			printf("setting\tlockout_failures\t%d\nsetting\tlockout_minutes\t%d\n",
			       auth_lockout_failures(s), auth_lockout_minutes(s));
		if (hrc != HALL_OK)
			rc = fail(&e, hrc);
		store_close(s);
		return rc;
	}
	struct hall_actor actor;
	rc = cli_login(c, s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", &actor);
	if (rc) {
		store_close(s);
		return rc;
	}
	int n = 0;
	const char *note = cli_opt(c, "note");
	if (!strcmp(sub, "deadline")) {
		struct deadline_rule r;
		long amount;
		memset(&r, 0, sizeof r);
		if (parse_int(c->pos[4], 0, 3650, &amount)) {
			cli_errorf("时限应为0至3650的整数", "the limit must be a whole number 0 to 3650");
			store_close(s);
			return 2;
		}
		snprintf(r.wo_kind, sizeof r.wo_kind, "%s", c->pos[1]);
		snprintf(r.subtype, sizeof r.subtype, "%s", c->pos[2]);
		snprintf(r.clock, sizeof r.clock, "%s", c->pos[3]);
		r.amount = (int)amount;
		snprintf(r.unit, sizeof r.unit, "%s", c->pos[5]);
		snprintf(r.start_stage, sizeof r.start_stage, "%s", cli_opt(c, "start") ? cli_opt(c, "start") : "");
		snprintf(r.stop_stage, sizeof r.stop_stage, "%s", cli_opt(c, "stop") ? cli_opt(c, "stop") : "");
		snprintf(r.pause_stages, sizeof r.pause_stages, "%s", cli_opt(c, "pause") ? cli_opt(c, "pause") : "");
		snprintf(r.note, sizeof r.note, "%s", note ? note : "");
		hrc = worules_deadline_set(s, &actor, &r, &n, &e);
	} else if (!strcmp(sub, "change")) {
		struct change_rule r;
		memset(&r, 0, sizeof r);
		snprintf(r.change_type, sizeof r.change_type, "%s", c->pos[1]);
		snprintf(r.rule, sizeof r.rule, "%s", c->pos[2]);
		snprintf(r.effective_from, sizeof r.effective_from, "%s", c->pos[3]);
		long v = 0;
		r.has_value = strcmp(c->pos[4], "none") != 0;
		if (r.has_value && parse_int(c->pos[4], 0, 100000, &v)) {
			cli_errorf("规则值应为0至100000的整数，或 none", "the value must be 0 to 100000, or none");
			store_close(s);
			return 2;
		}
		r.value = v;
		snprintf(r.note, sizeof r.note, "%s", note ? note : "");
		hrc = worules_change_set(s, &actor, &r, &e);
	} else {
		hrc = worules_setting_set(s, &actor, c->pos[1], c->pos[2], &n, &e);
	}
	if (hrc != HALL_OK)
		rc = fail(&e, hrc);
	else if (n)
		fprintf(stderr, hall_tr("在办工单的期限已重新计算，其中 %d 张有变化\n",
		                        "the deadlines of %d open work order(s) changed\n"), n);
	store_close(s);
	return rc;
}

/* ------------------------------------------------------------ rectify */

int cmd_rectify(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	bool review = c->npos > 0 && !strcmp(c->pos[0], "review");
	if (c->npos < (review ? 2 : 1)) {
		cli_errorf("用法：hall rectify 投诉单号 staff=工号 talk_date=日期 causes=... account=... measures=... responsible=... deadline=日期 --user 主任\n"
		           "      hall rectify review 整改单号 result=... --user 主任",
		           "usage: hall rectify COMPLAINT staff=ID talk_date=DATE causes=... account=... measures=... responsible=... deadline=DATE --user MANAGER\n"
		           "       hall rectify review RECTIFICATION result=... --user MANAGER");
		return 2;
	}
	struct form_values v;
	form_values_init(&v);
	if ((rc = kv_args(c, review ? 2 : 1, &v))) {
		form_values_free(&v);
		return rc;
	}
	if (!review && form_values_get(&v, "complaint")) {
		cli_errorf("投诉单号写在命令后面，不要再写 complaint=",
		           "give the complaint number after the command, not complaint=");
		form_values_free(&v);
		return 2;
	}
	if (review) {
		for (int i = 0; i < v.n; i++)
			if (strcmp(v.keys[i], "result")) {
				cli_errorf("复查只有字段 result", "a review has only the field result");
				form_values_free(&v);
				return 2;
			}
	} else if (form_values_set(&v, "complaint", c->pos[0]) != HALL_OK) {
		form_values_free(&v);
		return 1;
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RW, &s))) {
		form_values_free(&v);
		return rc;
	}
	struct hall_actor actor;
	rc = cli_login(c, s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", &actor);
	if (rc == 0) {
		struct hall_err e;
		char no[32] = "";
		int hrc = review ? workorder_rectify_review(s, &actor, c->pos[1],
		                                            form_values_get(&v, "result"), &e)
		                 : workorder_rectify(s, &actor, &v, no, sizeof no, &e);
		if (hrc != HALL_OK)
			rc = fail(&e, hrc);
		else
			printf("%s\n", review ? c->pos[1] : no);
	}
	store_close(s);
	form_values_free(&v);
	return rc;
}
