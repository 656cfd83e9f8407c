/* derive.c - one pass over the history, in parallel, gathering the figures
 * of each customer */
#include "derive.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "merges.h"
#include "money.h"
#include "proj.h"
#include "scan.h"
#include "util.h"

const struct field derive_fields[D_N] = {
	{ "last_contact", FK_DATE }, { "first_contact", FK_DATE }, { "contacts", FK_NUMBER },
	{ "last_purchase", FK_DATE }, { "purchases", FK_NUMBER },    { "revenue", FK_NUMBER },
	{ "avg_rating", FK_NUMBER },  { "open_tasks", FK_NUMBER },   { "last_campaign", FK_TEXT },
	{ "open_tickets", FK_NUMBER },
};

#define NONE INT64_MIN

static const struct figures empty = { .last_contact = NONE, .first_contact = NONE,
				      .last_purchase = NONE, .campaign_ts = NONE };

/* How the figures of a customer are kept. A caller that only looks
 * customers up (opts.lookups) reads no field it did not ask for: only
 * those are kept, one after another (the figures of an RFM score take 26
 * bytes, of all fields 78), and a customer's figures are unpacked into a
 * struct figures to be read or changed, and packed again. Else (n == 0)
 * each customer's record is a struct figures, changed in place, and
 * derive_walk hands out pointers into them. */
struct layout {
	size_t stride;
	unsigned n;
	struct {
		uint8_t at, size; /* offset in struct figures, bytes */
	} f[16];
};

#define FIELD(m) offsetof(struct figures, m), sizeof ((struct figures *)0)->m
/* The members of struct figures each derived field is made of. */
static const struct {
	unsigned field; /* D_..., or D_N: every layout has it */
	uint8_t at, size;
} kept[] = {
	{ D_LAST_CONTACT, FIELD(last_contact) }, { D_FIRST_CONTACT, FIELD(first_contact) },
	{ D_CONTACTS, FIELD(contacts) },         { D_LAST_PURCHASE, FIELD(last_purchase) },
	{ D_PURCHASES, FIELD(purchases) },       { D_REVENUE, FIELD(revenue) },
	{ D_REVENUE, FIELD(orders) },            { D_REVENUE, FIELD(has_revenue) },
	{ D_AVG_RATING, FIELD(rating_sum) },     { D_AVG_RATING, FIELD(ratings) },
	{ D_OPEN_TASKS, FIELD(open_tasks) },     { D_LAST_CAMPAIGN, FIELD(campaign_ts) },
	{ D_LAST_CAMPAIGN, FIELD(campaign) },    { D_OPEN_TICKETS, FIELD(open_tickets) },
	{ D_N, FIELD(gone) },
};

static void layout_make(struct layout *l, unsigned mask, bool packed)
{
	memset(l, 0, sizeof *l);
	l->stride = sizeof(struct figures);
	if (!packed || !mask)
		return;
	l->stride = 0;
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
		if (kept[i].field == D_N || (mask & 1u << kept[i].field)) {
			l->f[l->n].at = kept[i].at;
			l->f[l->n++].size = kept[i].size;
			l->stride += kept[i].size;
		}
}

/* Copy size bytes (1, 4 or 8: a constant for the compiler in each case). */
static inline void move(void *to, const void *from, size_t size)
{
	switch (size) {
	case 1: memcpy(to, from, 1); break;
	case 4: memcpy(to, from, 4); break;
	default: memcpy(to, from, 8); break;
	}
}

static void unpack(const struct layout *l, const unsigned char *r, struct figures *f)
{
	*f = empty;
	for (unsigned i = 0; i < l->n; i++) {
		move((char *)f + l->f[i].at, r, l->f[i].size);
		r += l->f[i].size;
	}
}

static void pack(const struct layout *l, const struct figures *f, unsigned char *r)
{
	for (unsigned i = 0; i < l->n; i++) {
		move(r, (const char *)f + l->f[i].at, l->f[i].size);
		r += l->f[i].size;
	}
}

/* A task: its customer (an index of the part's ids), due time and text. */
struct task {
	size_t cust;
	crm_time due;
	size_t text, textn; /* in the part's texts */
};

/* A ticket: its customer (an index of the part's ids, the opening
 * event's when seen) and state. */
struct tkt {
	size_t cust;
	struct dom_ticket t;
};

/* What an event adds to its customer's figures (all but the campaign,
 * tasks and tickets, which need the event itself). */
struct upd {
	crm_time ts;
	unsigned cls;
	bool money;       /* an amount converted into base */
	long long base;
	long long rating; /* 1-5, 0 for none */
};

/* An event held back a moment in a part's ring (see hold). */
struct held {
	struct upd u;
	uint64_t h;
	uint8_t n;
	char id[23];
};

#define RING 8 /* events held back; looked up at half way */

/* What one thread gathers from its part of the file. */
struct part {
	const struct derive_opts *o;
	const struct layout *ly;
	struct hmap ids;
	unsigned char *fb; /* the figures of customer i at i * ly->stride */
	size_t fcap;
	struct hmap campaigns; /* each campaign name once */
	struct hmap tasks;     /* task id -> index into task */
	struct task *task;
	size_t tcap;
	struct sb texts;
	struct hmap dones;     /* ids closed by a done event */
	struct merges merges;  /* the merge records of its stretch of the file */
	struct hmap tickets;   /* ticket id (its opening event's) -> index into tkt */
	struct tkt *tkt;
	size_t kcap;
	bool want_tickets;
	bool want_tasks, want_campaign, want_money;
	unsigned want_cls; /* the classes of events that count for a field asked for */
	/* With figures alone to gather (no campaign, tasks or tickets), an
	 * event's customer is looked up a few events after it is read: its
	 * slot of ids is fetched from memory when the event comes in, its
	 * figures half way, and both are in the cache when it is added.
	 * What it buys, on bench/data (best of 8 runs each): crm-find
	 * --where on derived fields (make bench, case 3) 3.05 s -> 2.44 s,
	 * crm-segment --rfm (case 4) 2.58 s -> 2.46 s. How it is checked:
	 * the figures are those of the events added at once, and the
	 * customers come in the same order (the order of the file: every
	 * event goes through the ring); the tests of every derived field and
	 * report, and HIST002 and HIST006 for histories read in parts. */
	bool ring_on;
	struct held ring[RING];
	unsigned rfirst, rn;
};

struct derive {
	struct derive_opts o;
	struct layout ly;
	/* The parts of the file, folded into the first; or, for a caller
	 * that only looks customers up, left apart when nothing needs the
	 * fold (no tasks, tickets, campaigns or merges), and a customer's
	 * figures added up from each part when looked up. What it buys, on
	 * bench/data (output to /dev/null, three runs each): no map of all
	 * customers is made while the parts' maps are still held. Peak
	 * memory of crm-segment --rfm (make bench, case 4) 84 MB -> 69.5 MB,
	 * of crm-find --where on derived fields (case 3) 138 MB -> 86 MB and
	 * 2.17 s -> 1.91 s. How it is checked: the tests of every derived
	 * field, HIST002 and HIST006 for histories read in parts, and
	 * HIST007 for a customer whose figures come from both parts. */
	struct part part[SCAN_MAXPARTS];
	int np;
	/* the last customer looked up: a record asks for several fields */
	char last_key[64];
	size_t last_n;
	const struct figures *last_f;
	struct figures cur; /* its figures, when unpacked or added up */
};

/* The figures of a customer, made when new. Only a new customer's are
 * written, not the rest of the room the array has grown to: pages never
 * written take no memory, so the memory follows the customers met, not
 * the capacity (half of it, just after the array doubled). */
static size_t fig_of(struct part *p, const char *id, size_t n, uint64_t h)
{
	size_t had = p->ids.n;
	size_t i = hmap_put_hash(&p->ids, id, n, h);
	if (i >= p->fcap) {
		void *q = p->fb;
		xgrow(&q, &p->fcap, i + 1, p->ly->stride);
		p->fb = q;
	}
	if (i >= had) {
		if (p->ly->n)
			pack(p->ly, &empty, p->fb + i * p->ly->stride);
		else
			memcpy(p->fb + i * p->ly->stride, &empty, sizeof empty);
	}
	return i;
}

/* The figures of customer i: in place, or unpacked into t. */
static struct figures *fig_get(const struct part *p, size_t i, struct figures *t)
{
	unsigned char *r = p->fb + i * p->ly->stride;
	if (!p->ly->n)
		return (struct figures *)(void *)r;
	unpack(p->ly, r, t);
	return t;
}

/* Keep f (from fig_get) as customer i's figures. */
static void fig_put(struct part *p, size_t i, const struct figures *f)
{
	if (p->ly->n)
		pack(p->ly, f, p->fb + i * p->ly->stride);
}

static void note_task(struct part *p, const struct proj *pj, size_t cust, const struct pval *tid)
{
	size_t t = hmap_put(&p->tasks, tid->s, tid->n);
	void *q = p->task;
	xgrow(&q, &p->tcap, t + 1, sizeof *p->task);
	p->task = q;
	struct task *k = &p->task[t];
	*k = (struct task){ cust, NONE, 0, 0 };
	if (!p->o->tasks)
		return;
	if (!pv_time(&pj->v[PJ_DUE], &k->due))
		k->due = NONE;
	const struct pval *what = pj->v[PJ_TEXT].kind == 's' ? &pj->v[PJ_TEXT] : &pj->v[PJ_SUBJECT];
	if (what->kind == 's') {
		k->text = p->texts.len;
		k->textn = what->n;
		sb_add(&p->texts, what->s, what->n);
	}
}

/* The ticket id in the part, made when new. */
static struct tkt *tkt_of(struct part *p, const char *id, size_t n, size_t cust)
{
	size_t k = hmap_put(&p->tickets, id, n);
	if (k >= p->kcap) {
		void *q = p->tkt;
		size_t old = p->kcap;
		xgrow(&q, &p->kcap, k + 1, sizeof *p->tkt);
		p->tkt = q;
		for (size_t i = old; i < p->kcap; i++) {
			p->tkt[i].cust = (size_t)-1;
			dom_ticket_init(&p->tkt[i].t);
		}
	}
	if (p->tkt[k].cust == (size_t)-1)
		p->tkt[k].cust = cust;
	return &p->tkt[k];
}

/* What the event e of class c adds to its customer's figures. */
static void take(const struct part *p, const struct event *e, unsigned c, struct upd *u)
{
	const struct proj *pj = e->p;
	u->ts = e->ts;
	u->cls = c;
	u->money = false;
	u->rating = 0;
	if (e->ts < p->o->since)
		return; /* it adds nothing (nor is an amount without a rate told) */
	long long amount, r;
	if ((c & (DOM_PURCHASE | DOM_REFUND)) && p->want_money && pval_int(&pj->v[PJ_AMOUNT], &amount)) {
		const struct pval *cur = &pj->v[PJ_CURRENCY];
		u->money = dom_convert(p->o->rates, cur->kind == 's' ? cur->s : "", cur->kind == 's' ? cur->n : 0,
				       amount, &u->base);
	}
	if ((c & DOM_SURVEY) && pval_int(&pj->v[PJ_RATING], &r) && r >= 1 && r <= 5)
		u->rating = r;
}

static crm_time later(crm_time a, crm_time b)
{
	return a > b ? a : b;
}

static crm_time earlier(crm_time a, crm_time b)
{
	return a == NONE ? b : b == NONE ? a : a < b ? a : b;
}

/* Add u to the figures f (an event before the window adds nothing). */
static void apply(const struct part *p, struct figures *f, const struct upd *u)
{
	crm_time ts = u->ts;
	unsigned c = u->cls;
	if (ts < p->o->since)
		return;
	if (c & DOM_CONTACT) {
		f->contacts++;
		f->last_contact = later(f->last_contact, ts);
		f->first_contact = earlier(f->first_contact, ts);
	}
	if (c & DOM_PURCHASE) {
		f->purchases++;
		f->last_purchase = later(f->last_purchase, ts);
	}
	if (u->money) {
		f->revenue += c & DOM_PURCHASE ? u->base : -u->base;
		f->orders += (c & DOM_PURCHASE) != 0;
		f->has_revenue = true;
	}
	if (u->rating) {
		f->rating_sum += u->rating;
		f->ratings++;
	}
}

/* Add the oldest event of the ring. */
static void release(struct part *p)
{
	struct held *k = &p->ring[p->rfirst];
	size_t i = fig_of(p, k->id, k->n, k->h);
	struct figures t, *f = fig_get(p, i, &t);
	apply(p, f, &k->u);
	fig_put(p, i, f);
	p->rfirst = (p->rfirst + 1) % RING;
	p->rn--;
}

/* Add the events of the ring, for one that cannot wait, or at the end. */
static void drain(struct part *p)
{
	while (p->rn)
		release(p);
}

/* Hold the event u of customer id back in the ring, adding the oldest
 * when it is full; the one half way round is looked up, so that its
 * figures are fetched too. */
static void hold(struct part *p, const char *id, size_t n, uint64_t h, const struct upd *u)
{
	if (p->rn == RING)
		release(p);
	struct held *k = &p->ring[(p->rfirst + p->rn++) % RING];
	k->u = *u;
	k->h = h;
	k->n = (uint8_t)n;
	memcpy(k->id, id, n);
	hmap_prefetch(&p->ids, h);
	if (p->rn > RING / 2) {
		const struct held *m = &p->ring[(p->rfirst + p->rn - 1 - RING / 2) % RING];
		long i = hmap_get_hash(&p->ids, m->id, m->n, m->h);
		if (i >= 0)
			__builtin_prefetch(p->fb + (size_t)i * p->ly->stride, 1);
	}
}

static void line(const struct event *e, void *arg)
{
	struct part *p = arg;
	const struct proj *pj = e->p;
	const struct pval *cust = &pj->v[PJ_CUSTOMER];
	if (cust->kind != 's' || !cust->n || !e->has_ts || e->ts > p->o->until)
		return;
	unsigned c = e->cls;
	if (c & DOM_MERGE) {
		merges_note(&p->merges, pj);
		return;
	}
	if (c & DOM_DONE) {
		if (p->want_tasks && pj->v[PJ_REF].kind == 's')
			hmap_put(&p->dones, pj->v[PJ_REF].s, pj->v[PJ_REF].n);
		return;
	}
	if (!(c & p->want_cls))
		return; /* nothing asked for comes of it: no customer is made for it */
	uint64_t h = hmap_hash(cust->s, cust->n);
	struct upd u;
	take(p, e, c, &u);
	if (p->ring_on && cust->n <= sizeof p->ring[0].id) {
		hold(p, cust->s, cust->n, h, &u);
		return;
	}
	drain(p); /* the events in the order of the file */
	size_t ci = fig_of(p, cust->s, cust->n, h);
	if (c & DOM_TASK) {
		if (p->want_tasks && pj->v[PJ_ID].kind == 's')
			note_task(p, pj, ci, &pj->v[PJ_ID]);
		return;
	}
	struct figures t, *f = fig_get(p, ci, &t);
	crm_time ts = e->ts;
	if ((c & DOM_TICKET) && p->want_tickets) {
		const struct pval *ref = &pj->v[PJ_REF], *tid = ref->kind == 's' ? ref : &pj->v[PJ_ID];
		if (tid->kind == 's' && tid->n) {
			struct tkt *k = tkt_of(p, tid->s, tid->n, ci);
			if (ref->kind != 's')
				k->cust = ci; /* the opening event says whose it is */
			dom_ticket_fold(&k->t, pj, ts);
		}
	}
	apply(p, f, &u);
	if (ts >= p->o->since && (c & DOM_EMAIL) && (c & DOM_CONTACT) && p->want_campaign &&
	    pj->v[PJ_CAMPAIGN].kind == 's' && pj->v[PJ_CAMPAIGN].n && ts >= f->campaign_ts) {
		f->campaign_ts = ts;
		f->campaign = (uint32_t)hmap_put(&p->campaigns, pj->v[PJ_CAMPAIGN].s, pj->v[PJ_CAMPAIGN].n);
	}
	fig_put(p, ci, f);
}

/* Add the figures y (whose campaign index is into ycamp) to x, whose
 * campaigns are in xcamp. */
static void add(struct figures *x, struct hmap *xcamp, const struct figures *y,
		const struct hmap *ycamp)
{
	x->last_contact = later(x->last_contact, y->last_contact);
	x->first_contact = earlier(x->first_contact, y->first_contact);
	x->last_purchase = later(x->last_purchase, y->last_purchase);
	if (y->campaign_ts != NONE && y->campaign_ts >= x->campaign_ts) {
		size_t cl;
		const char *cn = hmap_key(ycamp, y->campaign, &cl);
		x->campaign_ts = y->campaign_ts;
		x->campaign = (uint32_t)hmap_put(xcamp, cn, cl);
	}
	x->contacts += y->contacts;
	x->purchases += y->purchases;
	x->orders += y->orders;
	x->revenue += y->revenue;
	x->has_revenue |= y->has_revenue;
	x->rating_sum += y->rating_sum;
	x->ratings += y->ratings;
	x->open_tasks += y->open_tasks;
	x->open_tickets += y->open_tickets;
}

/* Fold part b, of the stretch of the file after a's, into a. */
static void fold(struct part *a, struct part *b)
{
	/* in the order of b's slots, which is nearly the order of a's */
	hmap_reserve(&a->ids, a->ids.n + b->ids.n);
	size_t pos = 0;
	struct hwalk w;
	while (hmap_walk(&b->ids, &pos, &w)) {
		size_t i = fig_of(a, w.key, w.n, w.h);
		struct figures tx, ty, *x = fig_get(a, i, &tx);
		add(x, &a->campaigns, fig_get(b, w.i, &ty), &b->campaigns);
		fig_put(a, i, x);
	}
	for (size_t t = 0; t < b->tasks.n; t++) {
		size_t n, cn;
		const char *tid = hmap_key(&b->tasks, t, &n);
		const char *cid = hmap_key(&b->ids, b->task[t].cust, &cn);
		size_t ci = fig_of(a, cid, cn, hmap_hash(cid, cn));
		size_t k = hmap_put(&a->tasks, tid, n);
		void *q = a->task;
		xgrow(&q, &a->tcap, k + 1, sizeof *a->task);
		a->task = q;
		a->task[k] = b->task[t];
		a->task[k].cust = ci;
		a->task[k].text = a->texts.len;
		if (b->task[t].textn)
			sb_add(&a->texts, b->texts.s + b->task[t].text, b->task[t].textn);
	}
	for (size_t t = 0; t < b->tickets.n; t++) {
		size_t n, cn;
		const char *tid = hmap_key(&b->tickets, t, &n);
		const char *cid = hmap_key(&b->ids, b->tkt[t].cust, &cn);
		size_t ci = fig_of(a, cid, cn, hmap_hash(cid, cn));
		struct tkt *k = tkt_of(a, tid, n, ci);
		if (b->tkt[t].t.opened != INT64_MIN)
			k->cust = ci;
		dom_ticket_join(&k->t, &b->tkt[t].t);
	}
	for (size_t t = 0; t < b->dones.n; t++) {
		size_t n;
		const char *r = hmap_key(&b->dones, t, &n);
		hmap_put(&a->dones, r, n);
	}
	merges_join(&a->merges, &b->merges);
}

static void part_free(struct part *p)
{
	hmap_free(&p->ids);
	hmap_free(&p->tasks);
	hmap_free(&p->dones);
	hmap_free(&p->tickets);
	free(p->tkt);
	hmap_free(&p->campaigns);
	free(p->fb);
	free(p->task);
	sb_free(&p->texts);
	merges_free(&p->merges);
	memset(p, 0, sizeof *p);
}

/* Make the figures of every merged-away customer count for the one it was
 * merged into. */
static void follow_merges(struct part *a)
{
	const struct merges *m = &a->merges;
	for (size_t i = 0; i < m->from.n; i++) {
		size_t dn, kn;
		const char *drop = hmap_key(&m->from, i, &dn);
		long di = hmap_get(&a->ids, drop, dn);
		struct figures tx, ty;
		if (di < 0 || fig_get(a, (size_t)di, &ty)->gone)
			continue;
		const char *to = merges_now(m, drop, dn, &kn);
		if (kn == dn && !memcmp(to, drop, dn))
			continue; /* a loop of merge records back to itself */
		size_t ki = fig_of(a, to, kn, hmap_hash(to, kn));
		struct figures *y = fig_get(a, (size_t)di, &ty), *x = fig_get(a, ki, &tx);
		add(x, &a->campaigns, y, &a->campaigns);
		fig_put(a, ki, x);
		*y = empty;
		y->gone = true;
		fig_put(a, (size_t)di, y);
		for (size_t t = 0; t < a->tasks.n; t++)
			if (a->task[t].cust == (size_t)di)
				a->task[t].cust = ki;
		for (size_t t = 0; t < a->tickets.n; t++)
			if (a->tkt[t].cust == (size_t)di)
				a->tkt[t].cust = ki;
	}
}

/* The classes of events the fields asked for are made of. */
static unsigned wanted_classes(const struct derive_opts *o)
{
	unsigned m = o->mask;
	if (!m)
		return ~0u;
	unsigned c = 0;
	if (m & (1u << D_LAST_CONTACT | 1u << D_FIRST_CONTACT | 1u << D_CONTACTS))
		c |= DOM_CONTACT;
	if (m & (1u << D_LAST_PURCHASE | 1u << D_PURCHASES))
		c |= DOM_PURCHASE;
	if (m & 1u << D_REVENUE)
		c |= DOM_PURCHASE | DOM_REFUND;
	if (m & 1u << D_AVG_RATING)
		c |= DOM_SURVEY;
	if (m & 1u << D_LAST_CAMPAIGN)
		c |= DOM_EMAIL;
	if ((m & 1u << D_OPEN_TASKS) || o->tasks)
		c |= DOM_TASK;
	if ((m & 1u << D_OPEN_TICKETS) || o->tickets)
		c |= DOM_TICKET;
	return c;
}

struct derive *derive_load(const struct crm_dir *d, const struct derive_opts *o)
{
	struct derive *dv = xcalloc(1, sizeof *dv);
	dv->o = *o;
	dv->last_n = (size_t)-1;
	layout_make(&dv->ly, o->mask, o->lookups);
	void *ctx[SCAN_MAXPARTS];
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		struct part *p = &dv->part[i];
		p->o = &dv->o;
		p->ly = &dv->ly;
		p->want_tasks = o->tasks || !o->mask || (o->mask & 1u << D_OPEN_TASKS);
		p->want_tickets = o->tickets || !o->mask || (o->mask & 1u << D_OPEN_TICKETS);
		p->want_campaign = !o->mask || (o->mask & 1u << D_LAST_CAMPAIGN);
		p->want_money = !o->mask || (o->mask & 1u << D_REVENUE);
		p->want_cls = wanted_classes(o);
		p->ring_on = !p->want_tasks && !p->want_tickets && !p->want_campaign;
		/* nothing asks for a customer's id by its index (hmap_key) */
		p->ids.words_only = o->lookups && p->ring_on;
		ctx[i] = p;
	}
	unsigned skip = o->tasks || o->tickets ? 0 : 1u << PJ_TEXT | 1u << PJ_SUBJECT;
	int nparts = scan_parts(d, o->strict, skip, line, ctx, SCAN_MAXPARTS);
	bool bad = nparts < 0;
	if (bad)
		nparts = SCAN_MAXPARTS; /* strict failed: free them all */
	for (int i = 0; i < nparts; i++)
		drain(&dv->part[i]);
	dv->np = nparts;
	if (bad) { /* strict failed, or the file was not read through */
		derive_free(dv);
		return NULL;
	}
	bool apart = o->lookups;
	for (int i = 0; i < nparts; i++)
		apart = apart && dv->part[i].ring_on && !dv->part[i].merges.from.n;
	if (apart)
		return dv;
	for (int i = 1; i < nparts; i++) {
		fold(&dv->part[0], &dv->part[i]);
		part_free(&dv->part[i]);
	}
	dv->np = 1;
	struct part *a = &dv->part[0];
	/* open tasks: those no done event closed */
	for (size_t t = 0; t < a->tasks.n; t++) {
		size_t n;
		const char *tid = hmap_key(&a->tasks, t, &n);
		if (hmap_get(&a->dones, tid, n) < 0) {
			struct figures tf, *f = fig_get(a, a->task[t].cust, &tf);
			f->open_tasks++;
			fig_put(a, a->task[t].cust, f);
		}
	}
	/* open tickets: those opened in the history whose status is open */
	for (size_t t = 0; t < a->tickets.n; t++) {
		const struct tkt *k = &a->tkt[t];
		if (k->t.opened != INT64_MIN && dom_ticket_open(&k->t)) {
			struct figures tf, *f = fig_get(a, k->cust, &tf);
			f->open_tickets++;
			fig_put(a, k->cust, f);
		}
	}
	follow_merges(a);
	return dv;
}

void derive_free(struct derive *dv)
{
	if (!dv)
		return;
	for (int i = 0; i < SCAN_MAXPARTS; i++)
		part_free(&dv->part[i]);
	free(dv);
}

/* The figures of a customer from its index in each part (at[j]; -1: none
 * there), in place or unpacked or added up into room; NULL when it has
 * none. */
static const struct figures *gather(const struct derive *dv, const long *at, struct figures *room)
{
	if (dv->np == 1) {
		if (at[0] < 0)
			return NULL;
		const struct figures *f = fig_get(&dv->part[0], (size_t)at[0], room);
		return f->gone ? NULL : f;
	}
	bool any = false;
	*room = empty;
	for (int j = 0; j < dv->np; j++)
		if (at[j] >= 0) {
			struct figures t;
			/* parts are left apart only without campaigns: no map is read */
			add(room, NULL, fig_get(&dv->part[j], (size_t)at[j], &t), NULL);
			any = true;
		}
	return any ? room : NULL;
}

const struct figures *derive_of(const struct derive *dv, const char *id, size_t n)
{
	struct derive *m = (struct derive *)dv; /* the cache only */
	if (n == m->last_n && !memcmp(m->last_key, id, n))
		return m->last_f;
	uint64_t h = hmap_hash(id, n);
	long at[SCAN_MAXPARTS];
	for (int j = 0; j < dv->np; j++)
		at[j] = hmap_get_hash(&dv->part[j].ids, id, n, h);
	const struct figures *f = gather(dv, at, &m->cur);
	m->last_n = (size_t)-1;
	if (n < sizeof m->last_key) {
		memcpy(m->last_key, id, n);
		m->last_n = n;
		m->last_f = f;
	}
	return f;
}

void derive_of_many(const struct derive *dv, const char *const *id, const size_t *n, size_t k,
		    const struct figures **f, struct figures *room)
{
	enum { B = 32 };
	uint64_t h[B];
	long at[B][SCAN_MAXPARTS];
	for (size_t done = 0; done < k; done += B) {
		size_t m = k - done < B ? k - done : B;
		for (size_t i = 0; i < m; i++) {
			h[i] = hmap_hash(id[done + i], n[done + i]);
			for (int j = 0; j < dv->np; j++)
				hmap_prefetch(&dv->part[j].ids, h[i]);
		}
		for (size_t i = 0; i < m; i++)
			for (int j = 0; j < dv->np; j++) {
				const struct part *p = &dv->part[j];
				at[i][j] = hmap_get_hash(&p->ids, id[done + i], n[done + i], h[i]);
				if (at[i][j] >= 0)
					__builtin_prefetch(p->fb + (size_t)at[i][j] * p->ly->stride);
			}
		for (size_t i = 0; i < m; i++)
			f[done + i] = gather(dv, at[i], &room[done + i]);
	}
}

bool derive_walk(const struct derive *dv, size_t *pos, const char **id, size_t *n,
		 const struct figures **f)
{
	const struct part *a = &dv->part[0];
	while (*pos < a->ids.n) {
		size_t i = (*pos)++;
		const struct figures *x = fig_get(a, i, NULL);
		if (x->gone)
			continue;
		*id = hmap_key(&a->ids, i, n);
		*f = x;
		return true;
	}
	return false;
}

const char *derive_campaign(const struct derive *dv, const struct figures *f, size_t *n)
{
	if (f->campaign_ts == NONE) {
		*n = 0;
		return "";
	}
	return hmap_key(&dv->part[0].campaigns, f->campaign, n);
}

bool derive_task(const struct derive *dv, size_t *pos, struct open_task *t)
{
	const struct part *a = &dv->part[0];
	while (*pos < a->tasks.n) {
		size_t i = (*pos)++;
		size_t n;
		const char *tid = hmap_key(&a->tasks, i, &n);
		if (hmap_get(&a->dones, tid, n) >= 0)
			continue;
		t->id = tid;
		t->idn = n;
		t->customer = hmap_key(&a->ids, a->task[i].cust, &t->customern);
		t->due = a->task[i].due;
		t->text = a->texts.s ? a->texts.s + a->task[i].text : "";
		t->textn = a->task[i].textn;
		return true;
	}
	return false;
}

bool derive_ticket(const struct derive *dv, size_t *pos, struct ticket_view *t)
{
	const struct part *a = &dv->part[0];
	while (*pos < a->tickets.n) {
		size_t i = (*pos)++;
		if (a->tkt[i].t.opened == INT64_MIN)
			continue;
		t->id = hmap_key(&a->tickets, i, &t->idn);
		t->customer = hmap_key(&a->ids, a->tkt[i].cust, &t->customern);
		t->t = &a->tkt[i].t;
		return true;
	}
	return false;
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
	const struct figures *a = derive_of(dv, id, idlen);
	if (!a)
		return "";
	switch (f) {
	case D_LAST_CONTACT: return when(buf, a->last_contact, len);
	case D_FIRST_CONTACT: return when(buf, a->first_contact, len);
	case D_LAST_PURCHASE: return when(buf, a->last_purchase, len);
	case D_CONTACTS: return a->contacts ? num(buf, a->contacts, len) : "";
	case D_PURCHASES: return a->purchases ? num(buf, a->purchases, len) : "";
	case D_OPEN_TASKS: return a->open_tasks ? num(buf, a->open_tasks, len) : "";
	case D_OPEN_TICKETS: return a->open_tickets ? num(buf, a->open_tickets, len) : "";
	case D_REVENUE:
		if (!a->has_revenue)
			return "";
		money_fmt(a->revenue, dv->o.rates->base, false, buf);
		*len = strlen(buf);
		return buf;
	case D_AVG_RATING: {
		if (!a->ratings)
			return "";
		/* two decimals, rounded half up, trailing zeros dropped: 4.5, 4.33 */
		long long h = (a->rating_sum * 200 + a->ratings) / (2LL * a->ratings);
		int n = snprintf(buf, 32, "%lld.%02lld", h / 100, h % 100);
		while (buf[n - 1] == '0')
			n--;
		if (buf[n - 1] == '.')
			n--;
		buf[n] = '\0';
		*len = (size_t)n;
		return buf;
	}
	case D_LAST_CAMPAIGN: return derive_campaign(dv, a, len);
	default: return "";
	}
}
