/*
 * bigtext.h - record numbers in large type (5 rows), read at arm's length
 * by the clerk and the customer after a save.  Cells are drawn as reversed
 * spaces, so it works on monochrome terminals and never depends on the
 * width of block characters.
 */
#ifndef HALL_TUI_BIGTEXT_H
#define HALL_TUI_BIGTEXT_H

#include "tui/term.h"

#define BIG_ROWS 5

/* Columns big_draw() needs for s. */
int big_width(const char *s);
/* Draw s at (y, x); characters without a large glyph are drawn plain in
 * the middle row.  Returns the columns used. */
int big_draw(int y, int x, const char *s, enum tui_color c);

#endif
