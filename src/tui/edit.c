/*
 * edit.c - the field editor model (see edit.h).  No curses in this file.
 */
#include "tui/edit.h"

#include <stdlib.h>
#include <string.h>

#include "hall/utf8.h"

/* Rebuild off[] and col[] from buf.  buf holds only accepted characters,
 * so every sequence decodes. */
static bool reindex(struct edit *e)
{
	int n = 0;
	size_t i = 0;
	int c = 0;

	/* Count first so the arrays are allocated once. */
	for (size_t k = 0; k < e->len; n++) {
		uint32_t cp;
		size_t l = utf8_decode(e->buf + k, e->len - k, &cp);
		k += l ? l : 1;
	}
	if (n + 1 > e->capn) {
		int nc = e->capn ? e->capn : 16;
		while (nc < n + 1)
			nc *= 2;
		size_t *o = realloc(e->off, (size_t)nc * sizeof *o);
		if (!o)
			return false;
		e->off = o;
		int *cl = realloc(e->col, (size_t)nc * sizeof *cl);
		if (!cl)
			return false;
		e->col = cl;
		e->capn = nc;
	}
	n = 0;
	while (i < e->len) {
		uint32_t cp = 0;
		size_t l = utf8_decode(e->buf + i, e->len - i, &cp);
		e->off[n] = i;
		e->col[n] = c;
		c += l ? utf8_cp_width(cp) : 1;
		i += l ? l : 1;
		n++;
	}
	e->off[n] = e->len;
	e->col[n] = c;
	e->n = n;
	if (e->cur > n)
		e->cur = n;
	if (e->first > e->cur)
		e->first = e->cur;
	return true;
}

static bool reserve(struct edit *e, size_t need)
{
	if (need + 1 <= e->cap)
		return true;
	size_t nc = e->cap ? e->cap : 32;
	while (nc < need + 1)
		nc *= 2;
	char *b = realloc(e->buf, nc);
	if (!b)
		return false;
	e->buf = b;
	e->cap = nc;
	return true;
}

void edit_init(struct edit *e, int max_chars)
{
	memset(e, 0, sizeof *e);
	e->max_chars = max_chars > 0 ? max_chars : 0;
	if (reserve(e, 0))
		e->buf[0] = '\0';
	reindex(e);
}

void edit_free(struct edit *e)
{
	free(e->buf);
	free(e->off);
	free(e->col);
	memset(e, 0, sizeof *e);
}

void edit_wipe(struct edit *e)
{
	if (e->buf) {
		volatile char *p = e->buf;
		for (size_t i = 0; i < e->cap; i++)
			p[i] = 0;
	}
	edit_clear(e);
}

bool edit_cp_ok(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return false;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return false;
	if (cp > 0x10ffff)
		return false;
	/* Line and paragraph separators would break a one-line field. */
	if (cp == 0x2028 || cp == 0x2029)
		return false;
	return true;
}

const char *edit_text(const struct edit *e)
{
	return e->buf ? e->buf : "";
}

int edit_chars(const struct edit *e) { return e->n; }
int edit_cols(const struct edit *e) { return e->col ? e->col[e->n] : 0; }
size_t edit_bytes(const struct edit *e) { return e->len; }

bool edit_full(const struct edit *e)
{
	return e->max_chars > 0 && e->n >= e->max_chars;
}

void edit_clear(struct edit *e)
{
	e->len = 0;
	if (e->buf)
		e->buf[0] = '\0';
	e->cur = e->first = 0;
	reindex(e);
}

/* Insert bytes of one encoded character at the cursor. */
static bool insert_bytes(struct edit *e, const char *b, size_t l)
{
	if (!reserve(e, e->len + l))
		return false;
	size_t at = e->off[e->cur];
	memmove(e->buf + at + l, e->buf + at, e->len - at + 1);
	memcpy(e->buf + at, b, l);
	e->len += l;
	e->cur++;
	return reindex(e);
}

bool edit_insert(struct edit *e, uint32_t cp)
{
	char b[4];
	size_t l;

	if (!edit_cp_ok(cp) || edit_full(e))
		return false;
	l = utf8_encode(cp, b);
	if (!l)
		return false;
	return insert_bytes(e, b, l);
}

int edit_insert_str(struct edit *e, const char *s)
{
	int n = 0;
	size_t len = strlen(s);

	for (size_t i = 0; i < len && !edit_full(e);) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, len - i, &cp);
		if (!l) {
			i++;
			continue;
		}
		if (edit_insert(e, cp))
			n++;
		i += l;
	}
	return n;
}

bool edit_set(struct edit *e, const char *text)
{
	size_t len = text ? strlen(text) : 0;
	int n;

	edit_clear(e);
	n = edit_insert_str(e, text ? text : "");
	e->first = 0;
	edit_end(e);
	return (size_t)edit_bytes(e) == len && n == e->n;
}

void edit_set_max(struct edit *e, int max_chars)
{
	e->max_chars = max_chars > 0 ? max_chars : 0;
	if (e->max_chars && e->n > e->max_chars) {
		e->len = e->off[e->max_chars];
		e->buf[e->len] = '\0';
		reindex(e);
	}
}

/* Remove characters [a, b). */
static bool remove_range(struct edit *e, int a, int b)
{
	if (a >= b)
		return false;
	size_t ba = e->off[a], bb = e->off[b];
	memmove(e->buf + ba, e->buf + bb, e->len - bb + 1);
	e->len -= bb - ba;
	if (e->cur > b)
		e->cur -= b - a;
	else if (e->cur > a)
		e->cur = a;
	reindex(e);
	return true;
}

bool edit_delete(struct edit *e)
{
	return e->cur < e->n && remove_range(e, e->cur, e->cur + 1);
}

bool edit_backspace(struct edit *e)
{
	return e->cur > 0 && remove_range(e, e->cur - 1, e->cur);
}

bool edit_kill_end(struct edit *e)
{
	return remove_range(e, e->cur, e->n);
}

bool edit_kill_start(struct edit *e)
{
	return remove_range(e, 0, e->cur);
}

bool edit_left(struct edit *e)
{
	if (e->cur == 0)
		return false;
	e->cur--;
	return true;
}

bool edit_right(struct edit *e)
{
	if (e->cur >= e->n)
		return false;
	e->cur++;
	return true;
}

void edit_home(struct edit *e) { e->cur = 0; }
void edit_end(struct edit *e) { e->cur = e->n; }

void edit_move(struct edit *e, int i)
{
	e->cur = i < 0 ? 0 : i > e->n ? e->n : i;
}

int edit_cursor_col(const struct edit *e)
{
	return e->col[e->cur];
}

int edit_index_at_col(const struct edit *e, int x)
{
	if (x <= 0)
		return 0;
	for (int i = 0; i < e->n; i++)
		if (x < e->col[i + 1])
			return i;
	return e->n;
}

/* Columns the cursor cell needs: the character under it (at least 1), or 1
 * past the end. */
static int cursor_cells(const struct edit *e)
{
	if (e->cur >= e->n)
		return 1;
	int w = e->col[e->cur + 1] - e->col[e->cur];
	return w > 0 ? w : 1;
}

void edit_view(struct edit *e, int width, struct edit_view *v)
{
	int total = e->col[e->n];

	memset(v, 0, sizeof *v);
	if (width < 1)
		width = 1;
	if (e->first > e->cur)
		e->first = e->cur;
	if (e->first > e->n)
		e->first = e->n;
	/* Scroll right until the cursor cell fits. */
	while (e->first < e->cur &&
	       e->col[e->cur] + cursor_cells(e) - e->col[e->first] > width)
		e->first++;
	/* Scroll back left while the whole rest of the text (and the cursor
	 * past its end) still fits: show as much as possible. */
	while (e->first > 0 &&
	       total + (e->cur == e->n ? 1 : 0) - e->col[e->first - 1] <= width)
		e->first--;

	int i = e->first;
	int base = e->col[i];
	while (i < e->n && e->col[i + 1] - base <= width)
		i++;
	v->first = e->first;
	v->count = i - e->first;
	v->byte_start = e->off[e->first];
	v->byte_len = e->off[i] - e->off[e->first];
	v->cols = e->col[i] - base;
	v->cursor_x = e->col[e->cur] - base;
	if (v->cursor_x >= width)
		v->cursor_x = width - 1;
	v->more_left = e->first > 0;
	v->more_right = i < e->n;
}
