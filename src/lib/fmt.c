/* fmt.c - output formats */
#include "fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "chart.h"
#include "csvrec.h"
#include "date.h"
#include "money.h"
#include "utf8.h"
#include "vcard.h"

static const char *const names[] = { "csv", "tsv", "jsonl", "json", "table", "md", "html", "vcard" };

enum fmt fmt_choose(const char *opt, enum fmt def, unsigned allowed)
{
	if (!opt)
		return isatty(STDOUT_FILENO) ? FMT_TABLE : def;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(opt, names[i]) && (allowed & (1u << i)))
			return (enum fmt)i;
	struct sb b = { 0 };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (allowed & (1u << i)) {
			if (b.len)
				sb_adds(&b, ", ");
			sb_adds(&b, names[i]);
		}
	crm_warnx("unknown output format '%s' (use one of: %s)", opt, sb_str(&b));
	sb_free(&b);
	exit(CRM_ERR);
}

bool fmt_color(int color)
{
	if (color >= 0)
		return color;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	return isatty(STDOUT_FILENO);
}

/* --safe-csv, taken by each writer when it is opened */
static bool safe_csv;

void fmt_set_safe_csv(bool on)
{
	safe_csv = on;
}

struct out {
	enum fmt f;
	bool safe;      /* spreadsheet-safe cells (CSV and TSV) */
	struct sb cell; /* a cell with its ' in front */
	struct hdr cols;
	bool *numeric;
	bool color, tty;
	size_t rows;
	struct rec *buf;
	size_t nbuf, cap;
	struct sb line;
	const char *const *fit; /* out_fit: the columns to keep first, or NULL */
};

struct out *out_open(enum fmt f, const struct hdr *cols, const bool *numeric, bool color)
{
	struct out *o = xcalloc(1, sizeof *o);
	o->f = f;
	hdr_copy(&o->cols, cols);
	o->numeric = xcalloc(cols->n ? cols->n : 1, sizeof *o->numeric);
	if (numeric)
		memcpy(o->numeric, numeric, cols->n * sizeof *numeric);
	o->color = color;
	o->tty = isatty(STDOUT_FILENO);
	o->safe = safe_csv && (f == FMT_CSV || f == FMT_TSV);
	return o;
}

static void put(const char *s, size_t n)
{
	if (fwrite(s, 1, n, stdout) != n || ferror(stdout))
		crm_flush_stdout();
}

static void emit(struct out *o)
{
	if (!o->line.len)
		return;
	put(o->line.s, o->line.len);
	sb_reset(&o->line);
}

void json_put_str(struct sb *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	sb_addc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sb_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': sb_adds(b, "\\\""); break;
		case '\\': sb_adds(b, "\\\\"); break;
		case '\n': sb_adds(b, "\\n"); break;
		case '\r': sb_adds(b, "\\r"); break;
		case '\t': sb_adds(b, "\\t"); break;
		default: {
			char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
			sb_adds(b, u);
		}
		}
	}
	sb_add(b, s + run, n - run);
	sb_addc(b, '"');
}

/* A JSON number exactly as written, when s is one. */
static bool is_json_number(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

static void put_json_obj(struct out *o, const struct rec *r)
{
	sb_addc(&o->line, '{');
	for (size_t i = 0; i < o->cols.n; i++) {
		if (i)
			sb_addc(&o->line, ',');
		json_put_str(&o->line, o->cols.name[i], strlen(o->cols.name[i]));
		sb_addc(&o->line, ':');
		const char *v = rec_get(r, i);
		if (o->numeric[i] && is_json_number(v))
			sb_adds(&o->line, v);
		else if (o->numeric[i] && !*v)
			sb_adds(&o->line, "null");
		else
			json_put_str(&o->line, v, rec_len(r, i));
	}
	sb_addc(&o->line, '}');
}

static void tsv_put(struct sb *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\t': sb_adds(b, "\\t"); break;
		case '\n': sb_adds(b, "\\n"); break;
		case '\r': sb_adds(b, "\\r"); break;
		case '\\': sb_adds(b, "\\\\"); break;
		default: sb_addc(b, s[i]);
		}
	}
}

/* The cell s[0..n) as written out: with a ' in front when o is
 * spreadsheet-safe and a spreadsheet would take the cell for a formula
 * (OWASP's CSV injection: =, +, -, @, and TAB or CR before them). */
static const char *cell(struct out *o, const char *s, size_t *n)
{
	if (!o->safe || !*n || !memchr("=+-@\t\r", s[0], 6))
		return s;
	sb_reset(&o->cell);
	sb_addc(&o->cell, '\'');
	sb_add(&o->cell, s, *n);
	*n = o->cell.len;
	return o->cell.s;
}

/* A row of spreadsheet-safe CSV or TSV cells (the header when r is NULL)
 * onto o->line. */
static void put_cells(struct out *o, const struct rec *r)
{
	for (size_t i = 0; i < o->cols.n; i++) {
		const char *s = r ? rec_get(r, i) : o->cols.name[i];
		size_t n = r ? rec_len(r, i) : strlen(s);
		if (i)
			sb_addc(&o->line, o->f == FMT_TSV ? '\t' : ',');
		s = cell(o, s, &n);
		if (o->f == FMT_TSV)
			tsv_put(&o->line, s, n);
		else
			csv_put(&o->line, s, n);
	}
	sb_addc(&o->line, '\n');
}

void html_put(struct sb *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': sb_adds(b, "&lt;"); break;
		case '>': sb_adds(b, "&gt;"); break;
		case '&': sb_adds(b, "&amp;"); break;
		case '"': sb_adds(b, "&quot;"); break;
		case '\'': sb_adds(b, "&#39;"); break;
		default: sb_addc(b, s[i]);
		}
	}
}

static void header(struct out *o)
{
	if (o->safe) {
		put_cells(o, NULL);
		emit(o);
		return;
	}
	switch (o->f) {
	case FMT_CSV:
		csv_put_hdr(&o->line, &o->cols);
		break;
	case FMT_TSV:
		for (size_t i = 0; i < o->cols.n; i++) {
			if (i)
				sb_addc(&o->line, '\t');
			tsv_put(&o->line, o->cols.name[i], strlen(o->cols.name[i]));
		}
		sb_addc(&o->line, '\n');
		break;
	case FMT_JSON:
		sb_addc(&o->line, '[');
		break;
	default:
		break;
	}
	emit(o);
}

void out_row(struct out *o, const struct rec *r)
{
	if (o->rows++ == 0)
		header(o);
	if (o->safe) {
		put_cells(o, r);
		emit(o);
		return;
	}
	switch (o->f) {
	case FMT_CSV:
		csv_put_rec(&o->line, r, o->cols.n);
		break;
	case FMT_TSV:
		for (size_t i = 0; i < o->cols.n; i++) {
			if (i)
				sb_addc(&o->line, '\t');
			tsv_put(&o->line, rec_get(r, i), rec_len(r, i));
		}
		sb_addc(&o->line, '\n');
		break;
	case FMT_JSONL:
		put_json_obj(o, r);
		sb_addc(&o->line, '\n');
		break;
	case FMT_JSON:
		sb_adds(&o->line, o->rows > 1 ? ",\n" : "\n");
		put_json_obj(o, r);
		break;
	case FMT_VCARD:
		vcard_put(&o->line, &o->cols, r);
		break;
	default: {
		void *p = o->buf;
		size_t cap = o->cap;
		xgrow(&p, &cap, o->nbuf + 1, sizeof *o->buf);
		if (cap > o->cap)
			memset((struct rec *)p + o->cap, 0, (cap - o->cap) * sizeof *o->buf);
		o->buf = p;
		o->cap = cap;
		rec_copy(&o->buf[o->nbuf++], r);
		return;
	}
	}
	emit(o);
}

bool out_takes_raw(const struct out *o)
{
	return o->f == FMT_CSV && !o->safe;
}

void out_raw(struct out *o, const char *s, size_t n)
{
	if (o->rows++ == 0)
		header(o);
	put(s, n);
}

void out_fit(struct out *o, const char *const *first)
{
	static const char *const none[] = { NULL };
	o->fit = first ? first : none;
}

/* A cell a person reads: a time in the stored form (2026-11-22T10:00:00Z)
 * is shown in the time zone, as "2026-11-22 11:00"; *n is updated. */
static const char *for_people(const char *s, size_t *n, char buf[DATE_BUFSZ])
{
	crm_time t;
	if (*n != 20 || s[4] != '-' || s[10] != 'T' || s[19] != 'Z' || !date_parse(s, &t))
		return s;
	date_fmt_local(t, buf);
	*n = strlen(buf);
	return buf;
}

/* The columns of the terminal: its size, else $COLUMNS, else 80. */
static size_t term_width(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	long v = c ? strtol(c, NULL, 10) : 0;
	return v > 0 && v < 10000 ? (size_t)v : 80;
}

/* The text of a table cell: control characters made visible, cut to max
 * columns with an ellipsis. Returns its width. */
static size_t cell_text(const char *s, size_t n, size_t max, struct sb *out)
{
	size_t w = 0, i = 0;
	while (i < n) {
		unsigned cp;
		size_t k = u8_decode((const unsigned char *)s + i, n - i, &cp);
		const char *show = NULL;
		size_t cw;
		if (!k) {
			show = "\xEF\xBF\xBD"; /* U+FFFD */
			k = 1;
			cw = 1;
		} else if (cp == '\n') {
			show = "\xE2\x86\xB5"; /* ↵ */
			cw = 1;
		} else if (cp < 0x20 || cp == 0x7F) {
			show = " ";
			cw = 1;
		} else {
			cw = u8_width(s + i, k);
		}
		if (max && w + cw > max - 1 && i + k < n) {
			sb_adds(out, "\xE2\x80\xA6"); /* … */
			return w + 1;
		}
		if (show)
			sb_adds(out, show);
		else
			sb_add(out, s + i, k);
		w += cw;
		i += k;
	}
	return w;
}

static void pad(struct sb *b, size_t n)
{
	while (n--)
		sb_addc(b, ' ');
}

static void table(struct out *o)
{
	size_t nc = o->cols.n;
	size_t *w = xcalloc(nc ? nc : 1, sizeof *w);
	size_t *show = xcalloc(nc ? nc : 1, sizeof *show); /* the columns shown, in order */
	size_t ns = 0;
	size_t max = o->tty ? 40 : 0;
	struct sb t = { 0 };
	char tb[DATE_BUFSZ];
	for (size_t c = 0; c < nc; c++) {
		sb_reset(&t);
		w[c] = cell_text(o->cols.name[c], strlen(o->cols.name[c]), max, &t);
	}
	for (size_t r = 0; r < o->nbuf; r++)
		for (size_t c = 0; c < nc; c++) {
			size_t n = rec_len(&o->buf[r], c);
			const char *v = for_people(rec_get(&o->buf[r], c), &n, tb);
			sb_reset(&t);
			size_t cw = cell_text(v, n, max, &t);
			if (cw > w[c])
				w[c] = cw;
		}
	if (o->fit && o->tty) {
		/* the columns asked for first, then the others, as long as the
		 * line fits the terminal */
		bool *taken = xcalloc(nc ? nc : 1, sizeof *taken);
		size_t width = term_width(), used = 0;
		for (int pass = 0; pass < 2; pass++)
			for (size_t k = 0; k < nc; k++) {
				size_t c = k;
				if (!pass) {
					if (!o->fit[k])
						break;
					long f = hdr_find(&o->cols, o->fit[k]);
					if (f < 0)
						continue;
					c = (size_t)f;
				}
				if (taken[c])
					continue;
				size_t need = w[c] + (ns ? 2 : 0);
				if (ns && used + need > width)
					continue;
				taken[c] = true;
				show[ns++] = c;
				used += need;
			}
		if (ns < nc)
			crm_warnx("%zu of %zu columns shown to fit the terminal; -f FIELDS or --wide for others",
				  ns, nc);
		free(taken);
	} else {
		for (size_t c = 0; c < nc; c++)
			show[ns++] = c;
	}
	for (size_t r = 0; r <= o->nbuf; r++) {
		for (size_t k = 0; k < ns; k++) {
			size_t c = show[k];
			const char *s = r ? rec_get(&o->buf[r - 1], c) : o->cols.name[c];
			size_t n = r ? rec_len(&o->buf[r - 1], c) : strlen(s);
			if (r)
				s = for_people(s, &n, tb);
			sb_reset(&t);
			size_t cw = cell_text(s, n, max, &t);
			bool last = k + 1 == ns;
			if (k)
				sb_adds(&o->line, "  ");
			if (!r && o->color)
				sb_adds(&o->line, "\033[1m");
			if (o->numeric[c] && r) {
				pad(&o->line, w[c] - cw);
				sb_add(&o->line, t.s, t.len);
			} else {
				sb_add(&o->line, t.s, t.len);
				if (!last)
					pad(&o->line, w[c] - cw);
			}
			if (!r && o->color)
				sb_adds(&o->line, "\033[0m");
		}
		sb_addc(&o->line, '\n');
		emit(o);
	}
	sb_free(&t);
	free(show);
	free(w);
}

/* A cell of a Markdown table: what a wiki would read as markup is made
 * inert. '|' and '`' (a cell's end, a code span) and '\\' (which would
 * escape them) get a backslash; '<', '>' and '&' (HTML, which wikis let
 * through) become entities; a line break is the only HTML written. */
static void md_put(struct sb *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '|' || s[i] == '`' || s[i] == '\\') {
			sb_addc(b, '\\');
			sb_addc(b, s[i]);
		} else if (s[i] == '<')
			sb_adds(b, "&lt;");
		else if (s[i] == '>')
			sb_adds(b, "&gt;");
		else if (s[i] == '&')
			sb_adds(b, "&amp;");
		else if (s[i] == '\n')
			sb_adds(b, "<br>");
		else if (s[i] == '\r')
			continue;
		else
			sb_addc(b, s[i]);
	}
}

static void markdown(struct out *o)
{
	size_t nc = o->cols.n;
	for (size_t r = 0; r <= o->nbuf; r++) {
		sb_addc(&o->line, '|');
		for (size_t c = 0; c < nc; c++) {
			sb_addc(&o->line, ' ');
			char tb[DATE_BUFSZ];
			size_t n = r ? rec_len(&o->buf[r - 1], c) : strlen(o->cols.name[c]);
			const char *v = r ? for_people(rec_get(&o->buf[r - 1], c), &n, tb) : o->cols.name[c];
			md_put(&o->line, v, n);
			sb_adds(&o->line, " |");
		}
		sb_addc(&o->line, '\n');
		if (!r) {
			sb_addc(&o->line, '|');
			for (size_t c = 0; c < nc; c++)
				sb_adds(&o->line, o->numeric[c] ? " ---: |" : " --- |");
			sb_addc(&o->line, '\n');
		}
		emit(o);
	}
}

static void html(struct out *o)
{
	size_t nc = o->cols.n;
	sb_adds(&o->line, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>crm</title>\n"
			  "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
			  "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
			  "td.n{text-align:right}</style></head><body>\n<table>\n<tr>");
	for (size_t c = 0; c < nc; c++) {
		sb_adds(&o->line, "<th>");
		html_put(&o->line, o->cols.name[c], strlen(o->cols.name[c]));
		sb_adds(&o->line, "</th>");
	}
	sb_adds(&o->line, "</tr>\n");
	for (size_t r = 0; r < o->nbuf; r++) {
		sb_adds(&o->line, "<tr>");
		for (size_t c = 0; c < nc; c++) {
			sb_adds(&o->line, o->numeric[c] ? "<td class=\"n\">" : "<td>");
			char tb[DATE_BUFSZ];
			size_t n = rec_len(&o->buf[r], c);
			const char *v = for_people(rec_get(&o->buf[r], c), &n, tb);
			html_put(&o->line, v, n);
			sb_adds(&o->line, "</td>");
		}
		sb_adds(&o->line, "</tr>\n");
		emit(o);
	}
	sb_adds(&o->line, "</table>\n</body></html>\n");
	emit(o);
}

void out_close(struct out *o)
{
	if (!o)
		return;
	switch (o->f) {
	case FMT_JSON:
		if (o->rows == 0)
			header(o);
		sb_adds(&o->line, o->rows ? "\n]\n" : "]\n");
		emit(o);
		break;
	case FMT_TABLE:
		if (o->nbuf)
			table(o);
		break;
	case FMT_MD:
		markdown(o);
		break;
	case FMT_HTML:
		html(o);
		break;
	case FMT_CSV:
	case FMT_TSV:
		if (o->rows == 0)
			header(o);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < o->cap; i++)
		rec_free(&o->buf[i]);
	free(o->buf);
	free(o->numeric);
	hdr_free(&o->cols);
	sb_free(&o->line);
	sb_free(&o->cell);
	free(o);
}

/* -- report tables -- */

void table_init(struct table *t, const char *title)
{
	memset(t, 0, sizeof *t);
	snprintf(t->title, sizeof t->title, "%s", title);
	t->chart_label = t->chart_value = t->chart_series = -1;
}

void table_cols(struct table *t, const char *const *colnames, const char *kinds)
{
	for (size_t i = 0; colnames[i] && t->cols.n < TABLE_MAXCOLS; i++) {
		t->numeric[t->cols.n] = kinds[i] == 'n';
		hdr_add(&t->cols, colnames[i]);
	}
}

struct rec *table_row(struct table *t)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		t->rows = xrealloc(t->rows, cap * sizeof *t->rows);
		memset(t->rows + t->cap, 0, (cap - t->cap) * sizeof *t->rows);
		t->cap = cap;
	}
	rec_clear(&t->rows[t->n]);
	return &t->rows[t->n++];
}

void cell_str(struct rec *r, const char *s)
{
	rec_push(r, s, strlen(s));
}

void cell_num(struct rec *r, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	cell_str(r, b);
}

void cell_money(struct rec *r, long long minor, const char *cur)
{
	char b[MONEY_BUFSZ];
	money_fmt(minor, cur, false, b);
	cell_str(r, b);
}

void cell_pct(struct rec *r, long long num, long long den)
{
	if (!den) {
		cell_str(r, "");
		return;
	}
	long long t = (num * 2000 + (num >= 0 ? den : -den)) / (2 * den);
	char b[32];
	snprintf(b, sizeof b, "%s%lld.%lld", t < 0 ? "-" : "", llabs(t) / 10, llabs(t) % 10);
	cell_str(r, b);
}

void cell_time(struct rec *r, int64_t t)
{
	char b[DATE_BUFSZ] = "";
	if (t != INT64_MIN)
		date_fmt(t, b);
	cell_str(r, b);
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		rec_free(&t->rows[i]);
	free(t->rows);
	free(t->marked);
	hdr_free(&t->cols);
	memset(t, 0, sizeof *t);
}

/* "1234567.89" -> "1,234,567.89" for people. */
static void grouped(const char *s, char *out, size_t n)
{
	const char *p = s;
	size_t k = 0;
	if (*p == '-' || *p == '+')
		out[k++] = *p++;
	size_t digits = strspn(p, "0123456789");
	for (size_t i = 0; i < digits && k + 2 < n; i++) {
		if (i && (digits - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = p[i];
	}
	snprintf(out + k, n - k, "%s", p + digits);
}

void table_chart_row(struct table *t, size_t i)
{
	void *p = t->marked;
	xgrow0(&p, &t->mcap, i + 1, sizeof *t->marked);
	t->marked = p;
	t->marked[i] = true;
}

static double num_of(const char *s)
{
	return strtod(s, NULL);
}

/* The chart of a table: a bar per label (the sum of its rows' values),
 * in a series per value of the series column when there is one. */
static void html_chart(struct sb *b, const struct table *t)
{
	if (t->chart_label < 0 || t->chart_value < 0 || !t->n)
		return;
	size_t rows = t->chart_n && t->chart_n < t->n ? t->chart_n : t->n;
	const char **labels = xcalloc(rows, sizeof *labels), **series = xcalloc(rows + 1, sizeof *series);
	size_t nl = 0, ns = 0;
	for (size_t i = 0; i < rows; i++) {
		const char *l = rec_get(&t->rows[i], (size_t)t->chart_label);
		if (!*l)
			continue; /* a row without a label (a rate) is no bar */
		size_t k = 0;
		while (k < nl && strcmp(labels[k], l))
			k++;
		if (k == nl)
			labels[nl++] = l; /* every period gets a bar, 0 high when empty */
		const char *sn = t->chart_series >= 0 ? rec_get(&t->rows[i], (size_t)t->chart_series) : "";
		if (t->chart_series >= 0 && !*sn)
			continue;
		for (k = 0; k < ns && strcmp(series[k], sn); k++)
			;
		if (k == ns)
			series[ns++] = sn;
	}
	if (!ns)
		series[ns++] = "";
	double *vals = xcalloc(nl * ns + 1, sizeof *vals);
	/* of several series, a label without a row of one has no bar of it */
	for (size_t i = 0; ns > 1 && i < nl * ns; i++)
		vals[i] = NAN;
	for (size_t i = 0; i < rows; i++) {
		const char *l = rec_get(&t->rows[i], (size_t)t->chart_label);
		if (!*l || (t->chart_marked && (i >= t->mcap || !t->marked[i])))
			continue;
		const char *sn = t->chart_series >= 0 ? rec_get(&t->rows[i], (size_t)t->chart_series) : "";
		size_t k = 0, s = 0;
		while (k < nl && strcmp(labels[k], l))
			k++;
		while (s < ns && strcmp(series[s], sn))
			s++;
		if (s < ns && isnan(vals[s * nl + k]))
			vals[s * nl + k] = 0;
		if (s < ns)
			vals[s * nl + k] += num_of(rec_get(&t->rows[i], (size_t)t->chart_value));
	}
	char title[256];
	if (*t->period)
		snprintf(title, sizeof title, "%s, %s", t->title, t->period);
	else
		snprintf(title, sizeof title, "%s", t->title);
	struct chart c = { .title = title, .unit = t->cols.name[t->chart_value], .labels = labels,
			   .n = nl, .series = series, .ns = ns, .v = vals, .across = t->chart_across };
	chart_svg(b, &c);
	free(labels);
	free(series);
	free(vals);
}

static const char page_css[] =
	"body{font-family:sans-serif;color:#222;margin:1em auto;max-width:62em;padding:0 1em}"
	"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em}"
	"p.meta,p.note{color:#555}div.wide{overflow-x:auto}"
	"table{border-collapse:collapse;margin:.5em 0}"
	"td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"svg{display:block;height:auto;margin:.6em 0}"
	"@media print{body{max-width:none;margin:0}h2{break-after:avoid}svg,table{break-inside:avoid}}";

/* The head of a page, its <h1> and what it covers and when it was made. */
static void html_head(struct sb *b, const char *title, const char *period)
{
	sb_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	html_put(b, title, strlen(title));
	sb_printf(b, "</title>\n<style>%s</style></head><body>\n<h1>", page_css);
	html_put(b, title, strlen(title));
	char made[DATE_BUFSZ];
	date_fmt_local(crm_now(), made);
	sb_adds(b, "</h1>\n<p class=\"meta\">");
	if (period && *period) {
		html_put(b, period, strlen(period));
		sb_adds(b, "; ");
	}
	sb_printf(b, "made %s</p>\n", made);
}

/* A table's chart and rows; with heading, its title as an <h2>. */
static void html_section(struct sb *b, const struct table *t, bool heading)
{
	if (heading) {
		sb_adds(b, "<h2>");
		html_put(b, t->title, strlen(t->title));
		sb_adds(b, "</h2>\n");
	}
	if (*t->note) {
		sb_adds(b, "<p class=\"note\">");
		html_put(b, t->note, strlen(t->note));
		sb_adds(b, "</p>\n");
	}
	html_chart(b, t);
	if (!t->cols.n || (!t->n && *t->note))
		return;
	sb_adds(b, "<div class=\"wide\"><table>\n<tr>");
	for (size_t c = 0; c < t->cols.n; c++) {
		sb_adds(b, "<th>");
		html_put(b, t->cols.name[c], strlen(t->cols.name[c]));
		sb_adds(b, "</th>");
	}
	sb_adds(b, "</tr>\n");
	for (size_t i = 0; i < t->n; i++) {
		sb_adds(b, "<tr>");
		for (size_t c = 0; c < t->cols.n; c++) {
			const char *v = rec_get(&t->rows[i], c);
			sb_adds(b, t->numeric[c] ? "<td class=\"n\">" : "<td>");
			if (t->numeric[c] && *v) {
				char g[64];
				grouped(v, g, sizeof g);
				html_put(b, g, strlen(g));
			} else {
				html_put(b, v, rec_len(&t->rows[i], c));
			}
			sb_adds(b, "</td>");
		}
		sb_adds(b, "</tr>\n");
	}
	sb_adds(b, "</table></div>\n");
}

static void html_out(struct sb *b)
{
	sb_adds(b, "</body></html>\n");
	if (fwrite(b->s, 1, b->len, stdout) != b->len)
		crm_flush_stdout();
	sb_free(b);
}

static void html_page(const struct table *t)
{
	struct sb b = { 0 };
	html_head(&b, t->title, t->period);
	html_section(&b, t, false);
	html_out(&b);
}

/* A bar of eighths of a block, v of max in 20 blocks. */
static void bar(struct sb *s, double v, double max)
{
	static const char *const part[] = { "", "\xE2\x96\x8F", "\xE2\x96\x8E", "\xE2\x96\x8D",
					    "\xE2\x96\x8C", "\xE2\x96\x8B", "\xE2\x96\x8A", "\xE2\x96\x89" };
	int eighths = max > 0 && v > 0 ? (int)(v / max * 160 + 0.5) : 0;
	for (int k = 0; k < eighths / 8; k++)
		sb_adds(s, "\xE2\x96\x88");
	sb_adds(s, part[eighths % 8]);
}

void table_print(const struct table *t, const char *format, int color)
{
	enum fmt f = fmt_choose(format, FMT_CSV, FMTS_TABLE);
	if (f == FMT_HTML) {
		html_page(t);
		return;
	}
	bool human = f == FMT_TABLE || f == FMT_MD;
	struct hdr h = { 0 };
	hdr_copy(&h, &t->cols);
	bool num[TABLE_MAXCOLS + 1];
	memcpy(num, t->numeric, sizeof t->numeric);
	bool with_bar = f == FMT_TABLE && t->chart_value >= 0 && !t->no_bar;
	if (with_bar) {
		hdr_add(&h, "");
		num[h.n - 1] = false;
	}
	double max = 0;
	for (size_t i = 0; with_bar && i < t->n; i++) {
		if ((t->chart_marked && (i >= t->mcap || !t->marked[i])) || (t->chart_n && i >= t->chart_n))
			continue;
		double v = num_of(rec_get(&t->rows[i], (size_t)t->chart_value));
		if (v > max)
			max = v;
	}
	struct out *o = out_open(f, &h, num, fmt_color(color));
	struct rec r = { 0 };
	struct sb s = { 0 };
	for (size_t i = 0; i < t->n; i++) {
		rec_clear(&r);
		for (size_t c = 0; c < t->cols.n; c++) {
			const char *v = rec_get(&t->rows[i], c);
			if (human && t->numeric[c] && *v) {
				char g[64];
				grouped(v, g, sizeof g);
				cell_str(&r, g);
			} else {
				rec_push(&r, v, rec_len(&t->rows[i], c));
			}
		}
		if (with_bar) {
			sb_reset(&s);
			if ((!t->chart_marked || (i < t->mcap && t->marked[i])) &&
			    (!t->chart_n || i < t->chart_n))
				bar(&s, num_of(rec_get(&t->rows[i], (size_t)t->chart_value)), max);
			rec_push(&r, sb_str(&s), s.len);
		}
		out_row(o, &r);
	}
	sb_free(&s);
	rec_free(&r);
	out_close(o);
	hdr_free(&h);
}

/* -- iCalendar -- */

/* Append the content line line[0..n) to b, folded at 75 octets. */
static void ics_line(struct sb *b, const char *line, size_t n)
{
	size_t room = 75;
	while (n > room) {
		size_t k = room;
		while (k > 0 && ((unsigned char)line[k] & 0xC0) == 0x80)
			k--; /* not inside a UTF-8 character */
		sb_add(b, line, k);
		sb_adds(b, "\r\n ");
		line += k;
		n -= k;
		room = 74; /* the space that starts a continuation is one of 75 */
	}
	sb_add(b, line, n);
	sb_adds(b, "\r\n");
}

void ics_prop(struct sb *b, const char *name, const char *value, bool text)
{
	struct sb l = { 0 };
	sb_adds(&l, name);
	sb_addc(&l, ':');
	for (const char *p = value; *p; p++) {
		if (!text) {
			sb_addc(&l, *p);
		} else if (*p == '\\' || *p == ';' || *p == ',') {
			sb_addc(&l, '\\');
			sb_addc(&l, *p);
		} else if (*p == '\r') {
			if (p[1] != '\n')
				sb_adds(&l, "\\n");
		} else if (*p == '\n') {
			sb_adds(&l, "\\n");
		} else if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			sb_addc(&l, ' '); /* no other control character is TEXT */
		} else {
			sb_addc(&l, *p);
		}
	}
	ics_line(b, l.s, l.len);
	sb_free(&l);
}

void ics_time(struct sb *b, const char *name, int64_t t)
{
	char d[DATE_BUFSZ], v[20];
	date_fmt(t, d); /* YYYY-MM-DDThh:mm:ssZ */
	snprintf(v, sizeof v, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", d, d + 5, d + 8, d + 11, d + 14, d + 17);
	ics_prop(b, name, v, false);
}

void ics_day(struct sb *b, const char *name, int64_t t)
{
	char d[DATE_BUFSZ], v[10], n[64];
	date_fmt_day(t, d); /* YYYY-MM-DD, in the zone */
	snprintf(v, sizeof v, "%.4s%.2s%.2s", d, d + 5, d + 8);
	snprintf(n, sizeof n, "%s;VALUE=DATE", name);
	ics_prop(b, n, v, false);
}

void ics_begin(struct sb *b, const char *prodid, const char *name)
{
	ics_prop(b, "BEGIN", "VCALENDAR", false);
	ics_prop(b, "VERSION", "2.0", false);
	ics_prop(b, "PRODID", prodid, true);
	ics_prop(b, "CALSCALE", "GREGORIAN", false);
	if (name)
		ics_prop(b, "X-WR-CALNAME", name, true);
}

void ics_end(struct sb *b)
{
	ics_prop(b, "END", "VCALENDAR", false);
}

void tables_print(struct table *const *v, size_t n, const char *title, const char *period,
		  const char *format, int color)
{
	enum fmt f = fmt_choose(format, FMT_TABLE, FMTS_PAGE);
	if (f == FMT_HTML) {
		struct sb b = { 0 };
		html_head(&b, title, period);
		for (size_t i = 0; i < n; i++)
			html_section(&b, v[i], true);
		html_out(&b);
		return;
	}
	const char *name = f == FMT_MD ? "md" : "table";
	if (f == FMT_MD)
		printf("# %s\n\n%s\n", title, period);
	else
		printf("%s\n%s\n", title, period);
	for (size_t i = 0; i < n; i++) {
		printf(f == FMT_MD ? "\n## %s\n\n" : "\n%s\n", v[i]->title);
		/* a note said instead of rows leaves out the empty table */
		bool rows = v[i]->cols.n && (v[i]->n || !*v[i]->note);
		if (*v[i]->note)
			printf("%s\n%s", v[i]->note, rows && f == FMT_MD ? "\n" : "");
		if (rows)
			table_print(v[i], name, color);
	}
}
