/* date.h - timestamps: stored in UTC, read and shown in the time zone of
 * crm.conf; parsing, formatting, "now" and relative dates */
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

/* The time zone in which a person's times are read and shown (files keep
 * UTC): crm.conf "timezone" (an IANA name, set by crm_dir_open), else $TZ,
 * else UTC. date_set_zone(NULL) takes $TZ or UTC; a name that is no zone
 * of the system's time-zone database gives false and changes nothing. Until
 * it is called, the zone is that of date_set_zone(NULL). */
bool date_set_zone(const char *name);
/* The zone's name ("UTC" by default). */
const char *date_zone(void);
/* Seconds east of UTC in the zone at t. */
long date_offset(crm_time t);

/* "Now": $CRM_NOW when set (a date or a timestamp, so output is
 * reproducible; without an offset it is read in the zone), else the clock.
 * A bad $CRM_NOW is fatal. */
crm_time crm_now(void);

/* Parse an absolute time: YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss] followed by
 * nothing, Z or an offset (+hh:mm, -hhmm); a space may stand for T. A time
 * without Z or an offset, and a date alone (its midnight), are read in the
 * zone. Returns false when s is not one of these, names no real day, or
 * falls outside DATE_MIN..DATE_MAX (an offset or a zone can move it). */
bool date_parse(const char *s, crm_time *t);

/* Like date_parse, and also the relative forms of the expression language:
 * today, yesterday, now, -30d, -2w, -6m, -1y (also with +), counted from now
 * and, for d/w/m/y, from the start of that day in the zone. False for a
 * time outside DATE_MIN..DATE_MAX too ("+9000y"): not a date moved to the
 * edge. */
bool date_parse_rel(const char *s, crm_time now, crm_time *t);

/* True when s has a form of date_parse_rel whose time falls outside
 * DATE_MIN..DATE_MAX: the reason date_parse_rel refused it. */
bool date_out_of_range(const char *s, crm_time now);

/* The one reading of --since, --until and --as-of: any form of
 * date_parse_rel. As an upper bound (end true), a form that names a day
 * (a date without a time, today, yesterday, -30d, +1m, ...) means the whole
 * day: its last second. */
bool date_parse_bound(const char *s, crm_time now, bool end, crm_time *t);

/* The value of a date option (--since, --until, --as-of, --due, --ts...)
 * as date_parse_bound reads it, counted from crm_now(); a value that is no
 * date is fatal, naming the option and the forms it takes, or saying that
 * it falls outside the years 0000 to 9999. */
crm_time date_option(const char *opt, const char *s, bool end);

/* A length of time: a whole number of hours, days or weeks (12h, 30d,
 * 2w), more than 0 and at most 100000 of them, in seconds into *secs.
 * False for anything else. */
bool date_span(const char *s, long long *secs);

/* Write t as YYYY-MM-DDThh:mm:ssZ into buf (DATE_BUFSZ bytes): the stored
 * form, always UTC. */
void date_fmt(crm_time t, char *buf);
/* Write only the day YYYY-MM-DD, in the zone. */
void date_fmt_day(crm_time t, char *buf);
/* Write t as a person reads it, in the zone: "YYYY-MM-DD hh:mm"
 * (DATE_BUFSZ bytes). */
void date_fmt_local(crm_time t, char *buf);

/* Days since 1970-01-01 of a civil date, and back. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* The day (days since 1970-01-01) holding t: in the zone, and in UTC. */
int64_t date_day(crm_time t);
int64_t date_utc_day(crm_time t);
/* The time at sec seconds after the start of day (days since 1970-01-01)
 * in the zone. */
crm_time date_local(int64_t day, long sec);

/* The start of the day holding t, in the zone. */
crm_time day_start(crm_time t);

/* Add months to a time, keeping the time of day in the zone; the day is
 * clamped to the length of the target month (Mar 31 - 1 month = Feb 28/29). */
crm_time add_months(crm_time t, int months);

#endif
