/* util.c - errors, exit codes, memory and growable buffers */
#include "util.h"

#include "date.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *crm_prog = "crm";

static void at_exit_flush(void)
{
	crm_flush_stdout();
}

void crm_init(int argc, char **argv)
{
	(void)argc;
	if (argv && argv[0]) {
		const char *s = strrchr(argv[0], '/');
		crm_prog = s ? s + 1 : argv[0];
	}
	/* A closed pipe must be an EPIPE we can handle, not a signal that kills us
	 * halfway through a write to a data file. */
	signal(SIGPIPE, SIG_IGN);
	/* Over a file size limit (ulimit -f) a write must fail with EFBIG, so
	 * that a short append is cut back; the default action would kill us
	 * between the two and leave half a line. */
	signal(SIGXFSZ, SIG_IGN);
	/* A block of over 256 KiB is a mapping of its own, given back when
	 * freed and grown in place by realloc. glibc would otherwise raise
	 * this bound as such blocks are freed, and the tables of the next
	 * tens of MB (a map grown, an array doubled) would be copied in the
	 * heap and their old room kept: crm-segment --rfm on the bench data
	 * peaked 11 MB higher, crm-check's sorts held their buffers. */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	atexit(at_exit_flush);
	date_zone(); /* the zone of $TZ, before any thread asks for it */
}

static void vmsg(const char *fmt, va_list ap, int errnum)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", crm_prog);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void crm_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
}

void crm_warn(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap, e);
	va_end(ap);
}

void crm_diex(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
	exit(CRM_ERR);
}

void crm_die(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap, e);
	va_end(ap);
	exit(CRM_ERR);
}

/* Whether the message m was given before in this run (then it is not
 * given again: a program that reads a file twice reports a bad line once).
 * A set of the messages' hashes. */
static bool said_before(const char *m)
{
	static uint64_t *set;
	static size_t cap, n;
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)m; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h |= 1; /* 0 marks an empty slot */
	if (2 * (n + 1) > cap) {
		size_t ncap = cap ? cap * 2 : 64;
		uint64_t *ns = xcalloc(ncap, sizeof *ns);
		for (size_t i = 0; i < cap; i++)
			if (set[i])
				for (size_t j = set[i] & (ncap - 1);; j = (j + 1) & (ncap - 1))
					if (!ns[j]) {
						ns[j] = set[i];
						break;
					}
		free(set);
		set = ns;
		cap = ncap;
	}
	for (size_t j = h & (cap - 1);; j = (j + 1) & (cap - 1)) {
		if (set[j] == h)
			return true;
		if (!set[j]) {
			set[j] = h;
			n++;
			return false;
		}
	}
}

void crm_dataerr(const char *file, long line, const char *fmt, ...)
{
	va_list ap;
	struct sb m = { 0 };
	if (line > 0)
		sb_printf(&m, "%s:%ld: ", file, line);
	else
		sb_printf(&m, "%s: ", file);
	va_start(ap, fmt);
	char *body;
	if (vasprintf(&body, fmt, ap) < 0)
		body = NULL;
	va_end(ap);
	sb_adds(&m, body ? body : "(out of memory)");
	free(body);
	if (!said_before(sb_str(&m))) {
		fflush(stdout);
		fprintf(stderr, "%s: %s\n", crm_prog, sb_str(&m));
	}
	sb_free(&m);
}

void crm_flush_stdout(void)
{
	static bool done;
	if (done)
		return;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	done = true;
	/* The reader went away (crm-find | head -1): it wanted no more, which is
	 * not an error, and pipefail scripts must not see one. */
	if (errno == EPIPE)
		_exit(CRM_OK);
	crm_warn("stdout");
	_exit(CRM_ERR);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		crm_die("out of memory");
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		crm_die("out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		crm_die("out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *strpool_add(struct strpool *p, const char *s, size_t n)
{
	static char empty[1];
	if (!n)
		return empty;
	if (!p->blk || p->used + n + 1 > p->cap) {
		size_t cap = sizeof(char *) + (n + 1 > (64 << 10) ? n + 1 : (64 << 10));
		char *b = xmalloc(cap);
		memcpy(b, &p->blk, sizeof(char *));
		p->blk = b;
		p->used = sizeof(char *);
		p->cap = cap;
	}
	char *q = p->blk + p->used;
	memcpy(q, s, n);
	q[n] = '\0';
	p->used += n + 1;
	return q;
}

void strpool_free(struct strpool *p)
{
	while (p->blk) {
		char *prev;
		memcpy(&prev, p->blk, sizeof(char *));
		free(p->blk);
		p->blk = prev;
	}
	p->used = p->cap = 0;
}

void xgrow(void **p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / sz)
			crm_diex("out of memory");
		c *= 2;
	}
	*p = xrealloc(*p, c * sz);
	*cap = c;
}

void xgrow0(void **p, size_t *cap, size_t need, size_t sz)
{
	size_t old = *cap;
	xgrow(p, cap, need, sz);
	if (*cap > old)
		memset((char *)*p + old * sz, 0, (*cap - old) * sz);
}

void sb_room(struct sb *b, size_t n)
{
	void *s = b->s;
	xgrow(&s, &b->cap, b->len + n + 1, 1);
	b->s = s;
}

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[256];
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		sb_add(b, tmp, (size_t)n);
		return;
	}
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_add(b, big, (size_t)n);
	free(big);
}

const char *sb_str(struct sb *b)
{
	if (!b->s)
		sb_add(b, "", 0);
	return b->s;
}

void sb_reset(struct sb *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sb_free(struct sb *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

static int read_fd(int fd, struct sb *out, bool nul_stops)
{
	/* a regular file: room for all of it at once, not a copy per doubling */
	struct stat st;
	if (!nul_stops && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *s = out->s;
		xgrow(&s, &out->cap, out->len + (size_t)st.st_size + 65536 + 1, 1);
		out->s = s;
	}
	for (;;) {
		if (out->cap - out->len < 65536 + 1) {
			void *s = out->s;
			xgrow(&s, &out->cap, out->len + 65536 + 1, 1);
			out->s = s;
		}
		size_t room = nul_stops ? 65536 : out->cap - out->len - 1;
		ssize_t n = read(fd, out->s + out->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (nul_stops && memchr(out->s + out->len - n, '\0', (size_t)n)) {
			sb_add(out, "", 0);
			return 1;
		}
	}
	sb_add(out, "", 0);
	return 0;
}

int read_all(int fd, struct sb *out)
{
	return read_fd(fd, out, false);
}

int read_text(int fd, struct sb *out)
{
	return read_fd(fd, out, true);
}

int filebuf_load(struct filebuf *f, int fd)
{
	memset(f, 0, sizeof *f);
	f->s = "";
	struct stat st;
	long page = sysconf(_SC_PAGESIZE);
	/* Mapped only when the last page has room after the data: the kernel
	 * fills it with zeros, so the bytes end with a NUL as read ones do
	 * (scanners may look one byte past the end). */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && page > 0 &&
	    st.st_size % page != 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			f->map = m;
			f->s = m;
			f->len = (size_t)st.st_size;
			return 0;
		}
	}
	if (read_all(fd, &f->read) < 0)
		return -1;
	f->s = sb_str(&f->read);
	f->len = f->read.len;
	return 0;
}

bool filebuf_lf(struct filebuf *f)
{
	const char *p = f->len ? memmem(f->s, f->len, "\r\n", 2) : NULL;
	if (!p)
		return false;
	struct sb b = { 0 };
	sb_room(&b, f->len);
	const char *s = f->s, *e = f->s + f->len;
	while (p) {
		sb_add(&b, s, (size_t)(p - s));
		s = p + 1; /* the LF starts the next part */
		p = memmem(s + 1, (size_t)(e - s - 1), "\r\n", 2);
	}
	sb_add(&b, s, (size_t)(e - s));
	filebuf_free(f);
	f->read = b;
	f->s = sb_str(&f->read);
	f->len = f->read.len;
	return true;
}

void filebuf_free(struct filebuf *f)
{
	if (f->map)
		munmap(f->map, f->len);
	sb_free(&f->read);
	memset(f, 0, sizeof *f);
}

char *str_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

bool ascii_ieq(const char *s, const char *t)
{
	for (; *s && *t; s++, t++) {
		unsigned char a = (unsigned char)*s, b = (unsigned char)*t;
		if (a >= 'A' && a <= 'Z')
			a += 32;
		if (b >= 'A' && b <= 'Z')
			b += 32;
		if (a != b)
			return false;
	}
	return *s == *t;
}

bool parse_long(const char *s, long long *out)
{
	char *end;
	if (!*s)
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

char **split(const char *s, char sep, size_t *n)
{
	size_t cnt = 1;
	for (const char *p = s; *p; p++)
		cnt += *p == sep;
	char **v = xmalloc((cnt + 1) * sizeof *v);
	size_t i = 0;
	for (;;) {
		const char *e = strchr(s, sep);
		if (!e) {
			v[i++] = xstrdup(s);
			break;
		}
		v[i++] = xstrndup(s, (size_t)(e - s));
		s = e + 1;
	}
	v[i] = NULL;
	if (n)
		*n = i;
	return v;
}

void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}
