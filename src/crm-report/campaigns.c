/* campaigns.c - each campaign's recipients, who answered or bought within
 * the window after the mail, and what they bought */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

/* A mail of a campaign to a customer; a customer's sends are a list. */
struct send {
	size_t campaign;
	crm_time ts;
	size_t next; /* the customer's next send + 1, 0 at the end */
};

struct camp {
	long long recipients, responders, revenue; /* revenue in the base currency */
};

/* A campaign's cost: its latest campaign event that states one. */
struct cost {
	crm_time ts;
	long long minor;
	char cur[4];
};

struct campctx {
	struct rctx *x;
	struct hmap camps, custs;
	struct camp *c;
	size_t ccap;
	struct send *s;
	size_t ns, scap;
	size_t *first; /* per customer: its first send + 1 */
	size_t fcap;
	struct hmap responded; /* "campaign\x1fcustomer" counted once */
	struct keyed costs;    /* campaign -> struct cost */
};

static void ev_send(const struct event *e, void *arg)
{
	struct campctx *cc = arg;
	const struct pval *camp = &e->p->v[PJ_CAMPAIGN], *cust = &e->p->v[PJ_CUSTOMER];
	char name[256], cur[4];
	long long minor;
	if (e->has_ts && e->ts <= cc->x->until && dom_campaign_cost(e, name, sizeof name, &minor, cur)) {
		struct cost *c = keyed_row(&cc->costs, name, strlen(name));
		if (!c->ts || e->ts >= c->ts)
			*c = (struct cost){ e->ts, minor, { cur[0], cur[1], cur[2], 0 } };
		return;
	}
	/* a message counts when it was sent */
	if (!(e->cls & DOM_EMAIL) || !(e->cls & DOM_CONTACT) || camp->kind != 's' || !camp->n ||
	    cust->kind != 's' || !wanted(cc->x, e, true))
		return;
	size_t ci = hmap_put(&cc->camps, camp->s, camp->n);
	void *p = cc->c;
	xgrow0(&p, &cc->ccap, ci + 1, sizeof *cc->c);
	cc->c = p;
	size_t cn;
	const char *now = merges_now(&cc->x->merged, cust->s, cust->n, &cn);
	size_t cu = hmap_put(&cc->custs, now, cn);
	p = cc->first;
	xgrow0(&p, &cc->fcap, cu + 1, sizeof *cc->first);
	cc->first = p;
	/* a customer mailed twice in one campaign is one recipient */
	for (size_t k = cc->first[cu]; k; k = cc->s[k - 1].next)
		if (cc->s[k - 1].campaign == ci) {
			if (e->ts < cc->s[k - 1].ts)
				cc->s[k - 1].ts = e->ts;
			return;
		}
	p = cc->s;
	xgrow(&p, &cc->scap, cc->ns + 1, sizeof *cc->s);
	cc->s = p;
	cc->s[cc->ns] = (struct send){ ci, e->ts, cc->first[cu] };
	cc->first[cu] = ++cc->ns;
	cc->c[ci].recipients++;
}

static void ev_response(const struct event *e, void *arg)
{
	struct campctx *cc = arg;
	bool buy = e->cls & DOM_PURCHASE;
	bool in = (e->cls & DOM_CONTACT) && pv_is(&e->p->v[PJ_DIRECTION], "in");
	if ((!buy && !in) || !e->has_ts || e->p->v[PJ_CUSTOMER].kind != 's')
		return;
	size_t cn;
	const char *now = merges_now(&cc->x->merged, e->p->v[PJ_CUSTOMER].s, e->p->v[PJ_CUSTOMER].n, &cn);
	long cu = hmap_get(&cc->custs, now, cn);
	if (cu < 0)
		return;
	long long amount = 0, base = 0;
	bool money = false;
	for (size_t k = cc->first[cu]; k; k = cc->s[k - 1].next) {
		struct send *s = &cc->s[k - 1];
		if (e->ts <= s->ts || e->ts > s->ts + cc->x->window * 86400)
			continue;
		char key[64];
		int n = snprintf(key, sizeof key, "%zu\x1f%ld", s->campaign, cu);
		size_t before = cc->responded.n;
		hmap_put(&cc->responded, key, (size_t)n);
		if (cc->responded.n > before)
			cc->c[s->campaign].responders++;
		if (buy && !money && pval_int(&e->p->v[PJ_AMOUNT], &amount)) {
			const struct pval *cur = &e->p->v[PJ_CURRENCY];
			money = dom_convert(&cc->x->rates, cur->kind == 's' ? cur->s : "",
					    cur->kind == 's' ? cur->n : 0, amount, &base);
			buy = money; /* converted once, counted for each campaign it answers */
		}
		if (money)
			cc->c[s->campaign].revenue += base;
	}
}

void report_campaigns(struct rctx *x, struct table *t)
{
	struct campctx cc = { .x = x, .costs.size = sizeof(struct cost) };
	if (scan_history(&x->d, x->strict, ev_send, &cc) < 0 ||
	    scan_history(&x->d, x->strict, ev_response, &cc) < 0)
		exit(CRM_ERR);
	static const char *const c[] = { "campaign", "recipients", "responders", "response_rate",
					 "revenue", "cost", "roi", "currency", NULL };
	table_cols(t, c, "snnnnnns");
	t->chart_label = 0;
	t->chart_value = 3;
	struct keyed names = { .size = 1 };
	for (size_t i = 0; i < cc.camps.n; i++) {
		size_t l;
		const char *name = hmap_key(&cc.camps, i, &l);
		keyed_row(&names, name, l);
	}
	char **sorted = keyed_sorted(&names);
	for (size_t i = 0; sorted[i]; i++) {
		const struct camp *v = &cc.c[hmap_get(&cc.camps, sorted[i], strlen(sorted[i]))];
		struct rec *r = table_row(t);
		cell_str(r, sorted[i]);
		cell_num(r, v->recipients);
		cell_num(r, v->responders);
		cell_pct(r, v->responders, v->recipients);
		cell_base(r, x, v->revenue);
		/* the cost in the base currency, and the return: (revenue - cost) / cost in per cent */
		long k = hmap_get(&cc.costs.keys, sorted[i], strlen(sorted[i]));
		const struct cost *co = k >= 0 ? keyed_at(&cc.costs, (size_t)k) : NULL;
		long long base;
		if (co && dom_convert(&x->rates, co->cur, 3, co->minor, &base)) {
			cell_base(r, x, base);
			cell_pct(r, v->revenue - base, base);
		} else {
			cell_str(r, "");
			cell_str(r, "");
		}
		cell_str(r, x->rates.base);
	}
	free_strv(sorted);
	keyed_free(&names);
	hmap_free(&cc.camps);
	hmap_free(&cc.custs);
	hmap_free(&cc.responded);
	keyed_free(&cc.costs);
	free(cc.s);
	free(cc.first);
	free(cc.c);
	dom_rates_warn(&x->rates);
}
