/*
 * ident.h - identity numbers, phone numbers and dates.
 *
 * Resident ID (GB 11643-1999), unified social credit code (GB 32100-2015),
 * Chinese mobile and landline numbers, calendar dates.  Each check returns
 * HALL_OK or HALL_EINVAL with a message naming the field and the rule.
 */
#ifndef HALL_IDENT_H
#define HALL_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "hall/err.h"

/* 18 characters, 17 digits + check character (digit or 'X'; lower-case 'x'
 * accepted), weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check from
 * "10X98765432"; characters 7-14 a real date between 1900-01-01 and today. */
int ident_resident_check(const char *s, const char *field,
                         struct hall_err *err);

/* Check character of the first 17 digits (for generating test data). */
char ident_resident_checkchar(const char *first17);

/* 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY", weights
 * 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, check value
 * (31 - sum mod 31) mod 31. */
int ident_uscc_check(const char *s, const char *field, struct hall_err *err);

/* Check character of the first 17 characters (for test data); '\0' if a
 * character is outside the set. */
char ident_uscc_checkchar(const char *first17);

/* Mobile 1[3-9] + 9 digits, or landline: area code 0 + 2-3 digits, optional
 * '-', 7-8 digit number, optional '-' + 1-6 digit extension. */
int ident_phone_check(const char *s, const char *field, struct hall_err *err);

/* Passport or other document: 5-30 letters, digits or '-'. */
int ident_other_check(const char *s, const char *field, struct hall_err *err);

/* Check a document number by its type key: "resident_id", "uscc",
 * "passport", "other". */
int ident_check_by_type(const char *id_type, const char *s, const char *field,
                        struct hall_err *err);

/* Mask for display: resident ID keeps first 6 and last 4
 * ("110105********002X"); USCC keeps the first 8 and last 4; phones keep the
 * first 3 and last 4 ("138****5678"); others keep the last 4.  Operates on
 * bytes of ASCII identifiers; out needs strlen(s)+1 bytes. */
char *ident_mask_id(const char *s, char *out, size_t outsz);
char *ident_mask_phone(const char *s, char *out, size_t outsz);

/* Date "YYYY-MM-DD" (also accepts "YYYYMMDD"), a real calendar day from
 * 1900-01-01 to 2199-12-31.  Writes the canonical "YYYY-MM-DD" into out
 * (11 bytes) when out is not NULL. */
int ident_date_check(const char *s, const char *field, char out[11],
                     struct hall_err *err);

/* Days in month, leap years by the Gregorian rule. */
int ident_days_in_month(int year, int month);
bool ident_is_leap(int year);

/* Day number of a date (days since 1970-01-01) and back: for date
 * arithmetic without time zones. */
long ident_days_from_civil(int y, int m, int d);
void ident_civil_from_days(long days, int *y, int *m, int *d);

#endif
