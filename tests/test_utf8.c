/* test_utf8.c - UTF-8 validity, characters, columns, cutting, sanitizing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "hall/utf8.h"

static int setup(void **state)
{
	(void)state;
	return utf8_init() ? 0 : -1;
}

/* ------------------------------------------------------------ decode */

static void test_decode_valid(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(utf8_decode("\x7F", 1, &cp), 1);
	assert_int_equal(cp, 0x7F);
	assert_int_equal(utf8_decode("\xC2\x80", 2, &cp), 2);
	assert_int_equal(cp, 0x80);
	assert_int_equal(utf8_decode("é", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode("\xDF\xBF", 2, &cp), 2);
	assert_int_equal(cp, 0x7FF);
	assert_int_equal(utf8_decode("\xE0\xA0\x80", 3, &cp), 3);
	assert_int_equal(cp, 0x800);
	assert_int_equal(utf8_decode("中文", 6, &cp), 3);
	assert_int_equal(cp, 0x4E2D);
	assert_int_equal(utf8_decode("\xED\x9F\xBF", 3, &cp), 3);  /* U+D7FF */
	assert_int_equal(cp, 0xD7FF);
	assert_int_equal(utf8_decode("\xEE\x80\x80", 3, &cp), 3);  /* U+E000 */
	assert_int_equal(cp, 0xE000);
	assert_int_equal(utf8_decode("\xEF\xBF\xBF", 3, &cp), 3);
	assert_int_equal(cp, 0xFFFF);
	assert_int_equal(utf8_decode("\xF0\x90\x80\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x10000);
	assert_int_equal(utf8_decode("😀", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(utf8_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	assert_int_equal(utf8_decode("\0", 1, &cp), 1);
	assert_int_equal(cp, 0);
	/* NULL cp is allowed */
	assert_int_equal(utf8_decode("中", 3, NULL), 3);
}

static void test_decode_invalid(void **state)
{
	uint32_t cp = 0x1234;

	(void)state;
	assert_int_equal(utf8_decode("", 0, &cp), 0);
	assert_int_equal(utf8_decode(NULL, 4, &cp), 0);
	/* stray continuation bytes and impossible leads */
	assert_int_equal(utf8_decode("\x80", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xBF", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xFE", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xFF", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xF5\x80\x80\x80", 4, &cp), 0);
	/* overlong forms */
	assert_int_equal(utf8_decode("\xC0\x80", 2, &cp), 0);      /* NUL */
	assert_int_equal(utf8_decode("\xC0\xAF", 2, &cp), 0);      /* '/' */
	assert_int_equal(utf8_decode("\xC1\xBF", 2, &cp), 0);
	assert_int_equal(utf8_decode("\xE0\x80\xAF", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xE0\x9F\xBF", 3, &cp), 0);  /* U+07FF */
	assert_int_equal(utf8_decode("\xF0\x80\x80\xAF", 4, &cp), 0);
	assert_int_equal(utf8_decode("\xF0\x8F\xBF\xBF", 4, &cp), 0);
	/* UTF-16 surrogates */
	assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp), 0);  /* D800 */
	assert_int_equal(utf8_decode("\xED\xBF\xBF", 3, &cp), 0);  /* DFFF */
	/* above U+10FFFF */
	assert_int_equal(utf8_decode("\xF4\x90\x80\x80", 4, &cp), 0);
	/* truncated: n too small, or a non-continuation byte */
	assert_int_equal(utf8_decode("中", 2, &cp), 0);
	assert_int_equal(utf8_decode("中", 1, &cp), 0);
	assert_int_equal(utf8_decode("\xE4\xB8", 3, &cp), 0);      /* NUL 3rd */
	assert_int_equal(utf8_decode("\xE4" "A" "\xAD", 3, &cp), 0);
	assert_int_equal(utf8_decode("😀", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xC3\xC3\xA9", 3, &cp), 0);
	/* cp untouched on failure */
	assert_int_equal(cp, 0x1234);
}

static void test_encode(void **state)
{
	char b[4];
	uint32_t cp, back;
	static const uint32_t samples[] = {
		0, 0x41, 0x7F, 0x80, 0x7FF, 0x800, 0x4E2D, 0xD7FF, 0xE000,
		0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF,
	};
	size_t i, n;

	(void)state;
	assert_int_equal(utf8_encode(0x4E2D, b), 3);
	assert_memory_equal(b, "中", 3);
	assert_int_equal(utf8_encode(0xE9, b), 2);
	assert_memory_equal(b, "é", 2);
	assert_int_equal(utf8_encode(0x1F600, b), 4);
	assert_memory_equal(b, "😀", 4);
	assert_int_equal(utf8_encode(0xD800, b), 0);
	assert_int_equal(utf8_encode(0xDFFF, b), 0);
	assert_int_equal(utf8_encode(0x110000, b), 0);
	assert_int_equal(utf8_encode(0xFFFFFFFF, b), 0);
	for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		cp = samples[i];
		n = utf8_encode(cp, b);
		assert_true(n >= 1 && n <= 4);
		assert_int_equal(utf8_decode(b, n, &back), n);
		assert_int_equal(back, cp);
	}
	/* every scalar value round-trips, every surrogate is refused */
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		n = utf8_encode(cp, b);
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			assert_int_equal(n, 0);
			continue;
		}
		assert_int_equal(n, cp < 0x80 ? 1 : cp < 0x800 ? 2
		                 : cp < 0x10000 ? 3 : 4);
		if (utf8_decode(b, n, &back) != n || back != cp)
			fail_msg("U+%04X does not round-trip", (unsigned)cp);
	}
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(NULL, 0));
	assert_false(utf8_valid(NULL, 1));
	assert_true(utf8_valid("hello", 5));
	assert_true(utf8_valid("国网供电营业厅", strlen("国网供电营业厅")));
	assert_true(utf8_valid("a\0b", 3));         /* U+0000 is UTF-8 */
	assert_true(utf8_valid("中\xFF", 3));       /* only n bytes count */
	assert_false(utf8_valid("中", 2));          /* cut in the middle */
	assert_false(utf8_valid("ab\xC0\x80", 4));
	assert_false(utf8_valid("\xED\xA0\x80\xED\xB0\x80", 6)); /* CESU-8 */
	assert_false(utf8_valid("GBK \xD6\xD0\xCE\xC4", 8));       /* 中文 in GBK */
	assert_false(utf8_valid("\xF4\x90\x80\x80", 4));
}

static void test_chars(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars(""), 0);
	assert_int_equal(utf8_chars(NULL), 0);
	assert_int_equal(utf8_chars("abc"), 3);
	assert_int_equal(utf8_chars("中文"), 2);
	assert_int_equal(utf8_chars("a中é😀"), 4);
	assert_int_equal(utf8_chars("e\xCC\x81"), 2);   /* e + combining */
	/* an invalid unit counts as one character */
	assert_int_equal(utf8_chars("a\xFF" "b"), 3);
	assert_int_equal(utf8_chars("\xE4\xB8" "x"), 2);
}

/* ------------------------------------------------------------ widths */

static void test_cp_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_cp_width('A'), 1);
	assert_int_equal(utf8_cp_width(' '), 1);
	assert_int_equal(utf8_cp_width(0x4E2D), 2);    /* 中 */
	assert_int_equal(utf8_cp_width(0x3000), 2);    /* ideographic space */
	assert_int_equal(utf8_cp_width(0xFF1A), 2);    /* ： full-width colon */
	assert_int_equal(utf8_cp_width(0xFF08), 2);    /* （ */
	assert_int_equal(utf8_cp_width(0x3001), 2);    /* 、 */
	assert_int_equal(utf8_cp_width(0xFF61), 1);    /* half-width 。 */
	assert_int_equal(utf8_cp_width(0xAC00), 2);    /* Hangul */
	assert_int_equal(utf8_cp_width(0x20000), 2);   /* CJK ext. B */
	assert_int_equal(utf8_cp_width(0x1F600), 2);   /* emoji */
	assert_int_equal(utf8_cp_width(0x0301), 0);    /* combining acute */
	assert_int_equal(utf8_cp_width(0x200B), 0);    /* zero width space */
	assert_int_equal(utf8_cp_width(0xE9), 1);
	assert_int_equal(utf8_cp_width(0x2026), 1);    /* … ambiguous: 1 */
	/* controls count 1 */
	assert_int_equal(utf8_cp_width(0), 1);
	assert_int_equal(utf8_cp_width('\t'), 1);
	assert_int_equal(utf8_cp_width(0x1B), 1);
	assert_int_equal(utf8_cp_width(0x7F), 1);
	assert_int_equal(utf8_cp_width(0x9B), 1);
	/* not characters: never negative */
	assert_int_equal(utf8_cp_width(0xD800), 1);
	assert_int_equal(utf8_cp_width(0x110000), 1);
	assert_int_equal(utf8_cp_width(0x0378), 1);    /* unassigned */
}

static void test_cp_width_without_utf8_locale(void **state)
{
	(void)state;
	/* wcwidth() knows nothing in the C locale: the fallback tables keep
	 * Chinese at 2 columns */
	assert_non_null(setlocale(LC_CTYPE, "C"));
	assert_int_equal(utf8_cp_width(0x4E2D), 2);
	assert_int_equal(utf8_cp_width(0xFF1A), 2);
	assert_int_equal(utf8_cp_width(0x0301), 0);
	assert_int_equal(utf8_cp_width(0xE9), 1);
	assert_int_equal(utf8_width("户名：张三"), 10);
	/* and utf8_init() brings a UTF-8 locale back */
	assert_true(utf8_init());
	assert_true(utf8_init());      /* idempotent */
	assert_int_equal(utf8_cp_width(0x4E2D), 2);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width(""), 0);
	assert_int_equal(utf8_width(NULL), 0);
	assert_int_equal(utf8_width("abc"), 3);
	assert_int_equal(utf8_width("中文"), 4);
	assert_int_equal(utf8_width("户号12345"), 9);
	assert_int_equal(utf8_width("金额（元）"), 10);
	assert_int_equal(utf8_width("e\xCC\x81"), 1);
	assert_int_equal(utf8_width("😀a"), 3);
	/* an invalid unit is shown as one U+FFFD: 1 column */
	assert_int_equal(utf8_width("a\xFF" "b"), 3);
	assert_int_equal(utf8_width("\xE4\xB8"), 1);
	/* three measures differ */
	assert_int_equal(strlen("张三"), 6);
	assert_int_equal(utf8_chars("张三"), 2);
	assert_int_equal(utf8_width("张三"), 4);
}

/* ------------------------------------------------------------ control */

static void test_has_control(void **state)
{
	(void)state;
	assert_false(utf8_has_control("", false));
	assert_false(utf8_has_control(NULL, false));
	assert_false(utf8_has_control("张三 Zhang San 123", false));
	assert_true(utf8_has_control("\x1B[2J", false));          /* ESC */
	assert_true(utf8_has_control("a\tb", false));
	assert_true(utf8_has_control("a\tb", true));             /* tab stays */
	assert_true(utf8_has_control("a\x7F", false));            /* DEL */
	assert_true(utf8_has_control("a\x01", true));
	assert_true(utf8_has_control("\xC2\x9B" "2J", false));    /* C1 CSI */
	assert_true(utf8_has_control("\xC2\x85", true));          /* C1 NEL */
	assert_false(utf8_has_control("\xC2\xA0", false));        /* NBSP ok */
	assert_true(utf8_has_control("line\nline", false));
	assert_false(utf8_has_control("line\nline", true));
	assert_true(utf8_has_control("line\r\nline", false));
	assert_false(utf8_has_control("line\r\nline", true));
	assert_true(utf8_has_control("line\rline", true));       /* lone CR */
	assert_true(utf8_has_control("end\r", true));
	/* raw 80..9F bytes are C1 controls to an 8-bit terminal */
	assert_true(utf8_has_control("a\x9B" "2J", false));
	assert_true(utf8_has_control("\xE1\x9B", false));
	assert_false(utf8_has_control("a\xFF", false));   /* invalid, not C1 */
}

/* ------------------------------------------------------------ cutting */

static void test_prefix_cols(void **state)
{
	size_t cols = 99;

	(void)state;
	assert_int_equal(utf8_prefix_cols("abcdef", 3, &cols), 3);
	assert_int_equal(cols, 3);
	assert_int_equal(utf8_prefix_cols("中文字", 4, &cols), 6);
	assert_int_equal(cols, 4);
	/* a double-width character never straddles the limit */
	assert_int_equal(utf8_prefix_cols("中文字", 3, &cols), 3);
	assert_int_equal(cols, 2);
	assert_int_equal(utf8_prefix_cols("中文字", 1, &cols), 0);
	assert_int_equal(cols, 0);
	assert_int_equal(utf8_prefix_cols("a中", 2, &cols), 1);
	assert_int_equal(cols, 1);
	assert_int_equal(utf8_prefix_cols("中文", 100, &cols), 6);
	assert_int_equal(cols, 4);
	assert_int_equal(utf8_prefix_cols("abc", 0, &cols), 0);
	assert_int_equal(cols, 0);
	assert_int_equal(utf8_prefix_cols(NULL, 5, &cols), 0);
	assert_int_equal(cols, 0);
	assert_int_equal(utf8_prefix_cols("中文", 3, NULL), 3);
	/* a combining mark stays with its letter */
	assert_int_equal(utf8_prefix_cols("e\xCC\x81x", 1, &cols), 3);
	assert_int_equal(cols, 1);
	/* an invalid unit is never split */
	assert_int_equal(utf8_prefix_cols("a\xE4\xB8" "b", 2, &cols), 3);
	assert_int_equal(cols, 2);
}

static void test_trunc(void **state)
{
	char out[64];

	(void)state;
	utf8_trunc(out, sizeof out, "营业厅", 10, false);
	assert_string_equal(out, "营业厅");
	utf8_trunc(out, sizeof out, "营业厅", 6, true);        /* fits exactly */
	assert_string_equal(out, "营业厅");
	utf8_trunc(out, sizeof out, "营业厅", 5, false);
	assert_string_equal(out, "营业");
	assert_int_equal(utf8_width(out), 4);
	utf8_trunc(out, sizeof out, "营业厅", 5, true);
	assert_string_equal(out, "营业~");
	utf8_trunc(out, sizeof out, "营业厅", 4, true);        /* 3 cols for text */
	assert_string_equal(out, "营~");
	assert_int_equal(utf8_width(out), 3);
	utf8_trunc(out, sizeof out, "abcdef", 4, true);
	assert_string_equal(out, "abc~");
	utf8_trunc(out, sizeof out, "abcdef", 1, true);
	assert_string_equal(out, "~");
	utf8_trunc(out, sizeof out, "中文", 1, true);
	assert_string_equal(out, "~");
	utf8_trunc(out, sizeof out, "中文", 1, false);
	assert_string_equal(out, "");
	utf8_trunc(out, sizeof out, "abc", 0, true);
	assert_string_equal(out, "");
	utf8_trunc(out, sizeof out, NULL, 5, true);
	assert_string_equal(out, "");
	utf8_trunc(out, sizeof out, "a中b", 2, false);
	assert_string_equal(out, "a");
}

static void test_trunc_small_buffer(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'x', sizeof out);
	/* 8 bytes hold 2 Chinese characters + NUL, never 2 and a half */
	utf8_trunc(out, sizeof out, "供电营业厅", 100, false);
	assert_string_equal(out, "供电");
	utf8_trunc(out, sizeof out, "供电营业厅", 100, true);
	assert_string_equal(out, "供电~");
	utf8_trunc(out, 4, "供电营业厅", 100, false);
	assert_string_equal(out, "供");
	utf8_trunc(out, 3, "供电", 100, false);
	assert_string_equal(out, "");
	utf8_trunc(out, 1, "abc", 100, true);
	assert_string_equal(out, "");
	out[0] = 'z';
	utf8_trunc(out, 0, "abc", 100, true);            /* writes nothing */
	assert_int_equal(out[0], 'z');
	utf8_trunc(NULL, 10, "abc", 3, true);
}

static void test_trunc_in_place(void **state)
{
	char buf[32] = "营业厅窗口";

	(void)state;
	utf8_trunc(buf, sizeof buf, buf, 7, true);
	assert_string_equal(buf, "营业厅~");
}

static void test_pad(void **state)
{
	char out[64];

	(void)state;
	utf8_pad(out, sizeof out, "ab", 5, true);
	assert_string_equal(out, "ab   ");
	utf8_pad(out, sizeof out, "ab", 5, false);
	assert_string_equal(out, "   ab");
	utf8_pad(out, sizeof out, "张三", 6, true);
	assert_string_equal(out, "张三  ");
	assert_int_equal(utf8_width(out), 6);
	utf8_pad(out, sizeof out, "张三", 6, false);
	assert_string_equal(out, "  张三");
	/* longer: cut, and a wide character cut at the edge leaves one space */
	utf8_pad(out, sizeof out, "供电营业厅", 5, true);
	assert_string_equal(out, "供电 ");
	assert_int_equal(utf8_width(out), 5);
	utf8_pad(out, sizeof out, "供电营业厅", 5, false);
	assert_string_equal(out, " 供电");
	utf8_pad(out, sizeof out, "abcdef", 3, true);
	assert_string_equal(out, "abc");
	utf8_pad(out, sizeof out, "", 3, true);
	assert_string_equal(out, "   ");
	utf8_pad(out, sizeof out, NULL, 2, false);
	assert_string_equal(out, "  ");
	utf8_pad(out, sizeof out, "abc", 0, true);
	assert_string_equal(out, "");
	utf8_pad(out, sizeof out, "e\xCC\x81", 3, true);
	assert_string_equal(out, "e\xCC\x81  ");
}

static void test_pad_small_buffer_and_in_place(void **state)
{
	char out[6];
	char buf[32] = "张三";

	(void)state;
	utf8_pad(out, sizeof out, "ab", 10, true);    /* room for 5 bytes */
	assert_string_equal(out, "ab   ");
	utf8_pad(out, sizeof out, "张三", 4, true);   /* 6 bytes don't fit */
	assert_string_equal(out, "张  ");
	utf8_pad(buf, sizeof buf, buf, 8, false);
	assert_string_equal(buf, "    张三");
	utf8_pad(buf, sizeof buf, buf, 6, true);
	assert_string_equal(buf, "    张");
}

/* ------------------------------------------------------------ sanitize */

static void test_sanitize_controls(void **state)
{
	char out[128];

	(void)state;
	utf8_sanitize(out, sizeof out, "张三 Zhang", false);
	assert_string_equal(out, "张三 Zhang");
	utf8_sanitize(out, sizeof out, "\x1B[2Jx", false);
	assert_string_equal(out, "\xEF\xBF\xBD[2Jx");
	utf8_sanitize(out, sizeof out, "a\tb\x07" "c\x7F", true);
	assert_string_equal(out, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD");
	utf8_sanitize(out, sizeof out, "\xC2\x9B" "2J", false);  /* C1 CSI */
	assert_string_equal(out, "\xEF\xBF\xBD" "2J");
	utf8_sanitize(out, sizeof out, "\xC2\xA0", false);       /* NBSP stays */
	assert_string_equal(out, "\xC2\xA0");
	assert_false(utf8_has_control(out, false));
}

static void test_sanitize_newlines(void **state)
{
	char out[128];

	(void)state;
	utf8_sanitize(out, sizeof out, "一\n二", false);
	assert_string_equal(out, "一 二");
	utf8_sanitize(out, sizeof out, "一\n二", true);
	assert_string_equal(out, "一\n二");
	utf8_sanitize(out, sizeof out, "一\r\n二", true);     /* CRLF -> LF */
	assert_string_equal(out, "一\n二");
	utf8_sanitize(out, sizeof out, "一\r\n二", false);
	assert_string_equal(out, "一 二");
	utf8_sanitize(out, sizeof out, "一\r二\r", true);     /* lone CR */
	assert_string_equal(out, "一\xEF\xBF\xBD二\xEF\xBF\xBD");
}

static void test_sanitize_invalid(void **state)
{
	char out[128];

	(void)state;
	utf8_sanitize(out, sizeof out, "a\xFF" "b", false);
	assert_string_equal(out, "a\xEF\xBF\xBD" "b");
	/* a truncated sequence is one unit: one U+FFFD */
	utf8_sanitize(out, sizeof out, "\xE4\xB8" "x", false);
	assert_string_equal(out, "\xEF\xBF\xBD" "x");
	/* overlong '/' : C0 and AF are two units */
	utf8_sanitize(out, sizeof out, "\xC0\xAF", false);
	assert_string_equal(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
	/* a surrogate: ED, A0, 80 are three units */
	utf8_sanitize(out, sizeof out, "\xED\xA0\x80", false);
	assert_string_equal(out, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* a raw C1 byte */
	utf8_sanitize(out, sizeof out, "\x9B" "2J", false);
	assert_string_equal(out, "\xEF\xBF\xBD" "2J");
	/* GBK bytes */
	utf8_sanitize(out, sizeof out, "\xD6\xD0\xCE\xC4", false);
	assert_true(utf8_valid(out, strlen(out)));
	assert_false(utf8_has_control(out, false));
	utf8_sanitize(out, sizeof out, NULL, false);
	assert_string_equal(out, "");
}

static void test_sanitize_small_buffer(void **state)
{
	char out[8];

	(void)state;
	utf8_sanitize(out, sizeof out, "供电营业厅", false);
	assert_string_equal(out, "供电");
	/* never half a U+FFFD */
	utf8_sanitize(out, 6, "ab\x1B" "cd", false);
	assert_string_equal(out, "ab\xEF\xBF\xBD");
	utf8_sanitize(out, 5, "ab\x1B" "cd", false);
	assert_string_equal(out, "ab");
	utf8_sanitize(out, 1, "abc", false);
	assert_string_equal(out, "");
}

/* Every pair of bytes followed by a selection of third and fourth bytes:
 * the sanitized output is valid UTF-8 without any control character, and
 * (CRLF aside, which becomes one space) its width and character count
 * are what utf8_width() and utf8_chars() said of the input. */
static void test_sanitize_exhaustive(void **state)
{
	static const unsigned char third[] = {
		0x00, 0x0A, 0x1B, 0x41, 0x7F, 0x80, 0x8F, 0x9B, 0xA0, 0xBF,
		0xC2, 0xE4, 0xED, 0xF0, 0xF4, 0xFF,
	};
	unsigned char in[5];
	char out[64];
	unsigned a, b;
	size_t c;

	(void)state;
	for (a = 1; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			for (c = 0; c < sizeof third; c++) {
				in[0] = (unsigned char)a;
				in[1] = (unsigned char)b;
				in[2] = third[c];
				in[3] = 0x80;
				in[4] = '\0';
				utf8_sanitize(out, sizeof out, (const char *)in, false);
				bool crlf = strstr((const char *)in, "\r\n") != NULL;
				if (!utf8_valid(out, strlen(out)) ||
				    utf8_has_control(out, false) ||
				    (!crlf && utf8_width(out) !=
				              utf8_width((const char *)in)) ||
				    (!crlf && utf8_chars(out) !=
				              utf8_chars((const char *)in)))
					fail_msg("bad output for %02X %02X %02X",
					         a, b, third[c]);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_valid),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_chars),
		cmocka_unit_test(test_cp_width),
		cmocka_unit_test(test_cp_width_without_utf8_locale),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_has_control),
		cmocka_unit_test(test_prefix_cols),
		cmocka_unit_test(test_trunc),
		cmocka_unit_test(test_trunc_small_buffer),
		cmocka_unit_test(test_trunc_in_place),
		cmocka_unit_test(test_pad),
		cmocka_unit_test(test_pad_small_buffer_and_in_place),
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_newlines),
		cmocka_unit_test(test_sanitize_invalid),
		cmocka_unit_test(test_sanitize_small_buffer),
		cmocka_unit_test(test_sanitize_exhaustive),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
