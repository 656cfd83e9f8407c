#!/usr/bin/env bats
# crm-add: adding customers, changing them (--update), importing them (--import).

load helper

HDR=id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
NOW=2026-11-22T10:00:00Z
LATER=2026-11-23T08:30:00Z

# The fields of a row of a customer made now, after id, name and email.
fresh() {
	printf '%s,%s,%s,,,,,,,lead,,%s,%s' "$1" "$2" "$3" "$NOW" "$NOW"
}

# A hand-written customers.csv with two customers (one of them without
# email) and an empty history, in the current directory.
two_customers() {
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Петър Петров,,,,BG,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
EOF
	: >interactions.jsonl
}

# Check that a refused crm-add left customers.csv as saved in before.csv,
# printed nothing on stdout and exited 2 with the stderr given.
refused_with() {
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "$1"
	assert_same_file before.csv customers.csv
}

# ---------------------------------------------------------------- adding

@test "ADD001: prints the new id, and only it" {
	new_crm
	run --separate-stderr crm-add 'Anna Nowak'
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_id "$output"
	assert_equal "$stderr" ''
}

@test "ADD002: the row is appended with stage lead and created/updated from CRM_NOW" {
	new_crm
	add_as a 'Anna Nowak'
	diff -u - customers.csv <<EOF
$HDR
$a,Anna Nowak,,,,,,,,lead,,2026-11-22T10:00:00Z,2026-11-22T10:00:00Z
EOF
}

@test "ADD003: new rows go to the end, each with its own id" {
	new_crm
	add_as a 'Anna Nowak'
	add_as b 'Bob Brown'
	add_as c 'Cecilia Chmiel'
	assert_id "$a" && assert_id "$b" && assert_id "$c"
	assert_not_equal "$a" "$b"
	assert_not_equal "$b" "$c"
	assert_not_equal "$a" "$c"
	diff -u - customers.csv <<EOF
$HDR
$(fresh "$a" 'Anna Nowak' '')
$(fresh "$b" 'Bob Brown' '')
$(fresh "$c" 'Cecilia Chmiel' '')
EOF
}

@test "ADD004: every option goes to its column" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl -p '+48 600 100 200' --company 'Nowak Sp. z o.o.' \
		--country PL --city Gdańsk --tag vip --owner ewa --stage customer --consent opt-in
	diff -u - customers.csv <<EOF
$HDR
$a,Anna Nowak,anna@example.pl,+48 600 100 200,Nowak Sp. z o.o.,PL,Gdańsk,vip,ewa,customer,opt-in,$NOW,$NOW
EOF
}

@test "ADD005: the long forms of the options" {
	new_crm
	add_as a 'Anna Nowak' --email anna@example.pl --phone 600 --company Acme --tag vip
	diff -u - customers.csv <<EOF
$HDR
$a,Anna Nowak,anna@example.pl,600,Acme,,,vip,,lead,,$NOW,$NOW
EOF
}

@test "ADD006: created and updated follow CRM_NOW" {
	new_crm
	CRM_NOW=2027-03-04T05:06:07Z add_as a 'Anna Nowak'
	assert_equal "$(rows)" "$a,Anna Nowak,,,,,,,,lead,,2027-03-04T05:06:07Z,2027-03-04T05:06:07Z"
}

@test "ADD007: an ASCII e-mail is stored lower-cased" {
	new_crm
	add_as a 'Anna Nowak' -e Anna.Nowak@Example.PL
	assert_equal "$(rows)" "$(fresh "$a" 'Anna Nowak' anna.nowak@example.pl)"
}

@test "ADD008: a Polish e-mail is stored lower-cased, whatever the locale" {
	new_crm
	add_as a 'Łukasz Żółć' -e ŁUKASZ@EXAMPLE.PL
	LC_ALL=C add_as b 'Łucja Żak' -e ŁUCJA@EXAMPLE.PL
	diff -u - customers.csv <<EOF
$HDR
$(fresh "$a" 'Łukasz Żółć' łukasz@example.pl)
$(fresh "$b" 'Łucja Żak' łucja@example.pl)
EOF
}

@test "ADD009: an e-mail without @ is refused" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add 'Anna Nowak' -e anna.example.pl
	refused_with "crm-add: email \"anna.example.pl\": needs exactly one '@' with a name before it"
}

@test "ADD010: an e-mail without a dot in the domain is refused" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add 'Anna Nowak' -e anna@localhost
	refused_with 'crm-add: email "anna@localhost": needs a domain with a dot (name@example.com)'
}

@test "ADD011: an e-mail with a space is refused" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add 'Anna Nowak' -e 'anna nowak@example.pl'
	refused_with 'crm-add: email "anna nowak@example.pl": holds a space or a character not allowed in an address'
}

@test "ADD012: a duplicate e-mail is refused, naming the customer who has it" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl
	cp customers.csv before.csv
	run --separate-stderr crm-add 'Anna N.' -e anna@example.pl
	refused_with "crm-add: anna@example.pl already belongs to customer $a (use --update $a, or --allow-duplicate)"
}

@test "ADD013: a duplicate e-mail in other case is refused too" {
	new_crm
	add_as a 'Łukasz Żółć' -e łukasz@example.pl
	cp customers.csv before.csv
	run --separate-stderr crm-add 'Ł. Żółć' -e ŁUKASZ@Example.PL
	refused_with "crm-add: łukasz@example.pl already belongs to customer $a (use --update $a, or --allow-duplicate)"
}

@test "ADD014: --allow-duplicate adds a second customer with the same e-mail" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl
	add_as b 'Anna Nowak (home)' -e ANNA@example.pl --allow-duplicate
	assert_not_equal "$a" "$b"
	diff -u - customers.csv <<EOF
$HDR
$(fresh "$a" 'Anna Nowak' anna@example.pl)
$(fresh "$b" 'Anna Nowak (home)' anna@example.pl)
EOF
}

@test "ADD015: the country is stored upper-cased" {
	new_crm
	add_as a 'Jiří Dvořák' --country cz
	add_as b 'Петър Петров' --country Bg
	diff -u - customers.csv <<EOF
$HDR
$a,Jiří Dvořák,,,,CZ,,,,lead,,$NOW,$NOW
$b,Петър Петров,,,,BG,,,,lead,,$NOW,$NOW
EOF
}

@test "ADD016: a country that is neither a code nor a known name is refused" {
	new_crm
	cp customers.csv before.csv
	for cc in P 'P1' 'P L' ČR Atlantis; do
		run --separate-stderr crm-add 'Anna Nowak' --country "$cc"
		refused_with "crm-add: country \"$cc\": not an ISO 3166 country code (PL, CZ, BG, DE) or a country's name"
	done
}

@test "ADD017: the four stages are accepted" {
	new_crm
	add_as a A --stage lead
	add_as b B --stage prospect
	add_as c C --stage customer
	add_as d D --stage churned
	diff -u - customers.csv <<EOF
$HDR
$a,A,,,,,,,,lead,,$NOW,$NOW
$b,B,,,,,,,,prospect,,$NOW,$NOW
$c,C,,,,,,,,customer,,$NOW,$NOW
$d,D,,,,,,,,churned,,$NOW,$NOW
EOF
}

@test "ADD018: another stage is refused" {
	new_crm
	cp customers.csv before.csv
	for st in won client 'lead ' x; do
		run --separate-stderr crm-add 'Anna Nowak' --stage "$st"
		refused_with "crm-add: stage \"$st\": must be one of lead, prospect, customer, churned"
	done
}

@test "ADD019: consent opt-in, opt-out or empty" {
	new_crm
	add_as a A --consent opt-in
	add_as b B --consent opt-out
	add_as c C --consent ''
	diff -u - customers.csv <<EOF
$HDR
$a,A,,,,,,,,lead,opt-in,$NOW,$NOW
$b,B,,,,,,,,lead,opt-out,$NOW,$NOW
$c,C,,,,,,,,lead,,$NOW,$NOW
EOF
}

@test "ADD020: another consent is refused" {
	new_crm
	cp customers.csv before.csv
	for v in yes no optin unknown; do
		run --separate-stderr crm-add 'Anna Nowak' --consent "$v"
		refused_with "crm-add: consent \"$v\": must be opt-in, opt-out or empty"
	done
}

@test "ADD021: tags are split on ; and , trimmed, merged, repeated ones dropped ignoring case" {
	new_crm
	add_as a 'Anna Nowak' --tag vip --tag ' b2b , VIP;partner ' --tag ';;' --tag 'Partner,  newsletter'
	assert_equal "$(rows)" "$a,Anna Nowak,,,,,,vip;b2b;partner;newsletter,,lead,,$NOW,$NOW"
}

@test "ADD022: repeated tags are found ignoring case in Polish and Cyrillic too" {
	new_crm
	add_as a 'Łukasz Żółć' --tag 'żółw;ŻÓŁW' --tag 'Клиент, КЛИЕНТ' --tag 'Żółw'
	assert_equal "$(rows)" "$a,Łukasz Żółć,,,,,,żółw;Клиент,,lead,,$NOW,$NOW"
}

@test "ADD023: -s sets a known column" {
	new_crm
	add_as a 'Anna Nowak' -s city=Sopot -s email=ANNA@Example.pl
	assert_equal "$(rows)" "$a,Anna Nowak,anna@example.pl,,,,Sopot,,,lead,,$NOW,$NOW"
}

@test "ADD024: -s with a new column adds it to the header and an empty field to every row" {
	new_crm
	add_as a 'Anna Nowak'
	add_as b 'Bob Brown' -e bob@example.com
	add_as c 'Jiří Dvořák' -s vat=CZ12345678 -s 'source=trade fair'
	diff -u - customers.csv <<EOF
$HDR,vat,source
$(fresh "$a" 'Anna Nowak' ''),,
$(fresh "$b" 'Bob Brown' bob@example.com),,
$(fresh "$c" 'Jiří Dvořák' ''),CZ12345678,trade fair
EOF
}

@test "ADD025: -s id=... is refused" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add 'Anna Nowak' -s id=01aaaaaaaaaaa
	refused_with 'crm-add: id: is made by crm-add and cannot be set'
}

@test "ADD026: -s created=... is refused" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add 'Anna Nowak' -s created=2020-01-01T00:00:00Z
	refused_with 'crm-add: created: is kept by crm-add and cannot be set'
}

@test "ADD027: -s without = is an error" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add 'Anna Nowak' -s vat
	refused_with 'crm-add: -s vat: expected FIELD=VALUE'
}

@test "ADD028: a customer needs a name" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add
	assert_failure 2
	assert_output ''
	assert_regex "$stderr" $'^crm-add: a name is needed\nusage: crm-add '
	assert_same_file before.csv customers.csv
	run --separate-stderr crm-add ''
	refused_with 'crm-add: a customer needs a name'
}

@test "ADD029: Polish, Czech and Bulgarian names round-trip byte for byte" {
	new_crm
	add_as a 'Łukasz Żółć' -e łukasz@example.pl --country PL --city Kraków --company 'Zakłady Łąckie'
	add_as b 'Jiří Dvořák' --country CZ --city Plzeň --tag 'Důležitý'
	add_as c 'Петър Петров' --country BG --city София --company 'Слънце ЕООД' --owner 'Мария'
	diff -u - customers.csv <<EOF
$HDR
$a,Łukasz Żółć,łukasz@example.pl,,Zakłady Łąckie,PL,Kraków,,,lead,,$NOW,$NOW
$b,Jiří Dvořák,,,,CZ,Plzeň,Důležitý,,lead,,$NOW,$NOW
$c,Петър Петров,,,Слънце ЕООД,BG,София,,Мария,lead,,$NOW,$NOW
EOF
}

@test "ADD030: a value with a comma, a quote and a newline is quoted with doubled quotes" {
	new_crm
	add_as a 'Jiří Dvořák' -s note=$'Acme, "Ltd"\nsecond line' --city Plzeň
	diff -u - customers.csv <<EOF
$HDR,note
$a,Jiří Dvořák,,,,,Plzeň,,,lead,,$NOW,$NOW,"Acme, ""Ltd""
second line"
EOF
}

@test "ADD031: a quoted value with a newline is read back identically by --update" {
	new_crm
	add_as a 'Jiří Dvořák' -s note=$'Acme, "Ltd"\nsecond line' --city Plzeň
	add_as b 'Anna Nowak' -e anna@example.pl
	CRM_NOW=$LATER run --separate-stderr crm-add --update "$a" -p '+420 601 222 333'
	assert_success
	assert_output "$a"
	diff -u - customers.csv <<EOF
$HDR,note
$a,Jiří Dvořák,,+420 601 222 333,,,Plzeň,,,lead,,$NOW,$LATER,"Acme, ""Ltd""
second line"
$(fresh "$b" 'Anna Nowak' anna@example.pl),
EOF
}

@test "ADD032: fields are quoted only when needed" {
	new_crm
	add_as a "Seán O'Brien" --company 'Smith & Sons; Ltd.' --city 'Nowy Sącz' -p '(+48) 600-100'
	assert_equal "$(rows)" "$a,Seán O'Brien,,(+48) 600-100,Smith & Sons; Ltd.,,Nowy Sącz,,,lead,,$NOW,$NOW"
}

@test "ADD033: lines end in LF only" {
	new_crm
	add_as a 'Anna Nowak' -s note=$'two\nlines'
	run grep -c $'\r' customers.csv
	assert_output 0
}

@test "ADD034: -n shows the customer it would add and changes nothing" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add -n 'Anna Nowak' -e anna@example.pl
	assert_success
	assert_regex "$output" '^add [0-9a-hjkmnp-tv-z]{13} Anna Nowak <anna@example.pl>$'
	assert_same_file before.csv customers.csv
}

@test "ADD035: standard input is not read when adding one customer" {
	new_crm
	add_as a 'Anna Nowak' <<'EOF'
name,email
Bob,bob@example.com
EOF
	assert_equal "$(rows)" "$(fresh "$a" 'Anna Nowak' '')"
}

# ---------------------------------------------------------------- --update

@test "ADD040: --update changes the given field and updated, and that row alone" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl
	add_as b 'Bob Brown' -e bob@example.com
	add_as c 'Cecilia Chmiel'
	cp customers.csv before.csv
	CRM_NOW=$LATER run --separate-stderr crm-add --update "$b" -p '+44 20 7946 0000' --stage prospect
	assert_success
	assert_output "$b"
	assert_equal "$stderr" ''
	run diff before.csv customers.csv
	assert_failure 1
	assert_output "3c3
< $b,Bob Brown,bob@example.com,,,,,,,lead,,$NOW,$NOW
---
> $b,Bob Brown,bob@example.com,+44 20 7946 0000,,,,,,prospect,,$NOW,$LATER"
}

@test "ADD041: --update finds the customer by e-mail, in any case" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl
	add_as b 'Łukasz Żółć' -e łukasz@example.pl
	CRM_NOW=$LATER run --separate-stderr crm-add --update ŁUKASZ@EXAMPLE.PL --city Kraków
	assert_success
	assert_output "$b"
	diff -u - customers.csv <<EOF
$HDR
$(fresh "$a" 'Anna Nowak' anna@example.pl)
$b,Łukasz Żółć,łukasz@example.pl,,,,Kraków,,,lead,,$NOW,$LATER
EOF
}

@test "ADD042: --update --name renames" {
	new_crm
	add_as a 'Anna Nowak'
	CRM_NOW=$LATER crm-add --update "$a" --name 'Anna Kowalska-Nowak' >/dev/null
	assert_equal "$(rows)" "$a,Anna Kowalska-Nowak,,,,,,,,lead,,$NOW,$LATER"
}

@test "ADD043: --update -t adds to the tags already there" {
	new_crm
	add_as a 'Anna Nowak' --tag 'vip;b2b'
	CRM_NOW=$LATER crm-add --update "$a" --tag 'B2B, partner' >/dev/null
	assert_equal "$(rows)" "$a,Anna Nowak,,,,,,vip;b2b;partner,,lead,,$NOW,$LATER"
}

@test "ADD044: --update with the values already there: nothing to change, exit 1" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl --country PL
	cp customers.csv before.csv
	CRM_NOW=$LATER run --separate-stderr crm-add --update "$a" -e ANNA@example.pl --country pl
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "crm-add: $a: nothing to change"
	assert_same_file before.csv customers.csv
}

@test "ADD045: --update without any field: nothing to change, exit 1" {
	new_crm
	add_as a 'Anna Nowak'
	cp customers.csv before.csv
	run --separate-stderr crm-add --update "$a"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "crm-add: $a: nothing to change"
	assert_same_file before.csv customers.csv
}

@test "ADD046: --update of an unknown id is an error" {
	new_crm
	add_as a 'Anna Nowak'
	cp customers.csv before.csv
	run --separate-stderr crm-add --update 01zzzzzzzzzzz -p 600
	refused_with "crm-add: no customer matches '01zzzzzzzzzzz' (give an id, an email or part of a name)"
}

@test "ADD047: --update to another customer's e-mail is refused" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl
	add_as b 'Bob Brown' -e bob@example.com
	cp customers.csv before.csv
	run --separate-stderr crm-add --update "$b" -e anna@example.pl
	refused_with "crm-add: anna@example.pl already belongs to customer $a (use --update $a, or --allow-duplicate)"
}

@test "ADD048: --update with an invalid value changes nothing" {
	new_crm
	add_as a 'Anna Nowak' --stage lead
	cp customers.csv before.csv
	run --separate-stderr crm-add --update "$a" -p 600 --stage won
	refused_with 'crm-add: stage "won": must be one of lead, prospect, customer, churned'
}

@test "ADD049: --update -s id=... is refused" {
	new_crm
	add_as a 'Anna Nowak'
	cp customers.csv before.csv
	run --separate-stderr crm-add --update "$a" -s id=01aaaaaaaaaaa
	refused_with 'crm-add: id: is made by crm-add and cannot be set'
}

@test "ADD050: a column added by hand is kept in place through --update" {
	new_crm
	cat >customers.csv <<'EOF'
id,name,email,vat,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,PL5260001246,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Jiří Dvořák,jiri@example.cz,CZ12345678,,,CZ,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
EOF
	CRM_NOW=$LATER run --separate-stderr crm-add --update jiri@example.cz -p '+420 601 222 333'
	assert_success
	assert_output 01bbbbbbbbbbb
	diff -u - customers.csv <<EOF
id,name,email,vat,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,PL5260001246,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Jiří Dvořák,jiri@example.cz,CZ12345678,+420 601 222 333,,CZ,,,,lead,,2026-02-01T12:00:00Z,$LATER
EOF
}

@test "ADD051: a column added with -s is kept through a later --update, and --update -s changes it" {
	new_crm
	add_as a 'Anna Nowak' -s vat=PL5260001246
	add_as b 'Bob Brown'
	CRM_NOW=$LATER crm-add --update "$a" --city Gdańsk >/dev/null
	CRM_NOW=$LATER crm-add --update "$b" -s vat=GB123 >/dev/null
	diff -u - customers.csv <<EOF
$HDR,vat
$a,Anna Nowak,,,,,Gdańsk,,,lead,,$NOW,$LATER,PL5260001246
$b,Bob Brown,,,,,,,,lead,,$NOW,$LATER,GB123
EOF
}

@test "ADD052: rows quoted without need by hand are kept byte for byte by --update" {
	new_crm
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,"Nowak",anna@example.pl,"","Nowak ""&"" Syn",PL,"Gdańsk",,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Jiří Dvořák,jiri@example.cz,,,CZ,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
"01ccccccccccc","Петър Петров",,,"Line one
line two",BG,"София",,,lead,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
EOF
	cp customers.csv before.csv
	CRM_NOW=$LATER crm-add --update 01bbbbbbbbbbb --city Brno >/dev/null
	run diff before.csv customers.csv
	assert_failure 1
	assert_output "3c3
< 01bbbbbbbbbbb,Jiří Dvořák,jiri@example.cz,,,CZ,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
---
> 01bbbbbbbbbbb,Jiří Dvořák,jiri@example.cz,,,CZ,Brno,,,lead,,2026-02-01T12:00:00Z,$LATER"
}

@test "ADD053: rows of a CRLF file not changed by --update are kept byte for byte" {
	new_crm
	printf '%s\r\n' \
		"$HDR" \
		'01aaaaaaaaaaa,"Nowak",anna@example.pl,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z' \
		'01bbbbbbbbbbb,Jiří Dvořák,jiri@example.cz,,,CZ,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z' \
		'01ccccccccccc,Petr,petr@example.cz,,,CZ,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z' \
		>customers.csv
	cp customers.csv before.csv
	CRM_NOW=$LATER crm-add --update 01bbbbbbbbbbb --city Brno >/dev/null
	# header, row 1 and row 3 as they were, CR and all
	head -n 2 before.csv >expected
	sed -n 4p before.csv >>expected
	{ head -n 2 customers.csv && sed -n 4p customers.csv; } >actual
	assert_same_file expected actual
	assert_equal "$(wc -l <customers.csv)" 4
	assert_equal "$(sed -n 3p customers.csv | tr -d '\r')" \
		"01bbbbbbbbbbb,Jiří Dvořák,jiri@example.cz,,,CZ,Brno,,,lead,,2026-02-01T12:00:00Z,$LATER"
}

# ---------------------------------------------------------------- reading customers.csv

@test "ADD060: a malformed customers.csv is an error with its line, and is left alone" {
	new_crm
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,"Jiří Dvořák,jiri@example.cz,,,CZ,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
EOF
	cp customers.csv before.csv
	run --separate-stderr crm-add 'Bob Brown'
	refused_with 'crm-add: customers.csv:3: unterminated quoted field'
}

@test "ADD061: the error line of customers.csv is the physical line, after a quoted newline" {
	new_crm
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,"Two
lines",PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,"Jiří Dvořák,jiri@example.cz,,,CZ,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
EOF
	cp customers.csv before.csv
	run --separate-stderr crm-add --update anna@example.pl -p 600
	refused_with 'crm-add: customers.csv:4: unterminated quoted field'
}

@test "ADD062: a byte order mark at the start of customers.csv is accepted" {
	new_crm
	printf '\xef\xbb\xbf%s\n%s\n' "$HDR" \
		'01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z' \
		>customers.csv
	cp customers.csv before.csv
	# the header is understood: the e-mail column is found...
	run --separate-stderr crm-add 'Anna N.' -e anna@example.pl
	refused_with 'crm-add: anna@example.pl already belongs to customer 01aaaaaaaaaaa (use --update 01aaaaaaaaaaa, or --allow-duplicate)'
	# ...and so is the id column
	add_as b 'Bob Brown'
	sed '1s/^\xef\xbb\xbf//' customers.csv >nobom.csv
	diff -u - nobom.csv <<EOF
$HDR
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
$(fresh "$b" 'Bob Brown' '')
EOF
}

# ---------------------------------------------------------------- --import

@test "ADD070: --import of a CSV file adds its rows and prints their ids" {
	new_crm
	cat >new.csv <<'EOF'
name,email,country,city
Anna Nowak,ANNA@example.pl,pl,Gdańsk
Jiří Dvořák,jiri@example.cz,CZ,Plzeň
Петър Петров,,bg,София
EOF
	run --separate-stderr crm-add --import new.csv
	assert_success
	assert_equal "$stderr" 'crm-add: 3 added, 0 updated, 0 unchanged, 0 skipped'
	assert_equal "${#lines[@]}" 3
	a=${lines[0]} b=${lines[1]} c=${lines[2]}
	assert_id "$a" && assert_id "$b" && assert_id "$c"
	diff -u - customers.csv <<EOF
$HDR
$a,Anna Nowak,anna@example.pl,,,PL,Gdańsk,,,lead,,$NOW,$NOW
$b,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň,,,lead,,$NOW,$NOW
$c,Петър Петров,,,,BG,София,,,lead,,$NOW,$NOW
EOF
}

@test "ADD071: importing the same file twice adds nothing the second time" {
	new_crm
	cat >new.csv <<'EOF'
name,email,country,city
Anna Nowak,ANNA@example.pl,pl,Gdańsk
Jiří Dvořák,jiri@example.cz,CZ,Plzeň
Петър Петров,,bg,София
EOF
	crm-add --import new.csv >/dev/null 2>&1
	cp customers.csv before.csv
	CRM_NOW=$LATER run --separate-stderr crm-add --import new.csv
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" 'crm-add: 0 added, 0 updated, 3 unchanged, 0 skipped'
	assert_same_file before.csv customers.csv
}

@test "ADD072: --import of JSONL is told from the first byte" {
	new_crm
	cat >new.data <<'EOF'
{"name":"Łukasz Żółć","email":"ŁUKASZ@EXAMPLE.PL","country":"pl","tags":["vip","b2b"]}
{"email":"jiri@example.cz","name":"Jiří Dvořák","city":"Plzeň"}
EOF
	run --separate-stderr crm-add --import new.data
	assert_success
	assert_equal "$stderr" 'crm-add: 2 added, 0 updated, 0 unchanged, 0 skipped'
	a=${lines[0]} b=${lines[1]}
	diff -u - customers.csv <<EOF
$HDR
$a,Łukasz Żółć,łukasz@example.pl,,,PL,,vip;b2b,,lead,,$NOW,$NOW
$b,Jiří Dvořák,jiri@example.cz,,,,Plzeň,,,lead,,$NOW,$NOW
EOF
}

@test "ADD073: --import - reads standard input" {
	new_crm
	run --separate-stderr crm-add --import - <<'EOF'
name,email
Anna Nowak,anna@example.pl
EOF
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 0 updated, 0 unchanged, 0 skipped'
	assert_equal "$(rows)" "$(fresh "$output" 'Anna Nowak' anna@example.pl)"
}

@test "ADD074: an imported row is matched by id and updated with its non-empty values" {
	new_crm
	two_customers
	cat >upd.csv <<'EOF'
id,name,email,phone,city
01bbbbbbbbbbb,Петър Петров,,+359 2 123 456,София
01aaaaaaaaaaa,,,,
EOF
	CRM_NOW=$LATER run --separate-stderr crm-add --import upd.csv
	assert_success
	assert_output 01bbbbbbbbbbb
	assert_equal "$stderr" 'crm-add: 0 added, 1 updated, 1 unchanged, 0 skipped'
	diff -u - customers.csv <<EOF
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Петър Петров,,+359 2 123 456,,BG,София,,,lead,,2026-02-01T12:00:00Z,$LATER
EOF
}

@test "ADD075: an imported row is matched by e-mail; empty values clear nothing" {
	new_crm
	two_customers
	cat >upd.csv <<'EOF'
name,email,city,stage,phone
,ANNA@EXAMPLE.PL,,prospect,+48 600 100 200
Bob Brown,bob@example.com,London,,
EOF
	CRM_NOW=$LATER run --separate-stderr crm-add --import upd.csv
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 1 updated, 0 unchanged, 0 skipped'
	assert_equal "${lines[0]}" 01aaaaaaaaaaa
	b=${lines[1]}
	assert_id "$b"
	diff -u - customers.csv <<EOF
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,+48 600 100 200,,PL,Gdańsk,vip,,prospect,opt-in,2026-01-05T09:00:00Z,$LATER
01bbbbbbbbbbb,Петър Петров,,,,BG,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
$b,Bob Brown,bob@example.com,,,,London,,,lead,,$LATER,$LATER
EOF
}

@test "ADD076: a row without e-mail is matched by the same name among customers without e-mail" {
	new_crm
	two_customers
	cat >upd.csv <<'EOF'
name,city
Петър Петров,Пловдив
Anna Nowak,Sopot
EOF
	CRM_NOW=$LATER run --separate-stderr crm-add --import upd.csv
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 1 updated, 0 unchanged, 0 skipped'
	assert_equal "${lines[0]}" 01bbbbbbbbbbb
	n=${lines[1]}
	assert_id "$n"
	# Anna Nowak has an e-mail, so the row without one is someone else
	diff -u - customers.csv <<EOF
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Петър Петров,,,,BG,Пловдив,,,lead,,2026-02-01T12:00:00Z,$LATER
$n,Anna Nowak,,,,,Sopot,,,lead,,$LATER,$LATER
EOF
}

@test "ADD077: a name that is not identical does not match" {
	new_crm
	two_customers
	cat >upd.csv <<'EOF'
name,city
ПЕТЪР ПЕТРОВ,Варна
EOF
	CRM_NOW=$LATER run --separate-stderr crm-add --import upd.csv
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 0 updated, 0 unchanged, 0 skipped'
	n=$output
	assert_id "$n"
	diff -u - customers.csv <<EOF
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Петър Петров,,,,BG,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
$n,ПЕТЪР ПЕТРОВ,,,,,Варна,,,lead,,$LATER,$LATER
EOF
}

@test "ADD078: --map renames columns and an empty DST drops one" {
	new_crm
	cat >export.csv <<'EOF'
Full Name,Mail,Internal,Town
Anna Nowak,anna@example.pl,secret,Gdańsk
EOF
	run --separate-stderr crm-add --import export.csv --map 'Full Name=name' --map Mail=email \
		--map Internal= --map Town=city
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 0 updated, 0 unchanged, 0 skipped'
	diff -u - customers.csv <<EOF
$HDR
$output,Anna Nowak,anna@example.pl,,,,Gdańsk,,,lead,,$NOW,$NOW
EOF
}

@test "ADD079: with --keep-columns unknown import columns become new columns, empty in the other rows" {
	new_crm
	two_customers
	cat >new.csv <<'EOF'
name,email,vat,source
Jiří Dvořák,jiri@example.cz,CZ12345678,fair
EOF
	run --separate-stderr crm-add --import new.csv --keep-columns
	assert_success
	diff -u - customers.csv <<EOF
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,vat,source
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,,
01bbbbbbbbbbb,Петър Петров,,,,BG,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z,,
$output,Jiří Dvořák,jiri@example.cz,,,,,,,lead,,$NOW,$NOW,CZ12345678,fair
EOF
}

@test "ADD080: a column added by hand is kept in place through --import" {
	new_crm
	cat >customers.csv <<'EOF'
id,name,email,vat,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,PL5260001246,,,PL,,,,customer,,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
EOF
	cat >upd.jsonl <<'EOF'
{"email":"anna@example.pl","city":"Gdańsk"}
{"name":"Jiří Dvořák","email":"jiri@example.cz","vat":"CZ12345678"}
EOF
	CRM_NOW=$LATER run --separate-stderr crm-add --import upd.jsonl
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 1 updated, 0 unchanged, 0 skipped'
	assert_equal "${lines[0]}" 01aaaaaaaaaaa
	j=${lines[1]}
	diff -u - customers.csv <<EOF
id,name,email,vat,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,PL5260001246,,,PL,Gdańsk,,,customer,,2026-01-05T09:00:00Z,$LATER
$j,Jiří Dvořák,jiri@example.cz,CZ12345678,,,,,,,lead,,$LATER,$LATER
EOF
}

@test "ADD081: a quoted value with a newline survives an --import that updates another field" {
	new_crm
	add_as a 'Jiří Dvořák' -e jiri@example.cz -s note=$'Acme, "Ltd"\nsecond line'
	add_as b 'Anna Nowak'
	cat >upd.csv <<'EOF'
email,phone
jiri@example.cz,+420 601 222 333
EOF
	CRM_NOW=$LATER run --separate-stderr crm-add --import upd.csv
	assert_success
	assert_output "$a"
	diff -u - customers.csv <<EOF
$HDR,note
$a,Jiří Dvořák,jiri@example.cz,+420 601 222 333,,,,,,lead,,$NOW,$LATER,"Acme, ""Ltd""
second line"
$(fresh "$b" 'Anna Nowak' ''),
EOF
}

@test "ADD082: a bad row is reported with its physical line, skipped, the others imported" {
	new_crm
	cat >bad.csv <<'EOF'
name,email,note
Ola Kot,ola@example.pl,"Two
lines"
Bad Row,not-an-email,
Ewa Lis,ewa@example.pl,
EOF
	run --separate-stderr crm-add --import bad.csv --keep-columns
	assert_failure 2
	assert_equal "$stderr" "crm-add: bad.csv:4: email \"not-an-email\": needs exactly one '@' with a name before it
crm-add: 2 added, 0 updated, 0 unchanged, 1 skipped"
	assert_equal "${#lines[@]}" 2
	o=${lines[0]} e=${lines[1]}
	diff -u - customers.csv <<EOF
$HDR,note
$(fresh "$o" 'Ola Kot' ola@example.pl),"Two
lines"
$(fresh "$e" 'Ewa Lis' ewa@example.pl),
EOF
}

@test "ADD083: a bad JSONL row is reported with its line" {
	new_crm
	printf '%s\n' '{"name":"Ola Kot","email":"ola@example.pl"}' '' \
		'{"name":"Bad Row","country":"Narnia"}' \
		'{"name":"Ewa Lis","email":"ewa@example.pl"}' >bad.jsonl
	run --separate-stderr crm-add --import bad.jsonl
	assert_failure 2
	assert_equal "$stderr" "crm-add: bad.jsonl:3: country \"Narnia\": not an ISO 3166 country code (PL, CZ, BG, DE) or a country's name
crm-add: 2 added, 0 updated, 0 unchanged, 1 skipped"
	o=${lines[0]} e=${lines[1]}
	diff -u - customers.csv <<EOF
$HDR
$(fresh "$o" 'Ola Kot' ola@example.pl)
$(fresh "$e" 'Ewa Lis' ewa@example.pl)
EOF
}

@test "ADD084: a malformed import CSV changes nothing" {
	new_crm
	two_customers
	cp customers.csv before.csv
	cat >bad.csv <<'EOF'
name,email
Zofia Zych,zofia@example.pl
"Broken,broken@example.pl
Yanek Ulewicz,yanek@example.pl
EOF
	run --separate-stderr crm-add --import bad.csv
	assert_failure 2
	assert_regex "$stderr" '^crm-add: bad\.csv:3: unterminated quoted field'
	assert_same_file before.csv customers.csv
	assert_output ''
}

@test "ADD085: a malformed import CSV on its first row changes nothing" {
	new_crm
	two_customers
	cp customers.csv before.csv
	cat >bad.csv <<'EOF'
name,email
"Broken,broken@example.pl
EOF
	run --separate-stderr crm-add --import bad.csv
	assert_failure 2
	assert_output ''
	assert_regex "$stderr" '^crm-add: bad\.csv:2: unterminated quoted field'
	assert_same_file before.csv customers.csv
}

@test "ADD086: --import -n shows what would change and changes nothing" {
	new_crm
	two_customers
	cp customers.csv before.csv
	cat >upd.jsonl <<'EOF'
{"email":"anna@example.pl","city":"Sopot","tags":["vip","b2b"]}
{"name":"Петър Петров","city":"София"}
{"name":"Jiří Dvořák","email":"jiri@example.cz"}
EOF
	CRM_NOW=$LATER run --separate-stderr crm-add --import upd.jsonl -n
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 2 updated, 0 unchanged, 0 skipped (dry run)'
	assert_equal "${#lines[@]}" 6
	assert_line --index 0 'update 01aaaaaaaaaaa'
	assert_line --index 1 "  city: 'Gdańsk' -> 'Sopot'"
	assert_line --index 2 "  tags: 'vip' -> 'vip;b2b'"
	assert_line --index 3 'update 01bbbbbbbbbbb'
	assert_line --index 4 "  city: '' -> 'София'"
	assert_line --index 5 --regexp '^add [0-9a-hjkmnp-tv-z]{13} Jiří Dvořák <jiri@example.cz>$'
	assert_same_file before.csv customers.csv
}

@test "ADD087: importing one's own customers.csv changes nothing" {
	new_crm
	two_customers
	cp customers.csv before.csv
	cp customers.csv copy.csv
	CRM_NOW=$LATER run --separate-stderr crm-add --import copy.csv
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" 'crm-add: 0 added, 0 updated, 2 unchanged, 0 skipped'
	assert_same_file before.csv customers.csv
}

# ---------------------------------------------------------------- which directory

@test "ADD090: the nearest parent holding customers.csv is used" {
	crm-init acme >/dev/null
	mkdir -p acme/notes/2026
	cd acme/notes/2026
	add_as a 'Anna Nowak'
	assert_equal "$(tail -n 1 ../../customers.csv)" "$(fresh "$a" 'Anna Nowak' '')"
}

@test "ADD091: of two nested CRM directories the nearest one wins" {
	crm-init outer >/dev/null
	crm-init outer/inner >/dev/null
	mkdir outer/inner/sub
	cd outer/inner/sub
	add_as a 'Anna Nowak'
	assert_equal "$(tail -n 1 ../customers.csv)" "$(fresh "$a" 'Anna Nowak' '')"
	assert_equal "$(cat ../../customers.csv)" "$HDR"
}

@test "ADD092: \$CRM_DIR names the directory" {
	crm-init acme >/dev/null
	mkdir elsewhere
	cd elsewhere
	CRM_DIR=../acme add_as a 'Anna Nowak'
	assert_equal "$(tail -n 1 ../acme/customers.csv)" "$(fresh "$a" 'Anna Nowak' '')"
}

@test "ADD093: \$CRM_DIR wins over the current directory" {
	crm-init acme >/dev/null
	crm-init other >/dev/null
	cd other
	CRM_DIR="$WORK/acme" add_as a 'Anna Nowak'
	assert_equal "$(cat customers.csv)" "$HDR"
	assert_equal "$(tail -n 1 ../acme/customers.csv)" "$(fresh "$a" 'Anna Nowak' '')"
}

@test "ADD094: -d and --dir win over \$CRM_DIR and the current directory" {
	crm-init acme >/dev/null
	crm-init other >/dev/null
	crm-init third >/dev/null
	cd other
	CRM_DIR="$WORK/third" add_as a -d ../acme 'Anna Nowak'
	CRM_DIR="$WORK/third" add_as b --dir ../acme 'Bob Brown'
	assert_equal "$(cat customers.csv)" "$HDR"
	assert_equal "$(cat ../third/customers.csv)" "$HDR"
	diff -u - ../acme/customers.csv <<EOF
$HDR
$(fresh "$a" 'Anna Nowak' '')
$(fresh "$b" 'Bob Brown' '')
EOF
}

@test "ADD095: no CRM directory anywhere is an error that mentions crm-init" {
	mkdir -p empty/sub
	cd empty/sub
	run --separate-stderr crm-add 'Anna Nowak'
	assert_failure 2
	assert_output ''
	assert_regex "$stderr" '^crm-add: .*crm-init'
	assert_equal "$(find "$WORK" -name customers.csv)" ''
}

@test "ADD096: -d naming a directory without customers.csv is an error that mentions crm-init" {
	mkdir plain
	run --separate-stderr crm-add -d plain 'Anna Nowak'
	assert_failure 2
	assert_output ''
	assert_regex "$stderr" '^crm-add: .*crm-init'
	assert_equal "$(ls -A plain)" ''
}

# ---------------------------------------------------------------- common options

@test "ADD100: -h and --help print the usage on stdout and exit 0" {
	new_crm
	for opt in -h --help; do
		run --separate-stderr crm-add "$opt"
		assert_success
		assert_line --index 0 'usage: crm-add [options] NAME'
		assert_line --index 1 '       crm-add --update CUSTOMER [options] [NAME]'
		assert_line --index 2 '       crm-add --import FILE|- [--map SRC=DST]... [--set FIELD=VALUE]... [--keep-columns] [-n]'
		assert_line --index 3 '       crm-add --merge KEEP DROP... [-n]'
		assert_equal "$stderr" ''
	done
}

@test "ADD101: an unknown option exits 2 with the usage on stderr and changes nothing" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add --bogus 'Anna Nowak'
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-add: unknown option '--bogus'
usage: crm-add [options] NAME
       crm-add --update CUSTOMER [options] [NAME]
       crm-add --import FILE|- [--map SRC=DST]... [--set FIELD=VALUE]... [--keep-columns] [-n]
       crm-add --merge KEEP DROP... [-n]
Try 'crm-add --help' for more information."
	assert_same_file before.csv customers.csv
}

@test "ADD102: -V and --version print the version" {
	run --separate-stderr crm-add -V
	assert_success
	assert_output 'crm-add 0.1.0'
	run --separate-stderr crm-add --version
	assert_success
	assert_output 'crm-add 0.1.0'
}

@test "ADD103: LC_ALL=C writes the same bytes" {
	crm-init c >/dev/null
	crm-init u >/dev/null
	for d in c u; do
		if [ "$d" = c ]; then loc=C; else loc=C.UTF-8; fi
		LC_ALL=$loc crm-add -d $d 'Łukasz Żółć' -e ŁUKASZ@EXAMPLE.PL --tag 'Żółw, ŻÓŁW' \
			-c $'Acme, "Ltd"\nsecond line' --city Kraków | sed "s/.*/ID/" >$d.out
		sed -E '2,$s/^[0-9a-hjkmnp-tv-z]{13},/ID,/' $d/customers.csv >$d.csv
	done
	assert_same_file c.out u.out
	assert_same_file c.csv u.csv
}

# ---------------------------------------------------------------- merging

# Four hand-written customers, three of them the same person, with a column
# added by hand (touch), and a history in which lines are spaced and escaped
# in different ways; before.csv and before.jsonl keep copies.
duplicates() {
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,touch
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,
01bbbbbbbbbbb,"Петър Петров",,,"Acme, ""Ltd""",BG,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z,
01ccccccccccc,A. Nowak,Anna.Nowak@gmail.com,+48 601 234 567,,PL,Gdynia,b2b;VIP,ewa,lead,,2025-12-01T08:00:00Z,2026-03-01T08:00:00Z,30
01ddddddddddd,Ania N.,,+48 601 000 000,Nowak Sp. z o.o.,,,pomorze;b2b,,lead,opt-out,2026-04-01T08:00:00Z,2026-04-01T08:00:00Z,
EOF
	cat >interactions.jsonl <<'EOF'
{"id":"01eeeeeeeeee1","ts":"2026-02-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note","by":"ewa","text":"first call booked"}
{ "id" : "01eeeeeeeeee2", "ts" : "2026-02-02T10:00:00Z", "customer" : "01ccccccccccc", "type" : "note", "text" : "about 01ccccccccccc \u0141ódź" }
{"id":"01eeeeeeeeee3","ts":"2026-02-03T10:00:00Z","customer":"01bbbbbbbbbbb","type":"purchase","amount":12999,"currency":"PLN"}
{"id":"01eeeeeeeeee4","meta":{"customer":"01ccccccccccc"},"ts":"2026-02-04T10:00:00Z","cust\u006fmer":"01ddddddddddd","type":"call"}
{"id":"01eeeeeeeeee5","ts":"2026-02-05T10:00:00Z","customer":"01ccccccccccc","type":"email","subject":"Re: oferta"}
EOF
	cp customers.csv before.csv
	cp interactions.jsonl before.jsonl
}

# What merging 01ccccccccccc and 01ddddddddddd into Anna prints.
MERGED_SUMMARY="merge into 01aaaaaaaaaaa  Anna Nowak
  name: 'A. Nowak' of 01ccccccccccc dropped, 'Anna Nowak' kept
  name: 'Ania N.' of 01ddddddddddd dropped, 'Anna Nowak' kept
  email: 'Anna.Nowak@gmail.com' of 01ccccccccccc dropped, 'anna@example.pl' kept
  phone: '+48 601 234 567' from 01ccccccccccc
  phone: '+48 601 000 000' of 01ddddddddddd dropped, '+48 601 234 567' kept
  company: 'Nowak Sp. z o.o.' from 01ddddddddddd
  city: 'Gdynia' of 01ccccccccccc dropped, 'Gdańsk' kept
  owner: 'ewa' from 01ccccccccccc
  stage: 'lead' of 01ccccccccccc dropped, 'customer' kept
  stage: 'lead' of 01ddddddddddd dropped, 'customer' kept
  consent: 'opt-out' of 01ddddddddddd dropped, 'opt-in' kept
  touch: '30' from 01ccccccccccc
  tags: 'vip' -> 'vip;b2b;pomorze'
  created: '2026-01-05T09:00:00Z' -> '2025-12-01T08:00:00Z' from 01ccccccccccc
moved 2 interactions from 01ccccccccccc
moved 1 interaction from 01ddddddddddd
removed 01ccccccccccc  A. Nowak
removed 01ddddddddddd  Ania N."

@test "ADD110: --merge fills the kept customer's empty fields, unions tags, removes the others" {
	duplicates
	run --separate-stderr crm-add --merge 01aaaaaaaaaaa 01ccccccccccc 01ddddddddddd
	assert_success
	assert_equal "$stderr" ''
	assert_output "$MERGED_SUMMARY"
	diff -u - customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,touch
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,+48 601 234 567,Nowak Sp. z o.o.,PL,Gdańsk,vip;b2b;pomorze,ewa,customer,opt-in,2025-12-01T08:00:00Z,2026-11-22T10:00:00Z,30
01bbbbbbbbbbb,"Петър Петров",,,"Acme, ""Ltd""",BG,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z,
EOF
}

@test "ADD111: --merge moves the history, changing only the value of customer in those lines, and records the merge" {
	duplicates
	crm-add --merge 01aaaaaaaaaaa 01ccccccccccc 01ddddddddddd >/dev/null
	head -n 5 interactions.jsonl >moved.jsonl
	diff -u - moved.jsonl <<'EOF'
{"id":"01eeeeeeeeee1","ts":"2026-02-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note","by":"ewa","text":"first call booked"}
{ "id" : "01eeeeeeeeee2", "ts" : "2026-02-02T10:00:00Z", "customer" : "01aaaaaaaaaaa", "type" : "note", "text" : "about 01ccccccccccc \u0141ódź" }
{"id":"01eeeeeeeeee3","ts":"2026-02-03T10:00:00Z","customer":"01bbbbbbbbbbb","type":"purchase","amount":12999,"currency":"PLN"}
{"id":"01eeeeeeeeee4","meta":{"customer":"01ccccccccccc"},"ts":"2026-02-04T10:00:00Z","cust\u006fmer":"01aaaaaaaaaaa","type":"call"}
{"id":"01eeeeeeeeee5","ts":"2026-02-05T10:00:00Z","customer":"01aaaaaaaaaaa","type":"email","subject":"Re: oferta"}
EOF
	# then a merge record for each dropped customer, with a new id, now and who
	run jq -c 'del(.id)' <(tail -n +6 interactions.jsonl)
	assert_output '{"ts":"2026-11-22T10:00:00Z","customer":"01aaaaaaaaaaa","type":"merge","ref":"01ccccccccccc","by":"tester"}
{"ts":"2026-11-22T10:00:00Z","customer":"01aaaaaaaaaaa","type":"merge","ref":"01ddddddddddd","by":"tester"}'
	assert_id "$(sed -n 6p interactions.jsonl | jq -r .id)"
	assert_equal "$(wc -l <interactions.jsonl)" 7
}

@test "ADD112: --merge -n prints the same summary and changes nothing" {
	duplicates
	run --separate-stderr crm-add -n --merge 01aaaaaaaaaaa 01ccccccccccc 01ddddddddddd
	assert_success
	assert_equal "$stderr" ''
	assert_output "$MERGED_SUMMARY"
	assert_same_file before.csv customers.csv
	assert_same_file before.jsonl interactions.jsonl
}

@test "ADD113: --merge takes e-mails; the order of the dropped ones decides which value fills" {
	duplicates
	run --separate-stderr crm-add --merge ANNA@example.pl 01ddddddddddd anna.nowak@GMAIL.com
	assert_success
	assert_line --index 1 "  name: 'Ania N.' of 01ddddddddddd dropped, 'Anna Nowak' kept"
	assert_line --index 4 "  phone: '+48 601 000 000' from 01ddddddddddd"
	assert_line --index 5 "  phone: '+48 601 234 567' of 01ccccccccccc dropped, '+48 601 000 000' kept"
	diff -u - customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,touch
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,+48 601 000 000,Nowak Sp. z o.o.,PL,Gdańsk,vip;pomorze;b2b,ewa,customer,opt-in,2025-12-01T08:00:00Z,2026-11-22T10:00:00Z,30
01bbbbbbbbbbb,"Петър Петров",,,"Acme, ""Ltd""",BG,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z,
EOF
}

@test "ADD114: the kept customer may be one without history; only the moved line changes" {
	duplicates
	run --separate-stderr crm-add --merge 01bbbbbbbbbbb 01aaaaaaaaaaa
	assert_success
	assert_output "merge into 01bbbbbbbbbbb  Петър Петров
  name: 'Anna Nowak' of 01aaaaaaaaaaa dropped, 'Петър Петров' kept
  email: 'anna@example.pl' from 01aaaaaaaaaaa
  country: 'PL' of 01aaaaaaaaaaa dropped, 'BG' kept
  city: 'Gdańsk' from 01aaaaaaaaaaa
  stage: 'customer' of 01aaaaaaaaaaa dropped, 'lead' kept
  consent: 'opt-in' from 01aaaaaaaaaaa
  tags: '' -> 'vip'
  created: '2026-02-01T12:00:00Z' -> '2026-01-05T09:00:00Z' from 01aaaaaaaaaaa
moved 1 interaction from 01aaaaaaaaaaa
removed 01aaaaaaaaaaa  Anna Nowak"
	diff -u - customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,touch
01bbbbbbbbbbb,Петър Петров,anna@example.pl,,"Acme, ""Ltd""",BG,Gdańsk,vip,,lead,opt-in,2026-01-05T09:00:00Z,2026-11-22T10:00:00Z,
01ccccccccccc,A. Nowak,Anna.Nowak@gmail.com,+48 601 234 567,,PL,Gdynia,b2b;VIP,ewa,lead,,2025-12-01T08:00:00Z,2026-03-01T08:00:00Z,30
01ddddddddddd,Ania N.,,+48 601 000 000,Nowak Sp. z o.o.,,,pomorze;b2b,,lead,opt-out,2026-04-01T08:00:00Z,2026-04-01T08:00:00Z,
EOF
	run sed -n 1p interactions.jsonl
	assert_output '{"id":"01eeeeeeeeee1","ts":"2026-02-01T10:00:00Z","customer":"01bbbbbbbbbbb","type":"note","by":"ewa","text":"first call booked"}'
	run sed -n 2,5p interactions.jsonl
	assert_output "$(sed -n 2,5p before.jsonl)"
}

@test "ADD115: a dropped customer without interactions: every line stays as it was, the merge record is added" {
	duplicates
	grep -v 01eeeeeeeeee3 before.jsonl >interactions.jsonl
	cp interactions.jsonl before.jsonl
	crm-add --merge 01ccccccccccc 01bbbbbbbbbbb | tail -n 2 >out
	assert_equal "$(cat out)" "moved 0 interactions from 01bbbbbbbbbbb
removed 01bbbbbbbbbbb  Петър Петров"
	head -n 4 interactions.jsonl >kept.jsonl
	assert_same_file before.jsonl kept.jsonl
	assert_equal "$(tail -n 1 interactions.jsonl | jq -c 'del(.id)')" \
		'{"ts":"2026-11-22T10:00:00Z","customer":"01ccccccccccc","type":"merge","ref":"01bbbbbbbbbbb","by":"tester"}'
}

@test "ADD116: --merge errors: KEEP among the dropped, unknown ids, nothing to drop; nothing changed" {
	duplicates
	run --separate-stderr crm-add --merge 01aaaaaaaaaaa 01ccccccccccc anna@example.pl
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-add: anna@example.pl: is the customer to keep; it cannot be merged into itself
crm-add: nothing was merged"
	run --separate-stderr crm-add --merge 01zzzzzzzzzzz 01ccccccccccc nobody@example.pl
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-add: no customer matches '01zzzzzzzzzzz' (give an id, an email or part of a name)
crm-add: no customer matches 'nobody@example.pl' (give an id, an email or part of a name)
crm-add: nothing was merged"
	run --separate-stderr crm-add --merge 01aaaaaaaaaaa
	assert_failure 2
	assert_output ''
	assert_equal "${stderr_lines[0]}" "crm-add: --merge needs the customers to merge into KEEP"
	run --separate-stderr crm-add --merge 01aaaaaaaaaaa 01ccccccccccc --tag vip
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "crm-add: --merge takes only the ids of the customers"
	assert_same_file before.csv customers.csv
	assert_same_file before.jsonl interactions.jsonl
}

@test "ADD117: a dropped customer named twice is merged once" {
	duplicates
	run --separate-stderr crm-add --merge 01aaaaaaaaaaa 01ccccccccccc anna.nowak@gmail.com
	assert_success
	assert_equal "$(rows | cut -d, -f1)" "01aaaaaaaaaaa
01bbbbbbbbbbb
01ddddddddddd"
	assert_line "moved 2 interactions from 01ccccccccccc"
}

@test "ADD118: both new files are made before either replaces the old: when customers.csv cannot be, nothing changes" {
	duplicates
	mv customers.csv real.csv
	ln -s real.csv customers.csv
	run --separate-stderr crm-add --merge 01aaaaaaaaaaa 01ccccccccccc
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-add: customers.csv: is a symbolic link; refusing to replace it (point -d at the directory that holds the file)
crm-add: nothing was changed"
	assert_same_file before.csv real.csv
	assert_same_file before.jsonl interactions.jsonl
	run ls -A
	refute_output --partial .tmp.
	rm customers.csv
	mv real.csv customers.csv
	run --separate-stderr crm-add --merge 01aaaaaaaaaaa 01ccccccccccc
	assert_success
	assert_line "moved 2 interactions from 01ccccccccccc"
	assert_equal "$(rows | cut -d, -f1)" "01aaaaaaaaaaa
01bbbbbbbbbbb
01ddddddddddd"
	# the merge is recorded once
	assert_equal "$(grep -c '"merge"' interactions.jsonl)" 1
}

# ---------------------------------------------------------------- teams

@test "ADD119: --update --untag takes tags away, ignoring case in any script; a tag not there is nothing to change" {
	new_crm
	add_as a 'Anna Nowak' --tag 'vip;b2b;Żółw;partner'
	CRM_NOW=$LATER run --separate-stderr crm-add -n --update "$a" --untag VIP --untag 'żÓŁW, nobody'
	assert_success
	assert_output "update $a
  tags: 'vip;b2b;Żółw;partner' -> 'b2b;Żółw;partner'
  tags: 'b2b;Żółw;partner' -> 'b2b;partner'"
	CRM_NOW=$LATER crm-add --update "$a" --untag VIP --untag 'żÓŁW, nobody' >/dev/null
	assert_equal "$(rows)" "$a,Anna Nowak,,,,,,b2b;partner,,lead,,$NOW,$LATER"
	cp customers.csv before.csv
	run --separate-stderr crm-add --update "$a" --untag vip
	assert_failure 1
	assert_equal "$stderr" "crm-add: $a: nothing to change"
	assert_same_file before.csv customers.csv
	# added and taken in one go: the tag is gone, whatever the order
	crm-add --update "$a" --untag new --tag new >/dev/null
	assert_equal "$(rows | cut -d, -f8)" 'b2b;partner'
}

@test "ADD120: a column untag on import (a file or a pipe) takes tags away after the row's own tags; it is no column of the base" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl --tag 'vip;b2b'
	add_as b 'Petr Novák' -e petr@example.cz --tag 'vip;newsletter'
	cat >in.csv <<'EOF'
email,tags,untag
anna@example.pl,vip;loyal,VIP
petr@example.cz,,newsletter
EOF
	CRM_NOW=$LATER run --separate-stderr crm-add --import in.csv
	assert_success
	assert_equal "$stderr" 'crm-add: 0 added, 2 updated, 0 unchanged, 0 skipped'
	assert_equal "$(head -n 1 customers.csv)" "$HDR"
	assert_equal "$(rows | cut -d, -f1,8)" "$a,b2b;loyal
$b,vip"
	# through a pipe, as JSON Lines made from a search
	crm-find --where tags=vip -f id -o jsonl | jq -c '{id, untag: "vip"}' |
		CRM_NOW=$LATER crm-add --import - 2>/dev/null
	assert_equal "$(rows | cut -d, -f1,8)" "$a,b2b;loyal
$b,"
}

@test "ADD121: --set FIELD= empties a field (also --city ''); tags stay" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl --city Poznań -p 600 --tag vip
	CRM_NOW=$LATER run --separate-stderr crm-add --update "$a" --set city= -p ''
	assert_success
	assert_equal "$(rows)" "$a,Anna Nowak,anna@example.pl,,,,,vip,,lead,,$NOW,$LATER"
	run --separate-stderr crm-add --update "$a" --set city=
	assert_failure 1
	assert_equal "$stderr" "crm-add: $a: nothing to change"
}

# Anna (KEEP) and Ania (DROP) in customers.csv, DROP merged into KEEP; then
# a call logged on DROP in another clone comes in with a pull: a stray line.
merged_then_pulled() {
	new_crm
	add_as KEEP 'Anna Nowak' -e anna@example.pl
	add_as DROP 'Ania N.' -e ania@example.pl
	crm-log "$DROP" note 'before the merge' >/dev/null
	crm-add --merge "$KEEP" "$DROP" >/dev/null
	printf '{"id":"01strayline001","ts":"2026-11-22T11:00:00Z","customer":"%s","type":"call","by":"piotr"}\n' "$DROP" >>interactions.jsonl
}

@test "ADD122: --merge KEEP DROP again after a pull moves the lines left on DROP and says so; a third time there is nothing to do" {
	merged_then_pulled
	cp customers.csv before.csv
	run --separate-stderr crm-add --merge "$KEEP" "$DROP"
	assert_success
	assert_equal "$stderr" ''
	assert_output "merge into $KEEP  Anna Nowak
moved 1 interaction from $DROP (not a customer any more)"
	assert_same_file before.csv customers.csv
	run jq -r '[.customer, .type, .ref // ""] | join(" ")' interactions.jsonl
	assert_output "$KEEP note 
$KEEP merge $DROP
$KEEP call "
	assert_equal "$(tail -n 1 interactions.jsonl)" "{\"id\":\"01strayline001\",\"ts\":\"2026-11-22T11:00:00Z\",\"customer\":\"$KEEP\",\"type\":\"call\",\"by\":\"piotr\"}"
	cp interactions.jsonl before.jsonl
	run --separate-stderr crm-add --merge "$KEEP" "$DROP"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "crm-add: $DROP: merged into $KEEP already; nothing to do"
	assert_same_file before.jsonl interactions.jsonl
}

@test "ADD123: the lines of an id removed without --forget can be given to a customer: moved, and a merge record added" {
	new_crm
	add_as KEEP 'Anna Nowak' -e anna@example.pl
	add_as OLD 'Anna (old)' -e anna.old@example.pl
	crm-log "$OLD" note 'old note' >/dev/null
	crm-rm "$OLD" >/dev/null
	run --separate-stderr crm-add -n --merge "$KEEP" "$OLD"
	assert_success
	assert_output "merge into $KEEP  Anna Nowak
moved 1 interaction from $OLD (not a customer any more)"
	run --separate-stderr crm-add --merge "$KEEP" "$OLD"
	assert_success
	run jq -r '[.customer, .type, .ref // ""] | join(" ")' interactions.jsonl
	assert_output "$KEEP note 
$KEEP merge $OLD"
	run crm-check
	assert_success
	assert_output ''
}

@test "ADD124: --merge settles the conflict of one customer added in two clones; other conflicts stay" {
	new_crm
	add_as A 'Vladimír Dvořák' -e vladimir@example.cz
	add_as B 'Vladimir Dvorak' -e vladimir.d@example.cz
	add_as C 'Someone Else' -e else@example.cz
	cat >conflicts.jsonl <<EOF
{"file":"customers.csv","id":"$A","field":"email","base":null,"ours":"vladimir@example.cz","theirs":"vladimir@example.cz","duplicate":"$B"}
{"file":"customers.csv","id":"$C","field":"city","base":"Brno","ours":"Praha","theirs":"Plzeň"}
EOF
	cp conflicts.jsonl before.jsonl
	run --separate-stderr crm-add -n --merge "$A" "$B"
	assert_success
	assert_line --index 5 "settled 1 conflict of conflicts.jsonl"
	assert_same_file before.jsonl conflicts.jsonl
	run --separate-stderr crm-add --merge "$A" "$B"
	assert_success
	assert_line "settled 1 conflict of conflicts.jsonl"
	assert_equal "$(cat conflicts.jsonl)" "{\"file\":\"customers.csv\",\"id\":\"$C\",\"field\":\"city\",\"base\":\"Brno\",\"ours\":\"Praha\",\"theirs\":\"Plzeň\"}"
	# the last one settled: the file goes
	printf '{"file":"customers.csv","id":"%s","field":"email","base":null,"ours":"x","theirs":"x","duplicate":"%s"}\n' "$C" "$A" >conflicts.jsonl
	run --separate-stderr crm-add --merge "$C" "$A"
	assert_success
	[ ! -e conflicts.jsonl ]
}

# ---------------------------------------------------------------- real files

# A shop's export of its customers as a Polish spreadsheet saves it:
# Windows-1250, semicolons, CR LF, a column the CRM does not know.
shop_customers() {
	printf '%s\r\n' 'Imię i nazwisko;E-mail;Telefon;Miasto;Kraj;Zgoda;Uwagi' \
		'Łukasz Żółć;Lukasz@Example.pl;+48 601 234 567;Kraków;PL;opt-in;stały klient' \
		'Jiří Dvořák;jiri@example.cz;+420 603 111 222;Brno;CZ;;' \
		'Anna Nowak;anna@example.pl;;Gdańsk;PL;;"nowy adres; Sopot"' |
		iconv -f UTF-8 -t WINDOWS-1250 >shop.csv
}

SHOP_MAP=(--map 'Imię i nazwisko=name' --map E-mail=email --map Telefon=phone --map Miasto=city
	--map Kraj=country --map Zgoda=consent)

@test "ADD125: a shop export in Windows-1250 with semicolons: --encoding, the separator found, --set for every record, an unknown column left out" {
	new_crm
	two_customers
	shop_customers
	run --separate-stderr crm-add --import shop.csv --encoding windows-1250 "${SHOP_MAP[@]}" \
		--set owner=anna --set tags=+fair-2026
	assert_success
	assert_equal "$stderr" "crm-add: shop.csv: columns left out (not in customers.csv; --keep-columns adds them): Uwagi
crm-add: 2 added, 1 updated, 0 unchanged, 0 skipped"
	assert_equal "${#lines[@]}" 3
	l=${lines[0]} j=${lines[1]}
	assert_equal "${lines[2]}" 01aaaaaaaaaaa
	diff -u - customers.csv <<EOF
$HDR
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip;fair-2026,anna,customer,opt-in,2026-01-05T09:00:00Z,$NOW
01bbbbbbbbbbb,Петър Петров,,,,BG,,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
$l,Łukasz Żółć,lukasz@example.pl,+48 601 234 567,,PL,Kraków,fair-2026,anna,lead,opt-in,$NOW,$NOW
$j,Jiří Dvořák,jiri@example.cz,+420 603 111 222,,CZ,Brno,fair-2026,anna,lead,,$NOW,$NOW
EOF
	# the same export again, from cron: nothing changes
	cp customers.csv first.csv
	CRM_NOW=$LATER run --separate-stderr crm-add --import shop.csv --encoding windows-1250 "${SHOP_MAP[@]}" \
		--set owner=anna --set tags=+fair-2026
	assert_failure 1
	assert_output ''
	assert_equal "${stderr_lines[1]}" 'crm-add: 0 added, 0 updated, 3 unchanged, 0 skipped'
	assert_same_file first.csv customers.csv
}

@test "ADD126: -n of the shop export shows what the import does, and changes nothing" {
	new_crm
	two_customers
	shop_customers
	cp customers.csv before.csv
	run --separate-stderr crm-add -n --import shop.csv --encoding cp1250 "${SHOP_MAP[@]}" --set owner=anna
	assert_success
	assert_line --index 0 --regexp '^add [0-9a-hjkmnp-tv-z]{13} Łukasz Żółć <lukasz@example.pl>$'
	assert_line --index 1 --regexp '^add [0-9a-hjkmnp-tv-z]{13} Jiří Dvořák <jiri@example.cz>$'
	assert_line --index 2 'update 01aaaaaaaaaaa'
	assert_line --index 3 "  owner: '' -> 'anna'"
	assert_equal "${#lines[@]}" 4
	assert_equal "${stderr_lines[1]}" 'crm-add: 2 added, 1 updated, 0 unchanged, 0 skipped (dry run)'
	assert_same_file before.csv customers.csv
}

@test "ADD127: a file that is not UTF-8 is refused whole, with its line, naming --encoding; an unknown encoding is an error" {
	new_crm
	two_customers
	shop_customers
	cp customers.csv before.csv
	run --separate-stderr crm-add --import shop.csv "${SHOP_MAP[@]}"
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" 'crm-add: shop.csv:1: invalid UTF-8 (byte 4 of the line): name the file'"'"'s encoding with --encoding (windows-1250, iso-8859-2, windows-1252, ...)'
	run --separate-stderr crm-add --import shop.csv --encoding klingon "${SHOP_MAP[@]}"
	assert_failure 2
	assert_equal "$stderr" 'crm-add: --encoding klingon: not a charset iconv knows (iconv -l lists them)'
	# bytes that windows-1250 does not have (0x98 is unassigned)
	printf 'name\nA\x98B\n' >odd.csv
	run --separate-stderr crm-add --import odd.csv --encoding windows-1250
	assert_failure 2
	assert_equal "$stderr" 'crm-add: odd.csv:2: byte 2 of the line is not text in windows-1250'
	assert_same_file before.csv customers.csv
}

@test "ADD128: a --map whose column the file lacks is an error that lists the file's columns; nothing is added" {
	new_crm
	two_customers
	cp customers.csv before.csv
	printf 'Name;Mail;City\nOla Kot;ola@example.pl;Łódź\n' >c.csv
	run --separate-stderr crm-add --import c.csv --map Name=name --map Email=email
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-add: c.csv:1: --map 'Email=email': no column 'Email' (the columns: Name, Mail, City)"
	printf '{"Name":"Ola Kot","Mail":"ola@example.pl"}\n' >c.jsonl
	run --separate-stderr crm-add --import c.jsonl --map Email=email
	assert_failure 2
	assert_equal "$stderr" "crm-add: c.jsonl: --map 'Email=email': no column 'Email' (the columns: Name, Mail); nothing was changed"
	assert_same_file before.csv customers.csv
	# a later --map may rename what an earlier one made
	run --separate-stderr crm-add --import c.csv --map Name=n --map n=name --map Mail=email --map City=city
	assert_success
	assert_equal "$(tail -n 1 customers.csv | cut -d, -f2,3,7)" 'Ola Kot,ola@example.pl,Łódź'
}

@test "ADD129: a tab-separated file, --delimiter, a byte order mark before JSON Lines" {
	new_crm
	printf 'name\temail\tcity\nOla Kot\tola@example.pl\tGdańsk, Oliwa\n' >t.tsv
	run --separate-stderr crm-add --import t.tsv
	assert_success
	assert_equal "$(tail -n 1 customers.csv | cut -d, -f2,3)" 'Ola Kot,ola@example.pl'
	assert_equal "$(crm-find -o csv -f city ola)" 'city
"Gdańsk, Oliwa"'
	# one column only: no separator to find; --delimiter says it
	printf 'name|email\nEwa Lis|ewa@example.pl\n' >p.txt
	run --separate-stderr crm-add --import p.txt --delimiter '|'
	assert_success
	assert_equal "$(tail -n 1 customers.csv | cut -d, -f2,3)" 'Ewa Lis,ewa@example.pl'
	printf '\xef\xbb\xbf{"name":"Jan Nowak","email":"jan@example.pl"}\n' >b.jsonl
	run --separate-stderr crm-add --import b.jsonl
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 0 updated, 0 unchanged, 0 skipped'
	run --separate-stderr crm-add --delimiter x 'Somebody'
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-add: --delimiter, --encoding and --keep-columns go with --import'
	run --separate-stderr crm-add --import t.tsv --delimiter ab
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-add: --delimiter takes one character, or tab'
}

@test "ADD130: a typo in --map: in the file's column, an error; in the customers' column, the column is left out and named" {
	new_crm
	two_customers
	printf 'Full name,E-mail,Company\nAnna Nowak,anna@example.pl,Acme\n' >c.csv
	cp customers.csv before.csv
	run --separate-stderr crm-add --import c.csv --map 'Full name=name' --map 'E-mial=email'
	assert_failure 2
	assert_equal "$stderr" "crm-add: c.csv:1: --map 'E-mial=email': no column 'E-mial' (the columns: Full name, E-mail, Company)"
	assert_same_file before.csv customers.csv
	run --separate-stderr crm-add --import c.csv --map 'Full name=name' --map 'E-mail=email' --map Company=compnay
	assert_failure 1
	assert_equal "$stderr" "crm-add: c.csv: columns left out (not in customers.csv; --keep-columns adds them): compnay
crm-add: 0 added, 0 updated, 1 unchanged, 0 skipped"
	assert_same_file before.csv customers.csv
}

# --- one rulebook with crm-check --------------------------------------------

# What crm-check says of a customer whose column $1 holds the raw value $2,
# without the "customers.csv:2: " in front; nothing when it is clean.
check_says() {
	local cols=id,name,email row q="\"${2//\"/\"\"}\""
	case $1 in
	name) row="01aaaaaaaaaaa,$q," ;;
	email) row="01aaaaaaaaaaa,Anna,$q" ;;
	*) cols+=",$1" row="01aaaaaaaaaaa,Anna,,$q" ;;
	esac
	mkdir -p chk
	printf '%s\n%s\n' "$cols" "$row" >chk/customers.csv
	: >chk/interactions.jsonl
	crm-check -d chk 2>/dev/null | sed 's/^chk\/customers\.csv:2: //'
}

@test "ADD131: --country UK is refused with the very message crm-check gives for UK in the file" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add 'John Smith' --country UK
	refused_with 'crm-add: country "UK": not an ISO 3166 country code (the United Kingdom is GB)'
	assert_equal "${stderr#crm-add: }" "$(check_says country UK)"
}

@test "ADD132: what crm-add refuses crm-check reports with the same words, and what it takes crm-check takes" {
	new_crm
	local f v n=0
	while IFS='|' read -r f v; do
		v=$(printf '%b' "$v")
		run --separate-stderr crm-add Test -s "$f=$v"
		if ((status == 0)); then
			# taken: stored in the form crm-check wants
			run --separate-stderr crm-check
			assert_success
			assert_output ''
			head -n 1 customers.csv >c.csv && mv c.csv customers.csv
		else
			assert_failure 2
			assert_equal "${stderr#crm-add: }" "$(check_says "$f" "$v")"
			n=$((n + 1))
		fi
	done <<'EOF'
country|UK
country|Narnia
country|P1
country|Polska
country|cz
email|anna.example.pl
email|anna@localhost
email|zoë@żółw.pl
email|a\x01b@example.pl
stage|won
stage|Customer
consent|yes
touch|0
touch|x
touch|14
name|Eve\x1b[31m
company|Acme\nLtd
city|Kra\x0bków
owner|o\x7fla
tags|vip\xc2\x85
phone|+48\t600
note|two\nlines\tand a tab
note|bell\x07
vat|PL\x1b
EOF
	# the refused ones, counted so that a value taken by mistake shows
	assert_equal "$n" 18
}

@test "ADD133: country names and alpha-3 codes become codes on every path: options, --update, CSV, JSONL, vCard" {
	new_crm
	add_as a 'Anna Nowak' --country Polska
	add_as b 'Jiří Dvořák' --country 'Česká republika'
	add_as c 'Петър Петров' --company Acme
	crm-add --update "$c" --country България >/dev/null
	printf 'name,country\nHans Müller,Deutschland\nJan Kos,pol\n' >in.csv
	printf '%s\n' '{"name":"Ivan Ivanov","country":"bulgaria"}' '{"name":"Eva Nováková","country":"Česko"}' >in.jsonl
	printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Smith\r\nADR:;;1 High St;London;;;UK\r\nEND:VCARD\r\n' >in.vcf
	crm-add --import in.csv >/dev/null 2>&1
	crm-add --import in.jsonl >/dev/null 2>&1
	crm-add --import in.vcf >/dev/null 2>&1
	run crm-find -f name,country -o csv
	assert_output "name,country
Anna Nowak,PL
Jiří Dvořák,CZ
Петър Петров,BG
Hans Müller,DE
Jan Kos,PL
Ivan Ivanov,BG
Eva Nováková,CZ
John Smith,GB"
	run crm-check
	assert_success
}

@test "ADD134: control characters are refused in one-line fields on every path; free text takes line breaks" {
	new_crm
	add_as a 'Anna Nowak' -e anna@example.pl
	cp customers.csv before.csv
	run --separate-stderr crm-add $'Eve\e[2J'
	refused_with 'crm-add: name "Eve\u001B[2J": holds a control character (U+001B)'
	run --separate-stderr crm-add --update "$a" --company $'Acme\vLtd'
	refused_with 'crm-add: company "Acme\u000BLtd": holds a control character (U+000B)'
	printf 'name,city\nOla Kot,"Gdańsk\302\205"\n' >c1.csv
	run --separate-stderr crm-add --import c1.csv
	assert_failure 2
	assert_equal "$stderr" 'crm-add: c1.csv:2: city "Gdańsk\u0085": holds a control character (U+0085)
crm-add: 0 added, 0 updated, 0 unchanged, 1 skipped'
	printf '%s\n' '{"name":"Ola Kot","owner":"ola\u001b"}' >esc.jsonl
	run --separate-stderr crm-add --import esc.jsonl
	assert_failure 2
	assert_equal "$stderr" 'crm-add: esc.jsonl:1: owner "ola\u001B": holds a control character (U+001B)
crm-add: 0 added, 0 updated, 0 unchanged, 1 skipped'
	printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ola\\nKot\r\nEND:VCARD\r\n' >nl.vcf
	run --separate-stderr crm-add --import nl.vcf
	assert_failure 2
	assert_equal "$stderr" 'crm-add: nl.vcf:1: name "Ola\nKot": holds a line break (the field is one line)
crm-add: 0 added, 0 updated, 0 unchanged, 1 skipped'
	assert_same_file before.csv customers.csv
	# a note is free text: line breaks and tabs are kept
	run --separate-stderr crm-add --update "$a" -s note=$'first line\n\tsecond line'
	assert_success
	run crm-check
	assert_success
}

@test "ADD135: an address crm-mail cannot send to is refused at entry, saying why; IDN and UTF-8 ones are taken" {
	new_crm
	cp customers.csv before.csv
	run --separate-stderr crm-add Anna -e "$(printf 'a%.0s' {1..65})@example.pl"
	refused_with "crm-add: email \"$(printf 'a%.0s' {1..60})\"...: has more than 64 bytes before the '@' (mail servers refuse it)"
	run --separate-stderr crm-add Anna -e "anna@$(printf 'b%.0s' {1..64}).pl"
	refused_with "crm-add: email \"anna@$(printf 'b%.0s' {1..55})\"...: has a part of the domain longer than 63 characters"
	run --separate-stderr crm-add Anna -e 'anna@example-.pl'
	refused_with "crm-add: email \"anna@example-.pl\": has a part of the domain that starts or ends with '-'"
	add_as a 'Anna Żółw' -e 'anna@ŻÓŁW.pl'
	add_as b 'Zoë Müller' -e 'Zoë@Example.DE'
	run crm-find -f email -o csv
	assert_output "email
anna@żółw.pl
zoë@example.de"
}

@test "ADD136: numbers of a JSON Lines import are kept as written: 0.1 stays 0.1, 100.0 is 100; null adds no column; a second import changes nothing" {
	new_crm
	printf '%s\n' '{"name":"Ola Kot","email":"ola@example.pl","discount":0.1,"limit":100.0,"orders":12,"b2b":true,"vat":null}' >c.jsonl
	run --separate-stderr crm-add --import c.jsonl --keep-columns
	assert_success
	assert_equal "$(head -n 1 customers.csv)" "$HDR,discount,limit,orders,b2b"
	assert_equal "$(tail -n 1 customers.csv)" "$output,Ola Kot,ola@example.pl,,,,,,,lead,,$NOW,$NOW,0.1,100,12,true"
	cp customers.csv first.csv
	run --separate-stderr crm-add --import c.jsonl --keep-columns
	assert_failure 1
	assert_equal "$stderr" 'crm-add: 0 added, 0 updated, 1 unchanged, 0 skipped'
	assert_same_file first.csv customers.csv
}
