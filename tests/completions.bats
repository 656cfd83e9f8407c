#!/usr/bin/env bats
# The bash completion (completions/crm.bash): what a <TAB> offers.

load helper

# shellcheck source=SCRIPTDIR/../completions/crm.bash
source "$TOP/completions/crm.bash"

# The interaction types, as the completion sorts them.
TYPES=$(printf '%s\n' bounce call chat deal 'done' email meeting missed note purchase refund sms survey task ticket)

# Complete LINE as bash does with the cursor at its end: split it into
# COMP_WORDS as readline would (at blanks, and at the COMP_WORDBREAKS
# characters, which form words of their own; '...' quotes), call the
# completion function and print COMPREPLY, one a line, sorted.
comp() {
	local line=$1 brk='@><=;|&(:' w='' kind='' c i q=0
	local -a cw=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if ((q)); then
			w+=$c
			[[ $c == "'" ]] && q=0
		elif [[ $c == [[:space:]] ]]; then
			[[ -n $w ]] && cw+=("$w")
			w='' kind=''
		elif [[ $brk == *"$c"* ]]; then
			[[ -n $w && $kind != brk ]] && { cw+=("$w"); w=''; }
			w+=$c kind=brk
		else
			[[ -n $w && $kind == brk ]] && { cw+=("$w"); w=''; }
			[[ $c == "'" ]] && q=1
			w+=$c kind=word
		fi
	done
	cw+=("$w")
	COMP_WORDBREAKS=$' \t\n"\''$brk
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_WORDS=("${cw[@]}")
	COMP_CWORD=$((${#cw[@]} - 1))
	COMPREPLY=()
	_crm_complete "${cw[0]}" "${cw[COMP_CWORD]}" "${cw[COMP_CWORD - 1]}"
	if ((${#COMPREPLY[@]})); then
		printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
	fi
}

# Two customers in the CRM directory "acme", entered.
two_customers() {
	new_crm
	add_as ANNA 'Anna Nowak' -e anna@example.pl
	add_as JIRI 'Jiří Dvořák' -e jiri@example.cz
}

@test "crm: the subcommands whose program is installed, and help" {
	mkdir progs
	printf '#!/bin/sh\n' >progs/crm && chmod +x progs/crm
	cp progs/crm progs/crm-add
	cp progs/crm progs/crm-log
	PATH=$WORK/progs:/usr/bin:/bin run comp 'crm '
	assert_success
	assert_output "$(printf '%s\n' add help log)"
}

@test "crm: the programs beside crm count as installed" {
	mkdir progs
	printf '#!/bin/sh\n' >progs/crm && chmod +x progs/crm
	cp progs/crm progs/crm-rm
	PATH=/usr/bin:/bin run comp 'progs/crm '
	assert_output "$(printf '%s\n' help rm)"
}

@test "crm: every subcommand when none is found" {
	PATH=/usr/bin:/bin run comp 'crm '
	assert_output "$(printf '%s\n' add auto check diff find help init log mail merge report rm segment)"
}

@test "crm: a subcommand by its start" {
	run comp 'crm l'
	assert_output 'log'
	run comp 'crm help rm'
	assert_output 'rm'
	run comp 'crm help r'
	assert_output "$(printf '%s\n' report rm)"
	run comp 'crm -'
	assert_output "$(printf '%s\n' --help --version -V -h)"
}

@test "crm: the rest of the line is completed as the program's" {
	run comp 'crm log --ty'
	assert_output '--type'
	run comp 'crm add --stage p'
	assert_output 'prospect'
}

@test "crm: an unknown subcommand offers nothing and fails nothing" {
	run comp 'crm frobnicate --x'
	assert_success
	assert_output ''
}

@test "option names" {
	run comp 'crm-log --ty'
	assert_output '--type'
	run comp 'crm-rm --f'
	assert_output '--forget'
	run comp 'crm-init -'
	assert_output "$(printf '%s\n' --git --help --version -V -h)"
	run comp 'crm-add --co'
	assert_output "$(printf '%s\n' --company --consent --country)"
}

@test "an option whose value must be attached is offered with its =" {
	run comp 'crm-log --co'
	assert_output '--color='
}

@test "crm-log --type: the interaction types" {
	run comp 'crm-log --type '
	assert_output "$TYPES"
	run comp 'crm-log -l --type p'
	assert_output 'purchase'
}

@test "--stage: customer stages for crm-add, deal stages for crm-log" {
	run comp 'crm-add --stage '
	assert_output "$(printf '%s\n' churned customer lead prospect)"
	run comp 'crm-log --stage '
	assert_output "$(printf '%s\n' lost negotiation new proposal qualified won)"
}

@test "fixed values: consent, format, channel, currency, rating" {
	run comp 'crm-add --consent '
	assert_output "$(printf '%s\n' opt-in opt-out)"
	run comp 'crm-log -o '
	assert_output "$(printf '%s\n' csv html json jsonl md table tsv)"
	run comp 'crm-log --format j'
	assert_output "$(printf '%s\n' json jsonl)"
	run comp 'crm-log --channel s'
	assert_output "$(printf '%s\n' shop sms)"
	run comp 'crm-log --currency '
	assert_output "$(printf '%s\n' BGN CZK EUR PLN USD)"
	run comp 'crm-log --rating '
	assert_output "$(printf '%s\n' 1 2 3 4 5)"
}

@test "--currency: the currency codes for crm-find, crm-segment, crm-mail and crm-report" {
	local p
	for p in crm-find crm-segment crm-mail crm-report; do
		# (crm-find has --current too)
		run comp "$p --currenc"
		assert_output '--currency'
		run comp "$p --currency "
		assert_output "$(printf '%s\n' BGN CZK EUR PLN USD)"
		run comp "$p --currency=C"
		assert_output 'CZK'
	done
	run comp 'crm segment --currency P'
	assert_output 'PLN'
	# the value is skipped: -f still offers the fields of an interaction
	run comp 'crm-find --currency EUR -i -f cur'
	assert_output 'currency'
}

@test "--opt=VALUE: only the part after = is replaced" {
	run comp 'crm-log --color='
	assert_output "$(printf '%s\n' always auto never)"
	run comp 'crm-log --color=al'
	assert_output 'always'
	run comp 'crm-add --consent=opt-o'
	assert_output 'opt-out'
}

@test "free-text values offer nothing" {
	run comp 'crm-add -e '
	assert_output ''
	run comp 'crm-log --subject '
	assert_output ''
}

@test "-d and crm-init: directories; --import: files" {
	mkdir acme beta
	: >accounts.csv
	run comp 'crm-log -d a'
	assert_output 'acme'
	run comp 'crm-rm --dir=b'
	assert_output 'beta'
	run comp 'crm-init '
	assert_output "$(printf '%s\n' acme beta)"
	run comp 'crm-add --import ac'
	assert_output "$(printf '%s\n' accounts.csv acme)"
}

@test "customers: ids, e-mails and names of the CRM directory" {
	two_customers
	run comp 'crm-rm '
	assert_output "$(printf '%s\n' "$ANNA" "$JIRI" anna@example.pl jiri@example.cz 'Anna Nowak' 'Jiří Dvořák' | LC_ALL=C sort)"
	run comp 'crm-log j'
	assert_output 'jiri@example.cz'
	run comp "crm-add --update ${ANNA:0:4}"
	assert_output "$(printf '%s\n' "$ANNA" "$JIRI" | grep "^${ANNA:0:4}" | LC_ALL=C sort)"
}

@test "customers: after the @ of an e-mail only the rest is replaced" {
	two_customers
	run comp 'crm-rm anna@'
	assert_output 'example.pl'
	run comp 'crm log anna@ex'
	assert_output 'example.pl'
	run comp 'crm-add --update=anna@'
	assert_output 'example.pl'
}

@test "crm-log: CUSTOMER, then TYPE, then nothing" {
	two_customers
	run comp 'crm-log anna@example.pl '
	assert_output "$TYPES"
	run comp "crm-log --subject 'Hi there' --in $ANNA ch"
	assert_output 'chat'
	run comp 'crm-log anna@example.pl note '
	assert_output ''
}

@test "crm-log: -l takes one customer, --done a task and a text" {
	two_customers
	run comp 'crm-log -l a'
	assert_output 'anna@example.pl'
	run comp 'crm-log -l anna@example.pl '
	assert_output ''
	run comp 'crm-log --done 1m86e40ngwt93 '
	assert_output ''
}

@test "crm-log --done: the ids of the open tasks" {
	two_customers
	local t1 t2 t3
	t1=$(crm-log anna task 'Call back')
	t2=$(crm-log jiri task 'Send the offer' --due +3d)
	t3=$(crm-log anna task 'Visit')
	crm-log --done "$t3" >/dev/null
	run comp 'crm-log --done '
	assert_output "$(printf '%s\n' "$t1" "$t2" | LC_ALL=C sort)"
	run comp "crm-log --done=$t2"
	assert_output "$t2"
	# a task done is not offered
	run comp "crm-log --done $t3"
	assert_output ''
}

@test "customers: the directory from -d, --dir=, -nd, CRM_DIR or a parent" {
	two_customers
	cd "$WORK"
	run comp 'crm-rm a'
	assert_output ''
	run comp 'crm-rm -d acme a'
	assert_output 'anna@example.pl'
	run comp 'crm-rm --dir=acme a'
	assert_output 'anna@example.pl'
	run comp 'crm-rm -nd acme a'
	assert_output 'anna@example.pl'
	CRM_DIR=$WORK/acme run comp 'crm-rm a'
	assert_output 'anna@example.pl'
	cd acme/templates
	run comp 'crm-rm a'
	assert_output 'anna@example.pl'
}

@test "customers: quoted fields, line breaks in them, a BOM and CRLF" {
	printf '\357\273\277id,name,email,note\r\n' >customers.csv
	printf '%s\r\n' \
		'01aaaaaaaa,"Nowak, Anna",anna@example.pl,' \
		'01bbbbbbbb,"Kowalski ""Jan""",jan@example.pl,"two' \
		'lines, and a comma"' \
		'01cccccccc,Petra,,' >>customers.csv
	run comp 'crm-rm '
	assert_output "$(printf '%s\n' 01aaaaaaaa 01bbbbbbbb 01cccccccc 'Kowalski "Jan"' 'Nowak, Anna' Petra anna@example.pl jan@example.pl)"
}

@test "after -- every word is an operand" {
	two_customers
	run comp 'crm-rm -- -'
	assert_output ''
	run comp 'crm-log -- anna@example.pl --t'
	assert_output ''
}

@test "crm-find is registered, and its options" {
	run complete -p crm-find
	assert_success
	run comp 'crm find --whe'
	assert_output '--where'
	run comp 'crm-find --co'
	assert_output "$(printf '%s\n' --color= --count)"
}

@test "crm-find -o: the output formats" {
	run comp 'crm-find -o '
	assert_output "$(printf '%s\n' csv html json jsonl md table tsv vcard)"
	run comp 'crm-find -io j'
	assert_output "$(printf '%s\n' json jsonl)"
	run comp 'crm-find -i -o v'
	assert_output ''
	run comp 'crm-segment --format v'
	assert_output 'vcard'
	run comp 'crm-find --color=n'
	assert_output 'never'
	run comp 'crm-find --limit '
	assert_output ''
}

@test "crm-find --sort: a field, or the field and :desc" {
	run comp 'crm-find --sort rev'
	assert_output "$(printf '%s\n' revenue revenue:desc)"
	new_crm
	run comp 'crm-find --sort rev'
	assert_output "$(printf '%s\n' revenue revenue:desc)"
	run comp 'crm-find --sort cr'
	assert_output "$(printf '%s\n' created created:desc)"
	run comp 'crm-find --sort revenue:'
	assert_output 'desc'
	run comp 'crm-find --sort=last_c'
	assert_output "$(printf '%s\n' last_campaign last_campaign:desc last_contact last_contact:desc)"
}

@test "crm-find -f: the columns of customers.csv and the derived fields" {
	run comp 'crm-find -f '
	assert_output "$(printf '%s\n' avg_rating contacts first_contact last_campaign last_contact last_purchase open_tasks open_tickets purchases revenue)"
	new_crm
	run comp 'crm-find -f c'
	assert_output "$(printf '%s\n' city company consent contacts country created)"
	run comp 'crm-find -f name,e'
	assert_output 'name,email'
	# bash replaces only what follows the =
	run comp 'crm-find --fields=name,c'
	assert_output "$(printf '%s\n' name,city name,company name,consent name,contacts name,country name,created)"
	run comp 'crm-find -f city,company,co'
	assert_output "$(printf '%s\n' city,company,consent city,company,contacts city,company,country)"
	cd "$WORK"
	run comp 'crm-find -d acme -f cr'
	assert_output 'created'
}

@test "crm-find -f: header names quoted, with a BOM and CRLF" {
	printf '\357\273\277id,"Full name","say ""hi""",revenue\r\n01aaaaaaaa,Anna,x,1\r\n' >customers.csv
	run comp 'crm-find -f '
	assert_output "$(printf '%s\n' 'Full name' avg_rating contacts first_contact id last_campaign last_contact last_purchase open_tasks open_tickets purchases revenue 'say "hi"')"
}

@test "crm-find -i: the fields of an interaction" {
	new_crm
	run comp 'crm-find -i -f ty'
	assert_output 'type'
	run comp 'crm-find --interactions --sort s'
	assert_output "$(printf '%s\n' score score:desc stage stage:desc status status:desc subject subject:desc)"
	run comp 'crm-find -ci -w c'
	assert_output "$(printf '%s\n' campaign channel close currency customer)"
	run comp 'crm find --inter -f d'
	assert_output "$(printf '%s\n' direction due duration)"
	# not as the value of an option
	run comp 'crm-find -w -i -f ty'
	assert_output ''
}

@test "crm-find -w: a field at the start of the expression" {
	new_crm
	run comp 'crm-find -w re'
	assert_output 'revenue'
	run comp "crm-find -w 'cou"
	assert_output 'country'
	run comp 'crm-find --where=last_p'
	assert_output 'last_purchase'
	run comp 'crm-find -w revenue>1'
	assert_output ''
}

@test "crm-find: PATTERN offers nothing" {
	two_customers
	run comp 'crm-find a'
	assert_output ''
}

@test "crm-segment --rules: a file" {
	run complete -p crm-segment
	assert_success
	touch rules.conf
	run comp 'crm-segment --ru'
	assert_output '--rules'
	run comp 'crm-segment --rules ru'
	assert_output 'rules.conf'
}

@test "crm-segment --only: the RFM segments and the lifecycle stages" {
	run comp 'crm-segment --only Ch'
	assert_output 'Champions'
	run comp 'crm-segment --only N'
	assert_output "$(printf '%s\n' 'Need Attention' New)"
	run comp 'crm-segment --only n'
	assert_output 'new'
	# another case when nothing starts with it as typed
	run comp "crm segment --only can"
	assert_output "Can't Lose"
	run comp 'crm-segment --only=Pot'
	assert_output 'Potential Loyalists'
	run comp 'crm-segment --only a'
	assert_output "$(printf '%s\n' active at-risk)"
}

@test "crm-segment --predict, --params, --horizon and --discount" {
	run comp 'crm-segment --pre'
	assert_output '--predict'
	run comp 'crm-segment --par'
	assert_output '--params'
	run comp 'crm-segment --predict --horizon '
	assert_output "$(printf '%s\n' 26w 2y 30d 365d 6m 90d | LC_ALL=C sort)"
	run comp 'crm-segment --predict --horizon=2'
	assert_output "$(printf '%s\n' 26w 2y)"
	run comp 'crm-segment --predict --discount '
	assert_output ''
}

@test "crm-report: REPORT, the report names" {
	run complete -p crm-report
	assert_success
	run comp 'crm-report c'
	assert_output "$(printf '%s\n' campaigns changes cohorts)"
	run comp 'crm-report co'
	assert_output 'cohorts'
	run comp 'crm report s'
	assert_output "$(printf '%s\n' satisfaction segments summary)"
	# one report only
	run comp 'crm-report top '
	assert_output ''
}

@test "crm-report --by: the periods; --group: the columns and event fields" {
	run comp 'crm-report activity --by '
	assert_output "$(printf '%s\n' day month quarter week year)"
	run comp 'crm-report --by=q'
	assert_output 'quarter'
	run comp 'crm-report -o '
	assert_output "$(printf '%s\n' csv html ics json md table tsv)"
	run comp 'crm-report --group c'
	assert_output "$(printf '%s\n' channel currency)"
	new_crm
	run comp 'crm-report revenue --group c'
	assert_output "$(printf '%s\n' channel city company consent country created currency)"
}

@test "crm-mail: its options, and -t offers the templates of the CRM directory by name" {
	run complete -p crm-mail
	assert_success
	run comp 'crm-mail --tr'
	assert_output '--transactional'
	new_crm
	touch templates/winback.eml
	run comp 'crm-mail -t w'
	assert_output "$(printf '%s\n' welcome.eml winback.eml)"
}

@test "crm-check is registered: its options, -d a directory, no operands" {
	run complete -p crm-check
	assert_success
	run comp 'crm-check -'
	assert_output "$(printf '%s\n' --dir --help --quiet --staged --version -V -d -h -q)"
	run comp 'crm check --q'
	assert_output '--quiet'
	mkdir acme
	run comp 'crm-check -d a'
	assert_output 'acme'
	run comp 'crm-check '
	assert_output ''
}

@test "crm-merge: its options, files for BASE OURS THEIRS PATHNAME, then nothing" {
	touch base.csv ours.csv
	run comp 'crm-merge -'
	assert_output "$(printf '%s\n' --help --version -V -h)"
	run comp 'crm-merge b'
	assert_output 'base.csv'
	run comp 'crm-merge base.csv o'
	assert_output 'ours.csv'
	run comp 'crm-merge a b c o'
	assert_output 'ours.csv'
	run comp 'crm-merge a b c d o'
	assert_output ''
}

@test "crm-add --merge: customers for KEEP and for every DROP; NAME offers nothing" {
	two_customers
	run comp 'crm-add --merge a'
	assert_output 'anna@example.pl'
	run comp 'crm-add --merge anna@example.pl j'
	assert_output 'jiri@example.cz'
	run comp "crm-add --merge $ANNA jiri@example.cz a"
	assert_output 'anna@example.pl'
	run comp 'crm-add a'
	assert_output ''
}

@test "crm-log --import-calls: a file, then no operands; --map is offered" {
	two_customers
	: >calls.csv
	run comp 'crm-log --import-calls ca'
	assert_output 'calls.csv'
	run comp 'crm-log --import-calls calls.csv a'
	assert_output ''
	run comp 'crm-log --ma'
	assert_output '--map'
}

@test "crm-diff: registered; --textconv; files for OLD NEW, or one with --textconv" {
	touch old.csv new.csv
	run complete -p crm-diff
	assert_success
	run comp 'crm-diff -'
	assert_output "$(printf '%s\n' --help --textconv --version -V -h)"
	run comp 'crm-diff o'
	assert_output 'old.csv'
	run comp 'crm-diff old.csv n'
	assert_output 'new.csv'
	run comp 'crm-diff old.csv new.csv o'
	assert_output ''
	run comp 'crm-diff --textconv old.csv n'
	assert_output ''
}

@test "the options of teams: crm-add --untag, crm-mail --sync, crm-check --staged" {
	run comp 'crm-add --unt'
	assert_output '--untag'
	run comp 'crm-mail --sy'
	assert_output '--sync'
	run comp 'crm check --st'
	assert_output '--staged'
}

@test "imports: --encoding and --delimiter offer their values; --import takes no operand" {
	run comp 'crm-log --import shop.csv --encoding windows-125'
	assert_output "$(printf '%s\n' windows-1250 windows-1251 windows-1252)"
	run comp 'crm-add --import c.csv --delimiter '
	assert_output "$(printf '%s\n' , ';' tab '|' | LC_ALL=C sort)"
	two_customers
	run comp 'crm-log --import shop.csv '
	assert_output ''
	run comp 'crm-log --imp'
	assert_output "$(printf '%s\n' --import --import-calls --import-mail)"
	run comp 'crm-add --keep'
	assert_output '--keep-columns'
}

@test "crm-auto: its options, --include-churned on crm-mail too, and the rules of automations.conf by name" {
	run complete -p crm-auto
	assert_success
	run comp 'crm-auto --incl'
	assert_output --include-churned
	run comp 'crm-mail --sm'
	assert_output --sms
	new_crm
	printf 'vip: when revenue>1 do tag +vip\n# quiet: not a rule\n  winback : when segment=x do mail w.eml\n' >automations.conf
	run comp 'crm-auto '
	assert_output $'vip\nwinback'
	run comp 'crm-auto -n w'
	assert_output winback
}

@test "options come from the program's --complete-options, asked once per program" {
	mkdir progs
	cat >progs/crm-rm <<'EOF'
#!/bin/sh
echo asked >>"$0.log"
case $1 in
--complete-options) printf 'x\txyzzy\tnone\tan option only this table has\n-\tplugh\tCUSTOMER\tanother\n' ;;
esac
EOF
	chmod +x progs/crm-rm
	run comp 'progs/crm-rm --x'
	assert_output '--xyzzy'
	run comp 'progs/crm-rm -'
	assert_output "$(printf '%s\n' --plugh --xyzzy -x)"
	# in one session the table is asked for once
	rm progs/crm-rm.log
	_crm_optcache=()
	comp 'progs/crm-rm --x' >/dev/null
	comp 'progs/crm-rm --p' >/dev/null
	[ "$(wc -l <progs/crm-rm.log)" -eq 1 ]
}

@test "customers: a name only one customer has; the case typed first" {
	two_customers
	crm-add 'Jan Novák' -e jan1@example.cz >/dev/null
	crm-add 'Jan Novák' -e jan2@example.cz --allow-duplicate >/dev/null
	run comp 'crm-rm Ji'
	assert_output 'Jiří Dvořák'
	run comp 'crm-rm ji'
	assert_output 'jiri@example.cz'
	# two have the name: their e-mails are offered, not it
	run comp 'crm-rm Ja'
	assert_output "$(printf '%s\n' jan1@example.cz jan2@example.cz)"
	run comp 'crm-log -l An'
	assert_output 'Anna Nowak'
}

@test "crm-rm --where: the fields, and the values of country, stage, owner and tags" {
	two_customers
	crm-add 'Eva Müller' --country DE --owner ewa --tag vip --tag 'trade fair' >/dev/null
	crm-add --update anna@example.pl --country PL --owner ewa --tag b2b >/dev/null
	crm-add --update jiri@example.cz --country CZ --stage customer >/dev/null
	run comp 'crm-rm --wh'
	assert_output '--where'
	run comp 'crm-rm --where cou'
	assert_output 'country'
	run comp 'crm-rm --where country='
	assert_output "$(printf '%s\n' CZ DE PL)"
	run comp 'crm-find -w stage=c'
	assert_output 'customer'
	run comp 'crm-find -w owner='
	assert_output 'ewa'
	run comp 'crm-find --where=tags='
	assert_output "$(printf '%s\n' '"trade fair"' b2b vip)"
	run comp "crm-segment -w 'country=PL and sta"
	assert_output "country=PL and stage"
	run comp 'crm-rm --where country=DE '
	assert_output ''
}

@test "crm-segment --only: the rules of segments.conf too" {
	new_crm
	printf 'Big spenders: revenue>1000\nSleepers: last_contact<-1y\n' >segments.conf
	run comp 'crm-segment --only '
	assert_output "$(printf '%s\n' 'About to Sleep' 'At Risk' 'Big spenders' "Can't Lose" Champions Hibernating Loyal 'Need Attention' New 'Potential Loyalists' Promising Prospects Sleepers active at-risk lapsed lost new)"
	run comp 'crm-segment --only S'
	assert_output 'Sleepers'
}

@test "crm-report: the reports come from crm-report --complete-commands" {
	run crm-report --complete-commands
	assert_success
	assert_line "$(printf 'top\tthe customers who bought the most')"
	run crm --complete-commands re
	assert_output "$(printf 'report\tpredefined reports')"
}
