/* bench_integrity.c - the figures of issue 8 on a big store (make bench:
 * tests/bench.sh passes the folder holding hall.db, 1,000,000 customers by
 * default): how long quick_check, foreign_key_check and integrity_check
 * take (is quick_check cheap enough for every command?), audit verify,
 * what the audit row adds to a journal entry, an online backup and a
 * restore.  Usage: bench_integrity DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hall/audit.h"
#include "hall/backup.h"
#include "hall/store.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t count(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static double time_pragma(struct store *s, const char *sql, int64_t *rows)
{
	double t0 = now();
	sqlite3_stmt *st = NULL;
	*rows = 0;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			(*rows)++;
	sqlite3_finalize(st);
	return now() - t0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_integrity DIR (holding hall.db)\n");
		return 2;
	}
	char db[1024], tmpdir[] = "/tmp/hall-bench-integrity.XXXXXX";
	snprintf(db, sizeof db, "%s/hall.db", argv[1]);
	if (!mkdtemp(tmpdir))
		return 1;
	struct store *s;
	struct hall_err e;
	if (store_open(db, STORE_RW, &s, &e) != HALL_OK) {
		fprintf(stderr, "%s\n", e.en);
		return 1;
	}
	struct stat sb;
	stat(db, &sb);
	printf("store: %lld customers, %lld journal entries, %lld audit rows, %.0f MB\n",
	       (long long)count(s, "SELECT count(*) FROM customers"),
	       (long long)count(s, "SELECT count(*) FROM journal"),
	       (long long)count(s, "SELECT count(*) FROM audit"), (double)sb.st_size / 1e6);

	int64_t rows;
	double t = time_pragma(s, "PRAGMA quick_check", &rows);
	printf("PRAGMA quick_check:       %7.2f s\n", t);
	double q = t;
	t = time_pragma(s, "PRAGMA foreign_key_check", &rows);
	printf("PRAGMA foreign_key_check: %7.2f s (%lld violations)\n", t, (long long)rows);
	q += t;
	t = time_pragma(s, "PRAGMA integrity_check", &rows);
	printf("PRAGMA integrity_check:   %7.2f s\n", t);
	printf("start-up check (quick + foreign keys): %.2f s per open: %s\n", q,
	       q > 0.2 ? "too slow for every command; run at counter start and in hall check"
	               : "cheap enough for every command");

	struct audit_verify v;
	double t0 = now();
	if (audit_verify(s, NULL, &v, &e) != HALL_OK)
		fprintf(stderr, "audit verify: %s\n", e.en);
	t = now() - t0;
	printf("audit verify: %lld rows in %.2f s (%.1f us a row), %s\n", (long long)v.rows, t,
	       v.rows ? t * 1e6 / (double)v.rows : 0.0, v.bad_id ? "NOT intact" : "intact");

	/* backup while nothing else runs */
	char to[1200];
	snprintf(to, sizeof to, "%s/backup.db", tmpdir);
	struct backup_info info;
	if (backup_make(s, NULL, to, &info, &e) != HALL_OK) {
		fprintf(stderr, "backup: %s\n", e.en);
		return 1;
	}
	printf("hall backup: %.2f s for %.0f MB (%.0f MB/s, quick_check of the copy included)\n",
	       info.seconds, (double)info.bytes / 1e6, (double)info.bytes / 1e6 / info.seconds);
	store_close(s);

	/* the cost of the audit row, on the copy: journal entries with their
	 * audit rows, in batches of one transaction each */
	if (store_open(to, STORE_RW, &s, &e) != HALL_OK) {
		fprintf(stderr, "%s\n", e.en);
		return 1;
	}
	int n = 2000;
	int64_t cust = count(s, "SELECT max(rowid) FROM customers");
	t0 = now();
	store_begin(s, &e);
	for (int i = 0; i < n; i++)
		store_journal_row(s, "bench.touch", "customers", 1 + i % (cust > 0 ? cust : 1), "0001", 1, &e);
	store_commit(s, &e);
	double with = now() - t0;
	t0 = now();
	store_begin(s, &e);
	for (int i = 0; i < n; i++)
		audit_log(s, NULL, "0001", "bench", "x", "y", &e);
	store_commit(s, &e);
	double alone = now() - t0;
	printf("store_journal_row with its audit row: %.1f us each; audit_log (row + journal entry): %.1f us each (%d in one transaction)\n",
	       with * 1e6 / n, alone * 1e6 / n, n);
	store_close(s);

	char r[1200];
	snprintf(r, sizeof r, "%s/restored.db", tmpdir);
	if (backup_restore(to, r, &info, &e) != HALL_OK) {
		fprintf(stderr, "restore: %s\n", e.en);
		return 1;
	}
	printf("hall restore: %.2f s (integrity_check of the backup, copy, new epoch %lld, quick_check)\n",
	       info.seconds, (long long)info.epoch_after);
	unlink(r);
	unlink(to);
	rmdir(tmpdir);
	return 0;
}
