/* import.c - customers and bills from CSV files (see import.h). */
#include "hall/import.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hall/audit.h"
#include "hall/customer.h"
#include "hall/utf8.h"
#include "sbuf.h"

/* Longest field accepted (bytes), as the forms engine's limit. */
#define FIELD_MAX (FORM_VALUE_MAX - 1)
#define MAX_COLUMNS 64

/* ================================================================ CSV */

struct cfield {
	char *p;
	size_t len, cap;
	long line;            /* where the field starts */
	bool overlong, nul, oom;
};

enum csv_fault {
	CF_NONE,
	CF_QUOTE_EOF,         /* a quoted field runs to the end of the file */
	CF_AFTER_QUOTE,       /* something between a closing quote and ',' */
	CF_BARE_QUOTE,        /* '"' inside a field that is not quoted */
	CF_TOO_MANY,          /* more than MAX_COLUMNS fields */
};

struct csv {
	FILE *f;
	long line;            /* line of the next character */
	long bytes;           /* bytes consumed */
	int pb[4];            /* pushed-back characters */
	int npb;
	struct cfield fld[MAX_COLUMNS];
	int n;                /* fields in the current record */
	long rec_line;
	enum csv_fault fault;
	long fault_line;
	int fault_col;
};

static int rd(struct csv *c)
{
	if (c->npb > 0) {
		c->bytes++;
		return c->pb[--c->npb];
	}
	int ch = getc(c->f);
	if (ch != EOF)
		c->bytes++;
	return ch;
}

static void unrd(struct csv *c, int ch)
{
	if (ch == EOF || c->npb >= 4)
		return;
	c->pb[c->npb++] = ch;
	c->bytes--;
}

static void add(struct cfield *f, int ch)
{
	if (ch == 0) {
		f->nul = true;
		return;
	}
	if (f->len >= FIELD_MAX) {
		f->overlong = true;
		return;
	}
	if (f->len + 2 > f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		char *p = realloc(f->p, cap);
		if (!p) {
			f->oom = true;
			return;
		}
		f->p = p;
		f->cap = cap;
	}
	f->p[f->len++] = (char)ch;
	f->p[f->len] = '\0';
}

static struct cfield *new_field(struct csv *c)
{
	if (c->n >= MAX_COLUMNS)
		return NULL;
	struct cfield *f = &c->fld[c->n++];
	f->len = 0;
	if (f->p)
		f->p[0] = '\0';
	f->line = c->line;
	f->overlong = f->nul = f->oom = false;
	return f;
}

static const char *fval(const struct cfield *f)
{
	return f->p && f->len ? f->p : "";
}

/* After a line break character ch ('\r' or '\n'): swallow the '\n' of a
 * CRLF and count the line. */
static void line_end(struct csv *c, int ch)
{
	if (ch == '\r') {
		int nx = rd(c);
		if (nx != '\n')
			unrd(c, nx);
	}
	c->line++;
}

/* Skip the rest of a broken line. */
static void skip_line(struct csv *c)
{
	int ch;
	while ((ch = rd(c)) != EOF)
		if (ch == '\n' || ch == '\r') {
			line_end(c, ch);
			return;
		}
}

static void fault(struct csv *c, enum csv_fault k, long line, int col)
{
	if (c->fault == CF_NONE) {
		c->fault = k;
		c->fault_line = line;
		c->fault_col = col;
	}
}

/* Read one record (RFC 4180).  Returns false at the end of the file.
 * Empty lines are skipped; a broken record sets c->fault. */
static bool csv_read(struct csv *c)
{
	c->n = 0;
	c->fault = CF_NONE;
	int ch;
	for (;;) {
		ch = rd(c);
		if (ch == EOF)
			return false;
		if (ch != '\n' && ch != '\r')
			break;
		line_end(c, ch);
	}
	c->rec_line = c->line;
	for (;;) {
		struct cfield *f = new_field(c);
		if (!f) {
			fault(c, CF_TOO_MANY, c->line, MAX_COLUMNS + 1);
			skip_line(c);
			return true;
		}
		if (ch == '"') {
			for (;;) {
				ch = rd(c);
				if (ch == EOF) {
					fault(c, CF_QUOTE_EOF, f->line, c->n);
					return true;
				}
				if (ch == '"') {
					ch = rd(c);
					if (ch == '"') {
						add(f, '"');
						continue;
					}
					break;          /* the closing quote */
				}
				if (ch == '\r' || ch == '\n') {
					line_end(c, ch);
					add(f, '\n');   /* CRLF in a field is kept as LF */
					continue;
				}
				add(f, ch);
			}
			if (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
				fault(c, CF_AFTER_QUOTE, c->line, c->n);
				skip_line(c);
				return true;
			}
		} else {
			while (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
				if (ch == '"') {
					fault(c, CF_BARE_QUOTE, c->line, c->n);
					skip_line(c);
					return true;
				}
				add(f, ch);
				ch = rd(c);
			}
		}
		if (ch == ',') {
			ch = rd(c);
			continue;
		}
		if (ch != EOF)
			line_end(c, ch);
		return true;
	}
}

static void csv_free(struct csv *c)
{
	for (int i = 0; i < MAX_COLUMNS; i++)
		free(c->fld[i].p);
}

/* ========================================================= a set of keys */

/* Keys seen in this file (account, or account + period) and their line:
 * open addressing, grown at half full. */
struct seen {
	char **key;
	long *line;
	size_t cap, n;
	bool oom;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = UINT64_C(1469598103934665603);
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

static bool seen_grow(struct seen *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	char **key = calloc(cap, sizeof *key);
	long *line = calloc(cap, sizeof *line);
	if (!key || !line) {
		free(key);
		free(line);
		t->oom = true;
		return false;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->key[i])
			continue;
		size_t j = hash_str(t->key[i]) & (cap - 1);
		while (key[j])
			j = (j + 1) & (cap - 1);
		key[j] = t->key[i];
		line[j] = t->line[i];
	}
	free(t->key);
	free(t->line);
	t->key = key;
	t->line = line;
	t->cap = cap;
	return true;
}

/* The line where key was first seen, or 0 after adding it at line. */
static long seen_add(struct seen *t, const char *key, long line)
{
	if (t->oom || ((t->n + 1) * 2 > t->cap && !seen_grow(t)))
		return 0;
	size_t j = hash_str(key) & (t->cap - 1);
	while (t->key[j]) {
		if (strcmp(t->key[j], key) == 0)
			return t->line[j];
		j = (j + 1) & (t->cap - 1);
	}
	t->key[j] = strdup(key);
	if (!t->key[j]) {
		t->oom = true;
		return 0;
	}
	t->line[j] = line;
	t->n++;
	return 0;
}

static void seen_free(struct seen *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->key[i]);
	free(t->key);
	free(t->line);
	memset(t, 0, sizeof *t);
}

/* ============================================================== import */

enum kind { K_CUSTOMERS, K_BILLS };

struct imp {
	struct store *s;
	const struct form_def *form;
	enum kind kind;
	const char *path;
	struct import_errors *errs;
	struct csv csv;
	int ncols;
	const struct form_field *col[MAX_COLUMNS];   /* by column */
	struct seen seen;
	int64_t max_serial;   /* of this hall's account numbers */
	long rows;
	char now[21];
	bool stop;            /* too many errors */
};

/* Record an error "FILE:LINE:COLUMN: message" (message in both
 * languages, formatted from the same arguments). */
static void err_add(struct imp *im, long line, int col, const char *field,
                    const char *zh, const char *en)
{
	struct import_errors *e = im->errs;
	if (e->n >= IMPORT_MAX_ERRORS) {
		im->stop = true;
		return;
	}
	struct import_error *x = &e->e[e->n++];
	x->line = line;
	x->column = col;
	snprintf(x->field, sizeof x->field, "%s", field ? field : "");
	if (line > 0)
		hall_err_set(&x->err, HALL_EINVAL, field, "%s:%ld:%d: %s%.0s",
		             "%s:%ld:%d: %.0s%s", im->path, line, col, zh, en);
	else
		hall_err_set(&x->err, HALL_EINVAL, field, "%s: %s%.0s", "%s: %.0s%s",
		             im->path, zh, en);
	if (e->n >= IMPORT_MAX_ERRORS) {   /* enough: stop reading */
		e->truncated = true;
		im->stop = true;
	}
}

static void err_from(struct imp *im, long line, int col, const char *field,
                     const struct hall_err *e)
{
	int n = im->errs->n;
	err_add(im, line, col, field, e->zh[0] ? e->zh : e->en,
	        e->en[0] ? e->en : e->zh);
	if (im->errs->n > n && e->code != HALL_OK)
		im->errs->e[n].err.code = e->code;
}

/* A problem that is not about a row (the file, the store, the form). */
static int fail(struct imp *im, const struct hall_err *e)
{
	int code = e->code ? e->code : HALL_EDB;
	if (im->errs->n >= IMPORT_MAX_ERRORS)
		im->errs->n = IMPORT_MAX_ERRORS - 1;   /* this one matters more */
	int n = im->errs->n;
	err_add(im, 0, 0, e->field, e->zh[0] ? e->zh : e->en,
	        e->en[0] ? e->en : e->zh);
	im->errs->e[n].err.code = code;
	return code;
}

/* "LABEL：rule" / "Label: rule" for the checks the form cannot make. */
static void field_err(struct imp *im, long line, int col,
                      const struct form_field *fld, const char *zh,
                      const char *en)
{
	char z[HALL_ERR_TEXT], n[HALL_ERR_TEXT];
	snprintf(z, sizeof z, "%s：%s", fld->label_zh, zh);
	snprintf(n, sizeof n, "%s: %s", fld->label_en, en);
	err_add(im, line, col, fld->key, z, n);
}

static int col_of(const struct imp *im, const char *key)
{
	for (int i = 0; i < im->ncols; i++)
		if (strcmp(im->col[i]->key, key) == 0)
			return i + 1;
	return 0;
}

static void syntax_error(struct imp *im)
{
	const struct csv *c = &im->csv;
	switch (c->fault) {
	case CF_QUOTE_EOF:
		err_add(im, c->fault_line, c->fault_col, NULL,
			"引号没有配对：这个带引号的字段一直到文件末尾都没有结束",
			"unbalanced quote: this quoted field runs to the end of the file");
		break;
	case CF_AFTER_QUOTE:
		err_add(im, c->fault_line, c->fault_col, NULL,
			"右引号后面应是逗号或换行（字段中的引号要写成两个 \"\"）",
			"a closing quote must be followed by a comma or a line end (write a quote inside a field as \"\")");
		break;
	case CF_BARE_QUOTE:
		err_add(im, c->fault_line, c->fault_col, NULL,
			"字段中间有引号：含引号的字段要整个加引号，里面的引号写成两个 \"\"",
			"a quote inside a field: enclose the whole field in quotes and double the inner quote");
		break;
	case CF_TOO_MANY:
		err_add(im, c->fault_line, c->fault_col, NULL,
			"列太多", "too many columns");
		break;
	case CF_NONE:
		break;
	}
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
}

static void field_list(const struct form_def *f, char *out, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < f->nfields && o + 1 < n; i++)
		o += (size_t)snprintf(out + o, n - o, "%s%s", i ? ", " : "",
		                      f->fields[i].key);
}

static bool field_required(const struct form_field *fld)
{
	return fld->required && fld->default_value[0] == '\0';
}

/* The header: every column a field of the form, none twice, every
 * required field there. */
static bool read_header(struct imp *im)
{
	struct csv *c = &im->csv;
	if (!csv_read(c)) {
		err_add(im, 1, 1, NULL, "文件是空的：第一行应为表头（字段键，用逗号分隔）",
		        "the file is empty: the first line must be the header (field keys, comma-separated)");
		return false;
	}
	if (c->fault != CF_NONE) {
		syntax_error(im);
		return false;
	}
	char list[320];   /* fits a message with the rest */
	field_list(im->form, list, sizeof list);
	bool ok = true;
	im->ncols = c->n;
	for (int i = 0; i < c->n; i++) {
		char key[FORM_VALUE_MAX];
		snprintf(key, sizeof key, "%s", fval(&c->fld[i]));
		trim(key);
		const struct form_field *fld = key[0] ? form_field_find(im->form, key) : NULL;
		im->col[i] = fld;
		char shown[64];
		utf8_sanitize(shown, sizeof shown, key, false);
		if (!key[0]) {
			err_add(im, 1, i + 1, NULL, "列名是空的", "the column name is empty");
			ok = false;
		} else if (!fld) {
			char z[HALL_ERR_TEXT], n[HALL_ERR_TEXT];
			snprintf(z, sizeof z, "未知的列“%s”（可用的列：%s）", shown, list);
			snprintf(n, sizeof n, "unknown column '%s' (valid columns: %s)", shown, list);
			err_add(im, 1, i + 1, NULL, z, n);
			ok = false;
		} else {
			for (int j = 0; j < i; j++)
				if (im->col[j] == fld) {
					char z[HALL_ERR_TEXT], n[HALL_ERR_TEXT];
					snprintf(z, sizeof z, "列“%s”重复（第 %d 列已有）",
					         fld->key, j + 1);
					snprintf(n, sizeof n, "column '%s' appears twice (already column %d)",
					         fld->key, j + 1);
					err_add(im, 1, i + 1, fld->key, z, n);
					ok = false;
					break;
				}
		}
	}
	char missing[128] = "";
	size_t o = 0;
	for (int i = 0; i < im->form->nfields; i++) {
		const struct form_field *fld = &im->form->fields[i];
		bool have = false;
		for (int j = 0; j < im->ncols; j++)
			have = have || im->col[j] == fld;
		if (!have && field_required(fld) && o + 1 < sizeof missing)
			o += (size_t)snprintf(missing + o, sizeof missing - o, "%s%s",
			                      o ? ", " : "", fld->key);
	}
	if (missing[0]) {
		char z[HALL_ERR_TEXT], n[HALL_ERR_TEXT];
		snprintf(z, sizeof z, "缺少必填的列：%s（可用的列：%s）", missing, list);
		snprintf(n, sizeof n, "required columns missing: %s (valid columns: %s)",
		         missing, list);
		err_add(im, 1, 1, NULL, z, n);
		ok = false;
	}
	return ok;
}

/* Accounts of bills must exist (any status). */
static int account_exists(void *ud, const char *account_no, struct hall_err *err)
{
	struct store *s = ud;
	sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM customers WHERE account_no = ?1", err);
	if (!st)
		return err && err->code ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, account_no, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return HALL_OK;
	if (rc != SQLITE_DONE)
		return store_error(s, rc, "查找户号", "looking up the account", err);
	return hall_err_set(err, HALL_ENOTFOUND, "account_no",
		"%s 不存在（请先导入客户档案）",
		"%s does not exist (import the customers first)", account_no, account_no);
}

static bool valid_period(const char *p)
{
	if (strlen(p) != 7 || p[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (p[i] < '0' || p[i] > '9'))
			return false;
	int y = atoi(p), m = atoi(p + 5);
	return y >= 1990 && y <= 2199 && m >= 1 && m <= 12;
}

static const char *const customer_keys[] = {
	"account_no", "name", "id_type", "id_number", "phone", "address",
	"category", "voltage", "capacity", "tariff_form", "status", NULL,
};

static bool known_key(const char *k)
{
	for (int i = 0; customer_keys[i]; i++)
		if (strcmp(customer_keys[i], k) == 0)
			return true;
	return false;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int write_customer(struct imp *im, const struct form_values *v,
                          struct hall_err *err)
{
	struct customer c;
	memset(&c, 0, sizeof c);
	copy(c.account_no, sizeof c.account_no, form_values_get(v, "account_no"));
	copy(c.name, sizeof c.name, form_values_get(v, "name"));
	copy(c.id_type, sizeof c.id_type, form_values_get(v, "id_type"));
	copy(c.id_number, sizeof c.id_number, form_values_get(v, "id_number"));
	copy(c.phone, sizeof c.phone, form_values_get(v, "phone"));
	copy(c.address, sizeof c.address, form_values_get(v, "address"));
	copy(c.category, sizeof c.category, form_values_get(v, "category"));
	copy(c.voltage, sizeof c.voltage, form_values_get(v, "voltage"));
	copy(c.tariff_form, sizeof c.tariff_form, form_values_get(v, "tariff_form"));
	copy(c.status, sizeof c.status, form_values_get(v, "status"));
	const char *cap = form_values_get(v, "capacity");
	c.capacity = cap ? strtoll(cap, NULL, 10) : 0;
	/* fields an administrator added to the form: the extras */
	struct sbuf x;
	sbuf_init(&x);
	bool first = true;
	sbuf_addc(&x, '{');
	for (int i = 0; i < v->n; i++)
		if (!known_key(v->keys[i])) {
			sbuf_json_key(&x, &first, v->keys[i]);
			sbuf_json_str(&x, v->vals[i]);
		}
	sbuf_addc(&x, '}');
	int rc = x.oom ? hall_err_set(err, HALL_ENOMEM, NULL, "内存不足", "out of memory")
	               : customer_upsert(im->s, &c, sbuf_str(&x), err);
	sbuf_free(&x);
	/* an account of this hall moves the counter of new accounts */
	const char *hall = store_hall_code(im->s);
	size_t hl = strlen(hall);
	if (rc == HALL_OK && strlen(c.account_no) == hl + 7 &&
	    strncmp(c.account_no, hall, hl) == 0) {
		int64_t serial = strtoll(c.account_no + hl, NULL, 10);
		if (serial > im->max_serial)
			im->max_serial = serial;
	}
	return rc;
}

static int write_bill(struct imp *im, const struct form_values *v,
                      struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(im->s,
		"INSERT INTO bills(account_no, period, kwh, amount_fen, paid_fen,"
		" due_date, status, created_at) VALUES (?1, ?2, ?3, ?4, 0, ?5,"
		" CASE WHEN ?4 = 0 THEN 'paid' ELSE 'unpaid' END, ?6)", err);
	if (!st)
		return err && err->code ? err->code : HALL_EDB;
	const char *kwh = form_values_get(v, "kwh"), *amount = form_values_get(v, "amount");
	sqlite3_bind_text(st, 1, form_values_get(v, "account_no"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, form_values_get(v, "period"), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, kwh ? strtoll(kwh, NULL, 10) : 0);
	sqlite3_bind_int64(st, 4, amount ? strtoll(amount, NULL, 10) : 0);
	sqlite3_bind_text(st, 5, form_values_get(v, "due_date"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, im->now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK
	                         : store_error(im->s, rc, "保存账单", "saving the bill", err);
}

/* The bill of (account, period) is already in the store. */
static int bill_exists(struct imp *im, const char *account, const char *period,
                       bool *yes, struct hall_err *err)
{
	sqlite3_stmt *st = store_stmt(im->s,
		"SELECT 1 FROM bills WHERE account_no = ?1 AND period = ?2", err);
	if (!st)
		return err && err->code ? err->code : HALL_EDB;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	*yes = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	       ? HALL_OK : store_error(im->s, rc, "查找账单", "looking up the bill", err);
}

/* Checks the form cannot make; true when the row may be written. */
static bool row_checks(struct imp *im, const struct form_values *v, long line,
                       struct hall_err *dberr, int *dbrc)
{
	const char *acct = form_values_get(v, "account_no");
	int ca = col_of(im, "account_no");
	const struct form_field *fa = form_field_find(im->form, "account_no");
	char key[96];
	if (im->kind == K_CUSTOMERS) {
		long prev = acct ? seen_add(&im->seen, acct, line) : 0;
		if (prev) {
			char z[128], n[128];
			snprintf(z, sizeof z, "与第 %ld 行的户号重复", prev);
			snprintf(n, sizeof n, "the same account as line %ld", prev);
			field_err(im, line, ca, fa, z, n);
			return false;
		}
		return true;
	}
	const char *period = form_values_get(v, "period");
	const struct form_field *fp = form_field_find(im->form, "period");
	int cp = col_of(im, "period");
	if (!period || !fp)
		return true;
	if (!valid_period(period)) {
		field_err(im, line, cp, fp, "应为年-月，如 2026-11",
		          "must be year-month, e.g. 2026-11");
		return false;
	}
	snprintf(key, sizeof key, "%s|%s", acct ? acct : "", period);
	long prev = seen_add(&im->seen, key, line);
	if (prev) {
		char z[160], n[160];
		snprintf(z, sizeof z, "户号 %s 的 %s 账单与第 %ld 行重复", acct, period, prev);
		snprintf(n, sizeof n, "the %s bill of account %s is already on line %ld",
		         period, acct, prev);
		field_err(im, line, cp, fp, z, n);
		return false;
	}
	bool exists = false;
	if ((*dbrc = bill_exists(im, acct, period, &exists, dberr)) != HALL_OK)
		return false;
	if (exists) {
		char z[160], n[160];
		snprintf(z, sizeof z, "户号 %s 的 %s 账单已在库中（账单不能重复导入）", acct, period);
		snprintf(n, sizeof n, "the %s bill of account %s is already in the store (bills are never imported twice)",
		         period, acct);
		field_err(im, line, cp, fp, z, n);
		return false;
	}
	return true;
}

/* Validate one record and, while the file is clean so far, write it. */
static int do_row(struct imp *im, struct form_values *in, struct form_values *out,
                  const struct form_ctx *ctx)
{
	struct csv *c = &im->csv;
	long line = c->rec_line;
	if (c->fault != CF_NONE) {
		syntax_error(im);
		return HALL_OK;
	}
	if (c->n != im->ncols) {
		char z[128], n[128];
		snprintf(z, sizeof z, "本行有 %d 列，表头有 %d 列", c->n, im->ncols);
		snprintf(n, sizeof n, "this line has %d fields, the header has %d", c->n, im->ncols);
		err_add(im, line, (c->n > im->ncols ? im->ncols : c->n) + 1, NULL, z, n);
		return HALL_OK;
	}
	bool bad = false;
	form_values_clear(in);
	for (int i = 0; i < c->n; i++) {
		const struct cfield *f = &c->fld[i];
		const struct form_field *fld = im->col[i];
		if (f->oom)
			return HALL_ENOMEM;
		if (f->nul) {
			field_err(im, f->line, i + 1, fld, "含有空字符（NUL）",
			          "contains a NUL character");
			bad = true;
		} else if (f->overlong) {
			char z[64], n[64];
			snprintf(z, sizeof z, "太长（最多 %d 字节）", FIELD_MAX);
			snprintf(n, sizeof n, "is too long (at most %d bytes)", FIELD_MAX);
			field_err(im, f->line, i + 1, fld, z, n);
			bad = true;
		} else if (form_values_set(in, fld->key, fval(f)) != HALL_OK) {
			return HALL_ENOMEM;
		}
	}
	if (bad)
		return HALL_OK;
	struct form_errors fe;
	int rc = form_validate(im->form, in, ctx, out, &fe);
	if (rc == HALL_ENOMEM)
		return rc;
	if (rc != HALL_OK) {
		for (int i = 0; i < fe.n && !im->stop; i++) {
			int col = col_of(im, fe.e[i].field);
			long fl = col ? c->fld[col - 1].line : line;
			if (fe.e[i].code != HALL_EINVAL && fe.e[i].code != HALL_ENOTFOUND &&
			    fe.e[i].code != HALL_ESTATE)
				return fail(im, &fe.e[i]);   /* the store, not the row */
			err_from(im, fl, col, fe.e[i].field, &fe.e[i]);
		}
		return HALL_OK;
	}
	struct hall_err dberr;
	int dbrc = HALL_OK;
	hall_err_clear(&dberr);
	if (!row_checks(im, out, line, &dberr, &dbrc))
		return dbrc == HALL_OK ? HALL_OK : fail(im, &dberr);
	if (im->seen.oom)
		return HALL_ENOMEM;
	if (im->errs->n > 0)
		return HALL_OK;   /* it will all be rolled back: just check */
	rc = im->kind == K_CUSTOMERS ? write_customer(im, out, &dberr)
	                             : write_bill(im, out, &dberr);
	if (rc != HALL_OK)
		return fail(im, &dberr);
	im->rows++;
	return HALL_OK;
}

static int bump_account_seq(struct imp *im, struct hall_err *err)
{
	if (im->max_serial <= 0)
		return HALL_OK;
	sqlite3_stmt *st = store_stmt(im->s,
		"INSERT INTO seq(name, value) VALUES ('account', ?1)"
		" ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)", err);
	if (!st)
		return err && err->code ? err->code : HALL_EDB;
	sqlite3_bind_int64(st, 1, im->max_serial);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? HALL_OK
	                         : store_error(im->s, rc, "更新户号计数", "updating the account counter", err);
}

int import_csv(struct store *s, const struct form_set *forms,
               const char *what, const char *csv_path,
               const struct hall_actor *actor,
               void (*progress)(void *ud, long done, long total), void *ud,
               struct import_errors *errs, long *rows_out)
{
	struct imp im;
	memset(&im, 0, sizeof im);
	im.s = s;
	im.errs = errs;
	im.path = csv_path ? csv_path : "";
	errs->n = 0;
	errs->truncated = false;
	if (rows_out)
		*rows_out = 0;
	struct hall_err e;
	hall_err_clear(&e);
	const char *form_name;
	if (what && strcmp(what, "customers") == 0) {
		im.kind = K_CUSTOMERS;
		form_name = "customer";
	} else if (what && strcmp(what, "bills") == 0) {
		im.kind = K_BILLS;
		form_name = "bill";
	} else {
		hall_err_set(&e, HALL_EINVAL, "what",
			"只能导入 customers（客户档案）或 bills（账单），不能导入“%s”",
			"can import customers or bills only, not '%s'",
			what ? what : "", what ? what : "");
		return fail(&im, &e);
	}
	im.form = forms ? formset_find(forms, form_name) : NULL;
	if (!im.form) {
		hall_err_set(&e, HALL_ECONFIG, NULL,
			"缺少导入用的表单 %s.form（应在表单目录中）",
			"the import form %s.form is missing from the forms folder",
			form_name, form_name);
		return fail(&im, &e);
	}
	if (actor && auth_require(actor, ROLE_ADMIN, "导入客户档案和账单",
	                          "import customers and bills", &e) != HALL_OK)
		return fail(&im, &e);
	im.csv.f = fopen(im.path, "rb");
	if (!im.csv.f) {
		int en = errno;
		hall_err_set(&e, HALL_EIO, NULL, "无法打开：%s", "cannot open: %s",
		             strerror(en), strerror(en));
		return fail(&im, &e);
	}
	struct stat sb;
	long total = fstat(fileno(im.csv.f), &sb) == 0 && sb.st_size > 0
	           ? (long)sb.st_size : 0;
	im.csv.line = 1;
	/* an optional UTF-8 byte-order mark */
	int b0 = rd(&im.csv), b1 = b0 == 0xEF ? rd(&im.csv) : EOF;
	int b2 = b1 == 0xBB ? rd(&im.csv) : EOF;
	if (!(b0 == 0xEF && b1 == 0xBB && b2 == 0xBF)) {
		unrd(&im.csv, b2);
		unrd(&im.csv, b1);
		unrd(&im.csv, b0);
	}
	store_now_utc(im.now);
	struct form_ctx ctx = { account_exists, s };
	struct form_values in, out;
	form_values_init(&in);
	form_values_init(&out);
	int rc = HALL_OK;
	bool begun = false;
	int64_t cache = 0;
	if (!read_header(&im)) {
		rc = HALL_EINVAL;
		goto done;
	}
	/* a bigger page cache for the one long transaction (this connection
	 * only, put back at the end) */
	sqlite3_stmt *cs = NULL;
	if (sqlite3_prepare_v2(store_db(s), "PRAGMA cache_size", -1, &cs, NULL) == SQLITE_OK &&
	    sqlite3_step(cs) == SQLITE_ROW)
		cache = sqlite3_column_int64(cs, 0);
	sqlite3_finalize(cs);
	if (cache)
		sqlite3_exec(store_db(s), "PRAGMA cache_size = -131072", NULL, NULL, NULL);
	if ((rc = store_begin(s, &e)) != HALL_OK) {
		fail(&im, &e);
		goto done;
	}
	begun = true;
	long pct = 0;
	while (!im.stop && csv_read(&im.csv)) {
		rc = do_row(&im, &in, &out, im.kind == K_BILLS ? &ctx : NULL);
		if (rc == HALL_ENOMEM) {
			hall_err_set(&e, HALL_ENOMEM, NULL, "内存不足", "out of memory");
			fail(&im, &e);
			break;
		}
		if (rc != HALL_OK)
			break;
		if (progress && total > 0 && im.csv.bytes * 100 / total > pct) {
			pct = im.csv.bytes * 100 / total;
			progress(ud, im.csv.bytes, total);
		}
	}
	if (rc == HALL_OK && ferror(im.csv.f)) {
		hall_err_set(&e, HALL_EIO, NULL, "读取出错", "read error");
		rc = fail(&im, &e);
	}
	if (rc == HALL_OK && errs->n == 0 && im.kind == K_CUSTOMERS &&
	    (rc = bump_account_seq(&im, &e)) != HALL_OK)
		fail(&im, &e);
	if (rc == HALL_OK && errs->n == 0) {
		/* the import itself: one audited (and journaled) action */
		char detail[64];
		snprintf(detail, sizeof detail, "rows=%ld", im.rows);
		if ((rc = audit_log(s, actor, NULL, im.kind == K_CUSTOMERS
		                    ? "import.customers" : "import.bills",
		                    im.path, detail, &e)) != HALL_OK)
			fail(&im, &e);
	}
	if (rc == HALL_OK && errs->n == 0) {
		if ((rc = store_commit(s, &e)) != HALL_OK)
			fail(&im, &e);
		begun = false;
	}
	if (rc == HALL_OK && errs->n > 0)
		rc = HALL_EINVAL;
done:
	if (begun)
		store_rollback(s);
	if (cache) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)cache);
		sqlite3_exec(store_db(s), sql, NULL, NULL, NULL);
	}
	if (rc == HALL_OK) {
		if (rows_out)
			*rows_out = im.rows;
		if (progress)
			progress(ud, total, total);
	}
	form_values_free(&in);
	form_values_free(&out);
	seen_free(&im.seen);
	csv_free(&im.csv);
	fclose(im.csv.f);
	return rc;
}
