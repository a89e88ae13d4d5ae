/* test_payment.c - the cash desk: late fee rule table, allocation with
 * partial payments, over-payment and prepaid, reversal and its refusals,
 * daily close and the lock, receipts (大写, 40 columns, reprint, output),
 * and a demo hall's day that reconciles to the fen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hall/counter.h"
#include "hall/demo.h"
#include "hall/form.h"
#include "hall/money.h"
#include "hall/payment.h"
#include "hall/store.h"
#include "hall/utf8.h"

#define PW "demo1234"

static char dir[512];
static char tmpl[600];
static int nstores;

/* ------------------------------------------------------------ helpers */

static void clock_at(const char *utc)
{
	setenv("HALL_NOW", utc, 1);
}

static int64_t one_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *one_text(struct store *s, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *t = sqlite3_column_text(st, 0);
	snprintf(out, n, "%s", t ? (const char *)t : "");
	sqlite3_finalize(st);
	return out;
}

static void exec(struct store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(s), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* business entries (auth adds audit.* entries for login attempts) */
static int64_t journal_count(struct store *s)
{
	return one_int(s, "SELECT count(*) FROM journal WHERE kind NOT LIKE 'audit.%'");
}

static struct hall_actor actor_of(struct store *s, const char *id, int counter)
{
	struct hall_actor a;
	memset(&a, 0, sizeof a);
	struct hall_err e;
	if (auth_user_get(s, id, &a.user, &e) != HALL_OK)
		fail_msg("%s", e.en);
	a.counter = counter;
	return a;
}

static void add_customer(struct store *s, const char *acct, const char *name,
                         const char *category, const char *status)
{
	struct customer c;
	memset(&c, 0, sizeof c);
	snprintf(c.account_no, sizeof c.account_no, "%s", acct);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.id_type, sizeof c.id_type, "resident_id");
	snprintf(c.id_number, sizeof c.id_number, "11010519491231002X");
	snprintf(c.phone, sizeof c.phone, "13800138000");
	snprintf(c.address, sizeof c.address, "福州市鼓楼区华林路88号");
	snprintf(c.category, sizeof c.category, "%s", category);
	snprintf(c.voltage, sizeof c.voltage, "220v");
	snprintf(c.status, sizeof c.status, "%s", status);
	struct hall_err e;
	if (customer_upsert(s, &c, NULL, &e) != HALL_OK)
		fail_msg("%s", e.en);
}

static void add_bill(struct store *s, const char *acct, const char *period,
                     int64_t amount, const char *due)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO bills(account_no, period, kwh, amount_fen, due_date, created_at)"
	         " VALUES ('%s', '%s', 100, %lld, '%s', '2026-01-01T00:00:00Z')",
	         acct, period, (long long)amount, due);
	exec(s, sql);
}

/* The template store: staff and four customers, no bills. */
static int setup(void **state)
{
	(void)state;
	setenv("TZ", "CST-8", 1);
	tzset();
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/payment.XXXXXX", t ? t : "/tmp");
	assert_non_null(mkdtemp(dir));
	clock_at("2026-12-04T02:00:00Z");
	snprintf(tmpl, sizeof tmpl, "%s/template.db", dir);
	struct store *s;
	struct hall_err e;
	if (store_create(tmpl, "001", "鼓楼供电营业厅", &s, &e) != HALL_OK)
		fail_msg("%s", e.en);
	assert_int_equal(auth_user_add(s, NULL, "0001", "系统管理员", ROLE_ADMIN, PW, &e), HALL_OK);
	struct hall_actor admin = actor_of(s, "0001", 1);
	static const struct { const char *id, *name; enum hall_role r; } staff[] = {
		{ "1001", "张敏", ROLE_CLERK }, { "1002", "林晓燕", ROLE_CLERK },
		{ "1003", "黄志强", ROLE_CLERK }, { "9001", "陈主任", ROLE_MANAGER },
		{ "9002", "王副主任", ROLE_MANAGER },
	};
	for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++)
		if (auth_user_add(s, &admin, staff[i].id, staff[i].name, staff[i].r, PW, &e) != HALL_OK)
			fail_msg("%s", e.en);
	assert_int_equal(store_begin(s, &e), HALL_OK);
	add_customer(s, "0010000001", "王建国", "residential", "normal");
	add_customer(s, "0010000002", "福州市鼓楼区示范餐饮有限公司", "commercial", "normal");
	add_customer(s, "0010000003", "林秀英", "residential", "closed");
	add_customer(s, "0010000004", "闽侯县上街镇农业合作社", "agricultural", "normal");
	assert_int_equal(store_commit(s, &e), HALL_OK);
	store_close(s);
	return 0;
}

/* A fresh copy of the template (VACUUM INTO: never cp a store). */
static struct store *fresh(void)
{
	char p[700], sql[800];
	snprintf(p, sizeof p, "%s/t%d.db", dir, ++nstores);
	struct store *s;
	struct hall_err e;
	if (store_open(tmpl, STORE_RO, &s, &e) != HALL_OK)
		fail_msg("%s", e.en);
	snprintf(sql, sizeof sql, "VACUUM INTO '%s'", p);
	exec(s, sql);
	store_close(s);
	if (store_open(p, STORE_RW, &s, &e) != HALL_OK)
		fail_msg("%s", e.en);
	clock_at("2026-12-04T02:00:00Z");   /* 10:00 in the hall */
	return s;
}

static int pay(struct store *s, const struct hall_actor *a, const char *acct,
               int64_t fen, const char *method, const char *ref,
               struct payment_result *r, struct hall_err *e)
{
	struct payment_req q = { .account_no = acct, .amount_fen = fen,
		.method = method, .reference = ref };
	return payment_take(s, a, &q, r, e);
}

static void pay_ok(struct store *s, const struct hall_actor *a, const char *acct,
                   int64_t fen, const char *method, const char *ref,
                   struct payment_result *r)
{
	struct hall_err e;
	if (pay(s, a, acct, fen, method, ref, r, &e) != HALL_OK)
		fail_msg("payment refused: %s", e.en);
}

/* bills and prepaid of an account, as text, to compare before and after */
static void snapshot(struct store *s, const char *acct, char *out, size_t n)
{
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT (SELECT group_concat(id || ':' || paid_fen || ':' || status, ' ')"
	         " FROM (SELECT * FROM bills WHERE account_no = '%s' ORDER BY id))"
	         " || ' prepaid=' || (SELECT prepaid_fen FROM customers WHERE account_no = '%s')",
	         acct, acct);
	one_text(s, sql, out, n);
}

/* ----------------------------------------------------------- late fee */

static int64_t fee(const struct late_fee_rules *r, const char *cat,
                   const char *period, const char *due, int64_t amount,
                   const char *as_of, struct late_fee_calc *calc)
{
	struct late_fee_calc c;
	struct hall_err e;
	if (payment_late_fee(r, cat, period, due, amount, NULL, 0, as_of,
	                     calc ? calc : &c, &e) != HALL_OK)
		fail_msg("%s", e.en);
	return (calc ? calc : &c)->fee_fen;
}

static void test_late_fee_table(void **state)
{
	(void)state;
	struct store *s = fresh();
	struct late_fee_rules r;
	struct hall_err e;
	assert_int_equal(payment_rules_load(s, &r, &e), HALL_OK);
	assert_int_equal(r.n, 3);   /* the 1996 rule as seeded */
	struct late_fee_calc c;

	/* residential: 1 per mille a day, from the day after the due date */
	assert_int_equal(fee(&r, "residential", "2026-09", "2026-10-25", 123456, "2026-11-24", &c), 3704);
	assert_int_equal(c.days, 30);          /* 123456 * 30 / 1000 = 3703.68 */
	assert_int_equal(c.exact_milli_fen, 123456 * 30);
	/* exactly half a fen rounds up: 12345 * 100 days / 1000 = 1234.5 */
	assert_int_equal(fee(&r, "residential", "2026-06", "2026-07-25", 12345, "2026-11-02", &c), 1235);
	assert_int_equal(c.days, 100);
	/* just under half rounds down: 12344 * 100 / 1000 = 1234.4 */
	assert_int_equal(fee(&r, "residential", "2026-06", "2026-07-25", 12344, "2026-11-02", NULL), 1234);
	/* on the due date and before: nothing */
	assert_int_equal(fee(&r, "residential", "2026-09", "2026-10-25", 123456, "2026-10-25", &c), 0);
	assert_int_equal(c.days, 0);
	assert_int_equal(fee(&r, "commercial", "2026-09", "2026-10-25", 123456, "2026-10-01", NULL), 0);

	/* non-residential, current year: 2 per mille */
	assert_int_equal(fee(&r, "commercial", "2026-10", "2026-11-25", 210000, "2026-12-04", &c), 3780);
	assert_int_equal(c.days, 9);
	/* agricultural and the legacy categories are "others" too */
	assert_int_equal(fee(&r, "agricultural", "2026-10", "2026-11-25", 210000, "2026-12-04", NULL), 3780);
	assert_int_equal(fee(&r, "large_industrial", "2026-10", "2026-11-25", 210000, "2026-12-04", NULL), 3780);

	/* across a year boundary: Dec 26-31 at 2, Jan 1-10 at 3 per mille */
	assert_int_equal(fee(&r, "commercial", "2025-11", "2025-12-25", 100000, "2026-01-10", &c), 4200);
	assert_int_equal(c.days, 16);
	assert_int_equal(c.exact_milli_fen, 100000 * (6 * 2 + 10 * 3));
	/* residential has one rate in every year */
	assert_int_equal(fee(&r, "residential", "2025-11", "2025-12-25", 100000, "2026-01-10", NULL), 1600);
	/* a December bill falls due in January: every late day is of a later year */
	assert_int_equal(fee(&r, "commercial", "2025-12", "2026-01-25", 100000, "2026-02-04", NULL), 3000);
	/* two years later still 3 per mille: 2024-12-26 .. 2026-01-04 */
	assert_int_equal(fee(&r, "commercial", "2024-11", "2024-12-25", 1000, "2026-01-04", &c),
	                 (1000 * (6 * 2 + 369 * 3) + 500) / 1000);

	/* minimum: a fee under 1 yuan is charged as 1 yuan */
	assert_int_equal(fee(&r, "residential", "2026-10", "2026-11-25", 5000, "2026-11-28", &c), 100);
	assert_true(c.minimum);
	assert_int_equal(c.exact_milli_fen, 15000);
	assert_int_equal(fee(&r, "residential", "2026-10", "2026-11-25", 1, "2026-11-26", &c), 100);
	assert_int_equal(fee(&r, "residential", "2026-10", "2026-11-25", 10000, "2026-12-05", &c), 100);
	assert_false(c.minimum);             /* exactly 1 yuan */
	assert_int_equal(fee(&r, "residential", "2026-10", "2026-11-25", 0, "2026-12-05", NULL), 0);

	/* leap years: 2024-02-29 exists, 2023-02-29 does not */
	assert_int_equal(fee(&r, "residential", "2024-01", "2024-02-28", 1000000, "2024-03-01", &c), 2000);
	assert_int_equal(c.days, 2);
	assert_int_equal(fee(&r, "residential", "2023-01", "2023-02-28", 1000000, "2023-03-01", &c), 1000);
	assert_int_equal(c.days, 1);
	assert_int_equal(fee(&r, "commercial", "2024-02", "2024-02-29", 1000000, "2024-03-01", &c), 2000);
	assert_int_equal(c.days, 1);
	/* a leap year's 366 days, non-residential, due 2023-12-31 */
	assert_int_equal(fee(&r, "commercial", "2023-11", "2023-12-31", 1000, "2024-12-31", &c), 1000 * 366 * 3 / 1000);
	assert_int_equal(c.days, 366);

	/* a partial payment: the part paid stops accruing on its day */
	struct late_fee_paid paid[] = { { 40000, "2026-10-30" } };
	assert_int_equal(payment_late_fee(&r, "commercial", "2026-09", "2026-10-25", 100000,
	                                  paid, 1, "2026-11-04", &c, &e), HALL_OK);
	assert_int_equal(c.fee_fen, (40000 * 5 * 2 + 60000 * 10 * 2) / 1000);
	assert_int_equal(c.days, 10);

	/* bad input */
	assert_int_equal(payment_late_fee(&r, "residential", "2026-13", "2026-10-25", 1, NULL, 0, "2026-11-04", &c, &e), HALL_EINVAL);
	assert_int_equal(payment_late_fee(&r, "residential", "2026-09", "2026-02-30", 1, NULL, 0, "2026-11-04", &c, &e), HALL_EINVAL);
	assert_string_equal(e.field, "due_date");
	assert_int_equal(payment_late_fee(&r, "residential", "2026-09", "2026-10-25", 1, NULL, 0, "20261104x", &c, &e), HALL_EINVAL);
	assert_int_equal(payment_late_fee(&r, "commercial", "2026-09", "2026-10-25", MONEY_MAX_FEN, NULL, 0, "2199-12-31", &c, &e), HALL_EINVAL);
	payment_rules_free(&r);

	/* a revision: a new complete set from its effective date on */
	struct hall_actor admin = actor_of(s, "0001", 1), clerk = actor_of(s, "1001", 1);
	struct late_fee_rule nr = { "2026-11-01", "residential", 0, 2, 1, 100 };
	assert_int_equal(payment_rule_add(s, &clerk, &nr, &e), HALL_EPERM);
	int64_t j0 = journal_count(s);
	assert_int_equal(payment_rule_add(s, &admin, &nr, &e), HALL_OK);
	struct late_fee_rule nr2 = { "2026-11-01", "*", 0, 5, 3, 200 };
	assert_int_equal(payment_rule_add(s, &admin, &nr2, &e), HALL_OK);
	assert_int_equal(payment_rule_add(s, &admin, &nr2, &e), HALL_EEXIST);
	assert_int_equal(journal_count(s), j0 + 2);
	struct late_fee_rule bad = { "2026-11-31", "*", 0, 5, 1, 100 };
	assert_int_equal(payment_rule_add(s, &admin, &bad, &e), HALL_EINVAL);
	assert_string_equal(e.field, "effective_from");
	bad = (struct late_fee_rule){ "2026-12-01", "*", 0, 1001, 1, 100 };
	assert_int_equal(payment_rule_add(s, &admin, &bad, &e), HALL_EINVAL);
	assert_string_equal(e.field, "rate_permille");
	assert_int_equal(payment_rules_load(s, &r, &e), HALL_OK);
	/* Oct 26-31 at the old 1, Nov 1-4 at the new 2 */
	assert_int_equal(fee(&r, "residential", "2026-09", "2026-10-25", 100000, "2026-11-04", NULL), 1400);
	/* the new set has no earlier-year row: its '*' age 0 rate for all */
	assert_int_equal(fee(&r, "commercial", "2025-11", "2025-12-25", 100000, "2026-01-10", NULL), 4200);
	/* a bill due under the new set: start day 3, minimum 2 yuan, 5 per mille */
	assert_int_equal(fee(&r, "commercial", "2026-10", "2026-11-25", 1000, "2026-11-27", &c), 0);
	assert_int_equal(fee(&r, "commercial", "2026-10", "2026-11-25", 1000, "2026-11-28", &c), 200);
	assert_true(c.minimum);
	payment_rules_free(&r);
	store_close(s);
}

/* --------------------------------------------------------- allocation */

static void test_allocation(void **state)
{
	(void)state;
	struct store *s = fresh();
	struct hall_actor clerk = actor_of(s, "1001", 3);
	struct hall_err e;
	add_bill(s, "0010000001", "2026-09", 10566, "2026-10-25");
	add_bill(s, "0010000001", "2026-10", 9509, "2026-11-25");

	/* what the clerk sees: 423 = 10566 * 40 days / 1000 rounded, and
	 * 9509 * 9 / 1000 = 85.58 is under the 1-yuan minimum */
	struct payment_due d;
	assert_int_equal(payment_due_get(s, "0010000001", NULL, &d, &e), HALL_OK);
	assert_string_equal(d.as_of, "2026-12-04");
	assert_int_equal(d.nbills, 2);
	assert_int_equal(d.bills[0].late_fee_due_fen, 423);
	assert_int_equal(d.bills[0].days_overdue, 40);
	assert_int_equal(d.bills[1].late_fee_due_fen, 100);
	assert_int_equal(d.total_fen, 10566 + 423 + 9509 + 100);
	payment_due_free(&d);
	assert_int_equal(payment_due_get(s, "0010000001", "2026-11-25", &d, &e), HALL_OK);
	assert_int_equal(d.bills[1].late_fee_due_fen, 0);
	assert_int_equal(d.bills[0].late_fee_due_fen, 328);   /* 31 days: 327.546 */
	payment_due_free(&d);

	/* partial: late fee first, then principal, oldest bill first */
	struct payment_result r;
	int64_t j0 = journal_count(s);
	pay_ok(s, &clerk, "0010000001", 5000, "cash", NULL, &r);
	assert_int_equal(r.late_fee_fen, 423);
	assert_int_equal(r.principal_fen, 4577);
	assert_int_equal(r.nbills, 1);
	assert_int_equal(r.prepaid_after_fen, 0);
	assert_string_equal(r.business_date, "2026-12-04");
	assert_string_equal(r.receipt_no, "SF00100000001");
	assert_true(journal_count(s) > j0);
	char t[512];
	assert_string_equal(one_text(s, "SELECT group_concat(status || ':' || paid_fen, ' ') FROM bills WHERE account_no = '0010000001'", t, sizeof t),
	                    "partial:4577 unpaid:0");
	assert_string_equal(one_text(s, "SELECT late_fee_fen || '/' || principal_fen || '/' || prepaid_fen FROM payment_alloc WHERE payment_id = 1", t, sizeof t),
	                    "423/4577/0");
	/* the fee is not charged twice */
	assert_int_equal(payment_due_get(s, "0010000001", NULL, &d, &e), HALL_OK);
	assert_int_equal(d.bills[0].late_fee_due_fen, 0);
	assert_int_equal(d.bills[0].principal_due_fen, 10566 - 4577);
	payment_due_free(&d);

	/* over-payment: both bills settled, the rest to prepaid */
	pay_ok(s, &clerk, "0010000001", 20000, "wechat", "WX202612040001", &r);
	assert_int_equal(r.late_fee_fen, 100);
	assert_int_equal(r.principal_fen, 5989 + 9509);
	assert_int_equal(r.prepaid_added_fen, 20000 - 100 - 5989 - 9509);
	assert_int_equal(r.prepaid_after_fen, 4402);
	assert_int_equal(r.arrears_after_fen, 0);
	assert_string_equal(one_text(s, "SELECT group_concat(status, ' ') FROM bills WHERE account_no = '0010000001'", t, sizeof t),
	                    "paid paid");
	assert_int_equal(one_int(s, "SELECT prepaid_fen FROM customers WHERE account_no = '0010000001'"), 4402);
	/* the allocation adds up to the amount, per payment */
	assert_int_equal(one_int(s, "SELECT count(*) FROM payments p WHERE amount_fen <>"
	                            " (SELECT sum(late_fee_fen + principal_fen + prepaid_fen) FROM payment_alloc WHERE payment_id = p.id)"), 0);

	/* a later bill consumes the prepaid balance at the next payment */
	add_bill(s, "0010000001", "2026-11", 3000, "2026-12-25");
	pay_ok(s, &clerk, "0010000001", 1000, "cash", NULL, &r);
	assert_int_equal(r.principal_fen, 3000);
	assert_int_equal(r.prepaid_used_fen, 2000);
	assert_int_equal(r.prepaid_after_fen, 2402);
	assert_int_equal(one_int(s, "SELECT prepaid_fen FROM payment_alloc WHERE payment_id = 3 AND bill_id IS NULL"), -2000);
	assert_int_equal(one_int(s, "SELECT prepaid_fen FROM customers WHERE account_no = '0010000001'"), 2402);
	/* prepaid = the sum of the prepaid allocations */
	assert_int_equal(one_int(s, "SELECT sum(prepaid_fen) FROM payment_alloc"), 2402);

	/* cash tendered and change */
	struct payment_req q = { .account_no = "0010000002", .amount_fen = 15000,
		.method = "cash", .tendered_fen = 20000 };
	assert_int_equal(payment_take(s, &clerk, &q, &r, &e), HALL_OK);
	assert_int_equal(r.change_fen, 5000);
	assert_int_equal(one_int(s, "SELECT change_fen FROM payments WHERE id = 4"), 5000);
	assert_int_equal(r.prepaid_after_fen, 15000);   /* no bills: all prepaid */

	/* principal paid outside the counter (imported paid_fen, no
	 * allocation) counts as paid on time: the fee runs on the rest */
	add_bill(s, "0010000002", "2026-10", 100000, "2026-11-25");
	exec(s, "UPDATE bills SET paid_fen = 60000, status = 'partial' WHERE account_no = '0010000002'");
	assert_int_equal(payment_due_get(s, "0010000002", NULL, &d, &e), HALL_OK);
	assert_int_equal(d.nbills, 1);
	assert_int_equal(d.bills[0].principal_due_fen, 40000);
	assert_int_equal(d.bills[0].late_fee_due_fen, 40000 * 9 * 2 / 1000);
	assert_int_equal(d.prepaid_fen, 15000);
	assert_int_equal(d.net_fen, 40000 + 720 - 15000);
	payment_due_free(&d);

	/* principal first when so configured */
	struct hall_actor admin = actor_of(s, "0001", 1);
	assert_int_equal(payment_setting_set(s, &clerk, "late_fee_first", 0, &e), HALL_EPERM);
	assert_int_equal(payment_setting_set(s, &admin, "late_fee_first", 0, &e), HALL_OK);
	add_bill(s, "0010000004", "2026-10", 100000, "2026-11-25");   /* fee 1800 */
	pay_ok(s, &clerk, "0010000004", 100500, "card", "POS0000001", &r);
	assert_int_equal(r.principal_fen, 100000);
	assert_int_equal(r.late_fee_fen, 500);
	assert_string_equal(one_text(s, "SELECT status FROM bills WHERE account_no = '0010000004'", t, sizeof t), "partial");
	assert_int_equal(payment_due_get(s, "0010000004", NULL, &d, &e), HALL_OK);
	assert_int_equal(d.nbills, 1);
	assert_int_equal(d.bills[0].late_fee_due_fen, 1300);
	assert_int_equal(d.bills[0].principal_due_fen, 0);
	payment_due_free(&d);
	/* the principal is paid: the fee stops growing */
	clock_at("2026-12-20T02:00:00Z");
	assert_int_equal(payment_due_get(s, "0010000004", NULL, &d, &e), HALL_OK);
	assert_int_equal(d.bills[0].late_fee_due_fen, 1300);
	payment_due_free(&d);
	pay_ok(s, &clerk, "0010000004", 1300, "cash", NULL, &r);
	assert_string_equal(one_text(s, "SELECT status FROM bills WHERE account_no = '0010000004'", t, sizeof t), "paid");
	store_close(s);
}

static struct hall_err last;   /* the message of the last refusal */

static void refused(struct store *s, const struct hall_actor *a,
                    const struct payment_req *q, int code, const char *field)
{
	struct payment_result r;
	struct hall_err e;
	int64_t j0 = journal_count(s), p0 = one_int(s, "SELECT count(*) FROM payments");
	int64_t seq = one_int(s, "SELECT coalesce((SELECT value FROM seq WHERE name = 'receipt'), 0)");
	assert_int_equal(payment_take(s, a, q, &r, &e), code);
	if (field)
		assert_string_equal(e.field, field);
	assert_true(e.zh[0] && e.en[0]);
	assert_int_equal(journal_count(s), j0);
	assert_int_equal(one_int(s, "SELECT count(*) FROM payments"), p0);
	assert_int_equal(one_int(s, "SELECT coalesce((SELECT value FROM seq WHERE name = 'receipt'), 0)"), seq);
	assert_string_equal(r.receipt_no, "");
	last = e;
}

static void test_bad_payments(void **state)
{
	(void)state;
	struct store *s = fresh();
	struct hall_actor clerk = actor_of(s, "1001", 3);
	struct hall_err e;
	add_bill(s, "0010000001", "2026-10", 9509, "2026-11-25");
	struct payment_req q = { .account_no = "0010000001", .amount_fen = 0, .method = "cash" };
	refused(s, &clerk, &q, HALL_EINVAL, "amount");
	q.amount_fen = -100;
	refused(s, &clerk, &q, HALL_EINVAL, "amount");
	q.amount_fen = 5000001;                        /* hall limit 50,000.00 */
	refused(s, &clerk, &q, HALL_EINVAL, "amount");
	struct hall_actor admin = actor_of(s, "0001", 1);
	assert_int_equal(payment_setting_set(s, &admin, "max_amount_fen", 100000, &e), HALL_OK);
	q.amount_fen = 100001;                         /* a lower hall limit */
	refused(s, &clerk, &q, HALL_EINVAL, "amount");
	assert_non_null(strstr(last.zh, "1,000.00"));
	q.amount_fen = 100;
	q.account_no = "0010000003";                   /* closed */
	refused(s, &clerk, &q, HALL_ESTATE, "account_no");
	q.account_no = "0019999999";
	refused(s, &clerk, &q, HALL_ENOTFOUND, "account_no");
	q.account_no = "0010000001";
	q.method = "bitcoin";
	refused(s, &clerk, &q, HALL_EINVAL, "method");
	q.method = "card";                             /* no reference */
	refused(s, &clerk, &q, HALL_EINVAL, "reference");
	q.reference = "POS\033[2J";
	refused(s, &clerk, &q, HALL_EINVAL, "reference");
	q.method = "cash";
	q.reference = "ABC";                           /* cash has none */
	refused(s, &clerk, &q, HALL_EINVAL, "reference");
	q.reference = NULL;
	q.tendered_fen = 99;                           /* less than the amount */
	refused(s, &clerk, &q, HALL_EINVAL, "tendered");
	q.method = "alipay";
	q.reference = "ALI001";
	q.tendered_fen = 200;                          /* tendered is cash only */
	refused(s, &clerk, &q, HALL_EINVAL, "tendered");
	q.tendered_fen = 0;
	struct payment_result r;
	assert_int_equal(payment_take(s, &clerk, &q, &r, &e), HALL_OK);
	refused(s, &clerk, &q, HALL_EINVAL, "reference");   /* posted twice */
	assert_non_null(strstr(last.zh, r.receipt_no));
	struct hall_actor nobody = clerk;
	nobody.user.active = false;
	refused(s, &nobody, &q, HALL_EPERM, NULL);
	struct hall_actor badcounter = clerk;
	badcounter.counter = 0;
	refused(s, &badcounter, &q, HALL_EINVAL, "counter");
	store_close(s);
}

/* ----------------------------------------------------------- reversal */

static void test_reversal(void **state)
{
	(void)state;
	struct store *s = fresh();
	struct hall_actor clerk = actor_of(s, "1001", 3), other = actor_of(s, "1002", 4);
	struct hall_err e;
	add_bill(s, "0010000001", "2026-09", 10566, "2026-10-25");
	add_bill(s, "0010000001", "2026-10", 9509, "2026-11-25");
	struct payment_result r1, r2, r3;
	pay_ok(s, &clerk, "0010000001", 5000, "cash", NULL, &r1);
	char before[512], after[512], mid[512];
	snapshot(s, "0010000001", before, sizeof before);
	pay_ok(s, &clerk, "0010000001", 30000, "card", "POS123456", &r2);
	snapshot(s, "0010000001", mid, sizeof mid);
	assert_string_not_equal(before, mid);

	struct reversal_result rv;
	int64_t j0 = journal_count(s);
	/* refusals write nothing */
	assert_int_equal(payment_reverse(s, &clerk, r2.receipt_no, "", "9001", PW, &rv, &e), HALL_EINVAL);
	assert_string_equal(e.field, "reason");
	assert_int_equal(payment_reverse(s, &clerk, r2.receipt_no, "客户刷错卡", "9001", "wrong-pass", &rv, &e), HALL_EAUTH);
	assert_int_equal(payment_reverse(s, &clerk, r2.receipt_no, "客户刷错卡", "1002", PW, &rv, &e), HALL_EPERM);
	assert_string_equal(e.field, "approver");
	assert_non_null(strstr(e.zh, "营业员"));
	assert_int_equal(payment_reverse(s, &clerk, r2.receipt_no, "客户刷错卡", "", PW, &rv, &e), HALL_EINVAL);
	assert_int_equal(payment_reverse(s, &clerk, "SF00199999999", "客户刷错卡", "9001", PW, &rv, &e), HALL_ENOTFOUND);
	assert_int_equal(payment_reverse(s, &clerk, "../etc/passwd", "客户刷错卡", "9001", PW, &rv, &e), HALL_EINVAL);
	/* a manager cannot approve their own reversal */
	struct hall_actor mgr = actor_of(s, "9001", 1);
	assert_int_equal(payment_reverse(s, &mgr, r2.receipt_no, "客户刷错卡", "9001", PW, &rv, &e), HALL_EPERM);
	assert_int_equal(journal_count(s), j0);
	assert_int_equal(one_int(s, "SELECT count(*) FROM reversals"), 0);
	snapshot(s, "0010000001", after, sizeof after);
	assert_string_equal(after, mid);

	/* the reversal: bills and prepaid back exactly as before it */
	assert_int_equal(payment_reverse(s, &other, r2.receipt_no, "客户刷错卡", "9001", PW, &rv, &e), HALL_OK);
	assert_string_equal(rv.receipt_no, r2.receipt_no);
	assert_int_equal(rv.amount_fen, 30000);
	snapshot(s, "0010000001", after, sizeof after);
	assert_string_equal(after, before);
	char t[256], sql[256];
	snprintf(sql, sizeof sql, "SELECT status FROM payments WHERE receipt_no = '%s'", r2.receipt_no);
	assert_string_equal(one_text(s, sql, t, sizeof t), "void");       /* never deleted */
	assert_string_equal(one_text(s, "SELECT staff_id || '/' || approver_id || '/' || reason FROM reversals", t, sizeof t),
	                    "1002/9001/客户刷错卡");
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal WHERE kind = 'reversal.create'"), 1);
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal WHERE kind = 'payment.void'"), 1);
	/* the late fee paid by the first payment stands; the bills owe again */
	struct payment_due d;
	assert_int_equal(payment_due_get(s, "0010000001", NULL, &d, &e), HALL_OK);
	assert_int_equal(d.bills[0].late_fee_due_fen, 0);
	assert_int_equal(d.bills[0].principal_due_fen, 10566 - 4577);
	assert_int_equal(d.bills[1].late_fee_due_fen, 100);
	payment_due_free(&d);
	/* not twice */
	j0 = journal_count(s);
	assert_int_equal(payment_reverse(s, &other, r2.receipt_no, "再来一次", "9001", PW, &rv, &e), HALL_ESTATE);
	assert_non_null(strstr(e.zh, "已冲正"));
	assert_int_equal(journal_count(s), j0);

	/* prepaid put by a payment and consumed by a later one: the later
	 * one must be reversed first */
	pay_ok(s, &clerk, "0010000002", 50000, "cash", NULL, &r1);       /* all prepaid */
	add_bill(s, "0010000002", "2026-11", 30000, "2026-12-25");
	pay_ok(s, &clerk, "0010000002", 100, "cash", NULL, &r3);         /* uses 29900 */
	assert_int_equal(r3.prepaid_used_fen, 29900);
	assert_int_equal(payment_reverse(s, &clerk, r1.receipt_no, "金额输错", "9002", PW, &rv, &e), HALL_ESTATE);
	assert_non_null(strstr(e.zh, "请先冲正"));
	assert_int_equal(payment_reverse(s, &clerk, r3.receipt_no, "金额输错", "9002", PW, &rv, &e), HALL_OK);
	assert_int_equal(payment_reverse(s, &clerk, r1.receipt_no, "金额输错", "9002", PW, &rv, &e), HALL_OK);
	assert_int_equal(one_int(s, "SELECT prepaid_fen FROM customers WHERE account_no = '0010000002'"), 0);
	assert_string_equal(one_text(s, "SELECT status || ':' || paid_fen FROM bills WHERE account_no = '0010000002'", t, sizeof t), "unpaid:0");

	/* another day's payment is not reversed */
	pay_ok(s, &clerk, "0010000004", 2000, "cash", NULL, &r1);
	clock_at("2026-12-05T01:00:00Z");
	j0 = journal_count(s);
	assert_int_equal(payment_reverse(s, &clerk, r1.receipt_no, "隔日冲正", "9001", PW, &rv, &e), HALL_ESTATE);
	assert_non_null(strstr(e.en, "2026-12-04"));
	assert_int_equal(journal_count(s), j0);
	store_close(s);
}

/* ------------------------------------------------------- daily close */

static void test_daily_close(void **state)
{
	(void)state;
	struct store *s = fresh();
	struct hall_actor a = actor_of(s, "1001", 3), b = actor_of(s, "1002", 4);
	struct hall_err e;
	struct payment_result r, rx;
	pay_ok(s, &a, "0010000001", 10000, "cash", NULL, &r);
	pay_ok(s, &a, "0010000001", 2550, "cash", NULL, &r);
	pay_ok(s, &a, "0010000002", 30000, "card", "POS1", &r);
	pay_ok(s, &a, "0010000002", 1234, "wechat", "WX1", &rx);
	pay_ok(s, &b, "0010000004", 777, "cash", NULL, &r);       /* another clerk */
	struct reversal_result rv;
	assert_int_equal(payment_reverse(s, &a, rx.receipt_no, "重复收费", "9001", PW, &rv, &e), HALL_OK);

	struct day_close d;
	int64_t fig[PAYMENT_NMETHODS] = { 12500, 30000, -1, 0, 0, 0 };
	int64_t j0 = journal_count(s);
	assert_int_equal(payment_close_declare(s, &a, NULL, fig, &d, &e), HALL_EINVAL);
	assert_string_equal(e.field, "wechat");
	assert_non_null(strstr(e.zh, "微信"));
	assert_int_equal(journal_count(s), j0);
	assert_int_equal(payment_close_declare(s, &a, "2026-12-06", fig, &d, &e), HALL_EINVAL);
	fig[2] = 0;
	assert_int_equal(payment_close_declare(s, &a, "2026-12-06", fig, &d, &e), HALL_ESTATE);  /* future */
	fig[0] = 12450;                                 /* one yuan short */
	assert_int_equal(payment_close_declare(s, &a, NULL, fig, &d, &e), HALL_OK);
	assert_string_equal(d.business_date, "2026-12-04");
	assert_string_equal(d.status, "declared");
	assert_int_equal(d.lines[0].expected_fen, 12550);
	assert_int_equal(d.lines[0].count, 2);
	assert_int_equal(d.lines[0].diff_fen, -100);
	assert_int_equal(d.lines[1].expected_fen, 30000);
	assert_int_equal(d.lines[2].expected_fen, 0);        /* reversed */
	assert_int_equal(d.expected_fen, 42550);
	assert_int_equal(d.diff_fen, -100);
	assert_int_equal(d.payments, 3);
	assert_int_equal(d.reversals, 1);
	assert_int_equal(d.reversed_fen, 1234);
	assert_int_equal(d.receipts, 4);
	assert_string_equal(d.first_receipt, "SF00100000001");
	assert_string_equal(d.last_receipt, "SF00100000004");
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal WHERE kind LIKE 'day.close%'"), 2);
	/* the stored close reads back the same */
	struct day_close g;
	assert_int_equal(payment_close_get(s, "1001", NULL, &g, &e), HALL_OK);
	assert_int_equal(g.lines[0].declared_fen, 12450);
	assert_int_equal(g.diff_fen, -100);
	assert_int_equal(payment_close_get(s, "1002", NULL, &g, &e), HALL_ENOTFOUND);

	/* locked: not twice, no reversal of the closed day */
	assert_int_equal(payment_close_declare(s, &a, NULL, fig, &d, &e), HALL_ESTATE);
	assert_int_equal(payment_reverse(s, &a, "SF00100000001", "收错", "9001", PW, &rv, &e), HALL_ESTATE);
	/* new payments of that clerk go to the next business day */
	pay_ok(s, &a, "0010000001", 500, "cash", NULL, &r);
	assert_string_equal(r.business_date, "2026-12-05");
	assert_string_equal(r.paid_on, "2026-12-04");
	char bd[11];
	assert_int_equal(payment_business_date(s, "1001", bd, &e), HALL_OK);
	assert_string_equal(bd, "2026-12-05");
	assert_int_equal(payment_business_date(s, "1002", bd, &e), HALL_OK);
	assert_string_equal(bd, "2026-12-04");
	/* ...and can be reversed on that business day */
	assert_int_equal(payment_reverse(s, &a, r.receipt_no, "收错", "9001", PW, &rv, &e), HALL_OK);

	/* sign-off: not a clerk, not oneself; then a manager */
	assert_int_equal(payment_close_sign(s, &a, NULL, NULL, "1002", PW, &d, &e), HALL_EPERM);
	assert_int_equal(payment_close_sign(s, &a, NULL, NULL, "9001", "nope-nope", &d, &e), HALL_EAUTH);
	assert_string_equal(one_text(s, "SELECT status FROM day_closes", bd, sizeof bd), "declared");
	assert_int_equal(payment_close_sign(s, &a, NULL, NULL, "9001", PW, &d, &e), HALL_OK);
	assert_string_equal(d.status, "signed");
	assert_string_equal(d.signed_by, "9001");
	assert_int_equal(payment_close_sign(s, &a, NULL, NULL, "9002", PW, &d, &e), HALL_ESTATE);
	struct hall_actor m = actor_of(s, "9001", 1);
	assert_int_equal(payment_close_declare(s, &m, NULL, fig, &d, &e), HALL_OK);  /* a manager's own day */
	assert_int_equal(payment_close_sign(s, &m, NULL, NULL, "9001", PW, &d, &e), HALL_EPERM);

	/* reopen: a reason and a manager; past days stay closed */
	assert_int_equal(payment_day_reopen(s, &a, NULL, NULL, "", "9001", PW, &e), HALL_EINVAL);
	assert_int_equal(payment_day_reopen(s, &a, NULL, NULL, "现金点错，需重新日结", "1002", PW, &e), HALL_EPERM);
	assert_int_equal(payment_day_reopen(s, &a, NULL, "2026-12-03", "现金点错", "9001", PW, &e), HALL_ESTATE);
	j0 = journal_count(s);
	assert_int_equal(payment_day_reopen(s, &a, NULL, NULL, "现金点错，需重新日结", "9002", PW, &e), HALL_OK);
	assert_int_equal(journal_count(s), j0 + 1);
	assert_int_equal(one_int(s, "SELECT count(*) FROM journal WHERE kind = 'day.reopen'"), 1);
	char t[128];
	assert_string_equal(one_text(s, "SELECT status || '/' || reopened_by || '/' || reopen_requested_by FROM day_closes WHERE staff_id = '1001'", t, sizeof t), "reopened/9002/1001");
	assert_int_equal(payment_business_date(s, "1001", bd, &e), HALL_OK);
	assert_string_equal(bd, "2026-12-04");
	pay_ok(s, &a, "0010000001", 100, "cash", NULL, &r);
	assert_string_equal(r.business_date, "2026-12-04");
	fig[0] = 12650;
	assert_int_equal(payment_close_declare(s, &a, NULL, fig, &d, &e), HALL_OK);
	assert_int_equal(d.diff_fen, 0);
	assert_int_equal(one_int(s, "SELECT count(*) FROM day_closes WHERE staff_id = '1001'"), 2);
	/* the next day's close carries the payment booked to it */
	clock_at("2026-12-05T10:00:00Z");
	int64_t z[PAYMENT_NMETHODS] = { 0, 0, 0, 0, 0, 0 };
	assert_int_equal(payment_close_declare(s, &a, NULL, z, &d, &e), HALL_OK);
	assert_int_equal(d.receipts, 1);
	assert_int_equal(d.reversals, 1);
	assert_int_equal(d.expected_fen, 0);
	store_close(s);
}

/* ------------------------------------------------------------ receipts */

static void check_cols(const char *text)
{
	const char *p = text;
	int lines = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		char line[512];
		size_t n = (size_t)(nl - p);
		assert_true(n < sizeof line);
		memcpy(line, p, n);
		line[n] = '\0';
		if (utf8_width(line) != RECEIPT_COLS)
			fail_msg("line %d has %zu columns: [%s]", lines + 1, utf8_width(line), line);
		assert_false(utf8_has_control(line, false));
		lines++;
		p = nl + 1;
	}
	assert_true(lines > 10);
}

static char *receipt_for(int64_t amount, const char *name, const char *staff)
{
	struct receipt_bill bills[] = { { "2026-09", 10566, 423 }, { "2026-10", 9509, 100 } };
	struct receipt_data d = {
		.hall_code = "001", .hall_name = "鼓楼供电营业厅", .counter = 3,
		.staff_id = "1001", .staff_name = staff, .receipt_no = "SF00100000123",
		.time_local = "2026-12-04 10:15", .business_date = "2026-12-04",
		.account_no = "0010000001", .name = name, .bills = bills, .nbills = 2,
		.method = "cash", .amount_fen = amount, .tendered_fen = 0,
		.prepaid_after_fen = 0, .arrears_after_fen = 0,
	};
	char *t = NULL;
	struct hall_err e;
	assert_int_equal(payment_receipt_format(&d, &t, &e), HALL_OK);
	return t;
}

static void test_receipt_daxie_and_layout(void **state)
{
	(void)state;
	static const struct { int64_t fen; const char *dx, *fig; } cases[] = {
		{ 100500, "大写：壹仟零伍元整", "实收金额：1,005.00元" },
		{ 10000010, "大写：壹拾万元零壹角", "实收金额：100,000.10元" },
		{ 5, "大写：伍分", "实收金额：0.05元" },
		{ 123456, "大写：壹仟贰佰叁拾肆元伍角陆分", "实收金额：1,234.56元" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *t = receipt_for(cases[i].fen, "王建国", "张敏");
		check_cols(t);
		assert_non_null(strstr(t, cases[i].dx));
		assert_non_null(strstr(t, cases[i].fig));
		free(t);
	}
	/* a 60-character organisation name wraps, nothing is cut */
	const char *longname = "福建省福州市鼓楼区华林路八十八号融侨花园三栋二单元五百零一室示范餐饮管理有限责任公司第一分公司食堂部二号楼三层西侧小窗口";
	char *t = receipt_for(123456, longname, "欧阳娜娜");
	check_cols(t);
	assert_int_equal(utf8_chars(longname), 60);
	assert_non_null(strstr(t, "户名：福建省福州市鼓楼区华林路八十八号融\n"));
	assert_non_null(strstr(t, "\n      侨花园三栋二单元五百零一室示范餐饮\n"));
	assert_non_null(strstr(t, "\n      管理有限责任公司第一分公司食堂部二\n"));
	assert_non_null(strstr(t, "\n      号楼三层西侧小窗口                \n"));
	assert_non_null(strstr(t, "收费员：1001 欧阳娜娜"));
	assert_non_null(strstr(t, "\n2026-09            105.66           4.23\n"));
	assert_non_null(strstr(t, "合计"));
	free(t);
	/* control characters never reach the printer */
	t = receipt_for(100, "王\033[2J建国", "张敏");
	check_cols(t);
	assert_null(strchr(t, '\033'));
	/* the reprint banner keeps 40 columns */
	char *rp = NULL;
	struct hall_err e;
	assert_int_equal(payment_receipt_reprint_format(t, 2, "2026-12-04 15:30", "1002", true, &rp, &e), HALL_OK);
	check_cols(rp);
	assert_non_null(strstr(rp, "重打（第2次）"));
	assert_non_null(strstr(rp, "已冲正"));
	assert_non_null(strstr(rp, t));
	free(rp);
	free(t);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[16384];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_receipt_output_and_reprint(void **state)
{
	(void)state;
	struct store *s = fresh();
	struct hall_actor a = actor_of(s, "1001", 3);
	struct hall_err e;
	add_bill(s, "0010000001", "2026-10", 9509, "2026-11-25");
	struct payment_result r;
	pay_ok(s, &a, "0010000001", 100500, "cash", NULL, &r);
	char spool[700], printed[760], cmd[2048], sentinel[760];
	/* beside the store's folder, not in it */
	snprintf(spool, sizeof spool, "%s-spool%d", dir, nstores);
	snprintf(printed, sizeof printed, "%s/printed", spool);
	snprintf(sentinel, sizeof sentinel, "%s/injected", spool);
	snprintf(cmd, sizeof cmd, "dd status=none of=%s", printed);
	struct receipt_output o = { .print_command = cmd, .spool_dir = spool };

	/* the stored original: 40 columns, the customer's arrears gone */
	char *orig = NULL;
	assert_int_equal(payment_receipt_get(s, r.receipt_no, 0, &orig, &e), HALL_OK);
	check_cols(orig);
	assert_non_null(strstr(orig, "大写：壹仟零伍元整"));
	assert_non_null(strstr(orig, "王建国"));
	assert_non_null(strstr(orig, "转入预存：908.91元"));

	/* first print: once */
	char *t = NULL;
	assert_int_equal(payment_receipt_print(s, &a, r.receipt_no, &o, &t, &e), HALL_OK);
	assert_string_equal(t, orig);
	free(t);
	char path[800];
	snprintf(path, sizeof path, "%s/%s.txt", spool, r.receipt_no);
	assert_non_null(slurp(path));
	assert_string_equal(slurp(path), orig);
	assert_string_equal(slurp(printed), orig);
	assert_int_equal(payment_receipt_print(s, &a, r.receipt_no, &o, &t, &e), HALL_ESTATE);
	assert_non_null(strstr(e.zh, "重打"));

	/* reprint: 重打, numbered, recorded with a journal entry */
	int64_t j0 = journal_count(s);
	int copy = 0;
	assert_int_equal(payment_reprint(s, &a, r.receipt_no, &o, &copy, &t, &e), HALL_OK);
	assert_int_equal(copy, 1);
	check_cols(t);
	assert_non_null(strstr(t, "重打（第1次）"));
	assert_non_null(strstr(t, orig));
	assert_string_equal(slurp(printed), t);
	snprintf(path, sizeof path, "%s/%s-r1.txt", spool, r.receipt_no);
	assert_string_equal(slurp(path), t);
	free(t);
	assert_int_equal(journal_count(s), j0 + 1);
	assert_int_equal(one_int(s, "SELECT count(*) FROM receipts WHERE copy = 1 AND staff_id = '1001'"), 1);
	assert_int_equal(payment_reprint(s, &a, r.receipt_no, &o, &copy, NULL, &e), HALL_OK);
	assert_int_equal(copy, 2);

	/* a failing printer: the reprint stays recorded, the clerk is told */
	o.print_command = "false";
	assert_int_equal(payment_reprint(s, &a, r.receipt_no, &o, &copy, NULL, &e), HALL_EIO);
	assert_int_equal(copy, 3);
	assert_non_null(strstr(e.zh, spool));
	o.print_command = "/nonexistent/lp -d x";
	assert_int_equal(payment_reprint(s, &a, r.receipt_no, &o, &copy, NULL, &e), HALL_EIO);
	assert_non_null(strstr(e.en, "not found"));
	/* no shell: metacharacters are plain arguments */
	snprintf(cmd, sizeof cmd, "echo $(touch %s) ; touch %s", sentinel, sentinel);
	o.print_command = cmd;
	assert_int_equal(payment_reprint(s, &a, r.receipt_no, &o, &copy, NULL, &e), HALL_OK);
	assert_int_equal(access(sentinel, F_OK), -1);
	/* spool only */
	o.print_command = "none";
	assert_int_equal(payment_reprint(s, &a, r.receipt_no, &o, &copy, NULL, &e), HALL_OK);

	/* never inside the store's folder */
	o.spool_dir = dir;
	assert_int_equal(payment_receipt_output(s, r.receipt_no, 9, "x\n", &o, &e), HALL_ECONFIG);
	char inside[700];
	snprintf(inside, sizeof inside, "%s/receipts", dir);
	o.spool_dir = inside;
	assert_int_equal(payment_receipt_output(s, r.receipt_no, 9, "x\n", &o, &e), HALL_ECONFIG);

	/* a reversed payment's reprint says so */
	o.spool_dir = spool;
	struct reversal_result rv;
	assert_int_equal(payment_reverse(s, &a, r.receipt_no, "金额输错", "9001", PW, &rv, &e), HALL_OK);
	assert_int_equal(payment_reprint(s, &a, r.receipt_no, &o, &copy, &t, &e), HALL_OK);
	assert_non_null(strstr(t, "已冲正"));
	free(t);
	assert_int_equal(payment_receipt_get(s, r.receipt_no, -1, &t, &e), HALL_OK);
	assert_non_null(strstr(t, "已冲正"));
	free(t);
	free(orig);
	assert_int_equal(payment_reprint(s, &a, "SF00100009999", &o, &copy, NULL, &e), HALL_ENOTFOUND);
	store_close(s);
}

/* ------------------------------------------- a day at a demo hall */

struct tally {
	int64_t by_method[PAYMENT_NMETHODS];
	int n;
};

static void test_demo_day_reconciles(void **state)
{
	(void)state;
	char path[700];
	snprintf(path, sizeof path, "%s/demo.db", dir);
	clock_at("2026-12-04T00:30:00Z");    /* 08:30 in the hall */
	struct demo_options o;
	demo_options_init(&o);
	o.customers = 500;
	o.seed = 1;
	struct hall_err e;
	if (demo_create(path, &o, &e) != HALL_OK)
		fail_msg("%s", e.en);
	struct store *s;
	assert_int_equal(store_open(path, STORE_RW, &s, &e), HALL_OK);
	const char *fdir = getenv("HALL_FORMS");
	struct form_set *fs;
	if (formset_load_dir(fdir ? fdir : "forms", &fs, &e) != HALL_OK)
		fail_msg("%s", e.en);
	const struct form_def *f = formset_find(fs, "payment");
	assert_non_null(f);

	/* accounts that can pay */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(s),
		"SELECT account_no FROM customers WHERE status <> 'closed' ORDER BY id LIMIT 120",
		-1, &st, NULL), SQLITE_OK);
	char accts[120][24];
	int nacct = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		snprintf(accts[nacct++], 24, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_true(nacct > 50);
	int64_t pay0 = one_int(s, "SELECT count(*) FROM payments");
	exec(s, "CREATE TEMP TABLE morning_bills AS SELECT id, paid_fen,"
	        " (SELECT max(id) FROM payments) AS max_payment FROM bills");
	exec(s, "CREATE TEMP TABLE morning_prepaid AS SELECT id, prepaid_fen,"
	        " (SELECT max(id) FROM payments) AS max_payment FROM customers");
	int64_t seq0 = one_int(s, "SELECT value FROM seq WHERE name = 'receipt'");
	assert_int_equal(pay0, seq0);

	static const char *clerks[] = { "1001", "1002", "1003" };
	struct hall_actor act[3];
	struct tally tl[3];
	memset(tl, 0, sizeof tl);
	for (int k = 0; k < 3; k++)
		act[k] = actor_of(s, clerks[k], k + 1);
	char receipts[400][32];
	int who[400];
	int64_t amt[400];
	int meth[400];
	int npay = 0;
	unsigned seed = 12345;
	struct form_errors *errs = malloc(sizeof *errs);
	assert_non_null(errs);
	for (int i = 0; i < 360; i++) {
		int k = i % 3;
		seed = seed * 1103515245u + 12345u;
		int m = (int)((seed >> 16) % PAYMENT_NMETHODS);
		int64_t fen = 100 + (int64_t)((seed >> 8) % 40000);
		char amount[32], ref[32];
		money_format_plain(fen, amount, sizeof amount);
		snprintf(ref, sizeof ref, "REF%04d", i);
		/* the clock runs through the day */
		char now[32];
		snprintf(now, sizeof now, "2026-12-04T%02d:%02d:00Z", 1 + i / 60, i % 60);
		clock_at(now);
		struct form_values in;
		form_values_init(&in);
		form_values_set(&in, "account_no", accts[(i * 7) % nacct]);
		form_values_set(&in, "amount", amount);
		form_values_set(&in, "method", payment_method_keys[m]);
		if (m != 0)
			form_values_set(&in, "reference", ref);
		else if (i % 2)
			form_values_set(&in, "tendered", "500");
		struct counter_result res;
		int rc = counter_submit(s, f, &in, &act[k], &res, errs);
		form_values_free(&in);
		if (rc != HALL_OK)
			fail_msg("payment %d refused: %s", i, errs->e[0].en);
		snprintf(receipts[npay], 32, "%s", res.number);
		who[npay] = k;
		amt[npay] = fen;
		meth[npay] = m;
		tl[k].by_method[m] += fen;
		tl[k].n++;
		npay++;
	}
	free(errs);
	/* two reversals, approved by the manager */
	int rev[2] = { 245, 330 };   /* no later payment of the same account */
	for (int j = 0; j < 2; j++) {
		int i = rev[j];
		struct reversal_result rv;
		if (payment_reverse(s, &act[who[i]], receipts[i], "收款金额输错", "9001", PW, &rv, &e) != HALL_OK)
			fail_msg("reversal: %s", e.en);
		tl[who[i]].by_method[meth[i]] -= amt[i];
		tl[who[i]].n--;
	}
	/* one close each, declared as counted, signed off */
	clock_at("2026-12-04T09:30:00Z");
	int64_t all = 0;
	for (int k = 0; k < 3; k++) {
		struct day_close d;
		if (payment_close_declare(s, &act[k], NULL, tl[k].by_method, &d, &e) != HALL_OK)
			fail_msg("close: %s", e.en);
		assert_int_equal(d.diff_fen, 0);
		assert_int_equal(d.payments, tl[k].n);
		for (int m = 0; m < PAYMENT_NMETHODS; m++) {
			assert_int_equal(d.lines[m].expected_fen, tl[k].by_method[m]);
			assert_int_equal(d.lines[m].diff_fen, 0);
			char sql[300];
			snprintf(sql, sizeof sql, "SELECT coalesce(sum(amount_fen), 0) FROM payments"
			         " WHERE staff_id = '%s' AND business_date = '2026-12-04'"
			         " AND status = 'ok' AND method = '%s'", clerks[k], payment_method_keys[m]);
			assert_int_equal(one_int(s, sql), tl[k].by_method[m]);
		}
		assert_int_equal(payment_close_sign(s, &act[k], NULL, NULL, "9001", PW, &d, &e), HALL_OK);
		all += d.expected_fen;
	}
	/* the day's takings in the store equal the three closes, to the fen */
	assert_int_equal(one_int(s, "SELECT sum(amount_fen) FROM payments WHERE business_date = '2026-12-04' AND status = 'ok'"), all);
	assert_int_equal(one_int(s, "SELECT sum(expected_fen) FROM day_closes WHERE status = 'signed'"), all);
	assert_int_equal(one_int(s, "SELECT sum(declared_fen) FROM day_closes WHERE status = 'signed'"), all);
	assert_int_equal(one_int(s, "SELECT sum(l.expected_fen) FROM day_close_lines l JOIN day_closes c ON c.id = l.close_id"), all);
	assert_int_equal(one_int(s, "SELECT count(*) FROM reversals"), 2);
	/* receipts: no duplicate, no gap, numbered on from the demo's */
	assert_int_equal(one_int(s, "SELECT count(DISTINCT receipt_no) FROM payments"), pay0 + 360);
	assert_int_equal(one_int(s, "SELECT value FROM seq WHERE name = 'receipt'"), pay0 + 360);
	assert_int_equal(one_int(s, "SELECT max(CAST(substr(receipt_no, 6) AS INTEGER)) FROM payments"), pay0 + 360);
	/* every payment's allocation adds up; bills and prepaid follow them */
	assert_int_equal(one_int(s, "SELECT count(*) FROM payments p WHERE amount_fen <>"
	                            " (SELECT coalesce(sum(late_fee_fen + principal_fen + prepaid_fen), 0)"
	                            " FROM payment_alloc WHERE payment_id = p.id)"), 0);
	/* bills and prepaid balances moved exactly by the day's allocations
	 * (demo bills may be paid elsewhere: compare with the morning) */
	assert_int_equal(one_int(s, "SELECT count(*) FROM bills b JOIN morning_bills m ON m.id = b.id"
	                            " WHERE b.paid_fen <> m.paid_fen +"
	                            " (SELECT coalesce(sum(a.principal_fen), 0) FROM payment_alloc a"
	                            " JOIN payments p ON p.id = a.payment_id"
	                            " WHERE a.bill_id = b.id AND p.status = 'ok' AND p.id > m.max_payment)"), 0);
	assert_int_equal(one_int(s, "SELECT count(*) FROM customers c JOIN morning_prepaid m ON m.id = c.id"
	                            " WHERE c.prepaid_fen <> m.prepaid_fen +"
	                            " (SELECT coalesce(sum(a.prepaid_fen), 0) FROM payment_alloc a"
	                            " JOIN payments p ON p.id = a.payment_id"
	                            " WHERE p.account_no = c.account_no AND p.status = 'ok' AND p.id > m.max_payment)"), 0);
	assert_int_equal(one_int(s, "SELECT count(*) FROM bills b JOIN morning_bills m ON m.id = b.id"
	                            " WHERE b.paid_fen <> m.paid_fen"), 0 + one_int(s,
	                            "SELECT count(DISTINCT a.bill_id) FROM payment_alloc a JOIN payments p ON p.id = a.payment_id"
	                            " WHERE p.business_date = '2026-12-04' AND p.status = 'ok' AND a.principal_fen > 0"));
	formset_free(fs);
	store_close(s);
}

int main(void)
{
	utf8_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_late_fee_table),
		cmocka_unit_test(test_allocation),
		cmocka_unit_test(test_bad_payments),
		cmocka_unit_test(test_reversal),
		cmocka_unit_test(test_daily_close),
		cmocka_unit_test(test_receipt_daxie_and_layout),
		cmocka_unit_test(test_receipt_output_and_reprint),
		cmocka_unit_test(test_demo_day_reconciles),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
