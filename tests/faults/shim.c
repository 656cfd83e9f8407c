/* shim.c - fault injection for the fault tests (LD_PRELOAD; not installed)
 *
 * Counts the calls a program makes to write, fsync, rename and open, and
 * fails or kills it at the Nth one. Set in the environment:
 *
 *   FAULT_CALL   write, fsync, rename or open: the kind of call to act on
 *   FAULT_N      which call of that kind (1 is the first)
 *   FAULT_ERRNO  EIO, ENOSPC, EFBIG, EACCES or a number (default EIO)
 *   FAULT_MODE   once: only call N fails; persist: N and every later one;
 *                kill: SIGKILL just before call N; killafter: just after it
 *   FAULT_COUNT  a file: at exit, append "KIND COUNT" lines for every kind
 *
 * The kinds cover the variants a program may use: write and pwrite; fsync
 * and fdatasync; rename, renameat and renameat2; open, openat, their 64-bit
 * names, creat, mkstemp and fopen (glibc's stdio and mkstemp open files
 * inside the library, out of the reach of an interposed open). Writes that
 * stdio makes to stdout and stderr are not seen: glibc calls its own
 * internal write, which is what keeps messages coming while writes fail.
 *
 * Writes to .crm.lock are not counted either: that file only tells a
 * waiting writer who holds the directory's lock, and a writer that cannot
 * write it goes on by design (the lock is the flock, not the file).
 *
 * Only the process that loaded the shim counts: a child between fork and
 * exec does not, and LD_PRELOAD is taken out of the environment so that
 * commands the program runs (a sendmail) do not load it at all.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum kind { K_WRITE, K_FSYNC, K_RENAME, K_OPEN, K_NKINDS };

static const char *const kind_name[K_NKINDS] = { "write", "fsync", "rename", "open" };

enum mode { M_NONE, M_ONCE, M_PERSIST, M_KILL, M_KILLAFTER };

static struct {
	pid_t pid;
	int kind; /* -1: act on nothing, only count */
	long n;
	int err;
	enum mode mode;
	char count_file[4096];
	long count[K_NKINDS];
} f = { .kind = -1 };

/* The next definition of name: the C library's (or a sanitizer's). */
#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

static int parse_errno(const char *s)
{
	static const struct {
		const char *name;
		int value;
	} names[] = { { "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EFBIG", EFBIG },
		      { "EACCES", EACCES }, { "EROFS", EROFS }, { "EDQUOT", EDQUOT } };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i].name))
			return names[i].value;
	int v = atoi(s);
	return v > 0 ? v : EIO;
}

__attribute__((constructor)) static void shim_init(void)
{
	f.pid = getpid();
	const char *s = getenv("FAULT_CALL");
	for (int k = 0; s && k < K_NKINDS; k++)
		if (!strcmp(s, kind_name[k]))
			f.kind = k;
	s = getenv("FAULT_N");
	f.n = s ? atol(s) : 0;
	s = getenv("FAULT_ERRNO");
	f.err = s ? parse_errno(s) : EIO;
	s = getenv("FAULT_MODE");
	if (!s || !strcmp(s, "once"))
		f.mode = M_ONCE;
	else if (!strcmp(s, "persist"))
		f.mode = M_PERSIST;
	else if (!strcmp(s, "kill"))
		f.mode = M_KILL;
	else if (!strcmp(s, "killafter"))
		f.mode = M_KILLAFTER;
	if (f.kind < 0 || f.n <= 0)
		f.mode = M_NONE;
	s = getenv("FAULT_COUNT");
	if (s)
		snprintf(f.count_file, sizeof f.count_file, "%s", s);
	unsetenv("LD_PRELOAD");
}

__attribute__((destructor)) static void shim_fini(void)
{
	if (!f.count_file[0] || getpid() != f.pid)
		return;
	FILE *out = REAL(fopen)(f.count_file, "a"); /* not counted */
	if (!out)
		return;
	for (int k = 0; k < K_NKINDS; k++)
		fprintf(out, "%s %ld\n", kind_name[k], f.count[k]);
	fclose(out);
}

/* Count a call of kind k. Returns -1 (errno set) when it is to fail, 1 when
 * the process is to be killed after making it, else 0. */
static int before(enum kind k)
{
	if (getpid() != f.pid)
		return 0;
	long no = ++f.count[k];
	if (f.mode == M_NONE || (int)k != f.kind)
		return 0;
	if (no == f.n && f.mode == M_KILL)
		raise(SIGKILL);
	if (no == f.n && f.mode == M_KILLAFTER)
		return 1;
	if (no == f.n || (no > f.n && f.mode == M_PERSIST)) {
		if (f.mode == M_ONCE || f.mode == M_PERSIST) {
			errno = f.err;
			return -1;
		}
	}
	return 0;
}

static void after(int act)
{
	if (act == 1)
		raise(SIGKILL);
}

/* Whether fd is the holder file of a directory's lock (.crm.lock). */
static int holder_file(int fd)
{
	char link[64], path[4096];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t k = readlink(link, path, sizeof path - 1);
	if (k <= 0)
		return 0;
	path[k] = 0;
	const char *base = strrchr(path, '/');
	return base && !strcmp(base + 1, ".crm.lock");
}

ssize_t write(int fd, const void *buf, size_t n)
{
	if (holder_file(fd))
		return REAL(write)(fd, buf, n);
	int act = before(K_WRITE);
	if (act < 0)
		return -1;
	ssize_t r = REAL(write)(fd, buf, n);
	after(act);
	return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (holder_file(fd))
		return REAL(pwrite)(fd, buf, n, off);
	int act = before(K_WRITE);
	if (act < 0)
		return -1;
	ssize_t r = REAL(pwrite)(fd, buf, n, off);
	after(act);
	return r;
}

int fsync(int fd)
{
	int act = before(K_FSYNC);
	if (act < 0)
		return -1;
	int r = REAL(fsync)(fd);
	after(act);
	return r;
}

int fdatasync(int fd)
{
	int act = before(K_FSYNC);
	if (act < 0)
		return -1;
	int r = REAL(fdatasync)(fd);
	after(act);
	return r;
}

int rename(const char *from, const char *to)
{
	int act = before(K_RENAME);
	if (act < 0)
		return -1;
	int r = REAL(rename)(from, to);
	after(act);
	return r;
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
	int act = before(K_RENAME);
	if (act < 0)
		return -1;
	int r = REAL(renameat)(fd1, from, fd2, to);
	after(act);
	return r;
}

int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
	int act = before(K_RENAME);
	if (act < 0)
		return -1;
	int r = REAL(renameat2)(fd1, from, fd2, to, flags);
	after(act);
	return r;
}

/* The mode argument of the open family is there only with O_CREAT or
 * O_TMPFILE. */
static mode_t mode_arg(int flags, va_list ap)
{
	if (flags & (O_CREAT | O_TMPFILE))
		return (mode_t)va_arg(ap, int);
	return 0;
}

#define OPEN_AT(name)                                                      \
	int name(int dfd, const char *path, int flags, ...)                \
	{                                                                  \
		va_list ap;                                                \
		va_start(ap, flags);                                       \
		mode_t m = mode_arg(flags, ap);                            \
		va_end(ap);                                                \
		int act = before(K_OPEN);                                  \
		if (act < 0)                                               \
			return -1;                                         \
		int r = REAL(name)(dfd, path, flags, m);                   \
		after(act);                                                \
		return r;                                                  \
	}

#define OPEN(name)                                                         \
	int name(const char *path, int flags, ...)                         \
	{                                                                  \
		va_list ap;                                                \
		va_start(ap, flags);                                       \
		mode_t m = mode_arg(flags, ap);                            \
		va_end(ap);                                                \
		int act = before(K_OPEN);                                  \
		if (act < 0)                                               \
			return -1;                                         \
		int r = REAL(name)(path, flags, m);                        \
		after(act);                                                \
		return r;                                                  \
	}

OPEN(open)
OPEN(open64)
OPEN_AT(openat)
OPEN_AT(openat64)

int creat(const char *path, mode_t m)
{
	int act = before(K_OPEN);
	if (act < 0)
		return -1;
	int r = REAL(creat)(path, m);
	after(act);
	return r;
}

int mkstemp(char *tmpl)
{
	int act = before(K_OPEN);
	if (act < 0)
		return -1;
	int r = REAL(mkstemp)(tmpl);
	after(act);
	return r;
}

int mkstemp64(char *tmpl)
{
	int act = before(K_OPEN);
	if (act < 0)
		return -1;
	int r = REAL(mkstemp64)(tmpl);
	after(act);
	return r;
}

FILE *fopen(const char *path, const char *how)
{
	int act = before(K_OPEN);
	if (act < 0)
		return NULL;
	FILE *r = REAL(fopen)(path, how);
	after(act);
	return r;
}

FILE *fopen64(const char *path, const char *how)
{
	int act = before(K_OPEN);
	if (act < 0)
		return NULL;
	FILE *r = REAL(fopen64)(path, how);
	after(act);
	return r;
}
