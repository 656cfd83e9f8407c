/* cscancheck.c - the fast CSV reader (cscan.h) must cut the records that
 * csvin_next_raw cuts, at the same lines and offsets, and a literal must
 * pick the records a plain search finds (lit.h). Random files of letters,
 * commas, quotes, CR, LF and UTF-8 (the characters that fold to ASCII
 * letters too), some with a quote never closed, are read with buffers of
 * 16 bytes to 1 MiB; lit_find, lit_special and lit_count_nl are compared
 * with byte-by-byte loops. Exit 0 when all agree, 1 with the first
 * differences. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cscan.h"
#include "lit.h"

static long tried, differ;
static unsigned long long rng = 0x243F6A8885A308D3ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void bad(const char *what, const char *data, size_t n)
{
	if (differ++ < 10) {
		printf("%s in: ", what);
		for (size_t i = 0; i < n && i < 300; i++)
			printf(data[i] >= 0x20 && data[i] < 0x7F ? "%c" : "\\x%02X", (unsigned char)data[i]);
		printf("\n");
	}
}

static bool naive_has(const char *s, size_t n, const char *l, size_t m)
{
	for (size_t i = 0; i + m <= n; i++) {
		size_t k = 0;
		while (k < m) {
			unsigned char a = (unsigned char)s[i + k], b = (unsigned char)l[k];
			bool letter = (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
			if (letter ? (a | 0x20) != (b | 0x20) : a != b)
				break;
			k++;
		}
		if (k == m)
			return true;
	}
	return false;
}

static const char *const pieces[] = { "a", "b", "K", "s", "I", "x", ",", ",", "\"", "\"",
				      "\n", "\n", "\r\n", " ", "\xC5\x82", "\xC4\xB0",
				      "\xC5\xBF", "\xE2\x84\xAA", "\xC5\x82" };

static size_t gen(char *buf, size_t cap)
{
	size_t n = 0, len = rnd(200) + 1;
	for (size_t i = 0; i < len; i++) {
		const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
		size_t k = strlen(p);
		if (n + k >= cap)
			break;
		memcpy(buf + n, p, k);
		n += k;
	}
	if (rnd(3) == 0 && n + 1 < cap)
		buf[n++] = '\n';
	return n;
}

struct ref {
	size_t off, n, next;
	long line;
	bool crlf;
};

static void check_file(const char *path, const char *data, size_t n)
{
	/* the reference: csvin over memory */
	struct csvin *in = csvin_open_mem(data, n, "ref");
	struct ref refs[512];
	size_t nr = 0;
	const char *s;
	size_t len;
	long line;
	bool tail_bad = false;
	while (csvin_next_raw(in, &s, &len, &line) > 0 && nr < 512) {
		size_t q = 0;
		for (size_t i = 0; i < len; i++)
			q += s[i] == '"';
		refs[nr++] = (struct ref){ (size_t)(s - data), len, 0, line, in->crlf };
		if (q % 2 && in->b.beg >= in->b.end && in->b.eof)
			tail_bad = true;
	}
	csvin_close(in);
	/* a record with a quote left open is the last one (it runs to the end) */
	size_t q = 0;
	for (size_t i = 0; i < n; i++)
		q += data[i] == '"';
	tail_bad = q % 2;
	if (tail_bad && nr)
		nr--;
	static const size_t sizes[] = { 16, 17, 64, 100, 1 << 20 };
	for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
		cscan_buffer = sizes[si];
		int fd = open(path, O_RDONLY);
		struct cscan *c = cscan_open(fd, "test", 0, 1);
		struct cscan_rec r;
		size_t i = 0;
		int k;
		int saved = dup(2);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		while ((k = cscan_next(c, &r)) > 0) {
			tried++;
			if (i >= nr || r.off != (long long)refs[i].off || r.n != refs[i].n ||
			    r.line != refs[i].line || r.crlf != refs[i].crlf ||
			    memcmp(r.s, data + r.off, r.n)) {
				bad("a record differs", data, n);
				break;
			}
			i++;
		}
		dup2(saved, 2);
		close(saved);
		close(null);
		if (k > 0 || i != nr || (k < 0) != tail_bad)
			bad(k < 0 ? "an error" : "records missing", data, n);
		cscan_close(c);
		close(fd);
		/* a literal picks the records that hold it */
		char litb[8];
		size_t ln = 1 + rnd(4);
		for (size_t j = 0; j < ln; j++) {
			const char *p;
			do
				p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
			while (strlen(p) != 1 || *p == '"' || *p == '\n' || *p == '\r');
			litb[j] = *p;
		}
		struct lit l;
		if (!lit_choose(&l, litb, ln))
			continue;
		fd = open(path, O_RDONLY);
		c = cscan_open(fd, "test", 0, 1);
		cscan_look(c, &l, 1);
		saved = dup(2);
		null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		size_t want = 0;
		while ((k = cscan_next(c, &r)) > 0) {
			tried++;
			while (want < nr && (long long)refs[want].off < r.off) {
				if (naive_has(data + refs[want].off, refs[want].n, (const char *)l.s, l.n)) {
					bad("a record with the literal skipped", data, n);
					break;
				}
				want++;
			}
			if (want >= nr || r.off != (long long)refs[want].off || r.n != refs[want].n) {
				bad("a record that is none", data, n);
				break;
			}
			if (!l.special && !naive_has(r.s, r.n, (const char *)l.s, l.n))
				bad("a record without the literal", data, n);
			want++;
		}
		for (; k == 0 && want < nr; want++)
			if (naive_has(data + refs[want].off, refs[want].n, (const char *)l.s, l.n))
				bad("a record with the literal skipped at the end", data, n);
		dup2(saved, 2);
		close(saved);
		close(null);
		cscan_close(c);
		close(fd);
	}
	cscan_buffer = 1 << 20;
}

static void check_lit(void)
{
	char h[80], nd[20];
	for (int round = 0; round < 200000; round++) {
		size_t hn = rnd(70), m = 1 + rnd(8);
		for (size_t i = 0; i < hn; i++)
			h[i] = "aAbB\xC4\xB0zZ.,\xE2\x84\xAA\xC5\xBF"[rnd(16)];
		for (size_t i = 0; i < m; i++)
			nd[i] = "aAbBzZ.,"[rnd(8)];
		struct lit l;
		lit_init(&l, nd, m);
		const char *f = lit_find(&l, h, hn);
		long want = -1;
		for (size_t i = 0; i + m <= hn && want < 0; i++)
			if (naive_has(h + i, m, nd, m))
				want = (long)i;
		tried++;
		if ((f ? f - h : -1) != want)
			bad("lit_find", h, hn);
		bool sp = false;
		for (size_t i = 0; i + 1 < hn; i++)
			sp |= ((unsigned char)h[i] == 0xC4 && ((unsigned char)h[i + 1] & 0xFE) == 0xB0) ||
			      ((unsigned char)h[i] == 0xC5 && (unsigned char)h[i + 1] == 0xBF) ||
			      (i + 2 < hn && !memcmp(h + i, "\xE2\x84\xAA", 3));
		if (lit_special(h, hn) != sp)
			bad("lit_special", h, hn);
		size_t nl = 0;
		for (size_t i = 0; i < hn; i++)
			nl += h[i] == '\n';
		if (lit_count_nl(h, hn) != nl)
			bad("lit_count_nl", h, hn);
	}
}

int main(void)
{
	check_lit();
	char path[] = "/tmp/cscancheck.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 2;
	close(fd);
	static char data[4096];
	for (int round = 0; round < 3000; round++) {
		size_t n = gen(data, sizeof data);
		FILE *f = fopen(path, "w");
		fwrite(data, 1, n, f);
		fclose(f);
		check_file(path, data, n);
	}
	unlink(path);
	printf("%ld tried, %ld differ\n", tried, differ);
	return differ ? 1 : 0;
}
