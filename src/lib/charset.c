/* charset.c - other charsets to UTF-8 */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "utf8.h"

const char *charset_name(const char *name, char *buf, size_t size)
{
	/* the names the mail of the world uses that iconv lacks, or reads
	 * as another charset than the senders meant */
	static const char *const alias[][2] = {
		{ "iso-8859-1", "windows-1252" },  { "iso8859-1", "windows-1252" },
		{ "iso_8859-1", "windows-1252" },  { "iso_8859-1:1987", "windows-1252" },
		{ "latin1", "windows-1252" },	   { "latin-1", "windows-1252" },
		{ "l1", "windows-1252" },	   { "cp819", "windows-1252" },
		{ "ibm819", "windows-1252" },	   { "iso-ir-100", "windows-1252" },
		{ "csisolatin1", "windows-1252" }, { "x-cp1252", "windows-1252" },
		{ "ks_c_5601-1987", "cp949" },	   { "ks_c_5601-1989", "cp949" },
		{ "ks_c_5601", "cp949" },	   { "ksc_5601", "cp949" },
		{ "ksc5601", "cp949" },		   { "csksc56011987", "cp949" },
		{ "korean", "cp949" },		   { "iso-ir-149", "cp949" },
		{ "windows-949", "cp949" },	   { "x-windows-949", "cp949" },
		{ "gb2312", "gbk" },		   { "gb_2312-80", "gbk" },
		{ "csgb2312", "gbk" },		   { "x-gbk", "gbk" },
		{ "chinese", "gbk" },		   { "iso-8859-9", "windows-1254" },
		{ "latin5", "windows-1254" },	   { "x-sjis", "shift_jis" },
		{ "x-mac-roman", "macintosh" },	   { "iso-8859-8-i", "iso-8859-8" },
		{ "x-cp1250", "windows-1250" },	   { "unicode-1-1-utf-8", "utf-8" },
		{ "x-unicode20utf8", "utf-8" },
	};
	size_t k = 0;
	if (name) {
		while (*name == ' ' || *name == '\t' || *name == '"' || *name == '\'')
			name++;
		while (name[k] && name[k] != '*' && name[k] != '"' && name[k] != '\'' &&
		       name[k] != ' ' && name[k] != '\t' && name[k] != ';' && k + 1 < size) {
			char c = name[k];
			buf[k++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
	}
	buf[k] = '\0';
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (!strcmp(buf, alias[i][0])) {
			snprintf(buf, size, "%s", alias[i][1]);
			break;
		}
	return buf;
}

bool charset_is_utf8(const char *name)
{
	static const char *const same[] = { "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968" };
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		if (!strcmp(name, same[i]))
			return true;
	return false;
}

int charset_conv(const char *cs, const char *s, size_t n, struct sb *out, size_t *bad)
{
	char name[64];
	charset_name(cs, name, sizeof name);
	if (charset_is_utf8(name)) {
		size_t at;
		if (u8_valid(s, n, &at)) {
			sb_add(out, s, n);
			return 0;
		}
		sb_add(out, s, at);
		if (bad)
			*bad = at;
		return -2;
	}
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return -1;
	char *in = (char *)s, chunk[4096];
	size_t left = n;
	int rc = 0;
	for (bool flush = false;;) {
		char *o = chunk;
		size_t ol = sizeof chunk;
		size_t r = flush ? iconv(cd, NULL, NULL, &o, &ol) : iconv(cd, &in, &left, &o, &ol);
		sb_add(out, chunk, sizeof chunk - ol);
		if (r == (size_t)-1 && errno != E2BIG) {
			/* a byte the charset does not have, or a sequence cut short */
			if (bad)
				*bad = (size_t)(in - s);
			rc = -2;
			break;
		}
		if (r != (size_t)-1 && flush)
			break;
		if (r != (size_t)-1)
			flush = true;
	}
	iconv_close(cd);
	return rc;
}
