/* export_sheet.c - the sheet writer of the Excel export: formats, title,
 * information and header rows, cells, column widths from display width,
 * page setup, header/footer; the label tables of stored keys; queries and
 * progress shared by the sheets. */
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export_int.h"
#include "sbuf.h"
#include "hall/money.h"
#include "hall/utf8.h"

/* ------------------------------------------------------------ queries */

/* Copy the alias list "a" or "a,b" of a marker at p (after "@X(") into
 * a[0..1]; returns the position after ')' or NULL when malformed. */
static const char *marker_args(const char *p, char a[2][16])
{
	a[0][0] = a[1][0] = '\0';
	for (int k = 0; k < 2; k++) {
		size_t n = 0;
		while ((*p >= 'a' && *p <= 'z') || *p == '_') {
			if (n + 1 >= 16)
				return NULL;
			a[k][n++] = *p++;
		}
		a[k][n] = '\0';
		if (*p == ')')
			return n ? p + 1 : NULL;
		if (*p != ',' || !n)
			return NULL;
		p++;
	}
	return NULL;
}

/* Expand the hall markers of an export query (see export_int.h): the SQL
 * texts are the export's own constants, the markers name only their table
 * aliases, so what comes out is SQL of ours, never data. */
static bool expand_markers(const struct xctx *x, const char *sql, struct sbuf *out)
{
	const char *p = sql;
	for (const char *m; (m = strchr(p, '@')) != NULL;) {
		sbuf_addf(out, "%.*s", (int)(m - p), p);
		char a[2][16];
		const char *end = (m[1] == 'H' || m[1] == 'J' || m[1] == 'K') && m[2] == '('
		                  ? marker_args(m + 3, a) : NULL;
		if (!end)
			return false;
		if (m[1] == 'H' && x->central)
			sbuf_addf(out, "%s.hall", a[0]);
		else if (m[1] == 'H')
			sbuf_adds(out, "?20");
		else if (m[1] == 'J' && x->central && a[1][0])
			sbuf_addf(out, " AND %s.hall = %s.hall", a[0], a[1]);
		else if (m[1] == 'J' && !a[1][0])
			return false;
		else if (m[1] == 'K' && x->central)
			sbuf_addf(out, "(%s.hall || ' ' || %s.staff_id)", a[0], a[0]);
		else if (m[1] == 'K')
			sbuf_addf(out, "%s.staff_id", a[0]);
		p = end;
	}
	sbuf_adds(out, p);
	return !out->oom;
}

sqlite3_stmt *xq_prepare(struct xctx *x, const char *sql)
{
	sqlite3_stmt *st = NULL;
	struct sbuf q;
	sbuf_init(&q);
	if (!expand_markers(x, sql, &q)) {
		bool oom = q.oom;
		sbuf_free(&q);
		hall_err_set(x->err, oom ? HALL_ENOMEM : HALL_EDB, NULL,
		             "内部错误：导出查询有误", "internal error: bad export query");
		return NULL;
	}
	int rc = sqlite3_prepare_v2(x->db, sbuf_str(&q), -1, &st, NULL);
	sbuf_free(&q);
	if (rc != SQLITE_OK) {
		store_error(x->s, rc, "读取数据", "reading the store", x->err);
		sqlite3_finalize(st);
		return NULL;
	}
	int n = sqlite3_bind_parameter_count(st);
	if (n >= 1)
		sqlite3_bind_text(st, 1, x->from, -1, SQLITE_STATIC);
	if (n >= 2)
		sqlite3_bind_text(st, 2, x->to, -1, SQLITE_STATIC);
	if (n >= 3 && x->staff)
		sqlite3_bind_text(st, 3, x->staff, -1, SQLITE_STATIC);
	if (n >= 4)
		sqlite3_bind_int(st, 4, x->counter);
	if (n >= 5)
		sqlite3_bind_text(st, 5, x->now_utc, -1, SQLITE_STATIC);
	if (n >= 6)
		sqlite3_bind_text(st, 6, x->today, -1, SQLITE_STATIC);
	if (n >= 20)
		sqlite3_bind_text(st, 20, x->hall_code, -1, SQLITE_STATIC);
	return st;
}

int xq_step(struct xctx *x, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_error(x->s, rc, "读取数据", "reading the store", x->err);
	return rc;
}

int xq_int(struct xctx *x, const char *sql, int64_t *out)
{
	*out = 0;
	sqlite3_stmt *st = xq_prepare(x, sql);
	if (!st)
		return x->err->code ? x->err->code : HALL_EDB;
	int rc = xq_step(x, st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return x->err->code ? x->err->code : HALL_EDB;
	return HALL_OK;
}

bool xq_has(struct xctx *x, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	const char *sql = column
		? "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2"
		: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1";
	if (sqlite3_prepare_v2(x->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return false;
	}
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (column)
		sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

const char *xq_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

/* ------------------------------------------------------------ progress */

bool x_progress(struct xctx *x, long n)
{
	x->done += n;
	if (x->done > x->total)
		x->done = x->total;
	if (!x->o->progress || x->total <= 0)
		return true;
	long step = x->total / 100;
	if (step < 1)
		step = 1;
	if (x->done - x->last_report < step && x->done != x->total)
		return true;
	x->last_report = x->done;
	if (!x->o->progress(x->o->ud, x->done, x->total)) {
		x->cancelled = true;
		return false;
	}
	return true;
}

void x_lxw(struct xctx *x, lxw_error rc, const char *where)
{
	if (rc != LXW_NO_ERROR && x->lxw_rc == LXW_NO_ERROR) {
		x->lxw_rc = (int)rc;
		x->lxw_where = where;
	}
}

/* ------------------------------------------------------------ dates */

/* n digits at s as a number; -1 if one of them is not a digit. */
static int digits_at(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD" at s; false when malformed (a million rows: no sscanf). */
static bool parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return false;
	*y = digits_at(s, 4);
	*m = digits_at(s + 5, 2);
	*d = digits_at(s + 8, 2);
	return *y > 0 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/* "YYYY-MM-DDTHH:MM:SSZ" to broken-down UTC; false when malformed. */
static bool parse_utc(const char *s, struct tm *tm)
{
	int y, mo, d;
	if (!parse_ymd(s, &y, &mo, &d) || strlen(s) != 20 || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return false;
	int h = digits_at(s + 11, 2), mi = digits_at(s + 14, 2), se = digits_at(s + 17, 2);
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
		return false;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = se;
	return true;
}

/* UTC to local time.  The zone's offset is asked once per UTC minute
 * (zones change their offset on whole minutes): a journal's rows come in
 * time order, so localtime_r runs about once a minute of takings. */
static bool utc_to_local(struct xctx *x, const char *utc, struct tm *out)
{
	struct tm tm;
	if (!parse_utc(utc, &tm))
		return false;
	time_t t = timegm(&tm);
	if (memcmp(x->tz_minute, utc, 16) != 0) {
		struct tm lt;
		time_t minute = t - tm.tm_sec;
		if (!localtime_r(&minute, &lt))
			return false;
		x->tz_offset = (long)(timegm(&lt) - minute);
		memcpy(x->tz_minute, utc, 16);
	}
	t += x->tz_offset;
	return gmtime_r(&t, out) != NULL;
}

void x_local_date(struct xctx *x, const char *utc, char out[11])
{
	struct tm tm;
	if (!utc_to_local(x, utc, &tm)) {
		out[0] = '\0';
		return;
	}
	strftime(out, 11, "%Y-%m-%d", &tm);
}


/* ------------------------------------------------------------ text */

/* Plain printable ASCII: valid, no controls, width = length. */
static bool plain_ascii(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p >= 0x20 && *p < 0x7f)
		p++;
	*len = (size_t)(p - (const unsigned char *)s);
	return *p == '\0';
}

static void widen(struct xsheet *sh, int col, size_t w)
{
	if (col >= 0 && col < XS_MAXCOLS && w > sh->width[col])
		sh->width[col] = w;
	if (col >= sh->ncols && col < XS_MAXCOLS)
		sh->ncols = col + 1;
}

static void put_text(struct xsheet *sh, int col, const char *s,
                     lxw_format *fmt, bool widens)
{
	if (!s || !*s)
		return;
	size_t len;
	char *fixed = NULL;
	if (!plain_ascii(s, &len)) {
		len = strlen(s);
		if (!utf8_valid(s, len) || utf8_has_control(s, true)) {
			size_t n = len * 3 + 1;
			fixed = malloc(n);
			if (!fixed) {
				x_lxw(sh->x, LXW_ERROR_MEMORY_MALLOC_FAILED, "text");
				return;
			}
			utf8_sanitize(fixed, n, s, true);
			s = fixed;
			len = strlen(s);
		}
		/* display width <= bytes: measure only what could widen */
		if (widens && col < XS_MAXCOLS && len > sh->width[col])
			widen(sh, col, utf8_width(s));
	} else if (widens) {
		widen(sh, col, len);
	}
	x_lxw(sh->x, worksheet_write_string(sh->ws, sh->row, (lxw_col_t)col, s, fmt), "string");
	free(fixed);
}

void xs_text(struct xsheet *sh, int col, const char *s, lxw_format *fmt)
{
	put_text(sh, col, s, fmt, true);
}

void xs_text_free(struct xsheet *sh, int col, const char *s, lxw_format *fmt)
{
	put_text(sh, col, s, fmt, false);
}

static size_t digits(int64_t v)
{
	size_t n = v < 0 ? 2 : 1;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	while (u >= 10) {
		u /= 10;
		n++;
	}
	return n;
}

void xs_int(struct xsheet *sh, int col, int64_t v, lxw_format *fmt)
{
	widen(sh, col, digits(v));
	x_lxw(sh->x, worksheet_write_number(sh->ws, sh->row, (lxw_col_t)col,
	                                    (double)v, fmt), "number");
}

/* Display width of an amount as the format #,##0.00 shows it. */
static size_t money_width(int64_t fen)
{
	char buf[40];
	return strlen(money_format(fen, buf, sizeof buf));
}

/* The one conversion from fen to a cell value.  libxlsxwriter stores every
 * number as a double; the quotient of an int64 below 2^53 by 100 is the
 * nearest double to the exact yuan amount, which the 0.00 format shows
 * exactly.  The double is written, never added to or compared: every sum is
 * made in int64 fen before it gets here. */
static double fen_cell(int64_t fen)
{
	return (double)fen / 100.0;
}

void xs_money(struct xsheet *sh, int col, int64_t fen, lxw_format *fmt)
{
	/* cheap bound first: digits + separators + sign + ".00" */
	if (col < XS_MAXCOLS && digits(fen) + digits(fen) / 3 + 3 > sh->width[col])
		widen(sh, col, money_width(fen));
	x_lxw(sh->x, worksheet_write_number(sh->ws, sh->row, (lxw_col_t)col, fen_cell(fen),
	                                    fmt ? fmt : sh->x->f.money), "money");
}

void xs_date(struct xsheet *sh, int col, const char *ymd)
{
	int y, m, d;
	if (!parse_ymd(ymd, &y, &m, &d))
		return;
	lxw_datetime dt = { .year = y, .month = m, .day = d };
	widen(sh, col, 10);
	x_lxw(sh->x, worksheet_write_datetime(sh->ws, sh->row, (lxw_col_t)col, &dt,
	                                      sh->x->f.date), "date");
}

void xs_time(struct xsheet *sh, int col, const char *utc, bool seconds)
{
	struct tm tm;
	if (!utc || !*utc)
		return;
	if (!utc_to_local(sh->x, utc, &tm)) {
		xs_text(sh, col, utc, NULL);   /* keep what is stored, visibly */
		return;
	}
	lxw_datetime dt = { .year = tm.tm_year + 1900, .month = tm.tm_mon + 1,
		.day = tm.tm_mday, .hour = tm.tm_hour, .min = tm.tm_min,
		.sec = seconds ? tm.tm_sec : 0 };
	widen(sh, col, seconds ? 19 : 16);
	x_lxw(sh->x, worksheet_write_datetime(sh->ws, sh->row, (lxw_col_t)col, &dt,
	                                      seconds ? sh->x->f.datetime_s : sh->x->f.datetime),
	      "datetime");
}

void xs_formula_money(struct xsheet *sh, int col, const char *formula,
                      int64_t fen, lxw_format *fmt)
{
	widen(sh, col, money_width(fen));
	x_lxw(sh->x, worksheet_write_formula_num(sh->ws, sh->row, (lxw_col_t)col, formula,
	                                         fmt ? fmt : sh->x->f.money, fen_cell(fen)),
	      "formula");
}

void xs_formula_int(struct xsheet *sh, int col, const char *formula,
                    int64_t v, lxw_format *fmt)
{
	widen(sh, col, digits(v));
	x_lxw(sh->x, worksheet_write_formula_num(sh->ws, sh->row, (lxw_col_t)col, formula,
	                                         fmt, (double)v), "formula");
}

void xs_formula_num(struct xsheet *sh, int col, const char *formula,
                    double v, lxw_format *fmt, size_t width)
{
	widen(sh, col, width);
	x_lxw(sh->x, worksheet_write_formula_num(sh->ws, sh->row, (lxw_col_t)col, formula,
	                                         fmt, v), "formula");
}

void xs_nothing(struct xsheet *sh, const char *zh, const char *en)
{
	xs_text_free(sh, 0, hall_tr(zh, en), sh->x->f.note);
	xs_next(sh, 1);
}

void xs_next(struct xsheet *sh, int n)
{
	sh->row += (lxw_row_t)n;
}

void xs_range(char *out, size_t outsz, int col, lxw_row_t r1, lxw_row_t r2)
{
	char a[16], b[16];
	lxw_rowcol_to_cell_abs(a, r1, (lxw_col_t)col, 1, 1);
	lxw_rowcol_to_cell_abs(b, r2, (lxw_col_t)col, 1, 1);
	snprintf(out, outsz, "%s:%s", a, b);
}

void xs_cell(char *out, size_t outsz, lxw_row_t row, int col)
{
	char a[16];
	lxw_rowcol_to_cell(a, row, (lxw_col_t)col);
	snprintf(out, outsz, "%s", a);
}

/* ------------------------------------------------------------ sheets */

/* Header/footer text: '&' is a code there, so a literal one is "&&". */
static void hf_escape(char *out, size_t outsz, const char *s, size_t max_cols)
{
	char cut[256];
	utf8_trunc(cut, sizeof cut, s, max_cols, false);
	size_t o = 0;
	for (const char *p = cut; *p && o + 2 < outsz; p++) {
		if (*p == '&')
			out[o++] = '&';
		out[o++] = *p;
	}
	out[o] = '\0';
}

static void set_header_footer(struct xsheet *sh, const char *title)
{
	struct xctx *x = sh->x;
	char hall[200], ttl[200], per[100], who[200], h[600], f[600];
	hf_escape(hall, sizeof hall, store_hall_name(x->s), 40);
	hf_escape(ttl, sizeof ttl, title, 40);
	hf_escape(per, sizeof per, x->period, 40);
	char by[300];
	snprintf(by, sizeof by, "%s %s %s %s", hall_tr("导出：", "Exported"),
	         x->now_local, x->actor->user.id, x->actor->user.name);
	hf_escape(who, sizeof who, by, 60);
	snprintf(h, sizeof h, "&L%s&C%s&R%s", hall, ttl, per);
	snprintf(f, sizeof f, "&L%s&C%s&R&A", who,
	         hall_tr("第 &P 页，共 &N 页", "Page &P of &N"));
	if (worksheet_set_header(sh->ws, h) != LXW_NO_ERROR) {
		snprintf(h, sizeof h, "&C%s&R%s", ttl, per);
		x_lxw(x, worksheet_set_header(sh->ws, h), "header");
	}
	if (worksheet_set_footer(sh->ws, f) != LXW_NO_ERROR) {
		snprintf(f, sizeof f, "&C%s&R&A", hall_tr("第 &P 页，共 &N 页", "Page &P of &N"));
		x_lxw(x, worksheet_set_footer(sh->ws, f), "footer");
	}
}

int xs_open(struct xctx *x, struct xsheet *sh, const char *name_zh,
            const char *name_en, const char *title_zh, const char *title_en)
{
	memset(sh, 0, sizeof *sh);
	sh->x = x;
	snprintf(sh->name, sizeof sh->name, "%s", hall_tr(name_zh, name_en));
	sh->ws = workbook_add_worksheet(x->wb, sh->name);
	if (!sh->ws)
		return hall_err_set(x->err, HALL_ENOMEM, NULL,
			"不能建立工作表 %s", "cannot add the worksheet %s", sh->name);
	/* constant_memory: the rows go through this stream, tens of bytes a
	 * cell; a larger buffer than stdio's 4 KB saves most write calls, and
	 * since only this thread ever touches the workbook (the journal's
	 * reader thread reads the store only), stdio need not lock the stream
	 * for every cell */
	if (sh->ws->optimize_tmpfile) {
		setvbuf(sh->ws->optimize_tmpfile, NULL, _IOFBF, 256 * 1024);
		__fsetlocking(sh->ws->optimize_tmpfile, FSETLOCKING_BYCALLER);
	}
	if (x->nsheets < (int)(sizeof x->sheets / sizeof x->sheets[0]))
		x->sheets[x->nsheets] = sh->ws;
	x->nsheets++;
	worksheet_set_landscape(sh->ws);
	worksheet_set_paper(sh->ws, 9);          /* A4 */
	worksheet_fit_to_pages(sh->ws, 1, 0);    /* one page wide, as long as needed */
	worksheet_set_margins(sh->ws, 0.4, 0.4, 0.6, 0.6);
	char title[300];
	snprintf(title, sizeof title, "%s", hall_tr(title_zh, title_en));
	set_header_footer(sh, title);

	/* row 0: the title; row 1: hall, period, scope, who and when */
	char line[800];
	snprintf(line, sizeof line, "%s  %s  %s", title, x->period, store_hall_name(x->s));
	x_lxw(x, worksheet_set_row(sh->ws, 0, 24, NULL), "row");
	xs_text_free(sh, 0, line, x->f.title);
	xs_next(sh, 1);
	snprintf(line, sizeof line, "%s%s（%s）  %s%s  %s%s  %s%s %s %s",
	         hall_tr("营业厅：", "Hall: "), store_hall_name(x->s), store_hall_code(x->s),
	         hall_tr("期间：", "Period: "), x->period,
	         hall_tr("范围：", "Scope: "), x->scope,
	         hall_tr("导出：", "Exported: "), x->now_local, x->actor->user.id,
	         x->actor->user.name);
	xs_text_free(sh, 0, line, x->f.info);
	xs_next(sh, 1);
	return HALL_OK;
}

void xs_header(struct xsheet *sh, const struct xcol *cols, int ncols, long rows)
{
	for (int i = 0; i < ncols && i < XS_MAXCOLS; i++) {
		const char *label = hall_tr(cols[i].zh, cols[i].en);
		put_text(sh, i, label, sh->x->f.header, false);
		widen(sh, i, utf8_width(label) + 2);   /* room for the filter button */
		if (cols[i].max && (sh->max_width[i] == 0 || (size_t)cols[i].max < sh->max_width[i]))
			sh->max_width[i] = (size_t)cols[i].max;
	}
	if (!sh->has_header) {
		sh->has_header = true;
		sh->table_open = true;
		sh->header_row = sh->row;
		worksheet_freeze_panes(sh->ws, sh->row + 1, 0);
		x_lxw(sh->x, worksheet_repeat_rows(sh->ws, sh->row, sh->row), "repeat");
		lxw_row_t last = sh->row + (lxw_row_t)(rows > 0 ? rows : 1);
		x_lxw(sh->x, worksheet_autofilter(sh->ws, sh->row, 0, last,
		                                  (lxw_col_t)(ncols - 1)), "autofilter");
	}
	xs_next(sh, 1);
}

void xs_table_end(struct xsheet *sh)
{
	sh->table_open = false;
}

void xs_close(struct xsheet *sh)
{
	xs_table_end(sh);
	for (int c = 0; c < sh->ncols && c < XS_MAXCOLS; c++) {
		size_t w = sh->width[c] < 4 ? 4 : sh->width[c];
		size_t max = sh->max_width[c] ? sh->max_width[c] : XS_WIDTH_MAX;
		if (w > max)
			w = max;
		/* Excel's unit is the width of a digit; a little room either side */
		x_lxw(sh->x, worksheet_set_column(sh->ws, (lxw_col_t)c, (lxw_col_t)c,
		                                  (double)w + 1.5, NULL), "column");
	}
}

/* ------------------------------------------------------------ labels */

struct xlabel {
	const char *key, *zh, *en;
};

static const struct xlabel methods[] = {
	{ "cash", "现金", "Cash" }, { "card", "银行卡", "Bank card" },
	{ "wechat", "微信", "WeChat Pay" }, { "alipay", "支付宝", "Alipay" },
	{ "cheque", "支票", "Cheque" }, { "transfer", "转账", "Bank transfer" },
	{ NULL, NULL, NULL },
};
static const struct xlabel categories[] = {
	{ "service", "服务投诉", "Service conduct" },
	{ "business", "营业投诉", "Business" },
	{ "outage", "停送电投诉", "Outages" },
	{ "quality", "供电质量投诉", "Supply quality" },
	{ "construction", "电网建设投诉", "Grid construction" },
	{ NULL, NULL, NULL },
};
static const struct xlabel subcategories[] = {
	{ "service_conduct", "服务行为", "Service conduct" },
	{ "service_channel", "服务渠道", "Service channels" },
	{ "ethics", "行风", "Ethics" },
	{ "connection_project", "业扩工程", "Connection works" },
	{ "meter_install", "装表接电", "Meter installation" },
	{ "inspection", "用电检查", "Usage inspection" },
	{ "meter_reading", "抄表催费", "Meter reading and bill chasing" },
	{ "tariff", "电价电费", "Tariffs and bills" },
	{ "metering", "电能计量", "Metering" },
	{ "outage", "停电", "Outage" },
	{ "repair_quality", "抢修质量", "Repair quality" },
	{ "supply_quality", "供电质量", "Supply quality" },
	{ NULL, NULL, NULL },
};
static const struct xlabel channels[] = {
	{ "hall", "营业厅", "Service hall" }, { "hotline_95598", "95598热线", "95598 hotline" },
	{ "app", "网上国网/微信", "App / WeChat" }, { "sms", "短信", "SMS" },
	{ "letter", "信函", "Letter" }, { "visit", "上门", "Home visit" },
	{ "hotline_12398", "12398", "12398 (energy regulator)" },
	{ "hotline_12345", "12345", "12345 (city hotline)" },
	{ "media", "媒体/微博", "Media / Weibo" },
	{ NULL, NULL, NULL },
};
static const struct xlabel ckinds[] = {
	{ "complaint", "投诉", "Complaint" }, { "enquiry", "咨询", "Enquiry" },
	{ "fault", "故障报修", "Fault report" }, { "misconduct", "举报", "Report of misconduct" },
	{ "suggestion", "意见建议", "Suggestion" }, { "praise", "表扬", "Praise" },
	{ NULL, NULL, NULL },
};
static const struct xlabel akinds[] = {
	{ "lv_residential", "低压居民", "Low-voltage residential" },
	{ "lv_nonresidential", "低压非居民", "Low-voltage non-residential" },
	{ "hv_single", "高压单电源", "High-voltage single source" },
	{ "hv_dual", "高压双电源", "High-voltage dual source" },
	{ NULL, NULL, NULL },
};
static const struct xlabel ctypes[] = {
	{ "reduce", "减容", "Reduce capacity" }, { "suspend", "暂停", "Suspend" },
	{ "swap", "暂换", "Temporary transformer swap" }, { "relocate", "迁址", "Relocate" },
	{ "move_meter", "移表", "Move meter" }, { "temp_remove", "暂拆", "Temporary removal" },
	{ "rename", "更名过户", "Change of name / owner" }, { "split", "分户", "Split account" },
	{ "merge", "并户", "Merge accounts" }, { "close", "销户", "Close account" },
	{ "change_voltage", "改压", "Change voltage" },
	{ "change_category", "改类", "Change category" },
	{ NULL, NULL, NULL },
};
static const struct xlabel stages[] = {
	{ "accept", "受理", "Accepted" }, { "survey", "现场勘查", "Site survey" },
	{ "plan", "供电方案答复", "Supply plan" }, { "design_review", "设计审查", "Design review" },
	{ "mid_check", "中间检查", "Mid-construction check" },
	{ "completion_check", "竣工检验", "Completion check" },
	{ "contract", "签合同", "Contract" }, { "connect", "装表接电", "Meter and connect" },
	{ "archive", "归档", "Archived" }, { "approve", "审批", "Approval" },
	{ "execute", "实施", "Execution" }, { "review", "审核", "Review" },
	{ "dispatch", "派单", "Dispatched" },
	{ "handle", "处理", "Handling" }, { "reply", "答复", "Replied" },
	{ "followup", "回访", "Follow-up" }, { "cancel", "撤销", "Cancelled" },
	{ "cancelled", "撤销", "Cancelled" },
	{ NULL, NULL, NULL },
};
static const struct xlabel statuses[] = {
	{ "open", "在办", "Open" }, { "done", "办结", "Finished" },
	{ "cancelled", "已撤销", "Cancelled" }, { "ok", "正常", "OK" },
	{ "void", "已冲正", "Reversed" },
	{ NULL, NULL, NULL },
};
static const struct xlabel voltages[] = {
	{ "220v", "220V", "220 V" }, { "380v", "380V", "380 V" },
	{ "10kv", "10kV", "10 kV" }, { "20kv", "20kV", "20 kV" },
	{ "35kv", "35kV", "35 kV" }, { "110kv", "110kV", "110 kV" },
	{ NULL, NULL, NULL },
};

static const struct {
	const char *domain;
	const struct xlabel *t;
} domains[] = {
	{ "method", methods }, { "category", categories },
	{ "subcategory", subcategories }, { "channel", channels },
	{ "ckind", ckinds }, { "akind", akinds }, { "ctype", ctypes },
	{ "stage", stages }, { "status", statuses }, { "voltage", voltages },
};

static const struct xlabel *domain_table(const char *domain)
{
	for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++)
		if (strcmp(domains[i].domain, domain) == 0)
			return domains[i].t;
	return NULL;
}

const char *xl_label(const char *domain, const char *key)
{
	if (!key || !*key)
		return "";
	const struct xlabel *t = domain_table(domain);
	for (; t && t->key; t++)
		if (strcmp(t->key, key) == 0)
			return hall_tr(t->zh, t->en);
	return key;
}

const char *const *xl_keys(const char *domain)
{
	/* built once per domain: the key column of its table */
	static const char *keys[sizeof domains / sizeof domains[0]][24];
	for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++) {
		if (strcmp(domains[i].domain, domain) != 0)
			continue;
		if (!keys[i][0]) {
			int n = 0;
			for (const struct xlabel *t = domains[i].t; t->key && n < 23; t++)
				keys[i][n++] = t->key;
			keys[i][n] = NULL;
		}
		return keys[i];
	}
	static const char *none[] = { NULL };
	return none;
}
