/* idna.c - Punycode (RFC 3492) for the labels of a domain name */
#include "idna.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* The parameters RFC 3492 fixes for Punycode. */
enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, BIAS0 = 72, N0 = 128 };

/* Labels longer than this are refused before encoding: a DNS label holds
 * 63 octets, so a longer one is no name anyway. */
#define MAX_CPS 256

static char digit(uint32_t d)
{
	return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

static uint32_t adapt(uint32_t delta, uint32_t points, bool first)
{
	delta = first ? delta / DAMP : delta / 2;
	delta += delta / points;
	uint32_t k = 0;
	while (delta > ((BASE - TMIN) * TMAX) / 2) {
		delta /= BASE - TMIN;
		k += BASE;
	}
	return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

/* Encode the code points cp[0..n) (some beyond ASCII) after "xn--". */
static bool encode(const uint32_t *cp, size_t n, struct sb *out)
{
	sb_adds(out, "xn--");
	size_t b = 0;
	for (size_t i = 0; i < n; i++)
		if (cp[i] < 0x80) {
			sb_addc(out, (char)cp[i]);
			b++;
		}
	if (b)
		sb_addc(out, '-');
	uint32_t c = N0, bias = BIAS0;
	uint64_t delta = 0;
	for (size_t h = b; h < n;) {
		uint32_t m = UINT32_MAX;
		for (size_t i = 0; i < n; i++)
			if (cp[i] >= c && cp[i] < m)
				m = cp[i];
		delta += (uint64_t)(m - c) * (h + 1);
		if (delta > UINT32_MAX)
			return false;
		c = m;
		for (size_t i = 0; i < n; i++) {
			if (cp[i] < c && ++delta > UINT32_MAX)
				return false;
			if (cp[i] != c)
				continue;
			uint32_t q = (uint32_t)delta;
			for (uint32_t k = BASE;; k += BASE) {
				uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
				if (q < t)
					break;
				sb_addc(out, digit(t + (q - t) % (BASE - t)));
				q = (q - t) / (BASE - t);
			}
			sb_addc(out, digit(q));
			bias = adapt((uint32_t)delta, (uint32_t)h + 1, h == b);
			delta = 0;
			h++;
		}
		delta++;
		c++;
	}
	return true;
}

bool idna_to_ascii(const char *d, size_t n, struct sb *out)
{
	const char *p = d, *e = d + n;
	for (;;) {
		const char *dot = memchr(p, '.', (size_t)(e - p));
		const char *end = dot ? dot : e;
		size_t len = (size_t)(end - p);
		if (u8_is_ascii(p, len)) {
			sb_add(out, p, len);
		} else {
			uint32_t cp[MAX_CPS];
			size_t k = 0;
			for (size_t i = 0; i < len;) {
				unsigned c;
				size_t l = u8_decode((const unsigned char *)p + i, len - i, &c);
				if (!l || k == MAX_CPS)
					return false;
				cp[k++] = c;
				i += l;
			}
			if (!encode(cp, k, out))
				return false;
		}
		if (!dot)
			return true;
		sb_addc(out, '.');
		p = dot + 1;
	}
}
