/* cmd_backup.c - hall backup, hall restore, hall check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_sec.h"
#include "hall/audit.h"
#include "hall/backup.h"
#include "hall/health.h"

int cmd_backup(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "to", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *to = cli_opt(c, "to");
	if (!to || !*to || c->npos) {
		cli_errorf("用法：hall backup --db 路径 --to 新文件", "usage: hall backup --db PATH --to NEW_FILE");
		return 2;
	}
	const char *db = cli_db_path(c);
	if (!db)
		return 2;
	struct store *s;
	struct hall_err e;
	int hrc = store_open(db, STORE_RW, &s, &e);
	if (hrc == HALL_EIO || hrc == HALL_EBUSY) {
		/* a read-only or stuck store can still be copied, unaudited */
		struct hall_err e2;
		if (store_open(db, STORE_RO, &s, &e2) == HALL_OK)
			hrc = HALL_OK;
	}
	if (hrc != HALL_OK) {
		cli_error(&e);
		return hall_rc_exit(hrc);
	}
	struct hall_actor buf;
	const struct hall_actor *actor;
	if ((rc = cli_maint_actor(c, s, &buf, &actor))) {
		store_close(s);
		return rc;
	}
	struct backup_info info;
	hrc = backup_make(s, actor, to, &info, &e);
	store_close(s);
	if (hrc != HALL_OK) {
		cli_error(&e);
		return hall_rc_exit(hrc);
	}
	printf("%s\n", to);
	fprintf(stderr, hall_tr("备份完成：%lld 字节，%lld 条审计记录，用时 %.1f 秒%s\n",
	                        "backup done: %lld bytes, %lld audit entries, %.1f s%s\n"),
	        (long long)info.bytes, (long long)info.audit_rows, info.seconds,
	        info.audited ? "" : hall_tr("（数据库只读：本次备份未记入审计日志）",
	                                    " (store read-only: this backup is not in the audit log)"));
	return 0;
}

int cmd_restore(struct cli *c)
{
	static const char *const allowed[] = { "db", "from", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *from = cli_opt(c, "from");
	const char *db = cli_opt(c, "db");
	if (!from || !*from || !db || !*db || c->npos) {
		cli_errorf("用法：hall restore --from 备份文件 --db 数据库路径（见 hall help restore）",
		           "usage: hall restore --from BACKUP --db PATH (see hall help restore)");
		return 2;
	}
	struct backup_info info;
	struct hall_err e;
	int hrc = backup_restore(from, db, &info, &e);
	if (hrc != HALL_OK) {
		cli_error(&e);
		return hall_rc_exit(hrc);
	}
	printf("%s\n", db);
	fprintf(stderr, hall_tr(
		"已恢复：%s -> %s，%lld 字节；新的数据库纪元 %lld（原为 %lld），已记入审计日志。\n"
		"备份之后办理的业务不在恢复的数据库中：请核对当天的收据和单据；下次同步会把新纪元的记录送到中心库。\n",
		"restored: %s -> %s, %lld bytes; new store epoch %lld (was %lld), recorded in the audit log.\n"
		"Business done after the backup was taken is not in the restored store: check today's receipts and records; "
		"the next sync sends the new epoch's entries to the central store.\n"),
		from, db, (long long)info.bytes, (long long)info.epoch_after,
		(long long)info.epoch_before);
	return 0;
}

int cmd_check(struct cli *c)
{
	static const char *const allowed[] = { "db", "user", "counter", "full", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	struct store *s;
	/* so damaged that it does not even open (the message said so): the
	 * check's own verdict, 1 */
	if ((rc = cli_open_store(c, cli_opt(c, "user") ? STORE_RW : STORE_RO, &s)))
		return rc == hall_rc_exit(HALL_EDAMAGED) ? 1 : rc;
	struct hall_actor buf;
	const struct hall_actor *actor;
	if ((rc = cli_maint_actor(c, s, &buf, &actor))) {
		store_close(s);
		return rc;
	}
	struct hall_err e;
	int hrc = actor ? auth_require(actor, ROLE_MANAGER, "检查数据库", "check the store", &e) : HALL_OK;
	struct check_report r;
	/* a store marked damaged (health.h) is cleared only by the thorough
	 * check: quick_check misses some damage SQLite meets during work */
	bool marked = store_damaged(s);
	if (marked)
		fprintf(stderr, "%s\n", hall_tr(
			"hall: 数据库曾被记为已损坏：运行完整检查（integrity_check）",
			"hall: the store was marked damaged: running the full check (integrity_check)"));
	if (hrc == HALL_OK)
		hrc = store_check(s, marked || cli_flag(c, "full"), &r, &e);
	if (hrc != HALL_OK) {
		cli_error(&e);
		store_close(s);
		return hall_rc_exit(hrc);
	}
	if (r.ok) {
		printf(hall_tr("数据库检查通过（%s 和外键检查，用时 %.2f 秒）\n",
		               "store check passed (%s and foreign keys, %.2f s)\n"),
		       r.full ? "integrity_check" : "quick_check", r.seconds);
		if (marked) {
			char mp[1100];
			health_mark_path(store_path(s), mp, sizeof mp);
			if (health_mark_remove(store_path(s), &e) == HALL_OK)
				printf(hall_tr("已清除损坏记录 %s：各窗口重新启动后可以照常办理业务\n",
				               "the damage mark %s is removed: counters started again work as usual\n"),
				       mp);
			else
				cli_error(&e);
		}
	} else {
		for (int i = 0; i < r.nproblems && i < CHECK_MAX_LINES; i++)
			fprintf(stderr, "hall: %s\n", r.problems[i]);
		/* marked beside the store: every counter and command from now on
		 * opens it read-only and says what to do */
		health_apply(s, "check", r.problems[0]);
		cli_errorf("数据库已损坏（%d 处问题）", "the store is damaged (%d problems)", r.nproblems);
		cli_error(store_damage_msg(s));
		rc = 1;
	}
	struct audit_verify v;
	hrc = audit_verify(s, actor, &v, &e);
	if (hrc != HALL_OK) {
		cli_error(&e);
		rc = rc ? rc : hall_rc_exit(hrc);
	} else if (v.bad_id) {
		cli_error(&v.problem);
		rc = 1;
	} else {
		printf(hall_tr("审计日志完好：%lld 条记录\n", "audit log intact: %lld entries\n"),
		       (long long)v.rows);
	}
	store_close(s);
	return rc;
}
