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
 * values beyond MONEY_MAX_FEN.  field names the field for the message.
 * Details: any white space is rejected, leading and trailing too (callers
 * trim); "-0" is 0; leading zeros are accepted without separators ("007"),
 * with separators the first group is 1-3 digits not starting with 0 and
 * every later group exactly 3 digits ("1,23", "0,123", "1234,567" are
 * rejected); ".5" and "5." are rejected.  Full-width digits, "¥"/"元" and
 * "。" get their own message.  Negative amounts are accepted here: a form
 * field that must be positive says so with its min.  On success *fen is
 * set (fen may be NULL) and err cleared; on error *fen is left alone and
 * err gets "<field>：<rule>" / "<field>: <rule>" (the bare rule without a
 * field), code HALL_EINVAL. */
int money_parse(const char *s, const char *field, int64_t *fen,
                struct hall_err *err);

/* Format as yuan with thousands separators and 2 decimals: "1,234.56",
 * "-0.05".  out needs 32 bytes.  Any int64 works (INT64_MIN too).  When out
 * is too small it gets "" rather than a shortened, wrong amount.  Both
 * return out. */
char *money_format(int64_t fen, char *out, size_t outsz);

/* Format as plain yuan with 2 decimals and no separators: "1234.56". */
char *money_format_plain(int64_t fen, char *out, size_t outsz);

/* The amount in Chinese capitals (大写) as written on receipts and cheques:
 * 1234.56 -> "壹仟贰佰叁拾肆元伍角陆分", 1005 -> "壹仟零伍元整",
 * 100000.10 -> "壹拾万元零壹角", 0.05 -> "伍分", 0 -> "零元整",
 * negative amounts get the prefix "负".  out needs 128 bytes.
 *
 * Rules (《正确填写票据和结算凭证的基本规定》, annex to 《支付结算办法》):
 * - "整" follows "元" when there are no 角 and 分; after 角 the rules make
 *   it optional and we do not write it (10.50 -> 壹拾元伍角); never after 分.
 * - One 零 for each run of zeros between non-zero digits (6007.14 ->
 *   陆仟零柒元壹角肆分); zeros at the end of a 万/亿/元 group are implied by
 *   its unit (1,001,000 -> 壹佰万壹仟元整, 107,000 -> 壹拾万柒仟元整); a
 *   零 goes before a group whose thousands digit is 0 (1,000,010 ->
 *   壹佰万零壹拾元整) or that follows a whole zero group (100,000,001 ->
 *   壹亿零壹元整).
 * - 角分 work as one more group: 零 after 元 when 角 is 0 and 分 is not
 *   (16409.02 -> 壹万陆仟肆佰零玖元零贰分, required) and when the whole
 *   仟佰拾元 group is 0 (100000.10 -> 壹拾万元零壹角); a zero 元 digit alone
 *   before 角 is not written (1680.32 -> 壹仟陆佰捌拾元叁角贰分, one of
 *   the two forms the rules allow).
 * - Every 拾 carries its digit: 10 -> 壹拾元整.
 * Amounts beyond ±MONEY_MAX_FEN, or an out too small for the text, give "".
 * Returns out. */
char *money_daxie(int64_t fen, char *out, size_t outsz);

#endif
