/*
 * customer.h - customers/accounts (户), their bills, and look-up.
 *
 * Look-up takes one query string, as typed in the counter's search box:
 *   - 10 digits: account number (exact), else a phone number tail;
 *   - 11 digits starting with 1, or a landline: phone (exact);
 *   - 18 characters that form an ID number: ID (exact);
 *   - 4-9 digits: phone number ending with them, or account number prefix;
 *   - anything else (2 characters or more): substring of name or address,
 *     Chinese included, through a bigram full-text index.
 */
#ifndef HALL_CUSTOMER_H
#define HALL_CUSTOMER_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/err.h"
#include "hall/store.h"

#define CUSTOMER_SEARCH_MAX 200

struct customer {
	int64_t id;
	char account_no[24];
	char name[244];            /* up to 60 characters */
	char id_type[16];
	char id_number[40];
	char phone[32];
	char address[488];         /* up to 120 characters */
	char category[24];
	char voltage[8];
	int64_t capacity;
	char tariff_form[12];
	char status[16];           /* normal suspended temp_removed closed connecting */
	int64_t prepaid_fen;       /* prepaid balance */
	int64_t arrears_fen;       /* unpaid principal of all bills (no late fee) */
	char updated_at[21];
};

struct bill {
	int64_t id;
	char account_no[24];
	char period[8];            /* YYYY-MM */
	int64_t kwh;
	int64_t amount_fen;
	int64_t paid_fen;          /* principal paid so far */
	char due_date[11];
	char status[8];            /* unpaid partial paid */
};

/* Work order summary for the customer view and the work list. */
struct work_item {
	char kind[16];             /* application change complaint */
	char number[32];
	char account_no[24];
	char name[244];
	char type[32];             /* application kind, change type, complaint kind */
	char stage[24];
	char status[16];           /* open done */
	char created_at[21];
	char deadline[21];         /* "" when no deadline rule applies */
	char staff_id[17];
	bool repeat;               /* repeat complaint */
};

struct payment_row {
	char receipt_no[32];
	char account_no[24];
	int64_t amount_fen;
	char method[16];
	char status[8];            /* ok void */
	char created_at[21];
	char staff_id[17];
	int counter;
};

int customer_get(struct store *s, const char *account_no,
                 struct customer *out, struct hall_err *err);

/* Search as described above; calls fn for each match (at most limit,
 * 1..CUSTOMER_SEARCH_MAX).  Returns HALL_OK and sets *count; a query too
 * short or empty gives HALL_EINVAL with a hint. */
int customer_search(struct store *s, const char *query, int limit,
                    void (*fn)(void *ud, const struct customer *c), void *ud,
                    int *count, struct hall_err *err);

/* Bills of an account, oldest first; only unpaid/partial if unpaid_only. */
int customer_bills(struct store *s, const char *account_no, bool unpaid_only,
                   void (*fn)(void *ud, const struct bill *b), void *ud,
                   struct hall_err *err);

/* Latest payments of an account, newest first. */
int customer_payments(struct store *s, const char *account_no, int limit,
                      void (*fn)(void *ud, const struct payment_row *p),
                      void *ud, struct hall_err *err);

/* Applications, changes and complaints of an account, newest first. */
int customer_work(struct store *s, const char *account_no,
                  void (*fn)(void *ud, const struct work_item *w), void *ud,
                  struct hall_err *err);

/* Insert or replace customers/bills from validated fields (import, demo,
 * sync).  Inside a write transaction. */
int customer_upsert(struct store *s, const struct customer *c,
                    const char *extras_json, struct hall_err *err);

#endif
