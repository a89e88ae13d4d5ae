/*
 * bench_work.c - timings of work orders on a demo store.
 *
 *   bench_work DIR        (DIR/hall.db: a demo store, as tests/bench.sh makes)
 *
 * Working-day arithmetic (22 working days, 24 working hours), the clocks of
 * one order (history read + evaluation), the work list of the whole hall,
 * and recomputing the deadlines of every open order (what a calendar import
 * or a rule change does; rolled back here).  Not a test: `make bench` runs
 * it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hall/calendar.h"
#include "hall/customer.h"
#include "hall/store.h"
#include "hall/workorder.h"

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
	printf("%-34s n=%-5d p50=%7.3f ms  p99=%7.3f ms  max=%7.3f ms\n", what, n,
	       t[n / 2], t[(n * 99) / 100], t[n - 1]);
}

static void count_item(void *ud, const struct work_item *w)
{
	(void)w;
	(*(long *)ud)++;
}

static void count_clock(void *ud, const struct wo_clock *c)
{
	(void)c;
	(*(long *)ud)++;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_work DIR\n");
		return 2;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/hall.db", argv[1]);
	struct store *s;
	struct hall_err e;
	if (store_open(path, STORE_RW, &s, &e) != HALL_OK) {
		fprintf(stderr, "%s\n", e.en);
		return 1;
	}
	struct hall_calendar *cal;
	if (calendar_load(s, &cal, &e) != HALL_OK) {
		fprintf(stderr, "%s\n", e.en);
		return 1;
	}
	/* arithmetic */
	int32_t d0;
	cal_parse_date("2026-09-01", &d0);
	const int N = 100000;
	double t0 = now_ms();
	int64_t sink = 0;
	for (int i = 0; i < N; i++)
		sink += cal_add_workdays(cal, d0 + i % 365, 22);
	double t1 = now_ms();
	for (int i = 0; i < N; i++)
		sink += cal_add_work_seconds(cal, (int64_t)(d0 + i % 365) * 86400 + 36000, 24 * 3600);
	double t2 = now_ms();
	printf("cal_add_workdays(22)               %.3f us per call (%d calls)\n", (t1 - t0) * 1e3 / N, N);
	printf("cal_add_work_seconds(24 h)         %.3f us per call (%d calls; %lld)\n",
	       (t2 - t1) * 1e3 / N, N, (long long)(sink % 7));
	calendar_free(cal);

	/* clocks of sample open orders */
	sqlite3_stmt *st;
	char (*num)[32] = calloc(1000, sizeof *num);
	int n = 0;
	if (!num || sqlite3_prepare_v2(store_db(s),
		"SELECT app_no FROM applications WHERE status = 'open' UNION ALL"
		" SELECT complaint_no FROM complaints WHERE status = 'open' LIMIT 1000", -1, &st, NULL) != SQLITE_OK)
		return 1;
	while (n < 1000 && sqlite3_step(st) == SQLITE_ROW)
		snprintf(num[n++], 32, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	double *t = calloc(1000, sizeof *t);
	char nowutc[21];
	store_now_utc(nowutc);
	long clocks = 0;
	for (int i = 0; i < n; i++) {
		double a = now_ms();
		workorder_clocks(s, num[i], nowutc, count_clock, &clocks, &e);
		t[i] = now_ms() - a;
	}
	report("workorder_clocks (one order)", t, n);

	/* the work list */
	for (int i = 0; i < 20; i++) {
		long items = 0;
		double a = now_ms();
		workorder_worklist(s, NULL, NULL, count_item, &items, &e);
		t[i] = now_ms() - a;
		if (i == 0)
			printf("work list: %ld open items\n", items);
	}
	report("workorder_worklist (whole hall)", t, 20);

	/* recompute every open order, rolled back */
	int changed = 0;
	double a = now_ms();
	if (store_begin(s, &e) != HALL_OK || workorder_recompute_open(s, NULL, &changed, &e) != HALL_OK) {
		fprintf(stderr, "%s\n", e.en);
		return 1;
	}
	double b = now_ms();
	store_rollback(s);
	long open = 0;
	workorder_worklist(s, NULL, NULL, count_item, &open, &e);
	printf("workorder_recompute_open           %.1f ms for %ld open orders (%.3f ms each, %d changed)\n",
	       b - a, open, open ? (b - a) / (double)open : 0.0, changed);
	free(t);
	free(num);
	store_close(s);
	return 0;
}
