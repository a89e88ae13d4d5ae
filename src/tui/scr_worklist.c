/*
 * scr_worklist.c - the work list: the clerk's or the hall's open items
 * (rectifications included), nearest deadline first; Tab switches; Enter
 * opens the work order (scr_workitem.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "tui/app.h"
#include "tui/worklist.h"

struct worklist {
	bool mine;
	struct wl wl;
};

static void load(struct app *a, struct worklist *w)
{
	wl_load(a, &w->wl, w->mine ? a->actor.user.id : NULL);
}

static int worklist_open(struct app *a, struct screen *s, const void *arg,
                         struct hall_err *err)
{
	struct worklist *w = calloc(1, sizeof *w);
	(void)arg;
	(void)err;
	if (!w)
		return HALL_ENOMEM;
	s->priv = w;
	load(a, w);
	return HALL_OK;
}

static void worklist_close(struct app *a, struct screen *s)
{
	struct worklist *w = s->priv;
	(void)a;
	if (!w)
		return;
	wl_free(&w->wl);
	free(w);
	s->priv = NULL;
}

static void worklist_resume(struct app *a, struct screen *s)
{
	load(a, s->priv);
}

static void worklist_draw(struct app *a, struct screen *s)
{
	struct worklist *w = s->priv;
	char buf[256];

	snprintf(buf, sizeof buf, "%s  %s",
	         w->mine ? hall_tr("我的工单", "My open work")
	                 : hall_tr("全厅工单", "Hall's open work"),
	         hall_tr("（Tab 切换）", "(Tab switches)"));
	tui_put(a->top + 1, 2, COLS - 4, TC_TITLE, buf);
	snprintf(buf, sizeof buf, hall_tr("共 %d 件", "%d items"), w->wl.total);
	tui_put_right(a->top + 1, COLS - 22, 20, TC_NORMAL, buf);
	wl_draw(a, &w->wl, a->top + 3, a->bottom - (a->top + 3), true);
	tui_put(a->bottom, 2, COLS - 4, TC_DIM,
	        hall_tr("红色：已超期  黄色：今天到期  Enter 打开工单（办理下一环节）",
	                "red: overdue  yellow: due today  Enter opens the work order"));
}

static bool worklist_key(struct app *a, struct screen *s, tkey k)
{
	struct worklist *w = s->priv;

	if (k == TK_TAB || k == TK_BTAB) {
		w->mine = !w->mine;
		w->wl.list.sel = w->wl.list.top = 0;
		w->wl.n = 0;
		load(a, w);
		return true;
	}
	return wl_key(a, &w->wl, k);
}

static void worklist_help(struct app *a, struct screen *s, char *out,
                          size_t outsz)
{
	(void)a;
	(void)s;
	snprintf(out, outsz, "%s",
	         hall_tr("工单列表：全厅或本人（Tab 切换）未办结的新装、变更、诉求和整改，按最近的期限排列；红色已超期，黄色今天到期。Enter 打开工单：看环节、时限和办理记录，办理下一环节。",
	                 "Work list: the hall's or your own (Tab) open applications, changes, feedback and rectifications, nearest deadline first; red overdue, yellow due today. Enter opens the order: stages, clocks, history, and the next stage."));
}

const struct screen_ops scr_worklist_ops = {
	.name = "worklist",
	.open = worklist_open,
	.draw = worklist_draw,
	.key = worklist_key,
	.close = worklist_close,
	.resume = worklist_resume,
	.help = worklist_help,
};
