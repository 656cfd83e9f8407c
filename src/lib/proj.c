/* proj.c - a validating scanner for flat JSON objects, Jansson for the rest */
#include "proj.h"

#include <jansson.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

#include "jsonl.h"
#include "utf8.h"

static const char names[PJ_MAX][12] = {
	"id", "ts", "customer", "type", "channel", "direction", "amount", "currency", "rating",
	"score", "ref", "campaign", "status", "stage", "probability", "close", "due", "by",
	"text", "subject", "message_id",
};

/* Which wanted field a key is, or -1: by length first, then the bytes. */
static int key_index(const char *k, size_t n)
{
#define IS(i) (!memcmp(k, names[i], n) && !names[i][n] ? (i) : -1)
	switch (n) {
	case 2: return k[0] == 'i' ? IS(PJ_ID) : k[0] == 't' ? IS(PJ_TS) : IS(PJ_BY);
	case 3: return k[0] == 'r' ? IS(PJ_REF) : IS(PJ_DUE);
	case 4: return k[0] == 't' && k[1] == 'y' ? IS(PJ_TYPE) : IS(PJ_TEXT);
	case 5: return k[0] == 's' ? (k[1] == 'c' ? IS(PJ_SCORE) : IS(PJ_STAGE)) : IS(PJ_CLOSE);
	case 6: return k[0] == 'a' ? IS(PJ_AMOUNT) : k[0] == 'r' ? IS(PJ_RATING) : IS(PJ_STATUS);
	case 7: return k[0] == 'c' ? IS(PJ_CHANNEL) : IS(PJ_SUBJECT);
	case 8: return k[0] == 'c' && k[1] == 'u' && k[2] == 's' ? IS(PJ_CUSTOMER)
		     : k[0] == 'c' && k[1] == 'u' ? IS(PJ_CURRENCY) : IS(PJ_CAMPAIGN);
	case 9: return IS(PJ_DIRECTION);
	case 10: return IS(PJ_MESSAGE_ID);
	case 11: return IS(PJ_PROBABILITY);
	}
	return -1;
#undef IS
}

enum { OK = 0, BAD = -1, SLOW = 1 };

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

/* A string at *pp (on its opening quote): validated as Jansson would,
 * *pp left after the closing quote, *esc set when it holds an escape. */
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

static int string(const char **pp, const char *e, bool *esc)
{
	const unsigned char *p = (const unsigned char *)*pp + 1, *end = (const unsigned char *)e;
	*esc = false;
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
				unsigned w;
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
				    hex4((const char *)p + 2, e, &w) || w < 0xDC00 || w > 0xDFFF)
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

static int value(const char **pp, const char *e, int depth, char *kind);

static int array(const char **pp, const char *e, int depth)
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
		int r = value(&p, e, depth + 1, &k);
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

static int value(const char **pp, const char *e, int depth, char *kind)
{
	const char *p = *pp;
	if (p >= e)
		return BAD;
	switch (*p) {
	case '"': {
		bool esc;
		*kind = 's';
		return string(pp, e, &esc);
	}
	case '{':
		return SLOW; /* nested objects: Jansson checks their keys */
	case '[':
		*kind = 'a';
		return array(pp, e, depth);
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

/* The fast path: a flat object whose wanted strings hold no escapes. */
static int scan(struct proj *p, const char *s, size_t n)
{
	const char *e = s + n, *q = ws(s, e);
	const char *keys[64]; /* the keys that are not wanted fields */
	size_t klen[64], nk = 0;
	unsigned seen = 0;     /* the wanted fields met */
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
		if (string(&q, e, &esc))
			return BAD;
		if (esc)
			return SLOW;
		size_t kl = (size_t)(q - 1 - k);
		int idx = key_index(k, kl);
		if (idx >= 0) {
			if (seen & 1u << idx)
				return BAD; /* a duplicate key */
			seen |= 1u << idx;
		} else {
			if (nk == 64)
				return SLOW;
			for (size_t i = 0; i < nk; i++)
				if (klen[i] == kl && !memcmp(keys[i], k, kl))
					return BAD;
			keys[nk] = k;
			klen[nk++] = kl;
		}
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
			r = string(&q, e, &esc);
			if (r)
				return r;
			if (idx >= 0 && (p->skip & 1u << idx))
				idx = -1;
			if (idx >= 0) {
				if (esc)
					return SLOW;
				p->v[idx] = (struct pval){ vs + 1, (size_t)(q - vs - 2), 's' };
			}
		} else {
			r = value(&q, e, 1, &kind);
			if (r)
				return r;
			if (idx >= 0)
				p->v[idx] = (struct pval){ vs, (size_t)(q - vs), kind };
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

/* The slow path: Jansson parses, the wanted values are copied out. */
static int slow(struct proj *p, const char *s, size_t n, char *err, size_t err_size)
{
	json_t *o = jsonl_parse(s, n, err, err_size);
	if (!o)
		return err[0] ? -1 : 0;
	memset(p->v, 0, sizeof p->v);
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
		sb_addc(&p->own, '\0');
	}
	for (int i = 0; i < PJ_MAX; i++)
		if (p->v[i].kind)
			p->v[i].s = p->own.s + off[i];
	json_decref(o);
	return 1;
}

int proj_line(struct proj *p, const char *s, size_t n, char *err, size_t err_size)
{
	const char *e = s + n, *q = ws(s, e);
	if (q == e)
		return 0;
	memset(p->v, 0, sizeof p->v);
	int r = scan(p, s, n);
	if (r == OK)
		return 1;
	/* SLOW, and BAD too: Jansson gives the message, and has the last word. */
	return slow(p, s, n, err, err_size);
}

void proj_free(struct proj *p)
{
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
