/*
 * sync.h - the nightly exchange between a hall store and the central store.
 *
 * Push (hall -> central): the hall's journal, in order, exactly once in
 * effect.  Every entry is keyed by (hall, store epoch, seq); the central
 * inserts an entry only if that key is absent, applies the new entries to
 * its tables and advances the hall's acknowledged cursor in the same
 * central transaction.  Re-sending a batch changes nothing; a sync killed
 * at any point is completed by the next run.  A hall store restored from a
 * backup gets a new epoch (store_new_epoch), so its sequence numbers never
 * collide with what the central already holds.
 *
 * Pull (central -> hall): what the central owns: customer master data,
 * bills (with what was paid at other halls or online), staff accounts,
 * rule tables and the working-day calendar (ref_data), and central updates
 * to the hall's work orders.  Pulled rows are applied without journal
 * entries (they are not hall actions) in short transactions (steps of at
 * most 4096 rows sized to about 30 ms with the commit, then 25 ms free, so
 * a waiting counter gets in; a first pull into a hall with no customers
 * yet holds up to 250 ms), keeping the overwritten customer values in
 * customer_history.  Rule tables and calendar years (ref_data) take
 * effect in the tables worules.h and calendar.h read, checked, in one
 * transaction before the rest (a bad row fails the pull with nothing of
 * it applied); a bill whose principal is paid stays 'partial' while a
 * late fee is due (bill_elsewhere, payment_bill_settle).  HALL_SYNC_TRACE=1
 * prints the phase times on stderr.  The pull cursor cannot skip a row
 * committed late: PostgreSQL rows carry the id of the transaction that
 * wrote them and the cursor is the oldest transaction still running
 * (pg_snapshot_xmin); the SQLite central stamps rows with a clock that a
 * pull advances under the single-writer lock.
 *
 * Conflict policy:
 *   - Journal entries are facts and merge by union: the central keeps every
 *     entry of every hall and epoch; the hall's rows (payments, work
 *     orders, events, closes, ...) are copied per (hall, id).
 *   - Master data (customers, bills, staff, rule tables, calendar) belongs
 *     to the central; a pull overwrites the hall's copy, keeping each
 *     overwritten customer value in customer_history (source 'central').
 *     A customer with an edit the central has not acknowledged yet keeps
 *     the hall's values until it has.
 *   - A hall's change to a customer (a contact edit, or the outcome of a
 *     business change it completed) travels as a journal entry; the
 *     central applies it if it is newer (updated_at) than the central's
 *     row, keeping the overwritten values in central_history (source
 *     'hall:CODE'); if older, the central keeps its value and sends it
 *     back at the next pull.
 *   - Money balances are derived from facts: the central adds each
 *     payment's shares to its bills and prepaid balances (a share that
 *     would overpay a bill becomes prepaid), takes them back when a
 *     payment turns 'void' (reversal), and a hall shows the central's
 *     balance plus its own payments the central has not acknowledged.
 *   - Staff accounts: the central's account wins if newer than the
 *     hall's (a password changed at the hall since stays).
 *   - Central updates to a hall's work orders move the stage if newer
 *     than the hall's record and always leave a work event (once).
 *
 * Central URL: "sqlite:PATH" or "postgresql://..." / "postgres://..."
 * (libpq; TLS options such as sslmode=verify-full pass through).
 *
 * Two syncs of one hall never run at once: an flock on "STORE.sync-lock"
 * beside the store (never on the store file itself).
 */
#ifndef HALL_SYNC_H
#define HALL_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/err.h"
#include "hall/store.h"

/* What went wrong, as the exit status of `hall sync` tells it. */
enum sync_fail {
	SYNC_OK = 0,
	SYNC_UNREACHABLE,   /* network, server down, connection cut: retry */
	SYNC_REJECTED,      /* an entry or batch refused by the central */
	SYNC_AUTH,          /* wrong credentials, or not allowed */
	SYNC_UNKNOWN_HALL,  /* the central does not know this hall code */
	SYNC_SCHEMA,        /* central schema older or newer than this hall */
	SYNC_DISKFULL,      /* disk full at the hall or the central */
	SYNC_LOCKED,        /* another sync of this hall is running */
	SYNC_DIFF,          /* verify found differences */
	SYNC_CONFIG,        /* no central URL, bad URL */
	SYNC_LOCAL,         /* the hall store failed (see the message) */
};

/* Exit statuses of `hall sync` and `hall central` (documented in the
 * README): 0 ok, 10 central unreachable, 11 rejected (an entry, wrong
 * credentials, unknown hall code), 12 verify found differences, 13 central
 * schema older or newer, 14 disk full, 15 another sync running, 6 no or bad
 * central URL, 1 other errors of the hall store. */
int sync_exit_code(int fail);
/* Stable English key of a failure ("unreachable", "rejected", ...). */
const char *sync_fail_key(int fail);

struct sync_options {
	bool push, pull;          /* both true by default */
	int batch;                /* entries per push batch; 0: the
	                           * backend's (SQLite 2000, PostgreSQL
	                           * 10000); HALL_SYNC_BATCH sets it */
	int pause_ms;             /* pause between batches (tests:
	                           * HALL_SYNC_PAUSE_MS) */
	/* progress: phase "push"/"pull", done and total units; may be NULL */
	void (*progress)(void *ud, const char *phase, long done, long total);
	void *ud;
};

struct sync_report {
	int fail;                 /* enum sync_fail */
	long pushed;              /* entries sent and acknowledged this run */
	long pulled;              /* rows received */
	long applied;             /* rows that changed the hall store */
	long history;             /* overwritten values kept in history */
	long lost_at_central;     /* entries of an earlier epoch held only by
	                           * the central (restored hall) */
	char rejected[160];       /* the refused entry, "" if none */
};

/* Fill o with the defaults (environment overrides included). */
void sync_options_init(struct sync_options *o);

/* One sync of the hall store s with the central at url: lock, push, pull,
 * and record the time and result in the store's meta ('last_sync',
 * 'last_sync_result', and 'last_sync_ok' on success).  Returns an enum
 * sync_fail (also in rep->fail) with err filled on failure. */
int sync_run(struct store *s, const char *url, const struct sync_options *o,
             struct sync_report *rep, struct hall_err *err);

/* A difference found by sync_verify. */
struct sync_diff {
	char day[11];
	char metric[24];          /* payments payments_void applications
	                           * changes complaints journal */
	int64_t hall_n, hall_fen;
	int64_t central_n, central_fen;
};

/* Compare, per day, counts and money sums of the hall with the central's
 * copy of this hall; fn for each difference.  Returns SYNC_DIFF when there
 * is one, SYNC_OK when none (*ndays gets the days compared). */
int sync_verify(struct store *s, const char *url,
                void (*fn)(void *ud, const struct sync_diff *d), void *ud,
                int *ndays, struct hall_err *err);

/* Create or upgrade the central schema at url.  With a hall store (may be
 * NULL) also enrol that hall: register its code and name, seed the
 * central with the hall's customers, bills and staff that it does not
 * have yet, and (PostgreSQL) create the hall's role, which can write only
 * that hall's rows, with password hall_password (NULL: a random one,
 * written to pw_out).  role_out gets the role name ("" for SQLite). */
int sync_central_init(const char *url, struct store *hall,
                      const char *hall_password, char *role_out,
                      size_t rolesz, char *pw_out, size_t pwsz,
                      struct hall_err *err);

/* For the home screen. */
struct sync_status {
	char last[21];            /* UTC time of the last attempt, "" never */
	char result[160];         /* its result text */
	char last_ok[21];         /* UTC time of the last success, "" never */
	long hours_since_ok;      /* -1 when never */
	bool warn;                /* never, or more than 36 hours ago */
};
#define SYNC_WARN_HOURS 36
int sync_status(struct store *s, struct sync_status *out);

#endif
