/* msg.h - reading mail: RFC 5322 headers and dates, address lists, MIME
 * bodies, RFC 2047 encoded words, charsets; mbox files and Maildirs.
 * Every function works on a byte buffer and accepts any bytes (NUL,
 * invalid UTF-8, no final newline): what it returns is valid UTF-8. */
#ifndef CRM_MSG_H
#define CRM_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "util.h"

/* One header field: its name as written and its value unfolded (line
 * breaks of continuation lines removed, NUL bytes made spaces). */
struct msg_field {
	char *name, *value;
};

/* A message split into its header fields and its body. */
struct msg {
	struct msg_field *f;
	size_t nf, cap;
	const char *body; /* points into the parsed buffer */
	size_t blen;
};

/* Split buf[0..n) into header fields and body (after the first empty
 * line; LF or CR LF line ends). Returns 0, or -1 with the reason in err
 * ("no header": the first line is not a "Name: value" field) and *m empty.
 * The body points into buf, which must outlive m. */
int msg_parse(const char *buf, size_t n, struct msg *m, char *err, size_t err_size);
void msg_free(struct msg *m);

/* The value of the first field called name (any case), or NULL. */
const char *msg_get(const struct msg *m, const char *name);

/* Append the header text s[0..n) decoded to out: RFC 2047 encoded words
 * (=?charset?B?...?= and ?Q?) in any charset iconv knows, the white space
 * between two adjacent encoded words dropped; other bytes taken as UTF-8.
 * Invalid bytes become U+FFFD. */
void msg_words(const char *s, size_t n, struct sb *out);

/* Append s[0..n) in charset cs converted to UTF-8 (iconv). An unknown
 * charset, or none, reads s as UTF-8; a byte that cannot be converted
 * becomes U+FFFD. */
void charset_to_utf8(const char *cs, const char *s, size_t n, struct sb *out);

/* Decoders of Content-Transfer-Encoding, and of vCard's ENCODING. They
 * append the bytes to out, which may then hold any byte, NUL included.
 * quoted-printable: =XX (hex digits of either case) is that byte; '=' at
 * the end of a line (spaces or tabs may come between) is a soft line
 * break and vanishes, and so does a last '=' of the input; a line break
 * of the text (CR LF or LF) becomes LF; an '=' followed by anything else
 * is kept as written. base64: characters outside the alphabet are
 * skipped. */
void qp_decode(const char *s, size_t n, struct sb *out);
void b64_decode(const char *s, size_t n, struct sb *out);

/* Parse an RFC 5322 date: [Day,] DD Mon YYYY hh:mm[:ss] zone, with the
 * obsolete forms too (two-digit years, UT, GMT, EST...PDT and military
 * zones, comments). A missing zone is taken as UTC. False when s is no
 * such date or names no real time. */
bool msg_date(const char *s, crm_time *t);

/* Parse the date of an mbox From line ("From sender Sat Nov 21 09:15:00
 * 2026", asctime form, taken as UTC). */
bool mbox_from_date(const char *s, size_t n, crm_time *t);

/* A mailbox of an address list: the display name decoded (RFC 2047,
 * quotes and escapes removed; "" when none) and the address lower-cased. */
struct msg_addr {
	char *name, *addr;
};

/* Append the mailboxes of the address list s (a From, To or Cc value) to
 * *v (*n of them, *cap allocated): display names with quotes, commas and
 * comments, angle brackets, groups ("team: a@x, b@y;"), comments inside an
 * address (<jan(home)@example.pl>, jan(home)@example.pl) and white space
 * around its '@'. Entries without an '@' are dropped. */
void msg_addrs(const char *s, struct msg_addr **v, size_t *n, size_t *cap);
void msg_addrs_free(struct msg_addr *v, size_t n);

/* Append the text of message m (parsed from its buffer) to out, as UTF-8:
 * the first text/plain part that is not an attachment (multipart parts walked
 * depth first, transfer encoding and charset decoded), else the first
 * text/html part with its tags removed and its entities (numeric, and the
 * named ones of European text: &eacute; &ndash; &euro; &lstrok; ...)
 * decoded, else nothing. A type "text" without subtype is text/plain; a
 * message/rfc822 part is walked as a message, and so is each part of a
 * multipart/digest that has no Content-Type (its header may be the
 * message's own). Parameters may be written as RFC 2231 says
 * (boundary*=, charset*0*=). */
void msg_text(const struct msg *m, struct sb *out);

/* A recipient a delivery status notification reports on: its address
 * (lower-cased), the first words of Action ("failed", "delayed", ...) and
 * Status ("5.1.1"), lower-cased, and the Diagnostic-Code without its
 * type, white space collapsed, at most 200 characters; "" for a field it
 * lacks. */
struct msg_rcpt {
	char *addr, *action, *status, *diag;
};

/* The recipients of the delivery status notification m (multipart/report
 * with a message/delivery-status part, RFC 3464; its Final-Recipient,
 * else its Original-Recipient), in *v (a new array). Returns their number:
 * 0 when m is no such notification. */
size_t msg_dsn(const struct msg *m, struct msg_rcpt **v);
void msg_rcpt_free(struct msg_rcpt *v, size_t n);

/* Append at most max characters of s[0..n) (valid UTF-8) to out, runs of
 * white space and control characters made one space, none at either end. */
void msg_excerpt(const char *s, size_t n, size_t max, struct sb *out);

/* Reads the messages of an mbox held in memory. A message starts at a
 * line "From " at the start of the buffer or after an empty line; the text
 * before the first such line, when not blank, is a message too. */
struct mbox {
	const char *buf;
	size_t n, pos;
	long line; /* line of pos */
};

struct mbox_msg {
	const char *from; /* the From line without "From " and line end, or NULL */
	size_t fromlen;
	const char *s;    /* the message, still quoted; without the empty line
			   * that separates it from the next */
	size_t n;
	long line;        /* the line where it starts (its From line) */
};

void mbox_init(struct mbox *mb, const char *buf, size_t n);
/* The next message: true, or false at the end. */
bool mbox_next(struct mbox *mb, struct mbox_msg *m);

/* Append s[0..n) with one '>' taken off every line that matches
 * ^>+From (mboxrd; mboxo quoting is read the same way). */
void mbox_unquote(const char *s, size_t n, struct sb *out);

#endif
