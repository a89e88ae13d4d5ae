/* export_payments.c - 收费明细, the payments journal: every payment of the
 * period and every reversal, day by day in time order, then subtotals by method and
 * by clerk as formulas (SUMIFS/COUNTIFS, SUMPRODUCT) written with their
 * results, which are summed here in int64 fen while the rows stream by
 * (constant_memory: the totals come after the rows). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

enum {
	C_RECEIPT, C_TIME, C_BDATE, C_COUNTER, C_CLERK, C_ACCOUNT,
	C_NAME, C_METHOD, C_REF, C_AMOUNT, C_STATUS, C_REASON, C_APPROVER, C__N,
	C_HALL = C__N               /* a central store only: the hall, last */
};

/* The clerk is one column, "1001 张敏": a million-row journal is mostly
 * XML per cell, and the id and the name always go together. */
static const struct xcol cols[C__N + 1] = {
	{ "收据号", "Receipt no.", 0 }, { "收款时间", "Time", 0 },
	{ "记账日期", "Business date", 0 }, { "窗口", "Counter", 0 },
	{ "营业员", "Clerk", 24 },
	{ "户号", "Account", 0 }, { "户名", "Name", 36 },
	{ "付款方式", "Method", 0 }, { "凭证号", "Reference", 0 },
	{ "金额（元）", "Amount (yuan)", 0 }, { "状态", "Status", 0 },
	{ "冲正原因", "Reversal reason", 36 }, { "批准人", "Approved by", 24 },
	{ "营业厅", "Hall", 0 },
};

#define PAY_SQL \
	"SELECT p.receipt_no, p.created_at, p.business_date, p.counter, p.staff_id," \
	" coalesce(s.name, ''), p.account_no, coalesce(c.name, ''), p.method," \
	" p.reference, p.amount_fen, p.status, @H(p)" \
	" FROM payments p LEFT JOIN staff s ON s.id = p.staff_id @J(s,p)" \
	" LEFT JOIN customers c ON c.account_no = p.account_no" \
	" WHERE p.business_date = ?7 AND" XSCOPE("p") " ORDER BY p.id"

#define REV_SQL \
	"SELECT r.receipt_no, r.created_at, r.business_date, r.counter, r.staff_id," \
	" coalesce(s.name, ''), r.account_no, coalesce(c.name, ''), coalesce(p.method, '')," \
	" coalesce(p.reference, ''), r.amount_fen, r.reason, r.approver_id, coalesce(a.name, '')," \
	" @H(r)" \
	" FROM reversals r LEFT JOIN payments p ON p.id = r.payment_id @J(p,r)" \
	" LEFT JOIN staff s ON s.id = r.staff_id @J(s,r)" \
	" LEFT JOIN staff a ON a.id = r.approver_id @J(a,r)" \
	" LEFT JOIN customers c ON c.account_no = r.account_no" \
	" WHERE r.business_date = ?7 AND" XSCOPE("r") " ORDER BY r.created_at, r.id"

int xcount_payments(struct xctx *x, long *rows)
{
	int64_t n = 0, r = 0;
	int rc = xq_int(x, "SELECT count(*) FROM payments p"
	                   " WHERE p.business_date BETWEEN ?1 AND ?2 AND" XSCOPE("p"), &n);
	if (rc == HALL_OK && x->have.reversals)
		rc = xq_int(x, "SELECT count(*) FROM reversals r"
		               " WHERE r.business_date BETWEEN ?1 AND ?2 AND" XSCOPE("r"), &r);
	*rows = (long)(n + r);
	return rc;
}

/* Running totals of one method or one clerk. */
struct tally {
	char key[224];              /* method label, or the clerk as shown */
	int64_t n_ok, fen_ok, n_void, fen_void;
};

struct tallies {
	struct tally *t;
	int n, cap;
};

static struct tally *tally_get(struct tallies *ts, const char *key)
{
	for (int i = ts->n - 1; i >= 0; i--)
		if (strcmp(ts->t[i].key, key) == 0)
			return &ts->t[i];
	if (ts->n == ts->cap) {
		int cap = ts->cap ? ts->cap * 2 : 16;
		struct tally *t = realloc(ts->t, (size_t)cap * sizeof *t);
		if (!t)
			return NULL;
		ts->t = t;
		ts->cap = cap;
	}
	struct tally *t = &ts->t[ts->n++];
	memset(t, 0, sizeof *t);
	snprintf(t->key, sizeof t->key, "%s", key);
	return t;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->key, ((const struct tally *)b)->key);
}

static void count(struct tally *t, bool ok, int64_t fen)
{
	if (!t)
		return;
	if (ok) {
		t->n_ok++;
		t->fen_ok += fen;
	} else {
		t->n_void++;
		t->fen_void += fen;
	}
}

/* Subtotal block rows: label cells, then count/amount formulas. */
struct ranges {
	char method[40], staff[40], amount[40], status[40];
	char ok[64], voided[64];    /* quoted status labels */
};

static void write_total(struct xsheet *sh, int col, lxw_row_t r1, lxw_row_t r2,
                        const int64_t v[4])
{
	struct xctx *x = sh->x;
	char f[256];
	for (int k = 0; k < 4; k++) {
		char rg[40];
		xs_range(rg, sizeof rg, col + k, r1, r2);
		snprintf(f, sizeof f, "=SUM(%s)", rg);
		if (k % 2 == 0)
			xs_formula_int(sh, col + k, f, v[k], x->f.int_bold);
		else
			xs_formula_money(sh, col + k, f, v[k], x->f.money_bold);
	}
}

static void method_block(struct xsheet *sh, struct tallies *ms,
                         const struct ranges *rg)
{
	struct xctx *x = sh->x;
	static const struct xcol head[] = {
		{ "付款方式", "Method", 0 }, { "收费笔数", "Payments", 0 },
		{ "实收金额", "Takings", 0 }, { "冲正笔数", "Reversed", 0 },
		{ "冲正金额", "Reversed amount", 0 },
	};
	xs_text_free(sh, 0, hall_tr("按付款方式小计", "Subtotals by method"), x->f.section);
	xs_next(sh, 1);
	xs_header(sh, head, 5, 0);
	lxw_row_t first = sh->row;
	int64_t tot[4] = { 0, 0, 0, 0 };
	char f[512], cell[16];
	for (int i = 0; i < ms->n; i++) {
		struct tally *t = &ms->t[i];
		xs_cell(cell, sizeof cell, sh->row, 0);
		xs_text(sh, 0, t->key, NULL);
		snprintf(f, sizeof f, "=COUNTIFS(%s,%s,%s,%s)", rg->method, cell, rg->status, rg->ok);
		xs_formula_int(sh, 1, f, t->n_ok, NULL);
		snprintf(f, sizeof f, "=SUMIFS(%s,%s,%s,%s,%s)", rg->amount, rg->method, cell, rg->status, rg->ok);
		xs_formula_money(sh, 2, f, t->fen_ok, NULL);
		snprintf(f, sizeof f, "=COUNTIFS(%s,%s,%s,%s)", rg->method, cell, rg->status, rg->voided);
		xs_formula_int(sh, 3, f, t->n_void, NULL);
		snprintf(f, sizeof f, "=SUMIFS(%s,%s,%s,%s,%s)", rg->amount, rg->method, cell, rg->status, rg->voided);
		xs_formula_money(sh, 4, f, t->fen_void, NULL);
		tot[0] += t->n_ok;
		tot[1] += t->fen_ok;
		tot[2] += t->n_void;
		tot[3] += t->fen_void;
		xs_next(sh, 1);
	}
	xs_text(sh, 0, hall_tr("合计", "Total"), x->f.bold);
	write_total(sh, 1, first, sh->row - 1, tot);
	xs_next(sh, 1);
}

static void clerk_block(struct xsheet *sh, struct tallies *cs,
                        const struct ranges *rg)
{
	struct xctx *x = sh->x;
	static const struct xcol head[] = {
		{ "营业员", "Clerk", 0 }, { "收费笔数", "Payments", 0 },
		{ "实收金额", "Takings", 0 }, { "冲正笔数", "Reversed", 0 },
		{ "冲正金额", "Reversed amount", 0 },
	};
	if (cs->n > 1)
		qsort(cs->t, (size_t)cs->n, sizeof cs->t[0], cmp_key);
	xs_text_free(sh, 0, hall_tr("按营业员小计", "Subtotals by clerk"), x->f.section);
	xs_next(sh, 1);
	xs_header(sh, head, 5, 0);
	lxw_row_t first = sh->row;
	int64_t tot[4] = { 0, 0, 0, 0 };
	char f[512], cell[16];
	for (int i = 0; i < cs->n; i++) {
		struct tally *t = &cs->t[i];
		xs_cell(cell, sizeof cell, sh->row, 0);
		xs_text(sh, 0, t->key, NULL);
		/* exact text comparison: COUNTIFS would read a bare "1001" as a number */
		snprintf(f, sizeof f, "=SUMPRODUCT((%s=%s)*(%s=%s))", rg->staff, cell, rg->status, rg->ok);
		xs_formula_int(sh, 1, f, t->n_ok, NULL);
		snprintf(f, sizeof f, "=SUMPRODUCT((%s=%s)*(%s=%s),%s)", rg->staff, cell, rg->status, rg->ok, rg->amount);
		xs_formula_money(sh, 2, f, t->fen_ok, NULL);
		snprintf(f, sizeof f, "=SUMPRODUCT((%s=%s)*(%s=%s))", rg->staff, cell, rg->status, rg->voided);
		xs_formula_int(sh, 3, f, t->n_void, NULL);
		snprintf(f, sizeof f, "=SUMPRODUCT((%s=%s)*(%s=%s),%s)", rg->staff, cell, rg->status, rg->voided, rg->amount);
		xs_formula_money(sh, 4, f, t->fen_void, NULL);
		tot[0] += t->n_ok;
		tot[1] += t->fen_ok;
		tot[2] += t->n_void;
		tot[3] += t->fen_void;
		xs_next(sh, 1);
	}
	xs_text(sh, 0, hall_tr("合计", "Total"), x->f.bold);
	write_total(sh, 1, first, sh->row - 1, tot);
	xs_next(sh, 1);
}

/* ------------------------------------------------------------ pipeline
 *
 * A million-row journal spends its time in two places that can overlap:
 * SQLite reading the rows, and libxlsxwriter turning them into XML.  A
 * reader thread runs the queries (it alone uses the connection meanwhile)
 * and hands rows over in batches; the calling thread writes them (it alone
 * uses the workbook).  When no thread can be started the reader runs in
 * the calling thread, handing each batch over as it fills. */

#define BATCH_ROWS 2048
#define NBATCH 4

enum { F_RECEIPT, F_TIME, F_BDATE, F_CLERK, F_ACCOUNT, F_NAME, F_METHOD, F_REF,
       F_STATUS, F_REASON, F_APPROVER, F_HALL, F__N };

struct jrow {
	bool rev;                   /* a reversal row */
	int64_t counter, fen;
	uint32_t off[F__N];         /* texts in the batch's arena */
};

struct batch {
	struct jrow rows[BATCH_ROWS];
	int n;
	char *arena;
	size_t used, cap;
	bool full;                  /* filled, not yet written */
	bool last;                  /* the reader is done after this one */
};

struct pipe {
	struct xctx *x;
	struct batch b[NBATCH];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool threaded, stop;        /* stop: the writer gave up */
	int rc;                     /* the reader's result */
	/* inline mode: the writer's side, called for each full batch */
	void (*consume)(void *ud, struct batch *b);
	void *ud;
};

static const char *jtext(const struct batch *b, const struct jrow *r, int f)
{
	return b->arena + r->off[f];
}

/* Append a text to the batch's arena; false when memory runs out. */
static bool put(struct batch *b, struct jrow *r, int f, const char *s)
{
	size_t n = strlen(s) + 1;
	if (b->used + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256 * 1024;
		while (cap < b->used + n)
			cap *= 2;
		char *a = realloc(b->arena, cap);
		if (!a)
			return false;
		b->arena = a;
		b->cap = cap;
	}
	memcpy(b->arena + b->used, s, n);
	r->off[f] = (uint32_t)b->used;
	b->used += n;
	return true;
}

/* Copy the current row of a statement (PAY_SQL or REV_SQL) into b. */
static bool take(struct batch *b, sqlite3_stmt *st, bool rev, bool central)
{
	struct jrow *r = &b->rows[b->n];
	char clerk[240];
	const char *name = xq_text(st, 5);
	const char *hall = xq_text(st, rev ? 14 : 12);
	/* a central: clerks of several halls share ids, so "001 1001 张敏" */
	snprintf(clerk, sizeof clerk, "%s%s%s%s%s", central ? hall : "", central ? " " : "",
	         xq_text(st, 4), name[0] ? " " : "", name);
	r->rev = rev;
	r->counter = sqlite3_column_int64(st, 3);
	r->fen = sqlite3_column_int64(st, 10);
	bool ok = put(b, r, F_RECEIPT, xq_text(st, 0)) && put(b, r, F_TIME, xq_text(st, 1)) &&
		put(b, r, F_BDATE, xq_text(st, 2)) && put(b, r, F_CLERK, clerk) &&
		put(b, r, F_ACCOUNT, xq_text(st, 6)) && put(b, r, F_NAME, xq_text(st, 7)) &&
		put(b, r, F_METHOD, xq_text(st, 8)) && put(b, r, F_REF, xq_text(st, 9));
	if (ok && rev) {
		char who[256];
		snprintf(who, sizeof who, "%s %s", xq_text(st, 12), xq_text(st, 13));
		ok = put(b, r, F_STATUS, "") && put(b, r, F_REASON, xq_text(st, 11)) &&
		     put(b, r, F_APPROVER, who);
	} else if (ok) {
		ok = put(b, r, F_STATUS, xq_text(st, 11)) && put(b, r, F_REASON, "") &&
		     put(b, r, F_APPROVER, "");
	}
	ok = ok && put(b, r, F_HALL, hall);
	if (ok)
		b->n++;
	return ok;
}

/* The reader: wait for a free batch. */
static struct batch *pipe_free_batch(struct pipe *pp, int *next)
{
	struct batch *b = &pp->b[*next];
	if (pp->threaded) {
		pthread_mutex_lock(&pp->mu);
		while (b->full && !pp->stop)
			pthread_cond_wait(&pp->cv, &pp->mu);
		pthread_mutex_unlock(&pp->mu);
	}
	b->n = 0;
	b->used = 0;
	b->last = false;
	return b;
}

/* The reader: hand a batch over. */
static void pipe_hand_over(struct pipe *pp, struct batch *b, int *next, bool last)
{
	b->last = last;
	*next = (*next + 1) % NBATCH;
	if (!pp->threaded) {
		pp->consume(pp->ud, b);
		return;
	}
	pthread_mutex_lock(&pp->mu);
	b->full = true;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

static bool pipe_stopped(struct pipe *pp)
{
	if (!pp->threaded)
		return pp->x->cancelled;
	pthread_mutex_lock(&pp->mu);
	bool stop = pp->stop;
	pthread_mutex_unlock(&pp->mu);
	return stop;
}

/* The reader: day by day, each day's payments and reversals merged in
 * time order.  One query over the whole period would sort all its rows at
 * once in memory (the store keeps SQLite's temporary data in memory); a
 * day's sort is small, so memory stays flat however long the period. */
static int read_rows(struct pipe *pp)
{
	struct xctx *x = pp->x;
	sqlite3_stmt *p = xq_prepare(x, PAY_SQL);
	sqlite3_stmt *r = NULL;
	if (p && x->have.reversals)
		r = xq_prepare(x, REV_SQL);
	int rc = HALL_OK, next = 0;
	/* always a batch to hand over: the writer waits for the last one */
	struct batch *b = pipe_free_batch(pp, &next);
	if (!p || (x->have.reversals && !r))
		rc = x->err->code ? x->err->code : HALL_EDB;
	int prc = SQLITE_DONE, rrc = SQLITE_DONE;
	for (int32_t day = x->from_day; rc == HALL_OK && day <= x->to_day; day++) {
		char ymd[11];
		cal_format_date(day, ymd);
		sqlite3_reset(p);
		sqlite3_bind_text(p, 7, ymd, -1, SQLITE_TRANSIENT);
		prc = xq_step(x, p);
		if (r) {
			sqlite3_reset(r);
			sqlite3_bind_text(r, 7, ymd, -1, SQLITE_TRANSIENT);
			rrc = xq_step(x, r);
		}
		while (prc == SQLITE_ROW || rrc == SQLITE_ROW) {
			bool rev = rrc == SQLITE_ROW &&
				(prc != SQLITE_ROW || strcmp(xq_text(r, 1), xq_text(p, 1)) < 0);
			if (!take(b, rev ? r : p, rev, x->central)) {
				rc = hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
				break;
			}
			if (rev)
				rrc = xq_step(x, r);
			else
				prc = xq_step(x, p);
			if (b->n == BATCH_ROWS) {
				pipe_hand_over(pp, b, &next, false);
				if (pipe_stopped(pp)) {
					rc = HALL_ESTATE;
					break;
				}
				b = pipe_free_batch(pp, &next);
			}
		}
		if (rc == HALL_OK && ((prc != SQLITE_DONE && prc != SQLITE_ROW) ||
		                      (rrc != SQLITE_DONE && rrc != SQLITE_ROW)))
			rc = x->err->code ? x->err->code : HALL_EDB;
	}
	sqlite3_finalize(p);
	sqlite3_finalize(r);
	pipe_hand_over(pp, b, &next, true);   /* the end (with any rows left) */
	return rc;
}

static void *reader_main(void *ud)
{
	struct pipe *pp = ud;
	int rc = read_rows(pp);
	pthread_mutex_lock(&pp->mu);
	pp->rc = rc;
	pthread_mutex_unlock(&pp->mu);
	return NULL;
}

/* ------------------------------------------------------------ writing */

struct journal {
	struct xsheet *sh;
	struct tallies ms, cs;
	long n;
	bool oom, ended;
};

/* One row of the journal: a payment, or a reversal (negative amount). */
static void write_row(struct journal *j, const struct batch *b, const struct jrow *r)
{
	struct xsheet *sh = j->sh;
	struct xctx *x = sh->x;
	const char *method = xl_label("method", jtext(b, r, F_METHOD));
	const char *clerk = jtext(b, r, F_CLERK);
	xs_text(sh, C_RECEIPT, jtext(b, r, F_RECEIPT), NULL);
	xs_time(sh, C_TIME, jtext(b, r, F_TIME), true);
	xs_date(sh, C_BDATE, jtext(b, r, F_BDATE));
	xs_int(sh, C_COUNTER, r->counter, NULL);
	xs_text(sh, C_CLERK, clerk, NULL);
	xs_text(sh, C_ACCOUNT, jtext(b, r, F_ACCOUNT), NULL);
	xs_text(sh, C_NAME, jtext(b, r, F_NAME), NULL);
	xs_text(sh, C_METHOD, method, NULL);
	xs_text(sh, C_REF, jtext(b, r, F_REF), NULL);
	if (r->rev) {
		/* a reversal takes the money back: shown negative */
		xs_money(sh, C_AMOUNT, -r->fen, NULL);
		xs_text(sh, C_STATUS, hall_tr("冲正", "Reversal"), NULL);
		xs_text(sh, C_REASON, jtext(b, r, F_REASON), NULL);
		xs_text(sh, C_APPROVER, jtext(b, r, F_APPROVER), NULL);
	}
	if (x->central)
		xs_text(sh, C_HALL, jtext(b, r, F_HALL), NULL);
	if (!r->rev) {
		bool ok = strcmp(jtext(b, r, F_STATUS), "ok") == 0;
		xs_money(sh, C_AMOUNT, r->fen, NULL);
		xs_text(sh, C_STATUS, xl_label("status", ok ? "ok" : "void"), NULL);
		struct tally *tm = tally_get(&j->ms, method);
		struct tally *tc = tally_get(&j->cs, clerk);
		j->oom |= !tm || !tc;
		count(tm, ok, r->fen);
		count(tc, ok, r->fen);
		if (ok)
			x->takings_fen += r->fen;
	}
	xs_next(sh, 1);
	j->n++;
}

static void write_batch(void *ud, struct batch *b)
{
	struct journal *j = ud;
	for (int i = 0; i < b->n && !j->sh->x->cancelled; i++) {
		write_row(j, b, &b->rows[i]);
		x_progress(j->sh->x, 1);
	}
	j->ended |= b->last;
}

/* Run the reader in a thread (or inline) and write what it hands over. */
static int stream_rows(struct xctx *x, struct journal *j)
{
	struct pipe *pp = calloc(1, sizeof *pp);
	if (!pp)
		return hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	pp->x = x;
	pp->consume = write_batch;
	pp->ud = j;
	pthread_mutex_init(&pp->mu, NULL);
	pthread_cond_init(&pp->cv, NULL);
	pthread_t t;
	/* set before the thread starts: the reader reads it from the start */
	pp->threaded = true;
	if (pthread_create(&t, NULL, reader_main, pp) != 0)
		pp->threaded = false;
	int rc;
	if (!pp->threaded) {
		rc = read_rows(pp);
	} else {
		int next = 0;
		for (;;) {
			struct batch *b = &pp->b[next];
			pthread_mutex_lock(&pp->mu);
			while (!b->full)
				pthread_cond_wait(&pp->cv, &pp->mu);
			pthread_mutex_unlock(&pp->mu);
			write_batch(j, b);
			bool last = b->last || x->cancelled;
			pthread_mutex_lock(&pp->mu);
			b->full = false;
			if (x->cancelled)
				pp->stop = true;
			pthread_cond_broadcast(&pp->cv);
			pthread_mutex_unlock(&pp->mu);
			if (last)
				break;
			next = (next + 1) % NBATCH;
		}
		pthread_join(t, NULL);
		rc = pp->rc;
	}
	for (int i = 0; i < NBATCH; i++)
		free(pp->b[i].arena);
	pthread_cond_destroy(&pp->cv);
	pthread_mutex_destroy(&pp->mu);
	free(pp);
	if (x->cancelled)
		return HALL_OK;          /* export_run reports the cancel */
	return rc;
}

int xsheet_payments(struct xctx *x)
{
	struct xsheet sh;
	int rc = xs_open(x, &sh, "收费明细", "Payments", "收费明细", "Payments journal");
	if (rc != HALL_OK)
		return rc;
	xs_header(&sh, cols, C__N + x->central, x->expect_payments);
	lxw_row_t first = sh.row;

	const char *ok_label = xl_label("status", "ok");
	const char *void_label = xl_label("status", "void");
	struct journal j = { .sh = &sh };
	/* the six methods always show, in the form's order */
	for (const char *const *k = xl_keys("method"); *k; k++)
		tally_get(&j.ms, xl_label("method", *k));
	rc = stream_rows(x, &j);
	if (rc == HALL_OK && j.oom)
		rc = hall_err_set(x->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	struct tallies ms = j.ms, cs = j.cs;
	long n = j.n;
	if (rc != HALL_OK || x->cancelled) {
		free(ms.t);
		free(cs.t);
		return rc;
	}
	x->payment_rows = n;
	x->nrows += n;
	if (n == 0) {
		xs_nothing(&sh, "本期间没有收费记录", "No payments in this period");
		xs_table_end(&sh);
	} else {
		lxw_row_t last = sh.row - 1;
		xs_table_end(&sh);
		struct ranges rg;
		xs_range(rg.method, sizeof rg.method, C_METHOD, first, last);
		xs_range(rg.staff, sizeof rg.staff, C_CLERK, first, last);
		xs_range(rg.amount, sizeof rg.amount, C_AMOUNT, first, last);
		xs_range(rg.status, sizeof rg.status, C_STATUS, first, last);
		snprintf(rg.ok, sizeof rg.ok, "\"%s\"", ok_label);
		snprintf(rg.voided, sizeof rg.voided, "\"%s\"", void_label);
		xs_next(&sh, 1);
		method_block(&sh, &ms, &rg);
		xs_next(&sh, 1);
		clerk_block(&sh, &cs, &rg);
	}
	free(ms.t);
	free(cs.t);
	xs_close(&sh);
	return HALL_OK;
}
