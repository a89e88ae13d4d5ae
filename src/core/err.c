/*
 * err.c - bilingual error values, message language, exit statuses.
 */
#include "hall/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static enum hall_lang g_lang = HALL_LANG_ZH;

void hall_lang_set(enum hall_lang lang)
{
	g_lang = lang == HALL_LANG_EN ? HALL_LANG_EN : HALL_LANG_ZH;
}

enum hall_lang hall_lang(void)
{
	return g_lang;
}

/* "en", "EN", "en_US.UTF-8" -> English; "zh", "zh_CN" -> Chinese; anything
 * else (unset, empty, "fr") leaves the language as it is. */
void hall_lang_from_env(void)
{
	const char *v = getenv("HALL_LANG");

	if (v == NULL)
		return;
	if (strncasecmp(v, "en", 2) == 0 && (v[2] == '\0' || v[2] == '_' ||
	                                     v[2] == '-' || v[2] == '.'))
		g_lang = HALL_LANG_EN;
	else if (strncasecmp(v, "zh", 2) == 0 && (v[2] == '\0' || v[2] == '_' ||
	                                          v[2] == '-' || v[2] == '.'))
		g_lang = HALL_LANG_ZH;
}

const char *hall_tr(const char *zh, const char *en)
{
	const char *want = g_lang == HALL_LANG_EN ? en : zh;
	const char *other = g_lang == HALL_LANG_EN ? zh : en;

	if (want != NULL)
		return want;
	return other != NULL ? other : "";
}

void hall_err_clear(struct hall_err *e)
{
	if (e == NULL)
		return;
	e->code = HALL_OK;
	e->field[0] = '\0';
	e->zh[0] = '\0';
	e->en[0] = '\0';
}

/* After a truncating snprintf: drop an incomplete UTF-8 sequence at the end
 * of buf (len bytes) so a cut message stays valid UTF-8. */
static void trim_partial_utf8(char *buf, size_t len)
{
	size_t i = len, need;
	unsigned char lead;

	/* step back over at most 3 continuation bytes to the lead byte */
	while (i > 0 && len - i < 3 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)buf[i - 1];
	if (lead < 0x80)
		return;
	if ((lead & 0xE0) == 0xC0)
		need = 2;
	else if ((lead & 0xF0) == 0xE0)
		need = 3;
	else if ((lead & 0xF8) == 0xF0)
		need = 4;
	else
		return; /* not a lead byte: leave invalid text alone */
	if (len - (i - 1) < need)
		buf[i - 1] = '\0';
}

static void format_text(char *dst, size_t dstsz, const char *fmt, va_list ap)
{
	int n;

	if (fmt == NULL) {
		dst[0] = '\0';
		return;
	}
	n = vsnprintf(dst, dstsz, fmt, ap);
	if (n < 0) {
		dst[0] = '\0';
	} else if ((size_t)n >= dstsz) {
		trim_partial_utf8(dst, dstsz - 1);
	}
}

int hall_err_set(struct hall_err *e, int code, const char *field,
                 const char *zh_fmt, const char *en_fmt, ...)
{
	/* Format into locals first: the arguments (and field) may point into
	 * *e itself, e.g. when a caller adds context to an earlier message. */
	char zh[HALL_ERR_TEXT], en[HALL_ERR_TEXT], key[HALL_ERR_FIELD];
	va_list ap, ap2;

	if (e == NULL)
		return code;
	va_start(ap, en_fmt);
	va_copy(ap2, ap);
	format_text(zh, sizeof zh, zh_fmt, ap);
	format_text(en, sizeof en, en_fmt, ap2);
	va_end(ap2);
	va_end(ap);

	if (field != NULL) {
		size_t n = strlen(field);
		if (n >= sizeof key)
			n = sizeof key - 1;
		memcpy(key, field, n);
		key[n] = '\0';
	} else {
		key[0] = '\0';
	}

	e->code = code;
	memcpy(e->field, key, sizeof key);
	memcpy(e->zh, zh, sizeof zh);
	memcpy(e->en, en, sizeof en);
	return code;
}

const char *hall_err_msg(const struct hall_err *e)
{
	if (e == NULL)
		return "";
	if (g_lang == HALL_LANG_EN)
		return e->en[0] != '\0' ? e->en : e->zh;
	return e->zh[0] != '\0' ? e->zh : e->en;
}

int hall_rc_exit(int code)
{
	switch (code) {
	case HALL_OK:
		return 0;
	case HALL_EINVAL:
		return 2;
	case HALL_ENOTFOUND:
		return 3;
	case HALL_EPERM:
	case HALL_EAUTH:
		return 4;
	case HALL_EBUSY:
		return 5;
	case HALL_EVERSION:
	case HALL_ECONFIG:
		return 6;
	case HALL_EIO:
		return 7;
	case HALL_EEXIST:
		return 8;
	case HALL_EDAMAGED:
		return 9;
	default:
		return 1;
	}
}

int hall_err_text(struct hall_err *e, int code, const char *field,
                  const char *zh, const char *en)
{
	/* "%.0s" skips the Chinese text in the English format */
	return hall_err_set(e, code, field, "%s", "%.0s%s", zh, en);
}
