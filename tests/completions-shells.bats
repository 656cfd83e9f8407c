#!/usr/bin/env bats
# The zsh and fish completions (completions/_crm, completions/crm.fish), run
# in the shells: zsh's completion system driven through a pseudo-terminal
# (tests/comp/zsh-complete.zsh), fish's through complete -C. Both ask the
# programs (--complete-options, --complete-values, --complete-commands).

load helper

# What zsh offers for each LINE: "== LINE", the candidates, "DESC: ..."
# lines, "BUFFER: ..." (the line after the <Tab>).
zcomp() {
	command -v zsh >/dev/null || fail "zsh is not installed (make deps-test)"
	# as a person types names with diacritics: in a UTF-8 locale, whatever the
	# tests run in
	LC_ALL=C.UTF-8 zsh -f "$TOP/tests/comp/zsh-complete.zsh" "$TOP/completions" "$@"
}

# What fish offers for LINE: "CANDIDATE<TAB>DESCRIPTION" lines, sorted.
fcomp() {
	command -v fish >/dev/null || fail "fish is not installed (make deps-test)"
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$TOP/completions/crm.fish" "$1" |
		LC_ALL=C sort
}

# Two customers, one with a task open, a country, a stage, an owner and tags.
customers() {
	new_crm
	add_as ANNA 'Anna Nowak' -e anna@example.pl --country PL --owner ewa --tag vip
	add_as JIRI 'Jiří Dvořák' -e jiri@example.cz --country CZ --stage customer --tag 'trade fair'
	TASK=$(crm-log anna@example.pl task 'send the offer' --due 2026-12-01)
}

@test "COMPZ001: zsh: options and their help from the program's table, values after them" {
	customers
	run zcomp 'crm-find --wh' 'crm-rm --f' 'crm-add --stage ' 'crm-log --ty'
	assert_success
	assert_output "$(cat <<'OUT'
== crm-find --wh
--where
DESC: --where  -- keep records for which EXPR holds (see crm-expr(7))
BUFFER: crm-find --where=
== crm-rm --f
--forget
DESC: --forget  -- also erase every interaction of theirs (right to erasure)
BUFFER: crm-rm --forget 
== crm-add --stage 
churned
customer
lead
prospect
BUFFER: crm-add --stage 
== crm-log --ty
--type
DESC: --type  -- with -l: only interactions of this type (repeatable)
BUFFER: crm-log --type=
OUT
)"
}

@test "COMPZ002: zsh: customers by name (quoted), e-mail or id, described" {
	customers
	run zcomp 'crm-rm Ji' 'crm-log ann' "crm-add --update ${ANNA:0:12}"
	assert_success
	assert_output "$(cat <<OUT
== crm-rm Ji
Jiří\\ Dvořák
DESC: Jiří Dvořák -- $JIRI
DESC: jiri@example.cz -- Jiří Dvořák
BUFFER: crm-rm Jiří\\ Dvořák 
== crm-log ann
anna@example.pl
DESC: Anna Nowak -- $ANNA
DESC: anna@example.pl -- Anna Nowak
BUFFER: crm-log anna@example.pl 
== crm-add --update ${ANNA:0:12}
$ANNA
DESC: $ANNA -- Anna Nowak
BUFFER: crm-add --update $ANNA 
OUT
)"
}

@test "COMPZ003: zsh: --done offers the open tasks with their text" {
	customers
	run zcomp 'crm-log --done '
	assert_success
	assert_output "$(cat <<OUT
== crm-log --done 
$TASK
DESC: $TASK -- send the offer
BUFFER: crm-log --done $TASK 
OUT
)"
}

@test "COMPZ004: zsh: --where field names and the values of country, stage, owner and tags" {
	customers
	run zcomp 'crm-find --where cou' 'crm-rm -w country=' 'crm-segment --where owner=' 'crm-find --where tags=t' 'crm-mail --where stage=c'
	assert_success
	assert_output "$(cat <<'OUT'
== crm-find --where cou
country
BUFFER: crm-find --where country
== crm-rm -w country=
country=CZ
country=PL
BUFFER: crm-rm -w country=
== crm-segment --where owner=
owner=ewa
BUFFER: crm-segment --where owner=ewa
== crm-find --where tags=t
tags=\"trade\ fair\"
BUFFER: crm-find --where tags=\"trade\ fair\"
== crm-mail --where stage=c
stage=customer
BUFFER: crm-mail --where stage=customer
OUT
)"
}

@test "COMPZ005: zsh: crm's commands, crm-report's reports, segments of segments.conf" {
	customers
	printf 'Big spenders: revenue>1000\n' >segments.conf
	run zcomp 'crm rep' 'crm report su' 'crm-segment --only Bi' 'crm log --ty'
	assert_success
	assert_output "$(cat <<'OUT'
== crm rep
report
DESC: report  -- predefined reports
BUFFER: crm report 
== crm report su
summary
DESC: summary  -- customers, contacts, revenue and tasks in a few figures
BUFFER: crm report summary 
== crm-segment --only Bi
Big\ spenders
DESC: Big spenders -- segments.conf
BUFFER: crm-segment --only Big\ spenders 
== crm log --ty
--type
DESC: --type  -- with -l: only interactions of this type (repeatable)
BUFFER: crm log --type=
OUT
)"
}

@test "COMPF001: fish: options with their help from the program's table" {
	customers
	run fcomp 'crm-find --wh'
	assert_output "$(printf -- '--where\tkeep records for which EXPR holds (see crm-expr(7))')"
	run fcomp 'crm-rm -'
	assert_line "$(printf -- '--where\tremove every customer for which EXPR holds (as crm-find --where)')"
	assert_line "$(printf -- '-a\twith --where: = and != also ignore diacritics (as crm-find -a)')"
	run fcomp 'crm log --ty'
	assert_output "$(printf -- '--type\twith -l: only interactions of this type (repeatable)')"
	run fcomp 'crm-find --color='
	assert_output "$(printf -- '--color=%s\n' always auto never)"
}

@test "COMPF002: fish: customers, tasks with their text, types after a customer" {
	customers
	run fcomp 'crm-rm Ji'
	assert_output "$(printf 'Jiří Dvořák\t%s' "$JIRI")"
	run fcomp 'crm-log anna@'
	assert_output "$(printf 'anna@example.pl\tAnna Nowak')"
	run fcomp 'crm-log --done '
	assert_output "$(printf '%s\tsend the offer' "$TASK")"
	run fcomp "crm-log anna@example.pl p"
	assert_output 'purchase'
}

@test "COMPF003: fish: --where fields and values, -d, segments, reports, crm's commands" {
	customers
	run fcomp 'crm-find --where cou'
	assert_output 'country'
	run fcomp 'crm-rm --where country='
	assert_output "$(printf '%s\n' country=CZ country=PL)"
	run fcomp 'crm-find --where=tags='
	assert_output "$(printf '%s\n' '--where=tags="trade fair"' --where=tags=vip)"
	cd ..
	run fcomp 'crm-find -d acme --where owner='
	assert_output 'owner=ewa'
	cd acme
	printf 'Big spenders: revenue>1000\n' >segments.conf
	run fcomp 'crm-segment --only B'
	assert_output "$(printf 'Big spenders\tsegments.conf')"
	run fcomp 'crm report su'
	assert_output "$(printf 'summary\tcustomers, contacts, revenue and tasks in a few figures')"
	run fcomp 'crm rep'
	assert_output "$(printf 'report\tpredefined reports')"
}

@test "COMPS001: zsh and fish: crm-auto's operands are the rules of automations.conf" {
	customers
	printf 'vip: when revenue>1 do tag +vip\n# quiet: not a rule\nwinback: when segment=x do mail \\\n  w.eml\n' >automations.conf
	run fcomp 'crm-auto -n w'
	assert_output "$(printf 'winback\tautomations.conf')"
	run zcomp 'crm-auto v'
	assert_success
	assert_output "$(cat <<'OUT'
== crm-auto v
vip
DESC: vip -- automations.conf
BUFFER: crm-auto vip 
OUT
)"
}
