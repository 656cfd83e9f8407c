/* hmap.c - open addressing with linear probing, FNV-1a hashes */
#include "hmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	/* a final mix (MurmurHash3's) so that the low bits depend on every byte */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* A slot holds the top of the hash as a tag, so that most probes that do
 * not match are told without reading the key. */
#define TAG(h) ((h) >> 32 << 32)
#define IDX(s) ((size_t)((s) & 0xFFFFFFFFu))

static bool same(const struct hmap *m, size_t i, const char *key, size_t n)
{
	return m->len[i] == n && !memcmp(m->keys.s + m->off[i], key, n);
}

long hmap_get(const struct hmap *m, const char *key, size_t n)
{
	if (!m->cap)
		return -1;
	size_t mask = m->cap - 1;
	uint64_t h = hash(key, n), tag = TAG(h);
	for (size_t j = h & mask;; j = (j + 1) & mask) {
		uint64_t s = m->slot[j];
		if (!s)
			return -1;
		if ((s & ~0xFFFFFFFFull) == tag && same(m, IDX(s) - 1, key, n))
			return (long)(IDX(s) - 1);
	}
}

static void grow(struct hmap *m, size_t cap)
{
	uint64_t *slot = xcalloc(cap, sizeof *slot);
	for (size_t i = 0; i < m->n; i++) {
		uint64_t h = hash(m->keys.s + m->off[i], m->len[i]);
		size_t j = h & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = TAG(h) | (i + 1);
	}
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
}

size_t hmap_put(struct hmap *m, const char *key, size_t n)
{
	long i = hmap_get(m, key, n);
	if (i >= 0)
		return (size_t)i;
	if ((m->n + 1) * 2 > m->cap)
		grow(m, m->cap ? m->cap * 2 : 1024);
	if (m->n >= 0xFFFFFFFEu)
		crm_diex("too many keys");
	if (m->n == m->ocap) {
		void *p = m->off;
		size_t c = m->ocap;
		xgrow(&p, &c, m->n + 1, sizeof *m->off);
		m->off = p;
		m->len = xrealloc(m->len, c * sizeof *m->len);
		m->ocap = c;
	}
	m->off[m->n] = m->keys.len;
	m->len[m->n] = n;
	sb_add(&m->keys, key, n);
	uint64_t h = hash(key, n);
	size_t j = h & (m->cap - 1);
	while (m->slot[j])
		j = (j + 1) & (m->cap - 1);
	m->slot[j] = TAG(h) | (m->n + 1);
	return m->n++;
}

void hmap_reserve(struct hmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 1024;
	while (cap < 2 * n)
		cap *= 2;
	if (cap > m->cap)
		grow(m, cap);
	if (n > m->ocap) {
		m->off = xrealloc(m->off, n * sizeof *m->off);
		m->len = xrealloc(m->len, n * sizeof *m->len);
		m->ocap = n;
	}
}

const char *hmap_key(const struct hmap *m, size_t i, size_t *n)
{
	*n = m->len[i];
	return m->keys.s + m->off[i];
}

void hmap_free(struct hmap *m)
{
	free(m->slot);
	free(m->off);
	free(m->len);
	sb_free(&m->keys);
	memset(m, 0, sizeof *m);
}
