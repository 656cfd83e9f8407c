/* crm-mail - templated mail to the customers of a stream, recorded in the history */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csvrec.h"
#include "cust.h"
#include "child.h"
#include "date.h"
#include "derive.h"
#include "domain.h"
#include "dir.h"
#include "expr.h"
#include "fieldset.h"
#include "gitsync.h"
#include "hmap.h"
#include "id.h"
#include "jsonl.h"
#include "lock.h"
#include "mail.h"
#include "mailimp.h"
#include "money.h"
#include "opt.h"
#include "phone.h"
#include "reach.h"
#include "scan.h"
#include "sms.h"
#include "utf8.h"
#include "util.h"
#include "valid.h"

enum {
	O_CAMPAIGN = OPT_FIRST_LOCAL,
	O_SEND,
	O_SENDMAIL,
	O_MAILDIR,
	O_CAP,
	O_RATE,
	O_LIMIT,
	O_TRANSACTIONAL,
	O_FAILED,
	O_GITSYNC,
	O_COST,
	O_SMS,
	O_CHURNED,
};

static const struct crm_opt opts[] = {
	{ 't', "template", "TEMPLATE", "the message: headers, a blank line, the body" },
	{ O_CAMPAIGN, "campaign", "NAME", "the campaign (default: the template's name)" },
	{ 'w', "where", "EXPR", "the recipients, when no stream is piped in" },
	{ O_SEND, "send", NULL, "send (default: print an mbox preview, send nothing)" },
	{ O_SENDMAIL, "sendmail", "CMD", "the sendmail-compatible command (default: crm.conf, /usr/sbin/sendmail -oi)" },
	{ O_MAILDIR, "maildir", "DIR", "write the preview into this Maildir instead of stdout" },
	{ O_CAP, "cap", "DAYS", "skip customers mailed in the last DAYS days (crm.conf cap_days, 7)" },
	{ O_RATE, "rate", "N", "send at most N messages a minute" },
	{ O_LIMIT, "limit", "N", "send at most N messages in this run" },
	{ O_TRANSACTIONAL, "transactional", NULL, "not marketing: mail customers without opt-in too" },
	{ O_FAILED, "failed", "FILE", "write the skipped and failed customers as CSV with a reason" },
	{ O_GITSYNC, "sync", NULL, "with --send: pull first, push the pending lines before mailing (crm.conf sync)" },
	{ O_COST, "cost", "AMOUNT", "with --send: record what the campaign cost (500, 1 299,00 PLN; default currency: --currency, crm.conf)" },
	{ O_SMS, "sms", NULL, "a text message to the phone, through crm.conf sms_command (the template is the text)" },
	{ O_CHURNED, "include-churned", NULL, "contact customers who left (stage churned or lost) too" },
	CRM_OPT_CURRENCY,
	CRM_OPT_DRYRUN,
	CRM_OPTS_WRITER,
};

static const struct crm_cmd cmd = {
	"-t TEMPLATE [--campaign NAME] [--where EXPR] [--send] [--sendmail CMD] [--maildir DIR] [--cap DAYS] [--rate N] [--limit N] [--transactional] [--failed FILE] [--sync] [--cost AMOUNT] [--include-churned] [--currency CUR] [-n] [-]\n"
	"--sms -t TEMPLATE [--campaign NAME] [--where EXPR] [--send] [--cap DAYS] [--rate N] [--limit N] [--transactional] [--failed FILE] [--include-churned] [-n] [-]",
	"Render the template for each customer of the stream (or of --where) and\n"
	"print the messages as an mbox, or with --send pipe each to sendmail and\n"
	"record it in the history. Safe to re-run: a customer is mailed once per campaign.",
	opts,
	NULL,
};

struct opts {
	const char *tmpl, *campaign, *where, *sendmail, *maildir, *failed, *cost;
	long cap, rate, limit;
	bool send, transactional, sync, sms, churned;
	struct crm_common c;
};

/* What the history says of this campaign and of recent mail. */
struct past {
	struct hmap msg;       /* message ids of this campaign */
	char *status;          /* per message: 'p' pending, 's' sent, 'f' failed */
	size_t scap;
	struct hmap last;      /* customer -> index into last_ts */
	crm_time *last_ts;     /* the latest mail sent to the customer */
	size_t lcap;
	const char *campaign;
	crm_time cost_ts;      /* the latest cost recorded of this campaign (INT64_MIN: none) */
	long long cost;
	char cost_cur[4];
	const char *type;      /* of the messages: email, or sms (--sms) */
	struct reach *reach;   /* max_contacts: every channel's outbound contacts */
};

static void ev_past(const struct event *e, void *arg)
{
	struct past *p = arg;
	const struct proj *j = e->p;
	char name[256], cur[4];
	long long cost;
	if (dom_campaign_cost(e, name, sizeof name, &cost, cur) && !strcmp(name, p->campaign) &&
	    e->has_ts && e->ts >= p->cost_ts) {
		p->cost_ts = e->ts;
		p->cost = cost;
		memcpy(p->cost_cur, cur, 4);
	}
	reach_event(p->reach, e);
	if (!pv_is(&j->v[PJ_TYPE], p->type) || j->v[PJ_CUSTOMER].kind != 's')
		return;
	bool pending = pv_is(&j->v[PJ_STATUS], DOM_PENDING), failed = pv_is(&j->v[PJ_STATUS], DOM_FAILED);
	if (j->v[PJ_CAMPAIGN].kind == 's' && pv_is(&j->v[PJ_CAMPAIGN], p->campaign) &&
	    j->v[PJ_CUSTOMER].kind == 's') {
		/* keyed by customer: the message id is made from it */
		size_t i = hmap_put(&p->msg, j->v[PJ_CUSTOMER].s, j->v[PJ_CUSTOMER].n);
		void *q = p->status;
		xgrow0(&q, &p->scap, i + 1, 1);
		p->status = q;
		char s = pending ? 'p' : failed ? 'f' : 's';
		/* sent beats pending beats failed: the later line is the newer state,
		 * but a sent message stays sent */
		if (p->status[i] != 's')
			p->status[i] = s;
	}
	if (!pending && !failed && pv_is(&j->v[PJ_DIRECTION], "out") && e->has_ts) {
		size_t i = hmap_put(&p->last, j->v[PJ_CUSTOMER].s, j->v[PJ_CUSTOMER].n);
		if (i >= p->lcap) {
			size_t old = p->lcap;
			void *q = p->last_ts;
			xgrow(&q, &p->lcap, i + 1, sizeof *p->last_ts);
			p->last_ts = q;
			for (size_t k = old; k < p->lcap; k++)
				p->last_ts[k] = INT64_MIN;
		}
		if (e->ts > p->last_ts[i])
			p->last_ts[i] = e->ts;
	}
}

/* The customer a template is rendered for. While a header is rendered
 * (header set), the first value with a control character is noted: its
 * field in bad, the character in badcp. */
struct look {
	const struct hdr *h;
	const struct rec *r;
	char first[256];
	bool header;
	char bad[64];
	long badcp;
};

static const char *value_of(struct look *l, const char *field)
{
	long fc = hdr_find(l->h, field);
	if (fc >= 0 && *rec_get(l->r, (size_t)fc))
		return rec_get(l->r, (size_t)fc); /* a column of the stream comes first */
	if (!strcmp(field, "first_name")) {
		long c = hdr_find(l->h, "name");
		const char *n = c >= 0 ? rec_get(l->r, (size_t)c) : "";
		while (*n == ' ')
			n++;
		size_t k = strcspn(n, " ");
		if (k >= sizeof l->first)
			k = sizeof l->first - 1;
		memcpy(l->first, n, k);
		l->first[k] = '\0';
		return l->first;
	}
	long c = hdr_find(l->h, field);
	return c >= 0 ? rec_get(l->r, (size_t)c) : NULL;
}

static const char *lookup(void *ctx, const char *field)
{
	struct look *l = ctx;
	const char *v = value_of(l, field);
	long cp;
	if (l->header && v && !l->bad[0] && (cp = valid_control_char(v)) >= 0) {
		snprintf(l->bad, sizeof l->bad, "%s", field);
		l->badcp = cp;
	}
	return v;
}

/* Render a header's template s for the customer of l into out. Returns
 * NULL, or why the message cannot be sent (in whybuf): a field without a
 * value, or a control character (a line break among them) in a value. */
static const char *render_header(const char *s, const char *hname, struct look *l,
				 struct sb *out, char *whybuf, size_t n)
{
	char *missing = NULL;
	l->header = true;
	l->bad[0] = '\0';
	int k = tmpl_render(s, lookup, l, out, &missing);
	l->header = false;
	if (k < 0) {
		snprintf(whybuf, n, "no value for {{%s}}", missing);
		free(missing);
		return whybuf;
	}
	if (l->bad[0] && (l->badcp == '\n' || l->badcp == '\r'))
		snprintf(whybuf, n, "a line break in {{%s}}, for the %s header", l->bad, hname);
	else if (l->bad[0])
		snprintf(whybuf, n, "a control character (U+%04lX) in {{%s}}, for the %s header",
			 (unsigned long)l->badcp, l->bad, hname);
	else
		return NULL;
	return whybuf;
}

/* Run the sendmail command with the message on its stdin, the recipients
 * rcpt[0..nrcpt) after "--" (the envelope: a bcc is there and in no
 * header; without dashdash, the sms_command's number, without "--"); the exit status, or -1 when it could not be started (errno set). */
static int pipe_to(const char *command, char *const *rcpt, size_t nrcpt, const char *msg,
		   size_t n, bool dashdash)
{
	char **argv0 = split(command, ' ', NULL);
	size_t k = 0;
	for (char **p = argv0; *p; p++)
		k++;
	char **argv = xcalloc(k + nrcpt + 2, sizeof *argv);
	size_t j = 0;
	for (char **p = argv0; *p; p++)
		if (**p)
			argv[j++] = *p;
	if (dashdash)
		argv[j++] = "--";
	for (size_t i = 0; i < nrcpt; i++)
		argv[j++] = rcpt[i];
	argv[j] = NULL;
	int st = child_feed(argv, msg, n, &(struct child_opts){ .mute = true, .must_read = true });
	free(argv);
	free_strv(argv0);
	return st;
}

static void message_line(struct sb *b, const char *type, const char *cust, const char *campaign,
			 const char *msgid, const char *subject, const char *text, const char *status,
			 int code);

/* The history line of a message: pending, sent or failed (with the exit
 * status of the command). */
static void event_line(struct sb *b, const char *cust, const char *campaign, const char *msgid,
		       const char *subject, const char *status, int code)
{
	message_line(b, "email", cust, campaign, msgid, subject, NULL, status, code);
}

/* log_event's line for a message of any type (email, sms): msgid, subject
 * and text left out when NULL. */
static void message_line(struct sb *b, const char *type, const char *cust, const char *campaign,
			 const char *msgid, const char *subject, const char *text, const char *status,
			 int code)
{
	json_t *e = dom_event(crm_now(), cust, type, NULL, "out");
	if (subject)
		json_object_set_new(e, "subject", json_string(subject));
	if (text)
		json_object_set_new(e, "text", json_string(text));
	json_object_set_new(e, "campaign", json_string(campaign));
	if (msgid)
		json_object_set_new(e, "message_id", json_string(msgid));
	json_object_set_new(e, "status", json_string(status));
	if (code)
		json_object_set_new(e, "exit", json_integer(code));
	jsonl_put(b, e);
	json_decref(e);
}

static void log_line(struct crm_dir *d, const struct sb *l);

static void log_event(struct crm_dir *d, const char *cust, const char *campaign, const char *msgid,
		      const char *subject, const char *status, int code)
{
	struct sb b = { 0 };
	event_line(&b, cust, campaign, msgid, subject, status, code);
	log_line(d, &b);
	sb_free(&b);
}

/* A text message's line: pending, sent or failed. */
static void log_sms(struct crm_dir *d, const char *cust, const char *campaign, const char *text,
		    const char *status, int code)
{
	struct sb b = { 0 };
	message_line(&b, "sms", cust, campaign, NULL, NULL, text, status, code);
	log_line(d, &b);
	sb_free(&b);
}

/* Append a message's line to the history, under the lock. */
static void log_line(struct crm_dir *d, const struct sb *l)
{
	crm_lock(d);
	int rc = crm_append(d, INTERACTIONS, l->s, l->len);
	crm_unlock(d);
	if (rc < 0)
		crm_diex("the history could not be written; stopped so that nobody is mailed twice");
}

/* The amount of --cost in minor units of its currency: the one it names
 * (three letters: "EUR 500", "500 EUR"), else cur (--currency), else
 * crm.conf's; as money_parse reads amounts. Fatal when it is none. */
static void cost_parse(const struct crm_dir *d, const char *s, const char *cur, long long *minor,
		       char *out)
{
	const char *dflt = cur ? cur : conf_get(d, "currency", DOM_CURRENCY);
	if (!currency_valid(dflt, out))
		crm_diex("%s: not a currency (three letters: EUR, PLN)", dflt);
	for (const char *p = s; *p; p++) {
		size_t n = 0;
		while (((p[n] | 0x20) >= 'a' && (p[n] | 0x20) <= 'z'))
			n++;
		if (n == 3 && (p == s || !((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z'))) {
			char c[4] = { p[0], p[1], p[2], 0 };
			currency_valid(c, out);
			break;
		}
		if (n)
			p += n - 1;
	}
	const char *why = money_parse(s, out, minor);
	if (why)
		crm_diex("--cost: %s: %s", s, why);
}

/* The campaign's event that records its cost. */
static void cost_event(struct crm_dir *d, const char *campaign, long long cost, const char *cur)
{
	json_t *e = json_object();
	char id[ID_LEN + 1], ts[DATE_BUFSZ];
	id_new(id);
	date_fmt(crm_now(), ts);
	json_object_set_new(e, "id", json_string(id));
	json_object_set_new(e, "ts", json_string(ts));
	json_object_set_new(e, "type", json_string("campaign"));
	json_object_set_new(e, "campaign", json_string(campaign));
	json_object_set_new(e, "cost", json_integer(cost));
	json_object_set_new(e, "currency", json_string(cur));
	json_object_set_new(e, "by", json_string(crm_user()));
	struct sb b = { 0 };
	jsonl_put(&b, e);
	json_decref(e);
	crm_lock(d);
	int rc = crm_append(d, INTERACTIONS, b.s, b.len);
	crm_unlock(d);
	sb_free(&b);
	if (rc < 0)
		crm_diex("the history could not be written: the campaign's cost is not recorded");
}

/* Write one message into a Maildir's new/ (tmp/ first, as Maildir wants). */
static void maildir_put(const char *dir, const char *msg, size_t n, size_t seq)
{
	char path[4096], tmp[4096];
	static const char *const sub[] = { "", "/tmp", "/new", "/cur" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s%s", dir, sub[i]);
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			crm_die("%s", path);
	}
	char host[256] = "localhost";
	gethostname(host, sizeof host - 1);
	snprintf(tmp, sizeof tmp, "%s/tmp/%lld.%d_%zu.%s", dir, (long long)time(NULL), (int)getpid(), seq, host);
	snprintf(path, sizeof path, "%s/new/%lld.%d_%zu.%s", dir, (long long)time(NULL), (int)getpid(), seq, host);
	FILE *f = fopen(tmp, "w");
	if (!f || fwrite(msg, 1, n, f) != n || fclose(f) != 0)
		crm_die("%s", tmp);
	if (rename(tmp, path) < 0)
		crm_die("%s", path);
}

struct skip {
	struct rec r;
	char *reason;
};

/* Keep a customer that was not mailed, with the reason, for --failed. */
static void add_skip(struct skip **v, size_t *n, size_t *cap, const struct rec *r, const char *why)
{
	void *p = *v;
	xgrow0(&p, cap, *n + 1, sizeof **v);
	*v = p;
	rec_copy(&(*v)[*n].r, r);
	(*v)[(*n)++].reason = xstrdup(why);
}

/* An address header from "Name <addr>" (or a bare address): only the name
 * is encoded, so the address stays readable to every mail program. False
 * when a line would pass MAIL_LINE_MAX. */
static bool address_header(struct sb *out, const char *hname, const char *value)
{
	const char *lt = strrchr(value, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (!lt || !gt) {
		mail_header(out, hname, value);
		return true;
	}
	char *name = xstrndup(value, (size_t)(lt - value));
	char *n = name;
	while (*n == ' ')
		n++;
	size_t l = strlen(n);
	while (l && n[l - 1] == ' ')
		n[--l] = '\0';
	if (l >= 2 && n[0] == '"' && n[l - 1] == '"') {
		n[l - 1] = '\0';
		n++;
	}
	char *addr = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	struct sb v = { 0 };
	mail_address(&v, n, addr);
	bool ok = u8_is_ascii(v.s, v.len) ? mail_header_raw(out, hname, sb_str(&v))
					 : (mail_header(out, hname, sb_str(&v)), true);
	sb_free(&v);
	free(name);
	free(addr);
	return ok;
}

/* The crm.conf bcc addresses (separated by commas), each as valid_email
 * takes it and in the form mail_addr_wire gives; a bad one is fatal. */
static char **bcc_list(const struct crm_dir *d, size_t *n)
{
	*n = 0;
	const char *v = conf_get(d, "bcc", NULL);
	if (!v || !*v)
		return NULL;
	long line = 0;
	for (size_t i = d->nconf; i-- > 0 && !line;)
		if (!strcmp(d->conf[i].key, "bcc"))
			line = d->conf[i].line;
	char **parts = split(v, ',', NULL);
	size_t cnt = 0;
	for (char **p = parts; *p; p++)
		cnt++;
	char **out = xcalloc(cnt + 1, sizeof *out);
	for (char **p = parts; *p; p++) {
		char *a = str_trim(*p), *norm;
		if (!*a)
			continue;
		const char *why = valid_email(a, &norm);
		if (why) {
			struct sb m = { 0 };
			valid_say(&m, "bcc", a, why);
			crm_dataerr(crm_path(d, CONF), line, "%s", sb_str(&m));
			exit(CRM_ERR);
		}
		struct sb w = { 0 };
		mail_addr_wire(&w, norm);
		out[(*n)++] = xstrdup(sb_str(&w));
		sb_free(&w);
		free(norm);
	}
	free_strv(parts);
	return out;
}

/* A message that waits for the pending lines to be pushed (--sync). */
struct held {
	char *id, *addr, *msgid, *subject; /* addr: as SMTP takes it */
	struct sb msg;
	struct rec r;
};

/* What a run of sends counts, and the skipped and failed customers. */
struct tally {
	long ok, fail;
	struct skip *skips;
	size_t nskip, skcap;
	bool progress;
};

/* Hand one message to the sendmail command and log the outcome (its
 * pending line is logged already). */
static void deliver(struct crm_dir *d, const char *sendmail, const char *campaign, const char *id,
		    const char *wire, char *const *bcc, size_t nbcc, const char *msgid,
		    const char *subject, const struct sb *msg, const struct rec *r, struct tally *t)
{
	/* the customer (in the form SMTP takes) and the template's Bcc */
	char **rcpt = xcalloc(nbcc + 1, sizeof *rcpt);
	rcpt[0] = (char *)wire;
	for (size_t b = 0; b < nbcc; b++)
		rcpt[b + 1] = bcc[b];
	int code = pipe_to(sendmail, rcpt, nbcc + 1, msg->s, msg->len, true);
	free(rcpt);
	if (code == 0) {
		log_event(d, id, campaign, msgid, subject, DOM_SENT, 0);
		t->ok++;
	} else {
		char whybuf[256];
		if (code < 0)
			crm_warn("%s: %s", id, sendmail);
		log_event(d, id, campaign, msgid, subject, DOM_FAILED, code < 0 ? 127 : code);
		snprintf(whybuf, sizeof whybuf, "the sendmail command failed (exit %d)", code < 0 ? 127 : code);
		if (t->progress)
			fputc('\n', stderr);
		fprintf(stderr, "%s: %s: failed: %s\n", crm_prog, id, whybuf);
		add_skip(&t->skips, &t->nskip, &t->skcap, r, whybuf);
		t->fail++;
	}
	if (t->progress)
		fprintf(stderr, "\r%s: %ld sent, %ld failed", crm_prog, t->ok, t->fail);
}

/* --sync: the pending lines of every message held go into the history,
 * are committed and pushed; only then do the messages go out, and their
 * outcome is committed and pushed after them. A refused push sends
 * nothing. Returns false when nothing was sent for that reason. */
static bool send_held(struct crm_dir *d, struct held *v, size_t n, const char *sendmail,
		      char *const *bcc, size_t nbcc, const char *campaign, long rate, struct tally *t)
{
	struct sb lines = { 0 }, msg = { 0 };
	for (size_t i = 0; i < n; i++)
		event_line(&lines, v[i].id, campaign, v[i].msgid, v[i].subject, DOM_PENDING, 0);
	sb_printf(&msg, "crm-mail: %s: %zu to send", campaign, n);
	bool pushed = gitsync_publish(d, lines.s, lines.len, msg.s) == 0;
	if (!pushed)
		crm_warnx("nothing was sent: the campaign could not be pushed first (pull, then run it again)");
	for (size_t i = 0; pushed && i < n; i++) {
		if (rate > 0 && i > 0) {
			long ms = 60000 / rate;
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
			nanosleep(&ts, NULL);
		}
		deliver(d, sendmail, campaign, v[i].id, v[i].addr, bcc, nbcc, v[i].msgid, v[i].subject,
			&v[i].msg, &v[i].r, t);
	}
	if (pushed) {
		sb_reset(&msg);
		sb_printf(&msg, "crm-mail: %s: %ld sent, %ld failed", campaign, t->ok, t->fail);
		if (gitsync_commit_push(d, msg.s) < 0)
			crm_warnx("the outcome of the sends is in the history but not pushed: push it");
	}
	sb_free(&lines);
	sb_free(&msg);
	return pushed;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct opts o = { .cap = -1, .rate = 0, .limit = -1 };
	const char *arg;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &o.c, &arg)) != -1) {
		long long v;
		switch (k) {
		case 't': o.tmpl = arg; break;
		case 'w': o.where = arg; break;
		case O_CAMPAIGN: o.campaign = arg; break;
		case O_SEND: o.send = true; break;
		case O_SENDMAIL: o.sendmail = arg; break;
		case O_MAILDIR: o.maildir = arg; break;
		case O_TRANSACTIONAL: o.transactional = true; break;
		case O_FAILED: o.failed = arg; break;
		case O_GITSYNC: o.sync = true; break;
		case O_COST: o.cost = arg; break;
		case O_SMS: o.sms = true; break;
		case O_CHURNED: o.churned = true; break;
		case O_CAP:
		case O_RATE:
		case O_LIMIT:
			if (!parse_long(arg, &v) || v < 0)
				crm_usage_error(&cmd, "--cap, --rate and --limit take a whole number");
			*(k == O_CAP ? &o.cap : k == O_RATE ? &o.rate : &o.limit) = (long)v;
			break;
		}
	}
	bool dash = optind < argc && !strcmp(argv[optind], "-");
	if (argc - optind > (dash ? 1 : 0))
		crm_usage_error(&cmd, "the recipients come from the stream or --where, not operands");
	if (!o.tmpl)
		crm_usage_error(&cmd, "a template is needed (-t FILE)");
	if (o.send && o.maildir)
		crm_usage_error(&cmd, "--maildir is for the preview; it does not go with --send");
	if (o.sync && !o.send)
		crm_usage_error(&cmd, "--sync goes with --send");
	if (o.cost && !o.send)
		crm_usage_error(&cmd, "--cost goes with --send: the preview records nothing");
	if (o.sms && (o.sync || o.maildir || o.sendmail))
		crm_usage_error(&cmd, "--sync, --maildir and --sendmail are for mail, not --sms");
	bool use_stdin = dash || stdin_is_stream();
	if (!use_stdin && !o.where)
		crm_diex("no recipients: pipe customers in (crm-find ... | crm-mail) or give --where EXPR");

	struct crm_dir d;
	crm_dir_open(&d, o.c.dir);
	/* --cost: in the currency it names, else --currency's, else crm.conf's */
	long long cost = 0;
	char cost_cur[4] = "";
	if (o.cost)
		cost_parse(&d, o.cost, o.c.currency, &cost, cost_cur);

	/* the template: as named, else in the directory's templates/ */
	struct sb text = { 0 };
	int fd = open(o.tmpl, O_RDONLY | O_CLOEXEC);
	char *tpath = xstrdup(o.tmpl);
	if (fd < 0 && errno == ENOENT && !strchr(o.tmpl, '/')) {
		char name[1024];
		snprintf(name, sizeof name, "templates/%s", o.tmpl);
		free(tpath);
		tpath = crm_path_dup(&d, name);
		fd = open(tpath, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0 || read_all(fd, &text) < 0)
		crm_die("%s", tpath);
	close(fd);
	struct tmpl t = { 0 };
	char err[256];
	char *sms_text = NULL;
	if (o.sms) {
		/* a text message is its template, without headers */
		while (text.len && (text.s[text.len - 1] == '\n' || text.s[text.len - 1] == '\r'))
			text.len--;
		sms_text = xstrndup(text.s ? text.s : "", text.len);
		if (!u8_valid(sms_text, strlen(sms_text), NULL))
			crm_diex("%s: not UTF-8 text", tpath);
	} else if (tmpl_parse(text.s, text.len, &t, err, sizeof err) < 0) {
		crm_warnx("%s:%s", tpath, err);
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	}
	sb_free(&text);
	char campaign[256];
	if (o.campaign) {
		snprintf(campaign, sizeof campaign, "%s", o.campaign);
	} else {
		const char *b = strrchr(tpath, '/');
		snprintf(campaign, sizeof campaign, "%s", b ? b + 1 : tpath);
		char *dot = strrchr(campaign, '.');
		if (dot && dot != campaign)
			*dot = '\0';
	}
	const char *from = conf_get(&d, "from", o.sms ? "" : NULL), *subject_t = o.sms ? "" : NULL;
	for (size_t i = 0; i < t.nh; i++) {
		if (ascii_ieq(t.h[i].name, "From"))
			from = t.h[i].value;
		if (ascii_ieq(t.h[i].name, "Subject"))
			subject_t = t.h[i].value;
	}
	if (!from)
		crm_diex("no sender: give the template a From: line or set 'from =' in crm.conf");
	if (!subject_t)
		crm_diex("%s: the template has no Subject: line", tpath);
	/* a Bcc: line would show its address to every recipient, a Cc: one
	 * would copy every message to one person: neither is copied */
	for (size_t i = 0; i < t.nh; i++)
		if (ascii_ieq(t.h[i].name, "Bcc") || ascii_ieq(t.h[i].name, "Cc"))
			crm_warnx("%s: the %s: line is not copied into the messages (for a copy of "
				  "each, set bcc in crm.conf)", tpath, t.h[i].name);
	size_t nbcc = 0;
	char **bcc = o.sms ? NULL : bcc_list(&d, &nbcc);
	/* the domain of the Message-IDs: the sender's */
	const char *at = strrchr(from, '@');
	char domain[256] = "crm.invalid";
	if (at) {
		size_t n = strcspn(at + 1, ">\" \t");
		snprintf(domain, sizeof domain, "%.*s", (int)n, at + 1);
	}
	long cap_days = o.cap >= 0 ? o.cap : conf_long(&d, "cap_days", 7);
	const char *sendmail = o.sendmail ? o.sendmail : conf_get(&d, "sendmail", "/usr/sbin/sendmail -oi");
	const char *unsub = conf_get(&d, "unsubscribe", NULL);
	const char *sms_command = conf_get(&d, "sms_command", NULL);
	if (o.sms && o.send && !o.c.dry_run && (!sms_command || !*sms_command))
		crm_diex("no sms_command in crm.conf: the command that sends a text (the number as its "
			 "argument, the text on its standard input)");

	/* One sending run at a time per directory: two could mail one customer twice. */
	int runlock = -1;
	if (o.send && !o.c.dry_run) {
		runlock = openat(d.fd, ".crm-mail.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (runlock < 0)
			crm_die("%s", crm_path(&d, ".crm-mail.lock"));
		if (flock(runlock, LOCK_EX | LOCK_NB) < 0) {
			if (errno != EWOULDBLOCK)
				crm_die("%s: cannot lock", crm_path(&d, ".crm-mail.lock"));
			crm_diex("another crm-mail --send is running in %s", d.path);
		}
	}

	/* --sync: what the other clones sent is in the history before it is read */
	bool sync = o.send && !o.c.dry_run && (o.sync || conf_bool(&d, "sync", false));
	if (sync && gitsync_pull(&d) < 0)
		crm_diex("nothing was sent: the clone could not be brought up to date first");
	struct held *held = NULL;
	size_t nheld = 0, hcap = 0;

	struct reach reach;
	reach_init(&reach, &d, crm_now());
	struct past past = { .campaign = campaign, .cost_ts = INT64_MIN, .type = o.sms ? "sms" : "email",
			     .reach = &reach };
	if (scan_history(&d, o.c.strict, ev_past, &past) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	/* --cost: the campaign's event says what it cost, unless its latest says so already */
	if (o.cost && o.send && !o.c.dry_run &&
	    (past.cost_ts == INT64_MIN || past.cost != cost || strcmp(past.cost_cur, cost_cur)))
		cost_event(&d, campaign, cost, cost_cur);

	/* addresses that bounced hard are not mailed again */
	struct bounces bounced;
	if (bounces_load(&bounced, &d) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */

	struct recin in;
	if (recin_open(&in, &d, use_stdin, o.c.strict) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	long cid = hdr_find(&in.hdr, "id"), cem = hdr_find(&in.hdr, o.sms ? "phone" : "email"),
	     cna = hdr_find(&in.hdr, "name"), cco = hdr_find(&in.hdr, "consent"),
	     cst = hdr_find(&in.hdr, "stage");
	if (in.hdr.n && (cid < 0 || cem < 0)) {
		crm_dataerr(in.name, in.hdr_line, "the customers need 'id' and '%s' columns",
			    o.sms ? "phone" : "email");
		exit(CRM_ERR);
	}
	struct fieldset fs;
	fieldset_init(&fs, &in.hdr);
	struct expr *where = NULL;
	if (o.where) {
		struct schema sc = fieldset_schema(&fs);
		where = expr_parse(o.where, &sc, crm_now(), err, sizeof err);
		if (!where)
			crm_diex("--where: 1:%s", err);
		bool *used = xcalloc(fs.n, sizeof *used);
		expr_fields(where, used);
		bool ok = fieldset_load(&fs, &d, used, 0, o.c.currency, crm_now(), o.c.strict);
		free(used);
		if (!ok)
			exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	}

	struct skip *skips = NULL;
	size_t nskip = 0, skcap = 0;
	long n_ok = 0, n_fail = 0, n_planned = 0;
	struct sb mbox = { 0 }, msg = { 0 };
	struct rec r = { 0 };
	int got;
	bool progress = isatty(STDERR_FILENO) && o.send;
	while ((got = recin_next(&in, &r)) > 0) {
		struct row_ctx rc = { .fs = &fs, .r = &r };
		const char *undecided;
		if (where && !expr_eval(where, fieldset_get, &rc, &undecided)) {
			if (!undecided)
				continue;
			/* not knowing whom to mail is no answer: stop here */
			crm_dataerr(in.name, r.line, "customer %s: --where: %s", rec_get(&r, (size_t)cid),
				    undecided);
			got = -1;
			break;
		}
		const char *id = rec_get(&r, (size_t)cid);
		const char *email = rec_get(&r, (size_t)cem);
		const char *name = cna >= 0 ? rec_get(&r, (size_t)cna) : "";
		const char *why = NULL;
		char whybuf[256];
		char *addr = NULL;
		long pi = hmap_get(&past.msg, id, strlen(id));
		long li = hmap_get(&past.last, id, strlen(id));
		struct sb num = { 0 };
		const char *bad_email = NULL;
		if (o.sms && *email && !phone_norm(email, &num))
			bad_email = "not a phone number";
		else if (o.sms && *email)
			addr = xstrdup(sb_str(&num));
		else if (*email)
			bad_email = valid_email(email, &addr);
		sb_free(&num);
		long namecp = o.sms ? -1 : valid_control_char(name);
		const char *stage = cst >= 0 ? rec_get(&r, (size_t)cst) : "";
		if (!*email) {
			why = o.sms ? "no phone" : "no e-mail";
		} else if (bad_email) {
			snprintf(whybuf, sizeof whybuf, "an invalid %s: %s", o.sms ? "phone" : "e-mail", bad_email);
			why = whybuf;
		} else if (!o.sms && bounces_why(&bounced, addr)) {
			why = bounces_why(&bounced, addr);
		} else if (!o.transactional && (cco < 0 || strcmp(rec_get(&r, (size_t)cco), DOM_OPT_IN)))
			why = "no opt-in consent";
		else if (!o.churned && dom_left(stage)) {
			snprintf(whybuf, sizeof whybuf, "left (stage %s)", stage);
			why = whybuf;
		} else if (pi >= 0 && past.status[pi] == 's')
			why = "already sent in this campaign";
		else if (pi >= 0 && past.status[pi] == 'p')
			why = "unknown: a send was started and not confirmed; check the mail log";
		else if (!o.transactional && cap_days > 0 && li >= 0 &&
			 past.last_ts[li] > crm_now() - cap_days * 86400) {
			char day[DATE_BUFSZ];
			date_fmt_day(past.last_ts[li], day);
			snprintf(whybuf, sizeof whybuf, "%s on %s, within %ld days", o.sms ? "texted" : "mailed",
				 day, cap_days);
			why = whybuf;
		} else if (!o.transactional && reach_why(&reach, id, whybuf, sizeof whybuf)) {
			why = whybuf;
		} else if (namecp == '\n' || namecp == '\r') {
			why = "a line break in the name, for the To header";
		} else if (namecp >= 0) {
			snprintf(whybuf, sizeof whybuf,
				 "a control character (U+%04lX) in the name, for the To header",
				 (unsigned long)namecp);
			why = whybuf;
		}
		/* render */
		struct look lk = { .h = &in.hdr, .r = &r };
		struct sb subj = { 0 }, body = { 0 }, hv = { 0 }, wire = { 0 };
		char *missing = NULL;
		if (!why && !o.sms)
			why = render_header(subject_t, "Subject", &lk, &subj, whybuf, sizeof whybuf);
		if (!why && tmpl_render(o.sms ? sms_text : t.body, lookup, &lk, &body, &missing) < 0) {
			snprintf(whybuf, sizeof whybuf, "no value for {{%s}}", missing);
			why = whybuf;
		}
		char msgid[600];
		snprintf(msgid, sizeof msgid, "<%s.%s@%s>", campaign, id, domain);
		for (char *p = msgid + 1; *p && *p != '@'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			      *p == '.' || *p == '-' || *p == '_'))
				*p = '-';
		if (!why && o.sms) {
			sb_reset(&msg);
			sb_add(&msg, body.s ? body.s : "", body.len);
		} else if (!why) {
			sb_reset(&msg);
			char date[64];
			mail_date(crm_now(), date, sizeof date);
			sb_reset(&hv);
			why = render_header(from, "From", &lk, &hv, whybuf, sizeof whybuf);
			if (!why && !address_header(&msg, "From", hv.s))
				why = "a line of the From header would be longer than 998 characters";
			sb_reset(&hv);
			mail_addr_wire(&wire, addr);
			mail_address(&hv, name, sb_str(&wire));
			if (!why && !mail_header_raw(&msg, "To", hv.s))
				why = "a line of the To header would be longer than 998 characters";
			mail_header(&msg, "Subject", subj.s);
			mail_header_raw(&msg, "Date", date);
			mail_header_raw(&msg, "Message-ID", msgid);
			for (size_t i = 0; i < t.nh && !why; i++) {
				/* ours, and the copies a template must not make */
				static const char *const own[] = { "From", "To", "Subject", "Date", "Message-ID",
								   "MIME-Version", "Content-Type",
								   "Content-Transfer-Encoding", "Cc", "Bcc",
								   NULL };
				bool skip_h = false;
				for (const char *const *p = own; *p; p++)
					skip_h |= ascii_ieq(*p, t.h[i].name);
				if (skip_h)
					continue;
				sb_reset(&hv);
				why = render_header(t.h[i].value, t.h[i].name, &lk, &hv, whybuf, sizeof whybuf);
				if (why)
					break;
				if (ascii_ieq(t.h[i].name, "Reply-To") || ascii_ieq(t.h[i].name, "Sender")) {
					if (!address_header(&msg, t.h[i].name, sb_str(&hv))) {
						snprintf(whybuf, sizeof whybuf,
							 "a line of the %s header would be longer than 998 characters",
							 t.h[i].name);
						why = whybuf;
					}
				} else {
					mail_header(&msg, t.h[i].name, sb_str(&hv));
				}
			}
			if (!why && unsub && !o.transactional) {
				sb_reset(&hv);
				if (render_header(unsub, "List-Unsubscribe", &lk, &hv, whybuf, sizeof whybuf) ||
				    !u8_is_ascii(hv.s, hv.len)) {
					why = "a bad value in the unsubscribe address";
				} else {
					char **v = split(sb_str(&hv), ',', NULL);
					struct sb lu = { 0 };
					bool https = false;
					for (char **p = v; *p; p++) {
						char *s = *p;
						while (*s == ' ')
							s++;
						size_t l = strlen(s);
						while (l && s[l - 1] == ' ')
							s[--l] = '\0';
						if (!*s)
							continue;
						if (lu.len)
							sb_adds(&lu, ", ");
						sb_printf(&lu, "<%s>", s);
						https |= !strncmp(s, "https://", 8);
					}
					free_strv(v);
					if (lu.len && !mail_header_raw(&msg, "List-Unsubscribe", lu.s))
						why = "a line of the List-Unsubscribe header would be longer "
						      "than 998 characters";
					if (https)
						mail_header_raw(&msg, "List-Unsubscribe-Post",
								"List-Unsubscribe=One-Click");
					sb_free(&lu);
				}
			}
			mail_header_raw(&msg, "MIME-Version", "1.0");
			mail_header_raw(&msg, "Content-Type", "text/plain; charset=UTF-8");
			mail_header_raw(&msg, "Content-Transfer-Encoding", "quoted-printable");
			sb_addc(&msg, '\n');
			mail_qp(&msg, body.s ? body.s : "", body.len);
		}
		free(missing);
		if (why) {
			if (progress && (n_ok || n_fail))
				fputc('\n', stderr);
			fprintf(stderr, "%s: %s: skipped: %s\n", crm_prog, id, why);
			add_skip(&skips, &nskip, &skcap, &r, why);
			free(addr);
			sb_free(&subj);
			sb_free(&body);
			sb_free(&hv);
			sb_free(&wire);
			continue;
		}
		if (o.limit >= 0 && n_planned >= o.limit) {
			free(addr);
			sb_free(&subj);
			sb_free(&body);
			sb_free(&hv);
			sb_free(&wire);
			break;
		}
		n_planned++;
		/* a customer twice in the stream is mailed once */
		size_t mi = hmap_put(&past.msg, id, strlen(id));
		{
			void *q = past.status;
			xgrow0(&q, &past.scap, mi + 1, 1);
			past.status = q;
			past.status[mi] = 's';
		}
		if (o.sms && (!o.send || o.c.dry_run)) {
			/* the preview: each text, and what it costs */
			struct sms_count sc;
			sms_count(msg.s ? msg.s : "", msg.len, &sc);
			sb_printf(&mbox, "To: %s (%s)\nParts: %zu (%s, %zu %s)\n\n%s\n\n", addr, name, sc.parts,
				  sc.ucs2 ? "UCS-2" : "GSM-7", sc.units,
				  sc.ucs2 ? "UTF-16 units" : "septets", sb_str(&msg));
			n_ok++;
		} else if (o.sms) {
			if (o.rate > 0 && n_planned > 1) {
				long ms = 60000 / o.rate;
				struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
				nanosleep(&ts, NULL);
			}
			log_sms(&d, id, campaign, sb_str(&msg), DOM_PENDING, 0);
			int code = pipe_to(sms_command, &addr, 1, msg.s ? msg.s : "", msg.len, false);
			if (code == 0) {
				log_sms(&d, id, campaign, sb_str(&msg), DOM_SENT, 0);
				n_ok++;
			} else {
				if (code < 0)
					crm_warn("%s: %s", id, sms_command);
				log_sms(&d, id, campaign, sb_str(&msg), DOM_FAILED, code < 0 ? 127 : code);
				snprintf(whybuf, sizeof whybuf, "the sms command failed (exit %d)",
					 code < 0 ? 127 : code);
				if (progress)
					fputc('\n', stderr);
				fprintf(stderr, "%s: %s: failed: %s\n", crm_prog, id, whybuf);
				add_skip(&skips, &nskip, &skcap, &r, whybuf);
				n_fail++;
			}
			if (progress)
				fprintf(stderr, "\r%s: %ld sent, %ld failed", crm_prog, n_ok, n_fail);
		} else if (!o.send || o.c.dry_run) {
			if (o.maildir)
				maildir_put(o.maildir, msg.s, msg.len, (size_t)n_planned);
			else
				mbox_put(&mbox, msg.s, msg.len, crm_now());
			if (mbox.len > (1 << 20)) {
				fwrite(mbox.s, 1, mbox.len, stdout);
				sb_reset(&mbox);
			}
			n_ok++;
		} else if (sync) {
			void *q = held;
			xgrow(&q, &hcap, nheld + 1, sizeof *held);
			held = q;
			struct held *h = &held[nheld++];
			*h = (struct held){ xstrdup(id), xstrdup(sb_str(&wire)), xstrdup(msgid), xstrdup(subj.s),
					    { 0 }, { 0 } };
			sb_add(&h->msg, msg.s, msg.len);
			rec_copy(&h->r, &r);
		} else {
			if (o.rate > 0 && n_planned > 1) {
				long ms = 60000 / o.rate;
				struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
				nanosleep(&ts, NULL);
			}
			log_event(&d, id, campaign, msgid, subj.s, DOM_PENDING, 0);
			struct tally ty = { n_ok, n_fail, skips, nskip, skcap, progress };
			deliver(&d, sendmail, campaign, id, sb_str(&wire), bcc, nbcc, msgid, subj.s, &msg, &r, &ty);
			n_ok = ty.ok, n_fail = ty.fail, skips = ty.skips, nskip = ty.nskip, skcap = ty.skcap;
		}
		free(addr);
		sb_free(&subj);
		sb_free(&body);
		sb_free(&hv);
		sb_free(&wire);
	}
	if (nheld) {
		struct tally ty = { n_ok, n_fail, skips, nskip, skcap, progress };
		if (got >= 0 && !send_held(&d, held, nheld, sendmail, bcc, nbcc, campaign, o.rate, &ty))
			got = -1; /* the exit status of an error */
		n_ok = ty.ok, n_fail = ty.fail, skips = ty.skips, nskip = ty.nskip, skcap = ty.skcap;
		for (size_t i = 0; i < nheld; i++) {
			free(held[i].id);
			free(held[i].addr);
			free(held[i].msgid);
			free(held[i].subject);
			sb_free(&held[i].msg);
			rec_free(&held[i].r);
		}
	}
	free(held);
	if (progress)
		fputc('\n', stderr);
	if (mbox.len)
		fwrite(mbox.s, 1, mbox.len, stdout);
	int status = got < 0 ? CRM_ERR : CRM_OK;
	if (o.failed) {
		struct sb f = { 0 };
		struct hdr h = { 0 };
		hdr_copy(&h, &in.hdr);
		hdr_add(&h, "reason");
		csv_put_hdr(&f, &h);
		for (size_t i = 0; i < nskip; i++) {
			while (skips[i].r.n < in.hdr.n)
				rec_push(&skips[i].r, "", 0);
			rec_set(&skips[i].r, in.hdr.n, skips[i].reason, strlen(skips[i].reason));
			csv_put_rec(&f, &skips[i].r, h.n);
		}
		FILE *ff = fopen(o.failed, "w");
		if (!ff || fwrite(f.s, 1, f.len, ff) != f.len || fclose(ff) != 0) {
			crm_warn("%s", o.failed);
			status = CRM_ERR;
		}
		sb_free(&f);
		hdr_free(&h);
	}
	fprintf(stderr, "%s: %ld %s, %zu skipped, %ld failed\n", crm_prog, n_ok,
		o.send && !o.c.dry_run ? "sent" : "previewed", nskip - (size_t)n_fail, n_fail);
	if (n_fail)
		status = CRM_ERR;
	else if (status == CRM_OK && !n_planned)
		status = CRM_NONE;
	for (size_t i = 0; i < skcap; i++) {
		rec_free(&skips[i].r);
		free(skips[i].reason);
	}
	free(skips);
	rec_free(&r);
	sb_free(&mbox);
	sb_free(&msg);
	expr_free(where);
	fieldset_free(&fs);
	recin_close(&in);
	if (!o.sms)
		tmpl_free(&t);
	free(sms_text);
	reach_free(&reach);
	free(tpath);
	bounces_free(&bounced);
	for (size_t b = 0; b < nbcc; b++)
		free(bcc[b]);
	free(bcc);
	hmap_free(&past.msg);
	hmap_free(&past.last);
	free(past.status);
	free(past.last_ts);
	if (runlock >= 0)
		close(runlock);
	crm_dir_close(&d);
	crm_flush_stdout();
	return status;
}
