/* rules.h - segments.conf: named rules, one "NAME: EXPR" a line */
#ifndef CRM_RULES_H
#define CRM_RULES_H

#include <stddef.h>

#include "date.h"
#include "expr.h"

struct rule {
	char *name;
	struct expr *e;
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

#endif
