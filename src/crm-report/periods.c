/* periods.c - periods, rows keyed by text, and the reading of the history
 * that the per-period reports share */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

crm_time period_start(crm_time t, enum period p)
{
	int64_t days = date_day(t), y;
	unsigned m, dd;
	civil_from_days(days, &y, &m, &dd);
	switch (p) {
	case P_DAY:
		return date_local(days, 0);
	case P_WEEK: {
		int64_t wd = ((days % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday: Monday = 0 */
		return date_local(days - wd, 0);
	}
	case P_MONTH:
		return date_local(days_from_civil(y, m, 1), 0);
	case P_QUARTER:
		return date_local(days_from_civil(y, (m - 1) / 3 * 3 + 1, 1), 0);
	case P_YEAR:
		return date_local(days_from_civil(y, 1, 1), 0);
	}
	return date_local(days, 0);
}

crm_time period_next(crm_time start, enum period p)
{
	switch (p) {
	case P_DAY: return date_local(date_day(start) + 1, 0);
	case P_WEEK: return date_local(date_day(start) + 7, 0);
	case P_MONTH: return add_months(start, 1);
	case P_QUARTER: return add_months(start, 3);
	case P_YEAR: return add_months(start, 12);
	}
	return start + 86400;
}

void period_label(crm_time t, enum period p, char *buf)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(date_day(period_start(t, p)), &y, &m, &d);
	y = y < 0 ? 0 : y > 9999 ? 9999 : y;
	m = m % 13;
	d = d % 32;
	switch (p) {
	case P_DAY:
	case P_WEEK:
		snprintf(buf, 16, "%04d-%02u-%02u", (int)y, m, d);
		break;
	case P_MONTH:
		snprintf(buf, 16, "%04d-%02u", (int)y, m);
		break;
	case P_QUARTER:
		snprintf(buf, 16, "%04d-Q%u", (int)y, (m + 2) / 3 % 5);
		break;
	case P_YEAR:
		snprintf(buf, 16, "%04d", (int)y);
		break;
	}
}

/* The start of the period a label names, or false. */
static bool label_time(const char *l, size_t n, crm_time *t)
{
	char full[32];
	if (n == 7 && l[4] == '-' && l[5] != 'Q')
		snprintf(full, sizeof full, "%.7s-01", l);
	else if (n == 7 && l[5] == 'Q' && l[6] >= '1' && l[6] <= '4')
		snprintf(full, sizeof full, "%.4s-%02d-01", l, (l[6] - '1') * 3 + 1);
	else if (n == 4)
		snprintf(full, sizeof full, "%.4s-01-01", l);
	else if (n == 10)
		snprintf(full, sizeof full, "%.10s", l);
	else
		return false;
	return date_parse(full, t);
}

/* -- rows keyed by text -- */

void *keyed_row(struct keyed *k, const char *key, size_t n)
{
	size_t i = hmap_put(&k->keys, key, n);
	if (i >= k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		while (cap <= i)
			cap *= 2;
		k->rows = xrealloc(k->rows, cap * k->size);
		memset(k->rows + k->cap * k->size, 0, (cap - k->cap) * k->size);
		k->cap = cap;
	}
	return k->rows + i * k->size;
}

void *keyed_at(const struct keyed *k, size_t i)
{
	return k->rows + i * k->size;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **keyed_sorted(const struct keyed *k)
{
	char **v = xcalloc(k->keys.n + 1, sizeof *v);
	for (size_t i = 0; i < k->keys.n; i++) {
		size_t l;
		const char *s = hmap_key(&k->keys, i, &l);
		v[i] = xstrndup(s, l);
	}
	if (k->keys.n) /* qsort wants an array, even of nothing */
		qsort(v, k->keys.n, sizeof *v, cmp_str);
	return v;
}

void keyed_free(struct keyed *k)
{
	hmap_free(&k->keys);
	free(k->rows);
	memset(k, 0, sizeof *k);
}

/* -- keys -- */

void key_add(char *buf, size_t *n, const char *s, size_t len)
{
	if (len > KEY_PART)
		len = KEY_PART;
	if (*n + 1 + len > KEY_MAX)
		return;
	buf[(*n)++] = '\x1f';
	memcpy(buf + *n, s, len);
	*n += len;
}

void key_add_pv(char *buf, size_t *n, const struct pval *v)
{
	key_add(buf, n, v->kind == 's' ? v->s : "", v->kind == 's' ? v->n : 0);
}

size_t period_key(struct ppart *p, const struct event *e, char *buf)
{
	const struct rctx *x = p->x;
	/* consecutive events of one day (the history is in time order) share
	 * the label */
	crm_time day = day_start(e->ts);
	if (day != p->day) {
		period_label(e->ts, x->by, p->label);
		p->label_n = strlen(p->label);
		p->day = day;
	}
	size_t n = p->label_n;
	memcpy(buf, p->label, n);
	if (x->group_name && x->group_ev >= 0) {
		key_add_pv(buf, &n, &e->p->v[x->group_ev]);
	} else if (x->group_name) {
		const struct cinfo *c = customer_of(x, &e->p->v[PJ_CUSTOMER]);
		const char *g = c && c->group ? c->group : "";
		key_add(buf, &n, g, strlen(g));
	}
	return n;
}

/* -- the scan -- */

static void part_line(const struct event *e, void *arg)
{
	struct ppart *p = arg;
	p->fold(p, e);
}

void period_scan(struct rctx *x, struct keyed *k, size_t size,
		 void (*fold)(struct ppart *p, const struct event *e),
		 void (*merge)(void *into, const void *from))
{
	struct ppart parts[SCAN_MAXPARTS];
	void *ctx[SCAN_MAXPARTS];
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		parts[i] = (struct ppart){ .x = x, .k.size = size, .day = INT64_MIN, .fold = fold };
		ctx[i] = &parts[i];
	}
	k->size = size;
	/* sums only: the parts may be read in any order */
	if (scan_parts_any(&x->d, x->strict, 1u << PJ_TEXT | 1u << PJ_SUBJECT, part_line, ctx,
			   SCAN_MAXPARTS) < 0)
		exit(CRM_ERR);
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		for (size_t j = 0; j < parts[i].k.keys.n; j++) {
			size_t l;
			const char *key = hmap_key(&parts[i].k.keys, j, &l);
			merge(keyed_row(k, key, l), keyed_at(&parts[i].k, j));
		}
		keyed_free(&parts[i].k);
	}
}

void fill_periods(const struct rctx *x, struct keyed *k, const char *suffix)
{
	if (!k->keys.n && x->since == INT64_MIN)
		return;
	crm_time lo = INT64_MAX;
	for (size_t i = 0; i < k->keys.n; i++) {
		size_t l;
		const char *key = hmap_key(&k->keys, i, &l);
		size_t pl = 0;
		while (pl < l && key[pl] != '\x1f')
			pl++;
		crm_time t;
		if (label_time(key, pl, &t) && t < lo)
			lo = t;
	}
	if (x->since != INT64_MIN)
		lo = period_start(x->since, x->by);
	crm_time hi = period_start(x->until, x->by);
	if (lo == INT64_MAX || lo > hi)
		return;
	/* the periods that have a row */
	struct hmap seen = { 0 };
	for (size_t i = 0; i < k->keys.n; i++) {
		size_t l;
		const char *key = hmap_key(&k->keys, i, &l);
		size_t pl = 0;
		while (pl < l && key[pl] != '\x1f')
			pl++;
		hmap_put(&seen, key, pl);
	}
	int guard = 0;
	for (crm_time t = lo; t <= hi && guard < 100000; t = period_next(t, x->by), guard++) {
		char label[16], key[64];
		period_label(t, x->by, label);
		if (hmap_get(&seen, label, strlen(label)) >= 0)
			continue;
		int n = snprintf(key, sizeof key, "%s%s", label, suffix);
		keyed_row(k, key, (size_t)n);
	}
	hmap_free(&seen);
}

size_t period_cols(const struct rctx *x, struct table *t, const char *const *names,
		   const char *kinds)
{
	const char *period[] = { "period", NULL };
	table_cols(t, period, "s");
	if (x->group_name) {
		/* named after the field, unless a column has that name already
		 * (activity --group type): then group_FIELD */
		char name[256];
		bool clash = false;
		for (size_t i = 0; names[i]; i++)
			clash |= !strcmp(names[i], x->group_name);
		snprintf(name, sizeof name, clash ? "group_%s" : "%s", x->group_name);
		const char *g[] = { name, NULL };
		table_cols(t, g, "s");
	}
	size_t first = t->cols.n;
	table_cols(t, names, kinds);
	t->chart_label = 0;
	return first;
}

struct rec *period_row(const struct rctx *x, struct table *t, const char *key, char ***p,
		       size_t *np)
{
	*p = split(key, '\x1f', np);
	struct rec *r = table_row(t);
	cell_str(r, (*p)[0]);
	if (x->group_name)
		cell_str(r, *np > 1 ? (*p)[1] : "");
	return r;
}
