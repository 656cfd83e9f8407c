#!/usr/bin/env bats
# The models of src/lib/predict.c (build/tests/predictcheck): the
# hypergeometric series against closed forms; the conditional expectation
# against the paper's plain formula and a numerical integral over the
# posterior; the discounting against steps of a day; the fits to the CDNOW
# sample against the figures of Fader, Hardie & Lee (2005) to every digit
# published; parameters recovered from 20,000 customers simulated with a
# fixed seed (r and alpha within 10%, a, b, p, q and gamma within 20%, the
# customers alive within 3% and the purchases of a year's holdout within
# 5% of what the simulation did); and the errors of a fit that cannot be
# made.

bats_require_minimum_version 1.5.0
load helper

@test "PRED001: the models agree with closed forms, the CDNOW paper and simulated customers (build/tests/predictcheck)" {
	[[ -x $TOP/build/tests/predictcheck ]] || skip "build/tests/predictcheck is not built (make check builds it)"
	run "$TOP/build/tests/predictcheck" "$TOP/tests/data/cdnow/CDNOW_sample.txt"
	assert_success
	assert_line --index 0 'CDNOW: 2357 customers, 946 repeat buyers, 2457 repeat purchases; BG/NBD r 0.2426 alpha 4.4136 a 0.7929 b 2.4259 log-likelihood -9582.43; E[39 weeks | 2, 30.43, 38.86] 1.2259; Gamma-Gamma p 6.250 q 3.744 gamma 15.444'
	assert_line --index 1 --regexp '^simulated: 20000 customers, '
	assert_line --index 2 --regexp '^[0-9]+ checks, 0 wrong$'
	assert_equal "${#lines[@]}" 3
}
