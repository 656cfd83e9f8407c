#!/usr/bin/env bats
# crm-report forecast: the purchases and revenue the models of predict.h
# expect per period ahead, checked against crm-segment --predict (the sums
# of its exp_purchases and exp_revenue over a horizon to a period's end are
# the forecast's periods up to it: the conditional expectation is additive
# in time), and the holdout view (--holdout) counted by hand.

bats_require_minimum_version 1.5.0
load helper

HEADER='id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated'

load predict-fixture

local_setup() {
	mkdir acme && cd acme || return 1
	printf 'currency = PLN\nrate.EUR = 4.25\n' >crm.conf
	predict_fixture
}

# The sums of crm-segment --predict's exp_purchases and exp_revenue over
# a horizon (each customer's rounded: a cent or a thousandth apart each).
segment_sums() {
	crm-segment --predict --horizon "$1" | crm-find -f exp_purchases,exp_revenue -o csv |
		awk -F, 'NR > 1 { p += $1; r += $2 } END { printf "%.3f %.2f\n", p, r }'
}

# Fail unless $1 and $2 are within $3 of each other.
assert_near() {
	awk -v a="$1" -v b="$2" -v e="$3" 'BEGIN { d = a - b; exit !(d <= e && -d <= e) }' ||
		fail "$1 and $2 differ by more than $3"
}

@test "FC001: forecast: six periods from the rest of this month, each the models' expectation, and their total" {
	run -0 --separate-stderr crm-report forecast -o csv
	assert_equal "$stderr" ''
	assert_equal "${#lines[@]}" 8
	assert_line --index 0 'period,exp_purchases,exp_revenue,currency'
	assert_line --index 1 --regexp '^2026-11,[0-9]+\.[0-9]{2},[0-9]+\.[0-9]{2},PLN$'
	assert_line --index 6 --regexp '^2027-04,'
	assert_line --index 7 --regexp '^total,'
	# November is the 8 days after 11-22, December the 31 after them
	local nov dec tot
	IFS=, read -r _ np nr _ <<<"${lines[1]}"
	IFS=, read -r _ dp dr _ <<<"${lines[2]}"
	IFS=, read -r _ tp tr _ <<<"${lines[7]}"
	read -r sp sr <<<"$(segment_sums 8d)"
	assert_near "$np" "$sp" 0.02
	assert_near "$nr" "$sr" 0.2
	read -r sp sr <<<"$(segment_sums 39d)"
	assert_near "$(awk -v a="$np" -v b="$dp" 'BEGIN { print a + b }')" "$sp" 0.02
	assert_near "$(awk -v a="$nr" -v b="$dr" 'BEGIN { print a + b }')" "$sr" 0.2
	# 8 + 31 + 31 + 28 + 31 + 30 days: to the end of April 2027
	read -r sp sr <<<"$(segment_sums 159d)"
	assert_near "$tp" "$sp" 0.02
	assert_near "$tr" "$sr" 0.2
	# the rows add up to the total
	assert_near "$(printf '%s\n' "${lines[@]:1:6}" | awk -F, '{ s += $2 } END { print s }')" "$tp" 0.03
}

@test "FC002: forecast --by quarter --periods 2, and --by week" {
	run -0 --separate-stderr crm-report forecast --by quarter --periods 2 -o csv
	assert_equal "${#lines[@]}" 4
	assert_line --index 1 --regexp '^2026-Q4,'
	assert_line --index 2 --regexp '^2027-Q1,'
	IFS=, read -r _ qp qr _ <<<"${lines[1]}"
	read -r sp sr <<<"$(segment_sums 39d)"
	assert_near "$qp" "$sp" 0.02
	assert_near "$qr" "$sr" 0.2
	run -0 --separate-stderr crm-report forecast --by week --periods 1 -o csv
	# now is a Sunday: the first week ahead is the next whole one
	assert_output --regexp $'^period,exp_purchases,exp_revenue,currency\n2026-11-23,[0-9.]+,[0-9.]+,PLN\ntotal,'
	IFS=, read -r _ wp _ <<<"${lines[1]}"
	read -r sp sr <<<"$(segment_sums 7d)"
	assert_near "$wp" "$sp" 0.02
}

@test "FC003: forecast --holdout: fitted up to the cut-off, what happened since beside what was expected" {
	# the cut-off is 61 days before 11-22: the end of 09-22. Of those who
	# bought by then, after it: in October 0a 100, 0b 25, 0e 150, 0h 150,
	# 0n 130, 0r 390 and 410, 0x 80, 0z 300 (9 days, 1735.00); in November
	# to the 22nd 0a 95, 0b 32, 0h 145, 0r 400, 0x 40 (5, 712.00); nothing
	# from 09-23 to 09-30. 1k's 12-01 and 1y's 12-05 are later; 1t's EUR
	# and 2t's unpriced purchases were before.
	run -0 --separate-stderr crm-report forecast --holdout 61d -o csv
	assert_equal "${#lines[@]}" 5
	assert_line --index 0 'period,exp_purchases,exp_revenue,purchases,revenue,currency'
	assert_line --index 1 --regexp '^2026-09,[0-9.]+,[0-9.]+,0,0\.00,PLN$'
	assert_line --index 2 --regexp '^2026-10,[0-9.]+,[0-9.]+,9,1735\.00,PLN$'
	assert_line --index 3 --regexp '^2026-11,[0-9.]+,[0-9.]+,5,712\.00,PLN$'
	assert_line --index 4 --regexp '^total,[0-9.]+,[0-9.]+,14,2447\.00,PLN$'
	# the expectation is crm-segment's as of the cut-off
	IFS=, read -r _ sp _ <<<"${lines[1]}"
	IFS=, read -r _ op _ <<<"${lines[2]}"
	IFS=, read -r _ tp _ <<<"${lines[4]}"
	local seg
	seg=$(CRM_NOW=2026-09-22T23:59:59Z segment_sums 8d)
	assert_near "$sp" "${seg% *}" 0.02
	seg=$(CRM_NOW=2026-09-22T23:59:59Z segment_sums 61d)
	assert_near "$tp" "${seg% *}" 0.02
	# with --periods, the periods after --until follow without actuals
	run -0 --separate-stderr crm-report forecast --holdout 61d --periods 2 -o csv
	assert_line --index 4 --regexp '^2026-12,[0-9.]+,[0-9.]+,,,PLN$'
	assert_line --index 5 --regexp '^2027-01,[0-9.]+,[0-9.]+,,,PLN$'
	assert_line --index 6 --regexp '^total,[0-9.]+,[0-9.]+,14,2447\.00,PLN$'
}

@test "FC004: forecast: a model that cannot be fitted, bad --holdout and --periods are errors" {
	run -2 --separate-stderr crm-report forecast --until 2026-03-01
	assert_equal "$output" ''
	assert_equal "$stderr" 'crm-report: forecast: too few repeat buyers to fit BG/NBD: 5 of 8 customers bought more than once, at least 10 are needed'
	run -2 --separate-stderr crm-report forecast --holdout soon
	[[ $stderr == *'--holdout takes a span of time: 90d, 13w, 6m, 1y'* ]] || fail "$stderr"
	run -2 --separate-stderr crm-report forecast --periods -1
	[[ $stderr == *'--periods takes a whole number'* ]] || fail "$stderr"
}

@test "FC005: forecast -o table and html: grouped numbers, the total no bar of the chart" {
	run -0 --separate-stderr crm-report forecast --periods 1 -o table
	assert_line --index 0 --regexp '^period +exp_purchases +exp_revenue +currency *$'
	assert_line --index 1 --regexp '^2026-11 +[0-9.]+ +[0-9,.]+ +PLN +█+'
	assert_line --index 2 --regexp '^total +[0-9.]+ +[0-9,.]+ +PLN *$'
	run -0 --separate-stderr crm-report forecast --periods 2 -o html
	refute_output --partial '<title>total'
	assert_output --partial '<title>2026-12: '
}

@test "FC006: digest: the valuable customers likeliest to have left, by the same model as crm-segment --predict" {
	# valuable: revenue at least the median of the 27 buyers' (293.00, 0b's);
	# of those the ten with the lowest p_alive (crm-segment's figures)
	run -0 --separate-stderr crm-report digest --until 2026-11-22 -o md
	assert_output --partial '## Valuable customers at risk of leaving

| id | name | revenue | p_alive | last_purchase |
| --- | --- | ---: | ---: | --- |
| 0pr000000000c | Klient 0c | 930.00 | 0.107 | 2026-04-09 10:00 |
| 0pr000000000v | Klient 0v | 490.00 | 0.305 | 2026-08-08 10:00 |
| 0pr000000000j | Klient 0j | 490.00 | 0.349 | 2026-05-11 10:00 |
| 0pr000000000z | Klient 0z | 450.00 | 0.685 | 2026-10-25 10:00 |
| 0pr000000000n | Klient 0n | 390.00 | 0.760 | 2026-10-12 10:00 |
| 0pr000000000e | Klient 0e | 720.00 | 0.783 | 2026-10-06 10:00 |
| 0pr000000000x | Klient 0x | 365.00 | 0.855 | 2026-11-19 10:00 |
| 0pr000000000r | Klient 0r | 4,390.00 | 0.898 | 2026-11-11 10:00 |
| 0pr000000000h | Klient 0h | 1,505.00 | 0.899 | 2026-11-09 10:00 |
| 0pr000000000a | Klient 0a | 1,315.00 | 0.924 | 2026-11-12 10:00 |

## Overdue follow-ups'
	crm-segment --predict | crm-find -f id,p_alive -o csv >seg.csv
	run -0 grep -c -e '^0pr000000000c,0.107$' -e '^0pr000000000a,0.924$' seg.csv
	assert_output 2
	# --limit shortens the list
	run -0 --separate-stderr crm-report digest --until 2026-11-22 --limit 2 -o md
	assert_output --partial '| 0pr000000000v | Klient 0v | 490.00 | 0.305 | 2026-08-08 10:00 |

## Overdue follow-ups'
}
