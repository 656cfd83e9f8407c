/* gitsync.h - keeping a CRM directory in step with its git remote around
 * an act that must happen once for the whole team (crm-mail --send --sync:
 * every clone must see the pending lines of a campaign before a message
 * goes out) */
#ifndef CRM_GITSYNC_H
#define CRM_GITSYNC_H

#include <stddef.h>

#include "dir.h"

/* Bring the branch of d's repository up to its upstream, fast-forward
 * only (git pull --no-rebase --ff-only), holding the directory lock so
 * that no writer of this clone appends while git replaces the files.
 * Returns 0, or -1 when git refused (diverged, local changes in the way,
 * no upstream: git says why). */
int gitsync_pull(struct crm_dir *d);

/* Append the history lines lines[0..n) (whole lines) to interactions.jsonl
 * of d, commit the file with the message msg (the hooks run) and push the
 * branch. When the commit or the push fails, it is all taken back: the
 * commit is undone, the index entry of the file is what it was, and the
 * lines are taken out of the file again (lines others appended meanwhile
 * stay). Returns 0 when pushed, -1 when not (reported; undone). */
int gitsync_publish(struct crm_dir *d, const char *lines, size_t n, const char *msg);

/* Commit interactions.jsonl of d as it is, with the message msg, and push;
 * nothing is taken back on a failure. Returns 0, 1 when there was nothing
 * to commit, -1 when the commit or the push failed (reported). */
int gitsync_commit_push(struct crm_dir *d, const char *msg);

#endif
