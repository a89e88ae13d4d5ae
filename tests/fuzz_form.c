/* fuzz_form.c - the form-file parser (form_parse_text), and validation
 * with every form it accepts: what parses must validate without crashing,
 * and every message must be clean text. */
#include "fuzz_common.h"

#include "hall/form.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	utf8_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	struct form_def *f = NULL;
	struct hall_err e;
	hall_lang_set(size & 1 ? HALL_LANG_EN : HALL_LANG_ZH);
	if (form_parse_text(text, "fuzz.form", &f, &e) == HALL_OK) {
		/* validate an empty submission and one with every default */
		struct form_values in, out;
		struct form_errors *errs = malloc(sizeof *errs);
		if (!errs)
			abort();
		form_values_init(&in);
		form_values_init(&out);
		form_validate(f, &in, NULL, &out, errs);
		for (int i = 0; i < errs->n; i++)
			fuzz_check_msg(&errs->e[i]);
		for (int i = 0; i < f->nfields; i++) {
			const struct form_field *fld = &f->fields[i];
			form_values_set(&in, fld->key, fld->default_value[0] ? fld->default_value : "1");
			(void)form_label(fld);
			(void)form_help(fld);
			(void)form_field_visible(fld, &in);
			(void)form_field_required(fld, &in);
			(void)form_field_fixed_len_in(fld, "1", &in);
		}
		form_validate(f, &in, NULL, &out, errs);
		for (int i = 0; i < errs->n; i++)
			fuzz_check_msg(&errs->e[i]);
		free(errs);
		form_values_free(&in);
		form_values_free(&out);
		form_free(f);
	} else {
		FUZZ_CHECK(e.code == HALL_ECONFIG || e.code == HALL_ENOMEM, "code %d", e.code);
		fuzz_check_msg(&e);
	}
	free(text);
	return 0;
}
