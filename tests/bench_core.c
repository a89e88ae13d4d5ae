/*
 * bench_core.c - in-process timings of the core at a given store size.
 *
 *   bench_core STORE.db [N]
 *
 * Reads (a copy of) a demo store: account look-up, customer search by name
 * fragment, address fragment and phone tail, and taking a payment
 * (validate, allocate, write, journal, fsync).  Prints p50/p99/max in
 * milliseconds.  Not a test: `make bench` runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hall/counter.h"
#include "hall/customer.h"
#include "hall/form.h"
#include "hall/store.h"
#include "hall/utf8.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("%-34s n=%-5d p50=%7.3f ms  p99=%7.3f ms  max=%7.3f ms\n", what, n,
	       t[n / 2], t[(n * 99) / 100], t[n - 1]);
}

static void count_cb(void *ud, const struct customer *c)
{
	(void)c;
	(*(int *)ud)++;
}

/* Up to n values of a SQL query's first column. */
static int sample(struct store *s, const char *sql, char (*out)[128], int n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int(st, 1, n);
	int k = 0;
	while (k < n && sqlite3_step(st) == SQLITE_ROW)
		snprintf(out[k++], 128, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return k;
}

static void bench_search(struct store *s, const char *what, char (*q)[128], int n,
                         double *t)
{
	int ok = 0, found = 0;
	for (int i = 0; i < n; i++) {
		int hits = 0, count = 0;
		struct hall_err e;
		double t0 = now_ms();
		int rc = customer_search(s, q[i], 50, count_cb, &hits, &count, &e);
		t[ok++] = now_ms() - t0;
		found += rc == HALL_OK && hits > 0;
	}
	char label[96];
	snprintf(label, sizeof label, "%s (%d/%d found)", what, found, n);
	report(label, t, ok);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_core STORE.db [N]\n");
		return 2;
	}
	utf8_init();
	int n = argc > 2 ? atoi(argv[2]) : 1000;
	struct store *s;
	struct hall_err e;
	if (store_open(argv[1], STORE_RW, &s, &e) != HALL_OK) {
		fprintf(stderr, "%s\n", e.en);
		return 1;
	}
	static char q[5000][128];
	double *t = calloc(5000, sizeof *t);
	if (n > 5000)
		n = 5000;
	sqlite3_stmt *cnt;
	sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM customers", -1, &cnt, NULL);
	sqlite3_step(cnt);
	printf("customers: %lld\n", (long long)sqlite3_column_int64(cnt, 0));
	sqlite3_finalize(cnt);

	/* random accounts, spread over the whole table */
	int k = sample(s, "SELECT account_no FROM customers WHERE id IN"
	               " (SELECT abs(random()) % (SELECT max(id) FROM customers) + 1"
	               "  FROM generate_series LIMIT ?1)", q, n);
	if (k == 0) {
		/* no generate_series in this build: a recursive CTE */
		k = sample(s, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT ?1)"
		           " SELECT account_no FROM customers WHERE id IN (SELECT abs(random()) %"
		           " (SELECT max(id) FROM customers) + 1 FROM r)", q, n);
	}
	for (int i = 0; i < k; i++) {
		struct customer c;
		double t0 = now_ms();
		customer_get(s, q[i], &c, &e);
		t[i] = now_ms() - t0;
	}
	report("account look-up (customer_get)", t, k);
	bench_search(s, "search by account number", q, k, t);

	const char *rnd = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT ?1)"
	                  " SELECT %s FROM customers WHERE id IN (SELECT abs(random()) %%"
	                  " (SELECT max(id) FROM customers) + 1 FROM r)";
	char sql[512];
	snprintf(sql, sizeof sql, rnd, "substr(name, 2, 2)");
	k = sample(s, sql, q, n);
	bench_search(s, "search 2-char name fragment", q, k, t);
	snprintf(sql, sizeof sql, rnd, "substr(name, 1, 3)");
	k = sample(s, sql, q, n);
	bench_search(s, "search 3-char name fragment", q, k, t);
	snprintf(sql, sizeof sql, rnd, "substr(address, 10, 4)");
	k = sample(s, sql, q, n);
	bench_search(s, "search 4-char address fragment", q, k, t);
	snprintf(sql, sizeof sql, rnd, "substr(address, length(address) - 6, 5)");
	k = sample(s, sql, q, n);
	bench_search(s, "search 5-char address tail", q, k, t);
	snprintf(sql, sizeof sql, rnd, "substr(phone, -4)");
	k = sample(s, sql, q, n);
	bench_search(s, "search phone last 4 digits", q, k, t);
	snprintf(sql, sizeof sql, rnd, "phone");
	k = sample(s, sql, q, n);
	bench_search(s, "search full phone", q, k, t);

	/* payments: validate, allocate, write, journal, commit with fsync */
	struct form_def *pay;
	char path[1024];
	const char *forms = getenv("HALL_FORMS");
	snprintf(path, sizeof path, "%s/payment.form", forms ? forms : "forms");
	if (form_parse_file(path, &pay, &e) != HALL_OK) {
		fprintf(stderr, "%s\n", e.en);
		return 1;
	}
	snprintf(sql, sizeof sql, rnd, "account_no");
	k = sample(s, sql, q, n);
	struct hall_actor actor = { .counter = 1 };
	snprintf(actor.user.id, sizeof actor.user.id, "1001");
	actor.user.role = ROLE_CLERK;
	actor.user.active = true;
	struct form_errors *errs = malloc(sizeof *errs);
	int done = 0;
	for (int i = 0; i < k; i++) {
		struct form_values v;
		form_values_init(&v);
		form_values_set(&v, "account_no", q[i]);
		form_values_set(&v, "amount", "88.50");
		form_values_set(&v, "method", "cash");
		struct counter_result res;
		double t0 = now_ms();
		int rc = counter_submit(s, pay, &v, &actor, &res, errs);
		double dt = now_ms() - t0;
		if (rc == HALL_OK)
			t[done++] = dt;
		form_values_free(&v);
	}
	char label[96];
	snprintf(label, sizeof label, "take a payment (%d/%d ok)", done, k);
	if (done)
		report(label, t, done);
	free(errs);
	form_free(pay);
	free(t);
	store_close(s);
	return 0;
}
