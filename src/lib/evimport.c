/* evimport.c - rows of a file logged as interactions */
#include "evimport.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvrec.h"
#include "cust.h"
#include "domain.h"
#include "hist.h"
#include "hmap.h"
#include "id.h"
#include "jsonl.h"
#include "lock.h"
#include "money.h"
#include "phone.h"
#include "utf8.h"
#include "valid.h"

/* ---------------------------------------------------------------- dates */

/* n digits at s (exactly n when exact, else 1 to n) as a number; the
 * digits taken in *used. */
static bool num(const char *s, int n, bool exact, int *out, int *used)
{
	int v = 0, k = 0;
	while (k < n && isdigit((unsigned char)s[k]))
		v = v * 10 + (s[k++] - '0');
	if (!k || (exact && k != n))
		return false;
	*out = v;
	*used = k;
	return true;
}

/* A time of day, " hh:mm" or " hh:mm:ss" (the space or a T first), or
 * nothing, at s: written into hm as ":mm" form "hh:mm:ss"; false when s
 * holds anything else. */
static bool time_of_day(const char *s, char *hms, size_t size)
{
	hms[0] = '\0';
	if (!*s)
		return true;
	if (*s != ' ' && *s != 'T')
		return false;
	while (*s == ' ' || *s == 'T')
		s++;
	int h, m, sec = 0, k;
	if (!num(s, 2, false, &h, &k) || s[k] != ':')
		return false;
	s += k + 1;
	if (!num(s, 2, true, &m, &k))
		return false;
	s += k;
	if (*s == ':') {
		if (!num(s + 1, 2, true, &sec, &k))
			return false;
		s += k + 1;
	}
	while (*s == ' ')
		s++;
	if (*s || h > 23 || m > 59 || sec > 60)
		return false;
	snprintf(hms, size, "%02d:%02d:%02d", h, m, sec);
	return true;
}

/* The date y-mo-d with the time hms (may be "") read by date_parse. */
static const char *civil(int y, int mo, int d, const char *hms, crm_time *t)
{
	char b[96];
	snprintf(b, sizeof b, "%04d-%02d-%02d%s%s", y, mo, d, *hms ? " " : "", hms);
	return date_parse(b, t) ? NULL : "is not a real day or time";
}

/* NULL when fmt is a --date-format this reads, else why not. */
static const char *fmt_check(const char *fmt)
{
	bool d = false, m = false, y = false;
	for (const char *f = fmt; *f; f++) {
		if (*f != '%')
			continue;
		f++;
		if (!*f || !strchr("dmYyHMS%", *f))
			return "--date-format: use %d %m %Y %y %H %M %S %%";
		d |= *f == 'd';
		m |= *f == 'm';
		y |= *f == 'Y' || *f == 'y';
	}
	return d && m && y ? NULL : "--date-format: needs %d, %m and %Y or %y";
}

/* s read by fmt (see evimport_date). */
static const char *by_format(const char *s, const char *fmt, crm_time *t)
{
	int y = -1, mo = -1, d = -1, h = -1, mi = 0, sec = 0, k, v;
	const char *p = s;
	for (const char *f = fmt; *f; f++) {
		if (*f == ' ') {
			if (*p != ' ' && *p != '\t')
				return "does not have the form of --date-format";
			while (*p == ' ' || *p == '\t')
				p++;
			continue;
		}
		if (*f != '%' || f[1] == '%') {
			if (*f == '%')
				f++;
			if (*p++ != *f)
				return "does not have the form of --date-format";
			continue;
		}
		f++;
		int width = *f == 'Y' ? 4 : 2;
		if (!num(p, width, *f == 'Y' || *f == 'y', &v, &k))
			return "does not have the form of --date-format";
		p += k;
		switch (*f) {
		case 'd': d = v; break;
		case 'm': mo = v; break;
		case 'Y': y = v; break;
		case 'y': y = 2000 + v; break;
		case 'H': h = v; break;
		case 'M': mi = v; break;
		case 'S': sec = v; break;
		}
	}
	char hms[40] = "";
	if (h >= 0) {
		if (*p || h > 23 || mi > 59 || sec > 60)
			return "does not have the form of --date-format";
		snprintf(hms, sizeof hms, "%02d:%02d:%02d", h, mi, sec);
	} else if (!time_of_day(p, hms, sizeof hms)) {
		return "does not have the form of --date-format";
	}
	return civil(y, mo, d, hms, t);
}

const char *evimport_date(const char *s, const char *fmt, crm_time *t)
{
	while (*s == ' ' || *s == '\t')
		s++;
	/* the ISO forms are never ambiguous: taken whatever fmt says */
	if (date_parse(s, t))
		return NULL;
	if (fmt)
		return by_format(s, fmt, t);
	int a, b, c, k;
	char hms[40];
	const char *p = s;
	/* 2026/11/05 */
	if (num(p, 4, true, &a, &k) && p[4] == '/' && num(p + 5, 2, false, &b, &k) &&
	    p[5 + k] == '/') {
		p += 6 + k;
		if (!num(p, 2, false, &c, &k) || !time_of_day(p + k, hms, sizeof hms))
			return "is not a date (2026-11-05, 05.11.2026, 2026-11-05 14:30)";
		return civil(a, b, c, hms, t);
	}
	/* day first: 05.11.2026, 5. 11. 2026 */
	if (num(p, 2, false, &a, &k) && p[k] == '.') {
		p += k + 1;
		while (*p == ' ')
			p++;
		if (num(p, 2, false, &b, &k) && p[k] == '.') {
			p += k + 1;
			while (*p == ' ')
				p++;
			if (num(p, 4, true, &c, &k) && time_of_day(p + 4, hms, sizeof hms))
				return civil(c, b, a, hms, t);
		}
		return "is not a date (2026-11-05, 05.11.2026, 2026-11-05 14:30)";
	}
	/* 11/05/2026: the 11th of May, or November the 5th */
	if (num(p, 2, false, &a, &k) && p[k] == '/')
		return "could be day or month first: say which with --date-format (%d/%m/%Y or "
		       "%m/%d/%Y)";
	return "is not a date (2026-11-05, 05.11.2026, 2026-11-05 14:30)";
}

/* ---------------------------------------------------------------- options */

void evimport_set(struct evimport_opts *o, const char *arg)
{
	void *p = o->set;
	xgrow(&p, &o->setcap, o->nset + 1, sizeof *o->set);
	o->set = p;
	o->set[o->nset++] = arg;
}

/* The options of a rules file, held while the import runs. */
struct rules {
	char *path;        /* as shown in messages */
	struct sb text;    /* the file, each option's value NUL-terminated in it */
	struct colmap map;
	const char **set;
	size_t nset, setcap;
	const char *key, *date_format, *encoding;
	char delim;
};

/* Open the rules file: as named, else NAME or NAME.rules in the
 * directory's imports/. Returns the descriptor, the path in *path. */
static int open_rules(const struct crm_dir *d, const char *name, char **path)
{
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	*path = xstrdup(name);
	if (fd >= 0 || strchr(name, '/'))
		return fd;
	static const char *const forms[] = { "imports/%s", "imports/%s.rules" };
	for (size_t i = 0; i < 2; i++) {
		char rel[1024];
		snprintf(rel, sizeof rel, forms[i], name);
		int k = openat(d->fd, rel, O_RDONLY | O_CLOEXEC);
		if (k >= 0) {
			free(*path);
			*path = crm_path_dup(d, rel);
			return k;
		}
	}
	return -1;
}

/* Read the rules file name into r: one option a line, as on the command
 * line without its dashes (they may be written), its value after a space
 * or '='; blank lines and lines starting with # are skipped. Returns 0, or
 * -1 after reporting the line. */
static int read_rules(struct rules *r, const struct crm_dir *d, const char *name)
{
	int fd = open_rules(d, name, &r->path);
	if (fd < 0 || read_all(fd, &r->text) < 0) {
		crm_warn("%s", r->path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	char *s = r->text.s ? r->text.s : "";
	if (memchr(s, '\0', r->text.len) || !u8_valid(s, r->text.len, NULL)) {
		crm_warnx("%s: not UTF-8 text", r->path);
		return -1;
	}
	long line = 0;
	for (char *next; s && *s; s = next) {
		line++;
		char *nl = strchr(s, '\n');
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		char *l = str_trim(s);
		if (!*l || *l == '#')
			continue;
		if (l[0] == '-' && l[1] == '-')
			l += 2;
		size_t n = strcspn(l, " \t=");
		char *v = l + n;
		if (*v == '=')
			v++;
		else
			while (*v == ' ' || *v == '\t')
				v++;
		l[n] = '\0';
		if (!*v) {
			crm_dataerr(r->path, line, "%s: no value", l);
			return -1;
		}
		if (!strcmp(l, "map")) {
			if (!colmap_add(&r->map, v)) {
				crm_dataerr(r->path, line, "map takes SRC=DST");
				return -1;
			}
		} else if (!strcmp(l, "set")) {
			void *p = r->set;
			xgrow(&p, &r->setcap, r->nset + 1, sizeof *r->set);
			r->set = p;
			r->set[r->nset++] = v;
		} else if (!strcmp(l, "key")) {
			r->key = v;
		} else if (!strcmp(l, "date-format")) {
			r->date_format = v;
		} else if (!strcmp(l, "encoding")) {
			r->encoding = v;
		} else if (!strcmp(l, "delimiter")) {
			if (!(r->delim = impin_delim_arg(v))) {
				crm_dataerr(r->path, line, "delimiter takes one character, or tab");
				return -1;
			}
		} else {
			crm_dataerr(r->path, line, "unknown option '%s' (map, set, key, date-format, "
						   "encoding, delimiter)", l);
			return -1;
		}
	}
	return 0;
}

static void rules_free(struct rules *r)
{
	free(r->path);
	sb_free(&r->text);
	colmap_free(&r->map);
	free(r->set);
}

/* ---------------------------------------------------------------- fields */

/* The fields of an interaction a column may give, in the order they are
 * written; those crm-log fills in (id) are not among them. */
static const char *const ev_fields[] = { "ts",	     "customer", "type",	"channel",  "direction",
					 "by",	     "subject",	 "text",	"amount",   "currency",
					 "rating",   "score",	 "due",		"stage",    "probability",
					 "close",    "ref",	 "status",	"priority", "campaign",
					 "message_id", "number", "duration",	NULL };
/* The fields that find the customer. */
static const char *const who_fields[] = { "customer", "email", "phone", "name", NULL };

/* One cell of a row: the field it is read as, and its value. */
struct cell {
	const char *field; /* a mapping's DST, or the column's name (the caller's) */
	char *val;
};

/* A row of the input, or the reason it could not be read. */
struct row {
	long line;
	char *err;
	struct cell *v;
	size_t n, cap;
};

struct imp {
	struct crm_dir *d;
	struct evimport_opts *o;
	struct rules rules;
	struct colmap map;     /* the rules' maps, then the options' */
	const char **set;      /* the same for --set */
	size_t nset, setcap;
	const char *key, *date_format;
	struct impin in;
	struct row *rows;
	size_t nrows, rcap;
	struct hdr cols;       /* the input's column names (JSON keys in order seen) */
	struct hmap colidx;    /* of JSON keys: name -> index into cols */
	struct hdr fields;     /* the fields the input gives, as mapped */
	char **keyf;           /* the fields of the key */
	size_t nkeyf;
	/* the customers */
	struct ctable t;
	size_t ci;
	struct hmap ids, emails, names;
	long *id_row, *email_row, *name_row;
	size_t idcap, emcap, namecap;
	struct phone_book book;
	struct hmap seen;      /* the keys of the history and of the rows taken */
	struct sb out, ids_out;
	long read, added, dups, unmatched, malformed;
};

static bool is_one_of(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* The field a column is read as, or NULL when it is left out: a field of
 * an interaction or of the customer, or any name a --map gives it. */
static const char *field_of(const struct imp *x, const char *col)
{
	const char *f = colmap_name(&x->map, col);
	if (!*f)
		return NULL;
	if (is_one_of(ev_fields, f) || is_one_of(who_fields, f) || f != col)
		return f;
	return NULL;
}

static void row_add(struct row *r, const char *field, const char *v, size_t n)
{
	void *p = r->v;
	xgrow(&p, &r->cap, r->n + 1, sizeof *r->v);
	r->v = p;
	char *s = xstrndup(v, n);
	char *t = str_trim(s);
	memmove(s, t, strlen(t) + 1);
	r->v[r->n++] = (struct cell){ field, s };
}

static struct row *new_row(struct imp *x, long line)
{
	void *p = x->rows;
	xgrow0(&p, &x->rcap, x->nrows + 1, sizeof *x->rows);
	x->rows = p;
	struct row *r = &x->rows[x->nrows++];
	r->line = line;
	return r;
}

/* Read a CSV input: its header, then its records. Returns 0, or -1 when
 * the header cannot be read (reported). */
static int read_csv(struct imp *x)
{
	struct csvin *in = csvin_open_mem(x->in.data.s ? x->in.data.s : "", x->in.data.len, x->in.name);
	csvin_set_delim(in, x->in.delim);
	struct rec r = { 0 };
	const char *s;
	size_t n;
	long line;
	int k = csvin_next_raw(in, &s, &n, &line), rc = 0;
	if (k > 0 && csvin_parse(in, s, n, &r) < 0) {
		crm_dataerr(x->in.name, line, "%s", in->err);
		rc = -1;
	} else if (k > 0) {
		for (size_t c = 0; c < r.n; c++)
			hdr_push(&x->cols, r.v[c]);
	}
	while (rc == 0 && k > 0 && (k = csvin_next_raw(in, &s, &n, &line)) > 0) {
		struct row *w = new_row(x, line);
		if (csvin_parse(in, s, n, &r) < 0) {
			w->err = xstrdup(in->err);
		} else if (r.n > x->cols.n) {
			struct sb m = { 0 };
			sb_printf(&m, "%zu fields, but the header has %zu", r.n, x->cols.n);
			w->err = xstrdup(m.s);
			sb_free(&m);
		} else {
			for (size_t c = 0; c < r.n; c++) {
				const char *f = field_of(x, x->cols.name[c]);
				if (f)
					row_add(w, f, r.v[c], r.len[c]);
			}
		}
	}
	rec_free(&r);
	csvin_close(in);
	return k < 0 ? -1 : rc;
}

/* Read a JSON Lines input, one object a line. */
static void read_jsonl(struct imp *x)
{
	struct linein *in = linein_open_mem(x->in.data.s ? x->in.data.s : "", x->in.data.len, x->in.name);
	const char *s;
	size_t n;
	bool torn;
	while (linein_next(in, &s, &n, &torn) > 0) {
		char err[200];
		json_t *o = jsonl_parse(s, n, err, sizeof err);
		if (!o && !err[0])
			continue; /* blank */
		struct row *w = new_row(x, in->line);
		if (!o) {
			w->err = xstrdup(err);
			continue;
		}
		const char *k;
		json_t *v;
		json_object_foreach(o, k, v)
		{
			/* the name as held in cols: it outlives the object (a line
			 * may have many keys: found by hash) */
			size_t had = x->colidx.n, i = hmap_put(&x->colidx, k, strlen(k));
			if (i == had)
				hdr_push(&x->cols, k);
			const char *col = x->cols.name[i];
			const char *f = field_of(x, col);
			if (!f)
				continue;
			char *t = json_cell_text(v);
			row_add(w, f, t, strlen(t));
			free(t);
		}
		json_decref(o);
	}
	linein_close(in);
}

/* The fields the input gives (as mapped), and the checks of the options
 * against them: the sources of --map, the fields of --key, no id. Returns
 * 0, or -1 after reporting. */
static int check_fields(struct imp *x)
{
	struct sb why = { 0 };
	long hline = x->in.kind == IMPIN_CSV ? 1 : 0;
	if (x->cols.n && !colmap_check(&x->map, x->cols.name, x->cols.n, &why)) {
		crm_dataerr(x->in.name, hline, "%s", why.s);
		sb_free(&why);
		return -1;
	}
	for (size_t c = 0; c < x->cols.n; c++) {
		const char *f = field_of(x, x->cols.name[c]);
		if (f)
			hdr_add(&x->fields, is_one_of(who_fields, f) ? "customer" : f);
	}
	for (size_t i = 0; i < x->nset; i++) {
		const char *eq = strchr(x->set[i], '=');
		char *f = xstrndup(x->set[i], (size_t)(eq - x->set[i]));
		if (is_one_of(who_fields, f) && hdr_find(&x->fields, "customer") < 0)
			hdr_add(&x->fields, "customer");
		free(f);
	}
	for (size_t i = 0; i < x->fields.n; i++)
		if (!strcmp(x->fields.name[i], "id")) {
			crm_warnx("%s: a column is read as 'id', which crm-log makes (read it as ref)",
				  x->in.name);
			return -1;
		}
	if (!x->key) {
		x->keyf = xcalloc(x->fields.n + 1, sizeof *x->keyf);
		for (size_t i = 0; i < x->fields.n; i++)
			x->keyf[x->nkeyf++] = xstrdup(x->fields.name[i]);
		return 0;
	}
	x->keyf = split(x->key, ',', &x->nkeyf);
	for (size_t i = 0; i < x->nkeyf; i++) {
		char *k = str_trim(x->keyf[i]);
		memmove(x->keyf[i], k, strlen(k) + 1);
		bool set = false;
		for (size_t j = 0; j < x->nset && !set; j++)
			set = !strncmp(x->set[j], k, strlen(k)) && x->set[j][strlen(k)] == '=';
		if (!*k || (hdr_find(&x->fields, k) < 0 && !set)) {
			crm_warnx("--key %s: no column is read as '%s' (name one with --map SRC=%s)", x->key,
				  k, *k ? k : "FIELD");
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- customers */

/* s lower-cased (Unicode), its runs of white space made one space, none
 * at the ends: how ids, e-mails and names are compared. */
static void fold(const char *s, struct sb *out)
{
	struct sb f = { 0 };
	u8_fold(s, strlen(s), false, &f);
	sb_reset(out);
	bool space = false;
	for (const char *p = sb_str(&f); *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			space = out->len > 0;
			continue;
		}
		if (space)
			sb_addc(out, ' ');
		space = false;
		sb_addc(out, *p);
	}
	sb_str(out);
	sb_free(&f);
}

static void index_customers(struct imp *x)
{
	long ce = ctable_col(&x->t, "email"), cn = ctable_col(&x->t, "name"),
	     cp = ctable_col(&x->t, "phone");
	struct sb k = { 0 };
	for (size_t r = 0; r < x->t.n; r++) {
		const struct rec *w = &x->t.rows[r];
		const char *cols[3] = { rec_get(w, x->ci), ce >= 0 ? rec_get(w, (size_t)ce) : "",
					cn >= 0 ? rec_get(w, (size_t)cn) : "" };
		struct hmap *maps[3] = { &x->ids, &x->emails, &x->names };
		long **rows[3] = { &x->id_row, &x->email_row, &x->name_row };
		size_t *caps[3] = { &x->idcap, &x->emcap, &x->namecap };
		for (int i = 0; i < 3; i++) {
			if (!*cols[i])
				continue;
			fold(cols[i], &k);
			if (k.len)
				hmap_put_row(maps[i], rows[i], caps[i], k.s, k.len, (long)r);
		}
		if (cp >= 0)
			phone_book_add(&x->book, rec_get(w, (size_t)cp), (long)r);
	}
	sb_free(&k);
}

/* The customer whose field (customer, email, phone or name) is v: the
 * row, -1 when none, -2 when several; *what names it for messages. */
static long who(struct imp *x, const char *field, const char *v, const char **what)
{
	struct sb k = { 0 };
	fold(v, &k);
	long r = -1;
	bool any = !strcmp(field, "customer");
	if (any || !strcmp(field, "email")) {
		*what = any ? "id or e-mail" : "e-mail";
		if (any)
			r = hmap_get_row(&x->ids, x->id_row, k.s, k.len);
		if (r == -1)
			r = hmap_get_row(&x->emails, x->email_row, k.s, k.len);
	}
	if (r == -1 && (any || !strcmp(field, "phone"))) {
		struct sb num = { 0 };
		if (phone_norm(v, &num)) {
			*what = "phone number";
			r = phone_book_find(&x->book, num.s);
		}
		sb_free(&num);
	}
	if (r == -1 && (any || !strcmp(field, "name"))) {
		*what = any ? "id, e-mail, phone number or name" : "name";
		r = hmap_get_row(&x->names, x->name_row, k.s, k.len);
	}
	sb_free(&k);
	return r;
}

/* ---------------------------------------------------------------- keys */

/* The key of an interaction: the values of the key fields, a time in its
 * stored form, each followed by a unit separator. */
static void key_of(const struct imp *x, const json_t *e, struct sb *k)
{
	sb_reset(k);
	for (size_t i = 0; i < x->nkeyf; i++) {
		json_t *v = json_object_get(e, x->keyf[i]);
		crm_time t;
		char b[DATE_BUFSZ];
		if (json_is_string(v) && (!strcmp(x->keyf[i], "ts") || !strcmp(x->keyf[i], "due") ||
					  !strcmp(x->keyf[i], "close")) &&
		    date_parse(json_string_value(v), &t)) {
			date_fmt(t, b);
			sb_adds(k, b);
		} else if (json_is_string(v)) {
			sb_add(k, json_string_value(v), json_string_length(v));
		} else if (v) {
			char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
			sb_adds(k, s ? s : "");
			free(s);
		}
		sb_addc(k, '\x1f');
	}
}

static void known_keys(struct imp *x, const struct hist *h)
{
	struct sb k = { 0 };
	for (size_t i = 0; i < h->n; i++) {
		if (!h->v[i].obj)
			continue;
		key_of(x, h->v[i].obj, &k);
		hmap_put(&x->seen, k.s, k.len);
	}
	sb_free(&k);
}

/* ---------------------------------------------------------------- rows */

/* The value of field f in row r, after --set: NULL when empty or absent.
 * *from_file tells whether the row gave it. */
static const char *value(const struct imp *x, const struct row *r, const char *f)
{
	const char *v = NULL;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].field, f) && *r->v[i].val)
			v = r->v[i].val;
	size_t n = strlen(f);
	for (size_t i = 0; i < x->nset; i++)
		if (!strncmp(x->set[i], f, n) && x->set[i][n] == '=')
			v = x->set[i] + n + 1;
	return v && *v ? v : NULL;
}

static void problem(void *ctx, const char *field, const char *msg)
{
	struct sb *b = ctx;
	(void)field;
	if (b->len)
		sb_adds(b, "; ");
	sb_adds(b, msg);
}

/* Build the interaction of row r for the customer cid into e. Returns
 * NULL, or why the row cannot be taken (written into why). */
static const char *build(struct imp *x, const struct row *r, const char *cid, json_t *e, struct sb *why)
{
	char id[ID_LEN + 1], b[DATE_BUFSZ];
	id_new(id);
	json_object_set_new(e, "id", json_string(id));
	const char *v = value(x, r, "ts");
	crm_time t = crm_now();
	const char *bad;
	bool has_ts = hdr_find(&x->fields, "ts") >= 0 || v;
	if (has_ts && !v)
		return "no ts";
	if (v && (bad = evimport_date(v, x->date_format, &t))) {
		sb_printf(why, "ts: '%s' %s", v, bad);
		return why->s;
	}
	date_fmt(t, b);
	json_object_set_new(e, "ts", json_string(b));
	json_object_set_new(e, "customer", json_string(cid));
	const char *type = value(x, r, "type");
	if (!type)
		return "no type (give one with --set type=TYPE, or map a column to it)";
	struct sb lt = { 0 };
	for (const char *p = type; *p; p++)
		sb_addc(&lt, (char)tolower((unsigned char)*p));
	json_object_set_new(e, "type", json_string(lt.s));
	bool done = !strcmp(lt.s, "done");
	if (!dom_in(dom_log_types, lt.s)) {
		sb_printf(why, "unknown type \"%s\"%s", lt.s, dom_hint(lt.s, dom_log_types));
		sb_free(&lt);
		return why->s;
	}
	const char *chan = value(x, r, "channel");
	struct sb lc = { 0 };
	for (const char *p = chan ? chan : dom_default_channel(lt.s); *p; p++)
		sb_addc(&lc, (char)tolower((unsigned char)*p));
	json_object_set_new(e, "channel", json_string(lc.s));
	sb_free(&lt);
	sb_free(&lc);
	if (done)
		return "type done: tasks are closed with crm-log --done";
	if ((v = value(x, r, "direction"))) {
		const char *d = dom_direction(v);
		if (!d) {
			sb_printf(why, "direction: '%s' is neither in nor out", v);
			return why->s;
		}
		json_object_set_new(e, "direction", json_string(d));
	}
	v = value(x, r, "by");
	json_object_set_new(e, "by", json_string(v ? v : crm_user()));
	static const char *const text[] = { "subject", "text" };
	for (size_t i = 0; i < 2; i++)
		if ((v = value(x, r, text[i])))
			json_object_set_new(e, text[i], json_string(v));
	if ((v = value(x, r, "amount"))) {
		const char *c = value(x, r, "currency");
		char cur[4];
		if (!c)
			c = conf_get(x->d, "currency", DOM_CURRENCY);
		if (!currency_valid(c, cur)) {
			sb_printf(why, "currency: '%s' is not a currency code (ISO 4217: PLN, CZK, EUR)", c);
			return why->s;
		}
		long long minor;
		if ((bad = money_parse(v, cur, &minor))) {
			sb_printf(why, "amount: '%s' %s", v, bad);
			return why->s;
		}
		json_object_set_new(e, "amount", json_integer(minor));
		json_object_set_new(e, "currency", json_string(cur));
	} else if (value(x, r, "currency")) {
		json_object_set_new(e, "currency", json_string(value(x, r, "currency")));
	}
	static const char *const ints[] = { "rating", "score", "probability" };
	for (size_t i = 0; i < 3; i++) {
		long long n;
		if (!(v = value(x, r, ints[i])))
			continue;
		if (!parse_long(v, &n)) {
			sb_printf(why, "%s: '%s' is not a whole number", ints[i], v);
			return why->s;
		}
		json_object_set_new(e, ints[i], json_integer(n));
	}
	static const char *const times[] = { "due", "close" };
	for (size_t i = 0; i < 2; i++) {
		if (!(v = value(x, r, times[i])))
			continue;
		if ((bad = evimport_date(v, x->date_format, &t))) {
			sb_printf(why, "%s: '%s' %s", times[i], v, bad);
			return why->s;
		}
		date_fmt(t, b);
		json_object_set_new(e, times[i], json_string(b));
	}
	/* the other fields, in the order of ev_fields, then those a --map
	 * names, in the order of the input */
	for (const char *const *f = ev_fields; *f; f++) {
		if (json_object_get(e, *f) || !(v = value(x, r, *f)) || is_one_of(who_fields, *f))
			continue;
		long long n;
		struct sb num = { 0 };
		if (!strcmp(*f, "duration") && parse_long(v, &n) && n >= 0)
			json_object_set_new(e, *f, json_integer(n));
		else if (!strcmp(*f, "number") && phone_norm(v, &num))
			json_object_set_new(e, *f, json_string(num.s));
		else
			json_object_set_new(e, *f, json_string(v));
		sb_free(&num);
	}
	for (size_t i = 0; i < x->fields.n; i++) {
		const char *f = x->fields.name[i];
		if (!json_object_get(e, f) && !is_one_of(ev_fields, f) && (v = value(x, r, f)))
			json_object_set_new(e, f, json_string(v));
	}
	for (size_t i = 0; i < x->nset; i++) {
		const char *eq = strchr(x->set[i], '=');
		char *f = xstrndup(x->set[i], (size_t)(eq - x->set[i]));
		if (!json_object_get(e, f) && !is_one_of(who_fields, f) && *(eq + 1))
			json_object_set_new(e, f, json_string(eq + 1));
		free(f);
	}
	if ((bad = dom_fields_fit(e)))
		return bad;
	if (valid_event(e, problem, why))
		return why->s;
	return NULL;
}

/* Import row r. */
static void take(struct imp *x, const struct row *r)
{
	x->read++;
	struct sb why = { 0 }, k = { 0 };
	json_t *e = NULL;
	if (r->err) {
		crm_dataerr(x->in.name, r->line, "%s", r->err);
		x->malformed++;
		goto out;
	}
	/* the customer: by the first of its fields that names one */
	long row = -1;
	bool named = false;
	struct sb seen = { 0 };
	for (const char *const *f = who_fields; *f && row < 0; f++) {
		const char *v = value(x, r, *f), *what = "";
		if (!v)
			continue;
		named = true;
		long w = who(x, *f, v, &what);
		if (w >= 0) {
			row = w;
			break;
		}
		sb_printf(&seen, "%s%s %s '%s'", seen.len ? "; " : "",
			  w == -2 ? "more than one customer has the" : "no customer has the", what, v);
	}
	if (!named) {
		crm_dataerr(x->in.name, r->line, "no customer (map a column to customer, email, phone "
						  "or name)");
		x->malformed++;
		sb_free(&seen);
		goto out;
	}
	if (row < 0) {
		if (x->o->verbose)
			crm_dataerr(x->in.name, r->line, "%s; not imported", seen.s);
		x->unmatched++;
		sb_free(&seen);
		goto out;
	}
	sb_free(&seen);
	e = json_object();
	const char *bad = build(x, r, rec_get(&x->t.rows[row], x->ci), e, &why);
	if (bad) {
		crm_dataerr(x->in.name, r->line, "%s", bad);
		x->malformed++;
		goto out;
	}
	for (size_t i = 0; x->key && i < x->nkeyf; i++)
		if (!json_object_get(e, x->keyf[i])) {
			crm_dataerr(x->in.name, r->line, "no %s, a field of --key", x->keyf[i]);
			x->malformed++;
			goto out;
		}
	key_of(x, e, &k);
	if (hmap_get(&x->seen, k.s, k.len) >= 0) {
		x->dups++;
		goto out;
	}
	hmap_put(&x->seen, k.s, k.len);
	jsonl_put(&x->out, e);
	sb_printf(&x->ids_out, "%s\n", json_str(e, "id"));
	x->added++;
out:
	json_decref(e);
	sb_free(&why);
	sb_free(&k);
}

/* ---------------------------------------------------------------- the run */

/* The options: the rules file's first, then the command line's. */
static int gather(struct imp *x)
{
	struct evimport_opts *o = x->o;
	if (o->rules && read_rules(&x->rules, x->d, o->rules) < 0)
		return -1;
	const struct colmap *maps[2] = { &x->rules.map, o->map };
	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; maps[m] && i < maps[m]->n; i++)
			colmap_add(&x->map, maps[m]->arg[i]);
	const char **sets[2] = { x->rules.set, o->set };
	size_t nsets[2] = { x->rules.nset, o->nset };
	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; i < nsets[m]; i++) {
			const char *eq = strchr(sets[m][i], '=');
			if (!eq || eq == sets[m][i]) {
				crm_warnx("--set %s: expected FIELD=VALUE", sets[m][i]);
				return -1;
			}
			if (!strncmp(sets[m][i], "id=", 3)) {
				crm_warnx("--set %s: the id is made by crm-log", sets[m][i]);
				return -1;
			}
			void *p = x->set;
			xgrow(&p, &x->setcap, x->nset + 1, sizeof *x->set);
			x->set = p;
			x->set[x->nset++] = sets[m][i];
		}
	x->key = o->key ? o->key : x->rules.key;
	x->date_format = o->date_format ? o->date_format : x->rules.date_format;
	if (!o->io.encoding)
		o->io.encoding = x->rules.encoding;
	if (!o->io.delim)
		o->io.delim = x->rules.delim;
	const char *bad = x->date_format ? fmt_check(x->date_format) : NULL;
	if (bad) {
		crm_warnx("%s", bad);
		return -1;
	}
	return 0;
}

int evimport_run(struct crm_dir *d, const char *file, struct evimport_opts *o)
{
	struct imp x = { .d = d, .o = o };
	int rc = CRM_ERR;
	struct hist h = { 0 };
	bool loaded = false;
	if (gather(&x) < 0)
		goto out;
	o->io.vcard_ok = false;
	if (impin_read(&x.in, file, &o->io) < 0)
		goto out;
	if (x.in.kind == IMPIN_JSONL)
		read_jsonl(&x);
	else if (read_csv(&x) < 0)
		goto out;
	if (check_fields(&x) < 0)
		goto out;
	/* the input is in memory: a slow pipe does not hold the lock */
	crm_lock(d);
	ctable_load(&x.t, d);
	loaded = true;
	x.ci = (size_t)ctable_col(&x.t, "id");
	index_customers(&x);
	if (hist_load(&h, d, o->strict) < 0)
		goto out;
	known_keys(&x, &h);
	hist_free(&h);
	for (size_t i = 0; i < x.nrows; i++)
		take(&x, &x.rows[i]);
	struct evcounts c = { x.read, x.added, x.dups, x.unmatched, x.malformed };
	rc = evimport_finish(d, o->dry_run, &x.out, &x.ids_out, x.in.name, &c);
out:
	hist_free(&h);
	for (size_t i = 0; i < x.nrows; i++) {
		for (size_t j = 0; j < x.rows[i].n; j++)
			free(x.rows[i].v[j].val);
		free(x.rows[i].v);
		free(x.rows[i].err);
	}
	free(x.rows);
	hdr_free(&x.cols);
	hmap_free(&x.colidx);
	hdr_free(&x.fields);
	if (x.keyf)
		free_strv(x.keyf);
	if (loaded)
		ctable_free(&x.t);
	hmap_free(&x.ids);
	hmap_free(&x.emails);
	hmap_free(&x.names);
	free(x.id_row);
	free(x.email_row);
	free(x.name_row);
	phone_book_free(&x.book);
	hmap_free(&x.seen);
	sb_free(&x.out);
	sb_free(&x.ids_out);
	impin_free(&x.in);
	rules_free(&x.rules);
	colmap_free(&x.map);
	free(x.set);
	return rc;
}

int evimport_finish(const struct crm_dir *d, bool dry, struct sb *out, struct sb *ids,
		    const char *name, const struct evcounts *c)
{
	if (dry) {
		fputs(sb_str(out), stdout);
	} else if (c->added && crm_append(d, INTERACTIONS, out->s, out->len) < 0) {
		crm_warnx("nothing was imported");
		return CRM_ERR;
	} else {
		fputs(sb_str(ids), stdout);
	}
	fprintf(stderr, "%s: %s: read %ld, added %ld, duplicates %ld, unmatched %ld, malformed %ld%s\n",
		crm_prog, name, c->read, c->added, c->dups, c->unmatched, c->malformed,
		dry ? " (dry run)" : "");
	return c->added || c->dups ? CRM_OK : CRM_NONE;
}
