/* bufin.h - a growable read buffer over a file descriptor */
#ifndef CRM_BUFIN_H
#define CRM_BUFIN_H

#include <stdbool.h>
#include <stddef.h>

/* buf[beg..end) is read and not yet consumed. */
struct bufin {
	int fd;
	char *name;
	char *buf;
	size_t cap, beg, end;
	bool eof;
	bool borrowed; /* buf is the caller's memory */
	unsigned long moves; /* how often buf moved: pointers into it are stale then */
	long line; /* the line at buf[beg], kept by the reader for messages */
	/* bufin_fill reports nothing: a reader of a stretch of a file whose
	 * lines it cannot number reads it again to report what failed */
	bool quiet;
	/* bytes still to read before the end, or -1: to the end of the file
	 * (a reader of the first part of a file, bufin_limit) */
	long long left;
};

/* Start reading fd; name is used in messages. */
void bufin_init(struct bufin *b, int fd, const char *name, size_t size);
/* Read from memory instead: data[0..n) is the whole input; it must outlive b. */
void bufin_init_mem(struct bufin *b, const char *data, size_t n, const char *name);
void bufin_free(struct bufin *b);
/* Read no more than n bytes more: the input ends there. */
void bufin_limit(struct bufin *b, long long n);

/* Move the unconsumed bytes to the front (setting *shift to how far they
 * moved), grow the buffer when it is full, and read once more. Returns the
 * number of bytes read, 0 at the end, -1 on a read error (reported). A full
 * buffer that holds a NUL byte is not grown: that record is bad anyway, and
 * a file of zeros would otherwise be read into memory whole; it is reported
 * as "name:line: ..." (line from b->line) and gives -1. With quiet set
 * nothing is reported but a record too large to hold. */
long bufin_fill(struct bufin *b, size_t *shift);

#endif
