/* crm-report - the predefined reports: a table of them, one file each in
 * src/crm-report/ */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complete.h"
#include "cust.h"
#include "opt.h"
#include "predict.h"
#include "report.h"
#include "suggest.h"
#include "util.h"

enum { O_SINCE = OPT_FIRST_LOCAL, O_UNTIL, O_BY, O_GROUP, O_LIMIT, O_WINDOW, O_PERIODS, O_HOLDOUT };

static const struct crm_opt opts[] = {
	{ O_SINCE, "since", "DATE", "from this time on (inclusive; -30d, 2026-01-01)" },
	{ O_UNTIL, "until", "DATE", "up to this time (inclusive; a date: to its end)" },
	{ O_BY, "by", "PERIOD", "day, week (from Monday), month, quarter or year" },
	{ O_GROUP, "group", "FIELD", "split by a customer column (owner, country...) or type, channel, direction, by, currency" },
	{ 'w', "where", "EXPR", "only the customers for which EXPR holds (as crm-find --where)" },
	CRM_OPT_CURRENCY,
	{ O_LIMIT, "limit", "N", "at most N rows (top: default 10)" },
	{ O_WINDOW, "window", "DAYS", "campaigns: days after a mail in which a reply counts (14)" },
	{ O_PERIODS, "periods", "N", "forecast: N periods ahead (6; with --holdout 0)" },
	{ O_HOLDOUT, "holdout", "DURATION", "forecast: fit up to DURATION before --until (90d, 13w, 6m) and show what happened since" },
	{ 'o', "format", "FORMAT", "table, csv, tsv, json, md, html, or ics (followups: a calendar)" },
	CRM_OPT_SAFECSV,
	CRM_OPTS_READER,
};

/* The reports: name, function, whether it shows customers (they are read
 * then), whether it applies --limit itself. segments is crm-segment's. */
static const struct report reports[] = {
	{ "summary", report_summary, true, false, "customers, contacts, revenue and tasks in a few figures" },
	{ "activity", report_activity, false, false, "contacts per period, channel and type" },
	{ "revenue", report_revenue, false, false, "orders, refunds and revenue per period and currency" },
	{ "top", report_top, true, true, "the customers who bought the most" },
	{ "segments", NULL, false, false, "customers per RFM segment (crm-segment --rfm -S)" },
	{ "pipeline", report_pipeline, false, false, "open deals by stage and close month, closed deals, win rate" },
	{ "campaigns", report_campaigns, false, false, "recipients, responders and their revenue per campaign" },
	{ "satisfaction", report_satisfaction, false, false, "ratings (CSAT) and scores (NPS) per period" },
	{ "followups", report_followups, true, false, "tasks overdue or due this week, customers losing touch" },
	{ "cohorts", report_cohorts, false, true, "customers by first purchase month, and who bought again" },
	{ "owners", report_owners, true, false, "customers, contacts, open tasks and revenue per owner" },
	{ "tickets", report_tickets, true, false, "open tickets: age, owner, last reply, service level breaches" },
	{ "changes", report_changes, false, false, "changes of consent and stage in the git history: who and when" },
	{ "forecast", report_forecast, false, false, "purchases and revenue expected per period ahead (BG/NBD, Gamma-Gamma)" },
	{ "digest", report_digest, true, true, "the week (--by) in headline figures against the one before, and charts" },
	{ NULL, NULL, false, false, NULL },
};

/* The reports, for the shell completions. */
static void complete_reports(const char *kind, const char *prefix)
{
	if (strcmp(kind, "COMMAND"))
		return;
	for (const struct report *r = reports; r->name; r++)
		if (!strncmp(r->name, prefix, strlen(prefix)))
			printf("%s\t%s\n", r->name, r->about);
}

static const struct crm_cmd cmd = {
	"REPORT [--since DATE] [--until DATE] [--by PERIOD] [--group FIELD] [-w EXPR] [--currency CUR] [--limit N] [--periods N] [--holdout DURATION] [-o FORMAT]",
	"Print a report: summary, activity, revenue, top, segments, pipeline,\n"
	"campaigns, satisfaction, followups, cohorts, owners, tickets, changes,\n"
	"forecast or digest. A customer\n"
	"stream on standard input, or --where, limits the report to those customers.",
	opts,
	NULL,
};

/* crm-segment --rfm --summary with the options that apply. */
_Noreturn static void run_segments(const struct crm_common *c, const char *until, const char *where)
{
	char *args[16];
	int n = 0;
	args[n++] = "crm-segment";
	args[n++] = "--rfm";
	args[n++] = "--summary";
	if (c->dir) {
		args[n++] = "-d";
		args[n++] = (char *)c->dir;
	}
	if (c->format) {
		args[n++] = "-o";
		args[n++] = (char *)c->format;
	}
	if (c->currency) {
		args[n++] = "--currency";
		args[n++] = (char *)c->currency;
	}
	if (c->safe_csv)
		args[n++] = "--safe-csv";
	if (until) {
		args[n++] = "--as-of";
		args[n++] = (char *)until;
	}
	if (where) {
		args[n++] = "--where";
		args[n++] = (char *)where;
	}
	args[n] = NULL;
	/* the crm-segment beside this program first */
	char self[4096];
	ssize_t l = readlink("/proc/self/exe", self, sizeof self - 20);
	if (l > 0) {
		self[l] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			strcpy(slash + 1, "crm-segment");
			execv(self, args);
		}
	}
	execvp("crm-segment", args);
	crm_die("crm-segment");
}

static const struct report *find_report(const char *name)
{
	for (const struct report *r = reports; r->name; r++)
		if (!strcmp(r->name, name))
			return r;
	const char *names[sizeof reports / sizeof reports[0]];
	size_t n = 0;
	for (const struct report *r = reports; r->name; r++)
		names[n++] = r->name;
	struct sb all = { 0 };
	if (suggest(name, names, n, "", &all))
		crm_diex("%s: no such report (did you mean %s?)", name, sb_str(&all));
	for (size_t i = 0; i < n; i++)
		sb_printf(&all, "%s%s", i ? ", " : "", names[i]);
	crm_diex("%s: no such report (%s)", name, sb_str(&all));
}

/* What a run of a report read, let go; its output written out. */
static void rctx_close(struct rctx *x)
{
	customers_free(x);
	merges_free(&x->merged);
	dom_rates_free(&x->rates);
	crm_dir_close(&x->d);
	crm_flush_stdout();
}

int main(int argc, char **argv)
{
	crm_init(argc, argv);
	complete_extra(complete_reports);
	struct crm_common c = { 0 };
	struct rctx x = { .limit = -1, .window = 14, .group_ev = -1, .by = P_MONTH, .periods = -1 };
	const char *arg, *since = NULL, *until = NULL, *where = NULL;
	int k;
	while ((k = crm_getopt(argc, argv, &cmd, &c, &arg)) != -1) {
		switch (k) {
		case O_SINCE: since = arg; break;
		case O_UNTIL: until = arg; break;
		case O_GROUP: x.group_name = arg; break;
		case 'w': where = arg; break;
		case O_BY: {
			static const char *const names[] = { "day", "week", "month", "quarter", "year", NULL };
			long i = dom_index(names, arg);
			if (i < 0)
				crm_usage_error(&cmd, "--by takes day, week, month, quarter or year");
			x.by = (enum period)i;
			x.by_given = true;
			break;
		}
		case O_HOLDOUT:
			if (!predict_span(arg, &x.holdout))
				crm_usage_error(&cmd, "--holdout takes a span of time: 90d, 13w, 6m, 1y");
			break;
		case O_PERIODS:
		case O_LIMIT:
		case O_WINDOW: {
			long long v;
			if (!parse_long(arg, &v) || v < 0)
				crm_usage_error(&cmd, k == O_LIMIT     ? "--limit takes a whole number"
						      : k == O_PERIODS ? "--periods takes a whole number"
								       : "--window takes a number of days");
			if (k == O_PERIODS && v > 1000)
				crm_usage_error(&cmd, "--periods takes at most 1000");
			if (k == O_PERIODS)
				x.periods = (long)v;
			else if (k == O_LIMIT)
				x.limit = (long)v;
			else
				x.window = (long)v;
			break;
		}
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		crm_usage_error(&cmd, "name one report");
	const struct report *rep = find_report(argv[0]);
	x.ics = c.format && !strcmp(c.format, "ics");
	if (x.ics && rep->run != report_followups)
		crm_usage_error(&cmd, "-o ics goes with followups");
	/* a format the report cannot print is said before the history is read */
	if (!x.ics && rep->run)
		(void)fmt_choose(c.format, FMT_TABLE, rep->run == report_digest ? FMTS_PAGE : FMTS_TABLE);
	if (!rep->run)
		run_segments(&c, until, where);

	crm_dir_open(&x.d, c.dir);
	x.strict = c.strict;
	/* a line logged on a customer merged since counts for the one it is now */
	if (merges_load(&x.merged, &x.d) < 0)
		exit(CRM_ERR);
	x.now = crm_now();
	/* an event dated later than now is not history yet */
	x.since = since ? date_option("since", since, false) : INT64_MIN;
	x.until = until ? date_option("until", until, true) : x.now;
	x.until_given = until != NULL;
	dom_rates_load(&x.rates, &x.d, c.currency);
	if (x.group_name) {
		static const char *const ev[] = { "type", "channel", "direction", "by", "currency", NULL };
		static const int pj[] = { PJ_TYPE, PJ_CHANNEL, PJ_DIRECTION, PJ_BY, PJ_CURRENCY };
		long i = dom_index(ev, x.group_name);
		if (i >= 0)
			x.group_ev = pj[i];
	}
	/* a stream, or --where, scopes the report to its customers */
	bool use_stdin = stdin_is_stream();
	x.scoped = use_stdin || where;
	/* the customers are read when a report shows them, the report is
	 * scoped, or the rows are grouped by a customer column */
	if (rep->customers || x.scoped || (x.group_name && x.group_ev < 0))
		customers_load(&x, use_stdin, where);

	x.format = c.format;
	x.color = c.color;
	if (rep->run == report_digest) { /* several tables, printed by the report */
		rep->run(&x, NULL);
		rctx_close(&x);
		return CRM_OK;
	}
	struct table t;
	char title[128];
	snprintf(title, sizeof title, "crm report: %s", rep->name);
	table_init(&t, title);
	/* what the report covers, for its page */
	char d1[DATE_BUFSZ], d2[DATE_BUFSZ];
	date_fmt_day(x.until, d2);
	if (x.since != INT64_MIN) {
		date_fmt_day(x.since, d1);
		snprintf(t.period, sizeof t.period, "%s to %s", d1, d2);
	} else {
		snprintf(t.period, sizeof t.period, "up to %s", d2);
	}
	rep->run(&x, &t);
	if (x.limit >= 0 && !rep->limits && t.n > (size_t)x.limit)
		t.n = (size_t)x.limit;
	if (!x.ics) /* a calendar is written by its report */
		table_print(&t, c.format, c.color);
	int rc = t.n ? CRM_OK : CRM_NONE;
	table_free(&t);
	rctx_close(&x);
	return rc;
}
