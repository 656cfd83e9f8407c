/* tags.h - the tags of a customer: a ';'-separated list */
#ifndef CRM_TAGS_H
#define CRM_TAGS_H

#include "util.h"

/* Add the tags of add (separated by ';' or ',') to the ';'-list in out,
 * after those already there: each is trimmed of spaces, and empty ones and
 * ones already present (compared ignoring case, Unicode-aware) are dropped.
 * A '+' before a tag of add says "add" (tags=+fair-2026) and is dropped.
 * The tags already in out are cleaned the same way. */
void tags_merge(struct sb *out, const char *add);

/* Take the tags of remove (separated by ';' or ',', trimmed, compared
 * ignoring case as tags_merge compares) out of the ';'-list in out; the
 * tags left are cleaned as tags_merge cleans them. */
void tags_remove(struct sb *out, const char *remove);

#endif
