/*
 * store.h - the hall store: one SQLite file shared by the counters of a hall.
 *
 * Opened in WAL mode with synchronous=FULL, foreign keys on and a busy
 * timeout.  Every write is a transaction started with BEGIN IMMEDIATE
 * (store_begin) so that a writer waits for the lock instead of failing
 * half-way.  The schema version lives in PRAGMA user_version: a newer binary
 * upgrades an older store in one transaction, an older binary refuses a
 * newer store.
 *
 * Every business action writes, in its own transaction, one or more journal
 * entries (store_journal_row): the hall code, the store epoch and a sequence
 * number key each entry, and the entry carries the full row as JSON, so the
 * nightly sync ships the journal and never diffs tables.
 */
#ifndef HALL_STORE_H
#define HALL_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "hall/err.h"

#define STORE_SCHEMA_VERSION 2
/* How long a writer waits for another counter; HALL_BUSY_TIMEOUT_MS in the
 * environment overrides it (tests). */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store;

enum store_mode {
	STORE_RW,  /* read and write; fails on a read-only file */
	STORE_RO,  /* read only (exports, look-up, damaged stores) */
};

/* Open an existing store.  Errors (with a message saying what to do):
 * HALL_EIO missing file / not readable / read-only when RW asked,
 * HALL_EVERSION store from a newer hall or not a hall store,
 * HALL_EBUSY locked past the timeout, HALL_EDB anything else. */
int store_open(const char *path, enum store_mode mode, struct store **out,
               struct hall_err *err);

/* Create a new store for a hall; refuses (HALL_EEXIST) if path exists.
 * hall_code: 3 digits (the prefix of the hall's account and record
 * numbers); hall_name: 1-60 characters. */
int store_create(const char *path, const char *hall_code,
                 const char *hall_name, struct store **out,
                 struct hall_err *err);

void store_close(struct store *s);

sqlite3 *store_db(struct store *s);
const char *store_path(const struct store *s);
const char *store_hall_code(const struct store *s);
const char *store_hall_name(const struct store *s);
int64_t store_epoch(const struct store *s);
bool store_readonly(const struct store *s);
/* A central store (sync_sqlite.c: meta role 'central', hall code '000'):
 * it holds every hall's rows, so its own staff, journal entries and audit
 * rows are those of its own hall code (auth.h, audit.h). */
bool store_is_central(const struct store *s);

/* A damaged store (health.h): found by the background check, `hall
 * check`, an SQLITE_CORRUPT met during work (store_error), or marked
 * beside the store (store_open opens such a store read-only and damaged).
 * store_set_damaged() turns the session read-only: store_readonly() is
 * true, PRAGMA query_only is set, and store_begin() (and store_error() for
 * a write SQLite refuses) returns HALL_EDAMAGED with msg, which
 * store_damage_msg() gives back (NULL while the store is sound). */
bool store_damaged(const struct store *s);
void store_set_damaged(struct store *s, const struct hall_err *msg);
const struct hall_err *store_damage_msg(const struct store *s);

/* Write transactions.  store_begin runs BEGIN IMMEDIATE (waits up to the
 * busy timeout for other counters).  store_rollback is safe to call when no
 * transaction is open. */
int store_begin(struct store *s, struct hall_err *err);
int store_commit(struct store *s, struct hall_err *err);
void store_rollback(struct store *s);

/* Turn the last SQLite error of s into err (HALL_EBUSY, HALL_EIO for a full
 * disk or read-only file, HALL_EDB otherwise); what names the operation
 * in both languages ("保存缴费" / "saving the payment").  Returns the code. */
int store_error(struct store *s, int rc, const char *what_zh,
                const char *what_en, struct hall_err *err);

/* Prepare a statement, cached for the life of the connection (reset and
 * bindings cleared on every call).  NULL on error (store_error filled). */
sqlite3_stmt *store_stmt(struct store *s, const char *sql,
                         struct hall_err *err);

/* Next value of a named gap-free counter (receipts, application numbers).
 * Must be called inside a write transaction: a rolled-back transaction
 * gives its number back, so numbers have no gaps. */
int store_next_seq(struct store *s, const char *name, int64_t *out,
                   struct hall_err *err);

/* Append a journal entry describing a business action: kind (e.g.
 * "payment.create"), the table and rowid of the row now written (its whole
 * row is copied into the entry as JSON), who, at which counter.  Inside a
 * write transaction. */
int store_journal_row(struct store *s, const char *kind, const char *table,
                      int64_t rowid, const char *staff_id, int counter,
                      struct hall_err *err);

/* Start a new store epoch (meta 'epoch' + 1, above any epoch in the
 * journal) in its own transaction: a store restored from a backup must do
 * this before it takes business, so that its journal keys (hall, epoch,
 * seq) never collide with entries the central already holds (sync.h).
 * Every command-line session (auth.h) of the store ends with it.
 * *out (may be NULL) gets the new epoch. */
int store_new_epoch(struct store *s, int64_t *out, struct hall_err *err);

/* Meta values (hall code, name, epoch, last sync ...). */
int store_meta_get(struct store *s, const char *key, char *out, size_t outsz);
int store_meta_set(struct store *s, const char *key, const char *value,
                   struct hall_err *err);

/* Current time as stored: UTC "YYYY-MM-DDTHH:MM:SSZ".  Local business date
 * "YYYY-MM-DD" (the TZ of the process, Asia/Shanghai at a hall).  The
 * environment variable HALL_NOW (UTC, same format) overrides the clock for
 * tests and demos. */
void store_now_utc(char out[21]);
void store_today_local(char out[11]);
/* Convert a stored UTC time to local "YYYY-MM-DD HH:MM". */
void store_local_time(const char *utc, char out[17]);

#endif
