/* lit.c - finding a literal at memory speed */
#include "lit.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

static bool is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* How common a byte (a letter in lower case) is in customer data, roughly
 * per mille: letters as in European text, digits as in ids, times and
 * phone numbers. The two rarest bytes of a literal are compared first. */
static unsigned common(unsigned char c)
{
	static const unsigned char letter[26] = {
		82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1,
	};
	if (c >= 'a' && c <= 'z')
		return letter[c - 'a'];
	if (c >= '0' && c <= '9')
		return 30;
	switch (c) {
	case ' ': return 150;
	case ',': return 70;
	case '.': return 20;
	case '-': case ':': return 15;
	case '"': return 10;
	case '@': return 6;
	default: return c >= 0x80 ? 20 : 5;
	}
}

void lit_init(struct lit *l, const char *s, size_t n)
{
	memset(l, 0, sizeof *l);
	if (n > sizeof l->s)
		n = sizeof l->s;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		l->m[i] = is_letter(c) ? 0x20 : 0;
		l->s[i] = (unsigned char)(c | l->m[i]);
	}
	l->n = n;
	/* the pair of places least likely to fit by chance, far apart */
	unsigned best = ~0u;
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			unsigned f = common(l->s[i]) * common(l->s[j]);
			if (f < best || (f == best && j - i > l->b - l->a))
				best = f, l->a = i, l->b = j;
		}
}

static bool same_at(const struct lit *l, const unsigned char *h)
{
	for (size_t i = 0; i < l->n; i++)
		if ((h[i] | l->m[i]) != l->s[i])
			return false;
	return true;
}

const char *lit_find(const struct lit *l, const char *hay, size_t n)
{
	const unsigned char *h = (const unsigned char *)hay;
	if (!l->n)
		return hay;
	if (n < l->n)
		return NULL;
	size_t i = 0;
#ifdef __SSE2__
	/* a place whose two rare bytes fit, 16 places at a time */
	size_t pa = l->a, pb = l->b;
	const __m128i f = _mm_set1_epi8((char)l->s[pa]), fm = _mm_set1_epi8((char)l->m[pa]);
	const __m128i e = _mm_set1_epi8((char)l->s[pb]), em = _mm_set1_epi8((char)l->m[pb]);
	for (; i + 16 + l->n - 1 <= n; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(h + i + pa));
		__m128i b = _mm_loadu_si128((const __m128i *)(h + i + pb));
		__m128i eq = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(a, fm), f),
					   _mm_cmpeq_epi8(_mm_or_si128(b, em), e));
		unsigned mask = (unsigned)_mm_movemask_epi8(eq);
		while (mask) {
			size_t j = i + (size_t)__builtin_ctz(mask);
			if (same_at(l, h + j))
				return hay + j;
			mask &= mask - 1;
		}
	}
#endif
	for (; i + l->n <= n; i++)
		if ((h[i] | l->m[0]) == l->s[0] && same_at(l, h + i))
			return hay + i;
	return NULL;
}

/* Letters that a character outside ASCII folds to (lit_choose). */
static bool foldable(unsigned char c)
{
	c |= 0x20;
	return c == 'i' || c == 'k' || c == 's';
}

bool lit_choose(struct lit *l, const char *key, size_t n)
{
	const unsigned char *k = (const unsigned char *)key;
	/* the longest piece without i, k and s, and the longest with them */
	size_t bo = 0, bn = 0, so = 0, sn = 0;
	for (size_t i = 0; i < n;) {
		if (k[i] >= 0x80 || k[i] == '"' || k[i] == '\n' || k[i] == '\r') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && k[j] < 0x80 && k[j] != '"' && k[j] != '\n' && k[j] != '\r')
			j++;
		if (j - i > sn)
			so = i, sn = j - i;
		for (size_t a = i; a < j;) {
			if (foldable(k[a])) {
				a++;
				continue;
			}
			size_t b = a;
			while (b < j && !foldable(k[b]))
				b++;
			if (b - a > bn)
				bo = a, bn = b - a;
			a = b;
		}
		i = j;
	}
	if (bn >= 4 || (bn && bn == sn)) {
		lit_init(l, key + bo, bn);
		return true;
	}
	if (!sn) {
		memset(l, 0, sizeof *l);
		return false;
	}
	lit_init(l, key + so, sn);
	l->special = true;
	return true;
}

bool lit_special(const char *hay, size_t n)
{
	const unsigned char *h = (const unsigned char *)hay;
	size_t i = 0;
#ifdef __SSE2__
	/* C4 B0, C4 B1, C5 BF and E2 84 (AA): one pass of 16 places */
	const __m128i c4 = _mm_set1_epi8((char)0xC4), c5 = _mm_set1_epi8((char)0xC5);
	const __m128i e2 = _mm_set1_epi8((char)0xE2), b0 = _mm_set1_epi8((char)0xB0);
	const __m128i fe = _mm_set1_epi8((char)0xFE), bf = _mm_set1_epi8((char)0xBF);
	const __m128i x84 = _mm_set1_epi8((char)0x84);
	for (; i + 17 <= n; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(h + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(h + i + 1));
		__m128i hit = _mm_or_si128(
			_mm_and_si128(_mm_cmpeq_epi8(a, c4), _mm_cmpeq_epi8(_mm_and_si128(b, fe), b0)),
			_mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, c5), _mm_cmpeq_epi8(b, bf)),
				     _mm_and_si128(_mm_cmpeq_epi8(a, e2), _mm_cmpeq_epi8(b, x84))));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);
		while (mask) {
			size_t j = i + (size_t)__builtin_ctz(mask);
			if (h[j] != 0xE2 || (j + 2 < n && h[j + 2] == 0xAA))
				return true;
			mask &= mask - 1;
		}
	}
#endif
	for (; i + 1 < n; i++) {
		if ((h[i] == 0xC4 && (h[i + 1] == 0xB0 || h[i + 1] == 0xB1)) ||
		    (h[i] == 0xC5 && h[i + 1] == 0xBF) ||
		    (h[i] == 0xE2 && h[i + 1] == 0x84 && i + 2 < n && h[i + 2] == 0xAA))
			return true;
	}
	return false;
}

size_t lit_count_nl(const char *hay, size_t n)
{
	const unsigned char *h = (const unsigned char *)hay;
	size_t c = 0, i = 0;
#ifdef __SSE2__
	/* a count per byte lane (a match is -1: subtracted), added up every
	 * 255 blocks before a lane can overflow */
	const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		__m128i acc = zero;
		for (int k = 0; k < 255 && i + 16 <= n; k++, i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(h + i)), nl));
		__m128i sum = _mm_sad_epu8(acc, zero);
		c += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
	}
#endif
	for (; i < n; i++)
		c += h[i] == '\n';
	return c;
}
