/* rules.c - the segments.conf parser */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Characters (not bytes) of s[0..n), plus one: the column after them. */
static long column_after(const char *s, size_t n)
{
	long col = 1;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			col++;
	return col;
}

/* One rule line: 1 with *r filled, 0 for a blank or comment line, -1 with
 * err filled (its line left to the caller). */
static int parse_line(char *line, const struct schema *sc, crm_time now, struct rule *r,
		      struct rules_err *err)
{
	char *s = str_trim(line);
	if (!*s || *s == '#')
		return 0;
	char *colon = strchr(s, ':');
	char *name = NULL;
	if (colon) {
		*colon = '\0';
		name = str_trim(s); /* may be empty: " \r: EXPR" */
	}
	if (!name || !*name) {
		err->col = 0;
		snprintf(err->msg, sizeof err->msg, "expected 'NAME: EXPR'");
		return -1;
	}
	char *ex = colon + 1;
	char msg[2048];
	struct expr *e = expr_parse(ex, sc, now, msg, sizeof msg);
	if (!e) {
		/* "COL: message", COL counted in the expression: made a column of the line */
		long col = strtol(msg, NULL, 10);
		const char *m = strchr(msg, ':');
		err->col = col + column_after(line, (size_t)(ex - line)) - 1;
		snprintf(err->msg, sizeof err->msg, "%s", m ? m + 1 : msg);
		return -1;
	}
	*r = (struct rule){ xstrdup(name), e, 0 };
	return 1;
}

/* Read the lines of text: each rule goes into *out (when out is set),
 * each bad line to fn (when set: then reading goes on) or, without fn,
 * ends the reading with -1 and err filled. Returns the number of bad lines
 * (fn) or 0, and -1 as said. */
static long walk(const char *text, size_t n, const struct schema *sc, crm_time now,
		 struct rule **out, size_t *nout, struct rules_err *err, rules_fn *fn, void *ctx)
{
	struct rule *v = NULL;
	size_t cap = 0, nv = 0, i = 0;
	long no = 0, bad = 0;
	struct sb line = { 0 };
	while (i < n) {
		const char *e = memchr(text + i, '\n', n - i);
		size_t l = e ? (size_t)(e - text - i) : n - i;
		const char *z = memchr(text + i, '\0', l);
		no++;
		sb_reset(&line);
		sb_add(&line, text + i, z ? (size_t)(z - text - i) : l);
		sb_str(&line);
		i += l + (e != NULL);
		struct rule r;
		int k = parse_line(line.s, sc, now, &r, err);
		if (k < 0) {
			err->line = no;
			bad++;
			if (fn) {
				fn(ctx, err);
				continue;
			}
			rules_free(v, nv);
			sb_free(&line);
			return -1;
		}
		if (k == 0)
			continue;
		r.line = no;
		if (!out) {
			free(r.name);
			expr_free(r.e);
			nv++;
			continue;
		}
		void *p = v;
		xgrow(&p, &cap, nv + 1, sizeof *v);
		v = p;
		v[nv++] = r;
	}
	sb_free(&line);
	if (out)
		*out = v;
	*nout = nv;
	return bad;
}

int rules_parse(const char *text, size_t n, const struct schema *sc, crm_time now,
		struct rule **out, size_t *nout, struct rules_err *err)
{
	return walk(text, n, sc, now, out, nout, err, NULL, NULL) < 0 ? -1 : 0;
}

static void ignore(void *ctx, const struct rules_err *err)
{
	(void)ctx;
	(void)err;
}

size_t rules_check(const char *text, size_t n, const struct schema *sc, crm_time now,
		   size_t *nrules, rules_fn *fn, void *ctx)
{
	struct rules_err err;
	return (size_t)walk(text, n, sc, now, NULL, nrules, &err, fn ? fn : ignore, ctx);
}

void rules_free(struct rule *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		expr_free(v[i].e);
	}
	free(v);
}
