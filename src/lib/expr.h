/* expr.h - the expression language of --where and segments.conf */
#ifndef CRM_EXPR_H
#define CRM_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"

/* The fields an expression may name: each has a name and a kind. The
 * caller numbers them; the evaluator asks for values by that number. */
enum field_kind { FK_TEXT, FK_NUMBER, FK_DATE, FK_LIST };

struct field {
	const char *name;
	enum field_kind kind;
};

struct schema {
	const struct field *v;
	size_t n;
	bool fold; /* = and != also ignore diacritics (crm-find -a): krakow is Kraków */
};

struct expr;

/* The limits of an expression: brackets and nots nested at most
 * EXPR_MAX_DEPTH deep, at most EXPR_MAX_TESTS tests in all. Generous for
 * people; what passes them is an error, never a crash of a stack. */
#define EXPR_MAX_DEPTH 256
#define EXPR_MAX_TESTS 100000

/* Parse text against the schema. On an error returns NULL and writes
 * "COL: message" into err (COL is the 1-based character column), e.g.
 * "14: expected a value after '>'"; an unknown field lists the known ones,
 * an expression past the limits gives "too deeply nested (...)" or "too
 * long (...)" at the token that passes them. now anchors relative dates
 * (-30d, today). */
struct expr *expr_parse(const char *text, const struct schema *s, crm_time now, char *err,
			size_t err_size);
void expr_free(struct expr *e);

/* Mark in used[] (schema-sized) every field the expression names. */
void expr_fields(const struct expr *e, bool *used);

/* Get the value of field i for the record being tested: a string (may be
 * empty: then every comparison with it is false) and its length. */
typedef const char *(*expr_get)(void *ctx, size_t field, size_t *len);

/* Evaluate e for one record. When a test cannot be decided (PCRE2 gave up
 * on a regular expression: its match or depth limit, see re.h) the answer
 * is false and *err says why, naming the test as written ("name~/(a+)+$/:
 * the regular expression gave up: match limit exceeded", a buffer of the
 * thread's own, valid until the next evaluation); else *err is NULL. The
 * caller must not take such a false for an answer: it is an error about
 * the record. */
bool expr_eval(const struct expr *e, expr_get get, void *ctx, const char **err);

/* Whether e can still hold for a record of which only the fields marked in
 * avail[] are known (get is asked for those only): false means it cannot,
 * whatever the other fields hold. *err as for expr_eval. */
bool expr_may_match(const struct expr *e, const bool *avail, expr_get get, void *ctx,
		    const char **err);

/* A literal that every matching record must contain (compared without case),
 * for searching the raw bytes before parsing: the longest value of an '='
 * test that the expression needs whatever else holds, or NULL. The caller
 * must not use it on fields in not_raw[] (derived ones). */
const char *expr_required_literal(const struct expr *e, const bool *not_raw);

/* Compare two field values for sorting: numbers as numbers, dates as dates,
 * else text without case; empty values sort last. */
int value_cmp(const char *a, const char *b);

#endif
