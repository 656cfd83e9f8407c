/* hmap.h - a hash map from byte strings to dense indexes 0, 1, 2, ... */
#ifndef CRM_HMAP_H
#define CRM_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Keys are copied into the map; the caller keeps the values in its own
 * arrays, indexed by what hmap_put returns, or, when 32 bits are enough, in
 * the word each key has in its slot. A slot holds the low half of the hash
 * and a short key (most: ids are 13 bytes) in place, so that a probe reads
 * one slot and no other memory, and growing reads no key. */
struct hslot {
	uint32_t h;
	uint32_t idx; /* index + 1; 0 for an empty slot */
	uint32_t len;
	uint32_t word; /* the caller's */
	union {
		char in[16];
		size_t off; /* a longer key: its place in keys */
	} k;
};

struct hmap {
	struct hslot *slot;
	size_t cap; /* a power of two */
	size_t n;
	uint32_t *at; /* at[i] is the slot of index i */
	size_t acap;
	/* set before the first key by a caller that keeps only words: at is
	 * not kept (nor hmap_key, which reads it) */
	bool words_only;
	struct sb keys;
};

/* The index of key, or -1. */
long hmap_get(const struct hmap *m, const char *key, size_t n);
/* The index of key, added when missing (the next free index). */
size_t hmap_put(struct hmap *m, const char *key, size_t n);
/* The hash of a key, for hmap_prefetch and hmap_put_hash: a caller that
 * meets many keys in a row asks for the slot of one before it needs it.
 * Its low 32 bits place a key (so a map holds at most 3 << 30 keys). */
uint64_t hmap_hash(const char *key, size_t n);
size_t hmap_put_hash(struct hmap *m, const char *key, size_t n, uint64_t h);
/* The index of key, whose hash is h, or -1. */
long hmap_get_hash(const struct hmap *m, const char *key, size_t n, uint64_t h);
/* The word of key (0 when it is new), the key added when missing. The
 * pointer holds until the next key is added. */
uint32_t *hmap_word(struct hmap *m, const char *key, size_t n, uint64_t h);
/* The word of key, or NULL when it is not in the map. */
uint32_t *hmap_word_of(struct hmap *m, const char *key, size_t n, uint64_t h);
static inline void hmap_prefetch(const struct hmap *m, uint64_t h)
{
	if (m->cap)
		__builtin_prefetch(&m->slot[h & (m->cap - 1)]);
}
/* Make room for n keys, so that adding them does not grow the map step by
 * step (for a caller that knows how many are coming). */
void hmap_reserve(struct hmap *m, size_t n);
/* The entries in the order of their slots, which is nearly the order of
 * their hashes: one map merged into another of as many slots or twice as
 * many, in this order, is read and written nearly in sequence instead of
 * at random. *pos starts at 0; false at the end. */
struct hwalk {
	size_t i;
	const char *key;
	size_t n;
	uint64_t h; /* the half of the hash a slot keeps: enough for hmap_put_hash */
	uint32_t word;
};
bool hmap_walk(const struct hmap *m, size_t *pos, struct hwalk *w);
/* The key of index i. */
const char *hmap_key(const struct hmap *m, size_t i, size_t *n);
void hmap_free(struct hmap *m);

/* A map from keys to the row of a table that has them, in rows[] beside
 * the map (by index): a key that two different rows have maps to -2, so
 * that a lookup by it is known to be ambiguous. */
void hmap_put_row(struct hmap *m, long **rows, size_t *cap, const char *key, size_t n, long row);
/* The row of key: -1 when no row has it, -2 when two rows have it. */
long hmap_get_row(const struct hmap *m, const long *rows, const char *key, size_t n);

#endif
