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
	int exp = currency_exp(cur);
	long long whole = 0, frac = 0;
	int fdigits = 0, digits = 0;
	bool point = false;
	const char *p = s;
	if (*p == '-')
		return "must not be negative (log a refund instead)";
	if (*p == '+')
		p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (point) {
				if (++fdigits > exp)
					return exp ? "has more decimals than the currency has"
						   : "must be whole for this currency";
				frac = frac * 10 + (*p - '0');
			} else {
				if (whole > (9000000000000000LL - 9) / 10)
					return "is too large";
				whole = whole * 10 + (*p - '0');
				digits++;
			}
		} else if ((*p == '.' || *p == ',') && !point) {
			point = true;
		} else if (*p == ' ' || *p == '_' || *p == '\'') {
			continue; /* thousands separators */
		} else {
			return "is not a number (write 129.99)";
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
