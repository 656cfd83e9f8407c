/* voids.h - corrections. crm-log --void ID appends a void event
 * ({"type":"void","ref":ID}) that cancels the event ID, as a ledger
 * corrects a wrong entry by another rather than by erasing it. The one
 * rule every reader follows (the scans of scan.h, and through them the
 * derived fields, the reports, crm-segment, crm-check's references; crm-log
 * -l, crm-find -i): an event whose id a void names is not read. A void
 * of a void event cancels nothing (a wrong correction is put right by
 * logging the event again); the void event itself is bookkeeping, never a
 * contact. */
#ifndef CRM_VOIDS_H
#define CRM_VOIDS_H

#include <stdbool.h>
#include <stddef.h>

#include "dir.h"
#include "hmap.h"
#include "merges.h"
#include "proj.h"

/* The events voided. Zeroed: none. */
struct voids {
	struct hmap refs;  /* the ids voided */
	struct hmap own;   /* the ids of the void events themselves */
};

/* Note the line read into p when it is a void event (its type "void", its
 * ref a non-empty string); true when it is one. */
bool voids_note(struct voids *v, const struct proj *p);

/* Whether the event with this id (n bytes) is voided. */
bool voids_has(const struct voids *v, const char *id, size_t n);

/* The voids of d, and its merge records, read in one pass a process (that
 * parses only the lines holding the word void or merge, or an escape that
 * could spell it) and kept: what the scans and merges_load consult. Lines
 * that do not parse are skipped silently (the reader's own pass reports
 * them). A missing history has none, and so has one that is not a regular
 * file (a named pipe can be read only once: by the reader). NULL after a
 * read error (reported). */
const struct voids *voids_of(const struct crm_dir *d);
const struct merges *voids_merges_of(const struct crm_dir *d);

/* Add the voids of another stretch of the history to v. */
void voids_join(struct voids *v, const struct voids *other);

void voids_free(struct voids *v);

#endif
