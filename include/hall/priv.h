/*
 * priv.h - running setgid: the raised group opens the store, nothing else.
 *
 * At a hall, `hall` is installed setgid to the group that owns the store
 * folder (`hall`, mode 2770) and the store file (660); clerks are not in
 * that group, so their Unix accounts reach the store only through `hall`
 * and their hall login.  priv_init(), the first call of main(), notices
 * the setgid start (effective gid != real gid), cleans the environment and
 * at once drops the effective gid to the real one.  From then on every
 * file the process creates (exports, receipts, the spool, backups) belongs
 * to the user and their own group.  store_open() and store_close() raise
 * the group for the moment they open the store files (the database, its
 * -wal and -shm, which SQLite opens once and keeps) and drop it again;
 * while raised the umask is 007, so store files are 660 and never readable
 * by others.
 *
 * Environment removed when privileged (and why):
 *   LD_*, GCONV_PATH, LOCPATH, NLSPATH, MALLOC_*  library loading (ld.so
 *                     strips most of them already: belt and braces)
 *   SQLITE_TMPDIR, TMPDIR   where SQLite writes temporary files (the store
 *                     uses temp_store = MEMORY anyway)
 *   HALL_NOW          the test clock: no back-dated records
 *   HALL_BUSY_TIMEOUT_MS    test knob
 *   HALL_FORMS        forms carry the validation rules: a clerk's own form
 *                     files could drop them; the installed forms (or
 *                     `forms =` in /etc/hall/hall.conf) are used
 *   HALL_CENTRAL      the sync target: a clerk could point it at a file of
 *                     their own and receive the whole journal
 *   HALL_CONFIG       only the system configuration (/etc/hall/hall.conf)
 *                     is read; a user's ~/.config/hall/hall.conf is not
 *   DEMO_*            demo builder knobs (one runs SQL)
 * and the options --forms and --central are refused (priv_check_option).
 *
 * When hall is not setgid (a developer, root, `sudo -g hall`, cron under
 * the hall group) every call here is a no-op: priv_active() is false.
 */
#ifndef HALL_PRIV_H
#define HALL_PRIV_H

#include <stdbool.h>
#include <sys/types.h>

#include "hall/err.h"

/* The first call of main(): if the process started setgid, clean the
 * environment, point HALL_CONFIG at the system file and drop the
 * effective gid to the real gid (the saved gid keeps the raised group).
 * Returns false (and the caller must exit) only if dropping failed. */
bool priv_init(void);

/* True when hall started setgid for a user other than its group. */
bool priv_active(void);

/* The raised group (the store's group) when active, else the real gid. */
gid_t priv_group(void);

/* Take the raised group back (and umask 007) for opening or closing the
 * store files; nests (a counter).  No-op when not active.  Returns false
 * if the kernel refused. */
bool priv_raise(void);
/* Undo one priv_raise(): at the outermost level, back to the real gid and
 * the user's umask.  Aborts the process if the group cannot be dropped:
 * carrying on privileged would break the promise above. */
void priv_drop(void);

/* Refuse, when active, a command-line option that would let the user
 * redirect what the privileged process trusts (--forms, --central):
 * HALL_EPERM with a message naming it; HALL_OK otherwise. */
int priv_check_option(const char *name, struct hall_err *err);

/* Check a path the process is about to create on the user's behalf (an
 * export, a backup, a receipt): never inside the store's folder.
 * HALL_EPERM with a message naming both, else HALL_OK.  store_path may
 * be NULL (nothing to compare). */
int priv_output_path_check(const char *path, const char *store_path,
                           struct hall_err *err);

#endif
