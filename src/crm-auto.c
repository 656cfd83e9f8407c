/* crm-auto - the rules of automations.conf, each acting once per customer */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto.h"
#include "child.h"
#include "csvrec.h"
#include "cust.h"
#include "date.h"
#include "derive.h"
#include "dir.h"
#include "domain.h"
#include "expr.h"
#include "fieldset.h"
#include "hmap.h"
#include "id.h"
#include "jsonl.h"
#include "lock.h"
#include "opt.h"
#include "rfm.h"
#include "scan.h"
#include "suggest.h"
#include "tags.h"
#include "util.h"
#include "valid.h"

enum { O_CHURNED = OPT_FIRST_LOCAL };

static const struct crm_opt opts[] = {
	{ O_CHURNED, "include-churned", NULL, "act on customers who left (stage churned or lost) too" },
	CRM_OPT_DRYRUN,
	CRM_OPTS_WRITER,
};

static const struct crm_cmd cmd = {
	"[-n] [--include-churned] [RULE...]",
	"Run the rules of automations.conf (NAME: when CONDITION do ACTION [every\n"
	"DURATION]): each acts once on each customer its condition holds for, and the\n"
	"history records it, so a second run does nothing; every DURATION lets a rule\n"
	"act again after that long. With RULE, only those rules.",
	opts,
	"0 some rule acted, 1 nothing to do, 2 error (a bad rule: nothing runs)",
};

/* What the history says: the deals and the rules that acted. */
struct past {
	struct hmap deals;   /* deal id (its first event's) -> index */
	struct deal {
		struct dom_deal d;
		crm_time opened;
		size_t cust;    /* offset of the customer id in ids */
	} *dv;
	size_t ndeal, dcap;
	struct sb ids;
	struct hmap acted;   /* "RULE\x1fCUSTOMER" -> index into last */
	crm_time *last;
	size_t lcap;
	struct sb key;
};

static void ev_past(const struct event *e, void *arg)
{
	struct past *p = arg;
	const struct proj *j = e->p;
	const struct pval *cu = &j->v[PJ_CUSTOMER];
	if (!e->has_ts || cu->kind != 's')
		return;
	if (pv_is(&j->v[PJ_TYPE], "auto") && j->v[PJ_SUBJECT].kind == 's') {
		sb_reset(&p->key);
		sb_add(&p->key, j->v[PJ_SUBJECT].s, j->v[PJ_SUBJECT].n);
		sb_addc(&p->key, '\x1f');
		sb_add(&p->key, cu->s, cu->n);
		size_t i = hmap_put(&p->acted, p->key.s, p->key.len);
		if (i >= p->lcap) {
			size_t old = p->lcap;
			void *q = p->last;
			xgrow(&q, &p->lcap, i + 1, sizeof *p->last);
			p->last = q;
			for (size_t k = old; k < p->lcap; k++)
				p->last[k] = INT64_MIN;
		}
		if (e->ts > p->last[i])
			p->last[i] = e->ts;
		return;
	}
	if (!(e->cls & DOM_DEAL))
		return;
	const struct pval *ref = &j->v[PJ_REF], *id = &j->v[PJ_ID];
	const struct pval *key = ref->kind == 's' && ref->n ? ref : id;
	if (key->kind != 's' || !key->n)
		return;
	size_t i = hmap_put(&p->deals, key->s, key->n);
	if (i >= p->ndeal) {
		void *q = p->dv;
		xgrow(&q, &p->dcap, i + 1, sizeof *p->dv);
		p->dv = q;
		for (size_t k = p->ndeal; k <= i; k++) {
			dom_deal_init(&p->dv[k].d);
			p->dv[k].opened = INT64_MIN;
			p->dv[k].cust = SIZE_MAX;
		}
		p->ndeal = i + 1;
	}
	struct deal *dl = &p->dv[i];
	dom_deal_fold(&dl->d, j, e->ts);
	if (key == id && e->ts >= dl->opened)
		dl->opened = e->ts;
	if (dl->cust == SIZE_MAX) {
		dl->cust = p->ids.len;
		sb_add(&p->ids, cu->s, cu->n);
		sb_addc(&p->ids, '\0');
	}
}

/* One customer: its record, and what the rules may ask of it. */
struct cust {
	struct rec r;
	const char *deal_stage; /* of its last deal, "" when none */
	struct rfm s;
};

/* What a rule's condition and texts see of a customer. */
struct look {
	struct row_ctx rc;
	const struct fieldset *fs;
	size_t i_stage, i_seg; /* the extra fields' indexes; SIZE_MAX: a column has the name */
	const struct cust *c;
	char seg[32];
};

static const char *get(void *ctx, size_t f, size_t *len)
{
	struct look *l = ctx;
	const char *v;
	if (f == l->i_stage)
		v = l->c->deal_stage;
	else if (f == l->i_seg)
		v = rfm_segment(&l->c->s);
	else
		return fieldset_get(&l->rc, f, len);
	*len = strlen(v);
	return v;
}

static const char *lookup(void *ctx, const char *name)
{
	struct look *l = ctx;
	size_t len;
	if (!strcmp(name, AUTO_DEAL_STAGE) && l->i_stage != SIZE_MAX)
		return get(l, l->i_stage, &len);
	if (!strcmp(name, AUTO_SEGMENT) && l->i_seg != SIZE_MAX)
		return get(l, l->i_seg, &len);
	long f = fieldset_index(l->fs, name);
	if (f < 0)
		return NULL;
	/* the record's value, or the derived field's text in the look's buffer */
	return get(l, (size_t)f, &len);
}

/* Mark the fields a text names (for loading the derived ones). */
struct mark {
	const struct fieldset *fs;
	bool *used;
	size_t i_stage, i_seg;
};

static const char *mark_look(void *ctx, const char *name)
{
	struct mark *m = ctx;
	if (!strcmp(name, AUTO_DEAL_STAGE) && m->i_stage != SIZE_MAX)
		m->used[m->i_stage] = true;
	else if (!strcmp(name, AUTO_SEGMENT) && m->i_seg != SIZE_MAX)
		m->used[m->i_seg] = true;
	else if (fieldset_index(m->fs, name) >= 0)
		m->used[fieldset_index(m->fs, name)] = true;
	return "";
}

/* A run's state. */
struct run {
	struct crm_dir d;
	const struct auto_rule *rules;
	const char *rpath; /* automations.conf as shown */
	struct cust *cs;
	size_t n;
	struct hdr *hdr;
	struct look l;
	bool dry;
	long idcol, namecol;
	long done, failed;
	char now[DATE_BUFSZ]; /* t_now, as written */
	crm_time t_now;
};

static const char *cid(const struct run *x, size_t i)
{
	return rec_get(&x->cs[i].r, (size_t)x->idcol);
}

/* Point the look at customer i. */
static void at(struct run *x, size_t i)
{
	x->l.c = &x->cs[i];
	x->l.rc.r = &x->cs[i].r;
}

/* s with the fields of customer i. */
static void expand(struct run *x, size_t i, const char *s, struct sb *out)
{
	const char *bad;
	at(x, i);
	auto_expand(s, lookup, &x->l, out, &bad);
}

/* The action of r for customer i, as a person reads it. */
static void describe(struct run *x, const struct auto_rule *r, size_t i, struct sb *out)
{
	struct sb raw = { 0 };
	struct auto_rule shown = *r;
	char day[DATE_BUFSZ];
	if (r->kind == AUTO_TASK) {
		/* the day it is due, not "+2d" */
		crm_time due;
		date_parse_bound(r->due, crm_now(), false, &due); /* checked when parsed */
		date_fmt_day(due, day);
		shown.due = day;
	}
	auto_describe(&shown, &raw);
	if (r->kind == AUTO_RUN)
		sb_adds(out, sb_str(&raw)); /* the command gets the customer on stdin, as written */
	else
		expand(x, i, sb_str(&raw), out);
	sb_free(&raw);
}

/* Print what was done (or would be), one line a customer. */
static void say(struct run *x, const struct auto_rule *r, size_t i, const char *desc)
{
	const char *name = x->namecol >= 0 ? rec_get(&x->cs[i].r, (size_t)x->namecol) : "";
	printf("%s: %s %s: %s\n", r->name, cid(x, i), name, desc);
}

/* The record of rule r having acted on customer i. */
static void auto_line(struct run *x, const struct auto_rule *r, size_t i, const char *desc,
		      struct sb *out)
{
	json_t *e = dom_event(x->t_now, cid(x, i), "auto", NULL, NULL);
	json_object_set_new(e, "subject", json_string(r->name));
	json_object_set_new(e, "text", json_string(desc));
	jsonl_put(out, e);
	json_decref(e);
}

/* Append the lines (under the lock held); false when they could not be. */
static bool append(struct run *x, const struct sb *b)
{
	if (!b->len || x->dry)
		return true;
	if (crm_append(&x->d, INTERACTIONS, b->s, b->len) < 0) {
		crm_warnx("the history could not be written");
		return false;
	}
	return true;
}

/* task: a task event and the rule's record, for each customer. */
static void act_task(struct run *x, const struct auto_rule *r, const size_t *who, size_t n)
{
	struct sb b = { 0 }, desc = { 0 }, t = { 0 };
	crm_time due;
	date_parse_bound(r->due, crm_now(), false, &due); /* checked when parsed */
	char dueb[DATE_BUFSZ];
	date_fmt(due, dueb);
	for (size_t k = 0; k < n; k++) {
		size_t i = who[k];
		sb_reset(&desc);
		describe(x, r, i, &desc);
		json_t *e = dom_event(x->t_now, cid(x, i), "task", NULL, NULL);
		sb_reset(&t);
		expand(x, i, r->text, &t);
		json_object_set_new(e, "text", json_string(sb_str(&t)));
		json_object_set_new(e, "due", json_string(dueb));
		if (r->owner) {
			sb_reset(&t);
			expand(x, i, r->owner, &t);
			if (t.len)
				json_object_set_new(e, "owner", json_string(sb_str(&t)));
		}
		jsonl_put(&b, e);
		json_decref(e);
		auto_line(x, r, i, sb_str(&desc), &b);
		say(x, r, i, sb_str(&desc));
	}
	if (append(x, &b))
		x->done += (long)n;
	else
		x->failed += (long)n;
	sb_free(&b);
	sb_free(&desc);
	sb_free(&t);
}

/* tag and set: the customers' rows changed in customers.csv, through the
 * streaming rewrite of crm-add --update, with the rules of the column. */
static void act_change(struct run *x, const struct auto_rule *r, const size_t *who, size_t n)
{
	struct ctable t;
	ctable_open(&t, &x->d);
	struct cwant *want = xcalloc(n, sizeof *want);
	for (size_t k = 0; k < n; k++)
		cwant_init(&want[k], cid(x, who[k]), true);
	if (ctable_lookup(&t, want, n) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	struct sb b = { 0 }, desc = { 0 }, v = { 0 };
	bool changed = false;
	long ok = 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = who[k];
		if (want[k].row < 0) {
			crm_warnx("%s: customer %s: not in %s any more", r->name, cid(x, i), CUSTOMERS);
			x->failed++;
			continue;
		}
		struct rec *row = &t.rows[want[k].row];
		sb_reset(&desc);
		describe(x, r, i, &desc);
		const char *col = r->kind == AUTO_TAG ? "tags" : r->field;
		size_t c = ctable_col_add(&t, col);
		row = &t.rows[want[k].row];
		sb_reset(&v);
		if (r->kind == AUTO_TAG) {
			sb_adds(&v, rec_get(row, c));
			if (r->untag)
				tags_remove(&v, r->text);
			else
				tags_merge(&v, r->text);
		} else {
			struct sb raw = { 0 };
			expand(x, i, r->text, &raw);
			char *norm = NULL;
			const char *why = valid_field(col, sb_str(&raw), &norm);
			if (why) {
				struct sb m = { 0 };
				valid_say(&m, col, sb_str(&raw), why);
				crm_dataerr(x->rpath, r->line, "%s: customer %s: %s", r->name, cid(x, i), sb_str(&m));
				sb_free(&m);
				sb_free(&raw);
				free(norm);
				x->failed++;
				continue;
			}
			sb_adds(&v, norm);
			free(norm);
			sb_free(&raw);
		}
		if (strcmp(rec_get(row, c), sb_str(&v))) {
			rec_set(row, c, v.s, v.len);
			size_t cu = ctable_col_add(&t, "updated");
			rec_set(&t.rows[want[k].row], cu, x->now, strlen(x->now));
			changed = true;
		}
		auto_line(x, r, i, sb_str(&desc), &b);
		say(x, r, i, sb_str(&desc));
		ok++;
	}
	bool saved = true;
	if (changed && !x->dry && ctable_save(&t, &x->d) < 0) {
		crm_warnx("%s: %s was not changed", r->name, CUSTOMERS);
		saved = false;
	}
	if (saved && append(x, &b))
		x->done += ok;
	else
		x->failed += ok;
	for (size_t k = 0; k < n; k++)
		cwant_free(&want[k]);
	free(want);
	ctable_free(&t);
	sb_free(&b);
	sb_free(&desc);
	sb_free(&v);
}

/* The path of a program of the toolkit: beside this one, else by name. */
static void sibling(const char *prog, char *path, size_t size)
{
	ssize_t k = readlink("/proc/self/exe", path, size - 1);
	if (k > 0) {
		path[k] = '\0';
		char *slash = strrchr(path, '/');
		if (slash && (size_t)(slash - path) + strlen(prog) + 2 < size) {
			strcpy(slash + 1, prog);
			if (access(path, X_OK) == 0)
				return;
		}
	}
	snprintf(path, size, "%s", prog);
}

/* Run argv (argv[0] looked for on the PATH) with data on its standard
 * input and the lock lent; its exit status, 127 when it could not start. */
static int run_with(struct run *x, char *const *argv, const char *data, size_t n,
		    const struct auto_rule *r)
{
	int lent = crm_lock_lend(&x->d);
	int st = child_feed(argv, data, n, &(struct child_opts){ .env_name = "CRM_AUTO_RULE", .env_value = r->name });
	if (st < 0)
		crm_die("%s", argv[0]);
	crm_lock_unlend(lent);
	return st;
}

/* The customers sent the campaign, from the history. */
struct sent {
	const char *campaign;
	struct hmap ids;
};

static void ev_sent(const struct event *e, void *arg)
{
	struct sent *s = arg;
	const struct proj *j = e->p;
	if (pv_is(&j->v[PJ_TYPE], "email") && pv_is(&j->v[PJ_CAMPAIGN], s->campaign) &&
	    pv_is(&j->v[PJ_STATUS], DOM_SENT) && j->v[PJ_CUSTOMER].kind == 's')
		hmap_put(&s->ids, j->v[PJ_CUSTOMER].s, j->v[PJ_CUSTOMER].n);
}

/* mail: the customers piped to crm-mail --send, whose consent, frequency
 * cap and once-per-campaign ledger decide; the rule acted on those the
 * history then shows sent in the campaign. */
static void act_mail(struct run *x, const struct auto_rule *r, const size_t *who, size_t n,
		     bool churned)
{
	char campaign[512];
	if (r->every) {
		/* a rule that acts again mails again: a campaign of the day */
		char day[DATE_BUFSZ];
		date_fmt_day(crm_now(), day);
		snprintf(campaign, sizeof campaign, "auto-%s-%s", r->name, day);
	} else {
		snprintf(campaign, sizeof campaign, "auto-%s", r->name);
	}
	struct sb desc = { 0 };
	if (x->dry) {
		for (size_t k = 0; k < n; k++) {
			sb_reset(&desc);
			describe(x, r, who[k], &desc);
			say(x, r, who[k], sb_str(&desc));
		}
		x->done += (long)n;
		sb_free(&desc);
		return;
	}
	struct sb in = { 0 };
	csv_put_hdr(&in, x->hdr);
	for (size_t k = 0; k < n; k++)
		csv_put_rec(&in, &x->cs[who[k]].r, x->hdr->n);
	char prog[PATH_MAX];
	sibling("crm-mail", prog, sizeof prog);
	char *argv[] = { prog, "-d", x->d.path, "-t", r->text, "--campaign", campaign, "--send",
			 churned ? "--include-churned" : NULL, NULL };
	int st = run_with(x, argv, in.s, in.len, r);
	sb_free(&in);
	if (st != 0 && st != 1) {
		crm_warnx("%s: crm-mail failed (exit %d)", r->name, st);
		x->failed++;
	}
	struct sent s = { .campaign = campaign };
	if (scan_history(&x->d, false, ev_sent, &s) < 0)
		exit(CRM_ERR);
	struct sb b = { 0 };
	long ok = 0;
	for (size_t k = 0; k < n; k++) {
		const char *id = cid(x, who[k]);
		if (hmap_get(&s.ids, id, strlen(id)) < 0)
			continue;
		sb_reset(&desc);
		describe(x, r, who[k], &desc);
		auto_line(x, r, who[k], sb_str(&desc), &b);
		say(x, r, who[k], sb_str(&desc));
		ok++;
	}
	if (append(x, &b))
		x->done += ok;
	else
		x->failed += ok;
	hmap_free(&s.ids);
	sb_free(&b);
	sb_free(&desc);
}

/* run: the command, through the shell, once a customer. */
static void act_run(struct run *x, const struct auto_rule *r, const size_t *who, size_t n)
{
	struct sb desc = { 0 }, in = { 0 };
	for (size_t k = 0; k < n; k++) {
		size_t i = who[k];
		sb_reset(&desc);
		describe(x, r, i, &desc);
		if (x->dry) {
			say(x, r, i, sb_str(&desc));
			x->done++;
			continue;
		}
		sb_reset(&in);
		csv_put_hdr(&in, x->hdr);
		csv_put_rec(&in, &x->cs[i].r, x->hdr->n);
		char *argv[] = { "/bin/sh", "-c", r->text, NULL };
		int st = run_with(x, argv, in.s, in.len, r);
		if (st) {
			crm_warnx("%s: customer %s: the command failed (exit %d)", r->name, cid(x, i), st);
			x->failed++;
			continue;
		}
		struct sb b = { 0 };
		auto_line(x, r, i, sb_str(&desc), &b);
		say(x, r, i, sb_str(&desc));
		if (append(x, &b))
			x->done++;
		else
			x->failed++;
		sb_free(&b);
	}
	sb_free(&desc);
	sb_free(&in);
}

/* A template as crm-mail finds it: as named, else in templates/. */
static bool template_found(const struct crm_dir *d, const char *t)
{
	if (access(t, R_OK) == 0)
		return true;
	if (strchr(t, '/'))
		return false;
	char name[1024];
	snprintf(name, sizeof name, "templates/%s", t);
	return access(crm_path(d, name), R_OK) == 0;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	const char *arg;
	bool churned = false;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1)
		if (k == O_CHURNED)
			churned = true;
	struct run x = { .dry = c.dry_run };
	crm_dir_open(&x.d, c.dir);
	crm_time now = crm_now();
	x.t_now = now;
	date_fmt(now, x.now);
	x.rpath = crm_path_dup(&x.d, AUTOMATIONS);
	int fd = openat(x.d.fd, AUTOMATIONS, O_RDONLY | O_CLOEXEC);
	struct sb text = { 0 };
	if (fd < 0) {
		if (errno == ENOENT)
			crm_diex("%s: no rules (write lines NAME: when CONDITION do ACTION; see crm-auto(1))",
				 x.rpath);
		crm_die("%s", x.rpath);
	}
	if (read_all(fd, &text) < 0)
		crm_die("%s", x.rpath);
	close(fd);

	/* every writer holds the lock through the whole run */
	crm_lock(&x.d);
	struct recin in;
	if (recin_open(&in, &x.d, false, c.strict) < 0)
		exit(CRM_ERR); /* nothing to undo: what is held goes with the process */
	x.hdr = &in.hdr;
	x.idcol = hdr_find(&in.hdr, "id");
	x.namecol = hdr_find(&in.hdr, "name");
	if (in.hdr.n && x.idcol < 0) {
		crm_dataerr(in.name, in.hdr_line, "the customers have no 'id' column");
		exit(CRM_ERR);
	}
	struct fieldset fs;
	fieldset_init(&fs, &in.hdr);
	/* the schema: the stream's fields, then deal.stage and segment */
	struct field *fv = xcalloc(fs.n + 2, sizeof *fv);
	memcpy(fv, fs.v, fs.n * sizeof *fv);
	size_t nf = fs.n;
	x.l.i_stage = x.l.i_seg = SIZE_MAX;
	if (fieldset_index(&fs, AUTO_DEAL_STAGE) < 0) {
		x.l.i_stage = nf;
		fv[nf++] = (struct field){ AUTO_DEAL_STAGE, FK_TEXT };
	}
	if (fieldset_index(&fs, AUTO_SEGMENT) < 0) {
		x.l.i_seg = nf;
		fv[nf++] = (struct field){ AUTO_SEGMENT, FK_TEXT };
	}
	struct schema sc = { fv, nf, false };
	struct auto_rule *rules;
	size_t nrules;
	long eline;
	char err[4096];
	if (auto_parse(text.s, text.len, &sc, now, &rules, &nrules, &eline, err, sizeof err) < 0) {
		crm_dataerr(x.rpath, eline, "%s", err);
		exit(CRM_ERR);
	}
	sb_free(&text);
	x.rules = rules;
	for (size_t i = 0; i < nrules; i++)
		if (rules[i].kind == AUTO_MAIL && !template_found(&x.d, rules[i].text)) {
			crm_dataerr(x.rpath, rules[i].line, "%s: mail: no template %s (nor templates/%s)",
				    rules[i].name, rules[i].text, rules[i].text);
			exit(CRM_ERR);
		}
	/* the rules asked for */
	bool *on = xcalloc(nrules ? nrules : 1, sizeof *on);
	for (int a = optind; a < argc; a++) {
		size_t i = 0;
		while (i < nrules && strcmp(rules[i].name, argv[a]))
			i++;
		if (i == nrules) {
			const char **names = xcalloc(nrules + 1, sizeof *names);
			for (size_t j = 0; j < nrules; j++)
				names[j] = rules[j].name;
			crm_diex("%s: no rule '%s'%s", x.rpath, argv[a], suggest_hint(argv[a], names, nrules, ""));
		}
		on[i] = true;
	}
	for (size_t i = 0; i < nrules && optind == argc; i++)
		on[i] = true;

	/* what the conditions and texts need */
	bool *used = xcalloc(nf, sizeof *used);
	struct mark mk = { &fs, used, x.l.i_stage, x.l.i_seg };
	for (size_t i = 0; i < nrules; i++) {
		if (!on[i])
			continue;
		expr_fields(rules[i].cond, used);
		struct sb junk = { 0 };
		const char *bad;
		const char *texts[] = { rules[i].text, rules[i].owner };
		for (size_t t = 0; t < 2; t++)
			if (texts[t])
				auto_expand(texts[t], mark_look, &mk, &junk, &bad);
		sb_free(&junk);
	}
	bool want_seg = x.l.i_seg != SIZE_MAX && used[x.l.i_seg];
	bool want_stage = x.l.i_stage != SIZE_MAX && used[x.l.i_stage];
	unsigned extra = want_seg ? 1u << D_LAST_PURCHASE | 1u << D_PURCHASES | 1u << D_REVENUE : 0;
	if (!fieldset_load(&fs, &x.d, used, extra, NULL, now, c.strict))
		exit(CRM_ERR);
	free(used);

	/* the customers */
	size_t cap = 0;
	int got;
	for (;;) {
		void *p = x.cs;
		xgrow0(&p, &cap, x.n + 1, sizeof *x.cs);
		x.cs = p;
		if ((got = recin_next(&in, &x.cs[x.n].r)) <= 0)
			break;
		while (x.cs[x.n].r.n < in.hdr.n)
			rec_push(&x.cs[x.n].r, "", 0);
		x.cs[x.n].deal_stage = "";
		x.n++;
	}
	if (got < 0)
		exit(CRM_ERR);

	/* the history: deals, and which rule acted on whom */
	struct past past = { 0 };
	if (scan_history(&x.d, c.strict, ev_past, &past) < 0)
		exit(CRM_ERR);
	if (want_stage) {
		struct hmap by = { 0 };
		long *best = NULL;
		size_t bcap = 0;
		for (size_t i = 0; i < past.ndeal; i++) {
			if (past.dv[i].cust == SIZE_MAX)
				continue;
			const char *cu = past.ids.s + past.dv[i].cust;
			size_t j = hmap_put(&by, cu, strlen(cu));
			if (j >= bcap) {
				size_t old = bcap;
				void *q = best;
				xgrow(&q, &bcap, j + 1, sizeof *best);
				best = q;
				for (size_t t = old; t < bcap; t++)
					best[t] = -1;
			}
			if (best[j] < 0 || past.dv[i].opened >= past.dv[best[j]].opened)
				best[j] = (long)i;
		}
		for (size_t i = 0; i < x.n; i++) {
			const char *id = cid(&x, i);
			long j = hmap_get(&by, id, strlen(id));
			if (j >= 0 && best[j] >= 0)
				x.cs[i].deal_stage = past.dv[best[j]].d.stage;
		}
		hmap_free(&by);
		free(best);
	}
	if (want_seg) {
		/* as crm-segment --rfm ranks the whole customers.csv */
		struct rfm **v = xcalloc(x.n ? x.n : 1, sizeof *v);
		const char **ids = xcalloc(x.n ? x.n : 1, sizeof *ids);
		for (size_t i = 0; i < x.n; i++) {
			const char *id = cid(&x, i);
			rfm_figures(&x.cs[i].s, fs.dv ? derive_of(fs.dv, id, strlen(id)) : NULL, now);
			v[i] = &x.cs[i].s;
			ids[i] = id;
		}
		rfm_score(v, ids, x.n);
		free(v);
		free(ids);
	}

	/* which customers each rule acts on: all decided before any acts */
	x.l.fs = &fs;
	x.l.rc.fs = &fs;
	long stagecol = hdr_find(&in.hdr, "stage");
	size_t **who = xcalloc(nrules ? nrules : 1, sizeof *who);
	size_t *nwho = xcalloc(nrules ? nrules : 1, sizeof *nwho);
	struct sb key = { 0 };
	for (size_t r = 0; r < nrules; r++) {
		if (!on[r])
			continue;
		who[r] = xcalloc(x.n ? x.n : 1, sizeof **who);
		for (size_t i = 0; i < x.n; i++) {
			const char *id = cid(&x, i);
			if (!*id)
				continue;
			if (!churned && stagecol >= 0 && dom_left(rec_get(&x.cs[i].r, (size_t)stagecol)))
				continue;
			sb_reset(&key);
			sb_printf(&key, "%s\x1f%s", rules[r].name, id);
			long j = hmap_get(&past.acted, key.s, key.len);
			if (j >= 0 && (!rules[r].every || now - past.last[j] < rules[r].every))
				continue;
			at(&x, i);
			const char *undecided;
			if (!expr_eval(rules[r].cond, get, &x.l, &undecided)) {
				if (undecided) {
					crm_dataerr(x.rpath, rules[r].line, "%s: customer %s: %s", rules[r].name, id,
						    undecided);
					exit(CRM_ERR); /* nothing done yet */
				}
				continue;
			}
			who[r][nwho[r]++] = i;
		}
	}
	sb_free(&key);

	for (size_t r = 0; r < nrules; r++) {
		if (!nwho[r])
			continue;
		switch (rules[r].kind) {
		case AUTO_TASK: act_task(&x, &rules[r], who[r], nwho[r]); break;
		case AUTO_TAG:
		case AUTO_SET: act_change(&x, &rules[r], who[r], nwho[r]); break;
		case AUTO_MAIL: act_mail(&x, &rules[r], who[r], nwho[r], churned); break;
		case AUTO_RUN: act_run(&x, &rules[r], who[r], nwho[r]); break;
		}
	}
	crm_flush_stdout();
	fprintf(stderr, "%s: %ld done, %ld failed%s\n", crm_prog, x.done, x.failed,
		x.dry ? " (dry run)" : "");
	int status = x.failed ? CRM_ERR : x.done ? CRM_OK : CRM_NONE;

	for (size_t r = 0; r < nrules; r++)
		free(who[r]);
	free(who);
	free(nwho);
	free(on);
	for (size_t i = 0; i < cap; i++)
		rec_free(&x.cs[i].r);
	free(x.cs);
	hmap_free(&past.deals);
	hmap_free(&past.acted);
	free(past.dv);
	free(past.last);
	sb_free(&past.ids);
	sb_free(&past.key);
	auto_free(rules, nrules);
	free(fv);
	fieldset_free(&fs);
	recin_close(&in);
	free((char *)x.rpath);
	crm_unlock(&x.d);
	crm_dir_close(&x.d);
	return status;
}
