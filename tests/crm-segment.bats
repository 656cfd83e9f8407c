#!/usr/bin/env bats
# crm-segment: RFM scores and segments (quintiles, ties, refunds, currencies,
# --as-of), rules files (first match, --default, errors with line and column),
# the lifecycle stages and their thresholds, --only, --summary, streams in and
# out, the exit statuses, and the predictions of --predict (BG/NBD and
# Gamma-Gamma, on a small shop, the CDNOW sample and simulated customers).

bats_require_minimum_version 1.5.0
load helper

# The hand-made directory "acme": 20 customers, 16 of whom bought (A..T
# below) and 4 who did not (W..Z). CRM_NOW is 2026-11-22T10:00:00Z.
#
# Ids in byte order, with the last purchase (whole days before now), the
# number of purchases F and the net PLN amount M, worked out by hand:
#
#   C 01jz000000005  0 d (08:00)      F 1  M   5000  (+ a purchase on 11-30: future)
#   E 01jz00000000a  60 d             F 1  M  20000
#   P 01jz00000000f  150 d            F 1  M      0  (EUR only; a deal is no purchase)
#   Z 01jz00000000z  only a task                       -> Prospects
#   D 01jz00000001b  0 d (22 h)       F 1  M  12000
#   K 01jz00000001m  100 d            F 1  M  12000
#   W 01jz00000001w  only a call and a mail            -> Prospects
#   S 01jz00000002c  300 d            F 2  M  15000
#   H 01jz00000002h  2 d (2d 1h)      F 2  M  35000
#   J 01jz00000002k  120 d            F 2  M  60000
#   N 01jz00000003d  200 d            F 3  M  30000  (one of the three in EUR)
#   B 01jz00000003q  1 d              F 3  M  20000  (120000 bought, 100000 refunded)
#   G 01jz00000003r  30 d             F 3  M 150000
#   Q 01jz00000003t  400 d            F 3  M  75000
#   A 01jz00000004a  2 d (2d 23h)     F 3  M 300000  (+ a refund on 12-01: future)
#   X 01jz00000004x  only a purchase on 11-25: future  -> Prospects
#   T 01jz00000005e  250 d (exactly)  F 5  M  50000
#   M 01jz00000005g  250 d (+20 h)    F 4  M 240000
#   L 01jz00000006n  90 d (exactly)   F 4  M  80000  (120000 bought, 40000 refunded)
#   Y 01jz00000007y  no history at all                 -> Prospects
#
# n = 16 scored: ranks 1-3 score 1, 4-6 score 2, 7-9 score 3, 10-12 score 4,
# 13-16 score 5 (ceil(5k/16)).
#
#   R (longest ago first, equal days by id): Q S T | M N P | J K L | E G H | A B C D
#     T and M both 250 days: T (5e) before M (5g) although M bought earlier;
#     H and A both 2 days: H (2h) before A (4a) although A bought earlier.
#   F (ascending, equal by id): C E P | D K S | H J N | B G Q | A M L T
#     five with 1 purchase (C E P score 1, D K score 2), three with 2
#     (S 2, H J 3), five with 3 (N 3, B G Q 4, A 5).
#   M (ascending, equal by id): P C D | K S E | B N H | T J Q | L G M A
#     D and K both 12000 (D 1, K 2); E and B both 20000 (E 2, B 3).
#
#   id             r f m rfm segment
#   A              5 5 5 555 Champions
#   B              5 4 3 543 Champions
#   C              5 1 1 511 New
#   D              5 2 1 521 Potential Loyalists
#   E              4 1 2 412 Promising
#   G              4 4 5 445 Loyal
#   H              4 3 3 433 Potential Loyalists
#   J              3 3 4 334 Need Attention
#   K              3 2 2 322 About to Sleep
#   L              3 5 5 355 Loyal
#   M              2 5 5 255 Can't Lose
#   N              2 3 3 233 At Risk
#   P              2 1 1 211 Hibernating
#   Q              1 4 4 144 At Risk
#   S              1 2 2 122 Hibernating
#   T              1 5 4 154 Can't Lose
#
# customers.csv holds them in this (non-id) order:
# K A T W C Q H Y B P N G X D L S Z E J M. PL: K A W C Y N S.
local_setup() {
	mkdir acme && cd acme || return 1
	printf 'currency = PLN\n' >crm.conf
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01jz00000001m,Anna Kowalska,anna@example.pl,,,PL,Warszawa,,tester,customer,opt-in,2025-01-10T09:00:00Z,2025-01-10T09:00:00Z
01jz00000004a,Łukasz Żółć,lukasz@example.pl,+48 600 100 200,Żółć Sp. z o.o.,PL,Kraków,vip,tester,customer,opt-in,2025-01-14T09:00:00Z,2025-01-14T09:00:00Z
01jz00000005e,Мария Георгиева,maria@example.bg,,,BG,София,,,customer,,2025-02-01T09:00:00Z,2025-02-01T09:00:00Z
01jz00000001w,Agnieszka Lewandowska,agnieszka@example.pl,,,PL,Gdańsk,,tester,prospect,opt-in,2026-09-01T09:00:00Z,2026-09-01T09:00:00Z
01jz000000005,Zofia Wójcik,zofia@example.pl,,,PL,Poznań,,,customer,,2026-11-01T09:00:00Z,2026-11-01T09:00:00Z
01jz00000003t,Tomáš Svoboda,tomas@example.cz,,,CZ,Brno,,,customer,,2025-03-01T09:00:00Z,2025-03-01T09:00:00Z
01jz00000002h,Hans Becker,hans@example.de,,,DE,Berlin,,,customer,,2025-04-01T09:00:00Z,2025-04-01T09:00:00Z
01jz00000007y,Ewa Kamińska,ewa@example.pl,,,PL,Łódź,,,lead,,2026-11-20T09:00:00Z,2026-11-20T09:00:00Z
01jz00000003q,Jiří Dvořák,jiri@example.cz,,Dvořák a syn s.r.o.,CZ,Plzeň,b2b,tester,customer,opt-in,2025-05-01T09:00:00Z,2025-05-01T09:00:00Z
01jz00000000f,Lucie Dubois,lucie@example.fr,,,FR,Lyon,,,customer,,2025-06-01T09:00:00Z,2025-06-01T09:00:00Z
01jz00000003d,Piotr Zieliński,piotr@example.pl,,,PL,Kraków,,,customer,,2025-07-01T09:00:00Z,2025-07-01T09:00:00Z
01jz00000003r,Claire Martin,claire@example.fr,,Saxby Ltd,FR,Paris,vip,,customer,,2025-08-01T09:00:00Z,2025-08-01T09:00:00Z
01jz00000004x,Pavel Černý,pavel@example.cz,,,CZ,Ostrava,,,prospect,,2026-10-01T09:00:00Z,2026-10-01T09:00:00Z
01jz00000001b,Петър Петров,petar@example.bg,,,BG,Пловдив,,,customer,,2026-11-01T09:00:00Z,2026-11-01T09:00:00Z
01jz00000006n,Иван Иванов,ivan@example.bg,,,BG,Варна,,,customer,,2025-09-01T09:00:00Z,2025-09-01T09:00:00Z
01jz00000002c,Krzysztof Wiśniewski,krzysztof@example.pl,,,PL,Gdynia,,,customer,,2025-10-01T09:00:00Z,2025-10-01T09:00:00Z
01jz00000000z,Klaus Weber,klaus@example.de,,,DE,Hamburg,,,lead,,2026-11-01T09:00:00Z,2026-11-01T09:00:00Z
01jz00000000a,Jürgen Müller,juergen@example.de,,Müller GmbH,DE,München,,,customer,,2025-11-01T09:00:00Z,2025-11-01T09:00:00Z
01jz00000002k,Eva Nováková,eva@example.cz,,,CZ,Praha,,,customer,,2025-12-01T09:00:00Z,2025-12-01T09:00:00Z
01jz00000005g,Greta Schmidt,greta@example.de,,,DE,Köln,,,customer,,2025-01-01T09:00:00Z,2025-01-01T09:00:00Z
EOF
	# Each customer's latest purchase comes first, so the last line of a
	# customer is not the latest purchase.
	cat >interactions.jsonl <<'EOF'
{"id":"0ev0000000001","ts":"2026-11-19T11:00:00Z","customer":"01jz00000004a","type":"purchase","channel":"shop","by":"tester","amount":100000,"currency":"PLN"}
{"id":"0ev0000000002","ts":"2026-11-07T10:00:00Z","customer":"01jz00000004a","type":"purchase","channel":"shop","by":"tester","amount":100000,"currency":"PLN"}
{"id":"0ev0000000003","ts":"2026-10-28T10:00:00Z","customer":"01jz00000004a","type":"purchase","channel":"web","by":"tester","amount":100000,"currency":"PLN"}
{"id":"0ev0000000004","ts":"2026-12-01T10:00:00Z","customer":"01jz00000004a","type":"refund","channel":"shop","by":"tester","amount":50000,"currency":"PLN"}
{"id":"0ev0000000005","ts":"2026-11-21T08:00:00Z","customer":"01jz00000003q","type":"purchase","channel":"shop","by":"tester","amount":40000,"currency":"PLN"}
{"id":"0ev0000000006","ts":"2026-11-12T10:00:00Z","customer":"01jz00000003q","type":"purchase","channel":"shop","by":"tester","amount":40000,"currency":"PLN"}
{"id":"0ev0000000007","ts":"2026-11-02T10:00:00Z","customer":"01jz00000003q","type":"purchase","channel":"shop","by":"tester","amount":40000,"currency":"PLN"}
{"id":"0ev0000000008","ts":"2026-11-17T10:00:00Z","customer":"01jz00000003q","type":"refund","channel":"shop","by":"tester","amount":100000,"currency":"PLN"}
{"id":"0ev0000000009","ts":"2026-11-22T08:00:00Z","customer":"01jz000000005","type":"purchase","channel":"web","by":"tester","amount":5000,"currency":"PLN"}
{"id":"0ev0000000010","ts":"2026-11-30T10:00:00Z","customer":"01jz000000005","type":"purchase","channel":"web","by":"tester","amount":99900,"currency":"PLN"}
{"id":"0ev0000000011","ts":"2026-11-21T12:00:00Z","customer":"01jz00000001b","type":"purchase","channel":"web","by":"tester","amount":12000,"currency":"PLN"}
{"id":"0ev0000000012","ts":"2026-09-23T10:00:00Z","customer":"01jz00000000a","type":"purchase","channel":"web","by":"tester","amount":20000,"currency":"PLN"}
{"id":"0ev0000000013","ts":"2026-10-23T10:00:00Z","customer":"01jz00000003r","type":"purchase","channel":"shop","by":"tester","amount":50000,"currency":"PLN"}
{"id":"0ev0000000014","ts":"2026-10-08T10:00:00Z","customer":"01jz00000003r","type":"purchase","channel":"shop","by":"tester","amount":50000,"currency":"PLN"}
{"id":"0ev0000000015","ts":"2026-09-13T10:00:00Z","customer":"01jz00000003r","type":"purchase","channel":"shop","by":"tester","amount":50000,"currency":"PLN"}
{"id":"0ev0000000016","ts":"2026-11-20T09:00:00Z","customer":"01jz00000002h","type":"purchase","channel":"web","by":"tester","amount":10000,"currency":"PLN"}
{"id":"0ev0000000017","ts":"2026-10-13T10:00:00Z","customer":"01jz00000002h","type":"purchase","channel":"web","by":"tester","amount":25000,"currency":"PLN"}
{"id":"0ev0000000018","ts":"2026-07-25T10:00:00Z","customer":"01jz00000002k","type":"purchase","channel":"shop","by":"tester","amount":30000,"currency":"PLN"}
{"id":"0ev0000000019","ts":"2026-05-06T10:00:00Z","customer":"01jz00000002k","type":"purchase","channel":"shop","by":"tester","amount":30000,"currency":"PLN"}
{"id":"0ev0000000020","ts":"2026-08-14T10:00:00Z","customer":"01jz00000001m","type":"purchase","channel":"shop","by":"tester","amount":12000,"currency":"PLN"}
{"id":"0ev0000000021","ts":"2026-08-24T10:00:00Z","customer":"01jz00000006n","type":"purchase","channel":"shop","by":"tester","amount":30000,"currency":"PLN"}
{"id":"0ev0000000022","ts":"2026-08-14T10:00:00Z","customer":"01jz00000006n","type":"purchase","channel":"shop","by":"tester","amount":30000,"currency":"PLN"}
{"id":"0ev0000000023","ts":"2026-08-04T10:00:00Z","customer":"01jz00000006n","type":"purchase","channel":"shop","by":"tester","amount":30000,"currency":"PLN"}
{"id":"0ev0000000024","ts":"2026-07-15T10:00:00Z","customer":"01jz00000006n","type":"purchase","channel":"shop","by":"tester","amount":30000,"currency":"PLN"}
{"id":"0ev0000000025","ts":"2026-08-19T10:00:00Z","customer":"01jz00000006n","type":"refund","channel":"shop","by":"tester","amount":40000,"currency":"PLN"}
{"id":"0ev0000000026","ts":"2026-03-16T14:00:00Z","customer":"01jz00000005g","type":"purchase","channel":"web","by":"tester","amount":60000,"currency":"PLN"}
{"id":"0ev0000000027","ts":"2026-03-07T10:00:00Z","customer":"01jz00000005g","type":"purchase","channel":"web","by":"tester","amount":60000,"currency":"PLN"}
{"id":"0ev0000000028","ts":"2026-02-25T10:00:00Z","customer":"01jz00000005g","type":"purchase","channel":"web","by":"tester","amount":60000,"currency":"PLN"}
{"id":"0ev0000000029","ts":"2026-02-15T10:00:00Z","customer":"01jz00000005g","type":"purchase","channel":"web","by":"tester","amount":60000,"currency":"PLN"}
{"id":"0ev0000000030","ts":"2026-05-06T10:00:00Z","customer":"01jz00000003d","type":"purchase","channel":"shop","by":"tester","amount":10000,"currency":"PLN"}
{"id":"0ev0000000031","ts":"2026-04-16T10:00:00Z","customer":"01jz00000003d","type":"purchase","channel":"web","by":"tester","amount":50000,"currency":"EUR"}
{"id":"0ev0000000032","ts":"2026-04-06T10:00:00Z","customer":"01jz00000003d","type":"purchase","channel":"shop","by":"tester","amount":20000,"currency":"PLN"}
{"id":"0ev0000000033","ts":"2026-06-25T10:00:00Z","customer":"01jz00000000f","type":"purchase","channel":"web","by":"tester","amount":30000,"currency":"EUR"}
{"id":"0ev0000000034","ts":"2026-07-01T10:00:00Z","customer":"01jz00000000f","type":"deal","channel":"other","by":"tester","amount":500000,"currency":"PLN","stage":"proposal","probability":50}
{"id":"0ev0000000035","ts":"2025-10-18T10:00:00Z","customer":"01jz00000003t","type":"purchase","channel":"shop","by":"tester","amount":25000,"currency":"PLN"}
{"id":"0ev0000000036","ts":"2025-09-28T10:00:00Z","customer":"01jz00000003t","type":"purchase","channel":"shop","by":"tester","amount":25000,"currency":"PLN"}
{"id":"0ev0000000037","ts":"2025-08-29T10:00:00Z","customer":"01jz00000003t","type":"purchase","channel":"shop","by":"tester","amount":25000,"currency":"PLN"}
{"id":"0ev0000000038","ts":"2026-11-21T10:00:00Z","customer":"01jz00000003t","type":"call","channel":"phone","direction":"in","by":"tester","text":"Dotaz"}
{"id":"0ev0000000039","ts":"2026-01-26T10:00:00Z","customer":"01jz00000002c","type":"purchase","channel":"shop","by":"tester","amount":8000,"currency":"PLN"}
{"id":"0ev0000000040","ts":"2025-12-07T10:00:00Z","customer":"01jz00000002c","type":"purchase","channel":"shop","by":"tester","amount":7000,"currency":"PLN"}
{"id":"0ev0000000041","ts":"2026-11-17T10:00:00Z","customer":"01jz00000002c","type":"email","channel":"email","direction":"out","by":"tester","subject":"Oferta"}
{"id":"0ev0000000042","ts":"2026-03-17T10:00:00Z","customer":"01jz00000005e","type":"purchase","channel":"web","by":"tester","amount":10000,"currency":"PLN"}
{"id":"0ev0000000043","ts":"2026-01-26T10:00:00Z","customer":"01jz00000005e","type":"purchase","channel":"web","by":"tester","amount":10000,"currency":"PLN"}
{"id":"0ev0000000044","ts":"2026-01-06T10:00:00Z","customer":"01jz00000005e","type":"purchase","channel":"web","by":"tester","amount":10000,"currency":"PLN"}
{"id":"0ev0000000045","ts":"2025-12-17T10:00:00Z","customer":"01jz00000005e","type":"purchase","channel":"web","by":"tester","amount":10000,"currency":"PLN"}
{"id":"0ev0000000046","ts":"2025-11-27T10:00:00Z","customer":"01jz00000005e","type":"purchase","channel":"web","by":"tester","amount":10000,"currency":"PLN"}
{"id":"0ev0000000047","ts":"2026-11-12T10:00:00Z","customer":"01jz00000001w","type":"call","channel":"phone","direction":"out","by":"tester"}
{"id":"0ev0000000048","ts":"2026-10-13T10:00:00Z","customer":"01jz00000001w","type":"email","channel":"email","direction":"in","by":"tester","subject":"Zapytanie"}
{"id":"0ev0000000049","ts":"2026-11-25T10:00:00Z","customer":"01jz00000004x","type":"purchase","channel":"web","by":"tester","amount":99900,"currency":"PLN"}
{"id":"0ev0000000050","ts":"2026-11-19T10:00:00Z","customer":"01jz00000000z","type":"task","channel":"other","by":"tester","text":"Anrufen","due":"2026-11-30"}
{"id":"0ev0000000051","ts":"2026-09-01T10:00:00Z","customer":"01jz00000001m","type":"survey","channel":"web","by":"tester","rating":4}
{"id":"0ev0000000052","ts":"2026-11-22T09:00:00Z","customer":"01jz00000004a","type":"note","channel":"other","by":"tester","text":"Dzwonił"}
EOF
}

# The id, r, f, m, rfm and segment of every customer of acme, in file order,
# as worked out above.
RFM_ALL='id,r,f,m,rfm,segment
01jz00000001m,3,2,2,322,About to Sleep
01jz00000004a,5,5,5,555,Champions
01jz00000005e,1,5,4,154,Can'"'"'t Lose
01jz00000001w,,,,,Prospects
01jz000000005,5,1,1,511,New
01jz00000003t,1,4,4,144,At Risk
01jz00000002h,4,3,3,433,Potential Loyalists
01jz00000007y,,,,,Prospects
01jz00000003q,5,4,3,543,Champions
01jz00000000f,2,1,1,211,Hibernating
01jz00000003d,2,3,3,233,At Risk
01jz00000003r,4,4,5,445,Loyal
01jz00000004x,,,,,Prospects
01jz00000001b,5,2,1,521,Potential Loyalists
01jz00000006n,3,5,5,355,Loyal
01jz00000002c,1,2,2,122,Hibernating
01jz00000000z,,,,,Prospects
01jz00000000a,4,1,2,412,Promising
01jz00000002k,3,3,4,334,Need Attention
01jz00000005g,2,5,5,255,Can'"'"'t Lose'

# The header of acme's customers.csv.
HEADER='id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated'

# Fail unless nothing was written to standard error.
assert_quiet() {
	assert_equal "$stderr" ""
}

# Fail unless standard error holds only the warning that N purchases in EUR
# were left out of the revenue: crm.conf has no rate for EUR.
assert_eur_left_out() {
	local events=events
	(($1 == 1)) && events=event
	assert_equal "$stderr" "crm-segment: left out $1 $events in EUR: no exchange rate to PLN (crm.conf: rate.EUR = how much PLN one EUR is worth)"
}

# A rules file used by several tests, in acme. With --default Others, by hand:
#   Whales (revenue>=1500, in PLN): A 3000.00, G 1500.00, M 2400.00
#   Regulars (3+ purchases, last on or after 2026-09-23): B
#   Lapsed (last purchase before -180d = 2026-05-26): T Q N S
#   Open (stage=prospect):        W X
#   Occasional (1 or 2 purchases): K C H P D E J
#   Others:                        Y Z L (L: 4 purchases, last 90 days ago)
write_rules() {
	cat >rules.conf <<'EOF'
# Value segments: the first rule that holds wins.
Whales: revenue>=1500

Regulars: purchases>=3 and last_purchase>=2026-09-23T00:00:00Z
Lapsed : last_purchase<-180d
  # an indented comment
Open:stage=prospect
Occasional: purchases>=1 and purchases<3
EOF
}

# The lifecycle directory: replaces acme's customers and history with 15
# customers whose contacts sit on the boundaries of the stages (days before
# 2026-11-22T10:00:00Z):
#   01 first and only contact 30 d           -> new
#   02 first and only contact 31 d           -> active
#   03 first 2025-01-01, last 90 d           -> active
#   04 first 2025-01-01, last 91 d           -> at-risk
#   05 first 2025-01-01, last 90 d 23 h      -> active
#   06 first 2025-01-01, last 180 d          -> at-risk
#   07 only contact 181 d                    -> lapsed
#   08 only contact 365 d                    -> lapsed
#   09 only contact 366 d                    -> lost
#   10 a task and its done only              -> (empty)
#   11 no history                            -> (empty)
#   12 mail 200 d, a task 1 d ago            -> lapsed (a task is no contact)
#   13 a task 400 d, a call 20 d ago         -> new (the task is not the first contact)
#   14 only a purchase 10 d ago              -> new
#   15 first 2024-06-01, last 60 d           -> active
lifecycle_fixture() {
	{
		echo "$HEADER"
		local n
		for n in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15; do
			echo "0hf00000000$n,Klient $n,k$n@example.pl,,,PL,,,,customer,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z"
		done
	} >customers.csv
	cat >interactions.jsonl <<'EOF'
{"id":"0ev0000000101","ts":"2026-10-23T10:00:00Z","customer":"0hf0000000001","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000102","ts":"2026-10-22T10:00:00Z","customer":"0hf0000000002","type":"email","channel":"email","direction":"in","by":"tester"}
{"id":"0ev0000000103","ts":"2025-01-01T10:00:00Z","customer":"0hf0000000003","type":"meeting","channel":"meeting","by":"tester"}
{"id":"0ev0000000104","ts":"2026-08-24T10:00:00Z","customer":"0hf0000000003","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000105","ts":"2025-01-01T10:00:00Z","customer":"0hf0000000004","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000106","ts":"2026-08-23T10:00:00Z","customer":"0hf0000000004","type":"email","channel":"email","direction":"out","by":"tester"}
{"id":"0ev0000000107","ts":"2026-08-23T11:00:00Z","customer":"0hf0000000005","type":"chat","channel":"chat","by":"tester"}
{"id":"0ev0000000108","ts":"2025-01-01T10:00:00Z","customer":"0hf0000000005","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000109","ts":"2025-01-01T10:00:00Z","customer":"0hf0000000006","type":"note","channel":"other","by":"tester"}
{"id":"0ev0000000110","ts":"2026-05-26T10:00:00Z","customer":"0hf0000000006","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000111","ts":"2026-05-25T10:00:00Z","customer":"0hf0000000007","type":"sms","channel":"sms","by":"tester"}
{"id":"0ev0000000112","ts":"2025-11-22T10:00:00Z","customer":"0hf0000000008","type":"meeting","channel":"meeting","by":"tester"}
{"id":"0ev0000000113","ts":"2025-11-21T10:00:00Z","customer":"0hf0000000009","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000114","ts":"2026-11-01T10:00:00Z","customer":"0hf0000000010","type":"task","channel":"other","by":"tester","due":"2026-11-10"}
{"id":"0ev0000000115","ts":"2026-11-05T10:00:00Z","customer":"0hf0000000010","type":"done","channel":"other","by":"tester","ref":"0ev0000000114"}
{"id":"0ev0000000116","ts":"2026-05-06T10:00:00Z","customer":"0hf0000000012","type":"email","channel":"email","direction":"out","by":"tester"}
{"id":"0ev0000000117","ts":"2026-11-21T10:00:00Z","customer":"0hf0000000012","type":"task","channel":"other","by":"tester","due":"2026-12-01"}
{"id":"0ev0000000118","ts":"2025-10-18T10:00:00Z","customer":"0hf0000000013","type":"task","channel":"other","by":"tester","due":"2025-11-01"}
{"id":"0ev0000000119","ts":"2026-11-02T10:00:00Z","customer":"0hf0000000013","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000120","ts":"2026-11-12T10:00:00Z","customer":"0hf0000000014","type":"purchase","channel":"shop","by":"tester","amount":1000,"currency":"PLN"}
{"id":"0ev0000000121","ts":"2024-06-01T10:00:00Z","customer":"0hf0000000015","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000122","ts":"2026-09-23T10:00:00Z","customer":"0hf0000000015","type":"email","channel":"email","direction":"in","by":"tester"}
EOF
}

# The --as-of directory: replaces acme's customers and history with six
# customers (0as0000000001 .. 06). With --as-of 2026-06-30 (the end of that
# day), by hand, n = 5 so the score is the rank:
#   a1 purchase 06-30 22:00 (0 d)                       F 1 M 10000
#   a2 purchases 06-29 23:30 (1 d), 05-01                F 2 M 40000
#   a3 purchase 03-01 (121 d); a purchase on 07-02 and a refund on 07-05
#      come after the date and do not count             F 1 M 50000
#   a4 06-01, 06-10 (EUR), 06-20 12:00 (10 d)           F 3 M  6000
#   a5 only a purchase on 08-01: after the date          -> Prospects
#   a6 purchase 01-10 (171 d)                           F 1 M 30000
asof_fixture() {
	{
		echo "$HEADER"
		local n
		for n in 1 2 3 4 5 6; do
			echo "0as000000000$n,Kunde $n,a$n@example.de,,,DE,,,,customer,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z"
		done
	} >customers.csv
	cat >interactions.jsonl <<'EOF'
{"id":"0ev0000000201","ts":"2026-06-30T22:00:00Z","customer":"0as0000000001","type":"purchase","channel":"web","by":"tester","amount":10000,"currency":"PLN"}
{"id":"0ev0000000202","ts":"2026-06-29T23:30:00Z","customer":"0as0000000002","type":"purchase","channel":"web","by":"tester","amount":20000,"currency":"PLN"}
{"id":"0ev0000000203","ts":"2026-05-01T10:00:00Z","customer":"0as0000000002","type":"purchase","channel":"web","by":"tester","amount":20000,"currency":"PLN"}
{"id":"0ev0000000204","ts":"2026-03-01T10:00:00Z","customer":"0as0000000003","type":"purchase","channel":"web","by":"tester","amount":50000,"currency":"PLN"}
{"id":"0ev0000000205","ts":"2026-07-05T10:00:00Z","customer":"0as0000000003","type":"refund","channel":"web","by":"tester","amount":50000,"currency":"PLN"}
{"id":"0ev0000000206","ts":"2026-07-02T10:00:00Z","customer":"0as0000000003","type":"purchase","channel":"web","by":"tester","amount":70000,"currency":"PLN"}
{"id":"0ev0000000207","ts":"2026-06-01T12:00:00Z","customer":"0as0000000004","type":"purchase","channel":"web","by":"tester","amount":5000,"currency":"PLN"}
{"id":"0ev0000000208","ts":"2026-06-10T12:00:00Z","customer":"0as0000000004","type":"purchase","channel":"web","by":"tester","amount":9999,"currency":"EUR"}
{"id":"0ev0000000209","ts":"2026-06-20T12:00:00Z","customer":"0as0000000004","type":"purchase","channel":"web","by":"tester","amount":1000,"currency":"PLN"}
{"id":"0ev0000000210","ts":"2026-08-01T10:00:00Z","customer":"0as0000000005","type":"purchase","channel":"web","by":"tester","amount":80000,"currency":"PLN"}
{"id":"0ev0000000211","ts":"2026-01-10T10:00:00Z","customer":"0as0000000006","type":"purchase","channel":"web","by":"tester","amount":30000,"currency":"PLN"}
EOF
}

# --- RFM ------------------------------------------------------------------------

@test "SEG001: --rfm scores every customer by quintiles, ties by id, as worked out by hand" {
	run --separate-stderr bash -c 'crm-segment --rfm | crm-find -f id,r,f,m,rfm,segment -o csv'
	assert_success
	assert_eur_left_out 2
	assert_output "$RFM_ALL"
}

@test "SEG002: --rfm -o csv keeps every input column and adds r,f,m,rfm,segment" {
	tail -n +2 <<<"$RFM_ALL" | cut -d, -f2- >suffix
	{
		echo "$HEADER,r,f,m,rfm,segment"
		paste -d, <(tail -n +2 customers.csv) suffix
	} >expected
	crm-segment --rfm -o csv >got
	assert_same_file got expected
}

@test "SEG003: in a pipe the output is CSV without -o" {
	run --separate-stderr crm-segment --rfm
	assert_success
	assert_equal "$(head -n 1 <<<"$output")" "$HEADER,r,f,m,rfm,segment"
	assert_line --index 2 "01jz00000004a,Łukasz Żółć,lukasz@example.pl,+48 600 100 200,Żółć Sp. z o.o.,PL,Kraków,vip,tester,customer,opt-in,2025-01-14T09:00:00Z,2025-01-14T09:00:00Z,5,5,5,555,Champions"
	assert_line --index 4 "01jz00000001w,Agnieszka Lewandowska,agnieszka@example.pl,,,PL,Gdańsk,,tester,prospect,opt-in,2026-09-01T09:00:00Z,2026-09-01T09:00:00Z,,,,,Prospects"
}

@test "SEG004: equal days since the last purchase are broken by id, not by the time of day" {
	# T (…5e) and M (…5g) both bought 250 days ago, M 20 hours earlier;
	# H (…2h) and A (…4a) both 2 days ago, A 22 hours earlier.
	run --separate-stderr bash -c 'crm-segment --rfm | crm-find -f id,r -o csv --where "id=01jz00000005e or id=01jz00000005g or id=01jz00000002h or id=01jz00000004a"'
	assert_success
	assert_output - <<'EOF'
id,r
01jz00000004a,5
01jz00000005e,1
01jz00000002h,4
01jz00000005g,2
EOF
}

@test "SEG005: equal F and equal M are broken by id across a score boundary" {
	# F: five customers bought once (C E P score 1, D K score 2); M: D and K
	# both 12000 (D 1, K 2), E and B both 20000 (E 2, B 3).
	run --separate-stderr bash -c 'crm-segment --rfm | crm-find -f id,f,m -o csv --where "id=01jz000000005 or id=01jz00000000a or id=01jz00000000f or id=01jz00000001b or id=01jz00000001m or id=01jz00000003q"'
	assert_success
	assert_output - <<'EOF'
id,f,m
01jz00000001m,2,2
01jz000000005,1,1
01jz00000003q,4,3
01jz00000000f,1,1
01jz00000001b,2,1
01jz00000000a,1,2
EOF
}

@test "SEG006: a purchase after now is ignored; a customer whose only purchase is in the future is a Prospect" {
	run --separate-stderr bash -c 'crm-segment --rfm | crm-find -f id,r,f,m,rfm,segment -o csv --where "id=01jz000000005 or id=01jz00000004x"'
	assert_success
	assert_output - <<'EOF'
id,r,f,m,rfm,segment
01jz000000005,5,1,1,511,New
01jz00000004x,,,,,Prospects
EOF
}

@test "SEG007: a purchase in another currency counts for F, not for M; refunds lower M; a deal is no purchase" {
	# P bought once, in EUR: M 0 is the lowest; B's refund brings 120000 down
	# to 20000 (M 3, not 5); L's to 80000.
	run --separate-stderr bash -c 'crm-segment --rfm | crm-find -f id,f,m,rfm -o csv --where "id=01jz00000000f or id=01jz00000003q or id=01jz00000006n or id=01jz00000003d"'
	assert_success
	assert_output - <<'EOF'
id,f,m,rfm
01jz00000003q,4,3,543
01jz00000000f,1,1,211
01jz00000003d,3,3,233
01jz00000006n,5,5,355
EOF
}

@test "SEG008: a customer with only contacts, or with nothing, is a Prospect with empty scores" {
	run --separate-stderr bash -c 'crm-segment --rfm | crm-find -f id,r,f,m,rfm,segment -o csv --where "not r"'
	assert_success
	assert_output - <<'EOF'
id,r,f,m,rfm,segment
01jz00000001w,,,,,Prospects
01jz00000007y,,,,,Prospects
01jz00000004x,,,,,Prospects
01jz00000000z,,,,,Prospects
EOF
}

@test "SEG009: the same with LC_ALL=C" {
	run --separate-stderr env LC_ALL=C bash -c 'crm-segment --rfm | crm-find -f id,r,f,m,rfm,segment -o csv'
	assert_success
	assert_output "$RFM_ALL"
}

@test "SEG010: a filtered stream is scored against itself (quintiles over the input)" {
	# PL: K A W C Y N S. Five buyers, so the score is the rank:
	# R: S 300 d, N 200, K 100, A 2, C 0; F: C 1, K 1, S 2, N 3, A 3;
	# M: C 5000, K 12000, S 15000, N 30000, A 300000.
	run --separate-stderr bash -c 'crm-find --where country=PL | crm-segment --rfm | crm-find -f id,r,f,m,rfm,segment -o csv'
	assert_success
	assert_output - <<'EOF'
id,r,f,m,rfm,segment
01jz00000001m,3,2,2,322,About to Sleep
01jz00000004a,4,5,5,455,Loyal
01jz00000001w,,,,,Prospects
01jz000000005,5,1,1,511,New
01jz00000007y,,,,,Prospects
01jz00000003d,2,4,4,244,At Risk
01jz00000002c,1,3,3,133,At Risk
EOF
}

@test "SEG011: crm-find --where on the segment column keeps those rows" {
	run --separate-stderr bash -c "crm-segment --rfm | crm-find --where 'segment=\"At Risk\"' -f id,rfm,segment -o csv"
	assert_success
	assert_output - <<'EOF'
id,rfm,segment
01jz00000003t,144,At Risk
01jz00000003d,233,At Risk
EOF
	# whole rows come through
	run --separate-stderr bash -c "crm-segment --rfm | crm-find --where 'segment=\"At Risk\"'"
	assert_success
	assert_output - <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,r,f,m,rfm,segment
01jz00000003t,Tomáš Svoboda,tomas@example.cz,,,CZ,Brno,,,customer,,2025-03-01T09:00:00Z,2025-03-01T09:00:00Z,1,4,4,144,At Risk
01jz00000003d,Piotr Zieliński,piotr@example.pl,,,PL,Kraków,,,customer,,2025-07-01T09:00:00Z,2025-07-01T09:00:00Z,2,3,3,233,At Risk
EOF
}

@test "SEG012: a JSON Lines stream gives JSON Lines" {
	run --separate-stderr bash -c 'crm-find -o jsonl | crm-segment --rfm'
	assert_success
	assert_equal "$(wc -l <<<"$output")" 20
	refute_line --regexp '^[^{]'
	run --separate-stderr jq -r '[.id, (.r // "" | tostring), (.f // "" | tostring), (.m // "" | tostring), .rfm, .segment] | join(",")' <<<"$output"
	assert_success
	assert_output "$(tail -n +2 <<<"$RFM_ALL")"
}

@test "SEG013: segmenting again overwrites the columns instead of adding more" {
	run --separate-stderr bash -c 'crm-segment --rfm | crm-segment --rfm | crm-find -f id,r,f,m,rfm,segment -o csv'
	assert_success
	assert_output "$RFM_ALL"
	run --separate-stderr bash -c 'crm-segment --rfm | crm-segment --rfm | head -n 1'
	assert_output "$HEADER,r,f,m,rfm,segment"
}

# --- --as-of ------------------------------------------------------------------

@test "SEG014: --as-of DATE counts events up to the end of that day" {
	asof_fixture
	run --separate-stderr bash -c 'crm-segment --rfm --as-of 2026-06-30 | crm-find -f id,r,f,m,rfm,segment -o csv'
	assert_success
	assert_eur_left_out 1
	assert_output - <<'EOF'
id,r,f,m,rfm,segment
0as0000000001,5,1,2,512,New
0as0000000002,4,4,4,444,Loyal
0as0000000003,2,2,5,225,Hibernating
0as0000000004,3,5,1,351,Loyal
0as0000000005,,,,,Prospects
0as0000000006,1,3,3,133,At Risk
EOF
}

@test "SEG015: --as-of with a time stops at that instant" {
	asof_fixture
	# a1's purchase at 22:00 is now after it; four buyers: ceil(5k/4) = 2 3 4 5.
	run --separate-stderr bash -c 'crm-segment --rfm --as-of 2026-06-30T12:00:00Z | crm-find -f id,r,f,m,rfm,segment -o csv'
	assert_success
	assert_output - <<'EOF'
id,r,f,m,rfm,segment
0as0000000001,,,,,Prospects
0as0000000002,5,4,4,544,Champions
0as0000000003,3,2,5,325,About to Sleep
0as0000000004,4,5,2,452,Loyal
0as0000000005,,,,,Prospects
0as0000000006,2,3,3,233,At Risk
EOF
}

@test "SEG016: --as-of summary: days up to the end of the day, later refunds ignored" {
	asof_fixture
	# Loyal a2 a4: 40000+6000 over 5 purchases (one in EUR) = 9200; days
	# (1+10)/2 = 5.5 -> 6. a3 121 days, a6 171 days. 1/6 = 16.7, 2/6 = 33.3.
	run --separate-stderr crm-segment --rfm --as-of 2026-06-30 -S -o csv
	assert_success
	assert_output - <<'EOF'
segment,customers,share,revenue,aov,days_since_purchase
Loyal,2,33.3,460.00,115.00,6
New,1,16.7,100.00,100.00,0
At Risk,1,16.7,300.00,300.00,171
Hibernating,1,16.7,500.00,500.00,121
Prospects,1,16.7,0.00,,
EOF
}

@test "SEG017: a bad --as-of is an error" {
	run --separate-stderr crm-segment --rfm --as-of 2026-13-45
	assert_failure 2
	assert_output ""
	assert_regex "$stderr" '^crm-segment: .*--as-of'
}

# --- rules ----------------------------------------------------------------------

@test "SEG018: --rules: first match wins, comments and blank lines skipped, --default for the rest" {
	write_rules
	run --separate-stderr bash -c 'crm-segment --rules rules.conf --default Others | crm-find -f id,segment -o csv'
	assert_success
	assert_eur_left_out 2
	assert_output - <<'EOF'
id,segment
01jz00000001m,Occasional
01jz00000004a,Whales
01jz00000005e,Lapsed
01jz00000001w,Open
01jz000000005,Occasional
01jz00000003t,Lapsed
01jz00000002h,Occasional
01jz00000007y,Others
01jz00000003q,Regulars
01jz00000000f,Occasional
01jz00000003d,Lapsed
01jz00000003r,Whales
01jz00000004x,Open
01jz00000001b,Occasional
01jz00000006n,Others
01jz00000002c,Lapsed
01jz00000000z,Others
01jz00000000a,Occasional
01jz00000002k,Occasional
01jz00000005g,Whales
EOF
}

@test "SEG019: --rules without --default leaves the rest empty; the column is segment" {
	write_rules
	run --separate-stderr crm-segment --rules rules.conf -o csv
	assert_success
	assert_line --index 0 "$HEADER,segment"
	assert_line --index 8 "01jz00000007y,Ewa Kamińska,ewa@example.pl,,,PL,Łódź,,,lead,,2026-11-20T09:00:00Z,2026-11-20T09:00:00Z,"
	assert_line --index 2 "01jz00000004a,Łukasz Żółć,lukasz@example.pl,+48 600 100 200,Żółć Sp. z o.o.,PL,Kraków,vip,tester,customer,opt-in,2025-01-14T09:00:00Z,2025-01-14T09:00:00Z,Whales"
}

@test "SEG020: without --rfm, --lifecycle or --rules, segments.conf is used" {
	write_rules
	mv rules.conf segments.conf
	run --separate-stderr bash -c 'crm-segment --default Others | crm-find -f id,segment -o csv --where "id=01jz00000003q or id=01jz00000006n or id=01jz00000001w"'
	assert_success
	assert_output - <<'EOF'
id,segment
01jz00000001w,Open
01jz00000003q,Regulars
01jz00000006n,Others
EOF
}

@test "SEG021: without segments.conf and without a mode, there is nothing to do" {
	run --separate-stderr crm-segment
	assert_failure 2
	assert_output ""
	assert_regex "$stderr" '^crm-segment: nothing to do'
}

@test "SEG022: --rules with --rfm: the RFM name goes to rfm_segment, rules may use r, f, m" {
	cat >top.conf <<'EOF'
Top: r>=4 and m>=4
Cold: r<=2
EOF
	run --separate-stderr bash -c 'crm-segment --rfm --rules top.conf | crm-find -f id,rfm,rfm_segment,segment -o csv'
	assert_success
	assert_eur_left_out 2
	assert_output - <<'EOF'
id,rfm,rfm_segment,segment
01jz00000001m,322,About to Sleep,
01jz00000004a,555,Champions,Top
01jz00000005e,154,Can't Lose,Cold
01jz00000001w,,Prospects,
01jz000000005,511,New,
01jz00000003t,144,At Risk,Cold
01jz00000002h,433,Potential Loyalists,
01jz00000007y,,Prospects,
01jz00000003q,543,Champions,
01jz00000000f,211,Hibernating,Cold
01jz00000003d,233,At Risk,Cold
01jz00000003r,445,Loyal,Top
01jz00000004x,,Prospects,
01jz00000001b,521,Potential Loyalists,
01jz00000006n,355,Loyal,
01jz00000002c,122,Hibernating,Cold
01jz00000000z,,Prospects,
01jz00000000a,412,Promising,
01jz00000002k,334,Need Attention,
01jz00000005g,255,Can't Lose,Cold
EOF
	run --separate-stderr bash -c 'crm-segment --rfm --rules top.conf | head -n 1'
	assert_output "$HEADER,r,f,m,rfm,rfm_segment,segment"
}

@test "SEG023: a syntax error names the file, the line and the column" {
	cat >rules.conf <<'EOF'
# first a comment
Whales: revenue>=1500
Big: revenue>
EOF
	run --separate-stderr crm-segment --rules rules.conf
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-segment: rules.conf:3:14: expected a value after '>'"
}

@test "SEG024: the column counts characters, not bytes, whatever the locale" {
	printf 'Duży: revenue>\n' >rules.conf
	run --separate-stderr crm-segment --rules rules.conf
	assert_failure 2
	assert_equal "$stderr" "crm-segment: rules.conf:1:15: expected a value after '>'"
	run --separate-stderr env LC_ALL=C crm-segment --rules rules.conf
	assert_failure 2
	assert_equal "$stderr" "crm-segment: rules.conf:1:15: expected a value after '>'"
}

@test "SEG025: an unknown field names the line and the column" {
	cat >rules.conf <<'EOF'
Whales: revenue>=1500
Foo: revnue>5
EOF
	run --separate-stderr crm-segment --rules rules.conf
	assert_failure 2
	assert_output ""
	assert_regex "$stderr" "^crm-segment: rules\\.conf:2:6: unknown field 'revnue'"
	printf '\n\nŻółw: revnue>5\n' >rules.conf
	run --separate-stderr env LC_ALL=C crm-segment --rules rules.conf
	assert_failure 2
	assert_regex "$stderr" "^crm-segment: rules\\.conf:3:7: unknown field 'revnue'"
}

@test "SEG026: a line without ':' is an error naming the line" {
	cat >rules.conf <<'EOF'
# comment

Whales: revenue>=1500
revenue>0
EOF
	run --separate-stderr crm-segment --rules rules.conf
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-segment: rules.conf:4: expected 'NAME: EXPR'"
}

@test "SEG027: a missing rules file is an error" {
	run --separate-stderr crm-segment --rules nosuch.conf
	assert_failure 2
	assert_output ""
	assert_regex "$stderr" '^crm-segment: .*nosuch\.conf'
}

# --- lifecycle ------------------------------------------------------------------

@test "SEG028: --lifecycle: the stages and their boundaries under the fixed now" {
	lifecycle_fixture
	run --separate-stderr bash -c 'crm-segment --lifecycle | crm-find -f id,lifecycle -o csv'
	assert_success
	assert_quiet
	assert_output - <<'EOF'
id,lifecycle
0hf0000000001,new
0hf0000000002,active
0hf0000000003,active
0hf0000000004,at-risk
0hf0000000005,active
0hf0000000006,at-risk
0hf0000000007,lapsed
0hf0000000008,lapsed
0hf0000000009,lost
0hf0000000010,
0hf0000000011,
0hf0000000012,lapsed
0hf0000000013,new
0hf0000000014,new
0hf0000000015,active
EOF
	run --separate-stderr crm-segment --lifecycle -o csv
	assert_line --index 0 "$HEADER,lifecycle"
}

@test "SEG029: --lifecycle takes active_days from crm.conf" {
	lifecycle_fixture
	printf 'currency = PLN\nactive_days = 60\n' >crm.conf
	run --separate-stderr bash -c 'crm-segment --lifecycle | crm-find -f id,lifecycle -o csv'
	assert_success
	assert_output - <<'EOF'
id,lifecycle
0hf0000000001,new
0hf0000000002,active
0hf0000000003,at-risk
0hf0000000004,at-risk
0hf0000000005,at-risk
0hf0000000006,at-risk
0hf0000000007,lapsed
0hf0000000008,lapsed
0hf0000000009,lost
0hf0000000010,
0hf0000000011,
0hf0000000012,lapsed
0hf0000000013,new
0hf0000000014,new
0hf0000000015,active
EOF
}

@test "SEG030: --lifecycle takes new_days and lapsed_days from crm.conf" {
	lifecycle_fixture
	printf 'currency = PLN\nnew_days = 31\nlapsed_days = 366\n' >crm.conf
	run --separate-stderr bash -c 'crm-segment --lifecycle | crm-find -f id,lifecycle -o csv --where "id<0hf0000000010"'
	assert_success
	assert_output - <<'EOF'
id,lifecycle
0hf0000000001,new
0hf0000000002,new
0hf0000000003,active
0hf0000000004,at-risk
0hf0000000005,active
0hf0000000006,at-risk
0hf0000000007,lapsed
0hf0000000008,lapsed
0hf0000000009,lapsed
EOF
}

@test "SEG031: --lifecycle --only, case-insensitive and repeatable" {
	lifecycle_fixture
	run --separate-stderr bash -c 'crm-segment --lifecycle --only AT-RISK --only Lost | crm-find -f id,lifecycle -o csv'
	assert_success
	assert_output - <<'EOF'
id,lifecycle
0hf0000000004,at-risk
0hf0000000006,at-risk
0hf0000000009,lost
EOF
}

# --- --only ---------------------------------------------------------------------

@test "SEG032: --only keeps one RFM segment, without regard to ASCII case" {
	run --separate-stderr bash -c 'crm-segment --rfm --only champions | crm-find -f id,rfm,segment -o csv'
	assert_success
	assert_output - <<'EOF'
id,rfm,segment
01jz00000004a,555,Champions
01jz00000003q,543,Champions
EOF
}

@test "SEG033: --only is repeatable" {
	run --separate-stderr bash -c "crm-segment --rfm --only \"CAN'T LOSE\" --only new --only prospects | crm-find -f id,segment -o csv"
	assert_success
	assert_output - <<'EOF'
id,segment
01jz00000005e,Can't Lose
01jz00000001w,Prospects
01jz000000005,New
01jz00000007y,Prospects
01jz00000004x,Prospects
01jz00000000z,Prospects
01jz00000005g,Can't Lose
EOF
}

@test "SEG034: --only that matches nobody exits 1 and still prints the CSV header; a name no segment has is an error" {
	# in 2020 nobody had bought: everybody is a prospect
	run --separate-stderr crm-segment --rfm --only Champions --as-of 2020-01-01 -o csv
	assert_failure 1
	assert_output "$HEADER,r,f,m,rfm,segment"
	run --separate-stderr crm-segment --rfm --only nobody -o csv
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-segment: --only: nobody: no such segment (known: Champions, Loyal, Potential Loyalists, New, Promising, Need Attention, About to Sleep, At Risk, Can't Lose, Hibernating, Prospects)"
}

@test "SEG035: --only matches the rules segment and the rfm_segment" {
	cat >top.conf <<'EOF'
Top: r>=4 and m>=4
EOF
	run --separate-stderr bash -c 'crm-segment --rfm --rules top.conf --only top | crm-find -f id,segment -o csv'
	assert_success
	assert_output - <<'EOF'
id,segment
01jz00000004a,Top
01jz00000003r,Top
EOF
	run --separate-stderr bash -c 'crm-segment --rfm --rules top.conf --only hibernating | crm-find -f id,rfm_segment -o csv'
	assert_success
	assert_output - <<'EOF'
id,rfm_segment
01jz00000000f,Hibernating
01jz00000002c,Hibernating
EOF
}

@test "SEG036: score everyone, then select: --only and crm-find country=PL" {
	run --separate-stderr bash -c "crm-segment --rfm --only \"can't lose\" --only 'at risk' | crm-find --where country=PL -f id,rfm,segment -o csv"
	assert_success
	assert_output - <<'EOF'
id,rfm,segment
01jz00000003d,233,At Risk
EOF
}

# --- --summary ------------------------------------------------------------------

@test "SEG037: -S for RFM: one row per segment in the grid order, Prospects last" {
	# 20 customers. Champions A B: 300000+20000 over 6 purchases = 53333.33 ->
	# 533.33, days (2+1)/2 = 1.5 -> 2. Loyal G L: 230000/7 = 328.57, (30+90)/2.
	# Potential Loyalists D H: 47000/3 = 156.66 (truncated), (0+2)/2.
	# At Risk N Q: 105000 over the 5 PLN orders = 210.00 (the EUR purchase is
	# not an order of the currency the revenue is in), (200+400)/2.
	# Can't Lose M T: 290000/9 = 322.22, 250. Hibernating P S: 15000 over the
	# 2 PLN orders = 75.00, (150+300)/2 = 225. Prospects: no purchase up to now.
	run --separate-stderr crm-segment --rfm -S -o csv
	assert_success
	assert_eur_left_out 2
	assert_output - <<'EOF'
segment,customers,share,revenue,aov,days_since_purchase
Champions,2,10.0,3200.00,533.33,2
Loyal,2,10.0,2300.00,328.57,60
Potential Loyalists,2,10.0,470.00,156.66,1
New,1,5.0,50.00,50.00,0
Promising,1,5.0,200.00,200.00,60
Need Attention,1,5.0,600.00,300.00,120
About to Sleep,1,5.0,120.00,120.00,100
At Risk,2,10.0,1050.00,210.00,300
Can't Lose,2,10.0,2900.00,322.22,250
Hibernating,2,10.0,150.00,75.00,225
Prospects,4,20.0,0.00,,
EOF
}

@test "SEG038: -S share is rounded half up (1/16 = 6.25 -> 6.3); empty segments left out" {
	# The 16 buyers only (stage=customer): the same scores, no Prospects row.
	run --separate-stderr bash -c 'crm-find --where stage=customer | crm-segment --rfm -S'
	assert_success
	assert_output - <<'EOF'
segment,customers,share,revenue,aov,days_since_purchase
Champions,2,12.5,3200.00,533.33,2
Loyal,2,12.5,2300.00,328.57,60
Potential Loyalists,2,12.5,470.00,156.66,1
New,1,6.3,50.00,50.00,0
Promising,1,6.3,200.00,200.00,60
Need Attention,1,6.3,600.00,300.00,120
About to Sleep,1,6.3,120.00,120.00,100
At Risk,2,12.5,1050.00,210.00,300
Can't Lose,2,12.5,2900.00,322.22,250
Hibernating,2,12.5,150.00,75.00,225
EOF
}

@test "SEG039: -S for rules: the order of the file, then the default" {
	write_rules
	# Whales A G M: 690000 over 10 purchases, days (2+30+250)/3 = 94.
	# Regulars B: 20000/3 = 66.66. Lapsed N Q S T: 170000 over the 12 PLN
	# orders (one of the 13 purchases is in EUR) = 141.66, days 1150/4 =
	# 287.5 -> 288. Open W X: nothing up to now.
	# Occasional C D E H J K P: 144000 over the 8 PLN orders = 180.00, days
	# 432/7 = 61.7 -> 62.
	# Others L Y Z: 80000/4 = 200.00, days 90 (L only).
	run --separate-stderr crm-segment --rules rules.conf --default Others -S -o csv
	assert_success
	assert_eur_left_out 2
	assert_output - <<'EOF'
segment,customers,share,revenue,aov,days_since_purchase
Whales,3,15.0,6900.00,690.00,94
Regulars,1,5.0,200.00,66.66,1
Lapsed,4,20.0,1700.00,141.66,288
Open,2,10.0,0.00,,
Occasional,7,35.0,1440.00,180.00,62
Others,3,15.0,800.00,200.00,90
EOF
}

@test "SEG040: -S -o table adds an unnamed column of bars and thousands separators" {
	run --separate-stderr crm-segment --rfm -S -o table
	assert_success
	assert_line --index 0 --regexp '^ *segment +customers +share +revenue +aov +days_since_purchase *$'
	assert_line --regexp '^ *Champions .*3,200\.00 .*█'
	assert_line --regexp "^ *Can't Lose .*2,900\\.00"
	run --separate-stderr crm-segment --rfm -S -o csv
	refute_output --partial █
}

@test "SEG041: -S from a JSON Lines stream is still CSV in a pipe" {
	run --separate-stderr bash -c 'crm-find -o jsonl --where stage=prospect | crm-segment --rfm -S'
	assert_success
	assert_output - <<'EOF'
segment,customers,share,revenue,aov,days_since_purchase
Prospects,2,100.0,0.00,,
EOF
}

# --- exit statuses and errors -----------------------------------------------------

@test "SEG042: an empty input exits 1" {
	run --separate-stderr bash -c 'crm-find --where country=XX | crm-segment --rfm'
	assert_failure 1
	echo "$HEADER" >customers.csv
	run --separate-stderr crm-segment --rfm -o csv
	assert_failure 1
}

@test "SEG043: an unknown option or format is an error" {
	run --separate-stderr crm-segment --rfm --bogus
	assert_failure 2
	assert_output ""
	run --separate-stderr crm-segment --rfm -o xml
	assert_failure 2
	assert_output ""
}

@test "SEG044: --rules, --rfm and --lifecycle together, with LC_ALL=C" {
	write_rules
	run --separate-stderr env LC_ALL=C bash -c 'crm-segment --rules rules.conf --rfm --lifecycle | crm-find -f id,rfm_segment,lifecycle,segment -o csv --where "id=01jz00000004a or id=01jz00000000z or id=01jz00000001w or id=01jz00000003t"'
	assert_success
	# A: first contact a purchase 25 days ago -> new. W: first contact 40
	# days ago, last 10 -> active. Q: first 2025-08-29, last a call yesterday
	# -> active. Z: only a task -> never contacted.
	assert_output - <<'EOF'
id,rfm_segment,lifecycle,segment
01jz00000004a,Champions,new,Whales
01jz00000001w,Prospects,active,Open
01jz00000003t,At Risk,active,Lapsed
01jz00000000z,Prospects,,
EOF
}

# --- "now" given explicitly -------------------------------------------------------

@test "SEG045: --as-of at the instant of CRM_NOW, or 'now', gives the same scores as the default" {
	run --separate-stderr bash -c 'crm-segment --rfm --as-of 2026-11-22T10:00:00Z | crm-find -f id,r,f,m,rfm,segment -o csv'
	assert_success
	assert_output "$RFM_ALL"
	run --separate-stderr bash -c 'crm-segment --rfm --as-of now | crm-find -f id,r,f,m,rfm,segment -o csv'
	assert_success
	assert_output "$RFM_ALL"
}

@test "SEG046: -S share rounded half up, with --as-of now" {
	run --separate-stderr bash -c 'crm-find --where stage=customer | crm-segment --rfm -S --as-of now | grep -E "^(New|Promising|Champions),"'
	assert_success
	assert_output - <<'EOF'
Champions,2,12.5,3200.00,533.33,2
New,1,6.3,50.00,50.00,0
Promising,1,6.3,200.00,200.00,60
EOF
}

@test "SEG047: --lifecycle ignores contacts after now" {
	lifecycle_fixture
	# 16: calls on 2025-01-01 and 2026-05-01 (205 days ago), a meeting on
	# 2026-12-01 -> lapsed. 17: only a meeting on 2026-12-01 -> not
	# contacted yet.
	echo "0hf0000000016,Klient 16,k16@example.pl,,,PL,,,,customer,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z" >>customers.csv
	echo "0hf0000000017,Klient 17,k17@example.pl,,,PL,,,,customer,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z" >>customers.csv
	cat >>interactions.jsonl <<'EOF'
{"id":"0ev0000000123","ts":"2025-01-01T10:00:00Z","customer":"0hf0000000016","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000124","ts":"2026-05-01T10:00:00Z","customer":"0hf0000000016","type":"call","channel":"phone","by":"tester"}
{"id":"0ev0000000125","ts":"2026-12-01T10:00:00Z","customer":"0hf0000000016","type":"meeting","channel":"meeting","by":"tester"}
{"id":"0ev0000000126","ts":"2026-12-01T10:00:00Z","customer":"0hf0000000017","type":"meeting","channel":"meeting","by":"tester"}
EOF
	run --separate-stderr bash -c 'crm-segment --lifecycle | crm-find -f id,lifecycle -o csv --where "id>0hf0000000015"'
	assert_success
	assert_output - <<'EOF'
id,lifecycle
0hf0000000016,lapsed
0hf0000000017,
EOF
}

# --- --predict ---------------------------------------------------------------------

load predict-fixture

# The fixture's parameters and predictions (a year ahead, not discounted).
PARAMS='model,parameter,value,unit
bgnbd,r,0.878099,
bgnbd,alpha,40.2331,days
bgnbd,a,0.815914,
bgnbd,b,3.20755,
bgnbd,log_likelihood,-376.69,
bgnbd,customers,27,
bgnbd,repeat_buyers,20,
gamma_gamma,p,1.78392,
gamma_gamma,q,1.76611,
gamma_gamma,gamma,66.6591,PLN
gamma_gamma,log_likelihood,-104.24,
gamma_gamma,customers,18,'
PREDICTED='id,p_alive,exp_purchases,exp_revenue
0pr000000000a,0.924,9.161,929.89
0pr000000000b,0.925,7.169,254.42
0pr000000000c,0.107,0.341,69.35
0pr000000000d,0.022,0.070,3.18
0pr000000000e,0.783,3.262,431.97
0pr000000000f,0.190,0.326,19.77
0pr000000000g,1.000,0.846,131.30
0pr000000000h,0.899,7.865,1185.77
0pr000000000j,0.349,0.643,209.79
0pr000000000k,1.000,0.923,143.28
0pr000000000m,0.056,0.216,10.83
0pr000000000n,0.760,2.307,224.75
0pr000000000p,1.000,1.016,157.73
0pr000000000q,0.307,0.997,64.29
0pr000000000r,0.898,10.641,4149.20
0pr000000000s,1.000,1.178,182.85
0pr000000000t,0.520,1.291,73.72
0pr000000000v,0.305,1.219,249.30
0pr000000000w,1.000,1.417,219.91
0pr000000000x,0.855,5.241,552.70
0pr000000000y,1.000,1.828,283.78
0pr000000000z,0.685,2.813,721.65
0pr000000001d,0.022,0.070,3.18
0pr000000001m,0.056,0.216,10.83
0pr000000001t,0.520,1.291,200.31
0pr000000002t,0.520,1.291,200.31
0pr000000001k,1.000,0.923,143.28
0pr000000001y,,,
0pr000000003z,,,'

# The figures of the table above, for the checks by formula: id x t_x T nm m.
FIGURES='0a 12 311 321 12 99.5833333
0b 9 312 316 9 29.7777778
0c 3 87 314 3 210
0d 3 40 306 3 30
0e 4 245 292 4 130
0f 1 32 284 1 20
0g 0 0 278 0 0
0h 9 252 265 9 150.555556
0j 1 63 258 1 400
0k 0 0 247 0 0
0m 3 42 235 3 35
0n 2 183 224 2 85
0p 0 0 216 0 0
0q 2 63 202 2 45
0r 10 179 190 10 400
0s 0 0 174 0 0
0t 1 63 165 1 15
0v 2 38 144 2 215
0w 0 0 130 0 0
0x 3 106 109 3 98.3333333
0y 0 0 82 0 0
0z 1 35 63 1 300
1d 3 40 306 3 30
1m 3 42 235 3 35
1t 1 63 165 0 0
2t 1 63 165 0 0
1k 0 0 247 0 0'

# What crm-segment says of 1t's purchase in EUR, for which crm.conf has no rate.
NO_EUR_RATE='crm-segment: left out 1 event in EUR: no exchange rate to PLN (crm.conf: rate.EUR = how much PLN one EUR is worth)'

@test "SEG048: --params: the fitted parameters, one a row, CSV in a pipe" {
	predict_fixture
	run --separate-stderr crm-segment --params
	assert_success
	assert_equal "$stderr" "$NO_EUR_RATE"
	assert_output "$PARAMS"
}

@test "SEG049: --predict adds p_alive, exp_purchases and exp_revenue; empty for who bought nothing up to now" {
	predict_fixture
	run --separate-stderr bash -c 'crm-segment --predict | crm-find -f id,p_alive,exp_purchases,exp_revenue -o csv'
	assert_success
	assert_equal "$stderr" "$NO_EUR_RATE"
	assert_output "$PREDICTED"
	# once, also when the RFM figures count the same amount
	run --separate-stderr crm-segment --predict --rfm
	assert_equal "$stderr" "$NO_EUR_RATE"
	# the columns come last, after those of the input
	run --separate-stderr bash -c 'crm-segment --predict | head -1'
	assert_output "$HEADER,p_alive,exp_purchases,exp_revenue"
}

@test "SEG050: p_alive is 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) of the figures counted by hand" {
	# 0d by hand: a/(b+2) = 0.815914/5.20755 = 0.15668; (40.2331+306) /
	# (40.2331+40) = 4.31532, to the power 3.878099: 290.18; 1 / (1 +
	# 0.15668 * 290.18) = 1/46.466 = 0.0215 -> 0.022.
	predict_fixture
	crm-segment --params >params.csv
	crm-segment --predict | crm-find -f id,p_alive -o csv >out.csv
	run awk -F'[ ,]' -v figures="$FIGURES" '
		FILENAME == "params.csv" { v[$2] = $3; next }
		FNR == 1 { next }
		{ got[substr($1, 12)] = $2 }
		END {
			n = split(figures, line, "\n")
			for (i = 1; i <= n; i++) {
				split(line[i], f, " ")
				p = f[2] == 0 ? 1 : 1 / (1 + v["a"] / (v["b"] + f[2] - 1) * ((v["alpha"] + f[4]) / (v["alpha"] + f[3])) ^ (v["r"] + f[2]))
				if (sprintf("%.3f", p) != got[f[1]])
					print f[1] ": " got[f[1]] ", by the formula " p
				checked++
			}
			print checked " checked"
		}' params.csv out.csv
	assert_success
	assert_output "27 checked"
}

@test "SEG051: exp_revenue is exp_purchases times the Gamma-Gamma value p (gamma + nm m) / (p nm + q - 1)" {
	# 0t: nm 1, m 15: 1.78392 (66.6591 + 15) / (1.78392 + 0.76611) = 57.14,
	# times 1.291 = 73.7. 1t, whose repeat purchase is in EUR, and 2t, whose
	# is unpriced, get the population's p gamma / (q - 1) = 155.22 instead:
	# 200.3.
	predict_fixture
	crm-segment --params >params.csv
	crm-segment --predict | crm-find -f id,exp_purchases,exp_revenue -o csv >out.csv
	run awk -F'[ ,]' -v figures="$FIGURES" '
		FILENAME == "params.csv" { v[$2] = $3; next }
		FNR == 1 { next }
		{ e[substr($1, 12)] = $2; rev[substr($1, 12)] = $3 }
		END {
			n = split(figures, line, "\n")
			for (i = 1; i <= n; i++) {
				split(line[i], f, " ")
				value = f[5] == 0 ? v["p"] * v["gamma"] / (v["q"] - 1) : v["p"] * (v["gamma"] + f[5] * f[6]) / (v["p"] * f[5] + v["q"] - 1)
				want = e[f[1]] * value
				# exp_purchases is rounded to 3 decimals, exp_revenue to 2
				if (rev[f[1]] - want > 0.0005 * value + 0.005 || want - rev[f[1]] > 0.0005 * value + 0.005)
					print f[1] ": " rev[f[1]] ", by the formula " want
				checked++
			}
			print checked " checked"
		}' params.csv out.csv
	assert_success
	assert_output "27 checked"
}

@test "SEG052: purchases count once a day, refunds in proportion, other currencies unpriced, later events not at all" {
	predict_fixture
	run --separate-stderr bash -c 'crm-segment --predict | crm-find -f id,p_alive,exp_purchases,exp_revenue -o csv --where "id~/^0pr00000000.[dmtk]$/"'
	assert_success
	# 1d (two purchases on 02-01) is 0d, 1m (twice the amounts, half
	# refunded) is 0m, 1k (and a purchase after now) is 0k; 1t and 2t are
	# 0t but for the value of their repeat purchase
	assert_output - <<'EOF'
id,p_alive,exp_purchases,exp_revenue
0pr000000000d,0.022,0.070,3.18
0pr000000000k,1.000,0.923,143.28
0pr000000000m,0.056,0.216,10.83
0pr000000000t,0.520,1.291,73.72
0pr000000001d,0.022,0.070,3.18
0pr000000001m,0.056,0.216,10.83
0pr000000001t,0.520,1.291,200.31
0pr000000002t,0.520,1.291,200.31
0pr000000001k,1.000,0.923,143.28
EOF
}

@test "SEG053: the models are fitted to every buyer of the history, whatever customers the stream holds" {
	predict_fixture
	run --separate-stderr bash -c 'crm-find --where "id=0pr000000000d or id=0pr000000003z" | crm-segment --predict | crm-find -f id,p_alive,exp_purchases,exp_revenue -o csv'
	assert_success
	assert_output - <<'EOF'
id,p_alive,exp_purchases,exp_revenue
0pr000000000d,0.022,0.070,3.18
0pr000000003z,,,
EOF
	# a JSON Lines stream stays JSON Lines, the predictions numbers or null
	run --separate-stderr bash -c 'crm-find -o jsonl --where "id=0pr000000000a or id=0pr000000003z" | crm-segment --predict | jq -c "[.id, .p_alive, .exp_purchases, .exp_revenue]"'
	assert_success
	assert_output - <<'EOF'
["0pr000000000a",0.924,9.161,929.89]
["0pr000000003z",null,null,null]
EOF
}

@test "SEG054: --horizon: 2y, 24m, 730d and 730 are the same; only the expectations change" {
	predict_fixture
	crm-segment --predict --horizon 2y | crm-find -f id,p_alive,exp_purchases,exp_revenue -o csv >2y.csv
	for h in 24m 730d 730; do
		crm-segment --predict --horizon $h | crm-find -f id,p_alive,exp_purchases,exp_revenue -o csv >h.csv
		assert_same_file 2y.csv h.csv
	done
	run sed -n '2p;5p;30p' 2y.csv
	assert_output - <<'EOF'
0pr000000000a,0.924,15.295,1552.51
0pr000000000d,0.022,0.119,5.42
0pr000000003z,,,
EOF
	# a week of 0a: about its rate while alive, (r+x)/(alpha+T) = 12.878/361.2
	# a day, times 7 and P(alive): 0.231, a little less as it may leave
	run --separate-stderr bash -c 'crm-segment --predict --horizon 1w | crm-find -f exp_purchases -o csv --where id=0pr000000000a'
	assert_output "exp_purchases
0.229"
}

@test "SEG055: --discount RATE takes exp_revenue back to today's money, a twelfth of a year at a time" {
	predict_fixture
	crm-segment --predict --discount 10% | crm-find -f id,p_alive,exp_purchases,exp_revenue -o csv >d.csv
	crm-segment --predict --discount 0.1 | crm-find -f id,p_alive,exp_purchases,exp_revenue -o csv >d2.csv
	assert_same_file d.csv d2.csv
	# p_alive and exp_purchases as without; exp_revenue less, by a factor
	# between 1/1.1 (all bought at the end of the year) and 1
	run awk -F, -v plain="$PREDICTED" '
		BEGIN { n = split(plain, l, "\n"); for (i = 2; i <= n; i++) { split(l[i], f, ","); p[f[1]] = f[2] "," f[3]; r[f[1]] = f[4] } }
		NR > 1 && $4 != "" {
			if ($2 "," $3 != p[$1] || $4 > r[$1] || $4 < r[$1] / 1.1) print $0 " against " p[$1] "," r[$1]
			k++
		}
		END { print k " checked" }' d.csv
	assert_output "27 checked"
	run sed -n '2p;9p' d.csv
	assert_output - <<'EOF'
0pr000000000a,0.924,9.161,890.51
0pr000000000h,0.899,7.865,1135.99
EOF
}

@test "SEG056: bad --horizon and --discount values, and options that do not go together" {
	predict_fixture
	run --separate-stderr crm-segment --predict --horizon 0d
	assert_failure 2
	assert_equal "$stderr" "crm-segment: --horizon: '0d' is not a duration (such as 365d, 26w, 6m or 2y, up to a century)"
	run --separate-stderr crm-segment --predict --horizon 3x
	assert_failure 2
	run --separate-stderr crm-segment --predict --horizon 101y
	assert_failure 2
	run --separate-stderr crm-segment --predict --discount -5%
	assert_failure 2
	assert_equal "$stderr" "crm-segment: --discount: '-5%' is not a yearly rate (such as 0.1 or 10%)"
	run --separate-stderr crm-segment --predict --discount 10
	assert_failure 2
	run --separate-stderr crm-segment --rfm --horizon 30d
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "crm-segment: --horizon and --discount go with --predict"
	run --separate-stderr crm-segment --predict -S
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "crm-segment: --predict adds columns to the customers; it does not go with -S"
	run --separate-stderr crm-segment --params --rfm
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "crm-segment: --params prints the parameters alone (give only --as-of with it)"
	assert_output ""
}

@test "SEG057: rules may use the predictions of the same run" {
	predict_fixture
	cat >rules.conf <<'EOF'
Slipping: p_alive<0.3 and purchases>=3
Valuable: exp_revenue>=1000
EOF
	run --separate-stderr bash -c 'crm-segment --predict --rules rules.conf --default Other | crm-find -f id,segment -o csv --where "segment!=Other"'
	assert_success
	assert_output - <<'EOF'
id,segment
0pr000000000c,Slipping
0pr000000000d,Slipping
0pr000000000h,Valuable
0pr000000000m,Slipping
0pr000000000r,Valuable
0pr000000001d,Slipping
0pr000000001m,Slipping
EOF
}

@test "SEG058: too few repeat buyers, or a fit with no maximum, is an error and writes nothing" {
	predict_fixture
	# by 2026-03-01: 8 buyers, a b c d and 1d came back
	run --separate-stderr crm-segment --predict --as-of 2026-03-01
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-segment: too few repeat buyers to fit BG/NBD: 5 of 8 customers bought more than once, at least 10 are needed"
	: >interactions.jsonl
	run --separate-stderr crm-segment --params
	assert_failure 2
	assert_equal "$stderr" "crm-segment: too few repeat buyers to fit BG/NBD: 0 of 0 customers bought more than once, at least 10 are needed"
	# acme of the other tests: 11 came back, nobody seems to have left
	cd .. && rm -rf acme && local_setup
	run --separate-stderr crm-segment --predict
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-segment: the BG/NBD fit does not converge: the likelihood grows as b runs off to infinity"
}

@test "SEG059: --as-of: the figures up to that day; the instant of CRM_NOW is the default" {
	predict_fixture
	run --separate-stderr crm-segment --params --as-of 2026-11-22T10:00:00Z
	assert_output "$PARAMS"
	# up to 2026-10-31: 0x's 11-19 and the others' November purchases do not count
	run --separate-stderr bash -c 'crm-segment --params --as-of 2026-10-31 | sed -n "7,8p"'
	assert_output - <<'EOF'
bgnbd,customers,27,
bgnbd,repeat_buyers,20,
EOF
	run --separate-stderr bash -c 'crm-segment --predict --as-of 2026-10-31 | crm-find -f id,p_alive -o csv --where id=0pr000000000x'
	assert_output "id,p_alive
0pr000000000x,0.784"
}

@test "SEG060: the CDNOW sample gives the figures of the BG/NBD and Gamma-Gamma papers" {
	# The 6,919 purchases of the 2,357 customers of the CDNOW sample
	# (Fader & Hardie), 39 weeks of calibration from 1997-01-01: r = 0.243,
	# alpha = 4.414 a week, a = 0.793, b = 2.426, log-likelihood -9582.4 (in
	# weeks: the days' less 2457 repeat purchases times ln 7); p = 6.25,
	# q = 3.74, gamma = 15.44. Customer 1 is the paper's example: 2 repeat
	# purchases, the last at week 30.43 of 38.86, 1.226 expected in 39 weeks.
	printf 'currency = USD\n' >crm.conf
	echo "$HEADER" >customers.csv
	tr -d '\r' <"$TOP/tests/data/cdnow/CDNOW_sample.txt" | awk '
		!seen[$2]++ { printf "%013d,Customer %d,,,,US,,,,customer,,1997-01-01T00:00:00Z,1997-01-01T00:00:00Z\n", $2, $2 >>"customers.csv" }
		{ printf "{\"id\":\"%013d\",\"ts\":\"%s-%s-%sT12:00:00Z\",\"customer\":\"%013d\",\"type\":\"purchase\",\"channel\":\"shop\",\"amount\":%d,\"currency\":\"USD\"}\n", NR, substr($3, 1, 4), substr($3, 5, 2), substr($3, 7, 2), $2, $5 * 100 + 0.5 }' >interactions.jsonl
	run --separate-stderr bash -c 'crm-segment --params --as-of 1997-09-30 | awk -F, "
		\$1 == \"bgnbd\" && \$2 == \"alpha\" { \$3 /= 7 }
		\$1 == \"bgnbd\" && \$2 == \"log_likelihood\" { \$3 += 2457 * log(7); printf \"%s %.1f\n\", \$2, \$3; next }
		\$2 ~ /^[rab]\$/ || \$2 == \"alpha\" { printf \"%s %.3f\n\", \$2, \$3; next }
		\$2 ~ /^(p|q|gamma)\$/ { printf \"%s %.2f\n\", \$2, \$3; next }
		NR > 1 { print \$2, \$3 }"'
	assert_success
	assert_output - <<'EOF'
r 0.243
alpha 4.414
a 0.793
b 2.426
log_likelihood -9582.4
customers 2357
repeat_buyers 946
p 6.25
q 3.74
gamma 15.44
log_likelihood -4055.92
customers 946
EOF
	run --separate-stderr bash -c 'crm-find --where id=0000000000001 | crm-segment --predict --as-of 1997-09-30 --horizon 39w | crm-find -f exp_purchases -o csv'
	assert_output "exp_purchases
1.226"
}

@test "SEG061: customers simulated from known parameters get them back" {
	# build/tests/predictcheck emit: 10,000 customers whose first purchase
	# falls in 2025, observed to its end, buying by BG/NBD with r = 0.5,
	# alpha = 40 days, a = 0.8, b = 2.5, and spending by Gamma-Gamma with
	# p = 6, q = 4, gamma = 40 EUR. Recovered through the history (whole
	# days, values in cents): r and alpha within 10%, a and b within 20%,
	# p, q and gamma within 10%.
	[[ -x $TOP/build/tests/predictcheck ]] || skip "build/tests/predictcheck is not built (make check builds it)"
	echo "$HEADER" >customers.csv
	: >interactions.jsonl
	printf 'currency = EUR\n' >crm.conf
	"$TOP/build/tests/predictcheck" emit .
	run --separate-stderr bash -c 'crm-segment --params --as-of 2025-12-31 | awk -F, "
		BEGIN { want[\"r\"] = 0.5; want[\"alpha\"] = 40; want[\"a\"] = 0.8; want[\"b\"] = 2.5
			want[\"p\"] = 6; want[\"q\"] = 4; want[\"gamma\"] = 40
			tol[\"a\"] = tol[\"b\"] = 0.2 }
		\$2 in want {
			t = \$2 in tol ? tol[\$2] : 0.1
			d = (\$3 - want[\$2]) / want[\$2]
			print \$2, (d <= t && d >= -t ? \"ok\" : \"off: \" \$3)
		}
		\$2 == \"customers\" { print \$1, \$2, \$3 }"'
	assert_success
	assert_output - <<'EOF'
r ok
alpha ok
a ok
b ok
bgnbd customers 10000
p ok
q ok
gamma ok
gamma_gamma customers 5180
EOF
}

@test "SEG062: a bad line of the history is reported once and skipped; with --strict it is an error" {
	predict_fixture
	echo '{"id":"0ev9999999999","ts":"2026-05-01T10:00:00Z","customer":"0pr000000000a","type":"purchase",' >>interactions.jsonl
	run --separate-stderr bash -c 'crm-segment --predict | crm-find -f id,p_alive,exp_purchases,exp_revenue -o csv'
	assert_success
	assert_output "$PREDICTED"
	assert_equal "$stderr" "crm-segment: interactions.jsonl:106: string or '}' expected near end of file
$NO_EUR_RATE"
	run --separate-stderr crm-segment --predict --strict
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-segment: interactions.jsonl:106: string or '}' expected near end of file"
}

@test "SEG063: --predict converts amounts in other currencies with the rates of crm.conf, and takes --currency" {
	predict_fixture
	# 1t's repeat purchase of 15 EUR is 64.50 PLN: no longer unknown, its
	# value is 1t's own, and the spend fit has one more customer. It gives
	# p = 2.37891, q = 1.71842, gamma = 46.3839, so 1t is worth 2.37891 *
	# (46.3839 + 64.50) / (2.37891 + 0.71842) = 85.17 a purchase, times
	# 1.291: 109.9.
	printf 'rate.EUR = 4.30\n' >>crm.conf
	run --separate-stderr bash -c 'crm-segment --predict | crm-find -f id,p_alive,exp_purchases,exp_revenue -o csv --where "id~/^0pr00000000.t$/"'
	assert_success
	assert_equal "$stderr" ""
	assert_output - <<'EOF'
id,p_alive,exp_purchases,exp_revenue
0pr000000000t,0.520,1.291,60.84
0pr000000001t,0.520,1.291,109.91
0pr000000002t,0.520,1.291,198.21
EOF
	run --separate-stderr bash -c 'crm-segment --params | grep "^gamma_gamma,customers,"'
	assert_output "gamma_gamma,customers,19,"
	# in EUR: the amounts over 4.30, to the cent, so gamma and the values
	# about 4.30 times less (109.91 / 4.30 = 25.56)
	run --separate-stderr bash -c 'crm-segment --params --currency EUR | grep "^gamma_gamma,gamma,"'
	assert_output "gamma_gamma,gamma,10.7823,EUR"
	run --separate-stderr bash -c 'crm-segment --predict --currency EUR | crm-find -f id,exp_revenue -o csv --where id=0pr000000001t'
	assert_output "id,exp_revenue
0pr000000001t,25.56"
}

# --- deep and runaway rules ---------------------------------------------------

# Print a rule line "$1: " and then $2 copies of $3, $4, and $2 copies of $5.
rule_line() {
	awk -v name="$1" -v n="$2" -v a="$3" -v mid="$4" -v b="$5" 'BEGIN {
		printf "%s: ", name
		for (i = 0; i < n; i++) printf "%s", a
		printf "%s", mid
		for (i = 0; i < n; i++) printf "%s", b
		printf "\n"
	}'
}

@test "SEG064: 40,000 nested brackets or 60,000 nots in segments.conf are an error with line and column, not a crash" {
	{ echo 'Whales: revenue>=1500'; rule_line Deep 40000 '(' 'stage=lead' ')'; } >segments.conf
	run --separate-stderr crm-segment
	assert_failure 2
	assert_output ""
	# "Deep: " then 256 brackets: the 257th is character 263
	assert_equal "$stderr" "crm-segment: segments.conf:2:263: too deeply nested (more than 256 brackets and nots)"
	{ echo 'Whales: revenue>=1500'; echo; rule_line Nots 60000 'not ' 'stage' ''; } >segments.conf
	run --separate-stderr crm-segment
	assert_failure 2
	assert_equal "$stderr" "crm-segment: segments.conf:3:1031: too deeply nested (more than 256 brackets and nots)"
	# 256 of them are fine, and segment as the plain rules do
	{ rule_line Deep 256 '(' 'revenue>=1500' ')'; rule_line Nots 256 'not ' 'stage=customer' ''; } >segments.conf
	run --separate-stderr crm-segment -o csv
	assert_success
	deep=$output
	printf 'Deep: revenue>=1500\nNots: stage=customer\n' >segments.conf
	run --separate-stderr crm-segment -o csv
	assert_equal "$deep" "$output"
	run grep -c ',Deep$' <<<"$deep"
	assert_output 3
}

@test "SEG065: a flat chain of 200,000 tests is too long; one of 50,000 is evaluated, without recursion" {
	awk 'BEGIN { printf "Flat: "; for (i = 1; i < 200000; i++) printf "stage=lead and "; print "stage=lead" }' >segments.conf
	run --separate-stderr crm-segment
	assert_failure 2
	assert_output ""
	# "Flat: " then 100,000 tests of 15 characters ("stage=lead and ")
	assert_equal "$stderr" "crm-segment: segments.conf:1:1500007: too long (more than 100000 tests)"
	awk 'BEGIN { printf "Flat: "; for (i = 1; i < 50000; i++) printf "stage=lead or "; print "stage=prospect" }' >segments.conf
	run --separate-stderr bash -c 'crm-segment | crm-find -f id,segment -o csv --where segment'
	assert_success
	assert_output "id,segment
01jz00000001w,Flat
01jz00000007y,Flat
01jz00000004x,Flat
01jz00000000z,Flat"
}

@test "SEG066: a rule whose regular expression gives up is an error naming the customer, the rule and its line" {
	printf '01jz00000008a,%s!,run@example.pl,,,PL,,,,lead,,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z\n' \
		"$(printf 'a%.0s' {1..40})" >>customers.csv
	printf 'Whales: revenue>=1500\nOdd: not name~/!|(a+)+$/\n' >segments.conf
	run --separate-stderr crm-segment -o csv
	assert_failure 2
	refute_output --partial 01jz00000008a
	# (after the warning about the amounts in EUR, which have no rate here)
	assert_regex "${stderr##*$'\n'}" '^crm-segment: customers\.csv:22: customer 01jz00000008a: segments\.conf:2: rule '"'Odd'"': name~/!\|\(a\+\)\+\$/: the regular expression gave up: (match limit exceeded|JIT stack limit reached)$'
}

@test "SEG067: --as-of past 9999-12-31 is an error" {
	run --separate-stderr crm-segment --rfm --as-of +9000y
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-segment: --as-of: '+9000y' falls outside the years 0000 to 9999"
}

@test "SEG068: -S and --rfm give the same from the file, a file on standard input and a pipe (held whole)" {
	run --separate-stderr crm-segment --rfm -S -o csv
	assert_success
	local want=$output
	run --separate-stderr bash -c 'crm-segment --rfm -S -o csv < customers.csv'
	assert_success
	assert_equal "$output" "$want"
	run --separate-stderr bash -c 'cat customers.csv | crm-segment --rfm -S -o csv'
	assert_success
	assert_equal "$output" "$want"
	run --separate-stderr crm-segment --rfm -o csv
	want=$output
	assert_equal "${#lines[@]}" 21
	run --separate-stderr bash -c 'cat customers.csv | crm-segment --rfm -o csv'
	assert_success
	assert_equal "$output" "$want"
	# a file on standard input is read twice from where it stood, not from its end
	run --separate-stderr bash -c 'crm-segment --rfm -o csv < customers.csv'
	assert_success
	assert_equal "$output" "$want"
}

@test "SEG069: the rows the second pass writes as their bytes are those of the parsed rows: quotes, short rows, CR LF, blank lines" {
	# K's company quoted with a comma, C's name quoted without need, T's
	# row short of its last four fields, H's line ending in CR LF, a blank
	# line after Q: the file is read by the fast passes, the pipe is held
	# whole and every row parsed
	sed -i -e 's/,Żółć Sp. z o.o.,/,"Żółć, Sp. z o.o.",/' \
		-e 's/,Zofia Wójcik,/,"Zofia Wójcik",/' \
		-e 's/^\(01jz00000005e,.*,София\),,,customer,.*$/\1,/' \
		-e '/^01jz00000002h,/s/$/\r/' \
		-e '/^01jz00000003t,/a\\' customers.csv
	# W, who bought nothing, had a refund: figures, but no buyer
	echo '{"id":"0ev0000000099","ts":"2026-11-01T10:00:00Z","customer":"01jz00000001w","type":"refund","channel":"shop","by":"tester","amount":700,"currency":"PLN"}' >>interactions.jsonl
	run -0 --separate-stderr crm-segment --rfm -o csv
	local want
	want=$(cat customers.csv | crm-segment --rfm -o csv 2>/dev/null)
	assert_equal "$output" "$want"
	assert_equal "${#lines[@]}" 21
	assert_line --index 2 '01jz00000004a,Łukasz Żółć,lukasz@example.pl,+48 600 100 200,"Żółć, Sp. z o.o.",PL,Kraków,vip,tester,customer,opt-in,2025-01-14T09:00:00Z,2025-01-14T09:00:00Z,5,5,5,555,Champions'
	assert_line --index 3 '01jz00000005e,Мария Георгиева,maria@example.bg,,,BG,София,,,,,,,1,5,4,154,Can'"'"'t Lose'
	assert_line --index 5 '01jz000000005,Zofia Wójcik,zofia@example.pl,,,PL,Poznań,,,customer,,2026-11-01T09:00:00Z,2026-11-01T09:00:00Z,5,1,1,511,New'
	assert_line --index 7 '01jz00000002h,Hans Becker,hans@example.de,,,DE,Berlin,,,customer,,2025-04-01T09:00:00Z,2025-04-01T09:00:00Z,4,3,3,433,Potential Loyalists'
	assert_line --index 8 '01jz00000007y,Ewa Kamińska,ewa@example.pl,,,PL,Łódź,,,lead,,2026-11-20T09:00:00Z,2026-11-20T09:00:00Z,,,,,Prospects'
	run -0 --separate-stderr crm-segment --rfm -S --only Prospects -o csv
	assert_output 'segment,customers,share,revenue,aov,days_since_purchase
Prospects,4,100.0,-7.00,,'
	# the other formats, --only, and a column the output overwrites in
	# place take the parsed rows: the same again
	for args in '-o jsonl' '-o tsv' '--only Champions --only New' '--only Prospects -o csv' \
		'-S -o csv' '-S --only Prospects -o csv' '-S --only Loyal -o csv' '--safe-csv -o csv'; do
		run -0 --separate-stderr crm-segment --rfm $args
		want=$(cat customers.csv | crm-segment --rfm $args 2>/dev/null)
		assert_equal "$output" "$want"
	done
	# spreadsheet-safe CSV is not the rows' bytes: a phone starting with +
	sed -i 's/^\(01jz00000001m,Anna Kowalska,anna@example.pl\),,/\1,+48 111 222 333,/' customers.csv
	run -0 --separate-stderr crm-segment --rfm --safe-csv -o csv
	assert_line --index 1 "01jz00000001m,Anna Kowalska,anna@example.pl,'+48 111 222 333,,PL,Warszawa,,tester,customer,opt-in,2025-01-10T09:00:00Z,2025-01-10T09:00:00Z,3,2,2,322,About to Sleep"
	assert_line --index 2 "01jz00000004a,Łukasz Żółć,lukasz@example.pl,'+48 600 100 200,\"Żółć, Sp. z o.o.\",PL,Kraków,vip,tester,customer,opt-in,2025-01-14T09:00:00Z,2025-01-14T09:00:00Z,5,5,5,555,Champions"
	sed -i '1s/,updated$/,segment/' customers.csv
	run -0 --separate-stderr crm-segment --rfm -o csv
	want=$(cat customers.csv | crm-segment --rfm -o csv 2>/dev/null)
	assert_equal "$output" "$want"
	assert_line --index 0 'id,name,email,phone,company,country,city,tags,owner,stage,consent,created,segment,r,f,m,rfm'
	assert_line --index 1 '01jz00000001m,Anna Kowalska,anna@example.pl,+48 111 222 333,,PL,Warszawa,,tester,customer,opt-in,2025-01-10T09:00:00Z,About to Sleep,3,2,2,322'
}
