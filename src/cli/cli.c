/* cli.c - option parsing, errors, store and forms opening, login. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hall/audit.h"
#include "hall/utf8.h"

static const char *const flags[] = { "force", "help", "version", "overdue",
	"verify", "all", "sign", "show", "full", NULL };

static bool is_flag(const char *name)
{
	for (const char *const *f = flags; *f; f++)
		if (strcmp(*f, name) == 0)
			return true;
	return false;
}

int cli_parse(struct cli *c, int argc, char **argv, int first)
{
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (c->npos < CLI_MAX_ARGS)
				c->pos[c->npos++] = a;
			continue;
		}
		if (c->nopts == CLI_MAX_ARGS) {
			cli_errorf("参数太多", "too many arguments");
			return 2;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		static char keys[CLI_MAX_ARGS][64];
		if (eq) {
			snprintf(keys[c->nopts], sizeof keys[0], "%.*s", (int)(eq - name), name);
			c->opt_key[c->nopts] = keys[c->nopts];
			c->opt_val[c->nopts++] = eq + 1;
		} else if (is_flag(name)) {
			c->opt_key[c->nopts] = name;
			c->opt_val[c->nopts++] = "";
		} else if (i + 1 < argc) {
			c->opt_key[c->nopts] = name;
			c->opt_val[c->nopts++] = argv[++i];
		} else {
			cli_errorf("选项 --%s 需要一个值", "option --%s needs a value", name);
			return 2;
		}
	}
	return 0;
}

const char *cli_opt(const struct cli *c, const char *name)
{
	for (int i = c->nopts - 1; i >= 0; i--)
		if (strcmp(c->opt_key[i], name) == 0)
			return c->opt_val[i];
	return NULL;
}

bool cli_flag(const struct cli *c, const char *name)
{
	return cli_opt(c, name) != NULL;
}

int cli_only(const struct cli *c, const char *const *allowed)
{
	for (int i = 0; i < c->nopts; i++) {
		bool ok = strcmp(c->opt_key[i], "lang") == 0 ||
		          strcmp(c->opt_key[i], "forms") == 0 ||
		          strcmp(c->opt_key[i], "help") == 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, c->opt_key[i]) == 0;
		if (!ok) {
			cli_errorf("%s 不接受选项 --%s（见 hall help %s）",
			           "%s does not take the option --%s (see hall help %s)",
			           c->cmd, c->opt_key[i], c->cmd);
			return 2;
		}
	}
	return 0;
}

void cli_error(const struct hall_err *e)
{
	cli_progress_end();
	/* a message may quote input (a form file, a typed value): never raw
	 * control characters to the terminal */
	char safe[HALL_ERR_TEXT * 3];
	utf8_sanitize(safe, sizeof safe, hall_err_msg(e), false);
	fprintf(stderr, "hall: %s\n", safe);
}

void cli_errorf(const char *zh, const char *en, ...)
{
	struct hall_err e;
	char text[HALL_ERR_TEXT];
	va_list ap;
	va_start(ap, en);
	/* both formats take the same arguments in the same order */
	vsnprintf(text, sizeof text, hall_lang() == HALL_LANG_ZH ? zh : en, ap);
	va_end(ap);
	hall_err_set(&e, HALL_EINVAL, NULL, "%s", "%s", text, text);
	cli_error(&e);
}

const char *cli_db_path(const struct cli *c)
{
	const char *db = cli_opt(c, "db");
	if (db && *db)
		return db;
	if (c->cfg.db[0])
		return c->cfg.db;
	cli_errorf("未指定数据库：请用 --db 路径，或设置环境变量 HALL_DB，"
	           "或在配置文件（~/.config/hall/hall.conf 或 /etc/hall/hall.conf）中写 db = 路径",
	           "no store given: use --db PATH, set HALL_DB, or write db = PATH "
	           "in the configuration file (~/.config/hall/hall.conf or /etc/hall/hall.conf)");
	return NULL;
}

int cli_open_store(const struct cli *c, enum store_mode mode,
                   struct store **out)
{
	const char *db = cli_db_path(c);
	if (!db)
		return 2;
	struct hall_err e;
	int rc = store_open(db, mode, out, &e);
	if (rc != HALL_OK) {
		cli_error(&e);
		return hall_rc_exit(rc);
	}
	/* known damaged (health.h): open read-only; a write is refused with
	 * the whole message and exit status 9 */
	if (store_damaged(*out))
		cli_errorf("注意：数据库 %s 已损坏，只能查询（见 hall check）",
		           "note: the store %s is damaged; look-ups only (see hall check)", db);
	return 0;
}

int cli_load_forms(const struct cli *c, struct form_set **out)
{
	char dir[CONFIG_PATH_MAX];
	const char *opt = cli_opt(c, "forms");
	if (opt && *opt)
		snprintf(dir, sizeof dir, "%s", opt);
	else if (c->cfg.forms[0])
		snprintf(dir, sizeof dir, "%s", c->cfg.forms);
	else
		config_default_forms(dir, sizeof dir);
	struct hall_err e;
	int rc = formset_load_dir(dir, out, &e);
	if (rc != HALL_OK) {
		cli_error(&e);
		cli_errorf("表单定义有误，程序不能启动。请管理员用 hall forms check %s 检查",
		           "a form definition is broken; hall will not start. Ask the administrator to run hall forms check %s",
		           dir);
		return hall_rc_exit(rc);
	}
	return 0;
}

bool cli_read_password(const char *prompt, char *out, size_t outsz)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return false;
	struct termios old, noecho;
	int fd = fileno(tty);
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &noecho);
	}
	fputs(prompt, tty);
	fflush(tty);
	bool ok = fgets(out, (int)outsz, tty) != NULL;
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	if (ok)
		out[strcspn(out, "\r\n")] = '\0';
	return ok;
}

static int login_counter(const struct cli *c, struct hall_actor *out)
{
	const char *cn = cli_opt(c, "counter");
	out->counter = c->cfg.counter ? c->cfg.counter : 1;
	if (cn) {
		char *end;
		long n = strtol(cn, &end, 10);
		if (*cn == '\0' || *end || n < 1 || n > 99) {
			cli_errorf("--counter 窗口号应为1至99", "--counter must be 1 to 99");
			return 2;
		}
		out->counter = (int)n;
	}
	return 0;
}

int cli_login(const struct cli *c, struct store *s, const char *user,
              const char *env_var, const char *prompt_zh,
              const char *prompt_en, struct hall_actor *out)
{
	memset(out, 0, sizeof *out);
	if (!user || !*user || strcmp(env_var, "HALL_PASSWORD") != 0 || getenv(env_var))
		return cli_login_password(c, s, user, env_var, prompt_zh, prompt_en, out);
	char token[AUTH_TOKEN_LEN + 1];
	int have = cli_session_read(s, user, token);
	if (have < 0 && !isatty(STDIN_FILENO))
		return 4;
	if (have <= 0)     /* none, or refused (said why): the password */
		return cli_login_password(c, s, user, env_var, prompt_zh, prompt_en, out);
	struct hall_err e;
	audit_defer_logins(s, true);
	int rc = auth_session_check(s, user, token, (int64_t)getuid(), &out->user, &e);
	explicit_bzero(token, sizeof token);
	if (rc == HALL_OK)
		return login_counter(c, out);
	/* an ended session: say why, then ask for the password if we can */
	cli_error(&e);
	if (!isatty(STDIN_FILENO))
		return hall_rc_exit(rc);
	return cli_login_password(c, s, user, env_var, prompt_zh, prompt_en, out);
}

int cli_login_password(const struct cli *c, struct store *s, const char *user,
                       const char *env_var, const char *prompt_zh,
                       const char *prompt_en, struct hall_actor *out)
{
	memset(out, 0, sizeof *out);
	if (!user || !*user) {
		cli_errorf("请用 --user 工号 指定操作员", "give the operator with --user ID");
		return 2;
	}
	char pw[256];
	const char *env = getenv(env_var);
	if (env)
		snprintf(pw, sizeof pw, "%s", env);
	else {
		char prompt[128];
		snprintf(prompt, sizeof prompt, "%s", hall_tr(prompt_zh, prompt_en));
		if (!cli_read_password(prompt, pw, sizeof pw)) {
			if (strcmp(env_var, "HALL_PASSWORD") == 0)
				cli_errorf("需要密码：没有终端可以输入，请先 hall login 开会话，或设置环境变量 %s",
				           "a password is needed: no terminal to ask on; open a session with hall login, or set %s",
				           env_var);
			else
				cli_errorf("需要密码：没有终端可以输入，请设置环境变量 %s",
				           "a password is needed: no terminal to ask on; set %s",
				           env_var);
			return 4;
		}
	}
	struct hall_err e;
	/* one-shot command: the login's audit row rides in its first write */
	audit_defer_logins(s, true);
	int rc = auth_login(s, user, pw, &out->user, &e);
	explicit_bzero(pw, sizeof pw);
	if (rc != HALL_OK) {
		cli_error(&e);
		return hall_rc_exit(rc);
	}
	return login_counter(c, out);
}

static bool progress_shown;

void cli_progress(void *ud, long done, long total)
{
	(void)ud;
	if (!isatty(STDERR_FILENO) || total <= 0)
		return;
	fprintf(stderr, "\r%s %3ld%% (%ld/%ld)", hall_tr("进度", "progress"),
	        done * 100 / total, done, total);
	fflush(stderr);
	progress_shown = true;
}

void cli_progress_end(void)
{
	if (progress_shown) {
		fputc('\n', stderr);
		progress_shown = false;
	}
}
