/* current.c - the deals and tickets folded, for the listings of current states */
#include "current.h"

#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "hmap.h"
#include "jsonl.h"
#include "scan.h"
#include "util.h"

struct state {
	bool ticket;
	struct dom_deal deal;
	struct dom_ticket tk;
};

struct current {
	struct hmap ids; /* the first event's id -> index into v */
	struct state *v;
	size_t cap;
};

static void fold(const struct event *e, void *ctx)
{
	struct current *c = ctx;
	const struct proj *p = e->p;
	bool deal = pv_is(&p->v[PJ_TYPE], "deal"), ticket = pv_is(&p->v[PJ_TYPE], "ticket");
	if ((!deal && !ticket) || !e->has_ts)
		return;
	const struct pval *ref = &p->v[PJ_REF], *id = ref->kind == 's' ? ref : &p->v[PJ_ID];
	if (id->kind != 's' || !id->n)
		return;
	size_t i = hmap_put(&c->ids, id->s, id->n);
	if (i >= c->cap) {
		void *q = c->v;
		size_t old = c->cap;
		xgrow(&q, &c->cap, i + 1, sizeof *c->v);
		c->v = q;
		for (size_t k = old; k < c->cap; k++) {
			c->v[k].ticket = false;
			dom_deal_init(&c->v[k].deal);
			dom_ticket_init(&c->v[k].tk);
		}
	}
	struct state *s = &c->v[i];
	if (ticket) {
		s->ticket = true;
		dom_ticket_fold(&s->tk, p, e->ts);
	} else {
		dom_deal_fold(&s->deal, p, e->ts);
	}
}

struct current *current_load(const struct crm_dir *d, bool strict)
{
	struct current *c = xcalloc(1, sizeof *c);
	if (scan_history(d, strict, fold, c) < 0) {
		current_free(c);
		return NULL;
	}
	return c;
}

void current_free(struct current *c)
{
	if (!c)
		return;
	hmap_free(&c->ids);
	free(c->v);
	free(c);
}

static void set_time(json_t *o, const char *key, crm_time t)
{
	char b[DATE_BUFSZ];
	date_fmt(t, b);
	json_object_set_new(o, key, json_string(b));
}

bool current_view(const struct current *c, json_t *o)
{
	const char *type = json_str(o, "type");
	bool deal = !strcmp(type, "deal"), ticket = !strcmp(type, "ticket");
	if (!deal && !ticket)
		return true;
	if (json_is_string(json_object_get(o, "ref")))
		return false;
	json_t *id = json_object_get(o, "id");
	long i = json_is_string(id) ? hmap_get(&c->ids, json_string_value(id), json_string_length(id)) : -1;
	if (i < 0)
		return true;
	const struct state *s = &c->v[i];
	if (ticket) {
		const struct dom_ticket *t = &s->tk;
		json_object_set_new(o, "status", json_string(t->status));
		json_object_set_new(o, "priority", json_string(t->priority));
		if (*t->owner)
			json_object_set_new(o, "owner", json_string(t->owner));
		set_time(o, "updated", t->ts);
		return true;
	}
	const struct dom_deal *d = &s->deal;
	if (d->t_stage != INT64_MIN)
		json_object_set_new(o, "stage", json_string(d->stage));
	if (d->t_prob != INT64_MIN)
		json_object_set_new(o, "probability", json_integer(d->prob));
	if (d->t_amount != INT64_MIN) {
		json_object_set_new(o, "amount", json_integer(d->amount));
		json_object_set_new(o, "currency", json_string(d->cur));
	}
	if (d->has_close)
		set_time(o, "close", d->close);
	set_time(o, "updated", d->ts);
	return true;
}
