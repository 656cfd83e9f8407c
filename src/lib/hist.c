/* hist.c - the history file */
#include "hist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "id.h"
#include "lit.h"
#include "proj.h"
#include "utf8.h"
#include "util.h"

int hist_fd(const struct crm_dir *d)
{
	int fd = openat(d->fd, INTERACTIONS, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT) {
		crm_warn("%s", crm_path(d, INTERACTIONS));
		return -2;
	}
	return fd < 0 ? -1 : fd;
}

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
	struct hrec *r;
	if (i < had) {
		const struct hrec *first = &h->v[i];
		size_t seen = h->dupset.n;
		if ((first->len == n && !memcmp(first->text, s, n)) ||
		    hmap_put(&h->dupset, s, n) < seen)
			return 0;
		void *v = h->dup;
		xgrow(&v, &h->dcap, h->ndup + 1, sizeof *h->dup);
		h->dup = v;
		r = &h->dup[h->ndup++];
	} else {
		void *v = h->v;
		xgrow(&v, &h->cap, h->n + 1, sizeof *h->v);
		h->v = v;
		r = &h->v[h->n++];
	}
	*r = (struct hrec){ .text = s, .len = n, .line = line, .tsoff = h->tss.len, .first = i };
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
	h->had_crlf = filebuf_lf(&h->data);
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
	free(h->dup);
	hmap_free(&h->dupset);
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

int hindex_cmp(const struct hindex *a, const struct hrec *x, const struct hindex *b,
	       const struct hrec *y)
{
	if (x->has_ts != y->has_ts)
		return x->has_ts ? 1 : -1;
	if (x->has_ts && x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	int c = bytes_cmp(a->tss.s + x->tsoff, x->tslen, b->tss.s + y->tsoff, y->tslen);
	if (c)
		return c;
	size_t xn, yn;
	const char *xid = hmap_key(&a->ids, x->first, &xn), *yid = hmap_key(&b->ids, y->first, &yn);
	c = bytes_cmp(xid, xn, yid, yn);
	return c ? c : bytes_cmp(x->text, x->len, y->text, y->len);
}

/* ---- the customer of a line, found without trusting the line ---- */

/* The end of the JSON string whose opening quote is s[i]: the index past
 * its closing quote, or n when the line ends first. */
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

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : -1;
}

/* The text of the string token s[b..e) (its quotes included, the closing
 * one possibly missing), escapes decoded as far as they make sense: a bad
 * escape stands for its character, a \u of bad hex for its letters. */
static void decode(const char *s, size_t b, size_t e, struct sb *out)
{
	sb_reset(out);
	if (e > b + 1 && s[e - 1] == '"')
		e--;
	for (size_t i = b + 1; i < e; i++) {
		if (s[i] != '\\' || i + 1 >= e) {
			sb_addc(out, s[i]);
			continue;
		}
		char c = s[++i];
		static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
		const char *k = strchr(from, c);
		if (c && k) {
			sb_addc(out, to[k - from]);
			continue;
		}
		unsigned cp = 0;
		int ok = c == 'u' && i + 4 < e;
		for (int j = 1; ok && j <= 4; j++) {
			int h = hexval(s[i + j]);
			ok = h >= 0;
			cp = cp << 4 | (unsigned)(h < 0 ? 0 : h);
		}
		if (!ok) {
			sb_addc(out, c);
			continue;
		}
		i += 4;
		if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < e && s[i + 1] == '\\' && s[i + 2] == 'u') {
			unsigned lo = 0;
			int good = 1;
			for (int j = 3; good && j <= 6; j++) {
				int h = hexval(s[i + j]);
				good = h >= 0;
				lo = lo << 4 | (unsigned)(h < 0 ? 0 : h);
			}
			if (good && lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
		}
		if (cp == 0)
			sb_add(out, "", 1); /* a NUL byte: no id holds one */
		else
			u8_encode(out, cp);
	}
}

/* The id of ids[0..n) that t[0..len) is (ASCII letters in any case), or n. */
static size_t which_id(char *const *ids, size_t n, const char *t, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(ids[i]);
		if (k != len)
			continue;
		size_t j = 0;
		while (j < k && (ids[i][j] == t[j] ||
				 ((ids[i][j] | 32) == (t[j] | 32) && (t[j] | 32) >= 'a' && (t[j] | 32) <= 'z')))
			j++;
		if (j == k)
			return i;
	}
	return n;
}

/* A "customer" value of a line: its token and the id it is. */
struct cval {
	size_t b, e;  /* the token, quotes included */
	size_t id;    /* index in ids */
	int depth;    /* 1: a key of the object itself (0 or less in a broken line) */
};

/* Every "customer" key of s[0..len) whose string value is one of ids,
 * read token by token without trusting the line (up to max of them).
 * Returns how many were found. */
static size_t customers_of(const char *s, size_t len, char *const *ids, size_t n, struct cval *v,
			   size_t max, struct sb *tmp)
{
	size_t found = 0;
	int depth = 0;
	for (size_t i = 0; i < len;) {
		char c = s[i];
		if (c == '{' || c == '[') {
			depth++;
			i++;
			continue;
		}
		if (c == '}' || c == ']') {
			depth--;
			i++;
			continue;
		}
		if (c != '"') {
			i++;
			continue;
		}
		size_t e = str_end(s, len, i);
		size_t colon = skip_ws(s, len, e);
		if (colon >= len || s[colon] != ':') {
			i = e;
			continue;
		}
		decode(s, i, e, tmp);
		bool key = tmp->len == 8 && !memcmp(tmp->s, "customer", 8);
		size_t vb = skip_ws(s, len, colon + 1);
		i = vb;
		if (!key || vb >= len || s[vb] != '"')
			continue;
		size_t ve = str_end(s, len, vb);
		decode(s, vb, ve, tmp);
		size_t id = which_id(ids, n, tmp->s ? tmp->s : "", tmp->len);
		if (id < n && found < max)
			v[found++] = (struct cval){ vb, ve, id, depth };
		i = ve;
	}
	return found;
}

/* What hist_rewrite is doing. */
struct hrw {
	char *const *ids;
	size_t n;
	const char *to;
	char *to_json; /* to as a JSON string */
	size_t *counts;
	struct cval v[16];
	size_t nv;
	struct sb tmp, line;
};

/* Whether the line s[0..len) is one of the customers' (counted); its
 * customer values are left in x->v. */
static bool is_theirs(struct hrw *x, const char *s, size_t len)
{
	x->nv = customers_of(s, len, x->ids, x->n, x->v, sizeof x->v / sizeof x->v[0], &x->tmp);
	/* the keys of the object itself (a broken line may bring its depth
	 * below 1), not those of an object inside it */
	size_t first = x->nv;
	for (size_t i = 0; i < x->nv && first == x->nv; i++)
		if (x->v[i].depth <= 1)
			first = i;
	if (first == x->nv)
		return false;
	x->counts[x->v[first].id]++;
	return true;
}

/* The line s[0..len) with the values of its own customer keys made to. */
static void remapped(struct hrw *x, const char *s, size_t len)
{
	sb_reset(&x->line);
	size_t at = 0;
	for (size_t i = 0; i < x->nv; i++) {
		if (x->v[i].depth > 1)
			continue;
		sb_add(&x->line, s + at, x->v[i].b - at);
		sb_adds(&x->line, x->to_json);
		at = x->v[i].e;
	}
	sb_add(&x->line, s + at, len - at);
}

void hscan_open(struct hscan *h, int fd, const char *name)
{
	memset(h, 0, sizeof *h);
	bufin_init(&h->b, fd, name, 1 << 20);
	h->line = 1;
}

void hscan_look(struct hscan *h, const struct lit *lits, size_t n)
{
	h->lits = lits;
	h->nlits = n;
	free(h->hit);
	h->hit = xcalloc(n ? n : 1, sizeof *h->hit);
	for (size_t i = 0; i < n; i++)
		h->hit[i] = (size_t)-1;
}

void hscan_close(struct hscan *h)
{
	bufin_free(&h->b);
	free(h->hit);
	memset(h, 0, sizeof *h);
}

/* Move past x, counting the lines passed. */
static void hs_consume(struct hscan *h, size_t x)
{
	h->line += (long)lit_count_nl(h->b.buf + h->b.beg, x - h->b.beg);
	h->off += (long long)(x - h->b.beg);
	h->b.beg = x;
}

int hscan_next(struct hscan *h, struct hscan_item *it)
{
	char *buf;
	while (h->b.beg >= h->cut) {
		if (h->b.eof)
			return 0;
		size_t shift;
		h->b.line = h->line;
		if (bufin_fill(&h->b, &shift) < 0)
			return -1;
		buf = h->b.buf;
		const char *s = buf + h->b.beg, *e = buf + h->b.end;
		const char *nl = s < e ? memrchr(s, '\n', (size_t)(e - s)) : NULL;
		h->cut = h->b.eof ? h->b.end : nl ? (size_t)(nl - buf) + 1 : h->b.beg;
		for (size_t i = 0; i < h->nlits; i++)
			h->hit[i] = (size_t)-1;
	}
	buf = h->b.buf;
	size_t beg = h->b.beg, at = beg;
	if (h->nlits) {
		at = h->cut;
		for (size_t i = 0; i < h->nlits; i++) {
			if (h->hit[i] == (size_t)-1 || h->hit[i] < beg) {
				const char *f = lit_find(&h->lits[i], buf + beg, h->cut - beg);
				h->hit[i] = f ? (size_t)(f - buf) : h->cut;
			}
			if (h->hit[i] < at)
				at = h->hit[i];
		}
		if (at >= h->cut) {
			*it = (struct hscan_item){ .gap = buf + beg, .gapn = h->cut - beg };
			hs_consume(h, h->cut);
			return 1;
		}
	}
	const char *ls = at > beg ? memrchr(buf + beg, '\n', at - beg) : NULL;
	size_t start = ls ? (size_t)(ls - buf) + 1 : beg;
	const char *le = memchr(buf + at, '\n', h->cut - at);
	size_t end = le ? (size_t)(le - buf) : h->cut;
	it->gap = buf + beg;
	it->gapn = start - beg;
	hs_consume(h, start);
	it->s = buf + start;
	it->n = end - start;
	it->nl = le != NULL;
	it->line = h->line;
	it->off = h->off;
	hs_consume(h, le ? end + 1 : end);
	return 1;
}

bool hist_needles(char *const *ids, size_t n, struct lit *lits, size_t *nl)
{
	bool all = false, slash = false;
	*nl = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(ids[i]);
		for (size_t j = 0; j < len; j++)
			all |= ids[i][j] == '"' || ids[i][j] == '\\' || (unsigned char)ids[i][j] < 0x20;
		slash |= strchr(ids[i], '/') != NULL;
		if (len)
			lit_init(&lits[(*nl)++], ids[i], len);
	}
	lit_init(&lits[(*nl)++], "\\u", 2);
	if (slash)
		lit_init(&lits[(*nl)++], "\\/", 2);
	return !all;
}

int hist_rewrite(const struct crm_dir *d, char *const *ids, size_t n, const char *to,
		 size_t *counts, struct crm_wfile *w, bool strict)
{
	memset(counts, 0, n * sizeof *counts);
	const char *name = crm_path(d, INTERACTIONS);
	int fd = hist_fd(d);
	if (fd < 0)
		return fd == -1 ? 1 : -1;
	struct hrw x = { .ids = ids, .n = n, .to = to, .counts = counts };
	if (to) {
		json_t *j = json_string(to);
		x.to_json = json_dumps(j, JSON_ENCODE_ANY);
		json_decref(j);
	}
	struct lit *lits = xcalloc(n + 2, sizeof *lits);
	size_t nl;
	struct hscan h;
	hscan_open(&h, fd, name);
	if (!strict && hist_needles(ids, n, lits, &nl))
		hscan_look(&h, lits, nl);
	struct proj p = { .skip = ~0u };
	bool opened = false;
	size_t changed = 0;
	int rc = 0, k;
	struct hscan_item it;
	while ((k = hscan_next(&h, &it)) > 0) {
		char err[200];
		if (strict && it.s && proj_line(&p, it.s, it.n, err, sizeof err) < 0) {
			crm_dataerr(name, it.line, "%s%s", it.nl ? "" : JSONL_TORN ": ", err);
			rc = -1;
			break;
		}
		bool theirs = it.s && is_theirs(&x, it.s, it.n);
		changed += theirs;
		if (!w)
			continue;
		if (theirs && !opened) {
			/* the first line that changes: a new file from here */
			if (crm_wopen(w, d, INTERACTIONS) < 0) {
				rc = -2;
				break;
			}
			opened = true;
			crm_wcopy(w, fd, name, 0, it.off);
		} else if (opened) {
			crm_wwrite(w, it.gap, it.gapn);
		}
		if (!opened || !it.s)
			continue;
		if (!theirs) {
			crm_wwrite(w, it.s, it.n + it.nl);
		} else if (to) {
			remapped(&x, it.s, it.n);
			if (it.nl)
				sb_addc(&x.line, '\n');
			crm_wwrite(w, x.line.s, x.line.len);
		}
		if (w->failed) {
			rc = -2;
			break;
		}
	}
	if (k < 0)
		rc = -1;
	if (rc < 0 && opened)
		crm_wabort(w);
	proj_free(&p);
	hscan_close(&h);
	close(fd);
	free(lits);
	free(x.to_json);
	sb_free(&x.tmp);
	sb_free(&x.line);
	if (rc < 0)
		return rc;
	return opened || (!w && changed) ? 0 : 1;
}

bool hist_recustomer(const char *s, size_t len, const char *from, const char *to, struct sb *out)
{
	char *ids[] = { (char *)from };
	size_t count = 0;
	struct hrw x = { .ids = ids, .n = 1, .to = to, .counts = &count };
	bool theirs = is_theirs(&x, s, len);
	if (theirs) {
		json_t *j = json_string(to);
		x.to_json = json_dumps(j, JSON_ENCODE_ANY);
		json_decref(j);
		remapped(&x, s, len);
		sb_add(out, x.line.s, x.line.len);
	}
	free(x.to_json);
	sb_free(&x.tmp);
	sb_free(&x.line);
	return theirs;
}

int hist_merged(const struct crm_dir *d, const char *keep, char *const *ids, size_t n, bool *found)
{
	memset(found, 0, n * sizeof *found);
	const char *name = crm_path(d, INTERACTIONS);
	int fd = hist_fd(d);
	if (fd < 0)
		return fd == -1 ? 0 : -1;
	struct lit *lits = xcalloc(n + 2, sizeof *lits);
	size_t nl;
	struct hscan h;
	hscan_open(&h, fd, name);
	if (hist_needles(ids, n, lits, &nl))
		hscan_look(&h, lits, nl);
	struct hscan_item it;
	int k;
	while ((k = hscan_next(&h, &it)) > 0) {
		json_t *o = it.s ? json_loadb(it.s, it.n, JSON_REJECT_DUPLICATES, NULL) : NULL;
		const char *type = json_string_value(json_object_get(o, "type"));
		const char *cust = json_string_value(json_object_get(o, "customer"));
		const char *ref = json_string_value(json_object_get(o, "ref"));
		if (type && cust && ref && !strcmp(type, "merge") && !strcmp(cust, keep))
			for (size_t i = 0; i < n; i++)
				found[i] |= !strcmp(ref, ids[i]);
		json_decref(o);
	}
	hscan_close(&h);
	close(fd);
	free(lits);
	return k < 0 ? -1 : 0;
}

void hist_put_merge(struct sb *out, const char *keep, const char *drop, const char *ts,
		    const char *by)
{
	char id[ID_LEN + 1];
	id_new(id);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "customer", json_string(keep));
	json_object_set_new(o, "type", json_string("merge"));
	json_object_set_new(o, "ref", json_string(drop));
	json_object_set_new(o, "by", json_string(by));
	jsonl_put(out, o);
	json_decref(o);
}
