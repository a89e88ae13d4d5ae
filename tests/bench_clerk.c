/*
 * bench_clerk.c - a clerk at the counter while something else works on the
 * store (issue 7: "no clerk waits more than 100 ms because of a sync"):
 *
 *   bench_clerk DB STOPFILE
 *
 * Takes payments in a loop, as the counter does (counter_submit: the
 * payment form, late fees, allocation, journal, commit with fsync), until
 * STOPFILE exists, with a 20 ms pause between payments (a busy counter).
 * Before each payment it measures how long BEGIN IMMEDIATE waits for the
 * store's write lock (and rolls that probe back): that wait is what a
 * sync holding the store costs the clerk.  Prints p50 / p99 / max of the
 * wait and of the whole payment, and the number of payments and errors.
 * Exits 1 on an error.  Run by tests/bench_sync.sh; not part of make check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hall/counter.h"
#include "hall/form.h"
#include "hall/store.h"

#define MAXN 200000

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
	if (n == 0)
		return;
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("%s: p50=%.1f ms  p99=%.1f ms  max=%.1f ms\n", what, t[n / 2],
	       t[(n * 99) / 100], t[n - 1]);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_clerk DB STOPFILE\n");
		return 2;
	}
	struct store *s;
	struct hall_err e;
	if (store_open(argv[1], STORE_RW, &s, &e) != HALL_OK) {
		fprintf(stderr, "bench_clerk: %s\n", e.en);
		return 1;
	}
	struct form_def *f = NULL;
	const char *forms = getenv("HALL_FORMS");
	char path[1024];
	snprintf(path, sizeof path, "%s/payment.form", forms ? forms : "forms");
	if (form_parse_file(path, &f, &e) != HALL_OK) {
		fprintf(stderr, "bench_clerk: %s\n", e.en);
		return 1;
	}
	/* accounts with unpaid bills first */
	static char acc[512][24];
	int nacc = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(s),
		"SELECT account_no FROM customers WHERE status = 'normal'"
		" ORDER BY EXISTS (SELECT 1 FROM bills b WHERE b.account_no = customers.account_no"
		" AND b.status <> 'paid') DESC, id LIMIT 512", -1, &st, NULL) == SQLITE_OK)
		while (nacc < 512 && sqlite3_step(st) == SQLITE_ROW)
			snprintf(acc[nacc++], 24, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (nacc == 0) {
		fprintf(stderr, "bench_clerk: no account\n");
		return 1;
	}
	struct hall_actor a;
	memset(&a, 0, sizeof a);
	snprintf(a.user.id, sizeof a.user.id, "1001");
	a.user.role = ROLE_CLERK;
	a.user.active = true;
	a.counter = 7;
	double *wait = calloc(MAXN, sizeof *wait), *pay = calloc(MAXN, sizeof *pay);
	struct form_errors *errs = malloc(sizeof *errs);
	if (!wait || !pay || !errs)
		return 1;
	int n = 0, bad = 0;
	while (n < MAXN && access(argv[2], F_OK) != 0) {
		double t0 = now_ms();
		if (store_begin(s, &e) != HALL_OK) {
			fprintf(stderr, "bench_clerk: %s\n", e.en);
			bad++;
			continue;
		}
		double t1 = now_ms();
		store_rollback(s);
		char amount[32];
		snprintf(amount, sizeof amount, "%d.%02d", 1 + n % 50, n % 100);
		struct form_values v;
		form_values_init(&v);
		form_values_set(&v, "account_no", acc[n % nacc]);
		form_values_set(&v, "amount", amount);
		form_values_set(&v, "method", "cash");
		struct counter_result res;
		double t2 = now_ms();
		int rc = counter_submit(s, f, &v, &a, &res, errs);
		double t3 = now_ms();
		form_values_free(&v);
		if (rc != HALL_OK) {
			if (!bad)
				fprintf(stderr, "bench_clerk: payment failed (%d)\n", rc);
			bad++;
		}
		wait[n] = t1 - t0;
		pay[n] = t3 - t2;
		n++;
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
	printf("clerk: %d payments, %d errors\n", n, bad);
	report("clerk's wait for the store (BEGIN IMMEDIATE)", wait, n);
	report("clerk's whole payment (form, write, fsync)", pay, n);
	form_free(f);
	store_close(s);
	free(wait);
	free(pay);
	free(errs);
	return bad ? 1 : 0;
}
