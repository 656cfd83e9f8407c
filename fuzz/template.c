/* template.c - fuzz the mail template renderer: parse the input as a
 * template and render it for a customer whose values hold line breaks,
 * quotes and non-ASCII text, as crm-mail does. Checks: a header never
 * gains a line that is not a folded continuation (no header injection),
 * encoded-word lines stay within 78 characters, the quoted-printable body
 * is short-lined 7-bit text that decodes to the body, and an mbox message
 * has no unquoted From_ line. Every header line fits 998 octets and holds
 * no control character, and text that looks like an encoded-word is never
 * left for a reader to decode. */
#include "fuzz.h"

#include <ctype.h>

#include "mail.h"

static const char *const fields[][2] = {
	{ "name", "Evil\r\nBcc: victim@example.org" },
	{ "first_name", "Zoë" },
	{ "company", "ACME, \"Inc\" <sales@acme.example>" },
	{ "city", "Kraków" },
	{ "email", "zoe@example.org" },
	{ "tags", "vip;b2b" },
	{ "note", "From the first line\n>From the second\nline three with trailing space \n" },
	{ "long", "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
		  "incididunt ut labore et dolore magna aliqua Ut enim ad minim veniam" },
	{ "cyr", "Шановний клієнте, дякуємо за ваше замовлення у нашому магазині" },
	{ "empty", "" },
	{ "ctl", "Eve\x1b[31m\x0b\x0c\x7f\xc2\x85\tend" },
	{ "word", "=?UTF-8?B?RXZlDQpCY2M6IGV2aWxAZXhhbXBsZS5jb20=?=" },
	{ "huge", NULL }, /* 1500 letters without a space, made on the first run */
};

static char huge[1501];

static const char *look(void *ctx, const char *field)
{
	(void)ctx;
	if (!strcmp(field, "huge"))
		return huge;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!strcmp(fields[i][0], field))
			return fields[i][1];
	return NULL;
}

/* A header as mail_header wrote it: one line, or more where each one
 * after the first starts with a space. */
static void check_header(const char *h, size_t n, const char *name, bool ascii)
{
	fuzz_check(n > 0 && h[n - 1] == '\n', "a header ends with a line end");
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c != '\n') {
			fuzz_check(c >= ' ' && c != 0x7F, "a header holds no control character");
			fuzz_check(!(c == 0xC2 && i + 1 < n && (unsigned char)h[i + 1] >= 0x80 &&
				     (unsigned char)h[i + 1] <= 0x9F),
				   "a header holds no C1 control character");
			continue;
		}
		fuzz_check(i + 1 == n || h[i + 1] == ' ', "a header line break is a fold");
		fuzz_check(i - start <= MAIL_LINE_MAX, "a header line fits 998 octets");
		if (!ascii && strlen(name) < 60)
			fuzz_check(i - start <= 78, "an encoded header line fits 78 characters");
		start = i + 1;
	}
}

/* Whether every "=?" of h[0..n) opens one of our own encoded-words (the
 * padding of whose base64 may be followed by their "?="). */
static bool only_our_words(const char *h, size_t n)
{
	const char *p = h, *e = h + n;
	while ((p = memmem(p, (size_t)(e - p), "=?", 2))) {
		if ((size_t)(e - p) < 10 || memcmp(p, "=?UTF-8?B?", 10))
			return false;
		p += 10;
		while (p < e && (isalnum((unsigned char)*p) || *p == '+' || *p == '/' || *p == '='))
			p++;
		if (e - p < 2 || memcmp(p, "?=", 2))
			return false;
		p += 2;
	}
	return true;
}

static void header(struct sb *msg, const char *name, const char *value)
{
	size_t from = msg->len;
	mail_header(msg, name, value);
	bool ascii = true;
	for (const char *p = value; *p; p++)
		ascii = ascii && (unsigned char)*p < 0x80 && (unsigned char)*p >= ' ' && *p != 0x7F;
	ascii = ascii && !strstr(value, "=?");
	check_header(msg->s + from, msg->len - from, name, ascii);
	if (strstr(value, "=?") && !strpbrk(name, "=?"))
		fuzz_check(only_our_words(msg->s + from, msg->len - from),
			   "text like an encoded-word is encoded itself");
}

/* An address header as crm-mail writes it: the display name made safe by
 * mail_address, the line folded by mail_header_raw or refused. */
static void address(struct sb *msg, const char *hname, const char *name, const char *addr)
{
	struct sb v = { 0 };
	mail_address(&v, name, addr);
	size_t from = msg->len;
	if (mail_header_raw(msg, hname, v.s)) {
		check_header(msg->s + from, msg->len - from, hname, false);
		if (strstr(name, "=?"))
			fuzz_check(only_our_words(msg->s + from, msg->len - from),
				   "a display name like an encoded-word is encoded itself");
	}
	sb_free(&v);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void check_qp(const char *body, size_t n)
{
	struct sb qp = { 0 }, dec = { 0 };
	mail_qp(&qp, body, n);
	size_t col = 0;
	for (size_t i = 0; i < qp.len; i++) {
		unsigned char c = (unsigned char)qp.s[i];
		if (c == '\n') {
			fuzz_check(i == 0 || (qp.s[i - 1] != ' ' && qp.s[i - 1] != '\t'),
				   "no white space ends a quoted-printable line");
			col = 0;
			continue;
		}
		fuzz_check(c == '\t' || (c >= 32 && c < 127), "quoted-printable is 7-bit text");
		fuzz_check(++col <= 76, "a quoted-printable line fits 76 characters");
	}
	for (size_t i = 0; i < qp.len; i++) {
		if (qp.s[i] != '=') {
			sb_addc(&dec, qp.s[i]);
		} else if (i + 1 < qp.len && qp.s[i + 1] == '\n') {
			i++;
		} else {
			fuzz_check(i + 2 < qp.len && hexval(qp.s[i + 1]) >= 0 && hexval(qp.s[i + 2]) >= 0,
				   "an = is a soft break or two hex digits");
			sb_addc(&dec, (char)(hexval(qp.s[i + 1]) * 16 + hexval(qp.s[i + 2])));
			i += 2;
		}
	}
	bool same = dec.len == n && (!n || !memcmp(dec.s, body, n));
	bool plus_lf = dec.len == n + 1 && n && body[n - 1] != '\n' && !memcmp(dec.s, body, n) &&
		       dec.s[n] == '\n';
	fuzz_check(same || plus_lf, "quoted-printable decodes to the body");
	sb_free(&qp);
	sb_free(&dec);
}

static void check_mbox(const char *msg, size_t n)
{
	struct sb box = { 0 };
	mbox_put(&box, msg, n, FUZZ_NOW);
	fuzz_check(box.len >= 5 && !memcmp(box.s, "From ", 5), "an mbox message starts with From_");
	for (size_t i = 0; i + 1 < box.len; i++)
		if (box.s[i] == '\n')
			fuzz_check(box.len - i - 1 < 5 || memcmp(box.s + i + 1, "From ", 5),
				   "no line of the message starts with From_");
	fuzz_check(box.len >= 2 && box.s[box.len - 1] == '\n' && box.s[box.len - 2] == '\n',
		   "an mbox message ends with a blank line");
	sb_free(&box);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl t;
	char err[200];
	if (tmpl_parse((const char *)data, size, &t, err, sizeof err) < 0) {
		char *end;
		fuzz_check(strtol(err, &end, 10) >= 1 && *end == ':', "a template error names its line");
		return 0;
	}
	if (!huge[0])
		memset(huge, 'x', sizeof huge - 1);
	struct sb msg = { 0 }, v = { 0 }, addr = { 0 };
	char *missing;
	static const char *const names[] = { "name", "company", "ctl", "word", "huge", "cyr" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		address(&msg, "To", look(NULL, names[i]), "evil@example.org");
	for (size_t i = 0; i < t.nh; i++) {
		sb_reset(&v);
		if (tmpl_render(t.h[i].value, look, NULL, &v, &missing) < 0) {
			fuzz_check(missing != NULL, "a failed render names the field");
			free(missing);
			continue;
		}
		/* crm-mail refuses a rendered header with a line break */
		if (has_line_break(v.s ? v.s : "", v.len))
			continue;
		header(&msg, t.h[i].name, sb_str(&v));
	}
	sb_reset(&v);
	if (tmpl_render(t.body, look, NULL, &v, &missing) == 0) {
		check_qp(sb_str(&v), v.len);
		sb_addc(&msg, '\n');
		mail_qp(&msg, v.s, v.len);
		check_mbox(msg.s, msg.len);
	} else {
		free(missing);
	}
	sb_free(&msg);
	sb_free(&v);
	sb_free(&addr);
	tmpl_free(&t);
	return 0;
}
