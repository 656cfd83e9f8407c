/* cohorts.c - customers by the month of their first purchase, and the
 * share of each cohort that bought again 1, 2, ... 14 months later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

/* A customer, in the word the map keeps with its id: the month of the
 * first purchase (months from year 0, + 1) in the high 18 bits and, bit
 * k - 1, whether there was a purchase k months later (k = 1..14, the
 * columns shown). 0 for none yet. */
#define COH_MAX 14
#define COH_FIRST(w) ((int)((w) >> COH_MAX) - 1)
#define COH_AGAIN(w) ((w) & ((1u << COH_MAX) - 1))
#define COH_MONTHS (1 << (32 - COH_MAX)) /* years 0000-9999 take 120,000 */

/* A purchase in month mon. A month before the first makes it the first,
 * the months after it moved up by as many; a month more than COH_MAX after
 * the first is of no column, whichever month turns out first. */
static void coh_add(uint32_t *w, int mon)
{
	if (!*w) {
		*w = (uint32_t)(mon + 1) << COH_MAX;
		return;
	}
	int first = COH_FIRST(*w);
	unsigned again = COH_AGAIN(*w);
	if (mon > first) {
		if (mon - first <= COH_MAX)
			*w |= 1u << (mon - first - 1);
		return;
	}
	if (mon == first)
		return;
	int d = first - mon;
	again = d <= COH_MAX ? (again << d | 1u << (d - 1)) & ((1u << COH_MAX) - 1) : 0;
	*w = (uint32_t)(mon + 1) << COH_MAX | again;
}

/* Add the word o of another part to w. */
static void coh_join(uint32_t *w, uint32_t o)
{
	int first = COH_FIRST(o);
	coh_add(w, first);
	for (int k = 1; k <= COH_MAX; k++)
		if (o >> (k - 1) & 1)
			coh_add(w, first + k);
}

/* What a thread keeps: the day of the purchase before and its month (the
 * history is in time order: most purchases are of the day before's). */
struct cohpart {
	struct rctx *x;
	int64_t day;
	int mon;
};

static bool pick(const struct event *e, void *arg, uint32_t *val)
{
	struct cohpart *cp = arg;
	if (!(e->cls & DOM_PURCHASE) || !e->has_ts || e->ts > cp->x->until || !wanted(cp->x, e, false))
		return false;
	int64_t day = date_day(e->ts);
	if (day != cp->day) {
		int64_t y;
		unsigned m, d;
		civil_from_days(day, &y, &m, &d);
		cp->day = day;
		cp->mon = y < 0 || y * 12 + m >= COH_MONTHS ? -1 : (int)(y * 12 + m - 1);
	}
	*val = (uint32_t)cp->mon;
	return cp->mon >= 0;
}

static void add(uint32_t *w, uint32_t mon)
{
	coh_add(w, (int)mon);
}

/* The words of customers merged since added to the words of those they
 * are now, each customer still in one map only. */
static void follow_merges(const struct merges *m, struct hmap *ids)
{
	for (size_t i = 0; i < m->from.n; i++) {
		size_t dn, kn;
		const char *drop = hmap_key(&m->from, i, &dn);
		uint64_t dh = hmap_hash(drop, dn);
		uint32_t word = 0;
		int at = 0;
		for (int p = 0; p < SCAN_MAXPARTS && !word; p++) {
			uint32_t *w = hmap_word_of(&ids[p], drop, dn, dh);
			if (w && *w) {
				word = *w;
				*w = 0;
				at = p;
			}
		}
		if (!word)
			continue;
		const char *keep = merges_now(m, drop, dn, &kn);
		uint64_t kh = hmap_hash(keep, kn);
		uint32_t *into = NULL;
		for (int p = 0; p < SCAN_MAXPARTS && !into; p++) {
			uint32_t *w = hmap_word_of(&ids[p], keep, kn, kh);
			if (w && *w)
				into = w;
		}
		if (!into)
			into = hmap_word(&ids[at], keep, kn, kh);
		coh_join(into, word);
	}
}

void report_cohorts(struct rctx *x, struct table *t)
{
	struct cohpart part[SCAN_MAXPARTS];
	void *args[SCAN_MAXPARTS];
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		part[i] = (struct cohpart){ .x = x, .day = INT64_MIN };
		args[i] = &part[i];
	}
	static const struct word_fold f = { pick, add, coh_join };
	struct hmap ids[SCAN_MAXPARTS];
	if (scan_words(&x->d, x->strict, 1u << PJ_TEXT | 1u << PJ_SUBJECT, &f, args, ids) < 0)
		exit(CRM_ERR);
	follow_merges(&x->merged, ids);
	int64_t ny;
	unsigned nmo, nd;
	civil_from_days(date_day(x->now), &ny, &nmo, &nd);
	int now_m = (int)(ny * 12 + nmo - 1);
	int lo = INT32_MAX;
	for (int p = 0; p < SCAN_MAXPARTS; p++) {
		size_t pos = 0;
		struct hwalk w;
		while (hmap_walk(&ids[p], &pos, &w))
			if (w.word && COH_FIRST(w.word) < lo)
				lo = COH_FIRST(w.word);
	}
	int span = lo == INT32_MAX ? 0 : now_m - lo; /* months after the oldest cohort */
	if (x->limit >= 0 && span > x->limit)
		span = (int)x->limit;
	static const char *const c[] = { "cohort", "customers", NULL };
	table_cols(t, c, "sn");
	for (int k = 1; k <= span && k <= COH_MAX; k++) {
		char b[16];
		snprintf(b, sizeof b, "m%d", k);
		const char *m[] = { b, NULL };
		table_cols(t, m, "n");
	}
	t->chart_label = 0;
	t->chart_value = 1;
	int ncol = (int)t->cols.n - 2;
	/* per cohort month: size, and per k the number purchasing again */
	int nco = lo == INT32_MAX ? 0 : now_m - lo + 1;
	long long *size = xcalloc((size_t)nco + 1, sizeof *size);
	long long *again = xcalloc(((size_t)nco + 1) * ((size_t)ncol + 1), sizeof *again);
	for (int p = 0; p < SCAN_MAXPARTS; p++) {
		size_t pos = 0;
		struct hwalk w;
		while (hmap_walk(&ids[p], &pos, &w)) {
			int co = COH_FIRST(w.word) - lo;
			if (!w.word || co < 0 || co >= nco)
				continue;
			size[co]++;
			for (int off = 1; off <= ncol; off++)
				if (w.word >> (off - 1) & 1)
					again[co * (ncol + 1) + off]++;
		}
		hmap_free(&ids[p]);
	}
	for (int co = 0; co < nco; co++) {
		if (!size[co])
			continue;
		struct rec *r = table_row(t);
		char b[16];
		int m = lo + co;
		snprintf(b, sizeof b, "%04d-%02d", m / 12, m % 12 + 1);
		cell_str(r, b);
		cell_num(r, size[co]);
		for (int k = 1; k <= ncol; k++) {
			if (m + k > now_m)
				cell_str(r, ""); /* not reached yet */
			else
				cell_pct(r, again[co * (ncol + 1) + k], size[co]);
		}
	}
	free(size);
	free(again);
}
