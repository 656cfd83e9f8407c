/* custdiff.c - what changed between two versions of customers.csv */
#include "custdiff.h"

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "util.h"

/* The two versions and the union of their columns. */
struct cd {
	struct cindex *a, *b;
	struct hdr cols;
	long *ca, *cb;   /* the column of each column of cols in a and in b, or -1 */
	bool same_hdr;
	long name_a, name_b;
	struct rec ra, rb;
	struct cdfield *f;
	size_t nf, fcap;
};

static bool same_header(const struct hdr *x, const struct hdr *y)
{
	if (x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->name[i], y->name[i]))
			return false;
	return true;
}

static struct cdval field(const struct rec *r, long c)
{
	if (!r || c < 0 || (size_t)c >= r->n)
		return (struct cdval){ "", 0 };
	return (struct cdval){ rec_get(r, (size_t)c), rec_len(r, (size_t)c) };
}

static bool val_eq(struct cdval x, struct cdval y)
{
	return x.n == y.n && (!x.n || !memcmp(x.s, y.s, x.n));
}

static struct cdval id_of(const struct cindex *c, size_t i)
{
	const struct crow *w = &c->v[i];
	struct cdval v = { "", 0 };
	if (w->key >= 0)
		v.s = hmap_key(&c->ids, (size_t)w->key, &v.n);
	return v;
}

/* Whether row i of c is the first of its id (the others go by their bytes). */
static bool keyed(const struct cindex *c, size_t i)
{
	return c->v[i].key >= 0 && c->first[c->v[i].key] == i;
}

/* Report row i of c, added (old NULL) or removed. */
static void whole(struct cd *x, struct cindex *c, size_t i, enum cdkind kind, custdiff_fn *fn,
		  void *ctx)
{
	struct rec *r = c == x->a ? &x->ra : &x->rb;
	cindex_row(c, i, r);
	struct cdchange ch = { kind, id_of(c, i), field(r, c == x->a ? x->name_a : x->name_b), NULL, 0 };
	fn(ctx, &ch);
}

/* Compare row i of a with row j of b (one id): report the fields that differ. */
static void compare(struct cd *x, size_t i, size_t j, custdiff_fn *fn, void *ctx)
{
	const struct crow *u = &x->a->v[i], *w = &x->b->v[j];
	if (x->same_hdr && u->len == w->len && !memcmp(u->raw, w->raw, u->len))
		return;
	cindex_row(x->a, i, &x->ra);
	cindex_row(x->b, j, &x->rb);
	x->nf = 0;
	for (size_t c = 0; c < x->cols.n; c++) {
		struct cdval from = field(&x->ra, x->ca[c]), to = field(&x->rb, x->cb[c]);
		if (val_eq(from, to))
			continue;
		void *p = x->f;
		xgrow(&p, &x->fcap, x->nf + 1, sizeof *x->f);
		x->f = p;
		x->f[x->nf++] = (struct cdfield){ x->cols.name[c], from, to };
	}
	if (!x->nf)
		return;
	struct cdval name = field(&x->rb, x->name_b);
	struct cdchange ch = { CD_CHANGED, id_of(x->b, j), name, x->f, x->nf };
	fn(ctx, &ch);
}

void custdiff(struct cindex *a, struct cindex *b, custdiff_fn *fn, void *ctx)
{
	struct cd x = { .a = a, .b = b };
	hdr_copy(&x.cols, &b->hdr);
	for (size_t c = 0; c < a->hdr.n; c++)
		hdr_add(&x.cols, a->hdr.name[c]);
	x.ca = xcalloc(x.cols.n + 1, sizeof *x.ca);
	x.cb = xcalloc(x.cols.n + 1, sizeof *x.cb);
	for (size_t c = 0; c < x.cols.n; c++) {
		x.ca[c] = hdr_find(&a->hdr, x.cols.name[c]);
		x.cb[c] = hdr_find(&b->hdr, x.cols.name[c]);
	}
	x.same_hdr = same_header(&a->hdr, &b->hdr);
	x.name_a = hdr_find(&a->hdr, "name");
	x.name_b = hdr_find(&b->hdr, "name");
	/* the rows that go by their bytes */
	struct hmap loose_a = { 0 }, loose_b = { 0 };
	for (size_t i = 0; i < a->n; i++)
		if (!keyed(a, i))
			hmap_put(&loose_a, a->v[i].raw, a->v[i].len);
	for (size_t j = 0; j < b->n; j++)
		if (!keyed(b, j))
			hmap_put(&loose_b, b->v[j].raw, b->v[j].len);
	for (size_t j = 0; j < b->n; j++) {
		if (!keyed(b, j)) {
			if (!x.same_hdr || hmap_get(&loose_a, b->v[j].raw, b->v[j].len) < 0)
				whole(&x, b, j, CD_ADDED, fn, ctx);
			continue;
		}
		struct cdval id = id_of(b, j);
		long i = cindex_find(a, id.s, id.n);
		if (i < 0)
			whole(&x, b, j, CD_ADDED, fn, ctx);
		else
			compare(&x, (size_t)i, j, fn, ctx);
	}
	for (size_t i = 0; i < a->n; i++) {
		if (!keyed(a, i)) {
			if (!x.same_hdr || hmap_get(&loose_b, a->v[i].raw, a->v[i].len) < 0)
				whole(&x, a, i, CD_REMOVED, fn, ctx);
			continue;
		}
		struct cdval id = id_of(a, i);
		if (cindex_find(b, id.s, id.n) < 0)
			whole(&x, a, i, CD_REMOVED, fn, ctx);
	}
	hmap_free(&loose_a);
	hmap_free(&loose_b);
	rec_free(&x.ra);
	rec_free(&x.rb);
	hdr_free(&x.cols);
	free(x.ca);
	free(x.cb);
	free(x.f);
}
