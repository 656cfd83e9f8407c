/* crm-find - search customers (or with -i the interactions) */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cscan.h"
#include "current.h"
#include "cust.h"
#include "date.h"
#include "derive.h"
#include "dir.h"
#include "expr.h"
#include "fieldset.h"
#include "fmt.h"
#include "hist.h"
#include "lit.h"
#include "merges.h"
#include "opt.h"
#include "phone.h"
#include "re.h"
#include "utf8.h"
#include "util.h"
#include "voids.h"

enum { O_SORT = OPT_FIRST_LOCAL, O_LIMIT, O_WIDE, O_CASED, O_CURRENT, O_PHONE };

static const struct crm_opt opts[] = {
	{ 'w', "where", "EXPR", "keep records for which EXPR holds (see crm-expr(7))" },
	{ 'F', "fixed-strings", NULL, "take PATTERN literally, not as a regular expression" },
	{ O_CASED, "case-sensitive", NULL, "match PATTERN with case (default: without)" },
	{ 'a', "ascii", NULL, "also ignore diacritics (dvorak finds Dvořák)" },
	{ 'f', "fields", "FIELDS", "output these fields, comma-separated (derived ones too)" },
	{ O_SORT, "sort", "FIELD[:desc]", "sort by a field (numbers and dates by value)" },
	{ O_LIMIT, "limit", "N", "output at most N records" },
	{ 'c', "count", NULL, "print only the number of matching records" },
	{ O_PHONE, "phone", "NUMBER", "the customers with this phone number, however written" },
	{ 'i', "interactions", NULL, "search the interactions instead of the customers" },
	{ O_CURRENT, "current", NULL, "with -i: each deal and ticket once, in its current state" },
	{ O_WIDE, "wide", NULL, "on a terminal, every column (default: those that fit)" },
	CRM_OPT_CURRENCY,
	CRM_OPT_FORMAT_CUSTOMERS,
	CRM_OPT_SAFECSV,
	CRM_OPTS_READER,
};

static const struct crm_cmd cmd = {
	"[PATTERN] [-w EXPR] [-F] [--case-sensitive] [-a] [-f FIELDS] [--sort FIELD[:desc]] [--limit N] [--phone NUMBER] [-c] [-i [--current]] [--currency CUR] [-o FORMAT] [-]",
	"Print the customers (with -i the interactions) that match PATTERN, a regular\n"
	"expression tried on every field, and the expression of --where. Reads a\n"
	"customer stream on standard input when it is a pipe, a socket or a file\n"
	"(always with the operand -), else the directory's customers.csv.",
	opts,
	NULL,
};

struct opts {
	const char *pattern, *where, *fields, *sort, *phone;
	long limit;
	bool fixed, cased, ascii, count, inter, wide, current;
	bool dash; /* the operand '-': read standard input whatever it is */
	struct crm_common c;
};

/* Matching PATTERN against field values. */
struct matcher {
	pcre2_code *re;      /* tried on each field (folded with -a) */
	pcre2_code *raw;     /* tried on a record's bytes first, when that is safe */
	pcre2_match_data *md;
	bool fold;           /* -a */
	struct sb buf;
};

static pcre2_code *compile(const char *pat, uint32_t flags)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				       /* invalid UTF-8 never matches, so no subject
					* is checked whole before each search */
				       flags | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
					       (flags & PCRE2_LITERAL ? 0 : PCRE2_UCP),
				       &ec, &eo, NULL);
	if (!re) {
		PCRE2_UCHAR m[160];
		pcre2_get_error_message(ec, m, sizeof m);
		crm_diex("PATTERN: %zu: %s", (size_t)eo + 1, (char *)m);
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* Whether a match of pat inside a field is sure to be a match in the raw
 * record bytes too (where quotes are doubled and fields joined by commas):
 * no anchors, no quotes, no lookaround, only the common escapes. */
static bool raw_safe(const char *pat, bool literal)
{
	if (strchr(pat, '"') || strchr(pat, '\n') || strchr(pat, '\r'))
		return false;
	if (literal)
		return true;
	for (const char *p = pat; *p; p++) {
		if (*p == '^' || *p == '$')
			return false;
		if (*p == '(' && p[1] == '?')
			return false;
		if (*p == '\\') {
			if (!p[1] || !strchr("dDwWsShHvVbBtnr.*+?()[]{}|/\\-", p[1]))
				return false;
			p++;
		}
	}
	return true;
}

static bool has_meta(const char *s)
{
	return strpbrk(s, "\\^$.[]|()?*+{}") != NULL;
}

/* A pattern that finds the folded literal lit in unfolded text: every letter
 * becomes the class of the letters that fold to it (z: zźżžZŹŻŽ...). */
static char *expand_folded(const char *lit)
{
	struct sb out = { 0 };
	const unsigned char *p = (const unsigned char *)lit;
	size_t n = strlen(lit);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = u8_decode(p + i, n - i, &cp);
		if (!k) {
			k = 1;
			cp = p[i];
		}
		/* gather every code point that folds to cp */
		struct sb cls = { 0 };
		for (unsigned c = 0x41; c < 0x2000; c++) {
			if (c == cp)
				continue;
			struct sb e = { 0 }, f = { 0 };
			u8_encode(&e, c);
			u8_fold(e.s, e.len, true, &f);
			unsigned back;
			if (f.len && u8_decode((const unsigned char *)f.s, f.len, &back) == f.len && back == cp)
				sb_add(&cls, e.s, e.len);
			sb_free(&e);
			sb_free(&f);
		}
		struct sb lit1 = { 0 };
		u8_encode(&lit1, cp);
		if (cls.len || !u8_is_ascii(lit1.s, lit1.len) || strchr("\\^$.[]|()?*+{}-", (int)cp)) {
			sb_adds(&out, "(?:\\Q");
			sb_add(&out, lit1.s, lit1.len);
			sb_adds(&out, "\\E");
			if (cls.len) {
				sb_adds(&out, "|[");
				sb_add(&out, cls.s, cls.len);
				sb_adds(&out, "]");
			}
			sb_adds(&out, ")\\p{M}*");
		} else {
			sb_add(&out, lit1.s, lit1.len);
		}
		sb_free(&lit1);
		sb_free(&cls);
		i += k;
	}
	char *r = xstrdup(sb_str(&out));
	sb_free(&out);
	return r;
}

static void matcher_init(struct matcher *m, const struct opts *o)
{
	memset(m, 0, sizeof *m);
	if (!o->pattern)
		return;
	uint32_t fl = (o->cased ? 0 : PCRE2_CASELESS) | (o->fixed ? PCRE2_LITERAL : 0);
	m->md = pcre2_match_data_create(4, NULL);
	if (!o->ascii) {
		m->re = compile(o->pattern, fl);
		if (raw_safe(o->pattern, o->fixed))
			m->raw = m->re;
		return;
	}
	/* -a: fields and pattern are both folded (lower case, no diacritics) */
	m->fold = true;
	struct sb f = { 0 };
	u8_fold(o->pattern, strlen(o->pattern), true, &f);
	m->re = compile(sb_str(&f), fl | PCRE2_CASELESS);
	if (o->fixed || !has_meta(o->pattern)) {
		char *x = expand_folded(sb_str(&f));
		m->raw = compile(x, PCRE2_CASELESS);
		free(x);
	}
	sb_free(&f);
}

static void matcher_free(struct matcher *m)
{
	if (m->raw && m->raw != m->re)
		pcre2_code_free(m->raw);
	if (m->re)
		pcre2_code_free(m->re);
	if (m->md)
		pcre2_match_data_free(m->md);
	sb_free(&m->buf);
}

/* A match of re in s[0..n): 1, 0, or -1 when PCRE2 gave up (re_error). */
static int match_raw(struct matcher *m, const pcre2_code *re, const char *s, size_t n)
{
	return re_match(re, s, n, 0, m->md);
}

static int match_field(struct matcher *m, const char *s, size_t n)
{
	if (!m->fold)
		return match_raw(m, m->re, s, n);
	sb_reset(&m->buf);
	u8_fold(s, n, true, &m->buf);
	return match_raw(m, m->re, sb_str(&m->buf), m->buf.len);
}

/* Report a record PATTERN or the --where cannot be decided for (a regular
 * expression gave up): "file:line: customer ID: what: why". */
static void undecided(const char *file, long line, const char *kind, const char *id, size_t idn,
		      const char *what, const char *why)
{
	if (idn)
		crm_dataerr(file, line, "%s %.*s: %s: %s", kind, (int)idn, id, what, why);
	else
		crm_dataerr(file, line, "%s: %s", what, why);
}

/* PATTERN as messages name it. */
static const char *pattern_name(struct sb *b, const struct opts *o)
{
	sb_reset(b);
	sb_printf(b, "PATTERN '%s'", o->pattern);
	return sb_str(b);
}

/* Why PCRE2 gave up on PATTERN, as the expression's messages say it. */
static const char *pattern_why(struct sb *b)
{
	sb_reset(b);
	sb_printf(b, "the regular expression gave up: %s", re_error());
	return sb_str(b);
}

/* A record known only by its id, for the derived fields. */
struct id_ctx {
	const struct fieldset *fs;
	const char *id;
	size_t n;
	char buf[40];
};

static const char *id_get(void *ctx, size_t f, size_t *len)
{
	struct id_ctx *c = ctx;
	for (int dd = 0; dd < D_N; dd++)
		if (c->fs->derived[dd] == (int)f)
			return derive_get(c->fs->dv, c->id, c->n, (enum dfield)dd, c->buf, len);
	*len = 0;
	return "";
}

/* Output: chosen columns, with an optional buffer for --sort. */
struct sorted {
	struct rec r;
	char *key;
	size_t order;
};

struct sink {
	struct out *out;
	size_t *cols;
	size_t ncols;
	long sort_field;
	bool desc, count;
	bool verbatim; /* records go out as the lines they were read as */
	long limit, n;
	struct sorted *buf;
	size_t nbuf, cap;
	struct rec tmp;
};

static int by_key(const void *a, const void *b, void *desc)
{
	const struct sorted *x = a, *y = b;
	int c = value_cmp(x->key, y->key);
	if (c && *(bool *)desc && *x->key && *y->key)
		c = -c;
	if (!c)
		c = x->order < y->order ? -1 : x->order > y->order;
	return c;
}

/* Add a matching record; returns false when --limit is reached and no
 * more records are wanted. */
static bool sink_add(struct sink *k, struct row_ctx *c)
{
	if (k->limit >= 0 && k->n >= k->limit && k->sort_field < 0)
		return false;
	k->n++;
	if (k->count)
		return !(k->limit >= 0 && k->n >= k->limit);
	rec_clear(&k->tmp);
	for (size_t i = 0; i < k->ncols; i++) {
		size_t n;
		const char *v = fieldset_get(c, k->cols[i], &n);
		rec_push(&k->tmp, v, n);
	}
	if (k->sort_field < 0) {
		out_row(k->out, &k->tmp);
		return !(k->limit >= 0 && k->n >= k->limit);
	}
	void *p = k->buf;
	size_t cap = k->cap;
	xgrow(&p, &cap, k->nbuf + 1, sizeof *k->buf);
	if (cap > k->cap)
		memset((struct sorted *)p + k->cap, 0, (cap - k->cap) * sizeof *k->buf);
	k->buf = p;
	k->cap = cap;
	struct sorted *s = &k->buf[k->nbuf];
	rec_copy(&s->r, &k->tmp);
	size_t n;
	const char *v = fieldset_get(c, (size_t)k->sort_field, &n);
	s->key = xstrndup(v, n);
	s->order = k->nbuf++;
	return true;
}

/* Add a matching record that goes out as the line it was read as. */
static bool sink_add_line(struct sink *k, const char *s, size_t n)
{
	if (k->limit >= 0 && k->n >= k->limit)
		return false;
	k->n++;
	if (!k->count) {
		fwrite(s, 1, n, stdout);
		putchar('\n');
		if (ferror(stdout))
			crm_flush_stdout();
	}
	return !(k->limit >= 0 && k->n >= k->limit);
}

static long sink_end(struct sink *k)
{
	long shown = k->limit >= 0 && k->n > k->limit ? k->limit : k->n;
	if (k->sort_field >= 0) {
		qsort_r(k->buf, k->nbuf, sizeof *k->buf, by_key, &k->desc);
		size_t lim = k->limit >= 0 && (size_t)k->limit < k->nbuf ? (size_t)k->limit : k->nbuf;
		for (size_t i = 0; i < lim; i++)
			out_row(k->out, &k->buf[i].r);
		shown = (long)lim;
	}
	if (k->count)
		printf("%ld\n", k->limit >= 0 && k->n > k->limit ? k->limit : k->n);
	for (size_t i = 0; i < k->cap; i++) {
		rec_free(&k->buf[i].r);
		free(k->buf[i].key);
	}
	free(k->buf);
	rec_free(&k->tmp);
	if (k->out)
		out_close(k->out);
	free(k->cols);
	return shown;
}

/* verbatim_ok: records can be written as read when the output is the
 * stream's own format with every field, unsorted. */
static void sink_init(struct sink *k, const struct opts *o, const struct fieldset *fs,
		      enum fmt def, unsigned formats, const bool *numeric_of_field, bool verbatim_ok)
{
	memset(k, 0, sizeof *k);
	k->limit = o->limit;
	k->count = o->count;
	k->sort_field = -1;
	if (o->sort) {
		char *s = xstrdup(o->sort);
		char *colon = strrchr(s, ':');
		if (colon && (!strcmp(colon, ":desc") || !strcmp(colon, ":asc"))) {
			k->desc = !strcmp(colon, ":desc");
			*colon = '\0';
		}
		k->sort_field = fieldset_index(fs, s);
		if (k->sort_field < 0)
			fieldset_unknown(fs, "--sort", s);
		free(s);
	}
	struct hdr h = { 0 };
	if (o->fields) {
		size_t n;
		char **v = split(o->fields, ',', &n);
		k->cols = xcalloc(n, sizeof *k->cols);
		for (size_t i = 0; i < n; i++) {
			long f = fieldset_index(fs, v[i]);
			if (f < 0)
				fieldset_unknown(fs, "-f", v[i]);
			k->cols[k->ncols++] = (size_t)f;
			hdr_add(&h, v[i]);
		}
		free_strv(v);
	} else {
		k->cols = xcalloc(fs->ncols ? fs->ncols : 1, sizeof *k->cols);
		for (size_t i = 0; i < fs->ncols; i++) {
			k->cols[k->ncols++] = i;
			hdr_push(&h, fs->v[i].name); /* the columns differ: checked when read */
		}
	}
	enum fmt f = fmt_choose(o->c.format, def, formats);
	/* safe CSV changes cells, so no record goes out as it was read */
	k->verbatim = verbatim_ok && f == def && !o->fields && k->sort_field < 0 &&
		      !(o->c.safe_csv && (f == FMT_CSV || f == FMT_TSV));
	if (!k->count && !k->verbatim) {
		bool *num = xcalloc(k->ncols ? k->ncols : 1, sizeof *num);
		for (size_t i = 0; i < k->ncols; i++)
			num[i] = numeric_of_field[k->cols[i]];
		k->out = out_open(f, &h, num, fmt_color(o->c.color));
		static const char *const events_first[] = { "ts", "customer", "type", "channel",
							    "direction", "subject", "text", NULL };
		if (!o->fields && !o->wide)
			out_fit(k->out, o->inter ? events_first : cust_shown_first);
		free(num);
	}
	hdr_free(&h);
}

/* -- customers -- */

static int find_customers(struct opts *o)
{
	struct crm_dir d = { 0 };
	bool have_dir = false, use_stdin = o->dash || stdin_is_stream();
	if (!use_stdin) {
		crm_dir_open(&d, o->c.dir);
		have_dir = true;
	}
	struct recin in;
	if (recin_open(&in, &d, use_stdin, o->c.strict) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */

	struct fieldset fs;
	fieldset_init(&fs, &in.hdr);
	struct schema sc = fieldset_schema(&fs);
	sc.fold = o->ascii;

	struct expr *where = NULL;
	if (o->where) {
		char err[2048];
		where = expr_parse(o->where, &sc, crm_now(), err, sizeof err);
		if (!where)
			crm_diex("--where: 1:%s", err);
	}

	bool *used = xcalloc(fs.n, sizeof *used);
	expr_fields(where, used);
	struct sink k;
	bool *numeric = xcalloc(fs.n, sizeof *numeric);
	for (size_t i = 0; i < fs.n; i++)
		numeric[i] = fs.v[i].kind == FK_NUMBER;
	sink_init(&k, o, &fs, in.jsonl ? FMT_JSONL : FMT_CSV, FMTS_CUSTOMERS, numeric, false);
	for (size_t i = 0; i < k.ncols; i++)
		used[k.cols[i]] = true;
	if (k.sort_field >= 0)
		used[k.sort_field] = true;
	unsigned mask = fieldset_mask(&fs, used);
	bool *not_raw = xcalloc(fs.n, sizeof *not_raw);
	for (size_t i = 0; i < fs.n; i++)
		not_raw[i] = fieldset_is_derived(&fs, i);
	if (mask) {
		if (!have_dir) {
			crm_dir_open(&d, o->c.dir);
			have_dir = true;
		}
		if (!fieldset_load(&fs, &d, used, 0, o->c.currency, crm_now(), o->c.strict))
			exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	}

	/* --phone: the number as the customers' are compared, in the default
	 * country of crm.conf when it is written without one */
	struct sb phone = { 0 };
	const char *country = NULL;
	long phone_col = -1;
	if (o->phone) {
		if (!have_dir) {
			crm_dir_open(&d, o->c.dir);
			have_dir = true;
		}
		country = conf_get(&d, "country", "");
		for (size_t i = d.nconf; *country && !phone_calling_code(country) && i-- > 0;)
			if (!strcmp(d.conf[i].key, "country")) {
				crm_dataerr(crm_path(&d, conf_file(&d.conf[i])), d.conf[i].line,
					    "country: '%s' is not a country whose calling code is known (PL, CZ, DE)",
					    country);
				exit(CRM_ERR);
			}
		if (!phone_norm_in(o->phone, country, &phone))
			crm_diex("--phone: %s: not a phone number", o->phone);
		phone_col = hdr_find(&in.hdr, "phone");
	}
	struct matcher m;
	matcher_init(&m, o);
	/* a literal the --where needs, to skip records before parsing them */
	pcre2_code *lit = NULL;
	/* (with -a a value need not be in the bytes as written) */
	const char *need = o->ascii ? NULL : expr_required_literal(where, not_raw);
	if (need && !m.raw && !in.jsonl)
		lit = compile(need, PCRE2_LITERAL | PCRE2_CASELESS);
	/* --strict checks every record, so none may be skipped unparsed */
	const pcre2_code *pre = o->c.strict ? NULL : m.raw ? m.raw : lit;
	if (!m.md)
		m.md = pcre2_match_data_create(4, NULL);

	/* Where the next match of the raw search is: one search runs over the
	 * whole buffer and the records before its hit are skipped unseen. */
	const char *hit = NULL, *hit_end = NULL;
	unsigned long hit_moves = 0;
	bool whole = true; /* the search over the whole buffer did not give up */
	/* Derived tests decided from the id alone, before parsing the record. */
	bool *avail = xcalloc(fs.n, sizeof *avail);
	for (size_t i = 0; i < fs.n; i++)
		avail[i] = fieldset_is_derived(&fs, i);
	bool early = where && fs.dv && fs.id_col == 0 && !in.jsonl && !o->c.strict;

	struct rec r = { 0 };
	struct row_ctx c = { .fs = &fs, .r = &r };
	int status = CRM_OK;
	/* A literal that every match holds (PATTERN taken literally, or a value
	 * --where compares a field to): the records are read by the fast
	 * reader, which cuts out only those that hold it */
	struct lit key;
	const char *litsrc = m.re && !m.fold && (o->fixed || !has_meta(o->pattern)) ? o->pattern
			     : !m.re && lit                                           ? need
											: NULL;
	struct cscan *fast = NULL;
	if (!in.jsonl && !o->c.strict && !early && litsrc && lit_choose(&key, litsrc, strlen(litsrc))) {
		fast = cscan_from_csvin(in.csv);
		cscan_look(fast, &key, 1);
	}
	for (;;) {
		int got;
		if (fast) {
			struct cscan_rec cr;
			got = cscan_next(fast, &cr);
			if (got < 0)
				status = CRM_ERR; /* reported */
			if (got <= 0)
				break;
			if (cscan_parse(fast, &cr, &r) < 0) {
				status = CRM_ERR;
				break;
			}
			if (r.n > in.hdr.n) {
				crm_dataerr(in.name, cr.line, "%zu fields, but the header has %zu", r.n, in.hdr.n);
				status = CRM_ERR;
				break;
			}
			while (r.n < in.hdr.n)
				rec_push(&r, "", 0);
		} else if (!in.jsonl && (pre || early)) {
			const char *s;
			size_t n;
			long line;
			got = csvin_next_raw(in.csv, &s, &n, &line);
			if (got < 0)
				status = CRM_ERR; /* reported: a read error, a file of zeros */
			if (got <= 0)
				break;
			/* A record with a quote may hold a doubled one that PATTERN
			 * would see single, and one spanning lines may hide a stray
			 * quote: both are parsed. */
			bool plain = !memchr(s, '\n', n);
			if (pre && plain && pre != lit && memchr(s, '"', n)) {
				/* With quotes, a field's text is not its bytes: try the
				 * record with its quoting undone instead (the fields
				 * joined by commas), which holds every field as it is. */
				sb_reset(&m.buf);
				bool quoted = false;
				for (size_t i = 0; i < n; i++) {
					if (s[i] != '"')
						sb_addc(&m.buf, s[i]);
					else if (!quoted)
						quoted = true;
					else if (i + 1 < n && s[i + 1] == '"')
						sb_addc(&m.buf, s[i++]);
					else
						quoted = false;
				}
				if (match_raw(&m, pre, sb_str(&m.buf), m.buf.len) == 0)
					continue;
			} else if (pre && plain) {
				int k2 = 1;
				const char *end = in.csv->b.buf + in.csv->b.end;
				if (whole && (!hit || hit_moves != in.csv->b.moves || hit_end != end || hit < s)) {
					/* search on from this record to the end of what is read */
					hit_moves = in.csv->b.moves;
					hit_end = end;
					int f = re_match(pre, s, (size_t)(end - s), 0, m.md);
					if (f < 0)
						whole = false; /* gave up over many records: one at a time */
					else
						hit = f ? s + pcre2_get_ovector_pointer(m.md)[0] : end;
				}
				if (!whole)
					k2 = match_raw(&m, pre, s, n);
				else if (hit >= s + n && hit != end)
					k2 = 0; /* the next match is further on */
				else if (hit == end)
					k2 = match_raw(&m, pre, s, n);
				/* -1: the bytes cannot tell; the fields will */
				if (k2 == 0)
					continue;
			}
			if (early && plain && *s != '"') {
				/* the id is the first field: try the tests on derived fields */
				const char *comma = memchr(s, ',', n);
				size_t idn = comma ? (size_t)(comma - s) : n;
				struct id_ctx ic = { &fs, s, idn, "" };
				const char *why;
				if (!expr_may_match(where, avail, id_get, &ic, &why)) {
					if (!why)
						continue;
					undecided(in.name, line, "customer", s, idn, "--where", why);
					status = CRM_ERR;
					break;
				}
			}
			if (csvin_parse(in.csv, s, n, &r) < 0) {
				crm_dataerr(in.name, line, "%s", in.csv->err);
				status = CRM_ERR;
				break;
			}
			r.line = line;
			if (r.n > in.hdr.n) {
				crm_dataerr(in.name, line, "%zu fields, but the header has %zu", r.n, in.hdr.n);
				status = CRM_ERR;
				break;
			}
			while (r.n < in.hdr.n)
				rec_push(&r, "", 0);
		} else {
			got = recin_next(&in, &r);
			if (got < 0) {
				status = CRM_ERR;
				break;
			}
			if (got == 0)
				break;
		}
		const char *id = fs.id_col >= 0 ? rec_get(&r, (size_t)fs.id_col) : "";
		size_t idn = fs.id_col >= 0 ? rec_len(&r, (size_t)fs.id_col) : 0;
		if (m.re) {
			int found = 0;
			for (size_t i = 0; i < r.n && !found; i++)
				found = match_field(&m, r.v[i], r.len[i]);
			if (found < 0) {
				struct sb b = { 0 }, w = { 0 };
				undecided(in.name, r.line, "customer", id, idn, pattern_name(&b, o),
					  pattern_why(&w));
				sb_free(&b);
				sb_free(&w);
				status = CRM_ERR;
				break;
			}
			if (!found)
				continue;
		}
		if (o->phone && (phone_col < 0 || !phone_match(rec_get(&r, (size_t)phone_col), sb_str(&phone), country)))
			continue;
		const char *why;
		if (where && !expr_eval(where, fieldset_get, &c, &why)) {
			if (!why)
				continue;
			undecided(in.name, r.line, "customer", id, idn, "--where", why);
			status = CRM_ERR;
			break;
		}
		if (!sink_add(&k, &c))
			break;
	}
	free(avail);
	sb_free(&phone);
	cscan_close(fast);
	if (status == CRM_ERR)
		k.count = false; /* a count of part of the input would mislead */
	long shown = sink_end(&k);
	if (status == CRM_OK && !shown)
		status = CRM_NONE;
	rec_free(&r);
	if (lit)
		pcre2_code_free(lit);
	matcher_free(&m);
	expr_free(where);
	free(used);
	free(not_raw);
	free(numeric);
	fieldset_free(&fs);
	recin_close(&in);
	if (have_dir)
		crm_dir_close(&d);
	return status;
}

/* -- interactions -- */

static const struct field ifields[] = {
	{ "id", FK_TEXT },	   { "ts", FK_DATE },	       { "customer", FK_TEXT },
	{ "type", FK_TEXT },	   { "channel", FK_TEXT },     { "direction", FK_TEXT },
	{ "by", FK_TEXT },	   { "subject", FK_TEXT },     { "text", FK_TEXT },
	{ "amount", FK_NUMBER },   { "currency", FK_TEXT },    { "rating", FK_NUMBER },
	{ "score", FK_NUMBER },	   { "due", FK_DATE },	       { "ref", FK_TEXT },
	{ "stage", FK_TEXT },	   { "probability", FK_NUMBER }, { "close", FK_DATE },
	{ "campaign", FK_TEXT },   { "message_id", FK_TEXT },  { "status", FK_TEXT },
	{ "duration", FK_NUMBER }, { "priority", FK_TEXT },    { "owner", FK_TEXT },
	{ "updated", FK_DATE },    { "name", FK_TEXT },
};
#define NIFIELDS (sizeof ifields / sizeof ifields[0])
#define NSHOWN 11 /* id .. currency: the columns of a table or CSV */
#define I_CUSTOMER 2
#define I_NAME (NIFIELDS - 1) /* the customer's name, from customers.csv */

struct ictx {
	json_t *o;
	char buf[NIFIELDS][32];
	char *dump;
	const struct merges *merged; /* who a customer is now */
	const struct cnames *names;  /* when the name is asked for */
};

static const char *iget(void *ctx, size_t f, size_t *len)
{
	struct ictx *c = ctx;
	if (f == I_CUSTOMER || f == I_NAME) {
		/* the customer it is now: a line logged on one merged since is
		 * the other's */
		json_t *v = json_object_get(c->o, "customer");
		const char *id = json_is_string(v) ? json_string_value(v) : "";
		id = merges_now(c->merged, id, json_is_string(v) ? json_string_length(v) : 0, len);
		if (f == I_CUSTOMER)
			return id;
		const char *name = c->names ? cnames_get(c->names, id, *len) : NULL;
		*len = name ? strlen(name) : 0;
		return name ? name : "";
	}
	json_t *v = json_object_get(c->o, ifields[f].name);
	if (json_is_string(v)) {
		*len = json_string_length(v);
		return json_string_value(v);
	}
	if (json_is_integer(v)) {
		*len = (size_t)snprintf(c->buf[f], sizeof c->buf[f], "%lld", (long long)json_integer_value(v));
		return c->buf[f];
	}
	if (json_is_real(v)) {
		*len = (size_t)snprintf(c->buf[f], sizeof c->buf[f], "%.17g", json_real_value(v));
		return c->buf[f];
	}
	*len = 0;
	return "";
}

/* PATTERN in a value of o: 1, 0, or -1 when PCRE2 gave up. */
static int ijson_match(struct matcher *m, json_t *o)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		int k = 0;
		if (json_is_string(v)) {
			k = match_field(m, json_string_value(v), json_string_length(v));
		} else if (json_is_number(v)) {
			char b[64];
			int n = json_is_integer(v) ? snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v))
						   : snprintf(b, sizeof b, "%.17g", json_real_value(v));
			k = match_field(m, b, (size_t)n);
		}
		if (k)
			return k;
	}
	return 0;
}

static int find_interactions(struct opts *o)
{
	struct crm_dir d = { 0 };
	bool have_dir = false;
	struct linein *in;
	/* the merge records first (a history of the directory only: a stream
	 * is read once, as it comes) */
	struct merges merged = { 0 };
	struct current *cur = NULL;
	const struct voids *voided = NULL;
	if (o->dash || stdin_is_stream()) {
		if (o->current)
			crm_usage_error(&cmd, "--current reads the directory's history, not a stream");
		in = linein_open(0, "<stdin>");
	} else {
		crm_dir_open(&d, o->c.dir);
		have_dir = true;
		if (merges_load(&merged, &d) < 0)
			exit(CRM_ERR); /* reported; nothing to undo */
		/* the corrections: an event a void cancels is not shown */
		if (!(voided = voids_of(&d)))
			exit(CRM_ERR); /* reported; nothing to undo */
		/* --current: the deals and tickets folded first */
		if (o->current && !(cur = current_load(&d, o->c.strict)))
			exit(CRM_ERR); /* reported; nothing to undo */
		in = hist_open(&d);
		if (!in)
			in = linein_open(-1, crm_path(&d, INTERACTIONS));
	}
	struct fieldset fs = { 0 };
	fs.v = (struct field *)ifields;
	for (int dd = 0; dd < D_N; dd++)
		fs.derived[dd] = -1;
	fs.n = NIFIELDS;
	fs.ncols = NSHOWN;
	struct schema sc = { ifields, NIFIELDS, o->ascii };
	struct expr *where = NULL;
	if (o->where) {
		char err[2048];
		where = expr_parse(o->where, &sc, crm_now(), err, sizeof err);
		if (!where)
			crm_diex("--where: 1:%s", err);
	}
	bool numeric[NIFIELDS];
	for (size_t i = 0; i < NIFIELDS; i++)
		numeric[i] = ifields[i].kind == FK_NUMBER;
	/* the customers' names only when asked for (-f, --sort, --where):
	 * their ids and names, not their rows */
	bool used[NIFIELDS] = { 0 };
	if (where)
		expr_fields(where, used);
	bool want_name = used[I_NAME] || (o->sort && !strncmp(o->sort, "name", 4) &&
					  (!o->sort[4] || o->sort[4] == ':'));
	if (o->fields) {
		size_t nf;
		char **v = split(o->fields, ',', &nf);
		for (size_t i = 0; i < nf; i++)
			want_name |= !strcmp(v[i], "name");
		free_strv(v);
	}
	struct cnames names = { 0 };
	if (want_name) {
		struct crm_dir nd;
		if (!have_dir)
			crm_dir_open(&nd, o->c.dir);
		if (cnames_load(&names, have_dir ? &d : &nd, NULL) < 0)
			exit(CRM_ERR); /* reported; nothing to undo */
		if (!have_dir)
			crm_dir_close(&nd);
	}
	struct sink k;
	/* the fields of a record are all of ifields, shown or not */
	struct fieldset all = fs;
	all.ncols = NIFIELDS;
	sink_init(&k, o, &fs, FMT_JSONL, FMTS_ALL, numeric, true);
	struct matcher m;
	matcher_init(&m, o);
	int status = CRM_OK;
	const char *s;
	size_t n;
	bool torn;
	int got = 0;
	struct rec r = { 0 };
	struct sb moved = { 0 };
	while (in->b.fd >= 0 && (got = linein_next(in, &s, &n, &torn)) > 0) {
		if (m.raw && !cur && !o->c.strict && !memchr(s, '\\', n) && match_raw(&m, m.raw, s, n) == 0)
			continue;
		char err[200];
		json_t *obj = jsonl_parse(s, n, err, sizeof err);
		if (!obj) {
			if (err[0]) {
				crm_dataerr(in->b.name, in->line, "%s%s", torn ? "torn last line: " : "", err);
				if (o->c.strict) {
					status = CRM_ERR;
					break;
				}
			}
			continue;
		}
		json_t *oid = json_object_get(obj, "id");
		if (voided && json_is_string(oid) && voids_has(voided, json_string_value(oid), json_string_length(oid))) {
			json_decref(obj);
			continue; /* cancelled by a void (voids.h) */
		}
		if (cur && !current_view(cur, obj)) {
			json_decref(obj);
			continue; /* a later event of a deal or ticket: its first shows it */
		}
		struct ictx c = { .o = obj, .merged = &merged, .names = want_name ? &names : NULL };
		bool more = true;
		int found = m.re ? ijson_match(&m, obj) : 1;
		const char *why = NULL;
		struct sb pb = { 0 }, pw = { 0 };
		if (found > 0 && where)
			found = expr_eval(where, iget, &c, &why) ? 1 : why ? -1 : 0;
		if (found < 0) {
			const char *eid = json_string_value(json_object_get(obj, "id"));
			undecided(in->b.name, in->line, "interaction", eid ? eid : "", eid ? strlen(eid) : 0,
				  why ? "--where" : pattern_name(&pb, o), why ? why : pattern_why(&pw));
			sb_free(&pb);
			sb_free(&pw);
			json_decref(obj);
			status = CRM_ERR;
			break;
		}
		if (found) {
			if (k.verbatim && cur) {
				/* the event in its current state, its customer the one it is now */
				size_t to_n;
				const char *from = json_str(obj, "customer");
				const char *to = merges_now(&merged, from, strlen(from), &to_n);
				if (to != from)
					json_object_set_new(obj, "customer", json_stringn(to, to_n));
				sb_reset(&moved);
				jsonl_put(&moved, obj);
				more = sink_add_line(&k, moved.s, moved.len - 1);
				sb_reset(&moved);
			} else if (k.verbatim) {
				/* as read, but a customer merged since is the one it is now */
				size_t to_n;
				const char *from = json_string_value(json_object_get(obj, "customer"));
				const char *to = from ? merges_now(&merged, from, strlen(from), &to_n) : NULL;
				if (to && to != from && hist_recustomer(s, n, from, to, &moved))
					more = sink_add_line(&k, moved.s, moved.len);
				else
					more = sink_add_line(&k, s, n);
				sb_reset(&moved);
			} else {
				rec_clear(&r);
				for (size_t i = 0; i < NIFIELDS; i++) {
					size_t len;
					const char *v = iget(&c, i, &len);
					rec_push(&r, v, len);
				}
				struct row_ctx rc = { .fs = &all, .r = &r };
				more = sink_add(&k, &rc);
			}
		}
		json_decref(obj);
		if (!more)
			break;
	}
	if (got < 0)
		status = CRM_ERR; /* reported: the history was not read through */
	rec_free(&r);
	sb_free(&moved);
	cnames_free(&names);
	merges_free(&merged);
	current_free(cur);
	long shown = sink_end(&k);
	if (status == CRM_OK && !shown)
		status = CRM_NONE;
	matcher_free(&m);
	expr_free(where);
	if (in->b.fd > 0)
		close(in->b.fd);
	linein_close(in);
	if (have_dir)
		crm_dir_close(&d);
	return status;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct opts o = { .limit = -1 };
	const char *arg;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &o.c, &arg)) != -1) {
		switch (k) {
		case 'w': o.where = arg; break;
		case 'F': o.fixed = true; break;
		case O_CASED: o.cased = true; break;
		case 'a': o.ascii = true; break;
		case 'f': o.fields = arg; break;
		case 'c': o.count = true; break;
		case 'i': o.inter = true; break;
		case O_CURRENT: o.current = true; break;
		case O_PHONE: o.phone = arg; break;
		case O_WIDE: o.wide = true; break;
		case O_SORT: o.sort = arg; break;
		case O_LIMIT: {
			long long v;
			if (!parse_long(arg, &v) || v < 0)
				crm_usage_error(&cmd, "--limit takes a whole number");
			o.limit = (long)v;
			break;
		}
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && !strcmp(argv[argc - 1], "-")) {
		o.dash = true;
		argc--;
	}
	if (argc > 1)
		crm_usage_error(&cmd, "one PATTERN at most (combine tests with --where)");
	if (o.current && !o.inter)
		crm_usage_error(&cmd, "--current goes with -i");
	if (o.phone && o.inter)
		crm_usage_error(&cmd, "--phone finds customers, not interactions");
	if (argc == 1 && argv[0][0])
		o.pattern = argv[0];
	int rc = o.inter ? find_interactions(&o) : find_customers(&o);
	crm_flush_stdout();
	return rc;
}
