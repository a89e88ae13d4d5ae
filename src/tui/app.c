/*
 * app.c - the screen stack, the input loop, the bars and the global keys.
 */
#include "tui/app.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hall/counter.h"
#include "hall/health.h"
#include "hall/utf8.h"
#include "tui/widget.h"

static long mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

static void state_path_init(struct app *a)
{
	const char *x = getenv("XDG_STATE_HOME");
	const char *h = getenv("HOME");

	if (x && *x == '/')
		snprintf(a->state_path, sizeof a->state_path, "%s/hall/counter", x);
	else if (h && *h)
		snprintf(a->state_path, sizeof a->state_path,
		         "%s/.local/state/hall/counter", h);
	else
		a->state_path[0] = '\0';
}

struct app *app_create(const struct tui_options *o, struct store *st,
                       struct form_set *forms, const struct tui_keysrc *keys)
{
	struct app *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->opt = *o;
	a->st = st;
	a->forms = forms;
	if (keys)
		a->keys = *keys;
	else
		a->keys.get = tui_key_curses;
	a->clock_s = mono_seconds;
	a->last_input = a->clock_s();
	a->cur_y = a->cur_x = -1;
	form_values_init(&a->draft);
	state_path_init(a);
	return a;
}

void app_destroy(struct app *a)
{
	if (!a)
		return;
	health_watch_stop(a->watch);
	a->watch = NULL;
	app_logout(a);
	while (a->depth > 0) {
		struct screen *s = &a->stack[--a->depth];
		if (s->ops->close)
			s->ops->close(a, s);
	}
	form_values_free(&a->draft);
	if (a->stage_forms)
		formset_free(a->stage_forms);
	free(a);
}

/* ------------------------------------------------------------ stack */

struct screen *app_top(struct app *a)
{
	return a->depth > 0 ? &a->stack[a->depth - 1] : NULL;
}

struct screen *app_find(struct app *a, const struct screen_ops *ops)
{
	for (int i = a->depth - 1; i >= 0; i--)
		if (a->stack[i].ops == ops)
			return &a->stack[i];
	return NULL;
}

static void close_top(struct app *a)
{
	struct screen *s = &a->stack[a->depth - 1];
	if (s->ops->close)
		s->ops->close(a, s);
	memset(s, 0, sizeof *s);
	a->depth--;
}

int app_push(struct app *a, const struct screen_ops *ops, const void *arg)
{
	struct hall_err err;
	struct screen *s;
	int rc;

	/* A finished screen (a saved form) gives way instead of staying
	 * underneath; dialogs never count. */
	if (!ops->overlay && a->depth > 0 && app_top(a)->transient)
		close_top(a);
	if (a->depth >= APP_MAX_DEPTH) {
		app_msg(a, TC_ERROR, "%s",
		        hall_tr("打开的界面太多，请按 Esc 返回",
		                "too many screens open: press Esc to go back"));
		return HALL_ESTATE;
	}
	hall_err_clear(&err);
	s = &a->stack[a->depth];
	memset(s, 0, sizeof *s);
	s->ops = ops;
	a->depth++;
	rc = ops->open ? ops->open(a, s, arg, &err) : HALL_OK;
	if (rc != HALL_OK) {
		a->depth--;
		if (s->ops->close)
			s->ops->close(a, s);
		memset(s, 0, sizeof *s);
		if (err.code != HALL_OK)
			app_err(a, &err);
		return rc;
	}
	return HALL_OK;
}

void app_pop(struct app *a)
{
	struct screen *s;

	if (a->depth == 0)
		return;
	close_top(a);
	s = app_top(a);
	if (s && s->ops->resume)
		s->ops->resume(a, s);
}

/* ---------------------------------------------------------- messages */

void app_msg(struct app *a, enum tui_color c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	a->msg_color = c;
}

void app_err(struct app *a, const struct hall_err *e)
{
	const char *text = hall_err_msg(e);
	/* a damaged store: the clerk's part; the banner shows the rest */
	const char *admin = e->code == HALL_EDAMAGED
		? strstr(text, hall_tr(HEALTH_ADMIN_ZH, HEALTH_ADMIN_EN)) : NULL;
	app_msg(a, TC_ERROR, "%.*s", admin ? (int)(admin - text) : (int)strlen(text), text);
}

void app_confirm(struct app *a, const char *text, bool default_yes,
                 void (*done)(struct app *a, void *ud, bool yes), void *ud)
{
	struct confirm_arg ca = { text, default_yes, done, ud };
	app_push(a, &dlg_confirm_ops, &ca);
}

/* ------------------------------------------------------------- bars */

struct bar_key {
	const char *key, *zh, *en;
};

static const struct bar_key bar_keys[] = {
	{ "F1", "帮助", "Help" },
	{ "F2", "查询", "Find" },
	{ "F3", "新装", "New" },
	{ "F4", "变更", "Change" },
	{ "F5", "缴费", "Pay" },
	{ "F6", "投诉", "Complaint" },
	{ "F7", "工单", "Work" },
	{ "F10", "保存", "Save" },
	{ "Esc", "返回", "Back" },
};

static void draw_bottom_bar(void)
{
	int y = LINES - 1, x = 0;

	tui_fill(y, 0, COLS, TC_BAR);
	for (size_t i = 0; i < sizeof bar_keys / sizeof bar_keys[0]; i++) {
		const struct bar_key *b = &bar_keys[i];
		const char *label = hall_tr(b->zh, b->en);
		int need = (int)strlen(b->key) + tui_width(label) + 1;
		if (x + need > COLS)
			break;
		x += tui_put(y, x, COLS - x, TC_BAR_KEY, b->key);
		x += tui_put(y, x, COLS - x, TC_BAR, label);
		x += 1;
	}
}

static void draw_top_bar(struct app *a)
{
	char left[512], right[64];
	char today[11];

	tui_fill(0, 0, COLS, TC_TOPBAR);
	store_today_local(today);
	if (a->logged_in)
		snprintf(left, sizeof left, "%s  %s %d  %s %s(%s)",
		         store_hall_name(a->st), hall_tr("窗口", "Counter"),
		         a->actor.counter, hall_tr("营业员", "Clerk"),
		         a->actor.user.name, a->actor.user.id);
	else
		snprintf(left, sizeof left, "%s", store_hall_name(a->st));
	snprintf(right, sizeof right, "%s ", today);
	int rw = tui_width(right);
	tui_put(0, 1, COLS - rw - 2, TC_TOPBAR, left);
	tui_put(0, COLS - rw, rw, TC_TOPBAR, right);
}

/* The damaged store (health.h): white on red under the top bar, on every
 * screen, the login included: the clerk reads first that only look-ups
 * work and to call the administrator, then the administrator's steps
 * with the paths.  Returns the rows used. */
static int draw_banner(struct app *a)
{
	const struct hall_err *m = store_damage_msg(a->st);
	if (!m)
		return 0;
	const char *text = hall_err_msg(m);
	const char *admin = strstr(text, hall_tr(HEALTH_ADMIN_ZH, HEALTH_ADMIN_EN));
	char clerk[HALL_ERR_TEXT];
	snprintf(clerk, sizeof clerk, "%.*s", admin ? (int)(admin - text) : (int)strlen(text), text);
	int rows = wg_wrap(1, 1, COLS - 2, 0, TC_ALERT, clerk);
	int arows = admin ? wg_wrap(1, 1, COLS - 2, 0, TC_ALERT, admin) : 0;
	if (rows > 2)
		rows = 2;
	if (rows + arows > 5)
		arows = 5 - rows;
	for (int y = 1; y <= rows + arows; y++)
		tui_fill(y, 0, COLS, TC_ALERT);
	wg_wrap(1, 1, COLS - 2, rows, TC_ALERT, clerk);
	if (admin)
		wg_wrap(1 + rows, 1, COLS - 2, arows, TC_ALERT, admin);
	return rows + arows;
}

void app_draw(struct app *a)
{
	int base;

	a->frames++;
	erase();
	a->cur_y = a->cur_x = -1;
	if (tui_term_too_small()) {
		tui_draw_too_small();
		curs_set(0);
		refresh();
		return;
	}
	a->bottom = LINES - 3;
	draw_top_bar(a);
	a->banner_rows = draw_banner(a);
	a->top = 1 + a->banner_rows;
	base = a->depth - 1;
	while (base > 0 && a->stack[base].ops->overlay)
		base--;
	for (int i = base < 0 ? 0 : base; i < a->depth; i++) {
		struct screen *s = &a->stack[i];
		a->cur_y = a->cur_x = -1;
		if (s->ops->draw)
			s->ops->draw(a, s);
	}
	if (a->msg[0])
		tui_put(LINES - 2, 1, COLS - 2, a->msg_color, a->msg);
	draw_bottom_bar();
	if (a->cur_y >= 0) {
		curs_set(1);
		move(a->cur_y, a->cur_x);
	} else {
		curs_set(0);
		move(LINES - 1, COLS - 1);
	}
	refresh();
}

/* ------------------------------------------------------ global keys */

static void quit_answer(struct app *a, void *ud, bool yes)
{
	(void)ud;
	if (yes) {
		app_logout(a);
		a->quit = true;
	}
}

static void open_help(struct app *a)
{
	char help[1024] = "";
	struct screen *s = app_top(a);
	struct help_arg ha = { NULL };

	if (s && s->ops->help) {
		s->ops->help(a, s, help, sizeof help);
		if (help[0])
			ha.field_help = help;
	}
	app_push(a, &dlg_help_ops, &ha);
}

void app_open_form(struct app *a, const char *name,
                   const struct form_values *v)
{
	const struct form_def *def = formset_find(a->forms, name);
	struct form_arg fa = { .def = def, .prefill = v };

	if (!def) {
		app_msg(a, TC_ERROR, hall_tr("没有表单 %s（检查 forms 目录）",
		                             "no form %s (check the forms folder)"),
		        name);
		return;
	}
	app_push(a, &scr_form_ops, &fa);
}

void app_key(struct app *a, tkey k)
{
	struct screen *s;

	if (k == TK_NONE || k == TK_RESIZE)
		return;
	a->msg[0] = '\0';
	if (tui_term_too_small())
		return;
	if (k == TK_CTRL('c')) {
		a->pending_signal = SIGINT;
		return;
	}
	s = app_top(a);
	if (s && s->ops->key && s->ops->key(a, s, k))
		return;
	if (k == TK_F(1)) {
		open_help(a);
		return;
	}
	if ((s && s->ops->modal) || !a->logged_in)
		return;
	switch (k) {
	case TK_F(2):
		app_push(a, &scr_lookup_ops, NULL);
		break;
	case TK_F(3):
		app_open_form(a, "new-connection", NULL);
		break;
	case TK_F(4):
		app_open_form(a, "change", NULL);
		break;
	case TK_F(5):
		app_open_form(a, "payment", NULL);
		break;
	case TK_F(6):
		app_open_form(a, "complaint", NULL);
		break;
	case TK_F(7):
		app_push(a, &scr_worklist_ops, NULL);
		break;
	case TK_F(8):
		app_push(a, &scr_desk_ops, NULL);
		break;
	case TK_F(9):
		app_push(a, &scr_export_ops, NULL);
		break;
	case TK_F(10):
		app_msg(a, TC_DIM, "%s", hall_tr("这里没有要保存的表单",
		                                 "nothing to save here"));
		break;
	case TK_ESC:
		if (a->depth > 1)
			app_pop(a);
		else
			app_confirm(a, hall_tr("退出柜台系统吗？",
			                       "Quit the counter?"),
			            false, quit_answer, NULL);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------- login, lock, drafts */

static void draft_answer(struct app *a, void *ud, bool yes)
{
	struct hall_err err;
	(void)ud;

	if (yes) {
		const struct form_def *def = formset_find(a->forms, a->draft_form);
		struct form_arg fa = { .def = def, .prefill = &a->draft, .from_draft = true };
		if (def)
			app_push(a, &scr_form_ops, &fa);
	}
	hall_err_clear(&err);
	counter_draft_delete(a->st, a->actor.user.id, &err);
	form_values_clear(&a->draft);
}

void app_login_done(struct app *a)
{
	struct hall_err err;
	char q[512];
	const struct form_def *def;

	a->logged_in = true;
	a->session_open = true;
	a->last_input = a->clock_s();
	while (a->depth > 0)
		close_top(a);
	app_push(a, &scr_home_ops, NULL);

	hall_err_clear(&err);
	form_values_clear(&a->draft);
	if (counter_draft_load(a->st, a->actor.user.id, a->draft_form,
	                       sizeof a->draft_form, &a->draft, &err) != HALL_OK)
		return;
	def = formset_find(a->forms, a->draft_form);
	if (!def) {
		counter_draft_delete(a->st, a->actor.user.id, &err);
		return;
	}
	snprintf(q, sizeof q,
	         hall_tr("上次有未保存的「%s」，继续填写吗？",
	                 "An unsaved \"%s\" form was kept. Continue it?"),
	         form_title(def));
	app_confirm(a, q, true, draft_answer, NULL);
}

void app_lock(struct app *a)
{
	struct screen *s = app_top(a);
	struct login_arg la = { true };

	if (!a->logged_in || (s && s->ops == &scr_login_ops))
		return;
	/* The clerk has left the counter: recorded as a logout; unlocking is
	 * a login again (auth_login records it). */
	app_logout(a);
	app_push(a, &scr_login_ops, &la);
}

void app_logout(struct app *a)
{
	struct hall_err err;

	if (!a->logged_in || !a->session_open)
		return;
	a->session_open = false;
	hall_err_clear(&err);
	if (auth_logout(a->st, &a->actor, &err) != HALL_OK)
		app_err(a, &err);
}

void app_approve(struct app *a, const struct approve_arg *arg)
{
	app_push(a, &dlg_approve_ops, arg);
}

int app_save_drafts(struct app *a)
{
	int n = 0;

	if (!a->logged_in)
		return 0;
	/* The top-most form in progress is the one the clerk was typing. */
	for (int i = a->depth - 1; i >= 0; i--) {
		struct screen *s = &a->stack[i];
		if (s->ops->draft && s->ops->draft(a, s)) {
			n++;
			break;
		}
	}
	return n;
}

/* -------------------------------------------------------------- loop */

static void check_idle(struct app *a)
{
	if (a->logged_in && a->opt.idle_lock_seconds > 0 &&
	    a->clock_s() - a->last_input >= a->opt.idle_lock_seconds)
		app_lock(a);
}

int app_run(struct app *a)
{
	a->quit = false;
	while (!a->quit) {
		int sig = tui_signal_take();
		if (!sig)
			sig = a->pending_signal;
		if (sig) {
			a->pending_signal = 0;
			app_save_drafts(a);
			app_logout(a);
			a->status = 128 + sig;
			a->quit = true;
			break;
		}
		check_idle(a);
		app_health_poll(a);
		app_draw(a);
		/* while the check runs, look at it five times a second */
		tkey k = a->keys.get(a->keys.ud, a->watch ? 200 : 1000);
		if (k == TK_EOF)
			break;
		if (k == TK_NONE)
			continue;
		check_idle(a);
		a->last_input = a->clock_s();
		app_key(a, k);
	}
	return a->status;
}

/* ------------------------------------------------------ store check */

void app_health_start(struct app *a)
{
	struct hall_err err;

	if (a->watch || store_damaged(a->st))
		return;
	hall_err_clear(&err);
	if (health_watch_start(a->st, NULL, NULL, &a->watch, &err) != HALL_OK)
		app_msg(a, TC_ERROR, hall_tr("数据库检查未能启动：%s", "the store check could not start: %s"),
		        hall_err_msg(&err));
}

void app_health_poll(struct app *a)
{
	struct check_report r;
	bool ran;

	if (!a->watch || !health_watch_poll(a->watch, &r, &ran))
		return;
	health_watch_stop(a->watch);
	a->watch = NULL;
	if (!ran)
		app_msg(a, TC_ERROR, hall_tr("数据库检查未能完成：%s", "the store check did not finish: %s"),
		        r.problems[0]);
	else if (!r.ok) {
		health_apply(a->st, "counter", r.problems[0]);
		app_msg(a, TC_ERROR, "%s", hall_tr("数据库检查发现损坏：本窗口已改为只读，见上方说明",
		                                   "the store check found damage: this counter is now read-only (see above)"));
	}
}

/* ------------------------------------------------------------ helpers */

int app_counter_load(const struct app *a)
{
	FILE *f;
	int n = 0;

	if (!a->state_path[0] || !(f = fopen(a->state_path, "r")))
		return 0;
	if (fscanf(f, "%d", &n) != 1 || n < 1 || n > 99)
		n = 0;
	fclose(f);
	return n;
}

static void mkdir_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return;
		}
		*p = '/';
	}
}

void app_counter_save(const struct app *a, int counter)
{
	char dir[512], tmp[600];
	FILE *f;

	if (!a->state_path[0] || counter < 1 || counter > 99)
		return;
	snprintf(dir, sizeof dir, "%s", a->state_path);
	mkdir_parents(dir);
	snprintf(tmp, sizeof tmp, "%s.%ld", a->state_path, (long)getpid());
	if (!(f = fopen(tmp, "w")))
		return;
	fprintf(f, "%d\n", counter);
	if (fclose(f) != 0 || rename(tmp, a->state_path) != 0)
		unlink(tmp);
}

const char *app_choice_label(struct app *a, const char *form,
                             const char *field, const char *key)
{
	const struct form_def *f = a->forms ? formset_find(a->forms, form) : NULL;
	const struct form_field *fld = f ? form_field_find(f, field) : NULL;
	const struct form_choice *c = fld ? form_choice_find(fld, key) : NULL;
	return c ? form_choice_label(c) : key;
}

void app_local_time(const char *utc, char out[17])
{
	if (!utc || !utc[0]) {
		out[0] = '\0';
		return;
	}
	store_local_time(utc, out);
}
