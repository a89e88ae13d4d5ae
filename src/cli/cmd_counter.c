/* cmd_counter.c - hall submit, hall find, and the counter screen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hall/counter.h"
#include "hall/customer.h"
#include "hall/ident.h"
#include "hall/utf8.h"
#include "tui/tui.h"

static void list_fields(const struct form_def *f)
{
	fprintf(stderr, "%s", hall_tr("可用字段：", "valid fields:"));
	for (int i = 0; i < f->nfields; i++)
		fprintf(stderr, " %s", f->fields[i].key);
	fprintf(stderr, "\n");
}

int cmd_submit(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	struct form_set *set;
	if ((rc = cli_load_forms(c, &set)))
		return rc;
	const struct form_def *f = c->npos > 0 ? formset_find(set, c->pos[0]) : NULL;
	if (!f || strcmp(f->action, "none") == 0) {
		if (c->npos > 0)
			cli_errorf("没有表单 %s", "no form %s", c->pos[0]);
		else
			cli_errorf("用法：hall submit 表单 --db 路径 --user 工号 字段=值 ...",
			           "usage: hall submit FORM --db PATH --user ID key=value ...");
		fprintf(stderr, "%s", hall_tr("可提交的表单：", "forms:"));
		for (int i = 0; i < set->nforms; i++)
			if (strcmp(set->forms[i]->action, "none"))
				fprintf(stderr, " %s", set->forms[i]->name);
		fprintf(stderr, "\n");
		formset_free(set);
		return 2;
	}
	struct form_values in;
	form_values_init(&in);
	for (int i = 1; i < c->npos; i++) {
		const char *eq = strchr(c->pos[i], '=');
		char key[FORM_KEY_MAX];
		if (!eq || eq == c->pos[i] || (size_t)(eq - c->pos[i]) >= sizeof key) {
			cli_errorf("参数 %s 应写成 字段=值", "argument %s must be key=value", c->pos[i]);
			list_fields(f);
			form_values_free(&in);
			formset_free(set);
			return 2;
		}
		snprintf(key, sizeof key, "%.*s", (int)(eq - c->pos[i]), c->pos[i]);
		if (!form_field_find(f, key)) {
			cli_errorf("表单 %s 没有字段 %s", "form %s has no field %s", f->name, key);
			list_fields(f);
			form_values_free(&in);
			formset_free(set);
			return 2;
		}
		if (form_values_set(&in, key, eq + 1) != HALL_OK) {
			form_values_free(&in);
			formset_free(set);
			return 1;
		}
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RW, &s))) {
		form_values_free(&in);
		formset_free(set);
		return rc;
	}
	struct hall_actor actor;
	rc = cli_login(c, s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", &actor);
	if (rc == 0) {
		struct counter_result res;
		struct form_errors *errs = malloc(sizeof *errs);
		if (!errs) {
			rc = 1;
		} else {
			int hrc = counter_submit(s, f, &in, &actor, &res, errs);
			if (hrc == HALL_OK) {
				printf("%s\n", res.number);
				if (strcmp(res.kind, "application") == 0)
					printf("%s\n", res.account_no);
			} else {
				for (int i = 0; i < errs->n; i++)
					cli_error(&errs->e[i]);
				rc = hall_rc_exit(hrc);
			}
			free(errs);
		}
	}
	store_close(s);
	form_values_free(&in);
	formset_free(set);
	return rc;
}

static void print_customer(void *ud, const struct customer *cu)
{
	(void)ud;
	char phone[40], name[256], addr[512];
	ident_mask_phone(cu->phone, phone, sizeof phone);
	utf8_sanitize(name, sizeof name, cu->name, false);
	utf8_sanitize(addr, sizeof addr, cu->address, false);
	printf("%s\t%s\t%s\t%s\n", cu->account_no, name, phone, addr);
}

int cmd_find(struct cli *c)
{
	static const char *const allowed[] = { "db", "limit", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	if (c->npos < 1) {
		cli_errorf("用法：hall find --db 路径 查询内容", "usage: hall find --db PATH QUERY");
		return 2;
	}
	char query[512] = "";
	for (int i = 0; i < c->npos; i++) {
		size_t n = strlen(query);
		snprintf(query + n, sizeof query - n, "%s%s", i ? " " : "", c->pos[i]);
	}
	int limit = 50;
	const char *l = cli_opt(c, "limit");
	if (l) {
		char *end;
		long v = strtol(l, &end, 10);
		if (!*l || *end || v < 1 || v > CUSTOMER_SEARCH_MAX) {
			cli_errorf("--limit 应为1至%d", "--limit must be 1 to %d", CUSTOMER_SEARCH_MAX);
			return 2;
		}
		limit = (int)v;
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RO, &s)))
		return rc;
	struct hall_err e;
	int count = 0;
	int hrc = customer_search(s, query, limit, print_customer, NULL, &count, &e);
	if (hrc != HALL_OK)
		cli_error(&e);
	else if (count == 0)
		fprintf(stderr, "%s\n", hall_tr("没有找到客户", "no customer found"));
	store_close(s);
	if (hrc != HALL_OK)
		return hall_rc_exit(hrc);
	return count ? 0 : 1;
}

int cmd_counter(struct cli *c)
{
	static const char *const allowed[] = { "db", "counter", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *db = cli_db_path(c);
	if (!db)
		return 2;
	char forms[CONFIG_PATH_MAX];
	const char *fo = cli_opt(c, "forms");
	if (fo)
		snprintf(forms, sizeof forms, "%s", fo);
	else if (c->cfg.forms[0])
		snprintf(forms, sizeof forms, "%s", c->cfg.forms);
	else
		config_default_forms(forms, sizeof forms);
	struct tui_options o = { .db_path = db, .forms_dir = forms,
		.counter = c->cfg.counter, .idle_lock_seconds = 300 };
	const char *cn = cli_opt(c, "counter");
	if (cn)
		o.counter = atoi(cn);
	return tui_run(&o);
}
