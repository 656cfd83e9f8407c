/* git.c - running git */
#include "git.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int git_run(const char *dir, const char *const *args, struct sb *out, enum git_out how)
{
	size_t n = 0;
	while (args[n])
		n++;
	const char **argv = xcalloc(n + 4, sizeof *argv);
	size_t k = 0;
	argv[k++] = "git";
	if (dir) {
		argv[k++] = "-C";
		argv[k++] = dir;
	}
	for (size_t i = 0; i < n; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	int fds[2] = { -1, -1 };
	if (out && pipe(fds) < 0) {
		crm_warn("git: pipe");
		free(argv);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		crm_warn("git: fork");
		if (out) {
			close(fds[0]);
			close(fds[1]);
		}
		free(argv);
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		if (out) {
			dup2(fds[1], STDOUT_FILENO);
			close(fds[0]);
			close(fds[1]);
		} else if (how != GIT_SHOW && null >= 0) {
			dup2(null, STDOUT_FILENO);
		}
		if (how == GIT_QUIET && null >= 0)
			dup2(null, STDERR_FILENO);
		execvp("git", (char *const *)argv);
		fprintf(stderr, "%s: git: %s\n", crm_prog, strerror(errno));
		_exit(127);
	}
	int rc = 0;
	if (out) {
		close(fds[1]);
		if (read_all(fds[0], out) < 0) {
			crm_warn("git: read");
			rc = -1;
		}
		close(fds[0]);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			crm_warn("git: wait");
			free(argv);
			return -1;
		}
	free(argv);
	if (rc < 0)
		return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int git_line(const char *dir, const char *const *args, struct sb *out)
{
	sb_reset(out);
	int k = git_run(dir, args, out, GIT_QUIET);
	if (k) {
		sb_reset(out);
		return k;
	}
	char *nl = out->len ? memchr(out->s, '\n', out->len) : NULL;
	if (nl) {
		out->len = (size_t)(nl - out->s);
		out->s[out->len] = '\0';
	}
	return 0;
}

bool git_in_repo(const char *dir)
{
	struct sb s = { 0 };
	const char *args[] = { "rev-parse", "--is-inside-work-tree", NULL };
	bool yes = git_line(dir, args, &s) == 0 && !strcmp(sb_str(&s), "true");
	sb_free(&s);
	return yes;
}

int git_cat_open(struct git_cat *g, const char *dir)
{
	memset(g, 0, sizeof *g);
	g->to = g->from = -1;
	int in[2], out[2];
	if (pipe(in) < 0) {
		crm_warn("git: pipe");
		return -1;
	}
	if (pipe(out) < 0) {
		crm_warn("git: pipe");
		close(in[0]);
		close(in[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		crm_warn("git: fork");
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		if (dir && chdir(dir) < 0) {
			fprintf(stderr, "%s: %s: %s\n", crm_prog, dir, strerror(errno));
			_exit(127);
		}
		execlp("git", "git", "cat-file", "--batch", (char *)NULL);
		fprintf(stderr, "%s: git: %s\n", crm_prog, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	g->pid = pid;
	g->to = in[1];
	g->from = out[0];
	return 0;
}

/* Read from the session until buf holds at least n bytes; -1 at its end. */
static int cat_fill(struct git_cat *g, size_t n)
{
	while (g->buf.len < n) {
		sb_room(&g->buf, 65536);
		ssize_t k = read(g->from, g->buf.s + g->buf.len, 65536);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		g->buf.len += (size_t)k;
		g->buf.s[g->buf.len] = '\0';
	}
	return 0;
}

/* Drop the first n bytes of buf. */
static void cat_used(struct git_cat *g, size_t n)
{
	memmove(g->buf.s, g->buf.s + n, g->buf.len - n);
	g->buf.len -= n;
	g->buf.s[g->buf.len] = '\0';
}

int git_cat_get(struct git_cat *g, const char *name, struct sb *out)
{
	sb_reset(out);
	if (g->to < 0 || strchr(name, '\n'))
		return -1;
	struct sb req = { 0 };
	sb_printf(&req, "%s\n", name);
	size_t off = 0;
	while (off < req.len) {
		ssize_t k = write(g->to, req.s + off, req.len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			crm_warn("git cat-file");
			sb_free(&req);
			return -1;
		}
		off += (size_t)k;
	}
	sb_free(&req);
	/* "<name> missing" or "<hash> <type> <size>", a line; then the bytes and an LF */
	char *nl;
	while (!(nl = g->buf.len ? memchr(g->buf.s, '\n', g->buf.len) : NULL))
		if (cat_fill(g, g->buf.len + 1) < 0) {
			crm_warnx("git cat-file: its output ended early");
			return -1;
		}
	size_t head = (size_t)(nl - g->buf.s) + 1;
	*nl = '\0';
	const char *sp = strrchr(g->buf.s, ' ');
	if (!sp || !strcmp(sp, " missing") || !strcmp(sp, " ambiguous")) {
		cat_used(g, head);
		return 1;
	}
	long long size;
	if (!parse_long(sp + 1, &size) || size < 0) {
		crm_warnx("git cat-file: cannot read its answer: %s", g->buf.s);
		return -1;
	}
	if (cat_fill(g, head + (size_t)size + 1) < 0) {
		crm_warnx("git cat-file: its output ended early");
		return -1;
	}
	sb_add(out, g->buf.s + head, (size_t)size);
	cat_used(g, head + (size_t)size + 1);
	return 0;
}

void git_cat_close(struct git_cat *g)
{
	if (g->to >= 0)
		close(g->to);
	if (g->from >= 0)
		close(g->from);
	if (g->pid > 0) {
		int st;
		while (waitpid(g->pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	sb_free(&g->buf);
	memset(g, 0, sizeof *g);
	g->to = g->from = -1;
}
