/* test_money.c - parsing, formatting and Chinese capitals of fen amounts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hall/money.h"
#include "hall/utf8.h"

static int reset(void **state)
{
	(void)state;
	hall_lang_set(HALL_LANG_ZH);
	return 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------ parse */

static void ok_parse(const char *s, int64_t want)
{
	struct hall_err err;
	int64_t fen = -12345;

	hall_err_set(&err, HALL_EDB, "old", "旧", "old");
	if (money_parse(s, "amount", &fen, &err) != HALL_OK)
		fail_msg("\"%s\" rejected: %s", s, err.en);
	if (fen != want)
		fail_msg("\"%s\" gave %" PRId64 " fen, want %" PRId64, s, fen, want);
	assert_int_equal(err.code, HALL_OK);     /* cleared on success */
	assert_string_equal(err.en, "");
}

/* s is rejected; the messages name the field and contain zh_word/en_word,
 * and the output is left alone. */
static void bad_parse(const char *s, const char *zh_word, const char *en_word)
{
	struct hall_err err;
	int64_t fen = 4242;
	int rc;

	hall_err_clear(&err);
	rc = money_parse(s, "amount", &fen, &err);
	if (rc != HALL_EINVAL)
		fail_msg("\"%s\" accepted (rc %d, fen %" PRId64 ")", s, rc, fen);
	assert_int_equal(err.code, HALL_EINVAL);
	assert_int_equal(fen, 4242);
	assert_string_equal(err.field, "amount");
	if (!starts_with(err.zh, "amount：") || !starts_with(err.en, "amount: "))
		fail_msg("\"%s\": messages lack the field: %s / %s", s, err.zh,
		         err.en);
	if (zh_word != NULL && strstr(err.zh, zh_word) == NULL)
		fail_msg("\"%s\": zh message \"%s\" lacks \"%s\"", s, err.zh,
		         zh_word);
	if (en_word != NULL && strstr(err.en, en_word) == NULL)
		fail_msg("\"%s\": en message \"%s\" lacks \"%s\"", s, err.en,
		         en_word);
	assert_true(utf8_valid(err.zh, strlen(err.zh)));
}

static void test_parse_accepts(void **state)
{
	(void)state;
	ok_parse("0", 0);
	ok_parse("12", 1200);
	ok_parse("12.3", 1230);
	ok_parse("12.30", 1230);
	ok_parse("12.03", 1203);
	ok_parse("0.05", 5);
	ok_parse("0.5", 50);
	ok_parse("1,234.56", 123456);
	ok_parse("1234.56", 123456);
	ok_parse("1,000", 100000);
	ok_parse("123,456", 12345600);
	ok_parse("1,234,567.89", 123456789);
	ok_parse("007", 700);
	ok_parse("999999999999.99", MONEY_MAX_FEN);
	ok_parse("999,999,999,999.99", MONEY_MAX_FEN);
	ok_parse("999999999999", MONEY_MAX_FEN - 99);
	/* the header's optional leading '-' */
	ok_parse("-1", -100);
	ok_parse("-0.05", -5);
	ok_parse("-1,234.56", -123456);
	ok_parse("-0", 0);
	ok_parse("-999,999,999,999.99", -MONEY_MAX_FEN);
}

static void test_parse_rejects_with_reason(void **state)
{
	(void)state;
	bad_parse("12.345", "两位小数", "2 decimals");
	bad_parse("12.340", "两位小数", "2 decimals");
	bad_parse("0.001", "两位小数", "2 decimals");
	bad_parse("+1", "+", "'+'");
	bad_parse("1e3", "科学计数法", "exponent");
	bad_parse("1E3", "科学计数法", "exponent");
	bad_parse("", "不能为空", "empty");
	bad_parse(NULL, "不能为空", "empty");
	bad_parse(" ", "空格", "spaces");
	bad_parse(" 12", "空格", "spaces");
	bad_parse("12 ", "空格", "spaces");
	bad_parse("1 000", "空格", "spaces");
	bad_parse("\t12", "空格", "spaces");
	bad_parse("1..2", "小数点", "decimal point");
	bad_parse("1.2.3", "小数点", "decimal point");
	bad_parse("1,23", "分隔符", "separator");
	bad_parse("1,2345", "分隔符", "separator");
	bad_parse("12,345,67", "分隔符", "separator");
	bad_parse(",123", "分隔符", "separator");
	bad_parse("123,", "分隔符", "separator");
	bad_parse("1,,234", "分隔符", "separator");
	bad_parse("0,123", "分隔符", "separator");
	bad_parse("1234,567", "分隔符", "separator");
	bad_parse("-,123", "分隔符", "separator");
	bad_parse("1.2,3", ",", "','");
	bad_parse(".", "数字", "digits");
	bad_parse("-", "数字", "digits");
	bad_parse(".5", "小数点前", "before the decimal point");
	bad_parse("-.5", "小数点前", "before the decimal point");
	bad_parse("5.", "小数点后", "follow the decimal point");
	bad_parse("--1", "-", "'-'");
	bad_parse("1-", "-", "'-'");
	bad_parse("1-2", "-", "'-'");
	bad_parse("１２", "半角", "half-width");
	bad_parse("12．5", "半角", "half-width");
	bad_parse("1。5", "。", "'。'");
	bad_parse("12元", "元", "yuan");
	bad_parse("¥12", "¥", "¥");
	bad_parse("￥12", "¥", "¥");
	bad_parse("0x10", "数字", "digits");
	bad_parse("1_000", "数字", "digits");
	bad_parse("abc", "数字", "digits");
	bad_parse("one", "数字", "digits");
	bad_parse("\xFF", "数字", "digits");
}

static void test_parse_overflow(void **state)
{
	(void)state;
	bad_parse("1000000000000", "999,999,999,999.99", "999,999,999,999.99");
	bad_parse("1,000,000,000,000", "999,999,999,999.99", "999,999,999,999.99");
	bad_parse("-1000000000000", "999,999,999,999.99", "999,999,999,999.99");
	/* far beyond int64: no overflow on the way (UBSan would stop us) */
	bad_parse("99999999999999999999999999999999999999", "超过", "exceed");
	bad_parse("92233720368547758.08", "超过", "exceed");
	bad_parse("9223372036854775807", "超过", "exceed");
	bad_parse("18446744073709551616", "超过", "exceed");
	/* leading zeros do not count toward the limit */
	ok_parse("0000000000000000000000001", 100);
}

static void test_parse_field_and_language(void **state)
{
	struct hall_err err;
	int64_t fen;

	(void)state;
	/* no field: the rule alone */
	assert_int_equal(money_parse("12.345", NULL, &fen, &err), HALL_EINVAL);
	assert_string_equal(err.field, "");
	assert_string_equal(err.zh, "金额最多两位小数（分）");
	assert_string_equal(err.en, "at most 2 decimals (fen)");
	assert_int_equal(money_parse("12.345", "", &fen, &err), HALL_EINVAL);
	assert_string_equal(err.zh, "金额最多两位小数（分）");
	/* with a field: "<field>：<rule>" / "<field>: <rule>" */
	assert_int_equal(money_parse("12.345", "amount", &fen, &err), HALL_EINVAL);
	assert_string_equal(err.zh, "amount：金额最多两位小数（分）");
	assert_string_equal(err.en, "amount: at most 2 decimals (fen)");
	assert_string_equal(hall_err_msg(&err), err.zh);
	hall_lang_set(HALL_LANG_EN);
	assert_string_equal(hall_err_msg(&err), err.en);
	/* NULL err and NULL output are allowed */
	assert_int_equal(money_parse("1,23", "amount", NULL, NULL), HALL_EINVAL);
	assert_int_equal(money_parse("1.23", "amount", NULL, NULL), HALL_OK);
}

/* ------------------------------------------------------------ format */

static void test_format(void **state)
{
	char out[32];

	(void)state;
	assert_string_equal(money_format(0, out, sizeof out), "0.00");
	assert_string_equal(money_format(5, out, sizeof out), "0.05");
	assert_string_equal(money_format(50, out, sizeof out), "0.50");
	assert_string_equal(money_format(-5, out, sizeof out), "-0.05");
	assert_string_equal(money_format(-100, out, sizeof out), "-1.00");
	assert_string_equal(money_format(99999, out, sizeof out), "999.99");
	assert_string_equal(money_format(100000, out, sizeof out), "1,000.00");
	assert_string_equal(money_format(123456, out, sizeof out), "1,234.56");
	assert_string_equal(money_format(-123456, out, sizeof out), "-1,234.56");
	assert_string_equal(money_format(12345600, out, sizeof out), "123,456.00");
	assert_string_equal(money_format(100000000, out, sizeof out),
	                    "1,000,000.00");
	assert_string_equal(money_format(MONEY_MAX_FEN, out, sizeof out),
	                    "999,999,999,999.99");
	assert_string_equal(money_format(INT64_MAX, out, sizeof out),
	                    "92,233,720,368,547,758.07");
	assert_string_equal(money_format(INT64_MIN, out, sizeof out),
	                    "-92,233,720,368,547,758.08");
}

static void test_format_plain(void **state)
{
	char out[32];

	(void)state;
	assert_string_equal(money_format_plain(0, out, sizeof out), "0.00");
	assert_string_equal(money_format_plain(123456, out, sizeof out), "1234.56");
	assert_string_equal(money_format_plain(-5, out, sizeof out), "-0.05");
	assert_string_equal(money_format_plain(100000000, out, sizeof out),
	                    "1000000.00");
	assert_string_equal(money_format_plain(INT64_MIN, out, sizeof out),
	                    "-92233720368547758.08");
}

static void test_format_small_buffer(void **state)
{
	char out[32];

	(void)state;
	/* never a shortened (wrong) amount: empty instead */
	memset(out, 'x', sizeof out);
	assert_string_equal(money_format(123456, out, 8), "");
	assert_string_equal(money_format(123456, out, 9), "1,234.56");
	assert_string_equal(money_format_plain(123456, out, 7), "");
	assert_string_equal(money_format_plain(123456, out, 8), "1234.56");
	out[0] = 'z';
	assert_ptr_equal(money_format(1, out, 0), out);
	assert_int_equal(out[0], 'z');
	assert_null(money_format(1, NULL, 10));
}

static void test_format_parse_round_trip(void **state)
{
	char a[32], b[32];
	int64_t v, back;
	uint64_t x = 88172645463325252u;
	int i;

	(void)state;
	for (v = -200000; v <= 200000; v += 7) {
		assert_int_equal(money_parse(money_format(v, a, sizeof a), "f",
		                             &back, NULL), HALL_OK);
		assert_int_equal(back, v);
	}
	for (i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (int64_t)(x % (uint64_t)(2 * MONEY_MAX_FEN + 1)) - MONEY_MAX_FEN;
		money_format(v, a, sizeof a);
		money_format_plain(v, b, sizeof b);
		if (money_parse(a, "f", &back, NULL) != HALL_OK || back != v)
			fail_msg("%" PRId64 " -> %s does not round-trip", v, a);
		if (money_parse(b, "f", &back, NULL) != HALL_OK || back != v)
			fail_msg("%" PRId64 " -> %s does not round-trip", v, b);
	}
}

/* ------------------------------------------------------------ 大写 */

static void daxie_is(int64_t fen, const char *want)
{
	char out[128];

	memset(out, 'x', sizeof out);
	money_daxie(fen, out, sizeof out);
	if (strcmp(out, want) != 0)
		fail_msg("%" PRId64 " fen: got %s, want %s", fen, out, want);
}

static void test_daxie_brief_examples(void **state)
{
	(void)state;
	daxie_is(100500, "壹仟零伍元整");                   /* 1,005.00 */
	daxie_is(10000010, "壹拾万元零壹角");               /* 100,000.10 */
	daxie_is(5, "伍分");                                /* 0.05 */
	daxie_is(123456, "壹仟贰佰叁拾肆元伍角陆分");       /* 1,234.56 */
	daxie_is(1050, "壹拾元伍角");                       /* 10.50 */
	daxie_is(10000000000, "壹亿元整");                  /* 100,000,000 */
	daxie_is(100001000, "壹佰万零壹拾元整");            /* 1,000,010 */
	daxie_is(1001000000, "壹仟零壹万元整");             /* 10,010,000.00 */
	daxie_is(0, "零元整");
}

/* The examples in 《正确填写票据和结算凭证的基本规定》 (annex to the
 * 支付结算办法); where the rules allow two forms we write the one named. */
static void test_daxie_regulation_examples(void **state)
{
	(void)state;
	daxie_is(140950, "壹仟肆佰零玖元伍角");       /* 1409.50, rule (1) */
	daxie_is(600714, "陆仟零柒元壹角肆分");       /* 6007.14, rule (2) */
	daxie_is(1640902, "壹万陆仟肆佰零玖元零贰分"); /* 16409.02, rule (4) */
	daxie_is(32504, "叁佰贰拾伍元零肆分");         /* 325.04, rule (4) */
	/* rule (3): a zero 元 digit before 角 may be written as 零 or not;
	 * we do not (1680.32 second form, 107000.53 the "不写零" form) */
	daxie_is(168032, "壹仟陆佰捌拾元叁角贰分");
	daxie_is(10700053, "壹拾万柒仟元伍角叁分");
}

static void test_daxie_jiao_fen_and_zheng(void **state)
{
	(void)state;
	/* 整 only after 元: never after 角 (the rules make it optional) nor
	 * after 分 (forbidden) */
	daxie_is(1, "壹分");
	daxie_is(10, "壹角");
	daxie_is(50, "伍角");
	daxie_is(55, "伍角伍分");
	daxie_is(100, "壹元整");
	daxie_is(101, "壹元零壹分");
	daxie_is(110, "壹元壹角");
	daxie_is(111, "壹元壹角壹分");
	daxie_is(1000, "壹拾元整");
	daxie_is(1005, "壹拾元零伍分");
	daxie_is(1100, "壹拾壹元整");
	daxie_is(1010, "壹拾元壹角");
}

static void test_daxie_zero_rules(void **state)
{
	(void)state;
	daxie_is(10100, "壹佰零壹元整");
	daxie_is(100100, "壹仟零壹元整");
	daxie_is(100010, "壹仟元壹角");
	daxie_is(100001, "壹仟元零壹分");
	daxie_is(1000000, "壹万元整");
	daxie_is(1000001, "壹万元零壹分");
	daxie_is(1000010, "壹万元零壹角");        /* whole 仟佰拾元 group zero */
	daxie_is(1001010, "壹万零壹拾元壹角");
	daxie_is(1070000, "壹万零柒佰元整");
	daxie_is(1100000, "壹万壹仟元整");
	daxie_is(10010000, "壹拾万零壹佰元整");
	daxie_is(10000100, "壹拾万零壹元整");
	daxie_is(100000000, "壹佰万元整");
	daxie_is(100100000, "壹佰万壹仟元整");   /* 1,001,000: zeros end a group */
	daxie_is(101000000, "壹佰零壹万元整");
	daxie_is(2000000000, "贰仟万元整");
	daxie_is(2000000100, "贰仟万零壹元整");
	daxie_is(10000000001, "壹亿元零壹分");
	daxie_is(10000000100, "壹亿零壹元整");
	daxie_is(10000100000, "壹亿零壹仟元整");   /* 100,001,000 */
	daxie_is(10001000000, "壹亿零壹万元整");   /* 100,010,000 */
	daxie_is(10000000010, "壹亿元零壹角");
	daxie_is(10100000000, "壹亿零壹佰万元整");
	daxie_is(11000000000, "壹亿壹仟万元整");
	daxie_is(10001100000, "壹亿零壹万壹仟元整");
	daxie_is(1000000000000, "壹佰亿元整");
	daxie_is(90000000000900, "玖仟亿零玖元整");
	daxie_is(90000000000090, "玖仟亿元零玖角");
	daxie_is(MONEY_MAX_FEN,
	         "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
}

static void test_daxie_negative_and_limits(void **state)
{
	char out[128];

	(void)state;
	daxie_is(-123456, "负壹仟贰佰叁拾肆元伍角陆分");
	daxie_is(-5, "负伍分");
	daxie_is(-MONEY_MAX_FEN,
	         "负玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
	assert_true(strlen(money_daxie(-MONEY_MAX_FEN, out, sizeof out)) < 128);
	/* beyond the parser's range: empty, never garbage */
	daxie_is(MONEY_MAX_FEN + 1, "");
	daxie_is(-MONEY_MAX_FEN - 1, "");
	daxie_is(INT64_MAX, "");
	daxie_is(INT64_MIN, "");
	/* too small a buffer: empty rather than a cut amount */
	assert_string_equal(money_daxie(123456, out, 10), "");
	assert_string_equal(money_daxie(100, out, 10), "壹元整");  /* 9 bytes */
	assert_string_equal(money_daxie(100, out, 9), "");
	out[0] = 'z';
	money_daxie(100, out, 0);
	assert_int_equal(out[0], 'z');
	assert_null(money_daxie(100, NULL, 128));
}

/* An independent reader of 大写 text: the amount it names, or -1. */
static int64_t read_daxie(const char *s)
{
	static const char *const digits = "零壹贰叁肆伍陆柒捌玖";
	int64_t total = 0, group = 0, yi = 0, wan = 0, sign = 1;
	int digit = 0;
	bool have_digit = false;

	if (strncmp(s, "负", 3) == 0) {
		sign = -1;
		s += 3;
	}
	while (*s != '\0') {
		const char *p = strstr(digits, (char[4]){ s[0], s[1], s[2], 0 });
		if (p != NULL && (p - digits) % 3 == 0) {
			if (have_digit)
				return -1;          /* two digits in a row */
			digit = (int)((p - digits) / 3);
			have_digit = digit != 0;
		} else if (strncmp(s, "拾", 3) == 0 && have_digit) {
			group += digit * 10, have_digit = false;
		} else if (strncmp(s, "佰", 3) == 0 && have_digit) {
			group += digit * 100, have_digit = false;
		} else if (strncmp(s, "仟", 3) == 0 && have_digit) {
			group += digit * 1000, have_digit = false;
		} else if (strncmp(s, "亿", 3) == 0) {
			yi = group + (have_digit ? digit : 0);
			group = 0, have_digit = false;
		} else if (strncmp(s, "万", 3) == 0) {
			wan = group + (have_digit ? digit : 0);
			group = 0, have_digit = false;
		} else if (strncmp(s, "元", 3) == 0) {
			group += have_digit ? digit : 0;
			total = (yi * 100000000 + wan * 10000 + group) * 100;
			group = 0, have_digit = false;
		} else if (strncmp(s, "角", 3) == 0 && have_digit) {
			total += digit * 10, have_digit = false;
		} else if (strncmp(s, "分", 3) == 0 && have_digit) {
			total += digit, have_digit = false;
		} else if (strncmp(s, "整", 3) == 0 && s[3] == '\0') {
			/* end */
		} else {
			return -1;
		}
		s += 3;
	}
	if (have_digit)
		return -1;
	return sign * total;
}

static void check_daxie_shape(int64_t v)
{
	char out[128];
	const char *s = money_daxie(v, out, sizeof out);
	size_t n = strlen(s);
	int64_t back = read_daxie(s);

	if (back != v)
		fail_msg("%" PRId64 ": %s reads back as %" PRId64, v, s, back);
	if (strstr(s, "零零") || strstr(s, "零万") || strstr(s, "零亿") ||
	    (strstr(s, "零元") != NULL && v != 0))
		fail_msg("%" PRId64 ": bad 零 in %s", v, s);
	if (strstr(s, "零整") || strstr(s, "零角") || strstr(s, "零分") ||
	    strstr(s, "亿万"))
		fail_msg("%" PRId64 ": bad unit in %s", v, s);
	/* 整 exactly when there are no 角 and 分 */
	if ((strstr(s, "整") != NULL) != (v % 100 == 0))
		fail_msg("%" PRId64 ": 整 wrong in %s", v, s);
	if (n >= 3 && strcmp(s + n - 3, "零") == 0)
		fail_msg("%" PRId64 ": ends in 零: %s", v, s);
	if (v != 0 && strncmp(s, "零", 3) == 0)
		fail_msg("%" PRId64 ": starts with 零: %s", v, s);
	/* 零 between 元 and 角 only if 角 is 0 or the units group is 0 */
	if (strstr(s, "元零") != NULL) {
		int64_t a = v < 0 ? -v : v;
		if (!(a / 10 % 10 == 0 || a / 100 % 10000 == 0))
			fail_msg("%" PRId64 ": needless 元零 in %s", v, s);
	}
}

static void test_daxie_reads_back(void **state)
{
	uint64_t x = 0x9E3779B97F4A7C15u;
	int64_t v;
	int i;

	(void)state;
	for (v = 0; v <= 2000000; v++)
		check_daxie_shape(v);
	for (v = 0; v <= 99999999; v += 9973)
		check_daxie_shape(v * 100);
	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* numbers with many zeros: keep each digit with probability 1/3 */
		v = 0;
		for (int d = 0; d < 14; d++) {
			uint64_t r = (x >> (d * 4)) & 0xF;
			v = v * 10 + (r % 3 == 0 ? (int64_t)(r % 9) + 1 : 0);
		}
		check_daxie_shape(i % 2 ? v : -v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_accepts, reset),
		cmocka_unit_test_setup(test_parse_rejects_with_reason, reset),
		cmocka_unit_test_setup(test_parse_overflow, reset),
		cmocka_unit_test_setup(test_parse_field_and_language, reset),
		cmocka_unit_test_setup(test_format, reset),
		cmocka_unit_test_setup(test_format_plain, reset),
		cmocka_unit_test_setup(test_format_small_buffer, reset),
		cmocka_unit_test_setup(test_format_parse_round_trip, reset),
		cmocka_unit_test_setup(test_daxie_brief_examples, reset),
		cmocka_unit_test_setup(test_daxie_regulation_examples, reset),
		cmocka_unit_test_setup(test_daxie_jiao_fen_and_zheng, reset),
		cmocka_unit_test_setup(test_daxie_zero_rules, reset),
		cmocka_unit_test_setup(test_daxie_negative_and_limits, reset),
		cmocka_unit_test_setup(test_daxie_reads_back, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
