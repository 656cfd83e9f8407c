/* changes.c - who changed a customer's consent or stage, and when, as the
 * git history of the CRM directory tells (an audit) */
#include <stdlib.h>
#include <string.h>

#include "gitchanges.h"
#include "report.h"
#include "util.h"

static void row(void *ctx, const struct gitchange *c)
{
	struct rctx *x = ctx;
	struct table *t = x->out;
	crm_time when;
	/* the commits are not events of the history: only --until bounds them,
	 * not now (CRM_NOW) */
	if (!date_parse(c->when, &when) || (x->until_given && when > x->until))
		return;
	struct pval id = { c->id, strlen(c->id), 's' };
	if (x->scoped && !customer_of(x, &id))
		return;
	struct rec *r = table_row(t);
	cell_time(r, when);
	cell_str(r, c->who);
	rec_push(r, c->commit, strlen(c->commit) < 7 ? strlen(c->commit) : 7);
	cell_str(r, c->id);
	cell_str(r, c->name);
	cell_str(r, c->field);
	cell_str(r, c->from);
	cell_str(r, c->to);
}

void report_changes(struct rctx *x, struct table *t)
{
	static const char *const c[] = { "when", "who", "commit", "id", "name", "field", "from", "to",
					 NULL };
	table_cols(t, c, "ssssssss");
	static const char *const fields[] = { "consent", "stage", NULL };
	x->out = t;
	if (gitchanges(&x->d, x->since, fields, row, x) < 0)
		exit(CRM_ERR); /* reported: not in a git repository */
	x->out = NULL;
}
