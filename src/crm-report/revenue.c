/* revenue.c - purchases and refunds per period and currency, and their
 * total in the base currency where the crm.conf rates allow */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct rev {
	long long orders, refunds, bought, refunded; /* in the row's currency */
	long long base_bought, base_refunded;        /* in the base currency */
	bool rated;                                  /* the amounts converted */
};

static void fold(struct ppart *p, const struct event *e)
{
	long long amount, base;
	if (!(e->cls & (DOM_PURCHASE | DOM_REFUND)) || !wanted(p->x, e, true) ||
	    !pval_int(&e->p->v[PJ_AMOUNT], &amount))
		return;
	char key[KEY_MAX];
	size_t n = period_key(p, e, key);
	const struct pval *cur = &e->p->v[PJ_CURRENCY];
	key_add_pv(key, &n, cur);
	struct rev *r = keyed_row(&p->k, key, n);
	bool buy = e->cls & DOM_PURCHASE;
	r->rated = dom_convert(&p->x->rates, cur->kind == 's' ? cur->s : "", cur->kind == 's' ? cur->n : 0,
			       amount, &base);
	if (buy) {
		r->orders++;
		r->bought += amount;
		r->base_bought += base;
	} else {
		r->refunds++;
		r->refunded += amount;
		r->base_refunded += base;
	}
}

static void merge(void *into, const void *from)
{
	struct rev *a = into;
	const struct rev *b = from;
	a->orders += b->orders;
	a->refunds += b->refunds;
	a->bought += b->bought;
	a->refunded += b->refunded;
	a->base_bought += b->base_bought;
	a->base_refunded += b->base_refunded;
	a->rated |= b->rated;
}

/* Whether cur[0..n) is the base currency. */
static bool is_base(const struct rctx *x, const char *cur, size_t n)
{
	return n == 3 && !strncasecmp(cur, x->rates.base, 3);
}

static void money_cells(struct rec *r, long long orders, long long refunds, long long net,
			long long bought, const char *cur)
{
	cell_num(r, orders);
	cell_num(r, refunds);
	cell_money(r, net, cur);
	if (orders)
		cell_money(r, bought / orders, cur);
	else
		cell_str(r, "");
}

void report_revenue(struct rctx *x, struct table *t)
{
	struct keyed k = { 0 };
	period_scan(x, &k, sizeof(struct rev), fold, merge);
	fill_periods(x, &k, x->group_name ? "\x1f\x1f" : "\x1f");
	static const char *const names[] = { "currency", "orders", "refunds", "revenue", "aov", NULL };
	size_t first = period_cols(x, t, names, "snnnn");
	t->chart_value = (long)first + 3;
	/* one currency in the chart: of each period (and group) its total in
	 * the base currency, else its row in the base currency */
	t->chart_marked = true;
	t->no_bar = true;
	/* with exchange rates, a period (and group) in any other currency than
	 * the base one gets a total in the base currency */
	bool totals = x->rates.n > 0, any = false;
	char label[64];
	snprintf(label, sizeof label, "total %s", x->rates.base);
	size_t off = x->group_name ? 2 : 1;
	char **keys = keyed_sorted(&k);
	struct rev sum = { 0 };
	struct curgroup g = { false, -1 }; /* a period (and group) */
	for (size_t i = 0; keys[i]; i++) {
		const struct rev *v = keyed_row(&k, keys[i], strlen(keys[i]));
		size_t np;
		char **p;
		struct rec *r = period_row(x, t, keys[i], &p, &np);
		char *cur = xstrdup(np > off ? p[off] : "");
		cell_str(r, cur);
		if (*cur) {
			money_cells(r, v->orders, v->refunds, v->bought - v->refunded, v->bought, cur);
		} else { /* an empty period: no currency, no amount */
			cell_num(r, 0);
			cell_num(r, 0);
			cell_str(r, "");
			cell_str(r, "");
		}
		free_strv(p);
		g.other |= *cur && !is_base(x, cur, strlen(cur));
		if (*cur && is_base(x, cur, strlen(cur)))
			g.base_row = (long)t->n - 1;
		free(cur);
		if (v->rated) {
			sum.orders += v->orders;
			sum.refunds += v->refunds;
			sum.base_bought += v->base_bought;
			sum.base_refunded += v->base_refunded;
		}
		/* after the last currency of a period (and group), its total */
		bool last = group_last(keys, i);
		if (totals && last && g.other) {
			r = period_row(x, t, keys[i], &p, &np);
			free_strv(p);
			cell_str(r, label);
			money_cells(r, sum.orders, sum.refunds, sum.base_bought - sum.base_refunded,
				    sum.base_bought, x->rates.base);
			any = true;
			g.base_row = (long)t->n - 1;
		}
		if (last) {
			group_end(&g, t);
			memset(&sum, 0, sizeof sum);
		}
	}
	free_strv(keys);
	keyed_free(&k);
	if (any)
		dom_rates_warn(&x->rates);
}
