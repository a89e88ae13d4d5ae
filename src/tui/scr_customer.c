/*
 * scr_customer.c - one customer: account data (ID and phone masked),
 * arrears, unpaid bills, last payments, open and past work with a warning
 * for repeat complaints; F3-F6 start a form with this customer filled in.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/customer.h"
#include "hall/ident.h"
#include "hall/money.h"
#include "hall/utf8.h"
#include "tui/app.h"
#include "tui/worklist.h"

struct cline {
	char text[600];
	enum tui_color color;
};

struct custview {
	struct customer c;
	struct cline *lines;
	int n, cap;
	int scroll;
	int rows;
	int nbills;
	int64_t bills_due_fen;
	char today[11];
	bool repeat;
	int open_work;
};

static void add(struct custview *v, enum tui_color c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct custview *v, enum tui_color c, const char *fmt, ...)
{
	va_list ap;
	if (v->n == v->cap) {
		int nc = v->cap ? v->cap * 2 : 64;
		struct cline *l = realloc(v->lines, (size_t)nc * sizeof *l);
		if (!l)
			return;
		v->lines = l;
		v->cap = nc;
	}
	va_start(ap, fmt);
	vsnprintf(v->lines[v->n].text, sizeof v->lines[v->n].text, fmt, ap);
	va_end(ap);
	v->lines[v->n].color = c;
	v->n++;
}

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

static void on_bill(void *ud, const struct bill *b)
{
	struct loadctx *c = ud;
	struct custview *v = c->v;
	char amt[32], paid[32];
	bool overdue = strcmp(b->due_date, v->today) < 0;

	v->nbills++;
	v->bills_due_fen += b->amount_fen - b->paid_fen;
	money_format(b->amount_fen, amt, sizeof amt);
	money_format(b->paid_fen, paid, sizeof paid);
	add(v, overdue ? TC_OVERDUE : TC_NORMAL,
	    hall_tr("  %-8s %8" PRId64 " 千瓦时  应缴 %12s  已缴 %12s  到期 %s",
	            "  %-8s %8" PRId64 " kWh  due %12s  paid %12s  by %s"),
	    b->period, b->kwh, amt, paid, b->due_date);
}

static const char *method_label(struct app *a, const char *m)
{
	return app_choice_label(a, "payment", "method", m);
}

static void on_payment(void *ud, const struct payment_row *p)
{
	struct loadctx *c = ud;
	char amt[32], when[17];

	money_format(p->amount_fen, amt, sizeof amt);
	app_local_time(p->created_at, when);
	add(c->v, strcmp(p->status, "ok") ? TC_DIM : TC_NORMAL,
	    "  %s  %-16s %12s  %s  %s%s", when, p->receipt_no, amt,
	    method_label(c->a, p->method), p->staff_id,
	    strcmp(p->status, "ok") ? hall_tr("  已冲正", "  reversed") : "");
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

	v->n = 0;
	v->nbills = 0;
	v->bills_due_fen = 0;
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
	add(v, TC_NORMAL, "%s%s", hall_tr("地址：", "Address: "), c->address);
	money_format(c->arrears_fen, money, sizeof money);
	money_format(c->prepaid_fen, pre, sizeof pre);
	add(v, c->arrears_fen > 0 ? TC_ERROR : TC_OK, "%s%s %s   %s%s %s",
	    hall_tr("欠费：", "Arrears: "), money, hall_tr("元", "yuan"),
	    hall_tr("预存：", "Prepaid: "), pre, hall_tr("元", "yuan"));
	add(v, TC_NORMAL, "%s", "");

	add(v, TC_HEADER, "%s", hall_tr("未缴电费", "Unpaid bills"));
	int before = v->n;
	customer_bills(a->st, c->account_no, true, on_bill, &lc, &err);
	if (v->n == before)
		add(v, TC_DIM, "  %s", hall_tr("无", "none"));
	add(v, TC_NORMAL, "%s", "");

	add(v, TC_HEADER, "%s", hall_tr("最近缴费", "Latest payments"));
	before = v->n;
	customer_payments(a->st, c->account_no, 5, on_payment, &lc, &err);
	if (v->n == before)
		add(v, TC_DIM, "  %s", hall_tr("无", "none"));
	add(v, TC_NORMAL, "%s", "");

	add(v, TC_HEADER, "%s", hall_tr("申请、变更与投诉", "Applications, changes, complaints"));
	for (int i = 0; i < wl.n; i++) {
		const struct work_item *w = &wl.w[i];
		char when[17], kind[64], type[128];
		app_local_time(w->created_at, when);
		utf8_pad(kind, sizeof kind, wl_kind_label(w->kind), 6, true);
		utf8_pad(type, sizeof type, wl_type_label(a, w), 12, true);
		add(v, strcmp(w->status, "done") ? TC_NORMAL : TC_DIM,
		    "  %s  %s %s %-17s %s%s%s", when, kind, type, w->number,
		    wl_stage_label(w->stage),
		    strcmp(w->status, "done") ? "" : hall_tr("（已办结）", " (done)"),
		    w->repeat ? hall_tr("  重复投诉", "  repeat") : "");
	}
	if (wl.n == 0)
		add(v, TC_DIM, "  %s", hall_tr("无", "none"));
	free(wl.w);
}

static int cv_open(struct app *a, struct screen *s, const void *arg,
                   struct hall_err *err)
{
	const char *account_no = arg;
	struct custview *v = calloc(1, sizeof *v);

	if (!v)
		return HALL_ENOMEM;
	s->priv = v;
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
	free(v->lines);
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
	v->rows = a->bottom - 1 - (y + 1);
	if (v->scroll > v->n - v->rows)
		v->scroll = v->n - v->rows;
	if (v->scroll < 0)
		v->scroll = 0;
	for (int r = 0; r < v->rows && v->scroll + r < v->n; r++) {
		const struct cline *l = &v->lines[v->scroll + r];
		tui_put(y + 1 + r, 2, COLS - 4, l->color, l->text);
	}
	if (v->scroll + v->rows < v->n)
		tui_put(a->bottom - 1, COLS - 22, 20, TC_DIM,
		        hall_tr("下面还有（下箭头）", "more below (Down)"));
	tui_put(a->bottom, 2, COLS - 4, TC_DIM,
	        hall_tr("F3 新装  F4 变更  F5 缴费  F6 投诉：为此客户填写",
	                "F3 new  F4 change  F5 pay  F6 complaint: for this customer"));
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
	if (!strcmp(form, "payment") && c->arrears_fen > 0) {
		char amt[32];
		money_format_plain(c->arrears_fen, amt, sizeof amt);
		form_values_set(&fv, "amount", amt);
	}
	if (!strcmp(form, "complaint")) {
		form_values_set(&fv, "name", c->name);
		form_values_set(&fv, "phone", c->phone);
	}
	app_open_form(a, form, &fv);
	form_values_free(&fv);
}

static bool cv_key(struct app *a, struct screen *s, tkey k)
{
	struct custview *v = s->priv;
	int page = v->rows > 1 ? v->rows - 1 : 1;

	switch (k) {
	case TK_UP:
		v->scroll--;
		return true;
	case TK_DOWN:
		v->scroll++;
		return true;
	case TK_PGUP:
		v->scroll -= page;
		return true;
	case TK_PGDN:
		v->scroll += page;
		return true;
	case TK_HOME:
		v->scroll = 0;
		return true;
	case TK_END:
		v->scroll = v->n;
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
	default:
		return false;
	}
}

const struct screen_ops scr_customer_ops = {
	.name = "customer",
	.open = cv_open,
	.draw = cv_draw,
	.key = cv_key,
	.close = cv_close,
	.resume = cv_resume,
};
