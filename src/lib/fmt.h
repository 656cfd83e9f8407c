/* fmt.h - output formats for record streams: csv tsv jsonl json table md html,
 * and vcard for customers */
#ifndef CRM_FMT_H
#define CRM_FMT_H

#include <stdbool.h>
#include <stdint.h>
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
/* What table_print writes, and tables_print (several tables as a page). */
#define FMTS_TABLE (FMTS_ALL & ~(1u << FMT_JSONL))
#define FMTS_PAGE ((1u << FMT_TABLE) | (1u << FMT_MD) | (1u << FMT_HTML))

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
/* On a terminal, let a table show only the columns that fit its width:
 * those named in first (NULL-terminated; may be NULL) before the others,
 * each cell cut at 40 columns; a note on standard error says how many were
 * left out. */
void out_fit(struct out *o, const char *const *first);
/* Write a row: field i of r under column i. */
void out_row(struct out *o, const struct rec *r);
/* Whether o writes a row of CSV as csv_put_rec puts it (plain CSV, not
 * spreadsheet-safe): then a caller that has the row's bytes in that form
 * may hand them over whole, with out_raw. */
bool out_takes_raw(const struct out *o);
/* Write the bytes s[0..n) that make whole rows, line ends included. */
void out_raw(struct out *o, const char *s, size_t n);
/* Finish the output (closing brackets, the buffered table) and free o. */
void out_close(struct out *o);

/* A report's table: its title, columns and rows of cells, and what to
 * chart (an HTML page's bar chart, the bars of a terminal table). Every
 * cell is text; numeric columns hold plain numbers ("1234.5"), which the
 * formats for people show with thousands separated. */
#define TABLE_MAXCOLS 32
struct table {
	char title[128];
	struct hdr cols;
	bool numeric[TABLE_MAXCOLS];
	struct rec *rows;
	size_t n, cap;
	long chart_label, chart_value; /* columns for the chart and the bar, or -1 */
	bool chart_marked;             /* chart only the rows marked (table_chart_row) */
	bool *marked;                  /* of each row, with chart_marked */
	size_t mcap;
	bool no_bar;                   /* values that do not compare (currencies): no bar */
	size_t chart_n;                /* chart the first chart_n rows only (0: all; a total after them) */
	long chart_series;             /* the column naming each row's series, or -1: one series */
	bool chart_across;             /* bars across: long labels */
	char period[96];               /* what the report covers, for its page and chart titles */
	char note[256];                /* a line said before the rows (the digest: why a part is empty) */
};

/* An empty table with this title, nothing charted. */
void table_init(struct table *t, const char *title);
/* Add columns: names (NULL-terminated) and, per name, 'n' for a number or
 * 's' for text. */
void table_cols(struct table *t, const char *const *names, const char *kinds);
/* A new row at the end, and its cells, added left to right. */
struct rec *table_row(struct table *t);
/* Chart row i (with chart_marked set, the other rows are left out of the
 * HTML chart: a report whose rows are in several currencies charts one). */
void table_chart_row(struct table *t, size_t i);
void cell_str(struct rec *r, const char *s);
void cell_num(struct rec *r, long long v);
/* Minor units of cur in major units ("1234.50"). */
void cell_money(struct rec *r, long long minor, const char *cur);
/* num/den as a percentage with one decimal, rounded half up; "" when den is 0. */
void cell_pct(struct rec *r, long long num, long long den);
/* A stored time, "" for INT64_MIN. */
void cell_time(struct rec *r, int64_t t);
/* Print t in format (-o; NULL: table on a terminal, else CSV): csv, tsv,
 * json, table, md or a whole HTML page with its chart. */
void table_print(const struct table *t, const char *format, int color);
void table_free(struct table *t);
/* Print several tables as one page (crm-report digest): title, the
 * period and the time it was made, then each table under its title with
 * its note; format table (the default), md or html (each table's chart
 * too). */
void tables_print(struct table *const *v, size_t n, const char *title, const char *period,
		  const char *format, int color);

/* -- iCalendar (RFC 5545) --
 * A calendar is written as content lines ended by CR LF, each folded into
 * lines of at most 75 octets (a continuation starts with a space; a UTF-8
 * character is never split), TEXT values escaped (backslash, semicolon,
 * comma, a newline as \n). */

/* Begin a VCALENDAR (VERSION 2.0, the PRODID given, its name as
 * X-WR-CALNAME when not NULL). */
void ics_begin(struct sb *b, const char *prodid, const char *name);
/* A content line NAME:VALUE, the value escaped as TEXT when text, else as
 * it is (a date, a date-time, a code). name may carry parameters
 * ("DUE;VALUE=DATE"). */
void ics_prop(struct sb *b, const char *name, const char *value, bool text);
/* A date-time property in UTC: NAME:YYYYMMDDThhmmssZ. */
void ics_time(struct sb *b, const char *name, int64_t t);
/* A date property: NAME;VALUE=DATE:YYYYMMDD, the day of t in the zone
 * (date_fmt_day). */
void ics_day(struct sb *b, const char *name, int64_t t);
/* End the VCALENDAR. */
void ics_end(struct sb *b);

/* Escape s as a JSON string (with quotes) onto b. */
void json_put_str(struct sb *b, const char *s, size_t n);
/* Append s to b with HTML's special characters escaped. */
void html_put(struct sb *b, const char *s, size_t n);

#endif
