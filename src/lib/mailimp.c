/* mailimp.c - mail import: messages matched to customers become email
 * interactions, once each, whatever how often the same mailbox is read */
#include "mailimp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cust.h"
#include "domain.h"
#include "hist.h"
#include "hmap.h"
#include "id.h"
#include "jsonl.h"
#include "lock.h"
#include "msg.h"
#include "proj.h"
#include "utf8.h"
#include "valid.h"

#define TEXT_CHARS 200     /* the excerpt of the body kept in "text" */
#define SUBJECT_CHARS 998  /* the longest line RFC 5322 allows */

struct imp {
	struct crm_dir *d;
	const struct mailimp_opts *o;
	struct ctable t;
	long ci, ce;
	struct hmap emails;  /* a customer's address -> its index in first */
	long *first;         /* per address: the first row that has it */
	long *next_row;      /* per row: the next row with the same address, or -1 */
	size_t nrows_cap, first_cap;
	struct hmap team;    /* the team's own addresses */
	struct hmap seen;    /* customer id, NUL, message id */
	struct hmap sent;    /* message ids of campaign mail -> index into campaign */
	char **campaign;
	size_t ccap;
	char **unsub;        /* the mailto: addresses of crm.conf unsubscribe, lower-cased */
	size_t nunsub;
	struct sb out;       /* the records to append */
	char now[DATE_BUFSZ];
	bool changed;        /* customers.csv must be written: leads, consent */
	long read, added, dups, unmatched, malformed, leads, optouts;
};

static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void grow_longs(long **v, size_t *cap, size_t need)
{
	void *p = *v;
	xgrow(&p, cap, need, sizeof **v);
	*v = p;
}

/* Link row to the address map. */
static void index_row(struct imp *x, size_t row)
{
	grow_longs(&x->next_row, &x->nrows_cap, row + 1);
	x->next_row[row] = -1;
	const char *e = x->ce >= 0 ? rec_get(&x->t.rows[row], (size_t)x->ce) : "";
	if (!*e)
		return;
	struct sb f = { 0 };
	u8_fold(e, strlen(e), false, &f);
	size_t before = x->emails.n, k = hmap_put(&x->emails, f.s, f.len);
	if (k == before) {
		grow_longs(&x->first, &x->first_cap, k + 1);
		x->first[k] = (long)row;
	} else {
		/* more customers with one address: each gets the mail */
		long r = x->first[k];
		while (x->next_row[r] >= 0)
			r = x->next_row[r];
		x->next_row[r] = (long)row;
	}
	sb_free(&f);
}

static void add_team(struct imp *x, const char *value)
{
	struct msg_addr *v = NULL;
	size_t n = 0, cap = 0;
	msg_addrs(value, &v, &n, &cap);
	for (size_t i = 0; i < n; i++)
		hmap_put(&x->team, v[i].addr, strlen(v[i].addr));
	msg_addrs_free(v, n);
}

static void seen_key(struct sb *k, const char *cust, size_t cn, const char *mid, size_t mn)
{
	sb_reset(k);
	sb_add(k, cust, cn);
	sb_addc(k, '\0');
	sb_add(k, mid, mn);
}

/* The (customer, message id) pairs of the history, read with the
 * projection reader: only the two fields are looked at. */
static int load_seen(struct imp *x)
{
	struct linein *in = hist_open(x->d);
	if (!in)
		return 0;
	struct proj pj = { .skip = ~(1u << PJ_CUSTOMER | 1u << PJ_MESSAGE_ID | 1u << PJ_CAMPAIGN) };
	struct sb k = { 0 };
	const char *s;
	size_t n;
	bool torn;
	int r, rc = 0;
	while ((r = linein_next(in, &s, &n, &torn)) > 0) {
		char err[200];
		int p = proj_line(&pj, s, n, err, sizeof err);
		if (p < 0) {
			crm_dataerr(in->b.name, in->line, "%s%s", torn ? "torn last line: " : "", err);
			if (x->o->strict) {
				rc = -1;
				break;
			}
			continue;
		}
		const struct pval *c = &pj.v[PJ_CUSTOMER], *m = &pj.v[PJ_MESSAGE_ID];
		if (p == 0 || c->kind != 's' || m->kind != 's' || !m->n)
			continue;
		seen_key(&k, c->s, c->n, m->s, m->n);
		hmap_put(&x->seen, k.s, k.len);
		const struct pval *cp = &pj.v[PJ_CAMPAIGN];
		if (cp->kind == 's' && cp->n) {
			/* mail of a campaign: a reply to it may answer a survey */
			size_t had = x->sent.n, i = hmap_put(&x->sent, m->s, m->n);
			if (i == had) {
				void *q = x->campaign;
				xgrow(&q, &x->ccap, i + 1, sizeof *x->campaign);
				x->campaign = q;
				x->campaign[i] = xstrndup(cp->s, cp->n);
			}
		}
	}
	if (r < 0)
		rc = -1;
	sb_free(&k);
	proj_free(&pj);
	close(in->b.fd);
	linein_close(in);
	return rc;
}

/* A 64-bit FNV-1a of the fields, each followed by a LF. */
static uint64_t fnv1a(const struct msg *m)
{
	static const char *const names[] = { "Date", "From", "To", "Subject" };
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < 4; i++) {
		const char *v = msg_get(m, names[i]);
		for (const char *p = v ? v : ""; *p; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ULL;
		}
		h ^= '\n';
		h *= 1099511628211ULL;
	}
	return h;
}

/* The message id as crm-mail writes it, with its angle brackets; for a
 * message without one, "hash:" and a hash of its main fields. */
static void message_id(const struct msg *m, struct sb *out)
{
	const char *v = msg_get(m, "Message-ID");
	struct sb raw = { 0 };
	if (v) {
		const char *lt = strchr(v, '<'), *gt = lt ? strchr(lt, '>') : NULL;
		if (lt && gt && gt > lt + 1) {
			for (const char *p = lt; p <= gt; p++)
				if (*p != ' ' && *p != '\t')
					sb_addc(&raw, *p);
		} else {
			while (*v == ' ' || *v == '\t')
				v++;
			size_t l = strcspn(v, " \t(");
			if (l) {
				sb_addc(&raw, '<');
				sb_add(&raw, v, l);
				sb_addc(&raw, '>');
			}
		}
	}
	if (raw.len)
		msg_excerpt(raw.s, raw.len, SUBJECT_CHARS, out);
	else
		sb_printf(out, "hash:%016llx", (unsigned long long)fnv1a(m));
	sb_free(&raw);
}

/* The customers of the address, appended to rows (without repeats). */
static void match(struct imp *x, const char *addr, long **rows, size_t *n, size_t *cap)
{
	long k = hmap_get(&x->emails, addr, strlen(addr));
	if (k < 0)
		return;
	for (long r = x->first[k]; r >= 0; r = x->next_row[r]) {
		bool have = false;
		for (size_t i = 0; i < *n && !have; i++)
			have = (*rows)[i] == r;
		if (!have) {
			grow_longs(rows, cap, *n + 1);
			(*rows)[(*n)++] = r;
		}
	}
}

/* Add the sender as a lead; its row, or -1 when its address is refused. */
static long add_lead(struct imp *x, const struct msg_addr *a)
{
	char *email, *dn = NULL;
	if (valid_email(a->addr, &email) || !*email) {
		free(email);
		return -1;
	}
	size_t row = ctable_new_customer(&x->t, x->now);
	struct sb name = { 0 };
	/* a display name crm-add would refuse (a control character decoded
	 * from an encoded word) gives way to the address's local part */
	if (*a->name && !valid_line(a->name, &dn))
		sb_adds(&name, dn);
	else
		sb_add(&name, email, strcspn(email, "@"));
	free(dn);
	size_t cn = ctable_col_add(&x->t, "name"), ce = ctable_col_add(&x->t, "email");
	rec_set(&x->t.rows[row], cn, name.s, name.len);
	rec_set(&x->t.rows[row], ce, email, strlen(email));
	x->ce = (long)ce;
	x->ci = ctable_col(&x->t, "id");
	index_row(x, row);
	sb_free(&name);
	free(email);
	x->leads++;
	x->changed = true;
	return (long)row;
}

/* Append the record of a message for the customer cust: an email, or
 * what type says (bounce, survey), with the fields of extra (may be NULL)
 * before the message id. */
static void put_record(struct imp *x, const char *cust, crm_time ts, const char *type,
		       const char *dir, const char *subject, const char *text, const json_t *extra,
		       const char *mid)
{
	json_t *e = dom_event(ts, cust, type, "email", dir);
	if (*subject)
		json_object_set_new(e, "subject", json_string(subject));
	if (*text)
		json_object_set_new(e, "text", json_string(text));
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)extra, k, v)
		json_object_set(e, k, v);
	json_object_set_new(e, "message_id", json_string(mid));
	jsonl_put(&x->out, e);
	json_decref(e);
}

/* Where a message is, for messages: "inbox.mbox: message 7 (line 130)"
 * or the path of a Maildir file. */
struct where {
	const char *file;
	long number, line; /* 0 for a Maildir file */
	const char *from;  /* the mbox From line, or NULL */
	size_t fromlen;
	crm_time mtime;
};

static void bad(struct imp *x, const struct where *w, const char *why)
{
	if (w->number)
		crm_warnx("%s: message %ld (line %ld): %s", w->file, w->number, w->line, why);
	else
		crm_warnx("%s: %s", w->file, why);
	x->malformed++;
}

/* The parts of a message that are decoded only when it is logged. */
struct details {
	bool have;
	crm_time ts;
	struct sb subj, text, body; /* the subject and the excerpt; the body decoded */
};

static void get_details(struct details *d, const struct msg *m, const struct where *w)
{
	if (d->have)
		return;
	d->have = true;
	const char *date = msg_get(m, "Date");
	if (!(date && msg_date(date, &d->ts)) && !(w->from && mbox_from_date(w->from, w->fromlen, &d->ts)))
		d->ts = w->mtime;
	struct sb s = { 0 };
	const char *sv = msg_get(m, "Subject");
	if (sv)
		msg_words(sv, strlen(sv), &s);
	msg_excerpt(sb_str(&s), s.len, SUBJECT_CHARS, &d->subj);
	msg_text(m, &d->body);
	msg_excerpt(sb_str(&d->body), d->body.len, TEXT_CHARS, &d->text);
	sb_free(&s);
}

static void free_details(struct details *d)
{
	sb_free(&d->subj);
	sb_free(&d->text);
	sb_free(&d->body);
}

/* Whether the customer cid has the message mid logged already; else it
 * is marked logged. Counts the duplicates. */
static bool logged(struct imp *x, const char *cid, const struct sb *mid)
{
	struct sb key = { 0 };
	seen_key(&key, cid, strlen(cid), mid->s, mid->len);
	bool had = hmap_get(&x->seen, key.s, key.len) >= 0;
	if (had)
		x->dups++;
	else
		hmap_put(&x->seen, key.s, key.len);
	sb_free(&key);
	return had;
}

/* A hard bounce (a delivery status notification whose recipient failed
 * with a permanent 5.x.x status) of a customer's address is logged as a
 * bounce of each customer with it; other notifications are logged as
 * nothing (unmatched). */
static void import_bounce(struct imp *x, const struct msg *m, const struct msg_rcpt *r, size_t nr,
			  const struct where *w)
{
	struct sb mid = { 0 };
	struct details d = { 0 };
	message_id(m, &mid);
	bool any = false;
	long *rows = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < nr; i++) {
		if (strcmp(r[i].action, "failed") || r[i].status[0] != '5')
			continue;
		size_t n = 0;
		match(x, r[i].addr, &rows, &n, &cap);
		for (size_t j = 0; j < n; j++) {
			any = true;
			const char *cid = rec_get(&x->t.rows[rows[j]], (size_t)x->ci);
			if (logged(x, cid, &mid))
				continue;
			get_details(&d, m, w);
			json_t *extra = json_object();
			json_object_set_new(extra, "email", json_string(r[i].addr));
			json_object_set_new(extra, "status", json_string(r[i].status));
			put_record(x, cid, d.ts, "bounce", "in", sb_str(&d.subj),
				   *r[i].diag ? r[i].diag : r[i].status, extra, mid.s);
			json_decref(extra);
			x->added++;
		}
	}
	if (!any)
		x->unmatched++;
	free(rows);
	sb_free(&mid);
	free_details(&d);
}

/* Whether a message comes from a machine, not a person: one that says so
 * (Auto-Submitted, Precedence bulk, list or junk), mail of a list
 * (List-Id), or a sender whose name says no one reads the replies
 * (no-reply, mailer-daemon, postmaster). Such senders are no leads. */
static bool automated(const struct msg *m, const char *addr)
{
	const char *v = msg_get(m, "Auto-Submitted");
	char w[32];
	if (v) {
		size_t n = strcspn(v, " \t;(");
		if (n != 2 || strncasecmp(v, "no", 2))
			return true;
	}
	if ((v = msg_get(m, "Precedence"))) {
		snprintf(w, sizeof w, "%.*s", (int)strcspn(v, " \t;("), v);
		if (ascii_ieq(w, "bulk") || ascii_ieq(w, "list") || ascii_ieq(w, "junk"))
			return true;
	}
	if (msg_get(m, "List-Id"))
		return true;
	static const char *const robots[] = { "noreply", "no-reply", "no_reply", "donotreply",
					      "do-not-reply", "do_not_reply", "mailer-daemon",
					      "postmaster" };
	size_t local = strcspn(addr, "@+");
	for (size_t i = 0; i < sizeof robots / sizeof robots[0]; i++)
		if (strlen(robots[i]) == local && !strncmp(addr, robots[i], local))
			return true;
	return false;
}

/* Whether the glob p (where "*" matches any run of characters) matches s. */
static bool glob(const char *p, const char *s)
{
	if (!*p)
		return !*s;
	if (*p == '*') {
		for (;; s++) {
			if (glob(p + 1, s))
				return true;
			if (!*s)
				return false;
		}
	}
	return *s && *p == *s && glob(p + 1, s + 1);
}

/* The mailto: addresses of crm.conf unsubscribe, a placeholder
 * ({{id}}) in one matching anything. */
static void load_unsub(struct imp *x, const char *value)
{
	char **v = split(value, ',', NULL);
	for (char **p = v; *p; p++) {
		char *u = str_trim(*p);
		if (strncasecmp(u, "mailto:", 7))
			continue;
		u += 7;
		u[strcspn(u, "?")] = '\0';
		struct sb g = { 0 }, f = { 0 };
		for (const char *q = u; *q;) {
			const char *e;
			if (q[0] == '{' && q[1] == '{' && (e = strstr(q, "}}"))) {
				sb_addc(&g, '*');
				q = e + 2;
			} else {
				sb_addc(&g, *q++);
			}
		}
		u8_fold(sb_str(&g), g.len, false, &f);
		if (f.len) {
			x->unsub = xrealloc(x->unsub, (x->nunsub + 1) * sizeof *x->unsub);
			x->unsub[x->nunsub++] = xstrdup(f.s);
		}
		sb_free(&g);
		sb_free(&f);
	}
	free_strv(v);
}

/* The first line of s that is not blank, trimmed, into out. */
static void first_line(const char *s, struct sb *out)
{
	for (;;) {
		size_t n = strcspn(s, "\n");
		const char *b = s, *e = s + n;
		while (b < e && (*b == ' ' || *b == '\t' || *b == '\r'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (b < e || !s[n]) {
			sb_add(out, b, (size_t)(e - b));
			sb_str(out);
			return;
		}
		s += n + 1;
	}
}

/* Whether the text (a subject without its Re:, or a first line) asks to
 * be unsubscribed: in English, Polish, Czech or Bulgarian, in any case,
 * with or without diacritics and a full stop. */
static bool says_unsubscribe(const char *t)
{
	static const char *const words[] = { "unsubscribe", "unsubscribe me", "wypisz",
					     "wypisz mnie", "odhlasit", "odhlasit se",
					     "отписване", "отпишете ме" };
	/* reply prefixes: Re:, Odp:, AW:, Fwd: ... */
	for (;;) {
		while (*t == ' ' || *t == '\t')
			t++;
		size_t n = strcspn(t, ": \t");
		if (t[n] != ':' || n > 4 || !n)
			break;
		static const char *const pre[] = { "re", "odp", "aw", "sv", "fw", "fwd", "tr", "vs", "odg" };
		bool is = false;
		for (size_t i = 0; i < sizeof pre / sizeof pre[0] && !is; i++)
			is = strlen(pre[i]) == n && !strncasecmp(t, pre[i], n);
		if (!is)
			break;
		t += n + 1;
	}
	struct sb f = { 0 };
	u8_fold(t, strlen(t), true, &f);
	while (f.len && strchr(".! \t", f.s[f.len - 1]))
		f.s[--f.len] = '\0';
	bool yes = false;
	for (size_t i = 0; i < sizeof words / sizeof words[0] && !yes; i++)
		yes = !strcmp(sb_str(&f), words[i]);
	sb_free(&f);
	return yes;
}

/* Whether a message asks to unsubscribe: sent to an address of crm.conf
 * unsubscribe, or a subject or first line that says so. */
static bool unsubscribes(struct imp *x, const struct msg_addr *a, size_t nfrom, size_t na,
			 const struct msg *m, struct details *d, const struct where *w)
{
	for (size_t i = nfrom; i < na; i++)
		for (size_t k = 0; k < x->nunsub; k++)
			if (glob(x->unsub[k], a[i].addr))
				return true;
	get_details(d, m, w);
	struct sb l = { 0 };
	first_line(sb_str(&d->body), &l);
	bool yes = says_unsubscribe(sb_str(&d->subj)) || says_unsubscribe(l.s);
	sb_free(&l);
	return yes;
}

/* The campaign the message replies to (In-Reply-To, else the last of
 * References that crm-mail sent), or NULL. */
static const char *replied_campaign(const struct imp *x, const struct msg *m)
{
	static const char *const fields[] = { "In-Reply-To", "References" };
	for (size_t f = 0; f < 2; f++) {
		const char *v = msg_get(m, fields[f]), *found = NULL;
		while (v && (v = strchr(v, '<'))) {
			const char *e = strchr(v, '>');
			if (!e)
				break;
			long i = hmap_get(&x->sent, v, (size_t)(e - v + 1));
			if (i >= 0)
				found = x->campaign[i];
			v = e + 1;
		}
		if (found)
			return found;
	}
	return NULL;
}

/* The answer of a reply to a survey: the number its first line starts
 * with, on the scale of the campaign (crm.conf survey.CAMPAIGN: rating,
 * 1 to 5, the default; score, 0 to 10; no: no survey). Returns "rating"
 * or "score" with the number in *v, or NULL. */
static const char *survey_answer(struct imp *x, const char *campaign, struct details *d, long *v)
{
	char key[300];
	snprintf(key, sizeof key, "survey.%s", campaign);
	const char *scale = conf_get(x->d, key, "rating");
	bool score = ascii_ieq(scale, "score");
	if (!score && !ascii_ieq(scale, "rating"))
		return NULL;
	struct sb l = { 0 };
	first_line(sb_str(&d->body), &l);
	const char *p = sb_str(&l);
	long n = 0;
	size_t k = 0;
	while (p[k] >= '0' && p[k] <= '9' && k < 3)
		n = n * 10 + (p[k++] - '0');
	/* the number alone, or followed by punctuation: "5", "5!", "4 - good",
	 * "4 – ok", "5/5"; not "4.5", "3 more bikes, please" */
	size_t j = k;
	while (p[j] == ' ' || p[j] == '\t')
		j++;
	char c = p[j];
	bool alone = k && (!c || (strchr("-:/!.,;)=*", c) && !((c == '.' || c == ',') && j == k &&
								     p[j + 1] >= '0' && p[j + 1] <= '9')) ||
			   !strncmp(p + j, "\xE2\x80\x93", 3) || !strncmp(p + j, "\xE2\x80\x94", 3));
	sb_free(&l);
	if (!alone || n > (score ? 10 : 5) || (!score && n < 1))
		return NULL;
	*v = n;
	return score ? "score" : "rating";
}

/* Set the consent of row to opt-out; false when it was already. */
static bool opt_out(struct imp *x, long row)
{
	size_t c = ctable_col_add(&x->t, "consent");
	struct rec *r = &x->t.rows[row];
	if (!strcmp(rec_get(r, c), DOM_OPT_OUT))
		return false;
	rec_set(r, c, DOM_OPT_OUT, strlen(DOM_OPT_OUT));
	size_t u = ctable_col_add(&x->t, "updated");
	rec_set(&x->t.rows[row], u, x->now, strlen(x->now));
	x->changed = true;
	x->optouts++;
	return true;
}

static void import_one(struct imp *x, const char *buf, size_t n, const struct where *w)
{
	x->read++;
	struct msg m;
	char err[128];
	if (msg_parse(buf, n, &m, err, sizeof err) < 0) {
		bad(x, w, err);
		return;
	}
	struct msg_rcpt *rc;
	size_t nrc = msg_dsn(&m, &rc);
	if (nrc) {
		import_bounce(x, &m, rc, nrc, w);
		msg_rcpt_free(rc, nrc);
		msg_free(&m);
		return;
	}
	struct msg_addr *a = NULL;
	size_t na = 0, cap = 0;
	const char *from = msg_get(&m, "From");
	if (from)
		msg_addrs(from, &a, &na, &cap);
	size_t nfrom = na;
	static const char *const others[] = { "To", "Cc" };
	for (size_t i = 0; i < 2; i++)
		for (size_t f = 0; f < m.nf; f++)
			if (ascii_ieq(m.f[f].name, others[i]))
				msg_addrs(m.f[f].value, &a, &na, &cap);
	if (!na) {
		bad(x, w, "no address in From, To or Cc");
		msg_addrs_free(a, na);
		msg_free(&m);
		return;
	}
	bool out = nfrom && hmap_get(&x->team, a[0].addr, strlen(a[0].addr)) >= 0;
	long *rows = NULL;
	size_t nr = 0, rcap = 0, nsender;
	/* the sender's customers first */
	for (size_t i = 0; i < nfrom; i++)
		match(x, a[i].addr, &rows, &nr, &rcap);
	if (x->o->new_leads && nfrom && !out && !nr && !automated(&m, a[0].addr)) {
		long r = add_lead(x, &a[0]);
		if (r >= 0) {
			grow_longs(&rows, &rcap, nr + 1);
			rows[nr++] = r;
		}
	}
	nsender = nr;
	for (size_t i = nfrom; i < na; i++)
		match(x, a[i].addr, &rows, &nr, &rcap);
	if (!nr)
		x->unmatched++;
	struct sb mid = { 0 };
	struct details d = { 0 };
	message_id(&m, &mid);
	/* what a customer's own message says: unsubscribe, or a rating */
	bool unsub = false;
	const char *answer = NULL, *camp = NULL;
	long grade = 0;
	if (!out && nsender) {
		unsub = unsubscribes(x, a, nfrom, na, &m, &d, w);
		if (!unsub && (camp = replied_campaign(x, &m))) {
			get_details(&d, &m, w);
			answer = survey_answer(x, camp, &d, &grade);
		}
	}
	for (size_t i = 0; i < nr; i++) {
		const char *cid = rec_get(&x->t.rows[rows[i]], (size_t)x->ci);
		if (logged(x, cid, &mid))
			continue;
		get_details(&d, &m, w);
		bool own = i < nsender;
		json_t *extra = json_object();
		/* the history says why the consent changed */
		if (own && unsub)
			json_object_set_new(extra, "consent", json_string(DOM_OPT_OUT));
		if (own && answer) {
			json_object_set_new(extra, answer, json_integer(grade));
			json_object_set_new(extra, "campaign", json_string(camp));
		}
		put_record(x, cid, d.ts, own && answer ? "survey" : "email", out ? "out" : "in",
			   sb_str(&d.subj), sb_str(&d.text), extra, mid.s);
		json_decref(extra);
		if (own && unsub)
			opt_out(x, rows[i]); /* after: it moves the row's fields (cid) */
		x->added++;
	}
	sb_free(&mid);
	free_details(&d);
	free(rows);
	msg_addrs_free(a, na);
	msg_free(&m);
}

static void import_mbox(struct imp *x, const char *path, const char *data, size_t n, crm_time mtime)
{
	struct mbox mb;
	struct mbox_msg mm;
	struct sb msg = { 0 };
	long number = 0;
	mbox_init(&mb, data, n);
	while (mbox_next(&mb, &mm)) {
		sb_reset(&msg);
		mbox_unquote(mm.s, mm.n, &msg);
		struct where w = { path, ++number, mm.line, mm.from, mm.fromlen, mtime };
		import_one(x, msg.s ? msg.s : "", msg.len, &w);
	}
	sb_free(&msg);
}

/* Read a whole file; -1 (reported) when it cannot be read, 1 (not read)
 * when regular_only and it is not a regular file. */
static int slurp(const char *path, struct sb *data, struct stat *st, bool regular_only)
{
	/* no waiting on a FIFO left in a Maildir */
	int fd = open(path, O_RDONLY | O_CLOEXEC | (regular_only ? O_NONBLOCK : 0));
	if (fd >= 0 && fstat(fd, st) == 0 && regular_only && !S_ISREG(st->st_mode)) {
		close(fd);
		return 1;
	}
	if (fd < 0 || read_all(fd, data) < 0) {
		crm_warn("%s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

struct entry {
	char *name;
	int sub; /* 0 cur, 1 new */
};

static int by_name(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : x->sub - y->sub;
}

static int import_maildir(struct imp *x, const char *path)
{
	static const char *const subs[] = { "cur", "new" };
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	int found = 0, rc = 0;
	struct sb p = { 0 };
	for (int s = 0; s < 2; s++) {
		sb_reset(&p);
		sb_printf(&p, "%s/%s", path, subs[s]);
		DIR *dir = opendir(p.s);
		if (!dir) {
			if (errno != ENOENT) {
				crm_warn("%s", p.s);
				rc = -1;
			}
			continue;
		}
		found++;
		struct dirent *de;
		while ((de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			void *q = v;
			xgrow(&q, &cap, n + 1, sizeof *v);
			v = q;
			v[n++] = (struct entry){ xstrdup(de->d_name), s };
		}
		closedir(dir);
	}
	if (!found && !rc) {
		crm_warnx("%s: not an mbox file or a Maildir (no cur/ or new/)", path);
		rc = -1;
	}
	if (n)
		qsort(v, n, sizeof *v, by_name);
	struct sb data = { 0 };
	for (size_t i = 0; i < n; i++) {
		sb_reset(&p);
		sb_printf(&p, "%s/%s/%s", path, subs[v[i].sub], v[i].name);
		struct stat st;
		sb_reset(&data);
		int k = slurp(p.s, &data, &st, true);
		if (k < 0)
			rc = -1;
		if (k)
			continue;
		struct where w = { p.s, 0, 0, NULL, 0, st.st_mtime };
		const char *s = data.s ? data.s : "";
		size_t len = data.len;
		if (len >= 5 && !memcmp(s, "From ", 5)) {
			/* a message saved with its mbox From line */
			const char *e = memchr(s, '\n', len);
			w.from = s + 5;
			w.fromlen = e ? (size_t)(e - s) - 5 : len - 5;
			size_t skip = e ? (size_t)(e - s) + 1 : len;
			s += skip;
			len -= skip;
		}
		import_one(x, s, len, &w);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	sb_free(&data);
	sb_free(&p);
	return rc;
}

static int import_path(struct imp *x, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		crm_warn("%s", path);
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return import_maildir(x, path);
	struct sb data = { 0 };
	if (slurp(path, &data, &st, false) < 0)
		return -1;
	import_mbox(x, path, data.s ? data.s : "", data.len, st.st_mtime);
	sb_free(&data);
	return 0;
}

int mail_import(struct crm_dir *d, char *const *paths, size_t n, const struct mailimp_opts *o)
{
	struct imp x = { .d = d, .o = o };
	int rc = CRM_OK;
	date_fmt(crm_now(), x.now);
	crm_lock(d);
	ctable_load(&x.t, d);
	x.ci = ctable_col(&x.t, "id");
	x.ce = ctable_col(&x.t, "email");
	for (size_t r = 0; r < x.t.n; r++)
		index_row(&x, r);
	add_team(&x, conf_get(d, "me", ""));
	add_team(&x, conf_get(d, "from", ""));
	load_unsub(&x, conf_get(d, "unsubscribe", ""));
	if (load_seen(&x) < 0)
		exit(CRM_ERR); /* nothing written yet: what is held goes with the process */
	for (size_t i = 0; i < n; i++)
		if (import_path(&x, paths[i]) < 0)
			rc = CRM_ERR;
	if (o->dry_run) {
		fwrite(sb_str(&x.out), 1, x.out.len, stdout);
	} else {
		/* the customers first: no record may name a customer not yet saved */
		if (x.changed && ctable_save(&x.t, d) < 0) {
			rc = CRM_ERR;
			x.added = x.leads = x.optouts = 0;
		} else if (x.out.len && crm_append(d, INTERACTIONS, x.out.s, x.out.len) < 0) {
			rc = CRM_ERR;
			x.added = 0;
		}
	}
	crm_unlock(d);
	fprintf(stderr, "%s: %ld %s read, %ld %s added, %ld %s skipped, %ld unmatched, %ld malformed",
		crm_prog, x.read, plural(x.read, "message", "messages"), x.added,
		plural(x.added, "interaction", "interactions"), x.dups,
		plural(x.dups, "duplicate", "duplicates"), x.unmatched, x.malformed);
	if (o->new_leads)
		fprintf(stderr, ", %ld %s added", x.leads, plural(x.leads, "lead", "leads"));
	if (x.optouts)
		fprintf(stderr, ", %ld opted out", x.optouts);
	fprintf(stderr, "%s\n", o->dry_run ? " (dry run)" : "");
	free(x.first);
	free(x.next_row);
	hmap_free(&x.emails);
	hmap_free(&x.team);
	hmap_free(&x.seen);
	for (size_t i = 0; i < x.sent.n; i++)
		free(x.campaign[i]);
	free(x.campaign);
	hmap_free(&x.sent);
	for (size_t i = 0; i < x.nunsub; i++)
		free(x.unsub[i]);
	free(x.unsub);
	sb_free(&x.out);
	ctable_free(&x.t);
	return rc;
}

int bounces_load(struct bounces *b, const struct crm_dir *d)
{
	memset(b, 0, sizeof *b);
	struct linein *in = hist_open(d);
	if (!in)
		return 0;
	const char *s;
	size_t n;
	bool torn;
	int r;
	crm_time *when = NULL;
	size_t wcap = 0;
	struct sb f = { 0 }, w = { 0 };
	while ((r = linein_next(in, &s, &n, &torn)) > 0) {
		/* most lines are no bounce: only those that name one are parsed */
		if (!memmem(s, n, "\"bounce\"", 8))
			continue;
		char err[200];
		json_t *o = jsonl_parse(s, n, err, sizeof err);
		const char *e = json_str(o, "email");
		crm_time ts;
		if (o && !strcmp(json_str(o, "type"), "bounce") && *e && date_parse(json_str(o, "ts"), &ts)) {
			sb_reset(&f);
			u8_fold(e, strlen(e), false, &f);
			size_t had = b->addr.n, i = hmap_put(&b->addr, f.s, f.len);
			void *p = b->why;
			xgrow0(&p, &b->cap, i + 1, sizeof *b->why);
			b->why = p;
			p = when;
			xgrow(&p, &wcap, i + 1, sizeof *when);
			when = p;
			if (i == had || ts >= when[i]) {
				char day[DATE_BUFSZ];
				date_fmt_day(ts, day);
				sb_reset(&w);
				sb_printf(&w, "the address bounced on %s", day);
				if (*json_str(o, "status"))
					sb_printf(&w, " (%s)", json_str(o, "status"));
				free(b->why[i]);
				b->why[i] = xstrdup(w.s);
				when[i] = ts;
			}
		}
		json_decref(o);
	}
	free(when);
	sb_free(&f);
	sb_free(&w);
	close(in->b.fd);
	linein_close(in);
	return r < 0 ? -1 : 0;
}

const char *bounces_why(const struct bounces *b, const char *email)
{
	struct sb f = { 0 };
	u8_fold(email, strlen(email), false, &f);
	long i = f.len ? hmap_get(&b->addr, f.s, f.len) : -1;
	sb_free(&f);
	return i < 0 ? NULL : b->why[i];
}

void bounces_free(struct bounces *b)
{
	for (size_t i = 0; i < b->addr.n; i++)
		free(b->why[i]);
	free(b->why);
	hmap_free(&b->addr);
	memset(b, 0, sizeof *b);
}
