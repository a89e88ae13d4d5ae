/* cmd_data.c - hall demo and hall import. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hall/demo.h"
#include "hall/import.h"
#include "hall/money.h"

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int cmd_demo(struct cli *c)
{
	static const char *const allowed[] = { "db", "customers", "seed", "hall", "name", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *db = cli_db_path(c);
	if (!db)
		return 2;
	struct demo_options o;
	struct demo_summary sum;
	demo_options_init(&o);
	const char *v;
	if ((v = cli_opt(c, "customers")) && !parse_long(v, 1, DEMO_MAX_CUSTOMERS, &o.customers)) {
		cli_errorf("--customers 应为1至%ld", "--customers must be 1 to %ld", DEMO_MAX_CUSTOMERS);
		return 2;
	}
	long seed = 1;
	if ((v = cli_opt(c, "seed")) && !parse_long(v, 0, 0x7fffffffL, &seed)) {
		cli_errorf("--seed 应为非负整数", "--seed must be a whole number >= 0");
		return 2;
	}
	o.seed = (uint64_t)seed;
	if ((v = cli_opt(c, "hall")))
		o.hall_code = v;
	if ((v = cli_opt(c, "name")))
		o.hall_name = v;
	o.progress = cli_progress;
	o.summary = &sum;
	struct hall_err e;
	rc = demo_create(db, &o, &e);
	cli_progress_end();
	if (rc != HALL_OK) {
		cli_error(&e);
		return hall_rc_exit(rc);
	}
	char arrears[32];
	money_format(sum.arrears_fen, arrears, sizeof arrears);
	printf("%s\n", db);
	fprintf(stderr, hall_tr(
		"演示营业厅已建立：%ld 户，%ld 张账单（%ld 张未结清，未缴电费 %s 元，含未到期的），%ld 笔缴费，"
		"%ld 个在办工单。\n用户 1001（营业员）、9001（主任）、0001（管理员），密码 %s\n",
		"demo hall created: %ld customers, %ld bills (%ld unpaid, %s yuan unpaid including bills not yet due), %ld payments, "
		"%ld open work orders.\nusers 1001 (clerk), 9001 (manager), 0001 (admin), password %s\n"),
		sum.customers, sum.bills, sum.bills_unpaid, arrears, sum.payments,
		sum.work_open, DEMO_PASSWORD);
	return 0;
}

int cmd_import(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	if (c->npos != 2 || (strcmp(c->pos[0], "customers") && strcmp(c->pos[0], "bills"))) {
		cli_errorf("用法：hall import customers|bills --db 路径 --user 管理员 文件.csv",
		           "usage: hall import customers|bills --db PATH --user ADMIN FILE.csv");
		return 2;
	}
	struct form_set *set;
	if ((rc = cli_load_forms(c, &set)))
		return rc;
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RW, &s))) {
		formset_free(set);
		return rc;
	}
	struct hall_actor actor;
	rc = cli_login(c, s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", &actor);
	struct import_errors *errs = rc ? NULL : malloc(sizeof *errs);
	if (!rc && !errs)
		rc = 1;
	if (!rc) {
		long rows = 0;
		int hrc = import_csv(s, set, c->pos[0], c->pos[1], &actor, cli_progress,
		                     NULL, errs, &rows);
		cli_progress_end();
		if (hrc == HALL_OK) {
			printf("%ld\n", rows);
		} else {
			for (int i = 0; i < errs->n; i++)
				fprintf(stderr, "%s\n", hall_err_msg(&errs->e[i].err));
			if (errs->truncated)
				fprintf(stderr, "%s\n", hall_tr("……错误太多，只列出前面的",
				                                "... too many errors; only the first are listed"));
			fprintf(stderr, "%s\n", hall_tr("没有导入任何一行", "nothing was imported"));
			rc = hall_rc_exit(hrc);
		}
		free(errs);
	}
	store_close(s);
	formset_free(set);
	return rc;
}
