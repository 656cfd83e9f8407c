/* crm-segment - RFM, rule-based and lifecycle segments as new columns */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cust.h"
#include "date.h"
#include "derive.h"
#include "dir.h"
#include "expr.h"
#include "fieldset.h"
#include "fmt.h"
#include "money.h"
#include "opt.h"
#include "rules.h"
#include "util.h"

enum { O_RFM = OPT_FIRST_LOCAL, O_RULES, O_LIFECYCLE, O_ASOF, O_ONLY, O_DEFAULT };

static const struct crm_opt opts[] = {
	{ O_RFM, "rfm", NULL, "add RFM scores r, f, m, rfm and their segment" },
	{ O_RULES, "rules", "FILE", "segment by the rules NAME: EXPR of FILE (default segments.conf)" },
	{ O_DEFAULT, "default", "NAME", "with rules: the segment of customers no rule matches" },
	{ O_LIFECYCLE, "lifecycle", NULL, "add the lifecycle stage (new, active, at-risk, lapsed, lost)" },
	{ O_ASOF, "as-of", "DATE", "take the figures on this day (default: now)" },
	{ O_ONLY, "only", "NAME", "keep only the customers of this segment (repeatable)" },
	{ 'S', "summary", NULL, "one row per segment instead of the customers" },
	CRM_OPT_FORMAT,
	CRM_OPT_SAFECSV,
	CRM_OPTS_READER,
};

static const struct crm_cmd cmd = {
	"[--rfm] [--rules FILE] [--lifecycle] [--as-of DATE] [--only NAME]... [-S] [-o FORMAT]",
	"Add segment columns to the customers of the stream (or of customers.csv)\n"
	"from their history: RFM scores, the first matching rule of a rules file,\n"
	"the lifecycle stage.",
	opts,
};

/* The RFM grid: the segment of each R (rows 1-5) and F (columns 1-5). */
static const char *const grid[5][5] = {
	{ "Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose" },
	{ "Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose" },
	{ "About to Sleep", "About to Sleep", "Need Attention", "Loyal", "Loyal" },
	{ "Promising", "Potential Loyalists", "Potential Loyalists", "Loyal", "Loyal" },
	{ "New", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions" },
};
static const char *const rfm_order[] = { "Champions", "Loyal", "Potential Loyalists", "New",
					 "Promising", "Need Attention", "About to Sleep",
					 "At Risk", "Can't Lose", "Hibernating", "Prospects", NULL };
static const char *const life_order[] = { "new", "active", "at-risk", "lapsed", "lost", NULL };

struct cust {
	struct rec r;
	long days;          /* since the last purchase, -1 when none */
	long long f, m;
	size_t order;
	int rs, fs, ms;     /* scores */
};

struct opts {
	bool rfm, lifecycle, summary;
	const char *rules, *def, *asof;
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

static int cmp_r(const void *a, const void *b, void *ids)
{
	const struct cust *x = *(struct cust *const *)a, *y = *(struct cust *const *)b;
	/* longest ago first, so the most recent rank last and score 5 */
	if (x->days != y->days)
		return x->days > y->days ? -1 : 1;
	long ic = *(long *)ids;
	return strcmp(rec_get(&x->r, (size_t)ic), rec_get(&y->r, (size_t)ic));
}

static int cmp_f(const void *a, const void *b, void *ids)
{
	const struct cust *x = *(struct cust *const *)a, *y = *(struct cust *const *)b;
	if (x->f != y->f)
		return x->f < y->f ? -1 : 1;
	long ic = *(long *)ids;
	return strcmp(rec_get(&x->r, (size_t)ic), rec_get(&y->r, (size_t)ic));
}

static int cmp_m(const void *a, const void *b, void *ids)
{
	const struct cust *x = *(struct cust *const *)a, *y = *(struct cust *const *)b;
	if (x->m != y->m)
		return x->m < y->m ? -1 : 1;
	long ic = *(long *)ids;
	return strcmp(rec_get(&x->r, (size_t)ic), rec_get(&y->r, (size_t)ic));
}

/* Number the customers 1..n by cmp and give each ceil(5 * rank / n). */
static void score(struct cust **v, size_t n, int (*cmp)(const void *, const void *, void *),
		  long idcol, size_t which)
{
	qsort_r(v, n, sizeof *v, cmp, &idcol);
	for (size_t i = 0; i < n; i++) {
		int s = (int)((5 * (i + 1) + n - 1) / n);
		if (which == 0)
			v[i]->rs = s;
		else if (which == 1)
			v[i]->fs = s;
		else
			v[i]->ms = s;
	}
}

static long long derived_num(const struct derive *dv, const char *id, enum dfield f, bool *has)
{
	char buf[40];
	size_t n;
	const char *v = derive_get(dv, id, strlen(id), f, buf, &n);
	*has = n > 0;
	return n ? strtoll(v, NULL, 10) : 0;
}

static crm_time derived_time(const struct derive *dv, const char *id, enum dfield f, bool *has)
{
	char buf[40];
	size_t n;
	const char *v = derive_get(dv, id, strlen(id), f, buf, &n);
	crm_time t = 0;
	*has = n > 0 && date_parse(v, &t);
	return t;
}

struct group {
	const char *name;
	long customers, purchases, with_purchase;
	long long revenue, days;
};

static void summary(struct cust *cs, size_t n, long segcol, const struct derive *dv, long idcol,
		    const char *const *order, const struct rule *rules, size_t nrules,
		    const char *def, const struct opts *o, const char *currency)
{
	struct group *g = NULL;
	size_t ng = 0, cap = 0;
	/* the known names first, in their order, so the table reads well */
	const char **names = NULL;
	size_t nn = 0, ncap = 0;
	for (const char *const *p = order; p && *p; p++) {
		void *q = names;
		xgrow(&q, &ncap, nn + 1, sizeof *names);
		names = q;
		names[nn++] = *p;
	}
	for (size_t i = 0; i < nrules; i++) {
		void *q = names;
		xgrow(&q, &ncap, nn + 1, sizeof *names);
		names = q;
		names[nn++] = rules[i].name;
	}
	if (def) {
		void *q = names;
		xgrow(&q, &ncap, nn + 1, sizeof *names);
		names = q;
		names[nn++] = def;
	}
	for (size_t i = 0; i < nn; i++) {
		bool dup = false;
		for (size_t k = 0; k < ng && !dup; k++)
			dup = !strcmp(g[k].name, names[i]);
		if (dup)
			continue;
		void *q = g;
		xgrow(&q, &cap, ng + 1, sizeof *g);
		g = q;
		g[ng++] = (struct group){ names[i], 0, 0, 0, 0, 0 };
	}
	for (size_t i = 0; i < n; i++) {
		const char *seg = rec_get(&cs[i].r, (size_t)segcol);
		size_t k = 0;
		while (k < ng && strcmp(g[k].name, seg))
			k++;
		if (k == ng) {
			void *q = g;
			xgrow(&q, &cap, ng + 1, sizeof *g);
			g = q;
			g[ng++] = (struct group){ seg, 0, 0, 0, 0, 0 };
		}
		const char *id = rec_get(&cs[i].r, (size_t)idcol);
		bool has;
		g[k].customers++;
		g[k].revenue += derived_num(dv, id, D_REVENUE, &has);
		/* orders in the default currency, as the revenue is */
		g[k].purchases += derived_num(dv, id, D_ORDERS, &has);
		if (cs[i].days >= 0) {
			g[k].with_purchase++;
			g[k].days += cs[i].days;
		}
	}
	enum fmt f = fmt_choose(o->c.format, FMT_CSV, FMTS_ALL);
	bool human = f == FMT_TABLE || f == FMT_MD || f == FMT_HTML;
	struct hdr h = { 0 };
	static const char *const cols[] = { "segment", "customers", "share", "revenue", "aov",
					    "days_since_purchase", "" };
	for (size_t i = 0; i < 6; i++)
		hdr_add(&h, cols[i]);
	if (f == FMT_TABLE)
		hdr_add(&h, "bar");
	bool num[7] = { false, true, true, true, true, true, false };
	struct out *out = out_open(f, &h, num, fmt_color(o->c.color));
	struct rec r = { 0 };
	for (size_t k = 0; k < ng; k++) {
		if (!g[k].customers)
			continue;
		rec_clear(&r);
		rec_push(&r, *g[k].name ? g[k].name : "(none)", strlen(*g[k].name ? g[k].name : "(none)"));
		char b[MONEY_BUFSZ];
		snprintf(b, sizeof b, "%ld", g[k].customers);
		rec_push(&r, b, strlen(b));
		/* share in tenths of a percent, rounded half up */
		long tenths = (long)((g[k].customers * 2000 + (long)n) / (2 * (long)n));
		snprintf(b, sizeof b, "%ld.%ld", tenths / 10, tenths % 10);
		rec_push(&r, b, strlen(b));
		money_fmt(g[k].revenue, currency, human, b);
		rec_push(&r, b, strlen(b));
		if (g[k].purchases) {
			long long a = g[k].revenue / g[k].purchases;
			money_fmt(a, currency, human, b);
		} else {
			b[0] = '\0';
		}
		rec_push(&r, b, strlen(b));
		if (g[k].with_purchase)
			snprintf(b, sizeof b, "%lld",
				 (g[k].days * 2 + g[k].with_purchase) / (2 * g[k].with_purchase));
		else
			b[0] = '\0';
		rec_push(&r, b, strlen(b));
		if (f == FMT_TABLE) {
			struct sb bar = { 0 };
			long w = (g[k].customers * 40 + (long)n - 1) / (long)n;
			for (long i = 0; i < w / 2; i++)
				sb_adds(&bar, "\xE2\x96\x88"); /* full block */
			if (w % 2)
				sb_adds(&bar, "\xE2\x96\x8C"); /* half block */
			rec_push(&r, sb_str(&bar), bar.len);
			sb_free(&bar);
		}
		out_row(out, &r);
	}
	rec_free(&r);
	out_close(out);
	hdr_free(&h);
	free(g);
	free(names);
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
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
		case 'S': o.summary = true; break;
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

	struct crm_dir d;
	crm_dir_open(&d, o.c.dir);
	char *rules_path = NULL;
	if (o.rules) {
		rules_path = xstrdup(o.rules);
	} else if (!o.rfm && !o.lifecycle) {
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
		if (!date_parse_rel(o.asof, now, &asof))
			crm_diex("--as-of: '%s' is not a date", o.asof);
		if (!strchr(o.asof, 'T') && strcmp(o.asof, "now"))
			asof += 86399; /* a day: up to its end */
	}

	struct recin in;
	if (recin_open(&in, &d, stdin_is_stream(), o.c.strict) < 0)
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
	unsigned mask = fieldset_mask(&fs, used);
	if (o.rfm || o.summary)
		mask |= 1u << D_LAST_PURCHASE | 1u << D_PURCHASES | 1u << D_REVENUE;
	if (o.lifecycle)
		mask |= 1u << D_LAST_CONTACT | 1u << D_FIRST_CONTACT;
	const char *currency = conf_get(&d, "currency", "EUR");
	/* the figures stop at --as-of, or now: a later event is not yet history */
	fs.dv = derive_load(&d, currency, mask | 1u << D_ORDERS, o.c.strict, asof);
	if (!fs.dv)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */

	/* Read every customer: quintiles need them all. */
	struct cust *cs = NULL;
	size_t n = 0, cap = 0;
	int status = CRM_OK;
	for (;;) {
		void *p = cs;
		size_t oldcap = cap;
		xgrow(&p, &cap, n + 1, sizeof *cs);
		cs = p;
		if (cap > oldcap)
			memset(cs + oldcap, 0, (cap - oldcap) * sizeof *cs);
		int got = recin_next(&in, &cs[n].r);
		if (got < 0)
			status = CRM_ERR;
		if (got <= 0)
			break;
		while (cs[n].r.n < out.n)
			rec_push(&cs[n].r, "", 0);
		const char *id = rec_get(&cs[n].r, (size_t)idcol);
		bool has;
		crm_time lp = derived_time(fs.dv, id, D_LAST_PURCHASE, &has);
		cs[n].days = has ? (long)((asof - lp) / 86400) : -1;
		cs[n].f = derived_num(fs.dv, id, D_PURCHASES, &has);
		cs[n].m = derived_num(fs.dv, id, D_REVENUE, &has);
		cs[n].order = n;
		n++;
	}
	if (status != CRM_OK)
		exit(status); /* nothing to undo: what is held goes with the process */

	if (o.rfm) {
		struct cust **buyers = xcalloc(n ? n : 1, sizeof *buyers);
		size_t nb = 0;
		for (size_t i = 0; i < n; i++)
			if (cs[i].f > 0 && cs[i].days >= 0)
				buyers[nb++] = &cs[i];
		score(buyers, nb, cmp_r, idcol, 0);
		score(buyers, nb, cmp_f, idcol, 1);
		score(buyers, nb, cmp_m, idcol, 2);
		free(buyers);
		for (size_t i = 0; i < n; i++) {
			struct rec *r = &cs[i].r;
			if (!(cs[i].f > 0 && cs[i].days >= 0)) {
				rec_set(r, (size_t)c_r, "", 0);
				rec_set(r, (size_t)c_f, "", 0);
				rec_set(r, (size_t)c_m, "", 0);
				rec_set(r, (size_t)c_rfm, "", 0);
				rec_set(r, (size_t)c_rseg, "Prospects", 9);
				continue;
			}
			char b[8];
			snprintf(b, sizeof b, "%d", cs[i].rs);
			rec_set(r, (size_t)c_r, b, 1);
			snprintf(b, sizeof b, "%d", cs[i].fs);
			rec_set(r, (size_t)c_f, b, 1);
			snprintf(b, sizeof b, "%d", cs[i].ms);
			rec_set(r, (size_t)c_m, b, 1);
			snprintf(b, sizeof b, "%d%d%d", cs[i].rs, cs[i].fs, cs[i].ms);
			rec_set(r, (size_t)c_rfm, b, 3);
			const char *seg = grid[cs[i].rs - 1][cs[i].fs - 1];
			rec_set(r, (size_t)c_rseg, seg, strlen(seg));
		}
	}
	if (o.lifecycle) {
		long t_new = conf_long(&d, "new_days", 30), t_act = conf_long(&d, "active_days", 90);
		long t_risk = conf_long(&d, "at_risk_days", 180), t_lapse = conf_long(&d, "lapsed_days", 365);
		for (size_t i = 0; i < n; i++) {
			const char *id = rec_get(&cs[i].r, (size_t)idcol);
			bool hf, hl;
			crm_time first = derived_time(fs.dv, id, D_FIRST_CONTACT, &hf);
			crm_time last = derived_time(fs.dv, id, D_LAST_CONTACT, &hl);
			const char *stage = "";
			if (hf && hl) {
				long since_first = (long)((asof - first) / 86400);
				long since_last = (long)((asof - last) / 86400);
				stage = since_first <= t_new	? "new"
					: since_last <= t_act	? "active"
					: since_last <= t_risk	? "at-risk"
					: since_last <= t_lapse ? "lapsed"
								: "lost";
			}
			rec_set(&cs[i].r, (size_t)c_life, stage, strlen(stage));
		}
	}
	if (rules_path) {
		for (size_t i = 0; i < n; i++) {
			struct row_ctx c = { .fs = &fs, .r = &cs[i].r };
			const char *seg = o.def ? o.def : "";
			for (size_t k2 = 0; k2 < nrules; k2++)
				if (expr_eval(rules[k2].e, fieldset_get, &c)) {
					seg = rules[k2].name;
					break;
				}
			rec_set(&cs[i].r, (size_t)c_seg, seg, strlen(seg));
		}
	}

	/* --only: keep the customers of the named segments */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		bool keep = !o.nonly;
		for (size_t j = 0; j < o.nonly && !keep; j++) {
			keep = (c_seg >= 0 && ascii_ieq(rec_get(&cs[i].r, (size_t)c_seg), o.only[j])) ||
			       (c_rseg >= 0 && ascii_ieq(rec_get(&cs[i].r, (size_t)c_rseg), o.only[j])) ||
			       (c_life >= 0 && ascii_ieq(rec_get(&cs[i].r, (size_t)c_life), o.only[j]));
		}
		cs[i].r.gone = !keep;
		kept += keep;
	}

	if (o.summary) {
		struct cust *sel = xcalloc(kept ? kept : 1, sizeof *sel);
		size_t ns = 0;
		for (size_t i = 0; i < n; i++)
			if (!cs[i].r.gone)
				sel[ns++] = cs[i];
		const char *const *order = c_seg >= 0 ? NULL : c_rseg >= 0 ? rfm_order : life_order;
		if (ns)
			summary(sel, ns, primary, fs.dv, idcol, order, rules, nrules, o.def, &o, currency);
		free(sel);
	} else {
		bool *num = xcalloc(out.n, sizeof *num);
		const long numeric[] = { c_r, c_f, c_m };
		for (size_t i = 0; i < 3; i++)
			if (numeric[i] >= 0)
				num[numeric[i]] = true;
		struct out *w = out_open(fmt_choose(o.c.format, in.jsonl ? FMT_JSONL : FMT_CSV, FMTS_ALL),
					 &out, num, fmt_color(o.c.color));
		for (size_t i = 0; i < n; i++)
			if (!cs[i].r.gone)
				out_row(w, &cs[i].r);
		out_close(w);
		free(num);
	}
	if (!kept)
		status = CRM_NONE;

	for (size_t i = 0; i < cap; i++)
		rec_free(&cs[i].r);
	free(cs);
	rules_free(rules, nrules);
	free(used);
	free(rules_path);
	fieldset_free(&fs);
	hdr_free(&out);
	recin_close(&in);
	crm_dir_close(&d);
	crm_flush_stdout();
	return status;
}
