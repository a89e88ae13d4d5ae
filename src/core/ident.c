/*
 * ident.c - identity numbers, phone numbers and dates.
 */
#include "hall/ident.h"

#include <limits.h>
#include <string.h>
#include <time.h>

static const int RESIDENT_W[17] = {
	7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2,
};
static const char RESIDENT_CHECK[] = "10X98765432";

static const char USCC_SET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int USCC_W[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

/* Error "<field>：<rule>" / "<field>: <rule>", or the bare rule. */
static int fail(struct hall_err *err, const char *field, const char *zh,
                const char *en)
{
	if (field != NULL && field[0] != '\0')
		return hall_err_set(err, HALL_EINVAL, field, "%s：%s%.0s",
		                    "%s: %.0s%s", field, zh, en);
	return hall_err_set(err, HALL_EINVAL, NULL, "%.0s%s%.0s", "%.0s%.0s%s",
	                    "", zh, en);
}

static int ok(struct hall_err *err)
{
	hall_err_clear(err);
	return HALL_OK;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static bool has_fullwidth(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u != '\0'; u++)
		if (u[0] == 0xEF && (u[1] == 0xBC || u[1] == 0xBD))
			return true;
	return false;
}

static bool has_space(const char *s)
{
	return strpbrk(s, " \t\r\n") != NULL;
}

/* ------------------------------------------------------------ dates */

bool ident_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int ident_days_in_month(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && ident_is_leap(year))
		return 29;
	return days[month - 1];
}

static long floor_div(long a, long b)
{
	long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* H. Hinnant's days_from_civil, proleptic Gregorian calendar.  The month
 * may be outside 1..12 and the day outside the month: they carry over
 * (month 13 is January of the next year, day 0 the last of the month
 * before). */
long ident_days_from_civil(int y, int m, int d)
{
	long yy = (long)y + floor_div((long)m - 1, 12);
	long mm = (long)m - 1 - floor_div((long)m - 1, 12) * 12 + 1; /* 1..12 */
	long era, yoe, doy, doe;

	if (mm <= 2)
		yy--;
	era = floor_div(yy, 400);
	yoe = yy - era * 400;                               /* 0..399 */
	doy = (153 * (mm > 2 ? mm - 3 : mm + 9) + 2) / 5;   /* 0..365 */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        /* 0..146096 */
	return era * 146097 + doe - 719468 + ((long)d - 1);
}

/* Day numbers whose year fits an int comfortably. */
#define DAYS_LIMIT 700000000000L
_Static_assert(LONG_MAX >= DAYS_LIMIT, "long must have 64 bits");

void ident_civil_from_days(long days, int *y, int *m, int *d)
{
	long z, era, doe, yoe, yy, doy, mp, dd, mo;

	if (days > DAYS_LIMIT)
		days = DAYS_LIMIT;
	if (days < -DAYS_LIMIT)
		days = -DAYS_LIMIT;
	z = days + 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;                                     /* 0..146096 */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* 0..365 */
	mp = (5 * doy + 2) / 153;                                   /* 0..11 */
	dd = doy - (153 * mp + 2) / 5 + 1;                          /* 1..31 */
	mo = mp < 10 ? mp + 3 : mp - 9;                             /* 1..12 */
	if (mo <= 2)
		yy++;
	if (y != NULL)
		*y = (int)yy;
	if (m != NULL)
		*m = (int)mo;
	if (d != NULL)
		*d = (int)dd;
}

static bool valid_ymd(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= ident_days_in_month(y, m);
}

static int parse_num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static void today(int *y, int *m, int *d)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL) {
		*y = 2199;
		*m = 12;
		*d = 31;
		return;
	}
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

int ident_date_check(const char *s, const char *field, char out[11],
                     struct hall_err *err)
{
	static const char *const RULE_ZH = "日期应为“年-月-日”，如2024-02-29";
	static const char *const RULE_EN = "a date is year-month-day, like 2024-02-29";
	int y, m, d;

	if (s == NULL || s[0] == '\0')
		return fail(err, field, "不能为空", "must not be empty");
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-' && all_digits(s, 4) &&
	    all_digits(s + 5, 2) && all_digits(s + 8, 2)) {
		y = parse_num(s, 4);
		m = parse_num(s + 5, 2);
		d = parse_num(s + 8, 2);
	} else if (strlen(s) == 8 && all_digits(s, 8)) {
		y = parse_num(s, 4);
		m = parse_num(s + 4, 2);
		d = parse_num(s + 6, 2);
	} else {
		return fail(err, field, RULE_ZH, RULE_EN);
	}
	if (!valid_ymd(y, m, d))
		return fail(err, field, "没有这一天（请核对月份和日）",
		            "no such day (check the month and day)");
	if (y < 1900 || y > 2199)
		return fail(err, field, "年份须在1900到2199之间",
		            "the year must be from 1900 to 2199");
	if (out != NULL) {
		/* y is 1900..2199, m and d two digits */
		out[0] = (char)('0' + y / 1000);
		out[1] = (char)('0' + y / 100 % 10);
		out[2] = (char)('0' + y / 10 % 10);
		out[3] = (char)('0' + y % 10);
		out[4] = '-';
		out[5] = (char)('0' + m / 10);
		out[6] = (char)('0' + m % 10);
		out[7] = '-';
		out[8] = (char)('0' + d / 10);
		out[9] = (char)('0' + d % 10);
		out[10] = '\0';
	}
	return ok(err);
}

/* ------------------------------------------------------------ resident ID */

char ident_resident_checkchar(const char *first17)
{
	int sum = 0, i;

	if (first17 == NULL)
		return '\0';
	for (i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return '\0';
		sum += (first17[i] - '0') * RESIDENT_W[i];
	}
	return RESIDENT_CHECK[sum % 11];
}

int ident_resident_check(const char *s, const char *field,
                         struct hall_err *err)
{
	int y, m, d, ty, tm, td;
	char check, last;

	if (s == NULL || s[0] == '\0')
		return fail(err, field, "不能为空", "must not be empty");
	if (has_fullwidth(s))
		return fail(err, field, "请用半角数字（关闭全角输入）",
		            "use half-width (ASCII) digits");
	if (has_space(s))
		return fail(err, field, "不能含空格", "must not contain spaces");
	if (strlen(s) != 18)
		return fail(err, field, "居民身份证号码须为18位",
		            "a resident ID number has 18 characters");
	last = s[17];
	if (!all_digits(s, 17) ||
	    !(is_digit(last) || last == 'X' || last == 'x'))
		return fail(err, field,
		            "居民身份证号码为17位数字加1位校验码（数字或X）",
		            "a resident ID number is 17 digits and a check digit or X");
	y = parse_num(s + 6, 4);
	m = parse_num(s + 10, 2);
	d = parse_num(s + 12, 2);
	if (!valid_ymd(y, m, d) || y < 1900)
		return fail(err, field, "第7至14位不是有效的出生日期",
		            "characters 7-14 are not a valid birth date");
	today(&ty, &tm, &td);
	if (ident_days_from_civil(y, m, d) > ident_days_from_civil(ty, tm, td))
		return fail(err, field, "出生日期不能晚于今天",
		            "the birth date cannot be after today");
	check = ident_resident_checkchar(s);
	if (check != (last == 'x' ? 'X' : last))
		return fail(err, field, "校验码不对，请核对号码",
		            "the check character is wrong: check the number");
	return ok(err);
}

/* ------------------------------------------------------------ USCC */

static int uscc_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(USCC_SET, c);
	return p != NULL ? (int)(p - USCC_SET) : -1;
}

char ident_uscc_checkchar(const char *first17)
{
	int sum = 0, i, v;

	if (first17 == NULL)
		return '\0';
	for (i = 0; i < 17; i++) {
		v = uscc_value(first17[i]);
		if (v < 0)
			return '\0';
		sum += v * USCC_W[i];
	}
	return USCC_SET[(31 - sum % 31) % 31];
}

int ident_uscc_check(const char *s, const char *field, struct hall_err *err)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return fail(err, field, "不能为空", "must not be empty");
	if (has_fullwidth(s))
		return fail(err, field, "请用半角字母和数字（关闭全角输入）",
		            "use half-width (ASCII) letters and digits");
	if (has_space(s))
		return fail(err, field, "不能含空格", "must not contain spaces");
	if (strlen(s) != 18)
		return fail(err, field, "统一社会信用代码须为18位",
		            "a unified social credit code has 18 characters");
	for (i = 0; i < 18; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			return fail(err, field, "字母须大写",
			            "letters must be capitals");
		if (uscc_value(s[i]) < 0)
			return fail(err, field,
			            "只能用数字和大写字母（不含I、O、S、V、Z）",
			            "only digits and capitals other than I, O, S, V, Z");
	}
	if (ident_uscc_checkchar(s) != s[17])
		return fail(err, field, "校验码不对，请核对代码",
		            "the check character is wrong: check the code");
	return ok(err);
}

/* ------------------------------------------------------------ phones */

static bool is_mobile(const char *s, size_t n)
{
	return n == 11 && all_digits(s, n) && s[0] == '1' && s[1] >= '3';
}

/* Area code 0 + 2-3 digits, the first of them not 0 (00 is the
 * international prefix). */
static bool is_area(const char *s, size_t n)
{
	return (n == 3 || n == 4) && all_digits(s, n) && s[0] == '0' &&
	       s[1] != '0';
}

static bool is_local(const char *s, size_t n)
{
	return (n == 7 || n == 8) && all_digits(s, n);
}

/* Area code and number written together. */
static bool is_landline_joined(const char *s, size_t n)
{
	return n >= 10 && n <= 12 && all_digits(s, n) && s[0] == '0' &&
	       s[1] != '0';
}

static bool is_ext(const char *s, size_t n)
{
	return n >= 1 && n <= 6 && all_digits(s, n);
}

int ident_phone_check(const char *s, const char *field, struct hall_err *err)
{
	const char *part[4];
	size_t len[4], n = 0;
	const char *p, *dash;
	bool good;

	if (s == NULL || s[0] == '\0')
		return fail(err, field, "不能为空", "must not be empty");
	if (has_fullwidth(s))
		return fail(err, field, "请用半角数字（关闭全角输入）",
		            "use half-width (ASCII) digits");
	if (has_space(s))
		return fail(err, field, "不能含空格", "must not contain spaces");
	for (p = s; n < 4; p = dash + 1) {
		dash = strchr(p, '-');
		part[n] = p;
		len[n] = dash != NULL ? (size_t)(dash - p) : strlen(p);
		n++;
		if (dash == NULL)
			break;
	}
	if (n == 4)
		good = false;
	else if (n == 1)
		good = is_mobile(s, len[0]) || is_landline_joined(s, len[0]);
	else if (n == 2)
		good = (is_area(part[0], len[0]) && is_local(part[1], len[1])) ||
		       (is_landline_joined(part[0], len[0]) &&
		        is_ext(part[1], len[1]));
	else
		good = is_area(part[0], len[0]) && is_local(part[1], len[1]) &&
		       is_ext(part[2], len[2]);
	if (good)
		return ok(err);
	if (n == 1 && len[0] == 11 && s[0] == '1' && all_digits(s, 11))
		return fail(err, field, "手机号码第二位应为3到9",
		            "the second digit of a mobile number is 3 to 9");
	return fail(err, field,
	            "手机为1开头的11位数字；固话须带区号，如010-12345678",
	            "a mobile number is 11 digits starting with 1; a landline "
	            "needs its area code, like 010-12345678");
}

/* ------------------------------------------------------------ others */

int ident_other_check(const char *s, const char *field, struct hall_err *err)
{
	size_t n, i;
	bool alnum = false;

	if (s == NULL || s[0] == '\0')
		return fail(err, field, "不能为空", "must not be empty");
	if (has_fullwidth(s))
		return fail(err, field, "请用半角字母和数字（关闭全角输入）",
		            "use half-width (ASCII) letters and digits");
	n = strlen(s);
	for (i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    is_digit(c))
			alnum = true;
		else if (c != '-')
			return fail(err, field, "只能用字母、数字和“-”",
			            "only letters, digits and '-' are allowed");
	}
	if (n < 5 || n > 30)
		return fail(err, field, "证件号码须为5到30位",
		            "a document number has 5 to 30 characters");
	if (!alnum)
		return fail(err, field, "证件号码须含字母或数字",
		            "a document number needs letters or digits");
	return ok(err);
}

int ident_check_by_type(const char *id_type, const char *s, const char *field,
                        struct hall_err *err)
{
	if (id_type == NULL || id_type[0] == '\0')
		return fail(err, field, "请先选择证件类型",
		            "choose the document type first");
	if (strcmp(id_type, "resident_id") == 0)
		return ident_resident_check(s, field, err);
	if (strcmp(id_type, "uscc") == 0)
		return ident_uscc_check(s, field, err);
	if (strcmp(id_type, "passport") == 0 || strcmp(id_type, "other") == 0)
		return ident_other_check(s, field, err);
	return fail(err, field, "证件类型未知", "unknown document type");
}

/* ------------------------------------------------------------ masking */

/* Number of characters (a byte that is not a UTF-8 continuation byte
 * starts one). */
static size_t count_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Copy s into out keeping the first `head` and the last `tail` characters,
 * every other character becomes one '*' ('-' kept when keep_dash).  The
 * result is never longer than s.  out too small: "". */
static char *mask(const char *s, char *out, size_t outsz, size_t head,
                  size_t tail, bool keep_dash)
{
	size_t nch, idx = 0, o = 0;
	const char *p;

	if (out == NULL || outsz == 0)
		return out;
	if (s == NULL)
		s = "";
	if (strlen(s) + 1 > outsz) {
		out[0] = '\0';
		return out;
	}
	nch = count_chars(s);
	for (p = s; *p != '\0'; idx++) {
		size_t clen = 1;
		while ((((unsigned char)p[clen]) & 0xC0) == 0x80)
			clen++;
		if (idx < head || idx + tail >= nch || (keep_dash && *p == '-')) {
			memcpy(out + o, p, clen);
			o += clen;
		} else {
			out[o++] = '*';
		}
		p += clen;
	}
	out[o] = '\0';
	return out;
}

static bool ascii_alnum(const char *s)
{
	for (; *s != '\0'; s++)
		if (!is_digit(*s) && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= 'a' && *s <= 'z'))
			return false;
	return true;
}

char *ident_mask_id(const char *s, char *out, size_t outsz)
{
	size_t n;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (n == 18 && all_digits(s, 17) &&
	    (is_digit(s[17]) || s[17] == 'X' || s[17] == 'x'))
		return mask(s, out, outsz, 6, 4, false);
	if (n == 18 && ascii_alnum(s))
		return mask(s, out, outsz, 8, 4, false);
	if (count_chars(s) <= 4)
		return mask(s, out, outsz, 0, 0, false);
	return mask(s, out, outsz, 0, 4, false);
}

char *ident_mask_phone(const char *s, char *out, size_t outsz)
{
	size_t nch;

	if (s == NULL)
		s = "";
	nch = count_chars(s);
	if (nch >= 8)
		return mask(s, out, outsz, 3, 4, true);
	return mask(s, out, outsz, 0, nch > 2 ? 2 : 0, true);
}
