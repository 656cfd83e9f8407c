/* suggest.c - the nearest names, by edit distance */
#include "suggest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The edit distance of a and b (optimal string alignment: an insertion, a
 * deletion, a change or a swap of two neighbours is one edit), or cap + 1
 * when it is more than cap. */
static size_t distance(const char *a, const char *b, size_t cap)
{
	size_t n = strlen(a), m = strlen(b);
	if ((n > m ? n - m : m - n) > cap || n > 64 || m > 64)
		return cap + 1;
	size_t d[65][65];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t cost = lower((unsigned char)a[i - 1]) != lower((unsigned char)b[j - 1]);
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 2]) &&
			    lower((unsigned char)a[i - 2]) == lower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m] > cap ? cap + 1 : d[n][m];
}

bool suggest(const char *word, const char *const *cands, size_t n, const char *prefix,
	     struct sb *out)
{
	size_t len = strlen(word);
	size_t cap = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	size_t best = cap + 1;
	for (size_t i = 0; i < n && cands[i]; i++) {
		size_t d = distance(word, cands[i], cap);
		if (d < best)
			best = d;
	}
	if (best > cap || best == 0)
		return false;
	size_t shown = 0;
	for (size_t i = 0; i < n && cands[i]; i++) {
		if (distance(word, cands[i], cap) != best)
			continue;
		bool dup = false; /* a name listed twice is offered once */
		for (size_t k = 0; k < i && !dup; k++)
			dup = !strcmp(cands[k], cands[i]) && distance(word, cands[k], cap) == best;
		if (dup)
			continue;
		sb_printf(out, "%s%s%s", shown++ ? " or " : "", prefix, cands[i]);
	}
	return true;
}

const char *suggest_hint(const char *word, const char *const *cands, size_t n,
			 const char *prefix)
{
	static struct sb hint;
	sb_reset(&hint);
	struct sb s = { 0 };
	if (suggest(word, cands, n, prefix, &s))
		sb_printf(&hint, " (did you mean %s?)", sb_str(&s));
	sb_free(&s);
	return sb_str(&hint);
}
