/*
 * tui.h - the counter screen (ncursesw), the entry point the CLI calls.
 *
 * `hall` with no command, or `hall counter`, calls tui_run() after
 * utf8_init(), hall_lang_from_env() and --lang.  Nothing outside src/tui
 * includes curses.
 */
#ifndef HALL_TUI_TUI_H
#define HALL_TUI_TUI_H

struct tui_options {
	const char *db_path;       /* the hall store */
	const char *forms_dir;     /* the .form files; NULL: $HALL_FORMS, then the
	                            * installed forms */
	int counter;               /* counter (window) number; 0 = ask, with
	                            * the number remembered for this terminal */
	int idle_lock_seconds;     /* lock after this long without a key;
	                            * 0 = never */
};

/* Open the store and the forms, run the counter screen until the clerk
 * quits or a signal (SIGTERM, SIGHUP, SIGINT) arrives, restore the
 * terminal.  A form in progress when a signal arrives is kept as a draft
 * and offered at the next login.  Returns a process exit status: 0, the
 * hall_rc_exit() of a start-up failure (message on stderr), or 128 + the
 * signal number. */
int tui_run(const struct tui_options *o);

#endif
