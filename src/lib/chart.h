/* chart.h - bar charts as inline SVG for the HTML pages of reports: axes
 * with ticks, labelled categories, the value of each bar, a legend when
 * there are several series, the title (with its period) on top; numbers
 * with thousands separated. No script, font or image from elsewhere; the
 * width follows the page (a viewBox, width 100%). */
#ifndef CRM_CHART_H
#define CRM_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct chart {
	const char *title;          /* drawn on top of the chart */
	const char *unit;           /* what the values are ("revenue", "contacts"): the value axis */
	const char *const *labels;  /* the n categories, in order */
	size_t n;
	const char *const *series;  /* the ns series (a legend when ns > 1); NULL with ns 1 */
	size_t ns;
	const double *v;            /* v[s * n + i]: series s of category i; NAN: no bar */
	bool across;                /* bars across (long labels: stages, names), else upwards */
};

/* Append c as an <svg> element to b. Each bar has a <title> "LABEL: VALUE"
 * (VALUE as %g) for a pointer hovering over it, and its value written
 * beside it. Nothing when c has no category. */
void chart_svg(struct sb *b, const struct chart *c);

/* v with thousands separated and at most two decimals, trailing zeros
 * dropped ("1,234.5", "-20", "0.25") into buf (n bytes). */
void chart_num(double v, char *buf, size_t n);

#endif
