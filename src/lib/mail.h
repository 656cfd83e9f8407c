/* mail.h - templates, RFC 5322 / MIME messages and mbox: writing them (msg.h reads them) */
#ifndef CRM_MAIL_H
#define CRM_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "util.h"

/* A template: header lines (name, value with placeholders) and a body. */
struct tmpl_header {
	char *name, *value;
};

struct tmpl {
	struct tmpl_header *h;
	size_t nh;
	char *body;
};

/* Parse a template: "Name: value" lines (continuation lines start with
 * white space), a blank line, the body. Returns 0, or -1 with the reason in
 * err ("LINE: message"). */
int tmpl_parse(const char *text, size_t n, struct tmpl *t, char *err, size_t err_size);
void tmpl_free(struct tmpl *t);

/* Look up a placeholder's field: its value, or NULL when the field is
 * unknown or empty. */
typedef const char *(*tmpl_lookup)(void *ctx, const char *field);

/* Replace {{field}} and {{field|default}} in s. Returns 0, or -1 with the
 * name of the first field that has neither a value nor a default in
 * *missing (a new string). */
int tmpl_render(const char *s, tmpl_lookup look, void *ctx, struct sb *out, char **missing);

/* The longest line a message may have, without its CR LF (RFC 5322). */
#define MAIL_LINE_MAX 998

/* Append an unstructured header "Name: value" (a subject, a header of a
 * template) to out. The value goes as RFC 2047 encoded-words (B, UTF-8, at
 * most 75 characters each, never splitting a character, one a line) when
 * it holds a byte beyond ASCII, a control character or "=?" (text that
 * looks like an encoded-word is encoded itself, so a reader shows it as
 * written), or a word too long to fold; else as it is, folded at spaces
 * so that lines stay within 78 characters. No line passes MAIL_LINE_MAX. */
void mail_header(struct sb *out, const char *name, const char *value);

/* Append a structured header (addresses made by mail_address, a date, a
 * Message-ID, List-Unsubscribe) as it is, folded at spaces before column
 * 78. value must be printable ASCII. Returns false, appending nothing,
 * when a line would still pass MAIL_LINE_MAX (a word that long). */
bool mail_header_raw(struct sb *out, const char *name, const char *value);

/* Append "Display Name <addr>" as a value for mail_header_raw: the display
 * name as encoded-words when mail_header would encode it (or it has a word
 * of more than 60 characters), quoted when it holds specials. */
void mail_address(struct sb *out, const char *name, const char *addr);

/* Append addr (an address valid_email takes) as it goes to a mail server
 * and into a header: its domain in the ASCII form of idna.h
 * ("anna@żółw.pl" gives "anna@xn--w-uga1v8h.pl"). */
void mail_addr_wire(struct sb *out, const char *addr);

/* Append s as a quoted-printable body: lines at most 76 characters, '=' as
 * =3D, trailing white space encoded, LF line ends. */
void mail_qp(struct sb *out, const char *s, size_t n);

/* The Date header value for t: "Sun, 22 Nov 2026 10:00:00 +0000". */
void mail_date(crm_time t, char *buf, size_t n);

/* Append msg to out as one mboxrd message: a From_ line, lines that start
 * with ">*From " quoted with one more '>', a blank line after. */
void mbox_put(struct sb *out, const char *msg, size_t n, crm_time t);

/* True when s holds CR, LF or NUL (n bytes). */
bool has_line_break(const char *s, size_t n);

#endif
