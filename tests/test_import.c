/*
 * test_import.c - hall import: customers and bills from CSV.
 *
 * Good files (BOM, CRLF, Chinese, quoted commas, quotes and line breaks,
 * SQL-looking text stored verbatim, columns in any order, an upsert), and
 * every kind of bad row or file: each gives the exact "FILE:LINE:COLUMN:
 * message" and writes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hall/auth.h"
#include "hall/err.h"
#include "hall/form.h"
#include "hall/import.h"
#include "hall/store.h"
#include "hall/utf8.h"

static char dir[512];
static struct form_set *forms;
static int nstore;

/* ------------------------------------------------------------- helpers */

static const char *forms_dir(void)
{
	const char *f = getenv("HALL_FORMS");
	return f && *f ? f : "forms";
}

static const char *write_file(const char *name, const char *text)
{
	static char path[8][700];
	static int k;
	char *p = path[k++ % 8];
	snprintf(p, 700, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	if (!f)
		fail_msg("cannot write %s", p);
	fwrite(text, 1, strlen(text), f);
	fclose(f);
	return p;
}

static struct store *new_store(void)
{
	char p[700];
	snprintf(p, sizeof p, "%s/s%d.db", dir, ++nstore);
	struct store *s;
	struct hall_err err;
	if (store_create(p, "001", "测试营业厅", &s, &err) != HALL_OK)
		fail_msg("store_create: %s", hall_err_msg(&err));
	return s;
}

static int64_t q_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(store_db(s)));
	int64_t v = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *q_text(struct store *s, const char *sql, const char *arg)
{
	static char out[2048];
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(store_db(s)));
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
	else
		snprintf(out, sizeof out, "(none)");
	sqlite3_finalize(st);
	return out;
}

static struct import_errors errs;

static int imp(struct store *s, const char *what, const char *path, long *rows)
{
	return import_csv(s, forms, what, path, NULL, NULL, NULL, &errs, rows);
}

/* The English text of error i. */
static const char *msg(int i)
{
	assert_true(i < errs.n);
	return errs.e[i].err.en;
}

static void dump_errs(void)
{
	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "  [%d] %s\n", i, errs.e[i].err.en);
}

/* The message the forms engine gives for value in field key of form, as
 * the import must report it. */
static const char *form_msg(const char *form, const char *key,
                            const char *value, const char *id_type)
{
	static char out[HALL_ERR_TEXT];
	const struct form_def *f = formset_find(forms, form);
	assert_non_null(f);
	const struct form_field *fld = form_field_find(f, key);
	assert_non_null(fld);
	struct form_values all;
	form_values_init(&all);
	if (id_type)
		form_values_set(&all, "id_type", id_type);
	char norm[FORM_VALUE_MAX];
	struct hall_err e;
	hall_err_clear(&e);
	assert_int_not_equal(form_field_check(fld, value, &all, NULL, norm,
	                                      sizeof norm, &e), HALL_OK);
	form_values_free(&all);
	snprintf(out, sizeof out, "%s", e.en);
	return out;
}

static void expect_one(const char *path, long line, int col, const char *text)
{
	char want[HALL_ERR_TEXT + 800];
	snprintf(want, sizeof want, "%s:%ld:%d: %s", path, line, col, text);
	if (errs.n < 1 || strcmp(msg(0), want) != 0) {
		dump_errs();
		fail_msg("want: %s", want);
	}
	assert_int_equal(errs.e[0].line, line);
	assert_int_equal(errs.e[0].column, col);
}

#define HEADER "account_no,name,id_type,id_number,phone,address,category,voltage,capacity,tariff_form,status\n"
#define ROW1 "0010000001,王建国,resident_id,11010519491231002X,13800138000,福建省福州市鼓楼区华林路88号融侨花园3栋2单元501室,residential,220v,8,single,normal\n"
#define ROW2 "0010000002,福州鑫源餐饮管理有限公司,uscc,91350100M000100Y43,0591-87654321,福建省福州市鼓楼区五四路12号,commercial,380v,60,,\n"

/* A store with two customers, for bills. */
static struct store *store_with_customers(void)
{
	struct store *s = new_store();
	const char *p = write_file("base.csv", HEADER ROW1 ROW2);
	long rows = -1;
	if (imp(s, "customers", p, &rows) != HALL_OK) {
		dump_errs();
		fail();
	}
	assert_int_equal(rows, 2);
	return s;
}

static int group_setup(void **state)
{
	(void)state;
	utf8_init();
	hall_lang_set(HALL_LANG_EN);
	const char *t = getenv("TEST_TMP");
	snprintf(dir, sizeof dir, "%s/import.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	struct hall_err err;
	if (formset_load_dir(forms_dir(), &forms, &err) != HALL_OK) {
		fprintf(stderr, "forms: %s\n", hall_err_msg(&err));
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	formset_free(forms);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (strstr(dir, "import."))
		(void)!system(cmd);
	return 0;
}

/* ------------------------------------------------------------ good files */

static void test_good_customers(void **state)
{
	(void)state;
	struct store *s = new_store();
	/* BOM, CRLF, columns in another order, quoted comma / quote / SQL,
	 * lower-case x, defaults, an account of another hall */
	const char *p = write_file("good.csv",
		"\xEF\xBB\xBF" "name,account_no,id_number,phone,address,category,voltage,capacity\r\n"
		"\"王\"\"大\"\"明\",0010000123,11010519491231002x,13912345678,"
		"\"福建省福州市鼓楼区东街1号, 3座201室\",residential,220v,6\r\n"
		"'; DROP TABLE customers; --,0010000007,11010519491231002X,0591-87654321,"
		"\"Robert'); DROP TABLE bills;--\",commercial,380v,40\r\n"
		"陈小红,0020000999,11010519491231002X,15012345678,福建省福州市台江区五一中路9号,"
		"agricultural,380v,15\r\n"
		"\r\n");
	long rows = -1;
	if (imp(s, "customers", p, &rows) != HALL_OK) {
		dump_errs();
		fail();
	}
	assert_int_equal(rows, 3);
	assert_int_equal(errs.n, 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers"), 3);
	assert_string_equal(q_text(s, "SELECT name FROM customers WHERE account_no = ?1",
	                           "0010000123"), "王\"大\"明");
	assert_string_equal(q_text(s, "SELECT address FROM customers WHERE account_no = ?1",
	                           "0010000123"), "福建省福州市鼓楼区东街1号, 3座201室");
	assert_string_equal(q_text(s, "SELECT id_number FROM customers WHERE account_no = ?1",
	                           "0010000123"), "11010519491231002X");
	assert_string_equal(q_text(s, "SELECT id_type || tariff_form || status || capacity"
	                           " FROM customers WHERE account_no = ?1", "0010000123"),
	                    "resident_idsinglenormal6");
	/* SQL-looking text is stored verbatim, nothing dropped */
	assert_string_equal(q_text(s, "SELECT name FROM customers WHERE account_no = ?1",
	                           "0010000007"), "'; DROP TABLE customers; --");
	assert_string_equal(q_text(s, "SELECT address FROM customers WHERE account_no = ?1",
	                           "0010000007"), "Robert'); DROP TABLE bills;--");
	assert_int_equal(q_int(s, "SELECT count(*) FROM bills"), 0);
	/* the account counter moves past this hall's accounts only */
	assert_int_equal(q_int(s, "SELECT value FROM seq WHERE name = 'account'"), 123);
	/* one audited action, journaled */
	assert_string_equal(q_text(s, "SELECT kind || ' ' || detail FROM audit"
	                           " WHERE kind LIKE 'import.%'", NULL), "import.customers rows=3");
	assert_int_equal(q_int(s, "SELECT count(*) FROM journal WHERE kind = 'audit.import.customers'"), 1);
	/* found by the search index */
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers_fts WHERE customers_fts"
	                          " MATCH '\"东街\"'"), 1);
	store_close(s);
}

static void test_upsert(void **state)
{
	(void)state;
	struct store *s = store_with_customers();
	const char *p = write_file("upsert.csv", HEADER
		"0010000001,王建国,resident_id,11010519491231002X,13600000000,"
		"福建省福州市鼓楼区华林路90号,residential,220v,10,single,suspended\n");
	long rows = -1;
	assert_int_equal(imp(s, "customers", p, &rows), HALL_OK);
	assert_int_equal(rows, 1);
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers"), 2);
	assert_string_equal(q_text(s, "SELECT phone || ' ' || status || ' ' || capacity || ' ' || address"
	                           " FROM customers WHERE account_no = ?1", "0010000001"),
	                    "13600000000 suspended 10 福建省福州市鼓楼区华林路90号");
	/* the search index follows the new address */
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers_fts WHERE customers_fts"
	                          " MATCH '\"华林路90号\"'"), 1);
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers_fts WHERE customers_fts"
	                          " MATCH '\"华林路88号\"'"), 0);
	store_close(s);
}

static void test_good_bills(void **state)
{
	(void)state;
	struct store *s = store_with_customers();
	const char *p = write_file("bills.csv",
		"account_no,period,kwh,amount,due_date\r\n"
		"0010000001,2026-10,150,74.75,2026-11-25\r\n"
		"0010000001,2026-11,1234,\"1,234.50\",20261225\r\n"
		"0010000002,2026-11,0,0,2026-12-25\r\n");
	long rows = -1;
	if (imp(s, "bills", p, &rows) != HALL_OK) {
		dump_errs();
		fail();
	}
	assert_int_equal(rows, 3);
	assert_string_equal(q_text(s, "SELECT group_concat(account_no || '/' || period || '/' || kwh"
	                           " || '/' || amount_fen || '/' || paid_fen || '/' || due_date"
	                           " || '/' || status, ' ') FROM (SELECT * FROM bills ORDER BY id)", NULL),
	                    "0010000001/2026-10/150/7475/0/2026-11-25/unpaid "
	                    "0010000001/2026-11/1234/123450/0/2026-12-25/unpaid "
	                    "0010000002/2026-11/0/0/0/2026-12-25/paid");
	/* the same bill again: refused, nothing written */
	const char *again = write_file("again.csv",
		"account_no,period,kwh,amount,due_date\n"
		"0010000002,2026-12,10,5.00,2027-01-25\n"
		"0010000001,2026-10,150,74.75,2026-11-25\n");
	assert_int_equal(imp(s, "bills", again, &rows), HALL_EINVAL);
	assert_int_equal(rows, 0);
	expect_one(again, 3, 2, "Period: the 2026-10 bill of account 0010000001 is already"
	           " in the store (bills are never imported twice)");
	assert_int_equal(q_int(s, "SELECT count(*) FROM bills"), 3);
	store_close(s);
}

/* A field an administrator adds to customer.form is imported into the
 * extras; a quoted line break is kept in a multi-line field. */
static void test_extra_field_and_newlines(void **state)
{
	(void)state;
	char fdir[700], path[800], cmd[1600];
	snprintf(fdir, sizeof fdir, "%s/forms2", dir);
	mkdir(fdir, 0700);
	snprintf(cmd, sizeof cmd, "cp '%s'/*.form '%s'/", forms_dir(), fdir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/customer.form", fdir);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("\nfield note\n  label 备注 | Note\n  type multiline\n  length 0 200\n", f);
	fclose(f);
	struct form_set *fs2;
	struct hall_err err;
	if (formset_load_dir(fdir, &fs2, &err) != HALL_OK)
		fail_msg("%s", hall_err_msg(&err));
	struct store *s = new_store();
	const char *p = write_file("extra.csv",
		"account_no,name,id_number,phone,address,category,voltage,capacity,note\n"
		"0010000001,林芳,11010519491231002X,13800138000,福建省福州市鼓楼区杨桥中路1号,"
		"residential,220v,8,\"第一行\r\n第二行, 含逗号\"\n"
		"0010000002,林芳二,11010519491231002X,13800138001,\"福建省福州市\n鼓楼区\","
		"residential,220v,8,\n"
		"0010000003,林芳三,11010519491231002X,13800138002,地址,residential,220v,8,x\n");
	long rows = -1;
	assert_int_equal(import_csv(s, fs2, "customers", p, NULL, NULL, NULL, &errs, &rows),
	                 HALL_EINVAL);
	/* the address with a line break starts on line 4 (the note of line 2
	 * took two lines) and is refused; nothing is written */
	char want[HALL_ERR_TEXT];
	const char *m = form_msg("customer", "address", "福建省福州市\n鼓楼区", NULL);
	snprintf(want, sizeof want, "%s:4:5: %s", p, m);
	if (errs.n != 1 || strcmp(msg(0), want) != 0) {
		dump_errs();
		fail_msg("want %s", want);
	}
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers"), 0);
	/* without the bad row: the note (CRLF kept as LF) goes to extras */
	p = write_file("extra2.csv",
		"account_no,name,id_number,phone,address,category,voltage,capacity,note\n"
		"0010000001,林芳,11010519491231002X,13800138000,福建省福州市鼓楼区杨桥中路1号,"
		"residential,220v,8,\"第一行\r\n第二行, 含逗号\"\n");
	assert_int_equal(import_csv(s, fs2, "customers", p, NULL, NULL, NULL, &errs, &rows),
	                 HALL_OK);
	assert_int_equal(rows, 1);
	assert_string_equal(q_text(s, "SELECT json_extract(extras, '$.note') FROM customers", NULL),
	                    "第一行\n第二行, 含逗号");
	formset_free(fs2);
	store_close(s);
}

/* --------------------------------------------------------------- bad rows */

/* One bad customers row after a good one: the exact message, nothing
 * written. */
static void bad_customer(const char *name, const char *row, int col,
                         const char *key, const char *value, const char *id_type,
                         const char *text)
{
	struct store *s = new_store();
	char body[4096];
	snprintf(body, sizeof body, HEADER ROW1 "%s\n", row);
	const char *p = write_file(name, body);
	long rows = -1;
	int rc = imp(s, "customers", p, &rows);
	if (rc != HALL_EINVAL)
		fail_msg("%s: rc %d", name, rc);
	assert_int_equal(rows, 0);
	expect_one(p, 3, col, text ? text : form_msg("customer", key, value, id_type));
	assert_int_equal(errs.n, 1);
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers"), 0);
	store_close(s);
}

static void test_bad_customer_rows(void **state)
{
	(void)state;
	/* wrong check digit */
	bad_customer("id.csv", "0010000003,张三,resident_id,110105194912310021,13800138000,"
	             "地址,residential,220v,8,single,normal", 4, "id_number",
	             "110105194912310021", "resident_id", NULL);
	/* impossible birth date in the ID */
	bad_customer("idd.csv", "0010000003,张三,resident_id,110105194902300028,13800138000,"
	             "地址,residential,220v,8,single,normal", 4, "id_number",
	             "110105194902300028", "resident_id", NULL);
	/* a USCC with the wrong check character */
	bad_customer("uscc.csv", "0010000003,某公司,uscc,91350100M000100Y44,13800138000,"
	             "地址,commercial,380v,8,single,normal", 4, "id_number",
	             "91350100M000100Y44", "uscc", NULL);
	/* phone */
	bad_customer("phone.csv", "0010000003,张三,resident_id,11010519491231002X,12800138000,"
	             "地址,residential,220v,8,single,normal", 5, "phone", "12800138000",
	             NULL, NULL);
	/* unknown choice key */
	bad_customer("cat.csv", "0010000003,张三,resident_id,11010519491231002X,13800138000,"
	             "地址,industrial,220v,8,single,normal", 7, "category", "industrial",
	             NULL, NULL);
	/* overlong name: 61 characters (counted as characters, not bytes) */
	char row[1024], name61[400] = "";
	for (int i = 0; i < 61; i++)
		strcat(name61, "龙");
	snprintf(row, sizeof row, "0010000003,%s,resident_id,11010519491231002X,13800138000,"
	         "地址,residential,220v,8,single,normal", name61);
	bad_customer("long.csv", row, 2, "name", name61, NULL, NULL);
	/* 60 characters are fine (checked in test_good_customers' spirit) */
	/* invalid UTF-8 */
	bad_customer("utf8.csv", "0010000003,张\xE4\xB8,resident_id,11010519491231002X,"
	             "13800138000,地址,residential,220v,8,single,normal", 2, "name",
	             "张\xE4\xB8", NULL, NULL);
	/* a control character */
	bad_customer("ctl.csv", "0010000003,张三,resident_id,11010519491231002X,13800138000,"
	             "地\x1b[2J址,residential,220v,8,single,normal", 6, "address",
	             "地\x1b[2J址", NULL, NULL);
	/* capacity not a number, and negative */
	bad_customer("cap.csv", "0010000003,张三,resident_id,11010519491231002X,13800138000,"
	             "地址,residential,220v,8kW,single,normal", 9, "capacity", "8kW",
	             NULL, NULL);
	bad_customer("capneg.csv", "0010000003,张三,resident_id,11010519491231002X,13800138000,"
	             "地址,residential,220v,-1,single,normal", 9, "capacity", "-1",
	             NULL, NULL);
	/* account number: 9 digits */
	bad_customer("acct.csv", "001000003,张三,resident_id,11010519491231002X,13800138000,"
	             "地址,residential,220v,8,single,normal", 1, "account_no", "001000003",
	             NULL, NULL);
	/* a required field left empty */
	bad_customer("empty.csv", "0010000003,,resident_id,11010519491231002X,13800138000,"
	             "地址,residential,220v,8,single,normal", 2, "name", "", NULL, NULL);
	/* the same account twice in the file */
	bad_customer("dup.csv", "0010000001,王建国,resident_id,11010519491231002X,13800138000,"
	             "地址,residential,220v,8,single,normal", 1, NULL, NULL, NULL,
	             "Account number: the same account as line 2");
	/* fields: too many, too few */
	bad_customer("many.csv", "0010000003,张三,resident_id,11010519491231002X,13800138000,"
	             "地址,residential,220v,8,single,normal,extra", 12, NULL, NULL, NULL,
	             "this line has 12 fields, the header has 11");
	bad_customer("few.csv", "0010000003,张三,resident_id", 4, NULL, NULL, NULL,
	             "this line has 3 fields, the header has 11");
	/* CSV syntax */
	bad_customer("bare.csv", "0010000003,张\"三,resident_id,11010519491231002X,13800138000,"
	             "地址,residential,220v,8,single,normal", 2, NULL, NULL, NULL,
	             "a quote inside a field: enclose the whole field in quotes and double the inner quote");
	bad_customer("after.csv", "0010000003,\"张三\"x,resident_id,11010519491231002X,13800138000,"
	             "地址,residential,220v,8,single,normal", 2, NULL, NULL, NULL,
	             "a closing quote must be followed by a comma or a line end (write a quote inside a field as \"\")");
	bad_customer("eof.csv", "0010000003,\"张三,resident_id", 2, NULL, NULL, NULL,
	             "unbalanced quote: this quoted field runs to the end of the file");
}

static void test_nul_byte(void **state)
{
	(void)state;
	struct store *s = new_store();
	char body[512];
	int n = snprintf(body, sizeof body, HEADER "0010000003,张X三,resident_id,"
	                 "11010519491231002X,13800138000,地址,residential,220v,8,single,normal\n");
	char *x = strchr(body, 'X');
	*x = '\0';
	const char *p = write_file("nul.csv", "");
	FILE *f = fopen(p, "wb");
	fwrite(body, 1, (size_t)n, f);
	fclose(f);
	long rows;
	assert_int_equal(imp(s, "customers", p, &rows), HALL_EINVAL);
	expect_one(p, 2, 2, "Customer name: contains a NUL character");
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers"), 0);
	store_close(s);
}

static void bad_bill(struct store *s, const char *name, const char *row, int col,
                     const char *key, const char *value, const char *text)
{
	char body[2048];
	snprintf(body, sizeof body, "account_no,period,kwh,amount,due_date\n"
	         "0010000001,2026-09,100,49.83,2026-10-25\n%s\n", row);
	const char *p = write_file(name, body);
	long rows = -1;
	int rc = imp(s, "bills", p, &rows);
	if (rc != HALL_EINVAL)
		fail_msg("%s: rc %d", name, rc);
	assert_int_equal(rows, 0);
	expect_one(p, 3, col, text ? text : form_msg("bill", key, value, NULL));
	assert_int_equal(errs.n, 1);
	assert_int_equal(q_int(s, "SELECT count(*) FROM bills"), 0);
}

static void test_bad_bill_rows(void **state)
{
	(void)state;
	struct store *s = store_with_customers();
	bad_bill(s, "b1.csv", "0010000001,2026-10,100,-1.00,2026-11-25", 4, "amount", "-1.00", NULL);
	bad_bill(s, "b2.csv", "0010000001,2026-10,100,12.345,2026-11-25", 4, "amount", "12.345", NULL);
	bad_bill(s, "b3.csv", "0010000001,2026-10,100,¥12.00,2026-11-25", 4, "amount", "¥12.00", NULL);
	bad_bill(s, "b4.csv", "0010000001,2026-10,100,12.00,2026-02-30", 5, "due_date", "2026-02-30", NULL);
	bad_bill(s, "b5.csv", "0010000001,2026-10,-5,12.00,2026-11-25", 3, "kwh", "-5", NULL);
	bad_bill(s, "b6.csv", "0010000001,2026-10,12.5,12.00,2026-11-25", 3, "kwh", "12.5", NULL);
	bad_bill(s, "b7.csv", "0010000001,2026-13,100,12.00,2026-11-25", 2, NULL, NULL,
	         "Period: must be year-month, e.g. 2026-11");
	bad_bill(s, "b8.csv", "0010000001,202610,100,12.00,2026-11-25", 2, "period", "202610", NULL);
	bad_bill(s, "b9.csv", "0010000099,2026-10,100,12.00,2026-11-25", 1, NULL, NULL,
	         "Account number: 0010000099 does not exist (import the customers first)");
	bad_bill(s, "b10.csv", "0010000001,2026-09,100,12.00,2026-10-25", 2, NULL, NULL,
	         "Period: the 2026-09 bill of account 0010000001 is already on line 2");
	bad_bill(s, "b11.csv", "0010000001,2026-10,100,100000000.01,2026-11-25", 4, "amount",
	         "100000000.01", NULL);
	store_close(s);
}

/* ---------------------------------------------------------- bad headers */

static void bad_header(const char *name, const char *text, int col,
                       const char *want_text)
{
	struct store *s = new_store();
	const char *p = write_file(name, text);
	long rows = -1;
	assert_int_equal(imp(s, "customers", p, &rows), HALL_EINVAL);
	expect_one(p, 1, col, want_text);
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers"), 0);
	store_close(s);
}

#define VALID "valid columns: account_no, name, id_type, id_number, phone, address," \
	" category, voltage, capacity, tariff_form, status"

static void test_bad_headers(void **state)
{
	(void)state;
	bad_header("h1.csv", "account_no,name,id_number,phone,addres,category,voltage,capacity\n"
	           ROW1, 5, "unknown column 'addres' (" VALID ")");
	bad_header("h2.csv", "account_no,name,id_number,phone,category,voltage\n", 1,
	           "required columns missing: address, capacity (" VALID ")");
	bad_header("h3.csv", "account_no,name,name,id_number,phone,address,category,voltage,capacity\n",
	           3, "column 'name' appears twice (already column 2)");
	bad_header("h4.csv", "account_no,,name\n", 2, "the column name is empty");
	bad_header("h5.csv", "", 1, "the file is empty: the first line must be the header"
	           " (field keys, comma-separated)");
	bad_header("h6.csv", "\xEF\xBB\xBF", 1, "the file is empty: the first line must be the"
	           " header (field keys, comma-separated)");
	/* header keys may have spaces around them */
	struct store *s = new_store();
	const char *p = write_file("h7.csv", " account_no , name,id_number,phone,address,"
	                           "category,voltage,capacity\n"
	                           "0010000005,李四,11010519491231002X,13800138000,地址,"
	                           "residential,220v,4\n");
	long rows;
	assert_int_equal(imp(s, "customers", p, &rows), HALL_OK);
	assert_int_equal(rows, 1);
	store_close(s);
}

/* Many bad rows: the first 50 are reported in file order, then it stops. */
static void test_error_limit(void **state)
{
	(void)state;
	struct store *s = new_store();
	size_t cap = 200000, o = 0;
	char *body = malloc(cap);
	o += (size_t)snprintf(body + o, cap - o, HEADER);
	for (int i = 0; i < 80; i++)
		o += (size_t)snprintf(body + o, cap - o, "00100%05d,张三,resident_id,"
		                      "110105194912310021,13800138000,地址,residential,220v,8,,\n", i + 1);
	const char *p = write_file("many.csv", body);
	free(body);
	long rows;
	assert_int_equal(imp(s, "customers", p, &rows), HALL_EINVAL);
	assert_int_equal(errs.n, IMPORT_MAX_ERRORS);
	assert_true(errs.truncated);
	for (int i = 0; i < errs.n; i++) {
		assert_int_equal(errs.e[i].line, i + 2);
		assert_int_equal(errs.e[i].column, 4);
		assert_string_equal(errs.e[i].field, "id_number");
	}
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers"), 0);
	store_close(s);
}

/* Messages in Chinese, the default language. */
static void test_chinese_messages(void **state)
{
	(void)state;
	struct store *s = store_with_customers();
	const char *p = write_file("zh.csv", "account_no,period,kwh,amount,due_date\n"
	                           "0010000001,2026-1,100,12.00,2026-11-25\n");
	long rows;
	hall_lang_set(HALL_LANG_ZH);
	assert_int_equal(imp(s, "bills", p, &rows), HALL_EINVAL);
	char want[1024];
	snprintf(want, sizeof want, "%s:2:2: ", p);
	assert_int_equal(strncmp(hall_err_msg(&errs.e[0].err), want, strlen(want)), 0);
	assert_non_null(strstr(hall_err_msg(&errs.e[0].err), "账期"));
	hall_lang_set(HALL_LANG_EN);
	store_close(s);
}

/* --------------------------------------------------- other failures */

static long prog_last, prog_total, prog_calls;

static void on_progress(void *ud, long done, long total)
{
	(void)ud;
	assert_true(done >= prog_last && done <= total);
	prog_last = done;
	prog_total = total;
	prog_calls++;
}

static void test_actor_file_kind_progress(void **state)
{
	(void)state;
	struct store *s = new_store();
	long rows;
	/* no such file */
	char missing[700];
	snprintf(missing, sizeof missing, "%s/nope.csv", dir);
	assert_int_equal(imp(s, "customers", missing, &rows), HALL_EIO);
	assert_int_equal(errs.n, 1);
	char want[900];
	snprintf(want, sizeof want, "%s: cannot open: No such file or directory", missing);
	assert_string_equal(msg(0), want);
	/* unknown kind */
	const char *p = write_file("k.csv", HEADER ROW1);
	assert_int_equal(imp(s, "payments", p, &rows), HALL_EINVAL);
	assert_non_null(strstr(msg(0), "customers or bills"));
	/* a clerk may not import; an admin may */
	struct hall_actor clerk, admin;
	memset(&clerk, 0, sizeof clerk);
	memset(&admin, 0, sizeof admin);
	snprintf(clerk.user.id, sizeof clerk.user.id, "1001");
	clerk.user.role = ROLE_CLERK;
	clerk.user.active = true;
	admin = clerk;
	admin.user.role = ROLE_ADMIN;
	assert_int_equal(import_csv(s, forms, "customers", p, &clerk, NULL, NULL, &errs, &rows),
	                 HALL_EPERM);
	assert_int_equal(q_int(s, "SELECT count(*) FROM customers"), 0);
	/* progress, ending at the file's size */
	prog_last = prog_total = prog_calls = 0;
	assert_int_equal(import_csv(s, forms, "customers", p, &admin, on_progress, NULL,
	                            &errs, &rows), HALL_OK);
	struct stat sb;
	stat(p, &sb);
	assert_true(prog_calls >= 1);
	assert_int_equal(prog_total, (long)sb.st_size);
	assert_int_equal(prog_last, prog_total);
	/* a missing helper form */
	struct form_set empty = { NULL, 0 };
	assert_int_equal(import_csv(s, &empty, "bills", p, NULL, NULL, NULL, &errs, &rows),
	                 HALL_ECONFIG);
	assert_non_null(strstr(msg(0), "bill.form"));
	store_close(s);
}

/* A large file: 20,000 customers, then their bills. */
static void test_volume(void **state)
{
	(void)state;
	struct store *s = new_store();
	char p[700], q[700];
	snprintf(p, sizeof p, "%s/vol.csv", dir);
	snprintf(q, sizeof q, "%s/volb.csv", dir);
	FILE *f = fopen(p, "w"), *g = fopen(q, "w");
	fputs(HEADER, f);
	fputs("account_no,period,kwh,amount,due_date\n", g);
	for (int i = 1; i <= 20000; i++) {
		fprintf(f, "001%07d,客户%d,resident_id,11010519491231002X,138%08d,"
		        "福建省福州市鼓楼区华林路%d号,residential,220v,8,single,normal\n",
		        i, i, i, i);
		fprintf(g, "001%07d,2026-11,%d,%d.%02d,2026-12-25\n", i, i % 500, i % 300, i % 100);
	}
	fclose(f);
	fclose(g);
	long rows;
	assert_int_equal(imp(s, "customers", p, &rows), HALL_OK);
	assert_int_equal(rows, 20000);
	assert_int_equal(imp(s, "bills", q, &rows), HALL_OK);
	assert_int_equal(rows, 20000);
	assert_int_equal(q_int(s, "SELECT value FROM seq WHERE name = 'account'"), 20000);
	assert_int_equal(q_int(s, "SELECT sum(amount_fen) FROM bills"),
	                 q_int(s, "SELECT sum((CAST(substr(account_no, 4) AS INTEGER) % 300) * 100"
	                          " + CAST(substr(account_no, 4) AS INTEGER) % 100) FROM bills"));
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_customers),
		cmocka_unit_test(test_upsert),
		cmocka_unit_test(test_good_bills),
		cmocka_unit_test(test_extra_field_and_newlines),
		cmocka_unit_test(test_bad_customer_rows),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_bad_bill_rows),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_error_limit),
		cmocka_unit_test(test_chinese_messages),
		cmocka_unit_test(test_actor_file_kind_progress),
		cmocka_unit_test(test_volume),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
