/* lock.h - the directory lock, atomic rewrites and durable appends */
#ifndef CRM_LOCK_H
#define CRM_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "dir.h"

/* Take the exclusive lock on the directory (flock on the directory itself,
 * so a killed writer never leaves a stale lock). A writer that finds it
 * taken waits up to $CRM_LOCK_TIMEOUT seconds (default 10), then dies with a
 * message that says another writer holds it. The holder writes who it is
 * into .crm.lock (program, user, pid, the time from crm_now); a waiter
 * that has waited a second says on stderr which program and user hold the
 * lock and since when, and so does the message when the time is up. A
 * holder file whose process is gone or runs another program is not
 * believed (the messages then name no holder). Once it holds the lock, it
 * removes the temporary files of crm_rewrite that a killed writer left. */
void crm_lock(struct crm_dir *d);
/* Release the lock and remove .crm.lock; a process that exits holding
 * the lock removes its .crm.lock at exit as well. */
void crm_unlock(struct crm_dir *d);

/* Lend the lock d holds to the programs this process starts (crm-auto
 * running crm-mail or a rule's command): a duplicate of the directory's
 * descriptor, open across exec, is named in $CRM_LOCK_FD. A child's
 * crm_lock of the same directory then takes the lock through that
 * descriptor, which already holds it, instead of waiting for its parent;
 * its crm_unlock leaves it held (the parent lets go). A $CRM_LOCK_FD that
 * names no descriptor of the same directory, or one through which the lock
 * cannot be had at once, is not believed: the lock is taken as usual.
 * Returns the descriptor, or -1 (reported). crm_lock_unlend closes it and
 * takes the variable away. */
int crm_lock_lend(struct crm_dir *d);
void crm_lock_unlend(int fd);

/* Replace the file name in the directory with data[0..n): written to a
 * temporary file in the same directory, fsync'ed, renamed over the old one,
 * and the directory fsync'ed, so a crash leaves the old or the new file. The
 * old file's mode is kept. A data file that is a symbolic link, or that is
 * not writable (chmod a-w), is refused.
 * Returns 0; -1 with the reason reported and the old file untouched; or 1
 * when the new file is in place but the directory could not be synced
 * (reported: a crash may bring the old file back). */
int crm_rewrite(const struct crm_dir *d, const char *name, const char *data, size_t n);

/* A rewrite written as a stream, for a file too big to build in memory:
 * crm_wopen, any number of crm_wwrite and crm_wcopy, then crm_wcommit
 * (the same temporary file, sync and rename as crm_rewrite) or crm_wabort.
 * Memory stays the size of one buffer whatever the file's. */
struct crm_wfile {
	const struct crm_dir *d;
	char *name, *shown, *tmp;
	int fd;
	mode_t mode;
	char *buf; /* bytes not written yet */
	size_t n, cap;
	bool failed;
	char last; /* the last byte written ('\n' before the first) */
};

/* Start replacing name, with the checks of crm_rewrite (a symbolic link,
 * not a regular file, a read-only file are refused). Returns 0, or -1 with
 * the reason reported and nothing made. */
int crm_wopen(struct crm_wfile *w, const struct crm_dir *d, const char *name);
/* Append p[0..n) to the new file. Returns 0, or -1 with the reason reported
 * (then only crm_wabort is left to do; later calls fail quietly). */
int crm_wwrite(struct crm_wfile *w, const void *p, size_t n);
/* Append len bytes of the file fd from offset off (read with pread, so fd's
 * position is not used). A file that is shorter than that is an error.
 * Returns 0 or -1 as crm_wwrite; name is the file read, for messages. */
int crm_wcopy(struct crm_wfile *w, int fd, const char *name, long long off, long long len);
/* Write what is buffered, sync, rename over the old file, sync the
 * directory. Returns what crm_rewrite does (0, -1 with the old file
 * untouched, 1 when the directory could not be synced); the temporary file
 * is gone in every case and w is freed. */
int crm_wcommit(struct crm_wfile *w);
/* Give up: the temporary file is removed, the old file stays. */
void crm_wabort(struct crm_wfile *w);

/* The checks crm_rewrite makes before it replaces name (a symbolic link,
 * not a regular file, read-only), with the same messages: 0, or -1 with
 * the reason reported. For a file that is sometimes replaced and sometimes
 * appended to, so that both say the same. */
int crm_may_replace(const struct crm_dir *d, const char *name);

/* Append whole lines data[0..n) (ending with LF) with one write() on an
 * O_APPEND descriptor, then fsync. A symbolic link is refused. When the file does not end with a line
 * end, one is written first. A short write (a full disk) is truncated back
 * to the old end. Returns 0, or -1 with the reason reported and the file as
 * it was. The caller holds the lock. */
int crm_append(const struct crm_dir *d, const char *name, const char *data, size_t n);

#endif
