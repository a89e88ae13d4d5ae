/* cmd_export.c - hall export: Excel workbooks for managers (营业日报 and
 * the ledgers).  Everything that matters (periods, roles, the file) is
 * checked in the core by export_run; this file reads the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hall/export.h"
#include "hall/money.h"

static bool on_progress(void *ud, long done, long total)
{
	cli_progress(ud, done, total);
	return true;
}

int cmd_export(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "date", "from", "to",
		"counter", "output", "force", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *report = NULL, *out = cli_opt(c, "output");
	for (int i = 0; i < c->npos; i++) {
		if (strcmp(c->pos[i], "-o") == 0) {
			if (i + 1 >= c->npos) {
				cli_errorf("-o 后面要写导出文件名", "-o needs the file to write");
				return 2;
			}
			out = c->pos[++i];
		} else if (!report) {
			report = c->pos[i];
		} else {
			cli_errorf("多余的参数 %s（见 hall help export）",
			           "unexpected argument %s (see hall help export)", c->pos[i]);
			return 2;
		}
	}
	if (!report) {
		cli_errorf("用法：hall export daily|payments|complaints|applications --db 路径 --user 工号"
		           " [--date 日期 | --from 日期 --to 日期] [--counter 窗口] -o 文件.xlsx [--force]",
		           "usage: hall export daily|payments|complaints|applications --db PATH --user ID"
		           " [--date D | --from D --to D] [--counter N] -o FILE.xlsx [--force]");
		return 2;
	}
	struct export_options o;
	export_options_init(&o);
	struct hall_err e;
	char from[11], to[11];
	if ((rc = export_report_parse(report, &o.report, &e)) != HALL_OK ||
	    (rc = export_period(cli_opt(c, "date"), cli_opt(c, "from"), cli_opt(c, "to"),
	                        from, to, &e)) != HALL_OK) {
		cli_error(&e);
		return hall_rc_exit(rc);
	}
	if (!out || !*out) {
		cli_errorf("请用 -o 文件.xlsx 指定导出文件", "give the file to write with -o FILE.xlsx");
		return 2;
	}
	/* read-write although an export only reads: the login must be able
	 * to count a wrong password and write its audit row */
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RW, &s)))
		return rc;
	struct hall_actor actor;
	rc = cli_login(c, s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", &actor);
	if (rc) {
		store_close(s);
		return rc;
	}
	/* --counter limits the export to one counter; without it: all */
	o.counter = cli_opt(c, "counter") ? actor.counter : 0;
	o.from = from;
	o.to = to;
	o.path = out;
	o.force = cli_flag(c, "force");
	o.progress = on_progress;
	struct export_result res;
	int hrc = export_run(s, &actor, &o, &res, &e);
	cli_progress_end();
	store_close(s);
	if (hrc != HALL_OK) {
		cli_error(&e);
		return hall_rc_exit(hrc);
	}
	char takings[32];
	money_format(res.takings_fen, takings, sizeof takings);
	printf("%s\n", out);
	if (strcmp(from, to) == 0)
		fprintf(stderr, hall_tr("已导出%s %s：%d 张工作表，%ld 行数据%s\n",
		                        "exported %s %s: %d sheets, %ld data rows%s\n"),
		        export_report_label(o.report), from, res.sheets, res.rows,
		        res.empty ? hall_tr("（本期没有业务记录）", " (nothing recorded in the period)") : "");
	else
		fprintf(stderr, hall_tr("已导出%s %s 至 %s：%d 张工作表，%ld 行数据%s\n",
		                        "exported %s %s to %s: %d sheets, %ld data rows%s\n"),
		        export_report_label(o.report), from, to, res.sheets, res.rows,
		        res.empty ? hall_tr("（本期没有业务记录）", " (nothing recorded in the period)") : "");
	if (o.report == EXPORT_DAILY || o.report == EXPORT_PAYMENTS)
		fprintf(stderr, hall_tr("实收 %s 元\n", "takings %s yuan\n"), takings);
	return 0;
}
