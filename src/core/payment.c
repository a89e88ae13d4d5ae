/* payment.c - the cash desk: late fees, allocation, receipts, reversals and
 * the daily close (see include/hall/payment.h for the rules). */
#include "hall/payment.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sbuf.h"
#include "hall/ident.h"
#include "hall/money.h"
#include "hall/priv.h"
#include "hall/utf8.h"

/* How often payment_take retries BEGIN after the busy timeout expired. */
#define BUSY_RETRIES 5

const char *const payment_method_keys[PAYMENT_NMETHODS] = {
	"cash", "card", "wechat", "alipay", "cheque", "transfer",
};

static const struct { const char *zh, *en; } method_labels[PAYMENT_NMETHODS] = {
	{ "现金", "Cash" }, { "银行卡", "Bank card" }, { "微信", "WeChat Pay" },
	{ "支付宝", "Alipay" }, { "支票", "Cheque" }, { "转账", "Bank transfer" },
};

int payment_method_index(const char *key)
{
	for (int i = 0; key && i < PAYMENT_NMETHODS; i++)
		if (strcmp(payment_method_keys[i], key) == 0)
			return i;
	return -1;
}

const char *payment_method_label(const char *key)
{
	int i = payment_method_index(key);
	return i < 0 ? (key ? key : "") : hall_tr(method_labels[i].zh, method_labels[i].en);
}

/* ------------------------------------------------------------- helpers */

static int oom(struct hall_err *err)
{
	return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
}

static int stmt_code(struct hall_err *err)
{
	return err && err->code ? err->code : HALL_EDB;
}

static void col_text(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* A date "YYYY-MM-DD" as a day number; false if not a real date. */
static bool parse_day(const char *s, long *day)
{
	char norm[11];
	if (!s || strlen(s) != 10 || ident_date_check(s, NULL, norm, NULL) != HALL_OK)
		return false;
	*day = ident_days_from_civil(atoi(norm), atoi(norm + 5), atoi(norm + 8));
	return true;
}

static void day_str(long day, char out[11])
{
	int y, m, d;
	ident_civil_from_days(day, &y, &m, &d);
	char tmp[40];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

static int day_year(long day)
{
	int y;
	ident_civil_from_days(day, &y, NULL, NULL);
	return y;
}

/* Year of a bill period "YYYY-MM", -1 if malformed. */
static int period_year(const char *p)
{
	if (!p || strlen(p) != 7 || p[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (p[i] < '0' || p[i] > '9'))
			return -1;
	int m = atoi(p + 5);
	return m >= 1 && m <= 12 ? atoi(p) : -1;
}

/* A reason or similar free text: valid UTF-8, no control characters,
 * min..max characters after trimming is the caller's business. */
static int check_text(const char *s, const char *field, const char *zh,
                      const char *en, size_t min, size_t max,
                      struct hall_err *err)
{
	size_t n = s ? utf8_chars(s) : 0;
	if (!s || !utf8_valid(s, strlen(s)) || utf8_has_control(s, false) ||
	    n < min || n > max)
		return hall_err_set(err, HALL_EINVAL, field,
			"%s%.0s：应为%zu至%zu个字符，不含控制字符",
			"%.0s%s: %zu to %zu characters, no control characters",
			zh, en, min, max);
	return HALL_OK;
}

/* BEGIN IMMEDIATE, retried when the busy timeout ran out: nothing has been
 * written yet, so waiting again is safe and the clerk never sees 'locked'. */
static int begin_retry(struct store *s, struct hall_err *err)
{
	int rc = HALL_EBUSY;
	for (int i = 0; i <= BUSY_RETRIES && rc == HALL_EBUSY; i++)
		rc = store_begin(s, err);
	return rc;
}

static int finish(struct store *s, int rc, struct hall_err *err)
{
	if (rc == HALL_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

static int journal(struct store *s, const struct hall_actor *a,
                   const char *kind, const char *table, int64_t rowid,
                   struct hall_err *err)
{
	return store_journal_row(s, kind, table, rowid, a->user.id, a->counter, err);
}

static int step_done(struct store *s, sqlite3_stmt *st, const char *zh,
                     const char *en, struct hall_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(s, rc, zh, en, err);
}

static void today_str(char out[11])
{
	store_today_local(out);
}

/* The approver types id and password at the counter: a manager or admin,
 * not the person whose action is approved. */
static int approve(struct store *s, const char *approver_id,
                   const char *password, const char *not_id,
                   const char *what_zh, const char *what_en,
                   struct hall_user *out, struct hall_err *err)
{
	if (!approver_id || !*approver_id)
		return hall_err_set(err, HALL_EINVAL, "approver",
			"审批人：请输入主任的工号和密码",
			"approver: a manager must enter their id and password");
	if (not_id && strcmp(approver_id, not_id) == 0)
		return hall_err_set(err, HALL_EPERM, "approver",
			"审批人：%s不能由本人审批，请另一位主任审批%.0s",
			"%.0sapprover: %s cannot be approved by the same person; ask another manager",
			what_zh, what_en);
	struct hall_user u;
	int rc = auth_login(s, approver_id, password ? password : "", &u, err);
	if (rc != HALL_OK) {
		if (err)
			snprintf(err->field, sizeof err->field, "approver");
		return rc;
	}
	if (u.role < ROLE_MANAGER)
		return hall_err_set(err, HALL_EPERM, "approver",
			"审批人：工号 %s 是营业员，%s需要主任（班长）审批%.0s",
			"approver: staff id %s is a clerk%.0s; %s needs a manager's approval",
			approver_id, what_zh, what_en);
	if (out)
		*out = u;
	return HALL_OK;
}

static int require_clerk(const struct hall_actor *actor, const char *zh,
                         const char *en, struct hall_err *err)
{
	int rc = auth_require(actor, ROLE_CLERK, zh, en, err);
	if (rc != HALL_OK)
		return rc;
	if (actor->counter < 1 || actor->counter > 99)
		return hall_err_set(err, HALL_EINVAL, "counter",
			"窗口号：应为1至99", "counter: must be 1 to 99");
	return HALL_OK;
}

/* ---------------------------------------------------------------- rules */

void payment_rules_free(struct late_fee_rules *rules)
{
	if (!rules)
		return;
	free(rules->r);
	free(rules->from_day);
	memset(rules, 0, sizeof *rules);
}

int payment_rules_load(struct store *s, struct late_fee_rules *out,
                       struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_stmt(s,
		"SELECT effective_from, category, arrears_age, rate_permille,"
		" start_day, min_fee_fen FROM late_fee_rules"
		" ORDER BY effective_from, category, arrears_age", err);
	if (!st)
		return stmt_code(err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			int ncap = cap ? cap * 2 : 8;
			struct late_fee_rule *nr = realloc(out->r, (size_t)ncap * sizeof *nr);
			long *nd = nr ? realloc(out->from_day, (size_t)ncap * sizeof *nd) : NULL;
			if (nr)
				out->r = nr;
			if (nd)
				out->from_day = nd;
			if (!nr || !nd) {
				sqlite3_reset(st);
				payment_rules_free(out);
				return oom(err);
			}
			cap = ncap;
		}
		struct late_fee_rule *r = &out->r[out->n];
		memset(r, 0, sizeof *r);
		col_text(r->effective_from, sizeof r->effective_from, st, 0);
		col_text(r->category, sizeof r->category, st, 1);
		r->arrears_age = sqlite3_column_int(st, 2);
		r->rate_permille = sqlite3_column_int(st, 3);
		r->start_day = sqlite3_column_int(st, 4);
		r->min_fee_fen = sqlite3_column_int64(st, 5);
		long d;
		if (!parse_day(r->effective_from, &d))
			continue;   /* the CHECKs keep bad rows out; skip if not */
		out->from_day[out->n++] = d;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		payment_rules_free(out);
		return store_error(s, rc, "读取违约金规则", "reading the late fee rules", err);
	}
	return HALL_OK;
}

/* The rule for one day: the set in force that day; the category's rows if
 * the set has any, else '*'; the largest arrears_age not above age. */
static const struct late_fee_rule *rule_for(const struct late_fee_rules *R,
                                            const char *category, long day,
                                            int age)
{
	bool found = false;
	long eff = 0;
	for (int i = 0; i < R->n; i++)
		if (R->from_day[i] <= day) {
			eff = R->from_day[i];
			found = true;
		}
	if (!found)
		return NULL;
	bool has_cat = false;
	for (int i = 0; i < R->n && !has_cat; i++)
		has_cat = R->from_day[i] == eff && strcmp(R->r[i].category, category) == 0;
	const char *want = has_cat ? category : "*";
	const struct late_fee_rule *best = NULL;
	for (int i = 0; i < R->n; i++) {
		const struct late_fee_rule *r = &R->r[i];
		if (R->from_day[i] != eff || strcmp(r->category, want) != 0 ||
		    r->arrears_age > age)
			continue;
		if (!best || r->arrears_age > best->arrears_age)
			best = r;
	}
	return best;
}

static int age_on(long day, int pyear)
{
	int age = day_year(day) - pyear;
	return age < 0 ? 0 : age;
}

/* Σ rate over the days a..b (both included), per-mille. */
static int64_t rate_days(const struct late_fee_rules *R, const char *category,
                         int pyear, long a, long b)
{
	int64_t sum = 0;
	long d = a;
	while (d <= b) {
		int y = day_year(d);
		long end = ident_days_from_civil(y + 1, 1, 1) - 1;
		if (end > b)
			end = b;
		for (int i = 0; i < R->n; i++)
			if (R->from_day[i] > d && R->from_day[i] - 1 < end)
				end = R->from_day[i] - 1;
		const struct late_fee_rule *r = rule_for(R, category, d, age_on(d, pyear));
		if (r)
			sum += (int64_t)r->rate_permille * (end - d + 1);
		d = end + 1;
	}
	return sum;
}

static int fee_overflow(struct hall_err *err)
{
	return hall_err_set(err, HALL_EINVAL, "amount",
		"金额过大，无法计算违约金", "amount too large to work out the late fee");
}

int payment_late_fee(const struct late_fee_rules *rules, const char *category,
                     const char *period, const char *due_date,
                     int64_t amount_fen, const struct late_fee_paid *paid,
                     int npaid, const char *as_of, struct late_fee_calc *out,
                     struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	long due, asof;
	int pyear = period_year(period);
	if (pyear < 0)
		return hall_err_set(err, HALL_EINVAL, "period",
			"账期：%s 应为 YYYY-MM", "period: %s must be YYYY-MM", period ? period : "");
	if (!parse_day(due_date, &due))
		return hall_err_set(err, HALL_EINVAL, "due_date",
			"到期日：%s 不是有效日期", "due date: %s is not a valid date",
			due_date ? due_date : "");
	if (!parse_day(as_of, &asof))
		return hall_err_set(err, HALL_EINVAL, "date",
			"日期：%s 不是有效日期", "date: %s is not a valid date",
			as_of ? as_of : "");
	if (amount_fen < 0 || amount_fen > MONEY_MAX_FEN)
		return fee_overflow(err);
	if (!category)
		category = "";
	const struct late_fee_rule *r0 = rule_for(rules, category, due + 1,
	                                          age_on(due + 1, pyear));
	long first = due + (r0 ? r0->start_day : 1);
	int64_t n = 0, paid_sum = 0;
	long last = LONG_MIN;
	for (int i = 0; i < npaid; i++) {
		long p;
		if (paid[i].principal_fen <= 0)
			continue;
		if (!parse_day(paid[i].paid_on, &p))
			return hall_err_set(err, HALL_EINVAL, "date",
				"日期：%s 不是有效日期", "date: %s is not a valid date",
				paid[i].paid_on);
		paid_sum += paid[i].principal_fen;
		long end = p < asof ? p : asof;
		if (end < first)
			continue;
		int64_t w = rate_days(rules, category, pyear, first, end), t;
		if (__builtin_mul_overflow(paid[i].principal_fen, w, &t) ||
		    __builtin_add_overflow(n, t, &n))
			return fee_overflow(err);
		if (w > 0 && end > last)
			last = end;
	}
	int64_t rest = amount_fen - paid_sum;
	if (rest > 0 && asof >= first) {
		int64_t w = rate_days(rules, category, pyear, first, asof), t;
		if (__builtin_mul_overflow(rest, w, &t) ||
		    __builtin_add_overflow(n, t, &n))
			return fee_overflow(err);
		out->days = (int)(asof - first + 1);
		if (w > 0)
			last = asof;
	}
	out->exact_milli_fen = n;
	/* half up: n >= 0, so (n + 500) / 1000 rounds .5 up */
	out->fee_fen = n / 1000 + (n % 1000 >= 500);
	if (n > 0) {
		const struct late_fee_rule *rl = rule_for(rules, category, last, age_on(last, pyear));
		if (rl && out->fee_fen < rl->min_fee_fen) {
			out->fee_fen = rl->min_fee_fen;
			out->minimum = true;
		}
	}
	return HALL_OK;
}

static bool category_key_ok(const char *c)
{
	if (!c || !*c || strlen(c) > 23)
		return false;
	if (strcmp(c, "*") == 0)
		return true;
	for (; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
			return false;
	return true;
}

int payment_rule_add(struct store *s, const struct hall_actor *actor,
                     const struct late_fee_rule *r, struct hall_err *err)
{
	int rc = auth_require(actor, ROLE_ADMIN, "修改违约金规则",
	                      "change the late fee rules", err);
	if (rc != HALL_OK)
		return rc;
	long d;
	if (!parse_day(r->effective_from, &d))
		return hall_err_set(err, HALL_EINVAL, "effective_from",
			"生效日期：应为有效日期 YYYY-MM-DD", "effective date: must be a real date YYYY-MM-DD");
	if (!category_key_ok(r->category))
		return hall_err_set(err, HALL_EINVAL, "category",
			"用电类别：应为类别键（如 residential）或 *",
			"category: a category key (e.g. residential) or *");
	if (r->arrears_age < 0 || r->arrears_age > 100)
		return hall_err_set(err, HALL_EINVAL, "arrears_age",
			"欠费年度：应为0（当年）至100", "arrears age: 0 (current year) to 100");
	if (r->rate_permille < 0 || r->rate_permille > 1000)
		return hall_err_set(err, HALL_EINVAL, "rate_permille",
			"日费率：应为0至1000（千分之）", "daily rate: 0 to 1000 per mille");
	if (r->start_day < 1 || r->start_day > 366)
		return hall_err_set(err, HALL_EINVAL, "start_day",
			"起算日：应为到期后1至366天", "start day: 1 to 366 days after the due date");
	if (r->min_fee_fen < 0 || r->min_fee_fen > MONEY_MAX_FEN)
		return hall_err_set(err, HALL_EINVAL, "min_fee",
			"最低违约金：不能为负数", "minimum fee: must not be negative");
	if ((rc = begin_retry(s, err)) != HALL_OK)
		return rc;
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO late_fee_rules(effective_from, category, arrears_age,"
		" rate_permille, start_day, min_fee_fen, staff_id, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
		" ON CONFLICT DO NOTHING", err);
	if (!st)
		return finish(s, stmt_code(err), err);
	sqlite3_bind_text(st, 1, r->effective_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->category, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, r->arrears_age);
	sqlite3_bind_int(st, 4, r->rate_permille);
	sqlite3_bind_int(st, 5, r->start_day);
	sqlite3_bind_int64(st, 6, r->min_fee_fen);
	sqlite3_bind_text(st, 7, actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	rc = step_done(s, st, "保存违约金规则", "saving the late fee rule", err);
	if (rc == HALL_OK && sqlite3_changes(store_db(s)) == 0)
		rc = hall_err_set(err, HALL_EEXIST, "effective_from",
			"违约金规则已存在：%s %s 第%d年", "late fee rule exists already: %s %s age %d",
			r->effective_from, r->category, r->arrears_age);
	if (rc == HALL_OK)
		rc = journal(s, actor, "late_fee_rule.add", "late_fee_rules",
		             sqlite3_last_insert_rowid(store_db(s)), err);
	return finish(s, rc, err);
}

/* ------------------------------------------------------------- settings */

int payment_settings_get(struct store *s, struct payment_settings *out,
                         struct hall_err *err)
{
	out->late_fee_first = true;
	out->max_amount_fen = 0;
	sqlite3_stmt *st = store_stmt(s, "SELECT key, value FROM payment_settings", err);
	if (!st)
		return stmt_code(err);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		int64_t v = sqlite3_column_int64(st, 1);
		if (k && strcmp(k, "late_fee_first") == 0)
			out->late_fee_first = v != 0;
		else if (k && strcmp(k, "max_amount_fen") == 0)
			out->max_amount_fen = v;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "读取收费设置", "reading the cash desk settings", err);
}

int payment_setting_set(struct store *s, const struct hall_actor *actor,
                        const char *key, int64_t value, struct hall_err *err)
{
	int rc = auth_require(actor, ROLE_ADMIN, "修改收费设置",
	                      "change the cash desk settings", err);
	if (rc != HALL_OK)
		return rc;
	if (!key || (strcmp(key, "late_fee_first") != 0 && strcmp(key, "max_amount_fen") != 0))
		return hall_err_set(err, HALL_EINVAL, "key",
			"设置项：%s 未知（可用：late_fee_first max_amount_fen）",
			"setting: %s unknown (known: late_fee_first max_amount_fen)",
			key ? key : "");
	if (strcmp(key, "late_fee_first") == 0 ? (value != 0 && value != 1)
	                                       : (value < 0 || value > MONEY_MAX_FEN))
		return hall_err_set(err, HALL_EINVAL, key,
			"%s：取值超出范围", "%s: value out of range", key);
	if ((rc = begin_retry(s, err)) != HALL_OK)
		return rc;
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO payment_settings(key, value, staff_id, updated_at)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE SET"
		" value = excluded.value, staff_id = excluded.staff_id,"
		" updated_at = excluded.updated_at RETURNING rowid", err);
	if (!st)
		return finish(s, stmt_code(err), err);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	sqlite3_bind_text(st, 3, actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	int64_t rowid = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	rc = src == SQLITE_ROW ? HALL_OK
		: store_error(s, src, "保存收费设置", "saving the cash desk settings", err);
	if (rc == HALL_OK)
		rc = journal(s, actor, "payment_setting.set", "payment_settings", rowid, err);
	return finish(s, rc, err);
}

/* ------------------------------------------------------------ bills due */

/* Fill the late fee and what is due of a bill whose row is in b->bill:
 * the principal shares and late fees allocated by payments not reversed. */
static int bill_fill(struct store *s, const struct late_fee_rules *rules,
                     const char *category, const char *as_of,
                     struct bill_due *b, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"SELECT a.principal_fen, a.late_fee_fen,"
		" coalesce(p.paid_on, p.business_date)"
		" FROM payment_alloc a JOIN payments p ON p.id = a.payment_id"
		" WHERE a.bill_id = ?1 AND p.status = 'ok'", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, b->bill.id);
	struct late_fee_paid *paid = NULL;
	int np = 0, cap = 0, src;
	int64_t alloc_sum = 0;
	b->late_fee_paid_fen = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		/* room for this share and the one paid elsewhere */
		if (np + 2 > cap) {
			int ncap = cap ? cap * 2 : 8;
			struct late_fee_paid *n2 = realloc(paid, (size_t)ncap * sizeof *n2);
			if (!n2) {
				src = SQLITE_NOMEM;
				break;
			}
			paid = n2;
			cap = ncap;
		}
		paid[np].principal_fen = sqlite3_column_int64(st, 0);
		b->late_fee_paid_fen += sqlite3_column_int64(st, 1);
		col_text(paid[np].paid_on, sizeof paid[np].paid_on, st, 2);
		alloc_sum += paid[np].principal_fen;
		np++;
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		free(paid);
		return src == SQLITE_NOMEM ? oom(err)
			: store_error(s, src, "读取缴费分配", "reading payment allocations", err);
	}
	/* principal paid elsewhere (import, billing, online) counts as paid
	 * on time, unless the central gave the day it was received; a late
	 * fee paid elsewhere counts as paid (bill_elsewhere, sync.h) */
	char elsewhere_on[11] = "";
	st = store_stmt(s, "SELECT coalesce(paid_on, ''), fee_paid_fen FROM bill_elsewhere"
	                " WHERE bill_id = ?1", err);
	if (!st) {
		free(paid);
		return stmt_code(err);
	}
	sqlite3_bind_int64(st, 1, b->bill.id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		col_text(elsewhere_on, sizeof elsewhere_on, st, 0);
		b->late_fee_paid_fen += sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (src != SQLITE_ROW && src != SQLITE_DONE) {
		free(paid);
		return store_error(s, src, "读取账单", "reading the bill", err);
	}
	if (b->bill.paid_fen > alloc_sum) {
		if (np + 1 > cap) {
			struct late_fee_paid *n2 = realloc(paid, (size_t)(np + 1) * sizeof *n2);
			if (!n2) {
				free(paid);
				return oom(err);
			}
			paid = n2;
		}
		paid[np].principal_fen = b->bill.paid_fen - alloc_sum;
		snprintf(paid[np].paid_on, sizeof paid[np].paid_on, "%s",
		         elsewhere_on[0] ? elsewhere_on : b->bill.due_date);
		np++;
	}
	struct late_fee_calc calc;
	int rc = payment_late_fee(rules, category, b->bill.period, b->bill.due_date,
	                          b->bill.amount_fen, paid, np, as_of, &calc, err);
	free(paid);
	if (rc != HALL_OK)
		return rc;
	b->principal_due_fen = b->bill.amount_fen - b->bill.paid_fen;
	if (b->principal_due_fen < 0)
		b->principal_due_fen = 0;
	b->late_fee_fen = calc.fee_fen;
	b->late_fee_due_fen = calc.fee_fen > b->late_fee_paid_fen
		? calc.fee_fen - b->late_fee_paid_fen : 0;
	b->days_overdue = b->principal_due_fen > 0 ? calc.days : 0;
	b->total_due_fen = b->principal_due_fen + b->late_fee_due_fen;
	return HALL_OK;
}

/* Read the unpaid bills of an account with their principal history and
 * late fee as of as_of.  The caller owns d->bills. */
static int load_due(struct store *s, const struct late_fee_rules *rules,
                    const char *account_no, const char *category,
                    const char *as_of, struct payment_due *d,
                    struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"SELECT id, account_no, period, kwh, amount_fen, paid_fen, due_date, status"
		" FROM bills WHERE account_no = ?1 AND status <> 'paid'"
		" ORDER BY period, id", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_TRANSIENT);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (d->nbills == cap) {
			int ncap = cap ? cap * 2 : 8;
			struct bill_due *nb = realloc(d->bills, (size_t)ncap * sizeof *nb);
			if (!nb) {
				sqlite3_reset(st);
				return oom(err);
			}
			d->bills = nb;
			cap = ncap;
		}
		struct bill_due *b = &d->bills[d->nbills++];
		memset(b, 0, sizeof *b);
		b->bill.id = sqlite3_column_int64(st, 0);
		col_text(b->bill.account_no, sizeof b->bill.account_no, st, 1);
		col_text(b->bill.period, sizeof b->bill.period, st, 2);
		b->bill.kwh = sqlite3_column_int64(st, 3);
		b->bill.amount_fen = sqlite3_column_int64(st, 4);
		b->bill.paid_fen = sqlite3_column_int64(st, 5);
		col_text(b->bill.due_date, sizeof b->bill.due_date, st, 6);
		col_text(b->bill.status, sizeof b->bill.status, st, 7);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "读取账单", "reading bills", err);

	rc = HALL_OK;
	for (int i = 0; i < d->nbills && rc == HALL_OK; i++) {
		struct bill_due *b = &d->bills[i];
		rc = bill_fill(s, rules, category, as_of, b, err);
		d->principal_fen += b->principal_due_fen;
		d->late_fee_fen += b->late_fee_due_fen;
	}
	d->total_fen = d->principal_fen + d->late_fee_fen;
	return rc;
}

void payment_due_free(struct payment_due *d)
{
	if (!d)
		return;
	free(d->bills);
	d->bills = NULL;
	d->nbills = 0;
}

int payment_due_get(struct store *s, const char *account_no,
                    const char *as_of, struct payment_due *out,
                    struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	if (as_of && *as_of) {
		long d;
		if (!parse_day(as_of, &d))
			return hall_err_set(err, HALL_EINVAL, "date",
				"日期：%s 不是有效日期（YYYY-MM-DD）",
				"date: %s is not a valid date (YYYY-MM-DD)", as_of);
		snprintf(out->as_of, sizeof out->as_of, "%s", as_of);
	} else {
		today_str(out->as_of);
	}
	int rc = customer_get(s, account_no ? account_no : "", &out->customer, err);
	if (rc != HALL_OK)
		return rc;
	struct late_fee_rules rules;
	if ((rc = payment_rules_load(s, &rules, err)) != HALL_OK)
		return rc;
	rc = load_due(s, &rules, out->customer.account_no, out->customer.category,
	              out->as_of, out, err);
	payment_rules_free(&rules);
	if (rc != HALL_OK) {
		payment_due_free(out);
		return rc;
	}
	out->prepaid_fen = out->customer.prepaid_fen;
	out->net_fen = out->total_fen > out->prepaid_fen ? out->total_fen - out->prepaid_fen : 0;
	return HALL_OK;
}

/* --------------------------------------------------------- business day */

static int day_closed(struct store *s, const char *staff_id, const char *date,
                      bool *closed, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"SELECT EXISTS (SELECT 1 FROM day_closes WHERE staff_id = ?1"
		" AND business_date = ?2 AND status <> 'reopened')", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	*closed = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? HALL_OK
		: store_error(s, rc, "读取日结", "reading the daily close", err);
}

int payment_business_date(struct store *s, const char *staff_id,
                          char out[11], struct hall_err *err)
{
	char today[11];
	today_str(today);
	long d;
	if (!parse_day(today, &d))
		return hall_err_set(err, HALL_EINVAL, NULL, "系统日期无效", "the system date is invalid");
	for (int i = 0; i < 400; i++, d++) {
		bool closed;
		day_str(d, out);
		int rc = day_closed(s, staff_id, out, &closed, err);
		if (rc != HALL_OK)
			return rc;
		if (!closed)
			return HALL_OK;
	}
	return hall_err_set(err, HALL_ESTATE, NULL,
		"今后一年的营业日都已日结，请主任处理", "every business day of the next year is closed; ask a manager");
}

/* --------------------------------------------------------------- receipts */

/* One receipt line: text padded to exactly RECEIPT_COLS columns. */
static void rline(struct sbuf *b, const char *text)
{
	char out[RECEIPT_COLS * 8 + 8];
	utf8_pad(out, sizeof out, text, RECEIPT_COLS, true);
	sbuf_adds(b, out);
	sbuf_addc(b, '\n');
}

static void rcenter(struct sbuf *b, const char *text)
{
	char cut[RECEIPT_COLS * 8 + 8], line[RECEIPT_COLS * 8 + 48];
	utf8_trunc(cut, sizeof cut, text, RECEIPT_COLS, false);
	size_t w = utf8_width(cut);
	size_t left = (RECEIPT_COLS - w) / 2;
	snprintf(line, sizeof line, "%*s%s", (int)left, "", cut);
	rline(b, line);
}

static void rrule(struct sbuf *b, char c)
{
	char line[RECEIPT_COLS + 1];
	memset(line, c, RECEIPT_COLS);
	line[RECEIPT_COLS] = '\0';
	rline(b, line);
}

/* "label value", the value sanitised and wrapped under itself. */
static void rfield(struct sbuf *b, const char *label, const char *value)
{
	char clean[1024];
	utf8_sanitize(clean, sizeof clean, value ? value : "", false);
	size_t lw = utf8_width(label);
	const char *p = clean;
	bool first = true;
	do {
		size_t cols;
		size_t n = utf8_prefix_cols(p, RECEIPT_COLS - lw, &cols);
		if (n == 0 && *p)   /* never with labels under 38 columns */
			n = strlen(p);
		char line[RECEIPT_COLS * 8 + 64];
		snprintf(line, sizeof line, "%s%*s%.*s", first ? label : "",
		         first ? 0 : (int)lw, "", (int)n, p);
		rline(b, line);
		p += n;
		first = false;
	} while (*p);
}

static void rmoney(struct sbuf *b, const char *label, int64_t fen)
{
	char m[32], v[40];
	money_format(fen, m, sizeof m);
	snprintf(v, sizeof v, "%s元", m);
	rfield(b, label, v);
}

/* Three columns: 10 left, 15 right, 15 right; falls back to lines when an
 * amount does not fit. */
static void rbill(struct sbuf *b, const char *raw_period, int64_t principal,
                  int64_t fee)
{
	/* the period comes from the store: never let it drive the printer */
	char period[64];
	utf8_sanitize(period, sizeof period, raw_period, false);
	char p[32], f[32];
	money_format(principal, p, sizeof p);
	money_format(fee, f, sizeof f);
	if (strlen(p) > 14 || strlen(f) > 14 || utf8_width(period) > 10) {
		rfield(b, "账期：", period);
		rmoney(b, "  电费：", principal);
		rmoney(b, "  违约金：", fee);
		return;
	}
	char c1[64], c2[64], c3[64], line[200];
	utf8_pad(c1, sizeof c1, period, 10, true);
	utf8_pad(c2, sizeof c2, p, 15, false);
	utf8_pad(c3, sizeof c3, f, 15, false);
	snprintf(line, sizeof line, "%s%s%s", c1, c2, c3);
	rline(b, line);
}

static void rheader3(struct sbuf *b, const char *a, const char *m, const char *f)
{
	char c1[64], c2[64], c3[64], line[200];
	utf8_pad(c1, sizeof c1, a, 10, true);
	utf8_pad(c2, sizeof c2, m, 15, false);
	utf8_pad(c3, sizeof c3, f, 15, false);
	snprintf(line, sizeof line, "%s%s%s", c1, c2, c3);
	rline(b, line);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

int payment_receipt_format(const struct receipt_data *d, char **out,
                           struct hall_err *err)
{
	*out = NULL;
	struct sbuf b;
	sbuf_init(&b);
	char t[512];
	char clean[256];
	utf8_sanitize(clean, sizeof clean, nz(d->hall_name), false);
	rcenter(&b, clean);
	rcenter(&b, "电费缴费收据");
	rrule(&b, '=');
	rfield(&b, "收据号：", nz(d->receipt_no));
	snprintf(t, sizeof t, "%s  窗口：%d", nz(d->hall_code), d->counter);
	rfield(&b, "营业厅：", t);
	snprintf(t, sizeof t, "%s %s", nz(d->staff_id), nz(d->staff_name));
	rfield(&b, "收费员：", t);
	rfield(&b, "时间：", nz(d->time_local));
	rfield(&b, "营业日：", nz(d->business_date));
	rfield(&b, "户号：", nz(d->account_no));
	rfield(&b, "户名：", nz(d->name));
	rrule(&b, '-');
	if (d->nbills > 0) {
		rheader3(&b, "账期", "电费", "违约金");
		int64_t tp = 0, tf = 0;
		for (int i = 0; i < d->nbills; i++) {
			rbill(&b, d->bills[i].period, d->bills[i].principal_fen,
			      d->bills[i].late_fee_fen);
			tp += d->bills[i].principal_fen;
			tf += d->bills[i].late_fee_fen;
		}
		if (d->nbills > 1)
			rbill(&b, "合计", tp, tf);
		rrule(&b, '-');
	}
	int mi = payment_method_index(d->method);
	rfield(&b, "付款方式：", mi >= 0 ? method_labels[mi].zh : nz(d->method));
	if (d->reference && *d->reference)
		rfield(&b, "凭证号：", d->reference);
	rmoney(&b, "实收金额：", d->amount_fen);
	char dx[160];
	money_daxie(d->amount_fen, dx, sizeof dx);
	rfield(&b, "大写：", dx);
	if (d->tendered_fen > 0) {
		rmoney(&b, "收取现金：", d->tendered_fen);
		rmoney(&b, "找零：", d->change_fen);
	}
	if (d->prepaid_used_fen > 0)
		rmoney(&b, "预存抵扣：", d->prepaid_used_fen);
	if (d->prepaid_added_fen > 0)
		rmoney(&b, "转入预存：", d->prepaid_added_fen);
	if (d->prepaid_after_fen >= 0)
		rmoney(&b, "预存余额：", d->prepaid_after_fen);
	if (d->arrears_after_fen >= 0)
		rmoney(&b, "尚欠电费：", d->arrears_after_fen);
	rrule(&b, '-');
	rcenter(&b, "请妥善保管本收据，谢谢！");
	if (b.oom) {
		sbuf_free(&b);
		return oom(err);
	}
	*out = strdup(sbuf_str(&b));
	sbuf_free(&b);
	return *out ? HALL_OK : oom(err);
}

int payment_receipt_reprint_format(const char *original, int copy,
                                   const char *time_local,
                                   const char *staff_id, bool voided,
                                   char **out, struct hall_err *err)
{
	*out = NULL;
	struct sbuf b;
	sbuf_init(&b);
	char t[256];
	rrule(&b, '*');
	snprintf(t, sizeof t, "重打（第%d次）", copy);
	rcenter(&b, t);
	snprintf(t, sizeof t, "%s %s", nz(time_local), nz(staff_id));
	rfield(&b, "重打：", t);
	if (voided)
		rcenter(&b, "本收据已冲正作废");
	rrule(&b, '*');
	/* the stored original may have been edited in the file: never let it
	 * drive the printer */
	size_t n = strlen(nz(original)) * 3 + 1;
	char *clean = malloc(n);
	if (!clean) {
		sbuf_free(&b);
		return oom(err);
	}
	utf8_sanitize(clean, n, nz(original), true);
	sbuf_adds(&b, clean);
	free(clean);
	if (b.oom) {
		sbuf_free(&b);
		return oom(err);
	}
	*out = strdup(sbuf_str(&b));
	sbuf_free(&b);
	return *out ? HALL_OK : oom(err);
}

/* ------------------------------------------------------- taking payment */

struct share {
	int idx;                   /* into due.bills */
	int64_t fee, principal;
};

static int check_req(const struct payment_req *q, const struct payment_settings *set,
                     struct hall_err *err)
{
	if (payment_method_index(q->method) < 0)
		return hall_err_set(err, HALL_EINVAL, "method",
			"付款方式：%s 无效（可用：cash card wechat alipay cheque transfer）",
			"payment method: %s is not valid (valid: cash card wechat alipay cheque transfer)",
			q->method ? q->method : "");
	if (q->amount_fen <= 0)
		return hall_err_set(err, HALL_EINVAL, "amount",
			"金额：必须大于0", "amount: must be more than 0");
	if (q->amount_fen > MONEY_MAX_FEN)
		return hall_err_set(err, HALL_EINVAL, "amount",
			"金额：超出范围", "amount: out of range");
	if (set->max_amount_fen > 0 && q->amount_fen > set->max_amount_fen) {
		char m[32];
		money_format(set->max_amount_fen, m, sizeof m);
		return hall_err_set(err, HALL_EINVAL, "amount",
			"金额：单笔不能超过本厅限额 %s 元", "amount: above this hall's limit of %s yuan per payment", m);
	}
	bool cash = strcmp(q->method, "cash") == 0;
	const char *ref = q->reference ? q->reference : "";
	if (cash && *ref)
		return hall_err_set(err, HALL_EINVAL, "reference",
			"凭证号：现金缴费不填凭证号", "reference: a cash payment has no reference");
	if (!cash) {
		if (!*ref)
			return hall_err_set(err, HALL_EINVAL, "reference",
				"凭证号：%s缴费必须填写凭证号%.0s", "%.0sreference: required for %s",
				method_labels[payment_method_index(q->method)].zh,
				method_labels[payment_method_index(q->method)].en);
		int rc = check_text(ref, "reference", "凭证号", "reference", 1,
		                    PAYMENT_REF_MAX, err);
		if (rc != HALL_OK)
			return rc;
	}
	if (q->tendered_fen < 0 || (!cash && q->tendered_fen != 0))
		return hall_err_set(err, HALL_EINVAL, "tendered",
			"实收现金：只用于现金缴费，且不能为负", "cash tendered: only for cash, and not negative");
	if (cash && q->tendered_fen > 0 && q->tendered_fen < q->amount_fen)
		return hall_err_set(err, HALL_EINVAL, "tendered",
			"实收现金：不能少于缴费金额", "cash tendered: less than the amount paid");
	if (cash && q->tendered_fen > MONEY_MAX_FEN)
		return hall_err_set(err, HALL_EINVAL, "tendered",
			"实收现金：超出范围", "cash tendered: out of range");
	if (q->extras_json && !utf8_valid(q->extras_json, strlen(q->extras_json)))
		return hall_err_set(err, HALL_EINVAL, NULL, "附加字段无效", "extra fields are not valid");
	return HALL_OK;
}

static int ref_used(struct store *s, const char *method, const char *ref,
                    char *receipt, size_t n, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		/* reference <> '' lets the partial index payments_reference serve */
		"SELECT receipt_no FROM payments WHERE reference = ?1 AND reference <> ''"
		" AND method = ?2 AND status = 'ok' LIMIT 1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, method, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	receipt[0] = '\0';
	if (rc == SQLITE_ROW)
		col_text(receipt, n, st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "检查凭证号", "checking the reference", err);
}

/* 'paid' when principal and the late fee due are settled. */
static const char *bill_status(int64_t paid, int64_t fee_paid,
                               int64_t fee_left, int64_t principal_left)
{
	if (principal_left <= 0 && fee_left <= 0)
		return "paid";
	return paid > 0 || fee_paid > 0 ? "partial" : "unpaid";
}

static int insert_receipt(struct store *s, const struct hall_actor *actor,
                          int64_t payment_id, const char *receipt_no, int copy,
                          const char *text, const char *now, bool printed,
                          int64_t *rowid, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO receipts(payment_id, receipt_no, copy, text, staff_id,"
		" counter, at, printed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, payment_id);
	sqlite3_bind_text(st, 2, receipt_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, copy);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, actor->user.id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, actor->counter);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
	if (printed)
		sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
	int rc = step_done(s, st, "保存收据", "saving the receipt", err);
	if (rc == HALL_OK)
		*rowid = sqlite3_last_insert_rowid(store_db(s));
	return rc;
}

int payment_take_tx(struct store *s, const struct hall_actor *actor,
                    const struct payment_req *q, struct payment_result *res,
                    struct hall_err *err)
{
	memset(res, 0, sizeof *res);
	int rc = require_clerk(actor, "收费", "take payments", err);
	if (rc != HALL_OK)
		return rc;
	struct payment_settings set;
	if ((rc = payment_settings_get(s, &set, err)) != HALL_OK)
		return rc;
	if ((rc = check_req(q, &set, err)) != HALL_OK)
		return rc;
	struct customer c;
	if ((rc = customer_get(s, q->account_no ? q->account_no : "", &c, err)) != HALL_OK)
		return rc;
	if (strcmp(c.status, "closed") == 0)
		return hall_err_set(err, HALL_ESTATE, "account_no",
			"户号 %s 已销户，不能缴费", "account %s is closed; it takes no payment",
			c.account_no);
	bool cash = strcmp(q->method, "cash") == 0;
	if (!cash) {
		char used[32];
		if ((rc = ref_used(s, q->method, q->reference, used, sizeof used, err)) != HALL_OK)
			return rc;
		if (used[0])
			return hall_err_set(err, HALL_EINVAL, "reference",
				"凭证号：%s 已用于收据 %s，同一笔交易不能重复入账",
				"reference: %s is already on receipt %s; a transaction cannot be posted twice",
				q->reference, used);
	}
	char now[21], today[11], local[17];
	store_now_utc(now);
	today_str(today);
	store_local_time(now, local);
	if ((rc = payment_business_date(s, actor->user.id, res->business_date, err)) != HALL_OK)
		return rc;
	snprintf(res->paid_on, sizeof res->paid_on, "%s", today);

	struct late_fee_rules rules;
	if ((rc = payment_rules_load(s, &rules, err)) != HALL_OK)
		return rc;
	struct payment_due due;
	memset(&due, 0, sizeof due);
	rc = load_due(s, &rules, c.account_no, c.category, today, &due, err);
	payment_rules_free(&rules);
	struct share *sh = NULL;
	struct receipt_bill *rb = NULL;
	char *text = NULL;
	if (rc != HALL_OK)
		goto out;
	sh = calloc((size_t)due.nbills + 1, sizeof *sh);
	rb = calloc((size_t)due.nbills + 1, sizeof *rb);
	if (!sh || !rb) {
		rc = oom(err);
		goto out;
	}

	/* allocate: the amount and the prepaid balance together */
	int64_t avail = q->amount_fen + c.prepaid_fen;
	int nsh = 0;
	for (int i = 0; i < due.nbills && avail > 0; i++) {
		const struct bill_due *b = &due.bills[i];
		int64_t fee = 0, pr = 0;
		for (int step = 0; step < 2; step++) {
			bool fee_step = (step == 0) == set.late_fee_first;
			int64_t want = fee_step ? b->late_fee_due_fen : b->principal_due_fen;
			int64_t take = want < avail ? want : avail;
			if (fee_step)
				fee = take;
			else
				pr = take;
			avail -= take;
		}
		if (fee == 0 && pr == 0)
			continue;
		sh[nsh].idx = i;
		sh[nsh].fee = fee;
		sh[nsh].principal = pr;
		nsh++;
	}
	int64_t prepaid_after = avail;
	int64_t prepaid_delta = prepaid_after - c.prepaid_fen;

	int64_t serial;
	if ((rc = store_next_seq(s, "receipt", &serial, err)) != HALL_OK)
		goto out;
	if (serial > 99999999) {
		rc = hall_err_set(err, HALL_ESTATE, NULL, "本营业厅的收据号已用完",
		                  "this hall has run out of receipt numbers");
		goto out;
	}
	snprintf(res->receipt_no, sizeof res->receipt_no, "SF%s%08lld",
	         store_hall_code(s), (long long)serial);
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO payments(receipt_no, account_no, amount_fen, method,"
		" reference, tendered_fen, change_fen, business_date, hall, counter,"
		" staff_id, created_at, extras, paid_on)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", err);
	if (!st) {
		rc = stmt_code(err);
		goto out;
	}
	bool tendered = cash && q->tendered_fen > 0;
	sqlite3_bind_text(st, 1, res->receipt_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c.account_no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, q->amount_fen);
	sqlite3_bind_text(st, 4, q->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, cash ? "" : q->reference, -1, SQLITE_STATIC);
	if (tendered) {
		sqlite3_bind_int64(st, 6, q->tendered_fen);
		sqlite3_bind_int64(st, 7, q->tendered_fen - q->amount_fen);
	}
	sqlite3_bind_text(st, 8, res->business_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, store_hall_code(s), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, actor->counter);
	sqlite3_bind_text(st, 11, actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, q->extras_json && *q->extras_json ? q->extras_json : "{}",
	                  -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, today, -1, SQLITE_STATIC);
	if ((rc = step_done(s, st, "保存缴费", "saving the payment", err)) != HALL_OK)
		goto out;
	res->payment_id = sqlite3_last_insert_rowid(store_db(s));
	if ((rc = journal(s, actor, "payment.create", "payments", res->payment_id, err)) != HALL_OK)
		goto out;

	int64_t arrears_after = 0;
	for (int i = 0; i < due.nbills; i++)
		arrears_after += due.bills[i].principal_due_fen;
	for (int k = 0; k < nsh && rc == HALL_OK; k++) {
		const struct bill_due *b = &due.bills[sh[k].idx];
		st = store_stmt(s,
			"INSERT INTO payment_alloc(payment_id, bill_id, late_fee_fen,"
			" principal_fen, prepaid_fen) VALUES (?1, ?2, ?3, ?4, 0)", err);
		if (!st) {
			rc = stmt_code(err);
			break;
		}
		sqlite3_bind_int64(st, 1, res->payment_id);
		sqlite3_bind_int64(st, 2, b->bill.id);
		sqlite3_bind_int64(st, 3, sh[k].fee);
		sqlite3_bind_int64(st, 4, sh[k].principal);
		if ((rc = step_done(s, st, "保存缴费分配", "saving the allocation", err)) != HALL_OK)
			break;
		int64_t paid = b->bill.paid_fen + sh[k].principal;
		const char *status = bill_status(paid,
			b->late_fee_paid_fen + sh[k].fee, b->late_fee_due_fen - sh[k].fee,
			b->principal_due_fen - sh[k].principal);
		st = store_stmt(s, "UPDATE bills SET paid_fen = ?2, status = ?3 WHERE id = ?1", err);
		if (!st) {
			rc = stmt_code(err);
			break;
		}
		sqlite3_bind_int64(st, 1, b->bill.id);
		sqlite3_bind_int64(st, 2, paid);
		sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
		if ((rc = step_done(s, st, "更新账单", "updating the bill", err)) != HALL_OK)
			break;
		rc = journal(s, actor, "bill.pay", "bills", b->bill.id, err);
		res->late_fee_fen += sh[k].fee;
		res->principal_fen += sh[k].principal;
		arrears_after -= sh[k].principal;
		snprintf(rb[k].period, sizeof rb[k].period, "%s", b->bill.period);
		rb[k].principal_fen = sh[k].principal;
		rb[k].late_fee_fen = sh[k].fee;
	}
	if (rc != HALL_OK)
		goto out;
	if (prepaid_delta != 0) {
		st = store_stmt(s,
			"INSERT INTO payment_alloc(payment_id, bill_id, late_fee_fen,"
			" principal_fen, prepaid_fen) VALUES (?1, NULL, 0, 0, ?2)", err);
		if (!st) {
			rc = stmt_code(err);
			goto out;
		}
		sqlite3_bind_int64(st, 1, res->payment_id);
		sqlite3_bind_int64(st, 2, prepaid_delta);
		if ((rc = step_done(s, st, "保存缴费分配", "saving the allocation", err)) != HALL_OK)
			goto out;
		st = store_stmt(s,
			"UPDATE customers SET prepaid_fen = ?2, updated_at = ?3 WHERE id = ?1", err);
		if (!st) {
			rc = stmt_code(err);
			goto out;
		}
		sqlite3_bind_int64(st, 1, c.id);
		sqlite3_bind_int64(st, 2, prepaid_after);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		if ((rc = step_done(s, st, "更新预存", "updating the prepaid balance", err)) != HALL_OK)
			goto out;
		if ((rc = journal(s, actor, "customer.prepaid", "customers", c.id, err)) != HALL_OK)
			goto out;
	}
	if (nsh > 0 || prepaid_delta != 0) {
		if ((rc = journal(s, actor, "payment.alloc", "payment_alloc", res->payment_id, err)) != HALL_OK)
			goto out;
	}

	snprintf(res->account_no, sizeof res->account_no, "%s", c.account_no);
	res->amount_fen = q->amount_fen;
	res->nbills = nsh;
	res->prepaid_after_fen = prepaid_after;
	res->prepaid_used_fen = prepaid_delta < 0 ? -prepaid_delta : 0;
	res->prepaid_added_fen = prepaid_delta > 0 ? prepaid_delta : 0;
	res->change_fen = tendered ? q->tendered_fen - q->amount_fen : 0;
	res->arrears_after_fen = arrears_after;

	struct receipt_data rd = {
		.hall_code = store_hall_code(s), .hall_name = store_hall_name(s),
		.counter = actor->counter, .staff_id = actor->user.id,
		.staff_name = actor->user.name, .receipt_no = res->receipt_no,
		.time_local = local, .business_date = res->business_date,
		.account_no = c.account_no, .name = c.name, .bills = rb,
		.nbills = nsh, .method = q->method,
		.reference = cash ? "" : q->reference, .amount_fen = q->amount_fen,
		.tendered_fen = tendered ? q->tendered_fen : 0,
		.change_fen = res->change_fen,
		.prepaid_used_fen = res->prepaid_used_fen,
		.prepaid_added_fen = res->prepaid_added_fen,
		.prepaid_after_fen = prepaid_after, .arrears_after_fen = arrears_after,
	};
	if ((rc = payment_receipt_format(&rd, &text, err)) != HALL_OK)
		goto out;
	int64_t rid;
	if ((rc = insert_receipt(s, actor, res->payment_id, res->receipt_no, 0, text,
	                         now, false, &rid, err)) != HALL_OK)
		goto out;
	rc = journal(s, actor, "receipt.issue", "receipts", rid, err);
out:
	free(text);
	free(sh);
	free(rb);
	payment_due_free(&due);
	if (rc != HALL_OK) {
		memset(res, 0, sizeof *res);
		if (err && err->code == HALL_OK)
			hall_err_set(err, rc, NULL, "保存缴费失败", "saving the payment failed");
	}
	return rc;
}

int payment_take(struct store *s, const struct hall_actor *actor,
                 const struct payment_req *req, struct payment_result *res,
                 struct hall_err *err)
{
	memset(res, 0, sizeof *res);
	int rc = begin_retry(s, err);
	if (rc != HALL_OK)
		return rc;
	rc = payment_take_tx(s, actor, req, res, err);
	rc = finish(s, rc, err);
	if (rc != HALL_OK)
		memset(res, 0, sizeof *res);
	return rc;
}

/* ----------------------------------------------------- payment look-up */

struct pay_row {
	int64_t id;
	char receipt_no[32], account_no[24], method[16], reference[168];
	char status[8], business_date[11], staff_id[AUTH_ID_MAX + 1];
	char created_at[21];
	int64_t amount, tendered, change;
	bool has_tendered;
	int counter;
};

/* Receipt numbers are letters and digits only (they name spool files). */
static int check_receipt_no(const char *r, struct hall_err *err)
{
	size_t n = r ? strlen(r) : 0;
	bool ok = n >= 3 && n < 32;
	for (size_t i = 0; ok && i < n; i++)
		ok = (r[i] >= '0' && r[i] <= '9') || (r[i] >= 'A' && r[i] <= 'Z');
	if (!ok)
		return hall_err_set(err, HALL_EINVAL, "receipt",
			"收据号：%s 格式不对（如 SF00100000001）",
			"receipt number: %s is not valid (e.g. SF00100000001)", r ? r : "");
	return HALL_OK;
}

static int pay_get(struct store *s, const char *receipt_no, struct pay_row *p,
                   struct hall_err *err)
{
	memset(p, 0, sizeof *p);
	sqlite3_stmt *st = store_stmt(s,
		"SELECT id, receipt_no, account_no, method, reference, status,"
		" business_date, staff_id, created_at, amount_fen, tendered_fen,"
		" change_fen, counter FROM payments WHERE receipt_no = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, receipt_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		p->id = sqlite3_column_int64(st, 0);
		col_text(p->receipt_no, sizeof p->receipt_no, st, 1);
		col_text(p->account_no, sizeof p->account_no, st, 2);
		col_text(p->method, sizeof p->method, st, 3);
		col_text(p->reference, sizeof p->reference, st, 4);
		col_text(p->status, sizeof p->status, st, 5);
		col_text(p->business_date, sizeof p->business_date, st, 6);
		col_text(p->staff_id, sizeof p->staff_id, st, 7);
		col_text(p->created_at, sizeof p->created_at, st, 8);
		p->amount = sqlite3_column_int64(st, 9);
		p->has_tendered = sqlite3_column_type(st, 10) != SQLITE_NULL;
		p->tendered = sqlite3_column_int64(st, 10);
		p->change = sqlite3_column_int64(st, 11);
		p->counter = sqlite3_column_int(st, 12);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return HALL_OK;
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "查询缴费", "looking up the payment", err);
	return hall_err_set(err, HALL_ENOTFOUND, "receipt", "收据号 %s 不存在",
	                    "receipt %s does not exist", receipt_no);
}

/* The original of a payment without a stored text (imported, demo):
 * rendered from its rows; balances after it are not known then. */
static int render_from_rows(struct store *s, const struct pay_row *p,
                            char **out, struct hall_err *err)
{
	struct customer c;
	int rc = customer_get(s, p->account_no, &c, err);
	if (rc != HALL_OK)
		return rc;
	struct hall_user u;
	memset(&u, 0, sizeof u);
	struct hall_err ignore;
	auth_user_get(s, p->staff_id, &u, &ignore);
	sqlite3_stmt *st = store_stmt(s,
		"SELECT coalesce(b.period, ''), a.principal_fen, a.late_fee_fen, a.prepaid_fen"
		" FROM payment_alloc a LEFT JOIN bills b ON b.id = a.bill_id"
		" WHERE a.payment_id = ?1 ORDER BY b.period, b.id", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, p->id);
	struct receipt_bill *rb = NULL;
	int n = 0, cap = 0, src;
	int64_t prepaid = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *period = sqlite3_column_text(st, 0);
		if (!period || !*period) {
			prepaid += sqlite3_column_int64(st, 3);
			continue;
		}
		if (n == cap) {
			int ncap = cap ? cap * 2 : 8;
			struct receipt_bill *nb = realloc(rb, (size_t)ncap * sizeof *nb);
			if (!nb) {
				src = SQLITE_NOMEM;
				break;
			}
			rb = nb;
			cap = ncap;
		}
		snprintf(rb[n].period, sizeof rb[n].period, "%s", (const char *)period);
		rb[n].principal_fen = sqlite3_column_int64(st, 1);
		rb[n].late_fee_fen = sqlite3_column_int64(st, 2);
		n++;
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		free(rb);
		return src == SQLITE_NOMEM ? oom(err)
			: store_error(s, src, "读取缴费分配", "reading payment allocations", err);
	}
	char local[17];
	store_local_time(p->created_at, local);
	struct receipt_data rd = {
		.hall_code = store_hall_code(s), .hall_name = store_hall_name(s),
		.counter = p->counter, .staff_id = p->staff_id, .staff_name = u.name,
		.receipt_no = p->receipt_no, .time_local = local,
		.business_date = p->business_date, .account_no = p->account_no,
		.name = c.name, .bills = rb, .nbills = n, .method = p->method,
		.reference = p->reference, .amount_fen = p->amount,
		.tendered_fen = p->has_tendered ? p->tendered : 0,
		.change_fen = p->change,
		.prepaid_used_fen = prepaid < 0 ? -prepaid : 0,
		.prepaid_added_fen = prepaid > 0 ? prepaid : 0,
		.prepaid_after_fen = -1, .arrears_after_fen = -1,
	};
	rc = payment_receipt_format(&rd, out, err);
	free(rb);
	return rc;
}

int payment_receipt_get(struct store *s, const char *receipt_no, int copy,
                        char **text, struct hall_err *err)
{
	*text = NULL;
	int rc = check_receipt_no(receipt_no, err);
	if (rc != HALL_OK)
		return rc;
	sqlite3_stmt *st = store_stmt(s,
		"SELECT text FROM receipts WHERE receipt_no = ?1"
		" AND (?2 < 0 OR copy = ?2) ORDER BY copy DESC LIMIT 1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, receipt_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, copy);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		*text = strdup(t ? (const char *)t : "");
	}
	sqlite3_reset(st);
	if (src == SQLITE_ROW)
		return *text ? HALL_OK : oom(err);
	if (src != SQLITE_DONE)
		return store_error(s, src, "读取收据", "reading the receipt", err);
	struct pay_row p;
	if ((rc = pay_get(s, receipt_no, &p, err)) != HALL_OK)
		return rc;
	if (copy > 0)
		return hall_err_set(err, HALL_ENOTFOUND, "copy",
			"收据 %s 没有第 %d 份重打", "receipt %s has no reprint %d",
			receipt_no, copy);
	return render_from_rows(s, &p, text, err);
}

/* ---------------------------------------------------------- output */

static int mkdir_p(const char *path, struct hall_err *err)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
		return hall_err_set(err, HALL_ECONFIG, NULL, "收据目录路径太长",
		                    "the receipt folder path is too long");
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
				return hall_err_set(err, HALL_EIO, NULL,
					"无法建立收据目录 %s：%s", "cannot create the receipt folder %s: %s",
					tmp, strerror(errno));
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return HALL_OK;
}

/* The folder holding the store file, resolved. */
static bool store_dir(struct store *s, char *out, size_t outsz)
{
	char real[PATH_MAX];
	if (!realpath(store_path(s), real))
		return false;
	char *slash = strrchr(real, '/');
	if (!slash)
		return false;
	if (slash == real)
		slash[1] = '\0';
	else
		*slash = '\0';
	snprintf(out, outsz, "%s", real);
	return true;
}

/* path is dir or below it (both resolved). */
static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* realpath of a folder that may not exist yet: the longest existing
 * prefix resolved, the missing components appended ('..' refused by the
 * caller). */
static bool resolve_future(const char *path, char *out, size_t outsz)
{
	char tmp[PATH_MAX], rest[PATH_MAX] = "", real[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s%s", path[0] == '/' ? "" : "./", path) >= (int)sizeof tmp)
		return false;
	for (;;) {
		size_t n = strlen(tmp);
		while (n > 1 && tmp[n - 1] == '/')
			tmp[--n] = '\0';
		if (realpath(tmp, real)) {
			return snprintf(out, outsz, "%s%s", strcmp(real, "/") == 0 && rest[0] ? "" : real,
			                rest) < (int)outsz;
		}
		if (errno != ENOENT)
			return false;
		char *slash = strrchr(tmp, '/');
		if (!slash)
			return false;
		char nr[PATH_MAX];
		if (snprintf(nr, sizeof nr, "%s%s", slash, rest) >= (int)sizeof nr)
			return false;
		memcpy(rest, nr, strlen(nr) + 1);
		if (slash == tmp)
			tmp[1] = '\0';
		else
			*slash = '\0';
	}
}

int payment_spool_dir(struct store *s, const char *explicit_dir, char *out,
                      size_t outsz, struct hall_err *err)
{
	char dir[PATH_MAX + 16], sdir[PATH_MAX] = "";
	const char *v;
	bool have_sdir = store_dir(s, sdir, sizeof sdir);
	if (explicit_dir && *explicit_dir)
		snprintf(dir, sizeof dir, "%s", explicit_dir);
	else if ((v = getenv("HALL_RECEIPTS")) && *v)
		snprintf(dir, sizeof dir, "%s", v);
	else if ((v = getenv("XDG_DATA_HOME")) && *v == '/')
		snprintf(dir, sizeof dir, "%s/hall/receipts", v);
	else if ((v = getenv("HOME")) && *v == '/')
		snprintf(dir, sizeof dir, "%s/.local/share/hall/receipts", v);
	else if (have_sdir && strcmp(sdir, "/") != 0)
		snprintf(dir, sizeof dir, "%s-receipts", sdir);
	else
		return hall_err_set(err, HALL_ECONFIG, NULL,
			"没有收据存档目录：请设置 HALL_RECEIPTS",
			"no folder for receipt copies: set HALL_RECEIPTS");
	for (const char *p = strstr(dir, ".."); p; p = strstr(p + 2, ".."))
		if ((p == dir || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return hall_err_set(err, HALL_ECONFIG, NULL,
				"收据目录 %s 不能含有“..”", "the receipt folder %s must not contain '..'", dir);
	char real[PATH_MAX];
	/* checked before anything is created, and again after */
	if (!resolve_future(dir, real, sizeof real))
		return hall_err_set(err, HALL_EIO, NULL, "收据目录 %s 不可用",
		                    "the receipt folder %s cannot be used", dir);
	if (have_sdir && inside(real, sdir))
		return hall_err_set(err, HALL_ECONFIG, NULL,
			"收据目录 %s 不能在数据库目录 %s 之内，请另设 HALL_RECEIPTS",
			"the receipt folder %s must not be inside the store's folder %s; set HALL_RECEIPTS elsewhere",
			real, sdir);
	int rc = mkdir_p(dir, err);
	if (rc != HALL_OK)
		return rc;
	if (!realpath(dir, real))
		return hall_err_set(err, HALL_EIO, NULL, "收据目录 %s 不可用：%s",
		                    "the receipt folder %s cannot be used: %s", dir,
		                    strerror(errno));
	if (have_sdir && inside(real, sdir))
		return hall_err_set(err, HALL_ECONFIG, NULL,
			"收据目录 %s 不能在数据库目录 %s 之内，请另设 HALL_RECEIPTS",
			"the receipt folder %s must not be inside the store's folder %s; set HALL_RECEIPTS elsewhere",
			real, sdir);
	if (snprintf(out, outsz, "%s", real) >= (int)outsz)
		return hall_err_set(err, HALL_ECONFIG, NULL, "收据目录路径太长",
		                    "the receipt folder path is too long");
	return HALL_OK;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Run the print command (argv split at blanks, no shell) with text on its
 * stdin; its stdout goes to our stderr.  A setgid hall gives up its group
 * in the child before exec. */
static int run_print(const char *cmd, const char *text, const char *spool,
                     struct hall_err *err)
{
	char buf[1024];
	char *argv[33];
	int argc = 0;
	snprintf(buf, sizeof buf, "%s", cmd);
	for (char *tok = strtok(buf, " \t"); tok && argc < 32; tok = strtok(NULL, " \t"))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (argc == 0)
		return HALL_OK;
	int pfd[2];
	if (pipe(pfd) != 0)
		return hall_err_set(err, HALL_EIO, NULL, "打印失败：%s（收据已存于 %s）",
		                    "printing failed: %s (the receipt is saved in %s)",
		                    strerror(errno), spool);
	fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return hall_err_set(err, HALL_EIO, NULL, "打印失败：%s（收据已存于 %s）",
		                    "printing failed: %s (the receipt is saved in %s)",
		                    strerror(e), spool);
	}
	if (pid == 0) {
		if (dup2(pfd[0], STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(126);
		if (pfd[0] != STDIN_FILENO)
			close(pfd[0]);
		if (getegid() != getgid() && setgid(getgid()) != 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[0]);
	struct sigaction ign, old;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	int wrc = write_all(pfd[1], text, strlen(text));
	close(pfd[1]);
	sigaction(SIGPIPE, &old, NULL);
	int status = 0;
	pid_t w = 0;
	for (int ms = 0; ms < PRINT_TIMEOUT_SECONDS * 1000; ms += 10) {
		w = waitpid(pid, &status, WNOHANG);
		if (w != 0)
			break;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return hall_err_set(err, HALL_EIO, NULL,
			"打印失败：打印命令 %s 超时（收据已存于 %s）",
			"printing failed: the print command %s timed out (the receipt is saved in %s)",
			argv[0], spool);
	}
	if (w < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || wrc != 0) {
		int code = w > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (code == 127)
			return hall_err_set(err, HALL_EIO, NULL,
				"打印失败：找不到打印命令 %s（请设置 HALL_PRINT_COMMAND；收据已存于 %s）",
				"printing failed: print command %s not found (set HALL_PRINT_COMMAND; the receipt is saved in %s)",
				argv[0], spool);
		return hall_err_set(err, HALL_EIO, NULL,
			"打印失败：打印命令 %s 出错（状态 %d；收据已存于 %s）",
			"printing failed: the print command %s failed (status %d; the receipt is saved in %s)",
			argv[0], code, spool);
	}
	return HALL_OK;
}

int payment_receipt_output(struct store *s, const char *receipt_no, int copy,
                           const char *text, const struct receipt_output *o,
                           struct hall_err *err)
{
	int rc = check_receipt_no(receipt_no, err);
	if (rc != HALL_OK)
		return rc;
	char dir[PATH_MAX], path[PATH_MAX + 64];
	if ((rc = payment_spool_dir(s, o ? o->spool_dir : NULL, dir, sizeof dir, err)) != HALL_OK)
		return rc;
	if (copy > 0)
		snprintf(path, sizeof path, "%s/%s-r%d.txt", dir, receipt_no, copy);
	else
		snprintf(path, sizeof path, "%s/%s.txt", dir, receipt_no);
	/* the same promise every output of a setgid hall keeps (priv.h) */
	if ((rc = priv_output_path_check(path, store_path(s), err)) != HALL_OK)
		return rc;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0 || write_all(fd, text, strlen(text)) != 0 || close(fd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return hall_err_set(err, HALL_EIO, NULL, "无法保存收据副本 %s：%s",
		                    "cannot save the receipt copy %s: %s", path, strerror(e));
	}
	const char *cmd = o ? o->print_command : NULL;
	if (!cmd) {
		const char *v = getenv("HALL_PRINT_COMMAND");
		cmd = v ? v : PRINT_COMMAND_DEFAULT;
	}
	if (!*cmd || strcmp(cmd, "none") == 0)
		return HALL_OK;
	return run_print(cmd, text, path, err);
}

int payment_receipt_print(struct store *s, const struct hall_actor *actor,
                          const char *receipt_no,
                          const struct receipt_output *o, char **text,
                          struct hall_err *err)
{
	if (text)
		*text = NULL;
	int rc = require_clerk(actor, "打印收据", "print receipts", err);
	if (rc == HALL_OK)
		rc = check_receipt_no(receipt_no, err);
	/* a spool folder that cannot be used is found before the original
	 * is marked printed */
	char dir[PATH_MAX];
	if (rc == HALL_OK)
		rc = payment_spool_dir(s, o ? o->spool_dir : NULL, dir, sizeof dir, err);
	if (rc != HALL_OK)
		return rc;
	if ((rc = begin_retry(s, err)) != HALL_OK)
		return rc;
	char now[21];
	store_now_utc(now);
	char *t = NULL;
	int64_t rid = 0;
	sqlite3_stmt *st = store_stmt(s,
		"UPDATE receipts SET printed_at = ?2 WHERE receipt_no = ?1 AND copy = 0"
		" AND printed_at IS NULL RETURNING id, text", err);
	if (!st)
		return finish(s, stmt_code(err), err);
	sqlite3_bind_text(st, 1, receipt_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		rid = sqlite3_column_int64(st, 0);
		const unsigned char *x = sqlite3_column_text(st, 1);
		t = strdup(x ? (const char *)x : "");
	}
	sqlite3_step(st);   /* finish the RETURNING statement */
	sqlite3_reset(st);
	if (src == SQLITE_ROW && !t)
		rc = oom(err);
	else if (src == SQLITE_DONE) {
		struct pay_row p;
		rc = pay_get(s, receipt_no, &p, err);
		if (rc == HALL_OK) {
			/* stored original: printed already; none: demo/import */
			bool stored = false;
			st = store_stmt(s, "SELECT 1 FROM receipts WHERE receipt_no = ?1 AND copy = 0", err);
			if (st) {
				sqlite3_bind_text(st, 1, receipt_no, -1, SQLITE_TRANSIENT);
				stored = sqlite3_step(st) == SQLITE_ROW;
				sqlite3_reset(st);
			}
			rc = stored
				? hall_err_set(err, HALL_ESTATE, "receipt",
					"收据 %s 的原件已打印过，请用重打（会标明“重打”）",
					"the original of receipt %s was printed already; use reprint (marked 重打)",
					receipt_no)
				: hall_err_set(err, HALL_ESTATE, "receipt",
					"收据 %s 没有存档的原件，请用重打",
					"receipt %s has no stored original; use reprint", receipt_no);
		}
	} else if (src != SQLITE_ROW)
		rc = store_error(s, src, "打印收据", "printing the receipt", err);
	if (rc == HALL_OK)
		rc = journal(s, actor, "receipt.print", "receipts", rid, err);
	rc = finish(s, rc, err);
	if (rc != HALL_OK) {
		free(t);
		return rc;
	}
	rc = payment_receipt_output(s, receipt_no, 0, t, o, err);
	if (text)
		*text = t;
	else
		free(t);
	return rc;
}

int payment_reprint(struct store *s, const struct hall_actor *actor,
                    const char *receipt_no, const struct receipt_output *o,
                    int *copy, char **text, struct hall_err *err)
{
	if (text)
		*text = NULL;
	if (copy)
		*copy = 0;
	int rc = require_clerk(actor, "重打收据", "reprint receipts", err);
	if (rc == HALL_OK)
		rc = check_receipt_no(receipt_no, err);
	char dir[PATH_MAX];
	if (rc == HALL_OK)
		rc = payment_spool_dir(s, o ? o->spool_dir : NULL, dir, sizeof dir, err);
	if (rc != HALL_OK)
		return rc;
	if ((rc = begin_retry(s, err)) != HALL_OK)
		return rc;
	struct pay_row p;
	char *orig = NULL, *t = NULL;
	int n = 0;
	rc = pay_get(s, receipt_no, &p, err);
	if (rc == HALL_OK)
		rc = payment_receipt_get(s, receipt_no, 0, &orig, err);
	if (rc == HALL_OK) {
		sqlite3_stmt *st = store_stmt(s,
			"SELECT coalesce(max(copy), 0) + 1 FROM receipts WHERE receipt_no = ?1", err);
		if (!st)
			rc = stmt_code(err);
		else {
			sqlite3_bind_text(st, 1, receipt_no, -1, SQLITE_TRANSIENT);
			int src = sqlite3_step(st);
			n = src == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
			sqlite3_reset(st);
			if (src != SQLITE_ROW)
				rc = store_error(s, src, "重打收据", "reprinting the receipt", err);
		}
	}
	char now[21], local[17];
	store_now_utc(now);
	store_local_time(now, local);
	if (rc == HALL_OK)
		rc = payment_receipt_reprint_format(orig, n, local, actor->user.id,
		                                    strcmp(p.status, "void") == 0, &t, err);
	int64_t rid = 0;
	if (rc == HALL_OK)
		rc = insert_receipt(s, actor, p.id, receipt_no, n, t, now, true, &rid, err);
	if (rc == HALL_OK)
		rc = journal(s, actor, "receipt.reprint", "receipts", rid, err);
	free(orig);
	rc = finish(s, rc, err);
	if (rc != HALL_OK) {
		free(t);
		return rc;
	}
	if (copy)
		*copy = n;
	rc = payment_receipt_output(s, receipt_no, n, t, o, err);
	if (text)
		*text = t;
	else
		free(t);
	return rc;
}

/* --------------------------------------------------------------- reversal */

static int reversal_day_ok(struct store *s, const struct pay_row *p,
                           struct hall_err *err)
{
	if (strcmp(p->status, "void") == 0)
		return hall_err_set(err, HALL_ESTATE, "receipt",
			"收据 %s 已冲正，不能再次冲正", "receipt %s is reversed already; it cannot be reversed again",
			p->receipt_no);
	char bd[11];
	int rc = payment_business_date(s, p->staff_id, bd, err);
	if (rc != HALL_OK)
		return rc;
	if (strcmp(bd, p->business_date) != 0)
		return hall_err_set(err, HALL_ESTATE, "receipt",
			"收据 %s 属于营业日 %s，只能冲正当天且未日结的缴费（当前营业日 %s）",
			"receipt %s belongs to business day %s; only payments of the current, unclosed business day (%s) can be reversed",
			p->receipt_no, p->business_date, bd);
	return HALL_OK;
}

struct alloc_row {
	int64_t bill_id;           /* 0: the prepaid row */
	int64_t fee, principal, prepaid;
};

static int read_allocs(struct store *s, int64_t payment_id,
                       struct alloc_row **out, int *n, struct hall_err *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s,
		"SELECT coalesce(bill_id, 0), late_fee_fen, principal_fen, prepaid_fen"
		" FROM payment_alloc WHERE payment_id = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, payment_id);
	int src, cap = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			int ncap = cap ? cap * 2 : 8;
			struct alloc_row *na = realloc(*out, (size_t)ncap * sizeof *na);
			if (!na) {
				src = SQLITE_NOMEM;
				break;
			}
			*out = na;
			cap = ncap;
		}
		struct alloc_row *a = &(*out)[(*n)++];
		a->bill_id = sqlite3_column_int64(st, 0);
		a->fee = sqlite3_column_int64(st, 1);
		a->principal = sqlite3_column_int64(st, 2);
		a->prepaid = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (src == SQLITE_DONE)
		return HALL_OK;
	free(*out);
	*out = NULL;
	*n = 0;
	return src == SQLITE_NOMEM ? oom(err)
		: store_error(s, src, "读取缴费分配", "reading payment allocations", err);
}

/* Take a reversed payment's share off a bill and set its status again. */
static int restore_bill(struct store *s, const struct hall_actor *actor,
                        const struct late_fee_rules *rules,
                        const char *category, const char *today,
                        const struct alloc_row *a, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"SELECT id, account_no, period, kwh, amount_fen, paid_fen, due_date, status"
		" FROM bills WHERE id = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, a->bill_id);
	struct bill_due b;
	memset(&b, 0, sizeof b);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		b.bill.id = sqlite3_column_int64(st, 0);
		col_text(b.bill.account_no, sizeof b.bill.account_no, st, 1);
		col_text(b.bill.period, sizeof b.bill.period, st, 2);
		b.bill.kwh = sqlite3_column_int64(st, 3);
		b.bill.amount_fen = sqlite3_column_int64(st, 4);
		b.bill.paid_fen = sqlite3_column_int64(st, 5);
		col_text(b.bill.due_date, sizeof b.bill.due_date, st, 6);
	}
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return src == SQLITE_DONE
			? hall_err_set(err, HALL_EDB, NULL, "内部错误：找不到账单 %lld",
			               "internal error: bill %lld not found", (long long)a->bill_id)
			: store_error(s, src, "读取账单", "reading the bill", err);
	b.bill.paid_fen -= a->principal;
	if (b.bill.paid_fen < 0)
		return hall_err_set(err, HALL_EDB, NULL, "内部错误：账单 %lld 的已缴金额不符",
		                    "internal error: bill %lld paid amount does not match",
		                    (long long)a->bill_id);
	/* the payment is void already: its shares are no longer counted */
	int rc = bill_fill(s, rules, category, today, &b, err);
	if (rc != HALL_OK)
		return rc;
	const char *status = bill_status(b.bill.paid_fen, b.late_fee_paid_fen,
	                                 b.late_fee_due_fen, b.principal_due_fen);
	st = store_stmt(s, "UPDATE bills SET paid_fen = ?2, status = ?3 WHERE id = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, b.bill.id);
	sqlite3_bind_int64(st, 2, b.bill.paid_fen);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	if ((rc = step_done(s, st, "恢复账单", "restoring the bill", err)) != HALL_OK)
		return rc;
	return journal(s, actor, "bill.restore", "bills", b.bill.id, err);
}

int payment_bill_settle(struct store *s, const struct late_fee_rules *rules,
                        int64_t bill_id, bool *paid, struct hall_err *err)
{
	*paid = false;
	sqlite3_stmt *st = store_stmt(s,
		"SELECT b.id, b.account_no, b.period, b.kwh, b.amount_fen, b.paid_fen, b.due_date,"
		" b.status, c.category FROM bills b JOIN customers c ON c.account_no = b.account_no"
		" WHERE b.id = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, bill_id);
	struct bill_due b;
	memset(&b, 0, sizeof b);
	char category[24] = "";
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		b.bill.id = sqlite3_column_int64(st, 0);
		col_text(b.bill.account_no, sizeof b.bill.account_no, st, 1);
		col_text(b.bill.period, sizeof b.bill.period, st, 2);
		b.bill.kwh = sqlite3_column_int64(st, 3);
		b.bill.amount_fen = sqlite3_column_int64(st, 4);
		b.bill.paid_fen = sqlite3_column_int64(st, 5);
		col_text(b.bill.due_date, sizeof b.bill.due_date, st, 6);
		col_text(b.bill.status, sizeof b.bill.status, st, 7);
		col_text(category, sizeof category, st, 8);
	}
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return src == SQLITE_DONE
			? hall_err_set(err, HALL_ENOTFOUND, NULL, "找不到账单 %lld",
			               "bill %lld not found", (long long)bill_id)
			: store_error(s, src, "读取账单", "reading the bill", err);
	char today[11];
	today_str(today);
	int rc = bill_fill(s, rules, category, today, &b, err);
	if (rc != HALL_OK)
		return rc;
	const char *status = bill_status(b.bill.paid_fen, b.late_fee_paid_fen,
	                                 b.late_fee_due_fen, b.principal_due_fen);
	*paid = strcmp(status, "paid") == 0;
	if (strcmp(status, b.bill.status) == 0)
		return HALL_OK;
	st = store_stmt(s, "UPDATE bills SET status = ?2 WHERE id = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, b.bill.id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	return step_done(s, st, "更新账单", "updating the bill", err);
}

static int do_reverse(struct store *s, const struct hall_actor *actor,
                      const char *receipt_no, const char *reason,
                      const char *approver, struct reversal_result *res,
                      struct hall_err *err)
{
	struct pay_row p;
	int rc = pay_get(s, receipt_no, &p, err);
	if (rc == HALL_OK)
		rc = reversal_day_ok(s, &p, err);
	if (rc != HALL_OK)
		return rc;
	char now[21], today[11];
	store_now_utc(now);
	today_str(today);
	sqlite3_stmt *st = store_stmt(s,
		"UPDATE payments SET status = 'void' WHERE id = ?1 AND status = 'ok'", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, p.id);
	if ((rc = step_done(s, st, "冲正", "reversing", err)) != HALL_OK)
		return rc;
	struct alloc_row *al;
	int nal;
	if ((rc = read_allocs(s, p.id, &al, &nal, err)) != HALL_OK)
		return rc;
	struct customer c;
	rc = customer_get(s, p.account_no, &c, err);
	int64_t prepaid = 0;
	for (int i = 0; i < nal; i++)
		prepaid += al[i].prepaid;
	if (rc == HALL_OK && c.prepaid_fen - prepaid < 0) {
		char m[32];
		money_format(prepaid, m, sizeof m);
		rc = hall_err_set(err, HALL_ESTATE, "receipt",
			"收据 %s 转入的预存 %s 元已被之后的缴费使用：请先冲正之后的缴费",
			"the %.0s%s yuan put to prepaid by receipt %s has since been used by a later payment: reverse that payment first",
			receipt_no, m, receipt_no);
	}
	struct late_fee_rules rules;
	memset(&rules, 0, sizeof rules);
	if (rc == HALL_OK)
		rc = payment_rules_load(s, &rules, err);
	for (int i = 0; i < nal && rc == HALL_OK; i++)
		if (al[i].bill_id)
			rc = restore_bill(s, actor, &rules, c.category, today, &al[i], err);
	payment_rules_free(&rules);
	free(al);
	if (rc == HALL_OK && prepaid != 0) {
		st = store_stmt(s,
			"UPDATE customers SET prepaid_fen = prepaid_fen - ?2, updated_at = ?3"
			" WHERE id = ?1", err);
		if (!st)
			return stmt_code(err);
		sqlite3_bind_int64(st, 1, c.id);
		sqlite3_bind_int64(st, 2, prepaid);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		rc = step_done(s, st, "恢复预存", "restoring the prepaid balance", err);
		if (rc == HALL_OK)
			rc = journal(s, actor, "customer.prepaid", "customers", c.id, err);
	}
	if (rc != HALL_OK)
		return rc;
	st = store_stmt(s,
		"INSERT INTO reversals(payment_id, receipt_no, account_no, amount_fen,"
		" reason, business_date, staff_id, approver_id, counter, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, p.id);
	sqlite3_bind_text(st, 2, p.receipt_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p.account_no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, p.amount);
	sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p.business_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, approver, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, actor->counter);
	sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
	if ((rc = step_done(s, st, "保存冲正", "saving the reversal", err)) != HALL_OK)
		return rc;
	res->reversal_id = sqlite3_last_insert_rowid(store_db(s));
	if ((rc = journal(s, actor, "reversal.create", "reversals", res->reversal_id, err)) != HALL_OK ||
	    (rc = journal(s, actor, "payment.void", "payments", p.id, err)) != HALL_OK)
		return rc;
	snprintf(res->receipt_no, sizeof res->receipt_no, "%s", p.receipt_no);
	snprintf(res->account_no, sizeof res->account_no, "%s", p.account_no);
	snprintf(res->business_date, sizeof res->business_date, "%s", p.business_date);
	snprintf(res->approver_id, sizeof res->approver_id, "%s", approver);
	res->amount_fen = p.amount;
	return HALL_OK;
}

int payment_reverse_check(struct store *s, const struct hall_actor *actor,
                          const char *receipt_no, const char *reason,
                          struct hall_err *err)
{
	int rc = require_clerk(actor, "冲正", "reverse payments", err);
	if (rc == HALL_OK)
		rc = check_receipt_no(receipt_no, err);
	if (rc == HALL_OK)
		rc = check_text(reason, "reason", "冲正原因", "reason", PAYMENT_REASON_MIN,
		                PAYMENT_REASON_MAX, err);
	struct pay_row p;
	if (rc == HALL_OK)
		rc = pay_get(s, receipt_no, &p, err);
	if (rc == HALL_OK)
		rc = reversal_day_ok(s, &p, err);
	return rc;
}

int payment_reverse(struct store *s, const struct hall_actor *actor,
                    const char *receipt_no, const char *reason,
                    const char *approver_id, const char *approver_password,
                    struct reversal_result *res, struct hall_err *err)
{
	memset(res, 0, sizeof *res);
	/* cheap checks first: a wrong receipt does not cost a password try */
	int rc = payment_reverse_check(s, actor, receipt_no, reason, err);
	if (rc != HALL_OK)
		return rc;
	/* four eyes: neither the clerk reversing nor the one who took the
	 * money may approve */
	struct pay_row p;
	if ((rc = pay_get(s, receipt_no, &p, err)) != HALL_OK)
		return rc;
	if (approver_id && strcmp(approver_id, p.staff_id) == 0)
		return hall_err_set(err, HALL_EPERM, "approver",
			"审批人：工号 %s 收取了这笔缴费，不能审批它的冲正，请另一位主任审批",
			"approver: staff id %s took this payment and cannot approve its reversal; ask another manager",
			approver_id);
	struct hall_user u;
	if ((rc = approve(s, approver_id, approver_password, actor->user.id,
	                  "冲正", "a reversal", &u, err)) != HALL_OK)
		return rc;
	if ((rc = begin_retry(s, err)) != HALL_OK)
		return rc;
	rc = do_reverse(s, actor, receipt_no, reason, u.id, res, err);
	rc = finish(s, rc, err);
	if (rc != HALL_OK)
		memset(res, 0, sizeof *res);
	return rc;
}

/* ------------------------------------------------------------ daily close */

static int close_date(const char *date, char out[11], struct hall_err *err)
{
	if (!date || !*date) {
		today_str(out);
		return HALL_OK;
	}
	long d;
	if (!parse_day(date, &d))
		return hall_err_set(err, HALL_EINVAL, "date",
			"日期：%s 不是有效日期（YYYY-MM-DD）",
			"date: %s is not a valid date (YYYY-MM-DD)", date);
	day_str(d, out);
	return HALL_OK;
}

/* Expected figures of a clerk's day from the payments. */
static int day_figures(struct store *s, const char *staff_id, const char *date,
                       struct day_close *out, struct hall_err *err)
{
	for (int i = 0; i < PAYMENT_NMETHODS; i++) {
		snprintf(out->lines[i].method, sizeof out->lines[i].method, "%s",
		         payment_method_keys[i]);
		out->lines[i].expected_fen = 0;
		out->lines[i].count = 0;
	}
	sqlite3_stmt *st = store_stmt(s,
		"SELECT method, count(*), sum(amount_fen) FROM payments"
		" WHERE staff_id = ?1 AND business_date = ?2 AND status = 'ok'"
		" GROUP BY method", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	int src;
	char bad[16] = "";
	out->expected_fen = 0;
	out->payments = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		char m[16];
		col_text(m, sizeof m, st, 0);
		int i = payment_method_index(m);
		if (i < 0) {
			snprintf(bad, sizeof bad, "%s", m);
			continue;
		}
		out->lines[i].count = sqlite3_column_int(st, 1);
		out->lines[i].expected_fen = sqlite3_column_int64(st, 2);
		out->expected_fen += out->lines[i].expected_fen;
		out->payments += out->lines[i].count;
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return store_error(s, src, "统计当日收费", "adding up the day", err);
	if (bad[0])
		return hall_err_set(err, HALL_ECONFIG, "method",
			"有付款方式为 %s 的缴费，日结无法核对", "payments with method %s cannot be checked by the close", bad);
	st = store_stmt(s,
		"SELECT count(*), coalesce(sum(CASE WHEN status = 'void' THEN 1 END), 0),"
		" coalesce(sum(CASE WHEN status = 'void' THEN amount_fen END), 0),"
		" coalesce(min(receipt_no), ''), coalesce(max(receipt_no), '')"
		" FROM payments WHERE staff_id = ?1 AND business_date = ?2", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		out->receipts = sqlite3_column_int(st, 0);
		out->reversals = sqlite3_column_int(st, 1);
		out->reversed_fen = sqlite3_column_int64(st, 2);
		col_text(out->first_receipt, sizeof out->first_receipt, st, 3);
		col_text(out->last_receipt, sizeof out->last_receipt, st, 4);
	}
	sqlite3_reset(st);
	return src == SQLITE_ROW ? HALL_OK
		: store_error(s, src, "统计当日收费", "adding up the day", err);
}

static int close_row(struct store *s, const char *staff_id, const char *date,
                     struct day_close *out, struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_stmt(s,
		"SELECT id, staff_id, business_date, status, declared_fen, expected_fen,"
		" payments, reversals, reversed_fen, receipts, first_receipt,"
		" last_receipt, counter, declared_at, coalesce(signed_by, ''),"
		" coalesce(signed_at, ''), coalesce(reopened_by, ''),"
		" coalesce(reopened_at, ''), coalesce(reopen_reason, '')"
		" FROM day_closes WHERE staff_id = ?1 AND business_date = ?2"
		" AND status <> 'reopened'", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		col_text(out->staff_id, sizeof out->staff_id, st, 1);
		col_text(out->business_date, sizeof out->business_date, st, 2);
		col_text(out->status, sizeof out->status, st, 3);
		out->declared_fen = sqlite3_column_int64(st, 4);
		out->expected_fen = sqlite3_column_int64(st, 5);
		out->diff_fen = out->declared_fen - out->expected_fen;
		out->payments = sqlite3_column_int(st, 6);
		out->reversals = sqlite3_column_int(st, 7);
		out->reversed_fen = sqlite3_column_int64(st, 8);
		out->receipts = sqlite3_column_int(st, 9);
		col_text(out->first_receipt, sizeof out->first_receipt, st, 10);
		col_text(out->last_receipt, sizeof out->last_receipt, st, 11);
		out->counter = sqlite3_column_int(st, 12);
		col_text(out->declared_at, sizeof out->declared_at, st, 13);
		col_text(out->signed_by, sizeof out->signed_by, st, 14);
		col_text(out->signed_at, sizeof out->signed_at, st, 15);
		col_text(out->reopened_by, sizeof out->reopened_by, st, 16);
		col_text(out->reopened_at, sizeof out->reopened_at, st, 17);
		col_text(out->reopen_reason, sizeof out->reopen_reason, st, 18);
	}
	sqlite3_reset(st);
	if (src == SQLITE_DONE)
		return hall_err_set(err, HALL_ENOTFOUND, "date",
			"工号 %s 在营业日 %s 没有日结", "staff %s has no daily close for %s",
			staff_id, date);
	if (src != SQLITE_ROW)
		return store_error(s, src, "读取日结", "reading the daily close", err);
	st = store_stmt(s,
		"SELECT method, declared_fen, expected_fen, count FROM day_close_lines"
		" WHERE close_id = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, out->id);
	for (int i = 0; i < PAYMENT_NMETHODS; i++)
		snprintf(out->lines[i].method, sizeof out->lines[i].method, "%s",
		         payment_method_keys[i]);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		char m[16];
		col_text(m, sizeof m, st, 0);
		int i = payment_method_index(m);
		if (i < 0)
			continue;
		out->lines[i].declared_fen = sqlite3_column_int64(st, 1);
		out->lines[i].expected_fen = sqlite3_column_int64(st, 2);
		out->lines[i].diff_fen = out->lines[i].declared_fen - out->lines[i].expected_fen;
		out->lines[i].count = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	return src == SQLITE_DONE ? HALL_OK
		: store_error(s, src, "读取日结", "reading the daily close", err);
}

int payment_close_get(struct store *s, const char *staff_id, const char *date,
                      struct day_close *out, struct hall_err *err)
{
	char d[11];
	int rc = close_date(date, d, err);
	if (rc != HALL_OK)
		return rc;
	return close_row(s, staff_id ? staff_id : "", d, out, err);
}

static int do_declare(struct store *s, const struct hall_actor *actor,
                      const char *date, const int64_t declared[],
                      struct day_close *out, struct hall_err *err)
{
	char bd[11];
	int rc = payment_business_date(s, actor->user.id, bd, err);
	if (rc != HALL_OK)
		return rc;
	if (strcmp(date, bd) > 0)
		return hall_err_set(err, HALL_ESTATE, "date",
			"营业日 %s 还没有开始（当前营业日 %s），不能日结",
			"business day %s has not started yet (current business day %s); it cannot be closed",
			date, bd);
	bool closed;
	if ((rc = day_closed(s, actor->user.id, date, &closed, err)) != HALL_OK)
		return rc;
	if (closed)
		return hall_err_set(err, HALL_ESTATE, "date",
			"营业日 %s 已经日结；如需更正请主任重开", "business day %s is closed already; a manager can reopen it",
			date);
	memset(out, 0, sizeof *out);
	if ((rc = day_figures(s, actor->user.id, date, out, err)) != HALL_OK)
		return rc;
	char now[21];
	store_now_utc(now);
	snprintf(out->staff_id, sizeof out->staff_id, "%s", actor->user.id);
	snprintf(out->business_date, sizeof out->business_date, "%s", date);
	snprintf(out->status, sizeof out->status, "declared");
	snprintf(out->declared_at, sizeof out->declared_at, "%s", now);
	out->counter = actor->counter;
	for (int i = 0; i < PAYMENT_NMETHODS; i++) {
		out->lines[i].declared_fen = declared[i];
		out->lines[i].diff_fen = declared[i] - out->lines[i].expected_fen;
		out->declared_fen += declared[i];
	}
	out->diff_fen = out->declared_fen - out->expected_fen;
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO day_closes(staff_id, business_date, status, declared_fen,"
		" expected_fen, payments, reversals, reversed_fen, receipts,"
		" first_receipt, last_receipt, counter, declared_at)"
		" VALUES (?1, ?2, 'declared', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, out->staff_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, out->business_date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, out->declared_fen);
	sqlite3_bind_int64(st, 4, out->expected_fen);
	sqlite3_bind_int(st, 5, out->payments);
	sqlite3_bind_int(st, 6, out->reversals);
	sqlite3_bind_int64(st, 7, out->reversed_fen);
	sqlite3_bind_int(st, 8, out->receipts);
	sqlite3_bind_text(st, 9, out->first_receipt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, out->last_receipt, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, out->counter);
	sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
	if ((rc = step_done(s, st, "保存日结", "saving the daily close", err)) != HALL_OK)
		return rc;
	out->id = sqlite3_last_insert_rowid(store_db(s));
	for (int i = 0; i < PAYMENT_NMETHODS; i++) {
		st = store_stmt(s,
			"INSERT INTO day_close_lines(close_id, method, declared_fen,"
			" expected_fen, count) VALUES (?1, ?2, ?3, ?4, ?5)", err);
		if (!st)
			return stmt_code(err);
		sqlite3_bind_int64(st, 1, out->id);
		sqlite3_bind_text(st, 2, payment_method_keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, out->lines[i].declared_fen);
		sqlite3_bind_int64(st, 4, out->lines[i].expected_fen);
		sqlite3_bind_int(st, 5, out->lines[i].count);
		if ((rc = step_done(s, st, "保存日结", "saving the daily close", err)) != HALL_OK)
			return rc;
	}
	if ((rc = journal(s, actor, "day.close", "day_closes", out->id, err)) != HALL_OK)
		return rc;
	return journal(s, actor, "day.close_lines", "day_close_lines", out->id, err);
}

int payment_close_declare(struct store *s, const struct hall_actor *actor,
                          const char *date,
                          const int64_t declared[PAYMENT_NMETHODS],
                          struct day_close *out, struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	int rc = require_clerk(actor, "日结", "close the day", err);
	if (rc != HALL_OK)
		return rc;
	for (int i = 0; i < PAYMENT_NMETHODS; i++) {
		if (declared[i] < 0)
			return hall_err_set(err, HALL_EINVAL, payment_method_keys[i],
				"%s%.0s：未填写实点金额（%s=金额，没有则填0）",
				"%.0s%s: the amount counted is missing (%s=AMOUNT, 0 if none)",
				method_labels[i].zh, method_labels[i].en, payment_method_keys[i]);
		if (declared[i] > MONEY_MAX_FEN)
			return hall_err_set(err, HALL_EINVAL, payment_method_keys[i],
				"%s：金额超出范围%.0s", "%.0s%s: amount out of range",
				method_labels[i].zh, method_labels[i].en);
	}
	char d[11];
	if ((rc = close_date(date, d, err)) != HALL_OK)
		return rc;
	if ((rc = begin_retry(s, err)) != HALL_OK)
		return rc;
	rc = do_declare(s, actor, d, declared, out, err);
	rc = finish(s, rc, err);
	if (rc != HALL_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

int payment_close_sign(struct store *s, const struct hall_actor *actor,
                       const char *staff_id, const char *date,
                       const char *approver_id, const char *approver_password,
                       struct day_close *out, struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	int rc = require_clerk(actor, "日结签字", "sign off a daily close", err);
	if (rc != HALL_OK)
		return rc;
	const char *who = staff_id && *staff_id ? staff_id : actor->user.id;
	char d[11];
	if ((rc = close_date(date, d, err)) != HALL_OK ||
	    (rc = close_row(s, who, d, out, err)) != HALL_OK)
		return rc;
	if (strcmp(out->status, "signed") == 0)
		return hall_err_set(err, HALL_ESTATE, "date",
			"工号 %s 营业日 %s 的日结已由 %s 签字", "the close of %s for %s is signed already by %s",
			who, d, out->signed_by);
	struct hall_user u;
	if ((rc = approve(s, approver_id, approver_password, who, "日结签字",
	                  "signing off a daily close", &u, err)) != HALL_OK)
		return rc;
	if ((rc = begin_retry(s, err)) != HALL_OK)
		return rc;
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s,
		"UPDATE day_closes SET status = 'signed', signed_by = ?2, signed_at = ?3"
		" WHERE id = ?1 AND status = 'declared'", err);
	if (!st)
		return finish(s, stmt_code(err), err);
	sqlite3_bind_int64(st, 1, out->id);
	sqlite3_bind_text(st, 2, u.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	rc = step_done(s, st, "日结签字", "signing off the close", err);
	if (rc == HALL_OK && sqlite3_changes(store_db(s)) != 1)
		rc = hall_err_set(err, HALL_ESTATE, "date",
			"日结已被签字或重开，请刷新后再试", "the close was signed or reopened meanwhile; look again");
	if (rc == HALL_OK)
		rc = journal(s, actor, "day.sign", "day_closes", out->id, err);
	rc = finish(s, rc, err);
	if (rc != HALL_OK)
		return rc;
	return close_row(s, who, d, out, err);
}

int payment_day_reopen(struct store *s, const struct hall_actor *actor,
                       const char *staff_id, const char *date,
                       const char *reason, const char *approver_id,
                       const char *approver_password, struct hall_err *err)
{
	int rc = require_clerk(actor, "重开营业日", "reopen a business day", err);
	if (rc == HALL_OK)
		rc = check_text(reason, "reason", "重开原因", "reason", PAYMENT_REASON_MIN,
		                PAYMENT_REASON_MAX, err);
	if (rc != HALL_OK)
		return rc;
	const char *who = staff_id && *staff_id ? staff_id : actor->user.id;
	char d[11], today[11];
	if ((rc = close_date(date, d, err)) != HALL_OK)
		return rc;
	today_str(today);
	if (strcmp(d, today) < 0)
		return hall_err_set(err, HALL_ESTATE, "date",
			"营业日 %s 已过去，不能重开（只能重开今天或之后的营业日）",
			"business day %s is past; only today or a later day can be reopened", d);
	struct day_close c;
	if ((rc = close_row(s, who, d, &c, err)) != HALL_OK)
		return rc;
	struct hall_user u;
	if ((rc = approve(s, approver_id, approver_password, who, "重开营业日",
	                  "reopening a business day", &u, err)) != HALL_OK)
		return rc;
	if ((rc = begin_retry(s, err)) != HALL_OK)
		return rc;
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s,
		"UPDATE day_closes SET status = 'reopened', reopen_requested_by = ?2,"
		" reopened_by = ?3, reopened_at = ?4, reopen_reason = ?5"
		" WHERE id = ?1 AND status <> 'reopened'", err);
	if (!st)
		return finish(s, stmt_code(err), err);
	sqlite3_bind_int64(st, 1, c.id);
	sqlite3_bind_text(st, 2, actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
	rc = step_done(s, st, "重开营业日", "reopening the day", err);
	if (rc == HALL_OK && sqlite3_changes(store_db(s)) != 1)
		rc = hall_err_set(err, HALL_ESTATE, "date",
			"营业日已被重开", "the day was reopened meanwhile");
	if (rc == HALL_OK)
		rc = journal(s, actor, "day.reopen", "day_closes", c.id, err);
	return finish(s, rc, err);
}
