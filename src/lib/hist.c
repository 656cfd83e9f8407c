/* hist.c - the history file */
#include "hist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proj.h"
#include "util.h"

struct linein *hist_open(const struct crm_dir *d)
{
	int fd = openat(d->fd, INTERACTIONS, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return NULL;
		crm_die("%s", crm_path(d, INTERACTIONS));
	}
	return linein_open(fd, crm_path(d, INTERACTIONS));
}

int hist_load(struct hist *h, const struct crm_dir *d, bool strict)
{
	memset(h, 0, sizeof *h);
	struct linein *in = hist_open(d);
	if (!in)
		return 0;
	const char *s;
	size_t n;
	bool torn;
	int k, rc = 0;
	while ((k = linein_next(in, &s, &n, &torn)) > 0) {
		char err[200];
		json_t *o = jsonl_parse(s, n, err, sizeof err);
		if (!o && !err[0])
			continue; /* blank */
		if (o && torn)
			crm_dataerr(in->b.name, in->line, "%s: %s", JSONL_TORN, JSONL_TORN_OK);
		if (!o) {
			crm_dataerr(in->b.name, in->line, "%s%s", torn ? JSONL_TORN ": " : "", err);
			if (strict) {
				rc = -1;
				break;
			}
		}
		void *p = h->v;
		xgrow(&p, &h->cap, h->n + 1, sizeof *h->v);
		h->v = p;
		h->v[h->n++] = (struct hline){ o, xstrndup(s, n), n, in->line };
	}
	if (k < 0)
		rc = -1;
	close(in->b.fd);
	linein_close(in);
	return rc;
}

void hist_free(struct hist *h)
{
	for (size_t i = 0; i < h->n; i++) {
		json_decref(h->v[i].obj);
		free(h->v[i].text);
	}
	free(h->v);
	memset(h, 0, sizeof *h);
}

/* The record of one line; returns 0, or -1 after reporting why not. */
static int hindex_line(struct hindex *h, struct proj *p, const char *s, size_t n, long line)
{
	char err[200];
	int k = proj_line(p, s, n, err, sizeof err);
	if (k == 0)
		return 0; /* blank */
	if (k < 0) {
		crm_dataerr(h->name, line, "%s", err);
		return -1;
	}
	const struct pval *id = &p->v[PJ_ID], *ts = &p->v[PJ_TS];
	if (id->kind != 's' || !id->n) {
		crm_dataerr(h->name, line, "the record has no id");
		return -1;
	}
	size_t had = h->ids.n, i = hmap_put(&h->ids, id->s, id->n);
	if (i < had) {
		const struct hrec *first = &h->v[i];
		if (first->len != n || memcmp(first->text, s, n))
			crm_dataerr(h->name, line, "id %.*s is on line %ld already; this line is left out",
				    (int)id->n, id->s, first->line);
		return 0;
	}
	void *v = h->v;
	xgrow(&v, &h->cap, h->n + 1, sizeof *h->v);
	h->v = v;
	struct hrec *r = &h->v[h->n++];
	*r = (struct hrec){ .text = s, .len = n, .line = line, .tsoff = h->tss.len };
	if (ts->kind == 's') {
		sb_add(&h->tss, ts->s, ts->n);
		r->tslen = ts->n;
		char buf[64];
		if (ts->n < sizeof buf) {
			memcpy(buf, ts->s, ts->n);
			buf[ts->n] = '\0';
			r->has_ts = date_parse(buf, &r->ts);
		}
	}
	return 0;
}

int hindex_load(struct hindex *h, const char *path, const char *name)
{
	memset(h, 0, sizeof *h);
	h->name = xstrdup(name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		crm_warn("%s", path);
		return -1;
	}
	int k = filebuf_load(&h->data, fd);
	close(fd);
	if (k < 0) {
		crm_warn("%s", path);
		return -1;
	}
	/* a first byte, so that offsets into it never start from NULL */
	sb_addc(&h->tss, '\0');
	if (!h->data.len)
		return 0;
	size_t lines = 0; /* room for every line at once */
	for (const char *q = h->data.s, *e = q + h->data.len; (q = memchr(q, '\n', (size_t)(e - q))); q++)
		lines++;
	void *v = h->v;
	xgrow(&v, &h->cap, lines + 1, sizeof *h->v);
	h->v = v;
	hmap_reserve(&h->ids, lines + 1);
	struct proj p = { 0 };
	/* only the id and the time are needed: the rest is kept as bytes */
	p.skip = ~((1u << PJ_ID) | (1u << PJ_TS));
	const char *s = h->data.s, *e = s + h->data.len;
	long line = 0;
	int rc = 0;
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(e - s);
		if (hindex_line(h, &p, s, n, ++line) < 0) {
			rc = -1;
			break;
		}
		s = nl ? nl + 1 : e;
	}
	proj_free(&p);
	return rc;
}

void hindex_free(struct hindex *h)
{
	hmap_free(&h->ids);
	filebuf_free(&h->data);
	sb_free(&h->tss);
	free(h->v);
	free(h->name);
	memset(h, 0, sizeof *h);
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = an && bn ? memcmp(a, b, an < bn ? an : bn) : 0;
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

int hindex_cmp(const struct hindex *a, size_t i, const struct hindex *b, size_t j)
{
	const struct hrec *x = &a->v[i], *y = &b->v[j];
	if (x->has_ts != y->has_ts)
		return x->has_ts ? 1 : -1;
	if (x->has_ts && x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	int c = bytes_cmp(a->tss.s + x->tsoff, x->tslen, b->tss.s + y->tsoff, y->tslen);
	if (c)
		return c;
	size_t xn, yn;
	const char *xid = hmap_key(&a->ids, i, &xn), *yid = hmap_key(&b->ids, j, &yn);
	return bytes_cmp(xid, xn, yid, yn);
}

/* The end of the JSON string that starts at s[i] (a quote): the index just
 * past its closing quote, or n when it is not closed. */
static size_t str_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* True when the string token s[0..n) (quotes included) is the key "customer",
 * however it is escaped. */
static bool is_customer_key(const char *s, size_t n)
{
	if (!memchr(s, '\\', n))
		return n == 10 && !memcmp(s, "\"customer\"", 10);
	json_t *k = json_loadb(s, n, JSON_DECODE_ANY, NULL);
	bool yes = json_is_string(k) && !strcmp(json_string_value(k), "customer");
	json_decref(k);
	return yes;
}

/* Find the string value of the top-level key "customer" in the text of a
 * JSON object: [*b, *e) are the bytes of its token, quotes included. */
static bool find_customer(const char *s, size_t n, size_t *b, size_t *e)
{
	int depth = 0;
	bool want_key = false;
	for (size_t i = 0; i < n;) {
		char c = s[i];
		if (c == '"') {
			size_t end = str_end(s, n, i);
			if (depth != 1 || !want_key) {
				i = end;
				continue;
			}
			want_key = false;
			size_t v = skip_ws(s, n, end);
			if (v >= n || s[v] != ':')
				return false;
			v = skip_ws(s, n, v + 1);
			if (is_customer_key(s + i, end - i)) {
				if (v >= n || s[v] != '"')
					return false;
				*b = v;
				*e = str_end(s, n, v);
				return true;
			}
			i = v;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
			want_key = depth == 1;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == ',' && depth == 1) {
			want_key = true;
		}
		i++;
	}
	return false;
}

/* Append line l with its customer replaced by to. */
static void put_remapped(struct sb *out, const struct hline *l, const char *to)
{
	size_t b, e;
	if (find_customer(l->text, l->len, &b, &e)) {
		json_t *v = json_string(to);
		char *enc = json_dumps(v, JSON_ENCODE_ANY);
		sb_add(out, l->text, b);
		sb_adds(out, enc);
		sb_add(out, l->text + e, l->len - e);
		sb_addc(out, '\n');
		free(enc);
		json_decref(v);
		return;
	}
	/* not found in the text (it parsed, so this should not happen): write
	 * the object anew rather than lose the change */
	json_t *o = json_deep_copy(l->obj);
	json_object_set_new(o, "customer", json_string(to));
	jsonl_put(out, o);
	json_decref(o);
}

size_t hist_remap(const struct hist *h, char *const *ids, size_t n, const char *to,
		  struct sb *out, size_t *counts)
{
	size_t changed = 0;
	if (counts)
		memset(counts, 0, n * sizeof *counts);
	for (size_t i = 0; i < h->n; i++) {
		const struct hline *l = &h->v[i];
		size_t j = n;
		if (l->obj) {
			const char *c = json_str(l->obj, "customer");
			for (j = 0; j < n && strcmp(c, ids[j]); j++)
				;
		}
		if (j == n) {
			sb_add(out, l->text, l->len);
			sb_addc(out, '\n');
			continue;
		}
		changed++;
		if (counts)
			counts[j]++;
		if (to)
			put_remapped(out, l, to);
	}
	return changed;
}
