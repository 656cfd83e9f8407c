/* idna.h - domain names with letters beyond ASCII in the ASCII form mail
 * servers take: each such label as "xn--" and its Punycode (RFC 3492) */
#ifndef CRM_IDNA_H
#define CRM_IDNA_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Append the ASCII form of the domain d[0..n) to out: a label (between
 * dots) with a character beyond ASCII becomes "xn--" followed by the
 * Punycode of its characters, as written (the caller lower-cases first);
 * an ASCII label is kept as it is. Returns false when d is not valid UTF-8
 * or a label is too long to encode (out then holds part of the form). */
bool idna_to_ascii(const char *d, size_t n, struct sb *out);

#endif
