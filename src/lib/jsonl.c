/* jsonl.c - JSON Lines over Jansson */
#include "jsonl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

long jsonl_bad_lines;

struct linein *linein_open(int fd, const char *name)
{
	struct linein *in = xcalloc(1, sizeof *in);
	bufin_init(&in->b, fd, name, 1 << 20);
	return in;
}

struct linein *linein_open_mem(const char *data, size_t n, const char *name)
{
	struct linein *in = xcalloc(1, sizeof *in);
	bufin_init_mem(&in->b, data, n, name);
	return in;
}

void linein_close(struct linein *in)
{
	if (!in)
		return;
	bufin_free(&in->b);
	free(in);
}

int linein_next(struct linein *in, const char **s, size_t *n, bool *torn)
{
	*torn = false;
	for (;;) {
		if (in->scan < in->b.beg)
			in->scan = in->b.beg;
		const char *nl = memchr(in->b.buf + in->scan, '\n', in->b.end - in->scan);
		if (nl) {
			*s = in->b.buf + in->b.beg;
			*n = (size_t)(nl - *s);
			in->b.beg = (size_t)(nl - in->b.buf) + 1;
			in->scan = in->b.beg;
			in->line++;
			return 1;
		}
		if (in->b.eof) {
			if (in->b.beg == in->b.end)
				return 0;
			*s = in->b.buf + in->b.beg;
			*n = in->b.end - in->b.beg;
			in->b.beg = in->b.end;
			in->line++;
			*torn = true;
			return 1;
		}
		size_t seen = in->b.end, shift;
		in->b.line = in->line + 1;
		if (bufin_fill(&in->b, &shift) < 0)
			return -1;
		in->scan = seen - shift;
	}
}

json_t *jsonl_parse(const char *s, size_t n, char *err, size_t err_size)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	if (i == n) {
		err[0] = '\0';
		return NULL;
	}
	if (memchr(s, '\0', n)) {
		snprintf(err, err_size, "NUL byte in the line");
		return NULL;
	}
	size_t bad;
	if (!u8_valid(s, n, &bad)) {
		snprintf(err, err_size, "invalid UTF-8 at column %zu", bad + 1);
		return NULL;
	}
	json_error_t e;
	json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES, &e);
	if (!o) {
		snprintf(err, err_size, "%s", e.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		snprintf(err, err_size, "not a JSON object");
		return NULL;
	}
	return o;
}

json_t *jsonl_next(struct linein *in, bool strict, long *line, bool *failed)
{
	*failed = false;
	for (;;) {
		const char *s;
		size_t n;
		bool torn;
		int k = linein_next(in, &s, &n, &torn);
		if (k < 0) {
			*failed = true;
			return NULL;
		}
		if (k == 0)
			return NULL;
		char err[200];
		json_t *o = jsonl_parse(s, n, err, sizeof err);
		if (o) {
			if (torn)
				crm_dataerr(in->b.name, in->line, "%s: %s", JSONL_TORN, JSONL_TORN_OK);
			*line = in->line;
			return o;
		}
		if (!err[0])
			continue;
		if (torn)
			crm_dataerr(in->b.name, in->line, "%s: %s", JSONL_TORN, err);
		else
			crm_dataerr(in->b.name, in->line, "%s", err);
		jsonl_bad_lines++;
		if (strict) {
			*failed = true;
			return NULL;
		}
	}
}

void jsonl_put(struct sb *b, const json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT);
	if (!s)
		crm_diex("out of memory");
	sb_adds(b, s);
	sb_addc(b, '\n');
	free(s);
}

const char *json_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

char *json_cell_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrndup(json_string_value(v), json_string_length(v));
	if (!v || json_is_null(v))
		return xstrdup("");
	char b[40];
	if (json_is_integer(v)) {
		snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
		return xstrdup(b);
	}
	if (json_is_real(v)) {
		/* any number written with at most 15 significant digits reads
		 * back from 15 (%g drops the trailing zeros: 100.0 is 100); 17
		 * always do (the locale is always C) */
		double d = json_real_value(v);
		for (int p = 15; p <= 17; p++) {
			snprintf(b, sizeof b, "%.*g", p, d);
			if (strtod(b, NULL) == d)
				break;
		}
		return xstrdup(b);
	}
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!s)
		crm_diex("out of memory");
	char *r = xstrdup(s);
	free(s);
	return r;
}
