/* gitchanges.h - the changes of customer fields that the git history of a
 * CRM directory holds, commit by commit: who changed a consent or a stage,
 * and when (the rows of crm-report changes) */
#ifndef CRM_GITCHANGES_H
#define CRM_GITCHANGES_H

#include "date.h"
#include "dir.h"

/* One field of one customer changed by one commit. */
struct gitchange {
	const char *when;   /* the commit's author time, YYYY-MM-DDThh:mm:ssZ */
	const char *who;    /* its author's name */
	const char *commit; /* its hash */
	const char *id;     /* the customer */
	const char *name;   /* ... by the name the commit left (or found, when it removed it) */
	const char *field;
	const char *from, *to; /* "" for a customer the commit added */
};

typedef void gitchange_fn(void *ctx, const struct gitchange *c);

/* Walk the commits that changed customers.csv of d (in the git repository
 * d is in), authored at since or later (INT64_MIN: all), in the order of
 * their author times (git's among equal ones), and call fn for
 * each change of a field named in fields (NULL-terminated) by each: a value
 * that differs from the one before the commit, a customer the commit added
 * counting as one whose fields were empty (a customer removed is not a
 * change of a field). A merge commit counts only for a value that differs
 * from every parent's: one its author settled by hand. A version that does
 * not parse is reported and its commit skipped. What fn is given lives until
 * it returns. Returns 0, or -1 after reporting why git could not be read
 * (not a repository). */
int gitchanges(const struct crm_dir *d, crm_time since, const char *const *fields,
	       gitchange_fn *fn, void *ctx);

#endif
