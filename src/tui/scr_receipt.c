/*
 * scr_receipt.c - one receipt: its text as printed (payment_receipt_get),
 * a reprint marked 重打 (payment_reprint), and the reversal (冲正): the
 * clerk types a reason, the core checks that the payment can be reversed
 * (payment_reverse_check: today's, not reversed yet, ...) before the
 * manager is called over, and the manager approves at this counter
 * (dlg_approve, payment_reverse).  Opened with a receipt number (from the
 * saved payment, the customer view or the cash desk) or without one: then
 * it asks for the number first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/money.h"
#include "hall/payment.h"
#include "hall/utf8.h"
#include "tui/app.h"
#include "tui/widget.h"

enum rmode { R_ASK, R_VIEW, R_REASON };

struct rcpt {
	enum rmode mode;
	char no[32];
	struct edit q;                 /* receipt number typed (R_ASK) */
	struct edit reason;            /* reversal reason (R_REASON) */
	struct wg_lines text;          /* the receipt as printed */
	char info[HALL_ERR_TEXT];
	enum tui_color info_color;
	bool reversed;                 /* reversed on this screen */
	struct reversal_result rev;
};

static void set_text(struct rcpt *r, const char *text)
{
	const char *p = text ? text : "";

	wg_lines_clear(&r->text);
	r->text.scroll = 0;
	while (*p) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);
		wg_lines_add(&r->text, TC_NORMAL, "%.*s", len, p);
		p += len + (e ? 1 : 0);
	}
}

static void info(struct rcpt *r, enum tui_color c, const char *msg)
{
	snprintf(r->info, sizeof r->info, "%s", msg);
	r->info_color = c;
}

static int load(struct app *a, struct rcpt *r, const char *no)
{
	struct hall_err err;
	char *text = NULL;
	int rc;

	hall_err_clear(&err);
	rc = payment_receipt_get(a->st, no, 0, &text, &err);
	if (rc != HALL_OK) {
		info(r, TC_ERROR, hall_err_msg(&err));
		return rc;
	}
	snprintf(r->no, sizeof r->no, "%s", no);
	set_text(r, text);
	free(text);
	r->mode = R_VIEW;
	r->reversed = false;
	r->info[0] = '\0';
	return HALL_OK;
}

static int rcpt_open(struct app *a, struct screen *s, const void *arg,
                     struct hall_err *err)
{
	const char *no = arg;
	struct rcpt *r = calloc(1, sizeof *r);
	(void)err;

	if (!r)
		return HALL_ENOMEM;
	s->priv = r;
	r->text.sel = -1;
	edit_init(&r->q, 31);
	edit_init(&r->reason, PAYMENT_REASON_MAX);
	r->mode = R_ASK;
	if (no && *no) {
		edit_set(&r->q, no);
		load(a, r, no);
	}
	return HALL_OK;
}

static void rcpt_close(struct app *a, struct screen *s)
{
	struct rcpt *r = s->priv;
	(void)a;
	if (!r)
		return;
	edit_free(&r->q);
	edit_free(&r->reason);
	wg_lines_free(&r->text);
	free(r);
	s->priv = NULL;
}

static void draw_ask(struct app *a, struct rcpt *r)
{
	int y = a->top + 1;

	tui_put(y, 2, COLS - 4, TC_TITLE, hall_tr("收据：查看、补打、冲正",
	                                          "Receipt: view, reprint, reverse"));
	int lw = tui_put(y + 2, 2, 20, TC_LABEL, hall_tr("收据号：", "Receipt no.: "));
	int cx = wg_field(y + 2, 3 + lw, 20, &r->q, true, false);
	a->cur_y = y + 2;
	a->cur_x = cx;
	tui_put(y + 3, 3 + lw, COLS - 5 - lw, TC_DIM,
	        hall_tr("收据顶部的号码，如 SF00100000001；按 Enter 打开",
	                "the number at the top of the receipt, e.g. SF00100000001; Enter"));
	if (r->info[0])
		wg_wrap(y + 5, 2, COLS - 4, 3, r->info_color, r->info);
	wg_wrap(y + 9, 2, COLS - 4, 3, TC_DIM,
	        hall_tr("也可以在客户信息（F2 查询）里按 Tab 选中一笔缴费，再按 Enter。",
	                "Or select a payment with Tab in the customer view (F2) and press Enter."));
}

static void rcpt_draw(struct app *a, struct screen *s)
{
	struct rcpt *r = s->priv;
	int y = a->top + 1, bw = RECEIPT_COLS + 4;
	int h = a->bottom - y;
	int rx = 1 + bw + 2, rw = COLS - rx - 2;
	char buf[512];

	if (r->mode == R_ASK) {
		draw_ask(a, r);
		return;
	}
	/* The receipt as printed, in a box on the left. */
	tui_box(y, 1, h, bw, TC_NORMAL);
	wg_lines_draw(&r->text, y + 1, 3, RECEIPT_COLS, h - 2);
	if (r->text.scroll + r->text.rows < r->text.n)
		tui_put(y + h - 1, 3, RECEIPT_COLS, TC_DIM,
		        hall_tr("（下面还有，按下箭头）", "(more: Down)"));

	/* What can be done, on the right. */
	snprintf(buf, sizeof buf, "%s %s", hall_tr("收据", "Receipt"), r->no);
	tui_put(y, rx, rw, TC_TITLE, buf);
	int row = y + 2;
	if (r->reversed) {
		char m[32];
		money_format(r->rev.amount_fen, m, sizeof m);
		tui_put(row++, rx, rw, TC_ERROR, hall_tr("已冲正", "Reversed"));
		snprintf(buf, sizeof buf, hall_tr("金额 %s 元，主任 %s 批准",
		                                  "%s yuan, approved by %s"),
		         m, r->rev.approver_id);
		row += wg_wrap(row, rx, rw, 2, TC_NORMAL, buf) + 1;
	}
	if (r->mode == R_REASON) {
		tui_put(row++, rx, rw, TC_LABEL, hall_tr("冲正原因：", "Reason for the reversal:"));
		int cx = wg_field(row, rx, rw - 1, &r->reason, true, false);
		a->cur_y = row++;
		a->cur_x = cx;
		row += wg_wrap(row, rx, rw, 3, TC_DIM,
		               hall_tr("写明原因（至少 2 个字），按 Enter 后请主任在本窗口批准；Esc 取消",
		                       "State the reason (2 characters or more); Enter, then the manager approves here; Esc cancels"));
		row++;
	} else {
		static const struct { const char *k, *zh, *en; } keys[] = {
			{ "P", "补打收据（标明「重打」）", "reprint (marked 重打)" },
			{ "R", "冲正（仅当天，须主任批准）", "reverse (manager approves)" },
			{ "N", "查另一张收据", "another receipt" },
			{ "Esc", "返回", "back" },
		};
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++, row++) {
			tui_put(row, rx, 4, TC_BAR_KEY, keys[i].k);
			tui_put(row, rx + 4, rw - 4, TC_NORMAL, hall_tr(keys[i].zh, keys[i].en));
		}
		row++;
	}
	if (r->info[0])
		wg_wrap(row, rx, rw, a->bottom - row, r->info_color, r->info);
}

/* --------------------------------------------------------- reversal */

static int approve_reversal(struct app *a, void *ud, const char *id,
                            const char *pw, struct hall_err *err)
{
	struct rcpt *r = ud;
	return payment_reverse(a->st, &a->actor, r->no, edit_text(&r->reason),
	                       id, pw, &r->rev, err);
}

static void reversal_done(struct app *a, void *ud)
{
	struct rcpt *r = ud;
	char m[32], buf[HALL_ERR_TEXT];

	r->reversed = true;
	r->mode = R_VIEW;
	money_format(r->rev.amount_fen, m, sizeof m);
	snprintf(buf, sizeof buf,
	         hall_tr("收据 %s 已冲正：户号 %s，金额 %s 元，营业日 %s，主任 %s 批准；欠费已恢复",
	                 "receipt %s reversed: account %s, %s yuan, business day %s, approved by %s; the bills are restored"),
	         r->rev.receipt_no, r->rev.account_no, m, r->rev.business_date,
	         r->rev.approver_id);
	info(r, TC_OK, buf);
	app_msg(a, TC_OK, "%s", hall_tr("冲正完成", "Reversed"));
	edit_clear(&r->reason);
}

static void ask_reversal(struct app *a, struct rcpt *r)
{
	struct hall_err err;
	char title[256], detail[512];

	hall_err_clear(&err);
	if (payment_reverse_check(a->st, &a->actor, r->no, edit_text(&r->reason),
	                          &err) != HALL_OK) {
		info(r, TC_ERROR, hall_err_msg(&err));
		return;
	}
	info(r, TC_DIM, "");
	snprintf(title, sizeof title, hall_tr("冲正收据 %s", "Reverse receipt %s"),
	         r->no);
	snprintf(detail, sizeof detail, "%s%s", hall_tr("原因：", "Reason: "),
	         edit_text(&r->reason));
	struct approve_arg aa = { title, detail, approve_reversal, reversal_done, r };
	app_approve(a, &aa);
}

static void reprint(struct app *a, struct rcpt *r)
{
	struct hall_err err;
	char *text = NULL, buf[HALL_ERR_TEXT];
	int copy = 0;
	int rc;

	hall_err_clear(&err);
	rc = payment_reprint(a->st, &a->actor, r->no, NULL, &copy, &text, &err);
	if (text)
		set_text(r, text);
	free(text);
	if (rc == HALL_OK) {
		snprintf(buf, sizeof buf,
		         hall_tr("已补打第 %d 份（收据上标明「重打」），已记录",
		                 "copy %d reprinted (marked 重打) and recorded"), copy);
		info(r, TC_OK, buf);
	} else {
		info(r, TC_ERROR, hall_err_msg(&err));
	}
}

static bool rcpt_key(struct app *a, struct screen *s, tkey k)
{
	struct rcpt *r = s->priv;

	switch (r->mode) {
	case R_ASK:
		if (k == TK_ENTER) {
			char no[32];
			snprintf(no, sizeof no, "%s", edit_text(&r->q));
			for (char *p = no; *p; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (char)(*p - 'a' + 'A');
			load(a, r, no);
			return true;
		}
		if (k == TK_ESC || (TK_IS_FN(k) && k != TK_BACKSPACE &&
		    k != TK_DELETE && k != TK_LEFT && k != TK_RIGHT &&
		    k != TK_HOME && k != TK_END))
			return false;
		if (wg_edit_key(&r->q, k) == WG_CHANGED)
			r->info[0] = '\0';
		return true;
	case R_REASON:
		if (k == TK_ESC) {
			r->mode = R_VIEW;
			info(r, TC_DIM, hall_tr("没有冲正", "not reversed"));
			return true;
		}
		if (k == TK_ENTER || k == TK_F(10)) {
			ask_reversal(a, r);
			return true;
		}
		if (TK_IS_FN(k) && k != TK_BACKSPACE && k != TK_DELETE &&
		    k != TK_LEFT && k != TK_RIGHT && k != TK_HOME && k != TK_END)
			return false;
		wg_edit_key(&r->reason, k);
		return true;
	case R_VIEW:
		break;
	}
	if (wg_lines_key(&r->text, k))
		return true;
	switch (k) {
	case 'p':
	case 'P':
		reprint(a, r);
		return true;
	case 'r':
	case 'R':
		if (r->reversed) {
			info(r, TC_ERROR, hall_tr("这张收据已经冲正", "this receipt is reversed already"));
			return true;
		}
		r->mode = R_REASON;
		r->info[0] = '\0';
		return true;
	case 'n':
	case 'N':
		r->mode = R_ASK;
		edit_clear(&r->q);
		r->info[0] = '\0';
		return true;
	default:
		return false;
	}
}

static void rcpt_help(struct app *a, struct screen *s, char *out, size_t outsz)
{
	(void)a;
	(void)s;
	snprintf(out, outsz, "%s",
	         hall_tr("收据：左边是打印的收据。P 补打（收据上标明「重打」，并记录）。R 冲正：只能冲正本人当天、未日结的缴费；写明原因后，主任在本窗口输入工号和密码批准；冲正不删除记录，欠费恢复，收据作废。N 查另一张收据。",
	                 "Receipt: the printed receipt on the left. P reprints it (marked 重打, recorded). R reverses a payment of your current day: give the reason, then the manager approves at this counter with their ID and password; nothing is deleted, the bills are restored and the receipt is void. N opens another receipt."));
}

const struct screen_ops scr_receipt_ops = {
	.name = "receipt",
	.open = rcpt_open,
	.draw = rcpt_draw,
	.key = rcpt_key,
	.close = rcpt_close,
	.help = rcpt_help,
};
