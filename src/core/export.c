/* export.c - running an export: the checks (report, period, counter, role,
 * path), one read transaction, the workbook in a temporary file beside the
 * destination, the checked close, the read-back and the move into place.
 * See include/hall/export.h for what each report contains. */
#include "hall/export.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "export_int.h"
#include "hall/audit.h"
#include "hall/ident.h"
#include "hall/priv.h"

static const struct {
	const char *key, *zh, *en;
} reports[EXPORT__COUNT] = {
	[EXPORT_DAILY] = { "daily", "营业日报", "Daily sheet" },
	[EXPORT_PAYMENTS] = { "payments", "收费明细", "Payments journal" },
	[EXPORT_COMPLAINTS] = { "complaints", "投诉台账", "Complaint ledger" },
	[EXPORT_APPLICATIONS] = { "applications", "业扩台账", "Applications ledger" },
};

void export_options_init(struct export_options *o)
{
	memset(o, 0, sizeof *o);
	o->report = EXPORT_DAILY;
}

const char *export_report_key(enum export_report r)
{
	return (unsigned)r < EXPORT__COUNT ? reports[r].key : "";
}

const char *export_report_label(enum export_report r)
{
	return (unsigned)r < EXPORT__COUNT ? hall_tr(reports[r].zh, reports[r].en) : "";
}

int export_report_parse(const char *key, enum export_report *out,
                        struct hall_err *err)
{
	for (int i = 0; i < EXPORT__COUNT; i++) {
		if (key && strcmp(key, reports[i].key) == 0) {
			*out = (enum export_report)i;
			return HALL_OK;
		}
	}
	return hall_err_set(err, HALL_EINVAL, "report",
		"没有报表“%s”；可用：daily（营业日报）、payments（收费明细）、"
		"complaints（投诉台账）、applications（业扩台账）",
		"no report '%s'; the reports are daily, payments, complaints and applications",
		key ? key : "");
}

int export_period(const char *date, const char *from, const char *to,
                  char from_out[11], char to_out[11], struct hall_err *err)
{
	int rc;
	if (date && (from || to))
		return hall_err_set(err, HALL_EINVAL, "date",
			"--date 与 --from/--to 不能同时使用：单日用 --date，期间用 --from 和 --to",
			"--date and --from/--to cannot be used together: --date for one day, --from and --to for a period");
	if ((from && !to) || (!from && to))
		return hall_err_set(err, HALL_EINVAL, from ? "to" : "from",
			"--from 与 --to 须同时给出（期间的第一天和最后一天）",
			"--from and --to go together (the first and the last day of the period)");
	if (date) {
		if ((rc = ident_date_check(date, "--date", from_out, err)) != HALL_OK)
			return rc;
		memcpy(to_out, from_out, 11);
		return HALL_OK;
	}
	if (from) {
		if ((rc = ident_date_check(from, "--from", from_out, err)) != HALL_OK ||
		    (rc = ident_date_check(to, "--to", to_out, err)) != HALL_OK)
			return rc;
		if (strcmp(from_out, to_out) > 0)
			return hall_err_set(err, HALL_EINVAL, "to",
				"期间不对：开始日期 %s 晚于结束日期 %s",
				"bad period: the first day %s is after the last day %s",
				from_out, to_out);
		return HALL_OK;
	}
	store_today_local(from_out);
	memcpy(to_out, from_out, 11);
	return HALL_OK;
}

void export_suggest_name(const struct store *s, enum export_report r,
                         const char *from, const char *to, char *out,
                         size_t outsz)
{
	if (strcmp(from, to) == 0)
		snprintf(out, outsz, "%s-%s-%s.xlsx", export_report_key(r),
		         store_hall_code(s), from);
	else
		snprintf(out, outsz, "%s-%s-%s_%s.xlsx", export_report_key(r),
		         store_hall_code(s), from, to);
}

/* ------------------------------------------------------------ the path */

static bool ends_xlsx(const char *p)
{
	size_t n = strlen(p);
	return n > 5 && strcasecmp(p + n - 5, ".xlsx") == 0 && p[n - 6] != '/';
}

/* Folder of path ("." when it has none). */
static void dir_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, outsz, ".");
	else if (slash == path)
		snprintf(out, outsz, "/");
	else
		snprintf(out, outsz, "%.*s", (int)(slash - path), path);
}

static int check_path(const char *path, bool force, char *dir, size_t dirsz,
                      struct hall_err *err)
{
	if (!path || !*path)
		return hall_err_set(err, HALL_EINVAL, "output",
			"请用 -o 文件.xlsx 指定导出文件", "give the file to write with -o FILE.xlsx");
	if (strlen(path) > PATH_MAX - 32)
		return hall_err_set(err, HALL_EINVAL, "output",
			"导出文件的路径太长", "the path of the file to write is too long");
	if (!ends_xlsx(path))
		return hall_err_set(err, HALL_EINVAL, "output",
			"导出文件 %s 的名字须以 .xlsx 结尾", "the file %s must end in .xlsx", path);
	struct stat sb;
	if (lstat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return hall_err_set(err, HALL_EEXIST, "output",
				"%s 是一个文件夹，不能写成文件", "%s is a folder, not a file", path);
		if (!S_ISREG(sb.st_mode))
			return hall_err_set(err, HALL_EEXIST, "output",
				"%s 已存在且不是普通文件，不会覆盖", "%s exists and is not a regular file; it is not replaced", path);
		if (!force)
			return hall_err_set(err, HALL_EEXIST, "output",
				"文件 %s 已存在；要覆盖请加 --force", "the file %s exists; add --force to replace it", path);
	}
	dir_of(path, dir, dirsz);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return hall_err_set(err, HALL_EIO, "output",
			"文件夹 %s 不存在，请先建立或换一个位置", "the folder %s does not exist; create it or choose another place", dir);
	return HALL_OK;
}

/* ------------------------------------------------------------ context */

static void make_period(struct xctx *x)
{
	if (strcmp(x->from, x->to) == 0)
		snprintf(x->period, sizeof x->period, "%s", x->from);
	else
		snprintf(x->period, sizeof x->period, "%s %s %s", x->from,
		         hall_tr("至", "to"), x->to);
}

static void make_scope(struct xctx *x)
{
	char part[80] = "";
	if (x->counter)
		snprintf(part, sizeof part, "%s %d", hall_tr("窗口", "counter"), x->counter);
	if (x->staff)
		snprintf(x->scope, sizeof x->scope, "%s %s %s%s%s", hall_tr("营业员", "clerk"),
		         x->actor->user.id, x->actor->user.name, part[0] ? "，" : "", part);
	else if (part[0])
		snprintf(x->scope, sizeof x->scope, "%s%s%s", x->central ? hall_tr("全分公司", "whole branch") : "",
		         x->central ? "，" : "", part);
	else if (x->central)
		snprintf(x->scope, sizeof x->scope, "%s", hall_tr("全分公司（各营业厅）", "whole branch (every hall)"));
	else
		snprintf(x->scope, sizeof x->scope, "%s", hall_tr("全厅", "whole hall"));
}

static void make_formats(struct xctx *x)
{
	lxw_workbook *wb = x->wb;
	struct xformats *f = &x->f;
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	f->info = workbook_add_format(wb);
	format_set_font_size(f->info, 9);
	format_set_font_color(f->info, 0x595959);
	f->header = workbook_add_format(wb);
	format_set_bold(f->header);
	format_set_bg_color(f->header, 0xD9E1F2);
	format_set_bottom(f->header, LXW_BORDER_THIN);
	format_set_text_wrap(f->header);
	format_set_align(f->header, LXW_ALIGN_CENTER);
	format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
	f->section = workbook_add_format(wb);
	format_set_bold(f->section);
	format_set_font_size(f->section, 12);
	f->note = workbook_add_format(wb);
	format_set_italic(f->note);
	format_set_font_color(f->note, 0x595959);
	f->bold = workbook_add_format(wb);
	format_set_bold(f->bold);
	format_set_top(f->bold, LXW_BORDER_THIN);
	f->money = workbook_add_format(wb);
	format_set_num_format(f->money, "#,##0.00");
	f->money_bold = workbook_add_format(wb);
	format_set_num_format(f->money_bold, "#,##0.00");
	format_set_bold(f->money_bold);
	format_set_top(f->money_bold, LXW_BORDER_THIN);
	f->int_bold = workbook_add_format(wb);
	format_set_bold(f->int_bold);
	format_set_top(f->int_bold, LXW_BORDER_THIN);
	f->date = workbook_add_format(wb);
	format_set_num_format(f->date, "yyyy-mm-dd");
	format_set_align(f->date, LXW_ALIGN_LEFT);
	f->datetime = workbook_add_format(wb);
	format_set_num_format(f->datetime, "yyyy-mm-dd hh:mm");
	format_set_align(f->datetime, LXW_ALIGN_LEFT);
	f->datetime_s = workbook_add_format(wb);
	format_set_num_format(f->datetime_s, "yyyy-mm-dd hh:mm:ss");
	format_set_align(f->datetime_s, LXW_ALIGN_LEFT);
	f->pct = workbook_add_format(wb);
	format_set_num_format(f->pct, "0.0%");
	f->pct_bold = workbook_add_format(wb);
	format_set_num_format(f->pct_bold, "0.0%");
	format_set_bold(f->pct_bold);
	f->rate = workbook_add_format(wb);
	format_set_num_format(f->rate, "0.00");
	format_set_bold(f->rate);
	f->wrap = workbook_add_format(wb);
	format_set_text_wrap(f->wrap);
	format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
	f->flag = workbook_add_format(wb);
	format_set_bold(f->flag);
	format_set_font_color(f->flag, 0xC00000);
}

static void detect_tables(struct xctx *x)
{
	x->have.reversals = xq_has(x, "reversals", "reason") &&
	                    xq_has(x, "reversals", "approver_id");
	x->have.day_closes = xq_has(x, "day_closes", "declared_fen") &&
	                     xq_has(x, "day_close_lines", "method");
	x->have.followup = xq_has(x, "complaints", "followup_result");   /* issue 5 */
	x->have.verification = xq_has(x, "complaints", "verified");
}

/* ------------------------------------------------------------ the steps */

static bool wants(enum export_report r, const char *sheet)
{
	if (r == EXPORT_DAILY)
		return true;
	if (r == EXPORT_PAYMENTS)
		return strcmp(sheet, "payments") == 0;
	if (r == EXPORT_COMPLAINTS)
		return strcmp(sheet, "complaints") == 0;
	return strcmp(sheet, "applications") == 0 || strcmp(sheet, "changes") == 0;
}

/* Rows of every sheet of the report, for the progress bar and the
 * constant_memory decision. */
static int count_rows(struct xctx *x, long *payment_rows, long *all)
{
	long n = 0, p = 0;
	int rc;
	enum export_report r = x->o->report;
	if (wants(r, "payments") && (rc = xcount_payments(x, &p)) != HALL_OK)
		return rc;
	static const char *const tables[] = { "applications", "changes", "complaints" };
	for (int i = 0; i < 3; i++) {
		long k = 0;
		if (wants(r, tables[i]) && (rc = xcount_work(x, i, &k)) != HALL_OK)
			return rc;
		x->expect_work[i] = k;
		n += k;
	}
	x->expect_payments = p;
	*payment_rows = p;
	*all = n + p + (r == EXPORT_DAILY ? 200 : 0);
	return HALL_OK;
}

static int write_sheets(struct xctx *x)
{
	enum export_report r = x->o->report;
	int rc = HALL_OK;
	if (r == EXPORT_DAILY)
		rc = xsheet_summary(x);
	if (rc == HALL_OK && wants(r, "payments"))
		rc = xsheet_payments(x);
	if (rc == HALL_OK && wants(r, "applications"))
		rc = xsheet_applications(x);
	if (rc == HALL_OK && wants(r, "changes"))
		rc = xsheet_changes(x);
	if (rc == HALL_OK && wants(r, "complaints"))
		rc = xsheet_complaints(x);
	if (rc == HALL_OK && r == EXPORT_DAILY)
		rc = xsheet_charts(x);
	return rc;
}

static int cancelled(struct xctx *x)
{
	return hall_err_set(x->err, HALL_ESTATE, NULL, "导出已取消，没有写文件",
	                    "export cancelled; no file was written");
}

static int io_error(struct hall_err *err, const char *what_zh,
                    const char *what_en, const char *path, int e)
{
	const char *why = strerror(e);
	if (e == ENOSPC || e == EFBIG || e == EDQUOT)
		return hall_err_set(err, HALL_EIO, "output",
			"%s%.0s %s 失败：磁盘已满（%s），没有留下文件。请清理磁盘或换一个位置",
			"%.0s%s %s failed: the disk is full (%s); no file was left. Free some space or choose another place",
			what_zh, what_en, path, why);
	return hall_err_set(err, HALL_EIO, "output",
		"%s%.0s %s 失败：%s", "%.0s%s %s failed: %s",
		what_zh, what_en, path, why);
}

/* constant_memory: write the last buffered row of each sheet and check
 * that the row stream reached the disk; its size bounds the read-back. */
static int flush_streams(struct xctx *x, const char *dir)
{
	int64_t need = 0;
	int n = x->nsheets < 16 ? x->nsheets : 16;
	for (int i = 0; i < n; i++) {
		lxw_worksheet *ws = x->sheets[i];
		x->stream_bytes[i] = 0;
		if (!ws || !ws->optimize_tmpfile)
			continue;
		if (ws->optimize_row)
			lxw_worksheet_write_single_row(ws);
		errno = 0;
		if (fflush(ws->optimize_tmpfile) != 0 || ferror(ws->optimize_tmpfile))
			return io_error(x->err, "写临时数据到文件夹", "writing temporary data to the folder", dir,
			                errno ? errno : EIO);
		long pos = ftell(ws->optimize_tmpfile);
		x->stream_bytes[i] = pos > 0 ? pos : 0;
		need += x->stream_bytes[i];
	}
	/* the close copies each stream once more and writes the zip beside it */
	struct statvfs vfs;
	if (need > 0 && statvfs(dir, &vfs) == 0) {
		int64_t avail = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
		int64_t want = need + need / 4 + 4 * 1024 * 1024;
		if (avail < want)
			return hall_err_set(x->err, HALL_EIO, "output",
				"磁盘空间不足：%s 约需 %lld MB，只剩 %lld MB；没有留下文件。请清理磁盘或换一个位置",
				"not enough disk space in %s: about %lld MB needed, %lld MB free; no file was left. Free some space or choose another place",
				dir, (long long)(want >> 20), (long long)(avail >> 20));
	}
	return HALL_OK;
}

/* Give up a workbook that was not closed: nothing is written. */
static void abandon(struct xctx *x)
{
	if (!x->wb)
		return;
	int n = x->nsheets < 16 ? x->nsheets : 16;
	for (int i = 0; i < n; i++) {
		/* libxlsxwriter 1.1.4 closes a row stream only while packaging */
		if (x->sheets[i] && x->sheets[i]->optimize_tmpfile) {
			fclose(x->sheets[i]->optimize_tmpfile);
			x->sheets[i]->optimize_tmpfile = NULL;
			x->sheets[i]->file = NULL;
		}
	}
	lxw_workbook_free(x->wb);
	x->wb = NULL;
}

static int sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int e = fsync(fd) == 0 ? 0 : errno;
	close(fd);
	return e;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Move the finished temporary file into place. */
static int place(const char *tmp, const char *path, bool force,
                 struct hall_err *err)
{
	if (force) {
		if (rename(tmp, path) != 0)
			return io_error(err, "保存", "saving", path, errno);
		return HALL_OK;
	}
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return HALL_OK;
	}
	int e = errno;
	if (e == EEXIST)
		return hall_err_set(err, HALL_EEXIST, "output",
			"文件 %s 已存在（导出期间被建立）；要覆盖请加 --force",
			"the file %s exists (it appeared during the export); add --force to replace it", path);
	/* file systems without hard links (FAT on a USB stick) */
	struct stat sb;
	if (lstat(path, &sb) == 0)
		return hall_err_set(err, HALL_EEXIST, "output",
			"文件 %s 已存在；要覆盖请加 --force", "the file %s exists; add --force to replace it", path);
	if (rename(tmp, path) != 0)
		return io_error(err, "保存", "saving", path, errno);
	return HALL_OK;
}

static int role_check(struct xctx *x)
{
	const struct hall_actor *a = x->actor;
	int rc = auth_require(a, ROLE_CLERK, "导出报表", "export reports", x->err);
	if (rc != HALL_OK)
		return rc;
	if (a->user.role >= ROLE_MANAGER)
		return HALL_OK;
	if (x->central)
		return hall_err_set(x->err, HALL_EPERM, "user",
			"中心库的全分公司报表只能由主任（或管理员）导出；营业员请在本营业厅导出本人当天的数据",
			"a branch-wide sheet from the central store is for a manager (or admin); a clerk exports their own day at their hall");
	if (strcmp(x->from, x->today) != 0 || strcmp(x->to, x->today) != 0)
		return hall_err_set(x->err, HALL_EPERM, "date",
			"营业员只能导出本人当天（%s）的数据；其他日期或全厅的报表请主任导出",
			"a clerk may export only their own records of today (%s); ask a manager for other days or the whole hall",
			x->today);
	x->staff = a->user.id;
	return HALL_OK;
}

/* The audit event of a finished export (kind "export"): who (the row's
 * staff id and counter), the report, the period, the scope, the data rows
 * and the file, in a transaction of its own once the file is in place.
 * On a central store it is a row of the central's own chain (hall '000',
 * audit.h), by the branch account that exported. */
static int audit_export(struct xctx *x, const char *path)
{
	char target[AUDIT_TARGET_MAX + 1], detail[AUDIT_DETAIL_MAX + 1];
	const char *base = strrchr(path, '/');
	snprintf(target, sizeof target, "%s", base ? base + 1 : path);
	snprintf(detail, sizeof detail,
	         "report=%s from=%s to=%s counter=%d scope=%s rows=%ld payment_rows=%ld sheets=%d file=%s",
	         export_report_key(x->o->report), x->from, x->to, x->counter,
	         x->staff ? "own" : "all", x->nrows, x->payment_rows, x->nsheets, path);
	struct hall_err e;
	int rc = audit_log(x->s, x->actor, NULL, "export", target, detail, &e);
	if (rc != HALL_OK)
		return hall_err_set(x->err, rc, "output",
			"导出文件已写好，但无法记入审计日志（%s%.0s），文件已删除；请重试或联系管理员",
			"the export was written but could not be recorded in the audit log (%.0s%s); the file was removed. Try again or call the administrator",
			e.zh, e.en);
	return HALL_OK;
}

int export_run(struct store *s, const struct hall_actor *actor,
               const struct export_options *o, struct export_result *res,
               struct hall_err *err)
{
	struct hall_err local;
	if (!err)
		err = &local;
	hall_err_clear(err);
	if (res)
		memset(res, 0, sizeof *res);
	if ((unsigned)o->report >= EXPORT__COUNT)
		return hall_err_set(err, HALL_EINVAL, "report", "报表类型不对", "unknown report");

	struct xctx *x = calloc(1, sizeof *x);
	if (!x)
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	x->s = s;
	x->db = store_db(s);
	x->actor = actor;
	x->o = o;
	x->err = err;
	x->counter = o->counter;
	store_now_utc(x->now_utc);
	store_today_local(x->today);
	store_local_time(x->now_utc, x->now_local);
	snprintf(x->hall_code, sizeof x->hall_code, "%s", store_hall_code(s));
	{
		char role[32] = "";
		x->central = store_meta_get(s, "role", role, sizeof role) == HALL_OK &&
		             strcmp(role, "central") == 0;
	}

	char dir[PATH_MAX], tmp[PATH_MAX];
	tmp[0] = '\0';
	bool in_txn = false;
	int rc = export_period(NULL, o->from, o->to, x->from, x->to, err);
	if (rc == HALL_OK && (o->counter < 0 || o->counter > 99))
		rc = hall_err_set(err, HALL_EINVAL, "counter", "窗口号：应为1至99（0 表示全部窗口）",
		                  "counter: must be 1 to 99 (0 for every counter)");
	if (rc == HALL_OK)
		rc = role_check(x);
	if (rc == HALL_OK)
		rc = check_path(o->path, o->force, dir, sizeof dir, err);
	/* never into the store's folder (priv.h: the store's group owns it) */
	if (rc == HALL_OK)
		rc = priv_output_path_check(o->path, store_path(s), err);
	if (rc != HALL_OK)
		goto out;
	cal_parse_date(x->from, &x->from_day);
	cal_parse_date(x->to, &x->to_day);
	cal_parse_date(x->today, &x->today_day);
	make_period(x);
	make_scope(x);

	/* reserve the temporary name beside the destination */
	snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", o->path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = io_error(err, "在文件夹中建立文件", "creating a file in the folder", dir, errno);
		tmp[0] = '\0';
		goto out;
	}
	/* an ordinary new file (mkstemp makes it 0600): 0666 less the umask */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	close(fd);

	/* one snapshot for every sheet */
	if (sqlite3_get_autocommit(x->db)) {
		int src = sqlite3_exec(x->db, "BEGIN", NULL, NULL, NULL);
		if (src != SQLITE_OK) {
			rc = store_error(s, src, "读取数据", "reading the store", err);
			goto out;
		}
		in_txn = true;
	}
	detect_tables(x);

	long payment_rows, all_rows;
	if ((rc = count_rows(x, &payment_rows, &all_rows)) != HALL_OK)
		goto out;
	long most = payment_rows;
	for (int i = 0; i < 3; i++)
		if (x->expect_work[i] > most)
			most = x->expect_work[i];
	if (most > EXPORT_MAX_ROWS) {
		rc = hall_err_set(err, HALL_EINVAL, "to",
			"期间内有 %ld 条记录，超过一张工作表能容纳的 %ld 行；请缩短期间",
			"the period has %ld records for one sheet, more than the %ld rows a sheet holds; choose a shorter period",
			most, EXPORT_MAX_ROWS);
		goto out;
	}
	/* constant_memory from that many rows (every sheet counts: the normal
	 * mode keeps each cell in memory until the file is closed) */
	long threshold = o->const_mem_rows > 0 ? o->const_mem_rows : EXPORT_CONST_MEM_ROWS;
	x->const_mem = all_rows >= threshold;
	/* packaging and the read-back take about as long as writing the rows */
	x->total = all_rows * 2 + 1;

	lxw_workbook_options wo = { .constant_memory = x->const_mem, .tmpdir = dir };
	x->wb = workbook_new_opt(tmp, &wo);
	if (!x->wb) {
		rc = io_error(err, "建立工作簿", "creating the workbook", tmp, errno ? errno : ENOMEM);
		goto out;
	}
	make_formats(x);
	char title[160], author[192], company[256];
	snprintf(title, sizeof title, "%s %s", export_report_label(o->report), x->period);
	snprintf(author, sizeof author, "%s", actor->user.name);
	snprintf(company, sizeof company, "%s", store_hall_name(s));
	lxw_doc_properties props = { .title = title, .author = author, .company = company };
	workbook_set_properties(x->wb, &props);

	rc = write_sheets(x);
	if (rc == HALL_OK && x->cancelled)
		rc = cancelled(x);
	if (rc == HALL_OK && x->lxw_rc != LXW_NO_ERROR)
		rc = hall_err_set(err, HALL_EIO, NULL, "写工作表失败（%s：%s）",
			"writing a worksheet failed (%s: %s)", x->lxw_where,
			lxw_strerror((lxw_error)x->lxw_rc));
	if (in_txn) {
		sqlite3_exec(x->db, "COMMIT", NULL, NULL, NULL);
		in_txn = false;
	}
	if (rc == HALL_OK && x->const_mem)
		rc = flush_streams(x, dir);
	if (rc != HALL_OK) {
		abandon(x);
		goto out;
	}

	errno = 0;
	/* a large export packs at a faster deflate level (export_zip.c) */
	if (x->const_mem)
		x_zip_level_set(EXPORT_FAST_ZIP_LEVEL);
	lxw_error lrc = workbook_close(x->wb);
	x_zip_level_set(-1);
	x->wb = NULL;
	if (lrc != LXW_NO_ERROR) {
		int e = errno;
		if (e == ENOSPC || e == EFBIG || e == EDQUOT)
			rc = io_error(err, "写入", "writing", o->path, e);
		else
			rc = hall_err_set(err, HALL_EIO, "output",
				"写入 %s 失败：%s%s%s，没有留下文件",
				"writing %s failed: %s%s%s; no file was left",
				o->path, lxw_strerror(lrc), e ? " / " : "", e ? strerror(e) : "");
		goto out;
	}
	int64_t min[16];
	for (int i = 0; i < 16; i++)
		min[i] = x->stream_bytes[i] > 0 ? x->stream_bytes[i] + 64 : 0;
	if ((rc = xv_check(tmp, o->path, INT64_MAX, min, 16, err)) != HALL_OK)
		goto out;
	int e = sync_file(tmp);
	if (e) {
		rc = io_error(err, "写入", "writing", o->path, e);
		goto out;
	}
	if ((rc = place(tmp, o->path, o->force, err)) != HALL_OK)
		goto out;
	tmp[0] = '\0';
	sync_dir(dir);
	if ((rc = audit_export(x, o->path)) != HALL_OK) {
		/* no record, no file: an export nobody can account for is taken back */
		unlink(o->path);
		sync_dir(dir);
		goto out;
	}
	x->done = x->total - 1;
	x->last_report = 0;
	x_progress(x, 1);
	if (res) {
		struct stat sb;
		res->rows = x->nrows;
		res->payment_rows = x->payment_rows;
		res->sheets = x->nsheets;
		res->const_mem = x->const_mem;
		res->empty = x->nrows == 0;
		res->takings_fen = x->takings_fen;
		res->bytes = stat(o->path, &sb) == 0 ? (int64_t)sb.st_size : 0;
	}
out:
	if (in_txn)
		sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
	abandon(x);
	if (tmp[0])
		unlink(tmp);
	free(x->clocks);
	calendar_free(x->cal);
	free(x);
	return rc;
}
