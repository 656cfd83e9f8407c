/* bufin.c - a growable read buffer */
#include "bufin.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

void bufin_init(struct bufin *b, int fd, const char *name, size_t size)
{
	memset(b, 0, sizeof *b);
	b->fd = fd;
	b->name = xstrdup(name);
	b->cap = size;
	b->buf = xmalloc(size);
	b->left = -1;
}

void bufin_limit(struct bufin *b, long long n)
{
	b->left = n;
}

void bufin_init_mem(struct bufin *b, const char *data, size_t n, const char *name)
{
	memset(b, 0, sizeof *b);
	b->fd = -1;
	b->name = xstrdup(name);
	b->buf = (char *)data;
	b->cap = b->end = n;
	b->eof = true;
	b->borrowed = true;
	b->left = -1;
}

void bufin_free(struct bufin *b)
{
	if (!b->borrowed)
		free(b->buf);
	free(b->name);
	memset(b, 0, sizeof *b);
}

long bufin_fill(struct bufin *b, size_t *shift)
{
	*shift = 0;
	if (b->eof)
		return 0;
	if (b->beg > 0) {
		memmove(b->buf, b->buf + b->beg, b->end - b->beg);
		*shift = b->beg;
		b->end -= b->beg;
		b->beg = 0;
		b->moves++;
	}
	if (b->end == b->cap) {
		const char *z = memchr(b->buf, '\0', b->end);
		if (z) {
			long line = b->line;
			for (const char *p = b->buf; (p = memchr(p, '\n', (size_t)(z - p))); p++)
				line++;
			if (!b->quiet)
				crm_dataerr(b->name, line, "NUL byte in a record of over %zu KiB: not a text file",
					    b->cap / 1024);
			return -1;
		}
		if (b->cap > SIZE_MAX / 2)
			crm_diex("%s: record too large", b->name);
		b->cap *= 2;
		b->buf = xrealloc(b->buf, b->cap);
		b->moves++;
	}
	size_t want = b->cap - b->end;
	if (b->left >= 0 && (unsigned long long)b->left < want)
		want = (size_t)b->left;
	ssize_t n = 0;
	if (want)
		do
			n = read(b->fd, b->buf + b->end, want);
		while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (!b->quiet)
			crm_warn("%s", b->name);
		return -1;
	}
	if (n == 0) {
		b->eof = true;
		return 0;
	}
	b->end += (size_t)n;
	if (b->left >= 0)
		b->left -= n;
	return n;
}
