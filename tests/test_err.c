/* test_err.c - bilingual errors, language choice, exit statuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hall/err.h"
#include "hall/utf8.h"

static int reset_lang(void **state)
{
	(void)state;
	hall_lang_set(HALL_LANG_ZH);
	unsetenv("HALL_LANG");
	return 0;
}

static void test_default_language_is_chinese(void **state)
{
	(void)state;
	assert_int_equal(hall_lang(), HALL_LANG_ZH);
	assert_string_equal(hall_tr("缴费", "Payment"), "缴费");
	hall_lang_set(HALL_LANG_EN);
	assert_int_equal(hall_lang(), HALL_LANG_EN);
	assert_string_equal(hall_tr("缴费", "Payment"), "Payment");
	hall_lang_set((enum hall_lang)42);   /* nonsense falls back to zh */
	assert_int_equal(hall_lang(), HALL_LANG_ZH);
}

static void test_tr_null_falls_back(void **state)
{
	(void)state;
	assert_string_equal(hall_tr(NULL, "Payment"), "Payment");
	hall_lang_set(HALL_LANG_EN);
	assert_string_equal(hall_tr("缴费", NULL), "缴费");
	assert_string_equal(hall_tr(NULL, NULL), "");
}

static void test_lang_from_env(void **state)
{
	(void)state;
	setenv("HALL_LANG", "en", 1);
	hall_lang_from_env();
	assert_int_equal(hall_lang(), HALL_LANG_EN);
	setenv("HALL_LANG", "zh", 1);
	hall_lang_from_env();
	assert_int_equal(hall_lang(), HALL_LANG_ZH);
	setenv("HALL_LANG", "EN_us.UTF-8", 1);
	hall_lang_from_env();
	assert_int_equal(hall_lang(), HALL_LANG_EN);
	setenv("HALL_LANG", "zh_CN", 1);
	hall_lang_from_env();
	assert_int_equal(hall_lang(), HALL_LANG_ZH);
	/* unknown, empty and unset values leave the choice alone */
	hall_lang_set(HALL_LANG_EN);
	setenv("HALL_LANG", "fr", 1);
	hall_lang_from_env();
	assert_int_equal(hall_lang(), HALL_LANG_EN);
	setenv("HALL_LANG", "english", 1);
	hall_lang_from_env();
	assert_int_equal(hall_lang(), HALL_LANG_EN);
	setenv("HALL_LANG", "", 1);
	hall_lang_from_env();
	assert_int_equal(hall_lang(), HALL_LANG_EN);
	unsetenv("HALL_LANG");
	hall_lang_from_env();
	assert_int_equal(hall_lang(), HALL_LANG_EN);
}

static void test_set_formats_both_texts(void **state)
{
	struct hall_err e;
	int rc;

	(void)state;
	hall_err_clear(&e);
	rc = hall_err_set(&e, HALL_EINVAL, "amount", "%s：金额最多两位小数（%d）",
	                  "%s: at most 2 decimals (%d)", "amount", 2);
	assert_int_equal(rc, HALL_EINVAL);
	assert_int_equal(e.code, HALL_EINVAL);
	assert_string_equal(e.field, "amount");
	assert_string_equal(e.zh, "amount：金额最多两位小数（2）");
	assert_string_equal(e.en, "amount: at most 2 decimals (2)");
	assert_string_equal(hall_err_msg(&e), e.zh);
	hall_lang_set(HALL_LANG_EN);
	assert_string_equal(hall_err_msg(&e), e.en);
}

static void test_set_null_field_and_null_err(void **state)
{
	struct hall_err e;

	(void)state;
	memset(&e, 'x', sizeof e);
	assert_int_equal(hall_err_set(&e, HALL_EDB, NULL, "库错误", "db error"),
	                 HALL_EDB);
	assert_string_equal(e.field, "");
	assert_string_equal(e.zh, "库错误");
	assert_string_equal(e.en, "db error");
	/* NULL e: nothing written, code still returned */
	assert_int_equal(hall_err_set(NULL, HALL_EBUSY, "f", "%s", "%s", "x"),
	                 HALL_EBUSY);
	/* NULL formats give empty texts, not a crash */
	assert_int_equal(hall_err_set(&e, HALL_EIO, NULL, NULL, NULL), HALL_EIO);
	assert_string_equal(e.zh, "");
	assert_string_equal(e.en, "");
}

static void test_clear(void **state)
{
	struct hall_err e;

	(void)state;
	hall_err_set(&e, HALL_EPERM, "role", "无权限", "not allowed");
	hall_err_clear(&e);
	assert_int_equal(e.code, HALL_OK);
	assert_string_equal(e.field, "");
	assert_string_equal(e.zh, "");
	assert_string_equal(e.en, "");
	hall_err_clear(NULL);
	assert_string_equal(hall_err_msg(&e), "");
	assert_string_equal(hall_err_msg(NULL), "");
}

static void test_msg_falls_back_to_other_language(void **state)
{
	struct hall_err e;

	(void)state;
	hall_err_set(&e, HALL_EIO, NULL, "", "disk full");
	assert_string_equal(hall_err_msg(&e), "disk full");
	hall_err_set(&e, HALL_EIO, NULL, "磁盘已满", "");
	hall_lang_set(HALL_LANG_EN);
	assert_string_equal(hall_err_msg(&e), "磁盘已满");
}

static void test_arguments_may_alias_the_error(void **state)
{
	struct hall_err e;

	(void)state;
	hall_err_set(&e, HALL_EDB, "name", "写入失败", "write failed");
	/* wrap the earlier message: zh uses the 1st arg, en the 2nd */
	hall_err_set(&e, HALL_EDB, e.field, "保存客户：%s%.0s",
	             "saving customer: %.0s%s", e.zh, e.en);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.zh, "保存客户：写入失败");
	assert_string_equal(e.en, "saving customer: write failed");
}

static void test_long_texts_truncated_on_char_boundary(void **state)
{
	struct hall_err e;
	char big[2000], key[200];
	size_t i;

	(void)state;
	/* 3-byte characters: a cut at 511 bytes falls inside one */
	for (i = 0; i + 3 < sizeof big; i += 3)
		memcpy(big + i, "中", 3);
	big[i] = '\0';
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	hall_err_set(&e, HALL_EINVAL, key, "%s", "%s", big);
	assert_int_equal(strlen(e.field), HALL_ERR_FIELD - 1);
	assert_int_equal(strlen(e.zh), 510);
	assert_true(utf8_valid(e.zh, strlen(e.zh)));
	/* a 2-byte character cut after its lead byte */
	memset(big, 'a', 510);
	memcpy(big + 510, "é", 3);
	hall_err_set(&e, HALL_EINVAL, NULL, "%s", "%s", big);
	assert_int_equal(strlen(e.zh), 510);
	assert_true(utf8_valid(e.zh, strlen(e.zh)));
	/* a 4-byte character cut after 2 of its bytes */
	memset(big, 'a', 509);
	memcpy(big + 509, "😀", 5);
	hall_err_set(&e, HALL_EINVAL, NULL, "%s", "%s", big);
	assert_int_equal(strlen(e.zh), 509);
	/* ASCII is cut at exactly 511 bytes */
	memset(big, 'a', 600);
	big[600] = '\0';
	hall_err_set(&e, HALL_EINVAL, NULL, "%s", "%s", big);
	assert_int_equal(strlen(e.zh), 511);
	for (i = 0; i + 3 < sizeof big; i += 3)
		memcpy(big + i, "中", 3);
	big[i] = '\0';
	hall_err_set(&e, HALL_EINVAL, NULL, "%s", "%s", big);
	assert_string_equal(e.zh, e.en);
}

static void test_rc_exit(void **state)
{
	(void)state;
	assert_int_equal(hall_rc_exit(HALL_OK), 0);
	assert_int_equal(hall_rc_exit(HALL_EINVAL), 2);
	assert_int_equal(hall_rc_exit(HALL_ENOTFOUND), 3);
	assert_int_equal(hall_rc_exit(HALL_EPERM), 4);
	assert_int_equal(hall_rc_exit(HALL_EAUTH), 4);
	assert_int_equal(hall_rc_exit(HALL_EBUSY), 5);
	assert_int_equal(hall_rc_exit(HALL_EVERSION), 6);
	assert_int_equal(hall_rc_exit(HALL_ECONFIG), 6);
	assert_int_equal(hall_rc_exit(HALL_EEXIST), 8);
	assert_int_equal(hall_rc_exit(HALL_EDB), 1);
	assert_int_equal(hall_rc_exit(HALL_EIO), 7);
	assert_int_equal(hall_rc_exit(HALL_ENOMEM), 1);
	assert_int_equal(hall_rc_exit(HALL_ESTATE), 1);
	assert_int_equal(hall_rc_exit(-1), 1);
	assert_int_equal(hall_rc_exit(999), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_default_language_is_chinese, reset_lang),
		cmocka_unit_test_setup(test_tr_null_falls_back, reset_lang),
		cmocka_unit_test_setup(test_lang_from_env, reset_lang),
		cmocka_unit_test_setup(test_set_formats_both_texts, reset_lang),
		cmocka_unit_test_setup(test_set_null_field_and_null_err, reset_lang),
		cmocka_unit_test_setup(test_clear, reset_lang),
		cmocka_unit_test_setup(test_msg_falls_back_to_other_language, reset_lang),
		cmocka_unit_test_setup(test_arguments_may_alias_the_error, reset_lang),
		cmocka_unit_test_setup(test_long_texts_truncated_on_char_boundary, reset_lang),
		cmocka_unit_test_setup(test_rc_exit, reset_lang),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
