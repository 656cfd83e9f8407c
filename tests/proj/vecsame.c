/* vecsame.c - the history reader's vector path (whole lines indexed 64
 * bytes at a time) must give the answers of its byte-wise path, which is
 * fuzzed against Jansson. Every sequence of one to three bytes, and four
 * bytes from F0-F7 followed by bytes at the edges of each class, is put in
 * a string at places across the 32- and 64-byte blocks of the index, in a
 * line alone and in a buffer of lines; both paths read it, and must agree
 * on the verdict and the values. Exit 0 when they always agree, 1 (with
 * the first few differences) when not, 77 when this processor has no
 * vector path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proj.h"

static long tried, differ;

static void show(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf(s[i] >= 0x20 && s[i] < 0x7F ? "%c" : "\\x%02X", s[i]);
	printf("\n");
}

/* The line s[0..n), read both ways; in buf (with a line before it that
 * ends at its place) for the indexed run. */
static void one(const unsigned char *s, size_t n, size_t before)
{
	static char buf[512];
	struct proj a = { 0 }, b = { 0 };
	char ea[200] = "", eb[200] = "";
	proj_simd_off = 1;
	int ra = proj_line(&a, (const char *)s, n, ea, sizeof ea);
	proj_simd_off = 0;
	memset(buf, 'x', before);
	buf[before] = '\n';
	memcpy(buf + before + 1, s, n);
	memcpy(buf + before + 1 + n, "\n\"\xC3", 3);
	struct proj_idx x = { 0 };
	int rb = -2;
	if (proj_index(&x, buf, before + 1 + n + 3))
		rb = proj_line_idx(&b, &x, buf + before + 1, n, eb, sizeof eb);
	int rc = proj_line(&b, (const char *)s, n, eb, sizeof eb);
	tried++;
	if (ra != rb || ra != rc || (ra == 1 && (b.v[PJ_TEXT].n != a.v[PJ_TEXT].n ||
						 memcmp(b.v[PJ_TEXT].s, a.v[PJ_TEXT].s, a.v[PJ_TEXT].n)))) {
		if (differ++ < 10) {
			printf("byte-wise %d, indexed %d, alone %d: ", ra, rb, rc);
			show(s, n);
		}
	}
	proj_idx_free(&x);
	proj_free(&a);
	proj_free(&b);
}

/* {"text":"<pad x's><seq>"} with the sequence at byte at of the line */
static void place(const unsigned char *seq, size_t k, size_t at, size_t before)
{
	unsigned char line[256];
	size_t n = 0;
	memcpy(line, "{\"text\":\"", 9);
	n = 9;
	while (n < at)
		line[n++] = 'x';
	memcpy(line + n, seq, k);
	n += k;
	memcpy(line + n, "\"}", 2);
	n += 2;
	one(line, n, before);
}

int main(void)
{
	{
		struct proj_idx x = { 0 };
		if (!proj_index(&x, "{}", 2)) {
			printf("no vector path on this processor\n");
			return 77;
		}
		proj_idx_free(&x);
	}
	/* where the sequence starts: in a block, and across the ends of the
	 * 32- and 64-byte blocks of the line (and of the buffer, as the line
	 * before is 0 or 5 bytes) */
	static const size_t at1[] = { 9, 30, 31, 62, 63, 64 };
	static const size_t at3[] = { 30, 62 };
	unsigned char q[4];
	for (int c = 0; c < 256; c++)
		for (size_t i = 0; i < sizeof at1 / sizeof *at1; i++) {
			q[0] = (unsigned char)c;
			place(q, 1, at1[i], i % 2 ? 5 : 0);
		}
	for (int c = 0; c < 256; c++)
		for (int d = 0; d < 256; d++)
			for (size_t i = 0; i < sizeof at1 / sizeof *at1; i++) {
				q[0] = (unsigned char)c, q[1] = (unsigned char)d;
				place(q, 2, at1[i], i % 2 ? 0 : 5);
			}
	/* bytes at the edges of each class */
	static const unsigned char edge[] = { 0x00, 0x22, 0x41, 0x5C, 0x7F, 0x80, 0x8F, 0x90,
					      0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xFF };
	/* three bytes: each lead, then any byte, then one at an edge */
	for (int c = 0xC0; c < 256; c++)
		for (int d = 0; d < 256; d++)
			for (size_t e = 0; e < sizeof edge; e++)
				for (size_t i = 0; i < sizeof at3 / sizeof *at3; i++) {
					q[0] = (unsigned char)c, q[1] = (unsigned char)d, q[2] = edge[e];
					place(q, 3, at3[i], i ? 5 : 0);
				}
	/* four bytes: every lead of four, then bytes at the edges */
	for (int c = 0xF0; c < 0xF8; c++)
		for (size_t d = 0; d < sizeof edge; d++)
			for (size_t e = 0; e < sizeof edge; e++)
				for (size_t f = 0; f < sizeof edge; f++)
					for (size_t i = 0; i < sizeof at1 / sizeof *at1; i++) {
						q[0] = (unsigned char)c, q[1] = edge[d], q[2] = edge[e],
						q[3] = edge[f];
						place(q, 4, at1[i], i % 2 ? 5 : 0);
					}
	printf("%ld lines, %ld read differently\n", tried, differ);
	return differ ? 1 : 0;
}
