/* calendar.c - the working-day calendar: files, the store, and working-day
 * and working-hour arithmetic in local time. */
#include "hall/calendar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hall/utf8.h"
#include "hall/workorder.h"

#define DAY_SECS 86400
#define DEFAULT_WINDOW "08:30-17:30"
/* No arithmetic walks further than this many days (a calendar that marks
 * every day off would otherwise never end). */
#define WALK_LIMIT (366 * 30)

/* ------------------------------------------------------------ dates */

int32_t cal_days_from_ymd(int y, int m, int d)
{
	/* H. Hinnant's days_from_civil */
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void cal_ymd(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*m <= 2);
}

static int month_days(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : n[m - 1];
}

bool cal_parse_date(const char *s, int32_t *day)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return false;
	*day = cal_days_from_ymd(y, m, d);
	return true;
}

void cal_format_date(int32_t day, char out[11])
{
	int y, m, d;
	cal_ymd(day, &y, &m, &d);
	char buf[48];
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m, d);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

int cal_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday */
	int w = (int)((day % 7 + 7 + 3) % 7);
	return w + 1;
}

int32_t cal_add_months(int32_t day, int months)
{
	int y, m, d;
	cal_ymd(day, &y, &m, &d);
	int idx = y * 12 + (m - 1) + months;
	y = idx / 12;
	m = idx % 12 + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return cal_days_from_ymd(y, m, d);
}

static bool parse_utc(const char *v, struct tm *tm)
{
	memset(tm, 0, sizeof *tm);
	if (!v || strlen(v) != 20 || v[4] != '-' || v[7] != '-' || v[10] != 'T' ||
	    v[13] != ':' || v[16] != ':' || v[19] != 'Z')
		return false;
	return sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm->tm_year, &tm->tm_mon,
	              &tm->tm_mday, &tm->tm_hour, &tm->tm_min, &tm->tm_sec) == 6;
}

bool cal_utc_to_wall(const char *utc, int64_t *wall)
{
	struct tm tm;
	if (!parse_utc(utc, &tm))
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	struct tm lt;
	if (!localtime_r(&t, &lt))
		return false;
	*wall = (int64_t)cal_days_from_ymd(lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday) * DAY_SECS +
	        lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec;
	return true;
}

void cal_wall_to_utc(int64_t wall, char out[21])
{
	int64_t day = wall >= 0 ? wall / DAY_SECS : -((-wall + DAY_SECS - 1) / DAY_SECS);
	int64_t sec = wall - day * DAY_SECS;
	int y, m, d;
	cal_ymd((int32_t)day, &y, &m, &d);
	struct tm tm = { 0 };
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = (int)(sec / 3600);
	tm.tm_min = (int)(sec / 60 % 60);
	tm.tm_sec = (int)(sec % 60);
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	struct tm g;
	gmtime_r(&t, &g);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &g);
}

/* --------------------------------------------------------- windows */

static bool parse_hhmm(const char *s, size_t n, int *secs)
{
	if (n != 5 || s[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return false;
	*secs = h * 3600 + m * 60;
	return true;
}

int cal_window_parse(const char *text, struct cal_window *win, int *nwin,
                     struct hall_err *err)
{
	int n = 0, prev_end = -1;
	const char *p = text ? text : "";
	if (!*p)
		goto bad;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *dash = memchr(p, '-', len);
		int a, b;
		if (!dash || n == CAL_MAX_WINDOWS ||
		    !parse_hhmm(p, (size_t)(dash - p), &a) ||
		    !parse_hhmm(dash + 1, len - (size_t)(dash - p) - 1, &b) ||
		    a >= b || a < prev_end)
			goto bad;
		win[n].start = a;
		win[n].end = b;
		prev_end = b;
		n++;
		p += len;
		if (*p == ',')
			p++;
		else
			break;
	}
	if (p[-1] == ',')
		goto bad;
	*nwin = n;
	return HALL_OK;
bad:
	return hall_err_set(err, HALL_EINVAL, "work_window",
		"工作时段：应写成 08:30-17:30，或多段 08:30-12:00,14:00-17:30（从早到晚、不重叠，最多%d段），现为“%s”",
		"working hours: write 08:30-17:30, or several windows 08:30-12:00,14:00-17:30 (in order, not overlapping, at most %d), not \"%s\"",
		CAL_MAX_WINDOWS, text ? text : "");
}

/* ------------------------------------------------------------ files */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Next white-space separated token of *p (moved past it). */
static size_t token(const char **p, const char **start)
{
	while (is_space(**p))
		(*p)++;
	*start = *p;
	while (**p && !is_space(**p))
		(*p)++;
	return (size_t)(*p - *start);
}

static bool tok_is(const char *t, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(t, word, n) == 0;
}

static int cmp_day(const void *a, const void *b)
{
	const struct cal_day *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

#define LINE_MAX_BYTES 1024

int calendar_parse(const char *text, const char *path, struct cal_year *out,
                   struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	const char *p = text ? text : "";
	int lineno = 0;
	bool have_status = false, have_source = false;
	char line[LINE_MAX_BYTES + 1];
	if (!utf8_valid(p, strlen(p)))
		return hall_err_set(err, HALL_EINVAL, NULL,
			"%s: 不是 UTF-8 文本（请用 UTF-8 保存）",
			"%s: not UTF-8 text (save it as UTF-8)", path);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (len > LINE_MAX_BYTES)
			return hall_err_set(err, HALL_EINVAL, NULL, "%s:%d: 这一行太长",
			                    "%s:%d: line too long", path, lineno);
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		while (len && is_space(line[len - 1]))
			line[--len] = '\0';
		const char *q = line;
		while (is_space(*q))
			q++;
		if (!*q || *q == '#')
			continue;
		if (utf8_has_control(q, false)) {
			/* tabs are separators, not control characters here; every
			 * other control (C0, DEL, C1) is refused */
			char *flat = strdup(q);
			if (!flat)
				return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
			for (char *c = flat; *c; c++)
				if (*c == '\t')
					*c = ' ';
			bool bad = utf8_has_control(flat, false);
			free(flat);
			if (bad)
				return hall_err_set(err, HALL_EINVAL, NULL,
					"%s:%d: 含有控制字符", "%s:%d: control character",
					path, lineno);
		}
		const char *t;
		size_t tn = token(&q, &t);
		if (tok_is(t, tn, "year")) {
			const char *v;
			size_t vn = token(&q, &v);
			char num[16];
			char *end;
			if (out->year)
				return hall_err_set(err, HALL_EINVAL, NULL,
					"%s:%d: year 只能写一次", "%s:%d: year given twice",
					path, lineno);
			snprintf(num, sizeof num, "%.*s", (int)(vn < 15 ? vn : 15), v);
			long y = strtol(num, &end, 10);
			while (is_space(*q))
				q++;
			if (!vn || *end || *q || y < CAL_YEAR_MIN || y > CAL_YEAR_MAX)
				return hall_err_set(err, HALL_EINVAL, NULL,
					"%s:%d: year 后应为 %d 至 %d 的年份", "%s:%d: year must be followed by a year %d to %d",
					path, lineno, CAL_YEAR_MIN, CAL_YEAR_MAX);
			if (out->ndays)
				return hall_err_set(err, HALL_EINVAL, NULL,
					"%s:%d: year 应写在日期之前", "%s:%d: year must come before the dates",
					path, lineno);
			out->year = (int)y;
			continue;
		}
		if (tok_is(t, tn, "status")) {
			const char *v;
			size_t vn = token(&q, &v);
			while (is_space(*q))
				q++;
			if (have_status)
				return hall_err_set(err, HALL_EINVAL, NULL,
					"%s:%d: status 只能写一次", "%s:%d: status given twice", path, lineno);
			if (*q || !(tok_is(v, vn, "official") || tok_is(v, vn, "provisional")))
				return hall_err_set(err, HALL_EINVAL, NULL,
					"%s:%d: status 应为 official（已公布）或 provisional（暂定）",
					"%s:%d: status must be official or provisional", path, lineno);
			out->provisional = tok_is(v, vn, "provisional");
			have_status = true;
			continue;
		}
		if (tok_is(t, tn, "source")) {
			while (is_space(*q))
				q++;
			if (have_source)
				return hall_err_set(err, HALL_EINVAL, NULL,
					"%s:%d: source 只能写一次", "%s:%d: source given twice", path, lineno);
			if (utf8_chars(q) > 200)
				return hall_err_set(err, HALL_EINVAL, NULL,
					"%s:%d: source 最多200个字", "%s:%d: source: at most 200 characters",
					path, lineno);
			snprintf(out->source, sizeof out->source, "%s", q);
			have_source = true;
			continue;
		}
		char date[16];
		snprintf(date, sizeof date, "%.*s", (int)(tn < 15 ? tn : 15), t);
		int32_t day;
		if (tn != 10 || !cal_parse_date(date, &day))
			return hall_err_set(err, HALL_EINVAL, NULL,
				"%s:%d: 不认识“%s”：应为 year、status、source，或日期 YYYY-MM-DD 加 off/work",
				"%s:%d: unknown \"%s\": expected year, status, source, or a date YYYY-MM-DD and off/work",
				path, lineno, date);
		if (!out->year)
			return hall_err_set(err, HALL_EINVAL, NULL,
				"%s:%d: 日期之前应先写 year 行", "%s:%d: a year line must come before the dates",
				path, lineno);
		int y, m, d;
		cal_ymd(day, &y, &m, &d);
		if (y != out->year)
			return hall_err_set(err, HALL_EINVAL, NULL,
				"%s:%d: 日期 %s 不在 %d 年内", "%s:%d: the date %s is not in %d",
				path, lineno, date, out->year);
		const char *k;
		size_t kn = token(&q, &k);
		bool work;
		if (tok_is(k, kn, "off") || tok_is(k, kn, "休"))
			work = false;
		else if (tok_is(k, kn, "work") || tok_is(k, kn, "班"))
			work = true;
		else
			return hall_err_set(err, HALL_EINVAL, NULL,
				"%s:%d: 日期 %s 后应为 off（放假）或 work（调休上班）",
				"%s:%d: the date %s must be followed by off or work",
				path, lineno, date);
		while (is_space(*q))
			q++;
		if (utf8_chars(q) > 30)
			return hall_err_set(err, HALL_EINVAL, NULL,
				"%s:%d: 名称最多30个字", "%s:%d: the name: at most 30 characters",
				path, lineno);
		if (work && cal_weekday(day) < 6) {
			static const char *const wd_zh[] = { "", "一", "二", "三", "四", "五" };
			static const char *const wd_en[] = { "", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" };
			return hall_err_set(err, HALL_EINVAL, NULL,
				"%s:%d: %s 是星期%s，本来就是工作日；work 只用于周六、周日调休上班%.0s",
				"%s:%d: %s is a %.0s%s, a working day anyway; work is only for a Saturday or Sunday",
				path, lineno, date, wd_zh[cal_weekday(day)], wd_en[cal_weekday(day)]);
		}
		for (int i = 0; i < out->ndays; i++)
			if (out->days[i].day == day)
				return hall_err_set(err, HALL_EINVAL, NULL,
					"%s:%d: 日期 %s 重复", "%s:%d: the date %s is listed twice",
					path, lineno, date);
		struct cal_day *cd = &out->days[out->ndays++];
		cd->day = day;
		cd->work = work;
		snprintf(cd->name, sizeof cd->name, "%s", q);
	}
	if (!out->year)
		return hall_err_set(err, HALL_EINVAL, NULL,
			"%s: 缺少 year 行（例如 year 2026）", "%s: no year line (e.g. year 2026)", path);
	qsort(out->days, (size_t)out->ndays, sizeof out->days[0], cmp_day);
	return HALL_OK;
}

int calendar_parse_file(const char *path, struct cal_year *out,
                        struct hall_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return hall_err_set(err, HALL_EIO, NULL, "无法打开 %s：%s",
		                    "cannot open %s: %s", path, strerror(errno));
	char *buf = malloc(CAL_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	size_t n = fread(buf, 1, CAL_FILE_MAX + 1, f);
	bool bad = ferror(f);
	fclose(f);
	if (bad || n > CAL_FILE_MAX) {
		free(buf);
		return bad ? hall_err_set(err, HALL_EIO, NULL, "读取 %s 失败", "cannot read %s", path)
		           : hall_err_set(err, HALL_EINVAL, NULL, "%s 太大（日历文件最多 %d 字节）",
		                          "%s is too large (at most %d bytes)", path, CAL_FILE_MAX);
	}
	buf[n] = '\0';
	int rc = strlen(buf) != n
		? hall_err_set(err, HALL_EINVAL, NULL, "%s: 含有 NUL 字节，不是文本文件",
		               "%s: contains NUL bytes; not a text file", path)
		: calendar_parse(buf, path, out, err);
	free(buf);
	return rc;
}

void calendar_write(const struct cal_year *y, void (*put)(void *ud, const char *line),
                    void *ud)
{
	char line[LINE_MAX_BYTES + 64];
	snprintf(line, sizeof line, "year %d", y->year);
	put(ud, line);
	put(ud, y->provisional ? "status provisional" : "status official");
	if (y->source[0]) {
		snprintf(line, sizeof line, "source %s", y->source);
		put(ud, line);
	}
	for (int i = 0; i < y->ndays; i++) {
		char d[11];
		cal_format_date(y->days[i].day, d);
		snprintf(line, sizeof line, "%s %s%s%s", d, y->days[i].work ? "work" : "off",
		         y->days[i].name[0] ? " " : "", y->days[i].name);
		put(ud, line);
	}
}

/* --------------------------------------------------------- in memory */

struct hall_calendar *calendar_new(void)
{
	struct hall_calendar *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	cal_window_parse(DEFAULT_WINDOW, c->win, &c->nwin, NULL);
	return c;
}

void calendar_free(struct hall_calendar *c)
{
	if (!c)
		return;
	free(c->days);
	free(c);
}

int calendar_add_year(struct hall_calendar *c, const struct cal_year *y,
                      struct hall_err *err)
{
	if (y->year < CAL_YEAR_MIN || y->year > CAL_YEAR_MAX)
		return hall_err_set(err, HALL_EINVAL, NULL, "年份 %d 超出范围",
		                    "year %d out of range", y->year);
	/* drop the year's old days */
	int keep = 0;
	for (int i = 0; i < c->ndays; i++) {
		int yy, m, d;
		cal_ymd(c->days[i].day, &yy, &m, &d);
		if (yy != y->year)
			c->days[keep++] = c->days[i];
	}
	c->ndays = keep;
	struct cal_day *nd = realloc(c->days, sizeof *nd * (size_t)(c->ndays + y->ndays + 1));
	if (!nd)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	c->days = nd;
	memcpy(c->days + c->ndays, y->days, sizeof *nd * (size_t)y->ndays);
	c->ndays += y->ndays;
	qsort(c->days, (size_t)c->ndays, sizeof *c->days, cmp_day);
	int i = 0;
	while (i < c->nyears && c->years[i] < y->year)
		i++;
	if (i == c->nyears || c->years[i] != y->year) {
		memmove(&c->years[i + 1], &c->years[i], sizeof c->years[0] * (size_t)(c->nyears - i));
		memmove(&c->provisional[i + 1], &c->provisional[i],
		        sizeof c->provisional[0] * (size_t)(c->nyears - i));
		c->nyears++;
	}
	c->years[i] = y->year;
	c->provisional[i] = y->provisional;
	return HALL_OK;
}

static int year_index(const struct hall_calendar *c, int year)
{
	for (int i = 0; i < c->nyears; i++)
		if (c->years[i] == year)
			return i;
	return -1;
}

bool cal_covers(const struct hall_calendar *c, int year)
{
	return year_index(c, year) >= 0;
}

bool cal_is_provisional(const struct hall_calendar *c, int year)
{
	int i = year_index(c, year);
	return i >= 0 && c->provisional[i];
}

static const struct cal_day *find_day(const struct hall_calendar *c, int32_t day)
{
	int lo = 0, hi = c->ndays - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (c->days[mid].day == day)
			return &c->days[mid];
		if (c->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

bool cal_is_workday(const struct hall_calendar *c, int32_t day)
{
	const struct cal_day *d = find_day(c, day);
	if (d)
		return d->work;
	return cal_weekday(day) <= 5;
}

const char *cal_day_name(const struct hall_calendar *c, int32_t day)
{
	const struct cal_day *d = find_day(c, day);
	return d ? d->name : "";
}

int cal_workdays_between(const struct hall_calendar *c, int32_t from, int32_t to)
{
	int n = 0;
	for (int32_t d = from + 1; d <= to; d++)
		n += cal_is_workday(c, d);
	return n;
}

int32_t cal_add_workdays(const struct hall_calendar *c, int32_t day, int n)
{
	int32_t d = day;
	for (int steps = 0; n > 0 && steps < WALK_LIMIT; steps++) {
		d++;
		if (cal_is_workday(c, d))
			n--;
	}
	return d;
}

static int64_t floor_day(int64_t wall)
{
	return wall >= 0 ? wall / DAY_SECS : -((-wall + DAY_SECS - 1) / DAY_SECS);
}

int64_t cal_work_seconds_between(const struct hall_calendar *c, int64_t a,
                                 int64_t b)
{
	int64_t sum = 0;
	if (b <= a)
		return 0;
	for (int64_t day = floor_day(a); day <= floor_day(b - 1); day++) {
		if (!cal_is_workday(c, (int32_t)day))
			continue;
		for (int i = 0; i < c->nwin; i++) {
			int64_t ws = day * DAY_SECS + c->win[i].start;
			int64_t we = day * DAY_SECS + c->win[i].end;
			int64_t lo = ws > a ? ws : a, hi = we < b ? we : b;
			if (hi > lo)
				sum += hi - lo;
		}
	}
	return sum;
}

int64_t cal_add_work_seconds(const struct hall_calendar *c, int64_t a,
                             int64_t secs)
{
	if (secs <= 0 || c->nwin == 0)
		return a;
	int64_t day = floor_day(a);
	for (int steps = 0; steps < WALK_LIMIT; steps++, day++) {
		if (!cal_is_workday(c, (int32_t)day))
			continue;
		for (int i = 0; i < c->nwin; i++) {
			int64_t ws = day * DAY_SECS + c->win[i].start;
			int64_t we = day * DAY_SECS + c->win[i].end;
			int64_t from = ws > a ? ws : a;
			if (from >= we)
				continue;
			if (secs <= we - from)
				return from + secs;
			secs -= we - from;
		}
	}
	return day * DAY_SECS;
}

/* ------------------------------------------------------------ store */

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static int load_window(struct store *s, struct hall_calendar *c,
                       struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"SELECT value FROM work_settings WHERE key = 'work_window'", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	int rc = sqlite3_step(st);
	char text[128] = DEFAULT_WINDOW;
	if (rc == SQLITE_ROW)
		snprintf(text, sizeof text, "%s", col(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(s, rc, "读取工作时段", "reading the working hours", err);
	if (cal_window_parse(text, c->win, &c->nwin, NULL) != HALL_OK)
		cal_window_parse(DEFAULT_WINDOW, c->win, &c->nwin, NULL);
	return HALL_OK;
}

int calendar_load(struct store *s, struct hall_calendar **out,
                  struct hall_err *err)
{
	*out = NULL;
	struct hall_calendar *c = calendar_new();
	if (!c)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	sqlite3_stmt *st = store_stmt(s,
		"SELECT year, status FROM calendar_years ORDER BY year", err);
	int rc;
	if (!st)
		goto fail_stmt;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && c->nyears < CAL_YEAR_MAX - CAL_YEAR_MIN + 1) {
		c->years[c->nyears] = sqlite3_column_int(st, 0);
		c->provisional[c->nyears] = strcmp(col(st, 1), "provisional") == 0;
		c->nyears++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto fail_db;
	st = store_stmt(s, "SELECT count(*) FROM calendar_days", err);
	if (!st)
		goto fail_stmt;
	rc = sqlite3_step(st);
	int n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		goto fail_db;
	c->days = calloc((size_t)n + 1, sizeof *c->days);
	if (!c->days) {
		calendar_free(c);
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	st = store_stmt(s, "SELECT day, kind, name FROM calendar_days ORDER BY day", err);
	if (!st)
		goto fail_stmt;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && c->ndays < n) {
		struct cal_day *d = &c->days[c->ndays];
		if (!cal_parse_date(col(st, 0), &d->day))
			continue;
		d->work = strcmp(col(st, 1), "work") == 0;
		snprintf(d->name, sizeof d->name, "%s", col(st, 2));
		c->ndays++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto fail_db;
	if ((rc = load_window(s, c, err)) != HALL_OK) {
		calendar_free(c);
		return rc;
	}
	*out = c;
	return HALL_OK;
fail_db:
	calendar_free(c);
	return store_error(s, rc, "读取工作日历", "reading the working-day calendar", err);
fail_stmt:
	calendar_free(c);
	return err ? err->code : HALL_EDB;
}

int calendar_year_get(struct store *s, int year, struct cal_year *out,
                      struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_stmt(s,
		"SELECT status, source, imported_at FROM calendar_years WHERE year = ?1", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_int(st, 1, year);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->year = year;
		out->provisional = strcmp(col(st, 0), "provisional") == 0;
		snprintf(out->source, sizeof out->source, "%s", col(st, 1));
		snprintf(out->imported_at, sizeof out->imported_at, "%s", col(st, 2));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return hall_err_set(err, HALL_ENOTFOUND, NULL,
			"工作日历中没有 %d 年（该年只按周末计算）",
			"%d is not in the working-day calendar (weekends only for that year)", year);
	if (rc != SQLITE_ROW)
		return store_error(s, rc, "读取工作日历", "reading the working-day calendar", err);
	st = store_stmt(s, "SELECT day, kind, name FROM calendar_days WHERE year = ?1 ORDER BY day", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_int(st, 1, year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->ndays < 366) {
		struct cal_day *d = &out->days[out->ndays];
		if (!cal_parse_date(col(st, 0), &d->day))
			continue;
		d->work = strcmp(col(st, 1), "work") == 0;
		snprintf(d->name, sizeof d->name, "%s", col(st, 2));
		out->ndays++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_error(s, rc, "读取工作日历", "reading the working-day calendar", err);
	return HALL_OK;
}

/* Replace the stored year y; journaled when actor is not NULL. */
static int store_year(struct store *s, const struct hall_actor *actor,
                      const struct cal_year *y, const char *now,
                      struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM calendar_days WHERE year = ?1", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_int(st, 1, y->year);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "保存工作日历", "saving the calendar", err);
	st = store_stmt(s,
		"INSERT INTO calendar_years(year, status, source, imported_at, staff_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(year) DO UPDATE SET"
		" status = excluded.status, source = excluded.source,"
		" imported_at = excluded.imported_at, staff_id = excluded.staff_id"
		" RETURNING id", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_int(st, 1, y->year);
	sqlite3_bind_text(st, 2, y->provisional ? "provisional" : "official", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, y->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if (actor)
		sqlite3_bind_text(st, 5, actor->user.id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_error(s, rc, "保存工作日历", "saving the calendar", err);
	for (int i = 0; i < y->ndays; i++) {
		char d[11];
		cal_format_date(y->days[i].day, d);
		st = store_stmt(s, "INSERT INTO calendar_days(day, year, kind, name)"
		                " VALUES (?1, ?2, ?3, ?4)", err);
		if (!st)
			return err ? err->code : HALL_EDB;
		sqlite3_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, y->year);
		sqlite3_bind_text(st, 3, y->days[i].work ? "work" : "off", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, y->days[i].name, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_error(s, rc, "保存工作日历", "saving the calendar", err);
	}
	if (!actor)
		return HALL_OK;
	return store_journal_row(s, "calendar.import", "calendar_years", id,
	                         actor->user.id, actor->counter, err);
}

int calendar_apply_year(struct store *s, const struct cal_year *y,
                        const char *updated_at, struct hall_err *err)
{
	return store_year(s, NULL, y, updated_at, err);
}

int calendar_import(struct store *s, const struct hall_actor *actor,
                    const char *const *paths, int npaths, int *recomputed,
                    struct hall_err *err)
{
	if (recomputed)
		*recomputed = 0;
	int rc = auth_require(actor, ROLE_ADMIN, "导入工作日历",
	                      "import the working-day calendar", err);
	if (rc != HALL_OK)
		return rc;
	if (npaths < 1)
		return hall_err_set(err, HALL_EINVAL, NULL, "请给出日历文件",
		                    "give a calendar file");
	struct cal_year *ys = calloc((size_t)npaths, sizeof *ys);
	if (!ys)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	for (int i = 0; i < npaths && rc == HALL_OK; i++) {
		rc = calendar_parse_file(paths[i], &ys[i], err);
		for (int j = 0; rc == HALL_OK && j < i; j++)
			if (ys[j].year == ys[i].year)
				rc = hall_err_set(err, HALL_EINVAL, NULL,
					"%s 与 %s 都是 %d 年的日历，只能导入一个",
					"%s and %s are both calendars of %d; import one",
					paths[j], paths[i], ys[i].year);
	}
	if (rc == HALL_OK)
		rc = store_begin(s, err);
	if (rc == HALL_OK) {
		char now[21];
		store_now_utc(now);
		for (int i = 0; i < npaths && rc == HALL_OK; i++)
			rc = store_year(s, actor, &ys[i], now, err);
		if (rc == HALL_OK)
			rc = workorder_recompute_open(s, actor, recomputed, err);
		if (rc == HALL_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
		if (rc != HALL_OK && recomputed)
			*recomputed = 0;
	}
	free(ys);
	return rc;
}

bool calendar_warning(struct store *s, const char *today, struct hall_err *warn)
{
	hall_err_clear(warn);
	int32_t day;
	if (!cal_parse_date(today, &day))
		return false;
	struct hall_calendar *c;
	if (calendar_load(s, &c, warn) != HALL_OK)
		return true;
	int y, m, d;
	cal_ymd(day, &y, &m, &d);
	bool w = true;
	if (c->nyears == 0)
		hall_err_set(warn, HALL_ECONFIG, NULL,
			"警告：工作日历是空的，期限只按周末计算，节假日和调休都不准。"
			"请管理员导入日历：hall calendar import forms/calendar-%d.cal",
			"warning: the working-day calendar is empty; deadlines count weekends only, "
			"holidays and make-up working days are wrong. Ask the administrator to import it: "
			"hall calendar import forms/calendar-%d.cal", y);
	else if (y > c->years[c->nyears - 1])
		hall_err_set(warn, HALL_ECONFIG, NULL,
			"警告：工作日历只到 %d 年，今天已是 %s：期限只按周末计算，节假日和调休都不准。"
			"请管理员按国务院办公厅公布的放假安排写好 %d 年的日历文件并导入（hall calendar import 文件）",
			"warning: the working-day calendar ends with %d and today is %s: deadlines count "
			"weekends only, holidays and make-up working days are wrong. Ask the administrator "
			"to write the calendar file of %d from the State Council's holiday arrangement and "
			"import it (hall calendar import FILE)",
			c->years[c->nyears - 1], today, y);
	else if (!cal_covers(c, y))
		hall_err_set(warn, HALL_ECONFIG, NULL,
			"警告：工作日历缺少 %d 年：期限只按周末计算。请管理员导入 %d 年的日历",
			"warning: the working-day calendar lacks %d: deadlines count weekends only. "
			"Ask the administrator to import the calendar of %d", y, y);
	else if (cal_is_provisional(c, y))
		hall_err_set(warn, HALL_ECONFIG, NULL,
			"警告：%d 年的工作日历是暂定的（未按国务院办公厅公布的放假安排核对），期限可能不准。"
			"请管理员核对后导入正式日历",
			"warning: the working-day calendar of %d is provisional (not checked against the "
			"State Council's holiday arrangement); deadlines may be wrong. Ask the administrator "
			"to import the official one", y);
	else if (m == 12 && !cal_covers(c, y + 1))
		hall_err_set(warn, HALL_ECONFIG, NULL,
			"提醒：%d 年的工作日历还没有导入，跨年的期限只按周末计算。请管理员导入 %d 年的日历",
			"note: the working-day calendar of %d is not imported yet; deadlines running into "
			"it count weekends only. Ask the administrator to import it", y + 1, y + 1);
	else
		w = false;
	calendar_free(c);
	return w;
}
