/* template.c - fuzz the mail template renderer: parse the input as a
 * template and render it for a customer whose values hold line breaks,
 * quotes and non-ASCII text, as crm-mail does. Checks: a header never
 * gains a line that is not a folded continuation (no header injection),
 * encoded-word lines stay within 78 characters, the quoted-printable body
 * is short-lined 7-bit text that decodes to the body, and an mbox message
 * has no unquoted From_ line. */
#include "fuzz.h"

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
};

static const char *look(void *ctx, const char *field)
{
	(void)ctx;
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
	fuzz_check(!memchr(h, '\r', n) && !memchr(h, '\0', n), "a header holds no CR or NUL");
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (h[i] != '\n')
			continue;
		fuzz_check(i + 1 == n || h[i + 1] == ' ', "a header line break is a fold");
		if (!ascii && strlen(name) < 60)
			fuzz_check(i - start <= 78, "an encoded header line fits 78 characters");
		start = i + 1;
	}
}

static void header(struct sb *msg, const char *name, const char *value)
{
	size_t from = msg->len;
	mail_header(msg, name, value);
	bool ascii = true;
	for (const char *p = value; *p; p++)
		ascii = ascii && (unsigned char)*p < 0x80;
	check_header(msg->s + from, msg->len - from, name, ascii);
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
	struct sb msg = { 0 }, v = { 0 }, addr = { 0 };
	char *missing;
	mail_address(&addr, look(NULL, "name"), "evil@example.org");
	if (!has_line_break(addr.s, addr.len))
		header(&msg, "To", addr.s);
	sb_reset(&addr);
	mail_address(&addr, look(NULL, "company"), "sales@example.org");
	header(&msg, "Cc", addr.s);
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
