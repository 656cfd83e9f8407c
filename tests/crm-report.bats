#!/usr/bin/env bats
# crm-report: every report (activity, revenue, top, segments, pipeline,
# campaigns, satisfaction, followups, cohorts, owners, summary) on a small
# hand-made directory whose every figure is worked out below; periods (day,
# week, month, quarter, year; empty ones filled), --since/--until (inclusive,
# a bare date to the end of its day, relative forms), --group by a customer
# column or an event field, scoping by a customer stream on stdin, money with
# the currency's digits, the output formats (csv, tsv, md, json, table, html)
# and the exit statuses.

bats_require_minimum_version 1.5.0
load helper

# The directory "acme". CRM_NOW is 2026-11-22T10:00:00Z (a Sunday; its week
# starts on Monday 2026-11-16). crm.conf: currency PLN, touch_days 60.
#
#   c1 01kaaaaaaaaa1 Anna Nowak      PL alice customer opt-in  created 2026-01-05
#   c2 01kaaaaaaaaa2 Jan Dvořák      CZ bob   customer opt-in  created 2026-03-10
#   c3 01kaaaaaaaaa3 Мария Петрова   BG alice customer opt-out created 2026-08-20
#   c4 01kaaaaaaaaa4 Klaus Weber     DE (none) prospect (unknown) created 2026-10-01, touch 30
#   c5 01kaaaaaaaaa5 Eva Svobodová   CZ bob   lead     (unknown) created 2026-11-20, no history
#   c6 01kaaaaaaaaa6 Ola Lis         PL alice customer opt-in  created 2026-02-01
#
# The history (all times 09:00Z unless shown; 46 lines: 38 contacts, 7 tasks,
# 1 done). No event in August.
#
#   07-01      c2 deal D6 new 100.00 PLN p10          07-20 10:00 D6 won (100.00 PLN p100)
#   07-03      c1 purchase 100.00 PLN                 07-10 c2 purchase 50.00 EUR
#   07-15      c1 call phone out                      07-20 c2 survey rating 5 score 10
#   09-01 08:00 c6 note (c6's last contact: 82 days 2 hours before now)
#   09-01      mail "autumn": c1 sent, c2 sent, c3 failed; c2 call phone in (same second)
#   09-01      c3 deal D3 new 500.00 PLN p10          11-10 D3 won (500.00 PLN p100)
#   09-05      c1 purchase 250.50 PLN   09-10 c3 purchase 79.99 PLN   09-12 c1 refund 50.50 PLN
#   09-20      c2 email in (19 days after "autumn")   09-25 c3 survey rating 3 score 6
#   10-01      c1 deal D1 new 1000.00 PLN p10 close 12-15
#              11-02 D1 proposal 1200.00 PLN p50 close 12-15
#   10-02      c4 meeting out
#   10-03      c4 deal D4 qualified 300.00 PLN p25 close 12-20    10-20 D4 lost (300.00 PLN p0)
#   10-05      c2 deal D2 qualified 123.45 EUR p50 close 2027-01-10
#   10-06      c1 purchase 123.45 PLN; c2 purchase 70.00 EUR      10-07 c2 refund 20.00 EUR
#   10-08      c1 survey 4/9   10-09 c2 survey 4/3   10-10 c3 survey rating 2 (no score)
#   10-15      mail "winback": c3 sent, c2 sent, c4 pending
#   10-20      c3 chat in
#   10-29      c3 purchase 200.00 PLN (exactly 14 days after "winback")
#   10-29 09:00:01 c2 purchase 30.00 PLN (one second after those 14 days)
#   11-03      c1 survey score 8, rating 7 (out of range: not a rating)
#   11-15      c1 deal D5 new 200.00 PLN p10 close 12-31
#   tasks: T1 c1 due 11-15 17:00, T3 c3 due 11-10 (done 11-11), T7 c3 due
#          11-21 23:59:59, T2 c2 due 11-25, T4 c4 due 11-22 16:00, T5 c2 due
#          11-29 23:00, T6 c1 due 11-30 00:00 (8 days ahead: not listed)
#
# Worked out by hand (PLN unless shown):
#   net revenue  c1 100.00+250.50-50.50+123.45 = 423.45; c3 79.99+200.00 = 279.99;
#                c2 30.00 (and 50.00+70.00-20.00 = 100.00 EUR); total 733.44 PLN
#   contacts     (pending/failed mail not counted) c1 11, c2 13, c3 8, c4 3, c5 0, c6 1
#   last contact c1 11-15 (D5), c2 10-29 09:00:01, c3 11-10 (D3 won), c4 10-20
#                (D4 lost: 33 days > its touch 30), c6 09-01 08:00 (82 > 60)
#   open tasks   c1 2 (T1 T6), c2 2 (T2 T5), c3 1 (T7), c4 1 (T4): 6
local_setup() {
	mkdir acme && cd acme || return 1
	printf 'currency = PLN\ntouch_days = 60\n' >crm.conf
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,touch
01kaaaaaaaaa1,Anna Nowak,anna@example.pl,,,PL,Warszawa,,alice,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,
01kaaaaaaaaa2,Jan Dvořák,jan@example.cz,,,CZ,Praha,,bob,customer,opt-in,2026-03-10T09:00:00Z,2026-03-10T09:00:00Z,
01kaaaaaaaaa3,Мария Петрова,maria@example.bg,,,BG,София,,alice,customer,opt-out,2026-08-20T09:00:00Z,2026-08-20T09:00:00Z,
01kaaaaaaaaa4,Klaus Weber,klaus@example.de,,,DE,Berlin,,,prospect,,2026-10-01T09:00:00Z,2026-10-01T09:00:00Z,30
01kaaaaaaaaa5,Eva Svobodová,eva@example.cz,,,CZ,Brno,,bob,lead,,2026-11-20T09:00:00Z,2026-11-20T09:00:00Z,
01kaaaaaaaaa6,Ola Lis,ola@example.pl,,,PL,Gdańsk,,alice,customer,opt-in,2026-02-01T09:00:00Z,2026-02-01T09:00:00Z,
EOF
	cat >interactions.jsonl <<'EOF'
{"id":"01kbd0000006a","ts":"2026-07-01T09:00:00Z","customer":"01kaaaaaaaaa2","type":"deal","channel":"other","by":"bob","stage":"new","probability":10,"amount":10000,"currency":"PLN"}
{"id":"01kbe00000001","ts":"2026-07-03T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","by":"alice","amount":10000,"currency":"PLN"}
{"id":"01kbe00000002","ts":"2026-07-10T09:00:00Z","customer":"01kaaaaaaaaa2","type":"purchase","channel":"shop","by":"bob","amount":5000,"currency":"EUR"}
{"id":"01kbe00000003","ts":"2026-07-15T09:00:00Z","customer":"01kaaaaaaaaa1","type":"call","channel":"phone","direction":"out","by":"alice","text":"Powitanie"}
{"id":"01kbe00000004","ts":"2026-07-20T09:00:00Z","customer":"01kaaaaaaaaa2","type":"survey","channel":"web","by":"bob","rating":5,"score":10}
{"id":"01kbd0000006b","ts":"2026-07-20T10:00:00Z","customer":"01kaaaaaaaaa2","type":"deal","channel":"other","by":"bob","ref":"01kbd0000006a","stage":"won","probability":100,"amount":10000,"currency":"PLN"}
{"id":"01kbn00000001","ts":"2026-09-01T08:00:00Z","customer":"01kaaaaaaaaa6","type":"note","channel":"other","by":"alice","text":"Zadzwonić po wakacjach"}
{"id":"01kbe00000005","ts":"2026-09-01T09:00:00Z","customer":"01kaaaaaaaaa1","type":"email","channel":"email","direction":"out","by":"alice","subject":"Jesień","campaign":"autumn","status":"sent"}
{"id":"01kbe00000006","ts":"2026-09-01T09:00:00Z","customer":"01kaaaaaaaaa2","type":"email","channel":"email","direction":"out","by":"alice","subject":"Jesień","campaign":"autumn","status":"sent"}
{"id":"01kbe00000007","ts":"2026-09-01T09:00:00Z","customer":"01kaaaaaaaaa3","type":"email","channel":"email","direction":"out","by":"alice","subject":"Jesień","campaign":"autumn","status":"failed"}
{"id":"01kbe00000026","ts":"2026-09-01T09:00:00Z","customer":"01kaaaaaaaaa2","type":"call","channel":"phone","direction":"in","by":"bob","text":"Same minute as the mail"}
{"id":"01kbd0000003a","ts":"2026-09-01T09:00:00Z","customer":"01kaaaaaaaaa3","type":"deal","channel":"other","by":"alice","stage":"new","probability":10,"amount":50000,"currency":"PLN"}
{"id":"01kbe00000008","ts":"2026-09-05T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","by":"alice","amount":25050,"currency":"PLN"}
{"id":"01kbe00000010","ts":"2026-09-10T09:00:00Z","customer":"01kaaaaaaaaa3","type":"purchase","channel":"shop","by":"alice","amount":7999,"currency":"PLN"}
{"id":"01kbe00000011","ts":"2026-09-12T09:00:00Z","customer":"01kaaaaaaaaa1","type":"refund","channel":"shop","by":"alice","amount":5050,"currency":"PLN"}
{"id":"01kbe00000009","ts":"2026-09-20T09:00:00Z","customer":"01kaaaaaaaaa2","type":"email","channel":"email","direction":"in","by":"bob","subject":"Re: Jesień"}
{"id":"01kbe00000012","ts":"2026-09-25T09:00:00Z","customer":"01kaaaaaaaaa3","type":"survey","channel":"web","by":"alice","rating":3,"score":6}
{"id":"01kbd0000001a","ts":"2026-10-01T09:00:00Z","customer":"01kaaaaaaaaa1","type":"deal","channel":"other","by":"alice","stage":"new","probability":10,"amount":100000,"currency":"PLN","close":"2026-12-15T00:00:00Z"}
{"id":"01kbe00000013","ts":"2026-10-02T09:00:00Z","customer":"01kaaaaaaaaa4","type":"meeting","channel":"meeting","direction":"out","by":"tester"}
{"id":"01kbd0000004a","ts":"2026-10-03T09:00:00Z","customer":"01kaaaaaaaaa4","type":"deal","channel":"other","by":"tester","stage":"qualified","probability":25,"amount":30000,"currency":"PLN","close":"2026-12-20T00:00:00Z"}
{"id":"01kbd0000002a","ts":"2026-10-05T09:00:00Z","customer":"01kaaaaaaaaa2","type":"deal","channel":"other","by":"bob","stage":"qualified","probability":50,"amount":12345,"currency":"EUR","close":"2027-01-10T00:00:00Z"}
{"id":"01kbe00000014","ts":"2026-10-06T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","by":"alice","amount":12345,"currency":"PLN"}
{"id":"01kbe00000015","ts":"2026-10-06T09:00:00Z","customer":"01kaaaaaaaaa2","type":"purchase","channel":"shop","by":"bob","amount":7000,"currency":"EUR"}
{"id":"01kbe00000016","ts":"2026-10-07T09:00:00Z","customer":"01kaaaaaaaaa2","type":"refund","channel":"shop","by":"bob","amount":2000,"currency":"EUR"}
{"id":"01kbe00000017","ts":"2026-10-08T09:00:00Z","customer":"01kaaaaaaaaa1","type":"survey","channel":"web","by":"alice","rating":4,"score":9}
{"id":"01kbe00000018","ts":"2026-10-09T09:00:00Z","customer":"01kaaaaaaaaa2","type":"survey","channel":"web","by":"bob","rating":4,"score":3}
{"id":"01kbe00000019","ts":"2026-10-10T09:00:00Z","customer":"01kaaaaaaaaa3","type":"survey","channel":"web","by":"alice","rating":2}
{"id":"01kbe00000020","ts":"2026-10-15T09:00:00Z","customer":"01kaaaaaaaaa3","type":"email","channel":"email","direction":"out","by":"alice","subject":"Wracaj","campaign":"winback","status":"sent"}
{"id":"01kbe00000024","ts":"2026-10-15T09:00:00Z","customer":"01kaaaaaaaaa2","type":"email","channel":"email","direction":"out","by":"alice","subject":"Wracaj","campaign":"winback","status":"sent"}
{"id":"01kbe00000023","ts":"2026-10-15T09:00:00Z","customer":"01kaaaaaaaaa4","type":"email","channel":"email","direction":"out","by":"alice","subject":"Wracaj","campaign":"winback","status":"pending"}
{"id":"01kbe00000021","ts":"2026-10-20T09:00:00Z","customer":"01kaaaaaaaaa3","type":"chat","channel":"chat","direction":"in","by":"alice","text":"Ciekawe"}
{"id":"01kbd0000004b","ts":"2026-10-20T09:00:00Z","customer":"01kaaaaaaaaa4","type":"deal","channel":"other","by":"tester","ref":"01kbd0000004a","stage":"lost","probability":0,"amount":30000,"currency":"PLN"}
{"id":"01kbe00000022","ts":"2026-10-29T09:00:00Z","customer":"01kaaaaaaaaa3","type":"purchase","channel":"shop","by":"alice","amount":20000,"currency":"PLN"}
{"id":"01kbe00000025","ts":"2026-10-29T09:00:01Z","customer":"01kaaaaaaaaa2","type":"purchase","channel":"shop","by":"bob","amount":3000,"currency":"PLN"}
{"id":"01kbt00000001","ts":"2026-11-01T09:00:00Z","customer":"01kaaaaaaaaa1","type":"task","channel":"other","by":"alice","text":"Wycena","due":"2026-11-15T17:00:00Z"}
{"id":"01kbt00000003","ts":"2026-11-01T09:00:00Z","customer":"01kaaaaaaaaa3","type":"task","channel":"other","by":"alice","text":"Faktura","due":"2026-11-10T09:00:00Z"}
{"id":"01kbd0000001b","ts":"2026-11-02T09:00:00Z","customer":"01kaaaaaaaaa1","type":"deal","channel":"other","by":"alice","ref":"01kbd0000001a","stage":"proposal","probability":50,"amount":120000,"currency":"PLN","close":"2026-12-15T00:00:00Z"}
{"id":"01kbe00000028","ts":"2026-11-03T09:00:00Z","customer":"01kaaaaaaaaa1","type":"survey","channel":"web","by":"alice","rating":7,"score":8}
{"id":"01kbt00000007","ts":"2026-11-05T09:00:00Z","customer":"01kaaaaaaaaa3","type":"task","channel":"other","by":"alice","text":"Telefon","due":"2026-11-21T23:59:59Z"}
{"id":"01kbt00000002","ts":"2026-11-10T09:00:00Z","customer":"01kaaaaaaaaa2","type":"task","channel":"other","by":"bob","text":"Umowa","due":"2026-11-25T09:00:00Z"}
{"id":"01kbd0000003b","ts":"2026-11-10T09:00:00Z","customer":"01kaaaaaaaaa3","type":"deal","channel":"other","by":"alice","ref":"01kbd0000003a","stage":"won","probability":100,"amount":50000,"currency":"PLN"}
{"id":"01kbt0000003d","ts":"2026-11-11T09:00:00Z","customer":"01kaaaaaaaaa3","type":"done","channel":"other","by":"alice","ref":"01kbt00000003"}
{"id":"01kbd00000005","ts":"2026-11-15T09:00:00Z","customer":"01kaaaaaaaaa1","type":"deal","channel":"other","by":"alice","stage":"new","probability":10,"amount":20000,"currency":"PLN","close":"2026-12-31T00:00:00Z"}
{"id":"01kbt00000004","ts":"2026-11-20T09:00:00Z","customer":"01kaaaaaaaaa4","type":"task","channel":"other","by":"tester","text":"Oferta","due":"2026-11-22T16:00:00Z"}
{"id":"01kbt00000005","ts":"2026-11-20T09:00:00Z","customer":"01kaaaaaaaaa2","type":"task","channel":"other","by":"bob","text":"Dostawa","due":"2026-11-29T23:00:00Z"}
{"id":"01kbt00000006","ts":"2026-11-20T09:00:00Z","customer":"01kaaaaaaaaa1","type":"task","channel":"other","by":"alice","text":"Przegląd","due":"2026-11-30T00:00:00Z"}
EOF
}

# Fail unless the HTML file $1 parses, its table/tr/svg tags are balanced,
# it has an <h1>, and it loads nothing from outside (no src=/href= to http).
assert_html() {
	python3 - "$1" <<'PY' || fail "$(cat "$1")"
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.start = {}
        self.end = {}
        self.bad = []

    def handle_starttag(self, tag, attrs):
        self.start[tag] = self.start.get(tag, 0) + 1
        for k, v in attrs:
            if k in ("src", "href") and v and ("http:" in v or "https:" in v or v.startswith("//")):
                self.bad.append((tag, k, v))
        if tag in ("script", "link", "img", "iframe", "object", "embed"):
            self.bad.append((tag,))

    def handle_endtag(self, tag):
        self.end[tag] = self.end.get(tag, 0) + 1

p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
for t in ("table", "tr", "svg"):
    if p.start.get(t, 0) != p.end.get(t, 0):
        sys.exit("unbalanced <%s>: %d start, %d end" % (t, p.start.get(t, 0), p.end.get(t, 0)))
for t in ("h1", "table", "tr"):
    if not p.start.get(t):
        sys.exit("no <%s>" % t)
if p.bad:
    sys.exit("external resources: %r" % p.bad)
PY
}

# The number of <rect> elements inside the <svg> of the HTML file $1.
svg_rects() {
	sed -n '/<svg/,/<\/svg>/p' "$1" | grep -o '<rect' | wc -l
}

# --- activity ------------------------------------------------------------------

@test "REP001: activity by month: channel x type rows, in/out, an empty August, no tasks, done or unsent mail" {
	# 36 contacts: the 7 tasks and the done left out, and the failed and
	# the pending mail (a message crm-mail did not send is no contact)
	run -0 --separate-stderr crm-report activity -o csv
	assert_output - <<'EOF'
period,channel,type,interactions,in,out
2026-07,other,deal,2,0,0
2026-07,phone,call,1,0,1
2026-07,shop,purchase,2,0,0
2026-07,web,survey,1,0,0
2026-08,,,0,0,0
2026-09,email,email,3,1,2
2026-09,other,deal,1,0,0
2026-09,other,note,1,0,0
2026-09,phone,call,1,1,0
2026-09,shop,purchase,2,0,0
2026-09,shop,refund,1,0,0
2026-09,web,survey,1,0,0
2026-10,chat,chat,1,1,0
2026-10,email,email,2,0,2
2026-10,meeting,meeting,1,0,1
2026-10,other,deal,4,0,0
2026-10,shop,purchase,4,0,0
2026-10,shop,refund,1,0,0
2026-10,web,survey,3,0,0
2026-11,other,deal,3,0,0
2026-11,web,survey,1,0,0
EOF
}

@test "REP002: activity --by year --group direction: an event field as the group column" {
	run -0 --separate-stderr crm-report activity --by year --group direction -o csv
	assert_output - <<'EOF'
period,direction,channel,type,interactions,in,out
2026,,other,deal,10,0,0
2026,,other,note,1,0,0
2026,,shop,purchase,8,0,0
2026,,shop,refund,2,0,0
2026,,web,survey,6,0,0
2026,in,chat,chat,1,1,0
2026,in,email,email,1,1,0
2026,in,phone,call,1,1,0
2026,out,email,email,4,0,4
2026,out,meeting,meeting,1,0,1
2026,out,phone,call,1,0,1
EOF
}

@test "REP003: activity --group owner for October (--until a bare date: all of its last day)" {
	run -0 --separate-stderr crm-report activity --group owner --since 2026-10-01 --until 2026-10-31 -o csv
	assert_output - <<'EOF'
period,owner,channel,type,interactions,in,out
2026-10,,meeting,meeting,1,0,1
2026-10,,other,deal,2,0,0
2026-10,alice,chat,chat,1,1,0
2026-10,alice,email,email,1,0,1
2026-10,alice,other,deal,1,0,0
2026-10,alice,shop,purchase,2,0,0
2026-10,alice,web,survey,2,0,0
2026-10,bob,email,email,1,0,1
2026-10,bob,other,deal,1,0,0
2026-10,bob,shop,purchase,2,0,0
2026-10,bob,shop,refund,1,0,0
2026-10,bob,web,survey,1,0,0
EOF
}

@test "REP004: activity --by week: labels are the Monday, weeks run Monday to Sunday" {
	# 2026-10-01 is a Thursday: its week is labelled 2026-09-28; the
	# Sunday 2026-10-18 closes the week of 2026-10-12
	run -0 --separate-stderr crm-report activity --by week --since 2026-10-01 --until 2026-10-18 -o csv
	assert_output - <<'EOF'
period,channel,type,interactions,in,out
2026-09-28,meeting,meeting,1,0,1
2026-09-28,other,deal,2,0,0
2026-10-05,other,deal,1,0,0
2026-10-05,shop,purchase,2,0,0
2026-10-05,shop,refund,1,0,0
2026-10-05,web,survey,3,0,0
2026-10-12,email,email,2,0,2
EOF
}

@test "REP005: activity with --since and --until: every period between them, even with no events" {
	run -0 --separate-stderr crm-report activity --since 2027-01-01 --until 2027-02-28 -o csv
	assert_output - <<'EOF'
period,channel,type,interactions,in,out
2027-01,,,0,0,0
2027-02,,,0,0,0
EOF
	# without --until, nothing after 2027-01-01: no row, exit 1
	run -1 --separate-stderr crm-report activity --since 2027-01-01 -o csv
	assert_output 'period,channel,type,interactions,in,out'
}

# --- revenue -------------------------------------------------------------------

@test "REP006: revenue by month: two currencies apart, refunds, aov truncated, an empty August" {
	# 2026-09 PLN: 250.50 + 79.99 - 50.50 = 279.99; aov 330.49 / 2 = 165.245 -> 165.24
	# 2026-10 PLN: 123.45 + 200.00 + 30.00 = 353.45; aov 353.45 / 3 = 117.8166 -> 117.81
	# 2026-10 EUR: 70.00 - 20.00 = 50.00, aov 70.00
	# August: zero counts, the other columns empty
	run -0 --separate-stderr crm-report revenue -o csv
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026-07,EUR,1,0,50.00,50.00
2026-07,PLN,1,0,100.00,100.00
2026-08,,0,0,,
2026-09,PLN,2,1,279.99,165.24
2026-10,EUR,1,1,50.00,70.00
2026-10,PLN,3,0,353.45,117.81
2026-11,,0,0,,
EOF
}

@test "REP007: revenue --by quarter and --by year" {
	# Q3 PLN: 100.00 + 250.50 + 79.99 = 430.49 bought, 50.50 back: 379.99;
	# aov 430.49 / 3 = 143.4966 -> 143.49
	run -0 --separate-stderr crm-report revenue --by quarter -o csv
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026-Q3,EUR,1,0,50.00,50.00
2026-Q3,PLN,3,1,379.99,143.49
2026-Q4,EUR,1,1,50.00,70.00
2026-Q4,PLN,3,0,353.45,117.81
EOF
	# 2026 PLN: 783.94 bought, 50.50 back: 733.44; aov 783.94 / 6 = 130.6566 -> 130.65
	# 2026 EUR: 120.00 bought, 20.00 back: 100.00; aov 60.00
	run -0 --separate-stderr crm-report revenue --by year -o csv
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026,EUR,2,1,100.00,60.00
2026,PLN,6,1,733.44,130.65
EOF
}

@test "REP008: revenue --group country for September and October" {
	run -0 --separate-stderr crm-report revenue --group country --since 2026-09-01 --until 2026-10-31 -o csv
	assert_output - <<'EOF'
period,country,currency,orders,refunds,revenue,aov
2026-09,BG,PLN,1,0,79.99,79.99
2026-09,PL,PLN,1,1,200.00,250.50
2026-10,BG,PLN,1,0,200.00,200.00
2026-10,CZ,EUR,1,1,50.00,70.00
2026-10,CZ,PLN,1,0,30.00,30.00
2026-10,PL,PLN,1,0,123.45,123.45
EOF
}

@test "REP009: revenue --by week for one week: the Monday's date" {
	run -0 --separate-stderr crm-report revenue --by week --since 2026-10-05 --until 2026-10-11 -o csv
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026-10-05,EUR,1,1,50.00,70.00
2026-10-05,PLN,1,0,123.45,123.45
EOF
}

@test "REP010: revenue: empty weeks and months inside --since/--until are zero rows with empty money" {
	run -0 --separate-stderr crm-report revenue --by week --since 2026-10-01 --until 2026-10-31 -o csv
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026-09-28,,0,0,,
2026-10-05,EUR,1,1,50.00,70.00
2026-10-05,PLN,1,0,123.45,123.45
2026-10-12,,0,0,,
2026-10-19,,0,0,,
2026-10-26,PLN,2,0,230.00,115.00
EOF
	run -0 --separate-stderr crm-report revenue --since 2026-10-01 --until 2026-11-30 -o csv
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026-10,EUR,1,1,50.00,70.00
2026-10,PLN,3,0,353.45,117.81
2026-11,,0,0,,
EOF
}

@test "REP011: without --until, the periods run up to the one holding now" {
	# the history ends in June 2026; now is November
	cat >interactions.jsonl <<'EOF'
{"id":"01kbs00000001","ts":"2026-05-10T09:00:00Z","customer":"01kaaaaaaaaa1","type":"survey","channel":"web","rating":5}
{"id":"01kbs00000002","ts":"2026-06-10T09:00:00Z","customer":"01kaaaaaaaaa2","type":"survey","channel":"web","rating":4,"score":9}
{"id":"01kbe00000001","ts":"2026-06-11T09:00:00Z","customer":"01kaaaaaaaaa2","type":"call","channel":"phone","direction":"in"}
EOF
	run -0 --separate-stderr crm-report satisfaction -o csv
	assert_output - <<'EOF'
period,ratings,avg_rating,csat,nps_answers,nps
2026-05,1,5.00,100.0,0,
2026-06,1,4.00,100.0,1,100.0
2026-07,0,,,0,
2026-08,0,,,0,
2026-09,0,,,0,
2026-10,0,,,0,
2026-11,0,,,0,
EOF
	run -0 --separate-stderr crm-report activity -o csv
	assert_output - <<'EOF'
period,channel,type,interactions,in,out
2026-05,web,survey,1,0,0
2026-06,phone,call,1,1,0
2026-06,web,survey,1,0,0
2026-07,,,0,0,0
2026-08,,,0,0,0
2026-09,,,0,0,0
2026-10,,,0,0,0
2026-11,,,0,0,0
EOF
}

@test "REP012: a customer stream on stdin scopes the report (crm-find | crm-report)" {
	# country=CZ: Jan Dvořák (and Eva Svobodová, who has no history)
	run -0 --separate-stderr bash -c 'crm-find --where country=CZ | crm-report revenue --by year -o csv'
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026,EUR,2,1,100.00,60.00
2026,PLN,1,0,30.00,30.00
EOF
	run -0 --separate-stderr bash -c 'crm-find --where owner=bob | crm-report top -o csv'
	assert_output - <<'EOF'
rank,id,name,revenue,currency,purchases,last_purchase,last_contact
1,01kaaaaaaaaa2,Jan Dvořák,30.00,PLN,3,2026-10-29T09:00:01Z,2026-10-29T09:00:01Z
EOF
	run -0 --separate-stderr bash -c 'crm-find --where owner=bob | crm-report owners -o csv'
	assert_output - <<'EOF'
owner,customers,contacts,open_tasks,revenue,currency
bob,2,13,2,30.00,PLN
EOF
	# a stream from a regular file works as well
	head -1 customers.csv >stream.csv
	grep '^01kaaaaaaaaa3,' customers.csv >>stream.csv
	run -0 --separate-stderr crm-report activity --by year -o csv <stream.csv
	assert_output - <<'EOF'
period,channel,type,interactions,in,out
2026,chat,chat,1,1,0
2026,email,email,1,0,1
2026,other,deal,2,0,0
2026,shop,purchase,2,0,0
2026,web,survey,2,0,0
EOF
}

# --- top -----------------------------------------------------------------------

@test "REP013: top: by net revenue in PLN; purchases, last purchase and last contact" {
	run -0 --separate-stderr crm-report top -o csv
	assert_output - <<'EOF'
rank,id,name,revenue,currency,purchases,last_purchase,last_contact
1,01kaaaaaaaaa1,Anna Nowak,423.45,PLN,3,2026-10-06T09:00:00Z,2026-11-15T09:00:00Z
2,01kaaaaaaaaa3,Мария Петрова,279.99,PLN,2,2026-10-29T09:00:00Z,2026-11-10T09:00:00Z
3,01kaaaaaaaaa2,Jan Dvořák,30.00,PLN,3,2026-10-29T09:00:01Z,2026-10-29T09:00:01Z
EOF
	run -0 --separate-stderr crm-report top --limit 2 -o csv
	assert_output - <<'EOF'
rank,id,name,revenue,currency,purchases,last_purchase,last_contact
1,01kaaaaaaaaa1,Anna Nowak,423.45,PLN,3,2026-10-06T09:00:00Z,2026-11-15T09:00:00Z
2,01kaaaaaaaaa3,Мария Петрова,279.99,PLN,2,2026-10-29T09:00:00Z,2026-11-10T09:00:00Z
EOF
}

@test "REP014: top --currency EUR; none in CZK is exit 1" {
	run -0 --separate-stderr crm-report top --currency EUR -o csv
	assert_output - <<'EOF'
rank,id,name,revenue,currency,purchases,last_purchase,last_contact
1,01kaaaaaaaaa2,Jan Dvořák,100.00,EUR,3,2026-10-29T09:00:01Z,2026-10-29T09:00:01Z
EOF
	run -1 --separate-stderr crm-report top --currency CZK -o csv
	assert_output 'rank,id,name,revenue,currency,purchases,last_purchase,last_contact'
}

@test "REP015: top --since: revenue of the period ranks" {
	# October on: c3 200.00, c1 123.45, c2 30.00
	run -0 --separate-stderr crm-report top --since 2026-10-01 -o csv
	run -0 cut -d, -f1-4 <<<"$output"
	assert_output - <<'EOF'
rank,id,name,revenue
1,01kaaaaaaaaa3,Мария Петрова,200.00
2,01kaaaaaaaaa1,Anna Nowak,123.45
3,01kaaaaaaaaa2,Jan Dvořák,30.00
EOF
}

@test "REP016: top: equal revenue ranks by id; a refund alone counts (negative)" {
	cat >interactions.jsonl <<'EOF'
{"id":"01kbe00000001","ts":"2026-05-01T09:00:00Z","customer":"01kaaaaaaaaa2","type":"purchase","channel":"shop","amount":5000,"currency":"PLN"}
{"id":"01kbe00000002","ts":"2026-05-02T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","amount":8000,"currency":"PLN"}
{"id":"01kbe00000003","ts":"2026-05-03T09:00:00Z","customer":"01kaaaaaaaaa1","type":"refund","channel":"shop","amount":3000,"currency":"PLN"}
{"id":"01kbe00000004","ts":"2026-05-04T09:00:00Z","customer":"01kaaaaaaaaa3","type":"refund","channel":"shop","amount":1000,"currency":"PLN"}
{"id":"01kbe00000005","ts":"2026-05-05T09:00:00Z","customer":"01kaaaaaaaaa6","type":"call","channel":"phone","direction":"in"}
EOF
	run -0 --separate-stderr crm-report top -o csv
	assert_output - <<'EOF'
rank,id,name,revenue,currency,purchases,last_purchase,last_contact
1,01kaaaaaaaaa1,Anna Nowak,50.00,PLN,1,2026-05-02T09:00:00Z,2026-05-03T09:00:00Z
2,01kaaaaaaaaa2,Jan Dvořák,50.00,PLN,1,2026-05-01T09:00:00Z,2026-05-01T09:00:00Z
3,01kaaaaaaaaa3,Мария Петрова,-10.00,PLN,0,,2026-05-04T09:00:00Z
EOF
}

@test "REP017: top shows 10 customers unless --limit says otherwise" {
	# twelve customers: customer NN bought NN.00 PLN
	local i
	head -1 customers.csv >c.csv
	: >interactions.jsonl
	for i in $(seq 10 21); do
		printf '01kcccccccc%s,Customer %s,c%s@example.pl,,,PL,,,,customer,,2026-01-01T09:00:00Z,2026-01-01T09:00:00Z,\n' "$i" "$i" "$i" >>c.csv
		printf '{"id":"01kbe000000%s","ts":"2026-06-%sT09:00:00Z","customer":"01kcccccccc%s","type":"purchase","channel":"shop","amount":%s00,"currency":"PLN"}\n' "$i" "$i" "$i" "$i" >>interactions.jsonl
	done
	mv c.csv customers.csv
	run -0 --separate-stderr crm-report top -o csv
	assert_equal "${#lines[@]}" 11
	assert_line --index 1 '1,01kcccccccc21,Customer 21,21.00,PLN,1,2026-06-21T09:00:00Z,2026-06-21T09:00:00Z'
	assert_line --index 10 '10,01kcccccccc12,Customer 12,12.00,PLN,1,2026-06-12T09:00:00Z,2026-06-12T09:00:00Z'
	run -0 --separate-stderr crm-report top --limit 12 -o csv
	assert_equal "${#lines[@]}" 13
	assert_line --index 12 '12,01kcccccccc10,Customer 10,10.00,PLN,1,2026-06-10T09:00:00Z,2026-06-10T09:00:00Z'
}

# --- segments ------------------------------------------------------------------

@test "REP018: segments is crm-segment --rfm --summary, scoped and --until as its --as-of" {
	run -0 --separate-stderr crm-segment --rfm --summary -o csv
	expected=$output
	[[ $expected == segment,* ]] || fail "unexpected crm-segment output: $expected"
	run -0 --separate-stderr crm-report segments -o csv
	assert_output "$expected"

	run -0 --separate-stderr crm-segment --rfm --summary --as-of 2026-10-31 -o csv
	expected=$output
	run -0 --separate-stderr crm-report segments --until 2026-10-31 -o csv
	assert_output "$expected"

	run -0 --separate-stderr bash -c 'crm-find --where owner=alice | crm-segment --rfm --summary -o csv'
	expected=$output
	run -0 --separate-stderr bash -c 'crm-find --where owner=alice | crm-report segments -o csv'
	assert_output "$expected"
}

# --- pipeline ------------------------------------------------------------------

@test "REP019: pipeline: open stages in order, closing months, closed won/lost, win rate" {
	# open: D5 new 200.00 x 10% = 20.00; D2 qualified 123.45 EUR x 50% =
	# 61.725 -> 61.73 (half up); D1 (its latest event) proposal 1200.00 x 50%
	# closes: 2026-12 D1 + D5; 2027-01 D2
	# closed: D4 lost 300.00; D3 won 500.00 + D6 won 100.00; win rate 2/3
	run -0 --separate-stderr crm-report pipeline -o csv
	assert_output - <<'EOF'
section,key,currency,deals,value,weighted,share
open,new,PLN,1,200.00,20.00,
open,qualified,EUR,1,123.45,61.73,
open,proposal,PLN,1,1200.00,600.00,
closes,2026-12,PLN,2,1400.00,620.00,
closes,2027-01,EUR,1,123.45,61.73,
closed,lost,PLN,1,300.00,0.00,
closed,won,PLN,2,600.00,600.00,
win_rate,,,3,,,66.7
EOF
}

@test "REP020: pipeline --since: only deals closed in the period count as closed" {
	# D6 was won in July: left out
	run -0 --separate-stderr crm-report pipeline --since 2026-10-01 -o csv
	assert_output - <<'EOF'
section,key,currency,deals,value,weighted,share
open,new,PLN,1,200.00,20.00,
open,qualified,EUR,1,123.45,61.73,
open,proposal,PLN,1,1200.00,600.00,
closes,2026-12,PLN,2,1400.00,620.00,
closes,2027-01,EUR,1,123.45,61.73,
closed,lost,PLN,1,300.00,0.00,
closed,won,PLN,1,500.00,500.00,
win_rate,,,2,,,50.0
EOF
}

# --- campaigns -----------------------------------------------------------------

@test "REP021: campaigns: recipients, responders within 14 days, revenue of responders" {
	# autumn: c1 c2 mailed (c3 failed); c1 bought 250.50 after 4 days; c2's
	# call in the same second does not count, its mail in after 19 days is late
	# winback: c3 c2 mailed (c4 pending); c3 chatted, and bought 200.00 exactly
	# 14 days after; c2's purchase one second past the 14 days does not count
	run -0 --separate-stderr crm-report campaigns -o csv
	assert_output - <<'EOF'
campaign,recipients,responders,response_rate,revenue,cost,roi,currency
autumn,2,1,50.0,250.50,,,PLN
winback,2,1,50.0,200.00,,,PLN
EOF
}

@test "REP022: campaigns --window: the window ends exactly N days after the mail" {
	run -0 --separate-stderr crm-report campaigns --window 19 -o csv
	assert_output - <<'EOF'
campaign,recipients,responders,response_rate,revenue,cost,roi,currency
autumn,2,2,100.0,250.50,,,PLN
winback,2,2,100.0,230.00,,,PLN
EOF
	run -0 --separate-stderr crm-report campaigns --window 18 -o csv
	assert_output - <<'EOF'
campaign,recipients,responders,response_rate,revenue,cost,roi,currency
autumn,2,1,50.0,250.50,,,PLN
winback,2,2,100.0,230.00,,,PLN
EOF
}

@test "REP023: campaigns --since: mails of the period only; none is exit 1" {
	run -0 --separate-stderr crm-report campaigns --since 2026-10-01 -o csv
	assert_output - <<'EOF'
campaign,recipients,responders,response_rate,revenue,cost,roi,currency
winback,2,1,50.0,200.00,,,PLN
EOF
	run -1 --separate-stderr crm-report campaigns --since 2026-11-01 -o csv
	assert_output 'campaign,recipients,responders,response_rate,revenue,cost,roi,currency'
}

@test "REP052: campaigns: the cost of each (its latest campaign event with one, in the base currency) and the return on it" {
	# autumn cost 80.00 PLN, then 100.00 PLN: ROI (250.50 - 100.00) / 100.00
	# = 150.5%; winback 50.00 EUR at 4.25 = 212.50 PLN: (200.00 - 212.50) /
	# 212.50 = -5.88%; a cost written after --until does not count yet
	cat >>interactions.jsonl <<'EOF'
{"id":"01kbc00000001","ts":"2026-09-01T08:00:00Z","type":"campaign","campaign":"autumn","cost":8000,"currency":"PLN","by":"alice"}
{"id":"01kbc00000002","ts":"2026-09-02T08:00:00Z","type":"campaign","campaign":"autumn","cost":10000,"currency":"PLN","by":"alice"}
{"id":"01kbc00000003","ts":"2026-10-15T08:00:00Z","type":"campaign","campaign":"winback","cost":5000,"currency":"EUR","by":"alice"}
{"id":"01kbc00000004","ts":"2026-11-21T08:00:00Z","type":"campaign","campaign":"autumn","cost":99900,"currency":"PLN","by":"alice"}
EOF
	printf 'rate.EUR = 4.25\n' >>crm.conf
	run -0 --separate-stderr crm-report campaigns --until 2026-11-20 -o csv
	assert_equal "$stderr" ''
	assert_output - <<'EOF'
campaign,recipients,responders,response_rate,revenue,cost,roi,currency
autumn,2,1,50.0,250.50,100.00,150.5,PLN
winback,2,1,50.0,200.00,212.50,-5.9,PLN
EOF
	# the campaign events are no contacts
	run -0 crm-report summary -o csv
	assert_line 'interactions,email,5'
	refute_line --partial 'campaign'
	# without a rate for EUR, winback's cost is not known, and the report says so
	printf 'currency = PLN\n' >crm.conf
	run -0 --separate-stderr crm-report campaigns -o csv
	assert_output - <<'EOF'
campaign,recipients,responders,response_rate,revenue,cost,roi,currency
autumn,2,1,50.0,250.50,999.00,-74.9,PLN
winback,2,1,50.0,200.00,,,PLN
EOF
	assert_equal "$stderr" 'crm-report: left out 1 event in EUR: no exchange rate to PLN (crm.conf: rate.EUR = how much PLN one EUR is worth)'
	run -0 --separate-stderr crm-report campaigns -o table
	assert_line --index 0 --regexp '^campaign +recipients +responders +response_rate +revenue +cost +roi +currency'
}

# --- digest ----------------------------------------------------------------------

# The digest of October against September (--by month, --until 2026-10-31),
# worked out by hand: revenue PLN 123.45 + 200.00 + 30.00 = 353.45 in 3
# orders (average 117.81, truncated as revenue's aov), EUR 70.00 - 20.00 =
# 50.00 in 1; September PLN 250.50 + 79.99 - 50.50 = 279.99 in 2 (165.24);
# active: c1 c2 c3 c4 in October, c1 c2 c3 c6 in September; new: c4; the
# weighted pipeline at 10-31: D1 1000.00 p10 + D3 500.00 p10 = 150.00 PLN
# and D2 123.45 EUR p50 = 61.73; at 09-30 D3 alone; CSAT October 2 of 3,
# September 0 of 1; NPS October (1 - 1) / 2, September -100. No task is
# overdue at either end; the model of who buys again cannot be fitted
# (three repeat buyers).
DIGEST_MD='# crm digest

month 2026-10-01 to 2026-10-31, against 2026-09-01 to 2026-09-30

## Headline figures

| figure | value | previous | change |
| --- | ---: | ---: | ---: |
| customers | 6 | 6 | 0 |
| new customers | 1 | 0 | +1 |
| active customers | 4 | 4 | 0 |
| orders | 4 | 2 | +2 |
| revenue EUR | 50.00 |  |  |
| average order EUR | 70.00 |  |  |
| revenue PLN | 353.45 | 279.99 | +73.46 |
| average order PLN | 117.81 | 165.24 | -47.43 |
| weighted pipeline EUR | 61.73 |  |  |
| weighted pipeline PLN | 150.00 | 50.00 | +100.00 |
| overdue tasks | 0 | 0 | 0 |
| CSAT | 66.7 | 0.0 | +66.7 |
| NPS | 0.0 | -100.0 | +100.0 |

## Revenue by month per currency

| period | currency | orders | refunds | revenue | aov |
| --- | --- | ---: | ---: | ---: | ---: |
| 2025-11 |  | 0 | 0 |  |  |
| 2025-12 |  | 0 | 0 |  |  |
| 2026-01 |  | 0 | 0 |  |  |
| 2026-02 |  | 0 | 0 |  |  |
| 2026-03 |  | 0 | 0 |  |  |
| 2026-04 |  | 0 | 0 |  |  |
| 2026-05 |  | 0 | 0 |  |  |
| 2026-06 |  | 0 | 0 |  |  |
| 2026-07 | EUR | 1 | 0 | 50.00 | 50.00 |
| 2026-07 | PLN | 1 | 0 | 100.00 | 100.00 |
| 2026-08 |  | 0 | 0 |  |  |
| 2026-09 | PLN | 2 | 1 | 279.99 | 165.24 |
| 2026-10 | EUR | 1 | 1 | 50.00 | 70.00 |
| 2026-10 | PLN | 3 | 0 | 353.45 | 117.81 |

## Contacts by channel

| period | channel | type | interactions | in | out |
| --- | --- | --- | ---: | ---: | ---: |
| 2026-10 | chat | chat | 1 | 1 | 0 |
| 2026-10 | email | email | 2 | 0 | 2 |
| 2026-10 | meeting | meeting | 1 | 0 | 1 |
| 2026-10 | other | deal | 4 | 0 | 0 |
| 2026-10 | shop | purchase | 4 | 0 | 0 |
| 2026-10 | shop | refund | 1 | 0 | 0 |
| 2026-10 | web | survey | 3 | 0 | 0 |

## Open deals by stage

| stage | currency | deals | value | weighted |
| --- | --- | ---: | ---: | ---: |
| new | PLN | 2 | 1,500.00 | 150.00 |
| qualified | EUR | 1 | 123.45 | 61.73 |

## Segments (RFM)

| segment | customers | share | revenue | aov | days_since_purchase |
| --- | ---: | ---: | ---: | ---: | ---: |
| Loyal | 1 | 16.7 | 30.00 | 30.00 | 2 |
| Potential Loyalists | 1 | 16.7 | 279.99 | 139.99 | 2 |
| At Risk | 1 | 16.7 | 423.45 | 141.15 | 25 |
| Prospects | 3 | 50.0 | 0.00 |  |  |

## Valuable customers at risk of leaving

The model of who buys again could not be fitted: too few repeat buyers to fit BG/NBD: 3 of 3 customers bought more than once, at least 10 are needed.

## Overdue follow-ups

No task is overdue.'

@test "REP053: digest -o md: headline figures of the period against the one before, then each part, every figure worked out by hand" {
	run -0 --separate-stderr crm-report digest --until 2026-10-31 --by month -o md
	assert_output "$DIGEST_MD"
	assert_equal "$stderr" 'crm-report: left out 3 events in EUR: no exchange rate to PLN (crm.conf: rate.EUR = how much PLN one EUR is worth)'
}

@test "REP054: digest -o table: the same parts with numbers grouped; by default the last whole week, and with rates the totals" {
	run -0 --separate-stderr crm-report digest --until 2026-10-31 --by month -o table
	assert_line --index 0 'crm digest'
	assert_line --index 1 'month 2026-10-01 to 2026-10-31, against 2026-09-01 to 2026-09-30'
	assert_line --index 2 'Headline figures'
	assert_line --regexp '^revenue PLN +353\.45 +279\.99 +\+73\.46$'
	assert_line --regexp '^new +PLN +2 +1,500\.00 +150\.00$'
	assert_line --regexp '^Wycena|^No task is overdue\.$'
	# now is Sunday 2026-11-22 10:00: its week has not ended; the last whole
	# one is 11-09 to 11-15 (D3 won on 11-10, D5 logged on 11-15)
	printf 'currency = PLN\ntouch_days = 60\nrate.EUR = 4.30\n' >crm.conf
	run -0 --separate-stderr crm-report digest -o table
	assert_equal "$stderr" ''
	assert_line --index 1 'week 2026-11-09 to 2026-11-15, against 2026-11-02 to 2026-11-08'
	assert_line --regexp '^active customers +2 +1 +\+1$'
	# at 11-15: D1 600.00 + D5 20.00 PLN; at 11-08: D1 600.00 + D3 50.00
	# (won on 11-10); D2 61.73 EUR = 265.42 PLN (123.45 x 4.30 x 0.5)
	assert_line --regexp '^weighted pipeline PLN +620\.00 +650\.00 +-30\.00$'
	assert_line --regexp '^weighted pipeline total PLN +885\.42 +915\.42 +-30\.00$'
	assert_line --regexp '^NPS +0\.0 *$'
	run -2 --separate-stderr crm-report digest -o csv
}

# Headless Chromium, or a skip that says it is missing.
chromium_shot() {
	timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$WORK/chrome.XXXXXX")" "$@" 2>/dev/null
}

@test "REP055: digest -o html renders in headless Chromium at desktop and phone widths; the charts' text is there" {
	command -v chromium >/dev/null || skip "chromium is not installed (make deps-test installs it)"
	printf 'currency = PLN\ntouch_days = 60\nrate.EUR = 4.30\n' >crm.conf
	run -0 --separate-stderr crm-report digest --until 2026-10-31 --by month -o html
	printf '%s\n' "$output" >digest.html
	assert_html digest.html
	assert_output --partial '<meta name="viewport" content="width=device-width, initial-scale=1">'
	assert_output --partial '@media print'
	assert_output --partial 'made 2026-11-22 10:00'
	refute_output --partial '<script'
	local art=$TOP/tests/artefacts
	mkdir -p "$art"
	chromium_shot --screenshot="$art/digest-desktop.png" --window-size=1280,2000 "file://$PWD/digest.html"
	chromium_shot --screenshot="$art/digest-phone.png" --window-size=390,2000 "file://$PWD/digest.html"
	local f
	for f in digest-desktop digest-phone; do
		[[ -f $art/$f.png ]] || fail "no screenshot $f"
		[[ $(head -c 8 "$art/$f.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "$f: not a PNG"
		(($(stat -c %s "$art/$f.png") > 20000)) || fail "$f: a blank page?"
	done
	# the browser's document: each chart's title with its period, axis
	# labels, values with thousands separated, the legend
	chromium_shot --dump-dom "file://$PWD/digest.html" >dom.html
	run -0 python3 - dom.html <<'PY'
import sys, re
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.inside = 0; self.texts = []
    def handle_starttag(self, tag, a):
        if tag == "text": self.inside += 1; self.texts.append("")
    def handle_endtag(self, tag):
        if tag == "text": self.inside -= 1
    def handle_data(self, d):
        if self.inside: self.texts[-1] += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print("\n".join(p.texts))
PY
	assert_line 'Revenue by month per currency, 2025-11-01 to 2026-10-31'
	assert_line 'Contacts by channel, 2026-10-01 to 2026-10-31'
	assert_line 'Open deals by stage, on 2026-10-31'
	assert_line 'Segments (RFM), on 2026-10-31'
	assert_line 'revenue'
	assert_line 'total PLN'
	assert_line '353.45'
	assert_line '1,500'
	assert_line '2026-09'
	assert_line 'chat'
}

# --- satisfaction --------------------------------------------------------------

@test "REP024: satisfaction by month: ratings, mean, CSAT, NPS; August empty" {
	# 2026-10: ratings 4 4 2 -> 3.33, CSAT 2/3 = 66.7; scores 9 and 3 -> 0.0
	# 2026-11: rating 7 is no rating; score 8 is a passive
	run -0 --separate-stderr crm-report satisfaction -o csv
	assert_output - <<'EOF'
period,ratings,avg_rating,csat,nps_answers,nps
2026-07,1,5.00,100.0,1,100.0
2026-08,0,,,0,
2026-09,1,3.00,0.0,1,-100.0
2026-10,3,3.33,66.7,2,0.0
2026-11,0,,,1,0.0
EOF
}

@test "REP025: satisfaction --group country" {
	run -0 --separate-stderr crm-report satisfaction --group country --since 2026-09-01 -o csv
	assert_output - <<'EOF'
period,country,ratings,avg_rating,csat,nps_answers,nps
2026-09,BG,1,3.00,0.0,1,-100.0
2026-10,BG,1,2.00,0.0,0,
2026-10,CZ,1,4.00,100.0,1,-100.0
2026-10,PL,1,4.00,100.0,1,100.0
2026-11,PL,0,,,1,0.0
EOF
}

@test "REP026: satisfaction --by day: --since and --until inclusive, a bare --until date to its end" {
	run -0 --separate-stderr crm-report satisfaction --by day --since 2026-10-08 --until 2026-10-10 -o csv
	assert_output - <<'EOF'
period,ratings,avg_rating,csat,nps_answers,nps
2026-10-08,1,4.00,100.0,1,100.0
2026-10-09,1,4.00,100.0,1,-100.0
2026-10-10,1,2.00,0.0,0,
EOF
	# exactly the second of the survey, at both ends
	run -0 --separate-stderr crm-report satisfaction --by day --since 2026-10-10T09:00:00Z --until 2026-10-10T09:00:00Z -o csv
	assert_output - <<'EOF'
period,ratings,avg_rating,csat,nps_answers,nps
2026-10-10,1,2.00,0.0,0,
EOF
	# an hour before it: the day is still there, empty
	run -0 --separate-stderr crm-report satisfaction --by day --since 2026-10-10 --until 2026-10-10T08:00:00Z -o csv
	assert_output - <<'EOF'
period,ratings,avg_rating,csat,nps_answers,nps
2026-10-10,0,,,0,
EOF
}

@test "REP027: satisfaction with relative dates (-58d, -57d, --until -44d)" {
	# -58d is 2026-09-25 00:00: the survey of 09-25 09:00 is in
	run -0 --separate-stderr crm-report satisfaction --since -58d -o csv
	assert_output - <<'EOF'
period,ratings,avg_rating,csat,nps_answers,nps
2026-09,1,3.00,0.0,1,-100.0
2026-10,3,3.33,66.7,2,0.0
2026-11,0,,,1,0.0
EOF
	# -57d is 2026-09-26: September stays as an empty period
	run -0 --separate-stderr crm-report satisfaction --since -57d -o csv
	assert_output - <<'EOF'
period,ratings,avg_rating,csat,nps_answers,nps
2026-09,0,,,0,
2026-10,3,3.33,66.7,2,0.0
2026-11,0,,,1,0.0
EOF
	# --until -44d is all of 2026-10-09: the surveys of 10-08 and 10-09
	run -0 --separate-stderr crm-report satisfaction --since 2026-10-01 --until -44d -o csv
	assert_output - <<'EOF'
period,ratings,avg_rating,csat,nps_answers,nps
2026-10,2,4.00,100.0,2,0.0
EOF
}

@test "REP028: satisfaction rounding: mean half up, negative NPS, out-of-range values ignored" {
	# ratings 5 5 5 4 3 3 2 2: 29/8 = 3.625 -> 3.63, CSAT 4/8 = 50.0
	# scores 10 8 7 6 0 5 (11 is none): (1 - 3) / 6 = -33.3
	cat >interactions.jsonl <<'EOF'
{"id":"01kbs00000001","ts":"2026-06-01T09:00:00Z","customer":"01kaaaaaaaaa1","type":"survey","channel":"web","rating":5,"score":10}
{"id":"01kbs00000002","ts":"2026-06-02T09:00:00Z","customer":"01kaaaaaaaaa2","type":"survey","channel":"web","rating":5,"score":8}
{"id":"01kbs00000003","ts":"2026-06-03T09:00:00Z","customer":"01kaaaaaaaaa3","type":"survey","channel":"web","rating":5,"score":7}
{"id":"01kbs00000004","ts":"2026-06-04T09:00:00Z","customer":"01kaaaaaaaaa1","type":"survey","channel":"web","rating":4,"score":6}
{"id":"01kbs00000005","ts":"2026-06-05T09:00:00Z","customer":"01kaaaaaaaaa2","type":"survey","channel":"web","rating":3,"score":0}
{"id":"01kbs00000006","ts":"2026-06-06T09:00:00Z","customer":"01kaaaaaaaaa3","type":"survey","channel":"web","rating":3,"score":5}
{"id":"01kbs00000007","ts":"2026-06-07T09:00:00Z","customer":"01kaaaaaaaaa1","type":"survey","channel":"web","rating":2}
{"id":"01kbs00000008","ts":"2026-06-08T09:00:00Z","customer":"01kaaaaaaaaa2","type":"survey","channel":"web","rating":2}
{"id":"01kbs00000009","ts":"2026-06-09T09:00:00Z","customer":"01kaaaaaaaaa3","type":"survey","channel":"web","rating":0,"score":11}
EOF
	run -0 --separate-stderr crm-report satisfaction --since 2026-06-01 --until 2026-06-30 -o csv
	assert_output - <<'EOF'
period,ratings,avg_rating,csat,nps_answers,nps
2026-06,8,3.63,50.0,6,-33.3
EOF
}

# --- followups -----------------------------------------------------------------

@test "REP029: followups: overdue, due within a week, losing touch (touch column, else touch_days)" {
	# T3 is done; T6 is due 8 days ahead; c5 was never contacted
	run -0 --separate-stderr crm-report followups -o csv
	assert_output - <<'EOF'
kind,date,id,name,task,detail,days
overdue,2026-11-15,01kaaaaaaaaa1,Anna Nowak,01kbt00000001,Wycena,7
overdue,2026-11-21,01kaaaaaaaaa3,Мария Петрова,01kbt00000007,Telefon,1
due,2026-11-22,01kaaaaaaaaa4,Klaus Weber,01kbt00000004,Oferta,0
due,2026-11-25,01kaaaaaaaaa2,Jan Dvořák,01kbt00000002,Umowa,-3
due,2026-11-29,01kaaaaaaaaa2,Jan Dvořák,01kbt00000005,Dostawa,-7
losing touch,2026-09-01,01kaaaaaaaaa6,Ola Lis,,every 60 days,82
losing touch,2026-10-20,01kaaaaaaaaa4,Klaus Weber,,every 30 days,33
EOF
}

@test "REP030: followups scoped by a stream; touch_days defaults to 90" {
	run -0 --separate-stderr bash -c 'crm-find --where owner=alice | crm-report followups -o csv'
	assert_output - <<'EOF'
kind,date,id,name,task,detail,days
overdue,2026-11-15,01kaaaaaaaaa1,Anna Nowak,01kbt00000001,Wycena,7
overdue,2026-11-21,01kaaaaaaaaa3,Мария Петрова,01kbt00000007,Telefon,1
losing touch,2026-09-01,01kaaaaaaaaa6,Ola Lis,,every 60 days,82
EOF
	# without touch_days, 82 days is not yet 90; Klaus keeps his own 30
	printf 'currency = PLN\n' >crm.conf
	run -0 --separate-stderr crm-report followups -o csv
	assert_output - <<'EOF'
kind,date,id,name,task,detail,days
overdue,2026-11-15,01kaaaaaaaaa1,Anna Nowak,01kbt00000001,Wycena,7
overdue,2026-11-21,01kaaaaaaaaa3,Мария Петрова,01kbt00000007,Telefon,1
due,2026-11-22,01kaaaaaaaaa4,Klaus Weber,01kbt00000004,Oferta,0
due,2026-11-25,01kaaaaaaaaa2,Jan Dvořák,01kbt00000002,Umowa,-3
due,2026-11-29,01kaaaaaaaaa2,Jan Dvořák,01kbt00000005,Dostawa,-7
losing touch,2026-10-20,01kaaaaaaaaa4,Klaus Weber,,every 30 days,33
EOF
}

# --- cohorts -------------------------------------------------------------------

@test "REP031: cohorts: first-purchase month, share buying again, future months empty" {
	# 2026-07: c1 (again 09, 10) and c2 (again 10); 2026-09: c3 (again 10)
	run -0 --separate-stderr crm-report cohorts -o csv
	assert_output - <<'EOF'
cohort,customers,m1,m2,m3,m4
2026-07,2,0.0,50.0,100.0,0.0
2026-09,1,100.0,0.0,,
EOF
	run -0 --separate-stderr crm-report cohorts --limit 2 -o csv
	assert_output - <<'EOF'
cohort,customers,m1,m2
2026-07,2,0.0,50.0
2026-09,1,100.0,0.0
EOF
}

@test "REP032: cohorts: at most 14 month columns" {
	cat >interactions.jsonl <<'EOF'
{"id":"01kbe00000001","ts":"2025-01-10T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","amount":5000,"currency":"PLN"}
{"id":"01kbe00000002","ts":"2025-03-05T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","amount":5000,"currency":"PLN"}
EOF
	run -0 --separate-stderr crm-report cohorts -o csv
	assert_output - <<'EOF'
cohort,customers,m1,m2,m3,m4,m5,m6,m7,m8,m9,m10,m11,m12,m13,m14
2025-01,1,0.0,100.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0
EOF
}

@test "REP032a: cohorts: purchases out of time order; a month more than 14 after the first is in no column" {
	# customer 1: read 2026-03, 2026-01, 2026-05, then 2025-12 (the first);
	# customer 2: 2026-06 read first, then 2025-02 (16 months before it, so
	# the 2026-06 purchase is in no column), then 2025-03 (m1)
	cat >interactions.jsonl <<'EOF'
{"id":"01kbe00000001","ts":"2026-03-10T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","amount":100,"currency":"PLN"}
{"id":"01kbe00000002","ts":"2026-01-10T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","amount":100,"currency":"PLN"}
{"id":"01kbe00000003","ts":"2026-06-10T09:00:00Z","customer":"01kaaaaaaaaa2","type":"purchase","amount":100,"currency":"PLN"}
{"id":"01kbe00000004","ts":"2026-05-10T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","amount":100,"currency":"PLN"}
{"id":"01kbe00000005","ts":"2025-12-10T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","amount":100,"currency":"PLN"}
{"id":"01kbe00000006","ts":"2025-02-10T09:00:00Z","customer":"01kaaaaaaaaa2","type":"purchase","amount":100,"currency":"PLN"}
{"id":"01kbe00000007","ts":"2025-03-10T09:00:00Z","customer":"01kaaaaaaaaa2","type":"purchase","amount":100,"currency":"PLN"}
EOF
	run -0 --separate-stderr crm-report cohorts -o csv
	assert_output - <<'EOF'
cohort,customers,m1,m2,m3,m4,m5,m6,m7,m8,m9,m10,m11,m12,m13,m14
2025-02,1,100.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0
2025-12,1,100.0,0.0,100.0,0.0,100.0,0.0,0.0,0.0,0.0,0.0,0.0,,,
EOF
}

# --- owners and summary --------------------------------------------------------

@test "REP033: owners: customers, contacts, open tasks, PLN revenue per owner" {
	run -0 --separate-stderr crm-report owners -o csv
	assert_output - <<'EOF'
owner,customers,contacts,open_tasks,revenue,currency
(none),1,3,1,0.00,PLN
alice,3,20,3,703.44,PLN
bob,2,13,2,30.00,PLN
EOF
}

@test "REP034: summary: customers, consent, stage, interactions, revenue per currency, open tasks" {
	run -0 --separate-stderr crm-report summary -o csv
	assert_output - <<'EOF'
section,name,value
customers,total,6
customers,new in the period,6
consent,(unknown),2
consent,opt-in,3
consent,opt-out,1
stage,customer,4
stage,lead,1
stage,prospect,1
interactions,call,2
interactions,chat,1
interactions,deal,10
interactions,email,5
interactions,meeting,1
interactions,note,1
interactions,purchase,8
interactions,refund,2
interactions,survey,6
revenue,EUR,100.00
revenue,PLN,733.44
tasks,open,6
EOF
}

@test "REP035: summary for October: new customers, interactions and revenue of the period" {
	# Klaus Weber was created 2026-10-01; EUR 70.00 - 20.00, PLN 353.45; no
	# task was open at the end of October (all seven were logged later)
	run -0 --separate-stderr crm-report summary --since 2026-10-01 --until 2026-10-31 -o csv
	assert_output - <<'EOF'
section,name,value
customers,total,6
customers,new in the period,1
consent,(unknown),2
consent,opt-in,3
consent,opt-out,1
stage,customer,4
stage,lead,1
stage,prospect,1
interactions,chat,1
interactions,deal,4
interactions,email,2
interactions,meeting,1
interactions,purchase,4
interactions,refund,1
interactions,survey,3
revenue,EUR,50.00
revenue,PLN,353.45
tasks,open,0
EOF
}

# --- formats -------------------------------------------------------------------

@test "REP036: -o table groups thousands; csv does not" {
	run -0 --separate-stderr crm-report pipeline -o table
	assert_line --regexp '^open +proposal +PLN +1 +1,200\.00 +600\.00 '
	assert_line --regexp '^closes +2026-12 +PLN +2 +1,400\.00 +620\.00 '
	run -0 --separate-stderr crm-report pipeline -o csv
	assert_line 'open,proposal,PLN,1,1200.00,600.00,'
	assert_line 'closes,2026-12,PLN,2,1400.00,620.00,'
	refute_output --partial '"'
}

@test "REP037: -o tsv and -o md" {
	run -0 --separate-stderr crm-report revenue --by year -o tsv
	assert_output "$(printf 'period\tcurrency\torders\trefunds\trevenue\taov\n2026\tEUR\t2\t1\t100.00\t60.00\n2026\tPLN\t6\t1\t733.44\t130.65')"
	run -0 --separate-stderr crm-report revenue --by year -o md
	assert_output - <<'EOF'
| period | currency | orders | refunds | revenue | aov |
| --- | --- | ---: | ---: | ---: | ---: |
| 2026 | EUR | 2 | 1 | 100.00 | 60.00 |
| 2026 | PLN | 6 | 1 | 733.44 | 130.65 |
EOF
}

@test "REP038: -o json: an array of objects, numbers as JSON numbers" {
	run -0 --separate-stderr crm-report revenue --by year -o json
	printf '%s\n' "$output" >out.json
	run -0 jq -c '.[1]' out.json
	assert_output '{"period":"2026","currency":"PLN","orders":6,"refunds":1,"revenue":733.44,"aov":130.65}'
	run -0 jq -e 'length == 2 and all(.[]; (.orders|type) == "number" and (.revenue|type) == "number" and (.aov|type) == "number" and (.period|type) == "string")' out.json
	run -0 --separate-stderr crm-report satisfaction -o json
	printf '%s\n' "$output" >sat.json
	run -0 jq -e '.[3].avg_rating == 3.33 and .[3].csat == 66.7 and .[2].nps == -100 and .[0].ratings == 1' sat.json
}

@test "REP039: -o html: activity, revenue and satisfaction with an <h1>, one bar per period, the table" {
	# every report runs up to the month that holds now: 2026-07 to 2026-11
	local r n bad=""
	for r in activity:5 revenue:5 satisfaction:5; do
		run -0 --separate-stderr crm-report "${r%%:*}" -o html
		printf '%s\n' "$output" >"${r%%:*}.html"
		assert_html "${r%%:*}.html"
		assert_output --partial '<h1>'
		assert_output --partial '<svg'
		refute_output --regexp '(src|href)="?https?:'
		n=$(svg_rects "${r%%:*}.html")
		[[ $n -eq ${r##*:} ]] || bad+="${r%%:*}: $n bars for ${r##*:} periods; "
	done
	[[ -z $bad ]] || fail "$bad"
	run -0 --separate-stderr crm-report revenue -o html
	assert_output --partial '<td class="n">279.99</td>'
	assert_output --partial '<th>aov</th>'
	run -0 --separate-stderr crm-report top -o html
	printf '%s\n' "$output" >top.html
	assert_html top.html
	assert_output --partial '<td>Мария Петрова</td>'
}

@test "REP040: -o html: the revenue chart never adds currencies together" {
	# 2026-07 has 50.00 EUR and 100.00 PLN; 2026-10 50.00 EUR and 353.45 PLN
	run -0 --separate-stderr crm-report revenue -o html
	refute_output --regexp '2026-07: 150([^0-9]|$)'
	refute_output --regexp '2026-10: 403\.45'
}

@test "REP041: -o html renders in a headless browser" {
	command -v chromium >/dev/null || skip "chromium is not installed"
	run -0 --separate-stderr crm-report activity --by week --since -90d -o html
	printf '%s\n' "$output" >report.html
	assert_html report.html
	run timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$WORK/chrome.XXXXXX")" --screenshot="$PWD/out.png" \
		--window-size=800,600 "file://$PWD/report.html"
	[[ -f out.png ]] || fail "no screenshot: $output"
	local size
	size=$(stat -c %s out.png)
	((size > 2000)) || fail "screenshot of $size bytes"
	[[ $(head -c 8 out.png | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "not a PNG"
}

# --- errors and exit statuses --------------------------------------------------

@test "REP042: errors are exit 2: unknown report, bad --by, bad dates, unknown --group field" {
	run -2 --separate-stderr crm-report nosuch
	assert_output ''
	[[ $stderr == *crm-report:*nosuch* ]] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-report activity --by fortnight
	[[ $stderr == *--by* ]] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-report revenue --since 2026-13-45
	[[ $stderr == *2026-13-45* ]] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-report revenue --until someday
	[[ $stderr == *someday* ]] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-report activity --group nosuch
	[[ $stderr == *nosuch* ]] || fail "stderr: $stderr"
	run -2 --separate-stderr crm-report
	run -2 --separate-stderr crm-report activity -o jsonl
}

@test "REP043: exit 1 when no row is printed, 0 when one is" {
	run -1 --separate-stderr crm-report revenue --since 2027-01-01 -o csv
	assert_output 'period,currency,orders,refunds,revenue,aov'
	: >interactions.jsonl
	run -1 --separate-stderr crm-report followups -o csv
	run -1 --separate-stderr crm-report pipeline -o csv
	run -0 --separate-stderr crm-report owners -o csv
	run -0 --separate-stderr crm-report summary -o csv
}

# --- charts of several currencies, deals without an amount, followups as of --until

@test "REP044: -o html with rates: the revenue chart plots each month's total, or its base-currency row" {
	printf 'currency = PLN\ntouch_days = 60\nrate.EUR = 4.30\n' >crm.conf
	# 2026-07: 100.00 PLN + 50.00 EUR x 4.30 = 315.00; 2026-09 only PLN:
	# 250.50 + 79.99 - 50.50 = 279.99; 2026-10: 353.45 + 50.00 x 4.30 = 568.45
	run -0 --separate-stderr crm-report revenue -o html
	printf '%s\n' "$output" >revenue.html
	assert_html revenue.html
	run -0 grep -o '<title>2026-[0-9]*: [0-9.]*</title>' revenue.html
	assert_output - <<'EOF'
<title>2026-07: 315</title>
<title>2026-08: 0</title>
<title>2026-09: 279.99</title>
<title>2026-10: 568.45</title>
<title>2026-11: 0</title>
EOF
	# without rates, the base currency's rows alone
	printf 'currency = PLN\n' >crm.conf
	run -0 --separate-stderr crm-report revenue -o html
	printf '%s\n' "$output" >revenue.html
	run -0 grep -o '<title>2026-[0-9]*: [0-9.]*</title>' revenue.html
	assert_output - <<'EOF'
<title>2026-07: 100</title>
<title>2026-08: 0</title>
<title>2026-09: 279.99</title>
<title>2026-10: 353.45</title>
<title>2026-11: 0</title>
EOF
}

@test "REP045: pipeline: a deal without an amount counts among the deals of the base currency, with no row or total of its own" {
	printf 'currency = PLN\ntouch_days = 60\nrate.EUR = 4.30\n' >crm.conf
	cat >>interactions.jsonl <<'EOF'
{"id":"01kbd00000007","ts":"2026-11-16T09:00:00Z","customer":"01kaaaaaaaaa4","type":"deal","channel":"other","by":"tester","stage":"new","probability":10}
{"id":"01kbd00000008","ts":"2026-11-17T09:00:00Z","customer":"01kaaaaaaaaa6","type":"deal","channel":"other","by":"alice","stage":"lost","probability":0}
EOF
	# D2: 123.45 EUR x 4.30 = 530.835 -> 530.84, weighted 50% 265.42
	run -0 --separate-stderr crm-report pipeline -o csv
	assert_output - <<'EOF'
section,key,currency,deals,value,weighted,share
open,new,PLN,2,200.00,20.00,
open,qualified,EUR,1,123.45,61.73,
open,qualified,total PLN,1,530.84,265.42,
open,proposal,PLN,1,1200.00,600.00,
closes,2026-12,PLN,2,1400.00,620.00,
closes,2027-01,EUR,1,123.45,61.73,
closes,2027-01,total PLN,1,530.84,265.42,
closed,lost,PLN,2,300.00,0.00,
closed,won,PLN,2,600.00,600.00,
win_rate,,,4,,,50.0
EOF
}

@test "REP046: pipeline -o html: the chart plots one currency, the totals where there are rates" {
	printf 'currency = PLN\ntouch_days = 60\nrate.EUR = 4.30\n' >crm.conf
	run -0 --separate-stderr crm-report pipeline -o html
	printf '%s\n' "$output" >pipeline.html
	assert_html pipeline.html
	run -0 grep -o '<title>[^<]*: [0-9.]*</title>' pipeline.html
	assert_output - <<'EOF'
<title>new: 200</title>
<title>qualified: 530.84</title>
<title>proposal: 1200</title>
<title>2026-12: 1400</title>
<title>2027-01: 530.84</title>
<title>lost: 300</title>
<title>won: 600</title>
EOF
	# without rates, the EUR deal is not charted at all
	printf 'currency = PLN\n' >crm.conf
	run -0 --separate-stderr crm-report pipeline -o html
	printf '%s\n' "$output" >pipeline.html
	run -0 grep -o '<title>qualified: [0-9.]*</title>' pipeline.html
	assert_output '<title>qualified: 0</title>'
}

@test "REP047: followups --until a past day counts the days from that day's end" {
	# as of 2026-11-18 23:59:59: T4, T5 and T6 are not yet written; T1 is 3
	# days late, T7 due in 3 days, T2 in 7 (due within the week up to 11-25);
	# Klaus's latest contact (10-20 09:00) is 29 days 14 hours old, not more
	# than his 30; Ola's (09-01 08:00) 78 days
	run -0 --separate-stderr crm-report followups --until 2026-11-18 -o csv
	assert_output - <<'EOF'
kind,date,id,name,task,detail,days
overdue,2026-11-15,01kaaaaaaaaa1,Anna Nowak,01kbt00000001,Wycena,3
due,2026-11-21,01kaaaaaaaaa3,Мария Петрова,01kbt00000007,Telefon,-3
due,2026-11-25,01kaaaaaaaaa2,Jan Dvořák,01kbt00000002,Umowa,-7
losing touch,2026-09-01,01kaaaaaaaaa6,Ola Lis,,every 60 days,78
EOF
}

@test "REP048: tickets lists the open ones, the breaches of their service level first" {
	printf 'currency = PLN\nsla.high = 4h\nsla.normal = 2d\n' >crm.conf
	cat >interactions.jsonl <<'EOF'
{"id":"01kbt0000000a","ts":"2026-11-22T01:00:00Z","customer":"01kaaaaaaaaa1","type":"ticket","channel":"web","by":"alice","text":"Parcel arrived broken","status":"open","priority":"high"}
{"id":"01kbt0000000b","ts":"2026-11-21T09:00:00Z","customer":"01kaaaaaaaaa2","type":"ticket","channel":"web","by":"bob","subject":"Invoice wrong","text":"VAT id missing","status":"open","priority":"normal"}
{"id":"01kbt0000000c","ts":"2026-11-18T09:00:00Z","customer":"01kaaaaaaaaa4","type":"ticket","channel":"email","by":"bob","text":"Login fails","status":"open","priority":"low"}
{"id":"01kbt0000000d","ts":"2026-11-10T09:00:00Z","customer":"01kaaaaaaaaa3","type":"ticket","channel":"web","by":"alice","text":"Wrong colour","status":"open","priority":"normal"}
{"id":"01kbt0000000e","ts":"2026-11-22T08:00:00Z","customer":"01kaaaaaaaaa1","type":"ticket","channel":"web","by":"piotr","text":"Sent a new one","ref":"01kbt0000000a","status":"pending","owner":"piotr"}
{"id":"01kbt0000000f","ts":"2026-11-12T09:00:00Z","customer":"01kaaaaaaaaa3","type":"ticket","channel":"web","by":"alice","ref":"01kbt0000000d","status":"solved"}
EOF
	# Anna's is high, 9 hours old against 4: breached, its owner piotr;
	# Jan's is normal, 25 hours against 48: ok, owner his (bob); Klaus's is
	# low, with no service level, owner none; Maria's is solved
	run -0 --separate-stderr crm-report tickets -o csv
	assert_output - <<'EOF'
id,customer,name,subject,priority,status,opened,age_h,owner,last_reply,sla
01kbt0000000a,01kaaaaaaaaa1,Anna Nowak,Parcel arrived broken,high,pending,2026-11-22T01:00:00Z,9,piotr,2026-11-22T08:00:00Z,breached
01kbt0000000b,01kaaaaaaaaa2,Jan Dvořák,Invoice wrong,normal,open,2026-11-21T09:00:00Z,25,bob,,ok
01kbt0000000c,01kaaaaaaaaa4,Klaus Weber,Login fails,low,open,2026-11-18T09:00:00Z,97,,,
EOF
	# at the end of the 11th Maria's was open, 38 hours old: within 2 days
	run -0 --separate-stderr crm-report tickets --until 2026-11-11 -o csv
	assert_output - <<'EOF'
id,customer,name,subject,priority,status,opened,age_h,owner,last_reply,sla
01kbt0000000d,01kaaaaaaaaa3,Мария Петрова,Wrong colour,normal,open,2026-11-10T09:00:00Z,38,alice,,ok
EOF
	run -0 crm-report tickets -w 'owner=bob' -o csv
	assert_output - <<'EOF'
id,customer,name,subject,priority,status,opened,age_h,owner,last_reply,sla
01kbt0000000b,01kaaaaaaaaa2,Jan Dvořák,Invoice wrong,normal,open,2026-11-21T09:00:00Z,25,bob,,ok
EOF
}

@test "REP049: a service level that is not a duration is an error naming crm.conf's line" {
	printf 'currency = PLN\nsla.high = four hours\n' >crm.conf
	run -2 --separate-stderr crm-report tickets
	assert_equal "$stderr" "crm-report: crm.conf:2: sla.high: 'four hours' is not a duration (90m, 4h, 2d)"
	printf 'sla.low = 0h\n' >crm.conf
	run -2 --separate-stderr crm-report tickets
	assert_equal "$stderr" "crm-report: crm.conf:1: sla.low: '0h' is not a duration (90m, 4h, 2d)"
	printf 'sla.low = 90m\n' >crm.conf
	run -1 crm-report tickets -o csv
	assert_output 'id,customer,name,subject,priority,status,opened,age_h,owner,last_reply,sla'
}

# The Python that has the icalendar module (a pyenv python3 first on PATH
# may not).
python_with_icalendar() {
	local p
	for p in python3 /usr/bin/python3; do
		if "$p" -c 'import icalendar' 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

@test "REP050: followups -o ics writes a calendar: a to-do per open task, an event per customer losing touch" {
	cat >interactions.jsonl <<'EOF'
{"id":"01kbt00000001","ts":"2026-11-01T09:00:00Z","customer":"01kaaaaaaaaa1","type":"task","channel":"other","by":"alice","text":"Wycena","due":"2026-11-15T17:00:00Z"}
{"id":"01kbt00000002","ts":"2026-11-10T09:00:00Z","customer":"01kaaaaaaaaa3","type":"task","channel":"other","by":"bob","text":"Umowa; termin, \"pilne\"\nzadzwonić przed 10:00 do działu zakupów w sprawie dostawy i faktury","due":"2026-12-25T09:00:00Z"}
{"id":"01kbt00000003","ts":"2026-11-10T09:00:00Z","customer":"01kaaaaaaaaa2","type":"task","channel":"other","by":"bob","text":"Kiedyś"}
{"id":"01kbt00000004","ts":"2026-11-10T09:00:00Z","customer":"01kaaaaaaaaa2","type":"task","channel":"other","by":"bob","text":"Zrobione","due":"2026-11-20T09:00:00Z"}
{"id":"01kbt0000004d","ts":"2026-11-11T09:00:00Z","customer":"01kaaaaaaaaa2","type":"done","channel":"other","by":"bob","ref":"01kbt00000004"}
{"id":"01kbn00000001","ts":"2026-09-01T08:00:00Z","customer":"01kaaaaaaaaa6","type":"note","channel":"other","by":"alice","text":"Zadzwonić po wakacjach"}
{"id":"01kbn00000002","ts":"2026-11-01T08:00:00Z","customer":"01kaaaaaaaaa1","type":"call","channel":"phone","by":"alice"}
EOF
	run -0 --separate-stderr crm-report followups -o ics
	printf '%s' "$output" >followups.ics
	# every line ends in CR LF and is at most 75 octets
	LC_ALL=C run -0 awk '{ sub(/\r$/, ""); if (length($0) > 75) print NR": "length($0) }' followups.ics
	assert_output ''
	run -0 grep -c $'\r$' followups.ics
	assert_output 40
	# (a fold may fall after a space: the line before it ends in one, shown as ~)
	run -0 sed 's/ \r$/~/; s/\r$//' followups.ics
	assert_output - <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//crm//crm-report followups//EN
CALSCALE:GREGORIAN
X-WR-CALNAME:crm follow-ups
BEGIN:VTODO
UID:task-01kbt00000001@crm
DTSTAMP:20261122T100000Z
SUMMARY:Wycena (Anna Nowak)
DUE:20261115T170000Z
STATUS:NEEDS-ACTION
DESCRIPTION:Customer Anna Nowak (01kaaaaaaaaa1)\, task 01kbt00000001
END:VTODO
BEGIN:VTODO
UID:task-01kbt00000002@crm
DTSTAMP:20261122T100000Z
SUMMARY:Umowa\; termin\, "pilne"\nzadzwonić przed 10:00 do działu zakupó
 w w sprawie dostawy i faktury (Мария Петрова)
DUE:20261225T090000Z
STATUS:NEEDS-ACTION
DESCRIPTION:Customer Мария Петрова (01kaaaaaaaaa3)\, task 01kbt
 00000002
END:VTODO
BEGIN:VEVENT
UID:touch-01kaaaaaaaaa6@crm
DTSTAMP:20261122T100000Z
SUMMARY:Get in touch with Ola Lis
DTSTART;VALUE=DATE:20261122
TRANSP:TRANSPARENT
DESCRIPTION:Customer Ola Lis (01kaaaaaaaaa6): last contact 2026-09-01\, 82~
 days ago\; to be contacted every 60 days
END:VEVENT
BEGIN:VTODO
UID:task-01kbt00000003@crm
DTSTAMP:20261122T100000Z
SUMMARY:Kiedyś (Jan Dvořák)
STATUS:NEEDS-ACTION
DESCRIPTION:Customer Jan Dvořák (01kaaaaaaaaa2)\, task 01kbt00000003
END:VTODO
END:VCALENDAR
EOF
	# a real parser reads it back: the texts unescaped, the dates as given
	PY=$(python_with_icalendar) || skip 'python3-icalendar is not installed (make deps-test)'
	run -0 "$PY" - followups.ics <<'PY'
import sys
import icalendar

cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for c in cal.walk():
    if c.name == "VCALENDAR":
        print(c.name, c["VERSION"], c["PRODID"])
        continue
    when = c.get("DUE") or c.get("DTSTART")
    print(c.name, c["UID"], repr(str(c["SUMMARY"])), when.dt.isoformat() if when else "-")
PY
	assert_output - <<'EOF'
VCALENDAR 2.0 -//crm//crm-report followups//EN
VTODO task-01kbt00000001@crm 'Wycena (Anna Nowak)' 2026-11-15T17:00:00+00:00
VTODO task-01kbt00000002@crm 'Umowa; termin, "pilne"\nzadzwonić przed 10:00 do działu zakupów w sprawie dostawy i faktury (Мария Петрова)' 2026-12-25T09:00:00+00:00
VEVENT touch-01kaaaaaaaaa6@crm 'Get in touch with Ola Lis' 2026-11-22
VTODO task-01kbt00000003@crm 'Kiedyś (Jan Dvořák)' -
EOF
	run -2 --separate-stderr crm-report top -o ics
	assert_equal "${stderr%%$'\n'*}" "crm-report: -o ics goes with followups"
}

@test "REP056: a format a report cannot print is refused before the history is read" {
	# a history nobody writes to: reading it would wait for ever
	rm interactions.jsonl
	mkfifo interactions.jsonl
	run -2 --separate-stderr timeout 10 crm-report digest -o csv
	assert_equal "$stderr" "crm-report: unknown output format 'csv' (use one of: table, md, html)"
	assert_output ''
	run -2 --separate-stderr timeout 10 crm-report activity -o jsonl
	assert_equal "$stderr" "crm-report: unknown output format 'jsonl' (use one of: csv, tsv, json, table, md, html)"
	run -2 --separate-stderr timeout 10 crm-report top -o vcard
	assert_equal "$stderr" "crm-report: unknown output format 'vcard' (use one of: csv, tsv, json, table, md, html)"
}
