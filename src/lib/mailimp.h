/* mailimp.h - importing mail (mbox files, Maildirs) into the history */
#ifndef CRM_MAILIMP_H
#define CRM_MAILIMP_H

#include <stdbool.h>
#include <stddef.h>

#include "dir.h"

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

#endif
