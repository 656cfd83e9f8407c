/* scan.c - reading the history line by line through the projection reader */
#include "scan.h"

#include <string.h>
#include <unistd.h>

#include "hist.h"
#include "util.h"

bool pv_is(const struct pval *v, const char *s)
{
	size_t n = strlen(s);
	return v->kind == 's' && v->n == n && !memcmp(v->s, s, n);
}

const char *pv_str(const struct pval *v, char *buf, size_t n)
{
	if (v->kind != 's' || !n) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	size_t k = v->n < n - 1 ? v->n : n - 1;
	memcpy(buf, v->s, k);
	buf[k] = '\0';
	return buf;
}

int scan_history(const struct crm_dir *d, bool strict, void (*fn)(const struct event *, void *),
		 void *ctx)
{
	struct linein *in = hist_open(d);
	if (!in)
		return 0;
	struct proj pj = { 0 };
	const char *s;
	size_t n;
	bool torn;
	int k, rc = 0;
	while ((k = linein_next(in, &s, &n, &torn)) > 0) {
		char err[200];
		int r = proj_line(&pj, s, n, err, sizeof err);
		if (r == 0)
			continue;
		if (r < 0) {
			crm_dataerr(in->b.name, in->line, "%s%s", torn ? "torn last line: " : "", err);
			if (strict) {
				rc = -1;
				break;
			}
			continue;
		}
		struct event e = { &pj, 0, false };
		if (pj.v[PJ_TS].kind == 's' && pj.v[PJ_TS].n < 64) {
			char b[64];
			e.has_ts = date_parse(pv_str(&pj.v[PJ_TS], b, sizeof b), &e.ts);
		}
		fn(&e, ctx);
	}
	if (k < 0)
		rc = -1;
	proj_free(&pj);
	close(in->b.fd);
	linein_close(in);
	return rc;
}
