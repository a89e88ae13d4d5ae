/*
 * demo.h - a demo hall store full of realistic, deterministic data.
 *
 * demo_create() builds a complete hall store for trying the counter out and
 * for benchmarks: Chinese names and organisations, Fuzhou addresses (city /
 * district / street / compound / building / unit / room), valid mobile
 * phones, resident IDs (GB 11643 check digit, real birth dates, adults) and
 * unified social credit codes (GB 32100), the categories, voltages,
 * capacities and tariff forms of section 2 of the domain guide, three months
 * of bills with some arrears (most paid online or by bank: paid_fen without
 * an allocation, as central billing sends them), counter payments with
 * receipts, late fees and their allocation over bills, open and finished
 * new-connection applications, business changes and complaints at every
 * stage with their history (deadlines from workorder_recompute_open), and
 * the demo staff:
 *
 *   0001 系统管理员 admin    1001 张敏 clerk    1002 林晓燕 clerk
 *   1003 黄志强 clerk        9001 陈主任 manager
 *
 * all with the password "demo1234" (DEMO_PASSWORD) and no forced change.
 *
 * The data is a pure function of (seed, customers, hall code, today's local
 * date from store_today_local(), which HALL_NOW overrides, and the
 * process's time zone): two runs with the same inputs give identical
 * customers, bills, payments and work orders.  Only password hashes (fresh
 * salts), the store's creation time and the journal's and audit log's "at"
 * times differ.
 *
 * Crash safety: the store is built in "PATH.tmp-XXXXXX" next to PATH with
 * synchronous=OFF and an in-memory rollback journal (the users first, then
 * everything else in one transaction), then switched to WAL, synced and
 * moved to PATH with link() (which never replaces an existing file).  A killed demo never leaves a half store at
 * PATH; at worst a PATH.tmp-* file that can be deleted.
 */
#ifndef HALL_DEMO_H
#define HALL_DEMO_H

#include <stdint.h>

#include "hall/err.h"

#define DEMO_DEFAULT_CUSTOMERS 2000
#define DEMO_MAX_CUSTOMERS 9999999L   /* 7-digit account serial */
#define DEMO_PASSWORD "demo1234"
#define DEMO_HALL_CODE "001"
#define DEMO_HALL_NAME "鼓楼供电营业厅"

/* What was generated (filled on success when demo_options.summary is set). */
struct demo_summary {
	long customers;        /* all accounts, including those of applications */
	long bills;
	long bills_unpaid;     /* unpaid or partial */
	long payments;
	long applications;     /* open + done */
	long changes;
	long complaints;
	long work_open;        /* open applications + changes + complaints */
	int users;
	int64_t arrears_fen;   /* unpaid principal over all bills */
	int64_t file_bytes;    /* size of the finished store */
};

struct demo_options {
	long customers;        /* 1..DEMO_MAX_CUSTOMERS, default 2000 */
	uint64_t seed;         /* any value, default 1 */
	const char *hall_code; /* 3 digits, default "001" */
	const char *hall_name; /* 1-60 characters, default "鼓楼供电营业厅" */
	/* Called about every 1% and once at the end with done == total.  done
	 * and total are work units (not customers): show done * 100 / total.
	 * May be NULL. */
	void (*progress)(void *ud, long done, long total);
	void *ud;
	struct demo_summary *summary;   /* may be NULL */
};

/* Fill o with the defaults above (progress and summary NULL). */
void demo_options_init(struct demo_options *o);

/* Build a demo store at path (o NULL: the defaults).  Refuses with
 * HALL_EEXIST if path exists; HALL_EINVAL for a bad customer count, hall
 * code or name; HALL_EIO / HALL_EDB / HALL_ENOMEM otherwise.  On any error
 * nothing is left behind, neither at path nor the temporary file. */
int demo_create(const char *path, const struct demo_options *o,
                struct hall_err *err);

#endif
