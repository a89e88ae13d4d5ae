/*
 * worklist.h - the table of open work (applications, changes, complaints)
 * shared by the home screen and the work list screen.
 */
#ifndef HALL_TUI_WORKLIST_H
#define HALL_TUI_WORKLIST_H

#include <stdbool.h>

#include "hall/customer.h"
#include "tui/app.h"
#include "tui/widget.h"

#define WL_MAX 500

struct wl {
	struct work_item *items;
	int n;
	int total;               /* reported by the store (may exceed n) */
	struct wg_list list;
	int rows;                /* rows shown in the last frame */
	char today[11];          /* local business date */
	char now_utc[21];
	char error[HALL_ERR_TEXT];
};

/* Load open work (workorder_worklist: applications, changes, complaints
 * and rectifications), nearest deadline first: the clerk's (staff_id) or
 * the whole hall's (NULL).  Keeps the selection when it can. */
void wl_load(struct app *a, struct wl *w, const char *staff_id);
void wl_free(struct wl *w);
/* Draw header and rows in [y, y + h); show_staff adds the clerk column. */
void wl_draw(struct app *a, struct wl *w, int y, int h, bool show_staff);
/* Keys of the list (arrows, Enter opens the work item). */
bool wl_key(struct app *a, struct wl *w, tkey k);
/* Display labels. */
const char *wl_kind_label(const char *kind);
const char *wl_type_label(struct app *a, const struct work_item *it);
const char *wl_stage_label(const char *stage);
/* TC_OVERDUE, TC_DUE_TODAY or TC_NORMAL for an item's deadline. */
enum tui_color wl_urgency(const struct wl *w, const struct work_item *it);

/* "How far is my application?": the stage, when the order reached it, and
 * the days (or hours) used of its main limit, from workorder_history and
 * workorder_clocks.  The main clock is "total" for applications and
 * changes, "reply" for complaints (as the exports count it), else the
 * first one. */
struct wl_progress {
	char stage_at[17];         /* local time the stage was reached */
	bool has_clock;
	char clock[24];            /* the clock's key */
	bool started, running, paused, met, overdue;
	int64_t used;              /* working days, or whole hours */
	int limit;
	char unit[12];             /* workdays work_hours hours */
	char deadline[17];         /* local, "" when none */
};
int wl_progress(struct app *a, const char *number, const char *kind,
                const char *created_at, struct wl_progress *p);
/* One line of text: 受理 2024-06-03 10:00  已用 1/5个工作日（期限 ...）. */
void wl_progress_text(const char *stage, const struct wl_progress *p,
                      char *out, size_t outsz);
/* Label of a clock key (全程, 联系, 答复, 回访, or the stage's). */
const char *wl_clock_label(const char *clock);

#endif
