/* money.h - amounts in integer minor units, never floating point */
#ifndef CRM_MONEY_H
#define CRM_MONEY_H

#include <stdbool.h>

#define MONEY_BUFSZ 80

/* Digits after the decimal point of an ISO 4217 currency (2 for most, 0 for
 * JPY, 3 for KWD). */
int currency_exp(const char *cur);

/* True when cur is three ASCII letters; *out gets it upper-cased (4 bytes). */
bool currency_valid(const char *cur, char *out);

/* Parse an amount as people write it into minor units of cur (upper
 * case): "129.99", "129,99", "130", "1 299,00", "1.299,00", "1,299.00",
 * "1'299.50", "129,-", "129.99 zł", "PLN 129.99", "€5". The decimals follow
 * a point or a comma: when both are written the last one, when one of
 * them is written once that one; else the amount is whole. Between groups
 * of three digits may stand the other of the two, a space (plain, no-break,
 * narrow or thin), '_' or an apostrophe; a group of another length is
 * refused. In a currency without decimals (JPY) a separator followed by
 * three digits is a thousands separator. A currency code or sign before
 * or after the number (in either case) must be cur's: "zł" PLN, "Kč" CZK,
 * "€" EUR, "лв" BGN, "$" a dollar, ... Returns NULL, or why the amount is
 * refused (negative, too many decimals for the currency, another
 * currency, not a number, too large): a static string, or one valid until
 * the thread's next call. */
const char *money_parse(const char *s, const char *cur, long long *minor);

/* Format minor units of cur as a decimal ("129.99"); with group, thousands
 * are separated by commas ("1,299.99"). buf holds MONEY_BUFSZ bytes. */
void money_fmt(long long minor, const char *cur, bool group, char *buf);

#endif
