/* opt.c - declarative option tables over getopt_long */
#include "opt.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "fmt.h"
#include "suggest.h"
#include "util.h"

static void print_usage(FILE *f, const struct crm_cmd *cmd)
{
	const char *s = cmd->usage;
	const char *lead = "usage: ";
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		fprintf(f, "%s%s %.*s\n", lead, crm_prog, (int)n, s);
		lead = "       ";
		s += n + (e != NULL);
	}
}

void crm_help(const struct crm_cmd *cmd)
{
	print_usage(stdout, cmd);
	printf("\n%s\n\noptions:\n", cmd->about);
	for (const struct crm_opt *o = cmd->opts; o->key || o->name; o++) {
		char left[64];
		int n = 0;
		if (o->key > 0 && o->key < 256)
			n = snprintf(left, sizeof left, "-%c%s", o->key, o->name ? ", " : "");
		else
			n = snprintf(left, sizeof left, "    ");
		if (o->name)
			n += snprintf(left + n, sizeof left - (size_t)n, "--%s", o->name);
		if (o->arg)
			snprintf(left + n, sizeof left - (size_t)n, "%s%s",
				 o->arg[0] == '=' ? "" : " ", o->arg);
		if (strlen(left) > 24)
			printf("  %s\n  %24s  %s\n", left, "", o->help);
		else
			printf("  %-24s  %s\n", left, o->help);
	}
	printf("\nExit status: %s.\n", cmd->exits ? cmd->exits : CRM_EXITS);
}

void crm_usage_error(const struct crm_cmd *cmd, const char *msg)
{
	if (msg)
		fprintf(stderr, "%s: %s\n", crm_prog, msg);
	print_usage(stderr, cmd);
	fprintf(stderr, "Try '%s --help' for more information.\n", crm_prog);
	exit(CRM_ERR);
}

int crm_getopt(int argc, char **argv, const struct crm_cmd *cmd,
	       struct crm_common *c, const char **arg)
{
	/* Built once per program from its table. */
	static struct option *longs;
	static char shorts[256];
	if (!longs) {
		/* the hidden options of the shell completions */
		complete_run(argc, argv, cmd);
		size_t n = 0;
		for (const struct crm_opt *o = cmd->opts; o->key || o->name; o++)
			n++;
		longs = xcalloc(n + 1, sizeof *longs);
		size_t k = 0, j = 0;
		shorts[j++] = ':';
		for (const struct crm_opt *o = cmd->opts; o->key || o->name; o++) {
			int has = !o->arg ? no_argument
				  : o->arg[0] == '=' ? optional_argument : required_argument;
			if (o->name)
				longs[k++] = (struct option){ o->name, has, NULL, o->key };
			if (o->key > 0 && o->key < 256 && j + 3 < sizeof shorts) {
				shorts[j++] = (char)o->key;
				if (has == required_argument)
					shorts[j++] = ':';
			}
		}
		shorts[j] = '\0';
		c->color = -1;
		opterr = 0;
	}
	for (;;) {
		int lidx = -1;
		int k = getopt_long(argc, argv, shorts, longs, &lidx);
		*arg = optarg;
		switch (k) {
		case -1:
			return -1;
		case '?': {
			char m[256];
			if (optopt && optopt < 256) {
				snprintf(m, sizeof m, "unknown option '-%c'", optopt);
			} else {
				/* the long options of the table, for a hint */
				const char *names[128];
				size_t n = 0;
				for (const struct crm_opt *o = cmd->opts; (o->key || o->name) && n < 128; o++)
					if (o->name)
						names[n++] = o->name;
				char word[64];
				const char *a = argv[optind - 1];
				snprintf(word, sizeof word, "%.*s", (int)strcspn(a + 2, "="), a + 2);
				snprintf(m, sizeof m, "unknown option '%.64s'%s", a,
					 suggest_hint(word, names, n, "--"));
			}
			crm_usage_error(cmd, m);
		}
		case ':': {
			char m[128];
			if (optopt && optopt < 256)
				snprintf(m, sizeof m, "option '-%c' needs a value", optopt);
			else
				snprintf(m, sizeof m, "option '%s' needs a value", argv[optind - 1]);
			crm_usage_error(cmd, m);
		}
		case 'h':
			crm_help(cmd);
			exit(CRM_OK);
		case 'V':
			printf("%s %s\n", crm_prog, CRM_VERSION);
			exit(CRM_OK);
		case 'd':
			c->dir = optarg;
			continue;
		case 'o':
			c->format = optarg;
			continue;
		case 'n':
			c->dry_run = true;
			continue;
		case OPT_STRICT:
			c->strict = true;
			continue;
		case OPT_CURRENCY:
			c->currency = *arg;
			continue;
		case OPT_SAFECSV:
			c->safe_csv = true;
			fmt_set_safe_csv(true);
			continue;
		case OPT_COLOR:
			if (!optarg || !strcmp(optarg, "always"))
				c->color = 1;
			else if (!strcmp(optarg, "never"))
				c->color = 0;
			else if (!strcmp(optarg, "auto"))
				c->color = -1;
			else
				crm_usage_error(cmd, "--color takes auto, always or never");
			continue;
		default:
			return k;
		}
	}
}

void crm_getopt_common(int *argc, char ***argv, const struct crm_cmd *cmd,
		       struct crm_common *c)
{
	const char *arg;
	while (crm_getopt(*argc, *argv, cmd, c, &arg) != -1)
		;
	*argc -= optind;
	*argv += optind;
}
