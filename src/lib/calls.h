/* calls.h - call records from a phone system, imported as call interactions */
#ifndef CRM_CALLS_H
#define CRM_CALLS_H

#include <stdbool.h>

#include "colmap.h"
#include "dir.h"

/* Import the call records of the CSV file (with a header; "-" reads
 * standard input) into the history of d. The columns number, time,
 * duration and direction (or, without number, from and to chosen by the
 * direction) are found by name after map. Each record whose number is a
 * customer's phone (phone_book_find) becomes a call interaction, unless one
 * with the same customer, time and number is already in the history. The
 * input is read whole before the directory is locked; the new lines are
 * appended with one write. Bad records are reported as file:line and
 * skipped; a summary goes to standard error, the new ids (or with dry_run
 * the lines, and nothing is written) to standard output. Returns CRM_OK
 * when a call was added or every call that matched a customer was already
 * in the history, CRM_NONE when no record matched a customer, CRM_ERR when
 * the input could not be read, lacks a needed column, or the append failed
 * (then nothing was changed). */
int calls_import(struct crm_dir *d, const char *file, const struct colmap *map, bool dry_run,
		 bool strict);

#endif
