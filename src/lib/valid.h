/* valid.h - the rules of the data: of each value of a customer column, of
 * whole records (a customer row, its header, an interaction). crm-add,
 * crm-log's new leads and crm-check all ask these, so what one program
 * takes the others take too. A record check reports every problem it finds
 * through a callback, so a checker can list them all and a writer can
 * refuse the record. */
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

/* The rule of one value: NULL when in may be stored, with *norm set to the
 * form it is stored in (a new string the caller frees: "PL" for "pl" or
 * "Polska"), else the reason it is refused, in words that follow the field
 * and its value in a message ("not an ISO 3166 country code", shown as
 * 'country "UK": not an ISO 3166 country code'), and *norm NULL. Every
 * rule takes the empty value, and refuses bytes that are not UTF-8. */
typedef const char *valid_rule(const char *in, char **norm);

/* A one-line field (name, phone, company, city, tags, owner): no control
 * character at all (C0 with TAB, CR and LF, DEL, C1 U+0080-U+009F). */
valid_rule valid_line;
/* Free text (a column without a rule of its own, such as note): line
 * breaks and tabs are fine, other control characters are not. */
valid_rule valid_text;
/* An id: one word, no space or control character. crm-add makes them
 * (id.h), but an import may keep the ids of another system. */
valid_rule valid_id;
/* An e-mail address crm-mail can send to: one '@' with a name before it,
 * no space, control character or special of RFC 5322, a domain with a dot
 * of letters, digits, '-' and letters beyond ASCII, within the limits of
 * SMTP (64 bytes before the '@', labels of 63 in the domain's IDNA form,
 * 254 in all); stored lower-cased (Unicode). Letters beyond ASCII before
 * the '@' are fine: crm-mail sends such mail as SMTPUTF8 (RFC 6531), and
 * the domain in its ASCII form (idna.h). */
valid_rule valid_email;
/* An assigned ISO 3166 alpha-2 code (any case: two letters are always a
 * code, so "UK" is refused with a hint at GB), or a country's name or
 * alpha-3 code that country.h knows ("Polska", "Česká republika",
 * "България", "POL"), stored as the code. */
valid_rule valid_country;
/* lead, prospect, customer or churned (any case). */
valid_rule valid_stage;
/* opt-in or opt-out (any case). */
valid_rule valid_consent;
/* A time (date_parse), stored as YYYY-MM-DDThh:mm:ssZ. */
valid_rule valid_stamp;
/* A whole number of days, 1 or more. */
valid_rule valid_touch;

/* The rule of the column named col: the one above made for it (name:
 * valid_line, created: valid_stamp, ...), valid_text for any other. */
valid_rule *valid_rule_of(const char *col);

/* valid_rule_of(col)(in, norm). */
const char *valid_field(const char *col, const char *in, char **norm);

/* The first control character of s (any of C0, TAB and line breaks
 * included, DEL, or C1 U+0080-U+009F) as a code point, or -1 when there is
 * none. s is UTF-8. */
long valid_control_char(const char *s);

/* Append the message of a refused value, 'FIELD "VALUE": WHY', the value
 * quoted and cut as by valid_quote: the one message every program gives. */
void valid_say(struct sb *out, const char *field, const char *val, const char *why);

/* Check every value of one customer row (h its header) by its column's
 * rule; values that are fine but not in their stored form ("pl" for "PL")
 * are problems too, and so is an empty name. Uniqueness is the caller's:
 * it needs the other rows. Returns the number of problems. */
size_t valid_customer(const struct hdr *h, const struct rec *r, valid_fn *fn, void *ctx);

/* What valid_customer_clean keeps from row to row: the last value of a
 * few columns found clean. Zero it before the first row. */
struct valid_memo {
	char *last[3]; /* country, stage, consent */
	valid_rule **rule; /* the rule of each column of the header */
	size_t nrule;
};

/* True when valid_customer would find no problem in r (h its header, c
 * its columns): the same rules, a value equal to the last one
 * found clean in its column taken at once, and times in the stored form
 * seen without a full parse when their day was seen. False means "ask
 * valid_customer". */
bool valid_customer_clean(const struct hdr *h, const struct valid_cols *c, const struct rec *r,
			  struct valid_memo *m);
void valid_memo_free(struct valid_memo *m);

/* Check one interaction on its own: id, ts, customer and type present;
 * type, channel, direction known; amount whole minor units with a currency
 * of three capital letters; rating 1-5, score 0-10; due and close stored
 * timestamps; a done, a merge record and a void have a ref; a deal's stage and
 * probability; a ticket's status and priority. Whether ids are unique and refs lead somewhere is the
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
