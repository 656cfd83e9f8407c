/* colmap.h - --map SRC=DST: reading an input column under another name */
#ifndef CRM_COLMAP_H
#define CRM_COLMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The mappings in the order given. The strings are the caller's (argv). */
struct colmap {
	const char **arg;
	size_t n, cap;
};

/* Add one SRC=DST. Returns false, adding nothing, when arg has no '=' or
 * an empty SRC (DST may be empty: the column is then dropped). */
bool colmap_add(struct colmap *m, const char *arg);

/* The name under which the input column col is read: each mapping is
 * applied in turn, so a later one may rename what an earlier one made.
 * Returns col itself, or a pointer into a mapping ("" drops the column). */
const char *colmap_name(const struct colmap *m, const char *col);

/* True when the source column of every mapping is one of the names
 * h[0..n) (or is made by an earlier mapping); else false, with the first
 * that is not and the columns there are in *why (appended): "--map
 * 'Mail=email': no column 'Mail' (the columns: id, name, E-mail)". */
bool colmap_check(const struct colmap *m, char *const *h, size_t n, struct sb *why);

void colmap_free(struct colmap *m);

#endif
