/*
 * fuzz_common.h - helpers shared by the libFuzzer targets tests/fuzz_*.c
 * (built and run by `make fuzz`, tests/fuzz.sh; not part of make check).
 * A finding aborts with a message: libFuzzer keeps the input.
 */
#ifndef HALL_FUZZ_COMMON_H
#define HALL_FUZZ_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/err.h"
#include "hall/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string (NULs inside end it early). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#define FUZZ_CHECK(cond, ...) do { if (!(cond)) { \
	fprintf(stderr, "fuzz check failed: %s: ", #cond); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } } while (0)

/* A message the core returns is valid UTF-8 without control characters
 * (validators: they never echo raw input). */
static inline void fuzz_check_err(const struct hall_err *e)
{
	FUZZ_CHECK(utf8_valid(e->zh, strlen(e->zh)) && !utf8_has_control(e->zh, false),
	           "zh message: %s", e->zh);
	FUZZ_CHECK(utf8_valid(e->en, strlen(e->en)) && !utf8_has_control(e->en, false),
	           "en message: %s", e->en);
}

/* A parser's message may quote the offending text of the file as it is
 * (found by fuzz_form / fuzz_calendar): every output path sanitises it
 * (cli_error, tui_put).  Here: a code, a non-empty text, within bounds. */
static inline void fuzz_check_msg(const struct hall_err *e)
{
	FUZZ_CHECK(e->code != HALL_OK && e->zh[0] && e->en[0], "empty message");
	FUZZ_CHECK(strlen(e->zh) < HALL_ERR_TEXT && strlen(e->en) < HALL_ERR_TEXT, "long message");
}

#endif
