/* rfm.c - RFM scores and segments */
#include "rfm.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The RFM grid: the segment of each R (rows 1-5) and F (columns 1-5). */
static const char *const grid[5][5] = {
	{ "Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose" },
	{ "Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose" },
	{ "About to Sleep", "About to Sleep", "Need Attention", "Loyal", "Loyal" },
	{ "Promising", "Potential Loyalists", "Potential Loyalists", "Loyal", "Loyal" },
	{ "New", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions" },
};
const char *const rfm_order[] = { "Champions", "Loyal", "Potential Loyalists", "New",
				  "Promising", "Need Attention", "About to Sleep",
				  "At Risk", "Can't Lose", "Hibernating", RFM_PROSPECTS, NULL };

void rfm_figures(struct rfm *c, const struct figures *f, crm_time asof)
{
	memset(c, 0, sizeof *c);
	c->days = -1;
	if (!f)
		return;
	c->days = f->last_purchase != INT64_MIN ? (int32_t)((asof - f->last_purchase) / 86400) : -1;
	c->f = f->purchases;
	c->m = f->revenue;
}

bool rfm_buyer(const struct rfm *c)
{
	return c->f > 0 && c->days >= 0;
}

/* A customer's place in one ranking: the figure, then the id's place in
 * the order of ids for ties; kept small and together for the sort. */
struct key {
	long long v;
	size_t id;
	int8_t *score;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Number the keys 1..n in order and give each ceil(5 * rank / n). The
 * keys come in the order of the ids: when their figures span no more
 * values than there are keys (days and purchases do), a key's rank is
 * counted, not sorted for (those of smaller figures, then those of the
 * same figure before it). What it buys: the scores of bench/data's
 * 404,274 buyers (make bench, case 4) take 0.18 s instead of 0.35 s, 7%
 * of the run. How it is checked: tests/crm-segment.bats scores by hand
 * ties by id of R and F across score boundaries (SEG001, SEG005), and
 * fails when ties are counted in the other order. */
static void score(struct key *k, size_t n)
{
	long long lo = LLONG_MAX, hi = LLONG_MIN;
	for (size_t i = 0; i < n; i++) {
		lo = k[i].v < lo ? k[i].v : lo;
		hi = k[i].v > hi ? k[i].v : hi;
	}
	if (n && (unsigned long long)hi - (unsigned long long)lo < n) {
		size_t *at = xcalloc((size_t)(hi - lo) + 1, sizeof *at);
		for (size_t i = 0; i < n; i++)
			at[k[i].v - lo]++;
		for (size_t v = 0, sum = 0; v <= (size_t)(hi - lo); v++) {
			size_t c = at[v];
			at[v] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			size_t r = at[k[i].v - lo]++;
			*k[i].score = (int8_t)((5 * (r + 1) + n - 1) / n);
		}
		free(at);
		return;
	}
	if (n) /* qsort wants an array, even of nothing */
		qsort(k, n, sizeof *k, cmp_key);
	for (size_t i = 0; i < n; i++)
		*k[i].score = (int8_t)((5 * (i + 1) + n - 1) / n);
}

struct byid {
	struct rfm *c;
	const char *id;
};

static int cmp_id(const void *a, const void *b)
{
	return strcmp(((const struct byid *)a)->id, ((const struct byid *)b)->id);
}

void rfm_score(struct rfm *const *v, const char *const *ids, size_t n)
{
	struct byid *b = xcalloc(n ? n : 1, sizeof *b);
	size_t nb = 0;
	for (size_t i = 0; i < n; i++)
		if (rfm_buyer(v[i]))
			b[nb++] = (struct byid){ v[i], ids[i] };
	/* ties go by id: the ids sorted once, their places compared after */
	if (nb)
		qsort(b, nb, sizeof *b, cmp_id);
	struct key *k = xcalloc(nb ? nb : 1, sizeof *k);
	/* R: longest ago first, so the most recent rank last and score 5 */
	for (size_t i = 0; i < nb; i++)
		k[i] = (struct key){ -(long long)b[i].c->days, i, &b[i].c->rs };
	score(k, nb);
	for (size_t i = 0; i < nb; i++)
		k[i] = (struct key){ b[i].c->f, i, &b[i].c->fs };
	score(k, nb);
	for (size_t i = 0; i < nb; i++)
		k[i] = (struct key){ b[i].c->m, i, &b[i].c->ms };
	score(k, nb);
	free(k);
	free(b);
}

const char *rfm_segment(const struct rfm *c)
{
	if (!rfm_buyer(c) || c->rs < 1 || c->fs < 1)
		return RFM_PROSPECTS;
	return grid[c->rs - 1][c->fs - 1];
}
