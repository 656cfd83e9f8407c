/* proj.c - a validating scanner for flat JSON objects, Jansson for the rest */
#include "proj.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CLEAN_AVX2 1 /* chosen at run time, on processors that have AVX2 */
#endif
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "utf8.h"

static const char names[PJ_MAX][12] = {
	"id", "ts", "customer", "type", "channel", "direction", "amount", "currency", "rating",
	"score", "ref", "campaign", "status", "stage", "probability", "close", "due", "by",
	"text", "subject", "message_id", "priority", "owner",
};

static unsigned char name_len[PJ_MAX];
static signed char slot_of[64]; /* a field by the hash of its name, + 1 */

/* A hash of a key of n >= 2 bytes, without collisions among the names. */
static inline unsigned key_hash(const char *k, size_t n)
{
	return ((unsigned char)k[0] ^ (unsigned char)k[n - 1] << 4 ^ (unsigned)n << 3 ^
		(unsigned char)k[1]) & 63;
}

/* The slots of the names, made when a program starts. A name added to
 * names[] whose hash is another's would make the reader lose that field
 * without a word: every program stops at once instead, so that no test
 * passes until key_hash is changed. */
__attribute__((constructor)) static void names_init(void)
{
	for (int i = 0; i < PJ_MAX; i++) {
		name_len[i] = (unsigned char)strlen(names[i]);
		unsigned h = key_hash(names[i], name_len[i]);
		if (name_len[i] < 2 || name_len[i] >= sizeof names[i] || slot_of[h]) {
			fprintf(stderr, "proj.c: the field name \"%s\" %s\n", names[i],
				slot_of[h] ? "has the hash of another: change key_hash"
					   : "is too short or too long for the reader");
			abort();
		}
		slot_of[h] = (signed char)(i + 1);
	}
}

/* Whether the n bytes at k and at name are the same: two loads each that
 * may overlap, none past either end. */
static inline bool same(const char *k, const char *name, size_t n)
{
	if (n >= 8) {
		uint64_t a, b, c, d;
		memcpy(&a, k, 8), memcpy(&b, name, 8);
		memcpy(&c, k + n - 8, 8), memcpy(&d, name + n - 8, 8);
		return a == b && c == d;
	}
	if (n >= 4) {
		uint32_t a, b, c, d;
		memcpy(&a, k, 4), memcpy(&b, name, 4);
		memcpy(&c, k + n - 4, 4), memcpy(&d, name + n - 4, 4);
		return a == b && c == d;
	}
	uint16_t a, b, c, d;
	memcpy(&a, k, 2), memcpy(&b, name, 2);
	memcpy(&c, k + n - 2, 2), memcpy(&d, name + n - 2, 2);
	return a == b && c == d;
}

/* Which wanted field a key is, or -1. */
static inline int key_index(const char *k, size_t n)
{
	if (n < 2 || n > 11)
		return -1;
	int i = slot_of[key_hash(k, n)] - 1;
	return i >= 0 && name_len[i] == n && same(k, names[i], n) ? i : -1;
}

enum { OK = 0, BAD = -1, SLOW = 1 };

/* The keys met in an object, to find one given twice. */
struct seen {
	unsigned fields;       /* bits (1 << PJ_...) */
	const char *other[64]; /* the keys that are no field */
	size_t olen[64], nother;
};

enum { TWICE = -2, MANY = -3 };

/* Note the key k[0..kl): its field, -1 for another key, TWICE when it was
 * met before, MANY when there are too many other keys to tell. */
__attribute__((always_inline)) static inline int note_key(struct seen *sn, const char *k, size_t kl)
{
	int idx = key_index(k, kl);
	if (idx >= 0) {
		if (sn->fields & 1u << idx)
			return TWICE;
		sn->fields |= 1u << idx;
		return idx;
	}
	if (sn->nother == 64)
		return MANY;
	for (size_t i = 0; i < sn->nother; i++)
		if (sn->olen[i] == kl && !memcmp(sn->other[i], k, kl))
			return TWICE;
	sn->other[sn->nother] = k;
	sn->olen[sn->nother++] = kl;
	return -1;
}

int proj_simd_off;

static const char *ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static int hex4(const char *p, const char *e, unsigned *v)
{
	if (e - p < 4)
		return BAD;
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if ((c | 32) >= 'a' && (c | 32) <= 'f')
			d = (unsigned)((c | 32) - 'a' + 10);
		else
			return BAD;
		*v = *v << 4 | d;
	}
	return OK;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

#ifdef __SSE2__
/* Skip 16-byte blocks of string content that hold no control character,
 * quote or backslash, and no byte above 0x7F but whole two-byte UTF-8
 * characters (Latin, Greek, Cyrillic): the common case of names and notes
 * in Polish, Czech or Bulgarian. Returns where the byte-wise check must
 * go on. */
static const unsigned char *skip16(const unsigned char *p, const unsigned char *end)
{
	const __m128i sp = _mm_set1_epi8(0x20), qu = _mm_set1_epi8('"'),
		      bs = _mm_set1_epi8('\\'), c0 = _mm_set1_epi8((char)0xC0),
		      c1 = _mm_set1_epi8((char)0xC1), e0 = _mm_set1_epi8((char)0xE0);
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned high = (unsigned)_mm_movemask_epi8(v);
		/* signed: bytes above 0x7F are negative, so "below 0x20" holds them too */
		unsigned low = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, sp)) & ~high;
		unsigned stop = low | (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, qu)) |
				(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, bs));
		/* the bytes before the first stop, or all 16 */
		unsigned n = stop ? (unsigned)__builtin_ctz(stop) : 16, mask = (1u << n) - 1;
		high &= mask;
		if (high) {
			/* continuation bytes 0x80-0xBF; leads of two bytes 0xC2-0xDF */
			unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, c0)) & mask;
			unsigned lead = (unsigned)_mm_movemask_epi8(
				_mm_and_si128(_mm_cmpgt_epi8(v, c1), _mm_cmplt_epi8(v, e0))) & mask;
			if ((cont | lead) != high)
				return p; /* longer characters, or bytes none starts with */
			if (n && (lead >> (n - 1) & 1)) {
				/* a character cut by the end of the stretch: leave it */
				lead &= ~(1u << (n - 1));
				n--;
				stop = 1;
			}
			if (cont != ((lead << 1) & mask))
				return p;
		}
		p += n;
		if (stop)
			return p;
	}
	return p;
}
#else
/* Whether any of the 8 bytes in w is one a string cannot hold plainly: a
 * control character, a quote, a backslash or a byte of a multi-byte
 * character. */
static inline uint64_t special8(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
	uint64_t ctl = (w - ONES * 0x20) & ~w;   /* a byte below 0x20 */
	uint64_t quote = (q - ONES) & ~q;        /* a byte equal to '"' */
	uint64_t bslash = (b - ONES) & ~b;       /* a byte equal to '\\' */
	return (ctl | quote | bslash | w) & HIGHS;
}
#endif

/* A line being scanned: where it starts and, when the whole line was
 * found clean (see line_clean), the bit mask of the quotes and
 * backslashes of the data it is in. */
struct walk {
	const char *base;
	const uint64_t *qm;
	size_t nw; /* words in qm */
};

/* The rest of a string from p (its content before p is valid), byte by
 * byte. */
static int string_bytes(const unsigned char *p, const char **pp, const char *e, bool *esc)
{
	const unsigned char *end = (const unsigned char *)e;
	for (;;) {
#ifdef __SSE2__
		p = skip16(p, end);
#else
		/* plain ASCII eight bytes at a time: the lowest flagged byte of
		 * special8 is the first special one (little-endian loads) */
		while (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			uint64_t m = special8(w);
			if (m) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				p += (unsigned)__builtin_ctzll(m) / 8;
#endif
				break;
			}
			p += 8;
		}
#endif
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p >= end)
			return BAD;
		unsigned c = *p;
		if (c == '"') {
			*pp = (const char *)p + 1;
			return OK;
		}
		if (c < 0x20)
			return BAD;
		if (c >= 0x80) {
			/* two-byte characters (Latin, Cyrillic) checked here */
			if (c >= 0xC2 && c < 0xE0 && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
				p += 2;
				continue;
			}
			unsigned cp;
			size_t k = u8_decode(p, (size_t)(end - p), &cp);
			if (!k)
				return BAD;
			p += k;
			continue;
		}
		/* a backslash */
		*esc = true;
		if (p + 1 >= end)
			return BAD;
		switch (p[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			p += 2;
			break;
		case 'u': {
			unsigned v;
			if (hex4((const char *)p + 2, e, &v))
				return BAD;
			p += 6;
			if (v == 0)
				return BAD; /* Jansson refuses \u0000 */
			if (v >= 0xDC00 && v <= 0xDFFF)
				return BAD;
			if (v >= 0xD800 && v <= 0xDBFF) {
				unsigned lo;
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
				    hex4((const char *)p + 2, e, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return BAD;
				p += 6;
			}
			break;
		}
		default:
			return BAD;
		}
	}
}

/* A string at *pp (on its opening quote): validated as Jansson would,
 * *pp left after the closing quote, *esc set when it holds an escape. On
 * a clean line, whose bytes and escapes the index checked, the string
 * ends at the next quote of the index's mask, past the escapes on the
 * way; on another it is read byte by byte. */
static inline int string(const struct walk *w, const char **pp, const char *e, bool *esc)
{
	const unsigned char *p = (const unsigned char *)*pp + 1;
	*esc = false;
	if (!w->qm)
		return string_bytes(p, pp, e, esc);
	size_t at = (size_t)((const char *)p - w->base);
	for (;;) {
		at = proj_next_bit(w->qm, w->nw, at);
		if (at == SIZE_MAX || w->base + at >= e)
			return BAD; /* the line ends in the string */
		if (w->base[at] == '"') {
			*pp = w->base + at + 1;
			return OK;
		}
		*esc = true;
		at++;
	}
}

#ifdef CLEAN_AVX2
/* UTF-8 checked 32 bytes at a time by classifying each byte together with
 * the one before it: three 16-entry tables, indexed by the previous byte's
 * high and low nibble and by this byte's high nibble, each give the set of
 * faults the pair may show; their intersection is the set it does show.
 * Bytes two and three back tell where a continuation byte is required
 * (third and fourth bytes of a character). */
enum {
	TOO_SHORT = 1 << 0,      /* a lead byte, then no continuation */
	TOO_LONG = 1 << 1,       /* an ASCII byte, then a continuation */
	OVERLONG_3 = 1 << 2,     /* E0 80..9F */
	TOO_LARGE = 1 << 3,      /* F4 90..BF, F5..FF */
	SURROGATE = 1 << 4,      /* ED A0..BF */
	OVERLONG_2 = 1 << 5,     /* C0, C1 */
	TOO_LARGE_1000 = 1 << 6, /* F5..FF 80..8F */
	OVERLONG_4 = 1 << 6,     /* F0 80..8F */
	TWO_CONTS = 1 << 7,      /* two continuations in a row */
	CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

#define C(x) ((char)(x))
#define T16(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p) \
	_mm256_setr_epi8(C(a), C(b), C(c), C(d), C(e), C(f), C(g), C(h), C(i), C(j), C(k), C(l), \
			 C(m), C(n), C(o), C(p), C(a), C(b), C(c), C(d), C(e), C(f), C(g), C(h), \
			 C(i), C(j), C(k), C(l), C(m), C(n), C(o), C(p))

__attribute__((target("avx2"))) static inline __m256i u8_faults(__m256i in, __m256i before)
{
	const __m256i hi1 = T16(TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
				TOO_LONG, TOO_LONG, TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
				TOO_SHORT | OVERLONG_2, TOO_SHORT,
				TOO_SHORT | OVERLONG_3 | SURROGATE,
				TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);
	const int all = CARRY | TOO_LARGE | TOO_LARGE_1000;
	const __m256i lo1 = T16(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2,
				CARRY, CARRY, CARRY | TOO_LARGE, all, all, all, all, all, all, all,
				all, all | SURROGATE, all, all);
	const int c8 = TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
		  c9 = TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
		  cab = TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE;
	const __m256i hi2 = T16(TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
				TOO_SHORT, TOO_SHORT, c8, c9, cab, cab, TOO_SHORT, TOO_SHORT,
				TOO_SHORT, TOO_SHORT);
	const __m256i nib = _mm256_set1_epi8(0x0F);
	/* the bytes 1, 2 and 3 places back, across the previous block */
	__m256i joint = _mm256_permute2x128_si256(before, in, 0x21);
	__m256i p1 = _mm256_alignr_epi8(in, joint, 15), p2 = _mm256_alignr_epi8(in, joint, 14),
		p3 = _mm256_alignr_epi8(in, joint, 13);
	__m256i f = _mm256_and_si256(
		_mm256_and_si256(_mm256_shuffle_epi8(hi1, _mm256_and_si256(_mm256_srli_epi16(p1, 4), nib)),
				 _mm256_shuffle_epi8(lo1, _mm256_and_si256(p1, nib))),
		_mm256_shuffle_epi8(hi2, _mm256_and_si256(_mm256_srli_epi16(in, 4), nib)));
	/* 0x80 where a third or fourth byte of a character must be */
	__m256i must = _mm256_and_si256(_mm256_or_si256(_mm256_subs_epu8(p2, _mm256_set1_epi8(0x60)),
							_mm256_subs_epu8(p3, _mm256_set1_epi8(0x70))),
					_mm256_set1_epi8((char)0x80));
	return _mm256_xor_si256(must, f);
}
#undef T16
#undef C

/* The bytes a backslash escapes plainly (\u is left to the byte-wise
 * reader): " \ / b f n r t. */
static const bool plain_escape[256] = {
	['"'] = true, ['\\'] = true, ['/'] = true, ['b'] = true,
	['f'] = true, ['n'] = true, ['r'] = true, ['t'] = true,
};

/* The escapes of the word of 64 bytes at b whose backslashes are the bits
 * bs, *carry set when the word before ended in a backslash that escapes
 * this word's first byte (and left set when this word ends so): returns
 * the backslashes that escape the byte after them, and puts in *escd the
 * bytes they escape. *ok is cleared when one of those is no byte a plain
 * escape takes. */
static uint64_t escapes(const unsigned char *b, uint64_t bs, bool *carry, uint64_t *escd,
			bool *ok)
{
	uint64_t e = *carry, er;
	bs &= ~e;
	if (!(bs & bs << 1)) {
		/* no two backslashes in a row: each escapes the next byte */
		er = bs;
		e |= bs << 1;
		*carry = bs >> 63;
	} else {
		er = 0;
		*carry = false;
		while (bs) {
			unsigned i = (unsigned)__builtin_ctzll(bs);
			er |= 1ull << i;
			if (i == 63) {
				*carry = true;
				break;
			}
			e |= 1ull << (i + 1);
			bs &= ~(3ull << i);
		}
	}
	*escd = e;
	for (; e; e &= e - 1)
		if (!plain_escape[b[__builtin_ctzll(e)]])
			*ok = false;
	return er;
}

/* Room in x->np for more than n places. */
static void np_grow(struct proj_idx *x, size_t n)
{
	x->npcap = n + n / 2 + 64;
	x->np = xrealloc(x->np, x->npcap * sizeof *x->np);
}

/* One pass over s[0..n), 64 bytes (a word of the masks) at a time: into
 * x->qm the quotes that end or start a string and the backslashes that
 * escape the byte after them (an escaped quote or backslash is not
 * there), the newlines into x->nl (and their places into x->np), and into
 * x->bad a bit for every word holding a control character other than a
 * newline, an escape of a byte other than " \ / b f n r t, or where a
 * UTF-8 fault shows (a fault shows at the byte that makes the sequence
 * wrong, never before the line the sequence began in). Backslashes are
 * paired from the start of s, which starts a line: outside strings a
 * backslash makes the line bad anyway. */
__attribute__((target("avx2"))) static void index_avx2(struct proj_idx *x, const unsigned char *s,
						       size_t n)
{
	const __m256i quote = _mm256_set1_epi8('"'), bslash = _mm256_set1_epi8('\\'),
		      nline = _mm256_set1_epi8('\n'), ctl = _mm256_set1_epi8(0x1F),
		      spaces = _mm256_set1_epi8(' ');
#define BITS(a, b) ((uint64_t)(uint32_t)_mm256_movemask_epi8(a) | \
		    (uint64_t)(uint32_t)_mm256_movemask_epi8(b) << 32)
	__m256i prev = spaces;
	bool carry = false;
	size_t nn = 0;
	unsigned char tail[64];
	uint64_t badw = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i += 64, k++) {
		const unsigned char *b = s + i;
		if (n - i < 64) {
			/* the last stretch, made whole with spaces */
			memset(tail, ' ', sizeof tail);
			memcpy(tail, b, n - i);
			b = tail;
		}
		__m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)b),
			v1 = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
		uint64_t qs = BITS(_mm256_cmpeq_epi8(v0, quote), _mm256_cmpeq_epi8(v1, quote)),
			 bs = BITS(_mm256_cmpeq_epi8(v0, bslash), _mm256_cmpeq_epi8(v1, bslash));
		bool fine = true;
		if (bs | carry) {
			uint64_t escd;
			bs = escapes(b, bs, &carry, &escd, &fine);
			qs &= ~escd;
		}
		x->qm[k] = qs | bs;
		uint64_t nl = BITS(_mm256_cmpeq_epi8(v0, nline), _mm256_cmpeq_epi8(v1, nline));
		x->nl[k] = nl;
		/* the newlines' places too: the first of a word without a
		 * branch (most words have none or one) */
		if (nn + 1 >= x->npcap)
			np_grow(x, nn + 1);
		x->np[nn] = (k << 6) + (size_t)__builtin_ctzll(nl | 1ull << 63);
		nn += nl != 0;
		for (uint64_t more = nl & (nl - 1); more; more &= more - 1) {
			if (nn + 1 >= x->npcap)
				np_grow(x, nn + 1);
			x->np[nn++] = (k << 6) + (size_t)__builtin_ctzll(more);
		}
		uint64_t ctlb = BITS(_mm256_cmpeq_epi8(_mm256_min_epu8(v0, ctl), v0),
				     _mm256_cmpeq_epi8(_mm256_min_epu8(v1, ctl), v1));
		/* UTF-8 checked in every word, even a plain ASCII one: which
		 * words hold other characters is a coin toss in Polish or Czech
		 * text, and a branch on it, mispredicted, costs more */
		__m256i f = _mm256_or_si256(u8_faults(v0, prev), u8_faults(v1, v0));
		uint64_t bad = (uint64_t)((ctlb & ~nl) != 0) | (uint64_t)!fine |
			       (uint64_t)!_mm256_testz_si256(f, f);
		badw |= bad << (k & 63);
		if ((k & 63) == 63) {
			x->bad[k >> 6] = badw;
			badw = 0;
		}
		prev = v1;
	}
	/* a character cut by the end of the data */
	if (k) {
		__m256i f = u8_faults(spaces, prev);
		if (!_mm256_testz_si256(f, f)) {
			if (((k - 1) & 63) == 63)
				x->bad[(k - 1) >> 6] |= 1ull << 63;
			else
				badw |= 1ull << ((k - 1) & 63);
		}
	}
	if (k & 63)
		x->bad[k >> 6] = badw;
	x->nn = nn;
#undef BITS
}
#endif

static int number(const char **pp, const char *e)
{
	const char *p = *pp;
	if (p < e && *p == '-')
		p++;
	if (p >= e)
		return BAD;
	const char *digits = p;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	else
		return BAD;
	bool real = false;
	size_t ndig = (size_t)(p - digits);
	if (p < e && *p == '.') {
		real = true;
		p++;
		if (p >= e || !(*p >= '0' && *p <= '9'))
			return BAD;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		real = true;
		/* a long mantissa times 10^99 may pass a double's range */
		if (p - digits > 20)
			return SLOW;
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		const char *x = p;
		if (p >= e || !(*p >= '0' && *p <= '9'))
			return BAD;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p - x > 2)
			return SLOW; /* may overflow a double: Jansson decides */
	}
	*pp = p;
	if (!real && ndig > 18)
		return SLOW; /* may not fit Jansson's integer */
	if (real && (size_t)(p - digits) > 300)
		return SLOW;
	return OK;
}

static int value(const struct walk *w, const char **pp, const char *e, int depth, char *kind);

static int array(const struct walk *w, const char **pp, const char *e, int depth)
{
	const char *p = ws(*pp + 1, e);
	if (depth > 32)
		return SLOW;
	if (p < e && *p == ']') {
		*pp = p + 1;
		return OK;
	}
	for (;;) {
		char k;
		int r = value(w, &p, e, depth + 1, &k);
		if (r)
			return r;
		p = ws(p, e);
		if (p >= e)
			return BAD;
		if (*p == ']') {
			*pp = p + 1;
			return OK;
		}
		if (*p != ',')
			return BAD;
		p = ws(p + 1, e);
	}
}

static int literal(const char **pp, const char *e, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(e - *pp) < n || memcmp(*pp, word, n))
		return BAD;
	*pp += n;
	return OK;
}

static int value(const struct walk *w, const char **pp, const char *e, int depth, char *kind)
{
	const char *p = *pp;
	if (p >= e)
		return BAD;
	switch (*p) {
	case '"': {
		bool esc;
		*kind = 's';
		return string(w, pp, e, &esc);
	}
	case '{':
		return SLOW; /* nested objects: Jansson checks their keys */
	case '[':
		*kind = 'a';
		return array(w, pp, e, depth);
	case 't':
		*kind = 'b';
		return literal(pp, e, "true");
	case 'f':
		*kind = 'b';
		return literal(pp, e, "false");
	case 'n':
		*kind = 'z';
		return literal(pp, e, "null");
	default:
		*kind = 'n';
		return number(pp, e);
	}
}

/* Empty the fields the last line filled (most lines fill a few of them). */
static void clear(struct proj *p)
{
	for (unsigned m = p->set; m; m &= m - 1)
		p->v[__builtin_ctz(m)] = (struct pval){ 0 };
	p->set = 0;
}

/* The fast path: a flat object whose wanted strings hold no escapes. */
static int scan(struct proj *p, const struct walk *w, const char *s, size_t n)
{
	const char *e = s + n, *q = ws(s, e);
	struct seen sn;
	sn.fields = 0;
	sn.nother = 0;
	if (q >= e || *q != '{')
		return BAD;
	q = ws(q + 1, e);
	if (q < e && *q == '}')
		return ws(q + 1, e) == e ? OK : BAD;
	for (;;) {
		if (q >= e || *q != '"')
			return BAD;
		const char *k = q + 1;
		bool esc;
		if (string(w, &q, e, &esc))
			return BAD;
		if (esc)
			return SLOW;
		int idx = note_key(&sn, k, (size_t)(q - 1 - k));
		if (idx == TWICE)
			return BAD;
		if (idx == MANY)
			return SLOW;
		q = ws(q, e);
		if (q >= e || *q != ':')
			return BAD;
		q = ws(q + 1, e);
		if (q >= e)
			return BAD; /* a key and no value: the line ends */
		const char *vs = q;
		char kind = 0;
		int r;
		if (*q == '"') {
			kind = 's';
			r = string(w, &q, e, &esc);
			if (r)
				return r;
			if (idx >= 0 && (p->skip & 1u << idx))
				idx = -1;
			if (idx >= 0) {
				if (esc)
					return SLOW;
				p->v[idx] = (struct pval){ vs + 1, (size_t)(q - vs - 2), 's' };
				p->set |= 1u << idx;
			}
		} else {
			r = value(w, &q, e, 1, &kind);
			if (r)
				return r;
			if (idx >= 0) {
				p->v[idx] = (struct pval){ vs, (size_t)(q - vs), kind };
				p->set |= 1u << idx;
			}
		}
		q = ws(q, e);
		if (q >= e)
			return BAD;
		if (*q == '}')
			return ws(q + 1, e) == e ? OK : BAD;
		if (*q != ',')
			return BAD;
		q = ws(q + 1, e);
	}
}

/* The line as crm writes it, {"key":value,...} without blanks, its
 * values strings or numbers, read from the index's bits alone: the quotes
 * are taken in order, one mask word carried from string to string, and
 * the escapes in a string passed over as the index found them.
 * Anything else (blanks, an escape in a key or a wanted field, arrays,
 * true, nesting, a bad line) is left to scan: ELSE. */
enum { ELSE = 2 };

static int scan_plain(struct proj *p, const struct walk *w, const char *s, size_t n)
{
	const char *b = w->base;
	size_t pos = (size_t)(s - b), end = pos + n, k = pos >> 6, qo, qc;
	if (n < 2 || b[pos] != '{' || b[end - 1] != '}')
		return ELSE;
	uint64_t m;
	struct seen sn;
	sn.fields = 0;
	sn.nother = 0;
	k = pos >> 6;
	m = w->qm[k] & (~0ull << (pos & 63));
	/* the next quote or backslash, its bit taken */
#define NEXT(at) \
	do { \
		while (!m) { \
			if (++k >= w->nw) \
				return ELSE; \
			m = w->qm[k]; \
		} \
		(at) = (k << 6) + (size_t)__builtin_ctzll(m); \
		m &= m - 1; \
	} while (0)
	if (b[++pos] == '}')
		return pos + 1 == end ? OK : ELSE;
	for (;;) {
		NEXT(qo);
		NEXT(qc);
		if (qo != pos || b[qo] != '"' || qc >= end || b[qc] != '"' || b[qc + 1] != ':')
			return ELSE;
		int idx = note_key(&sn, b + qo + 1, qc - qo - 1);
		if (idx == TWICE)
			return BAD;
		if (idx == MANY)
			return ELSE;
		if (idx >= 0 && (p->skip & 1u << idx))
			idx = -1;
		/* the key's closing quote is before the line's last byte, so
		 * the value starts within the line */
		pos = qc + 2;
		char c = b[pos];
		if (c == '"') {
			NEXT(qo);
			NEXT(qc);
			if (qo != pos || qc >= end)
				return ELSE;
			if (b[qc] != '"') {
				/* an escape, which the index checked: the string
				 * ends at the next quote of the mask, unless it is
				 * a wanted field (Jansson decodes those) */
				if (idx >= 0)
					return ELSE;
				do {
					NEXT(qc);
					if (qc >= end)
						return ELSE;
				} while (b[qc] != '"');
			}
			if (idx >= 0) {
				p->v[idx] = (struct pval){ b + qo + 1, qc - qo - 1, 's' };
				p->set |= 1u << idx;
			}
			pos = qc + 1;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			const char *q = b + pos;
			if (number(&q, b + end))
				return ELSE;
			if (idx >= 0) {
				p->v[idx] = (struct pval){ b + pos, (size_t)(q - (b + pos)), 'n' };
				p->set |= 1u << idx;
			}
			pos = (size_t)(q - b);
		} else {
			return ELSE;
		}
		if (pos >= end)
			return ELSE;
		if (b[pos] == ',') {
			pos++;
			continue;
		}
		return b[pos] == '}' && pos + 1 == end ? OK : ELSE;
	}
#undef NEXT
}

/* The slow path: Jansson parses, the wanted values are copied out. */
static int slow(struct proj *p, const char *s, size_t n, char *err, size_t err_size)
{
	json_t *o = jsonl_parse(s, n, err, err_size);
	if (!o)
		return err[0] ? -1 : 0;
	clear(p);
	sb_reset(&p->own);
	size_t off[PJ_MAX];
	for (int i = 0; i < PJ_MAX; i++) {
		json_t *v = json_object_get(o, names[i]);
		if (!v)
			continue;
		char kind;
		off[i] = p->own.len;
		if (json_is_string(v)) {
			kind = 's';
			sb_add(&p->own, json_string_value(v), json_string_length(v));
		} else {
			kind = json_is_number(v) ? 'n' : json_is_boolean(v) ? 'b' : json_is_null(v) ? 'z'
						      : json_is_array(v) ? 'a' : 'o';
			char *d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
			if (d)
				sb_adds(&p->own, d);
			free(d);
		}
		p->v[i] = (struct pval){ NULL, p->own.len - off[i], kind };
		p->set |= 1u << i;
		sb_addc(&p->own, '\0');
	}
	for (int i = 0; i < PJ_MAX; i++)
		if (p->v[i].kind)
			p->v[i].s = p->own.s + off[i];
	json_decref(o);
	return 1;
}

bool proj_index(struct proj_idx *x, const char *s, size_t n)
{
#ifdef CLEAN_AVX2
	if (proj_simd_off || !__builtin_cpu_supports("avx2"))
		return false;
	size_t nw = (n + 63) / 64;
	if (nw > x->cap) {
		free(x->qm);
		free(x->nl);
		free(x->bad);
		x->cap = nw + nw / 4 + 64;
		x->qm = xmalloc(x->cap * sizeof *x->qm);
		x->nl = xmalloc(x->cap * sizeof *x->nl);
		x->bad = xmalloc((x->cap / 64 + 1) * sizeof *x->bad);
	}
	index_avx2(x, (const unsigned char *)s, n);
	x->base = s;
	x->nw = nw;
	return true;
#else
	(void)s;
	(void)n;
	return false;
#endif
}

/* Whether no word that the line s[0..n] (its newline included) touches
 * has a control character or a UTF-8 fault. */
static bool line_clean(const struct proj_idx *x, const char *s, size_t n)
{
	size_t k = (size_t)(s - x->base) >> 6, last = (size_t)(s + n - x->base) >> 6;
	if (last >= x->nw)
		last = x->nw - 1;
	if (k >> 6 == last >> 6) {
		/* the bits k..last of one word */
		uint64_t bits = x->bad[k >> 6] >> (k & 63);
		size_t span = last - k + 1;
		return !(span < 64 ? bits & ((1ull << span) - 1) : bits);
	}
	for (; k <= last; k++)
		if (x->bad[k >> 6] >> (k & 63) & 1)
			return false;
	return true;
}

int proj_line_idx(struct proj *p, const struct proj_idx *x, const char *s, size_t n, char *err,
		  size_t err_size)
{
	const char *e = s + n, *q = ws(s, e);
	if (q == e)
		return 0;
	clear(p);
	struct walk w = { s, NULL, 0 };
	int r = ELSE;
	if (x && line_clean(x, s, n)) {
		w = (struct walk){ x->base, x->qm, x->nw };
		r = scan_plain(p, &w, s, n);
		if (r == ELSE)
			clear(p);
	}
	if (r == ELSE)
		r = scan(p, &w, s, n);
	if (r == OK)
		return 1;
	/* SLOW, and BAD too: Jansson gives the message, and has the last word. */
	return slow(p, s, n, err, err_size);
}

int proj_line(struct proj *p, const char *s, size_t n, char *err, size_t err_size)
{
	/* the index takes a newline for the end of a line, never for a
	 * control character in it */
	bool ix = proj_index(&p->idx, s, n) && !proj_idx_nl(&p->idx, s);
	return proj_line_idx(p, ix ? &p->idx : NULL, s, n, err, err_size);
}

void proj_idx_free(struct proj_idx *x)
{
	free(x->qm);
	free(x->nl);
	free(x->bad);
	free(x->np);
	*x = (struct proj_idx){ 0 };
}

void proj_free(struct proj *p)
{
	proj_idx_free(&p->idx);
	sb_free(&p->own);
}

bool pval_int(const struct pval *v, long long *out)
{
	if (v->kind != 'n' || !v->n || v->n > 19)
		return false;
	long long x = 0;
	size_t i = 0;
	bool neg = v->s[0] == '-';
	if (neg)
		i++;
	if (i == v->n)
		return false;
	for (; i < v->n; i++) {
		if (v->s[i] < '0' || v->s[i] > '9')
			return false;
		x = x * 10 + (v->s[i] - '0');
	}
	*out = neg ? -x : x;
	return true;
}
