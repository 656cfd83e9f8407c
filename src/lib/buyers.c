/* buyers.c - each customer's purchase days and values, from one pass over
 * the history (in parts on two threads when it is big: the purchases are
 * gathered in any order and sorted per customer afterwards) */
#include "buyers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "proj.h"
#include "scan.h"
#include "util.h"

/* One purchase or refund. */
enum { K_BUY, K_BUY_OTHER, K_REFUND };
struct item {
	uint32_t cust; /* index in the part's map of ids */
	int32_t day;   /* days since 1970-01-01 (UTC) */
	long long amount;
	int kind;      /* K_BUY: an amount in the base currency; K_BUY_OTHER:
			* a purchase whose value is not known in it */
};

/* What one thread gathers. */
struct part {
	const struct dom_rates *rates;
	crm_time asof;
	struct hmap ids;
	struct item *v;
	size_t n, cap;
};

static void line(const struct event *e, void *arg)
{
	struct part *p = arg;
	const struct proj *pj = e->p;
	const struct pval *cust = &pj->v[PJ_CUSTOMER];
	bool buy = e->cls & DOM_PURCHASE, back = e->cls & DOM_REFUND;
	if ((!buy && !back) || cust->kind != 's' || !cust->n || !e->has_ts || e->ts > p->asof)
		return;
	/* the amount in the base currency, when it has one and a rate */
	long long amount, base = 0;
	const struct pval *cur = &pj->v[PJ_CURRENCY];
	bool known = pval_int(&pj->v[PJ_AMOUNT], &amount) &&
		     dom_convert(p->rates, cur->kind == 's' ? cur->s : "", cur->kind == 's' ? cur->n : 0,
				 amount, &base);
	if (back && !known)
		return; /* a refund of no known value cannot be set against these */
	void *q = p->v;
	xgrow(&q, &p->cap, p->n + 1, sizeof *p->v);
	p->v = q;
	p->v[p->n++] = (struct item){ (uint32_t)hmap_put(&p->ids, cust->s, cust->n),
				      (int32_t)date_day(e->ts), known ? base : 0,
				      back ? K_REFUND : known ? K_BUY : K_BUY_OTHER };
}

static int cmp_day(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	return (a->day > b->day) - (a->day < b->day);
}

/* Describe a customer by its items v[0..n), sorted by day; false when
 * none of them is a purchase. */
static bool describe(const struct item *v, size_t n, int64_t asof_day, double unit,
		     struct predict_cust *c)
{
	long long gross = 0, refunds = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].kind == K_BUY)
			gross += v[i].amount;
		else if (v[i].kind == K_REFUND)
			refunds += v[i].amount;
	}
	double keep = gross > 0 ? (double)(gross - refunds) / (double)gross : 1;
	if (keep < 0)
		keep = 0;
	int64_t first = -1, last = -1;
	long days = 0, nm = 0;
	long double sum = 0;
	for (size_t i = 0; i < n;) {
		if (v[i].kind == K_REFUND) {
			i++;
			continue;
		}
		/* the purchases of one day */
		int64_t day = v[i].day;
		long long value = 0;
		bool known = true;
		for (; i < n && v[i].day == day; i++) {
			if (v[i].kind == K_REFUND)
				continue;
			known &= v[i].kind == K_BUY;
			value += v[i].amount;
		}
		if (!days++)
			first = day;
		else if (known) {
			nm++;
			sum += value;
		}
		last = day;
	}
	if (!days)
		return false;
	*c = (struct predict_cust){ .x = days - 1,
				    .t_x = (double)(last - first),
				    .T = (double)(asof_day - first),
				    .nm = nm,
				    .m = nm ? (double)(sum / nm) * keep / unit : 0 };
	return true;
}

int buyers_load(struct buyers *b, const struct crm_dir *d, const struct dom_rates *rates,
		crm_time asof, bool strict)
{
	memset(b, 0, sizeof *b);
	struct part parts[SCAN_MAXPARTS];
	void *ctx[SCAN_MAXPARTS];
	memset(parts, 0, sizeof parts);
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		parts[i].rates = rates;
		parts[i].asof = asof;
		ctx[i] = &parts[i];
	}
	unsigned skip = 0;
	for (int f = 0; f < PJ_MAX; f++)
		if (f != PJ_TS && f != PJ_CUSTOMER && f != PJ_TYPE && f != PJ_AMOUNT &&
		    f != PJ_CURRENCY)
			skip |= 1u << f;
	int np = scan_parts_any(d, strict, skip, line, ctx, SCAN_MAXPARTS);
	int rc = np < 0 ? -1 : 0;
	if (np < 0)
		np = SCAN_MAXPARTS;
	/* every part's ids into the first map, every item counted per customer */
	struct part *all = &parts[0];
	size_t nitems = 0;
	for (int i = 0; i < np; i++)
		nitems += parts[i].n;
	size_t *count = NULL, ccap = 0;
	for (int i = 0; rc == 0 && i < np; i++) {
		struct part *p = &parts[i];
		uint32_t *map = NULL;
		if (i > 0) {
			map = xmalloc((p->ids.n ? p->ids.n : 1) * sizeof *map);
			for (size_t k = 0; k < p->ids.n; k++) {
				size_t len;
				const char *id = hmap_key(&p->ids, k, &len);
				map[k] = (uint32_t)hmap_put(&all->ids, id, len);
			}
		}
		void *q = count;
		xgrow0(&q, &ccap, all->ids.n + 1, sizeof *count);
		count = q;
		for (size_t k = 0; k < p->n; k++) {
			if (map)
				p->v[k].cust = map[p->v[k].cust];
			count[p->v[k].cust]++;
		}
		free(map);
	}
	/* the items in order of customer (a counting sort), then of day */
	size_t nc = all->ids.n;
	struct item *v = xmalloc((nitems ? nitems : 1) * sizeof *v);
	size_t *start = xcalloc(nc + 1, sizeof *start);
	for (size_t k = 0; rc == 0 && k < nc; k++)
		start[k + 1] = start[k] + count[k];
	size_t *fill = xmalloc((nc ? nc : 1) * sizeof *fill);
	memcpy(fill, start, nc * sizeof *fill);
	for (int i = 0; rc == 0 && i < np; i++)
		for (size_t k = 0; k < parts[i].n; k++)
			v[fill[parts[i].v[k].cust]++] = parts[i].v[k];
	free(fill);
	free(count);
	int64_t asof_day = date_day(asof);
	double unit = 1;
	for (int e = rates->base_exp; e > 0; e--)
		unit *= 10;
	if (rc == 0) {
		b->c = xmalloc((nc ? nc : 1) * sizeof *b->c);
		b->at = xmalloc((nc ? nc : 1) * sizeof *b->at);
		for (size_t k = 0; k < nc; k++) {
			struct item *cv = v + start[k];
			size_t cn = start[k + 1] - start[k];
			qsort(cv, cn, sizeof *cv, cmp_day);
			b->at[k] = describe(cv, cn, asof_day, unit, &b->c[b->n]) ? (long)b->n++ : -1;
		}
		b->ids = all->ids; /* taken, not copied */
		all->ids = (struct hmap){ 0 };
	}
	free(start);
	free(v);
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		hmap_free(&parts[i].ids);
		free(parts[i].v);
	}
	return rc;
}

const struct predict_cust *buyers_get(const struct buyers *b, const char *id, size_t n)
{
	if (!b->at)
		return NULL;
	long k = hmap_get(&b->ids, id, n);
	return k < 0 || b->at[k] < 0 ? NULL : &b->c[b->at[k]];
}

void buyers_free(struct buyers *b)
{
	hmap_free(&b->ids);
	free(b->c);
	free(b->at);
	memset(b, 0, sizeof *b);
}
