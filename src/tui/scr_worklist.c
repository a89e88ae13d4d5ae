/*
 * scr_worklist.c - the work list: the clerk's or the hall's open items,
 * nearest deadline first; Tab switches; Enter opens the customer.
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
	        hall_tr("红色：已超期  黄色：今天到期  Enter 打开客户",
	                "red: overdue  yellow: due today  Enter opens the customer"));
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

const struct screen_ops scr_worklist_ops = {
	.name = "worklist",
	.open = worklist_open,
	.draw = worklist_draw,
	.key = worklist_key,
	.close = worklist_close,
	.resume = worklist_resume,
};
