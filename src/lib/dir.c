/* dir.c - finding the CRM directory; crm.conf */
#include "dir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "util.h"

static bool has_customers(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, CUSTOMERS);
	return stat(p, &st) == 0;
}

static char *find_up(void)
{
	char rel[PATH_MAX] = ".";
	struct stat st, prev = { 0 };
	for (int depth = 0; depth < 64; depth++) {
		if (stat(rel, &st) < 0)
			return NULL;
		if (depth && st.st_dev == prev.st_dev && st.st_ino == prev.st_ino)
			return NULL; /* reached the root */
		if (has_customers(rel))
			return xstrdup(rel);
		prev = st;
		if (depth == 0)
			snprintf(rel, sizeof rel, "..");
		else if (strlen(rel) + 4 < sizeof rel)
			strcat(rel, "/..");
		else
			return NULL;
	}
	return NULL;
}

static const struct conf_item *conf_find(const struct crm_dir *d, const char *key);

/* The directory opt, $CRM_DIR or the parents name: its path, or NULL
 * (quiet), or death with the reason (!quiet). */
static char *locate(const char *opt, bool quiet)
{
	const char *env = getenv("CRM_DIR");
	if (opt || (env && *env)) {
		const char *p = opt ? opt : env;
		const char *what = opt ? "" : "CRM_DIR: ";
		struct stat st;
		if (stat(p, &st) < 0) {
			if (quiet)
				return NULL;
			crm_diex("%s%s: no such directory (create one with 'crm-init %s')", what, p, p);
		}
		if (!S_ISDIR(st.st_mode)) {
			if (quiet)
				return NULL;
			crm_diex("%s%s: not a directory", what, p);
		}
		if (!has_customers(p)) {
			if (quiet)
				return NULL;
			crm_diex("%s%s: not a CRM directory: no %s (create one with 'crm-init %s')",
				 what, p, CUSTOMERS, p);
		}
		return xstrdup(p);
	}
	char *path = find_up();
	if (!path && !quiet)
		crm_diex("no CRM directory here or in any parent (no %s); "
			 "create one with 'crm-init DIR', or name one with -d DIR or $CRM_DIR",
			 CUSTOMERS);
	return path;
}

bool crm_dir_try(struct crm_dir *d, const char *opt)
{
	char *p = locate(opt, true);
	if (!p)
		return false;
	free(p);
	crm_dir_open(d, opt);
	return true;
}

void crm_dir_open(struct crm_dir *d, const char *opt)
{
	memset(d, 0, sizeof *d);
	d->fd = -1;
	d->path = locate(opt, false);
	size_t n = strlen(d->path);
	while (n > 1 && d->path[n - 1] == '/')
		d->path[--n] = '\0';
	d->fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0)
		crm_die("%s", d->path);
	char *conf = crm_path_dup(d, CONF);
	conf_read(conf, &d->conf, &d->nconf);
	free(conf);
	size_t shared = d->nconf;
	conf = crm_path_dup(d, LOCAL_CONF);
	conf_read(conf, &d->conf, &d->nconf);
	free(conf);
	for (size_t i = shared; i < d->nconf; i++)
		d->conf[i].local = true;
	const struct conf_item *tz = conf_find(d, "timezone");
	if (tz && *tz->value && !date_set_zone(tz->value)) {
		crm_dataerr(crm_path(d, conf_file(tz)), tz->line,
			    "timezone: '%s' is no time zone (an IANA name such as Europe/Warsaw)",
			    tz->value);
		exit(CRM_ERR);
	}
}

void crm_dir_close(struct crm_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	conf_free(d->conf, d->nconf);
	free(d->path);
	memset(d, 0, sizeof *d);
	d->fd = -1;
}

const char *crm_path(const struct crm_dir *d, const char *name)
{
	static char buf[4][PATH_MAX];
	static int slot;
	char *b = buf[slot++ & 3];
	if (!strcmp(d->path, "."))
		snprintf(b, PATH_MAX, "%s", name);
	else
		snprintf(b, PATH_MAX, "%s/%s", d->path, name);
	return b;
}

char *crm_path_dup(const struct crm_dir *d, const char *name)
{
	return xstrdup(crm_path(d, name));
}

int conf_parse(const char *text, size_t len, struct conf_item **items, size_t *n,
	       long *err_line, const char **err)
{
	size_t have = *n, i = 0;
	long no = 0;
	struct sb line = { 0 };
	int status = 0;
	while (i < len) {
		const char *e = memchr(text + i, '\n', len - i);
		size_t l = e ? (size_t)(e - text - i) : len - i;
		no++;
		/* a NUL byte ends the line, as it always has for these files */
		const char *z = memchr(text + i, '\0', l);
		sb_reset(&line);
		sb_add(&line, text + i, z ? (size_t)(z - text - i) : l);
		i += l + (e != NULL);
		sb_str(&line);
		char *s = str_trim(line.s);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			*err = "expected 'key = value'";
			status = -1;
			break;
		}
		*eq = '\0';
		char *k = str_trim(s), *v = str_trim(eq + 1);
		if (!*k) {
			*err = "a setting needs a name before '='";
			status = -1;
			break;
		}
		void *p = *items;
		xgrow(&p, &have, *n + 1, sizeof **items);
		*items = p;
		(*items)[*n] = (struct conf_item){ xstrdup(k), xstrdup(v), no, false };
		(*n)++;
	}
	*err_line = no;
	sb_free(&line);
	return status;
}

void conf_free(struct conf_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].key);
		free(items[i].value);
	}
	free(items);
}

int conf_read(const char *path, struct conf_item **items, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		crm_die("%s", path);
	}
	struct sb text = { 0 };
	/* a directory of that name holds no settings */
	if (read_all(fd, &text) < 0 && errno != EISDIR)
		crm_die("%s", path);
	close(fd);
	long line;
	const char *err;
	if (conf_parse(text.s, text.len, items, n, &line, &err) < 0) {
		crm_dataerr(path, line, "%s", err);
		exit(CRM_ERR);
	}
	sb_free(&text);
	return 0;
}

const char *conf_file(const struct conf_item *c)
{
	return c->local ? LOCAL_CONF : CONF;
}

static const struct conf_item *conf_find(const struct crm_dir *d, const char *key)
{
	/* the last setting of a key wins, as in most config files */
	for (size_t i = d->nconf; i-- > 0;)
		if (!strcmp(d->conf[i].key, key))
			return &d->conf[i];
	return NULL;
}

const char *conf_get(const struct crm_dir *d, const char *key, const char *def)
{
	const struct conf_item *c = conf_find(d, key);
	return c && *c->value ? c->value : def;
}

long conf_long(const struct crm_dir *d, const char *key, long def)
{
	const struct conf_item *c = conf_find(d, key);
	if (!c || !*c->value)
		return def;
	long long v;
	if (!parse_long(c->value, &v) || v < 0 || v > 1000000) {
		crm_dataerr(crm_path(d, conf_file(c)), c->line,
			    "%s: '%s' is not a whole number", key, c->value);
		exit(CRM_ERR);
	}
	return (long)v;
}

bool conf_bool(const struct crm_dir *d, const char *key, bool def)
{
	const struct conf_item *c = conf_find(d, key);
	if (!c || !*c->value)
		return def;
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (ascii_ieq(c->value, yes[i]))
			return true;
		if (ascii_ieq(c->value, no[i]))
			return false;
	}
	crm_dataerr(crm_path(d, conf_file(c)), c->line, "%s: '%s' is not yes or no", key,
		    c->value);
	exit(CRM_ERR);
}

const char *crm_user(void)
{
	const char *u = getenv("CRM_USER");
	if (u && *u)
		return u;
	u = getenv("USER");
	if (u && *u)
		return u;
	u = getenv("LOGNAME");
	if (u && *u)
		return u;
	struct passwd *pw = getpwuid(getuid());
	return pw ? pw->pw_name : "unknown";
}
