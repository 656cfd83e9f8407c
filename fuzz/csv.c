/* csv.c - fuzz the CSV record reader: records split and parse without a
 * crash, lines only go forward, and a parsed record written back with
 * csv_put_rec reads back the same fields */
#include "fuzz.h"

#include "csvrec.h"

static void same_back(const struct rec *r)
{
	/* a single empty field is written as a blank line, which is skipped */
	if (r->n == 1 && r->len[0] == 0)
		return;
	struct sb out = { 0 };
	sb_adds(&out, "x\n"); /* a first record, so a leading BOM in r stays data */
	csv_put_rec(&out, r, r->n);
	struct csvin *in = csvin_open_mem(out.s, out.len, "back");
	const char *s;
	size_t n;
	long line;
	struct rec back = { 0 };
	fuzz_check(csvin_next_raw(in, &s, &n, &line) == 1, "the first record reads back");
	fuzz_check(csvin_next_raw(in, &s, &n, &line) == 1, "the written record reads back");
	fuzz_check(line == 2, "the written record starts on line 2");
	fuzz_check(csvin_parse(in, s, n, &back) == 0, "the written record parses");
	fuzz_check(back.n == r->n, "as many fields back as written");
	for (size_t i = 0; i < r->n; i++)
		fuzz_check(back.len[i] == r->len[i] && !memcmp(back.v[i], r->v[i], r->len[i]),
			   "each field reads back as written");
	fuzz_check(csvin_next_raw(in, &s, &n, &line) == 0, "nothing after the written record");
	rec_free(&back);
	csvin_close(in);
	sb_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvin *in = csvin_open_mem((const char *)data, size, "fuzz.csv");
	struct rec r = { 0 };
	const char *s;
	size_t n;
	long line, last = 0, lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	int k;
	while ((k = csvin_next_raw(in, &s, &n, &line)) > 0) {
		fuzz_check(line > last && line <= lines, "record lines go forward within the file");
		fuzz_check(n > 0, "blank lines are skipped");
		fuzz_check(s >= (const char *)data && s + n <= (const char *)data + size,
			   "a raw record lies inside the input");
		last = line;
		if (csvin_parse(in, s, n, &r) < 0) {
			fuzz_check(in->err[0] != '\0', "a parse error has a reason");
			continue;
		}
		fuzz_check(r.n > 0, "a parsed record has a field");
		same_back(&r);
	}
	fuzz_check(k == 0, "reading memory never fails");
	rec_free(&r);
	csvin_close(in);
	return 0;
}
