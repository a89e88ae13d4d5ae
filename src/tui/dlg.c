/*
 * dlg.c - overlays: the yes/no question and the F1 help.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/utf8.h"
#include "tui/app.h"

/* Split text into lines of at most cols columns (never inside a
 * character); calls put(line) for each.  Returns the number of lines. */
static int wrap(const char *text, int cols,
                void (*put)(void *ud, int i, const char *line), void *ud)
{
	char buf[1024], line[1024];
	const char *p;
	int n = 0;

	utf8_sanitize(buf, sizeof buf, text ? text : "", false);
	p = buf;
	while (*p) {
		size_t w, b = utf8_prefix_cols(p, (size_t)cols, &w);
		if (b == 0)
			break;
		/* Prefer to break ASCII text at a space. */
		if (p[b] && p[b] != ' ') {
			size_t sp = b;
			while (sp > 0 && p[sp - 1] != ' ')
				sp--;
			if (sp > b / 2)
				b = sp;
		}
		memcpy(line, p, b);
		line[b] = '\0';
		if (put)
			put(ud, n, line);
		n++;
		p += b;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* ------------------------------------------------------------ confirm */

struct confirm {
	char text[512];
	bool default_yes;
	void (*done)(struct app *a, void *ud, bool yes);
	void *ud;
	int y, x, w;   /* box, for the wrapped lines */
};

static int confirm_open(struct app *a, struct screen *s, const void *arg,
                        struct hall_err *err)
{
	const struct confirm_arg *ca = arg;
	struct confirm *c = calloc(1, sizeof *c);
	(void)a;
	(void)err;
	if (!c)
		return HALL_ENOMEM;
	snprintf(c->text, sizeof c->text, "%s", ca->text);
	c->default_yes = ca->default_yes;
	c->done = ca->done;
	c->ud = ca->ud;
	s->priv = c;
	return HALL_OK;
}

static void confirm_line(void *ud, int i, const char *line)
{
	struct confirm *c = ud;
	tui_put(c->y + 1 + i, c->x + 2, c->w - 4, TC_POPUP, line);
}

static void confirm_draw(struct app *a, struct screen *s)
{
	struct confirm *c = s->priv;
	const char *hint = c->default_yes
		? hall_tr("[Y/Enter] 是    [N/Esc] 否", "[Y/Enter] yes    [N/Esc] no")
		: hall_tr("[Y] 是    [N/Esc/Enter] 否", "[Y] yes    [N/Esc/Enter] no");
	int tw = tui_width(c->text), hw = tui_width(hint);
	int w = (tw > hw ? tw : hw) + 4;

	if (w > COLS - 4)
		w = COLS - 4;
	if (w < 30)
		w = 30;
	int lines = wrap(c->text, w - 4, NULL, NULL);
	int h = lines + 4;
	c->w = w;
	c->x = (COLS - w) / 2;
	c->y = a->top + (a->bottom - a->top - h) / 2;
	tui_box(c->y, c->x, h, w, TC_POPUP);
	wrap(c->text, w - 4, confirm_line, c);
	tui_put(c->y + h - 2, c->x + (w - hw) / 2, hw, TC_POPUP, hint);
}

static bool confirm_key(struct app *a, struct screen *s, tkey k)
{
	struct confirm *c = s->priv;
	void (*done)(struct app *, void *, bool) = c->done;
	void *ud = c->ud;
	int answer;

	if (k == 'y' || k == 'Y')
		answer = 1;
	else if (k == 'n' || k == 'N' || k == TK_ESC)
		answer = 0;
	else if (k == TK_ENTER)
		answer = c->default_yes;
	else
		return true;   /* modal: other keys do nothing */
	app_pop(a);
	if (done)
		done(a, ud, answer != 0);
	return true;
}

static void confirm_close(struct app *a, struct screen *s)
{
	(void)a;
	free(s->priv);
	s->priv = NULL;
}

const struct screen_ops dlg_confirm_ops = {
	.name = "confirm",
	.open = confirm_open,
	.draw = confirm_draw,
	.key = confirm_key,
	.close = confirm_close,
	.overlay = true,
	.modal = true,
};

/* --------------------------------------------------------------- help */

struct help {
	char field[1024];
	int y, x, w, row;
};

struct key_help {
	const char *keys, *zh, *en;
};

static const struct key_help key_help[] = {
	{ "Tab / Enter / Down", "下一栏", "next field" },
	{ "Shift-Tab / Up", "上一栏", "previous field" },
	{ "Left Right Home End", "移动光标", "move in the field" },
	{ "Backspace / Delete", "删除一个字", "delete a character" },
	{ "Ctrl-U / Ctrl-K", "删到行首 / 行尾", "delete to start / end" },
	{ "Enter", "选项栏：打开列表，可输入文字筛选",
	  "choice field: open the list; type to filter" },
	{ "F2", "查询客户（户号、电话、证件号、户名、地址）",
	  "find a customer (account, phone, ID, name, address)" },
	{ "F3 F4 F5 F6", "新装 / 变更 / 缴费 / 投诉",
	  "new connection / change / payment / complaint" },
	{ "F7", "工单列表（Enter 打开工单，办理下一环节）", "work list (Enter opens an order, moves it on)" },
	{ "F8", "收费台：收据补打、冲正，日清日结", "cash desk: reprint, reversal, daily close" },
	{ "F9", "导出营业日报（Excel）", "export the daily sheet (Excel)" },
	{ "F10", "保存表单", "save the form" },
	{ "Esc", "返回（有输入时先确认）", "back (asks if you typed something)" },
};

static int help_open(struct app *a, struct screen *s, const void *arg,
                     struct hall_err *err)
{
	const struct help_arg *ha = arg;
	struct help *h = calloc(1, sizeof *h);
	(void)a;
	(void)err;
	if (!h)
		return HALL_ENOMEM;
	if (ha && ha->field_help)
		snprintf(h->field, sizeof h->field, "%s", ha->field_help);
	s->priv = h;
	return HALL_OK;
}

static void help_line(void *ud, int i, const char *line)
{
	struct help *h = ud;
	(void)i;
	tui_put(h->y + h->row++, h->x + 2, h->w - 4, TC_POPUP, line);
}

static void help_draw(struct app *a, struct screen *s)
{
	struct help *h = s->priv;
	int nk = (int)(sizeof key_help / sizeof key_help[0]);
	int w = COLS - 8 < 76 ? COLS - 8 : 76;
	int fl = h->field[0] ? wrap(h->field, w - 4, NULL, NULL) + 1 : 0;
	int ht = nk + fl + 4;

	if (ht > a->bottom - a->top + 1)
		ht = a->bottom - a->top + 1;
	h->w = w;
	h->x = (COLS - w) / 2;
	h->y = a->top + (a->bottom - a->top + 1 - ht) / 2;
	tui_box(h->y, h->x, ht, w, TC_POPUP);
	tui_put(h->y, h->x + 2, w - 4, TC_POPUP, hall_tr(" 帮助 ", " Help "));
	h->row = 1;
	if (h->field[0]) {
		wrap(h->field, w - 4, help_line, h);
		h->row++;
	}
	for (int i = 0; i < nk && h->row < ht - 2; i++, h->row++) {
		tui_put(h->y + h->row, h->x + 2, 22, TC_POPUP, key_help[i].keys);
		tui_put(h->y + h->row, h->x + 25, w - 27, TC_POPUP,
		        hall_tr(key_help[i].zh, key_help[i].en));
	}
	tui_put(h->y + ht - 2, h->x + 2, w - 4, TC_POPUP,
	        hall_tr("按任意键关闭", "press any key to close"));
}

static bool help_key(struct app *a, struct screen *s, tkey k)
{
	(void)s;
	(void)k;
	app_pop(a);
	return true;
}

const struct screen_ops dlg_help_ops = {
	.name = "help",
	.open = help_open,
	.draw = help_draw,
	.key = help_key,
	.close = confirm_close,
	.overlay = true,
	.modal = true,
};
