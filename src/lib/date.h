/* date.h - timestamps in UTC: parsing, formatting, "now" and relative dates */
#ifndef CRM_DATE_H
#define CRM_DATE_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds since 1970-01-01T00:00:00Z. */
typedef int64_t crm_time;

#define DATE_BUFSZ 21 /* "YYYY-MM-DDThh:mm:ssZ" and its NUL */

/* The times a date can name: years of four digits, 0000-01-01T00:00:00Z
 * to 9999-12-31T23:59:59Z. The parsers refuse a time outside them. */
#define DATE_MIN ((crm_time)-62167219200)
#define DATE_MAX ((crm_time)253402300799)

/* "Now": $CRM_NOW when set (a date or a timestamp, so output is
 * reproducible), else the clock. A bad $CRM_NOW is fatal. */
crm_time crm_now(void);

/* Parse an absolute time: YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss] followed by
 * nothing, Z or an offset (+hh:mm, -hhmm); a space may stand for T.
 * Returns false when s is not one of these, names no real day, or its
 * offset takes it outside DATE_MIN..DATE_MAX. */
bool date_parse(const char *s, crm_time *t);

/* Like date_parse, and also the relative forms of the expression language:
 * today, yesterday, now, -30d, -2w, -6m, -1y (also with +), counted from now
 * and, for d/w/m/y, from the start of that day. False for a time outside
 * DATE_MIN..DATE_MAX too ("+9000y"). */
bool date_parse_rel(const char *s, crm_time now, crm_time *t);

/* True when s has a relative form of date_parse_rel whose time falls
 * outside DATE_MIN..DATE_MAX: the reason date_parse_rel refused it. */
bool date_out_of_range(const char *s, crm_time now);

/* Write t as YYYY-MM-DDThh:mm:ssZ into buf (DATE_BUFSZ bytes). */
void date_fmt(crm_time t, char *buf);
/* Write only the day YYYY-MM-DD. */
void date_fmt_day(crm_time t, char *buf);

/* Days since 1970-01-01 of a civil date, and back. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* The start (00:00:00Z) of the day holding t. */
crm_time day_start(crm_time t);

/* Add months to a time, keeping the time of day; the day is clamped to the
 * length of the target month (Mar 31 - 1 month = Feb 28/29). */
crm_time add_months(crm_time t, int months);

#endif
