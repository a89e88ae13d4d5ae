/*
 * dlg_approve.c - a manager approves at the clerk's counter: a box over
 * the screen with the manager's staff id and password.  What the approval
 * is for, and every check (the password, the manager's role, not the
 * clerk approving their own action), is the core's: the dialog hands what
 * was typed to approve() and shows the core's answer.  The password is
 * wiped from memory as soon as it was used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/auth.h"
#include "tui/app.h"
#include "tui/widget.h"

enum { A_ID, A_PW, A_N };

struct approve {
	char title[512];
	char detail[512];
	int (*approve)(struct app *a, void *ud, const char *id,
	               const char *password, struct hall_err *err);
	void (*done)(struct app *a, void *ud);
	void *ud;
	struct edit ed[A_N];
	int focus;
	char error[HALL_ERR_TEXT];
};

static int approve_open(struct app *a, struct screen *s, const void *arg,
                        struct hall_err *err)
{
	const struct approve_arg *aa = arg;
	struct approve *d = calloc(1, sizeof *d);
	(void)a;
	(void)err;
	if (!d)
		return HALL_ENOMEM;
	s->priv = d;
	snprintf(d->title, sizeof d->title, "%s", aa->title ? aa->title : "");
	snprintf(d->detail, sizeof d->detail, "%s", aa->detail ? aa->detail : "");
	d->approve = aa->approve;
	d->done = aa->done;
	d->ud = aa->ud;
	edit_init(&d->ed[A_ID], AUTH_ID_MAX);
	edit_init(&d->ed[A_PW], 128);
	return HALL_OK;
}

static void approve_close(struct app *a, struct screen *s)
{
	struct approve *d = s->priv;
	(void)a;
	if (!d)
		return;
	for (int i = 0; i < A_N; i++) {
		edit_wipe(&d->ed[i]);
		edit_free(&d->ed[i]);
	}
	free(d);
	s->priv = NULL;
}

static void approve_draw(struct app *a, struct screen *s)
{
	struct approve *d = s->priv;
	int w = COLS - 8 < 66 ? COLS - 8 : 66, h = 11;
	int y = a->top + (a->bottom - a->top + 1 - h) / 2;
	int x = (COLS - w) / 2;

	tui_box(y, x, h, w, TC_POPUP);
	tui_put(y, x + 2, w - 4, TC_POPUP,
	        hall_tr(" 主任批准 ", " Manager's approval "));
	tui_put(y + 1, x + 2, w - 4, TC_POPUP, d->title);
	if (d->detail[0])
		tui_put(y + 2, x + 2, w - 4, TC_POPUP, d->detail);
	tui_put(y + 3, x + 2, w - 4, TC_POPUP,
	        hall_tr("请主任在本窗口输入自己的工号和密码：",
	                "The manager types their own staff ID and password here:"));
	for (int i = 0; i < A_N; i++) {
		int row = y + 5 + i;
		tui_put_right(row, x + 2, 14, TC_POPUP,
		              i == A_ID ? hall_tr("主任工号：", "Manager ID: ")
		                        : hall_tr("密码：", "Password: "));
		int cx = wg_field(row, x + 17, 20, &d->ed[i], i == d->focus,
		                  i == A_PW);
		if (i == d->focus) {
			a->cur_y = row;
			a->cur_x = cx;
		}
	}
	if (d->error[0])
		tui_put(y + 8, x + 2, w - 4, TC_ERROR, d->error);
	tui_put(y + h - 2, x + 2, w - 4, TC_POPUP,
	        hall_tr("Tab 换栏  Enter 批准  Esc 取消",
	                "Tab next field  Enter approve  Esc cancel"));
}

static void submit(struct app *a, struct approve *d)
{
	struct hall_err err;
	void (*done)(struct app *, void *) = d->done;
	void *ud = d->ud;
	int rc;

	if (edit_chars(&d->ed[A_ID]) == 0) {
		snprintf(d->error, sizeof d->error, "%s",
		         hall_tr("请输入主任工号", "enter the manager's staff ID"));
		d->focus = A_ID;
		return;
	}
	hall_err_clear(&err);
	rc = d->approve(a, ud, edit_text(&d->ed[A_ID]), edit_text(&d->ed[A_PW]),
	                &err);
	edit_wipe(&d->ed[A_PW]);
	if (rc != HALL_OK) {
		snprintf(d->error, sizeof d->error, "%s", hall_err_msg(&err));
		d->focus = rc == HALL_EAUTH ? A_PW : A_ID;
		if (rc == HALL_EPERM)
			edit_clear(&d->ed[A_ID]);
		return;
	}
	app_pop(a);
	if (done)
		done(a, ud);
}

static bool approve_key(struct app *a, struct screen *s, tkey k)
{
	struct approve *d = s->priv;

	switch (k) {
	case TK_ESC:
		app_pop(a);
		app_msg(a, TC_DIM, "%s", hall_tr("已取消，没有批准", "cancelled: not approved"));
		return true;
	case TK_TAB:
	case TK_BTAB:
	case TK_UP:
	case TK_DOWN:
		d->focus = (d->focus + 1) % A_N;
		return true;
	case TK_ENTER:
	case TK_F(10):
		if (d->focus == A_ID && edit_chars(&d->ed[A_PW]) == 0) {
			d->focus = A_PW;
			return true;
		}
		submit(a, d);
		return true;
	case TK_F(1):
		return false;
	default:
		if (wg_edit_key(&d->ed[d->focus], k) == WG_CHANGED)
			d->error[0] = '\0';
		return true;
	}
}

static void approve_help(struct app *a, struct screen *s, char *out,
                         size_t outsz)
{
	(void)a;
	(void)s;
	snprintf(out, outsz, "%s",
	         hall_tr("主任批准：冲正、日结签字和重开营业日须主任（或管理员）在营业员的窗口上输入自己的工号和密码；营业员不能批准自己的操作。批准记入审计日志。",
	                 "Manager's approval: a reversal, the sign-off of a daily close and reopening a day need a manager (or admin) who types their own staff ID and password at the clerk's counter; a clerk cannot approve their own action. Approvals are audited."));
}

const struct screen_ops dlg_approve_ops = {
	.name = "approve",
	.open = approve_open,
	.draw = approve_draw,
	.key = approve_key,
	.close = approve_close,
	.help = approve_help,
	.overlay = true,
	.modal = true,
};
