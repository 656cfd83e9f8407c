/* followups.c - what to do next: tasks overdue or due within a week, and
 * customers not contacted for longer than they should be */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct follow {
	int kind; /* 1 overdue, 2 due, 3 losing touch: the order of the report */
	crm_time date;
	char *id, *name, *task, *detail;
	long days;
};

static const char *const kinds[] = { "", "overdue", "due", "losing touch" };

static int by_follow(const void *a, const void *b)
{
	const struct follow *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	int64_t dx = date_day(x->date), dy = date_day(y->date);
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->id, y->id);
}

void report_followups(struct rctx *x, struct table *t)
{
	/* as of --until (now): every event before it counts */
	struct derive *dv = figures_load(x, true, INT64_MIN);
	static const char *const c[] = { "kind", "date", "id", "name", "task", "detail", "days", NULL };
	table_cols(t, c, "ssssssn");
	long def_touch = conf_long(&x->d, "touch_days", 90);
	struct follow *v = NULL;
	size_t n = 0, cap = 0, pos = 0;
	/* the days are counted from the report's end: --until, else now */
	crm_time end = x->until;
	crm_time today = day_start(end);
	crm_time horizon = date_local(date_day(end) + 8, 0); /* due within the coming week */
	struct open_task ot;
	while (derive_task(dv, &pos, &ot)) {
		if (ot.due == INT64_MIN || ot.due >= horizon)
			continue;
		struct pval id = { ot.customer, ot.customern, 's' };
		if (x->scoped && !customer_of(x, &id))
			continue;
		const struct cinfo *ci = customer_of(x, &id);
		void *p = v;
		xgrow(&p, &cap, n + 1, sizeof *v);
		v = p;
		v[n++] = (struct follow){ ot.due < today ? 1 : 2, ot.due, xstrndup(ot.customer, ot.customern),
					  xstrdup(ci ? ci->name : ""), xstrndup(ot.id, ot.idn),
					  xstrndup(ot.text, ot.textn), (long)(date_day(end) - date_day(ot.due)) };
	}
	for (size_t i = 0; i < x->nci; i++) {
		long long touch;
		if (!parse_long(x->ci[i].touch, &touch) || touch <= 0)
			touch = def_touch;
		const struct figures *f = derive_of(dv, x->ci[i].id, strlen(x->ci[i].id));
		if (!f || f->last_contact == INT64_MIN)
			continue; /* never contacted: a lead, not a customer losing touch */
		long since = (long)((end - f->last_contact) / 86400);
		if (since <= touch)
			continue;
		void *p = v;
		xgrow(&p, &cap, n + 1, sizeof *v);
		v = p;
		char det[64];
		snprintf(det, sizeof det, "every %lld days", touch);
		v[n++] = (struct follow){ 3, f->last_contact, xstrdup(x->ci[i].id), xstrdup(x->ci[i].name),
					  xstrdup(""), xstrdup(det), since };
	}
	if (n) /* qsort wants an array, even of nothing */
		qsort(v, n, sizeof *v, by_follow);
	for (size_t i = 0; i < n; i++) {
		struct rec *r = table_row(t);
		char d[DATE_BUFSZ];
		date_fmt_day(v[i].date, d);
		cell_str(r, kinds[v[i].kind]);
		cell_str(r, d);
		cell_str(r, v[i].id);
		cell_str(r, v[i].name);
		cell_str(r, v[i].task);
		cell_str(r, v[i].detail);
		cell_num(r, v[i].days);
		free(v[i].id);
		free(v[i].name);
		free(v[i].task);
		free(v[i].detail);
	}
	free(v);
	derive_free(dv);
}
