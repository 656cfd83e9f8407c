/* wordscheck.c - scan_words (src/lib/scan.c) must give every customer the
 * same word with its ring of pending events as without it
 * (scan_words_plain): histories of 60,000 and of 260,000 lines (over
 * 32 MiB, so read in parts on two threads, a customer in both parts' maps
 * and joined) of 3,000 customers with ids of 1 to 40 bytes (in the ring
 * and too long for it), each line adding one of 31 bits to its customer's
 * word; and a word is in one map only. Run with the directory to write
 * into. Exit 0 when all agree, 1 (with the first differences) when not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dir.h"
#include "hmap.h"
#include "scan.h"

static uint64_t seed = 0x2545F4914F6CDD1DULL;
static uint64_t rnd(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return seed * 0x9E3779B97F4A7C15ULL;
}

#define NCUST 3000

static char ids[NCUST][48];

static bool pick(const struct event *e, void *arg, uint32_t *val)
{
	(void)arg;
	long long v;
	if (!pval_int(&e->p->v[PJ_AMOUNT], &v))
		return false;
	*val = (uint32_t)v;
	return true;
}

static void add(uint32_t *w, uint32_t val)
{
	*w |= 1u << 31 | 1u << (val % 31);
}

static void join(uint32_t *w, uint32_t other)
{
	*w |= other;
}

/* The words of every customer, joined from the maps; -1 when one is in
 * two maps. */
static int words(const struct crm_dir *d, uint32_t *out)
{
	static const struct word_fold f = { pick, add, join };
	void *args[SCAN_MAXPARTS] = { 0 };
	struct hmap maps[SCAN_MAXPARTS];
	if (scan_words(d, false, 0, &f, args, maps) < 0)
		return -1;
	int rc = 0;
	for (size_t c = 0; c < NCUST; c++) {
		out[c] = 0;
		int in = 0;
		for (int p = 0; p < SCAN_MAXPARTS; p++) {
			uint32_t *w = hmap_word_of(&maps[p], ids[c], strlen(ids[c]),
						   hmap_hash(ids[c], strlen(ids[c])));
			if (w && *w) {
				out[c] = *w;
				in++;
			}
		}
		if (in > 1) {
			fprintf(stderr, "wordscheck: %s is in %d maps\n", ids[c], in);
			rc = -1;
		}
	}
	for (int p = 0; p < SCAN_MAXPARTS; p++)
		hmap_free(&maps[p]);
	return rc;
}

static int run(const char *dir, long lines)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/interactions.jsonl", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return perror(path), 1;
	for (long i = 0; i < lines; i++) {
		size_t c = rnd() % NCUST;
		/* long lines, so that the bigger history is over 32 MiB */
		fprintf(f, "{\"id\":\"e%ld\",\"ts\":\"2026-01-01T00:00:00Z\",\"customer\":\"%s\","
			   "\"type\":\"purchase\",\"amount\":%u,\"currency\":\"PLN\",\"text\":\"%.*s\"}\n",
			i, ids[c], (unsigned)(rnd() % 1000), (int)(rnd() % 60),
			"padding padding padding padding padding padding padding padding");
	}
	fclose(f);
	struct crm_dir d;
	crm_dir_open(&d, dir);
	static uint32_t a[NCUST], b[NCUST];
	scan_words_plain = 1;
	int ra = words(&d, a);
	scan_words_plain = 0;
	int rb = words(&d, b);
	crm_dir_close(&d);
	if (ra < 0 || rb < 0)
		return 1;
	long wrong = 0;
	for (size_t c = 0; c < NCUST; c++)
		if (a[c] != b[c] && wrong++ < 10)
			fprintf(stderr, "wordscheck: %s: %08x without the ring, %08x with it\n", ids[c], a[c],
				b[c]);
	printf("%ld lines, %d customers: %ld words differ\n", lines, NCUST, wrong);
	return wrong != 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: wordscheck DIR\n");
		return 2;
	}
	for (size_t c = 0; c < NCUST; c++) {
		size_t n = 1 + rnd() % 40;
		for (size_t k = 0; k < n; k++)
			ids[c][k] = "0123456789abcdefghjkmnpqrstvwxyz"[rnd() % 32];
		snprintf(ids[c] + n, sizeof ids[c] - n, "%zu", c); /* unique */
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/customers.csv", argv[1]);
	FILE *f = fopen(path, "w");
	if (!f)
		return perror(path), 1;
	fputs("id,name,email\n", f);
	fclose(f);
	return run(argv[1], 60000) || run(argv[1], 260000);
}
