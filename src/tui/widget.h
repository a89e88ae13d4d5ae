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

#endif
