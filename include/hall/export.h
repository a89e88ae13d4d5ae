/*
 * export.h - Excel workbooks for managers (营业日报 and ledgers).
 *
 * Reports (export_report):
 *   daily         营业日报: sheets 汇总 Summary, 收费明细 payments journal,
 *                 业扩台账 applications ledger, 变更台账 changes ledger,
 *                 投诉台账 complaint ledger, 图表 charts;
 *   payments      收费明细 alone;
 *   complaints    投诉台账 alone;
 *   applications  业扩台账 and 变更台账 (new connections and business
 *                 changes are both applications at the counter).
 * Sheet names and labels follow hall_lang() (Chinese by default).
 *
 * Every sheet: a title row, an information row (hall, period, scope, who
 * exported it and when), a frozen header row with an autofilter, money as
 * numbers with the format #,##0.00 (the fen are divided by 100 only when
 * the cell is written; every sum is done in int64 fen or by a formula),
 * dates and times as real dates, column widths from the display width of
 * the text (a Chinese character counts two), A4 landscape fitted to one
 * page wide, header and footer with the hall's name, the period and page
 * numbers.  ID numbers and phone numbers are masked (ident_mask_id,
 * ident_mask_phone).  A sheet without rows says so in its first data row.
 * Subtotals and totals are formulas (SUM, SUMIFS, COUNTIFS) written with
 * their result computed from the store, so viewers that do not
 * recalculate show the right figures.
 *
 * Who may export: a manager (or admin) anything; a clerk only their own
 * records of today (from == to == store_today_local()), which the core
 * enforces by filtering on the clerk's staff id.  --counter N limits every
 * sheet to the records taken at counter N.
 *
 * A central store (meta role 'central', sync_sqlite.c) gives a branch-wide
 * workbook: a manager or admin only (HALL_EPERM for a clerk); the Summary
 * first per hall (code and name from central_halls) and in total, then
 * complaints per hall (received, finished, open, overdue, customers = the
 * hall's accounts at the central neither closed nor connecting, 万户投诉率),
 * then per clerk keyed "hall staff-id"; the journal and the ledgers have a last
 * column 营业厅 with the hall code, and the journal's clerk reads
 * "001 1001 张敏".  Rows of different halls are joined only within their
 * hall.  The deadline rules and calendar are the halls' and not at the
 * central: an order's deadline is its stored deadline column (its hall's
 * earliest running clock at its last transition), overdue = open past it;
 * no limit, days used or finished-order clocks there.
 *
 * Audit: a finished export appends one audit event (audit_log, kind
 * "export", target the file's name, detail "report= from= to= counter=
 * scope= rows= payment_rows= sheets= file=") in its own transaction after
 * the move into place.  A refused or failed export appends nothing.  If
 * the event cannot be written, the new file is removed and the export
 * fails (no record, no file).  On a central store the event is a row of
 * the central's own chain (hall '000', audit.h), by the branch account
 * that exported (only branch accounts log in there: auth.h).
 *
 * Packing: a constant_memory export is deflated at level 1 during its own
 * workbook_close (export_zip.c); other exports at libxlsxwriter's 6.
 *
 * Which rows:
 *   - payments journal: every payment with business_date in the period
 *     (status 正常 or 已冲正), and every reversal (table reversals, when the
 *     store has it) with business_date in the period, as its own row with
 *     a negative amount (status 冲正), business day by business day and in
 *     time order within a day; the clerk as one column "1001 张敏".  Below
 *     the rows: subtotals by method (SUMIFS/COUNTIFS) and by clerk
 *     (SUMPRODUCT: exact text, so an id such as "1001" is never read as a
 *     number), each with its total.  实收 (takings) = the payments of the
 *     period with status 'ok'; 冲正 = the payments with status 'void'.  A
 *     reader thread runs the queries while the calling thread writes the
 *     rows (the store connection is not used by anything else meanwhile).
 *   - ledgers (applications, changes, complaints): every order active in
 *     the period: accepted on or before `to`, and still open or finished
 *     (or cancelled) on or after `from`.  The finish time of an order that
 *     is not open is the time of its last work_events entry (else its
 *     updated_at).  A complainant kept confidential (extras confidential =
 *     yes) shows as （保密）, without phone or account.
 *
 * Definitions of the figures (the Summary sheet repeats them in words):
 *   - received in the period: business_date in [from, to];
 *   - finished in the period: status done and the local date of the
 *     finish time in [from, to] (cancelled orders are not finished);
 *   - open: status open now (the store keeps no past states);
 *   - clocks: the deadline rules of issue 5 as workorder_clocks() reports
 *     them at the time of the export (working-day calendar included);
 *   - overdue (超期): an order with a clock running past its deadline, or
 *     met after it; a cancelled order is never overdue;
 *   - deadline, limit and days used: those of the order's main clock
 *     ("total" for applications and changes, "reply" for complaints; else
 *     its first clock): the rule's amount, and the working days used (hours
 *     for hour rules);
 *   - 万户投诉率 (complaints per 10,000 customers) = C / N x 10,000 where
 *     C = complaints (kind 'complaint') received in the period within the
 *     export's scope, and N = accounts whose status is neither 'closed'
 *     nor 'connecting' at the time of the export (the store keeps no
 *     history of the number of accounts).  For the period, not annualised.
 *     Shown as "—" when N = 0;
 *   - 时限达标率 (on-time rate) = A / D, per kind (applications, changes,
 *     complaints of kind 'complaint') and overall: D = orders finished in
 *     the period that have a clock, plus orders still open with a running
 *     clock whose deadline fell in the period and has passed; A = the
 *     orders finished in the period with no clock overdue.  "—" when D = 0;
 *   - 回访满意率 (follow-up satisfaction) = S / F where F = follow-up calls
 *     of complaints (kind 'complaint') recorded in the period (work_events
 *     to stage followup with a result, each call counted) and S = those
 *     whose result is satisfied.  "—" when F = 0; when the store records no
 *     follow-up results (no complaints.followup_result) the Summary says
 *     the figure is not available;
 *   - daily-close difference (日结差额) = declared - expected of the closes
 *     in force (status declared or signed, table day_closes) of the
 *     period, per clerk and per method (day_close_lines); shown when the
 *     store has daily closes.
 *
 * Crash safety: the workbook is written to "PATH.tmp-XXXXXX" in the
 * destination folder, workbook_close() is checked, the file is read back
 * (every zip member inflated, its CRC and size checked, every XML part
 * checked to end with its root element's closing tag: libxlsxwriter does
 * not notice a failed write to its own temporary files), synced, and only
 * then moved to PATH: with rename() when replacing is allowed (force),
 * else with link() + unlink(), which never replaces a file.  On any error
 * the temporary file is removed, so PATH is either the complete new
 * workbook or untouched.  A process killed mid-way may leave a
 * PATH.tmp-XXXXXX file, never a partial PATH.
 */
#ifndef HALL_EXPORT_H
#define HALL_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/auth.h"
#include "hall/err.h"
#include "hall/store.h"

enum export_report {
	EXPORT_DAILY = 0,
	EXPORT_PAYMENTS,
	EXPORT_COMPLAINTS,
	EXPORT_APPLICATIONS,
	EXPORT__COUNT
};

/* Exports of this many data rows or more (all sheets) are written in
 * libxlsxwriter's constant_memory mode (rows streamed to disk; memory
 * stays flat). */
#define EXPORT_CONST_MEM_ROWS 20000L
/* Most data rows one sheet takes (Excel's limit is 1,048,576 rows; the
 * title, header and subtotal rows need the rest).  A longer period is
 * refused with a message asking for a shorter one. */
#define EXPORT_MAX_ROWS 1048000L
/* A single day's daily sheet shows the trend of this many days up to the
 * date; a longer period shows its own days (by month beyond 92 days). */
#define EXPORT_TREND_DAYS 14

struct export_options {
	enum export_report report;
	const char *from, *to;     /* "YYYY-MM-DD", both included (export_period) */
	int counter;               /* 0: every counter; 1-99: only that one */
	const char *path;          /* destination, must end in .xlsx */
	bool force;                /* replace an existing file at path */
	/* constant_memory from this many data rows on; 0: the default
	 * EXPORT_CONST_MEM_ROWS, 1: always (tests). */
	long const_mem_rows;
	/* Called about every 1% and at the end (done == total), in work units:
	 * the first half is the rows as they are written, the second half the
	 * packaging (compressing, reading back), reported when it is done.
	 * Return false to cancel: the export stops with HALL_ESTATE, writing
	 * nothing.  Called in the calling thread.  May be NULL. */
	bool (*progress)(void *ud, long done, long total);
	void *ud;
};

struct export_result {
	long rows;                 /* data rows written over all sheets */
	long payment_rows;         /* rows of the payments journal */
	int sheets;
	bool const_mem;            /* written in constant_memory mode */
	bool empty;                /* no data row in any sheet */
	int64_t takings_fen;       /* 实收: payments with status ok, in scope */
	int64_t bytes;             /* size of the finished file */
};

/* Fill o with defaults: daily report, no path, every counter. */
void export_options_init(struct export_options *o);

/* Report key ("daily" ...) and label in the current language. */
const char *export_report_key(enum export_report r);
const char *export_report_label(enum export_report r);
/* Parse a report key; HALL_EINVAL naming the known reports otherwise. */
int export_report_parse(const char *key, enum export_report *out,
                        struct hall_err *err);

/* The period from the command line: date alone (from = to = date), or
 * from and to together, or none of them (today, from store_today_local).
 * Errors (HALL_EINVAL, field named): date with from/to, from without to
 * or the reverse, a malformed or impossible date, from after to.
 * from_out/to_out get canonical "YYYY-MM-DD". */
int export_period(const char *date, const char *from, const char *to,
                  char from_out[11], char to_out[11], struct hall_err *err);

/* A file name for the report and period: "daily-001-2026-05-06.xlsx",
 * "payments-001-2026-05-01_2026-05-31.xlsx" (hall code from the store). */
void export_suggest_name(const struct store *s, enum export_report r,
                         const char *from, const char *to, char *out,
                         size_t outsz);

/* Write the report.  Checks, in this order and writing nothing on error:
 * the report, the period (export_period rules, HALL_EINVAL), the counter
 * (0-99), the role (HALL_EPERM: a clerk asking for another day than today),
 * the path (HALL_EINVAL: empty or not .xlsx; HALL_EEXIST: the file exists
 * and force is false, or it is a folder; HALL_EIO: the folder is missing
 * or not writable; HALL_EPERM: the store's own folder, which
 * priv_output_path_check refuses).  Then reads the store in one read transaction (one
 * consistent snapshot) and writes the workbook as described at the top.
 * HALL_EIO with the system's reason for a write that fails (a full disk),
 * HALL_EINVAL for a period with more rows than one sheet holds.
 * res may be NULL. */
int export_run(struct store *s, const struct hall_actor *actor,
               const struct export_options *o, struct export_result *res,
               struct hall_err *err);

/* Check that the file at path is a complete xlsx (zip) container: every
 * member inflates to its recorded size and CRC, and every XML member ends
 * with the closing tag of its root element.  HALL_EIO with the reason
 * otherwise.  export_run calls it before moving the file into place. */
int export_verify_xlsx(const char *path, struct hall_err *err);

#endif
