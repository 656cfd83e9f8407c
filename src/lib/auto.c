/* auto.c - the rules of automations.conf */
#include "auto.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "valid.h"

/* A word of a rule: its bytes as written [start, end) and its value, the
 * quotes taken away ("Onboarding call" -> Onboarding call). */
struct word {
	const char *start, *end;
	char *val;
	bool quoted;
};

static void words_free(struct word *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].val);
	free(v);
}

/* Split s into words at blanks outside quotes ('...' or "...", a
 * backslash escaping the quote or itself inside). False for a quote not
 * closed. */
static bool words(const char *s, struct word **v, size_t *n)
{
	size_t cap = 0;
	*v = NULL;
	*n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return true;
		struct word w = { .start = s };
		struct sb b = { 0 };
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '"' || *s == '\'') {
				char q = *s++;
				w.quoted = true;
				while (*s && *s != q) {
					if (*s == '\\' && (s[1] == q || s[1] == '\\'))
						s++;
					sb_addc(&b, *s++);
				}
				if (!*s) {
					sb_free(&b);
					words_free(*v, *n);
					*v = NULL;
					*n = 0;
					return false;
				}
				s++;
			} else {
				sb_addc(&b, *s++);
			}
		}
		w.end = s;
		w.val = xstrdup(sb_str(&b));
		sb_free(&b);
		void *p = *v;
		xgrow(&p, &cap, *n + 1, sizeof **v);
		*v = p;
		(*v)[(*n)++] = w;
	}
}

/* Whether word w is the keyword k (as written, not quoted). */
static bool is_kw(const struct word *w, const char *k)
{
	return !w->quoted && !strcmp(w->val, k);
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

bool auto_expand(const char *s, auto_lookup look, void *ctx, struct sb *out, const char **bad)
{
	static char name[256];
	bool ok = true;
	*bad = NULL;
	while (*s) {
		const char *from = NULL, *to = NULL, *next = NULL;
		if (s[0] == '$' && s[1] == '$') {
			sb_addc(out, '$');
			s += 2;
			continue;
		}
		if (s[0] == '$' && name_char(s[1]) && !isdigit((unsigned char)s[1])) {
			from = s + 1;
			to = from;
			while (name_char(*to))
				to++;
			while (to > from && to[-1] == '.') /* "$name." ends a sentence */
				to--;
			next = to;
		} else if (s[0] == '{' && s[1] == '{' && strstr(s + 2, "}}")) {
			from = s + 2;
			to = strstr(from, "}}");
			next = to + 2;
			while (from < to && *from == ' ')
				from++;
			while (to > from && to[-1] == ' ')
				to--;
		}
		if (!from) {
			sb_addc(out, *s++);
			continue;
		}
		size_t k = (size_t)(to - from);
		if (k >= sizeof name)
			k = sizeof name - 1;
		memcpy(name, from, k);
		name[k] = '\0';
		const char *v = look(ctx, name);
		if (v) {
			sb_adds(out, v);
		} else {
			sb_add(out, s, (size_t)(next - s));
			if (ok)
				*bad = name;
			ok = false;
		}
		s = next;
	}
	return ok;
}

/* The schema, for checking the fields a text names. */
static const char *schema_look(void *ctx, const char *field)
{
	const struct schema *sc = ctx;
	for (size_t i = 0; i < sc->n; i++)
		if (!strcmp(sc->v[i].name, field))
			return "";
	return NULL;
}

/* The message for a field no schema has: its nearest names, or all. */
static void unknown_field(const struct schema *sc, const char *name, char *err, size_t n)
{
	const char **names = xcalloc(sc->n + 1, sizeof *names);
	for (size_t i = 0; i < sc->n; i++)
		names[i] = sc->v[i].name;
	struct sb b = { 0 };
	if (suggest(name, names, sc->n, "", &b)) {
		snprintf(err, n, "unknown field '%s' (did you mean %s?)", name, sb_str(&b));
	} else {
		for (size_t i = 0; i < sc->n; i++)
			sb_printf(&b, "%s%s", i ? ", " : "", names[i]);
		snprintf(err, n, "unknown field '%s' (known: %s)", name, sb_str(&b));
	}
	sb_free(&b);
	free(names);
}

/* Check the fields text names; false with the message in err. */
static bool check_text(const char *text, const struct schema *sc, char *err, size_t n)
{
	struct sb b = { 0 };
	const char *bad;
	bool ok = auto_expand(text, schema_look, (void *)sc, &b, &bad);
	sb_free(&b);
	if (!ok)
		unknown_field(sc, bad, err, n);
	return ok;
}

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Parse one rule (a whole logical line, comments gone) into r. */
static int parse_rule(const char *s, const struct schema *sc, crm_time now, struct auto_rule *r,
		      char *err, size_t en)
{
	memset(r, 0, sizeof *r);
	const char *colon = strchr(s, ':');
	if (!colon)
		return fail(err, en, "expected NAME: when CONDITION do ACTION");
	const char *ns = s, *ne = colon;
	while (ns < ne && isspace((unsigned char)*ns))
		ns++;
	while (ne > ns && isspace((unsigned char)ne[-1]))
		ne--;
	if (ns == ne)
		return fail(err, en, "a rule needs a name before ':'");
	for (const char *p = ns; p < ne; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.')
			return fail(err, en, "'%.*s': a rule's name is letters, digits, '_', '-' and '.'",
				    (int)(ne - ns), ns);
	r->name = xstrndup(ns, (size_t)(ne - ns));
	struct word *w;
	size_t nw;
	if (!words(colon + 1, &w, &nw))
		return fail(err, en, "%s: a quote is not closed", r->name);
	int rc = -1;
	size_t k = 1, end = nw;
	if (!nw || !is_kw(&w[0], "when")) {
		fail(err, en, "%s: expected 'when' after the name", r->name);
		goto out;
	}
	while (k < nw && !is_kw(&w[k], "do"))
		k++;
	if (k == nw) {
		fail(err, en, "%s: expected 'do ACTION' after the condition", r->name);
		goto out;
	}
	if (k == 1) {
		fail(err, en, "%s: expected a condition after 'when'", r->name);
		goto out;
	}
	/* the condition as written, from its first word to its last */
	char *cond = xstrndup(w[1].start, (size_t)(w[k - 1].end - w[1].start));
	char xerr[1024];
	r->cond = expr_parse(cond, sc, now, xerr, sizeof xerr);
	free(cond);
	if (!r->cond) {
		/* "COL: message": the column is of the condition, not of the line */
		const char *m = xerr;
		while (isdigit((unsigned char)*m))
			m++;
		if (*m == ':')
			m++;
		while (*m == ' ')
			m++;
		fail(err, en, "%s: %s", r->name, m);
		goto out;
	}
	if (end >= k + 3 && is_kw(&w[end - 2], "every")) {
		if (!date_span(w[end - 1].val, &r->every)) {
			fail(err, en, "%s: every %s: expected a whole number of hours, days or weeks (12h, 30d, 2w)",
			     r->name, w[end - 1].val);
			goto out;
		}
		end -= 2;
	}
	size_t a = k + 1; /* the verb */
	if (a >= end) {
		fail(err, en, "%s: expected an action after 'do' (task, tag, set, mail, run)", r->name);
		goto out;
	}
	const char *verb = w[a].val;
	size_t nargs = end - a - 1;
	if (!strcmp(verb, "task")) {
		r->kind = AUTO_TASK;
		size_t d = a + 1;
		while (d < end && !is_kw(&w[d], "due"))
			d++;
		if (d == a + 1) {
			fail(err, en, "%s: task: expected its text", r->name);
			goto out;
		}
		if (d + 1 >= end) {
			fail(err, en, "%s: task: expected 'due WHEN' after the text", r->name);
			goto out;
		}
		struct sb t = { 0 };
		for (size_t i = a + 1; i < d; i++)
			sb_printf(&t, "%s%s", i > a + 1 ? " " : "", w[i].val);
		r->text = xstrdup(sb_str(&t));
		sb_free(&t);
		r->due = xstrdup(w[d + 1].val);
		crm_time t0;
		if (!date_parse_rel(r->due, now, &t0)) {
			fail(err, en, "%s: due %s: expected a date (2026-12-01) or a time from now (+2d, +1w)",
			     r->name, r->due);
			goto out;
		}
		for (size_t i = d + 2; i < end; i++) {
			if (strncmp(w[i].val, "owner=", 6) || r->owner) {
				fail(err, en, "%s: task: '%s': expected owner=X after the due date", r->name,
				     w[i].val);
				goto out;
			}
			r->owner = xstrdup(w[i].val + 6);
		}
	} else if (!strcmp(verb, "tag")) {
		r->kind = AUTO_TAG;
		const char *t = nargs == 1 ? w[a + 1].val : "";
		if (nargs != 1 || (t[0] != '+' && t[0] != '-') || !t[1]) {
			fail(err, en, "%s: tag: expected +TAG or -TAG", r->name);
			goto out;
		}
		r->untag = t[0] == '-';
		r->text = xstrdup(t + 1);
	} else if (!strcmp(verb, "set")) {
		r->kind = AUTO_SET;
		const char *eq = nargs == 1 ? strchr(w[a + 1].val, '=') : NULL;
		if (!eq || eq == w[a + 1].val) {
			fail(err, en, "%s: set: expected FIELD=VALUE", r->name);
			goto out;
		}
		r->field = xstrndup(w[a + 1].val, (size_t)(eq - w[a + 1].val));
		r->text = xstrdup(eq + 1);
		if (!strcmp(r->field, "id") || !strcmp(r->field, "created") || !strcmp(r->field, "updated")) {
			fail(err, en, "%s: set: %s is kept by crm and cannot be set", r->name, r->field);
			goto out;
		}
		if (!strchr(r->text, '$') && !strstr(r->text, "{{")) {
			/* a value known now is checked now, by the column's rule */
			char *norm = NULL;
			const char *why = valid_field(r->field, r->text, &norm);
			free(norm);
			if (why) {
				struct sb m = { 0 };
				valid_say(&m, r->field, r->text, why);
				fail(err, en, "%s: set: %s", r->name, sb_str(&m));
				sb_free(&m);
				goto out;
			}
		}
	} else if (!strcmp(verb, "mail")) {
		r->kind = AUTO_MAIL;
		if (nargs != 1) {
			fail(err, en, "%s: mail: expected one template", r->name);
			goto out;
		}
		r->text = xstrdup(w[a + 1].val);
	} else if (!strcmp(verb, "run")) {
		r->kind = AUTO_RUN;
		if (!nargs) {
			fail(err, en, "%s: run: expected a command", r->name);
			goto out;
		}
		r->text = xstrndup(w[a + 1].start, (size_t)(w[end - 1].end - w[a + 1].start));
	} else {
		static const char *const verbs[] = { "task", "tag", "set", "mail", "run" };
		fail(err, en, "%s: unknown action '%s'%s", r->name, verb,
		     *suggest_hint(verb, verbs, 5, "") ? suggest_hint(verb, verbs, 5, "")
						       : " (use one of: task, tag, set, mail, run)");
		goto out;
	}
	/* the fields the texts name must exist (a command is the shell's: the
	 * customer comes on its standard input) */
	char ferr[2048];
	const char *texts[] = { r->kind == AUTO_RUN ? NULL : r->text, r->owner, r->field };
	for (size_t i = 0; i < 3; i++)
		if (texts[i] && !check_text(texts[i], sc, ferr, sizeof ferr)) {
			fail(err, en, "%s: %s", r->name, ferr);
			goto out;
		}
	rc = 0;
out:
	words_free(w, nw);
	return rc;
}

static void rule_free(struct auto_rule *r)
{
	free(r->name);
	expr_free(r->cond);
	free(r->text);
	free(r->field);
	free(r->due);
	free(r->owner);
}

int auto_parse(const char *text, size_t len, const struct schema *sc, crm_time now,
	       struct auto_rule **v, size_t *n, long *err_line, char *err, size_t err_size)
{
	*v = NULL;
	*n = 0;
	size_t cap = 0;
	struct sb logical = { 0 };
	long line = 0, first = 0;
	const char *p = text, *e = text + len;
	int rc = 0;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;
		line++;
		size_t k = (size_t)(le - p);
		if (k && p[k - 1] == '\r')
			k--;
		if (memchr(p, '\0', k)) {
			*err_line = line;
			snprintf(err, err_size, "a NUL byte");
			rc = -1;
			break;
		}
		if (!logical.len)
			first = line;
		bool more = k && p[k - 1] == '\\';
		sb_add(&logical, p, more ? k - 1 : k);
		p = nl ? nl + 1 : e;
		if (more && p < e) {
			sb_addc(&logical, ' ');
			continue;
		}
		/* the comment: a '#' outside quotes, at the start or after a blank */
		char *s = (char *)sb_str(&logical);
		char q = 0;
		for (char *c = s; *c; c++) {
			if (q) {
				if (*c == '\\' && c[1])
					c++;
				else if (*c == q)
					q = 0;
			} else if (*c == '"' || *c == '\'') {
				q = *c;
			} else if (*c == '#' && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
				*c = '\0';
				break;
			}
		}
		char *t = str_trim(s);
		if (*t) {
			struct auto_rule r;
			if (parse_rule(t, sc, now, &r, err, err_size) < 0) {
				rule_free(&r);
				*err_line = first;
				rc = -1;
				break;
			}
			for (size_t i = 0; i < *n; i++)
				if (!strcmp((*v)[i].name, r.name)) {
					snprintf(err, err_size, "%s: a second rule of this name (the first is on line %ld)",
						 r.name, (*v)[i].line);
					rule_free(&r);
					*err_line = first;
					rc = -1;
					break;
				}
			if (rc < 0)
				break;
			r.line = first;
			void *q2 = *v;
			xgrow(&q2, &cap, *n + 1, sizeof **v);
			*v = q2;
			(*v)[(*n)++] = r;
		}
		sb_reset(&logical);
	}
	sb_free(&logical);
	if (rc < 0) {
		auto_free(*v, *n);
		*v = NULL;
		*n = 0;
	}
	return rc;
}

void auto_free(struct auto_rule *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rule_free(&v[i]);
	free(v);
}

/* A text as a rule would write it: bare when it is one plain word. */
static void put_word(struct sb *out, const char *s)
{
	bool plain = *s != '\0';
	for (const char *c = s; *c && plain; c++)
		plain = !isspace((unsigned char)*c) && *c != '"' && *c != '\'' && *c != '#';
	if (plain) {
		sb_adds(out, s);
		return;
	}
	sb_addc(out, '"');
	for (const char *c = s; *c; c++) {
		if (*c == '"' || *c == '\\')
			sb_addc(out, '\\');
		sb_addc(out, *c);
	}
	sb_addc(out, '"');
}

void auto_describe(const struct auto_rule *r, struct sb *out)
{
	switch (r->kind) {
	case AUTO_TASK:
		sb_adds(out, "task ");
		put_word(out, r->text);
		sb_printf(out, " due %s", r->due);
		if (r->owner) {
			sb_adds(out, " owner=");
			put_word(out, r->owner);
		}
		break;
	case AUTO_TAG:
		sb_printf(out, "tag %c%s", r->untag ? '-' : '+', r->text);
		break;
	case AUTO_SET:
		sb_printf(out, "set %s=", r->field);
		put_word(out, r->text);
		break;
	case AUTO_MAIL:
		sb_printf(out, "mail %s", r->text);
		break;
	case AUTO_RUN:
		sb_printf(out, "run %s", r->text);
		break;
	}
}
