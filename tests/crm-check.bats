#!/usr/bin/env bats
# crm-check: every problem of a CRM directory as file:line: message.

load helper

HDR=id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated

# A clean CRM directory "acme", entered: customers in Polish, Bulgarian and
# Czech, one with a quoted field that spans two lines, and a history with a
# task closed once and a deal with a stage change.
clean_crm() {
	mkdir acme
	cd acme || return 1
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,note
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,+48 600 100 200,,PL,Gdańsk,vip,ewa,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Петър Петров,петър@пример.бг,,"Acme, ""Ltd""",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z,"Sofia office,
second floor"
01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň,,,prospect,opt-out,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
EOF
	cat >interactions.jsonl <<'EOF'
{"id":"02aaaaaaaaaaa","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"task","channel":"other","text":"Send the offer","due":"2026-04-08T10:00:00Z"}
{"id":"02bbbbbbbbbbb","ts":"2026-04-02T10:00:00Z","customer":"01bbbbbbbbbbb","type":"call","channel":"phone","direction":"in","text":"Пита за цените"}
{"id":"02ccccccccccc","ts":"2026-04-03T10:00:00Z","customer":"01aaaaaaaaaaa","type":"done","channel":"other","ref":"02aaaaaaaaaaa"}
{"id":"02ddddddddddd","ts":"2026-04-04T10:00:00Z","customer":"01ccccccccccc","type":"deal","channel":"other","stage":"new","probability":10,"amount":500000,"currency":"CZK","close":"2026-06-30T00:00:00Z"}
{"id":"02eeeeeeeeeee","ts":"2026-04-05T10:00:00Z","customer":"01ccccccccccc","type":"deal","channel":"other","stage":"won","probability":100,"ref":"02ddddddddddd"}
{"id":"02fffffffffff","ts":"2026-04-06T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","channel":"shop","amount":12999,"currency":"PLN"}
{"id":"02ggggggggggg","ts":"2026-04-07T10:00:00Z","customer":"01ccccccccccc","type":"survey","channel":"web","rating":5,"score":10}
EOF
}

# The customers and the history with one problem of each kind, each at a
# known line; the quoted field of lines 3-4 makes rows and lines differ.
bad_crm() {
	mkdir acme
	cd acme || return 1
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,+48 600 100 200,,PL,Gdańsk,vip,ewa,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
01bbbbbbbbbbb,Петър Петров,petar@example.bg,,"Acme, ""Ltd""
Sofia office",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z
01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň,,,prospect,,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z
01aaaaaaaaaaa,Zofia Żak,zofia@example.pl,,,PL,Łódź,,,lead,,2026-03-02T08:00:00Z,2026-03-02T08:00:00Z
01ddddddddddd,Łukasz Żółć,anna@example.pl,,,PL,Kraków,,,lead,,2026-03-03T08:00:00Z,2026-03-03T08:00:00Z
01eeeeeeeeeee,Ewa Kos,ewa@@example.pl,,,PL,,,,lead,,2026-03-04T08:00:00Z,2026-03-04T08:00:00Z
01fffffffffff,Hans Müller,hans@example.de,,,Germany,Köln,,,lead,,2026-03-05T08:00:00Z,2026-03-05T08:00:00Z
01ggggggggggg,Jana Nováková,jana@example.cz,,,CZ,Brno,,,vip,,2026-03-06T08:00:00Z,2026-03-06T08:00:00Z
01hhhhhhhhhhh,Иван Иванов,ivan@example.bg,,,BG,Варна,,,lead,yes,2026-03-07T08:00:00Z,2026-03-07T08:00:00Z
01jjjjjjjjjjj,Marek Wolf,marek@example.pl,,,PL,,,,lead,,2026-02-30T08:00:00Z,2026-03-08T08:00:00Z
01kkkkkkkkkkk,Olga Lis,olga@example.pl,,,PL,,,,lead,,2026-03-09T08:00:00Z,yesterday
01mmmmmmmmmmm,Piotr Kot,piotr@example.pl,,,PL,,,,lead,,2026-03-10T08:00:00Z,2026-03-10T08:00:00Z,extra
01nnnnnnnnnnn,"Tomasz "Tom" Bąk",tomasz@example.pl,,,PL,,,,lead,,2026-03-11T08:00:00Z,2026-03-11T08:00:00Z
,Bez Id,bez@example.pl,,,PL,,,,lead,,2026-03-12T08:00:00Z,2026-03-12T08:00:00Z
EOF
	cat >interactions.jsonl <<'EOF'
{"id":"02aaaaaaaaaaa","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"task","channel":"other","by":"ewa","text":"Send the offer","due":"2026-04-08T10:00:00Z"}
{"id":"02bbbbbbbbbbb","ts":"2026-04-02T10:00:00Z","customer":"01bbbbbbbbbbb","type":"call","channel":"phone","direction":"in","text":"Пита за цените"}
{"id":"02ccccccccccc","ts":"2026-04-03T10:00:00Z","customer":"01aaaaaaaaaaa","type":"done","channel":"other","ref":"02aaaaaaaaaaa"}
{"id":"02ddddddddddd","ts":"2026-04-04T10:00:00Z","customer":"01aaaaaaaaaaa","type":"done","channel":"other","ref":"02aaaaaaaaaaa"}
{"id":"02eeeeeeeeeee","ts":"2026-04-05T10:00:00Z","customer":"01bbbbbbbbbbb","type":"done","channel":"other","ref":"02yyyyyyyyyyy"}
{"id":"02fffffffffff","ts":"2026-04-06T10:00:00Z","customer":"01ccccccccccc","type":"deal","channel":"other","stage":"new","probability":10,"amount":500000,"currency":"CZK","close":"2026-06-30T00:00:00Z"}
{"id":"02ggggggggggg","ts":"2026-04-07T10:00:00Z","customer":"01ccccccccccc","type":"deal","channel":"other","stage":"won","probability":100,"ref":"02zzzzzzzzzzz"}
{"id":"02hhhhhhhhhhh","ts":"2026-04-08T10:00:00Z","customer":"01zzzzzzzzzzz","type":"note","channel":"other","text":"who is this?"}
{"id":"02jjjjjjjjjjj","ts":"2026-04-09T10:00:00Z","customer":"01ccccccccccc","type":"fax","channel":"other"}
{"id":"02kkkkkkkkkkk","ts":"2026-04-10T10:00:00Z","customer":"01ccccccccccc","type":"note","channel":"pigeon"}
{"id":"02mmmmmmmmmmm","ts":"2026-04-11T10:00:00Z","customer":"01ccccccccccc","type":"call","channel":"phone","direction":"sideways"}
{"id":"02nnnnnnnnnnn","ts":"2026-04-12T10:00:00Z","customer":"01ccccccccccc","type":"survey","channel":"web","rating":6}
{"id":"02ppppppppppp","ts":"2026-04-13T10:00:00Z","customer":"01ccccccccccc","type":"survey","channel":"web","score":11}
{"id":"02qqqqqqqqqqq","ts":"2026-04-14T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","channel":"shop","amount":129.99,"currency":"PLN"}
{"id":"02rrrrrrrrrrr","ts":"2026-04-15T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","channel":"shop","amount":12999,"currency":"zł"}
{"id":"02sssssssssss","ts":"2026-04-16 10:00","customer":"01aaaaaaaaaaa","type":"note","channel":"other"}
{"id":"02ttttttttttt","ts":"2026-04-17T10:00:00Z","customer":"01aaaaaaaaaaa","type":"task","channel":"other","due":"next week"}
{"id":"02vvvvvvvvvvv","ts":"2026-04-18T10:00:00Z","customer":"01ccccccccccc","type":"deal","channel":"other","stage":"new","close":"2026-13-01T00:00:00Z"}
{"id":"02bbbbbbbbbbb","ts":"2026-04-19T10:00:00Z","customer":"01bbbbbbbbbbb","type":"note","channel":"other"}
{"id":"02wwwwwwwwwww","ts":"2026-04-20T10:00:00Z","customer":"01bbbbbbbbbbb","type":"note",}
{"id":"02xxxxxxxxxxx","ts":"2026-04-21T10:00:00Z","customer":"01bbbbbbbbbbb","type":"email","channel":"email","direction":"out","subject":"Оферта","x-mailer":"a field of its own"}
EOF
}

# What crm-check prints for bad_crm, every line.
BAD_OUT='customers.csv:3: company "Acme, \"Ltd\"\nSofia office": holds a line break (the field is one line)
customers.csv:6: duplicate id 01aaaaaaaaaaa; first on line 2
customers.csv:7: duplicate email anna@example.pl; first on line 2
customers.csv:8: email "ewa@@example.pl": needs exactly one '"'@'"' with a name before it
customers.csv:9: country "Germany": write it as "DE"
customers.csv:10: stage "vip": must be one of lead, prospect, customer, churned
customers.csv:11: consent "yes": must be opt-in, opt-out or empty
customers.csv:12: created "2026-02-30T08:00:00Z": not a time (YYYY-MM-DDThh:mm:ssZ)
customers.csv:13: updated "yesterday": not a time (YYYY-MM-DDThh:mm:ssZ)
customers.csv:14: 14 fields, but the header has 13
customers.csv:15: field 2: a quote inside an unquoted field or after a closing quote
customers.csv:16: empty id
interactions.jsonl:4: task 02aaaaaaaaaaa closed twice; first on line 3
interactions.jsonl:5: ref 02yyyyyyyyyyy: no task has this id
interactions.jsonl:7: ref 02zzzzzzzzzzz: no deal has this id
interactions.jsonl:8: warning: customer 01zzzzzzzzzzz is not in customers.csv (removed without --forget? crm-rm --forget 01zzzzzzzzzzz erases its history)
interactions.jsonl:9: unknown type "fax"
interactions.jsonl:10: unknown channel "pigeon"
interactions.jsonl:11: direction "sideways": must be in or out
interactions.jsonl:12: rating 6: must be a whole number from 1 to 5
interactions.jsonl:13: score 11: must be a whole number from 0 to 10
interactions.jsonl:14: amount 129.99: must be a whole number of minor units (12999 for 129.99)
interactions.jsonl:15: currency "zł": must be three capital letters (ISO 4217: PLN, EUR)
interactions.jsonl:16: ts "2026-04-16 10:00": write it as "2026-04-16T10:00:00Z"
interactions.jsonl:17: due "next week": not a time (YYYY-MM-DDThh:mm:ssZ)
interactions.jsonl:18: close "2026-13-01T00:00:00Z": not a time (YYYY-MM-DDThh:mm:ssZ)
interactions.jsonl:19: duplicate id 02bbbbbbbbbbb; first on line 2
interactions.jsonl:20: string or '"'}'"' expected near '"'}'"''

@test "CHK001: a new CRM directory is clean: no output, status 0" {
	new_crm
	run --separate-stderr crm-check
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
}

@test "CHK002: clean data in three scripts, a multi-line field, tasks and deals: nothing to say" {
	clean_crm
	run --separate-stderr crm-check
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
}

@test "CHK003: one problem of each kind, each at its line, in order; the count on stderr" {
	bad_crm
	run --separate-stderr crm-check
	assert_failure 2
	assert_output "$BAD_OUT"
	assert_equal "$stderr" 'crm-check: 12 problems in customers.csv, 15 in interactions.jsonl; 1 warning'
}

@test "CHK004: LC_ALL=C reads the data exactly as a UTF-8 locale does" {
	bad_crm
	run --separate-stderr env LC_ALL=C crm-check
	assert_failure 2
	assert_output "$BAD_OUT"
	cd "$WORK"
	rm -rf acme
	clean_crm
	run --separate-stderr env LC_ALL=C crm-check
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
}

@test "CHK005: problems go to stdout one a line, so wc -l counts them" {
	bad_crm
	run bash -c 'crm-check 2>/dev/null | wc -l'
	assert_output 28
}

@test "CHK006: the line is the physical one after quoted fields with line breaks" {
	mkdir acme && cd acme
	printf '%s\n' "$HDR" \
		'01aaaaaaaaaaa,"Anna' 'Nowak",anna@example.pl,,"Acme' '' 'Gdańsk",PL,,,,lead,,,' \
		'01bbbbbbbbbbb,"Jan ""Janek""' 'Kowalski",jan@example.pl,,,XX,,,,lead,,,' \
		'01ccccccccccc,Ewa,ewa@example,,,PL,,,,lead,,,' >customers.csv
	: >interactions.jsonl
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:2: name "Anna\nNowak": holds a line break (the field is one line)
customers.csv:2: company "Acme\n\nGdańsk": holds a line break (the field is one line)
customers.csv:6: name "Jan \"Janek\"\nKowalski": holds a line break (the field is one line)
customers.csv:6: country "XX": not an ISO 3166 country code
customers.csv:8: email "ewa@example": needs a domain with a dot (name@example.com)'
}

@test "CHK007: a byte order mark, CRLF line ends and blank lines do not move the lines" {
	mkdir acme && cd acme
	printf '\357\273\277%s\r\n' "$HDR" >customers.csv
	printf '%s\r\n' '01aaaaaaaaaaa,"Anna' 'Nowak",anna@example.pl,,,PL,,,,lead,,,' '' \
		'01bbbbbbbbbbb,Jan,jan@example.pl,,,PL,,,,Lead,,,' >>customers.csv
	printf '\n{"id":"02a","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note"}\r\n\n{"id":"02a","ts":"2026-04-01T10:00:00Z","customer":"01bbbbbbbbbbb","type":"note"}\r\n' >interactions.jsonl
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:2: name "Anna\r\nNowak": holds a line break (the field is one line)
customers.csv:5: stage "Lead": write it as "lead"
interactions.jsonl:4: duplicate id 02a; first on line 2'
}

@test "CHK008: -q prints nothing and says it by the status alone" {
	bad_crm
	run --separate-stderr crm-check -q
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" ''
	run --separate-stderr crm-check --quiet
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" ''
	cd "$WORK"
	rm -rf acme
	clean_crm
	run --separate-stderr crm-check -q
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
}

@test "CHK009: -d DIR: the files named as DIR/file" {
	bad_crm
	cd "$WORK"
	run --separate-stderr crm-check -d acme
	assert_failure 2
	assert_output "$(printf '%s\n' "$BAD_OUT" | sed 's/^/acme\//; s/not in customers/not in acme\/customers/')"
	assert_equal "$stderr" 'crm-check: 12 problems in acme/customers.csv, 15 in acme/interactions.jsonl; 1 warning'
	run --separate-stderr crm-check --dir=acme -q
	assert_failure 2
	assert_output ''
}

@test "CHK010: the directory from CRM_DIR, or found from a subdirectory" {
	clean_crm
	printf '01ddddddddddd,Zofia,,,,,,,,,,,\n01ddddddddddd,Zofia,,,,,,,,,,,\n' >>customers.csv
	mkdir -p templates
	cd templates
	run --separate-stderr crm-check
	assert_failure 2
	assert_output '../customers.csv:7: duplicate id 01ddddddddddd; first on line 6'
	cd "$WORK"
	CRM_DIR=acme run --separate-stderr crm-check
	assert_failure 2
	assert_output 'acme/customers.csv:7: duplicate id 01ddddddddddd; first on line 6'
}

@test "CHK011: no CRM directory, an operand, an unknown option: status 2" {
	run --separate-stderr crm-check
	assert_failure 2
	assert_output ''
	[[ $stderr == *"no CRM directory here or in any parent"* ]]
	new_crm
	run --separate-stderr crm-check acme
	assert_failure 2
	[[ $stderr == "crm-check: no operands are taken (name the directory with -d DIR)"* ]]
	run --separate-stderr crm-check --frobnicate
	assert_failure 2
	[[ $stderr == "crm-check: unknown option '--frobnicate'"* ]]
}

@test "CHK012: --help shows the usage and the options" {
	run --separate-stderr crm-check --help
	assert_success
	assert_line --index 0 'usage: crm-check [-q] [-d DIR]'
	assert_line --partial '-q, --quiet'
	assert_line --partial '-d, --dir DIR'
	refute_line --partial '--strict'
}

@test "CHK013: a missing or empty interactions.jsonl is an empty history" {
	clean_crm
	rm interactions.jsonl
	run --separate-stderr crm-check
	assert_success
	assert_output ''
	: >interactions.jsonl
	run --separate-stderr crm-check
	assert_success
	assert_output ''
}

@test "CHK014: each line of conflicts.jsonl is reported until it is deleted" {
	clean_crm
	cat >conflicts.jsonl <<'EOF'
{"file":"customers.csv","id":"01aaaaaaaaaaa","field":"city","base":"Poznań","ours":"Kraków","theirs":"Warszawa"}
{"file":"customers.csv","id":"01bbbbbbbbbbb","field":"email","base":null,"ours":"petar@example.bg","theirs":"петър@пример.бг"}

{"file":"interactions.jsonl","id":"02ggggggggggg","field":"rating","base":4,"ours":5,"theirs":3}
EOF
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'conflicts.jsonl:1: unresolved merge conflict in customers.csv: customer 01aaaaaaaaaaa field city: ours "Kraków", theirs "Warszawa" (base "Poznań")
conflicts.jsonl:2: unresolved merge conflict in customers.csv: customer 01bbbbbbbbbbb field email: ours "petar@example.bg", theirs "петър@пример.бг" (added on both sides)
conflicts.jsonl:4: unresolved merge conflict in interactions.jsonl: interaction 02ggggggggggg field rating: ours 5, theirs 3 (base 4)'
	assert_equal "$stderr" 'crm-check: 3 problems in conflicts.jsonl'
	sed -i 1,2d conflicts.jsonl
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'conflicts.jsonl:2: unresolved merge conflict in interactions.jsonl: interaction 02ggggggggggg field rating: ours 5, theirs 3 (base 4)'
	: >conflicts.jsonl
	run --separate-stderr crm-check
	assert_success
	assert_output ''
	rm conflicts.jsonl
	run crm-check
	assert_success
}

@test "CHK015: a malformed line of conflicts.jsonl is a problem too" {
	clean_crm
	cat >conflicts.jsonl <<'EOF'
{"file":"customers.csv","id":"01aaaaaaaaaaa","field":"city","ours":"Kraków"
["customers.csv","01aaaaaaaaaaa"]
{"file":"customers.csv","id":"01aaaaaaaaaaa","ours":"a","theirs":"b"}
{"file":"customers.csv","id":"01aaaaaaaaaaa","field":"city","ours":"Kraków","theirs":"Warszawa"}
EOF
	run --separate-stderr crm-check
	assert_failure 2
	assert_output "conflicts.jsonl:1: '}' expected near end of file
conflicts.jsonl:2: not a JSON object
conflicts.jsonl:3: not a merge conflict: it needs \"file\", \"id\", \"field\", \"ours\" and \"theirs\"
conflicts.jsonl:4: unresolved merge conflict in customers.csv: customer 01aaaaaaaaaaa field city: ours \"Kraków\", theirs \"Warszawa\" (added on both sides)"
	assert_equal "$stderr" 'crm-check: 4 problems in conflicts.jsonl'
}

@test "CHK016: the header: id, name and email needed, no empty or repeated names" {
	mkdir acme && cd acme
	printf 'name,phone,,tags,tags\nAnna,1,,a,b\n' >customers.csv
	run --separate-stderr crm-check
	assert_failure 2
	assert_output "customers.csv:1: column 3 of the header has no name
customers.csv:1: column 'tags' appears twice in the header
customers.csv:1: the header has no 'id' column
customers.csv:1: the header has no 'email' column"
	assert_equal "$stderr" 'crm-check: 4 problems in customers.csv'
}

@test "CHK017: without an id column, the customers of the history are not checked" {
	mkdir acme && cd acme
	printf 'name,email\nAnna,anna@example.pl\n' >customers.csv
	printf '%s\n' '{"id":"02a","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note"}' >interactions.jsonl
	run --separate-stderr crm-check
	assert_failure 2
	assert_output "customers.csv:1: the header has no 'id' column"
}

@test "CHK018: an empty customers.csv; a header that is not CSV" {
	mkdir acme && cd acme
	: >customers.csv
	run --separate-stderr crm-check
	assert_failure 2
	assert_output "customers.csv:1: empty file: the header is missing (it starts with 'id,name,email')"
	printf 'id,"name"x,email\n01a,Anna,anna@example.pl\n' >customers.csv
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:1: field 2: a quote inside an unquoted field or after a closing quote (in the header: no row is checked)'
}

@test "CHK019: CSV that cannot be read: invalid UTF-8, a NUL byte, an unterminated quote at the end" {
	mkdir acme && cd acme
	printf '%s\n' "$HDR" >customers.csv
	{
		printf '01aaaaaaaaaaa,Anna \377,,,,,,,,,,,\n'
		printf '01bbbbbbbbbbb,Jan\000,,,,,,,,,,,\n'
		printf '01ccccccccccc,Ewa,,,,,,,,,,,\n'
		printf '01ddddddddddd,"Ola\n,,,,,,,,,,,\n'
	} >>customers.csv
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:2: invalid UTF-8 (byte 20 of the record)
customers.csv:3: NUL byte in the record
customers.csv:5: unterminated quoted field'
}

@test "CHK020: fewer fields than the header, extra columns and unknown fields are fine" {
	mkdir acme && cd acme
	printf '%s\n' "$HDR,nip,touch" '01aaaaaaaaaaa,Anna,anna@example.pl' \
		'01bbbbbbbbbbb,Jan,jan@example.pl,,,PL,,,,lead,,,,PL1234567890,14' >customers.csv
	printf '%s\n' '{"id":"02a","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note","mood":{"x":[1,2]},"n":1.5}' >interactions.jsonl
	run --separate-stderr crm-check
	assert_success
	assert_output ''
}

@test "CHK021: duplicate e-mails ignore case in any script, also under LC_ALL=C" {
	mkdir acme && cd acme
	printf '%s\n' id,name,email '01aaaaaaaaaaa,Пётр,пётр@example.bg' '01bbbbbbbbbbb,Пётр 2,ПЁТР@EXAMPLE.BG' \
		'01ccccccccccc,Łucja,łucja@example.pl' '01ddddddddddd,Łucja 2,Łucja@example.pl' >customers.csv
	local want='customers.csv:3: duplicate email ПЁТР@EXAMPLE.BG; first on line 2
customers.csv:3: email "ПЁТР@EXAMPLE.BG": write it as "пётр@example.bg"
customers.csv:5: duplicate email Łucja@example.pl; first on line 4
customers.csv:5: email "Łucja@example.pl": write it as "łucja@example.pl"'
	run --separate-stderr crm-check
	assert_failure 2
	assert_output "$want"
	LC_ALL=C run --separate-stderr crm-check
	assert_failure 2
	assert_output "$want"
}

@test "CHK022: values right but not as stored; countries from the ISO 3166 list" {
	mkdir acme && cd acme
	printf '%s\n' "$HDR,touch" \
		'01aaaaaaaaaaa,Anna,anna@example.pl,,,pl,,,,Customer,OPT-IN,2026-01-05,2026-01-05T10:00:00+01:00,0' \
		'01bbbbbbbbbbb,John,john@example.co.uk,,,UK,,,,lead,,,,14' \
		'01ccccccccccc,Arben,arben@example.com,,,XK,,,,lead,,,,x' >customers.csv
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:2: country "pl": write it as "PL"
customers.csv:2: stage "Customer": write it as "customer"
customers.csv:2: consent "OPT-IN": write it as "opt-in"
customers.csv:2: created "2026-01-05": write it as "2026-01-05T00:00:00Z"
customers.csv:2: updated "2026-01-05T10:00:00+01:00": write it as "2026-01-05T09:00:00Z"
customers.csv:2: touch "0": must be a whole number of days, 1 or more
customers.csv:3: country "UK": not an ISO 3166 country code (the United Kingdom is GB)
customers.csv:4: touch "x": must be a whole number of days, 1 or more'
}

@test "CHK023: a value with a line break or a long text stays on one line of output" {
	mkdir acme && cd acme
	printf '%s\n' "$HDR" "01aaaaaaaaaaa,Anna,anna@example.pl,,,PL,,,,\"lead" "or not\",,," >customers.csv
	printf '{"id":"02a","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"%s"}\n' \
		"$(printf 'x%.0s' {1..100})" >interactions.jsonl
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:2: stage "lead\nor not": must be one of lead, prospect, customer, churned
interactions.jsonl:1: unknown type "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"...'
}

@test "CHK024: an interaction needs id, ts, customer and type, as strings" {
	clean_crm
	cat >interactions.jsonl <<'EOF'
{"ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note"}
{"id":"","customer":"01aaaaaaaaaaa","type":"note"}
{"id":"02b","ts":"2026-04-01T10:00:00Z","customer":42}
{"id":"02c","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":null,"rating":"5"}
[1,2]
EOF
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'interactions.jsonl:1: no id
interactions.jsonl:2: empty id
interactions.jsonl:2: no ts
interactions.jsonl:3: customer 42: not a string
interactions.jsonl:3: no type
interactions.jsonl:4: no type
interactions.jsonl:4: rating "5": must be a whole number from 1 to 5
interactions.jsonl:5: not a JSON object'
}

@test "CHK025: amounts: whole minor units, not negative, with a currency" {
	clean_crm
	cat >interactions.jsonl <<'EOF'
{"id":"02a","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","amount":"129.99","currency":"PLN"}
{"id":"02b","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"refund","amount":-500,"currency":"PLN"}
{"id":"02c","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","amount":500}
{"id":"02d","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","amount":500,"currency":"pln"}
{"id":"02e","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","amount":0,"currency":"JPY"}
EOF
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'interactions.jsonl:1: amount "129.99": must be a whole number of minor units (12999 for 129.99)
interactions.jsonl:2: amount -500: must not be negative
interactions.jsonl:3: amount without a currency
interactions.jsonl:4: currency "pln": must be three capital letters (ISO 4217: PLN, EUR)'
}

@test "CHK026: done and deal refs: resolved over the whole file, as after a merge" {
	clean_crm
	cat >interactions.jsonl <<'EOF'
{"id":"02c","ts":"2026-04-03T10:00:00Z","customer":"01aaaaaaaaaaa","type":"done","ref":"02a"}
{"id":"02e","ts":"2026-04-05T10:00:00Z","customer":"01ccccccccccc","type":"deal","stage":"won","ref":"02d"}
{"id":"02a","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"task"}
{"id":"02d","ts":"2026-04-04T10:00:00Z","customer":"01ccccccccccc","type":"deal","stage":"new"}
{"id":"02f","ts":"2026-04-06T10:00:00Z","customer":"01ccccccccccc","type":"deal","stage":"lost","ref":"02e"}
{"id":"02g","ts":"2026-04-06T10:00:00Z","customer":"01ccccccccccc","type":"done"}
{"id":"02h","ts":"2026-04-06T10:00:00Z","customer":"01ccccccccccc","type":"done","ref":"02d"}
{"id":"02i","ts":"2026-04-06T10:00:00Z","customer":"01ccccccccccc","type":"deal","stage":"maybe","probability":150,"ref":"02a"}
EOF
	run --separate-stderr crm-check
	assert_failure 2
	assert_output "interactions.jsonl:5: ref 02e: line 2 is a stage change; refer to the deal's first event
interactions.jsonl:6: a done needs a ref: the task it closes
interactions.jsonl:7: ref 02d: line 4 is not a task but of type deal
interactions.jsonl:8: stage \"maybe\": must be one of new, qualified, proposal, negotiation, won, lost
interactions.jsonl:8: probability 150: must be a whole number from 0 to 100
interactions.jsonl:8: ref 02a: line 3 is not a deal but of type task"
}

@test "CHK027: a torn last line is fine when it parses, reported when it does not" {
	clean_crm
	printf '{"id":"02z","ts":"2026-04-09T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note"}' >>interactions.jsonl
	run --separate-stderr crm-check
	assert_success
	printf '\n{"id":"02y","ts":"2026-04' >>interactions.jsonl
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'interactions.jsonl:9: torn last line (no line end): premature end of input near '"'"'"2026-04'"'"
}

@test "CHK028: data written by crm-add and crm-log checks clean" {
	new_crm
	add_as ANNA 'Łucja Żółć' -e Lucja@Example.PL --country pl --stage Customer --consent opt-in --tag vip
	add_as PETAR 'Петър Петров' -e petar@example.bg --country BG
	run crm-log "$ANNA" purchase --amount 129,99 --currency PLN
	assert_success
	run crm-log "$PETAR" task 'Send the offer' --due +3d
	assert_success
	run crm-log --done "$output"
	assert_success
	run crm-log "$PETAR" deal --stage new --amount 5000 --close 2027-01-31
	assert_success
	run crm-log "$PETAR" deal --stage won --ref "$output"
	assert_success
	run crm-log "$ANNA" survey --rating 5 --score 9
	assert_success
	run --separate-stderr crm-check
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
}

@test "CHK029: crm check runs crm-check, and crm help lists it" {
	bad_crm
	run --separate-stderr crm check -q
	assert_failure 2
	assert_output ''
	run crm help
	assert_line --partial 'check     validate a CRM directory'
}

@test "CHK030: the hooks of crm-init --git check what is committed" {
	local row
	export HOME=$WORK GIT_CONFIG_NOSYSTEM=1
	clean_crm
	row=$(sed -n 2p customers.csv)
	git init -q .
	git config user.name Tester
	git config user.email tester@example.com
	crm-init --git >/dev/null
	[ -x .git/hooks/pre-commit ] && [ -x .git/hooks/pre-merge-commit ]
	git add -A
	run git commit -qm 'clean data'
	assert_success
	assert_output ''
	# a duplicated row is refused, with the problem shown
	printf '%s\n' "$row" >>customers.csv
	git add customers.csv
	run git commit -qm 'a duplicate'
	assert_failure 1
	assert_output 'customers.csv:6: duplicate id 01aaaaaaaaaaa; first on line 2
customers.csv:6: duplicate email anna@example.pl; first on line 2
crm-check: 2 problems in customers.csv'
	# fixed in the working tree only: the index still has the problem
	sed -i '$s/^01aaaaaaaaaaa,Anna Nowak,anna@/01zzzzzzzzzzz,Anna Nowak,anna.n@/' customers.csv
	run git commit -qm 'a duplicate'
	assert_failure 1
	git add customers.csv
	run git commit -qm 'a second Anna'
	assert_success
	assert_output ''
	# a problem that is not staged does not stop a commit of good data
	printf '%s\n' "$row" >>customers.csv
	echo 'notes' >README
	git add README
	run git commit -qm 'a readme'
	assert_success
	run git log --format=%s
	assert_output 'a readme
a second Anna
clean data'
}

@test "CHK031: the README and the manual page set the hooks up the same way" {
	grep -qF 'crm-init --git' "$TOP/README.md"
	grep -qF 'crm-check --staged' "$TOP/README.md"
	run bash -c "mandoc -Tascii '$TOP/man/crm-check.1' | col -b"
	assert_success
	assert_line --regexp '^[[:space:]]+crm-init --git$'
	assert_line --regexp '^[[:space:]]+crm-check --staged \|\| exit 1$'
}

@test "CHK032: the history of a customer removed without --forget is a warning, not an error" {
	new_crm
	add_as ID "Anna Nowak" -e anna@example.pl
	crm-log "$ID" note "first call" >/dev/null
	crm-rm "$ID" >/dev/null
	run --separate-stderr crm-check
	assert_success
	assert_output "interactions.jsonl:1: warning: customer $ID is not in customers.csv (removed without --forget? crm-rm --forget $ID erases its history)"
	assert_equal "$stderr" 'crm-check: 1 warning'
	run --separate-stderr crm-check -q
	assert_success
	assert_output ''
}

@test "CHK033: a merge record is accepted, and the lines of a customer merged away are the kept customer's: no warning" {
	clean_crm
	cat >>interactions.jsonl <<'EOF'
{"id":"03aaaaaaaaaaa","ts":"2026-05-01T10:00:00Z","customer":"01xxxxxxxxxxx","type":"call","by":"piotr"}
{"id":"03bbbbbbbbbbb","ts":"2026-05-02T10:00:00Z","customer":"01aaaaaaaaaaa","type":"merge","ref":"01xxxxxxxxxxx","by":"anna"}
{"id":"03ccccccccccc","ts":"2026-05-03T10:00:00Z","customer":"01xxxxxxxxxxx","type":"merge","ref":"01yyyyyyyyyyy","by":"anna"}
{"id":"03ddddddddddd","ts":"2026-05-04T10:00:00Z","customer":"01yyyyyyyyyyy","type":"note"}
{"id":"03eeeeeeeeeee","ts":"2026-05-05T10:00:00Z","customer":"01zzzzzzzzzzz","type":"note"}
{"id":"03fffffffffff","ts":"2026-05-06T10:00:00Z","customer":"01aaaaaaaaaaa","type":"merge"}
{"id":"03ggggggggggg","ts":"2026-05-07T10:00:00Z","customer":"01aaaaaaaaaaa","type":"merge","ref":"01ccccccccccc"}
EOF
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'interactions.jsonl:12: warning: customer 01zzzzzzzzzzz is not in customers.csv (removed without --forget? crm-rm --forget 01zzzzzzzzzzz erases its history)
interactions.jsonl:13: a merge needs a ref: the customer merged into this one
interactions.jsonl:14: warning: customer 01ccccccccccc was merged into 01aaaaaaaaaaa but is still in customers.csv (run crm-add --merge 01aaaaaaaaaaa 01ccccccccccc again)'
	assert_equal "$stderr" 'crm-check: 1 problem in interactions.jsonl; 2 warnings'
}

@test "CHK034: the conflicts of one customer added on both sides and of two records with one id say how to settle them" {
	clean_crm
	cat >conflicts.jsonl <<'EOF'
{"file":"customers.csv","id":"01aaaaaaaaaaa","field":"email","base":null,"ours":"anna@example.pl","theirs":"Anna@Example.pl","duplicate":"01ddddddddddd"}
{"file":"customers.csv","id":"01bbbbbbbbbbb","field":"id","base":null,"ours":"01bbbbbbbbbbb,Петър Петров","theirs":"01bbbbbbbbbbb,Petar"}
{"file":"interactions.jsonl","id":"02bbbbbbbbbbb","field":"id","base":null,"ours":"{\"id\":\"02bbbbbbbbbbb\"}","theirs":"{\"id\":\"02bbbbbbbbbbb\",\"x\":1}"}
EOF
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'conflicts.jsonl:1: unresolved merge conflict in customers.csv: customers 01aaaaaaaaaaa and 01ddddddddddd have the same email "anna@example.pl" (added on both sides); merge them: crm-add --merge 01aaaaaaaaaaa 01ddddddddddd
conflicts.jsonl:2: unresolved merge conflict in customers.csv: two customers with the id 01bbbbbbbbbbb: "01bbbbbbbbbbb,Петър Петров" and "01bbbbbbbbbbb,Petar"; keep one
conflicts.jsonl:3: unresolved merge conflict in interactions.jsonl: two interactions with the id 02bbbbbbbbbbb: "{\"id\":\"02bbbbbbbbbbb\"}" and "{\"id\":\"02bbbbbbbbbbb\",\"x\":1}"; keep one'
}

@test "CHK035: --staged checks what git would commit, in every CRM directory, named as in the repository" {
	export HOME=$WORK GIT_CONFIG_NOSYSTEM=1
	git init -q repo
	cd repo
	git config user.name Tester
	git config user.email tester@example.com
	(clean_crm)
	crm-init sub/east >/dev/null
	git add -A
	run --separate-stderr crm-check --staged
	assert_success
	assert_output ''
	git commit -qm 'two CRM directories'
	# a problem in the working tree only: the index is clean
	echo '01aaaaaaaaaaa,Dup,dup@example.pl,,,,,,,lead,,,' >>acme/customers.csv
	run --separate-stderr crm-check --staged
	assert_success
	git add acme/customers.csv
	echo '{"id":"x","ts":"2026-01-01T00:00:00Z","customer":"y","type":"fax"}' >>sub/east/interactions.jsonl
	git add sub/east/interactions.jsonl
	run --separate-stderr crm-check --staged
	assert_failure 2
	assert_output 'acme/customers.csv:6: duplicate id 01aaaaaaaaaaa; first on line 2
sub/east/interactions.jsonl:1: unknown type "fax"
sub/east/interactions.jsonl:1: warning: customer y is not in sub/east/customers.csv (removed without --forget? crm-rm --forget y erases its history)'
	assert_equal "$stderr" 'crm-check: 1 problem in acme/customers.csv
crm-check: 1 problem in sub/east/interactions.jsonl; 1 warning'
	git reset -q
	# the conflicts crm-merge left in the working tree count, staged or not
	echo '{"file":"customers.csv","id":"01aaaaaaaaaaa","field":"city","base":"a","ours":"b","theirs":"c"}' >acme/conflicts.jsonl
	run --separate-stderr crm-check -q --staged
	assert_failure 2
	assert_output ''
	# nothing is left behind in the temporary folder
	export TMPDIR=$WORK/tmp
	mkdir "$TMPDIR"
	run --separate-stderr crm-check --staged
	assert_failure 2
	assert_output 'acme/conflicts.jsonl:1: unresolved merge conflict in customers.csv: customer 01aaaaaaaaaaa field city: ours "b", theirs "c" (base "a")'
	assert_equal "$(ls -A "$TMPDIR")" ''
	run --separate-stderr crm-check --staged -d acme
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-check: --staged checks the directories of the git index; it takes no -d'
	cd "$WORK"
	run --separate-stderr crm-check --staged
	assert_failure 2
	assert_equal "$stderr" 'crm-check: --staged: not in a git work tree'
}

@test "CHK036: segments.conf: every bad rule with its line and column, as crm-segment reads it" {
	clean_crm
	{
		echo '# the rules of acme'
		echo 'Whales: revenue>=150000'
		printf 'Deep: '; printf '(%.0s' {1..300}; printf 'stage=lead'; printf ')%.0s' {1..300}; echo
		echo 'Typo: revnue>5'
		printf 'Nots: '; printf 'not %.0s' {1..300}; echo 'stage'
		echo 'Top: r=5 and rfm_segment=Champions and lifecycle=active'
		echo 'no colon here'
	} >segments.conf
	run --separate-stderr crm-check
	assert_failure 2
	assert_line --index 0 'segments.conf:3:263: too deeply nested (more than 256 brackets and nots)'
	assert_line --index 1 "segments.conf:4:7: unknown field 'revnue' (did you mean revenue?)"
	assert_line --index 2 'segments.conf:5:1031: too deeply nested (more than 256 brackets and nots)'
	assert_line --index 3 "segments.conf:7: expected 'NAME: EXPR'"
	assert_equal "${#lines[@]}" 4
	assert_equal "$stderr" 'crm-check: 4 problems in segments.conf'
	# what crm-check says of the first one, crm-segment says too
	run --separate-stderr crm-segment
	assert_failure 2
	assert_equal "$stderr" 'crm-segment: segments.conf:3:263: too deeply nested (more than 256 brackets and nots)'
}

@test "CHK037: a good segments.conf is clean; one without rules is a warning; none is nothing to check" {
	clean_crm
	printf 'VIP: tags=vip or revenue>1000\nRest: id\n' >segments.conf
	run --separate-stderr crm-check
	assert_success
	assert_output ''
	printf '# nothing yet\n\n' >segments.conf
	run --separate-stderr crm-check
	assert_success
	assert_output 'segments.conf:1: warning: no rules (lines NAME: EXPR): crm-segment without options will refuse it'
	assert_equal "$stderr" 'crm-check: 1 warning'
	rm segments.conf
	run --separate-stderr crm-check
	assert_success
	assert_output ''
}

@test "CHK038: control characters in one-line fields are problems; free text may hold line breaks and tabs" {
	mkdir acme && cd acme
	{
		echo "$HDR,note"
		printf '01aaaaaaaaaaa,Eve\033[31m,eve@example.pl,+48\t600,"Acme\vLtd",PL,Kra\fków,vip\302\205x,o\177la,lead,,,,"line one\n\tline two"\n'
		printf '01bbbbbbbbbbb,Jan,jan@example.pl,,,PL,,,,lead,,,,bell\a\n'
	} >customers.csv
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:2: name "Eve\u001B[31m": holds a control character (U+001B)
customers.csv:2: phone "+48\t600": holds a control character (U+0009)
customers.csv:2: company "Acme\u000BLtd": holds a control character (U+000B)
customers.csv:2: city "Kra\fków": holds a control character (U+000C)
customers.csv:2: tags "vip\u0085x": holds a control character (U+0085)
customers.csv:2: owner "o\u007Fla": holds a control character (U+007F)
customers.csv:4: note "bell\u0007": holds a control character (U+0007)'
}

@test "CHK039: country names and alpha-3 codes are not the stored form; UK and other unassigned codes are refused" {
	mkdir acme && cd acme
	{
		echo "$HDR"
		echo '01aaaaaaaaaaa,Anna,anna@example.pl,,,Polska,,,,lead,,,'
		echo '01bbbbbbbbbbb,Jiří,jiri@example.cz,,,Česká republika,,,,lead,,,'
		echo '01ccccccccccc,Петър,petar@example.bg,,,България,,,,lead,,,'
		echo '01ddddddddddd,Hans,hans@example.de,,,deu,,,,lead,,,'
		echo '01eeeeeeeeeee,John,john@example.co.uk,,,UK,,,,lead,,,'
		echo '01fffffffffff,Ola,ola@example.no,,,Narnia,,,,lead,,,'
	} >customers.csv
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:2: country "Polska": write it as "PL"
customers.csv:3: country "Česká republika": write it as "CZ"
customers.csv:4: country "България": write it as "BG"
customers.csv:5: country "deu": write it as "DE"
customers.csv:6: country "UK": not an ISO 3166 country code (the United Kingdom is GB)
customers.csv:7: country "Narnia": not an ISO 3166 country code (PL, CZ, BG, DE) or a country'"'"'s name'
}

@test "CHK040: addresses crm-mail could not send to, and a customer without a name" {
	mkdir acme && cd acme
	local long label
	long=$(printf 'a%.0s' {1..65}) label=$(printf 'b%.0s' {1..64})
	{
		echo "$HDR"
		echo "01aaaaaaaaaaa,Anna,$long@example.pl,,,,,,,lead,,,"
		echo "01bbbbbbbbbbb,Jan,jan@$label.pl,,,,,,,lead,,,"
		echo "01ccccccccccc,Ewa,ewa@-example.pl,,,,,,,lead,,,"
		echo "01ddddddddddd,,ola@example.pl,,,,,,,lead,,,"
		echo "01eeeeeeeeeee,Zoë,zoë@żółw.pl,,,,,,,lead,,,"
		echo "01fffffffffff,Петър,петър@пример.бг,,,,,,,lead,,,"
	} >customers.csv
	run --separate-stderr crm-check
	assert_failure 2
	assert_output "customers.csv:2: email \"${long:0:60}\"...: has more than 64 bytes before the '@' (mail servers refuse it)
customers.csv:3: email \"jan@${label:0:56}\"...: has a part of the domain longer than 63 characters
customers.csv:4: email \"ewa@-example.pl\": has a part of the domain that starts or ends with '-'
customers.csv:5: a customer needs a name"
}

@test "CHK041: the ref of a done or deal a void cancels is not looked for; a void itself is never cancelled" {
	clean_crm
	cat >>interactions.jsonl <<'EOF2'
{"id":"02hhhhhhhhhhh","ts":"2026-04-08T10:00:00Z","customer":"01aaaaaaaaaaa","type":"done","channel":"other","ref":"02yyyyyyyyyyy"}
{"id":"02iiiiiiiiiii","ts":"2026-04-08T11:00:00Z","customer":"01aaaaaaaaaaa","type":"void","channel":"other","ref":"02hhhhhhhhhhh"}
{"id":"02jjjjjjjjjjj","ts":"2026-04-09T10:00:00Z","customer":"01ccccccccccc","type":"deal","channel":"other","stage":"lost","ref":"02zzzzzzzzzzz"}
{"id":"02kkkkkkkkkkk","ts":"2026-04-09T11:00:00Z","customer":"01ccccccccccc","type":"void","channel":"other","ref":"02jjjjjjjjjjj"}
{"id":"02lllllllllll","ts":"2026-04-10T10:00:00Z","customer":"01aaaaaaaaaaa","type":"done","channel":"other","ref":"02aaaaaaaaaaa"}
{"id":"02mmmmmmmmmmm","ts":"2026-04-10T11:00:00Z","customer":"01aaaaaaaaaaa","type":"void","channel":"other","ref":"02iiiiiiiiiii"}
EOF2
	# lines 8-11: a done and a deal naming nothing, both voided; line 12
	# closes the task of line 1 a second time; line 13 voids the void of
	# line 9, which stands all the same
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'interactions.jsonl:12: task 02aaaaaaaaaaa closed twice; first on line 3'
	# without the voids, their refs are problems again
	sed -i '/"type":"void"/d' interactions.jsonl
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'interactions.jsonl:8: ref 02yyyyyyyyyyy: no task has this id
interactions.jsonl:9: ref 02zzzzzzzzzzz: no deal has this id
interactions.jsonl:10: task 02aaaaaaaaaaa closed twice; first on line 3'
}
