/*
 * widget.h - small pieces the screens share: an input field drawn from the
 * editor model, the keys that edit it, and a scrolling list selection.
 */
#ifndef HALL_TUI_WIDGET_H
#define HALL_TUI_WIDGET_H

#include <stdbool.h>

#include "tui/edit.h"
#include "tui/term.h"

/* Draw the editor e as a field `width` columns wide at (y, x): the visible
 * slice (scrolled so the cursor shows), '<' in the column before and '>'
 * in the column after when text is hidden there (callers leave those
 * columns free), '*' per character when masked.  Returns the screen column of the
 * cursor. */
int wg_field(int y, int x, int width, struct edit *e, bool focus,
             bool masked);

enum { WG_NONE = 0, WG_MOVED = 1, WG_CHANGED = 2 };

/* Apply an editing key to e: text, Backspace, Delete, Left, Right, Home,
 * End, Ctrl-A/E/K/U.  Returns WG_CHANGED (text changed), WG_MOVED (cursor
 * only) or WG_NONE (not an editing key, or refused: the field is full). */
int wg_edit_key(struct edit *e, tkey k);

/* A list selection: n rows, sel selected, top first shown. */
struct wg_list {
	int n, sel, top;
};

/* Up/Down/PgUp/PgDn/Home/End on a list showing `rows` rows; returns true
 * if the key was one of those. */
bool wg_list_key(struct wg_list *l, tkey k, int rows);
/* Keep sel inside [0, n) and visible in `rows` rows. */
void wg_list_fix(struct wg_list *l, int rows);

/* Draw text wrapped into lines of at most w columns (never inside a
 * character; ASCII text breaks at a space when it can) from (y, x), at
 * most max_rows rows.  Returns the rows used (what it would use when
 * max_rows is 0: nothing is drawn then). */
int wg_wrap(int y, int x, int w, int max_rows, enum tui_color c,
            const char *text);

/* Lines of text to scroll through (customer view, work item, receipt):
 * each with a colour and an optional tag (a receipt or work order number)
 * that makes it selectable. */
struct wg_line {
	char text[600];
	enum tui_color color;
	char tag[32];              /* "" when the line cannot be selected */
	char kind;                 /* what the tag is: 'r' receipt, 'w' work */
};
struct wg_lines {
	struct wg_line *l;
	int n, cap;
	int scroll;                /* first line shown */
	int sel;                   /* selected line (a tagged one), -1 none */
	int rows;                  /* rows shown in the last frame */
};
void wg_lines_clear(struct wg_lines *v);   /* empty, memory kept */
void wg_lines_free(struct wg_lines *v);
/* Add a line (cut to the line's room); returns it, NULL out of memory. */
struct wg_line *wg_lines_add(struct wg_lines *v, enum tui_color c,
                             const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Draw lines from v->scroll in rows [y, y + h) at x, w columns; the
 * selected line in TC_SELECT. */
void wg_lines_draw(struct wg_lines *v, int y, int x, int w, int h);
/* Up/Down/PgUp/PgDn/Home/End scroll; Tab/Shift-Tab select the next or
 * previous tagged line (scrolling to it).  True if the key was used. */
bool wg_lines_key(struct wg_lines *v, tkey k);
/* The selected line, NULL if none. */
const struct wg_line *wg_lines_selected(const struct wg_lines *v);

#endif
