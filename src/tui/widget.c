/*
 * widget.c - input fields, editing keys and list selection.
 */
#include "tui/widget.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/utf8.h"

#define FIELD_SLICE_MAX 4096

int wg_field(int y, int x, int width, struct edit *e, bool focus,
             bool masked)
{
	enum tui_color c = focus ? TC_FIELD_FOCUS : TC_FIELD;
	struct edit_view v;
	char buf[FIELD_SLICE_MAX];

	if (width < 1)
		width = 1;
	tui_fill(y, x, width, c);
	if (masked) {
		int n = edit_chars(e), cx = e->cur;
		int shown = n < width - 1 ? n : width - 1;
		for (int i = 0; i < shown; i++)
			tui_put(y, x + i, 1, c, "*");
		if (cx > width - 1)
			cx = width - 1;
		return x + cx;
	}
	edit_view(e, width, &v);
	size_t len = v.byte_len < sizeof buf - 1 ? v.byte_len : sizeof buf - 1;
	memcpy(buf, edit_text(e) + v.byte_start, len);
	buf[len] = '\0';
	tui_put(y, x, width, c, buf);
	/* Marks outside the field, in the gap the callers leave, so they
	 * never cover half of a double-width character. */
	if (v.more_left && x > 0)
		tui_put(y, x - 1, 1, TC_DIM, "<");
	if (v.more_right)
		tui_put(y, x + width, 1, TC_DIM, ">");
	return x + v.cursor_x;
}

int wg_edit_key(struct edit *e, tkey k)
{
	if (TK_IS_TEXT(k))
		return edit_insert(e, (uint32_t)k) ? WG_CHANGED : WG_NONE;
	switch (k) {
	case TK_BACKSPACE:
		return edit_backspace(e) ? WG_CHANGED : WG_MOVED;
	case TK_DELETE:
	case TK_CTRL('d'):
		return edit_delete(e) ? WG_CHANGED : WG_MOVED;
	case TK_LEFT:
	case TK_CTRL('b'):
		edit_left(e);
		return WG_MOVED;
	case TK_RIGHT:
	case TK_CTRL('f'):
		edit_right(e);
		return WG_MOVED;
	case TK_HOME:
	case TK_CTRL('a'):
		edit_home(e);
		return WG_MOVED;
	case TK_END:
	case TK_CTRL('e'):
		edit_end(e);
		return WG_MOVED;
	case TK_CTRL('k'):
		return edit_kill_end(e) ? WG_CHANGED : WG_MOVED;
	case TK_CTRL('u'):
		return edit_kill_start(e) ? WG_CHANGED : WG_MOVED;
	default:
		return WG_NONE;
	}
}

void wg_list_fix(struct wg_list *l, int rows)
{
	if (rows < 1)
		rows = 1;
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < 0)
		l->sel = 0;
	if (l->top > l->sel)
		l->top = l->sel;
	if (l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
	if (l->top > l->n - rows)
		l->top = l->n - rows;
	if (l->top < 0)
		l->top = 0;
}

bool wg_list_key(struct wg_list *l, tkey k, int rows)
{
	switch (k) {
	case TK_UP:
		l->sel--;
		break;
	case TK_DOWN:
		l->sel++;
		break;
	case TK_PGUP:
		l->sel -= rows > 1 ? rows - 1 : 1;
		break;
	case TK_PGDN:
		l->sel += rows > 1 ? rows - 1 : 1;
		break;
	case TK_HOME:
		l->sel = 0;
		break;
	case TK_END:
		l->sel = l->n - 1;
		break;
	default:
		return false;
	}
	wg_list_fix(l, rows);
	return true;
}

int wg_wrap(int y, int x, int w, int max_rows, enum tui_color c,
            const char *text)
{
	char buf[2048], line[2048];
	const char *p;
	int n = 0;

	if (w < 2)
		return 0;
	utf8_sanitize(buf, sizeof buf, text ? text : "", false);
	p = buf;
	while (*p) {
		size_t cols, b = utf8_prefix_cols(p, (size_t)w, &cols);
		if (b == 0)
			break;
		if (p[b] && p[b] != ' ') {
			size_t sp = b;
			while (sp > 0 && p[sp - 1] != ' ')
				sp--;
			if (sp > b / 2)
				b = sp;
		}
		if (max_rows > 0 && n < max_rows) {
			memcpy(line, p, b);
			line[b] = '\0';
			tui_put(y + n, x, w, c, line);
		}
		n++;
		p += b;
		while (*p == ' ')
			p++;
	}
	return n;
}

void wg_lines_clear(struct wg_lines *v)
{
	v->n = 0;
	v->sel = -1;
}

void wg_lines_free(struct wg_lines *v)
{
	free(v->l);
	memset(v, 0, sizeof *v);
	v->sel = -1;
}

struct wg_line *wg_lines_add(struct wg_lines *v, enum tui_color c,
                             const char *fmt, ...)
{
	va_list ap;
	struct wg_line *l;

	if (v->n == v->cap) {
		int nc = v->cap ? v->cap * 2 : 64;
		struct wg_line *nl = realloc(v->l, (size_t)nc * sizeof *nl);
		if (!nl)
			return NULL;
		v->l = nl;
		v->cap = nc;
	}
	l = &v->l[v->n++];
	memset(l, 0, sizeof *l);
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof l->text, fmt, ap);
	va_end(ap);
	l->color = c;
	return l;
}

static void lines_fix(struct wg_lines *v)
{
	int rows = v->rows > 0 ? v->rows : 1;
	if (v->scroll > v->n - rows)
		v->scroll = v->n - rows;
	if (v->scroll < 0)
		v->scroll = 0;
}

void wg_lines_draw(struct wg_lines *v, int y, int x, int w, int h)
{
	v->rows = h > 0 ? h : 1;
	lines_fix(v);
	for (int r = 0; r < h && v->scroll + r < v->n; r++) {
		int i = v->scroll + r;
		const struct wg_line *l = &v->l[i];
		if (i == v->sel) {
			tui_fill(y + r, x, w, TC_SELECT);
			tui_put(y + r, x, w, TC_SELECT, l->text);
		} else {
			tui_put(y + r, x, w, l->color, l->text);
		}
	}
}

static void show_sel(struct wg_lines *v)
{
	int rows = v->rows > 0 ? v->rows : 1;
	if (v->sel < 0)
		return;
	if (v->sel < v->scroll)
		v->scroll = v->sel;
	if (v->sel >= v->scroll + rows)
		v->scroll = v->sel - rows + 1;
}

bool wg_lines_key(struct wg_lines *v, tkey k)
{
	int page = v->rows > 1 ? v->rows - 1 : 1;

	switch (k) {
	case TK_UP:
		v->scroll--;
		break;
	case TK_DOWN:
		v->scroll++;
		break;
	case TK_PGUP:
		v->scroll -= page;
		break;
	case TK_PGDN:
		v->scroll += page;
		break;
	case TK_HOME:
		v->scroll = 0;
		break;
	case TK_END:
		v->scroll = v->n;
		break;
	case TK_TAB:
	case TK_BTAB: {
		int dir = k == TK_TAB ? 1 : -1, i = v->sel;
		for (int step = 0; step < v->n; step++) {
			i += dir;
			if (i >= v->n)
				i = 0;
			if (i < 0)
				i = v->n - 1;
			if (v->l[i].tag[0]) {
				v->sel = i;
				break;
			}
		}
		show_sel(v);
		return true;
	}
	default:
		return false;
	}
	lines_fix(v);
	return true;
}

const struct wg_line *wg_lines_selected(const struct wg_lines *v)
{
	return v->sel >= 0 && v->sel < v->n && v->l[v->sel].tag[0]
	       ? &v->l[v->sel] : NULL;
}
