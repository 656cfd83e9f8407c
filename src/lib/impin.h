/* impin.h - a file to import, read whole: made UTF-8 from its encoding,
 * its byte order mark dropped, told CSV, JSON Lines or vCard, and the
 * separator of a CSV found */
#ifndef CRM_IMPIN_H
#define CRM_IMPIN_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum impin_kind { IMPIN_CSV, IMPIN_JSONL, IMPIN_VCARD };

struct impin_opts {
	const char *encoding; /* the file's charset (iconv name); NULL for UTF-8 */
	char delim;           /* the CSV separator; 0 to find it in the header line */
	bool vcard_ok;        /* a vCard file may come (crm-add) */
};

struct impin {
	char *name;          /* as shown in messages: the file, or "<stdin>" */
	struct sb data;      /* the text: UTF-8, without a byte order mark */
	enum impin_kind kind;
	char delim;          /* of a CSV: ',', ';', a tab, or as given */
};

/* Read file ("-": standard input) whole into in (reading stops after a
 * block that holds a NUL byte: the parser reports the record it is in).
 * The text is turned into UTF-8 from o->encoding (charset_name's names);
 * without one it must be UTF-8 already, except a vCard's, whose
 * properties name their charsets. It is JSON Lines when its first byte
 * that is not white space is '{', a vCard when o->vcard_ok and its first
 * line is BEGIN:VCARD, else CSV, whose separator is o->delim or the one
 * of ',', ';' and a tab that its first line holds most of outside quotes
 * (a comma when none). Returns 0, or -1 after reporting why: the file
 * cannot be read; the encoding is unknown; or the text is not in it, or
 * not UTF-8 ("name:line: invalid UTF-8 ...: name its encoding with
 * --encoding ..."); nothing is kept then. */
int impin_read(struct impin *in, const char *file, const struct impin_opts *o);
void impin_free(struct impin *in);

/* The separator a --delimiter value names: one character (not a quote,
 * CR or LF), or "tab" or "\t" for a tab. 0 when it names none. */
char impin_delim_arg(const char *s);

/* The separator of a CSV file: the one of ',', ';' and a tab that the
 * first line of s[0..n) that is not blank (the header) holds most of
 * outside quotes, among those the next line holds as many of when there
 * are such; a comma when none. */
char impin_sniff_delim(const char *s, size_t n);

#endif
