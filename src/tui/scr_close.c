/*
 * scr_close.c - the daily close (日清日结) at the clerk's counter.
 *
 * The clerk counts the cash and the slips and types what was counted for
 * each method (blind: the expected figures appear only after the
 * declaration, as the core wants); payment_close_declare() stores the
 * close, locks the clerk's day and answers with the expected figures by
 * method, the differences and the receipt range.  The manager then signs
 * it off at the same counter (dlg_approve, payment_close_sign), or reopens
 * the day with a reason (payment_day_reopen).  Every figure shown is the
 * core's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/money.h"
#include "hall/payment.h"
#include "hall/utf8.h"
#include "tui/app.h"
#include "tui/widget.h"

enum cmode { C_DECLARE, C_SHOW, C_REOPEN };

struct dclose {
	enum cmode mode;
	char date[11];
	struct edit ed[PAYMENT_NMETHODS];
	int focus;
	int64_t declared[PAYMENT_NMETHODS];   /* as typed, -1 missing */
	struct day_close d;            /* the close in force (C_SHOW) */
	struct edit reason;            /* reopening */
	char info[HALL_ERR_TEXT];
	enum tui_color info_color;
};

static void info(struct dclose *c, enum tui_color col, const char *msg)
{
	snprintf(c->info, sizeof c->info, "%s", msg);
	c->info_color = col;
}

/* The close of today in force, or the declaration form if there is none. */
static void load(struct app *a, struct dclose *c)
{
	struct hall_err err;
	int rc;

	hall_err_clear(&err);
	rc = payment_close_get(a->st, a->actor.user.id, c->date, &c->d, &err);
	if (rc == HALL_OK) {
		c->mode = C_SHOW;
		return;
	}
	c->mode = C_DECLARE;
	if (rc != HALL_ENOTFOUND)
		info(c, TC_ERROR, hall_err_msg(&err));
}

static int close_open(struct app *a, struct screen *s, const void *arg,
                      struct hall_err *err)
{
	struct dclose *c = calloc(1, sizeof *c);
	(void)arg;
	(void)err;
	if (!c)
		return HALL_ENOMEM;
	s->priv = c;
	for (int i = 0; i < PAYMENT_NMETHODS; i++)
		edit_init(&c->ed[i], 16);
	edit_init(&c->reason, PAYMENT_REASON_MAX);
	store_today_local(c->date);
	load(a, c);
	return HALL_OK;
}

static void close_close(struct app *a, struct screen *s)
{
	struct dclose *c = s->priv;
	(void)a;
	if (!c)
		return;
	for (int i = 0; i < PAYMENT_NMETHODS; i++)
		edit_free(&c->ed[i]);
	edit_free(&c->reason);
	free(c);
	s->priv = NULL;
}

static const char *status_label(const char *st)
{
	if (!strcmp(st, "declared"))
		return hall_tr("已申报，待主任签字", "declared, awaiting the manager's sign-off");
	if (!strcmp(st, "signed"))
		return hall_tr("主任已签字", "signed off");
	if (!strcmp(st, "reopened"))
		return hall_tr("已重开", "reopened");
	return st;
}

static void title(struct app *a, struct dclose *c, int y)
{
	char buf[512];
	snprintf(buf, sizeof buf,
	         hall_tr("日清日结  营业日 %s  营业员 %s(%s)",
	                 "Daily close  business day %s  clerk %s (%s)"),
	         c->mode == C_DECLARE ? c->date : c->d.business_date,
	         a->actor.user.name, a->actor.user.id);
	tui_put(y, 2, COLS - 4, TC_TITLE, buf);
}

static void draw_declare(struct app *a, struct dclose *c)
{
	int y = a->top + 1;

	title(a, c, y);
	wg_wrap(y + 1, 2, COLS - 4, 2, TC_NORMAL,
	        hall_tr("请清点现金和各类签购单、到账记录，逐项输入实点金额（元），没有的填 0。申报之后才显示应收金额和差额。",
	                "Count the cash and the slips, and type what you counted for each method (yuan; 0 when none). The expected figures appear after the declaration."));
	for (int i = 0; i < PAYMENT_NMETHODS; i++) {
		int row = y + 4 + i;
		char lab[64];
		snprintf(lab, sizeof lab, "%s%s",
		         payment_method_label(payment_method_keys[i]),
		         hall_tr("：", ": "));
		tui_put(row, 1, 1, TC_REQUIRED, "*");
		tui_put_right(row, 2, 14, i == c->focus ? TC_TITLE : TC_LABEL, lab);
		int cx = wg_field(row, 18, 16, &c->ed[i], i == c->focus, false);
		tui_put(row, 36, 4, TC_DIM, hall_tr("元", "yuan"));
		if (i == c->focus) {
			a->cur_y = row;
			a->cur_x = cx;
		}
	}
	if (c->info[0])
		wg_wrap(y + 11, 2, COLS - 4, 3, c->info_color, c->info);
	tui_put(a->bottom, 2, COLS - 4, TC_DIM,
	        hall_tr("Tab/Enter 下一项  F10 申报（申报后本营业日锁定）  Esc 返回",
	                "Tab/Enter next  F10 declare (locks your day)  Esc back"));
}

static const int colw[] = { -10, 14, 14, 14, 6 };

static void row_cells(char *out, size_t outsz, const char *const *t)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < 5 && len + 1 < outsz; i++) {
		char cell[128];
		utf8_pad(cell, sizeof cell, t[i], (size_t)(colw[i] < 0 ? -colw[i] : colw[i]),
		         colw[i] < 0);
		snprintf(out + len, outsz - len, "%s%s", i ? " " : "", cell);
		len = strlen(out);
	}
}

static void draw_show(struct app *a, struct dclose *c)
{
	const struct day_close *d = &c->d;
	char buf[512], e[32], dcl[32], df[32], n[16];
	int y = a->top + 1, row;

	title(a, c, y);
	snprintf(buf, sizeof buf, "%s%s", hall_tr("状态：", "Status: "),
	         status_label(d->status));
	tui_put(y + 1, 2, COLS - 4, strcmp(d->status, "signed") ? TC_DUE_TODAY : TC_OK, buf);
	const char *head[] = {
		hall_tr("付款方式", "Method"), hall_tr("应收", "Expected"),
		hall_tr("实点", "Declared"), hall_tr("差额", "Difference"),
		hall_tr("笔数", "Count"),
	};
	row_cells(buf, sizeof buf, head);
	tui_put(y + 3, 4, COLS - 6, TC_HEADER, buf);
	row = y + 4;
	for (int i = 0; i < PAYMENT_NMETHODS; i++, row++) {
		const struct close_line *l = &d->lines[i];
		snprintf(n, sizeof n, "%d", l->count);
		const char *t[] = {
			payment_method_label(l->method),
			money_format(l->expected_fen, e, sizeof e),
			money_format(l->declared_fen, dcl, sizeof dcl),
			money_format(l->diff_fen, df, sizeof df), n,
		};
		row_cells(buf, sizeof buf, t);
		tui_put(row, 4, COLS - 6, l->diff_fen ? TC_ERROR : TC_NORMAL, buf);
	}
	snprintf(n, sizeof n, "%d", d->payments);
	const char *tot[] = {
		hall_tr("合计", "Total"), money_format(d->expected_fen, e, sizeof e),
		money_format(d->declared_fen, dcl, sizeof dcl),
		money_format(d->diff_fen, df, sizeof df), n,
	};
	row_cells(buf, sizeof buf, tot);
	tui_put(row++, 4, COLS - 6, TC_TITLE, buf);
	row++;
	if (d->receipts > 0) {
		money_format(d->reversed_fen, e, sizeof e);
		snprintf(buf, sizeof buf,
		         hall_tr("收据 %s 至 %s，共 %d 张；其中冲正 %d 张，金额 %s 元",
		                 "receipts %s to %s, %d in all; %d reversed, %s yuan"),
		         d->first_receipt, d->last_receipt, d->receipts,
		         d->reversals, e);
	} else {
		snprintf(buf, sizeof buf, "%s", hall_tr("当日没有收据", "no receipts this day"));
	}
	tui_put(row++, 2, COLS - 4, TC_NORMAL, buf);
	tui_put(row++, 2, COLS - 4, d->diff_fen ? TC_ERROR : TC_OK,
	        d->diff_fen ? hall_tr("注意：实点与应收不符，请复核现金和签购单",
	                              "Note: declared and expected differ; recount the cash and slips")
	                    : hall_tr("实点与应收相符", "declared and expected agree"));
	if (d->signed_by[0]) {
		char local[17];
		app_local_time(d->signed_at, local);
		snprintf(buf, sizeof buf, hall_tr("主任 %s 已签字  %s", "signed off by %s at %s"),
		         d->signed_by, local);
		tui_put(row++, 2, COLS - 4, TC_OK, buf);
	}
	row++;
	if (c->mode == C_REOPEN) {
		int lw = tui_put(row, 2, 30, TC_LABEL, hall_tr("重开原因：", "Reason to reopen: "));
		int cx = wg_field(row, 3 + lw, COLS - 6 - lw, &c->reason, true, false);
		a->cur_y = row++;
		a->cur_x = cx;
	}
	if (c->info[0] && row < a->bottom)
		wg_wrap(row, 2, COLS - 4, a->bottom - row, c->info_color, c->info);
	const char *keys;
	if (c->mode == C_REOPEN)
		keys = hall_tr("写明原因后按 Enter，请主任批准  Esc 取消",
		               "Give the reason, Enter, then the manager approves  Esc cancel");
	else if (!strcmp(d->status, "declared"))
		keys = hall_tr("Enter 请主任签字  R 重开营业日（须主任）  Esc 返回",
		               "Enter: manager signs off  R: reopen the day (manager)  Esc back");
	else
		keys = hall_tr("R 重开营业日（须主任）  Esc 返回",
		               "R: reopen the day (manager)  Esc back");
	tui_put(a->bottom, 2, COLS - 4, TC_DIM, keys);
}

static void close_draw(struct app *a, struct screen *s)
{
	struct dclose *c = s->priv;
	if (c->mode == C_DECLARE)
		draw_declare(a, c);
	else
		draw_show(a, c);
}

/* ------------------------------------------------------------ actions */

static void declare_answer(struct app *a, void *ud, bool yes)
{
	struct dclose *c = ud;
	struct hall_err err;

	if (!yes)
		return;
	hall_err_clear(&err);
	if (payment_close_declare(a->st, &a->actor, c->date, c->declared, &c->d,
	                          &err) != HALL_OK) {
		info(c, TC_ERROR, hall_err_msg(&err));
		return;
	}
	c->mode = C_SHOW;
	info(c, TC_OK, hall_tr("已申报，本营业日已锁定；请主任核对后签字（Enter）",
	                       "Declared; your day is locked. The manager checks and signs off (Enter)"));
}

static void declare(struct app *a, struct dclose *c)
{
	for (int i = 0; i < PAYMENT_NMETHODS; i++) {
		const char *t = edit_text(&c->ed[i]);
		struct hall_err err;
		c->declared[i] = -1;       /* missing (the core refuses it too) */
		if (!*t) {
			char buf[256];
			snprintf(buf, sizeof buf,
			         hall_tr("请填写%s的实点金额（没有填 0）",
			                 "%s: type what you counted (0 when none)"),
			         payment_method_label(payment_method_keys[i]));
			info(c, TC_ERROR, buf);
			c->focus = i;
			return;
		}
		hall_err_clear(&err);
		if (money_parse(t, payment_method_label(payment_method_keys[i]),
		                &c->declared[i], &err) != HALL_OK) {
			info(c, TC_ERROR, hall_err_msg(&err));
			c->focus = i;
			return;
		}
		if (c->declared[i] < 0) {
			char buf[256];
			snprintf(buf, sizeof buf, hall_tr("%s：金额不能为负", "%s: the amount must not be negative"),
			         payment_method_label(payment_method_keys[i]));
			info(c, TC_ERROR, buf);
			c->focus = i;
			return;
		}
	}
	app_confirm(a, hall_tr("申报后本营业日锁定，之后的缴费记入下一营业日（主任可重开）。确定申报吗？",
	                       "After the declaration your day is locked: later payments go to the next business day (a manager can reopen it). Declare now?"),
	            false, declare_answer, c);
}

static int approve_sign(struct app *a, void *ud, const char *id,
                        const char *pw, struct hall_err *err)
{
	struct dclose *c = ud;
	struct day_close d;
	int rc = payment_close_sign(a->st, &a->actor, NULL, c->d.business_date,
	                            id, pw, &d, err);
	if (rc == HALL_OK)
		c->d = d;
	return rc;
}

static void sign_done(struct app *a, void *ud)
{
	struct dclose *c = ud;
	info(c, TC_OK, hall_tr("主任已签字，日清日结完成", "Signed off: the daily close is done"));
	app_msg(a, TC_OK, "%s", hall_tr("日结已签字", "Close signed off"));
}

static int approve_reopen(struct app *a, void *ud, const char *id,
                          const char *pw, struct hall_err *err)
{
	struct dclose *c = ud;
	return payment_day_reopen(a->st, &a->actor, NULL, c->d.business_date,
	                          edit_text(&c->reason), id, pw, err);
}

static void reopen_done(struct app *a, void *ud)
{
	struct dclose *c = ud;
	struct hall_err err;
	char bd[11] = "", buf[HALL_ERR_TEXT];

	edit_clear(&c->reason);
	for (int i = 0; i < PAYMENT_NMETHODS; i++)
		edit_clear(&c->ed[i]);
	c->focus = 0;
	load(a, c);
	hall_err_clear(&err);
	payment_business_date(a->st, a->actor.user.id, bd, &err);
	snprintf(buf, sizeof buf,
	         hall_tr("营业日已重开（已记录）；新的缴费记入营业日 %s",
	                 "the day is reopened (recorded); new payments go to business day %s"), bd);
	info(c, TC_OK, buf);
	app_msg(a, TC_OK, "%s", hall_tr("营业日已重开", "Day reopened"));
}

static bool close_key(struct app *a, struct screen *s, tkey k)
{
	struct dclose *c = s->priv;

	if (c->mode == C_DECLARE) {
		switch (k) {
		case TK_TAB:
		case TK_DOWN:
		case TK_ENTER:
			c->focus = (c->focus + 1) % PAYMENT_NMETHODS;
			return true;
		case TK_BTAB:
		case TK_UP:
			c->focus = (c->focus + PAYMENT_NMETHODS - 1) % PAYMENT_NMETHODS;
			return true;
		case TK_F(10):
			declare(a, c);
			return true;
		default:
			break;
		}
		if (k == TK_ESC || (TK_IS_FN(k) && k != TK_BACKSPACE && k != TK_DELETE &&
		    k != TK_LEFT && k != TK_RIGHT && k != TK_HOME && k != TK_END))
			return false;
		if (wg_edit_key(&c->ed[c->focus], k) == WG_CHANGED)
			c->info[0] = '\0';
		return true;
	}
	if (c->mode == C_REOPEN) {
		if (k == TK_ESC) {
			c->mode = C_SHOW;
			info(c, TC_DIM, hall_tr("没有重开", "not reopened"));
			return true;
		}
		if (k == TK_ENTER || k == TK_F(10)) {
			char t[256];
			snprintf(t, sizeof t, hall_tr("重开营业日 %s（营业员 %s）",
			                              "Reopen business day %s (clerk %s)"),
			         c->d.business_date, c->d.staff_id);
			char detail[1024];
			snprintf(detail, sizeof detail, "%s%s", hall_tr("原因：", "Reason: "),
			         edit_text(&c->reason));
			struct approve_arg aa = { t, detail, approve_reopen, reopen_done, c };
			c->mode = C_SHOW;
			app_approve(a, &aa);
			return true;
		}
		if (TK_IS_FN(k) && k != TK_BACKSPACE && k != TK_DELETE &&
		    k != TK_LEFT && k != TK_RIGHT && k != TK_HOME && k != TK_END)
			return false;
		wg_edit_key(&c->reason, k);
		return true;
	}
	switch (k) {
	case TK_ENTER:
	case TK_F(10):
		if (!strcmp(c->d.status, "declared")) {
			char t[256], detail[256], m[32];
			snprintf(t, sizeof t, hall_tr("日结签字：营业日 %s，营业员 %s",
			                              "Sign off the close of %s, clerk %s"),
			         c->d.business_date, c->d.staff_id);
			money_format(c->d.diff_fen, m, sizeof m);
			snprintf(detail, sizeof detail,
			         hall_tr("差额合计 %s 元", "total difference %s yuan"), m);
			struct approve_arg aa = { t, detail, approve_sign, sign_done, c };
			app_approve(a, &aa);
		} else {
			info(c, TC_DIM, hall_tr("这一天已签字", "this day is signed off already"));
		}
		return true;
	case 'r':
	case 'R':
		c->mode = C_REOPEN;
		c->info[0] = '\0';
		return true;
	default:
		return false;
	}
}

static void close_help(struct app *a, struct screen *s, char *out, size_t outsz)
{
	(void)a;
	(void)s;
	snprintf(out, outsz, "%s",
	         hall_tr("日清日结：营业结束时清点现金和签购单，逐项输入实点金额后按 F10 申报；申报后显示各付款方式的应收、差额和收据号范围，本营业日锁定（之后的缴费记入下一营业日）。主任核对后在本窗口输入工号和密码签字（Enter）。需要继续收费时按 R，写明原因，由主任批准重开。",
	                 "Daily close: at the end of the day count the cash and the slips, type each figure and press F10 to declare; then the expected figures by method, the differences and the receipt range are shown and your day is locked (later payments go to the next business day). The manager checks and signs off here with their ID and password (Enter). R reopens the day, with a reason and the manager's approval."));
}

const struct screen_ops scr_close_ops = {
	.name = "close",
	.open = close_open,
	.draw = close_draw,
	.key = close_key,
	.close = close_close,
	.help = close_help,
};
