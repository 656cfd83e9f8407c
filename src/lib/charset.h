/* charset.h - text in other charsets made UTF-8 (iconv), under the names
 * that mail and exported files really use */
#ifndef CRM_CHARSET_H
#define CRM_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The name to give iconv for the charset called name, written into buf
 * (size bytes) and returned: white space and quotes around it and an RFC
 * 2231 language (after '*') dropped, lower-cased, and the names iconv
 * lacks or reads otherwise than mail programs do resolved as browsers
 * resolve them: iso-8859-1 (latin1, ...) is read as windows-1252, whose
 * printable characters in 0x80-0x9F it lacks only as C1 controls that no
 * text means; ks_c_5601-1987 (korean, ...) is cp949; gb2312 is gbk;
 * iso-8859-9 is windows-1254; x-sjis is shift_jis; x-mac-roman is
 * macintosh; iso-8859-8-i is iso-8859-8. "" when name has no name. */
const char *charset_name(const char *name, char *buf, size_t size);

/* True when the charset (as charset_name gives it) is UTF-8 or ASCII:
 * text that needs no conversion. */
bool charset_is_utf8(const char *name);

/* Append s[0..n), text in the charset cs (any name charset_name takes),
 * to out as UTF-8. Returns 0; -1 when iconv knows no such charset
 * (nothing is appended); -2 when s is not text in cs: *bad (when not
 * NULL) is then the offset of the first byte that is not, and out holds
 * what comes before it. */
int charset_conv(const char *cs, const char *s, size_t n, struct sb *out, size_t *bad);

#endif
