/* gitsync.c - a CRM directory in step with its git remote */
#include "gitsync.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "git.h"
#include "lock.h"
#include "util.h"

int gitsync_pull(struct crm_dir *d)
{
	const char *args[] = { "pull", "-q", "--no-rebase", "--ff-only", NULL };
	crm_lock(d);
	int k = git_run(d->path, args, NULL, GIT_ERR);
	crm_unlock(d);
	if (k) {
		crm_warnx("git pull --ff-only failed");
		return -1;
	}
	return 0;
}

/* Commit interactions.jsonl with msg; git's status. */
static int commit(struct crm_dir *d, const char *msg)
{
	const char *args[] = { "commit", "-q", "-m", msg, "--", INTERACTIONS, NULL };
	return git_run(d->path, args, NULL, GIT_ERR);
}

static int push(struct crm_dir *d)
{
	const char *args[] = { "push", "-q", NULL };
	return git_run(d->path, args, NULL, GIT_ERR);
}

/* Take lines[0..n) out of interactions.jsonl of d, where they were
 * appended (the last place they are). Returns 0, or -1 after reporting. */
static int take_back(struct crm_dir *d, const char *lines, size_t n)
{
	crm_lock(d);
	int rc = -1;
	struct sb text = { 0 }, out = { 0 };
	int fd = openat(d->fd, INTERACTIONS, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_all(fd, &text) < 0) {
		crm_warn("%s", crm_path(d, INTERACTIONS));
	} else {
		const char *at = NULL;
		for (const char *p = text.s; p && (p = memmem(p, text.len - (size_t)(p - text.s), lines, n));
		     p++)
			at = p;
		if (!at) {
			crm_warnx("%s: the lines to take back are not there any more", crm_path(d, INTERACTIONS));
		} else {
			sb_add(&out, text.s, (size_t)(at - text.s));
			sb_add(&out, at + n, text.len - (size_t)(at - text.s) - n);
			rc = crm_rewrite(d, INTERACTIONS, out.s ? out.s : "", out.len) < 0 ? -1 : 0;
		}
	}
	if (fd >= 0)
		close(fd);
	sb_free(&text);
	sb_free(&out);
	crm_unlock(d);
	return rc;
}

int gitsync_publish(struct crm_dir *d, const char *lines, size_t n, const char *msg)
{
	/* what to go back to: the commit, and the file's entry in the index */
	struct sb head = { 0 }, entry = { 0 };
	const char *rev[] = { "rev-parse", "--verify", "-q", "HEAD", NULL };
	/* the path from the top: that is how update-index --cacheinfo reads it */
	const char *ls[] = { "ls-files", "-s", "--full-name", "--", INTERACTIONS, NULL };
	if (git_line(d->path, rev, &head) || git_line(d->path, ls, &entry) || !entry.len) {
		crm_warnx("%s: not committed in git yet", crm_path(d, INTERACTIONS));
		sb_free(&head);
		sb_free(&entry);
		return -1;
	}
	crm_lock(d);
	int k = crm_append(d, INTERACTIONS, lines, n);
	if (k == 0 && commit(d, msg) != 0) {
		crm_warnx("git commit failed");
		k = 1;
	}
	crm_unlock(d);
	if (k < 0) {
		sb_free(&head);
		sb_free(&entry);
		return -1;
	}
	if (k == 0 && push(d) == 0) {
		sb_free(&head);
		sb_free(&entry);
		return 0;
	}
	if (k == 0) {
		crm_warnx("git push failed");
		const char *reset[] = { "reset", "-q", "--soft", head.s, NULL };
		if (git_run(d->path, reset, NULL, GIT_ERR) != 0)
			crm_warnx("the commit could not be undone (git reset --soft %s)", head.s);
	}
	/* "MODE HASH STAGE\tPATH": the entry as it was */
	char *tab = strchr(entry.s, '\t'), *sp1 = strchr(entry.s, ' ');
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (tab && sp1 && sp2) {
		struct sb info = { 0 };
		sb_printf(&info, "%.*s,%.*s,%s", (int)(sp1 - entry.s), entry.s, (int)(sp2 - sp1 - 1), sp1 + 1,
			  tab + 1);
		const char *upd[] = { "update-index", "--cacheinfo", info.s, NULL };
		git_run(d->path, upd, NULL, GIT_ERR);
		sb_free(&info);
	}
	take_back(d, lines, n);
	sb_free(&head);
	sb_free(&entry);
	return -1;
}

int gitsync_commit_push(struct crm_dir *d, const char *msg)
{
	const char *diff[] = { "diff", "--quiet", "HEAD", "--", INTERACTIONS, NULL };
	if (git_run(d->path, diff, NULL, GIT_QUIET) == 0)
		return 1;
	crm_lock(d);
	int k = commit(d, msg);
	crm_unlock(d);
	if (k) {
		crm_warnx("git commit failed");
		return -1;
	}
	if (push(d)) {
		crm_warnx("git push failed");
		return -1;
	}
	return 0;
}
