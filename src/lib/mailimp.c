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
#include <sys/stat.h>
#include <unistd.h>

#include "cust.h"
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
	struct sb out;       /* the records to append */
	char now[DATE_BUFSZ];
	long read, added, dups, unmatched, malformed, leads;
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
	struct proj pj = { .skip = ~(1u << PJ_CUSTOMER | 1u << PJ_MESSAGE_ID) };
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
	return (long)row;
}

static void put_record(struct imp *x, const char *cust, crm_time ts, const char *dir,
		       const char *subject, const char *text, const char *mid)
{
	json_t *e = json_object();
	char id[ID_LEN + 1], when[DATE_BUFSZ];
	id_new(id);
	date_fmt(ts, when);
	json_object_set_new(e, "id", json_string(id));
	json_object_set_new(e, "ts", json_string(when));
	json_object_set_new(e, "customer", json_string(cust));
	json_object_set_new(e, "type", json_string("email"));
	json_object_set_new(e, "channel", json_string("email"));
	json_object_set_new(e, "direction", json_string(dir));
	json_object_set_new(e, "by", json_string(crm_user()));
	if (*subject)
		json_object_set_new(e, "subject", json_string(subject));
	if (*text)
		json_object_set_new(e, "text", json_string(text));
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

static void import_one(struct imp *x, const char *buf, size_t n, const struct where *w)
{
	x->read++;
	struct msg m;
	char err[128];
	if (msg_parse(buf, n, &m, err, sizeof err) < 0) {
		bad(x, w, err);
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
	size_t nr = 0, rcap = 0;
	for (size_t i = 0; i < na; i++)
		match(x, a[i].addr, &rows, &nr, &rcap);
	if (x->o->new_leads && nfrom && !out && hmap_get(&x->emails, a[0].addr, strlen(a[0].addr)) < 0) {
		long r = add_lead(x, &a[0]);
		if (r >= 0) {
			grow_longs(&rows, &rcap, nr + 1);
			rows[nr++] = r;
		}
	}
	if (!nr)
		x->unmatched++;
	struct sb mid = { 0 }, key = { 0 }, subj = { 0 }, s = { 0 }, text = { 0 }, body = { 0 };
	message_id(&m, &mid);
	bool details = false;
	crm_time ts = 0;
	for (size_t i = 0; i < nr; i++) {
		const char *cid = rec_get(&x->t.rows[rows[i]], (size_t)x->ci);
		seen_key(&key, cid, strlen(cid), mid.s, mid.len);
		if (hmap_get(&x->seen, key.s, key.len) >= 0) {
			x->dups++;
			continue;
		}
		hmap_put(&x->seen, key.s, key.len);
		if (!details) {
			/* decoded only for a message that is logged */
			const char *date = msg_get(&m, "Date");
			if (!(date && msg_date(date, &ts)) &&
			    !(w->from && mbox_from_date(w->from, w->fromlen, &ts)))
				ts = w->mtime;
			const char *sv = msg_get(&m, "Subject");
			if (sv)
				msg_words(sv, strlen(sv), &s);
			msg_excerpt(sb_str(&s), s.len, SUBJECT_CHARS, &subj);
			msg_text(&m, &body);
			msg_excerpt(sb_str(&body), body.len, TEXT_CHARS, &text);
			details = true;
		}
		put_record(x, cid, ts, out ? "out" : "in", sb_str(&subj), sb_str(&text), mid.s);
		x->added++;
	}
	sb_free(&mid);
	sb_free(&key);
	sb_free(&subj);
	sb_free(&s);
	sb_free(&text);
	sb_free(&body);
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
	if (load_seen(&x) < 0)
		exit(CRM_ERR); /* nothing written yet: what is held goes with the process */
	for (size_t i = 0; i < n; i++)
		if (import_path(&x, paths[i]) < 0)
			rc = CRM_ERR;
	if (o->dry_run) {
		fwrite(sb_str(&x.out), 1, x.out.len, stdout);
	} else {
		/* the customers first: no record may name a customer not yet saved */
		if (x.leads && ctable_save(&x.t, d) < 0) {
			rc = CRM_ERR;
			x.added = x.leads = 0;
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
	fprintf(stderr, "%s\n", o->dry_run ? " (dry run)" : "");
	free(x.first);
	free(x.next_row);
	hmap_free(&x.emails);
	hmap_free(&x.team);
	hmap_free(&x.seen);
	sb_free(&x.out);
	ctable_free(&x.t);
	return rc;
}
