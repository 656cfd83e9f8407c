/* lock.h - the directory lock, atomic rewrites and durable appends */
#ifndef CRM_LOCK_H
#define CRM_LOCK_H

#include <stddef.h>

#include "dir.h"

/* Take the exclusive lock on the directory (flock on the directory itself,
 * so a killed writer never leaves a stale lock). A writer that finds it
 * taken waits up to $CRM_LOCK_TIMEOUT seconds (default 10), then dies with a
 * message that says another writer holds it. Once it holds the lock, it
 * removes the temporary files of crm_rewrite that a killed writer left. */
void crm_lock(struct crm_dir *d);
void crm_unlock(struct crm_dir *d);

/* Replace the file name in the directory with data[0..n): written to a
 * temporary file in the same directory, fsync'ed, renamed over the old one,
 * and the directory fsync'ed, so a crash leaves the old or the new file. The
 * old file's mode is kept. A data file that is a symbolic link, or that is
 * not writable (chmod a-w), is refused.
 * Returns 0; -1 with the reason reported and the old file untouched; or 1
 * when the new file is in place but the directory could not be synced
 * (reported: a crash may bring the old file back). */
int crm_rewrite(const struct crm_dir *d, const char *name, const char *data, size_t n);

/* Append whole lines data[0..n) (ending with LF) with one write() on an
 * O_APPEND descriptor, then fsync. A symbolic link is refused. When the file does not end with a line
 * end, one is written first. A short write (a full disk) is truncated back
 * to the old end. Returns 0, or -1 with the reason reported and the file as
 * it was. The caller holds the lock. */
int crm_append(const struct crm_dir *d, const char *name, const char *data, size_t n);

#endif
