/*
 * worules.h - the rule tables of work orders: deadline rules, the rules of
 * the twelve business changes, and work settings.  All three live in the
 * store (seeded in schema v1 with the defaults of the domain guide), so
 * every counter applies the same rules and an administrator changes them
 * with `hall rules` without a new program.
 *
 * Deadline rules (table deadline_rules), one row per clock:
 *   wo_kind      application | change | complaint
 *   subtype      the application kind, change type or complaint kind the
 *                row is for, or "*" for every one; a row for the exact
 *                subtype replaces the "*" row of the same clock
 *   clock        the clock's name; by convention the name of the stage whose
 *                completion it limits ("survey"), or "total", "contact",
 *                "reply", "followup"
 *   start_stage  the clock starts when the order enters this stage (the
 *                order's creation enters "accept"), or enters the range
 *                [start_stage, stop_stage) again after having left it (a
 *                complaint reopened after an unsatisfied follow-up, an
 *                application sent back before start_stage);
 *   stop_stage   ... and stops (is met) when the order reaches this stage or
 *                a later one;
 *   pause_stages comma list of stages during which the clock does not run
 *                (the customer's time: e.g. high-voltage design and
 *                construction); "" none;
 *   amount, unit the limit: workdays | work_hours | hours (see calendar.h
 *                for the arithmetic) | off (no clock for this subtype).
 * A stage is "entered" when a transition to it is recorded; the stage of an
 * order is the last step done (see workorder.h).  With pauses, a working
 * day counts when, at its end, the order is in a running stage; working and
 * clock hours count only the time spent in running stages.
 *
 * Change rules (table change_rules): (change_type, rule, effective_from,
 * value): the row in force for a submission is the one of that type and
 * rule with the latest effective_from on or before the business date; a
 * NULL value means "no limit from that date" (the 2024 revision of the
 * supply business rules removed several).  Rules:
 *   min_days            each period at least N days (start and end dates
 *                       both counted)
 *   min_months          end_date >= start_date + N months - 1 day
 *   max_months          end_date <= start_date + N months - 1 day
 *   max_months_35kv     the same for supply at 35 kV and above (swap)
 *   max_per_year        at most N changes of the type per calendar year of
 *                       the start date (cancelled ones not counted)
 *   max_months_per_year the periods of the type in the calendar year of
 *                       the start date add up to at most ceil(N × 365 / 12)
 *                       days (6 months = 183 days)
 *   arrears_settled     1: every bill of the account (and of the accounts
 *                       merged in) must be paid first
 * Checks that do not vary by date are built in and named the same way in
 * messages: the account is open and normal (closed accounts and accounts
 * still connecting cannot change; suspend, reduce and removal need a normal
 * account), no open change of the same type on the account, end date after
 * start date and start date not in the past, reduce lowers the capacity,
 * merge: accounts exist, are open, share the supply point (extras
 * supply_point when both have one, else the same address) and a requested
 * capacity is at most their sum, change of voltage or category to a new
 * value.
 *
 * Settings (table work_settings): work_window (calendar.h) and
 * repeat_window_days (a complaint by the same account or phone within that
 * many days of an earlier complaint is a repeat; default 30).
 */
#ifndef HALL_WORULES_H
#define HALL_WORULES_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/auth.h"
#include "hall/customer.h"
#include "hall/err.h"
#include "hall/form.h"
#include "hall/store.h"

#define WORULES_MAX 32   /* clocks per (kind, subtype) */

struct deadline_rule {
	int64_t id;
	char wo_kind[16];
	char subtype[32];
	char clock[24];
	char start_stage[24];
	char stop_stage[24];
	char pause_stages[160];
	int amount;
	char unit[12];             /* workdays work_hours hours off */
	char note[512];
};

struct change_rule {
	int64_t id;
	char change_type[24];
	char rule[32];
	char effective_from[11];
	bool has_value;            /* false: no limit from effective_from */
	int64_t value;
	char note[512];
};

/* Labels of a unit ("个工作日" / "working days"). */
const char *worules_unit_label(const char *unit);

/* Every deadline rule, ordered by kind, subtype, clock. */
int worules_deadline_list(struct store *s,
                          void (*fn)(void *ud, const struct deadline_rule *r),
                          void *ud, struct hall_err *err);
/* The clocks in force for one order: per clock the exact-subtype row, else
 * the "*" row; rows with unit "off" are left out.  Fills out[0..*n). */
int worules_deadlines_for(struct store *s, const char *wo_kind,
                          const char *subtype, struct deadline_rule *out,
                          int *n, struct hall_err *err);
/* Add or replace the rule (wo_kind, subtype, clock) (admin only), then
 * recompute the deadlines of open work orders, in one transaction.  Empty
 * start/stop stages keep those of the existing row (required for a new
 * one).  Stages are checked against the kind's stage list. */
int worules_deadline_set(struct store *s, const struct hall_actor *actor,
                         const struct deadline_rule *r, int *recomputed,
                         struct hall_err *err);

/* Every change rule, ordered by type, rule, effective date. */
int worules_change_list(struct store *s,
                        void (*fn)(void *ud, const struct change_rule *r),
                        void *ud, struct hall_err *err);
/* Add or replace a change rule row (admin only). */
int worules_change_set(struct store *s, const struct hall_actor *actor,
                       const struct change_rule *r, struct hall_err *err);
/* The value of a change rule in force on date; HALL_ENOTFOUND when the type
 * has no such rule on that date; *has_value false when it says "no
 * limit".  effective (may be NULL, 11 bytes) gets the row's date. */
int worules_change_value(struct store *s, const char *change_type,
                         const char *rule, const char *date, bool *has_value,
                         int64_t *value, char *effective,
                         struct hall_err *err);
/* Check a business change at submission (inside the write transaction):
 * c is the account, v the normalised form values (change_type, start_date,
 * end_date, new_capacity, merge_accounts, new_voltage, new_category ...),
 * date the business date.  HALL_EINVAL (or HALL_ESTATE for the account's
 * state) with a message naming the rule and why, in Chinese and English. */
int worules_change_check(struct store *s, const char *date,
                         const struct customer *c, const struct form_values *v,
                         struct hall_err *err);
/* Unpaid bills (status <> 'paid') of an account: count and principal. */
int worules_arrears(struct store *s, const char *account_no, int *bills,
                    int64_t *fen, struct hall_err *err);

/* Settings.  get: the value, or def when unset. */
void worules_setting_get(struct store *s, const char *key, const char *def,
                         char *out, size_t outsz);
/* Set a known setting (work_window, repeat_window_days, lockout_failures,
 * lockout_minutes), admin only; the
 * value is checked; work_window recomputes open deadlines. */
int worules_setting_set(struct store *s, const struct hall_actor *actor,
                        const char *key, const char *value, int *recomputed,
                        struct hall_err *err);
/* The central's rules, applied by the sync's pull (sync.h): inside the
 * caller's write transaction, with the checks of the *_set functions above
 * (HALL_EINVAL naming the field), without a role check and not journaled
 * (the central's rows are not a hall action); staff_id NULL, updated_at
 * the central's.  The caller recomputes open deadlines. */
int worules_deadline_apply(struct store *s, const struct deadline_rule *r,
                           const char *updated_at, struct hall_err *err);
int worules_change_apply(struct store *s, const struct change_rule *r,
                         const char *updated_at, struct hall_err *err);
int worules_setting_apply(struct store *s, const char *key, const char *value,
                          const char *updated_at, struct hall_err *err);

/* The repeat-complaint window in days (1-365, default 30). */
int worules_repeat_window_days(struct store *s);

#endif
