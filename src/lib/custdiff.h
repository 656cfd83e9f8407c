/* custdiff.h - what changed between two versions of customers.csv,
 * customer by customer and field by field (crm-diff, the changes of a
 * git history) */
#ifndef CRM_CUSTDIFF_H
#define CRM_CUSTDIFF_H

#include <stddef.h>

#include "cust.h"

/* A value: bytes that are not NUL-terminated. */
struct cdval {
	const char *s;
	size_t n;
};

/* One field that changed: its column, the old and the new value (a
 * column a version lacks reads as empty). */
struct cdfield {
	const char *col;
	struct cdval from, to;
};

enum cdkind { CD_ADDED, CD_REMOVED, CD_CHANGED };

struct cdchange {
	enum cdkind kind;
	struct cdval id, name;   /* name: in the new version, else the old */
	const struct cdfield *f; /* CD_CHANGED: the fields that differ, in column order */
	size_t nf;
};

typedef void custdiff_fn(void *ctx, const struct cdchange *c);

/* Compare the old version a with the new version b and call fn for each
 * customer that b adds (CD_ADDED) or changes (CD_CHANGED), in the order of
 * b, then for each that b removes (CD_REMOVED), in the order of a.
 * Customers are matched by id; a row without an id, or after the first of
 * its id, is matched by its bytes (so it is added or removed, never
 * changed). The fields are compared over the columns of b and then those
 * only a has; a row in the same bytes under the same header is not parsed.
 * What fn is given lives until it returns. */
void custdiff(struct cindex *a, struct cindex *b, custdiff_fn *fn, void *ctx);

#endif
