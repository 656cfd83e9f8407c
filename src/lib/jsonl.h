/* jsonl.h - JSON Lines: a line reader and one-object-per-line parsing (Jansson) */
#ifndef CRM_JSONL_H
#define CRM_JSONL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bufin.h"
#include "util.h"

/* Reads lines of any length from a descriptor. */
struct linein {
	struct bufin b;
	long line;   /* number of the line returned last */
	size_t scan; /* where the search for the next newline resumes */
};

struct linein *linein_open(int fd, const char *name);
/* A reader of the lines of data[0..n), which must outlive it. */
struct linein *linein_open_mem(const char *data, size_t n, const char *name);
void linein_close(struct linein *in);

/* The next line, without its LF (a CR before it is kept: JSON treats it as
 * white space). Returns 1 and sets *s, *n; *torn is set when it is the last
 * line and has no LF. 0 at the end, -1 on a read error (reported). */
int linein_next(struct linein *in, const char **s, size_t *n, bool *torn);

/* How a last line without its line end is reported: with the parse error
 * after ": ", or JSONL_TORN_OK when it parses (it is read, but an append
 * after it would join two lines). */
#define JSONL_TORN "torn last line (no line end)"
#define JSONL_TORN_OK "read, but a write may have been cut short"

/* Parse one line as a JSON object (duplicate keys rejected, NUL bytes and
 * invalid UTF-8 rejected). Returns a new reference, or NULL with the reason
 * in err (err_size bytes). A blank line gives NULL with err "". */
json_t *jsonl_parse(const char *s, size_t n, char *err, size_t err_size);

/* Reads an interaction file or stream object by object: bad lines are
 * reported as "file:line: message" and skipped, or with strict are fatal
 * (then *failed is set and NULL returned). Returns a new reference or NULL
 * at the end. *line is the line of the object. */
json_t *jsonl_next(struct linein *in, bool strict, long *line, bool *failed);

/* Append obj as one compact line (UTF-8, keys in insertion order) to b. */
void jsonl_put(struct sb *b, const json_t *obj);

/* The string value of key, or "" when missing or not a string. */
const char *json_str(const json_t *obj, const char *key);

/* A JSON value as the text of a cell, a new string: a string as it is, ""
 * for null, true or false, a whole number in decimal, any other number in
 * the fewest digits that read back as the same number (129.99, never
 * 129.99000000000001), an array or object as compact JSON. */
char *json_cell_text(const json_t *v);

/* Number of lines in the input that were reported bad and skipped so far. */
extern long jsonl_bad_lines;

#endif
