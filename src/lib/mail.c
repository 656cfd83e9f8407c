/* mail.c - templates, MIME encoding, mbox */
#include "mail.h"

#include <stdlib.h>
#include <string.h>

#include "idna.h"
#include "utf8.h"

static char *dupn(const char *s, size_t n)
{
	return xstrndup(s, n);
}

int tmpl_parse(const char *text, size_t n, struct tmpl *t, char *err, size_t err_size)
{
	memset(t, 0, sizeof *t);
	size_t cap = 0, i = 0;
	long line = 0;
	if (memchr(text, '\0', n)) {
		snprintf(err, err_size, "1: NUL byte in the template");
		return -1;
	}
	if (!u8_valid(text, n, NULL)) {
		snprintf(err, err_size, "1: the template is not valid UTF-8");
		return -1;
	}
	for (;;) {
		line++;
		if (i >= n) {
			snprintf(err, err_size, "%ld: no blank line between the headers and the body", line);
			tmpl_free(t);
			return -1;
		}
		const char *e = memchr(text + i, '\n', n - i);
		size_t len = e ? (size_t)(e - text - i) : n - i;
		const char *s = text + i;
		if (len && s[len - 1] == '\r')
			len--;
		i += (e ? (size_t)(e - text - i) + 1 : n - i);
		if (len == 0)
			break;
		if ((s[0] == ' ' || s[0] == '\t') && t->nh) {
			/* a continuation line: unfold it into the previous header */
			struct tmpl_header *h = &t->h[t->nh - 1];
			size_t ol = strlen(h->value);
			h->value = xrealloc(h->value, ol + len + 1);
			memcpy(h->value + ol, s, len);
			h->value[ol + len] = '\0';
			continue;
		}
		const char *colon = memchr(s, ':', len);
		if (!colon || colon == s) {
			snprintf(err, err_size, "%ld: expected 'Name: value' or a blank line before the body",
				 line);
			tmpl_free(t);
			return -1;
		}
		for (const char *p = s; p < colon; p++)
			if (*p <= ' ' || *p > '~') {
				snprintf(err, err_size, "%ld: a header name holds a space or a special character",
					 line);
				tmpl_free(t);
				return -1;
			}
		const char *v = colon + 1;
		while (v < s + len && (*v == ' ' || *v == '\t'))
			v++;
		void *p = t->h;
		xgrow(&p, &cap, t->nh + 1, sizeof *t->h);
		t->h = p;
		t->h[t->nh++] = (struct tmpl_header){ dupn(s, (size_t)(colon - s)),
						      dupn(v, (size_t)(s + len - v)) };
	}
	/* the body, with CR LF made LF */
	struct sb b = { 0 };
	for (; i < n; i++)
		if (!(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n'))
			sb_addc(&b, text[i]);
	t->body = xstrdup(sb_str(&b));
	sb_free(&b);
	return 0;
}

void tmpl_free(struct tmpl *t)
{
	for (size_t i = 0; i < t->nh; i++) {
		free(t->h[i].name);
		free(t->h[i].value);
	}
	free(t->h);
	free(t->body);
	memset(t, 0, sizeof *t);
}

int tmpl_render(const char *s, tmpl_lookup look, void *ctx, struct sb *out, char **missing)
{
	*missing = NULL;
	for (;;) {
		const char *o = strstr(s, "{{");
		if (!o) {
			sb_adds(out, s);
			return 0;
		}
		const char *c = strstr(o + 2, "}}");
		if (!c) {
			sb_adds(out, s);
			return 0;
		}
		sb_add(out, s, (size_t)(o - s));
		char *inner = dupn(o + 2, (size_t)(c - o - 2));
		char *bar = strchr(inner, '|');
		const char *def = NULL;
		if (bar) {
			*bar = '\0';
			def = bar + 1;
		}
		char *name = inner;
		while (*name == ' ')
			name++;
		size_t nl = strlen(name);
		while (nl && name[nl - 1] == ' ')
			name[--nl] = '\0';
		const char *v = look(ctx, name);
		if (v && *v)
			sb_adds(out, v);
		else if (def)
			sb_adds(out, def);
		else {
			*missing = xstrdup(name);
			free(inner);
			return -1;
		}
		free(inner);
		s = c + 2;
	}
}

bool has_line_break(const char *s, size_t n)
{
	return memchr(s, '\r', n) || memchr(s, '\n', n) || memchr(s, '\0', n);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(struct sb *out, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		char q[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
			      i + 2 < n ? b64[v & 63] : '=' };
		sb_add(out, q, 4);
	}
}

/* Append s[0..n) as B encoded-words separated by sep: the first of at most
 * first bytes, the others of 39 (64 characters with =?UTF-8?B?...?=),
 * never cutting a character. */
static void encoded_words(struct sb *out, const char *s, size_t n, size_t first, const char *sep)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, max = first;
	while (i < n) {
		size_t take = 0;
		while (i + take < n) {
			unsigned cp;
			size_t k = u8_decode(u + i + take, n - i - take, &cp);
			if (!k)
				k = 1;
			if (take + k > max)
				break;
			take += k;
		}
		if (i)
			sb_adds(out, sep);
		sb_adds(out, "=?UTF-8?B?");
		base64(out, u + i, take);
		sb_adds(out, "?=");
		i += take;
		max = 39;
	}
}

/* Whether text must go as encoded-words rather than as it is: it holds a
 * byte beyond ASCII or a control character, or "=?" (a mail reader would
 * decode text that looks like an encoded-word: encoded, it reads as
 * written), or a word (a run without spaces) longer than room characters
 * for the first, 77 for the others: a line could not be folded to 78. */
static bool needs_words(const char *v, size_t n, size_t room)
{
	if (!u8_is_ascii(v, n))
		return true;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < ' ' || v[i] == 0x7F || (v[i] == '=' && i + 1 < n && v[i + 1] == '?'))
			return true;
	for (size_t i = 0; i < n;) {
		size_t wl = 0;
		while (i + wl < n && v[i + wl] != ' ')
			wl++;
		if (wl > room)
			return true;
		room = 77;
		i += wl + 1;
	}
	return false;
}

/* Append "Name: value" folded before a word that would pass column 78,
 * where there is a space to fold at. Returns the longest line written,
 * without its line end. */
static size_t fold_ascii(struct sb *out, const char *name, const char *value)
{
	sb_adds(out, name);
	sb_adds(out, ": ");
	size_t col = strlen(name) + 2, longest = 0;
	const char *p = value;
	bool first = true;
	while (*p || first) {
		size_t wl = strcspn(p, " ");
		if (!first) {
			if (col + 1 + wl > 78) {
				if (col > longest)
					longest = col;
				sb_adds(out, "\n ");
				col = 1;
			} else {
				sb_addc(out, ' ');
				col++;
			}
		}
		sb_add(out, p, wl);
		col += wl;
		p += wl;
		first = false;
		if (*p != ' ')
			break;
		p++;
	}
	sb_addc(out, '\n');
	return col > longest ? col : longest;
}

void mail_header(struct sb *out, const char *name, const char *value)
{
	size_t n = strlen(value), col = strlen(name) + 2;
	if (!needs_words(value, n, col < 78 ? 78 - col : 0)) {
		fold_ascii(out, name, value);
		return;
	}
	sb_adds(out, name);
	sb_adds(out, ": ");
	/* encoded-words of at most 39 bytes of UTF-8 each (52 characters of
	 * base64, 64 with the =?UTF-8?B?...?= around them), cut between
	 * characters */
	/* the first word shares its line with the name: as many bytes as fit */
	size_t room = col + 12 < 78 ? (78 - col - 12) / 4 * 3 : 0;
	if (room < 12) {
		sb_adds(out, "\n ");
		room = 39;
	}
	encoded_words(out, value, n, room < 39 ? room : 39, "\n ");
	sb_addc(out, '\n');
}

bool mail_header_raw(struct sb *out, const char *name, const char *value)
{
	struct sb h = { 0 };
	bool ok = fold_ascii(&h, name, value) <= MAIL_LINE_MAX;
	if (ok)
		sb_add(out, h.s, h.len);
	sb_free(&h);
	return ok;
}

void mail_address(struct sb *out, const char *name, const char *addr)
{
	size_t n = strlen(name);
	if (!n) {
		sb_adds(out, addr);
		return;
	}
	if (needs_words(name, n, 60)) {
		/* words joined by a space, where a header may fold */
		encoded_words(out, name, n, 39, " ");
	} else if (strpbrk(name, "()<>[]:;@\\,.\"")) {
		sb_addc(out, '"');
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_addc(out, '\\');
			sb_addc(out, *p);
		}
		sb_addc(out, '"');
	} else {
		sb_adds(out, name);
	}
	sb_adds(out, " <");
	sb_adds(out, addr);
	sb_addc(out, '>');
}

void mail_addr_wire(struct sb *out, const char *addr)
{
	const char *at = strrchr(addr, '@');
	if (!at) {
		sb_adds(out, addr);
		return;
	}
	size_t mark = out->len;
	sb_add(out, addr, (size_t)(at + 1 - addr));
	if (!idna_to_ascii(at + 1, strlen(at + 1), out)) {
		out->len = mark; /* valid_email takes no such address: kept as it is */
		sb_adds(out, addr);
	}
}

void mail_qp(struct sb *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0;
	while (i <= n) {
		const char *e = memchr(s + i, '\n', n - i);
		size_t len = e ? (size_t)(e - s - i) : n - i;
		if (!e && len == 0)
			break;
		const unsigned char *l = (const unsigned char *)s + i;
		size_t col = 0;
		for (size_t k = 0; k < len; k++) {
			unsigned char c = l[k];
			char enc[4];
			size_t el;
			bool trailing_ws = (c == ' ' || c == '\t') && k + 1 == len;
			if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !trailing_ws)) {
				enc[0] = (char)c;
				el = 1;
			} else {
				enc[0] = '=';
				enc[1] = hex[c >> 4];
				enc[2] = hex[c & 15];
				el = 3;
			}
			/* a soft break keeps each line within 76 characters: the
			 * last line of a chunk may use all 76, others need one for
			 * the '=' */
			bool last = k + 1 == len;
			if (col + el > (last ? 76u : 75u)) {
				sb_adds(out, "=\n");
				col = 0;
			}
			sb_add(out, enc, el);
			col += el;
		}
		sb_addc(out, '\n');
		if (!e)
			break;
		i += len + 1;
		if (i == n)
			break;
	}
}

void mail_date(crm_time t, char *buf, size_t n)
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	/* in the zone of crm.conf, with its offset */
	long off = date_offset(t);
	crm_time lt = t + off;
	int64_t days = date_utc_day(lt), y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	unsigned s = (unsigned)(lt - days * 86400);
	long ao = off < 0 ? -off : off;
	snprintf(buf, n, "%s, %02u %s %04d %02u:%02u:%02u %c%02ld%02ld", wd[((days % 7) + 7) % 7],
		 d % 32, mo[(m + 11) % 12], (int)(y < 0 ? 0 : y > 9999 ? 9999 : y), s / 3600 % 24,
		 s / 60 % 60, s % 60, off < 0 ? '-' : '+', ao / 3600 % 100, ao / 60 % 60);
}

void mbox_put(struct sb *out, const char *msg, size_t n, crm_time t)
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t days = date_utc_day(t), y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	unsigned s = (unsigned)(t - days * 86400);
	sb_printf(out, "From MAILER-DAEMON %s %s %2u %02u:%02u:%02u %04d\n", wd[((days % 7) + 7) % 7],
		  mo[(m + 11) % 12], d % 32, s / 3600 % 24, s / 60 % 60, s % 60,
		  (int)(y < 0 ? 0 : y > 9999 ? 9999 : y));
	size_t i = 0;
	while (i < n) {
		const char *e = memchr(msg + i, '\n', n - i);
		size_t len = e ? (size_t)(e - msg - i) + 1 : n - i;
		const char *l = msg + i;
		size_t k = 0;
		while (k < len && l[k] == '>')
			k++;
		if (len - k >= 5 && !memcmp(l + k, "From ", 5))
			sb_addc(out, '>');
		sb_add(out, l, len);
		i += len;
	}
	if (n && msg[n - 1] != '\n')
		sb_addc(out, '\n');
	sb_addc(out, '\n');
}
