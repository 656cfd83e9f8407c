/* predictcheck.c - the models of src/lib/predict.c against what is known
 * of them:
 *   - the hypergeometric series against closed forms, and where it gives
 *     up (NAN) as documented;
 *   - the conditional expectation, computed through Euler's
 *     transformation, against the paper's formula with the plain series,
 *     and against an independent numerical integral over the posterior,
 *     also at a = 1 and with a + b + x - 1 <= 0;
 *   - the discounting against the same sum in steps of a day;
 *   - the fits to the CDNOW sample (when its file is given: the
 *     transactions, calibration to 1997-09-30, in weeks), against the
 *     published figures, to every digit published: BG/NBD r = 0.243,
 *     alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4, 1.226
 *     purchases expected in 39 weeks of a customer with x = 2, t_x =
 *     30.43, T = 38.86 (Fader, Hardie & Lee 2005); Gamma-Gamma p = 6.25,
 *     q = 3.74, gamma = 15.44 (the 946 repeat buyers);
 *   - the fits to customers simulated from known parameters with a fixed
 *     seed: each parameter recovered within a stated tolerance, the
 *     customers expected alive and the purchases expected in a holdout
 *     against what the simulation did;
 *   - the errors: too few repeat buyers, impossible figures, a fit with no
 *     maximum inside.
 * Usage: predictcheck [CDNOW_sample.txt]   prints the findings, then
 * "N checks, 0 wrong" and exits 0, or 1 when a check failed;
 *        predictcheck emit DIR             writes customers.csv and
 * interactions.jsonl of simulated customers (see emit()) into DIR. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "predict.h"

static long checks, wrong;

static void check(int ok, const char *fmt, ...)
{
	checks++;
	if (ok)
		return;
	wrong++;
	va_list ap;
	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

static int close_rel(double got, double want, double tol)
{
	return fabs(got - want) <= tol * fabs(want);
}

/* got, rounded to the decimals a figure was published with, is that figure */
static int agrees(double got, double published, int decimals)
{
	double k = pow(10, decimals);
	return fabs(round(got * k) - round(published * k)) < 0.5;
}

/* --- random numbers: xorshift64*, a fixed seed ---------------------------- */

static uint64_t seed;
static double unif(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return ((seed * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53 + 0x1.0p-54;
}
static double normal(void)
{
	return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif());
}
/* Gamma(shape k, rate 1), Marsaglia and Tsang */
static double gamma1(double k)
{
	if (k < 1)
		return gamma1(k + 1) * pow(unif(), 1 / k);
	double d = k - 1.0 / 3, c = 1 / sqrt(9 * d);
	for (;;) {
		double x = normal(), v = 1 + c * x;
		if (v <= 0)
			continue;
		v = v * v * v;
		double u = unif();
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}
static double beta(double a, double b)
{
	double x = gamma1(a);
	return x / (x + gamma1(b));
}

/* --- the hypergeometric series -------------------------------------------- */

static void check_series(void)
{
	const double zs[] = { 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, -0.5, -0.9 };
	for (size_t i = 0; i < sizeof zs / sizeof *zs; i++) {
		double z = zs[i];
		double got = predict_hyp2f1(1, 1, 2, z), want = -log1p(-z) / z;
		check(close_rel(got, want, 1e-13), "2F1(1,1;2;%g) = %.17g, not %.17g", z, got, want);
		got = predict_hyp2f1(2.5, 0.7, 0.7, z), want = pow(1 - z, -2.5);
		check(close_rel(got, want, 1e-12), "2F1(2.5,0.7;0.7;%g) = %.17g, not %.17g", z, got,
		      want);
	}
	for (double w = 0.1; w < 0.95; w += 0.2) {
		double got = predict_hyp2f1(0.5, 0.5, 1.5, w * w), want = asin(w) / w;
		check(close_rel(got, want, 1e-13), "2F1(.5,.5;1.5;%g^2) = %.17g, not %.17g", w, got,
		      want);
	}
	/* a series that ends: 2F1(-3, 2; 1; z) = 1 - 6z + 9z^2 - 4z^3 */
	double z = 0.3, want = 1 - 6 * z + 9 * z * z - 4 * z * z * z;
	double got = predict_hyp2f1(-3, 2, 1, z);
	check(close_rel(got, want, 1e-14), "2F1(-3,2;1;0.3) = %.17g, not %.17g", got, want);
	check(isnan(predict_hyp2f1(1, 1, 2, 1)), "2F1 at z = 1 is not NAN");
	check(isnan(predict_hyp2f1(1, 1, -2, 0.5)), "2F1 with c = -2 is not NAN");
	check(isnan(predict_hyp2f1(1, 1, 2, 0.999999)), "2F1(1,1;2;0.999999) did not give up");
}

/* --- the conditional expectation ------------------------------------------ */

/* The paper's equation 10 with the plain series (a != 1). */
static double direct(const struct predict_params *pp, const struct predict_cust *c, double t)
{
	double r = pp->r, al = pp->alpha, a = pp->a, b = pp->b, x = (double)c->x;
	double z = t / (al + c->T + t);
	double f = predict_hyp2f1(r + x, b + x, a + b + x - 1, z);
	double e = (a + b + x - 1) / (a - 1) * (1 - pow((al + c->T) / (al + c->T + t), r + x) * f);
	return e * predict_p_alive(pp, c);
}

/* The integrand over p of the posterior: (1/p) (1 - ((alpha+T)/(alpha+T+pt))^(r+x)). */
static double h(const struct predict_params *pp, const struct predict_cust *c, double t, double p)
{
	double aT = pp->alpha + c->T;
	return -expm1(-(pp->r + c->x) * log1p(p * t / aT)) / p;
}

/* P(alive) times the integral over the posterior of p, Beta(a, b+x), of
 * h: the mean of lambda's posterior is integrated out exactly, p
 * numerically (Simpson; when a or b+x is below 1, the ends are made
 * smooth by p = u^(1/a) and 1 - p = v^(1/B)). */
static double integral(const struct predict_params *pp, const struct predict_cust *c, double t)
{
	double a = pp->a, B = pp->b + c->x;
	double lbeta = lgamma(a) + lgamma(B) - lgamma(a + B);
	const int n = 20000;
	long double s = 0;
	if (a >= 1 && B >= 1) {
		for (int i = 0; i <= 2 * n; i++) {
			double p = (double)i / (2 * n);
			double f = i == 0 ? (pp->r + c->x) * t / (pp->alpha + c->T) : h(pp, c, t, p);
			/* the density, at the ends 0 unless its exponent there is 0 */
			double la = a == 1 ? 0 : (a - 1) * log(p), lb = B == 1 ? 0 : (B - 1) * log1p(-p);
			f *= exp(la + lb - lbeta);
			s += (i == 0 || i == 2 * n ? 1 : i % 2 ? 4 : 2) * f / (2 * n) / 3;
		}
		return (double)s * predict_p_alive(pp, c);
	}
	/* [0, 1/2]: dp p^(a-1) = du / a */
	double U = pow(0.5, a);
	for (int i = 0; i <= n; i++) {
		double u = U * i / n, p = pow(u, 1 / a);
		/* h -> (r+x) t / (alpha+T) at p = 0 */
		double f = i == 0 ? (pp->r + c->x) * t / (pp->alpha + c->T) : h(pp, c, t, p);
		f *= pow(1 - p, B - 1) / a;
		s += (i == 0 || i == n ? 1 : i % 2 ? 4 : 2) * f * (U / n) / 3;
	}
	double V = pow(0.5, B);
	for (int i = 0; i <= n; i++) {
		double v = V * i / n, p = 1 - pow(v, 1 / B);
		double f = h(pp, c, t, p) * pow(p, a - 1) / B;
		s += (i == 0 || i == n ? 1 : i % 2 ? 4 : 2) * f * (V / n) / 3;
	}
	return (double)s / exp(lbeta) * predict_p_alive(pp, c);
}

static void check_expectation(void)
{
	const struct predict_params sets[] = {
		{ .r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426 },
		{ .r = 1.7, .alpha = 30, .a = 2.5, .b = 6 },
		{ .r = 0.5, .alpha = 10, .a = 0.3, .b = 0.4 }, /* a + b - 1 < 0 */
		{ .r = 0.8, .alpha = 12, .a = 1, .b = 3 },     /* a = 1 */
		{ .r = 3, .alpha = 2, .a = 40, .b = 90 },
	};
	const struct predict_cust cs[] = {
		{ 0, 0, 38, 0, 0 },   { 0, 0, 0, 0, 0 },	 { 1, 5, 30, 0, 0 },
		{ 2, 30.43, 38.86, 0, 0 }, { 7, 20, 39, 0, 0 }, { 25, 36, 38, 0, 0 },
	};
	const double ts[] = { 1, 39, 150 };
	for (size_t k = 0; k < sizeof sets / sizeof *sets; k++)
		for (size_t i = 0; i < sizeof cs / sizeof *cs; i++)
			for (size_t j = 0; j < sizeof ts / sizeof *ts; j++) {
				const struct predict_params *pp = &sets[k];
				const struct predict_cust *c = &cs[i];
				double e = predict_purchases(pp, c, ts[j]);
				double q = integral(pp, c, ts[j]);
				check(close_rel(e, q, 1e-7),
				      "E[set %zu, x=%ld, t=%g] = %.12g, the integral %.12g", k, c->x,
				      ts[j], e, q);
				if (pp->a != 1 && pp->a + pp->b + c->x - 1 > 0 && pp->a < 10) {
					double d = direct(pp, c, ts[j]);
					check(close_rel(e, d, 1e-10),
					      "E[set %zu, x=%ld, t=%g] = %.15g, the plain series %.15g", k,
					      c->x, ts[j], e, d);
				}
			}
	/* a = 1 is continuous */
	struct predict_params lo = sets[3], hi = sets[3];
	lo.a = 1 - 1e-7;
	hi.a = 1 + 1e-7;
	for (size_t i = 0; i < sizeof cs / sizeof *cs; i++) {
		double e = predict_purchases(&sets[3], &cs[i], 39);
		double m = (predict_purchases(&lo, &cs[i], 39) + predict_purchases(&hi, &cs[i], 39)) / 2;
		check(close_rel(e, m, 1e-8), "E at a = 1: %.15g, about it %.15g", e, m);
	}
	/* P(alive) of the paper's customer, by hand: 1 / (1 + a/(b+1)
	 * ((alpha+T)/(alpha+t_x))^(r+2)) */
	double pa = 1 / (1 + 0.793 / 3.426 * pow((4.414 + 38.86) / (4.414 + 30.43), 2.243));
	check(close_rel(predict_p_alive(&sets[0], &cs[3]), pa, 1e-14), "P(alive) %.15g, not %.15g",
	      predict_p_alive(&sets[0], &cs[3]), pa);
	check(predict_p_alive(&sets[0], &cs[0]) == 1, "P(alive) with x = 0 is not 1");
	check(predict_purchases(&sets[0], &cs[3], 0) == 0, "E over no time is not 0");
	/* discounting: monthly steps against daily ones (time in days) */
	const struct predict_params days = { .r = 0.25, .alpha = 31, .a = 0.8, .b = 2.4 };
	const struct predict_cust dc[] = { { 2, 213, 272, 0, 0 }, { 0, 0, 100, 0, 0 },
					   { 9, 300, 301, 0, 0 } };
	for (size_t i = 0; i < sizeof dc / sizeof *dc; i++) {
		double got = predict_purchases_disc(&days, &dc[i], 730, 0.15, 365), ref = 0, prev = 0;
		for (int d = 1; d <= 730; d++) {
			double e = predict_purchases(&days, &dc[i], d);
			ref += (e - prev) * pow(1.15, -(d - 0.5) / 365);
			prev = e;
		}
		check(close_rel(got, ref, 1e-4), "discounted E %.10g, in daily steps %.10g", got, ref);
		double plain = predict_purchases(&days, &dc[i], 730);
		check(predict_purchases_disc(&days, &dc[i], 730, 0, 365) == plain,
		      "discounted at 0 is not the plain E");
		check(got < plain && got > plain / 1.15 / 1.15, "discounted E %g out of (%g, %g)", got,
		      plain / 1.3225, plain);
	}
	/* the expected value: p (gamma + nm m) / (p nm + q - 1), or p gamma / (q - 1) */
	struct predict_params gg = { .p = 6, .q = 4, .gamma = 15 };
	struct predict_cust v = { 3, 10, 20, 3, 40 };
	check(close_rel(predict_value(&gg, &v), 6.0 * (15 + 120) / 21, 1e-15), "value %.15g",
	      predict_value(&gg, &v));
	v.nm = 0;
	check(close_rel(predict_value(&gg, &v), 30, 1e-15), "population value %.15g",
	      predict_value(&gg, &v));
	v.nm = 2, v.m = -5;
	check(close_rel(predict_value(&gg, &v), 6.0 * 15 / 15, 1e-15), "value of m <= 0: %.15g",
	      predict_value(&gg, &v));
}

/* --- CDNOW ----------------------------------------------------------------- */

static void check_cdnow(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		check(0, "%s cannot be read", path);
		return;
	}
	enum { MAXC = 2357 };
	static struct predict_cust c[MAXC];
	static long first[MAXC], last[MAXC];
	static double dayval[MAXC], sum[MAXC];
	int64_t d0 = days_from_civil(1997, 1, 1), end = days_from_civil(1997, 9, 30) - d0;
	long master, id, date, cds, lines = 0;
	double amount;
	for (int i = 0; i < MAXC; i++)
		first[i] = last[i] = -1;
	/* the lines are in order of customer and date */
	while (fscanf(f, "%ld %ld %ld %ld %lf", &master, &id, &date, &cds, &amount) == 5) {
		lines++;
		if (id < 1 || id > MAXC) {
			check(0, "%s: customer %ld out of range", path, id);
			break;
		}
		long i = id - 1;
		long day = (long)(days_from_civil(date / 10000, date / 100 % 100, date % 100) - d0);
		if (day > end)
			continue;
		if (first[i] < 0) {
			first[i] = last[i] = day;
		} else if (day != last[i]) {
			if (last[i] != first[i])
				sum[i] += dayval[i];
			c[i].x++;
			last[i] = day;
			dayval[i] = 0;
		}
		dayval[i] += amount;
	}
	fclose(f);
	long xs = 0;
	for (int i = 0; i < MAXC; i++) {
		if (last[i] != first[i])
			sum[i] += dayval[i];
		c[i].t_x = (last[i] - first[i]) / 7.0;
		c[i].T = (end - first[i]) / 7.0;
		c[i].nm = c[i].x;
		c[i].m = c[i].x ? sum[i] / c[i].x : 0;
		xs += c[i].x;
	}
	check(lines == 6919, "%s: %ld lines, not 6919", path, lines);
	struct predict_params pp;
	char err[PREDICT_ERRSZ];
	if (predict_fit(c, MAXC, &pp, err, sizeof err) < 0) {
		check(0, "CDNOW: %s", err);
		return;
	}
	struct predict_cust one = { 2, 30.43, 38.86, 0, 0 };
	double e = predict_purchases(&pp, &one, 39);
	printf("CDNOW: %zu customers, %zu repeat buyers, %ld repeat purchases; BG/NBD r %.4f alpha "
	       "%.4f a %.4f b %.4f log-likelihood %.2f; E[39 weeks | 2, 30.43, 38.86] %.4f; "
	       "Gamma-Gamma p %.3f q %.3f gamma %.3f\n",
	       pp.n, pp.nrep, xs, pp.r, pp.alpha, pp.a, pp.b, pp.ll, e, pp.p, pp.q, pp.gamma);
	check(pp.n == 2357 && pp.nrep == 946 && pp.gg_n == 946, "CDNOW: %zu customers, %zu repeat",
	      pp.n, pp.nrep);
	check(agrees(pp.r, 0.243, 3), "CDNOW r %.5f, not 0.243", pp.r);
	check(agrees(pp.alpha, 4.414, 3), "CDNOW alpha %.5f, not 4.414", pp.alpha);
	check(agrees(pp.a, 0.793, 3), "CDNOW a %.5f, not 0.793", pp.a);
	check(agrees(pp.b, 2.426, 3), "CDNOW b %.5f, not 2.426", pp.b);
	check(agrees(pp.ll, -9582.4, 1), "CDNOW log-likelihood %.3f, not -9582.4", pp.ll);
	check(agrees(e, 1.226, 3), "CDNOW E %.5f, not 1.226", e);
	check(agrees(pp.p, 6.25, 2), "CDNOW p %.4f, not 6.25", pp.p);
	check(agrees(pp.q, 3.74, 2), "CDNOW q %.4f, not 3.74", pp.q);
	check(agrees(pp.gamma, 15.44, 2), "CDNOW gamma %.4f, not 15.44", pp.gamma);
	/* the published parameters give the published likelihood */
	struct predict_params pub = { .r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426 };
	double ll = predict_bgnbd_ll(&pub, c, MAXC);
	check(agrees(ll, -9582.4, 1), "CDNOW log-likelihood at the published parameters %.3f", ll);
	/* the same in days: alpha 7 times, the likelihood less sum(x) ln 7 */
	for (int i = 0; i < MAXC; i++) {
		c[i].t_x *= 7;
		c[i].T *= 7;
	}
	struct predict_params pd;
	if (predict_fit_bgnbd(c, MAXC, &pd, err, sizeof err) < 0) {
		check(0, "CDNOW in days: %s", err);
		return;
	}
	check(close_rel(pd.r, pp.r, 1e-5) && close_rel(pd.alpha, 7 * pp.alpha, 1e-5) &&
		      close_rel(pd.a, pp.a, 1e-5) && close_rel(pd.b, pp.b, 1e-5),
	      "CDNOW in days: r %g alpha %g a %g b %g", pd.r, pd.alpha, pd.a, pd.b);
	check(fabs(pd.ll - (pp.ll - xs * log(7))) < 1e-6, "CDNOW in days: log-likelihood %.6f",
	      pd.ll);
}

/* --- simulation -------------------------------------------------------------- */

/* The true parameters of the simulations: time in days, values in units. */
static const struct predict_params truth = { .r = 0.5, .alpha = 40, .a = 0.8, .b = 2.5,
					     .p = 6, .q = 4, .gamma = 40 };

/* One customer of the BG/NBD process observed for T days from its first
 * purchase (at 0): purchases at the times into ts (up to max; the count
 * is returned), the value of each into val; *alive: still alive at T;
 * and after T, how many purchases it makes in the next h days. */
static long simulate(double T, double h, double *ts, double *val, long max, int *alive,
		     long *later)
{
	double lambda = gamma1(truth.r) / truth.alpha, p = beta(truth.a, truth.b);
	double nu = gamma1(truth.q) / truth.gamma;
	long n = 0;
	double t = 0, death = INFINITY;
	ts[n] = 0;
	val[n++] = gamma1(truth.p) / nu;
	*later = 0;
	/* after each repeat purchase, a coin for dropping out (not after the
	 * first: in BG/NBD a customer with no repeat purchase is alive) */
	while (death == INFINITY) {
		t += -log(unif()) / lambda;
		if (t > T + h)
			break;
		if (t > T) {
			++*later;
		} else if (n < max) {
			ts[n] = t;
			val[n++] = gamma1(truth.p) / nu;
		}
		if (unif() < p)
			death = t;
	}
	*alive = death > T;
	return n;
}

static void check_simulated(void)
{
	seed = 0x9E3779B97F4A7C15ULL;
	enum { N = 20000, MAXP = 2000 };
	const double H = 365;
	struct predict_cust *c = calloc(N, sizeof *c);
	long *later = calloc(N, sizeof *later);
	int *alive = calloc(N, sizeof *alive);
	static double ts[MAXP], val[MAXP];
	for (int i = 0; i < N; i++) {
		double T = 30 + 700 * unif();
		long n = simulate(T, H, ts, val, MAXP, &alive[i], &later[i]);
		double s = 0;
		for (long k = 1; k < n; k++)
			s += val[k];
		c[i] = (struct predict_cust){ n - 1, ts[n - 1], T, n - 1, n > 1 ? s / (n - 1) : 0 };
	}
	struct predict_params pp;
	char err[PREDICT_ERRSZ];
	if (predict_fit(c, N, &pp, err, sizeof err) < 0) {
		check(0, "simulated: %s", err);
		goto done;
	}
	long double e = 0, pa = 0, got = 0, al = 0;
	for (int i = 0; i < N; i++) {
		e += predict_purchases(&pp, &c[i], H);
		pa += predict_p_alive(&pp, &c[i]);
		got += later[i];
		al += alive[i];
	}
	printf("simulated: %d customers, %zu repeat buyers; BG/NBD r %.4f (0.5) alpha %.3f (40) a "
	       "%.4f (0.8) b %.4f (2.5); Gamma-Gamma p %.3f (6) q %.3f (4) gamma %.3f (40); alive "
	       "%.0Lf expected %.1Lf; purchases in the next %g days %.0Lf expected %.1Lf\n",
	       N, pp.nrep, pp.r, pp.alpha, pp.a, pp.b, pp.p, pp.q, pp.gamma, al, pa, H, got, e);
	check(close_rel(pp.r, truth.r, 0.1), "simulated r %g, not within 10%% of %g", pp.r, truth.r);
	check(close_rel(pp.alpha, truth.alpha, 0.1), "simulated alpha %g, not within 10%% of %g",
	      pp.alpha, truth.alpha);
	check(close_rel(pp.a, truth.a, 0.2), "simulated a %g, not within 20%% of %g", pp.a, truth.a);
	check(close_rel(pp.b, truth.b, 0.2), "simulated b %g, not within 20%% of %g", pp.b, truth.b);
	check(close_rel(pp.p, truth.p, 0.2), "simulated p %g, not within 20%% of %g", pp.p, truth.p);
	check(close_rel(pp.q, truth.q, 0.2), "simulated q %g, not within 20%% of %g", pp.q, truth.q);
	check(close_rel(pp.gamma, truth.gamma, 0.2), "simulated gamma %g, not within 20%% of %g",
	      pp.gamma, truth.gamma);
	check(close_rel((double)pa, (double)al, 0.03), "simulated: %.1Lf expected alive, %.0Lf are",
	      pa, al);
	check(close_rel((double)e, (double)got, 0.05),
	      "simulated: %.1Lf purchases expected in the holdout, %.0Lf made", e, got);
	/* the mean value of the Gamma-Gamma against the truth p gamma / (q - 1) */
	check(close_rel(pp.p * pp.gamma / (pp.q - 1), 80, 0.05), "simulated mean value %g, not 80",
	      pp.p * pp.gamma / (pp.q - 1));
done:
	free(c);
	free(later);
	free(alive);
}

/* --- errors -------------------------------------------------------------------- */

static void check_errors(void)
{
	struct predict_cust c[40];
	struct predict_params pp;
	char err[PREDICT_ERRSZ];
	/* 9 repeat buyers of 40 */
	for (int i = 0; i < 40; i++)
		c[i] = (struct predict_cust){ i < 9 ? 1 + i % 3 : 0, i < 9 ? 10 + i : 0, 50, 0, 0 };
	int rc = predict_fit_bgnbd(c, 40, &pp, err, sizeof err);
	check(rc < 0 && !strcmp(err, "too few repeat buyers to fit BG/NBD: 9 of 40 customers "
				     "bought more than once, at least 10 are needed"),
	      "9 repeat buyers: %d %s", rc, err);
	rc = predict_fit_gg(c, 40, &pp, err, sizeof err);
	check(rc < 0 && strstr(err, "too few repeat buyers to fit the spend: 0 customers"),
	      "no values: %d %s", rc, err);
	check(predict_fit_bgnbd(c, 0, &pp, err, sizeof err) < 0, "no customers fitted");
	c[3].t_x = 60;
	rc = predict_fit_bgnbd(c, 40, &pp, err, sizeof err);
	check(rc < 0 && !strcmp(err, "customer 4 of 40: the last purchase after the end of the "
				     "observation"),
	      "t_x > T: %d %s", rc, err);
	c[3] = (struct predict_cust){ 2, 0, 50, 0, 0 };
	rc = predict_fit_bgnbd(c, 40, &pp, err, sizeof err);
	check(rc < 0 && strstr(err, "repeat purchases at the time of the first"), "t_x = 0: %s",
	      err);
	/* everyone buys like clockwork every 10 days and nobody leaves: the
	 * rates do not differ and nobody drops out, no maximum inside */
	for (int i = 0; i < 40; i++)
		c[i] = (struct predict_cust){ 5 + i % 4, 10.0 * (5 + i % 4), 10.0 * (5 + i % 4) + 5, 0,
					      0 };
	rc = predict_fit_bgnbd(c, 40, &pp, err, sizeof err);
	check(rc < 0 && strstr(err, "the BG/NBD fit does not converge"), "clockwork: %d %s", rc,
	      rc < 0 ? err : "fitted");
	/* every repeat purchase of the same value: no spread to fit */
	for (int i = 0; i < 40; i++)
		c[i] = (struct predict_cust){ 1 + i % 5, 10, 50, 1 + i % 5, 25 };
	rc = predict_fit_gg(c, 40, &pp, err, sizeof err);
	check(rc < 0 && strstr(err, "the Gamma-Gamma fit does not converge"), "one value: %d %s", rc,
	      rc < 0 ? err : "fitted");
	/* parsing */
	double d;
	check(predict_span("365d", &d) && d == 365, "365d");
	check(predict_span("90", &d) && d == 90, "90");
	check(predict_span("26w", &d) && d == 182, "26w");
	check(predict_span("6m", &d) && d == 182.5, "6m");
	check(predict_span("2y", &d) && d == 730, "2y");
	check(!predict_span("0d", &d) && !predict_span("-3d", &d) && !predict_span("3 d", &d) &&
		      !predict_span("101y", &d) && !predict_span("d", &d) && !predict_span("", &d) &&
		      !predict_span("1.5y", &d),
	      "a bad span was taken");
	check(predict_rate("0.1", &d) && d == 0.1, "0.1");
	check(predict_rate("8%", &d) && d == 0.08, "8%%");
	check(predict_rate("0", &d) && d == 0, "0");
	check(!predict_rate("-0.1", &d) && !predict_rate("ten", &d) && !predict_rate("10", &d) &&
		      !predict_rate("5%%", &d) && !predict_rate("", &d) && !predict_rate("nan", &d),
	      "a bad rate was taken");
}

/* --- emit ------------------------------------------------------------------------ */

/* A CRM history of 10,000 customers simulated from truth: first
 * purchases spread over 2025 (from 2025-01-01), observed to 2025-12-31,
 * values in cents of EUR; the holdout is not written. */
static int emit(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/customers.csv", dir);
	FILE *cf = fopen(path, "a");
	snprintf(path, sizeof path, "%s/interactions.jsonl", dir);
	FILE *hf = fopen(path, "a");
	if (!cf || !hf) {
		perror(path);
		return 2;
	}
	seed = 0x2545F4914F6CDD1DULL;
	enum { N = 10000, MAXP = 2000 };
	static double ts[MAXP], val[MAXP];
	crm_time start = days_from_civil(2025, 1, 1) * 86400, end = days_from_civil(2026, 1, 1) * 86400;
	long ev = 0;
	for (int i = 0; i < N; i++) {
		/* the first purchase at a time in the year, observed to its end */
		crm_time first = start + (crm_time)(unif() * 365 * 86400);
		double T = (double)(end - first) / 86400;
		int alive;
		long later;
		long n = simulate(T, 0, ts, val, MAXP, &alive, &later);
		fprintf(cf, "c%012d,Customer %d,,,,,,,,customer,,2025-01-01T00:00:00Z,2025-01-01T00:00:00Z\n",
			i, i);
		for (long k = 0; k < n; k++) {
			char when[DATE_BUFSZ];
			crm_time t = first + (crm_time)(ts[k] * 86400);
			if (t >= end)
				t = end - 1;
			date_fmt(t, when);
			fprintf(hf,
				"{\"id\":\"e%012ld\",\"ts\":\"%s\",\"customer\":\"c%012d\",\"type\":\"purchase\","
				"\"channel\":\"shop\",\"amount\":%.0f,\"currency\":\"EUR\"}\n",
				ev++, when, i, ceil(val[k] * 100));
		}
	}
	if (fclose(cf) || fclose(hf)) {
		perror(dir);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "emit"))
		return emit(argv[2]);
	if (argc > 2) {
		fprintf(stderr, "usage: predictcheck [CDNOW_sample.txt] | emit DIR\n");
		return 2;
	}
	check_series();
	check_expectation();
	if (argc == 2)
		check_cdnow(argv[1]);
	check_simulated();
	check_errors();
	printf("%ld checks, %ld wrong\n", checks, wrong);
	return wrong ? 1 : 0;
}
