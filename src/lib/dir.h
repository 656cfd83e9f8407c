/* dir.h - the CRM directory and its crm.conf */
#ifndef CRM_DIR_H
#define CRM_DIR_H

#include <stdbool.h>
#include <stddef.h>

struct conf_item {
	char *key, *value;
	long line;
	bool local; /* from crm.local.conf */
};

/* An open CRM directory. */
struct crm_dir {
	char *path;   /* as found: ".", "../..", "/srv/acme" */
	int fd;       /* the directory itself, for locking and fsync */
	bool locked;
	bool lent;    /* locked through a parent's descriptor (CRM_LOCK_FD) */
	struct conf_item *conf;
	size_t nconf;
};

#define CUSTOMERS "customers.csv"
#define INTERACTIONS "interactions.jsonl"
#define CONF "crm.conf"
/* Beside crm.conf: one person's settings (sendmail, credentials, me),
 * kept out of git; each overrides the same setting of crm.conf. */
#define LOCAL_CONF "crm.local.conf"

/* Find and open the directory: opt (-d) when given, else $CRM_DIR, else the
 * nearest of the current directory and its parents holding customers.csv.
 * Reads crm.conf, then crm.local.conf, when present. Dies with a message
 * naming crm-init when there is none. */
void crm_dir_open(struct crm_dir *d, const char *opt);
/* crm_dir_open when there is such a directory, else false without a word. */
bool crm_dir_try(struct crm_dir *d, const char *opt);
void crm_dir_close(struct crm_dir *d);

/* The path of a file in the directory, as shown in messages: the bare name
 * when the directory is ".", else "DIR/name". Valid until the next call
 * with the same slot (0-3). */
const char *crm_path(const struct crm_dir *d, const char *name);
/* A new copy of crm_path. */
char *crm_path_dup(const struct crm_dir *d, const char *name);

/* The file a setting was read from, CONF or LOCAL_CONF, for messages. */
const char *conf_file(const struct conf_item *c);

/* A setting from crm.local.conf or crm.conf (the last one given wins), or
 * def when it is not set. */
const char *conf_get(const struct crm_dir *d, const char *key, const char *def);
/* A whole-number setting; a value that is not one is fatal, naming the line. */
long conf_long(const struct crm_dir *d, const char *key, long def);
/* A yes-or-no setting: yes, true, on, 1 or no, false, off, 0 (any case);
 * another value is fatal, naming the line. */
bool conf_bool(const struct crm_dir *d, const char *key, bool def);

/* Parse key = value lines with # comments from a file into *items.
 * Returns 0, -1 when the file is missing, or dies on a bad line. */
int conf_read(const char *path, struct conf_item **items, size_t *n);

/* Parse key = value lines held in memory (text[0..len), a NUL byte ends
 * its line), appending to *items (*n of them so far). Returns 0, or -1
 * with the line and the reason of the first bad line in *err_line and *err
 * (a static string); the items before it are kept, for conf_free. */
int conf_parse(const char *text, size_t len, struct conf_item **items, size_t *n,
	       long *err_line, const char **err);
void conf_free(struct conf_item *items, size_t n);

/* The user name for the "by" field: $CRM_USER, else the login name. */
const char *crm_user(void);

#endif
