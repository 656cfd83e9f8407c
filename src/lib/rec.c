/* rec.c - records and headers */
#include "rec.h"

#include <stdlib.h>
#include <string.h>

#include "hmap.h"

static void fix(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		r->v[i] = r->store.s + r->off[i];
}

void rec_clear(struct rec *r)
{
	r->n = 0;
	sb_reset(&r->store);
	r->line = 0;
	r->raw = NULL;
	r->rawlen = 0;
	r->dirty = r->gone = r->crlf = false;
}

static void room(struct rec *r, size_t n)
{
	if (n <= r->cap)
		return;
	size_t c = r->cap;
	void *p = r->v;
	xgrow(&p, &c, n, sizeof *r->v);
	r->v = p;
	r->len = xrealloc(r->len, c * sizeof *r->len);
	r->off = xrealloc(r->off, c * sizeof *r->off);
	r->cap = c;
}

void rec_push(struct rec *r, const char *s, size_t n)
{
	room(r, r->n + 1);
	char *old = r->store.s;
	r->off[r->n] = r->store.len;
	r->len[r->n] = n;
	sb_add(&r->store, s, n);
	sb_addc(&r->store, '\0');
	r->n++;
	if (r->store.s != old)
		fix(r);
	else
		r->v[r->n - 1] = r->store.s + r->off[r->n - 1];
}

void rec_set(struct rec *r, size_t i, const char *s, size_t n)
{
	while (r->n <= i)
		rec_push(r, "", 0);
	char *old = r->store.s;
	size_t off = r->store.len;
	sb_add(&r->store, s, n);
	sb_addc(&r->store, '\0');
	r->off[i] = off;
	r->len[i] = n;
	if (r->store.s != old)
		fix(r);
	else
		r->v[i] = r->store.s + off;
	r->dirty = true;
}

const char *rec_get(const struct rec *r, size_t i)
{
	return i < r->n ? r->v[i] : "";
}

size_t rec_len(const struct rec *r, size_t i)
{
	return i < r->n ? r->len[i] : 0;
}

void rec_copy(struct rec *dst, const struct rec *src)
{
	rec_clear(dst);
	for (size_t i = 0; i < src->n; i++)
		rec_push(dst, src->v[i], src->len[i]);
	dst->line = src->line;
	dst->dirty = src->dirty;
	dst->gone = src->gone;
}

void rec_free(struct rec *r)
{
	free(r->v);
	free(r->len);
	free(r->off);
	sb_free(&r->store);
	memset(r, 0, sizeof *r);
}

long hdr_find(const struct hdr *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->name[i], name))
			return (long)i;
	return -1;
}

size_t hdr_add(struct hdr *h, const char *name)
{
	long i = hdr_find(h, name);
	if (i >= 0)
		return (size_t)i;
	return hdr_push(h, name);
}

size_t hdr_push(struct hdr *h, const char *name)
{
	void *p = h->name;
	xgrow(&p, &h->cap, h->n + 1, sizeof *h->name);
	h->name = p;
	h->name[h->n] = xstrdup(name);
	return h->n++;
}

void hdr_from_rec(struct hdr *h, const struct rec *r)
{
	hdr_free(h);
	for (size_t i = 0; i < r->n; i++) {
		void *p = h->name;
		xgrow(&p, &h->cap, h->n + 1, sizeof *h->name);
		h->name = p;
		h->name[h->n++] = xstrdup(r->v[i]);
	}
}

void hdr_copy(struct hdr *dst, const struct hdr *src)
{
	/* as hdr_add each name, in linear time: headers may be very wide */
	struct hmap seen = { 0 };
	hdr_free(dst);
	for (size_t i = 0; i < src->n; i++) {
		if (hmap_put(&seen, src->name[i], strlen(src->name[i])) == dst->n)
			hdr_push(dst, src->name[i]);
	}
	hmap_free(&seen);
}

void hdr_free(struct hdr *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->name[i]);
	free(h->name);
	memset(h, 0, sizeof *h);
}
