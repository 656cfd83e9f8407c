/* conflicts.c - conflicts.jsonl */
#include "conflicts.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "jsonl.h"
#include "lock.h"
#include "util.h"

static bool among(const char *s, char *const *ids, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, ids[i]))
			return true;
	return false;
}

long conflicts_settle_merge(const struct crm_dir *d, char *const *ids, size_t n, bool dry)
{
	int fd = openat(d->fd, CONFLICTS, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		crm_warn("%s", crm_path(d, CONFLICTS));
		return -1;
	}
	struct sb text = { 0 }, keep = { 0 };
	int k = read_all(fd, &text);
	close(fd);
	if (k < 0) {
		crm_warn("%s", crm_path(d, CONFLICTS));
		sb_free(&text);
		return -1;
	}
	long settled = 0;
	for (size_t i = 0; i < text.len;) {
		const char *s = text.s + i, *nl = memchr(s, '\n', text.len - i);
		size_t len = nl ? (size_t)(nl - s) : text.len - i;
		i += len + (nl != NULL);
		char err[200];
		json_t *o = jsonl_parse(s, len, err, sizeof err);
		bool settles = o && !strcmp(json_str(o, "file"), CUSTOMERS) &&
			       !strcmp(json_str(o, "field"), "email") &&
			       among(json_string_value(json_object_get(o, "id")), ids, n) &&
			       among(json_string_value(json_object_get(o, "duplicate")), ids, n);
		json_decref(o);
		if (settles) {
			settled++;
			continue;
		}
		if (len || nl) {
			sb_add(&keep, s, len);
			sb_addc(&keep, '\n');
		}
	}
	int rc = 0;
	if (settled && !dry) {
		bool blank = true;
		for (size_t i = 0; i < keep.len && blank; i++)
			blank = keep.s[i] == '\n' || keep.s[i] == ' ' || keep.s[i] == '\t' || keep.s[i] == '\r';
		if (blank) {
			if (unlinkat(d->fd, CONFLICTS, 0) < 0 && errno != ENOENT) {
				crm_warn("%s", crm_path(d, CONFLICTS));
				rc = -1;
			}
		} else if (crm_rewrite(d, CONFLICTS, keep.s, keep.len) < 0) {
			rc = -1;
		}
	}
	sb_free(&text);
	sb_free(&keep);
	return rc < 0 ? -1 : settled;
}
