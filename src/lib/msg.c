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
		/* a bare address; of several words, the last with an '@'. A
		 * comment within it (jan(home)@example.pl) left a space, and
		 * white space may stand around its '@' and dots: they go */
		struct sb joined = { 0 };
		const char *q = sb_str(phrase);
		for (size_t i = 0; q[i]; i++) {
			if (q[i] == ' ' && (strchr("@.", q[i + 1]) || (i && strchr("@.", q[i - 1]))))
				continue;
			sb_addc(&joined, q[i]);
		}
		sb_reset(phrase);
		sb_add(phrase, sb_str(&joined), joined.len);
		sb_free(&joined);
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

/* Past the comment that starts at p (a '('), nested comments and quoted
 * pairs in it. */
static const char *skip_comment(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return p;
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
			for (p++; *p && *p != '>'; p++) {
				if (*p == '(') { /* a comment inside: <jan(home)@example.pl> */
					p = skip_comment(p) - 1;
					continue;
				}
				if (!is_ws(*p))
					sb_addc(&angle, *p);
			}
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

/* One parameter of a Content-Type-like value, at p (after its ';'): its
 * attribute [*an, *ae) and its value, unquoted, appended to val. Returns
 * where the next one starts (after its ';'), or NULL at the end. */
static const char *next_param(const char *p, const char **an, const char **ae, struct sb *val)
{
	while (is_ws(*p))
		p++;
	*an = p;
	while (*p && *p != '=' && *p != ';' && !is_ws(*p))
		p++;
	*ae = p;
	while (is_ws(*p))
		p++;
	if (*p == '=') {
		p++;
		while (is_ws(*p))
			p++;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				sb_addc(val, *p);
			}
			if (*p)
				p++; /* the closing quote */
		} else {
			const char *b = p;
			while (*p && *p != ';' && !is_ws(*p))
				p++;
			sb_add(val, b, (size_t)(p - b));
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
	return *p ? p + 1 : NULL;
}

/* Append s[0..n) with its %XX escapes (RFC 2231) undone. */
static void unpercent(const char *s, size_t n, struct sb *out)
{
	for (size_t i = 0; i < n; i++) {
		int h, l;
		if (s[i] == '%' && i + 2 < n && (h = hexval(s[i + 1])) >= 0 &&
		    (l = hexval(s[i + 2])) >= 0) {
			sb_addc(out, (char)(h << 4 | l));
			i += 2;
		} else {
			sb_addc(out, s[i]);
		}
	}
}

/* The value of parameter name of a Content-Type-like value, decoded and
 * copied to buf ("" when absent): name="quoted" or name=token, or as RFC
 * 2231 writes it, which wins when both are given: name*=charset'lang'
 * and %XX escapes, or cut into sections name*0=, name*1*=, ... (escaped
 * when their name ends in '*'; the charset is the first section's). */
static const char *param(const char *v, const char *name, char *buf, size_t size)
{
	enum { SECTIONS = 64 };
	size_t nl = strlen(name);
	struct sb plain = { 0 }, ext = { 0 }, val = { 0 }, sec[SECTIONS] = { 0 };
	bool has_plain = false, has_ext = false, has_sec[SECTIONS] = { 0 }, enc_sec[SECTIONS] = { 0 };
	const char *p = strchr(v, ';');
	if (p)
		p++;
	while (p) {
		const char *an, *ae;
		sb_reset(&val);
		p = next_param(p, &an, &ae, &val);
		size_t len = (size_t)(ae - an);
		if (len < nl || !prefix_ieq(an, len, name))
			continue;
		const char *rest = an + nl;
		if (len == nl && !has_plain) {
			has_plain = true;
			sb_add(&plain, sb_str(&val), val.len);
		} else if (len == nl + 1 && *rest == '*' && !has_ext) {
			has_ext = true;
			sb_add(&ext, sb_str(&val), val.len);
		} else if (*rest == '*' && is_digit(rest[1])) {
			size_t k = 0, i = 1;
			while (nl + i < len && is_digit(rest[i]) && k < SECTIONS)
				k = k * 10 + (size_t)(rest[i++] - '0');
			bool enc = nl + i + 1 == len && rest[i] == '*';
			if (k < SECTIONS && (nl + i == len || enc) && !has_sec[k]) {
				has_sec[k] = true;
				enc_sec[k] = enc;
				sb_add(&sec[k], sb_str(&val), val.len);
			}
		}
	}
	struct sb raw = { 0 }, out = { 0 };
	char cs[64] = "";
	if (has_ext || has_sec[0]) {
		/* charset'language'text: the charset and the language go */
		struct sb *first = has_ext ? &ext : &sec[0];
		bool enc = has_ext || enc_sec[0];
		const char *f = sb_str(first), *q1 = enc ? strchr(f, '\'') : NULL;
		const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
		if (q2) {
			snprintf(cs, sizeof cs, "%.*s", (int)(q1 - f), f);
			f = q2 + 1;
		}
		if (enc)
			unpercent(f, strlen(f), &raw);
		else
			sb_adds(&raw, f);
		for (size_t k = 1; !has_ext && k < SECTIONS && has_sec[k]; k++) {
			if (enc_sec[k])
				unpercent(sb_str(&sec[k]), sec[k].len, &raw);
			else
				sb_add(&raw, sb_str(&sec[k]), sec[k].len);
		}
		charset_to_utf8(cs, sb_str(&raw), raw.len, &out);
	} else if (has_plain) {
		sb_add(&out, sb_str(&plain), plain.len);
	}
	snprintf(buf, size, "%s", sb_str(&out));
	sb_free(&plain);
	sb_free(&ext);
	sb_free(&val);
	sb_free(&raw);
	sb_free(&out);
	for (size_t k = 0; k < SECTIONS; k++)
		sb_free(&sec[k]);
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

/* Call fn with each part of the multipart m (parts with boundary), in
 * order, until it returns true. */
static void each_part(const struct msg *m, const char *boundary,
		      bool (*fn)(const struct msg *part, void *ctx), void *ctx)
{
	size_t bl = strlen(boundary), i = 0, start = 0;
	bool in_part = false, stop = false;
	const char *s = m->body;
	size_t n = m->blen;
	struct msg part;
	char err[64];
	while (i < n && !stop) {
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
				if (parse(s + start, end - start, &part, true, err, sizeof err) == 0) {
					stop = fn(&part, ctx);
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
	/* no closing delimiter: the last part runs to the end */
	if (in_part && !stop && start < n && parse(s + start, n - start, &part, true, err, sizeof err) == 0) {
		fn(&part, ctx);
		msg_free(&part);
	}
}

static void walk(const struct msg *m, int depth, struct found *f, bool digest);

struct walking {
	struct found *f;
	int depth;
	bool digest;
};

static bool walk_part(const struct msg *part, void *ctx)
{
	struct walking *w = ctx;
	walk(part, w->depth + 1, w->f, w->digest);
	return w->f->has_plain;
}

static void walk_multipart(const struct msg *m, const char *boundary, int depth, struct found *f,
			   bool digest)
{
	struct walking w = { f, depth, digest };
	each_part(m, boundary, walk_part, &w);
}

/* Whether a part has header fields of a message (From, Subject, ...)
 * but none of a MIME part: a message put into a digest without its part's
 * own (empty) header. */
static bool bare_message(const struct msg *m)
{
	bool mail = false;
	for (size_t i = 0; i < m->nf; i++) {
		if (prefix_ieq(m->f[i].name, strlen(m->f[i].name), "content-"))
			return false;
		mail |= ascii_ieq(m->f[i].name, "From") || ascii_ieq(m->f[i].name, "Subject") ||
			ascii_ieq(m->f[i].name, "Date");
	}
	return mail;
}

/* Walk m, a message or a part; digest: m is a part of a multipart/digest,
 * whose parts are messages unless they say otherwise. */
static void walk(const struct msg *m, int depth, struct found *f, bool digest)
{
	const char *ct = msg_get(m, "Content-Type");
	char type[128], b[256];
	if (digest && !ct && bare_message(m))
		digest = false; /* the part is the message itself */
	if (!ct)
		ct = digest ? "message/rfc822" : "text/plain";
	media_type(ct, type, sizeof type);
	/* "text" alone, or nothing: text/plain */
	if (!*type || !strcmp(type, "text"))
		strcpy(type, "text/plain");
	if (!strncmp(type, "multipart/", 10)) {
		if (depth < 32 && *param(ct, "boundary", b, sizeof b))
			walk_multipart(m, b, depth, f, !strcmp(type, "multipart/digest"));
		return;
	}
	const char *disp = msg_get(m, "Content-Disposition");
	if (disp && prefix_ieq(disp, strlen(disp), "attachment"))
		return;
	if (!strcmp(type, "message/rfc822") || !strcmp(type, "message/global")) {
		/* a message inside: its text is read as its own */
		struct msg inner;
		char err[64];
		if (depth < 32 && parse(m->body, m->blen, &inner, true, err, sizeof err) == 0) {
			walk(&inner, depth + 1, f, false);
			msg_free(&inner);
		}
		return;
	}
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

/* The named character references of the text of European mail: those of
 * Latin-1, of Latin Extended-A (Polish, Czech, Hungarian, Baltic,
 * Romanian, Turkish letters), punctuation and the euro; sorted by name
 * (bytes), which is case-sensitive. */
static const struct entity {
	const char *name;
	unsigned cp;
} entities[] = {
	{ "AElig", 198 }, { "Aacute", 193 }, { "Abreve", 258 }, { "Acirc", 194 },
	{ "Agrave", 192 }, { "Amacr", 256 }, { "Aogon", 260 }, { "Aring", 197 },
	{ "Atilde", 195 }, { "Auml", 196 }, { "Cacute", 262 }, { "Ccaron", 268 },
	{ "Ccedil", 199 }, { "Dagger", 8225 }, { "Dcaron", 270 }, { "Dstrok", 272 },
	{ "ETH", 208 }, { "Eacute", 201 }, { "Ecaron", 282 }, { "Ecirc", 202 }, { "Edot", 278 },
	{ "Egrave", 200 }, { "Emacr", 274 }, { "Eogon", 280 }, { "Euml", 203 },
	{ "Gbreve", 286 }, { "Gcedil", 290 }, { "Iacute", 205 }, { "Icirc", 206 },
	{ "Idot", 304 }, { "Igrave", 204 }, { "Imacr", 298 }, { "Iogon", 302 }, { "Iuml", 207 },
	{ "Kcedil", 310 }, { "Lacute", 313 }, { "Lcaron", 317 }, { "Lcedil", 315 },
	{ "Lstrok", 321 }, { "Nacute", 323 }, { "Ncaron", 327 }, { "Ncedil", 325 },
	{ "Ntilde", 209 }, { "OElig", 338 }, { "Oacute", 211 }, { "Ocirc", 212 },
	{ "Odblac", 336 }, { "Ograve", 210 }, { "Omacr", 332 }, { "Oslash", 216 },
	{ "Otilde", 213 }, { "Ouml", 214 }, { "Prime", 8243 }, { "Racute", 340 },
	{ "Rcaron", 344 }, { "Rcedil", 342 }, { "Sacute", 346 }, { "Scaron", 352 },
	{ "Scedil", 350 }, { "THORN", 222 }, { "Tcaron", 356 }, { "Tcedil", 354 },
	{ "Uacute", 218 }, { "Ucirc", 219 }, { "Udblac", 368 }, { "Ugrave", 217 },
	{ "Umacr", 362 }, { "Uogon", 370 }, { "Uring", 366 }, { "Uuml", 220 }, { "Yacute", 221 },
	{ "Yuml", 376 }, { "Zacute", 377 }, { "Zcaron", 381 }, { "Zdot", 379 },
	{ "aacute", 225 }, { "abreve", 259 }, { "acirc", 226 }, { "acute", 180 },
	{ "aelig", 230 }, { "agrave", 224 }, { "amacr", 257 }, { "aogon", 261 },
	{ "aring", 229 }, { "atilde", 227 }, { "auml", 228 }, { "bdquo", 8222 },
	{ "brvbar", 166 }, { "bull", 8226 }, { "cacute", 263 }, { "ccaron", 269 },
	{ "ccedil", 231 }, { "cedil", 184 }, { "cent", 162 }, { "circ", 710 }, { "copy", 169 },
	{ "curren", 164 }, { "dagger", 8224 }, { "dcaron", 271 }, { "deg", 176 },
	{ "divide", 247 }, { "dstrok", 273 }, { "eacute", 233 }, { "ecaron", 283 },
	{ "ecirc", 234 }, { "edot", 279 }, { "egrave", 232 }, { "emacr", 275 }, { "emsp", 8195 },
	{ "ensp", 8194 }, { "eogon", 281 }, { "eth", 240 }, { "euml", 235 }, { "euro", 8364 },
	{ "fnof", 402 }, { "frac12", 189 }, { "frac14", 188 }, { "frac34", 190 },
	{ "gbreve", 287 }, { "hellip", 8230 }, { "iacute", 237 }, { "icirc", 238 },
	{ "iexcl", 161 }, { "igrave", 236 }, { "imacr", 299 }, { "imath", 305 },
	{ "iogon", 303 }, { "iquest", 191 }, { "iuml", 239 }, { "kcedil", 311 },
	{ "lacute", 314 }, { "laquo", 171 }, { "larr", 8592 }, { "lcaron", 318 },
	{ "lcedil", 316 }, { "ldquo", 8220 }, { "lrm", 8206 }, { "lsaquo", 8249 },
	{ "lsquo", 8216 }, { "lstrok", 322 }, { "macr", 175 }, { "mdash", 8212 },
	{ "micro", 181 }, { "middot", 183 }, { "minus", 8722 }, { "nacute", 324 },
	{ "nbsp", 160 }, { "ncaron", 328 }, { "ncedil", 326 }, { "ndash", 8211 }, { "not", 172 },
	{ "ntilde", 241 }, { "oacute", 243 }, { "ocirc", 244 }, { "odblac", 337 },
	{ "oelig", 339 }, { "ograve", 242 }, { "oline", 8254 }, { "omacr", 333 },
	{ "ordf", 170 }, { "ordm", 186 }, { "oslash", 248 }, { "otilde", 245 }, { "ouml", 246 },
	{ "para", 182 }, { "permil", 8240 }, { "plusmn", 177 }, { "pound", 163 },
	{ "prime", 8242 }, { "racute", 341 }, { "raquo", 187 }, { "rarr", 8594 },
	{ "rcaron", 345 }, { "rcedil", 343 }, { "rdquo", 8221 }, { "reg", 174 }, { "rlm", 8207 },
	{ "rsaquo", 8250 }, { "rsquo", 8217 }, { "sacute", 347 }, { "sbquo", 8218 },
	{ "scaron", 353 }, { "scedil", 351 }, { "sect", 167 }, { "shy", 173 }, { "sup1", 185 },
	{ "sup2", 178 }, { "sup3", 179 }, { "szlig", 223 }, { "tcaron", 357 }, { "tcedil", 355 },
	{ "thinsp", 8201 }, { "thorn", 254 }, { "tilde", 732 }, { "times", 215 },
	{ "trade", 8482 }, { "uacute", 250 }, { "ucirc", 251 }, { "udblac", 369 },
	{ "ugrave", 249 }, { "umacr", 363 }, { "uml", 168 }, { "uogon", 371 }, { "uring", 367 },
	{ "uuml", 252 }, { "yacute", 253 }, { "yen", 165 }, { "yuml", 255 }, { "zacute", 378 },
	{ "zcaron", 382 }, { "zdot", 380 }, { "zwj", 8205 }, { "zwnj", 8204 },
};

static int entity_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct entity *)e)->name);
}

/* The code point of the named reference at s ("&eacute;": s points at the
 * '&'), its length in *len; 0 when it is none of those known. */
static unsigned entity(const char *s, size_t n, size_t *len)
{
	char name[16];
	size_t k = 1;
	while (k < n && k < sizeof name && is_alpha(s[k]))
		k++;
	while (k < n && k < sizeof name && is_digit(s[k])) /* sup2, frac14 */
		k++;
	if (k == 1 || k >= n || s[k] != ';' || k > sizeof name)
		return 0;
	memcpy(name, s + 1, k - 1);
	name[k - 1] = '\0';
	const struct entity *e = bsearch(name, entities, sizeof entities / sizeof entities[0],
					 sizeof entities[0], entity_cmp);
	if (!e)
		return 0;
	*len = k + 1;
	return e->cp;
}

/* Crude: tags out, script and style with their content, entities. */
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
			size_t el;
			unsigned named;
			if (!done && (named = entity(s + i, n - i, &el))) {
				/* a no-break space is a space to the text */
				if (named == 160)
					sb_addc(out, ' ');
				else
					u8_encode(out, named);
				i += el;
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
	walk(m, 0, &f, false);
	if (f.has_plain)
		sb_add(out, sb_str(&f.plain), f.plain.len);
	else if (f.has_html)
		strip_html(sb_str(&f.html), f.html.len, out);
	sb_free(&f.plain);
	sb_free(&f.html);
}

/* ---- delivery status notifications (RFC 3464) ---- */

struct status_find {
	struct sb body; /* the message/delivery-status part, decoded */
	bool got;
	int depth;
};

static bool find_status(const struct msg *part, void *ctx)
{
	struct status_find *sf = ctx;
	const char *ct = msg_get(part, "Content-Type");
	char type[128], b[256];
	media_type(ct ? ct : "text/plain", type, sizeof type);
	if (!strcmp(type, "message/delivery-status") || !strcmp(type, "message/global-delivery-status")) {
		const char *cte = msg_get(part, "Content-Transfer-Encoding");
		char enc[32] = "";
		if (cte)
			media_type(cte, enc, sizeof enc);
		if (!strcmp(enc, "base64"))
			b64_decode(part->body, part->blen, &sf->body);
		else if (!strcmp(enc, "quoted-printable"))
			qp_decode(part->body, part->blen, &sf->body);
		else
			sb_add(&sf->body, part->body, part->blen);
		sf->got = true;
		return true;
	}
	if (!strncmp(type, "multipart/", 10) && sf->depth < 8 && *param(ct, "boundary", b, sizeof b)) {
		sf->depth++;
		each_part(part, b, find_status, sf);
		sf->depth--;
	}
	return sf->got;
}

/* The text after the ';' of a typed field ("rfc822; jan@example.pl"),
 * white space and angle brackets around it taken off, as a new string. */
static char *typed(const char *v)
{
	const char *semi = strchr(v, ';');
	const char *p = semi ? semi + 1 : v;
	while (is_ws(*p) || *p == '<')
		p++;
	size_t n = strlen(p);
	while (n && (is_ws(p[n - 1]) || p[n - 1] == '>'))
		n--;
	struct sb b = { 0 };
	clean(p, n, &b);
	char *r = xstrdup(sb_str(&b));
	sb_free(&b);
	return r;
}

/* The first word of a field, lower-cased ("5.1.1 (bad mailbox)": "5.1.1"). */
static char *first_word(const char *v)
{
	while (is_ws(*v))
		v++;
	size_t n = 0;
	while (v[n] && !is_ws(v[n]) && v[n] != '(' && v[n] != ';')
		n++;
	struct sb b = { 0 };
	clean(v, n, &b);
	char *r = xstrdup(sb_str(&b));
	sb_free(&b);
	for (char *q = r; *q; q++)
		*q = lower(*q);
	return r;
}

size_t msg_dsn(const struct msg *m, struct msg_rcpt **v)
{
	*v = NULL;
	const char *ct = msg_get(m, "Content-Type");
	char type[128], b[256];
	if (!ct)
		return 0;
	media_type(ct, type, sizeof type);
	if (strcmp(type, "multipart/report") || !*param(ct, "boundary", b, sizeof b))
		return 0;
	struct status_find sf = { 0 };
	each_part(m, b, find_status, &sf);
	size_t n = 0, cap = 0;
	/* blocks of fields, separated by empty lines: the first is the
	 * message's, each other a recipient's */
	const char *s = sb_str(&sf.body), *e = s + sf.body.len;
	while (sf.got && s < e) {
		const char *q = s;
		for (;;) {
			size_t next, len = line_len(q, (size_t)(e - q), &next);
			if (len == 0 || q + next >= e) {
				q += next;
				break;
			}
			q += next;
		}
		struct msg blk;
		char err[32];
		if (parse(s, (size_t)(q - s), &blk, false, err, sizeof err) == 0) {
			const char *fr = msg_get(&blk, "Final-Recipient");
			if (!fr)
				fr = msg_get(&blk, "Original-Recipient");
			if (fr) {
				void *p = *v;
				xgrow(&p, &cap, n + 1, sizeof **v);
				*v = p;
				struct msg_rcpt *r = &(*v)[n++];
				char *a = typed(fr);
				struct sb f = { 0 }, diag = { 0 };
				u8_fold(a, strlen(a), false, &f);
				r->addr = xstrdup(sb_str(&f));
				const char *act = msg_get(&blk, "Action"), *st = msg_get(&blk, "Status");
				const char *dc = msg_get(&blk, "Diagnostic-Code");
				r->action = first_word(act ? act : "");
				r->status = first_word(st ? st : "");
				char *d = typed(dc ? dc : "");
				msg_excerpt(d, strlen(d), 200, &diag);
				r->diag = xstrdup(sb_str(&diag));
				free(a);
				free(d);
				sb_free(&f);
				sb_free(&diag);
			}
			msg_free(&blk);
		}
		s = q;
	}
	sb_free(&sf.body);
	return n;
}

void msg_rcpt_free(struct msg_rcpt *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].addr);
		free(v[i].action);
		free(v[i].status);
		free(v[i].diag);
	}
	free(v);
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
