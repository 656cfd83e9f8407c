/* cscan.c - reading a CSV file at memory speed, only the records wanted */
#include "cscan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NONE SIZE_MAX

size_t cscan_buffer = 1 << 20;

static struct cscan *cscan_new(int fd, const char *name, size_t cap)
{
	struct cscan *c = xcalloc(1, sizeof *c);
	bufin_init(&c->b, fd, name, cap);
	c->line = 1;
	c->all = true;
	c->parser = csvin_open_mem(NULL, 0, name);
	return c;
}

struct cscan *cscan_open(int fd, const char *name, long long off, long line)
{
	struct cscan *c = cscan_new(fd, name, cscan_buffer);
	c->off = off;
	c->line = line;
	c->started = off != 0; /* a byte order mark only at the start */
	return c;
}

struct cscan *cscan_from_csvin(struct csvin *in)
{
	size_t n = in->b.end - in->b.beg, cap = cscan_buffer;
	while (cap < n)
		cap *= 2;
	struct cscan *c = cscan_new(in->b.fd, in->b.name, cap);
	memcpy(c->b.buf, in->b.buf + in->b.beg, n);
	c->b.end = n;
	c->b.eof = in->b.eof;
	c->line = in->line;
	c->started = true;
	return c;
}

void cscan_close(struct cscan *c)
{
	if (!c)
		return;
	bufin_free(&c->b);
	csvin_close(c->parser);
	free(c->q);
	free(c->hit);
	free(c);
}

void cscan_look(struct cscan *c, const struct lit *lits, size_t n)
{
	c->lits = lits;
	c->nlits = n;
	c->all = n == 0;
	free(c->hit);
	c->hit = xcalloc(n ? n : 1, sizeof *c->hit);
	for (size_t i = 0; i < n; i++)
		c->hit[i] = NONE;
	c->whole = false;
	for (size_t i = 0; i < n && c->cut > c->b.beg; i++)
		if (lits[i].special && lit_special(c->b.buf + c->b.beg, c->cut - c->b.beg))
			c->whole = true;
}

/* The file offset of buffer offset x, and back. */
static long long at(const struct cscan *c, size_t x)
{
	return c->off + (long long)(x - c->b.beg);
}

static size_t pos(const struct cscan *c, long long off)
{
	return c->b.beg + (size_t)(off - c->off);
}

/* The index of the first quote at or after buffer offset x. */
static size_t quote_at(const struct cscan *c, size_t x)
{
	long long o = at(c, x);
	size_t lo = c->qh, hi = c->nq;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->q[mid] < o)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Move the start of the unread bytes to x (a record start), counting the
 * lines passed. */
static void consume(struct cscan *c, size_t x)
{
	c->line += (long)lit_count_nl(c->b.buf + c->b.beg, x - c->b.beg);
	c->off = at(c, x);
	c->b.beg = x;
	while (c->qh < c->nq && c->q[c->qh] < c->off)
		c->qh++;
}

/* List the quotes of the bytes read since the last call. */
static void list_quotes(struct cscan *c)
{
	const char *s = c->b.buf, *e = s + c->b.end;
	for (const char *p = s + c->qscan; (p = memchr(p, '"', (size_t)(e - p))); p++) {
		void *v = c->q;
		xgrow(&v, &c->qcap, c->nq + 1, sizeof *c->q);
		c->q = v;
		c->q[c->nq++] = at(c, (size_t)(p - s));
	}
	c->qscan = c->b.end;
}

/* The last line feed outside quotes in [from, x), plus one: where the
 * record that holds x starts; from when there is none. */
static size_t start_of(const struct cscan *c, size_t from, size_t x)
{
	for (;;) {
		const char *nl = memrchr(c->b.buf + from, '\n', x - from);
		if (!nl)
			return from;
		size_t k = quote_at(c, (size_t)(nl - c->b.buf)) - c->qh;
		if (k % 2 == 0)
			return (size_t)(nl - c->b.buf) + 1;
		/* inside a quoted field: look before the quote that opened it */
		x = pos(c, c->q[c->qh + k - 1]);
	}
}

/* The line feed that ends the record starting at x (in [x, lim)), or lim
 * when none does. */
static size_t end_of(const struct cscan *c, size_t x, size_t lim)
{
	size_t j = quote_at(c, x);
	for (;;) {
		size_t q = j < c->nq ? pos(c, c->q[j]) : lim;
		if (q > lim)
			q = lim;
		const char *nl = memchr(c->b.buf + x, '\n', q - x);
		if (nl)
			return (size_t)(nl - c->b.buf);
		if (q >= lim || j + 1 >= c->nq)
			return lim;
		x = pos(c, c->q[j + 1]) + 1; /* past the closing quote */
		j += 2;
		if (x >= lim)
			return lim;
	}
}

/* Find the end of the whole records read (c->cut); at the end of the file
 * the last record needs no line feed, unless a quote in it is never
 * closed. */
static void find_cut(struct cscan *c)
{
	size_t end = c->b.end;
	if (c->b.eof && (quote_at(c, end) - c->qh) % 2 == 0)
		c->cut = end;
	else
		c->cut = start_of(c, c->b.beg, end);
}

/* Read more; returns 1, 0 at the end of the file, -1 on an error
 * (reported). */
static int more(struct cscan *c)
{
	if (c->b.eof)
		return 0;
	size_t shift;
	c->b.line = c->line;
	if (c->nul_record && c->b.end - c->b.beg == c->b.cap &&
	    memchr(c->b.buf + c->b.beg, '\0', c->b.end - c->b.beg)) {
		crm_dataerr(c->b.name, c->line, "NUL byte in the record");
		return -1;
	}
	long k = bufin_fill(&c->b, &shift);
	if (k < 0)
		return -1;
	c->qscan -= shift;
	c->cut = c->b.beg;
	for (size_t i = 0; i < c->nlits; i++)
		if (c->hit[i] != NONE)
			c->hit[i] -= shift;
	if (c->qh > 4096 && c->qh * 2 > c->nq) {
		memmove(c->q, c->q + c->qh, (c->nq - c->qh) * sizeof *c->q);
		c->nq -= c->qh;
		c->qh = 0;
	}
	list_quotes(c);
	return 1;
}

/* Report the last record, whose quote is never closed. */
static int bad_tail(struct cscan *c)
{
	struct cscan_rec r = { c->b.buf + c->b.beg, c->b.end - c->b.beg, c->off, at(c, c->b.end), c->line, false };
	struct rec tmp = { 0 };
	if (cscan_parse(c, &r, &tmp) == 0)
		crm_dataerr(c->b.name, c->line, "unterminated quoted field");
	rec_free(&tmp);
	return -1;
}

/* Make [beg, cut) hold whole records. Returns 1, 0 at the end, -1 on an
 * error (reported). */
static int region(struct cscan *c)
{
	if (!c->started) {
		while (!c->b.eof && c->b.end - c->b.beg < 3)
			if (more(c) < 0)
				return -1;
		c->started = true;
		if (c->b.end - c->b.beg >= 3 && !memcmp(c->b.buf + c->b.beg, "\xEF\xBB\xBF", 3)) {
			c->b.beg += 3;
			c->off += 3;
		}
	}
	list_quotes(c);
	for (;;) {
		find_cut(c);
		if (c->cut > c->b.beg)
			break;
		if (c->b.eof)
			return c->b.beg < c->b.end ? bad_tail(c) : 0;
		if (more(c) < 0)
			return -1;
	}
	c->whole = false;
	for (size_t i = 0; i < c->nlits; i++) {
		c->hit[i] = NONE;
		if (c->lits[i].special && !c->whole)
			c->whole = lit_special(c->b.buf + c->b.beg, c->cut - c->b.beg);
	}
	return 1;
}

/* Cut the record that starts at x out of the region into r and move past
 * it. */
static void take(struct cscan *c, size_t x, struct cscan_rec *r)
{
	consume(c, x);
	size_t e = end_of(c, x, c->cut);
	size_t next = e < c->cut ? e + 1 : c->cut;
	size_t n = e - x;
	r->s = c->b.buf + x;
	r->off = c->off;
	r->next = at(c, next);
	r->line = c->line;
	r->crlf = false;
	if (n && r->s[n - 1] == '\r') {
		n--;
		r->crlf = e < c->cut;
	}
	r->n = n;
	consume(c, next);
}

int cscan_next(struct cscan *c, struct cscan_rec *r)
{
	for (;;) {
		if (c->cut <= c->b.beg) {
			int k = region(c);
			if (k <= 0)
				return k;
		}
		if (c->all || c->whole) {
			take(c, c->b.beg, r);
			if (r->n)
				return 1;
			continue; /* a blank line */
		}
		size_t h = NONE;
		const char *s = c->b.buf;
		for (size_t i = 0; i < c->nlits; i++) {
			if (c->hit[i] == NONE || c->hit[i] < c->b.beg) {
				const char *f = lit_find(&c->lits[i], s + c->b.beg, c->cut - c->b.beg);
				c->hit[i] = f ? (size_t)(f - s) : c->cut;
			}
			if (c->hit[i] < h)
				h = c->hit[i];
		}
		if (h >= c->cut) {
			consume(c, c->cut);
			continue;
		}
		take(c, start_of(c, c->b.beg, h), r);
		return 1;
	}
}

int cscan_skip(struct cscan *c)
{
	for (;;) {
		int k = region(c);
		if (k <= 0)
			return k;
		consume(c, c->cut);
	}
}

int cscan_parse(struct cscan *c, const struct cscan_rec *r, struct rec *rec)
{
	if (csvin_parse(c->parser, r->s, r->n, rec) < 0) {
		crm_dataerr(c->b.name, r->line, "%s", c->parser->err);
		return -1;
	}
	rec->line = r->line;
	rec->crlf = r->crlf;
	return 0;
}

size_t cscan_fields(const struct cscan_rec *r)
{
	size_t n = 1;
	bool quoted = false;
	for (size_t i = 0; i < r->n; i++) {
		if (r->s[i] == '"')
			quoted = !quoted;
		else if (r->s[i] == ',' && !quoted)
			n++;
	}
	return n;
}
