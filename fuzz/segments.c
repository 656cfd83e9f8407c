/* segments.c - fuzz the segments.conf parser: rules are named, errors
 * name a line (and a column for a bad expression), and each rule
 * evaluates on two customers */
#include "fuzz.h"

#include "rules.h"

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
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		fuzz_check(v[i].name[0] != '\0' && !strchr(v[i].name, ':'),
			   "a rule has a name without ':'");
		for (int c = 0; c < 2; c++)
			(void)expr_eval(v[i].e, fuzz_get, (void *)fuzz_values[c]);
	}
	rules_free(v, n);
	return 0;
}
