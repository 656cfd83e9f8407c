/* custmerge.c - merging duplicate customers */
#include "custmerge.h"

#include <string.h>

#include "date.h"
#include "tags.h"

static bool merge_skips(const char *col)
{
	return !strcmp(col, "id") || !strcmp(col, "tags") || !strcmp(col, "created") ||
	       !strcmp(col, "updated");
}

static void merge_fields(struct ctable *t, long keep, const long *drop, size_t n, struct sb *log)
{
	size_t ci = (size_t)ctable_col(t, "id");
	for (size_t c = 0; c < t->hdr.n; c++) {
		const char *col = t->hdr.name[c];
		if (merge_skips(col))
			continue;
		for (size_t j = 0; j < n; j++) {
			struct rec *k = &t->rows[keep], *d = &t->rows[drop[j]];
			const char *v = rec_get(d, c);
			if (!*v || !strcmp(v, rec_get(k, c)))
				continue;
			if (cust_merge_fills(col, rec_get(k, c), v)) {
				sb_printf(log, "  %s: '%s' from %s\n", col, v, rec_get(d, ci));
				rec_set(k, c, v, rec_len(d, c));
			} else {
				sb_printf(log, "  %s: '%s' of %s dropped, '%s' kept\n", col, v,
					  rec_get(d, ci), rec_get(k, c));
			}
		}
	}
}

static void merge_tags(struct ctable *t, long keep, const long *drop, size_t n, struct sb *log)
{
	long c = ctable_col(t, "tags");
	if (c < 0)
		return;
	struct rec *k = &t->rows[keep];
	struct sb tags = { 0 };
	sb_adds(&tags, rec_get(k, (size_t)c));
	for (size_t j = 0; j < n; j++)
		tags_merge(&tags, rec_get(&t->rows[drop[j]], (size_t)c));
	if (strcmp(sb_str(&tags), rec_get(k, (size_t)c))) {
		sb_printf(log, "  tags: '%s' -> '%s'\n", rec_get(k, (size_t)c), sb_str(&tags));
		rec_set(k, (size_t)c, sb_str(&tags), tags.len);
	}
	sb_free(&tags);
}

static void merge_created(struct ctable *t, long keep, const long *drop, size_t n,
			  struct sb *log)
{
	long c = ctable_col(t, "created");
	if (c < 0)
		return;
	size_t ci = (size_t)ctable_col(t, "id");
	struct rec *k = &t->rows[keep];
	crm_time best;
	bool have = date_parse(rec_get(k, (size_t)c), &best);
	long from = -1;
	for (size_t j = 0; j < n; j++) {
		crm_time when;
		if (date_parse(rec_get(&t->rows[drop[j]], (size_t)c), &when) && (!have || when < best)) {
			best = when;
			have = true;
			from = drop[j];
		}
	}
	if (from < 0)
		return;
	const struct rec *d = &t->rows[from];
	sb_printf(log, "  created: '%s' -> '%s' from %s\n", rec_get(k, (size_t)c),
		  rec_get(d, (size_t)c), rec_get(d, ci));
	rec_set(k, (size_t)c, rec_get(d, (size_t)c), rec_len(d, (size_t)c));
}

void cust_merge(struct ctable *t, long keep, const long *drop, size_t n, const char *now,
		struct sb *log)
{
	merge_fields(t, keep, drop, n, log);
	merge_tags(t, keep, drop, n, log);
	merge_created(t, keep, drop, n, log);
	size_t cu = ctable_col_add(t, "updated");
	rec_set(&t->rows[keep], cu, now, strlen(now));
	for (size_t j = 0; j < n; j++)
		t->rows[drop[j]].gone = true;
}

bool cust_merge_fills(const char *col, const char *have, const char *v)
{
	return !merge_skips(col) && *v && !*have;
}
