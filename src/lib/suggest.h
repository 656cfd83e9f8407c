/* suggest.h - "did you mean": the names nearest to a mistyped one */
#ifndef CRM_SUGGEST_H
#define CRM_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Append to out the candidates (cands[0..n), or up to a NULL when n is
 * SIZE_MAX) nearest to word, each with prefix before it ("--" for options),
 * joined with " or ": those at the least edit distance (letters inserted,
 * deleted, changed, or two neighbours swapped; ASCII case ignored), when
 * that distance is small for the word's length (1 for up to 4 bytes, 2 up
 * to 8, 3 beyond). Returns false, appending nothing, when none is near. */
bool suggest(const char *word, const char *const *cands, size_t n, const char *prefix,
	     struct sb *out);

/* The same for a message: " (did you mean X?)" or "". The text is static,
 * valid until the next call. */
const char *suggest_hint(const char *word, const char *const *cands, size_t n,
			 const char *prefix);

#endif
