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
	for p in crm-init crm-add crm-log crm-rm crm-find crm-segment crm-report crm-mail crm-auto crm-check crm-merge crm-diff; do
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

# The output of a command run on a terminal of COLUMNS columns (script(1)
# gives it one), without its carriage returns.
on_terminal() {
	local cols=$1
	shift
	COLUMNS=$cols script -qec "$*" /dev/null | tr -d '\r'
}

@test "IFACE010: on a terminal, a table of customers shows the columns that fit: id, name, e-mail, phone, company, stage first" {
	crm-add --update "$c" --phone '+48 601 234 567' --company 'Kamińska i Syn Sp. z o.o.' --city Kraków >/dev/null
	# the company (26 columns) does not fit beside the others; the stage and
	# then the country do
	run -0 on_terminal 80 crm-find
	assert_output - <<EOF
crm-find: 6 of 13 columns shown to fit the terminal; -f FIELDS or --wide for others
id             name            email             phone            stage  country
$c  Zofia Kamińska  zofia@example.pl  +48 601 234 567  lead   PL
EOF
	run -0 on_terminal 200 crm-find -f name,city
	assert_output - <<'EOF'
name            city
Zofia Kamińska  Kraków
EOF
	# --wide shows every column; times are shown in the zone, as a person reads them
	printf 'currency = EUR\ntimezone = Europe/Warsaw\n' >crm.conf
	run -0 on_terminal 80 crm-find --wide
	assert_line --index 0 --regexp '^id +name +email +phone +company +country +city +tags +owner +stage +consent +created +updated$'
	assert_line --index 1 --partial '2026-11-22 11:00  2026-11-22 11:00'
	# a table for people elsewhere too shows every column, times in the
	# zone; CSV, the stream between programs, keeps them as stored
	run -0 crm-find -o table
	assert_line --index 0 --regexp '^id +name +email +phone +company +country +city +tags +owner +stage +consent +created +updated$'
	assert_line --index 1 --partial '2026-11-22 11:00'
	run -0 crm-find -o csv
	assert_line --index 1 --partial '2026-11-22T10:00:00Z'
}

@test "IFACE011: crm help lists the other crm-* programs on PATH, each once, sorted; crm NAME runs them" {
	mkdir p1 p2 p2/crm-adir
	printf '#!/bin/sh\necho "zeta: $*"\n' >p1/crm-zeta
	printf '#!/bin/sh\necho "alpha: $*"; exit 3\n' >p2/crm-alpha
	chmod +x p1/crm-zeta p2/crm-alpha
	cp p1/crm-zeta p2/crm-zeta       # the same name twice: listed once
	cp p1/crm-zeta p2/crm-find       # a program of the toolkit: not listed again
	printf 'not a program\n' >p2/crm-text # not executable: no command
	local bin
	bin=$(dirname "$(command -v crm)")
	PATH="$PWD/p1:$PWD/p2:$bin:/usr/bin:/bin" run --separate-stderr crm help
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 "usage: crm COMMAND [ARGS...]"
	assert_equal "$(sed -n '/^other crm-\* programs on PATH:$/,/^$/p' <<<"$output")" "other crm-* programs on PATH:
  alpha
  zeta"
	# after the toolkit's own, before the last line
	assert_equal "$(tail -n 7 <<<"$output")" "  diff      git diff driver: customers field by field

other crm-* programs on PATH:
  alpha
  zeta

'crm help COMMAND' shows the options of one."
	# crm NAME runs crm-NAME from PATH with the arguments, and exits with its status
	PATH="$PWD/p1:$PWD/p2:$bin:/usr/bin:/bin" run --separate-stderr crm alpha 'x y' z
	assert_equal "$status" 3
	assert_output "alpha: x y z"
	PATH="$PWD/p1:$PWD/p2:$bin:/usr/bin:/bin" run --separate-stderr crm zeta
	assert_success
	assert_output "zeta: "
	# crm find is still the toolkit's, found beside crm
	PATH="$PWD/p1:$PWD/p2:$bin:/usr/bin:/bin" run --separate-stderr crm find -f name
	assert_success
	assert_output "name
Zofia Kamińska"
	# no crm-* of anyone else: no such section
	PATH="$bin:/usr/bin:/bin" run crm help
	refute_line --partial "other crm-*"
	# a file that is no program, a path: no command
	PATH="$PWD/p1:$PWD/p2:$bin:/usr/bin:/bin" run --separate-stderr crm text
	assert_failure 2
	PATH="$PWD/p1:$PWD/p2:$bin:/usr/bin:/bin" run --separate-stderr crm ../p1/crm-zeta
	assert_failure 2
	assert_equal "$stderr" "crm: '../p1/crm-zeta' is not a crm command; see 'crm help'"
}

# "LETTER LONG PROGRAM" for every short option in the --help of every program.
short_letters() {
	local p
	for p in "$TOP"/bin/crm-*; do
		"$p" --help | sed -nE "s|^ +-([[:alnum:]]), --([[:alnum:]-]+).*|\1 \2 ${p##*/}|p"
	done
}

@test "IFACE012: a short letter means the same long option in every program that has it" {
	run short_letters
	assert_success
	# the parse found the options (every program has -h and -V)
	assert_equal "$(grep -c '^h help ' <<<"$output")" "$(ls "$TOP"/bin/crm-* | wc -l)"
	assert_line "w where crm-find"
	run awk '{ if (($1 in long) && long[$1] != $2) print "-" $1 ": --" long[$1] " (" prog[$1] ") and --" $2 " (" $3 ")"; else { long[$1] = $2; prog[$1] = $3 } }' <<<"$output"
	assert_success
	assert_output ""
}

@test "IFACE013: crm(7) has the table of the short letters, as the programs' --help say them" {
	local table
	table=$(mandoc -Tutf8 "$TOP/man/crm.7" | col -bx | sed -n '/^   Short options$/,/^   Naming a customer$/p' |
		sed -nE 's/^ +-([[:alnum:]]) +--([[:alnum:]-]+).*/\1 \2/p' | sort)
	[ -n "$table" ] || fail "no table of short options in crm(7)"
	assert_equal "$table" "$(short_letters | cut -d' ' -f1,2 | sort -u)"
}
