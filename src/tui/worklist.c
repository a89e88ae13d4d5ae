/*
 * worklist.c - the work table (home screen and work list screen).
 */
#include "tui/worklist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/counter.h"

struct collect {
	struct wl *w;
	bool oom;
};

static void collect_item(void *ud, const struct work_item *it)
{
	struct collect *c = ud;
	struct wl *w = c->w;

	w->total++;
	if (w->n >= WL_MAX || c->oom)
		return;
	if (!w->items) {
		w->items = calloc(WL_MAX, sizeof *w->items);
		if (!w->items) {
			c->oom = true;
			return;
		}
	}
	w->items[w->n++] = *it;
}

void wl_load(struct app *a, struct wl *w, const char *staff_id)
{
	struct hall_err err;
	struct collect c = { w, false };
	char keep[32] = "";

	if (w->n > 0 && w->list.sel < w->n)
		snprintf(keep, sizeof keep, "%s", w->items[w->list.sel].number);
	w->n = w->total = 0;
	w->error[0] = '\0';
	store_today_local(w->today);
	store_now_utc(w->now_utc);
	hall_err_clear(&err);
	if (counter_worklist(a->st, staff_id, collect_item, &c, &err) != HALL_OK)
		snprintf(w->error, sizeof w->error, "%s", hall_err_msg(&err));
	w->list.n = w->n;
	for (int i = 0; keep[0] && i < w->n; i++)
		if (!strcmp(w->items[i].number, keep))
			w->list.sel = i;
	wg_list_fix(&w->list, w->rows > 0 ? w->rows : 1);
}

void wl_free(struct wl *w)
{
	free(w->items);
	memset(w, 0, sizeof *w);
}

const char *wl_kind_label(const char *kind)
{
	if (!strcmp(kind, "application"))
		return hall_tr("新装", "New");
	if (!strcmp(kind, "change"))
		return hall_tr("变更", "Change");
	if (!strcmp(kind, "complaint"))
		return hall_tr("投诉", "Complaint");
	return kind;
}

const char *wl_type_label(struct app *a, const struct work_item *it)
{
	if (!strcmp(it->kind, "application"))
		return app_choice_label(a, "new-connection", "kind", it->type);
	if (!strcmp(it->kind, "change"))
		return app_choice_label(a, "change", "change_type", it->type);
	if (!strcmp(it->kind, "complaint"))
		return app_choice_label(a, "complaint", "kind", it->type);
	return it->type;
}

/* Display labels of the stage keys the store uses (domain guide, sections
 * 3, 4 and 6).  Unknown keys are shown as they are. */
const char *wl_stage_label(const char *stage)
{
	static const struct { const char *key, *zh, *en; } t[] = {
		{ "accept", "受理", "accepted" },
		{ "survey", "现场勘查", "survey" },
		{ "plan", "供电方案", "supply plan" },
		{ "design_review", "设计审查", "design review" },
		{ "mid_check", "中间检查", "mid check" },
		{ "completion_check", "竣工检验", "completion" },
		{ "contract", "签合同", "contract" },
		{ "connect", "装表接电", "connect" },
		{ "approve", "审批", "approval" },
		{ "execute", "实施", "execution" },
		{ "dispatch", "派单", "dispatched" },
		{ "handle", "处理", "handling" },
		{ "reply", "答复", "reply" },
		{ "followup", "回访", "follow-up" },
		{ "archive", "归档", "archived" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(stage, t[i].key))
			return hall_tr(t[i].zh, t[i].en);
	return stage;
}

enum tui_color wl_urgency(const struct wl *w, const struct work_item *it)
{
	char local[17];

	if (!it->deadline[0])
		return TC_NORMAL;
	if (strcmp(it->deadline, w->now_utc) < 0)
		return TC_OVERDUE;
	app_local_time(it->deadline, local);
	if (!strncmp(local, w->today, 10))
		return TC_DUE_TODAY;
	return TC_NORMAL;
}

/* Columns: deadline, kind, type, number, name, stage, [clerk]. */
struct col {
	const char *zh, *en;
	int w;
};

static const struct col cols[] = {
	{ "期限", "Deadline", 16 },
	{ "类别", "Kind", 6 },
	{ "事项", "Type", 10 },
	{ "编号", "Number", 17 },
	{ "户名", "Name", 10 },
	{ "环节", "Stage", 8 },
	{ "经办", "Clerk", 5 },
};

void wl_draw(struct app *a, struct wl *w, int y, int h, bool show_staff)
{
	int ncols = show_staff ? 7 : 6;
	int x;

	if (w->error[0]) {
		tui_put(y, 2, COLS - 4, TC_ERROR, w->error);
		return;
	}
	x = 2;
	for (int c = 0; c < ncols; c++) {
		tui_put(y, x, cols[c].w, TC_HEADER, hall_tr(cols[c].zh, cols[c].en));
		x += cols[c].w + 1;
	}
	w->rows = h - 1;
	if (w->rows < 1)
		w->rows = 1;
	wg_list_fix(&w->list, w->rows);
	if (w->n == 0) {
		tui_put(y + 1, 2, COLS - 4, TC_DIM,
		        hall_tr("没有未办结的工单", "no open work"));
		return;
	}
	for (int r = 0; r < w->rows; r++) {
		int i = w->list.top + r;
		if (i >= w->n)
			break;
		const struct work_item *it = &w->items[i];
		enum tui_color cc = i == w->list.sel ? TC_SELECT : wl_urgency(w, it);
		char dl[17], name[300];
		const char *cell[7];

		app_local_time(it->deadline, dl);
		snprintf(name, sizeof name, "%s%s", it->repeat
		         ? hall_tr("[重复]", "[repeat]") : "", it->name);
		cell[0] = dl[0] ? dl : "-";
		cell[1] = wl_kind_label(it->kind);
		cell[2] = wl_type_label(a, it);
		cell[3] = it->number;
		cell[4] = name;
		cell[5] = wl_stage_label(it->stage);
		cell[6] = it->staff_id;
		if (i == w->list.sel)
			tui_fill(y + 1 + r, 1, COLS - 2, TC_SELECT);
		x = 2;
		for (int c = 0; c < ncols; c++) {
			tui_put(y + 1 + r, x, cols[c].w, cc, cell[c]);
			x += cols[c].w + 1;
		}
	}
}

bool wl_key(struct app *a, struct wl *w, tkey k)
{
	if (wg_list_key(&w->list, k, w->rows > 0 ? w->rows : 1))
		return true;
	if (k == TK_ENTER && w->n > 0) {
		const struct work_item *it = &w->items[w->list.sel];
		if (!it->account_no[0]) {
			app_msg(a, TC_DIM, "%s",
			        hall_tr("这件工单没有户号（过路客户）",
			                "this item has no account (walk-in)"));
			return true;
		}
		app_push(a, &scr_customer_ops, it->account_no);
		return true;
	}
	return false;
}
