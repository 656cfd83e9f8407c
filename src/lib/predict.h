/* predict.h - who will buy again and for how much: the BG/NBD model of
 * repeat purchases (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way") and the Gamma-Gamma model of spend (Fader, Hardie & Lee 2005,
 * "RFM and CLV: using iso-value curves"), fitted by maximum likelihood, and
 * the predictions per customer. Pure computation: no I/O, no allocation
 * that outlives a call. */
#ifndef CRM_PREDICT_H
#define CRM_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

/* What the models know of one customer. Times are in one unit of the
 * caller's choice (crm uses days), counted from the customer's first
 * purchase; the parameters come out in that unit. */
struct predict_cust {
	long x;       /* repeat purchases: the purchases after the first (>= 0) */
	double t_x;   /* time of the last purchase (0 when x = 0; > 0 when x > 0) */
	double T;     /* time to the end of the observation (>= t_x) */
	long nm;      /* repeat purchases whose value is known (0 <= nm <= x) */
	double m;     /* their mean value (meant when nm > 0; <= 0 leaves the
		       * customer out of the spend fit) */
};

/* The fitted models. */
struct predict_params {
	/* BG/NBD: a customer buys at rate lambda ~ Gamma(shape r, rate alpha)
	 * while alive, and after each purchase drops out with probability
	 * p ~ Beta(a, b); alpha is in the time unit of the data */
	double r, alpha, a, b;
	double ll;       /* its log-likelihood at the fit */
	size_t n;        /* customers fitted */
	size_t nrep;     /* ... of whom with x >= 1 */
	/* Gamma-Gamma: the value of a purchase is Gamma(p, nu), nu ~
	 * Gamma(q, gamma); gamma is in the unit of m */
	double p, q, gamma;
	double gg_ll;    /* its log-likelihood at the fit */
	size_t gg_n;     /* customers fitted: nm >= 1 and m > 0 */
};

/* Fewer customers with a repeat purchase (for the spend: with a known
 * positive mean value) than this is too little to fit: an error. */
#define PREDICT_MIN_REPEAT 10

/* The size of the message buffers of the fitting functions. */
#define PREDICT_ERRSZ 200

/* Fit BG/NBD to the n customers of v by maximum likelihood: fills r,
 * alpha, a, b, ll, n and nrep of *out. Returns 0, or -1 with the reason in
 * err (errsz bytes): a customer whose figures are impossible (x < 0,
 * t_x > T, x > 0 with t_x = 0, not finite), fewer than
 * PREDICT_MIN_REPEAT repeat buyers, or a fit that does not converge (the
 * likelihood has no maximum inside: a parameter runs off to 0 or to
 * infinity, as when every customer buys at the same rate). */
int predict_fit_bgnbd(const struct predict_cust *v, size_t n, struct predict_params *out,
		      char *err, size_t errsz);

/* Fit Gamma-Gamma to the customers of v with nm >= 1 and m > 0: fills p,
 * q, gamma, gg_ll and gg_n of *out. Returns 0, or -1 with the reason in
 * err: fewer than PREDICT_MIN_REPEAT such customers, a fit that does not
 * converge, or q <= 1 (then the mean value of a customer's purchases has
 * no finite expectation, and a customer without a known repeat value
 * cannot be valued). */
int predict_fit_gg(const struct predict_cust *v, size_t n, struct predict_params *out,
		   char *err, size_t errsz);

/* Both fits, BG/NBD first: 0, or -1 with the reason of the first that
 * failed. */
int predict_fit(const struct predict_cust *v, size_t n, struct predict_params *out, char *err,
		size_t errsz);

/* The log-likelihood of the n customers of v under the BG/NBD parameters
 * of pp (r, alpha, a, b), and under its Gamma-Gamma parameters (p, q,
 * gamma; of the customers with nm >= 1 and m > 0): for checking a fit
 * against published figures. */
double predict_bgnbd_ll(const struct predict_params *pp, const struct predict_cust *v, size_t n);
double predict_gg_ll(const struct predict_params *pp, const struct predict_cust *v, size_t n);

/* The probability that customer c is still alive at the end of the
 * observation (1 for a customer with no repeat purchase: in BG/NBD one
 * drops out only just after a purchase). */
double predict_p_alive(const struct predict_params *pp, const struct predict_cust *c);

/* The expected number of purchases of c in the t time units after the end
 * of the observation, given its history (the paper's conditional
 * expectation, equation 10), or NAN when the hypergeometric series it
 * needs did not converge (see predict_hyp2f1; t/(alpha + T + t) too close
 * to 1). */
double predict_purchases(const struct predict_params *pp, const struct predict_cust *c, double t);

/* The same with each purchase discounted at rate per year (0.1: a
 * purchase a year ahead is worth 1/1.1 of one now), year being the length
 * of a year in the time unit (365 for days). The horizon is cut into
 * equal steps of at most a twelfth of a year; the purchases expected in a
 * step are discounted to its middle: sum over steps k of (E(t_k) -
 * E(t_k-1)) (1 + rate)^-((t_k-1 + t_k) / 2 / year). With rate 0 it is
 * predict_purchases. NAN as there. */
double predict_purchases_disc(const struct predict_params *pp, const struct predict_cust *c,
			      double t, double rate, double year);

/* The expected mean value of c's future purchases under Gamma-Gamma:
 * p (gamma + nm m) / (p nm + q - 1), which weighs its own mean m (taken
 * as 0 when <= 0) against the population's p gamma / (q - 1); that mean
 * alone when nm = 0. Needs q > 1 (as predict_fit_gg ensures). */
double predict_value(const struct predict_params *pp, const struct predict_cust *c);

/* The predictions of one customer. */
struct predict_out {
	double p_alive;
	double purchases;  /* expected in the horizon, not discounted */
	double value;      /* expected spend in the horizon, discounted:
			    * predict_purchases_disc times predict_value */
};

/* Fill *o for customer c over horizon t at the yearly discount rate (0:
 * none). Returns 0, or -1 when a series did not converge. */
int predict_customer(const struct predict_params *pp, const struct predict_cust *c, double t,
		     double rate, double year, struct predict_out *o);

/* The Gaussian hypergeometric function 2F1(a, b; c; z) by its power
 * series, for 0 <= |z| < 1 and c not 0 or a negative whole number
 * (else NAN). The terms are added until those left, bounded by a
 * geometric series once the ratio of consecutive terms has settled below
 * 1, are under 1e-17 of the sum; NAN when that takes more than
 * PREDICT_MAX_TERMS terms, which for moderate a, b, c happens only for
 * |z| above about 1 - 4e-5. */
#define PREDICT_MAX_TERMS 1000000
double predict_hyp2f1(double a, double b, double c, double z);

/* Parse a span of time into days: N or Nd days, Nw weeks, Nm months (a
 * twelfth of 365 days), Ny years (365 days), N a positive whole number,
 * the span at most a century (36,500 days).
 * False when s is not one of these. */
bool predict_span(const char *s, double *days);

/* Parse a yearly rate: a number ("0.08") or a percentage ("8%"), at least 0
 * and below 10 (1000%). False when s is not one. */
bool predict_rate(const char *s, double *rate);

#endif
