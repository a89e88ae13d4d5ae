/*
 * dlg_choice.c - the list a choice field opens: arrows, Enter, and
 * type-to-filter on the Chinese label, the English label or the key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/widget.h"

struct choice {
	const struct form_field *fld;
	char current[FORM_KEY_MAX];
	struct edit filter;
	int *idx;           /* choices matching the filter */
	struct wg_list list;
	int rows;           /* list rows of the last frame */
	void (*done)(struct app *a, void *ud, const char *key);
	void *ud;
};

/* ASCII case-insensitive substring (Chinese text compares as bytes). */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return true;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i]) {
			char a = hay[i], b = needle[i];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
			i++;
		}
		if (i == n)
			return true;
	}
	return false;
}

static void refilter(struct choice *c)
{
	const char *f = edit_text(&c->filter);
	int keep = c->list.n > 0 && c->list.sel < c->list.n ? c->idx[c->list.sel] : -1;

	c->list.n = 0;
	for (int i = 0; i < c->fld->nchoices; i++) {
		const struct form_choice *ch = &c->fld->choices[i];
		if (contains(ch->zh, f) || contains(ch->en, f) || contains(ch->key, f))
			c->idx[c->list.n++] = i;
	}
	c->list.sel = 0;
	for (int i = 0; i < c->list.n; i++)
		if (c->idx[i] == keep)
			c->list.sel = i;
	c->list.top = 0;
}

static int choice_open(struct app *a, struct screen *s, const void *arg,
                       struct hall_err *err)
{
	const struct choice_arg *ca = arg;
	struct choice *c = calloc(1, sizeof *c);
	(void)a;
	(void)err;
	if (!c)
		return HALL_ENOMEM;
	s->priv = c;
	c->fld = ca->fld;
	snprintf(c->current, sizeof c->current, "%s", ca->current ? ca->current : "");
	c->done = ca->done;
	c->ud = ca->ud;
	edit_init(&c->filter, 32);
	c->idx = calloc((size_t)(c->fld->nchoices + 1), sizeof *c->idx);
	if (!c->idx)
		return HALL_ENOMEM;
	c->list.n = 0;
	refilter(c);
	for (int i = 0; i < c->list.n; i++)
		if (!strcmp(c->fld->choices[c->idx[i]].key, c->current))
			c->list.sel = i;
	if (ca->first_key && TK_IS_TEXT(ca->first_key)) {
		edit_insert(&c->filter, (uint32_t)ca->first_key);
		refilter(c);
	}
	return HALL_OK;
}

static void choice_draw(struct app *a, struct screen *s)
{
	struct choice *c = s->priv;
	int w = tui_width(form_label(c->fld)) + 8;

	for (int i = 0; i < c->fld->nchoices; i++) {
		int cw = tui_width(form_choice_label(&c->fld->choices[i])) + 6;
		if (cw > w)
			w = cw;
	}
	if (w < 30)
		w = 30;
	if (w > COLS - 4)
		w = COLS - 4;
	int avail = a->bottom - a->top + 1;
	int h = c->fld->nchoices + 4;
	if (h > avail)
		h = avail;
	if (h < 5)
		h = 5;
	c->rows = h - 4;
	wg_list_fix(&c->list, c->rows);
	int y = a->top + (avail - h) / 2, x = (COLS - w) / 2;

	tui_box(y, x, h, w, TC_POPUP);
	tui_putf(y, x + 2, w - 4, TC_POPUP, " %s ", form_label(c->fld));
	int lw = tui_put(y + 1, x + 2, w - 4, TC_POPUP, hall_tr("筛选：", "Filter: "));
	int cx = wg_field(y + 1, x + 3 + lw, w - 6 - lw, &c->filter, true, false);
	for (int r = 0; r < c->rows; r++) {
		int i = c->list.top + r;
		if (i >= c->list.n)
			break;
		const struct form_choice *ch = &c->fld->choices[c->idx[i]];
		enum tui_color col = i == c->list.sel ? TC_SELECT : TC_POPUP;
		tui_fill(y + 2 + r, x + 1, w - 2, col);
		tui_put(y + 2 + r, x + 2, 2, col,
		        !strcmp(ch->key, c->current) ? "*" : " ");
		tui_put(y + 2 + r, x + 4, w - 6, col, form_choice_label(ch));
	}
	if (c->list.n == 0)
		tui_put(y + 2, x + 4, w - 6, TC_POPUP,
		        hall_tr("（没有匹配的选项）", "(nothing matches)"));
	tui_put(y + h - 1, x + 2, w - 4, TC_POPUP,
	        hall_tr(" Enter 选择  Esc 取消 ", " Enter choose  Esc cancel "));
	a->cur_y = y + 1;
	a->cur_x = cx;
}

static bool choice_key(struct app *a, struct screen *s, tkey k)
{
	struct choice *c = s->priv;
	void (*done)(struct app *, void *, const char *) = c->done;
	void *ud = c->ud;
	char key[FORM_KEY_MAX];

	if (k == TK_ESC) {
		app_pop(a);
		if (done)
			done(a, ud, NULL);
		return true;
	}
	if (k == TK_ENTER || k == TK_TAB) {
		if (c->list.n == 0)
			return true;
		snprintf(key, sizeof key, "%s",
		         c->fld->choices[c->idx[c->list.sel]].key);
		app_pop(a);
		if (done)
			done(a, ud, key);
		return true;
	}
	if (wg_list_key(&c->list, k, c->rows > 0 ? c->rows : 1))
		return true;
	if (k == TK_F(1))
		return false;
	if (wg_edit_key(&c->filter, k) == WG_CHANGED)
		refilter(c);
	return true;
}

static void choice_close(struct app *a, struct screen *s)
{
	struct choice *c = s->priv;
	(void)a;
	if (!c)
		return;
	edit_free(&c->filter);
	free(c->idx);
	free(c);
	s->priv = NULL;
}

const struct screen_ops dlg_choice_ops = {
	.name = "choice",
	.open = choice_open,
	.draw = choice_draw,
	.key = choice_key,
	.close = choice_close,
	.overlay = true,
	.modal = true,
};
