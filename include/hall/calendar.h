/*
 * calendar.h - the working-day calendar (工作日历) and deadline arithmetic.
 *
 * China's working days are not "Monday to Friday": public holidays are off,
 * and some weekends are working days (调休上班).  The State Council General
 * Office publishes each year's arrangement in the autumn before, so the
 * calendar is data: one plain text file per year that an administrator can
 * edit, checked and stored in the hall store by `hall calendar import`, so
 * that every counter computes the same deadlines.
 *
 * File format (UTF-8, one directive a line; '#' starts a comment line;
 * blank lines are ignored):
 *
 *   year 2026                     the year of the file (first directive)
 *   status official               official | provisional (default official;
 *                                 provisional: not yet the published
 *                                 arrangement, counters are warned)
 *   source 国办发明电 2025-11-04  where the dates come from (free text)
 *   2026-10-01 off 国庆节         a day off that would be a working day
 *                                 (also allowed on a weekend, for the record)
 *   2026-10-10 work 国庆节调休上班 a weekend day that is a working day
 *
 * "休" and "班" are accepted for off and work.  The name after the kind is
 * optional (up to 30 characters).  Every date must be in the file's year,
 * each at most once; "work" only on a Saturday or Sunday.  A year that is
 * not in the calendar counts Monday to Friday as working days, and
 * calendar_warning() says so.
 *
 * Arithmetic (all in the hall's local time, the TZ of the process; China
 * has no daylight saving time):
 *   - a working day is a date listed "work", or a Monday-Friday not listed
 *     "off";
 *   - N working days from an instant T: the end (23:59:59) of the N-th
 *     working day after the date of T; the date of T itself never counts,
 *     whatever the hour (an order taken on Friday afternoon or on a Sunday
 *     has its first working day on the next working day).  N = 0: the end
 *     of the date of T;
 *   - N working hours from T: N hours counted only inside the working
 *     windows (work_window setting, default 08:30-17:30; several windows
 *     allowed, e.g. "08:30-12:00,14:00-17:30") of working days, starting at
 *     T if T is inside a window, else at the next window's start; a count
 *     that ends exactly at a window's end ends there;
 *   - N hours ("24 hours" rules): N × 3600 seconds of the clock, calendar
 *     and windows ignored.
 */
#ifndef HALL_CALENDAR_H
#define HALL_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/auth.h"
#include "hall/err.h"
#include "hall/store.h"

#define CAL_NAME_MAX 96        /* 30 characters of UTF-8 and the NUL */
#define CAL_SOURCE_MAX 608     /* 200 characters */
#define CAL_MAX_WINDOWS 4
#define CAL_FILE_MAX (256 * 1024)
#define CAL_YEAR_MIN 1990
#define CAL_YEAR_MAX 2200

/* One day that differs from the weekend rule.  day: days since 1970-01-01. */
struct cal_day {
	int32_t day;
	bool work;                 /* true: a working weekend day; false: off */
	char name[CAL_NAME_MAX];
};

/* One year as written in a file or stored. */
struct cal_year {
	int year;
	bool provisional;
	char source[CAL_SOURCE_MAX];
	char imported_at[21];      /* UTC, "" when parsed from a file */
	int ndays;
	struct cal_day days[366];  /* in date order */
};

/* A working window of a day, in seconds after midnight: [start, end). */
struct cal_window {
	int start, end;
};

/* The whole calendar as loaded from the store. */
struct hall_calendar {
	int nyears;
	int years[CAL_YEAR_MAX - CAL_YEAR_MIN + 1];  /* ascending */
	bool provisional[CAL_YEAR_MAX - CAL_YEAR_MIN + 1];
	int ndays;
	struct cal_day *days;      /* all years, in date order */
	int nwin;
	struct cal_window win[CAL_MAX_WINDOWS];
};

/* ---------------------------------------------------------- dates */

/* Strict "YYYY-MM-DD" (a real date, years 1900-2999) to a day number. */
bool cal_parse_date(const char *s, int32_t *day);
/* Day number to "YYYY-MM-DD". */
void cal_format_date(int32_t day, char out[11]);
/* Year, month (1-12), day (1-31) of a day number. */
void cal_ymd(int32_t day, int *y, int *m, int *d);
int32_t cal_days_from_ymd(int y, int m, int d);
/* 1 = Monday ... 7 = Sunday. */
int cal_weekday(int32_t day);
/* The same day N months later, clamped to the month's last day
 * (01-31 + 1 month = 02-28 or 02-29). */
int32_t cal_add_months(int32_t day, int months);

/* Local wall-clock seconds since 1970-01-01 00:00 local ("wall seconds";
 * day = wall / 86400) from a stored UTC time "YYYY-MM-DDTHH:MM:SSZ", and
 * back.  false for a malformed time. */
bool cal_utc_to_wall(const char *utc, int64_t *wall);
void cal_wall_to_utc(int64_t wall, char out[21]);

/* ------------------------------------------------------ calendar */

/* Parse the working windows "HH:MM-HH:MM[,HH:MM-HH:MM...]" (ascending, not
 * overlapping, at most CAL_MAX_WINDOWS). */
int cal_window_parse(const char *text, struct cal_window *win, int *nwin,
                     struct hall_err *err);

/* Parse a calendar file's text; path names the file in messages
 * ("PATH:LINE: message", HALL_EINVAL).  Nothing is kept on error. */
int calendar_parse(const char *text, const char *path, struct cal_year *out,
                   struct hall_err *err);
/* Read and parse a file (at most CAL_FILE_MAX bytes). */
int calendar_parse_file(const char *path, struct cal_year *out,
                        struct hall_err *err);
/* Write a year in the file format (what calendar_parse reads back). */
void calendar_write(const struct cal_year *y, void (*put)(void *ud, const char *line),
                    void *ud);

/* Load the calendar and the work_window setting from the store. */
int calendar_load(struct store *s, struct hall_calendar **out,
                  struct hall_err *err);
/* A calendar with no years (weekends only) and the default window, for
 * tests and for a store without a calendar.  NULL on out of memory. */
struct hall_calendar *calendar_new(void);
/* Add a parsed year to an in-memory calendar (replacing the same year). */
int calendar_add_year(struct hall_calendar *c, const struct cal_year *y,
                      struct hall_err *err);
void calendar_free(struct hall_calendar *c);

/* Whether a year is in the calendar; its status. */
bool cal_covers(const struct hall_calendar *c, int year);
bool cal_is_provisional(const struct hall_calendar *c, int year);
/* Whether a date is a working day, and its listed name ("" if none). */
bool cal_is_workday(const struct hall_calendar *c, int32_t day);
const char *cal_day_name(const struct hall_calendar *c, int32_t day);
/* Working days in (from, to]; 0 if to <= from. */
int cal_workdays_between(const struct hall_calendar *c, int32_t from,
                         int32_t to);
/* The n-th working day after day (day itself excluded; n = 0: day). */
int32_t cal_add_workdays(const struct hall_calendar *c, int32_t day, int n);
/* Working seconds (inside the windows of working days) in [a, b). */
int64_t cal_work_seconds_between(const struct hall_calendar *c, int64_t a,
                                 int64_t b);
/* The wall time at which secs working seconds counted from a are used up
 * (see the definition above). */
int64_t cal_add_work_seconds(const struct hall_calendar *c, int64_t a,
                             int64_t secs);

/* ------------------------------------------------- the store */

/* Read one stored year (HALL_ENOTFOUND if it is not in the calendar). */
int calendar_year_get(struct store *s, int year, struct cal_year *out,
                      struct hall_err *err);
/* Import calendar files, all or nothing: every file is parsed and checked
 * first (two files of one year are refused), then, in one transaction, each
 * year replaces the stored one, is journaled ("calendar.import"), and the
 * deadlines of all open work orders are computed again (count in
 * *recomputed, may be NULL).  Admin only. */
int calendar_import(struct store *s, const struct hall_actor *actor,
                    const char *const *paths, int npaths, int *recomputed,
                    struct hall_err *err);

/* A year from the central, applied by the sync's pull (sync.h): parsed
 * and checked by the caller (calendar_parse), it replaces the stored year
 * inside the caller's write transaction, not journaled; imported_at is the
 * central's updated_at.  The caller recomputes open deadlines. */
int calendar_apply_year(struct store *s, const struct cal_year *y,
                        const char *updated_at, struct hall_err *err);

/* The start-up check: fills warn and returns true when deadlines may be
 * wrong today (local date "YYYY-MM-DD"): no calendar at all, today past
 * the last year in the calendar, today's year missing or provisional, or,
 * from December 1, next year missing.  The message says what to do.  The
 * CLI prints it on stderr, the TUI shows it after login. */
bool calendar_warning(struct store *s, const char *today,
                      struct hall_err *warn);

#endif
