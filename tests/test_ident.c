/* test_ident.c - resident ID, USCC, phones, masking, dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hall/ident.h"
#include "hall/utf8.h"

static int reset(void **state)
{
	(void)state;
	hall_lang_set(HALL_LANG_ZH);
	return 0;
}

typedef int (*check_fn)(const char *, const char *, struct hall_err *);

static void ok_check(check_fn fn, const char *s)
{
	struct hall_err err;

	hall_err_set(&err, HALL_EDB, "old", "旧", "old");
	if (fn(s, "id_number", &err) != HALL_OK)
		fail_msg("\"%s\" rejected: %s", s, err.en);
	assert_int_equal(err.code, HALL_OK);
	assert_string_equal(err.zh, "");
}

/* Rejected with EINVAL; messages name the field (zh "id_number：", en
 * "id_number: ") and contain the given words (NULL: not checked). */
static void bad_check(check_fn fn, const char *s, const char *zh_word,
                      const char *en_word)
{
	struct hall_err err;
	int rc;

	hall_err_clear(&err);
	rc = fn(s, "id_number", &err);
	if (rc != HALL_EINVAL)
		fail_msg("\"%s\" not rejected (rc %d)", s ? s : "(null)", rc);
	assert_int_equal(err.code, HALL_EINVAL);
	assert_string_equal(err.field, "id_number");
	if (strncmp(err.zh, "id_number：", strlen("id_number：")) != 0 ||
	    strncmp(err.en, "id_number: ", strlen("id_number: ")) != 0)
		fail_msg("\"%s\": field missing: %s / %s", s, err.zh, err.en);
	if (zh_word != NULL && strstr(err.zh, zh_word) == NULL)
		fail_msg("\"%s\": \"%s\" lacks \"%s\"", s, err.zh, zh_word);
	if (en_word != NULL && strstr(err.en, en_word) == NULL)
		fail_msg("\"%s\": \"%s\" lacks \"%s\"", s, err.en, en_word);
}

/* "110105" + YYYYMMDD + "123" + the right check character. */
static void make_resident(char out[19], int y, int m, int d)
{
	snprintf(out, 19, "110105%04u%02u%02u123", (unsigned)y % 10000u,
	         (unsigned)m % 100u, (unsigned)d % 100u);
	out[17] = ident_resident_checkchar(out);
	out[18] = '\0';
}

/* ------------------------------------------------------------ resident */

static void test_resident_valid(void **state)
{
	(void)state;
	ok_check(ident_resident_check, "11010519491231002X");
	ok_check(ident_resident_check, "11010519491231002x");
	/* computed independently (Python) */
	ok_check(ident_resident_check, "110105200002291235");  /* 2000-02-29 */
	ok_check(ident_resident_check, "440305202402294562");  /* 2024-02-29 */
	ok_check(ident_resident_check, "310115199602290070");  /* 1996-02-29 */
	ok_check(ident_resident_check, "440305190001010017");  /* 1900-01-01 */
	ok_check(ident_resident_check, "110105190002280011");  /* 1900-02-28 */
	ok_check(ident_resident_check, "440106198001011230");
	ok_check(ident_resident_check, "510104197711243213");
	ok_check(ident_resident_check, "330106198907172123");
}

static void test_resident_checkchar(void **state)
{
	(void)state;
	assert_int_equal(ident_resident_checkchar("11010519491231002"), 'X');
	assert_int_equal(ident_resident_checkchar("11010520000229123"), '5');
	assert_int_equal(ident_resident_checkchar("44030519000101001"), '7');
	assert_int_equal(ident_resident_checkchar("51010419771124321"), '3');
	/* 18 characters: only the first 17 count */
	assert_int_equal(ident_resident_checkchar("11010519491231002X"), 'X');
	assert_int_equal(ident_resident_checkchar("1101051949123100A"), '\0');
	assert_int_equal(ident_resident_checkchar("1101051949"), '\0');
	assert_int_equal(ident_resident_checkchar(""), '\0');
	assert_int_equal(ident_resident_checkchar(NULL), '\0');
}

static void test_resident_wrong_check(void **state)
{
	char id[19] = "11010519491231002X";
	char orig;
	int pos;
	const char *c;

	(void)state;
	bad_check(ident_resident_check, "110105194912310021", "校验码", "check");
	bad_check(ident_resident_check, "110105194912310020", "校验码", "check");
	bad_check(ident_resident_check, "110105200002291236", "校验码", "check");
	/* every single-digit error in the first 17 digits is caught */
	for (pos = 0; pos < 17; pos++) {
		orig = id[pos];
		for (c = "0123456789"; *c != '\0'; c++) {
			if (*c == orig)
				continue;
			id[pos] = *c;
			if (ident_resident_check(id, "f", NULL) != HALL_EINVAL)
				fail_msg("%s accepted", id);
		}
		id[pos] = orig;
	}
}

static void test_resident_shape(void **state)
{
	(void)state;
	bad_check(ident_resident_check, "", "不能为空", "empty");
	bad_check(ident_resident_check, NULL, "不能为空", "empty");
	bad_check(ident_resident_check, "11010519491231002", "18位", "18");
	bad_check(ident_resident_check, "11010519491231002X1", "18位", "18");
	bad_check(ident_resident_check, "110105194912310", "18位", "18");
	bad_check(ident_resident_check, "1101051949123100XX", "17位数字",
	          "17 digits");
	bad_check(ident_resident_check, "X10105194912310021", "17位数字",
	          "17 digits");
	bad_check(ident_resident_check, "11010519491231002Y", "17位数字",
	          "17 digits");
	bad_check(ident_resident_check, "11010519491231002-", NULL, NULL);
	bad_check(ident_resident_check, "110105 19491231002X", "空格", "spaces");
	bad_check(ident_resident_check, "11010519491231002X ", "空格", "spaces");
	bad_check(ident_resident_check, "１１010519491231002X", "半角",
	          "half-width");
	/* 15-digit first-generation numbers are not accepted */
	bad_check(ident_resident_check, "110105491231002", "18位", "18");
}

static void test_resident_birth_date(void **state)
{
	char id[19];

	(void)state;
	make_resident(id, 1900, 2, 29);          /* 1900 is not leap */
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 2023, 2, 29);
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 2024, 2, 29);
	ok_check(ident_resident_check, id);
	make_resident(id, 2000, 2, 29);
	ok_check(ident_resident_check, id);
	make_resident(id, 2000, 2, 30);
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 1999, 4, 31);
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 1999, 4, 30);
	ok_check(ident_resident_check, id);
	make_resident(id, 1949, 13, 1);
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 1949, 0, 1);
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 1949, 12, 0);
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 1949, 12, 32);
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 1899, 12, 31);          /* before 1900 */
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 0, 1, 1);
	bad_check(ident_resident_check, id, "出生日期", "birth date");
	make_resident(id, 2199, 1, 1);            /* far future */
	bad_check(ident_resident_check, id, "今天", "after today");
}

static void test_resident_not_in_future(void **state)
{
	time_t now = time(NULL);
	struct tm tm;
	char id[19];
	long today;
	int y, m, d;

	(void)state;
	assert_non_null(localtime_r(&now, &tm));
	today = ident_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
	                              tm.tm_mday);
	/* born today: fine */
	ident_civil_from_days(today, &y, &m, &d);
	make_resident(id, y, m, d);
	ok_check(ident_resident_check, id);
	/* born tomorrow: no */
	ident_civil_from_days(today + 1, &y, &m, &d);
	make_resident(id, y, m, d);
	bad_check(ident_resident_check, id, "出生日期不能晚于今天",
	          "after today");
	/* next year */
	ident_civil_from_days(today + 366, &y, &m, &d);
	make_resident(id, y, m, d);
	bad_check(ident_resident_check, id, "今天", "today");
}

/* ------------------------------------------------------------ USCC */

static void test_uscc(void **state)
{
	(void)state;
	ok_check(ident_uscc_check, "91350100M000100Y43");
	/* computed independently (Python) */
	ok_check(ident_uscc_check, "91110000600037341L");
	ok_check(ident_uscc_check, "12100000400000624D");
	ok_check(ident_uscc_check, "31110000358347063B");
	ok_check(ident_uscc_check, "91440300708461136T");
	ok_check(ident_uscc_check, "92440300MA5EXAMPL7");

	assert_int_equal(ident_uscc_checkchar("91350100M000100Y4"), '3');
	assert_int_equal(ident_uscc_checkchar("91110000600037341"), 'L');
	assert_int_equal(ident_uscc_checkchar("12100000400000624"), 'D');
	/* check value 0 -> '0': (31 - 0) mod 31 */
	assert_int_equal(ident_uscc_checkchar("00000000000000000"), '0');
	assert_int_equal(ident_uscc_checkchar("10000000000000000"), 'Y');
	assert_int_equal(ident_uscc_checkchar("9135010OM000100Y4"), '\0');
	assert_int_equal(ident_uscc_checkchar("91350100m000100Y4"), '\0');
	assert_int_equal(ident_uscc_checkchar("9135"), '\0');
	assert_int_equal(ident_uscc_checkchar(NULL), '\0');

	bad_check(ident_uscc_check, "91350100M000100Y44", "校验码", "check");
	bad_check(ident_uscc_check, "91350100M000100Y4", "18位", "18");
	bad_check(ident_uscc_check, "91350100M000100Y431", "18位", "18");
	bad_check(ident_uscc_check, "91350100m000100y43", "大写", "capitals");
	bad_check(ident_uscc_check, "91350100I000100Y43", "I、O、S、V、Z",
	          "I, O, S, V, Z");
	bad_check(ident_uscc_check, "91350100O000100Y43", "I、O、S、V、Z", NULL);
	bad_check(ident_uscc_check, "91350100S000100Y43", "I、O、S、V、Z", NULL);
	bad_check(ident_uscc_check, "91350100V000100Y43", "I、O、S、V、Z", NULL);
	bad_check(ident_uscc_check, "91350100Z000100Y43", "I、O、S、V、Z", NULL);
	bad_check(ident_uscc_check, "91350100-000100Y43", "I、O、S、V、Z", NULL);
	bad_check(ident_uscc_check, "91350100M000100Y4 ", "空格", "spaces");
	bad_check(ident_uscc_check, "９1350100M000100Y43", "半角", "half-width");
	bad_check(ident_uscc_check, "", "不能为空", "empty");
	bad_check(ident_uscc_check, NULL, "不能为空", "empty");
}

static void test_uscc_single_errors_caught(void **state)
{
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char code[19] = "91350100M000100Y43";
	char orig;
	const char *c;
	int pos;

	(void)state;
	for (pos = 0; pos < 18; pos++) {
		orig = code[pos];
		for (c = set; *c != '\0'; c++) {
			if (*c == orig)
				continue;
			code[pos] = *c;
			if (ident_uscc_check(code, "f", NULL) != HALL_EINVAL)
				fail_msg("%s accepted", code);
		}
		code[pos] = orig;
	}
	ok_check(ident_uscc_check, code);
}

/* ------------------------------------------------------------ phones */

static void test_phone_valid(void **state)
{
	static const char *const good[] = {
		"13812345678", "13012345678", "19912345678", "15000000000",
		"010-12345678", "010-1234567", "0755-1234567", "0755-12345678",
		"01012345678", "0101234567", "075512345678", "07551234567",
		"010-12345678-1", "010-12345678-123456", "0755-1234567-88",
		"01012345678-12",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ok_check(ident_phone_check, good[i]);
}

static void test_phone_invalid(void **state)
{
	static const char *const bad[] = {
		"1381234567", "138123456789", "138-1234-5678", "+8613812345678",
		"8613812345678", "12345678", "1234567", "001-12345678",
		"00112345678", "01-1234567", "07555-1234567", "010-123456",
		"010-123456789", "010-12345678-1234567", "010-12345678-",
		"010--12345678", "-010-12345678", "010-", "0-1-2-3",
		"010-1234-5678-1", "0755-1234-5678", "abc", "138abcd5678",
		"23812345678", "010123456", "0101234567890",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		bad_check(ident_phone_check, bad[i], "010-12345678",
		          "010-12345678");
	bad_check(ident_phone_check, "12812345678", "第二位", "second digit");
	bad_check(ident_phone_check, "11012345678", "第二位", "second digit");
	bad_check(ident_phone_check, "138 1234 5678", "空格", "spaces");
	bad_check(ident_phone_check, "１3812345678", "半角", "half-width");
	bad_check(ident_phone_check, "", "不能为空", "empty");
	bad_check(ident_phone_check, NULL, "不能为空", "empty");
}

/* ------------------------------------------------------------ others */

static void test_other_and_by_type(void **state)
{
	struct hall_err err;

	(void)state;
	ok_check(ident_other_check, "E12345678");
	ok_check(ident_other_check, "AB-123");
	ok_check(ident_other_check, "12345");
	ok_check(ident_other_check, "abcdefghijklmnopqrstuvwxyz0123");  /* 30 */
	bad_check(ident_other_check, "abcdefghijklmnopqrstuvwxyz01234", "5到30",
	          "5 to 30");
	bad_check(ident_other_check, "1234", "5到30", "5 to 30");
	bad_check(ident_other_check, "-----", "字母或数字", "letters or digits");
	bad_check(ident_other_check, "E1234 5678", "字母、数字", "letters");
	bad_check(ident_other_check, "E1234_5678", "字母、数字", "letters");
	bad_check(ident_other_check, "护照12345", "字母、数字", "letters");
	bad_check(ident_other_check, "Ｅ12345678", "半角", "half-width");
	bad_check(ident_other_check, "", "不能为空", "empty");

	assert_int_equal(ident_check_by_type("resident_id", "11010519491231002X",
	                                     "f", &err), HALL_OK);
	assert_int_equal(ident_check_by_type("resident_id", "E12345678", "f",
	                                     &err), HALL_EINVAL);
	assert_int_equal(ident_check_by_type("uscc", "91350100M000100Y43", "f",
	                                     &err), HALL_OK);
	assert_int_equal(ident_check_by_type("uscc", "11010519491231002X", "f",
	                                     &err), HALL_EINVAL);
	assert_int_equal(ident_check_by_type("passport", "E12345678", "f", &err),
	                 HALL_OK);
	assert_int_equal(ident_check_by_type("other", "AB-123", "f", &err),
	                 HALL_OK);
	assert_int_equal(ident_check_by_type("other", "AB", "f", &err),
	                 HALL_EINVAL);
	assert_int_equal(ident_check_by_type("driver", "E12345678", "id_number",
	                                     &err), HALL_EINVAL);
	assert_string_equal(err.field, "id_number");
	assert_string_equal(err.zh, "id_number：证件类型未知");
	assert_string_equal(err.en, "id_number: unknown document type");
	assert_int_equal(ident_check_by_type(NULL, "E12345678", "f", &err),
	                 HALL_EINVAL);
	assert_int_equal(ident_check_by_type("", "E12345678", NULL, &err),
	                 HALL_EINVAL);
	assert_string_equal(err.zh, "请先选择证件类型");
	assert_string_equal(err.en, "choose the document type first");
	assert_int_equal(ident_check_by_type("Resident_ID", "11010519491231002X",
	                                     "f", NULL), HALL_EINVAL);
}

static void test_message_without_field(void **state)
{
	struct hall_err err;

	(void)state;
	assert_int_equal(ident_resident_check("110105194912310021", NULL, &err),
	                 HALL_EINVAL);
	assert_string_equal(err.field, "");
	assert_string_equal(err.zh, "校验码不对，请核对号码");
	assert_string_equal(err.en, "the check character is wrong: check the number");
	hall_lang_set(HALL_LANG_EN);
	assert_string_equal(hall_err_msg(&err), err.en);
}

/* ------------------------------------------------------------ masking */

static void test_mask_id(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(ident_mask_id("11010519491231002X", out, sizeof out),
	                    "110105********002X");
	assert_string_equal(ident_mask_id("110105200002291235", out, sizeof out),
	                    "110105********1235");
	assert_string_equal(ident_mask_id("91350100M000100Y43", out, sizeof out),
	                    "91350100******0Y43");
	assert_string_equal(ident_mask_id("E12345678", out, sizeof out),
	                    "*****5678");
	assert_string_equal(ident_mask_id("12345", out, sizeof out), "*2345");
	assert_string_equal(ident_mask_id("1234", out, sizeof out), "****");
	assert_string_equal(ident_mask_id("12", out, sizeof out), "**");
	assert_string_equal(ident_mask_id("", out, sizeof out), "");
	assert_string_equal(ident_mask_id(NULL, out, sizeof out), "");
	/* non-ASCII: one '*' per character, never half a character */
	ident_mask_id("护照号码12345", out, sizeof out);
	assert_string_equal(out, "*****2345");
	ident_mask_id("号码甲乙丙丁", out, sizeof out);
	assert_string_equal(out, "**甲乙丙丁");
	assert_true(utf8_valid(out, strlen(out)));
	/* exactly strlen+1 bytes is enough; less gives "" */
	assert_string_equal(ident_mask_id("11010519491231002X", out, 19),
	                    "110105********002X");
	assert_string_equal(ident_mask_id("11010519491231002X", out, 18), "");
	assert_null(ident_mask_id("1234", NULL, 10));
}

static void test_mask_phone(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(ident_mask_phone("13812345678", out, sizeof out),
	                    "138****5678");
	assert_string_equal(ident_mask_phone("010-12345678", out, sizeof out),
	                    "010-****5678");
	assert_string_equal(ident_mask_phone("01012345678", out, sizeof out),
	                    "010****5678");
	assert_string_equal(ident_mask_phone("010-12345678-123", out, sizeof out),
	                    "010-********-123");
	assert_string_equal(ident_mask_phone("1234567", out, sizeof out),
	                    "*****67");
	assert_string_equal(ident_mask_phone("12", out, sizeof out), "**");
	assert_string_equal(ident_mask_phone("", out, sizeof out), "");
	assert_string_equal(ident_mask_phone("13812345678", out, 11), "");
	assert_string_equal(ident_mask_phone("13812345678", out, 12),
	                    "138****5678");
}

/* ------------------------------------------------------------ dates */

static void test_leap_and_month_days(void **state)
{
	(void)state;
	assert_true(ident_is_leap(2000));
	assert_false(ident_is_leap(1900));
	assert_true(ident_is_leap(2024));
	assert_false(ident_is_leap(2023));
	assert_false(ident_is_leap(2100));
	assert_true(ident_is_leap(2400));
	assert_true(ident_is_leap(1600));
	assert_true(ident_is_leap(0));
	assert_true(ident_is_leap(-4));
	assert_false(ident_is_leap(-100));
	assert_int_equal(ident_days_in_month(2024, 2), 29);
	assert_int_equal(ident_days_in_month(2023, 2), 28);
	assert_int_equal(ident_days_in_month(1900, 2), 28);
	assert_int_equal(ident_days_in_month(2000, 2), 29);
	assert_int_equal(ident_days_in_month(2023, 1), 31);
	assert_int_equal(ident_days_in_month(2023, 4), 30);
	assert_int_equal(ident_days_in_month(2023, 6), 30);
	assert_int_equal(ident_days_in_month(2023, 7), 31);
	assert_int_equal(ident_days_in_month(2023, 8), 31);
	assert_int_equal(ident_days_in_month(2023, 9), 30);
	assert_int_equal(ident_days_in_month(2023, 11), 30);
	assert_int_equal(ident_days_in_month(2023, 12), 31);
	assert_int_equal(ident_days_in_month(2023, 0), 0);
	assert_int_equal(ident_days_in_month(2023, 13), 0);
	assert_int_equal(ident_days_in_month(2023, -1), 0);
}

static void date_ok(const char *s, const char *want)
{
	struct hall_err err;
	char out[11];

	memset(out, 'x', sizeof out);
	if (ident_date_check(s, "date", out, &err) != HALL_OK)
		fail_msg("\"%s\" rejected: %s", s, err.en);
	assert_string_equal(out, want);
}

static int date_check(const char *s, const char *field, struct hall_err *e)
{
	return ident_date_check(s, field, NULL, e);
}

static void test_date_check(void **state)
{
	(void)state;
	date_ok("2024-02-29", "2024-02-29");
	date_ok("20240229", "2024-02-29");
	date_ok("2000-02-29", "2000-02-29");
	date_ok("1900-01-01", "1900-01-01");
	date_ok("19000101", "1900-01-01");
	date_ok("2199-12-31", "2199-12-31");
	date_ok("2024-04-30", "2024-04-30");
	date_ok("2024-12-31", "2024-12-31");
	assert_int_equal(ident_date_check("2024-01-31", "d", NULL, NULL), HALL_OK);

	bad_check(date_check, "2023-02-29", "没有这一天", "no such day");
	bad_check(date_check, "1900-02-29", "没有这一天", "no such day");
	bad_check(date_check, "2100-02-29", "没有这一天", "no such day");
	bad_check(date_check, "2024-02-30", "没有这一天", "no such day");
	bad_check(date_check, "2024-04-31", "没有这一天", "no such day");
	bad_check(date_check, "2024-13-01", "没有这一天", "no such day");
	bad_check(date_check, "2024-00-10", "没有这一天", "no such day");
	bad_check(date_check, "2024-01-00", "没有这一天", "no such day");
	bad_check(date_check, "20230229", "没有这一天", "no such day");
	bad_check(date_check, "1899-12-31", "1900", "1900");
	bad_check(date_check, "2200-01-01", "2199", "2199");
	bad_check(date_check, "0000-01-01", "1900", "1900");
	bad_check(date_check, "2024-2-29", "2024-02-29", "year-month-day");
	bad_check(date_check, "2024/02/29", "2024-02-29", "year-month-day");
	bad_check(date_check, "2024.02.29", "2024-02-29", "year-month-day");
	bad_check(date_check, "24-02-29", "2024-02-29", "year-month-day");
	bad_check(date_check, "2024022", "2024-02-29", "year-month-day");
	bad_check(date_check, "202402290", "2024-02-29", "year-month-day");
	bad_check(date_check, " 2024-02-29", NULL, NULL);
	bad_check(date_check, "2024-02-29 ", NULL, NULL);
	bad_check(date_check, "2024-02-2a", NULL, NULL);
	bad_check(date_check, "+024-02-29", NULL, NULL);
	bad_check(date_check, "２０２４-02-29", NULL, NULL);
	bad_check(date_check, "2024年2月29日", NULL, NULL);
	bad_check(date_check, "", "不能为空", "empty");
	bad_check(date_check, NULL, "不能为空", "empty");
}

static void test_days_known_values(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(ident_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(ident_days_from_civil(1970, 1, 2), 1);
	assert_int_equal(ident_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(ident_days_from_civil(2000, 1, 1), 10957);
	assert_int_equal(ident_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(ident_days_from_civil(2024, 2, 29), 19782);
	assert_int_equal(ident_days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(ident_days_from_civil(2199, 12, 31), 84005);
	assert_int_equal(ident_days_from_civil(1, 1, 1), -719162);
	assert_int_equal(ident_days_from_civil(1600, 2, 29), -135081);
	assert_int_equal(ident_days_from_civil(9999, 12, 31), 2932896);
	/* 2000 has 366 days, 1900 and 2100 365 */
	assert_int_equal(ident_days_from_civil(2001, 1, 1) -
	                 ident_days_from_civil(2000, 1, 1), 366);
	assert_int_equal(ident_days_from_civil(1901, 1, 1) -
	                 ident_days_from_civil(1900, 1, 1), 365);
	assert_int_equal(ident_days_from_civil(2101, 1, 1) -
	                 ident_days_from_civil(2100, 1, 1), 365);
	assert_int_equal(ident_days_from_civil(2024, 3, 1) -
	                 ident_days_from_civil(2024, 2, 28), 2);
	assert_int_equal(ident_days_from_civil(2023, 3, 1) -
	                 ident_days_from_civil(2023, 2, 28), 1);

	ident_civil_from_days(19782, &y, &m, &d);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	ident_civil_from_days(-1, &y, &m, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	ident_civil_from_days(-719162, &y, &m, &d);
	assert_int_equal(y, 1);
	assert_int_equal(m, 1);
	assert_int_equal(d, 1);
	ident_civil_from_days(-719163, &y, &m, &d);   /* 1 BC = year 0 */
	assert_int_equal(y, 0);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	ident_civil_from_days(0, NULL, NULL, NULL);
}

static void test_days_round_trip(void **state)
{
	long day, back;
	int y, m, d, py, pm, pd;

	(void)state;
	ident_civil_from_days(-800001, &py, &pm, &pd);
	for (day = -800000; day <= 800000; day++) {
		ident_civil_from_days(day, &y, &m, &d);
		if (m < 1 || m > 12 || d < 1 || d > ident_days_in_month(y, m))
			fail_msg("day %ld -> %d-%d-%d", day, y, m, d);
		/* the day after the previous one */
		if (!((y == py && m == pm && d == pd + 1) ||
		      (y == py && m == pm + 1 && d == 1 &&
		       pd == ident_days_in_month(py, pm)) ||
		      (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31)))
			fail_msg("day %ld: %d-%d-%d follows %d-%d-%d", day, y, m, d,
			         py, pm, pd);
		back = ident_days_from_civil(y, m, d);
		if (back != day)
			fail_msg("day %ld -> %d-%d-%d -> %ld", day, y, m, d, back);
		py = y, pm = m, pd = d;
	}
}

static void test_days_carry_over(void **state)
{
	(void)state;
	assert_int_equal(ident_days_from_civil(2024, 13, 1),
	                 ident_days_from_civil(2025, 1, 1));
	assert_int_equal(ident_days_from_civil(2024, 3, 0),
	                 ident_days_from_civil(2024, 2, 29));
	assert_int_equal(ident_days_from_civil(2023, 3, 0),
	                 ident_days_from_civil(2023, 2, 28));
	assert_int_equal(ident_days_from_civil(2024, 0, 1),
	                 ident_days_from_civil(2023, 12, 1));
	assert_int_equal(ident_days_from_civil(2024, -11, 1),
	                 ident_days_from_civil(2023, 1, 1));
	assert_int_equal(ident_days_from_civil(2024, 25, 1),
	                 ident_days_from_civil(2026, 1, 1));
	assert_int_equal(ident_days_from_civil(2024, 1, 32),
	                 ident_days_from_civil(2024, 2, 1));
	assert_int_equal(ident_days_from_civil(2024, 1, 367),
	                 ident_days_from_civil(2025, 1, 1));
}

static void test_days_extremes_no_ub(void **state)
{
	int y, m, d;
	long a, b;

	(void)state;
	/* UBSan would stop the test on any overflow */
	a = ident_days_from_civil(INT_MAX, 12, 31);
	b = ident_days_from_civil(INT_MIN, 1, 1);
	assert_true(a > 0 && b < 0);
	(void)ident_days_from_civil(2024, INT_MAX, INT_MAX);
	(void)ident_days_from_civil(2024, INT_MIN, INT_MIN);
	ident_civil_from_days(LONG_MAX, &y, &m, &d);
	assert_true(y > 1000000 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
	ident_civil_from_days(LONG_MIN, &y, &m, &d);
	assert_true(y < -1000000 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
	/* a large but representable date still round-trips */
	ident_civil_from_days(ident_days_from_civil(1000000, 6, 15), &y, &m, &d);
	assert_int_equal(y, 1000000);
	assert_int_equal(m, 6);
	assert_int_equal(d, 15);
	ident_civil_from_days(ident_days_from_civil(-1000000, 2, 29), &y, &m, &d);
	assert_int_equal(y, -1000000);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_resident_valid, reset),
		cmocka_unit_test_setup(test_resident_checkchar, reset),
		cmocka_unit_test_setup(test_resident_wrong_check, reset),
		cmocka_unit_test_setup(test_resident_shape, reset),
		cmocka_unit_test_setup(test_resident_birth_date, reset),
		cmocka_unit_test_setup(test_resident_not_in_future, reset),
		cmocka_unit_test_setup(test_uscc, reset),
		cmocka_unit_test_setup(test_uscc_single_errors_caught, reset),
		cmocka_unit_test_setup(test_phone_valid, reset),
		cmocka_unit_test_setup(test_phone_invalid, reset),
		cmocka_unit_test_setup(test_other_and_by_type, reset),
		cmocka_unit_test_setup(test_message_without_field, reset),
		cmocka_unit_test_setup(test_mask_id, reset),
		cmocka_unit_test_setup(test_mask_phone, reset),
		cmocka_unit_test_setup(test_leap_and_month_days, reset),
		cmocka_unit_test_setup(test_date_check, reset),
		cmocka_unit_test_setup(test_days_known_values, reset),
		cmocka_unit_test_setup(test_days_round_trip, reset),
		cmocka_unit_test_setup(test_days_carry_over, reset),
		cmocka_unit_test_setup(test_days_extremes_no_ub, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
