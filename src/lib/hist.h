/* hist.h - reading the history (interactions.jsonl) whole or as a stream */
#ifndef CRM_HIST_H
#define CRM_HIST_H

#include <jansson.h>
#include <stdbool.h>

#include "date.h"
#include "dir.h"
#include "hmap.h"
#include "jsonl.h"
#include "lit.h"
#include "lock.h"

/* One line of the history: its parsed object, its bytes and line number. */
struct hline {
	json_t *obj;   /* NULL for a line that did not parse (kept as bytes) */
	char *text;    /* the line as read, without its LF */
	size_t len;
	long line;
};

struct hist {
	struct hline *v;
	size_t n, cap;
};

/* Read the whole history of d. Bad lines are reported as file:line and kept
 * as bytes only (obj NULL); with strict they are fatal. A missing file is an
 * empty history. Returns 0, or -1 on an error (reported). */
int hist_load(struct hist *h, const struct crm_dir *d, bool strict);
void hist_free(struct hist *h);

/* Open the history for reading object by object with jsonl_next; NULL when
 * there is none yet (not an error), or dies on an error. */
struct linein *hist_open(const struct crm_dir *d);
/* The history of d opened for reading: its descriptor, -1 when there is
 * none yet, or -2 after reporting why it could not be opened. */
int hist_fd(const struct crm_dir *d);

/* An interaction file read whole and indexed by id, each record with the
 * bytes of its line (for crm-merge, which must write lines as they were). */
struct hrec {
	const char *text; /* the line in data, without its LF */
	size_t len;
	long line;
	crm_time ts;      /* when has_ts: the parsed ts */
	bool has_ts;
	size_t tsoff, tslen; /* the ts as written, in tss ("" when absent) */
	size_t first;     /* the index of its id (of the record in v that has it) */
};

struct hindex {
	char *name;        /* as shown in messages */
	struct filebuf data; /* the file, its CR LFs made LFs */
	bool had_crlf;     /* the file had a CR LF */
	struct hmap ids;   /* id -> index into v */
	struct hrec *v;    /* v[i] is the record whose id is hmap_key(&ids, i) */
	size_t n, cap;
	struct hrec *dup;  /* later lines of an id with other bytes, in order */
	size_t ndup, dcap;
	struct hmap dupset; /* their bytes */
	struct sb tss;
};

/* Read the interaction file at path whole (name in messages), a CR LF
 * read as an LF. Every line that is not blank must be a JSON object with a
 * non-empty string id. When an id comes again, the first line is its
 * record; a later line with the same bytes is left out, one with other
 * bytes goes to dup. Returns 0, or -1 after reporting
 * "name:line: message" for a line that does not parse or has no id. An empty
 * file gives no records. */
int hindex_load(struct hindex *h, const char *path, const char *name);
void hindex_free(struct hindex *h);

/* Order two records (of v or dup) by time (a record without a ts that
 * parses first, then by its ts as written), then by id, then by bytes. */
int hindex_cmp(const struct hindex *a, const struct hrec *x, const struct hindex *b,
	       const struct hrec *y);
/* The history read line by line in a buffer of 1 MiB, looking only at
 * the lines that hold one of a few literals (lit.h): a lookup of one
 * customer's lines costs about what grep does, in memory that does not
 * grow with the file. What is skipped is handed over too, as gaps, for a
 * caller that copies the file. */
struct hscan {
	struct bufin b;
	long long off;  /* the file offset of b.buf[b.beg] */
	long line;      /* the number of the line at b.buf[b.beg] */
	size_t cut;     /* b.buf[b.beg..cut) holds whole lines */
	const struct lit *lits;
	size_t nlits;
	size_t *hit;    /* per literal: where it is next in the region */
};

/* An item of the scan: a line (s not NULL), and the bytes skipped before
 * it (gap); or, at the end of a buffer's lines, a gap alone. Pointers are
 * valid until the next call. */
struct hscan_item {
	const char *gap;
	size_t gapn;
	const char *s;    /* the line without its line end, or NULL */
	size_t n;
	bool nl;          /* it has a line end (false: a torn last line) */
	long line;
	long long off;    /* of s in the file */
};

/* Scan fd (name in messages) from its start; every line is given until
 * hscan_look says otherwise. */
void hscan_open(struct hscan *h, int fd, const char *name);
/* Give only the lines that hold one of lits[0..n) (which must outlive the
 * scan); the others go into the gaps. */
void hscan_look(struct hscan *h, const struct lit *lits, size_t n);
/* The next item. Returns 1, 0 at the end, -1 after reporting a read error
 * or a NUL byte in a line longer than the buffer. */
int hscan_next(struct hscan *h, struct hscan_item *it);
void hscan_close(struct hscan *h);

/* The literals a line of one of the customers ids[0..n) holds, whatever
 * escapes it is written with: each id, and \u (and \/ when an id has a
 * slash). Sets lits (room for n + 2) and *nl; false when an id has a
 * character that must be escaped in JSON anyway, so every line is worth a
 * look. */
bool hist_needles(char *const *ids, size_t n, struct lit *lits, size_t *nl);

/* The history rewritten as a stream (hscan), for crm-rm --forget and
 * crm-add --merge: every line whose customer is one of ids[0..n) is dropped
 * (to NULL: erasure) or has that customer replaced by to (a merge). A line
 * is the customer's when a "customer" key of the object itself (not of an
 * object inside it) holds the id as its string value, found by a tolerant
 * scan of the bytes rather than a parse: escapes are decoded (in the key
 * too), ASCII letters compared in any case, and lines no reader takes
 * (duplicate keys, \u0000, numbers out of range, a torn last line, bad
 * UTF-8) are found as well. A merge changes only those values of a line.
 * Every other line is copied byte for byte. counts[i] gets the number of
 * lines of ids[i]. Only the lines that hold an id (or an escape that could
 * spell one) are looked at, so this runs at the speed of a copy; with
 * strict every line is read, and one that no reader takes is reported and
 * stops the rewrite (-1) before anything is changed. With w
 * NULL the lines are only counted. Returns 0 with *w open holding the new
 * file (to crm_wcommit or crm_wabort; more lines may be written to it
 * first), 1 when no line is the customers' (or there is no history; *w is
 * not open), -1 after reporting a read error, -2 after reporting that the
 * new file could not be made (*w is not open). */
int hist_rewrite(const struct crm_dir *d, char *const *ids, size_t n, const char *to,
		 size_t *counts, struct crm_wfile *w, bool strict);

/* The line s[0..len) with the values of its own "customer" keys, when
 * they are from, made to (as hist_rewrite changes a line: the other bytes
 * as they are), appended to out. False, out untouched, when the line's own
 * customer is not from. For readers that show a line logged on a customer
 * since merged as the customer it is now (merges.h). */
bool hist_recustomer(const char *s, size_t len, const char *from, const char *to, struct sb *out);

/* Which of ids[0..n) a merge record of the history says were merged into
 * keep (its customer keep, its ref the id): found[i]. Only the lines that
 * hold an id are parsed. Returns 0, or -1 after reporting a read error. */
int hist_merged(const struct crm_dir *d, const char *keep, char *const *ids, size_t n, bool *found);

/* Append the merge record of crm-add --merge to out, one line:
 * {"id":NEW,"ts":ts,"customer":keep,"type":"merge","ref":drop,"by":by}. */
void hist_put_merge(struct sb *out, const char *keep, const char *drop, const char *ts,
		    const char *by);

#endif
