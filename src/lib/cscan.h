/* cscan.h - a CSV file read record by record in a buffer of 1 MiB, looking
 * only at the records that hold one of a few literals
 *
 * What it buys: a writer that changes one customer of a million, or a
 * lookup by id or e-mail, reads customers.csv at about the speed of grep -c
 * with memory that does not grow with the file: the literals are searched
 * in the whole buffer (lit.h), the quotes counted with memchr, and only the
 * record around a hit is cut out (a record ends at a line feed outside
 * quotes, exactly as csvin_next_raw finds it) and handed over. Everything
 * else is skipped unparsed. How it is checked: tests/proj/cscancheck.c
 * reads generated files with quoted fields across lines and blank lines,
 * in buffers of every size, and compares the records, their lines and
 * offsets with csvin_next_raw's, and the records a literal picks with
 * those a plain search finds. */
#ifndef CRM_CSCAN_H
#define CRM_CSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "bufin.h"
#include "csvrec.h"
#include "lit.h"

/* A record as read: its bytes without the line end (a CR before the LF
 * dropped, as csvin_next_raw does), where it is, and what ends it. */
struct cscan_rec {
	const char *s;  /* valid until the next call */
	size_t n;
	long long off;  /* of s[0] in the file */
	long long next; /* where the next record starts: after the line end */
	long line;      /* the physical line it starts on */
	bool crlf;
};

struct cscan {
	struct bufin b;
	long long off;  /* the file offset of b.buf[b.beg] */
	long line;      /* the line at b.buf[b.beg] */
	size_t cut;     /* b.buf[b.beg..cut) holds whole records only */
	long long *q;   /* the quotes from b.beg on, as file offsets */
	size_t qh, nq, qcap;
	size_t qscan;   /* the quotes are listed up to here (buffer offset) */
	bool started;
	const struct lit *lits;
	size_t nlits;
	bool all;       /* every record is wanted */
	bool whole;     /* the records of the region are all looked at (a
			   literal with special set met such a character) */
	size_t *hit;    /* per literal: the next place it is at in the region */
	struct csvin *parser; /* for cscan_parse */
	/* a record of over a buffer that holds a NUL byte is reported as a
	 * record that does not parse ("NUL byte in the record", as csvin_parse
	 * says), not as a file that is not text (bufin_fill) */
	bool nul_record;
};

/* The size of the buffer a scan starts with (1 MiB); tests make it small. */
extern size_t cscan_buffer;

/* Read fd from its current place, which is the offset off in the file and
 * the start of line line (0 and 1 for a whole file: a byte order mark is
 * then skipped); name is used in messages. Looks at every record until
 * cscan_look gives it literals. */
struct cscan *cscan_open(int fd, const char *name, long long off, long line);
/* Continue what the reader in has read so far (in->b's bytes not yet
 * returned, from in->line on): for a stream that cannot be read again.
 * Offsets are then counted from where in stood. */
struct cscan *cscan_from_csvin(struct csvin *in);
void cscan_close(struct cscan *c);

/* From now on return only records whose bytes hold one of lits[0..n) (or
 * may hold them: see lit.h); n 0: every record. lits must outlive the
 * reads. */
void cscan_look(struct cscan *c, const struct lit *lits, size_t n);

/* The next record wanted, skipping blank lines. Returns 1 with *r set, 0 at
 * the end, -1 after reporting an error as "name:line: message": a read
 * error, a NUL byte in a record of over 1 MiB, or a quote that is not
 * closed by the end of the file. */
int cscan_next(struct cscan *c, struct cscan_rec *r);

/* Read on to the end without looking at any record, for the errors only.
 * Returns 0, or -1 after reporting one (as cscan_next). */
int cscan_skip(struct cscan *c);

/* Parse the fields of a record read into rec (as csvin_parse; rec->line and
 * crlf set too). Returns 0, or -1 after reporting "name:line: message". */
int cscan_parse(struct cscan *c, const struct cscan_rec *r, struct rec *rec);

/* The number of fields of a record, counting the commas outside quotes
 * (the same as parsing it for a record that parses). */
size_t cscan_fields(const struct cscan_rec *r);

#endif
