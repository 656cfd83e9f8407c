/* tickets.c - the tickets still open: their age, owner, last reply and
 * whether they are past the service level of their priority */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct trow {
	struct ticket_view v;
	const struct cinfo *ci;
	long prio;      /* index in dom_ticket_priorities, -1 unknown */
	bool breached;
	long long sla;  /* seconds, 0: none */
};

static int by_urgency(const void *a, const void *b)
{
	const struct trow *x = a, *y = b;
	if (x->breached != y->breached)
		return x->breached ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	if (x->v.t->opened != y->v.t->opened)
		return x->v.t->opened < y->v.t->opened ? -1 : 1;
	size_t n = x->v.idn < y->v.idn ? x->v.idn : y->v.idn;
	int c = memcmp(x->v.id, y->v.id, n);
	return c ? c : (x->v.idn > y->v.idn) - (x->v.idn < y->v.idn);
}

void report_tickets(struct rctx *x, struct table *t)
{
	struct derive_opts o = { .mask = 1u << D_OPEN_TICKETS, .tickets = true, .since = INT64_MIN,
				 .until = x->until, .rates = &x->rates, .strict = x->strict };
	struct derive *dv = derive_load(&x->d, &o);
	if (!dv)
		exit(CRM_ERR);
	static const char *const c[] = { "id", "customer", "name", "subject", "priority", "status",
					 "opened", "age_h", "owner", "last_reply", "sla", NULL };
	table_cols(t, c, "sssssssnsss");
	long long sla[8] = { 0 };
	for (size_t i = 0; dom_ticket_priorities[i]; i++)
		sla[i] = dom_sla(&x->d, dom_ticket_priorities[i]);
	/* the age is counted at the report's end: --until, else now */
	crm_time end = x->until;
	struct trow *v = NULL;
	size_t n = 0, cap = 0, pos = 0;
	struct ticket_view tv;
	while (derive_ticket(dv, &pos, &tv)) {
		if (!dom_ticket_open(tv.t))
			continue;
		struct pval id = { tv.customer, tv.customern, 's' };
		const struct cinfo *ci = customer_of(x, &id);
		if (x->scoped && !ci)
			continue;
		void *p = v;
		xgrow(&p, &cap, n + 1, sizeof *v);
		v = p;
		long pi = dom_index(dom_ticket_priorities, tv.t->priority);
		long long s = pi >= 0 ? sla[pi] : 0;
		v[n++] = (struct trow){ tv, ci, pi, dom_ticket_breached(tv.t, s, end), s };
	}
	if (n) /* qsort wants an array, even of nothing */
		qsort(v, n, sizeof *v, by_urgency);
	for (size_t i = 0; i < n; i++) {
		const struct dom_ticket *k = v[i].v.t;
		struct rec *r = table_row(t);
		char *id = xstrndup(v[i].v.id, v[i].v.idn), *cust = xstrndup(v[i].v.customer, v[i].v.customern);
		cell_str(r, id);
		cell_str(r, cust);
		cell_str(r, v[i].ci ? v[i].ci->name : "");
		cell_str(r, k->subject);
		cell_str(r, k->priority);
		cell_str(r, k->status);
		if (k->opened == INT64_MIN) { /* its opening event is not in the history */
			cell_str(r, "");
			cell_str(r, "");
		} else {
			cell_time(r, k->opened);
			cell_num(r, (end - k->opened) / 3600);
		}
		/* the ticket's owner, else the customer's */
		cell_str(r, *k->owner ? k->owner : v[i].ci ? v[i].ci->owner : "");
		if (k->reply == INT64_MIN)
			cell_str(r, "");
		else
			cell_time(r, k->reply);
		cell_str(r, v[i].breached ? "breached" : v[i].sla ? "ok" : "");
		free(id);
		free(cust);
	}
	free(v);
	derive_free(dv);
}
