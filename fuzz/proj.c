/* proj.c - fuzz the projection reader against Jansson: a line Jansson
 * reads as an object gives 1 and, for every field the caller asks for,
 * the value json_object_get gives; a line Jansson rejects gives -1; a
 * blank line gives 0. Jansson is asked as every other reader of the
 * history asks it, through jsonl_parse, which also refuses a NUL byte or
 * invalid UTF-8 anywhere in the line (Jansson alone lets a NUL byte pass
 * between two tokens). Tried asking for every field and for every other,
 * and with a reader that read another line before. */
#include "fuzz.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "jsonl.h"
#include "proj.h"

/* The keys, in the order of enum pj. */
static const char *const keys[PJ_MAX] = {
	"id", "ts", "customer", "type", "channel", "direction", "amount", "currency", "rating",
	"score", "ref", "campaign", "status", "stage", "probability", "close", "due", "by",
	"text", "subject", "message_id", "priority", "owner",
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

/* The line alone (proj_line), or with lines before and after it in one
 * indexed buffer as the history's reader gives it (proj_line_idx): pad
 * bytes of a line that ends in a cut UTF-8 character and an open string,
 * and after it a line with an open string. */
static int project(struct proj *p, const uint8_t *data, size_t size, size_t pad, char *err)
{
	if (pad == SIZE_MAX)
		return proj_line(p, (const char *)data, size, err, 200);
	size_t n = pad + 1 + size + 1 + 12;
	char *buf = malloc(n);
	memset(buf, '"', pad);
	if (pad)
		buf[pad - 1] = (char)0xC4;
	buf[pad] = '\n';
	memcpy(buf + pad + 1, data, size);
	memcpy(buf + pad + 1 + size, "\n{\"text\":\"a\xC5", 12);
	struct proj_idx x = { 0 };
	bool ix = proj_index(&x, buf, pad + 1 + size + 12);
	if (ix) {
		const char *nl = proj_idx_nl(&x, buf + pad + 1);
		fuzz_check(nl == buf + pad + 1 + size, "the index finds the line's newline");
		/* and the places of all the newlines, in order */
		size_t k = 0;
		const char *end = buf + pad + 1 + size + 12; /* what was indexed */
		for (const char *q = buf; (q = memchr(q, '\n', (size_t)(end - q))); q++, k++)
			fuzz_check(k < x.nn && x.np[k] == (size_t)(q - buf),
				   "the index has the place of every newline");
		fuzz_check(k == x.nn, "the index has no other newline places");
	}
	int r = proj_line_idx(p, ix ? &x : NULL, buf + pad + 1, size, err, 200);
	if (r == 1) {
		/* the values point into the buffer: copied before it goes */
		for (int i = 0; i < PJ_MAX; i++)
			if (p->v[i].kind && p->v[i].s >= buf && p->v[i].s < buf + n)
				p->v[i].s = (const char *)data + (p->v[i].s - (buf + pad + 1));
	}
	proj_idx_free(&x);
	free(buf);
	return r;
}

/* A line as crm writes it. */
static const char teacher[] =
	"{\"id\":\"1gnna29kge5wp\",\"ts\":\"2023-01-01T00:00:24Z\",\"customer\":\"1fh1n60jtcpep\","
	"\"type\":\"call\",\"channel\":\"phone\",\"by\":\"petar\",\"text\":\"a call\"}";

/* The line read by a reader that has read first the line before[0..bn)
 * (NULL for none) twice: what a reader keeps from line to line must not
 * change what it reads. */
static void try(const uint8_t *data, size_t size, const json_t *o, bool blank, unsigned skip,
		size_t pad, const void *before, size_t bn)
{
	struct proj p = { .skip = skip };
	char err[200] = "";
	if (before) {
		project(&p, before, bn, pad, err);
		project(&p, before, bn, pad, err);
	}
	err[0] = '\0';
	int r = project(&p, data, size, pad, err);
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
	try(data, size, o, blank, 0, SIZE_MAX, NULL, 0);
	try(data, size, o, blank, 0x155555u, SIZE_MAX, NULL, 0);
	try(data, size, o, blank, 0xAAAAAu, SIZE_MAX, NULL, 0);
	if (!memchr(data, '\n', size)) {
		/* at every place in a 64-byte word of the index */
		size_t pad = size ? data[0] % 64 : 0;
		try(data, size, o, blank, 0, pad, NULL, 0);
		try(data, size, o, blank, 0x155555u, 63 - pad, NULL, 0);
		/* after another line: crm's, or the line itself */
		try(data, size, o, blank, 0, pad, teacher, sizeof teacher - 1);
		try(data, size, o, blank, 0xAAAAAu, 63 - pad, data, size);
	}
	proj_simd_off = 1;
	try(data, size, o, blank, 0, SIZE_MAX, NULL, 0);
	proj_simd_off = 0;
	json_decref(o);
	return 0;
}
