/* hmap.c - open addressing with linear probing */
#include "hmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Eight bytes at a time (ids are 13 bytes: two steps), then a final mix
 * (MurmurHash3's) so that the low bits depend on every byte. */
uint64_t hmap_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (n) {
		uint64_t w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 32;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

#define INLINE sizeof ((struct hslot *)0)->k.in

static const char *key_of(const struct hmap *m, const struct hslot *s)
{
	return s->len <= INLINE ? s->k.in : m->keys.s + s->k.off;
}

/* Whether slot s holds key[0..n), whose hash is h. A key of 8 to 16
 * bytes in place is compared in two loads that may overlap. */
static inline bool same(const struct hmap *m, const struct hslot *s, const char *key, size_t n,
			uint64_t h)
{
	if (s->h != (uint32_t)h || s->len != n)
		return false;
	if (n >= 8 && n <= INLINE) {
		uint64_t a, b, c, d;
		memcpy(&a, key, 8), memcpy(&b, s->k.in, 8);
		memcpy(&c, key + n - 8, 8), memcpy(&d, s->k.in + n - 8, 8);
		return a == b && c == d;
	}
	return !memcmp(key_of(m, s), key, n);
}

/* The slot of key, given its hash: where it is (*found) or would go. */
static size_t find(const struct hmap *m, const char *key, size_t n, uint64_t h, bool *found)
{
	size_t mask = m->cap - 1;
	for (size_t j = h & mask;; j = (j + 1) & mask) {
		const struct hslot *s = &m->slot[j];
		if (!s->idx || same(m, s, key, n, h)) {
			*found = s->idx != 0;
			return j;
		}
	}
}

long hmap_get(const struct hmap *m, const char *key, size_t n)
{
	if (!m->cap)
		return -1;
	bool found;
	size_t j = find(m, key, n, hmap_hash(key, n), &found);
	return found ? (long)m->slot[j].idx - 1 : -1;
}

uint32_t *hmap_word_of(struct hmap *m, const char *key, size_t n, uint64_t h)
{
	if (!m->cap)
		return NULL;
	bool found;
	size_t j = find(m, key, n, h, &found);
	return found ? &m->slot[j].word : NULL;
}

/* A table of 2 MiB or more lives in address space reserved for it and
 * for its growth (256 times its size, up to 64 GiB), on a 2 MiB boundary:
 * its pages are advised onto huge pages, and it grows in place, so that a
 * growth asks the kernel only for the pages added (a fresh page costs more
 * than the moves on some virtual machines, and pages freed and taken again
 * are fresh to them). */
#define BIG ((size_t)2 << 20)

/* Make the n reserved bytes at a usable, on huge pages where the kernel
 * has them (advice that an older kernel ignores). */
static void commit(char *a, size_t n)
{
	if (mprotect(a, n, PROT_READ | PROT_WRITE))
		crm_die("out of memory");
#ifdef MADV_HUGEPAGE
	madvise(a, n, MADV_HUGEPAGE);
#endif
}

static struct hslot *reserve(size_t bytes, size_t *span)
{
	const size_t most = (size_t)64 << 30;
	size_t want = bytes < most / 256 ? bytes * 256 : bytes < most ? most : bytes;
	char *p = mmap(NULL, want + BIG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED && want > bytes) {
		/* no room to grow (ulimit -v): the table alone, copied when it grows */
		want = bytes;
		p = mmap(NULL, want + BIG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	if (p == MAP_FAILED)
		crm_die("out of memory");
	char *a = (char *)(((uintptr_t)p + BIG - 1) & ~(uintptr_t)(BIG - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + want, (size_t)(p + want + BIG - (a + want)));
	commit(a, bytes);
	*span = want;
	return (struct hslot *)a;
}

static void release(struct hslot *t, size_t span)
{
	if (span)
		munmap(t, span);
	else
		free(t);
}

/* Every key of the table, just made cap slots long from old, put again
 * where the longer mask places it. The old slots are taken a cluster at a
 * time (a run of full slots, the first run starting after an empty slot):
 * a cluster is emptied, then its keys put back. A key's new place is its
 * old home plus a multiple of the old size, so a cluster's keys land in
 * the images of its own span, which no other cluster's keys reach, and
 * never past a full slot that is yet to be emptied. */
static void rehash_in_place(struct hmap *m, size_t old)
{
	struct hslot *t = m->slot;
	size_t cap = m->cap, e = 0;
	while (t[e].idx)
		e++; /* there is one: the map is at most 3/4 full */
	struct hslot little[32], *run = little;
	size_t rcap = sizeof little / sizeof *little;
	for (size_t k = 1; k < old;) {
		if (!t[(e + k) & (old - 1)].idx) {
			k++;
			continue;
		}
		size_t len = 1;
		while (k + len < old && t[(e + k + len) & (old - 1)].idx)
			len++;
		if (len > rcap) {
			if (run != little)
				free(run);
			rcap = len;
			run = xmalloc(rcap * sizeof *run);
		}
		for (size_t q = 0; q < len; q++) {
			struct hslot *s = &t[(e + k + q) & (old - 1)];
			run[q] = *s;
			*s = (struct hslot){ 0 };
		}
		for (size_t q = 0; q < len; q++) {
			size_t j = run[q].h & (cap - 1);
			while (t[j].idx)
				j = (j + 1) & (cap - 1);
			t[j] = run[q];
			if (m->at)
				m->at[run[q].idx - 1] = (uint32_t)j;
		}
		k += len;
	}
	if (run != little)
		free(run);
}

static void grow(struct hmap *m, size_t cap)
{
	size_t bytes = cap * sizeof *m->slot, had = m->cap * sizeof *m->slot;
	if (m->span >= bytes) {
		commit((char *)m->slot + had, bytes - had);
		size_t old = m->cap;
		m->cap = cap;
		rehash_in_place(m, old);
		return;
	}
	size_t span = 0;
	struct hslot *slot = bytes < BIG ? xcalloc(cap, sizeof *slot) : reserve(bytes, &span);
	for (size_t i = 0; i < m->cap; i++) {
		const struct hslot *s = &m->slot[i];
		if (!s->idx)
			continue;
		size_t j = s->h & (cap - 1);
		while (slot[j].idx)
			j = (j + 1) & (cap - 1);
		slot[j] = *s;
		if (m->at)
			m->at[s->idx - 1] = (uint32_t)j;
	}
	release(m->slot, m->span);
	m->slot = slot;
	m->cap = cap;
	m->span = span;
}

/* The slot of key, added when missing. */
static struct hslot *put(struct hmap *m, const char *key, size_t n, uint64_t h)
{
	size_t j = 0;
	if (m->cap) {
		bool found;
		j = find(m, key, n, h, &found);
		if (found)
			return &m->slot[j];
	}
	/* the low 32 bits of the hash place a key: 2^32 slots at most */
	if (m->n >= (size_t)3 << 30 || n > UINT32_MAX)
		crm_diex("too many keys");
	if (m->n == m->acap && !m->words_only) {
		void *p = m->at;
		xgrow(&p, &m->acap, m->n + 1, sizeof *m->at);
		m->at = p;
	}
	if ((m->n + 1) * 4 > m->cap * 3) {
		grow(m, m->cap ? m->cap * 2 : 1024);
		for (j = h & (m->cap - 1); m->slot[j].idx; j = (j + 1) & (m->cap - 1))
			;
	}
	struct hslot *s = &m->slot[j];
	s->h = (uint32_t)h;
	s->idx = (uint32_t)m->n + 1;
	s->len = (uint32_t)n;
	s->word = 0;
	if (n <= INLINE) {
		memcpy(s->k.in, key, n);
	} else {
		s->k.off = m->keys.len;
		sb_add(&m->keys, key, n);
	}
	if (m->at)
		m->at[m->n] = (uint32_t)j;
	m->n++;
	return s;
}

size_t hmap_put_hash(struct hmap *m, const char *key, size_t n, uint64_t h)
{
	return put(m, key, n, h)->idx - 1;
}

uint32_t *hmap_word(struct hmap *m, const char *key, size_t n, uint64_t h)
{
	return &put(m, key, n, h)->word;
}

size_t hmap_put(struct hmap *m, const char *key, size_t n)
{
	return hmap_put_hash(m, key, n, hmap_hash(key, n));
}

void hmap_reserve(struct hmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 1024;
	while (cap * 3 < 4 * n)
		cap *= 2;
	if (n > m->acap && !m->words_only) {
		m->at = xrealloc(m->at, n * sizeof *m->at);
		m->acap = n;
	}
	if (cap > m->cap)
		grow(m, cap);
}

bool hmap_walk(const struct hmap *m, size_t *pos, struct hwalk *w)
{
	for (; *pos < m->cap; ++*pos) {
		const struct hslot *s = &m->slot[*pos];
		if (s->idx) {
			*w = (struct hwalk){ s->idx - 1, key_of(m, s), s->len, s->h, s->word };
			++*pos;
			return true;
		}
	}
	return false;
}

const char *hmap_key(const struct hmap *m, size_t i, size_t *n)
{
	const struct hslot *s = &m->slot[m->at[i]];
	*n = s->len;
	return key_of(m, s);
}

void hmap_free(struct hmap *m)
{
	release(m->slot, m->span);
	free(m->at);
	sb_free(&m->keys);
	memset(m, 0, sizeof *m);
}

void hmap_put_row(struct hmap *m, long **rows, size_t *cap, const char *key, size_t n, long row)
{
	bool known = hmap_get(m, key, n) >= 0;
	size_t i = hmap_put(m, key, n);
	void *p = *rows;
	xgrow(&p, cap, i + 1, sizeof **rows);
	*rows = p;
	if (!known)
		(*rows)[i] = row;
	else if ((*rows)[i] != row)
		(*rows)[i] = -2;
}

long hmap_get_row(const struct hmap *m, const long *rows, const char *key, size_t n)
{
	long i = hmap_get(m, key, n);
	return i < 0 ? -1 : rows[i];
}
