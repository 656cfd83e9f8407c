/* activity.c - contacts per period, channel and type */
#include <stdlib.h>

#include "report.h"
#include "util.h"

struct act {
	long long contacts, in, out;
};

static void fold(struct ppart *p, const struct event *e)
{
	if (!(e->cls & DOM_CONTACT) || !wanted(p->x, e, true))
		return;
	char key[KEY_MAX];
	size_t n = period_key(p, e, key);
	key_add_pv(key, &n, &e->p->v[PJ_CHANNEL]);
	key_add_pv(key, &n, &e->p->v[PJ_TYPE]);
	struct act *a = keyed_row(&p->k, key, n);
	a->contacts++;
	a->in += pv_is(&e->p->v[PJ_DIRECTION], "in");
	a->out += pv_is(&e->p->v[PJ_DIRECTION], "out");
}

static void merge(void *into, const void *from)
{
	struct act *a = into;
	const struct act *b = from;
	a->contacts += b->contacts;
	a->in += b->in;
	a->out += b->out;
}

void report_activity(struct rctx *x, struct table *t)
{
	struct keyed k = { 0 };
	period_scan(x, &k, sizeof(struct act), fold, merge);
	fill_periods(x, &k, x->group_name ? "\x1f\x1f\x1f" : "\x1f\x1f");
	static const char *const names[] = { "channel", "type", "interactions", "in", "out", NULL };
	size_t first = period_cols(x, t, names, "ssnnn");
	t->chart_value = (long)first + 2;
	size_t off = x->group_name ? 2 : 1;
	char **keys = keyed_sorted(&k);
	for (size_t i = 0; keys[i]; i++) {
		const struct act *a = keyed_row(&k, keys[i], strlen(keys[i]));
		size_t np;
		char **p;
		struct rec *r = period_row(x, t, keys[i], &p, &np);
		cell_str(r, np > off ? p[off] : "");
		cell_str(r, np > off + 1 ? p[off + 1] : "");
		cell_num(r, a->contacts);
		cell_num(r, a->in);
		cell_num(r, a->out);
		free_strv(p);
	}
	free_strv(keys);
	keyed_free(&k);
}
