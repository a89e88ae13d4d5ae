/*
 * widget.c - input fields, editing keys and list selection.
 */
#include "tui/widget.h"

#include <string.h>

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
