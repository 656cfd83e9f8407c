/* crm - run a crm program by its short name: "crm find ..." runs crm-find */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "complete.h"
#include "opt.h"
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
	{ "auto", "run the automations.conf rules, once per customer" },
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

/* The directory of the running executable into dir (symbolic links
 * resolved), or false. */
static bool self_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	if (n <= 0)
		return false;
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return true;
}

static bool builtin(const char *name)
{
	for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++)
		if (!strcmp(progs[i].name, name))
			return true;
	return false;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add to *v (*n of them) the NAMEs of the executable files crm-NAME in
 * dir that are not programs of the toolkit and not in *v yet. */
static void scan_plugins(const char *dir, char ***v, size_t *n, size_t *cap)
{
	DIR *d = opendir(*dir ? dir : ".");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name + 4;
		if (strncmp(e->d_name, "crm-", 4) || !*name || builtin(name))
			continue;
		bool seen = false;
		for (size_t i = 0; i < *n && !seen; i++)
			seen = !strcmp((*v)[i], name);
		if (seen)
			continue;
		char path[PATH_MAX];
		struct stat st;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", *dir ? dir : ".", e->d_name) >= sizeof path ||
		    stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
			continue;
		xgrow((void **)v, cap, *n + 1, sizeof **v);
		(*v)[(*n)++] = xstrdup(name);
	}
	closedir(d);
}

/* The other crm-* programs, as "crm NAME" finds them (beside crm, then on
 * PATH): each once, sorted. */
static void plugins(FILE *f)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	char dir[PATH_MAX];
	if (self_dir(dir, sizeof dir))
		scan_plugins(dir, &v, &n, &cap);
	const char *p = getenv("PATH");
	char **dirs = split(p ? p : "/usr/bin:/bin", ':', NULL);
	for (char **d = dirs; *d; d++)
		scan_plugins(*d, &v, &n, &cap);
	free_strv(dirs);
	if (n) {
		qsort(v, n, sizeof *v, name_cmp);
		fprintf(f, "\nother crm-* programs on PATH:\n");
		for (size_t i = 0; i < n; i++)
			fprintf(f, "  %s\n", v[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Its own options, for the shell completions (the help is usage's). */
static const struct crm_opt opts[] = { CRM_OPT_HELP, CRM_OPT_VERSION, CRM_OPT_END };
static const struct crm_cmd cmd = { "COMMAND [ARGS...]", "Run crm-COMMAND.", opts, NULL };

/* The commands, for the shell completions: those installed, or all when
 * none is found; help, and the plug-ins. */
static void complete_commands(const char *kind, const char *prefix)
{
	if (strcmp(kind, "COMMAND"))
		return;
	size_t n = strlen(prefix), shown = 0;
	for (int pass = 0; pass < 2 && !shown; pass++) {
		for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
			char name[64];
			snprintf(name, sizeof name, "crm-%s", progs[i].name);
			if (strncmp(progs[i].name, prefix, n) || (!pass && !installed(name)))
				continue;
			printf("%s\t%s\n", progs[i].name, progs[i].about);
			shown++;
		}
	}
	if (!strncmp("help", prefix, n))
		printf("help\tshow the commands, or the options of one\n");
	char **v = NULL;
	size_t nv = 0, cap = 0;
	char dir[PATH_MAX];
	if (self_dir(dir, sizeof dir))
		scan_plugins(dir, &v, &nv, &cap);
	const char *p = getenv("PATH");
	char **dirs = split(p ? p : "/usr/bin:/bin", ':', NULL);
	for (char **d = dirs; *d; d++)
		scan_plugins(*d, &v, &nv, &cap);
	free_strv(dirs);
	for (size_t i = 0; i < nv; i++) {
		if (!strncmp(v[i], prefix, n))
			printf("%s\tcrm-%s\n", v[i], v[i]);
		free(v[i]);
	}
	free(v);
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
	plugins(f);
	fprintf(f, "\n'crm help COMMAND' shows the options of one.\n");
}

static _Noreturn void run(const char *name, char **argv)
{
	/* a name is looked for, not a path: "crm ../x" runs nothing */
	if (!*name || strchr(name, '/') || strlen(name) > 200)
		crm_diex("'%s' is not a crm command; see 'crm help'", name);
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
	complete_extra(complete_commands);
	complete_run(argc, argv, &cmd);
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
