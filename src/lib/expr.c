/* expr.c - parser and evaluator of the expression language */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "expr.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "re.h"
#include "suggest.h"
#include "utf8.h"
#include "util.h"

enum nk { N_AND, N_OR, N_NOT, N_TEST, N_EXISTS };
enum op { OP_EQ, OP_NE, OP_RE, OP_NRE, OP_LT, OP_LE, OP_GT, OP_GE };
enum vk { V_TEXT, V_NUM, V_DATE, V_DAY, V_RE };

/* A node: N_AND and N_OR hold their operands in kid[] (a chain of and or
 * or is one node, however long: nothing recurses along it), N_NOT one
 * operand, a test none. */
struct expr {
	enum nk k;
	struct expr **kid;
	size_t nkid;
	size_t field;
	enum op op;
	enum vk vk;
	enum field_kind fk;
	char *text;   /* the value as written */
	char *fold;   /* folded, for ordering text */
	char *strip;  /* folded without diacritics, for = when the schema says so */
	pcre2_code *eq; /* the value as a caseless literal anchored at both ends, for = */
	double num;
	crm_time t;
	pcre2_code *re;
	char *src;    /* the test as written, for messages */
};

/* Lexer */
enum tk { T_EOF, T_WORD, T_STR, T_RE, T_OP, T_LP, T_RP, T_AND, T_OR, T_NOT, T_BAD };

struct lex {
	const char *src, *p;
	enum tk t;
	const char *start; /* of the current token */
	char *val;         /* its text (word, string, regex body) */
	char flags[8];     /* regex flags */
	enum op op;
	char *err;
	size_t err_size;
	bool failed;
};

static size_t column(const struct lex *l, const char *at)
{
	size_t c = 1;
	for (const char *p = l->src; p < at; p++)
		if (((unsigned char)*p & 0xC0) != 0x80)
			c++;
	return c;
}

static void fail(struct lex *l, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct lex *l, const char *at, const char *fmt, ...)
{
	if (l->failed)
		return;
	l->failed = true;
	int n = snprintf(l->err, l->err_size, "%zu: ", column(l, at));
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < l->err_size)
		vsnprintf(l->err + n, l->err_size - (size_t)n, fmt, ap);
	va_end(ap);
}

static bool word_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("()=!~<>\"", c);
}

static void next(struct lex *l)
{
	free(l->val);
	l->val = NULL;
	while (isspace((unsigned char)*l->p))
		l->p++;
	l->start = l->p;
	const char *p = l->p;
	if (!*p) {
		l->t = T_EOF;
		return;
	}
	if (*p == '(' || *p == ')') {
		l->t = *p == '(' ? T_LP : T_RP;
		l->p++;
		return;
	}
	static const struct {
		const char *s;
		enum op op;
	} ops[] = { { "!=", OP_NE }, { "!~", OP_NRE }, { "<=", OP_LE }, { ">=", OP_GE },
		    { "=", OP_EQ },  { "~", OP_RE },   { "<", OP_LT },  { ">", OP_GT } };
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (!strncmp(p, ops[i].s, strlen(ops[i].s))) {
			l->t = T_OP;
			l->op = ops[i].op;
			l->p += strlen(ops[i].s);
			if (l->op == OP_EQ && *l->p == '=')
				l->p++; /* == is = */
			return;
		}
	if (*p == '!') {
		l->t = T_BAD;
		fail(l, p, "'!' must be followed by '=' or '~' (use 'not' to negate)");
		return;
	}
	if (*p == '"' || *p == '\'') {
		char q = *p++;
		struct sb b = { 0 };
		while (*p && *p != q) {
			if (*p == '\\' && (p[1] == q || p[1] == '\\'))
				p++;
			sb_addc(&b, *p++);
		}
		if (!*p) {
			sb_free(&b);
			l->t = T_BAD;
			fail(l, l->start, "unterminated string");
			return;
		}
		l->p = p + 1;
		l->val = xstrdup(sb_str(&b));
		sb_free(&b);
		l->t = T_STR;
		return;
	}
	if (*p == '/') {
		p++;
		struct sb b = { 0 };
		while (*p && *p != '/') {
			if (*p == '\\' && p[1] == '/') {
				p++; /* \/ is a slash */
			} else if (*p == '\\' && p[1]) {
				sb_addc(&b, *p++);
			}
			sb_addc(&b, *p++);
		}
		if (!*p) {
			sb_free(&b);
			l->t = T_BAD;
			fail(l, l->start, "unterminated regular expression (end it with '/')");
			return;
		}
		p++;
		size_t nf = 0;
		while (isalpha((unsigned char)*p) && nf < sizeof l->flags - 1)
			l->flags[nf++] = *p++;
		l->flags[nf] = '\0';
		l->p = p;
		l->val = xstrdup(sb_str(&b));
		sb_free(&b);
		l->t = T_RE;
		return;
	}
	while (word_char(*p))
		p++;
	l->val = xstrndup(l->p, (size_t)(p - l->p));
	l->p = p;
	if (ascii_ieq(l->val, "and"))
		l->t = T_AND;
	else if (ascii_ieq(l->val, "or"))
		l->t = T_OR;
	else if (ascii_ieq(l->val, "not"))
		l->t = T_NOT;
	else
		l->t = T_WORD;
}

/* Parser */
struct parser {
	struct lex l;
	const struct schema *s;
	crm_time now;
	unsigned depth;  /* of brackets and nots around the token */
	size_t ntests;
};

static struct expr *node(enum nk k)
{
	struct expr *e = xcalloc(1, sizeof *e);
	e->k = k;
	return e;
}

static void add_kid(struct expr *e, struct expr *k, size_t *cap)
{
	void *p = e->kid;
	xgrow(&p, cap, e->nkid + 1, sizeof *e->kid);
	e->kid = p;
	e->kid[e->nkid++] = k;
}

static const char *op_name(enum op op)
{
	static const char *const n[] = { "=", "!=", "~", "!~", "<", "<=", ">", ">=" };
	return n[op];
}

static bool parse_number(const char *s, double *out)
{
	if (!*s)
		return false;
	char *end;
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p) && *p != '.')
		return false;
	double v = strtod(s, &end);
	if (*end)
		return false;
	*out = v;
	return true;
}

static struct expr *parse_or(struct parser *P);

static void unknown_field(struct parser *P, const char *at, const char *name)
{
	struct sb b = { 0 };
	const char **names = xcalloc(P->s->n + 1, sizeof *names);
	for (size_t i = 0; i < P->s->n; i++)
		names[i] = P->s->v[i].name;
	if (suggest(name, names, P->s->n, "", &b)) {
		fail(&P->l, at, "unknown field '%s' (did you mean %s?)", name, sb_str(&b));
	} else {
		for (size_t i = 0; i < P->s->n; i++)
			sb_printf(&b, "%s%s", i ? ", " : "", names[i]);
		fail(&P->l, at, "unknown field '%s' (known: %s)", name, sb_str(&b));
	}
	free(names);
	sb_free(&b);
}

static bool compile_re(struct parser *P, struct expr *e, const char *pat, const char *flags,
		       const char *at)
{
	uint32_t o = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
	for (const char *f = flags; *f; f++) {
		switch (*f) {
		case 'i': o |= PCRE2_CASELESS; break;
		case 'x': o |= PCRE2_EXTENDED; break;
		case 's': o |= PCRE2_DOTALL; break;
		case 'm': o |= PCRE2_MULTILINE; break;
		default:
			fail(&P->l, at, "unknown regular expression flag '%c' (use i, x, s or m)", *f);
			return false;
		}
	}
	int ec;
	PCRE2_SIZE eo;
	e->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, o, &ec, &eo, NULL);
	if (!e->re) {
		PCRE2_UCHAR m[160];
		pcre2_get_error_message(ec, m, sizeof m);
		fail(&P->l, at, "bad regular expression: %s", (char *)m);
		return false;
	}
	pcre2_jit_compile(e->re, PCRE2_JIT_COMPLETE);
	return true;
}

static struct expr *parse_test(struct parser *P)
{
	struct lex *l = &P->l;
	if (l->t != T_WORD) {
		if (l->t == T_EOF)
			fail(l, l->start, "expected a field name, found the end");
		else if (l->t != T_BAD)
			fail(l, l->start, "expected a field name");
		return NULL;
	}
	const char *fat = l->start;
	if (++P->ntests > EXPR_MAX_TESTS) {
		fail(l, fat, "too long (more than %d tests)", EXPR_MAX_TESTS);
		return NULL;
	}
	size_t fi = 0;
	while (fi < P->s->n && strcmp(P->s->v[fi].name, l->val))
		fi++;
	if (fi == P->s->n) {
		unknown_field(P, fat, l->val);
		return NULL;
	}
	next(l);
	if (l->t != T_OP) {
		struct expr *e = node(N_EXISTS);
		e->field = fi;
		return e;
	}
	enum op op = l->op;
	const char *opat = l->start;
	next(l);
	if (l->t != T_WORD && l->t != T_STR && l->t != T_RE) {
		if (l->t != T_BAD)
			fail(l, l->t == T_EOF ? l->p : l->start, "expected a value after '%s'", op_name(op));
		(void)opat;
		return NULL;
	}
	struct expr *e = node(N_TEST);
	e->field = fi;
	e->op = op;
	e->text = xstrdup(l->val);
	const char *vat = l->start;
	enum field_kind fk = P->s->v[fi].kind;
	e->fk = fk;
	if (l->t == T_RE) {
		e->vk = V_RE;
		if (op != OP_EQ && op != OP_NE && op != OP_RE && op != OP_NRE) {
			fail(l, vat, "a regular expression goes with ~, !~, = or !=");
			goto bad;
		}
		if (!compile_re(P, e, l->val, l->flags, vat))
			goto bad;
	} else if (op == OP_RE || op == OP_NRE) {
		e->vk = V_RE;
		if (!compile_re(P, e, l->val, "", vat))
			goto bad;
	} else {
		crm_time t;
		double n;
		if (parse_number(l->val, &e->num) && fk != FK_DATE) {
			e->vk = V_NUM;
		} else if (date_parse(l->val, &t)) {
			e->vk = strlen(l->val) == 10 ? V_DAY : V_DATE;
			e->t = t;
		} else if (date_parse_rel(l->val, P->now, &t)) {
			e->vk = ascii_ieq(l->val, "now") ? V_DATE : V_DAY;
			e->t = t;
		} else if (fk == FK_DATE && date_out_of_range(l->val, P->now)) {
			fail(l, vat, "'%s' falls outside the years 0000 to 9999", l->val);
			goto bad;
		} else {
			e->vk = V_TEXT;
		}
		bool ordered = op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE;
		if (ordered && fk == FK_DATE && e->vk != V_DATE && e->vk != V_DAY) {
			fail(l, vat, "'%s' is a date: compare it with a date (2026-01-31, -30d, today)",
			     P->s->v[fi].name);
			goto bad;
		}
		if (ordered && fk == FK_NUMBER && e->vk != V_NUM) {
			fail(l, vat, "'%s' is a number: compare it with a number", P->s->v[fi].name);
			goto bad;
		}
		(void)n;
		struct sb b = { 0 };
		u8_fold(e->text, strlen(e->text), false, &b);
		e->fold = xstrdup(sb_str(&b));
		if (P->s->fold) {
			sb_reset(&b);
			u8_fold(e->text, strlen(e->text), true, &b);
			e->strip = xstrdup(sb_str(&b));
		}
		sb_free(&b);
		int ec;
		PCRE2_SIZE eo;
		e->eq = pcre2_compile((PCRE2_SPTR)e->text, PCRE2_ZERO_TERMINATED,
				      PCRE2_LITERAL | PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
					      PCRE2_ANCHORED | PCRE2_ENDANCHORED,
				      &ec, &eo, NULL);
		if (!e->eq) {
			fail(l, vat, "not valid UTF-8");
			goto bad;
		}
		pcre2_jit_compile(e->eq, PCRE2_JIT_COMPLETE);
	}
	e->src = xstrndup(fat, (size_t)(l->p - fat));
	next(l);
	return e;
bad:
	expr_free(e);
	return NULL;
}

/* One level deeper for a '(' or a 'not' at the current token; false (and
 * the error set) past EXPR_MAX_DEPTH, before the parser recurses again. */
static bool deeper(struct parser *P)
{
	if (++P->depth <= EXPR_MAX_DEPTH)
		return true;
	fail(&P->l, P->l.start, "too deeply nested (more than %d brackets and nots)", EXPR_MAX_DEPTH);
	return false;
}

static struct expr *parse_not(struct parser *P)
{
	struct lex *l = &P->l;
	if (l->t == T_NOT) {
		if (!deeper(P))
			return NULL;
		next(l);
		struct expr *a = parse_not(P);
		P->depth--;
		if (!a)
			return NULL;
		struct expr *e = node(N_NOT);
		size_t cap = 0;
		add_kid(e, a, &cap);
		return e;
	}
	if (l->t == T_LP) {
		const char *at = l->start;
		if (!deeper(P))
			return NULL;
		next(l);
		struct expr *e = parse_or(P);
		P->depth--;
		if (!e)
			return NULL;
		if (l->t != T_RP) {
			fail(l, l->t == T_EOF ? at : l->start, l->t == T_EOF ? "'(' is never closed"
									   : "expected ')'");
			expr_free(e);
			return NULL;
		}
		next(l);
		return e;
	}
	return parse_test(P);
}

/* Operands joined by the keyword tk, read by sub: the operand alone, or a
 * node of kind k holding them all. */
static struct expr *parse_chain(struct parser *P, enum tk tk, enum nk k,
				struct expr *(*sub)(struct parser *))
{
	struct expr *a = sub(P);
	if (!a || P->l.t != tk)
		return a;
	struct expr *e = node(k);
	size_t cap = 0;
	add_kid(e, a, &cap);
	while (P->l.t == tk) {
		next(&P->l);
		struct expr *b = sub(P);
		if (!b) {
			expr_free(e);
			return NULL;
		}
		add_kid(e, b, &cap);
	}
	return e;
}

static struct expr *parse_and(struct parser *P)
{
	return parse_chain(P, T_AND, N_AND, parse_not);
}

static struct expr *parse_or(struct parser *P)
{
	return parse_chain(P, T_OR, N_OR, parse_and);
}

struct expr *expr_parse(const char *text, const struct schema *s, crm_time now, char *err,
			size_t err_size)
{
	struct parser P = { { text, text, T_EOF, text, NULL, "", OP_EQ, err, err_size, false },
			    s, now, 0, 0 };
	err[0] = '\0';
	next(&P.l);
	if (P.l.t == T_EOF && !P.l.failed) {
		fail(&P.l, P.l.start, "empty expression");
		free(P.l.val);
		return NULL;
	}
	struct expr *e = parse_or(&P);
	if (e && P.l.t != T_EOF) {
		if (P.l.t == T_RP)
			fail(&P.l, P.l.start, "unexpected ')'");
		else
			fail(&P.l, P.l.start, "expected 'and', 'or' or the end, found '%.*s'",
			     (int)(P.l.p - P.l.start), P.l.start);
		expr_free(e);
		e = NULL;
	}
	if (!e && !P.l.failed)
		fail(&P.l, P.l.start, "syntax error");
	free(P.l.val);
	return e;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nkid; i++)
		expr_free(e->kid[i]);
	free(e->kid);
	free(e->text);
	free(e->fold);
	free(e->src);
	free(e->strip);
	if (e->re)
		pcre2_code_free(e->re);
	if (e->eq)
		pcre2_code_free(e->eq);
	free(e);
}

void expr_fields(const struct expr *e, bool *used)
{
	if (!e)
		return;
	if (e->k == N_TEST || e->k == N_EXISTS)
		used[e->field] = true;
	for (size_t i = 0; i < e->nkid; i++)
		expr_fields(e->kid[i], used);
}

/* Evaluation: each step gives 1 (holds), 0 (does not) or -1 (cannot be
 * told: a regular expression gave up), the reason then in evalerr. */
static _Thread_local struct sb foldbuf;
static _Thread_local char evalerr[512];

/* A match of re in v[0..n) by test e: 1, 0, or -1 with evalerr naming the
 * test and PCRE2's reason. */
static int match(const struct expr *e, const pcre2_code *re, const char *v, size_t n)
{
	int k = re_match(re, v, n, 0, NULL);
	if (k < 0)
		snprintf(evalerr, sizeof evalerr, "%s: the regular expression gave up: %s", e->src,
			 re_error());
	return k;
}

/* Equality without case: Unicode simple case folding, as PCRE2 has it, so
 * that a caseless search for the value in raw bytes finds every match. */
static int text_eq(const struct expr *e, const char *v, size_t n)
{
	if (e->strip) {
		sb_reset(&foldbuf);
		u8_fold(v, n, true, &foldbuf);
		return !strcmp(sb_str(&foldbuf), e->strip);
	}
	return match(e, e->eq, v, n);
}

static int list_has(const struct expr *x, const char *v, size_t n)
{
	const char *e = v + n;
	while (v < e) {
		const char *semi = memchr(v, ';', (size_t)(e - v));
		const char *end = semi ? semi : e;
		const char *a = v, *b = end;
		while (a < b && *a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			b--;
		int k = text_eq(x, a, (size_t)(b - a));
		if (k)
			return k;
		v = end + 1;
	}
	return 0;
}

static int cmp_num(double a, double b)
{
	return a < b ? -1 : a > b;
}

static bool ordered(enum op op, int c)
{
	switch (op) {
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	case OP_GE: return c >= 0;
	default: return false;
	}
}

static int test(const struct expr *e, const char *v, size_t n)
{
	enum field_kind fk = e->fk;
	switch (e->op) {
	case OP_RE:
		return match(e, e->re, v, n);
	case OP_NRE: {
		int k = match(e, e->re, v, n);
		return k < 0 ? k : !k;
	}
	case OP_EQ:
	case OP_NE: {
		int eq;
		if (e->vk == V_RE) {
			eq = match(e, e->re, v, n);
		} else if (fk == FK_LIST) {
			eq = list_has(e, v, n);
		} else if (e->vk == V_DAY) {
			crm_time t;
			eq = date_parse(v, &t) ? day_start(t) == e->t : text_eq(e, v, n);
		} else if (e->vk == V_DATE) {
			crm_time t;
			eq = date_parse(v, &t) ? t == e->t : text_eq(e, v, n);
		} else if (e->vk == V_NUM) {
			double x;
			eq = parse_number(v, &x) ? x == e->num : text_eq(e, v, n);
		} else {
			eq = text_eq(e, v, n);
		}
		if (eq < 0)
			return eq;
		return e->op == OP_EQ ? eq : !eq;
	}
	default:
		break;
	}
	if (e->vk == V_NUM) {
		double x;
		return parse_number(v, &x) && ordered(e->op, cmp_num(x, e->num));
	}
	if (e->vk == V_DATE || e->vk == V_DAY) {
		crm_time t;
		if (!date_parse(v, &t))
			return 0;
		if (e->vk == V_DATE)
			return ordered(e->op, t < e->t ? -1 : t > e->t);
		/* a day stands for all of it: <= 2026-01-31 includes that day */
		crm_time lo = e->t, hi = e->t + 86400;
		switch (e->op) {
		case OP_LT: return t < lo;
		case OP_LE: return t < hi;
		case OP_GT: return t >= hi;
		case OP_GE: return t >= lo;
		default: return 0;
		}
	}
	sb_reset(&foldbuf);
	u8_fold(v, n, false, &foldbuf);
	return ordered(e->op, strcmp(sb_str(&foldbuf), e->fold));
}

/* Whether every field e names is in avail[] (NULL: all are). */
static bool known(const struct expr *e, const bool *avail)
{
	if (!avail)
		return true;
	if ((e->k == N_TEST || e->k == N_EXISTS) && !avail[e->field])
		return false;
	for (size_t i = 0; i < e->nkid; i++)
		if (!known(e->kid[i], avail))
			return false;
	return true;
}

/* e for the record: with avail NULL, its value; else whether it may hold
 * when only the fields in avail[] are known (1 when it depends on others).
 * The recursion goes as deep as the brackets and nots, never along a chain. */
static int eval(const struct expr *e, const bool *avail, expr_get get, void *ctx)
{
	if (avail && known(e, avail))
		avail = NULL;
	switch (e->k) {
	case N_AND:
	case N_OR: {
		/* and: false at the first false; or: true at the first true */
		int stop = e->k == N_OR;
		for (size_t i = 0; i < e->nkid; i++) {
			int k = eval(e->kid[i], avail, get, ctx);
			if (k < 0 || k == stop)
				return k;
		}
		return !stop;
	}
	case N_NOT: {
		if (avail)
			return 1; /* depends on what is not known yet */
		int k = eval(e->kid[0], NULL, get, ctx);
		return k < 0 ? k : !k;
	}
	case N_EXISTS: {
		if (avail)
			return 1;
		size_t n;
		get(ctx, e->field, &n);
		return n > 0;
	}
	case N_TEST: {
		if (avail)
			return 1;
		size_t n;
		const char *v = get(ctx, e->field, &n);
		if (!n)
			return 0; /* as SQL's NULL: no comparison holds */
		return test(e, v, n);
	}
	}
	return 0;
}

bool expr_eval(const struct expr *e, expr_get get, void *ctx, const char **err)
{
	int k = eval(e, NULL, get, ctx);
	*err = k < 0 ? evalerr : NULL;
	return k > 0;
}

bool expr_may_match(const struct expr *e, const bool *avail, expr_get get, void *ctx,
		    const char **err)
{
	int k = eval(e, avail, get, ctx);
	*err = k < 0 ? evalerr : NULL;
	return k > 0;
}

static void required(const struct expr *e, const bool *not_raw, const char **best)
{
	if (e->k == N_AND) {
		for (size_t i = 0; i < e->nkid; i++)
			required(e->kid[i], not_raw, best);
		return;
	}
	/* only text: a date or a number may be written otherwise in the data */
	if (e->k != N_TEST || e->op != OP_EQ || e->vk != V_TEXT || (not_raw && not_raw[e->field]))
		return;
	if (strchr(e->text, '"') || !*e->text)
		return;
	if (!*best || strlen(e->text) > strlen(*best))
		*best = e->text;
}

const char *expr_required_literal(const struct expr *e, const bool *not_raw)
{
	const char *best = NULL;
	if (e)
		required(e, not_raw, &best);
	return best;
}

int value_cmp(const char *a, const char *b)
{
	if (!*a || !*b)
		return !*a - !*b;
	double x, y;
	if (parse_number(a, &x) && parse_number(b, &y))
		return cmp_num(x, y);
	crm_time s, t;
	if (date_parse(a, &s) && date_parse(b, &t))
		return s < t ? -1 : s > t;
	struct sb fa = { 0 }, fb = { 0 };
	u8_fold(a, strlen(a), false, &fa);
	u8_fold(b, strlen(b), false, &fb);
	int c = strcmp(sb_str(&fa), sb_str(&fb));
	sb_free(&fa);
	sb_free(&fb);
	return c;
}
