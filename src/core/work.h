/*
 * work.h - work-order rows shared by customer.c and counter.c (private).
 */
#ifndef HALL_WORK_H
#define HALL_WORK_H

#include <sqlite3.h>

#include "hall/customer.h"

/* Fill a work_item from a row of the work-item SELECTs. */
void customer_row_work(sqlite3_stmt *st, struct work_item *w);

/* Open work items, ?1 = staff id or NULL for the whole hall, nearest
 * deadline first (items without one last), then oldest. */
const char *customer_worklist_sql(void);

#endif
