/* fuzz_receipt.c - the receipt layout (payment_receipt_format and the
 * reprint banner) with hostile stored text and amounts.  Properties:
 * every line is exactly RECEIPT_COLS columns and ends in '\n'; no control
 * character or invalid UTF-8 reaches the printer. */
#include "fuzz_common.h"

#include "hall/payment.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	utf8_init();
	return 0;
}

static void check_layout(const char *text)
{
	if (!utf8_valid(text, strlen(text)) || utf8_has_control(text, true)) {
		size_t at = 0;
		for (const char *c = text; *c; c++)
			if ((unsigned char)*c < 0x20 && *c != '\n') { at = (size_t)(c - text); break; }
		FUZZ_CHECK(0, "unclean receipt (control near byte %zu):\n%s", at, text);
	}
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		FUZZ_CHECK(nl != NULL, "last line without newline");
		char buf[1024];
		size_t n = (size_t)(nl - line);
		FUZZ_CHECK(n < sizeof buf, "line of %zu bytes", n);
		memcpy(buf, line, n);
		buf[n] = '\0';
		FUZZ_CHECK(utf8_width(buf) == RECEIPT_COLS, "line of %zu columns: '%s'", utf8_width(buf), buf);
		line = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 32)
		return 0;
	int64_t amounts[4];
	memcpy(amounts, data, sizeof amounts);
	char *s = fuzz_str(data + 32, size - 32);
	/* the text splits into the receipt's strings at '|' */
	const char *part[8] = { "", "", "", "", "", "", "", "" };
	char *p = s;
	for (int i = 0; i < 8 && p; i++) {
		part[i] = p;
		p = strchr(p, '|');
		if (p)
			*p++ = '\0';
	}
	struct receipt_bill bills[3] = {
		{ "2026-01", amounts[0] % 100000000, amounts[1] % 1000000 },
		{ "", amounts[1], amounts[2] },
		{ "2026-13", -1, 0 },     /* a month that cannot be */
	};
	/* periods are "YYYY-MM" in the store (checked on import): hostile
	 * periods are a regression case in test_hostile.c */
	snprintf(bills[1].period, sizeof bills[1].period, "%04d-%02d",
	         (int)((uint64_t)amounts[2] % 10000), (int)((uint64_t)amounts[1] % 100));
	struct receipt_data d = {
		.hall_code = part[0], .hall_name = part[1], .counter = (int)(amounts[3] & 0xff),
		.staff_id = part[2], .staff_name = part[3], .receipt_no = part[4],
		.time_local = "2026-03-02 09:00", .business_date = "2026-03-02",
		.account_no = part[5], .name = part[6], .bills = bills, .nbills = (int)(amounts[3] >> 8 & 3),
		.method = part[7], .reference = part[6], .amount_fen = amounts[0],
		.tendered_fen = amounts[1], .change_fen = amounts[2],
		.prepaid_used_fen = amounts[3], .prepaid_added_fen = amounts[0] / 3,
		.prepaid_after_fen = amounts[1] / 7, .arrears_after_fen = amounts[2] / 11,
	};
	char *text = NULL;
	struct hall_err e;
	if (payment_receipt_format(&d, &text, &e) == HALL_OK) {
		check_layout(text);
		char *re = NULL;
		if (payment_receipt_reprint_format(text, (int)(amounts[3] & 0xffff), part[1], part[2],
		                                   amounts[3] & 1, &re, &e) == HALL_OK)
			check_layout(re);
		else
			fuzz_check_err(&e);
		free(re);
	} else {
		fuzz_check_err(&e);
	}
	free(text);
	free(s);
	return 0;
}
