/* tags.c - the tags of a customer */
#include "tags.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* True when the ';'-list have holds tag, ignoring case. */
static bool tags_have(const char *have, const char *tag, size_t n)
{
	char **seen = split(have, ';', NULL);
	struct sb a = { 0 }, b = { 0 };
	u8_fold(tag, n, false, &a);
	bool dup = false;
	for (char **q = seen; *q && !dup; q++) {
		sb_reset(&b);
		u8_fold(*q, strlen(*q), false, &b);
		dup = !strcmp(sb_str(&a), sb_str(&b));
	}
	sb_free(&a);
	sb_free(&b);
	free_strv(seen);
	return dup;
}

void tags_merge(struct sb *out, const char *add)
{
	char **have = split(sb_str(out), ';', NULL);
	char *copy = xstrdup(add);
	for (char *p = copy; *p; p++)
		if (*p == ',')
			*p = ';';
	char **v = split(copy, ';', NULL);
	struct sb res = { 0 };
	char **lists[2] = { have, v };
	for (int l = 0; l < 2; l++)
		for (char **t = lists[l]; *t; t++) {
			char *s = *t;
			while (*s == ' ')
				s++;
			if (l == 1 && *s == '+')
				s++; /* "+tag": add it */
			size_t n = strlen(s);
			while (n && s[n - 1] == ' ')
				s[--n] = '\0';
			if (!n || tags_have(sb_str(&res), s, n))
				continue;
			if (res.len)
				sb_addc(&res, ';');
			sb_adds(&res, s);
		}
	sb_reset(out);
	sb_adds(out, sb_str(&res));
	sb_free(&res);
	free_strv(have);
	free_strv(v);
	free(copy);
}

void tags_remove(struct sb *out, const char *remove)
{
	/* what to remove, cleaned as tags_merge cleans what it adds */
	struct sb gone = { 0 };
	tags_merge(&gone, remove);
	char **have = split(sb_str(out), ';', NULL);
	struct sb res = { 0 };
	for (char **t = have; *t; t++) {
		char *s = *t;
		while (*s == ' ')
			s++;
		size_t n = strlen(s);
		while (n && s[n - 1] == ' ')
			s[--n] = '\0';
		if (!n || tags_have(sb_str(&gone), s, n) || tags_have(sb_str(&res), s, n))
			continue;
		if (res.len)
			sb_addc(&res, ';');
		sb_adds(&res, s);
	}
	sb_reset(out);
	sb_adds(out, sb_str(&res));
	sb_free(&res);
	sb_free(&gone);
	free_strv(have);
}
