/* git.h - running git for the programs that work with the repository a
 * CRM directory is kept in (crm-init --git, crm-check --staged, crm-mail
 * --sync, the changes of crm-report) */
#ifndef CRM_GIT_H
#define CRM_GIT_H

#include <stdbool.h>

#include "util.h"

/* How git_run treats git's output. */
enum git_out {
	GIT_SHOW,  /* stdout and stderr go where ours go */
	GIT_QUIET, /* both are thrown away */
	GIT_ERR,   /* stdout thrown away, stderr shown (git's reason on failure) */
};

/* Run git with the arguments args (NULL-terminated, "git" not included)
 * in the directory dir (NULL: the current one), standard input from
 * /dev/null; no shell is involved. When out is not NULL, git's standard
 * output is appended to it instead of being shown or thrown away. Returns
 * git's exit status (127 when git could not be started, said on stderr),
 * or -1 when it could not be run at all (reported). */
int git_run(const char *dir, const char *const *args, struct sb *out, enum git_out how);

/* The first line of what git prints for args, cut of its line end, into
 * out (reset first). Returns 0, or git's status (or -1) with out empty;
 * git's stderr is thrown away. */
int git_line(const char *dir, const char *const *args, struct sb *out);

/* True when dir is inside the work tree of a git repository. */
bool git_in_repo(const char *dir);

/* A running "git cat-file --batch", to read many objects one at a time. */
struct git_cat {
	int pid;
	int to, from; /* its standard input and output */
	struct sb buf; /* what was read from it and not used yet */
};

/* Start git cat-file --batch in dir. Returns 0, or -1 after reporting. */
int git_cat_open(struct git_cat *g, const char *dir);
/* The contents of the object named by name (a hash, or COMMIT:PATH) into
 * out (reset first). Returns 0; 1 when there is no such object; -1 after
 * reporting an error (then the session is of no more use). */
int git_cat_get(struct git_cat *g, const char *name, struct sb *out);
/* End the session. */
void git_cat_close(struct git_cat *g);

#endif
