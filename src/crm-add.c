/* crm-add - add customers, update them, import them in bulk */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "colmap.h"
#include "cust.h"
#include "custmerge.h"
#include "date.h"
#include "dir.h"
#include "hist.h"
#include "id.h"
#include "lock.h"
#include "opt.h"
#include "tags.h"
#include "utf8.h"
#include "util.h"
#include "valid.h"

enum {
	O_COUNTRY = OPT_FIRST_LOCAL,
	O_CITY,
	O_OWNER,
	O_STAGE,
	O_CONSENT,
	O_ALLOWDUP,
	O_UPDATE,
	O_IMPORT,
	O_MAP,
	O_NAME,
	O_MERGE,
};

static const struct crm_opt opts[] = {
	{ 'e', "email", "EMAIL", "e-mail address (stored lower-cased, unique)" },
	{ 'p', "phone", "PHONE", "phone number" },
	{ 'c', "company", "COMPANY", "company" },
	{ O_COUNTRY, "country", "CC", "country, ISO 3166 alpha-2 (PL, CZ, BG)" },
	{ O_CITY, "city", "CITY", "city" },
	{ 't', "tag", "TAG", "add a tag (repeatable)" },
	{ O_OWNER, "owner", "USER", "who looks after the customer" },
	{ O_STAGE, "stage", "STAGE", "lead, prospect, customer or churned" },
	{ O_CONSENT, "consent", "CONSENT", "opt-in or opt-out (marketing mail)" },
	{ 's', "set", "FIELD=VALUE", "set any column, adding it when new (repeatable)" },
	{ O_NAME, "name", "NAME", "the name (to change it with --update)" },
	{ O_ALLOWDUP, "allow-duplicate", NULL, "allow an e-mail another customer has" },
	{ O_UPDATE, "update", "ID|EMAIL", "change the given fields of an existing customer" },
	{ O_IMPORT, "import", "FILE", "import customers from CSV, JSONL or vCard (- for stdin)" },
	{ O_MAP, "map", "SRC=DST", "with --import: read column SRC as DST (repeatable)" },
	{ O_MERGE, "merge", "KEEP", "merge the customers DROP... into KEEP (ids or e-mails)" },
	CRM_OPT_DRYRUN,
	CRM_OPTS_WRITER,
};

static const struct crm_cmd cmd = {
	"[options] NAME\n"
	"--update ID|EMAIL [options] [NAME]\n"
	"--import FILE|- [--map SRC=DST]... [-n]\n"
	"--merge KEEP DROP... [-n]",
	"Add a customer and print its id; change an existing one; or import many\n"
	"(a row whose e-mail is known updates that customer instead).",
	opts,
	NULL,
};

/* A field to set: column name and the value as given. */
struct set {
	char *col, *val;
};

struct sets {
	struct set *v;
	size_t n, cap;
};

static void sets_add(struct sets *s, const char *col, const char *val)
{
	void *p = s->v;
	xgrow(&p, &s->cap, s->n + 1, sizeof *s->v);
	s->v = p;
	s->v[s->n++] = (struct set){ xstrdup(col), xstrdup(val) };
}

static void sets_free(struct sets *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].col);
		free(s->v[i].val);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* Normalise the value of column col: what crm-add keeps for itself, then
 * the rule of the column (valid.h), the one crm-check applies. Returns
 * NULL and sets *out (new string), or the reason the value is refused:
 * with *rule set, a reason of the rule, to be shown as valid_say shows it. */
static const char *normalise(const char *col, const char *val, bool importing, char **out,
			     bool *rule)
{
	*out = NULL;
	*rule = false;
	if (!*col)
		return "has no column name";
	if (!strcmp(col, "id") && !importing)
		return "is made by crm-add and cannot be set";
	if ((!strcmp(col, "created") || !strcmp(col, "updated")) && !importing)
		return "is kept by crm-add and cannot be set";
	*rule = true;
	return valid_field(col, val, out);
}

struct ctx {
	struct crm_dir dir;
	struct ctable t;
	bool allow_dup, dry_run;
	char now[DATE_BUFSZ];
	long added, updated, unchanged, skipped;
	struct sb log; /* what -n shows */
	struct sb ids; /* what is printed once saved */
};

/* The row other than self that has this email, or -1. */
static long email_owner(const struct ctx *x, const char *email, long self)
{
	long ce = ctable_col(&x->t, "email");
	if (ce < 0 || !*email)
		return -1;
	for (size_t i = 0; i < x->t.n; i++)
		if ((long)i != self && !x->t.rows[i].gone &&
		    !strcmp(rec_get(&x->t.rows[i], (size_t)ce), email))
			return (long)i;
	return -1;
}

static const char *row_id(const struct ctx *x, long row)
{
	long ci = ctable_col(&x->t, "id");
	return ci >= 0 ? rec_get(&x->t.rows[row], (size_t)ci) : "";
}

/* Apply sets to row (new when is_new). Returns the number of fields that
 * changed, or -1 with *why set (the row is then left as it was for a new
 * row the caller drops it). */
static long apply(struct ctx *x, long row, const struct sets *s, bool is_new, bool importing,
		  char **why, char **whycol)
{
	struct rec *r = &x->t.rows[row];
	struct rec before = { 0 };
	rec_copy(&before, r);
	long changed = 0;
	*why = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const char *col = s->v[i].col;
		char *v;
		bool rule;
		const char *bad = normalise(col, s->v[i].val, importing, &v, &rule);
		if (bad && rule) {
			struct sb m = { 0 };
			valid_say(&m, col, s->v[i].val, bad);
			*why = xstrdup(sb_str(&m));
			*whycol = NULL;
			sb_free(&m);
			goto undo;
		}
		if (bad) {
			*why = xstrdup(bad);
			*whycol = xstrdup(col);
			goto undo;
		}
		if (!strcmp(col, "id") && (!is_new || !*v)) {
			free(v);
			continue;
		}
		if (!strcmp(col, "id") && ctable_find(&x->t, v) >= 0) {
			free(v);
			*why = xstrdup("is already the id of another customer");
			*whycol = xstrdup(col);
			goto undo;
		}
		if ((!strcmp(col, "created") || !strcmp(col, "updated")) && (!is_new || !*v)) {
			free(v);
			continue;
		}
		if (!strcmp(col, "email") && *v && !x->allow_dup) {
			long o = email_owner(x, v, row);
			if (o >= 0) {
				struct sb m = { 0 };
				sb_printf(&m, "%s already belongs to customer %s (use --update %s, or "
					      "--allow-duplicate)", v, row_id(x, o), row_id(x, o));
				*why = xstrdup(sb_str(&m));
				*whycol = NULL;
				sb_free(&m);
				free(v);
				goto undo;
			}
		}
		size_t c = ctable_col_add(&x->t, col);
		r = &x->t.rows[row];
		if (!strcmp(col, "tags")) {
			struct sb t = { 0 };
			sb_adds(&t, rec_get(r, c));
			tags_merge(&t, v);
			free(v);
			v = xstrdup(sb_str(&t));
			sb_free(&t);
		}
		if (strcmp(rec_get(r, c), v)) {
			if (!is_new && x->dry_run)
				sb_printf(&x->log, "  %s: '%s' -> '%s'\n", col, rec_get(r, c), v);
			rec_set(r, c, v, strlen(v));
			changed++;
		}
		free(v);
	}
	rec_free(&before);
	return changed;
undo:
	rec_copy(r, &before);
	r->dirty = before.dirty;
	r->raw = before.raw;
	r->rawlen = before.rawlen;
	rec_free(&before);
	return -1;
}

static void set_col(struct ctx *x, long row, const char *col, const char *v)
{
	size_t c = ctable_col_add(&x->t, col);
	rec_set(&x->t.rows[row], c, v, strlen(v));
}

/* Add a new customer from sets. Returns the row or -1 (reason reported with
 * where, a "file:line" or NULL). */
static long add_one(struct ctx *x, const struct sets *s, bool importing, const char *file, long line)
{
	long row = (long)ctable_new_customer(&x->t, x->now);
	char *why, *col = NULL;
	long k = apply(x, row, s, true, importing, &why, &col);
	const char *name = rec_get(&x->t.rows[row], (size_t)ctable_col_add(&x->t, "name"));
	if (k >= 0 && !*name) {
		why = xstrdup("a customer needs a name");
		k = -1;
	}
	if (k < 0) {
		if (file && col)
			crm_dataerr(file, line, "%s: %s", col, why);
		else if (file)
			crm_dataerr(file, line, "%s", why);
		else if (col)
			crm_warnx("%s: %s", col, why);
		else
			crm_warnx("%s", why);
		free(why);
		free(col);
		rec_free(&x->t.rows[row]);
		x->t.n--;
		return -1;
	}
	x->added++;
	if (x->dry_run) {
		long ce = ctable_col(&x->t, "email");
		sb_printf(&x->log, "add %s %s%s%s%s\n", rec_get(&x->t.rows[row], 0), name,
			  ce >= 0 && *rec_get(&x->t.rows[row], (size_t)ce) ? " <" : "",
			  ce >= 0 ? rec_get(&x->t.rows[row], (size_t)ce) : "",
			  ce >= 0 && *rec_get(&x->t.rows[row], (size_t)ce) ? ">" : "");
	}
	return row;
}

/* Update row from sets. Returns 1 changed, 0 unchanged, -1 refused. */
static int update_one(struct ctx *x, long row, const struct sets *s, bool importing,
		      const char *file, long line)
{
	size_t mark = x->log.len;
	if (x->dry_run)
		sb_printf(&x->log, "update %s\n", row_id(x, row));
	char *why, *col = NULL;
	long k = apply(x, row, s, false, importing, &why, &col);
	if (k < 0) {
		if (file)
			crm_dataerr(file, line, "%s%s%s", col ? col : "", col ? ": " : "", why);
		else
			crm_warnx("%s%s%s", col ? col : "", col ? ": " : "", why);
		free(why);
		free(col);
		x->log.len = mark;
		return -1;
	}
	if (k == 0) {
		x->log.len = mark;
		if (x->log.s)
			x->log.s[mark] = '\0';
		x->unchanged++;
		return 0;
	}
	set_col(x, row, "updated", x->now);
	x->updated++;
	return 1;
}

static void parse_setting(struct sets *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		crm_diex("-s %s: expected FIELD=VALUE", arg);
	char *col = xstrndup(arg, (size_t)(eq - arg));
	sets_add(s, col, eq + 1);
	free(col);
}

/* Find the customer an imported row is about: by id, then by email, then
 * (for a row without either) by the identical name among customers without email. */
static long import_match(struct ctx *x, const struct sets *s)
{
	const char *id = NULL, *email = NULL, *name = NULL;
	for (size_t i = 0; i < s->n; i++) {
		if (!strcmp(s->v[i].col, "id") && *s->v[i].val)
			id = s->v[i].val;
		if (!strcmp(s->v[i].col, "email") && *s->v[i].val)
			email = s->v[i].val;
		if (!strcmp(s->v[i].col, "name") && *s->v[i].val)
			name = s->v[i].val;
	}
	long ci = ctable_col(&x->t, "id");
	if (id && ci >= 0)
		for (size_t r = 0; r < x->t.n; r++)
			if (!x->t.rows[r].gone && ascii_ieq(rec_get(&x->t.rows[r], (size_t)ci), id))
				return (long)r;
	if (email) {
		char *norm;
		if (valid_email(email, &norm) == NULL) {
			long o = email_owner(x, norm, -1);
			free(norm);
			if (o >= 0)
				return o;
		} else {
			free(norm);
		}
		return -1;
	}
	if (name && !id) {
		long cn = ctable_col(&x->t, "name"), ce = ctable_col(&x->t, "email");
		for (size_t r = 0; cn >= 0 && r < x->t.n; r++) {
			if (x->t.rows[r].gone || (ce >= 0 && *rec_get(&x->t.rows[r], (size_t)ce)))
				continue;
			if (!strcmp(rec_get(&x->t.rows[r], (size_t)cn), name))
				return (long)r;
		}
	}
	return -1;
}

static int do_import(struct ctx *x, const char *file, const struct colmap *maps, bool strict)
{
	int fd = STDIN_FILENO;
	const char *shown = "<stdin>";
	if (strcmp(file, "-")) {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			crm_die("%s", file);
		shown = file;
	}
	struct recin in;
	if (recin_open_import(&in, fd, shown, strict) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	struct rec r = { 0 };
	int k;
	bool failed = false;
	while ((k = recin_next(&in, &r)) > 0) {
		struct sets s = { 0 };
		for (size_t c = 0; c < in.hdr.n && c < r.n; c++) {
			const char *col = colmap_name(maps, in.hdr.name[c]);
			if (!*col || !*r.v[c])
				continue;
			sets_add(&s, col, r.v[c]);
		}
		long row = import_match(x, &s);
		const char *idv = NULL;
		if (row >= 0) {
			int u = update_one(x, row, &s, true, in.name, r.line);
			if (u < 0)
				x->skipped++;
			else if (u > 0)
				idv = row_id(x, row);
		} else {
			bool any = false;
			for (size_t i = 0; i < s.n; i++)
				any |= !strcmp(s.v[i].col, "name");
			if (!any) {
				crm_dataerr(in.name, r.line, "no name (map a column to it with --map SRC=name)");
				x->skipped++;
			} else {
				row = add_one(x, &s, true, in.name, r.line);
				if (row < 0)
					x->skipped++;
				else
					idv = row_id(x, row);
			}
		}
		if (idv)
			sb_printf(&x->ids, "%s\n", idv);
		sets_free(&s);
	}
	if (k < 0)
		failed = true;
	rec_free(&r);
	x->skipped += in.bad;
	recin_close(&in);
	if (fd != STDIN_FILENO)
		close(fd);
	if (jsonl_bad_lines)
		x->skipped += jsonl_bad_lines;
	if (failed) {
		crm_warnx("%s: import stopped; nothing was changed", shown);
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	}
	return CRM_OK;
}

/* A customer to merge, by id or e-mail; -1 after saying none has it. */
static long merge_find(const struct ctable *t, const char *key)
{
	long r = ctable_find(t, key);
	if (r < 0)
		crm_warnx("%s: no customer has this id or e-mail", key);
	return r;
}

/* Append the lines that say which interactions moved and which rows went. */
static void merge_report(struct sb *log, const struct ctable *t, const long *drop,
			 char *const *ids, const size_t *moved, size_t n)
{
	long cn = ctable_col(t, "name");
	for (size_t j = 0; j < n; j++)
		sb_printf(log, "moved %zu interaction%s from %s\n", moved[j], moved[j] == 1 ? "" : "s",
			  ids[j]);
	for (size_t j = 0; j < n; j++)
		sb_printf(log, "removed %s  %s\n", ids[j],
			  cn >= 0 ? rec_get(&t->rows[drop[j]], (size_t)cn) : "");
}

/* Write the merge: the history first, so that a crash between the two
 * writes leaves the moved interactions pointing at the kept customer, who
 * exists, and the dropped rows still there (run the merge again). */
static int merge_write(struct crm_dir *d, struct ctable *t, const struct sb *hist, size_t moved)
{
	/* a file replaced but maybe not durably (1) is done, yet an error */
	int hk = moved ? crm_rewrite(d, INTERACTIONS, hist->s, hist->len) : 0;
	if (hk < 0) {
		crm_warnx("nothing was changed");
		return CRM_ERR;
	}
	int saved = ctable_save(t, d);
	if (saved < 0) {
		if (moved)
			crm_warnx("%s was not changed, but the history was: run the merge again",
				  CUSTOMERS);
		else
			crm_warnx("nothing was changed");
		return CRM_ERR;
	}
	return hk || saved ? CRM_ERR : CRM_OK;
}

/* --merge KEEP DROP...: the dropped customers' history moves to KEEP, their
 * values fill KEEP's empty fields, and their rows are removed. */
static int do_merge(const struct crm_common *c, const char *keep, int argc, char **argv)
{
	if (!argc)
		crm_usage_error(&cmd, "--merge needs the customers to merge into KEEP");
	struct crm_dir d;
	crm_dir_open(&d, c->dir);
	char now[DATE_BUFSZ];
	date_fmt(crm_now(), now);
	crm_lock(&d);
	struct ctable t;
	ctable_load(&t, &d);
	size_t ci = (size_t)ctable_col(&t, "id"), n = 0;
	long k = merge_find(&t, keep);
	long *drop = xcalloc((size_t)argc, sizeof *drop);
	char **ids = xcalloc((size_t)argc, sizeof *ids);
	bool bad = k < 0;
	for (int i = 0; i < argc; i++) {
		long r = merge_find(&t, argv[i]);
		bool twice = false;
		for (size_t j = 0; j < n && !twice; j++)
			twice = drop[j] == r;
		if (r >= 0 && r == k)
			crm_warnx("%s: is the customer to keep; it cannot be merged into itself", argv[i]);
		if (r < 0 || r == k)
			bad = true;
		else if (!twice)
			drop[n++] = r;
	}
	int rc = CRM_ERR;
	struct sb log = { 0 }, out = { 0 };
	struct hist h = { 0 };
	size_t *moved = xcalloc((size_t)argc, sizeof *moved);
	char *kid = NULL;
	if (bad) {
		crm_warnx("nothing was merged");
		goto out;
	}
	for (size_t j = 0; j < n; j++)
		ids[j] = xstrdup(rec_get(&t.rows[drop[j]], ci));
	kid = xstrdup(rec_get(&t.rows[k], ci));
	long cn = ctable_col(&t, "name");
	sb_printf(&log, "merge into %s  %s\n", kid, cn >= 0 ? rec_get(&t.rows[k], (size_t)cn) : "");
	cust_merge(&t, k, drop, n, now, &log);
	if (hist_load(&h, &d, c->strict) < 0) {
		crm_warnx("nothing was merged");
		goto out;
	}
	size_t total = hist_remap(&h, ids, n, kid, &out, moved);
	merge_report(&log, &t, drop, ids, moved, n);
	rc = c->dry_run ? CRM_OK : merge_write(&d, &t, &out, total);
	if (rc == CRM_OK)
		fputs(sb_str(&log), stdout);
out:
	crm_flush_stdout();
	for (size_t j = 0; j < n; j++)
		free(ids[j]);
	free(ids);
	free(drop);
	free(moved);
	free(kid);
	sb_free(&log);
	sb_free(&out);
	hist_free(&h);
	ctable_free(&t);
	crm_dir_close(&d);
	return rc;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	struct sets s = { 0 };
	struct ctx x = { 0 };
	const char *arg, *update = NULL, *import = NULL, *merge = NULL;
	struct colmap maps = { 0 };
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1) {
		switch (k) {
		case 'e': sets_add(&s, "email", arg); break;
		case 'p': sets_add(&s, "phone", arg); break;
		case 'c': sets_add(&s, "company", arg); break;
		case 't': sets_add(&s, "tags", arg); break;
		case O_COUNTRY: sets_add(&s, "country", arg); break;
		case O_CITY: sets_add(&s, "city", arg); break;
		case O_OWNER: sets_add(&s, "owner", arg); break;
		case O_STAGE: sets_add(&s, "stage", arg); break;
		case O_CONSENT: sets_add(&s, "consent", arg); break;
		case O_NAME: sets_add(&s, "name", arg); break;
		case 's': parse_setting(&s, arg); break;
		case O_ALLOWDUP: x.allow_dup = true; break;
		case O_UPDATE: update = arg; break;
		case O_IMPORT: import = arg; break;
		case O_MERGE: merge = arg; break;
		case O_MAP:
			if (!colmap_add(&maps, arg))
				crm_usage_error(&cmd, "--map takes SRC=DST");
			break;
		}
	}
	argc -= optind;
	argv += optind;
	x.dry_run = c.dry_run;
	if (merge) {
		if (update || import || maps.n || s.n)
			crm_usage_error(&cmd, "--merge takes only the ids of the customers");
		return do_merge(&c, merge, argc, argv);
	}
	if (update && import)
		crm_usage_error(&cmd, "--update and --import do not go together");
	if (import && (argc || s.n))
		crm_usage_error(&cmd, "--import takes its fields from the file");
	if (maps.n && !import)
		crm_usage_error(&cmd, "--map goes with --import");
	if (argc > 1)
		crm_usage_error(&cmd, "too many operands (quote a name with spaces)");
	if (argc == 1) {
		/* the name goes first, so -s name=... or --name can override it */
		sets_add(&s, "name", argv[0]);
		struct set name = s.v[s.n - 1];
		memmove(s.v + 1, s.v, (s.n - 1) * sizeof *s.v);
		s.v[0] = name;
	}
	if (!update && !import && argc == 0)
		crm_usage_error(&cmd, "a name is needed");

	crm_dir_open(&x.dir, c.dir);
	date_fmt(crm_now(), x.now);
	crm_lock(&x.dir);
	ctable_load(&x.t, &x.dir);

	int status = CRM_OK;
	if (import) {
		status = do_import(&x, import, &maps, c.strict);
		fprintf(stderr, "%s: %ld added, %ld updated, %ld unchanged, %ld skipped%s\n", crm_prog,
			x.added, x.updated, x.unchanged, x.skipped, x.dry_run ? " (dry run)" : "");
		if (status == CRM_ERR)
			goto out; /* the input could not be read through: change nothing */
		if (x.skipped)
			status = CRM_ERR;
		else if (!x.added && !x.updated)
			status = CRM_NONE;
	} else if (update) {
		long row = ctable_find(&x.t, update);
		if (row < 0)
			crm_diex("%s: no customer has this id or e-mail", update);
		int u = update_one(&x, row, &s, false, NULL, 0);
		if (u < 0) {
			status = CRM_ERR;
			goto out;
		}
		if (u == 0) {
			crm_warnx("%s: nothing to change", row_id(&x, row));
			status = CRM_NONE;
			goto out;
		}
		sb_printf(&x.ids, "%s\n", row_id(&x, row));
	} else {
		long row = add_one(&x, &s, false, NULL, 0);
		if (row < 0) {
			status = CRM_ERR;
			goto out;
		}
		sb_printf(&x.ids, "%s\n", row_id(&x, row));
	}
	if (x.dry_run) {
		fputs(sb_str(&x.log), stdout);
	} else if (x.added || x.updated) {
		int saved = ctable_save(&x.t, &x.dir);
		if (saved < 0) {
			status = CRM_ERR;
			crm_warnx("nothing was changed");
		} else {
			/* saved, if maybe not durably (1): the ids are in the file */
			if (saved > 0)
				status = CRM_ERR;
			fputs(sb_str(&x.ids), stdout);
		}
	}
out:
	crm_flush_stdout();
	ctable_free(&x.t);
	crm_dir_close(&x.dir);
	sets_free(&s);
	sb_free(&x.log);
	sb_free(&x.ids);
	colmap_free(&maps);
	return status;
}
