/*
 * scr_desk.c - the cash desk (收费台, F8): where the clerk's day stands
 * (the business date new payments go to, whether the day is closed, the
 * day's payments and takings) and the way to receipts (view, reprint,
 * reverse), the daily close and the export of the daily sheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/counter.h"
#include "hall/money.h"
#include "hall/payment.h"
#include "tui/app.h"
#include "tui/widget.h"

struct desk {
	char today[11];
	char business[11];             /* where a payment goes now */
	bool closed;                   /* today's close in force */
	struct day_close d;
	struct counter_day day;
	char error[HALL_ERR_TEXT];
	struct wg_list list;
};

static const struct {
	const char *zh, *en, *hint_zh, *hint_en;
} items[] = {
	{ "收据：查看、补打、冲正", "Receipts: view, reprint, reverse",
	  "输入收据号；冲正须主任在本窗口批准", "by receipt number; a reversal needs the manager here" },
	{ "日清日结", "Daily close",
	  "申报实点金额，核对应收，主任签字", "declare what you counted, see the expected figures, the manager signs off" },
	{ "导出营业日报（F9）", "Export the daily sheet (F9)",
	  "写成 Excel 文件；营业员只能导出本人当天的", "an Excel file; a clerk exports only their own day" },
};
#define NITEMS ((int)(sizeof items / sizeof items[0]))

static void load(struct app *a, struct desk *k)
{
	struct hall_err err;

	k->error[0] = '\0';
	store_today_local(k->today);
	hall_err_clear(&err);
	if (payment_business_date(a->st, a->actor.user.id, k->business, &err) != HALL_OK) {
		snprintf(k->business, sizeof k->business, "%s", k->today);
		snprintf(k->error, sizeof k->error, "%s", hall_err_msg(&err));
	}
	hall_err_clear(&err);
	k->closed = payment_close_get(a->st, a->actor.user.id, k->today, &k->d,
	                              &err) == HALL_OK;
	hall_err_clear(&err);
	memset(&k->day, 0, sizeof k->day);
	if (counter_day_stats(a->st, a->actor.user.id, k->today, &k->day, &err) != HALL_OK)
		snprintf(k->error, sizeof k->error, "%s", hall_err_msg(&err));
}

static int desk_open(struct app *a, struct screen *s, const void *arg,
                     struct hall_err *err)
{
	struct desk *k = calloc(1, sizeof *k);
	(void)arg;
	(void)err;
	if (!k)
		return HALL_ENOMEM;
	s->priv = k;
	k->list.n = NITEMS;
	load(a, k);
	return HALL_OK;
}

static void desk_close(struct app *a, struct screen *s)
{
	(void)a;
	free(s->priv);
	s->priv = NULL;
}

static void desk_resume(struct app *a, struct screen *s)
{
	load(a, s->priv);
}

static void desk_draw(struct app *a, struct screen *s)
{
	struct desk *k = s->priv;
	char buf[512], m[32];
	int y = a->top + 1;

	tui_put(y, 2, COLS - 4, TC_TITLE, hall_tr("收费台", "Cash desk"));
	if (!k->closed)
		snprintf(buf, sizeof buf, hall_tr("营业日 %s：未日结，正常收费",
		                                  "Business day %s: open for payments"),
		         k->today);
	else
		snprintf(buf, sizeof buf,
		         hall_tr("营业日 %s：已日结（%s），新的缴费记入 %s",
		                 "Business day %s: closed (%s); new payments go to %s"),
		         k->today,
		         !strcmp(k->d.status, "signed") ? hall_tr("主任已签字", "signed off")
		                                        : hall_tr("待主任签字", "awaiting sign-off"),
		         k->business);
	tui_put(y + 2, 4, COLS - 6, k->closed ? TC_DUE_TODAY : TC_NORMAL, buf);
	money_format(k->day.takings_fen, m, sizeof m);
	snprintf(buf, sizeof buf, hall_tr("今日缴费 %d 笔，实收 %s 元",
	                                  "Today: %d payments, takings %s yuan"),
	         k->day.payments, m);
	tui_put(y + 3, 4, COLS - 6, TC_NORMAL, buf);
	if (k->error[0])
		tui_put(y + 4, 4, COLS - 6, TC_ERROR, k->error);
	for (int i = 0; i < NITEMS; i++) {
		int row = y + 6 + 2 * i;
		bool sel = i == k->list.sel;
		snprintf(buf, sizeof buf, "%d  %s", i + 1, hall_tr(items[i].zh, items[i].en));
		if (sel)
			tui_fill(row, 3, COLS - 6, TC_SELECT);
		tui_put(row, 4, COLS - 8, sel ? TC_SELECT : TC_NORMAL, buf);
		tui_put(row + 1, 7, COLS - 10, TC_DIM, hall_tr(items[i].hint_zh, items[i].hint_en));
	}
	tui_put(a->bottom, 2, COLS - 4, TC_DIM,
	        hall_tr("上下键选择，Enter 或数字键打开；Esc 返回",
	                "Up/Down select, Enter or a digit opens; Esc back"));
}

static void open_item(struct app *a, int i)
{
	switch (i) {
	case 0:
		app_push(a, &scr_receipt_ops, NULL);
		break;
	case 1:
		app_push(a, &scr_close_ops, NULL);
		break;
	case 2:
		app_push(a, &scr_export_ops, NULL);
		break;
	default:
		break;
	}
}

static bool desk_key(struct app *a, struct screen *s, tkey k)
{
	struct desk *d = s->priv;

	if (wg_list_key(&d->list, k, NITEMS))
		return true;
	if (k == TK_ENTER) {
		open_item(a, d->list.sel);
		return true;
	}
	if (k >= '1' && k < '1' + NITEMS) {
		d->list.sel = (int)(k - '1');
		open_item(a, d->list.sel);
		return true;
	}
	return false;
}

static void desk_help(struct app *a, struct screen *s, char *out, size_t outsz)
{
	(void)a;
	(void)s;
	snprintf(out, outsz, "%s",
	         hall_tr("收费台（F8）：1 收据——按收据号查看、补打（标明重打）、冲正（当天，须主任批准）；2 日清日结——申报实点金额，主任签字，或重开营业日；3 导出营业日报（F9）。缴费用 F5。",
	                 "Cash desk (F8): 1 receipts by number: view, reprint (marked 重打), reverse (same day, the manager approves); 2 daily close: declare your figures, the manager signs off, or reopens the day; 3 export the daily sheet (F9). Payments: F5."));
}

const struct screen_ops scr_desk_ops = {
	.name = "desk",
	.open = desk_open,
	.draw = desk_draw,
	.key = desk_key,
	.close = desk_close,
	.resume = desk_resume,
	.help = desk_help,
};
