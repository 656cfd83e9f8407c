/* lock.c - the directory lock, atomic rewrites and durable appends */
#include "lock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "util.h"

/* Remove the temporary files of crm_rewrite (".NAME.tmp.XXXXXX" for the two
 * data files) that a writer killed before its rename left behind. Called
 * with the lock held: every writer makes them only under the lock, so one
 * from before we took it belongs to nobody. Best effort: a file that cannot
 * be removed is harmless, only in the way of a tidy directory. */
static void remove_stale(const struct crm_dir *d, const struct timespec *since)
{
	DIR *dir = opendir(d->path);
	if (!dir)
		return;
	static const char *const names[] = { CUSTOMERS, INTERACTIONS };
	struct dirent *e;
	while ((e = readdir(dir))) {
		const char *n = e->d_name;
		bool ours = false;
		for (size_t i = 0; i < 2 && !ours; i++) {
			size_t k = strlen(names[i]);
			ours = n[0] == '.' && !strncmp(n + 1, names[i], k) && !strncmp(n + 1 + k, ".tmp.", 5) &&
			       strlen(n + 1 + k + 5) == 6;
		}
		struct stat st;
		if (!ours || fstatat(d->fd, n, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (st.st_mtim.tv_sec < since->tv_sec ||
		    (st.st_mtim.tv_sec == since->tv_sec && st.st_mtim.tv_nsec < since->tv_nsec))
			unlinkat(d->fd, n, 0);
	}
	closedir(dir);
}

static int write_full(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static volatile sig_atomic_t rang;

static void on_alarm(int sig)
{
	(void)sig;
	rang = 1;
}

/* Wait for the lock in the kernel's queue, which hands it to a waiter the
 * moment it is free (polling with sleeps left it idle while every waiter
 * slept); a timer interrupts the wait after limit seconds, and rings again
 * every 10 ms in case it rang just before flock began to wait. Returns
 * true with the lock, false when the time is up. */
static bool wait_lock(int fd, double limit)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	sigemptyset(&sa.sa_mask); /* and no SA_RESTART: flock must return */
	sigaction(SIGALRM, &sa, &old);
	rang = 0;
	struct itimerval it = { { 0, 10000 }, { (time_t)limit, (suseconds_t)((limit - (double)(time_t)limit) * 1e6) } };
	if (!it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
	int k;
	while ((k = flock(fd, LOCK_EX)) < 0 && errno == EINTR && !rang)
		;
	int e = errno;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	/* errno 0 tells the time is up from a failure */
	errno = k < 0 && e != EINTR ? e : 0;
	return k == 0;
}

/* The file in which the holder of the lock says who it is, for a writer
 * that waits: one line "PROGRAM TAB USER TAB PID TAB TIME LF". The lock is
 * the flock on the directory, not this file: a holder that was killed
 * leaves the file behind, and a process that takes the lock without crm
 * (flock(1)) writes none, so a waiter believes the file only when its
 * process is alive and runs that program. */
#define HOLDER ".crm.lock"

/* The directories whose holder file this process wrote (one is usual; a
 * program with two directories locked at once is allowed a few), and the
 * file as written: another holder that rewrites it changes its time. */
static struct held {
	int fd; /* the directory, or -1 */
	dev_t dev;
	ino_t ino;
	struct timespec mtim;
} held[4] = { { .fd = -1 }, { .fd = -1 }, { .fd = -1 }, { .fd = -1 } };

#define NHELD (sizeof held / sizeof *held)

/* A name, user or the like made fit for one field of the line. */
static void field_put(struct sb *b, const char *s)
{
	size_t n = 0;
	for (; *s && n < 64; s++, n++)
		sb_addc(b, (unsigned char)*s < ' ' || *s == 0x7f ? '?' : *s);
	if (!n)
		sb_addc(b, '?');
}

/* Remove the holder file of held[i] when it is still the one we wrote (a
 * lock released by closing the directory may have been taken by another
 * since), and forget it. Reads nothing: a writer that can open no more
 * files still cleans up. */
static void holder_drop(size_t i)
{
	struct held *h = &held[i];
	if (h->fd < 0)
		return;
	struct stat st;
	if (fstatat(h->fd, HOLDER, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == h->dev &&
	    st.st_ino == h->ino && st.st_mtim.tv_sec == h->mtim.tv_sec &&
	    st.st_mtim.tv_nsec == h->mtim.tv_nsec)
		unlinkat(h->fd, HOLDER, 0);
	close(h->fd);
	h->fd = -1;
}

static void holder_drop_all(void)
{
	for (size_t i = 0; i < NHELD; i++)
		holder_drop(i);
}

/* The slot of held that names the same directory as d, or -1. */
static int holder_slot(const struct crm_dir *d)
{
	struct stat a, b;
	if (fstat(d->fd, &a) < 0)
		return -1;
	for (size_t i = 0; i < NHELD; i++)
		if (held[i].fd >= 0 && fstat(held[i].fd, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return (int)i;
	return -1;
}

/* Say who holds the lock, now that we do. Best effort: a directory where
 * the file cannot be written still has its lock, only waiters are told
 * less. The file goes away at crm_unlock or at exit. */
static void holder_write(const struct crm_dir *d)
{
	static bool registered;
	size_t slot = 0;
	while (slot < NHELD && held[slot].fd >= 0)
		slot++;
	if (slot == NHELD)
		return;
	int dfd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	int f = openat(d->fd, HOLDER, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
		       0666);
	if (f < 0) {
		close(dfd);
		return;
	}
	struct sb b = { 0 };
	char now[DATE_BUFSZ];
	date_fmt(crm_now(), now);
	field_put(&b, crm_prog);
	sb_addc(&b, '\t');
	field_put(&b, crm_user());
	sb_printf(&b, "\t%ld\t%s\n", (long)getpid(), now);
	struct stat st;
	bool ok = write_full(f, b.s, b.len) == 0 && fstat(f, &st) == 0;
	close(f);
	sb_free(&b);
	if (!ok) {
		unlinkat(d->fd, HOLDER, 0);
		close(dfd);
		return;
	}
	held[slot] = (struct held){ dfd, st.st_dev, st.st_ino, st.st_mtim };
	if (!registered)
		registered = atexit(holder_drop_all) == 0;
}

/* Whether the process pid is alive and runs the program prog (as far as
 * /proc tells: its name is cut to 15 bytes there). */
static bool holder_alive(long pid, const char *prog)
{
	if (pid <= 0 || (pid_t)pid != pid || (kill((pid_t)pid, 0) < 0 && errno != EPERM))
		return false;
	char path[64], comm[64];
	snprintf(path, sizeof path, "/proc/%ld/comm", pid);
	int f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return errno != ENOENT || access("/proc/self/comm", F_OK) < 0;
	ssize_t k = read(f, comm, sizeof comm - 1);
	close(f);
	if (k <= 0)
		return true;
	comm[k] = 0;
	comm[strcspn(comm, "\n")] = 0;
	return !strncmp(comm, prog, 15) && (strlen(prog) >= 15 || !strcmp(comm, prog));
}

/* Read who holds the lock of d into out ("crm-add (user anna, pid 4711)
 * since 2026-11-22 10:00", the time in the zone): true, or false when the
 * holder file is missing, unreadable or stale. */
static bool holder_read(const struct crm_dir *d, char *out, size_t size)
{
	char buf[512];
	int f = openat(d->fd, HOLDER, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (f < 0)
		return false;
	ssize_t k = read(f, buf, sizeof buf - 1);
	close(f);
	if (k <= 0 || buf[k - 1] != '\n')
		return false;
	buf[k - 1] = 0;
	char *field[4];
	size_t n = 0;
	for (char *p = buf; n < 4; n++) {
		field[n] = p;
		char *tab = strchr(p, '\t');
		if (!tab) {
			n++;
			break;
		}
		*tab = 0;
		p = tab + 1;
	}
	if (n != 4 || strchr(field[3], '\t') || !*field[0] || !*field[1])
		return false;
	char *end;
	errno = 0;
	long pid = strtol(field[2], &end, 10);
	crm_time t;
	if (errno || *end || end == field[2] || !date_parse(field[3], &t) ||
	    !holder_alive(pid, field[0]))
		return false;
	char when[DATE_BUFSZ];
	date_fmt_local(t, when);
	snprintf(out, size, "%s (user %s, pid %ld) since %s", field[0], field[1], pid, when);
	return true;
}

/* The lock lent by a parent (crm_lock_lend): true when $CRM_LOCK_FD names
 * a descriptor of d's directory through which the lock is held. */
static bool lock_borrowed(const struct crm_dir *d)
{
	const char *e = getenv("CRM_LOCK_FD");
	long long fd;
	struct stat a, b;
	if (!e || !*e || !parse_long(e, &fd) || fd < 0 || fd > 1 << 20 || fd == d->fd)
		return false;
	if (fstat((int)fd, &a) < 0 || fstat(d->fd, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino)
		return false;
	/* the same open directory as the parent's: held already, so at once */
	return flock((int)fd, LOCK_EX | LOCK_NB) == 0;
}

int crm_lock_lend(struct crm_dir *d)
{
	int fd = dup(d->fd); /* without FD_CLOEXEC: the children get it */
	if (fd < 0) {
		crm_warn("%s: cannot lend the lock", d->path);
		return -1;
	}
	char b[32];
	snprintf(b, sizeof b, "%d", fd);
	setenv("CRM_LOCK_FD", b, 1);
	return fd;
}

void crm_lock_unlend(int fd)
{
	if (fd < 0)
		return;
	unsetenv("CRM_LOCK_FD");
	close(fd);
}

void crm_lock(struct crm_dir *d)
{
	if (d->locked)
		return;
	if (lock_borrowed(d)) {
		d->locked = d->lent = true;
		return;
	}
	double limit = 10;
	const char *e = getenv("CRM_LOCK_TIMEOUT");
	if (e && *e) {
		char *end;
		limit = strtod(e, &end);
		if (*end || limit < 0 || limit > 1e6)
			crm_diex("CRM_LOCK_TIMEOUT: '%s' is not a number of seconds", e);
	}
	if (flock(d->fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			crm_die("%s: cannot lock", d->path);
		/* after a second of waiting, say for whom */
		double first = limit < 1 ? limit : 1;
		char who[512];
		bool got = wait_lock(d->fd, first);
		if (!got && !errno && limit > first) {
			if (holder_read(d, who, sizeof who))
				crm_warnx("%s: waiting for the lock held by %s", d->path, who);
			got = wait_lock(d->fd, limit - first);
		}
		if (!got) {
			if (errno)
				crm_die("%s: cannot lock", d->path);
			if (holder_read(d, who, sizeof who))
				crm_diex("%s: locked by %s; gave up after %g s; try again later "
					 "(or raise CRM_LOCK_TIMEOUT)",
					 d->path, who, limit);
			crm_diex("%s: locked by another writer for %g s; try again later "
				 "(or raise CRM_LOCK_TIMEOUT)",
				 d->path, limit);
		}
	}
	d->locked = true;
	holder_write(d);
	struct timespec since;
	clock_gettime(CLOCK_REALTIME, &since);
	remove_stale(d, &since);
}

void crm_unlock(struct crm_dir *d)
{
	if (!d->locked)
		return;
	if (d->lent) {
		/* the parent's to let go */
		d->locked = d->lent = false;
		return;
	}
	int slot = holder_slot(d);
	if (slot >= 0)
		holder_drop((size_t)slot);
	flock(d->fd, LOCK_UN);
	d->locked = false;
}

static void wfile_free(struct crm_wfile *w)
{
	free(w->buf);
	free(w->tmp);
	free(w->shown);
	free(w->name);
	memset(w, 0, sizeof *w);
	w->fd = -1;
}

/* The temporary file's name in the directory (its last component). */
static const char *wfile_base(const struct crm_wfile *w)
{
	const char *base = strrchr(w->tmp, '/');
	return base ? base + 1 : w->tmp;
}

/* The checks of a file before it is replaced, with their messages; *mode
 * gets the mode the new file takes. */
static int check_replace(const struct crm_dir *d, const char *name, const char *shown, mode_t *mode)
{
	struct stat st;
	*mode = 0666;
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode)) {
			crm_warnx("%s: is a symbolic link; refusing to replace it (point -d at the "
				  "directory that holds the file)", shown);
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			crm_warnx("%s: not a regular file", shown);
			return -1;
		}
		/* a file the user made read-only is not replaced, as it is not
		 * appended to */
		if (faccessat(d->fd, name, W_OK, AT_EACCESS) < 0) {
			crm_warn("%s", shown);
			return -1;
		}
		*mode = st.st_mode & 07777;
	} else {
		mode_t um = umask(0);
		umask(um);
		*mode &= ~um;
	}
	return 0;
}

int crm_may_replace(const struct crm_dir *d, const char *name)
{
	char *shown = crm_path_dup(d, name);
	mode_t mode;
	int k = check_replace(d, name, shown, &mode);
	free(shown);
	return k;
}

void crm_wabort(struct crm_wfile *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		unlinkat(w->d->fd, wfile_base(w), 0);
	}
	wfile_free(w);
}

int crm_wopen(struct crm_wfile *w, const struct crm_dir *d, const char *name)
{
	memset(w, 0, sizeof *w);
	w->fd = -1;
	w->d = d;
	w->name = xstrdup(name);
	w->shown = crm_path_dup(d, name);
	if (check_replace(d, name, w->shown, &w->mode) < 0)
		goto fail;
	char tmpl[256];
	snprintf(tmpl, sizeof tmpl, ".%s.tmp.XXXXXX", name);
	/* mkstemp needs a path; build it relative to the directory. */
	w->tmp = crm_path_dup(d, tmpl);
	w->fd = mkstemp(w->tmp);
	if (w->fd < 0) {
		crm_warn("%s: cannot create a temporary file", w->shown);
		goto fail;
	}
	if (fchmod(w->fd, w->mode) < 0) {
		crm_warn("%s: cannot write", w->shown);
		crm_wabort(w);
		return -1;
	}
	w->cap = 1 << 20;
	w->buf = xmalloc(w->cap);
	w->last = '\n';
	return 0;
fail:
	wfile_free(w);
	return -1;
}

static int wflush(struct crm_wfile *w)
{
	if (w->failed)
		return -1;
	if (w->n && write_full(w->fd, w->buf, w->n) < 0) {
		crm_warn("%s: cannot write", w->shown);
		w->failed = true;
		return -1;
	}
	w->n = 0;
	return 0;
}

int crm_wwrite(struct crm_wfile *w, const void *p, size_t n)
{
	if (w->failed)
		return -1;
	if (n)
		w->last = ((const char *)p)[n - 1];
	if (w->n + n <= w->cap) {
		memcpy(w->buf + w->n, p, n);
		w->n += n;
		return 0;
	}
	if (wflush(w) < 0)
		return -1;
	if (n < w->cap) {
		memcpy(w->buf, p, n);
		w->n = n;
		return 0;
	}
	if (write_full(w->fd, p, n) < 0) {
		crm_warn("%s: cannot write", w->shown);
		w->failed = true;
		return -1;
	}
	return 0;
}

int crm_wcopy(struct crm_wfile *w, int fd, const char *name, long long off, long long len)
{
	while (len > 0 && !w->failed) {
		if (w->n == w->cap && wflush(w) < 0)
			return -1;
		size_t want = w->cap - w->n;
		if ((long long)want > len)
			want = (size_t)len;
		ssize_t k = pread(fd, w->buf + w->n, want, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				crm_warnx("%s: changed while being read", name);
			else
				crm_warn("%s", name);
			w->failed = true;
			return -1;
		}
		w->n += (size_t)k;
		w->last = w->buf[w->n - 1];
		off += k;
		len -= k;
	}
	return w->failed ? -1 : 0;
}

int crm_wcommit(struct crm_wfile *w)
{
	const char *failed = NULL;
	if (wflush(w) < 0) {
		crm_wabort(w);
		return -1;
	}
	if (fsync(w->fd) < 0)
		failed = "cannot sync";
	if (failed) {
		crm_warn("%s: %s", w->shown, failed);
		crm_wabort(w);
		return -1;
	}
	int fd = w->fd;
	w->fd = -1;
	if (close(fd) < 0) {
		crm_warn("%s: cannot write", w->shown);
		unlinkat(w->d->fd, wfile_base(w), 0);
		wfile_free(w);
		return -1;
	}
	if (renameat(w->d->fd, wfile_base(w), w->d->fd, w->name) < 0) {
		crm_warn("%s: cannot replace", w->shown);
		unlinkat(w->d->fd, wfile_base(w), 0);
		wfile_free(w);
		return -1;
	}
	int rc = 0;
	if (fsync(w->d->fd) < 0) {
		/* The new file is in place; only its durability is in doubt,
		 * and the caller must not say that nothing was changed. */
		crm_warn("%s: replaced, but the directory cannot be synced (a crash may undo "
			 "the change)", w->shown);
		rc = 1;
	}
	wfile_free(w);
	return rc;
}

int crm_rewrite(const struct crm_dir *d, const char *name, const char *data, size_t n)
{
	struct crm_wfile w;
	if (crm_wopen(&w, d, name) < 0)
		return -1;
	/* one write of the whole file, as before the buffer existed */
	if (n && write_full(w.fd, data, n) < 0) {
		crm_warn("%s: cannot write", w.shown);
		crm_wabort(&w);
		return -1;
	}
	return crm_wcommit(&w);
}

int crm_append(const struct crm_dir *d, const char *name, const char *data, size_t n)
{
	char *shown = crm_path_dup(d, name);
	int fd = openat(d->fd, name, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0) {
		struct stat ls;
		if (errno == ELOOP && fstatat(d->fd, name, &ls, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(ls.st_mode))
			crm_warnx("%s: is a symbolic link; refusing to append to it (point -d at the "
				  "directory that holds the file)", shown);
		else
			crm_warn("%s", shown);
		free(shown);
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		crm_warn("%s", shown);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		crm_warnx("%s: not a regular file", shown);
		goto fail;
	}
	char last = '\n';
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	char *buf = NULL;
	const char *out = data;
	size_t len = n;
	if (last != '\n') {
		/* An earlier writer left a line without its end: keep it whole and
		 * start ours on a line of its own. */
		buf = xmalloc(n + 1);
		buf[0] = '\n';
		memcpy(buf + 1, data, n);
		out = buf;
		len = n + 1;
	}
	ssize_t k;
	do
		k = write(fd, out, len);
	while (k < 0 && errno == EINTR);
	if (k >= 0 && (size_t)k != len) {
		/* A short write: try the rest once (we hold the lock, so nobody
		 * appends in between); when that fails too, it says why (a full
		 * disk, a size limit). */
		ssize_t k2 = write(fd, out + k, len - (size_t)k);
		if (k2 >= 0 && (size_t)k2 == len - (size_t)k)
			k = (ssize_t)len;
		else {
			errno = k2 < 0 ? errno : ENOSPC;
			k = -1;
		}
	}
	free(buf);
	if (k < 0) {
		int e = errno;
		if (ftruncate(fd, st.st_size) < 0)
			crm_warn("%s: cannot truncate the partial write", shown);
		errno = e;
		crm_warn("%s: cannot append", shown);
		goto fail;
	}
	if (fsync(fd) < 0) {
		int e = errno;
		if (ftruncate(fd, st.st_size) == 0)
			fsync(fd);
		errno = e;
		crm_warn("%s: cannot sync", shown);
		goto fail;
	}
	if (close(fd) < 0) {
		crm_warn("%s", shown);
		free(shown);
		return -1;
	}
	free(shown);
	return 0;
fail:
	close(fd);
	free(shown);
	return -1;
}
