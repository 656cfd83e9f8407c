/* scan.h - one pass over the history through the projection reader */
#ifndef CRM_SCAN_H
#define CRM_SCAN_H

#include <stdbool.h>

#include "date.h"
#include "dir.h"
#include "proj.h"

/* An event as the reports see it. */
struct event {
	const struct proj *p;
	crm_time ts;
	bool has_ts;
};

/* Call fn for every line of the history of d that parses (bad lines are
 * reported as file:line and skipped; with strict the scan stops). Returns
 * 0, or -1 when strict stopped it or the file could not be read. */
int scan_history(const struct crm_dir *d, bool strict, void (*fn)(const struct event *, void *),
		 void *ctx);

/* True when the string field v equals s. */
bool pv_is(const struct pval *v, const char *s);
/* A copy of a string field into buf (size n), "" when absent. */
const char *pv_str(const struct pval *v, char *buf, size_t n);

#endif
