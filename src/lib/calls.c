/* calls.c - importing call records from a phone system */
#include "calls.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvrec.h"
#include "cust.h"
#include "date.h"
#include "domain.h"
#include "evimport.h"
#include "hist.h"
#include "id.h"
#include "lock.h"
#include "phone.h"
#include "utf8.h"

enum { C_NUMBER, C_TIME, C_FROM, C_TO, C_DURATION, C_DIRECTION, C_STATUS, C_N };
static const char *const call_cols[C_N] = { "number", "time", "from", "to", "duration",
					    "direction", "status" };

struct calls {
	const char *name;          /* the input, as named in messages */
	const struct calls_opts *o;
	long col[C_N];             /* the input column of each, or -1 */
	size_t ncols;              /* columns of the input's header */
	const struct ctable *t;
	size_t ci;                 /* the id column of t */
	struct phone_book book;
	struct hmap seen;          /* customer, ts and number of every call known */
	struct sb out, ids;        /* the lines to append, the ids to print */
	long read, added, dups, unmatched, malformed;
};

/* One record, read. */
struct call {
	crm_time ts;
	const char *dir;           /* "in", "out" or NULL */
	bool missed;               /* nobody answered */
	long long duration;        /* -1 when not given */
	struct sb num;             /* normalised */
};

/* Find the columns in the header h. Returns 0, or -1 after reporting. */
static int calls_header(struct calls *x, const struct rec *h, const struct colmap *map, long line)
{
	for (int k = 0; k < C_N; k++)
		x->col[k] = -1;
	x->ncols = h->n;
	struct sb why = { 0 };
	if (!colmap_check(map, h->v, h->n, &why)) {
		crm_dataerr(x->name, line, "%s", why.s);
		sb_free(&why);
		return -1;
	}
	for (size_t c = 0; c < h->n; c++) {
		const char *name = colmap_name(map, h->v[c]);
		for (int k = 0; k < C_N; k++) {
			if (strcmp(name, call_cols[k]))
				continue;
			if (x->col[k] >= 0) {
				crm_dataerr(x->name, line, "two columns are read as '%s'", name);
				return -1;
			}
			x->col[k] = (long)c;
		}
	}
	if (x->col[C_TIME] < 0) {
		crm_dataerr(x->name, line, "no 'time' column (name one with --map SRC=time)");
		return -1;
	}
	if (x->col[C_NUMBER] < 0 &&
	    (x->col[C_FROM] < 0 || x->col[C_TO] < 0 || x->col[C_DIRECTION] < 0)) {
		crm_dataerr(x->name, line, "no 'number' column, nor 'from', 'to' and 'direction' "
					   "(name them with --map SRC=DST)");
		return -1;
	}
	return 0;
}

/* The value of column k of r, trimmed, as a new string ("" when the input
 * has no such column). */
static char *field(const struct calls *x, const struct rec *r, int k)
{
	if (x->col[k] < 0)
		return xstrdup("");
	char *v = xstrdup(rec_get(r, (size_t)x->col[k]));
	char *s = str_trim(v);
	memmove(v, s, strlen(s) + 1);
	return v;
}

/* Epoch seconds, or a date and time (ISO 8601, T or a space, Z or an
 * offset, none meaning UTC). A bare date is not a time of a call. */
static bool call_time(const char *s, crm_time *t)
{
	long long v;
	if (*s && strspn(s, "0123456789") == strlen(s)) {
		if (!parse_long(s, &v) || v > 253402300799LL) /* after 9999-12-31 */
			return false;
		*t = v;
		return true;
	}
	return strlen(s) > 10 && date_parse(s, t);
}

/* Seconds, as 123, 2:03 or 1:02:03. */
static bool call_duration(const char *s, long long *out)
{
	long long v = 0;
	int parts = 0;
	for (const char *p = s;; p++) {
		size_t n = strspn(p, "0123456789");
		if (!n || n > 9 || (parts && n > 2))
			return false;
		long long part = 0;
		for (size_t i = 0; i < n; i++)
			part = part * 10 + (p[i] - '0');
		if (parts && part >= 60)
			return false;
		v = v * 60 + part;
		parts++;
		p += n;
		if (!*p)
			break;
		if (*p != ':' || parts == 3)
			return false;
	}
	*out = v;
	return true;
}

/* Whether the status column of a call says nobody answered it. */
static bool call_missed(const char *s)
{
	static const char *const words[] = {
		"missed", "no answer", "noanswer", "no-answer", "no_answer", "not answered",
		"unanswered", "busy", "failed", "abandoned", "cancelled", "canceled", "rejected",
		"voicemail", "nieodebrane", "nieodebrany", "nieodebrana", "zajęte", "zmeškaný",
		"zmeškaný hovor", "nepřijatý", "nepřijato", "obsazeno", "пропуснато", "пропуснат",
		"неотговорено", "verpasst", "nicht angenommen", "besetzt",
	};
	struct sb f = { 0 };
	u8_fold(s, strlen(s), false, &f);
	bool yes = false;
	for (size_t i = 0; i < sizeof words / sizeof words[0] && !yes; i++)
		yes = !strcmp(sb_str(&f), words[i]);
	sb_free(&f);
	return yes;
}

/* Read record r into c. Returns false with the reason in why. */
static bool call_parse(const struct calls *x, const struct rec *r, struct call *c, struct sb *why)
{
	char *time = field(x, r, C_TIME), *dir = field(x, r, C_DIRECTION);
	char *dur = field(x, r, C_DURATION), *status = field(x, r, C_STATUS), *num = NULL;
	bool ok = false;
	c->dir = NULL;
	c->duration = -1;
	c->missed = call_missed(status);
	if (!call_time(time, &c->ts)) {
		sb_printf(why, "time: '%s' is not a time (2026-11-22 14:03:00, "
			       "2026-11-22T14:03:00+01:00 or seconds since 1970)", time);
		goto out;
	}
	if (*dir && !(c->dir = dom_direction(dir))) {
		sb_printf(why, "direction: '%s' is neither in nor out", dir);
		goto out;
	}
	if (*dur && !call_duration(dur, &c->duration)) {
		sb_printf(why, "duration: '%s' is not seconds, m:ss or h:mm:ss", dur);
		goto out;
	}
	c->missed |= c->duration == 0;
	if (x->col[C_NUMBER] >= 0) {
		num = field(x, r, C_NUMBER);
	} else if (!c->dir) {
		sb_printf(why, "no direction, so no way to tell the customer's number");
		goto out;
	} else {
		num = field(x, r, !strcmp(c->dir, "in") ? C_FROM : C_TO);
	}
	if (!*num) {
		sb_printf(why, "no number");
		goto out;
	}
	if (!phone_norm(num, &c->num)) {
		sb_printf(why, "number: '%s' is not a phone number", num);
		goto out;
	}
	ok = true;
out:
	free(time);
	free(dir);
	free(dur);
	free(status);
	free(num);
	return ok;
}

/* The key of a call in seen. */
static void seen_key(struct sb *k, const char *customer, const char *ts, const char *num)
{
	sb_reset(k);
	sb_printf(k, "%s\t%s\t%s", customer, ts, num);
}

/* Remember the calls of the history that carry a number. */
static void calls_known(struct calls *x, const struct hist *h)
{
	struct sb k = { 0 }, num = { 0 };
	for (size_t i = 0; i < h->n; i++) {
		json_t *o = h->v[i].obj;
		if (!o || (strcmp(json_str(o, "type"), "call") && strcmp(json_str(o, "type"), DOM_MISSED)) ||
		    !*json_str(o, "number"))
			continue;
		crm_time ts;
		char b[DATE_BUFSZ];
		const char *when = json_str(o, "ts");
		if (date_parse(when, &ts)) {
			date_fmt(ts, b);
			when = b;
		}
		const char *n = phone_norm(json_str(o, "number"), &num) ? sb_str(&num)
									 : json_str(o, "number");
		seen_key(&k, json_str(o, "customer"), when, n);
		hmap_put(&x->seen, k.s, k.len);
	}
	sb_free(&k);
	sb_free(&num);
}

/* Import record r (at line): matched, checked against the known calls,
 * and added to the lines to append. */
static void call_one(struct calls *x, const struct rec *r, long line)
{
	struct call c = { 0 };
	struct sb why = { 0 }, k = { 0 };
	if (!call_parse(x, r, &c, &why)) {
		crm_dataerr(x->name, line, "%s", sb_str(&why));
		x->malformed++;
		goto out;
	}
	const char *num = sb_str(&c.num);
	long row = phone_book_find(&x->book, num);
	if (row == -2)
		crm_dataerr(x->name, line, "%s is the number of more than one customer; not imported",
			    num);
	else if (row < 0 && x->o->verbose)
		crm_dataerr(x->name, line, "%s is no customer's number; not imported", num);
	if (row < 0) {
		x->unmatched++;
		goto out;
	}
	const char *cid = rec_get(&x->t->rows[row], x->ci);
	char ts[DATE_BUFSZ];
	date_fmt(c.ts, ts);
	seen_key(&k, cid, ts, num);
	if (hmap_get(&x->seen, k.s, k.len) >= 0) {
		x->dups++;
		goto out;
	}
	hmap_put(&x->seen, k.s, k.len);
	json_t *e = dom_event(c.ts, cid, c.missed ? DOM_MISSED : "call", "phone", c.dir);
	if (c.duration >= 0)
		json_object_set_new(e, "duration", json_integer(c.duration));
	json_object_set_new(e, "number", json_string(num));
	jsonl_put(&x->out, e);
	sb_printf(&x->ids, "%s\n", json_string_value(json_object_get(e, "id")));
	json_decref(e);
	x->added++;
out:
	sb_free(&c.num);
	sb_free(&why);
	sb_free(&k);
}

/* Read the records of the input in. Returns 0, or -1 when the header is
 * missing columns (reported). */
static int calls_read(struct calls *x, const struct impin *src, const struct colmap *map)
{
	struct csvin *in = csvin_open_mem(src->data.s ? src->data.s : "", src->data.len, x->name);
	csvin_set_delim(in, src->delim);
	struct rec r = { 0 };
	const char *s;
	size_t n;
	long line;
	int k = csvin_next_raw(in, &s, &n, &line), rc = 0;
	if (k > 0 && csvin_parse(in, s, n, &r) < 0) {
		crm_dataerr(x->name, line, "%s", in->err);
		rc = -1;
	} else if (k > 0) {
		rc = calls_header(x, &r, map, line);
	}
	while (rc == 0 && k > 0 && (k = csvin_next_raw(in, &s, &n, &line)) > 0) {
		x->read++;
		if (csvin_parse(in, s, n, &r) < 0) {
			crm_dataerr(x->name, line, "%s", in->err);
			x->malformed++;
		} else if (r.n > x->ncols) {
			crm_dataerr(x->name, line, "%zu fields, but the header has %zu", r.n, x->ncols);
			x->malformed++;
		} else {
			call_one(x, &r, line);
		}
	}
	rec_free(&r);
	csvin_close(in);
	return rc;
}

static void calls_free(struct calls *x)
{
	phone_book_free(&x->book);
	hmap_free(&x->seen);
	sb_free(&x->out);
	sb_free(&x->ids);
}

int calls_import(struct crm_dir *d, const char *file, const struct colmap *map,
		 const struct calls_opts *o)
{
	struct calls x = { .o = o };
	struct impin src;
	struct impin_opts io = o->io;
	io.vcard_ok = false;
	if (impin_read(&src, file, &io) < 0)
		return CRM_ERR;
	x.name = src.name;
	/* the input is in memory: a slow pipe does not hold the lock */
	crm_lock(d);
	struct ctable t;
	ctable_load(&t, d);
	x.t = &t;
	x.ci = (size_t)ctable_col(&t, "id");
	long cp = ctable_col(&t, "phone");
	for (size_t i = 0; cp >= 0 && i < t.n; i++)
		phone_book_add(&x.book, rec_get(&t.rows[i], (size_t)cp), (long)i);
	struct hist h;
	int rc = CRM_ERR;
	if (hist_load(&h, d, o->strict) < 0) {
		hist_free(&h);
		goto out;
	}
	calls_known(&x, &h);
	hist_free(&h);
	if (calls_read(&x, &src, map) < 0)
		goto out;
	struct evcounts c = { x.read, x.added, x.dups, x.unmatched, x.malformed };
	rc = evimport_finish(d, o->dry_run, &x.out, &x.ids, x.name, &c);
out:
	calls_free(&x);
	ctable_free(&t);
	impin_free(&src);
	return rc;
}
