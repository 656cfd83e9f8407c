/* utf8.h - UTF-8 validation, display width and folding, independent of the locale */
#ifndef CRM_UTF8_H
#define CRM_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Decode one character at s (n bytes available). Returns its length and
 * stores the code point in *cp, or returns 0 for an invalid sequence. */
size_t u8_decode(const unsigned char *s, size_t n, unsigned *cp);

/* Append the UTF-8 encoding of cp to b. */
void u8_encode(struct sb *b, unsigned cp);

/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates). On false,
 * *bad (when not NULL) is the offset of the first bad byte. */
bool u8_valid(const char *s, size_t n, size_t *bad);

/* Columns the text takes on a terminal: combining marks 0, wide and
 * fullwidth characters 2, control characters 1 (they are shown escaped). */
size_t u8_width(const char *s, size_t n);

/* Fold s for case-insensitive comparison (Unicode lower case, whatever the
 * locale), and with strip also drop diacritics (Ż -> z, й -> и).
 * The result is appended to out. Invalid bytes are copied as they are. */
void u8_fold(const char *s, size_t n, bool strip, struct sb *out);

/* True when s[0..n) holds only ASCII. */
bool u8_is_ascii(const char *s, size_t n);

/* Make this thread's character classification Unicode-aware (C.UTF-8),
 * whatever LC_ALL says. Called by the functions above; threads call it once. */
void u8_thread_init(void);

#endif
