/* date.c - timestamps in UTC without the C library's time zone machinery */
#include "date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		}
	}
	if (*p)
		return false;
	crm_time v = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
	if (v < DATE_MIN || v > DATE_MAX) /* an offset can move a time out of the years */
		return false;
	*t = v;
	return true;
}

crm_time day_start(crm_time t)
{
	int64_t d = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	return d * 86400;
}

crm_time add_months(crm_time t, int months)
{
	crm_time ds = day_start(t);
	crm_time tod = t - ds;
	int64_t y;
	unsigned m, d;
	civil_from_days(ds / 86400, &y, &m, &d);
	int64_t mm = (int64_t)y * 12 + (m - 1) + months;
	y = mm >= 0 ? mm / 12 : (mm - 11) / 12;
	m = (unsigned)(mm - y * 12) + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return days_from_civil(y, m, d) * 86400 + tod;
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
		*t = day_start(now) - 86400;
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
		*t = base + n * 86400;
		return true;
	case 'w':
		*t = base + n * 7 * 86400;
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

void date_fmt(crm_time t, char *buf)
{
	crm_time ds = day_start(t);
	int64_t y;
	unsigned m, d;
	civil_from_days(ds / 86400, &y, &m, &d);
	unsigned s = (unsigned)(t - ds);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	snprintf(buf, DATE_BUFSZ, "%04d-%02u-%02uT%02u:%02u:%02uZ", (int)y, m % 13, d % 32,
		 s / 3600 % 24, s / 60 % 60, s % 60);
}

void date_fmt_day(crm_time t, char *buf)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(day_start(t) / 86400, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	snprintf(buf, DATE_BUFSZ, "%04d-%02u-%02u", (int)y, m % 13, d % 32);
}

crm_time crm_now(void)
{
	static bool have;
	static crm_time now;
	if (have)
		return now;
	const char *e = getenv("CRM_NOW");
	if (e && *e) {
		if (!date_parse(e, &now))
			crm_diex("CRM_NOW: '%s' is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)", e);
	} else {
		now = (crm_time)time(NULL);
	}
	have = true;
	return now;
}
