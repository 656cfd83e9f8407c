/* opt.h - declarative option tables: one table gives the parser and --help */
#ifndef CRM_OPT_H
#define CRM_OPT_H

#include <getopt.h>
#include <stdbool.h>

/* One option. key is the short letter, or a code >= 256 for a long-only
 * option. arg names the argument ("DIR") or is NULL for a flag; an arg that
 * starts with '=' is optional and must be attached (--color=WHEN). */
struct crm_opt {
	int key;
	const char *name;
	const char *arg;
	const char *help;
};

/* A program: its usage lines (one per form, without the program name), a
 * one-line description, and its options, ending with a zero entry. */
struct crm_cmd {
	const char *usage;
	const char *about;
	const struct crm_opt *opts;
	/* what the exit statuses mean, as the manual says: "0 ..., 1 ..., 2
	 * ..."; NULL for the toolkit's usual ones (CRM_EXITS) */
	const char *exits;
};

#define CRM_EXITS "0 done, 1 nothing matched or nothing to do, 2 error"

/* Codes of the long-only options every program may share. */
enum {
	OPT_COLOR = 256,
	OPT_STRICT,
	OPT_SAFECSV,
	OPT_CURRENCY,
	OPT_FIRST_LOCAL = 300 /* programs number their own long-only options from here */
};

/* The common options, as table entries a program lists in its own table. */
#define CRM_OPT_DIR { 'd', "dir", "DIR", "use the CRM directory DIR" }
#define CRM_OPT_FORMAT { 'o', "format", "FORMAT", "output format: csv, tsv, jsonl, json, table, md, html" }
/* ... of a program whose output is customers */
#define CRM_OPT_FORMAT_CUSTOMERS \
	{ 'o', "format", "FORMAT", "output format: csv, tsv, jsonl, json, table, md, html, vcard" }
#define CRM_OPT_DRYRUN { 'n', "dry-run", NULL, "show what would change, change nothing" }
#define CRM_OPT_COLOR { OPT_COLOR, "color", "=WHEN", "colour the table: auto, always, never" }
#define CRM_OPT_STRICT { OPT_STRICT, "strict", NULL, "make a bad line of JSON Lines input fatal" }
#define CRM_OPT_SAFECSV { OPT_SAFECSV, "safe-csv", NULL, "with -o csv or tsv: quote cells a spreadsheet would run as formulas" }
#define CRM_OPT_CURRENCY { OPT_CURRENCY, "currency", "CUR", "money in this currency, converted with the crm.conf rates (default: crm.conf currency)" }
#define CRM_OPT_HELP { 'h', "help", NULL, "show this help and exit" }
#define CRM_OPT_VERSION { 'V', "version", NULL, "show the version and exit" }
#define CRM_OPT_END { 0, NULL, NULL, NULL }
/* The end of a table: the options every program that reads has, and those
 * of a program that writes (no colour: it prints no table). */
#define CRM_OPTS_READER CRM_OPT_DIR, CRM_OPT_COLOR, CRM_OPT_STRICT, CRM_OPT_HELP, CRM_OPT_VERSION, CRM_OPT_END
#define CRM_OPTS_WRITER CRM_OPT_DIR, CRM_OPT_STRICT, CRM_OPT_HELP, CRM_OPT_VERSION, CRM_OPT_END

/* The settings the common options set. */
struct crm_common {
	const char *dir;     /* -d */
	const char *format;  /* -o, NULL when not given */
	int color;           /* -1 auto, 0 never, 1 always */
	bool dry_run;        /* -n */
	bool strict;         /* --strict */
	bool safe_csv;       /* --safe-csv (also passed on to fmt_set_safe_csv) */
	const char *currency; /* --currency, NULL when not given */
};

/* Parse the next option of argv against cmd, like getopt_long. Returns the
 * key, or -1 at the end of the options (then *optind_out is the first
 * operand). A first argument --complete-options, --complete-commands or
 * --complete-values is answered for the shell completions (complete.h,
 * complete_run) and exits. The common options (-d -o -n --color --strict --safe-csv
 * --currency -h -V) are handled
 * here, stored into *c, and not returned; -h prints the help to stdout and
 * exits 0; a bad option prints the usage to stderr and exits CRM_ERR. */
int crm_getopt(int argc, char **argv, const struct crm_cmd *cmd,
	       struct crm_common *c, const char **arg);

/* For a program with only the common options: parse them all into *c and
 * leave *argc and *argv at the operands. */
void crm_getopt_common(int *argc, char ***argv, const struct crm_cmd *cmd,
		       struct crm_common *c);

/* Print the usage lines to stderr (with msg first, when not NULL) and exit CRM_ERR. */
_Noreturn void crm_usage_error(const struct crm_cmd *cmd, const char *msg);

/* Print the full help of cmd to stdout. */
void crm_help(const struct crm_cmd *cmd);

#endif
