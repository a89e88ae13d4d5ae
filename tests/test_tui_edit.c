/*
 * test_tui_edit.c - the field editor model on ASCII, Chinese and mixed text:
 * bytes, characters and columns; insert, delete, backspace, Home/End,
 * left/right; horizontal scroll in a narrow field; length limits.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hall/utf8.h"
#include "tui/edit.h"

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	utf8_init();
	return 0;
}

static void type(struct edit *e, const char *s)
{
	edit_insert_str(e, s);
}

/* The visible slice as a string. */
static const char *visible(struct edit *e, int width, struct edit_view *v)
{
	static char buf[256];
	edit_view(e, width, v);
	memcpy(buf, edit_text(e) + v->byte_start, v->byte_len);
	buf[v->byte_len] = '\0';
	return buf;
}

static void test_ascii_basics(void **state)
{
	struct edit e;
	(void)state;
	edit_init(&e, 0);
	assert_string_equal(edit_text(&e), "");
	assert_int_equal(edit_chars(&e), 0);
	type(&e, "hello");
	assert_string_equal(edit_text(&e), "hello");
	assert_int_equal(edit_chars(&e), 5);
	assert_int_equal(edit_cols(&e), 5);
	assert_int_equal(edit_bytes(&e), 5);
	assert_int_equal(e.cur, 5);
	edit_home(&e);
	assert_int_equal(e.cur, 0);
	assert_true(edit_delete(&e));
	assert_string_equal(edit_text(&e), "ello");
	assert_false(edit_backspace(&e));           /* nothing before */
	edit_end(&e);
	assert_false(edit_delete(&e));              /* nothing under */
	assert_true(edit_backspace(&e));
	assert_string_equal(edit_text(&e), "ell");
	assert_true(edit_left(&e));
	assert_true(edit_insert(&e, 'X'));
	assert_string_equal(edit_text(&e), "elXl");
	assert_int_equal(e.cur, 3);
	assert_int_equal(edit_cursor_col(&e), 3);
	edit_free(&e);
}

static void test_chinese_offsets_and_columns(void **state)
{
	struct edit e;
	(void)state;
	edit_init(&e, 0);
	type(&e, "供电营业厅");
	assert_int_equal(edit_chars(&e), 5);
	assert_int_equal(edit_bytes(&e), 15);
	assert_int_equal(edit_cols(&e), 10);
	for (int i = 0; i <= 5; i++) {
		assert_int_equal(e.off[i], (size_t)(3 * i));
		assert_int_equal(e.col[i], 2 * i);
	}
	edit_home(&e);
	edit_right(&e);
	edit_right(&e);
	assert_int_equal(edit_cursor_col(&e), 4);
	assert_true(edit_delete(&e));               /* 营 */
	assert_string_equal(edit_text(&e), "供电业厅");
	assert_true(edit_backspace(&e));            /* 电 */
	assert_string_equal(edit_text(&e), "供业厅");
	assert_int_equal(e.cur, 1);
	assert_int_equal(edit_cursor_col(&e), 2);
	assert_true(edit_insert(&e, 0x8425));       /* 营 */
	assert_string_equal(edit_text(&e), "供营业厅");
	assert_int_equal(edit_cursor_col(&e), 4);
	edit_end(&e);
	assert_int_equal(edit_cursor_col(&e), 8);
	edit_free(&e);
}

static void test_mixed_text(void **state)
{
	struct edit e;
	(void)state;
	edit_init(&e, 0);
	type(&e, "A供B电1号");
	assert_int_equal(edit_chars(&e), 6);
	assert_int_equal(edit_cols(&e), 9);
	assert_int_equal(edit_bytes(&e), 12);
	int cols[] = {0, 1, 3, 4, 6, 7, 9};
	size_t offs[] = {0, 1, 4, 5, 8, 9, 12};
	for (int i = 0; i <= 6; i++) {
		assert_int_equal(e.col[i], cols[i]);
		assert_int_equal(e.off[i], offs[i]);
	}
	/* Click on the right half of 供 lands on 供. */
	assert_int_equal(edit_index_at_col(&e, 2), 1);
	assert_int_equal(edit_index_at_col(&e, 3), 2);
	assert_int_equal(edit_index_at_col(&e, 99), 6);
	edit_move(&e, 3);                           /* before 电 */
	assert_true(edit_backspace(&e));            /* B */
	assert_string_equal(edit_text(&e), "A供电1号");
	assert_true(edit_delete(&e));               /* 电 */
	assert_string_equal(edit_text(&e), "A供1号");
	assert_int_equal(edit_cursor_col(&e), 3);
	edit_free(&e);
}

static void test_limit_counts_characters(void **state)
{
	struct edit e;
	(void)state;
	edit_init(&e, 3);
	type(&e, "供电局长");
	assert_string_equal(edit_text(&e), "供电局");
	assert_int_equal(edit_bytes(&e), 9);
	assert_true(edit_full(&e));
	assert_false(edit_insert(&e, 'a'));
	edit_home(&e);
	assert_false(edit_insert(&e, 'a'));
	assert_true(edit_delete(&e));
	assert_true(edit_insert(&e, 'a'));
	assert_string_equal(edit_text(&e), "a电局");
	/* A lower limit cuts whole characters. */
	edit_set_max(&e, 2);
	assert_string_equal(edit_text(&e), "a电");
	assert_false(edit_set(&e, "一二三"));
	assert_string_equal(edit_text(&e), "一二");
	assert_int_equal(e.cur, 2);
	edit_free(&e);
}

static void test_rejects_controls_and_bad_bytes(void **state)
{
	struct edit e;
	(void)state;
	edit_init(&e, 0);
	assert_false(edit_insert(&e, 0x1b));        /* ESC */
	assert_false(edit_insert(&e, '\n'));
	assert_false(edit_insert(&e, 0x7f));
	assert_false(edit_insert(&e, 0x9b));        /* C1 CSI */
	assert_false(edit_insert(&e, 0xd800));      /* surrogate */
	assert_false(edit_insert(&e, 0x110000));
	assert_int_equal(edit_chars(&e), 0);
	/* Paste with an escape sequence and a broken byte. */
	assert_false(edit_set(&e, "张\x1b[31m三\xff"));
	assert_string_equal(edit_text(&e), "张[31m三");
	assert_true(edit_set(&e, "王五"));
	assert_string_equal(edit_text(&e), "王五");
	edit_free(&e);
}

static void test_kill(void **state)
{
	struct edit e;
	(void)state;
	edit_init(&e, 0);
	type(&e, "北京市海淀区");
	edit_move(&e, 3);
	assert_true(edit_kill_end(&e));
	assert_string_equal(edit_text(&e), "北京市");
	edit_move(&e, 2);
	assert_true(edit_kill_start(&e));
	assert_string_equal(edit_text(&e), "市");
	assert_int_equal(e.cur, 0);
	assert_false(edit_kill_start(&e));
	edit_clear(&e);
	assert_string_equal(edit_text(&e), "");
	edit_free(&e);
}

static void test_view_scrolls_chinese(void **state)
{
	struct edit e;
	struct edit_view v;
	(void)state;
	edit_init(&e, 0);
	type(&e, "供电营业厅");                     /* 10 columns */
	/* Cursor past the end needs one column: 业厅 + cursor. */
	assert_string_equal(visible(&e, 5, &v), "业厅");
	assert_int_equal(v.cols, 4);
	assert_int_equal(v.cursor_x, 4);
	assert_true(v.more_left);
	assert_false(v.more_right);
	/* Home: the start, never half of 营 in an odd width. */
	edit_home(&e);
	assert_string_equal(visible(&e, 5, &v), "供电");
	assert_int_equal(v.cols, 4);
	assert_int_equal(v.cursor_x, 0);
	assert_false(v.more_left);
	assert_true(v.more_right);
	/* Walk right: the view follows the cursor a character at a time. */
	edit_right(&e);
	edit_right(&e);                             /* on 营 (cols 4-5) */
	assert_string_equal(visible(&e, 5, &v), "电营");
	assert_int_equal(v.cursor_x, 2);
	/* Walk back left: the view follows to the left edge. */
	edit_left(&e);
	edit_left(&e);
	assert_string_equal(visible(&e, 5, &v), "供电");
	assert_int_equal(v.cursor_x, 0);
	/* Wide enough: everything, cursor at the end. */
	edit_end(&e);
	assert_string_equal(visible(&e, 11, &v), "供电营业厅");
	assert_int_equal(v.cursor_x, 10);
	/* Exactly the text width: the cursor past the end forces a scroll. */
	assert_string_equal(visible(&e, 10, &v), "电营业厅");
	assert_int_equal(v.cursor_x, 8);
	edit_free(&e);
}

static void test_view_shrinks_back(void **state)
{
	struct edit e;
	struct edit_view v;
	(void)state;
	edit_init(&e, 0);
	type(&e, "abc供电def");                     /* 10 columns */
	assert_string_equal(visible(&e, 6, &v), "电def");
	assert_int_equal(v.first, 4);
	/* Deleting text lets earlier text come back into view. */
	edit_backspace(&e);
	edit_backspace(&e);
	edit_backspace(&e);
	assert_string_equal(visible(&e, 6, &v), "c供电");
	assert_int_equal(v.cursor_x, 5);
	edit_backspace(&e);
	assert_string_equal(visible(&e, 6, &v), "abc供");
	assert_false(v.more_left);
	assert_int_equal(v.cursor_x, 5);
	edit_free(&e);
}

static void test_view_mixed_odd_widths(void **state)
{
	struct edit e;
	struct edit_view v;
	(void)state;
	edit_init(&e, 0);
	type(&e, "1供2电3局4");
	for (int w = 1; w <= 12; w++) {
		for (int c = 0; c <= edit_chars(&e); c++) {
			edit_move(&e, c);
			const char *s = visible(&e, w, &v);
			/* Fits, cursor inside, whole characters only. */
			assert_true(v.cols <= w);
			assert_int_equal((int)utf8_width(s), v.cols);
			assert_true(v.cursor_x >= 0 && v.cursor_x < w);
			assert_true(utf8_valid(s, strlen(s)));
			if (w >= 2)
				assert_true(c >= v.first &&
				            c <= v.first + v.count);
		}
	}
	edit_free(&e);
}

static void test_width_one_with_wide_char(void **state)
{
	struct edit e;
	struct edit_view v;
	(void)state;
	edit_init(&e, 0);
	type(&e, "电");
	edit_home(&e);
	/* A double-width character cannot show in one column: nothing is
	 * shown rather than half of it. */
	assert_string_equal(visible(&e, 1, &v), "");
	assert_int_equal(v.cursor_x, 0);
	edit_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_basics),
		cmocka_unit_test(test_chinese_offsets_and_columns),
		cmocka_unit_test(test_mixed_text),
		cmocka_unit_test(test_limit_counts_characters),
		cmocka_unit_test(test_rejects_controls_and_bad_bytes),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_view_scrolls_chinese),
		cmocka_unit_test(test_view_shrinks_back),
		cmocka_unit_test(test_view_mixed_odd_widths),
		cmocka_unit_test(test_width_one_with_wide_char),
	};
	return cmocka_run_group_tests_name("tui_edit", tests, setup, NULL);
}
