/* money.c - amounts in integer minor units */
#include "money.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

int currency_exp(const char *cur)
{
	static const char *const zero[] = { "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
					    "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
					    "XPF", NULL };
	static const char *const three[] = { "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND", NULL };
	for (const char *const *p = zero; *p; p++)
		if (ascii_ieq(cur, *p))
			return 0;
	for (const char *const *p = three; *p; p++)
		if (ascii_ieq(cur, *p))
			return 3;
	return 2;
}

bool currency_valid(const char *cur, char *out)
{
	if (strlen(cur) != 3)
		return false;
	for (int i = 0; i < 3; i++) {
		char c = cur[i];
		if (c >= 'a' && c <= 'z')
			c -= 32;
		if (c < 'A' || c > 'Z')
			return false;
		out[i] = c;
	}
	out[3] = '\0';
	return true;
}

const char *money_parse(const char *s, const char *cur, long long *minor)
{
	/* signs written next to amounts, and the currencies each may mean */
	static const struct {
		const char *sign, *codes;
	} signs[] = {
		{ "zł", "PLN" },    { "zl", "PLN" },	{ "kč", "CZK" },  { "kc", "CZK" },
		{ "€", "EUR" },	    { "£", "GBP" },	{ "лв", "BGN" },  { "лв.", "BGN" },
		{ "ft", "HUF" },    { "lei", "RON" },	{ "¥", "JPY CNY" },
		{ "₽", "RUB" },	    { "₴", "UAH" },	{ "kr", "SEK NOK DKK ISK" },
		{ "kr.", "SEK NOK DKK ISK" },		{ "$", "USD CAD AUD NZD HKD SGD MXN" },
		{ "us$", "USD" },   { "fr.", "CHF" },
	};
	static _Thread_local char other[64]; /* the reason naming another currency */
	int exp = currency_exp(cur);
	size_t n = strlen(s);
	const char *e = s + n;
	/* the number runs from the first digit (or a separator before one)
	 * to the last digit, or to a ",-" that says there are no decimals */
	const char *b = s, *l = NULL;
	while (b < e && !(*b >= '0' && *b <= '9') &&
	       !((*b == '.' || *b == ',') && b + 1 < e && b[1] >= '0' && b[1] <= '9'))
		b++;
	for (const char *p = b; p < e; p++)
		if (*p >= '0' && *p <= '9')
			l = p + 1;
	if (!l)
		return "is not a number (write 129.99)";
	if (l + 1 < e && (*l == ',' || *l == '.') && l[1] == '-')
		l += 2; /* 129,- */
	/* what is around it: a sign, a currency */
	struct sb around = { 0 };
	const char *parts[2][2] = { { s, b }, { l, e } };
	int signed_neg = 0, words = 0;
	const char *why = NULL;
	for (int k = 0; k < 2 && !why; k++) {
		const char *p = parts[k][0], *q = parts[k][1];
		if (k == 1 && p < q && (*p == '.' || *p == ','))
			p++; /* 129. */
		for (;;) {
			while (p < q && (*p == ' ' || *p == '\t' || (q - p >= 2 && !memcmp(p, "\xC2\xA0", 2))))
				p += *p == ' ' || *p == '\t' ? 1 : 2;
			while (q > p && (q[-1] == ' ' || q[-1] == '\t' || (q - p >= 2 && !memcmp(q - 2, "\xC2\xA0", 2))))
				q -= q[-1] == ' ' || q[-1] == '\t' ? 1 : 2;
			if (p < q && (*p == '-' || *p == '+')) {
				signed_neg |= *p == '-';
				p++;
				continue;
			}
			if (p < q && (q[-1] == '-' || q[-1] == '+')) {
				signed_neg |= q[-1] == '-';
				q--;
				continue;
			}
			break;
		}
		if (p == q)
			continue;
		words++;
		sb_reset(&around);
		for (; p < q; p++)
			sb_addc(&around, *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p);
		const char *w = sb_str(&around);
		/* a code: the same as cur, or another currency's */
		if (around.len == 3 && w[0] >= 'a' && w[0] <= 'z' && w[1] >= 'a' && w[1] <= 'z' &&
		    w[2] >= 'a' && w[2] <= 'z') {
			if (!ascii_ieq(w, cur)) {
				snprintf(other, sizeof other, "is in %c%c%c, not %s", w[0] - 32, w[1] - 32,
					 w[2] - 32, cur);
				why = other;
			}
			continue;
		}
		/* Polish and Czech signs may come with capitals */
		if (!strcmp(w, "zŁ") || !strcmp(w, "kČ"))
			w = w[0] == 'z' ? "zł" : "kč";
		size_t i = 0;
		while (i < sizeof signs / sizeof signs[0] && strcmp(signs[i].sign, w))
			i++;
		if (i == sizeof signs / sizeof signs[0]) {
			why = "is not a number (write 129.99)";
		} else if (!strstr(signs[i].codes, cur) || strlen(cur) != 3) {
			if (strlen(signs[i].codes) == 3)
				snprintf(other, sizeof other, "is in %s, not %s", signs[i].codes, cur);
			else
				snprintf(other, sizeof other, "is in another currency (%s), not %s",
					 signs[i].sign, cur);
			why = other;
		}
	}
	sb_free(&around);
	if (why)
		return why;
	if (words > 1)
		return "is not a number (write 129.99)";
	if (signed_neg)
		return "must not be negative (log a refund instead)";
	/* the separators: a point or a comma before the decimals, and between
	 * groups of thousands the other of the two, a space (plain, no-break,
	 * narrow or thin), '_' or an apostrophe */
	int points = 0, commas = 0;
	const char *lastp = NULL, *lastc = NULL;
	for (const char *p = b; p < l; p++) {
		if (*p == '.')
			points++, lastp = p;
		else if (*p == ',')
			commas++, lastc = p;
	}
	const char *dec = NULL;
	if (points && commas)
		dec = lastp > lastc ? lastp : lastc;
	else if (points == 1)
		dec = lastp;
	else if (commas == 1)
		dec = lastc;
	if (dec && ((*dec == '.' && points > 1) || (*dec == ',' && commas > 1)))
		return "is not a number (write 129.99)";
	/* 1,500 yen: a currency without decimals has only thousands */
	if (dec && !exp && !(points && commas) && l - dec == 4)
		dec = NULL;
	long long whole = 0, frac = 0;
	int fdigits = 0, digits = 0, group = -1; /* digits since the last separator, -1 before one */
	bool seps = false;
	const char *p = b;
	for (; p < (dec ? dec : l); p++) {
		size_t w = 0;
		if (*p >= '0' && *p <= '9') {
			if (whole > (9000000000000000LL - 9) / 10)
				return "is too large";
			whole = whole * 10 + (*p - '0');
			digits++;
			if (group >= 0)
				group++;
			continue;
		}
		if (*p == ' ' || *p == '_' || *p == '\'' || *p == '.' || *p == ',')
			w = 1;
		else if (l - p >= 2 && !memcmp(p, "\xC2\xA0", 2))
			w = 2;
		else if (l - p >= 3 && (!memcmp(p, "\xE2\x80\xAF", 3) || !memcmp(p, "\xE2\x80\x89", 3)))
			w = 3;
		else
			return "is not a number (write 129.99)";
		/* a group of thousands has three digits; the first one to three */
		if ((group >= 0 && group != 3) || (group < 0 && (digits < 1 || digits > 3)))
			return "has a misplaced thousands separator (write 1 299.00 or 1299.00)";
		group = 0;
		seps = true;
		p += w - 1;
	}
	if (seps && group != 3)
		return "has a misplaced thousands separator (write 1 299.00 or 1299.00)";
	if (dec) {
		for (p = dec + 1; p < l; p++) {
			if (*p == '-' && p + 1 == l && p == dec + 1)
				break; /* 129,- */
			if (*p < '0' || *p > '9')
				return "is not a number (write 129.99)";
			if (++fdigits > exp)
				return exp ? "has more decimals than the currency has"
					   : "must be whole for this currency";
			frac = frac * 10 + (*p - '0');
		}
	}
	if (!digits && !fdigits)
		return "is not a number (write 129.99)";
	for (int i = fdigits; i < exp; i++)
		frac *= 10;
	long long scale = 1;
	for (int i = 0; i < exp; i++)
		scale *= 10;
	if (whole > 9000000000000000LL / scale)
		return "is too large";
	*minor = whole * scale + frac;
	return NULL;
}

void money_fmt(long long minor, const char *cur, bool group, char *buf)
{
	int exp = currency_exp(cur);
	bool neg = minor < 0;
	unsigned long long v = neg ? 0ULL - (unsigned long long)minor : (unsigned long long)minor;
	unsigned long long scale = 1;
	for (int i = 0; i < exp; i++)
		scale *= 10;
	char w[32];
	snprintf(w, sizeof w, "%llu", v / scale);
	char g[48];
	size_t n = strlen(w), k = 0;
	for (size_t i = 0; i < n; i++) {
		if (group && i && (n - i) % 3 == 0)
			g[k++] = ',';
		g[k++] = w[i];
	}
	g[k] = '\0';
	if (exp)
		snprintf(buf, MONEY_BUFSZ, "%s%s.%0*llu", neg ? "-" : "", g, exp, v % scale);
	else
		snprintf(buf, MONEY_BUFSZ, "%s%s", neg ? "-" : "", g);
}
