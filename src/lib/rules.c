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
	*r = (struct rule){ xstrdup(name), e };
	return 1;
}

int rules_parse(const char *text, size_t n, const struct schema *sc, crm_time now,
		struct rule **out, size_t *nout, struct rules_err *err)
{
	struct rule *v = NULL;
	size_t cap = 0, nv = 0, i = 0;
	long no = 0;
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
			rules_free(v, nv);
			sb_free(&line);
			return -1;
		}
		if (k == 0)
			continue;
		void *p = v;
		xgrow(&p, &cap, nv + 1, sizeof *v);
		v = p;
		v[nv++] = r;
	}
	sb_free(&line);
	*out = v;
	*nout = nv;
	return 0;
}

void rules_free(struct rule *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		expr_free(v[i].e);
	}
	free(v);
}
