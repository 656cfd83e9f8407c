/* util.h - errors, exit codes, memory and growable buffers shared by every crm program */
#ifndef CRM_UTIL_H
#define CRM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>

/* Exit status, as grep: success, nothing matched / nothing to do, error. */
enum crm_exit { CRM_OK = 0, CRM_NONE = 1, CRM_ERR = 2 };

#define CRM_VERSION "0.1.0"

/* The program name used as the prefix of every message ("crm-find"). */
extern const char *crm_prog;

/* Set crm_prog from argv[0], make stdout fully buffered, ignore SIGPIPE so a
 * closed pipe is seen as EPIPE and SIGXFSZ so a file size limit is EFBIG, and
 * register the stdout check that runs at exit. */
void crm_init(int argc, char **argv);

/* Print "prog: message" on stderr. The *x variants add nothing; the others
 * append ": strerror(errno)". crm_die* exit with CRM_ERR. */
void crm_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void crm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void crm_diex(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void crm_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report a problem in data: "prog: file:line: message". line <= 0 omits it. */
void crm_dataerr(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Flush stdout; on a closed pipe exit quietly with the given status, on any
 * other error (a full disk) report it and exit CRM_ERR. Called at exit too. */
void crm_flush_stdout(void);

/* Allocation that never returns NULL: on failure the program dies. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Many small strings kept to the end: copied into blocks that never move
 * (their pointers hold until strpool_free), one allocation for thousands
 * of them instead of one each. */
struct strpool {
	char *blk;   /* the block being filled; its first bytes point to the one before */
	size_t used, cap;
};
/* A copy of s[0..n) with a NUL after it; "" takes no room. */
char *strpool_add(struct strpool *p, const char *s, size_t n);
void strpool_free(struct strpool *p);
/* Grow *p (an array of *cap elements of size sz) so it holds at least need. */
void xgrow(void **p, size_t *cap, size_t need, size_t sz);
/* xgrow, the new elements zeroed. */
void xgrow0(void **p, size_t *cap, size_t need, size_t sz);

/* A growable byte buffer, always NUL-terminated when len > 0 or after sb_str. */
struct sb {
	char *s;
	size_t len, cap;
};
/* Room for n more bytes and the NUL (the slow part of sb_add). */
void sb_room(struct sb *b, size_t n);
static inline void sb_add(struct sb *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		sb_room(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}
static inline void sb_adds(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}
static inline void sb_addc(struct sb *b, char c)
{
	sb_add(b, &c, 1);
}
void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The contents as a C string ("" when empty); stays owned by b. */
const char *sb_str(struct sb *b);
void sb_reset(struct sb *b);
void sb_free(struct sb *b);

/* Read a whole file descriptor into memory; returns 0 or -1 with errno. */
int read_all(int fd, struct sb *out);
/* The same, but stop after the first block read that holds a NUL byte (a
 * file of zeros is never read whole: the parser reports the record the
 * NUL is in). Returns 0, 1 when it stopped at a NUL, or -1 with errno. */
int read_text(int fd, struct sb *out);

/* A whole file in memory, for reading: a regular file is mapped (no copy,
 * and its pages come from the cache), anything else is read. s is never
 * NULL, and s[len] is a NUL byte. The file must not shrink while mapped. */
struct filebuf {
	const char *s;
	size_t len;
	void *map;      /* the mapping, or NULL */
	struct sb read; /* the bytes, when not mapped */
};
/* Load fd (which may be closed afterwards); returns 0 or -1 with errno. */
int filebuf_load(struct filebuf *f, int fd);
void filebuf_free(struct filebuf *f);
/* Make every CR LF of f an LF: when f holds one, its bytes are replaced
 * by a copy without the CRs (a mapping is released). A CR not before an LF
 * is kept. Returns true when anything changed. */
bool filebuf_lf(struct filebuf *f);

/* Cut spaces, tabs and a CR from both ends of s, in place; returns the
 * first character kept. */
char *str_trim(char *s);

/* True when s equals t ignoring ASCII case. */
bool ascii_ieq(const char *s, const char *t);

/* Parse a whole decimal integer (optional sign); false when s is not one. */
bool parse_long(const char *s, long long *out);

/* Split s at every sep into a NULL-terminated array of new strings. */
char **split(const char *s, char sep, size_t *n);
void free_strv(char **v);

#endif
