/* vcard.c - vCard in (2.1, 3.0, 4.0) and out (4.0) */
#include "vcard.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "country.h"
#include "cust.h"
#include "valid.h"
#include "id.h"
#include "msg.h"
#include "utf8.h"
#include "valid.h"

const char *const vcard_columns[VC_NFIELDS] = { "id",	   "name",    "email", "phone", "company",
						"country", "city",    "tags",  "note" };

/* A PREF weight above every real one (1 to 100): "no preference". */
#define NOPREF 101

/* ---------------------------------------------------------------- lines */

static bool ieqn(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);
	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = s[i], b = word[i];
		if (a >= 'a' && a <= 'z')
			a -= 32;
		if (b >= 'a' && b <= 'z')
			b -= 32;
		if (a != b)
			return false;
	}
	return true;
}

/* Whether word occurs in s[0..n), ignoring ASCII case. */
static bool has_word(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);
	for (size_t i = 0; i + k <= n; i++)
		if (ieqn(s + i, k, word))
			return true;
	return false;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Whether the line is word (any case), white space around it allowed. */
static bool is_line(const char *s, size_t n, const char *word)
{
	trim(&s, &n);
	return ieqn(s, n, word);
}

static bool blank(const char *s, size_t n)
{
	trim(&s, &n);
	return n == 0;
}

/* The length of the line at p (rest bytes left) without its line end,
 * and in *next with it. A line ends in LF, CR LF, CR CR LF (written by
 * programs that turn LF into CR LF twice) or a lone CR (old Macs). */
static size_t line_end(const char *p, size_t rest, size_t *next)
{
	size_t i = 0;
	while (i < rest && p[i] != '\n' && p[i] != '\r')
		i++;
	*next = i;
	if (i < rest && p[i] == '\n')
		*next = i + 1;
	else if (i + 2 < rest && p[i + 1] == '\r' && p[i + 2] == '\n')
		*next = i + 3;
	else if (i + 1 < rest && p[i + 1] == '\n')
		*next = i + 2;
	else if (i < rest)
		*next = i + 1;
	return i;
}

bool vcard_sniff(const char *buf, size_t n)
{
	size_t i = 0;
	if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n) {
		size_t next, len = line_end(buf + i, n - i, &next);
		if (!blank(buf + i, len))
			return is_line(buf + i, len, "BEGIN:VCARD");
		i += next;
	}
	return false;
}

void vcardin_init(struct vcardin *in, const char *buf, size_t n)
{
	memset(in, 0, sizeof *in);
	in->buf = buf;
	in->n = n;
	in->line = 1;
	if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		in->pos = 3;
}

/* The physical line at in->pos, without its line end. Returns false at
 * the end of the input. */
static bool phys_line(struct vcardin *in, const char **s, size_t *n)
{
	if (in->pos >= in->n)
		return false;
	size_t next;
	*s = in->buf + in->pos;
	*n = line_end(*s, in->n - in->pos, &next);
	in->pos += next;
	in->line++;
	return true;
}

/* Whether the physical line at in->pos is END:VCARD. */
static bool next_is_end(const struct vcardin *in)
{
	size_t next, len = line_end(in->buf + in->pos, in->n - in->pos, &next);
	return is_line(in->buf + in->pos, len, "END:VCARD");
}

/* Whether the part of a content line before its value (the first ':' not
 * inside quotes) asks for quoted-printable. */
static bool says_qp(const char *s, size_t n)
{
	bool quoted = false;
	size_t i = 0;
	for (; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == ':' && !quoted)
			break;
	}
	return has_word(s, i, "QUOTED-PRINTABLE");
}

/* The next content line into l: a physical line and the lines folded onto
 * it (a line end followed by a space or a tab; both go). A quoted-printable
 * value that ends in '=' (a soft line break) goes on with the next physical
 * line whatever it starts with; the '=' goes. Returns the number of the
 * first physical line, 0 at the end of the input. */
static long content_line(struct vcardin *in, struct sb *l)
{
	const char *s;
	size_t n;
	long first = in->line;
	sb_reset(l);
	if (!phys_line(in, &s, &n))
		return 0;
	sb_add(l, s, n);
	bool qp = says_qp(s, n);
	for (;;) {
		if (qp && l->len && l->s[l->len - 1] == '=' && in->pos < in->n && !next_is_end(in)) {
			l->len--;
			phys_line(in, &s, &n);
			sb_add(l, s, n);
		} else if (in->pos < in->n && (in->buf[in->pos] == ' ' || in->buf[in->pos] == '\t')) {
			phys_line(in, &s, &n);
			sb_add(l, s + 1, n - 1);
		} else {
			break;
		}
	}
	sb_str(l);
	return first;
}

/* ---------------------------------------------------------------- properties */

/* A content line taken apart: [group.]NAME *(;param) : value */
struct prop {
	char name[16];     /* upper case, without the group; "" when too long to be one we read */
	int pref;          /* 1 (most wanted) to 100, NOPREF when not given */
	bool qp, b64;
	char charset[48];  /* as given, "" when not */
	const char *val;
	size_t vlen;
};

/* Apply one parameter: key=value, or (vCard 2.1) a bare value. */
static void param(struct prop *p, const char *k, size_t kn, const char *v, size_t vn)
{
	if (!v) {
		v = k;
		vn = kn;
		k = "TYPE";
		kn = 4;
		if (ieqn(v, vn, "QUOTED-PRINTABLE") || ieqn(v, vn, "BASE64")) {
			k = "ENCODING";
			kn = 8;
		}
	}
	if (ieqn(k, kn, "CHARSET")) {
		while (vn && *v == '"') {
			v++;
			vn--;
		}
		while (vn && v[vn - 1] == '"')
			vn--;
		if (vn < sizeof p->charset) {
			memcpy(p->charset, v, vn);
			p->charset[vn] = '\0';
		} else {
			strcpy(p->charset, "?"); /* no charset has such a name */
		}
		return;
	}
	if (ieqn(k, kn, "PREF")) {
		long w = 0;
		size_t i = 0;
		for (; i < vn && v[i] >= '0' && v[i] <= '9' && w <= 100; i++)
			w = w * 10 + (v[i] - '0');
		if (i == vn && w >= 1 && w <= 100 && w < p->pref)
			p->pref = (int)w;
		return;
	}
	bool type = ieqn(k, kn, "TYPE"), enc = ieqn(k, kn, "ENCODING");
	if (!type && !enc)
		return;
	/* a list: a,b or "a,b" */
	size_t i = 0;
	while (i < vn) {
		size_t j = i;
		while (j < vn && v[j] != ',' && v[j] != '"')
			j++;
		if (type && ieqn(v + i, j - i, "PREF"))
			p->pref = 1;
		if (enc && ieqn(v + i, j - i, "QUOTED-PRINTABLE"))
			p->qp = true;
		if (enc && (ieqn(v + i, j - i, "B") || ieqn(v + i, j - i, "BASE64")))
			p->b64 = true;
		i = j + 1;
	}
}

/* Take the content line s[0..n) apart. Returns false when it has no ':'. */
static bool parse_prop(const char *s, size_t n, struct prop *p)
{
	memset(p, 0, sizeof *p);
	p->pref = NOPREF;
	size_t i = 0;
	while (i < n && s[i] != ';' && s[i] != ':')
		i++;
	size_t b = 0;
	for (size_t k = 0; k < i; k++)
		if (s[k] == '.')
			b = k + 1;
	if (i - b < sizeof p->name) {
		for (size_t k = b; k < i; k++)
			p->name[k - b] = (s[k] >= 'a' && s[k] <= 'z') ? (char)(s[k] - 32) : s[k];
		p->name[i - b] = '\0';
	}
	while (i < n && s[i] == ';') {
		size_t ks = ++i;
		while (i < n && s[i] != '=' && s[i] != ';' && s[i] != ':')
			i++;
		size_t ke = i;
		if (i < n && s[i] == '=') {
			size_t vs = ++i;
			bool quoted = false;
			while (i < n && (quoted || (s[i] != ';' && s[i] != ':'))) {
				if (s[i] == '"')
					quoted = !quoted;
				i++;
			}
			param(p, s + ks, ke - ks, s + vs, i - vs);
		} else {
			param(p, s + ks, ke - ks, NULL, 0);
		}
	}
	if (i >= n || s[i] != ':')
		return false;
	p->val = s + i + 1;
	p->vlen = n - i - 1;
	return true;
}

/* The value of p as UTF-8 text (escapes not yet undone) in out. Returns
 * NULL, or why it cannot be read. */
static const char *decode(const struct prop *p, struct sb *out)
{
	sb_reset(out);
	if (p->qp)
		qp_decode(p->val, p->vlen, out);
	else
		sb_add(out, p->val, p->vlen);
	if (out->len && p->charset[0]) {
		struct sb u = { 0 };
		int k = charset_conv(p->charset, out->s, out->len, &u, NULL);
		sb_reset(out);
		sb_add(out, u.s, u.len);
		sb_free(&u);
		if (k < 0)
			return "cannot be read in its CHARSET";
	}
	if (out->len && memchr(out->s, '\0', out->len))
		return "holds a NUL byte";
	sb_str(out);
	return NULL;
}

/* Append s[0..n) with the escapes \n \N \\ \, \; \: undone; a backslash
 * before anything else stays (vCard 2.1 has no escapes but these). */
static void unescape(struct sb *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			char c = s[i + 1];
			if (c == 'n' || c == 'N') {
				sb_addc(out, '\n');
				i++;
				continue;
			}
			if (c == '\\' || c == ',' || c == ';' || c == ':') {
				sb_addc(out, c);
				i++;
				continue;
			}
		}
		sb_addc(out, s[i]);
	}
}

/* Component k (from 0) of s[0..n) split at the sep characters that are not
 * escaped. Returns false when there are fewer. */
static bool component(const char *s, size_t n, char sep, size_t k, const char **cs, size_t *cn)
{
	size_t start = 0, idx = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i + 1 < n && s[i] == '\\') {
			i++; /* the escaped character is no separator */
			continue;
		}
		if (i < n && s[i] != sep)
			continue;
		if (idx == k) {
			*cs = s + start;
			*cn = (i < n ? i : n) - start;
			return true;
		}
		idx++;
		start = i + 1;
	}
	return false;
}

/* s[0..n) unescaped and trimmed, as a new string. */
static char *text(const char *s, size_t n)
{
	struct sb b = { 0 };
	unescape(&b, s, n);
	const char *t = sb_str(&b);
	size_t tn = b.len;
	trim(&t, &tn);
	char *r = xstrndup(t, tn);
	sb_free(&b);
	return r;
}

/* Append the items of the list s[0..n) (split at unescaped sep),
 * unescaped and trimmed, the empty ones left out, to out, join before
 * each when out is not empty. */
static void items(struct sb *out, const char *s, size_t n, char sep, char join)
{
	const char *is;
	size_t in;
	for (size_t k = 0; component(s, n, sep, k, &is, &in); k++) {
		char *t = text(is, in);
		if (*t) {
			if (out->len)
				sb_addc(out, join);
			sb_adds(out, t);
		}
		free(t);
	}
}

/* ---------------------------------------------------------------- cards */

/* What is gathered while a card is read. */
struct gather {
	int pref[VC_NFIELDS];
	int adr_pref;
	bool have_n;
	struct sb n, tags, note;
	char *bad_email; /* the first EMAIL that is no address */
};

static void set_err(struct vcard *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_err(struct vcard *c, const char *fmt, ...)
{
	if (c->err)
		return;
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int k = vasprintf(&s, fmt, ap);
	va_end(ap);
	c->err = k < 0 ? xstrdup("out of memory") : s;
}

/* Keep v as field f when the card has none yet or v is preferred to it. */
static void choose(struct vcard *c, struct gather *g, enum vcard_field f, char *v, int pref)
{
	if (!*v || (c->v[f] && pref >= g->pref[f])) {
		free(v);
		return;
	}
	free(c->v[f]);
	c->v[f] = v;
	g->pref[f] = pref;
}

/* Take the decoded value v[0..n) of the property p into the card. */
static void take(struct vcard *c, struct gather *g, const struct prop *p, const char *v, size_t n)
{
	const char *cs, *cs2;
	size_t cn, cn2;
	if (!strcmp(p->name, "FN")) {
		choose(c, g, VC_NAME, text(v, n), p->pref);
	} else if (!strcmp(p->name, "N") && !g->have_n) {
		/* family;given;additional;prefix;suffix, said in the order
		 * prefix given additional family suffix */
		static const size_t order[] = { 3, 1, 2, 0, 4 };
		g->have_n = true;
		for (size_t i = 0; i < 5; i++)
			if (component(v, n, ';', order[i], &cs, &cn))
				items(&g->n, cs, cn, ',', ' ');
	} else if (!strcmp(p->name, "EMAIL")) {
		/* an Exchange path (/o=.../cn=...) or "Name <a@b>" is no
		 * address: another EMAIL of the card is taken instead, or none */
		char *e = text(v, n), *norm;
		const char *why = valid_email(e, &norm);
		free(norm);
		if (!why) {
			choose(c, g, VC_EMAIL, e, p->pref);
		} else if (!g->bad_email && *e) {
			g->bad_email = e;
		} else {
			free(e);
		}
	} else if (!strcmp(p->name, "TEL")) {
		/* 4.0 prefers the number as a URI: tel:+420-777-000-111 */
		if (n > 4 && ieqn(v, 4, "TEL:")) {
			v += 4;
			n -= 4;
		}
		choose(c, g, VC_PHONE, text(v, n), p->pref);
	} else if (!strcmp(p->name, "ORG") && !c->v[VC_COMPANY]) {
		if (!component(v, n, ';', 0, &cs, &cn))
			cs = "", cn = 0;
		char *t = text(cs, cn);
		if (*t)
			c->v[VC_COMPANY] = t;
		else
			free(t);
	} else if (!strcmp(p->name, "ADR")) {
		/* box;extended;street;locality;region;code;country */
		if (!component(v, n, ';', 3, &cs, &cn))
			cs = "", cn = 0;
		if (!component(v, n, ';', 6, &cs2, &cn2))
			cs2 = "", cn2 = 0;
		char *city = text(cs, cn), *country = text(cs2, cn2);
		if ((*city || *country) && (!c->v[VC_CITY] || p->pref < g->adr_pref)) {
			free(c->v[VC_CITY]);
			free(c->v[VC_COUNTRY]);
			c->v[VC_CITY] = city;
			c->v[VC_COUNTRY] = country;
			g->adr_pref = p->pref;
		} else {
			free(city);
			free(country);
		}
	} else if (!strcmp(p->name, "CATEGORIES")) {
		items(&g->tags, v, n, ',', ';');
	} else if (!strcmp(p->name, "NOTE")) {
		struct sb t = { 0 };
		unescape(&t, v, n);
		/* a line break of a decoded value (=0D=0A) is a LF, as in every
		 * other text field */
		size_t k = 0;
		for (size_t i = 0; i < t.len; i++) {
			if (t.s[i] == '\r' && i + 1 < t.len && t.s[i + 1] == '\n')
				continue;
			t.s[k++] = t.s[i] == '\r' ? '\n' : t.s[i];
		}
		t.len = k;
		if (t.len) {
			if (g->note.len)
				sb_addc(&g->note, '\n');
			sb_add(&g->note, t.s, t.len);
		}
		sb_free(&t);
	} else if (!strcmp(p->name, "UID") && !c->v[VC_ID]) {
		char *t = text(v, n);
		if (id_valid(t)) {
			for (char *q = t; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q += 32;
			c->v[VC_ID] = t;
		} else {
			free(t);
		}
	}
}

static bool wanted(const char *name)
{
	static const char *const names[] = { "FN",	   "N",	   "EMAIL", "TEL", "ORG",
					     "ADR",	   "NOTE", "UID",   "CATEGORIES" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* Add a warning to the card's (joined with "; "). */
static void add_warn(struct vcard *c, const char *w)
{
	if (!c->warn) {
		c->warn = xstrdup(w);
		return;
	}
	struct sb b = { 0 };
	sb_printf(&b, "%s; %s", c->warn, w);
	free(c->warn);
	c->warn = xstrdup(b.s);
	sb_free(&b);
}

/* Fill in what the card lacks and what follows from the whole card. */
static void finish(struct vcard *c, struct gather *g)
{
	if (!c->v[VC_NAME] && g->n.len)
		c->v[VC_NAME] = xstrdup(g->n.s);
	if (g->tags.len)
		c->v[VC_TAGS] = xstrdup(g->tags.s);
	if (g->note.len)
		c->v[VC_NOTE] = xstrdup(g->note.s);
	for (size_t i = 0; i < VC_NFIELDS; i++)
		if (!c->v[i])
			c->v[i] = xstrdup("");
	if (!*c->v[VC_NAME])
		set_err(c, "card has no name");
	if (!*c->v[VC_EMAIL] && g->bad_email) {
		/* shown as UTF-8, a byte that is not as '?' */
		struct sb w = { 0 }, shown = { 0 };
		const unsigned char *e = (const unsigned char *)g->bad_email;
		for (size_t i = 0, n = strlen(g->bad_email), k; i < n; i += k) {
			unsigned cp;
			k = u8_decode(e + i, n - i, &cp);
			sb_add(&shown, k ? (const char *)e + i : "?", k ? k : 1);
			k = k ? k : 1;
		}
		sb_adds(&w, "e-mail ");
		valid_quote(&w, sb_str(&shown), shown.len);
		sb_free(&shown);
		sb_adds(&w, " is not an address; left empty");
		add_warn(c, w.s);
		sb_free(&w);
	}
	char code[3];
	if (*c->v[VC_COUNTRY]) {
		/* ADR holds a country's name: "UK" there is one (GB) */
		if (country_code(c->v[VC_COUNTRY], code) && valid_country_code(code)) {
			free(c->v[VC_COUNTRY]);
			c->v[VC_COUNTRY] = xstrdup(code);
		} else {
			struct sb w = { 0 };
			sb_printf(&w, "country '%s' is not a known name or code; left empty", c->v[VC_COUNTRY]);
			add_warn(c, w.s);
			sb_free(&w);
			free(c->v[VC_COUNTRY]);
			c->v[VC_COUNTRY] = xstrdup("");
		}
	}
}

/* Skip to the next BEGIN:VCARD. Lines that are not blank on the way make
 * a refused card of their own (returned as true). */
static bool seek_begin(struct vcardin *in, struct vcard *c, struct sb *l, bool *end)
{
	*end = false;
	for (;;) {
		size_t pos = in->pos;
		long line = in->line;
		long at = content_line(in, l);
		if (!at) {
			*end = true;
			return c->err != NULL;
		}
		if (blank(l->s, l->len))
			continue;
		if (is_line(l->s, l->len, "BEGIN:VCARD")) {
			if (c->err) {
				in->pos = pos;
				in->line = line;
				return true;
			}
			c->line = at;
			return false;
		}
		if (!c->err) {
			c->line = at;
			set_err(c, "expected BEGIN:VCARD");
		}
	}
}

int vcard_next(struct vcardin *in, struct vcard *c)
{
	memset(c, 0, sizeof *c);
	struct sb l = { 0 }, val = { 0 };
	bool end;
	if (seek_begin(in, c, &l, &end) || end) {
		sb_free(&l);
		if (!c->err)
			return 0;
		for (size_t i = 0; i < VC_NFIELDS; i++)
			c->v[i] = xstrdup("");
		return 1;
	}
	struct gather g = { 0 };
	for (;;) {
		size_t pos = in->pos;
		long line = in->line;
		long at = content_line(in, &l);
		if (!at) {
			set_err(c, "card has no END:VCARD");
			break;
		}
		if (blank(l.s, l.len))
			continue;
		if (is_line(l.s, l.len, "END:VCARD"))
			break;
		if (is_line(l.s, l.len, "BEGIN:VCARD")) {
			/* the card before it was cut short: it is read anew */
			in->pos = pos;
			in->line = line;
			set_err(c, "card has no END:VCARD");
			break;
		}
		struct prop p;
		if (!parse_prop(l.s, l.len, &p)) {
			set_err(c, "line %ld: no ':' after the property name", at);
			continue;
		}
		if (!wanted(p.name) || p.b64)
			continue;
		const char *bad = decode(&p, &val);
		if (bad) {
			set_err(c, "line %ld: %s: %s", at, p.name, bad);
			continue;
		}
		take(c, &g, &p, val.s, val.len);
	}
	finish(c, &g);
	free(g.bad_email);
	sb_free(&g.n);
	sb_free(&g.tags);
	sb_free(&g.note);
	sb_free(&l);
	sb_free(&val);
	return 1;
}

void vcard_free(struct vcard *c)
{
	for (size_t i = 0; i < VC_NFIELDS; i++)
		free(c->v[i]);
	free(c->err);
	free(c->warn);
	memset(c, 0, sizeof *c);
}

/* ---------------------------------------------------------------- writing */

/* Append s as vCard text: \ , ; escaped, a line break as \n. */
static void esc(struct sb *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\': sb_adds(b, "\\\\"); break;
		case ',': sb_adds(b, "\\,"); break;
		case ';': sb_adds(b, "\\;"); break;
		case '\r':
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
			/* fall through */
		case '\n': sb_adds(b, "\\n"); break;
		default: sb_addc(b, s[i]);
		}
	}
}

/* Append the content line s[0..n) to out, folded so no physical line is
 * longer than 75 octets (the space that starts a continuation counts),
 * never inside a UTF-8 sequence, each ended by CR LF. */
static void put_folded(struct sb *out, const char *s, size_t n)
{
	size_t i = 0, room = 75;
	for (;;) {
		size_t end = n - i <= room ? n : i + room;
		if (end < n) {
			size_t e = end;
			while (e > i && ((unsigned char)s[e] & 0xC0) == 0x80)
				e--;
			if (e > i)
				end = e;
		}
		sb_add(out, s + i, end - i);
		sb_adds(out, "\r\n");
		i = end;
		if (i >= n)
			return;
		sb_addc(out, ' ');
		room = 74;
	}
}

static void put_prop(struct sb *out, struct sb *l)
{
	put_folded(out, l->s, l->len);
	sb_reset(l);
}

static void trim_str(const char **s, size_t *n)
{
	*n = strlen(*s);
	trim(s, n);
}

void vcard_put(struct sb *out, const struct hdr *cols, const struct rec *r)
{
	const char *f[VC_NFIELDS];
	for (size_t i = 0; i < VC_NFIELDS; i++) {
		long c = hdr_find(cols, vcard_columns[i]);
		f[i] = c >= 0 ? rec_get(r, (size_t)c) : "";
	}
	struct sb l = { 0 };
	sb_adds(out, "BEGIN:VCARD\r\nVERSION:4.0\r\n");
	if (*f[VC_ID]) {
		sb_adds(&l, "UID;VALUE=text:");
		esc(&l, f[VC_ID], strlen(f[VC_ID]));
		put_prop(out, &l);
	}
	const char *name = f[VC_NAME];
	size_t nn;
	trim_str(&name, &nn);
	sb_adds(&l, "FN:");
	esc(&l, name, nn);
	put_prop(out, &l);
	/* N: the last word is taken for the family name, the rest for the
	 * given name; a name of one word gives no N (it is optional in 4.0) */
	size_t sp = nn;
	while (sp && name[sp - 1] != ' ' && name[sp - 1] != '\t')
		sp--;
	if (sp) {
		const char *given = name;
		size_t gn = sp;
		trim(&given, &gn);
		sb_adds(&l, "N:");
		esc(&l, name + sp, nn - sp);
		sb_addc(&l, ';');
		esc(&l, given, gn);
		sb_adds(&l, ";;;");
		put_prop(out, &l);
	}
	static const struct {
		enum vcard_field f;
		const char *prop;
	} plain[] = { { VC_EMAIL, "EMAIL:" }, { VC_PHONE, "TEL:" }, { VC_COMPANY, "ORG:" } };
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		const char *v = f[plain[i].f];
		size_t vn;
		trim_str(&v, &vn);
		if (!vn)
			continue;
		sb_adds(&l, plain[i].prop);
		esc(&l, v, vn);
		put_prop(out, &l);
	}
	if (*f[VC_CITY] || *f[VC_COUNTRY]) {
		sb_adds(&l, "ADR:;;;");
		esc(&l, f[VC_CITY], strlen(f[VC_CITY]));
		sb_adds(&l, ";;;");
		esc(&l, f[VC_COUNTRY], strlen(f[VC_COUNTRY]));
		put_prop(out, &l);
	}
	const char *t = f[VC_TAGS];
	sb_adds(&l, "CATEGORIES:");
	size_t mark = l.len;
	while (*t) {
		const char *e = strchr(t, ';');
		size_t n = e ? (size_t)(e - t) : strlen(t);
		const char *item = t;
		trim(&item, &n);
		if (n) {
			if (l.len > mark)
				sb_addc(&l, ',');
			esc(&l, item, n);
		}
		t = e ? e + 1 : t + strlen(t);
	}
	if (l.len > mark)
		put_prop(out, &l);
	else
		sb_reset(&l);
	if (*f[VC_NOTE]) {
		sb_adds(&l, "NOTE:");
		esc(&l, f[VC_NOTE], strlen(f[VC_NOTE]));
		put_prop(out, &l);
	}
	sb_adds(out, "END:VCARD\r\n");
	sb_free(&l);
}
