/*
 * audit.h - the audit log: who did what, append-only and hash-chained.
 *
 * What is recorded (table audit, one row per event):
 *   - every journal entry (store_journal_row): records created or changed,
 *     stage transitions, reversals, daily closes and reopenings, user and
 *     rule changes.  The audit row is written by store_journal_row() in the
 *     same transaction, so no business action escapes it; kind is the
 *     journal kind ("payment.create"), target "table:rowid", journal_seq
 *     the journal entry and detail "sha256:<hex>" of the entry's payload;
 *   - events that change nothing else (audit_log): logins ("login"),
 *     failed logins ("login.fail", "login.locked"), logouts ("logout"),
 *     command-line sessions opened ("session.open") and used by a command
 *     ("login.session"; auth.h, `hall login`),
 *     exports ("export"), reads of a full ID number or phone
 *     ("pii.show"), backups and restores ("store.backup",
 *     "store.restore").
 * Each row also carries the hall, the store epoch, the UTC time, the
 * staff id and counter when known, and the Unix user (real uid) of the
 * process.
 *
 * Hash chain: hash = SHA-256 over the row's fields (audit_row_hash) and
 * prev_hash, the hash of the row before it (64 zeros for the first).  Ids
 * are consecutive (a new row takes max(id, sqlite_sequence) + 1, so the
 * gap left by a deleted last row stays visible).  Triggers refuse UPDATE
 * and DELETE.  audit_verify() recomputes everything and names the first
 * bad row: a row edited (its hash no longer matches), a row deleted (a gap
 * in the ids, or fewer rows than sqlite_sequence says), a row inserted or
 * a chain rewritten from some point (the link to the previous hash
 * breaks), and a journal entry edited or deleted behind its audit row.
 * Someone able to write the file could rebuild the whole chain from the
 * first row they change; the copy at the central store (sync) is the
 * anchor against that.
 *
 * Sync: audit rows reach the central through the journal.  A row made
 * from a journal entry is that entry (journal_seq; detail = the payload's
 * hash, so the central can recompute the row from the entry); a row of
 * audit_log() is journaled itself, as journal kind "audit.<kind>" with
 * table "audit" and the whole audit row (hash included) as payload, in the
 * same transaction.  So every audit row is keyed at the central by the
 * (hall, epoch, seq) of its journal entry.
 *
 * A central store (store_is_central) holds every hall's audit rows, keyed
 * (hall, id), beside its own: its own chain is the rows of its own hall
 * code '000' (its logins, failed logins, exports, user management), with
 * their own ids, each backed by a journal entry of hall '000' in the
 * central's epoch; the highest id it ever took is kept in its seq table
 * (name 'audit') in place of sqlite_sequence.  audit_log, audit_verify
 * and audit_show work on that chain only; the halls' chains are verified
 * at each hall.
 *
 * Logins from the command line (audit_defer_logins): a one-shot command
 * that logs in and then writes writes the login row in the transaction of
 * its first write instead of a transaction of its own, which saves one
 * disk sync per command; a command that writes nothing writes its login
 * row when the store is closed.  A process killed between its login and
 * its first commit loses that login row (it did nothing).
 */
#ifndef HALL_AUDIT_H
#define HALL_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/auth.h"
#include "hall/err.h"
#include "hall/store.h"

#define AUDIT_TARGET_MAX 200     /* bytes kept of a target */
#define AUDIT_DETAIL_MAX 1000    /* bytes kept of a detail */
#define AUDIT_REASON_MIN 2       /* characters of a reason to see an ID */
#define AUDIT_REASON_MAX 200

/* One audit row as stored.  Strings are never NULL ("" for none). */
struct audit_row {
	int64_t id;
	const char *hall;
	int64_t epoch;
	const char *at;             /* UTC "YYYY-MM-DDTHH:MM:SSZ" */
	const char *staff_id;       /* "" when none (e.g. unknown login id) */
	int counter;                /* 0 when none */
	int64_t uid;                /* Unix user; -1 when none */
	const char *kind;
	const char *target;
	const char *detail;
	int64_t journal_seq;        /* 0 when none */
	const char *prev_hash;
	const char *hash;
};

/* The hash of a row (every field but hash itself, prev_hash included):
 * SHA-256 of "hall-audit-1\n" and, for each field in the order of struct
 * audit_row, its byte length in decimal, ':', the bytes and '\n'
 * (integers as decimal text, "" for none).  out: 64 hex digits. */
void audit_row_hash(const struct audit_row *r, char out[65]);

/* Append an event that changes nothing else (login, export, ...): the
 * audit row and its journal entry.  actor may be NULL (then staff_id may
 * give the staff id, or NULL).  Inside the caller's write transaction if
 * one is open, else in a transaction of its own.  target and detail are
 * stored cut to AUDIT_TARGET_MAX / AUDIT_DETAIL_MAX bytes, with control
 * characters and invalid UTF-8 replaced (they can be hostile input, e.g.
 * a staff id typed at the login prompt). */
int audit_log(struct store *s, const struct hall_actor *actor,
              const char *staff_id, const char *kind, const char *target,
              const char *detail, struct hall_err *err);

/* For store_journal_row() only: append the row recording journal entry
 * seq (payload: the entry's JSON) in the open transaction. */
int audit_journal_entry(struct store *s, int64_t seq, const char *kind,
                        const char *table, int64_t rowid,
                        const char *staff_id, int counter, const char *at,
                        const char *payload, struct hall_err *err);

/* Logins on s are recorded with the next write (see above) when on; the
 * command line turns it on, the counter screen leaves it off. */
void audit_defer_logins(struct store *s, bool on);
/* Record a login (auth_login calls it): kind "login" (ok), "login.fail"
 * or "login.locked"; staff_id the account when it exists (else NULL),
 * typed what was typed as the id (kept as the target, cleaned).  A
 * successful login is deferred when asked and no transaction is open;
 * otherwise written at once (inside the open transaction if any).  On a
 * read-only store nothing can be written: HALL_OK, nothing recorded. */
int audit_login(struct store *s, const char *kind, const char *staff_id,
                const char *typed, const char *detail, struct hall_err *err);
/* For store.c only: a write transaction began (a deferred login row is
 * written into it), ended (committed or rolled back: a rolled-back login
 * row is deferred again), and the store is about to close (a login row
 * still deferred is written in a transaction of its own). */
void audit_txn_begin(struct store *s);
void audit_txn_end(struct store *s, bool committed);
void audit_store_closing(struct store *s);

/* The result of audit_verify. */
struct audit_verify {
	int64_t rows;               /* rows checked */
	int64_t last_id;
	int64_t bad_id;             /* first bad row, 0 when the log is clean */
	struct hall_err problem;    /* what is wrong with it, both languages */
};

/* Check the whole chain (and each journal entry behind a row).
 * Returns HALL_OK when the check ran (clean or not: see r->bad_id), an
 * error when the store could not be read.  actor NULL means the caller
 * reads the store file with their own rights (an administrator); else a
 * manager or admin. */
int audit_verify(struct store *s, const struct hall_actor *actor,
                 struct audit_verify *r, struct hall_err *err);

/* Filters of audit_show; empty strings and 0 mean "any". */
struct audit_filter {
	const char *staff_id;       /* exact staff id */
	const char *kind;           /* kind, or its prefix before a '.':
	                             * "login" matches login and login.fail */
	const char *from, *to;      /* local dates YYYY-MM-DD, both included */
	int64_t after_id;           /* rows with id > after_id */
	int limit;                  /* at most this many (0: 1000) */
};

/* Call fn for each row matching f, oldest first.  actor as in
 * audit_verify (manager or admin, or NULL for the file's own reader).
 * HALL_EINVAL for a malformed date. */
int audit_show(struct store *s, const struct hall_actor *actor,
               const struct audit_filter *f,
               void (*fn)(void *ud, const struct audit_row *r), void *ud,
               struct hall_err *err);

/* A customer's full ID number and phone.  A manager or admin may see them
 * (reason optional); a clerk must give a reason (AUDIT_REASON_MIN to
 * AUDIT_REASON_MAX characters, no control characters).  Every read is
 * recorded ("pii.show", target the account, detail the reason; never the
 * number itself) in the same transaction: no record, no number. */
struct audit_pii {
	char account_no[24];
	char name[244];
	char id_type[16];
	char id_number[40];
	char phone[32];
};
int audit_reveal(struct store *s, const struct hall_actor *actor,
                 const char *account_no, const char *reason,
                 struct audit_pii *out, struct hall_err *err);

#endif
