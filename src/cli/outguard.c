/* outguard.c - what the command line prints goes through a filter: no
 * terminal control sequence from stored data ever reaches the terminal
 * (issue #8).  Each command sanitises the text it prints (utf8_sanitize);
 * this is the net under all of them, for a field someone forgot and for
 * rows written into the store behind hall's back (the sqlite3 CLI, a
 * pulled row).  C0 controls but TAB and newline, DEL, C1 controls (as
 * UTF-8, U+0080-U+009F) and bytes that are not UTF-8 become U+FFFD.
 * Not for the counter screen: curses writes its own escape sequences. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define REPL "\xEF\xBF\xBD"

/* a UTF-8 sequence cut between two writes waits here */
static struct {
	unsigned char seq[4];
	int have, need;
} pend;

static bool write_all(const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}

struct obuf {
	char b[4096];
	size_t n;
	bool ok;
};

static void emit(struct obuf *o, const void *p, size_t n)
{
	if (o->n + n > sizeof o->b) {
		o->ok = write_all(o->b, o->n) && o->ok;
		o->n = 0;
	}
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static ssize_t guard_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	struct obuf o = { .n = 0, .ok = true };
	for (size_t i = 0; i < size; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (pend.need > 0) {
			if ((c & 0xC0) == 0x80) {
				pend.seq[pend.have++] = c;
				if (--pend.need == 0) {
					bool c1 = pend.have == 2 && pend.seq[0] == 0xC2 && pend.seq[1] < 0xA0;
					if (c1)
						emit(&o, REPL, 3);
					else
						emit(&o, pend.seq, (size_t)pend.have);
					pend.have = 0;
				}
				continue;
			}
			/* a sequence broken off */
			emit(&o, REPL, 3);
			pend.have = pend.need = 0;
		}
		if (c < 0x80) {
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
				emit(&o, REPL, 3);
			else
				emit(&o, &c, 1);
		} else if (c >= 0xC2 && c <= 0xF4) {
			pend.seq[0] = c;
			pend.have = 1;
			pend.need = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
		} else {
			emit(&o, REPL, 3);
		}
	}
	o.ok = write_all(o.b, o.n) && o.ok;
	return o.ok ? (ssize_t)size : -1;
}

static int guard_close(void *cookie)
{
	(void)cookie;
	if (pend.need > 0) {
		pend.have = pend.need = 0;
		return write_all(REPL, 3) ? 0 : EOF;
	}
	return 0;
}

void cli_stdout_guard(void)
{
	cookie_io_functions_t io = { .read = NULL, .write = guard_write,
		.seek = NULL, .close = guard_close };
	FILE *f = fopencookie(NULL, "w", io);
	if (!f)
		return;
	fflush(stdout);
	setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	stdout = f;
}
