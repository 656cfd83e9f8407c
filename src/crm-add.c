/* crm-add - add customers, update them, import them in bulk */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "colmap.h"
#include "conflicts.h"
#include "cust.h"
#include "custmerge.h"
#include "date.h"
#include "dir.h"
#include "hist.h"
#include "id.h"
#include "impin.h"
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
	O_UNTAG,
	O_DELIM,
	O_ENCODING,
	O_KEEP,
	O_COMPANY,
	O_TAG,
};

static const struct crm_opt opts[] = {
	{ 'e', "email", "EMAIL", "e-mail address (stored lower-cased, unique)" },
	{ 'p', "phone", "PHONE", "phone number" },
	{ O_COMPANY, "company", "COMPANY", "company" },
	{ O_COUNTRY, "country", "CC", "country, ISO 3166 alpha-2 (PL, CZ, BG)" },
	{ O_CITY, "city", "CITY", "city" },
	{ O_TAG, "tag", "TAG", "add a tag (repeatable)" },
	{ O_UNTAG, "untag", "TAG", "with --update: remove a tag (repeatable)" },
	{ O_OWNER, "owner", "USER", "who looks after the customer" },
	{ O_STAGE, "stage", "STAGE", "lead, prospect, customer or churned" },
	{ O_CONSENT, "consent", "CONSENT", "opt-in or opt-out (marketing mail)" },
	{ 's', "set", "FIELD=VALUE", "set any column, adding it when new (repeatable)" },
	{ O_NAME, "name", "NAME", "the name (to change it with --update)" },
	{ O_ALLOWDUP, "allow-duplicate", NULL, "allow an e-mail another customer has" },
	{ O_UPDATE, "update", "CUSTOMER", "change the given fields of an existing customer (id, e-mail or name)" },
	{ O_IMPORT, "import", "FILE", "import customers from CSV, JSONL or vCard (- for stdin)" },
	{ O_MAP, "map", "SRC=DST", "with --import: read column SRC as DST (repeatable)" },
	{ O_DELIM, "delimiter", "CHAR", "with --import: CSV fields separated by CHAR (default: from the header)" },
	{ O_ENCODING, "encoding", "NAME", "with --import: the file's charset (windows-1250, iso-8859-2)" },
	{ O_KEEP, "keep-columns", NULL, "with --import: add the file's unknown columns to customers.csv" },
	{ O_MERGE, "merge", "KEEP", "merge the customers DROP... into KEEP (ids, e-mails or names)" },
	CRM_OPT_DRYRUN,
	CRM_OPTS_WRITER,
};

static const struct crm_cmd cmd = {
	"[options] NAME\n"
	"--update CUSTOMER [options] [NAME]\n"
	"--import FILE|- [--map SRC=DST]... [--set FIELD=VALUE]... [--keep-columns] [-n]\n"
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

/* The row other than self that has this email, or -1. In a table opened
 * rather than read, the file is looked through (the owner's row is then
 * loaded); a row that cannot be read there is fatal. */
static long email_owner(struct ctx *x, const char *email, long self)
{
	long ce = ctable_col(&x->t, "email");
	if (ce < 0 || !*email)
		return -1;
	for (size_t i = 0; i < x->t.n; i++)
		if ((long)i != self && !x->t.rows[i].gone && (!x->t.partial || x->t.at[i].off < 0) &&
		    !strcmp(rec_get(&x->t.rows[i], (size_t)ce), email))
			return (long)i;
	if (!x->t.partial)
		return -1;
	struct cwant w;
	cwant_init(&w, email, false);
	if (self >= 0)
		w.except = x->t.at[self].off;
	if (ctable_lookup(&x->t, &w, 1) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	long row = w.row;
	cwant_free(&w);
	return row;
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
		if (!strcmp(col, "untag")) {
			free(v);
			continue; /* after every other field: a row's tags must not add them back */
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
	for (size_t i = 0; i < s->n; i++) {
		long c = ctable_col(&x->t, "tags");
		if (strcmp(s->v[i].col, "untag") || c < 0)
			continue;
		r = &x->t.rows[row];
		struct sb t = { 0 };
		sb_adds(&t, rec_get(r, (size_t)c));
		tags_remove(&t, s->v[i].val);
		if (strcmp(rec_get(r, (size_t)c), sb_str(&t))) {
			if (!is_new && x->dry_run)
				sb_printf(&x->log, "  tags: '%s' -> '%s'\n", rec_get(r, (size_t)c), sb_str(&t));
			rec_set(r, (size_t)c, sb_str(&t), t.len);
			changed++;
		}
		sb_free(&t);
	}
	rec_free(&before);
	return changed;
undo:
	r = &x->t.rows[row]; /* looking for an e-mail may have loaded rows */
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
		if ((size_t)row == x->t.n - 1) {
			rec_free(&x->t.rows[row]);
			x->t.n--;
		} else {
			/* rows a lookup loaded came after it: they stay where they are */
			x->t.rows[row].gone = true;
		}
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

/* How to import. */
struct import {
	const char *file;
	const struct colmap *maps;
	struct impin_opts io;
	bool keep_columns, strict;
	const struct sets *set; /* --set and the field options: for every record */
};

/* Whether an imported column (as mapped) is taken without
 * --keep-columns: one of customers.csv, of a new file or of this one, or
 * of a vCard. A --map onto another name is a typo as likely as a wish
 * for a new column: --keep-columns says which. */
static bool known_column(const struct ctx *x, const char *col, bool vcard)
{
	if (!strcmp(col, "untag")) /* tags to take away, as --untag */
		return true;
	for (size_t i = 0; i < cust_ncolumns; i++)
		if (!strcmp(cust_columns[i], col))
			return true;
	for (size_t i = 0; vcard && i < VC_NFIELDS; i++)
		if (!strcmp(vcard_columns[i], col))
			return true;
	return ctable_col(&x->t, col) >= 0;
}

/* Cards of one file with the same e-mail are one customer: a later card
 * joins the customer the first one made or updated as --merge joins
 * customers (its values fill empty fields only, its tags are added), so
 * that a second import finds nothing to change. cards maps the folded
 * addresses of the cards taken so far to their lines. Drops from s what
 * the card may not change; returns the line of the first card, or 0 when
 * this card is the first with its address. */
static long join_card(struct ctx *x, struct hmap *cards, long **lines, size_t *cap, long row,
		      struct sets *s, long line)
{
	const char *email = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].col, "email"))
			email = s->v[i].val;
	if (!email)
		return 0;
	struct sb f = { 0 };
	u8_fold(email, strlen(email), false, &f);
	size_t had = cards->n, k = hmap_put(cards, f.s, f.len);
	sb_free(&f);
	if (k == had) {
		void *p = *lines;
		xgrow(&p, cap, k + 1, sizeof **lines);
		*lines = p;
		(*lines)[k] = line;
		return 0;
	}
	if (row < 0)
		return (*lines)[k]; /* the first card was refused: this one stands alone */
	size_t j = 0;
	for (size_t i = 0; i < s->n; i++) {
		long c = ctable_col(&x->t, s->v[i].col);
		const char *have = c >= 0 ? rec_get(&x->t.rows[row], (size_t)c) : "";
		if (!strcmp(s->v[i].col, "tags") || cust_merge_fills(s->v[i].col, have, s->v[i].val)) {
			s->v[j++] = s->v[i];
			continue;
		}
		free(s->v[i].col);
		free(s->v[i].val);
	}
	s->n = j;
	return (*lines)[k];
}

static int do_import(struct ctx *x, const struct import *o)
{
	struct impin src;
	if (impin_read(&src, o->file, &o->io) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	struct recin in;
	if (recin_open_import(&in, &src, o->strict) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	struct sb why = { 0 };
	if (!in.jsonl && in.hdr.n && !colmap_check(o->maps, in.hdr.name, in.hdr.n, &why)) {
		crm_dataerr(in.name, in.hdr_line, "%s", sb_str(&why));
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	}
	struct rec r = { 0 };
	struct hdr left = { 0 }; /* columns not taken */
	struct hmap cards = { 0 }, printed = { 0 }, left_seen = { 0 };
	long *card_lines = NULL;
	size_t card_cap = 0;
	int k = 1;
	/* JSON Lines name their keys line by line: the whole file is read
	 * before the --map sources are checked against them */
	struct rec *all = NULL;
	size_t nall = 0, acap = 0, next = 0;
	while (in.jsonl) {
		void *p = all;
		xgrow0(&p, &acap, nall + 1, sizeof *all);
		all = p;
		if ((k = recin_next(&in, &all[nall])) <= 0)
			break;
		nall++;
	}
	if (in.jsonl && k == 0 && in.hdr.n && !colmap_check(o->maps, in.hdr.name, in.hdr.n, &why)) {
		crm_warnx("%s: %s; nothing was changed", in.name, sb_str(&why));
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	}
	for (;;) {
		if (in.jsonl && (k < 0 || next == nall))
			break;
		if (!in.jsonl && (k = recin_next(&in, &r)) <= 0)
			break;
		const struct rec *cur = in.jsonl ? &all[next++] : &r;
		struct sets s = { 0 };
		for (size_t c = 0; c < in.hdr.n && c < cur->n; c++) {
			const char *col = colmap_name(o->maps, in.hdr.name[c]);
			if (!*col || !*cur->v[c])
				continue;
			if (!o->keep_columns && !known_column(x, col, in.vcard)) {
				/* a file may have 100,000 columns: no linear search */
				size_t had = left_seen.n;
				if (hmap_put(&left_seen, col, strlen(col)) == had)
					hdr_push(&left, col);
				continue;
			}
			sets_add(&s, col, cur->v[c]);
		}
		long row = import_match(x, &s);
		long first = in.vcard ? join_card(x, &cards, &card_lines, &card_cap, row, &s, cur->line) : 0;
		if (first && row >= 0)
			crm_dataerr(in.name, cur->line, "a card with the same e-mail is on line %ld: this one "
						     "fills in only what that one left empty", first);
		for (size_t j = 0; j < o->set->n; j++)
			sets_add(&s, o->set->v[j].col, o->set->v[j].val);
		const char *idv = NULL;
		if (row >= 0) {
			int u = update_one(x, row, &s, true, in.name, cur->line);
			if (u < 0)
				x->skipped++;
			else if (u > 0)
				idv = row_id(x, row);
		} else {
			bool any = false;
			for (size_t j = 0; j < s.n; j++)
				any |= !strcmp(s.v[j].col, "name");
			if (!any) {
				crm_dataerr(in.name, cur->line, "no name (map a column to it with --map SRC=name)");
				x->skipped++;
			} else {
				row = add_one(x, &s, true, in.name, cur->line);
				if (row < 0)
					x->skipped++;
				else
					idv = row_id(x, row);
			}
		}
		/* a customer two cards made or changed is printed once */
		size_t had = printed.n;
		if (idv && hmap_put(&printed, idv, strlen(idv)) == had)
			sb_printf(&x->ids, "%s\n", idv);
		sets_free(&s);
	}
	rec_free(&r);
	for (size_t i = 0; i < acap; i++)
		rec_free(&all[i]);
	free(all);
	hmap_free(&printed);
	if (k < 0) {
		crm_warnx("%s: import stopped; nothing was changed", in.name);
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	}
	if (left.n) {
		struct sb l = { 0 };
		for (size_t c = 0; c < left.n && c < 10; c++)
			sb_printf(&l, "%s%s", c ? ", " : "", left.name[c]);
		if (left.n > 10)
			sb_printf(&l, " and %zu more", left.n - 10);
		crm_warnx("%s: columns left out (not in %s; --keep-columns adds them): %s", in.name,
			  CUSTOMERS, l.s);
		sb_free(&l);
	}
	hdr_free(&left);
	hmap_free(&left_seen);
	hmap_free(&cards);
	free(card_lines);
	sb_free(&why);
	x->skipped += in.bad;
	recin_close(&in);
	impin_free(&src);
	if (jsonl_bad_lines)
		x->skipped += jsonl_bad_lines;
	return CRM_OK;
}

/* Append the lines that say which interactions moved and which rows went.
 * ids[n..n+nstray) are the ids no longer in customers.csv whose lines
 * were left behind (a merge in another clone). */
static void merge_report(struct sb *log, const struct ctable *t, const long *drop,
			 char *const *ids, const size_t *moved, size_t n, size_t nstray)
{
	long cn = ctable_col(t, "name");
	for (size_t j = 0; j < n; j++)
		sb_printf(log, "moved %zu interaction%s from %s\n", moved[j], moved[j] == 1 ? "" : "s",
			  ids[j]);
	for (size_t j = n; j < n + nstray; j++)
		sb_printf(log, "moved %zu interaction%s from %s (not a customer any more)\n", moved[j],
			  moved[j] == 1 ? "" : "s", ids[j]);
	for (size_t j = 0; j < n; j++)
		sb_printf(log, "removed %s  %s\n", ids[j],
			  cn >= 0 ? rec_get(&t->rows[drop[j]], (size_t)cn) : "");
}

/* Write the merge: both new files made first, then the history renamed,
 * then the customers, so that a crash between the two leaves the moved
 * interactions pointing at the kept customer, who exists, and the dropped
 * rows still there (run the merge again). hw is the new history when
 * hopen; without rows to drop (only stray lines to move) customers.csv is
 * not written. */
static int merge_write(struct crm_dir *d, struct ctable *t, struct crm_wfile *hw, bool hopen,
		       bool rows)
{
	struct crm_wfile cw;
	int ck = rows ? ctable_write(t, d, &cw) : 1;
	if (ck < 0) {
		if (hopen)
			crm_wabort(hw);
		crm_warnx("nothing was changed");
		return CRM_ERR;
	}
	/* a file replaced but maybe not durably (1) is done, yet an error */
	int hk = hopen ? crm_wcommit(hw) : 0;
	if (hk < 0) {
		if (ck == 0)
			crm_wabort(&cw);
		crm_warnx("nothing was changed");
		return CRM_ERR;
	}
	int saved = ck == 0 ? crm_wcommit(&cw) : 0;
	if (saved < 0) {
		if (hopen)
			crm_warnx("%s was not changed, but the history was: run the merge again",
				  CUSTOMERS);
		else
			crm_warnx("nothing was changed");
		return CRM_ERR;
	}
	return hk || saved ? CRM_ERR : CRM_OK;
}

/* The new history of a merge: the lines of ids moved to kid (hist_rewrite)
 * and a merge record for each id that has none yet (once[i] false).
 * Returns 0 with *hw open, 1 when nothing is to be written, -1 after
 * reporting why not (nothing changed). */
static int merge_history(struct crm_dir *d, char *const *ids, size_t n, const char *kid,
			 size_t *moved, const bool *once, const char *now, struct crm_wfile *hw,
			 const struct crm_common *c)
{
	struct sb recs = { 0 };
	for (size_t j = 0; j < n; j++)
		if (!once[j])
			hist_put_merge(&recs, kid, ids[j], now, crm_user());
	int hk = hist_rewrite(d, ids, n, kid, moved, c->dry_run ? NULL : hw, c->strict);
	if (hk < 0) {
		crm_warnx(hk == -1 ? "nothing was merged" : "nothing was changed");
		sb_free(&recs);
		return -1;
	}
	if (c->dry_run || !recs.len) {
		sb_free(&recs);
		return c->dry_run ? 1 : hk;
	}
	int rc = 0;
	if (hk == 1) {
		/* no line moved: the records go after the file's lines */
		if (crm_wopen(hw, d, INTERACTIONS) < 0) {
			crm_warnx("nothing was changed");
			sb_free(&recs);
			return -1;
		}
		int fd = hist_fd(d);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) < 0)
			crm_warn("%s", crm_path(d, INTERACTIONS));
		if (fd == -2 || (fd >= 0 && fstat(fd, &st) < 0))
			hw->failed = true;
		else if (fd >= 0)
			crm_wcopy(hw, fd, crm_path(d, INTERACTIONS), 0, st.st_size);
		if (fd >= 0)
			close(fd);
	}
	if (hw->last != '\n')
		crm_wwrite(hw, "\n", 1); /* after a torn last line */
	crm_wwrite(hw, recs.s, recs.len);
	if (hw->failed) {
		crm_wabort(hw);
		crm_warnx("nothing was changed");
		rc = -1;
	}
	sb_free(&recs);
	return rc;
}

/* --merge KEEP DROP...: the dropped customers' history moves to KEEP, their
 * values fill KEEP's empty fields, their rows are removed, and a merge
 * record for each says in the history that it is KEEP now (readers follow
 * it for lines that other clones log on DROP meanwhile). A DROP that is no
 * longer in customers.csv but has lines in the history (such lines, after
 * a pull) has them moved to KEEP. In steps: find the customers (one pass
 * over customers.csv), look in the history for the lines of those not
 * found and for the merge records already there (a pass over the lines
 * that hold their ids), merge the rows, rewrite the history (one
 * streaming pass), write both. */
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
	ctable_open(&t, &d);
	struct cwant *want = xcalloc((size_t)argc + 1, sizeof *want);
	cwant_init(&want[0], keep, true);
	for (int i = 0; i < argc; i++)
		cwant_init(&want[i + 1], argv[i], true);
	if (ctable_lookup(&t, want, (size_t)argc + 1) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	size_t ci = (size_t)ctable_col(&t, "id"), n = 0, nstray = 0, nc = 0;
	long k = want[0].row;
	cwant_report(&want[0]);
	int rc = CRM_ERR;
	struct sb log = { 0 };
	long *drop = xcalloc((size_t)argc, sizeof *drop);
	char **ids = xcalloc((size_t)argc, sizeof *ids);
	char **cand = xcalloc((size_t)argc, sizeof *cand);
	char **strays = xcalloc((size_t)argc, sizeof *strays);
	size_t nids = 0; /* ids[0..nids) are copies */
	size_t *moved = xcalloc((size_t)argc, sizeof *moved);
	bool *once = xcalloc((size_t)argc, sizeof *once);
	char *kid = k >= 0 ? xstrdup(rec_get(&t.rows[k], ci)) : NULL;
	/* the ids no row has: lines left behind, or merged before */
	for (int i = 0; i < argc; i++)
		if (want[i + 1].row < 0 && id_valid(argv[i]))
			cand[nc++] = argv[i];
	if (nc && (hist_rewrite(&d, cand, nc, NULL, moved, NULL, false) < 0 ||
		   (kid && hist_merged(&d, kid, cand, nc, once) < 0))) {
		crm_warnx("nothing was merged");
		goto out;
	}
	bool bad = k < 0;
	for (int i = 0; i < argc; i++) {
		long r = want[i + 1].row;
		size_t ic = 0;
		while (ic < nc && cand[ic] != argv[i])
			ic++;
		bool twice = false;
		for (size_t j = 0; j < n && !twice; j++)
			twice = drop[j] == r;
		for (size_t j = 0; j < nstray && !twice; j++)
			twice = r < 0 && !strcmp(strays[j], argv[i]);
		if (r < 0 && ic < nc && moved[ic]) {
			if (!twice)
				strays[nstray++] = argv[i]; /* its lines stayed behind */
			continue;
		}
		if (r < 0 && ic < nc && once[ic]) {
			crm_warnx("%s: merged into %s already; nothing to do", argv[i], kid);
			continue;
		}
		if (r < 0)
			cwant_report(&want[i + 1]);
		if (r >= 0 && r == k)
			crm_warnx("%s: is the customer to keep; it cannot be merged into itself", argv[i]);
		if (r < 0 || r == k)
			bad = true;
		else if (!twice)
			drop[n++] = r;
	}
	if (bad) {
		crm_warnx("nothing was merged");
		goto out;
	}
	if (!n && !nstray) {
		rc = CRM_NONE; /* each was merged already */
		goto out;
	}
	/* the dropped rows' ids, then the strays */
	for (size_t j = 0; j < n; j++)
		ids[nids++] = xstrdup(rec_get(&t.rows[drop[j]], ci));
	for (size_t j = 0; j < nstray; j++)
		ids[nids++] = xstrdup(strays[j]);
	if (hist_merged(&d, kid, ids, n + nstray, once) < 0) {
		crm_warnx("nothing was merged");
		goto out;
	}
	long cn = ctable_col(&t, "name");
	sb_printf(&log, "merge into %s  %s\n", kid, cn >= 0 ? rec_get(&t.rows[k], (size_t)cn) : "");
	if (n)
		cust_merge(&t, k, drop, n, now, &log);
	struct crm_wfile hw;
	int hk = merge_history(&d, ids, n + nstray, kid, moved, once, now, &hw, c);
	if (hk < 0)
		goto out;
	merge_report(&log, &t, drop, ids, moved, n, nstray);
	rc = c->dry_run ? CRM_OK : merge_write(&d, &t, &hw, hk == 0, n > 0);
	if (rc == CRM_OK) {
		/* one customer added in two clones: the conflict of the git merge is settled */
		char **all = xcalloc(n + nstray + 1, sizeof *all);
		all[0] = kid;
		memcpy(all + 1, ids, (n + nstray) * sizeof *ids);
		long settled = conflicts_settle_merge(&d, all, n + nstray + 1, c->dry_run);
		free(all);
		if (settled > 0)
			sb_printf(&log, "settled %ld conflict%s of %s\n", settled, settled == 1 ? "" : "s",
				  crm_path(&d, CONFLICTS));
		if (settled < 0)
			rc = CRM_ERR;
		fputs(sb_str(&log), stdout);
	}
out:
	crm_flush_stdout();
	for (size_t j = 0; j < nids; j++)
		free(ids[j]);
	free(ids);
	free(cand);
	free(strays);
	free(drop);
	free(moved);
	free(once);
	free(kid);
	sb_free(&log);
	for (int i = 0; i <= argc; i++)
		cwant_free(&want[i]);
	free(want);
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
	struct import imp = { .maps = &maps, .set = &s };
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1) {
		switch (k) {
		case 'e': sets_add(&s, "email", arg); break;
		case 'p': sets_add(&s, "phone", arg); break;
		case O_COMPANY: sets_add(&s, "company", arg); break;
		case O_TAG: sets_add(&s, "tags", arg); break;
		case O_UNTAG: sets_add(&s, "untag", arg); break;
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
		case O_DELIM:
			if (!(imp.io.delim = impin_delim_arg(arg)))
				crm_usage_error(&cmd, "--delimiter takes one character, or tab");
			break;
		case O_ENCODING: imp.io.encoding = arg; break;
		case O_KEEP: imp.keep_columns = true; break;
		}
	}
	argc -= optind;
	argv += optind;
	x.dry_run = c.dry_run;
	if ((imp.io.delim || imp.io.encoding || imp.keep_columns) && !import)
		crm_usage_error(&cmd, "--delimiter, --encoding and --keep-columns go with --import");
	if (merge) {
		if (update || import || maps.n || s.n)
			crm_usage_error(&cmd, "--merge takes only the ids of the customers");
		return do_merge(&c, merge, argc, argv);
	}
	if (update && import)
		crm_usage_error(&cmd, "--update and --import do not go together");
	if (import && argc)
		crm_usage_error(&cmd, "--import takes its names from the file");
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
	/* an import reads the table whole; one customer is looked for in the
	 * file and its row alone is held */
	if (import)
		ctable_load(&x.t, &x.dir);
	else
		ctable_open(&x.t, &x.dir);

	int status = CRM_OK;
	if (import) {
		imp.file = import;
		imp.strict = c.strict;
		imp.io.vcard_ok = true;
		status = do_import(&x, &imp);
		fprintf(stderr, "%s: %ld added, %ld updated, %ld unchanged, %ld skipped%s\n", crm_prog,
			x.added, x.updated, x.unchanged, x.skipped, x.dry_run ? " (dry run)" : "");
		if (status == CRM_ERR)
			goto out; /* the input could not be read through: change nothing */
		if (x.skipped)
			status = CRM_ERR;
		else if (!x.added && !x.updated)
			status = CRM_NONE;
	} else if (update) {
		long row = ctable_resolve(&x.t, update);
		if (row < 0)
			exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
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
