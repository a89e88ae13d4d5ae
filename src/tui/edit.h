/*
 * edit.h - the field editor model: one line of UTF-8 text being typed.
 *
 * No curses here: the model is pure so that it is unit-tested
 * (tests/test_tui_edit.c).  Three measures are kept apart (see
 * include/hall/utf8.h): bytes (buf), characters (the cursor and the length
 * limit count them) and columns (what the screen shows; a Chinese character
 * takes 2).  For every character the model keeps its byte offset and its
 * start column, rebuilt after each change (a field holds at most a few
 * thousand characters, so this is cheap and keeps the code obvious).
 *
 * The screen asks edit_view() for the slice that fits in a field of a given
 * width: it scrolls horizontally so that the cursor stays visible and never
 * shows part of a double-width character.
 */
#ifndef HALL_TUI_EDIT_H
#define HALL_TUI_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct edit {
	char *buf;          /* UTF-8 text, always NUL-terminated */
	size_t len, cap;    /* bytes used / allocated */
	size_t *off;        /* off[i]: byte offset of character i; off[n] == len */
	int *col;           /* col[i]: start column of character i; col[n] == width */
	int n, capn;        /* characters, and room in off/col (capn >= n + 1) */
	int cur;            /* cursor: character index 0..n */
	int first;          /* first character shown (horizontal scroll) */
	int max_chars;      /* length limit in characters, 0 = none */
};

/* What edit_view() says to draw. */
struct edit_view {
	size_t byte_start;  /* first byte of the visible slice */
	size_t byte_len;    /* its length in bytes */
	int first, count;   /* first character shown and how many */
	int cols;           /* columns the slice takes (<= width) */
	int cursor_x;       /* cursor column relative to the field's left edge */
	bool more_left;     /* text hidden on the left / right */
	bool more_right;
};

/* An empty editor with a length limit in characters (0 = none). */
void edit_init(struct edit *e, int max_chars);
void edit_free(struct edit *e);
/* Overwrite the text in memory (passwords) and empty the editor. */
void edit_wipe(struct edit *e);

/* Replace the text.  Invalid UTF-8 and control characters are dropped,
 * the text is cut to the limit; the cursor goes to the end.  Returns false
 * if something was dropped or cut (the rest is kept). */
bool edit_set(struct edit *e, const char *text);
void edit_clear(struct edit *e);

const char *edit_text(const struct edit *e);
int edit_chars(const struct edit *e);      /* characters */
int edit_cols(const struct edit *e);       /* display columns */
size_t edit_bytes(const struct edit *e);
bool edit_full(const struct edit *e);      /* at the length limit */

/* Change the limit; text beyond it is cut. */
void edit_set_max(struct edit *e, int max_chars);

/* True for a code point the editor accepts: a Unicode scalar value that is
 * not a C0/C1 control character or DEL. */
bool edit_cp_ok(uint32_t cp);

/* Insert one character at the cursor; false (nothing changed) if it is not
 * acceptable or the field is full. */
bool edit_insert(struct edit *e, uint32_t cp);
/* Insert the characters of a UTF-8 string (paste); returns how many were
 * inserted.  Stops at the limit; skips unacceptable characters. */
int edit_insert_str(struct edit *e, const char *s);

bool edit_delete(struct edit *e);     /* the character under the cursor */
bool edit_backspace(struct edit *e);  /* the character before the cursor */
bool edit_kill_end(struct edit *e);   /* cursor to end (Ctrl-K) */
bool edit_kill_start(struct edit *e); /* start to cursor (Ctrl-U) */

bool edit_left(struct edit *e);
bool edit_right(struct edit *e);
void edit_home(struct edit *e);
void edit_end(struct edit *e);
/* Put the cursor on character index i (clamped). */
void edit_move(struct edit *e, int i);

/* Column of the cursor from the start of the text. */
int edit_cursor_col(const struct edit *e);
/* Character index under absolute column x (for a mouse click): the
 * character whose cells cover x, or n past the end. */
int edit_index_at_col(const struct edit *e, int x);

/* Scroll so that the cursor is visible in a field `width` columns wide and
 * describe the visible slice.  Never includes part of a character. */
void edit_view(struct edit *e, int width, struct edit_view *v);

#endif
