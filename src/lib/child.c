/* child.c - running a command with data on its standard input */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

int child_feed(char *const *argv, const char *data, size_t n, const struct child_opts *o)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		/* the command gets the signals' usual actions, not ours */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		if (o->mute) {
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0)
				dup2(null, STDOUT_FILENO);
		}
		if (o->env_name)
			setenv(o->env_name, o->env_value, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s: %s\n", crm_prog, argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fds[1], data + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* the command stopped reading: its status tells; any
			 * other failure is ours to name */
			if (errno != EPIPE)
				crm_warn("%s: write", argv[0]);
			break;
		}
		off += (size_t)w;
	}
	close(fds[1]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st))
		return o->must_read && off < n && WEXITSTATUS(st) == 0 ? 75 : WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}
