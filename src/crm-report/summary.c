/* summary.c - the customer base in a few figures: customers by stage and
 * consent, new ones, contacts by type, revenue by currency, open tasks */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct sum {
	long long n;               /* customers, or contacts */
	long long net, base_net;   /* revenue: in the currency, in the base one */
	bool rated;
};

/* Contacts by type and revenue by currency, in one reading: keys
 * "contacts\x1fTYPE" and "revenue\x1fCUR". */
static void fold(struct ppart *p, const struct event *e)
{
	if (!wanted(p->x, e, true))
		return;
	char key[KEY_MAX];
	size_t n;
	if (e->cls & DOM_CONTACT) {
		memcpy(key, "contacts", n = 8);
		key_add_pv(key, &n, &e->p->v[PJ_TYPE]);
		((struct sum *)keyed_row(&p->k, key, n))->n++;
	}
	long long amount, base;
	if ((e->cls & (DOM_PURCHASE | DOM_REFUND)) && pval_int(&e->p->v[PJ_AMOUNT], &amount)) {
		const struct pval *cur = &e->p->v[PJ_CURRENCY];
		memcpy(key, "revenue", n = 7);
		key_add_pv(key, &n, cur);
		struct sum *s = keyed_row(&p->k, key, n);
		s->rated = dom_convert(&p->x->rates, cur->kind == 's' ? cur->s : "",
				       cur->kind == 's' ? cur->n : 0, amount, &base);
		long long sign = e->cls & DOM_PURCHASE ? 1 : -1;
		s->net += sign * amount;
		s->base_net += sign * base;
	}
}

static void merge(void *into, const void *from)
{
	struct sum *a = into;
	const struct sum *b = from;
	a->n += b->n;
	a->net += b->net;
	a->base_net += b->base_net;
	a->rated |= b->rated;
}

static void line3(struct table *t, const char *section, const char *name, long long v)
{
	struct rec *r = table_row(t);
	cell_str(r, section);
	cell_str(r, name);
	cell_num(r, v);
}

void report_summary(struct rctx *x, struct table *t)
{
	static const char *const c[] = { "section", "name", "value", NULL };
	table_cols(t, c, "ssn");
	/* customers by stage and consent, new customers in the period */
	struct keyed k = { .size = sizeof(struct sum) };
	long long created = 0;
	for (size_t i = 0; i < x->nci; i++) {
		char key[256];
		int n = snprintf(key, sizeof key, "stage\x1f%s", *x->ci[i].stage ? x->ci[i].stage : "(none)");
		((struct sum *)keyed_row(&k, key, (size_t)n))->n++;
		n = snprintf(key, sizeof key, "consent\x1f%s", *x->ci[i].consent ? x->ci[i].consent : "(unknown)");
		((struct sum *)keyed_row(&k, key, (size_t)n))->n++;
		created += x->ci[i].created != INT64_MIN && x->ci[i].created >= x->since &&
			   x->ci[i].created <= x->until;
	}
	line3(t, "customers", "total", (long long)x->nci);
	line3(t, "customers", "new in the period", created);
	char **keys = keyed_sorted(&k);
	for (size_t i = 0; keys[i]; i++) {
		size_t np;
		char **p = split(keys[i], '\x1f', &np);
		line3(t, p[0], np > 1 ? p[1] : "", ((struct sum *)keyed_row(&k, keys[i], strlen(keys[i])))->n);
		free_strv(p);
	}
	free_strv(keys);
	keyed_free(&k);
	/* contacts by type, revenue per currency and in all */
	period_scan(x, &k, sizeof(struct sum), fold, merge);
	keys = keyed_sorted(&k);
	long long total = 0;
	bool other = false;
	for (size_t i = 0; keys[i]; i++) {
		const struct sum *s = keyed_row(&k, keys[i], strlen(keys[i]));
		size_t np;
		char **p = split(keys[i], '\x1f', &np);
		const char *name = np > 1 ? p[1] : "";
		if (!strcmp(p[0], "contacts")) {
			line3(t, "interactions", name, s->n);
		} else {
			struct rec *r = table_row(t);
			cell_str(r, "revenue");
			cell_str(r, name);
			cell_money(r, s->net, name);
			total += s->rated ? s->base_net : 0;
			other |= strcasecmp(name, x->rates.base) != 0;
		}
		free_strv(p);
	}
	free_strv(keys);
	keyed_free(&k);
	if (other && x->rates.n) {
		char label[64];
		snprintf(label, sizeof label, "total %s", x->rates.base);
		struct rec *r = table_row(t);
		cell_str(r, "revenue");
		cell_str(r, label);
		cell_base(r, x, total);
		dom_rates_warn(&x->rates);
	}
	/* open tasks, as of --until */
	struct derive *dv = figures_load(x, 1u << D_OPEN_TASKS, false, INT64_MIN);
	long long open = 0;
	size_t pos = 0;
	const char *id;
	size_t idn;
	const struct figures *f;
	while (derive_walk(dv, &pos, &id, &idn, &f)) {
		struct pval v = { id, idn, 's' };
		if (!x->scoped || customer_of(x, &v))
			open += f->open_tasks;
	}
	line3(t, "tasks", "open", open);
	derive_free(dv);
}
