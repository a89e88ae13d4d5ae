/* counter.c - the business actions of a counter: new connection, business
 * change, payment and complaint, each validated by the forms engine and
 * written in one transaction with its journal entries. */
#include "hall/counter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "work.h"
#include "hall/workorder.h"
#include "hall/worules.h"
#include "hall/payment.h"


/* Extra attempts at BEGIN IMMEDIATE, each waiting up to the busy timeout. */
#define COUNTER_BUSY_RETRIES 5

struct action_ctx {
	struct store *s;
	const struct form_values *v;    /* normalised values */
	const struct hall_actor *actor;
	struct counter_result *res;
	struct hall_err *err;
	char now[21];                   /* UTC */
	char today[11];                 /* local business date */
	struct sbuf extras;             /* fields the core does not know */
};

static const char *val(const struct action_ctx *a, const char *key)
{
	const char *v = form_values_get(a->v, key);
	return v ? v : "";
}

static int64_t val_int(const struct action_ctx *a, const char *key)
{
	return strtoll(val(a, key), NULL, 10);
}

/* Every value whose key is not in known[] goes into the extras JSON. */
static void build_extras(struct action_ctx *a, const char *const *known)
{
	bool first = true;
	sbuf_addc(&a->extras, '{');
	for (int i = 0; i < a->v->n; i++) {
		bool core = false;
		for (const char *const *k = known; *k && !core; k++)
			core = strcmp(*k, a->v->keys[i]) == 0;
		if (core)
			continue;
		sbuf_json_key(&a->extras, &first, a->v->keys[i]);
		sbuf_json_str(&a->extras, a->v->vals[i]);
	}
	sbuf_addc(&a->extras, '}');
}

static int db_fail(struct action_ctx *a, int rc)
{
	return store_error(a->s, rc, "保存", "saving", a->err);
}

static int stmt_fail(struct action_ctx *a)
{
	return a->err && a->err->code ? a->err->code : HALL_EDB;
}

/* A record number: PREFIX + hall + YYYYMMDD + 4-digit serial of the day,
 * gap-free per kind and day. */
static int day_number(struct action_ctx *a, const char *prefix, char *out,
                      size_t outsz)
{
	char name[32], ymd[9];
	snprintf(ymd, sizeof ymd, "%.4s%.2s%.2s", a->today, a->today + 5, a->today + 8);
	snprintf(name, sizeof name, "%s%s", prefix, ymd);
	int64_t n;
	int rc = store_next_seq(a->s, name, &n, a->err);
	if (rc != HALL_OK)
		return rc;
	snprintf(out, outsz, "%s%s%s%04lld", prefix, store_hall_code(a->s), ymd,
	         (long long)n);
	return HALL_OK;
}

static int journal(struct action_ctx *a, const char *kind, const char *table,
                   int64_t rowid)
{
	return store_journal_row(a->s, kind, table, rowid, a->actor->user.id,
	                         a->actor->counter, a->err);
}

static int work_event(struct action_ctx *a, const char *kind,
                      const char *number, const char *stage)
{
	sqlite3_stmt *st = store_stmt(a->s,
		"INSERT INTO work_events(kind, number, from_stage, to_stage, staff_id,"
		" counter, at) VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6)", a->err);
	if (!st)
		return stmt_fail(a);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, stage, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, a->actor->counter);
	sqlite3_bind_text(st, 6, a->now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(a, rc);
	return journal(a, "work.event", "work_events",
	               sqlite3_last_insert_rowid(store_db(a->s)));
}

/* The account must exist and not be closed (checked again inside the
 * transaction: another counter may have closed it meanwhile). */
static int open_account(struct action_ctx *a, const char *account_no,
                        struct customer *c)
{
	int rc = customer_get(a->s, account_no, c, a->err);
	if (rc != HALL_OK)
		return rc;
	if (strcmp(c->status, "closed") == 0)
		return hall_err_set(a->err, HALL_ESTATE, "account_no",
			"户号 %s 已销户，不能办理", "account %s is closed",
			account_no);
	return HALL_OK;
}

/* ------------------------------------------------------ new connection */

static int do_new_connection(struct action_ctx *a)
{
	static const char *const known[] = { "name", "id_type", "id_number",
		"phone", "address", "category", "voltage", "capacity", "kind",
		"tariff_form", NULL };
	build_extras(a, known);
	/* the next free number of the hall's series: accounts that arrived by
	 * sync or were inserted by hand are skipped, not collided with */
	int rc;
	for (;;) {
		int64_t serial;
		if ((rc = store_next_seq(a->s, "account", &serial, a->err)) != HALL_OK)
			return rc;
		if (serial > 9999999)
			return hall_err_set(a->err, HALL_ESTATE, NULL,
				"本营业厅的户号已用完", "this hall has run out of account numbers");
		snprintf(a->res->account_no, sizeof a->res->account_no, "%s%07lld",
		         store_hall_code(a->s), (long long)serial);
		struct customer taken;
		struct hall_err ignore;
		rc = customer_get(a->s, a->res->account_no, &taken, &ignore);
		if (rc == HALL_ENOTFOUND)
			break;
		if (rc != HALL_OK)
			return hall_err_set(a->err, rc, NULL, "%s", "%.0s%s", ignore.zh, ignore.en);
	}
	const char *tariff = val(a, "tariff_form")[0] ? val(a, "tariff_form") : "single";
	const char *voltage = val(a, "voltage")[0] ? val(a, "voltage") : "220v";

	sqlite3_stmt *st = store_stmt(a->s,
		"INSERT INTO customers(account_no, name, id_type, id_number, phone,"
		" address, category, voltage, capacity, tariff_form, status,"
		" created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'connecting', ?11, ?11)",
		a->err);
	if (!st)
		return stmt_fail(a);
	sqlite3_bind_text(st, 1, a->res->account_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, val(a, "name"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, val(a, "id_type"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, val(a, "id_number"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, val(a, "phone"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, val(a, "address"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, val(a, "category"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, voltage, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, val_int(a, "capacity"));
	sqlite3_bind_text(st, 10, tariff, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, a->now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(a, rc);
	if ((rc = journal(a, "customer.create", "customers",
	                  sqlite3_last_insert_rowid(store_db(a->s)))) != HALL_OK)
		return rc;

	if ((rc = day_number(a, "YK", a->res->number, sizeof a->res->number)) != HALL_OK)
		return rc;
	char deadline[21];
	if ((rc = workorder_initial_deadline(a->s, "application", val(a, "kind"),
	                                     a->now, deadline, a->err)) != HALL_OK)
		return rc;
	st = store_stmt(a->s,
		"INSERT INTO applications(app_no, account_no, kind, name, id_type,"
		" id_number, phone, address, category, voltage, capacity, tariff_form,"
		" business_date, hall, counter, staff_id, created_at, updated_at, extras,"
		" deadline)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		" ?15, ?16, ?17, ?17, ?18, ?19)", a->err);
	if (!st)
		return stmt_fail(a);
	sqlite3_bind_text(st, 1, a->res->number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->res->account_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, val(a, "kind"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, val(a, "name"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, val(a, "id_type"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, val(a, "id_number"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, val(a, "phone"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, val(a, "address"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, val(a, "category"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, voltage, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, val_int(a, "capacity"));
	sqlite3_bind_text(st, 12, tariff, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, a->today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, store_hall_code(a->s), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 15, a->actor->counter);
	sqlite3_bind_text(st, 16, a->actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, a->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 18, sbuf_str(&a->extras), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 19, deadline, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(a, rc);
	a->res->rowid = sqlite3_last_insert_rowid(store_db(a->s));
	snprintf(a->res->kind, sizeof a->res->kind, "application");
	if ((rc = journal(a, "application.create", "applications", a->res->rowid)) != HALL_OK)
		return rc;
	return work_event(a, "application", a->res->number, "accept");
}

/* ------------------------------------------------------------- change */

static int do_change(struct action_ctx *a)
{
	static const char *const known[] = { "account_no", "change_type", NULL };
	build_extras(a, known);
	struct customer c;
	int rc = open_account(a, val(a, "account_no"), &c);
	if (rc != HALL_OK)
		return rc;
	/* durations, counts per year, arrears, capacities, supply point */
	if ((rc = worules_change_check(a->s, a->today, &c, a->v, a->err)) != HALL_OK)
		return rc;
	char deadline[21];
	if ((rc = workorder_initial_deadline(a->s, "change", val(a, "change_type"),
	                                     a->now, deadline, a->err)) != HALL_OK)
		return rc;
	if ((rc = day_number(a, "BG", a->res->number, sizeof a->res->number)) != HALL_OK)
		return rc;
	sqlite3_stmt *st = store_stmt(a->s,
		"INSERT INTO changes(change_no, account_no, change_type, business_date,"
		" hall, counter, staff_id, created_at, updated_at, extras, deadline)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10)", a->err);
	if (!st)
		return stmt_fail(a);
	sqlite3_bind_text(st, 1, a->res->number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c.account_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, val(a, "change_type"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, store_hall_code(a->s), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, a->actor->counter);
	sqlite3_bind_text(st, 7, a->actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, sbuf_str(&a->extras), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, deadline, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(a, rc);
	a->res->rowid = sqlite3_last_insert_rowid(store_db(a->s));
	snprintf(a->res->kind, sizeof a->res->kind, "change");
	snprintf(a->res->account_no, sizeof a->res->account_no, "%s", c.account_no);
	if ((rc = journal(a, "change.create", "changes", a->res->rowid)) != HALL_OK)
		return rc;
	return work_event(a, "change", a->res->number, "accept");
}

/* ------------------------------------------------------------ payment */

/* The cash desk rules (late fees, allocation, prepaid, receipt) live in
 * payment.c; this runs them inside counter_submit's transaction. */
static int do_payment(struct action_ctx *a)
{
	static const char *const known[] = { "account_no", "amount", "method",
		"reference", "tendered", NULL };
	build_extras(a, known);
	if (a->extras.oom)
		return hall_err_set(a->err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	struct payment_req req = {
		.account_no = val(a, "account_no"),
		.amount_fen = val_int(a, "amount"),
		.method = val(a, "method"),
		.reference = val(a, "reference"),
		.tendered_fen = val(a, "tendered")[0] ? val_int(a, "tendered") : 0,
		.extras_json = sbuf_str(&a->extras),
	};
	struct payment_result pr;
	int rc = payment_take_tx(a->s, a->actor, &req, &pr, a->err);
	if (rc != HALL_OK)
		return rc;
	snprintf(a->res->kind, sizeof a->res->kind, "payment");
	snprintf(a->res->number, sizeof a->res->number, "%s", pr.receipt_no);
	snprintf(a->res->account_no, sizeof a->res->account_no, "%s", pr.account_no);
	a->res->amount_fen = pr.amount_fen;
	a->res->rowid = pr.payment_id;
	return HALL_OK;
}

/* ---------------------------------------------------------- complaint */

/* A complaint is a repeat when the same account or phone complained in the
 * last repeat_window_days days (work setting, worules.h). */
static int is_repeat(struct action_ctx *a, bool *repeat)
{
	sqlite3_stmt *st = store_stmt(a->s,
		"SELECT EXISTS (SELECT 1 FROM complaints WHERE kind = 'complaint'"
		" AND ((?1 <> '' AND account_no = ?1) OR phone = ?2)"
		" AND business_date >= date(?3, ?4))", a->err);
	if (!st)
		return stmt_fail(a);
	char window[16];
	snprintf(window, sizeof window, "-%d days", worules_repeat_window_days(a->s));
	sqlite3_bind_text(st, 1, val(a, "account_no"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, val(a, "phone"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, window, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	*repeat = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? HALL_OK : db_fail(a, rc);
}

static int do_complaint(struct action_ctx *a)
{
	static const char *const known[] = { "account_no", "name", "phone",
		"kind", "category", "subcategory", "channel", "content", NULL };
	build_extras(a, known);
	const char *account = val(a, "account_no");
	struct customer c;
	int rc;
	if (account[0] && (rc = customer_get(a->s, account, &c, a->err)) != HALL_OK)
		return rc;
	bool repeat = false;
	if (strcmp(val(a, "kind"), "complaint") == 0 && (rc = is_repeat(a, &repeat)) != HALL_OK)
		return rc;
	if ((rc = day_number(a, "TS", a->res->number, sizeof a->res->number)) != HALL_OK)
		return rc;
	char deadline[21];
	if ((rc = workorder_initial_deadline(a->s, "complaint", val(a, "kind"),
	                                     a->now, deadline, a->err)) != HALL_OK)
		return rc;
	sqlite3_stmt *st = store_stmt(a->s,
		"INSERT INTO complaints(complaint_no, account_no, name, phone, kind,"
		" category, subcategory, channel, content, repeat_flag, business_date,"
		" hall, counter, staff_id, created_at, updated_at, extras, deadline)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		" ?15, ?15, ?16, ?17)", a->err);
	if (!st)
		return stmt_fail(a);
	sqlite3_bind_text(st, 1, a->res->number, -1, SQLITE_STATIC);
	if (account[0])
		sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, val(a, "name"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, val(a, "phone"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, val(a, "kind"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, val(a, "category"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, val(a, "subcategory"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, val(a, "channel"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, val(a, "content"), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, repeat);
	sqlite3_bind_text(st, 11, a->today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, store_hall_code(a->s), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, a->actor->counter);
	sqlite3_bind_text(st, 14, a->actor->user.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, a->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, sbuf_str(&a->extras), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, deadline, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(a, rc);
	a->res->rowid = sqlite3_last_insert_rowid(store_db(a->s));
	snprintf(a->res->kind, sizeof a->res->kind, "complaint");
	snprintf(a->res->account_no, sizeof a->res->account_no, "%s", account);
	if ((rc = journal(a, "complaint.create", "complaints", a->res->rowid)) != HALL_OK)
		return rc;
	return work_event(a, "complaint", a->res->number, "accept");
}

/* ------------------------------------------------------------- submit */

static int account_check(void *ud, const char *account_no, struct hall_err *err)
{
	struct customer c;
	int rc = customer_get(ud, account_no, &c, err);
	if (rc == HALL_OK && strcmp(c.status, "closed") == 0)
		return hall_err_set(err, HALL_ESTATE, "account_no",
			"户号 %s 已销户", "account %s is closed", account_no);
	return rc;
}

void counter_form_ctx(struct store *s, struct form_ctx *ctx)
{
	ctx->account_check = account_check;
	ctx->ud = s;
}

static const struct {
	const char *action;
	int (*fn)(struct action_ctx *a);
} actions[] = {
	{ "new_connection", do_new_connection },
	{ "change", do_change },
	{ "payment", do_payment },
	{ "complaint", do_complaint },
};

static int one_error(struct form_errors *errs, int code)
{
	errs->n = 1;
	return code;
}

int counter_submit(struct store *s, const struct form_def *form,
                   const struct form_values *in,
                   const struct hall_actor *actor,
                   struct counter_result *res, struct form_errors *errs)
{
	memset(res, 0, sizeof *res);
	errs->n = 0;
	struct hall_err *err = &errs->e[0];
	hall_err_clear(err);
	int (*fn)(struct action_ctx *) = NULL;
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(actions[i].action, form->action) == 0)
			fn = actions[i].fn;
	if (!fn)
		return one_error(errs, hall_err_set(err, HALL_ENOTFOUND, NULL,
			"表单 %s 不能直接提交（action %s）",
			"form %s cannot be submitted (action %s)",
			form->name, form->action));
	int rc = auth_require(actor, ROLE_CLERK, "办理业务", "serve customers", err);
	if (rc != HALL_OK)
		return one_error(errs, rc);
	if (actor->counter < 1 || actor->counter > 99)
		return one_error(errs, hall_err_set(err, HALL_EINVAL, "counter",
			"窗口号：应为1至99", "counter: must be 1 to 99"));

	/* a damaged store takes nothing (health.h): say so before the field
	 * checks, and instead of theirs when one of them met the damage */
	if (store_damaged(s)) {
		*err = *store_damage_msg(s);
		return one_error(errs, HALL_EDAMAGED);
	}
	struct form_ctx ctx;
	counter_form_ctx(s, &ctx);
	struct form_values norm;
	form_values_init(&norm);
	rc = form_validate(form, in, &ctx, &norm, errs);
	if (rc != HALL_OK) {
		form_values_free(&norm);
		if (store_damaged(s)) {
			*err = *store_damage_msg(s);
			return one_error(errs, HALL_EDAMAGED);
		}
		if (errs->n == 0)
			errs->n = 1;
		return rc;
	}
	errs->n = 0;
	struct action_ctx a = { .s = s, .v = &norm, .actor = actor, .res = res, .err = err };
	sbuf_init(&a.extras);
	/* BEGIN IMMEDIATE that timed out wrote nothing: try again a few times
	 * (as payment_take does) before a busy message reaches the clerk */
	rc = HALL_EBUSY;
	for (int i = 0; i <= COUNTER_BUSY_RETRIES && rc == HALL_EBUSY; i++)
		rc = store_begin(s, err);
	if (rc == HALL_OK) {
		store_now_utc(a.now);
		store_today_local(a.today);
		rc = fn(&a);
		if (rc == HALL_OK && a.extras.oom)
			rc = hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		if (rc == HALL_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	sbuf_free(&a.extras);
	form_values_free(&norm);
	if (rc != HALL_OK) {
		memset(res, 0, sizeof *res);
		errs->n = 1;
		return rc;
	}
	return HALL_OK;
}

/* -------------------------------------------------------- day, lists */

int counter_day_stats(struct store *s, const char *staff_id, const char *date,
                      struct counter_day *out, struct hall_err *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_stmt(s,
		"SELECT (SELECT count(*) FROM applications WHERE business_date = ?2 AND staff_id = ?1),"
		" (SELECT count(*) FROM changes WHERE business_date = ?2 AND staff_id = ?1),"
		" (SELECT count(*) FROM payments WHERE business_date = ?2 AND staff_id = ?1 AND status = 'ok'),"
		" (SELECT count(*) FROM complaints WHERE business_date = ?2 AND staff_id = ?1),"
		" (SELECT coalesce(sum(amount_fen), 0) FROM payments"
		"   WHERE business_date = ?2 AND staff_id = ?1 AND status = 'ok')", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->applications = sqlite3_column_int(st, 0);
		out->changes = sqlite3_column_int(st, 1);
		out->payments = sqlite3_column_int(st, 2);
		out->complaints = sqlite3_column_int(st, 3);
		out->takings_fen = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? HALL_OK : store_error(s, rc, "统计", "counting the day", err);
}

int counter_worklist(struct store *s, const char *staff_id,
                     void (*fn)(void *ud, const struct work_item *w),
                     void *ud, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s, customer_worklist_sql(), err);
	if (!st)
		return err ? err->code : HALL_EDB;
	if (staff_id)
		sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct work_item w;
		customer_row_work(st, &w);
		fn(ud, &w);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK : store_error(s, rc, "读取工单", "reading work orders", err);
}

/* ------------------------------------------------------------- drafts */

int counter_draft_save(struct store *s, const char *staff_id,
                       const char *form, const struct form_values *v,
                       struct hall_err *err)
{
	struct sbuf j;
	sbuf_init(&j);
	bool first = true;
	sbuf_addc(&j, '{');
	for (int i = 0; i < v->n; i++) {
		sbuf_json_key(&j, &first, v->keys[i]);
		sbuf_json_str(&j, v->vals[i]);
	}
	sbuf_addc(&j, '}');
	if (j.oom) {
		sbuf_free(&j);
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	int rc = store_begin(s, err);
	if (rc != HALL_OK) {
		sbuf_free(&j);
		return rc;
	}
	char now[21];
	store_now_utc(now);
	sqlite3_stmt *st = store_stmt(s,
		"INSERT INTO drafts(staff_id, form, fields, saved_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(staff_id) DO UPDATE SET form = excluded.form,"
		" fields = excluded.fields, saved_at = excluded.saved_at", err);
	if (!st) {
		sbuf_free(&j);
		store_rollback(s);
		return err ? err->code : HALL_EDB;
	}
	sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, form, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sbuf_str(&j), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	sbuf_free(&j);
	if (src != SQLITE_DONE) {
		store_rollback(s);
		return store_error(s, src, "保存草稿", "saving the draft", err);
	}
	return store_commit(s, err);
}

int counter_draft_load(struct store *s, const char *staff_id, char *form,
                       size_t formsz, struct form_values *v,
                       struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(s,
		"SELECT d.form, j.key, j.value FROM drafts d, json_each(d.fields) j"
		" WHERE d.staff_id = ?1", err);
	if (!st)
		return err ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
	int rc, rows = 0;
	form_values_clear(v);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (rows++ == 0)
			snprintf(form, formsz, "%s", (const char *)sqlite3_column_text(st, 0));
		const unsigned char *val = sqlite3_column_text(st, 2);
		if (form_values_set(v, (const char *)sqlite3_column_text(st, 1),
		                    val ? (const char *)val : "") != HALL_OK) {
			sqlite3_reset(st);
			return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "读取草稿", "reading the draft", err);
	if (rows == 0)
		return hall_err_set(err, HALL_ENOTFOUND, NULL, "没有草稿", "no draft");
	return HALL_OK;
}

int counter_draft_delete(struct store *s, const char *staff_id,
                         struct hall_err *err)
{
	int rc = store_begin(s, err);
	if (rc != HALL_OK)
		return rc;
	sqlite3_stmt *st = store_stmt(s, "DELETE FROM drafts WHERE staff_id = ?1", err);
	if (!st) {
		store_rollback(s);
		return err ? err->code : HALL_EDB;
	}
	sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		store_rollback(s);
		return store_error(s, src, "删除草稿", "deleting the draft", err);
	}
	return store_commit(s, err);
}
