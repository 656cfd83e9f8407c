/* merges.c - following merge records from an id to the customer it is now */
#include "merges.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hist.h"
#include "lit.h"
#include "scan.h"
#include "voids.h"

void merges_add(struct merges *m, const char *keep, size_t kn, const char *drop, size_t dn)
{
	if (!kn || !dn || (kn == dn && !memcmp(keep, drop, kn)))
		return;
	size_t i = hmap_put(&m->from, drop, dn);
	void *p = m->to;
	xgrow(&p, &m->cap, i + 1, sizeof *m->to);
	m->to = p;
	m->to[i] = m->keeps.len;
	sb_add(&m->keeps, keep, kn);
	sb_addc(&m->keeps, '\0');
}

bool merges_note(struct merges *m, const struct proj *p)
{
	const struct pval *keep = &p->v[PJ_CUSTOMER], *drop = &p->v[PJ_REF];
	if (!pv_is(&p->v[PJ_TYPE], "merge") || keep->kind != 's' || drop->kind != 's' || !keep->n ||
	    !drop->n)
		return false;
	merges_add(m, keep->s, keep->n, drop->s, drop->n);
	return true;
}

void merges_join(struct merges *m, const struct merges *later)
{
	for (size_t i = 0; i < later->from.n; i++) {
		size_t dn;
		const char *drop = hmap_key(&later->from, i, &dn);
		const char *keep = later->keeps.s + later->to[i];
		merges_add(m, keep, strlen(keep), drop, dn);
	}
}

const char *merges_now(const struct merges *m, const char *id, size_t n, size_t *len)
{
	*len = n;
	if (!m->from.n)
		return id;
	/* a chain visits each record once at most: more steps is a loop */
	for (size_t step = 0; step <= m->from.n; step++) {
		long i = hmap_get(&m->from, id, n);
		if (i < 0)
			break;
		id = m->keeps.s + m->to[i];
		n = strlen(id);
	}
	*len = n;
	return id;
}

bool merges_is(const struct merges *m, const char *id, size_t n, const char *keep, size_t kn)
{
	size_t l;
	const char *now = merges_now(m, id, n, &l);
	return l == kn && !memcmp(now, keep, kn);
}

char **merges_into(const struct merges *m, const char *keep, size_t *n)
{
	char **v = xcalloc(m->from.n + 1, sizeof *v);
	size_t kn = strlen(keep);
	*n = 0;
	for (size_t i = 0; i < m->from.n; i++) {
		size_t dn;
		const char *drop = hmap_key(&m->from, i, &dn);
		if (!(dn == kn && !memcmp(drop, keep, kn)) && merges_is(m, drop, dn, keep, kn))
			v[(*n)++] = xstrndup(drop, dn);
	}
	return v;
}

int merges_load(struct merges *m, const struct crm_dir *d)
{
	/* read with the voids, in one pass */
	const struct merges *all = voids_merges_of(d);
	if (!all)
		return -1;
	merges_join(m, all);
	return 0;
}

void merges_free(struct merges *m)
{
	hmap_free(&m->from);
	free(m->to);
	sb_free(&m->keeps);
	memset(m, 0, sizeof *m);
}
