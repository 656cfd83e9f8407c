/* frontcheck.c - the history reader learns the front of the lines (the
 * first fields, whose keys and value widths repeat: id, ts, customer) and
 * a second front after it, chosen by the type, and takes a line that fits
 * them without reading those fields one by one. A line read that way must
 * give what the byte-wise path gives it alone.
 *
 * For each of a few teacher lines, every variant of it with one byte of
 * its first 170 replaced by, inserted before or deleted, or with one of
 * its keys given again at its end, is read after the teacher (which
 * teaches the fronts; with and without a line of another type before it),
 * in one indexed buffer with a reader that lives on; then the teacher is
 * read once more, after whatever the variant made the reader keep of its
 * fronts. Both must agree with the
 * byte-wise reading on the verdict and on every field's value. Exit 0
 * when all agree, 1 (with the first few differences) when not, 77 when
 * this processor has no vector path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proj.h"

static long tried, differ, fitted, fitted2;

static void show(const char *what, const char *s, size_t n)
{
	printf("%s: ", what);
	for (size_t i = 0; i < n; i++)
		printf(s[i] >= 0x20 && s[i] < 0x7F ? "%c" : "\\x%02X", (unsigned char)s[i]);
	printf("\n");
}

/* Whether two readings agree on the verdict and every value asked for. */
static bool agree(int ra, const struct proj *a, int rb, const struct proj *b)
{
	if (ra != rb)
		return false;
	if (ra != 1)
		return true;
	for (int i = 0; i < PJ_MAX; i++)
		if (!(a->skip & 1u << i) && (a->v[i].kind != b->v[i].kind || a->v[i].n != b->v[i].n ||
		    (a->v[i].n && memcmp(a->v[i].s, b->v[i].s, a->v[i].n)))) {
			printf("field %d: %c %.*s against %c %.*s\n", i, a->v[i].kind, (int)a->v[i].n,
			       a->v[i].s, b->v[i].kind, (int)b->v[i].n, b->v[i].s);
			return false;
		}
	return true;
}

/* The line s[0..n) read byte by byte, alone, into a. */
static int alone(struct proj *a, const char *s, size_t n)
{
	char err[200];
	proj_simd_off = 1;
	int r = proj_line(a, s, n, err, sizeof err);
	proj_simd_off = 0;
	return r;
}

/* A line of another type than most teachers, with the same widths of id,
 * ts and customer: read first, it makes the first front stop before the
 * type, as a real history does, and the second front start there. */
static const char other[] =
	"{\"id\":\"1gnna2hbey2v6\",\"ts\":\"2023-01-01T00:00:32Z\",\"customer\":\"1f8902mfpfan6\","
	"\"type\":\"email\",\"channel\":\"email\",\"direction\":\"out\",\"by\":\"kasia\",\"text\":\"x\"}";

/* The line pre when asked for (the first front is learnt from it), the
 * teacher t twice (the first front learnt or cut from the first, the
 * second front learnt from the second), then the variant v, then t again,
 * in one buffer that is indexed once, with one reader. */
static void one(const char *t, size_t tn, const char *v, size_t vn, unsigned skip, bool pre)
{
	static char buf[2048];
	size_t n = 0;
	const char *line[5] = { other, t, t, v, t };
	size_t len[5] = { sizeof other - 1, tn, tn, vn, tn }, at[5];
	for (int i = 0; i < 5; i++) {
		at[i] = n;
		memcpy(buf + n, line[i], len[i]);
		n += len[i];
		buf[n++] = '\n';
	}
	struct proj_idx x = { 0 };
	if (!proj_index(&x, buf, n))
		exit(77);
	struct proj r = { .skip = skip }, a = { .skip = skip }, c = { .skip = skip };
	char err[200];
	int k0 = pre ? proj_line_idx(&r, &x, buf + at[0], len[0], err, sizeof err) : 1;
	int k1 = proj_line_idx(&r, &x, buf + at[1], tn, err, sizeof err);
	int k2 = proj_line_idx(&r, &x, buf + at[2], tn, err, sizeof err);
	int kv = proj_line_idx(&r, &x, buf + at[3], vn, err, sizeof err);
	bool hit = r.front.state > 0 && !r.front.missed && vn >= PROJ_FRONT + 2 && kv == 1;
	int av = alone(&a, v, vn);
	tried++;
	fitted += hit;
	fitted2 += hit && r.next_missed == NULL && vn >= r.front.len + PROJ_NEXT_WIDTH + 2;
	if (k0 != 1 || k1 != 1 || k2 != 1 || !agree(av, &a, kv, &r)) {
		if (differ++ < 10) {
			printf("variant: byte-wise %d, after the teacher %d\n", av, kv);
			show("teacher", t, tn);
			show("variant", v, vn);
		}
	}
	int kt = proj_line_idx(&r, &x, buf + at[4], tn, err, sizeof err);
	int at4 = alone(&c, t, tn);
	tried++;
	if (!agree(at4, &c, kt, &r)) {
		if (differ++ < 10) {
			printf("teacher again: byte-wise %d, after the variant %d\n", at4, kt);
			show("variant", v, vn);
		}
	}
	proj_free(&r);
	proj_free(&a);
	proj_free(&c);
	proj_idx_free(&x);
}

int main(void)
{
	static const char *const teachers[] = {
		"{\"id\":\"1gnna29kge5wp\",\"ts\":\"2023-01-01T00:00:24Z\",\"customer\":\"1fh1n60jtcpep\","
		"\"type\":\"purchase\",\"channel\":\"shop\",\"by\":\"petar\",\"subject\":\"p\xC5\x82"
		"atno\xC5\x9B\xC4\x87\",\"amount\":19199,\"currency\":\"PLN\"}",
		"{\"id\":\"1gnna2hbey2v6\",\"ts\":\"2023-01-01T00:00:32Z\",\"customer\":\"1f8902mfpfan6\","
		"\"type\":\"email\",\"channel\":\"email\",\"direction\":\"out\",\"by\":\"kasia\",\"text\":"
		"\"a \\\"quoted\\\" word\\n\\u0041\"}",
		/* a front of other fields, and a value with a two-byte character */
		"{\"type\":\"note\",\"by\":\"\xD0\x91\xD0\xBE\xD1\x80\xD0\xB8\xD1\x81\",\"customer\":\"c1\","
		"\"channel\":\"other\",\"ts\":\"2026-01-02T03:04:05Z\",\"id\":\"x\",\"text\":"
		"\"nothing much to say here, but long enough\"}",
		/* too few string fields at the front to learn one */
		"{\"id\":\"a\",\"amount\":5,\"ts\":\"2026-01-02T03:04:05Z\",\"customer\":\"c1\",\"type\":\"note\","
		"\"text\":\"a text long enough to pass the front's width of bytes, and more\"}",
	};
	static const char bytes[] = { '"', '\\', 'x', ',', ':', '{', '}', ' ', '\x01', '\xC4',
				      '\x80', '1', 'u', 'n' };
	static const unsigned skips[] = { 0, 0x155555u, ~(1u << PJ_CUSTOMER | 1u << PJ_TS) };
	static const char *const keys[] = { "id", "ts", "customer", "type", "channel", "direction",
					    "by", "subject", "text", "amount", "currency" };
	char v[1024];
	for (size_t ti = 0; ti < sizeof teachers / sizeof *teachers; ti++) {
		const char *t = teachers[ti];
		size_t tn = strlen(t);
		for (size_t si = 0; si < 2 * sizeof skips / sizeof *skips; si++) {
			unsigned skip = skips[si / 2];
			bool pre = si % 2;
			one(t, tn, t, tn, skip, pre);
			for (size_t at = 0; at < 170 && at < tn; at++) {
				for (size_t bi = 0; bi < sizeof bytes; bi++) {
					memcpy(v, t, tn);
					v[at] = bytes[bi];
					one(t, tn, v, tn, skip, pre);
					memcpy(v, t, at);
					v[at] = bytes[bi];
					memcpy(v + at + 1, t + at, tn - at);
					one(t, tn, v, tn + 1, skip, pre);
				}
				memcpy(v, t, at);
				memcpy(v + at, t + at + 1, tn - at - 1);
				one(t, tn, v, tn - 1, skip, pre);
			}
			/* a key given twice, the second at the end */
			for (size_t ki = 0; ki < sizeof keys / sizeof *keys; ki++) {
				int n = snprintf(v, sizeof v, "%.*s,\"%s\":\"x\"}", (int)(tn - 1), t, keys[ki]);
				one(t, tn, v, (size_t)n, skip, pre);
			}
		}
	}
	printf("%ld lines, %ld fitted the front, %ld the second front too, %ld read differently\n",
	       tried, fitted, fitted2, differ);
	return differ || !fitted || !fitted2 ? 1 : 0;
}
