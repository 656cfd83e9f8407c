/* top.c - the customers who bought the most in the period */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct ranked {
	long long revenue;
	const char *id;
	size_t idn;
	const struct figures *f;
};

static int by_revenue(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->revenue != y->revenue)
		return x->revenue > y->revenue ? -1 : 1;
	size_t n = x->idn < y->idn ? x->idn : y->idn;
	int c = memcmp(x->id, y->id, n);
	return c ? c : (x->idn > y->idn) - (x->idn < y->idn);
}

void report_top(struct rctx *x, struct table *t)
{
	unsigned mask = 1u << D_REVENUE | 1u << D_PURCHASES | 1u << D_LAST_PURCHASE | 1u << D_LAST_CONTACT;
	struct derive *dv = figures_load(x, mask, false, x->since);
	static const char *const c[] = { "rank", "id", "name", "revenue", "currency", "purchases",
					 "last_purchase", "last_contact", NULL };
	table_cols(t, c, "nssnsnss");
	t->chart_label = 2;
	t->chart_value = 3;
	struct ranked *v = NULL;
	size_t n = 0, cap = 0, pos = 0;
	struct ranked one;
	while (derive_walk(dv, &pos, &one.id, &one.idn, &one.f)) {
		struct pval id = { one.id, one.idn, 's' };
		if (!one.f->has_revenue || (x->scoped && !customer_of(x, &id)))
			continue;
		one.revenue = one.f->revenue;
		void *p = v;
		xgrow(&p, &cap, n + 1, sizeof *v);
		v = p;
		v[n++] = one;
	}
	if (n) /* qsort wants an array, even of nothing */
		qsort(v, n, sizeof *v, by_revenue);
	long lim = x->limit >= 0 ? x->limit : 10;
	for (size_t k = 0; k < n && (long)k < lim; k++) {
		struct pval id = { v[k].id, v[k].idn, 's' };
		const struct cinfo *ci = customer_of(x, &id);
		struct rec *r = table_row(t);
		cell_num(r, (long long)k + 1);
		rec_push(r, v[k].id, v[k].idn);
		cell_str(r, ci ? ci->name : "");
		cell_base(r, x, v[k].revenue);
		cell_str(r, x->rates.base);
		cell_num(r, v[k].f->purchases);
		cell_time(r, v[k].f->last_purchase);
		cell_time(r, v[k].f->last_contact);
	}
	free(v);
	derive_free(dv);
	dom_rates_warn(&x->rates);
}
