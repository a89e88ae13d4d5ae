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
 * "10X98765432"; characters 7-14 a real date between 1900-01-01 and today
 * (local time).  The 15-digit numbers of the first generation are not
 * accepted; the region code (characters 1-6) is not checked (permits for
 * Hong Kong, Macao and Taiwan residents and the 2023 foreign permanent
 * resident card use the same scheme with other prefixes). */
int ident_resident_check(const char *s, const char *field,
                         struct hall_err *err);

/* Check character of the first 17 digits (for generating test data); '\0'
 * if one of them is not a digit or s is shorter. */
char ident_resident_checkchar(const char *first17);

/* 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY", weights
 * 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, check value
 * (31 - sum mod 31) mod 31.  Lower-case letters are rejected with their
 * own message ("letters must be capitals"; callers may upper-case first).
 * Only the character set and the check character are checked. */
int ident_uscc_check(const char *s, const char *field, struct hall_err *err);

/* Check character of the first 17 characters (for test data); '\0' if a
 * character is outside the set. */
char ident_uscc_checkchar(const char *first17);

/* Mobile 1[3-9] + 9 digits, or landline: area code 0 + 2-3 digits, optional
 * '-', 7-8 digit number, optional '-' + 1-6 digit extension.  The area
 * code's second digit is not 0 ("00" is the international prefix); no
 * spaces, no "+86", no dashes inside a mobile number. */
int ident_phone_check(const char *s, const char *field, struct hall_err *err);

/* Passport or other document: 5-30 letters, digits or '-', at least one of
 * them a letter or digit. */
int ident_other_check(const char *s, const char *field, struct hall_err *err);

/* Check a document number by its type key: "resident_id", "uscc",
 * "passport", "other".  NULL, empty or another type: HALL_EINVAL. */
int ident_check_by_type(const char *id_type, const char *s, const char *field,
                        struct hall_err *err);

/* Mask for display: resident ID keeps first 6 and last 4
 * ("110105********002X"); USCC keeps the first 8 and last 4; phones keep the
 * first 3 and last 4 ("138****5678"); others keep the last 4.  Operates on
 * bytes of ASCII identifiers; out needs strlen(s)+1 bytes.
 * The kind is told by shape: 17 digits + digit/X is a resident ID, any
 * other 18 ASCII letters/digits a USCC.  An "other" of 4 characters or
 * fewer is masked whole.  Phones keep their '-'; a phone shorter than 8
 * characters keeps only its last 2.  Non-ASCII text is masked one '*' per
 * character, never cutting one.  NULL s gives ""; out too small gives "".
 * Both return out. */
char *ident_mask_id(const char *s, char *out, size_t outsz);
char *ident_mask_phone(const char *s, char *out, size_t outsz);

/* Date "YYYY-MM-DD" (also accepts "YYYYMMDD"), a real calendar day from
 * 1900-01-01 to 2199-12-31.  Writes the canonical "YYYY-MM-DD" into out
 * (11 bytes) when out is not NULL.  No white space around it. */
int ident_date_check(const char *s, const char *field, char out[11],
                     struct hall_err *err);

/* Days in month, leap years by the Gregorian rule. */
int ident_days_in_month(int year, int month);
bool ident_is_leap(int year);

/* Day number of a date (days since 1970-01-01) and back: for date
 * arithmetic without time zones.  Proleptic Gregorian calendar; year 0 is
 * 1 BC.  days_from_civil carries an out-of-range month or day over (month
 * 13 is January of the next year, day 0 the last day of the month before).
 * civil_from_days clamps beyond ±700,000,000,000 days; NULL outputs are
 * allowed. */
long ident_days_from_civil(int y, int m, int d);
void ident_civil_from_days(long days, int *y, int *m, int *d);

#endif
