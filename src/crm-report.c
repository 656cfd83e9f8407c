/* crm-report - the predefined reports */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cust.h"
#include "date.h"
#include "dir.h"
#include "fmt.h"
#include "hmap.h"
#include "money.h"
#include "opt.h"
#include "scan.h"
#include "utf8.h"
#include "util.h"

enum { O_SINCE = OPT_FIRST_LOCAL, O_UNTIL, O_BY, O_GROUP, O_CURRENCY, O_LIMIT, O_WINDOW };

static const struct crm_opt opts[] = {
	{ O_SINCE, "since", "DATE", "from this time on (inclusive; -30d, 2026-01-01)" },
	{ O_UNTIL, "until", "DATE", "up to this time (inclusive; a date: to its end)" },
	{ O_BY, "by", "PERIOD", "day, week (from Monday), month, quarter or year" },
	{ O_GROUP, "group", "FIELD", "split by a customer column (owner, country...) or type, channel, direction, by" },
	{ O_CURRENCY, "currency", "CUR", "the currency of the revenue of top, owners and campaigns (default: crm.conf)" },
	{ O_LIMIT, "limit", "N", "at most N rows (top: default 10)" },
	{ O_WINDOW, "window", "DAYS", "campaigns: days after a mail in which a reply counts (14)" },
	{ 'o', "format", "FORMAT", "table, csv, tsv, json, md or html" },
	CRM_OPT_SAFECSV,
	CRM_OPTS_READER,
};

static const struct crm_cmd cmd = {
	"REPORT [--since DATE] [--until DATE] [--by PERIOD] [--group FIELD] [--currency CUR] [--limit N] [-o FORMAT]",
	"Print a report: summary, activity, revenue, top, segments, pipeline,\n"
	"campaigns, satisfaction, followups, cohorts or owners. A customer stream on\n"
	"standard input limits the report to those customers.",
	opts,
};

enum period { P_DAY, P_WEEK, P_MONTH, P_QUARTER, P_YEAR };

struct cinfo {
	char *id, *name, *group, *owner, *stage, *consent, *touch;
	crm_time created;
	bool has_created;
};

/* Counters by composite key ("a\x1fb\x1fc"). */
struct keyed {
	struct hmap keys;
	long long (*cnt)[8];
	size_t ccap;
};

struct ctx {
	struct crm_dir d;
	crm_time now, since, until;
	bool has_since, has_until, scoped, strict;
	enum period by;
	char currency[4];
	long limit, window;
	const char *group_name;
	int group_ev;           /* PJ_ field when grouping by an event field, else -1 */
	struct hmap ids;        /* customer id -> cinfo index */
	struct cinfo *ci;
	size_t nci, cicap;
	struct keyed k;         /* report rows, by composite key */
};

/* -- periods -- */

static crm_time period_start(crm_time t, enum period p)
{
	int64_t days = date_day(t), y;
	unsigned m, dd;
	civil_from_days(days, &y, &m, &dd);
	switch (p) {
	case P_DAY:
		return date_local(days, 0);
	case P_WEEK: {
		int64_t wd = ((days % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday: Monday = 0 */
		return date_local(days - wd, 0);
	}
	case P_MONTH:
		return date_local(days_from_civil(y, m, 1), 0);
	case P_QUARTER:
		return date_local(days_from_civil(y, (m - 1) / 3 * 3 + 1, 1), 0);
	case P_YEAR:
		return date_local(days_from_civil(y, 1, 1), 0);
	}
	return date_local(days, 0);
}

static crm_time period_next(crm_time start, enum period p)
{
	switch (p) {
	case P_DAY: return date_local(date_day(start) + 1, 0);
	case P_WEEK: return date_local(date_day(start) + 7, 0);
	case P_MONTH: return add_months(start, 1);
	case P_QUARTER: return add_months(start, 3);
	case P_YEAR: return add_months(start, 12);
	}
	return start + 86400;
}

static void period_label(crm_time t, enum period p, char *buf)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(date_day(period_start(t, p)), &y, &m, &d);
	y = y < 0 ? 0 : y > 9999 ? 9999 : y;
	m = m % 13;
	d = d % 32;
	switch (p) {
	case P_DAY:
	case P_WEEK:
		snprintf(buf, 16, "%04d-%02u-%02u", (int)y, m, d);
		break;
	case P_MONTH:
		snprintf(buf, 16, "%04d-%02u", (int)y, m);
		break;
	case P_QUARTER:
		snprintf(buf, 16, "%04d-Q%u", (int)y, (m + 2) / 3 % 5);
		break;
	case P_YEAR:
		snprintf(buf, 16, "%04d", (int)y);
		break;
	}
}

/* -- customers -- */

static struct cinfo *cust(const struct ctx *x, const struct pval *id)
{
	if (id->kind != 's')
		return NULL;
	long i = hmap_get(&x->ids, id->s, id->n);
	return i < 0 ? NULL : &x->ci[i];
}

static void load_customers(struct ctx *x, bool use_stdin)
{
	struct recin in;
	if (recin_open(&in, &x->d, use_stdin, x->strict) < 0)
		exit(CRM_ERR);
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
		const char *id = rec_get(&r, (size_t)ci);
		size_t i = hmap_put(&x->ids, id, strlen(id));
		if (i < x->nci)
			continue;
		void *p = x->ci;
		xgrow(&p, &x->cicap, i + 1, sizeof *x->ci);
		x->ci = p;
		struct cinfo *c = &x->ci[i];
		c->id = xstrdup(id);
		c->name = xstrdup(cn >= 0 ? rec_get(&r, (size_t)cn) : "");
		c->group = cg >= 0 ? xstrdup(rec_get(&r, (size_t)cg)) : NULL;
		c->owner = xstrdup(co >= 0 ? rec_get(&r, (size_t)co) : "");
		c->stage = xstrdup(cs >= 0 ? rec_get(&r, (size_t)cs) : "");
		c->consent = xstrdup(cc >= 0 ? rec_get(&r, (size_t)cc) : "");
		c->touch = xstrdup(ct >= 0 ? rec_get(&r, (size_t)ct) : "");
		c->has_created = cr >= 0 && date_parse(rec_get(&r, (size_t)cr), &c->created);
		x->nci = i + 1;
	}
	rec_free(&r);
	recin_close(&in);
	if (k < 0)
		exit(CRM_ERR);
}

/* Whether an event counts: its customer in scope, its time in the period. */
static bool wanted(const struct ctx *x, const struct event *e, bool timed)
{
	if (x->scoped && !cust(x, &e->p->v[PJ_CUSTOMER]))
		return false;
	if (!timed)
		return true;
	if (!e->has_ts)
		return false;
	if (x->has_since && e->ts < x->since)
		return false;
	if (x->has_until && e->ts > x->until)
		return false;
	return true;
}

/* -- rows keyed by text, with counters -- */

/* The row of key (made when new): its index in k->cnt. */
static size_t row_i(struct keyed *k, const char *key, size_t n)
{
	size_t i = hmap_put(&k->keys, key, n);
	void *p = k->cnt;
	xgrow0(&p, &k->ccap, i + 1, sizeof *k->cnt);
	k->cnt = p;
	return i;
}

static long long *row_n(struct keyed *k, const char *key, size_t n)
{
	size_t i = row_i(k, key, n); /* before k->cnt is read: it may move */
	return k->cnt[i];
}

static long long *row(struct ctx *x, const char *key)
{
	return row_n(&x->k, key, strlen(key));
}

static void keyed_free(struct keyed *k)
{
	hmap_free(&k->keys);
	free(k->cnt);
	memset(k, 0, sizeof *k);
}

/* A row of the current period found by up to two fields of the event,
 * without making and hashing its key (see pctx_row). */
struct rowhit {
	unsigned period; /* pctx.period it was found in; 0: empty */
	unsigned char an, bn;
	char a[22], b[22];
	size_t row;
};

/* What one part of a scan gathers for a per-period report. */
struct pctx {
	const struct ctx *x;
	struct keyed k;
	crm_time day;   /* the day the label below is of */
	char label[16];
	unsigned period; /* counts changes of label */
	struct sb key;  /* the key being built */
	struct rowhit hit[16];
};

/* The period label of an event; consecutive events of one day (the history
 * is in time order) share it. */
static const char *pctx_label(struct pctx *pc, crm_time ts);

/* Start the key of an event: its period, then its group. */
static void key_start(struct pctx *pc, const struct event *e);
/* Add a part to the key. */
static void key_add(struct pctx *pc, const char *s, size_t n)
{
	sb_addc(&pc->key, '\x1f');
	sb_add(&pc->key, s, n);
}

static void key_add_pv(struct pctx *pc, const struct pval *v)
{
	key_add(pc, v->kind == 's' ? v->s : "", v->kind == 's' ? v->n : 0);
}

/* Read the history through fn into x->k, the parts of a big file on their
 * own threads, each into its own counters, summed at the end. */
static void scan_keyed(struct ctx *x, scan_fn fn, unsigned skip)
{
	struct pctx pc[SCAN_MAXPARTS];
	void *ctx[SCAN_MAXPARTS];
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		pc[i] = (struct pctx){ .x = x, .day = INT64_MIN };
		ctx[i] = &pc[i];
	}
	int np = scan_parts_any(&x->d, x->strict, skip, fn, ctx, SCAN_MAXPARTS);
	if (np < 0)
		exit(CRM_ERR);
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		for (size_t j = 0; j < pc[i].k.keys.n; j++) {
			size_t l;
			const char *key = hmap_key(&pc[i].k.keys, j, &l);
			long long *c = row_n(&x->k, key, l);
			for (int f = 0; f < 8; f++)
				c[f] += pc[i].k.cnt[j][f];
		}
		keyed_free(&pc[i].k);
		sb_free(&pc[i].key);
	}
}

/* The fields the per-period reports never read. */
#define SKIP_TEXT (1u << PJ_TEXT | 1u << PJ_SUBJECT)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of m in order, as new strings (free them and the array). */
static char **hmap_sorted(const struct hmap *m)
{
	char **v = xcalloc(m->n + 1, sizeof *v);
	for (size_t i = 0; i < m->n; i++) {
		size_t l;
		const char *k = hmap_key(m, i, &l);
		v[i] = xstrndup(k, l);
	}
	qsort(v, m->n, sizeof *v, cmp_str);
	return v;
}

/* The report's row keys in order. */
static char **sorted_keys(const struct ctx *x, size_t *n)
{
	*n = x->k.keys.n;
	return hmap_sorted(&x->k.keys);
}

/* -- the output table -- */

struct table {
	const char *title;
	struct hdr cols;
	bool numeric[16];
	struct rec *rows;
	size_t n, cap;
	long chart_label, chart_value; /* columns for the HTML chart and the bar, or -1 */
	long only_col;                 /* chart only the rows whose only_col is only_val */
	const char *only_val;
	bool no_bar;                   /* values that do not compare (currencies): no bar */
};

static struct rec *add_row(struct table *t)
{
	void *p = t->rows;
	size_t cap = t->cap;
	xgrow(&p, &cap, t->n + 1, sizeof *t->rows);
	if (cap > t->cap)
		memset((struct rec *)p + t->cap, 0, (cap - t->cap) * sizeof *t->rows);
	t->rows = p;
	t->cap = cap;
	rec_clear(&t->rows[t->n]);
	return &t->rows[t->n++];
}

static void cell(struct rec *r, const char *s)
{
	rec_push(r, s, strlen(s));
}

static void cellf(struct rec *r, const char *fmt, long long v)
{
	char b[32];
	snprintf(b, sizeof b, fmt, v);
	cell(r, b);
}

static void cell_money(struct rec *r, long long minor, const char *cur)
{
	char b[MONEY_BUFSZ];
	money_fmt(minor, cur, false, b);
	cell(r, b);
}

/* A share num/den as a percentage with one decimal, rounded half up; "" when den is 0. */
static void cell_pct(struct rec *r, long long num, long long den)
{
	if (!den) {
		cell(r, "");
		return;
	}
	long long t = (num * 2000 + (num >= 0 ? den : -den)) / (2 * den);
	char b[32];
	snprintf(b, sizeof b, "%s%lld.%lld", t < 0 ? "-" : "", llabs(t) / 10, llabs(t) % 10);
	cell(r, b);
}

/* Name column 1 after the --group field, unless another column has that
 * name already (activity --group type): then group_FIELD. */
static void group_col(struct table *t, const char *field)
{
	char name[256];
	bool clash = false;
	for (size_t i = 0; i < t->cols.n; i++)
		clash |= i != 1 && !strcmp(t->cols.name[i], field);
	snprintf(name, sizeof name, clash ? "group_%s" : "%s", field);
	free(t->cols.name[1]);
	t->cols.name[1] = xstrdup(name);
}

static void cols(struct table *t, const char *const *names, const char *numeric)
{
	for (size_t i = 0; names[i]; i++) {
		hdr_add(&t->cols, names[i]);
		t->numeric[i] = numeric[i] == 'n';
	}
}

/* "1234567.89" -> "1,234,567.89" for a table. */
static void grouped(const char *s, char *out, size_t n)
{
	const char *p = s;
	size_t k = 0;
	if (*p == '-')
		out[k++] = *p++;
	size_t digits = strspn(p, "0123456789");
	for (size_t i = 0; i < digits && k + 2 < n; i++) {
		if (i && (digits - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = p[i];
	}
	snprintf(out + k, n - k, "%s", p + digits);
}

static double num_of(const char *s)
{
	return strtod(s, NULL);
}

static void html_chart(struct sb *b, const struct table *t)
{
	if (t->chart_label < 0 || t->chart_value < 0 || !t->n)
		return;
	/* sum the value per label, in order of first appearance */
	char **labels = xcalloc(t->n, sizeof *labels);
	double *vals = xcalloc(t->n, sizeof *vals);
	size_t nl = 0;
	for (size_t i = 0; i < t->n; i++) {
		const char *l = rec_get(&t->rows[i], (size_t)t->chart_label);
		if (!*l)
			continue; /* a row without a label (a rate) is no bar */
		size_t k = 0;
		while (k < nl && strcmp(labels[k], l))
			k++;
		if (k == nl)
			labels[nl++] = (char *)l; /* every period gets a bar, 0 high when empty */
		if (t->only_col >= 0 && strcmp(rec_get(&t->rows[i], (size_t)t->only_col), t->only_val))
			continue;
		vals[k] += num_of(rec_get(&t->rows[i], (size_t)t->chart_value));
	}
	double max = 0;
	for (size_t i = 0; i < nl; i++)
		if (vals[i] > max)
			max = vals[i];
	int bw = 28, gap = 6, h = 160, top = 20, left = 10;
	int w = left * 2 + (int)nl * (bw + gap);
	sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
		     "aria-label=\"%s\">\n", w, h + top + 60, t->cols.name[t->chart_value]);
	for (size_t i = 0; i < nl; i++) {
		int bh = max > 0 ? (int)(vals[i] / max * h + 0.5) : 0;
		int xx = left + (int)i * (bw + gap);
		sb_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4a7ab5\"><title>", xx,
			  top + h - bh, bw, bh);
		html_put(b, labels[i], strlen(labels[i]));
		sb_printf(b, ": %g</title></rect>\n", vals[i]);
		sb_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"10\" transform=\"rotate(60 %d %d)\">", xx + 4,
			  top + h + 12, xx + 4, top + h + 12);
		html_put(b, labels[i], strlen(labels[i]));
		sb_adds(b, "</text>\n");
	}
	sb_adds(b, "</svg>\n");
	free(labels);
	free(vals);
}

static void print_table(struct table *t, const char *format, int color)
{
	enum fmt f = fmt_choose(format, FMT_CSV, FMTS_ALL & ~(1u << FMT_JSONL));
	if (f == FMT_HTML) {
		struct sb b = { 0 };
		sb_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
		html_put(&b, t->title, strlen(t->title));
		sb_adds(&b, "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
			    "collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}"
			    "td.n{text-align:right}</style></head><body>\n<h1>");
		html_put(&b, t->title, strlen(t->title));
		sb_adds(&b, "</h1>\n");
		html_chart(&b, t);
		sb_adds(&b, "<table>\n<tr>");
		for (size_t c = 0; c < t->cols.n; c++) {
			sb_adds(&b, "<th>");
			html_put(&b, t->cols.name[c], strlen(t->cols.name[c]));
			sb_adds(&b, "</th>");
		}
		sb_adds(&b, "</tr>\n");
		for (size_t i = 0; i < t->n; i++) {
			sb_adds(&b, "<tr>");
			for (size_t c = 0; c < t->cols.n; c++) {
				sb_adds(&b, t->numeric[c] ? "<td class=\"n\">" : "<td>");
				html_put(&b, rec_get(&t->rows[i], c), rec_len(&t->rows[i], c));
				sb_adds(&b, "</td>");
			}
			sb_adds(&b, "</tr>\n");
		}
		sb_adds(&b, "</table>\n</body></html>\n");
		fwrite(b.s, 1, b.len, stdout);
		sb_free(&b);
		return;
	}
	bool human = f == FMT_TABLE || f == FMT_MD;
	struct hdr h = { 0 };
	hdr_copy(&h, &t->cols);
	bool num[17];
	memcpy(num, t->numeric, sizeof t->numeric);
	bool bar = f == FMT_TABLE && t->chart_value >= 0 && !t->no_bar;
	if (bar) {
		hdr_add(&h, "");
		num[h.n - 1] = false;
	}
	double max = 0;
	for (size_t i = 0; bar && i < t->n; i++) {
		double v = num_of(rec_get(&t->rows[i], (size_t)t->chart_value));
		if (v > max)
			max = v;
	}
	struct out *o = out_open(f, &h, num, fmt_color(color));
	struct rec r = { 0 };
	for (size_t i = 0; i < t->n; i++) {
		rec_clear(&r);
		for (size_t c = 0; c < t->cols.n; c++) {
			const char *v = rec_get(&t->rows[i], c);
			if (human && t->numeric[c] && *v) {
				char g[64];
				grouped(v, g, sizeof g);
				cell(&r, g);
			} else {
				rec_push(&r, v, rec_len(&t->rows[i], c));
			}
		}
		if (bar) {
			double v = num_of(rec_get(&t->rows[i], (size_t)t->chart_value));
			int eighths = max > 0 && v > 0 ? (int)(v / max * 160 + 0.5) : 0;
			struct sb s = { 0 };
			for (int k = 0; k < eighths / 8; k++)
				sb_adds(&s, "\xE2\x96\x88");
			static const char *const part[] = { "", "\xE2\x96\x8F", "\xE2\x96\x8E", "\xE2\x96\x8D",
							    "\xE2\x96\x8C", "\xE2\x96\x8B", "\xE2\x96\x8A", "\xE2\x96\x89" };
			sb_adds(&s, part[eighths % 8]);
			rec_push(&r, sb_str(&s), s.len);
			sb_free(&s);
		}
		out_row(o, &r);
	}
	rec_free(&r);
	out_close(o);
	hdr_free(&h);
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		rec_free(&t->rows[i]);
	free(t->rows);
	hdr_free(&t->cols);
}

/* Split a composite key "a\x1fb\x1fc" into its parts. */
static char **parts(const char *key, size_t *n)
{
	return split(key, '\x1f', n);
}

/* Every period from the first to the last key (or --since/--until), so an
 * empty period shows as a row of zeros. */
static void fill_periods(struct ctx *x, const char *suffix)
{
	if (!x->k.keys.n && !(x->has_since && x->has_until))
		return;
	crm_time lo = INT64_MAX, hi = INT64_MIN;
	for (size_t i = 0; i < x->k.keys.n; i++) {
		size_t l;
		const char *k = hmap_key(&x->k.keys, i, &l);
		char p[32];
		size_t pl = strcspn(k, "\x1f");
		if (pl > l)
			pl = l;
		snprintf(p, sizeof p, "%.*s", (int)pl, k);
		crm_time t;
		char full[40];
		/* labels: YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY */
		if (strlen(p) == 7 && p[4] == '-' && p[5] != 'Q')
			snprintf(full, sizeof full, "%s-01", p);
		else if (strlen(p) == 7 && p[5] == 'Q')
			snprintf(full, sizeof full, "%.4s-%02d-01", p, (p[6] - '1') * 3 + 1);
		else if (strlen(p) == 4)
			snprintf(full, sizeof full, "%s-01-01", p);
		else
			snprintf(full, sizeof full, "%s", p);
		if (!date_parse(full, &t))
			continue;
		if (t < lo)
			lo = t;
		if (t > hi)
			hi = t;
	}
	if (x->has_since)
		lo = period_start(x->since, x->by);
	hi = period_start(x->has_until ? x->until : x->now, x->by);
	if (lo == INT64_MAX || hi == INT64_MIN || lo > hi)
		return;
	int guard = 0;
	for (crm_time t = lo; t <= hi && guard < 100000; t = period_next(t, x->by), guard++) {
		char label[16];
		period_label(t, x->by, label);
		/* a period with any key already is not empty */
		bool seen = false;
		size_t ll = strlen(label);
		for (size_t i = 0; i < x->k.keys.n && !seen; i++) {
			size_t l;
			const char *k = hmap_key(&x->k.keys, i, &l);
			seen = l >= ll && !memcmp(k, label, ll) && (l == ll || k[ll] == '\x1f');
		}
		if (!seen) {
			char key[64];
			snprintf(key, sizeof key, "%s%s", label, suffix);
			row(x, key);
		}
	}
}

static const char *pctx_label(struct pctx *pc, crm_time ts)
{
	crm_time d = day_start(ts);
	if (d != pc->day) {
		char was[sizeof pc->label];
		memcpy(was, pc->label, sizeof was);
		period_label(ts, pc->x->by, pc->label);
		pc->period += strcmp(was, pc->label) != 0;
		pc->day = d;
	}
	return pc->label;
}

/* The row of an event keyed by its period, its group and the string fields
 * a and b (b may be NULL). The history is in time order, so the events of
 * a period come together and fall on a few rows: without --group those are
 * kept by a and b, and found again by comparing them, not by the key. */
static long long *pctx_row(struct pctx *pc, const struct event *e, const struct pval *a,
			   const struct pval *b)
{
	const char *as = a->kind == 's' ? a->s : "", *bs = b && b->kind == 's' ? b->s : "";
	size_t an = a->kind == 's' ? a->n : 0, bn = b && b->kind == 's' ? b->n : 0;
	struct rowhit *h = NULL;
	if (!pc->x->group_name && an <= sizeof h->a && bn <= sizeof h->b) {
		pctx_label(pc, e->ts);
		unsigned char a0 = an ? (unsigned char)as[0] : 0, b0 = bn ? (unsigned char)bs[0] : 0;
		h = &pc->hit[(an * 5 + bn * 3 + a0 * 7 + b0) & 15];
		if (h->period == pc->period + 1 && h->an == an && h->bn == bn &&
		    !memcmp(h->a, as, an) && !memcmp(h->b, bs, bn))
			return pc->k.cnt[h->row];
	}
	key_start(pc, e);
	key_add(pc, as, an);
	if (b)
		key_add(pc, bs, bn);
	size_t i = row_i(&pc->k, pc->key.s, pc->key.len);
	if (h) {
		*h = (struct rowhit){ pc->period + 1, (unsigned char)an, (unsigned char)bn, { 0 }, { 0 }, i };
		memcpy(h->a, as, an);
		memcpy(h->b, bs, bn);
	}
	return pc->k.cnt[i];
}

static void key_start(struct pctx *pc, const struct event *e)
{
	const struct ctx *x = pc->x;
	sb_reset(&pc->key);
	sb_adds(&pc->key, pctx_label(pc, e->ts));
	if (x->group_name && x->group_ev >= 0) {
		key_add_pv(pc, &e->p->v[x->group_ev]);
	} else {
		const struct cinfo *c = x->group_name ? cust(x, &e->p->v[PJ_CUSTOMER]) : NULL;
		const char *g = c && c->group ? c->group : "";
		key_add(pc, g, strlen(g));
	}
}

/* -- the reports -- */

static char **parts(const char *key, size_t *n);

/* The start of a per-period report: read the history through fn, fill the
 * empty periods, and set the columns (names after period; "group" is put
 * second with --group). */
static void period_report(struct ctx *x, struct table *t, scan_fn fn, const char *suffix,
			  const char *const *names, const char *numeric)
{
	scan_keyed(x, fn, SKIP_TEXT);
	fill_periods(x, suffix);
	const char *all[16] = { "period" };
	char num[16] = "s";
	size_t k = 1;
	if (x->group_name) {
		all[k] = "group";
		num[k++] = 's';
	}
	for (size_t i = 0; names[i] && k < 15; i++, k++) {
		all[k] = names[i];
		num[k] = numeric[i];
	}
	all[k] = NULL;
	num[k] = '\0';
	cols(t, all, num);
	if (x->group_name)
		group_col(t, x->group_name);
	t->chart_label = 0;
}

/* A row of a per-period report: its period and group cells; the key's
 * parts are left in *p for the rest. */
static struct rec *period_row(const struct ctx *x, struct table *t, const char *key, char ***p,
			      size_t *np)
{
	*p = parts(key, np);
	struct rec *r = add_row(t);
	cell(r, (*p)[0]);
	if (x->group_name)
		cell(r, *np > 1 ? (*p)[1] : "");
	return r;
}

static void ev_activity(const struct event *e, void *arg)
{
	struct pctx *pc = arg;
	if (!wanted(pc->x, e, true) || pv_is(&e->p->v[PJ_TYPE], "task") ||
	    pv_is(&e->p->v[PJ_TYPE], "done"))
		return;
	long long *c = pctx_row(pc, e, &e->p->v[PJ_CHANNEL], &e->p->v[PJ_TYPE]);
	c[0]++;
	if (pv_is(&e->p->v[PJ_DIRECTION], "in"))
		c[1]++;
	if (pv_is(&e->p->v[PJ_DIRECTION], "out"))
		c[2]++;
}

static void report_activity(struct ctx *x, struct table *t)
{
	static const char *const names[] = { "channel", "type", "interactions", "in", "out", NULL };
	period_report(x, t, ev_activity, "\x1f\x1f\x1f", names, "ssnnn");
	t->chart_value = x->group_name ? 4 : 3;
	size_t n;
	char **keys = sorted_keys(x, &n);
	for (size_t i = 0; i < n; i++) {
		long long *c = row(x, keys[i]);
		size_t np;
		char **p;
		struct rec *r = period_row(x, t, keys[i], &p, &np);
		cell(r, np > 2 ? p[2] : "");
		cell(r, np > 3 ? p[3] : "");
		cellf(r, "%lld", c[0]);
		cellf(r, "%lld", c[1]);
		cellf(r, "%lld", c[2]);
		free_strv(p);
		free(keys[i]);
	}
	free(keys);
}

static void ev_revenue(const struct event *e, void *arg)
{
	struct pctx *pc = arg;
	bool buy = pv_is(&e->p->v[PJ_TYPE], "purchase"), back = pv_is(&e->p->v[PJ_TYPE], "refund");
	long long amount;
	if ((!buy && !back) || !wanted(pc->x, e, true) || !pval_int(&e->p->v[PJ_AMOUNT], &amount))
		return;
	long long *c = pctx_row(pc, e, &e->p->v[PJ_CURRENCY], NULL);
	if (buy) {
		c[0]++;
		c[2] += amount;
	} else {
		c[1]++;
		c[3] += amount;
	}
}

static void report_revenue(struct ctx *x, struct table *t)
{
	static const char *const names[] = { "currency", "orders", "refunds", "revenue", "aov", NULL };
	period_report(x, t, ev_revenue, "\x1f\x1f", names, "snnnn");
	t->chart_value = x->group_name ? 5 : 4;
	t->only_col = x->group_name ? 2 : 1; /* one currency in the chart: the default one */
	t->only_val = x->currency;
	t->no_bar = true;
	size_t n;
	char **keys = sorted_keys(x, &n);
	for (size_t i = 0; i < n; i++) {
		long long *c = row(x, keys[i]);
		size_t np;
		char **p;
		struct rec *r = period_row(x, t, keys[i], &p, &np);
		const char *cur = np > 2 ? p[2] : "";
		cell(r, cur);
		cellf(r, "%lld", c[0]);
		cellf(r, "%lld", c[1]);
		if (*cur)
			cell_money(r, c[2] - c[3], cur);
		else
			cell(r, ""); /* an empty period: no currency, no amount */
		if (c[0])
			cell_money(r, c[2] / c[0], *cur ? cur : x->currency);
		else
			cell(r, "");
		free_strv(p);
		free(keys[i]);
	}
	free(keys);
}

static void ev_satisfaction(const struct event *e, void *arg)
{
	struct pctx *pc = arg;
	if (!pv_is(&e->p->v[PJ_TYPE], "survey") || !wanted(pc->x, e, true))
		return;
	key_start(pc, e);
	long long *c = row_n(&pc->k, pc->key.s, pc->key.len);
	long long v;
	if (pval_int(&e->p->v[PJ_RATING], &v) && v >= 1 && v <= 5) {
		c[0]++;
		c[1] += v;
		c[2] += v >= 4;
	}
	if (pval_int(&e->p->v[PJ_SCORE], &v) && v >= 0 && v <= 10) {
		c[3]++;
		c[4] += v >= 9;
		c[5] += v <= 6;
	}
}

static void report_satisfaction(struct ctx *x, struct table *t)
{
	static const char *const names[] = { "ratings", "avg_rating", "csat", "nps_answers", "nps", NULL };
	period_report(x, t, ev_satisfaction, "\x1f", names, "nnnnn");
	t->chart_value = x->group_name ? -1 : 3; /* shares of groups do not add up */
	size_t n;
	char **keys = sorted_keys(x, &n);
	for (size_t i = 0; i < n; i++) {
		long long *c = row(x, keys[i]);
		size_t np;
		char **p;
		struct rec *r = period_row(x, t, keys[i], &p, &np);
		cellf(r, "%lld", c[0]);
		if (c[0]) {
			/* the mean to two decimals, rounded half up */
			long long h = (c[1] * 200 + c[0]) / (2 * c[0]);
			char b[32];
			snprintf(b, sizeof b, "%lld.%02lld", h / 100, h % 100);
			cell(r, b);
		} else {
			cell(r, "");
		}
		cell_pct(r, c[2], c[0]);
		cellf(r, "%lld", c[3]);
		cell_pct(r, c[4] - c[5], c[3]);
		free_strv(p);
		free(keys[i]);
	}
	free(keys);
}

/* Per-customer figures for top, owners and followups. */
struct per {
	long long revenue, purchases, contacts, open_tasks;
	crm_time last_purchase, last_contact;
	bool has_revenue;
};

struct perctx {
	struct ctx *x;
	struct hmap ids;
	struct per *v;
	size_t cap;
	struct hmap tasks, dones;
	size_t *task_cust;
	size_t tcap;
	struct table *tasklist; /* followups: open tasks with their due dates */
	char **task_due, **task_text;
};

static struct per *per_of(struct perctx *pc, const struct pval *id)
{
	size_t i = hmap_put(&pc->ids, id->s, id->n);
	if (i >= pc->cap) {
		size_t old = pc->cap;
		void *p = pc->v;
		xgrow(&p, &pc->cap, i + 1, sizeof *pc->v);
		pc->v = p;
		for (size_t k = old; k < pc->cap; k++)
			pc->v[k] = (struct per){ 0, 0, 0, 0, INT64_MIN, INT64_MIN, false };
	}
	return &pc->v[i];
}

static void ev_per(const struct event *e, void *arg)
{
	struct perctx *pc = arg;
	struct ctx *x = pc->x;
	const struct pval *id = &e->p->v[PJ_CUSTOMER];
	if (id->kind != 's' || !wanted(x, e, false))
		return;
	if (pv_is(&e->p->v[PJ_TYPE], "done")) {
		if (e->p->v[PJ_REF].kind == 's')
			hmap_put(&pc->dones, e->p->v[PJ_REF].s, e->p->v[PJ_REF].n);
		return;
	}
	struct per *p = per_of(pc, id);
	if (pv_is(&e->p->v[PJ_TYPE], "task")) {
		if (e->p->v[PJ_ID].kind != 's')
			return;
		size_t t = hmap_put(&pc->tasks, e->p->v[PJ_ID].s, e->p->v[PJ_ID].n);
		void *q = pc->task_cust;
		size_t cap = pc->tcap;
		xgrow(&q, &pc->tcap, t + 1, sizeof *pc->task_cust);
		pc->task_cust = q;
		pc->task_due = xrealloc(pc->task_due, pc->tcap * sizeof *pc->task_due);
		pc->task_text = xrealloc(pc->task_text, pc->tcap * sizeof *pc->task_text);
		for (size_t k = cap; k < pc->tcap; k++)
			pc->task_due[k] = pc->task_text[k] = NULL;
		pc->task_cust[t] = (size_t)(p - pc->v);
		char b[256];
		free(pc->task_due[t]);
		free(pc->task_text[t]);
		pc->task_due[t] = xstrdup(pv_str(&e->p->v[PJ_DUE], b, sizeof b));
		const struct pval *what = e->p->v[PJ_TEXT].kind == 's' ? &e->p->v[PJ_TEXT] : &e->p->v[PJ_SUBJECT];
		pc->task_text[t] = xstrdup(pv_str(what, b, sizeof b));
		return;
	}
	bool unsent = pv_is(&e->p->v[PJ_STATUS], "pending") || pv_is(&e->p->v[PJ_STATUS], "failed");
	if (!unsent && e->has_ts && e->ts <= x->now) {
		p->contacts++;
		if (e->ts > p->last_contact)
			p->last_contact = e->ts;
	}
	bool buy = pv_is(&e->p->v[PJ_TYPE], "purchase"), back = pv_is(&e->p->v[PJ_TYPE], "refund");
	if (buy && e->has_ts && e->ts <= x->until) {
		p->purchases++;
		if (e->ts > p->last_purchase)
			p->last_purchase = e->ts;
	}
	long long amount;
	char cur[8];
	bool in_period = e->has_ts && (!x->has_since || e->ts >= x->since) && e->ts <= x->until;
	if ((buy || back) && in_period && pval_int(&e->p->v[PJ_AMOUNT], &amount) &&
	    ascii_ieq(pv_str(&e->p->v[PJ_CURRENCY], cur, sizeof cur), x->currency)) {
		p->revenue += buy ? amount : -amount;
		p->has_revenue = true;
	}
}

static void per_load(struct ctx *x, struct perctx *pc)
{
	memset(pc, 0, sizeof *pc);
	pc->x = x;
	if (scan_history(&x->d, x->strict, ev_per, pc) < 0)
		exit(CRM_ERR);
	for (size_t t = 0; t < pc->tasks.n; t++) {
		size_t n;
		const char *tid = hmap_key(&pc->tasks, t, &n);
		if (hmap_get(&pc->dones, tid, n) < 0)
			pc->v[pc->task_cust[t]].open_tasks++;
	}
}

static void per_free(struct perctx *pc)
{
	for (size_t t = 0; t < pc->tasks.n; t++) {
		free(pc->task_due[t]);
		free(pc->task_text[t]);
	}
	free(pc->task_due);
	free(pc->task_text);
	free(pc->task_cust);
	free(pc->v);
	hmap_free(&pc->ids);
	hmap_free(&pc->tasks);
	hmap_free(&pc->dones);
}

static void cell_time(struct rec *r, crm_time t)
{
	char b[DATE_BUFSZ] = "";
	if (t != INT64_MIN)
		date_fmt(t, b);
	cell(r, b);
}

struct ranked {
	size_t i;
	long long rev;
	const char *id;
};

static int by_revenue(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->rev != y->rev)
		return x->rev > y->rev ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void report_top(struct ctx *x, struct table *t)
{
	struct perctx pc;
	per_load(x, &pc);
	const char *c[] = { "rank", "id", "name", "revenue", "purchases", "last_purchase", "last_contact", NULL };
	cols(t, c, "nssnnss");
	t->chart_label = 2;
	t->chart_value = 3;
	struct ranked *v = xcalloc(pc.ids.n + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < pc.ids.n; i++) {
		if (!pc.v[i].has_revenue)
			continue;
		size_t l;
		const char *id = hmap_key(&pc.ids, i, &l);
		v[n++] = (struct ranked){ i, pc.v[i].revenue, xstrndup(id, l) };
	}
	qsort(v, n, sizeof *v, by_revenue);
	long lim = x->limit >= 0 ? x->limit : 10;
	for (size_t k = 0; k < n; k++) {
		if ((long)k < lim) {
			struct per *p = &pc.v[v[k].i];
			struct pval idv = { v[k].id, strlen(v[k].id), 's' };
			struct cinfo *ci = cust(x, &idv);
			struct rec *r = add_row(t);
			cellf(r, "%lld", (long long)k + 1);
			cell(r, v[k].id);
			cell(r, ci ? ci->name : "");
			cell_money(r, p->revenue, x->currency);
			cellf(r, "%lld", p->purchases);
			cell_time(r, p->last_purchase);
			cell_time(r, p->last_contact);
		}
		free((char *)v[k].id);
	}
	free(v);
	per_free(&pc);
}

static void report_owners(struct ctx *x, struct table *t)
{
	struct perctx pc;
	per_load(x, &pc);
	const char *c[] = { "owner", "customers", "contacts", "open_tasks", "revenue", NULL };
	cols(t, c, "snnnn");
	t->chart_label = 0;
	t->chart_value = 4;
	struct hmap own = { 0 };
	long long (*sum)[4] = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < x->nci; i++) {
		size_t k = hmap_put(&own, x->ci[i].owner, strlen(x->ci[i].owner));
		void *p = sum;
		xgrow0(&p, &cap, k + 1, sizeof *sum);
		sum = p;
		sum[k][0]++;
		long j = hmap_get(&pc.ids, x->ci[i].id, strlen(x->ci[i].id));
		if (j >= 0) {
			sum[k][1] += pc.v[j].contacts;
			sum[k][2] += pc.v[j].open_tasks;
			sum[k][3] += pc.v[j].revenue;
		}
	}
	char **names = hmap_sorted(&own);
	for (size_t i = 0; i < own.n; i++) {
		size_t k = (size_t)hmap_get(&own, names[i], strlen(names[i]));
		struct rec *r = add_row(t);
		cell(r, *names[i] ? names[i] : "(none)");
		cellf(r, "%lld", sum[k][0]);
		cellf(r, "%lld", sum[k][1]);
		cellf(r, "%lld", sum[k][2]);
		cell_money(r, sum[k][3], x->currency);
		free(names[i]);
	}
	free(names);
	free(sum);
	hmap_free(&own);
	per_free(&pc);
}

struct follow {
	char *kind, *date, *id, *name, *detail;
	long days;
};

static int by_follow(const void *a, const void *b)
{
	const struct follow *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);
	if (c)
		return c;
	c = strcmp(x->date, y->date);
	return c ? c : strcmp(x->id, y->id);
}

static void report_followups(struct ctx *x, struct table *t)
{
	struct perctx pc;
	per_load(x, &pc);
	const char *c[] = { "kind", "date", "id", "name", "detail", "days", NULL };
	cols(t, c, "sssssn");
	t->chart_label = t->chart_value = -1;
	long def_touch = conf_long(&x->d, "touch_days", 90);
	struct follow *v = NULL;
	size_t n = 0, cap = 0;
	crm_time horizon = day_start(x->now) + 8 * 86400; /* due within the coming week */
	for (size_t k = 0; k < pc.tasks.n; k++) {
		size_t l;
		const char *tid = hmap_key(&pc.tasks, k, &l);
		crm_time due;
		if (hmap_get(&pc.dones, tid, l) >= 0 || !date_parse(pc.task_due[k], &due) || due >= horizon)
			continue;
		size_t cl;
		const char *cid = hmap_key(&pc.ids, pc.task_cust[k], &cl);
		struct pval idv = { cid, cl, 's' };
		struct cinfo *ci = cust(x, &idv);
		void *p = v;
		xgrow(&p, &cap, n + 1, sizeof *v);
		v = p;
		char d[DATE_BUFSZ];
		date_fmt_day(due, d);
		long late = (long)((day_start(x->now) - day_start(due)) / 86400);
		char det[400];
		snprintf(det, sizeof det, "%s%s(task %.*s)", pc.task_text[k],
			 *pc.task_text[k] ? " " : "", (int)l, tid);
		v[n++] = (struct follow){ xstrdup(due < day_start(x->now) ? "1 overdue" : "2 due"), xstrdup(d),
					  xstrndup(cid, cl), xstrdup(ci ? ci->name : ""),
					  xstrdup(det), late };
	}
	for (size_t i = 0; i < x->nci; i++) {
		long long touch;
		if (!parse_long(x->ci[i].touch, &touch) || touch <= 0)
			touch = def_touch;
		long j = hmap_get(&pc.ids, x->ci[i].id, strlen(x->ci[i].id));
		crm_time last = j >= 0 ? pc.v[j].last_contact : INT64_MIN;
		if (last == INT64_MIN)
			continue; /* never contacted: a lead, not a customer losing touch */
		long since = (long)((x->now - last) / 86400);
		if (since <= touch)
			continue;
		void *p = v;
		xgrow(&p, &cap, n + 1, sizeof *v);
		v = p;
		char d[DATE_BUFSZ], det[64];
		date_fmt_day(last, d);
		snprintf(det, sizeof det, "every %lld days", touch);
		v[n++] = (struct follow){ xstrdup("3 losing touch"), xstrdup(d), xstrdup(x->ci[i].id),
					  xstrdup(x->ci[i].name), xstrdup(det), since };
	}
	qsort(v, n, sizeof *v, by_follow);
	for (size_t i = 0; i < n; i++) {
		struct rec *r = add_row(t);
		cell(r, v[i].kind + 2);
		cell(r, v[i].date);
		cell(r, v[i].id);
		cell(r, v[i].name);
		cell(r, v[i].detail);
		cellf(r, "%lld", v[i].days);
		free(v[i].kind);
		free(v[i].date);
		free(v[i].id);
		free(v[i].name);
		free(v[i].detail);
	}
	free(v);
	per_free(&pc);
}

/* Sum counter a, less counter b when b >= 0, of the rows by the part-th
 * part of their keys; the names go into by, the sums are returned. */
static long long *roll_up(const struct ctx *x, size_t part, int a, int b, struct hmap *by)
{
	long long *sum = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < x->k.keys.n; i++) {
		size_t l, np;
		const char *k = hmap_key(&x->k.keys, i, &l);
		char *copy = xstrndup(k, l);
		char **p = parts(copy, &np);
		const char *name = np > part ? p[part] : "";
		size_t j = hmap_put(by, name, strlen(name));
		void *q = sum;
		xgrow0(&q, &cap, j + 1, sizeof *sum);
		sum = q;
		sum[j] += x->k.cnt[i][a] - (b >= 0 ? x->k.cnt[i][b] : 0);
		free_strv(p);
		free(copy);
	}
	return sum;
}

static void report_summary(struct ctx *x, struct table *t)
{
	const char *c[] = { "section", "name", "value", NULL };
	cols(t, c, "ssn");
	t->chart_label = t->chart_value = -1;
	/* customers by stage and consent, new customers in the period */
	struct hmap st = { 0 };
	long long *cnt = xcalloc(2 * x->nci + 1, sizeof *cnt); /* at most two names a customer */
	long long created = 0;
	for (size_t i = 0; i < x->nci; i++) {
		char key[128];
		snprintf(key, sizeof key, "stage\x1f%s", *x->ci[i].stage ? x->ci[i].stage : "(none)");
		cnt[hmap_put(&st, key, strlen(key))]++;
		snprintf(key, sizeof key, "consent\x1f%s", *x->ci[i].consent ? x->ci[i].consent : "(unknown)");
		cnt[hmap_put(&st, key, strlen(key))]++;
		if (x->ci[i].has_created && (!x->has_since || x->ci[i].created >= x->since) &&
		    (!x->has_until || x->ci[i].created <= x->until))
			created++;
	}
	struct rec *r = add_row(t);
	cell(r, "customers");
	cell(r, "total");
	cellf(r, "%lld", (long long)x->nci);
	r = add_row(t);
	cell(r, "customers");
	cell(r, "new in the period");
	cellf(r, "%lld", created);
	char **keys = hmap_sorted(&st);
	for (size_t i = 0; i < st.n; i++) {
		size_t k = (size_t)hmap_get(&st, keys[i], strlen(keys[i]));
		size_t np;
		char **p = parts(keys[i], &np);
		r = add_row(t);
		cell(r, p[0]);
		cell(r, np > 1 ? p[1] : "");
		cellf(r, "%lld", cnt[k]);
		free_strv(p);
		free(keys[i]);
	}
	free(keys);
	free(cnt);
	hmap_free(&st);
	/* interactions by type, revenue per currency, open tasks */
	scan_keyed(x, ev_activity, SKIP_TEXT);
	struct hmap types = { 0 };
	long long *tc = roll_up(x, 3, 0, -1, &types);
	keys = hmap_sorted(&types);
	for (size_t i = 0; i < types.n; i++) {
		size_t k = (size_t)hmap_get(&types, keys[i], strlen(keys[i]));
		r = add_row(t);
		cell(r, "interactions");
		cell(r, keys[i]);
		cellf(r, "%lld", tc[k]);
		free(keys[i]);
	}
	free(keys);
	free(tc);
	hmap_free(&types);
	keyed_free(&x->k);
	x->by = P_YEAR;
	scan_keyed(x, ev_revenue, SKIP_TEXT);
	struct hmap curs = { 0 };
	long long *rev = roll_up(x, 2, 2, 3, &curs);
	keys = hmap_sorted(&curs);
	for (size_t i = 0; i < curs.n; i++) {
		size_t k = (size_t)hmap_get(&curs, keys[i], strlen(keys[i]));
		r = add_row(t);
		cell(r, "revenue");
		cell(r, keys[i]);
		cell_money(r, rev[k], keys[i]);
		free(keys[i]);
	}
	free(keys);
	free(rev);
	hmap_free(&curs);
	struct perctx pc;
	per_load(x, &pc);
	long long open = 0;
	for (size_t i = 0; i < pc.ids.n; i++)
		open += pc.v[i].open_tasks;
	r = add_row(t);
	cell(r, "tasks");
	cell(r, "open");
	cellf(r, "%lld", open);
	per_free(&pc);
}

/* Deals: the latest event of each deal is its state. */
struct deal {
	crm_time ts, close;
	bool has_close;
	char stage[16], cur[8];
	long long amount, prob;
};

struct dealctx {
	struct ctx *x;
	struct hmap ids;
	struct deal *v;
	size_t cap;
};

static void ev_deal(const struct event *e, void *arg)
{
	struct dealctx *dc = arg;
	if (!pv_is(&e->p->v[PJ_TYPE], "deal") || !wanted(dc->x, e, false) || !e->has_ts)
		return;
	const struct pval *key = e->p->v[PJ_REF].kind == 's' ? &e->p->v[PJ_REF] : &e->p->v[PJ_ID];
	if (key->kind != 's')
		return;
	size_t i = hmap_put(&dc->ids, key->s, key->n);
	if (i >= dc->cap) {
		size_t old = dc->cap;
		void *p = dc->v;
		xgrow0(&p, &dc->cap, i + 1, sizeof *dc->v);
		dc->v = p;
		for (size_t k = old; k < dc->cap; k++)
			dc->v[k].ts = INT64_MIN;
	}
	struct deal *d = &dc->v[i];
	if (e->ts < d->ts)
		return;
	d->ts = e->ts;
	pv_str(&e->p->v[PJ_STAGE], d->stage, sizeof d->stage);
	pv_str(&e->p->v[PJ_CURRENCY], d->cur, sizeof d->cur);
	if (!pval_int(&e->p->v[PJ_AMOUNT], &d->amount))
		d->amount = 0;
	if (!pval_int(&e->p->v[PJ_PROBABILITY], &d->prob))
		d->prob = 0;
	char b[64];
	d->has_close = date_parse(pv_str(&e->p->v[PJ_CLOSE], b, sizeof b), &d->close);
}

static void report_pipeline(struct ctx *x, struct table *t)
{
	struct dealctx dc = { .x = x };
	if (scan_history(&x->d, x->strict, ev_deal, &dc) < 0)
		exit(CRM_ERR);
	const char *c[] = { "section", "key", "currency", "deals", "value", "weighted", "share", NULL };
	cols(t, c, "sssnnnn");
	t->chart_label = 1;
	t->chart_value = 4;
	t->no_bar = true;
	static const char *const stages[] = { "new", "qualified", "proposal", "negotiation", NULL };
	char key[128];
	for (size_t i = 0; i < dc.ids.n; i++) {
		struct deal *d = &dc.v[i];
		bool open = strcmp(d->stage, "won") && strcmp(d->stage, "lost");
		bool in_period = (!x->has_since || d->ts >= x->since) && (!x->has_until || d->ts <= x->until);
		if (open) {
			size_t si = 0;
			while (stages[si] && strcmp(stages[si], d->stage))
				si++;
			snprintf(key, sizeof key, "1 open\x1f%zu %s\x1f%s", si, d->stage, d->cur);
			long long *r = row(x, key);
			r[0]++;
			r[1] += d->amount;
			r[2] += d->amount * d->prob;
			if (d->has_close) {
				char m[16];
				period_label(d->close, P_MONTH, m);
				snprintf(key, sizeof key, "2 closes\x1f%s\x1f%s", m, d->cur);
				r = row(x, key);
				r[0]++;
				r[1] += d->amount;
				r[2] += d->amount * d->prob;
			}
		} else if (in_period) {
			snprintf(key, sizeof key, "3 closed\x1f%s\x1f%s", d->stage, d->cur);
			long long *r = row(x, key);
			r[0]++;
			r[1] += d->amount;
			r[2] += d->amount * d->prob;
			snprintf(key, sizeof key, "4 win_rate\x1f\x1f");
			r = row(x, key);
			r[0]++;
			r[3] += !strcmp(d->stage, "won");
		}
	}
	size_t n;
	char **keys = sorted_keys(x, &n);
	for (size_t i = 0; i < n; i++) {
		long long *v = row(x, keys[i]);
		size_t np;
		char **p = parts(keys[i], &np);
		struct rec *r = add_row(t);
		cell(r, p[0] + 2);
		const char *k = np > 1 ? p[1] : "";
		cell(r, !strncmp(p[0], "1 ", 2) ? k + 2 : k);
		const char *cur = np > 2 ? p[2] : "";
		cell(r, cur);
		cellf(r, "%lld", v[0]);
		if (!strncmp(p[0], "4 ", 2)) {
			cell(r, "");
			cell(r, "");
			cell_pct(r, v[3], v[0]);
		} else {
			cell_money(r, v[1], *cur ? cur : x->currency);
			/* weighted: amount x probability / 100, rounded half up */
			cell_money(r, (v[2] + 50) / 100, *cur ? cur : x->currency);
			cell(r, "");
		}
		free_strv(p);
		free(keys[i]);
	}
	free(keys);
	hmap_free(&dc.ids);
	free(dc.v);
}

/* Campaigns: recipients from the mails that carry a campaign, responders
 * from a second pass over the inbound contacts and purchases. */
struct send {
	size_t campaign;
	crm_time ts;
	size_t next; /* the customer's next send + 1, 0 at the end */
};

struct campctx {
	struct ctx *x;
	struct hmap camps, custs;
	struct send *s;
	size_t ns, scap;
	size_t *first; /* per customer: first send + 1 */
	size_t fcap;
	long long (*c)[4];  /* per campaign: recipients, responders, revenue */
	size_t ccap;
	struct hmap responded; /* "campaign\x1fcustomer" counted once */
};

static void ev_sends(const struct event *e, void *arg)
{
	struct campctx *cc = arg;
	if (!pv_is(&e->p->v[PJ_TYPE], "email") || e->p->v[PJ_CAMPAIGN].kind != 's' ||
	    !e->p->v[PJ_CAMPAIGN].n || !wanted(cc->x, e, true) || e->p->v[PJ_CUSTOMER].kind != 's')
		return;
	if (pv_is(&e->p->v[PJ_STATUS], "pending") || pv_is(&e->p->v[PJ_STATUS], "failed"))
		return;
	size_t camp = hmap_put(&cc->camps, e->p->v[PJ_CAMPAIGN].s, e->p->v[PJ_CAMPAIGN].n);
	void *p = cc->c;
	xgrow0(&p, &cc->ccap, camp + 1, sizeof *cc->c);
	cc->c = p;
	size_t cu = hmap_put(&cc->custs, e->p->v[PJ_CUSTOMER].s, e->p->v[PJ_CUSTOMER].n);
	p = cc->first;
	xgrow0(&p, &cc->fcap, cu + 1, sizeof *cc->first);
	cc->first = p;
	/* a customer mailed twice in one campaign is one recipient */
	for (size_t k = cc->first[cu]; k; k = cc->s[k - 1].next)
		if (cc->s[k - 1].campaign == camp) {
			if (e->ts < cc->s[k - 1].ts)
				cc->s[k - 1].ts = e->ts;
			return;
		}
	p = cc->s;
	xgrow(&p, &cc->scap, cc->ns + 1, sizeof *cc->s);
	cc->s = p;
	cc->s[cc->ns] = (struct send){ camp, e->ts, cc->first[cu] };
	cc->first[cu] = ++cc->ns;
	cc->c[camp][0]++;
}

static void ev_responses(const struct event *e, void *arg)
{
	struct campctx *cc = arg;
	bool buy = pv_is(&e->p->v[PJ_TYPE], "purchase");
	bool in = pv_is(&e->p->v[PJ_DIRECTION], "in");
	if ((!buy && !in) || !e->has_ts || e->p->v[PJ_CUSTOMER].kind != 's')
		return;
	long cu = hmap_get(&cc->custs, e->p->v[PJ_CUSTOMER].s, e->p->v[PJ_CUSTOMER].n);
	if (cu < 0)
		return;
	long long amount = 0;
	char cur[8];
	bool money = buy && pval_int(&e->p->v[PJ_AMOUNT], &amount) &&
		     ascii_ieq(pv_str(&e->p->v[PJ_CURRENCY], cur, sizeof cur), cc->x->currency);
	for (size_t k = cc->first[cu]; k; k = cc->s[k - 1].next) {
		struct send *s = &cc->s[k - 1];
		if (e->ts <= s->ts || e->ts > s->ts + cc->x->window * 86400)
			continue;
		char key[128];
		int n = snprintf(key, sizeof key, "%zu\x1f%ld", s->campaign, cu);
		size_t before = cc->responded.n;
		hmap_put(&cc->responded, key, (size_t)n);
		if (cc->responded.n > before)
			cc->c[s->campaign][1]++;
		if (money)
			cc->c[s->campaign][2] += amount;
	}
}

static void report_campaigns(struct ctx *x, struct table *t)
{
	struct campctx cc = { .x = x };
	if (scan_history(&x->d, x->strict, ev_sends, &cc) < 0 ||
	    scan_history(&x->d, x->strict, ev_responses, &cc) < 0)
		exit(CRM_ERR);
	const char *c[] = { "campaign", "recipients", "responders", "response_rate", "revenue", NULL };
	cols(t, c, "snnnn");
	t->chart_label = 0;
	t->chart_value = 3;
	char **names = hmap_sorted(&cc.camps);
	for (size_t i = 0; i < cc.camps.n; i++) {
		size_t k = (size_t)hmap_get(&cc.camps, names[i], strlen(names[i]));
		struct rec *r = add_row(t);
		cell(r, names[i]);
		cellf(r, "%lld", cc.c[k][0]);
		cellf(r, "%lld", cc.c[k][1]);
		cell_pct(r, cc.c[k][1], cc.c[k][0]);
		cell_money(r, cc.c[k][2], x->currency);
		free(names[i]);
	}
	free(names);
	hmap_free(&cc.camps);
	hmap_free(&cc.custs);
	hmap_free(&cc.responded);
	free(cc.s);
	free(cc.first);
	free(cc.c);
}

/* -- cohorts -- */

/* A customer in cohorts, in the word the map keeps with its id: the month
 * of the first purchase (months from year 0, + 1) in the high 18 bits and,
 * bit k - 1, whether there was a purchase k months later (k = 1..14, the
 * columns shown). 0 for none yet. */
#define COH_MAX 14
#define COH_FIRST(w) ((int)((w) >> COH_MAX) - 1)
#define COH_AGAIN(w) ((w) & ((1u << COH_MAX) - 1))
#define COH_MONTHS (1 << (32 - COH_MAX)) /* years 0000-9999 take 120,000 */

/* Purchases wait in a ring while the slots of their customers are fetched
 * from memory: the map is too big for the cache, and a lookup that waits
 * for its slot is most of the time of the report. */
#define COH_RING 16
struct cohpend {
	uint64_t h;
	int mon;
	uint32_t n;
	char id[32];
};

struct cohctx {
	struct ctx *x;
	struct hmap ids;
	struct cohpend ring[COH_RING];
	unsigned head, len;
	int64_t day; /* the day of the purchase before (days from 1970), and its month */
	int mon;
};

/* A purchase in month mon (months counted from year 0). A month before the
 * first makes it the first, the months after it moved up by as many; a
 * month more than COH_MAX after the first is of no column, whichever month
 * turns out first. */
static void coh_add(uint32_t *w, int mon)
{
	if (!*w) {
		*w = (uint32_t)(mon + 1) << COH_MAX;
		return;
	}
	int first = COH_FIRST(*w);
	unsigned again = COH_AGAIN(*w);
	if (mon > first) {
		if (mon - first <= COH_MAX)
			*w |= 1u << (mon - first - 1);
		return;
	}
	if (mon == first)
		return;
	int d = first - mon;
	again = d <= COH_MAX ? (again << d | 1u << (d - 1)) & ((1u << COH_MAX) - 1) : 0;
	*w = (uint32_t)(mon + 1) << COH_MAX | again;
}

/* Count the oldest purchase of the ring, whose slot has come meanwhile. */
static void coh_pop(struct cohctx *cc)
{
	const struct cohpend *o = &cc->ring[cc->head];
	coh_add(hmap_word(&cc->ids, o->id, o->n, o->h), o->mon);
	cc->len--;
	cc->head = (cc->head + 1) % COH_RING;
}

static void ev_cohort(const struct event *e, void *arg)
{
	struct cohctx *cc = arg;
	if (!pv_is(&e->p->v[PJ_TYPE], "purchase") || !e->has_ts || !wanted(cc->x, e, false) ||
	    e->p->v[PJ_CUSTOMER].kind != 's' || e->ts > cc->x->now)
		return;
	const char *id = e->p->v[PJ_CUSTOMER].s;
	size_t n = e->p->v[PJ_CUSTOMER].n;
	int64_t day = date_day(e->ts);
	if (day != cc->day) {
		/* the history is in time order: most purchases are of the day before's */
		int64_t y;
		unsigned m, d;
		civil_from_days(day, &y, &m, &d);
		cc->day = day;
		cc->mon = y < 0 || y * 12 + m >= COH_MONTHS ? -1 : (int)(y * 12 + m - 1);
	}
	int mon = cc->mon;
	if (mon < 0)
		return; /* no such time stamp is read */
	uint64_t h = hmap_hash(id, n);
	if (n > sizeof cc->ring[0].id) {
		coh_add(hmap_word(&cc->ids, id, n, h), mon);
		return;
	}
	hmap_prefetch(&cc->ids, h);
	if (cc->len == COH_RING)
		coh_pop(cc);
	struct cohpend *p = &cc->ring[(cc->head + cc->len++) % COH_RING];
	p->h = h;
	p->mon = mon;
	p->n = (uint32_t)n;
	memcpy(p->id, id, n);
}

/* The purchase months of every customer, the parts of a big history read
 * on their own threads, each into its own map (a customer may be in
 * several). */
static void coh_load(struct ctx *x, struct hmap *ids)
{
	struct cohctx part[SCAN_MAXPARTS];
	void *ctx[SCAN_MAXPARTS];
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		part[i] = (struct cohctx){ .x = x, .ids.words_only = true, .day = INT64_MIN };
		ctx[i] = &part[i];
	}
	if (scan_parts_any(&x->d, x->strict, SKIP_TEXT, ev_cohort, ctx, SCAN_MAXPARTS) < 0)
		exit(CRM_ERR);
	for (int p = 0; p < SCAN_MAXPARTS; p++) {
		while (part[p].len)
			coh_pop(&part[p]);
		ids[p] = part[p].ids;
	}
}

/* The next customer of the maps of coh_load, its word joined from every
 * map it is in: the maps are walked one after the other in slot order, and
 * a customer met is looked up in the maps after (nearly in sequence too)
 * and taken out of them. *p and *pos start at 0; false at the end. */
static bool coh_next(struct hmap *ids, int *p, size_t *pos, uint32_t *word)
{
	struct hwalk w;
	for (; *p < SCAN_MAXPARTS; (*p)++, *pos = 0) {
		while (hmap_walk(&ids[*p], pos, &w)) {
			if (!w.word)
				continue; /* joined into a map before */
			*word = w.word;
			for (int q = *p + 1; q < SCAN_MAXPARTS; q++) {
				uint32_t *o = hmap_word_of(&ids[q], w.key, w.n, w.h);
				if (!o)
					continue;
				int first = COH_FIRST(*o);
				coh_add(word, first);
				for (int k = 1; k <= COH_MAX; k++)
					if (*o >> (k - 1) & 1)
						coh_add(word, first + k);
				*o = 0;
			}
			return true;
		}
	}
	return false;
}

static void report_cohorts(struct ctx *x, struct table *t)
{
	struct hmap ids[SCAN_MAXPARTS];
	coh_load(x, ids);
	int64_t ny;
	unsigned nmo, nd;
	civil_from_days(date_day(x->now), &ny, &nmo, &nd);
	int now_m = (int)(ny * 12 + nmo - 1);
	/* the oldest cohort: the first month of a customer is the first of
	 * the maps it is in */
	int lo = INT32_MAX;
	for (int p = 0; p < SCAN_MAXPARTS; p++) {
		size_t pos = 0;
		struct hwalk w;
		while (hmap_walk(&ids[p], &pos, &w))
			if (COH_FIRST(w.word) < lo)
				lo = COH_FIRST(w.word);
	}
	int span = lo == INT32_MAX ? 0 : now_m - lo; /* months after the oldest cohort */
	if (x->limit >= 0 && span > x->limit)
		span = (int)x->limit;
	hdr_add(&t->cols, "cohort");
	hdr_add(&t->cols, "customers");
	t->numeric[1] = true;
	for (int k = 1; k <= span && k <= COH_MAX; k++) {
		char b[16];
		snprintf(b, sizeof b, "m%d", k);
		hdr_add(&t->cols, b);
		t->numeric[t->cols.n - 1] = true;
	}
	t->chart_label = 0;
	t->chart_value = 1;
	int ncol = (int)t->cols.n - 2;
	/* per cohort month: size, and per k the number purchasing again */
	int nco = lo == INT32_MAX ? 0 : now_m - lo + 1;
	long long *size = xcalloc((size_t)nco + 1, sizeof *size);
	long long *again = xcalloc(((size_t)nco + 1) * ((size_t)ncol + 1), sizeof *again);
	int p = 0;
	size_t pos = 0;
	uint32_t word;
	while (coh_next(ids, &p, &pos, &word)) {
		int co = COH_FIRST(word) - lo;
		if (co < 0 || co >= nco)
			continue;
		size[co]++;
		for (int off = 1; off <= ncol; off++)
			if (word >> (off - 1) & 1)
				again[co * (ncol + 1) + off]++;
	}
	for (int co = 0; co < nco; co++) {
		if (!size[co])
			continue;
		struct rec *r = add_row(t);
		char b[16];
		int m = lo + co;
		snprintf(b, sizeof b, "%04d-%02d", m / 12, m % 12 + 1);
		cell(r, b);
		cellf(r, "%lld", size[co]);
		for (int k = 1; k <= ncol; k++) {
			if (m + k > now_m)
				cell(r, ""); /* not reached yet */
			else
				cell_pct(r, again[co * (ncol + 1) + k], size[co]);
		}
	}
	free(size);
	free(again);
	for (p = 0; p < SCAN_MAXPARTS; p++)
		hmap_free(&ids[p]);
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	struct ctx x = { .limit = -1, .window = 14, .group_ev = -1, .by = P_MONTH };
	const char *arg, *since = NULL, *until = NULL, *cur = NULL;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1) {
		switch (k) {
		case O_SINCE: since = arg; break;
		case O_UNTIL: until = arg; break;
		case O_GROUP: x.group_name = arg; break;
		case O_CURRENCY: cur = arg; break;
		case O_BY: {
			static const char *const names[] = { "day", "week", "month", "quarter", "year", NULL };
			size_t i = 0;
			while (names[i] && strcmp(names[i], arg))
				i++;
			if (!names[i])
				crm_usage_error(&cmd, "--by takes day, week, month, quarter or year");
			x.by = (enum period)i;
			break;
		}
		case O_LIMIT:
		case O_WINDOW: {
			long long v;
			if (!parse_long(arg, &v) || v < 0)
				crm_usage_error(&cmd, k == O_LIMIT ? "--limit takes a whole number"
								   : "--window takes a number of days");
			if (k == O_LIMIT)
				x.limit = (long)v;
			else
				x.window = (long)v;
			break;
		}
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		crm_usage_error(&cmd, "name one report");
	const char *name = argv[0];
	static const char *const reports[] = { "summary", "activity", "revenue", "top", "segments",
					       "pipeline", "campaigns", "satisfaction", "followups",
					       "cohorts", "owners", NULL };
	size_t ri = 0;
	while (reports[ri] && strcmp(reports[ri], name))
		ri++;
	if (!reports[ri])
		crm_diex("%s: no such report (summary, activity, revenue, top, segments, pipeline, "
			 "campaigns, satisfaction, followups, cohorts, owners)", name);
	if (!strcmp(name, "segments")) {
		/* the RFM distribution is crm-segment's own summary */
		char *args[16];
		int n = 0;
		args[n++] = "crm-segment";
		args[n++] = "--rfm";
		args[n++] = "--summary";
		if (c.dir) {
			args[n++] = "-d";
			args[n++] = (char *)c.dir;
		}
		if (c.format) {
			args[n++] = "-o";
			args[n++] = (char *)c.format;
		}
		if (c.safe_csv)
			args[n++] = "--safe-csv";
		if (until) {
			args[n++] = "--as-of";
			args[n++] = (char *)until;
		}
		args[n] = NULL;
		char self[4096];
		ssize_t l = readlink("/proc/self/exe", self, sizeof self - 20);
		if (l > 0) {
			self[l] = '\0';
			char *slash = strrchr(self, '/');
			if (slash) {
				strcpy(slash + 1, "crm-segment");
				execv(self, args);
			}
		}
		execvp("crm-segment", args);
		crm_die("crm-segment");
	}
	crm_dir_open(&x.d, c.dir);
	x.strict = c.strict;
	x.now = crm_now();
	if (since) {
		x.since = date_option("since", since, false);
		x.has_since = true;
	}
	if (until) {
		x.until = date_option("until", until, true);
		x.has_until = true;
	}
	if (!until) {
		/* an event dated later than now is not history yet */
		x.until = x.now;
		x.has_until = true;
	}
	const char *cc = cur ? cur : conf_get(&x.d, "currency", "EUR");
	if (!currency_valid(cc, x.currency))
		crm_diex("%s: not a currency code", cc);
	if (x.group_name) {
		static const char *const ev[] = { "type", "channel", "direction", "by", "currency", NULL };
		static const int pj[] = { PJ_TYPE, PJ_CHANNEL, PJ_DIRECTION, PJ_BY, PJ_CURRENCY };
		for (size_t i = 0; ev[i]; i++)
			if (!strcmp(ev[i], x.group_name))
				x.group_ev = pj[i];
	}
	x.scoped = stdin_is_stream();
	/* the customers are read when a report shows them, a stream scopes it,
	 * or the rows are grouped by a customer column */
	bool shows = ri == 0 || ri == 3 || ri == 8 || ri == 10;
	if (shows || x.scoped || (x.group_name && x.group_ev < 0))
		load_customers(&x, x.scoped);

	struct table t = { .title = name, .chart_label = -1, .chart_value = -1, .only_col = -1 };
	char title[128];
	snprintf(title, sizeof title, "crm report: %s", name);
	t.title = title;
	switch (ri) {
	case 0: report_summary(&x, &t); break;
	case 1: report_activity(&x, &t); break;
	case 2: report_revenue(&x, &t); break;
	case 3: report_top(&x, &t); break;
	case 5: report_pipeline(&x, &t); break;
	case 6: report_campaigns(&x, &t); break;
	case 7: report_satisfaction(&x, &t); break;
	case 8: report_followups(&x, &t); break;
	case 9: report_cohorts(&x, &t); break;
	case 10: report_owners(&x, &t); break;
	}
	if (x.limit >= 0 && ri != 3 && ri != 9 && t.n > (size_t)x.limit)
		t.n = (size_t)x.limit;
	print_table(&t, c.format, c.color);
	int rc = t.n ? CRM_OK : CRM_NONE;
	table_free(&t);
	for (size_t i = 0; i < x.nci; i++) {
		free(x.ci[i].id);
		free(x.ci[i].name);
		free(x.ci[i].group);
		free(x.ci[i].owner);
		free(x.ci[i].stage);
		free(x.ci[i].consent);
		free(x.ci[i].touch);
	}
	free(x.ci);
	keyed_free(&x.k);
	hmap_free(&x.ids);
	crm_dir_close(&x.d);
	crm_flush_stdout();
	return rc;
}
