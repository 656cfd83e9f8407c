/* expr.c - fuzz the expression language: parse the input as a --where
 * expression and evaluate it on two customers. Checks: a failed parse has
 * a message "COL: ...", what expr_may_match rules out with half the fields
 * known does not match, a customer that matches holds the required literal
 * in its raw bytes, an evaluation that gives up says why and is no
 * match, and value_cmp is antisymmetric. Deep nesting ends in an error,
 * never in an overflow of the stack. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "fuzz.h"

#include <pcre2.h>

#include "csvrec.h"

static bool raw_has(const char *lit, const char *const *v)
{
	struct rec r = { 0 };
	for (size_t i = 0; i < FUZZ_NFIELDS; i++)
		rec_push(&r, v[i], strlen(v[i]));
	struct sb raw = { 0 };
	csv_put_rec(&raw, &r, r.n);
	int ec;
	PCRE2_SIZE eo;
	/* as crm-find searches raw records for it */
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)lit, PCRE2_ZERO_TERMINATED,
				       PCRE2_LITERAL | PCRE2_CASELESS | PCRE2_UTF |
					       PCRE2_MATCH_INVALID_UTF,
				       &ec, &eo, NULL);
	bool found = true;
	if (re) {
		pcre2_match_data *md = pcre2_match_data_create(1, NULL);
		found = pcre2_match(re, (PCRE2_SPTR)raw.s, raw.len, 0, 0, md, NULL) >= 0;
		pcre2_match_data_free(md);
		pcre2_code_free(re);
	}
	sb_free(&raw);
	rec_free(&r);
	return found;
}

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *text = fuzz_cstr(data, size);
	struct schema sc = { fuzz_fields, FUZZ_NFIELDS, false };
	char err[2048];
	err[0] = '\0';
	struct expr *e = expr_parse(text, &sc, FUZZ_NOW, err, sizeof err);
	if (!e) {
		char *end;
		long col = strtol(err, &end, 10);
		fuzz_check(col >= 1 && *end == ':', "a parse error starts with its column");
		free(text);
		return 0;
	}
	bool used[FUZZ_NFIELDS] = { 0 }, half[FUZZ_NFIELDS], not_raw[FUZZ_NFIELDS] = { 0 };
	expr_fields(e, used);
	for (size_t i = 0; i < FUZZ_NFIELDS; i++)
		half[i] = i % 2 == 0;
	not_raw[FUZZ_NFIELDS - 3] = not_raw[FUZZ_NFIELDS - 4] = true;
	const char *lit = expr_required_literal(e, not_raw);
	for (int c = 0; c < 2; c++) {
		void *ctx = (void *)fuzz_values[c];
		const char *why, *why2;
		bool m = expr_eval(e, fuzz_get, ctx, &why);
		bool gave_up = why != NULL;
		fuzz_check(!gave_up || !m, "an undecided test is no match");
		fuzz_check(expr_eval(e, fuzz_get, ctx, &why2) == m && (why2 != NULL) == gave_up,
			   "evaluation is repeatable");
		if (m) {
			fuzz_check(expr_may_match(e, half, fuzz_get, ctx, &why2),
				   "a match is not ruled out early");
			fuzz_check(!lit || raw_has(lit, fuzz_values[c]),
				   "a match holds the required literal");
		}
		for (size_t i = 0; i < FUZZ_NFIELDS; i++) {
			const char *v = fuzz_values[c][i];
			fuzz_check(sign(value_cmp(text, v)) == -sign(value_cmp(v, text)),
				   "value_cmp is antisymmetric");
		}
	}
	expr_free(e);
	free(text);
	return 0;
}
