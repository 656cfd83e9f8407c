/* calls.h - call records from a phone system, imported as call interactions */
#ifndef CRM_CALLS_H
#define CRM_CALLS_H

#include <stdbool.h>

#include "colmap.h"
#include "dir.h"
#include "impin.h"

struct calls_opts {
	struct impin_opts io; /* the file's encoding and CSV separator */
	bool dry_run, strict;
	bool verbose;         /* report the records whose number is no customer's */
};

/* Import the call records of the CSV file (with a header; "-" reads
 * standard input; read by impin_read) into the history of d. The columns
 * number, time, duration, direction and status (or, without number, from
 * and to chosen by the direction) are found by name after map; a source
 * of map the file lacks is an error. Each record whose number is a
 * customer's phone (phone_book_find) becomes an interaction: a call, or
 * missed when its duration is 0 or its status says so (missed, no answer,
 * busy, ..., in English, Polish, Czech, Bulgarian or German); unless one
 * with the same customer, time and number is already in the history.
 * The input is read whole before the directory is locked; the new lines
 * are appended with one write. Bad records are reported as file:line and
 * skipped, and with verbose those whose number is no customer's too; a
 * summary goes to standard error, the new ids (or with dry_run the lines,
 * and nothing is written) to standard output. Returns CRM_OK when a call
 * was added or every call that matched a customer was already in the
 * history, CRM_NONE when no record matched a customer, CRM_ERR when the
 * input could not be read, lacks a needed column, or the append failed
 * (then nothing was changed). */
int calls_import(struct crm_dir *d, const char *file, const struct colmap *map,
		 const struct calls_opts *o);

#endif
