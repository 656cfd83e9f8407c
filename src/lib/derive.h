/* derive.h - the figures of each customer's history: the one aggregation
 * behind the derived fields of the expression language (revenue,
 * last_contact, ...) and every report that needs figures per customer (top,
 * owners, followups, RFM), so that no two programs count differently */
#ifndef CRM_DERIVE_H
#define CRM_DERIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dir.h"
#include "domain.h"
#include "expr.h"

/* The derived fields of the expression language. */
enum dfield {
	D_LAST_CONTACT, D_FIRST_CONTACT, D_CONTACTS, D_LAST_PURCHASE, D_PURCHASES, D_REVENUE,
	D_AVG_RATING, D_OPEN_TASKS, D_LAST_CAMPAIGN, D_OPEN_TICKETS, D_N
};

/* Names and kinds of the derived fields, in enum order. */
extern const struct field derive_fields[D_N];

/* A customer's figures, from the events of the window (see derive_opts). */
struct figures {
	crm_time last_contact, first_contact, last_purchase; /* INT64_MIN: none */
	crm_time campaign_ts; /* the latest campaign mail sent, and its campaign */
	long long revenue;    /* purchases less refunds, minor units of the base currency */
	long long rating_sum; /* of the survey ratings 1-5 */
	/* counts of one customer's events: 32 bits are plenty, and a
	 * customer's figures are held for every customer of the history */
	int32_t contacts, purchases, open_tasks, open_tickets, ratings;
	int32_t orders;       /* purchases whose amount is in revenue (converted) */
	uint32_t campaign;
	bool has_revenue;     /* some purchase or refund was counted */
	bool gone;            /* merged into another customer: its figures are there */
};

/* What to gather. */
struct derive_opts {
	unsigned mask;                 /* bits 1 << D_...: the fields asked for; 0 for all */
	bool tasks;                    /* keep the open tasks (derive_task) */
	bool tickets;                  /* keep the tickets (derive_ticket) */
	crm_time since, until;         /* the window: events from since to until (inclusive) */
	const struct dom_rates *rates; /* to convert amounts into the base currency */
	bool strict;
	/* The caller only looks customers up (derive_of, derive_of_many,
	 * derive_get: no derive_walk, tasks or tickets), reads only the
	 * fields of mask, and is done with one customer's figures before it
	 * looks up the next. They are then kept in less memory. */
	bool lookups;
};

struct derive;

/* Read the history of d once, gathering every customer's figures from the
 * events in the window (a history line without a time is in no window).
 * A merge record (crm-add --merge) makes the figures of the customer it
 * names in ref count for the customer it is of. Bad lines are reported and
 * skipped (fatal with strict: then NULL); a file that cannot be read
 * through (a read error, a line of zeros) gives NULL always. */
struct derive *derive_load(const struct crm_dir *d, const struct derive_opts *o);
void derive_free(struct derive *dv);

/* The figures of the customer with this id, or NULL when it has none.
 * With opts.lookups, they hold until the next lookup. */
const struct figures *derive_of(const struct derive *dv, const char *id, size_t n);
/* The figures of k customers at once: f[i] those of id[i] (n[i] bytes), as
 * derive_of gives them, perhaps put together in room[i] (k of them). For
 * a caller with many ids in a row: the memory of each is asked for before
 * it is read, so the misses overlap. */
void derive_of_many(const struct derive *dv, const char *const *id, const size_t *n, size_t k,
		    const struct figures **f, struct figures *room);
/* Every customer with figures, in no order: *pos starts at 0; false at
 * the end. Customers merged into others are skipped. Not with
 * opts.lookups. */
bool derive_walk(const struct derive *dv, size_t *pos, const char **id, size_t *n,
		 const struct figures **f);
/* The name of a customer's last campaign. */
const char *derive_campaign(const struct derive *dv, const struct figures *f, size_t *n);

/* An open task: a task no done event closed. */
struct open_task {
	const char *id, *customer, *text; /* text: the task's text, else its subject */
	size_t idn, customern, textn;
	crm_time due;                     /* INT64_MIN: no due date */
};
/* The open tasks (with opts.tasks), in no order: *pos starts at 0. */
bool derive_task(const struct derive *dv, size_t *pos, struct open_task *t);

/* A ticket: its id (the opening event's), customer (the one it is now)
 * and state (domain.h: the one fold of a ticket's events). */
struct ticket_view {
	const char *id, *customer;
	size_t idn, customern;
	const struct dom_ticket *t;
};
/* The tickets (with opts.tickets), open or not, in no order: *pos starts
 * at 0. A ticket whose opening event is not in the history is left out. */
bool derive_ticket(const struct derive *dv, size_t *pos, struct ticket_view *t);

/* Field f of the customer with this id as a person reads it, written into
 * buf (40 bytes at least): times as stored, revenue in major units of the
 * base currency ("5817.29"), the mean rating to two decimals. Returns the
 * text and its length in *len (0: no value). */
const char *derive_get(const struct derive *dv, const char *id, size_t idlen, enum dfield f,
		       char *buf, size_t *len);

#endif
