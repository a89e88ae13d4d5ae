/*
 * tui.c - tui_run(): open the store and the forms, start the terminal, run
 * the screens, restore the terminal.  Nothing here scales with the size of
 * the store: the login screen appears after opening one file and reading
 * the form files.
 */
#include "tui/tui.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "hall/err.h"
#include "hall/form.h"
#include "hall/store.h"
#include "hall/utf8.h"
#include "tui/app.h"
#include "tui/term.h"

#ifndef HALL_DATADIR
#define HALL_DATADIR "/usr/local/share/hall"
#endif

static const char *forms_dir(const struct tui_options *o)
{
	const char *e;
	if (o->forms_dir && *o->forms_dir)
		return o->forms_dir;
	e = getenv("HALL_FORMS");
	if (e && *e)
		return e;
	return HALL_DATADIR "/forms";
}

int tui_run(const struct tui_options *o)
{
	struct hall_err err;
	struct store *st = NULL;
	struct form_set *forms = NULL;
	struct app *a;
	const char *why = NULL;
	int rc, status;

	setlocale(LC_ALL, "");
	if (!utf8_init()) {
		fprintf(stderr, "%s\n", hall_tr("需要 UTF-8 环境（例如 LANG=C.UTF-8）",
		                                "a UTF-8 locale is needed (e.g. LANG=C.UTF-8)"));
		return 1;
	}
	hall_err_clear(&err);
	if (!o || !o->db_path || !*o->db_path) {
		fprintf(stderr, "%s\n", hall_tr("没有指定营业厅数据库（--db 或 HALL_DB）",
		                                "no hall store given (--db or HALL_DB)"));
		return 2;
	}
	rc = formset_load_dir(forms_dir(o), &forms, &err);
	if (rc != HALL_OK) {
		fprintf(stderr, "hall: %s\n", hall_err_msg(&err));
		return hall_rc_exit(rc);
	}
	rc = store_open(o->db_path, STORE_RW, &st, &err);
	if (rc != HALL_OK) {
		fprintf(stderr, "hall: %s\n", hall_err_msg(&err));
		formset_free(forms);
		return hall_rc_exit(rc);
	}
	tui_signals_install();
	if (tui_term_start(&why) != 0) {
		fprintf(stderr, "hall: %s\n", why);
		tui_signals_uninstall();
		store_close(st);
		formset_free(forms);
		return 1;
	}
	a = app_create(o, st, forms, NULL);
	if (!a) {
		tui_term_end();
		tui_signals_uninstall();
		store_close(st);
		formset_free(forms);
		return 1;
	}
	struct login_arg la = { false };
	app_push(a, &scr_login_ops, &la);
	/* the login screen first; then the store check, in the background
	 * (health.h): the counter never waits for it */
	app_draw(a);
	app_health_start(a);
	status = app_run(a);
	app_destroy(a);
	tui_term_end();
	tui_signals_uninstall();
	store_close(st);
	formset_free(forms);
	return status;
}
