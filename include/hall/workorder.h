/*
 * workorder.h - work orders (工单): the stage machines of new connections,
 * business changes and complaints, their deadlines, history and the
 * rectifications (整改) that follow a complaint found true against staff.
 *
 * The stage of an order is the last step done; a transition records the
 * next step as done.  Stages (keys are a contract with the store, the CLI
 * and the exports):
 *
 *   new connection, low voltage (lv_residential, lv_nonresidential):
 *     accept survey plan completion_check contract connect archive
 *   new connection, high voltage (hv_single, hv_dual):
 *     accept survey plan design_review mid_check completion_check contract
 *     connect archive
 *   business change (all twelve types):
 *     accept   受理      the counter took the application (rules checked)
 *     review   审核      the case was checked (on site where needed)
 *     execute  实施      the change was carried out: the account is
 *                        updated here (history kept in customer_history)
 *     archive  归档      filed; the order is done
 *   complaint and other feedback (all six kinds):
 *     accept dispatch handle reply followup archive
 *
 * Transitions (workorder_advance) are checked: the order must be open;
 * forward only to the next stage (no skipping); back to an earlier stage
 * only with a reason; "cancel" (applications and changes, with a reason)
 * ends the order as cancelled.  Each transition writes a work_events row
 * (who, counter, when, from, to, note, fields as JSON), updates the order,
 * recomputes its deadline and is journaled, all in one transaction.
 *
 * Fields of a transition (key=value; unknown keys are refused; "note" and
 * "reason" are accepted everywhere):
 *   application → survey   docs (required: the documents shown, comma
 *                          list of id, property, and agent_id when an agent
 *                          applies), survey_result
 *               → plan     plan;  → design_review / mid_check /
 *                          completion_check  result;  → contract
 *                          contract_no;  → connect  meter_no (required; the
 *                          account becomes normal)
 *   change      → review   result;  → execute (the account update; a
 *                          close or rename checks the arrears again)
 *   complaint   → dispatch department, person (both required)
 *               → handle   contact_method (required: phone sms visit
 *                          wechat letter): the customer was contacted
 *               → reply    reply (required), verified (yes/no, required
 *                          for complaints and misconduct reports),
 *                          company_fault (yes/no, required when verified),
 *                          staff_involved (a staff id)
 *               → followup result (satisfied/unsatisfied), method (phone
 *                          sms visit wechat), attempts (1-9), all required;
 *                          "unsatisfied" records the follow-up and reopens
 *                          the complaint back to handle (a second event)
 *               → archive  refused while the last follow-up is unsatisfied
 *
 * Deadlines: the order's deadline column holds the earliest deadline of its
 * running clocks (worules.h), UTC; "" when no clock runs.
 */
#ifndef HALL_WORKORDER_H
#define HALL_WORKORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/auth.h"
#include "hall/calendar.h"
#include "hall/customer.h"
#include "hall/err.h"
#include "hall/form.h"
#include "hall/store.h"
#include "hall/worules.h"

#define WO_MAX_STAGES 12

/* The stage keys of an order kind ("application", "change", "complaint")
 * and subtype (the application kind decides high or low voltage); NULL for
 * an unknown kind.  *n gets the count. */
const char *const *workorder_stages(const char *wo_kind, const char *subtype,
                                    int *n);
/* Index of stage in the list, -1 if absent. */
int workorder_stage_index(const char *wo_kind, const char *subtype,
                          const char *stage);
/* Display labels in the current language. */
const char *workorder_stage_label(const char *stage);
const char *workorder_kind_label(const char *wo_kind);
const char *workorder_type_label(const char *wo_kind, const char *subtype);

/* One order, whichever its kind. */
struct wo_info {
	char kind[16];             /* application change complaint rectification */
	int64_t rowid;
	char number[32];
	char account_no[24];
	char name[244];
	char phone[32];
	char type[32];             /* application kind, change type, complaint kind */
	char stage[24];
	char status[16];           /* open done cancelled */
	char created_at[21];
	char updated_at[21];
	char deadline[21];
	char staff_id[17];
	bool repeat;
	int reopen_count;          /* complaints */
	char extras[2048];         /* the order's extras JSON (cut if longer) */
};

struct wo_event {
	int64_t id;
	char from_stage[24];       /* "" for the creation */
	char to_stage[24];
	char note[608];
	char staff_id[17];
	int counter;
	char at[21];
	char extras[1024];         /* the transition's fields as JSON */
};

/* A clock of an order as it stands. */
struct wo_clock {
	struct deadline_rule rule;
	bool started;              /* entered [start, stop) at least once */
	bool running;              /* in the range now */
	bool paused;               /* running, but in a pause stage now */
	bool met;                  /* left the range forwards (stopped) */
	char started_at[21];       /* UTC */
	char stopped_at[21];       /* UTC, when met */
	char deadline[21];         /* UTC; "" when paused (no end in sight) */
	bool overdue;              /* running past the deadline, or met late */
	int64_t used;              /* working days, or seconds for hours units */
};

/* Find an order by number (applications, changes, complaints,
 * rectifications). */
int workorder_get(struct store *s, const char *number, struct wo_info *out,
                  struct hall_err *err);
/* Its transitions, oldest first. */
int workorder_history(struct store *s, const char *number,
                      void (*fn)(void *ud, const struct wo_event *e),
                      void *ud, struct hall_err *err);
/* Its clocks at now (UTC): every clock in force, started or not. */
int workorder_clocks(struct store *s, const char *number, const char *now,
                     void (*fn)(void *ud, const struct wo_clock *c),
                     void *ud, struct hall_err *err);
/* The same with a calendar the caller loaded once (calendar_load) for
 * many orders, e.g. an export's ledgers; cal is not freed. */
struct hall_calendar;
int workorder_clocks_cal(struct store *s, const struct hall_calendar *cal,
                         const char *number, const char *now,
                         void (*fn)(void *ud, const struct wo_clock *c),
                         void *ud, struct hall_err *err);

/* The deadline of a new order at its creation (stage accept) at now (UTC):
 * the earliest deadline of the clocks that start at accept; "" if none.
 * Used by the counter when it writes a new order. */
int workorder_initial_deadline(struct store *s, const char *wo_kind,
                               const char *subtype, const char *now,
                               char out[21], struct hall_err *err);

/* Record a transition of order number to stage to (or "cancel"), with
 * fields (may be NULL), by actor (a clerk or above).  Bad input or an
 * illegal move: HALL_EINVAL / HALL_ESTATE with a reason, nothing written. */
int workorder_advance(struct store *s, const struct hall_actor *actor,
                      const char *number, const char *to,
                      const struct form_values *fields, struct hall_err *err);

/* Compute the deadline of every open order again (after the calendar, the
 * rules or the working hours changed, or for orders written without one,
 * such as imported or demo orders).  Inside a write transaction; each
 * changed order is journaled.  actor may be NULL (no staff in the journal).
 * *changed (may be NULL) gets the number of orders whose deadline changed. */
int workorder_recompute_open(struct store *s, const struct hall_actor *actor,
                             int *changed, struct hall_err *err);
/* The same for one order (inside a write transaction). */
int workorder_recompute(struct store *s, const struct hall_calendar *cal,
                        const struct hall_actor *actor, const char *number,
                        bool *changed, struct hall_err *err);

/* The work list: open applications, changes and complaints (as
 * counter_worklist) and open rectifications, nearest deadline first (those
 * without one last), then oldest.  staff_id NULL: the whole hall.
 * overdue_at (UTC, may be NULL): only items whose deadline is before it. */
int workorder_worklist(struct store *s, const char *staff_id,
                       const char *overdue_at,
                       void (*fn)(void *ud, const struct work_item *w),
                       void *ud, struct hall_err *err);

/* A rectification (整改) after a complaint found true against staff. */
struct wo_rectification {
	int64_t id;
	char rect_no[32];
	char complaint_no[32];
	char staff_id[17];         /* the staff member concerned */
	char talk_date[11];
	char causes[1504];
	char staff_account[1504];  /* the staff member's own account */
	char measures[1504];
	char responsible[96];
	char deadline_date[11];    /* local date */
	char deadline[21];         /* UTC: the end of deadline_date */
	char review_result[1504];
	char reviewed_at[21];
	char reviewed_by[17];
	char status[8];            /* open done */
	char manager_id[17];
	char created_at[21];
};

/* Record a rectification (manager only).  Fields: complaint (number),
 * staff (defaults to the complaint's staff_involved), talk_date (not in the
 * future), causes, account (the staff member's own account), measures,
 * responsible, deadline (a date on or after the talk and today).  The
 * complaint must have been verified true with a member of staff involved.
 * number (32 bytes) gets the new "ZG..." number. */
int workorder_rectify(struct store *s, const struct hall_actor *actor,
                      const struct form_values *fields, char *number,
                      size_t numbersz, struct hall_err *err);
/* Record the review result and close the rectification (manager only). */
int workorder_rectify_review(struct store *s, const struct hall_actor *actor,
                             const char *number, const char *result,
                             struct hall_err *err);
int workorder_rectification_get(struct store *s, const char *number,
                                struct wo_rectification *out,
                                struct hall_err *err);

#endif
