/* conf.c - fuzz the crm.conf parser: settings come out trimmed, named,
 * on the lines they were read from, and a bad line is reported, not fatal */
#include "fuzz.h"

#include "dir.h"

static bool trimmed(const char *s)
{
	size_t n = strlen(s);
	return !n || (s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_item *items = NULL;
	size_t n = 0;
	long lines = 1, bad = 0;
	const char *err = NULL;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	int r = conf_parse((const char *)data, size, &items, &n, &bad, &err);
	fuzz_check(r == 0 || (r == -1 && err && *err && bad >= 1 && bad <= lines),
		   "a bad line is named with a reason");
	long last = 0;
	for (size_t i = 0; i < n; i++) {
		fuzz_check(*items[i].key != '\0', "a setting has a name");
		fuzz_check(!strchr(items[i].key, '='), "a name holds no '='");
		fuzz_check(*items[i].key != '#', "a comment is not a setting");
		fuzz_check(trimmed(items[i].key) && trimmed(items[i].value), "names and values are trimmed");
		fuzz_check(items[i].line > last && items[i].line <= lines, "settings are in line order");
		fuzz_check(r == 0 || items[i].line < bad, "settings stop at a bad line");
		last = items[i].line;
	}
	conf_free(items, n);
	return 0;
}
