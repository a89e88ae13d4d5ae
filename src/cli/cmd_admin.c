/* cmd_admin.c - hall init, hall user, hall forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hall/money.h"
#include "hall/utf8.h"

int cmd_init(struct cli *c)
{
	static const char *const allowed[] = { "db", "hall", "name", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *db = cli_db_path(c);
	if (!db)
		return 2;
	const char *code = cli_opt(c, "hall"), *name = cli_opt(c, "name");
	if (!code || !name) {
		cli_errorf("用法：hall init --db 路径 --hall 三位编码 --name 营业厅名称",
		           "usage: hall init --db PATH --hall CODE --name NAME");
		return 2;
	}
	struct store *s;
	struct hall_err e;
	rc = store_create(db, code, name, &s, &e);
	if (rc != HALL_OK) {
		cli_error(&e);
		return hall_rc_exit(rc);
	}
	store_close(s);
	printf("%s\n", db);
	fprintf(stderr, "%s\n", hall_tr(
		"已建立营业厅数据库。下一步：hall user add 工号 --name 姓名 --role admin --db 路径",
		"hall store created. Next: hall user add ID --name NAME --role admin --db PATH"));
	return 0;
}

static bool read_new_password(char *pw, size_t n)
{
	const char *env = getenv("HALL_NEW_PASSWORD");
	if (env) {
		snprintf(pw, n, "%s", env);
		return true;
	}
	char again[256];
	if (!cli_read_password(hall_tr("新密码：", "New password: "), pw, n) ||
	    !cli_read_password(hall_tr("再输一次：", "Again: "), again, sizeof again)) {
		cli_errorf("需要新密码：没有终端可以输入，请设置环境变量 HALL_NEW_PASSWORD",
		           "a new password is needed: no terminal to ask on; set HALL_NEW_PASSWORD");
		return false;
	}
	bool same = strcmp(pw, again) == 0;
	explicit_bzero(again, sizeof again);
	if (!same)
		cli_errorf("两次输入的密码不同", "the two passwords differ");
	return same;
}

static void print_user(void *ud, const struct hall_user *u)
{
	(void)ud;
	char name[64];
	utf8_sanitize(name, sizeof name, u->name, false);
	printf("%s\t%s\t%s\t%s%s\n", u->id, name, auth_role_key(u->role),
	       u->active ? "active" : "inactive",
	       u->must_change ? "\tmust-change-password" : "");
}

/* The accounts that log in here (at a central store: the branch's own,
 * auth.h), -1 when they cannot be counted. */
static int64_t staff_count(struct store *s)
{
	int64_t n = -1;
	return auth_user_count(s, &n, NULL) == HALL_OK ? n : -1;
}

int cmd_user(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "name", "role", "counter", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *sub = c->npos > 0 ? c->pos[0] : NULL;
	if (!sub || (strcmp(sub, "add") && strcmp(sub, "passwd") && strcmp(sub, "list"))) {
		cli_errorf("用法：hall user add|passwd|list（见 hall help user）",
		           "usage: hall user add|passwd|list (see hall help user)");
		return 2;
	}
	struct store *s;
	if ((rc = cli_open_store(c, strcmp(sub, "list") ? STORE_RW : STORE_RO, &s)))
		return rc;
	struct hall_err e;
	struct hall_actor actor;
	memset(&actor, 0, sizeof actor);
	if (strcmp(sub, "list") == 0) {
		rc = auth_user_list(s, print_user, NULL, &e);
		if (rc != HALL_OK)
			cli_error(&e);
		store_close(s);
		return hall_rc_exit(rc);
	}
	const char *id = c->npos > 1 ? c->pos[1] : NULL;
	if (!id) {
		cli_errorf("请给出工号：hall user %s 工号", "give the staff id: hall user %s ID", sub);
		store_close(s);
		return 2;
	}
	bool bootstrap = strcmp(sub, "add") == 0 && staff_count(s) == 0;
	/* always the password, never a session: changing a password or adding
	 * a user must not be possible from a terminal left logged in */
	if (!bootstrap && (rc = cli_login_password(c, s, cli_opt(c, "user"), "HALL_PASSWORD",
	                                   "操作员密码：", "Operator password: ", &actor))) {
		store_close(s);
		return rc;
	}
	char pw[256];
	if (!read_new_password(pw, sizeof pw)) {
		store_close(s);
		return 2;
	}
	if (strcmp(sub, "add") == 0) {
		enum hall_role role = ROLE_CLERK;
		const char *r = cli_opt(c, "role");
		if (r && auth_role_parse(r, &role) != HALL_OK) {
			cli_errorf("--role 应为 clerk、manager 或 admin", "--role must be clerk, manager or admin");
			explicit_bzero(pw, sizeof pw);
			store_close(s);
			return 2;
		}
		const char *name = cli_opt(c, "name");
		rc = auth_user_add(s, bootstrap ? NULL : &actor, id, name ? name : "",
		                   role, pw, &e);
	} else {
		rc = auth_user_passwd(s, &actor, id, pw, &e);
	}
	explicit_bzero(pw, sizeof pw);
	if (rc != HALL_OK)
		cli_error(&e);
	else
		printf("%s\n", id);
	store_close(s);
	return hall_rc_exit(rc);
}

/* ------------------------------------------------------------- forms */

static void print_limits(const struct form_field *f)
{
	char a[32], b[32];
	if (f->min_len || f->max_len)
		printf("  %s %d..%d", hall_tr("长度", "length"), f->min_len, f->max_len);
	if (f->has_min || f->has_max) {
		if (f->type == FT_MONEY) {
			money_format_plain(f->min, a, sizeof a);
			money_format_plain(f->max, b, sizeof b);
		} else {
			snprintf(a, sizeof a, "%lld", (long long)f->min);
			snprintf(b, sizeof b, "%lld", (long long)f->max);
		}
		printf("  %s %s..%s", hall_tr("范围", "range"), f->has_min ? a : "", f->has_max ? b : "");
	}
}

static void print_conds(const char *what, const struct form_cond *cs, int n)
{
	static const char *const ops[] = { "=", "!=", "in", "not-in", "set", "empty" };
	for (int i = 0; i < n; i++) {
		printf("  %s %s %s", what, cs[i].key, ops[cs[i].op]);
		for (int j = 0; j < cs[i].nvalues; j++)
			printf("%s%s", j ? "," : " ", cs[i].values[j]);
	}
}

static void show_form(const struct form_def *f)
{
	printf("%s\t%s\n", f->name, form_title(f));
	for (int i = 0; i < f->nfields; i++) {
		const struct form_field *fld = &f->fields[i];
		printf("%s\t%s\t%s\t%s", fld->key, form_type_name(fld->type),
		       fld->required ? hall_tr("必填", "required") : hall_tr("选填", "optional"),
		       form_label(fld));
		print_limits(fld);
		print_conds("show-when", fld->show_when, fld->nshow_when);
		print_conds("required-when", fld->required_when, fld->nrequired_when);
		if (fld->default_value[0])
			printf("  %s %s", hall_tr("默认", "default"), fld->default_value);
		printf("\n");
		for (int j = 0; j < fld->nchoices; j++)
			printf("\t= %s\t%s\n", fld->choices[j].key,
			       form_choice_label(&fld->choices[j]));
	}
}

static void report_broken(void *ud, const struct hall_err *e)
{
	(void)ud;
	/* the message quotes the file: never let it drive the terminal */
	char clean[HALL_ERR_TEXT * 3];
	utf8_sanitize(clean, sizeof clean, hall_err_msg(e), false);
	fprintf(stderr, "%s\n", clean);
}

int cmd_forms(struct cli *c)
{
	static const char *const allowed[] = { NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *sub = c->npos > 0 ? c->pos[0] : "list";
	if (strcmp(sub, "check") == 0) {
		if (c->npos < 2) {
			cli_errorf("用法：hall forms check 目录", "usage: hall forms check DIR");
			return 2;
		}
		int broken = formset_check_dir(c->pos[1], report_broken, NULL);
		if (broken == 0)
			printf("%s\n", hall_tr("表单文件全部通过检查", "all form files are valid"));
		return broken ? 6 : 0;
	}
	struct form_set *set;
	if ((rc = cli_load_forms(c, &set)))
		return rc;
	if (strcmp(sub, "list") == 0) {
		for (int i = 0; i < set->nforms; i++)
			printf("%s\t%s\t%s\n", set->forms[i]->name,
			       form_title(set->forms[i]), set->forms[i]->action);
	} else if (strcmp(sub, "show") == 0 && c->npos > 1) {
		const struct form_def *f = formset_find(set, c->pos[1]);
		if (!f) {
			cli_errorf("没有表单 %s，可用的表单：", "no form %s; the forms are:", c->pos[1]);
			for (int i = 0; i < set->nforms; i++)
				fprintf(stderr, "  %s\n", set->forms[i]->name);
			rc = 2;
		} else {
			show_form(f);
		}
	} else {
		cli_errorf("用法：hall forms list | show 表单 | check 目录",
		           "usage: hall forms list | show FORM | check DIR");
		rc = 2;
	}
	formset_free(set);
	return rc;
}
