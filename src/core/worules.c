/* worules.c - deadline rules, the rules of the twelve business changes and
 * the work settings, all kept in the store. */
#include "hall/worules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hall/calendar.h"
#include "hall/money.h"
#include "hall/utf8.h"
#include "hall/workorder.h"

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static int stmt_code(struct hall_err *err)
{
	return err && err->code ? err->code : HALL_EDB;
}

const char *worules_unit_label(const char *unit)
{
	if (!strcmp(unit, "workdays"))
		return hall_tr("个工作日", "working days");
	if (!strcmp(unit, "work_hours"))
		return hall_tr("个工作小时", "working hours");
	if (!strcmp(unit, "hours"))
		return hall_tr("小时", "hours");
	if (!strcmp(unit, "off"))
		return hall_tr("不计时", "no clock");
	return unit;
}

/* ------------------------------------------------------ deadline rules */

#define DL_COLS "id, wo_kind, subtype, clock, start_stage, stop_stage," \
	" pause_stages, amount, unit, note"

static void row_rule(sqlite3_stmt *st, struct deadline_rule *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	snprintf(r->wo_kind, sizeof r->wo_kind, "%s", col(st, 1));
	snprintf(r->subtype, sizeof r->subtype, "%s", col(st, 2));
	snprintf(r->clock, sizeof r->clock, "%s", col(st, 3));
	snprintf(r->start_stage, sizeof r->start_stage, "%s", col(st, 4));
	snprintf(r->stop_stage, sizeof r->stop_stage, "%s", col(st, 5));
	snprintf(r->pause_stages, sizeof r->pause_stages, "%s", col(st, 6));
	r->amount = sqlite3_column_int(st, 7);
	snprintf(r->unit, sizeof r->unit, "%s", col(st, 8));
	snprintf(r->note, sizeof r->note, "%s", col(st, 9));
}

int worules_deadline_list(struct store *s,
                          void (*fn)(void *ud, const struct deadline_rule *r),
                          void *ud, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT " DL_COLS " FROM deadline_rules"
		" ORDER BY wo_kind, subtype, clock", err);
	if (!st)
		return stmt_code(err);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct deadline_rule r;
		row_rule(st, &r);
		fn(ud, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "读取时限规则", "reading the deadline rules", err);
}

int worules_deadlines_for(struct store *s, const char *wo_kind,
                          const char *subtype, struct deadline_rule *out,
                          int *n, struct hall_err *err)
{
	*n = 0;
	/* the exact subtype sorts before '*': keep the first row per clock */
	sqlite3_stmt *st = store_stmt(s, "SELECT " DL_COLS " FROM deadline_rules"
		" WHERE wo_kind = ?1 AND subtype IN (?2, '*')"
		" ORDER BY clock, subtype = '*'", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, wo_kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, subtype ? subtype : "*", -1, SQLITE_STATIC);
	int rc;
	char last[24] = "";
	bool have_last = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct deadline_rule r;
		row_rule(st, &r);
		if (have_last && !strcmp(last, r.clock))
			continue;
		snprintf(last, sizeof last, "%s", r.clock);
		have_last = true;
		if (!strcmp(r.unit, "off") || *n >= WORULES_MAX)
			continue;
		out[(*n)++] = r;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "读取时限规则", "reading the deadline rules", err);
}

static const char *const app_kinds[] = { "lv_residential", "lv_nonresidential",
	"hv_single", "hv_dual", NULL };
static const char *const change_types[] = { "reduce", "suspend", "swap",
	"relocate", "move_meter", "temp_remove", "rename", "split", "merge",
	"close", "change_voltage", "change_category", NULL };
static const char *const complaint_kinds[] = { "complaint", "enquiry",
	"fault", "misconduct", "suggestion", "praise", NULL };

static bool in_list(const char *const *l, const char *v)
{
	for (; *l; l++)
		if (!strcmp(*l, v))
			return true;
	return false;
}

static bool known_subtype(const char *kind, const char *sub)
{
	if (!strcmp(sub, "*"))
		return true;
	if (!strcmp(kind, "application"))
		return in_list(app_kinds, sub);
	if (!strcmp(kind, "change"))
		return in_list(change_types, sub);
	if (!strcmp(kind, "complaint"))
		return in_list(complaint_kinds, sub);
	return false;
}

static bool key_ok(const char *k, size_t max)
{
	size_t n = strlen(k);
	if (n == 0 || n > max || !islower((unsigned char)k[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)k[i]) && !isdigit((unsigned char)k[i]) && k[i] != '_')
			return false;
	return true;
}

static int existing_rule(struct store *s, const struct deadline_rule *r,
                         struct deadline_rule *old, bool *found,
                         struct hall_err *err)
{
	*found = false;
	sqlite3_stmt *st = store_stmt(s, "SELECT " DL_COLS " FROM deadline_rules"
		" WHERE wo_kind = ?1 AND subtype = ?2 AND clock = ?3", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, r->wo_kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->subtype, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->clock, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row_rule(st, old);
		*found = true;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "读取时限规则", "reading the deadline rules", err);
}

/* The subtype whose stage list checks the stages: '*' applications use the
 * high-voltage list (every stage). */
static const char *stage_subtype(const struct deadline_rule *r)
{
	if (!strcmp(r->subtype, "*") && !strcmp(r->wo_kind, "application"))
		return "hv_single";
	return r->subtype;
}

static int check_rule(const struct deadline_rule *r, struct hall_err *err)
{
	if (strcmp(r->wo_kind, "application") && strcmp(r->wo_kind, "change") &&
	    strcmp(r->wo_kind, "complaint"))
		return hall_err_set(err, HALL_EINVAL, "wo_kind",
			"工单类别应为 application、change 或 complaint，不是“%s”",
			"the work-order kind must be application, change or complaint, not \"%s\"",
			r->wo_kind);
	if (!known_subtype(r->wo_kind, r->subtype))
		return hall_err_set(err, HALL_EINVAL, "subtype",
			"“%s”不是 %s 的类型（或用 * 表示全部）",
			"\"%s\" is not a type of %s (or * for all)", r->subtype, r->wo_kind);
	if (!key_ok(r->clock, 23))
		return hall_err_set(err, HALL_EINVAL, "clock",
			"时钟名称应为小写字母开头的英文键（最多23个字符），不是“%s”",
			"the clock name must be a lower-case key (at most 23 characters), not \"%s\"",
			r->clock);
	const char *sub = stage_subtype(r);
	int si = workorder_stage_index(r->wo_kind, sub, r->start_stage);
	int ei = workorder_stage_index(r->wo_kind, sub, r->stop_stage);
	if (si < 0 || ei < 0)
		return hall_err_set(err, HALL_EINVAL, si < 0 ? "start" : "stop",
			"环节“%s”不是 %s 的环节", "\"%s\" is not a stage of %s",
			si < 0 ? r->start_stage : r->stop_stage, r->wo_kind);
	if (si >= ei)
		return hall_err_set(err, HALL_EINVAL, "stop",
			"计时的结束环节 %s 应在开始环节 %s 之后",
			"the clock's stop stage %s must come after its start stage %s",
			r->stop_stage, r->start_stage);
	char buf[sizeof r->pause_stages];
	snprintf(buf, sizeof buf, "%s", r->pause_stages);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int pi = workorder_stage_index(r->wo_kind, sub, t);
		if (pi < si || pi >= ei)
			return hall_err_set(err, HALL_EINVAL, "pause",
				"暂停计时的环节“%s”应在 %s 与 %s 之间",
				"the pause stage \"%s\" must lie between %s and %s",
				t, r->start_stage, r->stop_stage);
	}
	if (r->amount < 0 || r->amount > 3650)
		return hall_err_set(err, HALL_EINVAL, "amount", "时限应为0至3650",
		                    "the limit must be 0 to 3650");
	if (strcmp(r->unit, "workdays") && strcmp(r->unit, "work_hours") &&
	    strcmp(r->unit, "hours") && strcmp(r->unit, "off"))
		return hall_err_set(err, HALL_EINVAL, "unit",
			"单位应为 workdays（工作日）、work_hours（工作小时）、hours（小时）或 off（不计时），不是“%s”",
			"the unit must be workdays, work_hours, hours or off, not \"%s\"", r->unit);
	if (utf8_chars(r->note) > 200 || utf8_has_control(r->note, false))
		return hall_err_set(err, HALL_EINVAL, "note", "说明最多200字，不含控制字符",
		                    "note: at most 200 characters, no control characters");
	return HALL_OK;
}

/* Insert or replace r (keyed by kind, subtype, clock), by staff_id (NULL:
 * from the central) at updated_at; *id the row.  Inside the caller's
 * transaction. */
static int upsert_deadline(struct store *s, const struct deadline_rule *r,
                           const char *staff_id, const char *updated_at,
                           int64_t *id, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO deadline_rules(wo_kind, subtype, clock, start_stage, stop_stage,"
		" pause_stages, amount, unit, note, staff_id, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT(wo_kind, subtype, clock) DO UPDATE SET"
		" start_stage = excluded.start_stage, stop_stage = excluded.stop_stage,"
		" pause_stages = excluded.pause_stages, amount = excluded.amount,"
		" unit = excluded.unit, note = excluded.note, staff_id = excluded.staff_id,"
		" updated_at = excluded.updated_at RETURNING id", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, r->wo_kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->subtype, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->clock, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->start_stage, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->stop_stage, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->pause_stages, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, r->amount);
	sqlite3_bind_text(st, 8, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, staff_id, -1, SQLITE_STATIC);   /* NULL binds NULL */
	sqlite3_bind_text(st, 11, updated_at, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	*id = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return src == SQLITE_ROW ? HALL_OK
		: store_error(s, src, "保存时限规则", "saving the deadline rule", err);
}

int worules_deadline_set(struct store *s, const struct hall_actor *actor,
                         const struct deadline_rule *in, int *recomputed,
                         struct hall_err *err)
{
	if (recomputed)
		*recomputed = 0;
	int rc = auth_require(actor, ROLE_ADMIN, "修改时限规则", "change deadline rules", err);
	if (rc != HALL_OK)
		return rc;
	struct deadline_rule r = *in, old;
	bool found;
	if ((rc = store_begin(s, err)) != HALL_OK)
		return rc;
	if ((rc = existing_rule(s, &r, &old, &found, err)) != HALL_OK)
		goto fail;
	if (found) {
		if (!r.start_stage[0])
			snprintf(r.start_stage, sizeof r.start_stage, "%s", old.start_stage);
		if (!r.stop_stage[0])
			snprintf(r.stop_stage, sizeof r.stop_stage, "%s", old.stop_stage);
		if (!r.note[0])
			snprintf(r.note, sizeof r.note, "%s", old.note);
	}
	if (!r.start_stage[0] || !r.stop_stage[0]) {
		rc = hall_err_set(err, HALL_EINVAL, "start",
			"新的时钟须给出开始和结束环节（--start 环节 --stop 环节）",
			"a new clock needs its start and stop stages (--start STAGE --stop STAGE)");
		goto fail;
	}
	if ((rc = check_rule(&r, err)) != HALL_OK)
		goto fail;
	char now[21];
	store_now_utc(now);
	int64_t id;
	if ((rc = upsert_deadline(s, &r, actor->user.id, now, &id, err)) != HALL_OK)
		goto fail;
	if ((rc = store_journal_row(s, "rules.deadline", "deadline_rules", id,
	                            actor->user.id, actor->counter, err)) != HALL_OK)
		goto fail;
	if ((rc = workorder_recompute_open(s, actor, recomputed, err)) != HALL_OK)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	if (recomputed)
		*recomputed = 0;
	return rc;
}

int worules_deadline_apply(struct store *s, const struct deadline_rule *r,
                           const char *updated_at, struct hall_err *err)
{
	if (!r->start_stage[0] || !r->stop_stage[0])
		return hall_err_set(err, HALL_EINVAL, "start",
			"时限规则须给出开始和结束环节", "a deadline rule needs its start and stop stages");
	int rc = check_rule(r, err);
	if (rc != HALL_OK)
		return rc;
	int64_t id;
	return upsert_deadline(s, r, NULL, updated_at, &id, err);
}

/* -------------------------------------------------------- change rules */

static const char *const change_rule_keys[] = { "min_days", "min_months",
	"max_months", "max_months_35kv", "max_per_year", "max_months_per_year",
	"arrears_settled", NULL };

static void row_change_rule(sqlite3_stmt *st, struct change_rule *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	snprintf(r->change_type, sizeof r->change_type, "%s", col(st, 1));
	snprintf(r->rule, sizeof r->rule, "%s", col(st, 2));
	snprintf(r->effective_from, sizeof r->effective_from, "%s", col(st, 3));
	r->has_value = sqlite3_column_type(st, 4) != SQLITE_NULL;
	r->value = sqlite3_column_int64(st, 4);
	snprintf(r->note, sizeof r->note, "%s", col(st, 5));
}

int worules_change_list(struct store *s,
                        void (*fn)(void *ud, const struct change_rule *r),
                        void *ud, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, change_type, rule, effective_from,"
		" value, note FROM change_rules ORDER BY change_type, rule, effective_from", err);
	if (!st)
		return stmt_code(err);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct change_rule r;
		row_change_rule(st, &r);
		fn(ud, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "读取变更规则", "reading the change rules", err);
}

static int check_change_rule(const struct change_rule *r, struct hall_err *err)
{
	int32_t day;
	if (!in_list(change_types, r->change_type))
		return hall_err_set(err, HALL_EINVAL, "change_type",
			"“%s”不是变更类型", "\"%s\" is not a change type", r->change_type);
	if (!in_list(change_rule_keys, r->rule))
		return hall_err_set(err, HALL_EINVAL, "rule",
			"“%s”不是变更规则（min_days min_months max_months max_months_35kv max_per_year max_months_per_year arrears_settled）",
			"\"%s\" is not a change rule (min_days min_months max_months max_months_35kv max_per_year max_months_per_year arrears_settled)",
			r->rule);
	if (!cal_parse_date(r->effective_from, &day))
		return hall_err_set(err, HALL_EINVAL, "effective_from",
			"施行日期应为 YYYY-MM-DD", "the effective date must be YYYY-MM-DD");
	if (r->has_value && (r->value < 0 || r->value > 100000))
		return hall_err_set(err, HALL_EINVAL, "value", "规则值应为0至100000，或 none 表示不限",
		                    "the value must be 0 to 100000, or none for no limit");
	if (utf8_chars(r->note) > 200 || utf8_has_control(r->note, false))
		return hall_err_set(err, HALL_EINVAL, "note", "说明最多200字，不含控制字符",
		                    "note: at most 200 characters, no control characters");
	return HALL_OK;
}

/* Insert or replace r (keyed by type, rule, effective date), by staff_id
 * (NULL: from the central) at updated_at; *id the row.  Inside the
 * caller's transaction.  A rule without a value ("none") stores NULL. */
static int upsert_change(struct store *s, const struct change_rule *r,
                         const char *staff_id, const char *updated_at,
                         int64_t *id, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO change_rules(change_type, rule, effective_from, value, note,"
		" staff_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		" ON CONFLICT(change_type, rule, effective_from) DO UPDATE SET"
		" value = excluded.value, note = excluded.note, staff_id = excluded.staff_id,"
		" updated_at = excluded.updated_at RETURNING id", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, r->change_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->effective_from, -1, SQLITE_STATIC);
	if (r->has_value)
		sqlite3_bind_int64(st, 4, r->value);
	sqlite3_bind_text(st, 5, r->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, staff_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, updated_at, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	*id = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return src == SQLITE_ROW ? HALL_OK
		: store_error(s, src, "保存变更规则", "saving the change rule", err);
}

int worules_change_apply(struct store *s, const struct change_rule *r,
                         const char *updated_at, struct hall_err *err)
{
	int rc = check_change_rule(r, err);
	if (rc != HALL_OK)
		return rc;
	int64_t id;
	return upsert_change(s, r, NULL, updated_at, &id, err);
}

int worules_change_set(struct store *s, const struct hall_actor *actor,
                       const struct change_rule *r, struct hall_err *err)
{
	int rc = auth_require(actor, ROLE_ADMIN, "修改变更规则", "change the business-change rules", err);
	if (rc != HALL_OK)
		return rc;
	if ((rc = check_change_rule(r, err)) != HALL_OK)
		return rc;
	if ((rc = store_begin(s, err)) != HALL_OK)
		return rc;
	char now[21];
	store_now_utc(now);
	int64_t id;
	rc = upsert_change(s, r, actor->user.id, now, &id, err);
	if (rc == HALL_OK)
		rc = store_journal_row(s, "rules.change", "change_rules", id, actor->user.id,
		                       actor->counter, err);
	if (rc == HALL_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

int worules_change_value(struct store *s, const char *change_type,
                         const char *rule, const char *date, bool *has_value,
                         int64_t *value, char *effective,
                         struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT value, effective_from FROM change_rules"
		" WHERE change_type = ?1 AND rule = ?2 AND effective_from <= ?3"
		" ORDER BY effective_from DESC LIMIT 1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, change_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*has_value = sqlite3_column_type(st, 0) != SQLITE_NULL;
		*value = sqlite3_column_int64(st, 0);
		if (effective)
			snprintf(effective, 11, "%s", col(st, 1));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return HALL_ENOTFOUND;
	return rc == SQLITE_ROW ? HALL_OK
		: store_error(s, rc, "读取变更规则", "reading the change rules", err);
}

int worules_arrears(struct store *s, const char *account_no, int *bills,
                    int64_t *fen, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT count(*), coalesce(sum(amount_fen - paid_fen), 0)"
		" FROM bills WHERE account_no = ?1 AND status <> 'paid'", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*bills = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	*fen = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? HALL_OK : store_error(s, rc, "读取账单", "reading bills", err);
}

static const char *type_zh(const char *t)
{
	static const struct { const char *k, *zh; } l[] = {
		{ "reduce", "减容" }, { "suspend", "暂停" }, { "swap", "暂换" },
		{ "relocate", "迁址" }, { "move_meter", "移表" }, { "temp_remove", "暂拆" },
		{ "rename", "更名过户" }, { "split", "分户" }, { "merge", "并户" },
		{ "close", "销户" }, { "change_voltage", "改压" }, { "change_category", "改类" },
	};
	for (size_t i = 0; i < sizeof l / sizeof l[0]; i++)
		if (!strcmp(l[i].k, t))
			return l[i].zh;
	return t;
}

/* Refuse with the rule's name and why, composed per language. */
static int refuse(struct hall_err *err, int code, const char *field,
                  const char *type, const char *rule, const char *effective,
                  const char *why_zh, const char *why_en)
{
	char zh[HALL_ERR_TEXT], en[HALL_ERR_TEXT];
	if (effective && effective[0]) {
		snprintf(zh, sizeof zh, "不能受理%s：%s（变更规则 %s.%s，%s起施行）",
		         type_zh(type), why_zh, type, rule, effective);
		snprintf(en, sizeof en, "cannot accept the %s: %s (change rule %s.%s, in force from %s)",
		         type, why_en, type, rule, effective);
	} else {
		snprintf(zh, sizeof zh, "不能受理%s：%s（变更规则 %s.%s）",
		         type_zh(type), why_zh, type, rule);
		snprintf(en, sizeof en, "cannot accept the %s: %s (change rule %s.%s)",
		         type, why_en, type, rule);
	}
	return hall_err_text(err, code, field, zh, en);
}

/* The rule's value in force, or *on = false when none or "no limit". */
static int rule_in_force(struct store *s, const char *type, const char *rule,
                         const char *date, bool *on, int64_t *value,
                         char effective[11], struct hall_err *err)
{
	bool has = false;
	effective[0] = '\0';
	int rc = worules_change_value(s, type, rule, date, &has, value, effective, err);
	if (rc == HALL_ENOTFOUND) {
		*on = false;
		return HALL_OK;
	}
	*on = rc == HALL_OK && has;
	return rc;
}

static bool voltage_35kv_up(const char *v)
{
	return !strcasecmp(v, "35kv") || !strcasecmp(v, "110kv") || !strcasecmp(v, "220kv");
}

static int check_arrears(struct store *s, const char *date, const char *type,
                         const char *account_no, const char *field,
                         struct hall_err *err)
{
	bool on;
	int64_t v;
	char eff[11];
	int rc = rule_in_force(s, type, "arrears_settled", date, &on, &v, eff, err);
	if (rc != HALL_OK || !on || v == 0)
		return rc;
	int n;
	int64_t fen;
	if ((rc = worules_arrears(s, account_no, &n, &fen, err)) != HALL_OK)
		return rc;
	if (n == 0)
		return HALL_OK;
	char money[32], zh[256], en[256];
	money_format(fen, money, sizeof money);
	snprintf(zh, sizeof zh, "户号 %s 尚有 %d 张账单未结清，共 %s 元，须先结清欠费", account_no, n, money);
	snprintf(en, sizeof en, "account %s has %d unpaid bill(s), %s yuan in all; the arrears must be settled first",
	         account_no, n, money);
	return refuse(err, HALL_ESTATE, field, type, "arrears_settled", eff, zh, en);
}

/* Days of the changes of a type on an account whose start date falls in
 * year (cancelled ones left out): count and total days. */
static int year_periods(struct store *s, const char *account_no, const char *type,
                        int year, int *count, int64_t *days, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"SELECT json_extract(extras, '$.start_date'), json_extract(extras, '$.end_date')"
		" FROM changes WHERE account_no = ?1 AND change_type = ?2 AND status <> 'cancelled'"
		" AND substr(json_extract(extras, '$.start_date'), 1, 4) = ?3", err);
	if (!st)
		return stmt_code(err);
	char y[8];
	snprintf(y, sizeof y, "%04d", year);
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, y, -1, SQLITE_TRANSIENT);
	int rc;
	*count = 0;
	*days = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int32_t a, b;
		(*count)++;
		if (cal_parse_date(col(st, 0), &a) && cal_parse_date(col(st, 1), &b) && b >= a)
			*days += b - a + 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(s, rc, "读取变更", "reading changes", err);
}

static int check_period(struct store *s, const char *date, const struct customer *c,
                        const char *type, const struct form_values *v,
                        struct hall_err *err)
{
	const char *sd = form_values_get(v, "start_date"), *ed = form_values_get(v, "end_date");
	int32_t today, a, b;
	char zh[256], en[256], eff[11], da[11];
	bool on;
	int64_t n;
	int rc;
	if (!cal_parse_date(date, &today))
		return hall_err_set(err, HALL_EINVAL, NULL, "业务日期有误", "bad business date");
	if (!sd || !cal_parse_date(sd, &a))
		return hall_err_set(err, HALL_EINVAL, "start_date", "开始日期：应为 YYYY-MM-DD",
		                    "start date: must be YYYY-MM-DD");
	if (!ed || !cal_parse_date(ed, &b))
		return hall_err_set(err, HALL_EINVAL, "end_date", "结束日期：应为 YYYY-MM-DD",
		                    "end date: must be YYYY-MM-DD");
	if (a < today)
		return hall_err_set(err, HALL_EINVAL, "start_date",
			"开始日期：%s 早于今天 %s，不能倒签", "start date: %s is before today %s; no back-dating",
			sd, date);
	if (b < a)
		return hall_err_set(err, HALL_EINVAL, "end_date",
			"结束日期：%s 早于开始日期 %s", "end date: %s is before the start date %s", ed, sd);
	int64_t days = b - a + 1;
	if ((rc = rule_in_force(s, type, "min_days", date, &on, &n, eff, err)) != HALL_OK)
		return rc;
	if (on && days < n) {
		snprintf(zh, sizeof zh, "每次不少于%lld天，本次 %s 至 %s 只有%lld天",
		         (long long)n, sd, ed, (long long)days);
		snprintf(en, sizeof en, "each period lasts at least %lld days; %s to %s is %lld",
		         (long long)n, sd, ed, (long long)days);
		return refuse(err, HALL_EINVAL, "end_date", type, "min_days", eff, zh, en);
	}
	if ((rc = rule_in_force(s, type, "min_months", date, &on, &n, eff, err)) != HALL_OK)
		return rc;
	if (on && b < cal_add_months(a, (int)n) - 1) {
		cal_format_date(cal_add_months(a, (int)n) - 1, da);
		snprintf(zh, sizeof zh, "期限不少于%lld个月，结束日期最早为 %s", (long long)n, da);
		snprintf(en, sizeof en, "the period lasts at least %lld months: it ends on %s at the earliest",
		         (long long)n, da);
		return refuse(err, HALL_EINVAL, "end_date", type, "min_months", eff, zh, en);
	}
	const char *maxrule = !strcmp(type, "swap") && voltage_35kv_up(c->voltage)
		? "max_months_35kv" : "max_months";
	if ((rc = rule_in_force(s, type, maxrule, date, &on, &n, eff, err)) != HALL_OK)
		return rc;
	if (on && b > cal_add_months(a, (int)n) - 1) {
		cal_format_date(cal_add_months(a, (int)n) - 1, da);
		snprintf(zh, sizeof zh, "期限不超过%lld个月（供电电压 %s），结束日期最晚为 %s",
		         (long long)n, c->voltage, da);
		snprintf(en, sizeof en, "the period lasts at most %lld months (supply at %s): it ends on %s at the latest",
		         (long long)n, c->voltage, da);
		return refuse(err, HALL_EINVAL, "end_date", type, maxrule, eff, zh, en);
	}
	int y, m, d;
	cal_ymd(a, &y, &m, &d);
	int count;
	int64_t total;
	if ((rc = year_periods(s, c->account_no, type, y, &count, &total, err)) != HALL_OK)
		return rc;
	if ((rc = rule_in_force(s, type, "max_per_year", date, &on, &n, eff, err)) != HALL_OK)
		return rc;
	if (on && count + 1 > n) {
		snprintf(zh, sizeof zh, "每年不超过%lld次，本户%d年已有%d次%s",
		         (long long)n, y, count, type_zh(type));
		snprintf(en, sizeof en, "at most %lld a year; the account already has %d in %d",
		         (long long)n, count, y);
		return refuse(err, HALL_EINVAL, "start_date", type, "max_per_year", eff, zh, en);
	}
	if ((rc = rule_in_force(s, type, "max_months_per_year", date, &on, &n, eff, err)) != HALL_OK)
		return rc;
	int64_t cap = (n * 365 + 11) / 12;
	if (on && total + days > cap) {
		snprintf(zh, sizeof zh, "每年累计不超过%lld个月（%lld天），本户%d年已有%lld天，加上本次%lld天共%lld天",
		         (long long)n, (long long)cap, y, (long long)total, (long long)days,
		         (long long)(total + days));
		snprintf(en, sizeof en, "at most %lld months (%lld days) a year in all; the account has %lld days in %d, with this one %lld",
		         (long long)n, (long long)cap, (long long)total, y, (long long)(total + days));
		return refuse(err, HALL_EINVAL, "end_date", type, "max_months_per_year", eff, zh, en);
	}
	return HALL_OK;
}

static bool account_no_ok(const char *a)
{
	if (strlen(a) != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (!isdigit((unsigned char)a[i]))
			return false;
	return true;
}

/* The supply point of an account: extras.supply_point, else "". */
static int supply_point(struct store *s, const char *account_no, char *out,
                        size_t outsz, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(json_extract(extras, '$.supply_point'), '')"
		" FROM customers WHERE account_no = ?1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	snprintf(out, outsz, "%s", rc == SQLITE_ROW ? col(st, 0) : "");
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "读取户", "reading the account", err);
}

static int check_merge(struct store *s, const char *date, const struct customer *c,
                       const struct form_values *v, struct hall_err *err)
{
	const char *list = form_values_get(v, "merge_accounts");
	char buf[512], zh[384], en[384];
	snprintf(buf, sizeof buf, "%s", list ? list : "");
	/* commas (also Chinese 、，), spaces */
	for (char *p = buf; *p; p++)
		if (*p == ' ' || *p == ';')
			*p = ',';
	char norm[512] = "";
	for (const char *p = buf; *p;) {
		if (!strncmp(p, "，", 3) || !strncmp(p, "、", 3)) {
			strncat(norm, ",", sizeof norm - strlen(norm) - 1);
			p += 3;
		} else {
			char one[2] = { *p, 0 };
			strncat(norm, one, sizeof norm - strlen(norm) - 1);
			p++;
		}
	}
	int64_t sum = c->capacity;
	int n = 0;
	char spc[128];
	int rc = supply_point(s, c->account_no, spc, sizeof spc, err);
	if (rc != HALL_OK)
		return rc;
	char seen[20][11];
	for (char *save = NULL, *t = strtok_r(norm, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!account_no_ok(t))
			return hall_err_set(err, HALL_EINVAL, "merge_accounts",
				"并入的户号：“%s”不是10位户号", "accounts merged in: \"%s\" is not a 10-digit account number", t);
		if (!strcmp(t, c->account_no))
			return hall_err_set(err, HALL_EINVAL, "merge_accounts",
				"并入的户号：%s 就是本户", "accounts merged in: %s is this account itself", t);
		for (int i = 0; i < n; i++)
			if (!strcmp(seen[i], t))
				return hall_err_set(err, HALL_EINVAL, "merge_accounts",
					"并入的户号：%s 重复", "accounts merged in: %s listed twice", t);
		if (n == 20)
			return hall_err_set(err, HALL_EINVAL, "merge_accounts",
				"并入的户号最多20个", "at most 20 accounts can be merged in");
		snprintf(seen[n++], sizeof seen[0], "%s", t);
		struct customer o;
		rc = customer_get(s, t, &o, err);
		if (rc == HALL_ENOTFOUND)
			return hall_err_set(err, HALL_EINVAL, "merge_accounts",
				"并入的户号：%s 不存在", "accounts merged in: %s does not exist", t);
		if (rc != HALL_OK)
			return rc;
		if (!strcmp(o.status, "closed") || !strcmp(o.status, "connecting"))
			return hall_err_set(err, HALL_ESTATE, "merge_accounts",
				"并入的户号：%s 已销户或尚未接电", "accounts merged in: %s is closed or not yet connected", t);
		char spo[128];
		if ((rc = supply_point(s, t, spo, sizeof spo, err)) != HALL_OK)
			return rc;
		bool same = spc[0] && spo[0] ? !strcmp(spc, spo) : !strcmp(c->address, o.address);
		if (!same) {
			snprintf(zh, sizeof zh, "%s 与本户不在同一供电点（%s）", t,
			         spc[0] && spo[0] ? "供电点不同" : "用电地址不同");
			snprintf(en, sizeof en, "%s is not at this account's supply point (%s)", t,
			         spc[0] && spo[0] ? "different supply point" : "different supply address");
			return refuse(err, HALL_EINVAL, "merge_accounts", "merge", "same_supply_point", NULL, zh, en);
		}
		if ((rc = check_arrears(s, date, "merge", t, "merge_accounts", err)) != HALL_OK)
			return rc;
		sum += o.capacity;
	}
	if (n == 0)
		return hall_err_set(err, HALL_EINVAL, "merge_accounts",
			"并入的户号：至少一个", "accounts merged in: at least one");
	const char *nc = form_values_get(v, "new_capacity");
	if (nc && *nc && strtoll(nc, NULL, 10) > sum) {
		snprintf(zh, sizeof zh, "并户后容量 %s 超过各户合同容量之和 %lld", nc, (long long)sum);
		snprintf(en, sizeof en, "the capacity after the merge, %s, exceeds the sum of the accounts' capacities, %lld",
		         nc, (long long)sum);
		return refuse(err, HALL_EINVAL, "new_capacity", "merge", "capacity_sum", NULL, zh, en);
	}
	return HALL_OK;
}

static int open_same_type(struct store *s, const char *account_no, const char *type,
                          char *number, size_t numsz, struct hall_err *err)
{
	number[0] = '\0';
	sqlite3_stmt *st = store_stmt(s, "SELECT change_no FROM changes WHERE account_no = ?1"
		" AND change_type = ?2 AND status = 'open' ORDER BY id LIMIT 1", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(number, numsz, "%s", col(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? HALL_OK
		: store_error(s, rc, "读取变更", "reading changes", err);
}

static const char *status_zh(const char *st)
{
	if (!strcmp(st, "normal")) return "正常";
	if (!strcmp(st, "suspended")) return "暂停";
	if (!strcmp(st, "temp_removed")) return "暂拆";
	if (!strcmp(st, "closed")) return "销户";
	if (!strcmp(st, "connecting")) return "新装中";
	return st;
}

int worules_change_check(struct store *s, const char *date,
                         const struct customer *c, const struct form_values *v,
                         struct hall_err *err)
{
	const char *type = form_values_get(v, "change_type");
	char zh[384], en[384];
	if (!type || !in_list(change_types, type))
		return hall_err_set(err, HALL_EINVAL, "change_type", "变更类型：不认识“%s”",
		                    "change type: unknown \"%s\"", type ? type : "");
	/* the account's state */
	static const char *const any_open[] = { "rename", "close", NULL };
	if (!strcmp(c->status, "closed") || !strcmp(c->status, "connecting") ||
	    (!in_list(any_open, type) && strcmp(c->status, "normal"))) {
		snprintf(zh, sizeof zh, "%s须为正常用电的户，户号 %s 当前为“%s”",
		         type_zh(type), c->account_no, status_zh(c->status));
		snprintf(en, sizeof en, "needs an account in normal supply; account %s is %s",
		         c->account_no, c->status);
		return refuse(err, HALL_ESTATE, "account_no", type, "account_status", NULL, zh, en);
	}
	char other[32];
	int rc = open_same_type(s, c->account_no, type, other, sizeof other, err);
	if (rc != HALL_OK)
		return rc;
	if (other[0]) {
		snprintf(zh, sizeof zh, "户号 %s 已有未办结的%s申请 %s", c->account_no, type_zh(type), other);
		snprintf(en, sizeof en, "account %s already has an open %s application, %s", c->account_no, type, other);
		return refuse(err, HALL_ESTATE, "account_no", type, "one_open", NULL, zh, en);
	}
	if (!strcmp(type, "reduce") || !strcmp(type, "suspend") || !strcmp(type, "swap") ||
	    !strcmp(type, "temp_remove"))
		if ((rc = check_period(s, date, c, type, v, err)) != HALL_OK)
			return rc;
	if (!strcmp(type, "reduce")) {
		const char *nc = form_values_get(v, "new_capacity");
		int64_t n = nc ? strtoll(nc, NULL, 10) : 0;
		if (n <= 0 || n >= c->capacity) {
			snprintf(zh, sizeof zh, "减容后容量 %s 须小于现有合同容量 %lld", nc ? nc : "",
			         (long long)c->capacity);
			snprintf(en, sizeof en, "the capacity after the reduction, %s, must be less than the contract capacity %lld",
			         nc ? nc : "", (long long)c->capacity);
			return refuse(err, HALL_EINVAL, "new_capacity", type, "capacity_less", NULL, zh, en);
		}
	}
	if (!strcmp(type, "merge") && (rc = check_merge(s, date, c, v, err)) != HALL_OK)
		return rc;
	if (!strcmp(type, "change_voltage") || !strcmp(type, "change_category")) {
		bool volt = !strcmp(type, "change_voltage");
		const char *nv = form_values_get(v, volt ? "new_voltage" : "new_category");
		const char *cur = volt ? c->voltage : c->category;
		if (!nv || !*nv || !strcasecmp(nv, cur)) {
			snprintf(zh, sizeof zh, "新的%s与现在的“%s”相同", volt ? "供电电压" : "用电类别", cur);
			snprintf(en, sizeof en, "the new %s is the current one, %s", volt ? "voltage" : "category", cur);
			return refuse(err, HALL_EINVAL, volt ? "new_voltage" : "new_category", type,
			              "new_value", NULL, zh, en);
		}
	}
	return check_arrears(s, date, type, c->account_no, "account_no", err);
}

/* ------------------------------------------------------------ settings */

void worules_setting_get(struct store *s, const char *key, const char *def,
                         char *out, size_t outsz)
{
	snprintf(out, outsz, "%s", def ? def : "");
	sqlite3_stmt *st = store_stmt(s, "SELECT value FROM work_settings WHERE key = ?1", NULL);
	if (!st)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, outsz, "%s", col(st, 0));
	sqlite3_reset(st);
}

int worules_repeat_window_days(struct store *s)
{
	char v[32];
	worules_setting_get(s, "repeat_window_days", "30", v, sizeof v);
	char *end;
	long n = strtol(v, &end, 10);
	return *v && !*end && n >= 1 && n <= 365 ? (int)n : 30;
}

static int check_setting(const char *key, const char *value, struct hall_err *err)
{
	if (!strcmp(key, "work_window")) {
		struct cal_window w[CAL_MAX_WINDOWS];
		int n;
		return cal_window_parse(value, w, &n, err);
	}
	if (!strcmp(key, "repeat_window_days")) {
		char *end;
		long n = strtol(value, &end, 10);
		if (!*value || *end || n < 1 || n > 365)
			return hall_err_set(err, HALL_EINVAL, key,
				"重复投诉窗口：应为1至365天", "repeat-complaint window: 1 to 365 days");
		return HALL_OK;
	}
	if (!strcmp(key, "lockout_failures")) {
		char *end;
		long n = strtol(value, &end, 10);
		if (!*value || *end || n < AUTH_LOCKOUT_FAILURES_MIN || n > AUTH_LOCKOUT_FAILURES_MAX)
			return hall_err_set(err, HALL_EINVAL, key,
				"锁定前允许的密码错误次数：应为%d至%d", "wrong passwords before a lockout: %d to %d",
				AUTH_LOCKOUT_FAILURES_MIN, AUTH_LOCKOUT_FAILURES_MAX);
		return HALL_OK;
	}
	if (!strcmp(key, "lockout_minutes")) {
		char *end;
		long n = strtol(value, &end, 10);
		if (!*value || *end || n < 1 || n > AUTH_LOCKOUT_MINUTES_MAX)
			return hall_err_set(err, HALL_EINVAL, key,
				"锁定时长：应为1至%d分钟", "lockout length: 1 to %d minutes",
				AUTH_LOCKOUT_MINUTES_MAX);
		return HALL_OK;
	}
	return hall_err_set(err, HALL_EINVAL, "key",
		"没有设置项“%s”（可设：work_window 工作时段，repeat_window_days 重复投诉窗口天数，"
		"lockout_failures 锁定前允许的密码错误次数，lockout_minutes 锁定分钟数）",
		"no setting \"%s\" (work_window, repeat_window_days, lockout_failures, lockout_minutes)", key);
}

/* Insert or replace a setting, by staff_id (NULL: from the central) at
 * updated_at; *id the row.  Inside the caller's transaction. */
static int upsert_setting(struct store *s, const char *key, const char *value,
                          const char *staff_id, const char *updated_at,
                          int64_t *id, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO work_settings(key, value, staff_id, updated_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(key) DO UPDATE SET value = excluded.value, staff_id = excluded.staff_id,"
		" updated_at = excluded.updated_at RETURNING id", err);
	if (!st)
		return stmt_code(err);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, staff_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, updated_at, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	*id = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return src == SQLITE_ROW ? HALL_OK
		: store_error(s, src, "保存设置", "saving the setting", err);
}

int worules_setting_apply(struct store *s, const char *key, const char *value,
                          const char *updated_at, struct hall_err *err)
{
	int rc = check_setting(key, value, err);
	if (rc != HALL_OK)
		return rc;
	int64_t id;
	return upsert_setting(s, key, value, NULL, updated_at, &id, err);
}

int worules_setting_set(struct store *s, const struct hall_actor *actor,
                        const char *key, const char *value, int *recomputed,
                        struct hall_err *err)
{
	if (recomputed)
		*recomputed = 0;
	int rc = auth_require(actor, ROLE_ADMIN, "修改工单设置", "change work-order settings", err);
	if (rc != HALL_OK)
		return rc;
	bool window = !strcmp(key, "work_window");
	if ((rc = check_setting(key, value, err)) != HALL_OK)
		return rc;
	if ((rc = store_begin(s, err)) != HALL_OK)
		return rc;
	char now[21];
	store_now_utc(now);
	int64_t id;
	rc = upsert_setting(s, key, value, actor->user.id, now, &id, err);
	if (rc == HALL_OK)
		rc = store_journal_row(s, "rules.setting", "work_settings", id, actor->user.id,
		                       actor->counter, err);
	if (rc == HALL_OK && window)
		rc = workorder_recompute_open(s, actor, recomputed, err);
	if (rc == HALL_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	if (rc != HALL_OK && recomputed)
		*recomputed = 0;
	return rc;
}
