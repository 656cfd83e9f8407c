/* colmap.c - --map SRC=DST */
#include "colmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

bool colmap_add(struct colmap *m, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return false;
	void *p = m->arg;
	xgrow(&p, &m->cap, m->n + 1, sizeof *m->arg);
	m->arg = p;
	m->arg[m->n++] = arg;
	return true;
}

const char *colmap_name(const struct colmap *m, const char *col)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *eq = strchr(m->arg[i], '=');
		size_t n = (size_t)(eq - m->arg[i]);
		if (strlen(col) == n && !strncmp(m->arg[i], col, n))
			col = eq + 1;
	}
	return col;
}

bool colmap_check(const struct colmap *m, char *const *h, size_t n, struct sb *why)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *eq = strchr(m->arg[i], '=');
		size_t len = (size_t)(eq - m->arg[i]);
		bool found = false;
		for (size_t c = 0; c < n && !found; c++)
			found = strlen(h[c]) == len && !strncmp(h[c], m->arg[i], len);
		/* a name an earlier mapping made: --map a=b --map b=c */
		for (size_t j = 0; j < i && !found; j++)
			found = strlen(strchr(m->arg[j], '=') + 1) == len &&
				!strncmp(strchr(m->arg[j], '=') + 1, m->arg[i], len);
		if (found)
			continue;
		sb_printf(why, "--map '%s': no column '%.*s' (the columns:", m->arg[i], (int)len,
			  m->arg[i]);
		for (size_t c = 0; c < n; c++)
			sb_printf(why, "%s %s", c ? "," : "", h[c]);
		sb_adds(why, n ? ")" : " none)");
		return false;
	}
	return true;
}

void colmap_free(struct colmap *m)
{
	free(m->arg);
	m->arg = NULL;
	m->n = m->cap = 0;
}
