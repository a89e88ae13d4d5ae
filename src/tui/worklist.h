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

/* Load open work, nearest deadline first: the clerk's (staff_id) or the
 * whole hall's (NULL).  Keeps the selection when it can. */
void wl_load(struct app *a, struct wl *w, const char *staff_id);
void wl_free(struct wl *w);
/* Draw header and rows in [y, y + h); show_staff adds the clerk column. */
void wl_draw(struct app *a, struct wl *w, int y, int h, bool show_staff);
/* Keys of the list (arrows, Enter opens the item's customer). */
bool wl_key(struct app *a, struct wl *w, tkey k);
/* Display labels. */
const char *wl_kind_label(const char *kind);
const char *wl_type_label(struct app *a, const struct work_item *it);
const char *wl_stage_label(const char *stage);
/* TC_OVERDUE, TC_DUE_TODAY or TC_NORMAL for an item's deadline. */
enum tui_color wl_urgency(const struct wl *w, const struct work_item *it);

#endif
