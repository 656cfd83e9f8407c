/* domain.h - the rules of crm's data, in one place: its vocabulary (types,
 * channels, stages, statuses, consent values), what an event means (a
 * contact, revenue, a deal's state) and how money converts between
 * currencies. Programs and checks ask here; none restates a rule. */
#ifndef CRM_DOMAIN_H
#define CRM_DOMAIN_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "dir.h"
#include "proj.h"
#include "util.h"

/* -- the vocabulary: NULL-terminated lists -- */

/* Interaction types: those a person logs, then the bookkeeping events
 * (void, merge, auto, campaign) that programs write. */
extern const char *const dom_types[];
/* The types a person may log with crm-log TYPE. */
extern const char *const dom_log_types[];
extern const char *const dom_channels[];
/* Stages of a customer (the stage column), in their order. */
extern const char *const dom_stages[];
/* Stages of a deal, in their order, and the chance to win each implies. */
extern const char *const dom_deal_stages[];
extern const int dom_deal_prob[];
/* Statuses of a ticket, of a message crm-mail sends; consent values. */
extern const char *const dom_ticket_statuses[];
extern const char *const dom_mail_statuses[];
extern const char *const dom_consents[];

/* The base currency when crm.conf sets none. */
#define DOM_CURRENCY "EUR"
/* The words programs write, each a member of a list above: consents, the
 * statuses of a mail crm-mail sends, the type of a call not answered. */
#define DOM_OPT_IN "opt-in"
#define DOM_OPT_OUT "opt-out"
#define DOM_PENDING "pending"
#define DOM_SENT "sent"
#define DOM_FAILED "failed"
#define DOM_MISSED "missed"

/* The index of s in the list, or -1. */
long dom_index(const char *const *list, const char *s);
/* True when s is in the list. */
bool dom_in(const char *const *list, const char *s);
/* The list joined by ", " (a static buffer: for messages). */
const char *dom_join(const char *const *list);

/* What to tell of a value s that is not in the list: " (did you mean
 * X?)" when one is near, else " (use one of: a, b, c)". Static text. */
const char *dom_hint(const char *s, const char *const *list);

/* True when a customer of this stage (the stage column) has left: churned,
 * or lost (the word of a lost deal, written as a customer's stage): such a
 * customer is not contacted unless asked for (--include-churned). */
bool dom_left(const char *stage);

/* The channel a type implies when none is given ("call" -> "phone"). */
const char *dom_default_channel(const char *type);

/* A new event of the history, its first fields in the order every writer
 * gives them: a new id, ts, customer (none when NULL), type, channel (the
 * type's own when NULL), direction (none when NULL) and by (the user). The
 * caller adds the others. */
json_t *dom_event(crm_time ts, const char *customer, const char *type, const char *channel,
		  const char *direction);

/* The direction s names, as stored: "in" for in, inbound, incoming (and
 * the same in Polish, Czech, Bulgarian and German: przychodzące, příchozí,
 * входящо, eingehend), "out" for out, outbound, outgoing (wychodzące,
 * odchozí, изходящо, ausgehend), in any case; NULL for anything else. */
const char *dom_direction(const char *s);

/* NULL when the fields of the interaction e go with its type, else why
 * not: a purchase or refund needs an amount, which goes with purchase,
 * refund and deal only; a survey needs a rating or a score, which go
 * with survey only; due goes with task; stage, probability and close go
 * with deal, which needs a stage. (crm-log says the same of its options,
 * in words of options.) */
const char *dom_fields_fit(const json_t *e);

/* -- what an event is -- */

/* Classes of an event, from its type and status (bits). */
enum {
	DOM_CONTACT = 1u << 0,  /* a contact with the customer: see dom_classify */
	DOM_PURCHASE = 1u << 1,
	DOM_REFUND = 1u << 2,
	DOM_TASK = 1u << 3,
	DOM_DONE = 1u << 4,
	DOM_DEAL = 1u << 5,
	DOM_SURVEY = 1u << 6,
	DOM_EMAIL = 1u << 7,
	DOM_UNSENT = 1u << 8,   /* a message crm-mail has not sent (pending) or could not (failed) */
	DOM_MERGE = 1u << 9,    /* the customer in ref is now this one */
	DOM_TICKET = 1u << 10,
	DOM_VOID = 1u << 11,
	DOM_INTERNAL = 1u << 12, /* task, done and the bookkeeping events */
	DOM_CAMPAIGN = 1u << 13  /* a campaign's own event (its cost): of no customer */
};

/* The classes of an event read by the projection reader. An event is a
 * contact unless it is internal (task, done, void, merge, auto), missed,
 * a bounce, or a message crm-mail wrote as pending or failed: a message
 * crm-mail sends is one contact, when it is sent. */
unsigned dom_classify(const struct proj *p);

/* -- money -- */

/* The exchange rates of crm.conf (rate.CUR = how much of the base currency
 * one CUR is worth), and the amounts left out for want of one. */
struct dom_rates {
	char base[4];        /* the currency money is shown in */
	int base_exp;
	char conf[4];        /* crm.conf's currency, the one the rates are to */
	size_t n;
	struct dom_rate {
		char cur[4];
		int exp;
		long long num; /* the rate is num / 10^scale */
		int scale;
	} *v;
	atomic_long *unrated; /* events left out, per currency (26^3 + 1 slots) */
};

/* The base currency: cur when not NULL (--currency), else crm.conf's
 * currency, else DOM_CURRENCY; and crm.conf's rate.CUR lines, which give
 * one CUR in crm.conf's currency (so that with --currency CZK an amount in
 * EUR is converted to crm.conf's currency with rate.EUR, then to CZK with
 * rate.CZK). A bad currency or rate is fatal, naming the option or
 * crm.conf's line. */
void dom_rates_load(struct dom_rates *r, const struct crm_dir *d, const char *cur);
void dom_rates_free(struct dom_rates *r);

/* amount, in minor units of the currency cur[0..n), in minor units of the
 * base currency: converted with the rate and rounded half away from zero.
 * False when cur has no rate: the event is counted as left out (safe from
 * several threads; not when r->unrated is NULL: a pass whose leftovers
 * are told by another) and *out is 0. */
bool dom_convert(const struct dom_rates *r, const char *cur, size_t n, long long amount,
		 long long *out);

/* True when some amount was left out; then *msg gets one line: "left out
 * 3 events in CZK and 1 in USD: no exchange rate to PLN (crm.conf:
 * rate.CZK = ...)". */
bool dom_rates_missing(const struct dom_rates *r, struct sb *msg);
/* Warn once (on standard error, as the program) about what was left out. */
void dom_rates_warn(const struct dom_rates *r);

/* -- a campaign's cost -- */

struct event;

/* The cost a campaign event records (type campaign, written by crm-mail
 * --cost, or by hand): its campaign in *name (n bytes, pointing into the
 * event's line) and its cost, the key "cost" in minor units of the key
 * "currency" (cur, 4 bytes). False when e is no campaign event or states
 * no cost; a campaign's cost is that of its latest event that states one. */
bool dom_campaign_cost(const struct event *e, char *name, size_t namesz, long long *minor,
		       char *cur);

/* -- a deal's state -- */

/* A deal is its events folded in order: each field is what the latest
 * event that states it says (a later stage change inherits the amount,
 * currency, probability and close date it does not restate). */
struct dom_deal {
	crm_time ts;              /* the latest event */
	crm_time t_stage, t_amount, t_prob, t_close;
	char stage[16], cur[4];
	long long amount, prob;
	crm_time close;
	bool has_close;
};

/* A deal with no event yet. */
void dom_deal_init(struct dom_deal *d);
/* Fold a deal event at time ts (its fields in p) into d. Events may come
 * in any order; of two at the same time, the one folded later wins. */
void dom_deal_fold(struct dom_deal *d, const struct proj *p, crm_time ts);
/* True when the deal is still open (neither won nor lost). */
bool dom_deal_open(const struct dom_deal *d);

/* -- a ticket's state -- */

/* The priorities of a ticket, from the lowest; one opened without one is
 * normal. */
extern const char *const dom_ticket_priorities[];
#define DOM_PRIORITY "normal"

/* A ticket is its events folded as a deal's are: the first (without ref)
 * opens it, with its subject; each later one (type ticket, ref the first's
 * id) may restate status, priority and owner, and is a reply. Status is
 * open until an event says otherwise; a missing priority is normal. */
struct dom_ticket {
	crm_time opened;           /* the event without ref; INT64_MIN: not seen */
	crm_time ts;               /* the latest event */
	crm_time t_status, t_priority, t_owner;
	crm_time reply;            /* the latest event after the first; INT64_MIN: none */
	char status[16], priority[16], owner[64], subject[160];
};

/* A ticket with no event yet. */
void dom_ticket_init(struct dom_ticket *t);
/* Fold a ticket event at time ts (its fields in p) into t; events may
 * come in any order (of two at the same time, the later folded wins). The
 * subject is the opening event's subject, else its text. */
void dom_ticket_fold(struct dom_ticket *t, const struct proj *p, crm_time ts);
/* Fold the ticket b (of the same id, from another stretch of the history)
 * into a. */
void dom_ticket_join(struct dom_ticket *a, const struct dom_ticket *b);
/* True when the ticket is still open: its status neither solved nor
 * closed. */
bool dom_ticket_open(const struct dom_ticket *t);

/* The service level of a priority: crm.conf sla.PRIORITY (a duration, as
 * 4h, 2d, 90m), in seconds; 0 when crm.conf sets none. A bad value is
 * fatal, naming crm.conf's line. */
long long dom_sla(const struct crm_dir *d, const char *priority);
/* True when the open ticket t has been open longer than sla seconds (0:
 * no service level, never) at now. */
bool dom_ticket_breached(const struct dom_ticket *t, long long sla, crm_time now);

#endif
