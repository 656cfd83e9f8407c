/* crm-diff - what changed in customers.csv, customer by customer and field by field: a git diff driver */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cust.h"
#include "custdiff.h"
#include "dir.h"
#include "hmap.h"
#include "opt.h"
#include "util.h"

enum { O_TEXTCONV = OPT_FIRST_LOCAL };

static const struct crm_opt opts[] = {
	{ O_TEXTCONV, "textconv", NULL, "print FILE as one line per field (git's textconv)" },
	CRM_OPT_HELP,
	CRM_OPT_VERSION,
	CRM_OPT_END,
};

static const struct crm_cmd cmd = {
	"OLD NEW\n"
	"PATH OLD OLD-HEX OLD-MODE NEW NEW-HEX NEW-MODE\n"
	"--textconv FILE",
	"Show what changed between two versions of customers.csv: a line per customer,\n"
	"'ID NAME: field old → new, ...', and added and removed customers by name;\n"
	"interactions.jsonl line by line. A git diff driver (crm-init --git sets it):\n"
	"  git config diff.crm.command crm-diff\n"
	"  git config diff.crm.textconv 'crm-diff --textconv'",
	opts,
	"0 something to show (always when git runs it), 1 the versions hold the same, 2 error",
};

/* Read a whole file ("/dev/null", as git gives for a side that has none,
 * reads as empty). */
static void slurp(const char *path, struct sb *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_all(fd, out) < 0)
		crm_die("%s", path);
	close(fd);
	sb_str(out);
}

static bool is_jsonl(const struct sb *text)
{
	const char *p = text->s, *e = text->s + text->len;
	if (text->len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p < e && *p == '{';
}

/* Append a value as it reads best on one line: as it is, or quoted when it
 * is empty, has spaces at an end, or holds a comma, a quote, an arrow or a
 * control character. */
static void put_val(struct sb *o, const char *s, size_t n)
{
	bool quote = !n || s[0] == ' ' || s[n - 1] == ' ';
	for (size_t i = 0; i < n && !quote; i++) {
		unsigned char c = (unsigned char)s[i];
		quote = c < 0x20 || c == 0x7F || c == ',' || c == '"' || c == '\\' ||
			(i + 2 < n && !memcmp(s + i, "\xE2\x86\x92", 3));
	}
	if (!quote) {
		sb_add(o, s, n);
		return;
	}
	sb_addc(o, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			sb_printf(o, "\\%c", c);
		else if (c == '\n')
			sb_adds(o, "\\n");
		else if (c == '\r')
			sb_adds(o, "\\r");
		else if (c == '\t')
			sb_adds(o, "\\t");
		else if (c < 0x20 || c == 0x7F)
			sb_printf(o, "\\u%04x", c);
		else
			sb_addc(o, (char)c);
	}
	sb_addc(o, '"');
}

/* "ID NAME" of a customer: the name as put_val shows it when it needs
 * quotes, "(no name)" without one. */
static void put_who(struct sb *o, struct cdval id, struct cdval name)
{
	if (id.n)
		sb_add(o, id.s, id.n);
	else
		sb_adds(o, "(no id)");
	sb_addc(o, ' ');
	if (name.n)
		put_val(o, name.s, name.n);
	else
		sb_adds(o, "(no name)");
}

/* A change of a customer as one line. */
static void on_change(void *ctx, const struct cdchange *c)
{
	struct sb *o = ctx;
	put_who(o, c->id, c->name);
	if (c->kind != CD_CHANGED) {
		sb_adds(o, c->kind == CD_ADDED ? ": added\n" : ": removed\n");
		return;
	}
	/* "updated" follows every change: said only when it is all there is */
	bool only_updated = c->nf == 1 && !strcmp(c->f[0].col, "updated");
	const char *sep = ": ";
	for (size_t i = 0; i < c->nf; i++) {
		if (!only_updated && !strcmp(c->f[i].col, "updated"))
			continue;
		sb_printf(o, "%s%s ", sep, c->f[i].col);
		put_val(o, c->f[i].from.s, c->f[i].from.n);
		sb_adds(o, " \xE2\x86\x92 ");
		put_val(o, c->f[i].to.s, c->f[i].to.n);
		sep = ", ";
	}
	sb_addc(o, '\n');
}

/* The columns one header has and the other not. */
static void columns(const struct hdr *a, const struct hdr *b, struct sb *o)
{
	for (size_t i = 0; i < b->n; i++)
		if (hdr_find(a, b->name[i]) < 0)
			sb_printf(o, "column %s added\n", b->name[i]);
	for (size_t i = 0; i < a->n; i++)
		if (hdr_find(b, a->name[i]) < 0)
			sb_printf(o, "column %s removed\n", a->name[i]);
}

/* Lines of one version that the other lacks: '-' for old ones, '+' for new
 * ones, each as it is (a CR before its LF left out). */
static void lines(const struct sb *a, const struct sb *b, struct sb *o)
{
	const struct sb *v[2] = { a, b };
	struct hmap set[2] = { { 0 }, { 0 } };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < v[k]->len;) {
			const char *p = v[k]->s + i, *nl = memchr(p, '\n', v[k]->len - i);
			size_t n = nl ? (size_t)(nl - p) : v[k]->len - i;
			i += n + 1;
			hmap_put(&set[k], p, n && p[n - 1] == '\r' ? n - 1 : n);
		}
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < v[k]->len;) {
			const char *p = v[k]->s + i, *nl = memchr(p, '\n', v[k]->len - i);
			size_t n = nl ? (size_t)(nl - p) : v[k]->len - i;
			i += n + 1;
			if (n && p[n - 1] == '\r')
				n--;
			if (!n || hmap_get(&set[!k], p, n) >= 0)
				continue;
			sb_addc(o, k ? '+' : '-');
			sb_add(o, p, n);
			sb_addc(o, '\n');
		}
	hmap_free(&set[0]);
	hmap_free(&set[1]);
}

/* Compare two versions; what is seen goes to o. */
static void diff(const struct sb *a, const struct sb *b, const char *la, const char *lb, int jsonl,
		 struct sb *o)
{
	if (jsonl < 0)
		jsonl = is_jsonl(b->len ? b : a);
	struct cindex x, y;
	bool csv = false;
	if (!jsonl && cindex_load_mem(&x, a->s, a->len, la) == 0) {
		csv = cindex_load_mem(&y, b->s, b->len, lb) == 0;
		if (!csv) {
			cindex_free(&y);
			cindex_free(&x);
		}
	} else if (!jsonl) {
		cindex_free(&x);
	}
	if (csv) {
		if (x.hdr.n && y.hdr.n) /* not a file added or removed whole */
			columns(&x.hdr, &y.hdr, o);
		custdiff(&x, &y, on_change, o);
		cindex_free(&x);
		cindex_free(&y);
		return;
	}
	/* the history, or a file that is not the CSV of customers: its lines */
	lines(a, b, o);
}

/* One line per customer ("ID NAME") and one per field that is not empty
 * ("ID NAME: field value"), but id, name and updated: so that git's line
 * diff of two versions shows each changed field. A file that is not the
 * CSV of customers is written as it is. */
static void textconv(const struct sb *text, const char *name)
{
	struct cindex c;
	if (is_jsonl(text) || cindex_load_mem(&c, text->s, text->len, name) < 0) {
		if (!is_jsonl(text))
			cindex_free(&c);
		fwrite(text->s, 1, text->len, stdout);
		return;
	}
	long cn = hdr_find(&c.hdr, "name");
	struct rec r = { 0 };
	struct sb o = { 0 }, who = { 0 };
	for (size_t i = 0; i < c.n; i++) {
		cindex_row(&c, i, &r);
		struct cdval id = { "", 0 }, nm = { "", 0 };
		if (c.v[i].key >= 0)
			id.s = hmap_key(&c.ids, (size_t)c.v[i].key, &id.n);
		if (cn >= 0 && (size_t)cn < r.n)
			nm = (struct cdval){ rec_get(&r, (size_t)cn), rec_len(&r, (size_t)cn) };
		sb_reset(&who);
		put_who(&who, id, nm);
		sb_printf(&o, "%s\n", who.s);
		for (size_t f = 0; f < r.n && f < c.hdr.n; f++) {
			const char *col = c.hdr.name[f];
			if (!rec_len(&r, f) || (long)f == c.idcol || (long)f == cn || !strcmp(col, "updated"))
				continue;
			sb_printf(&o, "%s: %s ", who.s, col);
			put_val(&o, rec_get(&r, f), rec_len(&r, f));
			sb_addc(&o, '\n');
		}
		if (o.len > 1 << 16) {
			fwrite(o.s, 1, o.len, stdout);
			sb_reset(&o);
		}
	}
	fwrite(o.s ? o.s : "", 1, o.len, stdout);
	rec_free(&r);
	sb_free(&o);
	sb_free(&who);
	cindex_free(&c);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	struct crm_common c = { 0 };
	bool tc = false;
	const char *arg;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1)
		if (k == O_TEXTCONV)
			tc = true;
	argc -= optind;
	argv += optind;
	struct sb a = { 0 }, b = { 0 }, o = { 0 }, la = { 0 }, lb = { 0 };
	if (tc) {
		if (argc != 1)
			crm_usage_error(&cmd, "--textconv takes one FILE");
		slurp(argv[0], &a);
		textconv(&a, argv[0]);
		sb_free(&a);
		return CRM_OK;
	}
	if (argc == 1) {
		/* git's call for a path that is not merged yet */
		printf("* Unmerged path %s\n", argv[0]);
		return CRM_OK;
	}
	bool git = argc == 7 || argc == 9;
	if (argc != 2 && !git)
		crm_usage_error(&cmd, "give two versions: OLD NEW");
	const char *old = git ? argv[1] : argv[0], *new = git ? argv[4] : argv[1];
	int jsonl = -1;
	if (git) {
		const char *path = argc == 9 ? argv[7] : argv[0];
		sb_printf(&la, "a/%s", argv[0]);
		sb_printf(&lb, "b/%s", path);
		if (!strcmp(base_name(path), CUSTOMERS))
			jsonl = 0;
		else if (!strcmp(base_name(path), INTERACTIONS))
			jsonl = 1;
	} else {
		sb_adds(&la, old);
		sb_adds(&lb, new);
	}
	slurp(old, &a);
	slurp(new, &b);
	diff(&a, &b, la.s, lb.s, jsonl, &o);
	if (o.len || git)
		printf("diff --crm %s %s\n", la.s, lb.s);
	fwrite(o.s ? o.s : "", 1, o.len, stdout);
	/* git calls it only for files that differ: a difference of bytes alone
	 * (quotes, line ends) shows the header and no line, and is no failure */
	int rc = o.len || git ? CRM_OK : CRM_NONE;
	sb_free(&a);
	sb_free(&b);
	sb_free(&o);
	sb_free(&la);
	sb_free(&lb);
	return rc;
}
