/*
 * utf8.c - UTF-8 text: validity, characters, display columns.
 *
 * Invalid input is never trusted and never crashes anything: wherever a
 * function walks text that may be invalid, each "maximal subpart" of an
 * ill-formed sequence (Unicode 15, section 3.9, the W3C/WHATWG practice) is
 * one unit: it counts as one character of one column, and utf8_sanitize()
 * replaces it by one U+FFFD.
 */
#include "hall/utf8.h"

#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* ------------------------------------------------------------ locale */

static bool ctype_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	                      strcasecmp(cs, "utf8") == 0);
}

bool utf8_init(void)
{
	static const char *const candidates[] = {
		"", "C.UTF-8", "C.utf8", "en_US.UTF-8",
	};
	char saved[256];
	const char *cur;
	size_t i;

	if (ctype_is_utf8())
		return true;
	cur = setlocale(LC_CTYPE, NULL);
	saved[0] = '\0';
	if (cur != NULL && strlen(cur) < sizeof saved)
		strcpy(saved, cur);
	for (i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		if (setlocale(LC_CTYPE, candidates[i]) != NULL && ctype_is_utf8())
			return true;
	}
	setlocale(LC_CTYPE, saved[0] != '\0' ? saved : "C");
	return false;
}

/* ------------------------------------------------------------ decoding */

/* Decode at p (n bytes available).  On success returns the length 1..4 and
 * sets *cp.  On failure returns 0 and sets *bad to the length of the maximal
 * subpart (at least 1 when n > 0): the bytes that began a sequence that
 * could still have been valid. */
static size_t decode(const unsigned char *p, size_t n, uint32_t *cp,
                     size_t *bad)
{
	unsigned char b0, lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t v;

	*bad = 0;
	if (n == 0)
		return 0;
	b0 = p[0];
	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	}
	if (b0 >= 0xC2 && b0 <= 0xDF) {
		need = 2;
		v = b0 & 0x1F;
	} else if (b0 >= 0xE0 && b0 <= 0xEF) {
		need = 3;
		v = b0 & 0x0F;
		if (b0 == 0xE0)
			lo = 0xA0;      /* no overlongs */
		else if (b0 == 0xED)
			hi = 0x9F;      /* no surrogates */
	} else if (b0 >= 0xF0 && b0 <= 0xF4) {
		need = 4;
		v = b0 & 0x07;
		if (b0 == 0xF0)
			lo = 0x90;      /* no overlongs */
		else if (b0 == 0xF4)
			hi = 0x8F;      /* nothing above U+10FFFF */
	} else {
		*bad = 1;           /* 80..C1 (stray/overlong lead), F5..FF */
		return 0;
	}
	for (i = 1; i < need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*bad = i;
			return 0;
		}
		v = (v << 6) | (p[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return need;
}

/* One unit of possibly invalid text: returns its byte length (>= 1 when
 * n > 0) and sets *cp to the code point or U+FFFD, *ok to validity. */
static size_t next_unit(const char *s, size_t n, uint32_t *cp, bool *ok)
{
	size_t bad, len = decode((const unsigned char *)s, n, cp, &bad);

	*ok = len > 0;
	if (len > 0)
		return len;
	*cp = 0xFFFD;
	return bad;
}

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	uint32_t v = 0;
	size_t bad, len;

	if (s == NULL)
		return 0;
	len = decode((const unsigned char *)s, n, &v, &bad);
	if (len > 0 && cp != NULL)
		*cp = v;
	return len;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	unsigned char *o = (unsigned char *)out;

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0, bad, len;
	uint32_t cp;

	if (s == NULL)
		return n == 0;
	while (i < n) {
		len = decode((const unsigned char *)s + i, n - i, &cp, &bad);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

size_t utf8_chars(const char *s)
{
	size_t n, i = 0, count = 0;
	uint32_t cp;
	bool ok;

	if (s == NULL)
		return 0;
	n = strlen(s);
	while (i < n) {
		i += next_unit(s + i, n - i, &cp, &ok);
		count++;
	}
	return count;
}

/* ------------------------------------------------------------ widths */

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

struct range { uint32_t lo, hi; };

/* Used only when wcwidth() knows nothing (no UTF-8 locale, or a code point
 * newer than the C library): the main East Asian Wide/Fullwidth blocks and
 * the main combining blocks, so Chinese text still lays out right. */
static const struct range wide_ranges[] = {
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A},
	{0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
	{0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xA960, 0xA97F},
	{0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19},
	{0xFE30, 0xFE6F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6},
	{0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD},
	{0x30000, 0x3FFFD},
};
static const struct range zero_ranges[] = {
	{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
	{0x200B, 0x200F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
	{0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

static bool in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return true;
	return false;
}

int utf8_cp_width(uint32_t cp)
{
	int w;

	if (is_control(cp) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w >= 0)
		return w > 2 ? 2 : w;
	if (in_ranges(cp, wide_ranges, sizeof wide_ranges / sizeof wide_ranges[0]))
		return 2;
	if (in_ranges(cp, zero_ranges, sizeof zero_ranges / sizeof zero_ranges[0]))
		return 0;
	return 1;
}

size_t utf8_width(const char *s)
{
	size_t n, i = 0, cols = 0;
	uint32_t cp;
	bool ok;

	if (s == NULL)
		return 0;
	n = strlen(s);
	while (i < n) {
		i += next_unit(s + i, n - i, &cp, &ok);
		cols += (size_t)utf8_cp_width(cp);
	}
	return cols;
}

bool utf8_has_control(const char *s, bool allow_newline)
{
	size_t n, i = 0, len, k;
	uint32_t cp;
	bool ok;

	if (s == NULL)
		return false;
	n = strlen(s);
	while (i < n) {
		len = next_unit(s + i, n - i, &cp, &ok);
		if (!ok) {
			/* a raw byte 80..9F is a C1 control to an 8-bit
			 * terminal or printer (0x9B = CSI) */
			for (k = 0; k < len; k++) {
				unsigned char b = (unsigned char)s[i + k];
				if (b >= 0x80 && b <= 0x9F)
					return true;
			}
		} else if (is_control(cp)) {
			if (!(allow_newline && (cp == '\n' ||
			                        (cp == '\r' && s[i + 1] == '\n'))))
				return true;
		}
		i += len;
	}
	return false;
}

/* ------------------------------------------------------------ cutting */

/* Longest prefix of s (len bytes) within max_cols columns and max_bytes
 * bytes, never cutting a character (or an invalid unit). */
static size_t prefix_bounded(const char *s, size_t len, size_t max_cols,
                             size_t max_bytes, size_t *cols_out)
{
	size_t i = 0, cols = 0, ulen, w;
	uint32_t cp;
	bool ok;

	while (i < len) {
		ulen = next_unit(s + i, len - i, &cp, &ok);
		w = (size_t)utf8_cp_width(cp);
		if (cols + w > max_cols || i + ulen > max_bytes)
			break;
		cols += w;
		i += ulen;
	}
	if (cols_out != NULL)
		*cols_out = cols;
	return i;
}

size_t utf8_prefix_cols(const char *s, size_t max_cols, size_t *cols_out)
{
	if (s == NULL) {
		if (cols_out != NULL)
			*cols_out = 0;
		return 0;
	}
	return prefix_bounded(s, strlen(s), max_cols, (size_t)-1, cols_out);
}

void utf8_trunc(char *out, size_t outsz, const char *s, size_t max_cols,
                bool ellipsis)
{
	size_t len, p, cols;

	if (out == NULL || outsz == 0)
		return;
	if (s == NULL)
		s = "";
	len = strlen(s);
	p = prefix_bounded(s, len, max_cols, outsz - 1, &cols);
	if (p < len && ellipsis && max_cols > 0 && outsz >= 2) {
		p = prefix_bounded(s, len, max_cols - 1, outsz - 2, &cols);
		memmove(out, s, p);
		out[p] = '~';
		out[p + 1] = '\0';
		return;
	}
	memmove(out, s, p);
	out[p] = '\0';
}

void utf8_pad(char *out, size_t outsz, const char *s, size_t cols,
              bool left_align)
{
	size_t len, p, w, spaces;

	if (out == NULL || outsz == 0)
		return;
	if (s == NULL)
		s = "";
	len = strlen(s);
	p = prefix_bounded(s, len, cols, outsz - 1, &w);
	spaces = cols - w;
	if (spaces > outsz - 1 - p)
		spaces = outsz - 1 - p;
	if (left_align) {
		memmove(out, s, p);
		memset(out + p, ' ', spaces);
	} else {
		memmove(out + spaces, s, p);
		memset(out, ' ', spaces);
	}
	out[p + spaces] = '\0';
}

/* ------------------------------------------------------------ sanitize */

void utf8_sanitize(char *out, size_t outsz, const char *s, bool keep_newline)
{
	size_t n, i = 0, o = 0, len, plen;
	const char *piece;
	uint32_t cp;
	bool ok;

	if (out == NULL || outsz == 0)
		return;
	if (s == NULL)
		s = "";
	n = strlen(s);
	while (i < n) {
		len = next_unit(s + i, n - i, &cp, &ok);
		piece = s + i;
		plen = len;
		if (!ok) {
			piece = REPLACEMENT;
			plen = 3;
		} else if (cp == '\r' && s[i + 1] == '\n') {
			/* CRLF is one line break */
			piece = keep_newline ? "\n" : " ";
			plen = 1;
			len = 2;
		} else if (cp == '\n') {
			piece = keep_newline ? "\n" : " ";
			plen = 1;
		} else if (is_control(cp)) {
			piece = REPLACEMENT;
			plen = 3;
		}
		if (o + plen > outsz - 1)
			break;      /* no room: stop at a character boundary */
		memcpy(out + o, piece, plen);
		o += plen;
		i += len;
	}
	out[o] = '\0';
}
