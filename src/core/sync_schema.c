/* sync_schema.c - the central's tables, derived from the hall's schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "fts.h"
#include "schema.h"
#include "sync_backend.h"

/* Hall tables journaled as a set under a parent row. */
static const struct { const char *table, *key; } children[] = {
	{ "payment_alloc", "payment_id" },
	{ "day_close_lines", "close_id" },
};

/* Hall tables with no central copy. */
static bool skipped(const char *t)
{
	static const char *const skip[] = { "meta", "seq", "journal", "drafts",
		"ref_data", "calendar_days", "sessions", NULL };
	if (strncmp(t, "sqlite_", 7) == 0 || strncmp(t, "customers_fts", 13) == 0)
		return true;
	for (const char *const *p = skip; *p; p++)
		if (strcmp(*p, t) == 0)
			return true;
	return false;
}

static const char *owned_key(const char *t)
{
	if (strcmp(t, "customers") == 0)
		return "account_no";
	if (strcmp(t, "bills") == 0)
		return "account_no";
	if (strcmp(t, "staff") == 0)
		return "id";
	return NULL;
}

const struct sync_tab *sync_schema_find(const struct sync_tab *tabs, int n,
                                        const char *tbl)
{
	for (int i = 0; i < n; i++)
		if (strcmp(tabs[i].name, tbl) == 0)
			return &tabs[i];
	return NULL;
}

static int columns(sqlite3 *db, struct sync_tab *t)
{
	char sql[128];
	snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", t->name);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	t->ncols = 0;
	while (sqlite3_step(st) == SQLITE_ROW && t->ncols < SYNC_MAX_COLS) {
		struct sync_col *c = &t->cols[t->ncols++];
		snprintf(c->name, sizeof c->name, "%s", (const char *)sqlite3_column_text(st, 1));
		const char *ty = (const char *)sqlite3_column_text(st, 2);
		snprintf(c->type, sizeof c->type, "%s",
		         ty && strcasecmp(ty, "INTEGER") == 0 ? "INTEGER" :
		         ty && strcasecmp(ty, "REAL") == 0 ? "REAL" : "TEXT");
		if (strcmp(c->name, "hall") == 0)
			t->has_hall = true;
	}
	sqlite3_finalize(st);
	return 0;
}

int sync_schema_tables(struct sync_tab **tabs, int *n, struct hall_err *err)
{
	*tabs = NULL;
	*n = 0;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    fts_register(db) != SQLITE_OK) {
		sqlite3_close(db);
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	for (int i = 0; i < schema_nmigrations; i++)
		if (sqlite3_exec(db, schema_migrations[i], NULL, NULL, NULL) != SQLITE_OK) {
			int code = hall_err_set(err, HALL_EDB, NULL, "数据结构有误：%s",
			                        "schema error: %s", sqlite3_errmsg(db));
			sqlite3_close(db);
			return code;
		}
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
	                   " ORDER BY rowid", -1, &st, NULL);
	int cap = 64;
	struct sync_tab *t = calloc((size_t)cap, sizeof *t);
	int rc = t ? HALL_OK : HALL_ENOMEM;
	while (rc == HALL_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (skipped(name))
			continue;
		if (*n == cap) {
			struct sync_tab *nt = realloc(t, (size_t)cap * 2 * sizeof *nt);
			if (!nt) {
				rc = HALL_ENOMEM;
				break;
			}
			t = nt;
			cap *= 2;
		}
		struct sync_tab *x = &t[*n];
		memset(x, 0, sizeof *x);
		snprintf(x->name, sizeof x->name, "%s", name);
		columns(db, x);
		/* the central's shares carry the paid bill's natural key (the
		 * journal adds it: store.c journal_select) */
		if (strcmp(name, "payment_alloc") == 0 && x->ncols + 2 <= SYNC_MAX_COLS) {
			snprintf(x->cols[x->ncols].name, sizeof x->cols[0].name, "account_no");
			snprintf(x->cols[x->ncols++].type, sizeof x->cols[0].type, "TEXT");
			snprintf(x->cols[x->ncols].name, sizeof x->cols[0].name, "bill_period");
			snprintf(x->cols[x->ncols++].type, sizeof x->cols[0].type, "TEXT");
		}
		/* what the central knows of a bill's money outside the hall
		 * counters (billing, online): the hall keeps it in
		 * bill_elsewhere (schema v2) */
		if (strcmp(name, "bills") == 0 && x->ncols + 2 <= SYNC_MAX_COLS) {
			snprintf(x->cols[x->ncols].name, sizeof x->cols[0].name, "paid_elsewhere_on");
			snprintf(x->cols[x->ncols++].type, sizeof x->cols[0].type, "TEXT");
			snprintf(x->cols[x->ncols].name, sizeof x->cols[0].name, "fee_paid_elsewhere_fen");
			snprintf(x->cols[x->ncols++].type, sizeof x->cols[0].type, "INTEGER");
		}
		const char *key = owned_key(name);
		if (key) {
			x->kind = SYNC_TAB_OWNED;
			snprintf(x->key, sizeof x->key, "%s", key);
		} else {
			for (size_t k = 0; k < sizeof children / sizeof children[0]; k++)
				if (strcmp(children[k].table, name) == 0) {
					x->kind = SYNC_TAB_CHILD;
					snprintf(x->key, sizeof x->key, "%s", children[k].key);
				}
			if (!x->kind)
				for (int c = 0; c < x->ncols; c++)
					if (strcmp(x->cols[c].name, "id") == 0) {
						x->kind = SYNC_TAB_FACT;
						snprintf(x->key, sizeof x->key, "id");
					}
		}
		if (x->kind)
			(*n)++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (rc != HALL_OK) {
		free(t);
		*n = 0;
		return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
	}
	*tabs = t;
	return HALL_OK;
}
