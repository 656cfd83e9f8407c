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

void colmap_free(struct colmap *m)
{
	free(m->arg);
	m->arg = NULL;
	m->n = m->cap = 0;
}
