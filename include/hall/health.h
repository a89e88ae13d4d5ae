/*
 * health.h - a damaged store: found at start-up without slowing it, met
 * during work, remembered beside the store, and a session that turns
 * read-only with a message saying what the administrator must do.
 *
 * The check.  PRAGMA quick_check and foreign_key_check read every page:
 * 2-12 s on a 1,000,000-customer store, against the counter's 50 ms start
 * (issue #3).  So the counter starts at once and runs the check in the
 * background (health_watch_start): on a read-only connection of its own,
 * in a thread of its own at a lower CPU priority, inside one read
 * transaction (WAL: the counters keep writing meanwhile, and the clerk
 * works).  The counter screen polls it (health_watch_poll); when it finds
 * damage, the session turns read-only (health_apply).  Every counter start
 * runs it: a record of an earlier passing check would say nothing about
 * the disk since (damage comes from the disk, a crash of the machine or a
 * hand with sqlite3, none of which leaves a trace hall could trust), and
 * the check costs the counter nothing but CPU in the background.
 *
 * Damage met during work.  store_error() sees every SQLite error of the
 * store; SQLITE_CORRUPT or SQLITE_NOTADB turns the session read-only the
 * same way (health_note_corrupt), never a retry, never a crash.
 *
 * Read-only.  store_set_damaged(): the store reports store_readonly() (the
 * core then skips what it writes on its own: login counts, audit rows of
 * logins), PRAGMA query_only is set on the connection, and store_begin()
 * refuses every write with HALL_EDAMAGED and the damage message
 * (health_damage_msg).  Look-ups go on working as far as the damage
 * allows.  The command line exits with status 9 (hall_rc_exit).
 *
 * The mark.  Damage found by any counter, command or `hall check` is
 * written beside the store, in PATH-damaged (the store's folder, the hall
 * group's; written with the raised group, priv.h), naming the store file
 * (device and inode), when and by what it was found, the problem and the
 * latest backup (meta 'last_backup', set by hall backup).  store_open()
 * reads it: a store marked damaged opens read-only and damaged, for every
 * command and counter, at once (no check needed).  The mark is only ever
 * removed by a passing full check (`hall check` runs integrity_check when
 * the store is marked) or by `hall restore`, which makes a new store file;
 * a mark naming another file (the damaged store was moved aside and a
 * backup restored in its place) is stale and ignored.
 */
#ifndef HALL_HEALTH_H
#define HALL_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "hall/backup.h"
#include "hall/err.h"
#include "hall/store.h"

#define HEALTH_MARK_SUFFIX "-damaged"

/* What a mark says. */
struct health_mark {
	bool present;              /* a mark for this very store file */
	bool stale;                /* a mark for another file at this path */
	char found_at[32];         /* UTC */
	char by[32];               /* "counter", "check", "work" */
	char problem[256];
	char backup[512];          /* latest backup known, "" if none */
};

/* PATH-damaged for the store path (false if it does not fit). */
bool health_mark_path(const char *store_path, char *out, size_t outsz);

/* Read the mark of the store at path (call with the group raised when
 * setgid: store_open does).  No mark: m->present false. */
void health_mark_read(const char *path, struct health_mark *m);

/* Write (replace) the mark: temp file, fsync, rename, mode 660.  Raises
 * the group itself.  HALL_EIO when the folder is not writable (the
 * session is read-only all the same). */
int health_mark_write(const char *path, const char *by, const char *problem,
                      const char *backup, struct hall_err *err);

/* Remove the mark (a passing full check, a restore).  HALL_OK if there
 * was none. */
int health_mark_remove(const char *path, struct hall_err *err);

/* Where the administrator's part of the damage message starts (the
 * counter's banner puts it on a line of its own). */
#define HEALTH_ADMIN_ZH "管理员："
#define HEALTH_ADMIN_EN "Administrator:"

/* The message for a damaged store at path: read-only, what the clerk and
 * the administrator do, with the store's path and the latest backup
 * (BACKUP / 最近的备份 when unknown).  Code HALL_EDAMAGED. */
void health_damage_msg(const char *path, const char *backup,
                       struct hall_err *out);

/* The latest backup recorded in the store (meta 'last_backup'), read
 * without going through store_error (the store may be damaged). */
void health_latest_backup(struct store *s, char *out, size_t outsz);

/* Damage found in this session (by the background check, `hall check`,
 * or an error met during work): the session turns read-only with the
 * message, and the mark is written (by: "counter" for the background
 * check, "check" for `hall check`, "work" for an error met during work).
 * Idempotent. */
void health_apply(struct store *s, const char *by, const char *problem);

/* Called by store_error() for SQLITE_CORRUPT / SQLITE_NOTADB. */
void health_note_corrupt(struct store *s, const char *detail);

/* The background check. */
struct health_watch;

/* Start quick_check and foreign_key_check of s's file on a read-only
 * connection of its own (opened here, in the calling thread: the raised
 * group is process-wide) in a thread of its own.  progress, if given, is
 * called now and then from the check's thread (tests hold the check in it
 * to show that work goes on meanwhile).  An error if the connection or the
 * thread cannot be had (the counter then works on, unchecked, and says
 * so). */
int health_watch_start(struct store *s, void (*progress)(void *ud), void *ud,
                       struct health_watch **out, struct hall_err *err);

/* True once the check has ended; then r (may be NULL) gets its report and
 * *ran (may be NULL) whether it ran to its end (false: it could not run,
 * e.g. I/O error; the reason in r->problems[0]). */
bool health_watch_poll(struct health_watch *w, struct check_report *r,
                       bool *ran);

/* Stop the check if it still runs (sqlite3_interrupt), wait for its
 * thread, close its connection.  NULL is allowed. */
void health_watch_stop(struct health_watch *w);

#endif
