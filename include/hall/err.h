/*
 * err.h - error values and bilingual messages shared by every core module.
 *
 * Every core function that can fail returns an int from enum hall_rc and,
 * when given a struct hall_err, fills it with a message in Chinese and in
 * English, and the key of the field the message is about (if any).  The UI
 * shows hall_err_msg(), which picks the language chosen with hall_lang_set().
 */
#ifndef HALL_ERR_H
#define HALL_ERR_H

#include <stddef.h>

enum hall_rc {
	HALL_OK = 0,
	HALL_EINVAL,     /* bad input: a field breaks a rule */
	HALL_ENOTFOUND,  /* no such record, form, field, user */
	HALL_EEXIST,     /* already exists (store file, user, ...) */
	HALL_EPERM,      /* the user's role does not allow this */
	HALL_EAUTH,      /* wrong user id or password, locked account */
	HALL_EBUSY,      /* store locked longer than the busy timeout */
	HALL_EVERSION,   /* store from a newer version, or unknown schema */
	HALL_EDB,        /* SQLite error (detail in the message) */
	HALL_EIO,        /* file system error (missing, read-only, full) */
	HALL_ENOMEM,
	HALL_ESTATE,     /* the record is not in a state that allows this */
	HALL_ECONFIG,    /* configuration or form definition broken */
	HALL_EDAMAGED,   /* the store is damaged: read-only, nothing saved (health.h) */
};

enum hall_lang { HALL_LANG_ZH = 0, HALL_LANG_EN = 1 };

#define HALL_ERR_FIELD 64
#define HALL_ERR_TEXT 512

struct hall_err {
	int code;                    /* enum hall_rc */
	char field[HALL_ERR_FIELD];  /* field key, "" when not about a field */
	char zh[HALL_ERR_TEXT];
	char en[HALL_ERR_TEXT];
};

/* Language of every message the core returns through hall_err_msg() and
 * hall_tr().  Default Chinese.  hall_lang_from_env() reads HALL_LANG
 * ("en"/"zh", any case, also with a locale suffix such as "en_US.UTF-8");
 * an unset, empty or other value leaves the language as it was. */
void hall_lang_set(enum hall_lang lang);
enum hall_lang hall_lang(void);
void hall_lang_from_env(void);

/* Pick the text of the current language (the other one if it is NULL;
 * "" if both are). */
const char *hall_tr(const char *zh, const char *en);

/* Reset an error to HALL_OK with empty texts.  NULL is allowed. */
void hall_err_clear(struct hall_err *e);

/* Set code, field (may be NULL) and both texts, formatted with the same
 * arguments in the same order.  Returns code so callers can
 * "return hall_err_set(...)".  NULL e is allowed (nothing is written).
 * The arguments (and field) may point into *e itself.  A text longer than
 * HALL_ERR_TEXT-1 bytes is cut at a UTF-8 character boundary, a field key
 * longer than HALL_ERR_FIELD-1 bytes is cut.  A format may skip an argument
 * with "%.0s", so one argument list can carry a zh and an en string:
 *   hall_err_set(e, c, f, "%s：%s%.0s", "%s: %.0s%s", f, zh_rule, en_rule);
 * The core modules (money, ident) write "<field>：<rule>" /
 * "<field>: <rule>" with the field argument they were given, or the bare
 * rule when it is NULL or "". */
int hall_err_set(struct hall_err *e, int code, const char *field,
                 const char *zh_fmt, const char *en_fmt, ...);

/* Set code, field and both texts as they are (no formatting): for texts
 * already composed, e.g. with a different argument per language. */
int hall_err_text(struct hall_err *e, int code, const char *field,
                  const char *zh, const char *en);

/* The message in the current language, or the other language's when that
 * one is empty; "" for NULL. */
const char *hall_err_msg(const struct hall_err *e);

/* Process exit status for an error code: 0 ok, 2 bad input/usage,
 * 3 not found, 4 permission/auth, 5 busy, 6 store version/config, 7 store
 * file missing, read-only or disk full (EIO), 8 already exists, 9 the
 * store is damaged and was opened read-only (EDAMAGED), 1 other (EDB,
 * ENOMEM, ESTATE and unknown codes). */
int hall_rc_exit(int code);

#endif
