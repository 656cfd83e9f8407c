/* auto.h - the rules of automations.conf (crm-auto): "NAME: when
 * CONDITION do ACTION [every DURATION]", one a line */
#ifndef CRM_AUTO_H
#define CRM_AUTO_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "expr.h"
#include "util.h"

/* The rules' file in the CRM directory. */
#define AUTOMATIONS "automations.conf"

/* The fields a condition may name besides a customer stream's (fieldset.h):
 * the current stage of the customer's last deal, and its RFM segment. */
#define AUTO_DEAL_STAGE "deal.stage"
#define AUTO_SEGMENT "segment"

/* What a rule does. */
enum auto_kind {
	AUTO_TASK, /* log a task: text, due, owner */
	AUTO_TAG,  /* add (or with untag take away) the tag text */
	AUTO_SET,  /* set the column field to text */
	AUTO_MAIL, /* mail the template text through crm-mail */
	AUTO_RUN   /* run the shell command text, the customer on its stdin */
};

struct auto_rule {
	char *name;
	long line;           /* where it starts in the file */
	struct expr *cond;
	enum auto_kind kind;
	char *text;          /* see enum auto_kind; may hold {{field}} and $field */
	char *field;         /* AUTO_SET: the column */
	bool untag;          /* AUTO_TAG: tag -X */
	char *due;           /* AUTO_TASK: when, as written (+2d, 2026-12-01) */
	char *owner;         /* AUTO_TASK: owner=X, or NULL */
	long long every;     /* seconds after which it may act again; 0: once */
};

/* Parse the rules of text[0..len) against the schema sc (now anchors the
 * relative dates of conditions and of due). A line is a rule, a comment
 * (# to its end, outside quotes) or blank; a backslash at the end of a line
 * continues it on the next. A rule is NAME: when CONDITION do ACTION
 * [every DURATION], ACTION one of task TEXT due WHEN [owner=X], tag +X,
 * tag -X, set FIELD=VALUE, mail TEMPLATE, run COMMAND; DURATION a whole
 * number of hours, days or weeks (12h, 30d, 2w). Fields named in texts
 * ({{field}}, $field; not in a command, which is the shell's) must be in
 * the schema. Returns 0 with the rules in
 * *v (*n of them), or -1 with the line of the first bad rule in *err_line
 * and the message in err (a field not known says which are near, as the
 * expression language does). */
int auto_parse(const char *text, size_t len, const struct schema *sc, crm_time now,
	       struct auto_rule **v, size_t *n, long *err_line, char *err, size_t err_size);
void auto_free(struct auto_rule *v, size_t n);

/* The value of a field of the customer being acted on: NULL when there is
 * no such field, else its text ("" when empty). */
typedef const char *(*auto_lookup)(void *ctx, const char *field);

/* Append s to out with each {{field}} and $field (a name of letters,
 * digits, '_' and '.') replaced by the field's value; $$ is a '$'. A field
 * look gives NULL for is left as written; returns false then, with its name
 * in *bad (a static buffer), else true. */
bool auto_expand(const char *s, auto_lookup look, void *ctx, struct sb *out, const char **bad);

/* The action of r as written (the text not expanded): "tag +vip",
 * "task 'Onboarding call' due +2d owner=$owner". */
void auto_describe(const struct auto_rule *r, struct sb *out);

#endif
