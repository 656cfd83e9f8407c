/* crm-log - append an interaction to the history, close tasks, replay the history */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calls.h"
#include "colmap.h"
#include "cscan.h"
#include "cust.h"
#include "current.h"
#include "date.h"
#include "derive.h"
#include "dir.h"
#include "domain.h"
#include "evimport.h"
#include "fmt.h"
#include "hist.h"
#include "id.h"
#include "lock.h"
#include "mailimp.h"
#include "merges.h"
#include "money.h"
#include "opt.h"
#include "proj.h"
#include "scan.h"
#include "utf8.h"
#include "util.h"
#include "voids.h"

enum {
	O_CHANNEL = OPT_FIRST_LOCAL,
	O_IN,
	O_OUT,
	O_SUBJECT,
	O_AMOUNT,
	O_CURRENCY,
	O_RATING,
	O_SCORE,
	O_DUE,
	O_TS,
	O_DONE,
	O_SINCE,
	O_UNTIL,
	O_TYPE,
	O_STAGE,
	O_PROB,
	O_CLOSE,
	O_REF,
	O_PRIORITY,
	O_STATUS,
	O_OWNER,
	O_VOID,
	O_CURRENT,
	O_IMPORT_MAIL,
	O_NEW_LEADS,
	O_IMPORT_CALLS,
	O_MAP,
	O_IMPORT,
	O_KEY,
	O_RULES,
	O_DATEFMT,
	O_DELIM,
	O_ENCODING,
};

static const struct crm_opt opts[] = {
	{ O_CHANNEL, "channel", "CHANNEL", "email, phone, sms, chat, meeting, web, shop, post, other" },
	{ O_IN, "in", NULL, "the customer contacted us" },
	{ O_OUT, "out", NULL, "we contacted the customer" },
	{ O_SUBJECT, "subject", "TEXT", "a subject line" },
	{ O_AMOUNT, "amount", "AMOUNT", "purchase, refund or deal value (129.99)" },
	{ O_CURRENCY, "currency", "CUR", "ISO 4217 code (default: crm.conf currency, else EUR)" },
	{ O_RATING, "rating", "1-5", "survey: stars (CSAT)" },
	{ O_SCORE, "score", "0-10", "survey: likelihood to recommend (NPS)" },
	{ O_DUE, "due", "DATE", "task: due date (2026-12-01, +7d)" },
	{ O_TS, "ts", "TIME", "when it happened (default: now)" },
	{ O_STAGE, "stage", "STAGE", "deal: new, qualified, proposal, negotiation, won, lost" },
	{ O_PROB, "probability", "PCT", "deal: chance to win, 0-100 (default from the stage)" },
	{ O_CLOSE, "close", "DATE", "deal: expected close date" },
	{ O_REF, "ref", "ID", "deal or ticket: its first event, for a later change" },
	{ O_PRIORITY, "priority", "PRIORITY", "ticket: low, normal (the default), high" },
	{ O_STATUS, "status", "STATUS", "ticket: open (the default), pending, solved, closed" },
	{ O_OWNER, "owner", "NAME", "ticket: who handles it" },
	{ O_VOID, "void", "ID", "cancel a wrong event (an optional REASON may follow)" },
	{ 's', "set", "FIELD=VALUE", "set any other field (repeatable)" },
	{ O_DONE, "done", "TASK", "close a task: its id, its customer's only open one, or a unique part of its text" },
	{ 'l', "list", NULL, "replay the history (of one customer) in time order" },
	{ O_SINCE, "since", "DATE", "with -l: from this time on (inclusive)" },
	{ O_UNTIL, "until", "DATE", "with -l: up to this time (a date: to its end)" },
	{ O_TYPE, "type", "TYPE", "with -l: only interactions of this type (repeatable)" },
	{ O_CURRENT, "current", NULL, "with -l: each deal and ticket once, in its current state" },
	{ O_IMPORT_MAIL, "import-mail", "PATH", "log the mail of an mbox file or Maildir (more PATHs may follow)" },
	{ O_NEW_LEADS, "new-leads", NULL, "with --import-mail: add unknown senders as leads" },
	{ O_IMPORT_CALLS, "import-calls", "FILE", "import a phone system's call records, CSV (- for stdin)" },
	{ O_MAP, "map", "SRC=DST", "with --import or --import-calls: read column SRC as DST (repeatable)" },
	{ O_IMPORT, "import", "FILE", "log each row of a CSV or JSON Lines file (- for stdin)" },
	{ O_KEY, "key", "FIELD[,FIELD]", "with --import: what makes a row unique (default: all it gives)" },
	{ O_RULES, "rules", "FILE", "with --import: options from FILE, one a line (imports/NAME.rules)" },
	{ O_DATEFMT, "date-format", "FORMAT", "with --import: how the file writes dates (%d/%m/%Y)" },
	{ O_DELIM, "delimiter", "CHAR", "with an import of CSV: fields separated by CHAR (default: from the header)" },
	{ O_ENCODING, "encoding", "NAME", "with an import of CSV or JSON Lines: the file's charset (windows-1250)" },
	{ 'v', "verbose", NULL, "with an import: report the rows that match no customer" },
	CRM_OPT_FORMAT,
	CRM_OPT_SAFECSV,
	CRM_OPT_DRYRUN,
	CRM_OPTS_READER,
};

static const struct crm_cmd cmd = {
	"[options] CUSTOMER TYPE [TEXT]\n"
	"--done TASK [TEXT]\n"
	"--void ID [REASON]\n"
	"-l [CUSTOMER] [--since DATE] [--until DATE] [--type TYPE] [--current]\n"
	"--import-mail PATH... [--new-leads] [-n]\n"
	"--import-calls FILE|- [--map SRC=DST]... [-n]\n"
	"--import FILE|- [--map SRC=DST]... [--set FIELD=VALUE]... [--key FIELD[,FIELD]] [--rules FILE] [-n]",
	"Append an interaction to a customer's history and print its id, close a task,\n"
	"or replay the history. CUSTOMER is an id, an e-mail or a unique part of a name.\n"
	"Types: note call missed email meeting chat sms purchase refund ticket survey task done deal bounce.",
	opts,
	NULL,
};

struct opts {
	const char *channel, *subject, *amount, *currency, *rating, *score, *due, *ts;
	const char *stage, *prob, *close, *ref, *done, *since, *until;
	const char *priority, *status, *owner, *voids;
	const char *dir_in_out;
	char **types;
	size_t ntypes, tcap;
	char **sets;
	size_t nsets, scap;
	char **mail;
	size_t nmail, mcap;
	bool list, new_leads, current;
};

static void push(char ***v, size_t *n, size_t *cap, const char *s)
{
	void *p = *v;
	xgrow(&p, cap, *n + 1, sizeof **v);
	*v = p;
	(*v)[(*n)++] = (char *)s;
}

static crm_time when(const char *opt, const char *s)
{
	return date_option(opt, s, false);
}

static void set_time(json_t *o, const char *key, crm_time t)
{
	char b[DATE_BUFSZ];
	date_fmt(t, b);
	json_object_set_new(o, key, json_string(b));
}

/* What a scan of the history found about the event with one id (the
 * first line that has it) and the done events that refer to it. */
struct ref_find {
	const char *id;
	size_t n;
	long long off;     /* of the event found; -1: none */
	char type[16], customer[256], ref[256];
	bool has_ref;
	long long done_off; /* of the first done that refers to it; -1: none */
	char done_id[256];
};

/* Open the history to scan it for lines that hold one of ids[0..n) (all
 * lines when n is 0), lits having room for n + 2; false when there is none
 * yet. */
static bool open_history(const struct crm_dir *d, char *const *ids, size_t n, struct hscan *h,
			 struct lit *lits)
{
	int fd = openat(d->fd, INTERACTIONS, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return false;
		crm_die("%s", crm_path(d, INTERACTIONS));
	}
	hscan_open(h, fd, crm_path(d, INTERACTIONS));
	size_t nl;
	if (n && hist_needles(ids, n, lits, &nl))
		hscan_look(h, lits, nl);
	return true;
}

static void close_history(struct hscan *h)
{
	close(h->b.fd);
	hscan_close(h);
}

/* The next line of the history that parses, read into p (bad lines are
 * reported, and fatal with strict). Returns 1, 0 at the end; a read error
 * is fatal. */
static int next_event(struct hscan *h, struct proj *p, bool strict, struct hscan_item *it)
{
	int k;
	while ((k = hscan_next(h, it)) > 0) {
		if (!it->s)
			continue;
		char err[200];
		int r = proj_line(p, it->s, it->n, err, sizeof err);
		if (r > 0 && !it->nl)
			crm_dataerr(h->b.name, it->line, "%s: %s", JSONL_TORN, JSONL_TORN_OK);
		if (r > 0)
			return 1;
		if (r < 0) {
			crm_dataerr(h->b.name, it->line, "%s%s", it->nl ? "" : JSONL_TORN ": ", err);
			if (strict)
				exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
		}
	}
	if (k < 0)
		exit(CRM_ERR); /* reported; nothing to undo */
	return 0;
}

/* Look the history through for the event id: one streaming pass that
 * parses only the lines that hold the id, keeping nothing but what it
 * finds. */
static void find_ref(const struct crm_dir *d, const char *id, bool strict, struct ref_find *f)
{
	*f = (struct ref_find){ .id = id, .n = strlen(id), .off = -1, .done_off = -1 };
	struct hscan h;
	struct lit lits[3];
	char *ids[] = { (char *)id };
	if (!open_history(d, ids, 1, &h, lits))
		return;
	struct proj p = { .skip = ~(1u << PJ_ID | 1u << PJ_TYPE | 1u << PJ_CUSTOMER | 1u << PJ_REF) };
	struct hscan_item it;
	while (next_event(&h, &p, strict, &it)) {
		const struct pval *pid = &p.v[PJ_ID], *ref = &p.v[PJ_REF];
		if (f->off < 0 && pid->kind == 's' && pid->n == f->n && !memcmp(pid->s, id, f->n)) {
			f->off = it.off;
			pv_str(&p.v[PJ_TYPE], f->type, sizeof f->type);
			pv_str(&p.v[PJ_CUSTOMER], f->customer, sizeof f->customer);
			pv_str(ref, f->ref, sizeof f->ref);
			f->has_ref = ref->kind != 0;
		}
		if (f->done_off < 0 && ref->kind == 's' && ref->n == f->n && !memcmp(ref->s, id, f->n) &&
		    pv_is(&p.v[PJ_TYPE], "done")) {
			f->done_off = it.off;
			pv_str(pid, f->done_id, sizeof f->done_id);
		}
	}
	proj_free(&p);
	close_history(&h);
}

static int append(struct crm_dir *d, json_t *o, bool dry)
{
	struct sb b = { 0 };
	jsonl_put(&b, o);
	int rc = CRM_OK;
	if (dry)
		fputs(b.s, stdout);
	else if (crm_append(d, INTERACTIONS, b.s, b.len) < 0)
		rc = CRM_ERR;
	else
		printf("%s\n", json_str(o, "id"));
	sb_free(&b);
	return rc;
}

/* An open task a --done may mean. */
struct cand {
	char *id, *text;
	crm_time due;
};

static int by_due(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->due != y->due) { /* those without a due date last */
		if (x->due == INT64_MIN || y->due == INT64_MIN)
			return x->due == INT64_MIN ? 1 : -1;
		return x->due < y->due ? -1 : 1;
	}
	return strcmp(x->id, y->id);
}

/* The open tasks (derive.h: the one rule of what is open) of the customer
 * cid, or, with cid NULL, those whose text holds the folded key. */
static size_t open_tasks(const struct crm_dir *d, const char *cid, const char *fkey, bool strict,
			 struct cand **out)
{
	struct derive_opts dopt = { .mask = 1u << D_OPEN_TASKS, .tasks = true, .since = INT64_MIN,
				    .until = INT64_MAX, .strict = strict };
	struct derive *dv = derive_load(d, &dopt);
	if (!dv)
		exit(CRM_ERR); /* reported; nothing written */
	struct cand *v = NULL;
	size_t n = 0, cap = 0, pos = 0;
	struct open_task ot;
	struct sb f = { 0 };
	while (derive_task(dv, &pos, &ot)) {
		if (cid && (ot.customern != strlen(cid) || memcmp(ot.customer, cid, ot.customern)))
			continue;
		if (!cid) {
			sb_reset(&f);
			u8_fold(ot.text, ot.textn, true, &f);
			if (!strstr(sb_str(&f), fkey))
				continue;
		}
		void *p = v;
		xgrow(&p, &cap, n + 1, sizeof *v);
		v = p;
		v[n++] = (struct cand){ xstrndup(ot.id, ot.idn), xstrndup(ot.text, ot.textn), ot.due };
	}
	sb_free(&f);
	derive_free(dv);
	if (n)
		qsort(v, n, sizeof *v, by_due);
	*out = v;
	return n;
}

static void cands_free(struct cand *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].text);
	}
	free(v);
}

/* The tasks to choose from, one a line: id, due day (- for none), text. */
static void cands_list(const struct cand *v, size_t n, struct sb *b)
{
	for (size_t i = 0; i < n; i++) {
		char day[DATE_BUFSZ] = "-";
		if (v[i].due != INT64_MIN)
			date_fmt_day(v[i].due, day);
		sb_printf(b, "\n  %s  %s  %s", v[i].id, day, v[i].text);
	}
}

/* The id of the task --done key means: a task's id; else the only open
 * task of the customer the key names; else the only open task whose text
 * holds the key (compared as names are, without regard to case or
 * diacritics). Several or none is fatal, naming the candidates. The
 * returned id is the caller's to free. */
static char *which_task(struct crm_dir *d, const char *key, bool strict)
{
	/* an id first: only the lines that hold it are read */
	struct ref_find r;
	find_ref(d, key, strict, &r);
	if (r.off >= 0 && !strcmp(r.type, "task"))
		return xstrdup(key);
	if (r.off >= 0)
		crm_diex("%s: no task has this id", key);
	struct ctable t;
	ctable_open(&t, d);
	struct cwant w;
	cwant_init(&w, key, true);
	if (ctable_lookup(&t, &w, 1) < 0)
		exit(CRM_ERR); /* reported; nothing written */
	struct cand *v = NULL;
	size_t n = 0;
	char *id = NULL;
	struct sb b = { 0 };
	if (w.row >= 0) {
		const char *cid = rec_get(&t.rows[w.row], (size_t)ctable_col(&t, "id"));
		long cn = ctable_col(&t, "name");
		const char *name = cn >= 0 ? rec_get(&t.rows[w.row], (size_t)cn) : cid;
		n = open_tasks(d, cid, NULL, strict, &v);
		if (n == 1) {
			id = xstrdup(v[0].id);
		} else if (!n) {
			crm_warnx("%s (%s) has no open task", name, cid);
		} else {
			cands_list(v, n, &b);
			crm_warnx("%s (%s) has %zu open tasks; say which by id or by part of its text:%s",
				  name, cid, n, sb_str(&b));
		}
	} else {
		struct sb f = { 0 };
		u8_fold(key, strlen(key), true, &f);
		if (f.len)
			n = open_tasks(d, NULL, sb_str(&f), strict, &v);
		sb_free(&f);
		if (n == 1) {
			id = xstrdup(v[0].id);
		} else if (n) {
			cands_list(v, n, &b);
			crm_warnx("'%s' is in the text of %zu open tasks; say which by id:%s", key, n,
				  sb_str(&b));
		} else if (w.nnames) {
			cwant_report(&w);
		} else if (id_valid(key)) {
			crm_warnx("%s: no task has this id", key);
		} else {
			crm_warnx("%s: no customer and no open task's text matches it", key);
		}
	}
	sb_free(&b);
	cands_free(v, n);
	cwant_free(&w);
	ctable_free(&t);
	if (!id)
		exit(CRM_ERR); /* nothing written */
	return id;
}

static int do_done(struct crm_dir *d, const struct opts *o, int argc, char **argv, bool dry,
		   bool strict)
{
	if (argc > 1)
		crm_usage_error(&cmd, "--done takes a task (its id, customer or text) and an optional text");
	crm_lock(d);
	char *tid = which_task(d, o->done, strict);
	struct ref_find f;
	find_ref(d, tid, strict, &f);
	if (f.off < 0 || strcmp(f.type, "task"))
		crm_diex("%s: no task has this id", tid);
	if (f.done_off >= 0)
		crm_diex("%s: the task is already done (%s)", tid, f.done_id);
	json_t *e = dom_event(o->ts ? when("ts", o->ts) : crm_now(), f.customer, "done", "other", NULL);
	json_object_set_new(e, "ref", json_string(tid));
	if (argc)
		json_object_set_new(e, "text", json_string(argv[0]));
	int rc = append(d, e, dry);
	json_decref(e);
	free(tid);
	return rc;
}

/* crm-log --void ID [REASON]: a void event that cancels the event ID
 * (voids.h: every reader leaves it out from then on). */
static int do_void(struct crm_dir *d, const struct opts *o, int argc, char **argv, bool dry,
		   bool strict)
{
	if (argc > 1)
		crm_usage_error(&cmd, "--void takes an event's id and an optional reason");
	crm_lock(d);
	struct ref_find f;
	find_ref(d, o->voids, strict, &f);
	if (f.off < 0)
		crm_diex("--void %s: no event has this id", o->voids);
	if (!strcmp(f.type, "void"))
		crm_diex("--void %s: a void cannot be voided (log the event again instead)", o->voids);
	if (!strcmp(f.type, "merge"))
		crm_diex("--void %s: a merge record cannot be voided", o->voids);
	const struct voids *voided = voids_of(d);
	if (!voided)
		exit(CRM_ERR); /* reported; nothing written */
	if (voids_has(voided, o->voids, strlen(o->voids)))
		crm_diex("--void %s: the event is already voided", o->voids);
	json_t *e = dom_event(o->ts ? when("ts", o->ts) : crm_now(), f.customer, "void", "other", NULL);
	json_object_set_new(e, "ref", json_string(o->voids));
	if (argc)
		json_object_set_new(e, "text", json_string(argv[0]));
	int rc = append(d, e, dry);
	json_decref(e);
	return rc;
}

static int do_log(struct crm_dir *d, const struct opts *o, int argc, char **argv, bool dry,
		  bool strict)
{
	if (argc < 2)
		crm_usage_error(&cmd, "a customer and a type are needed");
	if (argc > 3)
		crm_usage_error(&cmd, "too many operands (quote the text)");
	const char *type = argv[1];
	if (!dom_in(dom_log_types, type))
		crm_diex("%s: unknown type%s", type, dom_hint(type, dom_log_types));
	if (!strcmp(type, "done"))
		crm_diex("close a task with --done TASK");
	const char *channel = o->channel ? o->channel : dom_default_channel(type);
	if (!dom_in(dom_channels, channel))
		crm_diex("--channel: %s: unknown%s", channel, dom_hint(channel, dom_channels));
	bool money = !strcmp(type, "purchase") || !strcmp(type, "refund");
	bool deal = !strcmp(type, "deal"), ticket = !strcmp(type, "ticket");
	if (money && !o->amount)
		crm_diex("a %s needs --amount", type);
	if (o->amount && !money && !deal)
		crm_diex("--amount goes with purchase, refund and deal");
	if ((o->rating || o->score) && strcmp(type, "survey"))
		crm_diex("--rating and --score go with survey");
	if (!strcmp(type, "survey") && !o->rating && !o->score)
		crm_diex("a survey needs --rating 1-5 or --score 0-10");
	if (o->due && strcmp(type, "task"))
		crm_diex("--due goes with task");
	if ((o->stage || o->prob || o->close) && !deal)
		crm_diex("--stage, --probability and --close go with deal");
	if (o->ref && !deal && !ticket)
		crm_diex("--ref goes with deal and ticket");
	if ((o->priority || o->status || o->owner) && !ticket)
		crm_diex("--priority, --status and --owner go with ticket");
	if (o->priority && !dom_in(dom_ticket_priorities, o->priority))
		crm_diex("--priority: %s: unknown%s", o->priority, dom_hint(o->priority, dom_ticket_priorities));
	if (o->status && !dom_in(dom_ticket_statuses, o->status))
		crm_diex("--status: %s: unknown%s", o->status, dom_hint(o->status, dom_ticket_statuses));
	if (o->owner && !*o->owner)
		crm_diex("--owner: empty");
	if (deal && !o->stage)
		crm_diex("a deal needs --stage (new, qualified, proposal, negotiation, won, lost)");

	crm_lock(d);
	struct ctable t;
	ctable_open(&t, d);
	long row = ctable_resolve(&t, argv[0]);
	if (row < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	const char *cid = rec_get(&t.rows[row], (size_t)ctable_col(&t, "id"));

	json_t *e = dom_event(o->ts ? when("ts", o->ts) : crm_now(), cid, type, channel, o->dir_in_out);
	if (o->subject)
		json_object_set_new(e, "subject", json_string(o->subject));
	if (argc == 3)
		json_object_set_new(e, "text", json_string(argv[2]));
	if (o->amount) {
		char cur[4];
		const char *c = o->currency ? o->currency : conf_get(d, "currency", DOM_CURRENCY);
		if (!currency_valid(c, cur))
			crm_diex("%s: not a currency code (ISO 4217: PLN, CZK, BGN, EUR)", c);
		long long minor;
		const char *why = money_parse(o->amount, cur, &minor);
		if (why)
			crm_diex("--amount %s: %s", o->amount, why);
		json_object_set_new(e, "amount", json_integer(minor));
		json_object_set_new(e, "currency", json_string(cur));
	} else if (o->currency) {
		crm_diex("--currency goes with --amount");
	}
	if (o->rating) {
		long long v;
		if (!parse_long(o->rating, &v) || v < 1 || v > 5)
			crm_diex("--rating: %s: must be a whole number from 1 to 5", o->rating);
		json_object_set_new(e, "rating", json_integer(v));
	}
	if (o->score) {
		long long v;
		if (!parse_long(o->score, &v) || v < 0 || v > 10)
			crm_diex("--score: %s: must be a whole number from 0 to 10", o->score);
		json_object_set_new(e, "score", json_integer(v));
	}
	if (o->due)
		set_time(e, "due", when("due", o->due));
	if (deal) {
		long si = dom_index(dom_deal_stages, o->stage);
		if (si < 0)
			crm_diex("--stage: %s: unknown%s", o->stage, dom_hint(o->stage, dom_deal_stages));
		json_object_set_new(e, "stage", json_string(o->stage));
		long long p = dom_deal_prob[si];
		if (o->prob && (!parse_long(o->prob, &p) || p < 0 || p > 100))
			crm_diex("--probability: %s: must be a whole number from 0 to 100", o->prob);
		json_object_set_new(e, "probability", json_integer(p));
		if (o->close)
			set_time(e, "close", when("close", o->close));
		if (o->ref) {
			/* the one case where the history is read to append */
			struct ref_find f;
			find_ref(d, o->ref, strict, &f);
			if (f.off < 0 || strcmp(f.type, "deal"))
				crm_diex("--ref %s: no deal has this id", o->ref);
			if (f.has_ref)
				crm_diex("--ref %s: a stage change; give the deal's first event (%s)", o->ref,
					 f.ref);
			if (strcmp(f.customer, cid))
				crm_diex("--ref %s: the deal belongs to another customer (%s)", o->ref,
					 f.customer);
			json_object_set_new(e, "ref", json_string(o->ref));
		}
	}
	if (ticket) {
		if (o->ref) {
			/* a change of a ticket: its first event, of this customer */
			struct ref_find f;
			find_ref(d, o->ref, strict, &f);
			if (f.off < 0 || strcmp(f.type, "ticket"))
				crm_diex("--ref %s: no ticket has this id", o->ref);
			if (f.has_ref)
				crm_diex("--ref %s: a change of a ticket; give the ticket's first event (%s)",
					 o->ref, f.ref);
			if (strcmp(f.customer, cid))
				crm_diex("--ref %s: the ticket belongs to another customer (%s)", o->ref,
					 f.customer);
			json_object_set_new(e, "ref", json_string(o->ref));
		}
		/* the first event states the ticket whole; a change, what it changes */
		const char *st = o->status ? o->status : o->ref ? NULL : dom_ticket_statuses[0];
		const char *pr = o->priority ? o->priority : o->ref ? NULL : DOM_PRIORITY;
		if (st)
			json_object_set_new(e, "status", json_string(st));
		if (pr)
			json_object_set_new(e, "priority", json_string(pr));
		if (o->owner)
			json_object_set_new(e, "owner", json_string(o->owner));
	}
	for (size_t i = 0; i < o->nsets; i++) {
		const char *eq = strchr(o->sets[i], '=');
		if (!eq || eq == o->sets[i])
			crm_diex("-s %s: expected FIELD=VALUE", o->sets[i]);
		char *k = xstrndup(o->sets[i], (size_t)(eq - o->sets[i]));
		if (json_object_get(e, k) || !strcmp(k, "id") || !strcmp(k, "customer"))
			crm_diex("-s %s: this field is set by crm-log or its options", k);
		json_object_set_new(e, k, json_string(eq + 1));
		free(k);
	}
	int rc = append(d, e, dry);
	json_decref(e);
	ctable_free(&t);
	return rc;
}

/* A line -l shows: its bytes and ts in the arena of its part. */
struct item {
	size_t text, len, ts, tslen;
	size_t from, to; /* a line of a customer merged since: the two ids (ends by NULs) */
	bool moved;
	long long off; /* in the file: lines of the same time keep its order */
	const char *base;
	json_t *obj;   /* --current: the event in its current state, else NULL */
};

/* What one part of the scan keeps: only the chosen lines. */
struct pick {
	const char *only; /* a customer id, or NULL for all */
	size_t only_n;
	const struct merges *merged; /* a line of an id merged into only is its */
	char *const *types;
	size_t ntypes;
	bool has_since, has_until;
	crm_time since, until;
	bool tasks;       /* a task listing: note the tasks closed */
	struct hmap dones; /* the tasks a done event (up to --until) closed */
	struct sb arena;
	struct item *v;
	size_t n, cap;
};

static void ev_pick(const struct event *e, void *ctx)
{
	struct pick *k = ctx;
	const struct proj *p = e->p;
	const struct pval *cust = &p->v[PJ_CUSTOMER];
	if (k->only && !(cust->kind == 's' && merges_is(k->merged, cust->s, cust->n, k->only, k->only_n)))
		return;
	if (k->tasks && pv_is(&p->v[PJ_TYPE], "done") && p->v[PJ_REF].kind == 's' &&
	    (!k->has_until || (e->has_ts && e->ts <= k->until)))
		hmap_put(&k->dones, p->v[PJ_REF].s, p->v[PJ_REF].n);
	if (k->ntypes) {
		bool ok = false;
		for (size_t i = 0; i < k->ntypes && !ok; i++)
			ok = pv_is(&p->v[PJ_TYPE], k->types[i]);
		if (!ok)
			return;
	}
	if ((k->has_since || k->has_until) && !e->has_ts)
		return;
	if ((k->has_since && e->ts < k->since) || (k->has_until && e->ts > k->until))
		return;
	void *v = k->v;
	xgrow(&v, &k->cap, k->n + 1, sizeof *k->v);
	k->v = v;
	struct item *it = &k->v[k->n++];
	it->off = e->off;
	it->text = k->arena.len;
	it->len = e->len;
	sb_add(&k->arena, e->text, e->len);
	it->moved = false;
	it->obj = NULL;
	size_t tn;
	const char *to = cust->kind == 's' ? merges_now(k->merged, cust->s, cust->n, &tn) : NULL;
	if (to && to != cust->s) {
		it->moved = true;
		it->from = k->arena.len;
		sb_add(&k->arena, cust->s, cust->n);
		sb_addc(&k->arena, '\0');
		it->to = k->arena.len;
		sb_add(&k->arena, to, tn);
		sb_addc(&k->arena, '\0');
	}
	const struct pval *ts = &p->v[PJ_TS];
	it->ts = k->arena.len;
	it->tslen = ts->kind == 's' ? ts->n : 0;
	sb_add(&k->arena, ts->kind == 's' ? ts->s : "", it->tslen);
}

static int by_time(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	size_t n = x->tslen < y->tslen ? x->tslen : y->tslen;
	int c = memcmp(x->base + x->ts, y->base + y->ts, n);
	if (!c && x->tslen != y->tslen)
		c = x->tslen < y->tslen ? -1 : 1;
	if (c)
		return c;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The names of the customers of the lines shown (the customers they are
 * now), from one pass over the customers (only theirs are kept). */
static void names_of(const struct crm_dir *d, const struct merges *merged, const struct item *v,
		     size_t n, struct cnames *names)
{
	struct hmap ids = { 0 };
	for (size_t i = 0; i < n; i++) {
		char err[200];
		json_t *e = jsonl_parse(v[i].base + v[i].text, v[i].len, err, sizeof err);
		const char *c = json_str(e, "customer");
		size_t cn;
		c = merges_now(merged, c, strlen(c), &cn);
		hmap_put(&ids, c, cn);
		json_decref(e);
	}
	if (cnames_load(names, d, &ids) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	hmap_free(&ids);
}

/* What the event e says, for a person: its subject, then its text. */
static void what_of(json_t *e, struct sb *what)
{
	const char *subj = json_str(e, "subject"), *text = json_str(e, "text");
	sb_adds(what, subj);
	if (*subj && *text)
		sb_adds(what, " — ");
	sb_adds(what, text);
}

/* The name of the customer (as it is now) of the event e: the one of -l
 * CUSTOMER, else looked up in what names_of read, else its id. */
static const char *name_of(json_t *e, const char *only_name, const struct merges *merged,
			   const struct cnames *names)
{
	if (only_name)
		return only_name;
	const char *cust = json_str(e, "customer");
	size_t custn;
	cust = merges_now(merged, cust, strlen(cust), &custn);
	const char *nm = cnames_get(names, cust, custn);
	return nm ? nm : cust;
}

/* A listing of tasks only (-l --type task): each with its id, due date and
 * status, open or done, as columns. */
static void list_tasks(const struct item *v, size_t n, enum fmt f, const char *only_name,
		       const struct pick *want, const struct crm_dir *d, const struct crm_common *c,
		       const struct merges *merged, struct cnames *names)
{
	static const char *const human[] = { "id", "due", "status", "when", "customer", "what" };
	static const char *const full[] = { "id", "ts", "customer", "name", "due", "status",
					     "by", "subject", "text" };
	bool readable = f == FMT_TABLE || f == FMT_MD || f == FMT_HTML;
	size_t ncols = readable ? 6 : 9;
	struct hdr cols = { 0 };
	for (size_t i = 0; i < ncols; i++)
		hdr_add(&cols, readable ? human[i] : full[i]);
	bool numeric[9] = { 0 };
	struct out *out = out_open(f, &cols, numeric, fmt_color(c->color));
	if (!only_name)
		names_of(d, merged, v, n, names);
	struct rec r = { 0 };
	for (size_t i = 0; i < n; i++) {
		char err[200];
		json_t *e = jsonl_parse(v[i].base + v[i].text, v[i].len, err, sizeof err);
		const char *id = json_str(e, "id");
		const char *status = hmap_get(&want->dones, id, strlen(id)) >= 0 ? "done" : "open";
		const char *name = name_of(e, only_name, merged, names);
		rec_clear(&r);
		if (readable) {
			crm_time t;
			char w[DATE_BUFSZ] = "", due[DATE_BUFSZ] = "";
			if (date_parse(json_str(e, "ts"), &t)) /* the table shows it in local time */
				date_fmt(t, w);
			if (date_parse(json_str(e, "due"), &t))
				date_fmt_day(t, due);
			struct sb what = { 0 };
			what_of(e, &what);
			const char *vals[] = { id, due, status, w, name, sb_str(&what) };
			for (size_t k = 0; k < 6; k++)
				rec_push(&r, vals[k], strlen(vals[k]));
			sb_free(&what);
		} else {
			/* the customer it is now, as the other listings show it */
			const char *cust = json_str(e, "customer");
			size_t custn;
			cust = merges_now(merged, cust, strlen(cust), &custn);
			struct sb cs = { 0 };
			sb_add(&cs, cust, custn);
			for (size_t k = 0; k < 9; k++) {
				const char *val = !strcmp(full[k], "name")	 ? name
						  : !strcmp(full[k], "status")	 ? status
						  : !strcmp(full[k], "customer") ? sb_str(&cs)
										 : json_str(e, full[k]);
				rec_push(&r, val, strlen(val));
			}
			sb_free(&cs);
		}
		out_row(out, &r);
		json_decref(e);
	}
	rec_free(&r);
	out_close(out);
	hdr_free(&cols);
}

static int do_list(struct crm_dir *d, const struct opts *o, int argc, char **argv,
		   const struct crm_common *c)
{
	if (argc > 1)
		crm_usage_error(&cmd, "-l takes at most one customer");
	/* the merge records first: a line logged on a customer before it was
	 * merged into another (in another clone) is that other's now */
	struct merges merged = { 0 };
	if (merges_load(&merged, d) < 0)
		exit(CRM_ERR); /* reported; nothing to undo */
	struct pick want = { .types = o->types, .ntypes = o->ntypes, .merged = &merged };
	char *only_name = NULL;
	if (argc) {
		struct ctable t;
		ctable_open(&t, d);
		long row = ctable_resolve(&t, argv[0]);
		if (row < 0)
			exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
		long cn = ctable_col(&t, "name");
		want.only = xstrdup(rec_get(&t.rows[row], (size_t)ctable_col(&t, "id")));
		want.only_n = strlen(want.only);
		only_name = xstrdup(cn >= 0 ? rec_get(&t.rows[row], (size_t)cn) : want.only);
		ctable_free(&t);
	}
	want.tasks = o->ntypes > 0;
	for (size_t i = 0; i < o->ntypes; i++) {
		if (!dom_in(dom_types, o->types[i]))
			crm_diex("--type: %s: unknown type", o->types[i]);
		want.tasks = want.tasks && !strcmp(o->types[i], "task");
	}
	want.has_since = o->since != NULL;
	want.has_until = o->until != NULL;
	if (want.has_since)
		want.since = when("since", o->since);
	if (want.has_until)
		want.until = date_option("until", o->until, true);
	/* one pass that parses only the lines that may be the customer's,
	 * keeping the chosen ones */
	size_t nids = 0;
	char **ids_of = NULL;
	if (want.only) {
		char **from = merges_into(&merged, want.only, &nids);
		ids_of = xcalloc(nids + 2, sizeof *ids_of);
		ids_of[0] = xstrdup(want.only);
		memcpy(ids_of + 1, from, nids * sizeof *from);
		free(from);
		nids++;
	}
	struct hscan h;
	struct lit *lits = xcalloc(nids + 2, sizeof *lits);
	/* the corrections: an event a void cancels is not shown (voids.h) */
	const struct voids *voided = voids_of(d);
	if (!voided)
		exit(CRM_ERR); /* reported; nothing to undo */
	if (open_history(d, ids_of, nids, &h, lits)) {
		struct proj p = { .skip = ~(1u << PJ_CUSTOMER | 1u << PJ_TYPE | 1u << PJ_TS | 1u << PJ_ID |
					    (want.tasks ? 1u << PJ_REF : 0)) };
		struct hscan_item it;
		while (next_event(&h, &p, c->strict, &it)) {
			const struct pval *pid = &p.v[PJ_ID];
			if (pid->kind == 's' && voids_has(voided, pid->s, pid->n))
				continue;
			struct event e = { .p = &p, .text = it.s, .len = it.n, .off = it.off, .torn = !it.nl };
			e.has_ts = pv_time(&p.v[PJ_TS], &e.ts);
			ev_pick(&e, &want);
		}
		proj_free(&p);
		close_history(&h);
	}
	free(lits);
	if (ids_of)
		free_strv(ids_of);
	size_t n = want.n;
	struct item *v = want.v;
	for (size_t i = 0; i < n; i++)
		v[i].base = want.arena.s;
	if (n) /* qsort wants an array, even of nothing */
		qsort(v, n, sizeof *v, by_time);
	/* --current: each deal and ticket once, by its first event, in the
	 * state its events fold to; the lines shown drop to those */
	if (o->current) {
		struct current *cur = current_load(d, c->strict);
		if (!cur)
			exit(CRM_ERR); /* reported; nothing to undo */
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			char err[200];
			json_t *e = jsonl_parse(v[i].base + v[i].text, v[i].len, err, sizeof err);
			if (!e || !current_view(cur, e)) {
				json_decref(e);
				continue;
			}
			v[k] = v[i];
			v[k].obj = e;
			k++;
		}
		n = k;
		current_free(cur);
	}
	struct cnames names = { 0 };
	enum fmt f = fmt_choose(c->format, FMT_JSONL, FMTS_ALL);
	if (f == FMT_JSONL && o->current) {
		/* the lines in their current state, the customer the one it is now */
		struct sb b = { 0 };
		for (size_t i = 0; i < n; i++) {
			const char *cust = json_str(v[i].obj, "customer");
			size_t custn;
			cust = merges_now(&merged, cust, strlen(cust), &custn);
			json_object_set_new(v[i].obj, "customer", json_stringn(cust, custn));
			sb_reset(&b);
			jsonl_put(&b, v[i].obj);
			fwrite(b.s, 1, b.len, stdout);
			if (ferror(stdout))
				crm_flush_stdout();
		}
		sb_free(&b);
	} else if (f == FMT_JSONL) {
		/* the lines as stored, but the customer of a line logged on one
		 * merged since: the one it is now */
		struct sb moved = { 0 };
		for (size_t i = 0; i < n; i++) {
			const char *line = v[i].base + v[i].text;
			size_t len = v[i].len;
			sb_reset(&moved);
			if (v[i].moved && hist_recustomer(line, len, v[i].base + v[i].from, v[i].base + v[i].to,
							  &moved)) {
				line = moved.s;
				len = moved.len;
			}
			fwrite(line, 1, len, stdout);
			putchar('\n');
			if (ferror(stdout))
				crm_flush_stdout();
		}
		sb_free(&moved);
	} else if (want.tasks) {
		list_tasks(v, n, f, only_name, &want, d, c, &merged, &names);
	} else {
		static const char *const human[] = { "when", "customer", "type", "dir", "what", "amount" };
		static const char *const full[] = { "id", "ts", "customer", "name", "type", "channel",
						    "direction", "by", "subject", "text", "amount",
						    "currency", "campaign", "status" };
		enum { NFULL = sizeof full / sizeof full[0] };
		bool readable = f == FMT_TABLE || f == FMT_MD || f == FMT_HTML;
		struct hdr cols = { 0 };
		size_t ncols = readable ? 6 : NFULL;
		for (size_t i = 0; i < ncols; i++)
			hdr_add(&cols, readable ? human[i] : full[i]);
		bool numeric[NFULL] = { 0 };
		numeric[readable ? 5 : 10] = true;
		struct out *out = out_open(f, &cols, numeric, fmt_color(c->color));
		if (!only_name)
			names_of(d, &merged, v, n, &names);
		struct rec r = { 0 };
		for (size_t i = 0; i < n; i++) {
			char err[200];
			json_t *e = v[i].obj ? json_incref(v[i].obj)
					     : jsonl_parse(v[i].base + v[i].text, v[i].len, err, sizeof err);
			const char *cust = json_str(e, "customer");
			size_t custn;
			cust = merges_now(&merged, cust, strlen(cust), &custn);
			const char *name = cust;
			if (only_name) {
				name = only_name;
			} else {
				const char *nm = cnames_get(&names, cust, custn);
				if (nm)
					name = nm;
			}
			char amount[MONEY_BUFSZ + 8] = "";
			json_t *a = json_object_get(e, "amount");
			if (json_is_integer(a)) {
				char m[MONEY_BUFSZ];
				money_fmt(json_integer_value(a), json_str(e, "currency"), readable, m);
				if (readable)
					snprintf(amount, sizeof amount, "%s %s", m, json_str(e, "currency"));
				else
					snprintf(amount, sizeof amount, "%lld", (long long)json_integer_value(a));
			}
			rec_clear(&r);
			if (readable) {
				/* the stored form, which the table shows in the
				 * time zone of crm.conf */
				crm_time ts;
				char w[DATE_BUFSZ] = "";
				if (date_parse(json_str(e, "ts"), &ts))
					date_fmt(ts, w);
				struct sb what = { 0 };
				what_of(e, &what);
				if (!strcmp(json_str(e, "type"), "deal"))
					sb_printf(&what, "%sstage %s", what.len ? ", " : "", json_str(e, "stage"));
				if (!strcmp(json_str(e, "type"), "void"))
					sb_printf(&what, "%svoids %s", what.len ? ", " : "", json_str(e, "ref"));
				if (!strcmp(json_str(e, "type"), "ticket")) {
					const char *ts_ = json_str(e, "status"), *pr = json_str(e, "priority"),
						   *ow = json_str(e, "owner");
					if (*ts_)
						sb_printf(&what, "%s%s", what.len ? ", " : "", ts_);
					if (*pr)
						sb_printf(&what, "%s%s priority", what.len ? ", " : "", pr);
					if (*ow)
						sb_printf(&what, "%sowner %s", what.len ? ", " : "", ow);
				}
				/* a mail: its campaign and whether it went out */
				const char *camp = json_str(e, "campaign"), *st = json_str(e, "status");
				if (*camp)
					sb_printf(&what, "%scampaign %s", what.len ? ", " : "", camp);
				if (!strcmp(json_str(e, "type"), "email") && *st)
					sb_printf(&what, "%s%s", what.len ? ", " : "", st);
				json_t *rt = json_object_get(e, "rating"), *sc = json_object_get(e, "score");
				if (json_is_integer(rt))
					sb_printf(&what, "%srating %lld", what.len ? ", " : "",
						  (long long)json_integer_value(rt));
				if (json_is_integer(sc))
					sb_printf(&what, "%sscore %lld", what.len ? ", " : "",
						  (long long)json_integer_value(sc));
				const char *vals[] = { w, name, json_str(e, "type"), json_str(e, "direction"),
						       sb_str(&what), amount };
				for (size_t k = 0; k < 6; k++)
					rec_push(&r, vals[k], strlen(vals[k]));
				sb_free(&what);
			} else {
				for (size_t k = 0; k < NFULL; k++) {
					const char *val = !strcmp(full[k], "name")	 ? name
							  : !strcmp(full[k], "customer") ? cust
							  : !strcmp(full[k], "amount")	 ? amount
											 : json_str(e, full[k]);
					rec_push(&r, val, strlen(val));
				}
			}
			out_row(out, &r);
			json_decref(e);
		}
		rec_free(&r);
		out_close(out);
		hdr_free(&cols);
	}
	for (size_t i = 0; i < n; i++)
		json_decref(v[i].obj);
	free(v);
	sb_free(&want.arena);
	hmap_free(&want.dones);
	cnames_free(&names);
	free((char *)want.only);
	free(only_name);
	merges_free(&merged);
	return n ? CRM_OK : CRM_NONE;
}

static int do_import_mail(struct crm_dir *d, struct opts *o, int argc, char **argv,
			  const struct crm_common *c)
{
	for (int i = 0; i < argc; i++)
		push(&o->mail, &o->nmail, &o->mcap, argv[i]);
	struct mailimp_opts mo = { .dry_run = c->dry_run, .new_leads = o->new_leads, .strict = c->strict };
	return mail_import(d, o->mail, o->nmail, &mo);
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	struct opts o = { 0 };
	const char *arg, *calls = NULL, *import = NULL;
	struct evimport_opts eo = { 0 };
	struct colmap map = { 0 };
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1) {
		switch (k) {
		case O_CHANNEL: o.channel = arg; break;
		case O_IN: o.dir_in_out = "in"; break;
		case O_OUT: o.dir_in_out = "out"; break;
		case O_SUBJECT: o.subject = arg; break;
		case O_AMOUNT: o.amount = arg; break;
		case O_CURRENCY: o.currency = arg; break;
		case O_RATING: o.rating = arg; break;
		case O_SCORE: o.score = arg; break;
		case O_DUE: o.due = arg; break;
		case O_TS: o.ts = arg; break;
		case O_STAGE: o.stage = arg; break;
		case O_PROB: o.prob = arg; break;
		case O_CLOSE: o.close = arg; break;
		case O_REF: o.ref = arg; break;
		case O_PRIORITY: o.priority = arg; break;
		case O_STATUS: o.status = arg; break;
		case O_OWNER: o.owner = arg; break;
		case O_VOID: o.voids = arg; break;
		case O_CURRENT: o.current = true; break;
		case O_DONE: o.done = arg; break;
		case O_SINCE: o.since = arg; break;
		case O_UNTIL: o.until = arg; break;
		case O_TYPE: push(&o.types, &o.ntypes, &o.tcap, arg); break;
		case 's': push(&o.sets, &o.nsets, &o.scap, arg); break;
		case 'l': o.list = true; break;
		case O_IMPORT_MAIL: push(&o.mail, &o.nmail, &o.mcap, arg); break;
		case O_NEW_LEADS: o.new_leads = true; break;
		case O_IMPORT_CALLS: calls = arg; break;
		case O_MAP:
			if (!colmap_add(&map, arg))
				crm_usage_error(&cmd, "--map takes SRC=DST");
			break;
		case O_IMPORT: import = arg; break;
		case O_KEY: eo.key = arg; break;
		case O_RULES: eo.rules = arg; break;
		case O_DATEFMT: eo.date_format = arg; break;
		case O_ENCODING: eo.io.encoding = arg; break;
		case 'v': eo.verbose = true; break;
		case O_DELIM:
			if (!(eo.io.delim = impin_delim_arg(arg)))
				crm_usage_error(&cmd, "--delimiter takes one character, or tab");
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (o.list && o.done)
		crm_usage_error(&cmd, "-l and --done do not go together");
	if (o.voids && (o.list || o.done || calls || import || o.nmail))
		crm_usage_error(&cmd, "--void goes alone, without -l, --done or an import");
	if (!o.list && (o.since || o.until || o.ntypes || o.current))
		crm_usage_error(&cmd, "--since, --until, --type and --current go with -l");
	if (o.nmail && (o.list || o.done || calls))
		crm_usage_error(&cmd, "--import-mail goes alone, without -l, --done or --import-calls");
	if (o.new_leads && !o.nmail)
		crm_usage_error(&cmd, "--new-leads goes with --import-mail");
	if (map.n && !calls && !import)
		crm_usage_error(&cmd, "--map goes with --import or --import-calls");
	if ((eo.key || eo.rules || eo.date_format) && !import)
		crm_usage_error(&cmd, "--key, --rules and --date-format go with --import");
	if ((eo.io.delim || eo.io.encoding || eo.verbose) && !import && !calls)
		crm_usage_error(&cmd, "--delimiter, --encoding and --verbose go with --import or --import-calls");
	if (import && (calls || o.nmail || o.list || o.done || argc || o.channel || o.dir_in_out ||
		       o.subject || o.amount || o.currency || o.rating || o.score || o.due || o.ts ||
		       o.stage || o.prob || o.close || o.ref))
		crm_usage_error(&cmd, "--import takes the fields from the file and --set, and no operands");
	if (calls && (o.list || o.done || argc))
		crm_usage_error(&cmd, "--import-calls takes no operands, and not -l or --done");
	struct crm_dir d;
	crm_dir_open(&d, c.dir);
	int rc;
	if (o.nmail) {
		rc = do_import_mail(&d, &o, argc, argv, &c);
	} else if (import) {
		eo.map = &map;
		for (size_t i = 0; i < o.nsets; i++)
			evimport_set(&eo, o.sets[i]);
		eo.dry_run = c.dry_run;
		eo.strict = c.strict;
		rc = evimport_run(&d, import, &eo);
	} else if (calls) {
		struct calls_opts co = { .io = eo.io, .dry_run = c.dry_run, .strict = c.strict,
					 .verbose = eo.verbose };
		rc = calls_import(&d, calls, &map, &co);
	} else if (o.list) {
		rc = do_list(&d, &o, argc, argv, &c);
	} else if (o.done) {
		rc = do_done(&d, &o, argc, argv, c.dry_run, c.strict);
	} else if (o.voids) {
		rc = do_void(&d, &o, argc, argv, c.dry_run, c.strict);
	} else {
		rc = do_log(&d, &o, argc, argv, c.dry_run, c.strict);
	}
	crm_flush_stdout();
	crm_dir_close(&d);
	free(o.types);
	free(o.sets);
	free(o.mail);
	free(eo.set);
	colmap_free(&map);
	return rc;
}
