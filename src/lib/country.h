/* country.h - what people write in the country field of an address, as an
 * ISO 3166 alpha-2 code */
#ifndef CRM_COUNTRY_H
#define CRM_COUNTRY_H

#include <stdbool.h>

/* Turn name into an upper-case ISO 3166 alpha-2 code in code (3 bytes):
 * a common name of an EU country, of BG, UA, RU, US, GB, CH or NO in
 * English or in the country's own language ("Poland", "Polska", "Česko",
 * "България"), compared ignoring case and diacritics; an alpha-3 code of
 * one of those ("POL"); or any two ASCII letters, taken as a code. Leading
 * and trailing white space is ignored. Returns false (code set to "") when
 * name is none of these. */
bool country_code(const char *name, char code[3]);

#endif
