/* fmt.h - output formats for record streams: csv tsv jsonl json table md html,
 * and vcard for customers */
#ifndef CRM_FMT_H
#define CRM_FMT_H

#include <stdbool.h>
#include <stdio.h>

#include "rec.h"

enum fmt { FMT_CSV, FMT_TSV, FMT_JSONL, FMT_JSON, FMT_TABLE, FMT_MD, FMT_HTML, FMT_VCARD };

#define FMTS_STREAM ((1u << FMT_CSV) | (1u << FMT_TSV) | (1u << FMT_JSONL) | \
		     (1u << FMT_JSON) | (1u << FMT_TABLE))
#define FMTS_ALL (FMTS_STREAM | (1u << FMT_MD) | (1u << FMT_HTML))
/* Those of a program whose output is customers: vcard too (it needs the
 * columns of customers.csv: id, name, email, phone, company, country,
 * city, tags). */
#define FMTS_CUSTOMERS (FMTS_ALL | (1u << FMT_VCARD))

/* The format to write: the one named by opt (-o) when given (it must be in
 * allowed, else the program dies listing those), else table when stdout is a
 * terminal, else def (the stream's own format). */
enum fmt fmt_choose(const char *opt, enum fmt def, unsigned allowed);

/* Whether to colour: color is -1 (auto: stdout a terminal and NO_COLOR
 * unset), 0 or 1. */
bool fmt_color(int color);

/* Spreadsheet-safe CSV and TSV for every writer opened after this: a cell
 * (the header's too) that starts with =, +, -, @, TAB or CR gets a ' in
 * front, so a spreadsheet shows it instead of running it as a formula. Off
 * by default: plain CSV is the stream between programs and stays exact.
 * crm_getopt turns it on for --safe-csv. */
void fmt_set_safe_csv(bool on);

/* A writer of rows to stdout. cols names the columns; numeric (may be NULL)
 * marks those whose values are numbers (right-aligned in tables, numbers in
 * JSON when they parse as one). Tables, md and html are buffered until
 * out_close; the others stream. */
struct out;
struct out *out_open(enum fmt f, const struct hdr *cols, const bool *numeric, bool color);
/* Write a row: field i of r under column i. */
void out_row(struct out *o, const struct rec *r);
/* Finish the output (closing brackets, the buffered table) and free o. */
void out_close(struct out *o);

/* Escape s as a JSON string (with quotes) onto b. */
void json_put_str(struct sb *b, const char *s, size_t n);
/* Append s to b with HTML's special characters escaped. */
void html_put(struct sb *b, const char *s, size_t n);

#endif
