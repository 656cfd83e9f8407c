/* customers.c - the customers of a report, its scope, their figures */
#include <stdlib.h>
#include <string.h>

#include "cust.h"
#include "fieldset.h"
#include "report.h"
#include "util.h"

/* Field col of r ("" for no column), kept with the other customers'
 * strings: a million customers hold seven strings each. */
static char *pooled(struct rctx *x, const struct rec *r, long col)
{
	if (col < 0)
		return strpool_add(&x->names, "", 0);
	return strpool_add(&x->names, rec_get(r, (size_t)col), rec_len(r, (size_t)col));
}

void customers_load(struct rctx *x, bool use_stdin, const char *where)
{
	struct recin in;
	if (recin_open(&in, &x->d, use_stdin, x->strict) < 0)
		exit(CRM_ERR);
	/* --where, as crm-find reads it: the fields of the stream and those
	 * derived from the history */
	struct fieldset fs;
	fieldset_init(&fs, &in.hdr);
	struct expr *e = NULL;
	if (where) {
		struct schema sc = fieldset_schema(&fs);
		char err[2048];
		if (!(e = expr_parse(where, &sc, x->now, err, sizeof err)))
			crm_diex("--where: 1:%s", err);
		bool *used = xcalloc(fs.n, sizeof *used);
		expr_fields(e, used);
		bool ok = fieldset_load(&fs, &x->d, used, 0, x->rates.base, x->now, x->strict);
		free(used);
		if (!ok)
			exit(CRM_ERR);
	}
	long ci = hdr_find(&in.hdr, "id"), cn = hdr_find(&in.hdr, "name"),
	     co = hdr_find(&in.hdr, "owner"), cs = hdr_find(&in.hdr, "stage"),
	     cc = hdr_find(&in.hdr, "consent"), ct = hdr_find(&in.hdr, "touch"),
	     cr = hdr_find(&in.hdr, "created"), cg = -1;
	if (in.hdr.n && ci < 0)
		crm_dataerr(in.name, in.hdr_line, "the customers have no 'id' column"), exit(CRM_ERR);
	if (x->group_name && x->group_ev < 0) {
		cg = hdr_find(&in.hdr, x->group_name);
		if (cg < 0)
			crm_diex("--group: unknown field '%s' (a customer column, or type, channel, "
				 "direction, by, currency)", x->group_name);
	}
	struct rec r = { 0 };
	int k;
	while ((k = recin_next(&in, &r)) > 0) {
		struct row_ctx rc = { .fs = &fs, .r = &r };
		const char *id = rec_get(&r, (size_t)ci), *why;
		if (e && !expr_eval(e, fieldset_get, &rc, &why)) {
			if (!why)
				continue;
			/* a regular expression that gave up is no answer, not "no" */
			crm_dataerr(in.name, r.line, "customer %s: --where: %s", id, why);
			exit(CRM_ERR);
		}
		size_t i = hmap_put(&x->ids, id, strlen(id));
		if (i < x->nci)
			continue;
		void *p = x->ci;
		xgrow(&p, &x->cicap, i + 1, sizeof *x->ci);
		x->ci = p;
		struct cinfo *c = &x->ci[i];
		c->id = pooled(x, &r, ci);
		c->name = pooled(x, &r, cn);
		c->group = cg >= 0 ? pooled(x, &r, cg) : NULL;
		c->owner = pooled(x, &r, co);
		c->stage = pooled(x, &r, cs);
		c->consent = pooled(x, &r, cc);
		c->touch = pooled(x, &r, ct);
		if (cr < 0 || !date_parse(rec_get(&r, (size_t)cr), &c->created))
			c->created = INT64_MIN;
		x->nci = i + 1;
	}
	rec_free(&r);
	expr_free(e);
	fieldset_free(&fs);
	recin_close(&in);
	if (k < 0)
		exit(CRM_ERR);
}

void customers_free(struct rctx *x)
{
	strpool_free(&x->names);
	free(x->ci);
	hmap_free(&x->ids);
}

const struct cinfo *customer_of(const struct rctx *x, const struct pval *id)
{
	if (id->kind != 's')
		return NULL;
	size_t n;
	const char *now = merges_now(&x->merged, id->s, id->n, &n);
	long i = hmap_get(&x->ids, now, n);
	return i < 0 ? NULL : &x->ci[i];
}

bool wanted(const struct rctx *x, const struct event *e, bool timed)
{
	if (x->scoped && !customer_of(x, &e->p->v[PJ_CUSTOMER]))
		return false;
	if (!timed)
		return true;
	return e->has_ts && e->ts >= x->since && e->ts <= x->until;
}

struct derive *figures_load(struct rctx *x, unsigned mask, bool tasks, crm_time since)
{
	struct derive_opts o = { .mask = mask, .tasks = tasks, .since = since, .until = x->until,
				 .rates = &x->rates, .strict = x->strict };
	struct derive *dv = derive_load(&x->d, &o);
	if (!dv)
		exit(CRM_ERR);
	return dv;
}

void cell_base(struct rec *r, const struct rctx *x, long long minor)
{
	cell_money(r, minor, x->rates.base);
}

bool group_last(char *const *keys, size_t i)
{
	size_t ln = (size_t)(strrchr(keys[i], '\x1f') - keys[i]);
	return !keys[i + 1] || strncmp(keys[i], keys[i + 1], ln + 1) ||
	       strchr(keys[i + 1] + ln + 1, '\x1f');
}

void group_end(struct curgroup *g, struct table *t)
{
	if (g->base_row >= 0)
		table_chart_row(t, (size_t)g->base_row);
	g->other = false;
	g->base_row = -1;
}
