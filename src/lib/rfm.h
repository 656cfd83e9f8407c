/* rfm.h - RFM scores and segments: the one reading of crm-segment --rfm,
 * also the segment field of crm-auto's rules */
#ifndef CRM_RFM_H
#define CRM_RFM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "derive.h"

/* The segment of a customer without a purchase. */
#define RFM_PROSPECTS "Prospects"

/* The segments, in the order a summary lists them (NULL-terminated). */
extern const char *const rfm_order[];

/* One customer's figures and scores. */
struct rfm {
	long long m;       /* revenue */
	int32_t days;      /* since the last purchase, -1 when none */
	int32_t f;         /* purchases */
	int8_t rs, fs, ms; /* the scores 1-5 (rfm_score) */
};

/* The figures of a customer from its derived figures f (NULL: none) as of
 * asof. */
void rfm_figures(struct rfm *c, const struct figures *f, crm_time asof);
/* True when c made a purchase (is scored; else a prospect). */
bool rfm_buyer(const struct rfm *c);
/* Score the buyers among v[0..n) by quintiles of R, F and M among them:
 * ids[i] is customer i's id, ties go by the order of the ids. */
void rfm_score(struct rfm *const *v, const char *const *ids, size_t n);
/* The segment of a scored customer (RFM_PROSPECTS for one who bought nothing). */
const char *rfm_segment(const struct rfm *c);

#endif
