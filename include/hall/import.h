/*
 * import.h - loading customers and bills from CSV files (hall import).
 *
 * This is how a new hall is loaded from central billing's export and how
 * tests build exact fixtures.  The file is UTF-8 CSV (RFC 4180: fields
 * separated by commas, a field with commas, quotes or line breaks enclosed
 * in double quotes with inner quotes doubled; CRLF or LF line ends; an
 * optional UTF-8 byte-order mark; empty lines are skipped).  The first
 * line is a header naming the field keys of the helper form:
 *
 *   customers  forms/customer.form: account_no name id_type id_number
 *              phone address category voltage capacity tariff_form status
 *              (id_type, tariff_form and status have defaults; every other
 *              column is required; columns may come in any order; a field
 *              an administrator adds to customer.form is accepted and kept
 *              in the customer's extras)
 *   bills      forms/bill.form: account_no period kwh amount due_date
 *              (period YYYY-MM, amount in yuan with up to 2 decimals,
 *              due_date YYYY-MM-DD)
 *
 * Every row is validated with the forms engine, with the same rules as the
 * counter forms, plus what a form cannot say: the period's format, no
 * account twice in a customers file, no (account, period) twice in a bills
 * file or already in the store, and for bills an existing account (any
 * status: closed accounts get final bills).
 *
 * All or nothing: the rows are written in one transaction (BEGIN
 * IMMEDIATE); any error rolls it back and nothing is written.
 *
 * Customers: a row whose account_no exists updates that customer (upsert:
 * every column of the file replaces the stored one, prepaid balance and
 * bills are kept); a new account_no inserts it.  An account number of this
 * hall (hall code + 7 digits) moves the gap-free counter seq('account') up
 * to it, so new connections continue after the imported accounts.
 * Bills: always new (an existing (account, period) is an error: bills may
 * already have payments against them); imported unpaid (paid_fen 0), or
 * paid when the amount is 0.
 *
 * Bulk master data is not journaled row by row (it comes from central
 * billing, which does not need it back); the import itself is one audited
 * action (audit_log kind "import.customers" / "import.bills", target the
 * file, detail "rows=N"), in the same transaction.
 *
 * Errors are "FILE:LINE:COLUMN: message" in the current language (both
 * languages are kept), LINE 1 being the header and COLUMN the 1-based
 * position of the field in its line (0 when the message is about the whole
 * line); a field that spans lines (quoted line breaks) is reported at the
 * line where it starts.  Up to IMPORT_MAX_ERRORS are collected, then the
 * import stops.
 */
#ifndef HALL_IMPORT_H
#define HALL_IMPORT_H

#include <stdbool.h>

#include "hall/auth.h"
#include "hall/err.h"
#include "hall/form.h"
#include "hall/store.h"

#define IMPORT_MAX_ERRORS 50

struct import_error {
	long line;            /* 1 = the header; 0 = not about a line */
	int column;           /* 1-based field in its line, 0 = the line */
	char field[HALL_ERR_FIELD];  /* the column's key, "" if none */
	struct hall_err err;  /* the whole message "FILE:LINE:COLUMN: ..." */
};

struct import_errors {
	int n;
	bool truncated;       /* more errors than IMPORT_MAX_ERRORS */
	struct import_error e[IMPORT_MAX_ERRORS];
};

/* Import csv_path as what ("customers" or "bills") into s, validating with
 * the helper form ("customer" or "bill") of forms.  actor may be NULL (the
 * CLI, run by someone who can write the store file); when given it must be
 * an administrator.  progress (may be NULL) is called about every 1% of the
 * file with bytes read and the file's size, and once at the end with
 * done == total.  *rows_out (may be NULL) gets the number of rows written
 * (0 when nothing was written).
 *
 * Returns HALL_OK, or HALL_EINVAL when rows are bad (errs holds each, in
 * file order); HALL_EIO for a file that cannot be read; HALL_ECONFIG when
 * the helper form is missing; HALL_EPERM, HALL_EBUSY, HALL_EDB otherwise.
 * On any error errs->n >= 1 and nothing was written. */
int import_csv(struct store *s, const struct form_set *forms,
               const char *what, const char *csv_path,
               const struct hall_actor *actor,
               void (*progress)(void *ud, long done, long total), void *ud,
               struct import_errors *errs, long *rows_out);

#endif
