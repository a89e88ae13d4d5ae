/*
 * sync_backend.h - the small interface a central store backend implements
 * (private to src/core; sync.c drives it).
 *
 * Two backends: sync_sqlite.c ("sqlite:PATH", the embedded default) and
 * sync_pg.c ("postgresql://..." through libpq).  Both hold the same logical
 * central schema (see sync.h) and give the same guarantees; a test runs the
 * same scenarios against both.
 *
 * Every function returns an enum sync_fail value (SYNC_OK on success) and
 * fills err with a message for the manager.
 */
#ifndef HALL_SYNC_BACKEND_H
#define HALL_SYNC_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/err.h"
#include "hall/sync.h"

/* Version of the central schema this program writes and reads. */
#define SYNC_CENTRAL_VERSION 1

/* One hall journal entry on its way to the central. */
struct sync_entry {
	int64_t seq;
	const char *kind, *tbl;
	int64_t row_id;
	const char *payload;        /* JSON text (object or array) */
	const char *staff_id;       /* NULL when none */
	int counter;                /* 0 when none */
	const char *at;
};

/* A row received from the central by a pull: table and the row as JSON. */
typedef int (*sync_row_fn)(void *ud, const char *tbl, const char *json);
/* A verify figure of the central: day, metric, count, money in fen. */
typedef void (*sync_fig_fn)(void *ud, const char *day, const char *metric,
                            int64_t n, int64_t fen);

struct sync_be;

struct sync_be_ops {
	const char *scheme;
	/* journal entries per push batch by default: SQLite 2000 (a batch
	 * holds the central's one writer lock, other halls wait), PostgreSQL
	 * 10000 (halls do not wait for one another; a batch is COPYed into
	 * a staging table and applied set-based, within 3x of COPY) */
	int batch;
	/* Connect; SYNC_UNREACHABLE when the central cannot be reached,
	 * SYNC_AUTH for wrong credentials. */
	int (*open)(const char *url, struct sync_be **out, struct hall_err *err);
	void (*close)(struct sync_be *b);
	/* Create or upgrade the central schema (idempotent). */
	int (*init)(struct sync_be *b, struct hall_err *err);
	/* Enrol a hall: its code, name, the baseline (epoch, seq) of the
	 * master data seeded with seed(), and for PostgreSQL the password of
	 * its role (NULL: leave the role as it is). */
	int (*enrol)(struct sync_be *b, const char *hall, const char *name,
	             int64_t base_epoch, int64_t base_seq, const char *password,
	             char *role, size_t rolesz, struct hall_err *err);
	/* True when the hall is already enrolled. */
	int (*enrolled)(struct sync_be *b, const char *hall, bool *yes,
	                struct hall_err *err);
	/* Insert-if-absent master rows ("customers", "bills", "staff") of an
	 * enrolling hall, given as a JSON array of row objects. */
	int (*seed)(struct sync_be *b, const char *hall, const char *tbl,
	            const char *json_array, struct hall_err *err);
	/* Check the central's schema version and that the hall is known. */
	int (*hello)(struct sync_be *b, const char *hall, struct hall_err *err);
	/* The acknowledged cursor of (hall, epoch); 0 when none. */
	int (*acked)(struct sync_be *b, const char *hall, int64_t epoch,
	             int64_t *seq, struct hall_err *err);
	/* Highest acknowledged (epoch, seq) pairs of the hall: fn per epoch. */
	int (*cursors)(struct sync_be *b, const char *hall,
	               void (*fn)(void *ud, int64_t epoch, int64_t seq),
	               void *ud, struct hall_err *err);
	/* In one central transaction: insert the entries if absent, apply the
	 * new ones to the central's tables, and advance the hall's cursor to
	 * the last seq; *acked gets the cursor after commit.  A refused entry
	 * gives SYNC_REJECTED and changes nothing. */
	int (*push)(struct sync_be *b, const char *hall, int64_t epoch,
	            const struct sync_entry *e, int n, int64_t *acked,
	            struct hall_err *err);
	/* Rows of what the central owns for this hall changed in
	 * [since, until): until is filled (a cursor that cannot skip a row
	 * committed late).  since "" means from the start. */
	int (*pull)(struct sync_be *b, const char *hall, const char *since,
	            char *until, size_t untilsz, sync_row_fn fn, void *ud,
	            struct hall_err *err);
	/* The central's per-day figures for this hall (metrics as in
	 * sync.c verify_sql). */
	int (*verify)(struct sync_be *b, const char *hall, sync_fig_fn fn,
	              void *ud, struct hall_err *err);
};

extern const struct sync_be_ops sync_sqlite_ops;
extern const struct sync_be_ops sync_pg_ops;

/* Shared by the backends: the per-day figures of a hall as SQL over the
 * tables the hall and the central have in common.  ?1 = hall code.  Rows:
 * day, metric, n, fen. */
const char *sync_verify_sql(void);

/* The central's tables follow the hall's schema (schema.c), read at run
 * time from an in-memory hall store, so a column added to a hall table is
 * added at the central by the next `hall central init`:
 *   SYNC_TAB_FACT   hall rows with an id: central key (hall, id)
 *   SYNC_TAB_CHILD  rows journaled as a set under a parent (payment_alloc
 *                   by payment_id, day_close_lines by close_id): replaced
 *                   as a set, key (hall, key column)
 *   SYNC_TAB_OWNED  customers, bills, staff: owned by the central, one row
 *                   per natural key, with the hall they belong to
 * Other hall tables (meta, seq, journal, drafts, the search index, ...)
 * have no central copy; their journal entries are kept in the central
 * journal all the same. */
enum { SYNC_TAB_FACT = 1, SYNC_TAB_CHILD, SYNC_TAB_OWNED };

#define SYNC_MAX_COLS 64

struct sync_col {
	char name[64];
	char type[16];              /* INTEGER TEXT REAL ("" = TEXT) */
};

struct sync_tab {
	char name[64];
	int kind;
	char key[64];               /* id, the child's parent column, or the
	                             * natural key's first column */
	bool has_hall;              /* the hall table has a hall column */
	int ncols;
	struct sync_col cols[SYNC_MAX_COLS];
};

/* The hall schema's tables with a central copy; *tabs is malloc'd. */
int sync_schema_tables(struct sync_tab **tabs, int *n, struct hall_err *err);
/* The table named tbl in tabs, or NULL. */
const struct sync_tab *sync_schema_find(const struct sync_tab *tabs, int n,
                                        const char *tbl);

#endif
