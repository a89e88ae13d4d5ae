/*
 * money.h - amounts of money as int64 fen (1 yuan = 100 fen).
 *
 * No floating point anywhere: amounts are parsed from text digit by digit
 * and formatted back the same way.
 */
#ifndef HALL_MONEY_H
#define HALL_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hall/err.h"

/* Largest amount the parser accepts: 999,999,999,999.99 yuan. */
#define MONEY_MAX_FEN INT64_C(99999999999999)

/* Parse a yuan amount: optional leading '-', digits with optional ','
 * thousands separators in the right places, optional '.' and 1 or 2
 * decimals ("12", "12.3", "1,234.56", "0.05").  Rejects empty text, spaces
 * inside, more than 2 decimals ("12.345"), "+", exponents, "." alone and
 * values beyond MONEY_MAX_FEN.  field names the field for the message. */
int money_parse(const char *s, const char *field, int64_t *fen,
                struct hall_err *err);

/* Format as yuan with thousands separators and 2 decimals: "1,234.56",
 * "-0.05".  out needs 32 bytes. */
char *money_format(int64_t fen, char *out, size_t outsz);

/* Format as plain yuan with 2 decimals and no separators: "1234.56". */
char *money_format_plain(int64_t fen, char *out, size_t outsz);

/* The amount in Chinese capitals (大写) as written on receipts and cheques:
 * 1234.56 -> "壹仟贰佰叁拾肆元伍角陆分", 1005 -> "壹仟零伍元整",
 * 100000.10 -> "壹拾万元零壹角", 0.05 -> "伍分", 0 -> "零元整",
 * negative amounts get the prefix "负".  out needs 128 bytes. */
char *money_daxie(int64_t fen, char *out, size_t outsz);

#endif
