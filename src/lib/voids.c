/* voids.c - the events voided by corrections */
#include "voids.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hist.h"
#include "lit.h"
#include "merges.h"
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

/* A stretch of the history read for its bookkeeping events: the lines
 * that start in [from, to) (to -1: up to the end). */
struct stretch {
	int fd;
	const char *name;
	long long from, to;
	bool quiet;       /* a reader of the second half: reports nothing */
	struct lit lits[3];
	struct hscan h;
	struct proj p;
	struct voids v;
	struct merges m;
	struct hscan_item held; /* the first line past to, read already */
	bool holding;
	int got;          /* how the reading ended: 0 or -1 */
};

static void stretch_note(struct stretch *t, const struct hscan_item *it)
{
	char err[200];
	if (it->s && proj_line(&t->p, it->s, it->n, err, sizeof err) > 0 && !voids_note(&t->v, &t->p))
		merges_note(&t->m, &t->p);
}

/* Only the lines holding the word void or merge (or an escape that could
 * spell a letter of them) are parsed: about the cost of grep. */
static void stretch_open(struct stretch *t)
{
	lit_init(&t->lits[0], "void", 4);
	lit_init(&t->lits[1], "merge", 5);
	lit_init(&t->lits[2], "\\u", 2);
	hscan_open(&t->h, t->fd, t->name);
	t->h.b.quiet = t->quiet;
	t->h.off = t->from;
	hscan_look(&t->h, t->lits, 3);
	t->p = (struct proj){ .skip = ~(1u << PJ_TYPE | 1u << PJ_ID | 1u << PJ_REF | 1u << PJ_CUSTOMER) };
}

/* Read t's lines that start before t->to (every line to the end of the
 * file with to -1). The first line past to is held: a read on with to -1
 * starts with it. */
static void stretch_read(struct stretch *t)
{
	if (t->holding) {
		t->holding = false;
		stretch_note(t, &t->held);
	}
	int k;
	struct hscan_item it;
	while ((k = hscan_next(&t->h, &it)) > 0) {
		if (t->to >= 0 && it.s && it.off >= t->to) {
			t->held = it; /* valid until the next read of h */
			t->holding = true;
			break;
		}
		stretch_note(t, &it);
		if (t->to >= 0 && t->h.off >= t->to)
			break;
	}
	t->got = k < 0 ? -1 : 0;
}

static void *stretch_run(void *arg)
{
	stretch_read(arg);
	return NULL;
}

static void stretch_close(struct stretch *t)
{
	proj_free(&t->p);
	hscan_close(&t->h);
	voids_free(&t->v);
	merges_free(&t->m);
}

/* One pass over d's history for its bookkeeping events: the voids into v
 * and the merge records into m. A big file is read in two halves on two
 * threads (the second half quietly: should it fail, the first reads on to
 * the end, and reports what failed with its line).
 *
 * What the halves buy: the pass runs before every read of the history
 * that adds up (the events a void cancels are not counted). On the
 * bench's 1.2 GB history it took 0.38 s on one core, 0.18 s in halves:
 * crm-report activity went from 0.79 s to 0.65 s, revenue from 0.77 s to
 * 0.62 s. How it is checked: tests/history-reader.bats (HIST006) puts
 * voids, a voided event and a merge record in both halves of a big history
 * and checks what crm-report, crm-find and crm-log -l make of them, and
 * that the same events in a small history (one reader) give the same. */
static int marks_load(struct voids *v, struct merges *m, const struct crm_dir *d)
{
	struct stat st;
	if (fstatat(d->fd, INTERACTIONS, &st, 0) == 0 && !S_ISREG(st.st_mode))
		return 0;
	int fd = hist_fd(d);
	if (fd < 0)
		return fd == -1 ? 0 : -1;
	const char *name = crm_path(d, INTERACTIONS);
	struct stretch a = { .fd = fd, .name = name, .to = -1 }, b = { .fd = -1, .name = name, .to = -1 };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t th;
	bool two = false;
	if (fstat(fd, &st) == 0 && st.st_size > (32 << 20) && cores > 1) {
		off_t mid = scan_line_start(fd, st.st_size / 2, st.st_size);
		b.fd = hist_fd(d);
		if (mid < st.st_size && b.fd >= 0 && lseek(b.fd, mid, SEEK_SET) == mid) {
			a.to = b.from = mid;
			b.quiet = true;
			stretch_open(&b);
			two = pthread_create(&th, NULL, stretch_run, &b) == 0;
			if (!two)
				stretch_close(&b);
		}
		if (!two)
			a.to = -1;
	}
	stretch_open(&a);
	stretch_read(&a);
	if (two) {
		pthread_join(th, NULL);
		if (b.got < 0 && a.got == 0) {
			a.to = -1; /* read it again, reporting what fails */
			stretch_read(&a);
		} else if (a.got == 0) {
			voids_join(&a.v, &b.v);
			merges_join(&a.m, &b.m);
		}
		stretch_close(&b);
	}
	if (b.fd >= 0)
		close(b.fd);
	*v = a.v;
	*m = a.m;
	a.v = (struct voids){ 0 };
	a.m = (struct merges){ 0 };
	int got = a.got;
	stretch_close(&a);
	close(fd);
	return got;
}

/* The bookkeeping events read, by directory descriptor and path: a program
 * opens one directory, now and then two (crm-merge's sides are files, not
 * these). */
static struct cache {
	int fd;
	char *path;
	struct voids v;
	struct merges m;
	bool bad;
} cache[4], spare;
static size_t ncache;

static void cache_free(void)
{
	for (size_t i = 0; i < ncache; i++) {
		voids_free(&cache[i].v);
		merges_free(&cache[i].m);
		free(cache[i].path);
	}
	ncache = 0;
	voids_free(&spare.v);
	merges_free(&spare.m);
}

static const struct cache *marks_of(const struct crm_dir *d)
{
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].fd == d->fd && !strcmp(cache[i].path, d->path))
			return &cache[i];
	if (!ncache)
		atexit(cache_free);
	struct cache *c = &spare;
	if (ncache < sizeof cache / sizeof cache[0]) {
		c = &cache[ncache++];
		*c = (struct cache){ .fd = d->fd, .path = xstrdup(d->path) };
	} else {
		voids_free(&spare.v);
		merges_free(&spare.m);
	}
	c->bad = marks_load(&c->v, &c->m, d) < 0;
	return c;
}

const struct voids *voids_of(const struct crm_dir *d)
{
	const struct cache *c = marks_of(d);
	return c->bad ? NULL : &c->v;
}

const struct merges *voids_merges_of(const struct crm_dir *d)
{
	const struct cache *c = marks_of(d);
	return c->bad ? NULL : &c->m;
}

void voids_join(struct voids *v, const struct voids *other)
{
	const struct hmap *from[] = { &other->refs, &other->own };
	struct hmap *to[] = { &v->refs, &v->own };
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < from[k]->n; i++) {
			size_t n;
			const char *id = hmap_key(from[k], i, &n);
			hmap_put(to[k], id, n);
		}
}

void voids_free(struct voids *v)
{
	hmap_free(&v->refs);
	hmap_free(&v->own);
	memset(v, 0, sizeof *v);
}
