/* scan.h - one pass over the history through the projection reader,
 * in parts on several threads when the file is big */
#ifndef CRM_SCAN_H
#define CRM_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "date.h"
#include "dir.h"
#include "hmap.h"
#include "proj.h"

/* An event as the reports see it. */
struct event {
	const struct proj *p; /* NULL for a bad line given to scan_parts_all */
	crm_time ts;
	bool has_ts;
	unsigned cls; /* what it is: DOM_CONTACT, DOM_PURCHASE... (domain.h) */
	const char *text; /* the line as stored, without its line end */
	size_t len;
	long long off;    /* where text starts in the file (or the stream) */
	const char *err;  /* scan_parts_all: why the line is bad, else NULL */
	bool torn;        /* the last line, without its line end */
};

typedef void (*scan_fn)(const struct event *e, void *ctx);

/* The most parts a scan is split into (one thread each). */
#define SCAN_MAXPARTS 2

/* Call fn for every line of the history of d that parses and that no void
 * event cancels (voids.h: the voids of a history that is a regular file
 * are read first), with the fields
 * in skip (bits 1 << PJ_...) left out of the event. Bad lines are reported
 * as file:line, in file order, and skipped; with strict the first is
 * reported and the scan fails. A big file is read in up to nctx parts on
 * as many threads, part i calling fn with ctx[i]: the return value is the
 * number of parts used (their contexts hold the results of consecutive
 * stretches of the file, to be folded in order), or -1 when the file could
 * not be read or strict failed. A missing history is 1 part with no event. */
int scan_parts(const struct crm_dir *d, bool strict, unsigned skip, scan_fn fn, void **ctx,
	       int nctx);

/* scan_parts for results that do not depend on the order of the lines
 * (sums, sets, the least and the most): the file is read in many small
 * parts, each thread taking the next one left, so that a slower thread
 * does not hold up the others; ctx[i] is a thread's, and gets lines from
 * anywhere in the file. Errors are still reported in file order. */
int scan_parts_any(const struct crm_dir *d, bool strict, unsigned skip, scan_fn fn, void **ctx,
		   int nctx);
/* scan_parts_any for a checker that lists bad lines its own way: a line
 * that does not parse is not reported but given to fn as an event with p
 * NULL and err the reason (torn set when it is the last line and has no
 * line end). The voids are not read first: every line is given, a line a
 * void cancels too (a checker notes the void events itself: voids_note).
 * Blank lines are skipped; a file that cannot be read is still reported
 * and gives -1. */
int scan_parts_all(const struct crm_dir *d, unsigned skip, scan_fn fn, void **ctx, int nctx);
/* The start of the first line of fd (size bytes) that begins at or after
 * at: where a part of the file read on its own thread starts. */
off_t scan_line_start(int fd, off_t at, off_t size);
/* The whole history in one part: scan_parts with one context. Returns 0
 * or -1. */
int scan_history(const struct crm_dir *d, bool strict, scan_fn fn, void *ctx);

/* A fold of the history into one 32-bit word per customer (cohorts: the
 * month of the first purchase and the months bought in after it). The
 * events come in any order, from several threads: pick is called with the
 * argument of the thread's part. */
struct word_fold {
	/* The value an event adds to its customer's word; false when it adds
	 * nothing. */
	bool (*pick)(const struct event *e, void *arg, uint32_t *val);
	/* Add val to the word *w (0 for a customer not met before); a word
	 * is never left 0. */
	void (*add)(uint32_t *w, uint32_t val);
	/* Add the word of the same customer from another part. */
	void (*join)(uint32_t *w, uint32_t other);
};

/* Read the history of d into maps[0..SCAN_MAXPARTS) (hmap.h, words only),
 * part i calling f->pick with args[i]. Afterwards every customer is in
 * one map only, with its whole word; in the others its word is 0 (skip
 * those). Returns 0, or -1 as scan_parts_any does. */
int scan_words(const struct crm_dir *d, bool strict, unsigned skip, const struct word_fold *f,
	       void **args, struct hmap *maps);
/* Set to fold each event at once, without the ring of scan_words (tests
 * compare the two). */
extern int scan_words_plain;

/* The time of a ts field: the form crm writes (YYYY-MM-DDThh:mm:ssZ) read
 * directly, any other through date_parse. */
bool pv_time(const struct pval *v, crm_time *t);

/* True when the string field v equals s (inline, so that the length of a
 * literal s is known when compiling). */
static inline bool pv_is(const struct pval *v, const char *s)
{
	size_t n = strlen(s);
	return v->kind == 's' && v->n == n && !memcmp(v->s, s, n);
}
/* A copy of a string field into buf (size n), "" when absent. */
const char *pv_str(const struct pval *v, char *buf, size_t n);

#endif
