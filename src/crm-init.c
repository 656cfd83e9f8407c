/* crm-init - create a CRM directory; with --git, set up the git repository it is kept in */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cust.h"
#include "git.h"
#include "lock.h"
#include "opt.h"
#include "util.h"

enum { O_GIT = OPT_FIRST_LOCAL };

static const struct crm_opt opts[] = {
	{ O_GIT, "git", NULL, "set up the git repository too (hooks, drivers, attributes, ignores)" },
	CRM_OPT_HELP,
	CRM_OPT_VERSION,
	CRM_OPT_END,
};

static const struct crm_cmd cmd = {
	"[--git] [DIR]",
	"Create a CRM directory (default: the current one) with an empty customer base,\n"
	"an empty history, crm.conf, an example mail template, .gitattributes and\n"
	".gitignore. With --git, also make it a git repository (unless it is in one)\n"
	"and install what a clone needs: the merge and diff drivers, the hooks; on an\n"
	"existing CRM directory --git adds only what is missing and touches no data.",
	opts,
	"0 created (or with --git, something added), 1 with --git nothing was missing, 2 error",
};

static const char conf_text[] =
	"# crm.conf - settings of this CRM directory (key = value, # comments)\n"
	"# A crm.local.conf beside it (not kept in git) overrides them for one person.\n"
	"\n"
	"# Default currency (ISO 4217) for amounts and reports.\n"
	"currency = EUR\n"
	"\n"
	"# Exchange rates, one line a currency: how much of the currency above one\n"
	"# unit of another is worth. Revenue and reports convert the amounts in\n"
	"# other currencies with them.\n"
	"#rate.PLN = 0.2326\n"
	"\n"
	"# The time zone of the times people type and of the days of reports (an\n"
	"# IANA name; default $TZ, else UTC). The files keep UTC times.\n"
	"#timezone = Europe/Warsaw\n"
	"\n"
	"# Mail: the From of crm-mail, the team's own addresses (for mail import),\n"
	"# the sendmail-compatible command, and the days between two marketing mails.\n"
	"#from = Sales <sales@example.com>\n"
	"#me = sales@example.com, support@example.com\n"
	"#sendmail = /usr/sbin/sendmail -oi\n"
	"#cap_days = 7\n"
	"#unsubscribe = https://example.com/unsubscribe?id={{id}}, mailto:unsubscribe@example.com\n"
	"\n"
	"# A team sending from two clones: crm-mail --send pulls first and pushes\n"
	"# the sends it is about to make (crm-mail --sync).\n"
	"#sync = yes\n"
	"\n"
	"# Contact every customer at least this often (days), unless the column\n"
	"# 'touch' says otherwise (crm-report followups).\n"
	"#touch_days = 90\n"
	"\n"
	"# Lifecycle thresholds in days since the last contact (crm-segment --lifecycle).\n"
	"#new_days = 30\n"
	"#active_days = 90\n"
	"#at_risk_days = 180\n"
	"#lapsed_days = 365\n";

static const char template_text[] =
	"Subject: Welcome, {{first_name}}!\n"
	"\n"
	"Dear {{first_name}},\n"
	"\n"
	"thank you for your interest in {{company|our products}}. If you have any\n"
	"question, just reply to this message.\n"
	"\n"
	"Best regards,\n"
	"the team\n";

/* What .gitattributes must say: each pattern with its attributes. */
static const char *const attrs[][3] = {
	{ CUSTOMERS, "merge=crm", "diff=crm" },
	{ INTERACTIONS, "merge=crm", NULL },
};

static const char attr_head[] =
	"# crm-merge merges these files by record id, crm-diff shows the customers\n"
	"# field by field; crm-init --git registers both in a clone.\n";

/* What .gitignore must list: the files of one person or one machine. */
static const char *const ignores[] = {
	LOCAL_CONF,          /* one person's settings */
	"conflicts.jsonl",   /* what one merge left to settle, in one clone */
	".crm-mail.lock",    /* crm-mail --send running */
	".crm.lock",         /* who holds the lock of the directory */
	".*.tmp.*",          /* a rewrite under way */
};

static const char ignore_head[] = "# per person and per machine (crm-init)\n";

/* The hook of both pre-commit and pre-merge-commit. */
static const char hook_text[] =
	"#!/bin/sh\n"
	"# Refuse a commit, or a merge commit, whose CRM data has a problem or while\n"
	"# a conflict of crm-merge is unresolved. Installed by crm-init --git;\n"
	"# 'git commit --no-verify' skips it once.\n"
	"exec crm-check --staged\n";
static const char hook_mark[] = "crm-check --staged";
static const char *const hooks[] = { "pre-commit", "pre-merge-commit" };

/* The drivers, as git config sets them. */
static const char *const drivers[][2] = {
	{ "merge.crm.name", "crm-merge: customers and history by record id" },
	{ "merge.crm.driver", "crm-merge %O %A %B %P" },
	{ "diff.crm.command", "crm-diff" },
	{ "diff.crm.textconv", "crm-diff --textconv" },
};

static char *join(const char *dir, const char *name)
{
	struct sb b = { 0 };
	sb_printf(&b, "%s/%s", dir, name);
	char *s = xstrdup(sb_str(&b));
	sb_free(&b);
	return s;
}

/* A path as the user sees it: the bare name in the current directory. */
static const char *shown(const char *dir, const char *name, struct sb *b)
{
	sb_reset(b);
	if (strcmp(dir, "."))
		sb_printf(b, "%s/", dir);
	sb_adds(b, name);
	return sb_str(b);
}

static int create(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = join(dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	size_t n = strlen(text);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) < 0 || close(fd) < 0) {
		crm_warn("%s", path);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

/* Read a file of dir; 0 and an empty text when it does not exist, -1
 * after reporting another failure. */
static int slurp(const char *dir, const char *name, struct sb *text)
{
	char *path = join(dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;
	if (fd < 0 && errno != ENOENT)
		rc = -1;
	else if (fd >= 0 && read_all(fd, text) < 0)
		rc = -1;
	if (rc < 0)
		crm_warn("%s", path);
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

/* Replace (or create) the file name of dir with text: a temporary file,
 * synced and renamed. */
static int put(const char *dir, const char *name, const struct sb *text)
{
	struct crm_dir d = { 0 };
	d.path = xstrdup(dir);
	d.fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d.fd < 0) {
		crm_warn("%s", dir);
		free(d.path);
		return -1;
	}
	int k = crm_rewrite(&d, name, text->s ? text->s : "", text->len);
	crm_dir_close(&d);
	return k < 0 ? -1 : 0;
}

/* Whether the line of .gitattributes (or .gitignore: attr NULL) at p
 * names pattern, with attr among its attributes. */
static bool line_has(const char *p, size_t n, const char *pattern, const char *attr)
{
	char *l = xstrndup(p, n);
	bool yes = false;
	char *save, *tok = strtok_r(l, " \t\r", &save);
	if (tok && *tok != '#' && !strcmp(tok, pattern)) {
		yes = !attr;
		while (!yes && (tok = strtok_r(NULL, " \t\r", &save)))
			yes = !strcmp(tok, attr);
	}
	free(l);
	return yes;
}

static bool file_has(const struct sb *text, const char *pattern, const char *attr)
{
	for (size_t i = 0; i < text->len;) {
		const char *p = text->s + i, *nl = memchr(p, '\n', text->len - i);
		size_t n = nl ? (size_t)(nl - p) : text->len - i;
		if (line_has(p, n, pattern, attr))
			return true;
		i += n + 1;
	}
	return false;
}

/* Add to .gitattributes (attr true) or .gitignore of dir the lines that are
 * missing, after a comment when the file is new; what was added goes into
 * said as "NAME: what". Returns 1 when something was added, 0 when nothing
 * was missing, -1 on an error (reported). */
static int ensure(const char *dir, bool attr, struct sb *said)
{
	const char *name = attr ? ".gitattributes" : ".gitignore";
	struct sb text = { 0 }, add = { 0 }, list = { 0 }, b = { 0 };
	if (slurp(dir, name, &text) < 0)
		return -1;
	size_t n = attr ? sizeof attrs / sizeof attrs[0] : sizeof ignores / sizeof ignores[0];
	for (size_t i = 0; i < n; i++) {
		const char *pattern = attr ? attrs[i][0] : ignores[i];
		struct sb line = { 0 };
		sb_adds(&line, pattern);
		bool missing = false;
		for (size_t a = 1; attr && a < 3 && attrs[i][a]; a++)
			if (!file_has(&text, pattern, attrs[i][a])) {
				sb_printf(&line, " %s", attrs[i][a]);
				missing = true;
			}
		if (!attr)
			missing = !file_has(&text, pattern, NULL);
		if (missing) {
			sb_printf(&add, "%s\n", line.s);
			sb_printf(&list, "%s%s", list.len ? (attr ? ", " : " ") : "", line.s);
		}
		sb_free(&line);
	}
	int rc = 0;
	if (add.len) {
		struct sb out = { 0 };
		sb_add(&out, text.s ? text.s : "", text.len);
		if (out.len && out.s[out.len - 1] != '\n')
			sb_addc(&out, '\n');
		if (!text.len)
			sb_adds(&out, attr ? attr_head : ignore_head);
		sb_add(&out, add.s, add.len);
		rc = put(dir, name, &out) < 0 ? -1 : 1;
		sb_free(&out);
		if (rc > 0)
			sb_printf(said, "%s: %s\n", shown(dir, name, &b), list.s);
	}
	sb_free(&text);
	sb_free(&add);
	sb_free(&list);
	sb_free(&b);
	return rc;
}

/* Set up the git repository dir is in (made with git init when there is
 * none): drivers, hooks, attributes and ignores, each only when missing.
 * What was done goes into said. Returns CRM_OK, CRM_NONE when nothing was
 * missing, CRM_ERR when something could not be done (the rest is done). */
static int setup_git(const char *dir, struct sb *said)
{
	bool any = false, bad = false;
	if (!git_in_repo(dir)) {
		const char *args[] = { "init", "-q", dir, NULL };
		if (git_run(NULL, args, NULL, GIT_ERR) != 0)
			crm_diex("%s: git init failed", dir);
		sb_printf(said, "Initialised git repository %s\n", dir);
		any = true;
	}
	for (int attr = 1; attr >= 0; attr--) {
		int k = ensure(dir, attr, said);
		bad |= k < 0;
		any |= k > 0;
	}
	struct sb v = { 0 };
	for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++) {
		const char *get[] = { "config", "--get", drivers[i][0], NULL };
		if (git_line(dir, get, &v) == 0)
			continue; /* set already, perhaps to a path of one's own: kept */
		const char *set[] = { "config", drivers[i][0], drivers[i][1], NULL };
		if (git_run(dir, set, NULL, GIT_ERR) != 0) {
			crm_warnx("%s: git config %s failed", dir, drivers[i][0]);
			bad = true;
			continue;
		}
		if (strcmp(drivers[i][0], "merge.crm.name"))
			sb_printf(said, "git config %s '%s'\n", drivers[i][0], drivers[i][1]);
		any = true;
	}
	const char *where[] = { "rev-parse", "--git-path", "hooks", NULL };
	if (git_line(dir, where, &v) != 0)
		crm_diex("%s: git rev-parse --git-path hooks failed", dir);
	char *hdir = v.s[0] == '/' ? xstrdup(v.s) : join(dir, v.s);
	if (mkdir(hdir, 0777) < 0 && errno != EEXIST) {
		crm_warn("%s", hdir);
		bad = true;
	}
	for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++) {
		struct sb text = { 0 };
		int k = slurp(hdir, hooks[i], &text);
		if (k == 0 && !text.len) {
			if (create(hdir, hooks[i], hook_text, 0777) == 0) {
				sb_printf(said, "hook %s: %s\n", hooks[i], hook_mark);
				any = true;
			} else {
				bad = true;
			}
		} else if (k == 0 && !strstr(text.s, hook_mark)) {
			char *path = join(hdir, hooks[i]);
			crm_warnx("%s: a hook of your own is there; add a line to it: %s || exit 1", path,
				  hook_mark);
			free(path);
			bad = true;
		} else if (k < 0) {
			bad = true;
		}
		sb_free(&text);
	}
	free(hdir);
	sb_free(&v);
	return bad ? CRM_ERR : any ? CRM_OK : CRM_NONE;
}

/* Make dir a new CRM directory; refuses (changing nothing) when one of its
 * files is there already. */
static int make_crm(const char *dir)
{
	static const char *const files[] = { CUSTOMERS, INTERACTIONS, CONF, "templates/welcome.eml",
					     ".gitattributes" };
	struct stat st;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *path = join(dir, files[i]);
		if (lstat(path, &st) == 0)
			crm_diex("%s: already exists; nothing was changed", path);
		free(path);
	}
	struct sb hdr = { 0 };
	for (size_t i = 0; i < cust_ncolumns; i++) {
		if (i)
			sb_addc(&hdr, ',');
		sb_adds(&hdr, cust_columns[i]);
	}
	sb_addc(&hdr, '\n');
	char *templates = join(dir, "templates");
	if (mkdir(templates, 0777) < 0 && errno != EEXIST)
		crm_die("%s", templates);
	free(templates);
	struct sb attr = { 0 };
	sb_adds(&attr, attr_head);
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
		sb_adds(&attr, attrs[i][0]);
		for (size_t a = 1; a < 3 && attrs[i][a]; a++)
			sb_printf(&attr, " %s", attrs[i][a]);
		sb_addc(&attr, '\n');
	}
	int bad = create(dir, CUSTOMERS, hdr.s, 0666) | create(dir, INTERACTIONS, "", 0666) |
		  create(dir, CONF, conf_text, 0666) |
		  create(dir, "templates/welcome.eml", template_text, 0666) |
		  create(dir, ".gitattributes", attr.s, 0666);
	sb_free(&hdr);
	sb_free(&attr);
	struct sb said = { 0 };
	bad |= ensure(dir, false, &said) < 0; /* a .gitignore of the user's gains our lines */
	sb_free(&said);
	if (bad)
		return CRM_ERR;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return CRM_OK;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	bool git = false;
	const char *arg;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1)
		if (k == O_GIT)
			git = true;
	argc -= optind;
	argv += optind;
	if (argc > 1)
		crm_usage_error(&cmd, "too many operands");
	const char *dir = argc ? argv[0] : ".";

	/* like mkdir -p */
	char *mk = xstrdup(dir);
	for (char *p = mk + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(mk, 0777) < 0 && errno != EEXIST)
			crm_die("%s", mk);
		*p = '/';
	}
	free(mk);
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		crm_die("%s", dir);
	struct stat st;
	if (stat(dir, &st) < 0)
		crm_die("%s", dir);
	if (!S_ISDIR(st.st_mode))
		crm_diex("%s: not a directory", dir);

	/* with --git, an existing CRM directory is left as it is */
	char *cust = join(dir, CUSTOMERS);
	bool exists = git && lstat(cust, &st) == 0;
	free(cust);
	if (!exists) {
		if (make_crm(dir) != CRM_OK)
			return CRM_ERR;
		printf("Initialised CRM directory %s\n", dir);
		if (!git)
			printf("To keep it in git, run once in every clone: crm-init --git %s\n", dir);
	}
	if (!git)
		return CRM_OK;
	struct sb said = { 0 };
	int rc = setup_git(dir, &said);
	fputs(sb_str(&said), stdout);
	if (rc == CRM_NONE && exists)
		crm_warnx("%s: git is set up already; nothing to add", dir);
	sb_free(&said);
	return rc == CRM_NONE && !exists ? CRM_OK : rc;
}
