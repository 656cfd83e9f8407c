/* jsonl.c - fuzz the JSON Lines reader: lines split as counted, every
 * line jsonl_parse accepts is an object Jansson accepts too, and written
 * back with jsonl_put it parses to an equal object */
#include "fuzz.h"

#include "jsonl.h"

static void check_line(const char *s, size_t n)
{
	char err[200];
	json_t *o = jsonl_parse(s, n, err, sizeof err);
	if (!o)
		return;
	fuzz_check(json_is_object(o), "jsonl_parse gives an object");
	json_error_t je;
	json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
	fuzz_check(j && json_equal(o, j), "Jansson reads the same object");
	json_decref(j);
	struct sb b = { 0 };
	jsonl_put(&b, o);
	fuzz_check(b.len > 0 && b.s[b.len - 1] == '\n' && !memchr(b.s, '\n', b.len - 1),
		   "jsonl_put writes one line");
	json_t *back = jsonl_parse(b.s, b.len - 1, err, sizeof err);
	fuzz_check(back && json_equal(o, back), "the written line parses to an equal object");
	const char *key;
	json_t *val;
	json_object_foreach(o, key, val)
		fuzz_check(!json_is_string(val) || json_str(o, key) == json_string_value(val),
			   "json_str gives a string's value");
	json_decref(back);
	sb_free(&b);
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linein *in = xcalloc(1, sizeof *in);
	bufin_init_mem(&in->b, (const char *)data, size, "fuzz.jsonl");
	const char *s;
	size_t n;
	bool torn;
	long lines = 0;
	int k;
	while ((k = linein_next(in, &s, &n, &torn)) > 0) {
		lines++;
		fuzz_check(in->line == lines, "lines are counted one by one");
		fuzz_check(!memchr(s, '\n', n), "a line holds no line end");
		fuzz_check(!torn || s + n == (const char *)data + size, "only the last line is torn");
		check_line(s, n);
	}
	fuzz_check(k == 0, "reading memory never fails");
	linein_close(in);
	return 0;
}
