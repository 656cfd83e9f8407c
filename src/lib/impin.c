/* impin.c - reading a file to import */
#include "impin.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "charset.h"
#include "utf8.h"
#include "vcard.h"

char impin_delim_arg(const char *s)
{
	if (!strcmp(s, "tab") || !strcmp(s, "\\t") || !strcmp(s, "\t"))
		return '\t';
	if (strlen(s) != 1 || *s == '"' || *s == '\r' || *s == '\n' || (unsigned char)*s >= 0x80)
		return 0;
	return *s;
}

/* The separators of the candidates (',', ';', tab) outside quotes on the
 * line that starts at or after s[*i] (blank lines skipped), into count;
 * *i moves past it. False when there is no such line. */
static bool count_seps(const char *s, size_t n, size_t *i, long count[3])
{
	static const char cand[3] = { ',', ';', '\t' };
	while (*i < n && (s[*i] == '\n' || s[*i] == '\r' || s[*i] == ' '))
		(*i)++;
	if (*i >= n)
		return false;
	bool quoted = false;
	for (; *i < n; (*i)++) {
		char c = s[*i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '\n' || c == '\r'))
			break;
		else if (!quoted)
			for (int k = 0; k < 3; k++)
				count[k] += c == cand[k];
	}
	return true;
}

char impin_sniff_delim(const char *s, size_t n)
{
	static const char cand[3] = { ',', ';', '\t' };
	long head[3] = { 0 }, row[3] = { 0 };
	size_t i = 0;
	count_seps(s, n, &i, head);
	bool rows = count_seps(s, n, &i, row);
	/* most in the header, of those that split the first row into as
	 * many fields, if any does ("Klient, e-mail;Typ" over "x@y.pl;note" is
	 * split at ';') */
	int best = -1;
	for (int pass = rows ? 0 : 1; pass < 2 && best < 0; pass++)
		for (int k = 0; k < 3; k++)
			if (head[k] && (pass || row[k] == head[k]) && (best < 0 || head[k] > head[best]))
				best = k;
	return cand[best < 0 ? 0 : best];
}

/* The line and the byte of the line where offset at of s lies. */
static void where(const char *s, size_t at, long *line, size_t *col)
{
	*line = 1;
	size_t start = 0;
	for (size_t i = 0; i < at; i++)
		if (s[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	*col = at - start + 1;
}

static enum impin_kind kind_of(const char *s, size_t n, bool vcard_ok)
{
	size_t p = 0;
	while (p < n && (s[p] == ' ' || s[p] == '\t' || s[p] == '\r' || s[p] == '\n'))
		p++;
	if (p < n && s[p] == '{')
		return IMPIN_JSONL;
	if (vcard_ok && vcard_sniff(s, n))
		return IMPIN_VCARD;
	return IMPIN_CSV;
}

int impin_read(struct impin *in, const char *file, const struct impin_opts *o)
{
	memset(in, 0, sizeof *in);
	struct sb raw = { 0 };
	int fd = STDIN_FILENO;
	bool std = !strcmp(file, "-");
	in->name = xstrdup(std ? "<stdin>" : file);
	if (!std && (fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		crm_warn("%s", file);
		goto fail;
	}
	int k = read_text(fd, &raw);
	if (!std)
		close(fd);
	if (k < 0) {
		crm_warn("%s", in->name);
		goto fail;
	}
	const char *s = sb_str(&raw);
	size_t n = raw.len;
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3, n -= 3;
	if (o->encoding) {
		size_t bad = 0;
		int c = charset_conv(o->encoding, s, n, &in->data, &bad);
		if (c == -1) {
			crm_warnx("--encoding %s: not a charset iconv knows (iconv -l lists them)",
				  o->encoding);
			goto fail;
		}
		if (c < 0) {
			long line;
			size_t col;
			where(s, bad, &line, &col);
			crm_dataerr(in->name, line, "byte %zu of the line is not text in %s", col,
				    o->encoding);
			goto fail;
		}
		/* a mark the conversion made (UTF-16, UTF-32) */
		if (in->data.len >= 3 && !memcmp(in->data.s, "\xEF\xBB\xBF", 3)) {
			memmove(in->data.s, in->data.s + 3, in->data.len - 3);
			in->data.len -= 3;
			in->data.s[in->data.len] = '\0';
		}
	} else {
		size_t bad;
		if (kind_of(s, n, o->vcard_ok) != IMPIN_VCARD && !u8_valid(s, n, &bad)) {
			long line;
			size_t col;
			where(s, bad, &line, &col);
			crm_dataerr(in->name, line,
				    "invalid UTF-8 (byte %zu of the line): name the file's encoding with "
				    "--encoding (windows-1250, iso-8859-2, windows-1252, ...)",
				    col);
			goto fail;
		}
		sb_add(&in->data, s, n);
	}
	sb_str(&in->data);
	in->kind = kind_of(in->data.s, in->data.len, o->vcard_ok);
	in->delim = o->delim ? o->delim : impin_sniff_delim(in->data.s, in->data.len);
	sb_free(&raw);
	return 0;
fail:
	sb_free(&raw);
	impin_free(in);
	return -1;
}

void impin_free(struct impin *in)
{
	sb_free(&in->data);
	free(in->name);
	memset(in, 0, sizeof *in);
}
