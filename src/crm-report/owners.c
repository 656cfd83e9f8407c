/* owners.c - each owner's customers, contacts, open tasks and revenue */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct own {
	long long customers, contacts, open_tasks, revenue;
};

void report_owners(struct rctx *x, struct table *t)
{
	unsigned mask = 1u << D_CONTACTS | 1u << D_OPEN_TASKS | 1u << D_REVENUE;
	struct derive *dv = figures_load(x, mask, false, x->since);
	static const char *const c[] = { "owner", "customers", "contacts", "open_tasks", "revenue",
					 "currency", NULL };
	table_cols(t, c, "snnnns");
	t->chart_label = 0;
	t->chart_value = 4;
	struct keyed k = { .size = sizeof(struct own) };
	for (size_t i = 0; i < x->nci; i++) {
		const struct cinfo *ci = &x->ci[i];
		struct own *o = keyed_row(&k, ci->owner, strlen(ci->owner));
		o->customers++;
		const struct figures *f = derive_of(dv, ci->id, strlen(ci->id));
		if (f) {
			o->contacts += f->contacts;
			o->open_tasks += f->open_tasks;
			o->revenue += f->revenue;
		}
	}
	char **names = keyed_sorted(&k);
	for (size_t i = 0; names[i]; i++) {
		const struct own *o = keyed_row(&k, names[i], strlen(names[i]));
		struct rec *r = table_row(t);
		cell_str(r, *names[i] ? names[i] : "(none)");
		cell_num(r, o->customers);
		cell_num(r, o->contacts);
		cell_num(r, o->open_tasks);
		cell_base(r, x, o->revenue);
		cell_str(r, x->rates.base);
	}
	free_strv(names);
	keyed_free(&k);
	derive_free(dv);
	dom_rates_warn(&x->rates);
}
