/* changes - test tooling: the rows gitchanges() gives for a CRM directory,
 * as crm-report changes will list them, one a line, tab-separated:
 * when who commit id name field from to.
 *
 *   changes DIR [SINCE]
 *
 * SINCE as the programs read dates (2026-11-01, -30d). */
#include <stdio.h>
#include <stdlib.h>

#include "date.h"
#include "dir.h"
#include "gitchanges.h"
#include "util.h"

static void row(void *ctx, const struct gitchange *c)
{
	(void)ctx;
	printf("%s\t%s\t%.7s\t%s\t%s\t%s\t%s\t%s\n", c->when, c->who, c->commit, c->id, c->name,
	       c->field, c->from, c->to);
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: changes DIR [SINCE]\n");
		return CRM_ERR;
	}
	crm_time since = INT64_MIN;
	if (argc == 3 && !date_parse_rel(argv[2], crm_now(), &since)) {
		fprintf(stderr, "changes: %s: not a date\n", argv[2]);
		return CRM_ERR;
	}
	struct crm_dir d;
	crm_dir_open(&d, argv[1]);
	static const char *const fields[] = { "consent", "stage", NULL };
	int k = gitchanges(&d, since, fields, row, NULL);
	crm_dir_close(&d);
	return k < 0 ? CRM_ERR : CRM_OK;
}
