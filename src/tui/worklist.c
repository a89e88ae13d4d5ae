/*
 * worklist.c - the work table (home screen and work list screen).
 */
#include "tui/worklist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/counter.h"
#include "hall/workorder.h"
#include "hall/worules.h"

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
	if (workorder_worklist(a->st, staff_id, NULL, collect_item, &c, &err)
	    != HALL_OK)
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

/* Labels are the core's (workorder.h). */
const char *wl_kind_label(const char *kind)
{
	return workorder_kind_label(kind);
}

const char *wl_type_label(struct app *a, const struct work_item *it)
{
	(void)a;
	return workorder_type_label(it->kind, it->type);
}

const char *wl_stage_label(const char *stage)
{
	return workorder_stage_label(stage);
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
		char number[32];
		snprintf(number, sizeof number, "%s", w->items[w->list.sel].number);
		app_push(a, &scr_workitem_ops, number);
		return true;
	}
	return false;
}

/* ---------------------------------------------------------- progress */

struct prog_ctx {
	const char *main;
	struct wo_clock main_clock;
	bool have, have_main;
	struct wo_event last;
	bool have_event;
};

static void on_event(void *ud, const struct wo_event *e)
{
	struct prog_ctx *c = ud;
	c->last = *e;
	c->have_event = true;
}

static void on_clock(void *ud, const struct wo_clock *k)
{
	struct prog_ctx *c = ud;
	if (!strcmp(k->rule.unit, "off") || c->have_main)
		return;
	if (!strcmp(k->rule.clock, c->main)) {
		c->main_clock = *k;
		c->have = c->have_main = true;
	} else if (!c->have) {
		c->main_clock = *k;
		c->have = true;
	}
}

const char *wl_clock_label(const char *clock)
{
	static const struct { const char *key, *zh, *en; } names[] = {
		{ "total", "全程", "total" }, { "contact", "联系客户", "contact" },
		{ "reply", "答复", "reply" }, { "followup", "回访", "follow-up" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(names[i].key, clock))
			return hall_tr(names[i].zh, names[i].en);
	return workorder_stage_label(clock);
}

int wl_progress(struct app *a, const char *number, const char *kind,
                const char *created_at, struct wl_progress *p)
{
	struct hall_err err;
	struct prog_ctx c;
	char now[21];
	int rc;

	memset(p, 0, sizeof *p);
	memset(&c, 0, sizeof c);
	c.main = !strcmp(kind, "complaint") ? "reply" : "total";
	hall_err_clear(&err);
	rc = workorder_history(a->st, number, on_event, &c, &err);
	if (rc != HALL_OK)
		return rc;
	app_local_time(c.have_event ? c.last.at : created_at, p->stage_at);
	store_now_utc(now);
	rc = workorder_clocks(a->st, number, now, on_clock, &c, &err);
	if (rc != HALL_OK)
		return rc;
	if (c.have) {
		const struct wo_clock *k = &c.main_clock;
		p->has_clock = true;
		snprintf(p->clock, sizeof p->clock, "%s", k->rule.clock);
		p->started = k->started;
		p->running = k->running;
		p->paused = k->paused;
		p->met = k->met;
		p->overdue = k->overdue;
		p->limit = k->rule.amount;
		snprintf(p->unit, sizeof p->unit, "%s", k->rule.unit);
		p->used = !strcmp(k->rule.unit, "workdays") ? k->used : k->used / 3600;
		app_local_time(k->deadline, p->deadline);
	}
	return HALL_OK;
}

void wl_progress_text(const char *stage, const struct wl_progress *p,
                      char *out, size_t outsz)
{
	char clock[256] = "";

	if (p->has_clock && p->started) {
		const char *state = p->met
			? (p->overdue ? hall_tr("，已完成（超期）", ", met late") : hall_tr("，已完成", ", met"))
			: p->paused ? hall_tr("，暂停计时（客户环节）", ", paused (customer's time)")
			: p->overdue ? hall_tr("，已超期", ", overdue") : "";
		char dl[64] = "";
		/* the deadline without its year: the line must fit 80 columns */
		if (p->deadline[0] && !p->met)
			snprintf(dl, sizeof dl, hall_tr("，期限 %s", ", due %s"),
			         strlen(p->deadline) > 5 ? p->deadline + 5 : p->deadline);
		snprintf(clock, sizeof clock,
		         hall_tr("  %s已用 %lld/%d%s%s%s", "  %s: %lld of %d %s used%s%s"),
		         wl_clock_label(p->clock), (long long)p->used, p->limit,
		         worules_unit_label(p->unit), dl, state);
	} else if (p->has_clock) {
		snprintf(clock, sizeof clock, hall_tr("  %s限 %d %s，未开始计时",
		                                      "  %s: %d %s, not started"),
		         wl_clock_label(p->clock), p->limit, worules_unit_label(p->unit));
	}
	snprintf(out, outsz, "%s %s%s", workorder_stage_label(stage), p->stage_at,
	         clock);
}
