/* cmd_payment.c - the cash desk from the command line: hall bills, receipt,
 * reprint, reverse, close-day and reopen-day.  Every rule is in the core
 * (payment.h); this file parses arguments, logs in and prints. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hall/money.h"
#include "hall/payment.h"
#include "hall/utf8.h"

/* value of a positional "key=value" argument, NULL if absent; *dups set
 * when the key is given twice. */
static const char *kv(const struct cli *c, const char *key, bool *dup)
{
	const char *found = NULL;
	size_t n = strlen(key);
	for (int i = 0; i < c->npos; i++)
		if (strncmp(c->pos[i], key, n) == 0 && c->pos[i][n] == '=') {
			if (found && dup)
				*dup = true;
			found = c->pos[i] + n + 1;
		}
	return found;
}

/* Positional arguments that are not key=value. */
static int plain_args(const struct cli *c, const char **out, int max)
{
	int n = 0;
	for (int i = 0; i < c->npos; i++)
		if (!strchr(c->pos[i], '=')) {
			if (n < max)
				out[n] = c->pos[i];
			n++;
		}
	return n;
}

/* Refuse key=value arguments other than the allowed keys. */
static int only_keys(const struct cli *c, const char *const *keys)
{
	for (int i = 0; i < c->npos; i++) {
		const char *eq = strchr(c->pos[i], '=');
		if (!eq)
			continue;
		bool ok = false;
		for (const char *const *k = keys; *k && !ok; k++)
			ok = strlen(*k) == (size_t)(eq - c->pos[i]) &&
			     strncmp(*k, c->pos[i], (size_t)(eq - c->pos[i])) == 0;
		if (!ok) {
			cli_errorf("%s 不接受参数 %.*s（见 hall help %s）",
			           "%s does not take %.*s (see hall help %s)",
			           c->cmd, (int)(eq - c->pos[i]), c->pos[i], c->cmd);
			return 2;
		}
	}
	return 0;
}

static int fail(const struct hall_err *e, int rc)
{
	cli_error(e);
	return hall_rc_exit(rc);
}

/* The approver's password: HALL_APPROVER_PASSWORD or a prompt. */
static bool approver_password(const char *approver, char *pw, size_t n)
{
	const char *env = getenv("HALL_APPROVER_PASSWORD");
	if (env) {
		snprintf(pw, n, "%s", env);
		return true;
	}
	char prompt[128];
	snprintf(prompt, sizeof prompt, hall_tr("主任 %s 的密码：", "Password of manager %s: "), approver);
	if (cli_read_password(prompt, pw, n))
		return true;
	cli_errorf("需要主任密码：没有终端可以输入，请设置环境变量 HALL_APPROVER_PASSWORD",
	           "the manager's password is needed: no terminal to ask on; set HALL_APPROVER_PASSWORD");
	return false;
}

/* Open the store read-write and log --user in. */
static int open_login(struct cli *c, struct store **s, struct hall_actor *actor)
{
	int rc = cli_open_store(c, STORE_RW, s);
	if (rc)
		return rc;
	rc = cli_login(c, *s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", actor);
	if (rc) {
		store_close(*s);
		*s = NULL;
	}
	return rc;
}

static const char *money(int64_t fen, char *buf)
{
	return money_format(fen, buf, 32);
}

/* Print cells padded to columns (negative width: left aligned). */
static void cells(const int *w, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *t = va_arg(ap, const char *);
		char out[256];
		utf8_pad(out, sizeof out, t, (size_t)(w[i] < 0 ? -w[i] : w[i]), w[i] < 0);
		fputs(out, stdout);
	}
	va_end(ap);
	fputc('\n', stdout);
}

/* ------------------------------------------------------------- bills */

int cmd_bills(struct cli *c)
{
	static const char *const allowed[] = { "db", "date", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *acct[2];
	if (plain_args(c, acct, 2) != 1 || c->npos != 1) {
		cli_errorf("用法：hall bills --db 路径 户号 [--date YYYY-MM-DD]",
		           "usage: hall bills --db PATH ACCOUNT [--date YYYY-MM-DD]");
		return 2;
	}
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RO, &s)))
		return rc;
	struct payment_due d;
	struct hall_err e;
	int hrc = payment_due_get(s, acct[0], cli_opt(c, "date"), &d, &e);
	store_close(s);
	if (hrc != HALL_OK)
		return fail(&e, hrc);
	char name[256], m1[32], m2[32], m3[32], m4[32], days[16];
	utf8_sanitize(name, sizeof name, d.customer.name, false);
	printf(hall_tr("户号：%s  户名：%s  类别：%s  违约金计至：%s\n",
	               "Account: %s  Name: %s  Category: %s  Late fees as of: %s\n"),
	       d.customer.account_no, name, d.customer.category, d.as_of);
	static const int w[] = { -9, -12, 14, 12, 10, 14 };
	cells(w, 6, hall_tr("账期", "Period"), hall_tr("到期日", "Due"),
	      hall_tr("电费", "Principal"), hall_tr("违约金", "Late fee"),
	      hall_tr("逾期天数", "Days late"), hall_tr("应缴", "Due now"));
	for (int i = 0; i < d.nbills; i++) {
		const struct bill_due *b = &d.bills[i];
		snprintf(days, sizeof days, "%d", b->days_overdue);
		cells(w, 6, b->bill.period, b->bill.due_date, money(b->principal_due_fen, m1),
		      money(b->late_fee_due_fen, m2), days, money(b->total_due_fen, m3));
	}
	if (d.nbills == 0)
		printf("%s\n", hall_tr("没有未缴账单", "no unpaid bills"));
	printf(hall_tr("合计：电费 %s  违约金 %s  应缴 %s\n",
	               "Total: principal %s  late fees %s  due %s\n"),
	       money(d.principal_fen, m1), money(d.late_fee_fen, m2), money(d.total_fen, m3));
	printf(hall_tr("预存余额：%s  扣除预存后应缴：%s\n",
	               "Prepaid balance: %s  due after prepaid: %s\n"),
	       money(d.prepaid_fen, m1), money(d.net_fen, m4));
	payment_due_free(&d);
	return 0;
}

/* ------------------------------------------------------- receipts */

static int receipt_cmd(struct cli *c, bool reprint)
{
	static const char *const allowed[] = { "db", "user", "counter", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *r[2];
	if (plain_args(c, r, 2) != 1 || c->npos != 1) {
		if (reprint)
			cli_errorf("用法：hall reprint 收据号 --db 路径 --user 工号",
			           "usage: hall reprint RECEIPT --db PATH --user ID");
		else
			cli_errorf("用法：hall receipt 收据号 --db 路径 --user 工号",
			           "usage: hall receipt RECEIPT --db PATH --user ID");
		return 2;
	}
	struct store *s;
	struct hall_actor actor;
	if ((rc = open_login(c, &s, &actor)))
		return rc;
	struct hall_err e;
	char *text = NULL;
	int copy = 0;
	int hrc = reprint ? payment_reprint(s, &actor, r[0], NULL, &copy, &text, &e)
	                  : payment_receipt_print(s, &actor, r[0], NULL, &text, &e);
	store_close(s);
	if (text)
		fputs(text, stdout);
	free(text);
	if (hrc != HALL_OK)
		return fail(&e, hrc);
	return 0;
}

int cmd_reprint(struct cli *c)
{
	return receipt_cmd(c, true);
}

int cmd_receipt(struct cli *c)
{
	return receipt_cmd(c, false);
}

/* ------------------------------------------------------------ reverse */

int cmd_reverse(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "approver", NULL };
	static const char *const keys[] = { "reason", NULL };
	int rc = cli_only(c, allowed);
	if (rc || (rc = only_keys(c, keys)))
		return rc;
	const char *r[2];
	bool dup = false;
	const char *reason = kv(c, "reason", &dup);
	const char *approver = cli_opt(c, "approver");
	if (plain_args(c, r, 2) != 1 || !reason || dup || !approver) {
		cli_errorf("用法：hall reverse --db 路径 --user 工号 --approver 主任工号 收据号 reason=原因",
		           "usage: hall reverse --db PATH --user ID --approver MANAGER RECEIPT reason=TEXT");
		return 2;
	}
	struct store *s;
	struct hall_actor actor;
	if ((rc = open_login(c, &s, &actor)))
		return rc;
	struct hall_err e;
	int hrc = payment_reverse_check(s, &actor, r[0], reason, &e);
	if (hrc != HALL_OK) {
		store_close(s);
		return fail(&e, hrc);
	}
	char pw[256];
	if (!approver_password(approver, pw, sizeof pw)) {
		store_close(s);
		return 4;
	}
	struct reversal_result res;
	hrc = payment_reverse(s, &actor, r[0], reason, approver, pw, &res, &e);
	explicit_bzero(pw, sizeof pw);
	store_close(s);
	if (hrc != HALL_OK)
		return fail(&e, hrc);
	char m[32];
	printf("%s\n", res.receipt_no);
	fprintf(stderr, hall_tr("已冲正收据 %s：户号 %s，金额 %s 元，营业日 %s，审批 %s\n",
	                        "receipt %s reversed: account %s, %s yuan, business day %s, approved by %s\n"),
	        res.receipt_no, res.account_no, money(res.amount_fen, m),
	        res.business_date, res.approver_id);
	return 0;
}

/* ---------------------------------------------------------- daily close */

static const char *status_label(const char *st)
{
	if (strcmp(st, "declared") == 0)
		return hall_tr("已申报，待主任签字", "declared, awaiting the manager's sign-off");
	if (strcmp(st, "signed") == 0)
		return hall_tr("主任已签字", "signed off");
	return hall_tr("已重开", "reopened");
}

static void print_close(const struct day_close *d)
{
	char m1[32], m2[32], m3[32], n[16], local[17];
	printf(hall_tr("日清日结  营业日 %s  收费员 %s  状态：%s\n",
	               "Daily close  business day %s  clerk %s  status: %s\n"),
	       d->business_date, d->staff_id, status_label(d->status));
	static const int w[] = { -10, 15, 15, 13, 7 };
	cells(w, 5, hall_tr("付款方式", "Method"), hall_tr("应收", "Expected"),
	      hall_tr("实点", "Declared"), hall_tr("差额", "Difference"),
	      hall_tr("笔数", "Count"));
	for (int i = 0; i < PAYMENT_NMETHODS; i++) {
		const struct close_line *l = &d->lines[i];
		snprintf(n, sizeof n, "%d", l->count);
		cells(w, 5, payment_method_label(l->method), money(l->expected_fen, m1),
		      money(l->declared_fen, m2), money(l->diff_fen, m3), n);
	}
	snprintf(n, sizeof n, "%d", d->payments);
	cells(w, 5, hall_tr("合计", "Total"), money(d->expected_fen, m1),
	      money(d->declared_fen, m2), money(d->diff_fen, m3), n);
	if (d->receipts > 0)
		printf(hall_tr("收据 %s 至 %s，共 %d 张；其中冲正 %d 张，金额 %s 元\n",
		               "receipts %s to %s, %d in all; %d reversed, %s yuan\n"),
		       d->first_receipt, d->last_receipt, d->receipts, d->reversals,
		       money(d->reversed_fen, m1));
	else
		printf("%s\n", hall_tr("当日没有收据", "no receipts this day"));
	if (d->diff_fen != 0)
		printf("%s\n", hall_tr("注意：实点与应收不符，请复核现金和签购单",
		                       "note: the declared figures differ from the expected ones; recount the cash and slips"));
	if (d->signed_by[0]) {
		store_local_time(d->signed_at, local);
		printf(hall_tr("签字：%s  %s\n", "signed off by %s at %s\n"), d->signed_by, local);
	}
}

int cmd_close_day(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "date",
		"approver", "sign", "show", NULL };
	static const char *const keys[] = { "cash", "card", "wechat", "alipay",
		"cheque", "transfer", NULL };
	int rc = cli_only(c, allowed);
	if (rc || (rc = only_keys(c, keys)))
		return rc;
	const char *extra[1];
	if (plain_args(c, extra, 1) > 0) {
		cli_errorf("参数 %s 应写成 付款方式=金额（%s）", "argument %s must be METHOD=AMOUNT (%s)",
		           extra[0], "cash card wechat alipay cheque transfer");
		return 2;
	}
	bool sign = cli_flag(c, "sign"), show = cli_flag(c, "show");
	const char *approver = cli_opt(c, "approver");
	if ((sign || show) && c->npos > 0) {
		cli_errorf("--sign / --show 不带金额", "--sign / --show take no figures");
		return 2;
	}
	if (sign && !approver) {
		cli_errorf("签字需要 --approver 主任工号", "signing off needs --approver MANAGER");
		return 2;
	}
	int64_t declared[PAYMENT_NMETHODS];
	if (!sign && !show) {
		for (int i = 0; i < PAYMENT_NMETHODS; i++) {
			bool dup = false;
			const char *v = kv(c, payment_method_keys[i], &dup);
			declared[i] = -1;
			if (dup) {
				cli_errorf("%s 写了两次", "%s is given twice", payment_method_keys[i]);
				return 2;
			}
			if (!v)
				continue;
			struct hall_err e;
			if (money_parse(v, payment_method_label(payment_method_keys[i]), &declared[i], &e) != HALL_OK)
				return fail(&e, e.code);
			if (declared[i] < 0) {
				cli_errorf("%s：金额不能为负", "%s: the amount must not be negative",
				           payment_method_keys[i]);
				return 2;
			}
		}
	}
	struct store *s;
	struct hall_actor actor;
	if ((rc = open_login(c, &s, &actor)))
		return rc;
	struct hall_err e;
	struct day_close d;
	int hrc;
	const char *date = cli_opt(c, "date");
	if (show) {
		hrc = payment_close_get(s, actor.user.id, date, &d, &e);
		if (hrc == HALL_OK)
			print_close(&d);
		store_close(s);
		return hrc == HALL_OK ? 0 : fail(&e, hrc);
	}
	if (!sign) {
		hrc = payment_close_declare(s, &actor, date, declared, &d, &e);
		if (hrc != HALL_OK) {
			store_close(s);
			return fail(&e, hrc);
		}
		print_close(&d);
		if (!approver) {
			fprintf(stderr, "%s\n", hall_tr(
				"已日结，本营业日已锁定；请主任签字：hall close-day --sign --approver 主任工号",
				"day closed and locked; a manager signs it off with: hall close-day --sign --approver MANAGER"));
			store_close(s);
			return 0;
		}
	}
	if (sign) {
		/* nothing to sign: say so before calling the manager over */
		hrc = payment_close_get(s, actor.user.id, date, &d, &e);
		if (hrc == HALL_OK && strcmp(d.status, "signed") == 0)
			hrc = payment_close_sign(s, &actor, NULL, date, approver, "", &d, &e);
		if (hrc != HALL_OK) {
			store_close(s);
			return fail(&e, hrc);
		}
	}
	char pw[256];
	if (!approver_password(approver, pw, sizeof pw)) {
		store_close(s);
		return 4;
	}
	hrc = payment_close_sign(s, &actor, NULL, date, approver, pw, &d, &e);
	explicit_bzero(pw, sizeof pw);
	store_close(s);
	if (hrc != HALL_OK)
		return fail(&e, hrc);
	if (sign)
		print_close(&d);
	else
		printf(hall_tr("签字：%s\n", "signed off by %s\n"), d.signed_by);
	return 0;
}

int cmd_reopen_day(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "date", "approver", NULL };
	static const char *const keys[] = { "reason", NULL };
	int rc = cli_only(c, allowed);
	if (rc || (rc = only_keys(c, keys)))
		return rc;
	bool dup = false;
	const char *reason = kv(c, "reason", &dup);
	const char *approver = cli_opt(c, "approver");
	const char *extra[1];
	if (!reason || dup || !approver || plain_args(c, extra, 1) > 0) {
		cli_errorf("用法：hall reopen-day --db 路径 --user 工号 --approver 主任工号 [--date 日期] reason=原因",
		           "usage: hall reopen-day --db PATH --user ID --approver MANAGER [--date D] reason=TEXT");
		return 2;
	}
	struct store *s;
	struct hall_actor actor;
	if ((rc = open_login(c, &s, &actor)))
		return rc;
	struct hall_err e;
	const char *date = cli_opt(c, "date");
	struct day_close d;
	int hrc = payment_close_get(s, actor.user.id, date, &d, &e);
	if (hrc != HALL_OK) {
		store_close(s);
		return fail(&e, hrc);
	}
	char pw[256];
	if (!approver_password(approver, pw, sizeof pw)) {
		store_close(s);
		return 4;
	}
	hrc = payment_day_reopen(s, &actor, NULL, date, reason, approver, pw, &e);
	explicit_bzero(pw, sizeof pw);
	char bd[11] = "";
	if (hrc == HALL_OK)
		payment_business_date(s, actor.user.id, bd, &e);
	store_close(s);
	if (hrc != HALL_OK)
		return fail(&e, hrc);
	fprintf(stderr, hall_tr("营业日已重开；新的缴费记入营业日 %s\n",
	                        "the day is reopened; new payments go to business day %s\n"), bd);
	return 0;
}
