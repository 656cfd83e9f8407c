/* derive.h - fields derived from the history, per customer */
#ifndef CRM_DERIVE_H
#define CRM_DERIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dir.h"
#include "expr.h"

enum dfield {
	D_LAST_CONTACT, D_FIRST_CONTACT, D_CONTACTS, D_LAST_PURCHASE, D_PURCHASES, D_REVENUE,
	D_AVG_RATING, D_OPEN_TASKS, D_LAST_CAMPAIGN, D_N,
	D_ORDERS = D_N /* purchases in the default currency: not a field of the language */
};

/* Names and kinds of the derived fields, in enum order. */
extern const struct field derive_fields[D_N];

struct derive;

/* Read the history of d once, computing the fields whose bit (1 << field)
 * is in mask, from the events up to asof (DERIVE_ALL for every one).
 * revenue counts amounts in currency only. Bad lines are reported and
 * skipped (fatal with strict: then NULL); a file that cannot be read through
 * (a read error, a line of zeros) gives NULL always. */
#define DERIVE_ALL INT64_MAX
struct derive *derive_load(const struct crm_dir *d, const char *currency, unsigned mask,
			   bool strict, crm_time asof);
void derive_free(struct derive *dv);

/* Field f of the customer with this id, written into buf (32 bytes at
 * least); returns the text and its length in *len (0: no value). */
const char *derive_get(const struct derive *dv, const char *id, size_t idlen, enum dfield f,
		       char *buf, size_t *len);

#endif
