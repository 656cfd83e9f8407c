/* forecast.c - the purchases and revenue the models of predict.h expect
 * per period ahead, and with --holdout what happened after a cut-off
 * beside what the models fitted up to it expected */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buyers.h"
#include "money.h"
#include "predict.h"
#include "report.h"
#include "util.h"

/* A period of the forecast: its days [from, to) after the cut-off, and
 * what happened in them. */
struct fper {
	crm_time start;
	int64_t from, to;
	bool past;              /* up to --until: with what happened */
	long long days;         /* purchase days of the fitted customers */
	long long base;         /* their purchases less refunds, base currency */
};

struct fctx {
	struct rctx *x;
	const struct buyers *b;
	struct fper *p;
	size_t np;
	int64_t cut, last;      /* the cut-off day, the last day with what happened */
	struct hmap seen;       /* "customer\x1fday": a purchase day counted */
};

/* The period of day, or -1. */
static long fper_of(const struct fctx *f, int64_t day)
{
	for (size_t i = 0; i < f->np; i++)
		if (day >= f->p[i].from && day < f->p[i].to)
			return (long)i;
	return -1;
}

/* What happened after the cut-off: the purchase days and the money of
 * the customers the models were fitted to (who bought by the cut-off). */
static void ev_actual(const struct event *e, void *arg)
{
	struct fctx *f = arg;
	const struct pval *cust = &e->p->v[PJ_CUSTOMER];
	bool buy = e->cls & DOM_PURCHASE;
	if (!(e->cls & (DOM_PURCHASE | DOM_REFUND)) || !e->has_ts || e->ts > f->x->until ||
	    cust->kind != 's' || !buyers_get(f->b, cust->s, cust->n) || !wanted(f->x, e, false))
		return;
	int64_t day = date_day(e->ts);
	if (day <= f->cut || day > f->last)
		return;
	long i = fper_of(f, day);
	if (i < 0)
		return;
	if (buy) {
		char key[KEY_PART + 32];
		size_t n = cust->n < KEY_PART ? cust->n : KEY_PART;
		memcpy(key, cust->s, n);
		n += (size_t)snprintf(key + n, sizeof key - n, "\x1f%lld", (long long)day);
		size_t before = f->seen.n;
		hmap_put(&f->seen, key, n);
		if (f->seen.n > before)
			f->p[i].days++;
	}
	long long amount, base;
	const struct pval *cur = &e->p->v[PJ_CURRENCY];
	if (pval_int(&e->p->v[PJ_AMOUNT], &amount) &&
	    dom_convert(&f->x->rates, cur->kind == 's' ? cur->s : "", cur->kind == 's' ? cur->n : 0,
			amount, &base))
		f->p[i].base += buy ? base : -base;
}

/* Major units of the base currency as a money cell. */
static void cell_major(struct rec *r, const struct rctx *x, double v)
{
	cell_base(r, x, llround(v * pow(10, currency_exp(x->rates.base))));
}

static void cell_count(struct rec *r, double v)
{
	char b[64];
	snprintf(b, sizeof b, "%.2f", v);
	cell_str(r, b);
}

void report_forecast(struct rctx *x, struct table *t)
{
	/* the cut-off: --until, or --holdout before it (the end of that day) */
	int64_t until_day = date_day(x->until);
	struct fctx f = { .x = x, .last = until_day };
	f.cut = until_day - (int64_t)x->holdout;
	crm_time cutoff = x->holdout > 0 ? date_local(f.cut + 1, 0) - 1 : x->until;

	struct buyers b;
	if (buyers_load(&b, &x->d, &x->rates, cutoff, x->strict) < 0)
		exit(CRM_ERR);
	f.b = &b;
	struct predict_params pp;
	char err[PREDICT_ERRSZ];
	if (predict_fit(b.c, b.n, &pp, err, sizeof err) < 0)
		crm_diex("forecast: %s", err);

	/* the periods: from the one of the day after the cut-off, those up to
	 * --until's with --holdout, then --periods more */
	long ahead = x->periods >= 0 ? x->periods : x->holdout > 0 ? 0 : 6;
	crm_time start = period_start(date_local(f.cut + 1, 0), x->by);
	size_t cap = 0;
	for (long more = ahead; more > 0 || (x->holdout > 0 && date_day(start) <= until_day);
	     start = period_next(start, x->by)) {
		bool past = x->holdout > 0 && date_day(start) <= until_day;
		if (!past)
			more--;
		void *q = f.p;
		xgrow(&q, &cap, f.np + 1, sizeof *f.p);
		f.p = q;
		int64_t from = date_day(start), to = date_day(period_next(start, x->by));
		if (from <= f.cut)
			from = f.cut + 1;
		if (past && to > until_day + 1)
			to = until_day + 1;
		f.p[f.np++] = (struct fper){ .start = start, .from = from, .to = to, .past = past };
		if (f.np > 100000)
			crm_diex("forecast: too many periods");
	}
	if (x->holdout > 0 && scan_history(&x->d, x->strict, ev_actual, &f) < 0)
		exit(CRM_ERR);

	static const char *const names[] = { "period", "exp_purchases", "exp_revenue", NULL };
	static const char *const actual[] = { "purchases", "revenue", NULL };
	static const char *const cur[] = { "currency", NULL };
	table_cols(t, names, "snn");
	if (x->holdout > 0)
		table_cols(t, actual, "nn");
	table_cols(t, cur, "s");
	t->chart_label = 0;
	t->chart_value = 2;

	/* each customer's expected purchases up to each period's end, summed:
	 * E(to - cut - 1) - E(from - cut - 1) in the period */
	double *ep = xcalloc(f.np + 1, sizeof *ep), *er = xcalloc(f.np + 1, sizeof *er);
	for (size_t j = 0; j < b.ids.n; j++) {
		if (b.at[j] < 0)
			continue;
		size_t idn;
		const char *id = hmap_key(&b.ids, j, &idn);
		struct pval pv = { id, idn, 's' };
		if (x->scoped && !customer_of(x, &pv))
			continue;
		const struct predict_cust *c = &b.c[b.at[j]];
		double value = predict_value(&pp, c);
		for (size_t i = 0; i < f.np; i++) {
			double lo = (double)(f.p[i].from - f.cut - 1), hi = (double)(f.p[i].to - f.cut - 1);
			double e = predict_purchases(&pp, c, hi) - (lo > 0 ? predict_purchases(&pp, c, lo) : 0);
			if (isnan(e))
				crm_diex("forecast: customer %.*s: the expected purchases cannot be computed "
					 "so far ahead (the series does not converge: fewer --periods)",
					 (int)idn, id);
			ep[i] += e;
			er[i] += e * value;
		}
	}
	double sp = 0, sr = 0;
	long long sd = 0, sb = 0;
	for (size_t i = 0; i < f.np; i++) {
		struct rec *r = table_row(t);
		char label[16];
		period_label(f.p[i].start, x->by, label);
		cell_str(r, label);
		cell_count(r, ep[i]);
		cell_major(r, x, er[i]);
		sp += ep[i];
		sr += er[i];
		if (x->holdout > 0) {
			if (f.p[i].past) {
				cell_num(r, f.p[i].days);
				cell_base(r, x, f.p[i].base);
				sd += f.p[i].days;
				sb += f.p[i].base;
			} else {
				cell_str(r, "");
				cell_str(r, "");
			}
		}
		cell_str(r, x->rates.base);
	}
	if (f.np) {
		struct rec *r = table_row(t);
		cell_str(r, "total");
		cell_count(r, sp);
		cell_major(r, x, sr);
		if (x->holdout > 0) {
			cell_num(r, sd);
			cell_base(r, x, sb);
		}
		cell_str(r, x->rates.base);
		t->chart_n = f.np; /* the total is no bar of the chart */
	}
	free(ep);
	free(er);
	free(f.p);
	hmap_free(&f.seen);
	buyers_free(&b);
	dom_rates_warn(&x->rates);
}
