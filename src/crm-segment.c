/* crm-segment - RFM, rule-based and lifecycle segments as new columns */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buyers.h"
#include "complete.h"
#include "cust.h"
#include "date.h"
#include "derive.h"
#include "dir.h"
#include "expr.h"
#include "fieldset.h"
#include "fmt.h"
#include "money.h"
#include "opt.h"
#include "predict.h"
#include "rfm.h"
#include "rules.h"
#include "suggest.h"
#include "util.h"

enum {
	O_RFM = OPT_FIRST_LOCAL, O_RULES, O_LIFECYCLE, O_ASOF, O_ONLY, O_DEFAULT, O_PREDICT,
	O_HORIZON, O_DISCOUNT, O_PARAMS
};

static const struct crm_opt opts[] = {
	{ O_RFM, "rfm", NULL, "add RFM scores r, f, m, rfm and their segment" },
	{ O_RULES, "rules", "FILE", "segment by the rules NAME: EXPR of FILE (default segments.conf)" },
	{ O_DEFAULT, "default", "NAME", "with rules: the segment of customers no rule matches" },
	{ O_LIFECYCLE, "lifecycle", NULL, "add the lifecycle stage (new, active, at-risk, lapsed, lost)" },
	{ O_PREDICT, "predict", NULL, "add p_alive, exp_purchases and exp_revenue (BG/NBD, Gamma-Gamma)" },
	{ O_HORIZON, "horizon", "DURATION", "with --predict: the time ahead predicted, as 365d, 26w, 6m, 2y (365d)" },
	{ O_DISCOUNT, "discount", "RATE", "with --predict: discount exp_revenue by RATE a year (0.1 or 10%)" },
	{ O_PARAMS, "params", NULL, "print the fitted parameters of --predict instead of the customers" },
	{ O_ASOF, "as-of", "DATE", "take the figures on this day (default: now)" },
	{ O_ONLY, "only", "NAME", "keep only the customers of this segment (repeatable)" },
	{ 'S', "summary", NULL, "one row per segment instead of the customers" },
	{ 'w', "where", "EXPR", "only the customers for which EXPR holds (as crm-find --where)" },
	CRM_OPT_CURRENCY,
	CRM_OPT_FORMAT_CUSTOMERS,
	CRM_OPT_SAFECSV,
	CRM_OPTS_READER,
};

static const struct crm_cmd cmd = {
	"[--rfm] [--rules FILE] [--lifecycle] [--predict] [--horizon DURATION] [--discount RATE]"
	" [--as-of DATE] [--only NAME]... [-w EXPR] [-S] [--currency CUR] [-o FORMAT]\n"
	"--params [--as-of DATE] [-o FORMAT]",
	"Add segment columns to the customers of the stream (or of customers.csv)\n"
	"from their history: RFM scores, the first matching rule of a rules file,\n"
	"the lifecycle stage, and predictions of what each customer will buy.",
	opts,
	NULL,
};

static const char *const life_order[] = { "new", "active", "at-risk", "lapsed", "lost", NULL };

/* The RFM segments and the lifecycle stages --only knows, for the shell
 * completions (those of segments.conf come from complete.c). */
static void complete_segments(const char *kind, const char *prefix)
{
	if (strcmp(kind, "SEGMENT"))
		return;
	for (const char *const *v = rfm_order; *v; v++)
		if (!strncasecmp(*v, prefix, strlen(prefix)))
			printf("%s\t--rfm\n", *v);
	for (const char *const *v = life_order; *v; v++)
		if (!strncasecmp(*v, prefix, strlen(prefix)))
			printf("%s\t--lifecycle\n", *v);
}

/* A buyer held (the customers with a purchase only; for a summary read
 * in order, every customer with figures): its RFM figures and scores, the
 * purchases in its revenue, and where its id is in the list of ids. */
struct buyer {
	struct rfm s;
	int32_t orders;
	uint32_t idoff; /* into seg.ids */
};

/* A customer held whole (a stream read once): its record and its place
 * among the buyers, or -1. */
struct cust {
	struct rec r;
	long b;
};

struct opts {
	bool rfm, lifecycle, summary, predict, params;
	const char *rules, *def, *asof, *where, *horizon, *discount;
	char **only;
	size_t nonly, ocap;
	struct crm_common c;
};

/* Read NAME: EXPR lines. Errors name file:line:column. */
static struct rule *read_rules(const char *path, const struct schema *sc, crm_time now, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct sb text = { 0 };
	if (fd < 0 || (read_all(fd, &text) < 0 && errno != EISDIR))
		crm_die("%s", path);
	close(fd);
	struct rule *v;
	struct rules_err err;
	if (rules_parse(text.s, text.len, sc, now, &v, n, &err) < 0) {
		if (err.col)
			crm_warnx("%s:%ld:%ld:%s", path, err.line, err.col, err.msg);
		else
			crm_dataerr(path, err.line, "%s", err.msg);
		exit(CRM_ERR);
	}
	sb_free(&text);
	if (!*n)
		crm_diex("%s: no rules (lines NAME: EXPR)", path);
	return v;
}

/* The figures of the customer with this id, or none. */
static const struct figures *figs(const struct derive *dv, const char *id)
{
	static const struct figures none = { .last_contact = INT64_MIN, .first_contact = INT64_MIN,
					     .last_purchase = INT64_MIN, .campaign_ts = INT64_MIN };
	const struct figures *f = derive_of(dv, id, strlen(id));
	return f ? f : &none;
}

struct group {
	const char *name;
	bool own; /* name is a copy */
	long customers, purchases, with_purchase;
	long long revenue, days;
};

/* The summary (-S), gathered a customer at a time: the known names
 * first, in their order, so that the table reads well. */
struct summ {
	struct group *g;
	size_t ng, cap;
	long n; /* the customers */
};

static size_t summ_group(struct summ *s, const char *name, bool copy)
{
	size_t k = 0;
	while (k < s->ng && strcmp(s->g[k].name, name))
		k++;
	if (k == s->ng) {
		void *q = s->g;
		xgrow(&q, &s->cap, s->ng + 1, sizeof *s->g);
		s->g = q;
		s->g[s->ng++] = (struct group){ copy ? xstrdup(name) : name, copy, 0, 0, 0, 0, 0 };
	}
	return k;
}

static void summ_init(struct summ *s, const char *const *order, const struct rule *rules,
		      size_t nrules, const char *def)
{
	memset(s, 0, sizeof *s);
	for (const char *const *p = order; p && *p; p++)
		summ_group(s, *p, false);
	for (size_t i = 0; i < nrules; i++)
		summ_group(s, rules[i].name, false);
	if (def)
		summ_group(s, def, false);
}

/* A customer of segment seg, with its revenue, the purchases whose
 * amount is in it, and the days since its last purchase (-1: none). */
static void summ_add(struct summ *s, const char *seg, long long revenue, long orders, long days)
{
	size_t k = summ_group(s, seg, true); /* before s->g is read: it may move it */
	struct group *g = &s->g[k];
	g->customers++;
	g->revenue += revenue;
	g->purchases += orders;
	if (days >= 0) {
		g->with_purchase++;
		g->days += days;
	}
	s->n++;
}

static void summ_print(struct summ *s, const struct opts *o, const char *currency)
{
	struct table t;
	table_init(&t, "crm segment: summary");
	static const char *const cols[] = { "segment", "customers", "share", "revenue", "aov",
					    "days_since_purchase", NULL };
	table_cols(&t, cols, "snnnnn");
	t.chart_label = 0;
	t.chart_value = 1;
	for (size_t k = 0; k < s->ng; k++) {
		const struct group *g = &s->g[k];
		if (!g->customers)
			continue;
		struct rec *r = table_row(&t);
		cell_str(r, *g->name ? g->name : "(none)");
		cell_num(r, g->customers);
		/* share in tenths of a percent, rounded half up */
		cell_pct(r, g->customers, (long long)s->n);
		cell_money(r, g->revenue, currency);
		if (g->purchases)
			cell_money(r, g->revenue / g->purchases, currency);
		else
			cell_str(r, "");
		if (g->with_purchase)
			cell_num(r, (g->days * 2 + g->with_purchase) / (2 * g->with_purchase));
		else
			cell_str(r, "");
	}
	table_print(&t, o->c.format, o->c.color);
	table_free(&t);
}

static void summ_free(struct summ *s)
{
	for (size_t k = 0; k < s->ng; k++)
		if (s->g[k].own)
			free((char *)s->g[k].name);
	free(s->g);
}

/* What segmenting a customer needs. */
struct seg {
	const struct opts *o;
	struct fieldset *fs;
	struct rule *rules;
	size_t nrules;
	crm_time asof;
	long idcol;
	const struct hdr *out;
	const char *in_name, *rules_path; /* for messages */
	long c_r, c_f, c_m, c_rfm, c_rseg, c_seg, c_life, c_alive, c_epur, c_erev;
	long t_new, t_act, t_risk, t_lapse;
	/* --predict */
	const struct buyers *buyers;
	const struct predict_params *pp;
	double horizon, rate; /* days; a year */
	int decimals;         /* of the currency */
	struct sb ids; /* the customers' ids, for ties of the RFM ranks */
	struct expr *where; /* --where, or NULL */
};

/* Whether --where takes the customer r (with the columns of the output).
 * A test that cannot be decided (a regular expression that gave up) is
 * fatal: no answer is not "no". */
static bool selected(const struct seg *g, const struct rec *r)
{
	struct row_ctx rc = { .fs = g->fs, .r = r };
	const char *why;
	if (!g->where || expr_eval(g->where, fieldset_get, &rc, &why))
		return true;
	if (why) {
		crm_dataerr(g->in_name, r->line, "customer %s: --where: %s",
			    g->idcol >= 0 ? rec_get(r, (size_t)g->idcol) : "", why);
		exit(CRM_ERR);
	}
	return false;
}

/* Add the customer of figures f, of segment seg, to the summary. */
static void summ_cust(const struct seg *g, struct summ *s, const char *seg, const struct figures *f)
{
	struct rfm c;
	rfm_figures(&c, f, g->asof);
	summ_add(s, seg, f->revenue, f->orders, c.days);
}

/* The RFM figures of the customer of r into *b: false when it is no buyer
 * (no purchase up to the as-of day), which RFM does not score. */
static bool buyer_of(const struct seg *g, const struct rec *r, struct buyer *b)
{
	const struct figures *f = figs(g->fs->dv, rec_get(r, (size_t)g->idcol));
	rfm_figures(&b->s, f, g->asof);
	b->orders = f->orders;
	return rfm_buyer(&b->s);
}

/* Hold buyer b, of the customer id (n bytes), in v. */
static void buyer_push(struct seg *g, struct buyer **v, size_t *n, size_t *cap, struct buyer *b,
		       const char *id, size_t idn)
{
	if (g->ids.len > UINT32_MAX)
		crm_diex("too many customers with purchases to score");
	b->idoff = (uint32_t)g->ids.len;
	sb_add(&g->ids, id, idn);
	sb_addc(&g->ids, '\0');
	void *p = *v;
	xgrow(&p, cap, *n + 1, sizeof **v);
	*v = p;
	(*v)[(*n)++] = *b;
}

/* Places of a customers file where a record starts, each with the rows
 * and the buyers before it, noted by the first pass every MARK_ROWS rows
 * and at its end: the second pass reads the pieces between them on two
 * threads (rows_in_pieces). */
struct mark {
	struct csv_split at;
	size_t rows, nb;
};
struct marks {
	struct mark *m;
	size_t n, cap;
};
enum { MARK_ROWS = 1 << 12 };

static void marks_add(struct marks *ms, const struct mark *k)
{
	void *p = ms->m;
	xgrow(&p, &ms->cap, ms->n + 1, sizeof *ms->m);
	ms->m = p;
	ms->m[ms->n++] = *k;
}

/* Note where the next record of in starts, after rows rows and nb
 * buyers. */
static void mark_push(struct marks *ms, const struct recin *in, size_t rows, size_t nb)
{
	struct mark k = { .rows = rows, .nb = nb };
	if (recin_where(in, &k.at))
		marks_add(ms, &k);
	else
		ms->n = 0; /* none then */
}

/* The buyers among the customers of in, found by their ids alone (no
 * record is taken apart that need not be), the figures of 64 looked up at
 * once; *rows counts the records read. With all, every customer with
 * figures is held, a buyer or not (for a summary). With ms, note marks
 * (from the first record). For a run without --where, which wants the
 * whole record. Returns 0, or -1 after reporting an error. */
static int buyers_by_id(struct seg *g, struct recin *in, struct buyer **v, size_t *nb, size_t *cap,
			size_t *rows, bool all, struct marks *ms)
{
	enum { BATCH = 64 };
	struct sb keys = { 0 };
	size_t off[BATCH], len[BATCH], k = 0;
	const char *id[BATCH];
	const struct figures *f[BATCH];
	struct figures room[BATCH];
	struct rec r = { 0 };
	struct recraw x;
	int got;
	size_t mark = *rows; /* the rows at the next mark */
	do {
		if (ms && !k && *rows == mark) {
			mark_push(ms, in, *rows, *nb);
			mark += MARK_ROWS;
		}
		got = recin_next_raw(in, g->idcol, &r, &x);
		if (got > 0) {
			off[k] = keys.len;
			len[k] = x.idn;
			sb_add(&keys, x.id, x.idn);
			k++;
			(*rows)++;
		}
		if (k == BATCH || (got <= 0 && k)) {
			for (size_t i = 0; i < k; i++)
				id[i] = sb_str(&keys) + off[i];
			derive_of_many(g->fs->dv, id, len, k, f, room);
			for (size_t i = 0; i < k; i++) {
				struct buyer b;
				rfm_figures(&b.s, f[i], g->asof);
				b.orders = f[i] ? f[i]->orders : 0;
				if (rfm_buyer(&b.s) || (all && f[i]))
					buyer_push(g, v, nb, cap, &b, id[i], len[i]);
			}
			k = 0;
			sb_reset(&keys);
		}
	} while (got > 0);
	if (ms && !got && ms->n && ms->m[ms->n - 1].rows != *rows)
		mark_push(ms, in, *rows, *nb);
	rec_free(&r);
	sb_free(&keys);
	return got;
}

/* The second half of the first pass, on a thread of its own. */
struct half {
	struct seg g; /* the caller's, but for the ids */
	struct recin in;
	struct buyer *v;
	size_t nb, cap, rows;
	struct marks ms;
	bool all;
	int got;
};

static void *half_run(void *arg)
{
	struct half *h = arg;
	h->got = buyers_by_id(&h->g, &h->in, &h->v, &h->nb, &h->cap, &h->rows, h->all, &h->ms);
	return NULL;
}

/* Rewind in (on fd, from start) to read it again from its header. */
static void rewind_in(struct recin *in, int fd, off_t start, bool strict)
{
	bool owns = in->owns_fd;
	char *name = xstrdup(in->name);
	in->owns_fd = false;
	recin_close(in);
	if (lseek(fd, start, SEEK_SET) < 0)
		crm_die("%s", name);
	if (recin_open_fd(in, fd, name, strict) < 0)
		exit(CRM_ERR);
	in->owns_fd = owns;
	free(name);
}

/* buyers_by_id for a run whose figures are wanted no more afterwards
 * (freed here): a big file is read in two halves on two threads, the
 * buyers of the second put after those of the first, and marks noted in
 * ms (none for a file read whole). Should the second half fail, the file
 * is read again whole on one, to report what fails where it does.
 *
 * What the halves buy, on bench/data (168 MB of customers; 8 runs each,
 * alternating, output to /dev/null, median): crm-segment --rfm (make
 * bench, case 4) 2.07 s -> 1.87 s, --rfm -S (case 4a) 2.04 s -> 1.82 s.
 * How it is checked: STR020 reads a customers file of over 32 MiB with
 * quoted line breaks about its middle and compares with the same rows
 * read through a pipe (one reading, every row parsed), then puts a bad
 * row in its second half, and one in its first, and checks which is
 * reported, by its line. */
static int buyers_in_halves(struct seg *g, struct recin *in, int fd, off_t start, struct buyer **v,
			    size_t *nb, size_t *cap, size_t *rows, bool all, struct marks *ms)
{
	struct stat st;
	struct half *h = xcalloc(1, sizeof *h);
	pthread_t th;
	bool two = sysconf(_SC_NPROCESSORS_ONLN) > 1 && fstat(fd, &st) == 0 && st.st_size > (32 << 20) &&
		   recin_halves(in, &h->in);
	if (two) {
		h->g = *g;
		h->g.ids = (struct sb){ 0 };
		h->all = all;
		if (pthread_create(&th, NULL, half_run, h) != 0) {
			recin_close(&h->in);
			rewind_in(in, fd, start, g->o->c.strict);
			two = false;
		}
	}
	int got = buyers_by_id(g, in, v, nb, cap, rows, all, two ? ms : NULL);
	if (two) {
		pthread_join(th, NULL);
		recin_close(&h->in);
		if (got >= 0 && h->got < 0) {
			free(*v);
			*v = NULL;
			*nb = *cap = *rows = 0;
			sb_reset(&g->ids);
			rewind_in(in, fd, start, g->o->c.strict);
			got = buyers_by_id(g, in, v, nb, cap, rows, all, NULL);
			ms->n = 0;
		} else if (got >= 0) {
			/* the marks of the second half go on from the first's end */
			if (!ms->n || !h->ms.n || h->ms.m[0].at.at != ms->m[ms->n - 1].at.at)
				ms->n = h->ms.n = 0;
			for (size_t i = 1; i < h->ms.n; i++) {
				struct mark k = h->ms.m[i];
				k.rows += *rows;
				k.nb += *nb;
				marks_add(ms, &k);
			}
			derive_free(g->fs->dv);
			g->fs->dv = NULL;
			size_t base = g->ids.len;
			if (base + h->g.ids.len > UINT32_MAX)
				crm_diex("too many customers with purchases to score");
			sb_add(&g->ids, h->g.ids.s, h->g.ids.len);
			void *p = *v;
			xgrow(&p, cap, *nb + h->nb, sizeof **v);
			*v = p;
			for (size_t i = 0; i < h->nb; i++) {
				(*v)[*nb] = h->v[i];
				(*v)[(*nb)++].idoff += (uint32_t)base;
			}
			*rows += h->rows;
		}
	}
	free(h->v);
	free(h->ms.m);
	sb_free(&h->g.ids);
	free(h);
	return got;
}

/* Add a customer of segment seg, held as b (NULL: no figures), to the
 * summary. */
static void summ_held(struct summ *s, const char *seg, const struct buyer *b)
{
	summ_add(s, seg, b ? b->s.m : 0, b ? b->orders : 0, b ? b->s.days : -1);
}

/* Whether b is held for the customer id (n bytes). */
static bool is_held(const struct seg *g, const struct buyer *b, const char *id, size_t n)
{
	const char *bid = g->ids.s + b->idoff;
	return !strncmp(bid, id, n) && !bid[n];
}

/* Score the n buyers by quintiles of R, F and M. */
static void rfm_scores(struct seg *g, struct buyer *v, size_t nb)
{
	struct rfm **c = xcalloc(nb ? nb : 1, sizeof *c);
	const char **ids = xcalloc(nb ? nb : 1, sizeof *ids);
	for (size_t i = 0; i < nb; i++) {
		c[i] = &v[i].s;
		ids[i] = g->ids.s + v[i].idoff;
	}
	rfm_score(c, ids, nb);
	free(ids);
	free(c);
}

/* The predictions of the customer of r: empty when it made no purchase. */
static void predict_row(const struct seg *g, struct rec *r)
{
	const char *id = rec_get(r, (size_t)g->idcol);
	const struct predict_cust *c = buyers_get(g->buyers, id, strlen(id));
	struct predict_out po;
	if (!c) {
		rec_set(r, (size_t)g->c_alive, "", 0);
		rec_set(r, (size_t)g->c_epur, "", 0);
		rec_set(r, (size_t)g->c_erev, "", 0);
		return;
	}
	if (predict_customer(g->pp, c, g->horizon, g->rate, 365, &po) < 0)
		crm_diex("customer %s: the expected purchases cannot be computed over %g days "
			 "(the series does not converge: try a shorter --horizon)", id, g->horizon);
	char b[64];
	int n = snprintf(b, sizeof b, "%.3f", po.p_alive);
	rec_set(r, (size_t)g->c_alive, b, (size_t)n);
	n = snprintf(b, sizeof b, "%.3f", po.purchases);
	rec_set(r, (size_t)g->c_epur, b, (size_t)n);
	n = snprintf(b, sizeof b, "%.*f", g->decimals, po.value);
	rec_set(r, (size_t)g->c_erev, b, (size_t)n);
}

/* Print the fitted parameters, one a row. */
static void print_params(const struct predict_params *pp, const char *currency,
			 const struct opts *o)
{
	struct table t;
	table_init(&t, "crm segment: the fitted models of --predict");
	static const char *const cols[] = { "model", "parameter", "value", "unit", NULL };
	table_cols(&t, cols, "ssns");
	const struct {
		const char *model, *name, *fmt;
		double v;
		const char *unit;
	} rows[] = {
		{ "bgnbd", "r", "%.6g", pp->r, "" },
		{ "bgnbd", "alpha", "%.6g", pp->alpha, "days" },
		{ "bgnbd", "a", "%.6g", pp->a, "" },
		{ "bgnbd", "b", "%.6g", pp->b, "" },
		{ "bgnbd", "log_likelihood", "%.2f", pp->ll, "" },
		{ "bgnbd", "customers", "%.0f", (double)pp->n, "" },
		{ "bgnbd", "repeat_buyers", "%.0f", (double)pp->nrep, "" },
		{ "gamma_gamma", "p", "%.6g", pp->p, "" },
		{ "gamma_gamma", "q", "%.6g", pp->q, "" },
		{ "gamma_gamma", "gamma", "%.6g", pp->gamma, currency },
		{ "gamma_gamma", "log_likelihood", "%.2f", pp->gg_ll, "" },
		{ "gamma_gamma", "customers", "%.0f", (double)pp->gg_n, "" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		char b[64];
		struct rec *r = table_row(&t);
		cell_str(r, rows[i].model);
		cell_str(r, rows[i].name);
		snprintf(b, sizeof b, rows[i].fmt, rows[i].v);
		cell_str(r, b);
		cell_str(r, rows[i].unit);
	}
	table_print(&t, o->c.format, o->c.color);
	table_free(&t);
}

/* Fill the columns of the customer of r, whose RFM scores are c (NULL
 * when it is no buyer); false when --only leaves it out. */
static bool finish_row(const struct seg *g, struct rec *r, const struct rfm *c)
{
	const struct opts *o = g->o;
	if (o->rfm) {
		if (!c) {
			rec_set(r, (size_t)g->c_r, "", 0);
			rec_set(r, (size_t)g->c_f, "", 0);
			rec_set(r, (size_t)g->c_m, "", 0);
			rec_set(r, (size_t)g->c_rfm, "", 0);
			rec_set(r, (size_t)g->c_rseg, RFM_PROSPECTS, strlen(RFM_PROSPECTS));
		} else {
			/* scores are 1 to 5: a digit each */
			const char b[3] = { (char)('0' + c->rs), (char)('0' + c->fs), (char)('0' + c->ms) };
			rec_set(r, (size_t)g->c_r, b, 1);
			rec_set(r, (size_t)g->c_f, b + 1, 1);
			rec_set(r, (size_t)g->c_m, b + 2, 1);
			rec_set(r, (size_t)g->c_rfm, b, 3);
			const char *seg = rfm_segment(c);
			rec_set(r, (size_t)g->c_rseg, seg, strlen(seg));
		}
	}
	if (o->lifecycle) {
		const struct figures *f = figs(g->fs->dv, rec_get(r, (size_t)g->idcol));
		const char *stage = "";
		if (f->first_contact != INT64_MIN && f->last_contact != INT64_MIN) {
			long since_first = (long)((g->asof - f->first_contact) / 86400);
			long since_last = (long)((g->asof - f->last_contact) / 86400);
			stage = since_first <= g->t_new	    ? "new"
				: since_last <= g->t_act    ? "active"
				: since_last <= g->t_risk   ? "at-risk"
				: since_last <= g->t_lapse  ? "lapsed"
							    : "lost";
		}
		rec_set(r, (size_t)g->c_life, stage, strlen(stage));
	}
	if (o->predict)
		predict_row(g, r);
	if (g->c_seg >= 0) {
		struct row_ctx rc = { .fs = g->fs, .r = r };
		const char *seg = o->def ? o->def : "";
		for (size_t k = 0; k < g->nrules; k++) {
			const char *why;
			if (expr_eval(g->rules[k].e, fieldset_get, &rc, &why)) {
				seg = g->rules[k].name;
				break;
			}
			if (why) {
				/* no answer is not "no": the customer would land in
				 * the wrong segment */
				crm_dataerr(g->in_name, r->line, "customer %s: %s:%ld: rule '%s': %s",
					    g->idcol >= 0 ? rec_get(r, (size_t)g->idcol) : "",
					    g->rules_path, g->rules[k].line, g->rules[k].name, why);
				exit(CRM_ERR);
			}
		}
		rec_set(r, (size_t)g->c_seg, seg, strlen(seg));
	}
	/* --only: keep the customers of the named segments */
	bool keep = !o->nonly;
	for (size_t j = 0; j < o->nonly && !keep; j++)
		keep = (g->c_seg >= 0 && ascii_ieq(rec_get(r, (size_t)g->c_seg), o->only[j])) ||
		       (g->c_rseg >= 0 && ascii_ieq(rec_get(r, (size_t)g->c_rseg), o->only[j])) ||
		       (g->c_life >= 0 && ascii_ieq(rec_get(r, (size_t)g->c_life), o->only[j]));
	return keep;
}

/* The writer of the customers with their segment columns (those from
 * added on): on a terminal, the id, the name and these columns first. */
static struct out *open_out(const struct opts *o, bool jsonl, const struct hdr *out,
			    const bool *num, size_t added)
{
	struct out *w = out_open(fmt_choose(o->c.format, jsonl ? FMT_JSONL : FMT_CSV, FMTS_CUSTOMERS),
				 out, num, fmt_color(o->c.color));
	static const char *first[32];
	size_t n = 0;
	first[n++] = "id";
	first[n++] = "name";
	for (size_t i = added; i < out->n && n < 24; i++)
		first[n++] = out->name[i];
	for (size_t i = 2; cust_shown_first[i] && n < 31; i++)
		first[n++] = cust_shown_first[i];
	first[n] = NULL;
	out_fit(w, first);
	return w;
}

/* Every name of --only must be a segment this run can give: a mistyped
 * one would keep nobody without a word. */
static void check_only(const struct opts *o, const struct rule *rules, size_t nrules)
{
	const char **names = xcalloc(nrules + 32, sizeof *names);
	size_t n = 0;
	for (size_t i = 0; o->rfm && rfm_order[i]; i++)
		names[n++] = rfm_order[i];
	for (size_t i = 0; o->lifecycle && life_order[i]; i++)
		names[n++] = life_order[i];
	for (size_t i = 0; i < nrules; i++)
		names[n++] = rules[i].name;
	if (o->def)
		names[n++] = o->def;
	for (size_t j = 0; j < o->nonly; j++) {
		bool known = false;
		for (size_t i = 0; i < n && !known; i++)
			known = ascii_ieq(names[i], o->only[j]);
		if (known)
			continue;
		struct sb b = { 0 };
		if (suggest(o->only[j], names, n, "", &b))
			crm_diex("--only: %s: no such segment (did you mean %s?)", o->only[j], sb_str(&b));
		for (size_t i = 0; i < n; i++)
			sb_printf(&b, "%s%s", i ? ", " : "", names[i]);
		crm_diex("--only: %s: no such segment (known: %s)", o->only[j], sb_str(&b));
	}
	free(names);
}

/* Add the groups of another summary to s. */
static void summ_join(struct summ *s, const struct summ *other)
{
	for (size_t k = 0; k < other->ng; k++) {
		const struct group *o = &other->g[k];
		size_t at = summ_group(s, o->name, true);
		struct group *g = &s->g[at];
		g->customers += o->customers;
		g->purchases += o->purchases;
		g->with_purchase += o->with_purchase;
		g->revenue += o->revenue;
		g->days += o->days;
	}
	s->n += other->n;
}

/* Where the rows of a second pass in order go: a writer, a summary, or
 * (a piece of the file read ahead) a buffer. */
struct sink {
	struct out *w;
	struct summ *sm;
	struct sb buf;
};

/* The second pass of a run in order: the rows of in, no more than rows of
 * them, met in turn with the buyers v[0..nb) the first pass held for
 * them, into k; *kept counts those kept. A raw row is written as its
 * bytes with the new columns after. Returns 0; 1 when the rows are not
 * those of the first pass; -1 after a read error (reported unless in is
 * quiet). */
static int rows_in_order(const struct seg *g, struct recin *in, bool raw, const struct buyer *v,
			 size_t nb, size_t rows, struct sink *k, size_t *kept)
{
	/* a raw row's new columns are filled by finish_row as a record of
	 * them alone: gt places them less the input's */
	struct seg gt = *g;
	long sh = (long)in->hdr.n;
	gt.c_r -= sh, gt.c_f -= sh, gt.c_m -= sh, gt.c_rfm -= sh, gt.c_rseg -= sh;
	struct rec r = { 0 }, tail = { 0 };
	struct sb line = { 0 };
	struct recraw x = { 0 };
	size_t bi = 0, seen = 0; /* the buyers and the rows met */
	int got = 0;
	while (seen < rows) {
		got = raw ? recin_next_raw(in, g->idcol, &r, &x) : recin_next(in, &r);
		if (got <= 0)
			break;
		seen++;
		bool whole = !raw || x.parsed; /* r holds the record */
		if (whole)
			while (r.n < g->out->n)
				rec_push(&r, "", 0);
		const char *id = whole ? rec_get(&r, (size_t)g->idcol) : x.id;
		size_t idn = whole ? rec_len(&r, (size_t)g->idcol) : x.idn;
		const struct buyer *held = NULL;
		if (bi < nb && is_held(g, &v[bi], id, idn))
			held = &v[bi++];
		const struct rfm *scores = held && rfm_buyer(&held->s) ? &held->s : NULL;
		const struct seg *gr = whole ? g : &gt;
		struct rec *t = whole ? &r : &tail;
		if (!whole)
			rec_clear(&tail);
		if (!finish_row(gr, t, scores))
			continue;
		(*kept)++;
		if (k->sm) {
			summ_held(k->sm, rec_get(t, (size_t)gr->c_rseg), held);
		} else if (whole && k->w) {
			out_row(k->w, &r);
		} else if (whole) {
			csv_put_rec(&k->buf, &r, g->out->n);
		} else {
			struct sb *b = k->w ? &line : &k->buf;
			sb_reset(&line);
			sb_add(b, x.s, x.n);
			for (size_t i = x.nf; i < g->out->n; i++) {
				sb_addc(b, ',');
				if (i >= in->hdr.n)
					csv_put(b, rec_get(&tail, i - in->hdr.n), rec_len(&tail, i - in->hdr.n));
			}
			sb_addc(b, '\n');
			if (k->w)
				out_raw(k->w, line.s, line.len);
		}
	}
	rec_free(&r);
	rec_free(&tail);
	sb_free(&line);
	if (got < 0)
		return -1;
	return bi == nb && seen == rows ? 0 : 1;
}

enum { AHEAD = 4 };

/* A piece of the second pass read in pieces: from a mark to the next. */
struct piece {
	struct sink k;
	struct summ sm;
	size_t kept;
	int got;
	bool done;
};

/* The pieces, read by two threads in turn, and written in order by the
 * first: no more than AHEAD of them are held, read and not yet written. */
struct crew {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct seg *g;
	const struct recin *in;
	const struct buyer *v;
	const struct mark *m;
	struct piece *p;
	size_t n;       /* the pieces: from m[i] to m[i + 1] */
	size_t next;    /* the first piece no thread has taken */
	size_t written; /* the pieces written */
	bool stop;
	/* the buffers of pieces written, for those read next: memory the
	 * system need not hand out afresh */
	struct sb spare[AHEAD + 1];
	size_t nspare;
};

/* Take the next piece of c to read (c->mu held), with a spare buffer. */
static size_t crew_take(struct crew *c)
{
	size_t i = c->next++;
	if (c->nspare)
		c->p[i].k.buf = c->spare[--c->nspare];
	return i;
}

/* Read piece i of c into its own sink, quietly, with the reader of a
 * thread (opened for its first piece, aimed anew for the next). */
static void piece_read(struct crew *c, size_t i, struct recin *part)
{
	const struct mark *a = &c->m[i], *b = &c->m[i + 1];
	struct piece *p = &c->p[i];
	if (part->csv ? !recin_seek(part, &a->at, b->at.at) : !recin_range(c->in, part, &a->at, b->at.at, true)) {
		p->got = -1;
		return;
	}
	p->got = rows_in_order(c->g, part, true, c->v + a->nb, b->nb - a->nb, b->rows - a->rows, &p->k,
			       &p->kept);
}

/* Write piece i of c, read, into k. A piece that failed is
 * read again here, into k, to report what fails at its line. Returns as
 * rows_in_order. */
static int piece_write(struct crew *c, size_t i, struct sink *k, size_t *kept)
{
	struct piece *p = &c->p[i];
	int got = p->got;
	if (!got && k->sm)
		summ_join(k->sm, &p->sm);
	else if (!got && p->k.buf.len)
		out_raw(k->w, p->k.buf.s, p->k.buf.len);
	if (!got)
		*kept += p->kept;
	summ_free(&p->sm);
	if (got < 0) {
		const struct mark *a = &c->m[i], *b = &c->m[i + 1];
		struct recin part;
		errno = 0;
		if (!recin_range(c->in, &part, &a->at, b->at.at, false)) {
			if (!errno)
				return 1; /* the file is no longer as long */
			crm_warn("%s", c->in->name);
			return -1;
		}
		got = rows_in_order(c->g, &part, true, c->v + a->nb, b->nb - a->nb, b->rows - a->rows, k, kept);
		recin_close(&part);
	}
	return got;
}

/* The second thread: read the pieces it may, in turn. */
static void *crew_run(void *arg)
{
	struct crew *c = arg;
	struct recin part = { 0 };
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->stop && c->next < c->n && c->next >= c->written + AHEAD)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop || c->next >= c->n)
			break;
		size_t i = crew_take(c);
		pthread_mutex_unlock(&c->mu);
		piece_read(c, i, &part);
		pthread_mutex_lock(&c->mu);
		c->p[i].done = true;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	recin_close(&part);
	return NULL;
}

/* rows_in_order over the whole of in (rewound), for a raw run whose first
 * pass noted marks: the pieces between them are read on two threads, a
 * few ahead, into memory, and written in their order. Anything else is
 * read on this thread alone.
 *
 * What it buys, on bench/data (168 MB of customers; 10 runs each,
 * alternating, output to a file, median): crm-segment --rfm (make bench,
 * case 4) 1.80 s -> 1.59 s, --rfm -S (case 4a) 1.69 s -> 1.52 s; the
 * second pass alone 0.43 s -> 0.23 s and 0.34 s -> 0.18 s. Pieces of
 * 4096 rows, their output in the cache still when written: pieces of
 * 32768 gained a third of that. How it is checked: STR020 compares a
 * customers file of over 32 MiB, quoted line breaks across marks, with
 * the same rows read through a pipe, all of them and those of one
 * segment (--only); STR021 fails the opening of a piece's reader, once
 * (the same output) and for good (an error, exit 2). */
static int rows_in_pieces(const struct seg *g, struct recin *in, bool raw, const struct buyer *v, size_t nb,
			  size_t rows, const struct marks *ms, struct sink *k, size_t *kept)
{
	if (!raw || ms->n < 3 || ms->m[0].rows || ms->m[ms->n - 1].rows != rows || ms->m[ms->n - 1].nb != nb)
		return rows_in_order(g, in, raw, v, nb, rows, k, kept);
	struct crew c = { .g = g, .in = in, .v = v, .m = ms->m, .n = ms->n - 1 };
	c.p = xcalloc(c.n, sizeof *c.p);
	for (size_t i = 0; i < c.n; i++)
		if (k->sm)
			c.p[i].k.sm = &c.p[i].sm;
	pthread_mutex_init(&c.mu, NULL);
	pthread_cond_init(&c.cv, NULL);
	struct recin part = { 0 };
	pthread_t th;
	bool two = pthread_create(&th, NULL, crew_run, &c) == 0;
	int got = 0;
	pthread_mutex_lock(&c.mu);
	while (c.written < c.n && !got) {
		size_t i = c.written;
		if (c.p[i].done) { /* write what is read, in order */
			pthread_mutex_unlock(&c.mu);
			got = piece_write(&c, i, k, kept);
			pthread_mutex_lock(&c.mu);
			sb_reset(&c.p[i].k.buf);
			c.spare[c.nspare++] = c.p[i].k.buf;
			c.p[i].k.buf = (struct sb){ 0 };
			c.written++;
		} else if (c.next < c.n && c.next < c.written + AHEAD) { /* else read one */
			i = crew_take(&c);
			pthread_mutex_unlock(&c.mu);
			piece_read(&c, i, &part);
			pthread_mutex_lock(&c.mu);
			c.p[i].done = true;
		} else {
			pthread_cond_wait(&c.cv, &c.mu);
			continue;
		}
		pthread_cond_broadcast(&c.cv);
	}
	c.stop = true;
	pthread_cond_broadcast(&c.cv);
	pthread_mutex_unlock(&c.mu);
	if (two)
		pthread_join(th, NULL);
	for (size_t i = c.written; i < c.n; i++) {
		sb_free(&c.p[i].k.buf);
		summ_free(&c.p[i].sm);
	}
	for (size_t i = 0; i < c.nspare; i++)
		sb_free(&c.spare[i]);
	free(c.p);
	recin_close(&part);
	pthread_cond_destroy(&c.cv);
	pthread_mutex_destroy(&c.mu);
	return got;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	complete_extra(complete_segments);
	struct opts o = { 0 };
	const char *arg;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &o.c, &arg)) != -1) {
		switch (k) {
		case O_RFM: o.rfm = true; break;
		case O_RULES: o.rules = arg; break;
		case O_DEFAULT: o.def = arg; break;
		case O_LIFECYCLE: o.lifecycle = true; break;
		case O_ASOF: o.asof = arg; break;
		case O_PREDICT: o.predict = true; break;
		case O_HORIZON: o.horizon = arg; break;
		case O_DISCOUNT: o.discount = arg; break;
		case O_PARAMS: o.params = true; break;
		case 'S': o.summary = true; break;
		case 'w': o.where = arg; break;
		case O_ONLY: {
			void *p = o.only;
			xgrow(&p, &o.ocap, o.nonly + 1, sizeof *o.only);
			o.only = p;
			o.only[o.nonly++] = (char *)arg;
			break;
		}
		}
	}
	if (optind < argc)
		crm_usage_error(&cmd, "no operands are taken (the customers come from the stream)");
	if ((o.horizon || o.discount) && !o.predict)
		crm_usage_error(&cmd, "--horizon and --discount go with --predict");
	if (o.params && (o.predict || o.rfm || o.lifecycle || o.rules || o.summary || o.nonly))
		crm_usage_error(&cmd, "--params prints the parameters alone (give only --as-of with it)");
	if (o.predict && o.summary)
		crm_usage_error(&cmd, "--predict adds columns to the customers; it does not go with -S");
	double horizon = 365, rate = 0;
	if (o.horizon && !predict_span(o.horizon, &horizon))
		crm_diex("--horizon: '%s' is not a duration (such as 365d, 26w, 6m or 2y, up to a century)",
			 o.horizon);
	if (o.discount && !predict_rate(o.discount, &rate))
		crm_diex("--discount: '%s' is not a yearly rate (such as 0.1 or 10%%)", o.discount);

	struct crm_dir d;
	crm_dir_open(&d, o.c.dir);
	char *rules_path = NULL;
	if (o.rules) {
		rules_path = xstrdup(o.rules);
	} else if (!o.rfm && !o.lifecycle && !o.predict && !o.params) {
		rules_path = crm_path_dup(&d, "segments.conf");
		FILE *f = fopen(rules_path, "r");
		if (!f)
			crm_diex("nothing to do: give --rfm, --lifecycle or --rules FILE (there is no %s)",
				 rules_path);
		fclose(f);
	}
	if (o.def && !rules_path)
		crm_usage_error(&cmd, "--default goes with rules");
	crm_time now = crm_now(), asof = now;
	if (o.asof) {
		asof = date_option("as-of", o.asof, true);
	}

	/* --predict: the models are fitted to every buyer of the history, then
	 * applied to the customers of the stream */
	struct buyers buyers = { 0 };
	struct predict_params pp = { 0 };
	struct dom_rates rates = { 0 };
	if (o.predict || o.params) {
		dom_rates_load(&rates, &d, o.c.currency);
		if (buyers_load(&buyers, &d, &rates, asof, o.c.strict) < 0)
			exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
		if (o.params)
			dom_rates_warn(&rates);
		char err[PREDICT_ERRSZ];
		if (predict_fit(buyers.c, buyers.n, &pp, err, sizeof err) < 0)
			crm_diex("%s", err);
		if (o.params) {
			print_params(&pp, rates.base, &o);
			dom_rates_free(&rates);
			buyers_free(&buyers);
			crm_dir_close(&d);
			crm_flush_stdout();
			return CRM_OK;
		}
	}

	/* a file is read twice (see below); standard input too when it is a
	 * file, from where it stands now, before the header is read */
	bool use_stdin = stdin_is_stream();
	struct stat st;
	bool again = !use_stdin || (fstat(0, &st) == 0 && S_ISREG(st.st_mode));
	off_t start = use_stdin && again ? lseek(0, 0, SEEK_CUR) : 0;
	if (again && start < 0)
		again = false;
	struct recin in;
	if (recin_open(&in, &d, use_stdin, o.c.strict) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	long idcol = hdr_find(&in.hdr, "id");
	if (idcol < 0 && in.hdr.n)
		crm_dataerr(in.name, in.hdr_line, "the customers have no 'id' column"), exit(CRM_ERR);

	/* The output columns: the input's, then the ones added here (an
	 * existing column of the same name is overwritten in place). */
	struct hdr out = { 0 };
	hdr_copy(&out, &in.hdr);
	long c_r = -1, c_f = -1, c_m = -1, c_rfm = -1, c_rseg = -1, c_seg = -1, c_life = -1;
	if (o.rfm) {
		c_r = (long)hdr_add(&out, "r");
		c_f = (long)hdr_add(&out, "f");
		c_m = (long)hdr_add(&out, "m");
		c_rfm = (long)hdr_add(&out, "rfm");
		c_rseg = (long)hdr_add(&out, rules_path ? "rfm_segment" : "segment");
	}
	if (o.lifecycle)
		c_life = (long)hdr_add(&out, "lifecycle");
	long c_alive = -1, c_epur = -1, c_erev = -1;
	if (o.predict) {
		c_alive = (long)hdr_add(&out, "p_alive");
		c_epur = (long)hdr_add(&out, "exp_purchases");
		c_erev = (long)hdr_add(&out, "exp_revenue");
	}
	if (rules_path)
		c_seg = (long)hdr_add(&out, "segment");
	long primary = c_seg >= 0 ? c_seg : c_rseg >= 0 ? c_rseg : c_life;

	struct fieldset fs;
	fieldset_init(&fs, &out);
	struct schema sc = fieldset_schema(&fs);
	struct rule *rules = NULL;
	size_t nrules = 0;
	bool *used = xcalloc(fs.n, sizeof *used);
	if (rules_path) {
		rules = read_rules(rules_path, &sc, asof, &nrules);
		for (size_t i = 0; i < nrules; i++)
			expr_fields(rules[i].e, used);
	}
	check_only(&o, rules, nrules);
	struct expr *where = NULL;
	if (o.where) {
		char err[2048];
		where = expr_parse(o.where, &sc, asof, err, sizeof err);
		if (!where)
			crm_diex("--where: 1:%s", err);
		expr_fields(where, used);
	}
	if (o.rfm || o.summary) {
		used[fieldset_index(&fs, "last_purchase")] = true;
		used[fieldset_index(&fs, "purchases")] = true;
		used[fieldset_index(&fs, "revenue")] = true;
	}
	if (o.lifecycle) {
		used[fieldset_index(&fs, "last_contact")] = true;
		used[fieldset_index(&fs, "first_contact")] = true;
	}
	/* RFM and the summary need the figures even when a column has the name */
	unsigned extra = 1u << D_PURCHASES; /* figures of every customer, even without a field */
	if (o.rfm || o.summary)
		extra |= 1u << D_LAST_PURCHASE | 1u << D_PURCHASES | 1u << D_REVENUE;
	if (o.lifecycle)
		extra |= 1u << D_LAST_CONTACT | 1u << D_FIRST_CONTACT;
	/* the figures stop at --as-of, or now: a later event is not yet history */
	
	if (!fieldset_load(&fs, &d, used, extra, o.c.currency, asof, o.c.strict))
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	const char *currency = fs.rates.base;
	if (o.predict) {
		/* the amounts left out without a rate, unless the figures, which
		 * count the same ones when they convert money, told already */
		struct sb msg = { 0 };
		if (!dom_rates_missing(&fs.rates, &msg))
			dom_rates_warn(&rates);
		sb_free(&msg);
		dom_rates_free(&rates);
	}

	
	struct seg g = { .o = &o, .fs = &fs, .rules = rules, .nrules = nrules, .asof = asof, .where = where,
			 .idcol = idcol, .out = &out, .in_name = in.name, .rules_path = rules_path,
			 .c_r = c_r, .c_f = c_f, .c_m = c_m,
			 .c_rfm = c_rfm, .c_rseg = c_rseg, .c_seg = c_seg, .c_life = c_life,
			 .c_alive = c_alive, .c_epur = c_epur, .c_erev = c_erev, .buyers = &buyers,
			 .pp = &pp, .horizon = horizon, .rate = rate, .decimals = fs.rates.base_exp };
	if (o.lifecycle) {
		g.t_new = conf_long(&d, "new_days", 30);
		g.t_act = conf_long(&d, "active_days", 90);
		g.t_risk = conf_long(&d, "at_risk_days", 180);
		g.t_lapse = conf_long(&d, "lapsed_days", 365);
	}
	bool *num = xcalloc(out.n, sizeof *num);
	const long numeric[] = { c_r, c_f, c_m, c_alive, c_epur, c_erev };
	for (size_t i = 0; i < 6; i++)
		if (numeric[i] >= 0)
			num[numeric[i]] = true;

	struct cust *cs = NULL;    /* a stream read once: every customer */
	struct buyer *bv = NULL;   /* the buyers, in the order of the customers */
	size_t n = 0, cap = 0, nb = 0, bcap = 0, kept = 0;
	const char *const *order = c_seg >= 0 ? NULL : c_rseg >= 0 ? rfm_order : life_order;
	struct summ sm;
	summ_init(&sm, order, rules, nrules, o.def);
	int status = CRM_OK;
	struct buyer b;
	if (again) {
		/* Quintiles need every buyer's figures, not every customer:
		 * read the file twice, holding only the buyers' figures in
		 * between; the summary is gathered as the rows go by. Both
		 * passes read the same file through its descriptor: a writer
		 * that replaces it meanwhile changes neither, and rows one
		 * appends after the first are not read by the second, which
		 * stops where the first did. */
		struct rec r = { 0 };
		int got = 0;
		/* Without --where, the first pass wants of a record its id
		 * alone; with nothing else to compute, the second finds the
		 * buyers in the order of the first, looking up no figures, and
		 * writes a CSV row as its bytes with the new columns after. */
		bool by_id = o.rfm && !in.jsonl && !where;
		bool in_order = by_id && !o.lifecycle && !o.predict && c_seg < 0;
		size_t rows = 0;
		struct marks ms = { 0 };
		if (o.rfm) {
			if (in_order) {
				got = buyers_in_halves(&g, &in, use_stdin ? STDIN_FILENO : in.fd,
						       use_stdin ? start : 0, &bv, &nb, &bcap, &rows, o.summary, &ms);
			} else if (by_id) {
				got = buyers_by_id(&g, &in, &bv, &nb, &bcap, &rows, false, NULL);
			} else {
				while ((got = recin_next(&in, &r)) > 0) {
					rows++;
					while (r.n < out.n)
						rec_push(&r, "", 0);
					if (selected(&g, &r) && buyer_of(&g, &r, &b))
						buyer_push(&g, &bv, &nb, &bcap, &b, rec_get(&r, (size_t)idcol),
							   rec_len(&r, (size_t)idcol));
				}
			}
			if (got < 0)
				exit(CRM_ERR);
			if (in_order) { /* the figures are in bv now */
				derive_free(fs.dv);
				fs.dv = NULL;
			}
			rfm_scores(&g, bv, nb);
			rewind_in(&in, use_stdin ? STDIN_FILENO : in.fd, use_stdin ? start : 0, o.c.strict);
		}
		struct out *w = o.summary ? NULL : open_out(&o, in.jsonl, &out, num, in.hdr.n);
		/* the rows of a plain CSV record are written as their bytes,
		 * when the five columns of --rfm are new, after the input's */
		bool raw = in_order && (o.summary || out_takes_raw(w)) && out.n == in.hdr.n + 5;
		bool changed = false;
		if (in_order) {
			struct sink to = { .w = w, .sm = o.summary ? &sm : NULL };
			got = rows_in_pieces(&g, &in, raw, bv, nb, rows, &ms, &to, &kept);
			changed = got > 0;
		} else {
			size_t bi = 0, seen = 0; /* the buyers and the rows met */
			while (!(o.rfm && seen == rows)) {
				if ((got = recin_next(&in, &r)) <= 0)
					break;
				seen++;
				while (r.n < out.n)
					rec_push(&r, "", 0);
				if (!selected(&g, &r))
					continue;
				const struct rfm *scores = NULL;
				if (o.rfm && buyer_of(&g, &r, &b)) {
					if (bi >= nb || strcmp(g.ids.s + bv[bi].idoff, rec_get(&r, (size_t)idcol)))
						crm_diex("%s: changed while being read; run again", in.name);
					scores = &bv[bi++].s;
				}
				if (!finish_row(&g, &r, scores))
					continue;
				kept++;
				if (o.summary)
					summ_cust(&g, &sm, rec_get(&r, (size_t)primary),
						  figs(fs.dv, rec_get(&r, (size_t)idcol)));
				else
					out_row(w, &r);
			}
			changed = got >= 0 && (bi != nb || (o.rfm && seen != rows));
		}
		if (w)
			out_close(w);
		rec_free(&r);
		free(ms.m);
		if (got < 0)
			status = CRM_ERR;
		else if (changed)
			crm_diex("%s: changed while being read; run again", in.name);
	} else {
		/* A stream read once: hold every customer. */
		for (;;) {
			void *p = cs;
			xgrow0(&p, &cap, n + 1, sizeof *cs);
			cs = p;
			int got = recin_next(&in, &cs[n].r);
			if (got < 0)
				status = CRM_ERR;
			if (got <= 0)
				break;
			while (cs[n].r.n < out.n)
				rec_push(&cs[n].r, "", 0);
			if (!selected(&g, &cs[n].r))
				continue; /* its record is used again for the next */
			cs[n].b = -1;
			if (o.rfm && buyer_of(&g, &cs[n].r, &b)) {
				cs[n].b = (long)nb;
				buyer_push(&g, &bv, &nb, &bcap, &b, rec_get(&cs[n].r, (size_t)idcol),
					   rec_len(&cs[n].r, (size_t)idcol));
			}
			n++;
		}
		if (status != CRM_OK)
			exit(status); /* nothing to undo: what is held goes with the process */
		if (o.rfm)
			rfm_scores(&g, bv, nb);
		for (size_t i = 0; i < n; i++) {
			cs[i].r.gone = !finish_row(&g, &cs[i].r, cs[i].b >= 0 ? &bv[cs[i].b].s : NULL);
			kept += !cs[i].r.gone;
		}
		struct out *w = o.summary ? NULL : open_out(&o, in.jsonl, &out, num, in.hdr.n);
		for (size_t i = 0; i < n; i++) {
			if (cs[i].r.gone)
				continue;
			if (o.summary) {
				summ_cust(&g, &sm, rec_get(&cs[i].r, (size_t)primary),
					  figs(fs.dv, rec_get(&cs[i].r, (size_t)idcol)));
			} else {
				out_row(w, &cs[i].r);
			}
		}
		if (w)
			out_close(w);
	}
	if (o.summary && kept)
		summ_print(&sm, &o, currency);
	summ_free(&sm);
	free(bv);
	free(num);
	sb_free(&g.ids);
	if (!kept && status == CRM_OK)
		status = CRM_NONE;

	for (size_t i = 0; i < cap; i++)
		rec_free(&cs[i].r);
	free(cs);
	rules_free(rules, nrules);
	free(o.only);
	expr_free(where);
	free(used);
	free(rules_path);
	fieldset_free(&fs);
	buyers_free(&buyers);
	hdr_free(&out);
	recin_close(&in);
	crm_dir_close(&d);
	crm_flush_stdout();
	return status;
}
