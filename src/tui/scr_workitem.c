/*
 * scr_workitem.c - one work order (a new connection, a business change, a
 * complaint or a rectification): who and what, where it stands on its path
 * of stages, its deadline clocks as the core counts them
 * (workorder_clocks: working days of the calendar) and its history
 * (workorder_history).  Enter takes it to its next stage: the fields that
 * stage needs come from the stage forms (stageforms.c) and the move is
 * made by workorder_advance, which checks every rule; a rectification is
 * reviewed by a manager (workorder_rectify_review).  C opens the customer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/ident.h"
#include "hall/utf8.h"
#include "hall/workorder.h"
#include "hall/worules.h"
#include "tui/app.h"
#include "tui/widget.h"
#include "tui/worklist.h"

struct witem {
	char number[32];
	struct wo_info info;
	bool is_rect;
	struct wo_rectification rect;
	struct wg_lines lines;
	int cols;                      /* COLS the lines were made for */
};

static const char *status_label(const char *st)
{
	if (!strcmp(st, "open"))
		return hall_tr("在办", "open");
	if (!strcmp(st, "done"))
		return hall_tr("已办结", "done");
	if (!strcmp(st, "cancelled"))
		return hall_tr("已撤销", "cancelled");
	return st;
}

/* The stage after the current one, "" at the end. */
static const char *next_stage(const struct wo_info *i)
{
	int n, cur;
	const char *const *l = workorder_stages(i->kind, i->type, &n);
	if (!l)
		return "";
	cur = workorder_stage_index(i->kind, i->type, i->stage);
	return cur >= 0 && cur + 1 < n ? l[cur + 1] : "";
}

/* The path of stages, the current one in brackets, wrapped to width. */
static void add_path(struct witem *w, int width)
{
	int n, cur;
	const char *const *l = workorder_stages(w->info.kind, w->info.type, &n);
	char line[600] = "";
	int lw = 0;

	if (!l)
		return;
	cur = workorder_stage_index(w->info.kind, w->info.type, w->info.stage);
	snprintf(line, sizeof line, "%s", hall_tr("环节：", "Stages: "));
	lw = tui_width(line);
	for (int i = 0; i < n; i++) {
		char tok[128];
		snprintf(tok, sizeof tok, "%s%s%s%s", i ? " > " : "",
		         i == cur ? "[" : "", workorder_stage_label(l[i]),
		         i == cur ? "]" : "");
		int tw = tui_width(tok);
		if (lw + tw > width && lw > 0) {
			wg_lines_add(&w->lines, TC_NORMAL, "%s", line);
			snprintf(line, sizeof line, "      %s", tok + (i ? 3 : 0));
			lw = tui_width(line);
			continue;
		}
		size_t len = strlen(line);
		snprintf(line + len, sizeof line - len, "%s", tok);
		lw += tw;
	}
	if (line[0])
		wg_lines_add(&w->lines, TC_NORMAL, "%s", line);
}

static void on_clock(void *ud, const struct wo_clock *k)
{
	struct witem *w = ud;
	char dl[17], used[64];
	const char *state;

	if (!strcmp(k->rule.unit, "off"))
		return;
	app_local_time(k->deadline, dl);
	if (!strcmp(k->rule.unit, "workdays"))
		snprintf(used, sizeof used, "%lld/%d", (long long)k->used, k->rule.amount);
	else
		snprintf(used, sizeof used, "%lld:%02lld/%d", (long long)(k->used / 3600),
		         (long long)(k->used / 60 % 60), k->rule.amount);
	state = !k->started ? hall_tr("未开始", "not started")
		: k->met ? (k->overdue ? hall_tr("已完成（超期）", "met late")
		                       : hall_tr("已完成", "met"))
		: k->paused ? hall_tr("暂停（客户环节）", "paused (customer)")
		: k->overdue ? hall_tr("计时中，已超期", "running, overdue")
		: hall_tr("计时中", "running");
	char label[64], limit[64];
	utf8_pad(label, sizeof label, wl_clock_label(k->rule.clock), 9, true);
	snprintf(limit, sizeof limit, hall_tr("限%d%s", "%d %s"), k->rule.amount,
	         worules_unit_label(k->rule.unit));
	utf8_pad(limit, sizeof limit, limit, 15, true);
	wg_lines_add(&w->lines,
	             k->overdue && !k->met ? TC_OVERDUE : k->met ? TC_DIM : TC_NORMAL,
	             hall_tr("  %s %s 期限 %-16s 已用 %-7s %s",
	                     "  %s %s due %-16s used %-7s %s"),
	             label, limit, dl[0] ? dl : "-", k->started ? used : "-", state);
}

static void on_event(void *ud, const struct wo_event *e)
{
	struct witem *w = ud;
	char at[17], ex[1100];

	app_local_time(e->at, at);
	utf8_sanitize(ex, sizeof ex, e->extras, false);
	wg_lines_add(&w->lines, TC_NORMAL, "  %s  %s %s%d  %s%s%s  %s%s%s",
	             at, e->staff_id, hall_tr("窗口", "counter "), e->counter,
	             e->from_stage[0] ? workorder_stage_label(e->from_stage) : "",
	             e->from_stage[0] ? " > " : "> ",
	             workorder_stage_label(e->to_stage),
	             strcmp(ex, "{}") ? ex : "", e->note[0] && strcmp(ex, "{}") ? "  " : "",
	             e->note);
}

static void add_rectification(struct witem *w)
{
	const struct wo_rectification *r = &w->rect;
	char at[17];

	wg_lines_add(&w->lines, TC_NORMAL, "%s%s  %s%s  %s%s",
	             hall_tr("投诉：", "Complaint: "), r->complaint_no,
	             hall_tr("员工：", "Staff: "), r->staff_id,
	             hall_tr("谈话日期：", "Talk: "), r->talk_date);
	wg_lines_add(&w->lines, TC_NORMAL, "%s%s", hall_tr("原因：", "Causes: "), r->causes);
	wg_lines_add(&w->lines, TC_NORMAL, "%s%s", hall_tr("本人陈述：", "Their account: "),
	             r->staff_account);
	wg_lines_add(&w->lines, TC_NORMAL, "%s%s", hall_tr("整改措施：", "Measures: "), r->measures);
	wg_lines_add(&w->lines, TC_NORMAL, "%s%s  %s%s  %s%s",
	             hall_tr("责任人：", "Responsible: "), r->responsible,
	             hall_tr("整改期限：", "Deadline: "), r->deadline_date,
	             hall_tr("登记：", "Recorded by: "), r->manager_id);
	if (r->review_result[0]) {
		app_local_time(r->reviewed_at, at);
		wg_lines_add(&w->lines, TC_OK, "%s%s（%s %s）",
		             hall_tr("复查结果：", "Review: "), r->review_result,
		             r->reviewed_by, at);
	}
}

static int load(struct app *a, struct witem *w, struct hall_err *err)
{
	struct wl_progress p;
	char created[17], phone[40], buf[600];
	int rc;

	rc = workorder_get(a->st, w->number, &w->info, err);
	if (rc != HALL_OK)
		return rc;
	w->is_rect = !strcmp(w->info.kind, "rectification");
	wg_lines_clear(&w->lines);
	app_local_time(w->info.created_at, created);
	ident_mask_phone(w->info.phone, phone, sizeof phone);
	if (w->info.account_no[0] || w->info.name[0])
		wg_lines_add(&w->lines, TC_NORMAL, "%s%s  %s%s  %s%s",
		             hall_tr("户号：", "Account: "),
		             w->info.account_no[0] ? w->info.account_no : "-",
		             hall_tr("户名：", "Name: "), w->info.name,
		             hall_tr("电话：", "Phone: "), phone[0] ? phone : "-");
	wg_lines_add(&w->lines, TC_NORMAL, "%s%s   %s%s   %s%s",
	             hall_tr("状态：", "Status: "), status_label(w->info.status),
	             hall_tr("受理：", "Accepted: "), created,
	             hall_tr("经办：", "Clerk: "), w->info.staff_id);
	if (w->info.repeat)
		wg_lines_add(&w->lines, TC_ERROR, "%s",
		             hall_tr("注意：重复投诉，请优先处理", "Note: a repeat complaint"));
	if (w->is_rect) {
		if ((rc = workorder_rectification_get(a->st, w->number, &w->rect, err)) != HALL_OK)
			return rc;
		add_rectification(w);
		return HALL_OK;
	}
	if (wl_progress(a, w->number, w->info.kind, w->info.created_at, &p) == HALL_OK) {
		wl_progress_text(w->info.stage, &p, buf, sizeof buf);
		wg_lines_add(&w->lines, p.overdue && !p.met ? TC_OVERDUE : TC_TITLE, "%s%s",
		             hall_tr("进度：", "Progress: "), buf);
	}
	w->cols = COLS;
	add_path(w, COLS - 4);
	wg_lines_add(&w->lines, TC_NORMAL, "%s", "");
	wg_lines_add(&w->lines, TC_HEADER, "%s", hall_tr("时限（按工作日历）", "Clocks (working-day calendar)"));
	int before = w->lines.n;
	char now[21];
	store_now_utc(now);
	struct hall_err e2;
	hall_err_clear(&e2);
	if (workorder_clocks(a->st, w->number, now, on_clock, w, &e2) != HALL_OK)
		wg_lines_add(&w->lines, TC_ERROR, "  %s", hall_err_msg(&e2));
	else if (w->lines.n == before)
		wg_lines_add(&w->lines, TC_DIM, "  %s", hall_tr("没有时限", "no clock"));
	wg_lines_add(&w->lines, TC_NORMAL, "%s", "");
	wg_lines_add(&w->lines, TC_HEADER, "%s", hall_tr("办理记录", "History"));
	hall_err_clear(&e2);
	if (workorder_history(a->st, w->number, on_event, w, &e2) != HALL_OK)
		wg_lines_add(&w->lines, TC_ERROR, "  %s", hall_err_msg(&e2));
	return HALL_OK;
}

static int wi_open(struct app *a, struct screen *s, const void *arg,
                   struct hall_err *err)
{
	const char *number = arg;
	struct witem *w = calloc(1, sizeof *w);

	if (!w)
		return HALL_ENOMEM;
	s->priv = w;
	w->lines.sel = -1;
	snprintf(w->number, sizeof w->number, "%s", number ? number : "");
	return load(a, w, err);
}

static void wi_close(struct app *a, struct screen *s)
{
	struct witem *w = s->priv;
	(void)a;
	if (!w)
		return;
	wg_lines_free(&w->lines);
	free(w);
	s->priv = NULL;
}

static void wi_resume(struct app *a, struct screen *s)
{
	struct witem *w = s->priv;
	struct hall_err err;
	hall_err_clear(&err);
	if (load(a, w, &err) != HALL_OK)
		app_err(a, &err);
}

static bool may_advance(const struct app *a, const struct witem *w)
{
	if (strcmp(w->info.status, "open"))
		return false;
	if (w->is_rect)
		return a->actor.user.role >= ROLE_MANAGER;
	return true;
}

static void wi_draw(struct app *a, struct screen *s)
{
	struct witem *w = s->priv;
	char buf[512];
	int y = a->top + 1;

	if (w->cols != COLS && !w->is_rect) {      /* resized: wrap again */
		struct hall_err err;
		int keep = w->lines.scroll;
		hall_err_clear(&err);
		load(a, w, &err);
		w->lines.scroll = keep;
	}
	if (w->is_rect)
		snprintf(buf, sizeof buf, "%s %s  %s", hall_tr("工单", "Work order"),
		         w->info.number, workorder_kind_label(w->info.kind));
	else
		snprintf(buf, sizeof buf, hall_tr("%s %s  %s（%s）", "%s %s  %s (%s)"),
		         hall_tr("工单", "Work order"), w->info.number,
		         workorder_kind_label(w->info.kind),
		         workorder_type_label(w->info.kind, w->info.type));
	tui_put(y, 2, COLS - 4, TC_TITLE, buf);
	wg_lines_draw(&w->lines, y + 1, 2, COLS - 4, a->bottom - 1 - (y + 1));
	if (w->lines.scroll + w->lines.rows < w->lines.n)
		tui_put(a->bottom - 1, COLS - 22, 20, TC_DIM,
		        hall_tr("下面还有（下箭头）", "more below (Down)"));
	const char *hint;
	if (!may_advance(a, w))
		hint = strcmp(w->info.status, "open")
			? hall_tr("已办结，不能再办理  C 客户  Esc 返回",
			          "finished: nothing more to do  C customer  Esc back")
			: hall_tr("整改由主任复查  C 客户  Esc 返回",
			          "a manager reviews rectifications  C customer  Esc back");
	else if (w->is_rect)
		hint = hall_tr("Enter 登记复查结果  C 客户  Esc 返回",
		               "Enter: record the review  C customer  Esc back");
	else {
		const char *nx = next_stage(&w->info);
		snprintf(buf, sizeof buf,
		         hall_tr("Enter 办理下一环节（%s）  C 客户  上下键翻看  Esc 返回",
		                 "Enter: next stage (%s)  C customer  Up/Down scroll  Esc back"),
		         nx[0] ? workorder_stage_label(nx) : "-");
		hint = buf;
	}
	tui_put(a->bottom, 2, COLS - 4, TC_DIM, hint);
}

/* ------------------------------------------------------------ advance */

static int save_stage(struct app *a, void *ud, const struct form_values *v,
                      struct hall_err *err)
{
	struct witem *w = ud;
	struct form_values f;
	char docs[256] = "", before[24];
	const char *to = form_values_get(v, "to");
	int rc;

	form_values_init(&f);
	for (int i = 0; i < v->n; i++) {
		if (!strcmp(v->keys[i], "to"))
			continue;
		if (!strncmp(v->keys[i], "docs_", 5)) {
			if (!strcmp(v->vals[i], "yes")) {
				size_t n = strlen(docs);
				snprintf(docs + n, sizeof docs - n, "%s%s", n ? "," : "",
				         v->keys[i] + 5);
			}
			continue;
		}
		if (form_values_set(&f, v->keys[i], v->vals[i]) != HALL_OK) {
			form_values_free(&f);
			return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		}
	}
	if (docs[0])
		form_values_set(&f, "docs", docs);
	snprintf(before, sizeof before, "%s", w->info.stage);
	rc = workorder_advance(a->st, &a->actor, w->number, to ? to : "", &f, err);
	form_values_free(&f);
	if (rc != HALL_OK)
		return rc;
	struct wo_info now;
	struct hall_err e2;
	hall_err_clear(&e2);
	if (workorder_get(a->st, w->number, &now, &e2) == HALL_OK &&
	    !strcmp(to, "followup") && !strcmp(now.stage, "handle"))
		app_msg(a, TC_DUE_TODAY, "%s",
		        hall_tr("回访不满意：已记录，工单退回「处理」",
		                "follow-up not satisfied: recorded, the order is back in handling"));
	else if (to && !strcmp(to, "cancel"))
		app_msg(a, TC_OK, hall_tr("工单 %s 已撤销", "work order %s cancelled"), w->number);
	else
		app_msg(a, TC_OK, hall_tr("工单 %s 已办理到「%s」", "work order %s moved to %s"),
		        w->number, workorder_stage_label(to ? to : ""));
	return HALL_OK;
}

static int save_review(struct app *a, void *ud, const struct form_values *v,
                       struct hall_err *err)
{
	struct witem *w = ud;
	const char *r = form_values_get(v, "result");
	int rc = workorder_rectify_review(a->st, &a->actor, w->number, r ? r : "", err);
	if (rc == HALL_OK)
		app_msg(a, TC_OK, hall_tr("整改 %s 已复查并关闭", "rectification %s reviewed and closed"),
		        w->number);
	return rc;
}

static void advance(struct app *a, struct witem *w)
{
	const struct form_def *def;
	struct form_values pre;

	if (!may_advance(a, w)) {
		app_msg(a, TC_DIM, "%s", strcmp(w->info.status, "open")
		        ? hall_tr("这件工单已办结", "this work order is finished")
		        : hall_tr("整改的复查须由主任登记", "a manager records the review of a rectification"));
		return;
	}
	def = app_stage_form(a, w->info.kind);
	if (!def) {
		app_msg(a, TC_ERROR, "%s", hall_tr("没有这类工单的办理表单", "no stage form for this kind"));
		return;
	}
	form_values_init(&pre);
	if (!w->is_rect) {
		const char *nx = next_stage(&w->info);
		if (nx[0])
			form_values_set(&pre, "to", nx);
	}
	struct form_arg fa = { def, &pre, false, w->is_rect ? save_review : save_stage, w };
	app_push(a, &scr_form_ops, &fa);
	form_values_free(&pre);
}

static bool wi_key(struct app *a, struct screen *s, tkey k)
{
	struct witem *w = s->priv;

	if (wg_lines_key(&w->lines, k))
		return true;
	switch (k) {
	case TK_ENTER:
		advance(a, w);
		return true;
	case 'c':
	case 'C':
		if (!w->info.account_no[0])
			app_msg(a, TC_DIM, "%s", hall_tr("这件工单没有户号", "this work order has no account"));
		else
			app_push(a, &scr_customer_ops, w->info.account_no);
		return true;
	default:
		return false;
	}
}

static void wi_help(struct app *a, struct screen *s, char *out, size_t outsz)
{
	(void)a;
	(void)s;
	snprintf(out, outsz, "%s",
	         hall_tr("工单：上面是客户、状态和进度（环节、到达时间、已用时限），下面是各项时限（按工作日历计算）和办理记录。Enter 办理下一环节：填写这一环节要求的内容后 F10 保存；不能跳过环节，退回或撤销须写原因。整改由主任登记复查结果。C 打开客户信息。",
	                 "Work order: the customer, status and progress (stage, when it was reached, days used of the limit), then the clocks (working-day calendar) and the history. Enter moves it to the next stage: fill in what the stage needs, F10 saves; no skipping, going back or cancelling needs a reason. A manager records a rectification's review. C opens the customer."));
}

const struct screen_ops scr_workitem_ops = {
	.name = "workitem",
	.open = wi_open,
	.draw = wi_draw,
	.key = wi_key,
	.close = wi_close,
	.resume = wi_resume,
	.help = wi_help,
};
