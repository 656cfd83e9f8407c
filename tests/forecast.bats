#!/usr/bin/env bats
# crm-report forecast: the purchases and revenue the models of predict.h
# expect per period ahead, checked against crm-segment --predict (the sums
# of its exp_purchases and exp_revenue over a horizon to a period's end are
# the forecast's periods up to it: the conditional expectation is additive
# in time), and the holdout view (--holdout) counted by hand.

bats_require_minimum_version 1.5.0
load helper

HEADER='id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated'

history_from_table() {
	echo "$HEADER" >customers.csv
	: >interactions.jsonl
	awk '
	/^#/ || NF == 0 { next }
	{
		printf "%s,Klient %s,,,,PL,,,,customer,,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z\n", $1, substr($1, 12) >>"customers.csv"
		for (i = 2; i <= NF; i++) {
			split($i, f, ":")
			type = "purchase"
			if (f[1] ~ /^R/) { type = "refund"; f[1] = substr(f[1], 2) }
			money = f[2] == "-" ? "" : sprintf(",\"amount\":%d,\"currency\":\"%s\"", f[2] * 100, f[3] == "" ? "PLN" : f[3])
			printf "{\"id\":\"0ev%010d\",\"ts\":\"2026-%sT10:00:00Z\",\"customer\":\"%s\",\"type\":\"%s\",\"channel\":\"shop\",\"by\":\"tester\"%s}\n", ++n, f[1], $1, type, money >>"interactions.jsonl"
		}
	}'
}

# A small shop: 27 buyers up to now (2026-11-22), 20 of whom came back.
# What the models are given, by hand: x repeat purchase days, t_x and T
# whole days from the first purchase day to the last and to 2026-11-22, nm
# repeat days of known value and m their mean in PLN (refunds taken in
# proportion):
#
#   id  x  t_x   T  nm  m          id  x  t_x   T  nm  m
#   0a 12  311 321  12  99.5833    0r 10  179 190  10  400
#   0b  9  312 316   9  29.7778    0s  0    0 174   0
#   0c  3   87 314   3  210        0t  1   63 165   1  15
#   0d  3   40 306   3  30         0v  2   38 144   2  215
#   0e  4  245 292   4  130        0w  0    0 130   0
#   0f  1   32 284   1  20         0x  3  106 109   3  98.3333
#   0g  0    0 278   0             0y  0    0  82   0
#   0h  9  252 265   9  150.5556   0z  1   35  63   1  300
#   0j  1   63 258   1  400        1d  3   40 306   3  30 (as 0d: 02-01 twice)
#   0k  0    0 247   0             1m  3   42 235   3  35 (as 0m: 280 bought,
#   0m  3   42 235   3  35                              140 refunded: half)
#   0n  2  183 224   2  85         1t  1   63 165   0  (the repeat in EUR)
#   0p  0    0 216   0             2t  1   63 165   0  (the repeat unpriced)
#   0q  2   63 202   2  45         1k  0    0 247   0  (as 0k; 12-01 is later)
#
# 1y bought only on 12-05, after now, and 3z never: no predictions.
predict_fixture() {
	history_from_table <<'EOF'
0pr000000000a 01-05:120 01-26:80 02-20:100 03-18:90 04-10:110 05-02:95 06-01:105 06-28:120 07-25:90 08-20:100 09-18:110 10-15:100 11-12:95
0pr000000000b 01-10:25 02-15:30 03-20:27 04-25:35 06-01:32 07-05:30 08-10:27 09-15:30 10-20:25 11-18:32
0pr000000000c 01-12:300 02-10:150 03-12:220 04-09:260
0pr000000000d 01-20:40 02-01:25 02-14:35 03-01:30
0pr000000000e 02-03:200 04-03:120 06-05:160 08-04:90 10-06:150
0pr000000000f 02-11:75 03-15:20
0pr000000000g 02-17:60
0pr000000000h 03-02:150 03-30:140 04-27:160 05-25:150 06-22:155 07-20:145 08-17:150 09-14:160 10-12:150 11-09:145
0pr000000000j 03-09:90 05-11:400
0pr000000000k 03-20:500
0pr000000000m 04-01:35 04-15:40 04-29:30 05-13:35
0pr000000000n 04-12:220 07-12:40 10-12:130
0pr000000000p 04-20:80
0pr000000000q 05-04:110 06-08:60 07-06:30
0pr000000000r 05-16:390 06-02:420 06-20:400 07-08:370 07-26:410 08-13:380 08-31:420 09-18:400 10-06:390 10-24:410 11-11:400
0pr000000000s 06-01:130
0pr000000000t 06-10:95 08-12:15
0pr000000000v 07-01:60 07-20:250 08-08:180
0pr000000000w 07-15:400
0pr000000000x 08-05:70 09-10:175 10-15:80 11-19:40
0pr000000000y 09-01:55
0pr000000000z 09-20:150 10-25:300
0pr000000001d 01-20:40 02-01:10 02-01:15 02-14:35 03-01:30
0pr000000001m 04-01:70 04-15:80 04-29:60 05-13:70 R06-01:140
0pr000000001t 06-10:95 08-12:15:EUR
0pr000000002t 06-10:95 08-12:-
0pr000000001k 03-20:500 12-01:300
0pr000000001y 12-05:80
0pr000000003z
EOF
}

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
