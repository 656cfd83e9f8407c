/* merges.h - who a customer is now. crm-add --merge KEEP DROP leaves a merge
 * record in the history ({"customer":KEEP,"type":"merge","ref":DROP}); a
 * line another clone logged on DROP before it saw the merge is KEEP's. The
 * one rule every reader follows (the derived fields, crm-log -l, crm-find
 * -i, crm-report): an id is followed from merge record to merge record to
 * the customer at the end of the chain. */
#ifndef CRM_MERGES_H
#define CRM_MERGES_H

#include <stdbool.h>
#include <stddef.h>

#include "dir.h"
#include "hmap.h"
#include "proj.h"
#include "util.h"

/* The merge records read: each merged-away id (DROP) and the id it was
 * merged into (KEEP). Zeroed: none. */
struct merges {
	struct hmap from; /* DROP -> index */
	size_t *to;       /* per index: the offset of its KEEP in keeps */
	size_t cap;
	struct sb keeps;  /* KEEPs, each ended by a NUL */
};

/* Note the record that drop (dn bytes) was merged into keep (kn bytes).
 * Records are noted in the order of the file: a later record of the same
 * drop (a customer merged, brought back by a git merge, merged again)
 * replaces the earlier; a record of an id into itself is none. */
void merges_add(struct merges *m, const char *keep, size_t kn, const char *drop, size_t dn);

/* Note the line read into p when it is a merge record (its type "merge",
 * its customer and ref non-empty strings); true when it is one. */
bool merges_note(struct merges *m, const struct proj *p);

/* Add the records of later (read from a later stretch of the file) to m. */
void merges_join(struct merges *m, const struct merges *later);

/* The customer id (n bytes) is now: the KEEP at the end of its chain of
 * merge records (a loop of records ends where it closes), else id itself.
 * *len gets its length. The text holds until the next merges_add. */
const char *merges_now(const struct merges *m, const char *id, size_t n, size_t *len);

/* Whether id (n bytes) is now keep (kn bytes). */
bool merges_is(const struct merges *m, const char *id, size_t n, const char *keep, size_t kn);

/* The ids merged into keep, directly or through others (keep itself not
 * among them), as new strings in a new array (free_strv); *n gets their
 * number. */
char **merges_into(const struct merges *m, const char *keep, size_t *n);

/* Add the merge records of d's history to m: read in one pass with its
 * voids (voids_merges_of), which parses only the lines holding the word
 * merge or void (or an escape that could spell them): about the cost of
 * grep, in memory for the records only, once a process. Lines that do not
 * parse are skipped silently (the reader's own pass reports them). A
 * missing history has none, and so has one that is not a regular file (a
 * named pipe can be read only once: by the reader). Returns 0, or -1 after reporting a read error. */
int merges_load(struct merges *m, const struct crm_dir *d);

void merges_free(struct merges *m);

#endif
