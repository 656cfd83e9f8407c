/* hmapcheck.c - the hash map (src/lib/hmap.c) must keep every key, its
 * index and its word, against a reference that knows nothing of hashing:
 * the keys sorted, with the index of each found by binary search. About
 * 200,000 keys of 0, 1, 7, 8, 13, 15, 16, 17, 40 and 300 bytes (in the
 * slot and out of it, on both sides of the 8- and 16-byte edges of the
 * comparison), many of them repeated, prefixes of one another, differing
 * in the last byte or one inside, with NUL bytes, and pairs that share
 * the low 32 bits of their hash (the half a slot keeps), are put in maps
 * with hmap_put, hmap_word and hmap_put_hash (and found with hmap_get and
 * hmap_word_of), through every growth, after hmap_reserve, merged by
 * hmap_walk, freed and used again; and 400 maps of 3,100 keys and 16 of
 * 150,000 (half of them keeping words only), every key and word looked up
 * after each growth, in many layouts of the table, tables past 2 MiB
 * growing in place. Exit 0 when all
 * agree, 1 (with the first differences) when not. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

#define NDRAW 315000 /* keys put, repeats included */
#define NPROBE 100000 /* keys looked up, about half of them absent */
#define MAXLEN 300

static long checks, wrong;

/* xorshift64*, from a fixed seed */
static uint64_t seed = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return seed * 0x2545F4914F6CDD1DULL;
}

/* Every key's bytes, one after another. */
static char *pool;
static size_t pool_len, pool_cap;

struct keys {
	size_t *off, *len;
	size_t n, cap;
};

static void add_key(struct keys *ks, const char *s, size_t n)
{
	if (pool_len + n > pool_cap) {
		pool_cap = (pool_len + n) * 2;
		pool = xrealloc(pool, pool_cap);
	}
	if (n)
		memcpy(pool + pool_len, s, n);
	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 1024;
		ks->off = xrealloc(ks->off, ks->cap * sizeof *ks->off);
		ks->len = xrealloc(ks->len, ks->cap * sizeof *ks->len);
	}
	ks->off[ks->n] = pool_len;
	ks->len[ks->n++] = n;
	pool_len += n;
}

static const char *kp(const struct keys *ks, size_t i)
{
	return pool + ks->off[i];
}

static void keys_free(struct keys *ks)
{
	free(ks->off);
	free(ks->len);
	memset(ks, 0, sizeof *ks);
}

static void show(const char *s, size_t n)
{
	printf("(%zu bytes) \"", n);
	for (size_t i = 0; i < n && i < 48; i++) {
		unsigned char c = (unsigned char)s[i];
		printf(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? "%c" : "\\x%02X", c);
	}
	fputs(n > 48 ? "\"...\n" : "\"\n", stdout);
}

/* Count a check; print the first failures, with the key. */
__attribute__((format(printf, 4, 5))) static bool check(bool ok, const char *key, size_t n,
							 const char *fmt, ...)
{
	checks++;
	if (ok)
		return true;
	if (wrong++ < 20) {
		va_list ap;
		va_start(ap, fmt);
		printf("FAIL: ");
		vprintf(fmt, ap);
		va_end(ap);
		printf("; key ");
		if (key)
			show(key, n);
		else
			printf("-\n");
	}
	return false;
}

static int keycmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = an && bn ? memcmp(a, b, an < bn ? an : bn) : 0;
	return c ? c : (an > bn) - (an < bn);
}

static const size_t lens[] = { 0, 1, 7, 8, 13, 15, 16, 17, 40, 300 };
#define NLENS (sizeof lens / sizeof *lens)

/* count keys into out: fresh ones and variants of the keys of src (which
 * may be out itself, as it grows) */
static void gen(struct keys *out, const struct keys *src, size_t count)
{
	char b[MAXLEN];
	for (size_t c = 0; c < count; c++) {
		unsigned r = (unsigned)(rnd() % 100);
		size_t n, have = src->n;
		size_t k = have ? (size_t)(rnd() % have) : 0;
		if (have && r < 10) {
			/* the same key again, from another place */
			n = src->len[k];
			memcpy(b, kp(src, k), n);
		} else if (have && r < 30 && src->len[k]) {
			/* the same but for the last byte */
			n = src->len[k];
			memcpy(b, kp(src, k), n);
			b[n - 1] = (char)((unsigned char)b[n - 1] + 1 + rnd() % 255);
		} else if (have && r < 40 && src->len[k]) {
			/* the same but for one byte inside */
			n = src->len[k];
			memcpy(b, kp(src, k), n);
			b[rnd() % n] ^= (char)(1 + rnd() % 255);
		} else if (have && r < 50) {
			/* a prefix of it, at another of the lengths */
			size_t l;
			do
				l = lens[rnd() % NLENS];
			while (l > src->len[k]);
			n = l;
			memcpy(b, kp(src, k), n);
		} else if (have && r < 55 && src->len[k] < MAXLEN) {
			/* it, extended to a longer length */
			size_t l;
			do
				l = lens[rnd() % NLENS];
			while (l <= src->len[k]);
			memcpy(b, kp(src, k), src->len[k]);
			for (size_t i = src->len[k]; i < l; i++)
				b[i] = (char)rnd();
			n = l;
		} else {
			/* fresh: like an id, any bytes, or mostly NULs */
			unsigned kind = (unsigned)(rnd() % 3);
			n = lens[rnd() % NLENS];
			for (size_t i = 0; i < n; i++) {
				uint64_t x = rnd();
				b[i] = kind == 0   ? "abcdefghijklmnopqrstuvwxyz0123456789"[x % 36]
				       : kind == 1 ? (char)(x % 4 ? x >> 8 : 0)
						   : (char)(x % 8 ? 0 : 1 + (x >> 8) % 255);
			}
		}
		add_key(out, b, n);
	}
}

/* The reference: the keys put, in order (draws, repeats included), and
 * the distinct ones by first put: index i is draw first[i]. */
static struct keys dr;
static size_t ndistinct;
static size_t *expect; /* of each draw: the index of its key */
static bool *isfirst; /* of each draw: its key's first put */
static size_t *first;
static size_t *sorted; /* the indexes in the order of their keys */

static int by_key(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = keycmp(kp(&dr, x), dr.len[x], kp(&dr, y), dr.len[y]);
	return c ? c : (x > y) - (x < y);
}

static void reference(void)
{
	size_t n = dr.n, *ord = xmalloc(n * sizeof *ord);
	for (size_t d = 0; d < n; d++)
		ord[d] = d;
	qsort(ord, n, sizeof *ord, by_key);
	expect = xmalloc(n * sizeof *expect);
	isfirst = xcalloc(n, sizeof *isfirst);
	first = xmalloc(n * sizeof *first);
	sorted = xmalloc(n * sizeof *sorted);
	/* the first of each run of equal keys (the earliest draw, as the
	 * sort puts it first) */
	for (size_t g = 0; g < n; g++)
		if (!g || keycmp(kp(&dr, ord[g]), dr.len[ord[g]], kp(&dr, ord[g - 1]),
				 dr.len[ord[g - 1]]))
			isfirst[ord[g]] = true;
	for (size_t d = 0; d < n; d++)
		if (isfirst[d]) {
			expect[d] = ndistinct;
			first[ndistinct++] = d;
		}
	size_t ns = 0;
	for (size_t g = 0, lead = 0; g < n; g++) {
		if (isfirst[ord[g]]) {
			lead = ord[g];
			sorted[ns++] = expect[lead];
		}
		expect[ord[g]] = expect[lead];
	}
	free(ord);
}

/* The index of a key in the reference, or -1. */
static long ref_find(const char *s, size_t n)
{
	size_t lo = 0, hi = ndistinct;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, d = first[sorted[mid]];
		int c = keycmp(s, n, kp(&dr, d), dr.len[d]);
		if (!c)
			return (long)sorted[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Two keys of 13 bytes whose hashes share the low 32 bits (but not all 64:
 * the map compares only those it keeps), found among 2^18 ids, in b1, b2. */
struct hk {
	uint64_t h;
	uint32_t i;
};
static int by_low(const void *a, const void *b)
{
	const struct hk *x = a, *y = b;
	uint32_t p = (uint32_t)x->h, q = (uint32_t)y->h;
	return (p > q) - (p < q);
}
static size_t low_pairs(struct keys *out)
{
	const uint32_t n = 1u << 18;
	struct hk *v = xmalloc(n * sizeof *v);
	char b[16];
	for (uint32_t i = 0; i < n; i++) {
		snprintf(b, sizeof b, "pair%09u", i);
		v[i] = (struct hk){ hmap_hash(b, 13), i };
	}
	qsort(v, n, sizeof *v, by_low);
	size_t pairs = 0;
	for (uint32_t i = 1; i < n; i++)
		if ((uint32_t)v[i].h == (uint32_t)v[i - 1].h && v[i].h != v[i - 1].h) {
			snprintf(b, sizeof b, "pair%09u", v[i - 1].i);
			add_key(out, b, 13);
			snprintf(b, sizeof b, "pair%09u", v[i].i);
			add_key(out, b, 13);
			pairs++;
		}
	free(v);
	return pairs;
}

/* Every index below n of map m: ref[i] is the draw of its key. hmap_get
 * finds it, hmap_key gives its bytes, at[i] is its slot. */
static void verify_all(const struct hmap *m, const size_t *ref, size_t n, const char *when)
{
	check(m->n == n, NULL, 0, "%s: %zu keys in the map, expected %zu", when, m->n, n);
	for (size_t i = 0; i < n && i < m->n; i++) {
		const char *k = kp(&dr, ref[i]);
		size_t kn = dr.len[ref[i]], gn = 0;
		long g = hmap_get(m, k, kn);
		check(g == (long)i, k, kn, "%s: hmap_get gives %ld, expected %zu", when, g, i);
		const char *got = hmap_key(m, i, &gn);
		if (check(gn == kn, k, kn, "%s: hmap_key(%zu) has %zu bytes", when, i, gn))
			check(!keycmp(got, gn, k, kn), k, kn, "%s: hmap_key(%zu) differs", when, i);
		check(m->at[i] < m->cap && m->slot[m->at[i]].idx == i + 1, k, kn,
		      "%s: at[%zu] is not its slot", when, i);
	}
}

/* hmap_walk visits each of the n entries once, in slot order, with its
 * key, index, word (words[i], or 0) and the low half of its hash. */
static void walk_check(const struct hmap *m, const size_t *ref, size_t n, const uint32_t *words,
		       const char *when)
{
	bool *seen = xcalloc(n + 1, sizeof *seen);
	size_t pos = 0, count = 0;
	long last = -1;
	struct hwalk w;
	while (hmap_walk(m, &pos, &w)) {
		count++;
		if (!check(w.i < n, w.key, w.n, "%s: walk gives index %zu of %zu", when, w.i, n))
			continue;
		check(!seen[w.i], w.key, w.n, "%s: walk visits index %zu twice", when, w.i);
		seen[w.i] = true;
		const char *k = kp(&dr, ref[w.i]);
		size_t kn = dr.len[ref[w.i]];
		check(!keycmp(w.key, w.n, k, kn), w.key, w.n, "%s: walk gives for index %zu another key",
		      when, w.i);
		check((uint32_t)w.h == (uint32_t)hmap_hash(w.key, w.n), w.key, w.n,
		      "%s: walk gives hash %#llx, hmap_hash %#llx", when, (unsigned long long)w.h,
		      (unsigned long long)hmap_hash(w.key, w.n));
		uint32_t want = words ? words[w.i] : 0;
		check(w.word == want, w.key, w.n, "%s: walk gives word %u, expected %u", when, w.word,
		      want);
		check((long)m->at[w.i] > last, w.key, w.n, "%s: walk is not in slot order (%u after %ld)",
		      when, m->at[w.i], last);
		last = (long)m->at[w.i];
	}
	check(count == n, NULL, 0, "%s: walk visits %zu entries, expected %zu", when, count, n);
	free(seen);
}

/* Look up every probe: the reference's index, mapped by to (or as it is),
 * when below n, else -1. */
static void probe_check(const struct hmap *m, const struct keys *pr, const size_t *to, size_t n,
			const char *when)
{
	for (size_t p = 0; p < pr->n; p++) {
		const char *k = kp(pr, p);
		long r = ref_find(k, pr->len[p]), g = hmap_get(m, k, pr->len[p]);
		if (r >= 0)
			r = to ? (long)to[r] : r;
		if (r >= (long)n)
			r = -1;
		check(g == r, k, pr->len[p], "%s: hmap_get of a probe gives %ld, expected %ld", when, g,
		      r);
		/* hmap_word_of: the word of the same slot, or NULL */
		uint32_t *wo = hmap_word_of((struct hmap *)m, k, pr->len[p], hmap_hash(k, pr->len[p]));
		const uint32_t *want = r >= 0 ? &m->slot[m->at[r]].word : NULL;
		check(wo == want, k, pr->len[p], "%s: hmap_word_of of a probe is not the word of its slot",
		      when);
	}
}

int main(void)
{
	size_t pairs = low_pairs(&dr);
	gen(&dr, &dr, NDRAW);
	/* the pairs again, late, after the map has grown */
	for (size_t i = 0; i < 2 * pairs; i++) {
		size_t n = dr.len[i];
		char b[16];
		memcpy(b, kp(&dr, i), n);
		add_key(&dr, b, n);
	}
	reference();
	const size_t N = dr.n;
	struct keys pr = { 0 };
	gen(&pr, &dr, NPROBE);
	size_t absent = 0;
	for (size_t p = 0; p < pr.n; p++)
		absent += ref_find(kp(&pr, p), pr.len[p]) < 0;
	check(pairs >= 1 && absent > NPROBE / 4 && absent < NPROBE - NPROBE / 4, NULL, 0,
	      "the data: %zu pairs sharing half a hash, %zu of %d probes absent", pairs, absent,
	      NPROBE);
	/* the lengths each have many keys */
	for (size_t l = 0; l < NLENS; l++) {
		size_t c = 0;
		for (size_t i = 0; i < ndistinct; i++)
			c += dr.len[first[i]] == lens[l];
		check(c >= (lens[l] == 0 ? 1 : lens[l] == 1 ? 200 : 5000), NULL, 0,
		      "the data: %zu keys of %zu bytes", c, lens[l]);
	}

	/* A: hmap_put, one key at a time; hmap_get before each; all keys
	 * after each growth */
	struct hmap a = { 0 };
	size_t lastcap = 0, upto = 0;
	char when[64];
	for (size_t d = 0; d < N; d++) {
		const char *k = kp(&dr, d);
		size_t n = dr.len[d];
		long g = hmap_get(&a, k, n), before = isfirst[d] ? -1 : (long)expect[d];
		check(g == before, k, n, "draw %zu: hmap_get before hmap_put gives %ld, expected %ld",
		      d, g, before);
		size_t i = hmap_put(&a, k, n);
		check(i == expect[d], k, n, "draw %zu: hmap_put gives %zu, expected %zu", d, i,
		      expect[d]);
		upto += isfirst[d];
		if (a.cap != lastcap) {
			snprintf(when, sizeof when, "hmap_put, grown to %zu slots", a.cap);
			verify_all(&a, first, upto, when);
			lastcap = a.cap;
		}
	}
	verify_all(&a, first, ndistinct, "hmap_put");
	walk_check(&a, first, ndistinct, NULL, "hmap_put");
	probe_check(&a, &pr, NULL, ndistinct, "hmap_put");
	check(a.cap * 3 >= a.n * 4, NULL, 0, "%zu keys in %zu slots", a.n, a.cap);

	/* W: hmap_word (with the slot fetched ahead), a new key's word 0,
	 * each written word there after growth */
	struct hmap w = { 0 };
	uint32_t *word = xcalloc(ndistinct, sizeof *word);
	lastcap = 0, upto = 0;
	uint64_t h = hmap_hash(kp(&dr, 0), dr.len[0]);
	for (size_t d = 0; d < N; d++) {
		const char *k = kp(&dr, d);
		size_t n = dr.len[d];
		uint64_t next = d + 1 < N ? hmap_hash(kp(&dr, d + 1), dr.len[d + 1]) : 0;
		hmap_prefetch(&w, next);
		uint32_t *p = hmap_word(&w, k, n, h);
		uint32_t want = isfirst[d] ? 0 : word[expect[d]];
		check(*p == want, k, n, "draw %zu: hmap_word gives %u, expected %u", d, *p, want);
		upto += isfirst[d];
		check(w.n == upto, k, n, "draw %zu: %zu keys after hmap_word, expected %zu", d, w.n,
		      upto);
		/* most times a new word (never 0), sometimes none */
		if (rnd() % 4) {
			*p = (uint32_t)rnd() | 1;
			word[expect[d]] = *p;
		}
		if (w.cap != lastcap) {
			snprintf(when, sizeof when, "hmap_word, grown to %zu slots", w.cap);
			verify_all(&w, first, upto, when);
			for (size_t i = 0; i < upto; i++) {
				const char *ki = kp(&dr, first[i]);
				size_t ni = dr.len[first[i]];
				uint32_t got = *hmap_word(&w, ki, ni, hmap_hash(ki, ni));
				check(got == word[i], ki, ni, "%s: word %u, expected %u", when, got,
				      word[i]);
			}
			check(w.n == upto, NULL, 0, "%s: hmap_word of known keys added keys", when);
			lastcap = w.cap;
		}
		h = next;
	}
	verify_all(&w, first, ndistinct, "hmap_word");
	walk_check(&w, first, ndistinct, word, "hmap_word");
	hmap_free(&w);

	/* R: room for every key made first (no growth while they come),
	 * then a smaller reserve (nothing) and a bigger one */
	struct hmap r = { 0 };
	hmap_reserve(&r, ndistinct);
	size_t cap0 = r.cap;
	check(cap0 * 3 >= ndistinct * 4, NULL, 0, "hmap_reserve(%zu) makes %zu slots", ndistinct,
	      cap0);
	for (size_t d = 0; d < N; d++) {
		size_t i = hmap_put(&r, kp(&dr, d), dr.len[d]);
		check(i == expect[d], kp(&dr, d), dr.len[d],
		      "draw %zu: hmap_put after hmap_reserve gives %zu, expected %zu", d, i, expect[d]);
	}
	check(r.cap == cap0, NULL, 0, "reserved %zu slots, grown to %zu", cap0, r.cap);
	verify_all(&r, first, ndistinct, "hmap_reserve before");
	hmap_reserve(&r, ndistinct / 2);
	check(r.cap == cap0, NULL, 0, "a smaller hmap_reserve: %zu slots, was %zu", r.cap, cap0);
	verify_all(&r, first, ndistinct, "hmap_reserve smaller");
	hmap_reserve(&r, 3 * ndistinct);
	check(r.cap > cap0 && r.cap * 3 >= 3 * ndistinct * 4, NULL, 0,
	      "hmap_reserve(%zu) after: %zu slots", 3 * ndistinct, r.cap);
	verify_all(&r, first, ndistinct, "hmap_reserve after");
	walk_check(&r, first, ndistinct, NULL, "hmap_reserve after");
	probe_check(&r, &pr, NULL, ndistinct, "hmap_reserve after");
	hmap_free(&r);

	/* Merge: b holds the draws before 3/5 (so its indexes are the
	 * reference's), c those from 2/5 on, each key with a word; c walked
	 * into b (hmap_put_hash with the walk's hash, the words xored in) and
	 * into d (hmap_put) must give the same indexes: b's for its keys,
	 * the next ones in walk order for the others. */
	const size_t s1 = N * 3 / 5, s2 = N * 2 / 5;
	struct hmap b = { 0 }, c = { 0 }, dm = { 0 };
	uint32_t *mword = xcalloc(ndistinct, sizeof *mword); /* by merged index */
	size_t nb = 0;
	for (size_t d = 0; d < s1; d++) {
		const char *k = kp(&dr, d);
		size_t n = dr.len[d];
		size_t i = hmap_put(&b, k, n);
		check(i == expect[d], k, n, "draw %zu: hmap_put into b gives %zu, expected %zu", d, i,
		      expect[d]);
		hmap_put(&dm, k, n);
		*hmap_word(&b, k, n, hmap_hash(k, n)) = mword[i] = (uint32_t)(i * 2654435761u);
		nb += isfirst[d];
	}
	size_t *cidx = xmalloc(ndistinct * sizeof *cidx), *cref = xmalloc(ndistinct * sizeof *cref);
	uint32_t *cword = xcalloc(ndistinct, sizeof *cword);
	size_t nc = 0;
	for (size_t i = 0; i < ndistinct; i++)
		cidx[i] = SIZE_MAX;
	for (size_t d = s2; d < N; d++) {
		const char *k = kp(&dr, d);
		size_t n = dr.len[d], g = expect[d];
		if (cidx[g] == SIZE_MAX)
			cref[nc] = d, cidx[g] = nc++;
		size_t i = hmap_put(&c, k, n);
		check(i == cidx[g], k, n, "draw %zu: hmap_put into c gives %zu, expected %zu", d, i,
		      cidx[g]);
		*hmap_word(&c, k, n, hmap_hash(k, n)) = cword[cidx[g]] = (uint32_t)rnd();
	}
	verify_all(&c, cref, nc, "c");
	walk_check(&c, cref, nc, cword, "c");
	hmap_reserve(&b, ndistinct);
	size_t bcap = b.cap;
	verify_all(&b, first, nb, "b, reserved");
	size_t *mref = xmalloc(ndistinct * sizeof *mref), *tomerged = xmalloc(ndistinct * sizeof *tomerged);
	for (size_t i = 0; i < nb; i++)
		mref[i] = first[i], tomerged[i] = i;
	size_t next = nb, pos = 0;
	struct hwalk e;
	while (hmap_walk(&c, &pos, &e)) {
		size_t g = expect[cref[e.i]], want;
		if (g < nb) {
			want = g;
		} else {
			want = next++;
			mref[want] = cref[e.i];
			tomerged[g] = want;
		}
		size_t i1 = hmap_put_hash(&b, e.key, e.n, e.h);
		size_t i2 = hmap_put(&dm, e.key, e.n);
		check(i1 == want && i2 == want, e.key, e.n,
		      "merge: hmap_put_hash gives %zu, hmap_put %zu, expected %zu", i1, i2, want);
		uint32_t *p = hmap_word(&b, e.key, e.n, e.h);
		check(*p == mword[want], e.key, e.n, "merge: the word in b is %u, expected %u", *p,
		      mword[want]);
		*p ^= e.word;
		mword[want] ^= e.word;
	}
	check(next == ndistinct, NULL, 0, "merge: %zu keys, expected %zu", next, ndistinct);
	check(b.cap == bcap, NULL, 0, "merge: b grew from %zu slots to %zu after hmap_reserve", bcap,
	      b.cap);
	verify_all(&b, mref, ndistinct, "merged by hmap_put_hash");
	walk_check(&b, mref, ndistinct, mword, "merged by hmap_put_hash");
	probe_check(&b, &pr, tomerged, ndistinct, "merged by hmap_put_hash");
	verify_all(&dm, mref, ndistinct, "merged by hmap_put");
	probe_check(&dm, &pr, tomerged, ndistinct, "merged by hmap_put");
	hmap_free(&b);
	hmap_free(&c);
	hmap_free(&dm);

	/* A freed is empty, and takes keys again: the draws backwards */
	hmap_free(&a);
	check(!a.slot && !a.at && !a.keys.s && !a.cap && !a.n, NULL, 0, "hmap_free leaves %zu keys",
	      a.n);
	check(hmap_get(&a, kp(&dr, 0), dr.len[0]) == -1, NULL, 0, "hmap_get in a freed map");
	hmap_prefetch(&a, 0);
	pos = 0;
	check(!hmap_walk(&a, &pos, &e), NULL, 0, "hmap_walk in a freed map");
	size_t *rref = xmalloc(ndistinct * sizeof *rref), *ridx = xmalloc(ndistinct * sizeof *ridx);
	size_t nr = 0;
	for (size_t i = 0; i < ndistinct; i++)
		ridx[i] = SIZE_MAX;
	for (size_t d = N; d-- > 0;) {
		size_t g = expect[d];
		if (ridx[g] == SIZE_MAX)
			rref[nr] = d, ridx[g] = nr++;
		size_t i = hmap_put(&a, kp(&dr, d), dr.len[d]);
		check(i == ridx[g], kp(&dr, d), dr.len[d],
		      "draw %zu: hmap_put after hmap_free gives %zu, expected %zu", d, i, ridx[g]);
	}
	verify_all(&a, rref, ndistinct, "after hmap_free");
	walk_check(&a, rref, ndistinct, NULL, "after hmap_free");
	probe_check(&a, &pr, ridx, ndistinct, "after hmap_free");
	hmap_free(&a);

	/* G: growth, in many layouts: 400 maps of 3,100 keys each and 16 of
	 * 150,000, every key found after every growth (a map grows from 1,024
	 * slots to 8,192, or to 262,144; each growth starts from another
	 * empty slot, with other clusters across the end of the table) */
	for (int g = 0; g < 416; g++) {
		/* every other map keeps words only: no list of slots by index;
		 * the last 16 grow to 262,144 slots, past 2 MiB, where a table
		 * grows in place */
		struct hmap m = { .words_only = g % 2 };
		size_t cap = 0, keys = g < 400 ? 3100 : 150000;
		for (size_t i = 0; i < keys; i++) {
			char k[32];
			int kn = snprintf(k, sizeof k, "g%d-%zu", g, i);
			*hmap_word(&m, k, (size_t)kn, hmap_hash(k, (size_t)kn)) = (uint32_t)i + 7;
			if (m.cap == cap)
				continue;
			cap = m.cap;
			for (size_t j = 0; j <= i; j++) {
				kn = snprintf(k, sizeof k, "g%d-%zu", g, j);
				long got = hmap_get(&m, k, (size_t)kn);
				check(got == (long)j, k, (size_t)kn,
				      "map %d grown to %zu slots: hmap_get gives %ld, expected %zu", g,
				      m.cap, got, j);
				uint32_t *wd = hmap_word_of(&m, k, (size_t)kn, hmap_hash(k, (size_t)kn));
				check(wd && *wd == j + 7, k, (size_t)kn,
				      "map %d grown to %zu slots: the word of key %zu is wrong", g, m.cap, j);
				if (m.words_only)
					check(!m.at, k, (size_t)kn, "map %d keeps words only, but has at", g);
				else
					check(m.at[j] < m.cap && m.slot[m.at[j]].idx == j + 1, k,
					      (size_t)kn, "map %d grown to %zu slots: at[%zu] is not its slot",
					      g, m.cap, j);
			}
		}
		hmap_free(&m);
	}

	printf("%zu keys (%zu pairs sharing half a hash), %ld checks, %ld wrong\n", ndistinct, pairs,
	       checks, wrong);
	free(rref);
	free(ridx);
	free(mref);
	free(tomerged);
	free(cidx);
	free(cref);
	free(cword);
	free(mword);
	free(word);
	free(expect);
	free(isfirst);
	free(first);
	free(sorted);
	keys_free(&pr);
	keys_free(&dr);
	free(pool);
	return wrong ? 1 : 0;
}
