/* fuzz_calendar.c - the calendar file parser and the working-window
 * parser.  Properties: an accepted file writes back (calendar_write) to
 * text that parses to the same year; refusals are clean text; a calendar
 * built from an accepted year answers date arithmetic without crashing. */
#include "fuzz_common.h"

#include "hall/calendar.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	utf8_init();
	setenv("TZ", "Asia/Shanghai", 1);
	return 0;
}

struct buf {
	char *p;
	size_t n;
};

static void put(void *ud, const char *line)
{
	struct buf *b = ud;
	size_t k = strlen(line);
	b->p = realloc(b->p, b->n + k + 2);
	if (!b->p)
		abort();
	memcpy(b->p + b->n, line, k);
	b->n += k;
	b->p[b->n++] = '\n';
	b->p[b->n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	struct cal_year *y = calloc(2, sizeof *y);
	if (!y)
		abort();
	struct hall_err e;
	if (calendar_parse(text, "fuzz.cal", &y[0], &e) == HALL_OK) {
		struct buf b = { 0 };
		calendar_write(&y[0], put, &b);
		FUZZ_CHECK(b.p && calendar_parse(b.p, "again.cal", &y[1], &e) == HALL_OK,
		           "written year does not parse: %s", e.en);
		FUZZ_CHECK(y[0].year == y[1].year && y[0].ndays == y[1].ndays &&
		           y[0].provisional == y[1].provisional, "round trip differs");
		for (int i = 0; i < y[0].ndays; i++)
			FUZZ_CHECK(y[0].days[i].day == y[1].days[i].day &&
			           y[0].days[i].work == y[1].days[i].work &&
			           strcmp(y[0].days[i].name, y[1].days[i].name) == 0, "day %d differs", i);
		free(b.p);
		struct hall_calendar *c = calendar_new();
		if (c && calendar_add_year(c, &y[0], &e) == HALL_OK) {
			int32_t d0 = cal_days_from_ymd(y[0].year, 1, 1);
			for (int i = 0; i < 3; i++) {
				int32_t d = d0 + (int32_t)(data[size ? i % size : 0]) * (i + 1);
				(void)cal_is_workday(c, d);
				(void)cal_add_workdays(c, d, i * 7);
				(void)cal_workdays_between(c, d0, d);
			}
		}
		calendar_free(c);
	} else {
		fuzz_check_msg(&e);
	}
	struct cal_window win[CAL_MAX_WINDOWS];
	int nwin = 0;
	if (cal_window_parse(text, win, &nwin, &e) == HALL_OK) {
		FUZZ_CHECK(nwin >= 1 && nwin <= CAL_MAX_WINDOWS, "nwin %d", nwin);
		for (int i = 0; i < nwin; i++)
			FUZZ_CHECK(win[i].start >= 0 && win[i].start < win[i].end && win[i].end <= 86400 &&
			           (i == 0 || win[i - 1].end <= win[i].start), "window %d", i);
	} else {
		fuzz_check_msg(&e);
	}
	free(y);
	free(text);
	return 0;
}
