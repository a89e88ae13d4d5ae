/*
 * test_form.c - the forms engine: the shipped forms, the parser's errors,
 * every field type, conditions, defaults, messages in both languages and a
 * field added by an administrator.
 *
 * The forms directory is $HALL_FORMS, else "forms" (run from the repo root).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hall/form.h"
#include "hall/ident.h"

#define RID "11010519491231002X"   /* resident ID from domain.md */
#define USCC "91350100M000100Y43"  /* credit code from domain.md */

#define assert_has(hay, needle) do { \
	const char *h_ = (hay), *n_ = (needle); \
	if (strstr(h_, n_) == NULL) \
		fail_msg("\"%s\" does not contain \"%s\"", h_, n_); \
} while (0)

#define assert_hasnt(hay, needle) do { \
	const char *h_ = (hay), *n_ = (needle); \
	if (strstr(h_, n_) != NULL) \
		fail_msg("\"%s\" contains \"%s\"", h_, n_); \
} while (0)

static struct form_set *g_set;

static const char *forms_dir(void)
{
	const char *d = getenv("HALL_FORMS");

	return d != NULL && d[0] != '\0' ? d : "forms";
}

static int setup(void **state)
{
	struct hall_err err;

	(void)state;
	hall_lang_set(HALL_LANG_ZH);
	if (formset_load_dir(forms_dir(), &g_set, &err) != HALL_OK) {
		fprintf(stderr, "loading %s: %s\n", forms_dir(), err.en);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	formset_free(g_set);
	g_set = NULL;
	hall_lang_set(HALL_LANG_ZH);
	return 0;
}

static const struct form_def *form(const char *name)
{
	const struct form_def *f = formset_find(g_set, name);

	if (f == NULL)
		fail_msg("form %s not loaded", name);
	return f;
}

static const struct form_field *field(const struct form_def *f, const char *key)
{
	const struct form_field *fld = form_field_find(f, key);

	if (fld == NULL)
		fail_msg("field %s not in form %s", key, f->name);
	return fld;
}

/* Parse text that must be accepted. */
static struct form_def *parse_ok(const char *text)
{
	struct form_def *f = NULL;
	struct hall_err err;
	int rc = form_parse_text(text, "t.form", &f, &err);

	if (rc != HALL_OK)
		fail_msg("parse failed: %s", err.en);
	return f;
}

/* Values from "key=value" pairs, ended by NULL. */
static void vals(struct form_values *v, ...)
{
	va_list ap;
	const char *kv;

	form_values_init(v);
	va_start(ap, v);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(kv, '=');
		char key[64];

		assert_non_null(eq);
		snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
		assert_int_equal(form_values_set(v, key, eq + 1), HALL_OK);
	}
	va_end(ap);
}

/* The error about key in errs, or NULL. */
static const struct hall_err *err_for(const struct form_errors *errs,
                                      const char *key)
{
	for (int i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].field, key) == 0)
			return &errs->e[i];
	return NULL;
}

static const struct hall_err *need_err(const struct form_errors *errs,
                                       const char *key)
{
	static const struct hall_err none;
	const struct hall_err *e = err_for(errs, key);

	if (e != NULL)
		return e;
	for (int i = 0; i < errs->n; i++)
		fprintf(stderr, "  error: %s %s\n", errs->e[i].field, errs->e[i].en);
	fail_msg("no error for field %s", key);
	return &none;
}

/* ----------------------------------------------------- shipped forms */

static void test_shipped_forms_load(void **state)
{
	/* the four counter forms and the two helper forms of hall import */
	static const char *const names[] = {
		"bill", "change", "complaint", "customer", "new-connection", "payment",
	};
	static const char *const actions[] = {
		"none", "change", "complaint", "none", "new_connection", "payment",
	};

	(void)state;
	assert_int_equal(g_set->nforms, 6);
	for (int i = 0; i < 6; i++) {
		const struct form_def *f = g_set->forms[i];

		assert_string_equal(f->name, names[i]);
		assert_string_equal(f->action, actions[i]);
		assert_true(f->title_zh[0] && f->title_en[0]);
		for (int j = 0; j < f->nfields; j++) {
			const struct form_field *fld = &f->fields[j];

			if (!fld->label_zh[0] || !fld->label_en[0] || !fld->help_zh[0] ||
			    !fld->help_en[0])
				fail_msg("%s.%s: label/help missing", f->name, fld->key);
			/* English given, not a copy of the Chinese */
			assert_string_not_equal(fld->label_zh, fld->label_en);
		}
	}
	assert_int_equal(formset_check_dir(forms_dir(), NULL, NULL), 0);
}

static void expect_keys(const struct form_def *f, const char *const *keys)
{
	int n = 0;

	for (; keys[n] != NULL; n++)
		field(f, keys[n]);
	assert_int_equal(f->nfields, n);
}

static void expect_choices(const struct form_field *fld, const char *const *keys)
{
	int n = 0;

	assert_int_equal(fld->type, FT_CHOICE);
	for (; keys[n] != NULL; n++) {
		if (form_choice_find(fld, keys[n]) == NULL)
			fail_msg("%s has no choice %s", fld->key, keys[n]);
		assert_string_equal(fld->choices[n].key, keys[n]); /* in order */
	}
	assert_int_equal(fld->nchoices, n);
}

static void test_contract_keys(void **state)
{
	static const char *const nc[] = { "name", "id_type", "id_number", "phone",
		"address", "category", "voltage", "capacity", "kind", "tariff_form",
		"agent_name", "agent_id_number", "note", NULL };
	static const char *const ch[] = { "account_no", "change_type",
		"start_date", "end_date", "new_capacity", "transformers",
		"new_address", "new_name", "new_id_type", "new_id_number",
		"new_phone", "merge_accounts", "split_count", "new_voltage",
		"new_category", "reason", "refund_method", "contact_phone", "note",
		NULL };
	static const char *const pay[] = { "account_no", "amount", "method",
		"reference", "tendered", "note", NULL };
	static const char *const co[] = { "account_no", "name", "phone", "kind",
		"category", "subcategory", "channel", "content", "anonymous",
		"confidential", "preferred_contact", NULL };
	static const char *const change_types[] = { "reduce", "suspend", "swap",
		"relocate", "move_meter", "temp_remove", "rename", "split", "merge",
		"close", "change_voltage", "change_category", NULL };
	static const char *const methods[] = { "cash", "card", "wechat",
		"alipay", "cheque", "transfer", NULL };
	static const char *const voltages[] = { "220v", "380v", "10kv", "20kv",
		"35kv", "110kv", NULL };
	static const char *const kinds[] = { "lv_residential",
		"lv_nonresidential", "hv_single", "hv_dual", NULL };
	static const char *const idtypes[] = { "resident_id", "uscc", "passport",
		"other", NULL };
	static const char *const cats[] = { "residential", "agricultural",
		"commercial", NULL };
	static const char *const ckinds[] = { "complaint", "enquiry", "fault",
		"misconduct", "suggestion", "praise", NULL };
	static const char *const ccats[] = { "service", "business", "outage",
		"quality", "construction", NULL };
	static const char *const subs[] = { "service_conduct", "service_channel",
		"ethics", "connection_project", "meter_install", "inspection",
		"meter_reading", "tariff", "metering", "outage", "repair_quality",
		"supply_quality", NULL };
	static const char *const chans[] = { "hall", "hotline_95598", "app",
		"sms", "letter", "visit", "hotline_12398", "hotline_12345", "media",
		NULL };
	static const char *const prefs[] = { "sms", "phone", "wechat", "letter",
		NULL };
	const struct form_def *f;

	(void)state;
	f = form("new-connection");
	expect_keys(f, nc);
	expect_choices(field(f, "id_type"), idtypes);
	expect_choices(field(f, "category"), cats);
	expect_choices(field(f, "voltage"), voltages);
	expect_choices(field(f, "kind"), kinds);
	assert_string_equal(field(f, "id_type")->default_value, "resident_id");
	assert_string_equal(field(f, "tariff_form")->default_value, "single");
	assert_int_equal(field(f, "id_number")->type, FT_ID_BY_TYPE);
	assert_string_equal(field(f, "id_number")->id_type_field, "id_type");
	assert_int_equal(field(f, "agent_id_number")->type, FT_RESIDENT_ID);
	assert_int_equal(field(f, "capacity")->min, 1);
	assert_int_equal(field(f, "capacity")->max, 100000);

	f = form("change");
	expect_keys(f, ch);
	expect_choices(field(f, "change_type"), change_types);
	expect_choices(field(f, "new_voltage"), voltages);
	expect_choices(field(f, "new_category"), cats);
	assert_string_equal(field(f, "change_type")->choices[6].zh, "更名过户");
	assert_string_equal(field(f, "new_id_number")->id_type_field, "new_id_type");

	f = form("payment");
	expect_keys(f, pay);
	expect_choices(field(f, "method"), methods);
	assert_string_equal(field(f, "method")->default_value, "cash");
	assert_int_equal(field(f, "amount")->type, FT_MONEY);
	assert_int_equal(field(f, "amount")->min, 1);          /* fen */
	assert_int_equal(field(f, "amount")->max, 5000000);

	f = form("complaint");
	expect_keys(f, co);
	expect_choices(field(f, "kind"), ckinds);
	expect_choices(field(f, "category"), ccats);
	expect_choices(field(f, "subcategory"), subs);
	expect_choices(field(f, "channel"), chans);
	expect_choices(field(f, "preferred_contact"), prefs);
	assert_string_equal(field(f, "kind")->default_value, "complaint");
	assert_string_equal(field(f, "channel")->default_value, "hall");
}

/* -------------------------------------------------------- parser errors */

#define HEAD "form t\ntitle 测试 | Test\naction none\n"
#define FLD "field a\n  label 甲 | A\n  type text\n"

struct bad_case {
	const char *text;
	int line;
	const char *en;   /* part of the English message */
	const char *zh;   /* part of the Chinese message */
};

static const struct bad_case bad_cases[] = {
	{ HEAD FLD "  colour red\n", 7, "unknown directive 'colour'", "未知指令" },
	{ HEAD "field a\n  label 甲\n  type texte\n", 6, "unknown type 'texte'",
	  "未知类型" },
	{ HEAD FLD "field b\n  label 乙\n  type text\nfield a\n", 10,
	  "duplicate field 'a' (first on line 4)", "字段“a”重复" },
	{ HEAD FLD "  choice x 叉 | X\n", 7, "only choice fields have choices",
	  "只有 choice 类型才能有 choice" },
	{ HEAD "field a\n  label 甲\n  choice x 叉\n  type integer\n", 6,
	  "only choice fields", "choice" },
	{ HEAD "# c\nfield c\n  label 丙\n  type choice\n", 5,
	  "choice field 'c' has no choices", "没有任何 choice" },
	{ HEAD "field c\n  label 丙\n  type choice\n  choice x 叉\n  default y\n",
	  8, "default 'y' is not one of the choices (x)", "默认值“y”不是可选值" },
	{ HEAD FLD "  show-when nosuch = 1\n", 7,
	  "the condition names field 'nosuch', which is not in this form",
	  "不存在" },
	{ HEAD FLD "  required-when ghost set\n", 7, "field 'ghost'", "ghost" },
	{ HEAD "field n\n  label 数 | N\n  type integer\n  min 10\n  max 5\n", 8,
	  "min (10) is greater than max (5)", "min（10）大于 max（5）" },
	{ HEAD "field m\n  label 钱 | M\n  type money\n  min 100\n  max 99.99\n",
	  8, "greater than max", "大于" },
	{ HEAD "field a\n  label 甲 |\n  type text\n", 5, "both parts non-empty",
	  "中文 | English" },
	{ HEAD "field a\n  label | A\n  type text\n", 5, "both parts non-empty",
	  "不能为空" },
	{ HEAD "field a\n  label 甲 | A | B\n  type text\n", 5, "only one '|'",
	  "只能有一个" },
	{ HEAD "field a\n  type text\n", 4, "field 'a' has no label", "缺少 label" },
	{ HEAD "field a\n  label 甲\n  type text\nfield b\n  type text\n", 7,
	  "field 'b' has no label", "缺少 label" },
	{ HEAD "field a\n  label 甲\n", 4, "field 'a' has no type", "缺少 type" },
	{ HEAD "field Amount\n", 4, "invalid field key 'Amount'", "字段名" },
	{ HEAD "field 1a\n", 4, "invalid field key", "字段名" },
	{ HEAD "field a-b\n", 4, "invalid field key", "字段名" },
	{ HEAD "field abcdefghijabcdefghijabcdefghijab\n", 4, "invalid field key",
	  "最多 31 个字符" },
	{ "# no form line\n\ntitle 测试\naction none\n", 3,
	  "the file must begin with 'form NAME'", "form 表单名" },
	{ "# only comments\n\n", 2, "no 'form NAME' line", "缺少" },
	{ "", 1, "no 'form NAME' line", "缺少" },
	{ "form t\naction none\nfield a\n  label 甲\n  type text\n", 1,
	  "no 'title' line", "title" },
	{ "form t\ntitle 测试\nfield a\n  label 甲\n  type text\n", 1,
	  "no 'action' line", "action" },
	{ "form T\n", 1, "invalid form name 'T'", "表单名" },
	{ HEAD, 1, "the form has no fields", "没有任何字段" },
	{ HEAD "  label 甲\n", 4, "'label' must follow a 'field' line",
	  "field 行之后" },
	{ HEAD FLD "title 又 | Again\n", 7, "must come before the first 'field'",
	  "第一个 field 之前" },
	{ HEAD FLD "  type integer\n", 7, "duplicate 'type' (already on line 6)",
	  "重复" },
	{ HEAD "field c\n  label 丙\n  type choice\n  choice x 叉\n  choice x 又\n",
	  8, "duplicate choice 'x'", "重复" },
	{ HEAD "field c\n  label 丙\n  type choice\n  choice X 叉\n", 7,
	  "choice must read", "choice" },
	{ HEAD "field c\n  label 丙\n  type choice\n  choice x\n", 7,
	  "choice must read", "不能为空" },
	{ HEAD "field c\n  label 丙\n  type choice\n  choice x 叉\n"
	  "field d\n  label 丁\n  type text\n  show-when c in x,y\n", 11,
	  "'y' is not a choice of field 'c' (x)", "不是字段“c”的可选值" },
	{ HEAD FLD "  show-when a = 1\n", 7, "condition on itself", "自己" },
	{ HEAD "field b\n  label 乙\n  type text\n  show-when a ~ 1\n"
	  "field a\n  label 甲\n  type text\n", 7,
	  "unknown condition operator '~'", "未知条件运算" },
	{ HEAD FLD "field b\n  label 乙\n  type text\n  show-when a = x,y\n",
	  10, "use in / not-in", "in" },
	{ HEAD FLD "field b\n  label 乙\n  type text\n  show-when a in x,,y\n",
	  10, "value is missing", "缺少值" },
	{ HEAD FLD "field b\n  label 乙\n  type text\n  show-when a set x\n",
	  10, "take no value", "不能有值" },
	{ HEAD FLD "field b\n  label 乙\n  type text\n  show-when a\n", 10,
	  "a condition reads", "条件应为" },
	{ HEAD "field n\n  label 号\n  type id\n", 4,
	  "the id-type field 'id_type' is not in this form", "id_type" },
	{ HEAD FLD "field n\n  label 号\n  type id\n  id-type-field kind\n", 10,
	  "'kind' is not in this form", "kind" },
	{ HEAD FLD "  id-type-field a\n", 7, "applies to type id only", "id" },
	{ HEAD "field n\n  label 号\n  type id\n  id-type-field n\n", 7,
	  "field 'n' cannot hold its own id type", "自己" },
	{ HEAD FLD "  min 1\n", 7, "apply to integer and money only", "min/max" },
	{ HEAD "field n\n  label 数\n  type integer\n  length 1 2\n", 7,
	  "length applies to", "length" },
	{ HEAD FLD "  length 5 2\n", 7, "length must read", "length" },
	{ HEAD FLD "  length 1 5000\n", 7, "length must read", "2047" },
	{ HEAD "field n\n  label 数\n  type integer\n  min ten\n", 7,
	  "'ten' is not a whole number", "不是整数" },
	{ HEAD "field m\n  label 钱\n  type money\n  max 1.234\n", 7,
	  "not an amount in yuan", "金额" },
	{ HEAD "field n\n  label 数\n  type integer\n  max 10\n  default 11\n", 8,
	  "invalid default", "默认值无效" },
	{ HEAD FLD "  required yes\n", 7, "takes no value", "required" },
	{ HEAD FLD "  width 0\n", 7, "width must be", "width" },
	{ HEAD FLD "  help 坏\x01 | bad\n", 7, "control character", "控制字符" },
	{ HEAD FLD "  help \xe4\xbd | x\n", 7, "not valid UTF-8", "UTF-8" },
	/* 32 Chinese characters are 96 bytes: one more than FORM_LABEL_MAX holds */
	{ HEAD "field a\n  label 一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二\n",
	  5, "label is too long (at most 95 bytes)", "太长" },
};

static void test_parse_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];
		struct form_def *f = NULL;
		struct hall_err err;
		char prefix[64];
		int rc = form_parse_text(c->text, "x/t.form", &f, &err);

		if (rc != HALL_ECONFIG)
			fail_msg("case %zu (%s): rc %d, wanted HALL_ECONFIG", i, c->en, rc);
		assert_null(f);
		snprintf(prefix, sizeof prefix, "x/t.form:%d: ", c->line);
		if (strncmp(err.en, prefix, strlen(prefix)) != 0 ||
		    strncmp(err.zh, prefix, strlen(prefix)) != 0)
			fail_msg("case %zu: want prefix '%s', got '%s' / '%s'", i, prefix,
			         err.en, err.zh);
		assert_has(err.en, c->en);
		assert_has(err.zh, c->zh);
	}
}

static void test_parse_accepts(void **state)
{
	struct form_def *f;
	const struct form_field *fld;

	(void)state;
	/* trailing comments on key/number lines, '#' kept in labels and help,
	 * a BOM, CRLF line ends, English part optional, 31-character key */
	f = parse_ok("\xef\xbb\xbf# comment\r\n"
	             "form t   # the key\r\n"
	             "title 测试 #1 | Test #1\r\n"
	             "action none\r\n"
	             "field abcdefghijabcdefghijabcdefghija   # 31 characters\r\n"
	             "  label 金额\r\n"
	             "  type money # yuan\r\n"
	             "  min 0.01\r\n"
	             "  max 50000   # per payment\r\n"
	             "  help 第 #2 号 | No. #2\r\n"
	             "field c\n  label 丙 | C\n  type choice\n"
	             "  choice 220v 220V\n  choice x 叉 | X # not a comment\n"
	             "  default 220v\n  width 12\n");
	assert_string_equal(f->title_zh, "测试 #1");
	assert_string_equal(f->title_en, "Test #1");
	fld = &f->fields[0];
	assert_string_equal(fld->key, "abcdefghijabcdefghijabcdefghija");
	assert_string_equal(fld->label_zh, "金额");
	assert_string_equal(fld->label_en, "金额");     /* falls back */
	assert_string_equal(fld->help_en, "No. #2");
	assert_int_equal(fld->type, FT_MONEY);
	assert_true(fld->has_min && fld->has_max);
	assert_int_equal(fld->min, 1);
	assert_int_equal(fld->max, 5000000);
	assert_int_equal(fld->line, 5);
	fld = &f->fields[1];
	assert_int_equal(fld->nchoices, 2);
	assert_string_equal(fld->choices[1].en, "X # not a comment");
	assert_string_equal(fld->choices[0].en, "220V");
	assert_int_equal(fld->width, 12);
	form_free(f);
}

static void test_parse_conditions(void **state)
{
	struct form_def *f;
	const struct form_field *fld;

	(void)state;
	f = parse_ok(HEAD "field k\n  label 类\n  type choice\n"
	             "  choice a 甲\n  choice b 乙\n  choice c 丙\n"
	             "field x\n  label 叉\n  type text\n"
	             "  show-when k in a, b\n  show-when k != b\n"
	             "  required-when k = a\n"
	             "field y\n  label 歪\n  type text\n  show-when x set\n"
	             "  required-when k not-in a,b\n"
	             "field z\n  label 字\n  type text\n  show-when x empty\n");
	fld = form_field_find(f, "x");
	assert_int_equal(fld->nshow_when, 2);
	assert_int_equal(fld->show_when[0].op, COND_IN);
	assert_int_equal(fld->show_when[0].nvalues, 2);
	assert_string_equal(fld->show_when[0].values[1], "b");
	assert_int_equal(fld->show_when[1].op, COND_NE);
	assert_int_equal(fld->nrequired_when, 1);
	assert_false(fld->required);
	{
		struct form_values v;

		vals(&v, "k=a", NULL);
		assert_true(form_field_visible(fld, &v));
		assert_true(form_field_required(fld, &v));
		form_values_set(&v, "k", " b ");       /* compared trimmed */
		assert_false(form_field_visible(fld, &v));
		form_values_set(&v, "k", "c");
		assert_false(form_field_visible(fld, &v));
		assert_false(form_field_required(fld, &v));
		fld = form_field_find(f, "y");
		assert_false(form_field_visible(fld, &v));
		assert_true(form_field_required(fld, &v));   /* c not in a,b */
		form_values_set(&v, "x", "1");
		assert_true(form_field_visible(fld, &v));
		assert_false(form_field_visible(form_field_find(f, "z"), &v));
		form_values_set(&v, "x", "  ");
		assert_true(form_field_visible(form_field_find(f, "z"), &v));
		assert_true(form_field_visible(form_field_find(f, "z"), NULL));
		form_values_free(&v);
	}
	form_free(f);
}

/* ------------------------------------------------------- files and dirs */

/* A fresh directory under $TEST_TMP (or /tmp); path has room for 512. */
static void make_dir(char *path, size_t sz)
{
	const char *t = getenv("TEST_TMP");

	snprintf(path, sz, "%s/formsXXXXXX", t != NULL && t[0] ? t : "/tmp");
	assert_non_null(mkdtemp(path));
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void remove_file(const char *dir, const char *name)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

static int g_reports;
static char g_report[HALL_ERR_TEXT];

static void report(void *ud, const struct hall_err *e)
{
	(void)ud;
	g_reports++;
	snprintf(g_report, sizeof g_report, "%s", e->en);
}

static void test_files_and_dirs(void **state)
{
	char dir[512], path[1024];
	struct form_def *f = NULL;
	struct form_set *s = NULL;
	struct hall_err err;

	(void)state;
	make_dir(dir, sizeof dir);
	write_file(dir, "good.form", "form good\ntitle 好 | Good\naction none\n"
	           "field a\n  label 甲\n  type text\n");
	write_file(dir, "other.form", "form wrong\ntitle 错 | Wrong\naction none\n"
	           "field a\n  label 甲\n  type text\n");
	write_file(dir, "notes.txt", "not a form");

	snprintf(path, sizeof path, "%s/good.form", dir);
	assert_int_equal(form_parse_file(path, &f, &err), HALL_OK);
	assert_string_equal(f->path, path);
	form_free(f);

	/* the form name must match the file name stem */
	snprintf(path, sizeof path, "%s/other.form", dir);
	assert_int_equal(form_parse_file(path, &f, &err), HALL_ECONFIG);
	assert_null(f);
	assert_has(err.en, ":1: form name 'wrong' does not match the file name "
	           "'other.form'");
	assert_has(err.zh, path);

	/* load stops at the broken file; check reports each broken one */
	assert_int_equal(formset_load_dir(dir, &s, &err), HALL_ECONFIG);
	assert_null(s);
	assert_has(err.en, "other.form:1:");
	g_reports = 0;
	assert_int_equal(formset_check_dir(dir, report, NULL), 1);
	assert_int_equal(g_reports, 1);
	assert_has(g_report, "other.form:1:");

	remove_file(dir, "other.form");
	assert_int_equal(formset_load_dir(dir, &s, &err), HALL_OK);
	assert_int_equal(s->nforms, 1);
	assert_non_null(formset_find(s, "good"));
	assert_null(formset_find(s, "other"));
	formset_free(s);
	assert_int_equal(formset_check_dir(dir, report, NULL), 0);

	/* missing file, missing directory, directory without forms */
	snprintf(path, sizeof path, "%s/none.form", dir);
	assert_int_equal(form_parse_file(path, &f, &err), HALL_EIO);
	assert_has(err.en, "none.form");
	remove_file(dir, "good.form");
	assert_int_equal(formset_load_dir(dir, &s, &err), HALL_ECONFIG);
	assert_has(err.en, "no .form files");
	g_reports = 0;
	assert_int_equal(formset_check_dir(dir, report, NULL), 1);
	assert_int_equal(g_reports, 1);
	remove_file(dir, "notes.txt");
	rmdir(dir);
	assert_int_equal(formset_load_dir(dir, &s, &err), HALL_EIO);
}

/* ------------------------------------------------------ every field type */

static const char types_form[] =
	"form types\ntitle 类型 | Types\naction none\n"
	"field txt\n  label 名称 | Name\n  type text\n  length 1 5\n  required\n"
	"field ml\n  label 说明 | Remarks\n  type multiline\n  length 0 10\n"
	"field dg\n  label 邮编 | Postcode\n  type digits\n  length 6 6\n"
	"field num\n  label 数量 | Count\n  type integer\n  min -5\n  max 100\n"
	"field big\n  label 大数 | Big\n  type integer\n"
	"field mon\n  label 金额（元） | Amount (yuan)\n  type money\n"
	"  min 0.01\n  max 50000\n"
	"field free\n  label 调整 | Adjustment\n  type money\n"
	"field neg\n  label 差额 | Difference\n  type money\n  min -100\n"
	"field dt\n  label 日期 | Date\n  type date\n"
	"field ph\n  label 联系电话 | Phone\n  type phone\n"
	"field rid\n  label 身份证 | Resident ID\n  type resident_id\n"
	"field us\n  label 信用代码 | Credit code\n  type uscc\n"
	"field idt\n  label 证件类型 | ID type\n  type choice\n"
	"  choice resident_id 身份证\n  choice uscc 信用代码\n"
	"  choice passport 护照\n  choice hk_permit 港澳通行证 | HK/Macao permit\n"
	"field idn\n  label 证件号码 | ID number\n  type id\n  id-type-field idt\n"
	"field ch\n  label 颜色 | Colour\n  type choice\n"
	"  choice red 红 | Red\n  choice blue 蓝 | Blue\n"
	"field acc\n  label 户号 | Account number\n  type account\n";

static struct form_def *g_types;

/* Check value for field key: the return code, and the normalised value
 * (when rc is HALL_OK and want is not NULL) or a part of the English
 * message (when rc is not HALL_OK). */
static void chk(const char *key, const char *value, const struct form_values *all,
                int want_rc, const char *want)
{
	const struct form_field *fld = field(g_types, key);
	char norm[FORM_VALUE_MAX];
	struct hall_err err;
	int rc = form_field_check(fld, value, all, NULL, norm, sizeof norm, &err);

	if (rc != want_rc)
		fail_msg("%s='%s': rc %d (%s), wanted %d", key, value, rc, err.en,
		         want_rc);
	if (rc == HALL_OK) {
		if (want != NULL)
			assert_string_equal(norm, want);
		return;
	}
	assert_string_equal(err.field, key);
	assert_hasnt(err.en, "@@");
	assert_hasnt(err.zh, "@@");
	if (want != NULL)
		assert_has(err.en, want);
	/* named by label: Chinese in Chinese, English in English */
	assert_true(strncmp(err.zh, fld->label_zh, strlen(fld->label_zh)) == 0);
	assert_true(strncmp(err.en, fld->label_en, strlen(fld->label_en)) == 0);
}

static int types_setup(void **state)
{
	struct hall_err err;

	(void)state;
	return form_parse_text(types_form, "types.form", &g_types, &err) ==
	       HALL_OK ? 0 : (fprintf(stderr, "%s\n", err.en), -1);
}

static int types_teardown(void **state)
{
	(void)state;
	form_free(g_types);
	g_types = NULL;
	return 0;
}

static void test_text(void **state)
{
	char long_zh[64], buf[FORM_VALUE_MAX + 8];

	(void)state;
	chk("txt", "  你好  ", NULL, HALL_OK, "你好");
	chk("txt", "\xe3\x80\x80你好\t", NULL, HALL_OK, "你好"); /* U+3000 */
	chk("txt", "电电电电电", NULL, HALL_OK, "电电电电电"); /* 5 chars, 15 bytes */
	chk("txt", "电电电电电电", NULL, HALL_EINVAL,
	    "Name: must be 1 to 5 characters long (has 6)");
	chk("txt", "abcdef", NULL, HALL_EINVAL, "(has 6)");
	chk("txt", "", NULL, HALL_EINVAL, "Name: is required");
	chk("txt", " \t\xe3\x80\x80 ", NULL, HALL_EINVAL, "is required");
	chk("txt", NULL, NULL, HALL_EINVAL, "is required");
	chk("txt", "a\xff", NULL, HALL_EINVAL, "not valid UTF-8");
	chk("txt", "\xe4\xbd", NULL, HALL_EINVAL, "not valid UTF-8");
	chk("txt", "\xc0\xaf", NULL, HALL_EINVAL, "not valid UTF-8"); /* overlong */
	chk("txt", "a\x01" "b", NULL, HALL_EINVAL, "control character");
	chk("txt", "a\x1b[2J", NULL, HALL_EINVAL, "control character");
	chk("txt", "a\nb", NULL, HALL_EINVAL, "control character");
	chk("txt", "a\tb", NULL, HALL_EINVAL, "control character");
	chk("txt", "a\xc2\x85", NULL, HALL_EINVAL, "control character"); /* C1 */
	chk("txt", "ab\n", NULL, HALL_OK, "ab");   /* trailing newline trimmed */

	chk("ml", "第一行\r\n第二行\n", NULL, HALL_OK, "第一行\n第二行");
	chk("ml", "", NULL, HALL_OK, "");
	chk("ml", "a\x07", NULL, HALL_EINVAL, "control character");
	chk("ml", "a\rb", NULL, HALL_EINVAL, "control character");
	chk("ml", "一二三四五\n七八九十", NULL, HALL_OK, NULL);  /* 10 chars */
	chk("ml", "一二三四五\n七八九十壹", NULL, HALL_EINVAL,
	    "at most 10 characters long (has 11)");

	/* a value longer than any field may hold */
	memset(buf, 'a', sizeof buf - 1);
	buf[sizeof buf - 1] = '\0';
	chk("ml", buf, NULL, HALL_EINVAL, "too long");
	memset(long_zh, 0, sizeof long_zh);
	(void)long_zh;
}

static void test_digits_integer(void **state)
{
	(void)state;
	chk("dg", "350001", NULL, HALL_OK, "350001");
	chk("dg", "35000a", NULL, HALL_EINVAL, "digits 0-9 only");
	chk("dg", "３５０００１", NULL, HALL_EINVAL, "digits 0-9 only");
	chk("dg", "35000", NULL, HALL_EINVAL, "must be 6 digits long (has 5)");
	chk("dg", "", NULL, HALL_OK, "");        /* optional */

	chk("num", "+42", NULL, HALL_OK, "42");
	chk("num", "007", NULL, HALL_OK, "7");
	chk("num", "-5", NULL, HALL_OK, "-5");
	chk("num", " 100 ", NULL, HALL_OK, "100");
	chk("num", "-6", NULL, HALL_EINVAL, "must be between -5 and 100");
	chk("num", "101", NULL, HALL_EINVAL, "must be between -5 and 100");
	chk("num", "12.5", NULL, HALL_EINVAL, "whole number");
	chk("num", "1e3", NULL, HALL_EINVAL, "whole number");
	chk("num", "-", NULL, HALL_EINVAL, "whole number");
	chk("num", "1 0", NULL, HALL_EINVAL, "whole number");
	chk("big", "999999999999999999", NULL, HALL_OK, "999999999999999999");
	chk("big", "99999999999999999999", NULL, HALL_EINVAL, "whole number");
}

static void test_money(void **state)
{
	struct hall_err err;

	(void)state;
	chk("mon", "12.34", NULL, HALL_OK, "1234");
	chk("mon", "12.3", NULL, HALL_OK, "1230");
	chk("mon", "1,234.56", NULL, HALL_OK, "123456");
	chk("mon", "0.01", NULL, HALL_OK, "1");
	chk("mon", "50000", NULL, HALL_OK, "5000000");
	chk("mon", "50000.01", NULL, HALL_EINVAL,
	    "must be between 0.01 and 50000.00");
	chk("mon", "0", NULL, HALL_EINVAL, "between 0.01 and");
	chk("mon", "-1", NULL, HALL_EINVAL, "between");
	chk("mon", "12.345", NULL, HALL_EINVAL, "Amount (yuan): ");
	chk("mon", "abc", NULL, HALL_EINVAL, NULL);
	chk("mon", "1 000", NULL, HALL_EINVAL, NULL);
	chk("free", "-0.01", NULL, HALL_EINVAL, "Adjustment: must not be negative");
	chk("free", "0", NULL, HALL_OK, "0");
	chk("free", "999999999999.99", NULL, HALL_OK, "99999999999999");
	chk("neg", "-100", NULL, HALL_OK, "-10000");
	chk("neg", "-100.01", NULL, HALL_EINVAL, "must be at least -100.00");

	/* the money module's own message keeps its rule, named by the label */
	hall_err_clear(&err);
	assert_int_equal(form_field_check(field(g_types, "mon"), "12.345", NULL,
	                                  NULL, NULL, 0, &err), HALL_EINVAL);
	assert_true(strncmp(err.zh, "金额（元）：", strlen("金额（元）：")) == 0);
	assert_true(strlen(err.zh) > strlen("金额（元）：") + 3);
}

static void test_dates(void **state)
{
	(void)state;
	chk("dt", "2024-02-29", NULL, HALL_OK, "2024-02-29");
	chk("dt", "20240229", NULL, HALL_OK, "2024-02-29");
	chk("dt", " 2024-06-01 ", NULL, HALL_OK, "2024-06-01");
	chk("dt", "2023-02-29", NULL, HALL_EINVAL, "Date: ");
	chk("dt", "2024-04-31", NULL, HALL_EINVAL, NULL);
	chk("dt", "2024-13-01", NULL, HALL_EINVAL, NULL);
	chk("dt", "1899-12-31", NULL, HALL_EINVAL, NULL);
	chk("dt", "2024/06/01", NULL, HALL_EINVAL, NULL);
}

static void test_phone_and_ids(void **state)
{
	char id[19];

	(void)state;
	chk("ph", "13800138000", NULL, HALL_OK, "13800138000");
	chk("ph", "0591-87654321", NULL, HALL_OK, "0591-87654321");
	chk("ph", "12800138000", NULL, HALL_EINVAL, "Phone: ");
	chk("ph", "1380013800", NULL, HALL_EINVAL, "Phone: ");
	chk("ph", "phone", NULL, HALL_EINVAL, "Phone: ");

	chk("rid", RID, NULL, HALL_OK, RID);
	chk("rid", "11010519491231002x", NULL, HALL_OK, RID);  /* upper-cased */
	chk("rid", "110105194912310021", NULL, HALL_EINVAL, "Resident ID: ");
	chk("rid", "11010519491231002", NULL, HALL_EINVAL, "Resident ID: ");
	/* a right check character but an impossible birth date (Feb 31) */
	memcpy(id, "11010519490231002", 17);
	id[17] = ident_resident_checkchar(id);
	id[18] = '\0';
	chk("rid", id, NULL, HALL_EINVAL, "Resident ID: ");

	chk("us", USCC, NULL, HALL_OK, USCC);
	chk("us", "91350100m000100y43", NULL, HALL_OK, USCC);
	chk("us", "91350100M000100Y44", NULL, HALL_EINVAL, "Credit code: ");
	chk("us", "91350100M000100Y4", NULL, HALL_EINVAL, "Credit code: ");
}

static void test_id_by_type(void **state)
{
	struct form_values v;

	(void)state;
	vals(&v, "idt=resident_id", NULL);
	chk("idn", "11010519491231002x", &v, HALL_OK, RID);
	chk("idn", USCC, &v, HALL_EINVAL, "ID number: ");
	form_values_set(&v, "idt", " uscc ");
	chk("idn", USCC, &v, HALL_OK, USCC);
	chk("idn", RID, &v, HALL_EINVAL, "ID number: ");
	form_values_set(&v, "idt", "passport");
	chk("idn", "e1234567", &v, HALL_OK, "E1234567");
	chk("idn", "E1", &v, HALL_EINVAL, "ID number: ");
	/* a type the administrator added: checked as "other" document */
	form_values_set(&v, "idt", "hk_permit");
	chk("idn", "H12345678", &v, HALL_OK, "H12345678");
	chk("idn", "H1", &v, HALL_EINVAL, "ID number: ");
	form_values_del(&v, "idt");
	chk("idn", RID, &v, HALL_EINVAL, "choose the document type first");
	chk("idn", RID, NULL, HALL_EINVAL, "choose the document type first");
	form_values_free(&v);
}

static void test_choice(void **state)
{
	(void)state;
	chk("ch", "red", NULL, HALL_OK, "red");
	chk("ch", " blue ", NULL, HALL_OK, "blue");
	chk("ch", "Red", NULL, HALL_EINVAL,
	    "Colour: 'Red' is not one of the choices (red, blue)");
	chk("ch", "红", NULL, HALL_EINVAL, "(red, blue)");
	chk("ch", "", NULL, HALL_OK, "");
}

struct acc_stub {
	int calls;
	char last[64];
};

static int account_check(void *ud, const char *account_no, struct hall_err *err)
{
	struct acc_stub *st = ud;

	st->calls++;
	snprintf(st->last, sizeof st->last, "%s", account_no);
	if (strcmp(account_no, "1001") == 0 || strcmp(account_no, "1002") == 0)
		return HALL_OK;
	if (strcmp(account_no, "1003") == 0)
		return hall_err_set(err, HALL_ESTATE, NULL, "已销户", "the account is closed");
	if (strcmp(account_no, "1004") == 0)
		return HALL_EPERM;    /* no message at all */
	return hall_err_set(err, HALL_ENOTFOUND, NULL, "没有户号 %s",
	                    "no account %s", account_no);
}

static void test_account(void **state)
{
	const struct form_field *fld = field(g_types, "acc");
	struct acc_stub st = { 0, "" };
	struct form_ctx ctx = { account_check, &st };
	char norm[64];
	struct hall_err err;

	(void)state;
	chk("acc", "9999", NULL, HALL_OK, "9999");   /* no callback: not looked up */
	assert_int_equal(form_field_check(fld, " 1001 ", NULL, &ctx, norm,
	                                  sizeof norm, &err), HALL_OK);
	assert_string_equal(norm, "1001");
	assert_int_equal(st.calls, 1);
	assert_string_equal(st.last, "1001");
	assert_int_equal(err.code, HALL_OK);

	assert_int_equal(form_field_check(fld, "2001", NULL, &ctx, norm,
	                                  sizeof norm, &err), HALL_ENOTFOUND);
	assert_string_equal(err.field, "acc");
	assert_string_equal(err.en, "Account number: no account 2001");
	assert_string_equal(err.zh, "户号：没有户号 2001");
	assert_int_equal(form_field_check(fld, "1003", NULL, &ctx, norm,
	                                  sizeof norm, &err), HALL_ESTATE);
	assert_string_equal(err.en, "Account number: the account is closed");
	assert_int_equal(form_field_check(fld, "1004", NULL, &ctx, norm,
	                                  sizeof norm, &err), HALL_EPERM);
	assert_string_equal(err.en, "Account number: does not exist or cannot be served");
	assert_string_equal(err.zh, "户号：不存在或不能办理");

	st.calls = 0;
	assert_int_equal(form_field_check(fld, "10 01", NULL, &ctx, norm,
	                                  sizeof norm, &err), HALL_EINVAL);
	assert_has(err.en, "letters, digits and '-' only");
	assert_int_equal(form_field_check(fld, "１００１", NULL, &ctx, norm,
	                                  sizeof norm, &err), HALL_EINVAL);
	assert_int_equal(form_field_check(fld, "1234567890123456789012345678901234",
	                                  NULL, &ctx, norm, sizeof norm, &err),
	                 HALL_EINVAL);
	assert_int_equal(st.calls, 0);   /* bad syntax is not looked up */
}

static void test_messages_languages(void **state)
{
	const struct form_field *fld = field(g_types, "ph");
	struct hall_err err;

	(void)state;
	assert_int_equal(form_field_check(fld, "12800138000", NULL, NULL, NULL, 0,
	                                  &err), HALL_EINVAL);
	assert_string_equal(err.field, "ph");
	assert_true(strncmp(err.zh, "联系电话：", strlen("联系电话：")) == 0);
	assert_true(strncmp(err.en, "Phone: ", 7) == 0);
	assert_hasnt(err.zh, "ph：");
	assert_hasnt(err.en, "Phone: Phone");
	hall_lang_set(HALL_LANG_EN);
	assert_string_equal(hall_err_msg(&err), err.en);
	assert_string_equal(form_label(fld), "Phone");
	assert_string_equal(form_title(g_types), "Types");
	assert_string_equal(form_choice_label(&field(g_types, "ch")->choices[0]),
	                    "Red");
	/* English part left out: Chinese in both languages */
	assert_string_equal(form_choice_label(&field(g_types, "idt")->choices[0]),
	                    "身份证");
	hall_lang_set(HALL_LANG_ZH);
	assert_string_equal(hall_err_msg(&err), err.zh);
	assert_string_equal(form_label(fld), "联系电话");
	assert_string_equal(form_title(g_types), "类型");
	assert_string_equal(form_help(fld), "");
	assert_string_equal(form_type_name(FT_ID_BY_TYPE), "id");
	assert_string_equal(form_type_name(FT_MONEY), "money");

	/* a required Chinese text field: both languages name it */
	assert_int_equal(form_field_check(field(g_types, "txt"), "", NULL, NULL,
	                                  NULL, 0, &err), HALL_EINVAL);
	assert_string_equal(err.zh, "名称：必须填写");
	assert_string_equal(err.en, "Name: is required");
}

static void test_fixed_len(void **state)
{
	struct form_values v;

	(void)state;
	assert_int_equal(form_field_fixed_len(field(g_types, "rid"), ""), 18);
	assert_int_equal(form_field_fixed_len(field(g_types, "us"), "9"), 18);
	assert_int_equal(form_field_fixed_len(field(g_types, "ph"), "1"), 11);
	assert_int_equal(form_field_fixed_len(field(g_types, "ph"), "0591"), 0);
	assert_int_equal(form_field_fixed_len(field(g_types, "dg"), ""), 6);
	assert_int_equal(form_field_fixed_len(field(g_types, "txt"), ""), 0);
	assert_int_equal(form_field_fixed_len(field(g_types, "dt"), "2024-"), 10);
	assert_int_equal(form_field_fixed_len(field(g_types, "dt"), "20240"), 8);
	assert_int_equal(form_field_fixed_len(field(g_types, "idn"), ""), 0);
	vals(&v, "idt=resident_id", NULL);
	assert_int_equal(form_field_fixed_len_in(field(g_types, "idn"), "", &v), 18);
	form_values_set(&v, "idt", "passport");
	assert_int_equal(form_field_fixed_len_in(field(g_types, "idn"), "", &v), 0);
	assert_int_equal(form_field_fixed_len_in(field(g_types, "ph"), "1", &v), 11);
	assert_int_equal(form_field_fixed_len_in(field(g_types, "idn"), "", NULL), 0);
	form_values_free(&v);
}

/* ------------------------------------------------------------ validate */

static void test_values(void **state)
{
	struct form_values v;

	(void)state;
	form_values_init(&v);
	assert_null(form_values_get(&v, "a"));
	for (int i = 0; i < 40; i++) {
		char k[16];

		snprintf(k, sizeof k, "k%d", i);
		assert_int_equal(form_values_set(&v, k, k), HALL_OK);
	}
	assert_int_equal(v.n, 40);
	assert_int_equal(form_values_set(&v, "k3", "new"), HALL_OK);
	assert_int_equal(v.n, 40);
	assert_string_equal(form_values_get(&v, "k3"), "new");
	form_values_del(&v, "k0");
	form_values_del(&v, "nothing");
	assert_int_equal(v.n, 39);
	assert_null(form_values_get(&v, "k0"));
	assert_string_equal(v.keys[0], "k1");     /* order kept */
	assert_string_equal(form_values_get(&v, "k39"), "k39");
	form_values_clear(&v);
	assert_int_equal(v.n, 0);
	assert_int_equal(form_values_set(&v, "x", "1"), HALL_OK);
	form_values_free(&v);
	assert_int_equal(v.n, 0);
	assert_null(v.keys);
}

static void test_payment(void **state)
{
	const struct form_def *f = form("payment");
	struct acc_stub st = { 0, "" };
	struct form_ctx ctx = { account_check, &st };
	struct form_values in, out;
	struct form_errors errs;
	const struct hall_err *e;

	(void)state;
	form_values_init(&out);
	/* cash, method from the default */
	vals(&in, "account_no=1001", "amount= 12.50 ", "tendered=20", NULL);
	assert_int_equal(form_validate(f, &in, &ctx, &out, &errs), HALL_OK);
	assert_int_equal(errs.n, 0);
	assert_string_equal(form_values_get(&out, "amount"), "1250");
	assert_string_equal(form_values_get(&out, "method"), "cash");
	assert_string_equal(form_values_get(&out, "tendered"), "2000");
	assert_null(form_values_get(&out, "reference"));
	assert_null(form_values_get(&out, "note"));   /* empty: left out */
	assert_int_equal(out.n, 4);
	assert_string_equal(out.keys[0], "account_no");  /* form order */
	assert_int_equal(st.calls, 1);
	form_values_free(&in);

	/* card: the reference is required, tendered does not apply */
	vals(&in, "account_no=1001", "amount=100", "method=card", "tendered=100",
	     NULL);
	assert_int_equal(form_validate(f, &in, &ctx, &out, &errs), HALL_EINVAL);
	assert_int_equal(errs.n, 2);
	e = need_err(&errs, "reference");
	assert_string_equal(e->en, "Reference: is required");
	e = need_err(&errs, "tendered");
	assert_string_equal(e->en,
	    "Cash tendered (yuan): does not apply when method is card");
	assert_has(e->zh, "不适用");
	assert_int_equal(out.n, 3);       /* the good values are still given */
	form_values_set(&in, "reference", "POS123456");
	form_values_del(&in, "tendered");
	assert_int_equal(form_validate(f, &in, &ctx, &out, &errs), HALL_OK);
	assert_string_equal(form_values_get(&out, "reference"), "POS123456");
	form_values_free(&in);

	/* cash with a reference: hidden field */
	vals(&in, "account_no=1001", "amount=1", "reference=abc", NULL);
	assert_int_equal(form_validate(f, &in, &ctx, &out, &errs), HALL_EINVAL);
	e = need_err(&errs, "reference");
	assert_string_equal(e->en, "Reference: does not apply when method is cash");
	assert_string_equal(e->zh, "凭证号：method 为 cash 时不适用");
	form_values_set(&in, "reference", "  ");   /* empty = absent */
	assert_int_equal(form_validate(f, &in, &ctx, &out, &errs), HALL_OK);
	form_values_free(&in);

	/* unknown key (listed first), bad method, bad money, unknown account */
	vals(&in, "account_no=2002", "amout=5", "amount=-3", "method=bitcoin", NULL);
	assert_int_equal(form_validate(f, &in, &ctx, &out, &errs), HALL_EINVAL);
	assert_int_equal(errs.n, 5);
	assert_string_equal(errs.e[0].field, "amout");
	assert_has(errs.e[0].en, "unknown field 'amout' (valid fields: account_no, "
	           "amount, method, reference, tendered, note)");
	assert_has(errs.e[0].zh, "未知字段");
	assert_string_equal(errs.e[1].field, "account_no");
	assert_int_equal(errs.e[1].code, HALL_ENOTFOUND);
	assert_string_equal(errs.e[2].field, "amount");
	assert_has(errs.e[2].en, "Amount (yuan): must be between 0.01 and 50000.00");
	assert_string_equal(errs.e[3].field, "method");
	assert_has(errs.e[3].en, "'bitcoin' is not one of the choices (cash, card, "
	           "wechat, alipay, cheque, transfer)");
	assert_string_equal(errs.e[4].field, "reference");  /* not cash */
	assert_int_equal(out.n, 0);
	form_values_free(&in);

	/* nothing at all */
	form_values_init(&in);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_int_equal(errs.n, 2);
	need_err(&errs, "account_no");
	need_err(&errs, "amount");
	assert_string_equal(form_values_get(&out, "method"), "cash");
	form_values_free(&in);
	form_values_free(&out);
}

static void test_change(void **state)
{
	const struct form_def *f = form("change");
	struct form_values in, out;
	struct form_errors errs;
	const struct hall_err *e;
	static const char *const reduce_needs[] = { "start_date", "end_date",
		"new_capacity", "transformers", NULL };

	(void)state;
	form_values_init(&out);
	vals(&in, "account_no=1001", "change_type=reduce", NULL);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_int_equal(errs.n, 4);
	for (int i = 0; reduce_needs[i]; i++)
		assert_string_equal(errs.e[i].field, reduce_needs[i]);
	form_values_set(&in, "start_date", "20240601");
	form_values_set(&in, "end_date", "2024-12-01");
	form_values_set(&in, "new_capacity", "200");
	form_values_set(&in, "transformers", "1");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_string_equal(form_values_get(&out, "start_date"), "2024-06-01");
	assert_null(form_values_get(&out, "new_id_type"));  /* hidden: no default */
	form_values_set(&in, "new_name", "张三");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	e = need_err(&errs, "new_name");
	assert_string_equal(e->en,
	    "New customer name: does not apply when change_type is reduce");
	form_values_free(&in);

	/* rename: the new customer's ID is checked by the new ID type */
	vals(&in, "account_no=1001", "change_type=rename", "new_name=福州某公司",
	     "new_id_number=" RID, "new_phone=13800138000", NULL);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_string_equal(form_values_get(&out, "new_id_type"), "resident_id");
	form_values_set(&in, "new_id_type", "uscc");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	e = need_err(&errs, "new_id_number");
	assert_has(e->zh, "新户证件号码：");
	form_values_set(&in, "new_id_number", "91350100m000100y43");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_string_equal(form_values_get(&out, "new_id_number"), USCC);
	form_values_free(&in);

	/* close: reason and refund method required; reason optional elsewhere */
	vals(&in, "account_no=1001", "change_type=close", NULL);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_int_equal(errs.n, 2);
	need_err(&errs, "refund_method");
	need_err(&errs, "reason");
	form_values_set(&in, "change_type", "move_meter");
	form_values_set(&in, "new_address", "鼓楼区五一路1号");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	form_values_set(&in, "change_type", "split");
	form_values_del(&in, "new_address");
	form_values_set(&in, "split_count", "21");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_has(need_err(&errs, "split_count")->en, "between 2 and 20");
	form_values_set(&in, "change_type", "change_voltage");
	form_values_del(&in, "split_count");
	form_values_set(&in, "new_voltage", "10kv");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_string_equal(form_values_get(&out, "new_voltage"), "10kv");
	form_values_free(&in);
	form_values_free(&out);
}

static void test_complaint(void **state)
{
	const struct form_def *f = form("complaint");
	struct form_values in, out;
	struct form_errors errs;
	char content[2001 * 3 + 1];

	(void)state;
	form_values_init(&out);
	vals(&in, "name=李四", "phone=13800138000", "content=抄表员态度差", NULL);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_int_equal(errs.n, 1);               /* kind defaults to complaint */
	need_err(&errs, "category");
	form_values_set(&in, "category", "service");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_string_equal(form_values_get(&out, "kind"), "complaint");
	assert_string_equal(form_values_get(&out, "channel"), "hall");
	assert_null(form_values_get(&out, "anonymous"));   /* misconduct only */
	assert_null(form_values_get(&out, "account_no"));  /* passer-by */

	/* praise: no category */
	form_values_set(&in, "kind", "praise");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_has(need_err(&errs, "category")->en,
	           "does not apply when kind is praise");
	form_values_del(&in, "category");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);

	/* misconduct: anonymous reports need no name and phone */
	form_values_set(&in, "kind", "misconduct");
	form_values_del(&in, "name");
	form_values_del(&in, "phone");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	need_err(&errs, "name");
	need_err(&errs, "phone");
	form_values_set(&in, "anonymous", "yes");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_string_equal(form_values_get(&out, "confidential"), "no");

	/* content: 2000 Chinese characters (6000 bytes) fit, 2001 do not */
	for (int i = 0; i < 2000; i++)
		memcpy(content + 3 * i, "诉", 3);
	content[6000] = '\0';
	form_values_set(&in, "content", content);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_int_equal(strlen(form_values_get(&out, "content")), 6000);
	memcpy(content + 6000, "诉", 4);
	form_values_set(&in, "content", content);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_has(need_err(&errs, "content")->en, "(has 2001)");
	form_values_free(&in);
	form_values_free(&out);
}

static void test_new_connection(void **state)
{
	const struct form_def *f = form("new-connection");
	struct form_values in, out;
	struct form_errors errs;
	char name[61 * 3 + 1];

	(void)state;
	form_values_init(&out);
	vals(&in, "name=王五", "id_number=11010519491231002x",
	     "phone=13800138000", "address=福州市鼓楼区五四路1号",
	     "category=residential", "capacity=8", "kind=lv_residential", NULL);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_string_equal(form_values_get(&out, "id_number"), RID);
	assert_string_equal(form_values_get(&out, "id_type"), "resident_id");
	assert_string_equal(form_values_get(&out, "tariff_form"), "single");

	/* 60 Chinese characters (180 bytes) fit the name, 61 do not */
	for (int i = 0; i < 60; i++)
		memcpy(name + 3 * i, "名", 3);
	name[180] = '\0';
	form_values_set(&in, "name", name);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	memcpy(name + 180, "名", 4);
	form_values_set(&in, "name", name);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_string_equal(need_err(&errs, "name")->zh,
	                    "户名：长度应为 1 到 60 个字符，现为 61");
	form_values_set(&in, "name", "王五");

	/* an agent's ID is required once an agent is named */
	form_values_set(&in, "agent_name", "赵六");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_string_equal(need_err(&errs, "agent_id_number")->en,
	                    "Agent ID number: is required");
	form_values_set(&in, "agent_id_number", RID);
	form_values_set(&in, "capacity", "0");
	form_values_set(&in, "voltage", "10KV");
	form_values_set(&in, "id_type", "uscc");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_int_equal(errs.n, 3);
	need_err(&errs, "capacity");
	need_err(&errs, "voltage");
	need_err(&errs, "id_number");
	form_values_free(&in);
	form_values_free(&out);
}

/* A field shown only when a hidden field is set stays hidden. */
static void test_chained_conditions(void **state)
{
	struct form_def *f;
	struct form_values in, out;
	struct form_errors errs;

	(void)state;
	f = parse_ok(HEAD "field b\n  label 乙\n  type text\n  show-when a = yes\n"
	             "field c\n  label 丙\n  type text\n  show-when b set\n"
	             "  required\n"
	             "field a\n  label 甲\n  type choice\n  choice yes 是\n"
	             "  choice no 否\n  default no\n");
	form_values_init(&out);
	vals(&in, "b=x", NULL);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_int_equal(errs.n, 1);   /* b hidden (a defaults to no); c too */
	assert_string_equal(errs.e[0].field, "b");
	form_values_set(&in, "a", "yes");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_string_equal(need_err(&errs, "c")->en, "丙: is required");
	form_values_set(&in, "c", "z");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_int_equal(out.n, 3);
	form_values_free(&in);
	form_values_free(&out);
	form_free(f);
}

/* An administrator adds fields to a shipped form: they just work. */
static void test_admin_field(void **state)
{
	char path[1024], *text;
	FILE *fp;
	long n;
	struct form_def *f;
	struct form_values in, out;
	struct form_errors errs;
	static const char extra[] =
		"\n# 本厅新增 | added by the hall\n"
		"field cashier_memo\n  label 收银备注 | Cashier memo\n  type text\n"
		"  length 1 10\n  required-when method in card,cheque\n"
		"  help 备注 | Memo\n"
		"field visit_date\n  label 预约日期 | Appointment\n  type date\n"
		"  show-when method = cash\n"
		"field floor\n  label 楼层 | Floor\n  type integer\n  min -3\n"
		"  max 99\n  default 1\n";

	(void)state;
	snprintf(path, sizeof path, "%s/payment.form", forms_dir());
	fp = fopen(path, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)n + sizeof extra);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	strcat(text, extra);
	assert_int_equal(form_parse_text(text, path, &f, &(struct hall_err){0}),
	                 HALL_OK);
	free(text);

	form_values_init(&out);
	vals(&in, "account_no=1001", "amount=10", "cashier_memo=  午班 ",
	     "visit_date=20240701", NULL);
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_OK);
	assert_string_equal(form_values_get(&out, "cashier_memo"), "午班");
	assert_string_equal(form_values_get(&out, "visit_date"), "2024-07-01");
	assert_string_equal(form_values_get(&out, "floor"), "1");
	form_values_set(&in, "method", "card");
	form_values_set(&in, "reference", "R1");
	form_values_del(&in, "cashier_memo");
	form_values_set(&in, "floor", "-4");
	form_values_set(&in, "bogus", "1");
	assert_int_equal(form_validate(f, &in, NULL, &out, &errs), HALL_EINVAL);
	assert_int_equal(errs.n, 4);
	assert_has(errs.e[0].en, "note, cashier_memo, visit_date, floor)");
	assert_string_equal(need_err(&errs, "cashier_memo")->en,
	                    "Cashier memo: is required");
	assert_has(need_err(&errs, "visit_date")->en, "does not apply");
	assert_string_equal(need_err(&errs, "floor")->zh,
	                    "楼层：应在 -3 到 99 之间");
	form_values_free(&in);
	form_values_free(&out);
	form_free(f);
}

int main(void)
{
	const struct CMUnitTest shipped[] = {
		cmocka_unit_test(test_shipped_forms_load),
		cmocka_unit_test(test_contract_keys),
		cmocka_unit_test(test_payment),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_complaint),
		cmocka_unit_test(test_new_connection),
		cmocka_unit_test(test_admin_field),
	};
	const struct CMUnitTest parser[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_parse_conditions),
		cmocka_unit_test(test_files_and_dirs),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_chained_conditions),
	};
	const struct CMUnitTest types[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_digits_integer),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_phone_and_ids),
		cmocka_unit_test(test_id_by_type),
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_account),
		cmocka_unit_test(test_messages_languages),
		cmocka_unit_test(test_fixed_len),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("form_parser", parser, NULL, NULL);
	failed += cmocka_run_group_tests_name("form_types", types, types_setup,
	                                      types_teardown);
	failed += cmocka_run_group_tests_name("form_shipped", shipped, setup,
	                                      teardown);
	return failed != 0;
}
