/* frontcheck.c - the history reader learns the front of the lines (the
 * first fields, whose keys and value widths repeat: id, ts, customer) and
 * takes a line that fits it without reading those fields one by one. A
 * line read that way must give what the byte-wise path gives it alone.
 *
 * For each of a few teacher lines, every variant of it with one byte of
 * its first 110 replaced by, inserted before or deleted is read after the
 * teacher (which teaches the front), in one indexed buffer with a reader
 * that lives on; then the teacher is read once more, after whatever the
 * variant made the reader keep of its front. Both must agree with the
 * byte-wise reading on the verdict and on every field's value. Exit 0
 * when all agree, 1 (with the first few differences) when not, 77 when
 * this processor has no vector path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proj.h"

static long tried, differ, fitted;

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

/* The teacher t, then the variant v, then t again, in one buffer that is
 * indexed once, with one reader. */
static void one(const char *t, size_t tn, const char *v, size_t vn, unsigned skip)
{
	static char buf[1024];
	memcpy(buf, t, tn);
	buf[tn] = '\n';
	memcpy(buf + tn + 1, v, vn);
	buf[tn + 1 + vn] = '\n';
	memcpy(buf + tn + 2 + vn, t, tn);
	buf[2 * tn + 2 + vn] = '\n';
	size_t n = 2 * tn + 3 + vn;
	struct proj_idx x = { 0 };
	if (!proj_index(&x, buf, n))
		exit(77);
	struct proj r = { .skip = skip }, a = { .skip = skip }, c = { .skip = skip };
	char err[200];
	int k1 = proj_line_idx(&r, &x, buf, tn, err, sizeof err);
	int kv = proj_line_idx(&r, &x, buf + tn + 1, vn, err, sizeof err);
	bool hit = r.front.state > 0 && !r.front.missed && vn >= PROJ_FRONT + 2 && kv == 1;
	int av = alone(&a, v, vn);
	tried++;
	fitted += hit;
	if (k1 != 1 || !agree(av, &a, kv, &r)) {
		if (differ++ < 10) {
			printf("variant: byte-wise %d, after the teacher %d\n", av, kv);
			show("teacher", t, tn);
			show("variant", v, vn);
		}
	}
	int kt = proj_line_idx(&r, &x, buf + tn + 2 + vn, tn, err, sizeof err);
	int at = alone(&c, t, tn);
	tried++;
	if (!agree(at, &c, kt, &r)) {
		if (differ++ < 10) {
			printf("teacher again: byte-wise %d, after the variant %d\n", at, kt);
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
	char v[1024];
	for (size_t ti = 0; ti < sizeof teachers / sizeof *teachers; ti++) {
		const char *t = teachers[ti];
		size_t tn = strlen(t);
		for (size_t si = 0; si < sizeof skips / sizeof *skips; si++) {
			unsigned skip = skips[si];
			one(t, tn, t, tn, skip);
			for (size_t at = 0; at < 110 && at < tn; at++) {
				for (size_t bi = 0; bi < sizeof bytes; bi++) {
					memcpy(v, t, tn);
					v[at] = bytes[bi];
					one(t, tn, v, tn, skip);
					memcpy(v, t, at);
					v[at] = bytes[bi];
					memcpy(v + at + 1, t + at, tn - at);
					one(t, tn, v, tn + 1, skip);
				}
				memcpy(v, t, at);
				memcpy(v + at, t + at + 1, tn - at - 1);
				one(t, tn, v, tn - 1, skip);
			}
			/* a key given twice, the second after the front */
			int n = snprintf(v, sizeof v, "%.*s,\"ts\":\"x\"}", (int)(tn - 1), t);
			one(t, tn, v, (size_t)n, skip);
		}
	}
	printf("%ld lines, %ld fitted the front, %ld read differently\n", tried, fitted, differ);
	return differ || !fitted ? 1 : 0;
}
