/* crm - run a crm program by its short name: "crm find ..." runs crm-find */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* The programs of the toolkit, for "crm help". */
static const struct {
	const char *name, *about;
} progs[] = {
	{ "init", "create a CRM directory" },
	{ "add", "add, update and import customers" },
	{ "log", "append to a customer's history, close tasks, replay the history" },
	{ "rm", "remove customers (--forget: and their history)" },
	{ "find", "search customers or interactions" },
	{ "segment", "RFM, rule-based and lifecycle segments" },
	{ "report", "predefined reports" },
	{ "mail", "templated mail to the customers of a stream" },
	{ "check", "validate a CRM directory" },
	{ "merge", "git merge driver for the data files" },
	{ "diff", "git diff driver: customers field by field" },
};

/* Whether crm-NAME is beside this program or on the PATH. */
static bool installed(const char *prog)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n > 0) {
		path[n] = '\0';
		char *slash = strrchr(path, '/');
		if (slash && (size_t)(slash - path) + strlen(prog) + 2 < sizeof path) {
			strcpy(slash + 1, prog);
			if (access(path, X_OK) == 0)
				return true;
		}
	}
	const char *p = getenv("PATH");
	char **dirs = split(p ? p : "/usr/bin:/bin", ':', NULL);
	bool ok = false;
	for (char **d = dirs; *d && !ok; d++) {
		snprintf(path, sizeof path, "%s/%s", **d ? *d : ".", prog);
		ok = access(path, X_OK) == 0;
	}
	free_strv(dirs);
	return ok;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: crm COMMAND [ARGS...]\n"
		   "       crm help [COMMAND]\n"
		   "       crm --version\n\n"
		   "Runs crm-COMMAND. The commands installed here:\n");
	for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "crm-%s", progs[i].name);
		if (installed(name))
			fprintf(f, "  %-9s %s\n", progs[i].name, progs[i].about);
	}
	fprintf(f, "\n'crm help COMMAND' shows the options of one.\n");
}

static _Noreturn void run(const char *name, char **argv)
{
	char prog[256];
	snprintf(prog, sizeof prog, "crm-%s", name);
	/* Prefer the program beside this one, so a build tree works as installed. */
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	argv[0] = prog;
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash && (size_t)(slash - self) + strlen(prog) + 2 < sizeof self) {
			strcpy(slash + 1, prog);
			if (access(self, X_OK) == 0)
				execv(self, argv);
		}
	}
	execvp(prog, argv);
	if (errno == ENOENT)
		crm_diex("'%s' is not a crm command; see 'crm help'", name);
	crm_die("%s", prog);
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		if (argc >= 3 && !strcmp(argv[1], "help")) {
			char *args[] = { NULL, "--help", NULL };
			run(argv[2], args);
		}
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CRM_ERR : CRM_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("crm %s\n", CRM_VERSION);
		return CRM_OK;
	}
	if (argv[1][0] == '-') {
		usage(stderr);
		return CRM_ERR;
	}
	run(argv[1], argv + 1);
}
