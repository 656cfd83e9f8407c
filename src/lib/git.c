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
