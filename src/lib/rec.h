/* rec.h - a record: an array of text fields, and the header that names them */
#ifndef CRM_REC_H
#define CRM_REC_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Field values live in one buffer owned by the record; v[i] points into it
 * and is NUL-terminated, len[i] is its length. Pointers change when a field
 * is set, so do not keep them across rec_set. */
struct rec {
	size_t n, cap;
	char **v;
	size_t *len;
	size_t *off;
	struct sb store;
	long line;        /* physical line where the record starts, 0 if none */
	const char *raw;  /* the record's bytes in its source, while they last */
	size_t rawlen;
	bool crlf;        /* its line ended with CR LF (kept when rewritten as read) */
	bool dirty;       /* changed since read: must be written anew */
	bool gone;        /* removed: not written */
};

/* Empty r (keeping its memory) before filling it with rec_push. */
void rec_clear(struct rec *r);
/* Append a field. */
void rec_push(struct rec *r, const char *s, size_t n);
/* Set field i (growing the record with empty fields when i >= n). */
void rec_set(struct rec *r, size_t i, const char *s, size_t n);
/* Field i, or "" when the record is shorter. */
const char *rec_get(const struct rec *r, size_t i);
size_t rec_len(const struct rec *r, size_t i);
/* Deep copy of src into dst (dst is cleared first). */
void rec_copy(struct rec *dst, const struct rec *src);
void rec_free(struct rec *r);

/* Column names, in order. */
struct hdr {
	size_t n, cap;
	char **name;
};

/* Index of the column, or -1. */
long hdr_find(const struct hdr *h, const char *name);
/* Index of the column, appending it when missing. */
size_t hdr_add(struct hdr *h, const char *name);
/* Append a column without looking for it first (hdr_add is linear in the
 * columns): for names known to differ from those already there. */
size_t hdr_push(struct hdr *h, const char *name);
void hdr_from_rec(struct hdr *h, const struct rec *r);
void hdr_copy(struct hdr *dst, const struct hdr *src);
void hdr_free(struct hdr *h);

#endif
