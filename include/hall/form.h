/*
 * form.h - the forms engine: declarative counter forms (forms/NAME.form).
 *
 * A form file describes the fields of one counter form: labels in Chinese
 * and English, type, limits, choices, defaults, help and the conditions
 * under which a field is shown or required.  The engine parses the files,
 * and validates and normalises the values a clerk typed (TUI) or passed on
 * the command line (CLI) with the same rules.  It knows nothing of curses
 * or of the store: whether an account exists is asked through a callback.
 *
 * File format (UTF-8, one directive per line, '#' starts a comment line,
 * leading white space ignored, "zh | en" separates the two languages):
 *
 *   form payment                      # the form's key (file name stem)
 *   title 缴费 | Bill payment
 *   action payment                    # core handler; "none" for helpers
 *
 *   field amount                      # starts a field; key [a-z0-9_]
 *     label 金额（元） | Amount (yuan)
 *     type money                      # see enum form_type / form_type_name
 *     required                        # or: required-when KEY OP VALUES
 *     min 0.01                        # money: yuan; integer: value
 *     max 50000
 *     length 1 40                     # text: characters min max
 *     default cash
 *     width 12                        # columns on screen (optional)
 *     help 实收金额 | Amount received
 *     choice cash 现金 | Cash         # choice fields, in display order
 *     show-when method != cash        # conditions: = != in not-in set empty
 *     id-type-field id_type           # type id: the field holding the type
 *
 * Several show-when (or required-when) lines must all hold.  VALUES after
 * "in"/"not-in" are separated by commas.
 *
 * Rules of the format (the parser reports "PATH:LINE: message"):
 * - the first directive is "form NAME"; NAME is [a-z][a-z0-9_-]*, at most
 *   31 characters, and equals the file name stem; "title" and "action" are
 *   required and come before the first "field";
 * - field keys (and "action") are [a-z][a-z0-9_]*, at most 31 characters;
 *   choice keys may also start with a digit ("220v");
 * - every field needs "label" and "type"; a label or help without " | en"
 *   uses the Chinese text in English too; each of label, help, type,
 *   required, min, max, length, default, width, id-type-field at most once;
 * - a '#' at the start of a line, or after white space on a line whose
 *   arguments are keys or numbers (not title, label, help, choice), starts
 *   a comment;
 * - min/max only for integer and money; length only for text, multiline,
 *   digits and account (at most FORM_LENGTH_MAX characters); choice lines
 *   only for choice fields, which need at least one; a default must pass
 *   the field's own rules (a choice default must be one of its keys);
 * - conditions must name another field of the form, and for a choice field
 *   their values must be its choice keys;
 * - money without "min" rejects negative amounts.
 *
 * Validation semantics: an empty (or all white space) value is the same as
 * an absent one; a field hidden by its show-when is never required and a
 * non-empty value for it is an error; conditions compare the trimmed values
 * (form_validate evaluates them over the input with the defaults of visible
 * fields filled in, so a TUI should fill defaults into its values too).  A
 * type "id" field checks "resident_id", "uscc", "passport" and "other" with
 * ident_check_by_type() and any other type key an administrator adds with
 * ident_other_check().
 */
#ifndef HALL_FORM_H
#define HALL_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hall/err.h"

#define FORM_KEY_MAX 32
#define FORM_LABEL_MAX 96
#define FORM_HELP_MAX 256
#define FORM_VALUE_MAX 8192   /* bytes of one value (as typed or normalised) */
#define FORM_LENGTH_MAX 2047  /* largest "length" max: 4-byte chars still fit */
#define FORM_MAX_ERRORS 32

enum form_type {
	FT_TEXT,         /* one line of text; length in characters */
	FT_MULTILINE,    /* text that may hold newlines */
	FT_DIGITS,       /* only 0-9; length in digits */
	FT_INTEGER,      /* whole number, optional sign; min/max */
	FT_MONEY,        /* yuan, up to 2 decimals; normalised to fen */
	FT_DATE,         /* YYYY-MM-DD */
	FT_PHONE,        /* mobile or landline */
	FT_RESIDENT_ID,  /* GB 11643 */
	FT_USCC,         /* GB 32100 */
	FT_ID_BY_TYPE,   /* checked by the type held in id_type_field */
	FT_CHOICE,       /* one of the choice keys */
	FT_ACCOUNT,      /* an existing account number */
	FT__COUNT
};

enum form_cond_op { COND_EQ, COND_NE, COND_IN, COND_NOT_IN, COND_SET, COND_EMPTY };

struct form_choice {
	char key[FORM_KEY_MAX];
	char zh[FORM_LABEL_MAX];
	char en[FORM_LABEL_MAX];
};

struct form_cond {
	char key[FORM_KEY_MAX];     /* the field whose value is tested */
	enum form_cond_op op;
	char **values;              /* for EQ/NE one value, IN/NOT_IN several */
	int nvalues;
};

struct form_field {
	char key[FORM_KEY_MAX];
	char label_zh[FORM_LABEL_MAX];
	char label_en[FORM_LABEL_MAX];
	char help_zh[FORM_HELP_MAX];
	char help_en[FORM_HELP_MAX];
	enum form_type type;
	bool required;
	int min_len, max_len;       /* characters (text) or digits; 0 = no limit */
	bool has_min, has_max;
	int64_t min, max;           /* integer value, or fen for money */
	char default_value[FORM_LABEL_MAX];
	char id_type_field[FORM_KEY_MAX];   /* FT_ID_BY_TYPE, default "id_type" */
	int width;                  /* columns on screen, 0 = from type/limits */
	struct form_choice *choices;
	int nchoices;
	struct form_cond *show_when;
	int nshow_when;
	struct form_cond *required_when;
	int nrequired_when;
	int line;                   /* line of the "field" directive */
};

struct form_def {
	char name[FORM_KEY_MAX];
	char title_zh[FORM_LABEL_MAX];
	char title_en[FORM_LABEL_MAX];
	char action[FORM_KEY_MAX];
	char path[512];
	struct form_field *fields;
	int nfields;
};

struct form_set {
	struct form_def **forms;
	int nforms;
};

/* A list of key=value strings (input or normalised output). */
struct form_values {
	char **keys;
	char **vals;
	int n, cap;
};

/* What validation may ask of the outside world. */
struct form_ctx {
	/* HALL_OK if the account exists and may be served, else an error code
	 * with err filled (e.g. HALL_ENOTFOUND).  NULL: accounts not checked. */
	int (*account_check)(void *ud, const char *account_no,
	                     struct hall_err *err);
	void *ud;
};

struct form_errors {
	int n;
	struct hall_err e[FORM_MAX_ERRORS];
};

/* Names of types as written in form files ("text", "money", ...). */
const char *form_type_name(enum form_type t);

/* Parse one form file or text.  On error returns HALL_ECONFIG with the
 * message "PATH:LINE: message" in both languages.  *out is to be freed with
 * form_free(). */
int form_parse_file(const char *path, struct form_def **out,
                    struct hall_err *err);
int form_parse_text(const char *text, const char *path_for_messages,
                    struct form_def **out, struct hall_err *err);
void form_free(struct form_def *f);

/* Load every *.form file of dir, sorted by name.  Stops at the first broken
 * file.  Also rejects two files declaring the same form key. */
int formset_load_dir(const char *dir, struct form_set **out,
                     struct hall_err *err);
/* Check every *.form file of dir and report each broken one through
 * report(); returns the number of broken files (0 = all good). */
int formset_check_dir(const char *dir,
                      void (*report)(void *ud, const struct hall_err *e),
                      void *ud);
void formset_free(struct form_set *s);

const struct form_def *formset_find(const struct form_set *s, const char *name);
const struct form_field *form_field_find(const struct form_def *f,
                                         const char *key);
const struct form_choice *form_choice_find(const struct form_field *fld,
                                           const char *key);

/* Labels in the current language (hall_lang()). */
const char *form_title(const struct form_def *f);
const char *form_label(const struct form_field *fld);
const char *form_help(const struct form_field *fld);
const char *form_choice_label(const struct form_choice *c);

/* Fixed length of the field's value (18 for ID numbers, 11 for a mobile
 * number when the value starts with '1'), 0 if not fixed.  The TUI moves to
 * the next field when the value reaches it. */
int form_field_fixed_len(const struct form_field *fld, const char *value);
/* The same, knowing the other values: a type "id" field has 18 characters
 * when its id-type field holds "resident_id" or "uscc" (all may be NULL). */
int form_field_fixed_len_in(const struct form_field *fld, const char *value,
                            const struct form_values *all);

/* Whether a field is shown / required given the values so far. */
bool form_field_visible(const struct form_field *fld,
                        const struct form_values *v);
bool form_field_required(const struct form_field *fld,
                         const struct form_values *v);

/* Check one field's value (as typed) against its rules, in the context of
 * the other values (for id-type fields).  Empty value: HALL_EINVAL if the
 * field is required, else HALL_OK.  On success the normalised value is
 * written to norm (money: fen as a decimal integer; dates: YYYY-MM-DD;
 * IDs: upper case; text: leading/trailing white space removed). */
int form_field_check(const struct form_field *fld, const char *value,
                     const struct form_values *all, const struct form_ctx *ctx,
                     char *norm, size_t normsz, struct hall_err *err);

/* Validate a whole submission: unknown keys, values for hidden fields,
 * missing required fields and every field's rules.  Defaults fill absent
 * visible fields.  Clears out, then fills it with the normalised non-empty
 * values of the visible fields (in form order), and errs (every problem
 * found: unknown keys first, then in field order; each keeps its own code,
 * e.g. HALL_ENOTFOUND from account_check); returns HALL_OK or HALL_EINVAL
 * (HALL_ENOMEM if out cannot grow).  ctx may be NULL. */
int form_validate(const struct form_def *f, const struct form_values *in,
                  const struct form_ctx *ctx, struct form_values *out,
                  struct form_errors *errs);

void form_values_init(struct form_values *v);
void form_values_free(struct form_values *v);
void form_values_clear(struct form_values *v);
/* Set (replace) a value; returns HALL_ENOMEM on allocation failure. */
int form_values_set(struct form_values *v, const char *key, const char *val);
const char *form_values_get(const struct form_values *v, const char *key);
void form_values_del(struct form_values *v, const char *key);

#endif
