/*
 * scr_login.c - log in (staff id, password, counter number), the idle lock
 * (the same clerk's password; the screens below, with any unsaved form,
 * stay as they are) and the forced password change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/auth.h"
#include "tui/app.h"
#include "tui/widget.h"

enum login_mode { M_LOGIN, M_LOCK, M_CHANGE };
enum { F_ID, F_PW, F_COUNTER, F_PW2, NF };

struct login {
	enum login_mode mode;
	struct edit ed[NF];
	int fields[NF];    /* the fields of this mode, in order */
	int nfields;
	int focus;         /* index into fields[] */
	bool fresh;        /* focus just arrived: typing replaces the value */
	char error[HALL_ERR_TEXT];
};

static void set_mode(struct login *l, enum login_mode m)
{
	l->mode = m;
	l->nfields = 0;
	switch (m) {
	case M_LOGIN:
		l->fields[l->nfields++] = F_ID;
		l->fields[l->nfields++] = F_PW;
		l->fields[l->nfields++] = F_COUNTER;
		break;
	case M_LOCK:
		l->fields[l->nfields++] = F_PW;
		break;
	case M_CHANGE:
		l->fields[l->nfields++] = F_PW;
		l->fields[l->nfields++] = F_PW2;
		break;
	}
	l->focus = 0;
}

static int login_open(struct app *a, struct screen *s, const void *arg,
                      struct hall_err *err)
{
	const struct login_arg *la = arg;
	struct login *l = calloc(1, sizeof *l);
	int counter;
	(void)err;

	if (!l)
		return HALL_ENOMEM;
	s->priv = l;
	edit_init(&l->ed[F_ID], AUTH_ID_MAX);
	edit_init(&l->ed[F_PW], 128);
	edit_init(&l->ed[F_COUNTER], 2);
	edit_init(&l->ed[F_PW2], 128);
	set_mode(l, la && la->lock ? M_LOCK : M_LOGIN);
	counter = a->opt.counter > 0 ? a->opt.counter : app_counter_load(a);
	if (counter > 0) {
		char buf[16];
		snprintf(buf, sizeof buf, "%d", counter);
		edit_set(&l->ed[F_COUNTER], buf);
	}
	return HALL_OK;
}

static void login_close(struct app *a, struct screen *s)
{
	struct login *l = s->priv;
	(void)a;
	if (!l)
		return;
	for (int i = 0; i < NF; i++) {
		edit_wipe(&l->ed[i]);
		edit_free(&l->ed[i]);
	}
	free(l);
	s->priv = NULL;
}

static const char *field_label(int f, enum login_mode m)
{
	switch (f) {
	case F_ID:
		return hall_tr("工号", "Staff ID");
	case F_PW:
		return m == M_CHANGE ? hall_tr("新密码", "New password")
		                     : hall_tr("密码", "Password");
	case F_COUNTER:
		return hall_tr("窗口号", "Counter");
	default:
		return hall_tr("再输一次", "Repeat");
	}
}

static void login_draw(struct app *a, struct screen *s)
{
	struct login *l = s->priv;
	int w = 56, h = 11 + (l->mode == M_CHANGE ? 1 : 0);
	int y = a->top + (a->bottom - a->top + 1 - h) / 2;
	int x = (COLS - w) / 2;
	const char *title;

	switch (l->mode) {
	case M_LOCK:
		title = hall_tr("屏幕已锁定", "Screen locked");
		break;
	case M_CHANGE:
		title = hall_tr("请设置新密码", "Choose a new password");
		break;
	default:
		title = hall_tr("柜台登录", "Counter login");
	}
	tui_box(y, x, h, w, TC_NORMAL);
	tui_put_center(y + 1, TC_TITLE, store_hall_name(a->st));
	tui_put_center(y + 2, TC_TITLE, title);
	int row = y + 4;
	if (l->mode != M_LOGIN) {
		char who[256];
		snprintf(who, sizeof who, "%s(%s)", a->actor.user.name,
		         a->actor.user.id);
		tui_put_right(row, x + 2, 14, TC_LABEL,
		              hall_tr("营业员：", "Clerk: "));
		tui_put(row, x + 17, w - 19, TC_NORMAL, who);
		row++;
	}
	for (int i = 0; i < l->nfields; i++, row++) {
		int f = l->fields[i];
		char lab[64];
		snprintf(lab, sizeof lab, "%s%s", field_label(f, l->mode),
		         hall_tr("：", ": "));
		tui_put_right(row, x + 2, 14, TC_LABEL, lab);
		int cx = wg_field(row, x + 17, f == F_COUNTER ? 4 : 20, &l->ed[f],
		                  i == l->focus, f == F_PW || f == F_PW2);
		if (i == l->focus) {
			a->cur_y = row;
			a->cur_x = cx;
		}
	}
	if (l->error[0])
		tui_put(y + h - 3, x + 2, w - 4, TC_ERROR, l->error);
	tui_put(y + h - 2, x + 2, w - 4, TC_DIM,
	        l->mode == M_LOCK
	        ? hall_tr("输入密码后按 Enter 解锁，未保存的表单仍在",
	                  "Enter your password to unlock; your form is kept")
	        : hall_tr("Tab 换栏，Enter 确认，Esc 退出",
	                  "Tab next field, Enter confirm, Esc quit"));
}

static int parse_counter(const char *s)
{
	int n = 0;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		n = n * 10 + (*s - '0');
		if (n > 99)
			return 0;
	}
	return n;
}

static void fail(struct login *l, const char *msg)
{
	snprintf(l->error, sizeof l->error, "%s", msg);
	edit_wipe(&l->ed[F_PW]);
	edit_wipe(&l->ed[F_PW2]);
	for (int i = 0; i < l->nfields; i++)
		if (l->fields[i] == F_PW)
			l->focus = i;
}

static void submit(struct app *a, struct login *l)
{
	struct hall_err err;
	struct hall_user u;
	int counter;

	hall_err_clear(&err);
	l->error[0] = '\0';
	switch (l->mode) {
	case M_LOGIN:
		counter = parse_counter(edit_text(&l->ed[F_COUNTER]));
		if (edit_chars(&l->ed[F_ID]) == 0) {
			snprintf(l->error, sizeof l->error, "%s",
			         hall_tr("请输入工号", "enter your staff ID"));
			l->focus = 0;
			return;
		}
		if (counter < 1) {
			snprintf(l->error, sizeof l->error, "%s",
			         hall_tr("窗口号应为 1 到 99 的数字",
			                 "the counter number is 1 to 99"));
			l->focus = 2;
			return;
		}
		if (auth_login(a->st, edit_text(&l->ed[F_ID]),
		               edit_text(&l->ed[F_PW]), &u, &err) != HALL_OK) {
			fail(l, hall_err_msg(&err));
			return;
		}
		memset(&a->actor, 0, sizeof a->actor);
		a->actor.user = u;
		a->actor.counter = counter;
		app_counter_save(a, counter);
		if (u.must_change) {
			edit_wipe(&l->ed[F_PW]);
			set_mode(l, M_CHANGE);
			return;
		}
		app_login_done(a);   /* replaces this screen */
		return;
	case M_LOCK:
		if (auth_login(a->st, a->actor.user.id, edit_text(&l->ed[F_PW]),
		               &u, &err) != HALL_OK) {
			fail(l, hall_err_msg(&err));
			return;
		}
		a->session_open = true;   /* auth_login recorded the login */
		app_pop(a);
		return;
	case M_CHANGE:
		if (strcmp(edit_text(&l->ed[F_PW]), edit_text(&l->ed[F_PW2]))) {
			fail(l, hall_tr("两次输入的密码不一样",
			                "the two passwords differ"));
			return;
		}
		if (auth_user_passwd(a->st, &a->actor, a->actor.user.id,
		                     edit_text(&l->ed[F_PW]), &err) != HALL_OK) {
			fail(l, hall_err_msg(&err));
			return;
		}
		a->actor.user.must_change = false;
		app_login_done(a);
		return;
	}
}

static bool login_key(struct app *a, struct screen *s, tkey k)
{
	struct login *l = s->priv;

	switch (k) {
	case TK_F(1):
		return false;
	case TK_ESC:
		if (l->mode == M_LOGIN)
			a->quit = true;
		else if (l->mode == M_CHANGE)
			set_mode(l, M_LOGIN);
		return true;
	case TK_TAB:
	case TK_DOWN:
		l->focus = (l->focus + 1) % l->nfields;
		l->fresh = true;
		return true;
	case TK_BTAB:
	case TK_UP:
		l->focus = (l->focus + l->nfields - 1) % l->nfields;
		l->fresh = true;
		return true;
	case TK_ENTER:
		if (l->focus + 1 < l->nfields &&
		    edit_chars(&l->ed[l->fields[l->focus + 1]]) == 0) {
			l->focus++;
			l->fresh = true;
			return true;
		}
		submit(a, l);
		return true;
	case TK_F(10):
		submit(a, l);
		return true;
	default:
		/* The remembered counter number is replaced, not appended to,
		 * when the clerk types a new one. */
		if (l->fresh && TK_IS_TEXT(k) && l->fields[l->focus] == F_COUNTER)
			edit_clear(&l->ed[F_COUNTER]);
		l->fresh = false;
		if (wg_edit_key(&l->ed[l->fields[l->focus]], k) == WG_CHANGED)
			l->error[0] = '\0';
		return true;
	}
}

const struct screen_ops scr_login_ops = {
	.name = "login",
	.open = login_open,
	.draw = login_draw,
	.key = login_key,
	.close = login_close,
	.modal = true,
};
