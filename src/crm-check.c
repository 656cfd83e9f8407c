/* crm-check - validate a CRM directory: every problem as file:line: message */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvrec.h"
#include "cust.h"
#include "dir.h"
#include "domain.h"
#include "fieldset.h"
#include "hist.h"
#include "hmap.h"
#include "jsonl.h"
#include "opt.h"
#include "rules.h"
#include "utf8.h"
#include "util.h"
#include "valid.h"

/* Where crm-merge leaves what it could not merge, one JSON object a line. */
#define CONFLICTS "conflicts.jsonl"
/* The rules of crm-segment. */
#define SEGMENTS "segments.conf"

/* No --strict: every bad line is a problem already; no --color: no table. */
static const struct crm_opt opts[] = {
	{ 'q', "quiet", NULL, "print nothing: only the exit status tells" },
	CRM_OPT_DIR,
	CRM_OPT_HELP,
	CRM_OPT_VERSION,
	CRM_OPT_END,
};

static const struct crm_cmd cmd = {
	"[-q] [-d DIR]",
	"Check a CRM directory: customers.csv, interactions.jsonl, segments.conf and\n"
	"the unresolved conflicts of crm-merge. Each problem is printed as FILE:LINE: MESSAGE on\n"
	"stdout, a count on stderr; nothing when all is well. Exit status 0 when\n"
	"clean, 2 when there is a problem.",
	opts,
	"0 no problem found, 2 problems found or the check could not be made (1 is not used)",
};

static bool quiet;

struct problem {
	long line, col; /* col 0: none to name */
	size_t seq; /* keeps the order of the problems of one line */
	char *msg;
	bool warn;  /* a warning: shown, not an error */
};

/* The problems of one file, printed together when the file is done. */
struct file {
	char *name; /* as shown */
	struct problem *v;
	size_t n, cap;
	size_t nwarn; /* of the n, the warnings */
};

static void problem(struct file *f, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct file *f, long line, long col, bool warn, const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		crm_diex("out of memory");
	void *p = f->v;
	xgrow(&p, &f->cap, f->n + 1, sizeof *f->v);
	f->v = p;
	f->v[f->n] = (struct problem){ line, col, f->n, s, warn };
	f->n++;
	f->nwarn += warn;
}

static void problem(struct file *f, long line, const char *fmt, ...)
{
	if (quiet)
		exit(CRM_ERR); /* one is enough to know */
	va_list ap;
	va_start(ap, fmt);
	note(f, line, 0, false, fmt, ap);
	va_end(ap);
}

/* A problem at a column of the line. */
static void problem_at(struct file *f, long line, long col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem_at(struct file *f, long line, long col, const char *fmt, ...)
{
	if (quiet)
		exit(CRM_ERR);
	va_list ap;
	va_start(ap, fmt);
	note(f, line, col, false, fmt, ap);
	va_end(ap);
}

/* Something worth saying that is not wrong: printed with "warning: ",
 * left out of the exit status. */
static void warning(struct file *f, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warning(struct file *f, long line, const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	note(f, line, 0, true, fmt, ap);
	va_end(ap);
}

static int by_line(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Print the problems of f in the order of their lines. */
static void print_file(struct file *f)
{
	if (f->n) /* qsort wants an array, even of nothing */
		qsort(f->v, f->n, sizeof *f->v, by_line);
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i].col)
			printf("%s:%ld:%ld: %s\n", f->name, f->v[i].line, f->v[i].col, f->v[i].msg);
		else
			printf("%s:%ld: %s%s\n", f->name, f->v[i].line,
			       f->v[i].warn ? "warning: " : "", f->v[i].msg);
		free(f->v[i].msg);
		if (ferror(stdout))
			crm_flush_stdout();
	}
	free(f->v);
	f->v = NULL;
}

/* The callback of the record checks of valid.h. */
struct at {
	struct file *f;
	long line;
};

static void on_problem(void *ctx, const char *field, const char *msg)
{
	struct at *a = ctx;
	problem(a->f, a->line, "%s", msg);
}

/* Show an id or an address as it is when it is plain, else quoted, so a
 * message stays on one line. */
static const char *plain(struct sb *b, const char *s, size_t n)
{
	bool ok = n > 0 && n <= 60;
	for (size_t i = 0; i < n && ok; i++)
		ok = (unsigned char)s[i] > ' ' && s[i] != '"' && s[i] != '\\' && s[i] != 0x7F;
	sb_reset(b);
	if (ok)
		sb_add(b, s, n);
	else
		valid_quote(b, s, n);
	return sb_str(b);
}

/* A set of keys, each with the line it was first seen on. */
struct seen {
	struct hmap m;
	long *line;
	size_t cap;
};

/* Add key; returns 0 when it is new, else the line it was first seen on. */
static long seen_add(struct seen *s, const char *key, size_t n, long line)
{
	size_t before = s->m.n;
	size_t i = hmap_put(&s->m, key, n);
	if (i < before)
		return s->line[i];
	void *p = s->line;
	xgrow(&p, &s->cap, i + 1, sizeof *s->line);
	s->line = p;
	s->line[i] = line;
	return 0;
}

static void seen_free(struct seen *s)
{
	hmap_free(&s->m);
	free(s->line);
}

/* An interaction as the references to it need it. */
struct event {
	long line;
	signed char type;  /* index in dom_types, -1 when unknown */
	bool has_ref;
};

/* A done or a deal whose ref is resolved when the whole history is read:
 * after a merge the event it names may come later in the file. */
struct pending {
	long line;
	bool deal;
	char *ref;
};

struct check {
	struct crm_dir d;
	struct file cust, hist, conflicts, segments;
	struct hdr hdr;      /* of customers.csv; no columns when it has none */
	bool have_ids;       /* customers.csv gave its ids: refer to them */
	struct seen ids;     /* customer ids */
	struct seen emails;  /* folded e-mail addresses */
	struct seen events;  /* interaction ids, and ev[] by the same index */
	struct event *ev;
	size_t ev_cap;
	struct seen closed;  /* tasks a done refers to */
	struct pending *pend;
	size_t npend, pend_cap;
	struct sb tmp, tmp2;
};

/* Open a file of the directory; -1 when it does not exist. Any other
 * failure, or a directory in its place, is fatal. */
static int open_data(const struct check *x, const char *name, bool must)
{
	int fd = openat(x->d.fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !must)
			return -1;
		crm_die("%s", crm_path(&x->d, name));
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		crm_diex("%s: is a directory", crm_path(&x->d, name));
	return fd;
}

static void check_row(struct check *x, const struct hdr *h, const struct valid_cols *c,
		      const struct rec *r, struct at *at)
{
	struct file *f = &x->cust;
	if (c->id >= 0) {
		const char *id = rec_get(r, (size_t)c->id);
		size_t n = rec_len(r, (size_t)c->id);
		long first = n ? seen_add(&x->ids, id, n, at->line) : 0;
		if (!n)
			problem(f, at->line, "empty id");
		else if (first)
			problem(f, at->line, "duplicate id %s; first on line %ld", plain(&x->tmp, id, n),
				first);
	}
	if (c->email >= 0 && rec_len(r, (size_t)c->email)) {
		const char *e = rec_get(r, (size_t)c->email);
		size_t n = rec_len(r, (size_t)c->email);
		sb_reset(&x->tmp2);
		u8_fold(e, n, false, &x->tmp2);
		long first = seen_add(&x->emails, x->tmp2.s, x->tmp2.len, at->line);
		if (first)
			problem(f, at->line, "duplicate email %s; first on line %ld",
				plain(&x->tmp, e, n), first);
	}
	valid_customer(h, r, on_problem, at);
}

static void check_customers(struct check *x)
{
	struct file *f = &x->cust;
	int fd = open_data(x, CUSTOMERS, true);
	struct csvin *in = csvin_open(fd, f->name);
	const char *s;
	size_t n;
	long line;
	struct rec r = { 0 };
	struct hdr h = { 0 };
	int k = csvin_next_raw(in, &s, &n, &line);
	if (k == 0)
		problem(f, 1, "empty file: the header is missing (it starts with 'id,name,email')");
	else if (k > 0 && csvin_parse(in, s, n, &r) < 0)
		problem(f, line, "%s (in the header: no row is checked)", in->err);
	else if (k > 0) {
		struct at at = { f, line };
		hdr_from_rec(&h, &r);
		hdr_copy(&x->hdr, &h);
		valid_header(&h, on_problem, &at);
		struct valid_cols c;
		valid_cols_find(&c, &h);
		x->have_ids = c.id >= 0;
		while ((k = csvin_next_raw(in, &s, &n, &line)) > 0) {
			at.line = line;
			if (csvin_parse(in, s, n, &r) < 0) {
				problem(f, line, "%s", in->err);
				continue;
			}
			if (r.n > h.n)
				problem(f, line, "%zu fields, but the header has %zu", r.n, h.n);
			check_row(x, &h, &c, &r, &at);
		}
	}
	if (k < 0)
		exit(CRM_ERR); /* a read error, reported */
	rec_free(&r);
	hdr_free(&h);
	csvin_close(in);
	close(fd);
}

/* The cross-record checks of one interaction: its id unique, its customer
 * there, a task closed once; refs are noted to be resolved at the end. */
static void link_event(struct check *x, const json_t *o, long line)
{
	struct file *f = &x->hist;
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *ref = json_string_value(json_object_get(o, "ref"));
	const char *id = json_string_value(json_object_get(o, "id"));
	if (id && *id) {
		long first = seen_add(&x->events, id, strlen(id), line);
		if (first) {
			problem(f, line, "duplicate id %s; first on line %ld",
				plain(&x->tmp, id, strlen(id)), first);
		} else {
			size_t i = x->events.m.n - 1;
			void *p = x->ev;
			xgrow(&p, &x->ev_cap, i + 1, sizeof *x->ev);
			x->ev = p;
			signed char t = -1;
			for (size_t k = 0; type && dom_types[k]; k++)
				if (!strcmp(dom_types[k], type))
					t = (signed char)k;
			x->ev[i] = (struct event){ line, t, json_object_get(o, "ref") != NULL };
		}
	}
	const char *cust = json_string_value(json_object_get(o, "customer"));
	if (x->have_ids && cust && *cust && hmap_get(&x->ids.m, cust, strlen(cust)) < 0)
		/* crm-rm keeps the history of whom it removes (without --forget) */
		warning(f, line, "customer %s is not in %s (removed without --forget?)",
			plain(&x->tmp, cust, strlen(cust)), x->cust.name);
	if (!type || !ref || !*ref || (strcmp(type, "done") && strcmp(type, "deal")))
		return;
	bool deal = !strcmp(type, "deal");
	if (!deal) {
		long first = seen_add(&x->closed, ref, strlen(ref), line);
		if (first)
			problem(f, line, "task %s closed twice; first on line %ld",
				plain(&x->tmp, ref, strlen(ref)), first);
	}
	void *p = x->pend;
	xgrow(&p, &x->pend_cap, x->npend + 1, sizeof *x->pend);
	x->pend = p;
	x->pend[x->npend++] = (struct pending){ line, deal, xstrdup(ref) };
}

/* A done must name a task, a deal's stage change the deal's first event. */
static void resolve_refs(struct check *x)
{
	for (size_t i = 0; i < x->npend; i++) {
		const struct pending *p = &x->pend[i];
		const char *want = p->deal ? "deal" : "task";
		const char *ref = plain(&x->tmp, p->ref, strlen(p->ref));
		long e = hmap_get(&x->events.m, p->ref, strlen(p->ref));
		if (e < 0) {
			problem(&x->hist, p->line, "ref %s: no %s has this id", ref, want);
		} else if (x->ev[e].type < 0) {
			problem(&x->hist, p->line, "ref %s: line %ld is not a %s", ref, x->ev[e].line,
				want);
		} else if (strcmp(dom_types[x->ev[e].type], want)) {
			problem(&x->hist, p->line, "ref %s: line %ld is not a %s but of type %s", ref,
				x->ev[e].line, want, dom_types[x->ev[e].type]);
		} else if (p->deal && x->ev[e].has_ref) {
			problem(&x->hist, p->line,
				"ref %s: line %ld is a stage change; refer to the deal's first event",
				ref, x->ev[e].line);
		}
		free(x->pend[i].ref);
	}
	free(x->pend);
	x->pend = NULL;
}

/* Call fn for each object of the JSON Lines file name; a line that is not
 * one is a problem of f. A missing file has no lines. */
static void each_line(struct check *x, const char *name, struct file *f,
		      void (*fn)(struct check *, const json_t *, long))
{
	int fd = open_data(x, name, false);
	if (fd < 0)
		return;
	struct linein *in = linein_open(fd, f->name);
	const char *s;
	size_t n;
	bool torn;
	int k;
	while ((k = linein_next(in, &s, &n, &torn)) > 0) {
		char err[200];
		json_t *o = jsonl_parse(s, n, err, sizeof err);
		if (!o) {
			if (err[0])
				problem(f, in->line, "%s%s", torn ? "torn last line (no line end): " : "",
					err);
			continue;
		}
		fn(x, o, in->line);
		json_decref(o);
	}
	if (k < 0)
		exit(CRM_ERR); /* a read error, reported */
	linein_close(in);
	close(fd);
}

static void check_event(struct check *x, const json_t *o, long line)
{
	struct at at = { &x->hist, line };
	valid_event(o, on_problem, &at);
	link_event(x, o, line);
}

/* One line of conflicts.jsonl: a field crm-merge could not merge. It stays
 * a problem until the user settles it and deletes the line. */
static void check_conflict(struct check *x, const json_t *o, long line)
{
	const char *file = json_string_value(json_object_get(o, "file"));
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *field = json_string_value(json_object_get(o, "field"));
	json_t *ours = json_object_get(o, "ours"), *theirs = json_object_get(o, "theirs");
	json_t *base = json_object_get(o, "base");
	if (!file || !id || !field || !ours || !theirs) {
		problem(&x->conflicts, line,
			"not a merge conflict: it needs \"file\", \"id\", \"field\", \"ours\" and \"theirs\"");
		return;
	}
	const char *what = !strcmp(file, CUSTOMERS)      ? "customer"
			   : !strcmp(file, INTERACTIONS) ? "interaction"
							 : "record";
	struct sb m = { 0 };
	sb_printf(&m, "unresolved merge conflict in %s: ", plain(&x->tmp, file, strlen(file)));
	sb_printf(&m, "%s %s ", what, plain(&x->tmp, id, strlen(id)));
	sb_printf(&m, "field %s: ours ", plain(&x->tmp, field, strlen(field)));
	valid_show(&m, ours);
	sb_adds(&m, ", theirs ");
	valid_show(&m, theirs);
	if (!base || json_is_null(base)) {
		sb_adds(&m, " (added on both sides)");
	} else {
		sb_adds(&m, " (base ");
		valid_show(&m, base);
		sb_adds(&m, ")");
	}
	problem(&x->conflicts, line, "%s", sb_str(&m));
	sb_free(&m);
}

static void on_rule(void *ctx, const struct rules_err *err)
{
	struct check *x = ctx;
	const char *m = err->msg;
	while (*m == ' ')
		m++;
	problem_at(&x->segments, err->line, err->col, "%s", m);
}

/* segments.conf, when there is one: every rule as crm-segment reads it
 * over this directory, whose fields are the columns of customers.csv (the
 * new file's when it has no header), the columns crm-segment adds and the
 * fields derived from the history. */
static void check_segments(struct check *x)
{
	int fd = open_data(x, SEGMENTS, false);
	if (fd < 0)
		return;
	struct sb text = { 0 };
	if (read_all(fd, &text) < 0)
		crm_die("%s", x->segments.name);
	close(fd);
	struct hdr h = { 0 };
	if (x->hdr.n)
		hdr_copy(&h, &x->hdr);
	else
		for (size_t i = 0; i < cust_ncolumns; i++)
			hdr_add(&h, cust_columns[i]);
	static const char *const added[] = { "r", "f", "m", "rfm", "rfm_segment", "lifecycle",
					     "segment" };
	for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
		hdr_add(&h, added[i]);
	struct fieldset fs;
	fieldset_init(&fs, &h);
	struct schema sc = fieldset_schema(&fs);
	size_t nrules;
	size_t bad = rules_check(text.s ? text.s : "", text.len, &sc, crm_now(), &nrules, on_rule, x);
	if (!bad && !nrules)
		warning(&x->segments, 1, "no rules (lines NAME: EXPR): crm-segment without options "
					  "will refuse it");
	fieldset_free(&fs);
	hdr_free(&h);
	sb_free(&text);
}

/* "crm-check: 3 problems in customers.csv, 1 in interactions.jsonl" */
static void summary(const struct check *x, size_t total)
{
	const struct file *fs[] = { &x->cust, &x->hist, &x->segments, &x->conflicts };
	struct sb b = { 0 };
	size_t warns = 0;
	for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		size_t n = fs[i]->n - fs[i]->nwarn;
		warns += fs[i]->nwarn;
		if (!n)
			continue;
		if (!b.len)
			sb_printf(&b, "%zu problem%s in %s", n, n == 1 ? "" : "s", fs[i]->name);
		else
			sb_printf(&b, ", %zu in %s", n, fs[i]->name);
	}
	if (warns)
		sb_printf(&b, "%s%zu warning%s", b.len ? "; " : "", warns, warns == 1 ? "" : "s");
	if (total || warns)
		crm_warnx("%s", sb_str(&b));
	sb_free(&b);
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	const char *arg;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1)
		if (k == 'q')
			quiet = true;
	argc -= optind;
	if (argc)
		crm_usage_error(&cmd, "no operands are taken (name the directory with -d DIR)");

	struct check x = { 0 };
	crm_dir_open(&x.d, c.dir);
	x.cust.name = crm_path_dup(&x.d, CUSTOMERS);
	x.hist.name = crm_path_dup(&x.d, INTERACTIONS);
	x.conflicts.name = crm_path_dup(&x.d, CONFLICTS);
	x.segments.name = crm_path_dup(&x.d, SEGMENTS);

	check_customers(&x);
	size_t total = x.cust.n - x.cust.nwarn;
	print_file(&x.cust);
	each_line(&x, INTERACTIONS, &x.hist, check_event);
	resolve_refs(&x);
	total += x.hist.n - x.hist.nwarn;
	print_file(&x.hist);
	check_segments(&x);
	total += x.segments.n - x.segments.nwarn;
	print_file(&x.segments);
	each_line(&x, CONFLICTS, &x.conflicts, check_conflict);
	total += x.conflicts.n - x.conflicts.nwarn;
	print_file(&x.conflicts);
	crm_flush_stdout();
	summary(&x, total);

	seen_free(&x.ids);
	seen_free(&x.emails);
	seen_free(&x.events);
	seen_free(&x.closed);
	free(x.ev);
	sb_free(&x.tmp);
	sb_free(&x.tmp2);
	free(x.cust.name);
	free(x.hist.name);
	free(x.conflicts.name);
	free(x.segments.name);
	hdr_free(&x.hdr);
	crm_dir_close(&x.d);
	return total ? CRM_ERR : CRM_OK;
}
