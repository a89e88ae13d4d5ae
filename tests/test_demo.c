/*
 * test_demo.c - the demo store: deterministic for a seed, valid identity
 * numbers and phones, bills consistent with payments and their
 * allocation, gap-free counters that continue after the demo's numbers,
 * work lists that are not empty, the demo users log in, never a half store
 * and never an existing file overwritten.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hall/auth.h"
#include "hall/customer.h"
#include "hall/demo.h"
#include "hall/ident.h"
#include "hall/payment.h"
#include "hall/store.h"
#include "hall/utf8.h"
#include "hall/workorder.h"

#define N_SMALL 700
#define NOW "2026-12-04T02:30:00Z"   /* 10:30 in Fuzhou */

static char dir[512];
static char path_a[600], path_b[600], path_c[600];
static struct demo_summary sum_a;

/* ------------------------------------------------------------- helpers */

static void make_dir(void)
{
	const char *t = getenv("TEST_TMP");
	if (t && *t) {
		snprintf(dir, sizeof dir, "%s/demo.XXXXXX", t);
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/hall-test-demo.XXXXXX", tmp ? tmp : "/tmp");
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
}

static void remove_store(const char *p)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char q[700];
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(q, sizeof q, "%s%s", p, sfx[i]);
		unlink(q);
	}
}

/* Number of files in dir whose name contains what. */
static int files_with(const char *what)
{
	DIR *dh = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (dh && (e = readdir(dh)) != NULL)
		if (strstr(e->d_name, what))
			n++;
	if (dh)
		closedir(dh);
	return n;
}

static int create(const char *path, long n, uint64_t seed,
                  struct demo_summary *sum, struct hall_err *err)
{
	struct demo_options o;
	demo_options_init(&o);
	o.customers = n;
	o.seed = seed;
	o.summary = sum;
	return demo_create(path, &o, err);
}

static struct store *open_rw(const char *path)
{
	struct store *s = NULL;
	struct hall_err err;
	int rc = store_open(path, STORE_RW, &s, &err);
	if (rc != HALL_OK)
		fail_msg("store_open %s: %s", path, hall_err_msg(&err));
	return s;
}

static int64_t q_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(store_db(s)));
	int64_t v = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void q_text(struct store *s, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(store_db(s)));
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* FNV-1a over every value of every row of a query, in order. */
static uint64_t q_hash(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(store_db(s)));
	uint64_t h = UINT64_C(1469598103934665603);
	int rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			int n = sqlite3_column_bytes(st, i);
			for (int k = 0; v && k < n; k++)
				h = (h ^ v[k]) * UINT64_C(1099511628211);
			h = (h ^ (v ? 0x1f : 0x1e)) * UINT64_C(1099511628211);
		}
	}
	sqlite3_finalize(st);
	assert_true(rows > 0);
	return h;
}

/* The content of a store that must be the same for the same seed: every
 * business table, ids and times included (not staff: fresh salts). */
static const char *const content_sql[] = {
	"SELECT * FROM customers ORDER BY id",
	"SELECT * FROM bills ORDER BY id",
	"SELECT * FROM payments ORDER BY id",
	"SELECT * FROM payment_alloc ORDER BY rowid",
	"SELECT * FROM applications ORDER BY id",
	"SELECT * FROM changes ORDER BY id",
	"SELECT * FROM complaints ORDER BY id",
	"SELECT * FROM work_events ORDER BY id",
	"SELECT * FROM seq ORDER BY name",
	"SELECT customers_fts FROM customers_fts WHERE customers_fts MATCH '鼓楼'",
};

static int group_setup(void **state)
{
	(void)state;
	utf8_init();
	setenv("HALL_NOW", NOW, 1);
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	make_dir();
	snprintf(path_a, sizeof path_a, "%s/a.db", dir);
	snprintf(path_b, sizeof path_b, "%s/b.db", dir);
	snprintf(path_c, sizeof path_c, "%s/c.db", dir);
	struct hall_err err;
	if (create(path_a, N_SMALL, 7, &sum_a, &err) != HALL_OK) {
		fprintf(stderr, "demo_create: %s\n", hall_err_msg(&err));
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	remove_store(path_a);
	remove_store(path_b);
	remove_store(path_c);
	rmdir(dir);
	return 0;
}

/* --------------------------------------------------------------- tests */

static void test_summary(void **state)
{
	(void)state;
	assert_int_equal(sum_a.customers, N_SMALL);
	assert_int_equal(sum_a.users, 5);
	assert_true(sum_a.bills > N_SMALL);
	assert_true(sum_a.bills_unpaid > 0);
	assert_true(sum_a.arrears_fen > 0);
	assert_true(sum_a.payments > 0);
	assert_true(sum_a.applications > 0 && sum_a.changes > 0 && sum_a.complaints > 0);
	assert_true(sum_a.work_open > 0);
	struct stat sb;
	assert_int_equal(stat(path_a, &sb), 0);
	assert_int_equal(sum_a.file_bytes, (int64_t)sb.st_size);
	/* nothing left beside the store */
	assert_int_equal(files_with(".tmp-"), 0);
	assert_int_equal(files_with("-wal"), 0);
}

static void test_deterministic(void **state)
{
	(void)state;
	struct hall_err err;
	struct demo_summary sum_b;
	assert_int_equal(create(path_b, N_SMALL, 7, &sum_b, &err), HALL_OK);
	assert_int_equal(create(path_c, N_SMALL, 8, NULL, &err), HALL_OK);
	assert_int_equal(sum_b.payments, sum_a.payments);
	assert_int_equal(sum_b.arrears_fen, sum_a.arrears_fen);
	struct store *a = open_rw(path_a), *b = open_rw(path_b), *c = open_rw(path_c);
	int differ = 0;
	for (size_t i = 0; i < sizeof content_sql / sizeof content_sql[0]; i++) {
		uint64_t ha = q_hash(a, content_sql[i]), hb = q_hash(b, content_sql[i]);
		if (ha != hb)
			fail_msg("seed 7 twice: %s differs", content_sql[i]);
		if (ha != q_hash(c, content_sql[i]))
			differ++;
	}
	/* another seed: other people, bills and payments */
	assert_true(differ >= 5);
	char m[32];
	assert_int_equal(store_meta_get(a, "demo", m, sizeof m), HALL_OK);
	assert_string_equal(m, "1");
	assert_int_equal(store_meta_get(a, "demo_seed", m, sizeof m), HALL_OK);
	assert_string_equal(m, "7");
	store_close(a);
	store_close(b);
	store_close(c);
}

static void test_identities_valid(void **state)
{
	(void)state;
	struct store *s = open_rw(path_a);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(s),
		"SELECT account_no, name, id_type, id_number, phone, address, category,"
		" voltage, capacity, tariff_form, status FROM customers ORDER BY id",
		-1, &st, NULL), SQLITE_OK);
	int n = 0, resident = 0, uscc = 0, orgs = 0, landline = 0;
	int cats[3] = { 0, 0, 0 }, hv = 0, two_part = 0;
	long serial = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *acct = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *type = (const char *)sqlite3_column_text(st, 2);
		const char *idn = (const char *)sqlite3_column_text(st, 3);
		const char *phone = (const char *)sqlite3_column_text(st, 4);
		const char *addr = (const char *)sqlite3_column_text(st, 5);
		const char *cat = (const char *)sqlite3_column_text(st, 6);
		const char *volt = (const char *)sqlite3_column_text(st, 7);
		struct hall_err e;
		n++;
		/* hall code + 7-digit serial, in order */
		char want[16];
		snprintf(want, sizeof want, "001%07ld", ++serial);
		assert_string_equal(acct, want);
		assert_true(utf8_valid(name, strlen(name)));
		size_t chars = utf8_chars(name);
		assert_true(chars >= 2 && chars <= 60);
		assert_false(utf8_has_control(name, false));
		assert_true(utf8_chars(addr) <= 120);
		assert_non_null(strstr(addr, "福建省福州市"));
		if (strcmp(type, "resident_id") == 0) {
			resident++;
			if (ident_resident_check(idn, "id_number", &e) != HALL_OK)
				fail_msg("%s: %s: %s", acct, idn, hall_err_msg(&e));
			/* an adult: born at least 18 years before today */
			assert_true(strncmp(idn + 6, "20081204", 8) <= 0);
		} else if (strcmp(type, "uscc") == 0) {
			uscc++;
			if (ident_uscc_check(idn, "id_number", &e) != HALL_OK)
				fail_msg("%s: %s: %s", acct, idn, hall_err_msg(&e));
		} else {
			assert_string_equal(type, "passport");
			assert_int_equal(ident_other_check(idn, "id_number", &e), HALL_OK);
		}
		if (strstr(name, "公司") || strstr(name, "合作社") || strstr(name, "农场") ||
		    strstr(name, "店") || strstr(name, "商行") || strstr(name, "部"))
			orgs++;
		if (ident_phone_check(phone, "phone", &e) != HALL_OK)
			fail_msg("%s: phone %s: %s", acct, phone, hall_err_msg(&e));
		if (phone[0] == '0')
			landline++;
		else
			assert_true(strlen(phone) == 11 && phone[0] == '1' &&
			            phone[1] >= '3' && phone[1] <= '9');
		if (strcmp(cat, "residential") == 0)
			cats[0]++;
		else if (strcmp(cat, "agricultural") == 0)
			cats[1]++;
		else
			cats[2]++;
		if (strstr(volt, "kv"))
			hv++;
		if (strcmp((const char *)sqlite3_column_text(st, 9), "two_part") == 0)
			two_part++;
	}
	sqlite3_finalize(st);
	assert_int_equal(n, N_SMALL);
	assert_true(resident > n / 2);
	assert_true(uscc > 0 && orgs > 0 && landline > 0);
	/* residential mostly, the others present */
	assert_true(cats[0] > n * 7 / 10 && cats[1] > 0 && cats[2] > 0);
	assert_true(hv > 0 && two_part > 0);
	/* statuses: mostly normal, a few others */
	assert_true(q_int(s, "SELECT count(*) FROM customers WHERE status = 'normal'") > n * 8 / 10);
	assert_true(q_int(s, "SELECT count(*) FROM customers WHERE status = 'closed'") > 0);
	assert_true(q_int(s, "SELECT count(*) FROM customers WHERE status = 'connecting'") > 0);
	/* every key is one the forms know */
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers WHERE category NOT IN"
		" ('residential','agricultural','commercial','general_commercial','large_industrial')"
		" OR voltage NOT IN ('220v','380v','10kv','20kv','35kv','110kv')"
		" OR tariff_form NOT IN ('single','two_part')"
		" OR id_type NOT IN ('resident_id','uscc','passport','other')"), 0);
	store_close(s);
}

static void test_bills_and_payments(void **state)
{
	(void)state;
	struct store *s = open_rw(path_a);
	char today[11];
	store_today_local(today);
	assert_string_equal(today, "2026-12-04");
	/* the three months before this one, due the 25th of the next */
	assert_int_equal(q_int(s, "SELECT count(DISTINCT period) FROM bills"), 3);
	assert_int_equal(q_int(s, "SELECT count(*) FROM bills WHERE period NOT IN"
		" ('2026-09','2026-10','2026-11')"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM bills WHERE due_date <>"
		" date(period || '-01', '+1 month', '+24 days')"), 0);
	/* only accounts in service are billed, each period once */
	assert_int_equal(q_int(s, "SELECT count(*) FROM bills b JOIN customers c"
		" USING (account_no) WHERE c.status <> 'normal'"), 0);
	/* status follows paid_fen */
	assert_int_equal(q_int(s, "SELECT count(*) FROM bills WHERE status <> CASE"
		" WHEN paid_fen = amount_fen THEN 'paid' WHEN paid_fen = 0 THEN 'unpaid'"
		" ELSE 'partial' END"), 0);
	/* a bill with an allocation was paid at the counter: paid_fen is the
	 * principal allocated; one without was paid elsewhere or not at all */
	assert_int_equal(q_int(s, "SELECT count(*) FROM bills b WHERE EXISTS"
		" (SELECT 1 FROM payment_alloc a WHERE a.bill_id = b.id) AND paid_fen <>"
		" (SELECT sum(principal_fen) FROM payment_alloc a JOIN payments p"
		"  ON p.id = a.payment_id AND p.status = 'ok' WHERE a.bill_id = b.id)"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM bills b WHERE NOT EXISTS"
		" (SELECT 1 FROM payment_alloc a WHERE a.bill_id = b.id)"
		" AND paid_fen NOT IN (0, amount_fen)"), 0);
	/* an account pays at the counter or elsewhere, not both */
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers c WHERE"
		" EXISTS (SELECT 1 FROM payments p WHERE p.account_no = c.account_no) AND"
		" EXISTS (SELECT 1 FROM bills b WHERE b.account_no = c.account_no"
		"  AND b.paid_fen > 0 AND NOT EXISTS (SELECT 1 FROM payment_alloc a"
		"  WHERE a.bill_id = b.id))"), 0);
	/* a payment is exactly what it was allocated to */
	assert_int_equal(q_int(s, "SELECT count(*) FROM payments p WHERE amount_fen <>"
		" (SELECT sum(late_fee_fen + principal_fen + prepaid_fen) FROM payment_alloc a"
		"  WHERE a.payment_id = p.id)"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers c WHERE prepaid_fen <>"
		" (SELECT coalesce(sum(a.prepaid_fen), 0) FROM payment_alloc a JOIN payments p"
		"  ON p.id = a.payment_id WHERE p.account_no = c.account_no)"), 0);
	/* arrears, partial payments, late fees, prepaid balances */
	assert_true(q_int(s, "SELECT count(*) FROM bills WHERE status = 'unpaid'"
		" AND due_date < '2026-12-04'") > 0);
	assert_true(q_int(s, "SELECT count(*) FROM bills WHERE status = 'partial'") > 0);
	assert_true(q_int(s, "SELECT count(*) FROM payment_alloc WHERE late_fee_fen > 0") > 0);
	assert_true(q_int(s, "SELECT count(*) FROM customers WHERE prepaid_fen > 0") > 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM payment_alloc WHERE late_fee_fen > 0"
		" AND late_fee_fen < 100"), 0);   /* at least 1 yuan */
	/* payments: before today, in opening hours, by a clerk at their
	 * counter, within the hall's limit; non-cash ones have a reference */
	assert_int_equal(q_int(s, "SELECT count(*) FROM payments WHERE business_date >= '2026-12-04'"
		" OR paid_on <> business_date OR hall <> '001'"
		" OR staff_id <> '100' || counter OR status <> 'ok'"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM payments WHERE method <> 'cash'"
		" AND reference = ''"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM payments WHERE method = 'cash'"
		" AND (tendered_fen < amount_fen OR change_fen <> tendered_fen - amount_fen)"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM payments WHERE amount_fen >"
		" (SELECT value FROM payment_settings WHERE key = 'max_amount_fen')"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM payments WHERE method NOT IN"
		" ('cash','card','wechat','alipay','cheque','transfer')"), 0);
	/* receipts SF + hall + 8 digits, in time order, gap-free */
	int64_t np = q_int(s, "SELECT count(*) FROM payments");
	assert_int_equal(np, sum_a.payments);
	assert_int_equal(q_int(s, "SELECT count(*) FROM payments WHERE receipt_no <>"
		" 'SF001' || printf('%08d', id)"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM payments p JOIN payments q"
		" ON q.id = p.id + 1 WHERE q.created_at < p.created_at"), 0);
	assert_int_equal(q_int(s, "SELECT value FROM seq WHERE name = 'receipt'"), np);
	assert_int_equal(q_int(s, "SELECT value FROM seq WHERE name = 'account'"), N_SMALL);
	/* the journal has every payment and its allocation */
	assert_int_equal(q_int(s, "SELECT count(*) FROM journal WHERE kind = 'payment.create'"), np);
	assert_int_equal(q_int(s, "SELECT count(*) FROM journal WHERE kind = 'payment.alloc'"), np);
	/* the whole store is consistent */
	char ok[64];
	q_text(s, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	assert_int_equal(q_int(s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	q_text(s, "PRAGMA journal_mode", ok, sizeof ok);
	assert_string_equal(ok, "wal");
	store_close(s);
}

/* The payments module agrees with the demo's late fees: after a demo
 * payment a bill owes no more late fee than what accrued since. */
static void test_counter_continues(void **state)
{
	(void)state;
	struct store *s = open_rw(path_a);
	struct hall_err err;
	char acct[32];
	q_text(s, "SELECT account_no FROM bills WHERE status <> 'paid'"
	          " AND due_date < '2026-12-04' ORDER BY id LIMIT 1", acct, sizeof acct);
	assert_true(acct[0] != '\0');
	struct payment_due due;
	assert_int_equal(payment_due_get(s, acct, NULL, &due, &err), HALL_OK);
	assert_true(due.nbills > 0 && due.total_fen > 0);
	int64_t total = due.net_fen;
	payment_due_free(&due);
	struct hall_actor clerk;
	memset(&clerk, 0, sizeof clerk);
	assert_int_equal(auth_login(s, "1001", DEMO_PASSWORD, &clerk.user, &err), HALL_OK);
	clerk.counter = 1;
	struct payment_req req = { .account_no = acct, .amount_fen = total,
	                           .method = "cash" };
	struct payment_result res;
	if (payment_take(s, &clerk, &req, &res, &err) != HALL_OK)
		fail_msg("payment_take: %s", hall_err_msg(&err));
	char want[32];
	snprintf(want, sizeof want, "SF001%08ld", sum_a.payments + 1);
	assert_string_equal(res.receipt_no, want);
	assert_int_equal(res.arrears_after_fen, 0);
	/* the next account number follows the demo's last */
	assert_int_equal(store_begin(s, &err), HALL_OK);
	int64_t next;
	assert_int_equal(store_next_seq(s, "account", &next, &err), HALL_OK);
	assert_int_equal(next, N_SMALL + 1);
	store_rollback(s);
	store_close(s);
}

static void count_item(void *ud, const struct work_item *w)
{
	int *n = ud;
	n[0]++;
	if (strcmp(w->kind, "application") == 0)
		n[1]++;
	else if (strcmp(w->kind, "change") == 0)
		n[2]++;
	else if (strcmp(w->kind, "complaint") == 0)
		n[3]++;
	if (w->deadline[0])
		n[4]++;
}

static void test_work_lists(void **state)
{
	(void)state;
	struct store *s = open_rw(path_a);
	struct hall_err err;
	int n[5] = { 0 };
	assert_int_equal(workorder_worklist(s, NULL, NULL, count_item, n, &err), HALL_OK);
	assert_true(n[1] > 0 && n[2] > 0 && n[3] > 0);
	assert_true(n[4] > 0);   /* deadlines computed */
	assert_int_equal(n[0], sum_a.work_open);
	int mine[5] = { 0 };
	assert_int_equal(workorder_worklist(s, "1001", NULL, count_item, mine, &err), HALL_OK);
	assert_true(mine[0] > 0 && mine[0] < n[0]);
	/* open orders at several stages; finished ones archived */
	assert_true(q_int(s, "SELECT count(DISTINCT stage) FROM applications WHERE status = 'open'") >= 3);
	assert_true(q_int(s, "SELECT count(DISTINCT stage) FROM complaints WHERE status = 'open'") >= 3);
	assert_int_equal(q_int(s, "SELECT count(*) FROM applications WHERE (status = 'done') <> (stage = 'archive')"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM complaints WHERE (status = 'done') <> (stage = 'archive')"), 0);
	/* numbers: prefix, hall, accept date, the day's serial */
	assert_int_equal(q_int(s, "SELECT count(*) FROM applications WHERE app_no NOT GLOB"
		" 'YK001' || replace(business_date, '-', '') || '[0-9][0-9][0-9][0-9]'"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM changes WHERE change_no NOT GLOB"
		" 'BG001' || replace(business_date, '-', '') || '[0-9][0-9][0-9][0-9]'"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM complaints WHERE complaint_no NOT GLOB"
		" 'TS001' || replace(business_date, '-', '') || '[0-9][0-9][0-9][0-9]'"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM complaints WHERE business_date >= '2026-12-04'"), 0);
	/* each day's counter is at that day's last number */
	assert_int_equal(q_int(s, "SELECT count(*) FROM (SELECT substr(complaint_no, 1, 2)"
		" || substr(complaint_no, 6, 8) AS k, max(CAST(substr(complaint_no, 14) AS INTEGER)) AS m"
		" FROM complaints GROUP BY k) x LEFT JOIN seq ON seq.name = x.k"
		" WHERE seq.value IS NOT x.m"), 0);
	/* one event per stage reached, the first from nothing to accept */
	assert_int_equal(q_int(s, "SELECT count(*) FROM applications a WHERE"
		" (SELECT to_stage FROM work_events e WHERE e.number = a.app_no ORDER BY id LIMIT 1)"
		" IS NOT 'accept' OR (SELECT to_stage FROM work_events e WHERE e.number = a.app_no"
		" ORDER BY id DESC LIMIT 1) IS NOT a.stage"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM work_events WHERE to_stage = 'accept'"
		" AND from_stage IS NOT NULL"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM work_events e JOIN work_events f"
		" ON f.number = e.number AND f.id > e.id WHERE f.at < e.at"), 0);
	/* the accounts of applications: connecting until the meter is in */
	assert_int_equal(q_int(s, "SELECT count(*) FROM applications a JOIN customers c"
		" USING (account_no) WHERE (c.status = 'connecting') <>"
		" (a.stage NOT IN ('connect','archive'))"), 0);
	/* complaints: what the steps recorded */
	assert_int_equal(q_int(s, "SELECT count(*) FROM complaints WHERE stage IN"
		" ('reply','followup','archive') AND department = ''"), 0);
	/* repeat complaints flagged by the counter's rule: the same account
	 * or phone complained in the 30 days before */
	assert_int_equal(q_int(s, "SELECT count(*) FROM complaints c WHERE repeat_flag <>"
		" (c.kind = 'complaint' AND EXISTS (SELECT 1 FROM complaints p WHERE"
		" p.kind = 'complaint' AND p.id < c.id AND p.business_date >="
		" date(c.business_date, '-30 days') AND ((c.account_no IS NOT NULL AND"
		" p.account_no = c.account_no) OR p.phone = c.phone)))"), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM journal WHERE kind = 'application.create'"),
	                 sum_a.applications);
	store_close(s);
}

static void test_users_log_in(void **state)
{
	(void)state;
	struct store *s = open_rw(path_a);
	static const char *const ids[] = { "0001", "1001", "1002", "1003", "9001" };
	static const enum hall_role roles[] = { ROLE_ADMIN, ROLE_CLERK, ROLE_CLERK,
	                                        ROLE_CLERK, ROLE_MANAGER };
	struct hall_err err;
	for (int i = 0; i < 5; i++) {
		struct hall_user u;
		if (auth_login(s, ids[i], DEMO_PASSWORD, &u, &err) != HALL_OK)
			fail_msg("login %s: %s", ids[i], hall_err_msg(&err));
		assert_int_equal(u.role, roles[i]);
		assert_false(u.must_change);
		assert_true(u.active);
	}
	struct hall_user u;
	assert_int_equal(auth_login(s, "1001", "wrong-password", &u, &err), HALL_EAUTH);
	assert_int_equal(auth_user_get(s, "1001", &u, &err), HALL_OK);
	assert_string_equal(u.name, "张敏");
	assert_int_equal(auth_user_get(s, "9001", &u, &err), HALL_OK);
	assert_string_equal(u.name, "陈主任");
	store_close(s);
}

static int found;
static void found_cb(void *ud, const struct customer *c)
{
	(void)ud;
	(void)c;
	found++;
}

static void test_search(void **state)
{
	(void)state;
	struct store *s = open_rw(path_a);
	struct hall_err err;
	char name[244], acct[32];
	q_text(s, "SELECT name FROM customers WHERE id = 123", name, sizeof name);
	q_text(s, "SELECT account_no FROM customers WHERE id = 123", acct, sizeof acct);
	int count = 0;
	found = 0;
	assert_int_equal(customer_search(s, acct, 10, found_cb, NULL, &count, &err), HALL_OK);
	assert_int_equal(count, 1);
	/* the FTS index was rebuilt after the bulk load */
	found = 0;
	assert_int_equal(customer_search(s, name, 50, found_cb, NULL, &count, &err), HALL_OK);
	assert_true(count >= 1);
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers_fts WHERE customers_fts"
		" MATCH '\"华林路\"'"), q_int(s, "SELECT count(*) FROM customers WHERE"
		" name LIKE '%华林路%' OR address LIKE '%华林路%'"));
	/* the triggers are back: a new customer is found */
	assert_int_equal(store_begin(s, &err), HALL_OK);
	struct customer c;
	memset(&c, 0, sizeof c);
	snprintf(c.account_no, sizeof c.account_no, "0019999999");
	snprintf(c.name, sizeof c.name, "测试龘龘");
	snprintf(c.id_type, sizeof c.id_type, "other");
	snprintf(c.id_number, sizeof c.id_number, "X12345");
	snprintf(c.phone, sizeof c.phone, "13800000000");
	snprintf(c.address, sizeof c.address, "福建省福州市鼓楼区测试路1号");
	snprintf(c.category, sizeof c.category, "residential");
	snprintf(c.voltage, sizeof c.voltage, "220v");
	assert_int_equal(customer_upsert(s, &c, NULL, &err), HALL_OK);
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers_fts WHERE customers_fts"
		" MATCH '\"龘龘\"'"), 1);
	store_rollback(s);
	store_close(s);
}

static void test_refuses_existing(void **state)
{
	(void)state;
	char p[700];
	snprintf(p, sizeof p, "%s/exists.db", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("not a store", f);
	fclose(f);
	struct hall_err err;
	assert_int_equal(create(p, 50, 1, NULL, &err), HALL_EEXIST);
	assert_non_null(strstr(err.en, "exists"));
	char buf[64] = "";
	f = fopen(p, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "not a store");
	unlink(p);
	/* a demo store is never replaced either */
	assert_int_equal(create(path_a, 50, 1, NULL, &err), HALL_EEXIST);
	assert_int_equal(files_with(".tmp-"), 0);
}

static void test_bad_options(void **state)
{
	(void)state;
	char p[700];
	snprintf(p, sizeof p, "%s/bad.db", dir);
	struct hall_err err;
	struct demo_options o;
	demo_options_init(&o);
	o.customers = 0;
	assert_int_equal(demo_create(p, &o, &err), HALL_EINVAL);
	o.customers = DEMO_MAX_CUSTOMERS + 1;
	assert_int_equal(demo_create(p, &o, &err), HALL_EINVAL);
	demo_options_init(&o);
	o.customers = 20;
	o.hall_code = "12";
	assert_int_equal(demo_create(p, &o, &err), HALL_EINVAL);
	o.hall_code = "002";
	o.hall_name = "";
	assert_int_equal(demo_create(p, &o, &err), HALL_EINVAL);
	assert_int_equal(demo_create("", &o, &err), HALL_EINVAL);
	snprintf(p, sizeof p, "%s/no/such/dir/x.db", dir);
	o.hall_name = "测试厅";
	assert_int_equal(demo_create(p, &o, &err), HALL_EIO);
	/* nothing left behind by the failures */
	assert_int_equal(files_with("bad.db"), 0);
	assert_int_equal(files_with(".tmp-"), 0);
}

struct prog {
	long calls, last, total;
	bool monotonic;
};

static void on_progress(void *ud, long done, long total)
{
	struct prog *p = ud;
	if (done < p->last || done > total)
		p->monotonic = false;
	p->last = done;
	p->total = total;
	p->calls++;
}

/* Tiny stores, another hall, progress reported; 1 customer works. */
static void test_small_and_progress(void **state)
{
	(void)state;
	long sizes[] = { 1, 3, 9, 60 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char p[700];
		snprintf(p, sizeof p, "%s/small%zu.db", dir, i);
		struct demo_options o;
		struct demo_summary sum;
		struct prog pr = { 0, 0, 0, true };
		demo_options_init(&o);
		o.customers = sizes[i];
		o.seed = 99;
		o.hall_code = "035";
		o.hall_name = "仓山供电营业厅";
		o.progress = on_progress;
		o.ud = &pr;
		o.summary = &sum;
		struct hall_err err;
		if (demo_create(p, &o, &err) != HALL_OK)
			fail_msg("%ld customers: %s", sizes[i], hall_err_msg(&err));
		assert_true(pr.monotonic);
		assert_true(pr.calls >= 2);
		assert_int_equal(pr.last, pr.total);
		assert_int_equal(sum.customers, sizes[i]);
		struct store *s = open_rw(p);
		assert_string_equal(store_hall_code(s), "035");
		assert_string_equal(store_hall_name(s), "仓山供电营业厅");
		assert_int_equal(q_int(s, "SELECT count(*) FROM customers"), sizes[i]);
		assert_int_equal(q_int(s, "SELECT count(*) FROM customers WHERE account_no NOT GLOB"
			" '035[0-9][0-9][0-9][0-9][0-9][0-9][0-9]'"), 0);
		assert_int_equal(q_int(s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
		store_close(s);
		remove_store(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_identities_valid),
		cmocka_unit_test(test_bills_and_payments),
		cmocka_unit_test(test_work_lists),
		cmocka_unit_test(test_users_log_in),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_counter_continues),
		cmocka_unit_test(test_refuses_existing),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_small_and_progress),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
