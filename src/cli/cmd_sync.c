/* cmd_sync.c - hall sync and hall central: the nightly exchange with the
 * central store (sync.h).  Exit statuses: sync_exit_code(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hall/priv.h"
#include "hall/money.h"
#include "hall/sync.h"

static const char *central_url(const struct cli *c)
{
	const char *u = cli_opt(c, "central");
	if (u && *u)
		return u;
	return c->cfg.central[0] ? c->cfg.central : NULL;
}

/* Through the setgid elevation a clerk's Unix account runs hall: libpq
 * would read that account's ~/.postgresql (TLS roots, client keys,
 * .pgpass), so a PostgreSQL central is reached only by the hall account
 * itself (the nightly timer), never through the elevation. */
static int refuse_pg_elevated(const char *url)
{
	if (!priv_active() || (strncmp(url, "postgresql:", 11) != 0 && strncmp(url, "postgres:", 9) != 0))
		return 0;
	cli_errorf("PostgreSQL 中心库只能由 hall 账号本身同步（夜间定时任务，或 sudo -u hall hall sync）："
	           "经 setgid 运行时会读取本用户的 ~/.postgresql 设置",
	           "a PostgreSQL central is synced only by the hall account itself (the nightly timer, or "
	           "sudo -u hall hall sync): through setgid, libpq would read this user's ~/.postgresql settings");
	return 4;
}

static int no_central(void)
{
	cli_errorf("未配置中心库：请用 --central 地址，或设置 HALL_CENTRAL，或在配置文件中写 central = 地址"
	           "（sqlite:路径 或 postgresql://…）",
	           "no central store configured: use --central URL, set HALL_CENTRAL, or put central = URL "
	           "in the configuration file (sqlite:PATH or postgresql://...)");
	return sync_exit_code(SYNC_CONFIG);
}

static void progress(void *ud, const char *phase, long done, long total)
{
	(void)ud;
	if (!isatty(STDERR_FILENO) || total <= 0)
		return;
	fprintf(stderr, "\r%s %3ld%% (%ld/%ld)",
	        strcmp(phase, "push") == 0 ? hall_tr("上传", "push") : hall_tr("下载", "pull"),
	        done * 100 / total, done, total);
	fflush(stderr);
	if (done >= total)
		fputc('\n', stderr);
}

static void print_diff(void *ud, const struct sync_diff *d)
{
	(void)ud;
	char hf[32], cf[32];
	money_format(d->hall_fen, hf, sizeof hf);
	money_format(d->central_fen, cf, sizeof cf);
	printf("%s\t%s\t%s %lld / %s\t%s %lld / %s\n", d->day, d->metric,
	       hall_tr("营业厅", "hall"), (long long)d->hall_n, hf,
	       hall_tr("中心库", "central"), (long long)d->central_n, cf);
}

static int verify(struct store *s, const char *url)
{
	struct hall_err e;
	int ndays = 0;
	int rc = sync_verify(s, url, print_diff, NULL, &ndays, &e);
	if (rc == SYNC_OK) {
		printf(hall_tr("核对 %d 天：营业厅与中心库一致\n",
		               "verified %d days: the hall and the central agree\n"), ndays);
		return 0;
	}
	if (rc == SYNC_DIFF) {
		fprintf(stderr, hall_tr(
			"hall: 核对 %d 天：营业厅与中心库有差异（见上）。先运行 hall sync 再核对；仍有差异请通知系统管理员\n",
			"hall: verified %d days: the hall and the central differ (above). Run hall sync, then verify "
			"again; if they still differ, tell the administrator\n"), ndays);
		return sync_exit_code(rc);
	}
	cli_error(&e);
	return sync_exit_code(rc);
}

int cmd_sync(struct cli *c)
{
	static const char *const allowed[] = { "db", "central", "verify", "only", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	const char *url = central_url(c);
	struct hall_err e;
	if (!url)
		return no_central();
	if ((rc = refuse_pg_elevated(url)))
		return rc;
	struct store *s;
	if ((rc = cli_open_store(c, STORE_RW, &s)) != 0)
		return rc;
	if (cli_flag(c, "verify")) {
		rc = verify(s, url);
		store_close(s);
		return rc;
	}
	struct sync_options o;
	struct sync_report r;
	sync_options_init(&o);
	o.progress = progress;
	const char *only = cli_opt(c, "only");
	if (only) {
		if (strcmp(only, "push") != 0 && strcmp(only, "pull") != 0) {
			store_close(s);
			cli_errorf("--only 应为 push 或 pull", "--only must be push or pull");
			return 2;
		}
		o.push = strcmp(only, "push") == 0;
		o.pull = !o.push;
	}
	int f = sync_run(s, url, &o, &r, &e);
	store_close(s);
	if (f != SYNC_OK) {
		cli_error(&e);
		if (r.pushed)
			fprintf(stderr, hall_tr("hall: 本次已上传 %ld 条日志，其余下次同步继续\n",
			                        "hall: %ld journal entries were sent; the rest follow at the next sync\n"),
			        r.pushed);
		return sync_exit_code(f);
	}
	printf(hall_tr("同步完成：上传 %ld 条日志，下载 %ld 行，本库更新 %ld 行，保留旧值 %ld 条\n",
	               "sync done: pushed %ld journal entries, pulled %ld rows, %ld changed here, "
	               "%ld old values kept in history\n"),
	       r.pushed, r.pulled, r.applied, r.history);
	if (r.lost_at_central)
		fprintf(stderr, hall_tr(
			"hall: 注意：本库是从备份恢复的，中心库保存着本库已没有的 %ld 条早先日志（未丢失，在中心库的日志中）\n",
			"hall: note: this store was restored from a backup; the central holds %ld earlier journal "
			"entries this store no longer has (not lost: they are in the central's journal)\n"),
			r.lost_at_central);
	return 0;
}

int cmd_central(struct cli *c)
{
	static const char *const allowed[] = { "central", "db", NULL };
	int rc = cli_only(c, allowed);
	if (rc)
		return rc;
	if (c->npos < 1 || strcmp(c->pos[0], "init") != 0) {
		cli_errorf("用法：hall central init --central 地址 [--db 营业厅数据库]",
		           "usage: hall central init --central URL [--db HALL_STORE]");
		return 2;
	}
	const char *url = central_url(c);
	struct hall_err e;
	if (!url)
		return no_central();
	if ((rc = refuse_pg_elevated(url)))
		return rc;
	struct store *s = NULL;
	const char *db = cli_opt(c, "db");
	if (db && (rc = cli_open_store(c, STORE_RW, &s)) != 0)
		return rc;
	char role[64], pw[64];
	int f = sync_central_init(url, s, getenv("HALL_CENTRAL_HALL_PASSWORD"),
	                          role, sizeof role, pw, sizeof pw, &e);
	if (f != SYNC_OK) {
		store_close(s);
		cli_error(&e);
		return sync_exit_code(f);
	}
	printf("%s\n", url);
	if (s) {
		fprintf(stderr, hall_tr("已登记营业厅 %s（%s）\n", "hall %s (%s) enrolled\n"),
		        store_hall_code(s), store_hall_name(s));
		if (role[0])
			fprintf(stderr, hall_tr("该营业厅的中心库账号：%s\n", "the hall's central role: %s\n"), role);
		if (pw[0])
			fprintf(stderr, hall_tr(
				"初始密码（只显示这一次，请写入该营业厅的 ~/.pgpass 或连接地址）：%s\n",
				"initial password (shown this once; put it in the hall's ~/.pgpass or URL): %s\n"), pw);
	} else {
		fprintf(stderr, "%s\n", hall_tr("中心库已就绪。下一步：对每个营业厅运行 hall central init --central 地址 --db 该营业厅数据库",
		                                "central store ready. Next, for each hall: hall central init --central URL --db THAT_HALL_STORE"));
	}
	store_close(s);
	return 0;
}
