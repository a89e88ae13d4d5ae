/*
 * bench_demo.c - how long demo_create() takes, and how big the store gets.
 *
 *   bench_demo [DIR] [N ...]
 *
 * Builds a demo store for each customer count N (default: 2000 100000,
 * or the counts in $BENCH_DEMO_CUSTOMERS) in DIR (default: a new folder
 * under $TMPDIR), prints wall-clock seconds, CPU seconds and file size,
 * and deletes the store again.  Not a test: `make bench` runs it
 * (tests/bench.sh passes its scratch folder as DIR).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hall/demo.h"
#include "hall/err.h"
#include "hall/utf8.h"

static double now_s(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(void *ud, long done, long total)
{
	(void)ud;
	if (isatty(2))
		fprintf(stderr, "\r%3ld%%", done * 100 / total);
	if (done == total && isatty(2))
		fprintf(stderr, "\r    \r");
}

static int run(const char *dir, long n)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/bench-demo-%ld.db", dir, n);
	unlink(path);
	struct demo_options o;
	struct demo_summary sum;
	demo_options_init(&o);
	o.customers = n;
	o.seed = 1;
	o.progress = on_progress;
	o.summary = &sum;
	struct hall_err err;
	hall_err_clear(&err);
	double t0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	int rc = demo_create(path, &o, &err);
	double t1 = now_s(CLOCK_MONOTONIC), c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	if (rc != HALL_OK) {
		fprintf(stderr, "bench_demo: %s\n", hall_err_msg(&err));
		return 1;
	}
	printf("demo_create %8ld customers: %7.2f s wall, %7.2f s cpu, %8.1f MB"
	       " (%ld bills, %ld payments, %ld open work orders)\n",
	       n, t1 - t0, c1 - c0, (double)sum.file_bytes / (1024.0 * 1024.0),
	       sum.bills, sum.payments, sum.work_open);
	fflush(stdout);
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	utf8_init();
	const char *dir = NULL;
	char made[256] = "";
	int first = 1;
	struct stat sb;
	if (argc > 1 && stat(argv[1], &sb) == 0 && S_ISDIR(sb.st_mode)) {
		dir = argv[1];
		first = 2;
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(made, sizeof made, "%s/hall-bench-demo.XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(made)) {
			perror("bench_demo: mkdtemp");
			return 1;
		}
		dir = made;
	}
	int rc = 0;
	if (first < argc) {
		for (int i = first; i < argc && rc == 0; i++) {
			char *end;
			long n = strtol(argv[i], &end, 10);
			if (*end || n < 1) {
				fprintf(stderr, "usage: bench_demo [DIR] [N ...]\n");
				rc = 2;
				break;
			}
			rc = run(dir, n);
		}
	} else {
		const char *env = getenv("BENCH_DEMO_CUSTOMERS");
		char list[256];
		snprintf(list, sizeof list, "%s", env && *env ? env : "2000 100000");
		for (char *tok = strtok(list, " ,"); tok && rc == 0; tok = strtok(NULL, " ,"))
			rc = run(dir, strtol(tok, NULL, 10));
	}
	if (made[0])
		rmdir(made);
	return rc;
}
