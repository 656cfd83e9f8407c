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

/* Parse a decimal amount ("129.99", "129,99", "1 299.5", "130") into minor
 * units of cur. Returns NULL, or why it is refused (negative, too many
 * decimals for the currency, not a number, too large). */
const char *money_parse(const char *s, const char *cur, long long *minor);

/* Format minor units of cur as a decimal ("129.99"); with group, thousands
 * are separated by commas ("1,299.99"). buf holds MONEY_BUFSZ bytes. */
void money_fmt(long long minor, const char *cur, bool group, char *buf);

#endif
