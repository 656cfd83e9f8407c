/* pipeline.c - the deals: open ones by stage and by the month they should
 * close, those closed in the period, and the win rate */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct deals {
	struct rctx *x;
	struct hmap ids;     /* the deal's first event id -> index into v */
	struct dom_deal *v;
	size_t cap;
};

static void fold(const struct event *e, void *arg)
{
	struct deals *dc = arg;
	if (!(e->cls & DOM_DEAL) || !wanted(dc->x, e, false) || !e->has_ts || e->ts > dc->x->until)
		return;
	const struct pval *key = e->p->v[PJ_REF].kind == 's' ? &e->p->v[PJ_REF] : &e->p->v[PJ_ID];
	if (key->kind != 's')
		return;
	size_t i = hmap_put(&dc->ids, key->s, key->n);
	if (i >= dc->cap) {
		size_t old = dc->cap;
		void *p = dc->v;
		xgrow(&p, &dc->cap, i + 1, sizeof *dc->v);
		dc->v = p;
		for (size_t k = old; k < dc->cap; k++)
			dom_deal_init(&dc->v[k]);
	}
	dom_deal_fold(&dc->v[i], e->p, e->ts);
}

/* A row: deals, their value and the value weighted by the chance to win,
 * in the row's currency and in the base one; won of the closed deals. */
struct prow {
	long long deals, value, weighted, base_value, base_weighted, won;
	bool rated;
};

static void add(struct keyed *k, const char *key, const struct dom_deal *d, long long base,
		bool rated)
{
	struct prow *r = keyed_row(k, key, strlen(key));
	r->deals++;
	r->value += d->amount;
	r->weighted += d->amount * d->prob;
	r->base_value += base;
	r->base_weighted += base * d->prob;
	r->rated |= rated;
}

static void row_cells(struct rec *r, long long deals, long long value, long long weighted,
		      const char *cur)
{
	cell_num(r, deals);
	cell_money(r, value, cur);
	/* weighted: amount x probability / 100, rounded half up */
	cell_money(r, (weighted + 50) / 100, cur);
	cell_str(r, "");
}

void report_pipeline(struct rctx *x, struct table *t)
{
	struct deals dc = { .x = x };
	if (scan_history(&x->d, x->strict, fold, &dc) < 0)
		exit(CRM_ERR);
	static const char *const c[] = { "section", "key", "currency", "deals", "value", "weighted",
					 "share", NULL };
	table_cols(t, c, "sssnnnn");
	t->chart_label = 1;
	t->chart_value = 4;
	t->no_bar = true;
	/* one currency in the chart: of each key its total in the base
	 * currency, else its row in the base currency */
	t->chart_marked = true;
	struct keyed k = { .size = sizeof(struct prow) };
	char key[256];
	for (size_t i = 0; i < dc.ids.n; i++) {
		const struct dom_deal *d = &dc.v[i];
		long long base = 0;
		bool rated = true;
		/* a deal without a value counts among the deals of the base
		 * currency's row, adding nothing to its value */
		const char *cur = x->rates.base;
		if (d->t_amount != INT64_MIN && *d->cur) {
			rated = dom_convert(&x->rates, d->cur, strlen(d->cur), d->amount, &base);
			cur = d->cur;
		}
		if (dom_deal_open(d)) {
			long si = dom_index(dom_deal_stages, d->stage);
			snprintf(key, sizeof key, "1 open\x1f%ld %s\x1f%s", si < 0 ? 9 : si, d->stage, cur);
			add(&k, key, d, base, rated);
			if (d->has_close) {
				char m[16];
				period_label(d->close, P_MONTH, m);
				snprintf(key, sizeof key, "2 closes\x1f%s\x1f%s", m, cur);
				add(&k, key, d, base, rated);
			}
		} else if (d->ts >= x->since && d->ts <= x->until) {
			snprintf(key, sizeof key, "3 closed\x1f%s\x1f%s", d->stage, cur);
			add(&k, key, d, base, rated);
			static const char wr[] = "4 win_rate\x1f\x1f";
			struct prow *r = keyed_row(&k, wr, sizeof wr - 1);
			r->deals++;
			r->won += !strcmp(d->stage, "won");
		}
	}
	char **keys = keyed_sorted(&k);
	/* with exchange rates, a key in any other currency than the base one
	 * gets a total in the base currency */
	struct prow sum = { 0 };
	bool any = false;
	struct curgroup g = { false, -1 }; /* a key */
	char label[64];
	snprintf(label, sizeof label, "total %s", x->rates.base);
	for (size_t i = 0; keys[i]; i++) {
		const struct prow *v = keyed_row(&k, keys[i], strlen(keys[i]));
		size_t np;
		char **p = split(keys[i], '\x1f', &np);
		const char *sect = p[0] + 2, *kk = np > 1 ? p[1] : "", *cur = np > 2 ? p[2] : "";
		if (p[0][0] == '1')
			kk += 2; /* the stage's place in the order */
		struct rec *r = table_row(t);
		cell_str(r, sect);
		cell_str(r, kk);
		cell_str(r, cur);
		if (p[0][0] == '4') {
			cell_num(r, v->deals);
			cell_str(r, "");
			cell_str(r, "");
			cell_pct(r, v->won, v->deals);
		} else {
			row_cells(r, v->deals, v->value, v->weighted, *cur ? cur : x->rates.base);
			g.other |= strcasecmp(cur, x->rates.base) != 0;
			if (!strcasecmp(cur, x->rates.base))
				g.base_row = (long)t->n - 1;
			if (v->rated) {
				sum.deals += v->deals;
				sum.base_value += v->base_value;
				sum.base_weighted += v->base_weighted;
			}
			/* after the last currency of a key, its total */
			bool last = group_last(keys, i);
			if (x->rates.n && last && g.other) {
				r = table_row(t);
				cell_str(r, sect);
				cell_str(r, kk);
				cell_str(r, label);
				row_cells(r, sum.deals, sum.base_value, sum.base_weighted, x->rates.base);
				any = true;
				g.base_row = (long)t->n - 1;
			}
			if (last) {
				group_end(&g, t);
				memset(&sum, 0, sizeof sum);
			}
		}
		free_strv(p);
	}
	free_strv(keys);
	keyed_free(&k);
	hmap_free(&dc.ids);
	free(dc.v);
	if (any)
		dom_rates_warn(&x->rates);
}
