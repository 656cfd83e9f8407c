/* hist.h - reading the history (interactions.jsonl) whole or as a stream */
#ifndef CRM_HIST_H
#define CRM_HIST_H

#include <jansson.h>
#include <stdbool.h>

#include "date.h"
#include "dir.h"
#include "hmap.h"
#include "jsonl.h"

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

/* An interaction file read whole and indexed by id, each record with the
 * bytes of its line (for crm-merge, which must write lines as they were). */
struct hrec {
	const char *text; /* the line in data, without its LF */
	size_t len;
	long line;
	crm_time ts;      /* when has_ts: the parsed ts */
	bool has_ts;
	size_t tsoff, tslen; /* the ts as written, in tss ("" when absent) */
};

struct hindex {
	char *name;        /* as shown in messages */
	struct filebuf data; /* the file */
	struct hmap ids;   /* id -> index into v */
	struct hrec *v;    /* v[i] is the record whose id is hmap_key(&ids, i) */
	size_t n, cap;
	struct sb tss;
};

/* Read the interaction file at path whole (name in messages). Every line
 * that is not blank must be a JSON object with a non-empty string id. When
 * an id comes again, the first line is kept; a later line with other bytes
 * is reported and left out. Returns 0, or -1 after reporting
 * "name:line: message" for a line that does not parse or has no id. An empty
 * file gives no records. */
int hindex_load(struct hindex *h, const char *path, const char *name);
void hindex_free(struct hindex *h);

/* Order two records by time (a record without a ts that parses first, then
 * by its ts as written), then by id. */
int hindex_cmp(const struct hindex *a, size_t i, const struct hindex *b, size_t j);
/* Write the history h to out as the new file of a rewrite, with the lines
 * of the customers ids[0..n) dropped (to NULL: erasure) or pointed at the
 * customer to (a merge). Every other line is copied byte for byte; in a
 * line pointed elsewhere only the value of "customer" changes. Lines that
 * did not parse are copied as they are. When counts is not NULL, counts[i]
 * gets the number of lines of ids[i]. Returns the number of lines dropped
 * or changed. */
size_t hist_remap(const struct hist *h, char *const *ids, size_t n, const char *to,
		  struct sb *out, size_t *counts);

#endif
