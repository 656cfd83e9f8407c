/* evimport.h - the rows of a CSV or JSON Lines file (orders, invoices,
 * tickets, chats, survey answers) logged as interactions, once each */
#ifndef CRM_EVIMPORT_H
#define CRM_EVIMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "colmap.h"
#include "date.h"
#include "dir.h"
#include "impin.h"

/* The options of an import, as given on the command line; a rules file
 * adds its own before them. The strings are the caller's. */
struct evimport_opts {
	const struct colmap *map; /* --map SRC=DST, in order; NULL for none */
	const char **set;         /* --set FIELD=VALUE, in order */
	size_t nset, setcap;
	const char *key;          /* --key FIELD[,FIELD]; NULL: the whole record */
	const char *rules;        /* --rules FILE, or NULL */
	const char *date_format;  /* --date-format, or NULL */
	struct impin_opts io;     /* --encoding, --delimiter */
	bool dry_run, strict, verbose;
};

/* Add a --set FIELD=VALUE (not checked here). */
void evimport_set(struct evimport_opts *o, const char *arg);

/* Import the rows of file ("-": standard input), CSV with a header or
 * JSON Lines, into the history of d, one interaction a row. A column is
 * read under its name or the one --map gives it (the rules file's maps
 * first); the names are the fields of an interaction (ts, type, channel,
 * direction, by, subject, text, amount, currency, rating, score, due,
 * ref, stage, probability, close, status, priority, campaign, message_id,
 * number, duration) and those that find the customer: customer (an id,
 * an e-mail, a phone number or a name), email, phone and name. Other
 * columns are left out unless a --map names them; --set gives a field for
 * every row. The customer is the only one the row's id, e-mail, phone
 * number (normalised as phone_norm does) or name (the whole name, in any
 * case) belongs to, tried in that order; a row that names no one, or
 * several, is unmatched, and listed with verbose. Amounts are read by
 * money_parse in the row's currency (else crm.conf currency, else EUR),
 * times by evimport_date. A row whose key (the fields of o->key, or every
 * field the file gives, the customer for the columns that found it) is
 * the key of an interaction of the history or of an earlier row is a
 * duplicate and skipped, so an export imported again adds nothing. A row
 * that cannot be taken (a CSV or JSON error, a bad value, a type that
 * lacks a field it needs) is reported as file:line and counted malformed.
 * The input is read whole before the lock is taken; the new lines are
 * appended with one write, their ids printed (with dry_run the lines, and
 * nothing is written); a summary goes to standard error. Returns CRM_OK
 * when a row was added or all matched rows were duplicates, CRM_NONE when
 * no row matched, CRM_ERR when the input, the rules or the options cannot
 * be used or the append failed (then nothing was written). */
int evimport_run(struct crm_dir *d, const char *file, struct evimport_opts *o);

/* What an import of interactions counted. */
struct evcounts {
	long read, added, dups, unmatched, malformed;
};

/* The end of an import of interactions, the same for every kind: the new
 * lines out appended to the history of d with one write, or with dry
 * shown on standard output instead; the ids of the lines added (ids)
 * printed; "NAME: read R, added A, duplicates D, unmatched U, malformed M"
 * said on standard error. Returns CRM_OK when a line was added or every
 * matched one was a duplicate, CRM_NONE when none matched, CRM_ERR after
 * reporting that the append failed (then nothing was written). */
int evimport_finish(const struct crm_dir *d, bool dry, struct sb *out, struct sb *ids,
		    const char *name, const struct evcounts *c);

/* Read a time as people write it into *t: the forms of date_parse
 * (2026-11-05, 2026-11-05 14:30, 2026-11-05T14:30:00+01:00), 2026/11/05,
 * and day first with dots (05.11.2026, 5. 11. 2026), each with a time of
 * hh:mm or hh:mm:ss after a space; with fmt, the forms of date_parse or
 * the form fmt gives instead of the others (strptime's %d %m %Y %y %H %M
 * %S %%; a space matches any run of white space; a time may follow when
 * fmt has none). A time without an offset
 * is read as date_parse reads one. Returns NULL, or why s is refused: a
 * form where the day and the month could be either (11/05/2026) is
 * refused unless fmt says which. */
const char *evimport_date(const char *s, const char *fmt, crm_time *t);

#endif
