/* segments.c - fuzz the segments.conf parser: rules are named, errors
 * name a line (and a column for a bad expression), and each rule
 * evaluates on two customers */
#include "fuzz.h"

#include "rules.h"

/* The bad lines rules_check reports: counted, the first one the line
 * rules_parse stopped at, each after the one before. */
struct seen {
	size_t n;
	long first, last;
};

static void on_bad(void *ctx, const struct rules_err *err)
{
	struct seen *s = ctx;
	fuzz_check(s->n > 0 || err->line == s->first, "the first bad line is the one rules_parse names");
	fuzz_check(s->n == 0 || err->line > s->last, "bad lines come in order");
	s->last = err->line;
	s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	struct schema sc = { fuzz_fields, FUZZ_NFIELDS, false };
	struct rule *v = NULL;
	size_t n = 0;
	struct rules_err err;
	long lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rules_parse((const char *)data, size, &sc, FUZZ_NOW, &v, &n, &err) < 0) {
		fuzz_check(err.line >= 1 && err.line <= lines, "an error names a line of the file");
		fuzz_check(err.col >= 0 && err.msg[0] != '\0', "an error has a reason");
		struct seen s = { 0, err.line, 0 };
		size_t good;
		size_t bad = rules_check((const char *)data, size, &sc, FUZZ_NOW, &good, on_bad, &s);
		fuzz_check(bad >= 1 && s.n == bad, "rules_check reports each bad line once");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		fuzz_check(v[i].name[0] != '\0' && !strchr(v[i].name, ':'),
			   "a rule has a name without ':'");
		for (int c = 0; c < 2; c++) {
			const char *why;
			bool m = expr_eval(v[i].e, fuzz_get, (void *)fuzz_values[c], &why);
			fuzz_check(!why || (!m && *why), "an undecided rule says why and does not match");
		}
	}
	rules_free(v, n);
	/* rules_check reads the file as rules_parse does: one bad line or more
	 * when it failed, else none and the same rules */
	size_t good;
	size_t bad = rules_check((const char *)data, size, &sc, FUZZ_NOW, &good, NULL, NULL);
	fuzz_check(bad == 0 && good == n, "rules_check agrees with rules_parse");
	return 0;
}
