/* scan.c - reading the history line by line through the projection reader */
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain.h"
#include "hist.h"
#include "util.h"
#include "voids.h"

const char *pv_str(const struct pval *v, char *buf, size_t n)
{
	if (v->kind != 's' || !n) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	size_t k = v->n < n - 1 ? v->n : n - 1;
	memcpy(buf, v->s, k);
	buf[k] = '\0';
	return buf;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool pv_time(const struct pval *v, crm_time *t)
{
	if (v->kind != 's' || v->n >= 64)
		return false;
	const char *s = v->s;
	/* the day of the line before, per thread: the history is in time order */
	static _Thread_local char day[10];
	static _Thread_local crm_time day_t;
	if (v->n == 20) {
		/* the day compared in two loads, the time's digits without a loop */
		uint64_t d8, t8;
		uint16_t d2, day2;
		memcpy(&d8, s, 8), memcpy(&t8, day, 8);
		memcpy(&d2, s + 8, 2), memcpy(&day2, day + 8, 2);
		unsigned h1 = (unsigned char)s[11] - '0', h2 = (unsigned char)s[12] - '0',
			 m1 = (unsigned char)s[14] - '0', m2 = (unsigned char)s[15] - '0',
			 s1 = (unsigned char)s[17] - '0', s2 = (unsigned char)s[18] - '0';
		unsigned h = h1 * 10 + h2, mi = m1 * 10 + m2, se = s1 * 10 + s2;
		if (d8 == t8 && d2 == day2 && s[10] == 'T' && s[13] == ':' && s[16] == ':' &&
		    s[19] == 'Z' && h1 <= 9 && h2 <= 9 && m1 <= 9 && m2 <= 9 && s1 <= 9 && s2 <= 9 &&
		    h < 24 && mi < 60 && se < 60) {
			*t = day_t + h * 3600 + mi * 60 + se;
			return true;
		}
	}
	if (v->n == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
	    s[16] == ':' && s[19] == 'Z') {
		int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2),
		    h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
		static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] && h >= 0 &&
		    h < 24 && mi >= 0 && mi < 60 && se >= 0 && se < 60 &&
		    (mo != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))) {
			day_t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400;
			memcpy(day, s, 10);
			*t = day_t + h * 3600 + mi * 60 + se;
			return true;
		}
	}
	char b[64];
	return date_parse(pv_str(v, b, sizeof b), t);
}

struct err {
	long line;
	char *msg;
	bool warn; /* reported, but the line was read */
};

/* One stretch of the file and what reading it found. */
struct part {
	int fd;
	off_t from, to;
	unsigned skip;
	scan_fn fn;
	void *ctx;
	bool strict;
	bool all; /* bad lines go to fn, not to the report */
	const struct voids *voids; /* the events not read */
	long lines;
	struct err *errs;
	size_t nerr, ecap;
	int read_errno;
	bool failed; /* not read through */
};

static void note_err(struct part *p, long ln, const char *what, const char *msg)
{
	void *q = p->errs;
	xgrow(&q, &p->ecap, p->nerr + 1, sizeof *p->errs);
	p->errs = q;
	struct sb b = { 0 };
	sb_adds(&b, what);
	sb_adds(&b, msg);
	p->errs[p->nerr++] = (struct err){ ln, xstrdup(sb_str(&b)), false };
	sb_free(&b);
}

static void one_line(struct part *p, struct proj *pj, const struct proj_idx *x, const char *s,
		     size_t n, bool torn, off_t off)
{
	char err[200];
	p->lines++;
	int k = x ? proj_line_idx(pj, x, s, n, err, sizeof err) : proj_line(pj, s, n, err, sizeof err);
	if (k < 0 && p->all) {
		struct event e = { .text = s, .len = n, .off = off, .err = err, .torn = torn };
		p->fn(&e, p->ctx);
		return;
	}
	if (k < 0) {
		/* strict stops at the first bad line: the rest is not needed */
		if (!p->strict || !p->nerr)
			note_err(p, p->lines, torn ? JSONL_TORN ": " : "", err);
		return;
	}
	if (k == 0 || (p->strict && p->nerr))
		return;
	if (torn && !p->all) {
		note_err(p, p->lines, JSONL_TORN ": ", JSONL_TORN_OK);
		p->errs[p->nerr - 1].warn = true;
	}
	struct event e = { pj, 0, false, dom_classify(pj), s, n, off, NULL, torn };
	if (p->voids && pj->v[PJ_ID].kind == 's' && voids_has(p->voids, pj->v[PJ_ID].s, pj->v[PJ_ID].n))
		return;
	e.has_ts = pv_time(&pj->v[PJ_TS], &e.ts);
	p->fn(&e, p->ctx);
}

static void *run_part(void *arg)
{
	struct part *p = arg;
	struct proj pj = { .skip = p->skip };
	struct proj_idx idx = { 0 };
	size_t cap = 1 << 18, have = 0;
	char *buf = xmalloc(cap);
	off_t pos = p->from;
	for (;;) {
		size_t want = cap - have;
		if ((off_t)want > p->to - pos)
			want = (size_t)(p->to - pos);
		ssize_t n = 0;
		if (want) {
			n = pread(p->fd, buf + have, want, pos);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				p->read_errno = errno;
				break;
			}
			pos += n;
		}
		have += (size_t)n;
		bool end = pos >= p->to || n == 0;
		char *s = buf, *e = buf + have;
		/* one pass finds the newlines and which lines are plain */
		const struct proj_idx *x = proj_index(&idx, buf, have) ? &idx : NULL;
		size_t next = 0; /* of x->np */
		for (;;) {
			char *nl = !x ? memchr(s, '\n', (size_t)(e - s))
			      : next < x->nn ? buf + x->np[next++] : NULL;
			if (!nl && !(end && s < e))
				break;
			char *le = nl ? nl : e;
			one_line(p, &pj, x, s, (size_t)(le - s), !nl, pos - (off_t)have + (s - buf));
			s = nl ? nl + 1 : e;
		}
		have = (size_t)(e - s);
		memmove(buf, s, have);
		if (end)
			break;
		if (have == cap) {
			/* a line of over 1 MiB with a NUL in it is no JSON:
			 * stop before a file of zeros is read into memory whole */
			if (cap >= 1 << 20 && memchr(buf, '\0', have)) {
				note_err(p, p->lines + 1, "", "NUL byte in a line of over 1024 KiB: not a text file");
				p->failed = true;
				break;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	proj_free(&pj);
	proj_idx_free(&idx);
	free(buf);
	return NULL;
}

off_t scan_line_start(int fd, off_t at, off_t size)
{
	char b[4096];
	while (at < size) {
		ssize_t n = pread(fd, b, sizeof b, at - 1);
		if (n <= 0)
			return size;
		char *nl = memchr(b, '\n', (size_t)n);
		if (nl)
			return at - 1 + (nl - b) + 1;
		at += n;
	}
	return size;
}

/* A history that is not a regular file (a pipe): one part, read in order. */
static void run_stream(struct part *p, int fd, const char *name)
{
	struct linein *in = linein_open(fd, name);
	struct proj pj = { .skip = p->skip };
	const char *s;
	size_t n;
	bool torn;
	int k;
	off_t off = 0;
	while ((k = linein_next(in, &s, &n, &torn)) > 0) {
		one_line(p, &pj, NULL, s, n, torn, off);
		off += (off_t)n + !torn;
	}
	if (k < 0)
		p->read_errno = errno ? errno : EIO;
	proj_free(&pj);
	linein_close(in);
}

/* A thread of a scan: it reads the next of its parts that no thread has
 * taken, into its own context, until none is left. In order, a thread has
 * one part; in any order, the threads share all of them. */
struct crew {
	struct part *parts;
	int n;
	atomic_int *next;
	void *ctx;
};

static void *run_crew(void *arg)
{
	struct crew *c = arg;
	int i;
	while ((i = atomic_fetch_add(c->next, 1)) < c->n) {
		c->parts[i].ctx = c->ctx;
		run_part(&c->parts[i]);
	}
	return NULL;
}

/* The stretches of a scan in any order: small enough that a thread that
 * runs slower (a busy core) ends at most one of them after the others. */
#define STRETCH (8 << 20)

static int scan_file(const struct crm_dir *d, bool strict, unsigned skip, scan_fn fn, void **ctx,
		     int nctx, bool any_order, bool all)
{
	const char *name = crm_path(d, INTERACTIONS);
	int fd = openat(d->fd, INTERACTIONS, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		crm_die("%s", name);
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		crm_die("%s", name);
	if (S_ISDIR(st.st_mode))
		crm_diex("%s: is a directory", name);
	/* big files on as many cores, in parts split at line starts: one
	 * part a thread, or many parts shared out as threads come for them */
	int nth = 1;
	if (S_ISREG(st.st_mode) && st.st_size > (32 << 20)) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		nth = nctx < SCAN_MAXPARTS ? nctx : SCAN_MAXPARTS;
		if (cores > 0 && cores < nth)
			nth = (int)cores;
	}
	int np = nth;
	if (any_order && nth > 1) {
		off_t k = st.st_size / STRETCH;
		np = k > 4096 ? 4096 : k < nth ? nth : (int)k;
	}
	/* the corrections first: the events they cancel are not read (a
	 * checker reads every line, and notes the voids itself) */
	const struct voids *voids = NULL;
	if (S_ISREG(st.st_mode) && !all) {
		if (!(voids = voids_of(d)))
			exit(CRM_ERR); /* reported */
		if (!voids->refs.n)
			voids = NULL;
		else
			skip &= ~(1u << PJ_ID);
	}
	struct part *parts = xcalloc((size_t)np, sizeof *parts);
	off_t from = 0;
	for (int i = 0; i < np; i++) {
		struct part *p = &parts[i];
		*p = (struct part){ .fd = fd, .skip = skip, .fn = fn, .ctx = ctx[0], .strict = strict, .all = all,
				    .voids = voids };
		p->from = from;
		p->to = i == np - 1 ? st.st_size : scan_line_start(fd, st.st_size / np * (i + 1), st.st_size);
		if (p->to < from)
			p->to = from;
		from = p->to;
	}
	if (!S_ISREG(st.st_mode)) {
		run_stream(&parts[0], fd, name);
	} else {
		atomic_int next[SCAN_MAXPARTS];
		struct crew crew[SCAN_MAXPARTS];
		pthread_t th[SCAN_MAXPARTS];
		bool started[SCAN_MAXPARTS] = { false };
		for (int i = 0; i < nth; i++) {
			atomic_init(&next[i], 0);
			crew[i] = np > nth ? (struct crew){ parts, np, &next[0], ctx[i] }
					   : (struct crew){ &parts[i], 1, &next[i], ctx[i] };
		}
		for (int i = 1; i < nth; i++)
			started[i] = pthread_create(&th[i], NULL, run_crew, &crew[i]) == 0;
		run_crew(&crew[0]);
		for (int i = 1; i < nth; i++) {
			if (started[i])
				pthread_join(th[i], NULL);
			else
				run_crew(&crew[i]); /* no thread: its parts here */
		}
	}
	int rc = nth;
	long base = 0;
	for (int i = 0; i < np; i++) {
		struct part *p = &parts[i];
		for (size_t k = 0; k < p->nerr; k++) {
			if (rc > 0)
				crm_dataerr(name, base + p->errs[k].line, "%s", p->errs[k].msg);
			if (strict && !p->errs[k].warn)
				rc = -1;
			free(p->errs[k].msg);
		}
		free(p->errs);
		if (p->read_errno) {
			errno = p->read_errno;
			crm_die("%s", name);
		}
		/* a file not read through is never taken for the whole history */
		if (p->failed)
			rc = -1;
		base += p->lines;
	}
	free(parts);
	close(fd);
	return rc;
}

int scan_parts(const struct crm_dir *d, bool strict, unsigned skip, scan_fn fn, void **ctx,
	       int nctx)
{
	return scan_file(d, strict, skip, fn, ctx, nctx, false, false);
}

int scan_parts_any(const struct crm_dir *d, bool strict, unsigned skip, scan_fn fn, void **ctx,
		   int nctx)
{
	return scan_file(d, strict, skip, fn, ctx, nctx, true, false);
}

int scan_parts_all(const struct crm_dir *d, unsigned skip, scan_fn fn, void **ctx, int nctx)
{
	return scan_file(d, false, skip, fn, ctx, nctx, true, true);
}

int scan_history(const struct crm_dir *d, bool strict, scan_fn fn, void *ctx)
{
	return scan_parts(d, strict, 0, fn, &ctx, 1) < 0 ? -1 : 0;
}

/* -- words per customer --
 *
 * What it buys: the map of a million customers is far bigger than the
 * caches, and a fold that looks up each event's customer at once waits for
 * memory on nearly every event. Here an event's customer is hashed and its
 * slot fetched (a prefetch) when the event is read, and the event waits in
 * a ring of RING others until its slot has come: cohorts on the bench data
 * (1,000,000 customers, 5,000,000 events) takes 0.81 s of CPU instead of
 * 0.99 s for the same fold without the ring.
 * How it is checked: scan_words_plain folds every event at once instead;
 * build/tests/wordscheck reads generated histories both ways and compares
 * every customer's word, and the cohorts tests run both ways. */

#define RING 16

int scan_words_plain;

struct pending {
	uint64_t h;
	uint32_t val, n;
	char id[32];
};

struct wpart {
	const struct word_fold *f;
	void *arg;
	struct hmap *map;
	struct pending ring[RING];
	unsigned head, len;
};

/* Fold the oldest event of the ring, whose slot has come meanwhile. */
static void ring_pop(struct wpart *w)
{
	const struct pending *o = &w->ring[w->head];
	w->f->add(hmap_word(w->map, o->id, o->n, o->h), o->val);
	w->len--;
	w->head = (w->head + 1) % RING;
}

static void word_line(const struct event *e, void *arg)
{
	struct wpart *w = arg;
	const struct pval *id = &e->p->v[PJ_CUSTOMER];
	uint32_t val;
	if (id->kind != 's' || !w->f->pick(e, w->arg, &val))
		return;
	uint64_t h = hmap_hash(id->s, id->n);
	if (scan_words_plain || id->n > sizeof w->ring[0].id) {
		w->f->add(hmap_word(w->map, id->s, id->n, h), val);
		return;
	}
	hmap_prefetch(w->map, h);
	if (w->len == RING)
		ring_pop(w);
	struct pending *p = &w->ring[(w->head + w->len++) % RING];
	p->h = h;
	p->val = val;
	p->n = (uint32_t)id->n;
	memcpy(p->id, id->s, id->n);
}

int scan_words(const struct crm_dir *d, bool strict, unsigned skip, const struct word_fold *f,
	       void **args, struct hmap *maps)
{
	struct wpart parts[SCAN_MAXPARTS];
	void *ctx[SCAN_MAXPARTS];
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		maps[i] = (struct hmap){ .words_only = true };
		parts[i] = (struct wpart){ .f = f, .arg = args[i], .map = &maps[i] };
		ctx[i] = &parts[i];
	}
	if (scan_parts_any(d, strict, skip, word_line, ctx, SCAN_MAXPARTS) < 0)
		return -1;
	for (int i = 0; i < SCAN_MAXPARTS; i++)
		while (parts[i].len)
			ring_pop(&parts[i]);
	/* a customer in several maps: joined into the first it is in, taken
	 * out of the others; each map is walked in slot order, and the maps
	 * after it are looked up nearly in that order too */
	for (int p = 0; p < SCAN_MAXPARTS; p++) {
		size_t pos = 0;
		struct hwalk w;
		while (hmap_walk(&maps[p], &pos, &w)) {
			if (!w.word)
				continue;
			uint32_t *mine = NULL;
			for (int q = p + 1; q < SCAN_MAXPARTS; q++) {
				uint32_t *o = hmap_word_of(&maps[q], w.key, w.n, w.h);
				if (!o || !*o)
					continue;
				if (!mine)
					mine = hmap_word_of(&maps[p], w.key, w.n, w.h);
				f->join(mine, *o);
				*o = 0;
			}
		}
	}
	return 0;
}
