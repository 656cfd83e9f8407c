/* cust.c - the customer table and customer streams (the rules of the
 * fields are in valid.c) */
#include "cust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cscan.h"
#include "id.h"
#include "lit.h"
#include "hmap.h"
#include "lock.h"
#include "utf8.h"

const char *const cust_shown_first[] = { "id", "name", "email", "phone", "company", "stage", NULL };
const char *const cust_columns[] = { "id", "name", "email", "phone", "company", "country", "city",
				     "tags", "owner", "stage", "consent", "created", "updated" };
const size_t cust_ncolumns = sizeof cust_columns / sizeof cust_columns[0];

/* Whether the header is bad (a column without a name, or a name twice):
 * reported as name:line. */
static bool header_bad(const struct hdr *h, const char *name, long line)
{
	/* a hash of the names seen: a header may have 100,000 columns */
	struct hmap seen = { 0 };
	bool bad = false;
	for (size_t i = 0; i < h->n && !bad; i++) {
		size_t len = strlen(h->name[i]);
		if (!len) {
			crm_dataerr(name, line, "column %zu of the header has no name", i + 1);
			bad = true;
		} else if (hmap_put(&seen, h->name[i], len) != i) {
			crm_dataerr(name, line, "column '%s' appears twice in the header", h->name[i]);
			bad = true;
		}
	}
	hmap_free(&seen);
	return bad;
}

static void check_header(const struct hdr *h, const char *name, long line)
{
	if (header_bad(h, name, line))
		exit(CRM_ERR);
}

/* The header h (on line) of customers.csv as t's: checked, its columns
 * indexed; a file without an id column stops the program. */
static void take_header(struct ctable *t, const struct rec *h, long line)
{
	hdr_from_rec(&t->hdr, h);
	check_header(&t->hdr, t->name, line);
	for (size_t i = 0; i < t->hdr.n; i++)
		hmap_put(&t->colidx, t->hdr.name[i], strlen(t->hdr.name[i]));
	if (hdr_find(&t->hdr, "id") < 0)
		crm_dataerr(t->name, line, "the header has no 'id' column"), exit(CRM_ERR);
	t->file_cols = t->hdr.n;
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
	take_header(t, &r, r.line);
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
	free(t->at);
	if (t->partial)
		close(t->fd);
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
	if (t->partial) {
		p = t->at;
		xgrow(&p, &t->atcap, t->n + 1, sizeof *t->at);
		t->at = p;
		t->at[t->n] = (struct cspan){ -1, -1 };
	}
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
	if (t->partial) {
		struct crm_wfile w;
		int k = ctable_write(t, d, &w);
		if (k < 0)
			return -1;
		if (k == 0)
			return crm_wcommit(&w);
		struct sb add = { 0 };
		for (size_t i = 0; i < t->n; i++)
			if (t->at[i].off < 0 && !t->rows[i].gone)
				csv_put_rec(&add, &t->rows[i], t->hdr.n);
		/* a row after a quote never closed would become part of its
		 * field: the file is read to its end once before (a file that
		 * cannot be is fatal, as it is to ctable_load) */
		if (add.len && !t->read_through && ctable_check(t) < 0)
			exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
		k = add.len ? crm_may_replace(d, CUSTOMERS) : 0;
		if (add.len && k == 0)
			k = crm_append(d, CUSTOMERS, add.s, add.len);
		sb_free(&add);
		return k;
	}
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

/* ---- a table opened, its rows left in the file ---- */

void ctable_open(struct ctable *t, const struct crm_dir *d)
{
	memset(t, 0, sizeof *t);
	t->partial = true;
	t->name = crm_path_dup(d, CUSTOMERS);
	t->fd = openat(d->fd, CUSTOMERS, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0)
		crm_die("%s", t->name);
	struct stat st;
	if (fstat(t->fd, &st) < 0)
		crm_die("%s", t->name);
	if (S_ISDIR(st.st_mode))
		crm_diex("%s: is a directory", t->name);
	t->size = st.st_size;
	struct cscan *c = cscan_open(t->fd, t->name, 0, 1);
	c->nul_record = true;
	struct cscan_rec r;
	int k = cscan_next(c, &r);
	if (k < 0)
		exit(CRM_ERR);
	if (k == 0)
		crm_diex("%s: empty file: the header is missing (it starts with 'id,name,email')", t->name);
	struct rec h = { 0 };
	if (cscan_parse(c, &r, &h) < 0)
		exit(CRM_ERR);
	take_header(t, &h, r.line);
	t->head = r.off;
	t->body = r.next;
	t->body_line = c->line;
	rec_free(&h);
	cscan_close(c);
}

int ctable_check(struct ctable *t)
{
	if (lseek(t->fd, (off_t)t->body, SEEK_SET) < 0) {
		crm_warn("%s", t->name);
		return -1;
	}
	struct cscan *c = cscan_open(t->fd, t->name, t->body, t->body_line);
	c->nul_record = true;
	int k = cscan_skip(c);
	cscan_close(c);
	t->read_through = k == 0;
	return k;
}

void cwant_init(struct cwant *w, const char *key, bool resolve)
{
	memset(w, 0, sizeof *w);
	w->key = key;
	w->resolve = resolve;
	w->except = -1;
	w->row = -1;
	struct sb b = { 0 };
	u8_fold(key, strlen(key), false, &b);
	w->fmail = xstrdup(sb_str(&b));
	sb_reset(&b);
	u8_fold(key, strlen(key), true, &b);
	w->fname = xstrdup(sb_str(&b));
	sb_free(&b);
}

void cwant_free(struct cwant *w)
{
	free(w->fmail);
	free(w->fname);
	sb_free(&w->cands);
	rec_free(&w->first);
	memset(w, 0, sizeof *w);
}

void cwant_report(const struct cwant *w)
{
	if (w->row >= 0)
		return;
	if (!w->nnames)
		crm_warnx("no customer matches '%s' (give an id, an email or part of a name)", w->key);
	else
		crm_warnx("'%s' matches %zu customers; say which by id or email:%s%s", w->key, w->nnames,
			  w->cands.len ? w->cands.s : "", w->nnames > 10 ? "\n  ..." : "");
}

/* A key that is neither an id nor an e-mail address is most likely part
 * of a name: every row is looked at at once. */
static bool name_like(const struct cwant *w)
{
	return w->resolve && *w->key && !strchr(w->key, '@') && !id_valid(w->key);
}

/* The row of the file at off, loaded into t once. Returns its index, or -1
 * after reporting more fields than the header has. */
static long load_row(struct ctable *t, const struct rec *r, struct cspan at)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->at[i].off == at.off)
			return (long)i;
	if (r->n > t->file_cols) {
		crm_dataerr(t->name, r->line, "%zu fields, but the header has %zu", r->n, t->file_cols);
		return -1;
	}
	struct rec *row = ctable_add_row(t);
	rec_copy(row, r);
	row->dirty = false;
	row->raw = NULL; /* its bytes are in the file, at at */
	row->rawlen = 0;
	t->at[t->n - 1] = at;
	return (long)(t->n - 1);
}

/* One pass over the rows: those that hold a key (names false), or all of
 * them, the names looked at too. */
static int lookup_pass(struct ctable *t, struct cwant *want, size_t n, bool names)
{
	if (lseek(t->fd, (off_t)t->body, SEEK_SET) < 0) {
		crm_warn("%s", t->name);
		return -1;
	}
	struct cscan *c = cscan_open(t->fd, t->name, t->body, t->body_line);
	c->nul_record = true;
	struct lit *lits = xcalloc(n ? n : 1, sizeof *lits);
	size_t nl = 0;
	bool all = names;
	for (size_t i = 0; i < n && !all; i++) {
		if (want[i].exact || !*want[i].key)
			continue;
		if (lit_choose(&lits[nl], want[i].key, strlen(want[i].key)))
			nl++;
		else
			all = true; /* nothing to look for: read every row */
	}
	if (!all)
		cscan_look(c, lits, nl);
	long ci = ctable_col(t, "id"), ce = ctable_col(t, "email"), cn = ctable_col(t, "name");
	struct rec r = { 0 };
	struct sb mail = { 0 }, name = { 0 };
	struct cscan_rec cr;
	int k, rc = 0;
	while ((k = cscan_next(c, &cr)) > 0) {
		bool parsed = false, folded = false, named = false;
		for (size_t i = 0; i < n; i++) {
			struct cwant *w = &want[i];
			if (w->exact || !*w->key || cr.off == w->except)
				continue;
			if (!parsed && cscan_parse(c, &cr, &r) < 0) {
				rc = -1;
				goto out;
			}
			parsed = true;
			bool hit = w->resolve && ci >= 0 && ascii_ieq(rec_get(&r, (size_t)ci), w->key);
			if (!hit && ce >= 0 && rec_len(&r, (size_t)ce)) {
				if (!folded) {
					sb_reset(&mail);
					u8_fold(rec_get(&r, (size_t)ce), rec_len(&r, (size_t)ce), false, &mail);
					folded = true;
				}
				hit = !strcmp(sb_str(&mail), w->fmail);
			}
			if (hit) {
				w->row = load_row(t, &r, (struct cspan){ cr.off, cr.next });
				if (w->row < 0) {
					rc = -1;
					goto out;
				}
				w->exact = true;
				continue;
			}
			if (!names || !w->resolve || cn < 0)
				continue;
			if (!named) {
				sb_reset(&name);
				u8_fold(rec_get(&r, (size_t)cn), rec_len(&r, (size_t)cn), true, &name);
				named = true;
			}
			if (!strstr(sb_str(&name), w->fname))
				continue;
			if (++w->nnames == 1) {
				rec_copy(&w->first, &r);
				w->first_at = (struct cspan){ cr.off, cr.next };
			}
			if (w->nnames <= 10) {
				const char *e = ce >= 0 ? rec_get(&r, (size_t)ce) : "";
				sb_printf(&w->cands, "\n  %s  %s%s%s", ci >= 0 ? rec_get(&r, (size_t)ci) : "",
					  rec_get(&r, (size_t)cn), *e ? "  " : "", e);
			}
		}
	}
	if (k < 0)
		rc = -1;
	t->read_through = rc == 0;
out:
	rec_free(&r);
	sb_free(&mail);
	sb_free(&name);
	free(lits);
	cscan_close(c);
	return rc;
}

int ctable_lookup(struct ctable *t, struct cwant *want, size_t n)
{
	bool names = false;
	for (size_t i = 0; i < n; i++)
		names |= name_like(&want[i]);
	if (lookup_pass(t, want, n, names) < 0)
		return -1;
	if (!names) {
		bool again = false;
		for (size_t i = 0; i < n; i++)
			again |= want[i].resolve && !want[i].exact && *want[i].key;
		if (again && lookup_pass(t, want, n, true) < 0)
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct cwant *w = &want[i];
		if (!w->exact && w->resolve && w->nnames == 1) {
			w->row = load_row(t, &w->first, w->first_at);
			if (w->row < 0)
				return -1;
		}
	}
	return 0;
}

long ctable_resolve(struct ctable *t, const char *key)
{
	struct cwant w;
	cwant_init(&w, key, true);
	long row = -1;
	if (ctable_lookup(t, &w, 1) == 0) {
		row = w.row;
		cwant_report(&w);
	}
	cwant_free(&w);
	return row;
}

static int by_offset(const void *a, const void *b, void *ctx)
{
	const struct ctable *t = ctx;
	long long x = t->at[*(const size_t *)a].off, y = t->at[*(const size_t *)b].off;
	return x < y ? -1 : x > y;
}

/* Copy the rows of the file to w as they are, but the rows changed (ch,
 * in order of their place), each with an empty field for every column the
 * header gained (the records read one by one). */
static int copy_widened(struct ctable *t, struct crm_wfile *w, const size_t *ch, size_t nch)
{
	if (lseek(t->fd, (off_t)t->body, SEEK_SET) < 0) {
		crm_warn("%s", t->name);
		return -1;
	}
	struct cscan *c = cscan_open(t->fd, t->name, t->body, t->body_line);
	c->nul_record = true;
	struct cscan_rec r;
	struct sb b = { 0 };
	long long cur = t->body;
	size_t j = 0;
	int k;
	while ((k = cscan_next(c, &r)) > 0) {
		if (crm_wcopy(w, t->fd, t->name, cur, r.off - cur) < 0)
			break; /* blank lines before it */
		cur = r.next;
		if (j < nch && t->at[ch[j]].off == r.off) {
			const struct rec *row = &t->rows[ch[j++]];
			if (!row->gone) {
				sb_reset(&b);
				csv_put_rec(&b, row, t->hdr.n);
				crm_wwrite(w, b.s, b.len);
			}
			continue;
		}
		crm_wwrite(w, r.s, r.n);
		if (cscan_fields(&r) == t->file_cols)
			for (size_t i = t->file_cols; i < t->hdr.n; i++)
				crm_wwrite(w, ",", 1);
		/* its line end as it was */
		if (crm_wcopy(w, t->fd, t->name, r.off + (long long)r.n, r.next - r.off - (long long)r.n) < 0)
			break;
	}
	sb_free(&b);
	cscan_close(c);
	if (k < 0 || w->failed)
		return -1;
	return crm_wcopy(w, t->fd, t->name, cur, t->size - cur);
}

int ctable_write(struct ctable *t, const struct crm_dir *d, struct crm_wfile *w)
{
	size_t *ch = xcalloc(t->n ? t->n : 1, sizeof *ch), nch = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->at[i].off >= 0 && (t->rows[i].dirty || t->rows[i].gone))
			ch[nch++] = i;
	if (!t->hdr_changed && !nch) {
		free(ch);
		return 1;
	}
	qsort_r(ch, nch, sizeof *ch, by_offset, t);
	if (crm_wopen(w, d, CUSTOMERS) < 0) {
		free(ch);
		return -1;
	}
	struct sb b = { 0 };
	int rc = 0;
	if (t->hdr_changed) {
		csv_put_hdr(&b, &t->hdr);
		crm_wwrite(w, b.s, b.len);
		rc = copy_widened(t, w, ch, nch);
	} else {
		long long cur = t->head;
		for (size_t j = 0; j < nch && rc == 0; j++) {
			const struct cspan *at = &t->at[ch[j]];
			rc = crm_wcopy(w, t->fd, t->name, cur, at->off - cur);
			if (!t->rows[ch[j]].gone) {
				sb_reset(&b);
				csv_put_rec(&b, &t->rows[ch[j]], t->hdr.n);
				crm_wwrite(w, b.s, b.len);
			}
			cur = at->next;
		}
		if (rc == 0)
			rc = crm_wcopy(w, t->fd, t->name, cur, t->size - cur);
	}
	for (size_t i = 0; i < t->n && rc == 0; i++) {
		if (t->at[i].off >= 0 || t->rows[i].gone)
			continue;
		if (w->last != '\n')
			crm_wwrite(w, "\n", 1);
		sb_reset(&b);
		csv_put_rec(&b, &t->rows[i], t->hdr.n);
		crm_wwrite(w, b.s, b.len);
	}
	sb_free(&b);
	free(ch);
	if (rc < 0 || w->failed) {
		crm_wabort(w);
		return -1;
	}
	return 0;
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
		} else if (json_is_number(v) || json_is_boolean(v)) {
			char *s = json_cell_text(v);
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

/* Take the first object of a JSONL stream from in->lines, to learn the
 * columns. Returns 0 or -1 (reported). */
static int start_jsonl(struct recin *in)
{
	in->jsonl = true;
	bool failed;
	in->first = jsonl_next(in->lines, in->strict, &in->first_line, &failed);
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

/* Read the header of a CSV stream from in->csv. Returns 0 or -1. */
static int start_csv(struct recin *in)
{
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
	memset(in, 0, sizeof *in);
	in->strict = strict;
	in->fd = fd;
	in->name = xstrdup(name);
	/* Peek at the first byte to tell CSV from JSONL. */
	in->csv = csvin_open(in->fd, in->name);
	const char *p, *e;
	for (;;) {
		p = in->csv->b.buf + in->csv->b.beg;
		e = in->csv->b.buf + in->csv->b.end;
		if (e - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
			p++;
		if (in->csv->b.eof || e - p >= 4)
			break;
		if (csvin_fill(in->csv) < 0)
			return -1;
	}
	if (p < e && *p == '{') {
		/* JSONL: hand the bytes read so far to a line reader. */
		struct linein *l = linein_open(in->fd, in->name);
		size_t n = in->csv->b.end - in->csv->b.beg;
		memcpy(l->b.buf, in->csv->b.buf + in->csv->b.beg, n);
		l->b.end = n;
		l->b.eof = in->csv->b.eof;
		csvin_close(in->csv);
		in->csv = NULL;
		in->lines = l;
		return start_jsonl(in);
	}
	return start_csv(in);
}

bool recin_range(const struct recin *in, struct recin *part, const struct csv_split *from, long long to,
		 bool quiet)
{
	struct stat st;
	if (!in->csv || in->fd < 0 || fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode) || from->at < 0 ||
	    from->at > (long long)st.st_size)
		return false;
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", in->fd);
	int fd = open(path, O_RDONLY | O_CLOEXEC); /* the same file, read apart */
	if (fd < 0)
		return false;
	memset(part, 0, sizeof *part);
	part->strict = in->strict;
	part->fd = fd;
	part->owns_fd = true;
	part->quiet = quiet;
	part->name = xstrdup(in->name);
	for (size_t i = 0; i < in->hdr.n; i++)
		hdr_push(&part->hdr, in->hdr.name[i]);
	part->hdr_line = in->hdr_line;
	part->csv = csvin_open(fd, in->name);
	part->csv->b.quiet = quiet;
	if (!recin_seek(part, from, to)) {
		recin_close(part);
		return false;
	}
	return true;
}

bool recin_seek(struct recin *part, const struct csv_split *from, long long to)
{
	return part->csv && part->fd >= 0 && from->at >= 0 && csvin_seek(part->csv, from->at, from->line, to);
}

bool recin_where(const struct recin *in, struct csv_split *at)
{
	off_t cur = in->csv && in->fd >= 0 ? lseek(in->fd, 0, SEEK_CUR) : -1;
	if (cur < 0)
		return false;
	at->at = (long long)cur - (long long)(in->csv->b.end - in->csv->b.beg);
	at->line = in->csv->line;
	return true;
}

bool recin_halves(struct recin *in, struct recin *second)
{
	struct stat st;
	if (!in->csv || in->fd < 0 || in->csv->b.left >= 0 || fstat(in->fd, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return false;
	off_t cur = lseek(in->fd, 0, SEEK_CUR);
	if (cur < 0)
		return false;
	const struct bufin *b = &in->csv->b;
	long long from = (long long)cur - (long long)(b->end - b->beg);
	long long mid = from + ((long long)st.st_size - from) / 2;
	if (mid <= (long long)cur)
		return false; /* the first half is read already */
	struct csv_split at;
	csv_records(in->fd, from, in->csv->line, mid, false, &at);
	if (at.at <= 0 || at.at >= (long long)st.st_size || !recin_range(in, second, &at, -1, true))
		return false;
	bufin_limit(&in->csv->b, at.at - (long long)cur);
	return true;
}

int recin_open_import(struct recin *in, const struct impin *src, bool strict)
{
	memset(in, 0, sizeof *in);
	in->strict = strict;
	in->fd = -1;
	in->name = xstrdup(src->name);
	const char *s = src->data.s ? src->data.s : "";
	size_t n = src->data.len;
	switch (src->kind) {
	case IMPIN_VCARD:
		in->vcard = true;
		for (size_t i = 0; i < VC_NFIELDS; i++)
			hdr_add(&in->hdr, vcard_columns[i]);
		vcardin_init(&in->vc, s, n);
		return 0;
	case IMPIN_JSONL:
		in->lines = linein_open_mem(s, n, in->name);
		return start_jsonl(in);
	case IMPIN_CSV:
		break;
	}
	in->csv = csvin_open_mem(s, n, in->name);
	csvin_set_delim(in->csv, src->delim);
	return start_csv(in);
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

/* Whether a record of nf fields has more than the header: reported. */
static bool too_many(const struct recin *in, size_t nf, long line)
{
	if (nf <= in->hdr.n)
		return false;
	if (!in->quiet)
		crm_dataerr(in->name, line, "%zu fields, but the header has %zu", nf, in->hdr.n);
	return true;
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
	if (too_many(in, r->n, r->line))
		return -1;
	while (r->n < in->hdr.n)
		rec_push(r, "", 0);
	return 1;
}

int recin_next_raw(struct recin *in, long idcol, struct rec *r, struct recraw *w)
{
	if (!in->hdr.n)
		return 0;
	int k = csvin_next_raw(in->csv, &w->s, &w->n, &w->line);
	if (k <= 0)
		return k;
	w->crlf = in->csv->crlf;
	w->parsed = !csv_split_plain(w->s, w->n, idcol, &w->nf, &w->id, &w->idn);
	if (w->parsed) {
		if (csvin_parse(in->csv, w->s, w->n, r) < 0) {
			if (!in->quiet)
				crm_dataerr(in->name, w->line, "%s", in->csv->err);
			return -1;
		}
		r->line = w->line;
		r->crlf = w->crlf;
		w->nf = r->n;
	}
	if (too_many(in, w->nf, w->line))
		return -1;
	if (w->parsed) {
		while (r->n < in->hdr.n)
			rec_push(r, "", 0);
		w->id = rec_get(r, (size_t)idcol);
		w->idn = rec_len(r, (size_t)idcol);
	}
	return 1;
}

void recin_close(struct recin *in)
{
	csvin_close(in->csv);
	linein_close(in->lines);
	json_decref(in->first);
	if (in->owns_fd)
		close(in->fd);
	hdr_free(&in->hdr);
	free(in->name);
	memset(in, 0, sizeof *in);
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
	if (!csv_split_plain(s, n, c->idcol, &nf, &id, &idn)) {
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

/* Index c->data; returns 0, or -1 after reporting the first error. */
static int cindex_parse(struct cindex *c)
{
	c->had_crlf = filebuf_lf(&c->data);
	c->idcol = -1;
	c->in = csvin_open_mem(c->data.s, c->data.len, c->name);
	struct rec r = { 0 };
	int k = csvin_next(c->in, &r);
	if (k > 0) {
		hdr_from_rec(&c->hdr, &r);
		c->idcol = hdr_find(&c->hdr, "id");
		if (header_bad(&c->hdr, c->name, r.line))
			k = -1;
		else if (c->idcol < 0)
			crm_dataerr(c->name, r.line, "the header has no 'id' column"), k = -1;
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
	return k < 0 ? -1 : 0;
}

void cindex_load(struct cindex *c, const char *path, const char *name)
{
	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || filebuf_load(&c->data, fd) < 0)
		crm_die("%s", path);
	close(fd);
	if (cindex_parse(c) < 0)
		exit(CRM_ERR);
}

int cindex_load_mem(struct cindex *c, const char *data, size_t n, const char *name)
{
	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	sb_add(&c->data.read, data, n);
	c->data.s = sb_str(&c->data.read);
	c->data.len = c->data.read.len;
	return cindex_parse(c);
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

int cnames_load(struct cnames *c, const struct crm_dir *d, const struct hmap *want)
{
	struct ctable t;
	ctable_open(&t, d);
	long ci = ctable_col(&t, "id"), cn = ctable_col(&t, "name");
	if (ci < 0 || cn < 0 || lseek(t.fd, (off_t)t.body, SEEK_SET) < 0) {
		ctable_free(&t);
		return 0;
	}
	struct cscan *sc = cscan_open(t.fd, t.name, t.body, t.body_line);
	struct cscan_rec r;
	struct rec row = { 0 };
	int k, rc = 0;
	while ((k = cscan_next(sc, &r)) > 0) {
		if (cscan_parse(sc, &r, &row) < 0) {
			rc = -1;
			break;
		}
		const char *id = rec_get(&row, (size_t)ci);
		size_t n = rec_len(&row, (size_t)ci);
		if (want && hmap_get(want, id, n) < 0)
			continue;
		size_t had = c->ids.n, i = hmap_put(&c->ids, id, n);
		if (i < had)
			continue; /* the first row of an id names it */
		void *p = c->name;
		xgrow0(&p, &c->cap, i + 1, sizeof *c->name);
		c->name = p;
		c->name[i] = xstrndup(rec_get(&row, (size_t)cn), rec_len(&row, (size_t)cn));
	}
	if (k < 0)
		rc = -1;
	rec_free(&row);
	cscan_close(sc);
	ctable_free(&t);
	return rc;
}

const char *cnames_get(const struct cnames *c, const char *id, size_t n)
{
	long i = hmap_get(&c->ids, id, n);
	return i < 0 ? NULL : c->name[i];
}

void cnames_free(struct cnames *c)
{
	for (size_t i = 0; i < c->ids.n; i++)
		free(c->name[i]);
	free(c->name);
	hmap_free(&c->ids);
	memset(c, 0, sizeof *c);
}
