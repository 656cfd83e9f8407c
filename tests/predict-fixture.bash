# The small shop of crm-segment --predict and crm-report forecast: its
# history written from a table (history_from_table) and the fixture
# itself (predict_fixture). Loaded by tests/crm-segment.bats and
# tests/forecast.bats; needs HEADER, the header of customers.csv.

# Write customers.csv and interactions.jsonl of acme from a table on stdin:
# an id, then its purchases as MM-DD:AMOUNT[:CURRENCY] (in 2026, at 10:00
# UTC, in PLN unless a currency is given; an amount "-" is a purchase
# without one, an R before the date a refund).
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
