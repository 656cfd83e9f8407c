/* voids.c - the events voided by corrections */
#include "voids.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hist.h"
#include "lit.h"
#include "scan.h"
#include "util.h"

bool voids_note(struct voids *v, const struct proj *p)
{
	const struct pval *ref = &p->v[PJ_REF], *id = &p->v[PJ_ID];
	if (!pv_is(&p->v[PJ_TYPE], "void") || ref->kind != 's' || !ref->n)
		return false;
	hmap_put(&v->refs, ref->s, ref->n);
	if (id->kind == 's' && id->n)
		hmap_put(&v->own, id->s, id->n);
	return true;
}

bool voids_has(const struct voids *v, const char *id, size_t n)
{
	if (!v || !v->refs.n || hmap_get(&v->refs, id, n) < 0)
		return false;
	/* a void event is never cancelled */
	return hmap_get(&v->own, id, n) < 0;
}

int voids_load(struct voids *v, const struct crm_dir *d)
{
	struct stat st;
	if (fstatat(d->fd, INTERACTIONS, &st, 0) == 0 && !S_ISREG(st.st_mode))
		return 0;
	int fd = hist_fd(d);
	if (fd < 0)
		return fd == -1 ? 0 : -1;
	/* "void" itself, or an escape that could spell a letter of it */
	struct lit lits[2];
	lit_init(&lits[0], "void", 4);
	lit_init(&lits[1], "\\u", 2);
	struct hscan h;
	hscan_open(&h, fd, crm_path(d, INTERACTIONS));
	hscan_look(&h, lits, 2);
	struct proj p = { .skip = ~(1u << PJ_TYPE | 1u << PJ_ID | 1u << PJ_REF) };
	struct hscan_item it;
	int k;
	while ((k = hscan_next(&h, &it)) > 0) {
		char err[200];
		if (it.s && proj_line(&p, it.s, it.n, err, sizeof err) > 0)
			voids_note(v, &p);
	}
	proj_free(&p);
	hscan_close(&h);
	close(fd);
	return k < 0 ? -1 : 0;
}

/* The voids read, by directory descriptor and path: a program opens one
 * directory, now and then two (crm-merge's sides are files, not these). */
static struct cache {
	int fd;
	char *path;
	struct voids v;
	bool bad;
} cache[4];
static size_t ncache;

static void cache_free(void)
{
	for (size_t i = 0; i < ncache; i++) {
		voids_free(&cache[i].v);
		free(cache[i].path);
	}
	ncache = 0;
}

const struct voids *voids_of(const struct crm_dir *d)
{
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].fd == d->fd && !strcmp(cache[i].path, d->path))
			return cache[i].bad ? NULL : &cache[i].v;
	if (ncache == sizeof cache / sizeof cache[0]) {
		static struct voids fresh;
		voids_free(&fresh);
		return voids_load(&fresh, d) < 0 ? NULL : &fresh;
	}
	if (!ncache)
		atexit(cache_free);
	struct cache *c = &cache[ncache++];
	*c = (struct cache){ .fd = d->fd, .path = xstrdup(d->path) };
	c->bad = voids_load(&c->v, d) < 0;
	return c->bad ? NULL : &c->v;
}

void voids_free(struct voids *v)
{
	hmap_free(&v->refs);
	hmap_free(&v->own);
	memset(v, 0, sizeof *v);
}
