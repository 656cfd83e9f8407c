/* proj.c - fuzz the projection reader against Jansson: a line Jansson
 * reads as an object gives 1 and, for every field the caller asks for,
 * the value json_object_get gives; a line Jansson rejects gives -1; a
 * blank line gives 0. Jansson is asked as every other reader of the
 * history asks it, through jsonl_parse, which also refuses a NUL byte or
 * invalid UTF-8 anywhere in the line (Jansson alone lets a NUL byte pass
 * between two tokens). Tried asking for every field and for every other. */
#include "fuzz.h"

#include <jansson.h>

#include "jsonl.h"
#include "proj.h"

/* The keys, in the order of enum pj. */
static const char *const keys[PJ_MAX] = {
	"id", "ts", "customer", "type", "channel", "direction", "amount", "currency", "rating",
	"score", "ref", "campaign", "status", "stage", "probability", "close", "due", "by",
	"text", "subject",
};

static char kind_of(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING: return 's';
	case JSON_INTEGER:
	case JSON_REAL: return 'n';
	case JSON_TRUE:
	case JSON_FALSE: return 'b';
	case JSON_NULL: return 'z';
	case JSON_ARRAY: return 'a';
	default: return 'o';
	}
}

static void same_value(const struct pval *p, const json_t *v)
{
	if (!v) {
		fuzz_check(p->kind == 0, "an absent key is absent");
		return;
	}
	fuzz_check(p->kind == kind_of(v), "the kind agrees with Jansson");
	if (p->kind == 's') {
		fuzz_check(p->n == json_string_length(v) && !memcmp(p->s, json_string_value(v), p->n),
			   "a string agrees with Jansson");
		return;
	}
	/* other values are their JSON text: read it back */
	json_error_t e;
	json_t *back = json_loadb(p->s, p->n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
	fuzz_check(back != NULL, "a value's text is JSON");
	fuzz_check(json_equal(back, v), "a value agrees with Jansson");
	long long x;
	if (pval_int(p, &x))
		fuzz_check(json_is_integer(v) && json_integer_value(v) == x,
			   "pval_int agrees with Jansson's integer");
	json_decref(back);
}

static void try(const uint8_t *data, size_t size, const json_t *o, bool blank, unsigned skip)
{
	struct proj p = { .skip = skip };
	char err[200] = "";
	int r = proj_line(&p, (const char *)data, size, err, sizeof err);
	if (blank) {
		fuzz_check(r == 0, "a blank line gives 0");
	} else if (!o) {
		fuzz_check(r == -1, "a line Jansson rejects gives -1");
		fuzz_check(err[0] != '\0', "a rejected line has a reason");
	} else {
		fuzz_check(r == 1, "a line Jansson reads gives 1");
		for (int i = 0; i < PJ_MAX; i++)
			if (!(skip & 1u << i))
				same_value(&p.v[i], json_object_get(o, keys[i]));
	}
	proj_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool blank = true;
	for (size_t i = 0; i < size && blank; i++)
		blank = data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n';
	char err[200];
	json_t *o = jsonl_parse((const char *)data, size, err, sizeof err);
	try(data, size, o, blank, 0);
	try(data, size, o, blank, 0x55555u);
	try(data, size, o, blank, 0xAAAAAu);
	json_decref(o);
	return 0;
}
