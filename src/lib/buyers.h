/* buyers.h - each customer's purchases gathered from the history, as the
 * models of predict.h take them */
#ifndef CRM_BUYERS_H
#define CRM_BUYERS_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "dir.h"
#include "domain.h"
#include "hmap.h"
#include "predict.h"

struct buyers {
	struct predict_cust *c; /* the customers with a purchase, in days and major units */
	size_t n;
	struct hmap ids;        /* every customer id met */
	long *at;               /* id index -> place in c, or -1 */
};

/* Read the history of d and describe every customer who made a purchase
 * up to asof (events without a time, or after asof, do not count; what a
 * purchase and a refund are is dom_classify's):
 *   - purchases are counted per distinct day (days as date_day counts
 *     them, in the zone), in any currency; the first day starts the
 *     customer, x is the number of later days;
 *   - t_x and T are whole days from the first day to the last and to
 *     the day of asof;
 *   - a day's value is the sum of its purchases in the base currency of
 *     rates (converted by dom_convert) when each of them has an amount and
 *     a rate (else it is not known); refunds are taken from the customer's
 *     purchases in proportion: each value is multiplied by 1 - refunds /
 *     purchases (at least 0), both summed in the base currency up to
 *     asof; m is the mean value of the repeat days whose value is known,
 *     nm their number; values in major units of the base currency.
 * Amounts without a rate are counted in rates, as dom_convert does, for
 * dom_rates_warn. Merge records are not followed (for now: an event
 * counts for the customer it names). Bad lines are reported and skipped
 * (with strict, the first is an error). Returns 0, or -1 when the history
 * could not be read through or strict failed (b is then empty, to be
 * freed all the same). */
int buyers_load(struct buyers *b, const struct crm_dir *d, const struct dom_rates *rates,
		crm_time asof, bool strict);

/* The figures of the customer with this id, or NULL when it made no
 * purchase up to asof. */
const struct predict_cust *buyers_get(const struct buyers *b, const char *id, size_t n);

void buyers_free(struct buyers *b);

#endif
