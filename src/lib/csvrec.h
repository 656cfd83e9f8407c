/* csvrec.h - RFC 4180 records: a streaming reader over libcsv, and the writer */
#ifndef CRM_CSVREC_H
#define CRM_CSVREC_H

#include <csv.h>
#include <stdbool.h>
#include <stddef.h>

#include "bufin.h"
#include "rec.h"
#include "util.h"

/* A reader over a file descriptor. It finds where each record ends itself
 * (a newline outside quotes), so it knows the physical line where every
 * record starts and its raw bytes, and has libcsv (strict mode, no trimming)
 * parse the fields. The buffer is public for fast scans (crm-find):
 * b.buf[b.beg..b.end) is what has been read and not yet returned. */
struct csvin {
	struct bufin b;   /* b.name is used in messages: "customers.csv", "<stdin>" */
	size_t q, qfrom;  /* cache: the first quote at or after qfrom */
	bool qvalid;
	bool started;
	bool crlf;         /* the record returned last ended with CR LF */
	char delim;        /* the field separator: ',' unless set */
	long line;        /* line where the next record starts */
	struct csv_parser p;
	char err[160];
};

/* Open a reader; name is used in messages. Never fails. */
struct csvin *csvin_open(int fd, const char *name);
/* A reader over memory that outlives it: raw record pointers stay valid. */
struct csvin *csvin_open_mem(const char *data, size_t n, const char *name);
void csvin_close(struct csvin *in);
/* Read on from offset at, the start of a record on line line, to offset
 * to (-1: the end of the file): a stretch of a file read through its
 * descriptor, the header read or not. False when fd cannot seek there. */
bool csvin_seek(struct csvin *in, long long at, long line, long long to);
/* Separate fields by d (';', a tab) instead of a comma. */
void csvin_set_delim(struct csvin *in, char d);

/* The next record's raw bytes (without its line end, a trailing CR
 * dropped), skipping blank lines. Returns 1 and sets *s, *n, *line; 0 at
 * the end; -1 on a read error (reported). The bytes stay valid until the
 * next call. */
int csvin_next_raw(struct csvin *in, const char **s, size_t *n, long *line);

/* Parse raw record bytes into r (cleared first). Returns 0, or -1 with the
 * reason in in->err (the caller reports it with the line). */
int csvin_parse(struct csvin *in, const char *s, size_t n, struct rec *r);

/* Split the bytes of a record without quotes or CRs (most records) at its
 * commas, as csvin_parse would: sets the number of fields and field idcol
 * (empty when there are fewer), without copying them. False when the
 * record needs csvin_parse: it has a quote or a CR, or a NUL or bad UTF-8,
 * which csvin_parse reports. */
bool csv_split_plain(const char *s, size_t n, long idcol, size_t *nf, const char **id, size_t *idn);

/* The next record, parsed. Returns 1, 0 at the end, -1 on an error which is
 * reported as "file:line: message". r->raw points at its bytes. */
int csvin_next(struct csvin *in, struct rec *r);

/* Read more input into the buffer (keeping what has not been returned).
 * Returns the number of bytes added, 0 at the end, -1 on error. */
long csvin_fill(struct csvin *in);

/* The records of the CSV file fd from offset from, where one starts on
 * line line, as csvin_next_raw finds them: each ends at a line end
 * outside quoted fields. at: the offset of the first that starts after
 * offset at (just after a line end at or past at), -1 when none does;
 * line: its line. rows: the line ends outside quotes (blank lines
 * too), plus one. */
struct csv_split {
	long long at;
	long line;
	size_t rows;
};
/* One pass, at the speed of memchr: to the end with all, else up to at.
 * False on a read error (not reported: a reader of the file meets it
 * too). */
bool csv_records(int fd, long long from, long line, long long at, bool all, struct csv_split *s);

/* Append one field to b, quoted only when it holds a comma, quote, CR or LF. */
void csv_put(struct sb *b, const char *s, size_t n);
/* Append the fields of r (n of them, short records padded) and a LF. */
void csv_put_rec(struct sb *b, const struct rec *r, size_t n);
/* Append a header line. */
void csv_put_hdr(struct sb *b, const struct hdr *h);

#endif
