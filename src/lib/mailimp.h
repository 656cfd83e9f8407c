/* mailimp.h - importing mail (mbox files, Maildirs) into the history */
#ifndef CRM_MAILIMP_H
#define CRM_MAILIMP_H

#include <stdbool.h>
#include <stddef.h>

#include "dir.h"
#include "hmap.h"

struct mailimp_opts {
	bool dry_run;   /* print the records as JSONL, change nothing */
	bool new_leads; /* add unknown senders of inbound mail as leads */
	bool strict;    /* a bad line of the history is fatal */
};

/* Log every message of paths (mbox files or Maildirs) that names a
 * customer of d in From, To or Cc as an email interaction of each such
 * customer, skipping those whose message id the customer's history already
 * has. Takes the lock; appends all records with one write (customers.csv
 * is rewritten first when leads were added). A malformed message is
 * reported and skipped. Prints a summary on stderr. Returns CRM_OK, or
 * CRM_ERR when a path could not be read or the files not written (what
 * could be read is imported all the same). */
int mail_import(struct crm_dir *d, char *const *paths, size_t n, const struct mailimp_opts *o);

/* The addresses that bounced: those of the bounce interactions of a
 * history (their "email"), which crm-mail does not mail again. */
struct bounces {
	struct hmap addr; /* the address, lower-cased -> index into why */
	char **why;       /* "it bounced on 2026-11-21 (5.1.1)", of the latest */
	size_t cap;
};

/* Read the bounces of the history of d into b. Lines that cannot be read
 * are left out quietly (the caller's own pass over the history reports
 * them). Returns 0, or -1 when the history cannot be read (reported). */
int bounces_load(struct bounces *b, const struct crm_dir *d);
/* Why the address must not be mailed, or NULL when it never bounced. */
const char *bounces_why(const struct bounces *b, const char *email);
void bounces_free(struct bounces *b);

#endif
