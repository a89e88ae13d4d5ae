/* export_summary.c - the 汇总 (Summary) sheet of the daily report: work and
 * takings per clerk, takings by method with the daily close, new
 * connections, changes and feedback by kind, the KPIs with their
 * definitions; and the 图表 (Charts) sheet: complaints by category as a
 * Pareto column chart, takings by method as a pie, the daily trend.
 * Every figure comes from one aggregate query in int64; totals are SUM
 * formulas written with their results.  Definitions: include/hall/export.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

#define NMETHODS 6            /* the form's methods; others go to "other" */

/* Work of one clerk in the period. */
struct clerk {
	char id[24], name[192];
	int64_t apps, changes, feedback;
	int64_t pay_n, pay_fen[NMETHODS + 1];   /* last: other methods */
	int64_t void_n, void_fen;
	int64_t close_diff, closes, signed_closes;
};

struct clerks {
	struct clerk *c;
	int n, cap;
	bool oom;
};

static struct clerk *clerk_get(struct clerks *cs, const char *id)
{
	for (int i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].id, id) == 0)
			return &cs->c[i];
	if (cs->n == cs->cap) {
		int cap = cs->cap ? cs->cap * 2 : 16;
		struct clerk *c = realloc(cs->c, (size_t)cap * sizeof *c);
		if (!c) {
			cs->oom = true;
			return NULL;
		}
		cs->c = c;
		cs->cap = cap;
	}
	struct clerk *c = &cs->c[cs->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", id);
	return c;
}

static int cmp_clerk(const void *a, const void *b)
{
	return strcmp(((const struct clerk *)a)->id, ((const struct clerk *)b)->id);
}

static int method_index(const char *key)
{
	const char *const *k = xl_keys("method");
	for (int i = 0; i < NMETHODS && k[i]; i++)
		if (strcmp(k[i], key) == 0)
			return i;
	return NMETHODS;
}

static int fail(struct xctx *x)
{
	return x->err->code ? x->err->code : HALL_EDB;
}

/* Run sql and call fn for each row. */
static int each_row(struct xctx *x, const char *sql,
                    void (*fn)(struct xctx *x, sqlite3_stmt *st, void *ud), void *ud)
{
	sqlite3_stmt *st = xq_prepare(x, sql);
	if (!st)
		return fail(x);
	int rc;
	while ((rc = xq_step(x, st)) == SQLITE_ROW)
		fn(x, st, ud);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? HALL_OK : fail(x);
}

static void row_pay(struct xctx *x, sqlite3_stmt *st, void *ud)
{
	(void)x;
	struct clerk *c = clerk_get(ud, xq_text(st, 0));
	if (!c)
		return;
	if (strcmp(xq_text(st, 1), "ok") == 0) {
		c->pay_n += sqlite3_column_int64(st, 3);
		c->pay_fen[method_index(xq_text(st, 2))] += sqlite3_column_int64(st, 4);
	} else {
		c->void_n += sqlite3_column_int64(st, 3);
		c->void_fen += sqlite3_column_int64(st, 4);
	}
}

static void row_apps(struct xctx *x, sqlite3_stmt *st, void *ud)
{
	(void)x;
	struct clerk *c = clerk_get(ud, xq_text(st, 0));
	if (c)
		c->apps += sqlite3_column_int64(st, 1);
}

static void row_changes(struct xctx *x, sqlite3_stmt *st, void *ud)
{
	(void)x;
	struct clerk *c = clerk_get(ud, xq_text(st, 0));
	if (c)
		c->changes += sqlite3_column_int64(st, 1);
}

static void row_feedback(struct xctx *x, sqlite3_stmt *st, void *ud)
{
	(void)x;
	struct clerk *c = clerk_get(ud, xq_text(st, 0));
	if (c)
		c->feedback += sqlite3_column_int64(st, 1);
}

static void row_closes(struct xctx *x, sqlite3_stmt *st, void *ud)
{
	(void)x;
	struct clerk *c = clerk_get(ud, xq_text(st, 0));
	if (c) {
		c->close_diff += sqlite3_column_int64(st, 1);
		c->closes += sqlite3_column_int64(st, 2);
		c->signed_closes += sqlite3_column_int64(st, 3);
	}
}

static void row_names(struct xctx *x, sqlite3_stmt *st, void *ud)
{
	(void)x;
	struct clerks *cs = ud;
	for (int i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].id, xq_text(st, 0)) == 0)
			snprintf(cs->c[i].name, sizeof cs->c[i].name, "%s", xq_text(st, 1));
}

/* The work of the period grouped by KEY: the clerk (@K: staff id; hall
 * and staff id on a central store) or the hall (@H). */
#define WORK_SQL(KEY) { \
	"SELECT " KEY("p") ", p.status, p.method, count(*), sum(p.amount_fen)" \
	" FROM payments p WHERE p.business_date BETWEEN ?1 AND ?2 AND" XSCOPE("p") \
	" GROUP BY 1, p.status, p.method", \
	"SELECT " KEY("a") ", count(*) FROM applications a" \
	" WHERE a.business_date BETWEEN ?1 AND ?2 AND" XSCOPE("a") " GROUP BY 1", \
	"SELECT " KEY("a") ", count(*) FROM changes a" \
	" WHERE a.business_date BETWEEN ?1 AND ?2 AND" XSCOPE("a") " GROUP BY 1", \
	"SELECT " KEY("a") ", count(*) FROM complaints a" \
	" WHERE a.business_date BETWEEN ?1 AND ?2 AND" XSCOPE("a") " GROUP BY 1", \
	"SELECT " KEY("d") ", sum(d.declared_fen - d.expected_fen)," \
	" count(*), sum(d.status = 'signed') FROM day_closes d" \
	" WHERE d.business_date BETWEEN ?1 AND ?2 AND d.status <> 'reopened' AND" \
	XSCOPE("d") " GROUP BY 1" }
#define KEY_CLERK(t) "@K(" t ")"
#define KEY_HALL(t) "@H(" t ")"

static int load_clerks(struct xctx *x, struct clerks *cs, bool by_hall)
{
	static const char *const clerk_sql[5] = WORK_SQL(KEY_CLERK);
	static const char *const hall_sql[5] = WORK_SQL(KEY_HALL);
	const char *const *q = by_hall ? hall_sql : clerk_sql;
	int rc = each_row(x, q[0], row_pay, cs);
	if (rc == HALL_OK)
		rc = each_row(x, q[1], row_apps, cs);
	if (rc == HALL_OK)
		rc = each_row(x, q[2], row_changes, cs);
	if (rc == HALL_OK)
		rc = each_row(x, q[3], row_feedback, cs);
	if (rc == HALL_OK && x->have.day_closes)
		rc = each_row(x, q[4], row_closes, cs);
	/* names: the staff row of that hall (a central keeps one row per
	 * staff id, with the hall it came from); the hall's own name */
	if (rc == HALL_OK && by_hall && x->central)
		rc = each_row(x, "SELECT code, name FROM central_halls", row_names, cs);
	else if (rc == HALL_OK && by_hall)
		rc = each_row(x, "SELECT ?20, (SELECT value FROM meta WHERE key = 'hall_name')",
		              row_names, cs);
	else if (rc == HALL_OK && x->central)
		rc = each_row(x, "SELECT s.hall || ' ' || s.id, s.name FROM staff s", row_names, cs);
	else if (rc == HALL_OK)
		rc = each_row(x, "SELECT id, name FROM staff", row_names, cs);
	if (rc == HALL_OK && cs->oom)
		rc = hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	if (rc == HALL_OK && cs->n > 1)
		qsort(cs->c, (size_t)cs->n, sizeof cs->c[0], cmp_clerk);
	return rc;
}

/* SUM of column col over rows r1..r2 with its result. */
static void sum_cell(struct xsheet *sh, int col, lxw_row_t r1, lxw_row_t r2,
                     int64_t v, bool money)
{
	char rg[40], f[96];
	xs_range(rg, sizeof rg, col, r1, r2);
	snprintf(f, sizeof f, "=SUM(%s)", rg);
	if (money)
		xs_formula_money(sh, col, f, v, sh->x->f.money_bold);
	else
		xs_formula_int(sh, col, f, v, sh->x->f.int_bold);
}

static void section(struct xsheet *sh, const char *zh, const char *en)
{
	xs_next(sh, 1);
	xs_text_free(sh, 0, hall_tr(zh, en), sh->x->f.section);
	xs_next(sh, 1);
}

/* ---------------------------------------------------- A. by clerk */

/* The per-clerk table, or with by_hall the per-hall table of a branch
 * (central store): the same columns, one row per hall. */
static int by_clerk(struct xsheet *sh, struct clerks *cs, bool *any_other,
                    bool by_hall)
{
	struct xctx *x = sh->x;
	*any_other = false;
	for (int i = 0; i < cs->n; i++)
		*any_other |= cs->c[i].pay_fen[NMETHODS] != 0;
	struct xcol head[XS_MAXCOLS];
	int n = 0;
	if (by_hall) {
		head[n++] = (struct xcol){ "营业厅编码", "Hall code", 0 };
		head[n++] = (struct xcol){ "营业厅", "Hall", 24 };
	} else {
		head[n++] = (struct xcol){ x->central ? "营业厅 工号" : "工号",
		                           x->central ? "Hall, clerk ID" : "Clerk ID", 0 };
		head[n++] = (struct xcol){ "营业员", "Clerk", 24 };
	}
	head[n++] = (struct xcol){ "新装受理", "New connections", 0 };
	head[n++] = (struct xcol){ "变更受理", "Changes", 0 };
	head[n++] = (struct xcol){ "诉求登记", "Feedback", 0 };
	head[n++] = (struct xcol){ "缴费笔数", "Payments", 0 };
	int mcol = n;
	const char *const *keys = xl_keys("method");
	static const struct xcol mhead[NMETHODS] = {
		{ "现金", "Cash", 0 }, { "银行卡", "Bank card", 0 }, { "微信", "WeChat Pay", 0 },
		{ "支付宝", "Alipay", 0 }, { "支票", "Cheque", 0 }, { "转账", "Bank transfer", 0 },
	};
	for (int i = 0; i < NMETHODS && keys[i]; i++)
		head[n++] = mhead[i];
	int nm = NMETHODS;
	if (*any_other) {
		head[n++] = (struct xcol){ "其他方式", "Other methods", 0 };
		nm++;
	}
	int tcol = n;
	head[n++] = (struct xcol){ "实收合计", "Takings", 0 };
	head[n++] = (struct xcol){ "冲正笔数", "Reversed", 0 };
	head[n++] = (struct xcol){ "冲正金额", "Reversed amount", 0 };
	int dcol = -1;
	if (x->have.day_closes) {
		dcol = n;
		head[n++] = (struct xcol){ "日结差额", "Close difference", 0 };
		head[n++] = (struct xcol){ "日结", "Daily close", 0 };
	}
	if (by_hall)
		xs_text_free(sh, 0, hall_tr("〇、分营业厅（全分公司）", "0. By hall (the whole branch)"), x->f.section);
	else
		xs_text_free(sh, 0, hall_tr("一、分营业员", "1. By clerk"), x->f.section);
	xs_next(sh, 1);
	xs_header(sh, head, n, cs->n);
	lxw_row_t first = sh->row;
	struct clerk tot;
	memset(&tot, 0, sizeof tot);
	for (int i = 0; i < cs->n; i++) {
		struct clerk *c = &cs->c[i];
		xs_text(sh, 0, c->id, NULL);
		xs_text(sh, 1, c->name, NULL);
		xs_int(sh, 2, c->apps, NULL);
		xs_int(sh, 3, c->changes, NULL);
		xs_int(sh, 4, c->feedback, NULL);
		xs_int(sh, 5, c->pay_n, NULL);
		int64_t takings = 0;
		for (int m = 0; m < nm; m++) {
			xs_money(sh, mcol + m, c->pay_fen[m], NULL);
			takings += c->pay_fen[m];
			tot.pay_fen[m] += c->pay_fen[m];
		}
		char a[16], b[16], f[64];
		xs_cell(a, sizeof a, sh->row, mcol);
		xs_cell(b, sizeof b, sh->row, mcol + nm - 1);
		snprintf(f, sizeof f, "=SUM(%s:%s)", a, b);
		xs_formula_money(sh, tcol, f, takings, NULL);
		xs_int(sh, tcol + 1, c->void_n, NULL);
		xs_money(sh, tcol + 2, c->void_fen, NULL);
		if (dcol >= 0) {
			if (c->closes > 0)
				xs_money(sh, dcol, c->close_diff, NULL);
			char st[64];
			if (c->closes == 0)
				snprintf(st, sizeof st, "%s", hall_tr("未日结", "not closed"));
			else if (x->from_day == x->to_day)
				snprintf(st, sizeof st, "%s", c->signed_closes ? hall_tr("已签字", "signed")
				                                               : hall_tr("待签字", "to sign"));
			else
				snprintf(st, sizeof st, hall_tr("%lld 天（%lld 已签）", "%lld days (%lld signed)"),
				         (long long)c->closes, (long long)c->signed_closes);
			xs_text(sh, dcol + 1, st, NULL);
		}
		tot.apps += c->apps;
		tot.changes += c->changes;
		tot.feedback += c->feedback;
		tot.pay_n += c->pay_n;
		tot.void_n += c->void_n;
		tot.void_fen += c->void_fen;
		tot.close_diff += c->close_diff;
		tot.closes += c->closes;
		xs_next(sh, 1);
	}
	if (cs->n == 0) {
		xs_nothing(sh, "本期间没有任何营业员的业务记录", "No clerk recorded any work in this period");
		xs_table_end(sh);
		return HALL_OK;
	}
	lxw_row_t last = sh->row - 1;
	xs_table_end(sh);
	xs_text(sh, 0, hall_tr("合计", "Total"), x->f.bold);
	sum_cell(sh, 2, first, last, tot.apps, false);
	sum_cell(sh, 3, first, last, tot.changes, false);
	sum_cell(sh, 4, first, last, tot.feedback, false);
	sum_cell(sh, 5, first, last, tot.pay_n, false);
	int64_t all = 0;
	for (int m = 0; m < nm; m++) {
		sum_cell(sh, mcol + m, first, last, tot.pay_fen[m], true);
		all += tot.pay_fen[m];
	}
	sum_cell(sh, tcol, first, last, all, true);
	sum_cell(sh, tcol + 1, first, last, tot.void_n, false);
	sum_cell(sh, tcol + 2, first, last, tot.void_fen, true);
	if (dcol >= 0 && tot.closes > 0)
		sum_cell(sh, dcol, first, last, tot.close_diff, true);
	xs_next(sh, 1);
	return HALL_OK;
}

/* --------------------------------------------------- B. by method */

struct mrow {
	char key[32];
	int64_t n, fen, void_n, void_fen, declared, expected;
	bool closed;
};

struct mrows {
	struct mrow r[32];
	int n;
};

static struct mrow *mrow_get(struct mrows *ms, const char *key)
{
	for (int i = 0; i < ms->n; i++)
		if (strcmp(ms->r[i].key, key) == 0)
			return &ms->r[i];
	if (ms->n == (int)(sizeof ms->r / sizeof ms->r[0]))
		return &ms->r[ms->n - 1];   /* more than 32 method keys: pooled */
	struct mrow *m = &ms->r[ms->n++];
	memset(m, 0, sizeof *m);
	snprintf(m->key, sizeof m->key, "%s", key);
	return m;
}

static void row_method(struct xctx *x, sqlite3_stmt *st, void *ud)
{
	(void)x;
	struct mrow *m = mrow_get(ud, xq_text(st, 0));
	if (strcmp(xq_text(st, 1), "ok") == 0) {
		m->n += sqlite3_column_int64(st, 2);
		m->fen += sqlite3_column_int64(st, 3);
	} else {
		m->void_n += sqlite3_column_int64(st, 2);
		m->void_fen += sqlite3_column_int64(st, 3);
	}
}

static void row_close_line(struct xctx *x, sqlite3_stmt *st, void *ud)
{
	(void)x;
	struct mrow *m = mrow_get(ud, xq_text(st, 0));
	m->declared += sqlite3_column_int64(st, 1);
	m->expected += sqlite3_column_int64(st, 2);
	m->closed = true;
}

static int load_methods(struct xctx *x, struct mrows *ms, bool closes)
{
	ms->n = 0;
	for (const char *const *k = xl_keys("method"); *k; k++)
		mrow_get(ms, *k);
	int rc = each_row(x,
		"SELECT p.method, p.status, count(*), sum(p.amount_fen) FROM payments p"
		" WHERE p.business_date BETWEEN ?1 AND ?2 AND" XSCOPE("p")
		" GROUP BY p.method, p.status", row_method, ms);
	if (rc == HALL_OK && closes && x->have.day_closes)
		rc = each_row(x,
			"SELECT l.method, sum(l.declared_fen), sum(l.expected_fen)"
			" FROM day_close_lines l JOIN day_closes d ON d.id = l.close_id @J(d,l)"
			" WHERE d.business_date BETWEEN ?1 AND ?2 AND d.status <> 'reopened' AND"
			XSCOPE("d") " GROUP BY l.method", row_close_line, ms);
	return rc;
}

static void by_method(struct xsheet *sh, struct mrows *ms)
{
	struct xctx *x = sh->x;
	struct xcol head[8];
	int n = 0;
	head[n++] = (struct xcol){ "付款方式", "Method", 0 };
	head[n++] = (struct xcol){ "缴费笔数", "Payments", 0 };
	head[n++] = (struct xcol){ "实收金额", "Takings", 0 };
	head[n++] = (struct xcol){ "冲正笔数", "Reversed", 0 };
	head[n++] = (struct xcol){ "冲正金额", "Reversed amount", 0 };
	if (x->have.day_closes) {
		head[n++] = (struct xcol){ "日结申报", "Declared at close", 0 };
		head[n++] = (struct xcol){ "日结应收", "Expected at close", 0 };
		head[n++] = (struct xcol){ "差额", "Difference", 0 };
	}
	section(sh, "二、实收（按付款方式）", "2. Takings by method");
	xs_header(sh, head, n, 0);
	lxw_row_t first = sh->row;
	struct mrow tot;
	memset(&tot, 0, sizeof tot);
	for (int i = 0; i < ms->n; i++) {
		struct mrow *m = &ms->r[i];
		xs_text(sh, 0, xl_label("method", m->key), NULL);
		xs_int(sh, 1, m->n, NULL);
		xs_money(sh, 2, m->fen, NULL);
		xs_int(sh, 3, m->void_n, NULL);
		xs_money(sh, 4, m->void_fen, NULL);
		if (x->have.day_closes && m->closed) {
			char a[16], b[16], f[64];
			xs_money(sh, 5, m->declared, NULL);
			xs_money(sh, 6, m->expected, NULL);
			xs_cell(a, sizeof a, sh->row, 5);
			xs_cell(b, sizeof b, sh->row, 6);
			snprintf(f, sizeof f, "=%s-%s", a, b);
			xs_formula_money(sh, 7, f, m->declared - m->expected, NULL);
		}
		tot.n += m->n;
		tot.fen += m->fen;
		tot.void_n += m->void_n;
		tot.void_fen += m->void_fen;
		tot.declared += m->declared;
		tot.expected += m->expected;
		tot.closed |= m->closed;
		xs_next(sh, 1);
	}
	lxw_row_t last = sh->row - 1;
	xs_text(sh, 0, hall_tr("合计", "Total"), x->f.bold);
	sum_cell(sh, 1, first, last, tot.n, false);
	sum_cell(sh, 2, first, last, tot.fen, true);
	sum_cell(sh, 3, first, last, tot.void_n, false);
	sum_cell(sh, 4, first, last, tot.void_fen, true);
	if (x->have.day_closes && tot.closed) {
		sum_cell(sh, 5, first, last, tot.declared, true);
		sum_cell(sh, 6, first, last, tot.expected, true);
		sum_cell(sh, 7, first, last, tot.declared - tot.expected, true);
	}
	xs_next(sh, 1);
	if (!x->have.day_closes)
		xs_nothing(sh, "本库没有日清日结数据，未列日结差额",
		           "This store has no daily closes: close differences are not shown");
}

/* ---------------------------------------------- C-E. work by kind */

/* Per kind: received (and their capacity), finished, open, overdue. */
struct krow {
	char key[32];
	int64_t received, capacity, finished, open, overdue, repeat;
};

struct krows {
	struct krow r[32];
	int n;
	int64_t ontime, due;      /* on-time rate of the kind (export.h) */
};

static struct krow *krow_get(struct krows *ks, const char *key)
{
	for (int i = 0; i < ks->n; i++)
		if (strcmp(ks->r[i].key, key) == 0)
			return &ks->r[i];
	if (ks->n == (int)(sizeof ks->r / sizeof ks->r[0]))
		return &ks->r[ks->n - 1];   /* beyond 32 keys: pooled in the last */
	struct krow *k = &ks->r[ks->n++];
	memset(k, 0, sizeof *k);
	snprintf(k->key, sizeof k->key, "%s", key);
	return k;
}

static bool in_period(struct xctx *x, const char *ymd)
{
	return ymd[0] && strcmp(ymd, x->from) >= 0 && strcmp(ymd, x->to) <= 0;
}

struct kpass {
	struct krows *ks;
	bool complaints;           /* on-time counts only kind 'complaint' */
};

static void on_order(struct xctx *x, const struct xorder *o, void *ud)
{
	struct kpass *p = ud;
	struct krow *k = krow_get(p->ks, o->type);
	bool received = in_period(x, o->business_date);
	char fin[11] = "";
	if (o->fin[0])
		x_local_date(x, o->fin, fin);
	bool done = strcmp(o->status, "done") == 0;
	bool finished = done && in_period(x, fin);
	if (received) {
		k->received++;
		k->capacity += o->capacity;
		k->repeat += o->repeat;
	}
	k->finished += finished;
	k->open += strcmp(o->status, "open") == 0;
	k->overdue += o->t.overdue;
	if (p->complaints && strcmp(o->type, "complaint") != 0)
		return;
	if (o->t.nclocks > 0 && finished) {
		p->ks->due++;
		p->ks->ontime += !o->t.overdue;
	} else if (o->t.due) {
		p->ks->due++;
	}
}

static const char *const kind_domain[3] = { "akind", "ctype", "ckind" };

static int load_kinds(struct xctx *x, int which, struct krows *ks)
{
	memset(ks, 0, sizeof *ks);
	for (const char *const *k = xl_keys(kind_domain[which]); *k; k++)
		krow_get(ks, *k);
	struct kpass p = { .ks = ks, .complaints = which == XW_COMPLAINTS };
	return x_orders(x, which, on_order, &p);
}

static void by_kind(struct xsheet *sh, int which, const struct krows *ks)
{
	struct xctx *x = sh->x;
	struct xcol head[8];
	int n = 0;
	if (which == XW_APPLICATIONS) {
		section(sh, "三、新装（业扩报装）", "3. New connections");
		head[n++] = (struct xcol){ "新装类别", "Kind", 0 };
	} else if (which == XW_CHANGES) {
		section(sh, "四、变更用电", "4. Business changes");
		head[n++] = (struct xcol){ "变更类型", "Change", 0 };
	} else {
		section(sh, "五、客户诉求（投诉、咨询、报修等）", "5. Customer feedback");
		head[n++] = (struct xcol){ "诉求类型", "Kind", 0 };
	}
	head[n++] = (struct xcol){ "受理件数", "Received", 0 };
	int ccol = -1, rcol = -1;
	if (which == XW_APPLICATIONS) {
		ccol = n;
		head[n++] = (struct xcol){ "受理容量（kW/kVA）", "Capacity received", 0 };
	}
	int fcol = n;
	head[n++] = (struct xcol){ "办结件数", "Finished", 0 };
	head[n++] = (struct xcol){ "在办件数", "Open", 0 };
	head[n++] = (struct xcol){ "超期件数", "Overdue", 0 };
	if (which == XW_COMPLAINTS) {
		rcol = n;
		head[n++] = (struct xcol){ "重复投诉", "Repeat complaints", 0 };
	}
	xs_header(sh, head, n, 0);
	lxw_row_t first = sh->row;
	struct krow tot;
	memset(&tot, 0, sizeof tot);
	for (int i = 0; i < ks->n; i++) {
		const struct krow *k = &ks->r[i];
		xs_text(sh, 0, k->key[0] ? xl_label(kind_domain[which], k->key)
		                        : hall_tr("（未填）", "(none)"), NULL);
		xs_int(sh, 1, k->received, NULL);
		if (ccol >= 0)
			xs_int(sh, ccol, k->capacity, NULL);
		xs_int(sh, fcol, k->finished, NULL);
		xs_int(sh, fcol + 1, k->open, NULL);
		xs_int(sh, fcol + 2, k->overdue, k->overdue ? x->f.flag : NULL);
		if (rcol >= 0)
			xs_int(sh, rcol, k->repeat, NULL);
		tot.received += k->received;
		tot.capacity += k->capacity;
		tot.finished += k->finished;
		tot.open += k->open;
		tot.overdue += k->overdue;
		tot.repeat += k->repeat;
		xs_next(sh, 1);
	}
	lxw_row_t last = sh->row - 1;
	xs_text(sh, 0, hall_tr("合计", "Total"), x->f.bold);
	sum_cell(sh, 1, first, last, tot.received, false);
	if (ccol >= 0)
		sum_cell(sh, ccol, first, last, tot.capacity, false);
	sum_cell(sh, fcol, first, last, tot.finished, false);
	sum_cell(sh, fcol + 1, first, last, tot.open, false);
	sum_cell(sh, fcol + 2, first, last, tot.overdue, false);
	if (rcol >= 0)
		sum_cell(sh, rcol, first, last, tot.repeat, false);
	xs_next(sh, 1);
}

/* ------------------------------------- complaints per hall (central) */

/* A branch-wide sheet: complaints (kind 'complaint') of each hall and the
 * branch, with each hall's complaints per 10,000 customers (its accounts
 * at the central, not closed or connecting).  Same definitions as the
 * KPIs below (export.h). */
struct hrow {
	char code[16], name[192];
	int64_t received, finished, open, overdue, customers;
};

struct hrows {
	struct hrow r[1000];   /* a hall code is three digits: every hall fits */
	int n;
};

static struct hrow *hrow_get(struct hrows *hs, const char *code)
{
	for (int i = 0; i < hs->n; i++)
		if (strcmp(hs->r[i].code, code) == 0)
			return &hs->r[i];
	if (hs->n == (int)(sizeof hs->r / sizeof hs->r[0]))
		return NULL;
	struct hrow *h = &hs->r[hs->n++];
	memset(h, 0, sizeof *h);
	snprintf(h->code, sizeof h->code, "%s", code);
	return h;
}

static void hall_order(struct xctx *x, const struct xorder *o, void *ud)
{
	if (strcmp(o->type, "complaint") != 0)
		return;
	struct hrow *h = hrow_get(ud, o->hall);
	if (!h)
		return;
	char fin[11] = "";
	if (o->fin[0])
		x_local_date(x, o->fin, fin);
	h->received += in_period(x, o->business_date);
	h->finished += strcmp(o->status, "done") == 0 && in_period(x, fin);
	h->open += strcmp(o->status, "open") == 0;
	h->overdue += o->t.overdue;
}

static void hall_row(struct xctx *x, sqlite3_stmt *st, void *ud)
{
	struct hrows *hs = ud;
	struct hrow *h = hrow_get(hs, xq_text(st, 0));
	(void)x;
	if (h) {
		snprintf(h->name, sizeof h->name, "%s", xq_text(st, 1));
		h->customers = sqlite3_column_int64(st, 2);
	}
}

static int by_hall_complaints(struct xsheet *sh)
{
	struct xctx *x = sh->x;
	struct hrows *hs = calloc(1, sizeof *hs);
	if (!hs)
		return hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	int rc = each_row(x, "SELECT h.code, h.name, (SELECT count(*) FROM customers c"
		" WHERE c.hall = h.code AND c.status NOT IN ('closed', 'connecting'))"
		" FROM central_halls h ORDER BY h.code", hall_row, hs);
	if (rc == HALL_OK)
		rc = x_orders(x, XW_COMPLAINTS, hall_order, hs);
	if (rc != HALL_OK) {
		free(hs);
		return rc;
	}
	section(sh, "〇之二、分营业厅投诉", "0b. Complaints by hall");
	static const struct xcol head[] = {
		{ "营业厅编码", "Hall code", 0 }, { "营业厅", "Hall", 24 },
		{ "投诉受理", "Complaints received", 0 }, { "投诉办结", "Finished", 0 },
		{ "在办", "Open", 0 }, { "超期", "Overdue", 0 },
		{ "户数", "Customers", 0 }, { "万户投诉率", "Per 10,000 customers", 0 },
	};
	xs_header(sh, head, 8, 0);
	lxw_row_t first = sh->row;
	struct hrow tot;
	memset(&tot, 0, sizeof tot);
	char f[96], c[16], g[16];
	for (int i = 0; i < hs->n; i++) {
		const struct hrow *h = &hs->r[i];
		xs_text(sh, 0, h->code, NULL);
		xs_text(sh, 1, h->name, NULL);
		xs_int(sh, 2, h->received, NULL);
		xs_int(sh, 3, h->finished, NULL);
		xs_int(sh, 4, h->open, NULL);
		xs_int(sh, 5, h->overdue, h->overdue ? x->f.flag : NULL);
		xs_int(sh, 6, h->customers, NULL);
		if (h->customers > 0) {
			xs_cell(c, sizeof c, sh->row, 2);
			xs_cell(g, sizeof g, sh->row, 6);
			snprintf(f, sizeof f, "=%s/%s*10000", c, g);
			xs_formula_num(sh, 7, f, (double)h->received / (double)h->customers * 10000.0,
			               x->f.rate, 8);
		} else {
			xs_text(sh, 7, "—", NULL);
		}
		tot.received += h->received;
		tot.finished += h->finished;
		tot.open += h->open;
		tot.overdue += h->overdue;
		tot.customers += h->customers;
		xs_next(sh, 1);
	}
	lxw_row_t last = sh->row - 1;
	xs_text(sh, 0, hall_tr("合计", "Total"), x->f.bold);
	if (hs->n > 0) {
		sum_cell(sh, 2, first, last, tot.received, false);
		sum_cell(sh, 3, first, last, tot.finished, false);
		sum_cell(sh, 4, first, last, tot.open, false);
		sum_cell(sh, 5, first, last, tot.overdue, false);
		sum_cell(sh, 6, first, last, tot.customers, false);
		if (tot.customers > 0) {
			xs_cell(c, sizeof c, sh->row, 2);
			xs_cell(g, sizeof g, sh->row, 6);
			snprintf(f, sizeof f, "=%s/%s*10000", c, g);
			xs_formula_num(sh, 7, f, (double)tot.received / (double)tot.customers * 10000.0,
			               x->f.rate, 8);
		}
	}
	xs_next(sh, 1);
	free(hs);
	return HALL_OK;
}

/* ------------------------------------------------------------ F. KPIs */

static int two_ints(struct xctx *x, const char *sql, int64_t *a, int64_t *b)
{
	sqlite3_stmt *st = xq_prepare(x, sql);
	if (!st)
		return fail(x);
	int rc = xq_step(x, st);
	*a = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*b = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? HALL_OK : fail(x);
}

/* One KPI row: name, numerator, denominator, ratio (formula), definition. */
static void kpi_row(struct xsheet *sh, const char *zh, const char *en,
                    int64_t num, int64_t den, bool per10k, const char *def_zh,
                    const char *def_en)
{
	struct xctx *x = sh->x;
	xs_text(sh, 0, hall_tr(zh, en), NULL);
	xs_int(sh, 1, num, NULL);
	xs_int(sh, 2, den, NULL);
	if (den > 0) {
		char b[16], c[16], f[96];
		xs_cell(b, sizeof b, sh->row, 1);
		xs_cell(c, sizeof c, sh->row, 2);
		snprintf(f, sizeof f, per10k ? "=%s/%s*10000" : "=%s/%s", b, c);
		/* a ratio of counts, not money */
		double v = (double)num / (double)den * (per10k ? 10000.0 : 1.0);
		xs_formula_num(sh, 3, f, v, per10k ? x->f.rate : x->f.pct_bold, 8);
	} else {
		xs_text(sh, 3, "—", NULL);
	}
	/* the definition runs on to the right, over empty cells */
	xs_text_free(sh, 4, hall_tr(def_zh, def_en), x->f.note);
	xs_next(sh, 1);
}

static int kpis(struct xsheet *sh, const struct krows ks[3])
{
	struct xctx *x = sh->x;
	int64_t complaints, customers, sat = 0, fol = 0;
	int rc = xq_int(x, "SELECT count(*) FROM complaints a WHERE a.kind = 'complaint'"
	                   " AND a.business_date BETWEEN ?1 AND ?2 AND" XSCOPE("a"), &complaints);
	if (rc == HALL_OK)
		rc = xq_int(x, "SELECT count(*) FROM customers"
		               " WHERE status NOT IN ('closed', 'connecting')", &customers);
	if (rc == HALL_OK && x->have.followup)
		rc = two_ints(x,
			"SELECT sum(json_extract(e.extras, '$.result') = 'satisfied'),"
			" sum(json_extract(e.extras, '$.result') IN ('satisfied', 'unsatisfied'))"
			" FROM work_events e JOIN complaints a ON a.complaint_no = e.number @J(a,e)"
			" WHERE e.kind = 'complaint' AND e.to_stage = 'followup' AND a.kind = 'complaint'"
			" AND date(e.at, 'localtime') BETWEEN ?1 AND ?2 AND" XSCOPE("a"), &sat, &fol);
	if (rc != HALL_OK)
		return rc;
	static const struct xcol head[] = {
		{ "指标", "Indicator", 0 }, { "分子", "Numerator", 0 },
		{ "分母", "Denominator", 0 }, { "数值", "Value", 0 },
		{ "口径", "Definition", 0 },
	};
	section(sh, "六、指标", "6. Indicators");
	xs_header(sh, head, 5, 0);
	kpi_row(sh, "万户投诉率", "Complaints per 10,000 customers", complaints, customers, true,
		"本期受理的投诉件数 ÷ 在册客户数（不含销户、新装中，按导出时）× 10000；不折算年率",
		"complaints received in the period / accounts neither closed nor connecting (at export) x 10,000; not annualised");
	kpi_row(sh, "时限达标率（新装）", "On-time rate (new connections)", ks[0].ontime, ks[0].due, false,
		"本期办结且各时限均未超的件数 ÷（本期办结的有时限件数 + 截止时间在本期、已过仍在办的件数）",
		"finished in the period with every clock met in time / (finished in the period with a clock + still open past a deadline that fell in the period)");
	kpi_row(sh, "时限达标率（变更）", "On-time rate (changes)", ks[1].ontime, ks[1].due, false,
		"同上，变更用电", "as above, business changes");
	kpi_row(sh, "时限达标率（投诉）", "On-time rate (complaints)", ks[2].ontime, ks[2].due, false,
		"同上，诉求类型为投诉", "as above, feedback of kind complaint");
	kpi_row(sh, "时限达标率（合计）", "On-time rate (all)", ks[0].ontime + ks[1].ontime + ks[2].ontime,
		ks[0].due + ks[1].due + ks[2].due, false, "以上三类合计", "the three kinds together");
	if (x->have.followup) {
		kpi_row(sh, "回访满意率", "Follow-up satisfaction", sat, fol, false,
			"本期投诉回访中客户满意的次数 ÷ 本期投诉回访次数（每次回访计一次）",
			"follow-up calls of complaints in the period with the customer satisfied / follow-up calls in the period");
	} else {
		xs_text(sh, 0, hall_tr("回访满意率", "Follow-up satisfaction"), NULL);
		xs_text(sh, 3, "—", NULL);
		xs_text_free(sh, 4, hall_tr("本库未记录回访结果，无法计算", "the store records no follow-up results; not available"), x->f.note);
		xs_next(sh, 1);
	}
	return HALL_OK;
}

int xsheet_summary(struct xctx *x)
{
	struct xsheet sh;
	int rc = xs_open(x, &sh, "汇总", "Summary", "营业日报", "Daily sheet");
	if (rc != HALL_OK)
		return rc;
	struct clerks cs = { 0 };
	struct mrows *ms = calloc(1, sizeof *ms);
	if (!ms)
		return hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	bool other;
	if (x->central) {
		/* a branch-wide sheet: first the halls, then their clerks */
		struct clerks hs = { 0 };
		rc = load_clerks(x, &hs, true);
		if (rc == HALL_OK)
			rc = by_clerk(&sh, &hs, &other, true);
		free(hs.c);
		if (rc == HALL_OK)
			rc = by_hall_complaints(&sh);
		if (rc == HALL_OK)
			xs_next(&sh, 1);
	}
	if (rc == HALL_OK)
		rc = load_clerks(x, &cs, false);
	if (rc == HALL_OK)
		rc = by_clerk(&sh, &cs, &other, false);
	if (rc == HALL_OK)
		rc = load_methods(x, ms, true);
	if (rc == HALL_OK)
		by_method(&sh, ms);
	struct krows *ks = calloc(3, sizeof *ks);
	if (!ks)
		rc = hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	for (int i = 0; i < 3 && rc == HALL_OK; i++)
		rc = load_kinds(x, i, &ks[i]);
	for (int i = 0; i < 3 && rc == HALL_OK; i++)
		by_kind(&sh, i, &ks[i]);
	if (rc == HALL_OK)
		rc = kpis(&sh, ks);
	free(ks);
	free(cs.c);
	free(ms);
	if (rc != HALL_OK)
		return rc;
	xs_next(&sh, 1);
	xs_text_free(&sh, 0, hall_tr(
		"说明：受理＝本期受理；办结＝本期办结（最后一次环节变动的日期）；在办＝目前仍在办且在期末前受理；"
		"超期＝按时限规则和工作日历，某一时限在办已过截止时间，或完成晚于截止时间（撤销的不计）。金额单位：元。",
		"Notes: received = accepted in the period; finished = finished in the period (date of the last stage change); "
		"open = still open now and accepted by the end of the period; overdue = by the deadline rules and the "
		"working-day calendar, a clock running past its deadline or met after it (cancelled orders never). "
		"Amounts in yuan."), x->f.note);
	xs_next(&sh, 1);
	x_progress(x, 100);
	xs_close(&sh);
	return HALL_OK;
}

/* ------------------------------------------------------------ charts */

static lxw_chart *add_chart(struct xctx *x, uint8_t type, const char *zh, const char *en)
{
	lxw_chart *c = workbook_add_chart(x->wb, type);
	if (c)
		chart_title_set_name(c, hall_tr(zh, en));
	return c;
}

static void insert_chart(struct xsheet *sh, lxw_row_t row, lxw_chart *c)
{
	if (c)
		x_lxw(sh->x, worksheet_insert_chart(sh->ws, row, 5, c), "chart");
}

/* Complaints by category, most first, with the cumulative share. */
static int pareto(struct xsheet *sh, lxw_row_t chart_row)
{
	struct xctx *x = sh->x;
	struct krows ks = { .n = 0 };
	for (const char *const *k = xl_keys("category"); *k; k++)
		krow_get(&ks, *k);
	sqlite3_stmt *st = xq_prepare(x, "SELECT a.category, count(*) FROM complaints a"
		" WHERE a.kind = 'complaint' AND a.business_date BETWEEN ?1 AND ?2 AND" XSCOPE("a")
		" GROUP BY a.category");
	if (!st)
		return fail(x);
	int rc;
	while ((rc = xq_step(x, st)) == SQLITE_ROW)
		krow_get(&ks, xq_text(st, 0))->received += sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(x);
	/* Pareto order: count descending, then the form's order (stable) */
	for (int i = 1; i < ks.n; i++) {
		struct krow k = ks.r[i];
		int j = i;
		while (j > 0 && ks.r[j - 1].received < k.received) {
			ks.r[j] = ks.r[j - 1];
			j--;
		}
		ks.r[j] = k;
	}
	int64_t total = 0;
	for (int i = 0; i < ks.n; i++)
		total += ks.r[i].received;
	static const struct xcol head[] = {
		{ "投诉类别", "Complaint category", 0 }, { "件数", "Complaints", 0 },
		{ "累计占比", "Cumulative share", 0 },
	};
	xs_header(sh, head, 3, ks.n);
	lxw_row_t first = sh->row;
	int64_t run = 0;
	for (int i = 0; i < ks.n; i++) {
		run += ks.r[i].received;
		xs_text(sh, 0, ks.r[i].key[0] ? xl_label("category", ks.r[i].key)
		                               : hall_tr("（未分类）", "(none)"), NULL);
		xs_int(sh, 1, ks.r[i].received, NULL);
		if (total > 0) {
			/* =SUM($B$4:B6)/SUM($B$4:$B$8): share of this and the larger ones */
			char top[20], here[16], all[40], f[128];
			lxw_rowcol_to_cell_abs(top, first, 1, 1, 1);
			xs_cell(here, sizeof here, sh->row, 1);
			xs_range(all, sizeof all, 1, first, first + (lxw_row_t)ks.n - 1);
			snprintf(f, sizeof f, "=SUM(%s:%s)/SUM(%s)", top, here, all);
			xs_formula_num(sh, 2, f, (double)run / (double)total, x->f.pct, 8);
		}
		xs_next(sh, 1);
	}
	lxw_row_t last = sh->row - 1;
	xs_text(sh, 0, hall_tr("合计", "Total"), x->f.bold);
	sum_cell(sh, 1, first, last, total, false);
	xs_next(sh, 1);
	xs_table_end(sh);
	if (total == 0) {
		xs_nothing(sh, "本期间没有投诉", "No complaints in this period");
		return HALL_OK;
	}
	lxw_chart *c = add_chart(x, LXW_CHART_COLUMN, "投诉类别（帕累托）", "Complaints by category (Pareto)");
	if (c) {
		lxw_chart_series *s = chart_add_series(c, NULL, NULL);
		chart_series_set_categories(s, sh->name, first, 0, last, 0);
		chart_series_set_values(s, sh->name, first, 1, last, 1);
		chart_series_set_name(s, hall_tr("件数", "Complaints"));
		chart_series_set_labels(s);
		chart_legend_set_position(c, LXW_CHART_LEGEND_NONE);
		chart_axis_set_min(chart_axis_get(c, LXW_CHART_AXIS_TYPE_Y), 0);
	}
	insert_chart(sh, chart_row, c);
	return HALL_OK;
}

static int takings_pie(struct xsheet *sh, lxw_row_t chart_row)
{
	struct xctx *x = sh->x;
	struct mrows *ms = calloc(1, sizeof *ms);
	if (!ms)
		return hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	int rc = load_methods(x, ms, false);
	if (rc != HALL_OK) {
		free(ms);
		return rc;
	}
	static const struct xcol head[] = {
		{ "付款方式", "Method", 0 }, { "实收金额", "Takings", 0 },
	};
	xs_next(sh, 1);
	xs_header(sh, head, 2, 0);
	lxw_row_t first = sh->row;
	int64_t total = 0;
	for (int i = 0; i < ms->n; i++) {
		xs_text(sh, 0, xl_label("method", ms->r[i].key), NULL);
		xs_money(sh, 1, ms->r[i].fen, NULL);
		total += ms->r[i].fen;
		xs_next(sh, 1);
	}
	lxw_row_t last = sh->row - 1;
	xs_text(sh, 0, hall_tr("合计", "Total"), x->f.bold);
	sum_cell(sh, 1, first, last, total, true);
	xs_next(sh, 1);
	free(ms);
	if (total == 0) {
		xs_nothing(sh, "本期间没有实收", "No takings in this period");
		return HALL_OK;
	}
	lxw_chart *c = add_chart(x, LXW_CHART_PIE, "实收（按付款方式）", "Takings by method");
	if (c) {
		lxw_chart_series *s = chart_add_series(c, NULL, NULL);
		chart_series_set_categories(s, sh->name, first, 0, last, 0);
		chart_series_set_values(s, sh->name, first, 1, last, 1);
		chart_series_set_name(s, hall_tr("实收金额", "Takings"));
		chart_series_set_labels_options(s, LXW_FALSE, LXW_FALSE, LXW_TRUE);
		chart_legend_set_position(c, LXW_CHART_LEGEND_RIGHT);
	}
	insert_chart(sh, chart_row, c);
	return HALL_OK;
}

/* The trend: each day (by month beyond 92 days) of the period; a single
 * day's report shows the EXPORT_TREND_DAYS days up to it (managers). */
static int trend(struct xsheet *sh, lxw_row_t chart_row)
{
	struct xctx *x = sh->x;
	int32_t d0 = x->from_day, d1 = x->to_day;
	if (d0 == d1 && !x->staff)
		d0 = d1 - (EXPORT_TREND_DAYS - 1);
	bool monthly = d1 - d0 + 1 > 92;
	char a[11], b[11];
	cal_format_date(d0, a);
	cal_format_date(d1, b);
	int n = monthly ? 0 : (int)(d1 - d0 + 1);
	if (monthly) {
		int y0, m0, y1, m1, dd;
		cal_ymd(d0, &y0, &m0, &dd);
		cal_ymd(d1, &y1, &m1, &dd);
		n = (y1 - y0) * 12 + (m1 - m0) + 1;
	}
	struct day { char key[11]; int64_t fen, pays, complaints; } *days = calloc((size_t)n, sizeof *days);
	if (!days)
		return hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	for (int i = 0; i < n; i++) {
		if (monthly) {
			int y, m, dd;
			cal_ymd(d0, &y, &m, &dd);
			m += i;
			y += (m - 1) / 12;
			m = (m - 1) % 12 + 1;
			snprintf(days[i].key, sizeof days[i].key, "%04d-%02d", y, m);
		} else {
			cal_format_date(d0 + i, days[i].key);
		}
	}
	static const char *const sql[2] = {
		"SELECT substr(p.business_date, 1, ?9), count(*), sum(p.amount_fen) FROM payments p"
		" WHERE p.business_date BETWEEN ?7 AND ?8 AND p.status = 'ok' AND" XSCOPE("p")
		" GROUP BY 1",
		"SELECT substr(a.business_date, 1, ?9), count(*), 0 FROM complaints a"
		" WHERE a.kind = 'complaint' AND a.business_date BETWEEN ?7 AND ?8 AND" XSCOPE("a")
		" GROUP BY 1",
	};
	int rc = HALL_OK;
	for (int q = 0; q < 2 && rc == HALL_OK; q++) {
		sqlite3_stmt *st = xq_prepare(x, sql[q]);
		if (!st) {
			rc = fail(x);
			break;
		}
		sqlite3_bind_text(st, 7, a, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, b, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 9, monthly ? 7 : 10);
		int src;
		while ((src = xq_step(x, st)) == SQLITE_ROW) {
			const char *k = xq_text(st, 0);
			for (int i = 0; i < n; i++) {
				if (strcmp(days[i].key, k) != 0)
					continue;
				if (q == 0) {
					days[i].pays += sqlite3_column_int64(st, 1);
					days[i].fen += sqlite3_column_int64(st, 2);
				} else {
					days[i].complaints += sqlite3_column_int64(st, 1);
				}
				break;
			}
		}
		sqlite3_finalize(st);
		if (src != SQLITE_DONE)
			rc = fail(x);
	}
	if (rc != HALL_OK) {
		free(days);
		return rc;
	}
	struct xcol head[] = {
		{ "日期", "Date", 0 }, { "实收金额", "Takings", 0 },
		{ "缴费笔数", "Payments", 0 }, { "投诉件数", "Complaints", 0 },
	};
	if (monthly)
		head[0] = (struct xcol){ "月份", "Month", 0 };
	xs_next(sh, 1);
	char label[96];
	snprintf(label, sizeof label, "%s %s %s %s", hall_tr("趋势：", "Trend:"), a,
	         hall_tr("至", "to"), b);
	xs_text_free(sh, 0, label, x->f.section);
	xs_next(sh, 1);
	xs_header(sh, head, 4, 0);
	lxw_row_t first = sh->row;
	int64_t tf = 0, tp = 0, tc = 0;
	for (int i = 0; i < n; i++) {
		if (monthly)
			xs_text(sh, 0, days[i].key, NULL);
		else
			xs_date(sh, 0, days[i].key);
		xs_money(sh, 1, days[i].fen, NULL);
		xs_int(sh, 2, days[i].pays, NULL);
		xs_int(sh, 3, days[i].complaints, NULL);
		tf += days[i].fen;
		tp += days[i].pays;
		tc += days[i].complaints;
		xs_next(sh, 1);
	}
	free(days);
	lxw_row_t last = sh->row - 1;
	xs_text(sh, 0, hall_tr("合计", "Total"), x->f.bold);
	sum_cell(sh, 1, first, last, tf, true);
	sum_cell(sh, 2, first, last, tp, false);
	sum_cell(sh, 3, first, last, tc, false);
	xs_next(sh, 1);
	lxw_chart *c = add_chart(x, LXW_CHART_LINE, "实收趋势", "Takings trend");
	if (c) {
		lxw_chart_series *s = chart_add_series(c, NULL, NULL);
		chart_series_set_categories(s, sh->name, first, 0, last, 0);
		chart_series_set_values(s, sh->name, first, 1, last, 1);
		chart_series_set_name(s, hall_tr("实收金额（元）", "Takings (yuan)"));
		chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
		chart_legend_set_position(c, LXW_CHART_LEGEND_BOTTOM);
		if (!monthly)
			chart_axis_set_num_format(chart_axis_get(c, LXW_CHART_AXIS_TYPE_X), "mm-dd");
	}
	insert_chart(sh, chart_row, c);
	lxw_chart *c2 = add_chart(x, LXW_CHART_COLUMN, "投诉件数趋势", "Complaints trend");
	if (c2) {
		lxw_chart_series *s = chart_add_series(c2, NULL, NULL);
		chart_series_set_categories(s, sh->name, first, 0, last, 0);
		chart_series_set_values(s, sh->name, first, 3, last, 3);
		chart_series_set_name(s, hall_tr("投诉件数", "Complaints"));
		chart_legend_set_position(c2, LXW_CHART_LEGEND_NONE);
		if (!monthly)
			chart_axis_set_num_format(chart_axis_get(c2, LXW_CHART_AXIS_TYPE_X), "mm-dd");
	}
	insert_chart(sh, chart_row + 16, c2);
	return HALL_OK;
}

int xsheet_charts(struct xctx *x)
{
	struct xsheet sh;
	int rc = xs_open(x, &sh, "图表", "Charts", "图表", "Charts");
	if (rc != HALL_OK)
		return rc;
	rc = pareto(&sh, 2);
	if (rc == HALL_OK)
		rc = takings_pie(&sh, 18);
	if (rc == HALL_OK)
		rc = trend(&sh, 34);
	if (rc != HALL_OK)
		return rc;
	x_progress(x, 100);
	xs_close(&sh);
	return HALL_OK;
}
