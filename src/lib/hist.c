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

/* The end of the JSON string that starts at s[i] (a quote): the index just
 * past its closing quote, or n when it is not closed. */
static size_t str_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* True when the string token s[0..n) (quotes included) is the key "customer",
 * however it is escaped. */
static bool is_customer_key(const char *s, size_t n)
{
	if (!memchr(s, '\\', n))
		return n == 10 && !memcmp(s, "\"customer\"", 10);
	json_t *k = json_loadb(s, n, JSON_DECODE_ANY, NULL);
	bool yes = json_is_string(k) && !strcmp(json_string_value(k), "customer");
	json_decref(k);
	return yes;
}

/* Find the string value of the top-level key "customer" in the text of a
 * JSON object: [*b, *e) are the bytes of its token, quotes included. */
static bool find_customer(const char *s, size_t n, size_t *b, size_t *e)
{
	int depth = 0;
	bool want_key = false;
	for (size_t i = 0; i < n;) {
		char c = s[i];
		if (c == '"') {
			size_t end = str_end(s, n, i);
			if (depth != 1 || !want_key) {
				i = end;
				continue;
			}
			want_key = false;
			size_t v = skip_ws(s, n, end);
			if (v >= n || s[v] != ':')
				return false;
			v = skip_ws(s, n, v + 1);
			if (is_customer_key(s + i, end - i)) {
				if (v >= n || s[v] != '"')
					return false;
				*b = v;
				*e = str_end(s, n, v);
				return true;
			}
			i = v;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
			want_key = depth == 1;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == ',' && depth == 1) {
			want_key = true;
		}
		i++;
	}
	return false;
}

/* Append line l with its customer replaced by to. */
static void put_remapped(struct sb *out, const struct hline *l, const char *to)
{
	size_t b, e;
	if (find_customer(l->text, l->len, &b, &e)) {
		json_t *v = json_string(to);
		char *enc = json_dumps(v, JSON_ENCODE_ANY);
		sb_add(out, l->text, b);
		sb_adds(out, enc);
		sb_add(out, l->text + e, l->len - e);
		sb_addc(out, '\n');
		free(enc);
		json_decref(v);
		return;
	}
	/* not found in the text (it parsed, so this should not happen): write
	 * the object anew rather than lose the change */
	json_t *o = json_deep_copy(l->obj);
	json_object_set_new(o, "customer", json_string(to));
	jsonl_put(out, o);
	json_decref(o);
}

size_t hist_remap(const struct hist *h, char *const *ids, size_t n, const char *to,
		  struct sb *out, size_t *counts)
{
	size_t changed = 0;
	if (counts)
		memset(counts, 0, n * sizeof *counts);
	for (size_t i = 0; i < h->n; i++) {
		const struct hline *l = &h->v[i];
		size_t j = n;
		if (l->obj) {
			const char *c = json_str(l->obj, "customer");
			for (j = 0; j < n && strcmp(c, ids[j]); j++)
				;
		}
		if (j == n) {
			sb_add(out, l->text, l->len);
			sb_addc(out, '\n');
			continue;
		}
		changed++;
		if (counts)
			counts[j]++;
		if (to)
			put_remapped(out, l, to);
	}
	return changed;
}
