/* config.c - settings from the environment and the configuration file. */
#include "hall/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HALL_DATADIR
#define HALL_DATADIR "/usr/local/share/hall"
#endif
#ifndef HALL_SYSCONFDIR
#define HALL_SYSCONFDIR "/etc"
#endif

static void set(char *dst, size_t n, const char *v)
{
	snprintf(dst, n, "%s", v);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int parse_counter(const char *v, int *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > 99)
		return HALL_EINVAL;
	*out = (int)n;
	return HALL_OK;
}

static int read_file(struct hall_config *c, const char *path,
                     struct hall_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? HALL_OK
			: hall_err_set(err, HALL_ECONFIG, NULL, "无法读取配置文件 %s：%s",
			               "cannot read the configuration file %s: %s",
			               path, strerror(errno));
	set(c->file, sizeof c->file, path);
	char line[2048];
	int lineno = 0, rc = HALL_OK;
	while (rc == HALL_OK && fgets(line, sizeof line, f)) {
		lineno++;
		char *p = trim(line);
		if (!*p || *p == '#')
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			rc = hall_err_set(err, HALL_ECONFIG, NULL,
				"%s:%d: 应为“键 = 值”", "%s:%d: expected 'key = value'",
				path, lineno);
			break;
		}
		*eq = '\0';
		char *key = trim(p), *v = trim(eq + 1);
		if (strcmp(key, "db") == 0) {
			if (!c->db[0])
				set(c->db, sizeof c->db, v);
		} else if (strcmp(key, "forms") == 0) {
			if (!c->forms[0])
				set(c->forms, sizeof c->forms, v);
		} else if (strcmp(key, "central") == 0) {
			if (!c->central[0])
				set(c->central, sizeof c->central, v);
		} else if (strcmp(key, "lang") == 0) {
			if (!c->lang[0])
				set(c->lang, sizeof c->lang, v);
		} else if (strcmp(key, "counter") == 0) {
			if (!c->counter && parse_counter(v, &c->counter) != HALL_OK)
				rc = hall_err_set(err, HALL_ECONFIG, NULL,
					"%s:%d: 窗口号应为1至99", "%s:%d: counter must be 1 to 99",
					path, lineno);
		} else {
			rc = hall_err_set(err, HALL_ECONFIG, NULL,
				"%s:%d: 未知设置 %s（可用：db forms counter central lang）",
				"%s:%d: unknown setting %s (known: db forms counter central lang)",
				path, lineno, key);
		}
	}
	fclose(f);
	return rc;
}

int config_load(struct hall_config *c, struct hall_err *err)
{
	memset(c, 0, sizeof *c);
	const char *v;
	if ((v = getenv("HALL_DB")) && *v)
		set(c->db, sizeof c->db, v);
	if ((v = getenv("HALL_FORMS")) && *v)
		set(c->forms, sizeof c->forms, v);
	if ((v = getenv("HALL_CENTRAL")) && *v)
		set(c->central, sizeof c->central, v);
	if ((v = getenv("HALL_LANG")) && *v)
		set(c->lang, sizeof c->lang, v);
	if ((v = getenv("HALL_COUNTER")) && *v &&
	    parse_counter(v, &c->counter) != HALL_OK)
		return hall_err_set(err, HALL_ECONFIG, NULL,
			"HALL_COUNTER 应为1至99", "HALL_COUNTER must be 1 to 99");

	char path[CONFIG_PATH_MAX];
	if ((v = getenv("HALL_CONFIG")) && *v) {
		struct stat sb;
		if (stat(v, &sb) != 0)
			return hall_err_set(err, HALL_ECONFIG, NULL,
				"HALL_CONFIG 指向的配置文件 %s 不存在",
				"the configuration file %s named by HALL_CONFIG does not exist", v);
		return read_file(c, v, err);
	}
	const char *home = getenv("HOME");
	if (home && *home) {
		snprintf(path, sizeof path, "%s/.config/hall/hall.conf", home);
		if (access(path, F_OK) == 0)
			return read_file(c, path, err);
	}
	return read_file(c, HALL_SYSCONFDIR "/hall/hall.conf", err);
}

void config_default_forms(char *out, size_t outsz)
{
	struct stat sb;
	char exe[CONFIG_PATH_MAX];
	/* run from a source tree: build/hall or build/san/hall next to forms/ */
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = '\0';
			char cand[CONFIG_PATH_MAX + 32];
			snprintf(cand, sizeof cand, "%s/forms/payment.form", exe);
			if (stat(cand, &sb) == 0) {
				snprintf(out, outsz, "%s/forms", exe);
				return;
			}
		}
	}
	snprintf(out, outsz, "%s/forms", HALL_DATADIR);
}
