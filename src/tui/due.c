/*
 * due.c - the bills due of an account with their late fees (payment.h).
 */
#include "tui/due.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hall/money.h"
#include "hall/utf8.h"

void due_clear(struct due_view *v)
{
	if (v->loaded)
		payment_due_free(&v->d);
	memset(v, 0, sizeof *v);
}

void due_load(struct app *a, struct due_view *v, const char *account_no)
{
	struct hall_err err;

	due_clear(v);
	snprintf(v->account_no, sizeof v->account_no, "%s",
	         account_no ? account_no : "");
	if (!v->account_no[0])
		return;
	hall_err_clear(&err);
	if (payment_due_get(a->st, v->account_no, NULL, &v->d, &err) != HALL_OK) {
		memset(&v->d, 0, sizeof v->d);
		snprintf(v->error, sizeof v->error, "%s", hall_err_msg(&err));
		return;
	}
	v->loaded = true;
}

/* Cells padded to columns: negative width left-aligned. */
static void cells(char *out, size_t outsz, const int *w, int n,
                  const char *const *t)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < n && len + 1 < outsz; i++) {
		char cell[128];
		utf8_pad(cell, sizeof cell, t[i], (size_t)(w[i] < 0 ? -w[i] : w[i]),
		         w[i] < 0);
		snprintf(out + len, outsz - len, "%s%s", i ? " " : "", cell);
		len = strlen(out);
	}
}

static const int colw[] = { -8, -10, 12, 10, 8, 12 };

void due_header(char *out, size_t outsz)
{
	const char *t[] = {
		hall_tr("账期", "Period"), hall_tr("到期日", "Due date"),
		hall_tr("电费", "Principal"), hall_tr("违约金", "Late fee"),
		hall_tr("逾期天数", "Days"), hall_tr("应缴", "Due now"),
	};
	cells(out, outsz, colw, 6, t);
}

void due_bill_line(const struct bill_due *b, char *out, size_t outsz)
{
	char p[32], f[32], t[32], days[16];
	snprintf(days, sizeof days, "%d", b->days_overdue);
	const char *c[] = {
		b->bill.period, b->bill.due_date,
		money_format(b->principal_due_fen, p, sizeof p),
		money_format(b->late_fee_due_fen, f, sizeof f),
		days, money_format(b->total_due_fen, t, sizeof t),
	};
	cells(out, outsz, colw, 6, c);
}

void due_total_lines(const struct payment_due *d, char *total1, char *total2,
                     size_t outsz)
{
	char p[32], f[32], t[32], pre[32], net[32];

	money_format(d->principal_fen, p, sizeof p);
	money_format(d->late_fee_fen, f, sizeof f);
	money_format(d->total_fen, t, sizeof t);
	snprintf(total1, outsz,
	         hall_tr("合计应缴 %s 元（电费 %s，违约金 %s）",
	                 "Total due %s yuan (principal %s, late fees %s)"),
	         t, p, f);
	total2[0] = '\0';
	if (d->prepaid_fen > 0) {
		money_format(d->prepaid_fen, pre, sizeof pre);
		money_format(d->net_fen, net, sizeof net);
		snprintf(total2, outsz,
		         hall_tr("预存余额 %s 元，扣除预存后应缴 %s 元",
		                 "Prepaid balance %s yuan; due after prepaid %s yuan"),
		         pre, net);
	}
}

int due_rows(const struct due_view *v)
{
	if (!v->account_no[0])
		return 0;
	if (!v->loaded)
		return 2;
	if (v->d.nbills == 0)
		return 2 + (v->d.prepaid_fen > 0);
	return 3 + v->d.nbills + (v->d.prepaid_fen > 0);
}

void due_draw(struct app *a, const struct due_view *v, int y, int h)
{
	char buf[512], t1[256], t2[256], name[128];
	int end = y + h, w = COLS - 4;
	(void)a;

	if (h < 1 || !v->account_no[0])
		return;
	if (!v->loaded) {
		tui_put(y, 2, w, TC_HEADER, hall_tr("应缴电费", "Bills due"));
		if (h > 1)
			tui_put(y + 1, 2, w, TC_ERROR, v->error);
		return;
	}
	utf8_trunc(name, sizeof name, v->d.customer.name, 20, true);
	snprintf(buf, sizeof buf,
	         hall_tr("应缴电费  %s %s  （违约金计至 %s）",
	                 "Bills due  %s %s  (late fees as of %s)"),
	         v->d.customer.account_no, name, v->d.as_of);
	tui_put(y++, 2, w, TC_HEADER, buf);
	due_total_lines(&v->d, t1, t2, sizeof t1);
	int tail = 1 + (t2[0] != '\0');
	if (v->d.nbills == 0) {
		if (y < end)
			tui_put(y++, 4, w - 2, TC_OK, hall_tr("没有未缴电费",
			                                      "no unpaid bills"));
	} else {
		if (y < end) {
			due_header(buf, sizeof buf);
			tui_put(y++, 4, w - 2, TC_LABEL, buf);
		}
		int room = end - y - tail;
		for (int i = 0; i < v->d.nbills && room > 0; i++, room--) {
			const struct bill_due *b = &v->d.bills[i];
			if (room == 1 && i < v->d.nbills - 1) {
				snprintf(buf, sizeof buf,
				         hall_tr("另有 %d 张未显示（客户信息里可看全部）",
				                 "... %d more (all of them in the customer view)"),
				         v->d.nbills - i);
				tui_put(y++, 4, w - 2, TC_DIM, buf);
				break;
			}
			due_bill_line(b, buf, sizeof buf);
			tui_put(y++, 4, w - 2,
			        b->late_fee_due_fen > 0 ? TC_OVERDUE : TC_NORMAL, buf);
		}
	}
	if (y < end)
		tui_put(y++, 4, w - 2, v->d.total_fen > 0 ? TC_TITLE : TC_OK, t1);
	if (t2[0] && y < end)
		tui_put(y++, 4, w - 2, TC_NORMAL, t2);
}
