/*
 * backup.h - keeping the store safe: integrity checks, online backups and
 * the restore that starts a new store epoch.
 *
 * Check.  store_check() runs PRAGMA quick_check (or integrity_check when
 * full) and PRAGMA foreign_key_check.  quick_check reads every page, so
 * it costs about a second per 100 MB (see the README's figures): it runs
 * in the background when the counter screen starts (health_watch_start)
 * and in `hall check`, not on every command.  Damage found turns the
 * session read-only and is marked beside the store, so that every later
 * command and counter opens it read-only with a message telling the
 * administrator what to do (health.h); the commands meet SQLite's own
 * SQLITE_CORRUPT the same way (store_error).
 *
 * Backup.  backup_make() copies the live store with SQLite's backup API
 * in one step: one read transaction, a consistent snapshot, and in WAL
 * mode the counters keep writing meanwhile.  The copy goes to a temporary
 * file beside the target, is switched to a self-contained file
 * (journal_mode DELETE), checked with quick_check, synced, and only then
 * linked to its name, which never overwrites anything (link(2) fails if
 * the name exists).  The file is the caller's own (mode 600): it holds
 * the whole store.  The backup is audited ("store.backup") in the store
 * before the copy, so the backup holds the record of itself; once linked,
 * its full path is kept as meta 'last_backup' (named by the message a
 * damaged store shows).
 *
 * Restore.  backup_restore() checks the backup (integrity_check, a hall
 * store of this or an older schema), copies it to a temporary file in the
 * target folder, opens it (upgrading an older schema), starts a new store
 * epoch (store_new_epoch: the journal keys (hall, epoch, seq) of the
 * restored store never collide with those the central already holds from
 * the lost store), records "store.restore" in the audit log, checks it
 * again and links it to the store's name, never overwriting: the damaged
 * store must be moved aside first.  Business done after the backup was
 * taken is not in the restored store: what the central already received
 * from the lost store stays there (sync).
 */
#ifndef HALL_BACKUP_H
#define HALL_BACKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/auth.h"
#include "hall/err.h"
#include "hall/store.h"

#define CHECK_MAX_LINES 10

struct check_report {
	bool ok;                    /* no problem found */
	bool full;                  /* integrity_check (else quick_check) */
	int nproblems;              /* lines reported (at most CHECK_MAX_LINES kept) */
	char problems[CHECK_MAX_LINES][256];
	int64_t fk_violations;      /* rows of foreign_key_check */
	double seconds;             /* how long the check took */
};

/* Run quick_check (integrity_check when full) and foreign_key_check.
 * HALL_OK when the checks ran (r->ok tells the verdict); an error when
 * they could not run at all. */
int store_check(struct store *s, bool full, struct check_report *r,
                struct hall_err *err);

/* Open the store read-write and run store_check (quick), in the caller's
 * thread (the counter runs the check in the background instead:
 * health.h).  A damaged store (or one marked damaged) stays open
 * read-only: HALL_OK, *damaged true and msg (both languages) says what
 * the administrator must do; the damage is marked beside the store.
 * Errors as store_open. */
int backup_open_checked(const char *path, struct store **out, bool *damaged,
                        struct check_report *r, struct hall_err *msg,
                        struct hall_err *err);

/* What a backup or restore did. */
struct backup_info {
	int64_t bytes;              /* size of the new file */
	int64_t audit_rows;         /* audit rows in it */
	int64_t epoch_before, epoch_after;   /* restore: the new epoch */
	bool audited;               /* the action is in the audit log */
	double seconds;
};

/* Back the store up to the new file `to` (see above).  actor: who (NULL
 * for an administrator with direct rights on the store file; else a
 * manager or admin).  HALL_EEXIST if `to` exists, HALL_EPERM for a path
 * inside the store's folder, HALL_EIO for a full disk (nothing left
 * behind). */
int backup_make(struct store *s, const struct hall_actor *actor,
                const char *to, struct backup_info *info,
                struct hall_err *err);

/* Restore the backup `from` as the store `db_path` (see above).  Run by
 * the administrator with direct rights on the store folder: refused when
 * hall runs setgid for someone else (HALL_EPERM).  HALL_EEXIST if
 * db_path (or its -wal) exists, HALL_EVERSION for a file that is not a
 * hall store or from a newer hall, HALL_EDB for a damaged backup. */
int backup_restore(const char *from, const char *db_path,
                   struct backup_info *info, struct hall_err *err);

#endif
