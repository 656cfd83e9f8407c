/* hmap.c - open addressing with linear probing */
#include "hmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

long hmap_get_hash(const struct hmap *m, const char *key, size_t n, uint64_t h)
{
	if (!m->cap)
		return -1;
	bool found;
	size_t j = find(m, key, n, h, &found);
	return found ? (long)m->slot[j].idx - 1 : -1;
}

long hmap_get(const struct hmap *m, const char *key, size_t n)
{
	return hmap_get_hash(m, key, n, hmap_hash(key, n));
}

uint32_t *hmap_word_of(struct hmap *m, const char *key, size_t n, uint64_t h)
{
	if (!m->cap)
		return NULL;
	bool found;
	size_t j = find(m, key, n, h, &found);
	return found ? &m->slot[j].word : NULL;
}

static void grow(struct hmap *m, size_t cap)
{
	struct hslot *slot = xcalloc(cap, sizeof *slot);
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
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
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
	free(m->slot);
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
