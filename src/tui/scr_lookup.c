/*
 * scr_lookup.c - customer look-up: one search box (account number, phone,
 * ID number, name or address fragment) handed to customer_search(); the
 * results in a list; Enter opens the customer view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hall/customer.h"
#include "hall/ident.h"
#include "tui/app.h"
#include "tui/widget.h"

#define LOOKUP_LIMIT 100

struct lookup {
	struct edit q;
	char last[256];          /* the query of the results shown */
	bool searched;
	struct customer *res;    /* LOOKUP_LIMIT rows */
	int n;
	struct wg_list list;
	int rows;
	char info[HALL_ERR_TEXT];
	enum tui_color info_color;
};

static int lookup_open(struct app *a, struct screen *s, const void *arg,
                       struct hall_err *err)
{
	struct lookup *l = calloc(1, sizeof *l);
	(void)a;
	(void)arg;
	(void)err;
	if (!l)
		return HALL_ENOMEM;
	s->priv = l;
	edit_init(&l->q, 60);
	l->res = calloc(LOOKUP_LIMIT, sizeof *l->res);
	if (!l->res)
		return HALL_ENOMEM;
	return HALL_OK;
}

static void lookup_close(struct app *a, struct screen *s)
{
	struct lookup *l = s->priv;
	(void)a;
	if (!l)
		return;
	edit_free(&l->q);
	free(l->res);
	free(l);
	s->priv = NULL;
}

static void add_result(void *ud, const struct customer *c)
{
	struct lookup *l = ud;
	if (l->n < LOOKUP_LIMIT)
		l->res[l->n++] = *c;
}

static void search(struct app *a, struct lookup *l)
{
	struct hall_err err;
	struct timespec t0, t1;
	int count = 0;

	hall_err_clear(&err);
	l->n = 0;
	l->list.sel = l->list.top = 0;
	snprintf(l->last, sizeof l->last, "%s", edit_text(&l->q));
	l->searched = true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = customer_search(a->st, edit_text(&l->q), LOOKUP_LIMIT,
	                         add_result, l, &count, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	          (t1.tv_nsec - t0.tv_nsec) / 1000000;
	l->list.n = l->n;
	if (rc != HALL_OK) {
		snprintf(l->info, sizeof l->info, "%s", hall_err_msg(&err));
		l->info_color = TC_ERROR;
	} else if (l->n == 0) {
		snprintf(l->info, sizeof l->info, "%s",
		         hall_tr("没有找到客户", "no customer found"));
		l->info_color = TC_ERROR;
	} else {
		snprintf(l->info, sizeof l->info,
		         l->n >= LOOKUP_LIMIT
		         ? hall_tr("找到 %d 户以上（%ld 毫秒），请输入更多字缩小范围",
		                   "more than %d found (%ld ms): type more to narrow")
		         : hall_tr("找到 %d 户（%ld 毫秒）", "%d found (%ld ms)"),
		         l->n, ms);
		l->info_color = TC_OK;
	}
}

/* Columns of the results. */
enum { C_ACC = 12, C_NAME = 16, C_PHONE = 12 };

static void lookup_draw(struct app *a, struct screen *s)
{
	struct lookup *l = s->priv;
	int y = a->top + 1;

	tui_put(y, 2, COLS - 4, TC_TITLE, hall_tr("客户查询", "Customer look-up"));
	int lw = tui_put(y + 2, 2, 20, TC_LABEL, hall_tr("查询：", "Search: "));
	int cx = wg_field(y + 2, 3 + lw, COLS - 7 - lw, &l->q, true, false);
	a->cur_y = y + 2;
	a->cur_x = cx;
	tui_put(y + 3, 3 + lw, COLS - 5 - lw, TC_DIM,
	        hall_tr("户号、电话、证件号、户名或地址中的字，按 Enter 查询",
	                "account, phone, ID number, or part of name/address; Enter"));
	if (l->info[0])
		tui_put(y + 4, 2, COLS - 4, l->info_color, l->info);
	int hy = y + 5, x = 2;
	tui_put(hy, x, C_ACC, TC_HEADER, hall_tr("户号", "Account"));
	x += C_ACC + 1;
	tui_put(hy, x, C_NAME, TC_HEADER, hall_tr("户名", "Name"));
	x += C_NAME + 1;
	tui_put(hy, x, C_PHONE, TC_HEADER, hall_tr("电话", "Phone"));
	x += C_PHONE + 1;
	tui_put(hy, x, COLS - x - 1, TC_HEADER, hall_tr("用电地址", "Address"));
	l->rows = a->bottom - hy;
	if (l->rows < 1)
		l->rows = 1;
	wg_list_fix(&l->list, l->rows);
	for (int r = 0; r < l->rows; r++) {
		int i = l->list.top + r;
		if (i >= l->n)
			break;
		const struct customer *c = &l->res[i];
		enum tui_color col = i == l->list.sel ? TC_SELECT : TC_NORMAL;
		char phone[40];
		int ry = hy + 1 + r;
		ident_mask_phone(c->phone, phone, sizeof phone);
		if (col == TC_SELECT)
			tui_fill(ry, 1, COLS - 2, col);
		x = 2;
		tui_put(ry, x, C_ACC, col, c->account_no);
		x += C_ACC + 1;
		tui_put(ry, x, C_NAME, col, c->name);
		x += C_NAME + 1;
		tui_put(ry, x, C_PHONE, col, phone);
		x += C_PHONE + 1;
		tui_put(ry, x, COLS - x - 1, col, c->address);
	}
}

static bool lookup_key(struct app *a, struct screen *s, tkey k)
{
	struct lookup *l = s->priv;

	if (k == TK_ENTER) {
		if (!l->searched || strcmp(l->last, edit_text(&l->q)))
			search(a, l);
		else if (l->n > 0)
			app_push(a, &scr_customer_ops, l->res[l->list.sel].account_no);
		return true;
	}
	/* Home/End belong to the search box, the other moves to the list. */
	if (k != TK_HOME && k != TK_END &&
	    wg_list_key(&l->list, k, l->rows > 0 ? l->rows : 1))
		return true;
	return wg_edit_key(&l->q, k) != WG_NONE || TK_IS_TEXT(k);
}

const struct screen_ops scr_lookup_ops = {
	.name = "lookup",
	.open = lookup_open,
	.draw = lookup_draw,
	.key = lookup_key,
	.close = lookup_close,
};
