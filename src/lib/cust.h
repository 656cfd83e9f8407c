/* cust.h - customers: the table a writer changes, the stream a reader reads
 * (the rules every customer field follows are in valid.h) */
#ifndef CRM_CUST_H
#define CRM_CUST_H

#include <stdbool.h>

#include "csvrec.h"
#include "dir.h"
#include "hmap.h"
#include "jsonl.h"
#include "rec.h"
#include "vcard.h"

/* The columns of a new customers.csv, in order. */
extern const char *const cust_columns[];
extern const size_t cust_ncolumns;

/* customers.csv read whole, for a writer. Rows keep their raw bytes, so a
 * save rewrites only the rows that changed (git diffs stay one line per
 * edited customer). */
struct ctable {
	char *name;          /* as shown in messages */
	struct sb data;      /* the file as read; raw row bytes point into it */
	struct hdr hdr;
	struct hmap colidx;  /* column name -> index: a header may be very wide */
	size_t file_cols;    /* columns the file's header had */
	bool hdr_changed;
	const char *hdr_raw;
	size_t hdr_rawlen;
	bool hdr_crlf;
	struct rec *rows;
	size_t n, cap;
};

/* Load customers.csv of d (the caller holds the lock when it will save).
 * A parse error is reported as "file:line: message" and is fatal: nothing is
 * changed. */
void ctable_load(struct ctable *t, const struct crm_dir *d);
void ctable_free(struct ctable *t);
/* Column index, or -1; ctable_col_add appends the column when missing. */
long ctable_col(const struct ctable *t, const char *name);
size_t ctable_col_add(struct ctable *t, const char *name);
/* Append an empty row and return it. */
struct rec *ctable_add_row(struct ctable *t);
/* Append a new customer: a new id, stage lead, created and updated set to
 * now (YYYY-MM-DDThh:mm:ssZ), every other column empty. Returns its row. */
size_t ctable_new_customer(struct ctable *t, const char *now);
/* Write the table back atomically; rows not dirty are written as they were
 * read. Returns what crm_rewrite does: 0, -1 (nothing changed) or 1 (saved,
 * but maybe not durably); failures are reported. */
int ctable_save(struct ctable *t, const struct crm_dir *d);
/* The file the table would be saved as. */
void ctable_render(const struct ctable *t, struct sb *out);

/* Index of the row whose id (any case) or email (any case) is key, or -1. */
long ctable_find(const struct ctable *t, const char *key);
/* Resolve a customer named by id, email or a unique case-insensitive part of
 * the name. Returns the row, or -1 after reporting why (none, or the list of
 * candidates when ambiguous). */
long ctable_resolve(const struct ctable *t, const char *key);

/* customers.csv (or a version of it) read whole and indexed by id, rows
 * kept as raw bytes and parsed again only when asked: light enough for
 * files of millions of rows (crm-merge). */
struct crow {
	const char *raw; /* the row's bytes in data, without its line end */
	size_t len;
	long line;
	size_t nf;       /* its number of fields */
	long key;        /* index of its id in ids; -1 when the id is empty */
	bool crlf;
};

struct cindex {
	char *name;       /* as shown in messages */
	struct filebuf data; /* the file */
	struct hdr hdr;   /* no columns for an empty file */
	const char *hdr_raw;
	size_t hdr_rawlen;
	bool hdr_crlf;
	long idcol;
	struct crow *v;
	size_t n, cap;
	struct hmap ids;  /* id -> its first row, in first[] */
	size_t *first, fcap;
	struct csvin *in; /* over data, for cindex_row */
};

/* Read the customers file at path (name in messages). Every row is parsed
 * once (so an error anywhere is found): a parse error, a header without
 * 'id' or a row with more fields than the header is reported as
 * "name:line: message" and is fatal. An empty file has no columns and no
 * rows. */
void cindex_load(struct cindex *c, const char *path, const char *name);
void cindex_free(struct cindex *c);
/* Parse row i into r (r->raw, line and crlf set as well). */
void cindex_row(struct cindex *c, size_t i, struct rec *r);
/* The row whose id is id[0..n), or -1. */
long cindex_find(const struct cindex *c, const char *id, size_t n);

/* A stream of customers to read: CSV or JSONL (told by the first byte), or
 * for an import vCard too. */
struct recin {
	struct hdr hdr;
	char *name;
	bool jsonl, vcard, strict, owns_fd;
	struct csvin *csv;
	struct linein *lines;
	json_t *first;   /* a JSONL stream's first object, read to learn the columns */
	long first_line;
	long hdr_line;   /* where the columns were read: the header, the first object; 0 if none */
	int fd;
	struct vcardin vc;   /* a vCard file, read whole into vbuf */
	struct sb vbuf;
	long bad;            /* cards reported bad and skipped */
};

/* True when standard input should be read as the stream: a pipe, a socket or
 * a regular file, never a terminal or /dev/null (what cron gives). */
bool stdin_is_stream(void);

/* Open the customers to read: stdin when use_stdin, else customers.csv of
 * d. Reads the header. Returns 0, or -1 after reporting an error. An empty
 * input gives no columns and no rows. */
int recin_open(struct recin *in, const struct crm_dir *d, bool use_stdin, bool strict);
/* Open a stream of customers (or of rows to import) on fd. */
int recin_open_fd(struct recin *in, int fd, const char *name, bool strict);
/* The same for rows to import: a vCard file (its first line that is not
 * blank is BEGIN:VCARD) is read too, each card a row with the columns
 * vcard_columns; a card that cannot be taken is reported as "file:line:
 * message" (the line of its BEGIN:VCARD), counted in in->bad and skipped,
 * and what a card loses (an unknown country) is reported the same way. */
int recin_open_import(struct recin *in, int fd, const char *name, bool strict);
/* The next customer, fields in the order of in->hdr (which may grow for a
 * JSONL stream). Returns 1, 0 at the end, -1 on an error (reported). */
int recin_next(struct recin *in, struct rec *r);
void recin_close(struct recin *in);

#endif
