/*
 * scr_home.c - the home screen: who, where, today's work and takings, the
 * last sync (sync_status, with a warning after 36 hours without a
 * success), the calendar warning (calendar_warning), where the cash desk
 * and the export are (F8, F9), and the hall's open work by deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/calendar.h"
#include "hall/counter.h"
#include "hall/money.h"
#include "hall/sync.h"
#include "hall/utf8.h"
#include "tui/app.h"
#include "tui/worklist.h"

struct home {
	struct counter_day day;
	char day_error[HALL_ERR_TEXT];
	struct sync_status sync;
	bool cal_warn;
	struct hall_err cal;
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
	sync_status(a->st, &h->sync);
	hall_err_clear(&h->cal);
	h->cal_warn = calendar_warning(a->st, today, &h->cal);
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

static void draw_sync(const struct home *h, int y)
{
	const struct sync_status *st = &h->sync;
	char pre[128], warn[256] = "", res[256], buf[640], local[17];
	int room;

	if (!st->last[0]) {
		tui_put(y, 2, COLS - 4, st->warn ? TC_ERROR : TC_DIM,
		        hall_tr("上次同步：尚未同步（请管理员运行 hall sync）",
		                "Last sync: never (the administrator runs hall sync)"));
		return;
	}
	app_local_time(st->last, local);
	snprintf(pre, sizeof pre, "%s%s  ", hall_tr("上次同步：", "Last sync: "),
	         local[0] ? local : st->last);
	/* The warning must show whole: the result text gives way. */
	if (st->warn && st->last_ok[0])
		snprintf(warn, sizeof warn,
		         hall_tr("  %ld 小时未成功同步，请联系管理员",
		                 "  no success for %ld hours: call the administrator"),
		         st->hours_since_ok);
	else if (st->warn)
		snprintf(warn, sizeof warn, "%s",
		         hall_tr("  从未成功同步，请联系管理员",
		                 "  never synced successfully: call the administrator"));
	room = COLS - 4 - tui_width(pre) - tui_width(warn);
	utf8_trunc(res, sizeof res, st->result, room > 4 ? (size_t)room : 4, true);
	snprintf(buf, sizeof buf, "%s%s%s", pre, res, warn);
	tui_put(y, 2, COLS - 4, st->warn ? TC_ERROR : TC_NORMAL, buf);
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
	draw_sync(h, y + 3);
	tui_put(y + 4, 2, COLS - 4, TC_LABEL,
	        hall_tr("F8 收费台：收据、补打、冲正、日清日结    F9 导出营业日报    F1 帮助",
	                "F8 cash desk: receipts, reprint, reversal, daily close    F9 export    F1 help"));
	if (h->cal_warn)
		tui_put(y + 5, 2, COLS - 4, TC_ERROR, hall_err_msg(&h->cal));
	snprintf(buf, sizeof buf, hall_tr("待办工单（全厅，按期限）  共 %d 件",
	                                  "Open work (whole hall, by deadline)  %d items"),
	         h->wl.total);
	tui_put(y + 6, 2, COLS - 4, TC_TITLE, buf);
	wl_draw(a, &h->wl, y + 7, a->bottom - (y + 7), false);
	tui_put(a->bottom, 2, COLS - 4, TC_DIM,
	        hall_tr("上下键选择，Enter 打开工单；红色已超期，黄色今天到期",
	                "Up/Down select, Enter opens the work order; red overdue, yellow due today"));
}

static bool home_key(struct app *a, struct screen *s, tkey k)
{
	struct home *h = s->priv;
	return wl_key(a, &h->wl, k);
}

static void home_help(struct app *a, struct screen *s, char *out, size_t outsz)
{
	struct home *h = s->priv;
	(void)a;
	snprintf(out, outsz, "%s%s%s",
	         hall_tr("首页：F5 缴费，F8 收费台（按收据号查看、补打、冲正；日清日结和主任签字），F9 导出营业日报（主任；营业员只能导出本人当天的）。下面的工单按期限排列，Enter 打开工单，可以办理下一环节。",
	                 "Home: F5 takes a payment; F8 is the cash desk (receipts by number: view, reprint, reverse; the daily close and the manager's sign-off); F9 exports the daily sheet (managers; a clerk only their own day). The work below is sorted by deadline: Enter opens an order, where it can be moved to its next stage."),
	         h->cal_warn ? "  " : "", h->cal_warn ? hall_err_msg(&h->cal) : "");
}

const struct screen_ops scr_home_ops = {
	.name = "home",
	.open = home_open,
	.draw = home_draw,
	.key = home_key,
	.close = home_close,
	.resume = home_resume,
	.help = home_help,
};
