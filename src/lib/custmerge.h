/* custmerge.h - merging duplicate customers into one row */
#ifndef CRM_CUSTMERGE_H
#define CRM_CUSTMERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "cust.h"

/* Merge the rows drop[0..n) of t into the row keep (none of them equal to
 * keep, each at most once): every empty field of keep (but id, tags,
 * created and updated) takes the first non-empty value of the dropped rows
 * in the order given; tags become the union of all the rows' tags in that
 * order; created becomes the earliest of the rows'; updated becomes now.
 * The dropped rows are marked gone. For each filled field a line
 * "  COL: 'VALUE' from ID" is appended to log, and for each value of a
 * dropped row that differs from the one kept, a line saying it is dropped;
 * tags and created show the old and the new value. */
void cust_merge(struct ctable *t, long keep, const long *drop, size_t n, const char *now,
		struct sb *log);

/* Whether a merge fills the field col, holding have, with the value v of
 * a customer merged in: when it is empty and v is not, for every column
 * but id, tags, created and updated (tags are joined with tags_merge). */
bool cust_merge_fills(const char *col, const char *have, const char *v);

#endif
