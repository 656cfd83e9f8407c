/* cust.c - the customer table and customer streams (the rules of the
 * fields are in valid.c) */
#include "cust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "id.h"
#include "hmap.h"
#include "lock.h"
#include "utf8.h"

const char *const cust_columns[] = { "id", "name", "email", "phone", "company", "country", "city",
				     "tags", "owner", "stage", "consent", "created", "updated" };
const size_t cust_ncolumns = sizeof cust_columns / sizeof cust_columns[0];

static void check_header(const struct hdr *h, const char *name, long line)
{
	/* a hash of the names seen: a header may have 100,000 columns */
	struct hmap seen = { 0 };
	for (size_t i = 0; i < h->n; i++) {
		if (!h->name[i][0]) {
			crm_dataerr(name, line, "column %zu of the header has no name", i + 1);
			exit(CRM_ERR);
		}
		size_t len = strlen(h->name[i]);
		if (hmap_put(&seen, h->name[i], len) != i) {
			crm_dataerr(name, line, "column '%s' appears twice in the header", h->name[i]);
			exit(CRM_ERR);
		}
	}
	hmap_free(&seen);
}

void ctable_load(struct ctable *t, const struct crm_dir *d)
{
	memset(t, 0, sizeof *t);
	t->name = crm_path_dup(d, CUSTOMERS);
	int fd = openat(d->fd, CUSTOMERS, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		crm_die("%s", t->name);
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		crm_diex("%s: is a directory", t->name);
	int cut = read_text(fd, &t->data);
	if (cut < 0)
		crm_die("%s", t->name);
	close(fd);
	struct csvin *in = csvin_open_mem(t->data.s, t->data.len, t->name);
	struct rec r = { 0 };
	int k = csvin_next(in, &r);
	if (k < 0)
		exit(CRM_ERR);
	if (k == 0)
		crm_diex("%s: empty file: the header is missing (it starts with 'id,name,email')", t->name);
	hdr_from_rec(&t->hdr, &r);
	check_header(&t->hdr, t->name, r.line);
	for (size_t i = 0; i < t->hdr.n; i++)
		hmap_put(&t->colidx, t->hdr.name[i], strlen(t->hdr.name[i]));
	if (hdr_find(&t->hdr, "id") < 0)
		crm_dataerr(t->name, r.line, "the header has no 'id' column"), exit(CRM_ERR);
	t->file_cols = t->hdr.n;
	t->hdr_raw = r.raw;
	t->hdr_rawlen = r.rawlen;
	t->hdr_crlf = r.crlf;
	for (;;) {
		struct rec *row = ctable_add_row(t);
		k = csvin_next(in, row);
		if (k < 0)
			exit(CRM_ERR);
		if (k == 0) {
			rec_free(row);
			t->n--;
			break;
		}
		if (row->n > t->hdr.n) {
			crm_dataerr(t->name, row->line, "%zu fields, but the header has %zu", row->n, t->hdr.n);
			exit(CRM_ERR);
		}
		row->dirty = false;
	}
	rec_free(&r);
	csvin_close(in);
	if (cut) /* the parser saw the NUL byte; this is only in case */
		crm_diex("%s: NUL byte: not a text file", t->name);
}

void ctable_free(struct ctable *t)
{
	for (size_t i = 0; i < t->n; i++)
		rec_free(&t->rows[i]);
	free(t->rows);
	hdr_free(&t->hdr);
	hmap_free(&t->colidx);
	sb_free(&t->data);
	free(t->name);
	memset(t, 0, sizeof *t);
}

long ctable_col(const struct ctable *t, const char *name)
{
	return hmap_get(&t->colidx, name, strlen(name));
}

size_t ctable_col_add(struct ctable *t, const char *name)
{
	long i = ctable_col(t, name);
	if (i >= 0)
		return (size_t)i;
	t->hdr_changed = true;
	hmap_put(&t->colidx, name, strlen(name));
	return hdr_push(&t->hdr, name);
}

struct rec *ctable_add_row(struct ctable *t)
{
	void *p = t->rows;
	size_t cap = t->cap;
	xgrow(&p, &cap, t->n + 1, sizeof *t->rows);
	if (cap > t->cap)
		memset((struct rec *)p + t->cap, 0, (cap - t->cap) * sizeof *t->rows);
	t->rows = p;
	t->cap = cap;
	struct rec *r = &t->rows[t->n++];
	rec_clear(r);
	r->dirty = true;
	return r;
}

size_t ctable_new_customer(struct ctable *t, const char *now)
{
	struct rec *r = ctable_add_row(t);
	size_t row = t->n - 1;
	while (r->n < t->hdr.n)
		rec_push(r, "", 0);
	char id[ID_LEN + 1];
	id_new(id);
	const char *set[][2] = { { "id", id }, { "stage", "lead" }, { "created", now }, { "updated", now } };
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
		size_t c = ctable_col_add(t, set[i][0]);
		rec_set(&t->rows[row], c, set[i][1], strlen(set[i][1]));
	}
	return row;
}

void ctable_render(const struct ctable *t, struct sb *out)
{
	if (t->hdr_changed || !t->hdr_raw) {
		csv_put_hdr(out, &t->hdr);
	} else {
		sb_add(out, t->hdr_raw, t->hdr_rawlen);
		sb_adds(out, t->hdr_crlf ? "\r\n" : "\n");
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct rec *r = &t->rows[i];
		if (r->gone)
			continue;
		if (r->dirty || !r->raw) {
			csv_put_rec(out, r, t->hdr.n);
			continue;
		}
		sb_add(out, r->raw, r->rawlen);
		/* new columns: an empty field each, so every row has them all */
		for (size_t c = t->file_cols; c < t->hdr.n && r->n == t->file_cols; c++)
			sb_addc(out, ',');
		sb_adds(out, r->crlf ? "\r\n" : "\n");
	}
}

int ctable_save(struct ctable *t, const struct crm_dir *d)
{
	struct sb out = { 0 };
	ctable_render(t, &out);
	int k = crm_rewrite(d, CUSTOMERS, out.s, out.len);
	sb_free(&out);
	return k;
}

static bool ieq_utf8(const char *a, const char *b)
{
	struct sb x = { 0 }, y = { 0 };
	u8_fold(a, strlen(a), false, &x);
	u8_fold(b, strlen(b), false, &y);
	bool eq = !strcmp(sb_str(&x), sb_str(&y));
	sb_free(&x);
	sb_free(&y);
	return eq;
}

long ctable_find(const struct ctable *t, const char *key)
{
	long ci = ctable_col(t, "id"), ce = ctable_col(t, "email");
	for (size_t i = 0; i < t->n; i++) {
		const struct rec *r = &t->rows[i];
		if (r->gone)
			continue;
		if (ci >= 0 && ascii_ieq(rec_get(r, (size_t)ci), key) && *key)
			return (long)i;
		if (ce >= 0 && *key && ieq_utf8(rec_get(r, (size_t)ce), key))
			return (long)i;
	}
	return -1;
}

long ctable_resolve(const struct ctable *t, const char *key)
{
	long i = ctable_find(t, key);
	if (i >= 0)
		return i;
	long cn = ctable_col(t, "name"), ci = ctable_col(t, "id");
	struct sb k = { 0 }, f = { 0 };
	u8_fold(key, strlen(key), true, &k);
	long found = -1;
	size_t count = 0;
	struct sb list = { 0 };
	for (size_t r = 0; cn >= 0 && *key && r < t->n; r++) {
		if (t->rows[r].gone)
			continue;
		const char *name = rec_get(&t->rows[r], (size_t)cn);
		sb_reset(&f);
		u8_fold(name, strlen(name), true, &f);
		if (!strstr(sb_str(&f), sb_str(&k)))
			continue;
		count++;
		found = (long)r;
		if (count <= 10)
			sb_printf(&list, "\n  %s  %s", ci >= 0 ? rec_get(&t->rows[r], (size_t)ci) : "", name);
	}
	if (count == 1) {
		sb_free(&k);
		sb_free(&f);
		sb_free(&list);
		return found;
	}
	if (count == 0)
		crm_warnx("no customer matches '%s' (give an id, an email or part of a name)", key);
	else
		crm_warnx("'%s' matches %zu customers; say which by id or email:%s%s", key, count,
			  sb_str(&list), count > 10 ? "\n  ..." : "");
	sb_free(&k);
	sb_free(&f);
	sb_free(&list);
	return -1;
}

bool stdin_is_stream(void)
{
	struct stat st;
	if (fstat(STDIN_FILENO, &st) < 0)
		return false;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISREG(st.st_mode);
}

/* Map a JSON object onto the columns, adding new ones. */
static void json_to_rec(struct recin *in, json_t *o, struct rec *r)
{
	rec_clear(r);
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		size_t c = hdr_add(&in->hdr, key);
		if (json_is_string(v)) {
			rec_set(r, c, json_string_value(v), json_string_length(v));
		} else if (json_is_integer(v)) {
			char b[32];
			int n = snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
			rec_set(r, c, b, (size_t)n);
		} else if (json_is_real(v) || json_is_boolean(v)) {
			char *s = json_dumps(v, JSON_ENCODE_ANY);
			rec_set(r, c, s, strlen(s));
			free(s);
		} else if (json_is_array(v)) {
			/* a list (tags) is joined with ';' as in the CSV */
			struct sb b = { 0 };
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e)
			{
				if (i)
					sb_addc(&b, ';');
				if (json_is_string(e))
					sb_adds(&b, json_string_value(e));
			}
			rec_set(r, c, sb_str(&b), b.len);
			sb_free(&b);
		} else {
			rec_set(r, c, "", 0);
		}
	}
	while (r->n < in->hdr.n)
		rec_push(r, "", 0);
	r->dirty = false;
}

int recin_open(struct recin *in, const struct crm_dir *d, bool use_stdin, bool strict)
{
	if (use_stdin) {
		int k = recin_open_fd(in, STDIN_FILENO, "<stdin>", strict);
		/* a loop's input ("while read x; do crm-find ...") is no stream
		 * of customers: say so, and how to read the directory's */
		if (k == 0 && in->hdr.n && hdr_find(&in->hdr, "id") < 0) {
			crm_dataerr(in->name, in->hdr_line,
				    "standard input is read as customers, but it has no 'id' column; "
				    "to read the directory's customers.csv instead, give the command "
				    "</dev/null (in a 'while read' loop, standard input is the loop's)");
			recin_close(in);
			return -1;
		}
		return k;
	}
	const char *name = crm_path(d, CUSTOMERS);
	int fd = openat(d->fd, CUSTOMERS, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		crm_warn("%s", name);
		return -1;
	}
	int k = recin_open_fd(in, fd, name, strict);
	in->owns_fd = true;
	return k;
}

/* Read the rest of a vCard file into memory: the bytes the reader holds,
 * then the descriptor to its end. */
static int open_vcard(struct recin *in)
{
	in->vcard = true;
	sb_add(&in->vbuf, in->csv->b.buf + in->csv->b.beg, in->csv->b.end - in->csv->b.beg);
	bool eof = in->csv->b.eof;
	csvin_close(in->csv);
	in->csv = NULL;
	if (!eof && read_all(in->fd, &in->vbuf) < 0) {
		crm_warn("%s", in->name);
		return -1;
	}
	for (size_t i = 0; i < VC_NFIELDS; i++)
		hdr_add(&in->hdr, vcard_columns[i]);
	vcardin_init(&in->vc, in->vbuf.s, in->vbuf.len);
	return 0;
}

static int recin_start(struct recin *in, int fd, const char *name, bool strict, bool vcard_ok)
{
	memset(in, 0, sizeof *in);
	in->strict = strict;
	in->fd = fd;
	in->name = xstrdup(name);
	/* Peek at the first byte to tell CSV from JSONL (and at the first line
	 * for a vCard). */
	in->csv = csvin_open(in->fd, in->name);
	const char *p, *e;
	for (;;) {
		p = in->csv->b.buf + in->csv->b.beg;
		e = in->csv->b.buf + in->csv->b.end;
		if (e - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
			p++;
		if (in->csv->b.eof || (e - p >= 4 && (!vcard_ok || e - p >= 12)))
			break;
		if (csvin_fill(in->csv) < 0)
			return -1;
	}
	if (vcard_ok && vcard_sniff(p, (size_t)(e - p)))
		return open_vcard(in);
	if (p < e && *p == '{') {
		/* JSONL: hand the bytes read so far to a line reader. */
		in->jsonl = true;
		struct linein *l = linein_open(in->fd, in->name);
		size_t n = in->csv->b.end - in->csv->b.beg;
		memcpy(l->b.buf, in->csv->b.buf + in->csv->b.beg, n);
		l->b.end = n;
		l->b.eof = in->csv->b.eof;
		csvin_close(in->csv);
		in->csv = NULL;
		in->lines = l;
		bool failed;
		in->first = jsonl_next(l, strict, &in->first_line, &failed);
		if (failed)
			return -1;
		if (in->first) {
			in->hdr_line = in->first_line;
			struct rec r = { 0 };
			json_to_rec(in, in->first, &r);
			rec_free(&r);
		}
		return 0;
	}
	struct rec h = { 0 };
	int k = csvin_next(in->csv, &h);
	if (k < 0) {
		rec_free(&h);
		return -1;
	}
	if (k > 0) {
		hdr_from_rec(&in->hdr, &h);
		check_header(&in->hdr, in->name, h.line);
		in->hdr_line = h.line;
	}
	rec_free(&h);
	return 0;
}

int recin_open_fd(struct recin *in, int fd, const char *name, bool strict)
{
	return recin_start(in, fd, name, strict, false);
}

int recin_open_import(struct recin *in, int fd, const char *name, bool strict)
{
	return recin_start(in, fd, name, strict, true);
}

/* The next card that can be taken, as a row; the others are reported. */
static int next_card(struct recin *in, struct rec *r)
{
	struct vcard c;
	while (vcard_next(&in->vc, &c)) {
		if (c.err) {
			crm_dataerr(in->name, c.line, "%s", c.err);
			in->bad++;
			vcard_free(&c);
			continue;
		}
		if (c.warn)
			crm_dataerr(in->name, c.line, "%s", c.warn);
		rec_clear(r);
		for (size_t i = 0; i < VC_NFIELDS; i++)
			rec_push(r, c.v[i], strlen(c.v[i]));
		r->line = c.line;
		r->dirty = false;
		vcard_free(&c);
		return 1;
	}
	return 0;
}

int recin_next(struct recin *in, struct rec *r)
{
	if (in->vcard)
		return next_card(in, r);
	if (in->jsonl) {
		json_t *o = in->first;
		long line = in->first_line;
		in->first = NULL;
		if (!o) {
			bool failed;
			o = jsonl_next(in->lines, in->strict, &line, &failed);
			if (failed)
				return -1;
			if (!o)
				return 0;
		}
		json_to_rec(in, o, r);
		r->line = line;
		json_decref(o);
		return 1;
	}
	if (!in->hdr.n)
		return 0;
	int k = csvin_next(in->csv, r);
	if (k <= 0)
		return k;
	if (r->n > in->hdr.n) {
		crm_dataerr(in->name, r->line, "%zu fields, but the header has %zu", r->n, in->hdr.n);
		return -1;
	}
	while (r->n < in->hdr.n)
		rec_push(r, "", 0);
	return 1;
}

void recin_close(struct recin *in)
{
	csvin_close(in->csv);
	linein_close(in->lines);
	json_decref(in->first);
	sb_free(&in->vbuf);
	if (in->owns_fd)
		close(in->fd);
	hdr_free(&in->hdr);
	free(in->name);
	memset(in, 0, sizeof *in);
}

/* Split a row without quotes or CRs (most rows) at its commas, as libcsv
 * would: sets the number of fields and the id. False when the row needs
 * libcsv, or has a NUL or bad UTF-8 (which csvin_parse reports). */
static bool split_plain(const char *s, size_t n, long idcol, size_t *nf, const char **id, size_t *idn)
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

/* Read the next row of c into its index (r is a scratch record). Returns
 * 1, 0 at the end, -1 after reporting an error. */
static int cindex_next(struct cindex *c, struct rec *r)
{
	const char *s, *id;
	size_t n, nf, idn;
	long line;
	int k = csvin_next_raw(c->in, &s, &n, &line);
	if (k <= 0)
		return k;
	if (!split_plain(s, n, c->idcol, &nf, &id, &idn)) {
		if (csvin_parse(c->in, s, n, r) < 0) {
			crm_dataerr(c->name, line, "%s", c->in->err);
			return -1;
		}
		nf = r->n;
		id = rec_get(r, (size_t)c->idcol);
		idn = rec_len(r, (size_t)c->idcol);
	}
	if (nf > c->hdr.n) {
		crm_dataerr(c->name, line, "%zu fields, but the header has %zu", nf, c->hdr.n);
		return -1;
	}
	void *p = c->v;
	xgrow(&p, &c->cap, c->n + 1, sizeof *c->v);
	c->v = p;
	struct crow *w = &c->v[c->n];
	*w = (struct crow){ s, n, line, nf, -1, c->in->crlf };
	if (idn) {
		size_t had = c->ids.n;
		w->key = (long)hmap_put(&c->ids, id, idn);
		if (c->ids.n > had) {
			p = c->first;
			xgrow(&p, &c->fcap, c->ids.n, sizeof *c->first);
			c->first = p;
			c->first[w->key] = c->n;
		}
	}
	c->n++;
	return 1;
}

void cindex_load(struct cindex *c, const char *path, const char *name)
{
	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	c->idcol = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || filebuf_load(&c->data, fd) < 0)
		crm_die("%s", path);
	close(fd);
	c->in = csvin_open_mem(c->data.s, c->data.len, c->name);
	struct rec r = { 0 };
	int k = csvin_next(c->in, &r);
	if (k < 0)
		exit(CRM_ERR);
	if (k > 0) {
		hdr_from_rec(&c->hdr, &r);
		check_header(&c->hdr, c->name, r.line);
		c->idcol = hdr_find(&c->hdr, "id");
		if (c->idcol < 0)
			crm_dataerr(c->name, r.line, "the header has no 'id' column"), exit(CRM_ERR);
		c->hdr_raw = r.raw;
		c->hdr_rawlen = r.rawlen;
		c->hdr_crlf = r.crlf;
	}
	/* room for every line at once */
	size_t lines = 0;
	for (const char *p = c->data.s, *e = p + c->data.len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		lines++;
	void *v = c->v, *f = c->first;
	xgrow(&v, &c->cap, lines + 1, sizeof *c->v);
	xgrow(&f, &c->fcap, lines + 1, sizeof *c->first);
	c->v = v;
	c->first = f;
	hmap_reserve(&c->ids, lines + 1);
	while (k > 0 && (k = cindex_next(c, &r)) > 0)
		;
	rec_free(&r);
	if (k < 0)
		exit(CRM_ERR);
}

void cindex_free(struct cindex *c)
{
	csvin_close(c->in);
	hdr_free(&c->hdr);
	hmap_free(&c->ids);
	filebuf_free(&c->data);
	free(c->first);
	free(c->v);
	free(c->name);
	memset(c, 0, sizeof *c);
}

void cindex_row(struct cindex *c, size_t i, struct rec *r)
{
	const struct crow *w = &c->v[i];
	if (csvin_parse(c->in, w->raw, w->len, r) < 0)
		crm_diex("%s:%ld: %s", c->name, w->line, c->in->err); /* parsed once already */
	r->line = w->line;
	r->crlf = w->crlf;
}

long cindex_find(const struct cindex *c, const char *id, size_t n)
{
	long k = hmap_get(&c->ids, id, n);
	return k < 0 ? -1 : (long)c->first[k];
}
