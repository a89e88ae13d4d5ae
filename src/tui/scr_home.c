/*
 * scr_home.c - the home screen: who, where, today's work and takings, the
 * last sync, and the hall's open work by deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/counter.h"
#include "hall/money.h"
#include "tui/app.h"
#include "tui/worklist.h"

struct home {
	struct counter_day day;
	char day_error[HALL_ERR_TEXT];
	char last_sync[64];
	char sync_result[64];
	struct wl wl;
};

static void home_load(struct app *a, struct home *h)
{
	struct hall_err err;
	char today[11];

	hall_err_clear(&err);
	store_today_local(today);
	memset(&h->day, 0, sizeof h->day);
	h->day_error[0] = '\0';
	if (counter_day_stats(a->st, a->actor.user.id, today, &h->day, &err)
	    != HALL_OK)
		snprintf(h->day_error, sizeof h->day_error, "%s", hall_err_msg(&err));
	h->last_sync[0] = h->sync_result[0] = '\0';
	if (store_meta_get(a->st, "last_sync", h->last_sync,
	                   sizeof h->last_sync) != HALL_OK)
		h->last_sync[0] = '\0';
	if (store_meta_get(a->st, "last_sync_result", h->sync_result,
	                   sizeof h->sync_result) != HALL_OK)
		h->sync_result[0] = '\0';
	wl_load(a, &h->wl, NULL);
}

static int home_open(struct app *a, struct screen *s, const void *arg,
                     struct hall_err *err)
{
	struct home *h = calloc(1, sizeof *h);
	(void)arg;
	(void)err;
	if (!h)
		return HALL_ENOMEM;
	s->priv = h;
	home_load(a, h);
	return HALL_OK;
}

static void home_close(struct app *a, struct screen *s)
{
	struct home *h = s->priv;
	(void)a;
	if (!h)
		return;
	wl_free(&h->wl);
	free(h);
	s->priv = NULL;
}

static void home_resume(struct app *a, struct screen *s)
{
	home_load(a, s->priv);
}

static void home_draw(struct app *a, struct screen *s)
{
	struct home *h = s->priv;
	char buf[512], money[32], today[11];
	int y = a->top;

	store_today_local(today);
	snprintf(buf, sizeof buf, "%s%s(%s)    %s%d    %s%s",
	         hall_tr("营业员：", "Clerk: "), a->actor.user.name,
	         a->actor.user.id, hall_tr("窗口：", "Counter: "),
	         a->actor.counter, hall_tr("日期：", "Date: "), today);
	tui_put(y + 1, 2, COLS - 4, TC_NORMAL, buf);
	if (h->day_error[0]) {
		tui_put(y + 2, 2, COLS - 4, TC_ERROR, h->day_error);
	} else {
		money_format(h->day.takings_fen, money, sizeof money);
		snprintf(buf, sizeof buf,
		         hall_tr("今日：新装 %d  变更 %d  缴费 %d  投诉 %d    实收 %s 元",
		                 "Today: new %d  changes %d  payments %d  complaints %d    takings %s yuan"),
		         h->day.applications, h->day.changes, h->day.payments,
		         h->day.complaints, money);
		tui_put(y + 2, 2, COLS - 4, TC_NORMAL, buf);
	}
	if (h->last_sync[0]) {
		char local[17];
		app_local_time(h->last_sync, local);
		snprintf(buf, sizeof buf, "%s%s  %s",
		         hall_tr("上次同步：", "Last sync: "),
		         local[0] ? local : h->last_sync, h->sync_result);
		tui_put(y + 3, 2, COLS - 4, TC_NORMAL, buf);
	} else {
		tui_put(y + 3, 2, COLS - 4, TC_DIM,
		        hall_tr("上次同步：尚未同步", "Last sync: never"));
	}
	snprintf(buf, sizeof buf, hall_tr("待办工单（全厅，按期限）  共 %d 件",
	                                  "Open work (whole hall, by deadline)  %d items"),
	         h->wl.total);
	tui_put(y + 5, 2, COLS - 4, TC_TITLE, buf);
	wl_draw(a, &h->wl, y + 6, a->bottom - (y + 6), false);
	tui_put(a->bottom, 2, COLS - 4, TC_DIM,
	        hall_tr("上下键选择，Enter 打开客户；红色已超期，黄色今天到期",
	                "Up/Down select, Enter opens the customer; red overdue, yellow due today"));
}

static bool home_key(struct app *a, struct screen *s, tkey k)
{
	struct home *h = s->priv;
	return wl_key(a, &h->wl, k);
}

const struct screen_ops scr_home_ops = {
	.name = "home",
	.open = home_open,
	.draw = home_draw,
	.key = home_key,
	.close = home_close,
	.resume = home_resume,
};
