/* cust.h - customers: the table a writer changes, the stream a reader reads
 * (the rules every customer field follows are in valid.h) */
#ifndef CRM_CUST_H
#define CRM_CUST_H

#include <stdbool.h>

#include "csvrec.h"
#include "dir.h"
#include "hmap.h"
#include "impin.h"
#include "jsonl.h"
#include "lock.h"
#include "rec.h"
#include "vcard.h"

/* The columns of a new customers.csv, in order. */
extern const char *const cust_columns[];
extern const size_t cust_ncolumns;
/* The columns a table of customers on a terminal shows first (out_fit). */
extern const char *const cust_shown_first[];

/* Where a row of a table opened with ctable_open is in the file. */
struct cspan {
	long long off;  /* its first byte; -1 for a row that is not in the file */
	long long next; /* the first byte after its line end */
};

/* customers.csv for a writer, read whole (ctable_load: imports) or only
 * its header and the rows asked for (ctable_open). Rows read whole keep
 * their raw bytes, so a save rewrites only the rows that changed (git diffs
 * stay one line per edited customer); the rows of an opened table stay in
 * the file and are copied from there. */
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
	/* ctable_open: the file stays open; rows holds only the rows found or
	 * added, at[i] says where rows[i] is */
	bool partial;
	int fd;
	long long size;   /* of the file when opened */
	long long head;   /* where the header starts (after a byte order mark) */
	long long body;   /* where the first row starts */
	long body_line;
	bool read_through; /* a pass went to the end of the file, errors checked */
	struct cspan *at;
	size_t atcap;
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
 * read. An opened table whose only change is new rows is appended to (one
 * synced write); any other change is one streaming copy of the file
 * through a synced temporary file, the rows not loaded or not changed
 * copied byte for byte. Returns what crm_rewrite does: 0, -1 (nothing
 * changed) or 1 (saved, but maybe not durably); failures are reported. */
int ctable_save(struct ctable *t, const struct crm_dir *d);
/* ctable_save of an opened table in two steps, for a writer that replaces
 * two files and must have both ready before either is renamed: the new
 * file is written (*w open, 0), or nothing needs rewriting (1: the new rows,
 * if any, are appended by ctable_save), or -1 (reported). */
int ctable_write(struct ctable *t, const struct crm_dir *d, struct crm_wfile *w);
/* The file the table would be saved as. */
void ctable_render(const struct ctable *t, struct sb *out);

/* Index of the row whose id (any case) or email (any case) is key, or -1
 * (a table read whole). */
long ctable_find(const struct ctable *t, const char *key);

/* Open customers.csv of d for a writer that reads or changes a few rows:
 * the header is read and checked as ctable_load does; the rows stay in the
 * file until ctable_lookup finds them. Memory does not grow with the file.
 * The caller holds the lock when it will save. */
void ctable_open(struct ctable *t, const struct crm_dir *d);

/* Read an opened table's file to its end for its errors only (a read
 * error, a quote never closed): 0, or -1 after reporting one. */
int ctable_check(struct ctable *t);

/* A customer to look for with ctable_lookup. */
struct cwant {
	const char *key;   /* an id, an e-mail, or (resolve) part of a name */
	bool resolve;      /* by id, e-mail or name; false: by e-mail only */
	long long except;  /* a row not to take (its offset), or -1 */
	long row;          /* found: its index in t->rows; else -1 */
	size_t nnames;     /* not found: how many names hold the key */
	struct sb cands;   /* the first ten of them, "\n  ID  NAME  EMAIL" */
	/* private */
	char *fmail, *fname;  /* the key folded as e-mails and as names are */
	struct rec first;     /* the first row whose name holds the key */
	struct cspan first_at;
	bool exact;
};

/* The one way a customer is named: find each of want[0..n) in the table
 * opened with ctable_open, with one pass over the file that looks only at
 * the rows that hold one of the keys: by id (ASCII letters in any case) or
 * e-mail (compared as u8_fold does, any case in any script), the first row
 * that has it; for a resolve not found so, by a part of the name (u8_fold
 * with diacritics dropped) that exactly one row holds (a second pass over
 * every row when no key looked like a name at first). Each row found is
 * loaded into t once, even when named twice. Returns 0, or -1 after
 * reporting a row that does not parse, a row found with more fields than
 * the header, or a read error. */
int ctable_lookup(struct ctable *t, struct cwant *want, size_t n);
/* Set up want for key (resolve: by id, e-mail or name). */
void cwant_init(struct cwant *w, const char *key, bool resolve);
/* Say why want found no row: no customer matches, or the candidates with
 * their ids, names and e-mails. */
void cwant_report(const struct cwant *w);
void cwant_free(struct cwant *w);
/* One customer named by id, e-mail or a unique part of the name
 * (ctable_lookup of one key): its row, or -1 after reporting why not. */
long ctable_resolve(struct ctable *t, const char *key);

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
	struct filebuf data; /* the file, its CR LFs made LFs */
	bool had_crlf;    /* the file had a CR LF */
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

/* Read the customers file at path (name in messages). A CR LF is read as
 * an LF, inside quoted values too: line ends do not tell rows apart (a
 * clone with core.autocrlf). Every row is parsed
 * once (so an error anywhere is found): a parse error, a header without
 * 'id' or a row with more fields than the header is reported as
 * "name:line: message" and is fatal. An empty file has no columns and no
 * rows. */
void cindex_load(struct cindex *c, const char *path, const char *name);
/* The same for the bytes data[0..n) (copied), and an error is not fatal:
 * returns 0, or -1 after reporting it (then cindex_free c). */
int cindex_load_mem(struct cindex *c, const char *data, size_t n, const char *name);
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
	struct vcardin vc;   /* a vCard file to import */
	long bad;            /* cards reported bad and skipped */
	bool quiet;          /* a second half (recin_halves): reports nothing */
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
/* Read the rest of in, a CSV regular file read through its descriptor,
 * in two halves, for two threads: in ends at the start of a record about
 * halfway (the start of a record as in reads them: after a line end
 * outside quotes), and second reads from there to the end, through a
 * descriptor of its own. second reports nothing: a row or read that
 * fails it is to be found again by reading in (after a rewind), which
 * numbers its lines. False, with nothing changed, when the rest cannot be
 * split so. */
bool recin_halves(struct recin *in, struct recin *second);
/* Where the next record of in starts (a CSV file read through its
 * descriptor): its offset and line. False when that cannot be told. */
bool recin_where(const struct recin *in, struct csv_split *at);
/* A reader of in's file (a regular file) from the start of a record, as
 * recin_where told it, to the offset to (-1: the end), through a
 * descriptor of its own; it reports what fails unless quiet. False when
 * the file cannot be read so. */
bool recin_range(const struct recin *in, struct recin *part, const struct csv_split *from, long long to,
		 bool quiet);
/* Aim part, a reader recin_range opened, at another stretch of the file. */
bool recin_seek(struct recin *part, const struct csv_split *from, long long to);
/* The rows of a file to import, read by impin_read (which must outlive
 * in): CSV with its separator, JSON Lines, or a vCard file, each card a
 * row with the columns vcard_columns; a card that cannot be taken is
 * reported as "file:line: message" (the line of its BEGIN:VCARD), counted
 * in in->bad and skipped, and what a card loses (an unknown country, an
 * e-mail that is no address) is reported the same way. */
int recin_open_import(struct recin *in, const struct impin *src, bool strict);
/* The next customer, fields in the order of in->hdr (which may grow for a
 * JSONL stream). Returns 1, 0 at the end, -1 on an error (reported). */
int recin_next(struct recin *in, struct rec *r);
/* A customer of a CSV stream as recin_next_raw reads it. */
struct recraw {
	const char *s;  /* its bytes, without the line end (valid until the next read) */
	size_t n;
	size_t nf;      /* its fields (before padding) */
	const char *id; /* its field idcol */
	size_t idn;
	long line;
	bool crlf;
	bool parsed;    /* it had quotes (or a CR): its fields are in r, padded to
			   the header; else its bytes are the fields between
			   commas, and r is not touched */
};
/* The next customer of a CSV stream (not JSONL), parsed only when its
 * bytes are not its fields: for a pass that wants the id, or writes the
 * record back as it is, without taking every record apart. Checks what
 * recin_next checks. Returns 1, 0 at the end, -1 on an error (reported). */
int recin_next_raw(struct recin *in, long idcol, struct rec *r, struct recraw *w);
void recin_close(struct recin *in);

/* The names of customers, by id: what a view of the history shows beside
 * an id, read in one streaming pass over customers.csv that keeps the id
 * and the name of a row and nothing else. */
struct cnames {
	struct hmap ids; /* id -> index into name */
	char **name;     /* NULL: no name */
	size_t cap;
};

/* Read the names of d's customers into c (zeroed): of every customer, or,
 * when want is not NULL, only of the ids in want. A file without an id or
 * a name column gives none. Returns 0, or -1 after reporting a read or
 * parse error. */
int cnames_load(struct cnames *c, const struct crm_dir *d, const struct hmap *want);
/* The name of the customer id (n bytes), or NULL. */
const char *cnames_get(const struct cnames *c, const char *id, size_t n);
void cnames_free(struct cnames *c);

#endif
