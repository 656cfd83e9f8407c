/* hist.c - the history file */
#include "hist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

const char *const hist_types[] = { "note", "call", "email", "meeting", "chat", "sms", "purchase",
				   "refund", "ticket", "survey", "task", "done", "deal", NULL };
const char *const hist_channels[] = { "email", "phone", "sms", "chat", "meeting", "web", "shop",
				      "post", "other", NULL };

bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

struct linein *hist_open(const struct crm_dir *d)
{
	int fd = openat(d->fd, INTERACTIONS, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return NULL;
		crm_die("%s", crm_path(d, INTERACTIONS));
	}
	return linein_open(fd, crm_path(d, INTERACTIONS));
}

int hist_load(struct hist *h, const struct crm_dir *d, bool strict)
{
	memset(h, 0, sizeof *h);
	struct linein *in = hist_open(d);
	if (!in)
		return 0;
	const char *s;
	size_t n;
	bool torn;
	int k, rc = 0;
	while ((k = linein_next(in, &s, &n, &torn)) > 0) {
		char err[200];
		json_t *o = jsonl_parse(s, n, err, sizeof err);
		if (!o && !err[0])
			continue; /* blank */
		if (!o) {
			crm_dataerr(in->b.name, in->line, "%s%s", torn ? "torn last line: " : "", err);
			if (strict) {
				rc = -1;
				break;
			}
		}
		void *p = h->v;
		xgrow(&p, &h->cap, h->n + 1, sizeof *h->v);
		h->v = p;
		h->v[h->n++] = (struct hline){ o, xstrndup(s, n), n, in->line };
	}
	if (k < 0)
		rc = -1;
	close(in->b.fd);
	linein_close(in);
	return rc;
}

void hist_free(struct hist *h)
{
	for (size_t i = 0; i < h->n; i++) {
		json_decref(h->v[i].obj);
		free(h->v[i].text);
	}
	free(h->v);
	memset(h, 0, sizeof *h);
}
