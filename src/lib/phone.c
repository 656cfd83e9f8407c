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

const char *phone_calling_code(const char *cc)
{
	static const char *const codes[][2] = {
		{ "AT", "43" },	 { "BE", "32" },  { "BG", "359" }, { "CH", "41" },  { "CY", "357" },
		{ "CZ", "420" }, { "DE", "49" },  { "DK", "45" },  { "EE", "372" }, { "ES", "34" },
		{ "FI", "358" }, { "FR", "33" },  { "GB", "44" },  { "GR", "30" },  { "HR", "385" },
		{ "HU", "36" },	 { "IE", "353" }, { "IT", "39" },  { "LT", "370" }, { "LU", "352" },
		{ "LV", "371" }, { "MT", "356" }, { "NL", "31" },  { "NO", "47" },  { "PL", "48" },
		{ "PT", "351" }, { "RO", "40" },  { "SE", "46" },  { "SI", "386" }, { "SK", "421" },
		{ "UA", "380" }, { "US", "1" },
	};
	if (!cc || strlen(cc) != 2)
		return NULL;
	char up[3] = { (char)(cc[0] & ~32), (char)(cc[1] & ~32), 0 };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (!strcmp(codes[i][0], up))
			return codes[i][1];
	return NULL;
}

bool phone_norm_in(const char *in, const char *country, struct sb *out)
{
	if (!phone_norm(in, out))
		return false;
	const char *code = out->s[0] == '+' ? NULL : phone_calling_code(country);
	if (!code)
		return true;
	struct sb n = { 0 };
	const char *d = out->s[0] == '0' ? out->s + 1 : out->s; /* the trunk prefix */
	sb_printf(&n, "+%s%s", code, d);
	sb_reset(out);
	sb_add(out, n.s, n.len);
	sb_free(&n);
	return true;
}

bool phone_match(const char *field, const char *num, const char *country)
{
	const char *nat = national(num);
	struct sb one = { 0 }, got = { 0 };
	bool same = false;
	for (const char *p = field; *p && !same;) {
		size_t k = strcspn(p, ";,");
		sb_reset(&one);
		sb_add(&one, p, k);
		p += k + (p[k] != '\0');
		if (!phone_norm_in(sb_str(&one), country, &got))
			continue;
		const char *s = sb_str(&got), *gn = national(s);
		same = !strcmp(s, num) ||
		       (nat && gn && (num[0] != '+' || s[0] != '+') && !memcmp(nat, gn, PHONE_NATIONAL));
	}
	sb_free(&one);
	sb_free(&got);
	return same;
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
