/* digest.c - the page a team reads on Monday: the headline figures of the
 * last period against the one before, then charts. Every figure comes from
 * the other reports, run here for the periods, and from the figures per
 * customer (derive.h): none is counted a second way. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buyers.h"
#include "csvrec.h"
#include "money.h"
#include "predict.h"
#include "report.h"
#include "util.h"

/* Run report fn from since to until by periods of by into t (titled). */
static void run(struct rctx *x, void (*fn)(struct rctx *, struct table *), struct table *t,
		const char *title, crm_time since, crm_time until, enum period by)
{
	crm_time s = x->since, u = x->until;
	enum period b = x->by;
	long limit = x->limit;
	x->since = since;
	x->until = until;
	x->by = by;
	x->limit = -1;
	table_init(t, title);
	fn(x, t);
	x->since = s;
	x->until = u;
	x->by = b;
	x->limit = limit;
}

static const char *cell(const struct table *t, size_t row, size_t col)
{
	return col < t->cols.n ? rec_get(&t->rows[row], col) : "";
}

static long col_of(const struct table *t, const char *name)
{
	return hdr_find(&t->cols, name);
}

/* -- the headline figures -- */

/* A figure of the period and of the one before, as text. */
struct fig {
	char name[64];
	char v[2][48];
};

struct figs {
	struct fig *v;
	size_t n, cap;
};

static void fig_set(struct figs *f, int which, const char *name, const char *value)
{
	size_t i = 0;
	while (i < f->n && strcmp(f->v[i].name, name))
		i++;
	if (i == f->n) {
		void *p = f->v;
		xgrow0(&p, &f->cap, f->n + 1, sizeof *f->v);
		f->v = p;
		snprintf(f->v[f->n++].name, sizeof f->v[0].name, "%s", name);
	}
	snprintf(f->v[i].v[which], sizeof f->v[i].v[which], "%s", value);
}

static void fig_num(struct figs *f, int which, const char *name, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	fig_set(f, which, name, b);
}

/* Digits after the point of a number as written. */
static int decimals(const char *s)
{
	const char *d = strchr(s, '.');
	return d ? (int)strlen(d + 1) : 0;
}

/* The customers with a contact from since to until (in scope). */
static long long active(struct rctx *x, crm_time since, crm_time until)
{
	crm_time u = x->until;
	x->until = until;
	struct derive *dv = figures_load(x, 1u << D_CONTACTS, false, since);
	x->until = u;
	size_t pos = 0, idn;
	const char *id;
	const struct figures *f;
	long long n = 0;
	while (derive_walk(dv, &pos, &id, &idn, &f)) {
		struct pval pv = { id, idn, 's' };
		if (f->contacts > 0 && (!x->scoped || customer_of(x, &pv)))
			n++;
	}
	derive_free(dv);
	return n;
}

/* The figures of one period (which: 0 this one, 1 the one before). */
static void period_figs(struct rctx *x, struct figs *f, int which, crm_time since, crm_time until,
			enum period by)
{
	struct table t;
	char name[96];
	/* customers: summary */
	run(x, report_summary, &t, "", since, until, by);
	for (size_t i = 0; i < t.n; i++)
		if (!strcmp(cell(&t, i, 0), "customers"))
			fig_set(f, which, !strcmp(cell(&t, i, 1), "total") ? "customers" : "new customers",
				cell(&t, i, 2));
	table_free(&t);
	fig_num(f, which, "active customers", active(x, since, until));
	/* orders, revenue and the average order: revenue, one period */
	run(x, report_revenue, &t, "", since, until, by);
	long long orders = 0;
	fig_set(f, which, "orders", ""); /* its place: before the money */
	for (size_t i = 0; i < t.n; i++) {
		const char *cur = cell(&t, i, 1);
		if (!*cur)
			continue;
		if (strncmp(cur, "total ", 6))
			orders += atoll(cell(&t, i, 2));
		snprintf(name, sizeof name, "revenue %s", cur);
		fig_set(f, which, name, cell(&t, i, 4));
		snprintf(name, sizeof name, "average order %s", cur);
		fig_set(f, which, name, cell(&t, i, 5));
	}
	fig_num(f, which, "orders", orders);
	table_free(&t);
	/* the weighted pipeline at the period's end: pipeline's open deals per
	 * currency, and in all where the rates allow (the rows it charts) */
	run(x, report_pipeline, &t, "", since, until, by);
	struct keyed w = { .size = sizeof(long long) };
	long long all = 0;
	bool any = false, other = false;
	for (size_t i = 0; i < t.n; i++) {
		if (strcmp(cell(&t, i, 0), "open"))
			continue;
		const char *cur = cell(&t, i, 2), *v = cell(&t, i, 5);
		bool total = !strncmp(cur, "total ", 6);
		long long minor;
		if (!*v || money_parse(v, total ? x->rates.base : cur, &minor))
			continue;
		if (!total) {
			*(long long *)keyed_row(&w, cur, strlen(cur)) += minor;
			other |= strcmp(cur, x->rates.base) != 0;
		}
		if (i < t.mcap && t.marked[i]) {
			all += minor;
			any = true;
		}
	}
	char **keys = keyed_sorted(&w);
	char b[MONEY_BUFSZ];
	for (size_t i = 0; keys[i]; i++) {
		snprintf(name, sizeof name, "weighted pipeline %s", keys[i]);
		money_fmt(*(long long *)keyed_row(&w, keys[i], strlen(keys[i])), keys[i], false, b);
		fig_set(f, which, name, b);
	}
	/* in all, when another currency than the base one is converted */
	if (any && other && x->rates.n) {
		snprintf(name, sizeof name, "weighted pipeline total %s", x->rates.base);
		money_fmt(all, x->rates.base, false, b);
		fig_set(f, which, name, b);
	}
	free_strv(keys);
	keyed_free(&w);
	table_free(&t);
	/* the tasks overdue at the period's end: followups' */
	run(x, report_overdue, &t, "", since, until, by);
	long long overdue = 0;
	for (size_t i = 0; i < t.n; i++)
		overdue += !strcmp(cell(&t, i, 0), "overdue");
	fig_num(f, which, "overdue tasks", overdue);
	table_free(&t);
	/* CSAT and NPS: satisfaction, one period */
	run(x, report_satisfaction, &t, "", since, until, by);
	for (size_t i = 0; i < t.n; i++) {
		long c = col_of(&t, "csat"), n = col_of(&t, "nps");
		fig_set(f, which, "CSAT", c >= 0 ? cell(&t, i, (size_t)c) : "");
		fig_set(f, which, "NPS", n >= 0 ? cell(&t, i, (size_t)n) : "");
	}
	table_free(&t);
}

static void headline(struct rctx *x, struct table *h, crm_time cs, crm_time ce, crm_time ps, crm_time pe,
		     enum period by)
{
	struct figs f = { 0 };
	period_figs(x, &f, 0, cs, ce, by);
	period_figs(x, &f, 1, ps, pe, by);
	static const char *const c[] = { "figure", "value", "previous", "change", NULL };
	table_cols(h, c, "snnn");
	for (size_t i = 0; i < f.n; i++) {
		struct rec *r = table_row(h);
		cell_str(r, f.v[i].name);
		cell_str(r, f.v[i].v[0]);
		cell_str(r, f.v[i].v[1]);
		if (*f.v[i].v[0] && *f.v[i].v[1]) {
			int d = decimals(f.v[i].v[0]) > decimals(f.v[i].v[1]) ? decimals(f.v[i].v[0])
									      : decimals(f.v[i].v[1]);
			double diff = strtod(f.v[i].v[0], NULL) - strtod(f.v[i].v[1], NULL);
			char b[64];
			if (fabs(diff) < 0.5 * pow(10, -d))
				snprintf(b, sizeof b, "%.*f", d, 0.0);
			else
				snprintf(b, sizeof b, "%+.*f", d, diff);
			cell_str(r, b);
		} else {
			cell_str(r, "");
		}
	}
	free(f.v);
}

/* -- the charts -- */

/* The open deals by stage, per currency: pipeline's open rows. */
static void pipeline_part(struct rctx *x, struct table *out, crm_time until)
{
	struct table t;
	run(x, report_pipeline, &t, "", INT64_MIN, until, x->by);
	static const char *const c[] = { "stage", "currency", "deals", "value", "weighted", NULL };
	table_cols(out, c, "ssnnn");
	for (size_t i = 0; i < t.n; i++) {
		if (strcmp(cell(&t, i, 0), "open"))
			continue;
		struct rec *r = table_row(out);
		for (size_t k = 1; k <= 5; k++)
			cell_str(r, cell(&t, i, k));
	}
	out->chart_label = 0;
	out->chart_series = 1;
	out->chart_value = 3;
	out->chart_across = true;
	out->no_bar = true;
	table_free(&t);
}

/* The tasks overdue at until: followups' overdue rows. */
static void overdue_part(struct rctx *x, struct table *out, crm_time until)
{
	struct table t;
	run(x, report_overdue, &t, "", INT64_MIN, until, x->by);
	static const char *const c[] = { "task", "due", "name", "days", NULL };
	table_cols(out, c, "sssn");
	for (size_t i = 0; i < t.n; i++) {
		if (strcmp(cell(&t, i, 0), "overdue"))
			continue;
		struct rec *r = table_row(out);
		cell_str(r, cell(&t, i, 5));
		cell_str(r, cell(&t, i, 1));
		cell_str(r, cell(&t, i, 3));
		cell_str(r, cell(&t, i, 6));
	}
	out->chart_label = 0;
	out->chart_value = 3;
	out->chart_across = true;
	if (!out->n)
		snprintf(out->note, sizeof out->note, "No task is overdue.");
	table_free(&t);
}

/* The segments: crm-segment --rfm --summary, run beside this program,
 * its CSV read back. */
static void segments_part(struct rctx *x, struct table *out, crm_time until)
{
	char asof[DATE_BUFSZ], self[4096], prog[4200];
	date_fmt(until, asof);
	ssize_t l = readlink("/proc/self/exe", self, sizeof self - 1);
	snprintf(prog, sizeof prog, "crm-segment");
	if (l > 0) {
		self[l] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(prog, sizeof prog, "%s/crm-segment", self);
		}
	}
	int fd[2];
	if (pipe(fd) < 0)
		crm_die("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		crm_die("fork");
	if (!pid) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		/* what it leaves out the digest tells once; its failure is a note */
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		char *args[] = { prog, "--rfm", "--summary", "-o", "csv", "-d", (char *)x->d.path,
				 "--as-of", asof, "--currency", x->rates.base, NULL };
		execv(prog, args);
		execvp("crm-segment", args);
		_exit(127);
	}
	close(fd[1]);
	struct sb csv = { 0 };
	int rc = read_all(fd[0], &csv);
	close(fd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		;
	bool ok = rc >= 0 && WIFEXITED(st) && WEXITSTATUS(st) <= 1;
	struct csvin *in = ok ? csvin_open_mem(csv.s ? csv.s : "", csv.len, "crm-segment") : NULL;
	struct rec r = { 0 };
	if (in && csvin_next(in, &r) > 0) {
		const char *kinds = "snnnnn";
		for (size_t c = 0; c < r.n && c < 6; c++) {
			const char *name[] = { rec_get(&r, c), NULL };
			char k[2] = { kinds[c], 0 };
			table_cols(out, name, k);
		}
		while (csvin_next(in, &r) > 0) {
			struct rec *o = table_row(out);
			for (size_t c = 0; c < out->cols.n; c++)
				cell_str(o, rec_get(&r, c));
		}
		out->chart_label = 0;
		out->chart_value = col_of(out, "share");
		out->chart_across = true;
	} else {
		snprintf(out->note, sizeof out->note, "The segments could not be worked out (crm-segment).");
	}
	rec_free(&r);
	if (in)
		csvin_close(in);
	sb_free(&csv);
}

/* A valuable customer and its chance of being still active. */
struct risk {
	const char *id, *name;
	long long revenue;
	double p_alive;
	crm_time last;
};

static int cmp_risk(const void *a, const void *b)
{
	const struct risk *x = a, *y = b;
	if (x->p_alive != y->p_alive)
		return x->p_alive < y->p_alive ? -1 : 1;
	if (x->revenue != y->revenue)
		return x->revenue > y->revenue ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* Those likeliest to have left among the valuable customers: the buyers
 * whose revenue up to until is at least the median of the buyers', by the
 * BG/NBD model's p_alive, the lowest first. */
static void risk_part(struct rctx *x, struct table *out, crm_time until)
{
	static const char *const c[] = { "id", "name", "revenue", "p_alive", "last_purchase", NULL };
	struct buyers b;
	if (buyers_load(&b, &x->d, &x->rates, until, x->strict) < 0)
		exit(CRM_ERR);
	struct predict_params pp;
	char err[PREDICT_ERRSZ];
	if (predict_fit(b.c, b.n, &pp, err, sizeof err) < 0) {
		snprintf(out->note, sizeof out->note, "The model of who buys again could not be fitted: %s.",
			 err);
		buyers_free(&b);
		return;
	}
	crm_time u = x->until;
	x->until = until;
	struct derive *dv = figures_load(x, 1u << D_REVENUE | 1u << D_LAST_PURCHASE, false, INT64_MIN);
	x->until = u;
	struct risk *v = xcalloc(x->nci + 1, sizeof *v);
	long long *rev = xcalloc(x->nci + 1, sizeof *rev);
	size_t n = 0, nr = 0;
	for (size_t i = 0; i < x->nci; i++) {
		const char *id = x->ci[i].id;
		const struct figures *f = derive_of(dv, id, strlen(id));
		const struct predict_cust *pc = buyers_get(&b, id, strlen(id));
		if (!f || !pc || f->revenue <= 0)
			continue;
		rev[nr++] = f->revenue;
		v[n++] = (struct risk){ id, x->ci[i].name, f->revenue, predict_p_alive(&pp, pc), f->last_purchase };
	}
	long long median = 0;
	if (nr) {
		qsort(rev, nr, sizeof *rev, cmp_ll);
		median = rev[(nr - 1) / 2];
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_risk);
	table_cols(out, c, "ssnns");
	size_t limit = x->limit >= 0 ? (size_t)x->limit : 10;
	for (size_t i = 0; i < n && out->n < limit; i++) {
		if (v[i].revenue < median)
			continue;
		struct rec *r = table_row(out);
		cell_str(r, v[i].id);
		cell_str(r, v[i].name);
		cell_base(r, x, v[i].revenue);
		char p[32];
		snprintf(p, sizeof p, "%.3f", v[i].p_alive);
		cell_str(r, p);
		cell_time(r, v[i].last);
	}
	out->chart_label = 1;
	out->chart_value = 3;
	out->chart_across = true;
	free(v);
	free(rev);
	derive_free(dv);
	buyers_free(&b);
}

void report_digest(struct rctx *x, struct table *unused)
{
	enum period by = x->by_given ? x->by : P_WEEK;
	/* the period: the latest one of --by that has ended by --until, and
	 * the one before it */
	crm_time cs = period_start(x->until, by), ce = period_next(cs, by) - 1;
	if (ce > x->until) {
		ce = cs - 1;
		cs = period_start(ce, by);
	}
	crm_time pe = cs - 1, ps = period_start(pe, by);
	char d1[DATE_BUFSZ], d2[DATE_BUFSZ], d3[DATE_BUFSZ], d4[DATE_BUFSZ], period[160], title[96];
	date_fmt_day(cs, d1);
	date_fmt_day(ce, d2);
	date_fmt_day(ps, d3);
	date_fmt_day(pe, d4);
	static const char *const names[] = { "day", "week", "month", "quarter", "year" };
	snprintf(period, sizeof period, "%s %s to %s, against %s to %s", names[by], d1, d2, d3, d4);

	/* the amounts left out for want of a rate are not counted: the
	 * digest reads them many times; one pass, the revenue by month, tells */
	atomic_long *unrated = x->rates.unrated;
	x->rates.unrated = NULL;
	enum { H, REV, CONTACTS, PIPE, SEG, RISK, OVERDUE, NPARTS };
	struct table parts[NPARTS];
	struct table *v[NPARTS];
	table_init(&parts[H], "Headline figures");
	snprintf(parts[H].period, sizeof parts[H].period, "%s to %s", d1, d2);
	headline(x, &parts[H], cs, ce, ps, pe, by);

	/* revenue by month per currency: the twelve months up to the period's end */
	crm_time from = add_months(period_start(ce, P_MONTH), -11);
	date_fmt_day(from, d3);
	x->rates.unrated = unrated;
	run(x, report_revenue, &parts[REV], "Revenue by month per currency", from, ce, P_MONTH);
	x->rates.unrated = NULL;
	parts[REV].chart_series = 1;
	parts[REV].chart_marked = false;
	parts[REV].chart_value = 4;
	snprintf(parts[REV].period, sizeof parts[REV].period, "%s to %s", d3, d2);

	run(x, report_activity, &parts[CONTACTS], "Contacts by channel", cs, ce, by);
	parts[CONTACTS].chart_label = 1;
	parts[CONTACTS].chart_across = true;
	snprintf(parts[CONTACTS].period, sizeof parts[CONTACTS].period, "%s to %s", d1, d2);

	snprintf(title, sizeof title, "Open deals by stage");
	table_init(&parts[PIPE], title);
	pipeline_part(x, &parts[PIPE], ce);
	snprintf(parts[PIPE].period, sizeof parts[PIPE].period, "on %s", d2);

	table_init(&parts[SEG], "Segments (RFM)");
	segments_part(x, &parts[SEG], ce);
	snprintf(parts[SEG].period, sizeof parts[SEG].period, "on %s", d2);

	table_init(&parts[RISK], "Valuable customers at risk of leaving");
	risk_part(x, &parts[RISK], ce);
	snprintf(parts[RISK].period, sizeof parts[RISK].period, "on %s", d2);

	table_init(&parts[OVERDUE], "Overdue follow-ups");
	overdue_part(x, &parts[OVERDUE], ce);
	snprintf(parts[OVERDUE].period, sizeof parts[OVERDUE].period, "on %s", d2);

	for (int i = 0; i < NPARTS; i++)
		v[i] = &parts[i];
	tables_print(v, NPARTS, "crm digest", period, x->format, x->color);
	for (int i = 0; i < NPARTS; i++)
		table_free(&parts[i]);
	/* the revenue by month told what it left out when it made totals */
	bool told = false;
	for (size_t i = 0; i < parts[REV].n; i++)
		told |= !strncmp(cell(&parts[REV], i, 1), "total ", 6);
	x->rates.unrated = unrated;
	if (!told)
		dom_rates_warn(&x->rates);
	(void)unused;
}
