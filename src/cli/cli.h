/*
 * cli.h - shared pieces of the command-line front end (src/cli).
 *
 * Options may stand anywhere after the command: "--name value" or
 * "--name=value"; flags (--force, --help, ...) take no value.  Everything
 * else is positional.
 */
#ifndef HALL_CLI_H
#define HALL_CLI_H

#include <stdbool.h>

#include "hall/auth.h"
#include "hall/config.h"
#include "hall/err.h"
#include "hall/form.h"
#include "hall/store.h"

#define CLI_MAX_ARGS 256

struct cli {
	struct hall_config cfg;
	const char *cmd;
	const char *opt_key[CLI_MAX_ARGS];
	const char *opt_val[CLI_MAX_ARGS];
	int nopts;
	const char *pos[CLI_MAX_ARGS];
	int npos;
};

/* Parse argv[first..] into options and positionals; 0 or exit status 2. */
int cli_parse(struct cli *c, int argc, char **argv, int first);
/* Value of --name, or NULL. */
const char *cli_opt(const struct cli *c, const char *name);
bool cli_flag(const struct cli *c, const char *name);
/* Refuse options the command does not take (exit status 2). */
int cli_only(const struct cli *c, const char *const *allowed);

/* Print "hall: message" on stderr in the current language. */
void cli_error(const struct hall_err *e);
void cli_errorf(const char *zh, const char *en, ...);

/* The store path (--db, HALL_DB, configuration); NULL with a message. */
const char *cli_db_path(const struct cli *c);
int cli_open_store(const struct cli *c, enum store_mode mode,
                   struct store **out);
int cli_load_forms(const struct cli *c, struct form_set **out);

/* Log --user in: with env_var "HALL_PASSWORD" unset, by the user's session
 * (hall login) when there is one, else with the password from env_var or
 * a prompt on the terminal; counter from --counter, HALL_COUNTER, configuration, else 1.
 * Returns 0 or an exit status. */
int cli_login(const struct cli *c, struct store *s, const char *user,
              const char *env_var, const char *prompt_zh,
              const char *prompt_en, struct hall_actor *out);

/* cli_login without sessions: always the password (hall login, and every
 * approver's password, which a session must never stand in for). */
int cli_login_password(const struct cli *c, struct store *s, const char *user,
                       const char *env_var, const char *prompt_zh,
                       const char *prompt_en, struct hall_actor *out);
/* The token of user's session with this store from the user's private
 * session file (cmd_session.c): 1 found, 0 none, -1 refused (message
 * printed: the file is open to others). */
int cli_session_read(struct store *s, const char *user,
                     char token[AUTH_TOKEN_LEN + 1]);
/* Read a password from the terminal without echo; false if no terminal. */
bool cli_read_password(const char *prompt, char *out, size_t outsz);

/* From now on stdout goes through a filter that lets no terminal control
 * sequence through (outguard.c); every command but the counter screen. */
void cli_stdout_guard(void);

/* Progress on stderr when it is a terminal. */
void cli_progress(void *ud, long done, long total);
void cli_progress_end(void);

/* Commands: each returns the process exit status. */
int cmd_init(struct cli *c);
int cmd_user(struct cli *c);
int cmd_demo(struct cli *c);
int cmd_import(struct cli *c);
int cmd_submit(struct cli *c);
int cmd_find(struct cli *c);
int cmd_forms(struct cli *c);
/* cmd_session.c: hall login / hall logout */
int cmd_login(struct cli *c);
int cmd_logout(struct cli *c);
int cmd_counter(struct cli *c);
/* cmd_export.c: Excel workbooks for managers */
int cmd_export(struct cli *c);
int cmd_sync(struct cli *c);
int cmd_central(struct cli *c);
/* work orders (cmd_work.c) */
int cmd_advance(struct cli *c);
int cmd_worklist(struct cli *c);
int cmd_show(struct cli *c);
int cmd_calendar(struct cli *c);
int cmd_rules(struct cli *c);
int cmd_rectify(struct cli *c);
/* cmd_payment.c: the cash desk */
int cmd_bills(struct cli *c);
int cmd_receipt(struct cli *c);
int cmd_reprint(struct cli *c);
int cmd_reverse(struct cli *c);
int cmd_close_day(struct cli *c);
int cmd_reopen_day(struct cli *c);

#endif
