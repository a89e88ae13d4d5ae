/*
 * due.h - what an account owes as of today, as the core reckons it
 * (payment_due_get: the unpaid bills, each one's late fee as of today, the
 * totals and the prepaid balance), drawn under the payment form and in the
 * customer view.  Nothing is computed here: every figure is the core's.
 */
#ifndef HALL_TUI_DUE_H
#define HALL_TUI_DUE_H

#include <stdbool.h>
#include <stddef.h>

#include "hall/payment.h"
#include "tui/app.h"

struct due_view {
	bool loaded;                 /* d holds the account's figures */
	char account_no[24];         /* what was asked for ("" none) */
	struct payment_due d;
	char error[HALL_ERR_TEXT];   /* why it could not be read */
};

/* Read the figures of account_no as of today (replacing what v held).
 * A failure leaves v->loaded false and the message in v->error. */
void due_load(struct app *a, struct due_view *v, const char *account_no);
/* Forget them. */
void due_clear(struct due_view *v);

/* Text of the column header, of one bill and of the totals (one or two
 * lines: total2 gets "" when there is no prepaid balance). */
void due_header(char *out, size_t outsz);
void due_bill_line(const struct bill_due *b, char *out, size_t outsz);
void due_total_lines(const struct payment_due *d, char *total1,
                     char *total2, size_t outsz);

/* Rows due_draw() would use to show everything. */
int due_rows(const struct due_view *v);
/* Draw at most h rows from y: a title, the header, the bills (the last
 * shown row says how many more there are when they do not fit) and the
 * totals. */
void due_draw(struct app *a, const struct due_view *v, int y, int h);

#endif
