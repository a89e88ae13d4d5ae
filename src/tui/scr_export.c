/*
 * scr_export.c - export the daily sheet (营业日报) of a date to an Excel
 * file whose path the manager types, with a progress bar.  The core
 * decides who may export what (export_run: a manager any day and every
 * clerk, a clerk only their own records of today) and writes the file
 * safely (a temporary name, checked, then moved); this screen asks for the
 * date and the path, refuses a path inside the store's folder
 * (priv_output_path_check) and shows the progress and the result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hall/export.h"
#include "hall/money.h"
#include "hall/priv.h"
#include "tui/app.h"
#include "tui/widget.h"

enum { X_DATE, X_PATH, X_N };

struct xscreen {
	struct edit ed[X_N];
	int focus;
	bool path_typed;               /* the path was edited: keep it */
	char suggested[800];           /* what we filled in */
	long done, total;              /* progress of the last run */
	bool running;
	int bar_y;                     /* row of the progress bar */
	bool force;
	char info[HALL_ERR_TEXT];
	enum tui_color info_color;
};

static void info(struct xscreen *x, enum tui_color c, const char *msg)
{
	snprintf(x->info, sizeof x->info, "%s", msg);
	x->info_color = c;
}

/* A file name for the date in the user's home folder (else here). */
static void suggest(struct app *a, struct xscreen *x)
{
	char name[256], dir[512];
	const char *d = edit_text(&x->ed[X_DATE]);
	const char *home = getenv("HOME");

	if (x->path_typed)
		return;
	export_suggest_name(a->st, EXPORT_DAILY, d, d, name, sizeof name);
	if (home && home[0] == '/')
		snprintf(dir, sizeof dir, "%s", home);
	else if (!getcwd(dir, sizeof dir))
		snprintf(dir, sizeof dir, ".");
	snprintf(x->suggested, sizeof x->suggested, "%s/%s", dir, name);
	edit_set(&x->ed[X_PATH], x->suggested);
}

static int x_open(struct app *a, struct screen *s, const void *arg,
                  struct hall_err *err)
{
	struct xscreen *x = calloc(1, sizeof *x);
	char today[11];
	(void)arg;
	(void)err;
	if (!x)
		return HALL_ENOMEM;
	s->priv = x;
	edit_init(&x->ed[X_DATE], 10);
	edit_init(&x->ed[X_PATH], 500);
	store_today_local(today);
	edit_set(&x->ed[X_DATE], today);
	suggest(a, x);
	return HALL_OK;
}

static void x_close(struct app *a, struct screen *s)
{
	struct xscreen *x = s->priv;
	(void)a;
	if (!x)
		return;
	for (int i = 0; i < X_N; i++)
		edit_free(&x->ed[i]);
	free(x);
	s->priv = NULL;
}

static void draw_bar(struct xscreen *x)
{
	char bar[128];
	int w = COLS - 16 > 60 ? 60 : COLS - 16;
	long pct = x->total > 0 ? x->done * 100 / x->total : 0;
	int fill = x->total > 0 ? (int)(x->done * w / x->total) : 0;

	if (w < 10 || w > (int)sizeof bar - 3)
		return;
	bar[0] = '[';
	for (int i = 0; i < w; i++)
		bar[1 + i] = i < fill ? '#' : '-';
	bar[w + 1] = ']';
	bar[w + 2] = '\0';
	tui_put(x->bar_y, 4, w + 2, TC_NORMAL, bar);
	tui_putf(x->bar_y, w + 7, 6, TC_NORMAL, "%3ld%%", pct);
}

static void x_draw(struct app *a, struct screen *s)
{
	struct xscreen *x = s->priv;
	int y = a->top + 1;
	bool clerk = a->actor.user.role < ROLE_MANAGER;

	tui_put(y, 2, COLS - 4, TC_TITLE,
	        hall_tr("导出营业日报（Excel）", "Export the daily sheet (Excel)"));
	wg_wrap(y + 1, 2, COLS - 4, 2, clerk ? TC_DUE_TODAY : TC_DIM,
	        clerk ? hall_tr("营业员只能导出本人当天的记录；全厅的日报由主任导出。",
	                        "A clerk exports only their own records of today; the whole hall's sheet is the manager's.")
	              : hall_tr("全厅所有窗口的记录：汇总、收费明细、业扩、变更、投诉台账和图表。",
	                        "Every counter of the hall: summary, payments, applications, changes, complaints and charts."));
	static const struct { const char *zh, *en; } lab[X_N] = {
		{ "日期：", "Date: " }, { "保存到：", "Save to: " },
	};
	for (int i = 0; i < X_N; i++) {
		int row = y + 4 + i * 2;
		tui_put_right(row, 2, 12, i == x->focus ? TC_TITLE : TC_LABEL,
		              hall_tr(lab[i].zh, lab[i].en));
		int cx = wg_field(row, 15, i == X_DATE ? 12 : COLS - 18, &x->ed[i],
		                  i == x->focus && !x->running, false);
		if (i == x->focus) {
			a->cur_y = row;
			a->cur_x = cx;
		}
	}
	tui_put(y + 5, 15, COLS - 17, TC_DIM,
	        hall_tr("YYYY-MM-DD，默认今天", "YYYY-MM-DD, today by default"));
	tui_put(y + 7, 15, COLS - 17, TC_DIM,
	        hall_tr("以 .xlsx 结尾；不能放在营业厅数据库的目录里",
	                "ends in .xlsx; never inside the store's folder"));
	x->bar_y = y + 9;
	if (x->total > 0)
		draw_bar(x);
	if (x->info[0])
		wg_wrap(y + 11, 2, COLS - 4, a->bottom - (y + 11), x->info_color, x->info);
	tui_put(a->bottom, 2, COLS - 4, TC_DIM,
	        hall_tr("Tab 换栏  F10 导出  Esc 返回", "Tab next field  F10 export  Esc back"));
}

static bool on_progress(void *ud, long done, long total)
{
	struct xscreen *x = ud;
	x->done = done;
	x->total = total;
	draw_bar(x);
	refresh();
	return true;
}

static void run(struct app *a, struct xscreen *x);

static void overwrite_answer(struct app *a, void *ud, bool yes)
{
	struct xscreen *x = ud;
	if (!yes) {
		info(x, TC_DIM, hall_tr("没有导出", "not exported"));
		return;
	}
	x->force = true;
	run(a, x);
	x->force = false;
}

static void run(struct app *a, struct xscreen *x)
{
	struct hall_err err;
	struct export_options o;
	struct export_result res;
	char from[11], to[11], m[32], buf[HALL_ERR_TEXT];
	const char *path = edit_text(&x->ed[X_PATH]);
	int rc;

	hall_err_clear(&err);
	x->done = x->total = 0;
	if ((rc = export_period(edit_text(&x->ed[X_DATE]), NULL, NULL, from, to,
	                        &err)) != HALL_OK ||
	    (rc = priv_output_path_check(path, store_path(a->st), &err)) != HALL_OK) {
		info(x, TC_ERROR, hall_err_msg(&err));
		x->focus = err.field[0] && strstr(err.field, "date") ? X_DATE : X_PATH;
		return;
	}
	export_options_init(&o);
	o.report = EXPORT_DAILY;
	o.from = from;
	o.to = to;
	o.path = path;
	o.force = x->force;
	o.progress = on_progress;
	o.ud = x;
	info(x, TC_DIM, hall_tr("正在导出，请稍候", "Exporting..."));
	x->running = true;
	rc = export_run(a->st, &a->actor, &o, &res, &err);
	x->running = false;
	if (rc == HALL_EEXIST && !x->force) {
		info(x, TC_ERROR, hall_err_msg(&err));
		app_confirm(a, hall_tr("文件已经存在，要覆盖吗？", "The file exists. Replace it?"),
		            false, overwrite_answer, x);
		return;
	}
	if (rc != HALL_OK) {
		info(x, TC_ERROR, hall_err_msg(&err));
		return;
	}
	money_format(res.takings_fen, m, sizeof m);
	snprintf(buf, sizeof buf,
	         hall_tr("已导出 %s：%d 张工作表，%ld 行数据%s；实收 %s 元",
	                 "Exported %s: %d sheets, %ld data rows%s; takings %s yuan"),
	         path, res.sheets, res.rows,
	         res.empty ? hall_tr("（本日没有业务记录）", " (nothing recorded that day)") : "",
	         m);
	info(x, TC_OK, buf);
	app_msg(a, TC_OK, "%s", hall_tr("营业日报已导出", "Daily sheet exported"));
}

static bool x_key(struct app *a, struct screen *s, tkey k)
{
	struct xscreen *x = s->priv;

	switch (k) {
	case TK_TAB:
	case TK_BTAB:
	case TK_UP:
	case TK_DOWN:
	case TK_ENTER:
		if (k == TK_ENTER && x->focus == X_PATH) {
			run(a, x);
			return true;
		}
		if (x->focus == X_DATE)
			suggest(a, x);
		x->focus = (x->focus + 1) % X_N;
		return true;
	case TK_F(10):
		if (x->focus == X_DATE)
			suggest(a, x);
		run(a, x);
		return true;
	default:
		break;
	}
	if (k == TK_ESC || (TK_IS_FN(k) && k != TK_BACKSPACE && k != TK_DELETE &&
	    k != TK_LEFT && k != TK_RIGHT && k != TK_HOME && k != TK_END))
		return false;
	if (wg_edit_key(&x->ed[x->focus], k) == WG_CHANGED) {
		if (x->focus == X_PATH)
			x->path_typed = true;
		x->info[0] = '\0';
	}
	return true;
}

static void x_help(struct app *a, struct screen *s, char *out, size_t outsz)
{
	(void)a;
	(void)s;
	snprintf(out, outsz, "%s",
	         hall_tr("导出营业日报（F9）：输入日期和保存的文件（.xlsx），按 F10。主任导出全厅的日报；营业员只能导出本人当天的记录。文件先写成临时文件，检查完整后才改名，不会留下半个文件。",
	                 "Export the daily sheet (F9): type the date and the file (.xlsx), then F10. A manager exports the whole hall; a clerk only their own records of today. The file is written under a temporary name, checked and then renamed, so no half file is left."));
}

const struct screen_ops scr_export_ops = {
	.name = "export",
	.open = x_open,
	.draw = x_draw,
	.key = x_key,
	.close = x_close,
	.help = x_help,
};
