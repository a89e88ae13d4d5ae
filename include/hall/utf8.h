/*
 * utf8.h - UTF-8 text: validity, characters, display columns.
 *
 * Three measures are never mixed: bytes (storage), characters (code points,
 * what length limits count) and columns (what the screen and a receipt
 * printer use; a Chinese character takes 2).  Columns come from wcwidth()
 * and need setlocale(LC_CTYPE, "C.UTF-8") or another UTF-8 locale;
 * utf8_init() makes sure one is active for LC_CTYPE.
 *
 * Functions that walk possibly invalid text treat each maximal ill-formed
 * subpart (Unicode ch. 3.9; e.g. "\xE4\xB8" cut short is one, a stray
 * "\xFF" is one) as one unit that stands for U+FFFD: one character, one
 * column, never split.
 */
#ifndef HALL_UTF8_H
#define HALL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Make LC_CTYPE a UTF-8 locale if the current one is not ("" then C.UTF-8).
 * Returns false if no UTF-8 locale can be set. */
bool utf8_init(void);

/* Decode one code point at s (at most n bytes).  Returns the byte length
 * (1..4) and sets *cp, or 0 for an invalid or truncated sequence (overlong
 * forms, surrogates and values above U+10FFFF are invalid), for n == 0 and
 * for NULL s.  cp may be NULL; it is left alone on failure. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encode cp into out (room for 4 bytes).  Returns the byte length, 0 if cp
 * is not a valid scalar value. */
size_t utf8_encode(uint32_t cp, char out[4]);

/* True when the n bytes at s are valid UTF-8 (a NUL byte is U+0000, which
 * is valid; check for controls with utf8_has_control). */
bool utf8_valid(const char *s, size_t n);

/* Number of code points in a valid UTF-8 string (an invalid unit counts
 * one).  NULL: 0. */
size_t utf8_chars(const char *s);

/* Display width of one code point: 0 for combining marks, 2 for wide
 * (CJK, full-width), 1 otherwise; control characters count 1 (they are
 * never shown raw, see utf8_sanitize), and so do surrogates, values above
 * U+10FFFF and unassigned code points.  When wcwidth() does not know a code
 * point (no UTF-8 locale, or a character newer than the C library) built-in
 * tables of the main wide (CJK, Hangul, full-width, emoji) and combining
 * blocks are used, so Chinese stays 2 columns even in the C locale. */
int utf8_cp_width(uint32_t cp);

/* Display width of a valid UTF-8 string, in columns (an invalid unit
 * counts 1, like the U+FFFD that replaces it).  NULL: 0. */
size_t utf8_width(const char *s);

/* True if s contains a C0/C1 control character or DEL.  allow_newline lets
 * '\n' (and "\r\n") through, for multi-line text; TAB and a '\r' not
 * followed by '\n' are always controls.  A raw byte 0x80..0x9F outside a
 * valid sequence also counts (an 8-bit terminal reads 0x9B as CSI). */
bool utf8_has_control(const char *s, bool allow_newline);

/* Byte length of the longest prefix of s that fits in max_cols columns,
 * never cutting a character.  *cols_out (may be NULL) gets its width.
 * Zero-width characters (combining marks) right after the last character
 * that fits are included.  A double-width character that would straddle
 * the limit is left out, so the width may be max_cols - 1. */
size_t utf8_prefix_cols(const char *s, size_t max_cols, size_t *cols_out);

/* Copy s into out (size outsz) cut to at most max_cols columns; if cut and
 * ellipsis is true, the last column holds "…" (U+2026 is ambiguous width,
 * so "~" is used).  Always NUL-terminates; never cuts a character.  The
 * text is also cut (at a character, with the "~" if asked) when out is too
 * small.  out may be s (cut in place). */
void utf8_trunc(char *out, size_t outsz, const char *s, size_t max_cols,
                bool ellipsis);

/* Copy s into out replacing invalid bytes with U+FFFD and every control
 * character (including ESC) with U+FFFD, so stored text can never drive a
 * terminal or printer.  '\n' becomes a space unless keep_newline; "\r\n"
 * is one line break (one '\n' or one space); TAB and a lone '\r' become
 * U+FFFD like every other control.  One U+FFFD per invalid unit.  When out
 * is full the copy stops at a character boundary.  out must not overlap s
 * (the text can grow: up to 3 bytes per input byte). */
void utf8_sanitize(char *out, size_t outsz, const char *s, bool keep_newline);

/* Pad s with spaces on the right (left_align) or left to exactly cols
 * columns, cutting if longer.  Writes into out (size outsz).  A double-width
 * character that would straddle the edge is left out and replaced by a
 * space.  strlen(s) + cols + 1 bytes are always enough; with less room the
 * text is cut at a character and the padding shortened.  out may be s. */
void utf8_pad(char *out, size_t outsz, const char *s, size_t cols,
              bool left_align);

#endif
