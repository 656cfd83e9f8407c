#!/usr/bin/env bats
# One model of the data: every program computes the same figures from the
# same history. Money is shown and compared in major units; amounts in other
# currencies are converted with the crm.conf rates, and one without a rate
# is left out with one warning; a deal keeps what a stage change does not
# restate; a message crm-mail sends is one contact; a bad line is reported
# once per run; a merge record is followed.

bats_require_minimum_version 1.5.0
load helper

# "acme": PLN, with rates for CZK (0.1725) and EUR (4.3), none for USD.
# All events in October 2026; CRM_NOW is 2026-11-22T10:00:00Z.
#
#   c1 Zofia Kamińska  anna  1000.00 PLN + 100.00 EUR (= 430.00 PLN)
#                            - 50.00 PLN refunded               = 1380.00
#   c2 Jiří Novák      petr  20000.00 CZK (= 3450.00 PLN)
#                            - 1000.00 CZK refunded (= 172.50)  = 3277.50
#   c3 Иван Петров     anna  300.00 PLN + 10.00 USD (no rate: left out) = 300.00
#   c4 Klaus Weber     petr  only mail: "news" pending then sent (one
#                            contact, 10-15 09:00:05), "promo" failed (none)
#
# Contacts: c1 3, c2 2, c3 2, c4 1 (anna 5, petr 3); in all 4957.50 PLN.
local_setup() {
	mkdir acme && cd acme || return 1
	printf 'currency = PLN\nrate.CZK = 0.1725\nrate.EUR = 4.3\n' >crm.conf
	cat >customers.csv <<'CSV'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,touch
01mc000000001,Zofia Kamińska,zofia@example.pl,,,PL,Kraków,,anna,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,
01mc000000002,Jiří Novák,jiri@example.cz,,,CZ,Brno,,petr,customer,opt-in,2026-01-06T09:00:00Z,2026-01-06T09:00:00Z,
01mc000000003,Иван Петров,ivan@example.bg,,,BG,София,,anna,customer,opt-in,2026-01-07T09:00:00Z,2026-01-07T09:00:00Z,
01mc000000004,Klaus Weber,klaus@example.de,,,DE,Berlin,,petr,prospect,opt-in,2026-01-08T09:00:00Z,2026-01-08T09:00:00Z,30
CSV
	cat >interactions.jsonl <<'JSONL'
{"id":"02me000000001","ts":"2026-10-01T09:00:00Z","customer":"01mc000000001","type":"purchase","channel":"shop","by":"anna","amount":100000,"currency":"PLN"}
{"id":"02me000000002","ts":"2026-10-02T09:00:00Z","customer":"01mc000000001","type":"purchase","channel":"web","by":"anna","amount":10000,"currency":"EUR"}
{"id":"02me000000003","ts":"2026-10-03T09:00:00Z","customer":"01mc000000001","type":"refund","channel":"shop","by":"anna","amount":5000,"currency":"PLN"}
{"id":"02me000000004","ts":"2026-10-04T09:00:00Z","customer":"01mc000000002","type":"purchase","channel":"shop","by":"petr","amount":2000000,"currency":"CZK"}
{"id":"02me000000005","ts":"2026-10-05T09:00:00Z","customer":"01mc000000002","type":"refund","channel":"shop","by":"petr","amount":100000,"currency":"CZK"}
{"id":"02me000000006","ts":"2026-10-06T09:00:00Z","customer":"01mc000000003","type":"purchase","channel":"shop","by":"anna","amount":30000,"currency":"PLN"}
{"id":"02me000000007","ts":"2026-10-07T09:00:00Z","customer":"01mc000000003","type":"purchase","channel":"web","by":"anna","amount":1000,"currency":"USD"}
{"id":"02me000000008","ts":"2026-10-15T09:00:00Z","customer":"01mc000000004","type":"email","channel":"email","direction":"out","by":"anna","subject":"News","campaign":"news","message_id":"<news.01mc000000004@acme>","status":"pending"}
{"id":"02me000000009","ts":"2026-10-15T09:00:05Z","customer":"01mc000000004","type":"email","channel":"email","direction":"out","by":"anna","subject":"News","campaign":"news","message_id":"<news.01mc000000004@acme>","status":"sent"}
{"id":"02me000000010","ts":"2026-10-16T09:00:00Z","customer":"01mc000000004","type":"email","channel":"email","direction":"out","by":"anna","subject":"Promo","campaign":"promo","message_id":"<promo.01mc000000004@acme>","status":"pending"}
{"id":"02me000000011","ts":"2026-10-16T09:00:01Z","customer":"01mc000000004","type":"email","channel":"email","direction":"out","by":"anna","subject":"Promo","campaign":"promo","message_id":"<promo.01mc000000004@acme>","status":"failed","exit":75}
JSONL
}

USD_LEFT_OUT='left out 1 event in USD: no exchange rate to PLN (crm.conf: rate.USD = how much PLN one USD is worth)'

@test "MODEL001: crm-find, top, owners and the M of RFM agree on every customer's revenue" {
	run -0 --separate-stderr crm-find -f id,revenue -o csv
	assert_output - <<'EOF'
id,revenue
01mc000000001,1380.00
01mc000000002,3277.50
01mc000000003,300.00
01mc000000004,
EOF
	assert_equal "$stderr" "crm-find: $USD_LEFT_OUT"
	run -0 --separate-stderr crm-report top -o csv
	assert_output - <<'EOF'
rank,id,name,revenue,currency,purchases,last_purchase,last_contact
1,01mc000000002,Jiří Novák,3277.50,PLN,1,2026-10-04T09:00:00Z,2026-10-05T09:00:00Z
2,01mc000000001,Zofia Kamińska,1380.00,PLN,2,2026-10-02T09:00:00Z,2026-10-03T09:00:00Z
3,01mc000000003,Иван Петров,300.00,PLN,2,2026-10-07T09:00:00Z,2026-10-07T09:00:00Z
EOF
	assert_equal "$stderr" "crm-report: $USD_LEFT_OUT"
	run -0 --separate-stderr crm-report owners -o csv
	assert_output - <<'EOF'
owner,customers,contacts,open_tasks,revenue,currency
anna,2,5,0,1680.00,PLN
petr,2,3,0,3277.50,PLN
EOF
	# three buyers: M ranks Иван (300.00) 1, Zofia 2, Jiří 3: scores 2, 4, 5
	run -0 --separate-stderr bash -c 'crm-segment --rfm -o csv | mlr --icsv --ocsv cut -o -f id,m'
	assert_output - <<'EOF'
id,m
01mc000000001,4
01mc000000002,5
01mc000000003,2
01mc000000004,
EOF
	assert_equal "$stderr" "crm-segment: $USD_LEFT_OUT"
}

@test "MODEL002: money fields are in major units: -f shows them so and --where compares them so" {
	run -0 --separate-stderr crm-find -f id --where 'revenue>1000' -o csv
	assert_output - <<'EOF'
id
01mc000000001
01mc000000002
EOF
	run -0 --separate-stderr crm-find -f id --where 'revenue>=3277.50' -o csv
	assert_output $'id\n01mc000000002'
	run -1 --separate-stderr crm-find --where 'revenue>3277.5'
	# -o jsonl writes the amount as a JSON number
	run -0 --separate-stderr crm-find -f id,revenue --where 'revenue<1000' -o jsonl
	assert_output '{"id":"01mc000000003","revenue":300.00}'
}

@test "MODEL003: revenue keeps a row per currency and adds the total in the base currency; USD without a rate is left out of it with one warning" {
	run -0 --separate-stderr crm-report revenue --by month -o csv
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026-10,CZK,1,1,19000.00,20000.00
2026-10,EUR,1,0,100.00,100.00
2026-10,PLN,2,1,1250.00,650.00
2026-10,USD,1,0,10.00,10.00
2026-10,total PLN,4,2,4957.50,1295.00
2026-11,,0,0,,
EOF
	assert_equal "$stderr" "crm-report: $USD_LEFT_OUT"
	run -0 --separate-stderr crm-report summary -o csv
	assert_line 'revenue,total PLN,4957.50'
	assert_equal "$stderr" "crm-report: $USD_LEFT_OUT"
}

@test "MODEL004: --currency takes another base currency in every program that shows money" {
	# each amount goes to PLN with its rate, then to CZK with rate.CZK, and
	# is rounded once: Zofia 5797.10 + 2492.75 - 289.86, Иван 1739.13
	run -0 --separate-stderr crm-find -f id,revenue --currency CZK -o csv
	assert_output - <<'EOF'
id,revenue
01mc000000001,7999.99
01mc000000002,19000.00
01mc000000003,1739.13
01mc000000004,
EOF
	assert_equal "$stderr" "crm-find: left out 1 event in USD: no exchange rate to CZK (crm.conf: rate.USD = how much PLN one USD is worth)"
	run -0 --separate-stderr crm-report top --currency CZK -o csv
	assert_line --index 1 '1,01mc000000002,Jiří Novák,19000.00,CZK,1,2026-10-04T09:00:00Z,2026-10-05T09:00:00Z'
	run -0 --separate-stderr bash -c 'crm-segment --rfm --currency CZK -o csv | mlr --icsv --ocsv cut -o -f id,m'
	assert_line --index 2 '01mc000000002,5'
	# without a rate for CZK, only what is in CZK counts
	printf 'currency = PLN\nrate.EUR = 4.3\n' >crm.conf
	run -0 --separate-stderr crm-find -f id,revenue --currency CZK -o csv
	assert_output - <<'EOF'
id,revenue
01mc000000001,
01mc000000002,19000.00
01mc000000003,
01mc000000004,
EOF
	assert_equal "$stderr" "crm-find: left out 1 event in EUR, 3 in PLN, 1 in USD: no exchange rate to CZK (crm.conf: rate.CZK = how much PLN one CZK is worth)"
	run -2 crm-find -f revenue --currency zloty
	assert_output "crm-find: --currency: zloty: not a currency code (ISO 4217: PLN, CZK, EUR)"
}

@test "MODEL005: a bad rate in crm.conf is an error naming its line" {
	printf 'currency = PLN\nrate.CZK = 0,1725\n' >crm.conf
	run -2 crm-find -f revenue
	assert_output "crm-find: crm.conf:2: rate.CZK: '0,1725' is not a rate (how much of the base currency one CZK is worth, as 0.1725)"
	printf 'currency = PLN\nrate.koruna = 0.17\n' >crm.conf
	run -2 crm-report top
	assert_output "crm-report: crm.conf:2: rate.koruna: not a currency code after 'rate.' (rate.CZK = 0.1725)"
}

@test "MODEL006: a message crm-mail wrote as pending and then sent is one contact in every program; a failed one is none" {
	run -0 crm-find -f id,contacts,last_contact --where 'name~/Klaus/' -o csv
	assert_output - <<'EOF'
id,contacts,last_contact
01mc000000004,1,2026-10-15T09:00:05Z
EOF
	run -0 crm-report activity --by month --since 2026-10-01 --until 2026-10-31 -o csv
	assert_line '2026-10,email,email,1,0,1'
	run -0 crm-report summary -o csv
	assert_line 'interactions,email,1'
	# Klaus should be contacted every 30 days: the sent mail is his last contact
	run -0 crm-report followups -o csv
	assert_line 'losing touch,2026-10-15,01mc000000004,Klaus Weber,,every 30 days,38'
	run -0 --separate-stderr crm-report campaigns -o csv
	assert_output - <<'EOF'
campaign,recipients,responders,response_rate,revenue,cost,roi,currency
news,1,0,0.0,0.00,,,PLN
EOF
}

@test "MODEL007: a deal's stage change keeps the amount, currency and close date it does not restate" {
	new_crm
	printf 'currency = PLN\n' >crm.conf
	add_as c 'Zofia Kamińska' -e zofia@example.pl
	run -0 crm-log "$c" deal --stage proposal --amount 5000 --close +1m
	local deal=$output
	crm-log "$c" deal --stage negotiation --ref "$deal" >/dev/null
	run -0 crm-report pipeline -o csv
	assert_output - <<'EOF'
section,key,currency,deals,value,weighted,share
open,negotiation,PLN,1,5000.00,3750.00,
closes,2026-12,PLN,1,5000.00,3750.00,
EOF
	crm-log "$c" deal --stage won --ref "$deal" >/dev/null
	run -0 crm-report pipeline -o csv
	assert_output - <<'EOF'
section,key,currency,deals,value,weighted,share
closed,won,PLN,1,5000.00,5000.00,
win_rate,,,1,,,100.0
EOF
	run -0 crm-report pipeline -o table
	assert_line --regexp '^closed +won +PLN +1 +5,000.00 +5,000.00 *$'
}

@test "MODEL008: a bad line is reported once per run, however often the program reads the history" {
	printf '{"id":"02me000000099","ts":"2026-10-20T09:00:00Z","customer":"01mc000000001","type":"note","type":"call"}\n' >>interactions.jsonl
	run -0 --separate-stderr crm-report summary -o csv
	assert_equal "$stderr" "crm-report: interactions.jsonl:12: duplicate object key near '\"type\"'
crm-report: $USD_LEFT_OUT"
}

@test "MODEL009: a torn last line is reported even when it parses, and still read" {
	printf '{"id":"02me000000099","ts":"2026-10-20T09:00:00Z","customer":"01mc000000004","type":"call","channel":"phone"}' >>interactions.jsonl
	run -0 --separate-stderr crm-find -f id,contacts --where 'contacts>1' -o csv
	assert_output $'id,contacts\n01mc000000001,3\n01mc000000002,2\n01mc000000003,2\n01mc000000004,2'
	assert_equal "$stderr" "crm-find: interactions.jsonl:12: torn last line (no line end): read, but a write may have been cut short"
}

@test "MODEL010: a merge record makes the merged customer's figures count for the one kept" {
	printf '{"id":"02me000000050","ts":"2026-10-20T09:00:00Z","customer":"01mc000000001","type":"merge","channel":"other","by":"anna","ref":"01mc000000003"}\n' >>interactions.jsonl
	grep -v '^01mc000000003,' customers.csv >c.csv && mv c.csv customers.csv
	run -0 --separate-stderr crm-find -f id,revenue,contacts -o csv
	assert_output - <<'EOF'
id,revenue,contacts
01mc000000001,1680.00,5
01mc000000002,3277.50,2
01mc000000004,,1
EOF
	run -0 --separate-stderr crm-report top -o csv
	assert_line --index 1 '1,01mc000000002,Jiří Novák,3277.50,PLN,1,2026-10-04T09:00:00Z,2026-10-05T09:00:00Z'
	assert_line --index 2 '2,01mc000000001,Zofia Kamińska,1680.00,PLN,4,2026-10-07T09:00:00Z,2026-10-07T09:00:00Z'
}
