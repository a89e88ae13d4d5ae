/*
 * app.h - the counter application: a stack of screens and one input loop.
 *
 * Each screen is a module with the same entry points (tig's view_ops, ncdu's
 * X_init/X_draw/X_key): open, draw, key, close, and optionally resume (it is
 * on top again), help (text for F1) and draft (save typed input when the
 * program must stop).  Overlays (dialogs, choice lists, help) are screens
 * drawn over the one below.  The loop (app_run) draws the whole stack, reads
 * one key from a key source (the terminal, or a script in tests), gives it
 * to the top screen, then applies the global keys (function keys on the
 * bottom bar).  Signals only set a flag, read at the top of the loop.
 */
#ifndef HALL_TUI_APP_H
#define HALL_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "hall/auth.h"
#include "hall/form.h"
#include "hall/store.h"
#include "tui/term.h"
#include "tui/tui.h"

struct app;
struct screen;

struct screen_ops {
	const char *name;
	/* Set up s->priv from arg; HALL_OK or an error (message in *err). */
	int (*open)(struct app *a, struct screen *s, const void *arg,
	            struct hall_err *err);
	/* Draw on stdscr between rows a->top and a->bottom; set a->cur_y/x to
	 * place the cursor (left at -1: hidden). */
	void (*draw)(struct app *a, struct screen *s);
	/* True if the key was used; false lets the global keys apply. */
	bool (*key)(struct app *a, struct screen *s, tkey k);
	void (*close)(struct app *a, struct screen *s);
	/* Optional. */
	void (*resume)(struct app *a, struct screen *s);
	void (*help)(struct app *a, struct screen *s, char *out, size_t outsz);
	/* Save typed input as a draft; true if something was saved. */
	bool (*draft)(struct app *a, struct screen *s);
	bool overlay;      /* drawn over the screen below */
	bool modal;        /* global keys do not apply while it is on top */
};

struct screen {
	const struct screen_ops *ops;
	void *priv;
	bool transient;    /* replaced rather than covered by the next screen */
};

#define APP_MAX_DEPTH 16

struct app {
	struct store *st;
	struct form_set *forms;
	struct tui_options opt;
	char forms_dir[512];
	char state_path[512];   /* where the counter number is remembered */

	bool logged_in;
	bool session_open;      /* a login not yet matched by auth_logout */
	struct hall_actor actor;
	struct form_set *stage_forms;   /* stageforms.c, parsed when first used */
	struct form_values draft;   /* draft offered after login */
	char draft_form[FORM_KEY_MAX];

	struct screen stack[APP_MAX_DEPTH];
	int depth;

	struct tui_keysrc keys;
	long (*clock_s)(void);  /* monotonic seconds (tests: a fake clock) */
	long last_input;
	int pending_signal;

	char msg[512];          /* status line, cleared by the next key */
	enum tui_color msg_color;

	int top, bottom;        /* content rows of the current frame */
	int cur_y, cur_x;       /* cursor wanted by the drawn screen */

	/* the store check running in the background (health.h); NULL when
	 * none runs.  Damage turns the session read-only: a banner under the
	 * top bar says so and what the administrator must do. */
	struct health_watch *watch;
	int banner_rows;        /* rows the banner takes in this frame */

	bool quit;
	int status;             /* exit status of tui_run */
	int frames;             /* frames drawn (tests) */
};

/* The screens (one module each). */
extern const struct screen_ops scr_login_ops;     /* scr_login.c */
extern const struct screen_ops scr_home_ops;      /* scr_home.c */
extern const struct screen_ops scr_form_ops;      /* scr_form.c */
extern const struct screen_ops scr_lookup_ops;    /* scr_lookup.c */
extern const struct screen_ops scr_customer_ops;  /* scr_customer.c */
extern const struct screen_ops scr_worklist_ops;  /* scr_worklist.c */
extern const struct screen_ops scr_workitem_ops;  /* scr_workitem.c */
extern const struct screen_ops scr_desk_ops;      /* scr_desk.c */
extern const struct screen_ops scr_receipt_ops;   /* scr_receipt.c */
extern const struct screen_ops scr_close_ops;     /* scr_close.c */
extern const struct screen_ops scr_export_ops;    /* scr_export.c */
extern const struct screen_ops dlg_approve_ops;   /* dlg_approve.c */
extern const struct screen_ops dlg_confirm_ops;   /* dlg.c */
extern const struct screen_ops dlg_help_ops;      /* dlg.c */
extern const struct screen_ops dlg_choice_ops;    /* dlg_choice.c */

/* Arguments of the screens that take one. */
struct login_arg {
	bool lock;              /* idle lock: only the current user's password */
};
struct form_arg {
	const struct form_def *def;
	const struct form_values *prefill;   /* may be NULL */
	bool from_draft;                     /* prefill is a draft: dirty */
	/* Optional: save the values (checked and normalised by the forms
	 * engine) through this instead of counter_submit; HALL_OK pops the
	 * form (the callee leaves a message), an error is shown under the
	 * field it names, else on the status line.  Such a form is never kept
	 * as a draft. */
	int (*save)(struct app *a, void *ud, const struct form_values *v,
	            struct hall_err *err);
	void *ud;
};
struct confirm_arg {
	const char *text;                    /* the question */
	bool default_yes;                    /* what Enter means */
	void (*done)(struct app *a, void *ud, bool yes);
	void *ud;
};
/* A manager approves at the clerk's counter (dlg_approve.c): staff id and
 * password are typed into the dialog and handed to approve(), which calls
 * the core (the core checks the password and the role).  HALL_OK closes the
 * dialog and then calls done(); an error is shown in the dialog, the
 * password is wiped, and the manager may try again or press Esc. */
struct approve_arg {
	const char *title;                   /* e.g. 冲正收据 SF... */
	const char *detail;                  /* one more line, may be NULL */
	int (*approve)(struct app *a, void *ud, const char *id,
	               const char *password, struct hall_err *err);
	void (*done)(struct app *a, void *ud);   /* may be NULL */
	void *ud;
};
struct help_arg {
	const char *field_help;              /* may be NULL */
};
struct choice_arg {
	const struct form_field *fld;
	const char *current;                 /* key now chosen, may be "" */
	tkey first_key;                      /* typed key that opened it, or 0 */
	void (*done)(struct app *a, void *ud, const char *key);  /* NULL key: cancelled */
	void *ud;
};

/* Create the application over an open store and loaded forms (neither is
 * owned).  keys NULL: the terminal. */
struct app *app_create(const struct tui_options *o, struct store *st,
                       struct form_set *forms, const struct tui_keysrc *keys);
void app_destroy(struct app *a);

/* Run the loop until the user quits, a signal arrives, or the key source
 * is exhausted (TK_EOF, tests).  Returns a->status. */
int app_run(struct app *a);
/* Start the background store check (tui_run, after the first frame). */
void app_health_start(struct app *a);
/* Take the check's verdict if it has ended (app_run does this before each
 * frame): damage turns the session read-only (health_apply). */
void app_health_poll(struct app *a);

/* Draw one frame (app_run does this before reading each key). */
void app_draw(struct app *a);
/* Handle one key as the loop does. */
void app_key(struct app *a, tkey k);

/* Screen stack. */
int app_push(struct app *a, const struct screen_ops *ops, const void *arg);
void app_pop(struct app *a);
struct screen *app_top(struct app *a);
struct screen *app_find(struct app *a, const struct screen_ops *ops);

/* Status line message (already translated text). */
void app_msg(struct app *a, enum tui_color c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void app_err(struct app *a, const struct hall_err *e);

/* Ask a yes/no question; done is called after the dialog closes. */
void app_confirm(struct app *a, const char *text, bool default_yes,
                 void (*done)(struct app *a, void *ud, bool yes), void *ud);

/* Open the counter form `name` (new-connection, change, payment,
 * complaint), prefilled with v (may be NULL). */
void app_open_form(struct app *a, const char *name,
                   const struct form_values *v);

/* Called by the login screen once the clerk is in. */
void app_login_done(struct app *a);
/* Record that the person at the counter left (auth_logout: an audit row),
 * once per login; on quit, a signal, the idle lock and app_destroy. */
void app_logout(struct app *a);
/* Lock the screen now (idle lock). */
void app_lock(struct app *a);
/* Save every form in progress as a draft (on a signal). */
int app_save_drafts(struct app *a);

/* Remembered counter number (per terminal user): 0 when none. */
int app_counter_load(const struct app *a);
void app_counter_save(const struct app *a, int counter);

/* Label of a stored key through the choices of a form field, e.g.
 * app_choice_label(a, "new-connection", "category", "residential");
 * returns key itself when there is no such choice. */
const char *app_choice_label(struct app *a, const char *form,
                             const char *field, const char *key);

/* "YYYY-MM-DD HH:MM" local from a stored UTC time ("" stays ""). */
void app_local_time(const char *utc, char out[17]);

/* The form of a work order's stage transition (stageforms.c): kind
 * "application", "change", "complaint" or "rectification"; NULL if none. */
const struct form_def *app_stage_form(struct app *a, const char *kind);

/* Ask for a manager's approval (pushes dlg_approve). */
void app_approve(struct app *a, const struct approve_arg *arg);

#endif
