/* workorder.c - stage machines of new connections, business changes and
 * complaints; their clocks and deadlines; history; rectifications. */
#include "hall/workorder.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/counter.h"
#include "hall/utf8.h"
#include "sbuf.h"

#define DAY_SECS 86400
#define WALK_LIMIT (366 * 30)
#define NO_TIME INT64_MAX

/* ----------------------------------------------------------- stages */

static const char *const st_app_lv[] = { "accept", "survey", "plan",
	"completion_check", "contract", "connect", "archive", NULL };
static const char *const st_app_hv[] = { "accept", "survey", "plan",
	"design_review", "mid_check", "completion_check", "contract", "connect",
	"archive", NULL };
static const char *const st_change[] = { "accept", "review", "execute",
	"archive", NULL };
static const char *const st_complaint[] = { "accept", "dispatch", "handle",
	"reply", "followup", "archive", NULL };

static int count_list(const char *const *l)
{
	int n = 0;
	while (l[n])
		n++;
	return n;
}

const char *const *workorder_stages(const char *wo_kind, const char *subtype,
                                    int *n)
{
	const char *const *l = NULL;
	if (!wo_kind)
		l = NULL;
	else if (!strcmp(wo_kind, "application"))
		l = subtype && strncmp(subtype, "lv_", 3) == 0 ? st_app_lv : st_app_hv;
	else if (!strcmp(wo_kind, "change"))
		l = st_change;
	else if (!strcmp(wo_kind, "complaint"))
		l = st_complaint;
	if (n)
		*n = l ? count_list(l) : 0;
	return l;
}

int workorder_stage_index(const char *wo_kind, const char *subtype,
                          const char *stage)
{
	int n;
	const char *const *l = workorder_stages(wo_kind, subtype, &n);
	for (int i = 0; l && stage && i < n; i++)
		if (!strcmp(l[i], stage))
			return i;
	return -1;
}

static const struct label { const char *key, *zh, *en; } stage_labels[] = {
	{ "accept", "受理", "accepted" },
	{ "survey", "现场勘查", "site survey" },
	{ "plan", "供电方案答复", "supply plan" },
	{ "design_review", "设计审查", "design review" },
	{ "mid_check", "中间检查", "mid-construction check" },
	{ "completion_check", "竣工检验", "completion check" },
	{ "contract", "签订合同", "contract" },
	{ "connect", "装表接电", "meter & connect" },
	{ "archive", "归档", "archived" },
	{ "review", "审核", "review" },
	{ "execute", "实施", "carried out" },
	{ "dispatch", "派单", "dispatched" },
	{ "handle", "处理", "handling" },
	{ "reply", "答复", "replied" },
	{ "followup", "回访", "follow-up" },
	{ "cancel", "撤销", "cancelled" },
	{ "rectify", "整改中", "rectifying" },
};

static const char *label_of(const struct label *l, size_t n, const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (!strcmp(l[i].key, key))
			return hall_tr(l[i].zh, l[i].en);
	return key ? key : "";
}

#define LABEL(tab, key) label_of(tab, sizeof tab / sizeof tab[0], key)

const char *workorder_stage_label(const char *stage)
{
	return LABEL(stage_labels, stage);
}

static const struct label kind_labels[] = {
	{ "application", "新装", "new connection" },
	{ "change", "变更", "change" },
	{ "complaint", "诉求", "feedback" },
	{ "rectification", "整改", "rectification" },
};

const char *workorder_kind_label(const char *wo_kind)
{
	return LABEL(kind_labels, wo_kind);
}

static const struct label type_labels[] = {
	{ "lv_residential", "低压居民", "LV residential" },
	{ "lv_nonresidential", "低压非居民", "LV non-residential" },
	{ "hv_single", "高压单电源", "HV single source" },
	{ "hv_dual", "高压双电源", "HV dual source" },
	{ "reduce", "减容", "reduce capacity" },
	{ "suspend", "暂停", "suspend" },
	{ "swap", "暂换", "temporary swap" },
	{ "relocate", "迁址", "relocate" },
	{ "move_meter", "移表", "move meter" },
	{ "temp_remove", "暂拆", "temporary removal" },
	{ "rename", "更名过户", "change of name" },
	{ "split", "分户", "split" },
	{ "merge", "并户", "merge" },
	{ "close", "销户", "close" },
	{ "change_voltage", "改压", "change voltage" },
	{ "change_category", "改类", "change category" },
	{ "complaint", "投诉", "complaint" },
	{ "enquiry", "咨询", "enquiry" },
	{ "fault", "故障报修", "fault report" },
	{ "misconduct", "举报", "misconduct report" },
	{ "suggestion", "意见建议", "suggestion" },
	{ "praise", "表扬", "praise" },
	{ "rectification", "整改", "rectification" },
};

const char *workorder_type_label(const char *wo_kind, const char *subtype)
{
	(void)wo_kind;
	return LABEL(type_labels, subtype);
}

/* ------------------------------------------------------------ helpers */

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static int stmt_code(struct hall_err *err)
{
	return err && err->code ? err->code : HALL_EDB;
}

static int64_t floor_day(int64_t wall)
{
	return wall >= 0 ? wall / DAY_SECS : -((-wall + DAY_SECS - 1) / DAY_SECS);
}

/* ------------------------------------------------------------ reading */

static const char *const info_sql =
	"SELECT 'application', id, app_no, account_no, name, phone, kind, stage, status,"
	" created_at, updated_at, deadline, staff_id, 0, 0, extras"
	" FROM applications WHERE app_no = ?1"
	" UNION ALL SELECT 'change', g.id, g.change_no, g.account_no, coalesce(c.name, ''),"
	" coalesce(c.phone, ''), g.change_type, g.stage, g.status, g.created_at, g.updated_at,"
	" g.deadline, g.staff_id, 0, 0, g.extras"
	" FROM changes g LEFT JOIN customers c ON c.account_no = g.account_no"
	" WHERE g.change_no = ?1"
	" UNION ALL SELECT 'complaint', id, complaint_no, coalesce(account_no, ''), name, phone,"
	" kind, stage, status, created_at, updated_at, deadline, staff_id, repeat_flag,"
	" reopen_count, extras FROM complaints WHERE complaint_no = ?1"
	" UNION ALL SELECT 'rectification', r.id, r.rect_no, coalesce(c.account_no, ''),"
	" coalesce(f.name, r.staff_id), '', 'rectification',"
	" CASE r.status WHEN 'open' THEN 'rectify' ELSE 'archive' END, r.status,"
	" r.created_at, r.updated_at, r.deadline, r.manager_id, 0, 0, '{}'"
	" FROM rectifications r LEFT JOIN complaints c ON c.complaint_no = r.complaint_no"
	" LEFT JOIN staff f ON f.id = r.staff_id WHERE r.rect_no = ?1";

int workorder_get(struct store *s, const char *number, struct wo_info *out,
                  struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_stmt(s, info_sql, err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out->kind, sizeof out->kind, "%s", col(st, 0));
		out->rowid = sqlite3_column_int64(st, 1);
		snprintf(out->number, sizeof out->number, "%s", col(st, 2));
		snprintf(out->account_no, sizeof out->account_no, "%s", col(st, 3));
		snprintf(out->name, sizeof out->name, "%s", col(st, 4));
		snprintf(out->phone, sizeof out->phone, "%s", col(st, 5));
		snprintf(out->type, sizeof out->type, "%s", col(st, 6));
		snprintf(out->stage, sizeof out->stage, "%s", col(st, 7));
		snprintf(out->status, sizeof out->status, "%s", col(st, 8));
		snprintf(out->created_at, sizeof out->created_at, "%s", col(st, 9));
		snprintf(out->updated_at, sizeof out->updated_at, "%s", col(st, 10));
		snprintf(out->deadline, sizeof out->deadline, "%s", col(st, 11));
		snprintf(out->staff_id, sizeof out->staff_id, "%s", col(st, 12));
		out->repeat = sqlite3_column_int(st, 13) != 0;
		out->reopen_count = sqlite3_column_int(st, 14);
		snprintf(out->extras, sizeof out->extras, "%s", col(st, 15));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return hall_err_set(err, HALL_ENOTFOUND, "number", "没有工单 %s",
		                    "no work order %s", number);
	return rc == SQLITE_ROW ? HALL_OK
		: store_error(s, rc, "读取工单", "reading the work order", err);
}

static void row_event(sqlite3_stmt *st, struct wo_event *e)
{
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	snprintf(e->from_stage, sizeof e->from_stage, "%s", col(st, 1));
	snprintf(e->to_stage, sizeof e->to_stage, "%s", col(st, 2));
	snprintf(e->note, sizeof e->note, "%s", col(st, 3));
	snprintf(e->staff_id, sizeof e->staff_id, "%s", col(st, 4));
	e->counter = sqlite3_column_int(st, 5);
	snprintf(e->at, sizeof e->at, "%s", col(st, 6));
	snprintf(e->extras, sizeof e->extras, "%s", col(st, 7));
}

int workorder_history(struct store *s, const char *number,
                      void (*fn)(void *ud, const struct wo_event *e),
                      void *ud, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, coalesce(from_stage, ''), to_stage, note,"
		" staff_id, counter, at, extras FROM work_events WHERE number = ?1 ORDER BY id", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct wo_event e;
		row_event(st, &e);
		fn(ud, &e);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "读取工单记录", "reading the work order's history", err);
}

/* ------------------------------------------------------------ clocks */

/* The order's path through its stages: when it entered which stage. */
struct tl {
	int64_t wall;
	int idx;
	char at[21];
};

struct timeline {
	struct tl *ev;
	int n, cap;
	bool oom;
};

static void tl_add(struct timeline *t, const char *at, int idx)
{
	int64_t wall;
	if (idx < 0 || !cal_utc_to_wall(at, &wall))
		return;
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		struct tl *ev = realloc(t->ev, sizeof *ev * (size_t)cap);
		if (!ev) {
			t->oom = true;
			return;
		}
		t->ev = ev;
		t->cap = cap;
	}
	/* events are in id order; never let time run backwards */
	if (t->n && wall < t->ev[t->n - 1].wall)
		wall = t->ev[t->n - 1].wall;
	t->ev[t->n].wall = wall;
	t->ev[t->n].idx = idx;
	snprintf(t->ev[t->n].at, sizeof t->ev[0].at, "%s", at);
	t->n++;
}

struct tl_ctx {
	struct timeline *t;
	const struct wo_info *info;
	bool first;
};

static void tl_event(void *ud, const struct wo_event *e)
{
	struct tl_ctx *c = ud;
	if (c->first && e->from_stage[0]) {
		/* no creation event recorded: the order was created at accept */
		tl_add(c->t, c->info->created_at, 0);
	}
	c->first = false;
	tl_add(c->t, e->at, workorder_stage_index(c->info->kind, c->info->type, e->to_stage));
}

static int load_timeline(struct store *s, const struct wo_info *info,
                         struct timeline *t, struct hall_err *err)
{
	memset(t, 0, sizeof *t);
	struct tl_ctx c = { t, info, true };
	int rc = workorder_history(s, info->number, tl_event, &c, err);
	if (rc != HALL_OK)
		return rc;
	if (t->n == 0) {
		/* orders written without events (imports): created at accept,
		 * in the current stage since the last update */
		tl_add(t, info->created_at, 0);
		int cur = workorder_stage_index(info->kind, info->type, info->stage);
		if (cur > 0)
			tl_add(t, info->updated_at[0] ? info->updated_at : info->created_at, cur);
	}
	if (t->oom) {
		free(t->ev);
		t->ev = NULL;
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	return HALL_OK;
}

struct clock_rt {
	const struct hall_calendar *cal;
	const struct deadline_rule *r;
	bool pause[WO_MAX_STAGES];
	const struct tl *ev;
	int from, to;              /* segments ev[from..to), the last extends */
};

/* State (paused?) at wall time w: the segment in force then. */
static bool paused_at(const struct clock_rt *c, int64_t w, int *hint)
{
	int i = *hint;
	while (i + 1 < c->to && c->ev[i + 1].wall <= w)
		i++;
	*hint = i;
	return c->pause[c->ev[i].idx];
}

/* The deadline (wall) of the clock, NO_TIME when it is paused for good;
 * used: working days / seconds counted up to until. */
static int64_t clock_walk(const struct clock_rt *c, int64_t until, int64_t *used)
{
	const struct deadline_rule *r = c->r;
	int64_t deadline = NO_TIME;
	*used = 0;
	if (!strcmp(r->unit, "workdays")) {
		int64_t start = floor_day(c->ev[c->from].wall);
		int64_t until_day = floor_day(until);
		if (r->amount == 0)
			deadline = start * DAY_SECS + DAY_SECS - 1;
		int count = 0, hint = c->from;
		bool last_paused = c->pause[c->ev[c->to - 1].idx];
		for (int64_t d = start + 1, steps = 0; steps < WALK_LIMIT; d++, steps++) {
			bool need_deadline = deadline == NO_TIME;
			if (!need_deadline && d > until_day)
				break;
			int64_t end = d * DAY_SECS + DAY_SECS - 1;
			if (!cal_is_workday(c->cal, (int32_t)d))
				continue;
			bool p = paused_at(c, end, &hint);
			if (p) {
				/* paused past the last transition: no end in sight */
				if (hint == c->to - 1 && last_paused && d > until_day)
					break;
				continue;
			}
			count++;
			if (d <= until_day)
				(*used)++;
			if (need_deadline && count == r->amount)
				deadline = end;
		}
		return deadline;
	}
	bool clock_hours = !strcmp(r->unit, "hours");
	int64_t remaining = (int64_t)r->amount * 3600;
	for (int i = c->from; i < c->to; i++) {
		int64_t a = c->ev[i].wall;
		int64_t b = i + 1 < c->to ? c->ev[i + 1].wall : NO_TIME;
		if (c->pause[c->ev[i].idx])
			continue;
		/* used: counted time up to until */
		int64_t ub = b < until ? b : until;
		if (ub > a)
			*used += clock_hours ? ub - a : cal_work_seconds_between(c->cal, a, ub);
		if (deadline != NO_TIME)
			continue;
		int64_t len = b == NO_TIME ? NO_TIME
			: clock_hours ? b - a : cal_work_seconds_between(c->cal, a, b);
		if (remaining <= len)
			deadline = clock_hours ? a + remaining : cal_add_work_seconds(c->cal, a, remaining);
		else
			remaining -= len;
	}
	return deadline;
}

/* Evaluate one clock over the order's timeline at now (wall). */
static bool eval_clock(const struct hall_calendar *cal, const struct wo_info *info,
                       const struct deadline_rule *r, const struct timeline *t,
                       int64_t now, struct wo_clock *out)
{
	memset(out, 0, sizeof *out);
	out->rule = *r;
	int si = workorder_stage_index(info->kind, info->type, r->start_stage);
	int ei = workorder_stage_index(info->kind, info->type, r->stop_stage);
	if (si < 0 || ei < 0 || si >= ei)
		return false;   /* not a clock of this order's stage list */
	struct clock_rt c = { .cal = cal, .r = r, .ev = t->ev };
	char buf[sizeof r->pause_stages];
	snprintf(buf, sizeof buf, "%s", r->pause_stages);
	for (char *save = NULL, *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int pi = workorder_stage_index(info->kind, info->type, p);
		if (pi >= 0 && pi < WO_MAX_STAGES)
			c.pause[pi] = true;
	}
	bool inside = false;
	int t0 = -1, stop = -1;
	for (int i = 0; i < t->n; i++) {
		bool in = t->ev[i].idx >= si && t->ev[i].idx < ei;
		if (!inside && in) {
			t0 = i;
			stop = -1;
		} else if (inside && !in) {
			if (t->ev[i].idx >= ei)
				stop = i;
			else
				t0 = -1;   /* sent back before the start: not running */
		}
		inside = in;
	}
	if (t0 < 0)
		return true;
	out->started = true;
	snprintf(out->started_at, sizeof out->started_at, "%s", t->ev[t0].at);
	c.from = t0;
	c.to = inside ? t->n : stop;
	int64_t until = now;
	if (inside) {
		out->running = true;
		out->paused = c.pause[t->ev[t->n - 1].idx];
	} else {
		out->met = true;
		snprintf(out->stopped_at, sizeof out->stopped_at, "%s", t->ev[stop].at);
		until = t->ev[stop].wall;
	}
	int64_t dl = clock_walk(&c, until, &out->used);
	if (dl != NO_TIME) {
		cal_wall_to_utc(dl, out->deadline);
		out->overdue = until > dl;
	}
	return true;
}

/* Every clock of the order, evaluated; fn may be NULL.  *earliest gets the
 * earliest deadline of the running clocks ("" if none). */
static int order_clocks(struct store *s, const struct hall_calendar *cal,
                        const struct wo_info *info, const struct timeline *t,
                        const char *now, char earliest[21],
                        void (*fn)(void *ud, const struct wo_clock *c), void *ud,
                        struct hall_err *err)
{
	earliest[0] = '\0';
	struct deadline_rule rules[WORULES_MAX];
	int n;
	int rc = worules_deadlines_for(s, info->kind, info->type, rules, &n, err);
	if (rc != HALL_OK)
		return rc;
	int64_t nowwall;
	if (!cal_utc_to_wall(now, &nowwall))
		return hall_err_set(err, HALL_EINVAL, NULL, "时间格式有误：%s", "bad time: %s", now);
	for (int i = 0; i < n; i++) {
		struct wo_clock c;
		if (!eval_clock(cal, info, &rules[i], t, nowwall, &c))
			continue;
		if (c.running && c.deadline[0] && (!earliest[0] || strcmp(c.deadline, earliest) < 0))
			snprintf(earliest, 21, "%s", c.deadline);
		if (fn)
			fn(ud, &c);
	}
	return HALL_OK;
}

int workorder_clocks(struct store *s, const char *number, const char *now,
                     void (*fn)(void *ud, const struct wo_clock *c),
                     void *ud, struct hall_err *err)
{
	struct hall_calendar *cal;
	int rc = calendar_load(s, &cal, err);
	if (rc != HALL_OK)
		return rc;
	rc = workorder_clocks_cal(s, cal, number, now, fn, ud, err);
	calendar_free(cal);
	return rc;
}

int workorder_clocks_cal(struct store *s, const struct hall_calendar *cal,
                         const char *number, const char *now,
                         void (*fn)(void *ud, const struct wo_clock *c),
                         void *ud, struct hall_err *err)
{
	struct wo_info info;
	int rc = workorder_get(s, number, &info, err);
	if (rc != HALL_OK || !strcmp(info.kind, "rectification"))
		return rc;
	struct timeline t;
	if ((rc = load_timeline(s, &info, &t, err)) == HALL_OK) {
		char earliest[21];
		rc = order_clocks(s, cal, &info, &t, now, earliest, fn, ud, err);
		free(t.ev);
	}
	return rc;
}

int workorder_initial_deadline(struct store *s, const char *wo_kind,
                               const char *subtype, const char *now,
                               char out[21], struct hall_err *err)
{
	out[0] = '\0';
	struct wo_info info;
	memset(&info, 0, sizeof info);
	snprintf(info.kind, sizeof info.kind, "%s", wo_kind);
	snprintf(info.type, sizeof info.type, "%s", subtype ? subtype : "");
	snprintf(info.stage, sizeof info.stage, "accept");
	snprintf(info.status, sizeof info.status, "open");
	snprintf(info.created_at, sizeof info.created_at, "%s", now);
	struct hall_calendar *cal;
	int rc = calendar_load(s, &cal, err);
	if (rc != HALL_OK)
		return rc;
	struct timeline t = { 0 };
	tl_add(&t, now, 0);
	if (t.oom || t.n == 0)
		rc = t.oom ? hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory")
		           : hall_err_set(err, HALL_EINVAL, NULL, "时间格式有误：%s", "bad time: %s", now);
	else
		rc = order_clocks(s, cal, &info, &t, now, out, NULL, NULL, err);
	free(t.ev);
	calendar_free(cal);
	return rc;
}

/* ------------------------------------------------------- recompute */

static const char *table_of(const char *kind)
{
	if (!strcmp(kind, "application"))
		return "applications";
	if (!strcmp(kind, "change"))
		return "changes";
	return "complaints";
}

static int journal_order(struct store *s, const struct hall_actor *actor,
                         const struct wo_info *info, const char *what,
                         struct hall_err *err)
{
	char kind[48];
	snprintf(kind, sizeof kind, "%s.%s", info->kind, what);
	return store_journal_row(s, kind, table_of(info->kind), info->rowid,
	                         actor ? actor->user.id : NULL, actor ? actor->counter : 0, err);
}

static int set_deadline(struct store *s, const struct wo_info *info,
                        const char *deadline, struct hall_err *err)
{
	static const char *const sql[] = {
		"UPDATE applications SET deadline = ?2 WHERE id = ?1",
		"UPDATE changes SET deadline = ?2 WHERE id = ?1",
		"UPDATE complaints SET deadline = ?2 WHERE id = ?1",
	};
	int k = !strcmp(info->kind, "application") ? 0 : !strcmp(info->kind, "change") ? 1 : 2;
	sqlite3_stmt *st = store_stmt(s, sql[k], err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, info->rowid);
	sqlite3_bind_text(st, 2, deadline, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "保存期限", "saving the deadline", err);
}

/* Compute the order's deadline and store it when it changed (no journal). */
static int update_deadline(struct store *s, const struct hall_calendar *cal,
                           struct wo_info *info, const char *now, bool *changed,
                           struct hall_err *err)
{
	*changed = false;
	char dl[21] = "";
	int rc = HALL_OK;
	if (!strcmp(info->status, "open")) {
		struct timeline t;
		if ((rc = load_timeline(s, info, &t, err)) != HALL_OK)
			return rc;
		rc = order_clocks(s, cal, info, &t, now, dl, NULL, NULL, err);
		free(t.ev);
		if (rc != HALL_OK)
			return rc;
	}
	if (!strcmp(dl, info->deadline))
		return HALL_OK;
	if ((rc = set_deadline(s, info, dl, err)) != HALL_OK)
		return rc;
	snprintf(info->deadline, sizeof info->deadline, "%s", dl);
	*changed = true;
	return HALL_OK;
}

int workorder_recompute(struct store *s, const struct hall_calendar *cal,
                        const struct hall_actor *actor, const char *number,
                        bool *changed, struct hall_err *err)
{
	struct wo_info info;
	int rc = workorder_get(s, number, &info, err);
	if (rc != HALL_OK)
		return rc;
	if (!strcmp(info.kind, "rectification")) {
		*changed = false;
		return HALL_OK;
	}
	char now[21];
	store_now_utc(now);
	if ((rc = update_deadline(s, cal, &info, now, changed, err)) != HALL_OK)
		return rc;
	return *changed ? journal_order(s, actor, &info, "deadline", err) : HALL_OK;
}

struct numbers {
	char (*v)[32];
	int n, cap;
	bool oom;
};

int workorder_recompute_open(struct store *s, const struct hall_actor *actor,
                             int *changed, struct hall_err *err)
{
	if (changed)
		*changed = 0;
	sqlite3_stmt *st = store_stmt(s,
		"SELECT app_no FROM applications WHERE status = 'open'"
		" UNION ALL SELECT change_no FROM changes WHERE status = 'open'"
		" UNION ALL SELECT complaint_no FROM complaints WHERE status = 'open'", err);
	if (!st)
		return stmt_code(err);
	struct numbers nums = { 0 };
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nums.n == nums.cap) {
			int cap = nums.cap ? nums.cap * 2 : 256;
			char (*v)[32] = realloc(nums.v, sizeof *v * (size_t)cap);
			if (!v) {
				nums.oom = true;
				break;
			}
			nums.v = v;
			nums.cap = cap;
		}
		snprintf(nums.v[nums.n++], 32, "%s", col(st, 0));
	}
	sqlite3_reset(st);
	if (nums.oom) {
		free(nums.v);
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	if (rc != SQLITE_DONE) {
		free(nums.v);
		return store_error(s, rc, "读取工单", "reading work orders", err);
	}
	struct hall_calendar *cal;
	if ((rc = calendar_load(s, &cal, err)) != HALL_OK) {
		free(nums.v);
		return rc;
	}
	for (int i = 0; i < nums.n && rc == HALL_OK; i++) {
		bool ch;
		rc = workorder_recompute(s, cal, actor, nums.v[i], &ch, err);
		if (rc == HALL_OK && ch && changed)
			(*changed)++;
	}
	calendar_free(cal);
	free(nums.v);
	return rc;
}

/* ------------------------------------------------------ transitions */

enum ftype { F_TEXT, F_CHOICE, F_INT, F_STAFF, F_LIST };

struct fspec {
	const char *kind, *stage, *key;
	enum ftype type;
	bool required;
	int max;                   /* characters (text), largest value (int) */
	const char *choices;       /* comma list */
	const char *zh, *en;
};

static const struct fspec fspecs[] = {
	{ "*", "*", "note", F_TEXT, false, 500, NULL, "备注", "note" },
	{ "*", "*", "reason", F_TEXT, false, 200, NULL, "原因", "reason" },
	{ "application", "survey", "docs", F_LIST, true, 0, "id,property,agent_id", "已收材料", "documents" },
	{ "application", "survey", "survey_result", F_TEXT, false, 200, NULL, "勘查结果", "survey result" },
	{ "application", "plan", "plan", F_TEXT, false, 500, NULL, "供电方案", "supply plan" },
	{ "application", "design_review", "result", F_TEXT, false, 200, NULL, "审查结果", "result" },
	{ "application", "mid_check", "result", F_TEXT, false, 200, NULL, "检查结果", "result" },
	{ "application", "completion_check", "result", F_TEXT, false, 200, NULL, "检验结果", "result" },
	{ "application", "contract", "contract_no", F_TEXT, false, 40, NULL, "合同编号", "contract number" },
	{ "application", "connect", "meter_no", F_TEXT, true, 32, NULL, "电能表编号", "meter number" },
	{ "change", "review", "result", F_TEXT, false, 200, NULL, "审核意见", "review result" },
	{ "complaint", "dispatch", "department", F_TEXT, true, 30, NULL, "责任部门", "department" },
	{ "complaint", "dispatch", "person", F_TEXT, true, 30, NULL, "处理人", "person" },
	{ "complaint", "handle", "contact_method", F_CHOICE, true, 0, "phone,sms,visit,wechat,letter", "联系方式", "contact method" },
	{ "complaint", "reply", "reply", F_TEXT, true, 500, NULL, "答复内容", "reply" },
	{ "complaint", "reply", "verified", F_CHOICE, false, 0, "yes,no", "是否属实", "verified true" },
	{ "complaint", "reply", "company_fault", F_CHOICE, false, 0, "yes,no", "供电企业责任", "company at fault" },
	{ "complaint", "reply", "staff_involved", F_STAFF, false, 0, NULL, "涉及员工工号", "staff involved" },
	{ "complaint", "followup", "result", F_CHOICE, true, 0, "satisfied,unsatisfied", "回访结果", "follow-up result" },
	{ "complaint", "followup", "method", F_CHOICE, true, 0, "phone,sms,visit,wechat", "回访方式", "follow-up method" },
	{ "complaint", "followup", "attempts", F_INT, true, 9, NULL, "回访次数", "attempts" },
};

static const struct fspec *fspec_find(const char *kind, const char *stage,
                                      const char *key)
{
	for (size_t i = 0; i < sizeof fspecs / sizeof fspecs[0]; i++) {
		const struct fspec *f = &fspecs[i];
		if (!strcmp(f->key, key) && (!strcmp(f->kind, "*") ||
		    (!strcmp(f->kind, kind) && !strcmp(f->stage, stage))))
			return f;
	}
	return NULL;
}

static bool choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = choices; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && !strncmp(p, v, n))
			return true;
		p += len + (c ? 1 : 0);
	}
	return false;
}

static bool staff_exists(struct store *s, const char *id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM staff WHERE id = ?1", NULL);
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

static int check_field(struct store *s, const struct fspec *f, const char *v,
                       struct hall_err *err)
{
	switch (f->type) {
	case F_TEXT:
		if (!utf8_valid(v, strlen(v)) || utf8_has_control(v, !strcmp(f->key, "note")))
			return hall_err_set(err, HALL_EINVAL, f->key, "%s：含有控制字符或不是 UTF-8%.0s",
			                    "%.0s%s: control characters or not UTF-8", f->zh, f->en);
		if ((int)utf8_chars(v) > f->max)
			return hall_err_set(err, HALL_EINVAL, f->key, "%s：最多%d个字%.0s",
			                    "%.0s%s: at most %d characters", f->zh, f->max, f->en);
		return HALL_OK;
	case F_CHOICE:
		if (!choice_ok(f->choices, v))
			return hall_err_set(err, HALL_EINVAL, f->key, "%s：应为 %s 之一，不是“%s”%.0s",
			                    "%.0s%s: must be one of %s, not \"%s\"",
			                    f->zh, f->choices, v, f->en);
		return HALL_OK;
	case F_INT: {
		char *end;
		long n = strtol(v, &end, 10);
		if (!*v || *end || n < 1 || n > f->max)
			return hall_err_set(err, HALL_EINVAL, f->key, "%s：应为1至%d的整数%.0s",
			                    "%.0s%s: a whole number 1 to %d", f->zh, f->max, f->en);
		return HALL_OK;
	}
	case F_STAFF:
		if (!staff_exists(s, v))
			return hall_err_set(err, HALL_EINVAL, f->key, "%s：没有工号 %s%.0s",
			                    "%.0s%s: no staff id %s", f->zh, v, f->en);
		return HALL_OK;
	case F_LIST:
		return HALL_OK;
	}
	return HALL_OK;
}

static const char *fval(const struct form_values *v, const char *key)
{
	const char *x = v ? form_values_get(v, key) : NULL;
	return x ? x : "";
}

static bool agent_applies(struct store *s, const struct wo_info *info)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(json_extract(extras, '$.agent_name'), '') <> ''"
		" FROM applications WHERE id = ?1", NULL);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, info->rowid);
	bool agent = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return agent;
}

static int check_docs(struct store *s, const struct wo_info *info, const char *docs,
                      struct hall_err *err)
{
	static const struct { const char *key, *zh, *en; } dl[] = {
		{ "id", "身份证明", "proof of identity" },
		{ "property", "产权证明", "proof of property" },
		{ "agent_id", "代办人身份证", "the agent's ID card" },
	};
	bool have[3] = { false, false, false };
	char buf[256];
	snprintf(buf, sizeof buf, "%s", docs);
	for (char *save = NULL, *t = strtok_r(buf, ",，、 ", &save); t; t = strtok_r(NULL, ",，、 ", &save)) {
		bool known = false;
		for (int i = 0; i < 3; i++)
			if (!strcmp(t, dl[i].key))
				have[i] = known = true;
		if (!known)
			return hall_err_set(err, HALL_EINVAL, "docs",
				"已收材料：不认识“%s”（可填 id 身份证明、property 产权证明、agent_id 代办人身份证）",
				"documents: unknown \"%s\" (id, property, agent_id)", t);
	}
	bool agent = agent_applies(s, info);
	char zh[256] = "", en[256] = "";
	for (int i = 0; i < 3; i++) {
		if (have[i] || (i == 2 && !agent))
			continue;
		snprintf(zh + strlen(zh), sizeof zh - strlen(zh), "%s%s", zh[0] ? "、" : "", dl[i].zh);
		snprintf(en + strlen(en), sizeof en - strlen(en), "%s%s", en[0] ? ", " : "", dl[i].en);
	}
	if (zh[0])
		return hall_err_set(err, HALL_EINVAL, "docs",
			"材料不齐，不能转入现场勘查：缺少%s%.0s",
			"%.0sdocuments missing, the survey cannot start: %s", zh, en);
	return HALL_OK;
}

/* Old value of a customer column (a fixed list, never from input). */
static const struct ccol {
	const char *field, *get, *set;
	bool integer;
} ccols[] = {
	{ "name", "SELECT name FROM customers WHERE account_no = ?1",
	  "UPDATE customers SET name = ?2, updated_at = ?3 WHERE account_no = ?1", false },
	{ "id_type", "SELECT id_type FROM customers WHERE account_no = ?1",
	  "UPDATE customers SET id_type = ?2, updated_at = ?3 WHERE account_no = ?1", false },
	{ "id_number", "SELECT id_number FROM customers WHERE account_no = ?1",
	  "UPDATE customers SET id_number = ?2, updated_at = ?3 WHERE account_no = ?1", false },
	{ "phone", "SELECT phone FROM customers WHERE account_no = ?1",
	  "UPDATE customers SET phone = ?2, updated_at = ?3 WHERE account_no = ?1", false },
	{ "address", "SELECT address FROM customers WHERE account_no = ?1",
	  "UPDATE customers SET address = ?2, updated_at = ?3 WHERE account_no = ?1", false },
	{ "category", "SELECT category FROM customers WHERE account_no = ?1",
	  "UPDATE customers SET category = ?2, updated_at = ?3 WHERE account_no = ?1", false },
	{ "voltage", "SELECT voltage FROM customers WHERE account_no = ?1",
	  "UPDATE customers SET voltage = ?2, updated_at = ?3 WHERE account_no = ?1", false },
	{ "capacity", "SELECT CAST(capacity AS TEXT) FROM customers WHERE account_no = ?1",
	  "UPDATE customers SET capacity = ?2, updated_at = ?3 WHERE account_no = ?1", true },
	{ "status", "SELECT status FROM customers WHERE account_no = ?1",
	  "UPDATE customers SET status = ?2, updated_at = ?3 WHERE account_no = ?1", false },
};

struct txn {
	struct store *s;
	const struct hall_actor *actor;
	const char *now;
	char source[48];
	struct hall_err *err;
};

static int history(struct txn *x, const char *account_no, const char *field,
                   const char *old, const char *now_value)
{
	sqlite3_stmt *st = store_stmt(x->s, "INSERT INTO customer_history(account_no, field,"
		" old_value, new_value, source, staff_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", x->err);
	if (!st)
		return stmt_code(x->err);
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, old, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now_value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, x->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, x->actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, x->now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(x->s, rc, "保存户的历史", "saving the account history", x->err);
	return store_journal_row(x->s, "customer.history", "customer_history",
	                         sqlite3_last_insert_rowid(store_db(x->s)),
	                         x->actor->user.id, x->actor->counter, x->err);
}

/* Set one column of an account, keeping the old value in the history. */
static int set_account(struct txn *x, const char *account_no, const char *field,
                       const char *value)
{
	const struct ccol *c = NULL;
	for (size_t i = 0; i < sizeof ccols / sizeof ccols[0]; i++)
		if (!strcmp(ccols[i].field, field))
			c = &ccols[i];
	if (!c)
		return hall_err_set(x->err, HALL_EDB, NULL, "内部错误：户字段 %s", "internal error: account field %s", field);
	sqlite3_stmt *st = store_stmt(x->s, c->get, x->err);
	if (!st)
		return stmt_code(x->err);
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	char old[512];
	snprintf(old, sizeof old, "%s", rc == SQLITE_ROW ? col(st, 0) : "");
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE
			? hall_err_set(x->err, HALL_ENOTFOUND, "account_no", "没有户号 %s", "no account %s", account_no)
			: store_error(x->s, rc, "读取户", "reading the account", x->err);
	if (!strcmp(old, value))
		return HALL_OK;
	st = store_stmt(x->s, c->set, x->err);
	if (!st)
		return stmt_code(x->err);
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	if (c->integer)
		sqlite3_bind_int64(st, 2, strtoll(value, NULL, 10));
	else
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, x->now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(x->s, rc, "更新户", "updating the account", x->err);
	return history(x, account_no, field, old, value);
}

static int journal_account(struct txn *x, const char *account_no)
{
	sqlite3_stmt *st = store_stmt(x->s, "SELECT id FROM customers WHERE account_no = ?1", x->err);
	if (!st)
		return stmt_code(x->err);
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_error(x->s, rc, "读取户", "reading the account", x->err);
	return store_journal_row(x->s, "customer.update", "customers", id,
	                         x->actor->user.id, x->actor->counter, x->err);
}

/* A field of the change as submitted (its extras). */
static void change_extra(struct store *s, int64_t rowid, const char *path,
                         char *out, size_t outsz)
{
	out[0] = '\0';
	sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(json_extract(extras, ?2), '')"
		" FROM changes WHERE id = ?1", NULL);
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, outsz, "%s", col(st, 0));
	sqlite3_reset(st);
}

/* The account update of a change carried out. */
static int apply_change(struct txn *x, const struct wo_info *info)
{
	struct store *s = x->s;
	const char *t = info->type, *acct = info->account_no;
	char v[512];
	int rc = HALL_OK;
	if (!strcmp(t, "close") || !strcmp(t, "rename") || !strcmp(t, "split") || !strcmp(t, "merge")) {
		/* bills may have arrived since the application: check again */
		int n;
		int64_t fen;
		if ((rc = worules_arrears(s, acct, &n, &fen, x->err)) != HALL_OK)
			return rc;
		if (n > 0)
			return hall_err_set(x->err, HALL_ESTATE, "account_no",
				"户号 %s 又有 %d 张账单未结清，须先结清才能实施（变更规则 %s.arrears_settled）",
				"account %s has %d unpaid bill(s) again; settle them before carrying out (change rule %s.arrears_settled)",
				acct, n, t);
	}
	if (!strcmp(t, "reduce")) {
		change_extra(s, info->rowid, "$.new_capacity", v, sizeof v);
		rc = set_account(x, acct, "capacity", v);
	} else if (!strcmp(t, "suspend")) {
		rc = set_account(x, acct, "status", "suspended");
	} else if (!strcmp(t, "temp_remove")) {
		rc = set_account(x, acct, "status", "temp_removed");
	} else if (!strcmp(t, "close")) {
		rc = set_account(x, acct, "status", "closed");
	} else if (!strcmp(t, "relocate")) {
		change_extra(s, info->rowid, "$.new_address", v, sizeof v);
		rc = set_account(x, acct, "address", v);
	} else if (!strcmp(t, "move_meter")) {
		change_extra(s, info->rowid, "$.new_address", v, sizeof v);
		rc = history(x, acct, "meter_position", "", v);
	} else if (!strcmp(t, "change_voltage")) {
		change_extra(s, info->rowid, "$.new_voltage", v, sizeof v);
		rc = set_account(x, acct, "voltage", v);
	} else if (!strcmp(t, "change_category")) {
		change_extra(s, info->rowid, "$.new_category", v, sizeof v);
		rc = set_account(x, acct, "category", v);
	} else if (!strcmp(t, "rename")) {
		change_extra(s, info->rowid, "$.new_name", v, sizeof v);
		rc = set_account(x, acct, "name", v);
		change_extra(s, info->rowid, "$.new_id_type", v, sizeof v);
		if (rc == HALL_OK && v[0])
			rc = set_account(x, acct, "id_type", v);
		change_extra(s, info->rowid, "$.new_id_number", v, sizeof v);
		if (rc == HALL_OK && v[0])
			rc = set_account(x, acct, "id_number", v);
		change_extra(s, info->rowid, "$.new_phone", v, sizeof v);
		if (rc == HALL_OK && v[0])
			rc = set_account(x, acct, "phone", v);
	} else if (!strcmp(t, "split")) {
		change_extra(s, info->rowid, "$.split_count", v, sizeof v);
		rc = history(x, acct, "split_count", "", v);
	} else if (!strcmp(t, "merge")) {
		char list[512], cap[32];
		change_extra(s, info->rowid, "$.merge_accounts", list, sizeof list);
		change_extra(s, info->rowid, "$.new_capacity", cap, sizeof cap);
		struct customer main;
		if ((rc = customer_get(s, acct, &main, x->err)) != HALL_OK)
			return rc;
		int64_t sum = main.capacity;
		for (char *p = list; *p; p++)
			if (*p == ' ' || *p == ';')
				*p = ',';
		for (char *save = NULL, *a = strtok_r(list, ",，、", &save); a && rc == HALL_OK;
		     a = strtok_r(NULL, ",，、", &save)) {
			struct customer o;
			if ((rc = customer_get(s, a, &o, x->err)) != HALL_OK)
				break;
			sum += o.capacity;
			if ((rc = set_account(x, a, "status", "closed")) == HALL_OK)
				rc = journal_account(x, a);
		}
		if (rc == HALL_OK) {
			char total[32];
			snprintf(total, sizeof total, "%lld", cap[0] ? strtoll(cap, NULL, 10) : (long long)sum);
			rc = set_account(x, acct, "capacity", total);
		}
	}
	/* swap: a temporary transformer, no account field changes */
	if (rc == HALL_OK)
		rc = journal_account(x, acct);
	return rc;
}

static const char *const order_update_sql[] = {
	"UPDATE applications SET stage = ?2, status = ?3, updated_at = ?4 WHERE id = ?1",
	"UPDATE changes SET stage = ?2, status = ?3, updated_at = ?4 WHERE id = ?1",
	"UPDATE complaints SET stage = ?2, status = ?3, updated_at = ?4 WHERE id = ?1",
};

static int set_stage(struct txn *x, const struct wo_info *info, const char *stage,
                     const char *status)
{
	int k = !strcmp(info->kind, "application") ? 0 : !strcmp(info->kind, "change") ? 1 : 2;
	sqlite3_stmt *st = store_stmt(x->s, order_update_sql[k], x->err);
	if (!st)
		return stmt_code(x->err);
	sqlite3_bind_int64(st, 1, info->rowid);
	sqlite3_bind_text(st, 2, stage, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, x->now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(x->s, rc, "保存工单", "saving the work order", x->err);
}

static int add_event(struct txn *x, const struct wo_info *info, const char *from,
                     const char *to, const char *note, const char *extras)
{
	sqlite3_stmt *st = store_stmt(x->s,
		"INSERT INTO work_events(kind, number, from_stage, to_stage, note, staff_id,"
		" counter, at, extras) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", x->err);
	if (!st)
		return stmt_code(x->err);
	sqlite3_bind_text(st, 1, info->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, info->number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, x->actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, x->actor->counter);
	sqlite3_bind_text(st, 8, x->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, extras, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(x->s, rc, "保存工单记录", "saving the transition", x->err);
	return store_journal_row(x->s, "work.event", "work_events",
	                         sqlite3_last_insert_rowid(store_db(x->s)),
	                         x->actor->user.id, x->actor->counter, x->err);
}

/* Complaint columns set by a transition. */
static int complaint_columns(struct txn *x, const struct wo_info *info,
                             const char *to, const struct form_values *f, bool reopen)
{
	static const char *const sql_dispatch =
		"UPDATE complaints SET department = ?2, handler = ?3 WHERE id = ?1";
	static const char *const sql_handle =
		"UPDATE complaints SET contact_method = ?2 WHERE id = ?1";
	static const char *const sql_reply =
		"UPDATE complaints SET verified = ?2, company_fault = ?3, staff_involved = ?4 WHERE id = ?1";
	static const char *const sql_followup =
		"UPDATE complaints SET followup_result = ?2, followup_method = ?3,"
		" followup_attempts = followup_attempts + ?4, reopen_count = reopen_count + ?5 WHERE id = ?1";
	const char *sql = !strcmp(to, "dispatch") ? sql_dispatch : !strcmp(to, "handle") ? sql_handle
		: !strcmp(to, "reply") ? sql_reply : !strcmp(to, "followup") ? sql_followup : NULL;
	if (!sql)
		return HALL_OK;
	sqlite3_stmt *st = store_stmt(x->s, sql, x->err);
	if (!st)
		return stmt_code(x->err);
	sqlite3_bind_int64(st, 1, info->rowid);
	if (sql == sql_dispatch) {
		sqlite3_bind_text(st, 2, fval(f, "department"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, fval(f, "person"), -1, SQLITE_STATIC);
	} else if (sql == sql_handle) {
		sqlite3_bind_text(st, 2, fval(f, "contact_method"), -1, SQLITE_STATIC);
	} else if (sql == sql_reply) {
		const char *ver = fval(f, "verified");
		sqlite3_bind_text(st, 2, ver, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, !strcmp(ver, "yes") ? fval(f, "company_fault") : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, fval(f, "staff_involved"), -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(st, 2, fval(f, "result"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, fval(f, "method"), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, atoi(fval(f, "attempts")));
		sqlite3_bind_int(st, 5, reopen ? 1 : 0);
	}
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(x->s, rc, "保存投诉", "saving the complaint", x->err);
}

static int last_followup(struct store *s, int64_t rowid, char *out, size_t outsz,
                         struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT followup_result FROM complaints WHERE id = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_int64(st, 1, rowid);
	int rc = sqlite3_step(st);
	snprintf(out, outsz, "%s", rc == SQLITE_ROW ? col(st, 0) : "");
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? HALL_OK : store_error(s, rc, "读取投诉", "reading the complaint", err);
}

static void stage_list_text(const char *const *l, int n, char *out, size_t outsz)
{
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), outsz - strlen(out), "%s%s", i ? " " : "", l[i]);
}

/* Checks of a transition that need no writing; on success *back tells a
 * backward move. */
static int check_move(struct store *s, const struct wo_info *info, const char *to,
                      const struct form_values *f, bool *back, bool *cancel,
                      struct hall_err *err)
{
	int n;
	const char *const *l = workorder_stages(info->kind, info->type, &n);
	int cur = workorder_stage_index(info->kind, info->type, info->stage);
	*back = *cancel = false;
	if (!strcmp(info->kind, "rectification"))
		return hall_err_set(err, HALL_EINVAL, "number",
			"%s 是整改记录：请用 hall rectify review 登记复查结果",
			"%s is a rectification: record its review with hall rectify review", info->number);
	if (strcmp(info->status, "open"))
		return hall_err_set(err, HALL_ESTATE, "number", "工单 %s 已%s，不能再办理",
			"work order %s is %s; nothing more can be done", info->number,
			hall_lang() == HALL_LANG_ZH ? (!strcmp(info->status, "done") ? "办结归档" : "撤销")
			                            : info->status);
	if (!l || cur < 0)
		return hall_err_set(err, HALL_ESTATE, "stage", "工单 %s 的环节“%s”不认识",
		                    "work order %s is at an unknown stage \"%s\"", info->number, info->stage);
	const char *reason = fval(f, "reason");
	char list[256];
	stage_list_text(l, n, list, sizeof list);
	if (!strcmp(info->kind, "complaint") && !strcmp(to, "archive")) {
		char res[16];
		int rc = last_followup(s, info->rowid, res, sizeof res, err);
		if (rc != HALL_OK)
			return rc;
		if (!strcmp(res, "unsatisfied"))
			return hall_err_set(err, HALL_ESTATE, "to",
				"客户回访不满意，不能归档：须重新处理、答复并回访满意后才能归档",
				"the customer was not satisfied at the follow-up: no archiving until the complaint is handled, replied to and followed up satisfied");
	}
	if (!strcmp(to, "cancel")) {
		if (!strcmp(info->kind, "complaint"))
			return hall_err_set(err, HALL_EINVAL, "to",
				"诉求工单不能撤销：请处理、答复、回访后归档",
				"feedback cannot be cancelled: handle, reply, follow up and archive it");
		if (!reason[0])
			return hall_err_set(err, HALL_EINVAL, "reason", "撤销工单须说明原因（reason=...）",
			                    "cancelling needs a reason (reason=...)");
		*cancel = true;
	} else {
		int ti = workorder_stage_index(info->kind, info->type, to);
		if (ti < 0)
			return hall_err_set(err, HALL_EINVAL, "to", "“%s”不是%s的环节；环节依次为：%s",
				"\"%s\" is not a stage of this %s; the stages are: %s", to,
				hall_lang() == HALL_LANG_ZH ? workorder_type_label(info->kind, info->type) : info->type,
				list);
		if (ti == cur)
			return hall_err_set(err, HALL_ESTATE, "to", "工单 %s 已在“%s”环节",
			                    "work order %s is already at %s", info->number,
			                    workorder_stage_label(to));
		if (ti > cur + 1) {
			if (!strcmp(info->kind, "complaint") && !strcmp(to, "followup"))
				return hall_err_set(err, HALL_ESTATE, "to",
					"还没有答复客户，不能回访：请先登记答复（--to reply）",
					"the customer has not been replied to yet: no follow-up before the reply (--to reply first)");
			char zh[HALL_ERR_TEXT], en[HALL_ERR_TEXT];
			snprintf(zh, sizeof zh, "不能跳过环节：工单 %s 现在是“%s”，下一环节是“%s”（%s），不能直接到“%s”",
			         info->number, LABEL(stage_labels, info->stage), LABEL(stage_labels, l[cur + 1]),
			         l[cur + 1], LABEL(stage_labels, to));
			snprintf(en, sizeof en, "no skipping: work order %s is at %s; the next stage is %s, not %s",
			         info->number, info->stage, l[cur + 1], to);
			return hall_err_text(err, HALL_ESTATE, "to", zh, en);
		}
		if (ti < cur) {
			if (!reason[0])
				return hall_err_set(err, HALL_EINVAL, "reason",
					"退回到“%s”须说明原因（reason=...）%.0s",
					"%.0sgoing back to %s needs a reason (reason=...)",
					LABEL(stage_labels, to), to);
			*back = true;
		}
	}
	/* the fields: known for this move, valid */
	const char *stage_for_fields = *back || *cancel ? "" : to;
	for (int i = 0; f && i < f->n; i++) {
		const struct fspec *sp = fspec_find(info->kind, stage_for_fields, f->keys[i]);
		if (!sp) {
			char allowed[256] = "note reason";
			for (size_t k = 0; k < sizeof fspecs / sizeof fspecs[0]; k++)
				if (!strcmp(fspecs[k].kind, info->kind) && !strcmp(fspecs[k].stage, stage_for_fields))
					snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed),
					         " %s", fspecs[k].key);
			return hall_err_set(err, HALL_EINVAL, f->keys[i],
				"这一步没有字段 %s（可填：%s）", "this step has no field %s (valid: %s)",
				f->keys[i], allowed);
		}
		if (f->vals[i][0]) {
			int rc = check_field(s, sp, f->vals[i], err);
			if (rc != HALL_OK)
				return rc;
		}
	}
	if (*back || *cancel)
		return HALL_OK;
	for (size_t k = 0; k < sizeof fspecs / sizeof fspecs[0]; k++) {
		const struct fspec *sp = &fspecs[k];
		if (sp->required && !strcmp(sp->kind, info->kind) && !strcmp(sp->stage, to) &&
		    !fval(f, sp->key)[0])
			return hall_err_set(err, HALL_EINVAL, sp->key, "%s：必填（%s=...）%.0s",
			                    "%.0s%s: required (%s=...)", sp->zh, sp->key, sp->en);
	}
	if (!strcmp(info->kind, "application") && !strcmp(to, "survey"))
		return check_docs(s, info, fval(f, "docs"), err);
	if (!strcmp(info->kind, "complaint") && !strcmp(to, "reply")) {
		const char *ver = fval(f, "verified");
		bool need = !strcmp(info->type, "complaint") || !strcmp(info->type, "misconduct");
		if (need && !ver[0])
			return hall_err_set(err, HALL_EINVAL, "verified",
				"是否属实：投诉和举报答复时必须填写核实结果（verified=yes 或 no）",
				"verified: a complaint or misconduct report needs the verification (verified=yes or no)");
		if (!strcmp(ver, "yes") && !fval(f, "company_fault")[0])
			return hall_err_set(err, HALL_EINVAL, "company_fault",
				"供电企业责任：属实时须填写是否为供电企业责任（company_fault=yes 或 no）",
				"company at fault: needed when verified true (company_fault=yes or no)");
		if (strcmp(ver, "yes") && (fval(f, "company_fault")[0] || fval(f, "staff_involved")[0]))
			return hall_err_set(err, HALL_EINVAL, "verified",
				"只有核实属实（verified=yes）才能填写责任和涉及员工",
				"fault and staff involved go with verified=yes only");
	}
	if (!strcmp(info->kind, "complaint") && !strcmp(to, "archive")) {
		char res[16];
		int rc = last_followup(s, info->rowid, res, sizeof res, err);
		if (rc != HALL_OK)
			return rc;
		if (strcmp(res, "satisfied"))
			return hall_err_set(err, HALL_ESTATE, "to",
				"还没有回访满意，不能归档", "no satisfied follow-up yet: the complaint cannot be archived");
	}
	return HALL_OK;
}

static void fields_json(struct sbuf *b, const struct form_values *f)
{
	bool first = true;
	sbuf_addc(b, '{');
	for (int i = 0; f && i < f->n; i++) {
		if (!f->vals[i][0])
			continue;
		sbuf_json_key(b, &first, f->keys[i]);
		sbuf_json_str(b, f->vals[i]);
	}
	sbuf_addc(b, '}');
}

int workorder_advance(struct store *s, const struct hall_actor *actor,
                      const char *number, const char *to,
                      const struct form_values *fields, struct hall_err *err)
{
	int rc = auth_require(actor, ROLE_CLERK, "办理工单", "work on work orders", err);
	if (rc != HALL_OK)
		return rc;
	if (actor->counter < 1 || actor->counter > 99)
		return hall_err_set(err, HALL_EINVAL, "counter", "窗口号：应为1至99", "counter: must be 1 to 99");
	if (!to || !*to)
		return hall_err_set(err, HALL_EINVAL, "to", "请给出下一环节（--to 环节）",
		                    "give the next stage (--to STAGE)");
	if ((rc = store_begin(s, err)) != HALL_OK)
		return rc;
	struct wo_info info;
	struct hall_calendar *cal = NULL;
	struct sbuf ex;
	sbuf_init(&ex);
	char now[21];
	store_now_utc(now);
	struct txn x = { .s = s, .actor = actor, .now = now, .err = err };
	bool back, cancel;
	if ((rc = workorder_get(s, number, &info, err)) != HALL_OK)
		goto fail;
	if ((rc = check_move(s, &info, to, fields, &back, &cancel, err)) != HALL_OK)
		goto fail;
	snprintf(x.source, sizeof x.source, "%s:%s", info.kind, info.number);
	const char *status = cancel ? "cancelled" : !strcmp(to, "archive") ? "done" : "open";
	const char *new_stage = cancel ? info.stage : to;
	char note[800];
	const char *reason = fval(fields, "reason"), *nt = fval(fields, "note");
	snprintf(note, sizeof note, "%s%s%s", reason, reason[0] && nt[0] ? "；" : "", nt);
	fields_json(&ex, fields);
	if (ex.oom) {
		rc = hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		goto fail;
	}
	if ((rc = set_stage(&x, &info, new_stage, status)) != HALL_OK)
		goto fail;
	if ((rc = add_event(&x, &info, info.stage, cancel ? "cancel" : to, note, sbuf_str(&ex))) != HALL_OK)
		goto fail;
	bool reopen = false;
	if (!strcmp(info.kind, "complaint") && !back) {
		reopen = !strcmp(to, "followup") && !strcmp(fval(fields, "result"), "unsatisfied");
		if ((rc = complaint_columns(&x, &info, to, fields, reopen)) != HALL_OK)
			goto fail;
	}
	if (!strcmp(info.kind, "application") && !back) {
		if (!strcmp(to, "connect") && (rc = set_account(&x, info.account_no, "status", "normal")) == HALL_OK)
			rc = journal_account(&x, info.account_no);
		if (cancel) {
			struct customer c;
			if ((rc = customer_get(s, info.account_no, &c, err)) == HALL_OK &&
			    !strcmp(c.status, "connecting") &&
			    (rc = set_account(&x, info.account_no, "status", "closed")) == HALL_OK)
				rc = journal_account(&x, info.account_no);
		}
		if (rc != HALL_OK)
			goto fail;
	}
	if (!strcmp(info.kind, "change") && !back && !strcmp(to, "execute") &&
	    (rc = apply_change(&x, &info)) != HALL_OK)
		goto fail;
	snprintf(info.stage, sizeof info.stage, "%s", new_stage);
	snprintf(info.status, sizeof info.status, "%s", status);
	if (reopen) {
		/* an unsatisfied follow-up sends the complaint back to handling */
		if ((rc = set_stage(&x, &info, "handle", "open")) != HALL_OK ||
		    (rc = add_event(&x, &info, "followup", "handle",
		                    hall_tr("回访不满意，重新处理", "follow-up not satisfied: handling again"),
		                    "{\"reopen\":\"1\"}")) != HALL_OK)
			goto fail;
		snprintf(info.stage, sizeof info.stage, "handle");
	}
	if ((rc = calendar_load(s, &cal, err)) != HALL_OK)
		goto fail;
	bool changed;
	if ((rc = update_deadline(s, cal, &info, now, &changed, err)) != HALL_OK)
		goto fail;
	if ((rc = journal_order(s, actor, &info, cancel ? "cancel" : "advance", err)) != HALL_OK)
		goto fail;
	calendar_free(cal);
	sbuf_free(&ex);
	return store_commit(s, err);
fail:
	calendar_free(cal);
	sbuf_free(&ex);
	store_rollback(s);
	return rc;
}

/* ---------------------------------------------------------- work list */

struct wl_collect {
	struct work_item *v;
	int n, cap;
	bool oom;
	const char *overdue_at;
};

static void wl_add(void *ud, const struct work_item *w)
{
	struct wl_collect *c = ud;
	if (c->oom)
		return;
	if (c->overdue_at && (!w->deadline[0] || strcmp(w->deadline, c->overdue_at) >= 0))
		return;
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 64;
		struct work_item *v = realloc(c->v, sizeof *v * (size_t)cap);
		if (!v) {
			c->oom = true;
			return;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *w;
}

static int cmp_item(const void *a, const void *b)
{
	const struct work_item *x = a, *y = b;
	bool xe = !x->deadline[0], ye = !y->deadline[0];
	if (xe != ye)
		return xe ? 1 : -1;
	int c = strcmp(x->deadline, y->deadline);
	if (c)
		return c;
	c = strcmp(x->created_at, y->created_at);
	return c ? c : strcmp(x->number, y->number);
}

int workorder_worklist(struct store *s, const char *staff_id,
                       const char *overdue_at,
                       void (*fn)(void *ud, const struct work_item *w),
                       void *ud, struct hall_err *err)
{
	struct wl_collect c = { .overdue_at = overdue_at };
	int rc = counter_worklist(s, staff_id, wl_add, &c, err);
	if (rc == HALL_OK) {
		sqlite3_stmt *st = store_stmt(s,
			"SELECT r.rect_no, coalesce(c.account_no, ''), coalesce(f.name, r.staff_id),"
			" r.created_at, r.deadline, r.manager_id"
			" FROM rectifications r LEFT JOIN complaints c ON c.complaint_no = r.complaint_no"
			" LEFT JOIN staff f ON f.id = r.staff_id"
			" WHERE r.status = 'open' AND (?1 IS NULL OR r.manager_id = ?1)", err);
		if (!st)
			rc = stmt_code(err);
		else {
			if (staff_id)
				sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
			int src;
			while ((src = sqlite3_step(st)) == SQLITE_ROW) {
				struct work_item w;
				memset(&w, 0, sizeof w);
				snprintf(w.kind, sizeof w.kind, "rectification");
				snprintf(w.number, sizeof w.number, "%s", col(st, 0));
				snprintf(w.account_no, sizeof w.account_no, "%s", col(st, 1));
				snprintf(w.name, sizeof w.name, "%s", col(st, 2));
				snprintf(w.type, sizeof w.type, "rectification");
				snprintf(w.stage, sizeof w.stage, "rectify");
				snprintf(w.status, sizeof w.status, "open");
				snprintf(w.created_at, sizeof w.created_at, "%s", col(st, 3));
				snprintf(w.deadline, sizeof w.deadline, "%s", col(st, 4));
				snprintf(w.staff_id, sizeof w.staff_id, "%s", col(st, 5));
				wl_add(&c, &w);
			}
			sqlite3_reset(st);
			if (src != SQLITE_DONE)
				rc = store_error(s, src, "读取整改", "reading rectifications", err);
		}
	}
	if (rc == HALL_OK && c.oom)
		rc = hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	if (rc == HALL_OK) {
		if (c.n > 1)
			qsort(c.v, (size_t)c.n, sizeof *c.v, cmp_item);
		for (int i = 0; i < c.n; i++)
			fn(ud, &c.v[i]);
	}
	free(c.v);
	return rc;
}

/* ------------------------------------------------------ rectification */

static const struct fspec rect_specs[] = {
	{ "r", "", "complaint", F_TEXT, true, 31, NULL, "投诉单号", "complaint number" },
	{ "r", "", "staff", F_STAFF, false, 0, NULL, "被整改员工工号", "staff member" },
	{ "r", "", "talk_date", F_TEXT, true, 10, NULL, "谈话日期", "talk date" },
	{ "r", "", "causes", F_TEXT, true, 500, NULL, "原因分析", "causes" },
	{ "r", "", "account", F_TEXT, true, 500, NULL, "本人陈述", "staff member's account" },
	{ "r", "", "measures", F_TEXT, true, 500, NULL, "整改措施", "measures" },
	{ "r", "", "responsible", F_TEXT, true, 30, NULL, "整改责任人", "person responsible" },
	{ "r", "", "deadline", F_TEXT, true, 10, NULL, "整改期限", "deadline" },
};

int workorder_rectify(struct store *s, const struct hall_actor *actor,
                      const struct form_values *f, char *number,
                      size_t numbersz, struct hall_err *err)
{
	if (number && numbersz)
		number[0] = '\0';
	int rc = auth_require(actor, ROLE_MANAGER, "登记整改", "record a rectification", err);
	if (rc != HALL_OK)
		return rc;
	if (actor->counter < 1 || actor->counter > 99)
		return hall_err_set(err, HALL_EINVAL, "counter", "窗口号：应为1至99", "counter: must be 1 to 99");
	const size_t nspec = sizeof rect_specs / sizeof rect_specs[0];
	for (int i = 0; f && i < f->n; i++) {
		const struct fspec *sp = NULL;
		for (size_t k = 0; k < nspec; k++)
			if (!strcmp(rect_specs[k].key, f->keys[i]))
				sp = &rect_specs[k];
		if (!sp)
			return hall_err_set(err, HALL_EINVAL, f->keys[i],
				"整改记录没有字段 %s（可填：complaint staff talk_date causes account measures responsible deadline）",
				"a rectification has no field %s (valid: complaint staff talk_date causes account measures responsible deadline)",
				f->keys[i]);
		if (f->vals[i][0] && (rc = check_field(s, sp, f->vals[i], err)) != HALL_OK)
			return rc;
	}
	for (size_t k = 0; k < nspec; k++)
		if (rect_specs[k].required && !fval(f, rect_specs[k].key)[0])
			return hall_err_set(err, HALL_EINVAL, rect_specs[k].key, "%s：必填（%s=...）%.0s",
			                    "%.0s%s: required (%s=...)", rect_specs[k].zh,
			                    rect_specs[k].key, rect_specs[k].en);
	char today[11];
	store_today_local(today);
	int32_t td, talk, dl;
	cal_parse_date(today, &td);
	if (!cal_parse_date(fval(f, "talk_date"), &talk) || talk > td)
		return hall_err_set(err, HALL_EINVAL, "talk_date",
			"谈话日期：应为 YYYY-MM-DD，且不晚于今天 %s", "talk date: YYYY-MM-DD, not after today %s", today);
	if (!cal_parse_date(fval(f, "deadline"), &dl) || dl < talk || dl < td)
		return hall_err_set(err, HALL_EINVAL, "deadline",
			"整改期限：应为 YYYY-MM-DD，不早于谈话日期和今天 %s",
			"deadline: YYYY-MM-DD, not before the talk date or today %s", today);
	if ((rc = store_begin(s, err)) != HALL_OK)
		return rc;
	sqlite3_stmt *st = store_stmt(s, "SELECT verified, staff_involved FROM complaints"
		" WHERE complaint_no = ?1", err);
	if (!st) {
		rc = stmt_code(err);
		goto fail;
	}
	sqlite3_bind_text(st, 1, fval(f, "complaint"), -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	char verified[8] = "", involved[20] = "";
	if (src == SQLITE_ROW) {
		snprintf(verified, sizeof verified, "%s", col(st, 0));
		snprintf(involved, sizeof involved, "%s", col(st, 1));
	}
	sqlite3_reset(st);
	if (src == SQLITE_DONE) {
		rc = hall_err_set(err, HALL_ENOTFOUND, "complaint", "没有投诉 %s",
		                  "no complaint %s", fval(f, "complaint"));
		goto fail;
	}
	if (src != SQLITE_ROW) {
		rc = store_error(s, src, "读取投诉", "reading the complaint", err);
		goto fail;
	}
	if (strcmp(verified, "yes") || !involved[0]) {
		rc = hall_err_set(err, HALL_ESTATE, "complaint",
			"投诉 %s 未核实为属实并涉及员工（答复时 verified=yes、staff_involved=工号），不需要整改",
			"complaint %s was not verified true against a member of staff (verified=yes, staff_involved=ID at the reply); no rectification",
			fval(f, "complaint"));
		goto fail;
	}
	const char *staff = fval(f, "staff")[0] ? fval(f, "staff") : involved;
	char ymd[9], name[24];
	snprintf(ymd, sizeof ymd, "%.4s%.2s%.2s", today, today + 5, today + 8);
	snprintf(name, sizeof name, "ZG%s", ymd);
	int64_t serial;
	if ((rc = store_next_seq(s, name, &serial, err)) != HALL_OK)
		goto fail;
	char no[32], now[21], deadline[21];
	snprintf(no, sizeof no, "ZG%s%s%04lld", store_hall_code(s), ymd, (long long)serial);
	store_now_utc(now);
	cal_wall_to_utc((int64_t)dl * DAY_SECS + DAY_SECS - 1, deadline);
	st = store_stmt(s, "INSERT INTO rectifications(rect_no, complaint_no, staff_id, talk_date,"
		" causes, staff_account, measures, responsible, deadline_date, deadline, manager_id,"
		" hall, counter, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)", err);
	if (!st) {
		rc = stmt_code(err);
		goto fail;
	}
	sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, fval(f, "complaint"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, staff, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, fval(f, "talk_date"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, fval(f, "causes"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, fval(f, "account"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, fval(f, "measures"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, fval(f, "responsible"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, fval(f, "deadline"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, deadline, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, store_hall_code(s), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, actor->counter);
	sqlite3_bind_text(st, 14, now, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		rc = store_error(s, src, "保存整改", "saving the rectification", err);
		goto fail;
	}
	if ((rc = store_journal_row(s, "rectification.create", "rectifications",
	                            sqlite3_last_insert_rowid(store_db(s)), actor->user.id,
	                            actor->counter, err)) != HALL_OK)
		goto fail;
	if ((rc = store_commit(s, err)) != HALL_OK)
		return rc;
	if (number && numbersz)
		snprintf(number, numbersz, "%s", no);
	return HALL_OK;
fail:
	store_rollback(s);
	return rc;
}

int workorder_rectification_get(struct store *s, const char *number,
                                struct wo_rectification *r, struct hall_err *err)
{
	memset(r, 0, sizeof *r);
	sqlite3_stmt *st = store_stmt(s, "SELECT id, rect_no, complaint_no, staff_id, talk_date,"
		" causes, staff_account, measures, responsible, deadline_date, deadline,"
		" review_result, coalesce(reviewed_at, ''), coalesce(reviewed_by, ''), status,"
		" manager_id, created_at FROM rectifications WHERE rect_no = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		snprintf(r->rect_no, sizeof r->rect_no, "%s", col(st, 1));
		snprintf(r->complaint_no, sizeof r->complaint_no, "%s", col(st, 2));
		snprintf(r->staff_id, sizeof r->staff_id, "%s", col(st, 3));
		snprintf(r->talk_date, sizeof r->talk_date, "%s", col(st, 4));
		snprintf(r->causes, sizeof r->causes, "%s", col(st, 5));
		snprintf(r->staff_account, sizeof r->staff_account, "%s", col(st, 6));
		snprintf(r->measures, sizeof r->measures, "%s", col(st, 7));
		snprintf(r->responsible, sizeof r->responsible, "%s", col(st, 8));
		snprintf(r->deadline_date, sizeof r->deadline_date, "%s", col(st, 9));
		snprintf(r->deadline, sizeof r->deadline, "%s", col(st, 10));
		snprintf(r->review_result, sizeof r->review_result, "%s", col(st, 11));
		snprintf(r->reviewed_at, sizeof r->reviewed_at, "%s", col(st, 12));
		snprintf(r->reviewed_by, sizeof r->reviewed_by, "%s", col(st, 13));
		snprintf(r->status, sizeof r->status, "%s", col(st, 14));
		snprintf(r->manager_id, sizeof r->manager_id, "%s", col(st, 15));
		snprintf(r->created_at, sizeof r->created_at, "%s", col(st, 16));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return hall_err_set(err, HALL_ENOTFOUND, "number", "没有整改记录 %s",
		                    "no rectification %s", number);
	return rc == SQLITE_ROW ? HALL_OK : store_error(s, rc, "读取整改", "reading the rectification", err);
}

int workorder_rectify_review(struct store *s, const struct hall_actor *actor,
                             const char *number, const char *result,
                             struct hall_err *err)
{
	int rc = auth_require(actor, ROLE_MANAGER, "复查整改", "review a rectification", err);
	if (rc != HALL_OK)
		return rc;
	static const struct fspec rs = { "r", "", "result", F_TEXT, true, 500, NULL, "复查结果", "review result" };
	if (!result || !*result)
		return hall_err_set(err, HALL_EINVAL, "result", "复查结果：必填（result=...）",
		                    "review result: required (result=...)");
	if ((rc = check_field(s, &rs, result, err)) != HALL_OK)
		return rc;
	if ((rc = store_begin(s, err)) != HALL_OK)
		return rc;
	struct wo_rectification r;
	if ((rc = workorder_rectification_get(s, number, &r, err)) != HALL_OK)
		goto fail;
	if (strcmp(r.status, "open")) {
		rc = hall_err_set(err, HALL_ESTATE, "number", "整改 %s 已复查关闭",
		                  "rectification %s is already reviewed and closed", number);
		goto fail;
	}
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s, "UPDATE rectifications SET review_result = ?2,"
		" reviewed_at = ?3, reviewed_by = ?4, status = 'done', updated_at = ?3 WHERE id = ?1", err);
	if (!st) {
		rc = stmt_code(err);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, r.id);
	sqlite3_bind_text(st, 2, result, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, actor->user.id, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		rc = store_error(s, src, "保存整改", "saving the rectification", err);
		goto fail;
	}
	if ((rc = store_journal_row(s, "rectification.review", "rectifications", r.id,
	                            actor->user.id, actor->counter, err)) != HALL_OK)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return rc;
}
