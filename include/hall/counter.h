/*
 * counter.h - the business actions of a counter, one transaction each.
 *
 * counter_submit() validates a form submission with the forms engine
 * (the same rules the TUI applies field by field), then writes the record,
 * its journal entry and any account change in one BEGIN IMMEDIATE
 * transaction: all of it lands or none.  Fields the core does not know are
 * kept in the record's extras (JSON), so an administrator can add a field
 * to a form without a recompile.
 */
#ifndef HALL_COUNTER_H
#define HALL_COUNTER_H

#include <stdint.h>

#include "hall/auth.h"
#include "hall/customer.h"
#include "hall/err.h"
#include "hall/form.h"
#include "hall/store.h"

struct counter_result {
	char kind[16];             /* application change payment complaint */
	char number[32];           /* application/receipt/complaint number */
	char account_no[24];       /* new account number for a new connection */
	int64_t amount_fen;        /* payments */
	int64_t rowid;
};

/* A form_ctx whose account check looks accounts up in s (exists, not
 * closed). */
void counter_form_ctx(struct store *s, struct form_ctx *ctx);

/* Validate and write one counter form.  On bad input returns HALL_EINVAL
 * with errs filled and writes nothing; other failures fill errs->e[0]. */
int counter_submit(struct store *s, const struct form_def *form,
                   const struct form_values *in,
                   const struct hall_actor *actor,
                   struct counter_result *res, struct form_errors *errs);

/* The clerk's day so far (local business date "YYYY-MM-DD"). */
struct counter_day {
	int applications, changes, payments, complaints;
	int64_t takings_fen;       /* payments not reversed */
};
int counter_day_stats(struct store *s, const char *staff_id, const char *date,
                      struct counter_day *out, struct hall_err *err);

/* Open work orders (applications, changes, complaints), nearest deadline
 * first, then oldest.  staff_id NULL: the whole hall. */
int counter_worklist(struct store *s, const char *staff_id,
                     void (*fn)(void *ud, const struct work_item *w),
                     void *ud, struct hall_err *err);

/* Drafts: the form a clerk was typing when the terminal closed, kept per
 * staff id and form, offered at the next login. */
int counter_draft_save(struct store *s, const char *staff_id,
                       const char *form, const struct form_values *v,
                       struct hall_err *err);
/* HALL_ENOTFOUND when there is none. */
int counter_draft_load(struct store *s, const char *staff_id, char *form,
                       size_t formsz, struct form_values *v,
                       struct hall_err *err);
int counter_draft_delete(struct store *s, const char *staff_id,
                         struct hall_err *err);

#endif
