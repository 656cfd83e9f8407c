/* crm-check - validate a CRM directory: every problem as file:line: message
 *
 * A million customers and five million interactions are checked in about
 * 2.6 times what grep -c takes over the two files, in under 64 MB:
 * - customers.csv is read as a stream; of each row only the hashes of its
 *   id and e-mail are kept, and only when two hashes agree is the file read
 *   again for the exact values and lines of the duplicates;
 * - the history is read once by the projection reader on the cores there
 *   are (scan_parts_all); a line becomes a Jansson object only when the
 *   quick look of valid_event_clean does not vouch for it, and valid_event
 *   says what is wrong. The void events are noted on the way (not read in
 *   a pass of their own first, as the reports do): the refs of the events
 *   they cancel are left out at the end;
 * - of each interaction id, 48 bits of its hash are kept (16 choose a
 *   bucket, 32 are stored); of tasks, deals and the refs of done and deal
 *   events, the hash and the place. Only when two ids agree, or a ref is
 *   not found, or a task is closed twice, is the history read once more
 *   for the exact ids, places and types;
 * - problems of the history are noted at byte offsets, turned into lines
 *   at the end by one count of the line feeds before them (only when there
 *   is a problem).
 * A ref or a customer is taken as found when its 64-bit hash is among
 * those of the tasks, deals or customers, and an event as voided when the
 * hash of its id is among those of the ids voids cancel: two different
 * ids hash alike with a chance of about 1 in 10^13 per lookup on a base of
 * this size. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conflicts.h"
#include "csvrec.h"
#include "cust.h"
#include "cust.h"
#include "dir.h"
#include "domain.h"
#include "fieldset.h"
#include "git.h"
#include "hist.h"
#include "hmap.h"
#include "jsonl.h"
#include "lit.h"
#include "merges.h"
#include "opt.h"
#include "rules.h"
#include "scan.h"
#include "utf8.h"
#include "util.h"
#include "valid.h"
#include "voids.h"

enum { O_STAGED = OPT_FIRST_LOCAL };

/* The rules of crm-segment. */
#define SEGMENTS "segments.conf"

/* No --strict: every bad line is a problem already; no --color: no table. */
static const struct crm_opt opts[] = {
	{ 'q', "quiet", NULL, "print nothing: only the exit status tells" },
	{ O_STAGED, "staged", NULL, "check what git is about to commit (a git hook)" },
	CRM_OPT_DIR,
	CRM_OPT_HELP,
	CRM_OPT_VERSION,
	CRM_OPT_END,
};

static const struct crm_cmd cmd = {
	"[-q] [-d DIR]\n"
	"[-q] --staged",
	"Check a CRM directory: customers.csv, interactions.jsonl and the unresolved\n"
	"conflicts of crm-merge. Each problem is printed as FILE:LINE: MESSAGE on\n"
	"stdout, a count on stderr; nothing when all is well. Exit status 0 when\n"
	"clean, 2 when there is a problem. --staged checks every CRM directory of\n"
	"the git index (what a commit would hold) and its unresolved conflicts.",
	opts,
	"0 no problem found, 2 problems found or the check could not be made (1 is not used)",
};

static bool quiet;
static atomic_flag quitting = ATOMIC_FLAG_INIT;

/* -q: one problem is enough to know (from whichever thread finds it). */
static void quit(void)
{
	if (!atomic_flag_test_and_set(&quitting))
		exit(CRM_ERR);
	for (;;)
		pause();
}

struct problem {
	long long at; /* its line; in the history, its byte offset until the end */
	int rank;     /* problems of one line: in the order of the checks */
	long col;     /* the column it names; 0: none */
	size_t seq;   /* and in the order they were found */
	char *msg;
	bool warn;    /* a warning: shown, not an error */
};

/* The problems of one file (or of one part of the history), printed
 * together when the file is done. */
struct file {
	char *name; /* as shown */
	struct problem *v;
	size_t n, cap;
	size_t nwarn; /* of the n, the warnings */
};

/* Move the problems a reader of a part of a file found into f. */
static void take_problems(struct file *f, struct file *part)
{
	for (size_t j = 0; j < part->n; j++) {
		void *p = f->v;
		xgrow(&p, &f->cap, f->n + 1, sizeof *f->v);
		f->v = p;
		f->v[f->n++] = part->v[j];
	}
	f->nwarn += part->nwarn;
	free(part->v);
	part->v = NULL;
	part->n = part->cap = part->nwarn = 0;
}

/* A problem of f at line at: rank orders the problems of a line, col is
 * the column it names (0: none), warn makes it a warning. */
static void note(struct file *f, long long at, int rank, long col, bool warn, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void note(struct file *f, long long at, int rank, long col, bool warn, const char *fmt, ...)
{
	if (quiet && !warn)
		quit();
	if (quiet)
		return;
	char *s;
	va_list ap;
	va_start(ap, fmt);
	int k = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (k < 0)
		crm_diex("out of memory");
	void *p = f->v;
	xgrow(&p, &f->cap, f->n + 1, sizeof *f->v);
	f->v = p;
	f->v[f->n] = (struct problem){ at, rank, col, f->n, s, warn };
	f->n++;
	f->nwarn += warn;
}

/* A problem; a problem at a column of the line; something worth saying
 * that is not wrong: printed with "warning: ", left out of the exit status. */
#define problem(f, at, rank, ...) note(f, at, rank, 0, false, __VA_ARGS__)
#define problem_at(f, at, col, ...) note(f, at, 0, col, false, __VA_ARGS__)
#define warning(f, at, rank, ...) note(f, at, rank, 0, true, __VA_ARGS__)

static int by_line(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Print the problems of f in the order of their lines. */
static void print_file(struct file *f)
{
	if (f->n) /* qsort wants an array, even of nothing */
		qsort(f->v, f->n, sizeof *f->v, by_line);
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i].col)
			printf("%s:%lld:%ld: %s\n", f->name, f->v[i].at, f->v[i].col, f->v[i].msg);
		else
			printf("%s:%lld: %s%s\n", f->name, f->v[i].at, f->v[i].warn ? "warning: " : "",
			       f->v[i].msg);
		free(f->v[i].msg);
		if (ferror(stdout))
			crm_flush_stdout();
	}
	free(f->v);
	f->v = NULL;
}

/* The callback of the record checks of valid.h. */
struct at {
	struct file *f;
	long long at;
	int rank;
};

static void on_problem(void *ctx, const char *field, const char *msg)
{
	struct at *a = ctx;
	problem(a->f, a->at, a->rank, "%s", msg);
}

/* Show an id or an address as it is when it is plain, else quoted, so a
 * message stays on one line. */
static const char *plain(struct sb *b, const char *s, size_t n)
{
	bool ok = n > 0 && n <= 60;
	for (size_t i = 0; i < n && ok; i++)
		ok = (unsigned char)s[i] > ' ' && s[i] != '"' && s[i] != '\\' && s[i] != 0x7F;
	sb_reset(b);
	if (ok)
		sb_add(b, s, n);
	else
		valid_quote(b, s, n);
	return sb_str(b);
}

/* ---- keys kept as hashes ---- */

/* The big arrays (tens of MB) live in memory mapped for them: growing one
 * moves its pages instead of copying them, which would hold the old and the
 * new array for a moment, twice the memory. */
static size_t mbytes(size_t n, size_t sz)
{
	size_t b = n * sz, pg = 1 << 12;
	return (b + pg - 1) / pg * pg;
}

/* The bytes of a table from mzero. */
static size_t hbytes(size_t n, size_t sz)
{
	size_t b = n * sz, huge = 2 << 20;
	return (b + huge - 1) / huge * huge;
}

static void mgrow(void **p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : (1 << 16) / sz;
	while (c < need)
		c *= 2;
	void *q = *p ? mremap(*p, mbytes(*cap, sz), mbytes(c, sz), MREMAP_MAYMOVE)
		     : mmap(NULL, mbytes(c, sz), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q == MAP_FAILED)
		crm_diex("out of memory");
	*p = q;
	*cap = c;
}

/* n bytes of zeros, on huge pages where the system gives them: a table
 * looked up at random is a miss of the page tables too on small pages. */
static void *mzero(size_t n)
{
	size_t huge = 2 << 20, len = (n + huge - 1) / huge * huge;
	char *p = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		crm_diex("out of memory");
	size_t lead = (huge - (uintptr_t)p % huge) % huge;
	if (lead)
		munmap(p, lead);
	munmap(p + lead + len, huge - lead);
#ifdef MADV_HUGEPAGE
	madvise(p + lead, len, MADV_HUGEPAGE);
#endif
	return p + lead;
}

static void mfree(void *p, size_t cap, size_t sz)
{
	if (p)
		munmap(p, mbytes(cap, sz));
}

static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = hmap_hash(s, n);
	return h ? h : 1; /* 0 marks an empty slot */
}

/* A key's hash and where it was seen. */
struct khash {
	uint64_t h;
	long long at;
};

struct kvec {
	struct khash *v;
	size_t n, cap;
};

static void kvec_push(struct kvec *k, uint64_t h, long long at)
{
	void *p = k->v;
	mgrow(&p, &k->cap, k->n + 1, sizeof *k->v);
	k->v = p;
	k->v[k->n++] = (struct khash){ h, at };
}

/* A set of hashes: open addressing, about two thirds full at most. */
struct hset {
	uint64_t *slot;
	size_t cap, n;
};

static size_t hset_home(const struct hset *s, uint64_t h)
{
	return (size_t)(((unsigned __int128)h * s->cap) >> 64);
}

static void hset_build(struct hset *s, const struct khash *v, size_t n)
{
	s->cap = n + n / 2 + 1;
	s->slot = mzero(s->cap * sizeof *s->slot);
	for (size_t i = 0; i < n; i++) {
		size_t j = hset_home(s, v[i].h);
		while (s->slot[j] && s->slot[j] != v[i].h)
			j = j + 1 == s->cap ? 0 : j + 1;
		s->n += !s->slot[j];
		s->slot[j] = v[i].h;
	}
}

static void hset_grow(struct hset *s, size_t cap);

/* Room for n keys without growing. */
static void hset_room(struct hset *s, size_t n)
{
	if (n + n / 2 + 1 > s->cap)
		hset_grow(s, n + n / 2 + 1);
}

/* Add h; true when it was there already. The set grows as it fills. */
static bool hset_add(struct hset *s, uint64_t h)
{
	if (s->n + 1 > s->cap / 3 * 2)
		hset_grow(s, s->cap ? s->cap * 2 : 1 << 16);
	size_t j = hset_home(s, h);
	for (; s->slot[j]; j = j + 1 == s->cap ? 0 : j + 1)
		if (s->slot[j] == h)
			return true;
	s->slot[j] = h;
	s->n++;
	return false;
}

static void hset_grow(struct hset *s, size_t cap)
{
	{
		struct hset g = { 0 };
		g.cap = cap;
		g.slot = mzero(cap * sizeof *g.slot);
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i]) {
				size_t j = hset_home(&g, s->slot[i]);
				while (g.slot[j])
					j = j + 1 == g.cap ? 0 : j + 1;
				g.slot[j] = s->slot[i];
			}
		g.n = s->n;
		if (s->slot)
			munmap(s->slot, hbytes(s->cap, sizeof *s->slot));
		*s = g;
	}
}

static void hset_free(struct hset *s)
{
	if (s->slot)
		munmap(s->slot, hbytes(s->cap, sizeof *s->slot));
	memset(s, 0, sizeof *s);
}

static bool hset_has(const struct hset *s, uint64_t h)
{
	if (!s->cap)
		return false;
	for (size_t j = hset_home(s, h); s->slot[j]; j = j + 1 == s->cap ? 0 : j + 1)
		if (s->slot[j] == h)
			return true;
	return false;
}

/* ---- the check ---- */

struct check {
	struct crm_dir d;
	struct file cust, hist, conflicts, segments;
	struct hdr hdr;      /* of customers.csv; no columns when it has none */
	bool have_ids;       /* customers.csv gave its ids: refer to them */
	struct hset ids;     /* the hashes of the customer ids */
	struct sb tmp, tmp2;
};

/* Open a file of the directory; -1 when it does not exist. Any other
 * failure, or a directory in its place, is fatal. */
static int open_data(const struct check *x, const char *name, bool must)
{
	int fd = openat(x->d.fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !must)
			return -1;
		crm_die("%s", crm_path(&x->d, name));
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		crm_diex("%s: is a directory", crm_path(&x->d, name));
	return fd;
}

/* The order of the problems of a customer row. */
enum { C_FIELDS, C_ID, C_EMAIL, C_VALUES };

static void exact_duplicates(struct check *x, const struct valid_cols *c, const struct hset *twice);

/* Add h to a set that has room for it (no growth), from any thread: true
 * when it was there already. */
static bool hset_put_shared(struct hset *s, uint64_t h)
{
	size_t j = hset_home(s, h);
	for (;;) {
		uint64_t cur = __atomic_load_n(&s->slot[j], __ATOMIC_RELAXED);
		if (cur == h)
			return true;
		if (!cur) {
			if (__atomic_compare_exchange_n(&s->slot[j], &cur, h, false, __ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
				return false;
			continue; /* taken meanwhile: look at it again */
		}
		j = j + 1 == s->cap ? 0 : j + 1;
	}
}

/* One reader of customers.csv: a stretch of its rows (on a thread of its
 * own when the file is big), what they hold checked, the hashes of their
 * ids and folded e-mails put in the shared sets. */
struct cpart {
	struct check *x;
	const struct valid_cols *c;
	const struct hdr *h;  /* the header */
	size_t hdr_n;
	struct csvin *in;
	long stop;            /* the first line of the next stretch; 0: none */
	struct file f;        /* its problems */
	struct hset *emails;  /* shared */
	struct kvec twice;    /* hashes found there already */
	struct valid_memo memo;
	struct sb tmp;
	/* hashes put a few rows later, their slots fetched meanwhile (a slot
	 * is a miss in memory, each row two of them) */
	uint64_t ring[16][2];
	size_t pushed;
	int got;              /* how the reading ended: 0, or -1 (reported) */
};

static void key_put(struct cpart *P, struct hset *s, uint64_t h)
{
	if (h && hset_put_shared(s, h))
		kvec_push(&P->twice, h, 0);
}

static void row_keys(struct cpart *P, uint64_t id, uint64_t email)
{
	size_t at = P->pushed++ % 16;
	if (P->pushed > 16) {
		key_put(P, &P->x->ids, P->ring[at][0]);
		key_put(P, P->emails, P->ring[at][1]);
	}
	P->ring[at][0] = id;
	P->ring[at][1] = email;
	if (id)
		__builtin_prefetch(&P->x->ids.slot[hset_home(&P->x->ids, id)]);
	if (email)
		__builtin_prefetch(&P->emails->slot[hset_home(P->emails, email)]);
}

static void row_keys_end(struct cpart *P)
{
	for (size_t i = P->pushed > 16 ? P->pushed - 16 : 0; i < P->pushed; i++) {
		key_put(P, &P->x->ids, P->ring[i % 16][0]);
		key_put(P, P->emails, P->ring[i % 16][1]);
	}
}

static void check_row(struct cpart *P, const struct rec *r, long line)
{
	const struct valid_cols *c = P->c;
	bool clean = valid_customer_clean(P->h, c, r, &P->memo);
	uint64_t hid = 0, hmail = 0;
	if (c->id >= 0) {
		size_t n = rec_len(r, (size_t)c->id);
		if (n)
			hid = key_hash(rec_get(r, (size_t)c->id), n);
		else
			problem(&P->f, line, C_ID, "empty id");
	}
	if (c->email >= 0 && rec_len(r, (size_t)c->email)) {
		/* a clean address is folded already */
		const char *e = rec_get(r, (size_t)c->email);
		size_t n = rec_len(r, (size_t)c->email);
		if (!clean) {
			sb_reset(&P->tmp);
			u8_fold(e, n, false, &P->tmp);
			e = P->tmp.s;
			n = P->tmp.len;
		}
		hmail = key_hash(e, n);
	}
	row_keys(P, hid, hmail);
	if (!clean) {
		struct at at = { &P->f, line, C_VALUES };
		valid_customer(P->h, r, on_problem, &at);
	}
}

static void *read_part(void *arg)
{
	struct cpart *P = arg;
	const char *s;
	size_t n;
	long line;
	struct rec r = { 0 };
	int got;
	while ((got = csvin_next_raw(P->in, &s, &n, &line)) > 0 && (!P->stop || line < P->stop)) {
		if (csvin_parse(P->in, s, n, &r) < 0) {
			problem(&P->f, line, C_FIELDS, "%s", P->in->err);
			continue;
		}
		if (r.n > P->hdr_n)
			problem(&P->f, line, C_FIELDS, "%zu fields, but the header has %zu", r.n, P->hdr_n);
		check_row(P, &r, line);
	}
	P->got = got < 0 ? -1 : 0;
	row_keys_end(P);
	rec_free(&r);
	return NULL;
}

static void check_customers(struct check *x)
{
	struct file *f = &x->cust;
	int fd = open_data(x, CUSTOMERS, true);
	struct csvin *in = csvin_open(fd, f->name);
	const char *s;
	size_t n;
	long line;
	struct rec r = { 0 };
	struct hdr h = { 0 };
	struct valid_cols c;
	int got = csvin_next_raw(in, &s, &n, &line);
	if (got == 0)
		problem(f, 1, C_FIELDS, "empty file: the header is missing (it starts with 'id,name,email')");
	else if (got > 0 && csvin_parse(in, s, n, &r) < 0)
		problem(f, line, C_FIELDS, "%s (in the header: no row is checked)", in->err);
	if (got < 0)
		exit(CRM_ERR); /* a read error, reported */
	if (got == 0 || f->n) {
		rec_free(&r);
		csvin_close(in);
		close(fd);
		return;
	}
	struct at hat = { f, line, C_FIELDS };
	hdr_from_rec(&h, &r);
	rec_free(&r);
	hdr_copy(&x->hdr, &h);
	valid_header(&h, on_problem, &hat);
	valid_cols_find(&c, &h);
	x->have_ids = c.id >= 0;
	/* room for every row in the sets at once; a big file is read by two
	 * threads, a half each */
	struct stat st;
	long long size = fstat(fd, &st) == 0 ? st.st_size : 0;
	struct csv_split sp;
	csv_records(fd, 0, 1, size / 2, true, &sp);
	long long split = sp.at > 0 ? sp.at : 0;
	long split_line = sp.line;
	size_t rows = sp.rows;
	struct hset emails = { 0 };
	hset_room(&x->ids, rows);
	hset_room(&emails, rows);
	struct cpart parts[2];
	int np = size > (16 << 20) && split > 0 ? 2 : 1;
	int fd2 = -1;
	for (int i = 0; i < np; i++)
		parts[i] = (struct cpart){ .x = x, .c = &c, .h = &h, .hdr_n = h.n, .in = in, .emails = &emails };
	if (np == 2) {
		fd2 = open_data(x, CUSTOMERS, true);
		if (lseek(fd2, (off_t)split, SEEK_SET) < 0)
			crm_die("%s", f->name);
		parts[1].in = csvin_open(fd2, f->name);
		parts[1].in->line = split_line;
		parts[1].in->started = true; /* no byte order mark in the middle */
		parts[0].stop = split_line;
	}
	pthread_t th;
	bool started = np == 2 && pthread_create(&th, NULL, read_part, &parts[1]) == 0;
	read_part(&parts[0]);
	if (started)
		pthread_join(th, NULL);
	else if (np == 2)
		read_part(&parts[1]);
	struct hset twice = { 0 };
	for (int i = 0; i < np; i++) {
		if (parts[i].got < 0)
			exit(CRM_ERR); /* a read error, reported */
		take_problems(f, &parts[i].f);
		for (size_t j = 0; j < parts[i].twice.n; j++)
			hset_add(&twice, parts[i].twice.v[j].h);
		mfree(parts[i].twice.v, parts[i].twice.cap, sizeof *parts[i].twice.v);
		valid_memo_free(&parts[i].memo);
		sb_free(&parts[i].tmp);
	}
	if (np == 2) {
		csvin_close(parts[1].in);
		close(fd2);
	}
	csvin_close(in);
	close(fd);
	/* the ids and e-mails whose hashes agree: read them again, exactly */
	hset_free(&emails);
	if (twice.n)
		exact_duplicates(x, &c, &twice);
	hset_free(&twice);
	hdr_free(&h);
}

/* A key of a row, exactly, for the duplicates. */
struct kexact {
	char *key;   /* the id, or the folded e-mail */
	char *shown; /* as written */
	long line;
	bool email;
};

static int by_key(const void *a, const void *b)
{
	const struct kexact *x = a, *y = b;
	if (x->email != y->email)
		return x->email ? 1 : -1;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Read customers.csv again for the rows whose id or e-mail hashes to one
 * of twice, and report every id and e-mail that is another row's too. */
static void exact_duplicates(struct check *x, const struct valid_cols *c, const struct hset *twice)
{
	int fd = open_data(x, CUSTOMERS, true);
	struct csvin *in = csvin_open(fd, x->cust.name);
	struct rec r = { 0 };
	struct kexact *v = NULL;
	size_t nv = 0, cap = 0;
	const char *s;
	size_t len;
	long line;
	struct sb fold = { 0 };
	while (csvin_next_raw(in, &s, &len, &line) > 0) {
		if (csvin_parse(in, s, len, &r) < 0)
			continue;
		for (int e = 0; e < 2; e++) {
			long col = e ? c->email : c->id;
			if (col < 0 || !rec_len(&r, (size_t)col))
				continue;
			sb_reset(&fold);
			if (e)
				u8_fold(rec_get(&r, (size_t)col), rec_len(&r, (size_t)col), false, &fold);
			else
				sb_add(&fold, rec_get(&r, (size_t)col), rec_len(&r, (size_t)col));
			if (!hset_has(twice, key_hash(fold.s, fold.len)))
				continue;
			void *p = v;
			xgrow(&p, &cap, nv + 1, sizeof *v);
			v = p;
			v[nv++] = (struct kexact){ xstrdup(sb_str(&fold)), xstrdup(rec_get(&r, (size_t)col)),
						   line, e };
		}
	}
	sb_free(&fold);
	if (nv)
		qsort(v, nv, sizeof *v, by_key);
	for (size_t i = 0; i < nv; i++) {
		size_t j = i;
		while (j > 0 && v[j - 1].email == v[i].email && !strcmp(v[j - 1].key, v[i].key))
			j--;
		if (j < i)
			problem(&x->cust, v[i].line, v[i].email ? C_EMAIL : C_ID,
				"duplicate %s %s; first on line %ld", v[i].email ? "email" : "id",
				plain(&x->tmp, v[i].shown, strlen(v[i].shown)), v[j].line);
	}
	for (size_t i = 0; i < nv; i++) {
		free(v[i].key);
		free(v[i].shown);
	}
	free(v);
	rec_free(&r);
	csvin_close(in);
	close(fd);
}

/* ---- the history ---- */

/* The order of the problems of a line of the history. */
enum { H_LINE, H_DUP, H_CUSTOMER, H_CLOSED, H_REF };

/* 48 bits of the hash of each interaction id: the top 8 choose one of 256
 * buckets, the next 40 are kept in the bucket, 5 bytes each. A bucket is
 * appended to in order, so the 256 ends being written stay in the cache
 * (65536 buckets of linked blocks, tried first, missed the cache on
 * every line); the duplicates are looked for bucket by bucket at the end,
 * in a table that fits the cache. */
#define TAG_BUCKETS 256
#define TAG_CHUNK 818 /* keys a chunk of 4 KiB holds */
struct tagchunk {
	struct tagchunk *next;
	unsigned n;
	unsigned char k[TAG_CHUNK * 5];
};

struct tags {
	struct tagchunk *b[TAG_BUCKETS]; /* the chunk being filled first */
};

static uint64_t tag_key(uint64_t h)
{
	return h >> 16;
}

static void tags_add(struct tags *t, uint64_t h)
{
	uint64_t k = tag_key(h);
	struct tagchunk **b = &t->b[k >> 40];
	if (!*b || (*b)->n == TAG_CHUNK) {
		struct tagchunk *c = xmalloc(sizeof *c);
		c->next = *b;
		c->n = 0;
		*b = c;
	}
	unsigned char *v = (*b)->k + 5 * (*b)->n++;
	v[0] = (unsigned char)k, v[1] = (unsigned char)(k >> 8), v[2] = (unsigned char)(k >> 16);
	v[3] = (unsigned char)(k >> 24), v[4] = (unsigned char)(k >> 32);
}

static void tags_free(struct tags *t)
{
	for (size_t b = 0; b < TAG_BUCKETS; b++)
		while (t->b[b]) {
			struct tagchunk *c = t->b[b];
			t->b[b] = c->next;
			free(c);
		}
}

/* A task or a deal: what a ref to it needs. */
struct target {
	uint64_t h;
	long long off;
	signed char type;
	bool has_ref;
};

/* A ref of a done or a deal, and the hash of the event's own id (0: it
 * has none), to leave it out when a void cancels the event. */
struct ref {
	uint64_t h, own;
	long long off;
	bool deal;
};

/* An event whose id and customer are looked up a little later: their
 * places in the tables are fetched from memory meanwhile (the tables are
 * tens of MB; a lookup made at once waits for memory each time: three
 * times slower on five million lines). */
#define RING 32
struct pend {
	uint64_t hid, hc;
	long long off;
	bool id, cust;
	unsigned char clen;
	char c[62]; /* the customer, for the message */
};

/* A line of the history that names customers by id: a merge record (a,
 * the ref, was merged into b, the customer), or the line of a customer not
 * in customers.csv (a). Few in a sound file, so kept as strings. */
struct named {
	char *a, *b;
	long long off;
};

static void named_push(struct named **v, size_t *n, size_t *cap, const char *a, size_t an,
		       const char *b, size_t bn, long long off)
{
	void *p = *v;
	xgrow(&p, cap, *n + 1, sizeof **v);
	*v = p;
	(*v)[(*n)++] = (struct named){ xstrndup(a, an), b ? xstrndup(b, bn) : NULL, off };
}

/* What one thread of the scan keeps. */
struct hpart {
	const struct check *x;
	struct file f; /* problems, at byte offsets */
	struct pend ring[RING];
	size_t pushed;
	struct tags tags;
	struct target *tg;
	size_t ntg, tgcap;
	struct ref *refs;
	size_t nref, refcap;
	struct named *merges; /* merge records: ref is now customer */
	size_t nmerge, mcap;
	struct named *strays; /* lines of customers not in customers.csv */
	size_t nstray, scap;
	struct voids voids;   /* the void events of its stretch */
	struct sb tmp;
};

static signed char type_index(const struct pval *v)
{
	for (size_t k = 0; v->kind == 's' && v->n && dom_types[k]; k++)
		if (dom_types[k][0] == v->s[0] && pv_is(v, dom_types[k]))
			return (signed char)k;
	return -1;
}

static signed char t_task = -1, t_deal = -1;

/* A line of a customer not in customers.csv: judged at the end, when the
 * merge records (which may come later in the file) say whose it is now. */
static void missing(struct hpart *P, const char *s, size_t n, long long off)
{
	named_push(&P->strays, &P->nstray, &P->scap, s, n, NULL, 0, off);
}

/* The lookups of an event pushed RING events ago. */
static void settle(struct hpart *P, const struct pend *q)
{
	if (q->id)
		tags_add(&P->tags, q->hid);
	if (q->cust && !hset_has(&P->x->ids, q->hc))
		missing(P, q->c, q->clen, q->off);
}

static void push(struct hpart *P, const struct pend *q)
{
	size_t at = P->pushed % RING;
	if (P->pushed >= RING)
		settle(P, &P->ring[at]);
	P->ring[at] = *q;
	if (q->cust && P->x->ids.cap)
		__builtin_prefetch(&P->x->ids.slot[hset_home(&P->x->ids, q->hc)]);
	P->pushed++;
}

/* The lookups still waiting when the part is read. */
static void settle_all(struct hpart *P)
{
	size_t from = P->pushed > RING ? P->pushed - RING : 0;
	for (size_t i = from; i < P->pushed; i++)
		settle(P, &P->ring[i % RING]);
	P->pushed = 0;
}

static void ev_check(const struct event *e, void *ctx)
{
	struct hpart *P = ctx;
	if (!e->p) {
		problem(&P->f, e->off, H_LINE, "%s%s", e->torn ? "torn last line (no line end): " : "", e->err);
		return;
	}
	const struct proj *p = e->p;
	if (!valid_event_clean(p)) {
		char err[200];
		json_t *o = jsonl_parse(e->text, e->len, err, sizeof err);
		struct at at = { &P->f, e->off, H_LINE };
		if (o)
			valid_event(o, on_problem, &at);
		json_decref(o);
	}
	const struct pval *id = &p->v[PJ_ID], *cust = &p->v[PJ_CUSTOMER], *ref = &p->v[PJ_REF];
	signed char t = type_index(&p->v[PJ_TYPE]);
	struct pend q = { .off = e->off };
	if (id->kind == 's' && id->n) {
		q.id = true;
		q.hid = key_hash(id->s, id->n);
		/* a task or deal a void cancelled is still there to be named
		 * (a done written before the void is not wrong) */
		if (t == t_task || t == t_deal) {
			void *v = P->tg;
			mgrow(&v, &P->tgcap, P->ntg + 1, sizeof *P->tg);
			P->tg = v;
			P->tg[P->ntg++] = (struct target){ q.hid, e->off, t, ref->kind != 0 };
		}
	}
	if (P->x->have_ids && cust->kind == 's' && cust->n) {
		q.cust = true;
		q.hc = key_hash(cust->s, cust->n);
		q.clen = (unsigned char)(cust->n < sizeof q.c ? cust->n : sizeof q.c);
		memcpy(q.c, cust->s, q.clen);
		if (cust->n > sizeof q.c) {
			q.cust = false; /* a long one at once, with its whole name */
			if (!hset_has(&P->x->ids, q.hc))
				missing(P, cust->s, cust->n, e->off);
		}
	}
	push(P, &q);
	voids_note(&P->voids, p);
	if (pv_is(&p->v[PJ_TYPE], "merge") && ref->kind == 's' && ref->n && cust->kind == 's' && cust->n)
		named_push(&P->merges, &P->nmerge, &P->mcap, ref->s, ref->n, cust->s, cust->n, e->off);
	/* (the ref of a done or deal a void cancelled leads nowhere it must:
	 * left out when the voids are known, at the end) */
	if ((pv_is(&p->v[PJ_TYPE], "done") || pv_is(&p->v[PJ_TYPE], "deal")) && ref->kind == 's' && ref->n) {
		void *v = P->refs;
		mgrow(&v, &P->refcap, P->nref + 1, sizeof *P->refs);
		P->refs = v;
		P->refs[P->nref++] = (struct ref){ key_hash(ref->s, ref->n), q.id ? q.hid : 0, e->off,
						   pv_is(&p->v[PJ_TYPE], "deal") };
	}
}

/* Interactions read again, exactly, for what the hashes left in doubt:
 * the ids of tags two share, and the ids and refs of the hashes in want. */
struct exact {
	char *id;
	long long off;
	signed char type;
	bool has_ref;
	bool is_ref; /* a ref of a done (type) or deal, not an id */
};

struct second {
	const uint64_t *tagkeys; /* the 48-bit keys in doubt, sorted */
	size_t ntagkeys;
	const struct hset *want; /* full hashes of ids and refs in doubt */
	const struct hset *voided; /* the hashes of the ids voids cancel */
	struct exact *v;
	size_t n, cap;
};

static bool has_key(const uint64_t *v, size_t n, uint64_t k)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == k;
}

static void exact_push(struct second *s, const struct pval *v, long long off, signed char type,
		       bool has_ref, bool is_ref)
{
	void *p = s->v;
	xgrow(&p, &s->cap, s->n + 1, sizeof *s->v);
	s->v = p;
	s->v[s->n++] = (struct exact){ xstrndup(v->s, v->n), off, type, has_ref, is_ref };
}

static void ev_second(const struct event *e, void *ctx)
{
	struct second *s = ctx;
	if (!e->p)
		return; /* reported the first time */
	const struct proj *p = e->p;
	const struct pval *id = &p->v[PJ_ID], *ref = &p->v[PJ_REF];
	signed char t = type_index(&p->v[PJ_TYPE]);
	if (id->kind == 's' && id->n) {
		uint64_t h = key_hash(id->s, id->n);
		if (has_key(s->tagkeys, s->ntagkeys, tag_key(h)) || hset_has(s->want, h))
			exact_push(s, id, e->off, t, p->v[PJ_REF].kind != 0, false);
	}
	if ((pv_is(&p->v[PJ_TYPE], "done") || t == t_deal) && ref->kind == 's' && ref->n &&
	    !(id->kind == 's' && id->n && hset_has(s->voided, key_hash(id->s, id->n))) &&
	    hset_has(s->want, key_hash(ref->s, ref->n)))
		exact_push(s, ref, e->off, t, true, true);
}

static int by_exact(const void *a, const void *b)
{
	const struct exact *x = a, *y = b;
	if (x->is_ref != y->is_ref)
		return x->is_ref ? 1 : -1;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* A problem whose message names the line of another offset: made when
 * the offsets are lines. */
struct later {
	long long at, other;
	int rank;
	int kind;
	char *s;         /* the id or ref */
	const char *want, *type;
};

enum { L_DUP, L_CLOSED, L_NOREF, L_NOTYPE, L_WRONG, L_STAGE };

struct laters {
	struct later *v;
	size_t n, cap;
};

static void later(struct laters *l, long long at, long long other, int rank, int kind, const char *s,
		  size_t n, const char *want, const char *type)
{
	if (quiet)
		quit();
	void *p = l->v;
	xgrow(&p, &l->cap, l->n + 1, sizeof *l->v);
	l->v = p;
	l->v[l->n++] = (struct later){ at, other, rank, kind, xstrndup(s, n), want, type };
}

static int by_offset(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

/* The lines of the offsets v[0..n) (sorted, no two alike) of the file fd:
 * one count of the line feeds up to the last of them. */
static void lines_of(int fd, const char *name, const long long *v, size_t n, long *lines)
{
	size_t cap = 1 << 20, i = 0;
	char *buf = xmalloc(cap);
	long long pos = 0;
	long line = 1;
	while (i < n) {
		ssize_t k = pread(fd, buf, cap, (off_t)pos);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			crm_die("%s", name);
		if (k == 0)
			break;
		size_t c = 0;
		while (i < n && v[i] < pos + k) {
			size_t t = (size_t)(v[i] - pos);
			line += (long)lit_count_nl(buf + c, t - c);
			c = t;
			lines[i++] = line;
		}
		line += (long)lit_count_nl(buf + c, (size_t)k - c);
		pos += k;
	}
	for (; i < n; i++)
		lines[i] = line;
	free(buf);
}

static long line_at(const long long *v, const long *lines, size_t n, long long off)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n ? lines[lo] : 0;
}

static int by_target(const void *a, const void *b)
{
	const struct target *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int by_ref(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The 48-bit keys that two interaction ids share, sorted. */
static uint64_t *shared_tags(struct hpart *parts, int np, size_t *n)
{
	uint64_t *keys = NULL, *tab = NULL;
	size_t cap = 0, tcap = 0;
	*n = 0;
	for (size_t b = 0; b < TAG_BUCKETS; b++) {
		size_t nt = 0;
		for (int i = 0; i < np; i++)
			for (const struct tagchunk *c = parts[i].tags.b[b]; c; c = c->next)
				nt += c->n;
		size_t size = 64;
		while (size < 2 * nt)
			size *= 2;
		if (size > tcap) {
			free(tab);
			tab = xmalloc(size * sizeof *tab);
			tcap = size;
		}
		memset(tab, 0, size * sizeof *tab);
		for (int i = 0; i < np; i++) {
			for (const struct tagchunk *c = parts[i].tags.b[b]; c; c = c->next) {
				const unsigned char *v = c->k;
				for (size_t j = 0; j < 5 * (size_t)c->n; j += 5) {
					uint64_t k = (uint64_t)v[j] | (uint64_t)v[j + 1] << 8 | (uint64_t)v[j + 2] << 16 |
						     (uint64_t)v[j + 3] << 24 | (uint64_t)v[j + 4] << 32;
					size_t at = (size_t)((k * 0x9E3779B97F4A7C15ULL) >> 32) & (size - 1);
					while (tab[at] && tab[at] != k + 1)
						at = (at + 1) & (size - 1);
					if (!tab[at]) {
						tab[at] = k + 1;
						continue;
					}
					void *p = keys;
					xgrow(&p, &cap, *n + 1, sizeof *keys);
					keys = p;
					keys[(*n)++] = (uint64_t)b << 40 | k;
				}
			}
		}
	}
	free(tab);
	if (*n)
		qsort(keys, *n, sizeof *keys, by_offset); /* as numbers: a key fits */
	return keys;
}

/* The first of the exact records of id s (is_ref false) in v, or NULL. */
static const struct exact *first_of(const struct exact *v, size_t n, const char *s)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = v[mid].is_ref ? 1 : strcmp(v[mid].id, s);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !v[lo].is_ref && !strcmp(v[lo].id, s) ? &v[lo] : NULL;
}

/* A ref resolved to its target: the problems of a done (a task wanted) or a
 * deal's stage change (the deal's first event wanted). */
static void resolve(struct laters *l, long long at, const char *ref, size_t n, bool deal,
		    long long tat, signed char type, bool has_ref, bool found)
{
	const char *want = deal ? "deal" : "task";
	if (!found)
		later(l, at, 0, H_REF, L_NOREF, ref, n, want, NULL);
	else if (type < 0)
		later(l, at, tat, H_REF, L_NOTYPE, ref, n, want, NULL);
	else if (strcmp(dom_types[type], want))
		later(l, at, tat, H_REF, L_WRONG, ref, n, want, dom_types[type]);
	else if (deal && has_ref)
		later(l, at, tat, H_REF, L_STAGE, ref, n, want, NULL);
}

static bool is_customer(const struct check *x, const char *id)
{
	return hset_has(&x->ids, key_hash(id, strlen(id)));
}

/* The merge records and the lines of customers not in customers.csv, of
 * every part (in the order of the file). A line of a customer merged into
 * one that is there (after any number of merges) is that customer's, as
 * every reader takes it; the others are a warning, and so is a merge
 * record whose ref is still in customers.csv (the merge did not finish, or
 * a git merge brought the row back). */
static void resolve_strays(struct check *x, struct hpart *parts, int np)
{
	struct merges into = { 0 }; /* the merge records, in the order of the file */
	struct file *f = &parts[0].f;
	for (int i = 0; i < np; i++)
		for (size_t j = 0; j < parts[i].nmerge; j++) {
			const struct named *r = &parts[i].merges[j];
			if (x->have_ids && is_customer(x, r->a)) {
				struct sb b = { 0 };
				sb_adds(&b, plain(&x->tmp, r->a, strlen(r->a)));
				const char *to = plain(&x->tmp2, r->b, strlen(r->b));
				warning(f, r->off, H_CUSTOMER,
					"customer %s was merged into %s but is still in %s (run crm-add --merge %s %s again)",
					sb_str(&b), to, x->cust.name, to, sb_str(&b));
				sb_free(&b);
			}
			merges_add(&into, r->b, strlen(r->b), r->a, strlen(r->a));
		}
	for (int i = 0; i < np; i++) {
		for (size_t j = 0; j < parts[i].nstray; j++) {
			const struct named *s = &parts[i].strays[j];
			/* whose it is now, as every reader takes it (merges.h) */
			size_t n;
			const char *c = merges_now(&into, s->a, strlen(s->a), &n);
			if (!is_customer(x, c)) {
				const char *id = plain(&x->tmp, s->a, strlen(s->a));
				/* crm-rm keeps the history of whom it removes (without --forget) */
				warning(f, s->off, H_CUSTOMER,
					"customer %s is not in %s (removed without --forget? crm-rm --forget %s erases its history)",
					id, x->cust.name, id);
			}
		}
	}
	for (int i = 0; i < np; i++) {
		for (size_t j = 0; j < parts[i].nmerge; j++)
			free(parts[i].merges[j].a), free(parts[i].merges[j].b);
		for (size_t j = 0; j < parts[i].nstray; j++)
			free(parts[i].strays[j].a);
		free(parts[i].merges);
		free(parts[i].strays);
	}
	merges_free(&into);
}

/* The hashes of the ids the void events of the parts cancel (a void
 * event itself is never cancelled: voids.h), the parts' voids freed. */
static void voided_of(struct hpart *parts, int np, struct hset *voided)
{
	struct voids all = { 0 };
	for (int i = 0; i < np; i++) {
		voids_join(&all, &parts[i].voids);
		voids_free(&parts[i].voids);
	}
	for (size_t j = 0; j < all.refs.n; j++) {
		size_t n;
		const char *id = hmap_key(&all.refs, j, &n);
		if (voids_has(&all, id, n))
			hset_add(voided, key_hash(id, n));
	}
	voids_free(&all);
}

static void check_history(struct check *x)
{
	struct file *f = &x->hist;
	int fd = open_data(x, INTERACTIONS, false);
	if (fd < 0)
		return;
	struct hpart parts[SCAN_MAXPARTS];
	void *ctx[SCAN_MAXPARTS];
	for (int i = 0; i < SCAN_MAXPARTS; i++) {
		parts[i] = (struct hpart){ .x = x };
		ctx[i] = &parts[i];
	}
	/* the fields valid_event looks at; the others are still read (the
	 * line must be JSON), not decoded */
	unsigned skip = 1u << PJ_TEXT | 1u << PJ_SUBJECT | 1u << PJ_BY | 1u << PJ_CAMPAIGN |
			1u << PJ_MESSAGE_ID | 1u << PJ_OWNER;
	int np = scan_parts_all(&x->d, skip, ev_check, ctx, SCAN_MAXPARTS);
	if (np < 0)
		exit(CRM_ERR); /* the history could not be read: reported */
	for (int i = 0; i < np; i++)
		settle_all(&parts[i]);
	resolve_strays(x, parts, np);
	/* the refs of events a void cancels: left out */
	struct hset voided = { 0 };
	voided_of(parts, np, &voided);
	for (int i = 0; i < np && voided.n; i++) {
		size_t k = 0;
		for (size_t j = 0; j < parts[i].nref; j++)
			if (!parts[i].refs[j].own || !hset_has(&voided, parts[i].refs[j].own))
				parts[i].refs[k++] = parts[i].refs[j];
		parts[i].nref = k;
	}
	/* everything the parts found, together */
	size_t ntg = 0, nref = 0;
	for (int i = 0; i < np; i++) {
		take_problems(f, &parts[i].f);
		ntg += parts[i].ntg;
		nref += parts[i].nref;
		sb_free(&parts[i].tmp);
	}
	size_t ntk;
	uint64_t *tagkeys = shared_tags(parts, np, &ntk);
	/* the tasks and deals, and the refs, of all the parts in the first's */
	struct hpart *p0 = &parts[0];
	for (int i = 0; i < np; i++) {
		tags_free(&parts[i].tags);
		if (!i)
			continue;
		void *v = p0->tg;
		mgrow(&v, &p0->tgcap, p0->ntg + parts[i].ntg, sizeof *p0->tg);
		p0->tg = v;
		if (parts[i].ntg)
			memcpy(p0->tg + p0->ntg, parts[i].tg, parts[i].ntg * sizeof *p0->tg);
		p0->ntg += parts[i].ntg;
		v = p0->refs;
		mgrow(&v, &p0->refcap, p0->nref + parts[i].nref, sizeof *p0->refs);
		p0->refs = v;
		if (parts[i].nref)
			memcpy(p0->refs + p0->nref, parts[i].refs, parts[i].nref * sizeof *p0->refs);
		p0->nref += parts[i].nref;
		mfree(parts[i].tg, parts[i].tgcap, sizeof *parts[i].tg);
		mfree(parts[i].refs, parts[i].refcap, sizeof *parts[i].refs);
	}
	struct target *tg = p0->tg;
	struct ref *refs = p0->refs;
	if (ntg)
		qsort(tg, ntg, sizeof *tg, by_target);
	if (nref)
		qsort(refs, nref, sizeof *refs, by_ref);
	/* what the hashes cannot settle: a ref to no task or deal (or to one
	 * whose id is shared), a task closed twice */
	struct kvec doubt = { 0 };
	for (size_t i = 0; i < nref; i++) {
		const struct ref *r = &refs[i];
		size_t lo = 0, hi = ntg;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (tg[mid].h < r->h)
				lo = mid + 1;
			else
				hi = mid;
		}
		bool found = lo < ntg && tg[lo].h == r->h;
		bool shared_id = has_key(tagkeys, ntk, tag_key(r->h));
		bool twice = !r->deal && ((i > 0 && !refs[i - 1].deal && refs[i - 1].h == r->h) ||
					  (i + 1 < nref && !refs[i + 1].deal && refs[i + 1].h == r->h));
		const struct target *t = found ? &tg[lo] : NULL;
		bool wrong = t && (strcmp(dom_types[t->type], r->deal ? "deal" : "task") ||
				   (r->deal && t->has_ref));
		if (!found || shared_id || twice || wrong)
			kvec_push(&doubt, r->h, r->off);
	}
	mfree(tg, p0->tgcap, sizeof *tg);
	struct laters l = { 0 };
	struct second s = { tagkeys, ntk, NULL, &voided, NULL, 0, 0 };
	struct hset want = { 0 };
	if (ntk || doubt.n) {
		hset_build(&want, doubt.v, doubt.n);
		s.want = &want;
		void *one[] = { &s };
		if (scan_parts_all(&x->d, ~(1u << PJ_ID | 1u << PJ_TYPE | 1u << PJ_REF), ev_second, one, 1) < 0)
			exit(CRM_ERR);
		if (s.n)
			qsort(s.v, s.n, sizeof *s.v, by_exact);
		size_t nid = 0;
		while (nid < s.n && !s.v[nid].is_ref)
			nid++;
		/* ids that come again */
		for (size_t i = 1; i < nid; i++) {
			size_t j = i;
			while (j > 0 && !strcmp(s.v[j - 1].id, s.v[i].id))
				j--;
			if (j < i)
				later(&l, s.v[i].off, s.v[j].off, H_DUP, L_DUP, s.v[i].id, strlen(s.v[i].id), NULL, NULL);
		}
		/* the refs in doubt, exactly: closed twice, resolved over the
		 * ids read again */
		for (size_t i = nid; i < s.n;) {
			size_t j = i;
			while (j < s.n && !strcmp(s.v[j].id, s.v[i].id))
				j++;
			const struct exact *t = first_of(s.v, nid, s.v[i].id);
			long long first_done = -1;
			for (size_t a = i; a < j; a++) {
				const struct exact *r = &s.v[a];
				bool deal = r->type == t_deal;
				size_t n = strlen(r->id);
				if (!deal && first_done >= 0)
					later(&l, r->off, first_done, H_CLOSED, L_CLOSED, r->id, n, NULL, NULL);
				else if (!deal)
					first_done = r->off;
				resolve(&l, r->off, r->id, n, deal, t ? t->off : 0, t ? t->type : -1,
					t && t->has_ref, t != NULL);
			}
			i = j;
		}
	}
	mfree(refs, p0->refcap, sizeof *refs);
	mfree(doubt.v, doubt.cap, sizeof *doubt.v);
	hset_free(&want);
	hset_free(&voided);
	free(tagkeys);
	/* the offsets made lines: one count up to the last one needed */
	size_t no = 0;
	long long *offs = xcalloc(f->n + 2 * l.n + 1, sizeof *offs);
	for (size_t i = 0; i < f->n; i++)
		offs[no++] = f->v[i].at;
	for (size_t i = 0; i < l.n; i++) {
		offs[no++] = l.v[i].at;
		offs[no++] = l.v[i].other;
	}
	if (no)
		qsort(offs, no, sizeof *offs, by_offset);
	size_t u = 0;
	for (size_t i = 0; i < no; i++)
		if (!u || offs[u - 1] != offs[i])
			offs[u++] = offs[i];
	long *lines = xcalloc(u ? u : 1, sizeof *lines);
	if (u)
		lines_of(fd, f->name, offs, u, lines);
	for (size_t i = 0; i < f->n; i++)
		f->v[i].at = line_at(offs, lines, u, f->v[i].at);
	for (size_t i = 0; i < l.n; i++) {
		const struct later *e = &l.v[i];
		long at = line_at(offs, lines, u, e->at), other = line_at(offs, lines, u, e->other);
		const char *id = plain(&x->tmp, e->s, strlen(e->s));
		switch (e->kind) {
		case L_DUP: problem(f, at, e->rank, "duplicate id %s; first on line %ld", id, other); break;
		case L_CLOSED: problem(f, at, e->rank, "task %s closed twice; first on line %ld", id, other); break;
		case L_NOREF: problem(f, at, e->rank, "ref %s: no %s has this id", id, e->want); break;
		case L_NOTYPE: problem(f, at, e->rank, "ref %s: line %ld is not a %s", id, other, e->want); break;
		case L_WRONG:
			problem(f, at, e->rank, "ref %s: line %ld is not a %s but of type %s", id, other, e->want,
				e->type);
			break;
		case L_STAGE:
			problem(f, at, e->rank, "ref %s: line %ld is a stage change; refer to the deal's first event",
				id, other);
			break;
		}
		free(e->s);
	}
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].id);
	free(s.v);
	free(l.v);
	free(offs);
	free(lines);
	close(fd);
}

/* ---- conflicts.jsonl ---- */

/* Call fn for each object of the JSON Lines file name; a line that is not
 * one is a problem of f. A missing file has no lines. */
static void each_line(struct check *x, const char *name, struct file *f,
		      void (*fn)(struct check *, const json_t *, long))
{
	int fd = open_data(x, name, false);
	if (fd < 0)
		return;
	struct linein *in = linein_open(fd, f->name);
	const char *s;
	size_t n;
	bool torn;
	int k;
	while ((k = linein_next(in, &s, &n, &torn)) > 0) {
		char err[200];
		json_t *o = jsonl_parse(s, n, err, sizeof err);
		if (!o) {
			if (err[0])
				problem(f, in->line, 0, "%s%s", torn ? "torn last line (no line end): " : "",
					err);
			continue;
		}
		fn(x, o, in->line);
		json_decref(o);
	}
	if (k < 0)
		exit(CRM_ERR); /* a read error, reported */
	linein_close(in);
	close(fd);
}

/* One line of conflicts.jsonl: a field crm-merge could not merge. It stays
 * a problem until the user settles it and deletes the line. */
static void check_conflict(struct check *x, const json_t *o, long line)
{
	const char *file = json_string_value(json_object_get(o, "file"));
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *field = json_string_value(json_object_get(o, "field"));
	json_t *ours = json_object_get(o, "ours"), *theirs = json_object_get(o, "theirs");
	json_t *base = json_object_get(o, "base");
	if (!file || !id || !field || !ours || !theirs) {
		problem(&x->conflicts, line, 0,
			"not a merge conflict: it needs \"file\", \"id\", \"field\", \"ours\" and \"theirs\"");
		return;
	}
	const char *what = !strcmp(file, CUSTOMERS)      ? "customer"
			   : !strcmp(file, INTERACTIONS) ? "interaction"
							 : "record";
	const char *dup = json_string_value(json_object_get(o, "duplicate"));
	struct sb m = { 0 };
	sb_printf(&m, "unresolved merge conflict in %s: ", plain(&x->tmp, file, strlen(file)));
	if (!strcmp(field, "email") && dup && *dup) {
		/* one customer added on both sides */
		struct sb a = { 0 }, b = { 0 };
		sb_adds(&a, plain(&x->tmp, id, strlen(id)));
		sb_adds(&b, plain(&x->tmp, dup, strlen(dup)));
		sb_printf(&m, "customers %s and %s have the same email ", sb_str(&a), sb_str(&b));
		valid_show(&m, ours);
		sb_printf(&m, " (added on both sides); merge them: crm-add --merge %s %s", sb_str(&a),
			  sb_str(&b));
		sb_free(&a);
		sb_free(&b);
		problem(&x->conflicts, line, 0, "%s", sb_str(&m));
		sb_free(&m);
		return;
	}
	if (!strcmp(field, "id")) {
		/* a side added a second record with an id */
		sb_printf(&m, "two %ss with the id %s: ", what, plain(&x->tmp, id, strlen(id)));
		valid_show(&m, ours);
		sb_adds(&m, " and ");
		valid_show(&m, theirs);
		sb_adds(&m, "; keep one");
		problem(&x->conflicts, line, 0, "%s", sb_str(&m));
		sb_free(&m);
		return;
	}
	sb_printf(&m, "%s %s ", what, plain(&x->tmp, id, strlen(id)));
	sb_printf(&m, "field %s: ours ", plain(&x->tmp, field, strlen(field)));
	valid_show(&m, ours);
	sb_adds(&m, ", theirs ");
	valid_show(&m, theirs);
	if (!base || json_is_null(base)) {
		sb_adds(&m, " (added on both sides)");
	} else {
		sb_adds(&m, " (base ");
		valid_show(&m, base);
		sb_adds(&m, ")");
	}
	problem(&x->conflicts, line, 0, "%s", sb_str(&m));
	sb_free(&m);
}

static void on_rule(void *ctx, const struct rules_err *err)
{
	struct check *x = ctx;
	const char *m = err->msg;
	while (*m == ' ')
		m++;
	problem_at(&x->segments, err->line, err->col, "%s", m);
}

/* segments.conf, when there is one: every rule as crm-segment reads it
 * over this directory, whose fields are the columns of customers.csv (the
 * new file's when it has no header), the columns crm-segment adds and the
 * fields derived from the history. */
static void check_segments(struct check *x)
{
	int fd = open_data(x, SEGMENTS, false);
	if (fd < 0)
		return;
	struct sb text = { 0 };
	if (read_all(fd, &text) < 0)
		crm_die("%s", x->segments.name);
	close(fd);
	struct hdr h = { 0 };
	if (x->hdr.n)
		hdr_copy(&h, &x->hdr);
	else
		for (size_t i = 0; i < cust_ncolumns; i++)
			hdr_add(&h, cust_columns[i]);
	static const char *const added[] = { "r", "f", "m", "rfm", "rfm_segment", "lifecycle",
					     "segment", "p_alive", "exp_purchases", "exp_revenue" };
	for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
		hdr_add(&h, added[i]);
	struct fieldset fs;
	fieldset_init(&fs, &h);
	struct schema sc = fieldset_schema(&fs);
	size_t nrules;
	size_t bad = rules_check(text.s ? text.s : "", text.len, &sc, crm_now(), &nrules, on_rule, x);
	if (!bad && !nrules)
		warning(&x->segments, 1, 0, "no rules (lines NAME: EXPR): crm-segment without options "
					     "will refuse it");
	fieldset_free(&fs);
	hdr_free(&h);
	sb_free(&text);
}

/* "crm-check: 3 problems in customers.csv, 1 in interactions.jsonl" */
static void summary(const struct check *x, size_t total)
{
	const struct file *fs[] = { &x->cust, &x->hist, &x->segments, &x->conflicts };
	struct sb b = { 0 };
	size_t warns = 0;
	for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		size_t n = fs[i]->n - fs[i]->nwarn;
		warns += fs[i]->nwarn;
		if (!n)
			continue;
		if (!b.len)
			sb_printf(&b, "%zu problem%s in %s", n, n == 1 ? "" : "s", fs[i]->name);
		else
			sb_printf(&b, ", %zu in %s", n, fs[i]->name);
	}
	if (warns)
		sb_printf(&b, "%s%zu warning%s", b.len ? "; " : "", warns, warns == 1 ? "" : "s");
	if (total || warns)
		crm_warnx("%s", sb_str(&b));
	sb_free(&b);
}

/* Check the CRM directory dir (-d, or NULL: found as every program finds
 * it); files are named in messages by prefix and their name when prefix is
 * not NULL. Returns the number of problems. */
static size_t check_dir(const char *dir, const char *prefix)
{
	struct check x = { 0 };
	crm_dir_open(&x.d, dir);
	static const char *const names[] = { CUSTOMERS, INTERACTIONS, CONFLICTS, SEGMENTS };
	struct file *fs[] = { &x.cust, &x.hist, &x.conflicts, &x.segments };
	for (size_t i = 0; i < 4; i++) {
		if (!prefix) {
			fs[i]->name = crm_path_dup(&x.d, names[i]);
			continue;
		}
		struct sb b = { 0 };
		sb_printf(&b, "%s%s", prefix, names[i]);
		fs[i]->name = xstrdup(sb_str(&b));
		sb_free(&b);
	}

	check_customers(&x);
	size_t total = x.cust.n - x.cust.nwarn;
	print_file(&x.cust);
	check_history(&x);
	total += x.hist.n - x.hist.nwarn;
	print_file(&x.hist);
	check_segments(&x);
	total += x.segments.n - x.segments.nwarn;
	print_file(&x.segments);
	each_line(&x, CONFLICTS, &x.conflicts, check_conflict);
	total += x.conflicts.n - x.conflicts.nwarn;
	print_file(&x.conflicts);
	crm_flush_stdout();
	summary(&x, total);

	hset_free(&x.ids);
	sb_free(&x.tmp);
	sb_free(&x.tmp2);
	free(x.cust.name);
	free(x.hist.name);
	free(x.conflicts.name);
	free(x.segments.name);
	hdr_free(&x.hdr);
	crm_dir_close(&x.d);
	return total;
}

/* ---- --staged: what git is about to commit ----------------------------- */

/* The folder the staged files are checked out into, removed at exit
 * (also when -q stops at the first problem). */
static char *staged_tmp;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) < 0 && errno != ENOENT)
		crm_warn("%s", path);
	return 0;
}

static void staged_cleanup(void)
{
	if (staged_tmp)
		nftw(staged_tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(staged_tmp);
	staged_tmp = NULL;
}

/* Copy the file from to the new file to; false when from does not exist. */
static bool copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		if (errno == ENOENT)
			return false;
		crm_die("%s", from);
	}
	struct sb b = { 0 };
	if (read_all(in, &b) < 0)
		crm_die("%s", from);
	close(in);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0 || write(out, b.s, b.len) != (ssize_t)b.len || close(out) < 0)
		crm_die("%s", to);
	sb_free(&b);
	return true;
}

/* Every folder of the index that holds customers.csv is a CRM directory:
 * its customers.csv, interactions.jsonl and crm.conf as staged are checked
 * out into a temporary folder and checked there, with the conflicts.jsonl
 * of the working tree (the conflicts crm-merge left are not committed).
 * Files are named as in the repository. */
static int check_staged(void)
{
	struct sb top = { 0 }, list = { 0 };
	const char *toplevel[] = { "rev-parse", "--show-toplevel", NULL };
	if (git_line(NULL, toplevel, &top) != 0)
		crm_diex("--staged: not in a git work tree");
	const char *ls[] = { "ls-files", "-z", "--cached", NULL };
	if (git_run(top.s, ls, &list, GIT_ERR) != 0)
		crm_diex("--staged: git ls-files failed");
	/* the CRM directories: the prefixes of the staged customers.csv */
	char **dirs = NULL;
	size_t ndir = 0, cap = 0;
	for (size_t i = 0; i < list.len;) {
		const char *p = list.s + i;
		size_t n = strlen(p);
		i += n + 1;
		const char *base = strrchr(p, '/');
		base = base ? base + 1 : p;
		if (strcmp(base, CUSTOMERS))
			continue;
		void *q = dirs;
		xgrow(&q, &cap, ndir + 1, sizeof *dirs);
		dirs = q;
		dirs[ndir++] = xstrndup(p, (size_t)(base - p));
	}
	size_t total = 0;
	if (ndir) {
		const char *t = getenv("TMPDIR");
		struct sb tmpl = { 0 };
		sb_printf(&tmpl, "%s/crm-check.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmpl.s))
			crm_die("%s", tmpl.s);
		staged_tmp = xstrdup(tmpl.s);
		atexit(staged_cleanup);
		sb_free(&tmpl);
	}
	for (size_t k = 0; k < ndir; k++) {
		/* the files of this directory that are staged */
		const char *args[8];
		size_t na = 0;
		struct sb prefix = { 0 }, paths[3] = { { 0 } };
		sb_printf(&prefix, "--prefix=%s/", staged_tmp);
		args[na++] = "checkout-index";
		args[na++] = prefix.s;
		args[na++] = "--";
		static const char *const want[] = { CUSTOMERS, INTERACTIONS, CONF };
		for (size_t w = 0; w < 3; w++) {
			sb_printf(&paths[w], "%s%s", dirs[k], want[w]);
			for (size_t i = 0; i < list.len;) {
				const char *p = list.s + i;
				i += strlen(p) + 1;
				if (!strcmp(p, paths[w].s)) {
					args[na++] = paths[w].s;
					break;
				}
			}
		}
		args[na] = NULL;
		if (git_run(top.s, args, NULL, GIT_ERR) != 0)
			crm_diex("--staged: git checkout-index failed");
		struct sb dir = { 0 }, from = { 0 }, to = { 0 };
		sb_printf(&dir, "%s/%s", staged_tmp, dirs[k]);
		sb_printf(&from, "%s/%s%s", top.s, dirs[k], CONFLICTS);
		sb_printf(&to, "%s%s", dir.s, CONFLICTS);
		copy_file(from.s, to.s);
		total += check_dir(dir.s, dirs[k]);
		sb_free(&dir);
		sb_free(&from);
		sb_free(&to);
		sb_free(&prefix);
		for (size_t w = 0; w < 3; w++)
			sb_free(&paths[w]);
		free(dirs[k]);
	}
	free(dirs);
	sb_free(&top);
	sb_free(&list);
	return total ? CRM_ERR : CRM_OK;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	for (size_t i = 0; dom_types[i]; i++) {
		if (!strcmp(dom_types[i], "task"))
			t_task = (signed char)i;
		if (!strcmp(dom_types[i], "deal"))
			t_deal = (signed char)i;
	}
	struct crm_common c = { 0 };
	const char *arg;
	bool staged = false;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1)
		if (k == 'q')
			quiet = true;
		else if (k == O_STAGED)
			staged = true;
	argc -= optind;
	if (argc)
		crm_usage_error(&cmd, "no operands are taken (name the directory with -d DIR)");
	if (staged && c.dir)
		crm_usage_error(&cmd, "--staged checks the directories of the git index; it takes no -d");
	if (staged)
		return check_staged();
	return check_dir(c.dir, NULL) ? CRM_ERR : CRM_OK;
}
