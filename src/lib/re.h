/* re.h - running compiled PCRE2 patterns within limits, so that a pattern
 * that gives up (catastrophic backtracking) is an error, never "no match" */
#ifndef CRM_RE_H
#define CRM_RE_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stddef.h>

/* The work one match may do: PCRE2's match limit (backtracking points),
 * its depth limit, its heap in KiB, and the most stack a JIT-compiled
 * pattern may use. Generous for any pattern a person writes for a field,
 * small enough that a runaway one stops within a second. */
#define RE_MATCH_LIMIT 5000000u
#define RE_DEPTH_LIMIT 100000u
#define RE_HEAP_LIMIT_KIB 262144u
#define RE_JIT_STACK_MAX (4u << 20)

/* Match re against s[0..n), starting at byte start, with the limits above,
 * the result in md (NULL: a match data of the thread's own, whose ovector
 * re_ovector gives). Returns 1 on a match, 0 when there is none, -1 when
 * PCRE2 stopped without an answer (a limit reached, bad UTF-8 in s for a
 * pattern that needs it valid, no memory): then re_error() says why. */
int re_match(const pcre2_code *re, const char *s, size_t n, size_t start, pcre2_match_data *md);

/* Why the last re_match of this thread returned -1, as PCRE2 words it
 * ("match limit exceeded"); a buffer of the thread's own. */
const char *re_error(void);

/* The ovector of the thread's own match data (after re_match with md NULL). */
PCRE2_SIZE *re_ovector(void);

#endif
