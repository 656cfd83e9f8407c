/* complete.c - the hidden options the shell completions ask */
#include "complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auto.h"
#include "cust.h"
#include "derive.h"
#include "dir.h"
#include "domain.h"
#include "fieldset.h"
#include "hmap.h"
#include "rules.h"
#include "util.h"

static complete_fn *extra;

void complete_extra(complete_fn *fn)
{
	extra = fn;
}

/* Argument names that say one kind in other words, or two kinds told
 * apart by the option's long name (NULL: any). */
static const struct {
	const char *arg, *name, *kind;
} renames[] = {
	{ "KEEP", NULL, "CUSTOMER" },
	{ "CC", NULL, "COUNTRY" },
	{ "PATH", NULL, "FILE" },
	{ "FIELD[:desc]", NULL, "SORT" },
	{ "FIELD[,FIELD]", NULL, "FIELDS" },
	{ "FIELD=VALUE", NULL, "SET" },
	{ "NAME", "only", "SEGMENT" },
	{ "NAME", "encoding", "ENCODING" },
	{ "NAME", "owner", "USER" },
	{ "FORMAT", "date-format", "DATEFMT" },
	{ "WHEN", NULL, "WHEN" },
};

const char *complete_kind(const struct crm_opt *o)
{
	if (!o->arg)
		return "none";
	const char *a = o->arg + (o->arg[0] == '=');
	for (size_t i = 0; i < sizeof renames / sizeof renames[0]; i++)
		if (!strcmp(renames[i].arg, a) &&
		    (!renames[i].name || (o->name && !strcmp(renames[i].name, o->name))))
			return renames[i].kind;
	return a;
}

/* One candidate, when it starts with prefix (any case). */
static void put(const char *prefix, const char *v, size_t n, const char *desc)
{
	size_t pn = strlen(prefix);
	if (!n || n < pn || strncasecmp(v, prefix, pn))
		return;
	/* a value on one line: a tab or a line break would break the list */
	for (size_t i = 0; i < n; i++)
		putchar(v[i] == '\t' || v[i] == '\n' || v[i] == '\r' ? ' ' : v[i]);
	putchar('\t');
	for (const char *d = desc ? desc : ""; *d; d++)
		putchar(*d == '\t' || *d == '\n' || *d == '\r' ? ' ' : *d);
	putchar('\n');
}

static void put_list(const char *prefix, const char *const *v)
{
	for (; *v; v++)
		put(prefix, *v, strlen(*v), NULL);
}

/* The words a help text lists after its first ':' (or whole): "a, b or c",
 * a part in brackets dropped ("week (from Monday)"). */
static void put_help_list(const char *prefix, const char *help)
{
	/* the first colon outside brackets ("or ics (followups: a
	 * calendar)" has none) */
	const char *s = help;
	int depth = 0;
	for (const char *p = help; *p; p++) {
		depth += (*p == '(') - (*p == ')');
		if (*p == ':' && !depth) {
			s = p + 1;
			break;
		}
	}
	struct sb w = { 0 };
	while (*s) {
		s += strspn(s, " ,");
		if (!strncmp(s, "or ", 3))
			s += 3;
		size_t n = strcspn(s, ", (");
		sb_reset(&w);
		sb_add(&w, s, n);
		if (n)
			put(prefix, sb_str(&w), n, NULL);
		s += n;
		if (*s == ' ' && s[1] == '(')
			s += strcspn(s, ")") + (strchr(s, ')') != NULL);
	}
	sb_free(&w);
}

/* The CRM directory of the command line: -d DIR, --dir DIR, --dir=DIR
 * among args. */
static const char *dir_arg(int argc, char **argv)
{
	const char *dir = NULL;
	for (int i = 0; i < argc; i++) {
		if ((!strcmp(argv[i], "-d") || !strcmp(argv[i], "--dir")) && i + 1 < argc)
			dir = argv[++i];
		else if (!strncmp(argv[i], "--dir=", 6))
			dir = argv[i] + 6;
		else if (!strncmp(argv[i], "-d", 2) && argv[i][2])
			dir = argv[i] + 2;
	}
	return dir;
}

/* The customers: ids and e-mails with the name, names that only one
 * customer has with the id. */
static void customers(const struct crm_dir *d, const char *prefix)
{
	struct recin in;
	if (recin_open(&in, d, false, false) < 0)
		return;
	long ci = hdr_find(&in.hdr, "id"), cn = hdr_find(&in.hdr, "name"),
	     ce = hdr_find(&in.hdr, "email");
	struct hmap names = { 0 };
	char **idv = NULL;
	long *count = NULL;
	size_t nn = 0, cap = 0, cap2 = 0;
	struct rec r = { 0 };
	while (ci >= 0 && recin_next(&in, &r) > 0) {
		const char *id = rec_get(&r, (size_t)ci);
		const char *name = cn >= 0 ? rec_get(&r, (size_t)cn) : "";
		put(prefix, id, strlen(id), name);
		if (ce >= 0)
			put(prefix, rec_get(&r, (size_t)ce), strlen(rec_get(&r, (size_t)ce)), name);
		if (!*name)
			continue;
		size_t k = hmap_put(&names, name, strlen(name));
		if (k < nn) {
			count[k]++;
			continue;
		}
		xgrow((void **)&idv, &cap, nn + 1, sizeof *idv);
		xgrow((void **)&count, &cap2, nn + 1, sizeof *count);
		idv[nn] = xstrdup(id);
		count[nn++] = 1;
	}
	for (size_t i = 0; i < nn; i++) {
		size_t n;
		const char *name = hmap_key(&names, i, &n);
		if (count[i] == 1)
			put(prefix, name, n, idv[i]);
		free(idv[i]);
	}
	free(idv);
	free(count);
	hmap_free(&names);
	rec_free(&r);
	recin_close(&in);
}

/* The open tasks, as crm-log --done takes them: id and text. */
static void tasks(const struct crm_dir *d, const char *prefix)
{
	struct derive_opts o = { .mask = 1u << D_OPEN_TASKS, .tasks = true, .since = INT64_MIN,
				 .until = INT64_MAX };
	struct derive *dv = derive_load(d, &o);
	if (!dv)
		return;
	size_t pos = 0;
	struct open_task t;
	struct sb id = { 0 }, text = { 0 };
	while (derive_task(dv, &pos, &t)) {
		sb_reset(&id);
		sb_reset(&text);
		sb_add(&id, t.id, t.idn);
		sb_add(&text, t.text, t.textn);
		put(prefix, sb_str(&id), id.len, sb_str(&text));
	}
	sb_free(&id);
	sb_free(&text);
	derive_free(dv);
}

/* The header of customers.csv, or false. */
static bool header(const struct crm_dir *d, struct recin *in)
{
	return recin_open(in, d, false, false) == 0;
}

/* The field names: the columns of customers.csv (d may be NULL), then,
 * when derived, the derived fields no column has; each as head + name, and
 * with a tail the name + tail too. */
static void fields(const struct crm_dir *d, const char *head, const char *prefix, const char *tail,
		   bool derived)
{
	struct recin in;
	struct hdr none = { 0 };
	bool ok = d && header(d, &in);
	struct fieldset fs;
	fieldset_init(&fs, ok ? &in.hdr : &none);
	struct sb w = { 0 }, want = { 0 }, listed = { 0 };
	sb_printf(&want, "%s%s", head, prefix);
	/* a list leaves out the names it has */
	sb_printf(&listed, ",%s", head);
	for (size_t i = 0; i < (derived ? fs.n : fs.ncols); i++) {
		sb_reset(&w);
		sb_printf(&w, ",%s,", fs.v[i].name);
		if (*head && strstr(sb_str(&listed), sb_str(&w)))
			continue;
		for (int pass = 0; pass < 1 + (*tail != '\0'); pass++) {
			sb_reset(&w);
			sb_printf(&w, "%s%s%s", head, fs.v[i].name, pass ? tail : "");
			put(sb_str(&want), sb_str(&w), w.len, NULL);
		}
	}
	sb_free(&w);
	sb_free(&want);
	sb_free(&listed);
	fieldset_free(&fs);
	if (ok)
		recin_close(&in);
}

/* The values column field holds (each tag of a list), each once, as head
 * + value, quoted when the expression language would not read it as one
 * word. */
static void values(const struct crm_dir *d, const char *field, const char *head, const char *prefix)
{
	struct recin in;
	if (!header(d, &in))
		return;
	long c = hdr_find(&in.hdr, field);
	bool list = !strcmp(field, "tags");
	struct hmap seen = { 0 };
	struct rec r = { 0 };
	struct sb w = { 0 };
	while (c >= 0 && recin_next(&in, &r) > 0) {
		const char *v = rec_get(&r, (size_t)c);
		while (*v) {
			size_t n = list ? strcspn(v, ";") : strlen(v);
			if (n && n >= strlen(prefix) && !strncasecmp(v, prefix, strlen(prefix)) &&
			    hmap_get(&seen, v, n) < 0) {
				hmap_put(&seen, v, n);
				sb_reset(&w);
				sb_add(&w, head, strlen(head));
				bool plain = true;
				for (size_t i = 0; i < n; i++)
					plain = plain && !strchr(" \t()=!~<>\"'\\", v[i]);
				if (!plain) {
					sb_add(&w, "\"", 1);
					for (const char *p = v; p < v + n; p++) {
						if (*p == '"' || *p == '\\')
							sb_add(&w, "\\", 1);
						sb_add(&w, p, 1);
					}
					sb_add(&w, "\"", 1);
				} else {
					sb_add(&w, v, n);
				}
				put("", sb_str(&w), w.len, NULL);
			}
			v += n;
			v += *v == ';';
		}
	}
	sb_free(&w);
	hmap_free(&seen);
	rec_free(&r);
	recin_close(&in);
}

/* An expression being written: a field name at the start of its last test,
 * the values of the field after "field=" (or another operator). */
static void expression(const struct crm_dir *d, const char *word)
{
	size_t start = 0;
	for (size_t i = 0; word[i]; i++)
		if (word[i] == ' ' || word[i] == '(')
			start = i + 1;
	const char *t = word + start;
	size_t f = strcspn(t, "=!~<>");
	struct sb head = { 0 };
	if (!t[f]) {
		sb_add(&head, word, start);
		fields(d, sb_str(&head), t, "", true);
	} else {
		char *field = xstrndup(t, f);
		size_t op = f + strspn(t + f, "=!~<>");
		sb_add(&head, word, start + op);
		const char *v = t + op;
		if (*v == '"' || *v == '\'')
			v++;
		if (d)
			values(d, field, sb_str(&head), v);
		free(field);
	}
	sb_free(&head);
}

/* The names of the rules of segments.conf. */
static void segments(const struct crm_dir *d, const char *prefix)
{
	struct recin in;
	if (!header(d, &in))
		return;
	struct fieldset fs;
	fieldset_init(&fs, &in.hdr);
	struct schema sc = fieldset_schema(&fs);
	struct sb text = { 0 };
	FILE *f = fopen(crm_path(d, "segments.conf"), "r");
	if (f) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			sb_add(&text, buf, n);
		fclose(f);
		struct rule *v;
		size_t nv;
		struct rules_err err;
		if (rules_parse(text.s ? text.s : "", text.len, &sc, crm_now(), &v, &nv, &err) == 0) {
			for (size_t i = 0; i < nv; i++)
				put(prefix, v[i].name, strlen(v[i].name), "segments.conf");
			rules_free(v, nv);
		}
	}
	sb_free(&text);
	fieldset_free(&fs);
	recin_close(&in);
}

/* The names of the rules of automations.conf: the word before the colon of
 * each line that is not a comment, a blank or the continuation of another
 * (a line may be bad as a rule and its name still worth offering). */
static void rules(const struct crm_dir *d, const char *prefix)
{
	FILE *f = fopen(crm_path(d, AUTOMATIONS), "r");
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool more = false; /* the line before ended in a backslash */
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		bool cont = more;
		more = n > 0 && line[n - 1] == '\\';
		if (cont)
			continue;
		const char *s = line + strspn(line, " \t");
		size_t k = strcspn(s, ":# \t");
		const char *after = s + k + strspn(s + k, " \t");
		if (k && *after == ':')
			put(prefix, s, k, AUTOMATIONS);
	}
	free(line);
	fclose(f);
}

static const struct crm_opt *find_opt(const struct crm_cmd *cmd, const char *what)
{
	for (const struct crm_opt *o = cmd->opts; o->key || o->name; o++) {
		if (what[1] == '-' ? o->name && !strcmp(o->name, what + 2)
				   : o->key < 256 && o->key == (unsigned char)what[1] && !what[2])
			return o;
	}
	return NULL;
}

/* Whether kind needs the CRM directory. */
static bool needs_dir(const char *kind)
{
	static const char *const data[] = { "CUSTOMER", "TASK", "EXPR", "FIELD", "FIELDS", "SORT",
					    "SEGMENT", "COUNTRY", "USER", "TAG", "RULE", NULL };
	return dom_index(data, kind) >= 0;
}

static void values_of(int argc, char **argv, const struct crm_cmd *cmd)
{
	if (argc < 3)
		exit(CRM_ERR);
	const char *what = argv[2], *prefix = argc > 3 ? argv[3] : "";
	const char *kind = what, *help = NULL;
	if (what[0] == '-') {
		const struct crm_opt *o = find_opt(cmd, what);
		if (!o)
			exit(CRM_ERR);
		kind = complete_kind(o);
		help = o->help;
	}
	struct crm_dir d;
	bool have = false;
	if (needs_dir(kind)) {
		have = crm_dir_try(&d, dir_arg(argc - 4, argv + 4));
		/* field names without a directory: the derived ones */
		if (!have && strcmp(kind, "FIELDS") && strcmp(kind, "SORT") && strcmp(kind, "EXPR") &&
		    strcmp(kind, "SEGMENT"))
			exit(CRM_OK);
	}
	const struct crm_dir *dp = have ? &d : NULL;
	if (!strcmp(kind, "CUSTOMER")) {
		customers(&d, prefix);
	} else if (!strcmp(kind, "TASK")) {
		tasks(&d, prefix);
	} else if (!strcmp(kind, "EXPR")) {
		expression(dp, prefix);
	} else if (!strcmp(kind, "FIELD")) {
		fields(dp, "", prefix, "", false);
	} else if (!strcmp(kind, "SORT")) {
		fields(dp, "", prefix, ":desc", true);
	} else if (!strcmp(kind, "FIELDS")) {
		/* the last of a comma-separated list */
		const char *c = strrchr(prefix, ',');
		size_t h = c ? (size_t)(c - prefix) + 1 : 0;
		char *head = xstrndup(prefix, h);
		fields(dp, head, prefix + h, "", true);
		free(head);
	} else if (!strcmp(kind, "SEGMENT")) {
		if (have)
			segments(&d, prefix);
		if (extra)
			extra(kind, prefix);
	} else if (!strcmp(kind, "RULE")) {
		rules(&d, prefix);
	} else if (!strcmp(kind, "COUNTRY")) {
		values(&d, "country", "", prefix);
	} else if (!strcmp(kind, "USER")) {
		values(&d, "owner", "", prefix);
	} else if (!strcmp(kind, "TAG")) {
		values(&d, "tags", "", prefix);
	} else if (!strcmp(kind, "TYPE")) {
		put_list(prefix, dom_log_types);
	} else if (!strcmp(kind, "CONSENT")) {
		put_list(prefix, dom_consents);
	} else if (help && (!strcmp(kind, "FORMAT") || !strcmp(kind, "STAGE") ||
			    !strcmp(kind, "CHANNEL") || !strcmp(kind, "PERIOD") ||
			    !strcmp(kind, "WHEN") || !strcmp(kind, "PRIORITY") ||
			    !strcmp(kind, "STATUS"))) {
		/* a fixed set: the words the option's help lists */
		put_help_list(prefix, help);
	} else if (extra) {
		extra(kind, prefix);
	}
	if (have)
		crm_dir_close(&d);
}

void complete_run(int argc, char **argv, const struct crm_cmd *cmd)
{
	if (argc < 2 || strncmp(argv[1], "--complete-", 11))
		return;
	if (!strcmp(argv[1], "--complete-options")) {
		for (const struct crm_opt *o = cmd->opts; o->key || o->name; o++) {
			if (o->key > 0 && o->key < 256)
				printf("%c", o->key);
			else
				printf("-");
			printf("\t%s\t%s%s\t%s\n", o->name ? o->name : "-",
			       o->arg && o->arg[0] == '=' ? "=" : "", complete_kind(o), o->help);
		}
	} else if (!strcmp(argv[1], "--complete-commands")) {
		if (extra)
			extra("COMMAND", argc > 2 ? argv[2] : "");
	} else if (!strcmp(argv[1], "--complete-values")) {
		values_of(argc, argv, cmd);
	} else {
		return;
	}
	crm_flush_stdout();
	exit(CRM_OK);
}
