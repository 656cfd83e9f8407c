/* csvrec.c - CSV records over libcsv */
#include "csvrec.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "utf8.h"


#define QNONE ((size_t)-1)

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* spaces are data: never trimmed */
}

static int no_term(unsigned char c)
{
	(void)c;
	return 0; /* this reader splits records itself; a bare CR is data */
}

static struct csvin *csvin_new(void)
{
	struct csvin *in = xcalloc(1, sizeof *in);
	in->line = 1;
	in->delim = ',';
	csv_init(&in->p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_space_func(&in->p, no_space);
	csv_set_term_func(&in->p, no_term);
	return in;
}

struct csvin *csvin_open(int fd, const char *name)
{
	struct csvin *in = csvin_new();
	bufin_init(&in->b, fd, name, 1 << 20);
	return in;
}

struct csvin *csvin_open_mem(const char *data, size_t n, const char *name)
{
	struct csvin *in = csvin_new();
	bufin_init_mem(&in->b, data, n, name);
	return in;
}

bool csvin_seek(struct csvin *in, long long at, long line, long long to)
{
	if (in->b.borrowed || lseek(in->b.fd, (off_t)at, SEEK_SET) != (off_t)at)
		return false;
	in->b.beg = in->b.end = 0;
	in->b.eof = false;
	in->b.moves++;
	in->b.line = in->line = line;
	bufin_limit(&in->b, to < 0 ? -1 : to - at);
	in->qvalid = false;
	in->crlf = false;
	in->started = true;
	return true;
}

void csvin_set_delim(struct csvin *in, char d)
{
	in->delim = d;
	csv_set_delim(&in->p, (unsigned char)d);
}

void csvin_close(struct csvin *in)
{
	if (!in)
		return;
	csv_free(&in->p);
	bufin_free(&in->b);
	free(in);
}

long csvin_fill(struct csvin *in)
{
	size_t shift;
	in->b.line = in->line;
	long n = bufin_fill(&in->b, &shift);
	if (in->qvalid && shift) {
		in->qfrom = in->qfrom > shift ? in->qfrom - shift : 0;
		if (in->q != QNONE)
			in->q -= shift;
	}
	if (n > 0 && in->q == QNONE)
		in->qvalid = false; /* "no quote before the end" is stale now */
	return n;
}

/* Offset of the next quote at or after p, or in->b.end when none is read yet.
 * The answer is cached: records are short and quotes may be rare, so one
 * memchr serves many records. */
static size_t next_quote(struct csvin *in, size_t p)
{
	if (in->qvalid && p >= in->qfrom && (in->q == QNONE || p <= in->q))
		return in->q == QNONE ? in->b.end : in->q;
	const char *f = memchr(in->b.buf + p, '"', in->b.end - p);
	in->qvalid = true;
	in->qfrom = p;
	in->q = f ? (size_t)(f - in->b.buf) : QNONE;
	return f ? in->q : in->b.end;
}

static long count_nl(const char *s, size_t n)
{
	long c = 0;
	const char *e = s + n;
	while ((s = memchr(s, '\n', (size_t)(e - s)))) {
		c++;
		s++;
	}
	return c;
}

bool csv_records(int fd, long long from, long line, long long at, bool all, struct csv_split *sp)
{
	enum { CHUNK = 1 << 20 };
	char *buf = xmalloc(CHUNK);
	bool quoted = false, ok = true; /* quoted: inside a quoted field */
	long long pos = from;
	*sp = (struct csv_split){ -1, 0, 1 };
	while (all || sp->at < 0) {
		ssize_t n = pread(fd, buf, CHUNK, (off_t)pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = n == 0;
			break;
		}
		/* a quote opens or closes a quoted field; a line end outside
		 * them ends a record */
		const char *p = buf, *e = buf + n;
		while (p < e) {
			const char *q = memchr(p, '"', (size_t)(e - p));
			const char *stop = q ? q : e;
			if (!quoted) {
				sp->rows += (size_t)count_nl(p, (size_t)(stop - p));
				if (sp->at < 0 && pos + (stop - buf) > at) {
					const char *s = pos + (p - buf) > at ? p : buf + (at - pos);
					const char *lf = memchr(s, '\n', (size_t)(stop - s));
					if (lf) {
						sp->at = pos + (lf + 1 - buf);
						sp->line = line + count_nl(p, (size_t)(lf + 1 - p));
					}
				}
			}
			line += count_nl(p, (size_t)(stop - p));
			if (!q)
				break;
			quoted = !quoted;
			p = q + 1;
		}
		pos += n;
	}
	free(buf);
	return ok;
}

/* Find the line end of the record at in->b.beg: 1 with *rend its offset, 0
 * when the buffer holds no complete record. *nl counts the newlines inside
 * quoted fields. */
static int find_end(struct csvin *in, size_t *rend, long *nl)
{
	size_t p = in->b.beg;
	*nl = 0;
	for (;;) {
		size_t q = next_quote(in, p);
		const char *lf = memchr(in->b.buf + p, '\n', q - p);
		if (lf) {
			*rend = (size_t)(lf - in->b.buf);
			return 1;
		}
		if (q >= in->b.end)
			return 0;
		size_t c = next_quote(in, q + 1);
		if (c >= in->b.end)
			return 0;
		*nl += count_nl(in->b.buf + q + 1, c - q - 1);
		p = c + 1;
	}
}

int csvin_next_raw(struct csvin *in, const char **s, size_t *n, long *line)
{
	if (!in->started) {
		/* make sure a byte order mark is seen whole */
		while (!in->b.eof && in->b.end - in->b.beg < 3)
			if (csvin_fill(in) < 0)
				return -1;
		in->started = true;
		if (in->b.end - in->b.beg >= 3 && !memcmp(in->b.buf + in->b.beg, "\xEF\xBB\xBF", 3))
			in->b.beg += 3;
	}
	for (;;) {
		size_t rend;
		long nl;
		int got = find_end(in, &rend, &nl);
		size_t len, next;
		if (got) {
			len = rend - in->b.beg;
			next = rend + 1;
		} else if (in->b.eof) {
			if (in->b.beg == in->b.end)
				return 0;
			len = in->b.end - in->b.beg;
			next = in->b.end;
			nl = count_nl(in->b.buf + in->b.beg, len);
		} else {
			long r = csvin_fill(in);
			if (r < 0)
				return -1;
			continue;
		}
		const char *rs = in->b.buf + in->b.beg;
		long at = in->line;
		in->line += nl + (got ? 1 : 0);
		in->b.beg = next;
		in->crlf = false;
		if (len && rs[len - 1] == '\r') {
			len--;
			in->crlf = got;
		}
		if (len == 0)
			continue; /* a blank line */
		*s = rs;
		*n = len;
		*line = at;
		return 1;
	}
}

struct pctx {
	struct rec *r;
	size_t fields;
};

static void cb_field(void *s, size_t n, void *data)
{
	struct pctx *c = data;
	rec_push(c->r, s ? s : "", s ? n : 0);
	c->fields++;
}

static void cb_row(int t, void *data)
{
	(void)t;
	(void)data;
}

int csvin_parse(struct csvin *in, const char *s, size_t n, struct rec *r)
{
	rec_clear(r);
	struct pctx c = { r, 0 };
	const char *z = memchr(s, '\0', n);
	if (z) {
		snprintf(in->err, sizeof in->err, "NUL byte in the record");
		return -1;
	}
	size_t bad;
	if (!u8_valid(s, n, &bad)) {
		snprintf(in->err, sizeof in->err, "invalid UTF-8 (byte %zu of the record)", bad + 1);
		return -1;
	}
	if (!memchr(s, '"', n)) {
		/* no quotes: the fields are what lies between the commas, as
		 * libcsv would find them, without a call per byte */
		const char *p = s, *e = s + n, *comma;
		while ((comma = memchr(p, in->delim, (size_t)(e - p)))) {
			rec_push(r, p, (size_t)(comma - p));
			p = comma + 1;
		}
		rec_push(r, p, (size_t)(e - p));
		r->raw = s;
		r->rawlen = n;
		return 0;
	}
	/* libcsv grows its field buffer by a fixed block (128 bytes unless
	 * told): a block as big as the record makes a field of any length
	 * one reallocation, not one per 128 bytes */
	csv_set_blk_size(&in->p, n < 128 ? 128 : n + 1);
	size_t k = csv_parse(&in->p, s, n, cb_field, cb_row, &c);
	if (k < n) {
		snprintf(in->err, sizeof in->err,
			 "field %zu: a quote inside an unquoted field or after a closing quote",
			 c.fields + 1);
		csv_fini(&in->p, NULL, NULL, NULL);
		return -1;
	}
	if (csv_fini(&in->p, cb_field, cb_row, &c) != 0) {
		snprintf(in->err, sizeof in->err, "unterminated quoted field");
		csv_fini(&in->p, NULL, NULL, NULL);
		return -1;
	}
	r->raw = s;
	r->rawlen = n;
	return 0;
}

bool csv_split_plain(const char *s, size_t n, long idcol, size_t *nf, const char **id, size_t *idn)
{
	if (memchr(s, '"', n) || memchr(s, '\r', n) || memchr(s, '\0', n) || !u8_valid(s, n, NULL))
		return false;
	const char *p = s, *e = s + n;
	*nf = 0;
	*id = "";
	*idn = 0;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(e - p));
		const char *end = comma ? comma : e;
		if ((long)*nf == idcol) {
			*id = p;
			*idn = (size_t)(end - p);
		}
		(*nf)++;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

int csvin_next(struct csvin *in, struct rec *r)
{
	const char *s;
	size_t n;
	long line;
	int k = csvin_next_raw(in, &s, &n, &line);
	if (k <= 0)
		return k;
	if (csvin_parse(in, s, n, r) < 0) {
		crm_dataerr(in->b.name, line, "%s", in->err);
		return -1;
	}
	r->line = line;
	r->crlf = in->crlf;
	return 1;
}

void csv_put(struct sb *b, const char *s, size_t n)
{
	/* the bytes that make a field need quotes, found in one pass (fields
	 * are short: four memchr calls cost more than the bytes) */
	static const bool quote[256] = { [','] = true, ['"'] = true, ['\n'] = true, ['\r'] = true };
	size_t i = 0;
	while (i < n && !quote[(unsigned char)s[i]])
		i++;
	if (i == n) {
		sb_add(b, s, n);
		return;
	}
	size_t need = 2 * n + 2;
	if (b->len + need + 1 > b->cap) {
		void *p = b->s;
		xgrow(&p, &b->cap, b->len + need + 1, 1);
		b->s = p;
	}
	b->len += csv_write(b->s + b->len, need, s, n);
	b->s[b->len] = '\0';
}

void csv_put_rec(struct sb *b, const struct rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(b, ',');
		csv_put(b, rec_get(r, i), rec_len(r, i));
	}
	sb_addc(b, '\n');
}

void csv_put_hdr(struct sb *b, const struct hdr *h)
{
	for (size_t i = 0; i < h->n; i++) {
		if (i)
			sb_addc(b, ',');
		csv_put(b, h->name[i], strlen(h->name[i]));
	}
	sb_addc(b, '\n');
}
