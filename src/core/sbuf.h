/*
 * sbuf.h - a growable byte string for building JSON and text in the core.
 * Private to src/core.  Allocation failure sets the sticky flag oom; the
 * caller checks it once at the end.
 */
#ifndef HALL_SBUF_H
#define HALL_SBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_addf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The text so far, NUL-terminated ("" when empty or out of memory). */
const char *sbuf_str(const struct sbuf *b);

/* JSON: a string literal with quotes and escapes (control characters as
 * \u00XX, '/' left alone), and an object built key by key. */
void sbuf_json_str(struct sbuf *b, const char *s);
void sbuf_json_key(struct sbuf *b, bool *first, const char *key);

#endif
