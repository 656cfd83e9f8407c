#!/usr/bin/env bats
# crm-merge: the git merge driver. First the rules on hand-made versions
# (BASE OURS THEIRS as git hands them over), then real git: a bare
# repository and two clones that pull from each other, and many random edits
# on two branches.

load helper

# Every test starts with a base version of customers.csv (one name quoted
# without need, so that kept bytes can be told from rewritten ones) and of
# the history, and copies of them as ours and theirs.
local_setup() {
	cat >base.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
EOF
	cat >base.jsonl <<'EOF'
{"id":"i1","ts":"2026-02-01T10:00:00Z","customer":"a1","type":"note","text":"first"}
{ "id" : "i2", "ts" : "2026-02-03T10:00:00Z", "customer" : "b2", "type" : "call" }
{"id":"i3","ts":"2026-02-05T10:00:00Z","customer":"c3","type":"note","text":"Здравей"}
EOF
	cp base.csv ours.csv
	cp base.csv theirs.csv
	cp base.jsonl ours.jsonl
	cp base.jsonl theirs.jsonl
}

# Merge the customer versions (extra arguments: PATHNAME), output in
# $output and $stderr.
merge_csv() {
	run --separate-stderr crm-merge base.csv ours.csv theirs.csv "$@"
}

merge_jsonl() {
	run --separate-stderr crm-merge base.jsonl ours.jsonl theirs.jsonl "$@"
}

# The file named $1 must hold exactly standard input.
assert_file() {
	cat >expected
	assert_same_file expected "$1"
}

# --- customers.csv ------------------------------------------------------------

@test "MERGE001: a row added on each side: ours in place, theirs appended, exit 0, nothing said" {
	echo 'd4,Dora Nová,dora@example.cz,444,Brno,2026-01-02T00:00:00Z' >>ours.csv
	echo 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	echo 'f6,Fay Olsen,,666,Oslo,2026-01-03T00:00:00Z' >>theirs.csv
	merge_csv
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
d4,Dora Nová,dora@example.cz,444,Brno,2026-01-02T00:00:00Z
e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z
f6,Fay Olsen,,666,Oslo,2026-01-03T00:00:00Z
EOF
	[ ! -e conflicts.jsonl ]
}

@test "MERGE002: the rows of ours stay in their order and keep their bytes (quotes; CR LF written as LF)" {
	printf '%s\r\n' 'id,name,email,phone,city,updated' \
		'c3,Петър Петров,,333,София,2026-01-01T00:00:00Z' \
		'b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z' \
		'a1,"Anna Nowak",anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z' >ours.csv
	echo 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	tr -d '\r' <ours.csv >expected
	echo 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>expected
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_same_file expected ours.csv
}

@test "MERGE003: a row removed on one side and unchanged on the other is removed" {
	grep -v '^b2,' base.csv >ours.csv
	grep -v '^c3,' base.csv >theirs.csv
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
EOF
}

@test "MERGE004: removed in theirs but changed in ours: our row stays, a conflict on field *" {
	sed -i 's/^a1,Anna Nowak,anna@example.pl,111/a1,Anna Nowak,anna@example.pl,999/' ours.csv
	grep -v '^a1,' base.csv >theirs.csv
	cp ours.csv expected
	merge_csv
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" 'crm-merge: ours.csv: a1: changed in ours, removed in theirs; ours kept
crm-merge: ours.csv: 1 conflict, recorded in conflicts.jsonl'
	assert_same_file expected ours.csv
	assert_file conflicts.jsonl <<'EOF'
{"file":"customers.csv","id":"a1","field":"*","base":"a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z","ours":"a1,Anna Nowak,anna@example.pl,999,Gdańsk,2026-01-01T00:00:00Z","theirs":null}
EOF
}

@test "MERGE005: removed in ours but changed in theirs: their row comes back at the end, a conflict" {
	grep -v '^b2,' base.csv >ours.csv
	sed -i 's/^b2,"Bob Brown",bob@example.com,222,Berlin/b2,"Bob Brown",bob@example.com,222,Bonn/' theirs.csv
	merge_csv
	assert_failure 1
	assert_equal "$stderr" 'crm-merge: ours.csv: b2: removed in ours, changed in theirs; theirs kept
crm-merge: ours.csv: 1 conflict, recorded in conflicts.jsonl'
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Bonn,2026-01-01T00:00:00Z
EOF
	assert_file conflicts.jsonl <<'EOF'
{"file":"customers.csv","id":"b2","field":"*","base":"b2,\"Bob Brown\",bob@example.com,222,Berlin,2026-01-01T00:00:00Z","ours":null,"theirs":"b2,\"Bob Brown\",bob@example.com,222,Bonn,2026-01-01T00:00:00Z"}
EOF
}

@test "MERGE006: different fields changed on the two sides: both changes are taken" {
	sed -i 's/^a1,Anna Nowak,anna@example.pl,111,Gdańsk/a1,Anna Nowak,anna@example.pl,111,Kraków/' ours.csv
	sed -i 's/^a1,Anna Nowak,anna@example.pl,111/a1,Anna Nowak,anna@example.pl,+48 111/' theirs.csv
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,+48 111,Kraków,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
EOF
}

@test "MERGE007: a row changed only in theirs is taken with their bytes" {
	sed -i 's/^c3,Петър Петров,,333/c3,"Петър Петров","",333/; s/София/"Пловдив"/' theirs.csv
	echo 'd4,Dora Nová,,444,Brno,2026-01-02T00:00:00Z' >>ours.csv
	merge_csv
	assert_success
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z
c3,"Петър Петров","",333,"Пловдив",2026-01-01T00:00:00Z
d4,Dora Nová,,444,Brno,2026-01-02T00:00:00Z
EOF
}

@test "MERGE008: the same field changed to the same value on both sides is no conflict" {
	sed -i 's/Berlin/Bonn/' ours.csv theirs.csv
	sed -i 's/^a1,Anna Nowak/a1,Anna Kowalska/' ours.csv
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Kowalska,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Bonn,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
EOF
	[ ! -e conflicts.jsonl ]
}

@test "MERGE009: the same field changed differently: our value stays, the conflict is said and recorded" {
	sed -i 's/Gdańsk/Kraków/' ours.csv
	sed -i 's/Gdańsk/Łódź/; s/^b2,"Bob Brown",bob@example.com,222/b2,"Bob Brown",bob@example.com,+49 222/' theirs.csv
	merge_csv
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" 'crm-merge: ours.csv: a1: city: ours "Kraków", theirs "Łódź", base "Gdańsk"; ours kept
crm-merge: ours.csv: 1 conflict, recorded in conflicts.jsonl'
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Kraków,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,+49 222,Berlin,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
EOF
	assert_file conflicts.jsonl <<'EOF'
{"file":"customers.csv","id":"a1","field":"city","base":"Gdańsk","ours":"Kraków","theirs":"Łódź"}
EOF
}

@test "MERGE010: conflicts.jsonl is appended to, beside PATHNAME, and names the file by its base name" {
	mkdir -p crm/acme
	echo '{"file":"customers.csv","id":"zz","field":"name","base":null,"ours":"x","theirs":"y"}' >crm/acme/conflicts.jsonl
	cp crm/acme/conflicts.jsonl expected
	sed -i 's/222/223/' ours.csv
	sed -i 's/222/224/' theirs.csv
	merge_csv crm/acme/customers.csv
	assert_failure 1
	assert_equal "$stderr" 'crm-merge: crm/acme/customers.csv: b2: phone: ours "223", theirs "224", base "222"; ours kept
crm-merge: crm/acme/customers.csv: 1 conflict, recorded in crm/acme/conflicts.jsonl'
	echo '{"file":"customers.csv","id":"b2","field":"phone","base":"222","ours":"223","theirs":"224"}' >>expected
	assert_same_file expected crm/acme/conflicts.jsonl
	[ ! -e conflicts.jsonl ]
}

@test "MERGE011: the same id added on both sides: equal rows once, different ones a conflict per field with base null" {
	echo 'd4,Dora Nová,dora@example.cz,444,Brno,2026-01-02T00:00:00Z' >>ours.csv
	echo 'e5,Eve Adams,,555,Wien,2026-01-02T00:00:00Z' >>ours.csv
	echo 'd4,Dora Nová,dora@example.cz,444,Brno,2026-01-02T00:00:00Z' >>theirs.csv
	echo 'e5,Eve Adams,eve@example.com,556,Wien,2026-01-02T00:00:00Z' >>theirs.csv
	merge_csv
	assert_failure 1
	assert_equal "$stderr" 'crm-merge: ours.csv: e5: email: ours "", theirs "eve@example.com", no base; ours kept
crm-merge: ours.csv: e5: phone: ours "555", theirs "556", no base; ours kept
crm-merge: ours.csv: 2 conflicts, recorded in conflicts.jsonl'
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
d4,Dora Nová,dora@example.cz,444,Brno,2026-01-02T00:00:00Z
e5,Eve Adams,,555,Wien,2026-01-02T00:00:00Z
EOF
	assert_file conflicts.jsonl <<'EOF'
{"file":"customers.csv","id":"e5","field":"email","base":null,"ours":"","theirs":"eve@example.com"}
{"file":"customers.csv","id":"e5","field":"phone","base":null,"ours":"555","theirs":"556"}
EOF
}

@test "MERGE012: 'updated' changed on both sides takes the later time, without a conflict" {
	sed -i 's/^a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z/a1,Anna Nowak,anna@example.pl,111,Kraków,2026-03-01T08:00:00Z/' ours.csv
	sed -i 's/^a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z/a1,Anna Nowak,anna@example.pl,+48 111,Gdańsk,2026-03-02T09:00:00Z/' theirs.csv
	sed -i 's/^b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z/b2,"Bob Brown",bob@example.com,222,Bonn,2026-03-05T00:00:00Z/' ours.csv
	sed -i 's/^b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z/b2,"Bob Brown",bob@example.com,200,Berlin,2026-03-04T00:00:00Z/' theirs.csv
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,+48 111,Kraków,2026-03-02T09:00:00Z
b2,Bob Brown,bob@example.com,200,Bonn,2026-03-05T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
EOF
}

@test "MERGE013: the header is the union: ours' columns in order, then theirs' new ones; rows are padded" {
	cat >ours.csv <<'EOF'
id,name,email,phone,city,updated,vat
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z,PL123
b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z,
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z,
EOF
	cat >theirs.csv <<'EOF'
touch,id,name,email,phone,city,updated
30,a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
,b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z
,c3,Петър Петров,,333,Sofia,2026-01-01T00:00:00Z
7,d4,Dora Nová,,444,Brno,2026-01-02T00:00:00Z
EOF
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated,vat,touch
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z,PL123,30
b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z,,
c3,Петър Петров,,333,Sofia,2026-01-01T00:00:00Z,,
d4,Dora Nová,,444,Brno,2026-01-02T00:00:00Z,,7
EOF
}

@test "MERGE014: OURS is replaced by a rename (a new file), and no temporary file is left" {
	echo 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	chmod 640 ours.csv
	local before
	before=$(stat -c %i ours.csv)
	merge_csv
	assert_success
	[ "$(stat -c %i ours.csv)" != "$before" ]
	assert_equal "$(stat -c %a ours.csv)" 640
	assert_equal "$(ls -A | LC_ALL=C sort | tr '\n' ' ')" 'base.csv base.jsonl ours.csv ours.jsonl theirs.csv theirs.jsonl '
}

@test "MERGE015: a version that does not parse: exit 2 with file:line, OURS untouched" {
	echo 'e5,"Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	sed -i 's/Gdańsk/Kraków/' ours.csv
	cp ours.csv expected
	merge_csv acme/customers.csv
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" 'crm-merge: acme/customers.csv (theirs):5: unterminated quoted field'
	assert_same_file expected ours.csv
	[ ! -e acme ]
}

@test "MERGE016: without PATHNAME the message names the file as given" {
	printf 'a1,Anna\xff,,,,\n' >>ours.csv
	cp ours.csv expected
	merge_csv
	assert_failure 2
	assert_equal "$stderr" 'crm-merge: ours.csv:5: invalid UTF-8 (byte 8 of the record)'
	assert_same_file expected ours.csv
}

@test "MERGE017: a row without an id, or more fields than the header, is an error" {
	echo ',Nobody,,,,' >>base.csv
	merge_csv x/customers.csv
	assert_failure 2
	assert_equal "$stderr" 'crm-merge: x/customers.csv (base):5: the row has no id'
	cp ours.csv base.csv
	cp ours.csv theirs.csv
	echo 'e5,Eve,,,,,' >>theirs.csv
	run --separate-stderr crm-merge ours.csv ours.csv theirs.csv customers.csv
	assert_failure 2
	assert_equal "$stderr" 'crm-merge: customers.csv (theirs):5: 7 fields, but the header has 6'
}

@test "MERGE018: an empty base (the file added on both sides) merges as two additions" {
	: >base.csv
	echo 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	merge_csv
	assert_success
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z
EOF
}

# --- interactions.jsonl ---------------------------------------------------------

@test "MERGE020: the history is the union by id, in time order, each line as it was" {
	echo '{"id":"i5","ts":"2026-02-04T10:00:00Z","customer":"a1","type":"call" , "text":"ours"}' >>ours.jsonl
	echo '{"id":"i9","ts":"2026-01-01T10:00:00Z","customer":"a1","type":"note"}' >>ours.jsonl
	echo '{"id":"i4","ts":"2026-02-04T10:00:00Z","customer":"b2","type":"email","text":"theirs"}' >>theirs.jsonl
	echo '{"id":"i6","ts":"2026-03-01T00:00:00+01:00","customer":"c3","type":"note"}' >>theirs.jsonl
	merge_jsonl
	assert_success
	assert_equal "$stderr" ''
	assert_file ours.jsonl <<'EOF'
{"id":"i9","ts":"2026-01-01T10:00:00Z","customer":"a1","type":"note"}
{"id":"i1","ts":"2026-02-01T10:00:00Z","customer":"a1","type":"note","text":"first"}
{ "id" : "i2", "ts" : "2026-02-03T10:00:00Z", "customer" : "b2", "type" : "call" }
{"id":"i4","ts":"2026-02-04T10:00:00Z","customer":"b2","type":"email","text":"theirs"}
{"id":"i5","ts":"2026-02-04T10:00:00Z","customer":"a1","type":"call" , "text":"ours"}
{"id":"i3","ts":"2026-02-05T10:00:00Z","customer":"c3","type":"note","text":"Здравей"}
{"id":"i6","ts":"2026-03-01T00:00:00+01:00","customer":"c3","type":"note"}
EOF
}

@test "MERGE021: the same record appended on both sides is there once" {
	echo '{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"b2","type":"sms"}' | tee -a ours.jsonl >>theirs.jsonl
	merge_jsonl interactions.jsonl
	assert_success
	cp base.jsonl expected
	echo '{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"b2","type":"sms"}' >>expected
	assert_same_file expected ours.jsonl
}

@test "MERGE022: a record removed on either side (crm-rm --forget) is removed" {
	grep -v '"i1"' base.jsonl >ours.jsonl
	grep -v '"i3"' base.jsonl >theirs.jsonl
	echo '{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"b2","type":"sms"}' >>theirs.jsonl
	merge_jsonl
	assert_success
	assert_file ours.jsonl <<'EOF'
{ "id" : "i2", "ts" : "2026-02-03T10:00:00Z", "customer" : "b2", "type" : "call" }
{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"b2","type":"sms"}
EOF
}

@test "MERGE023: a record changed on one side takes the change; changed on both: ours, a conflict on *" {
	sed -i 's/"text":"first"/"text":"first call"/' theirs.jsonl
	sed -i 's/"Здравей"/"Здравей!"/' ours.jsonl
	sed -i 's/"Здравей"/"Добър ден"/' theirs.jsonl
	merge_jsonl acme/interactions.jsonl
	assert_failure 1
	assert_equal "$stderr" 'crm-merge: acme/interactions.jsonl: i3: different lines in ours and theirs; ours kept
crm-merge: acme: No such file or directory
crm-merge: acme/interactions.jsonl: 1 conflict, not recorded'
	assert_file ours.jsonl <<'EOF'
{"id":"i1","ts":"2026-02-01T10:00:00Z","customer":"a1","type":"note","text":"first call"}
{ "id" : "i2", "ts" : "2026-02-03T10:00:00Z", "customer" : "b2", "type" : "call" }
{"id":"i3","ts":"2026-02-05T10:00:00Z","customer":"c3","type":"note","text":"Здравей!"}
EOF
	mkdir acme
	cp base.jsonl ours.jsonl
	sed -i 's/"Здравей"/"Здравей!"/' ours.jsonl
	merge_jsonl acme/interactions.jsonl
	assert_failure 1
	assert_file acme/conflicts.jsonl <<'EOF'
{"file":"interactions.jsonl","id":"i3","field":"*","base":"{\"id\":\"i3\",\"ts\":\"2026-02-05T10:00:00Z\",\"customer\":\"c3\",\"type\":\"note\",\"text\":\"Здравей\"}","ours":"{\"id\":\"i3\",\"ts\":\"2026-02-05T10:00:00Z\",\"customer\":\"c3\",\"type\":\"note\",\"text\":\"Здравей!\"}","theirs":"{\"id\":\"i3\",\"ts\":\"2026-02-05T10:00:00Z\",\"customer\":\"c3\",\"type\":\"note\",\"text\":\"Добър ден\"}"}
EOF
}

@test "MERGE024: a line without an id, or one that does not parse, is an error naming file:line" {
	cp ours.jsonl expected
	echo '{"ts":"2026-02-06T10:00:00Z","type":"sms"}' >>theirs.jsonl
	merge_jsonl acme/interactions.jsonl
	assert_failure 2
	assert_equal "$stderr" 'crm-merge: acme/interactions.jsonl (theirs):4: the record has no id'
	assert_same_file expected ours.jsonl
	cp base.jsonl theirs.jsonl
	printf '\n{"id":"i7","ts":"2026-02-06T10:00:00Z",\n' >>ours.jsonl
	cp ours.jsonl expected
	merge_jsonl
	assert_failure 2
	assert_regex "$stderr" '^crm-merge: ours\.jsonl:5: .+$'
	assert_same_file expected ours.jsonl
}

@test "MERGE025: without PATHNAME the kind is told by the content" {
	echo '{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"b2","type":"sms"}' >>theirs.jsonl
	run --separate-stderr crm-merge base.jsonl ours.jsonl theirs.jsonl
	assert_success
	assert_equal "$(wc -l <ours.jsonl)" 4
	echo 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	run --separate-stderr crm-merge base.csv ours.csv theirs.csv archive/old-customers.csv
	assert_success
	assert_equal "$(tail -n 1 ours.csv)" 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z'
}

# --- line ends and duplicates ---------------------------------------------------

@test "MERGE026: a side whose every line ends in CR LF (core.autocrlf, an editor): no edit, no conflict; LF written" {
	sed -i 's/$/\r/' ours.csv
	sed -i 's/Berlin/Bonn/' theirs.csv
	echo 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Bonn,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z
EOF
	# CR LF in base and theirs, a change in ours: ours, in LF
	sed -i 's/$/\r/' base.csv theirs.csv
	cp base.csv ours.csv
	sed -i 's/Gdańsk/Kraków/' ours.csv
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_equal "$(grep -c $'\r' ours.csv)" 0
	assert_equal "$(sed -n 2p ours.csv)" 'a1,Anna Nowak,anna@example.pl,111,Kraków,2026-01-01T00:00:00Z'
	# nothing to merge but the line ends: the file is still written with LF
	cp base.csv ours.csv
	cp base.csv theirs.csv
	merge_csv
	assert_success
	tr -d '\r' <base.csv >expected
	assert_same_file expected ours.csv
}

@test "MERGE027: a value with a line break is the same value with CR LF or LF in it" {
	printf '%s\n' 'id,name,email,phone,city,updated' \
		'a1,Anna Nowak,anna@example.pl,111,"Gdańsk' 'ul. Długa 1",2026-01-01T00:00:00Z' >base.csv
	sed 's/$/\r/' base.csv >ours.csv
	sed 's/Anna Nowak/Anna Kowalska/' base.csv >theirs.csv
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Kowalska,anna@example.pl,111,"Gdańsk
ul. Długa 1",2026-01-01T00:00:00Z
EOF
}

@test "MERGE028: the history: CR LF on one side, lines rewritten on the other (a merge of customers): theirs, in LF" {
	sed -i 's/$/\r/' ours.jsonl
	sed 's/"customer":"b2"/"customer":"a1"/; s/"customer" : "b2"/"customer" : "a1"/' base.jsonl >theirs.jsonl
	echo '{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"a1","type":"sms"}' >>theirs.jsonl
	merge_jsonl
	assert_success
	assert_equal "$stderr" ''
	assert_file ours.jsonl <<'EOF'
{"id":"i1","ts":"2026-02-01T10:00:00Z","customer":"a1","type":"note","text":"first"}
{ "id" : "i2", "ts" : "2026-02-03T10:00:00Z", "customer" : "a1", "type" : "call" }
{"id":"i3","ts":"2026-02-05T10:00:00Z","customer":"c3","type":"note","text":"Здравей"}
{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"a1","type":"sms"}
EOF
	[ ! -e conflicts.jsonl ]
}

@test "MERGE029: a side that adds two rows with one id: both kept, a conflict on field id" {
	echo 'd4,Dora Nová,dora@example.cz,444,Brno,2026-01-02T00:00:00Z' >>theirs.csv
	echo 'd4,Dora Novák,,445,Brno,2026-01-02T00:00:00Z' >>theirs.csv
	echo 'a1,Anna N.,,,,2026-01-02T00:00:00Z' >>ours.csv
	merge_csv
	assert_failure 1
	assert_equal "$stderr" 'crm-merge: ours.csv: a1: a second row with this id, added by ours; both kept
crm-merge: ours.csv: d4: a second row with this id, added by theirs; both kept
crm-merge: ours.csv: 2 conflicts, recorded in conflicts.jsonl'
	assert_file ours.csv <<'EOF'
id,name,email,phone,city,updated
a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z
b2,"Bob Brown",bob@example.com,222,Berlin,2026-01-01T00:00:00Z
c3,Петър Петров,,333,София,2026-01-01T00:00:00Z
a1,Anna N.,,,,2026-01-02T00:00:00Z
d4,Dora Nová,dora@example.cz,444,Brno,2026-01-02T00:00:00Z
d4,Dora Novák,,445,Brno,2026-01-02T00:00:00Z
EOF
	assert_file conflicts.jsonl <<'EOF'
{"file":"customers.csv","id":"a1","field":"id","base":null,"ours":"a1,Anna Nowak,anna@example.pl,111,Gdańsk,2026-01-01T00:00:00Z","theirs":"a1,Anna N.,,,,2026-01-02T00:00:00Z"}
{"file":"customers.csv","id":"d4","field":"id","base":null,"ours":"d4,Dora Nová,dora@example.cz,444,Brno,2026-01-02T00:00:00Z","theirs":"d4,Dora Novák,,445,Brno,2026-01-02T00:00:00Z"}
EOF
	# rows doubled before the merge (in base) are no conflict: kept once
	cp ours.csv base.csv
	cp ours.csv theirs.csv
	rm conflicts.jsonl
	echo 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	assert_equal "$(grep -c '^d4,' ours.csv) $(grep -c '^a1,' ours.csv) $(grep -c '^e5,' ours.csv)" '2 2 1'
}

@test "MERGE031: the history: a side that adds two lines with one id and other bytes: both kept, a conflict" {
	echo '{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"a1","type":"sms"}' >>theirs.jsonl
	echo '{"id":"i4","ts":"2026-02-04T10:00:00Z","customer":"b2","type":"call"}' >>theirs.jsonl
	echo '{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"a1","type":"sms"}' >>theirs.jsonl
	merge_jsonl
	assert_failure 1
	assert_equal "$stderr" 'crm-merge: ours.jsonl: i4: a second line with this id, added by theirs; both kept
crm-merge: ours.jsonl: 1 conflict, recorded in conflicts.jsonl'
	assert_file ours.jsonl <<'EOF'
{"id":"i1","ts":"2026-02-01T10:00:00Z","customer":"a1","type":"note","text":"first"}
{ "id" : "i2", "ts" : "2026-02-03T10:00:00Z", "customer" : "b2", "type" : "call" }
{"id":"i4","ts":"2026-02-04T10:00:00Z","customer":"b2","type":"call"}
{"id":"i3","ts":"2026-02-05T10:00:00Z","customer":"c3","type":"note","text":"Здравей"}
{"id":"i4","ts":"2026-02-06T10:00:00Z","customer":"a1","type":"sms"}
EOF
	assert_file conflicts.jsonl <<'EOF'
{"file":"interactions.jsonl","id":"i4","field":"id","base":null,"ours":"{\"id\":\"i4\",\"ts\":\"2026-02-06T10:00:00Z\",\"customer\":\"a1\",\"type\":\"sms\"}","theirs":"{\"id\":\"i4\",\"ts\":\"2026-02-04T10:00:00Z\",\"customer\":\"b2\",\"type\":\"call\"}"}
EOF
	# pulled back into the other side, the two lines are no new conflict
	rm conflicts.jsonl
	cp ours.jsonl theirs.jsonl
	cp ours.jsonl base.jsonl
	merge_jsonl
	assert_success
	assert_equal "$(grep -c '"i4"' ours.jsonl)" 2
}

@test "MERGE032: one customer added on both sides (one e-mail, two ids): both rows, a conflict to settle with crm-add --merge" {
	echo 'd4,Vladimír Dvořák,vladimir@example.cz,,Brno,2026-01-02T00:00:00Z' >>ours.csv
	echo 'e5,Vladimir Dvorak,Vladimir@Example.CZ,+420 600,,2026-01-03T00:00:00Z' >>theirs.csv
	mkdir acme
	merge_csv acme/customers.csv
	assert_failure 1
	assert_equal "$stderr" 'crm-merge: acme/customers.csv: d4 and e5 have the same email vladimir@example.cz; both kept (merge them: crm-add --merge d4 e5)
crm-merge: acme/customers.csv: 1 conflict, recorded in acme/conflicts.jsonl'
	assert_equal "$(tail -n 2 ours.csv)" 'd4,Vladimír Dvořák,vladimir@example.cz,,Brno,2026-01-02T00:00:00Z
e5,Vladimir Dvorak,Vladimir@Example.CZ,+420 600,,2026-01-03T00:00:00Z'
	assert_file acme/conflicts.jsonl <<'EOF'
{"file":"customers.csv","id":"d4","field":"email","base":null,"ours":"vladimir@example.cz","theirs":"Vladimir@Example.CZ","duplicate":"e5"}
EOF
}

@test "MERGE033: a duplicate e-mail a side made itself is no conflict; an address changed to one added on the other side is" {
	# ours holds two customers with one address on purpose (--allow-duplicate)
	echo 'd4,Anna N.,anna@example.pl,,,2026-01-02T00:00:00Z' >>ours.csv
	echo 'e5,Eve Adams,eve@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	merge_csv
	assert_success
	assert_equal "$stderr" ''
	# ours changes Bob's address to the one theirs gives a new customer
	cp base.csv ours.csv
	cp base.csv theirs.csv
	sed -i 's/bob@example.com/robert@example.com/' ours.csv
	echo 'e5,Robert Brown,robert@example.com,555,Wien,2026-01-03T00:00:00Z' >>theirs.csv
	merge_csv
	assert_failure 1
	assert_equal "$stderr" 'crm-merge: ours.csv: b2 and e5 have the same email robert@example.com; both kept (merge them: crm-add --merge b2 e5)
crm-merge: ours.csv: 1 conflict, recorded in conflicts.jsonl'
}

# --- usage -------------------------------------------------------------------

@test "MERGE030: fewer than three files is a usage error; --help shows the git setup" {
	run --separate-stderr crm-merge base.csv ours.csv
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-merge: give the three versions: BASE OURS THEIRS
usage: crm-merge BASE OURS THEIRS [PATHNAME]
Try 'crm-merge --help' for more information."
	run --separate-stderr crm-merge --help
	assert_success
	assert_line --index 0 'usage: crm-merge BASE OURS THEIRS [PATHNAME]'
	assert_line "  git config merge.crm.driver 'crm-merge %O %A %B %P'"
	run --separate-stderr crm-merge base.csv missing.csv theirs.csv
	assert_failure 2
	assert_equal "$stderr" 'crm-merge: missing.csv: No such file or directory'
}

# --- real git ------------------------------------------------------------------

# Run git quietly with a fixed identity and no configuration from outside.
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE='2026-11-22T10:00:00Z' GIT_COMMITTER_DATE='2026-11-22T10:00:00Z'

# A clone of the bare repository hub.git in directory $1, set up as a user
# would: identity and the merge driver.
clone() {
	git clone -q hub.git "$1"
	git -C "$1" config user.name "$1"
	git -C "$1" config user.email "$1@example.com"
	git -C "$1" config merge.crm.driver 'crm-merge %O %A %B %P'
}

# A bare repository hub.git; a clone "anna" holding a CRM directory acme
# with two customers and one interaction, pushed; a second clone "piotr".
# ANNA_ID and BOB_ID are the two customers.
git_setup() {
	export HOME=$WORK
	git init -q --bare -b main hub.git
	clone anna
	(
		cd anna || exit 1
		crm-init acme >/dev/null
		cd acme || exit 1
		crm-add 'Anna Nowak' -e anna@example.pl --city Gdańsk >../../anna.id
		crm-add 'Bob Brown' -e bob@example.com >../../bob.id
		crm-log anna@example.pl call 'first call' >/dev/null
		git add -A && git commit -qm 'A CRM' && git push -q origin main
	) || return 1
	ANNA_ID=$(cat anna.id)
	BOB_ID=$(cat bob.id)
	clone piotr
}

# Every line of the history and of the customers, and the ids of each:
# the ids must come once.
assert_ids_once() {
	local f
	for f in "$@"; do
		run bash -c "cut -d, -f1 '$f' | sort | uniq -d"
		[[ $f == *.csv ]] || run bash -c "jq -r .id '$f' | sort | uniq -d"
		assert_output ''
	done
}

@test "MERGE040: git: both sides add, log and change different fields of one customer; pull merges without a conflict" {
	git_setup
	(
		cd anna/acme || exit 1
		export CRM_USER=anna CRM_NOW=2026-11-23T09:00:00Z
		crm-add 'Cyril Ivanov' -e cyril@example.bg >/dev/null
		crm-log bob@example.com email 'offer sent' --out >/dev/null
		crm-add --update "$ANNA_ID" --city Kraków >/dev/null
		git commit -qam 'anna: Cyril, an offer, a new city' && git push -q origin main
	)
	(
		cd piotr/acme || exit 1
		export CRM_USER=piotr CRM_NOW=2026-11-23T10:00:00Z
		crm-add 'Dora Nová' -e dora@example.cz >/dev/null
		crm-add 'Eve Adams' -e eve@example.com >/dev/null
		CRM_NOW=2026-11-23T08:00:00Z crm-log anna@example.pl meeting 'visit' >/dev/null
		CRM_NOW=2026-11-23T10:00:00Z crm-log eve@example.com note 'met at a fair' >/dev/null
		crm-add --update "$ANNA_ID" --phone '+48 600 100 200' >/dev/null
		git commit -qam 'piotr: Dora, Eve, a visit, a phone'
	)
	cd piotr
	run git pull -q --no-rebase --no-edit origin main
	assert_success
	run git status --porcelain
	assert_output ''
	cd acme
	run crm-find -o csv -f name,city,phone,updated --sort name
	assert_success
	assert_output 'name,city,phone,updated
Anna Nowak,Kraków,+48 600 100 200,2026-11-23T10:00:00Z
Bob Brown,,,2026-11-22T10:00:00Z
Cyril Ivanov,,,2026-11-23T09:00:00Z
Dora Nová,,,2026-11-23T10:00:00Z
Eve Adams,,,2026-11-23T10:00:00Z'
	run jq -r '[.by // "", .type, .text] | join(" ")' interactions.jsonl
	assert_output 'tester call first call
piotr meeting visit
anna email offer sent
piotr note met at a fair'
	assert_ids_once customers.csv interactions.jsonl
	[ ! -e conflicts.jsonl ]
	if [ -x "$TOP/bin/crm-check" ]; then
		run crm-check
		assert_success
	fi
	# and back: anna pulls the merge and has the same files
	cd ../..
	git -C piotr push -q origin main
	git -C anna pull -q --no-rebase --no-edit origin main
	assert_same_file piotr/acme/customers.csv anna/acme/customers.csv
	assert_same_file piotr/acme/interactions.jsonl anna/acme/interactions.jsonl
}

@test "MERGE041: git: the same field changed on both sides: the pull stops, ours stays, conflicts.jsonl says it" {
	git_setup
	(
		cd anna/acme || exit 1
		crm-add --update "$ANNA_ID" --city Kraków >/dev/null
		crm-log bob@example.com note 'from anna' >/dev/null
		git commit -qam 'anna: Kraków' && git push -q origin main
	)
	(
		cd piotr/acme || exit 1
		crm-add --update "$ANNA_ID" --city Łódź >/dev/null
		crm-log bob@example.com note 'from piotr' >/dev/null
		git commit -qam 'piotr: Łódź'
	)
	cd piotr
	run --separate-stderr git pull --no-rebase --no-edit origin main
	assert_failure
	assert_output --partial 'CONFLICT (content): Merge conflict in acme/customers.csv'
	assert_regex "$stderr" "crm-merge: acme/customers.csv: $ANNA_ID: city: ours \"Łódź\", theirs \"Kraków\", base \"Gdańsk\"; ours kept"
	run git status --porcelain
	assert_output "UU acme/customers.csv
M  acme/interactions.jsonl"
	# conflicts.jsonl is of this clone only: crm-init's .gitignore keeps it out
	run git check-ignore acme/conflicts.jsonl
	assert_success
	cd acme
	run crm-find -o csv -f name,city --sort name
	assert_output 'name,city
Anna Nowak,Łódź
Bob Brown,'
	assert_equal "$(cat conflicts.jsonl)" \
		"{\"file\":\"customers.csv\",\"id\":\"$ANNA_ID\",\"field\":\"city\",\"base\":\"Gdańsk\",\"ours\":\"Łódź\",\"theirs\":\"Kraków\"}"
	# the history merged cleanly: both notes are there
	assert_equal "$(jq -r .text interactions.jsonl | sort | tr '\n' ,)" 'first call,from anna,from piotr,'
}

# Append N random edits of one side to the files of the CRM directory in
# the current directory: new customers (ids starting with $2), changes of
# field $3 of base customers 40..199, interactions (ids starting with $2 too),
# and a few removals (by crm-rm) of base customers $4..$4+19. Writes what it
# did to ../$1.log: "add ID", "set ID VALUE", "log ID", "rm ID".
random_edits() {
	local side=$1 prefix=$2 field=$3 rmfrom=$4 n=$5 k r c id
	local -a sets=()
	for ((k = 0; k < n; k++)); do
		r=$((RANDOM % 100))
		if ((r < 25)); then
			printf -v id '%s%012d' "$prefix" "$k"
			printf '%s,New %s %d,,,,,,,,lead,,2026-11-23T00:00:00Z,2026-11-23T00:00:00Z\n' "$id" "$side" "$k" >>customers.csv
			echo "add $id"
		elif ((r < 55)); then
			c=$((40 + RANDOM % 160))
			printf -v id 'b%012d' "$c"
			sets+=("$id" "$side$k")
			echo "set $id $side$k"
		elif ((r < 97)); then
			printf -v id '%s%012d' "$prefix" "$k"
			printf '{"id":"%s","ts":"2026-11-%02dT%02d:%02d:00Z","customer":"b%012d","type":"note","by":"%s"}\n' \
				"$id" $((23 + RANDOM % 5)) $((RANDOM % 24)) $((RANDOM % 60)) $((RANDOM % 200)) "$side" >>interactions.jsonl
			echo "log $id"
		else
			printf -v id 'b%012d' $((rmfrom + RANDOM % 20))
			crm-rm "$id" >/dev/null 2>&1 && echo "rm $id"
		fi
	done >"../$side.log"
	# the changes of fields in one pass; the last value of a customer wins
	awk -F, -v OFS=, -v col="$field" -v sets="${sets[*]}" '
		BEGIN { n = split(sets, s, " "); for (i = 1; i < n; i += 2) v[s[i]] = s[i + 1] }
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
		NR > 1 && ($1 in v) { $c = v[$1]; $NF = "2026-11-23T12:00:00Z" }
		{ print }' customers.csv >customers.tmp && mv customers.tmp customers.csv
}

@test "MERGE042: git: a thousand random edits on two branches merge with nothing lost" {
	export HOME=$WORK
	RANDOM=42
	git init -q -b main repo
	cd repo
	git config user.name tester
	git config user.email tester@example.com
	git config merge.crm.driver 'crm-merge %O %A %B %P'
	crm-init acme >/dev/null
	cd acme
	local i
	for ((i = 0; i < 200; i++)); do
		printf 'b%012d,Base %d,base%d@example.com,,,PL,Kraków,,,customer,,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z\n' "$i" "$i" "$i"
	done >>customers.csv
	for ((i = 0; i < 300; i++)); do
		printf '{"id":"h%012d","ts":"2026-11-%02dT10:00:00Z","customer":"b%012d","type":"call"}\n' "$i" $((1 + i % 20)) $((i % 200))
	done >>interactions.jsonl
	git add -A && git commit -qm base
	git checkout -qb other
	random_edits theirs t phone 20 500
	git commit -qam theirs
	git checkout -q main
	random_edits ours o city 0 500
	git commit -qam ours
	run git merge -q --no-edit other
	assert_success
	[ ! -e conflicts.jsonl ]
	assert_ids_once customers.csv interactions.jsonl

	# customers: the base, less those removed on either side, plus every one added
	local want
	want=$( (
		printf 'b%012d\n' $(seq 0 199)
		awk '$1 == "add" { print $2 }' ../ours.log ../theirs.log
	) | grep -vxF -f <(awk '$1 == "rm" { print $2 }' ../ours.log ../theirs.log; echo none) | sort)
	assert_equal "$(tail -n +2 customers.csv | cut -d, -f1 | sort)" "$want"
	# every change is there: the last city of ours, the last phone of theirs
	run awk -F, '
		FILENAME ~ /log$/ { if ($1 == "set") want[FILENAME, $2] = $3; next }
		{ city[$1] = $7; phone[$1] = $4 }
		END {
			for (k in want) {
				split(k, p, SUBSEP)
				got = p[1] ~ /ours/ ? city[p[2]] : phone[p[2]]
				if (got != want[k]) print p[2], p[1], "want", want[k], "got", got
			}
		}' FS=' ' ../ours.log ../theirs.log FS=, customers.csv
	assert_success
	assert_output ''
	# interactions: the base's and those of both sides, in time order
	local logs
	logs=$(cat ../ours.log ../theirs.log | grep -c '^log ')
	assert_equal "$(wc -l <interactions.jsonl)" $((300 + logs))
	run bash -c "jq -r .ts interactions.jsonl | sort -c"
	assert_success
	if [ -x "$TOP/bin/crm-check" ]; then
		run crm-check
		assert_success
	fi
}
