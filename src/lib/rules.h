/* rules.h - segments.conf: named rules, one "NAME: EXPR" a line */
#ifndef CRM_RULES_H
#define CRM_RULES_H

#include <stddef.h>

#include "date.h"
#include "expr.h"

struct rule {
	char *name;
	struct expr *e;
	long line; /* where it is in the file */
};

/* Where a rules file went wrong: the line, the column (0 when the message
 * is about the whole line) and the reason. */
struct rules_err {
	long line, col;
	char msg[2048];
};

/* Parse rules held in memory (text[0..n); # comments and blank lines are
 * skipped, a NUL byte ends its line), the expressions against sc with now
 * anchoring relative dates. Returns 0 with a new array in *out (*nout
 * rules, perhaps none), or -1 with *err filled and nothing allocated. */
int rules_parse(const char *text, size_t n, const struct schema *sc, crm_time now,
		struct rule **out, size_t *nout, struct rules_err *err);
void rules_free(struct rule *v, size_t n);

/* Called for each bad line by rules_check, with its line, column and
 * reason as rules_parse gives them. */
typedef void rules_fn(void *ctx, const struct rules_err *err);

/* Check rules as rules_parse reads them, but report every bad line through
 * fn (NULL: only count them) instead of stopping at the first, and keep
 * nothing: *nrules gets the number of good rules. Returns the number of
 * bad lines. */
size_t rules_check(const char *text, size_t n, const struct schema *sc, crm_time now,
		   size_t *nrules, rules_fn *fn, void *ctx);

#endif
