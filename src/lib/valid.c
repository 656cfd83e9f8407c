/* valid.c - the rules of whole records */
#include "valid.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cust.h"
#include "domain.h"
#include "hist.h"
#include "money.h"
#include "utf8.h"

/* The codes ISO 3166-1 assigns, in order, two letters each; XK added. */
static const char countries[] =
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZ"
	"BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ"
	"CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ"
	"DEDJDKDMDODZ"
	"ECEEEGEHERESET"
	"FIFJFKFMFOFR"
	"GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY"
	"HKHMHNHRHTHU"
	"IDIEILIMINIOIQIRISIT"
	"JEJMJOJP"
	"KEKGKHKIKMKNKPKRKWKYKZ"
	"LALBLCLILKLRLSLTLULVLY"
	"MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ"
	"NANCNENFNGNINLNONPNRNUNZ"
	"OM"
	"PAPEPFPGPHPKPLPMPNPRPSPTPWPY"
	"QA"
	"RERORSRURW"
	"SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ"
	"TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ"
	"UAUGUMUSUYUZ"
	"VAVCVEVGVIVNVU"
	"WFWS"
	"XK"
	"YEYT"
	"ZAZMZW";

bool valid_country_code(const char *cc)
{
	if (strlen(cc) != 2)
		return false;
	for (const char *p = countries; *p; p += 2)
		if (p[0] == cc[0] && p[1] == cc[1])
			return true;
	return false;
}


/* Collects the problems of one record for the caller's callback. */
struct rep {
	valid_fn *fn;
	void *ctx;
	size_t n;
	struct sb m;
};

static void say(struct rep *p, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct rep *p, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		crm_diex("out of memory");
	va_end(ap);
	p->fn(p->ctx, field, s);
	free(s);
	p->n++;
}

/* say() with the value shown between the field's name and the reason:
 * 'country "Poland": must be ...'. */
static void say_val(struct rep *p, const char *field, const char *val, const char *why)
{
	sb_reset(&p->m);
	valid_quote(&p->m, val, strlen(val));
	say(p, field, "%s %s: %s", field, sb_str(&p->m), why);
}

static void say_json(struct rep *p, const char *field, const json_t *v, const char *why)
{
	sb_reset(&p->m);
	valid_show(&p->m, v);
	say(p, field, "%s %s: %s", field, sb_str(&p->m), why);
}

/* Report a value that is fine but not as it is stored: 'write it as "PL"'. */
static void say_form(struct rep *p, const char *field, const char *val, const char *want)
{
	struct sb w = { 0 };
	valid_quote(&w, want, strlen(want));
	sb_reset(&p->m);
	valid_quote(&p->m, val, strlen(val));
	say(p, field, "%s %s: write it as %s", field, sb_str(&p->m), sb_str(&w));
	sb_free(&w);
}

void valid_quote(struct sb *b, const char *s, size_t n)
{
	size_t max = 60, cut = n;
	if (n > max) {
		/* cut at the start of a character */
		cut = max;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	json_t *j = json_stringn_nocheck(s, cut);
	char *t = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(j);
	if (!t)
		crm_diex("out of memory");
	sb_adds(b, t);
	free(t);
	if (cut < n)
		sb_adds(b, "...");
}

void valid_show(struct sb *b, const json_t *v)
{
	if (json_is_string(v)) {
		valid_quote(b, json_string_value(v), json_string_length(v));
		return;
	}
	/* 15 digits: 129.99 shows as written, not as 129.99000000000001 */
	char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
	if (!t)
		crm_diex("out of memory");
	if (strlen(t) > 60)
		sb_printf(b, "%.57s...", t);
	else
		sb_adds(b, t);
	free(t);
}

const char *valid_time(const char *s, char canon[DATE_BUFSZ])
{
	crm_time t;
	canon[0] = '\0';
	if (!date_parse(s, &t))
		return "not a time (YYYY-MM-DDThh:mm:ssZ)";
	char b[DATE_BUFSZ];
	date_fmt(t, b);
	if (!strcmp(b, s))
		return NULL;
	/* Readers compare these as strings: one form keeps the order right. */
	memcpy(canon, b, DATE_BUFSZ);
	return "not in the stored form YYYY-MM-DDThh:mm:ssZ";
}

void valid_cols_find(struct valid_cols *c, const struct hdr *h)
{
	c->id = hdr_find(h, "id");
	c->name = hdr_find(h, "name");
	c->email = hdr_find(h, "email");
	c->country = hdr_find(h, "country");
	c->stage = hdr_find(h, "stage");
	c->consent = hdr_find(h, "consent");
	c->created = hdr_find(h, "created");
	c->updated = hdr_find(h, "updated");
	c->touch = hdr_find(h, "touch");
}

/* A column name as messages show it: 'tags', or quoted as JSON when it
 * holds a control character (a quoted header field may). */
static const char *column(struct sb *b, const char *name)
{
	sb_reset(b);
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < ' ' || *c == '\'') {
			valid_quote(b, name, strlen(name));
			return sb_str(b);
		}
	sb_printf(b, "'%s'", name);
	return sb_str(b);
}

size_t valid_header(const struct hdr *h, valid_fn *fn, void *ctx)
{
	struct rep p = { fn, ctx, 0, { 0 } };
	for (size_t i = 0; i < h->n; i++) {
		if (!h->name[i][0]) {
			say(&p, "", "column %zu of the header has no name", i + 1);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(h->name[i], h->name[j])) {
				say(&p, h->name[i], "column %s appears twice in the header",
				    column(&p.m, h->name[i]));
				break;
			}
	}
	static const char *const need[] = { "id", "name", "email" };
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (hdr_find(h, need[i]) < 0)
			say(&p, need[i], "the header has no '%s' column", need[i]);
	sb_free(&p.m);
	return p.n;
}

/* A field checked by one of the check_* rules of cust.h. */
static void rule(struct rep *p, const struct rec *r, long col, const char *field,
		 const char *(*check)(const char *, char **))
{
	if (col < 0)
		return;
	const char *v = rec_get(r, (size_t)col);
	char *norm;
	const char *why = check(v, &norm);
	if (why)
		say_val(p, field, v, why);
	else if (!strcmp(field, "country") && *norm && !valid_country_code(norm))
		say_val(p, field, v,
			!strcmp(norm, "UK") ? "not an ISO 3166 country code (the United Kingdom is GB)"
					    : "not an ISO 3166 country code");
	else if (strcmp(norm, v))
		say_form(p, field, v, norm);
	free(norm);
}

/* A time v of the field: a problem when it is none, a note of the
 * canonical form when it is written another way. */
static void check_time(struct rep *p, const char *field, const char *v)
{
	char canon[DATE_BUFSZ];
	const char *why = valid_time(v, canon);
	if (canon[0])
		say_form(p, field, v, canon);
	else if (why)
		say_val(p, field, v, why);
}

static void time_col(struct rep *p, const struct rec *r, long col, const char *field)
{
	if (col >= 0 && *rec_get(r, (size_t)col))
		check_time(p, field, rec_get(r, (size_t)col));
}

size_t valid_customer(const struct valid_cols *c, const struct rec *r, valid_fn *fn, void *ctx)
{
	struct rep p = { fn, ctx, 0, { 0 } };
	rule(&p, r, c->email, "email", check_email);
	rule(&p, r, c->country, "country", check_country);
	rule(&p, r, c->stage, "stage", check_stage);
	rule(&p, r, c->consent, "consent", check_consent);
	time_col(&p, r, c->created, "created");
	time_col(&p, r, c->updated, "updated");
	if (c->touch >= 0 && *rec_get(r, (size_t)c->touch)) {
		long long days;
		if (!parse_long(rec_get(r, (size_t)c->touch), &days) || days < 1)
			say_val(&p, "touch", rec_get(r, (size_t)c->touch),
				"must be a whole number of days, 1 or more");
	}
	sb_free(&p.m);
	return p.n;
}

/* The string value of key: NULL when absent (a problem when required) or
 * not a string (a problem); "" when empty (a problem when required). */
static const char *str_key(struct rep *p, const json_t *o, const char *key, bool required)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v)) {
		if (required)
			say(p, key, "no %s", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		say_json(p, key, v, "not a string");
		return NULL;
	}
	if (required && !json_string_length(v))
		say(p, key, "empty %s", key);
	return json_string_value(v);
}

static void time_key(struct rep *p, const json_t *o, const char *key, bool required)
{
	const char *v = str_key(p, o, key, required);
	if (v && *v)
		check_time(p, key, v);
}

/* A whole number from lo to hi, when the key is there. */
static void int_key(struct rep *p, const json_t *o, const char *key, long long lo, long long hi)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		char why[80];
		snprintf(why, sizeof why, "must be a whole number from %lld to %lld", lo, hi);
		say_json(p, key, v, why);
	}
}

static void money_keys(struct rep *p, const json_t *o)
{
	json_t *a = json_object_get(o, "amount");
	if (a && !json_is_integer(a))
		say_json(p, "amount", a, "must be a whole number of minor units (12999 for 129.99)");
	else if (a && json_integer_value(a) < 0)
		say_json(p, "amount", a, "must not be negative");
	const char *cur = str_key(p, o, "currency", false);
	char up[4];
	if (cur && (!currency_valid(cur, up) || strcmp(up, cur)))
		say_val(p, "currency", cur, "must be three capital letters (ISO 4217: PLN, EUR)");
	if (a && !json_object_get(o, "currency"))
		say(p, "currency", "amount without a currency");
}

size_t valid_event(const json_t *o, valid_fn *fn, void *ctx)
{
	struct rep p = { fn, ctx, 0, { 0 } };
	str_key(&p, o, "id", true);
	time_key(&p, o, "ts", true);
	str_key(&p, o, "customer", true);
	const char *type = str_key(&p, o, "type", true);
	if (type && *type && !dom_in(dom_types, type)) {
		sb_reset(&p.m);
		valid_quote(&p.m, type, strlen(type));
		say(&p, "type", "unknown type %s", sb_str(&p.m));
	}
	const char *ch = str_key(&p, o, "channel", false);
	if (ch && !dom_in(dom_channels, ch)) {
		sb_reset(&p.m);
		valid_quote(&p.m, ch, strlen(ch));
		say(&p, "channel", "unknown channel %s", sb_str(&p.m));
	}
	const char *dir = str_key(&p, o, "direction", false);
	if (dir && strcmp(dir, "in") && strcmp(dir, "out"))
		say_val(&p, "direction", dir, "must be in or out");
	money_keys(&p, o);
	int_key(&p, o, "rating", 1, 5);
	int_key(&p, o, "score", 0, 10);
	time_key(&p, o, "due", false);
	time_key(&p, o, "close", false);
	const char *ref = str_key(&p, o, "ref", false);
	if (type && !strcmp(type, "done") && (!json_object_get(o, "ref") || (ref && !*ref)))
		say(&p, "ref", "a done needs a ref: the task it closes");
	if (type && !strcmp(type, "merge") && (!json_object_get(o, "ref") || (ref && !*ref)))
		say(&p, "ref", "a merge needs a ref: the customer merged into this one");
	if (type && !strcmp(type, "deal")) {
		const char *st = str_key(&p, o, "stage", false);
		if (st && !dom_in(dom_deal_stages, st))
			say_val(&p, "stage", st,
				"must be one of new, qualified, proposal, negotiation, won, lost");
		int_key(&p, o, "probability", 0, 100);
	}
	sb_free(&p.m);
	return p.n;
}

/* The string field v is one of list. */
static bool pv_in(const struct pval *v, const char *const *list)
{
	if (!v->n)
		return false; /* no list holds "" */
	for (; *list; list++)
		if ((*list)[0] == v->s[0] && strlen(*list) == v->n && !memcmp(*list, v->s, v->n))
			return true;
	return false;
}

/* s[0..n) is a time in the stored form (valid_time says NULL). A day
 * checked once is remembered: the lines of a history share days. */
static bool stored_time(const char *s, size_t n)
{
	static _Thread_local char day[10];
	if (n == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' &&
	    s[19] == 'Z') {
		bool digits = true;
		for (int i = 0; i < 19; i++)
			digits &= i == 4 || i == 7 || i == 10 || i == 13 || i == 16 || (s[i] >= '0' && s[i] <= '9');
		int h = (s[11] - '0') * 10 + (s[12] - '0'), m = (s[14] - '0') * 10 + (s[15] - '0'),
		    c = (s[17] - '0') * 10 + (s[18] - '0');
		/* in this form, a time date_parse takes is written back as it is */
		if (digits && h < 24 && m < 60 && c < 60) {
			if (!memcmp(s, day, 10))
				return true;
			char b[21];
			crm_time t;
			memcpy(b, s, 20);
			b[20] = '\0';
			if (date_parse(b, &t)) {
				memcpy(day, s, 10);
				return true;
			}
		}
	}
	if (n >= 64 || memchr(s, '\0', n))
		return false;
	char b[64], canon[DATE_BUFSZ];
	memcpy(b, s, n);
	b[n] = '\0';
	return !valid_time(b, canon);
}

static bool pv_stored_time(const struct pval *v)
{
	return stored_time(v->s, v->n);
}

/* A whole number from lo to hi, or absent. */
static bool pv_int_in(const struct pval *v, long long lo, long long hi)
{
	long long x;
	return !v->kind || (pval_int(v, &x) && x >= lo && x <= hi);
}

/* Absent, null, or a string (then fine by ok). */
static bool pv_opt_str(const struct pval *v)
{
	return !v->kind || v->kind == 'z' || v->kind == 's';
}

bool valid_event_clean(const struct proj *p)
{
	const struct pval *v = p->v;
	if (v[PJ_ID].kind != 's' || !v[PJ_ID].n || v[PJ_CUSTOMER].kind != 's' || !v[PJ_CUSTOMER].n ||
	    v[PJ_TYPE].kind != 's' || !pv_in(&v[PJ_TYPE], dom_types) || v[PJ_TS].kind != 's' ||
	    !pv_stored_time(&v[PJ_TS]))
		return false;
	if (!pv_opt_str(&v[PJ_CHANNEL]) || (v[PJ_CHANNEL].kind == 's' && !pv_in(&v[PJ_CHANNEL], dom_channels)))
		return false;
	static const char *const dirs[] = { "in", "out", NULL };
	if (!pv_opt_str(&v[PJ_DIRECTION]) || (v[PJ_DIRECTION].kind == 's' && !pv_in(&v[PJ_DIRECTION], dirs)))
		return false;
	if (v[PJ_AMOUNT].kind && (!pv_int_in(&v[PJ_AMOUNT], 0, LLONG_MAX) || !v[PJ_CURRENCY].kind))
		return false;
	if (!pv_opt_str(&v[PJ_CURRENCY]))
		return false;
	if (v[PJ_CURRENCY].kind == 's') {
		char cur[8], up[4];
		if (v[PJ_CURRENCY].n >= sizeof cur)
			return false;
		memcpy(cur, v[PJ_CURRENCY].s, v[PJ_CURRENCY].n);
		cur[v[PJ_CURRENCY].n] = '\0';
		if (!currency_valid(cur, up) || strcmp(up, cur))
			return false;
	}
	if (!pv_int_in(&v[PJ_RATING], 1, 5) || !pv_int_in(&v[PJ_SCORE], 0, 10))
		return false;
	const struct pval *times[] = { &v[PJ_DUE], &v[PJ_CLOSE] };
	for (size_t i = 0; i < 2; i++)
		if (!pv_opt_str(times[i]) || (times[i]->kind == 's' && times[i]->n && !pv_stored_time(times[i])))
			return false;
	if (!pv_opt_str(&v[PJ_REF]))
		return false;
	/* a done names its task, a merge the customer merged */
	static const char *const done[] = { "done", "merge", NULL }, *const deal[] = { "deal", NULL };
	if (pv_in(&v[PJ_TYPE], done) && (!v[PJ_REF].kind || (v[PJ_REF].kind == 's' && !v[PJ_REF].n)))
		return false;
	if (pv_in(&v[PJ_TYPE], deal) &&
	    (!pv_opt_str(&v[PJ_STAGE]) || (v[PJ_STAGE].kind == 's' && !pv_in(&v[PJ_STAGE], dom_deal_stages)) ||
	     !pv_int_in(&v[PJ_PROBABILITY], 0, 100)))
		return false;
	return true;
}

/* A column of rule(): clean when its check takes the value as it is (and
 * a country is an assigned code); a value found clean is remembered. */
static bool rule_clean(const struct rec *r, long col, int which, struct valid_memo *m,
		       const char *(*check)(const char *, char **))
{
	if (col < 0)
		return true;
	const char *v = rec_get(r, (size_t)col);
	if (which >= 0 && m->last[which] && !strcmp(m->last[which], v))
		return true;
	char *norm;
	bool ok = !check(v, &norm) && !strcmp(norm, v) && (which || !*norm || valid_country_code(norm));
	free(norm);
	if (ok && which >= 0) {
		free(m->last[which]);
		m->last[which] = xstrdup(v);
	}
	return ok;
}

bool valid_customer_clean(const struct valid_cols *c, const struct rec *r, struct valid_memo *m)
{
	if (!rule_clean(r, c->email, -1, m, check_email) || !rule_clean(r, c->country, 0, m, check_country) ||
	    !rule_clean(r, c->stage, 1, m, check_stage) || !rule_clean(r, c->consent, 2, m, check_consent))
		return false;
	const long times[] = { c->created, c->updated };
	for (size_t i = 0; i < 2; i++)
		if (times[i] >= 0 && rec_len(r, (size_t)times[i]) &&
		    !stored_time(rec_get(r, (size_t)times[i]), rec_len(r, (size_t)times[i])))
			return false;
	long long days;
	if (c->touch >= 0 && *rec_get(r, (size_t)c->touch) &&
	    (!parse_long(rec_get(r, (size_t)c->touch), &days) || days < 1))
		return false;
	return true;
}

void valid_memo_free(struct valid_memo *m)
{
	for (size_t i = 0; i < sizeof m->last / sizeof m->last[0]; i++)
		free(m->last[i]);
	memset(m, 0, sizeof *m);
}
