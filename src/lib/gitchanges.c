/* gitchanges.c - the changes of customer fields in the git history */
#include "gitchanges.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cust.h"
#include "custdiff.h"
#include "git.h"
#include "util.h"

/* A commit of the log and the versions of customers.csv it joins. */
struct commit {
	char hash[41];
	char when[DATE_BUFSZ];
	crm_time t;     /* the author time */
	size_t seq;     /* its place in the log */
	struct sb who;
	char *blob[9];  /* the parents' versions, then the commit's (a hash of
			 * zeros: no such file) */
	size_t nblob;
};

/* The walk: the fields asked for, the session that reads the versions. */
struct walk {
	const char *const *fields;
	gitchange_fn *fn;
	void *ctx;
	struct git_cat cat;
	const struct commit *c;
	/* a merge: the values of its parents, to find those settled by hand */
	struct cindex *parents;
	size_t nparents;
	struct rec r;
};

static bool wanted(const struct walk *w, const char *col)
{
	for (const char *const *f = w->fields; *f; f++)
		if (!strcmp(*f, col))
			return true;
	return false;
}

static char *dupv(struct cdval v)
{
	return xstrndup(v.s, v.n);
}

/* Whether parent p has the value v in column col for the customer id. */
static bool parent_has(struct walk *w, size_t p, struct cdval id, const char *col, struct cdval v)
{
	struct cindex *c = &w->parents[p];
	long i = cindex_find(c, id.s, id.n), k = hdr_find(&c->hdr, col);
	if (i < 0)
		return !v.n;
	cindex_row(c, (size_t)i, &w->r);
	const char *s = k >= 0 && (size_t)k < w->r.n ? rec_get(&w->r, (size_t)k) : "";
	size_t n = strlen(s);
	return n == v.n && !memcmp(s, v.s, n);
}

static void emit(struct walk *w, struct cdval id, struct cdval name, const char *col,
		 struct cdval from, struct cdval to)
{
	/* in a merge, a value one parent had is that parent's change, listed
	 * with the commit that made it */
	for (size_t p = 1; p < w->nparents; p++)
		if (parent_has(w, p, id, col, to))
			return;
	char *i = dupv(id), *n = dupv(name), *f = dupv(from), *t = dupv(to);
	struct gitchange g = { w->c->when, w->c->who.s, w->c->hash, i, n, col, f, t };
	w->fn(w->ctx, &g);
	free(i);
	free(n);
	free(f);
	free(t);
}

static void on_change(void *ctx, const struct cdchange *c)
{
	struct walk *w = ctx;
	if (c->kind != CD_CHANGED)
		return; /* the customers added are taken whole by added() */
	for (size_t i = 0; i < c->nf; i++)
		if (wanted(w, c->f[i].col))
			emit(w, c->id, c->name, c->f[i].col, c->f[i].from, c->f[i].to);
}

/* A version of customers.csv (the hash of zeros: none, an empty file). */
static int load(struct walk *w, const char *blob, struct cindex *c, struct sb *text)
{
	sb_reset(text);
	if (strspn(blob, "0") != strlen(blob))
		if (git_cat_get(&w->cat, blob, text) != 0) {
			crm_warnx("git: %s: cannot read the version %s of %s", w->c->hash, blob, CUSTOMERS);
			cindex_load_mem(c, "", 0, CUSTOMERS);
			return -1;
		}
	struct sb name = { 0 };
	sb_printf(&name, "%.12s:%s", w->c->hash, CUSTOMERS);
	int k = cindex_load_mem(c, text->s ? text->s : "", text->len, name.s);
	sb_free(&name);
	return k;
}

/* The new customers of a commit: their fields, from empty. */
static void added(struct walk *w, struct cindex *old, struct cindex *new)
{
	long cn = hdr_find(&new->hdr, "name");
	struct rec r = { 0 };
	for (size_t i = 0; i < new->n; i++) {
		const struct crow *row = &new->v[i];
		if (row->key < 0 || new->first[row->key] != i)
			continue;
		struct cdval id;
		id.s = hmap_key(&new->ids, (size_t)row->key, &id.n);
		if (cindex_find(old, id.s, id.n) >= 0)
			continue;
		cindex_row(new, i, &r);
		struct cdval name = { "", 0 };
		if (cn >= 0 && (size_t)cn < r.n)
			name = (struct cdval){ rec_get(&r, (size_t)cn), rec_len(&r, (size_t)cn) };
		for (size_t c = 0; c < new->hdr.n && c < r.n; c++)
			if (rec_len(&r, c) && wanted(w, new->hdr.name[c]))
				emit(w, id, name, new->hdr.name[c], (struct cdval){ "", 0 },
				     (struct cdval){ rec_get(&r, c), rec_len(&r, c) });
	}
	rec_free(&r);
}

/* Compare the commit's version with its (first) parent's; a merge against
 * every parent. */
static void walk_commit(struct walk *w, const struct commit *c)
{
	if (c->nblob < 2)
		return;
	w->c = c;
	size_t np = c->nblob - 1;
	struct cindex *v = xcalloc(c->nblob, sizeof *v);
	struct sb text = { 0 };
	bool ok = true;
	for (size_t i = 0; i < c->nblob; i++)
		if (load(w, c->blob[i], &v[i], &text) < 0)
			ok = false;
	sb_free(&text);
	if (ok) {
		w->parents = v;
		w->nparents = np;
		custdiff(&v[0], &v[np], on_change, w);
		added(w, &v[0], &v[np]);
	}
	for (size_t i = 0; i < c->nblob; i++)
		cindex_free(&v[i]);
	free(v);
	w->parents = NULL;
	w->nparents = 0;
}

static void commit_clear(struct commit *c)
{
	for (size_t i = 0; i < c->nblob; i++)
		free(c->blob[i]);
	sb_free(&c->who);
	memset(c, 0, sizeof *c);
}

/* Oldest first by author time; git's order (oldest first too) among equals. */
static int by_time(const void *a, const void *b)
{
	const struct commit *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

int gitchanges(const struct crm_dir *d, crm_time since, const char *const *fields,
	       gitchange_fn *fn, void *ctx)
{
	if (!git_in_repo(d->path)) {
		crm_warnx("%s: not in a git repository", d->path);
		return -1;
	}
	struct sb sincearg = { 0 }, log = { 0 };
	sb_printf(&sincearg, "--since=@%" PRId64, since);
	const char *args[] = { "log", "--reverse", "--raw", "-c", "--no-abbrev", "--no-renames",
			       "--format=%x01%H%x02%an%x02%at", "--", CUSTOMERS, NULL, NULL };
	if (since != INT64_MIN) {
		/* before the path: "--since=@T" */
		memmove(&args[8], &args[7], 3 * sizeof *args);
		args[7] = sincearg.s;
	}
	int k = git_run(d->path, args, &log, GIT_ERR);
	sb_free(&sincearg);
	if (k != 0) {
		crm_warnx("%s: git log failed", d->path);
		sb_free(&log);
		return -1;
	}
	struct walk w = { .fields = fields, .fn = fn, .ctx = ctx };
	if (git_cat_open(&w.cat, d->path) < 0) {
		sb_free(&log);
		return -1;
	}
	/* the commits, read whole first: the log is in commit order, and the
	 * changes go in the order they were made (by author time) */
	struct commit *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < log.len;) {
		char *p = log.s + i, *nl = memchr(p, '\n', log.len - i);
		size_t len = nl ? (size_t)(nl - p) : log.len - i;
		i += len + 1;
		p[len] = '\0';
		if (p[0] == '\x01') {
			char *a = strchr(p, '\x02'), *b = a ? strchr(a + 1, '\x02') : NULL;
			if (!a || !b)
				continue;
			void *q = v;
			xgrow0(&q, &cap, n + 1, sizeof *v);
			v = q;
			struct commit *c = &v[n];
			c->seq = n++;
			snprintf(c->hash, sizeof c->hash, "%.*s", (int)(a - p - 1), p + 1);
			sb_add(&c->who, a + 1, (size_t)(b - a - 1));
			sb_str(&c->who);
			long long t = 0;
			parse_long(b + 1, &t);
			c->t = (crm_time)t;
			date_fmt(c->t, c->when);
			continue;
		}
		struct commit *c = n ? &v[n - 1] : NULL;
		if (p[0] != ':' || !c || c->nblob)
			continue;
		/* ":MODE... HASH... STATUS\tPATH": as many colons as parents */
		size_t parents = strspn(p, ":");
		char *save, *tok = strtok_r(p, " \t", &save);
		size_t field = 0;
		for (; tok; tok = strtok_r(NULL, " \t", &save), field++)
			if (field > parents && field <= 2 * parents + 1 && c->nblob < 9)
				c->blob[c->nblob++] = xstrdup(tok);
	}
	if (n)
		qsort(v, n, sizeof *v, by_time);
	for (size_t i = 0; i < n; i++) {
		if (since == INT64_MIN || v[i].t >= since)
			walk_commit(&w, &v[i]);
		commit_clear(&v[i]);
	}
	free(v);
	git_cat_close(&w.cat);
	rec_free(&w.r);
	sb_free(&log);
	return 0;
}
