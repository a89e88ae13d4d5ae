/* main.c - `hall`: command dispatch, help and version. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_sec.h"
#include "hall/priv.h"
#include "hall/utf8.h"

struct command {
	const char *name;
	int (*run)(struct cli *c);
	const char *usage;
	const char *zh, *en;
};

static const struct command commands[] = {
	{ "counter", cmd_counter, "hall [counter] [--db PATH] [--counter N] [--lang en]",
	  "打开窗口界面（不带命令时的默认动作）",
	  "open the counter screen (the default when no command is given)" },
	{ "init", cmd_init, "hall init --db PATH --hall CODE --name NAME",
	  "新建营业厅数据库（不会覆盖已有文件）；随后用 hall user add 建立第一个系统管理员",
	  "create a hall store (never overwrites a file); then add the first administrator with hall user add" },
	{ "user", cmd_user, "hall user add ID --name NAME --role clerk|manager|admin --db PATH --user ADMIN\n"
	  "  hall user passwd ID --db PATH --user ADMIN_OR_SELF\n  hall user list --db PATH",
	  "管理工号：add 新增（空库的第一个用户须为 admin，无需 --user），passwd 改密码，list 列出；"
	  "操作员密码取自 HALL_PASSWORD，新密码取自 HALL_NEW_PASSWORD，否则提示输入",
	  "manage staff: add (the first user of an empty store must be an admin and needs no --user), passwd, list; "
	  "the operator's password comes from HALL_PASSWORD, the new one from HALL_NEW_PASSWORD, else a prompt" },
	{ "demo", cmd_demo, "hall demo --db PATH [--customers N] [--seed S] [--hall CODE --name NAME]",
	  "生成演示营业厅数据库（用户 1001 营业员、9001 主任，密码 demo1234）",
	  "create a demo hall store (users 1001 clerk, 9001 manager, password demo1234)" },
	{ "submit", cmd_submit, "hall submit FORM --db PATH --user ID [--counter N] key=value ...",
	  "提交一张窗口表单（new-connection、change、payment、complaint），打印新单据号",
	  "submit a counter form (new-connection, change, payment, complaint) and print the new record's number" },
	{ "login", cmd_login, "hall login --db PATH --user ID [--minutes N] [--counter N]\n"
	  "  the session is kept in a 0600 file in $XDG_RUNTIME_DIR/hall (or /run/user/UID/hall);\n"
	  "  it ends after N minutes (default 480, at most 720), at hall logout, or when the password changes;\n"
	  "  approvers (--approver) always type their own password",
	  "登录一个班次：输一次密码，此后本系统用户的 hall 命令在会话期内不必再输密码",
	  "log in for a shift: type the password once; this Unix user's hall commands need none while the session lasts" },
	{ "logout", cmd_logout, "hall logout --db PATH --user ID",
	  "结束会话（下班时）", "end the session (at the end of the shift)" },
	{ "find", cmd_find, "hall find --db PATH [--limit N] QUERY",
	  "查找客户：户号、电话（或尾号）、证件号，或姓名、地址的一部分",
	  "find customers by account, phone (or its last digits), ID number, or part of a name or address" },
	{ "forms", cmd_forms, "hall forms list | show FORM | check DIR",
	  "查看表单及其字段、规则；check 供管理员检查表单文件",
	  "list forms, show a form's fields and rules; check validates form files for an administrator" },
	{ "import", cmd_import, "hall import customers|bills --db PATH --user ADMIN FILE.csv",
	  "从 UTF-8 CSV 导入客户或账单（首行为字段名；全部成功才写入）",
	  "import customers or bills from UTF-8 CSV (header row of field keys; all or nothing)" },
	{ "export", cmd_export, "hall export daily|payments|complaints|applications --db PATH --user ID\n"
	  "  [--date D | --from D --to D] [--counter N] -o FILE.xlsx [--force]\n"
	  "  a manager exports any period; a clerk only their own records of today;\n"
	  "  the password comes from HALL_PASSWORD or a prompt",
	  "导出 Excel：营业日报（daily）、收费明细、投诉台账、业扩台账；已有文件须加 --force 才覆盖",
	  "export Excel workbooks: the daily sheet, payments journal, complaint ledger, applications ledger; an existing file is replaced only with --force" },
	{ "bills", cmd_bills, "hall bills --db PATH ACCOUNT [--date YYYY-MM-DD]\n"
	  "  (late fee: see the rule table late_fee_rules; 1996 rule by default)",
	  "列出户号的未缴账单、截至某日（默认今天）的违约金和应缴合计",
	  "list an account's unpaid bills with each one's late fee as of a date (today by default) and the total due" },
	{ "receipt", cmd_receipt, "hall receipt RECEIPT --db PATH --user ID\n"
	  "  prints the original once (stdout, spool copy, print command);\n"
	  "  print command: HALL_PRINT_COMMAND (default lp; none = spool only);\n"
	  "  spool folder: HALL_RECEIPTS (default ~/.local/share/hall/receipts)",
	  "打印缴费收据原件（只能一次，之后用 reprint 重打）",
	  "print a payment's original receipt (once; afterwards use reprint)" },
	{ "reprint", cmd_reprint, "hall reprint RECEIPT --db PATH --user ID\n"
	  "  the copy is headed 重打 with its number, recorded and journaled;\n"
	  "  HALL_PRINT_COMMAND / HALL_RECEIPTS as for hall receipt",
	  "重打收据（标明“重打”和次数，留有记录）",
	  "reprint a receipt (marked 重打 with its number; recorded)" },
	{ "reverse", cmd_reverse, "hall reverse --db PATH --user ID --approver MANAGER RECEIPT reason=TEXT\n"
	  "  only payments of the clerk's current, unclosed business day; the manager's\n"
	  "  password comes from HALL_APPROVER_PASSWORD or a prompt; bills and prepaid\n"
	  "  balance are restored, the payment stays visible as void",
	  "冲正当天的一笔缴费（需主任工号和密码、原因；原记录保留并标为作废）",
	  "reverse a payment of today (needs a manager's id and password and a reason; the payment stays, marked void)" },
	{ "close-day", cmd_close_day,
	  "hall close-day --db PATH --user ID [--date D] cash=AMT card=AMT wechat=AMT alipay=AMT cheque=AMT transfer=AMT [--approver MANAGER]\n"
	  "  hall close-day --sign --db PATH --user ID --approver MANAGER [--date D]\n"
	  "  hall close-day --show --db PATH --user ID [--date D]\n"
	  "At the end of the day the clerk counts the drawer and adds up the POS and QR slips,\n"
	  "then declares all six figures (0 when none; blind: the expected figures are shown\n"
	  "only after the declaration).  The sheet shows expected, declared and difference per\n"
	  "method and the receipt range; the clerk's day is locked: later payments of that\n"
	  "clerk go to the next business day.  The manager signs off at the clerk's counter,\n"
	  "with --approver on the same command or later with --sign (password from\n"
	  "HALL_APPROVER_PASSWORD or a prompt; the clerk cannot sign their own close).\n"
	  "A wrong close is corrected with hall reopen-day.",
	  "日清日结：营业员申报现金和各类签购单金额，显示应收、差额和收据号范围，锁定当日；主任签字",
	  "daily close: the clerk declares cash and slip totals; shows expected, difference and receipt range; locks the day; a manager signs off" },
	{ "reopen-day", cmd_reopen_day, "hall reopen-day --db PATH --user ID --approver MANAGER [--date D] reason=TEXT\n"
	  "  only today or a later day; the close is kept as reopened and journaled",
	  "重开已日结的营业日（需主任审批和原因，留有记录）",
	  "reopen a closed business day (a manager's approval and a reason; recorded)" },
	{ "advance", cmd_advance, "hall advance NUMBER --to STAGE [key=value ...] --db PATH --user ID [--counter N]",
	  "工单转入下一环节（不能跳过；退回须 reason=原因；撤销用 --to cancel），显示新的环节和期限",
	  "move a work order to its next stage (no skipping; going back needs reason=...; --to cancel ends it) and print the new stage and deadline" },
	{ "worklist", cmd_worklist, "hall worklist [--overdue] [--staff ID] --db PATH",
	  "在办工单，期限最近的在前；--overdue 只列超期的",
	  "open work orders, nearest deadline first; --overdue lists only those past their deadline" },
	{ "show", cmd_show, "hall show NUMBER --db PATH",
	  "工单详情：环节、各项时限（已用/期限）和全部办理记录",
	  "a work order in full: stage, clocks (used / due) and its whole history" },
	{ "calendar", cmd_calendar, "hall calendar import FILE ... --db PATH --user ADMIN\n"
	  "  hall calendar show YEAR --db PATH\n  hall calendar check FILE ...",
	  "工作日历：导入（全部通过才写入，在办工单期限随之重算）、查看某年、检查文件",
	  "the working-day calendar: import (all or nothing; open deadlines are recomputed), show a year, check files" },
	{ "rules", cmd_rules, "hall rules list --db PATH\n"
	  "  hall rules deadline KIND TYPE CLOCK AMOUNT workdays|work_hours|hours|off [--start STAGE --stop STAGE --pause LIST] [--note TEXT] --user ADMIN\n"
	  "  hall rules change TYPE RULE YYYY-MM-DD VALUE|none [--note TEXT] --user ADMIN\n"
	  "  hall rules set work_window|repeat_window_days|lockout_failures|lockout_minutes VALUE --user ADMIN",
	  "时限规则、变更规则（按施行日期）和工单设置：查看或由管理员修改",
	  "deadline rules, business-change rules (by effective date) and work settings: list, or change as an administrator" },
	{ "rectify", cmd_rectify, "hall rectify COMPLAINT staff=ID talk_date=DATE causes=... account=... measures=... responsible=... deadline=DATE --user MANAGER\n"
	  "  hall rectify review RECTIFICATION result=... --user MANAGER",
	  "登记投诉属实涉及员工的整改谈话记录，或登记复查结果（主任）",
	  "record a rectification talk after a complaint found true against staff, or its review (manager)" },
	{ "sync", cmd_sync, "hall sync --db PATH [--central URL] [--verify] [--only push|pull]",
	  "与中心库同步（上传本厅日志，下载客户、账单、工号、规则、日历与工单更新）；--verify 按日核对笔数与金额。"
	  "退出码：0 成功，10 连不上中心库，11 被拒收（日志、密码、营业厅编码），12 核对有差异，13 数据结构版本不符，14 磁盘满，15 已有同步在运行",
	  "sync with the central store (push this hall's journal; pull customers, bills, staff, rules, calendar and "
	  "work-order updates); --verify compares counts and money per day. Exit: 0 ok, 10 central unreachable, "
	  "11 rejected (entry, credentials, hall code), 12 verify found differences, 13 schema version mismatch, "
	  "14 disk full, 15 another sync running" },
	{ "central", cmd_central, "hall central init --central URL [--db HALL_STORE]",
	  "建立或升级中心库（sqlite:路径 或 postgresql://…）；带 --db 时登记该营业厅并导入其主数据（PostgreSQL 另建该厅专用账号）",
	  "create or upgrade the central store (sqlite:PATH or postgresql://...); with --db also enrol that hall "
	  "and seed its master data (PostgreSQL: and create the hall's own role)" },
	{ "audit", cmd_audit, "hall audit verify --db PATH [--user MANAGER]\n"
	  "  hall audit show --db PATH [--user MANAGER] [--staff ID] [--kind KIND] [--from DATE] [--to DATE] [--after N] [--limit N]",
	  "审计日志：verify 核对散列链（指出第一条被改、被删或被插入的记录，退出码 1），show 按工号、类别（如 login、payment）、日期列出",
	  "the audit log: verify checks the hash chain (names the first edited, deleted or inserted entry; exit 1), "
	  "show lists entries by staff, kind (e.g. login, payment) and date" },
	{ "show-id", cmd_show_id, "hall show-id ACCOUNT --db PATH --user ID [--reason TEXT]",
	  "显示客户完整的证件号码和电话：主任可直接查看，营业员须写明原因；每次查看都记入审计日志",
	  "show a customer's full ID number and phone: a manager may, a clerk must give a reason; every look is audited" },
	{ "backup", cmd_backup, "hall backup --db PATH --to NEW_FILE [--user MANAGER]",
	  "在线备份数据库（各窗口可继续办理业务；不覆盖已有文件；备份文件仅本人可读）",
	  "back up the store while the counters work (never overwrites a file; the backup is readable by you only)" },
	{ "restore", cmd_restore, "hall restore --from BACKUP --db PATH\n"
	  "  1. every counter leaves hall  2. mv PATH PATH.damaged (with -wal and -shm)\n"
	  "  3. sudo -g hall hall restore --from BACKUP --db PATH  4. hall check --db PATH\n"
	  "  The restored store starts a new epoch, so the sync keeps its entries apart from the lost store's.",
	  "从备份恢复数据库（由系统管理员进行；不覆盖已有文件；恢复后开始新的数据库纪元并记入审计日志）",
	  "restore the store from a backup (for the administrator; never overwrites; starts a new store epoch, audited)" },
	{ "check", cmd_check, "hall check --db PATH [--full] [--user MANAGER]",
	  "检查数据库：quick_check（--full 为 integrity_check）、外键和审计日志；损坏时说明如何恢复",
	  "check the store: quick_check (--full: integrity_check), foreign keys and the audit log; says how to recover from damage" },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Print text cut into lines of at most width columns (Chinese counts
 * two), never inside a character; continuation lines start at indent.
 * English is cut at spaces where one is near. */
static void print_wrapped(FILE *f, const char *text, size_t indent, size_t width)
{
	size_t room = width > indent ? width - indent : 20;
	while (*text) {
		size_t cols, n = utf8_prefix_cols(text, room, &cols);
		if (text[n]) {
			size_t sp = n;
			while (sp > n / 2 && text[sp] != ' ')
				sp--;
			if (text[sp] == ' ' && sp > n / 2)
				n = sp;
		}
		if (n == 0)
			n = strlen(text);
		fprintf(f, "%.*s\n", (int)n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(f, "%*s", (int)indent, "");
	}
}

static void usage_all(FILE *f)
{
	fprintf(f, "%s\n\n", hall_tr("hall - 供电营业厅窗口系统", "hall - counter system for power-supply service halls"));
	fprintf(f, "%s\n", hall_tr("用法：", "Usage:"));
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		fprintf(f, "  %-10s ", commands[i].name);
		print_wrapped(f, hall_tr(commands[i].zh, commands[i].en), 13, 80);
	}
	fprintf(f, "\n%s\n", hall_tr(
		"全局选项：--lang zh|en（或 HALL_LANG）  --forms 目录（或 HALL_FORMS）\n"
		"数据库路径：--db，或环境变量 HALL_DB，或配置文件中的 db = 路径\n"
		"详细说明：hall help 命令，或 man hall",
		"Global options: --lang zh|en (or HALL_LANG)  --forms DIR (or HALL_FORMS)\n"
		"Store path: --db, or HALL_DB, or db = PATH in the configuration file\n"
		"More: hall help COMMAND, or man hall"));
}

static int help(const char *name)
{
	if (!name) {
		usage_all(stdout);
		return 0;
	}
	const struct command *cmd = find_command(name);
	if (!cmd) {
		cli_errorf("没有命令 %s", "no command %s", name);
		usage_all(stderr);
		return 2;
	}
	printf("%s\n\n  %s\n", hall_tr(cmd->zh, cmd->en), cmd->usage);
	return 0;
}

int main(int argc, char **argv)
{
	/* first of all: a setgid start cleans the environment and drops the
	 * hall group until the store is opened (priv.h) */
	if (!priv_init()) {
		fputs("hall: cannot drop the hall group; stopping\n", stderr);
		return 1;
	}
	utf8_init();
	setlocale(LC_ALL, "");
	utf8_init();
	struct cli *c = calloc(1, sizeof *c);
	if (!c)
		return 1;
	struct hall_err e;
	int rc = config_load(&c->cfg, &e);
	if (c->cfg.lang[0]) {
		setenv("HALL_LANG", c->cfg.lang, 0);
	}
	hall_lang_from_env();
	/* --lang anywhere on the line */
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			v = argv[i + 1];
		else if (strncmp(argv[i], "--lang=", 7) == 0)
			v = argv[i] + 7;
		if (v)
			hall_lang_set(strcmp(v, "en") == 0 ? HALL_LANG_EN : HALL_LANG_ZH);
	}
	if (rc != HALL_OK) {
		cli_error(&e);
		free(c);
		return hall_rc_exit(rc);
	}
	int first = 1;
	const char *name = "counter";
	if (argc > 1 && argv[1][0] != '-') {
		name = argv[1];
		first = 2;
	}
	if (strcmp(name, "help") == 0 || (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))) {
		/* the topic: the first word after "help" that is not an option */
		const char *topic = NULL;
		for (int i = 2; i < argc && !topic; i++) {
			if (strcmp(argv[i], "--lang") == 0)
				i++;
			else if (argv[i][0] != '-')
				topic = argv[i];
		}
		rc = help(topic);
		free(c);
		return rc;
	}
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
		printf("hall %s\n", HALL_VERSION);
		free(c);
		return 0;
	}
	const struct command *cmd = find_command(name);
	if (!cmd) {
		cli_errorf("没有命令 %s", "no command %s", name);
		usage_all(stderr);
		free(c);
		return 2;
	}
	c->cmd = cmd->name;
	rc = cli_parse(c, argc, argv, first);
	/* setgid for a clerk's Unix account: the store is read only with a
	 * hall login (the threat model of issue 8); these commands take none */
	static const char *const need_login[] = { "find", "bills", "show",
		"worklist", NULL };
	for (const char *const *n = need_login; rc == 0 && priv_active() && *n; n++)
		if (strcmp(cmd->name, *n) == 0) {
			cli_errorf("hall 以 hall 组身份运行时，%s 须登录后使用：请用窗口界面（hall counter）",
			           "while hall runs setgid, %s needs a hall login: use the counter screen (hall counter)",
			           cmd->name);
			rc = 4;
		}
	/* a setgid hall trusts only the administrator's forms and central */
	for (const char *const *o = (const char *const[]){ "forms", "central", NULL };
	     rc == 0 && *o; o++)
		if (cli_opt(c, *o) && priv_check_option(*o, &e) != HALL_OK) {
			cli_error(&e);
			rc = hall_rc_exit(e.code);
		}
	/* no control sequence from stored data reaches a terminal (#8);
	 * the counter screen's curses writes its own */
	if (strcmp(cmd->name, "counter") != 0)
		cli_stdout_guard();
	if (rc == 0 && cli_flag(c, "help"))
		rc = help(cmd->name);
	else if (rc == 0)
		rc = cmd->run(c);
	free(c);
	return rc;
}
