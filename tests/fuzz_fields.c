/* fuzz_fields.c - every field validator: each field of every shipped form
 * (FUZZ_FORMS, default forms/) through form_field_check, the identity
 * checks and masks, the date check and the UTF-8 helpers.  The first byte
 * picks the field; the rest is the value.  Properties: an accepted value
 * normalises to clean text that is accepted again unchanged; a refusal
 * names the field; nothing crashes. */
#include "fuzz_common.h"

#include "hall/form.h"
#include "hall/ident.h"

static struct form_set *forms;
static const struct form_field *fields[512];
static int nfields;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	utf8_init();
	const char *dir = getenv("FUZZ_FORMS");
	struct hall_err e;
	if (formset_load_dir(dir ? dir : "forms", &forms, &e) != HALL_OK) {
		fprintf(stderr, "fuzz_fields: cannot load forms: %s\n", e.en);
		exit(1);
	}
	for (int i = 0; i < forms->nforms; i++)
		for (int k = 0; k < forms->forms[i]->nfields && nfields < 512; k++)
			fields[nfields++] = &forms->forms[i]->fields[k];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct form_field *fld = fields[data[0] % nfields];
	char *v = fuzz_str(data + 1, size - 1);
	char norm[FORM_VALUE_MAX], norm2[FORM_VALUE_MAX];
	struct hall_err e;
	/* an id field checked by each possible type */
	struct form_values all;
	form_values_init(&all);
	static const char *const types[] = { "resident_id", "uscc", "passport", "other" };
	form_values_set(&all, fld->id_type_field[0] ? fld->id_type_field : "id_type",
	                types[(data[0] >> 6) & 3]);
	int rc = form_field_check(fld, v, &all, NULL, norm, sizeof norm, &e);
	if (rc == HALL_OK) {
		bool multi = fld->type == FT_MULTILINE;
		FUZZ_CHECK(utf8_valid(norm, strlen(norm)) && !utf8_has_control(norm, multi),
		           "%s accepted unclean text", fld->key);
		/* normalising is idempotent (money normalises to fen: not text
		 * the field takes again) */
		if (fld->type != FT_MONEY) {
			FUZZ_CHECK(form_field_check(fld, norm, &all, NULL, norm2, sizeof norm2, &e) == HALL_OK,
			           "%s: normalised '%s' refused: %s", fld->key, norm, e.en);
			FUZZ_CHECK(strcmp(norm, norm2) == 0, "%s: '%s' -> '%s'", fld->key, norm, norm2);
		}
	} else {
		FUZZ_CHECK(strcmp(e.field, fld->key) == 0, "%s: error about '%s'", fld->key, e.field);
		fuzz_check_err(&e);
	}
	form_values_free(&all);

	/* the identity checks and masks on the raw value */
	char m[128], d[11];
	if (ident_resident_check(v, "id", &e) == HALL_OK)
		FUZZ_CHECK(strlen(v) == 18, "resident id of length %zu", strlen(v));
	else
		fuzz_check_err(&e);
	if (ident_uscc_check(v, "id", &e) != HALL_OK)
		fuzz_check_err(&e);
	if (ident_phone_check(v, "phone", &e) != HALL_OK)
		fuzz_check_err(&e);
	if (ident_other_check(v, "id", &e) != HALL_OK)
		fuzz_check_err(&e);
	if (ident_date_check(v, "date", d, &e) == HALL_OK)
		FUZZ_CHECK(strlen(d) == 10, "date '%s'", d);
	/* masks are shown through the sanitising display paths */
	ident_mask_id(v, m, sizeof m);
	ident_mask_phone(v, m, sizeof m);

	/* UTF-8 helpers: the sanitiser's output is always clean */
	char s1[64], s2[512];
	utf8_sanitize(s1, sizeof s1, v, false);
	FUZZ_CHECK(utf8_valid(s1, strlen(s1)) && !utf8_has_control(s1, false), "sanitize");
	utf8_sanitize(s2, sizeof s2, v, true);
	FUZZ_CHECK(utf8_valid(s2, strlen(s2)) && !utf8_has_control(s2, true), "sanitize nl");
	utf8_trunc(s2, sizeof s2, s2, data[0] % 40, data[0] & 1);
	FUZZ_CHECK(utf8_width(s2) <= (size_t)(data[0] % 40), "trunc width");
	utf8_pad(s1, sizeof s1, s1, data[0] % 20, data[0] & 2);
	(void)utf8_width(v);
	(void)utf8_chars(v);
	size_t cols;
	size_t n = utf8_prefix_cols(v, data[0] % 30, &cols);
	FUZZ_CHECK(n <= strlen(v) && cols <= (size_t)(data[0] % 30), "prefix cols");
	free(v);
	return 0;
}
