/* reach.h - how often a customer may be contacted: crm.conf max_contacts
 * (N/DURATION), the outbound contacts of every channel together */
#ifndef CRM_REACH_H
#define CRM_REACH_H

#include <stdbool.h>
#include <stddef.h>

#include "dir.h"
#include "hmap.h"
#include "scan.h"

struct reach {
	long max;          /* contacts allowed in the window; 0: no cap */
	long long window;  /* seconds */
	char conf[64];     /* the setting as written, for messages */
	crm_time now;
	struct hmap ids;   /* customer -> index into count */
	long *count;
	size_t cap;
};

/* Read crm.conf's max_contacts (e.g. 4/30d: at most 4 outbound contacts in
 * 30 days; DURATION as date_span reads it) into r, counting up to now. A
 * bad value is fatal, naming crm.conf's line. Unset: no cap. */
void reach_init(struct reach *r, const struct crm_dir *d, crm_time now);
void reach_free(struct reach *r);

/* Count e when it is an outbound contact (a contact by dom_classify with
 * direction out: a mail or a text sent, a call out) within the window.
 * For a scan_history callback (one thread). */
void reach_event(struct reach *r, const struct event *e);

/* NULL when the customer id may be contacted once more, else why not
 * ("4 contacts in the last 30d (max_contacts 4/30d)"), written into buf. */
const char *reach_why(const struct reach *r, const char *id, char *buf, size_t n);

/* Count one contact more for id (made by this run). */
void reach_add(struct reach *r, const char *id);

#endif
