/* date.c - timestamps: calendar arithmetic of our own, in UTC; the time
 * zone of crm.conf through the C library (its offsets at a time only) */
#include "date.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"

/* Proleptic Gregorian calendar arithmetic on eras of 400 years. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return n[m - 1];
}

/* The zone. A zone that is UTC is known without asking the C library;
 * another one is asked for its offset once per quarter of an hour of time
 * (every zone changes its offset on such a boundary), per thread. */
static struct {
	bool init, utc;
	char name[128];
} zone;

static _Thread_local struct {
	int64_t block;
	long off;
	bool valid;
} zcache;

static bool have_now;
static crm_time now_cached;

static bool zone_is_utc(const char *n)
{
	static const char *const utc[] = { "UTC", "UTC0", "Etc/UTC", "Etc/UCT", "UCT", "GMT",
					   "GMT0", "Etc/GMT", "Universal", "Zulu", ":UTC" };
	for (size_t i = 0; i < sizeof utc / sizeof utc[0]; i++)
		if (!strcmp(n, utc[i]))
			return true;
	return false;
}

/* Whether the time-zone database has a zone called name. */
static bool zone_known(const char *name)
{
	if (!*name || *name == '/' || strstr(name, "..") || strlen(name) > 100)
		return false;
	const char *dir = getenv("TZDIR");
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

bool date_set_zone(const char *name)
{
	bool from_env = !name;
	if (from_env) {
		name = getenv("TZ");
		if (!name || !*name)
			name = "UTC";
	}
	if (!zone_is_utc(name)) {
		/* $TZ may be a POSIX rule ("CET-1CEST,M3.5.0,M10.5.0/3"), which
		 * the C library reads itself; crm.conf names a zone */
		const char *n = *name == ':' ? name + 1 : name;
		bool rule = from_env && strpbrk(n, "0123456789,") && !zone_known(n);
		if (!rule && !zone_known(n))
			return false;
	}
	snprintf(zone.name, sizeof zone.name, "%s", zone_is_utc(name) ? "UTC" : name);
	zone.utc = zone_is_utc(name);
	zone.init = true;
	if (!zone.utc) {
		setenv("TZ", name, 1);
		tzset();
	}
	zcache.valid = false;
	have_now = false; /* CRM_NOW without an offset is read in the zone */
	return true;
}

static void zone_init(void)
{
	if (!zone.init && !date_set_zone(NULL)) {
		/* $TZ names no zone: as the C library does, UTC */
		date_set_zone("UTC");
	}
}

const char *date_zone(void)
{
	zone_init();
	return zone.name;
}

long date_offset(crm_time t)
{
	zone_init();
	if (zone.utc)
		return 0;
	int64_t block = t >= 0 ? t / 900 : (t - 899) / 900;
	if (zcache.valid && zcache.block == block)
		return zcache.off;
	time_t tt = (time_t)t;
	struct tm tm;
	long off = localtime_r(&tt, &tm) ? tm.tm_gmtoff : 0;
	zcache.block = block;
	zcache.off = off;
	zcache.valid = true;
	return off;
}

int64_t date_utc_day(crm_time t)
{
	return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}

int64_t date_day(crm_time t)
{
	return date_utc_day(t + date_offset(t));
}

crm_time date_local(int64_t day, long sec)
{
	crm_time naive = day * 86400 + sec;
	long off = date_offset(naive);
	crm_time t = naive - off;
	long off2 = date_offset(t);
	if (off2 != off)
		t = naive - off2; /* near a change of the offset */
	return t;
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool date_parse(const char *s, crm_time *t)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > month_days(y, (unsigned)mo))
		return false;
	const char *p = s + 10;
	long off = 0;
	bool zoned = false;
	if (*p == 'T' || *p == 't' || (*p == ' ' && p[1])) {
		p++;
		if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &mi))
			return false;
		p += 5;
		if (*p == ':') {
			if (!digits(p + 1, 2, &se))
				return false;
			p += 3;
			if (*p == '.') /* fractions of a second are dropped */
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (h > 23 || mi > 59 || se > 60)
			return false;
		if (*p == 'Z' || *p == 'z') {
			p++;
			zoned = true;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			int sign = *p == '-' ? -1 : 1;
			p++;
			if (!digits(p, 2, &oh))
				return false;
			p += 2;
			if (*p == ':')
				p++;
			if (!digits(p, 2, &om))
				return false;
			p += 2;
			off = sign * (oh * 3600L + om * 60L);
			zoned = true;
		}
	}
	if (*p)
		return false;
	int64_t day = days_from_civil(y, (unsigned)mo, (unsigned)d);
	long sec = h * 3600L + mi * 60L + se;
	crm_time v = zoned ? day * 86400 + sec - off : date_local(day, sec);
	if (v < DATE_MIN || v > DATE_MAX) /* an offset can move a time out of the years */
		return false;
	*t = v;
	return true;
}

crm_time day_start(crm_time t)
{
	return date_local(date_day(t), 0);
}

crm_time add_months(crm_time t, int months)
{
	int64_t day = date_day(t), y;
	long tod = (long)(t - date_local(day, 0));
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	int64_t mm = (int64_t)y * 12 + (m - 1) + months;
	y = mm >= 0 ? mm / 12 : (mm - 11) / 12;
	m = (unsigned)(mm - y * 12) + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return date_local(days_from_civil(y, m, d), tod);
}

/* date_parse_rel without the check of the range. */
static bool parse_rel(const char *s, crm_time now, crm_time *t)
{
	if (date_parse(s, t))
		return true;
	if (!strcmp(s, "now")) {
		*t = now;
		return true;
	}
	if (!strcmp(s, "today")) {
		*t = day_start(now);
		return true;
	}
	if (!strcmp(s, "yesterday")) {
		*t = date_local(date_day(now) - 1, 0);
		return true;
	}
	if (*s != '-' && *s != '+')
		return false;
	char *end;
	long n = strtol(s + 1, &end, 10);
	if (end == s + 1 || end[0] == '\0' || end[1] != '\0' || n < 0 || n > 100000)
		return false;
	if (*s == '-')
		n = -n;
	crm_time base = day_start(now);
	switch (*end) {
	case 'd':
		*t = date_local(date_day(now) + n, 0);
		return true;
	case 'w':
		*t = date_local(date_day(now) + n * 7, 0);
		return true;
	case 'm':
		*t = add_months(base, (int)n);
		return true;
	case 'y':
		*t = add_months(base, (int)n * 12);
		return true;
	}
	return false;
}

bool date_parse_rel(const char *s, crm_time now, crm_time *t)
{
	crm_time v;
	if (!parse_rel(s, now, &v) || v < DATE_MIN || v > DATE_MAX)
		return false; /* +9000y is no date, not a clamped or wrapped one */
	*t = v;
	return true;
}

bool date_out_of_range(const char *s, crm_time now)
{
	crm_time v;
	return parse_rel(s, now, &v) && (v < DATE_MIN || v > DATE_MAX);
}

/* Write the civil time day, sec as "YYYY-MM-DD" followed by tail's form. */
static void fmt_civil(int64_t day, long sec, char *buf, int form)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	unsigned s = (unsigned)sec;
	if (form == 0)
		snprintf(buf, DATE_BUFSZ, "%04d-%02u-%02uT%02u:%02u:%02uZ", (int)y, m % 13, d % 32,
			 s / 3600 % 24, s / 60 % 60, s % 60);
	else if (form == 1)
		snprintf(buf, DATE_BUFSZ, "%04d-%02u-%02u", (int)y, m % 13, d % 32);
	else
		snprintf(buf, DATE_BUFSZ, "%04d-%02u-%02u %02u:%02u", (int)y, m % 13, d % 32,
			 s / 3600 % 24, s / 60 % 60);
}

void date_fmt(crm_time t, char *buf)
{
	int64_t day = date_utc_day(t);
	fmt_civil(day, (long)(t - day * 86400), buf, 0);
}

void date_fmt_day(crm_time t, char *buf)
{
	fmt_civil(date_day(t), 0, buf, 1);
}

void date_fmt_local(crm_time t, char *buf)
{
	crm_time lt = t + date_offset(t);
	int64_t day = date_utc_day(lt);
	fmt_civil(day, (long)(lt - day * 86400), buf, 2);
}

/* Whether s, read by date_parse_rel, names a whole day rather than a time. */
static bool names_day(const char *s)
{
	if (!strcmp(s, "now"))
		return false;
	if (isdigit((unsigned char)*s))
		return strlen(s) == 10; /* YYYY-MM-DD */
	return true;
}

bool date_parse_bound(const char *s, crm_time now, bool end, crm_time *t)
{
	if (!date_parse_rel(s, now, t))
		return false;
	if (end && names_day(s))
		*t = date_local(date_day(*t) + 1, 0) - 1;
	return true;
}

crm_time date_option(const char *opt, const char *s, bool end)
{
	crm_time t;
	if (!date_parse_bound(s, crm_now(), end, &t) && date_out_of_range(s, crm_now()))
		crm_diex("--%s: '%s' falls outside the years 0000 to 9999", opt, s);
	if (!date_parse_bound(s, crm_now(), end, &t))
		crm_diex("--%s: '%s' is not a date (2026-11-22, 2026-11-22T14:30, -3d, +1w, today)", opt,
			 s);
	return t;
}

crm_time crm_now(void)
{
	crm_time now;
	zone_init();
	if (have_now)
		return now_cached;
	const char *e = getenv("CRM_NOW");
	if (e && *e) {
		if (!date_parse(e, &now))
			crm_diex("CRM_NOW: '%s' is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)", e);
	} else {
		now = (crm_time)time(NULL);
	}
	have_now = true;
	now_cached = now;
	return now;
}

bool date_span(const char *s, long long *secs)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	long long k = strtoll(s, &end, 10);
	long long unit = !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400 : !strcmp(end, "w") ? 604800 : 0;
	if (errno || !unit || k <= 0 || k > 100000)
		return false;
	*secs = k * unit;
	return true;
}
