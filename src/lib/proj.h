/* proj.h - the projection reader: the few top-level fields of a history line
 * a report needs, found without building the whole object
 *
 * Its performance layer is the index of a buffer (struct proj_idx): one
 * pass with vector instructions (AVX2 where the processor has it) marks
 * the quotes, escapes, newlines and faulty bytes of 64 bytes at a time,
 * and a clean line is then read from those bits instead of byte by byte.
 * What it buys: on the bench data (5,000,000 lines, 1.2 GB) crm-report
 * activity takes 1.0 s of CPU with it and 1.5 s without. How it is
 * checked: build/tests/vecsame (tests/history-reader.bats) reads every
 * one- and two-byte sequence and many longer ones, placed across the ends
 * of the 32- and 64-byte blocks, both ways and compares; the fuzz target
 * fuzz/proj.c compares both ways with Jansson. */
#ifndef CRM_PROJ_H
#define CRM_PROJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The fields it extracts. */
enum pj {
	PJ_ID, PJ_TS, PJ_CUSTOMER, PJ_TYPE, PJ_CHANNEL, PJ_DIRECTION, PJ_AMOUNT, PJ_CURRENCY,
	PJ_RATING, PJ_SCORE, PJ_REF, PJ_CAMPAIGN, PJ_STATUS, PJ_STAGE, PJ_PROBABILITY, PJ_CLOSE,
	PJ_DUE, PJ_BY, PJ_TEXT, PJ_SUBJECT, PJ_MESSAGE_ID, PJ_PRIORITY, PJ_OWNER, PJ_MAX
};

/* A value: its text (a string's decoded content, a number as written) and
 * kind: 's' string, 'n' number, 'b' true/false, 'z' null, 'a' array, 'o'
 * object, or 0 when the key is absent. */
struct pval {
	const char *s;
	size_t n;
	char kind;
};

/* What one pass over a buffer of lines found, 64 bytes to a bit of each
 * word: quotes and the backslashes that start an escape (not the quotes
 * and backslashes escaped), newlines, and (a bit per 64 bytes) where a
 * control character, an escape the index does not take (\u, or a bad
 * one) or a UTF-8 fault is. */
struct proj_idx {
	const char *base;
	size_t nw; /* words: 64 bytes each */
	uint64_t *qm, *nl, *bad;
	size_t cap;
	size_t *np, nn, npcap; /* the places of the newlines (offsets from base), in order */
};

struct proj {
	unsigned skip;  /* bits (1 << PJ_...) of fields the caller does not need */
	struct pval v[PJ_MAX];
	unsigned set;   /* bits of the fields of v the last line filled: the others are zero */
	struct sb own; /* decoded strings when the slow path was taken */
	struct proj_idx idx; /* proj_line's index of its line */
};

/* Set to read every line byte by byte, without the vector instructions
 * (tests compare the two). */
extern int proj_simd_off;

/* Read one line of the history. Returns 1 with p->v filled (pointers into s
 * or into p->own, valid until the next call), 0 for a blank line, -1 for a
 * line that is not a JSON object by Jansson's rules (duplicate keys
 * included), with the reason in err. Lines the fast scanner cannot vouch for
 * (escapes in a wanted string, nested objects, huge numbers) are parsed by
 * Jansson, so the answer always agrees with Jansson. */
int proj_line(struct proj *p, const char *s, size_t n, char *err, size_t err_size);
void proj_free(struct proj *p);

/* Index s[0..n), a buffer of whole lines (the last may lack its newline);
 * false when this processor cannot (then read lines with memchr). */
bool proj_index(struct proj_idx *x, const char *s, size_t n);
/* The first set bit of the words m[0..nw) at or after bit i, or SIZE_MAX. */
static inline size_t proj_next_bit(const uint64_t *m, size_t nw, size_t i)
{
	size_t k = i >> 6;
	if (k >= nw)
		return SIZE_MAX;
	uint64_t w = m[k] & (~0ull << (i & 63));
	while (!w) {
		if (++k >= nw)
			return SIZE_MAX;
		w = m[k];
	}
	return (k << 6) + (size_t)__builtin_ctzll(w);
}

/* The first newline at or after from in the indexed buffer, or NULL. */
static inline const char *proj_idx_nl(const struct proj_idx *x, const char *from)
{
	size_t at = proj_next_bit(x->nl, x->nw, (size_t)(from - x->base));
	return at == SIZE_MAX ? NULL : x->base + at;
}

/* proj_line for a line that proj_idx_nl delimits (no newline in s[0..n))
 * in the buffer x indexed (proj_index gave true), or with x NULL: the same
 * answers, faster where the index shows the line needs no byte-wise
 * check. */
int proj_line_idx(struct proj *p, const struct proj_idx *x, const char *s, size_t n, char *err,
		  size_t err_size);
void proj_idx_free(struct proj_idx *x);

/* The field's value as a whole number; false when absent or not one. */
bool pval_int(const struct pval *v, long long *out);

#endif
