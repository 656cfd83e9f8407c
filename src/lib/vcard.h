/* vcard.h - vCard: cards of version 2.1, 3.0 or 4.0 read as customers, and
 * customers written as vCard 4.0 (RFC 6350) */
#ifndef CRM_VCARD_H
#define CRM_VCARD_H

#include <stdbool.h>
#include <stddef.h>

#include "rec.h"
#include "util.h"

/* The customer fields a card gives; vcard_columns names them as columns of
 * customers.csv ("id", "name", ..., "note"). */
enum vcard_field {
	VC_ID,      /* UID, when it has the shape of a crm id (lower-cased) */
	VC_NAME,    /* FN, else built from N */
	VC_EMAIL,   /* the EMAIL with the best PREF, else the first, of those
		     * that are addresses */
	VC_PHONE,   /* the TEL chosen the same way */
	VC_COMPANY, /* the first component of ORG */
	VC_COUNTRY, /* ADR's country as an ISO 3166 alpha-2 code */
	VC_CITY,    /* ADR's locality */
	VC_TAGS,    /* every CATEGORIES value, ';'-separated */
	VC_NOTE,    /* NOTE values, one per line */
	VC_NFIELDS
};
extern const char *const vcard_columns[VC_NFIELDS];

/* One card read. */
struct vcard {
	long line;           /* physical line of its BEGIN:VCARD */
	char *v[VC_NFIELDS]; /* new strings, "" when the card has none */
	char *err;           /* why the card cannot be taken (v is then
			      * unreliable), or NULL */
	char *warn;          /* what was left out of a card that can be taken
			      * (an unknown country, an e-mail that is no
			      * address when the card has no other), or NULL */
};

/* A reader of the cards in buf[0..n), which need not end in NUL and may
 * hold any bytes. buf must outlive the reader. */
struct vcardin {
	const char *buf;
	size_t n, pos;
	long line; /* the physical line at pos */
};

/* True when the first line of buf[0..n) that is not blank is BEGIN:VCARD
 * (any case; a UTF-8 BOM before it is skipped). */
bool vcard_sniff(const char *buf, size_t n);

void vcardin_init(struct vcardin *in, const char *buf, size_t n);

/* Read the next card into *c (its old contents are not freed). Lines are
 * unfolded (a line end followed by a space or a tab), quoted-printable
 * values (with soft line breaks) decoded, other charsets than UTF-8 turned
 * into UTF-8, escapes (\, \; \\ \n) undone. A card is refused with c->err
 * set (naming the line, when another than c->line) when it has no name, no
 * END:VCARD, a line without ':', a value in a charset that cannot be read,
 * or a NUL byte; lines outside cards that are not blank come as a refused
 * "card" of their own. Returns 1 with a card, 0 at the end of the input.
 * Lines end in LF, CR LF, CR CR LF or a lone CR; a line break decoded
 * from a NOTE (=0D=0A) becomes LF. Always moves on: the caller may loop
 * until 0. */
int vcard_next(struct vcardin *in, struct vcard *c);

/* Free what vcard_next put into c. */
void vcard_free(struct vcard *c);

/* Append r, a customer whose columns are named by cols, as a vCard 4.0 to
 * out: BEGIN, VERSION, UID (the id), FN, N (family name the last word of
 * the name, when it has more than one), EMAIL, TEL, ORG, ADR (city and
 * country code), CATEGORIES (the tags), NOTE (a column "note"), END.
 * Missing or empty columns give no property. Text is escaped, lines end in
 * CR LF and are folded at 75 octets, never inside a UTF-8 character. */
void vcard_put(struct sb *out, const struct hdr *cols, const struct rec *r);

#endif
