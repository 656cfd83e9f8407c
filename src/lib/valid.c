/* valid.c - the rules of whole records */
#include "valid.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "domain.h"
#include "hist.h"
#include "idna.h"
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
	valid_say(&p->m, field, val, why);
	say(p, field, "%s", sb_str(&p->m));
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

void valid_say(struct sb *out, const char *field, const char *val, const char *why)
{
	sb_printf(out, "%s ", field);
	valid_quote(out, val, strlen(val));
	sb_printf(out, ": %s", why);
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
	/* as JSON writes a string, and DEL and C1 escaped too: a message must
	 * not carry a control character to the terminal */
	sb_addc(b, '"');
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < cut;) {
		unsigned cp;
		size_t k = u8_decode(u + i, cut - i, &cp);
		if (!k) {
			sb_adds(b, "\\uFFFD"); /* not UTF-8 */
			i++;
			continue;
		}
		static const char short_esc[] = "\bb\ff\nn\rr\tt\"\"\\\\";
		const char *e = cp < 0x80 ? memchr(short_esc, (int)cp, sizeof short_esc - 1) : NULL;
		if (e && (e - short_esc) % 2 == 0) {
			sb_addc(b, '\\');
			sb_addc(b, e[1]);
		} else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			sb_printf(b, "\\u%04X", cp);
		} else {
			sb_add(b, s + i, k);
		}
		i += k;
	}
	sb_addc(b, '"');
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

/* -- The rules of single values -- */

/* The first control character of s (C0 but those in allow, DEL, C1), as
 * a code point, or -1. s is valid UTF-8. */
static long control(const char *s, const char *allow)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && !strchr(allow, *p)) || *p == 0x7F)
			return *p;
		if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return p[1];
	}
	return -1;
}

long valid_control_char(const char *s)
{
	return control(s, "");
}

static _Thread_local char whybuf[128];

/* Why a value is refused for its control characters, or NULL: a line break
 * is named as one where the field is a single line. */
static const char *controls(const char *in, bool oneline)
{
	long c = control(in, oneline ? "" : "\t\n\r");
	if (c < 0)
		return NULL;
	if (c == '\n' || c == '\r')
		return "holds a line break (the field is one line)";
	snprintf(whybuf, sizeof whybuf, "holds a control character (U+%04lX)", (unsigned long)c);
	return whybuf;
}

/* The common start of a rule: an empty value is fine as it is (1), a value
 * that is not UTF-8 is refused (-1, *why set), else go on (0). */
static int start(const char *in, char **norm, const char **why)
{
	*norm = NULL;
	*why = NULL;
	if (!*in) {
		*norm = xstrdup("");
		return 1;
	}
	if (!u8_valid(in, strlen(in), NULL)) {
		*why = "is not valid UTF-8";
		return -1;
	}
	return 0;
}

static const char *kept(const char *in, char **norm, bool oneline)
{
	const char *why;
	if (start(in, norm, &why))
		return why;
	if ((why = controls(in, oneline)))
		return why;
	*norm = xstrdup(in);
	return NULL;
}

const char *valid_line(const char *in, char **norm)
{
	return kept(in, norm, true);
}

const char *valid_text(const char *in, char **norm)
{
	return kept(in, norm, false);
}

const char *valid_id(const char *in, char **norm)
{
	const char *why;
	if (start(in, norm, &why))
		return why;
	/* ids are typed as operands and kept by other systems: one word */
	if (control(in, "") >= 0 || strpbrk(in, " "))
		return "holds a space or a control character (an id is one word)";
	*norm = xstrdup(in);
	return NULL;
}

/* The limits of SMTP (RFC 5321): a mail server refuses a longer part. */
#define LOCAL_MAX 64
#define LABEL_MAX 63
#define ADDRESS_MAX 254

const char *valid_email(const char *in, char **norm)
{
	const char *why;
	if (start(in, norm, &why))
		return why;
	const char *at = strchr(in, '@');
	if (!at || at == in || strchr(at + 1, '@'))
		return "needs exactly one '@' with a name before it";
	if (control(in, "") >= 0)
		return "holds a space or a character not allowed in an address";
	for (const char *p = in; *p; p++)
		if (strchr(" ,<>\"();\\[]:", *p))
			return "holds a space or a character not allowed in an address";
	const char *dom = at + 1;
	if (!strchr(dom, '.') || dom[0] == '.' || dom[strlen(dom) - 1] == '.' || strstr(dom, ".."))
		return "needs a domain with a dot (name@example.com)";
	if (in[0] == '.' || at[-1] == '.' || strstr(in, ".."))
		return "has a misplaced dot";
	for (const char *p = dom; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return "has a character not allowed in a domain";
	}
	struct sb b = { 0 }, wire = { 0 };
	u8_fold(in, strlen(in), false, &b);
	const char *f = sb_str(&b), *fat = strchr(f, '@');
	/* what crm-mail sends to: the domain in its ASCII form */
	bool ascii = idna_to_ascii(fat + 1, strlen(fat + 1), &wire);
	why = NULL;
	if ((size_t)(fat - f) > LOCAL_MAX)
		why = "has more than 64 bytes before the '@' (mail servers refuse it)";
	else if (!ascii)
		why = "has a domain that cannot be written in ASCII (IDNA)";
	else if ((size_t)(fat - f) + 1 + wire.len > ADDRESS_MAX)
		why = "is longer than 254 characters (mail servers refuse it)";
	for (const char *l = sb_str(&wire); !why && *l;) {
		size_t n = strcspn(l, ".");
		if (n > LABEL_MAX)
			why = "has a part of the domain longer than 63 characters";
		else if (l[0] == '-' || l[n - 1] == '-')
			why = "has a part of the domain that starts or ends with '-'";
		l += n + (l[n] == '.');
	}
	if (!why)
		*norm = xstrdup(f);
	sb_free(&b);
	sb_free(&wire);
	return why;
}

const char *valid_country(const char *in, char **norm)
{
	const char *why;
	if (start(in, norm, &why))
		return why;
	char code[3];
	size_t n = strlen(in);
	bool letters = n == 2 && ((in[0] | 32) >= 'a' && (in[0] | 32) <= 'z') &&
		       ((in[1] | 32) >= 'a' && (in[1] | 32) <= 'z');
	if (letters) {
		/* two letters are a code, which must be assigned: "UK" is none */
		code[0] = (char)(in[0] & ~32);
		code[1] = (char)(in[1] & ~32);
		code[2] = '\0';
		if (!valid_country_code(code))
			return !strcmp(code, "UK") ? "not an ISO 3166 country code (the United Kingdom is GB)"
						   : "not an ISO 3166 country code";
	} else if (!country_code(in, code) || !valid_country_code(code)) {
		return "not an ISO 3166 country code (PL, CZ, BG, DE) or a country's name";
	}
	*norm = xstrdup(code);
	return NULL;
}

static const char *one_of(const char *in, char **norm, const char *const *ok, const char *why)
{
	const char *bad;
	if (start(in, norm, &bad))
		return bad;
	for (const char *const *p = ok; *p; p++)
		if (ascii_ieq(in, *p)) {
			*norm = xstrdup(*p);
			return NULL;
		}
	return why;
}

const char *valid_stage(const char *in, char **norm)
{
	snprintf(whybuf, sizeof whybuf, "must be one of %s", dom_join(dom_stages));
	return one_of(in, norm, dom_stages, whybuf);
}

const char *valid_consent(const char *in, char **norm)
{
	snprintf(whybuf, sizeof whybuf, "must be %s or empty", dom_join(dom_consents));
	return one_of(in, norm, dom_consents, whybuf);
}

const char *valid_stamp(const char *in, char **norm)
{
	const char *why;
	if (start(in, norm, &why))
		return why;
	crm_time t;
	if (!date_parse(in, &t))
		return "not a time (YYYY-MM-DDThh:mm:ssZ)";
	char b[DATE_BUFSZ];
	date_fmt(t, b);
	*norm = xstrdup(b);
	return NULL;
}

const char *valid_touch(const char *in, char **norm)
{
	const char *why;
	if (start(in, norm, &why))
		return why;
	long long days;
	if (!parse_long(in, &days) || days < 1)
		return "must be a whole number of days, 1 or more";
	char b[32];
	snprintf(b, sizeof b, "%lld", days);
	*norm = xstrdup(b);
	return NULL;
}

/* The rule of each column that has one of its own; the others are free
 * text. */
static const struct {
	const char *col;
	valid_rule *rule;
} field_rules[] = {
	{ "id", valid_id },	    { "name", valid_line },	  { "email", valid_email },
	{ "phone", valid_line },    { "company", valid_line },	  { "country", valid_country },
	{ "city", valid_line },	    { "tags", valid_line },	  { "owner", valid_line },
	{ "stage", valid_stage },   { "consent", valid_consent }, { "created", valid_stamp },
	{ "updated", valid_stamp }, { "touch", valid_touch },
};

valid_rule *valid_rule_of(const char *col)
{
	for (size_t i = 0; i < sizeof field_rules / sizeof field_rules[0]; i++)
		if (!strcmp(field_rules[i].col, col))
			return field_rules[i].rule;
	return valid_text;
}

const char *valid_field(const char *col, const char *in, char **norm)
{
	return valid_rule_of(col)(in, norm);
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

size_t valid_customer(const struct hdr *h, const struct rec *r, valid_fn *fn, void *ctx)
{
	struct rep p = { fn, ctx, 0, { 0 } };
	for (size_t c = 0; c < h->n && c < r->n; c++) {
		const char *v = rec_get(r, c), *col = h->name[c];
		if (!*v) {
			if (!strcmp(col, "name"))
				say(&p, col, "a customer needs a name");
			continue;
		}
		char *norm;
		const char *why = valid_field(col, v, &norm);
		if (why)
			say_val(&p, col, v, why);
		else if (strcmp(norm, v))
			say_form(&p, col, v, norm);
		free(norm);
	}
	long cn = hdr_find(h, "name");
	if (cn >= 0 && (size_t)cn >= r->n)
		say(&p, "name", "a customer needs a name");
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
	json_t *t = json_object_get(o, "type");
	bool campaign = json_is_string(t) && !strcmp(json_string_value(t), "campaign");
	/* a campaign's own event is of no customer */
	str_key(&p, o, "customer", !campaign);
	const char *type = str_key(&p, o, "type", true);
	if (campaign) {
		const char *name = str_key(&p, o, "campaign", true);
		if (name && !*name)
			say(&p, "campaign", "a campaign event needs the campaign's name");
		json_t *cost = json_object_get(o, "cost");
		if (cost && (!json_is_integer(cost) || json_integer_value(cost) < 0))
			say_json(&p, "cost", cost, "must be a whole number of minor units, not negative");
		if (cost && !json_object_get(o, "currency"))
			say(&p, "currency", "cost without a currency");
	}
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
	if (type && !strcmp(type, "void") && (!json_object_get(o, "ref") || (ref && !*ref)))
		say(&p, "ref", "a void needs a ref: the event it cancels");
	if (type && !strcmp(type, "ticket")) {
		const char *st = str_key(&p, o, "status", false);
		if (st && !dom_in(dom_ticket_statuses, st))
			say_val(&p, "status", st, "must be one of open, pending, solved, closed");
		const char *pr = str_key(&p, o, "priority", false);
		if (pr && !dom_in(dom_ticket_priorities, pr))
			say_val(&p, "priority", pr, "must be one of low, normal, high");
	}
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
	/* a done names its task, a merge the customer merged, a void the event */
	static const char *const done[] = { "done", "merge", "void", NULL }, *const deal[] = { "deal", NULL };
	static const char *const ticket[] = { "ticket", NULL };
	if (pv_in(&v[PJ_TYPE], ticket) &&
	    (!pv_opt_str(&v[PJ_STATUS]) || (v[PJ_STATUS].kind == 's' && !pv_in(&v[PJ_STATUS], dom_ticket_statuses)) ||
	     !pv_opt_str(&v[PJ_PRIORITY]) ||
	     (v[PJ_PRIORITY].kind == 's' && !pv_in(&v[PJ_PRIORITY], dom_ticket_priorities))))
		return false;
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

bool valid_customer_clean(const struct hdr *h, const struct valid_cols *c, const struct rec *r,
			  struct valid_memo *m)
{
	if (c->name < 0 || (size_t)c->name >= r->n || !*rec_get(r, (size_t)c->name))
		return false;
	if (!rule_clean(r, c->email, -1, m, valid_email) || !rule_clean(r, c->country, 0, m, valid_country) ||
	    !rule_clean(r, c->stage, 1, m, valid_stage) || !rule_clean(r, c->consent, 2, m, valid_consent))
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
	/* the other columns: their rules look for control characters (and a
	 * space in an id); the record is UTF-8 already */
	if (m->nrule != h->n) {
		free(m->rule);
		m->rule = xcalloc(h->n ? h->n : 1, sizeof *m->rule);
		m->nrule = h->n;
		for (size_t i = 0; i < h->n; i++)
			m->rule[i] = valid_rule_of(h->name[i]);
	}
	for (size_t i = 0; i < r->n && i < h->n; i++) {
		const char *v = rec_get(r, i);
		valid_rule *rule = m->rule[i];
		if (rule == valid_line || rule == valid_id) {
			if (control(v, "") >= 0 || (rule == valid_id && strchr(v, ' ')))
				return false;
		} else if (rule == valid_text && control(v, "\t\n\r") >= 0) {
			return false;
		}
	}
	return true;
}

void valid_memo_free(struct valid_memo *m)
{
	for (size_t i = 0; i < sizeof m->last / sizeof m->last[0]; i++)
		free(m->last[i]);
	free(m->rule);
	memset(m, 0, sizeof *m);
}
