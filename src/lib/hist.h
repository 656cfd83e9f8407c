/* hist.h - reading the history (interactions.jsonl) whole or as a stream */
#ifndef CRM_HIST_H
#define CRM_HIST_H

#include <jansson.h>
#include <stdbool.h>

#include "dir.h"
#include "jsonl.h"

/* The interaction types and channels of DESIGN.md. */
extern const char *const hist_types[];
extern const char *const hist_channels[];
/* True when s is in the NULL-terminated list. */
bool in_list(const char *const *list, const char *s);

/* One line of the history: its parsed object, its bytes and line number. */
struct hline {
	json_t *obj;   /* NULL for a line that did not parse (kept as bytes) */
	char *text;    /* the line as read, without its LF */
	size_t len;
	long line;
};

struct hist {
	struct hline *v;
	size_t n, cap;
};

/* Read the whole history of d. Bad lines are reported as file:line and kept
 * as bytes only (obj NULL); with strict they are fatal. A missing file is an
 * empty history. Returns 0, or -1 on an error (reported). */
int hist_load(struct hist *h, const struct crm_dir *d, bool strict);
void hist_free(struct hist *h);

/* Open the history for reading object by object with jsonl_next; NULL when
 * there is none yet (not an error), or dies on an error. */
struct linein *hist_open(const struct crm_dir *d);

/* Write the history h to out as the new file of a rewrite, with the lines
 * of the customers ids[0..n) dropped (to NULL: erasure) or pointed at the
 * customer to (a merge). Every other line is copied byte for byte; in a
 * line pointed elsewhere only the value of "customer" changes. Lines that
 * did not parse are copied as they are. When counts is not NULL, counts[i]
 * gets the number of lines of ids[i]. Returns the number of lines dropped
 * or changed. */
size_t hist_remap(const struct hist *h, char *const *ids, size_t n, const char *to,
		  struct sb *out, size_t *counts);

#endif
