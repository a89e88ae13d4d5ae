/* customer.c - accounts, bills, payments and work of a customer; look-up. */
#include "hall/customer.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fts.h"
#include "sbuf.h"
#include "work.h"
#include "hall/utf8.h"

#define CUST_COLS \
	"c.id, c.account_no, c.name, c.id_type, c.id_number, c.phone, c.address," \
	" c.category, c.voltage, c.capacity, c.tariff_form, c.status," \
	" c.prepaid_fen, (SELECT coalesce(sum(b.amount_fen - b.paid_fen), 0)" \
	" FROM bills b WHERE b.account_no = c.account_no AND b.status <> 'paid')," \
	" c.updated_at"

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static void row_customer(sqlite3_stmt *st, struct customer *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	copy_col(c->account_no, sizeof c->account_no, st, 1);
	copy_col(c->name, sizeof c->name, st, 2);
	copy_col(c->id_type, sizeof c->id_type, st, 3);
	copy_col(c->id_number, sizeof c->id_number, st, 4);
	copy_col(c->phone, sizeof c->phone, st, 5);
	copy_col(c->address, sizeof c->address, st, 6);
	copy_col(c->category, sizeof c->category, st, 7);
	copy_col(c->voltage, sizeof c->voltage, st, 8);
	c->capacity = sqlite3_column_int64(st, 9);
	copy_col(c->tariff_form, sizeof c->tariff_form, st, 10);
	copy_col(c->status, sizeof c->status, st, 11);
	c->prepaid_fen = sqlite3_column_int64(st, 12);
	c->arrears_fen = sqlite3_column_int64(st, 13);
	copy_col(c->updated_at, sizeof c->updated_at, st, 14);
}

int customer_get(struct store *s, const char *account_no,
                 struct customer *out, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " CUST_COLS
		" FROM customers c WHERE c.account_no = ?1", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row_customer(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return HALL_OK;
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "查询户号", "looking up the account", err);
	return hall_err_set(err, HALL_ENOTFOUND, "account_no", "户号 %s 不存在",
	                    "account %s does not exist", account_no);
}

/* ------------------------------------------------------------ search */

struct search {
	struct store *s;
	int limit, count;
	void (*fn)(void *ud, const struct customer *c);
	void *ud;
	/* terms every text match must contain (lower-cased ASCII) */
	char terms[8][128];
	int nterms;
	/* rowids already reported (a query may run several statements) */
	int64_t seen[CUSTOMER_SEARCH_MAX];
};

static bool seen_before(struct search *q, int64_t id)
{
	for (int i = 0; i < q->count; i++)
		if (q->seen[i] == id)
			return true;
	return false;
}

/* The index matched every bigram; check that each term really is a
 * substring of the name or the address, folded the same way. */
static bool terms_match(const struct search *q, const struct customer *c)
{
	char name[sizeof c->name], addr[sizeof c->address];
	fts_fold(c->name, name, sizeof name);
	fts_fold(c->address, addr, sizeof addr);
	for (int i = 0; i < q->nterms; i++)
		if (!strstr(name, q->terms[i]) && !strstr(addr, q->terms[i]))
			return false;
	return true;
}

/* Run a prepared statement whose rows are CUST_COLS; report new rows. */
static int run_query(struct search *q, sqlite3_stmt *st, bool verify)
{
	int rc = SQLITE_DONE;
	while (q->count < q->limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct customer c;
		row_customer(st, &c);
		if (seen_before(q, c.id) || (verify && !terms_match(q, &c)))
			continue;
		q->seen[q->count++] = c.id;
		q->fn(q->ud, &c);
	}
	if (q->count >= q->limit)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : rc;
}

static int search_exact(struct search *q, const char *sql, const char *value,
                        struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(q->s, sql, err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, q->limit);
	int rc = run_query(q, st, false);
	return rc == HALL_OK ? HALL_OK : store_error(q->s, rc, "查找客户", "searching customers", err);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool looks_like_id(const char *s)
{
	if (strlen(s) != 18)
		return false;
	for (int i = 0; i < 18; i++)
		if (!isalnum((unsigned char)s[i]))
			return false;
	return true;
}

static int search_digits(struct search *q, const char *d, const char *raw,
                         struct hall_err *err)
{
	size_t n = strlen(d);
	int rc = HALL_OK;
	if (n < 4)
		return hall_err_set(err, HALL_EINVAL, "query",
			"数字至少输入4位（电话尾号），户号10位，手机号11位",
			"type at least 4 digits (phone tail); an account has 10 digits, a mobile 11");
	if (n == 10)
		rc = search_exact(q, "SELECT " CUST_COLS " FROM customers c"
		                  " WHERE c.account_no = ?1 LIMIT ?2", d, err);
	if (rc == HALL_OK && n >= 7)
		rc = search_exact(q, "SELECT " CUST_COLS " FROM customers c"
		                  " WHERE c.phone = ?1 LIMIT ?2", d, err);
	/* a landline as typed, with its dash: 0591-87654321 */
	if (rc == HALL_OK && n >= 7 && strcmp(raw, d) != 0)
		rc = search_exact(q, "SELECT " CUST_COLS " FROM customers c"
		                  " WHERE c.phone = ?1 LIMIT ?2", raw, err);
	if (rc == HALL_OK && n == 18)
		rc = search_exact(q, "SELECT " CUST_COLS " FROM customers c"
		                  " WHERE c.id_number = ?1 LIMIT ?2", d, err);
	if (rc == HALL_OK && n <= 9) {
		/* phone tail: the last four digits are indexed */
		char like[80];
		snprintf(like, sizeof like, "%%%s", d);
		sqlite3_stmt *st = store_stmt(q->s, "SELECT " CUST_COLS
			" FROM customers c WHERE substr(c.phone, -4) = ?1"
			" AND c.phone LIKE ?3 LIMIT ?2", err);
		if (!st)
			return err ? err->code : HALL_EDB;
		sqlite3_bind_text(st, 1, d + n - 4, 4, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, q->limit);
		sqlite3_bind_text(st, 3, like, -1, SQLITE_TRANSIENT);
		int src = run_query(q, st, false);
		if (src != HALL_OK)
			return store_error(q->s, src, "查找客户", "searching customers", err);
		/* account number prefix */
		char hi[80];
		snprintf(hi, sizeof hi, "%s:", d);  /* ':' follows '9' */
		st = store_stmt(q->s, "SELECT " CUST_COLS " FROM customers c"
			" WHERE c.account_no >= ?1 AND c.account_no < ?3"
			" ORDER BY c.account_no LIMIT ?2", err);
		if (!st)
			return err ? err->code : HALL_EDB;
		sqlite3_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, q->limit);
		sqlite3_bind_text(st, 3, hi, -1, SQLITE_TRANSIENT);
		src = run_query(q, st, false);
		if (src != HALL_OK)
			return store_error(q->s, src, "查找客户", "searching customers", err);
	}
	return rc;
}

/* Cut the query into terms at white space; build the FTS5 expression of
 * one quoted phrase per term (implicit AND). */
static int text_terms(struct search *q, const char *text, struct sbuf *match,
                      struct hall_err *err)
{
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t n = (size_t)(p - start);
		if (!n)
			continue;
		if (q->nterms == 8 || n >= sizeof q->terms[0])
			return hall_err_set(err, HALL_EINVAL, "query",
				"查询内容太长", "the query is too long");
		char raw[sizeof q->terms[0]];
		memcpy(raw, start, n);
		raw[n] = '\0';
		char *t = q->terms[q->nterms++];
		fts_fold(raw, t, sizeof q->terms[0]);
		n = strlen(t);
		if (utf8_chars(t) < 2)
			return hall_err_set(err, HALL_EINVAL, "query",
				"姓名或地址至少输入2个字", "type at least 2 characters of a name or address");
		if (match->len)
			sbuf_addc(match, ' ');
		sbuf_addc(match, '"');
		for (size_t i = 0; i < n; i++) {
			if (t[i] == '"')
				sbuf_addc(match, '"');
			sbuf_addc(match, t[i]);
		}
		sbuf_addc(match, '"');
	}
	return HALL_OK;
}

static int search_text(struct search *q, const char *text, struct hall_err *err)
{
	struct sbuf match;
	sbuf_init(&match);
	int rc = text_terms(q, text, &match, err);
	if (rc == HALL_OK && match.oom)
		rc = hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	if (rc == HALL_OK && match.len == 0)
		rc = hall_err_set(err, HALL_EINVAL, "query",
			"请输入户号、电话、证件号，或姓名、地址的一部分",
			"type an account, phone or ID number, or part of a name or address");
	if (rc != HALL_OK) {
		sbuf_free(&match);
		return rc;
	}
	sqlite3_stmt *st = store_stmt(q->s, "SELECT " CUST_COLS
		" FROM customers_fts f JOIN customers c ON c.id = f.rowid"
		" WHERE customers_fts MATCH ?1", err);
	if (!st) {
		sbuf_free(&match);
		return err ? err->code : HALL_EDB;
	}
	sqlite3_bind_text(st, 1, sbuf_str(&match), -1, SQLITE_TRANSIENT);
	sbuf_free(&match);
	rc = run_query(q, st, true);
	return rc == HALL_OK ? HALL_OK : store_error(q->s, rc, "查找客户", "searching customers", err);
}

int customer_search(struct store *s, const char *query, int limit,
                    void (*fn)(void *ud, const struct customer *c), void *ud,
                    int *count, struct hall_err *err)
{
	struct search q;
	memset(&q, 0, sizeof q);
	q.s = s;
	q.fn = fn;
	q.ud = ud;
	q.limit = limit < 1 ? 1 : limit > CUSTOMER_SEARCH_MAX ? CUSTOMER_SEARCH_MAX : limit;
	*count = 0;
	if (!query || !utf8_valid(query, strlen(query)) || utf8_has_control(query, false))
		return hall_err_set(err, HALL_EINVAL, "query",
			"查询内容含有无效字符", "the query has invalid characters");
	/* trim, and drop the separators people type in numbers */
	char buf[256], digits[64];
	size_t nd = 0;
	bool numeric = true;
	while (*query == ' ')
		query++;
	snprintf(buf, sizeof buf, "%s", query);
	for (size_t i = strlen(buf); i > 0 && buf[i - 1] == ' '; i--)
		buf[i - 1] = '\0';
	for (const char *p = buf; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nd < sizeof digits - 1)
				digits[nd++] = *p;
		} else if (*p != '-' && *p != ' ') {
			numeric = false;
		}
	}
	digits[nd] = '\0';
	int rc;
	if (!buf[0])
		rc = hall_err_set(err, HALL_EINVAL, "query",
			"请输入户号、电话、证件号，或姓名、地址的一部分",
			"type an account, phone or ID number, or part of a name or address");
	else if (numeric && all_digits(digits))
		rc = search_digits(&q, digits, buf, err);
	else if (looks_like_id(buf)) {
		char up[19];
		for (int i = 0; i < 19; i++)
			up[i] = (char)toupper((unsigned char)buf[i]);
		rc = search_exact(&q, "SELECT " CUST_COLS " FROM customers c"
		                  " WHERE c.id_number = ?1 LIMIT ?2", up, err);
		if (rc == HALL_OK && q.count == 0)
			rc = search_text(&q, buf, err);
	} else
		rc = search_text(&q, buf, err);
	*count = q.count;
	return rc;
}

/* ------------------------------------------------------------ bills */

int customer_bills(struct store *s, const char *account_no, bool unpaid_only,
                   void (*fn)(void *ud, const struct bill *b), void *ud,
                   struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"SELECT id, account_no, period, kwh, amount_fen, paid_fen, due_date, status"
		" FROM bills WHERE account_no = ?1 AND (?2 = 0 OR status <> 'paid')"
		" ORDER BY period, id", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, unpaid_only);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bill b;
		memset(&b, 0, sizeof b);
		b.id = sqlite3_column_int64(st, 0);
		copy_col(b.account_no, sizeof b.account_no, st, 1);
		copy_col(b.period, sizeof b.period, st, 2);
		b.kwh = sqlite3_column_int64(st, 3);
		b.amount_fen = sqlite3_column_int64(st, 4);
		b.paid_fen = sqlite3_column_int64(st, 5);
		copy_col(b.due_date, sizeof b.due_date, st, 6);
		copy_col(b.status, sizeof b.status, st, 7);
		fn(ud, &b);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(s, rc, "读取账单", "reading bills", err);
}

int customer_payments(struct store *s, const char *account_no, int limit,
                      void (*fn)(void *ud, const struct payment_row *p),
                      void *ud, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"SELECT receipt_no, account_no, amount_fen, method, status, created_at,"
		" staff_id, counter FROM payments WHERE account_no = ?1"
		" ORDER BY id DESC LIMIT ?2", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct payment_row p;
		memset(&p, 0, sizeof p);
		copy_col(p.receipt_no, sizeof p.receipt_no, st, 0);
		copy_col(p.account_no, sizeof p.account_no, st, 1);
		p.amount_fen = sqlite3_column_int64(st, 2);
		copy_col(p.method, sizeof p.method, st, 3);
		copy_col(p.status, sizeof p.status, st, 4);
		copy_col(p.created_at, sizeof p.created_at, st, 5);
		copy_col(p.staff_id, sizeof p.staff_id, st, 6);
		p.counter = sqlite3_column_int(st, 7);
		fn(ud, &p);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(s, rc, "读取缴费记录", "reading payments", err);
}

/* The columns of a work item, in struct work_item order, for each table.
 * Shared with the work list (counter.c) through customer_work_sql(). */
#define WORK_UNION(where_app, where_chg, where_cmp) \
	"SELECT 'application' AS kind, app_no AS number, account_no, name," \
	" kind AS type, stage, status, created_at, deadline, staff_id," \
	" 0 AS repeat_flag FROM applications " where_app \
	" UNION ALL SELECT 'change', g.change_no, g.account_no," \
	" coalesce((SELECT name FROM customers WHERE account_no = g.account_no), '')," \
	" g.change_type, g.stage, g.status, g.created_at, g.deadline, g.staff_id, 0" \
	" FROM changes g " where_chg \
	" UNION ALL SELECT 'complaint', complaint_no, coalesce(account_no, ''), name," \
	" kind, stage, status, created_at, deadline, staff_id, repeat_flag" \
	" FROM complaints " where_cmp

void customer_row_work(sqlite3_stmt *st, struct work_item *w)
{
	memset(w, 0, sizeof *w);
	copy_col(w->kind, sizeof w->kind, st, 0);
	copy_col(w->number, sizeof w->number, st, 1);
	copy_col(w->account_no, sizeof w->account_no, st, 2);
	copy_col(w->name, sizeof w->name, st, 3);
	copy_col(w->type, sizeof w->type, st, 4);
	copy_col(w->stage, sizeof w->stage, st, 5);
	copy_col(w->status, sizeof w->status, st, 6);
	copy_col(w->created_at, sizeof w->created_at, st, 7);
	copy_col(w->deadline, sizeof w->deadline, st, 8);
	copy_col(w->staff_id, sizeof w->staff_id, st, 9);
	w->repeat = sqlite3_column_int(st, 10) != 0;
}

int customer_work(struct store *s, const char *account_no,
                  void (*fn)(void *ud, const struct work_item *w), void *ud,
                  struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, WORK_UNION("WHERE account_no = ?1",
		"WHERE g.account_no = ?1", "WHERE account_no = ?1")
		" ORDER BY 8 DESC", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct work_item w;
		customer_row_work(st, &w);
		fn(ud, &w);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(s, rc, "读取工单", "reading work orders", err);
}

const char *customer_worklist_sql(void)
{
	return "SELECT * FROM (" WORK_UNION(
		"WHERE status = 'open' AND (?1 IS NULL OR staff_id = ?1)",
		"WHERE g.status = 'open' AND (?1 IS NULL OR g.staff_id = ?1)",
		"WHERE status = 'open' AND (?1 IS NULL OR staff_id = ?1)")
		") ORDER BY deadline = '', deadline, created_at";
}

int customer_upsert(struct store *s, const struct customer *c,
                    const char *extras_json, struct hall_err *err)
{
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO customers(account_no, name, id_type, id_number, phone,"
		" address, category, voltage, capacity, tariff_form, status, extras,"
		" created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)"
		" ON CONFLICT(account_no) DO UPDATE SET name = excluded.name,"
		" id_type = excluded.id_type, id_number = excluded.id_number,"
		" phone = excluded.phone, address = excluded.address,"
		" category = excluded.category, voltage = excluded.voltage,"
		" capacity = excluded.capacity, tariff_form = excluded.tariff_form,"
		" status = excluded.status, extras = excluded.extras,"
		" updated_at = excluded.updated_at", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, c->account_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->id_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->id_number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, c->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, c->voltage, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, c->capacity);
	sqlite3_bind_text(st, 10, c->tariff_form[0] ? c->tariff_form : "single", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, c->status[0] ? c->status : "normal", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, extras_json ? extras_json : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(s, rc, "保存客户", "saving the customer", err);
}
