/* utf8.c - UTF-8 handling that never depends on the user's locale */
#include "utf8.h"

#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "foldtab.h"

static _Thread_local bool ready;
static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_loc_make(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

void u8_thread_init(void)
{
	if (ready)
		return;
	ready = true;
	/* Data is UTF-8 whatever LC_ALL says (cron runs with LC_ALL=C), so the
	 * character tables come from C.UTF-8, set for this thread only; the
	 * locale is made once for all threads (two threads that start at once
	 * must not each make one) */
	pthread_once(&utf8_once, utf8_loc_make);
	if (utf8_loc)
		uselocale(utf8_loc);
}

size_t u8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	unsigned min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

void u8_encode(struct sb *b, unsigned cp)
{
	char t[4];
	size_t n;
	if (cp < 0x80) {
		t[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | cp >> 6);
		t[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | cp >> 12);
		t[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		t[0] = (char)(0xF0 | cp >> 18);
		t[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		t[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		t[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	sb_add(b, t, n);
}

bool u8_is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

bool u8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		/* eight ASCII bytes at a time: most of a record is ASCII */
		for (uint64_t w; i + 8 <= n; i += 8) {
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
		}
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		unsigned cp;
		size_t k = u8_decode(p + i, n - i, &cp);
		if (!k) {
			if (bad)
				*bad = i;
			return false;
		}
		i += k;
	}
	return true;
}

size_t u8_width(const char *s, size_t n)
{
	u8_thread_init();
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			w++;
			i++;
			continue;
		}
		unsigned cp;
		size_t k = u8_decode(p + i, n - i, &cp);
		if (!k) {
			w++;
			i++;
			continue;
		}
		int cw = wcwidth((wchar_t)cp);
		w += cw < 0 ? 1 : (size_t)cw;
		i += k;
	}
	return w;
}

static unsigned strip_mark(unsigned cp)
{
	size_t lo = 0, hi = sizeof fold_table / sizeof fold_table[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (fold_table[mid].cp == cp)
			return fold_table[mid].base;
		if (fold_table[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return cp;
}

void u8_fold(const char *s, size_t n, bool strip, struct sb *out)
{
	u8_thread_init();
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			char c = (char)p[i];
			if (c >= 'A' && c <= 'Z')
				c += 32;
			sb_addc(out, c);
			i++;
			continue;
		}
		unsigned cp;
		size_t k = u8_decode(p + i, n - i, &cp);
		if (!k) {
			sb_add(out, s + i, 1);
			i++;
			continue;
		}
		i += k;
		cp = (unsigned)towlower((wint_t)cp);
		if (strip) {
			if (cp >= 0x300 && cp <= 0x36F) /* combining diacritical marks */
				continue;
			cp = strip_mark(cp);
			cp = (unsigned)towlower((wint_t)cp);
		}
		u8_encode(out, cp);
	}
}
