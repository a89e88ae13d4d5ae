/*
 * cmd_session.c - `hall login` / `hall logout`: a clerk's password once per
 * shift instead of once per command.
 *
 * The token (auth.h) is kept in a file of the Unix user:
 *   $XDG_RUNTIME_DIR/hall/<hall>-<store id>-<staff id>
 * falling back to /run/user/UID.  Both are private tmpfs directories that
 * vanish at logout and reboot; the directory must belong to the user and
 * be closed to everyone else, the file is created 0600 with the user's own
 * rights (never with the raised group of a setgid install) and is ignored
 * unless it still is.  <store id> is a digest of the store's hall code and
 * creation time, so sessions of two stores never meet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "hall/sha256.h"
#include "hall/utf8.h"

static bool private_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_uid == getuid() && (st.st_mode & 077) == 0;
}

static bool staff_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n < 1 || n > AUTH_ID_MAX)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z')))
			return false;
	return true;
}

/* The session file's path; false when the user has no private runtime
 * directory (make_dir: create BASE/hall, which must then be private). */
static bool session_path(struct store *s, const char *user, bool make_dir,
                         char *out, size_t outsz)
{
	char base[CONFIG_PATH_MAX];
	const char *x = getenv("XDG_RUNTIME_DIR");
	if (x && x[0] == '/' && private_dir(x))
		snprintf(base, sizeof base, "%s", x);
	else {
		snprintf(base, sizeof base, "/run/user/%ld", (long)getuid());
		if (!private_dir(base))
			return false;
	}
	char dir[CONFIG_PATH_MAX + 8];
	snprintf(dir, sizeof dir, "%s/hall", base);
	if (make_dir && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return false;
	if (!private_dir(dir))
		return false;
	char created[32] = "", id[160];
	store_meta_get(s, "created_at", created, sizeof created);
	snprintf(id, sizeof id, "%s\n%s", store_hall_code(s), created);
	unsigned char d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];
	sha256(id, strlen(id), d);
	sha256_hex(d, hex);
	int n = snprintf(out, outsz, "%s/%s-%.12s-%s", dir, store_hall_code(s), hex, user);
	return n > 0 && (size_t)n < outsz;
}

int cli_session_read(struct store *s, const char *user,
                     char token[AUTH_TOKEN_LEN + 1])
{
	token[0] = '\0';
	char path[CONFIG_PATH_MAX + 64];
	if (!staff_id_ok(user) || !session_path(s, user, false, path, sizeof path))
		return 0;
	/* O_NONBLOCK: a FIFO planted there must not hang the command */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	struct stat st;
	char buf[AUTH_TOKEN_LEN + 2];
	ssize_t n = -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid()) {
		close(fd);
		cli_errorf("会话文件 %s 不是本用户的普通文件，已不使用；请删除它后重新 hall login",
		           "the session file %s is not a plain file of yours and was not used; delete it and run hall login again",
		           path);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		close(fd);
		cli_errorf("会话文件 %s 可被他人读写，已不使用；请删除它后重新 hall login",
		           "the session file %s is open to others and was not used; delete it and run hall login again",
		           path);
		return -1;
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n == AUTH_TOKEN_LEN + 1 && buf[AUTH_TOKEN_LEN] == '\n')
		n = AUTH_TOKEN_LEN;
	if (n == AUTH_TOKEN_LEN) {
		memcpy(token, buf, AUTH_TOKEN_LEN);
		token[AUTH_TOKEN_LEN] = '\0';
	}
	explicit_bzero(buf, sizeof buf);
	return n == AUTH_TOKEN_LEN;
}

static void session_remove(struct store *s, const char *user)
{
	char path[CONFIG_PATH_MAX + 64];
	if (staff_id_ok(user) && session_path(s, user, false, path, sizeof path))
		unlink(path);
}

/* The path to write user's session to, creating the directory; else a
 * message and an exit status. */
static int session_target(struct store *s, const char *user, char *path, size_t pathsz)
{
	if (!staff_id_ok(user) || !session_path(s, user, true, path, pathsz)) {
		cli_errorf("没有私有的运行目录（XDG_RUNTIME_DIR 或 /run/user/%ld，须属于本人且他人不可访问），无法保存会话；"
		           "请每条命令用 HALL_PASSWORD 或输入密码",
		           "no private runtime directory (XDG_RUNTIME_DIR or /run/user/%ld, owned by you and closed to others) "
		           "to keep the session in; give the password to each command (HALL_PASSWORD or the prompt)",
		           (long)getuid());
		return 7;
	}
	return 0;
}

/* Write the token: a 0600 temporary file in the same directory, synced,
 * then renamed over the old one. */
static int session_write(const char *path, const char *token)
{
	char tmp[CONFIG_PATH_MAX + 80];
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		cli_errorf("无法写会话文件 %s：%s", "cannot write the session file %s: %s",
		           tmp, strerror(errno));
		return 7;
	}
	char line[AUTH_TOKEN_LEN + 2];
	snprintf(line, sizeof line, "%s\n", token);
	bool ok = write(fd, line, AUTH_TOKEN_LEN + 1) == AUTH_TOKEN_LEN + 1 && fsync(fd) == 0;
	explicit_bzero(line, sizeof line);
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		int en = errno;
		unlink(tmp);
		cli_errorf("无法写会话文件 %s：%s", "cannot write the session file %s: %s",
		           path, strerror(en));
		return 7;
	}
	return 0;
}

int cmd_login(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "minutes", "lang", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	int minutes = AUTH_SESSION_MINUTES;
	const char *m = cli_opt(c, "minutes");
	if (m) {
		char *end;
		long v = strtol(m, &end, 10);
		if (!*m || *end || v < 1 || v > AUTH_SESSION_MAX_MINUTES) {
			cli_errorf("--minutes 会话时长应为1至%d分钟", "--minutes: the session lasts 1 to %d minutes",
			           AUTH_SESSION_MAX_MINUTES);
			return 2;
		}
		minutes = (int)v;
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RW, &s)))
		return rc;
	struct hall_actor actor;
	rc = cli_login_password(c, s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", &actor);
	if (rc) {
		store_close(s);
		return rc;
	}
	char path[CONFIG_PATH_MAX + 64];
	if ((rc = session_target(s, actor.user.id, path, sizeof path))) {
		store_close(s);
		return rc;
	}
	char token[AUTH_TOKEN_LEN + 1];
	struct hall_err e;
	int hrc = auth_session_open(s, &actor, (int64_t)getuid(), minutes, token, &e);
	if (hrc != HALL_OK) {
		cli_error(&e);
		store_close(s);
		return hall_rc_exit(hrc);
	}
	rc = session_write(path, token);
	if (rc) {
		/* a session nobody holds: end it at once */
		bool ended;
		auth_session_close(s, actor.user.id, token, (int64_t)getuid(), &ended, NULL);
	} else {
		printf(hall_tr("已登录：%s %s，会话 %d 分钟；此系统用户的 hall 命令不必再输密码，hall logout 结束会话\n",
		               "logged in: %s %s for %d minutes; hall commands of this Unix user need no password until then; hall logout ends it\n"),
		       actor.user.id, actor.user.name, minutes);
	}
	explicit_bzero(token, sizeof token);
	store_close(s);
	return rc;
}

int cmd_logout(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "lang", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *user = cli_opt(c, "user");
	if (!user || !*user) {
		cli_errorf("请用 --user 工号 指定操作员", "give the operator with --user ID");
		return 2;
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RW, &s)))
		return rc;
	char token[AUTH_TOKEN_LEN + 1];
	int have = cli_session_read(s, user, token);
	if (have != 1) {
		if (have == 0)
			printf("%s", hall_tr("没有会话\n", "no session\n"));
		store_close(s);
		return have == 0 ? 0 : 4;
	}
	/* the token is proof enough: end it whatever state the account is in */
	struct hall_err e;
	bool ended;
	int hrc = auth_session_close(s, user, token, (int64_t)getuid(), &ended, &e);
	explicit_bzero(token, sizeof token);
	if (hrc != HALL_OK) {
		cli_error(&e);    /* the file stays: the session may still be live */
		store_close(s);
		return hall_rc_exit(hrc);
	}
	session_remove(s, user);
	printf("%s", ended ? hall_tr("已结束会话\n", "session ended\n")
	                   : hall_tr("会话早已结束，已删除会话文件\n", "the session had already ended; its file is removed\n"));
	store_close(s);
	return 0;
}
