/* priv.c - the setgid start: clean environment, raised group only around
 * the store files (see priv.h). */
#include "hall/priv.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HALL_SYSCONFDIR
#define HALL_SYSCONFDIR "/etc"
#endif

extern char **environ;

static bool active;
static gid_t raised_gid, real_gid;
static int depth;
static mode_t user_umask;

static bool dangerous(const char *kv)
{
	/* PG*: libpq reads its connection settings (host, TLS roots, service
	 * files) from the environment with plain getenv */
	static const char *const prefixes[] = { "LD_", "MALLOC_", "DEMO_", "PG", NULL };
	static const char *const names[] = { "GCONV_PATH", "LOCPATH", "NLSPATH",
		"SQLITE_TMPDIR", "TMPDIR", "HALL_NOW", "HALL_BUSY_TIMEOUT_MS",
		/* the business date follows the server's zone, not the clerk's */
		"TZ",
		"HALL_FORMS", "HALL_CENTRAL", "HALL_CONFIG", NULL };
	for (const char *const *p = prefixes; *p; p++)
		if (strncmp(kv, *p, strlen(*p)) == 0)
			return true;
	size_t n = strcspn(kv, "=");
	for (const char *const *p = names; *p; p++)
		if (strlen(*p) == n && strncmp(kv, *p, n) == 0)
			return true;
	return false;
}

static void clean_environment(void)
{
	/* collect first: unsetenv() moves the entries of environ */
	for (;;) {
		char name[256] = "";
		for (char **e = environ; e && *e; e++)
			if (dangerous(*e)) {
				snprintf(name, sizeof name, "%.*s",
				         (int)strcspn(*e, "="), *e);
				break;
			}
		if (!name[0] || unsetenv(name) != 0)
			break;
	}
	struct stat sb;
	const char *conf = HALL_SYSCONFDIR "/hall/hall.conf";
	setenv("HALL_CONFIG", stat(conf, &sb) == 0 ? conf : "/dev/null", 1);
}

bool priv_init(void)
{
	real_gid = getgid();
	raised_gid = getegid();
	active = raised_gid != real_gid;
	if (!active)
		return true;
	clean_environment();
	user_umask = umask(007);
	umask(user_umask);
	/* setegid() leaves the saved gid (the raised group) in place:
	 * priv_raise() can take it back, nothing else in the process can
	 * use it by accident */
	if (setegid(real_gid) != 0)
		return false;
	return getegid() == real_gid;
}

bool priv_active(void)
{
	return active;
}

gid_t priv_group(void)
{
	return active ? raised_gid : getgid();
}

bool priv_raise(void)
{
	if (!active)
		return true;
	if (depth++ > 0)
		return true;
	if (setegid(raised_gid) != 0) {
		depth--;
		return false;
	}
	user_umask = umask(007);
	return true;
}

void priv_drop(void)
{
	if (!active || depth == 0)
		return;
	if (--depth > 0)
		return;
	umask(user_umask);
	if (setegid(real_gid) != 0 || getegid() != real_gid) {
		fputs("hall: cannot drop the hall group; stopping\n", stderr);
		abort();
	}
}

int priv_check_option(const char *name, struct hall_err *err)
{
	if (!active)
		return HALL_OK;
	return hall_err_set(err, HALL_EPERM, NULL,
		"选项 --%s 只能由系统管理员在 /etc/hall/hall.conf 中设置（hall 以 hall 组身份运行时不接受）",
		"the option --%s can only be set by the administrator in /etc/hall/hall.conf (not accepted while hall runs setgid)",
		name);
}

/* The real path of the folder that holds (or will hold) path. */
static bool real_dir(const char *path, char out[PATH_MAX])
{
	char dir[PATH_MAX];
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return false;
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	return realpath(dir, out) != NULL;
}

int priv_output_path_check(const char *path, const char *store_path,
                           struct hall_err *err)
{
	char out_dir[PATH_MAX], store_dir[PATH_MAX];
	if (!path || !store_path || !real_dir(path, out_dir) ||
	    !real_dir(store_path, store_dir))
		return HALL_OK;   /* nothing to compare: the create reports it */
	size_t n = strlen(store_dir);
	if (strcmp(out_dir, store_dir) == 0 ||
	    (strncmp(out_dir, store_dir, n) == 0 && out_dir[n] == '/' && n > 1))
		return hall_err_set(err, HALL_EPERM, NULL,
			"不能把文件 %s 写进数据库所在的文件夹 %s：请换一个文件夹",
			"will not write %s into the store's folder %s: choose another folder",
			path, store_dir);
	return HALL_OK;
}

/* Under AddressSanitizer (make check): a setgid process is not dumpable,
 * so the leak checker, which ptraces the process and reads
 * /proc/self/environ, cannot run and would turn every exit into a failure
 * (tests/t_priv.sh runs a real setgid copy).  Leak checking stays on for
 * every other run; a plain build never calls this. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return getegid() != getgid() ? "detect_leaks=0" : "";
}
