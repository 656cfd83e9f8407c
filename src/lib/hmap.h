/* hmap.h - a hash map from byte strings to dense indexes 0, 1, 2, ... */
#ifndef CRM_HMAP_H
#define CRM_HMAP_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Keys are copied into the map; the caller keeps the values in its own
 * arrays, indexed by what hmap_put returns. */
struct hmap {
	uint64_t *slot; /* 0 for empty, else the hash's top 32 bits and index + 1 */
	size_t cap;     /* a power of two */
	size_t n;
	/* Each key: a short one (most: ids are 13 bytes) in place, so that a
	 * probe reads one entry and no other memory; a longer one in keys. */
	struct hkey {
		uint32_t len;
		char in[20];
		size_t off;
	} *k;
	size_t kcap;
	struct sb keys;
};

/* The index of key, or -1. */
long hmap_get(const struct hmap *m, const char *key, size_t n);
/* The index of key, added when missing (the next free index). */
size_t hmap_put(struct hmap *m, const char *key, size_t n);
/* Make room for n keys, so that adding them does not grow the map step by
 * step (for a caller that knows how many are coming). */
void hmap_reserve(struct hmap *m, size_t n);
/* The key of index i. */
const char *hmap_key(const struct hmap *m, size_t i, size_t *n);
void hmap_free(struct hmap *m);

#endif
