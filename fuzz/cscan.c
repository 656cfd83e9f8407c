/* cscan.c - fuzz the fast CSV reader (cscan.h): read from a file through
 * buffers of a few sizes, it cuts the records csvin_next_raw cuts, at the
 * same lines and offsets, fails only where the last quote is never closed,
 * and a literal taken from the input picks every record that holds it */
#include "fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

#include "cscan.h"
#include "csvrec.h"
#include "lit.h"

/* The records csvin cuts: offset, length, line, CR LF. */
struct ref {
	size_t off, n;
	long line;
	bool crlf;
};

static bool has(const char *s, size_t n, const struct lit *l)
{
	return lit_find(l, s, n) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	const char *d = (const char *)data;
	struct csvin *in = csvin_open_mem(d, size, "ref");
	struct ref *v = NULL;
	size_t nv = 0, cap = 0, quotes = 0;
	const char *s;
	size_t n;
	long line;
	while (csvin_next_raw(in, &s, &n, &line) > 0) {
		void *p = v;
		xgrow(&p, &cap, nv + 1, sizeof *v);
		v = p;
		v[nv++] = (struct ref){ (size_t)(s - d), n, line, in->crlf };
	}
	csvin_close(in);
	for (size_t i = 0; i < size; i++)
		quotes += d[i] == '"';
	bool open = quotes % 2; /* the last record's quote is never closed */
	bool nul = memchr(d, '\0', size) != NULL; /* a record of NULs over a buffer stops the reading */
	if (open && nv)
		nv--;
	int fd = memfd_create("cscan", 0);
	if (fd < 0)
		return 0;
	fuzz_check(write(fd, d, size) == (ssize_t)size, "the input is written");
	struct lit l;
	bool lit = size > 1 && lit_choose(&l, d, size < 6 ? size : 6);
	static const size_t sizes[] = { 16, 100, 4096 };
	for (size_t si = 0; si < 3; si++) {
		for (int look = 0; look < 1 + lit; look++) {
			cscan_buffer = sizes[si];
			lseek(fd, 0, SEEK_SET);
			struct cscan *c = cscan_open(fd, "fuzz.csv", 0, 1);
			if (look)
				cscan_look(c, &l, 1);
			struct cscan_rec r;
			size_t i = 0;
			int k;
			while ((k = cscan_next(c, &r)) > 0) {
				if (look)
					while (i < nv && (long long)v[i].off < r.off) {
						fuzz_check(!has(d + v[i].off, v[i].n, &l),
							   "a record with the literal is not skipped");
						i++;
					}
				fuzz_check(i < nv, "no record after the last");
				fuzz_check(r.off == (long long)v[i].off && r.n == v[i].n && r.line == v[i].line &&
						   r.crlf == v[i].crlf,
					   "the records of csvin, at their lines and offsets");
				fuzz_check(!memcmp(r.s, d + r.off, r.n), "a record's bytes as they are");
				fuzz_check(look || r.n > 0, "blank lines are skipped");
				i++;
			}
			fuzz_check(k < 0 ? open || nul : !open, "an error only for a quote never closed");
			if (!look && k == 0)
				fuzz_check(i == nv, "every record");
			for (; look && k == 0 && i < nv; i++)
				fuzz_check(!has(d + v[i].off, v[i].n, &l), "a last record with the literal");
			cscan_close(c);
		}
	}
	cscan_buffer = 1 << 20;
	close(fd);
	free(v);
	return 0;
}
