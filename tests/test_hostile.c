/* test_hostile.c - hostile input at the core (issue 8): every field of every
 * shipped form against a table of hostile values (each refused with a
 * message naming the field, or kept verbatim), the money and identity
 * parsers against hostile numbers, the sanitiser against every control
 * character, the receipt layout against hostile stored text, and the
 * regression inputs found by the fuzz targets (tests/fuzz_*.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/calendar.h"
#include "hall/form.h"
#include "hall/ident.h"
#include "hall/money.h"
#include "hall/payment.h"
#include "hall/utf8.h"

static struct form_set *forms;

static int setup(void **state)
{
	(void)state;
	utf8_init();
	hall_lang_set(HALL_LANG_EN);
	const char *dir = getenv("HALL_FORMS");
	struct hall_err e;
	if (formset_load_dir(dir ? dir : "forms", &forms, &e) != HALL_OK)
		fail_msg("forms: %s", e.en);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	formset_free(forms);
	return 0;
}

/* No C0/C1 control, DEL or invalid UTF-8 (newline allowed when asked). */
static bool clean_text(const char *s, bool allow_newline)
{
	return utf8_valid(s, strlen(s)) && !utf8_has_control(s, allow_newline);
}

/* ------------------------------------------------- the hostile value table */

enum want { BAD, KEEP };

struct hostile {
	const char *name;
	const char *value;
	enum want text;         /* for text fields (one line) */
	enum want multiline;    /* for multiline fields */
};

static const struct hostile table[] = {
	/* stored as typed */
	{ "sql drop", "'; DROP TABLE customers; --", KEEP, KEEP },
	{ "sql union", "x' UNION SELECT pw_hash FROM staff --", KEEP, KEEP },
	{ "sql comment", "a/*b*/c -- d", KEEP, KEEP },
	{ "format n", "%s%s%s%n%n%x", KEEP, KEEP },
	{ "format width", "%99999999d%ls%lc", KEEP, KEEP },
	{ "shell", "$(id)`id`${IFS}|;&", KEEP, KEEP },
	{ "html", "<script>alert(1)</script>", KEEP, KEEP },
	{ "path", "../../../../etc/passwd", KEEP, KEEP },
	{ "backslash", "C:\\Windows\\..\\x", KEEP, KEEP },
	{ "emoji", "张\xF0\x9F\x98\x80三", KEEP, KEEP },
	{ "combining", "Jose\xCC\x81", KEEP, KEEP },
	{ "zero width", "a\xE2\x80\x8B" "b", KEEP, KEEP },
	{ "json", "{\"a\":[1,2,{\"b\":null}]}", KEEP, KEEP },
	{ "newline", "a\nb", BAD, KEEP },
	/* control and escape characters */
	{ "esc clear", "x\x1b[2Jy", BAD, BAD },
	{ "osc title", "\x1b]0;pwned\x07", BAD, BAD },
	{ "osc 52 clipboard", "\x1b]52;c;cHduZWQ=\x07", BAD, BAD },
	{ "ris", "\x1b" "c", BAD, BAD },
	{ "dcs", "\x1bP1$qm\x1b\\", BAD, BAD },
	{ "bell", "a\x07" "b", BAD, BAD },
	{ "backspace", "admin\b\b\b\b\bclerk", BAD, BAD },
	{ "cr", "a\rb", BAD, BAD },
	{ "tab", "a\tb", BAD, BAD },
	{ "vt", "a\x0b" "b", BAD, BAD },
	{ "ff", "a\x0c" "b", BAD, BAD },
	{ "del", "a\x7f" "b", BAD, BAD },
	{ "c1 csi", "a\xC2\x9B" "2Jb", BAD, BAD },
	{ "c1 nel", "a\xC2\x85" "b", BAD, BAD },
	{ "c1 osc", "\xC2\x9D" "0;x\xC2\x9C", BAD, BAD },
	/* invalid UTF-8 */
	{ "byte ff", "a\xFF" "b", BAD, BAD },
	{ "raw csi", "\x9B" "2J", BAD, BAD },
	{ "overlong slash", "\xC0\xAF", BAD, BAD },
	{ "overlong nul", "a\xC0\x80" "b", BAD, BAD },
	{ "overlong 3", "\xE0\x80\xAF", BAD, BAD },
	{ "surrogate", "\xED\xA0\x80", BAD, BAD },
	{ "cut short", "\xE4\xB8", BAD, BAD },
	{ "five bytes", "\xF8\x88\x80\x80\x80", BAD, BAD },
	{ "above 10ffff", "\xF4\x90\x80\x80", BAD, BAD },
	{ "lone continuation", "\x80\x80", BAD, BAD },
};

/* Every text and multiline field of every form: control characters and
 * invalid UTF-8 refused with the field named; the rest kept exactly. */
static void test_text_fields(void **state)
{
	(void)state;
	int checked = 0;
	for (int fi = 0; fi < forms->nforms; fi++) {
		const struct form_def *f = forms->forms[fi];
		for (int k = 0; k < f->nfields; k++) {
			const struct form_field *fld = &f->fields[k];
			if (fld->type != FT_TEXT && fld->type != FT_MULTILINE)
				continue;
			bool multi = fld->type == FT_MULTILINE;
			for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
				const struct hostile *h = &table[i];
				enum want w = multi ? h->multiline : h->text;
				size_t nchars = utf8_chars(h->value);
				if (w == KEEP && fld->max_len && (int)nchars > fld->max_len)
					continue;          /* too long for this field: not the point */
				if (w == KEEP && fld->min_len && (int)nchars < fld->min_len)
					continue;
				char norm[FORM_VALUE_MAX];
				struct hall_err e;
				int rc = form_field_check(fld, h->value, NULL, NULL, norm, sizeof norm, &e);
				if (w == BAD) {
					if (rc != HALL_EINVAL)
						fail_msg("%s.%s: '%s' accepted", f->name, fld->key, h->name);
					if (strcmp(e.field, fld->key) != 0)
						fail_msg("%s.%s: '%s' message about '%s'", f->name, fld->key, h->name, e.field);
					if (!strstr(e.en, fld->label_en))
						fail_msg("%s.%s: '%s' message does not name %s: %s", f->name, fld->key, h->name, fld->label_en, e.en);
					/* the message never echoes the raw bytes */
					if (!clean_text(e.en, false) || !clean_text(e.zh, false))
						fail_msg("%s.%s: '%s' message carries control bytes", f->name, fld->key, h->name);
				} else {
					if (rc != HALL_OK)
						fail_msg("%s.%s: '%s' refused: %s", f->name, fld->key, h->name, e.en);
					if (strcmp(norm, h->value) != 0)
						fail_msg("%s.%s: '%s' stored as '%s'", f->name, fld->key, h->name, norm);
				}
				checked++;
			}
		}
	}
	assert_true(checked >= 200);
	/* CRLF: one line break in multi-line text (stored as LF), refused in
	 * a one-line field */
	const struct form_def *f = formset_find(forms, "complaint");
	assert_non_null(f);
	char norm[FORM_VALUE_MAX];
	struct hall_err e;
	assert_int_equal(form_field_check(form_field_find(f, "content"), "a\r\nb", NULL, NULL,
	                                  norm, sizeof norm, &e), HALL_OK);
	assert_string_equal(norm, "a\nb");
	assert_int_equal(form_field_check(form_field_find(f, "name"), "a\r\nb", NULL, NULL,
	                                  norm, sizeof norm, &e), HALL_EINVAL);
}

/* Every field of every form (whatever its type) refuses escape sequences
 * and invalid UTF-8, and survives very long values. */
static void test_every_field(void **state)
{
	(void)state;
	/* (a trailing blank or CR is trimmed, so never stored: not listed) */
	static const char *const bad[] = { "1\x1b[2J", "\x1b]0;x\x07", "\xC2\x9B" "1",
		"\xFF", "\xC0\xAF", "1\x7f", "1\r1", "1\t1", "1\b1" };
	char *huge = malloc(FORM_VALUE_MAX * 4);
	assert_non_null(huge);
	memset(huge, '9', FORM_VALUE_MAX * 4 - 1);
	huge[FORM_VALUE_MAX * 4 - 1] = '\0';
	for (int fi = 0; fi < forms->nforms; fi++) {
		const struct form_def *f = forms->forms[fi];
		for (int k = 0; k < f->nfields; k++) {
			const struct form_field *fld = &f->fields[k];
			char norm[FORM_VALUE_MAX];
			struct hall_err e;
			for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
				if (form_field_check(fld, bad[i], NULL, NULL, norm, sizeof norm, &e) != HALL_EINVAL)
					fail_msg("%s.%s: hostile value %zu accepted", f->name, fld->key, i);
				assert_string_equal(e.field, fld->key);
			}
			if (form_field_check(fld, huge, NULL, NULL, norm, sizeof norm, &e) != HALL_EINVAL)
				fail_msg("%s.%s: %d-byte value accepted", f->name, fld->key, FORM_VALUE_MAX * 4);
		}
	}
	free(huge);
}

/* ------------------------------------------------------------- numbers */

static void test_money_hostile(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"99999999999999999999", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "999999999999999.99", "1000000000000.00",
		"1e5", "1E5", "0x10", "NaN", "nan", "inf", "-inf", "Infinity",
		"%n", "%s", "1,00", "1,0000", ",100", "100,", "1.", ".5", "1.001",
		"--1", "+1", "1-", "1 000", " 1", "1 ", "", "-", ".", ",", "1..2",
		"\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x90", "100元", "¥100", "1\x1b[2J",
		"1\xFF", "0.0.1", "1/2", "½", "١٠٠", "00000000000000000000000000001.001",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t fen = 4242;
		struct hall_err e;
		if (money_parse(bad[i], "amount", &fen, &e) != HALL_EINVAL)
			fail_msg("money '%s' accepted as %lld", bad[i], (long long)fen);
		assert_int_equal(fen, 4242);
		assert_true(clean_text(e.en, false));
		assert_non_null(strstr(e.en, "amount"));
	}
	/* the largest amount and its neighbours */
	int64_t fen;
	assert_int_equal(money_parse("999999999999.99", "amount", &fen, NULL), HALL_OK);
	assert_int_equal(fen, MONEY_MAX_FEN);
	assert_int_equal(money_parse("-999999999999.99", "amount", &fen, NULL), HALL_OK);
	assert_int_equal(fen, -MONEY_MAX_FEN);
	assert_int_equal(money_parse("000000000000000000000000000001.00", "amount", &fen, NULL), HALL_OK);
	assert_int_equal(fen, 100);
	char out[32];
	money_format(INT64_MIN, out, sizeof out);
	assert_string_equal(out, "-92,233,720,368,547,758.08");
	money_format(INT64_MAX, out, sizeof out);
	assert_string_equal(out, "92,233,720,368,547,758.07");
	char dx[128];
	assert_string_equal(money_daxie(INT64_MIN, dx, sizeof dx), "");
	assert_string_equal(money_daxie(MONEY_MAX_FEN + 1, dx, sizeof dx), "");
}

static void test_ident_hostile(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"11010519491231002X\x1b[2J", "' OR 1=1 --", "%s%s%s%s%s%s%s%s%s",
		"1101051949123100\xFF", "110105194912310021234", "",
		"\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x95" "194912310021",
		"11010519491231002x\n", "../../11010519491231",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct hall_err e;
		assert_int_equal(ident_resident_check(bad[i], "id_number", &e), HALL_EINVAL);
		assert_true(clean_text(e.en, false));
		assert_int_equal(ident_uscc_check(bad[i], "id_number", &e), HALL_EINVAL);
		assert_int_equal(ident_phone_check(bad[i], "phone", &e), HALL_EINVAL);
		assert_int_not_equal(ident_other_check(bad[i][0] ? bad[i] : "\x1b", "id", &e) == HALL_OK &&
		                     !clean_text(bad[i], false), true);
		char out[11];
		assert_int_equal(ident_date_check(bad[i], "date", out, &e), HALL_EINVAL);
	}
	/* masking never leaks raw control bytes either */
	char m[64];
	ident_mask_id("1101\x1b[2J0519491231002X", m, sizeof m);
	assert_null(strchr(m, '\x1b'));
	ident_mask_phone("138\x1b]0;x\x07" "00138000", m, sizeof m);
	assert_null(strchr(m, '\x1b'));
	assert_null(strchr(m, '\x07'));
}

/* ----------------------------------------------------------- sanitising */

static void test_sanitize_every_byte(void **state)
{
	(void)state;
	char in[8], out[64];
	for (int b = 1; b < 256; b++) {
		snprintf(in, sizeof in, "a%cb", b);
		utf8_sanitize(out, sizeof out, in, false);
		if (!clean_text(out, false))
			fail_msg("byte 0x%02x survives the sanitiser", b);
		utf8_sanitize(out, sizeof out, in, true);
		if (!clean_text(out, true))
			fail_msg("byte 0x%02x survives the sanitiser (newlines kept)", b);
	}
	/* every C1 control as UTF-8 */
	for (int cp = 0x80; cp < 0xA0; cp++) {
		snprintf(in, sizeof in, "a%c%cb", 0xC2, cp);
		utf8_sanitize(out, sizeof out, in, false);
		if (!clean_text(out, false))
			fail_msg("U+%04X survives the sanitiser", cp);
	}
	/* a long run of escapes: the output stays bounded and clean */
	char big[3000], small[100];
	for (size_t i = 0; i + 1 < sizeof big; i++)
		big[i] = "\x1b[2J\x9b\xff"[i % 6];
	big[sizeof big - 1] = '\0';
	utf8_sanitize(small, sizeof small, big, false);
	assert_true(clean_text(small, false));
	assert_true(strlen(small) < sizeof small);
}

/* ------------------------------------------------------------- receipts */

static void test_receipt_hostile(void **state)
{
	(void)state;
	static const char *const names[] = {
		"\x1b[2J\x1b]0;owned\x07王\xC2\x9B" "31m",
		"\xFF\xFE\xC0\xAF坏字节",
		"%s%n%s%n",
		"很长的名字很长的名字很长的名字很长的名字很长的名字很长的名字很长的名字很长的名字很长的名字很长的名字",
		"a\r\nb\tc\bd",
		"",
	};
	struct receipt_bill bills[2] = { { "2026-01", 10566, 100 }, { "2026-02", 9509, 0 } };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct receipt_data d = {
			.hall_code = "001", .hall_name = names[i], .counter = 3,
			.staff_id = "1001", .staff_name = names[i], .receipt_no = "SF00100000001",
			.time_local = "2026-03-02 09:00", .business_date = "2026-03-02",
			.account_no = "0010000001", .name = names[i], .bills = bills, .nbills = 2,
			.method = "card", .reference = names[i], .amount_fen = 20175,
			.tendered_fen = 0, .change_fen = 0, .prepaid_after_fen = 0,
			.arrears_after_fen = INT64_MAX / 4,
		};
		char *text = NULL;
		struct hall_err e;
		if (payment_receipt_format(&d, &text, &e) != HALL_OK)
			fail_msg("receipt %zu: %s", i, e.en);
		assert_true(clean_text(text, true));
		/* every line exactly RECEIPT_COLS columns */
		for (char *line = text, *nl; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			assert_non_null(nl);
			*nl = '\0';
			if (utf8_width(line) != RECEIPT_COLS)
				fail_msg("receipt %zu: line of %zu columns: '%s'", i, utf8_width(line), line);
		}
		free(text);
	}
}

/* Found by fuzz_receipt: a bill period is stored text too (it comes from
 * billing through import or the sync); the receipt layout must not let a
 * control character or a broken UTF-8 sequence in it reach the printer. */
static void test_receipt_hostile_period(void **state)
{
	(void)state;
	static const char *const periods[] = { "\x1b[2J\x93", "王建\xE5", "\xC2\x9B" "2J" };
	for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++) {
		struct receipt_bill b = { "", 10566, 100 };
		snprintf(b.period, sizeof b.period, "%s", periods[i]);
		struct receipt_data d = {
			.hall_code = "001", .hall_name = "鼓楼供电营业厅", .counter = 3,
			.staff_id = "1001", .staff_name = "张敏", .receipt_no = "SF00100000001",
			.time_local = "2026-03-02 09:00", .business_date = "2026-03-02",
			.account_no = "0010000001", .name = "王建国", .bills = &b, .nbills = 1,
			.method = "cash", .amount_fen = 10666,
		};
		char *text = NULL;
		struct hall_err e;
		assert_int_equal(payment_receipt_format(&d, &text, &e), HALL_OK);
		bool clean = clean_text(text, true);
		free(text);
		if (!clean)
			fail_msg("bill period %zu reaches the receipt raw", i);
	}
}

/* ------------------------------------------------------------- calendar */

static void test_calendar_hostile(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"year 2026\n\x1b[2J\n",
		"year 99999999999999999999\n",
		"year -1\n",
		"2026-01-01 off x\nyear 2026\n",
		"year 2026\n2026-02-30 off x\n",
		"year 2026\n2026-01-01 off %s%n\x1b[2J\n",
		"year 2026\n2026-01-01 off \xFF\n",
		"year 2026\n2025-12-31 off 跨年\n",
		"year 2026\n2026-01-05 work 周一不能调休上班\n",
		"year 2026\n2026-01-01 off x\n2026-01-01 off y\n",
		"year 2026\n2026-01-01 off 名字超过三十个字名字超过三十个字名字超过三十个字名字超过三十个字\n",
		"year 2026\nstatus \x1b[2J\n",
		"year 2026\n2026-01-01 sideways x\n",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cal_year *y = calloc(1, sizeof *y);
		assert_non_null(y);
		struct hall_err e;
		int rc = calendar_parse(bad[i], "hostile.cal", y, &e);
		free(y);
		if (rc == HALL_OK)
			fail_msg("calendar text %zu accepted", i);
		assert_true(clean_text(e.en, false));
	}
}

/* A day name with DEL or a C1 control (U+0080-U+009F: U+009B is CSI to
 * many terminals) is as hostile as one with ESC: refused like every other
 * stored text. */
static void test_calendar_names_c1(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"year 2026\n2026-01-01 off \xC2\x9B" "2J\n",
		"year 2026\n2026-01-01 off a\xC2\x85" "b\n",
		"year 2026\n2026-01-01 off a\x7f" "b\n",
		"year 2026\nsource \xC2\x9D" "0;x\xC2\x9C\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cal_year *y = calloc(1, sizeof *y);
		assert_non_null(y);
		struct hall_err e;
		int rc = calendar_parse(bad[i], "hostile.cal", y, &e);
		free(y);
		if (rc == HALL_OK)
			fail_msg("calendar text with C1/DEL %zu accepted", i);
	}
}

/* ------------------------------------------------- fuzz regressions */

/* Inputs the fuzz targets found (tests/fuzz_*.c, `make fuzz`).  The
 * form and calendar parsers quote the offending text of the file in their
 * messages, raw (fuzz_form: a type "integer<TAB>min 1"; fuzz_calendar: a
 * whole file given as a working window): the messages stay bounded and
 * every output path sanitises them (cli_error, tui_put; see t_hostile.sh).
 * The bill period on a receipt: test_receipt_hostile_period. */
static void test_fuzz_regressions(void **state)
{
	(void)state;
	static const char *const form_texts[] = {
		"form x\nfield a\n  type integer\tmin 1\n",
		"form x\nfield a\n  type \x1b[2J\x1b]0;x\x07\n",
		"form x\nfield a\n  type choice\n  choice\n",
		"form x\nfield a\n  show-when b in\n",
		"form x\nfield a\n  length 5 1\n",
		"form x\nfield a\n  type money\n  min 99999999999999999999\n",
	};
	for (size_t i = 0; i < sizeof form_texts / sizeof form_texts[0]; i++) {
		struct form_def *f = NULL;
		struct hall_err e;
		if (form_parse_text(form_texts[i], "fuzz.form", &f, &e) == HALL_OK) {
			form_free(f);
			continue;
		}
		assert_true(e.en[0] && strlen(e.en) < HALL_ERR_TEXT);
		char safe[HALL_ERR_TEXT * 3];
		utf8_sanitize(safe, sizeof safe, e.en, false);
		assert_true(clean_text(safe, false));
	}
	/* the window parser quoting a whole calendar file */
	char *big = malloc(4000);
	assert_non_null(big);
	for (int i = 0; i < 3999; i++)
		big[i] = "# 2027年工作日历\n\x1b[2J"[i % 24];
	big[3999] = '\0';
	struct cal_window win[CAL_MAX_WINDOWS];
	int nwin = 0;
	struct hall_err e;
	assert_int_equal(cal_window_parse(big, win, &nwin, &e), HALL_EINVAL);
	assert_true(strlen(e.zh) < HALL_ERR_TEXT && strlen(e.en) < HALL_ERR_TEXT);
	assert_true(utf8_valid(e.zh, strlen(e.zh)));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_fields),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_money_hostile),
		cmocka_unit_test(test_ident_hostile),
		cmocka_unit_test(test_sanitize_every_byte),
		cmocka_unit_test(test_receipt_hostile),
		cmocka_unit_test(test_receipt_hostile_period),
		cmocka_unit_test(test_calendar_hostile),
		cmocka_unit_test(test_calendar_names_c1),
		cmocka_unit_test(test_fuzz_regressions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
