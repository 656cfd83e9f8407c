/* conflicts.h - conflicts.jsonl: what crm-merge could not merge, one JSON
 * object a line, until the user settles it */
#ifndef CRM_CONFLICTS_H
#define CRM_CONFLICTS_H

#include <stdbool.h>
#include <stddef.h>

#include "dir.h"

#define CONFLICTS "conflicts.jsonl"

/* Settle the conflicts that crm-add --merge of the customers ids[0..n)
 * resolves: the lines of one customer added on both sides
 * ({"file":"customers.csv","field":"email","id":A,"duplicate":B,...})
 * whose A and B are both among ids. They are taken out of conflicts.jsonl
 * of d (rewritten, or removed when no line is left); with dry nothing is
 * changed. Other lines, and lines that do not parse, are kept as they are.
 * The caller holds the lock. Returns the number of lines taken out (or
 * that would be), or -1 after reporting an error (the file as it was). */
long conflicts_settle_merge(const struct crm_dir *d, char *const *ids, size_t n, bool dry);

#endif
