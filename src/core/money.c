/*
 * money.c - amounts of money as int64 fen; text in and out, Chinese capitals.
 *
 * Integer arithmetic only.  Negative values are handled through their
 * magnitude as uint64_t so INT64_MIN never overflows.
 */
#include "hall/money.h"

#include <string.h>

#define MONEY_MAX_YUAN INT64_C(999999999999)

/* Error "<field>：<rule>" / "<field>: <rule>", or the bare rule without a
 * field.  The rules are plain text (no format directives). */
static int fail(struct hall_err *err, const char *field, const char *zh,
                const char *en)
{
	if (field != NULL && field[0] != '\0')
		return hall_err_set(err, HALL_EINVAL, field, "%s：%s%.0s",
		                    "%s: %.0s%s", field, zh, en);
	return hall_err_set(err, HALL_EINVAL, NULL, "%.0s%s%.0s", "%.0s%.0s%s",
	                    "", zh, en);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Explain what is wrong with text that is not a plain amount. */
static int fail_chars(struct hall_err *err, const char *field, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	if (strstr(s, "元") != NULL || strstr(s, "¥") != NULL ||
	    strstr(s, "￥") != NULL)
		return fail(err, field, "只填数字，不要带“¥”或“元”",
		            "digits only, without '¥' or 'yuan'");
	for (i = 0; s[i] != '\0'; i++) {
		/* U+FF01..U+FF5E full-width forms: EF BC 81 .. EF BD 9E */
		if (u[i] == 0xEF && (u[i + 1] == 0xBC || u[i + 1] == 0xBD))
			return fail(err, field, "请用半角数字和符号（关闭全角输入）",
			            "use half-width (ASCII) digits and signs");
		if (u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x82)
			return fail(err, field, "小数点请用半角“.”，不用“。”",
			            "use '.' as the decimal point, not '。'");
	}
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			return fail(err, field, "不能含空格",
			            "must not contain spaces");
		if (c == '+')
			return fail(err, field, "不能带“+”号",
			            "must not have a '+' sign");
		if ((c == 'e' || c == 'E') && i > 0 && is_digit(s[i - 1]))
			return fail(err, field, "不能用科学计数法（如1e3）",
			            "must not use an exponent (like 1e3)");
	}
	return fail(err, field, "只能包含数字、负号“-”、千位分隔符“,”和小数点“.”",
	            "only digits, '-', ',' and '.' are allowed");
}

int money_parse(const char *s, const char *field, int64_t *fen,
                struct hall_err *err)
{
	const char *p, *int_start, *int_end, *dot;
	bool neg = false, grouped = false;
	int64_t yuan = 0, frac = 0;
	size_t ndec, group;
	const char *q;

	if (s == NULL || s[0] == '\0')
		return fail(err, field, "不能为空", "must not be empty");
	for (q = s; *q != '\0'; q++)
		if (!is_digit(*q) && *q != '-' && *q != ',' && *q != '.')
			return fail_chars(err, field, s);

	p = s;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (strchr(p, '-') != NULL)
		return fail(err, field, "负号“-”只能在最前面",
		            "a '-' sign may only come first");
	dot = strchr(p, '.');
	if (dot != NULL && strchr(dot + 1, '.') != NULL)
		return fail(err, field, "只能有一个小数点",
		            "only one decimal point is allowed");
	if (dot != NULL && strchr(dot + 1, ',') != NULL)
		return fail(err, field, "小数部分不能有“,”",
		            "no ',' after the decimal point");
	int_start = p;
	int_end = dot != NULL ? dot : p + strlen(p);
	if (int_end == int_start) {
		if (dot != NULL && is_digit(dot[1]))
			return fail(err, field, "小数点前须有数字（如0.5）",
			            "a digit must come before the decimal point (like 0.5)");
		return fail(err, field, "没有数字", "no digits");
	}

	/* integer part: plain digits, or groups of three after a first group
	 * of 1-3 digits that does not start with 0 */
	grouped = memchr(int_start, ',', (size_t)(int_end - int_start)) != NULL;
	if (grouped) {
		const char *seg = int_start, *comma, *end;
		bool first = true, ok = true;

		while (ok) {
			comma = memchr(seg, ',', (size_t)(int_end - seg));
			end = comma != NULL ? comma : int_end;
			group = (size_t)(end - seg);
			if (first)
				ok = group >= 1 && group <= 3 && *seg != '0';
			else
				ok = group == 3;
			first = false;
			if (comma == NULL)
				break;
			seg = comma + 1;
		}
		if (!ok)
			return fail(err, field,
			            "千位分隔符“,”位置不对（应如1,234.56）",
			            "misplaced thousands separator ',' (write like 1,234.56)");
	}
	for (q = int_start; q < int_end; q++) {
		if (*q == ',')
			continue;
		/* yuan*10 + d > MAX  <=>  yuan > (MAX - d) / 10 */
		if (yuan > (MONEY_MAX_YUAN - (*q - '0')) / 10)
			return fail(err, field, "金额不能超过999,999,999,999.99元",
			            "must not exceed 999,999,999,999.99 yuan");
		yuan = yuan * 10 + (*q - '0');
	}

	if (dot != NULL) {
		ndec = strlen(dot + 1);
		if (ndec == 0)
			return fail(err, field, "小数点后须有1到2位数字",
			            "1 or 2 digits must follow the decimal point");
		if (ndec > 2)
			return fail(err, field, "金额最多两位小数（分）",
			            "at most 2 decimals (fen)");
		frac = (dot[1] - '0') * 10;
		if (ndec == 2)
			frac += dot[2] - '0';
	}
	if (fen != NULL)
		*fen = neg ? -(yuan * 100 + frac) : yuan * 100 + frac;
	hall_err_clear(err);
	return HALL_OK;
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* Write the amount into out; grouped adds ',' every three yuan digits.
 * When out is too small it gets "" rather than a shortened amount. */
static char *format_amount(int64_t fen, char *out, size_t outsz, bool grouped)
{
	char tmp[40];
	size_t pos = sizeof tmp, len, digits = 0;
	uint64_t u = magnitude(fen), yuan = u / 100;
	unsigned cents = (unsigned)(u % 100);

	if (out == NULL || outsz == 0)
		return out;
	tmp[--pos] = '\0';
	tmp[--pos] = (char)('0' + cents % 10);
	tmp[--pos] = (char)('0' + cents / 10);
	tmp[--pos] = '.';
	do {
		if (grouped && digits > 0 && digits % 3 == 0)
			tmp[--pos] = ',';
		tmp[--pos] = (char)('0' + yuan % 10);
		yuan /= 10;
		digits++;
	} while (yuan > 0);
	if (fen < 0)
		tmp[--pos] = '-';
	len = sizeof tmp - pos;   /* with the NUL */
	if (len > outsz) {
		out[0] = '\0';
		return out;
	}
	memcpy(out, tmp + pos, len);
	return out;
}

char *money_format(int64_t fen, char *out, size_t outsz)
{
	return format_amount(fen, out, outsz, true);
}

char *money_format_plain(int64_t fen, char *out, size_t outsz)
{
	return format_amount(fen, out, outsz, false);
}

/* ------------------------------------------------------------ 大写 */

static const char *const DIGIT[10] = {
	"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖",
};
static const char *const POS_UNIT[4] = { "", "拾", "佰", "仟" };
static const char *const GROUP_UNIT[3] = { "", "万", "亿" };

struct sbuf {
	char *p;
	size_t size, len;
	bool overflow;
};

static void put(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->overflow || b->len + n >= b->size) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

/* One group of four digits (1..9999): a single 零 for every run of zeros
 * between two non-zero digits; leading and trailing zeros are not written
 * (the caller handles the zero before a group). */
static void put_group(struct sbuf *b, unsigned v)
{
	unsigned d[4] = { v / 1000, v / 100 % 10, v / 10 % 10, v % 10 };
	bool started = false, zero = false;
	int i;

	for (i = 0; i < 4; i++) {
		if (d[i] == 0) {
			if (started)
				zero = true;
			continue;
		}
		if (zero)
			put(b, DIGIT[0]);
		put(b, DIGIT[d[i]]);
		put(b, POS_UNIT[3 - i]);
		started = true;
		zero = false;
	}
}

char *money_daxie(int64_t fen, char *out, size_t outsz)
{
	struct sbuf b = { out, outsz, 0, false };
	uint64_t u = magnitude(fen), yuan;
	unsigned groups[3], jiao, fen_d;
	bool started = false, gap = false;
	int g;

	if (out == NULL || outsz == 0)
		return out;
	out[0] = '\0';
	if (u > (uint64_t)MONEY_MAX_FEN)
		return out;
	yuan = u / 100;
	jiao = (unsigned)(u / 10 % 10);
	fen_d = (unsigned)(u % 10);
	groups[0] = (unsigned)(yuan % 10000);
	groups[1] = (unsigned)(yuan / 10000 % 10000);
	groups[2] = (unsigned)(yuan / 100000000);

	if (fen < 0)
		put(&b, "负");
	/* Integer part, 亿 / 万 / units groups.  A 零 goes before a group when
	 * a higher group was written and either a whole group between them is
	 * zero (壹亿零壹元) or the group's thousands digit is zero
	 * (壹佰万零壹拾元).  Zeros at the end of a group are implied by the
	 * group's unit (壹拾万柒仟元). */
	for (g = 2; g >= 0; g--) {
		if (groups[g] == 0) {
			if (started)
				gap = true;
			continue;
		}
		if (started && (gap || groups[g] < 1000))
			put(&b, DIGIT[0]);
		put_group(&b, groups[g]);
		put(&b, GROUP_UNIT[g]);
		started = true;
		gap = false;
	}
	if (started)
		put(&b, "元");
	if (jiao == 0 && fen_d == 0) {
		put(&b, started ? "整" : "零元整");
	} else {
		/* 角分 work like one more group: 零 after 元 when 角 is zero
		 * (壹拾元零伍分, mandatory) or when the whole 仟佰拾元 group is
		 * zero (壹拾万元零壹角).  A zero 元 digit alone before 角 is
		 * implied by 元 (壹拾元伍角), which the rules allow. */
		if (started && (jiao == 0 || gap))
			put(&b, DIGIT[0]);
		if (jiao != 0) {
			put(&b, DIGIT[jiao]);
			put(&b, "角");
		}
		if (fen_d != 0) {
			put(&b, DIGIT[fen_d]);
			put(&b, "分");
		}
	}
	if (b.overflow)
		out[0] = '\0';
	return out;
}
