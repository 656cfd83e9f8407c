/* lit.h - finding a literal in bytes at memory speed, ASCII letters without case
 *
 * What it buys: the writers and crm-find look for one customer among a
 * million rows; the rows that hold the literal are few, so finding them
 * fast and reading only those makes a lookup cost about what grep -c does
 * (the bytes are compared 16 at a time, SSE2, at two places of the literal
 * whose bytes are rare in text; a plain loop elsewhere gives the same
 * answers). How it is
 * checked: tests/proj/cscancheck.c compares every answer with a byte-by-byte
 * search, over needles and texts of every length up to 40, with letters
 * in both cases and bytes over 0x7F. */
#ifndef CRM_LIT_H
#define CRM_LIT_H

#include <stdbool.h>
#include <stddef.h>

struct lit {
	unsigned char s[64]; /* the literal, letters in lower case */
	unsigned char m[64]; /* 0x20 where s has a letter: compare (byte | m) with s */
	size_t n;            /* 1 to 64 bytes */
	size_t a, b;         /* the two places compared first: its rarest bytes */
	bool special;        /* text with a letter that folds to one of its
				letters (lit_special) must be looked at whole */
};

/* Set l to find s[0..n) (1 to 64 bytes), its ASCII letters in any case
 * and every other byte as it is. */
void lit_init(struct lit *l, const char *s, size_t n);

/* The first place in h[0..n) where the literal is, or NULL. */
const char *lit_find(const struct lit *l, const char *h, size_t n);

/* Choose the literal that every text holding key (a literal, or a value a
 * field must equal) holds, when letters are compared without case the way
 * crm does it (towlower, as u8_fold) or PCRE2 does (caseless): the longest
 * piece of key that is ASCII, without a quote or a line break (CSV quotes
 * and splits those). Four characters outside ASCII fold to an ASCII letter
 * (U+0130 and U+0131 to i, U+017F to s, U+212A to k); a piece without i, k
 * and s is taken when it has 4 bytes or more, else l->special is set for a
 * piece that has them, and text holding such a character must be looked
 * at whole (lit_special). Returns false when no piece is left (the key
 * has no byte to look for: read everything). */
bool lit_choose(struct lit *l, const char *key, size_t n);

/* True when h[0..n) holds a character that folds to an ASCII letter (one
 * of the four of lit_choose): a literal with l->special set may then be
 * written otherwise there. */
bool lit_special(const char *h, size_t n);

/* The number of line feeds in h[0..n). */
size_t lit_count_nl(const char *h, size_t n);

#endif
