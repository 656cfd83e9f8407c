#!/usr/bin/env bats
# crm-log: appending interactions, closing tasks, deal stages, and replaying
# the history with -l.

bats_require_minimum_version 1.5.0
load helper

NOW=2026-11-22T10:00:00Z

# Every test starts in a fresh acme directory with one customer, Anna.
local_setup() {
	new_crm
	add_as ANNA "Anna Nowak" -e anna@example.com
}

# Run crm-log and keep the printed id in the variable named by $1.
log_as() {
	local var=$1
	shift
	local _log_as_out
	_log_as_out=$(crm-log "$@") || return 1
	printf -v "$var" '%s' "$_log_as_out"
}

# The last line of the history.
last_line() {
	tail -n 1 interactions.jsonl
}

# An id is 13 characters of lower-case Crockford base32.
assert_id() {
	[[ $1 =~ ^[0-9a-hjkmnp-tv-z]{13}$ ]] || fail "not an id: '$1'"
}

# The history is still empty.
assert_no_history() {
	[ ! -s interactions.jsonl ] || fail "history not empty: $(cat interactions.jsonl)"
}

# --- appending --------------------------------------------------------------

@test "LOG001: a call is appended as one compact line with keys in order" {
	run --separate-stderr crm-log anna call "Asked about prices" --in --subject Pricing
	assert_success
	assert_id "$output"
	assert_equal "$stderr" ""
	assert_equal "$(cat interactions.jsonl)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"call","channel":"phone","direction":"in","by":"tester","subject":"Pricing","text":"Asked about prices"}' "$output" "$NOW" "$ANNA")"
}

@test "LOG002: every append prints a new id and adds exactly one line" {
	log_as ONE anna note first
	log_as TWO anna note second
	assert_id "$ONE"
	assert_id "$TWO"
	[ "$ONE" != "$TWO" ]
	run wc -l <interactions.jsonl
	assert_output 2
	run jq -r .id interactions.jsonl
	assert_output "$ONE
$TWO"
}

@test "LOG003: the customer may be given by id" {
	add_as OTHER "Anna Kowalska"
	log_as ID "$ANNA" note "by id"
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"other","by":"tester","text":"by id"}' "$ID" "$NOW" "$ANNA")"
}

@test "LOG004: the customer may be given by e-mail" {
	add_as OTHER "Anna Kowalska" -e kowalska@example.com
	log_as ID kowalska@example.com email "by mail" --out
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"email","channel":"email","direction":"out","by":"tester","text":"by mail"}' "$ID" "$NOW" "$OTHER")"
}

@test "LOG005: a part of a name matches without case and diacritics (jiri finds Jiří Dvořák)" {
	add_as JIRI "Jiří Dvořák"
	local q id
	for q in jiri JIRI dvorak 'dvořák' 'JIŘÍ' 'ří dvo'; do
		id=$(crm-log "$q" note "$q") || fail "crm-log '$q' failed"
		assert_equal "$(last_line)" \
			"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"other","by":"tester","text":"%s"}' "$id" "$NOW" "$JIRI" "$q")"
	done
}

@test "LOG006: ŁUKASZ finds Łukasz" {
	add_as LUKASZ "Łukasz Wiśniewski"
	log_as ID ŁUKASZ note x
	assert_equal "$(jq -r .customer <<<"$(last_line)")" "$LUKASZ"
	log_as ID lukasz note y
	assert_equal "$(jq -r .customer <<<"$(last_line)")" "$LUKASZ"
}

@test "LOG007: петров finds Петър Петров" {
	add_as PETROV "Петър Петров"
	log_as ID петров note "Обади се"
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"other","by":"tester","text":"Обади се"}' "$ID" "$NOW" "$PETROV")"
}

@test "LOG008: names match the same way under LC_ALL=C" {
	add_as JIRI "Jiří Dvořák"
	add_as LUKASZ "Łukasz Wiśniewski"
	add_as PETROV "Петър Петров"
	LC_ALL=C crm-log jiri note a >/dev/null
	LC_ALL=C crm-log ŁUKASZ note b >/dev/null
	LC_ALL=C crm-log ПЕТРОВ note c >/dev/null
	run jq -r .customer interactions.jsonl
	assert_output "$JIRI
$LUKASZ
$PETROV"
}

@test "LOG009: an ambiguous name lists the candidates with id, name and e-mail, and appends nothing" {
	add_as OTHER "Anna Kowalska"
	run --separate-stderr crm-log anna note hello
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: 'anna' matches 2 customers; say which by id or email:
  $ANNA  Anna Nowak  anna@example.com
  $OTHER  Anna Kowalska"
	assert_no_history
}

@test "LOG010: a customer nobody matches is an error" {
	run --separate-stderr crm-log nobody note hello
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: no customer matches 'nobody' (give an id, an email or part of a name)"
	assert_no_history
}

@test "LOG011: non-ASCII text is stored as UTF-8, not as \\u escapes" {
	log_as ID anna note "Zażółć gęślą jaźń — Příliš žluťoučký kůň — Съобщение"
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"other","by":"tester","text":"Zażółć gęślą jaźń — Příliš žluťoučký kůň — Съобщение"}' "$ID" "$NOW" "$ANNA")"
	run grep -c '\\u' interactions.jsonl
	assert_output 0
}

@test "LOG012: quotes, backslashes and control characters are escaped as JSON" {
	local text=$'say "hi" \\ now\tand\nthen'
	log_as ID anna note "$text"
	run wc -l <interactions.jsonl
	assert_output 1
	assert_equal "$(jq -r .text interactions.jsonl)" "$text"
	assert_equal "$(last_line)" \
		"{\"id\":\"$ID\",\"ts\":\"$NOW\",\"customer\":\"$ANNA\",\"type\":\"note\",\"channel\":\"other\",\"by\":\"tester\",\"text\":\"say \\\"hi\\\" \\\\ now\\tand\\nthen\"}"
}

# --- types and channels -----------------------------------------------------

@test "LOG013: each contact type gets its default channel" {
	local pair type channel id
	for pair in call:phone email:email meeting:meeting chat:chat sms:sms \
		ticket:web note:other task:other; do
		type=${pair%%:*}
		channel=${pair#*:}
		id=$(crm-log anna "$type") || fail "crm-log anna $type failed"
		# a ticket opens with its status and priority
		local more=
		[ "$type" = ticket ] && more=',"status":"open","priority":"normal"'
		assert_equal "$(last_line)" \
			"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"%s","channel":"%s","by":"tester"%s}' "$id" "$NOW" "$ANNA" "$type" "$channel" "$more")"
	done
}

@test "LOG014: purchase and refund default to shop, survey to web, deal to other" {
	crm-log anna purchase --amount 1 >/dev/null
	crm-log anna refund --amount 1 >/dev/null
	crm-log anna survey --rating 5 >/dev/null
	crm-log anna deal --stage new >/dev/null
	run jq -r '.type + " " + .channel' interactions.jsonl
	assert_output "purchase shop
refund shop
survey web
deal other"
}

@test "LOG015: --channel overrides the default" {
	log_as ID anna note "letter sent" --channel post --out
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"post","direction":"out","by":"tester","text":"letter sent"}' "$ID" "$NOW" "$ANNA")"
}

@test "LOG016: an unknown channel is an error" {
	run --separate-stderr crm-log anna note x --channel pigeon
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: --channel: pigeon: unknown (use one of: email, phone, sms, chat, meeting, web, shop, post, other)"
	assert_no_history
}

@test "LOG017: an unknown type is an error" {
	run --separate-stderr crm-log anna visit "came by"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: visit: unknown type (use one of: note, call, missed, email, meeting, chat, sms, purchase, refund, ticket, survey, task, done, deal, bounce)"
	assert_no_history
}

# --- amounts ----------------------------------------------------------------

@test "LOG018: a purchase of 129.99 is 12999 minor units in the crm.conf currency" {
	log_as ID anna purchase "Boots" --amount 129.99
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"purchase","channel":"shop","by":"tester","text":"Boots","amount":12999,"currency":"EUR"}' "$ID" "$NOW" "$ANNA")"
}

@test "LOG019: a decimal comma is accepted and --currency is upper-cased" {
	log_as ID anna refund --amount 129,99 --currency czk
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"refund","channel":"shop","by":"tester","amount":12999,"currency":"CZK"}' "$ID" "$NOW" "$ANNA")"
}

@test "LOG020: the default currency comes from crm.conf" {
	sed -i 's/^currency = EUR$/currency = PLN/' crm.conf
	grep -qx 'currency = PLN' crm.conf
	log_as ID anna purchase --amount 10
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"purchase","channel":"shop","by":"tester","amount":1000,"currency":"PLN"}' "$ID" "$NOW" "$ANNA")"
}

@test "LOG021: a currency without minor units keeps the amount as it is (JPY 1500)" {
	log_as ID anna purchase --amount 1500 --currency JPY
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"purchase","channel":"shop","by":"tester","amount":1500,"currency":"JPY"}' "$ID" "$NOW" "$ANNA")"
}

@test "LOG022: more decimals than the currency has is an error" {
	run --separate-stderr crm-log anna purchase --amount 12.345 --currency PLN
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: --amount 12.345: has more decimals than the currency has"
	assert_no_history
}

@test "LOG023: a negative amount is an error" {
	run --separate-stderr crm-log anna purchase --amount -5
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: --amount -5: must not be negative (log a refund instead)"
	assert_no_history
}

@test "LOG024: a purchase or a refund without --amount is an error" {
	run --separate-stderr crm-log anna purchase Boots
	assert_failure 2
	assert_equal "$stderr" "crm-log: a purchase needs --amount"
	run --separate-stderr crm-log anna refund
	assert_failure 2
	assert_equal "$stderr" "crm-log: a refund needs --amount"
	assert_no_history
}

@test "LOG025: an amount that is not a number is an error" {
	run --separate-stderr crm-log anna purchase --amount abc
	assert_failure 2
	assert_equal "$stderr" "crm-log: --amount abc: is not a number (write 129.99)"
	assert_no_history
}

# --- surveys ----------------------------------------------------------------

@test "LOG026: a survey with --rating stores the stars" {
	log_as ID anna survey "Quick delivery" --rating 4
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"survey","channel":"web","by":"tester","text":"Quick delivery","rating":4}' "$ID" "$NOW" "$ANNA")"
}

@test "LOG027: a survey with --score stores 0 and 10, the ends of the scale" {
	log_as LOW anna survey --score 0
	log_as HIGH anna survey --score 10
	assert_equal "$(cat interactions.jsonl)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"survey","channel":"web","by":"tester","score":0}\n{"id":"%s","ts":"%s","customer":"%s","type":"survey","channel":"web","by":"tester","score":10}' "$LOW" "$NOW" "$ANNA" "$HIGH" "$NOW" "$ANNA")"
}

@test "LOG028: a survey needs a rating or a score" {
	run --separate-stderr crm-log anna survey
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: a survey needs --rating 1-5 or --score 0-10"
	assert_no_history
}

@test "LOG029: a rating outside 1-5 or a score outside 0-10 is an error" {
	local v
	for v in 0 6 -1 3.5; do
		run --separate-stderr crm-log anna survey --rating "$v"
		assert_failure 2
		assert_equal "$stderr" "crm-log: --rating: $v: must be a whole number from 1 to 5"
	done
	for v in -1 11; do
		run --separate-stderr crm-log anna survey --score "$v"
		assert_failure 2
		assert_equal "$stderr" "crm-log: --score: $v: must be a whole number from 0 to 10"
	done
	assert_no_history
}

# --- tasks and times --------------------------------------------------------

@test "LOG030: a task due +3d is due at the start of the day three days from now" {
	log_as ID anna task "Call back" --due +3d
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"task","channel":"other","by":"tester","text":"Call back","due":"2026-11-25T00:00:00Z"}' "$ID" "$NOW" "$ANNA")"
}

@test "LOG031: a task due on a date is stored as a timestamp" {
	log_as ID anna task "Send offer" --due 2026-12-01
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"task","channel":"other","by":"tester","text":"Send offer","due":"2026-12-01T00:00:00Z"}' "$ID" "$NOW" "$ANNA")"
}

@test "LOG032: --ts sets when it happened" {
	log_as ID anna meeting "Fair" --ts 2026-05-04T13:30:00Z
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"2026-05-04T13:30:00Z","customer":"%s","type":"meeting","channel":"meeting","by":"tester","text":"Fair"}' "$ID" "$ANNA")"
}

@test "LOG033: by is CRM_USER" {
	CRM_USER=marta log_as ID anna note x
	assert_equal "$(jq -r .by <<<"$(last_line)")" marta
}

# --- closing tasks ----------------------------------------------------------

@test "LOG034: --done closes a task with an event for the task's customer" {
	add_as OTHER "Bob Builder"
	log_as TASK anna task "Call back" --due +3d
	log_as DONE --done "$TASK" "Called, all fine"
	assert_id "$DONE"
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"done","channel":"other","by":"tester","ref":"%s","text":"Called, all fine"}' "$DONE" "$NOW" "$ANNA" "$TASK")"
}

@test "LOG035: --done without text" {
	log_as TASK anna task "Call back"
	log_as DONE --done "$TASK"
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"done","channel":"other","by":"tester","ref":"%s"}' "$DONE" "$NOW" "$ANNA" "$TASK")"
}

@test "LOG036: --done of a task that does not exist is an error" {
	run --separate-stderr crm-log --done 0000000000000 "done"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: 0000000000000: no task has this id"
	assert_no_history
}

@test "LOG037: --done of an event that is not a task is an error" {
	log_as NOTE anna note "not a task"
	cp interactions.jsonl before
	run --separate-stderr crm-log --done "$NOTE"
	assert_failure 2
	assert_equal "$stderr" "crm-log: $NOTE: no task has this id"
	cmp interactions.jsonl before
}

@test "LOG038: a task cannot be closed twice" {
	log_as TASK anna task "Call back"
	log_as DONE --done "$TASK"
	cp interactions.jsonl before
	run --separate-stderr crm-log --done "$TASK" again
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: $TASK: the task is already done ($DONE)"
	cmp interactions.jsonl before
}

# --- deals ------------------------------------------------------------------

@test "LOG039: a new deal stores stage, default probability and amount" {
	log_as DEAL anna deal "Fleet of bikes" --stage proposal --amount 5000
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"deal","channel":"other","by":"tester","text":"Fleet of bikes","amount":500000,"currency":"EUR","stage":"proposal","probability":50}' "$DEAL" "$NOW" "$ANNA")"
}

@test "LOG040: each stage has its default probability" {
	local pair
	for pair in new:10 qualified:25 proposal:50 negotiation:75 won:100 lost:0; do
		crm-log anna deal --stage "${pair%%:*}" >/dev/null || fail "stage ${pair%%:*}"
	done
	run jq -r '"\(.stage):\(.probability)"' interactions.jsonl
	assert_output "new:10
qualified:25
proposal:50
negotiation:75
won:100
lost:0"
}

@test "LOG041: --probability and --close override and add to a deal" {
	log_as DEAL anna deal --stage negotiation --probability 60 --close 2026-12-31
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"deal","channel":"other","by":"tester","stage":"negotiation","probability":60,"close":"2026-12-31T00:00:00Z"}' "$DEAL" "$NOW" "$ANNA")"
}

@test "LOG042: a later stage change refers to the deal's first event" {
	log_as DEAL anna deal --stage proposal --amount 5000
	log_as WON anna deal --ref "$DEAL" --stage won
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"deal","channel":"other","by":"tester","stage":"won","probability":100,"ref":"%s"}' "$WON" "$NOW" "$ANNA" "$DEAL")"
	run wc -l <interactions.jsonl
	assert_output 2
}

@test "LOG043: --ref to an event that is not a deal is an error" {
	log_as NOTE anna note x
	cp interactions.jsonl before
	run --separate-stderr crm-log anna deal --ref "$NOTE" --stage won
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: --ref $NOTE: no deal has this id"
	cmp interactions.jsonl before
}

@test "LOG044: --ref to another customer's deal is an error" {
	add_as BOB "Bob Builder"
	log_as DEAL anna deal --stage new --amount 100
	cp interactions.jsonl before
	run --separate-stderr crm-log bob deal --ref "$DEAL" --stage won
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: --ref $DEAL: the deal belongs to another customer ($ANNA)"
	cmp interactions.jsonl before
}

@test "LOG045: -s fields come last, in the order given" {
	log_as DEAL anna deal --stage new
	log_as ID anna deal --ref "$DEAL" --stage qualified -s campaign=spring -s source=Veletrh\ Brno
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"deal","channel":"other","by":"tester","stage":"qualified","probability":25,"ref":"%s","campaign":"spring","source":"Veletrh Brno"}' "$ID" "$NOW" "$ANNA" "$DEAL")"
}

# --- the history: -l ---------------------------------------------------------

# A small history written out of time order: Anna and Jiří.
make_history() {
	add_as JIRI "Jiří Dvořák"
	log_as H3 anna note "third" --ts 2026-03-01T12:00:00Z
	log_as H1 jiri call "first" --out --ts 2026-01-15T09:00:00Z
	log_as H2A anna purchase --amount 129.99 --currency CZK --ts 2026-02-10T00:00:00Z
	log_as H2B anna note "same time" --ts 2026-02-10T00:00:00Z
	log_as H4 anna email 'Offer, "final"' --subject "Re: prices" --ts 2026-11-01T23:59:59Z
}

# The stored line of the event whose id is $1.
stored() {
	grep -F "\"id\":\"$1\"" interactions.jsonl
}

@test "LOG046: -l replays the stored lines sorted by time" {
	make_history
	run --separate-stderr crm-log -l
	assert_success
	assert_equal "$stderr" ""
	assert_output "$(stored "$H1")
$(stored "$H2A")
$(stored "$H2B")
$(stored "$H3")
$(stored "$H4")"
}

@test "LOG047: events of the same time keep the order of the file" {
	local i
	for i in 1 2 3 4 5 6; do
		crm-log anna note "n$i" --ts 2026-06-01T08:00:00Z >/dev/null
	done
	crm-log anna note "earlier" --ts 2026-05-01T08:00:00Z >/dev/null
	run crm-log -l
	assert_success
	run jq -r .text <<<"$output"
	assert_output "earlier
n1
n2
n3
n4
n5
n6"
}

@test "LOG048: -l writes lines of other tools byte for byte" {
	make_history
	local odd='{ "ts" : "2026-01-01T00:00:00Z",  "id":"zz0000000000a", "customer":"'"$ANNA"'", "type":"note", "x": [1, {"y": null}], "t":"\u00e9" }'
	printf '%s\n' "$odd" >>interactions.jsonl
	run crm-log -l
	assert_success
	assert_line --index 0 "$odd"
}

@test "LOG049: -l CUSTOMER lists only that customer's history" {
	make_history
	run crm-log -l anna
	assert_success
	assert_output "$(stored "$H2A")
$(stored "$H2B")
$(stored "$H3")
$(stored "$H4")"
	run crm-log -l jiri
	assert_success
	assert_output "$(stored "$H1")"
}

@test "LOG050: --since is inclusive" {
	make_history
	run crm-log -l --since 2026-02-10
	assert_success
	assert_output "$(stored "$H2A")
$(stored "$H2B")
$(stored "$H3")
$(stored "$H4")"
	run crm-log -l --since 2026-03-01T12:00:00Z
	assert_success
	assert_output "$(stored "$H3")
$(stored "$H4")"
}

@test "LOG051: --until with a bare date includes that whole day" {
	local ts
	for ts in 2026-03-02T00:00:00Z 2026-03-01T23:59:59Z 2026-02-28T23:59:59Z 2026-03-01T00:00:00Z; do
		crm-log anna note "$ts" --ts "$ts" >/dev/null
	done
	run crm-log -l --until 2026-03-01
	assert_success
	run jq -r .ts <<<"$output"
	assert_output "2026-02-28T23:59:59Z
2026-03-01T00:00:00Z
2026-03-01T23:59:59Z"
	run crm-log -l --since 2026-03-01 --until 2026-03-01
	assert_success
	run jq -r .ts <<<"$output"
	assert_output "2026-03-01T00:00:00Z
2026-03-01T23:59:59Z"
}

@test "LOG052: --type is repeatable" {
	make_history
	run crm-log -l --type call --type purchase
	assert_success
	assert_output "$(stored "$H1")
$(stored "$H2A")"
	run crm-log -l anna --type note
	assert_success
	assert_output "$(stored "$H2B")
$(stored "$H3")"
}

@test "LOG053: -o csv has a fixed header, the customer's name and amounts in minor units" {
	make_history
	run --separate-stderr crm-log -l -o csv
	assert_success
	assert_equal "$stderr" ""
	assert_output "id,ts,customer,name,type,channel,direction,by,subject,text,amount,currency,campaign,status
$H1,2026-01-15T09:00:00Z,$JIRI,Jiří Dvořák,call,phone,out,tester,,first,,,,
$H2A,2026-02-10T00:00:00Z,$ANNA,Anna Nowak,purchase,shop,,tester,,,12999,CZK,,
$H2B,2026-02-10T00:00:00Z,$ANNA,Anna Nowak,note,other,,tester,,same time,,,,
$H3,2026-03-01T12:00:00Z,$ANNA,Anna Nowak,note,other,,tester,,third,,,,
$H4,2026-11-01T23:59:59Z,$ANNA,Anna Nowak,email,email,,tester,Re: prices,\"Offer, \"\"final\"\"\",,,,"
}

@test "LOG054: -o table shows when, customer, type, dir, what and amount" {
	make_history
	run --separate-stderr crm-log -l -o table
	assert_success
	assert_equal "$stderr" ""
	# Padding after the last column is not part of what is compared.
	run sed 's/ *$//' <<<"$output"
	assert_output - <<'EOF'
when              customer     type      dir  what                         amount
2026-01-15 09:00  Jiří Dvořák  call      out  first
2026-02-10 00:00  Anna Nowak   purchase                                    129.99 CZK
2026-02-10 00:00  Anna Nowak   note           same time
2026-03-01 12:00  Anna Nowak   note           third
2026-11-01 23:59  Anna Nowak   email          Re: prices — Offer, "final"
EOF
}

@test "LOG055: nothing to list exits 1" {
	run --separate-stderr crm-log -l
	assert_failure 1
	assert_output ""
	make_history
	run --separate-stderr crm-log -l --since 2027-01-01
	assert_failure 1
	assert_output ""
	run --separate-stderr crm-log -l --type refund
	assert_failure 1
	assert_output ""
	add_as BOB "Bob Builder"
	run --separate-stderr crm-log -l bob
	assert_failure 1
	assert_output ""
}

@test "LOG056: -l of an unknown customer or with a bad date is an error" {
	run --separate-stderr crm-log -l nobody
	assert_failure 2
	assert_equal "$stderr" "crm-log: no customer matches 'nobody' (give an id, an email or part of a name)"
	run --separate-stderr crm-log -l --since garbage
	assert_failure 2
	assert_equal "$stderr" "crm-log: --since: 'garbage' is not a date (2026-11-22, 2026-11-22T14:30, -3d, +1w, today)"
}

# --- bad lines in the history ------------------------------------------------

# A history whose second line is $1 (printf format, so \0 and \xff work).
# shellcheck disable=SC2059
history_with_bad_line() {
	printf '{"id":"0000000000001","ts":"2026-01-01T00:00:00Z","customer":"%s","type":"note","channel":"other","by":"x","text":"one"}\n' "$ANNA" >interactions.jsonl
	printf "$1\n" >>interactions.jsonl
	printf '{"id":"0000000000003","ts":"2026-01-03T00:00:00Z","customer":"%s","type":"note","channel":"other","by":"x","text":"three"}\n' "$ANNA" >>interactions.jsonl
}

# -l skips line 2 with the message $1 and lists lines 1 and 3; --strict stops.
assert_bad_line_skipped() {
	run --separate-stderr crm-log -l
	assert_success
	assert_equal "$stderr" "crm-log: interactions.jsonl:2: $1"
	assert_output "$(sed -n 1p interactions.jsonl)
$(sed -n 3p interactions.jsonl)"
	run --separate-stderr crm-log -l --strict
	assert_failure 2
	assert_equal "$stderr" "crm-log: interactions.jsonl:2: $1"
}

@test "LOG057: a truncated JSON line is reported with file:line and skipped" {
	history_with_bad_line '{"id":"x",'
	assert_bad_line_skipped "string or '}' expected near end of file"
}

@test "LOG058: a line with a duplicate key is reported and skipped" {
	history_with_bad_line '{"id":"0000000000002","id":"0000000000009","ts":"2026-01-02T00:00:00Z"}'
	assert_bad_line_skipped "duplicate object key near '\"id\"'"
}

@test "LOG059: a line with invalid UTF-8 is reported and skipped" {
	history_with_bad_line '{"id":"0000000000002","text":"\xff"}'
	assert_bad_line_skipped "invalid UTF-8 at column 31"
}

@test "LOG060: a line with a NUL byte is reported and skipped" {
	history_with_bad_line '{"id":"0000000000002","text":"a\0b"}'
	[ "$(wc -l <interactions.jsonl)" -eq 3 ]
	assert_bad_line_skipped "NUL byte in the line"
}

@test "LOG061: a bad line does not stop an append, and is kept as it was" {
	history_with_bad_line '{"id":"x",'
	cp interactions.jsonl before
	log_as ID anna note after
	run head -n 3 interactions.jsonl
	assert_output "$(cat before)"
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"other","by":"tester","text":"after"}' "$ID" "$NOW" "$ANNA")"
}

# --- usage ------------------------------------------------------------------

@test "LOG062: -n shows the line that would be appended and appends nothing" {
	run --separate-stderr crm-log -n anna note "just looking"
	assert_success
	assert_equal "$stderr" ""
	[[ $output =~ ^\{\"id\":\"([0-9a-hjkmnp-tv-z]{13})\" ]] || fail "output: $output"
	assert_output "$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"other","by":"tester","text":"just looking"}' "${BASH_REMATCH[1]}" "$NOW" "$ANNA")"
	assert_no_history
}

@test "LOG063: a missing customer or type is a usage error" {
	local usage="usage: crm-log [options] CUSTOMER TYPE [TEXT]
       crm-log --done TASK [TEXT]
       crm-log --void ID [REASON]
       crm-log -l [CUSTOMER] [--since DATE] [--until DATE] [--type TYPE] [--current]
       crm-log --import-mail PATH... [--new-leads] [-n]
       crm-log --import-calls FILE|- [--map SRC=DST]... [-n]
       crm-log --import FILE|- [--map SRC=DST]... [--set FIELD=VALUE]... [--key FIELD[,FIELD]] [--rules FILE] [-n]
Try 'crm-log --help' for more information."
	run --separate-stderr crm-log
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: a customer and a type are needed
$usage"
	run --separate-stderr crm-log anna
	assert_failure 2
	assert_equal "$stderr" "crm-log: a customer and a type are needed
$usage"
	assert_no_history
}

# --- importing call records -------------------------------------------------

# Customers with phone numbers written in different ways: Anna (Polish, with
# the country prefix), Bob (00 prefix), Cyril (Czech), and two customers
# whose numbers differ only in the country prefix, so that the national
# part alone names neither. The ids are in ANNA, BOB, CYRIL.
phone_book() {
	crm-add --update anna@example.com -p '+48 601 234 567' >/dev/null
	add_as BOB 'Bob Brown' -p '0048 602-000-111'
	add_as CYRIL 'Cyril Novák' -p '+420 603 111 222'
	crm-add 'Dieter Groß' -p '+49 605 555 555' >/dev/null
	crm-add 'Daria Wróbel' -p '+48 605 555 555' >/dev/null
	: >interactions.jsonl
}

# The history with the ids of the interactions replaced by ID.
history_without_ids() {
	sed -E 's/^\{"id":"[0-9a-hjkmnp-tv-z]{13}"/{"id":"ID"/' interactions.jsonl
}

# A call interaction as crm-log --import-calls writes it: customer, ts,
# direction, duration, number.
call_line() {
	printf '{"id":"ID","ts":"%s","customer":"%s","type":"call","channel":"phone","direction":"%s","by":"tester","duration":%s,"number":"%s"}' \
		"$2" "$1" "$3" "$4" "$5"
}

# A plain export: Anna's number in four styles, an unknown caller, Cyril,
# and a German number that only Cyril's national part would match.
plain_calls() {
	cat >calls.csv <<'CSV'
time,from,to,duration,direction
2026-11-20 09:15:00,+48 601 234 567,+48 22 100 00 00,125,in
2026-11-20 10:00:00,+48 22 100 00 00,0048601234567,2:03,out
2026-11-20T11:00:00+01:00,(601) 234-567,+48 22 100 00 00,1:02:03,in
1795188600,601-234-567,+48 22 100 00 00,0,in
2026-11-20 12:00:00,+48 500 500 500,+48 22 100 00 00,5,in
2026-11-20 13:00:00Z,+420 603 111 222,+48 22 100 00 00,0:07,in
2026-11-20 14:00:00,+49 603 111 222,+48 22 100 00 00,9,in
CSV
}

@test "LOG070: --import-calls matches numbers in four styles and writes call interactions (missed when the duration is 0)" {
	phone_book
	plain_calls
	run --separate-stderr crm-log --import-calls calls.csv
	assert_success
	assert_equal "$stderr" "crm-log: calls.csv: read 7, added 5, duplicates 0, unmatched 2, malformed 0"
	assert_equal "${#lines[@]}" 5
	for l in "${lines[@]}"; do assert_id "$l"; done
	run history_without_ids
	assert_output "$(call_line "$ANNA" 2026-11-20T09:15:00Z in 125 +48601234567)
$(call_line "$ANNA" 2026-11-20T10:00:00Z out 123 +48601234567)
$(call_line "$ANNA" 2026-11-20T10:00:00Z in 3723 601234567)
$(call_line "$ANNA" 2026-11-20T15:30:00Z in 0 601234567 | sed 's/"type":"call"/"type":"missed"/')
$(call_line "$CYRIL" 2026-11-20T13:00:00Z in 7 +420603111222)"
}

@test "LOG071: the ids printed are those of the lines appended, in order" {
	phone_book
	plain_calls
	run --separate-stderr crm-log --import-calls calls.csv
	assert_success
	assert_output "$(jq -r .id interactions.jsonl)"
}

@test "LOG072: re-importing the same file adds nothing and exits 0" {
	phone_book
	plain_calls
	crm-log --import-calls calls.csv >/dev/null 2>&1
	cp interactions.jsonl before
	run --separate-stderr crm-log --import-calls calls.csv
	assert_success
	assert_output ""
	assert_equal "$stderr" "crm-log: calls.csv: read 7, added 0, duplicates 5, unmatched 2, malformed 0"
	assert_same_file before interactions.jsonl
}

@test "LOG073: a file that grew adds only its new records" {
	phone_book
	plain_calls
	crm-log --import-calls calls.csv >/dev/null 2>&1
	cp interactions.jsonl before
	echo '2026-11-21 08:00:00,+48 22 100 00 00,+48 602 000 111,61,out' >>calls.csv
	run --separate-stderr crm-log --import-calls calls.csv
	assert_success
	assert_id "$output"
	assert_equal "$stderr" "crm-log: calls.csv: read 8, added 1, duplicates 5, unmatched 2, malformed 0"
	run head -n 5 interactions.jsonl
	assert_output "$(cat before)"
	run tail -n 1 interactions.jsonl
	assert_output "$(call_line "$BOB" 2026-11-21T08:00:00Z out 61 +48602000111 | sed "s/\"ID\"/\"${output:7:13}\"/")"
}

@test "LOG074: a call already logged in the history with the same number and time is a duplicate" {
	phone_book
	printf '{"id":"0000000000001","ts":"2026-11-20T09:15:00Z","customer":"%s","type":"call","channel":"phone","number":"+48 601-234-567"}\n' "$ANNA" >interactions.jsonl
	printf 'time,number\n2026-11-20T10:15:00+01:00,0048 601 234 567\n2026-11-20T09:16:00Z,+48601234567\n' >calls.csv
	run --separate-stderr crm-log --import-calls calls.csv
	assert_success
	assert_equal "$stderr" "crm-log: calls.csv: read 2, added 1, duplicates 1, unmatched 0, malformed 0"
	run tail -n 1 interactions.jsonl
	assert_output --partial '"ts":"2026-11-20T09:16:00Z"'
}

@test "LOG075: a repeated record within one file is imported once" {
	phone_book
	printf 'time,number\n2026-11-20 09:00:00,601234567\n2026-11-20 09:00:00,601 234 567\n' >calls.csv
	run --separate-stderr crm-log --import-calls calls.csv
	assert_success
	assert_equal "$stderr" "crm-log: calls.csv: read 2, added 1, duplicates 1, unmatched 0, malformed 0"
}

@test "LOG076: --map reads another export's columns; a number column is used as it is" {
	phone_book
	cat >export.csv <<'CSV'
Call ID,Start Time,Customer Number,Agent,Talk Time,Type
81,2026-11-20T08:00:00Z,+48 601 234 567,ewa,0:45,Inbound
82,2026-11-20T08:30:00+02:00,602 000 111,jan,1:00:00,outgoing
CSV
	run --separate-stderr crm-log --import-calls export.csv --map 'Start Time=time' \
		--map 'Customer Number=number' --map 'Talk Time=duration' --map Type=direction
	assert_success
	assert_equal "$stderr" "crm-log: export.csv: read 2, added 2, duplicates 0, unmatched 0, malformed 0"
	run history_without_ids
	assert_output "$(call_line "$ANNA" 2026-11-20T08:00:00Z in 45 +48601234567)
$(call_line "$BOB" 2026-11-20T06:30:00Z out 3600 602000111)"
}

@test "LOG077: --map of caller and callee onto from and to" {
	phone_book
	cat >pbx.csv <<'CSV'
Caller,Callee,Start,Dir,Seconds
+420 603 111 222,100,1795188600,in,12
100,+420.603.111.222,1795188660,out,
CSV
	run --separate-stderr crm-log --import-calls pbx.csv --map Caller=from --map Callee=to \
		--map Start=time --map Dir=direction --map Seconds=duration
	assert_success
	assert_equal "$stderr" "crm-log: pbx.csv: read 2, added 2, duplicates 0, unmatched 0, malformed 0"
	run history_without_ids
	assert_output "$(call_line "$CYRIL" 2026-11-20T15:30:00Z in 12 +420603111222)
$(printf '{"id":"ID","ts":"2026-11-20T15:31:00Z","customer":"%s","type":"call","channel":"phone","direction":"out","by":"tester","number":"+420603111222"}' "$CYRIL")"
}

@test "LOG078: a number without prefix whose national part two customers share is not imported" {
	phone_book
	printf 'time,number\n2026-11-20 09:00:00,605 555 555\n2026-11-20 09:01:00,+48 605 555 555\n' >calls.csv
	run --separate-stderr crm-log --import-calls calls.csv
	assert_success
	assert_equal "$stderr" "crm-log: calls.csv:2: 605555555 is the number of more than one customer; not imported
crm-log: calls.csv: read 2, added 1, duplicates 0, unmatched 1, malformed 0"
	run jq -r .number interactions.jsonl
	assert_output "+48605555555"
}

@test "LOG079: malformed records are reported with their line and the others imported" {
	phone_book
	cat >calls.csv <<'CSV'
time,from,to,duration,direction
2026-11-20 09:15:00,+48 601 234 567,x,125,in
yesterday,+48 601 234 567,x,1,in
2026-11-20 10:00:00,+48 601 234 567,x,1:70,in
2026-11-20 10:01:00,+48 601 234 567,x,1,sideways
2026-11-20 10:02:00,call me,x,1,in
"2026-11-20
10:03:00",+48 601 234 567,x,5,in
2026-11-20 10:04:00,+48 601 234 567,x,5,in,extra
2026-11-20 10:05:00,+48 601 "234",x,5,in
2026-11-20 10:06:00,,x,5,in
2026-11-20 10:07:00,+48 601 234 567,x,5,in
CSV
	run --separate-stderr crm-log --import-calls calls.csv
	assert_success
	assert_equal "$stderr" "crm-log: calls.csv:3: time: 'yesterday' is not a time (2026-11-22 14:03:00, 2026-11-22T14:03:00+01:00 or seconds since 1970)
crm-log: calls.csv:4: duration: '1:70' is not seconds, m:ss or h:mm:ss
crm-log: calls.csv:5: direction: 'sideways' is neither in nor out
crm-log: calls.csv:6: number: 'call me' is not a phone number
crm-log: calls.csv:7: time: '2026-11-20
10:03:00' is not a time (2026-11-22 14:03:00, 2026-11-22T14:03:00+01:00 or seconds since 1970)
crm-log: calls.csv:9: 6 fields, but the header has 5
crm-log: calls.csv:10: field 2: a quote inside an unquoted field or after a closing quote
crm-log: calls.csv:11: no number
crm-log: calls.csv: read 10, added 2, duplicates 0, unmatched 0, malformed 8"
	run jq -r .ts interactions.jsonl
	assert_output "2026-11-20T09:15:00Z
2026-11-20T10:07:00Z"
}

@test "LOG080: nothing matched: exit 1, and nothing appended" {
	phone_book
	printf 'time,number\n2026-11-20 09:00:00,+48 500 500 500\nnever,1\n' >calls.csv
	run --separate-stderr crm-log --import-calls calls.csv
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "crm-log: calls.csv:3: time: 'never' is not a time (2026-11-22 14:03:00, 2026-11-22T14:03:00+01:00 or seconds since 1970)
crm-log: calls.csv: read 2, added 0, duplicates 0, unmatched 1, malformed 1"
	assert_no_history
}

@test "LOG081: an export with only a header reads nothing and exits 1" {
	phone_book
	echo 'time,from,to,duration,direction' >calls.csv
	run --separate-stderr crm-log --import-calls calls.csv
	assert_failure 1
	assert_equal "$stderr" "crm-log: calls.csv: read 0, added 0, duplicates 0, unmatched 0, malformed 0"
}

@test "LOG082: a header without the needed columns is an error naming --map" {
	phone_book
	printf 'when,who\n2026-11-20 09:00:00,601234567\n' >calls.csv
	run --separate-stderr crm-log --import-calls calls.csv
	assert_failure 2
	assert_equal "$stderr" "crm-log: calls.csv:1: no 'time' column (name one with --map SRC=time)"
	run --separate-stderr crm-log --import-calls calls.csv --map when=time
	assert_failure 2
	assert_equal "$stderr" "crm-log: calls.csv:1: no 'number' column, nor 'from', 'to' and 'direction' (name them with --map SRC=DST)"
	run --separate-stderr crm-log --import-calls calls.csv --map when=time --map who=number
	assert_success
	[ "$(wc -l <interactions.jsonl)" -eq 1 ]
}

@test "LOG083: -n shows the lines it would append and appends nothing" {
	phone_book
	plain_calls
	run --separate-stderr crm-log -n --import-calls calls.csv
	assert_success
	assert_equal "$stderr" "crm-log: calls.csv: read 7, added 5, duplicates 0, unmatched 2, malformed 0 (dry run)"
	assert_equal "$(sed -E 's/^\{"id":"[0-9a-hjkmnp-tv-z]{13}"/{"id":"ID"/' <<<"$output" | head -n 1)" \
		"$(call_line "$ANNA" 2026-11-20T09:15:00Z in 125 +48601234567)"
	assert_equal "${#lines[@]}" 5
	assert_no_history
}

@test "LOG084: --import-calls - reads standard input" {
	phone_book
	plain_calls
	run --separate-stderr crm-log --import-calls - <calls.csv
	assert_success
	assert_equal "$stderr" "crm-log: <stdin>: read 7, added 5, duplicates 0, unmatched 2, malformed 0"
}

@test "LOG085: a file that cannot be read, or --map without --import-calls, is an error" {
	run --separate-stderr crm-log --import-calls missing.csv
	assert_failure 2
	assert_equal "$stderr" "crm-log: missing.csv: No such file or directory"
	run --separate-stderr crm-log --map a=b anna note x
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "crm-log: --map goes with --import or --import-calls"
	run --separate-stderr crm-log --import-calls calls.csv anna
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "crm-log: --import-calls takes no operands, and not -l or --done"
	assert_no_history
}

@test "LOG086: the import is the same under LC_ALL=C" {
	phone_book
	plain_calls
	LC_ALL=C crm-log -n --import-calls calls.csv 2>c.err | sed -E 's/"id":"[^"]*"//' >c.out
	LC_ALL=C.UTF-8 crm-log -n --import-calls calls.csv 2>u.err | sed -E 's/"id":"[^"]*"//' >u.out
	assert_same_file c.out u.out
	assert_same_file c.err u.err
}

@test "LOG087: an unanswered call (duration 0, or a status that says so) is logged as missed; a second import adds nothing" {
	phone_book
	# a contact centre's export: Polish, semicolons, Windows-1250
	printf '%s\r\n' 'Początek;Numer;Kierunek;Czas;Stan' \
		'2026-11-20 09:15:00;+48 601 234 567;przychodzące;0:00;nieodebrane' \
		'2026-11-20 09:20:00;+48 601 234 567;Przychodzące;0:45;odebrane' \
		'2026-11-20 09:30:00;+48 602 000 111;wychodzące;;Zajęte' \
		'2026-11-20 09:40:00;+420 603 111 222;in;;NO ANSWER' |
		iconv -f UTF-8 -t WINDOWS-1250 >cc.csv
	run --separate-stderr crm-log --import-calls cc.csv --encoding windows-1250 --map Początek=time \
		--map Numer=number --map Kierunek=direction --map Czas=duration --map Stan=status
	assert_success
	assert_equal "$stderr" "crm-log: cc.csv: read 4, added 4, duplicates 0, unmatched 0, malformed 0"
	run jq -r '[.type, .customer, (.duration // "")] | @tsv' interactions.jsonl
	assert_output "$(printf 'missed\t%s\t0\ncall\t%s\t45\nmissed\t%s\t\nmissed\t%s\t\n' "$ANNA" "$ANNA" "$BOB" "$CYRIL")"
	cp interactions.jsonl first
	run --separate-stderr crm-log --import-calls cc.csv --encoding windows-1250 --map Początek=time \
		--map Numer=number --map Kierunek=direction --map Czas=duration --map Stan=status
	assert_success
	assert_equal "$stderr" "crm-log: cc.csv: read 4, added 0, duplicates 4, unmatched 0, malformed 0"
	assert_same_file first interactions.jsonl
	# a missed call is no contact
	run crm-find -o csv -f name,contacts,last_contact --where 'contacts>=0 or not contacts'
	assert_line 'Bob Brown,,'
	assert_line 'Anna Nowak,1,2026-11-20T09:20:00Z'
}

@test "LOG088: --verbose lists the numbers that are no customer's; a --map of a column the export lacks is an error listing its columns" {
	phone_book
	plain_calls
	run --separate-stderr crm-log -n --import-calls calls.csv --verbose
	assert_success
	assert_equal "$stderr" "crm-log: calls.csv:6: +48500500500 is no customer's number; not imported
crm-log: calls.csv:8: +49603111222 is no customer's number; not imported
crm-log: calls.csv: read 7, added 5, duplicates 0, unmatched 2, malformed 0 (dry run)"
	run --separate-stderr crm-log --import-calls calls.csv --map Duration=duration
	assert_failure 2
	assert_equal "$stderr" "crm-log: calls.csv:1: --map 'Duration=duration': no column 'Duration' (the columns: time, from, to, duration, direction)"
	run --separate-stderr crm-log --verbose anna note x
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-log: --delimiter, --encoding and --verbose go with --import or --import-calls'
	assert_no_history
}

@test "LOG089: a date past 9999-12-31 is an error, not clamped to an earlier one" {
	run --separate-stderr crm-log anna task "Some day" --due +9000y
	assert_failure 2
	assert_equal "$stderr" "crm-log: --due: '+9000y' falls outside the years 0000 to 9999"
	CRM_NOW=9999-12-31T12:00:00Z run --separate-stderr crm-log anna task "Tomorrow" --due +1d
	assert_failure 2
	assert_equal "$stderr" "crm-log: --due: '+1d' falls outside the years 0000 to 9999"
	run --separate-stderr crm-log anna task "Late" --due 9999-12-31T23:30:00-01:00
	assert_failure 2
	assert_equal "$stderr" "crm-log: --due: '9999-12-31T23:30:00-01:00' is not a date (2026-11-22, 2026-11-22T14:30, -3d, +1w, today)"
	assert_no_history
	run --separate-stderr crm-log -l --since +9000y
	assert_failure 2
	assert_equal "$stderr" "crm-log: --since: '+9000y' falls outside the years 0000 to 9999"
	# the last day is still a day
	CRM_NOW=9999-12-30 run --separate-stderr crm-log anna task "Last" --due +1d
	assert_success
	run jq -r .due interactions.jsonl
	assert_output 9999-12-31T00:00:00Z
}

# --- closing a task by its customer or its text ------------------------------

@test "LOG090: --done CUSTOMER closes the customer's only open task, named as customers are" {
	add_as ZOFIA "Zofia Żółć" -e zofia@example.com
	log_as T1 anna task "Call back" --due +3d
	log_as T2 zofia task "Przygotować umowę"
	log_as DONE --done zolc "Umowa wysłana"
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"done","channel":"other","by":"tester","ref":"%s","text":"Umowa wysłana"}' "$DONE" "$NOW" "$ZOFIA" "$T2")"
	log_as DONE2 --done anna@example.com
	run jq -r .ref <(last_line)
	assert_output "$T1"
	# nothing open any more
	run --separate-stderr crm-log --done anna
	assert_failure 2
	assert_equal "$stderr" "crm-log: Anna Nowak ($ANNA) has no open task"
	run wc -l <interactions.jsonl
	assert_output 4
}

@test "LOG091: --done CUSTOMER with several open tasks lists them by due date and writes nothing" {
	log_as T1 anna task "Send the offer"
	log_as T2 anna task "Call back" --due 2026-12-01
	log_as T3 anna task "Visit" --due +3d
	log_as D --done "$T3"
	log_as T4 anna task "Book a room" --due 2026-11-20
	run --separate-stderr crm-log --done Nowak
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "$stderr" "crm-log: Anna Nowak ($ANNA) has 3 open tasks; say which by id or by part of its text:
  $T4  2026-11-20  Book a room
  $T2  2026-12-01  Call back
  $T1  -  Send the offer"
	run wc -l <interactions.jsonl
	assert_output 5
}

@test "LOG092: --done takes a unique part of an open task's text, without regard to case or diacritics" {
	add_as BOB "Bob Brown" -e bob@example.com
	log_as T1 anna task "Wysłać ÓFERTĘ"
	log_as T2 bob task "Call Anna back"
	log_as T3 bob task "call the bank"
	log_as DONE --done oferte
	run jq -r '.ref + " " + .customer' <(last_line)
	assert_output "$T1 $ANNA"
	# the text of a task already done is no candidate
	run --separate-stderr crm-log --done oferte
	assert_failure 2
	assert_equal "$stderr" "crm-log: oferte: no customer and no open task's text matches it"
	run --separate-stderr crm-log --done CALL
	assert_failure 2
	assert_equal "$stderr" "crm-log: 'CALL' is in the text of 2 open tasks; say which by id:
  $T2  -  Call Anna back
  $T3  -  call the bank"
	log_as DONE2 --done "the bank"
	run jq -r .ref <(last_line)
	assert_output "$T3"
	run wc -l <interactions.jsonl
	assert_output 5
}

@test "LOG093: --done of a part of several customers' names that no open task's text holds names the customers" {
	add_as ANNE "Anne Nowicka" -e anne@example.com
	log_as T1 anna task "Call back"
	run --separate-stderr crm-log --done "now"
	assert_failure 2
	assert_equal "$stderr" "crm-log: 'now' matches 2 customers; say which by id or email:
  $ANNA  Anna Nowak  anna@example.com
  $ANNE  Anne Nowicka  anne@example.com"
	run wc -l <interactions.jsonl
	assert_output 1
}

@test "LOG094: -l --type task lists tasks with their id, due date and status as columns" {
	add_as BOB "Bob Brown" -e bob@example.com
	log_as T1 anna task "Call back" --due +3d --ts 2026-11-20T09:00:00Z
	log_as T2 bob task "Send the offer" --subject Offer --ts 2026-11-21T08:30:00Z
	log_as D --done "$T1" --ts 2026-11-21T12:00:00Z
	run -0 crm-log -l --type task -o table
	assert_output "id             due         status  when              customer    what
$T1  2026-11-25  done    2026-11-20 09:00  Anna Nowak  Call back
$T2              open    2026-11-21 08:30  Bob Brown   Offer — Send the offer"
	run -0 crm-log -l bob --type task -o csv
	assert_output "id,ts,customer,name,due,status,by,subject,text
$T2,2026-11-21T08:30:00Z,$BOB,Bob Brown,,open,tester,Offer,Send the offer"
	# as of --until, before the task was done, it was open
	run -0 crm-log -l anna --type task --until 2026-11-21T10:00:00Z -o tsv
	assert_output "$(printf 'id\tts\tcustomer\tname\tdue\tstatus\tby\tsubject\ttext\n%s\t2026-11-20T09:00:00Z\t%s\tAnna Nowak\t2026-11-25T00:00:00Z\topen\ttester\t\tCall back' "$T1" "$ANNA")"
}

# A history with merge records, as two clones leave it after a pull: OLD
# was merged into MID, MID into Anna; lines logged on OLD and MID, some
# after the records in the file, some before; and a line of someone else.
merged_history() {
	add_as BEN "Ben Berg" -e ben@example.com
	cat >interactions.jsonl <<EOF2
{"id":"h1","ts":"2026-01-05T10:00:00Z","customer":"old","type":"note","text":"on old"}
{"id":"m1","ts":"2026-02-01T10:00:00Z","customer":"mid","type":"merge","ref":"old","by":"ola"}
{"id":"m2","ts":"2026-03-01T10:00:00Z","customer":"$ANNA","type":"merge","ref":"mid","by":"ola"}
{"id":"h2","ts":"2026-03-02T10:00:00Z","customer":"$BEN","type":"note","text":"Ben's"}
{"id":"h3","ts":"2026-01-10T10:00:00Z","customer" : "mid","type":"call","text":"on mid"}
{"id":"h4","ts":"2026-03-03T10:00:00Z","customer":"$ANNA","type":"note","text":"on Anna"}
EOF2
}

@test "LOG095: -l CUSTOMER has the lines of those merged into it (through any number of merge records), shown as its" {
	merged_history
	run --separate-stderr crm-log -l anna
	assert_success
	assert_equal "$stderr" ""
	# only the customer value changes; the rest of a line is as stored
	assert_output "{\"id\":\"h1\",\"ts\":\"2026-01-05T10:00:00Z\",\"customer\":\"$ANNA\",\"type\":\"note\",\"text\":\"on old\"}
{\"id\":\"h3\",\"ts\":\"2026-01-10T10:00:00Z\",\"customer\" : \"$ANNA\",\"type\":\"call\",\"text\":\"on mid\"}
{\"id\":\"m1\",\"ts\":\"2026-02-01T10:00:00Z\",\"customer\":\"$ANNA\",\"type\":\"merge\",\"ref\":\"old\",\"by\":\"ola\"}
{\"id\":\"m2\",\"ts\":\"2026-03-01T10:00:00Z\",\"customer\":\"$ANNA\",\"type\":\"merge\",\"ref\":\"mid\",\"by\":\"ola\"}
{\"id\":\"h4\",\"ts\":\"2026-03-03T10:00:00Z\",\"customer\":\"$ANNA\",\"type\":\"note\",\"text\":\"on Anna\"}"
	run --separate-stderr crm-log -l ben -o csv -f x 2>/dev/null || true
	run --separate-stderr crm-log -l ben -o csv
	assert_success
	assert_output "id,ts,customer,name,type,channel,direction,by,subject,text,amount,currency,campaign,status
h2,2026-03-02T10:00:00Z,$BEN,Ben Berg,note,,,,,Ben's,,,,"
	# the whole history: the customers they are now, with their names
	run --separate-stderr crm-log -l -o csv
	assert_success
	assert_output "id,ts,customer,name,type,channel,direction,by,subject,text,amount,currency,campaign,status
h1,2026-01-05T10:00:00Z,$ANNA,Anna Nowak,note,,,,,on old,,,,
h3,2026-01-10T10:00:00Z,$ANNA,Anna Nowak,call,,,,,on mid,,,,
m1,2026-02-01T10:00:00Z,$ANNA,Anna Nowak,merge,,,ola,,,,,,
m2,2026-03-01T10:00:00Z,$ANNA,Anna Nowak,merge,,,ola,,,,,,
h2,2026-03-02T10:00:00Z,$BEN,Ben Berg,note,,,,,Ben's,,,,
h4,2026-03-03T10:00:00Z,$ANNA,Anna Nowak,note,,,,,on Anna,,,,"
	# the file is left as it was
	assert_equal "$(grep -c '"customer":"old"' interactions.jsonl)" 1
}

@test "LOG096: -l shows a mail's campaign and status, and when in the time zone of crm.conf" {
	echo 'timezone = Europe/Warsaw' >>crm.conf
	cat >interactions.jsonl <<EOF
{"id":"e1","ts":"2026-07-01T08:00:00Z","customer":"$ANNA","type":"email","channel":"email","direction":"out","by":"ola","subject":"Summer sale","campaign":"summer","status":"sent"}
{"id":"e2","ts":"2026-11-20T23:30:00Z","customer":"$ANNA","type":"email","channel":"email","direction":"out","by":"ola","subject":"Winter sale","campaign":"winter","status":"failed"}
{"id":"e3","ts":"2026-11-21T09:00:00Z","customer":"$ANNA","type":"email","channel":"email","direction":"out","by":"ola","subject":"Winter sale","campaign":"winter","status":"pending"}
EOF
	run --separate-stderr crm-log -l anna -o table
	assert_success
	assert_equal "$stderr" ""
	run sed 's/ *$//' <<<"$output"
	# summer time (+2) and winter time (+1); 23:30 UTC is the next day in Warsaw
	assert_output - <<'EOF'
when              customer    type   dir  what                                   amount
2026-07-01 10:00  Anna Nowak  email  out  Summer sale, campaign summer, sent
2026-11-21 00:30  Anna Nowak  email  out  Winter sale, campaign winter, failed
2026-11-21 10:00  Anna Nowak  email  out  Winter sale, campaign winter, pending
EOF
	run --separate-stderr crm-log -l anna -o csv
	assert_line --index 2 "e2,2026-11-20T23:30:00Z,$ANNA,Anna Nowak,email,email,out,ola,Winter sale,,,,winter,failed"
}

# --- tickets ----------------------------------------------------------------

@test "LOG097: a ticket opens open and normal; a later event with --ref changes its status and owner" {
	log_as T anna ticket "Parcel arrived broken" --priority high --ts 2026-11-22T08:00:00Z
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"2026-11-22T08:00:00Z","customer":"%s","type":"ticket","channel":"web","by":"tester","text":"Parcel arrived broken","status":"open","priority":"high"}' "$T" "$ANNA")"
	log_as C anna ticket "A new one is on its way" --ref "$T" --status pending --owner piotr
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"ticket","channel":"web","by":"tester","text":"A new one is on its way","ref":"%s","status":"pending","owner":"piotr"}' "$C" "$NOW" "$ANNA" "$T")"
	log_as T2 anna ticket --subject "Invoice"
	run jq -c '[.subject, .status, .priority]' <(last_line)
	assert_output '["Invoice","open","normal"]'
}

@test "LOG098: ticket options are checked and a --ref must name a ticket's first event of the customer" {
	run -2 --separate-stderr crm-log anna note hi --priority high
	assert_equal "$stderr" "crm-log: --priority, --status and --owner go with ticket"
	run -2 --separate-stderr crm-log anna ticket hi --priority urgent
	assert_equal "$stderr" "crm-log: --priority: urgent: unknown (use one of: low, normal, high)"
	run -2 --separate-stderr crm-log anna ticket hi --status done
	assert_equal "$stderr" "crm-log: --status: done: unknown (use one of: open, pending, solved, closed)"
	run -2 --separate-stderr crm-log anna note hi --ref x
	assert_equal "$stderr" "crm-log: --ref goes with deal and ticket"
	log_as N anna note "not a ticket"
	run -2 --separate-stderr crm-log anna ticket --ref "$N" --status solved
	assert_equal "$stderr" "crm-log: --ref $N: no ticket has this id"
	log_as T anna ticket "Broken"
	log_as C anna ticket --ref "$T" --status pending
	run -2 --separate-stderr crm-log anna ticket --ref "$C" --status solved
	assert_equal "$stderr" "crm-log: --ref $C: a change of a ticket; give the ticket's first event ($T)"
	add_as BOB "Bob Brown" -e bob@example.com
	run -2 --separate-stderr crm-log bob ticket --ref "$T" --status solved
	assert_equal "$stderr" "crm-log: --ref $T: the ticket belongs to another customer ($ANNA)"
	run wc -l <interactions.jsonl
	assert_output 3
}

@test "LOG099: -l --current shows each deal and ticket once, by its first event, in its current state" {
	log_as T anna ticket "Broken" --ts 2026-11-01T09:00:00Z
	log_as D anna deal --stage new --amount 100 --ts 2026-11-02T09:00:00Z
	log_as N anna note "Called" --ts 2026-11-03T09:00:00Z
	log_as C1 anna ticket "Sent a new one" --ref "$T" --status pending --owner piotr --ts 2026-11-04T09:00:00Z
	log_as D2 anna deal --stage won --ref "$D" --ts 2026-11-05T09:00:00Z
	log_as C2 anna ticket --ref "$T" --status solved --ts 2026-11-06T09:00:00Z
	run -0 crm-log -l anna --current
	assert_output - <<EOF
{"id":"$T","ts":"2026-11-01T09:00:00Z","customer":"$ANNA","type":"ticket","channel":"web","by":"tester","text":"Broken","status":"solved","priority":"normal","owner":"piotr","updated":"2026-11-06T09:00:00Z"}
{"id":"$D","ts":"2026-11-02T09:00:00Z","customer":"$ANNA","type":"deal","channel":"other","by":"tester","amount":10000,"currency":"EUR","stage":"won","probability":100,"updated":"2026-11-05T09:00:00Z"}
{"id":"$N","ts":"2026-11-03T09:00:00Z","customer":"$ANNA","type":"note","channel":"other","by":"tester","text":"Called"}
EOF
	run -0 crm-log -l --current -o table
	run sed 's/ *$//' <<<"$output"
	assert_output - <<'EOF'
when              customer    type    dir  what                                          amount
2026-11-01 09:00  Anna Nowak  ticket       Broken, solved, normal priority, owner piotr
2026-11-02 09:00  Anna Nowak  deal         stage won                                     100.00 EUR
2026-11-03 09:00  Anna Nowak  note         Called
EOF
	run -2 --separate-stderr crm-log anna note x --current
	assert_equal "${stderr%%$'\n'*}" "crm-log: --since, --until, --type and --current go with -l"
}

# --- corrections --------------------------------------------------------------

@test "LOG100: --void ID [REASON] appends a void of the event; -l shows the void, not the event" {
	log_as P anna purchase --amount 900 --ts 2026-11-01T09:00:00Z
	log_as N anna note "Called" --ts 2026-11-02T09:00:00Z
	log_as V --void "$P" "Entered twice"
	assert_equal "$(last_line)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"void","channel":"other","by":"tester","ref":"%s","text":"Entered twice"}' "$V" "$NOW" "$ANNA" "$P")"
	run -0 crm-log -l anna -o table
	run sed 's/ *$//' <<<"$output"
	assert_output - <<EOF
when              customer    type  dir  what                                amount
2026-11-02 09:00  Anna Nowak  note       Called
2026-11-22 10:00  Anna Nowak  void       Entered twice, voids $P
EOF
	run -0 crm-find -i -f id,type -o csv
	assert_output "id,type
$N,note
$V,void"
	# crm-check takes it as it is
	run -0 crm-check
}

@test "LOG101: --void refuses what is not there, a void, a merge record and a second void" {
	log_as P anna purchase --amount 10
	run -2 --separate-stderr crm-log --void 0000000000000
	assert_equal "$stderr" "crm-log: --void 0000000000000: no event has this id"
	log_as V --void "$P"
	run -2 --separate-stderr crm-log --void "$P"
	assert_equal "$stderr" "crm-log: --void $P: the event is already voided"
	run -2 --separate-stderr crm-log --void "$V"
	assert_equal "$stderr" "crm-log: --void $V: a void cannot be voided (log the event again instead)"
	printf '{"id":"m1","ts":"2026-11-01T00:00:00Z","customer":"%s","type":"merge","ref":"0gone0gone0go","by":"x"}\n' "$ANNA" >>interactions.jsonl
	run -2 --separate-stderr crm-log --void m1
	assert_equal "$stderr" "crm-log: --void m1: a merge record cannot be voided"
	run -2 --separate-stderr crm-log --void "$P" -l
	assert_equal "${stderr%%$'\n'*}" "crm-log: --void goes alone, without -l, --done or an import"
	run wc -l <interactions.jsonl
	assert_output 3
}

@test "LOG102: a voided purchase leaves revenue in crm-find, crm-report top and crm-segment --rfm alike" {
	add_as JAN "Jan Kos" -e jan@example.com
	crm-log anna purchase --amount 100 --ts 2026-10-01T09:00:00Z >/dev/null
	log_as P anna purchase --amount 900 --ts 2026-11-01T09:00:00Z
	crm-log jan purchase --amount 500 --ts 2026-11-02T09:00:00Z >/dev/null
	run -0 crm-find -f name,revenue,purchases -o csv
	assert_output 'name,revenue,purchases
Anna Nowak,1000.00,2
Jan Kos,500.00,1'
	crm-log --void "$P" "Entered twice" >/dev/null
	run -0 crm-find -f name,revenue,purchases,last_purchase -o csv
	assert_output 'name,revenue,purchases,last_purchase
Anna Nowak,100.00,1,2026-10-01T09:00:00Z
Jan Kos,500.00,1,2026-11-02T09:00:00Z'
	run -0 crm-find --where 'revenue>200' -f name -o csv
	assert_output 'name
Jan Kos'
	run -0 crm-report top -o csv
	assert_output "rank,id,name,revenue,currency,purchases,last_purchase,last_contact
1,$JAN,Jan Kos,500.00,EUR,1,2026-11-02T09:00:00Z,2026-11-02T09:00:00Z
2,$ANNA,Anna Nowak,100.00,EUR,1,2026-10-01T09:00:00Z,2026-10-01T09:00:00Z"
	run -0 crm-report revenue -o csv
	assert_output 'period,currency,orders,refunds,revenue,aov
2026-10,EUR,1,0,100.00,100.00
2026-11,EUR,1,0,500.00,500.00'
	run -0 crm-segment --rfm -o csv
	run cut -d, -f2,15- <<<"$output"
	assert_output 'name,f,m,rfm,segment
Anna Nowak,3,3,333,Need Attention
Jan Kos,5,5,555,Champions'
}

@test "LOG103: crm-check: a void needs a ref; voiding a done whose task is missing puts the history right" {
	printf '{"id":"d1","ts":"2026-11-01T09:00:00Z","customer":"%s","type":"done","channel":"other","by":"x","ref":"0nothing0here"}\n' "$ANNA" >interactions.jsonl
	run -2 --separate-stderr crm-check
	assert_equal "$output" "interactions.jsonl:1: ref 0nothing0here: no task has this id"
	log_as V --void d1 "closed nothing"
	run -0 crm-check
	printf '{"id":"v2","ts":"2026-11-01T09:00:00Z","customer":"%s","type":"void","channel":"other","by":"x"}\n' "$ANNA" >>interactions.jsonl
	run -2 --separate-stderr crm-check
	assert_equal "$output" "interactions.jsonl:3: a void needs a ref: the event it cancels"
}
