/* fieldset.c - columns and derived fields behind one accessor */
#include "fieldset.h"

#include <stdlib.h>
#include <string.h>

#include "cust.h"
#include "suggest.h"
#include "util.h"

void fieldset_init(struct fieldset *fs, const struct hdr *h)
{
	memset(fs, 0, sizeof *fs);
	fs->v = xcalloc(h->n + D_N, sizeof *fs->v);
	for (size_t i = 0; i < h->n; i++) {
		const char *n = h->name[i];
		enum field_kind k = !strcmp(n, "tags") ? FK_LIST
				    : !strcmp(n, "created") || !strcmp(n, "updated") ? FK_DATE
										     : FK_TEXT;
		fs->v[fs->n++] = (struct field){ n, k };
	}
	fs->ncols = fs->n;
	fs->id_col = hdr_find(h, "id");
	for (int d = 0; d < D_N; d++) {
		long c = hdr_find(h, derive_fields[d].name);
		if (c >= 0) {
			fs->derived[d] = -1;
			fs->v[c].kind = derive_fields[d].kind;
			continue;
		}
		fs->derived[d] = (int)fs->n;
		fs->v[fs->n++] = derive_fields[d];
	}
}

void fieldset_free(struct fieldset *fs)
{
	free(fs->v);
	derive_free(fs->dv);
	dom_rates_free(&fs->rates);
	memset(fs, 0, sizeof *fs);
}

bool fieldset_load(struct fieldset *fs, const struct crm_dir *d, const bool *used, unsigned extra,
		   const char *cur, crm_time until, bool strict)
{
	unsigned mask = fieldset_mask(fs, used) | extra;
	if (!mask)
		return true;
	dom_rates_load(&fs->rates, d, cur);
	struct derive_opts o = { .mask = mask, .since = INT64_MIN, .until = until,
				 .rates = &fs->rates, .strict = strict, .lookups = true };
	fs->dv = derive_load(d, &o);
	if (!fs->dv)
		return false;
	dom_rates_warn(&fs->rates);
	return true;
}

struct schema fieldset_schema(const struct fieldset *fs)
{
	return (struct schema){ fs->v, fs->n, false };
}

long fieldset_index(const struct fieldset *fs, const char *name)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].name, name))
			return (long)i;
	return -1;
}

void fieldset_unknown(const struct fieldset *fs, const char *what, const char *name)
{
	struct sb b = { 0 };
	const char **names = xcalloc(fs->n + 1, sizeof *names);
	for (size_t i = 0; i < fs->n; i++)
		names[i] = fs->v[i].name;
	if (suggest(name, names, fs->n, "", &b))
		crm_diex("%s: unknown field '%s' (did you mean %s?)", what, name, sb_str(&b));
	for (size_t i = 0; i < fs->n; i++)
		sb_printf(&b, "%s%s", i ? ", " : "", names[i]);
	crm_diex("%s: unknown field '%s' (known: %s)", what, name, sb_str(&b));
}

unsigned fieldset_mask(const struct fieldset *fs, const bool *used)
{
	unsigned mask = 0;
	for (int d = 0; d < D_N; d++)
		if (fs->derived[d] >= 0 && used[fs->derived[d]])
			mask |= 1u << d;
	return mask;
}

bool fieldset_is_derived(const struct fieldset *fs, size_t f)
{
	return f >= fs->ncols;
}

const char *fieldset_get(void *ctx, size_t f, size_t *len)
{
	struct row_ctx *c = ctx;
	if (f < c->fs->ncols) {
		*len = rec_len(c->r, f);
		return rec_get(c->r, f);
	}
	for (int d = 0; d < D_N; d++)
		if (c->fs->derived[d] == (int)f) {
			if (!c->fs->dv || c->fs->id_col < 0) {
				*len = 0;
				return "";
			}
			const char *id = rec_get(c->r, (size_t)c->fs->id_col);
			return derive_get(c->fs->dv, id, strlen(id), (enum dfield)d, c->buf[d], len);
		}
	*len = 0;
	return "";
}

int fieldset_where_ids(const struct crm_dir *d, const char *text, bool fold, bool strict,
		       char ***ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	struct recin in;
	if (recin_open(&in, d, false, strict) < 0)
		return -1;
	struct fieldset fs;
	fieldset_init(&fs, &in.hdr);
	struct schema sc = fieldset_schema(&fs);
	sc.fold = fold;
	char err[2048];
	struct expr *e = expr_parse(text, &sc, crm_now(), err, sizeof err);
	if (!e)
		crm_diex("--where: 1:%s", err);
	bool *used = xcalloc(fs.n ? fs.n : 1, sizeof *used);
	expr_fields(e, used);
	bool ok = fieldset_load(&fs, d, used, 0, NULL, crm_now(), strict);
	free(used);
	int rc = ok ? 0 : -1;
	size_t cap = 0;
	struct rec r = { 0 };
	int got = 0;
	while (ok && fs.id_col >= 0 && (got = recin_next(&in, &r)) > 0) {
		struct row_ctx rc_ = { .fs = &fs, .r = &r };
		const char *why;
		if (!expr_eval(e, fieldset_get, &rc_, &why)) {
			if (!why)
				continue;
			crm_dataerr(in.name, r.line, "customer %s: --where: %s",
				    rec_get(&r, (size_t)fs.id_col), why);
			got = -1;
			break;
		}
		xgrow((void **)ids, &cap, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = xstrdup(rec_get(&r, (size_t)fs.id_col));
	}
	if (got < 0)
		rc = -1;
	rec_free(&r);
	expr_free(e);
	fieldset_free(&fs);
	recin_close(&in);
	return rc;
}
