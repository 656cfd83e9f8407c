/* report.h - what the reports of crm-report share: the options they were
 * given, the customers, periods, and rows keyed by text */
#ifndef CRM_REPORT_H
#define CRM_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "derive.h"
#include "dir.h"
#include "domain.h"
#include "fmt.h"
#include "hmap.h"
#include "merges.h"
#include "scan.h"

enum period { P_DAY, P_WEEK, P_MONTH, P_QUARTER, P_YEAR };

/* A customer of the report: what reports show of it. */
struct cinfo {
	char *id, *name, *group, *owner, *stage, *consent, *touch;
	crm_time created; /* INT64_MIN: none */
};

/* A run of crm-report: its options and what it has read. */
struct rctx {
	struct crm_dir d;
	crm_time now, since, until; /* since: INT64_MIN without --since; until: now without --until */
	bool until_given;        /* --until was given */
	bool strict;
	bool scoped;             /* a customer stream limits the report to its customers */
	enum period by;
	struct dom_rates rates;  /* the base currency (--currency) and the rates */
	long limit, window;      /* --limit (-1: none), --window days */
	long periods;            /* --periods (-1: the report's own) */
	double holdout;          /* --holdout in days (0: none) */
	bool by_given;           /* --by was given */
	const char *format;      /* -o, for a report that prints itself */
	int color;
	const char *group_name;  /* --group, or NULL */
	int group_ev;            /* the PJ_ field of an event grouped by, else -1 */
	struct merges merged;    /* who a customer is now: the merge records */
	struct hmap ids;         /* customer id -> index in ci */
	struct cinfo *ci;        /* their strings in names */
	size_t nci, cicap;
	struct strpool names;
	struct table *out;       /* the table a report is filling, for its callbacks */
	bool ics;                /* -o ics: the report writes a calendar itself (followups) */
};

/* A report: its name, what it does, and whether it shows the customers
 * (then they are read even when no stream scopes the report). */
struct report {
	const char *name;
	void (*run)(struct rctx *x, struct table *t);
	bool customers;
	bool limits;             /* applies --limit itself */
	const char *about;
};

/* The reports, one a file. */
void report_summary(struct rctx *x, struct table *t);
void report_activity(struct rctx *x, struct table *t);
void report_revenue(struct rctx *x, struct table *t);
void report_top(struct rctx *x, struct table *t);
void report_pipeline(struct rctx *x, struct table *t);
void report_campaigns(struct rctx *x, struct table *t);
void report_satisfaction(struct rctx *x, struct table *t);
void report_followups(struct rctx *x, struct table *t);
/* followups' overdue tasks only (the digest's). */
void report_overdue(struct rctx *x, struct table *t);
void report_cohorts(struct rctx *x, struct table *t);
void report_owners(struct rctx *x, struct table *t);
void report_changes(struct rctx *x, struct table *t);
void report_tickets(struct rctx *x, struct table *t);
void report_forecast(struct rctx *x, struct table *t);
/* The digest prints itself, several tables as one page (t is NULL). */
void report_digest(struct rctx *x, struct table *t);

/* -- customers (customers.c) -- */

/* Read the customers (the stream on stdin when use_stdin, else
 * customers.csv), with the --group column when grouping by one; with
 * where (--where), only those for which it holds. */
void customers_load(struct rctx *x, bool use_stdin, const char *where);
void customers_free(struct rctx *x);
/* The customer of an id field (the customer it is now, after the merge
 * records), or NULL. */
const struct cinfo *customer_of(const struct rctx *x, const struct pval *id);
/* Whether an event counts: its customer in scope, and with timed its
 * time in the period (--since to --until). */
bool wanted(const struct rctx *x, const struct event *e, bool timed);
/* The figures of every customer (derive.h) from since to --until: the
 * fields in mask (bits 1 << D_...; only the events they are made of are
 * read), open tasks listed when tasks. */
struct derive *figures_load(struct rctx *x, unsigned mask, bool tasks, crm_time since);

/* -- periods (periods.c) -- */

crm_time period_start(crm_time t, enum period p);
crm_time period_next(crm_time start, enum period p);
/* The label of the period holding t: 2026-11-16, 2026-11, 2026-Q4, 2026
 * (16 bytes). */
void period_label(crm_time t, enum period p, char *buf);

/* Rows of a report keyed by text ("2026-11\x1fPLN"), each a struct of the
 * report's of size bytes, zeroed when new. */
struct keyed {
	struct hmap keys;
	size_t size;
	char *rows;
	size_t cap;
};
void *keyed_row(struct keyed *k, const char *key, size_t n);
/* The row of index i (an index of k->keys). */
void *keyed_at(const struct keyed *k, size_t i);
/* The keys in order, as new strings (free_strv). */
char **keyed_sorted(const struct keyed *k);
void keyed_free(struct keyed *k);

/* A per-period report's reading of the history, one part of it: a big
 * file is read in parts on several threads, each with rows of its own,
 * merged at the end. */
struct ppart {
	struct rctx *x;
	struct keyed k;
	crm_time day;    /* the day the label below is of */
	char label[16];
	size_t label_n;
	void (*fold)(struct ppart *p, const struct event *e);
};

/* Read the history, calling fold with each event and the part reading it
 * (fold finds its rows with period_key and keyed_row on p->k); then the
 * parts' rows are merged into *k by merge (one row added into another),
 * rows of size bytes. */
void period_scan(struct rctx *x, struct keyed *k, size_t size,
		 void (*fold)(struct ppart *p, const struct event *e),
		 void (*merge)(void *into, const void *from));

/* The start of the key of an event: its period's label, then its group
 * when grouping, written into buf (KEY_MAX bytes); returns its length.
 * key_add appends a part (cut to KEY_PART bytes). */
#define KEY_MAX 1024
#define KEY_PART 200
size_t period_key(struct ppart *p, const struct event *e, char *buf);
void key_add(char *buf, size_t *n, const char *s, size_t len);
void key_add_pv(char *buf, size_t *n, const struct pval *v);

/* Every period from the first key's (or --since) to --until's, so that an
 * empty period shows as a row of zeros: a row keyed by its label followed
 * by suffix is added to k for each period without one. */
void fill_periods(const struct rctx *x, struct keyed *k, const char *suffix);

/* The columns of a per-period report: period, the group (when grouping),
 * then names; returns the index of the first of names. */
size_t period_cols(const struct rctx *x, struct table *t, const char *const *names,
		   const char *kinds);
/* A row of a per-period report from its key: its period and group cells
 * written; the other parts of the key are left in *p (free_strv). */
struct rec *period_row(const struct rctx *x, struct table *t, const char *key, char ***p,
		       size_t *np);

/* -- money -- */

/* The column name of money in the base currency ("revenue"), and the
 * currency column every report with such money has. */
void cell_base(struct rec *r, const struct rctx *x, long long minor);

/* Rows per currency, in keys as keyed_sorted gives them, whose last part
 * (after the last '\x1f') is the currency: a group is the keys that
 * differ only in it, and its chart shows its row in the base currency,
 * or its total in it. other: a row of the group in another currency. */
struct curgroup {
	bool other;
	long base_row; /* -1: none yet */
};
/* True when keys[i] is the last of its group. */
bool group_last(char *const *keys, size_t i);
/* At the end of a group: its chart row marked, g ready for the next. */
void group_end(struct curgroup *g, struct table *t);

#endif
