#!/usr/bin/env bats
# crm-rm: removing customers, and with --forget their history.

load helper

HDR=id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated

# A CRM directory with three hand-written customers (one quoted without
# need, one with a quoted newline) and a hand-written history in which the
# lines are spaced in different ways; entered. before.csv and before.jsonl
# keep copies.
local_setup() {
	mkdir acme
	cd acme || return 1
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,"Anna Nowak",anna@example.pl,,,PL,"Gdańsk",vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Петър Петров,,,"Acme, ""Ltd""
second line",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň,,,prospect,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
EOF
	cat >interactions.jsonl <<'EOF'
{"id":"01ddddddddddd","ts":"2026-02-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note","by":"ewa","text":"first call booked"}
{ "id" : "01eeeeeeeeeee", "ts" : "2026-02-02T10:00:00Z", "customer" : "01bbbbbbbbbbb", "type" : "note", "text" : "asked about 01aaaaaaaaaaa \u0141ódź" }
{"id":"01fffffffffff","ts":"2026-02-03T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","amount":12999,"currency":"PLN"}
{"id":"01ggggggggggg","ts":"2026-02-04T10:00:00Z","customer":"01ccccccccccc","type":"call","direction":"in","text":"Dobrý den"}
EOF
	cp customers.csv before.csv
	cp interactions.jsonl before.jsonl
}

# Check that nothing was changed.
unchanged() {
	assert_same_file before.csv customers.csv
	assert_same_file before.jsonl interactions.jsonl
}

@test "RM001: removes a customer by id and prints id and name" {
	run --separate-stderr crm-rm 01ccccccccccc
	assert_success
	assert_output '01ccccccccccc  Jiří Dvořák'
	assert_equal "$stderr" ''
	diff -u - customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,"Anna Nowak",anna@example.pl,,,PL,"Gdańsk",vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Петър Петров,,,"Acme, ""Ltd""
second line",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
EOF
}

@test "RM002: removes a customer by e-mail" {
	run --separate-stderr crm-rm anna@example.pl
	assert_success
	assert_output '01aaaaaaaaaaa  Anna Nowak'
	diff -u - customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01bbbbbbbbbbb,Петър Петров,,,"Acme, ""Ltd""
second line",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň,,,prospect,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
EOF
}

@test "RM003: removing the customer with a multi-line field keeps the others byte for byte" {
	run --separate-stderr crm-rm 01bbbbbbbbbbb
	assert_success
	assert_output '01bbbbbbbbbbb  Петър Петров'
	diff -u - customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,"Anna Nowak",anna@example.pl,,,PL,"Gdańsk",vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň,,,prospect,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
EOF
}

@test "RM004: several customers at once, one line each in the order given" {
	run --separate-stderr crm-rm 01ccccccccccc anna@example.pl
	assert_success
	assert_output '01ccccccccccc  Jiří Dvořák
01aaaaaaaaaaa  Anna Nowak'
	diff -u - customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01bbbbbbbbbbb,Петър Петров,,,"Acme, ""Ltd""
second line",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
EOF
}

@test "RM005: without --forget the history is kept byte for byte" {
	run --separate-stderr crm-rm 01aaaaaaaaaaa
	assert_success
	assert_output '01aaaaaaaaaaa  Anna Nowak'
	assert_same_file before.jsonl interactions.jsonl
}

@test "RM006: --forget erases every interaction of the customer and keeps the others byte for byte" {
	run --separate-stderr crm-rm --forget 01aaaaaaaaaaa
	assert_success
	assert_output '01aaaaaaaaaaa  Anna Nowak
erased 2 interactions'
	assert_equal "$stderr" ''
	diff -u - interactions.jsonl <<'EOF'
{ "id" : "01eeeeeeeeeee", "ts" : "2026-02-02T10:00:00Z", "customer" : "01bbbbbbbbbbb", "type" : "note", "text" : "asked about 01aaaaaaaaaaa \u0141ódź" }
{"id":"01ggggggggggg","ts":"2026-02-04T10:00:00Z","customer":"01ccccccccccc","type":"call","direction":"in","text":"Dobrý den"}
EOF
	diff -u - customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01bbbbbbbbbbb,Петър Петров,,,"Acme, ""Ltd""
second line",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň,,,prospect,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
EOF
}

@test "RM007: --forget of several customers, found by id and e-mail" {
	run --separate-stderr crm-rm --forget 01bbbbbbbbbbb jiri@example.cz
	assert_success
	assert_output '01bbbbbbbbbbb  Петър Петров
01ccccccccccc  Jiří Dvořák
erased 2 interactions'
	diff -u - interactions.jsonl <<'EOF'
{"id":"01ddddddddddd","ts":"2026-02-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note","by":"ewa","text":"first call booked"}
{"id":"01fffffffffff","ts":"2026-02-03T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","amount":12999,"currency":"PLN"}
EOF
}

@test "RM008: --forget of a customer without history erases 0 interactions" {
	printf '%s\n' '01hhhhhhhhhhh,Ewa Lis,,,,,,,,lead,,2026-04-01T00:00:00Z,2026-04-01T00:00:00Z' >>customers.csv
	run --separate-stderr crm-rm --forget 01hhhhhhhhhhh
	assert_success
	assert_output '01hhhhhhhhhhh  Ewa Lis
erased 0 interactions'
	assert_same_file before.csv customers.csv
	assert_same_file before.jsonl interactions.jsonl
}

@test "RM009: --forget erases history written by crm-log" {
	crm-init ../fresh >/dev/null
	cd ../fresh
	add_as a 'Anna Nowak' -e anna@example.pl
	add_as b 'Łukasz Żółć'
	run crm-log "$a" note 'met at the fair'
	assert_success
	i1=$output
	assert_id "$i1"
	run crm-log "$b" note 'wants a quote'
	i2=$output
	run crm-log "$a" note 'sent the offer'
	i3=$output
	assert_equal "$(wc -l <interactions.jsonl)" 3
	grep -F "\"$i2\"" interactions.jsonl >expected.jsonl
	run --separate-stderr crm-rm --forget anna@example.pl
	assert_success
	assert_output "$a  Anna Nowak
erased 2 interactions"
	assert_same_file expected.jsonl interactions.jsonl
	diff -u - customers.csv <<EOF
$HDR
$b,Łukasz Żółć,,,,,,,,lead,,2026-11-22T10:00:00Z,2026-11-22T10:00:00Z
EOF
}

@test "RM010: -n shows what it would remove and changes nothing" {
	run --separate-stderr crm-rm -n 01aaaaaaaaaaa 01ccccccccccc
	assert_success
	assert_output 'would remove 01aaaaaaaaaaa  Anna Nowak
would remove 01ccccccccccc  Jiří Dvořák'
	unchanged
}

@test "RM011: -n --forget also shows how many interactions it would erase" {
	run --separate-stderr crm-rm -n --forget anna@example.pl
	assert_success
	assert_output 'would remove 01aaaaaaaaaaa  Anna Nowak
would erase 2 interactions'
	unchanged
	run --separate-stderr crm-rm --dry-run --forget 01bbbbbbbbbbb 01ccccccccccc
	assert_success
	assert_output 'would remove 01bbbbbbbbbbb  Петър Петров
would remove 01ccccccccccc  Jiří Dvořák
would erase 2 interactions'
	unchanged
}

@test "RM012: an unknown id is an error that names it" {
	run --separate-stderr crm-rm 01zzzzzzzzzzz
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-rm: no customer matches '01zzzzzzzzzzz' (give an id, an email or part of a name)
crm-rm: nothing was removed"
	unchanged
}

@test "RM013: an unknown e-mail among known ids: nothing is removed or reported removed" {
	run --separate-stderr crm-rm --forget 01aaaaaaaaaaa nobody@example.pl 01ccccccccccc
	assert_failure 2
	assert_equal "$stderr" "crm-rm: no customer matches 'nobody@example.pl' (give an id, an email or part of a name), and no history has it
crm-rm: nothing was removed"
	unchanged
	# "ID  NAME" lines are for customers removed: there are none
	assert_output ''
}

@test "RM014: a unique part of a name names a customer, in any case and without diacritics" {
	run --separate-stderr crm-rm 'anna nowak' dvorak
	assert_success
	assert_output '01aaaaaaaaaaa  Anna Nowak
01ccccccccccc  Jiří Dvořák'
	assert_equal "$(rows)" '01bbbbbbbbbbb,Петър Петров,,,"Acme, ""Ltd""
second line",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z'
	assert_same_file before.jsonl interactions.jsonl
}

@test "RM015: a column added by hand stays in place" {
	cat >customers.csv <<'EOF'
id,name,vat,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,PL5260001246,anna@example.pl,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01ccccccccccc,Jiří Dvořák,CZ12345678,jiri@example.cz,,,CZ,,,,lead,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
EOF
	run --separate-stderr crm-rm anna@example.pl
	assert_success
	diff -u - customers.csv <<'EOF'
id,name,vat,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01ccccccccccc,Jiří Dvořák,CZ12345678,jiri@example.cz,,,CZ,,,,lead,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
EOF
}

@test "RM016: rows of a CRLF file that are not removed are kept byte for byte" {
	printf '%s\r\n' "$HDR" \
		'01aaaaaaaaaaa,"Anna Nowak",anna@example.pl,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z' \
		'01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,,,,lead,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z' \
		>customers.csv
	head -n 2 customers.csv >expected
	run --separate-stderr crm-rm 01ccccccccccc
	assert_success
	assert_same_file expected customers.csv
}

@test "RM017: a malformed customers.csv is an error with its line, and nothing changes" {
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01ccccccccccc,"Jiří Dvořák,jiri@example.cz,,,CZ,,,,lead,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
EOF
	cp customers.csv before.csv
	run --separate-stderr crm-rm --forget 01aaaaaaaaaaa
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" 'crm-rm: customers.csv:3: unterminated quoted field'
	unchanged
}

@test "RM018: a removed customer is unknown to a second crm-rm" {
	crm-rm 01aaaaaaaaaaa >/dev/null
	cp customers.csv before.csv
	run --separate-stderr crm-rm anna@example.pl
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-rm: no customer matches 'anna@example.pl' (give an id, an email or part of a name)
crm-rm: nothing was removed"
	unchanged
}

@test "RM019: without operands it is a usage error" {
	run --separate-stderr crm-rm
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-rm: name the customers to remove by id, e-mail or name
usage: crm-rm [-n] [--forget] CUSTOMER...
       crm-rm [-n] [--forget] [-a] --where EXPR
Try 'crm-rm --help' for more information."
	unchanged
}

@test "RM020: -d, \$CRM_DIR and the parent directories find the CRM directory" {
	mkdir -p sub/deeper
	cd sub/deeper
	run crm-rm 01aaaaaaaaaaa
	assert_success
	assert_output '01aaaaaaaaaaa  Anna Nowak'
	cd "$WORK"
	run crm-rm -d acme 01bbbbbbbbbbb
	assert_success
	assert_output '01bbbbbbbbbbb  Петър Петров'
	CRM_DIR=acme run crm-rm 01ccccccccccc
	assert_success
	assert_output '01ccccccccccc  Jiří Dvořák'
	assert_equal "$(cat acme/customers.csv)" "$HDR"
}

@test "RM021: no CRM directory is an error that mentions crm-init" {
	cd "$WORK"
	mkdir empty
	cd empty
	run --separate-stderr crm-rm 01aaaaaaaaaaa
	assert_failure 2
	assert_output ''
	assert_regex "$stderr" '^crm-rm: .*crm-init'
	cd ../acme
	unchanged
}

@test "RM022: -h and --help print the usage on stdout and exit 0" {
	for opt in -h --help; do
		run --separate-stderr crm-rm "$opt"
		assert_success
		assert_line --index 0 'usage: crm-rm [-n] [--forget] CUSTOMER...'
		assert_equal "$stderr" ''
	done
	unchanged
}

@test "RM023: an unknown option exits 2 with the usage on stderr and removes nothing" {
	run --separate-stderr crm-rm --all 01aaaaaaaaaaa
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-rm: unknown option '--all'
usage: crm-rm [-n] [--forget] CUSTOMER...
       crm-rm [-n] [--forget] [-a] --where EXPR
Try 'crm-rm --help' for more information."
	unchanged
}

@test "RM024: -V and --version print the version" {
	run --separate-stderr crm-rm -V
	assert_success
	assert_output 'crm-rm 0.1.0'
	run --separate-stderr crm-rm --version
	assert_success
	assert_output 'crm-rm 0.1.0'
}

@test "RM025: LC_ALL=C finds an upper-case Polish e-mail and prints the name as it is" {
	printf '%s\n' '01hhhhhhhhhhh,Łukasz Żółć,łukasz@example.pl,,,PL,,,,lead,,2026-04-01T00:00:00Z,2026-04-01T00:00:00Z' >>customers.csv
	LC_ALL=C run --separate-stderr crm-rm ŁUKASZ@EXAMPLE.PL
	assert_success
	assert_output '01hhhhhhhhhhh  Łukasz Żółć'
	assert_same_file before.csv customers.csv
}

@test "RM026: --where removes every customer it matches in one rewrite, the others stay byte for byte" {
	run --separate-stderr crm-rm --where 'country=PL or country=CZ'
	assert_success
	assert_output "$(printf '%s\n' '01aaaaaaaaaaa  Anna Nowak' '01ccccccccccc  Jiří Dvořák')"
	assert_equal "$stderr" ''
	diff -u - customers.csv <<'EOF2'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01bbbbbbbbbbb,Петър Петров,,,"Acme, ""Ltd""
second line",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
EOF2
	assert_same_file before.jsonl interactions.jsonl
}

@test "RM027: -n with --where prints what would be removed and changes nothing" {
	run --separate-stderr crm-rm -n --where 'stage=lead or stage=prospect'
	assert_success
	assert_output "$(printf '%s\n' 'would remove 01bbbbbbbbbbb  Петър Петров' 'would remove 01ccccccccccc  Jiří Dvořák')"
	unchanged
}

@test "RM028: --where that matches nobody exits 0, says so and changes nothing" {
	run --separate-stderr crm-rm --where 'country=DE and stage=lost'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'crm-rm: no customer matches --where: nothing was removed'
	unchanged
}

@test "RM029: a bad --where expression exits 2 with the column of the error and changes nothing" {
	run --separate-stderr crm-rm --where 'contry=PL'
	assert_failure 2
	assert_output ''
	[[ $stderr == "crm-rm: --where: 1:1: unknown field 'contry'"* ]] || fail "stderr: $stderr"
	[[ $stderr == *country* ]] || fail "no suggestion: $stderr"
	unchanged
	run --separate-stderr crm-rm --where 'country='
	assert_failure 2
	unchanged
}

@test "RM030: -a folds diacritics in --where as crm-find -a does" {
	run --separate-stderr crm-rm --where 'city=plzen'
	assert_success
	assert_output ''
	unchanged
	run --separate-stderr crm-rm -a --where 'city=plzen'
	assert_success
	assert_output '01ccccccccccc  Jiří Dvořák'
	head -n 4 before.csv | diff -u - customers.csv
}

@test "RM031: --forget with --where erases the history of every customer removed" {
	run --separate-stderr crm-rm --forget --where 'tags=vip or country=CZ'
	assert_success
	assert_output "$(printf '%s\n' '01aaaaaaaaaaa  Anna Nowak' '01ccccccccccc  Jiří Dvořák' 'erased 3 interactions')"
	diff -u - interactions.jsonl <<'EOF2'
{ "id" : "01eeeeeeeeeee", "ts" : "2026-02-02T10:00:00Z", "customer" : "01bbbbbbbbbbb", "type" : "note", "text" : "asked about 01aaaaaaaaaaa \u0141ódź" }
EOF2
	diff -u - customers.csv <<'EOF2'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01bbbbbbbbbbb,Петър Петров,,,"Acme, ""Ltd""
second line",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
EOF2
}

@test "RM032: --where with customers named too, or -a without --where, is a usage error" {
	run --separate-stderr crm-rm --where 'country=PL' 01ccccccccccc
	assert_failure 2
	[[ $stderr == 'crm-rm: name the customers or give --where, not both'* ]] || fail "stderr: $stderr"
	run --separate-stderr crm-rm -a 01ccccccccccc
	assert_failure 2
	[[ $stderr == 'crm-rm: -a goes with --where'* ]] || fail "stderr: $stderr"
	unchanged
}

@test "RM033: --help and the manual state the same exit statuses, --where's no match among the 0s" {
	run crm-rm --help
	assert_success
	assert_line 'Exit status: 0 removed (or --where matched nobody), 2 error (1 is not used).'
	assert_line --partial '-w, --where EXPR'
	grep -q 'matched nobody' "$TOP/man/crm-rm.1"
}
