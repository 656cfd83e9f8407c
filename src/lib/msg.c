/* msg.c - reading mail: headers, dates, addresses, MIME, RFC 2047, mbox */
#include "msg.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "utf8.h"

#define REPLACEMENT "\xEF\xBF\xBD"

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* True when s[0..n) starts with the ASCII word w, in any case. */
static bool prefix_ieq(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(s[i]) != lower(w[i]))
			return false;
	return true;
}

/* Append s[0..n) as valid UTF-8: a bad byte becomes U+FFFD, NUL a space. */
static void clean(const char *s, size_t n, struct sb *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t run = i;
		/* plain ASCII goes in runs */
		while (run < n && u[run] && u[run] < 0x80)
			run++;
		sb_add(out, s + i, run - i);
		i = run;
		if (i >= n)
			break;
		if (!u[i]) {
			sb_addc(out, ' ');
			i++;
			continue;
		}
		unsigned cp;
		size_t k = u8_decode(u + i, n - i, &cp);
		if (k) {
			sb_add(out, s + i, k);
			i += k;
		} else {
			sb_adds(out, REPLACEMENT);
			i++;
		}
	}
}

/* ---- header fields ---- */

static void add_field(struct msg *m, const char *name, size_t nl, const char *v, size_t vl)
{
	void *p = m->f;
	xgrow(&p, &m->cap, m->nf + 1, sizeof *m->f);
	m->f = p;
	char *val = xstrndup(v, vl);
	/* a NUL would cut the value short for every reader */
	for (size_t i = 0; i < vl; i++)
		if (!val[i])
			val[i] = ' ';
	m->f[m->nf++] = (struct msg_field){ xstrndup(name, nl), val };
}

/* The length of the line at s (n bytes left) without its line end, and in
 * *next the length with it. */
static size_t line_len(const char *s, size_t n, size_t *next)
{
	const char *e = memchr(s, '\n', n);
	size_t len = e ? (size_t)(e - s) : n;
	*next = e ? len + 1 : n;
	if (len && s[len - 1] == '\r')
		len--;
	return len;
}

/* Split a message; lenient (a MIME part): a first line that is no field
 * makes the whole text the body. */
static int parse(const char *buf, size_t n, struct msg *m, bool lenient, char *err, size_t err_size)
{
	memset(m, 0, sizeof *m);
	size_t i = 0;
	struct sb val = { 0 };
	const char *name = NULL;
	size_t nl = 0;
	while (i < n) {
		size_t next, len = line_len(buf + i, n - i, &next);
		const char *l = buf + i;
		if (len == 0) {
			i += next;
			break;
		}
		if ((l[0] == ' ' || l[0] == '\t') && name) {
			sb_add(&val, l, len);
			i += next;
			continue;
		}
		size_t k = 0;
		while (k < len && l[k] != ':' && (unsigned char)l[k] > ' ' && (unsigned char)l[k] < 127)
			k++;
		size_t c = k;
		while (c < len && (l[c] == ' ' || l[c] == '\t')) /* obsolete: space before the colon */
			c++;
		if (c >= len || l[c] != ':' || k == 0) {
			if (!m->nf && !name) {
				if (lenient) {
					m->body = buf;
					m->blen = n;
					sb_free(&val);
					return 0;
				}
				snprintf(err, err_size, "no header");
				sb_free(&val);
				return -1;
			}
			/* a stray line among the fields: skipped */
			i += next;
			continue;
		}
		if (name)
			add_field(m, name, nl, val.s ? val.s : "", val.len);
		name = l;
		nl = k;
		sb_reset(&val);
		size_t v = c + 1;
		while (v < len && (l[v] == ' ' || l[v] == '\t'))
			v++;
		sb_add(&val, l + v, len - v);
		i += next;
	}
	if (name)
		add_field(m, name, nl, val.s ? val.s : "", val.len);
	sb_free(&val);
	if (!m->nf && !lenient) {
		snprintf(err, err_size, n ? "no header" : "empty message");
		return -1;
	}
	m->body = buf + i;
	m->blen = n - i;
	return 0;
}

int msg_parse(const char *buf, size_t n, struct msg *m, char *err, size_t err_size)
{
	return parse(buf, n, m, false, err, err_size);
}

void msg_free(struct msg *m)
{
	for (size_t i = 0; i < m->nf; i++) {
		free(m->f[i].name);
		free(m->f[i].value);
	}
	free(m->f);
	memset(m, 0, sizeof *m);
}

const char *msg_get(const struct msg *m, const char *name)
{
	for (size_t i = 0; i < m->nf; i++)
		if (ascii_ieq(m->f[i].name, name))
			return m->f[i].value;
	return NULL;
}

/* ---- charsets and transfer encodings ---- */

static iconv_t cached_cd = (iconv_t)-1;
static char cached_cs[64];

void charset_to_utf8(const char *cs, const char *s, size_t n, struct sb *out)
{
	char name[64];
	charset_name(cs, name, sizeof name);
	size_t k = strlen(name);
	if (!k || charset_is_utf8(name)) {
		clean(s, n, out);
		return;
	}
	if (cached_cd == (iconv_t)-1 || strcmp(cached_cs, name)) {
		if (cached_cd != (iconv_t)-1)
			iconv_close(cached_cd);
		cached_cs[0] = '\0';
		cached_cd = iconv_open("UTF-8", name);
		if (cached_cd == (iconv_t)-1) {
			clean(s, n, out);
			return;
		}
		memcpy(cached_cs, name, k + 1);
	}
	iconv(cached_cd, NULL, NULL, NULL, NULL);
	struct sb tmp = { 0 };
	char *in = (char *)s;
	size_t left = n;
	char buf[4096];
	while (left) {
		char *o = buf;
		size_t ol = sizeof buf;
		size_t r = iconv(cached_cd, &in, &left, &o, &ol);
		sb_add(&tmp, buf, (size_t)(o - buf));
		if (r == (size_t)-1 && errno != E2BIG) {
			/* a byte the charset does not have, or a cut sequence */
			sb_adds(&tmp, REPLACEMENT);
			in++;
			left--;
			iconv(cached_cd, NULL, NULL, NULL, NULL);
		}
	}
	char *o = buf;
	size_t ol = sizeof buf;
	iconv(cached_cd, NULL, NULL, &o, &ol);
	sb_add(&tmp, buf, (size_t)(o - buf));
	clean(tmp.s ? tmp.s : "", tmp.len, out);
	sb_free(&tmp);
}

void qp_decode(const char *s, size_t n, struct sb *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue; /* a hard line break: its LF comes next */
		if (s[i] != '=') {
			sb_addc(out, s[i]);
			continue;
		}
		/* a soft line break: '=' and spaces before the line end */
		size_t k = i + 1;
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k < n && s[k] == '\r')
			k++;
		if (k < n && s[k] == '\n') {
			i = k;
			continue;
		}
		if (k >= n) {
			i = n;
			continue;
		}
		int h, l;
		if (i + 2 < n && (h = hexval(s[i + 1])) >= 0 && (l = hexval(s[i + 2])) >= 0) {
			sb_addc(out, (char)(h << 4 | l));
			i += 2;
		} else {
			sb_addc(out, '=');
		}
	}
}

void b64_decode(const char *s, size_t n, struct sb *out)
{
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (is_digit(c))
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			continue;
		acc = (acc << 6 | (unsigned)v) & 0xFFFFFF;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sb_addc(out, (char)(acc >> bits & 0xFF));
		}
	}
}

/* ---- RFC 2047 ---- */

/* An encoded word at s: its length (0 when there is none), the charset
 * and the text decoded to bytes (appended to raw). */
static size_t enc_word(const char *s, size_t n, char *cs, size_t cs_size, struct sb *raw)
{
	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	size_t i = 2, k = 0;
	while (i < n && s[i] != '?' && !is_ws(s[i]) && k < cs_size - 1)
		cs[k++] = s[i++];
	cs[k] = '\0';
	if (!k || i + 3 >= n || s[i] != '?')
		return 0;
	char enc = lower(s[i + 1]);
	if ((enc != 'b' && enc != 'q') || s[i + 2] != '?')
		return 0;
	size_t t = i + 3, e = t;
	while (e + 1 < n && !(s[e] == '?' && s[e + 1] == '=') && !is_ws(s[e]))
		e++;
	if (e + 1 >= n || s[e] != '?' || s[e + 1] != '=')
		return 0;
	if (enc == 'b') {
		b64_decode(s + t, e - t, raw);
	} else {
		for (size_t j = t; j < e; j++) {
			int h, l;
			if (s[j] == '_')
				sb_addc(raw, ' ');
			else if (s[j] == '=' && j + 2 < e && (h = hexval(s[j + 1])) >= 0 &&
				 (l = hexval(s[j + 2])) >= 0) {
				sb_addc(raw, (char)(h << 4 | l));
				j += 2;
			} else
				sb_addc(raw, s[j]);
		}
	}
	return e + 2;
}

void msg_words(const char *s, size_t n, struct sb *out)
{
	struct sb res = { 0 }, pend = { 0 }, w = { 0 };
	char pcs[64] = "", cs[64];
	bool after_word = false;
	size_t i = 0;
	while (i < n) {
		sb_reset(&w);
		size_t k = enc_word(s + i, n - i, cs, sizeof cs, &w);
		if (k) {
			/* words of one charset are joined before converting, so a
			 * character split between two of them survives */
			if (pend.len && strcmp(pcs, cs)) {
				charset_to_utf8(pcs, pend.s, pend.len, &res);
				sb_reset(&pend);
			}
			memcpy(pcs, cs, sizeof pcs);
			sb_add(&pend, w.s ? w.s : "", w.len);
			i += k;
			after_word = true;
			continue;
		}
		size_t j = i;
		while (j < n && is_ws(s[j]))
			j++;
		if (j > i && after_word) {
			sb_reset(&w);
			if (enc_word(s + j, n - j, cs, sizeof cs, &w)) {
				i = j; /* white space between two encoded words */
				continue;
			}
		}
		if (pend.len) {
			charset_to_utf8(pcs, pend.s, pend.len, &res);
			sb_reset(&pend);
		}
		if (j == i)
			j++;
		sb_add(&res, s + i, j - i);
		i = j;
		after_word = false;
	}
	if (pend.len)
		charset_to_utf8(pcs, pend.s, pend.len, &res);
	clean(res.s ? res.s : "", res.len, out);
	sb_free(&res);
	sb_free(&pend);
	sb_free(&w);
}

/* ---- dates ---- */

static const char *const month_names[] = { "jan", "feb", "mar", "apr", "may", "jun",
					   "jul", "aug", "sep", "oct", "nov", "dec" };
static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int name_index(const char *s, size_t n, const char *const *names, int count)
{
	if (n < 3)
		return -1;
	for (int i = 0; i < count; i++)
		if (prefix_ieq(s, n, names[i]))
			return i;
	return -1;
}

/* Skip white space and (nested) comments. */
static const char *cfws(const char *p, const char *e)
{
	for (;;) {
		while (p < e && is_ws(*p))
			p++;
		if (p >= e || *p != '(')
			return p;
		int depth = 0;
		while (p < e) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
			p++;
		}
	}
}

static const char *word(const char *p, const char *e, size_t *n)
{
	const char *s = p;
	while (p < e && is_alpha(*p))
		p++;
	*n = (size_t)(p - s);
	return s;
}

static const char *number(const char *p, const char *e, long *v, size_t *digits)
{
	*v = 0;
	*digits = 0;
	while (p < e && is_digit(*p) && *digits < 9) {
		*v = *v * 10 + (*p - '0');
		p++;
		(*digits)++;
	}
	return p;
}

/* The offset in minutes of a zone name, or false when unknown. */
static bool zone_name(const char *s, size_t n, long *min)
{
	static const struct {
		const char *name;
		int off;
	} z[] = { { "ut", 0 },	     { "gmt", 0 },	{ "utc", 0 },	   { "z", 0 },
		  { "est", -5 * 60 }, { "edt", -4 * 60 }, { "cst", -6 * 60 }, { "cdt", -5 * 60 },
		  { "mst", -7 * 60 }, { "mdt", -6 * 60 }, { "pst", -8 * 60 }, { "pdt", -7 * 60 } };
	for (size_t i = 0; i < sizeof z / sizeof z[0]; i++)
		if (strlen(z[i].name) == n && prefix_ieq(s, n, z[i].name)) {
			*min = z[i].off;
			return true;
		}
	/* military zones: RFC 5322 says they carry no information */
	if (n == 1 && is_alpha(*s) && lower(*s) != 'j') {
		*min = 0;
		return true;
	}
	return false;
}

static bool make_time(long y, long mo, long d, long h, long mi, long sec, long zone_min, crm_time *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return false;
	if (sec == 60)
		sec = 59;
	*t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec -
	     zone_min * 60;
	return true;
}

/* hh:mm[:ss] at p. */
static const char *clock(const char *p, const char *e, long *h, long *mi, long *sec)
{
	size_t dg;
	p = number(p, e, h, &dg);
	if (dg < 1 || dg > 2)
		return NULL;
	p = cfws(p, e);
	if (p >= e || *p != ':')
		return NULL;
	p = number(cfws(p + 1, e), e, mi, &dg);
	if (dg != 2)
		return NULL;
	*sec = 0;
	const char *q = cfws(p, e);
	if (q < e && *q == ':') {
		p = number(cfws(q + 1, e), e, sec, &dg);
		if (dg != 2)
			return NULL;
	}
	return p;
}

bool msg_date(const char *s, crm_time *t)
{
	const char *p = s, *e = s + strlen(s);
	size_t n, dg;
	p = cfws(p, e);
	const char *w = word(p, e, &n);
	if (n) {
		if (name_index(w, n, day_names, 7) < 0)
			return false;
		p = cfws(w + n, e);
		if (p < e && *p == ',')
			p = cfws(p + 1, e);
	}
	long day, year, h, mi, sec, zone = 0;
	p = number(p, e, &day, &dg);
	if (dg < 1 || dg > 2)
		return false;
	p = cfws(p, e);
	if (p < e && *p == '-')
		p++;
	w = word(p, e, &n);
	int mo = name_index(w, n, month_names, 12);
	if (mo < 0)
		return false;
	p = cfws(w + n, e);
	if (p < e && *p == '-')
		p++;
	p = number(p, e, &year, &dg);
	if (dg < 2 || dg > 4)
		return false;
	if (dg == 2)
		year += year < 50 ? 2000 : 1900;
	else if (dg == 3)
		year += 1900;
	p = clock(cfws(p, e), e, &h, &mi, &sec);
	if (!p)
		return false;
	p = cfws(p, e);
	if (p < e && (*p == '+' || *p == '-')) {
		long z;
		bool neg = *p == '-';
		p = number(p + 1, e, &z, &dg);
		if (dg != 4 || z % 100 > 59)
			return false;
		zone = (z / 100 * 60 + z % 100) * (neg ? -1 : 1);
	} else if (p < e) {
		w = word(p, e, &n);
		if (!n || !zone_name(w, n, &zone))
			return false;
	}
	return make_time(year, mo + 1, day, h, mi, sec, zone, t);
}

bool mbox_from_date(const char *s, size_t n, crm_time *t)
{
	/* tokens of the line; the date starts at a day name followed by a month */
	const char *e = s + n, *p = s;
	while (p < e) {
		while (p < e && is_ws(*p))
			p++;
		size_t wl, ml;
		const char *w = word(p, e, &wl);
		const char *q = p + wl;
		if (wl == 3 && name_index(w, wl, day_names, 7) >= 0 && q < e && is_ws(*q)) {
			while (q < e && is_ws(*q))
				q++;
			const char *m = word(q, e, &ml);
			int mo = ml == 3 ? name_index(m, ml, month_names, 12) : -1;
			if (mo >= 0) {
				long day, h, mi, sec, year;
				size_t dg;
				q = m + ml;
				while (q < e && is_ws(*q))
					q++;
				q = number(q, e, &day, &dg);
				if (dg < 1 || dg > 2)
					return false;
				while (q < e && is_ws(*q))
					q++;
				q = clock(q, e, &h, &mi, &sec);
				if (!q)
					return false;
				while (q < e && is_ws(*q))
					q++;
				if (q < e && !is_digit(*q)) { /* a zone name before the year */
					while (q < e && !is_ws(*q))
						q++;
					while (q < e && is_ws(*q))
						q++;
				}
				q = number(q, e, &year, &dg);
				if (dg != 4)
					return false;
				return make_time(year, mo + 1, day, h, mi, sec, 0, t);
			}
		}
		while (p < e && !is_ws(*p))
			p++;
	}
	return false;
}

/* ---- addresses ---- */

static void collapse(const char *s, size_t n, struct sb *out)
{
	msg_excerpt(s, n, (size_t)-1, out);
}

static void finish_addr(struct sb *phrase, struct sb *angle, bool has_angle, struct sb *comment,
			struct msg_addr **v, size_t *n, size_t *cap)
{
	const char *a;
	size_t al;
	struct sb name = { 0 };
	if (has_angle) {
		a = sb_str(angle);
		/* an obsolete route (<@relay:user@host>) goes */
		const char *colon = strrchr(a, ':');
		if (colon)
			a = colon + 1;
		al = strlen(a);
		msg_words(sb_str(phrase), phrase->len, &name);
		if (!name.len)
			msg_words(sb_str(comment), comment->len, &name);
	} else {
		/* a bare address; of several words, the last with an '@' */
		const char *ph = sb_str(phrase), *best = NULL;
		size_t bl = 0;
		for (const char *p = ph; *p;) {
			size_t wl = strcspn(p, " ");
			if (memchr(p, '@', wl)) {
				best = p;
				bl = wl;
			}
			p += wl;
			while (*p == ' ')
				p++;
		}
		a = best ? best : "";
		al = bl;
		msg_words(sb_str(comment), comment->len, &name);
	}
	while (al && is_ws(*a))
		a++, al--;
	while (al && is_ws(a[al - 1]))
		al--;
	if (al && memchr(a, '@', al)) {
		struct sb addr = { 0 }, folded = { 0 }, nm = { 0 };
		clean(a, al, &addr);
		u8_fold(sb_str(&addr), addr.len, false, &folded);
		collapse(sb_str(&name), name.len, &nm);
		void *p = *v;
		xgrow(&p, cap, *n + 1, sizeof **v);
		*v = p;
		(*v)[(*n)++] = (struct msg_addr){ xstrdup(sb_str(&nm)), xstrdup(sb_str(&folded)) };
		sb_free(&addr);
		sb_free(&folded);
		sb_free(&nm);
	}
	sb_free(&name);
	sb_reset(phrase);
	sb_reset(angle);
	sb_reset(comment);
}

void msg_addrs(const char *s, struct msg_addr **v, size_t *n, size_t *cap)
{
	struct sb phrase = { 0 }, angle = { 0 }, comment = { 0 };
	bool has_angle = false, space = false;
	const char *p = s;
	for (;;) {
		char c = *p;
		if (!c || c == ',' || c == ';') {
			finish_addr(&phrase, &angle, has_angle, &comment, v, n, cap);
			has_angle = space = false;
			if (!c)
				break;
			p++;
		} else if (c == '"') {
			if (phrase.len)
				sb_addc(&phrase, ' ');
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				sb_addc(&phrase, *p);
			}
			if (*p)
				p++;
			space = true;
		} else if (c == '(') {
			int depth = 0;
			bool first = !comment.len;
			while (*p) {
				if (*p == '\\' && p[1]) {
					p++;
				} else if (*p == '(') {
					if (depth++ == 0) {
						p++;
						continue;
					}
				} else if (*p == ')' && --depth == 0) {
					p++;
					break;
				}
				if (first)
					sb_addc(&comment, *p);
				p++;
			}
			space = true;
		} else if (c == '<') {
			sb_reset(&angle);
			for (p++; *p && *p != '>'; p++)
				if (!is_ws(*p))
					sb_addc(&angle, *p);
			if (*p)
				p++;
			has_angle = true;
		} else if (c == ':' && !has_angle) {
			/* the name of a group: its members follow */
			sb_reset(&phrase);
			sb_reset(&comment);
			space = false;
			p++;
		} else if (is_ws(c)) {
			space = true;
			p++;
		} else {
			if (space && phrase.len)
				sb_addc(&phrase, ' ');
			space = false;
			sb_addc(&phrase, c);
			p++;
		}
	}
	sb_free(&phrase);
	sb_free(&angle);
	sb_free(&comment);
}

void msg_addrs_free(struct msg_addr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].addr);
	}
	free(v);
}

/* ---- MIME ---- */

/* The value of parameter name of a Content-Type-like value, copied to buf
 * ("" when absent). */
static const char *param(const char *v, const char *name, char *buf, size_t size)
{
	size_t nl = strlen(name);
	buf[0] = '\0';
	const char *p = strchr(v, ';');
	while (p) {
		p++;
		while (is_ws(*p))
			p++;
		if (prefix_ieq(p, strlen(p), name)) {
			const char *q = p + nl;
			while (is_ws(*q))
				q++;
			if (*q == '=') {
				q++;
				while (is_ws(*q))
					q++;
				size_t k = 0;
				if (*q == '"') {
					for (q++; *q && *q != '"' && k < size - 1; q++) {
						if (*q == '\\' && q[1])
							q++;
						buf[k++] = *q;
					}
				} else {
					while (*q && *q != ';' && !is_ws(*q) && k < size - 1)
						buf[k++] = *q++;
				}
				buf[k] = '\0';
				return buf;
			}
		}
		/* to the next ';' outside quotes */
		bool quoted = false;
		while (*p && (quoted || *p != ';')) {
			if (*p == '"')
				quoted = !quoted;
			else if (*p == '\\' && p[1])
				p++;
			p++;
		}
		p = *p ? p : NULL;
	}
	return buf;
}

/* The media type of a Content-Type value, lower-cased, into buf. */
static void media_type(const char *v, char *buf, size_t size)
{
	size_t k = 0;
	while (is_ws(*v))
		v++;
	while (*v && *v != ';' && !is_ws(*v) && k < size - 1)
		buf[k++] = lower(*v++);
	buf[k] = '\0';
}

struct found {
	struct sb plain, html;
	bool has_plain, has_html;
};

static void decode_body(const struct msg *m, const char *ct, struct sb *out)
{
	const char *cte = msg_get(m, "Content-Transfer-Encoding");
	char enc[32] = "", cs[64];
	if (cte)
		media_type(cte, enc, sizeof enc);
	struct sb raw = { 0 };
	if (!strcmp(enc, "base64"))
		b64_decode(m->body, m->blen, &raw);
	else if (!strcmp(enc, "quoted-printable"))
		qp_decode(m->body, m->blen, &raw);
	else
		sb_add(&raw, m->body, m->blen);
	charset_to_utf8(param(ct, "charset", cs, sizeof cs), sb_str(&raw), raw.len, out);
	sb_free(&raw);
}

/* Is line l (len bytes, no line end) a delimiter of boundary b? */
static bool delimiter(const char *l, size_t len, const char *b, size_t bl, bool *close)
{
	if (len < bl + 2 || l[0] != '-' || l[1] != '-' || memcmp(l + 2, b, bl))
		return false;
	size_t k = bl + 2;
	*close = len >= k + 2 && l[k] == '-' && l[k + 1] == '-';
	if (*close)
		k += 2;
	while (k < len && (l[k] == ' ' || l[k] == '\t'))
		k++;
	return k == len;
}

static void walk(const struct msg *m, int depth, struct found *f);

static void walk_multipart(const struct msg *m, const char *boundary, int depth, struct found *f)
{
	size_t bl = strlen(boundary), i = 0, start = 0;
	bool in_part = false;
	const char *s = m->body;
	size_t n = m->blen;
	while (i < n && !f->has_plain) {
		size_t next, len = line_len(s + i, n - i, &next);
		bool close;
		if (delimiter(s + i, len, boundary, bl, &close)) {
			if (in_part) {
				/* the line end before a delimiter belongs to it */
				size_t end = i;
				if (end > start && s[end - 1] == '\n')
					end--;
				if (end > start && s[end - 1] == '\r')
					end--;
				struct msg part;
				char err[64];
				if (parse(s + start, end - start, &part, true, err, sizeof err) == 0) {
					walk(&part, depth + 1, f);
					msg_free(&part);
				}
			}
			if (close)
				return;
			in_part = true;
			start = i + next;
		}
		i += next;
	}
	if (in_part && !f->has_plain && start < n) {
		/* no closing delimiter: the last part runs to the end */
		struct msg part;
		char err[64];
		if (parse(s + start, n - start, &part, true, err, sizeof err) == 0) {
			walk(&part, depth + 1, f);
			msg_free(&part);
		}
	}
}

static void walk(const struct msg *m, int depth, struct found *f)
{
	const char *ct = msg_get(m, "Content-Type");
	char type[128], b[256];
	if (!ct)
		ct = "text/plain";
	media_type(ct, type, sizeof type);
	if (!*type)
		strcpy(type, "text/plain");
	if (!strncmp(type, "multipart/", 10)) {
		if (depth < 32 && *param(ct, "boundary", b, sizeof b))
			walk_multipart(m, b, depth, f);
		return;
	}
	const char *disp = msg_get(m, "Content-Disposition");
	if (disp && prefix_ieq(disp, strlen(disp), "attachment"))
		return;
	if (!strcmp(type, "text/plain") && !f->has_plain) {
		decode_body(m, ct, &f->plain);
		f->has_plain = true;
	} else if (!strcmp(type, "text/html") && !f->has_html) {
		decode_body(m, ct, &f->html);
		f->has_html = true;
	}
}

/* Tags that do not separate words. */
static bool inline_tag(const char *s, size_t n)
{
	static const char *const tags[] = { "a", "b", "i", "u", "em", "strong", "span", "font",
					    "small", "big", "code", "sub", "sup", NULL };
	size_t k = 0;
	if (k < n && s[k] == '/')
		k++;
	size_t st = k;
	while (k < n && is_alpha(s[k]))
		k++;
	for (const char *const *t = tags; *t; t++)
		if (strlen(*t) == k - st && prefix_ieq(s + st, k - st, *t))
			return true;
	return false;
}

/* Crude: tags out, script and style with their content, a few entities. */
static void strip_html(const char *s, size_t n, struct sb *out)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] == '<') {
			const char *end = NULL;
			if (prefix_ieq(s + i, n - i, "<!--")) {
				const char *e = memmem(s + i, n - i, "-->", 3);
				i = e ? (size_t)(e - s) + 3 : n;
				continue;
			}
			bool script = prefix_ieq(s + i, n - i, "<script");
			bool style = prefix_ieq(s + i, n - i, "<style");
			if (script || style) {
				const char *close = script ? "</script" : "</style";
				size_t j = i + 1;
				while (j < n && !prefix_ieq(s + j, n - j, close))
					j++;
				i = j;
			}
			end = memchr(s + i, '>', n - i);
			if (!inline_tag(s + i + 1, n - i - 1))
				sb_addc(out, ' ');
			i = end ? (size_t)(end - s) + 1 : n;
			continue;
		}
		if (s[i] == '&') {
			static const struct {
				const char *name, *text;
			} ent[] = { { "&amp;", "&" },	{ "&lt;", "<" },   { "&gt;", ">" },
				    { "&quot;", "\"" }, { "&apos;", "'" }, { "&nbsp;", " " } };
			bool done = false;
			for (size_t k = 0; k < sizeof ent / sizeof ent[0] && !done; k++)
				if (prefix_ieq(s + i, n - i, ent[k].name)) {
					sb_adds(out, ent[k].text);
					i += strlen(ent[k].name);
					done = true;
				}
			if (!done && i + 2 < n && s[i + 1] == '#') {
				size_t j = i + 2;
				bool hex = j < n && lower(s[j]) == 'x';
				unsigned long cp = 0;
				if (hex)
					j++;
				size_t d0 = j;
				for (; j < n && j - d0 < 7; j++) {
					int d = hex ? hexval(s[j]) : is_digit(s[j]) ? s[j] - '0' : -1;
					if (d < 0)
						break;
					cp = cp * (hex ? 16 : 10) + (unsigned long)d;
				}
				if (j > d0 && j < n && s[j] == ';' && cp && cp < 0x110000 &&
				    !(cp >= 0xD800 && cp < 0xE000)) {
					u8_encode(out, (unsigned)cp);
					i = j + 1;
					done = true;
				}
			}
			if (!done)
				sb_addc(out, s[i++]);
			continue;
		}
		sb_addc(out, s[i++]);
	}
}

void msg_text(const struct msg *m, struct sb *out)
{
	struct found f = { 0 };
	walk(m, 0, &f);
	if (f.has_plain)
		sb_add(out, sb_str(&f.plain), f.plain.len);
	else if (f.has_html)
		strip_html(sb_str(&f.html), f.html.len, out);
	sb_free(&f.plain);
	sb_free(&f.html);
}

void msg_excerpt(const char *s, size_t n, size_t max, struct sb *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, count = 0;
	bool space = false;
	while (i < n && count < max) {
		unsigned cp;
		size_t k = u8_decode(u + i, n - i, &cp);
		if (!k) {
			k = 1;
			cp = 0xFFFD;
		}
		if (cp <= ' ' || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xA0 ||
		    cp == 0x2028 || cp == 0x2029) {
			space = true;
		} else {
			if (space && count) {
				if (count + 1 >= max)
					break; /* no space at the end */
				sb_addc(out, ' ');
				count++;
			}
			space = false;
			if (cp == 0xFFFD && k == 1)
				sb_adds(out, REPLACEMENT);
			else
				sb_add(out, s + i, k);
			count++;
		}
		i += k;
	}
	sb_str(out);
}

/* ---- mbox ---- */

void mbox_init(struct mbox *mb, const char *buf, size_t n)
{
	*mb = (struct mbox){ buf, n, 0, 1 };
}

static bool from_line(const char *s, size_t n)
{
	return n >= 5 && !memcmp(s, "From ", 5);
}

bool mbox_next(struct mbox *mb, struct mbox_msg *m)
{
	for (;;) {
		if (mb->pos >= mb->n)
			return false;
		const char *s = mb->buf;
		memset(m, 0, sizeof *m);
		m->line = mb->line;
		size_t next;
		if (from_line(s + mb->pos, mb->n - mb->pos)) {
			size_t len = line_len(s + mb->pos, mb->n - mb->pos, &next);
			m->from = s + mb->pos + 5;
			m->fromlen = len - 5;
			mb->pos += next;
			mb->line++;
		}
		size_t start = mb->pos;
		bool prev_empty = false, blank = true;
		while (mb->pos < mb->n) {
			if (prev_empty && from_line(s + mb->pos, mb->n - mb->pos))
				break;
			size_t len = line_len(s + mb->pos, mb->n - mb->pos, &next);
			prev_empty = len == 0;
			for (size_t k = 0; k < len && blank; k++)
				blank = is_ws(s[mb->pos + k]);
			mb->pos += next;
			mb->line++;
		}
		size_t end = mb->pos;
		/* the empty line that separates messages is not part of one */
		if (end - start >= 2 && s[end - 1] == '\n' && s[end - 2] == '\n')
			end--;
		else if (end - start >= 4 && !memcmp(s + end - 4, "\r\n\r\n", 4))
			end -= 2;
		if (!m->from && blank)
			continue;
		m->s = s + start;
		m->n = end - start;
		return true;
	}
}

void mbox_unquote(const char *s, size_t n, struct sb *out)
{
	size_t i = 0;
	while (i < n) {
		const char *e = memchr(s + i, '\n', n - i);
		size_t len = e ? (size_t)(e - s - i) + 1 : n - i;
		size_t k = 0;
		while (k < len && s[i + k] == '>')
			k++;
		if (k && len - k >= 5 && !memcmp(s + i + k, "From ", 5))
			sb_add(out, s + i + 1, len - 1);
		else
			sb_add(out, s + i, len);
		i += len;
	}
}
