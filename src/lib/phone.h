/* phone.h - phone numbers: written the same way, and found among customers */
#ifndef CRM_PHONE_H
#define CRM_PHONE_H

#include <stdbool.h>

#include "hmap.h"
#include "util.h"

/* Digits of the national part: a number without its country prefix is
 * compared with a stored one by its last PHONE_NATIONAL digits. */
#define PHONE_NATIONAL 9

/* Write the normalised form of the number in into out (reset first): the
 * spaces, tabs, dashes, dots, slashes and brackets are removed and a
 * leading "00" (the international prefix) becomes "+", so that
 * "+48 601 234 567", "0048601234567" and "+48-601-234-567" all give
 * "+48601234567". Returns false when what is left is not an optional "+"
 * followed by 3 to 20 digits. */
bool phone_norm(const char *in, struct sb *out);

/* The calling code of the country cc (ISO 3166 alpha-2, any case): "48"
 * for PL; NULL for a country not in the table (the EU's, BG, CH, GB, NO,
 * UA, US). */
const char *phone_calling_code(const char *cc);

/* phone_norm, then a number written in national form (without "+" or
 * "00") is given the calling code of country (crm.conf country; NULL or
 * "" for none), its trunk prefix "0" dropped: with PL, "601 234 567" gives
 * "+48601234567"; with DE, "030 1234567" gives "+49301234567". */
bool phone_norm_in(const char *in, const char *country, struct sb *out);

/* Whether one of the numbers of a phone field (separated by ';' or ',',
 * each read by phone_norm_in with country) is num (normalised): the same
 * number, or, when one of the two has no country prefix, the same last
 * PHONE_NATIONAL digits (the rule of phone_book_find). */
bool phone_match(const char *field, const char *num, const char *country);

/* The customers' numbers, for finding who called. Rows are the caller's
 * (indexes into a table); a phone field may hold several numbers separated
 * by ';' or ','. */
struct phone_book {
	struct hmap exact, plain, all; /* normalised; last digits of those without "+"; of all */
	long *v_exact, *v_plain, *v_all; /* the row, or -2 when several rows have it */
	size_t c_exact, c_plain, c_all;
};

/* Add the numbers of a phone field for row; ones that do not normalise are
 * left out. */
void phone_book_add(struct phone_book *b, const char *field, long row);

/* The row with the normalised number num: the row whose number is the
 * same; else, when num or a stored number has no country prefix ("+"), the
 * row whose number ends in the same PHONE_NATIONAL digits (both numbers must
 * have that many). Returns the row, -1 when none has it, -2 when several
 * rows do (at the first of these two steps that finds any). */
long phone_book_find(const struct phone_book *b, const char *num);

void phone_book_free(struct phone_book *b);

#endif
