/*
 * form.c - the forms engine: parse forms/NAME.form, then check and normalise
 * the values of a submission.  The file format and the API are described
 * in include/hall/form.h.  Nothing here depends on a particular field key:
 * the only link between fields is the id-type field of a type "id" field.
 */
#include "hall/form.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/ident.h"
#include "hall/money.h"
#include "hall/utf8.h"

/* Passed as the field name to money_* / ident_*: their message names the
 * field with it, and relabel() swaps it for the field's label. */
#define FIELD_TOKEN "@@field@@"
#define ACCOUNT_MAX 32          /* characters of an account number */
#define FORM_FILE_MAX (1 << 20) /* bytes of one form file */
#define LIST_MAX 360            /* bytes of a key list inside a message */
#define WIDTH_MAX 200
#define BOUND_MAX 40            /* bytes of a min/max as written */

static const char *const type_names[FT__COUNT] = {
	"text", "multiline", "digits", "integer", "money", "date", "phone",
	"resident_id", "uscc", "id", "choice", "account",
};

/* ------------------------------------------------------------ helpers */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_alnum(char c)
{
	return is_lower(c) || is_digit(c) || (c >= 'A' && c <= 'Z');
}

/* Bytes of white space at the start / end of s[0..n): ASCII white space or
 * U+3000 IDEOGRAPHIC SPACE (what a Chinese input method types). */
static size_t ws_head(const char *s, size_t n)
{
	if (n >= 1 && is_ws(s[0]))
		return 1;
	if (n >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

static size_t ws_tail(const char *s, size_t n)
{
	if (n >= 1 && is_ws(s[n - 1]))
		return 1;
	if (n >= 3 && memcmp(s + n - 3, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

static void trim_span(const char *s, size_t *off, size_t *len)
{
	size_t b = 0, e = strlen(s), k;

	while (b < e && (k = ws_head(s + b, e - b)) > 0)
		b += k;
	while (e > b && (k = ws_tail(s + b, e - b)) > 0)
		e -= k;
	*off = b;
	*len = e - b;
}

/* Trim in place; returns the start of the trimmed text. */
static char *trim(char *s)
{
	size_t off, len;

	trim_span(s, &off, &len);
	s[off + len] = '\0';
	return s + off;
}

static bool blank(const char *s)
{
	size_t off, len;

	if (s == NULL)
		return true;
	trim_span(s, &off, &len);
	return len == 0;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static char *dup_trimmed(const char *s)
{
	size_t off, len;

	trim_span(s, &off, &len);
	return dup_n(s + off, len);
}

static bool copy_to(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (n >= sz)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

static void upper_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* Whole string: optional sign, 1..18 digits. */
static bool parse_i64(const char *s, int64_t *out)
{
	int64_t v = 0;
	bool neg = false;
	int nd = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; is_digit(*s); s++) {
		if (++nd > 18)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (nd == 0 || *s != '\0')
		return false;
	*out = neg ? -v : v;
	return true;
}

/* [a-z][a-z0-9_]* (digit_first: or [0-9] first; dash: '-' allowed too),
 * at most FORM_KEY_MAX - 1 characters. */
static bool key_syntax(const char *s, bool digit_first, bool dash)
{
	size_t n = strlen(s);

	if (n == 0 || n >= FORM_KEY_MAX)
		return false;
	if (!is_lower(s[0]) && !(digit_first && is_digit(s[0])))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_lower(s[i]) && !is_digit(s[i]) && s[i] != '_' &&
		    !(dash && s[i] == '-'))
			return false;
	return true;
}

/* A short printable copy of untrusted text for a message. */
static const char *echo(char *buf, size_t sz, const char *s)
{
	char tmp[256];

	utf8_sanitize(tmp, sizeof tmp, s, false);
	utf8_trunc(buf, sz, tmp, 32, true);
	return buf;
}

/* Append key to a ", "-separated list in buf; "..." once it is full. */
static void list_add(char *buf, size_t sz, const char *key)
{
	size_t o = strlen(buf), n = strlen(key);

	if (o >= 3 && strcmp(buf + o - 3, "...") == 0)
		return;
	if (o + n + 2 + 4 >= sz) {
		snprintf(buf + o, sz - o, "%s...", o ? ", " : "");
		return;
	}
	snprintf(buf + o, sz - o, "%s%s", o ? ", " : "", key);
}

static void field_list(const struct form_def *f, char *buf, size_t sz)
{
	buf[0] = '\0';
	for (int i = 0; i < f->nfields; i++)
		list_add(buf, sz, f->fields[i].key);
}

static void choice_list(const struct form_field *fld, char *buf, size_t sz)
{
	buf[0] = '\0';
	for (int i = 0; i < fld->nchoices; i++)
		list_add(buf, sz, fld->choices[i].key);
}

static int nomem(struct hall_err *err)
{
	return hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory");
}

/* ------------------------------------------------------ public basics */

const char *form_type_name(enum form_type t)
{
	return (unsigned)t < FT__COUNT ? type_names[t] : "?";
}

const struct form_def *formset_find(const struct form_set *s, const char *name)
{
	for (int i = 0; s != NULL && i < s->nforms; i++)
		if (strcmp(s->forms[i]->name, name) == 0)
			return s->forms[i];
	return NULL;
}

const struct form_field *form_field_find(const struct form_def *f,
                                         const char *key)
{
	for (int i = 0; f != NULL && i < f->nfields; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			return &f->fields[i];
	return NULL;
}

const struct form_choice *form_choice_find(const struct form_field *fld,
                                           const char *key)
{
	for (int i = 0; fld != NULL && i < fld->nchoices; i++)
		if (strcmp(fld->choices[i].key, key) == 0)
			return &fld->choices[i];
	return NULL;
}

const char *form_title(const struct form_def *f)
{
	return hall_tr(f->title_zh, f->title_en);
}

const char *form_label(const struct form_field *fld)
{
	return hall_tr(fld->label_zh, fld->label_en);
}

const char *form_help(const struct form_field *fld)
{
	return hall_tr(fld->help_zh, fld->help_en);
}

const char *form_choice_label(const struct form_choice *c)
{
	return hall_tr(c->zh, c->en);
}

/* --------------------------------------------------------- form_values */

void form_values_init(struct form_values *v)
{
	memset(v, 0, sizeof *v);
}

void form_values_clear(struct form_values *v)
{
	for (int i = 0; i < v->n; i++) {
		free(v->keys[i]);
		free(v->vals[i]);
	}
	v->n = 0;
}

void form_values_free(struct form_values *v)
{
	form_values_clear(v);
	free(v->keys);
	free(v->vals);
	form_values_init(v);
}

static int values_index(const struct form_values *v, const char *key)
{
	for (int i = 0; v != NULL && i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return i;
	return -1;
}

static int values_grow(struct form_values *v)
{
	int cap = v->cap ? v->cap * 2 : 8;
	char **k, **x;

	k = realloc(v->keys, (size_t)cap * sizeof *k);
	if (k == NULL)
		return HALL_ENOMEM;
	v->keys = k;
	x = realloc(v->vals, (size_t)cap * sizeof *x);
	if (x == NULL)
		return HALL_ENOMEM;
	v->vals = x;
	v->cap = cap;
	return HALL_OK;
}

int form_values_set(struct form_values *v, const char *key, const char *val)
{
	int i = values_index(v, key);
	char *nv = strdup(val != NULL ? val : "");

	if (nv == NULL)
		return HALL_ENOMEM;
	if (i >= 0) {
		free(v->vals[i]);
		v->vals[i] = nv;
		return HALL_OK;
	}
	if (v->n == v->cap && values_grow(v) != HALL_OK) {
		free(nv);
		return HALL_ENOMEM;
	}
	v->keys[v->n] = strdup(key);
	if (v->keys[v->n] == NULL) {
		free(nv);
		return HALL_ENOMEM;
	}
	v->vals[v->n++] = nv;
	return HALL_OK;
}

const char *form_values_get(const struct form_values *v, const char *key)
{
	int i = values_index(v, key);

	return i >= 0 ? v->vals[i] : NULL;
}

void form_values_del(struct form_values *v, const char *key)
{
	int i = values_index(v, key);

	if (i < 0)
		return;
	free(v->keys[i]);
	free(v->vals[i]);
	memmove(v->keys + i, v->keys + i + 1, (size_t)(v->n - i - 1) * sizeof *v->keys);
	memmove(v->vals + i, v->vals + i + 1, (size_t)(v->n - i - 1) * sizeof *v->vals);
	v->n--;
}

/* ---------------------------------------------------------- conditions */

static bool span_eq(const char *s, size_t n, const char *v)
{
	return strlen(v) == n && memcmp(s, v, n) == 0;
}

static bool cond_holds(const struct form_cond *c, const struct form_values *v)
{
	const char *raw = form_values_get(v, c->key);
	const char *s = "";
	size_t off = 0, n = 0;
	bool in = false;

	if (raw != NULL) {
		trim_span(raw, &off, &n);
		s = raw + off;
	}
	for (int i = 0; i < c->nvalues; i++)
		in = in || span_eq(s, n, c->values[i]);
	switch (c->op) {
	case COND_SET:
		return n > 0;
	case COND_EMPTY:
		return n == 0;
	case COND_EQ:
	case COND_IN:
		return in;
	case COND_NE:
	case COND_NOT_IN:
		return !in;
	}
	return false;
}

/* The first condition of conds[0..n) that does not hold, or NULL. */
static const struct form_cond *first_failing(const struct form_cond *conds,
                                             int n, const struct form_values *v)
{
	for (int i = 0; i < n; i++)
		if (!cond_holds(&conds[i], v))
			return &conds[i];
	return NULL;
}

bool form_field_visible(const struct form_field *fld,
                        const struct form_values *v)
{
	return first_failing(fld->show_when, fld->nshow_when, v) == NULL;
}

bool form_field_required(const struct form_field *fld,
                         const struct form_values *v)
{
	if (fld->required)
		return true;
	return fld->nrequired_when > 0 &&
	       first_failing(fld->required_when, fld->nrequired_when, v) == NULL;
}

/* The id type held by the field's id-type field, trimmed ("" if none). */
static void id_type_of(const struct form_field *fld,
                       const struct form_values *all, char *buf, size_t sz)
{
	const char *v = form_values_get(all, fld->id_type_field);
	size_t off = 0, n = 0;

	if (v != NULL)
		trim_span(v, &off, &n);
	if (n >= sz)
		n = sz - 1;
	memcpy(buf, v != NULL ? v + off : "", n);
	buf[n] = '\0';
}

int form_field_fixed_len(const struct form_field *fld, const char *value)
{
	size_t n = value != NULL ? strlen(value) : 0;

	switch (fld->type) {
	case FT_RESIDENT_ID:
	case FT_USCC:
		return 18;
	case FT_PHONE:
		return n > 0 && value[0] == '1' ? 11 : 0;
	case FT_DATE:
		return n >= 5 && value[4] != '-' ? 8 : 10;
	case FT_TEXT:
	case FT_DIGITS:
	case FT_ACCOUNT:
		return fld->min_len > 0 && fld->min_len == fld->max_len ?
		       fld->max_len : 0;
	default:
		return 0;
	}
}

int form_field_fixed_len_in(const struct form_field *fld, const char *value,
                            const struct form_values *all)
{
	char type[FORM_KEY_MAX];

	if (fld->type != FT_ID_BY_TYPE)
		return form_field_fixed_len(fld, value);
	id_type_of(fld, all, type, sizeof type);
	return strcmp(type, "resident_id") == 0 || strcmp(type, "uscc") == 0 ?
	       18 : 0;
}

/* ------------------------------------------------ field check messages */

/* "LABEL：rule" / "Label: rule" with the rule formatted from the same
 * arguments in both languages. */
static int ferr(struct hall_err *e, int code, const struct form_field *fld,
                const char *zh_fmt, const char *en_fmt, ...)
{
	char zh[HALL_ERR_TEXT], en[HALL_ERR_TEXT];
	va_list ap, aq;

	va_start(ap, en_fmt);
	va_copy(aq, ap);
	vsnprintf(zh, sizeof zh, zh_fmt, ap);
	vsnprintf(en, sizeof en, en_fmt, aq);
	va_end(aq);
	va_end(ap);
	return hall_err_set(e, code, fld->key, "%s%.0s：%s%.0s", "%.0s%s: %.0s%s",
	                    fld->label_zh, fld->label_en, zh, en);
}

/* Put label into a message: replace FIELD_TOKEN, or prefix "label<sep>"
 * unless the message already starts with it. */
static void put_label(char *text, size_t sz, const char *label, const char *sep)
{
	char buf[HALL_ERR_TEXT];
	const char *p = text, *hit;
	size_t o = 0;

	buf[0] = '\0';
	if (strstr(text, FIELD_TOKEN) == NULL) {
		snprintf(buf, sizeof buf, "%s%s", label, sep);
		if (strncmp(text, buf, strlen(buf)) == 0)
			return;
		snprintf(buf, sizeof buf, "%s%s%s", label, sep, text);
	} else {
		while ((hit = strstr(p, FIELD_TOKEN)) != NULL && o < sizeof buf) {
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%.*s%s",
			                      (int)(hit - p), p, label);
			p = hit + strlen(FIELD_TOKEN);
		}
		if (o < sizeof buf)
			snprintf(buf + o, sizeof buf - o, "%s", p);
	}
	o = strlen(buf);
	while (o > 0 && !utf8_valid(buf, o)) /* cut inside a character */
		buf[--o] = '\0';
	if (o >= sz)
		o = sz - 1;
	memcpy(text, buf, o);
	text[o] = '\0';
}

/* Make a message from money_* / ident_* / account_check name the field by
 * its label in each language, and the field key. */
static int relabel(struct hall_err *e, const struct form_field *fld)
{
	int code = e->code != HALL_OK ? e->code : HALL_EINVAL;

	if (e->zh[0] == '\0' && e->en[0] == '\0')
		return ferr(e, code, fld, "格式不正确", "is not valid");
	put_label(e->zh, sizeof e->zh, fld->label_zh, "：");
	put_label(e->en, sizeof e->en, fld->label_en, ": ");
	copy_to(e->field, sizeof e->field, fld->key);
	e->code = code;
	return code;
}

/* Length n (characters, or digits) against the field's length limits. */
static int check_len(const struct form_field *fld, size_t n, bool digits,
                     struct hall_err *e)
{
	const char *uz = digits ? "位数字" : "个字符";
	const char *ue = digits ? "digits" : "characters";
	bool lo = fld->min_len > 0 && n < (size_t)fld->min_len;
	bool hi = fld->max_len > 0 && n > (size_t)fld->max_len;

	if (!lo && !hi)
		return HALL_OK;
	if (fld->min_len > 0 && fld->min_len == fld->max_len)
		return ferr(e, HALL_EINVAL, fld, "应为 %d %s%.0s，现为 %zu",
		            "must be %d %.0s%s long (has %zu)", fld->min_len, uz,
		            ue, n);
	if (fld->min_len > 0 && fld->max_len > 0)
		return ferr(e, HALL_EINVAL, fld, "长度应为 %d 到 %d %s%.0s，现为 %zu",
		            "must be %d to %d %.0s%s long (has %zu)", fld->min_len,
		            fld->max_len, uz, ue, n);
	if (hi)
		return ferr(e, HALL_EINVAL, fld, "最多 %d %s%.0s，现为 %zu",
		            "must be at most %d %.0s%s long (has %zu)",
		            fld->max_len, uz, ue, n);
	return ferr(e, HALL_EINVAL, fld, "至少 %d %s%.0s，现为 %zu",
	            "must be at least %d %.0s%s long (has %zu)", fld->min_len, uz,
	            ue, n);
}

static void fmt_bound(char *buf, size_t sz, int64_t v, bool money)
{
	if (money)
		money_format_plain(v, buf, sz);
	else
		snprintf(buf, sz, "%" PRId64, v);
}

static int check_range(const struct form_field *fld, int64_t v, bool money,
                       struct hall_err *e)
{
	char lo[32], hi[32];
	bool below = fld->has_min && v < fld->min;
	bool above = fld->has_max && v > fld->max;

	if (money && !fld->has_min && v < 0)
		return ferr(e, HALL_EINVAL, fld, "不能为负数", "must not be negative");
	if (!below && !above)
		return HALL_OK;
	fmt_bound(lo, sizeof lo, fld->min, money);
	fmt_bound(hi, sizeof hi, fld->max, money);
	if (fld->has_min && fld->has_max)
		return ferr(e, HALL_EINVAL, fld, "应在 %s 到 %s 之间",
		            "must be between %s and %s", lo, hi);
	if (below)
		return ferr(e, HALL_EINVAL, fld, "不能小于 %s", "must be at least %s",
		            lo);
	return ferr(e, HALL_EINVAL, fld, "不能大于 %s", "must be at most %s", hi);
}

/* ------------------------------------------------- checks by field type */

/* Every check below gets the trimmed, non-empty value t (a writable copy)
 * and writes the normalised value into out. */

static int check_text(const struct form_field *fld, char *t, char *out,
                      size_t outsz, struct hall_err *e)
{
	int rc;

	if (fld->type == FT_MULTILINE) { /* "\r\n" -> "\n" */
		char *w = t;

		for (const char *r = t; *r; r++)
			if (!(r[0] == '\r' && r[1] == '\n'))
				*w++ = *r;
		*w = '\0';
	}
	rc = check_len(fld, utf8_chars(t), false, e);
	if (rc == HALL_OK)
		snprintf(out, outsz, "%s", t);
	return rc;
}

static int check_digits(const struct form_field *fld, const char *t,
                        char *out, size_t outsz, struct hall_err *e)
{
	int rc;

	for (const char *p = t; *p; p++)
		if (!is_digit(*p))
			return ferr(e, HALL_EINVAL, fld, "只能包含数字 0-9",
			            "may contain the digits 0-9 only");
	rc = check_len(fld, strlen(t), true, e);
	if (rc == HALL_OK)
		snprintf(out, outsz, "%s", t);
	return rc;
}

static int check_integer(const struct form_field *fld, const char *t,
                         char *out, size_t outsz, struct hall_err *e)
{
	int64_t v;
	int rc;

	if (!parse_i64(t, &v))
		return ferr(e, HALL_EINVAL, fld, "应为整数，如 100",
		            "must be a whole number, e.g. 100");
	rc = check_range(fld, v, false, e);
	if (rc == HALL_OK)
		snprintf(out, outsz, "%" PRId64, v);
	return rc;
}

static int check_money(const struct form_field *fld, const char *t,
                       char *out, size_t outsz, struct hall_err *e)
{
	int64_t fen;
	int rc = money_parse(t, FIELD_TOKEN, &fen, e);

	if (rc != HALL_OK)
		return relabel(e, fld);
	rc = check_range(fld, fen, true, e);
	if (rc == HALL_OK)
		snprintf(out, outsz, "%" PRId64, fen);
	return rc;
}

static int check_date(const struct form_field *fld, const char *t,
                      char *out, size_t outsz, struct hall_err *e)
{
	char d[11];

	if (ident_date_check(t, FIELD_TOKEN, d, e) != HALL_OK)
		return relabel(e, fld);
	snprintf(out, outsz, "%s", d);
	return HALL_OK;
}

static bool known_id_type(const char *t)
{
	return strcmp(t, "resident_id") == 0 || strcmp(t, "uscc") == 0 ||
	       strcmp(t, "passport") == 0 || strcmp(t, "other") == 0;
}

static int check_ident(const struct form_field *fld, char *t,
                       const struct form_values *all, char *out, size_t outsz,
                       struct hall_err *e)
{
	char type[FORM_KEY_MAX];
	int rc;

	upper_ascii(t);
	if (fld->type == FT_RESIDENT_ID) {
		rc = ident_resident_check(t, FIELD_TOKEN, e);
	} else if (fld->type == FT_USCC) {
		rc = ident_uscc_check(t, FIELD_TOKEN, e);
	} else {
		id_type_of(fld, all, type, sizeof type);
		if (type[0] == '\0')
			return ferr(e, HALL_EINVAL, fld, "请先选择证件类型",
			            "choose the document type first");
		rc = known_id_type(type) ?
		     ident_check_by_type(type, t, FIELD_TOKEN, e) :
		     ident_other_check(t, FIELD_TOKEN, e);
	}
	if (rc != HALL_OK)
		return relabel(e, fld);
	snprintf(out, outsz, "%s", t);
	return HALL_OK;
}

static int check_phone(const struct form_field *fld, const char *t,
                       char *out, size_t outsz, struct hall_err *e)
{
	if (ident_phone_check(t, FIELD_TOKEN, e) != HALL_OK)
		return relabel(e, fld);
	snprintf(out, outsz, "%s", t);
	return HALL_OK;
}

static int check_choice(const struct form_field *fld, const char *t,
                        char *out, size_t outsz, struct hall_err *e)
{
	char list[LIST_MAX], shown[128];

	if (form_choice_find(fld, t) == NULL) {
		choice_list(fld, list, sizeof list);
		return ferr(e, HALL_EINVAL, fld, "“%s”不是可选值（可选：%s）",
		            "'%s' is not one of the choices (%s)",
		            echo(shown, sizeof shown, t), list);
	}
	snprintf(out, outsz, "%s", t);
	return HALL_OK;
}

static int check_account(const struct form_field *fld, const char *t,
                         const struct form_ctx *ctx, char *out, size_t outsz,
                         struct hall_err *e)
{
	size_t n = strlen(t);
	int rc;

	for (const char *p = t; *p; p++)
		if (!is_alnum(*p) && *p != '-')
			return ferr(e, HALL_EINVAL, fld, "只能包含字母、数字和“-”",
			            "may contain letters, digits and '-' only");
	if (n > ACCOUNT_MAX)
		return ferr(e, HALL_EINVAL, fld, "最多 %d 个字符", "must be at most "
		            "%d characters long", ACCOUNT_MAX);
	rc = check_len(fld, n, false, e);
	if (rc != HALL_OK)
		return rc;
	if (ctx != NULL && ctx->account_check != NULL) {
		hall_err_clear(e);
		rc = ctx->account_check(ctx->ud, t, e);
		if (rc != HALL_OK && e->zh[0] == '\0' && e->en[0] == '\0')
			return ferr(e, rc, fld, "不存在或不能办理",
			            "does not exist or cannot be served");
		if (rc != HALL_OK) {
			e->code = rc;
			return relabel(e, fld);
		}
		hall_err_clear(e);
	}
	snprintf(out, outsz, "%s", t);
	return HALL_OK;
}

static int check_typed(const struct form_field *fld, char *t,
                       const struct form_values *all, const struct form_ctx *ctx,
                       char *out, size_t outsz, struct hall_err *e)
{
	switch (fld->type) {
	case FT_TEXT:
	case FT_MULTILINE:
		return check_text(fld, t, out, outsz, e);
	case FT_DIGITS:
		return check_digits(fld, t, out, outsz, e);
	case FT_INTEGER:
		return check_integer(fld, t, out, outsz, e);
	case FT_MONEY:
		return check_money(fld, t, out, outsz, e);
	case FT_DATE:
		return check_date(fld, t, out, outsz, e);
	case FT_PHONE:
		return check_phone(fld, t, out, outsz, e);
	case FT_RESIDENT_ID:
	case FT_USCC:
	case FT_ID_BY_TYPE:
		return check_ident(fld, t, all, out, outsz, e);
	case FT_CHOICE:
		return check_choice(fld, t, out, outsz, e);
	case FT_ACCOUNT:
		return check_account(fld, t, ctx, out, outsz, e);
	case FT__COUNT:
		break;
	}
	return ferr(e, HALL_ECONFIG, fld, "未知字段类型", "unknown field type");
}

/* What every value must be, whatever the type: not too long, valid UTF-8. */
static int check_raw(const struct form_field *fld, const char *value,
                     struct hall_err *e)
{
	size_t n = strlen(value);

	if (n >= FORM_VALUE_MAX)
		return ferr(e, HALL_EINVAL, fld, "太长（最多 %d 字节）",
		            "is too long (at most %d bytes)", FORM_VALUE_MAX - 1);
	if (!utf8_valid(value, n))
		return ferr(e, HALL_EINVAL, fld, "含有无效的 UTF-8 编码",
		            "is not valid UTF-8 text");
	return HALL_OK;
}

int form_field_check(const struct form_field *fld, const char *value,
                     const struct form_values *all, const struct form_ctx *ctx,
                     char *norm, size_t normsz, struct hall_err *err)
{
	char t[FORM_VALUE_MAX], out[FORM_VALUE_MAX];
	size_t off, n;
	int rc;

	hall_err_clear(err);
	if (norm != NULL && normsz > 0)
		norm[0] = '\0';
	if (value == NULL)
		value = "";
	rc = check_raw(fld, value, err);
	if (rc != HALL_OK)
		return rc;
	trim_span(value, &off, &n);
	if (n == 0)
		return form_field_required(fld, all) ?
		       ferr(err, HALL_EINVAL, fld, "必须填写", "is required") : HALL_OK;
	memcpy(t, value + off, n);
	t[n] = '\0';
	/* surrounding white space is trimmed, control characters inside are
	 * refused (newlines only in multi-line text) */
	if (utf8_has_control(t, fld->type == FT_MULTILINE))
		return ferr(err, HALL_EINVAL, fld, "含有控制字符",
		            "contains a control character");
	out[0] = '\0';
	rc = check_typed(fld, t, all, ctx, out, sizeof out, err);
	if (rc != HALL_OK)
		return rc;
	if (norm != NULL && !copy_to(norm, normsz, out))
		return ferr(err, HALL_EINVAL, fld, "太长", "is too long");
	return HALL_OK;
}

/* ---------------------------------------------------------- validation */

struct verrs {
	struct form_errors *errs;
	int n;
};

static void add_err(struct verrs *v, const struct hall_err *e)
{
	v->n++;
	if (v->errs != NULL && v->errs->n < FORM_MAX_ERRORS)
		v->errs->e[v->errs->n++] = *e;
}

static void check_unknown_keys(const struct form_def *f,
                               const struct form_values *in, struct verrs *v)
{
	char list[LIST_MAX], shown[128];
	struct hall_err e;

	for (int i = 0; in != NULL && i < in->n; i++) {
		if (form_field_find(f, in->keys[i]) != NULL)
			continue;
		field_list(f, list, sizeof list);
		echo(shown, sizeof shown, in->keys[i]);
		hall_err_set(&e, HALL_EINVAL, shown, "未知字段“%s”（可用字段：%s）",
		             "unknown field '%s' (valid fields: %s)", shown, list);
		add_err(v, &e);
	}
}

/* w := trimmed input values of the visible fields, or their defaults. */
static int fill_effective(const struct form_def *f, const struct form_values *in,
                          const bool *vis, struct form_values *w)
{
	form_values_clear(w);
	for (int i = 0; i < f->nfields; i++) {
		const struct form_field *fld = &f->fields[i];
		const char *raw = form_values_get(in, fld->key);
		char *val;
		int rc;

		if (!vis[i])
			continue;
		if (!blank(raw))
			val = dup_trimmed(raw);
		else if (fld->default_value[0] != '\0')
			val = strdup(fld->default_value);
		else
			continue;
		if (val == NULL)
			return HALL_ENOMEM;
		rc = form_values_set(w, fld->key, val);
		free(val);
		if (rc != HALL_OK)
			return rc;
	}
	return HALL_OK;
}

/* Visibility of every field and the values the conditions see, repeated
 * until stable (a field shown only when a hidden field is set is hidden). */
static int effective_values(const struct form_def *f,
                            const struct form_values *in, bool *vis,
                            struct form_values *w)
{
	int rc;

	for (int i = 0; i < f->nfields; i++)
		vis[i] = true;
	rc = fill_effective(f, in, vis, w);
	for (int round = 0; rc == HALL_OK && round <= f->nfields; round++) {
		bool changed = false;

		for (int i = 0; i < f->nfields; i++) {
			bool now = form_field_visible(&f->fields[i], w);

			changed = changed || now != vis[i];
			vis[i] = now;
		}
		if (!changed)
			break;
		rc = fill_effective(f, in, vis, w);
	}
	return rc;
}

static void hidden_err(const struct form_field *fld, const struct form_values *w,
                       struct hall_err *e)
{
	const struct form_cond *c = first_failing(fld->show_when, fld->nshow_when, w);
	const char *key = c != NULL ? c->key : "?";
	const char *val = form_values_get(w, key);
	char shown[128];

	if (blank(val)) {
		ferr(e, HALL_EINVAL, fld, "%s 未填写时不适用",
		     "does not apply when %s is empty", key);
		return;
	}
	echo(shown, sizeof shown, val);
	ferr(e, HALL_EINVAL, fld, "%s 为 %s 时不适用",
	     "does not apply when %s is %s", key, shown);
}

static int validate_fields(const struct form_def *f, const struct form_values *in,
                           const bool *vis, const struct form_values *w,
                           const struct form_ctx *ctx, struct form_values *out,
                           struct verrs *v)
{
	char norm[FORM_VALUE_MAX];
	struct hall_err e;

	for (int i = 0; i < f->nfields; i++) {
		const struct form_field *fld = &f->fields[i];
		const char *val;

		if (!vis[i]) {
			if (!blank(form_values_get(in, fld->key))) {
				hidden_err(fld, w, &e);
				add_err(v, &e);
			}
			continue;
		}
		val = form_values_get(w, fld->key);
		if (form_field_check(fld, val, w, ctx, norm, sizeof norm, &e) !=
		    HALL_OK)
			add_err(v, &e);
		else if (norm[0] != '\0' &&
		         form_values_set(out, fld->key, norm) != HALL_OK)
			return HALL_ENOMEM;
	}
	return HALL_OK;
}

int form_validate(const struct form_def *f, const struct form_values *in,
                  const struct form_ctx *ctx, struct form_values *out,
                  struct form_errors *errs)
{
	struct verrs v = { errs, 0 };
	struct form_values w;
	struct hall_err e;
	bool *vis;
	int rc;

	if (errs != NULL)
		errs->n = 0;
	form_values_clear(out);
	check_unknown_keys(f, in, &v);
	vis = calloc((size_t)f->nfields + 1, sizeof *vis);
	form_values_init(&w);
	rc = vis != NULL ? effective_values(f, in, vis, &w) : HALL_ENOMEM;
	if (rc == HALL_OK)
		rc = validate_fields(f, in, vis, &w, ctx, out, &v);
	form_values_free(&w);
	free(vis);
	if (rc != HALL_OK) {
		nomem(&e);
		add_err(&v, &e);
		return rc;
	}
	return v.n > 0 ? HALL_EINVAL : HALL_OK;
}

/* -------------------------------------------------------------- parser */

/* Where things were written in the file, for messages after the fact. */
struct field_aux {
	int label, help, type, required, min, max, length, def, width, idf;
	int choice;                  /* first choice line */
	char min_s[BOUND_MAX], max_s[BOUND_MAX];
};

struct cond_ref {                /* a condition, for the end-of-file checks */
	int field, idx, line;
	bool req;
};

struct pstate {
	const char *path;
	int line;
	struct form_def *f;
	struct hall_err *err;
	struct field_aux *aux;
	int fcap, cur;
	struct cond_ref *refs;
	int nrefs, refcap;
	int form_line, title_line, action_line;
};

static int perr(const struct pstate *ps, int line, const char *zh_fmt,
                const char *en_fmt, ...)
{
	char zh[HALL_ERR_TEXT], en[HALL_ERR_TEXT];
	va_list ap, aq;

	va_start(ap, en_fmt);
	va_copy(aq, ap);
	vsnprintf(zh, sizeof zh, zh_fmt, ap);
	vsnprintf(en, sizeof en, en_fmt, aq);
	va_end(aq);
	va_end(ap);
	return hall_err_set(ps->err, HALL_ECONFIG, NULL, "%s:%d: %s%.0s",
	                    "%s:%d: %.0s%s", ps->path, line, zh, en);
}

static struct form_field *cur_field(const struct pstate *ps)
{
	return &ps->f->fields[ps->cur];
}

static struct field_aux *cur_aux(const struct pstate *ps)
{
	return &ps->aux[ps->cur];
}

/* A directive allowed once: *seen holds the line it was first seen on. */
static int once(struct pstate *ps, int *seen, const char *name)
{
	if (*seen != 0)
		return perr(ps, ps->line, "“%s”重复（第 %d 行已有）",
		            "duplicate '%s' (already on line %d)", name, *seen);
	*seen = ps->line;
	return HALL_OK;
}

static char *next_word(char **p)
{
	char *s = *p, *w;

	while (is_ws(*s))
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s && !is_ws(*s))
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

/* "中文 | English" or "中文" into zh and en (en = zh when absent). */
static int parse_label(struct pstate *ps, char *arg, char *zh, char *en,
                       size_t sz, const char *what)
{
	char *bar = strchr(arg, '|');
	char *z = arg, *n = NULL;

	if (bar != NULL) {
		if (strchr(bar + 1, '|') != NULL)
			return perr(ps, ps->line, "%s 只能有一个“|”（中文 | English）",
			            "%s: only one '|' allowed (中文 | English)", what);
		*bar = '\0';
		n = trim(bar + 1);
	}
	z = trim(z);
	if (*z == '\0' || (n != NULL && *n == '\0'))
		return perr(ps, ps->line, "%s 格式应为“中文 | English”，两边都不能为空",
		            "%s must read '中文 | English' with both parts non-empty",
		            what);
	if (n == NULL)
		n = z;
	if (strlen(z) >= sz || strlen(n) >= sz)
		return perr(ps, ps->line, "%s 太长（最多 %zu 字节）",
		            "%s is too long (at most %zu bytes)", what, sz - 1);
	if (utf8_has_control(z, false) || utf8_has_control(n, false))
		return perr(ps, ps->line, "%s 含有控制字符",
		            "%s contains a control character", what);
	strcpy(zh, z);
	strcpy(en, n);
	return HALL_OK;
}

static int d_form(struct pstate *ps, char *arg)
{
	int rc = once(ps, &ps->form_line, "form");

	if (rc != HALL_OK)
		return rc;
	if (!key_syntax(arg, false, true))
		return perr(ps, ps->line,
		            "表单名“%s”无效：须以小写字母开头，只含小写字母、数字、“_”和“-”，最多 31 个字符",
		            "invalid form name '%s': a lower-case letter, then lower-case letters, digits, '_' or '-', at most 31 characters",
		            arg);
	strcpy(ps->f->name, arg);
	return HALL_OK;
}

static int d_title(struct pstate *ps, char *arg)
{
	int rc = once(ps, &ps->title_line, "title");

	return rc != HALL_OK ? rc :
	       parse_label(ps, arg, ps->f->title_zh, ps->f->title_en,
	                   FORM_LABEL_MAX, "title");
}

static int d_action(struct pstate *ps, char *arg)
{
	int rc = once(ps, &ps->action_line, "action");

	if (rc != HALL_OK)
		return rc;
	if (!key_syntax(arg, false, false))
		return perr(ps, ps->line, "action“%s”无效", "invalid action '%s'",
		            arg);
	strcpy(ps->f->action, arg);
	return HALL_OK;
}

static int end_field(struct pstate *ps);

static int grow_fields(struct pstate *ps)
{
	int cap = ps->fcap ? ps->fcap * 2 : 16;
	struct form_field *nf;
	struct field_aux *na;

	nf = realloc(ps->f->fields, (size_t)cap * sizeof *nf);
	if (nf == NULL)
		return nomem(ps->err);
	ps->f->fields = nf;
	na = realloc(ps->aux, (size_t)cap * sizeof *na);
	if (na == NULL)
		return nomem(ps->err);
	ps->aux = na;
	ps->fcap = cap;
	return HALL_OK;
}

static int d_field(struct pstate *ps, char *arg)
{
	const struct form_field *old;
	int rc = end_field(ps);

	if (rc != HALL_OK)
		return rc;
	if (!key_syntax(arg, false, false))
		return perr(ps, ps->line,
		            "字段名“%s”无效：须以小写字母开头，只含小写字母、数字和“_”，最多 31 个字符",
		            "invalid field key '%s': a lower-case letter, then lower-case letters, digits or '_', at most 31 characters",
		            arg);
	old = form_field_find(ps->f, arg);
	if (old != NULL)
		return perr(ps, ps->line, "字段“%s”重复（第 %d 行已定义）",
		            "duplicate field '%s' (first on line %d)", arg, old->line);
	if (ps->f->nfields == ps->fcap && grow_fields(ps) != HALL_OK)
		return HALL_ENOMEM;
	ps->cur = ps->f->nfields++;
	memset(cur_field(ps), 0, sizeof *cur_field(ps));
	memset(cur_aux(ps), 0, sizeof *cur_aux(ps));
	strcpy(cur_field(ps)->key, arg);
	cur_field(ps)->line = ps->line;
	return HALL_OK;
}

static int d_label(struct pstate *ps, char *arg)
{
	struct form_field *fld = cur_field(ps);
	int rc = once(ps, &cur_aux(ps)->label, "label");

	return rc != HALL_OK ? rc :
	       parse_label(ps, arg, fld->label_zh, fld->label_en, FORM_LABEL_MAX,
	                   "label");
}

static int d_help(struct pstate *ps, char *arg)
{
	struct form_field *fld = cur_field(ps);
	int rc = once(ps, &cur_aux(ps)->help, "help");

	return rc != HALL_OK ? rc :
	       parse_label(ps, arg, fld->help_zh, fld->help_en, FORM_HELP_MAX,
	                   "help");
}

static int d_type(struct pstate *ps, char *arg)
{
	char list[LIST_MAX];
	int rc = once(ps, &cur_aux(ps)->type, "type");

	if (rc != HALL_OK)
		return rc;
	for (int t = 0; t < FT__COUNT; t++) {
		if (strcmp(arg, type_names[t]) == 0) {
			cur_field(ps)->type = (enum form_type)t;
			return HALL_OK;
		}
	}
	list[0] = '\0';
	for (int t = 0; t < FT__COUNT; t++)
		list_add(list, sizeof list, type_names[t]);
	return perr(ps, ps->line, "未知类型“%s”（可用：%s）",
	            "unknown type '%s' (known: %s)", arg, list);
}

static int d_required(struct pstate *ps, char *arg)
{
	int rc = once(ps, &cur_aux(ps)->required, "required");

	if (rc != HALL_OK)
		return rc;
	if (*arg != '\0')
		return perr(ps, ps->line, "required 后面不能有值（条件请用 required-when）",
		            "'required' takes no value (use required-when)");
	cur_field(ps)->required = true;
	return HALL_OK;
}

static int limit(struct pstate *ps, char *arg, int *seen, char *buf,
                 const char *name)
{
	int rc = once(ps, seen, name);

	if (rc != HALL_OK)
		return rc;
	if (*arg == '\0' || strlen(arg) >= BOUND_MAX)
		return perr(ps, ps->line, "%s 需要一个数值", "%s needs a number",
		            name);
	strcpy(buf, arg);
	return HALL_OK;
}

static int d_min(struct pstate *ps, char *arg)
{
	return limit(ps, arg, &cur_aux(ps)->min, cur_aux(ps)->min_s, "min");
}

static int d_max(struct pstate *ps, char *arg)
{
	return limit(ps, arg, &cur_aux(ps)->max, cur_aux(ps)->max_s, "max");
}

static int d_length(struct pstate *ps, char *arg)
{
	struct form_field *fld = cur_field(ps);
	char *a = next_word(&arg), *b = next_word(&arg);
	int64_t lo, hi;
	int rc = once(ps, &cur_aux(ps)->length, "length");

	if (rc != HALL_OK)
		return rc;
	if (a == NULL || b == NULL || next_word(&arg) != NULL ||
	    !parse_i64(a, &lo) || !parse_i64(b, &hi) || lo < 0 || hi < 1 ||
	    lo > hi || hi > FORM_LENGTH_MAX)
		return perr(ps, ps->line,
		            "length 应为“length 最少 最多”，0 ≤ 最少 ≤ 最多，1 ≤ 最多 ≤ %d，如 length 1 40",
		            "length must read 'length MIN MAX' with 0 <= MIN <= MAX and 1 <= MAX <= %d, e.g. length 1 40",
		            FORM_LENGTH_MAX);
	fld->min_len = (int)lo;
	fld->max_len = (int)hi;
	return HALL_OK;
}

static int d_default(struct pstate *ps, char *arg)
{
	int rc = once(ps, &cur_aux(ps)->def, "default");

	if (rc != HALL_OK)
		return rc;
	if (*arg == '\0')
		return perr(ps, ps->line, "default 需要一个值", "default needs a value");
	if (!copy_to(cur_field(ps)->default_value, FORM_LABEL_MAX, arg))
		return perr(ps, ps->line, "default 太长（最多 %d 字节）",
		            "default is too long (at most %d bytes)",
		            FORM_LABEL_MAX - 1);
	return HALL_OK;
}

static int d_width(struct pstate *ps, char *arg)
{
	int64_t w;
	int rc = once(ps, &cur_aux(ps)->width, "width");

	if (rc != HALL_OK)
		return rc;
	if (!parse_i64(arg, &w) || w < 1 || w > WIDTH_MAX)
		return perr(ps, ps->line, "width 应为 1 到 %d 的整数",
		            "width must be a whole number from 1 to %d", WIDTH_MAX);
	cur_field(ps)->width = (int)w;
	return HALL_OK;
}

static int d_choice(struct pstate *ps, char *arg)
{
	struct form_field *fld = cur_field(ps);
	struct form_choice c, *nc;
	char *key = next_word(&arg);
	int rc;

	if (key == NULL || !key_syntax(key, true, false))
		return perr(ps, ps->line,
		            "choice 应为“choice 键 中文 | English”，键只含小写字母、数字和“_”",
		            "choice must read 'choice KEY 中文 | English' with a KEY of lower-case letters, digits and '_'");
	if (form_choice_find(fld, key) != NULL)
		return perr(ps, ps->line, "选项“%s”重复", "duplicate choice '%s'", key);
	memset(&c, 0, sizeof c);
	strcpy(c.key, key);
	rc = parse_label(ps, arg, c.zh, c.en, FORM_LABEL_MAX, "choice");
	if (rc != HALL_OK)
		return rc;
	nc = realloc(fld->choices, (size_t)(fld->nchoices + 1) * sizeof *nc);
	if (nc == NULL)
		return nomem(ps->err);
	fld->choices = nc;
	fld->choices[fld->nchoices++] = c;
	if (cur_aux(ps)->choice == 0)
		cur_aux(ps)->choice = ps->line;
	return HALL_OK;
}

static int d_id_type_field(struct pstate *ps, char *arg)
{
	int rc = once(ps, &cur_aux(ps)->idf, "id-type-field");

	if (rc != HALL_OK)
		return rc;
	if (!key_syntax(arg, false, false))
		return perr(ps, ps->line, "id-type-field“%s”不是有效的字段名",
		            "id-type-field '%s' is not a valid field key", arg);
	strcpy(cur_field(ps)->id_type_field, arg);
	return HALL_OK;
}

static void free_cond(struct form_cond *c)
{
	for (int i = 0; i < c->nvalues; i++)
		free(c->values[i]);
	free(c->values);
	c->values = NULL;
	c->nvalues = 0;
}

static const struct {
	const char *name;
	enum form_cond_op op;
} cond_ops[] = {
	{ "=", COND_EQ }, { "!=", COND_NE }, { "in", COND_IN },
	{ "not-in", COND_NOT_IN }, { "set", COND_SET }, { "empty", COND_EMPTY },
};

/* VALUES of a condition: none (set, empty), one (=, !=), a comma list. */
static int cond_values(struct pstate *ps, char *rest, struct form_cond *c)
{
	int n = 1;

	if (c->op == COND_SET || c->op == COND_EMPTY)
		return *rest == '\0' ? HALL_OK :
		       perr(ps, ps->line, "set/empty 后面不能有值",
		            "set/empty take no value");
	for (const char *p = rest; *p; p++)
		n += *p == ',';
	if ((c->op == COND_EQ || c->op == COND_NE) && n > 1)
		return perr(ps, ps->line, "= 和 != 只比较一个值，多个值请用 in / not-in",
		            "= and != compare one value; use in / not-in for several");
	c->values = calloc((size_t)n, sizeof *c->values);
	if (c->values == NULL)
		return nomem(ps->err);
	for (char *p = rest; c->nvalues < n; c->nvalues++) {
		char *comma = strchr(p, ',');
		char *v;

		if (comma != NULL)
			*comma = '\0';
		v = trim(p);
		if (*v == '\0')
			return perr(ps, ps->line, "条件缺少值", "a condition value is missing");
		c->values[c->nvalues] = strdup(v);
		if (c->values[c->nvalues] == NULL)
			return nomem(ps->err);
		p = comma != NULL ? comma + 1 : p + strlen(p);
	}
	return HALL_OK;
}

static int parse_cond(struct pstate *ps, char *arg, struct form_cond *c)
{
	char *key = next_word(&arg), *op = next_word(&arg);

	memset(c, 0, sizeof *c);
	if (key == NULL || op == NULL)
		return perr(ps, ps->line,
		            "条件应为“字段 运算 值”，如 show-when method != cash",
		            "a condition reads 'KEY OP VALUES', e.g. show-when method != cash");
	if (!key_syntax(key, false, false))
		return perr(ps, ps->line, "条件中的字段名“%s”无效",
		            "invalid field key '%s' in a condition", key);
	strcpy(c->key, key);
	for (size_t i = 0; i < sizeof cond_ops / sizeof cond_ops[0]; i++) {
		if (strcmp(op, cond_ops[i].name) == 0) {
			c->op = cond_ops[i].op;
			return cond_values(ps, trim(arg), c);
		}
	}
	return perr(ps, ps->line, "未知条件运算“%s”（可用：= != in not-in set empty）",
	            "unknown condition operator '%s' (known: = != in not-in set empty)",
	            op);
}

static int grow_refs(struct pstate *ps)
{
	int cap = ps->refcap ? ps->refcap * 2 : 32;
	struct cond_ref *nr;

	if (ps->nrefs < ps->refcap)
		return HALL_OK;
	nr = realloc(ps->refs, (size_t)cap * sizeof *nr);
	if (nr == NULL)
		return nomem(ps->err);
	ps->refs = nr;
	ps->refcap = cap;
	return HALL_OK;
}

static int add_cond(struct pstate *ps, char *arg, bool req)
{
	struct form_field *fld = cur_field(ps);
	struct form_cond **arr = req ? &fld->required_when : &fld->show_when;
	int *n = req ? &fld->nrequired_when : &fld->nshow_when;
	struct form_cond c, *na;
	int rc = parse_cond(ps, arg, &c);

	if (rc == HALL_OK)
		rc = grow_refs(ps);
	if (rc == HALL_OK) {
		na = realloc(*arr, (size_t)(*n + 1) * sizeof *na);
		if (na == NULL)
			rc = nomem(ps->err);
		else
			*arr = na;
	}
	if (rc != HALL_OK) {
		free_cond(&c);
		return rc;
	}
	(*arr)[*n] = c;
	ps->refs[ps->nrefs++] = (struct cond_ref){ ps->cur, *n, ps->line, req };
	(*n)++;
	return HALL_OK;
}

static int d_show_when(struct pstate *ps, char *arg)
{
	return add_cond(ps, arg, false);
}

static int d_required_when(struct pstate *ps, char *arg)
{
	return add_cond(ps, arg, true);
}

static const struct directive {
	const char *name;
	int (*fn)(struct pstate *ps, char *arg);
	bool in_field;   /* belongs to the current field */
	bool text;       /* free text argument: '#' is not a comment */
} directives[] = {
	{ "form", d_form, false, false },
	{ "title", d_title, false, true },
	{ "action", d_action, false, false },
	{ "field", d_field, false, false },
	{ "label", d_label, true, true },
	{ "help", d_help, true, true },
	{ "type", d_type, true, false },
	{ "required", d_required, true, false },
	{ "min", d_min, true, false },
	{ "max", d_max, true, false },
	{ "length", d_length, true, false },
	{ "default", d_default, true, false },
	{ "width", d_width, true, false },
	{ "choice", d_choice, true, true },
	{ "show-when", d_show_when, true, false },
	{ "required-when", d_required_when, true, false },
	{ "id-type-field", d_id_type_field, true, false },
};

static const struct directive *find_directive(const char *name)
{
	for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++)
		if (strcmp(directives[i].name, name) == 0)
			return &directives[i];
	return NULL;
}

static void strip_comment(char *arg)
{
	for (char *p = arg; *p; p++) {
		if (*p == '#' && (p == arg || is_ws(p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

static int parse_line(struct pstate *ps, char *s)
{
	const struct directive *d;
	char *arg, shown[128];

	s = trim(s);
	if (*s == '\0' || *s == '#')
		return HALL_OK;
	for (arg = s; *arg && !is_ws(*arg); arg++)
		;
	if (*arg)
		*arg++ = '\0';
	d = find_directive(s);
	if (d == NULL)
		return perr(ps, ps->line, "未知指令“%s”", "unknown directive '%s'",
		            echo(shown, sizeof shown, s));
	if (!d->text)
		strip_comment(arg);
	arg = trim(arg);
	if (ps->form_line == 0 && d->fn != d_form)
		return perr(ps, ps->line, "文件须以“form 表单名”开头",
		            "the file must begin with 'form NAME'");
	if (d->in_field && ps->cur < 0)
		return perr(ps, ps->line, "“%s”须写在 field 行之后",
		            "'%s' must follow a 'field' line", s);
	if (!d->in_field && d->fn != d_field && ps->cur >= 0)
		return perr(ps, ps->line, "“%s”须写在第一个 field 之前",
		            "'%s' must come before the first 'field'", s);
	return d->fn(ps, arg);
}

/* ----------------------------------------- checks at the end of a field */

static int field_shape(struct pstate *ps, const struct form_field *fld,
                       const struct field_aux *a)
{
	if (fld->label_zh[0] == '\0')
		return perr(ps, fld->line, "字段“%s”缺少 label",
		            "field '%s' has no label", fld->key);
	if (a->type == 0)
		return perr(ps, fld->line, "字段“%s”缺少 type",
		            "field '%s' has no type", fld->key);
	if (fld->nchoices > 0 && fld->type != FT_CHOICE)
		return perr(ps, a->choice, "字段“%s”的类型是 %s，只有 choice 类型才能有 choice",
		            "field '%s' is of type %s; only choice fields have choices",
		            fld->key, type_names[fld->type]);
	if (fld->type == FT_CHOICE && fld->nchoices == 0)
		return perr(ps, fld->line, "choice 字段“%s”没有任何 choice",
		            "choice field '%s' has no choices", fld->key);
	if (a->length != 0 && fld->type != FT_TEXT && fld->type != FT_MULTILINE &&
	    fld->type != FT_DIGITS && fld->type != FT_ACCOUNT)
		return perr(ps, a->length, "length 只适用于 text、multiline、digits、account",
		            "length applies to text, multiline, digits and account only");
	if (a->idf != 0 && fld->type != FT_ID_BY_TYPE)
		return perr(ps, a->idf, "id-type-field 只适用于 id 类型",
		            "id-type-field applies to type id only");
	return HALL_OK;
}

static int parse_bound(struct pstate *ps, const struct form_field *fld,
                       const char *s, int line, int64_t *v)
{
	struct hall_err tmp;

	if (fld->type == FT_MONEY) {
		if (money_parse(s, "min/max", v, &tmp) != HALL_OK)
			return perr(ps, line, "“%s”不是金额（元），如 0.01",
			            "'%s' is not an amount in yuan, e.g. 0.01", s);
	} else if (!parse_i64(s, v)) {
		return perr(ps, line, "“%s”不是整数", "'%s' is not a whole number", s);
	}
	return HALL_OK;
}

static int field_bounds(struct pstate *ps, struct form_field *fld,
                        const struct field_aux *a)
{
	int rc = HALL_OK;

	if ((a->min || a->max) && fld->type != FT_INTEGER && fld->type != FT_MONEY)
		return perr(ps, a->min ? a->min : a->max,
		            "min/max 只适用于 integer 和 money",
		            "min/max apply to integer and money only");
	if (a->min != 0)
		rc = parse_bound(ps, fld, a->min_s, a->min, &fld->min);
	if (rc == HALL_OK && a->max != 0)
		rc = parse_bound(ps, fld, a->max_s, a->max, &fld->max);
	if (rc != HALL_OK)
		return rc;
	fld->has_min = a->min != 0;
	fld->has_max = a->max != 0;
	if (fld->has_min && fld->has_max && fld->min > fld->max)
		return perr(ps, a->max, "min（%s）大于 max（%s）",
		            "min (%s) is greater than max (%s)", a->min_s, a->max_s);
	return HALL_OK;
}

static int field_default(struct pstate *ps, const struct form_field *fld,
                         const struct field_aux *a)
{
	char list[LIST_MAX], norm[FORM_LABEL_MAX * 2];
	struct hall_err tmp;

	if (a->def == 0 || fld->type == FT_ID_BY_TYPE || fld->type == FT_ACCOUNT)
		return HALL_OK;
	if (fld->type == FT_CHOICE) {
		if (form_choice_find(fld, fld->default_value) != NULL)
			return HALL_OK;
		choice_list(fld, list, sizeof list);
		return perr(ps, a->def, "默认值“%s”不是可选值（可选：%s）",
		            "default '%s' is not one of the choices (%s)",
		            fld->default_value, list);
	}
	if (form_field_check(fld, fld->default_value, NULL, NULL, norm,
	                     sizeof norm, &tmp) != HALL_OK)
		return perr(ps, a->def, "默认值无效：%s%.0s", "invalid default: %.0s%s",
		            tmp.zh, tmp.en);
	return HALL_OK;
}

static int end_field(struct pstate *ps)
{
	struct form_field *fld;
	struct field_aux *a;
	int rc;

	if (ps->cur < 0)
		return HALL_OK;
	fld = cur_field(ps);
	a = cur_aux(ps);
	if (fld->type == FT_ID_BY_TYPE && fld->id_type_field[0] == '\0')
		strcpy(fld->id_type_field, "id_type");
	rc = field_shape(ps, fld, a);
	if (rc == HALL_OK)
		rc = field_bounds(ps, fld, a);
	if (rc == HALL_OK)
		rc = field_default(ps, fld, a);
	return rc;
}

/* ----------------------------------------- checks at the end of a file */

static int check_cond_ref(struct pstate *ps, const struct cond_ref *r)
{
	const struct form_field *fld = &ps->f->fields[r->field];
	const struct form_cond *c = r->req ? &fld->required_when[r->idx] :
	                            &fld->show_when[r->idx];
	const struct form_field *target = form_field_find(ps->f, c->key);
	char list[LIST_MAX];

	if (target == NULL)
		return perr(ps, r->line, "条件中的字段“%s”在本表单中不存在",
		            "the condition names field '%s', which is not in this form",
		            c->key);
	if (target == fld)
		return perr(ps, r->line, "字段“%s”的条件不能引用它自己",
		            "field '%s' has a condition on itself", c->key);
	if (target->type != FT_CHOICE)
		return HALL_OK;
	for (int i = 0; i < c->nvalues; i++) {
		if (form_choice_find(target, c->values[i]) != NULL)
			continue;
		choice_list(target, list, sizeof list);
		return perr(ps, r->line, "“%s”不是字段“%s”的可选值（可选：%s）",
		            "'%s' is not a choice of field '%s' (%s)", c->values[i],
		            c->key, list);
	}
	return HALL_OK;
}

static int check_id_links(struct pstate *ps)
{
	for (int i = 0; i < ps->f->nfields; i++) {
		const struct form_field *fld = &ps->f->fields[i];
		const struct form_field *t;
		int line = ps->aux[i].idf ? ps->aux[i].idf : fld->line;

		if (fld->type != FT_ID_BY_TYPE)
			continue;
		t = form_field_find(ps->f, fld->id_type_field);
		if (t == NULL)
			return perr(ps, line, "证件类型字段“%s”在本表单中不存在",
			            "the id-type field '%s' is not in this form",
			            fld->id_type_field);
		if (t == fld)
			return perr(ps, line, "字段“%s”不能用自己作证件类型字段",
			            "field '%s' cannot hold its own id type", fld->key);
	}
	return HALL_OK;
}

static int finish_form(struct pstate *ps, const char *stem)
{
	const struct form_def *f = ps->f;
	int rc = end_field(ps);

	if (rc != HALL_OK)
		return rc;
	if (ps->form_line == 0)
		return perr(ps, ps->line > 0 ? ps->line : 1, "缺少“form 表单名”行",
		            "no 'form NAME' line");
	if (ps->title_line == 0 || ps->action_line == 0)
		return perr(ps, ps->form_line, "表单缺少 %s 行",
		            "the form has no '%s' line",
		            ps->title_line == 0 ? "title" : "action");
	if (f->nfields == 0)
		return perr(ps, ps->form_line, "表单没有任何字段",
		            "the form has no fields");
	if (stem != NULL && strcmp(stem, f->name) != 0)
		return perr(ps, ps->form_line, "表单名“%s”与文件名“%s.form”不一致",
		            "form name '%s' does not match the file name '%s.form'",
		            f->name, stem);
	for (int i = 0; i < ps->nrefs; i++) {
		rc = check_cond_ref(ps, &ps->refs[i]);
		if (rc != HALL_OK)
			return rc;
	}
	return check_id_links(ps);
}

/* ------------------------------------------------------- parse entries */

void form_free(struct form_def *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->nfields; i++) {
		struct form_field *fld = &f->fields[i];

		for (int j = 0; j < fld->nshow_when; j++)
			free_cond(&fld->show_when[j]);
		for (int j = 0; j < fld->nrequired_when; j++)
			free_cond(&fld->required_when[j]);
		free(fld->show_when);
		free(fld->required_when);
		free(fld->choices);
	}
	free(f->fields);
	free(f);
}

static int parse_lines(struct pstate *ps, const char *text)
{
	const char *p = text;
	int rc = HALL_OK;

	if (strncmp(p, "\xef\xbb\xbf", 3) == 0) /* a BOM from a Windows editor */
		p += 3;
	while (*p != '\0' && rc == HALL_OK) {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *line = dup_n(p, n);

		ps->line++;
		if (line == NULL)
			rc = nomem(ps->err);
		else if (!utf8_valid(line, n))
			rc = perr(ps, ps->line, "不是有效的 UTF-8 文本",
			          "not valid UTF-8 text");
		else
			rc = parse_line(ps, line);
		free(line);
		p += n + (nl != NULL);
	}
	return rc;
}

static int parse_common(const char *text, const char *path, const char *stem,
                        struct form_def **out, struct hall_err *err)
{
	struct pstate ps;
	int rc;

	*out = NULL;
	hall_err_clear(err);
	memset(&ps, 0, sizeof ps);
	ps.path = path != NULL ? path : "(form)";
	ps.err = err;
	ps.cur = -1;
	ps.f = calloc(1, sizeof *ps.f);
	if (ps.f == NULL)
		return nomem(err);
	snprintf(ps.f->path, sizeof ps.f->path, "%s", path != NULL ? path : "");
	rc = parse_lines(&ps, text != NULL ? text : "");
	if (rc == HALL_OK)
		rc = finish_form(&ps, stem);
	free(ps.aux);
	free(ps.refs);
	if (rc != HALL_OK) {
		form_free(ps.f);
		return rc;
	}
	*out = ps.f;
	return HALL_OK;
}

int form_parse_text(const char *text, const char *path_for_messages,
                    struct form_def **out, struct hall_err *err)
{
	return parse_common(text, path_for_messages, NULL, out, err);
}

/* The whole file as a NUL-terminated string. */
static int read_file(const char *path, char **out, struct hall_err *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t n;

	*out = NULL;
	if (fp == NULL)
		return hall_err_set(err, HALL_EIO, NULL, "%s：无法读取（%s）",
		                    "%s: cannot read (%s)", path, strerror(errno));
	buf = malloc(FORM_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(fp);
		return nomem(err);
	}
	n = fread(buf, 1, FORM_FILE_MAX + 1, fp);
	fclose(fp);
	if (n > FORM_FILE_MAX || memchr(buf, '\0', n) != NULL) {
		free(buf);
		return hall_err_set(err, HALL_ECONFIG, NULL,
		                    "%s：不是表单文件（太大或含有 NUL 字节）",
		                    "%s: not a form file (too large or contains NUL bytes)",
		                    path);
	}
	buf[n] = '\0';
	*out = buf;
	return HALL_OK;
}

int form_parse_file(const char *path, struct form_def **out,
                    struct hall_err *err)
{
	char stem[FORM_KEY_MAX * 2], *text;
	const char *base = strrchr(path, '/');
	size_t n;
	int rc;

	*out = NULL;
	base = base != NULL ? base + 1 : path;
	snprintf(stem, sizeof stem, "%s", base);
	n = strlen(stem);
	if (n > 5 && strcmp(stem + n - 5, ".form") == 0)
		stem[n - 5] = '\0';
	rc = read_file(path, &text, err);
	if (rc != HALL_OK)
		return rc;
	rc = parse_common(text, path, stem, out, err);
	free(text);
	return rc;
}

/* ------------------------------------------------------------ form sets */

struct names {
	char **v;
	int n;
};

static void names_free(struct names *nm)
{
	for (int i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	nm->v = NULL;
	nm->n = 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_form_file(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".form") == 0;
}

/* Paths "dir/x.form" of the form files of dir, sorted. */
static int list_forms(const char *dir, struct names *nm, struct hall_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = HALL_OK;

	nm->v = NULL;
	nm->n = 0;
	if (d == NULL)
		return hall_err_set(err, HALL_EIO, NULL, "%s：无法打开表单目录（%s）",
		                    "%s: cannot open the forms directory (%s)", dir,
		                    strerror(errno));
	while (rc == HALL_OK && (de = readdir(d)) != NULL) {
		char **nv;

		if (!is_form_file(de->d_name))
			continue;
		nv = realloc(nm->v, (size_t)(nm->n + 1) * sizeof *nv);
		if (nv == NULL) {
			rc = nomem(err);
			break;
		}
		nm->v = nv;
		nm->v[nm->n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
		if (nm->v[nm->n] == NULL)
			rc = nomem(err);
		else
			sprintf(nm->v[nm->n++], "%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (rc == HALL_OK && nm->n == 0)
		rc = hall_err_set(err, HALL_ECONFIG, NULL, "%s：没有任何 .form 文件",
		                  "%s: no .form files", dir);
	if (rc != HALL_OK)
		names_free(nm);
	else
		qsort(nm->v, (size_t)nm->n, sizeof *nm->v, cmp_names);
	return rc;
}

void formset_free(struct form_set *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->nforms; i++)
		form_free(s->forms[i]);
	free(s->forms);
	free(s);
}

static int dup_form(const struct form_set *s, const struct form_def *f,
                    struct hall_err *err)
{
	const struct form_def *old = formset_find(s, f->name);

	if (old == NULL)
		return HALL_OK;
	return hall_err_set(err, HALL_ECONFIG, NULL, "%s：表单名“%s”与 %s 重复",
	                    "%s: form '%s' is also declared in %s", f->path,
	                    f->name, old->path);
}

int formset_load_dir(const char *dir, struct form_set **out,
                     struct hall_err *err)
{
	struct names nm;
	struct form_set *s;
	int rc;

	*out = NULL;
	hall_err_clear(err);
	rc = list_forms(dir, &nm, err);
	if (rc != HALL_OK)
		return rc;
	s = calloc(1, sizeof *s);
	if (s != NULL)
		s->forms = calloc((size_t)nm.n, sizeof *s->forms);
	rc = s != NULL && s->forms != NULL ? HALL_OK : nomem(err);
	for (int i = 0; rc == HALL_OK && i < nm.n; i++) {
		struct form_def *f;

		rc = form_parse_file(nm.v[i], &f, err);
		if (rc == HALL_OK && (rc = dup_form(s, f, err)) != HALL_OK)
			form_free(f);
		else if (rc == HALL_OK)
			s->forms[s->nforms++] = f;
	}
	names_free(&nm);
	if (rc != HALL_OK) {
		formset_free(s);
		return rc;
	}
	*out = s;
	return HALL_OK;
}

int formset_check_dir(const char *dir,
                      void (*report)(void *ud, const struct hall_err *e),
                      void *ud)
{
	struct form_set good = { NULL, 0 };
	struct hall_err err;
	struct names nm;
	int broken = 0;

	if (list_forms(dir, &nm, &err) != HALL_OK) {
		if (report != NULL)
			report(ud, &err);
		return 1;
	}
	good.forms = calloc((size_t)nm.n, sizeof *good.forms);
	for (int i = 0; i < nm.n; i++) {
		struct form_def *f = NULL;
		int rc = good.forms != NULL ? form_parse_file(nm.v[i], &f, &err) :
		         nomem(&err);

		if (rc == HALL_OK && (rc = dup_form(&good, f, &err)) != HALL_OK)
			form_free(f);
		else if (rc == HALL_OK)
			good.forms[good.nforms++] = f;
		if (rc != HALL_OK) {
			broken++;
			if (report != NULL)
				report(ud, &err);
		}
	}
	for (int i = 0; i < good.nforms; i++)
		form_free(good.forms[i]);
	free(good.forms);
	names_free(&nm);
	return broken;
}
