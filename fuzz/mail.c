/* mail.c - fuzz the mail readers: an mbox split into messages, each
 * unquoted, its header parsed, its addresses, date, subject, text and
 * delivery status decoded; the transfer decoders on the raw bytes. Whatever comes back is
 * valid UTF-8, and the split moves forward through the input. */
#include "fuzz.h"

#include "msg.h"
#include "utf8.h"

static void valid(const char *s, size_t n, const char *what)
{
	fuzz_check(u8_valid(s, n, NULL), what);
}

static void one_message(const char *s, size_t n)
{
	struct sb plain = { 0 };
	mbox_unquote(s, n, &plain);
	struct msg m = { 0 };
	char err[200];
	if (msg_parse(plain.s ? plain.s : "", plain.len, &m, err, sizeof err) < 0) {
		fuzz_check(err[0] != '\0', "a message refused has a reason");
		fuzz_check(m.nf == 0, "a message refused holds no field");
		sb_free(&plain);
		return;
	}
	for (size_t i = 0; i < m.nf; i++)
		fuzz_check(m.f[i].name && m.f[i].value, "a field has a name and a value");
	const char *names[] = { "From", "To", "Cc" };
	for (size_t i = 0; i < 3; i++) {
		const char *v = msg_get(&m, names[i]);
		if (!v)
			continue;
		struct msg_addr *a = NULL;
		size_t na = 0, cap = 0;
		msg_addrs(v, &a, &na, &cap);
		for (size_t j = 0; j < na; j++) {
			valid(a[j].name, strlen(a[j].name), "a display name is UTF-8");
			fuzz_check(strchr(a[j].addr, '@') != NULL, "an address has an @");
		}
		msg_addrs_free(a, na);
	}
	const char *subj = msg_get(&m, "Subject");
	if (subj) {
		struct sb out = { 0 };
		msg_words(subj, strlen(subj), &out);
		valid(out.s ? out.s : "", out.len, "a decoded subject is UTF-8");
		sb_free(&out);
	}
	const char *date = msg_get(&m, "Date");
	crm_time t;
	if (date)
		(void)msg_date(date, &t);
	struct sb text = { 0 }, ex = { 0 };
	msg_text(&m, &text);
	valid(text.s ? text.s : "", text.len, "the text of a message is UTF-8");
	msg_excerpt(text.s ? text.s : "", text.len, 200, &ex);
	valid(ex.s ? ex.s : "", ex.len, "an excerpt is UTF-8");
	fuzz_check(u8_width(ex.s ? ex.s : "", ex.len) <= 400, "an excerpt is short");
	sb_free(&ex);
	sb_free(&text);
	struct msg_rcpt *r;
	size_t nr = msg_dsn(&m, &r);
	for (size_t i = 0; i < nr; i++) {
		valid(r[i].addr, strlen(r[i].addr), "a bounced address is UTF-8");
		valid(r[i].status, strlen(r[i].status), "a delivery status is UTF-8");
		valid(r[i].diag, strlen(r[i].diag), "a diagnostic is UTF-8");
	}
	msg_rcpt_free(r, nr);
	msg_free(&m);
	sb_free(&plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct mbox mb;
	struct mbox_msg mm;
	mbox_init(&mb, buf, size);
	size_t last = 0;
	int count = 0;
	while (mbox_next(&mb, &mm)) {
		fuzz_check(mm.s >= buf && mm.s + mm.n <= buf + size, "a message lies inside the mbox");
		fuzz_check(count == 0 || (size_t)(mm.s - buf) >= last, "messages go forward");
		fuzz_check(++count <= (int)size + 1, "no more messages than bytes");
		last = (size_t)(mm.s - buf) + mm.n;
		if (mm.from) {
			crm_time t;
			(void)mbox_from_date(mm.from, mm.fromlen, &t);
		}
		one_message(mm.s, mm.n);
	}
	struct sb q = { 0 }, b = { 0 };
	qp_decode(buf, size, &q);
	b64_decode(buf, size, &b);
	fuzz_check(q.len <= size && b.len <= size, "decoding never grows the text");
	sb_free(&q);
	sb_free(&b);
	return 0;
}
