/* chart.c - bar charts as inline SVG */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "utf8.h"

static const char *const palette[] = { "#3b6ea8", "#d9822b", "#4a9a5b", "#b5443c",
				       "#7c5fa6", "#8a7256", "#c0569a", "#6b7b8c" };
#define NPAL (sizeof palette / sizeof palette[0])

void chart_num(double v, char *buf, size_t n)
{
	char raw[64];
	if (!isfinite(v)) {
		snprintf(buf, n, "%s", "");
		return;
	}
	snprintf(raw, sizeof raw, "%.2f", v);
	char *dot = strchr(raw, '.');
	if (dot) {
		char *e = raw + strlen(raw) - 1;
		while (e > dot && *e == '0')
			*e-- = '\0';
		if (e == dot)
			*e = '\0';
	}
	if (!strcmp(raw, "-0"))
		strcpy(raw, "0");
	const char *p = raw;
	size_t k = 0;
	if (*p == '-' && k + 1 < n)
		buf[k++] = *p++;
	size_t digits = strspn(p, "0123456789");
	for (size_t i = 0; i < digits && k + 2 < n; i++) {
		if (i && (digits - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = p[i];
	}
	snprintf(buf + k, n - k, "%s", p + digits);
}

/* Ticks from lo to hi (lo <= 0 <= hi): a step of 1, 2 or 5 times a power
 * of ten, about four of them. */
static void ticks(double *lo, double *hi, double *step)
{
	if (*hi - *lo <= 0)
		*hi = *lo + 1;
	double raw = (*hi - *lo) / 4, mag = pow(10, floor(log10(raw))), norm = raw / mag;
	*step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
	*lo = floor(*lo / *step + 1e-9) * *step;
	*hi = ceil(*hi / *step - 1e-9) * *step;
	if (*hi - *lo < *step / 2)
		*hi = *lo + *step;
}

static void text(struct sb *b, double x, double y, const char *attrs, const char *s)
{
	sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	html_put(b, s, strlen(s));
	sb_adds(b, "</text>\n");
}

static void bar(struct sb *b, double x, double y, double w, double h, size_t s, const char *label,
		double v)
{
	sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", x,
		  y, w, h, palette[s % NPAL]);
	html_put(b, label, strlen(label));
	sb_printf(b, ": %g</title></rect>\n", v);
}

void chart_svg(struct sb *b, const struct chart *c)
{
	if (!c->n)
		return;
	size_t ns = c->ns ? c->ns : 1;
	double lo = 0, hi = 0, step;
	for (size_t i = 0; i < c->n * ns; i++)
		if (isfinite(c->v[i])) {
			lo = c->v[i] < lo ? c->v[i] : lo;
			hi = c->v[i] > hi ? c->v[i] : hi;
		}
	ticks(&lo, &hi, &step);
	size_t longest = 0;
	for (size_t i = 0; i < c->n; i++) {
		size_t w = u8_width(c->labels[i], strlen(c->labels[i]));
		longest = w > longest ? w : longest;
	}
	bool legend = ns > 1 && c->series;
	double top = 34 + (legend ? 22 : 0);
	double W, H, left, pw, ph;
	if (c->across) {
		left = 12 + (longest > 28 ? 28 : (double)longest) * 6.5;
		pw = 320;
		double row = 8 + 16 * (double)ns;
		ph = row * (double)c->n;
		W = left + pw + 70;
		H = top + ph + 46;
	} else {
		left = 64;
		double group = 12 + (ns == 1 ? 30 : 18 * (double)ns);
		pw = group * (double)c->n;
		ph = 200;
		bool slant = c->n > 6 || longest > 8;
		W = left + pw + 20;
		if (W < 360)
			W = 360;
		H = top + ph + (slant ? 14 + (longest > 16 ? 16 : (double)longest) * 5.5 : 30) + 8;
	}
	sb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" "
		     "style=\"max-width:%.0fpx\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\" "
		     "aria-label=\"",
		  W, H, W);
	html_put(b, c->title, strlen(c->title));
	sb_adds(b, "\">\n");
	text(b, 4, 18, "font-size=\"14\" font-weight=\"bold\"", c->title);
	if (legend) {
		double x = 4;
		for (size_t s = 0; s < ns; s++) {
			sb_printf(b, "<rect x=\"%.1f\" y=\"30\" width=\"10\" height=\"10\" fill=\"%s\"/>\n", x,
				  palette[s % NPAL]);
			text(b, x + 14, 39, "class=\"legend\"", c->series[s]);
			x += 30 + 6.5 * (double)u8_width(c->series[s], strlen(c->series[s]));
		}
	}
	char num[64];
	if (c->across) {
		/* the value axis along the bottom */
		double zero = left + (0 - lo) / (hi - lo) * pw;
		for (double t = lo; t <= hi + step / 2; t += step) {
			double x = left + (t - lo) / (hi - lo) * pw;
			sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
				  x, top, x, top + ph);
			chart_num(t, num, sizeof num);
			text(b, x, top + ph + 14, "text-anchor=\"middle\"", num);
		}
		text(b, left + pw / 2, top + ph + 34, "text-anchor=\"middle\" font-style=\"italic\"", c->unit);
		double row = ph / (double)c->n;
		for (size_t i = 0; i < c->n; i++) {
			double y = top + row * (double)i;
			text(b, left - 6, y + row / 2 + 4, "text-anchor=\"end\"", c->labels[i]);
			for (size_t s = 0; s < ns; s++) {
				double v = c->v[s * c->n + i];
				if (!isfinite(v))
					continue;
				double x = left + (v - lo) / (hi - lo) * pw;
				double y0 = y + 4 + 16 * (double)s;
				bar(b, v < 0 ? x : zero, y0, fabs(x - zero), 14, s, c->labels[i], v);
				chart_num(v, num, sizeof num);
				text(b, (v < 0 ? zero : x) + 4, y0 + 11, "", num);
			}
		}
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", zero,
			  top, zero, top + ph);
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", left,
			  top + ph, left + pw, top + ph);
	} else {
		double zero = top + ph - (0 - lo) / (hi - lo) * ph;
		for (double t = lo; t <= hi + step / 2; t += step) {
			double y = top + ph - (t - lo) / (hi - lo) * ph;
			sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
				  left, y, left + pw, y);
			chart_num(t, num, sizeof num);
			text(b, left - 6, y + 4, "text-anchor=\"end\"", num);
		}
		sb_printf(b, "<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" font-style=\"italic\" "
			     "transform=\"rotate(-90 12 %.1f)\">",
			  top + ph / 2, top + ph / 2);
		html_put(b, c->unit, strlen(c->unit));
		sb_adds(b, "</text>\n");
		double group = pw / (double)c->n, bw = (group - 12) / (double)ns;
		bool slant = c->n > 6 || longest > 8;
		for (size_t i = 0; i < c->n; i++) {
			double gx = left + group * (double)i + 6;
			for (size_t s = 0; s < ns; s++) {
				double v = c->v[s * c->n + i];
				if (!isfinite(v))
					continue;
				double y = top + ph - (v - lo) / (hi - lo) * ph, x = gx + bw * (double)s;
				bar(b, x, v < 0 ? zero : y, bw - 2, fabs(zero - y), s, c->labels[i], v);
				chart_num(v, num, sizeof num);
				text(b, x + (bw - 2) / 2, (v < 0 ? y + 11 : y - 3),
				     "text-anchor=\"middle\" font-size=\"9\"", num);
			}
			double lx = gx + (group - 12) / 2, ly = top + ph + 14;
			if (slant) {
				char attrs[128];
				snprintf(attrs, sizeof attrs, "text-anchor=\"end\" transform=\"rotate(-40 %.1f %.1f)\"",
					 lx, ly);
				text(b, lx, ly, attrs, c->labels[i]);
			} else {
				text(b, lx, ly, "text-anchor=\"middle\"", c->labels[i]);
			}
		}
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", left,
			  zero, left + pw, zero);
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", left,
			  top, left, top + ph);
	}
	sb_adds(b, "</svg>\n");
}
