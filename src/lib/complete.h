/* complete.h - what the shell completions ask the programs: the hidden
 * options --complete-options, --complete-commands and --complete-values,
 * answered from the option table and the CRM directory */
#ifndef CRM_COMPLETE_H
#define CRM_COMPLETE_H

#include <stdbool.h>

#include "opt.h"

/* A program's own candidates, for the kinds only it knows: fn prints
 * "VALUE\tDESCRIPTION" lines of kind (COMMAND: its sub-commands; SEGMENT:
 * segment names besides those of segments.conf) that start with prefix
 * (any case). */
typedef void complete_fn(const char *kind, const char *prefix);
void complete_extra(complete_fn *fn);

/* The kind of the value of option o, from the name of its argument in the
 * table (and, where one name means two things, its long name): "none" for
 * a flag, else a word such as DIR, FILE, FORMAT, CUSTOMER, FIELD, FIELDS,
 * SORT, EXPR, TYPE, STAGE, SEGMENT, TASK, RULE, COUNTRY, USER, TAG, SET, DATE, N
 * (the argument's own name when no rule renames it). */
const char *complete_kind(const struct crm_opt *o);

/* When argv[1] is one of the hidden options, answer it on stdout and exit
 * 0 (else return):
 *   --complete-options: one line per option of cmd,
 *     "SHORT\tLONG\tKIND\tHELP" (SHORT a letter or '-', LONG a name or '-',
 *     KIND as complete_kind, with '=' before it when the value must be
 *     attached: --color=WHEN);
 *   --complete-commands: the sub-commands, "NAME\tDESCRIPTION" a line;
 *   --complete-values WHAT [PREFIX] [-d DIR]: the candidates for the value
 *     of option WHAT (-o, --stage) or of kind WHAT (CUSTOMER, TASK, EXPR...)
 *     that start with PREFIX (any case), "VALUE\tDESCRIPTION" a line
 *     (DESCRIPTION may be empty). Data comes from the CRM directory found as
 *     the programs find it (-d DIR, $CRM_DIR, the parents); without one
 *     there are no data candidates. For EXPR and FIELDS the candidates are
 *     the whole word, PREFIX with its last part completed. */
void complete_run(int argc, char **argv, const struct crm_cmd *cmd);

#endif
