/*
 * export_int.h - shared pieces of the Excel export (private to src/core).
 *
 * export.c runs an export (checks, the read transaction, the temporary
 * file, the checked close, the move into place); export_sheet.c holds the
 * sheet writer (formats, title/info/header rows, widths, page setup) and
 * the label tables; export_summary.c the Summary and Charts sheets;
 * export_payments.c the payments journal; export_work.c the three
 * ledgers; export_verify.c reads a finished file back.
 */
#ifndef HALL_EXPORT_INT_H
#define HALL_EXPORT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>
#include <xlsxwriter.h>

#include "hall/auth.h"
#include "hall/calendar.h"
#include "hall/workorder.h"
#include "hall/err.h"
#include "hall/export.h"
#include "hall/store.h"

#define XS_MAXCOLS 24
#define XS_WIDTH_MAX 48      /* widest column, in display columns */

/* The store's optional tables (other issues add them; a figure whose
 * table is missing is left out and the sheet says so). */
struct xhave {
	bool reversals;          /* reversals(payment_id, reason, approver_id ...) */
	bool day_closes;         /* day_closes + day_close_lines */
	bool followup;           /* follow-up results of complaints */
	bool verification;       /* verification results of complaints */
};

struct xformats {
	lxw_format *title, *info, *header, *section, *note, *bold;
	lxw_format *money, *money_bold, *int_bold, *date, *datetime, *datetime_s;
	lxw_format *pct, *pct_bold, *rate, *wrap, *flag;
};

/* One export in progress. */
struct xctx {
	struct store *s;
	sqlite3 *db;
	const struct hall_actor *actor;
	const struct export_options *o;
	struct hall_err *err;
	char from[11], to[11];
	const char *staff;          /* clerk's own export: their id, else NULL */
	int counter;                /* 0: all */
	char now_utc[21];
	char now_local[20];         /* "YYYY-MM-DD HH:MM" */
	char today[11];
	int32_t from_day, to_day, today_day;
	char period[64];            /* "2026-05-06" or "2026-05-01 至 2026-05-31" */
	char scope[320];            /* "全厅" / "窗口 3" / "营业员 1001 张敏" */
	struct xhave have;
	/* a central store (meta role 'central', sync_sqlite.c): rows of
	 * several halls, each with its hall column; a branch-wide export */
	bool central;
	char hall_code[16];         /* this store's hall code ("000" central) */
	struct hall_calendar *cal;  /* loaded once per export (hall stores) */
	struct wo_clocks *clocks;   /* scratch for x_timing */
	lxw_workbook *wb;
	struct xformats f;
	bool const_mem;
	int lxw_rc;                 /* first libxlsxwriter error, sticky */
	const char *lxw_where;
	bool cancelled;
	char tz_minute[16];         /* UTC minute of tz_offset ("" none yet) */
	long tz_offset;             /* local - UTC seconds in that minute */
	long done, total;           /* progress units */
	long last_report;
	long nrows;                 /* data rows written, all sheets */
	int nsheets;
	/* filled by the sheets, read by the summary/result */
	int64_t takings_fen;
	long payment_rows;
	/* rows each sheet will write (counted in the same snapshot) */
	long expect_payments, expect_work[3];
	/* constant_memory: worksheets whose row stream is checked before
	 * close and whose size bounds the read-back check */
	lxw_worksheet *sheets[16];
	int64_t stream_bytes[16];
};

/* A sheet being written, row by row (constant_memory allows nothing
 * else).  Cells go to the current row x->row; xs_next() moves down. */
struct xsheet {
	struct xctx *x;
	lxw_worksheet *ws;
	char name[32];
	int ncols;                  /* columns of the widest table */
	size_t width[XS_MAXCOLS];   /* display columns */
	size_t max_width[XS_MAXCOLS];  /* 0: XS_WIDTH_MAX */
	lxw_row_t row;              /* current row */
	lxw_row_t header_row;       /* first header row (frozen, filtered) */
	bool has_header;
	bool table_open;            /* rows still belong to the first table */
};

/* A column of a table: label and the widest the column may grow. */
struct xcol {
	const char *zh, *en;
	int max;                    /* 0: XS_WIDTH_MAX */
};

/* ------------------------------------------------------------ queries */

/* Prepare sql (never cached: export statements are used once and nest)
 * and bind the common parameters by number: ?1 from, ?2 to, ?3 the
 * clerk's staff id or NULL, ?4 counter (0 = all), ?5 now (UTC), ?6 today,
 * ?20 the store's hall code.  The same texts run on a hall store and on a
 * central one (whose tables carry a hall column and whose ids repeat from
 * hall to hall) through three markers, each naming table aliases only:
 *   @H(a)    the hall of a row of alias a: a.hall on a central, else ?20
 *            (a hall store's reversals and closes have no hall column);
 *   @J(a,b)  " AND a.hall = b.hall" on a central (joins on ids), else "";
 *   @K(a)    the clerk key of a row: "001 1001" (hall and staff id) on a
 *            central, where clerks of several halls meet, else a.staff_id.
 * NULL on error (x->err filled).  Finalize with sqlite3_finalize. */
sqlite3_stmt *xq_prepare(struct xctx *x, const char *sql);
/* sqlite3_step; on an error other than ROW/DONE fills x->err. */
int xq_step(struct xctx *x, sqlite3_stmt *st);
/* One integer from a query (0 on no row); HALL_OK or the error. */
int xq_int(struct xctx *x, const char *sql, int64_t *out);
/* Does table (and column, when not NULL) exist? */
bool xq_has(struct xctx *x, const char *table, const char *column);
/* Text of a column, "" for NULL. */
const char *xq_text(sqlite3_stmt *st, int col);

/* The scope condition on a table alias: the clerk's id and the counter. */
#define XSCOPE(t) " (?3 IS NULL OR " t ".staff_id = ?3) AND (?4 = 0 OR " t ".counter = ?4) "

/* ------------------------------------------------------------ progress */

/* Count n units done; calls the progress callback about every 1%.
 * Returns false (and sets x->cancelled) when the caller cancels. */
bool x_progress(struct xctx *x, long n);

/* Record a libxlsxwriter error (the first one is kept). */
void x_lxw(struct xctx *x, lxw_error rc, const char *where);

/* ------------------------------------------------------------ sheets */

/* Add a worksheet with its title row (row 0) and information row (row 1),
 * A4 landscape, one page wide, header/footer.  The next row is 2. */
int xs_open(struct xctx *x, struct xsheet *sh, const char *name_zh,
            const char *name_en, const char *title_zh, const char *title_en);
/* Write a header row at the current row from cols.  The first header of a
 * sheet is frozen, repeated on every printed page and gets the autofilter
 * over the rows data rows below it (at least one: the "nothing" note), set
 * now because constant_memory accepts no earlier row later.  rows is
 * ignored for the headers of later tables.  Moves to the next row. */
void xs_header(struct xsheet *sh, const struct xcol *cols, int ncols, long rows);
/* The first table ends at the previous row. */
void xs_table_end(struct xsheet *sh);
/* Move to the next row (n rows down). */
void xs_next(struct xsheet *sh, int n);
/* Cells of the current row.  Text is UTF-8; invalid bytes and control
 * characters are replaced before writing.  NULL fmt: the default. */
void xs_text(struct xsheet *sh, int col, const char *s, lxw_format *fmt);
/* Text that does not widen its column (titles, notes). */
void xs_text_free(struct xsheet *sh, int col, const char *s, lxw_format *fmt);
void xs_int(struct xsheet *sh, int col, int64_t v, lxw_format *fmt);
/* Money: fen / 100 as the cell's number, format #,##0.00 by default.
 * The only place where fen become a double, for the cell value only. */
void xs_money(struct xsheet *sh, int col, int64_t fen, lxw_format *fmt);
/* A date "YYYY-MM-DD" as a real date; "" writes nothing. */
void xs_date(struct xsheet *sh, int col, const char *ymd);
/* A stored UTC time as a local date and time; "" writes nothing. */
void xs_time(struct xsheet *sh, int col, const char *utc, bool seconds);
/* Formulas with the result computed from the store. */
void xs_formula_money(struct xsheet *sh, int col, const char *formula,
                      int64_t fen, lxw_format *fmt);
void xs_formula_int(struct xsheet *sh, int col, const char *formula,
                    int64_t v, lxw_format *fmt);
void xs_formula_num(struct xsheet *sh, int col, const char *formula,
                    double v, lxw_format *fmt, size_t width);
/* Note that the sheet (or a table) has no rows. */
void xs_nothing(struct xsheet *sh, const char *zh, const char *en);
/* Column widths and the autofilter; done with the sheet. */
void xs_close(struct xsheet *sh);

/* A1-style reference "$L$4:$L$103" of rows r1..r2 (0-based) of col. */
void xs_range(char *out, size_t outsz, int col, lxw_row_t r1, lxw_row_t r2);
/* "A5" for (row, col), 0-based. */
void xs_cell(char *out, size_t outsz, lxw_row_t row, int col);

/* ------------------------------------------------------------ labels */

/* Label of a stored key in the current language; the key itself when
 * unknown, "" for "".  Domains: "method", "category" (complaint),
 * "subcategory", "channel", "ckind" (feedback kind), "akind" (new
 * connection kind), "ctype" (change type), "stage", "status",
 * "voltage". */
const char *xl_label(const char *domain, const char *key);
/* The keys of a domain in display order (NULL-terminated). */
const char *const *xl_keys(const char *domain);

/* ------------------------------------------------------------ dates */

/* Local date "YYYY-MM-DD" of a stored UTC time ("" when malformed). */
void x_local_date(struct xctx *x, const char *utc, char out[11]);

/* ------------------------------------------------------- work orders */

/* The clocks of one order (workorder_clocks, issue 5's deadline rules and
 * working-day calendar) boiled down for the sheets. */
struct xtiming {
	int nclocks;
	bool overdue;             /* a clock running past its deadline, or met
	                             late (never for a cancelled order) */
	bool due;                 /* open, with a running clock whose deadline
	                             fell in the period and has passed */
	char deadline[21];        /* the main clock's deadline (UTC), "" none */
	char unit[12];            /* the main clock's unit */
	int64_t limit, used;      /* main clock: amount; used (workdays, or
	                             hours for hour units) */
	bool has_limit;
	char late[128];           /* labels of the overdue clocks */
};

/* Timing of order number (status: its status) with main_clock as the one
 * whose deadline and limit are shown ("total", "reply"; else the first).
 * stored_deadline: the order's deadline column, used instead of the
 * clocks on a central store (see export.h). */
int x_timing(struct xctx *x, const char *number, const char *status,
             const char *main_clock, const char *stored_deadline,
             struct xtiming *t);

/* An order active in the period (see export.h) with its timing. */
struct xorder {
	const char *number, *type, *status, *business_date, *fin;  /* fin: "" when open */
	const char *hall;           /* its hall (the store's own on a hall store) */
	int64_t capacity;
	bool repeat;
	struct xtiming t;
};

enum { XW_APPLICATIONS, XW_CHANGES, XW_COMPLAINTS };

/* Call fn for every order of the kind active in the period. */
int x_orders(struct xctx *x, int which,
             void (*fn)(struct xctx *x, const struct xorder *o, void *ud),
             void *ud);

/* ------------------------------------------------------------ sheets */

int xsheet_summary(struct xctx *x);
int xsheet_charts(struct xctx *x);
int xsheet_payments(struct xctx *x);
int xsheet_applications(struct xctx *x);
int xsheet_changes(struct xctx *x);
int xsheet_complaints(struct xctx *x);

/* Rows each sheet will write (for progress and the mode decision). */
int xcount_payments(struct xctx *x, long *rows);
int xcount_work(struct xctx *x, int which, long *rows);

/* ------------------------------------------------------------ packing */

/* The deflate level of the zip members written by libxlsxwriter in this
 * thread from now on (1-9), or back to its own (any other value).
 * export_run sets EXPORT_FAST_ZIP_LEVEL around the workbook_close() of a
 * constant_memory export only (export_zip.c says how and why). */
#define EXPORT_FAST_ZIP_LEVEL 1
void x_zip_level_set(int level);

/* ------------------------------------------------------------ checks */

/* Read a finished file back (see export_verify_xlsx).  Members whose
 * uncompressed size is above full_limit are checked by size only; the
 * i-th worksheet (sheetN.xml, N = i+1) must hold at least min_size[i]
 * bytes when given.  Messages name the file as shown. */
int xv_check(const char *path, const char *shown, int64_t full_limit,
             const int64_t *min_size, int nmin, struct hall_err *err);

#endif
