/* crm-merge - the git merge driver of customers.csv and interactions.jsonl */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conflicts.h"
#include "cust.h"
#include "dir.h"
#include "hist.h"
#include "hmap.h"
#include "jsonl.h"
#include "lock.h"
#include "opt.h"
#include "utf8.h"
#include "util.h"

static const struct crm_opt opts[] = {
	CRM_OPT_HELP,
	CRM_OPT_VERSION,
	CRM_OPT_END,
};

static const struct crm_cmd cmd = {
	"BASE OURS THEIRS [PATHNAME]",
	"Merge three versions of customers.csv or interactions.jsonl by record id and\n"
	"write the result into OURS: a git merge driver. Register it once per clone:\n"
	"  git config merge.crm.driver 'crm-merge %O %A %B %P'\n"
	"Conflicts keep our value, are said, and are appended to conflicts.jsonl beside\n"
	"the file; then the exit status is 1. The result has LF line ends (CR LF reads\n"
	"as LF). On an error OURS is left as it was.",
	opts,
	"0 merged cleanly, 1 merged with conflicts, 2 error",
};

/* A value of a field, or none (NULL s): no such row or column. */
struct val {
	const char *s;
	size_t n;
};

static const struct val none = { NULL, 0 };

static bool val_eq(struct val a, struct val b)
{
	return a.n == b.n && (!a.n || !memcmp(a.s, b.s, a.n));
}

static int val_cmp(struct val a, struct val b)
{
	int c = a.n && b.n ? memcmp(a.s, b.s, a.n < b.n ? a.n : b.n) : 0;
	return c ? c : (a.n > b.n) - (a.n < b.n);
}

/* What a merge reports: the file as named in messages and the lines for
 * conflicts.jsonl. */
struct merge {
	const char *shown; /* PATHNAME, else OURS */
	const char *file;  /* "customers.csv" or "interactions.jsonl" */
	struct sb lines;
	size_t conflicts;
	bool same; /* the result is OURS as it was */
	struct val dup; /* for the conflict being recorded: the other customer's id */
};

static json_t *val_json(struct val v)
{
	if (!v.s)
		return json_null();
	json_t *j = json_stringn(v.s, v.n);
	return j ? j : json_null(); /* not UTF-8: the readers have refused that already */
}

/* Record one conflict for conflicts.jsonl; the caller has said it on stderr. */
static void conflict(struct merge *m, struct val id, const char *field, struct val b, struct val o,
		     struct val t)
{
	json_t *j = json_object();
	json_object_set_new(j, "file", json_string(m->file));
	json_object_set_new(j, "id", val_json(id));
	json_object_set_new(j, "field", json_string(field));
	json_object_set_new(j, "base", val_json(b));
	json_object_set_new(j, "ours", val_json(o));
	json_object_set_new(j, "theirs", val_json(t));
	if (m->dup.s)
		json_object_set_new(j, "duplicate", val_json(m->dup));
	jsonl_put(&m->lines, j);
	json_decref(j);
	m->conflicts++;
}

/* ---- customers.csv ----------------------------------------------------- */

/* One version of customers.csv. */
struct side {
	struct cindex c;
	long *col;     /* its column of each column of the result, or -1 */
	int cls;       /* sides with the same header have the same cls */
	bool same_hdr; /* its header is the result's, in the same order */
	struct rec r;  /* the row parsed last */
	struct hmap extra; /* the bytes of the rows whose id came before */
	bool extra_read;
};

static void side_load(struct side *s, const char *path, const char *name)
{
	memset(s, 0, sizeof *s);
	cindex_load(&s->c, path, name);
	for (size_t i = 0; i < s->c.n; i++)
		if (s->c.v[i].key < 0) {
			crm_dataerr(name, s->c.v[i].line, "the row has no id");
			exit(CRM_ERR);
		}
}

static void side_free(struct side *s)
{
	hmap_free(&s->extra);
	cindex_free(&s->c);
	rec_free(&s->r);
	free(s->col);
}

static bool hdr_same(const struct hdr *a, const struct hdr *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->name[i], b->name[i]))
			return false;
	return true;
}

/* Map the result's columns (res) onto the side's. */
static void side_cols(struct side *s, const struct hdr *res)
{
	s->col = xcalloc(res->n + 1, sizeof *s->col);
	for (size_t c = 0; c < res->n; c++)
		s->col[c] = hdr_find(&s->c.hdr, res->name[c]);
	s->same_hdr = hdr_same(&s->c.hdr, res);
}

/* Row i of s, parsed (into s->r, until the next call). */
static const struct rec *side_row(struct side *s, long i)
{
	if (i < 0)
		return NULL;
	cindex_row(&s->c, (size_t)i, &s->r);
	return &s->r;
}

/* Field c (a column of the result) of a row of s: none when there is no
 * row or the side has no such column. */
static struct val side_val(const struct side *s, const struct rec *r, size_t c)
{
	if (!r || s->col[c] < 0)
		return none;
	size_t i = (size_t)s->col[c];
	return (struct val){ rec_get(r, i), rec_len(r, i) };
}

static struct val row_raw(const struct side *s, long i)
{
	return i < 0 ? none : (struct val){ s->c.v[i].raw, s->c.v[i].len };
}

/* Whether the two rows have the same bytes under the same header. */
static bool raw_equal(const struct side *a, long i, const struct side *b, long j)
{
	const struct crow *x = &a->c.v[i], *y = &b->c.v[j];
	return a->cls == b->cls && x->len == y->len && !memcmp(x->raw, y->raw, x->len);
}

/* The three versions and the result being written. */
struct cmerge {
	struct merge *m;
	struct side b, o, t;
	struct hdr hdr; /* the result's columns */
	size_t ncol;
	long updated;   /* the column "updated", or -1 */
	struct rec res;
	struct sb *out;
	long bnext, tnext; /* where the next row of ours is likely in base and theirs */
};

/* Whether two rows agree on every column of the result (a missing column
 * counts as empty). Parses them unless their bytes say it already. */
static bool rows_equal(struct cmerge *x, struct side *a, long i, struct side *b, long j)
{
	if (raw_equal(a, i, b, j))
		return true;
	const struct rec *ra = side_row(a, i), *rb = side_row(b, j);
	for (size_t c = 0; c < x->ncol; c++)
		if (!val_eq(side_val(a, ra, c), side_val(b, rb, c)))
			return false;
	return true;
}

/* Write row i of s as it was read; padded with empty fields for the
 * columns the result has beyond the side's (as ctable_render does). */
static void put_raw(struct cmerge *x, const struct side *s, long i)
{
	const struct crow *w = &s->c.v[i];
	sb_add(x->out, w->raw, w->len);
	for (size_t c = s->c.hdr.n; c < x->ncol && w->nf == s->c.hdr.n; c++)
		sb_addc(x->out, ',');
	sb_addc(x->out, '\n');
}

/* Write row j of theirs: its bytes when its header is the result's, else
 * its fields in the result's columns. */
static void put_theirs(struct cmerge *x, long j)
{
	if (x->t.same_hdr) {
		put_raw(x, &x->t, j);
		return;
	}
	const struct rec *tr = side_row(&x->t, j);
	rec_clear(&x->res);
	for (size_t c = 0; c < x->ncol; c++) {
		struct val v = side_val(&x->t, tr, c);
		rec_push(&x->res, v.s ? v.s : "", v.n);
	}
	csv_put_rec(x->out, &x->res, x->ncol);
}

static void field_conflict(struct cmerge *x, struct val id, size_t c, struct val b, struct val o,
			   struct val t)
{
	const char *field = x->hdr.name[c];
	if (b.s)
		crm_warnx("%s: %.*s: %s: ours \"%.*s\", theirs \"%.*s\", base \"%.*s\"; ours kept",
			  x->m->shown, (int)id.n, id.s, field, (int)o.n, o.s, (int)t.n, t.s, (int)b.n,
			  b.s);
	else
		crm_warnx("%s: %.*s: %s: ours \"%.*s\", theirs \"%.*s\", no base; ours kept",
			  x->m->shown, (int)id.n, id.s, field, (int)o.n, o.s, (int)t.n, t.s);
	conflict(x->m, id, field, b, o, t);
}

/* Merge row ti of theirs (and bi of base, or -1) into our row i, field by
 * field: a change on one side is taken, the same change on both is no
 * conflict, different changes keep ours ("updated" takes the later time).
 * A column only one side has is that side's. */
static void merge_row(struct cmerge *x, long i, long bi, long ti, struct val id)
{
	bool all_same = x->b.cls == x->o.cls && x->o.cls == x->t.cls;
	if (raw_equal(&x->o, i, &x->t, ti) ||
	    (bi >= 0 && all_same && raw_equal(&x->t, ti, &x->b, bi))) {
		put_raw(x, &x->o, i);
		return;
	}
	if (bi >= 0 && all_same && raw_equal(&x->o, i, &x->b, bi)) {
		put_theirs(x, ti);
		return;
	}
	const struct rec *br = side_row(&x->b, bi), *tr = side_row(&x->t, ti);
	struct rec *r = &x->res;
	rec_copy(r, side_row(&x->o, i));
	while (r->n < x->ncol)
		rec_push(r, "", 0);
	bool changed = false, like_t = x->t.same_hdr && tr->n == x->ncol;
	for (size_t c = 0; c < x->ncol; c++) {
		struct val o = x->o.col[c] < 0 ? none : (struct val){ r->v[c], r->len[c] };
		struct val t = side_val(&x->t, tr, c), b = side_val(&x->b, br, c);
		bool take = false;
		if (!t.s || val_eq(o, t))
			;
		else if (!o.s || (br && val_eq(o, b)))
			take = true;
		else if (br && val_eq(t, b))
			;
		else if ((long)c == x->updated)
			take = val_cmp(t, o) > 0;
		else
			field_conflict(x, id, c, b, o, t);
		if (take && !val_eq(o, t)) {
			rec_set(r, c, t.s, t.n);
			changed = true;
		}
		if (!val_eq((struct val){ r->v[c], r->len[c] }, t))
			like_t = false;
	}
	if (!changed)
		put_raw(x, &x->o, i);
	else if (like_t)
		put_raw(x, &x->t, ti); /* taken whole from theirs: their line */
	else
		csv_put_rec(x->out, r, x->ncol);
}

static struct val key_of(const struct side *s, long i)
{
	struct val id;
	id.s = hmap_key(&s->c.ids, (size_t)s->c.v[i].key, &id.n);
	return id;
}

/* The row of s with this id, or -1. Versions of one file mostly list the
 * same rows in the same order: the row after the one found last (*next)
 * is tried before the hash, which keeps a big merge out of cache misses. */
static long find_row(const struct side *s, struct val id, long *next)
{
	long i = *next;
	if (i < 0 || (size_t)i >= s->c.n || s->c.first[s->c.v[i].key] != (size_t)i ||
	    !val_eq(key_of(s, i), id))
		i = cindex_find(&s->c, id.s, id.n);
	if (i >= 0)
		*next = i + 1;
	return i;
}

/* Put the bytes of the rows of s whose id came before into s->extra. */
static void side_extras(struct side *s)
{
	if (s->extra_read)
		return;
	s->extra_read = true;
	for (size_t i = 0; i < s->c.n; i++) {
		const struct crow *w = &s->c.v[i];
		if (s->c.first[w->key] != i)
			hmap_put(&s->extra, w->raw, w->len);
	}
}

/* Whether s has a row with the bytes of row i of a (under the same header). */
static bool has_row(struct side *s, const struct side *a, long i)
{
	if (s->cls != a->cls)
		return false;
	struct val id = key_of(a, i);
	long k = cindex_find(&s->c, id.s, id.n);
	if (k < 0)
		return false;
	if (raw_equal(s, k, a, i))
		return true;
	side_extras(s);
	return hmap_get(&s->extra, a->c.v[i].raw, a->c.v[i].len) >= 0;
}

/* Row i of s has an id that a row before it has: both rows are kept, and
 * the second is a conflict (a row of two must go, by hand). */
static void dup_id_conflict(struct cmerge *x, const struct side *s, long i, const char *by)
{
	struct val id = key_of(s, i);
	long f = (long)s->c.first[s->c.v[i].key];
	crm_warnx("%s: %.*s: a second row with this id, added by %s; both kept", x->m->shown,
		  (int)id.n, id.s, by);
	conflict(x->m, id, "id", none, row_raw(s, f), row_raw(s, i));
}

static void merge_ours(struct cmerge *x, bool *seen)
{
	for (size_t i = 0; i < x->o.c.n; i++) {
		const struct crow *w = &x->o.c.v[i];
		if (x->o.c.first[w->key] != i) {
			/* the id came before: kept as it is, a conflict unless base
			 * had the row too */
			if (!has_row(&x->b, &x->o, (long)i))
				dup_id_conflict(x, &x->o, (long)i, "ours");
			put_raw(x, &x->o, (long)i);
			continue;
		}
		struct val id = key_of(&x->o, (long)i);
		long bi = find_row(&x->b, id, &x->bnext), ti = find_row(&x->t, id, &x->tnext);
		if (ti >= 0) {
			seen[x->t.c.v[ti].key] = true;
			merge_row(x, (long)i, bi, ti, id);
		} else if (bi < 0) {
			put_raw(x, &x->o, (long)i); /* added by ours */
		} else if (!rows_equal(x, &x->o, (long)i, &x->b, bi)) {
			crm_warnx("%s: %.*s: changed in ours, removed in theirs; ours kept", x->m->shown,
				  (int)id.n, id.s);
			conflict(x->m, id, "*", row_raw(&x->b, bi), row_raw(&x->o, (long)i), none);
			put_raw(x, &x->o, (long)i);
		} /* else removed by theirs */
	}
}

static void merge_theirs(struct cmerge *x, const bool *seen)
{
	for (size_t j = 0; j < x->t.c.n; j++) {
		const struct crow *w = &x->t.c.v[j];
		if (x->t.c.first[w->key] != j) {
			/* a second row of an id: in ours already, removed by ours,
			 * or added by theirs */
			if (!has_row(&x->o, &x->t, (long)j) && !has_row(&x->b, &x->t, (long)j)) {
				dup_id_conflict(x, &x->t, (long)j, "theirs");
				put_theirs(x, (long)j);
			}
			continue;
		}
		if (seen[w->key])
			continue;
		struct val id = key_of(&x->t, (long)j);
		long bi = find_row(&x->b, id, &x->bnext);
		if (bi >= 0 && rows_equal(x, &x->t, (long)j, &x->b, bi))
			continue; /* removed by ours */
		if (bi >= 0) {
			crm_warnx("%s: %.*s: removed in ours, changed in theirs; theirs kept",
				  x->m->shown, (int)id.n, id.s);
			conflict(x->m, id, "*", row_raw(&x->b, bi), none, row_raw(&x->t, (long)j));
		}
		put_theirs(x, (long)j);
	}
}

/* The e-mail of customer id in s, folded (case, Unicode) into f; false
 * when s has no such customer or it has no e-mail. */
static bool side_email(struct side *s, struct val id, size_t ce, struct sb *f)
{
	long i = cindex_find(&s->c, id.s, id.n);
	if (i < 0)
		return false;
	struct val e = side_val(s, side_row(s, i), ce);
	if (!e.n)
		return false;
	sb_reset(f);
	u8_fold(e.s, e.n, false, f);
	return true;
}

/* Whether the customers a and b both have the folded e-mail e in s: a
 * duplicate the side made itself (crm-add --allow-duplicate), not the merge. */
static bool dup_in(struct side *s, struct val a, struct val b, const struct sb *e, size_t ce)
{
	struct sb f = { 0 };
	bool yes = side_email(s, a, ce, &f) && f.len == e->len && !memcmp(f.s, e->s, e->len) &&
		   side_email(s, b, ce, &f) && f.len == e->len && !memcmp(f.s, e->s, e->len);
	sb_free(&f);
	return yes;
}

/* The first customer of the result with an e-mail: where its id and its
 * e-mail are in the arena. */
struct owner {
	size_t id, idn, em, emn;
};

/* One customer added on both sides (the same e-mail, two ids) gives two
 * rows: each such pair that neither side had is a conflict, settled with
 * crm-add --merge. Reads the result as written. */
static void check_emails(struct cmerge *x)
{
	long ce = hdr_find(&x->hdr, "email"), ci = hdr_find(&x->hdr, "id");
	if (ce < 0 || ci < 0 || !x->out->len)
		return;
	struct csvin *in = csvin_open_mem(x->out->s, x->out->len, x->m->shown);
	struct hmap seen = { 0 };
	struct owner *own = NULL;
	size_t ocap = 0;
	struct sb arena = { 0 }, f = { 0 };
	struct rec r = { 0 };
	const char *s;
	size_t n;
	long line;
	bool hdr = true;
	while (csvin_next_raw(in, &s, &n, &line) > 0) {
		if (hdr) {
			hdr = false;
			continue;
		}
		struct val id = none, em = none;
		if (!memchr(s, '"', n)) {
			/* the fields of a row without quotes are between its commas */
			const char *p = s, *e = s + n;
			for (long c = 0; p <= e; c++) {
				const char *q = memchr(p, ',', (size_t)(e - p));
				if (!q)
					q = e;
				if (c == ci)
					id = (struct val){ p, (size_t)(q - p) };
				if (c == ce)
					em = (struct val){ p, (size_t)(q - p) };
				p = q + 1;
			}
		} else if (csvin_parse(in, s, n, &r) == 0) {
			id = (struct val){ rec_get(&r, (size_t)ci), rec_len(&r, (size_t)ci) };
			em = (struct val){ rec_get(&r, (size_t)ce), rec_len(&r, (size_t)ce) };
		}
		if (!em.n || !id.n)
			continue;
		sb_reset(&f);
		u8_fold(em.s, em.n, false, &f);
		size_t had = seen.n, k = hmap_put(&seen, f.s, f.len);
		if (k >= had) {
			void *p = own;
			xgrow(&p, &ocap, k + 1, sizeof *own);
			own = p;
			own[k] = (struct owner){ arena.len, id.n, arena.len + id.n, em.n };
			sb_add(&arena, id.s, id.n);
			sb_add(&arena, em.s, em.n);
			continue;
		}
		/* the arena may move when it grows: copy this row's values in first */
		size_t at = arena.len;
		sb_add(&arena, id.s, id.n);
		sb_add(&arena, em.s, em.n);
		struct val a = { arena.s + own[k].id, own[k].idn }, ae = { arena.s + own[k].em, own[k].emn };
		struct val b = { arena.s + at, id.n }, be = { arena.s + at + id.n, em.n };
		if (val_eq(a, b) || dup_in(&x->o, a, b, &f, (size_t)ce) || dup_in(&x->t, a, b, &f, (size_t)ce))
			continue;
		crm_warnx("%s: %.*s and %.*s have the same email %.*s; both kept (merge them: "
			  "crm-add --merge %.*s %.*s)",
			  x->m->shown, (int)a.n, a.s, (int)b.n, b.s, (int)ae.n, ae.s, (int)a.n, a.s,
			  (int)b.n, b.s);
		x->m->dup = b;
		conflict(x->m, a, "email", none, ae, be);
		x->m->dup = none;
	}
	rec_free(&r);
	csvin_close(in);
	hmap_free(&seen);
	free(own);
	sb_free(&arena);
	sb_free(&f);
}

static void merge_customers(struct merge *m, char **files, char **names, struct sb *out)
{
	struct cmerge x = { .m = m, .out = out };
	side_load(&x.b, files[0], names[0]);
	side_load(&x.o, files[1], names[1]);
	side_load(&x.t, files[2], names[2]);
	/* ours' columns in their order, then those only theirs has */
	hdr_copy(&x.hdr, &x.o.c.hdr);
	for (size_t c = 0; c < x.t.c.hdr.n; c++)
		hdr_add(&x.hdr, x.t.c.hdr.name[c]);
	x.ncol = x.hdr.n;
	x.updated = hdr_find(&x.hdr, "updated");
	side_cols(&x.b, &x.hdr);
	side_cols(&x.o, &x.hdr);
	side_cols(&x.t, &x.hdr);
	x.o.cls = 1;
	x.t.cls = hdr_same(&x.t.c.hdr, &x.o.c.hdr) ? 1 : 2;
	x.b.cls = hdr_same(&x.b.c.hdr, &x.o.c.hdr) ? 1 : hdr_same(&x.b.c.hdr, &x.t.c.hdr) ? 2 : 3;
	if (x.ncol && x.o.same_hdr && x.o.c.hdr_raw) {
		sb_add(out, x.o.c.hdr_raw, x.o.c.hdr_rawlen);
		sb_addc(out, '\n');
	} else if (x.ncol) {
		csv_put_hdr(out, &x.hdr);
	}
	/* room for the result at once: rows are mostly written as they were */
	void *p = out->s;
	xgrow(&p, &out->cap, x.o.c.data.len + x.t.c.data.len + 1, 1);
	out->s = p;
	bool *seen = xcalloc(x.t.c.ids.n + 1, sizeof *seen);
	merge_ours(&x, seen);
	merge_theirs(&x, seen);
	free(seen);
	check_emails(&x);
	m->same = !x.o.c.had_crlf && out->len == x.o.c.data.len &&
		  !memcmp(out->s, x.o.c.data.s, out->len);
	rec_free(&x.res);
	hdr_free(&x.hdr);
	side_free(&x.b);
	side_free(&x.o);
	side_free(&x.t);
}

/* ---- interactions.jsonl ------------------------------------------------ */

/* A line of the result: record r of version h. */
struct pick {
	const struct hindex *h;
	const struct hrec *r;
};

static int pick_cmp(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;
	return hindex_cmp(x->h, x->r, y->h, y->r);
}

static bool same_line(const struct hindex *a, long i, const struct hindex *b, long j)
{
	const struct hrec *x = &a->v[i], *y = &b->v[j];
	return x->len == y->len && !memcmp(x->text, y->text, x->len);
}

static struct val line_val(const struct hindex *h, long i)
{
	return i < 0 ? none : (struct val){ h->v[i].text, h->v[i].len };
}

/* The index of the record with this id in h, or -1. Versions of the
 * history mostly hold the same records in the same order: the record after
 * the one found last (*next) is tried before the hash. */
static long find_rec(const struct hindex *h, struct val id, long *next)
{
	long i = *next;
	struct val k = none;
	if (i >= 0 && (size_t)i < h->n)
		k.s = hmap_key(&h->ids, (size_t)i, &k.n);
	if (!k.s || !val_eq(k, id))
		i = hmap_get(&h->ids, id.s, id.n);
	if (i >= 0)
		*next = i + 1;
	return i;
}

/* Whether h has a line with the bytes of r (a line of a of the id id). */
static bool has_line(const struct hindex *h, struct val id, const struct hrec *r)
{
	long i = hmap_get(&h->ids, id.s, id.n);
	if (i < 0)
		return false;
	if (h->v[i].len == r->len && !memcmp(h->v[i].text, r->text, r->len))
		return true;
	return hmap_get(&h->dupset, r->text, r->len) >= 0;
}

/* The three versions of the history and the result's lines. */
struct hmerge {
	struct merge *m;
	struct hindex b, o, t;
	struct pick *v;
	size_t n;
	long bnext, tnext;
};

/* Put record i of ours into the result, or theirs of the same id, or
 * nothing (removed by theirs). */
static void pick_ours(struct hmerge *x, size_t i, bool *seen)
{
	struct val id;
	id.s = hmap_key(&x->o.ids, i, &id.n);
	long bi = find_rec(&x->b, id, &x->bnext), ti = find_rec(&x->t, id, &x->tnext);
	const struct hindex *b = &x->b, *o = &x->o, *t = &x->t;
	struct pick p = { o, &o->v[i] };
	if (ti < 0) {
		if (bi >= 0)
			return; /* removed by theirs */
	} else {
		seen[ti] = true;
		if (same_line(o, (long)i, t, ti) || (bi >= 0 && same_line(t, ti, b, bi))) {
			/* ours */
		} else if (bi >= 0 && same_line(o, (long)i, b, bi)) {
			p = (struct pick){ t, &t->v[ti] };
		} else {
			crm_warnx("%s: %.*s: different lines in ours and theirs; ours kept",
				  x->m->shown, (int)id.n, id.s);
			conflict(x->m, id, "*", line_val(b, bi), line_val(o, (long)i), line_val(t, ti));
		}
	}
	x->v[x->n++] = p;
}

/* The lines of a side whose id an earlier line has, with other bytes: kept
 * in the result, a conflict when the side added them (ours: base has no
 * such line; theirs: neither ours nor base has it). */
static void pick_dups(struct hmerge *x, const struct hindex *h, bool theirs)
{
	for (size_t k = 0; k < h->ndup; k++) {
		const struct hrec *r = &h->dup[k];
		struct val id;
		id.s = hmap_key(&h->ids, r->first, &id.n);
		if (theirs && has_line(&x->o, id, r))
			continue; /* written with ours */
		if (has_line(&x->b, id, r)) {
			if (!theirs)
				x->v[x->n++] = (struct pick){ h, r };
			continue; /* else removed by ours */
		}
		crm_warnx("%s: %.*s: a second line with this id, added by %s; both kept", x->m->shown,
			  (int)id.n, id.s, theirs ? "theirs" : "ours");
		const struct hrec *f = &h->v[r->first];
		conflict(x->m, id, "id", none, (struct val){ f->text, f->len },
			 (struct val){ r->text, r->len });
		x->v[x->n++] = (struct pick){ h, r };
	}
}

static void merge_history(struct merge *m, char **files, char **names, struct sb *out)
{
	struct hmerge x = { .m = m };
	if (hindex_load(&x.b, files[0], names[0]) < 0 || hindex_load(&x.o, files[1], names[1]) < 0 ||
	    hindex_load(&x.t, files[2], names[2]) < 0)
		exit(CRM_ERR);
	x.v = xcalloc(x.o.n + x.t.n + x.o.ndup + x.t.ndup + 1, sizeof *x.v);
	bool *seen = xcalloc(x.t.n + 1, sizeof *seen);
	for (size_t i = 0; i < x.o.n; i++)
		pick_ours(&x, i, seen);
	for (size_t j = 0; j < x.t.n; j++) {
		struct val id;
		id.s = hmap_key(&x.t.ids, j, &id.n);
		if (!seen[j] && find_rec(&x.b, id, &x.bnext) < 0)
			x.v[x.n++] = (struct pick){ &x.t, &x.t.v[j] }; /* else removed by ours */
	}
	free(seen);
	pick_dups(&x, &x.o, false);
	pick_dups(&x, &x.t, true);
	if (x.n) /* qsort wants an array, even of nothing */
		qsort(x.v, x.n, sizeof *x.v, pick_cmp);
	void *p = out->s;
	xgrow(&p, &out->cap, x.o.data.len + x.t.data.len + 1, 1);
	out->s = p;
	for (size_t i = 0; i < x.n; i++) {
		sb_add(out, x.v[i].r->text, x.v[i].r->len);
		sb_addc(out, '\n');
	}
	free(x.v);
	m->same = !x.o.had_crlf && out->len == x.o.data.len && !memcmp(out->s, x.o.data.s, out->len);
	hindex_free(&x.b);
	hindex_free(&x.o);
	hindex_free(&x.t);
}

/* ---- the files --------------------------------------------------------- */

/* Whether the file holds JSON Lines: its first byte after a byte order
 * mark and white space is '{'. -1 when it is empty. */
static int holds_jsonl(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		crm_die("%s", path);
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0)
		crm_die("%s", path);
	close(fd);
	const char *p = buf, *e = buf + n;
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p == e ? -1 : *p == '{';
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The directory part of path: "." when it has none. */
static char *dir_name(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

/* Open the directory of path as a crm_dir (not a CRM directory: no
 * crm.conf, no lock), to replace or append to a file in it. */
static int open_dir(struct crm_dir *d, const char *path)
{
	memset(d, 0, sizeof *d);
	d->path = dir_name(path);
	d->fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0) {
		crm_warn("%s", d->path);
		return -1;
	}
	return 0;
}

/* Append the conflicts to conflicts.jsonl in dir's directory. */
static void record_conflicts(const struct merge *m, const char *dir_of)
{
	struct crm_dir d;
	if (open_dir(&d, dir_of) == 0 && crm_append(&d, CONFLICTS, m->lines.s, m->lines.len) == 0)
		crm_warnx("%s: %zu conflict%s, recorded in %s", m->shown, m->conflicts,
			  m->conflicts == 1 ? "" : "s", crm_path(&d, CONFLICTS));
	else
		crm_warnx("%s: %zu conflict%s, not recorded", m->shown, m->conflicts,
			  m->conflicts == 1 ? "" : "s");
	crm_dir_close(&d);
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	crm_getopt_common(&argc, &argv, &cmd, &c);
	if (argc < 3)
		crm_usage_error(&cmd, "give the three versions: BASE OURS THEIRS");
	if (argc > 4)
		crm_usage_error(&cmd, "too many operands");
	const char *path = argc == 4 && *argv[3] ? argv[3] : NULL;

	struct merge m = { .shown = path ? path : argv[1] };
	bool jsonl;
	if (path && !strcmp(base_name(path), CUSTOMERS)) {
		jsonl = false;
	} else if (path && !strcmp(base_name(path), INTERACTIONS)) {
		jsonl = true;
	} else {
		int k = holds_jsonl(argv[1]);
		if (k < 0)
			k = holds_jsonl(argv[2]);
		if (k < 0)
			k = holds_jsonl(argv[0]);
		jsonl = k != 0; /* three empty files: nothing to merge either way */
	}
	m.file = jsonl ? INTERACTIONS : CUSTOMERS;

	/* Messages name the versions by PATHNAME: git's temporary files mean
	 * nothing to the user. */
	static const char *const label[3] = { "base", "ours", "theirs" };
	char *names[3];
	for (int i = 0; i < 3; i++) {
		struct sb s = { 0 };
		if (path)
			sb_printf(&s, "%s (%s)", path, label[i]);
		else
			sb_adds(&s, argv[i]);
		names[i] = xstrdup(sb_str(&s));
		sb_free(&s);
	}

	struct sb out = { 0 };
	if (jsonl)
		merge_history(&m, argv, names, &out);
	else
		merge_customers(&m, argv, names, &out);

	int rc = m.conflicts ? CRM_NONE : CRM_OK, written = 0;
	if (!m.same) {
		struct crm_dir d;
		written = open_dir(&d, argv[1]) < 0 ? -1 :
			  crm_rewrite(&d, base_name(argv[1]), sb_str(&out), out.len);
		crm_dir_close(&d);
	}
	/* replaced but maybe not durably (1): the conflicts go with it, and
	 * the exit says it */
	if (written >= 0 && m.conflicts)
		record_conflicts(&m, path ? path : argv[1]);
	if (written)
		rc = CRM_ERR;
	sb_free(&out);
	sb_free(&m.lines);
	for (int i = 0; i < 3; i++)
		free(names[i]);
	return rc;
}
