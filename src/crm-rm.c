/* crm-rm - remove customers, and with --forget their whole history */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cust.h"
#include "dir.h"
#include "hist.h"
#include "lock.h"
#include "opt.h"
#include "util.h"

enum { O_FORGET = OPT_FIRST_LOCAL };

static const struct crm_opt opts[] = {
	{ O_FORGET, "forget", NULL, "also erase every interaction of theirs (right to erasure)" },
	CRM_OPT_DRYRUN,
	CRM_OPTS_WRITER,
};

static const struct crm_cmd cmd = {
	"[-n] [--forget] ID|EMAIL...",
	"Remove customers from customers.csv. Their history stays unless --forget\n"
	"is given, which erases every interaction that refers to them.",
	opts,
	"0 removed, 2 error (1 is not used)",
};

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	bool forget = false;
	const char *arg;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1)
		if (k == O_FORGET)
			forget = true;
	argc -= optind;
	argv += optind;
	if (!argc)
		crm_usage_error(&cmd, "name the customers to remove by id or e-mail");

	struct crm_dir d;
	crm_dir_open(&d, c.dir);
	crm_lock(&d);
	struct ctable t;
	ctable_load(&t, &d);
	long ci = ctable_col(&t, "id"), cn = ctable_col(&t, "name");
	int rc = CRM_OK;
	size_t removed = 0;
	char **ids = xcalloc((size_t)argc, sizeof *ids);
	long *rows = xcalloc((size_t)argc, sizeof *rows);
	/* Resolve every operand before changing anything. */
	for (int i = 0; i < argc; i++) {
		rows[i] = ctable_find(&t, argv[i]);
		if (rows[i] < 0) {
			crm_warnx("%s: no customer has this id or e-mail", argv[i]);
			rc = CRM_ERR;
		}
	}
	if (rc != CRM_OK) {
		crm_warnx("nothing was removed");
		free(rows);
		goto out;
	}
	struct sb shown = { 0 };
	for (int i = 0; i < argc; i++) {
		struct rec *r = &t.rows[rows[i]];
		if (r->gone)
			continue; /* named twice */
		r->gone = true;
		ids[removed++] = xstrdup(rec_get(r, (size_t)ci));
		sb_printf(&shown, "%s%s  %s\n", c.dry_run ? "would remove " : "", rec_get(r, (size_t)ci),
			  cn >= 0 ? rec_get(r, (size_t)cn) : "");
	}
	free(rows);
	struct hist h = { 0 };
	struct sb keep = { 0 };
	size_t erased = 0;
	if (forget) {
		if (hist_load(&h, &d, c.strict) < 0) {
			rc = CRM_ERR;
			sb_free(&shown);
			hist_free(&h); /* the lines read before the error */
			goto out;
		}
		erased = hist_remap(&h, ids, removed, NULL, &keep, NULL);
		sb_printf(&shown, "%s%zu interaction%s\n", c.dry_run ? "would erase " : "erased ",
			  erased, erased == 1 ? "" : "s");
	}
	if (c.dry_run) {
		fputs(sb_str(&shown), stdout);
	} else {
		/* The history first: a crash between the two leaves customers
		 * without history, never history without its erasure.
		 * A history replaced but maybe not durably (1) stops us too. */
		int hk = 0, saved = 0;
		if (forget && erased)
			hk = crm_rewrite(&d, INTERACTIONS, sb_str(&keep), keep.len);
		if (hk == 0)
			saved = ctable_save(&t, &d);
		if (hk < 0 || (saved < 0 && !(forget && erased))) {
			rc = CRM_ERR;
			crm_warnx("nothing was removed");
		} else if (hk > 0 || saved < 0) {
			rc = CRM_ERR;
			crm_warnx("their history is erased but they are not removed yet; run crm-rm again");
		} else {
			fputs(sb_str(&shown), stdout);
		}
		if (saved > 0)
			rc = CRM_ERR;
	}
	sb_free(&shown);
	sb_free(&keep);
	hist_free(&h);
out:
	crm_flush_stdout();
	for (size_t i = 0; i < removed; i++)
		free(ids[i]);
	free(ids);
	ctable_free(&t);
	crm_dir_close(&d);
	return rc;
}
