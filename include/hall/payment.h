/*
 * payment.h - the cash desk: bills due with their late fees, taking a
 * payment, receipts, reversals (冲正) and the daily close (日清日结).
 *
 * Every action that writes is one BEGIN IMMEDIATE transaction with its
 * journal entries; bad input gets a bilingual message naming the field and
 * writes nothing.  Role checks live here: any active clerk takes payments;
 * a reversal, the sign-off of a daily close and the reopening of a closed
 * day need a manager (or admin) who types id and password at the counter
 * (checked with auth_login; a clerk's id is refused, and so is the clerk
 * approving their own action); rules and settings are an admin's.
 *
 * ---------------------------------------------------------------- late fee
 * The rule is data: table late_fee_rules, one row per (effective_from,
 * category, arrears_age) with rate_permille (whole per-mille a day),
 * start_day and min_fee_fen.  Schema v1 seeds the 1996 rule (供电营业规则
 * 第九十八条, in force 1996-10-08): residential 1‰ a day; every other
 * category ('*') 2‰ on arrears of the current year and 3‰ on arrears of an
 * earlier year; from the day after the due date (start_day 1) to the day of
 * payment, both included; a total under 1 yuan is charged as 1 yuan
 * (min_fee_fen 100); rounded half up to the fen.  How the rule is read:
 *
 *  - Rule set.  The rows sharing one effective_from form a complete set;
 *    for each day the set with the latest effective_from on or before that
 *    day applies, so a rule change leaves the days before it as they were.
 *    Within a set the row of the customer's category is used, else '*'; of
 *    those, the row with the largest arrears_age not above the age of the
 *    arrears on that day (a category with only an age-0 row has one rate).
 *    A day with no applicable row accrues nothing.  The customer's current
 *    category is used for every day.
 *  - Year of the arrears = the year of the bill's period (电费年月, as the
 *    demo and central billing use it).  On a day of a later calendar year
 *    the arrears are of an earlier year (age = day's year - period's year).
 *    Across a year boundary the days are split: a 2025-11 bill due
 *    2025-12-25 and paid 2026-01-10 accrues 2‰ for Dec 26-31 (6 days) and
 *    3‰ for Jan 1-10 (10 days).
 *  - Days: the first fee day is due_date + start_day (start_day of the
 *    set in force on the day after the due date); the last is the day the
 *    money is received (payments.paid_on, the counter's calendar date, even
 *    when the payment is booked to the next business day after a close).
 *  - Partial payments: the fee accrues on what is unpaid each day.  Every
 *    principal share paid on day P accrues up to and including P; the rest
 *    up to the as-of date.  fee = round_half_up(Σ share × Σ_days rate /
 *    1000) in exact integer arithmetic, rounded once per bill.
 *  - Minimum: per bill.  When the exact fee is above zero and below the
 *    min_fee_fen of the rule of the last fee day, min_fee_fen is charged.
 *  - What is due = the fee accrued as of the date minus the late fees
 *    already allocated to the bill by payments not reversed.
 *  - Principal paid outside the counter (imported or pulled paid_fen
 *    without an allocation) counts as paid on time, unless the central
 *    gave the day it was received (table bill_elsewhere, filled by the
 *    sync's pull); a late fee paid outside the counter (bill_elsewhere)
 *    counts as paid.
 *
 * -------------------------------------------------------------- allocation
 * Money goes to the unpaid bills oldest first (period, then id); within a
 * bill the late fee before the principal (payment_settings key
 * late_fee_first = 1, the default; 0: principal first).  Prepaid balance
 * (预存) is consumed at payment time: the amount received plus the prepaid
 * balance are allocated together, and what is left is the new prepaid
 * balance.  So a payment of 70 with 30 prepaid settles a 100 bill.  Each
 * payment's allocation is stored in payment_alloc: one row per bill
 * (late_fee_fen, principal_fen) and at most one row with bill_id NULL whose
 * prepaid_fen is the change of the prepaid balance (negative when prepaid
 * was consumed), so Σ(late_fee_fen + principal_fen + prepaid_fen) of a
 * payment = its amount.  A bill is 'paid' when its principal and the late
 * fee due on the payment day are settled, 'partial' when anything was paid.
 *
 * ----------------------------------------------------- methods, amounts
 * Methods: cash card wechat alipay cheque transfer (keys of
 * forms/payment.form).  Non-cash needs a reference (1-40 characters, no
 * control characters), unique among the payments not reversed of that
 * method (a POS slip cannot be posted twice); cash takes none.  Cash may
 * give the amount tendered (>= the amount; change = tendered - amount).
 * Amounts: > 0 fen, and at most payment_settings max_amount_fen (default
 * 5,000,000 fen = 50,000 yuan; 0 = no hall limit) on top of the form's own
 * max.  A closed account takes no payment.
 *
 * ---------------------------------------------------------------- receipts
 * Receipt numbers "SF" + hall code + 8 digits from the gap-free counter
 * seq('receipt'), taken inside the payment's transaction.  The receipt text
 * (RECEIPT_COLS columns per line, Chinese counted double, every line padded
 * to exactly RECEIPT_COLS) is rendered in the payment's transaction and kept
 * in table receipts (copy 0); a reprint adds a copy 1, 2, ... headed 重打
 * (and 已冲正 for a reversed payment), recorded and journaled.  Output
 * (payment_receipt_output) writes the text to a spool folder and pipes it
 * to the print command, run with fork/exec (never a shell; the text goes on
 * stdin, never on the command line; it never runs with the store's group:
 * priv.h drops it, and the child drops it again if still raised).
 *
 * --------------------------------------------------------- business days
 * A payment is booked to its clerk's business date: today (local), or,
 * when the clerk's day is closed, the next calendar day not closed.  A
 * reversal is allowed only while the payment's business date is the
 * business date a new payment of the same clerk would get now (same day,
 * not closed).  Daily close: the clerk declares all six figures (blind:
 * the expected figures are shown after the declaration); the close stores
 * expected, declared and difference per method, the receipt range and the
 * reversals; from then on the clerk's day is locked.  A manager signs it
 * off, or reopens it (today's or a later day only) with a reason: the close
 * is kept with status 'reopened', never deleted.
 */
#ifndef HALL_PAYMENT_H
#define HALL_PAYMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/auth.h"
#include "hall/customer.h"
#include "hall/err.h"
#include "hall/store.h"

#define PAYMENT_NMETHODS 6
#define PAYMENT_REF_MAX 40          /* characters of a reference */
#define PAYMENT_REASON_MIN 2        /* characters of a reversal/reopen reason */
#define PAYMENT_REASON_MAX 200
#define RECEIPT_COLS 40
#define PRINT_COMMAND_DEFAULT "lp"
#define PRINT_TIMEOUT_SECONDS 20

/* The method keys in display order: cash card wechat alipay cheque
 * transfer. */
extern const char *const payment_method_keys[PAYMENT_NMETHODS];

/* Index of a method key in payment_method_keys, -1 if unknown. */
int payment_method_index(const char *key);

/* Label of a method in the current language (现金 / Cash); the key itself
 * for an unknown key. */
const char *payment_method_label(const char *key);

/* ---------------------------------------------------------------- rules */

struct late_fee_rule {
	char effective_from[11];   /* YYYY-MM-DD */
	char category[24];         /* customers.category, or "*" */
	int arrears_age;           /* 0 current year, 1 earlier years, ... */
	int rate_permille;         /* whole per-mille a day, 0..1000 */
	int start_day;             /* first fee day = due date + start_day */
	int64_t min_fee_fen;       /* a fee above 0 and below this is this */
};

struct late_fee_rules {
	struct late_fee_rule *r;   /* sorted by effective_from */
	long *from_day;            /* effective_from as a day number */
	int n;
};

/* Load the rule table.  Free with payment_rules_free. */
int payment_rules_load(struct store *s, struct late_fee_rules *out,
                       struct hall_err *err);
/* Free what payment_rules_load allocated (NULL allowed). */
void payment_rules_free(struct late_fee_rules *rules);

/* Add a rule row (admin only), journaled.  Checks the date, category
 * ([a-z_]+ or "*"), 0 <= rate <= 1000, 1 <= start_day <= 366, min >= 0;
 * HALL_EEXIST when a row with the same (effective_from, category,
 * arrears_age) exists. */
int payment_rule_add(struct store *s, const struct hall_actor *actor,
                     const struct late_fee_rule *rule, struct hall_err *err);

/* A principal share of a bill paid on a day (for payment_late_fee). */
struct late_fee_paid {
	int64_t principal_fen;
	char paid_on[11];          /* YYYY-MM-DD */
};

struct late_fee_calc {
	int64_t fee_fen;           /* accrued as of the date, minimum applied */
	int64_t exact_milli_fen;   /* Σ share × rate-days (fen × per-mille) */
	int days;                  /* fee days of the unpaid rest as of the date */
	bool minimum;              /* the minimum was charged */
};

/* The late fee a bill has accrued as of as_of (see the top).  amount_fen
 * is the bill's principal; paid[] the shares already paid with their dates
 * (may be NULL with npaid 0); principal not covered by paid[] is unpaid.
 * Pure integer arithmetic, no store.  HALL_EINVAL for a bad date or an
 * amount whose fee would overflow. */
int payment_late_fee(const struct late_fee_rules *rules, const char *category,
                     const char *period, const char *due_date,
                     int64_t amount_fen, const struct late_fee_paid *paid,
                     int npaid, const char *as_of, struct late_fee_calc *out,
                     struct hall_err *err);

/* Set the status of bill bill_id again from what is known of it at the
 * hall: 'paid' when its principal and the late fee due today are settled
 * (the fee counts this hall's allocations and what bill_elsewhere says was
 * paid outside the counter), else 'partial' or 'unpaid'.  *paid tells
 * which.  Not journaled: the sync's pull calls it, inside its own
 * transaction, for pulled bills whose principal is paid. */
int payment_bill_settle(struct store *s, const struct late_fee_rules *rules,
                        int64_t bill_id, bool *paid, struct hall_err *err);

/* ------------------------------------------------------------- settings */

struct payment_settings {
	bool late_fee_first;       /* within a bill, fee before principal */
	int64_t max_amount_fen;    /* hall limit per payment, 0 = none */
};

/* The hall's cash desk settings (defaults seeded in schema v1). */
int payment_settings_get(struct store *s, struct payment_settings *out,
                         struct hall_err *err);
/* Set "late_fee_first" (0/1) or "max_amount_fen" (>= 0); admin only,
 * journaled. */
int payment_setting_set(struct store *s, const struct hall_actor *actor,
                        const char *key, int64_t value, struct hall_err *err);

/* ------------------------------------------------------------ bills due */

struct bill_due {
	struct bill bill;
	int64_t principal_due_fen;     /* amount - paid */
	int64_t late_fee_fen;          /* accrued as of the date */
	int64_t late_fee_paid_fen;     /* allocated by payments not reversed */
	int64_t late_fee_due_fen;      /* accrued - paid, >= 0 */
	int days_overdue;              /* fee days of the unpaid rest */
	int64_t total_due_fen;         /* principal_due + late_fee_due */
};

struct payment_due {
	struct customer customer;
	char as_of[11];
	struct bill_due *bills;        /* oldest first */
	int nbills;
	int64_t principal_fen, late_fee_fen, total_fen;
	int64_t prepaid_fen;           /* prepaid balance */
	int64_t net_fen;               /* total - prepaid, at least 0 */
};

/* The unpaid bills of an account with each one's late fee as of as_of
 * (NULL: today) and the totals.  Free with payment_due_free. */
int payment_due_get(struct store *s, const char *account_no,
                    const char *as_of, struct payment_due *out,
                    struct hall_err *err);
/* Free the bills of a payment_due (NULL allowed). */
void payment_due_free(struct payment_due *d);

/* ------------------------------------------------------- taking payment */

struct payment_req {
	const char *account_no;
	int64_t amount_fen;
	const char *method;            /* a payment_method_keys key */
	const char *reference;         /* non-cash: required; cash: NULL/"" */
	int64_t tendered_fen;          /* cash handed over, 0 = not given */
	const char *extras_json;       /* fields the core does not know, NULL = {} */
};

struct payment_result {
	char receipt_no[32];
	int64_t payment_id;
	char account_no[24];
	char business_date[11];        /* the day it is booked to */
	char paid_on[11];              /* calendar day received */
	int64_t amount_fen;
	int64_t late_fee_fen;          /* allocated to late fees */
	int64_t principal_fen;         /* allocated to principal */
	int64_t prepaid_used_fen;      /* prepaid consumed */
	int64_t prepaid_added_fen;     /* excess put to prepaid */
	int64_t prepaid_after_fen;
	int64_t change_fen;            /* cash: tendered - amount */
	int64_t arrears_after_fen;     /* principal still unpaid */
	int nbills;                    /* bills that received money */
};

/* Validate, allocate, write and journal one payment in its own
 * transaction (a busy store is retried, so a clerk does not see 'database
 * is locked' while another counter writes).  Nothing is written on error. */
int payment_take(struct store *s, const struct hall_actor *actor,
                 const struct payment_req *req, struct payment_result *res,
                 struct hall_err *err);

/* The same inside a write transaction the caller opened (counter_submit);
 * the caller commits or rolls back. */
int payment_take_tx(struct store *s, const struct hall_actor *actor,
                    const struct payment_req *req, struct payment_result *res,
                    struct hall_err *err);

/* The business date a payment by staff_id would be booked to now. */
int payment_business_date(struct store *s, const char *staff_id,
                          char out[11], struct hall_err *err);

/* --------------------------------------------------------------- receipts */

struct receipt_bill {
	char period[8];
	int64_t principal_fen, late_fee_fen;
};

/* Everything a receipt shows.  Strings may be NULL (shown empty). */
struct receipt_data {
	const char *hall_code, *hall_name;
	int counter;
	const char *staff_id, *staff_name;
	const char *receipt_no;
	const char *time_local;        /* "YYYY-MM-DD HH:MM" */
	const char *business_date;
	const char *account_no, *name;
	const struct receipt_bill *bills;
	int nbills;
	const char *method, *reference;
	int64_t amount_fen;
	int64_t tendered_fen;          /* 0: not given */
	int64_t change_fen;
	int64_t prepaid_used_fen, prepaid_added_fen, prepaid_after_fen;
	int64_t arrears_after_fen;
};

/* Render a receipt: lines of exactly RECEIPT_COLS columns, each ending in
 * '\n'; stored text is sanitised (no control characters reach the
 * printer); long names and 大写 amounts wrap.  *out is malloc'd. */
int payment_receipt_format(const struct receipt_data *d, char **out,
                           struct hall_err *err);

/* A reprint: the original text headed by a 重打 banner with the copy
 * number, time and staff id (and 已冲正 when voided). *out malloc'd. */
int payment_receipt_reprint_format(const char *original, int copy,
                                   const char *time_local,
                                   const char *staff_id, bool voided,
                                   char **out, struct hall_err *err);

/* The stored text of copy `copy` of a receipt (0 = the original, -1 = the
 * latest).  *text malloc'd.  A payment without a stored original (imported
 * or demo data) gets one rendered from its rows. */
int payment_receipt_get(struct store *s, const char *receipt_no, int copy,
                        char **text, struct hall_err *err);

/* Where and how receipts are output. */
struct receipt_output {
	/* NULL: $HALL_PRINT_COMMAND, else PRINT_COMMAND_DEFAULT; "" or
	 * "none": do not print (spool only).  Split at blanks into argv. */
	const char *print_command;
	/* NULL: $HALL_RECEIPTS, else $XDG_DATA_HOME/hall/receipts, else
	 * ~/.local/share/hall/receipts, else the folder "<store folder>-receipts"
	 * beside the store's folder.  Never inside the store's folder. */
	const char *spool_dir;
};

/* Resolve the spool folder (see receipt_output) and create it (0750). */
int payment_spool_dir(struct store *s, const char *explicit_dir, char *out,
                      size_t outsz, struct hall_err *err);

/* Write text to the spool as RECEIPT.txt (copy 0) or RECEIPT-rN.txt and
 * pipe it to the print command.  The spool copy is written first; a print
 * failure (command missing, exit status, timeout) gives HALL_EIO with the
 * spool path in the message. */
int payment_receipt_output(struct store *s, const char *receipt_no, int copy,
                           const char *text, const struct receipt_output *o,
                           struct hall_err *err);

/* Print the original receipt once (right after the payment): marks it
 * printed (journaled), then outputs it.  HALL_ESTATE when it was already
 * printed: use payment_reprint. */
int payment_receipt_print(struct store *s, const struct hall_actor *actor,
                          const char *receipt_no,
                          const struct receipt_output *o, char **text,
                          struct hall_err *err);

/* Reprint: records copy N (重打) in receipts with a journal entry, then
 * outputs it.  *copy (may be NULL) gets N, *text (may be NULL) the text
 * (malloc'd).  When only the output fails the reprint stays recorded and
 * the error is HALL_EIO. */
int payment_reprint(struct store *s, const struct hall_actor *actor,
                    const char *receipt_no, const struct receipt_output *o,
                    int *copy, char **text, struct hall_err *err);

/* --------------------------------------------------------------- reversal */

struct reversal_result {
	int64_t reversal_id;
	char receipt_no[32];
	char account_no[24];
	char business_date[11];
	int64_t amount_fen;
	char approver_id[AUTH_ID_MAX + 1];
};

/* Reverse (冲正) a payment of the current business day of its clerk: the
 * approver (manager or admin, not the actor) is checked with auth_login;
 * reason 2-200 characters.  Writes a reversals row, marks the payment
 * 'void', restores each bill and the prepaid balance exactly from
 * payment_alloc, all journaled; deletes nothing.  Refused (writing
 * nothing): another day (HALL_ESTATE), already reversed (HALL_ESTATE),
 * wrong approver password (HALL_EAUTH), approver not a manager
 * (HALL_EPERM), a prepaid balance since consumed by a later payment
 * (HALL_ESTATE: reverse that payment first).  (A wrong password is
 * still counted by auth_login towards locking the approver's id.) */
int payment_reverse(struct store *s, const struct hall_actor *actor,
                    const char *receipt_no, const char *reason,
                    const char *approver_id, const char *approver_password,
                    struct reversal_result *res, struct hall_err *err);

/* Everything payment_reverse checks except the approval, so a counter
 * calls the manager over only for a reversal that can be done. */
int payment_reverse_check(struct store *s, const struct hall_actor *actor,
                          const char *receipt_no, const char *reason,
                          struct hall_err *err);

/* ------------------------------------------------------------ daily close */

struct close_line {
	char method[16];
	int64_t declared_fen, expected_fen, diff_fen;   /* diff = declared - expected */
	int count;                                      /* payments not reversed */
};

struct day_close {
	int64_t id;
	char staff_id[AUTH_ID_MAX + 1];
	char business_date[11];
	char status[12];               /* declared signed reopened */
	struct close_line lines[PAYMENT_NMETHODS];
	int64_t declared_fen, expected_fen, diff_fen;
	int payments;                  /* not reversed */
	int reversals;
	int64_t reversed_fen;
	char first_receipt[32], last_receipt[32];   /* "" when none */
	int receipts;                  /* all receipts of the day, reversed too */
	int counter;
	char declared_at[21];
	char signed_by[AUTH_ID_MAX + 1], signed_at[21];
	char reopened_by[AUTH_ID_MAX + 1], reopened_at[21];
	char reopen_reason[PAYMENT_REASON_MAX * 4 + 1];
};

/* The clerk (actor) declares the day's figures, in fen, in the order of
 * payment_method_keys; a negative value means "missing" and is refused
 * with the method named.  date NULL: today.  The day must not be closed
 * already and not lie after the clerk's current business date.  Fills
 * *out with expected, declared and differences; locks the day. */
int payment_close_declare(struct store *s, const struct hall_actor *actor,
                          const char *date,
                          const int64_t declared[PAYMENT_NMETHODS],
                          struct day_close *out, struct hall_err *err);

/* Manager sign-off of staff_id's declared close (staff_id NULL: the
 * actor's).  The approver must not be that clerk. */
int payment_close_sign(struct store *s, const struct hall_actor *actor,
                       const char *staff_id, const char *date,
                       const char *approver_id, const char *approver_password,
                       struct day_close *out, struct hall_err *err);

/* The close of a clerk's day that is in force (declared or signed);
 * HALL_ENOTFOUND if the day is open. */
int payment_close_get(struct store *s, const char *staff_id, const char *date,
                      struct day_close *out, struct hall_err *err);

/* Reopen a closed day (today or later only) with a manager's approval and
 * a reason; the close is kept as 'reopened' and journaled. */
int payment_day_reopen(struct store *s, const struct hall_actor *actor,
                       const char *staff_id, const char *date,
                       const char *reason, const char *approver_id,
                       const char *approver_password, struct hall_err *err);

#endif
