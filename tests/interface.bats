#!/usr/bin/env bats
# One interface: the same options and words in every program, and errors
# that offer the nearest valid names when one is mistyped.

bats_require_minimum_version 1.5.0
load helper

local_setup() {
	new_crm
	add_as c 'Zofia Kamińska' -e zofia@example.pl --country PL
}

@test "IFACE001: a mistyped long option names the nearest ones" {
	run -2 crm-add --emial x@example.pl
	assert_line --index 0 "crm-add: unknown option '--emial' (did you mean --email?)"
	run -2 crm-find --limt 3
	assert_line --index 0 "crm-find: unknown option '--limt' (did you mean --limit?)"
	run -2 crm-report activity --untill 2026-01-01
	assert_line --index 0 "crm-report: unknown option '--untill' (did you mean --until?)"
	# nothing near: no guess
	run -2 crm-find --frobnicate
	assert_line --index 0 "crm-find: unknown option '--frobnicate'"
}

@test "IFACE002: a mistyped field in --where, -f or --sort names the nearest one" {
	run -2 crm-find --where 'contry=PL'
	assert_output "crm-find: --where: 1:1: unknown field 'contry' (did you mean country?)"
	run -2 crm-find -f id,nmae
	assert_output "crm-find: -f: unknown field 'nmae' (did you mean name?)"
	run -2 crm-find --sort revnue
	assert_output "crm-find: --sort: unknown field 'revnue' (did you mean revenue?)"
	# far from every field: the known ones are listed
	run -2 crm-find --where 'xyzzy=1'
	assert_output --partial "crm-find: --where: 1:1: unknown field 'xyzzy' (known: id, name, email"
}

@test "IFACE003: a mistyped report, type, channel, stage or segment names the nearest one" {
	run -2 crm-report revnue
	assert_output "crm-report: revnue: no such report (did you mean revenue?)"
	run -2 crm-log "$c" caal 'Hello'
	assert_output "crm-log: caal: unknown type (did you mean call?)"
	run -2 crm-log "$c" call --channel phnoe
	assert_output "crm-log: --channel: phnoe: unknown (did you mean phone?)"
	run -2 crm-log "$c" deal --stage wonn
	assert_output "crm-log: --stage: wonn: unknown (did you mean won?)"
	run -2 crm-segment --rfm --only 'Champoins'
	assert_output "crm-segment: --only: Champoins: no such segment (did you mean Champions?)"
	run -2 crm-segment --lifecycle --only nwe
	assert_output "crm-segment: --only: nwe: no such segment (did you mean new?)"
	# nothing is written by a command that fails so
	run cat interactions.jsonl
	assert_output ''
}

@test "IFACE004: a name near two others offers both" {
	run -2 crm-log "$c" deal --stage lst
	assert_output "crm-log: --stage: lst: unknown (did you mean lost?)"
	run -2 crm-segment --lifecycle --only los
	assert_output "crm-segment: --only: los: no such segment (did you mean lost?)"
	run -2 crm-report cohort
	assert_output "crm-report: cohort: no such report (did you mean cohorts?)"
	run -2 crm-log "$c" snote
	assert_output "crm-log: snote: unknown type (did you mean note?)"
	run -2 crm-log "$c" dote
	assert_output "crm-log: dote: unknown type (did you mean note or done?)"
	# two letters away in a short word is too far for a guess
	run -2 crm-log "$c" mal
	assert_output --partial "crm-log: mal: unknown type (use one of: note, call"
}

@test "IFACE005: --where in crm-segment and crm-report takes what piping through crm-find --where takes" {
	add_as d 'Jiří Dvořák' -e jiri@example.cz --country CZ
	add_as e 'Петър Петров' -e petar@example.bg --country BG
	crm-log "$c" purchase --amount 100 >/dev/null
	crm-log "$d" purchase --amount 200 >/dev/null
	crm-log "$d" purchase --amount 50 >/dev/null
	crm-log "$e" call 'Hello' >/dev/null
	run -0 crm-segment --rfm --where 'country=PL or country=CZ' -o csv
	local direct=$output
	run -0 bash -c "crm-find --where 'country=PL or country=CZ' | crm-segment --rfm -o csv"
	assert_equal "$direct" "$output"
	run -0 crm-report revenue --by year --where 'revenue>100' -o csv
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026,EUR,2,0,250.00,125.00
EOF
	run -0 bash -c "crm-find --where 'revenue>100' | crm-report revenue --by year -o csv"
	assert_output - <<'EOF'
period,currency,orders,refunds,revenue,aov
2026,EUR,2,0,250.00,125.00
EOF
	run -0 crm-report segments --where 'country=CZ' -o csv
	assert_output - <<'EOF'
segment,customers,share,revenue,aov,days_since_purchase
Champions,1,100.0,250.00,125.00,0
EOF
}

@test "IFACE006: crm-find -a ignores diacritics in --where comparisons too" {
	add_as d 'Jiří Dvořák' -e jiri@example.cz --country CZ --city Plzeň
	crm-add --update "$c" --city Kraków >/dev/null
	run -0 crm-find -a --where 'city=krakow' -f name -o csv
	assert_output $'name\nZofia Kamińska'
	run -0 crm-find -a --where 'name="jiri dvorak" or city=PLZEN' -f name -o csv
	assert_output $'name\nJiří Dvořák'
	# without -a the diacritics count
	run -1 crm-find --where 'city=krakow'
}

@test "IFACE007: every program's --help states the exit statuses its manual lists" {
	local p man help_st man_st
	for p in crm-init crm-add crm-log crm-rm crm-find crm-segment crm-report crm-mail crm-check crm-merge; do
		man=$TOP/man/$p.1
		help_st=$("$p" --help | sed -n 's/^Exit status: //p' | grep -oE '(^|, )[0-9]' | tr -dc '0-9')
		man_st=$(awk '/^\.Sh EXIT STATUS/ { f = 1; next } /^\.Sh/ { f = 0 } f && /^\.It [0-9]/ { printf "%s", $2 }' "$man")
		[[ -n $help_st ]] || fail "$p --help states no exit status"
		assert_equal "$p: $help_st" "$p: $man_st"
	done
	run -0 crm-check --help
	assert_line 'Exit status: 0 no problem found, 2 problems found or the check could not be made (1 is not used).'
	run -0 crm-merge --help
	assert_line 'Exit status: 0 merged cleanly, 1 merged with conflicts, 2 error.'
}

@test "IFACE008: the manual pages render the examples as written" {
	run -0 bash -c "MANWIDTH=200 mandoc -Tascii '$TOP/man/crm-init.1'"
	assert_output --partial 'git add . && git commit'
	refute_output --partial 'git add.'
	run -0 bash -c "mandoc -Tascii '$TOP/man/crm-log.1'"
	refute_output --partial 'four forms'
}

@test "IFACE009: a loop's input on standard input is not taken for customers: the error says how to read the directory's" {
	add_as d 'Jiří Dvořák' -e jiri@example.cz
	run -2 bash -c 'printf "zofia\njiri\n" | while read -r n; do crm-find "$n" -f name -o csv; done'
	assert_output "crm-find: <stdin>:1: standard input is read as customers, but it has no 'id' column; to read the directory's customers.csv instead, give the command </dev/null (in a 'while read' loop, standard input is the loop's)"
	run -0 bash -c 'printf "zofia\njiri\n" | while read -r n; do crm-find "$n" -f name -o csv </dev/null || exit; done'
	assert_output $'name\nZofia Kamińska\nname\nJiří Dvořák'
	# a header with an id is a stream, however few columns it has
	run -0 bash -c "printf 'id\n%s\n' '$d' | crm-find -o csv"
	assert_output "$(printf 'id\n%s' "$d")"
}
