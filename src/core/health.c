/* health.c - damage found at start-up and during work; the mark beside
 * the store; the background check (see health.h). */
#include "hall/health.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hall/priv.h"
#include "hall/utf8.h"

/* ------------------------------------------------------------- mark */

bool health_mark_path(const char *store_path, char *out, size_t outsz)
{
	return store_path && *store_path &&
	       snprintf(out, outsz, "%s" HEALTH_MARK_SUFFIX, store_path) < (int)outsz;
}

/* One line of text for the mark and the screen: no control characters,
 * no newline. */
static void one_line(char *out, size_t outsz, const char *in)
{
	utf8_sanitize(out, outsz, in ? in : "", false);
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

void health_mark_read(const char *path, struct health_mark *m)
{
	memset(m, 0, sizeof *m);
	char mp[1100];
	if (!health_mark_path(path, mp, sizeof mp))
		return;
	FILE *f = fopen(mp, "re");
	if (!f)
		return;
	struct stat sb;
	bool have_file = stat(path, &sb) == 0;
	long long dev = -1, ino = -1;
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *eq = strchr(line, '=');
		if (line[0] == '#' || !eq)
			continue;
		*eq = '\0';
		const char *k = line, *v = eq + 1;
		if (strcmp(k, "dev") == 0)
			dev = strtoll(v, NULL, 10);
		else if (strcmp(k, "ino") == 0)
			ino = strtoll(v, NULL, 10);
		else if (strcmp(k, "found") == 0)
			one_line(m->found_at, sizeof m->found_at, v);
		else if (strcmp(k, "by") == 0)
			one_line(m->by, sizeof m->by, v);
		else if (strcmp(k, "problem") == 0)
			one_line(m->problem, sizeof m->problem, v);
		else if (strcmp(k, "backup") == 0)
			one_line(m->backup, sizeof m->backup, v);
	}
	fclose(f);
	/* the mark is about one file: a store restored in its place (a new
	 * file) is not damaged */
	if (have_file && dev == (long long)sb.st_dev && ino == (long long)sb.st_ino)
		m->present = true;
	else
		m->stale = true;
}

int health_mark_write(const char *path, const char *by, const char *problem,
                      const char *backup, struct hall_err *err)
{
	char mp[1100], tmp[1200], now[21], prob[256], bak[512];
	if (!health_mark_path(path, mp, sizeof mp) ||
	    snprintf(tmp, sizeof tmp, "%s.XXXXXX", mp) >= (int)sizeof tmp)
		return hall_err_set(err, HALL_EINVAL, NULL, "路径太长：%s", "path too long: %s", path);
	if (!priv_raise())
		return hall_err_set(err, HALL_EPERM, NULL, "无法取得 hall 组权限",
		                    "cannot take the hall group");
	struct stat sb;
	int rc = HALL_OK;
	int fd = stat(path, &sb) == 0 ? mkstemp(tmp) : -1;
	if (fd < 0) {
		rc = hall_err_set(err, HALL_EIO, NULL, "无法在数据库旁写下损坏记录 %s：%s",
		                  "cannot write the damage mark %s: %s", mp, strerror(errno));
		priv_drop();
		return rc;
	}
	store_now_utc(now);
	one_line(prob, sizeof prob, problem);
	one_line(bak, sizeof bak, backup);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		priv_drop();
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	fprintf(f, "# hall: 数据库已损坏 / the store is damaged.  Removed by a passing "
	           "`hall check` or by `hall restore`.\n"
	           "dev=%lld\nino=%lld\nfound=%s\nby=%s\nproblem=%s\nbackup=%s\n",
	        (long long)sb.st_dev, (long long)sb.st_ino, now, by ? by : "", prob, bak);
	bool ok = fflush(f) == 0 && fchmod(fd, 0660) == 0 && fsync(fd) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, mp) != 0) {
		rc = hall_err_set(err, HALL_EIO, NULL, "无法在数据库旁写下损坏记录 %s：%s",
		                  "cannot write the damage mark %s: %s", mp, strerror(errno));
		unlink(tmp);
	}
	priv_drop();
	return rc;
}

int health_mark_remove(const char *path, struct hall_err *err)
{
	char mp[1100];
	if (!health_mark_path(path, mp, sizeof mp))
		return HALL_OK;
	if (!priv_raise())
		return hall_err_set(err, HALL_EPERM, NULL, "无法取得 hall 组权限",
		                    "cannot take the hall group");
	int rc = HALL_OK;
	if (unlink(mp) != 0 && errno != ENOENT)
		rc = hall_err_set(err, HALL_EIO, NULL, "无法删除损坏记录 %s：%s",
		                  "cannot remove the damage mark %s: %s", mp, strerror(errno));
	priv_drop();
	return rc;
}

/* ---------------------------------------------------------- message */

void health_damage_msg(const char *path, const char *backup,
                       struct hall_err *out)
{
	char p[300], b[300], full[PATH_MAX];
	/* the administrator may be in another folder: the whole path */
	one_line(p, sizeof p, path && realpath(path, full) ? full : path);
	one_line(b, sizeof b, backup);
	bool known = b[0] != '\0';
	/* what the clerk reads first (a narrow line shows the start), then
	 * the administrator's steps with the paths */
	hall_err_set(out, HALL_EDAMAGED, NULL,
		"数据库已损坏，已改为只读：只能查询，不能保存。请通知系统管理员。"
		HEALTH_ADMIN_ZH "让各窗口退出 hall，运行 hall check --db %s；再把它连同 -wal、-shm 移开，"
		"运行 hall restore --from %s%.0s --db %s",
		"the store is damaged and now read-only: look-ups only, nothing can be saved. "
		"Call the administrator. " HEALTH_ADMIN_EN " have every counter leave hall, run hall check --db %s; "
		"then move it with its -wal and -shm aside and run hall restore --from %.0s%s --db %s",
		p, known ? b : "最近的备份", known ? b : "BACKUP", p);
}

void health_latest_backup(struct store *s, char *out, size_t outsz)
{
	if (outsz)
		out[0] = '\0';
	sqlite3_stmt *st = NULL;
	/* straight to SQLite: an error here must not come back through
	 * store_error (the store may be damaged) */
	if (sqlite3_prepare_v2(store_db(s), "SELECT value FROM meta WHERE key = 'last_backup'",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		one_line(out, outsz, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

void health_apply(struct store *s, const char *by, const char *problem)
{
	if (store_damaged(s))
		return;
	char backup[512];
	health_latest_backup(s, backup, sizeof backup);
	struct hall_err msg;
	health_damage_msg(store_path(s), backup, &msg);
	store_set_damaged(s, &msg);
	struct hall_err e;
	/* best effort: without rights on the folder the session is
	 * read-only all the same */
	health_mark_write(store_path(s), by, problem, backup, &e);
}

/* Set in the background check's thread: it reports damage through its
 * report, and only the main thread turns the session read-only and writes
 * the mark (raising the group is process-wide). */
static _Thread_local bool in_watch;

void health_note_corrupt(struct store *s, const char *detail)
{
	if (!in_watch)
		health_apply(s, "work", detail);
}

/* --------------------------------------------------- background check */

struct health_watch {
	struct store *conn;           /* read-only, the check's own */
	pthread_t thread;
	bool started;
	atomic_bool done;
	atomic_bool stopping;
	void (*progress)(void *ud);
	void *ud;
	struct check_report report;
	bool ran;
};

static int on_progress(void *ud)
{
	struct health_watch *w = ud;
	if (w->progress)
		w->progress(w->ud);
	return atomic_load(&w->stopping) ? 1 : 0;
}

static void *watch_main(void *arg)
{
	struct health_watch *w = arg;
	/* a background job: the counters' own work comes first (Linux: the
	 * nice value of this thread only) */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	in_watch = true;
	struct hall_err e;
	int rc = store_check(w->conn, false, &w->report, &e);
	w->ran = rc == HALL_OK;
	if (rc != HALL_OK) {
		w->report.ok = true;   /* no verdict */
		snprintf(w->report.problems[0], sizeof w->report.problems[0], "%s",
		         hall_err_msg(&e));
	}
	atomic_store(&w->done, true);
	return NULL;
}

int health_watch_start(struct store *s, void (*progress)(void *ud), void *ud,
                       struct health_watch **out, struct hall_err *err)
{
	*out = NULL;
	struct health_watch *w = calloc(1, sizeof *w);
	if (!w)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	atomic_init(&w->done, false);
	atomic_init(&w->stopping, false);
	w->progress = progress;
	w->ud = ud;
	int rc = store_open(store_path(s), STORE_RO, &w->conn, err);
	if (rc != HALL_OK) {
		free(w);
		return rc;
	}
	sqlite3_progress_handler(store_db(w->conn), 1000, on_progress, w);
	if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
		store_close(w->conn);
		free(w);
		return hall_err_set(err, HALL_ENOMEM, NULL, "无法启动后台检查",
		                    "cannot start the background check");
	}
	w->started = true;
	*out = w;
	return HALL_OK;
}

bool health_watch_poll(struct health_watch *w, struct check_report *r,
                       bool *ran)
{
	if (!w || !atomic_load(&w->done))
		return false;
	if (r)
		*r = w->report;
	if (ran)
		*ran = w->ran;
	return true;
}

void health_watch_stop(struct health_watch *w)
{
	if (!w)
		return;
	atomic_store(&w->stopping, true);
	if (w->started) {
		sqlite3_interrupt(store_db(w->conn));
		pthread_join(w->thread, NULL);
	}
	store_close(w->conn);
	free(w);
}
