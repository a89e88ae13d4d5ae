/* export_work.c - the ledgers: 业扩台账 (new connections), 变更台账
 * (business changes) and 投诉台账 (complaints and other feedback).  Rows:
 * every order active in the period (accepted on or before its last day,
 * and open or finished on or after its first day), with stage, dates, the
 * deadline, working days used of the limit and the overdue flag from the
 * order's clocks (workorder_clocks: issue 5's deadline rules and working-
 * day calendar); a few counts under each table as formulas with their
 * results.  x_orders() walks the same orders for the Summary sheet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_int.h"
#include "hall/ident.h"

/* Finish time of an order that is not open: its last transition (the
 * archive or the cancel), else its last update. */
#define FIN(num, kind) \
	"CASE WHEN t.status = 'open' THEN NULL ELSE coalesce((SELECT max(e.at)" \
	" FROM work_events e WHERE e.number = " num " AND e.kind = '" kind "' @J(e,t))," \
	" t.updated_at) END"

#define ACTIVE(a) \
	" WHERE " a ".business_date <= ?2 AND (" a ".status = 'open' OR" \
	" date(" a ".fin, 'localtime') >= ?1) AND" XSCOPE(a)

#define APP_SRC " FROM (SELECT t.*, " FIN("t.app_no", "application") " AS fin FROM applications t) a"
#define CHG_SRC " FROM (SELECT t.*, " FIN("t.change_no", "change") " AS fin FROM changes t) a"
#define CMP_SRC " FROM (SELECT t.*, " FIN("t.complaint_no", "complaint") " AS fin FROM complaints t) a"

int xcount_work(struct xctx *x, int which, long *rows)
{
	const char *sql =
		which == XW_APPLICATIONS ? "SELECT count(*)" APP_SRC ACTIVE("a") :
		which == XW_CHANGES ? "SELECT count(*)" CHG_SRC ACTIVE("a") :
		"SELECT count(*)" CMP_SRC ACTIVE("a");
	int64_t n = 0;
	int rc = xq_int(x, sql, &n);
	*rows = (long)n;
	return rc;
}

/* ------------------------------------------------------------ timing */

struct wo_clocks {
	int n;
	struct wo_clock c[WORULES_MAX];
};

static void on_clock(void *ud, const struct wo_clock *c)
{
	struct wo_clocks *k = ud;
	if (k->n < WORULES_MAX)
		k->c[k->n++] = *c;
}

static const char *clock_label(const char *clock)
{
	static const struct { const char *key, *zh, *en; } names[] = {
		{ "total", "全程", "total" }, { "contact", "联系", "contact" },
		{ "reply", "答复", "reply" }, { "followup", "回访", "follow-up" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].key, clock) == 0)
			return hall_tr(names[i].zh, names[i].en);
	return xl_label("stage", clock);
}

/* On a central store: the rule tables and the calendar are each hall's
 * and not at the central, so an order's clocks cannot be recomputed
 * there; its deadline is the one its hall stored at its last transition
 * (the earliest deadline of its running clocks), and it is overdue while
 * open past it.  No limit or days used; finished orders have no clock. */
static int central_timing(struct xctx *x, const char *status, const char *deadline,
                          struct xtiming *t)
{
	if (strcmp(status, "open") != 0 || !deadline || !deadline[0])
		return HALL_OK;
	t->nclocks = 1;
	snprintf(t->deadline, sizeof t->deadline, "%s", deadline);
	if (strcmp(deadline, x->now_utc) < 0) {
		t->overdue = true;
		snprintf(t->late, sizeof t->late, "%s", hall_tr("截止时间", "deadline"));
		char d[11];
		x_local_date(x, deadline, d);
		t->due = strcmp(d, x->from) >= 0 && strcmp(d, x->to) <= 0;
	}
	return HALL_OK;
}

int x_timing(struct xctx *x, const char *number, const char *status,
             const char *main_clock, const char *stored_deadline, struct xtiming *t)
{
	memset(t, 0, sizeof *t);
	if (x->central)
		return central_timing(x, status, stored_deadline, t);
	if (!x->clocks && !(x->clocks = malloc(sizeof *x->clocks)))
		return hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	struct wo_clocks *k = x->clocks;
	k->n = 0;
	/* the calendar once per export, not once per order */
	int rc = x->cal ? HALL_OK : calendar_load(x->s, &x->cal, x->err);
	if (rc == HALL_OK)
		rc = workorder_clocks_cal(x->s, x->cal, number, x->now_utc, on_clock, k, x->err);
	if (rc != HALL_OK)
		return rc;
	bool cancelled = strcmp(status, "cancelled") == 0;
	bool open = strcmp(status, "open") == 0;
	const struct wo_clock *main = NULL;
	for (int i = 0; i < k->n; i++) {
		const struct wo_clock *c = &k->c[i];
		if (strcmp(c->rule.unit, "off") == 0)
			continue;
		t->nclocks++;
		/* the first clock, unless the named one comes later */
		if (!main || (strcmp(c->rule.clock, main_clock) == 0 &&
		              strcmp(main->rule.clock, main_clock) != 0))
			main = c;
		if (c->overdue && !cancelled) {
			t->overdue = true;
			size_t n = strlen(t->late);
			snprintf(t->late + n, sizeof t->late - n, "%s%s", n ? "、" : "",
			         clock_label(c->rule.clock));
		}
		if (open && c->running && c->deadline[0] &&
		    strcmp(c->deadline, x->now_utc) < 0) {
			char d[11];
			x_local_date(x, c->deadline, d);
			if (strcmp(d, x->from) >= 0 && strcmp(d, x->to) <= 0)
				t->due = true;
		}
	}
	if (main) {
		snprintf(t->deadline, sizeof t->deadline, "%s", main->deadline);
		snprintf(t->unit, sizeof t->unit, "%s", main->rule.unit);
		t->has_limit = main->started;
		t->limit = main->rule.amount;
		t->used = strcmp(main->rule.unit, "workdays") == 0 ? main->used : main->used / 3600;
	}
	return HALL_OK;
}

static const char *const order_sql[3] = {
	"SELECT a.app_no, a.kind, a.status, a.business_date, coalesce(a.fin, ''),"
	" a.capacity, 0, a.deadline, @H(a)" APP_SRC ACTIVE("a") " ORDER BY a.id",
	"SELECT a.change_no, a.change_type, a.status, a.business_date, coalesce(a.fin, ''),"
	" 0, 0, a.deadline, @H(a)" CHG_SRC ACTIVE("a") " ORDER BY a.id",
	"SELECT a.complaint_no, a.kind, a.status, a.business_date, coalesce(a.fin, ''),"
	" 0, a.repeat_flag, a.deadline, @H(a)" CMP_SRC ACTIVE("a") " ORDER BY a.id",
};

static const char *const main_clock[3] = { "total", "total", "reply" };

int x_orders(struct xctx *x, int which,
             void (*fn)(struct xctx *x, const struct xorder *o, void *ud),
             void *ud)
{
	sqlite3_stmt *st = xq_prepare(x, order_sql[which]);
	if (!st)
		return x->err->code;
	int src, rc = HALL_OK;
	while (rc == HALL_OK && (src = xq_step(x, st)) == SQLITE_ROW) {
		struct xorder o = {
			.number = xq_text(st, 0), .type = xq_text(st, 1),
			.status = xq_text(st, 2), .business_date = xq_text(st, 3),
			.fin = xq_text(st, 4), .capacity = sqlite3_column_int64(st, 5),
			.repeat = sqlite3_column_int(st, 6) != 0,
			.hall = xq_text(st, 8),
		};
		rc = x_timing(x, o.number, o.status, main_clock[which], xq_text(st, 7), &o.t);
		if (rc == HALL_OK)
			fn(x, &o, ud);
	}
	sqlite3_finalize(st);
	if (rc != HALL_OK)
		return rc;
	return src == SQLITE_DONE ? HALL_OK : x->err->code;
}

/* ------------------------------------------------------------ cells */

static void put_limit(struct xsheet *sh, int col, const struct xtiming *t)
{
	if (!t->has_limit)
		return;
	if (strcmp(t->unit, "workdays") == 0) {
		xs_int(sh, col, t->limit, NULL);
		xs_int(sh, col + 1, t->used, NULL);
		return;
	}
	char a[48], b[48];
	const char *u = strcmp(t->unit, "work_hours") == 0 ? hall_tr("工作小时", "working hours")
	                                                   : hall_tr("小时", "hours");
	snprintf(a, sizeof a, "%lld %s", (long long)t->limit, u);
	snprintf(b, sizeof b, "%lld %s", (long long)t->used, u);
	xs_text(sh, col, a, NULL);
	xs_text(sh, col + 1, b, NULL);
}

static void put_flag(struct xsheet *sh, int col, bool yes)
{
	if (yes)
		xs_text(sh, col, hall_tr("是", "yes"), sh->x->f.flag);
	else
		xs_text(sh, col, hall_tr("否", "no"), NULL);
}

static const char *yes_no(const char *v)
{
	if (strcmp(v, "yes") == 0)
		return hall_tr("是", "yes");
	if (strcmp(v, "no") == 0)
		return hall_tr("否", "no");
	return "";
}

/* Counts under a ledger: rows, open, overdue (and a sum of one column). */
static void ledger_totals(struct xsheet *sh, lxw_row_t first, lxw_row_t last,
                          int col_no, int col_status, int col_overdue,
                          long nrows, long nopen, long noverdue,
                          int col_sum, int64_t sum)
{
	struct xctx *x = sh->x;
	char rg[40], f[256];
	xs_next(sh, 1);
	xs_text(sh, 0, hall_tr("件数", "Records"), x->f.bold);
	xs_range(rg, sizeof rg, col_no, first, last);
	snprintf(f, sizeof f, "=COUNTA(%s)", rg);
	xs_formula_int(sh, 1, f, nrows, x->f.int_bold);
	xs_next(sh, 1);
	xs_text(sh, 0, hall_tr("在办", "Open"), x->f.bold);
	xs_range(rg, sizeof rg, col_status, first, last);
	snprintf(f, sizeof f, "=COUNTIF(%s,\"%s\")", rg, xl_label("status", "open"));
	xs_formula_int(sh, 1, f, nopen, x->f.int_bold);
	xs_next(sh, 1);
	xs_text(sh, 0, hall_tr("超期", "Overdue"), x->f.bold);
	xs_range(rg, sizeof rg, col_overdue, first, last);
	snprintf(f, sizeof f, "=COUNTIF(%s,\"%s\")", rg, hall_tr("是", "yes"));
	xs_formula_int(sh, 1, f, noverdue, x->f.int_bold);
	xs_next(sh, 1);
	if (col_sum >= 0) {
		xs_text(sh, 0, hall_tr("容量合计", "Capacity"), x->f.bold);
		xs_range(rg, sizeof rg, col_sum, first, last);
		snprintf(f, sizeof f, "=SUM(%s)", rg);
		xs_formula_int(sh, 1, f, sum, x->f.int_bold);
		xs_next(sh, 1);
	}
}

/* What every ledger does after its rows: stop on an error or a failed
 * step, count the rows, then either say the period had none or write the
 * totals, and close the sheet. */
static int ledger_end(struct xctx *x, struct xsheet *sh, int rc, int src,
                      lxw_row_t first, long n, long nopen, long nover,
                      int col_no, int col_status, int col_overdue,
                      int col_sum, int64_t sum,
                      const char *empty_zh, const char *empty_en)
{
	if (rc != HALL_OK)
		return rc;
	if (!x->cancelled && src != SQLITE_DONE)
		return x->err->code;
	x->nrows += n;
	if (n == 0) {
		xs_nothing(sh, empty_zh, empty_en);
		xs_table_end(sh);
	} else {
		lxw_row_t last = sh->row - 1;
		xs_table_end(sh);
		ledger_totals(sh, first, last, col_no, col_status, col_overdue, n,
		              nopen, nover, col_sum, sum);
	}
	xs_close(sh);
	return HALL_OK;
}

/* ------------------------------------------------------- applications */

enum {
	A_NO, A_DATE, A_ACCOUNT, A_NAME, A_ID, A_PHONE, A_ADDRESS, A_KIND, A_VOLTAGE,
	A_CAPACITY, A_STAGE, A_STATUS, A_DEADLINE, A_LIMIT, A_USED, A_OVERDUE, A_FIN,
	A_STAFF, A_COUNTER, A__N
};

static const struct xcol app_cols[A__N + 1] = {
	{ "申请编号", "Application no.", 0 }, { "受理日期", "Accepted", 0 },
	{ "户号", "Account", 0 }, { "户名", "Name", 36 },
	{ "证件号码", "ID number", 0 }, { "联系电话", "Phone", 0 },
	{ "用电地址", "Address", 40 }, { "新装类别", "Kind", 0 },
	{ "电压", "Voltage", 0 }, { "容量（kW/kVA）", "Capacity (kW/kVA)", 0 },
	{ "当前环节", "Stage", 0 }, { "状态", "Status", 0 },
	{ "截止时间", "Deadline", 0 }, { "时限（工作日）", "Limit (working days)", 0 },
	{ "已用（工作日）", "Used (working days)", 0 }, { "超期", "Overdue", 0 },
	{ "办结时间", "Finished", 0 }, { "营业员", "Clerk", 24 }, { "窗口", "Counter", 0 },
	{ "营业厅", "Hall", 0 },
};

int xsheet_applications(struct xctx *x)
{
	struct xsheet sh;
	int rc = xs_open(x, &sh, "业扩台账", "Applications", "业扩台账（新装）",
	                 "Applications ledger (new connections)");
	if (rc != HALL_OK)
		return rc;
	xs_header(&sh, app_cols, A__N + x->central, x->expect_work[XW_APPLICATIONS]);
	lxw_row_t first = sh.row;
	sqlite3_stmt *st = xq_prepare(x,
		"SELECT a.app_no, a.business_date, a.account_no, a.name, a.id_number,"
		" a.phone, a.address, a.kind, a.voltage, a.capacity, a.stage, a.status,"
		" coalesce(a.fin, ''), @K(a), coalesce(s.name, ''), a.counter, @H(a), a.deadline"
		APP_SRC " LEFT JOIN staff s ON s.id = a.staff_id @J(s,a)" ACTIVE("a")
		" ORDER BY a.business_date, a.id");
	if (!st)
		return x->err->code;
	long n = 0, nopen = 0, nover = 0;
	int64_t cap = 0;
	int src;
	rc = HALL_OK;
	while (rc == HALL_OK && !x->cancelled && (src = xq_step(x, st)) == SQLITE_ROW) {
		char idm[64], phm[64], who[256];
		const char *status = xq_text(st, 11);
		struct xtiming t;
		if ((rc = x_timing(x, xq_text(st, 0), status, "total", xq_text(st, 17), &t)) != HALL_OK)
			break;
		xs_text(&sh, A_NO, xq_text(st, 0), NULL);
		if (x->central)
			xs_text(&sh, A__N, xq_text(st, 16), NULL);
		xs_date(&sh, A_DATE, xq_text(st, 1));
		xs_text(&sh, A_ACCOUNT, xq_text(st, 2), NULL);
		xs_text(&sh, A_NAME, xq_text(st, 3), NULL);
		xs_text(&sh, A_ID, ident_mask_id(xq_text(st, 4), idm, sizeof idm), NULL);
		xs_text(&sh, A_PHONE, ident_mask_phone(xq_text(st, 5), phm, sizeof phm), NULL);
		xs_text(&sh, A_ADDRESS, xq_text(st, 6), NULL);
		xs_text(&sh, A_KIND, xl_label("akind", xq_text(st, 7)), NULL);
		xs_text(&sh, A_VOLTAGE, xl_label("voltage", xq_text(st, 8)), NULL);
		xs_int(&sh, A_CAPACITY, sqlite3_column_int64(st, 9), NULL);
		xs_text(&sh, A_STAGE, xl_label("stage", xq_text(st, 10)), NULL);
		xs_text(&sh, A_STATUS, xl_label("status", status), NULL);
		xs_time(&sh, A_DEADLINE, t.deadline, false);
		put_limit(&sh, A_LIMIT, &t);
		put_flag(&sh, A_OVERDUE, t.overdue);
		xs_time(&sh, A_FIN, xq_text(st, 12), false);
		snprintf(who, sizeof who, "%s%s%s", xq_text(st, 13), *xq_text(st, 14) ? " " : "", xq_text(st, 14));
		xs_text(&sh, A_STAFF, who, NULL);
		xs_int(&sh, A_COUNTER, sqlite3_column_int64(st, 15), NULL);
		cap += sqlite3_column_int64(st, 9);
		nopen += strcmp(status, "open") == 0;
		nover += t.overdue;
		xs_next(&sh, 1);
		n++;
		x_progress(x, 1);
	}
	sqlite3_finalize(st);
	return ledger_end(x, &sh, rc, src, first, n, nopen, nover, A_NO, A_STATUS, A_OVERDUE,
	                  A_CAPACITY, cap, "本期间没有在办或办结的新装申请",
	                  "No open or finished applications in this period");
}

/* ------------------------------------------------------------ changes */

enum {
	G_NO, G_DATE, G_ACCOUNT, G_NAME, G_TYPE, G_STAGE, G_STATUS, G_DEADLINE,
	G_LIMIT, G_USED, G_OVERDUE, G_FIN, G_STAFF, G_COUNTER, G__N
};

static const struct xcol chg_cols[G__N + 1] = {
	{ "变更编号", "Change no.", 0 }, { "受理日期", "Accepted", 0 },
	{ "户号", "Account", 0 }, { "户名", "Name", 36 },
	{ "变更类型", "Change", 0 }, { "当前环节", "Stage", 0 },
	{ "状态", "Status", 0 }, { "截止时间", "Deadline", 0 },
	{ "时限（工作日）", "Limit (working days)", 0 },
	{ "已用（工作日）", "Used (working days)", 0 }, { "超期", "Overdue", 0 },
	{ "办结时间", "Finished", 0 }, { "营业员", "Clerk", 24 }, { "窗口", "Counter", 0 },
	{ "营业厅", "Hall", 0 },
};

int xsheet_changes(struct xctx *x)
{
	struct xsheet sh;
	int rc = xs_open(x, &sh, "变更台账", "Changes", "变更用电台账",
	                 "Business changes ledger");
	if (rc != HALL_OK)
		return rc;
	xs_header(&sh, chg_cols, G__N + x->central, x->expect_work[XW_CHANGES]);
	lxw_row_t first = sh.row;
	sqlite3_stmt *st = xq_prepare(x,
		"SELECT a.change_no, a.business_date, a.account_no, coalesce(c.name, ''),"
		" a.change_type, a.stage, a.status, coalesce(a.fin, ''),"
		" @K(a), coalesce(s.name, ''), a.counter, @H(a), a.deadline"
		CHG_SRC " LEFT JOIN staff s ON s.id = a.staff_id @J(s,a)"
		" LEFT JOIN customers c ON c.account_no = a.account_no" ACTIVE("a")
		" ORDER BY a.business_date, a.id");
	if (!st)
		return x->err->code;
	long n = 0, nopen = 0, nover = 0;
	int src;
	rc = HALL_OK;
	while (rc == HALL_OK && !x->cancelled && (src = xq_step(x, st)) == SQLITE_ROW) {
		char who[256];
		const char *status = xq_text(st, 6);
		struct xtiming t;
		if ((rc = x_timing(x, xq_text(st, 0), status, "total", xq_text(st, 12), &t)) != HALL_OK)
			break;
		xs_text(&sh, G_NO, xq_text(st, 0), NULL);
		if (x->central)
			xs_text(&sh, G__N, xq_text(st, 11), NULL);
		xs_date(&sh, G_DATE, xq_text(st, 1));
		xs_text(&sh, G_ACCOUNT, xq_text(st, 2), NULL);
		xs_text(&sh, G_NAME, xq_text(st, 3), NULL);
		xs_text(&sh, G_TYPE, xl_label("ctype", xq_text(st, 4)), NULL);
		xs_text(&sh, G_STAGE, xl_label("stage", xq_text(st, 5)), NULL);
		xs_text(&sh, G_STATUS, xl_label("status", status), NULL);
		xs_time(&sh, G_DEADLINE, t.deadline, false);
		put_limit(&sh, G_LIMIT, &t);
		put_flag(&sh, G_OVERDUE, t.overdue);
		xs_time(&sh, G_FIN, xq_text(st, 7), false);
		snprintf(who, sizeof who, "%s%s%s", xq_text(st, 8), *xq_text(st, 9) ? " " : "", xq_text(st, 9));
		xs_text(&sh, G_STAFF, who, NULL);
		xs_int(&sh, G_COUNTER, sqlite3_column_int64(st, 10), NULL);
		nopen += strcmp(status, "open") == 0;
		nover += t.overdue;
		xs_next(&sh, 1);
		n++;
		x_progress(x, 1);
	}
	sqlite3_finalize(st);
	return ledger_end(x, &sh, rc, src, first, n, nopen, nover, G_NO, G_STATUS, G_OVERDUE,
	                  -1, 0, "本期间没有在办或办结的变更用电",
	                  "No open or finished business changes in this period");
}

/* --------------------------------------------------------- complaints */

enum {
	K_NO, K_TIME, K_KIND, K_CATEGORY, K_SUB, K_CHANNEL, K_NAME, K_PHONE,
	K_ACCOUNT, K_REPEAT, K_CONTENT, K_STAGE, K_STATUS, K_DEADLINE, K_OVERDUE,
	K_LATE, K_FIN, K_DEPT, K_VERIFIED, K_FAULT, K_FOLLOWUP, K_REOPEN, K_STAFF,
	K__N
};

static const struct xcol cmp_cols[K__N + 1] = {
	{ "工单号", "Number", 0 }, { "受理时间", "Accepted", 0 },
	{ "诉求类型", "Kind", 0 }, { "投诉类别", "Category", 0 },
	{ "细分", "Subcategory", 0 }, { "渠道", "Channel", 0 },
	{ "客户", "Customer", 24 }, { "联系电话", "Phone", 0 },
	{ "户号", "Account", 0 }, { "重复投诉", "Repeat", 0 },
	{ "诉求内容", "Content", 40 }, { "当前环节", "Stage", 0 },
	{ "状态", "Status", 0 }, { "答复截止", "Reply due", 0 },
	{ "超期", "Overdue", 0 }, { "超期环节", "Late clocks", 0 },
	{ "办结时间", "Finished", 0 }, { "责任部门", "Department", 24 },
	{ "是否属实", "Verified true", 0 }, { "企业责任", "Company at fault", 0 },
	{ "回访结果", "Follow-up", 0 }, { "重新处理", "Reopened", 0 },
	{ "营业员", "Clerk", 24 }, { "营业厅", "Hall", 0 },
};

int xsheet_complaints(struct xctx *x)
{
	struct xsheet sh;
	int rc = xs_open(x, &sh, "投诉台账", "Complaints", "投诉台账（客户诉求）",
	                 "Complaint ledger (customer feedback)");
	if (rc != HALL_OK)
		return rc;
	xs_header(&sh, cmp_cols, K__N + x->central, x->expect_work[XW_COMPLAINTS]);
	lxw_row_t first = sh.row;
	sqlite3_stmt *st = xq_prepare(x,
		"SELECT a.complaint_no, a.created_at, a.kind, a.category, a.subcategory,"
		" a.channel, a.name, a.phone, coalesce(a.account_no, ''), a.repeat_flag,"
		" a.content, a.stage, a.status, coalesce(a.fin, ''),"
		" @K(a), coalesce(s.name, ''),"
		" coalesce(json_extract(a.extras, '$.confidential'), '') = 'yes',"
		" a.department, a.verified, a.company_fault, a.followup_result, a.reopen_count,"
		" @H(a), a.deadline"
		CMP_SRC " LEFT JOIN staff s ON s.id = a.staff_id @J(s,a)" ACTIVE("a")
		" ORDER BY a.business_date, a.id");
	if (!st)
		return x->err->code;
	long n = 0, nopen = 0, nover = 0;
	int src;
	rc = HALL_OK;
	while (rc == HALL_OK && !x->cancelled && (src = xq_step(x, st)) == SQLITE_ROW) {
		char phm[64], who[256];
		const char *status = xq_text(st, 12);
		bool confidential = sqlite3_column_int(st, 16) != 0;
		struct xtiming t;
		if ((rc = x_timing(x, xq_text(st, 0), status, "reply", xq_text(st, 23), &t)) != HALL_OK)
			break;
		xs_text(&sh, K_NO, xq_text(st, 0), NULL);
		if (x->central)
			xs_text(&sh, K__N, xq_text(st, 22), NULL);
		xs_time(&sh, K_TIME, xq_text(st, 1), false);
		xs_text(&sh, K_KIND, xl_label("ckind", xq_text(st, 2)), NULL);
		xs_text(&sh, K_CATEGORY, xl_label("category", xq_text(st, 3)), NULL);
		xs_text(&sh, K_SUB, xl_label("subcategory", xq_text(st, 4)), NULL);
		xs_text(&sh, K_CHANNEL, xl_label("channel", xq_text(st, 5)), NULL);
		if (confidential) {
			/* a reporter kept confidential never leaves the store */
			xs_text(&sh, K_NAME, hall_tr("（保密）", "(confidential)"), NULL);
		} else {
			xs_text(&sh, K_NAME, xq_text(st, 6), NULL);
			xs_text(&sh, K_PHONE, ident_mask_phone(xq_text(st, 7), phm, sizeof phm), NULL);
			xs_text(&sh, K_ACCOUNT, xq_text(st, 8), NULL);
		}
		put_flag(&sh, K_REPEAT, sqlite3_column_int(st, 9) != 0);
		xs_text(&sh, K_CONTENT, xq_text(st, 10), NULL);
		xs_text(&sh, K_STAGE, xl_label("stage", xq_text(st, 11)), NULL);
		xs_text(&sh, K_STATUS, xl_label("status", status), NULL);
		xs_time(&sh, K_DEADLINE, t.deadline, false);
		put_flag(&sh, K_OVERDUE, t.overdue);
		xs_text(&sh, K_LATE, t.late, x->f.flag);
		xs_time(&sh, K_FIN, xq_text(st, 13), false);
		xs_text(&sh, K_DEPT, xq_text(st, 17), NULL);
		xs_text(&sh, K_VERIFIED, yes_no(xq_text(st, 18)), NULL);
		xs_text(&sh, K_FAULT, yes_no(xq_text(st, 19)), NULL);
		const char *fu = xq_text(st, 20);
		xs_text(&sh, K_FOLLOWUP, !strcmp(fu, "satisfied") ? hall_tr("满意", "satisfied")
		                         : !strcmp(fu, "unsatisfied") ? hall_tr("不满意", "not satisfied") : "",
		        NULL);
		if (sqlite3_column_int64(st, 21) > 0)
			xs_int(&sh, K_REOPEN, sqlite3_column_int64(st, 21), NULL);
		snprintf(who, sizeof who, "%s%s%s", xq_text(st, 14), *xq_text(st, 15) ? " " : "", xq_text(st, 15));
		xs_text(&sh, K_STAFF, who, NULL);
		nopen += strcmp(status, "open") == 0;
		nover += t.overdue;
		xs_next(&sh, 1);
		n++;
		x_progress(x, 1);
	}
	sqlite3_finalize(st);
	return ledger_end(x, &sh, rc, src, first, n, nopen, nover, K_NO, K_STATUS, K_OVERDUE,
	                  -1, 0, "本期间没有客户诉求",
	                  "No customer feedback in this period");
}
