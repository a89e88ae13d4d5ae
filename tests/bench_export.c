/*
 * bench_export.c - how fast `hall export` writes, and in how much memory.
 *
 *   bench_export DIR [XLSXWRITER_SCRIPT]
 *
 * 1. A hall day: a demo store (BENCH_EXPORT_CUSTOMERS, default 20000
 *    customers: its open work orders fill the ledgers) plus 300 payments of
 *    today by three clerks (one in 500 reversed) and their signed daily
 *    closes; the daily report (all six sheets and four charts) is written
 *    five times in process.  Target: <= 200 ms.
 * 2. A 1,000,000-row payments journal: a demo store of 2000 customers plus
 *    1,000,000 payments over 30 days (2,000 reversed), exported by this
 *    program started again in its child mode (--child STORE OUT FROM TO)
 *    and, side by side in the same run, by Python XlsxWriter from the same
 *    store (tests/xlsxwriter_journal.py under /usr/bin/python3: the same
 *    rows, columns, formats and subtotals).  Wall and CPU time come from
 *    wait4; peak memory is each process's own VmHWM (ru_maxrss would count
 *    the forking bench too).  Targets: <= 10 s, <= 64 MB, and at least
 *    5 times faster than Python.
 * BENCH_EXPORT_ONLY=day|journal runs one part; BENCH_EXPORT_KEEP=1 keeps
 * the journal store in DIR (and reuses it) for profiling.  Not a test:
 * `make bench` runs it (tests/bench.sh passes its scratch folder).  Exits
 * non-zero only when something fails to run; a missed target is printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hall/auth.h"
#include "hall/demo.h"
#include "hall/export.h"
#include "hall/store.h"
#include "hall/utf8.h"

#define NOW "2026-05-12T09:30:00Z"   /* 17:30 in Beijing, end of the day */
#define TODAY "2026-05-12"
#define JOURNAL_ROWS 1000000L

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec_sql(struct store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(s), sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench_export: %s\n", msg);
		sqlite3_free(msg);
		return 1;
	}
	return 0;
}

static int make_demo(const char *path, long customers)
{
	unlink(path);
	struct demo_options o;
	demo_options_init(&o);
	o.customers = customers;
	struct hall_err e;
	if (demo_create(path, &o, &e) != HALL_OK) {
		fprintf(stderr, "bench_export: demo: %s\n", hall_err_msg(&e));
		return 1;
	}
	return 0;
}

static int open_manager(const char *path, struct store **s, struct hall_actor *a)
{
	struct hall_err e;
	if (store_open(path, STORE_RW, s, &e) != HALL_OK ||
	    auth_user_get(*s, "9001", &a->user, &e) != HALL_OK) {
		fprintf(stderr, "bench_export: %s\n", hall_err_msg(&e));
		return 1;
	}
	a->counter = 1;
	return 0;
}

/* Payments of the fixture: n rows numbered from `from`, over the days
 * [day0, day0 + days), 08:30-17:30 local, three clerks at three counters,
 * every method, one in 500 reversed. */
static int add_payments(struct store *s, long from, long n, const char *day0, int days)
{
	char sql[4096];
	long per_day = (n + days - 1) / days;
	snprintf(sql, sizeof sql,
		"BEGIN;"
		"DROP TABLE IF EXISTS temp.acc;"
		"CREATE TEMP TABLE acc(k INTEGER PRIMARY KEY, account_no TEXT);"
		"INSERT INTO temp.acc(account_no) SELECT account_no FROM customers"
		" WHERE status = 'normal' ORDER BY id;"
		"WITH RECURSIVE k(i) AS (SELECT %ld UNION ALL SELECT i + 1 FROM k WHERE i < %ld),"
		" r(i, t, acct) AS (SELECT i,"
		"   datetime('%s', '+' || ((i - %ld) * %d / %ld) || ' days', '+30 minutes',"
		"            '+' || (((i - %ld) %% %ld) * 32400 / %ld) || ' seconds'),"
		"   (SELECT account_no FROM temp.acc WHERE k = 1 + (i * 7919) %% (SELECT count(*) FROM temp.acc))"
		"   FROM k)"
		"INSERT INTO payments(receipt_no, account_no, amount_fen, method, reference,"
		" status, business_date, hall, counter, staff_id, created_at)"
		" SELECT printf('SFB%%010d', i), acct, 100 + (i * 2654435761) %% 300000,"
		" CASE i %% 6 WHEN 0 THEN 'cash' WHEN 1 THEN 'card' WHEN 2 THEN 'wechat'"
		"  WHEN 3 THEN 'alipay' WHEN 4 THEN 'cheque' ELSE 'transfer' END,"
		" CASE i %% 6 WHEN 0 THEN '' ELSE printf('REF%%016d', i * 48271) END,"
		" CASE WHEN i %% 500 = 0 THEN 'void' ELSE 'ok' END,"
		" date(t, '+8 hours'), '001', 1 + i %% 3, '100' || (1 + i %% 3),"
		" strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', t) FROM r;"
		"INSERT INTO reversals(payment_id, receipt_no, account_no, amount_fen, reason,"
		" business_date, staff_id, approver_id, counter, created_at)"
		" SELECT id, receipt_no, account_no, amount_fen, '金额输错', business_date,"
		" staff_id, '9001', counter, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', created_at, '+2 minutes')"
		" FROM payments WHERE status = 'void' AND receipt_no LIKE 'SFB%%'"
		" AND id NOT IN (SELECT payment_id FROM reversals);"
		"COMMIT;",
		from, from + n - 1, day0, from, days, n, from, per_day, per_day);
	return exec_sql(s, sql);
}

static double ms_of(double s) { return s * 1000.0; }

/* ------------------------------------------------------------ a day */

static int bench_day(const char *dir)
{
	char path[1024], out[1100];
	const char *env = getenv("BENCH_EXPORT_CUSTOMERS");
	long customers = env && *env ? atol(env) : 20000;
	snprintf(path, sizeof path, "%s/store/bench-export-day.db", dir);
	snprintf(out, sizeof out, "%s/out/bench-export-day.xlsx", dir);
	printf("-- a hall day: demo store of %ld customers + 300 payments of today\n", customers);
	fflush(stdout);
	if (make_demo(path, customers))
		return 1;
	struct store *s;
	struct hall_actor a;
	if (open_manager(path, &s, &a))
		return 1;
	int rc = add_payments(s, 1, 300, "2026-05-12 00:00:00", 1);
	rc |= exec_sql(s,
		"INSERT INTO day_closes(staff_id, business_date, status, declared_fen, expected_fen,"
		" payments, reversals, reversed_fen, receipts, counter, declared_at, signed_by, signed_at)"
		" SELECT staff_id, business_date, 'signed', sum(amount_fen) - 100, sum(amount_fen), count(*),"
		" 0, 0, count(*), min(counter), '" NOW "', '9001', '" NOW "' FROM payments"
		" WHERE business_date = '" TODAY "' AND status = 'ok' GROUP BY staff_id;"
		"INSERT INTO day_close_lines(close_id, method, declared_fen, expected_fen, count)"
		" SELECT d.id, p.method, sum(p.amount_fen), sum(p.amount_fen), count(*)"
		" FROM day_closes d JOIN payments p ON p.staff_id = d.staff_id"
		" AND p.business_date = d.business_date AND p.status = 'ok'"
		" WHERE d.business_date = '" TODAY "' GROUP BY d.id, p.method;");
	if (rc) {
		store_close(s);
		return 1;
	}
	struct export_options o;
	export_options_init(&o);
	o.report = EXPORT_DAILY;
	o.from = o.to = TODAY;
	o.path = out;
	o.force = true;
	double best = 1e9, sum = 0;
	struct export_result res;
	struct hall_err e;
	for (int i = 0; i < 5; i++) {
		double t0 = now_s();
		if (export_run(s, &a, &o, &res, &e) != HALL_OK) {
			fprintf(stderr, "bench_export: %s\n", hall_err_msg(&e));
			store_close(s);
			return 1;
		}
		double t = now_s() - t0;
		sum += t;
		if (t < best)
			best = t;
	}
	printf("daily report of a hall day: %ld data rows (%ld in the journal), %d sheets, 4 charts, %.1f KB\n",
	       res.rows, res.payment_rows, res.sheets, (double)res.bytes / 1024.0);
	printf("  best %.1f ms, mean %.1f ms of 5 (target <= 200 ms): %s\n", ms_of(best),
	       ms_of(sum / 5), best <= 0.200 ? "met" : "MISSED");
	store_close(s);
	unlink(out);
	return 0;
}

/* ------------------------------------------------------- the journal */

struct run {
	double wall, cpu;            /* seconds; cpu = user + system */
	long maxrss_kb;
	int status;
	long long bytes;
};

static int wait_child(pid_t pid, double t0, struct run *r)
{
	struct rusage ru;
	int st;
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("bench_export: wait4");
			return 1;
		}
	}
	r->wall = now_s() - t0;
	r->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (r->maxrss_kb < 0)
		r->maxrss_kb = ru.ru_maxrss;   /* the child did not say */
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

/* Run argv with stdout to a pipe; fills r (wall, cpu, status) and the
 * child's own peak_rss_kb line; its other lines go to stdout. */
static int spawn(char *const argv[], struct run *r)
{
	int fd[2];
	if (pipe(fd) != 0) {
		perror("bench_export: pipe");
		return 1;
	}
	fflush(NULL);
	double t0 = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_export: fork");
		return 1;
	}
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	close(fd[1]);
	FILE *f = fdopen(fd[0], "r");
	char line[512];
	r->maxrss_kb = -1;
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "peak_rss_kb ", 12) == 0)
			r->maxrss_kb = strtol(line + 12, NULL, 10);
		else
			printf("  %s", line);
	}
	if (f)
		fclose(f);
	return wait_child(pid, t0, r);
}

static long long file_size(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 ? (long long)sb.st_size : -1;
}

static int bench_journal(const char *dir, const char *script)
{
	char path[1024], out[1100], pyout[1100];
	snprintf(path, sizeof path, "%s/store/bench-export-journal.db", dir);
	snprintf(out, sizeof out, "%s/out/bench-journal-c.xlsx", dir);
	snprintf(pyout, sizeof pyout, "%s/out/bench-journal-py.xlsx", dir);
	printf("-- a 1,000,000-row payments journal: demo store of 2000 customers + %ld payments over 30 days\n",
	       JOURNAL_ROWS);
	fflush(stdout);
	if (!(getenv("BENCH_EXPORT_KEEP") && file_size(path) > 100000000) && make_demo(path, 2000))
		return 1;
	struct store *s;
	struct hall_actor a;
	if (open_manager(path, &s, &a))
		return 1;
	double t0 = now_s();
	if (getenv("BENCH_EXPORT_KEEP") && file_size(path) > 100000000) {
		/* kept from an earlier run */
	} else if (add_payments(s, 1, JOURNAL_ROWS, "2026-04-01 00:00:00", 30)) {
		store_close(s);
		return 1;
	}
	exec_sql(s, "PRAGMA wal_checkpoint(TRUNCATE)");
	printf("store filled in %.1f s, %.0f MB\n", now_s() - t0, (double)file_size(path) / 1048576.0);
	fflush(stdout);
	const char *from = "2026-04-01", *to = "2026-05-01";

	/* C: export_run in a fresh process (this program again, in its child
	 * mode); Python XlsxWriter after it, on the same store and rows */
	struct run c = { 0 }, py = { 0 };
	unlink(out);
	char *cargv[] = { "/proc/self/exe", "--child", path, out, (char *)from, (char *)to, NULL };
	printf("hall export payments (C, libxlsxwriter):\n");
	if (spawn(cargv, &c))
		return 1;
	c.bytes = file_size(out);
	if (c.status != 0) {
		store_close(s);
		return 1;
	}

	/* Python XlsxWriter, same store, same rows */
	if (system("/usr/bin/python3 -c 'import xlsxwriter, sqlite3' 2>/dev/null") != 0) {
		printf("C  (libxlsxwriter, hall): %6.2f s wall, %6.2f s cpu, peak RSS %6.1f MB\n"
		       "Python XlsxWriter not installed (apt-get install python3-xlsxwriter): no comparison\n",
		       c.wall, c.cpu, (double)c.maxrss_kb / 1024.0);
		store_close(s);
		unlink(out);
		return c.status != 0;
	}
	unlink(pyout);
	char *pargv[] = { "/usr/bin/python3", (char *)script, path, (char *)from, (char *)to, pyout, NULL };
	printf("tests/xlsxwriter_journal.py (Python XlsxWriter):\n");
	if (spawn(pargv, &py))
		return 1;
	py.bytes = file_size(pyout);
	store_close(s);

	printf("C  (libxlsxwriter, hall): %6.2f s wall, %6.2f s cpu, peak RSS %6.1f MB, %6.1f MB file, exit %d\n",
	       c.wall, c.cpu, (double)c.maxrss_kb / 1024.0, (double)c.bytes / 1048576.0, c.status);
	printf("Python XlsxWriter       : %6.2f s wall, %6.2f s cpu, peak RSS %6.1f MB, %6.1f MB file, exit %d\n",
	       py.wall, py.cpu, (double)py.maxrss_kb / 1024.0, (double)py.bytes / 1048576.0, py.status);
	if (c.status != 0 || py.status != 0)
		return 1;
	double ratio = py.wall / c.wall;
	printf("  time %.2f s (target <= 10 s): %s\n", c.wall, c.wall <= 10.0 ? "met" : "MISSED");
	printf("  peak RSS %.1f MB (target <= 64 MB): %s\n", (double)c.maxrss_kb / 1024.0,
	       c.maxrss_kb <= 64L * 1024 ? "met" : "MISSED");
	printf("  %.1fx faster than Python XlsxWriter (target >= 5x): %s (cpu time: %.1fx)\n", ratio,
	       ratio >= 5.0 ? "met" : "MISSED", py.cpu / c.cpu);
	printf("  (hall packs a journal this size at deflate level 1, src/core/export_zip.c;"
	       " Python XlsxWriter at zipfile's level 6)\n");
	double load[3];
	if (getloadavg(load, 3) == 3)
		printf("  load average at the end: %.2f %.2f %.2f (%ld CPUs)\n", load[0], load[1], load[2],
		       sysconf(_SC_NPROCESSORS_ONLN));
	unlink(out);
	unlink(pyout);
	if (getenv("BENCH_EXPORT_KEEP"))   /* keep the store for profiling */
		return 0;
	char wal[1100];
	unlink(path);
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
	return 0;
}

/* Peak resident memory of this process image, "peak_rss_kb N": VmHWM of
 * /proc/self/status.  (ru_maxrss would count the memory of the bench that
 * forked it: Linux keeps the forked image's high-water mark across exec.) */
static void print_peak(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			printf("peak_rss_kb %ld\n", strtol(line + 6, NULL, 10));
	if (f)
		fclose(f);
	fflush(stdout);
}

/* The child mode: export the journal of STORE from FROM to TO into OUT. */
static int child(const char *path, const char *out, const char *from, const char *to)
{
	struct store *cs;
	struct hall_actor ca;
	if (open_manager(path, &cs, &ca))
		return 2;
	struct export_options o;
	export_options_init(&o);
	o.report = EXPORT_PAYMENTS;
	o.from = from;
	o.to = to;
	o.path = out;
	struct export_result res;
	struct hall_err e;
	if (export_run(cs, &ca, &o, &res, &e) != HALL_OK) {
		fprintf(stderr, "bench_export: %s\n", hall_err_msg(&e));
		store_close(cs);
		return 1;
	}
	store_close(cs);
	printf("rows %ld constant_memory %s\n", res.payment_rows, res.const_mem ? "on" : "off");
	print_peak();
	return 0;
}

int main(int argc, char **argv)
{
	utf8_init();
	setenv("HALL_NOW", NOW, 1);
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	if (argc == 6 && strcmp(argv[1], "--child") == 0)
		return child(argv[2], argv[3], argv[4], argv[5]);
	if (argc < 2) {
		fprintf(stderr, "usage: bench_export DIR [tests/xlsxwriter_journal.py]\n");
		return 2;
	}
	const char *dir = argv[1];
	char script[1024];
	const char *tests = getenv("HALL_TESTS");
	if (argc > 2)
		snprintf(script, sizeof script, "%s", argv[2]);
	else
		snprintf(script, sizeof script, "%s/xlsxwriter_journal.py", tests && *tests ? tests : "tests");
	if (access(script, R_OK) != 0) {
		fprintf(stderr, "bench_export: %s not found (run from the source tree or set HALL_TESTS)\n", script);
		return 1;
	}
	/* stores in DIR/store, exports in DIR/out: never into the store's
	 * folder (priv_output_path_check) */
	char outdir[1100], storedir[1100];
	snprintf(outdir, sizeof outdir, "%s/out", dir);
	snprintf(storedir, sizeof storedir, "%s/store", dir);
	if ((mkdir(outdir, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(storedir, 0755) != 0 && errno != EEXIST)) {
		perror("bench_export: mkdir");
		return 1;
	}
	const char *only = getenv("BENCH_EXPORT_ONLY");   /* "day" or "journal" */
	int rc = 0;
	if (!only || strcmp(only, "journal") != 0)
		rc |= bench_day(dir);
	if (!only || strcmp(only, "day") != 0)
		rc |= bench_journal(dir, script);
	char p[1200];
	snprintf(p, sizeof p, "%s/bench-export-day.db", storedir);
	unlink(p);
	snprintf(p, sizeof p, "%s/bench-export-day.db-wal", storedir);
	unlink(p);
	snprintf(p, sizeof p, "%s/bench-export-day.db-shm", storedir);
	unlink(p);
	rmdir(outdir);
	rmdir(storedir);   /* not when a kept store is in it */
	return rc;
}
