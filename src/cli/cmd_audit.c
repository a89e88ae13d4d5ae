/* cmd_audit.c - hall audit verify/show and hall show-id. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_sec.h"
#include "hall/audit.h"
#include "hall/priv.h"
#include "hall/utf8.h"

int cli_maint_actor(struct cli *c, struct store *s, struct hall_actor *buf,
                    const struct hall_actor **actor_out)
{
	*actor_out = NULL;
	const char *user = cli_opt(c, "user");
	if (user) {
		int rc = cli_login(c, s, user, "HALL_PASSWORD", "密码：", "Password: ", buf);
		if (rc == 0)
			*actor_out = buf;
		return rc;
	}
	if (priv_active()) {
		cli_errorf("请用 --user 工号 登录（需要主任或管理员权限）",
		           "log in with --user ID (a manager or administrator)");
		return 4;
	}
	return 0;
}

static void print_row(void *ud, const struct audit_row *r)
{
	(void)ud;
	char local[17], target[AUDIT_TARGET_MAX * 3 + 1], detail[AUDIT_DETAIL_MAX * 3 + 1];
	char kind[160], staff[64];
	store_local_time(r->at, local);
	/* a tampered row could hold anything: never raw to the terminal */
	utf8_sanitize(target, sizeof target, r->target, false);
	utf8_sanitize(detail, sizeof detail, r->detail, false);
	utf8_sanitize(kind, sizeof kind, r->kind, false);
	utf8_sanitize(staff, sizeof staff, r->staff_id[0] ? r->staff_id : "-", false);
	printf("%lld\t%s\t%s\t%d\t%s\t%s\t%s\n", (long long)r->id, local, staff,
	       r->counter, kind, target, detail);
}

static bool parse_num(const char *v, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || !*v || *end || n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

int cmd_audit(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "staff",
		"kind", "from", "to", "after", "limit", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *what = c->npos > 0 ? c->pos[0] : "";
	bool verify = strcmp(what, "verify") == 0, show = strcmp(what, "show") == 0;
	if (!verify && !show) {
		cli_errorf("用法：hall audit verify | show [--staff 工号] [--kind 类别] [--from 日期] [--to 日期] [--limit N]",
		           "usage: hall audit verify | show [--staff ID] [--kind KIND] [--from DATE] [--to DATE] [--limit N]");
		return 2;
	}
	struct audit_filter f = { 0 };
	long long n;
	const char *v;
	if ((v = cli_opt(c, "limit"))) {
		if (!parse_num(v, 1, 1000000, &n)) {
			cli_errorf("--limit 应为1至1000000", "--limit must be 1 to 1000000");
			return 2;
		}
		f.limit = (int)n;
	}
	if ((v = cli_opt(c, "after"))) {
		if (!parse_num(v, 0, INT64_MAX, &n)) {
			cli_errorf("--after 应为记录编号", "--after must be an entry number");
			return 2;
		}
		f.after_id = n;
	}
	f.staff_id = cli_opt(c, "staff");
	f.kind = cli_opt(c, "kind");
	f.from = cli_opt(c, "from");
	f.to = cli_opt(c, "to");
	struct store *s;
	/* a hall login is recorded, so it needs the store read-write */
	if ((rc = cli_open_store(c, cli_opt(c, "user") ? STORE_RW : STORE_RO, &s)))
		return rc;
	struct hall_actor buf;
	const struct hall_actor *actor;
	if ((rc = cli_maint_actor(c, s, &buf, &actor))) {
		store_close(s);
		return rc;
	}
	struct hall_err e;
	if (verify) {
		struct audit_verify r;
		int hrc = audit_verify(s, actor, &r, &e);
		if (hrc != HALL_OK) {
			cli_error(&e);
			rc = hall_rc_exit(hrc);
		} else if (r.bad_id) {
			cli_error(&r.problem);
			fprintf(stderr, "%s\n", hall_tr(
				"审计日志不完整：请保留此数据库文件作为证据，并与中心库中的副本核对",
				"the audit log is not intact: keep this store file as evidence and compare it with the copy at the central store"));
			rc = 1;
		} else {
			printf(hall_tr("审计日志完好：%lld 条记录（#1 至 #%lld），散列链和日志条目一致\n",
			               "audit log intact: %lld entries (#1 to #%lld), hash chain and journal entries agree\n"),
			       (long long)r.rows, (long long)r.last_id);
		}
	} else {
		int hrc = audit_show(s, actor, &f, print_row, NULL, &e);
		if (hrc != HALL_OK) {
			cli_error(&e);
			rc = hall_rc_exit(hrc);
		}
	}
	store_close(s);
	return rc;
}

int cmd_show_id(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "reason", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	if (c->npos != 1) {
		cli_errorf("用法：hall show-id 户号 --db 路径 --user 工号 [--reason 原因]",
		           "usage: hall show-id ACCOUNT --db PATH --user ID [--reason TEXT]");
		return 2;
	}
	struct store *s;
	/* read-write: the read is recorded before the number is shown */
	if ((rc = cli_open_store(c, STORE_RW, &s)))
		return rc;
	struct hall_actor actor;
	rc = cli_login(c, s, cli_opt(c, "user"), "HALL_PASSWORD", "密码：", "Password: ", &actor);
	if (rc == 0) {
		struct audit_pii p;
		struct hall_err e;
		int hrc = audit_reveal(s, &actor, c->pos[0], cli_opt(c, "reason"), &p, &e);
		if (hrc != HALL_OK) {
			cli_error(&e);
			rc = hall_rc_exit(hrc);
		} else {
			char name[sizeof p.name * 3], id[sizeof p.id_number * 3], phone[sizeof p.phone * 3];
			utf8_sanitize(name, sizeof name, p.name, false);
			utf8_sanitize(id, sizeof id, p.id_number, false);
			utf8_sanitize(phone, sizeof phone, p.phone, false);
			printf("%s\t%s\t%s\t%s\n", p.account_no, name, id, phone);
		}
		explicit_bzero(&p, sizeof p);
	}
	store_close(s);
	return rc;
}
