/* satisfaction.c - ratings (CSAT) and scores (NPS) per period */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct sat {
	long long ratings, rating_sum, satisfied; /* ratings 1-5; satisfied: 4 or 5 */
	long long scores, promoters, detractors;  /* scores 0-10: 9-10 and 0-6 */
};

static void fold(struct ppart *p, const struct event *e)
{
	if (!(e->cls & DOM_SURVEY) || !wanted(p->x, e, true))
		return;
	char key[KEY_MAX];
	size_t n = period_key(p, e, key);
	struct sat *s = keyed_row(&p->k, key, n);
	long long v;
	if (pval_int(&e->p->v[PJ_RATING], &v) && v >= 1 && v <= 5) {
		s->ratings++;
		s->rating_sum += v;
		s->satisfied += v >= 4;
	}
	if (pval_int(&e->p->v[PJ_SCORE], &v) && v >= 0 && v <= 10) {
		s->scores++;
		s->promoters += v >= 9;
		s->detractors += v <= 6;
	}
}

static void merge(void *into, const void *from)
{
	struct sat *a = into;
	const struct sat *b = from;
	a->ratings += b->ratings;
	a->rating_sum += b->rating_sum;
	a->satisfied += b->satisfied;
	a->scores += b->scores;
	a->promoters += b->promoters;
	a->detractors += b->detractors;
}

void report_satisfaction(struct rctx *x, struct table *t)
{
	struct keyed k = { 0 };
	period_scan(x, &k, sizeof(struct sat), fold, merge);
	fill_periods(x, &k, x->group_name ? "\x1f" : "");
	static const char *const names[] = { "ratings", "avg_rating", "csat", "nps_answers", "nps", NULL };
	size_t first = period_cols(x, t, names, "nnnnn");
	t->chart_value = x->group_name ? -1 : (long)first + 2; /* shares of groups do not add up */
	char **keys = keyed_sorted(&k);
	for (size_t i = 0; keys[i]; i++) {
		const struct sat *s = keyed_row(&k, keys[i], strlen(keys[i]));
		size_t np;
		char **p;
		struct rec *r = period_row(x, t, keys[i], &p, &np);
		free_strv(p);
		cell_num(r, s->ratings);
		if (s->ratings) {
			/* the mean to two decimals, rounded half up */
			long long h = (s->rating_sum * 200 + s->ratings) / (2 * s->ratings);
			char b[32];
			snprintf(b, sizeof b, "%lld.%02lld", h / 100, h % 100);
			cell_str(r, b);
		} else {
			cell_str(r, "");
		}
		cell_pct(r, s->satisfied, s->ratings);
		cell_num(r, s->scores);
		cell_pct(r, s->promoters - s->detractors, s->scores);
	}
	free_strv(keys);
	keyed_free(&k);
}
