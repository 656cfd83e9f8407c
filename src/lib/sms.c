/* sms.c - short text messages: how many parts a text takes */
#include "sms.h"

#include "utf8.h"

/* The GSM 03.38 basic character set (one septet each), as code points. */
static const unsigned gsm_basic[] = {
	'@', 0xA3, '$', 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, '\n', 0xD8, 0xF8, '\r', 0xC5, 0xE5,
	0x394, '_', 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xC6, 0xE6, 0xDF, 0xC9,
	' ', '!', '"', '#', 0xA4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	':', ';', '<', '=', '>', '?', 0xA1, 0xC4, 0xD6, 0xD1, 0xDC, 0xA7, 0xBF, 0xE4, 0xF6, 0xF1, 0xFC, 0xE0,
};
/* Its extension table: two septets each (an escape, then the character). */
static const unsigned gsm_ext[] = { '\f', '^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC };

/* Septets of cp in GSM-7, or 0 when it has none. */
static int septets(unsigned cp)
{
	if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
		return 1;
	for (size_t i = 0; i < sizeof gsm_basic / sizeof *gsm_basic; i++)
		if (gsm_basic[i] == cp)
			return 1;
	for (size_t i = 0; i < sizeof gsm_ext / sizeof *gsm_ext; i++)
		if (gsm_ext[i] == cp)
			return 2;
	return 0;
}

void sms_count(const char *s, size_t n, struct sms_count *c)
{
	size_t gsm = 0, utf16 = 0;
	bool ucs2 = false;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = u8_decode(p + i, n - i, &cp);
		if (!k)
			k = 1, cp = 0xFFFD;
		i += k;
		int g = septets(cp);
		if (!g)
			ucs2 = true;
		gsm += (size_t)g;
		utf16 += cp > 0xFFFF ? 2 : 1;
	}
	c->ucs2 = ucs2;
	c->units = ucs2 ? utf16 : gsm;
	size_t one = ucs2 ? 70 : 160, part = ucs2 ? 67 : 153;
	c->parts = c->units <= one ? 1 : (c->units + part - 1) / part;
}
