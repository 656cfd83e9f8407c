/* fieldset.h - the fields of a customer stream: its columns, then the
 * derived fields no column provides; values read through one accessor */
#ifndef CRM_FIELDSET_H
#define CRM_FIELDSET_H

#include <stdbool.h>
#include <stddef.h>

#include "derive.h"
#include "expr.h"
#include "rec.h"

struct fieldset {
	struct field *v;
	size_t n;          /* all fields */
	size_t ncols;      /* the first ncols are the stream's columns */
	int derived[D_N];  /* field index of each derived field, or -1 when a column has its name */
	struct derive *dv; /* set by fieldset_load when derived fields are used */
	struct dom_rates rates;
	long id_col;
};

/* Fields for a stream with header h: tags is a list, created and updated
 * dates, a column named like a derived field takes that field's kind. */
void fieldset_init(struct fieldset *fs, const struct hdr *h);
void fieldset_free(struct fieldset *fs);

/* The schema for expr_parse. */
struct schema fieldset_schema(const struct fieldset *fs);

/* Index of the field called name, or -1. */
long fieldset_index(const struct fieldset *fs, const char *name);
/* Die with "what: unknown field 'name' (known: ...)". */
_Noreturn void fieldset_unknown(const struct fieldset *fs, const char *what, const char *name);

/* The derive_load mask for the fields marked in used[] (n entries). */
unsigned fieldset_mask(const struct fieldset *fs, const bool *used);

/* Gather the derived fields marked in used[] plus those of extra (bits
 * 1 << D_...) from the history of d, up to until (crm_now() for "now":
 * a later event is not history yet), money in the base currency cur (NULL:
 * crm.conf's); what has no exchange rate is warned about once. Nothing is
 * read when no derived field is wanted. False when the history could not be
 * read (reported). */
bool fieldset_load(struct fieldset *fs, const struct crm_dir *d, const bool *used, unsigned extra,
		   const char *cur, crm_time until, bool strict);
/* True for the fields that are not in the raw record (derived ones). */
bool fieldset_is_derived(const struct fieldset *fs, size_t f);

/* The record being looked at, for fieldset_get. */
struct row_ctx {
	const struct fieldset *fs;
	const struct rec *r;
	char buf[D_N][40];
};

/* An expr_get: the value of field f of ctx's record. */
const char *fieldset_get(void *ctx, size_t f, size_t *len);

/* The ids of the customers of d's customers.csv for which the --where
 * expression text holds (fold: = and != ignore diacritics, -a), in file
 * order, into *ids (*n of them, each allocated; free them and *ids). Derived
 * fields are read from the history as of now. A bad expression is fatal
 * ("--where: 1:COL: message", exit CRM_ERR). Returns 0, or -1 after
 * reporting a read error or a test that could not be decided. */
int fieldset_where_ids(const struct crm_dir *d, const char *text, bool fold, bool strict,
		       char ***ids, size_t *n);

#endif
