/* reach.c - how often a customer may be contacted */
#include "reach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "util.h"

void reach_init(struct reach *r, const struct crm_dir *d, crm_time now)
{
	memset(r, 0, sizeof *r);
	r->now = now;
	const char *v = conf_get(d, "max_contacts", NULL);
	if (!v || !*v)
		return;
	const char *slash = strchr(v, '/');
	long long k = 0;
	char *num = slash ? xstrndup(v, (size_t)(slash - v)) : NULL;
	bool ok = num && parse_long(num, &k) && k >= 0 && k <= 1000000 && date_span(slash + 1, &r->window);
	free(num);
	if (!ok) {
		long line = 0;
		const struct conf_item *c = NULL;
		for (size_t i = d->nconf; i-- > 0 && !c;)
			if (!strcmp(d->conf[i].key, "max_contacts"))
				c = &d->conf[i];
		line = c ? c->line : 0;
		crm_dataerr(crm_path(d, c ? conf_file(c) : CONF), line,
			    "max_contacts: '%s': expected N/DURATION (4/30d: at most 4 contacts in 30 days)", v);
		exit(CRM_ERR);
	}
	r->max = (long)k;
	if (!r->max)
		r->max = -1; /* 0/30d: none at all */
	snprintf(r->conf, sizeof r->conf, "%s", v);
}

void reach_free(struct reach *r)
{
	hmap_free(&r->ids);
	free(r->count);
	memset(r, 0, sizeof *r);
}

static void count_one(struct reach *r, const char *id, size_t n)
{
	size_t i = hmap_put(&r->ids, id, n);
	void *p = r->count;
	xgrow0(&p, &r->cap, i + 1, sizeof *r->count);
	r->count = p;
	r->count[i]++;
}

void reach_event(struct reach *r, const struct event *e)
{
	if (!r->max || !e->p || !e->has_ts || !(e->cls & DOM_CONTACT))
		return;
	const struct proj *p = e->p;
	if (!pv_is(&p->v[PJ_DIRECTION], "out") || p->v[PJ_CUSTOMER].kind != 's')
		return;
	if (e->ts <= r->now - r->window || e->ts > r->now)
		return;
	count_one(r, p->v[PJ_CUSTOMER].s, p->v[PJ_CUSTOMER].n);
}

void reach_add(struct reach *r, const char *id)
{
	if (r->max)
		count_one(r, id, strlen(id));
}

const char *reach_why(const struct reach *r, const char *id, char *buf, size_t n)
{
	if (!r->max)
		return NULL;
	long i = hmap_get(&r->ids, id, strlen(id));
	long c = i >= 0 ? r->count[i] : 0;
	if (r->max > 0 && c < r->max)
		return NULL;
	const char *slash = strchr(r->conf, '/');
	snprintf(buf, n, "%ld contact%s in the last %s (max_contacts %s)", c, c == 1 ? "" : "s",
		 slash ? slash + 1 : "", r->conf);
	return buf;
}
