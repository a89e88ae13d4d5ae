/* fuzz_money.c - the money parser and formatters.  Properties: an accepted
 * amount is within ±MONEY_MAX_FEN, formats back to text that parses to the
 * same fen (with and without separators), and has 大写 text; a refusal
 * leaves the output alone and says why in clean text; any int64 formats
 * without overflow. */
#include "fuzz_common.h"

#include "hall/money.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	utf8_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	int64_t fen = 4242;
	struct hall_err e;
	if (money_parse(s, "amount", &fen, &e) == HALL_OK) {
		FUZZ_CHECK(fen >= -MONEY_MAX_FEN && fen <= MONEY_MAX_FEN, "'%s' -> %lld", s, (long long)fen);
		char a[32], b[32], dx[128];
		int64_t back = 0;
		money_format(fen, a, sizeof a);
		FUZZ_CHECK(money_parse(a, NULL, &back, &e) == HALL_OK && back == fen,
		           "'%s' -> %lld -> '%s' -> %lld", s, (long long)fen, a, (long long)back);
		money_format_plain(fen, b, sizeof b);
		FUZZ_CHECK(money_parse(b, NULL, &back, &e) == HALL_OK && back == fen, "plain '%s'", b);
		money_daxie(fen, dx, sizeof dx);
		FUZZ_CHECK(dx[0] != '\0' && utf8_valid(dx, strlen(dx)), "daxie of %lld", (long long)fen);
	} else {
		FUZZ_CHECK(fen == 4242, "refused '%s' but wrote %lld", s, (long long)fen);
		FUZZ_CHECK(e.code == HALL_EINVAL, "code %d", e.code);
		fuzz_check_err(&e);
	}
	/* any 8 bytes as an amount */
	if (size >= 8) {
		int64_t v;
		memcpy(&v, data, sizeof v);
		char a[32], dx[128];
		money_format(v, a, sizeof a);
		FUZZ_CHECK(a[0] != '\0', "format %lld", (long long)v);
		money_format_plain(v, a, sizeof a);
		money_daxie(v, dx, sizeof dx);
		if (v >= -MONEY_MAX_FEN && v <= MONEY_MAX_FEN)
			FUZZ_CHECK(dx[0] != '\0', "daxie %lld", (long long)v);
		char tiny[5];
		money_format(v, tiny, sizeof tiny);    /* too small: "" or right */
	}
	free(s);
	return 0;
}
