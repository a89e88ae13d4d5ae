/* backup.c - integrity checks, online backup and restore (see backup.h). */
#include "hall/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "hall/audit.h"
#include "hall/health.h"
#include "hall/priv.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_problem(struct check_report *r, const char *fmt, const char *a,
                        long long b, const char *c)
{
	r->ok = false;
	if (r->nproblems < CHECK_MAX_LINES)
		snprintf(r->problems[r->nproblems], sizeof r->problems[0], fmt, a, b, c);
	r->nproblems++;
}

/* ------------------------------------------------------------- check */

int store_check(struct store *s, bool full, struct check_report *r,
                struct hall_err *err)
{
	memset(r, 0, sizeof *r);
	r->ok = true;
	r->full = full;
	double t0 = now_seconds();
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, full ? "PRAGMA integrity_check(100)"
	                                     : "PRAGMA quick_check(100)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *line = (const char *)sqlite3_column_text(st, 0);
			if (!line || strcmp(line, "ok") != 0)
				add_problem(r, "%s%.0lld%s", line ? line : "?", 0, "");
		}
	}
	sqlite3_finalize(st);
	int prim = rc & 0xff;
	if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB) {
		/* so damaged that the check itself stops: that is the verdict */
		add_problem(r, "%s%.0lld%s", sqlite3_errmsg(db), 0, "");
	} else if (rc != SQLITE_DONE) {
		return store_error(s, rc, "检查数据库", "checking the store", err);
	}
	if (prim != SQLITE_CORRUPT && prim != SQLITE_NOTADB) {
		st = NULL;
		rc = sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL);
		if (rc == SQLITE_OK) {
			while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				r->fk_violations++;
				add_problem(r, "foreign key: %s row %lld refers to a missing %s row",
				            (const char *)sqlite3_column_text(st, 0),
				            (long long)sqlite3_column_int64(st, 1),
				            (const char *)sqlite3_column_text(st, 2));
			}
		}
		sqlite3_finalize(st);
		prim = rc & 0xff;
		if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
			add_problem(r, "%s%.0lld%s", sqlite3_errmsg(db), 0, "");
		else if (rc != SQLITE_DONE)
			return store_error(s, rc, "检查数据库", "checking the store", err);
	}
	r->seconds = now_seconds() - t0;
	return HALL_OK;
}

int backup_open_checked(const char *path, struct store **out, bool *damaged,
                        struct check_report *r, struct hall_err *msg,
                        struct hall_err *err)
{
	*out = NULL;
	*damaged = false;
	hall_err_clear(msg);
	struct store *s;
	/* a store marked damaged opens read-only and damaged (health.h) */
	int rc = store_open(path, STORE_RW, &s, err);
	if (rc != HALL_OK)
		return rc;
	rc = store_check(s, false, r, err);
	if (rc != HALL_OK) {
		store_close(s);
		return rc;
	}
	if (!r->ok)
		health_apply(s, "check", r->problems[0]);
	if (store_damaged(s)) {
		*damaged = true;
		*msg = *store_damage_msg(s);
	}
	*out = s;
	return HALL_OK;
}

/* ------------------------------------------------------------ helpers */

static int db_error(sqlite3 *db, int rc, const char *zh, const char *en,
                    struct hall_err *err)
{
	const char *detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return hall_err_set(err, HALL_EIO, NULL,
			"%s%.0s失败：磁盘已满（%s），没有留下不完整的文件",
			"%.0s%s failed: the disk is full (%s); no partial file was left", zh, en, detail);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return hall_err_set(err, HALL_EIO, NULL,
			"%s%.0s失败：磁盘读写错误（%s），没有留下不完整的文件",
			"%.0s%s failed: disk error (%s); no partial file was left", zh, en, detail);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return hall_err_set(err, HALL_EDB, NULL, "%s%.0s失败：文件已损坏（%s）",
		                    "%.0s%s failed: the file is damaged (%s)", zh, en, detail);
	default:
		return hall_err_set(err, HALL_EDB, NULL, "%s%.0s失败：%s",
		                    "%.0s%s failed: %s", zh, en, detail);
	}
}

static void remove_temp(const char *tmp)
{
	char side[PATH_MAX + 16];
	unlink(tmp);
	snprintf(side, sizeof side, "%s-journal", tmp);
	unlink(side);
	snprintf(side, sizeof side, "%s-wal", tmp);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", tmp);
	unlink(side);
}

/* Sync a file and the folder it is in; size to *bytes. */
static int sync_file(const char *path, int64_t *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	struct stat sb;
	int rc = fsync(fd) == 0 && fstat(fd, &sb) == 0 ? 0 : -1;
	if (rc == 0 && bytes)
		*bytes = (int64_t)sb.st_size;
	close(fd);
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return rc;
}

/* A temporary name beside path, created empty (mode 600). */
static int make_temp(const char *path, const char *tag, char *out, size_t outsz,
                     struct hall_err *err)
{
	if (snprintf(out, outsz, "%s.%s-XXXXXX", path, tag) >= (int)outsz)
		return hall_err_set(err, HALL_EINVAL, NULL, "路径太长：%s",
		                    "path too long: %s", path);
	int fd = mkstemp(out);
	if (fd < 0)
		return hall_err_set(err, HALL_EIO, NULL, "无法在 %s 旁建立文件：%s",
		                    "cannot create a file beside %s: %s", path, strerror(errno));
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	close(fd);
	return HALL_OK;
}

/* Copy src into the empty file tmp in one step, switch it to a single
 * file (journal_mode DELETE) and quick_check it. */
static int copy_db(sqlite3 *src, const char *tmp, int64_t *audit_rows,
                   struct hall_err *err)
{
	sqlite3 *dst = NULL;
	int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		int code = db_error(dst, rc, "写备份文件", "writing the backup file", err);
		sqlite3_close_v2(dst);
		return code;
	}
	sqlite3_extended_result_codes(dst, 1);
	sqlite3_busy_timeout(dst, STORE_BUSY_TIMEOUT_MS);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		int code = db_error(dst, sqlite3_errcode(dst), "备份", "the backup", err);
		sqlite3_close_v2(dst);
		return code;
	}
	/* one step: one read transaction, one consistent snapshot; in WAL
	 * mode the counters write on meanwhile.  BUSY only while another
	 * connection holds an exclusive lock (a checkpoint restarting the
	 * WAL): wait and retry. */
	for (int tries = 0; tries < 50; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(100);
	}
	int frc = sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		rc = frc;
	if (rc == SQLITE_DONE || rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int code = db_error(dst, rc, "备份", "the backup", err);
		sqlite3_close_v2(dst);
		return code;
	}
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(dst, "PRAGMA quick_check", -1, &st, NULL);
	bool ok = rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	          strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	st = NULL;
	if (ok && sqlite3_prepare_v2(dst, "SELECT count(*) FROM audit", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		*audit_rows = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	int code = HALL_OK;
	if (!ok)
		code = hall_err_set(err, HALL_EDB, NULL, "备份文件检查未通过（quick_check）",
		                    "the backup file failed its check (quick_check)");
	if (sqlite3_close(dst) != SQLITE_OK && code == HALL_OK)
		code = hall_err_set(err, HALL_EIO, NULL, "无法关闭备份文件",
		                    "cannot close the backup file");
	return code;
}

/* ------------------------------------------------------------- backup */

int backup_make(struct store *s, const struct hall_actor *actor,
                const char *to, struct backup_info *info,
                struct hall_err *err)
{
	memset(info, 0, sizeof *info);
	double t0 = now_seconds();
	int rc;
	if (actor && (rc = auth_require(actor, ROLE_MANAGER, "备份数据库",
	                                "back up the store", err)) != HALL_OK)
		return rc;
	if (!to || !*to)
		return hall_err_set(err, HALL_EINVAL, "to", "备份文件：请用 --to 给出新文件的路径",
		                    "backup file: give the new file's path with --to");
	if ((rc = priv_output_path_check(to, store_path(s), err)) != HALL_OK)
		return rc;
	struct stat sb;
	if (lstat(to, &sb) == 0)
		return hall_err_set(err, HALL_EEXIST, "to", "%s 已存在，不会覆盖",
		                    "%s already exists; it is not overwritten", to);
	char tmp[PATH_MAX];
	if ((rc = make_temp(to, "partial", tmp, sizeof tmp, err)) != HALL_OK)
		return rc;
	/* the backup carries the record of itself */
	if (!store_readonly(s)) {
		struct hall_err ae;
		info->audited = audit_log(s, actor, NULL, "store.backup", to, "", &ae) == HALL_OK;
	}
	rc = copy_db(store_db(s), tmp, &info->audit_rows, err);
	if (rc == HALL_OK && sync_file(tmp, &info->bytes) != 0)
		rc = hall_err_set(err, HALL_EIO, NULL, "无法写入备份文件：%s",
		                  "cannot write the backup file: %s", strerror(errno));
	if (rc == HALL_OK && link(tmp, to) != 0)
		rc = hall_err_set(err, errno == EEXIST ? HALL_EEXIST : HALL_EIO, "to",
			"无法建立 %s：%s（不会覆盖已有文件）",
			"cannot create %s: %s (an existing file is never overwritten)",
			to, strerror(errno));
	remove_temp(tmp);
	if (rc == HALL_OK)
		sync_file(to, NULL);
	/* the latest backup, named in the message a damaged store shows
	 * (health.h); a backup that worked is not undone by a failure here */
	if (rc == HALL_OK && !store_readonly(s)) {
		char full[PATH_MAX];
		struct hall_err me;
		if (!realpath(to, full))
			snprintf(full, sizeof full, "%s", to);
		if (store_begin(s, &me) == HALL_OK) {
			if (store_meta_set(s, "last_backup", full, &me) == HALL_OK)
				store_commit(s, &me);
			else
				store_rollback(s);
		}
	}
	info->seconds = now_seconds() - t0;
	return rc;
}

/* ------------------------------------------------------------ restore */

/* The backup is a sound hall store this program can open. */
static int check_backup(sqlite3 *src, const char *from, struct hall_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t appid = 0, version = 0;
	int rc = sqlite3_prepare_v2(src, "SELECT (SELECT application_id FROM pragma_application_id),"
	                            " (SELECT user_version FROM pragma_user_version)", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		appid = sqlite3_column_int64(st, 0);
		version = sqlite3_column_int64(st, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_NOTADB)
		return db_error(src, rc, "读取备份", "reading the backup", err);
	if (rc != SQLITE_OK || appid != SCHEMA_APPLICATION_ID)
		return hall_err_set(err, HALL_EVERSION, "from", "%s 不是营业厅数据库的备份",
		                    "%s is not a backup of a hall store", from);
	if (version > STORE_SCHEMA_VERSION)
		return hall_err_set(err, HALL_EVERSION, "from",
			"备份 %s 来自更新版本的 hall（数据结构版本 %lld）：请用新版本恢复",
			"the backup %s comes from a newer hall (schema %lld): restore it with that version",
			from, (long long)version);
	st = NULL;
	rc = sqlite3_prepare_v2(src, "PRAGMA integrity_check(1)", -1, &st, NULL);
	bool ok = false;
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	if (!ok)
		return hall_err_set(err, HALL_EDB, "from",
			"备份 %s 已损坏（integrity_check 未通过）：请换一个备份",
			"the backup %s is damaged (integrity_check failed): use another backup", from);
	return HALL_OK;
}

int backup_restore(const char *from, const char *db_path,
                   struct backup_info *info, struct hall_err *err)
{
	memset(info, 0, sizeof *info);
	double t0 = now_seconds();
	if (priv_active())
		return hall_err_set(err, HALL_EPERM, NULL,
			"恢复只能由对数据库文件夹有直接权限的系统管理员进行（例如 sudo -g hall hall restore ...）",
			"a restore is for the administrator with direct rights on the store's folder (e.g. sudo -g hall hall restore ...)");
	if (!from || !*from || !db_path || !*db_path)
		return hall_err_set(err, HALL_EINVAL, NULL, "用法：hall restore --from 备份文件 --db 数据库路径",
		                    "usage: hall restore --from BACKUP --db PATH");
	struct stat sb;
	char side[PATH_MAX + 8];
	snprintf(side, sizeof side, "%s-wal", db_path);
	if (lstat(db_path, &sb) == 0 || lstat(side, &sb) == 0)
		return hall_err_set(err, HALL_EEXIST, "db",
			"%s 已存在，不会覆盖：请先把原数据库（连同 -wal、-shm 文件）移到别处，例如 mv %s %s.damaged",
			"%s already exists and is never overwritten: move the old store (with its -wal and -shm files) aside first, e.g. mv %s %s.damaged",
			db_path, db_path, db_path);
	sqlite3 *src = NULL;
	int rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		int code = hall_err_set(err, HALL_EIO, "from", "无法打开备份 %s：%s",
		                        "cannot open the backup %s: %s", from,
		                        src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		sqlite3_close_v2(src);
		return code;
	}
	sqlite3_extended_result_codes(src, 1);
	char tmp[PATH_MAX];
	int64_t rows = 0;
	rc = check_backup(src, from, err);
	if (rc == HALL_OK)
		rc = make_temp(db_path, "restore", tmp, sizeof tmp, err);
	if (rc != HALL_OK) {
		sqlite3_close_v2(src);
		return rc;
	}
	chmod(tmp, 0660);   /* the hall group's, like the store */
	rc = copy_db(src, tmp, &rows, err);
	sqlite3_close_v2(src);
	struct store *s = NULL;
	if (rc == HALL_OK)
		rc = store_open(tmp, STORE_RW, &s, err);
	if (rc == HALL_OK) {
		info->epoch_before = store_epoch(s);
		rc = store_new_epoch(s, &info->epoch_after, err);
	}
	if (rc == HALL_OK) {
		char detail[PATH_MAX + 64];
		snprintf(detail, sizeof detail, "epoch %lld -> %lld",
		         (long long)info->epoch_before, (long long)info->epoch_after);
		rc = audit_log(s, NULL, NULL, "store.restore", from, detail, err);
		info->audited = rc == HALL_OK;
	}
	if (rc == HALL_OK) {
		struct check_report r;
		rc = store_check(s, false, &r, err);
		if (rc == HALL_OK && !r.ok)
			rc = hall_err_set(err, HALL_EDB, NULL, "恢复后的数据库检查未通过：%s",
			                  "the restored store failed its check: %s", r.problems[0]);
	}
	if (rc == HALL_OK) {
		sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM audit", err);
		if (st && sqlite3_step(st) == SQLITE_ROW)
			info->audit_rows = sqlite3_column_int64(st, 0);
		if (st)
			sqlite3_reset(st);
	}
	store_close(s);   /* checkpoints: everything is in the one file */
	snprintf(side, sizeof side, "%s-wal", tmp);
	if (rc == HALL_OK && lstat(side, &sb) == 0)
		rc = hall_err_set(err, HALL_EIO, NULL, "恢复未完成：%s 仍在使用中",
		                  "the restore did not finish: %s is still in use", tmp);
	if (rc == HALL_OK && sync_file(tmp, &info->bytes) != 0)
		rc = hall_err_set(err, HALL_EIO, NULL, "无法写入 %s：%s",
		                  "cannot write %s: %s", tmp, strerror(errno));
	if (rc == HALL_OK && link(tmp, db_path) != 0)
		rc = hall_err_set(err, errno == EEXIST ? HALL_EEXIST : HALL_EIO, "db",
			"无法建立 %s：%s（不会覆盖已有文件）",
			"cannot create %s: %s (an existing file is never overwritten)",
			db_path, strerror(errno));
	remove_temp(tmp);
	if (rc == HALL_OK) {
		sync_file(db_path, NULL);
		/* a new store file: the damage mark of the one it replaces goes */
		struct hall_err me;
		health_mark_remove(db_path, &me);
	}
	info->seconds = now_seconds() - t0;
	return rc;
}
