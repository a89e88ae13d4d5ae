/*
 * scr_form.c - a counter form, drawn entirely from its struct form_def
 * (a .form file): no layout in C.  Labels in the chosen language, one field
 * a row, the message about a field under it.  The rules are the forms
 * engine's: form_field_check() when leaving a field, counter_submit() on
 * F10, form_field_visible() for conditional fields, form_field_fixed_len_in()
 * to move on when a fixed-length value is complete.
 *
 * The payment form also shows what the account typed owes as of today
 * (due.c: payment_due_get) below its fields, and prints the receipt after
 * the save (payment_receipt_print).  A form opened with a save callback
 * (the stage of a work order, scr_workitem.c) is saved through it instead
 * of counter_submit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/counter.h"
#include "hall/money.h"
#include "hall/payment.h"
#include "tui/app.h"
#include "tui/bigtext.h"
#include "tui/due.h"
#include "tui/widget.h"

struct ffield {
	const struct form_field *def;
	struct edit ed;                 /* typed text (not for choices) */
	char choice[FORM_KEY_MAX];      /* chosen key (choice fields) */
	char err[HALL_ERR_TEXT];        /* message shown under the field */
	bool touched;                   /* edited since it got the focus */
	bool visible;
};

struct fscreen {
	const struct form_def *def;
	struct ffield *f;
	int n;
	int focus;
	int scroll;                     /* first layout row shown */
	bool dirty;                     /* the clerk typed something */
	bool saved;
	struct counter_result res;
	struct form_values vals;        /* scratch for the engine calls */
	struct form_ctx ctx;
	char norm[FORM_VALUE_MAX];
	int (*save)(struct app *a, void *ud, const struct form_values *v,
	            struct hall_err *err);
	void *save_ud;
	bool payment;                   /* the payment form */
	int account_field;              /* index of account_no, -1 if none */
	struct due_view due;            /* what that account owes today */
	bool print_ok;                  /* after a payment: receipt printed */
	char print_msg[HALL_ERR_TEXT];
};

static const char *value_of(const struct ffield *f)
{
	return f->def->type == FT_CHOICE ? f->choice : edit_text(&f->ed);
}

static bool is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* Values the clerk has now: every field, or only the visible ones. */
static void build_values(struct fscreen *fs, bool visible_only)
{
	form_values_clear(&fs->vals);
	for (int i = 0; i < fs->n; i++) {
		const char *v = value_of(&fs->f[i]);
		if (is_blank(v) || (visible_only && !fs->f[i].visible))
			continue;
		form_values_set(&fs->vals, fs->f[i].def->key, v);
	}
}

static int next_visible(const struct fscreen *fs, int from, int dir)
{
	for (int i = from + dir; i >= 0 && i < fs->n; i += dir)
		if (fs->f[i].visible)
			return i;
	return -1;
}

/* Conditional fields: evaluate show-when over all values, then again over
 * the values of the fields found visible (a hidden field's old value must
 * not keep another field shown). */
static void update_visibility(struct fscreen *fs)
{
	for (int pass = 0; pass < 2; pass++) {
		build_values(fs, pass == 1);
		for (int i = 0; i < fs->n; i++)
			fs->f[i].visible = form_field_visible(fs->f[i].def,
			                                      &fs->vals);
	}
	for (int i = 0; i < fs->n; i++)
		if (!fs->f[i].visible)
			fs->f[i].err[0] = '\0';
	if (fs->focus < 0 || fs->focus >= fs->n || !fs->f[fs->focus].visible) {
		int nx = next_visible(fs, fs->focus, 1);
		if (nx < 0)
			nx = next_visible(fs, fs->focus < fs->n ? fs->focus : fs->n, -1);
		fs->focus = nx < 0 ? 0 : nx;
	}
}

/* Check one field with the engine; the message goes under it. */
static bool check_field(struct fscreen *fs, int i)
{
	struct ffield *f = &fs->f[i];
	struct hall_err err;

	hall_err_clear(&err);
	build_values(fs, true);
	if (form_field_check(f->def, value_of(f), &fs->vals, &fs->ctx, fs->norm,
	                     sizeof fs->norm, &err) != HALL_OK) {
		snprintf(f->err, sizeof f->err, "%s", hall_err_msg(&err));
		return false;
	}
	f->err[0] = '\0';
	return true;
}

/* Leaving field i: check it if the clerk typed in it, it has a value, or
 * it already had a message (an untouched empty field is left alone until
 * F10). */
static void leave_field(struct fscreen *fs, int i)
{
	struct ffield *f = &fs->f[i];
	if (f->touched || f->err[0] || !is_blank(value_of(f)))
		check_field(fs, i);
	f->touched = false;
}

/* The payment form: after the account field was left, show what the
 * account owes (once per account typed). */
static void update_due(struct app *a, struct fscreen *fs)
{
	const struct ffield *f;

	if (!fs->payment || fs->account_field < 0)
		return;
	f = &fs->f[fs->account_field];
	if (f->err[0] || is_blank(value_of(f))) {
		due_clear(&fs->due);
		return;
	}
	if (strcmp(value_of(f), fs->due.account_no))
		due_load(a, &fs->due, value_of(f));
}

static void move_focus(struct app *a, struct fscreen *fs, int dir)
{
	int nx = next_visible(fs, fs->focus, dir);
	leave_field(fs, fs->focus);
	update_due(a, fs);
	update_visibility(fs);
	if (nx < 0 || !fs->f[nx].visible) {
		nx = next_visible(fs, fs->focus, dir);
	}
	if (nx < 0) {
		if (dir > 0)
			app_msg(a, TC_DIM, "%s", hall_tr("已是最后一栏，按 F10 保存",
			                                 "last field: F10 saves"));
		return;
	}
	fs->focus = nx;
}

static void set_value(struct ffield *f, const char *v)
{
	if (f->def->type == FT_CHOICE) {
		if (form_choice_find(f->def, v))
			snprintf(f->choice, sizeof f->choice, "%s", v);
	} else {
		edit_set(&f->ed, v);
	}
}

static int fs_open(struct app *a, struct screen *s, const void *arg,
                   struct hall_err *err)
{
	const struct form_arg *fa = arg;
	struct fscreen *fs;

	if (!fa || !fa->def)
		return hall_err_set(err, HALL_ENOTFOUND, NULL, "没有这张表单",
		                    "no such form");
	fs = calloc(1, sizeof *fs);
	if (!fs)
		return HALL_ENOMEM;
	s->priv = fs;
	fs->def = fa->def;
	fs->save = fa->save;
	fs->save_ud = fa->ud;
	fs->payment = !strcmp(fa->def->action, "payment") && !fa->save;
	fs->account_field = -1;
	fs->n = fa->def->nfields;
	fs->f = calloc((size_t)(fs->n > 0 ? fs->n : 1), sizeof *fs->f);
	if (!fs->f)
		return HALL_ENOMEM;
	form_values_init(&fs->vals);
	counter_form_ctx(a->st, &fs->ctx);
	for (int i = 0; i < fs->n; i++) {
		struct ffield *f = &fs->f[i];
		f->def = &fa->def->fields[i];
		if (!strcmp(f->def->key, "account_no"))
			fs->account_field = i;
		edit_init(&f->ed, f->def->max_len > 0 ? f->def->max_len
		                                      : FORM_LENGTH_MAX);
		if (f->def->default_value[0])
			set_value(f, f->def->default_value);
	}
	if (fa->prefill)
		for (int i = 0; i < fa->prefill->n; i++) {
			const struct form_field *d =
				form_field_find(fa->def, fa->prefill->keys[i]);
			if (d)
				set_value(&fs->f[d - fa->def->fields],
				          fa->prefill->vals[i]);
		}
	fs->dirty = fa->from_draft;
	fs->focus = 0;
	update_visibility(fs);
	/* Start on the first empty visible field (a prefilled account number
	 * is skipped). */
	for (int i = 0; i < fs->n; i++)
		if (fs->f[i].visible && is_blank(value_of(&fs->f[i]))) {
			fs->focus = i;
			break;
		}
	if (fs->payment && fs->account_field >= 0 &&
	    !is_blank(value_of(&fs->f[fs->account_field])) &&
	    check_field(fs, fs->account_field))
		update_due(a, fs);
	return HALL_OK;
}

static void fs_close(struct app *a, struct screen *s)
{
	struct fscreen *fs = s->priv;
	(void)a;
	if (!fs)
		return;
	for (int i = 0; fs->f && i < fs->n; i++)
		edit_free(&fs->f[i].ed);
	free(fs->f);
	form_values_free(&fs->vals);
	due_clear(&fs->due);
	free(fs);
	s->priv = NULL;
}

/* ------------------------------------------------------------- layout */

static int label_cols(const struct fscreen *fs)
{
	int w = 8;
	for (int i = 0; i < fs->n; i++) {
		int lw = tui_width(form_label(fs->f[i].def));
		if (lw > w)
			w = lw;
	}
	w += 2 + 2;   /* "* " before, "：" after */
	return w > 28 ? 28 : w;
}

static int field_cols(const struct ffield *f, int avail)
{
	const struct form_field *d = f->def;
	int w = d->width;

	if (w <= 0) {
		switch (d->type) {
		case FT_CHOICE:
			w = tui_width(hall_tr("（请选择）", "(choose)"));
			for (int i = 0; i < d->nchoices; i++) {
				int cw = tui_width(form_choice_label(&d->choices[i]));
				if (cw > w)
					w = cw;
			}
			w += 3;
			break;
		case FT_TEXT:
			w = d->max_len > 0 ? d->max_len * 2 + 1 : 40;
			break;
		case FT_MULTILINE:
			w = avail;
			break;
		case FT_DIGITS:
		case FT_ACCOUNT:
			w = d->max_len > 0 ? d->max_len + 1 : 16;
			break;
		case FT_INTEGER:
			w = 12;
			break;
		case FT_MONEY:
			w = 16;
			break;
		case FT_DATE:
			w = 12;
			break;
		default:      /* phone, ID numbers */
			w = 22;
			break;
		}
	}
	if (w > avail)
		w = avail;
	if (w < 4)
		w = 4;
	return w;
}

/* ---------------------------------------------------------------- draw */

static const char *number_label(const char *kind)
{
	if (!strcmp(kind, "payment"))
		return hall_tr("收据号", "Receipt no.");
	if (!strcmp(kind, "application"))
		return hall_tr("申请编号", "Application no.");
	if (!strcmp(kind, "change"))
		return hall_tr("变更单号", "Change no.");
	if (!strcmp(kind, "complaint"))
		return hall_tr("工单号", "Work order no.");
	return hall_tr("编号", "Number");
}

static void draw_saved(struct app *a, struct fscreen *fs)
{
	char buf[512], money[32], daxie[128];
	int y = a->top + 1;

	snprintf(buf, sizeof buf, "%s  %s", form_title(fs->def),
	         hall_tr("已保存", "saved"));
	tui_put_center(y, TC_OK, buf);
	snprintf(buf, sizeof buf, "%s%s%s", number_label(fs->res.kind),
	         hall_tr("：", ": "), fs->res.number);
	tui_put_center(y + 2, TC_TITLE, buf);
	int bw = big_width(fs->res.number);
	if (bw <= COLS - 2)
		big_draw(y + 4, (COLS - bw) / 2, fs->res.number, TC_BIG);
	y += 4 + BIG_ROWS + 1;
	if (!strcmp(fs->res.kind, "payment")) {
		money_format(fs->res.amount_fen, money, sizeof money);
		money_daxie(fs->res.amount_fen, daxie, sizeof daxie);
		snprintf(buf, sizeof buf, "%s%s %s%s", hall_tr("金额：", "Amount: "),
		         money, hall_tr("元", "yuan"), "");
		tui_put_center(y++, TC_NORMAL, buf);
		snprintf(buf, sizeof buf, "%s%s", hall_tr("大写：", "In words: "),
		         daxie);
		tui_put_center(y++, TC_NORMAL, buf);
	}
	if (fs->res.account_no[0]) {
		snprintf(buf, sizeof buf, "%s%s", hall_tr("户号：", "Account: "),
		         fs->res.account_no);
		tui_put_center(y++, TC_NORMAL, buf);
	}
	if (!strcmp(fs->res.kind, "payment")) {
		if (fs->print_msg[0])
			tui_put_center(y++, fs->print_ok ? TC_OK : TC_ERROR,
			               fs->print_msg);
		tui_put_center(a->bottom, TC_DIM,
		               hall_tr("Enter 或 Esc 返回；R 查看收据（补打、冲正）",
		                       "Enter or Esc: back; R: the receipt (reprint, reversal)"));
		return;
	}
	tui_put_center(a->bottom, TC_DIM,
	               hall_tr("按 Enter 或 Esc 返回", "Enter or Esc to go back"));
}

static void fs_draw(struct app *a, struct screen *s)
{
	struct fscreen *fs = s->priv;
	int lw, fx, avail, rows, row, focus_row = 0, focus_h = 1;

	if (fs->saved) {
		draw_saved(a, fs);
		return;
	}
	tui_put_center(a->top, TC_TITLE, form_title(fs->def));
	lw = label_cols(fs);
	fx = 2 + lw;
	avail = COLS - fx - 2;
	rows = a->bottom - 1 - (a->top + 2);   /* last row: field help */

	/* Rows of the layout: a field, then its message if any. */
	row = 0;
	for (int i = 0; i < fs->n; i++) {
		if (!fs->f[i].visible)
			continue;
		if (i == fs->focus) {
			focus_row = row;
			focus_h = fs->f[i].err[0] ? 2 : 1;
		}
		row += fs->f[i].err[0] ? 2 : 1;
	}
	/* The payment form: the bills due go right under the fields (at least
	 * four rows for them; the fields scroll if need be). */
	int panel_y = -1;
	if (fs->payment && due_rows(&fs->due) > 0 && rows > 9) {
		int frows = row < rows - 5 ? row : rows - 5;
		panel_y = a->top + 2 + frows + 1;
		rows = frows;
	}
	if (focus_row < fs->scroll)
		fs->scroll = focus_row;
	if (focus_row + focus_h > fs->scroll + rows)
		fs->scroll = focus_row + focus_h - rows;
	if (fs->scroll > 0 && row - fs->scroll < rows)
		fs->scroll = row - rows > 0 ? row - rows : 0;

	build_values(fs, true);     /* for the required marks */
	row = 0;
	for (int i = 0; i < fs->n; i++) {
		struct ffield *f = &fs->f[i];
		if (!f->visible)
			continue;
		int y = a->top + 2 + row - fs->scroll;
		bool focus = i == fs->focus;
		row += f->err[0] ? 2 : 1;
		if (y < a->top + 2 || y >= a->top + 2 + rows)
			continue;
		char lab[FORM_LABEL_MAX + 8];
		snprintf(lab, sizeof lab, "%s%s", form_label(f->def),
		         hall_tr("：", ": "));
		if (form_field_required(f->def, &fs->vals))
			tui_put(y, 1, 1, TC_REQUIRED, "*");
		tui_put_right(y, 2, lw - 1, focus ? TC_TITLE : TC_LABEL, lab);
		int w = field_cols(f, avail);
		if (f->def->type == FT_CHOICE) {
			enum tui_color c = focus ? TC_FIELD_FOCUS : TC_FIELD;
			const struct form_choice *ch = form_choice_find(f->def, f->choice);
			tui_fill(y, fx, w, c);
			if (ch)
				tui_put(y, fx, w - 2, c, form_choice_label(ch));
			else
				tui_put(y, fx, w - 2, c,
				        hall_tr("（请选择）", "(choose)"));
			tui_put(y, fx + w - 1, 1, c, "v");
			if (focus) {
				a->cur_y = y;
				a->cur_x = fx;
			}
		} else {
			int cx = wg_field(y, fx, w, &f->ed, focus, false);
			if (focus) {
				a->cur_y = y;
				a->cur_x = cx;
			}
		}
		if (f->err[0] && y + 1 < a->top + 2 + rows)
			tui_put(y + 1, fx, COLS - fx - 1, TC_ERROR, f->err);
	}
	if (fs->scroll > 0)
		tui_put(a->top + 1, COLS - 12, 10, TC_DIM,
		        hall_tr("上面还有", "more above"));
	if (row - fs->scroll > rows)
		tui_put(a->top + 2 + rows, COLS - 12, 10, TC_DIM,
		        hall_tr("下面还有", "more below"));
	if (panel_y > 0)
		due_draw(a, &fs->due, panel_y, a->bottom - panel_y);
	if (fs->n > 0 && form_help(fs->f[fs->focus].def)[0])
		tui_put(a->bottom, 2, COLS - 4, TC_DIM,
		        form_help(fs->f[fs->focus].def));
}

/* ---------------------------------------------------------------- keys */

static void choice_done(struct app *a, void *ud, const char *key)
{
	struct fscreen *fs = ud;
	struct ffield *f = &fs->f[fs->focus];

	if (!key)
		return;
	if (strcmp(f->choice, key)) {
		snprintf(f->choice, sizeof f->choice, "%s", key);
		fs->dirty = true;
	}
	f->touched = true;
	update_visibility(fs);
	move_focus(a, fs, 1);
}

static void open_choice(struct app *a, struct fscreen *fs, tkey first)
{
	struct ffield *f = &fs->f[fs->focus];
	struct choice_arg ca = { f->def, f->choice, first, choice_done, fs };
	app_push(a, &dlg_choice_ops, &ca);
}

/* After a payment: print the receipt once (the core marks the original
 * printed and keeps a spool copy; a printer failure leaves the payment
 * as it is and the clerk reprints later). */
static void print_receipt(struct app *a, struct fscreen *fs)
{
	struct hall_err err;
	char *text = NULL;

	hall_err_clear(&err);
	fs->print_ok = payment_receipt_print(a->st, &a->actor, fs->res.number,
	                                     NULL, &text, &err) == HALL_OK;
	free(text);
	if (fs->print_ok) {
		snprintf(fs->print_msg, sizeof fs->print_msg, "%s",
		         hall_tr("收据已打印", "Receipt printed"));
		app_msg(a, TC_OK, "%s", hall_tr("已保存，收据已打印",
		                                 "Saved; receipt printed"));
	} else {
		snprintf(fs->print_msg, sizeof fs->print_msg, "%s%s",
		         hall_tr("收据未能打印：", "Receipt not printed: "),
		         hall_err_msg(&err));
		app_msg(a, TC_ERROR, "%s",
		        hall_tr("已保存；收据未能打印，可在收费台（F8）补打",
		                "Saved; the receipt was not printed: reprint it from the cash desk (F8)"));
	}
}

/* A form with a save callback: the engine checks and normalises, the
 * callback writes through the core.  HALL_OK: the form was popped. */
static int save_through(struct app *a, struct fscreen *fs,
                        struct form_errors *errs)
{
	struct form_values norm;
	struct hall_err err;
	int rc;

	form_values_init(&norm);
	rc = form_validate(fs->def, &fs->vals, &fs->ctx, &norm, errs);
	if (rc == HALL_OK) {
		hall_err_clear(&err);
		rc = fs->save(a, fs->save_ud, &norm, &err);
		if (rc == HALL_OK) {
			form_values_free(&norm);
			fs->dirty = false;
			app_pop(a);
			return HALL_OK;
		}
		errs->n = 1;
		errs->e[0] = err;
	} else if (errs->n == 0) {
		errs->n = 1;
		hall_err_set(&errs->e[0], rc, NULL, "未能保存", "not saved");
	}
	form_values_free(&norm);
	return rc;
}

static void submit(struct app *a, struct screen *s, struct fscreen *fs)
{
	struct form_errors errs;
	struct counter_result res;
	int rc, first = -1, nbad = 0;
	char general[HALL_ERR_TEXT] = "";

	leave_field(fs, fs->focus);
	update_due(a, fs);
	update_visibility(fs);
	build_values(fs, true);
	memset(&errs, 0, sizeof errs);
	memset(&res, 0, sizeof res);
	if (fs->save) {
		if (save_through(a, fs, &errs) == HALL_OK)
			return;        /* popped: fs is gone */
		rc = HALL_EINVAL;
	} else {
		rc = counter_submit(a->st, fs->def, &fs->vals, &a->actor, &res,
		                    &errs);
	}
	if (rc == HALL_OK) {
		fs->saved = true;
		fs->res = res;
		fs->dirty = false;
		s->transient = true;
		if (!strcmp(res.kind, "payment"))
			print_receipt(a, fs);
		else
			app_msg(a, TC_OK, "%s", hall_tr("已保存", "Saved"));
		return;
	}
	for (int i = 0; i < fs->n; i++)
		fs->f[i].err[0] = '\0';
	for (int e = 0; e < errs.n && e < FORM_MAX_ERRORS; e++) {
		const struct form_field *d = errs.e[e].field[0]
			? form_field_find(fs->def, errs.e[e].field) : NULL;
		if (!d) {
			if (!general[0])
				snprintf(general, sizeof general, "%s",
				         hall_err_msg(&errs.e[e]));
			continue;
		}
		struct ffield *f = &fs->f[d - fs->def->fields];
		if (!f->err[0]) {
			snprintf(f->err, sizeof f->err, "%s", hall_err_msg(&errs.e[e]));
			nbad++;
		}
	}
	for (int i = 0; i < fs->n; i++)
		if (fs->f[i].err[0] && fs->f[i].visible) {
			first = i;
			break;
		}
	if (first >= 0)
		fs->focus = first;
	if (nbad > 0)
		app_msg(a, TC_ERROR,
		        hall_tr("有 %d 处需要修改，未保存", "%d field(s) to correct; not saved"),
		        nbad);
	else if (general[0])
		app_msg(a, TC_ERROR, "%s", general);
	else
		app_msg(a, TC_ERROR, "%s", hall_tr("未能保存", "not saved"));
}

static void discard_answer(struct app *a, void *ud, bool yes)
{
	(void)ud;
	if (yes)
		app_pop(a);
}

static bool fs_key(struct app *a, struct screen *s, tkey k)
{
	struct fscreen *fs = s->priv;
	struct ffield *f;

	if (fs->saved) {
		if (k == TK_ENTER || k == TK_ESC) {
			app_pop(a);
			return true;
		}
		if ((k == 'r' || k == 'R') && !strcmp(fs->res.kind, "payment")) {
			char no[32];
			snprintf(no, sizeof no, "%s", fs->res.number);
			app_push(a, &scr_receipt_ops, no);   /* replaces this one */
			return true;
		}
		return k != TK_F(10) ? false : true;
	}
	if (fs->n == 0)
		return false;
	f = &fs->f[fs->focus];
	switch (k) {
	case TK_ESC:
		if (fs->dirty)
			app_confirm(a, hall_tr("放弃已输入的内容吗？",
			                       "Discard what you typed?"),
			            false, discard_answer, NULL);
		else
			app_pop(a);
		return true;
	case TK_F(10):
		submit(a, s, fs);
		return true;
	case TK_TAB:
	case TK_DOWN:
		move_focus(a, fs, 1);
		return true;
	case TK_BTAB:
	case TK_UP:
		move_focus(a, fs, -1);
		return true;
	case TK_ENTER:
		if (f->def->type == FT_CHOICE)
			open_choice(a, fs, 0);
		else
			move_focus(a, fs, 1);
		return true;
	default:
		break;
	}
	if (TK_IS_FN(k) && k != TK_BACKSPACE && k != TK_DELETE &&
	    k != TK_LEFT && k != TK_RIGHT && k != TK_HOME && k != TK_END)
		return false;   /* F1-F7 and others: global keys */
	if (f->def->type == FT_CHOICE) {
		if (k == TK_BACKSPACE || k == TK_DELETE) {
			if (f->choice[0]) {
				f->choice[0] = '\0';
				fs->dirty = f->touched = true;
				update_visibility(fs);
			}
		} else if (TK_IS_TEXT(k)) {
			open_choice(a, fs, k == ' ' ? 0 : k);
		}
		return true;
	}
	int r = wg_edit_key(&f->ed, k);
	if (r == WG_CHANGED) {
		fs->dirty = f->touched = true;
		f->err[0] = '\0';
		build_values(fs, true);
		int fixed = form_field_fixed_len_in(f->def, edit_text(&f->ed),
		                                    &fs->vals);
		if (fixed > 0 && edit_chars(&f->ed) >= fixed &&
		    f->ed.cur == edit_chars(&f->ed) && TK_IS_TEXT(k))
			move_focus(a, fs, 1);
		else
			update_visibility(fs);
	} else if (r == WG_NONE && TK_IS_TEXT(k) && edit_full(&f->ed)) {
		app_msg(a, TC_ERROR, hall_tr("最多 %d 个字", "at most %d characters"),
		        f->ed.max_chars);
	}
	return true;
}

static void fs_help(struct app *a, struct screen *s, char *out, size_t outsz)
{
	struct fscreen *fs = s->priv;
	(void)a;
	if (fs->saved || fs->n == 0) {
		out[0] = '\0';
		return;
	}
	const struct form_field *d = fs->f[fs->focus].def;
	snprintf(out, outsz, "%s%s%s", form_label(d), hall_tr("：", ": "),
	         form_help(d)[0] ? form_help(d)
	                         : hall_tr("（这一栏没有说明）", "(no help for this field)"));
}

static bool fs_draft(struct app *a, struct screen *s)
{
	struct fscreen *fs = s->priv;
	struct hall_err err;

	if (fs->saved || !fs->dirty || fs->save)
		return false;
	hall_err_clear(&err);
	build_values(fs, false);
	return counter_draft_save(a->st, a->actor.user.id, fs->def->name,
	                          &fs->vals, &err) == HALL_OK;
}

const struct screen_ops scr_form_ops = {
	.name = "form",
	.open = fs_open,
	.draw = fs_draw,
	.key = fs_key,
	.close = fs_close,
	.help = fs_help,
	.draft = fs_draft,
};
