/* current.h - the deals and tickets of a history in their current state,
 * for the listings that show each once (crm-log -l --current, crm-find -i
 * --current) instead of every event. The state of each is the fold of
 * domain.h (dom_deal_fold, dom_ticket_fold): the one rule. */
#ifndef CRM_CURRENT_H
#define CRM_CURRENT_H

#include <jansson.h>
#include <stdbool.h>

#include "dir.h"

struct current;

/* Read the history of d once, folding the events of each deal and ticket
 * by its first event (the one without ref). Bad lines are reported and
 * skipped (with strict: NULL). */
struct current *current_load(const struct crm_dir *d, bool strict);
void current_free(struct current *c);

/* The event o as a listing of current states shows it: false when it is
 * a later event of a deal or ticket (one with ref), which is left out;
 * else true, and when o is a deal's or ticket's first event its fields
 * are made the current ones (deal: stage, probability, amount, currency,
 * close; ticket: status, priority, owner) and "updated" gets the time of
 * its latest event. */
bool current_view(const struct current *c, json_t *o);

#endif
