/* hmap.c - open addressing with linear probing */
#include "hmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Eight bytes at a time (ids are 13 bytes: two steps), then a final mix
 * (MurmurHash3's) so that the low bits depend on every byte. */
static uint64_t hash(const char *s, size_t n)
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

/* A slot holds the top of the hash as a tag, so that most probes that do
 * not match are told without reading the key. */
#define TAG(h) ((h) >> 32 << 32)
#define IDX(s) ((size_t)((s) & 0xFFFFFFFFu))

#define INLINE sizeof ((struct hkey *)0)->in

static const char *key_of(const struct hmap *m, const struct hkey *k)
{
	return k->len <= INLINE ? k->in : m->keys.s + k->off;
}

static bool same(const struct hmap *m, size_t i, const char *key, size_t n)
{
	const struct hkey *k = &m->k[i];
	return k->len == n && !memcmp(key_of(m, k), key, n);
}

/* The index of key, or -1, given its hash; *free is the empty slot where
 * it would go. */
static long find(const struct hmap *m, const char *key, size_t n, uint64_t h, size_t *free)
{
	size_t mask = m->cap - 1;
	uint64_t tag = TAG(h);
	for (size_t j = h & mask;; j = (j + 1) & mask) {
		uint64_t s = m->slot[j];
		if (!s) {
			*free = j;
			return -1;
		}
		if ((s & ~0xFFFFFFFFull) == tag && same(m, IDX(s) - 1, key, n))
			return (long)(IDX(s) - 1);
	}
}

long hmap_get(const struct hmap *m, const char *key, size_t n)
{
	size_t j;
	return m->cap ? find(m, key, n, hash(key, n), &j) : -1;
}

static void grow(struct hmap *m, size_t cap)
{
	uint64_t *slot = xcalloc(cap, sizeof *slot);
	for (size_t i = 0; i < m->n; i++) {
		uint64_t h = hash(key_of(m, &m->k[i]), m->k[i].len);
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
	uint64_t h = hash(key, n);
	size_t j = 0;
	if (m->cap) {
		long i = find(m, key, n, h, &j);
		if (i >= 0)
			return (size_t)i;
	}
	if ((m->n + 1) * 2 > m->cap) {
		grow(m, m->cap ? m->cap * 2 : 1024);
		for (j = h & (m->cap - 1); m->slot[j]; j = (j + 1) & (m->cap - 1))
			;
	}
	if (m->n >= 0xFFFFFFFEu || n > UINT32_MAX)
		crm_diex("too many keys");
	if (m->n == m->kcap) {
		void *p = m->k;
		xgrow(&p, &m->kcap, m->n + 1, sizeof *m->k);
		m->k = p;
	}
	struct hkey *k = &m->k[m->n];
	k->len = (uint32_t)n;
	if (n <= INLINE) {
		memcpy(k->in, key, n);
	} else {
		k->off = m->keys.len;
		sb_add(&m->keys, key, n);
	}
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
	if (n > m->kcap) {
		m->k = xrealloc(m->k, n * sizeof *m->k);
		m->kcap = n;
	}
}

const char *hmap_key(const struct hmap *m, size_t i, size_t *n)
{
	*n = m->k[i].len;
	return key_of(m, &m->k[i]);
}

void hmap_free(struct hmap *m)
{
	free(m->slot);
	free(m->k);
	sb_free(&m->keys);
	memset(m, 0, sizeof *m);
}
