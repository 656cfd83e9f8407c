/* phone.c - phone numbers */
#include "phone.h"

#include <stdlib.h>
#include <string.h>

bool phone_norm(const char *in, struct sb *out)
{
	sb_reset(out);
	for (const char *p = in; *p; p++) {
		if (strchr(" \t-./()[]", *p))
			continue;
		if (*p == '+' && out->len == 0) {
			sb_addc(out, '+');
			continue;
		}
		if (*p < '0' || *p > '9')
			return false;
		sb_addc(out, *p);
	}
	const char *s = sb_str(out);
	if (!strncmp(s, "00", 2)) {
		memmove(out->s + 1, out->s + 2, out->len - 1); /* with the NUL */
		out->s[0] = '+';
		out->len--;
	}
	size_t digits = out->len - (out->len && out->s[0] == '+');
	return digits >= 3 && digits <= 20;
}

/* The national part of a normalised number, or NULL when it is too short. */
static const char *national(const char *num)
{
	size_t n = strlen(num);
	size_t digits = n - (num[0] == '+');
	return digits >= PHONE_NATIONAL ? num + n - PHONE_NATIONAL : NULL;
}

void phone_book_add(struct phone_book *b, const char *field, long row)
{
	char *copy = xstrdup(field);
	for (char *p = copy; *p; p++)
		if (*p == ',')
			*p = ';';
	char **v = split(copy, ';', NULL);
	struct sb num = { 0 };
	for (char **q = v; *q; q++) {
		if (!phone_norm(*q, &num))
			continue;
		const char *s = sb_str(&num), *nat = national(s);
		hmap_put_row(&b->exact, &b->v_exact, &b->c_exact, s, num.len, row);
		if (!nat)
			continue;
		hmap_put_row(&b->all, &b->v_all, &b->c_all, nat, PHONE_NATIONAL, row);
		if (s[0] != '+')
			hmap_put_row(&b->plain, &b->v_plain, &b->c_plain, nat, PHONE_NATIONAL, row);
	}
	sb_free(&num);
	free_strv(v);
	free(copy);
}

long phone_book_find(const struct phone_book *b, const char *num)
{
	long r = hmap_get_row(&b->exact, b->v_exact, num, strlen(num));
	if (r != -1)
		return r;
	const char *nat = national(num);
	if (!nat)
		return -1;
	/* two numbers with country prefixes are the same only when equal */
	if (num[0] == '+')
		return hmap_get_row(&b->plain, b->v_plain, nat, PHONE_NATIONAL);
	return hmap_get_row(&b->all, b->v_all, nat, PHONE_NATIONAL);
}

void phone_book_free(struct phone_book *b)
{
	hmap_free(&b->exact);
	hmap_free(&b->plain);
	hmap_free(&b->all);
	free(b->v_exact);
	free(b->v_plain);
	free(b->v_all);
	memset(b, 0, sizeof *b);
}
