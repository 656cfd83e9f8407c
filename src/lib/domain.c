/* domain.c - the vocabulary and the rules of the data */
#include "domain.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "id.h"
#include "money.h"
#include "scan.h"
#include "jsonl.h"
#include "suggest.h"
#include "utf8.h"
#include "util.h"

const char *const dom_types[] = { "note", "call", DOM_MISSED, "email", "meeting", "chat",
				  "sms", "purchase", "refund", "ticket", "survey", "task",
				  "done", "deal", "bounce", "void", "merge", "auto", "campaign", NULL };
const char *const dom_log_types[] = { "note", "call", DOM_MISSED, "email", "meeting", "chat",
				      "sms", "purchase", "refund", "ticket", "survey", "task",
				      "done", "deal", "bounce", NULL };
const char *const dom_channels[] = { "email", "phone", "sms", "chat", "meeting", "web", "shop",
				     "post", "other", NULL };
const char *const dom_stages[] = { "lead", "prospect", "customer", "churned", NULL };
const char *const dom_deal_stages[] = { "new", "qualified", "proposal", "negotiation", "won",
					"lost", NULL };
const int dom_deal_prob[] = { 10, 25, 50, 75, 100, 0 };
const char *const dom_ticket_statuses[] = { "open", "pending", "solved", "closed", NULL };
const char *const dom_ticket_priorities[] = { "low", DOM_PRIORITY, "high", NULL };
const char *const dom_mail_statuses[] = { DOM_PENDING, DOM_SENT, DOM_FAILED, NULL };
const char *const dom_consents[] = { DOM_OPT_IN, DOM_OPT_OUT, NULL };

long dom_index(const char *const *list, const char *s)
{
	for (long i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

bool dom_in(const char *const *list, const char *s)
{
	return dom_index(list, s) >= 0;
}

const char *dom_join(const char *const *list)
{
	static char buf[512];
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; list[i] && k + 1 < sizeof buf; i++)
		k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s", i ? ", " : "", list[i]);
	return buf;
}

const char *dom_hint(const char *s, const char *const *list)
{
	static char buf[600];
	const char *h = suggest_hint(s, list, SIZE_MAX, "");
	if (*h)
		snprintf(buf, sizeof buf, "%s", h);
	else
		snprintf(buf, sizeof buf, " (use one of: %s)", dom_join(list));
	return buf;
}

bool dom_left(const char *stage)
{
	return stage && (!strcmp(stage, "churned") || !strcmp(stage, "lost"));
}

const char *dom_default_channel(const char *type)
{
	static const char *const map[][2] = {
		{ "call", "phone" },  { DOM_MISSED, "phone" }, { "email", "email" },
		{ "bounce", "email" }, { "meeting", "meeting" }, { "chat", "chat" },
		{ "sms", "sms" },     { "purchase", "shop" }, { "refund", "shop" },
		{ "ticket", "web" },  { "survey", "web" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i][0], type))
			return map[i][1];
	return "other";
}

json_t *dom_event(crm_time ts, const char *customer, const char *type, const char *channel,
		  const char *direction)
{
	json_t *e = json_object();
	char id[ID_LEN + 1], when[DATE_BUFSZ];
	id_new(id);
	date_fmt(ts, when);
	json_object_set_new(e, "id", json_string(id));
	json_object_set_new(e, "ts", json_string(when));
	if (customer)
		json_object_set_new(e, "customer", json_string(customer));
	json_object_set_new(e, "type", json_string(type));
	json_object_set_new(e, "channel", json_string(channel ? channel : dom_default_channel(type)));
	if (direction)
		json_object_set_new(e, "direction", json_string(direction));
	json_object_set_new(e, "by", json_string(crm_user()));
	return e;
}

const char *dom_direction(const char *s)
{
	/* English, Polish, Czech, Bulgarian and German, lower case */
	static const char *const in[] = { "in", "inbound", "incoming", "przychodzące",
					  "przychodzący", "příchozí", "входящо", "входящ",
					  "eingehend" };
	static const char *const out[] = { "out", "outbound", "outgoing", "wychodzące",
					   "wychodzący", "odchozí", "изходящо", "изходящ",
					   "ausgehend" };
	struct sb f = { 0 };
	u8_fold(s, strlen(s), false, &f);
	const char *d = NULL;
	for (size_t i = 0; i < sizeof in / sizeof in[0] && !d; i++)
		d = !strcmp(sb_str(&f), in[i]) ? "in" : !strcmp(sb_str(&f), out[i]) ? "out" : NULL;
	sb_free(&f);
	return d;
}

const char *dom_fields_fit(const json_t *e)
{
	const char *type = json_str(e, "type");
	bool buy = !strcmp(type, "purchase"), back = !strcmp(type, "refund");
	bool deal = !strcmp(type, "deal"), survey = !strcmp(type, "survey");
	bool amount = json_object_get(e, "amount") != NULL;
	bool grade = json_object_get(e, "rating") || json_object_get(e, "score");
	if (buy && !amount)
		return "a purchase needs an amount";
	if (back && !amount)
		return "a refund needs an amount";
	if (amount && !buy && !back && !deal)
		return "an amount goes with purchase, refund and deal";
	if (survey && !grade)
		return "a survey needs a rating (1-5) or a score (0-10)";
	if (grade && !survey)
		return "a rating or a score goes with survey";
	if (json_object_get(e, "due") && strcmp(type, "task"))
		return "due goes with task";
	if ((json_object_get(e, "stage") || json_object_get(e, "probability") ||
	     json_object_get(e, "close")) && !deal)
		return "stage, probability and close go with deal";
	if (deal && !json_object_get(e, "stage"))
		return "a deal needs a stage";
	return NULL;
}

/* -- classes -- */

static bool is(const struct pval *v, const char *s, size_t n)
{
	return v->n == n && !memcmp(v->s, s, n);
}

unsigned dom_classify(const struct proj *p)
{
	const struct pval *t = &p->v[PJ_TYPE];
	if (t->kind != 's')
		return DOM_CONTACT; /* no type: nothing says it is not a contact */
	unsigned c = DOM_CONTACT;
	bool message = false;
	switch (t->n) {
	case 3:
		message = is(t, "sms", 3);
		break;
	case 4:
		if (is(t, "deal", 4))
			c |= DOM_DEAL;
		else if (is(t, "task", 4))
			c = DOM_TASK | DOM_INTERNAL;
		else if (is(t, "done", 4))
			c = DOM_DONE | DOM_INTERNAL;
		else if (is(t, "void", 4))
			c = DOM_VOID | DOM_INTERNAL;
		else if (is(t, "auto", 4))
			c = DOM_INTERNAL;
		break;
	case 5:
		if (is(t, "email", 5)) {
			c |= DOM_EMAIL;
			message = true;
		} else if (is(t, "merge", 5)) {
			c = DOM_MERGE | DOM_INTERNAL;
		}
		break;
	case 6:
		if (is(t, "refund", 6))
			c |= DOM_REFUND;
		else if (is(t, "survey", 6))
			c |= DOM_SURVEY;
		else if (is(t, "ticket", 6))
			c |= DOM_TICKET;
		else if (is(t, DOM_MISSED, 6) || is(t, "bounce", 6))
			c = 0;
		break;
	case 8:
		if (is(t, "purchase", 8))
			c |= DOM_PURCHASE;
		else if (is(t, "campaign", 8))
			c = DOM_CAMPAIGN | DOM_INTERNAL;
		break;
	}
	if (message) {
		const struct pval *s = &p->v[PJ_STATUS];
		if (s->kind == 's' && (is(s, DOM_PENDING, 7) || is(s, DOM_FAILED, 6)))
			c = (c & ~DOM_CONTACT) | DOM_UNSENT;
	}
	return c;
}

/* -- money -- */

#define NSLOTS (26 * 26 * 26 + 1)

static long long pow10ll(int e)
{
	long long v = 1;
	while (e-- > 0)
		v *= 10;
	return v;
}

static size_t slot_of(const char *cur, size_t n)
{
	if (n != 3)
		return NSLOTS - 1;
	size_t s = 0;
	for (size_t i = 0; i < 3; i++) {
		char c = cur[i];
		if (c >= 'a' && c <= 'z')
			c -= 32;
		if (c < 'A' || c > 'Z')
			return NSLOTS - 1;
		s = s * 26 + (size_t)(c - 'A');
	}
	return s;
}

/* Parse a positive decimal rate into num / 10^scale. */
static bool parse_rate(const char *s, long long *num, int *scale)
{
	long long v = 0;
	int sc = 0, digits = 0;
	bool point = false;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (v > 100000000000000LL || (point && sc >= 12))
				return false;
			v = v * 10 + (*p - '0');
			sc += point;
			digits++;
		} else if (*p == '.' && !point) {
			point = true;
		} else {
			return false;
		}
	}
	if (!digits || v <= 0)
		return false;
	*num = v;
	*scale = sc;
	return true;
}

void dom_rates_load(struct dom_rates *r, const struct crm_dir *d, const char *cur)
{
	memset(r, 0, sizeof *r);
	const char *c = conf_get(d, "currency", DOM_CURRENCY);
	if (cur && !currency_valid(cur, r->base))
		crm_diex("--currency: %s: not a currency code (ISO 4217: PLN, CZK, EUR)", cur);
	if (!currency_valid(c, r->conf)) {
		for (size_t i = d->nconf; i-- > 0;)
			if (!strcmp(d->conf[i].key, "currency")) {
				crm_dataerr(crm_path(d, conf_file(&d->conf[i])), d->conf[i].line,
					    "currency: '%s' is not a currency code (ISO 4217: PLN, CZK, EUR)", c);
				break;
			}
		exit(CRM_ERR);
	}
	if (!cur)
		memcpy(r->base, r->conf, sizeof r->base);
	r->base_exp = currency_exp(r->base);
	size_t cap = 0;
	for (size_t i = 0; i < d->nconf; i++) {
		const struct conf_item *it = &d->conf[i];
		if (strncmp(it->key, "rate.", 5))
			continue;
		struct dom_rate x;
		if (!currency_valid(it->key + 5, x.cur)) {
			crm_dataerr(crm_path(d, conf_file(it)), it->line,
				    "%s: not a currency code after 'rate.' (rate.CZK = 0.1725)", it->key);
			exit(CRM_ERR);
		}
		if (!parse_rate(it->value, &x.num, &x.scale)) {
			crm_dataerr(crm_path(d, conf_file(it)), it->line,
				    "%s: '%s' is not a rate (how much of the base currency one %s is "
				    "worth, as 0.1725)",
				    it->key, it->value, x.cur);
			exit(CRM_ERR);
		}
		x.exp = currency_exp(x.cur);
		size_t k = 0;
		while (k < r->n && strcmp(r->v[k].cur, x.cur))
			k++;
		if (k == r->n) { /* a rate given twice: the last counts */
			void *p = r->v;
			xgrow(&p, &cap, r->n + 1, sizeof *r->v);
			r->v = p;
			r->n++;
		}
		r->v[k] = x;
	}
	r->unrated = xcalloc(NSLOTS, sizeof *r->unrated);
}

void dom_rates_free(struct dom_rates *r)
{
	free(r->v);
	free(r->unrated);
	memset(r, 0, sizeof *r);
}

static bool same_cur(const char *a, size_t n, const char *b)
{
	return n == 3 && (a[0] | 32) == (b[0] | 32) && (a[1] | 32) == (b[1] | 32) &&
	       (a[2] | 32) == (b[2] | 32);
}

/* The rate of the currency cur[0..n) to crm.conf's currency: num / 10^scale
 * (1 for crm.conf's own); false when there is none. */
static bool rate_of(const struct dom_rates *r, const char *cur, size_t n, long long *num,
		    int *scale)
{
	if (same_cur(cur, n, r->conf)) {
		*num = 1;
		*scale = 0;
		return true;
	}
	for (size_t i = 0; i < r->n; i++)
		if (same_cur(cur, n, r->v[i].cur)) {
			*num = r->v[i].num;
			*scale = r->v[i].scale;
			return true;
		}
	return false;
}

bool dom_convert(const struct dom_rates *r, const char *cur, size_t n, long long amount,
		 long long *out)
{
	if (same_cur(cur, n, r->base)) {
		*out = amount;
		return true;
	}
	long long fnum, tnum;
	int fscale, tscale;
	if (!rate_of(r, cur, n, &fnum, &fscale) || !rate_of(r, r->base, 3, &tnum, &tscale)) {
		if (r->unrated)
			atomic_fetch_add_explicit(&r->unrated[slot_of(cur, n)], 1, memory_order_relaxed);
		*out = 0;
		return false;
	}
	char c[4] = { cur[0], cur[1], cur[2], 0 };
	/* amount / 10^exp(from) * fnum / 10^fscale / (tnum / 10^tscale) units of
	 * the base, times 10^base_exp: exact in 128 bits, rounded once; a
	 * product too big for them is taken in long double */
	__int128 num, den, q;
	bool over = __builtin_mul_overflow((__int128)amount, (__int128)fnum, &num) ||
		    __builtin_mul_overflow(num, (__int128)pow10ll(r->base_exp + tscale), &num) ||
		    __builtin_mul_overflow((__int128)pow10ll(fscale + currency_exp(c)), (__int128)tnum, &den);
	if (!over) {
		q = (num + (num >= 0 ? den / 2 : -(den / 2))) / den;
	} else {
		long double v = (long double)amount * fnum * powl(10, r->base_exp + tscale - fscale -
								   currency_exp(c)) / tnum;
		q = (__int128)(v < 0 ? v - 0.5L : v + 0.5L);
	}
	*out = q > INT64_MAX ? INT64_MAX : q < INT64_MIN ? INT64_MIN : (long long)q;
	return true;
}

bool dom_rates_missing(const struct dom_rates *r, struct sb *msg)
{
	if (!r->unrated)
		return false;
	size_t shown = 0;
	char first[4] = "";
	long total = 0;
	for (size_t i = 0; i < NSLOTS; i++) {
		long k = atomic_load(&r->unrated[i]);
		if (!k)
			continue;
		total += k;
		char cur[4] = "?";
		if (i < NSLOTS - 1)
			snprintf(cur, sizeof cur, "%c%c%c", (char)('A' + i / 676), (char)('A' + i / 26 % 26),
				 (char)('A' + i % 26));
		if (!shown)
			snprintf(first, sizeof first, "%s", cur);
		if (shown)
			sb_printf(msg, ", %ld in %s", k, cur);
		else
			sb_printf(msg, "left out %ld %s in %s", k, k == 1 ? "event" : "events", cur);
		shown++;
	}
	if (!total)
		return false;
	/* the rate to add: the base currency's when it is not crm.conf's and
	 * has none, else the first currency's */
	long long num;
	int scale;
	const char *need = rate_of(r, r->base, 3, &num, &scale) ? first : r->base;
	sb_printf(msg, ": no exchange rate to %s (crm.conf: rate.%s = how much %s one %s is worth)",
		  r->base, need, r->conf, need);
	return true;
}

void dom_rates_warn(const struct dom_rates *r)
{
	struct sb m = { 0 };
	if (dom_rates_missing(r, &m))
		crm_warnx("%s", sb_str(&m));
	sb_free(&m);
}

/* -- deals -- */

void dom_deal_init(struct dom_deal *d)
{
	memset(d, 0, sizeof *d);
	d->ts = d->t_stage = d->t_amount = d->t_prob = d->t_close = INT64_MIN;
}

void dom_deal_fold(struct dom_deal *d, const struct proj *p, crm_time ts)
{
	if (ts >= d->ts)
		d->ts = ts;
	const struct pval *v = &p->v[PJ_STAGE];
	if (v->kind == 's' && ts >= d->t_stage) {
		pv_str(v, d->stage, sizeof d->stage);
		d->t_stage = ts;
	}
	long long n;
	if (pval_int(&p->v[PJ_AMOUNT], &n) && ts >= d->t_amount) {
		d->amount = n;
		pv_str(&p->v[PJ_CURRENCY], d->cur, sizeof d->cur);
		d->t_amount = ts;
	}
	if (pval_int(&p->v[PJ_PROBABILITY], &n) && ts >= d->t_prob) {
		d->prob = n;
		d->t_prob = ts;
	}
	crm_time c;
	if (p->v[PJ_CLOSE].kind == 's' && ts >= d->t_close && pv_time(&p->v[PJ_CLOSE], &c)) {
		d->close = c;
		d->has_close = true;
		d->t_close = ts;
	}
}

bool dom_deal_open(const struct dom_deal *d)
{
	return strcmp(d->stage, "won") && strcmp(d->stage, "lost");
}

/* -- tickets -- */

void dom_ticket_init(struct dom_ticket *t)
{
	memset(t, 0, sizeof *t);
	t->opened = t->ts = t->t_status = t->t_priority = t->t_owner = t->reply = INT64_MIN;
	snprintf(t->status, sizeof t->status, "%s", dom_ticket_statuses[0]);
	snprintf(t->priority, sizeof t->priority, "%s", DOM_PRIORITY);
}

void dom_ticket_fold(struct dom_ticket *t, const struct proj *p, crm_time ts)
{
	if (ts >= t->ts)
		t->ts = ts;
	bool first = p->v[PJ_REF].kind != 's';
	if (first && ts >= t->opened) {
		t->opened = ts;
		const struct pval *s = p->v[PJ_SUBJECT].kind == 's' ? &p->v[PJ_SUBJECT] : &p->v[PJ_TEXT];
		pv_str(s, t->subject, sizeof t->subject);
	} else if (!first && ts >= t->reply) {
		t->reply = ts;
	}
	if (p->v[PJ_STATUS].kind == 's' && ts >= t->t_status) {
		pv_str(&p->v[PJ_STATUS], t->status, sizeof t->status);
		t->t_status = ts;
	}
	if (p->v[PJ_PRIORITY].kind == 's' && ts >= t->t_priority) {
		pv_str(&p->v[PJ_PRIORITY], t->priority, sizeof t->priority);
		t->t_priority = ts;
	}
	if (p->v[PJ_OWNER].kind == 's' && ts >= t->t_owner) {
		pv_str(&p->v[PJ_OWNER], t->owner, sizeof t->owner);
		t->t_owner = ts;
	}
}

void dom_ticket_join(struct dom_ticket *a, const struct dom_ticket *b)
{
	if (b->ts >= a->ts)
		a->ts = b->ts;
	if (b->opened != INT64_MIN && b->opened >= a->opened) {
		a->opened = b->opened;
		memcpy(a->subject, b->subject, sizeof a->subject);
	}
	if (b->reply >= a->reply)
		a->reply = b->reply;
	if (b->t_status != INT64_MIN && b->t_status >= a->t_status) {
		memcpy(a->status, b->status, sizeof a->status);
		a->t_status = b->t_status;
	}
	if (b->t_priority != INT64_MIN && b->t_priority >= a->t_priority) {
		memcpy(a->priority, b->priority, sizeof a->priority);
		a->t_priority = b->t_priority;
	}
	if (b->t_owner != INT64_MIN && b->t_owner >= a->t_owner) {
		memcpy(a->owner, b->owner, sizeof a->owner);
		a->t_owner = b->t_owner;
	}
}

bool dom_ticket_open(const struct dom_ticket *t)
{
	return strcmp(t->status, "solved") && strcmp(t->status, "closed");
}

long long dom_sla(const struct crm_dir *d, const char *priority)
{
	char key[32];
	snprintf(key, sizeof key, "sla.%s", priority);
	for (size_t i = d->nconf; i-- > 0;) {
		const struct conf_item *it = &d->conf[i];
		if (strcmp(it->key, key))
			continue;
		char *end;
		errno = 0;
		long long v = strtoll(it->value, &end, 10);
		long long unit = !strcmp(end, "m") ? 60 : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400 : 0;
		if (errno || end == it->value || !isdigit((unsigned char)it->value[0]) || !unit || v <= 0 ||
		    v > 100000) {
			crm_dataerr(crm_path(d, conf_file(it)), it->line,
				    "%s: '%s' is not a duration (90m, 4h, 2d)", it->key, it->value);
			exit(CRM_ERR);
		}
		return v * unit;
	}
	return 0;
}

bool dom_ticket_breached(const struct dom_ticket *t, long long sla, crm_time now)
{
	return sla > 0 && t->opened != INT64_MIN && dom_ticket_open(t) && now - t->opened > sla;
}

/* -- a campaign's cost -- */

bool dom_campaign_cost(const struct event *e, char *name, size_t namesz, long long *minor,
		       char *cur)
{
	if (!(e->cls & DOM_CAMPAIGN) || !e->text)
		return false;
	/* few lines: the whole object, for the key the projection does not take */
	char err[64];
	json_t *o = jsonl_parse(e->text, e->len, err, sizeof err);
	if (!o)
		return false;
	json_t *c = json_object_get(o, "cost"), *k = json_object_get(o, "currency"),
	       *n = json_object_get(o, "campaign");
	bool ok = json_is_integer(c) && json_integer_value(c) >= 0 && json_is_string(k) &&
		  currency_valid(json_string_value(k), cur) && json_is_string(n) &&
		  json_string_length(n) && json_string_length(n) < namesz;
	if (ok) {
		*minor = json_integer_value(c);
		memcpy(name, json_string_value(n), json_string_length(n) + 1);
	}
	json_decref(o);
	return ok;
}
