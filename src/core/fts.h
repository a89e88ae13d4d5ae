/*
 * fts.h - the "hallgram" FTS5 tokenizer: overlapping character bigrams.
 *
 * Chinese has no spaces, and customers are found by fragments of two or
 * more characters ("王芳", "华林路").  The tokenizer cuts text into runs of
 * letters, digits and CJK characters (punctuation and spaces end a run),
 * folds ASCII to lower case and emits every pair of neighbouring
 * characters as a token (a run of one character is emitted alone).  A
 * query phrase of N >= 2 characters becomes N-1 consecutive bigrams, which
 * FTS5 matches as a phrase: exactly a substring search, served by the
 * index.  Registered on every connection by store_open().
 */
#ifndef HALL_FTS_H
#define HALL_FTS_H

#include <stddef.h>

#include <sqlite3.h>

int fts_register(sqlite3 *db);

/* Copy in to out folded as the tokenizer folds characters (full-width
 * digits and letters to ASCII, ASCII letters to lower case), so that a
 * match can be checked with a plain substring search.  Invalid UTF-8 is
 * copied byte for byte.  Always NUL-terminates. */
void fts_fold(const char *in, char *out, size_t outsz);

#endif
