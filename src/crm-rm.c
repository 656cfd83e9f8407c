/* crm-rm - remove customers, and with --forget their whole history */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cust.h"
#include "dir.h"
#include "fieldset.h"
#include "hist.h"
#include "lock.h"
#include "opt.h"
#include "util.h"

enum { O_FORGET = OPT_FIRST_LOCAL };

static const struct crm_opt opts[] = {
	{ O_FORGET, "forget", NULL, "also erase every interaction of theirs (right to erasure)" },
	{ 'w', "where", "EXPR", "remove every customer for which EXPR holds (as crm-find --where)" },
	{ 'a', "ascii", NULL, "with --where: = and != also ignore diacritics (as crm-find -a)" },
	CRM_OPT_DRYRUN,
	CRM_OPTS_WRITER,
};

static const struct crm_cmd cmd = {
	"[-n] [--forget] CUSTOMER...\n"
	"[-n] [--forget] [-a] --where EXPR",
	"Remove customers from customers.csv; each CUSTOMER is an id, an e-mail or a\n"
	"unique part of a name, or --where removes all those EXPR matches. Their\n"
	"history stays unless --forget is given, which erases every interaction\n"
	"that refers to them, also of an id removed before.",
	opts,
	"0 removed (or --where matched nobody), 2 error (1 is not used)",
};

/* Replace the history and then the customers, both made ready first: a
 * crash between the two renames leaves customers without history, never
 * history without its erasure. Returns the exit status. */
static int save_both(struct crm_dir *d, struct ctable *t, struct crm_wfile *hw, bool hopen,
		     bool *done)
{
	*done = false;
	struct crm_wfile cw;
	int ck = ctable_write(t, d, &cw);
	if (ck < 0) {
		if (hopen)
			crm_wabort(hw);
		crm_warnx("nothing was removed");
		return CRM_ERR;
	}
	int hk = hopen ? crm_wcommit(hw) : 0;
	if (hk < 0) {
		if (ck == 0)
			crm_wabort(&cw);
		crm_warnx("nothing was removed");
		return CRM_ERR;
	}
	if (hk > 0) {
		/* replaced, but maybe not durably: stop before the customers */
		if (ck == 0)
			crm_wabort(&cw);
		crm_warnx("their history is erased but they are not removed yet; run crm-rm again");
		return CRM_ERR;
	}
	int saved = ck == 0 ? crm_wcommit(&cw) : 0;
	*done = saved >= 0; /* in place, if maybe not durably (1) */
	if (saved < 0) {
		crm_warnx(hopen ? "their history is erased but they are not removed yet; run crm-rm again"
				: "nothing was removed");
		return CRM_ERR;
	}
	return saved ? CRM_ERR : CRM_OK;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	bool forget = false, fold = false;
	const char *arg, *where = NULL;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1) {
		if (k == O_FORGET)
			forget = true;
		else if (k == 'w')
			where = arg;
		else if (k == 'a')
			fold = true;
	}
	argc -= optind;
	argv += optind;
	if (where && argc)
		crm_usage_error(&cmd, "name the customers or give --where, not both");
	if (fold && !where)
		crm_usage_error(&cmd, "-a goes with --where");
	if (!argc && !where)
		crm_usage_error(&cmd, "name the customers to remove by id, e-mail or name");

	struct crm_dir d;
	crm_dir_open(&d, c.dir);
	crm_lock(&d);
	/* --where: the ids it matches, read under the lock, are then removed
	 * as named ones are: one streaming rewrite */
	char **matched = NULL;
	size_t nmatched = 0;
	if (where) {
		if (fieldset_where_ids(&d, where, fold, c.strict, &matched, &nmatched) < 0) {
			crm_warnx("nothing was removed");
			exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
		}
		if (!nmatched) {
			crm_warnx("no customer matches --where: nothing was removed");
			free(matched);
			crm_dir_close(&d);
			return CRM_OK;
		}
		argc = (int)nmatched;
		argv = matched;
	}
	struct ctable t;
	ctable_open(&t, &d);
	long ci = ctable_col(&t, "id"), cn = ctable_col(&t, "name");
	struct cwant *want = xcalloc((size_t)argc, sizeof *want);
	for (int i = 0; i < argc; i++)
		cwant_init(&want[i], argv[i], true);
	/* Resolve every operand before changing anything. */
	if (ctable_lookup(&t, want, (size_t)argc) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	int rc = CRM_OK;
	char **ids = xcalloc((size_t)argc, sizeof *ids);
	bool *stray = xcalloc((size_t)argc, sizeof *stray);
	size_t nids = 0, removed = 0;
	struct sb shown = { 0 };
	for (int i = 0; i < argc; i++) {
		const struct cwant *w = &want[i];
		if (w->row < 0) {
			/* with --forget, an id no row has may be one removed
			 * before whose history stayed: the history says */
			if (forget && !w->nnames && *w->key) {
				stray[nids] = true;
				ids[nids++] = xstrdup(w->key);
				continue;
			}
			cwant_report(w);
			rc = CRM_ERR;
			continue;
		}
		struct rec *r = &t.rows[w->row];
		if (r->gone)
			continue; /* named twice */
		r->gone = true;
		ids[nids++] = xstrdup(rec_get(r, (size_t)ci));
		removed++;
		sb_printf(&shown, "%s%s  %s\n", c.dry_run ? "would remove " : "", rec_get(r, (size_t)ci),
			  cn >= 0 ? rec_get(r, (size_t)cn) : "");
	}
	struct crm_wfile hw;
	bool hopen = false, unread = false;
	if (rc == CRM_OK && forget) {
		size_t *counts = xcalloc(nids ? nids : 1, sizeof *counts);
		int hk = hist_rewrite(&d, ids, nids, NULL, counts, c.dry_run ? NULL : &hw, c.strict);
		hopen = hk == 0 && !c.dry_run;
		if (hk < 0)
			rc = CRM_ERR;
		unread = hk == -1; /* said why: nothing else to say */
		size_t erased = 0;
		for (size_t i = 0; i < nids && !unread; i++) {
			erased += counts[i];
			if (!stray[i])
				continue;
			if (!counts[i]) {
				crm_warnx("no customer matches '%s' (give an id, an email or part of a name), "
					  "and no history has it", ids[i]);
				rc = CRM_ERR;
			} else {
				sb_printf(&shown, "%s%s  (not in %s: its history only)\n",
					  c.dry_run ? "would forget " : "", ids[i], CUSTOMERS);
			}
		}
		sb_printf(&shown, "%s%zu interaction%s\n", c.dry_run ? "would erase " : "erased ", erased,
			  erased == 1 ? "" : "s");
		free(counts);
	}
	if (rc != CRM_OK) {
		if (hopen)
			crm_wabort(&hw);
		if (!unread)
			crm_warnx("nothing was removed");
	} else if (c.dry_run) {
		fputs(sb_str(&shown), stdout);
	} else {
		bool done;
		rc = save_both(&d, &t, &hw, hopen, &done);
		if (done)
			fputs(sb_str(&shown), stdout);
	}
	sb_free(&shown);
	crm_flush_stdout();
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	free(stray);
	for (int i = 0; i < argc; i++)
		cwant_free(&want[i]);
	free(want);
	for (size_t i = 0; i < nmatched; i++)
		free(matched[i]);
	free(matched);
	ctable_free(&t);
	crm_dir_close(&d);
	return rc;
}
