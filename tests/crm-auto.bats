#!/usr/bin/env bats
# crm-auto: the rules of automations.conf, once per customer, recorded in
# the history; every; deal.stage and segment; mail through crm-mail; bad
# rules; -n.

bats_require_minimum_version 1.5.0
load helper

ANNA=c000000000001
JIRI=c000000000002
PETAR=c000000000003
EVA=c000000000004

# Four customers: Anna (customer, opt-in, owner anna, bought 600.00 and won
# a deal), Jiří (customer, opt-out, bought 100.00), Петър (churned, bought
# 900.00), Eva (lead, opt-in, a deal opened and lost, no purchase).
local_setup() {
	new_crm
	cat >customers.csv <<-EOF
		id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
		$ANNA,Anna Nowak,anna@example.pl,,,PL,Kraków,,anna,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
		$JIRI,Jiří Dvořák,jiri@example.cz,,,CZ,Brno,fair,jan,customer,opt-out,2026-01-06T09:00:00Z,2026-01-06T09:00:00Z
		$PETAR,Петър Петров,petar@example.bg,,,BG,София,,,churned,opt-in,2026-01-07T09:00:00Z,2026-01-07T09:00:00Z
		$EVA,Eva Svobodová,eva@example.cz,,,CZ,Praha,,,lead,opt-in,2026-01-08T09:00:00Z,2026-01-08T09:00:00Z
	EOF
	cat >interactions.jsonl <<-EOF
		{"id":"e01","ts":"2026-10-01T09:00:00Z","customer":"$ANNA","type":"purchase","channel":"shop","amount":60000,"currency":"EUR"}
		{"id":"e02","ts":"2026-11-01T09:00:00Z","customer":"$JIRI","type":"purchase","channel":"shop","amount":10000,"currency":"EUR"}
		{"id":"e03","ts":"2026-05-01T09:00:00Z","customer":"$PETAR","type":"purchase","channel":"shop","amount":90000,"currency":"EUR"}
		{"id":"d01","ts":"2026-11-10T09:00:00Z","customer":"$ANNA","type":"deal","channel":"other","stage":"proposal","probability":50}
		{"id":"d02","ts":"2026-11-20T09:00:00Z","customer":"$ANNA","type":"deal","channel":"other","stage":"won","probability":100,"ref":"d01"}
		{"id":"d03","ts":"2026-11-01T09:00:00Z","customer":"$EVA","type":"deal","channel":"other","stage":"new","probability":10}
		{"id":"d04","ts":"2026-11-15T09:00:00Z","customer":"$EVA","type":"deal","channel":"other","stage":"lost","probability":0,"ref":"d03"}
	EOF
	printf 'currency = EUR\nfrom = Sklep Acme <sklep@acme.example>\n' >crm.conf
}

# The auto records of the history: customer, rule, what it did.
autos() {
	jq -r 'select(.type == "auto") | [.customer, .subject, .text, .by, .ts] | join(" | ")' interactions.jsonl
}

@test "AUTO001: a rule acts once per customer: a second run does nothing and exits 1" {
	echo 'vip: when revenue>500 do tag +vip' >automations.conf
	run --separate-stderr crm-auto
	assert_success
	assert_output "vip: $ANNA Anna Nowak: tag +vip"
	assert_equal "$stderr" "crm-auto: 1 done, 0 failed"
	# Петър bought more, but left: not touched
	run -0 crm-find -f id,tags,updated -o csv
	assert_output "id,tags,updated
$ANNA,vip,2026-11-22T10:00:00Z
$JIRI,fair,2026-01-06T09:00:00Z
$PETAR,,2026-01-07T09:00:00Z
$EVA,,2026-01-08T09:00:00Z"
	run -0 autos
	assert_output "$ANNA | vip | tag +vip | tester | 2026-11-22T10:00:00Z"
	cp customers.csv before.csv
	cp interactions.jsonl before.jsonl
	run --separate-stderr crm-auto
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "crm-auto: 0 done, 0 failed"
	assert_same_file customers.csv before.csv
	assert_same_file interactions.jsonl before.jsonl
}

@test "AUTO002: task: the text and owner take the customer's fields; due is counted from now; crm-log -l shows the rule" {
	cat >automations.conf <<-'EOF'
		# calls to make
		quiet: when last_purchase<-30d and stage=customer \
		       do task "Call {{name}} ({{city}})" due +2d owner=$owner
	EOF
	run --separate-stderr crm-auto
	assert_success
	assert_output "quiet: $ANNA Anna Nowak: task \"Call Anna Nowak (Kraków)\" due 2026-11-24 owner=anna"
	run -0 jq -c 'select(.type == "task") | del(.id)' interactions.jsonl
	assert_output "{\"ts\":\"2026-11-22T10:00:00Z\",\"customer\":\"$ANNA\",\"type\":\"task\",\"channel\":\"other\",\"by\":\"tester\",\"text\":\"Call Anna Nowak (Kraków)\",\"due\":\"2026-11-24T00:00:00Z\",\"owner\":\"anna\"}"
	run -0 crm-log -l "$ANNA" -o jsonl
	assert_line --partial '"subject":"quiet","text":"task \"Call Anna Nowak (Kraków)\" due 2026-11-24 owner=anna"'
	run -0 crm-report followups -o csv
	assert_output --partial "Call Anna Nowak (Kraków)"
}

@test "AUTO003: every: the rule acts again once that long has passed, if its condition still holds" {
	echo 'nudge: when stage=lead do task "Nudge {{name}}" due +1d every 30d' >automations.conf
	run -0 --separate-stderr crm-auto
	assert_output "nudge: $EVA Eva Svobodová: task \"Nudge Eva Svobodová\" due 2026-11-23"
	run -1 --separate-stderr crm-auto
	CRM_NOW=2026-12-22T09:59:59Z run -1 --separate-stderr crm-auto
	assert_output ""
	CRM_NOW=2026-12-22T10:00:00Z run -0 --separate-stderr crm-auto
	assert_output "nudge: $EVA Eva Svobodová: task \"Nudge Eva Svobodová\" due 2026-12-23"
	CRM_NOW=2026-12-23T10:00:00Z run -1 --separate-stderr crm-auto
	run -0 jq -r 'select(.type == "task") | .due' interactions.jsonl
	assert_output $'2026-11-23T00:00:00Z\n2026-12-23T00:00:00Z'
	# once Eva is no lead any more, nothing
	crm-add --update "$EVA" --stage prospect >/dev/null
	CRM_NOW=2027-02-01T10:00:00Z run -1 --separate-stderr crm-auto
}

@test "AUTO004: deal.stage is the current stage of the customer's last deal, folded from its events" {
	cat >automations.conf <<-'EOF'
		onboarding: when deal.stage=won do set owner=onboarding
		lost:       when deal.stage=lost do tag +lost-deal
	EOF
	run --separate-stderr crm-auto
	assert_success
	assert_output "onboarding: $ANNA Anna Nowak: set owner=onboarding
lost: $EVA Eva Svobodová: tag +lost-deal"
	run -0 crm-find -f id,tags,owner -o csv
	assert_output "id,tags,owner
$ANNA,,onboarding
$JIRI,fair,jan
$PETAR,,
$EVA,lost-deal,"
	# a new deal of Eva's, later: its stage is the one
	printf '{"id":"d05","ts":"2026-11-21T09:00:00Z","customer":"%s","type":"deal","channel":"other","stage":"won"}\n' "$EVA" >>interactions.jsonl
	run -0 --separate-stderr crm-auto onboarding
	assert_output "onboarding: $EVA Eva Svobodová: set owner=onboarding"
}

@test "AUTO005: segment is the RFM segment crm-segment --rfm gives, ranked among all the customers" {
	# by hand: R ranks Петър (205 days), Anna (52), Jiří (21): 2, 4, 5; F
	# ties (one purchase each) go by id: Anna 2, Jiří 4, Петър 5
	run -0 bash -c "crm-segment --rfm -o csv | mlr --icsv --ocsv cut -f id,segment"
	assert_output "id,segment
$ANNA,Potential Loyalists
$JIRI,Champions
$PETAR,Can't Lose
$EVA,Prospects"
	echo "seg: when segment=Champions or segment=\"Can't Lose\" or segment=Prospects do tag +seg" >automations.conf
	run -0 --separate-stderr crm-auto -n
	assert_output "seg: $JIRI Jiří Dvořák: tag +seg
seg: $EVA Eva Svobodová: tag +seg"
	run -0 --separate-stderr crm-auto -n --include-churned
	assert_output "seg: $JIRI Jiří Dvořák: tag +seg
seg: $PETAR Петър Петров: tag +seg
seg: $EVA Eva Svobodová: tag +seg"
}

@test "AUTO006: mail goes through crm-mail: consent, the frequency cap and the campaign's ledger apply" {
	printf 'Subject: {{first_name}}, we miss you\n\nCome back, {{first_name}}.\n' >templates/winback.eml
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s/sent"\ncat >/dev/null\n' "$WORK" >"$WORK/fake-sendmail"
	chmod +x "$WORK/fake-sendmail"
	printf 'sendmail = %s\n' "$WORK/fake-sendmail" >>crm.conf
	# Eva was mailed three days ago: within the 7 days of the cap
	printf '{"id":"m01","ts":"2026-11-19T09:00:00Z","customer":"%s","type":"email","channel":"email","direction":"out","campaign":"news","status":"sent"}\n' "$EVA" >>interactions.jsonl
	echo 'winback: when stage=customer or stage=lead do mail winback.eml' >automations.conf
	run --separate-stderr crm-auto
	assert_success
	assert_output "winback: $ANNA Anna Nowak: mail winback.eml"
	assert_equal "$stderr" "crm-mail: $JIRI: skipped: no opt-in consent
crm-mail: $EVA: skipped: mailed on 2026-11-19, within 7 days
crm-mail: 1 sent, 2 skipped, 0 failed
crm-auto: 1 done, 0 failed"
	run -0 cat "$WORK/sent"
	assert_output "-- anna@example.pl"
	run -0 jq -r 'select(.campaign == "auto-winback") | [.customer, .status] | join(" ")' interactions.jsonl
	assert_output "$ANNA pending
$ANNA sent"
	run -0 autos
	assert_output "$ANNA | winback | mail winback.eml | tester | 2026-11-22T10:00:00Z"
	# a week on, Eva may be mailed; Anna is not mailed again
	CRM_NOW=2026-11-27T10:00:00Z run --separate-stderr crm-auto
	assert_success
	assert_output "winback: $EVA Eva Svobodová: mail winback.eml"
	run -0 cat "$WORK/sent"
	assert_output "-- anna@example.pl
-- eva@example.cz"
}

@test "AUTO007: a bad rule is automations.conf:LINE: message, and no rule runs" {
	cp customers.csv before.csv
	cp interactions.jsonl before.jsonl
	cat >automations.conf <<-'EOF'
		vip: when revenue>500 do tag +vip

		onboarding: when deal.stage=won do task "Onboarding" due +2d
		quiet: when revnue>100 do tag +quiet
	EOF
	run --separate-stderr crm-auto
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-auto: automations.conf:4: quiet: unknown field 'revnue' (did you mean revenue?)"
	assert_same_file customers.csv before.csv
	assert_same_file interactions.jsonl before.jsonl
	local rule msg
	while IFS='|' read -r rule msg; do
		printf '%s\n' "$rule" >automations.conf
		run --separate-stderr crm-auto
		assert_failure 2
		assert_equal "$stderr" "crm-auto: automations.conf:1: $msg"
	done <<-'EOF'
		a: when revenue>1 do tagg +x|a: unknown action 'tagg' (did you mean tag?)
		a: when revenue>1 do tag vip|a: tag: expected +TAG or -TAG
		a: when revenue>1|a: expected 'do ACTION' after the condition
		a: if revenue>1 do tag +x|a: expected 'when' after the name
		a: when revenue>1 do task "Call {{nme}}" due +1d|a: unknown field 'nme' (did you mean name?)
		a: when revenue>1 do task Call due soon|a: due soon: expected a date (2026-12-01) or a time from now (+2d, +1w)
		a: when revenue>1 do tag +x every 3x|a: every 3x: expected a whole number of hours, days or weeks (12h, 30d, 2w)
		a: when revenue>1 do set consent=maybe|a: set: consent "maybe": must be opt-in, opt-out or empty
		a: when revenue>1 do set id=x|a: set: id is kept by crm and cannot be set
		a: when revenue>1 do mail nothere.eml|a: mail: no template nothere.eml (nor templates/nothere.eml)
		a: when revenue>1 do tag "+x|a: a quote is not closed
	EOF
	printf 'a: when revenue>1 do tag +x\na: when revenue>2 do tag +y\n' >automations.conf
	run --separate-stderr crm-auto
	assert_failure 2
	assert_equal "$stderr" "crm-auto: automations.conf:2: a: a second rule of this name (the first is on line 1)"
	rm automations.conf
	run --separate-stderr crm-auto
	assert_failure 2
	assert_equal "$stderr" "crm-auto: automations.conf: no rules (write lines NAME: when CONDITION do ACTION; see crm-auto(1))"
	assert_same_file customers.csv before.csv
	assert_same_file interactions.jsonl before.jsonl
}

@test "AUTO008: -n prints what would be done and changes nothing" {
	cat >automations.conf <<-'EOF'
		vip: when revenue>50 do tag +vip
		untag: when tags~fair do tag -fair
		call: when stage=lead do task "Call $name" due 2026-12-01
	EOF
	cp customers.csv before.csv
	cp interactions.jsonl before.jsonl
	run --separate-stderr crm-auto -n
	assert_success
	assert_output "vip: $ANNA Anna Nowak: tag +vip
vip: $JIRI Jiří Dvořák: tag +vip
untag: $JIRI Jiří Dvořák: tag -fair
call: $EVA Eva Svobodová: task \"Call Eva Svobodová\" due 2026-12-01"
	assert_equal "$stderr" "crm-auto: 4 done, 0 failed (dry run)"
	assert_same_file customers.csv before.csv
	assert_same_file interactions.jsonl before.jsonl
	# a rule by name; one that is not there
	run -0 --separate-stderr crm-auto -n untag
	assert_output "untag: $JIRI Jiří Dvořák: tag -fair"
	run --separate-stderr crm-auto -n vipp
	assert_failure 2
	assert_equal "$stderr" "crm-auto: automations.conf: no rule 'vipp' (did you mean vip?)"
	echo 'none: when revenue>100000 do tag +x' >automations.conf
	run -1 --separate-stderr crm-auto -n
}

@test "AUTO009: customers who left are skipped unless --include-churned" {
	echo 'big: when revenue>800 do tag +big' >automations.conf
	run -1 --separate-stderr crm-auto
	run -0 --separate-stderr crm-auto --include-churned
	assert_output "big: $PETAR Петър Петров: tag +big"
}

@test "AUTO010: run: the customer as CSV with its header on stdin; the command may write to the CRM directory under the lock crm-auto holds" {
	cat >automations.conf <<-'EOF'
		hook: when stage=lead do run cat >"$CRM_AUTO_RULE.csv"; crm-log "$(tail -n 1 "$CRM_AUTO_RULE.csv" | cut -d, -f1)" note "from $CRM_AUTO_RULE" >/dev/null
		fail: when tags~fair do run exit 3
	EOF
	CRM_LOCK_TIMEOUT=2 run --separate-stderr crm-auto
	assert_failure 2
	assert_output "hook: $EVA Eva Svobodová: run cat >\"\$CRM_AUTO_RULE.csv\"; crm-log \"\$(tail -n 1 \"\$CRM_AUTO_RULE.csv\" | cut -d, -f1)\" note \"from \$CRM_AUTO_RULE\" >/dev/null"
	assert_equal "$stderr" "crm-auto: fail: customer $JIRI: the command failed (exit 3)
crm-auto: 1 done, 1 failed"
	run -0 cat hook.csv
	assert_output "id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
$EVA,Eva Svobodová,eva@example.cz,,,CZ,Praha,,,lead,opt-in,2026-01-08T09:00:00Z,2026-01-08T09:00:00Z"
	run -0 jq -r 'select(.type == "note") | [.customer, .text] | join(" ")' interactions.jsonl
	assert_output "$EVA from hook"
	# the failed one is not recorded: it is tried again
	run -0 autos
	assert_output --partial "| hook |"
	refute_output --partial "| fail |"
	[ ! -e .crm.lock ]
}

@test "AUTO011: set: a value from a field must pass the column's rule at run time; the others are done" {
	printf 'mail: when stage=lead or stage=customer do set email={{city}}\n' >automations.conf
	run --separate-stderr crm-auto
	assert_failure 2
	assert_output ""
	assert_equal "$(grep -c 'automations.conf:1: mail: customer' <<<"$stderr")" 3
	assert_equal "$(tail -n 1 <<<"$stderr")" "crm-auto: 0 done, 3 failed"
}
