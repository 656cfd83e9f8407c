/* predict.c - BG/NBD and Gamma-Gamma: maximum likelihood and predictions
 *
 * The fits maximise the log-likelihood over the logarithms of the
 * parameters (so they stay positive) with BFGS, a quasi-Newton method,
 * on analytic gradients (digamma for the derivatives of lgamma). The
 * data are first scaled, times by the mean T and values by the mean m, so
 * that every parameter of a sensible fit is within a few units of 1 on
 * the log scale; a parameter that leaves [-12, 12] there (a factor of
 * 160,000 either way) is running off to 0 or infinity, which means the
 * likelihood has no maximum inside, and the fit is an error. Each fit is
 * started from three points; the best that converged is polished by a
 * last run from it, and is refused when a run that ran off found a
 * higher likelihood. BG/NBD customers with the same (x, t_x, T), common
 * when times are whole days, are counted once with a weight, and the logs
 * of alpha + t come from a table of the whole days; Gamma-Gamma customers
 * are grouped by their number of repeat purchases, so that an evaluation
 * takes one log per customer. Sums are added in double over blocks of
 * 1024 terms, the blocks in long double. A million customers fit in
 * seconds.
 *
 * The conditional expectation (BG/NBD paper, equation 10) needs
 * 2F1(r+x, b+x; a+b+x-1; z), z = t/(alpha+T+t). Its series converges
 * slowly for large x (the terms grow like n^(r+1-a+x) z^n before they
 * fall), so it is taken through Euler's transformation
 * 2F1(A', B'; C'; z) = (1-z)^(C'-A'-B') 2F1(C'-A', C'-B'; C'; z), whose
 * parameters a+b-1-r and a-1 do not grow with x. The factor (a-1) of the
 * second and the 1/(a-1) in front of the bracket are cancelled by hand,
 * and so is the a+b+x-1 in front against the series' denominator, so
 * that a = 1 and a+b+x-1 <= 0 need no special case:
 *   E = P(alive) [ -(a+b+x-1) L phi((a-1) L) - (1-z)^(a-1) W ],
 *   L = log(1-z), phi(y) = (e^y - 1)/y,
 *   W = sum_{n>=1} (a+b-1-r)_n (a)_(n-1) z^n / ((a+b+x)_(n-1) n!).
 */
#include "predict.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* A parameter on the log scale (data scaled) beyond this has run off. */
#define TH_BOUND 12.0
/* Converged when every component of the gradient of the mean
 * log-likelihood per customer, on the log scale, is below this. */
#define GTOL 1e-9
#define MAXIT 2000

static double lgam(double x)
{
	int sign;
	return lgamma_r(x, &sign);
}

/* The digamma function for x > 0: the recurrence up to 10, then the
 * asymptotic series (error below 1e-15 there). */
static double digamma(double x)
{
	double s = 0;
	while (x < 10) {
		s -= 1 / x;
		x += 1;
	}
	double f = 1 / (x * x);
	return s + log(x) - 0.5 / x -
	       f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}

/* --- the optimiser ------------------------------------------------------- */

/* The objective to minimise at th (k values), its gradient into g; a
 * value that is not finite is a point to step back from. */
typedef long double (*objfn)(void *ctx, const double *th, double *g);

enum { RUN_OK, RUN_STUCK, RUN_OUT };

static double maxabs(const double *v, int k)
{
	double m = 0;
	for (int i = 0; i < k; i++)
		if (fabs(v[i]) > m || isnan(v[i]))
			m = isnan(v[i]) ? INFINITY : fabs(v[i]);
	return m;
}

static double dot(const double *u, const double *v, int k)
{
	double s = 0;
	for (int i = 0; i < k; i++)
		s += u[i] * v[i];
	return s;
}

static void ident(double *H, int k)
{
	for (int i = 0; i < k * k; i++)
		H[i] = i % (k + 1) ? 0 : 1;
}

/* Minimise fn from th (k <= 4 values), leaving the point reached in th and
 * the value in *fv. RUN_OK: the gradient vanished; RUN_OUT: a value left
 * [-TH_BOUND, TH_BOUND]; RUN_STUCK: no progress (with a gradient that
 * has not nearly vanished), or too many steps. A step
 * is taken when it lowers the value enough (Armijo), or, once the changes
 * of the value are down at its rounding errors, when it lowers the slope
 * along the step instead (the approximate Wolfe condition of Hager and
 * Zhang): the gradient is exact, the value only nearly. */
static int bfgs(objfn fn, void *ctx, int k, double *th, long double *fv)
{
	double H[16], g[4], g1[4], th1[4], d[4], s[4], y[4], Hy[4];
	long double f = fn(ctx, th, g), f1;
	*fv = f;
	if (!isfinite((double)f))
		return RUN_STUCK;
	ident(H, k);
	bool fresh = true;
	for (int it = 0; it < MAXIT; it++) {
		if (maxabs(g, k) < GTOL)
			return RUN_OK;
		for (int i = 0; i < k; i++) {
			d[i] = 0;
			for (int j = 0; j < k; j++)
				d[i] -= H[i * k + j] * g[j];
		}
		double gd = dot(g, d, k);
		if (!(gd < 0)) {
			ident(H, k);
			fresh = true;
			for (int i = 0; i < k; i++)
				d[i] = -g[i];
			gd = dot(g, d, k);
		}
		double mx = maxabs(d, k), step = mx > 2 ? 2 / mx : 1;
		long double noise = 1e-13L * fabsl(f) + LDBL_MIN;
		int ls;
		for (ls = 0; ls < 80; ls++, step *= 0.5) {
			for (int i = 0; i < k; i++)
				th1[i] = th[i] + step * d[i];
			f1 = fn(ctx, th1, g1);
			if (!isfinite((double)f1))
				continue;
			if (f1 <= f + 1e-4L * step * gd)
				break;
			double g1d = dot(g1, d, k);
			if (fabsl(f1 - f) <= noise && g1d >= 0.9 * gd && g1d <= -0.9 * gd)
				break;
		}
		if (ls == 80) {
			if (!fresh) { /* a stale curvature: start it again */
				ident(H, k);
				fresh = true;
				continue;
			}
			/* no step helps: an optimum as close as the value can tell,
			 * or none */
			return maxabs(g, k) < 1e3 * GTOL ? RUN_OK : RUN_STUCK;
		}
		for (int i = 0; i < k; i++) {
			s[i] = th1[i] - th[i];
			y[i] = g1[i] - g[i];
		}
		double sy = dot(s, y, k);
		if (sy > 1e-300) {
			if (fresh) { /* the first step tells the scale of the curvature */
				double yy = dot(y, y, k);
				for (int i = 0; i < k * k; i++)
					H[i] *= sy / yy;
				fresh = false;
			}
			/* H += ((sy + y'Hy) ss' ) / sy^2 - (Hy s' + s y'H) / sy */
			for (int i = 0; i < k; i++) {
				Hy[i] = 0;
				for (int j = 0; j < k; j++)
					Hy[i] += H[i * k + j] * y[j];
			}
			double yHy = dot(y, Hy, k);
			for (int i = 0; i < k; i++)
				for (int j = 0; j < k; j++)
					H[i * k + j] += (sy + yHy) * s[i] * s[j] / (sy * sy) -
							(Hy[i] * s[j] + s[i] * Hy[j]) / sy;
		}
		memcpy(th, th1, sizeof *th * (size_t)k);
		memcpy(g, g1, sizeof *g * (size_t)k);
		f = f1;
		*fv = f;
		if (maxabs(th, k) > TH_BOUND)
			return RUN_OUT;
	}
	return RUN_STUCK;
}

/* Run bfgs from each of the nst starting points (parameters, not logs),
 * keep the best that converged, polish it with one more run, and check it.
 * names: the parameters, for the messages. Returns 0 with the parameters
 * (not logs) in par, or -1 with the reason in err. */
static int fit(objfn fn, void *ctx, int k, const double (*start)[4], int nst,
	       const char *model, const char *const *names, double *par, char *err, size_t errsz)
{
	double best[4] = { 0 }, out[4] = { 0 };
	long double fbest = INFINITY, fout = INFINITY;
	bool ok = false, ran_off = false;
	for (int i = 0; i < nst; i++) {
		double th[4];
		long double fv;
		for (int j = 0; j < k; j++)
			th[j] = log(start[i][j]);
		int rc = bfgs(fn, ctx, k, th, &fv);
		if (rc == RUN_OK && fv < fbest) {
			fbest = fv;
			memcpy(best, th, sizeof th);
			ok = true;
		} else if (rc == RUN_OUT && fv < fout) {
			fout = fv;
			memcpy(out, th, sizeof th);
			ran_off = true;
		}
	}
	if (ok) {
		long double fv;
		int rc = bfgs(fn, ctx, k, best, &fv);
		if (rc == RUN_OUT) {
			ran_off = true;
			fout = fv;
			memcpy(out, best, sizeof best);
			ok = false;
		} else if (rc != RUN_OK) {
			ok = false;
		} else {
			fbest = fv;
		}
	}
	if (ran_off && (!ok || fout < fbest - 1e-12L * fabsl(fbest))) {
		int w = 0;
		for (int j = 1; j < k; j++)
			if (fabs(out[j]) > fabs(out[w]))
				w = j;
		snprintf(err, errsz,
			 "the %s fit does not converge: the likelihood grows as %s runs off to %s",
			 model, names[w], out[w] > 0 ? "infinity" : "0");
		return -1;
	}
	if (!ok) {
		snprintf(err, errsz, "the %s fit does not converge", model);
		return -1;
	}
	for (int j = 0; j < k; j++)
		par[j] = exp(best[j]);
	return 0;
}

/* --- BG/NBD -------------------------------------------------------------- */

/* The customers grouped by (x, t_x, T), in order of x, times scaled.
 * When the times are whole numbers (days) and not too many, the logs of
 * alpha + t are taken once per value from a table, not once per group. */
struct bg {
	size_t n;
	long *x;
	double *tx, *T, *w;
	double wsum;
	double scale;
	uint32_t *txi, *Ti; /* the times unscaled, when they are whole */
	size_t maxt;        /* the largest; 0: no table */
	double *ltab;       /* log(alpha + t / scale) for t = 0..maxt */
};

static const char *check_cust(const struct predict_cust *c)
{
	if (c->x < 0)
		return "a negative number of purchases";
	if (!isfinite(c->t_x) || !isfinite(c->T) || c->t_x < 0 || c->T < 0)
		return "a time that is negative or not a number";
	if (c->t_x > c->T)
		return "the last purchase after the end of the observation";
	if (c->x > 0 && c->t_x <= 0)
		return "repeat purchases at the time of the first";
	if (c->x == 0 && c->t_x != 0)
		return "a last purchase without a repeat purchase";
	return NULL;
}

/* The terms of a customer's log-likelihood that depend on its x alone. */
struct xterms {
	long x;
	double base;         /* lgamma(r+x) - lgamma(r) + r ln alpha + ln B(a, b+x) - ln B(a, b) */
	double la;           /* ln a - ln(b+x-1), x > 0 */
	double dr, da, db;   /* the derivatives of base by r, a, b */
};

static void xterms(struct xterms *t, long x, double r, double alpha, double a, double b)
{
	t->x = x;
	t->base = lgam(r + x) - lgam(r) + r * log(alpha) + lgam(a + b) + lgam(b + x) - lgam(b) -
		  lgam(a + b + x);
	t->la = x > 0 ? log(a) - log(b + x - 1) : 0;
}

static void xderiv(struct xterms *t, double r, double alpha, double a, double b)
{
	long x = t->x;
	double dab = digamma(a + b) - digamma(a + b + x);
	t->dr = digamma(r + x) - digamma(r) + log(alpha);
	t->da = dab;
	t->db = dab + digamma(b + x) - digamma(b);
}

/* The log-likelihood of one customer given its x's terms, aT = alpha + T,
 * atx = alpha + t_x and their logs LT and Lt; dl gets its derivatives by
 * r, alpha, a and b when not NULL. */
static double bg_one(const struct xterms *t, double r, double alpha, double a, double b,
		     double aT, double atx, double LT, double Lt, double *dl)
{
	long x = t->x;
	double A3 = -(r + x) * LT;
	if (x == 0) {
		if (dl) {
			dl[0] = t->dr - LT;
			dl[1] = r / alpha - r / aT;
			dl[2] = t->da;
			dl[3] = t->db;
		}
		return t->base + A3;
	}
	/* log(e^A3 + e^A4), and the share of each */
	double A4 = t->la - (r + x) * Lt, d = A4 - A3, e, tail, w3, w4;
	if (d <= 0) {
		e = exp(d);
		tail = A3 + log1p(e);
		w3 = 1 / (1 + e);
		w4 = e * w3;
	} else {
		e = exp(-d);
		tail = A4 + log1p(e);
		w4 = 1 / (1 + e);
		w3 = e * w4;
	}
	if (dl) {
		dl[0] = t->dr - w3 * LT - w4 * Lt;
		dl[1] = r / alpha - (r + x) * (w3 / aT + w4 / atx);
		dl[2] = t->da + w4 / a;
		dl[3] = t->db - w4 / (b + x - 1);
	}
	return t->base + tail;
}

/* Sums of many terms: in double over blocks of BLOCK terms, the blocks
 * in long double. */
#define BLOCK 1024

static long double bg_obj(void *ctx, const double *th, double *g)
{
	const struct bg *G = ctx;
	double r = exp(th[0]), alpha = exp(th[1]), a = exp(th[2]), b = exp(th[3]);
	long double ll = 0, gs[4] = { 0, 0, 0, 0 };
	double bl = 0, bgs[4] = { 0, 0, 0, 0 };
	if (G->maxt)
		for (size_t d = 0; d <= G->maxt; d++)
			G->ltab[d] = log(alpha + d / G->scale);
	struct xterms t = { .x = -1 };
	for (size_t i = 0; i < G->n; i++) {
		if (G->x[i] != t.x) {
			xterms(&t, G->x[i], r, alpha, a, b);
			xderiv(&t, r, alpha, a, b);
		}
		double dl[4], aT = alpha + G->T[i], atx = alpha + G->tx[i];
		double LT = G->maxt ? G->ltab[G->Ti[i]] : log(aT);
		double Lt = G->maxt ? G->ltab[G->txi[i]] : log(atx);
		bl += G->w[i] * bg_one(&t, r, alpha, a, b, aT, atx, LT, Lt, dl);
		for (int j = 0; j < 4; j++)
			bgs[j] += G->w[i] * dl[j];
		if (i % BLOCK == BLOCK - 1 || i == G->n - 1) {
			ll += bl;
			bl = 0;
			for (int j = 0; j < 4; j++) {
				gs[j] += bgs[j];
				bgs[j] = 0;
			}
		}
	}
	double par[4] = { r, alpha, a, b };
	for (int j = 0; j < 4; j++)
		g[j] = (double)(-gs[j] * par[j] / G->wsum);
	return -ll / G->wsum;
}

static int cmp_cust(const void *p, const void *q)
{
	const struct predict_cust *u = p, *v = q;
	if (u->x != v->x)
		return u->x < v->x ? -1 : 1;
	if (u->t_x != v->t_x)
		return u->t_x < v->t_x ? -1 : 1;
	return (u->T > v->T) - (u->T < v->T);
}

double predict_bgnbd_ll(const struct predict_params *pp, const struct predict_cust *v, size_t n)
{
	long double ll = 0;
	struct xterms t = { .x = -1 };
	for (size_t i = 0; i < n; i++) {
		if (v[i].x != t.x) /* the parameters are fixed: the last x's terms hold */
			xterms(&t, v[i].x, pp->r, pp->alpha, pp->a, pp->b);
		double aT = pp->alpha + v[i].T, atx = pp->alpha + v[i].t_x;
		ll += bg_one(&t, pp->r, pp->alpha, pp->a, pp->b, aT, atx, log(aT), log(atx), NULL);
	}
	return (double)ll;
}

int predict_fit_bgnbd(const struct predict_cust *v, size_t n, struct predict_params *out,
		      char *err, size_t errsz)
{
	size_t nrep = 0;
	long double tsum = 0, xsum = 0;
	for (size_t i = 0; i < n; i++) {
		const char *why = check_cust(&v[i]);
		if (why) {
			snprintf(err, errsz, "customer %zu of %zu: %s", i + 1, n, why);
			return -1;
		}
		nrep += v[i].x > 0;
		tsum += v[i].T;
		xsum += v[i].x;
	}
	if (nrep < PREDICT_MIN_REPEAT) {
		snprintf(err, errsz,
			 "too few repeat buyers to fit BG/NBD: %zu of %zu customers bought more than "
			 "once, at least %d are needed",
			 nrep, n, PREDICT_MIN_REPEAT);
		return -1;
	}
	/* sorted copies, grouped */
	struct predict_cust *s = xmalloc(n * sizeof *s);
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_cust);
	double scale = (double)(tsum / n);
	if (!(scale > 0))
		scale = 1;
	struct bg G = { .scale = scale };
	G.x = xmalloc(n * sizeof *G.x);
	G.tx = xmalloc(n * sizeof *G.tx);
	G.T = xmalloc(n * sizeof *G.T);
	G.w = xmalloc(n * sizeof *G.w);
	G.txi = xmalloc(n * sizeof *G.txi);
	G.Ti = xmalloc(n * sizeof *G.Ti);
	bool whole = true;
	double maxt = 0;
	for (size_t i = 0; i < n; i++) {
		if (G.n && !cmp_cust(&s[i], &s[i - 1])) {
			G.w[G.n - 1]++;
			continue;
		}
		G.x[G.n] = s[i].x;
		G.tx[G.n] = s[i].t_x / scale;
		G.T[G.n] = s[i].T / scale;
		G.w[G.n] = 1;
		whole &= s[i].T == floor(s[i].T) && s[i].t_x == floor(s[i].t_x) && s[i].T < 1e7;
		if (whole) {
			G.txi[G.n] = (uint32_t)s[i].t_x;
			G.Ti[G.n] = (uint32_t)s[i].T;
			if (s[i].T > maxt)
				maxt = s[i].T;
		}
		G.n++;
	}
	G.wsum = (double)n;
	free(s);
	/* a table of the logs pays when it is shorter than the groups */
	if (whole && maxt > 0 && maxt < 2.0 * G.n) {
		G.maxt = (size_t)maxt;
		G.ltab = xmalloc((G.maxt + 1) * sizeof *G.ltab);
	}
	/* start where the mean rate is that of the data */
	double rate = (double)((xsum + 1) / (tsum / scale + 1));
	const double start[3][4] = {
		{ 1, 1 / rate, 1, 1 },
		{ 0.3, 0.3 / rate, 0.5, 3 },
		{ 3, 3 / rate, 2, 10 },
	};
	static const char *const names[] = { "r", "alpha", "a", "b" };
	double par[4];
	int rc = fit(bg_obj, &G, 4, start, 3, "BG/NBD", names, par, err, errsz);
	free(G.x);
	free(G.tx);
	free(G.T);
	free(G.w);
	free(G.txi);
	free(G.Ti);
	free(G.ltab);
	if (rc < 0)
		return -1;
	out->r = par[0];
	out->alpha = par[1] * scale;
	out->a = par[2];
	out->b = par[3];
	out->n = n;
	out->nrep = nrep;
	out->ll = predict_bgnbd_ll(out, v, n);
	return 0;
}

/* --- Gamma-Gamma --------------------------------------------------------- */

/* The customers with a known positive mean, values scaled, in groups of
 * the same nm: per group, the sum of the logs of their means is taken
 * once, and each evaluation takes one log per customer. */
struct gg {
	size_t n, ng;
	double *m;        /* the means, group after group */
	long *gx;         /* the nm of each group */
	size_t *gstart;   /* where each group starts in m; gstart[ng] = n */
	double *gslm;     /* the sum of the logs of the means of each group */
};

/* The log-likelihood of one customer with nm = x and mean m (lm = ln m). */
static double gg_one(double p, double q, double gam, long x, double m, double lm)
{
	double px = p * x;
	return lgam(px + q) - lgam(px) - lgam(q) + px * log((double)x) + q * log(gam) +
	       (px - 1) * lm - (px + q) * log(gam + x * m);
}

static long double gg_obj(void *ctx, const double *th, double *g)
{
	const struct gg *G = ctx;
	double p = exp(th[0]), q = exp(th[1]), gam = exp(th[2]), lg = log(gam);
	long double ll = 0, gs[3] = { 0, 0, 0 };
	double lgq = lgam(q), dq = digamma(q);
	for (size_t k = 0; k < G->ng; k++) {
		long x = G->gx[k];
		double px = p * x, lx = log((double)x), cnt = (double)(G->gstart[k + 1] - G->gstart[k]);
		long double sl = 0, si = 0; /* the sums of log(gamma + x m) and of 1/(gamma + x m) */
		double bl = 0, bi = 0;
		for (size_t i = G->gstart[k]; i < G->gstart[k + 1]; i++) {
			double u = gam + x * G->m[i];
			bl += log(u);
			bi += 1 / u;
			if ((i - G->gstart[k]) % BLOCK == BLOCK - 1 || i == G->gstart[k + 1] - 1) {
				sl += bl;
				si += bi;
				bl = bi = 0;
			}
		}
		double d1 = digamma(px + q);
		ll += cnt * (lgam(px + q) - lgam(px) - lgq + px * lx + q * lg) +
		      (px - 1) * G->gslm[k] - (px + q) * sl;
		gs[0] += x * (cnt * (d1 - digamma(px) + lx) + G->gslm[k] - sl);
		gs[1] += cnt * (d1 - dq + lg) - sl;
		gs[2] += cnt * q / gam - (px + q) * si;
	}
	double par[3] = { p, q, gam };
	for (int j = 0; j < 3; j++)
		g[j] = (double)(-gs[j] * par[j] / (long double)G->n);
	return -ll / (long double)G->n;
}

static bool gg_in(const struct predict_cust *c)
{
	return c->nm >= 1 && c->m > 0 && isfinite(c->m);
}

double predict_gg_ll(const struct predict_params *pp, const struct predict_cust *v, size_t n)
{
	long double ll = 0;
	for (size_t i = 0; i < n; i++)
		if (gg_in(&v[i]))
			ll += gg_one(pp->p, pp->q, pp->gamma, v[i].nm, v[i].m, log(v[i].m));
	return (double)ll;
}

static int cmp_nm(const void *p, const void *q)
{
	const struct predict_cust *u = p, *v = q;
	return (u->nm > v->nm) - (u->nm < v->nm);
}

int predict_fit_gg(const struct predict_cust *v, size_t n, struct predict_params *out,
		   char *err, size_t errsz)
{
	size_t k = 0;
	long double msum = 0;
	for (size_t i = 0; i < n; i++)
		if (gg_in(&v[i])) {
			k++;
			msum += v[i].m;
		}
	if (k < PREDICT_MIN_REPEAT) {
		snprintf(err, errsz,
			 "too few repeat buyers to fit the spend: %zu customers have a repeat "
			 "purchase of known value, at least %d are needed",
			 k, PREDICT_MIN_REPEAT);
		return -1;
	}
	struct predict_cust *s = xmalloc(k * sizeof *s);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (gg_in(&v[i]))
			s[k++] = v[i];
	qsort(s, k, sizeof *s, cmp_nm);
	double scale = (double)(msum / k);
	struct gg G = { .n = k };
	G.m = xmalloc(k * sizeof *G.m);
	G.gx = xmalloc(k * sizeof *G.gx);
	G.gstart = xmalloc((k + 1) * sizeof *G.gstart);
	G.gslm = xmalloc(k * sizeof *G.gslm);
	for (size_t i = 0; i < k; i++) {
		if (!i || s[i].nm != s[i - 1].nm) {
			G.gx[G.ng] = s[i].nm;
			G.gstart[G.ng] = i;
			G.gslm[G.ng++] = 0;
		}
		G.m[i] = s[i].m / scale;
		G.gslm[G.ng - 1] += log(G.m[i]);
	}
	G.gstart[G.ng] = k;
	free(s);
	/* starting points whose mean value p gamma / (q - 1) is the data's */
	const double start[3][4] = { { 1, 2, 1, 0 }, { 5, 5, 0.8, 0 }, { 0.5, 3, 4, 0 } };
	static const char *const names[] = { "p", "q", "gamma" };
	double par[3];
	int rc = fit(gg_obj, &G, 3, start, 3, "Gamma-Gamma", names, par, err, errsz);
	free(G.m);
	free(G.gx);
	free(G.gstart);
	free(G.gslm);
	if (rc < 0)
		return -1;
	if (par[1] <= 1) {
		snprintf(err, errsz,
			 "the Gamma-Gamma fit gives q = %.4g, not above 1: the mean value of a "
			 "customer's purchases would have no finite expectation",
			 par[1]);
		return -1;
	}
	out->p = par[0];
	out->q = par[1];
	out->gamma = par[2] * scale;
	out->gg_n = k;
	out->gg_ll = predict_gg_ll(out, v, n);
	return 0;
}

int predict_fit(const struct predict_cust *v, size_t n, struct predict_params *out, char *err,
		size_t errsz)
{
	if (predict_fit_bgnbd(v, n, out, err, errsz) < 0)
		return -1;
	return predict_fit_gg(v, n, out, err, errsz);
}

/* --- predictions --------------------------------------------------------- */

/* sum_{n>=0} t_n with t_0 = 1, t_(n+1) = t_n (a+n)(b+n) z / ((c+n)(d+n));
 * NAN when it does not settle in PREDICT_MAX_TERMS terms. */
static double series(double a, double b, double c, double d, double z)
{
	/* past the parameters, the ratio of the terms moves steadily to z */
	double past = fabs(a);
	if (fabs(b) > past)
		past = fabs(b);
	if (fabs(c) > past)
		past = fabs(c);
	if (fabs(d) > past)
		past = fabs(d);
	long double sum = 1, t = 1;
	for (long n = 0; n < PREDICT_MAX_TERMS; n++) {
		t *= (long double)((a + n) * (b + n) / ((c + n) * (d + n)) * z);
		sum += t;
		if (t == 0)
			return (double)sum;
		double nx = n + 1;
		double rho = fabs((a + nx) * (b + nx) / ((c + nx) * (d + nx)) * z);
		if (rho < fabs(z))
			rho = fabs(z);
		if (nx > past && rho < 1 && fabsl(t) * rho / (1 - rho) <= 1e-17L * fabsl(sum))
			return (double)sum;
	}
	return NAN;
}

double predict_hyp2f1(double a, double b, double c, double z)
{
	if (!(fabs(z) < 1) || (c <= 0 && c == floor(c)))
		return NAN;
	return series(a, b, c, 1, z);
}

double predict_p_alive(const struct predict_params *pp, const struct predict_cust *c)
{
	if (c->x <= 0)
		return 1;
	double d = log(pp->a) - log(pp->b + c->x - 1) +
		   (pp->r + c->x) * log1p((c->T - c->t_x) / (pp->alpha + c->t_x));
	return 1 / (1 + exp(d));
}

double predict_purchases(const struct predict_params *pp, const struct predict_cust *c, double t)
{
	if (!(t > 0))
		return 0;
	double r = pp->r, a = pp->a, b = pp->b, aT = pp->alpha + c->T;
	double z = t / (aT + t);
	double L = -log1p(t / aT); /* log(1 - z) */
	double y = (a - 1) * L;
	double phi = fabs(y) < 1e-9 ? 1 + y / 2 : expm1(y) / y;
	double A = a + b - 1 - r, cc = a + b + c->x - 1;
	double W = A == 0 ? 0 : A * z * series(A + 1, a, cc + 1, 2, z);
	if (isnan(W))
		return NAN;
	double e = -cc * L * phi - exp(y) * W;
	if (e < 0)
		e = 0; /* rounding, for a t too small to matter */
	return e * predict_p_alive(pp, c);
}

double predict_purchases_disc(const struct predict_params *pp, const struct predict_cust *c,
			      double t, double rate, double year)
{
	if (!(rate > 0))
		return predict_purchases(pp, c, t);
	double k = ceil(t / (year / 12) - 1e-9);
	if (k < 1)
		k = 1;
	double h = t / k, prev = 0, sum = 0;
	for (double i = 1; i <= k; i++) {
		double e = predict_purchases(pp, c, i * h);
		if (isnan(e))
			return NAN;
		sum += (e - prev) * pow(1 + rate, -(i - 0.5) * h / year);
		prev = e;
	}
	return sum;
}

double predict_value(const struct predict_params *pp, const struct predict_cust *c)
{
	if (c->nm <= 0)
		return pp->p * pp->gamma / (pp->q - 1);
	double m = c->m > 0 ? c->m : 0;
	return pp->p * (pp->gamma + c->nm * m) / (pp->p * c->nm + pp->q - 1);
}

int predict_customer(const struct predict_params *pp, const struct predict_cust *c, double t,
		     double rate, double year, struct predict_out *o)
{
	o->p_alive = predict_p_alive(pp, c);
	o->purchases = predict_purchases(pp, c, t);
	double disc = rate > 0 ? predict_purchases_disc(pp, c, t, rate, year) : o->purchases;
	if (isnan(o->purchases) || isnan(disc))
		return -1;
	o->value = disc * predict_value(pp, c);
	return 0;
}

/* --- parsing ------------------------------------------------------------- */

bool predict_span(const char *s, double *days)
{
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || n == 0 || n > 1000000)
		return false;
	double unit;
	if (!*end || !strcmp(end, "d"))
		unit = 1;
	else if (!strcmp(end, "w"))
		unit = 7;
	else if (!strcmp(end, "m"))
		unit = 365.0 / 12;
	else if (!strcmp(end, "y"))
		unit = 365;
	else
		return false;
	*days = (double)n * unit;
	return *days <= 36500; /* a century */
}

bool predict_rate(const char *s, double *rate)
{
	if (!isdigit((unsigned char)*s) && *s != '.')
		return false;
	char *end;
	double v = strtod(s, &end);
	if (end == s)
		return false;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end || !isfinite(v) || v < 0 || v >= 10)
		return false;
	*rate = v;
	return true;
}
