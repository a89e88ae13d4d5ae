/*
 * scr_customer.c - one customer: account data (ID and phone masked),
 * what is owed as of today (payment_due_get: unpaid bills, each one's late
 * fee, the total), last payments, applications with their progress (stage,
 * date, days used of the limit) and complaints, with a warning for repeat
 * complaints; F3-F6 start a form with this customer filled in.  Tab selects
 * a payment (Enter: its receipt, to reprint or reverse it) or a work order
 * (Enter: the order).  I shows the full ID number and phone while the view
 * is open: to a manager at once, to a clerk after a reason; either way
 * through audit_reveal, which checks the role and records the look.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/audit.h"
#include "hall/customer.h"
#include "hall/ident.h"
#include "hall/money.h"
#include "hall/utf8.h"
#include "tui/app.h"
#include "tui/due.h"
#include "tui/widget.h"
#include "tui/worklist.h"

struct custview {
	struct customer c;
	struct wg_lines lines;
	struct due_view due;
	char today[11];
	bool repeat;
	int open_work;
	bool revealed;            /* full numbers shown (audit_reveal) */
	struct audit_pii pii;
};

#define add(v, ...) wg_lines_add(&(v)->lines, __VA_ARGS__)

static const char *status_label(const char *st)
{
	static const struct { const char *key, *zh, *en; } t[] = {
		{ "normal", "正常", "normal" },
		{ "suspended", "暂停", "suspended" },
		{ "temp_removed", "暂拆", "temporarily removed" },
		{ "closed", "销户", "closed" },
		{ "connecting", "新装中", "connecting" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(st, t[i].key))
			return hall_tr(t[i].zh, t[i].en);
	return st;
}

struct loadctx {
	struct app *a;
	struct custview *v;
	int count;
};

static const char *method_label(struct app *a, const char *m)
{
	return app_choice_label(a, "payment", "method", m);
}

static void on_payment(void *ud, const struct payment_row *p)
{
	struct loadctx *c = ud;
	char amt[32], when[17];
	struct wg_line *l;

	money_format(p->amount_fen, amt, sizeof amt);
	app_local_time(p->created_at, when);
	l = add(c->v, strcmp(p->status, "ok") ? TC_DIM : TC_NORMAL,
	        "  %s  %-16s %12s  %s  %s%s", when, p->receipt_no, amt,
	        method_label(c->a, p->method), p->staff_id,
	        strcmp(p->status, "ok") ? hall_tr("  已冲正", "  reversed") : "");
	if (l) {
		snprintf(l->tag, sizeof l->tag, "%s", p->receipt_no);
		l->kind = 'r';
	}
}

/* Work is collected first so the repeat-complaint warning can go on top. */
struct worklines {
	struct work_item *w;
	int n, cap;
};

static void on_work(void *ud, const struct work_item *w)
{
	struct worklines *wl = ud;
	if (wl->n == wl->cap) {
		int nc = wl->cap ? wl->cap * 2 : 16;
		struct work_item *p = realloc(wl->w, (size_t)nc * sizeof *p);
		if (!p)
			return;
		wl->w = p;
		wl->cap = nc;
	}
	wl->w[wl->n++] = *w;
}

static void build(struct app *a, struct custview *v)
{
	struct hall_err err;
	struct loadctx lc = { a, v, 0 };
	struct worklines wl = { NULL, 0, 0 };
	const struct customer *c = &v->c;
	char idm[64], phm[64], money[32], pre[32];

	char keep[32] = "";
	const struct wg_line *sel = wg_lines_selected(&v->lines);
	if (sel)
		snprintf(keep, sizeof keep, "%s", sel->tag);
	wg_lines_clear(&v->lines);
	v->repeat = false;
	v->open_work = 0;
	store_today_local(v->today);
	hall_err_clear(&err);
	customer_work(a->st, c->account_no, on_work, &wl, &err);
	for (int i = 0; i < wl.n; i++) {
		if (wl.w[i].repeat)
			v->repeat = true;
		if (strcmp(wl.w[i].status, "done"))
			v->open_work++;
	}

	ident_mask_id(c->id_number, idm, sizeof idm);
	ident_mask_phone(c->phone, phm, sizeof phm);
	if (v->revealed) {
		snprintf(idm, sizeof idm, "%s", v->pii.id_number);
		snprintf(phm, sizeof phm, "%s", v->pii.phone);
	}
	if (v->repeat)
		add(v, TC_ERROR, "%s", hall_tr("注意：该客户有重复投诉，请耐心解释并优先处理",
		                               "Note: this customer has complained repeatedly"));
	add(v, TC_NORMAL, "%s%-12s  %s%s", hall_tr("户号：", "Account: "),
	    c->account_no, hall_tr("户名：", "Name: "), c->name);
	add(v, strcmp(c->status, "normal") ? TC_DUE_TODAY : TC_NORMAL,
	    "%s%s   %s%s   %s%s   %s%" PRId64 "   %s%s",
	    hall_tr("状态：", "Status: "), status_label(c->status),
	    hall_tr("类别：", "Category: "),
	    app_choice_label(a, "new-connection", "category", c->category),
	    hall_tr("电压：", "Voltage: "),
	    app_choice_label(a, "new-connection", "voltage", c->voltage),
	    hall_tr("容量：", "Capacity: "), c->capacity,
	    hall_tr("计费：", "Tariff: "),
	    app_choice_label(a, "new-connection", "tariff_form", c->tariff_form));
	add(v, TC_NORMAL, "%s%s %s   %s%s", hall_tr("证件：", "ID: "),
	    app_choice_label(a, "new-connection", "id_type", c->id_type), idm,
	    hall_tr("电话：", "Phone: "), phm);
	if (v->revealed)
		add(v, TC_DUE_TODAY, "%s", hall_tr("（完整号码：这次查看已记入审计日志，离开本页即不再显示）",
		                                   "(full numbers: this look is in the audit log; hidden again when you leave)"));
	add(v, TC_NORMAL, "%s%s", hall_tr("地址：", "Address: "), c->address);
	/* What is owed today: the core's figures (late fees included). */
	due_load(a, &v->due, c->account_no);
	if (v->due.loaded) {
		const struct payment_due *d = &v->due.d;
		char fee[32], tot[32];
		money_format(d->principal_fen, money, sizeof money);
		money_format(d->late_fee_fen, fee, sizeof fee);
		money_format(d->total_fen, tot, sizeof tot);
		money_format(d->prepaid_fen, pre, sizeof pre);
		add(v, d->total_fen > 0 ? TC_ERROR : TC_OK,
		    hall_tr("未缴电费：%s 元   违约金（计至 %s）：%s 元",
		            "Unpaid charges: %s yuan   late fees (as of %s): %s yuan"),
		    money, d->as_of, fee);
		add(v, d->total_fen > 0 ? TC_ERROR : TC_OK,
		    hall_tr("合计应缴：%s 元   预存：%s 元", "Total due: %s yuan   prepaid: %s yuan"),
		    tot, pre);
	} else {
		money_format(c->arrears_fen, money, sizeof money);
		money_format(c->prepaid_fen, pre, sizeof pre);
		add(v, c->arrears_fen > 0 ? TC_ERROR : TC_OK, "%s%s %s   %s%s %s",
		    hall_tr("未缴电费：", "Unpaid charges: "), money, hall_tr("元", "yuan"),
		    hall_tr("预存：", "Prepaid: "), pre, hall_tr("元", "yuan"));
		add(v, TC_ERROR, "  %s", v->due.error);
	}
	add(v, TC_NORMAL, "%s", "");

	add(v, TC_HEADER, "%s", hall_tr("未缴电费（违约金计至今天）", "Unpaid bills (late fees as of today)"));
	if (v->due.loaded && v->due.d.nbills > 0) {
		char buf[512], t1[256], t2[256];
		due_header(buf, sizeof buf);
		add(v, TC_LABEL, "  %s", buf);
		for (int i = 0; i < v->due.d.nbills; i++) {
			const struct bill_due *b = &v->due.d.bills[i];
			due_bill_line(b, buf, sizeof buf);
			add(v, b->late_fee_due_fen > 0 ? TC_OVERDUE : TC_NORMAL, "  %s", buf);
		}
		due_total_lines(&v->due.d, t1, t2, sizeof t1);
		add(v, TC_TITLE, "  %s", t1);
		if (t2[0])
			add(v, TC_NORMAL, "  %s", t2);
	} else {
		add(v, TC_DIM, "  %s", hall_tr("无", "none"));
	}
	add(v, TC_NORMAL, "%s", "");

	add(v, TC_HEADER, "%s", hall_tr("最近缴费（Tab 选中，Enter 看收据：补打、冲正）",
	                                "Latest payments (Tab selects, Enter: the receipt, reprint, reverse)"));
	int before = v->lines.n;
	customer_payments(a->st, c->account_no, 5, on_payment, &lc, &err);
	if (v->lines.n == before)
		add(v, TC_DIM, "  %s", hall_tr("无", "none"));
	add(v, TC_NORMAL, "%s", "");

	add(v, TC_HEADER, "%s", hall_tr("申请、变更与投诉（Tab 选中，Enter 打开工单）",
	                                "Applications, changes, complaints (Tab selects, Enter opens)"));
	for (int i = 0; i < wl.n; i++) {
		const struct work_item *w = &wl.w[i];
		char when[17], kind[64], type[128];
		bool open = !strcmp(w->status, "open");
		struct wg_line *l;
		app_local_time(w->created_at, when);
		utf8_pad(kind, sizeof kind, wl_kind_label(w->kind), 6, true);
		utf8_pad(type, sizeof type, wl_type_label(a, w), 12, true);
		l = add(v, open ? TC_NORMAL : TC_DIM,
		        "  %s  %s %s %-17s %s%s%s", when, kind, type, w->number,
		        wl_stage_label(w->stage),
		        open ? "" : !strcmp(w->status, "cancelled")
		                    ? hall_tr("（已撤销）", " (cancelled)")
		                    : hall_tr("（已办结）", " (done)"),
		        w->repeat ? hall_tr("  重复投诉", "  repeat") : "");
		if (l) {
			snprintf(l->tag, sizeof l->tag, "%s", w->number);
			l->kind = 'w';
		}
		/* How far it is: stage, date, days used of the limit. */
		struct wl_progress p;
		if (open && wl_progress(a, w->number, w->kind, w->created_at, &p) == HALL_OK) {
			char buf[512];
			wl_progress_text(w->stage, &p, buf, sizeof buf);
			add(v, p.overdue && !p.met ? TC_OVERDUE : TC_DIM, "    %s%s",
			    hall_tr("进度：", "progress: "), buf);
		}
	}
	if (wl.n == 0)
		add(v, TC_DIM, "  %s", hall_tr("无", "none"));
	free(wl.w);
	for (int i = 0; keep[0] && i < v->lines.n; i++)
		if (!strcmp(v->lines.l[i].tag, keep))
			v->lines.sel = i;
}

static int cv_open(struct app *a, struct screen *s, const void *arg,
                   struct hall_err *err)
{
	const char *account_no = arg;
	struct custview *v = calloc(1, sizeof *v);

	if (!v)
		return HALL_ENOMEM;
	s->priv = v;
	v->lines.sel = -1;
	int rc = customer_get(a->st, account_no, &v->c, err);
	if (rc != HALL_OK)
		return rc;
	build(a, v);
	return HALL_OK;
}

static void cv_close(struct app *a, struct screen *s)
{
	struct custview *v = s->priv;
	(void)a;
	if (!v)
		return;
	wg_lines_free(&v->lines);
	due_clear(&v->due);
	free(v);
	s->priv = NULL;
}

static void cv_resume(struct app *a, struct screen *s)
{
	struct custview *v = s->priv;
	struct hall_err err;
	struct customer c;

	hall_err_clear(&err);
	if (customer_get(a->st, v->c.account_no, &c, &err) == HALL_OK)
		v->c = c;
	build(a, v);
}

static void cv_draw(struct app *a, struct screen *s)
{
	struct custview *v = s->priv;
	int y = a->top + 1;

	tui_put(y, 2, COLS - 4, TC_TITLE, hall_tr("客户信息", "Customer"));
	wg_lines_draw(&v->lines, y + 1, 2, COLS - 4, a->bottom - 1 - (y + 1));
	if (v->lines.scroll + v->lines.rows < v->lines.n)
		tui_put(a->bottom - 1, COLS - 22, 20, TC_DIM,
		        hall_tr("下面还有（下箭头）", "more below (Down)"));
	tui_put(a->bottom, 2, COLS - 4, TC_DIM,
	        hall_tr("F3-F6 为此客户填表  Tab 选记录 Enter 打开  I 完整号码",
	                "F3-F6: a form for this customer  Tab select  Enter open  I: full numbers"));
}

static void start_form(struct app *a, struct custview *v, const char *form)
{
	struct form_values fv;
	const struct customer *c = &v->c;

	form_values_init(&fv);
	if (!strcmp(form, "new-connection")) {
		/* A new connection for the same person (another address). */
		form_values_set(&fv, "name", c->name);
		form_values_set(&fv, "id_type", c->id_type);
		form_values_set(&fv, "id_number", c->id_number);
		form_values_set(&fv, "phone", c->phone);
	} else {
		form_values_set(&fv, "account_no", c->account_no);
	}
	/* The amount the core says is due today, prepaid balance used. */
	if (!strcmp(form, "payment") && v->due.loaded && v->due.d.net_fen > 0) {
		char amt[32];
		money_format_plain(v->due.d.net_fen, amt, sizeof amt);
		form_values_set(&fv, "amount", amt);
	}
	if (!strcmp(form, "complaint")) {
		form_values_set(&fv, "name", c->name);
		form_values_set(&fv, "phone", c->phone);
	}
	app_open_form(a, form, &fv);
	form_values_free(&fv);
}

/* The clerk's reason, through the forms engine; the core checks it. */
static int reveal_save(struct app *a, void *ud, const struct form_values *fv,
                       struct hall_err *err)
{
	struct custview *v = ud;
	int rc = audit_reveal(a->st, &a->actor, v->c.account_no,
	                      form_values_get(fv, "reason"), &v->pii, err);
	if (rc == HALL_OK) {
		v->revealed = true;
		app_msg(a, TC_OK, "%s", hall_tr("已显示完整号码，已记入审计日志",
		                                "full numbers shown; recorded in the audit log"));
	}
	return rc;
}

static void reveal(struct app *a, struct custview *v)
{
	struct hall_err err;

	if (v->revealed)
		return;
	hall_err_clear(&err);
	if (a->actor.user.role >= ROLE_MANAGER) {
		if (audit_reveal(a->st, &a->actor, v->c.account_no, NULL, &v->pii, &err) != HALL_OK) {
			app_err(a, &err);
			return;
		}
		v->revealed = true;
		build(a, v);
		app_msg(a, TC_OK, "%s", hall_tr("已显示完整号码，已记入审计日志",
		                                "full numbers shown; recorded in the audit log"));
		return;
	}
	const struct form_def *def = app_stage_form(a, "reveal");
	struct form_arg fa = { .def = def, .save = reveal_save, .ud = v };
	if (def)
		app_push(a, &scr_form_ops, &fa);
}

static bool cv_key(struct app *a, struct screen *s, tkey k)
{
	struct custview *v = s->priv;
	const struct wg_line *sel;

	if (wg_lines_key(&v->lines, k))
		return true;
	switch (k) {
	case TK_ENTER:
		sel = wg_lines_selected(&v->lines);
		if (!sel) {
			app_msg(a, TC_DIM, "%s",
			        hall_tr("先按 Tab 选中一笔缴费或一件工单",
			                "press Tab to select a payment or a work order first"));
			return true;
		}
		{
			char tag[32];
			snprintf(tag, sizeof tag, "%s", sel->tag);
			app_push(a, sel->kind == 'r' ? &scr_receipt_ops : &scr_workitem_ops, tag);
		}
		return true;
	case TK_F(3):
		start_form(a, v, "new-connection");
		return true;
	case TK_F(4):
		start_form(a, v, "change");
		return true;
	case TK_F(5):
		start_form(a, v, "payment");
		return true;
	case TK_F(6):
		start_form(a, v, "complaint");
		return true;
	case 'i':
	case 'I':
		reveal(a, v);
		return true;
	default:
		return false;
	}
}

static void cv_help(struct app *a, struct screen *s, char *out, size_t outsz)
{
	(void)a;
	(void)s;
	snprintf(out, outsz, "%s",
	         hall_tr("客户信息：未缴电费和违约金按今天计算。F3-F6 为这个客户填写表单（F5 缴费时金额已按应缴填好）。Tab 选中一笔缴费或一件工单，Enter 打开：收据可以补打、冲正；工单可以查看进度、办理下一环节。I 显示完整的证件号码和电话：主任直接显示，营业员须填写原因；每次查看都记入审计日志。",
	                 "Customer: unpaid charges and late fees as of today. F3-F6 start a form for this customer (F5 fills in the amount due). Tab selects a payment or a work order and Enter opens it: a receipt can be reprinted or reversed, a work order shows its progress and moves to its next stage. I shows the full ID number and phone: to a manager at once, to a clerk after a reason; every look is recorded in the audit log."));
}

const struct screen_ops scr_customer_ops = {
	.name = "customer",
	.open = cv_open,
	.draw = cv_draw,
	.key = cv_key,
	.close = cv_close,
	.resume = cv_resume,
	.help = cv_help,
};
