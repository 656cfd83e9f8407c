/* derive.c - one pass over the history, in parallel, aggregating per customer */
#include "derive.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hmap.h"
#include "proj.h"
#include "scan.h"
#include "util.h"

const struct field derive_fields[D_N] = {
	{ "last_contact", FK_DATE }, { "first_contact", FK_DATE }, { "contacts", FK_NUMBER },
	{ "last_purchase", FK_DATE }, { "purchases", FK_NUMBER },    { "revenue", FK_NUMBER },
	{ "avg_rating", FK_NUMBER },  { "open_tasks", FK_NUMBER },   { "last_campaign", FK_TEXT },
};

#define NONE INT64_MIN

struct agg {
	crm_time last_contact, first_contact, last_purchase, campaign_ts;
	long contacts, purchases, orders, rating_n, open_tasks;
	long long revenue, rating_sum;
	bool has_revenue;
	size_t campaign; /* index in the part's campaign names */
};

/* What one thread gathers from its part of the file. */
struct part {
	const struct derive *dv;
	struct hmap ids;
	struct agg *a;
	size_t acap;
	struct hmap campaigns; /* each campaign name once */
	struct hmap tasks; /* task id -> index; task_cust[index] = customer index */
	size_t *task_cust, tcap;
	struct hmap dones; /* ids closed by a done event */
};

struct derive {
	/* the last customer looked up: a record asks for several fields */
	const char *last_id;
	size_t last_n;
	long last_i;
	char last_key[64];
	unsigned mask;
	crm_time asof;
	char currency[8];
	struct part all; /* the merged result */
};

static struct agg *agg_of(struct part *p, const char *id, size_t n, uint64_t h)
{
	size_t i = hmap_put_hash(&p->ids, id, n, h);
	if (i >= p->acap) {
		void *q = p->a;
		size_t old = p->acap;
		xgrow(&q, &p->acap, i + 1, sizeof *p->a);
		p->a = q;
		for (size_t k = old; k < p->acap; k++)
			p->a[k] = (struct agg){ NONE, NONE, NONE, NONE, 0, 0, 0, 0, 0, 0, 0, false, 0 };
	}
	return &p->a[i];
}

static bool same(const struct pval *v, const char *s)
{
	size_t n = strlen(s);
	return v->kind == 's' && v->n == n && !memcmp(v->s, s, n);
}

static void line(const struct event *e, void *arg)
{
	struct part *p = arg;
	const struct proj *pj = e->p;
	const struct pval *cust = &pj->v[PJ_CUSTOMER], *type = &pj->v[PJ_TYPE];
	if (cust->kind != 's' || !cust->n)
		return;
	unsigned m = p->dv->mask;
	crm_time ts = e->ts;
	bool has_ts = e->has_ts;
	if (p->dv->asof != DERIVE_ALL && (!has_ts || ts > p->dv->asof))
		return; /* after the day the figures are taken on */
	bool task = same(type, "task"), done = same(type, "done");
	if (done) {
		if (pj->v[PJ_REF].kind == 's')
			hmap_put(&p->dones, pj->v[PJ_REF].s, pj->v[PJ_REF].n);
		return;
	}
	/* a call nobody answered, a mail that bounced: no contact was made */
	if (same(type, "missed") || same(type, "bounce"))
		return;
	struct agg *a = agg_of(p, cust->s, cust->n, hmap_hash(cust->s, cust->n));
	if (task) {
		if ((m & 1u << D_OPEN_TASKS) && pj->v[PJ_ID].kind == 's') {
			size_t t = hmap_put(&p->tasks, pj->v[PJ_ID].s, pj->v[PJ_ID].n);
			void *q = p->task_cust;
			xgrow(&q, &p->tcap, t + 1, sizeof *p->task_cust);
			p->task_cust = q;
			p->task_cust[t] = (size_t)(a - p->a);
		}
		return;
	}
	/* mail that was never sent is no contact */
	bool unsent = same(&pj->v[PJ_STATUS], "pending") || same(&pj->v[PJ_STATUS], "failed");
	if (!unsent) {
		a->contacts++;
		if (has_ts) {
			if (a->last_contact == NONE || ts > a->last_contact)
				a->last_contact = ts;
			if (a->first_contact == NONE || ts < a->first_contact)
				a->first_contact = ts;
		}
	}
	bool purchase = same(type, "purchase"), refund = same(type, "refund");
	if (purchase) {
		a->purchases++;
		if (has_ts && (a->last_purchase == NONE || ts > a->last_purchase))
			a->last_purchase = ts;
	}
	long long amount;
	if ((purchase || refund) && pval_int(&pj->v[PJ_AMOUNT], &amount) &&
	    pj->v[PJ_CURRENCY].kind == 's' && pj->v[PJ_CURRENCY].n == strlen(p->dv->currency) &&
	    !strncasecmp(pj->v[PJ_CURRENCY].s, p->dv->currency, pj->v[PJ_CURRENCY].n)) {
		a->revenue += purchase ? amount : -amount;
		a->orders += purchase;
		a->has_revenue = true;
	}
	long long r;
	if (same(type, "survey") && pval_int(&pj->v[PJ_RATING], &r) && r >= 1 && r <= 5) {
		a->rating_sum += r;
		a->rating_n++;
	}
	if ((m & 1u << D_LAST_CAMPAIGN) && same(type, "email") && pj->v[PJ_CAMPAIGN].kind == 's' &&
	    pj->v[PJ_CAMPAIGN].n && has_ts && !unsent && (a->campaign_ts == NONE || ts >= a->campaign_ts)) {
		a->campaign_ts = ts;
		a->campaign = hmap_put(&p->campaigns, pj->v[PJ_CAMPAIGN].s, pj->v[PJ_CAMPAIGN].n);
	}
}

/* Fold part b into a. */
static void merge(struct part *a, struct part *b)
{
	/* in the order of b's slots, which is nearly the order of a's */
	hmap_reserve(&a->ids, a->ids.n + b->ids.n);
	size_t pos = 0;
	struct hwalk w;
	while (hmap_walk(&b->ids, &pos, &w)) {
		struct agg *x = agg_of(a, w.key, w.n, w.h), *y = &b->a[w.i];
		if (y->last_contact != NONE && (x->last_contact == NONE || y->last_contact > x->last_contact))
			x->last_contact = y->last_contact;
		if (y->first_contact != NONE && (x->first_contact == NONE || y->first_contact < x->first_contact))
			x->first_contact = y->first_contact;
		if (y->last_purchase != NONE && (x->last_purchase == NONE || y->last_purchase > x->last_purchase))
			x->last_purchase = y->last_purchase;
		if (y->campaign_ts != NONE && (x->campaign_ts == NONE || y->campaign_ts >= x->campaign_ts)) {
			size_t cl;
			const char *cn = hmap_key(&b->campaigns, y->campaign, &cl);
			x->campaign_ts = y->campaign_ts;
			x->campaign = hmap_put(&a->campaigns, cn, cl);
		}
		x->contacts += y->contacts;
		x->purchases += y->purchases;
		x->orders += y->orders;
		x->revenue += y->revenue;
		x->has_revenue |= y->has_revenue;
		x->rating_sum += y->rating_sum;
		x->rating_n += y->rating_n;
	}
	for (size_t t = 0; t < b->tasks.n; t++) {
		size_t n, cn;
		const char *tid = hmap_key(&b->tasks, t, &n);
		const char *cid = hmap_key(&b->ids, b->task_cust[t], &cn);
		struct agg *x = agg_of(a, cid, cn, hmap_hash(cid, cn));
		size_t k = hmap_put(&a->tasks, tid, n);
		void *q = a->task_cust;
		xgrow(&q, &a->tcap, k + 1, sizeof *a->task_cust);
		a->task_cust = q;
		a->task_cust[k] = (size_t)(x - a->a);
	}
	for (size_t t = 0; t < b->dones.n; t++) {
		size_t n;
		const char *r = hmap_key(&b->dones, t, &n);
		hmap_put(&a->dones, r, n);
	}
}

static void part_free(struct part *p)
{
	hmap_free(&p->ids);
	hmap_free(&p->tasks);
	hmap_free(&p->dones);
	free(p->a);
	free(p->task_cust);
	hmap_free(&p->campaigns);
}

struct derive *derive_load(const struct crm_dir *d, const char *currency, unsigned mask,
			   bool strict, crm_time asof)
{
	struct derive *dv = xcalloc(1, sizeof *dv);
	dv->mask = mask;
	dv->asof = asof;
	dv->last_n = (size_t)-1;
	snprintf(dv->currency, sizeof dv->currency, "%s", currency);
	dv->all.dv = dv;
	struct part parts[SCAN_MAXPARTS];
	void *ctx[SCAN_MAXPARTS];
	memset(parts, 0, sizeof parts);
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		parts[i].dv = dv;
		ctx[i] = &parts[i];
	}
	int nparts = scan_parts(d, strict, 1u << PJ_TEXT | 1u << PJ_SUBJECT, line, ctx, SCAN_MAXPARTS);
	bool bad = nparts < 0;
	if (bad)
		nparts = SCAN_MAXPARTS; /* strict failed: free them all */
	int first = 0;
	if (!bad && nparts > 0)
		dv->all = parts[first++]; /* the first part is the start: taken, not copied */
	for (int i = first; i < nparts; i++) {
		merge(&dv->all, &parts[i]);
		part_free(&parts[i]);
	}
	/* open tasks: those no done event closed */
	for (size_t t = 0; t < dv->all.tasks.n; t++) {
		size_t n;
		const char *tid = hmap_key(&dv->all.tasks, t, &n);
		if (hmap_get(&dv->all.dones, tid, n) < 0)
			dv->all.a[dv->all.task_cust[t]].open_tasks++;
	}
	if (bad) { /* strict failed, or the file was not read through */
		derive_free(dv);
		return NULL;
	}
	return dv;
}

void derive_free(struct derive *dv)
{
	if (!dv)
		return;
	part_free(&dv->all);
	free(dv);
}

static const char *num(char *buf, long long v, size_t *len)
{
	*len = (size_t)snprintf(buf, 32, "%lld", v);
	return buf;
}

static const char *when(char *buf, crm_time t, size_t *len)
{
	if (t == NONE) {
		*len = 0;
		return "";
	}
	date_fmt(t, buf);
	*len = strlen(buf);
	return buf;
}

const char *derive_get(const struct derive *dv, const char *id, size_t idlen, enum dfield f,
		       char *buf, size_t *len)
{
	*len = 0;
	struct derive *m = (struct derive *)dv; /* the cache only */
	long i;
	if (idlen == m->last_n && idlen < sizeof m->last_key && !memcmp(m->last_key, id, idlen)) {
		i = m->last_i;
	} else {
		i = hmap_get(&dv->all.ids, id, idlen);
		if (idlen < sizeof m->last_key) {
			memcpy(m->last_key, id, idlen);
			m->last_n = idlen;
			m->last_i = i;
		}
	}
	if (i < 0)
		return "";
	const struct agg *a = &dv->all.a[i];
	switch (f) {
	case D_LAST_CONTACT: return when(buf, a->last_contact, len);
	case D_FIRST_CONTACT: return when(buf, a->first_contact, len);
	case D_LAST_PURCHASE: return when(buf, a->last_purchase, len);
	case D_CONTACTS: return a->contacts ? num(buf, a->contacts, len) : "";
	case D_PURCHASES: return a->purchases ? num(buf, a->purchases, len) : "";
	case D_ORDERS: return a->orders ? num(buf, a->orders, len) : "";
	case D_REVENUE: return a->has_revenue ? num(buf, a->revenue, len) : "";
	case D_OPEN_TASKS: return a->open_tasks ? num(buf, a->open_tasks, len) : "";
	case D_AVG_RATING: {
		if (!a->rating_n)
			return "";
		/* two decimals, rounded half up, trailing zeros dropped: 4.5, 4.33 */
		long long h = (a->rating_sum * 200 + a->rating_n) / (2 * a->rating_n);
		int n = snprintf(buf, 32, "%lld.%02lld", h / 100, h % 100);
		while (buf[n - 1] == '0')
			n--;
		if (buf[n - 1] == '.')
			n--;
		buf[n] = '\0';
		*len = (size_t)n;
		return buf;
	}
	case D_LAST_CAMPAIGN:
		if (a->campaign_ts == NONE)
			return "";
		return hmap_key(&dv->all.campaigns, a->campaign, len);
	default:
		return "";
	}
}
