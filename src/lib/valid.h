/* valid.h - the rules of whole records: a customer row, its header, an
 * interaction. Each check reports every problem it finds through a callback,
 * so a checker can list them all and a writer can refuse the record. */
#ifndef CRM_VALID_H
#define CRM_VALID_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "proj.h"
#include "rec.h"
#include "util.h"

/* Called once for each problem: field is the column or key it is in (""
 * for the record as a whole), msg the whole message, one line, without
 * the file and line ("email \"anna@\": needs a domain with a dot ..."). */
typedef void valid_fn(void *ctx, const char *field, const char *msg);

/* Where the customer columns that have rules are; -1 when absent. */
struct valid_cols {
	long id, name, email, country, stage, consent, created, updated, touch;
};

/* Find the columns of h. */
void valid_cols_find(struct valid_cols *c, const struct hdr *h);

/* Check a customers header: every column named, no name twice, and the
 * columns id, name and email present. Returns the number of problems. */
size_t valid_header(const struct hdr *h, valid_fn *fn, void *ctx);

/* Check the fields of one customer row (columns found by valid_cols_find):
 * email, country (an assigned ISO 3166 code), stage, consent, created and
 * updated (stored timestamps), touch (whole days); values that are fine but
 * not in their stored form ("pl" for "PL") are problems too. Empty values
 * are fine. Uniqueness is the caller's: it needs the other rows. Returns the
 * number of problems. */
size_t valid_customer(const struct valid_cols *c, const struct rec *r, valid_fn *fn, void *ctx);

/* What valid_customer_clean keeps from row to row: the last value of a
 * few columns found clean. Zero it before the first row. */
struct valid_memo {
	char *last[3]; /* country, stage, consent */
};

/* True when valid_customer would find no problem in r: the same checks
 * (check_email and the others of cust.h), a value equal to the last one
 * found clean in its column taken at once, and times in the stored form
 * seen without a full parse when their day was seen. False means "ask
 * valid_customer". */
bool valid_customer_clean(const struct valid_cols *c, const struct rec *r, struct valid_memo *m);
void valid_memo_free(struct valid_memo *m);

/* Check one interaction on its own: id, ts, customer and type present;
 * type, channel, direction known; amount whole minor units with a currency
 * of three capital letters; rating 1-5, score 0-10; due and close stored
 * timestamps; a done and a merge record have a ref; a deal's stage and
 * probability. Whether ids are unique and refs lead somewhere is the
 * caller's. Returns the number of problems. */
size_t valid_event(const json_t *o, valid_fn *fn, void *ctx);

/* True when the history line read into p (proj.h, none of its fields
 * skipped) certainly passes valid_event: every key valid_event looks at is
 * a field of p, so a checker reads most lines without building a Jansson
 * object. False means "ask valid_event" (the line may have a problem, or a
 * form this quick look does not decide). The two are compared line by line
 * by build/tests/validsame. */
bool valid_event_clean(const struct proj *p);

/* NULL when s is a timestamp in the stored form YYYY-MM-DDThh:mm:ssZ, else
 * why not; when s is a time in another form, canon gets the stored form
 * (else canon[0] is NUL). */
const char *valid_time(const char *s, char canon[DATE_BUFSZ]);

/* True when cc is an ISO 3166 alpha-2 code assigned to a country (upper
 * case), or XK, in common use for Kosovo. */
bool valid_country_code(const char *cc);

/* Append s[0..n) to b as a JSON string, cut after about 60 bytes (then
 * "..." follows the closing quote) so a message stays one short line
 * whatever the value holds. */
void valid_quote(struct sb *b, const char *s, size_t n);

/* Append a JSON value to b, compact, a long string cut as by valid_quote. */
void valid_show(struct sb *b, const json_t *v);

#endif
