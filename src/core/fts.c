/* fts.c - the bigram tokenizer for customer name/address search. */
#include "fts.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hall/utf8.h"

/* The tokenizer has no state: one static object serves every table. */
struct gram_tok {
	int unused;
};

static int gram_create(void *ctx, const char **argv, int argc,
                       Fts5Tokenizer **out)
{
	(void)ctx;
	(void)argv;
	if (argc != 0)
		return SQLITE_ERROR;
	static struct gram_tok tok;
	*out = (Fts5Tokenizer *)&tok;
	return SQLITE_OK;
}

static void gram_delete(Fts5Tokenizer *t)
{
	(void)t;
}

/* Letters, digits and ideographs make words; ASCII punctuation, spaces,
 * CJK and full-width punctuation break them. */
static bool gram_is_word(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= 'A' && cp <= 'Z');
	if (cp >= 0x2000 && cp <= 0x206F)  /* general punctuation */
		return false;
	if (cp >= 0x3000 && cp <= 0x303F)  /* CJK symbols and punctuation */
		return false;
	if (cp >= 0xFF01 && cp <= 0xFF0F)  /* full-width ！＂＃... */
		return false;
	if ((cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
	    (cp >= 0xFF5B && cp <= 0xFF65))
		return false;
	if (cp == 0x00B7 || cp == 0xFEFF || cp == 0xFFFD)
		return false;
	return true;
}

/* Full-width digits and letters fold to ASCII, ASCII letters to lower case,
 * so "１２号" and "12号" find each other. */
static uint32_t gram_fold(uint32_t cp)
{
	if (cp >= 0xFF10 && cp <= 0xFF19)
		cp = cp - 0xFF10 + '0';
	else if (cp >= 0xFF21 && cp <= 0xFF3A)
		cp = cp - 0xFF21 + 'a';
	else if (cp >= 0xFF41 && cp <= 0xFF5A)
		cp = cp - 0xFF41 + 'a';
	if (cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	return cp;
}

void fts_fold(const char *in, char *out, size_t outsz)
{
	size_t o = 0, n = strlen(in);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(in + i, n - i, &cp);
		char enc[4];
		size_t m;
		if (k == 0) {
			enc[0] = in[i];
			m = k = 1;
		} else {
			m = utf8_encode(gram_fold(cp), enc);
		}
		if (o + m >= outsz)
			break;
		memcpy(out + o, enc, m);
		o += m;
		i += k;
	}
	if (outsz)
		out[o] = '\0';
}

typedef int (*token_fn)(void *, int, const char *, int, int, int);

static int gram_tokenize(Fts5Tokenizer *t, void *ctx, int flags,
                         const char *text, int ntext, token_fn emit)
{
	(void)t;
	(void)flags;
	/* the previous word character: its folded bytes and where it began */
	char prev[4];
	size_t nprev = 0;
	int prev_start = 0;
	bool prev_emitted = false;  /* prev took part in a bigram */
	int i = 0;
	while (i < ntext) {
		uint32_t cp;
		size_t n = utf8_decode(text + i, (size_t)(ntext - i), &cp);
		if (n == 0) {  /* invalid byte: a separator */
			cp = 0xFFFD;
			n = 1;
		}
		int start = i;
		i += (int)n;
		if (!gram_is_word(cp)) {
			if (nprev && !prev_emitted) {
				int rc = emit(ctx, 0, prev, (int)nprev, prev_start,
				              start);
				if (rc != SQLITE_OK)
					return rc;
			}
			nprev = 0;
			continue;
		}
		char cur[4];
		size_t ncur = utf8_encode(gram_fold(cp), cur);
		if (nprev) {
			char pair[8];
			memcpy(pair, prev, nprev);
			memcpy(pair + nprev, cur, ncur);
			int rc = emit(ctx, 0, pair, (int)(nprev + ncur),
			              prev_start, i);
			if (rc != SQLITE_OK)
				return rc;
			prev_emitted = true;
		} else {
			prev_emitted = false;
		}
		memcpy(prev, cur, ncur);
		nprev = ncur;
		prev_start = start;
	}
	if (nprev && !prev_emitted)
		return emit(ctx, 0, prev, (int)nprev, prev_start, ntext);
	return SQLITE_OK;
}

static fts5_api *fts_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return api;
}

int fts_register(sqlite3 *db)
{
	fts5_api *api = fts_api(db);
	if (!api)
		return SQLITE_ERROR;
	static fts5_tokenizer tok = { gram_create, gram_delete, gram_tokenize };
	return api->xCreateTokenizer(api, "hallgram", NULL, &tok, NULL);
}
