/* followups.c - what to do next: tasks overdue or due within a week, and
 * customers not contacted for longer than they should be */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct follow {
	int kind; /* 1 overdue, 2 due, 3 losing touch, 4 open (no due: calendars only) */
	crm_time date;
	char *id, *name, *task, *detail;
	long days;
};

static const char *const kinds[] = { "", "overdue", "due", "losing touch", "open" };

static int by_follow(const void *a, const void *b)
{
	const struct follow *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	int64_t dx = x->date == INT64_MIN ? 0 : date_day(x->date), dy = y->date == INT64_MIN ? 0 : date_day(y->date);
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The follow-ups as a calendar (RFC 5545) on standard output: a to-do per
 * open task, due when it is; an all-day event on the report's day per
 * customer losing touch. The UIDs stay the same from run to run, so that a
 * calendar subscribed to the file updates its items. */
static void write_ics(const struct rctx *x, const struct follow *v, size_t n, crm_time end)
{
	struct sb b = { 0 }, s = { 0 };
	ics_begin(&b, "-//crm//crm-report followups//EN", "crm follow-ups");
	for (size_t i = 0; i < n; i++) {
		const struct follow *f = &v[i];
		bool task = f->kind != 3;
		ics_prop(&b, "BEGIN", task ? "VTODO" : "VEVENT", false);
		sb_reset(&s);
		sb_printf(&s, "%s-%s@crm", task ? "task" : "touch", task ? f->task : f->id);
		ics_prop(&b, "UID", sb_str(&s), true);
		ics_time(&b, "DTSTAMP", x->now);
		sb_reset(&s);
		if (task) {
			sb_printf(&s, "%s", *f->detail ? f->detail : "Task");
			if (*f->name)
				sb_printf(&s, " (%s)", f->name);
			ics_prop(&b, "SUMMARY", sb_str(&s), true);
			if (f->date != INT64_MIN)
				ics_time(&b, "DUE", f->date);
			ics_prop(&b, "STATUS", "NEEDS-ACTION", false);
			sb_reset(&s);
			sb_printf(&s, "Customer %s (%s), task %s", f->name, f->id, f->task);
			ics_prop(&b, "DESCRIPTION", sb_str(&s), true);
		} else {
			sb_printf(&s, "Get in touch with %s", *f->name ? f->name : f->id);
			ics_prop(&b, "SUMMARY", sb_str(&s), true);
			ics_day(&b, "DTSTART", end);
			ics_prop(&b, "TRANSP", "TRANSPARENT", false);
			char d[DATE_BUFSZ];
			date_fmt_day(f->date, d);
			sb_reset(&s);
			sb_printf(&s, "Customer %s (%s): last contact %s, %ld days ago; to be contacted %s",
				  f->name, f->id, d, f->days, f->detail);
			ics_prop(&b, "DESCRIPTION", sb_str(&s), true);
		}
		ics_prop(&b, "END", task ? "VTODO" : "VEVENT", false);
	}
	ics_end(&b);
	fwrite(b.s, 1, b.len, stdout);
	sb_free(&b);
	sb_free(&s);
}

/* The follow-ups of the kinds in want (bits 1 << kind) into t: a report
 * that needs only the tasks does not go through every customer. */
static void followups(struct rctx *x, struct table *t, unsigned want)
{
	/* as of --until (now): every event before it counts */
	bool touch = want & 1u << 3;
	unsigned mask = touch ? 1u << D_LAST_CONTACT : 1u << D_OPEN_TASKS;
	struct derive *dv = figures_load(x, mask, true, INT64_MIN);
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
		/* a calendar has every open task, each on its day */
		if (!x->ics && (ot.due == INT64_MIN || ot.due >= horizon))
			continue;
		int kind = ot.due == INT64_MIN ? 4 : ot.due < today ? 1 : 2;
		if (!(want & 1u << kind))
			continue;
		struct pval id = { ot.customer, ot.customern, 's' };
		if (x->scoped && !customer_of(x, &id))
			continue;
		const struct cinfo *ci = customer_of(x, &id);
		void *p = v;
		xgrow(&p, &cap, n + 1, sizeof *v);
		v = p;
		v[n++] = (struct follow){ kind, ot.due, xstrndup(ot.customer, ot.customern),
					  xstrdup(ci ? ci->name : ""), xstrndup(ot.id, ot.idn),
					  xstrndup(ot.text, ot.textn),
					  ot.due == INT64_MIN ? 0 : (long)(date_day(end) - date_day(ot.due)) };
	}
	for (size_t i = 0; touch && i < x->nci; i++) {
		long long days;
		if (!parse_long(x->ci[i].touch, &days) || days <= 0)
			days = def_touch;
		const struct figures *f = derive_of(dv, x->ci[i].id, strlen(x->ci[i].id));
		if (!f || f->last_contact == INT64_MIN)
			continue; /* never contacted: a lead, not a customer losing touch */
		long since = (long)((end - f->last_contact) / 86400);
		if (since <= days)
			continue;
		void *p = v;
		xgrow(&p, &cap, n + 1, sizeof *v);
		v = p;
		char det[64];
		snprintf(det, sizeof det, "every %lld days", days);
		v[n++] = (struct follow){ 3, f->last_contact, xstrdup(x->ci[i].id), xstrdup(x->ci[i].name),
					  xstrdup(""), xstrdup(det), since };
	}
	if (n) /* qsort wants an array, even of nothing */
		qsort(v, n, sizeof *v, by_follow);
	if (x->ics)
		write_ics(x, v, n, end);
	for (size_t i = 0; i < n; i++) {
		struct rec *r = table_row(t);
		char d[DATE_BUFSZ] = "";
		if (v[i].date != INT64_MIN)
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

void report_followups(struct rctx *x, struct table *t)
{
	followups(x, t, 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4);
}

void report_overdue(struct rctx *x, struct table *t)
{
	followups(x, t, 1u << 1);
}
