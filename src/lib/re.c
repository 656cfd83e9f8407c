/* re.c - PCRE2 matches within limits */
#include "re.h"

#include "util.h"

static _Thread_local pcre2_match_context *mctx;
static _Thread_local pcre2_jit_stack *jstack;
static _Thread_local pcre2_match_data *own;
static _Thread_local char why[160];

/* The match context with the limits, made once per thread. */
static pcre2_match_context *context(void)
{
	if (mctx)
		return mctx;
	mctx = pcre2_match_context_create(NULL);
	if (!mctx)
		crm_diex("out of memory");
	pcre2_set_match_limit(mctx, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(mctx, RE_DEPTH_LIMIT);
	pcre2_set_heap_limit(mctx, RE_HEAP_LIMIT_KIB);
	/* JIT code runs on a stack of its own: 32 KiB of the machine stack by
	 * default, too little for a long subject of a repeated group */
	jstack = pcre2_jit_stack_create(32 * 1024, RE_JIT_STACK_MAX, NULL);
	if (jstack)
		pcre2_jit_stack_assign(mctx, NULL, jstack);
	return mctx;
}

int re_match(const pcre2_code *re, const char *s, size_t n, size_t start, pcre2_match_data *md)
{
	if (!md) {
		if (!own && !(own = pcre2_match_data_create(4, NULL)))
			crm_diex("out of memory");
		md = own;
	}
	int k = pcre2_match(re, (PCRE2_SPTR)s, n, start, 0, md, context());
	if (k >= 0)
		return 1;
	if (k == PCRE2_ERROR_NOMATCH || k == PCRE2_ERROR_PARTIAL)
		return 0;
	PCRE2_UCHAR m[sizeof why];
	if (pcre2_get_error_message(k, m, sizeof m) < 0)
		snprintf(why, sizeof why, "PCRE2 error %d", k);
	else
		snprintf(why, sizeof why, "%s", (const char *)m);
	return -1;
}

const char *re_error(void)
{
	return why;
}

PCRE2_SIZE *re_ovector(void)
{
	return own ? pcre2_get_ovector_pointer(own) : NULL;
}
