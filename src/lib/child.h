/* child.h - running a command with data on its standard input */
#ifndef CRM_CHILD_H
#define CRM_CHILD_H

#include <stdbool.h>
#include <stddef.h>

struct child_opts {
	bool mute;            /* its standard output to /dev/null */
	bool must_read;       /* exiting 0 without reading all the data is a failure (75) */
	const char *env_name; /* set in its environment to env_value, when not NULL */
	const char *env_value;
};

/* Run argv (argv[0] looked for on the PATH) with data[0..n) on its standard
 * input, with the usual actions of SIGPIPE and SIGXFSZ, and wait for it.
 * Returns its exit status (127 when it could not be run, 128 + the signal
 * when a signal ended it, 75 when must_read and it exited 0 having left
 * data unread), or -1 when it could not be started (errno set). A write
 * error other than its not reading (EPIPE) is warned about. */
int child_feed(char *const *argv, const char *data, size_t n, const struct child_opts *o);

#endif
