#!/usr/bin/env bats
# crm-init: creating a CRM directory.

load helper

HDR=id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated

# What crm-init prints for DIR: where, and how to register the merge driver.
said() {
	printf '%s\n' "Initialised CRM directory $1" \
		'To merge it with git, register the merge driver once in each clone:' \
		"  git config merge.crm.driver 'crm-merge %O %A %B %P'"
}

# Every path below the current directory, one a line, sorted.
tree() {
	find . -mindepth 1 | LC_ALL=C sort
}

# Make DIR hold FILE (with a known content) and check that crm-init DIR
# refuses, names FILE, and neither creates nor changes anything.
refuses_because_of() {
	local dir=$1 file=$2
	mkdir -p "$dir/$(dirname "$file")"
	printf 'keep me\n' >"$dir/$file"
	local before
	before=$(tree)
	run --separate-stderr crm-init "$dir"
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-init: $dir/$file: already exists; nothing was changed"
	assert_equal "$(tree)" "$before"
	assert_equal "$(cat "$dir/$file")" 'keep me'
}

@test "INIT001: creates a missing DIR and says so, with the git config line of the merge driver" {
	run --separate-stderr crm-init acme
	assert_success
	assert_output "$(said acme)"
	assert_equal "$stderr" ''
	[ -d acme ]
}

@test "INIT002: creates exactly the five files and the templates folder" {
	crm-init acme >/dev/null
	cd acme
	assert_equal "$(tree)" "$(
		cat <<'EOF'
./.gitattributes
./crm.conf
./customers.csv
./interactions.jsonl
./templates
./templates/welcome.eml
EOF
	)"
	[ -d templates ]
	for f in .gitattributes crm.conf customers.csv interactions.jsonl templates/welcome.eml; do
		[ -f "$f" ] || fail "$f is not a regular file"
	done
}

@test "INIT003: customers.csv holds the header line and nothing else" {
	crm-init acme >/dev/null
	printf '%s\n' "$HDR" >expected
	assert_same_file expected acme/customers.csv
}

@test "INIT004: interactions.jsonl is empty" {
	crm-init acme >/dev/null
	[ -f acme/interactions.jsonl ]
	assert_equal "$(wc -c <acme/interactions.jsonl)" 0
}

@test "INIT005: .gitattributes registers the merge driver for both data files" {
	crm-init acme >/dev/null
	run grep -x 'customers.csv merge=crm' acme/.gitattributes
	assert_success
	run grep -x 'interactions.jsonl merge=crm' acme/.gitattributes
	assert_success
}

@test "INIT006: crm.conf and the welcome template are not empty" {
	crm-init acme >/dev/null
	[ -s acme/crm.conf ]
	[ -s acme/templates/welcome.eml ]
}

@test "INIT007: without DIR the current directory is initialised" {
	mkdir here
	cd here
	run --separate-stderr crm-init
	assert_success
	assert_output "$(said .)"
	assert_equal "$stderr" ''
	printf '%s\n' "$HDR" >../expected
	assert_same_file ../expected customers.csv
	[ -f interactions.jsonl ] && [ -f crm.conf ] && [ -f templates/welcome.eml ] && [ -f .gitattributes ]
}

@test "INIT008: an existing empty directory is used" {
	mkdir acme
	run crm-init acme
	assert_success
	assert_output "$(said acme)"
	[ -f acme/customers.csv ]
}

@test "INIT009: an existing directory with unrelated files is used and they are kept" {
	mkdir acme
	printf 'notes\n' >acme/README
	run crm-init acme
	assert_success
	assert_equal "$(cat acme/README)" notes
	[ -f acme/customers.csv ]
}

@test "INIT010: a directory name with non-ASCII letters" {
	run --separate-stderr crm-init klienci-łódź
	assert_success
	assert_output "$(said klienci-łódź)"
	printf '%s\n' "$HDR" >expected
	assert_same_file expected klienci-łódź/customers.csv
}

@test "INIT011: refuses when customers.csv exists" {
	refuses_because_of acme customers.csv
}

@test "INIT012: refuses when interactions.jsonl exists" {
	refuses_because_of acme interactions.jsonl
}

@test "INIT013: refuses when crm.conf exists" {
	refuses_because_of acme crm.conf
}

@test "INIT014: refuses when templates/welcome.eml exists" {
	refuses_because_of acme templates/welcome.eml
}

@test "INIT015: refuses when .gitattributes exists" {
	refuses_because_of acme .gitattributes
}

@test "INIT016: a second crm-init on the same directory changes nothing" {
	crm-init acme >/dev/null
	crm-add -d acme 'Anna Nowak' -e anna@example.pl >/dev/null
	cp -a acme saved
	run --separate-stderr crm-init acme
	assert_failure 2
	assert_output ''
	assert_regex "$stderr" '^crm-init: acme/[^:]+: already exists; nothing was changed$'
	run diff -r saved acme
	assert_success
}

@test "INIT017: refuses in the current directory when it already holds customers.csv" {
	printf '%s\n' "$HDR" >customers.csv
	run --separate-stderr crm-init
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" 'crm-init: ./customers.csv: already exists; nothing was changed'
	assert_equal "$(tree)" './customers.csv'
}

@test "INIT018: DIR that is a regular file is an error" {
	printf 'x\n' >acme
	run --separate-stderr crm-init acme
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" 'crm-init: acme: not a directory'
	assert_equal "$(cat acme)" x
}

@test "INIT019: the new directory is ready for crm-add" {
	crm-init acme >/dev/null
	cd acme
	add_as id 'Anna Nowak'
	assert_id "$id"
	diff -u - customers.csv <<EOF
$HDR
$id,Anna Nowak,,,,,,,,lead,,2026-11-22T10:00:00Z,2026-11-22T10:00:00Z
EOF
}

@test "INIT020: -h and --help print the usage on stdout and exit 0" {
	for opt in -h --help; do
		run --separate-stderr crm-init "$opt"
		assert_success
		assert_line --index 0 'usage: crm-init [DIR]'
		assert_equal "$stderr" ''
	done
	assert_equal "$(tree)" ''
}

@test "INIT021: an unknown option exits 2 with the usage on stderr and creates nothing" {
	run --separate-stderr crm-init --bogus acme
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-init: unknown option '--bogus'
usage: crm-init [DIR]
Try 'crm-init --help' for more information."
	assert_equal "$(tree)" ''
}

@test "INIT022: two operands are a usage error" {
	run --separate-stderr crm-init one two
	assert_failure 2
	assert_output ''
	assert_regex "$stderr" $'^crm-init: too many operands\nusage: crm-init \\[DIR\\]'
	assert_equal "$(tree)" ''
}

@test "INIT023: -V and --version print the version" {
	run --separate-stderr crm-init -V
	assert_success
	assert_output 'crm-init 0.1.0'
	run --separate-stderr crm-init --version
	assert_success
	assert_output 'crm-init 0.1.0'
}

@test "INIT024: LC_ALL=C makes the same files" {
	LC_ALL=C crm-init c >/dev/null
	LC_ALL=C.UTF-8 crm-init u >/dev/null
	run diff -r c u
	assert_success
}

@test "INIT025: crm.conf shows a rate and the time zone commented out; uncommented, the programs use them" {
	crm-init acme >/dev/null
	cd acme
	run grep -x -e 'currency = EUR' -e '#rate.PLN = 0.2326' -e '#timezone = Europe/Warsaw' crm.conf
	assert_output $'currency = EUR\n#rate.PLN = 0.2326\n#timezone = Europe/Warsaw'
	# commented out, they change nothing: PLN has no rate, times are UTC
	crm-add 'Anna Nowak' -e anna@example.pl >/dev/null
	crm-log anna purchase --amount 100 --currency PLN --ts 2026-11-05T14:30 >/dev/null
	run --separate-stderr crm-find -f name,revenue -o csv
	assert_output $'name,revenue\nAnna Nowak,'
	assert_equal "$stderr" "crm-find: left out 1 event in PLN: no exchange rate to EUR (crm.conf: rate.PLN = how much EUR one PLN is worth)"
	run crm-find -i -f ts -o csv
	assert_output $'ts\n2026-11-05T14:30:00Z'
	sed -i 's/^#rate\.PLN/rate.PLN/; s/^#timezone/timezone/' crm.conf
	# 100.00 PLN at 0.2326 is 23.26 EUR; 14:30 in Warsaw is 13:30 UTC in November
	run --separate-stderr crm-find -f name,revenue -o csv
	assert_output $'name,revenue\nAnna Nowak,23.26'
	assert_equal "$stderr" ''
	crm-log anna note 'second' --ts 2026-11-05T14:30 >/dev/null
	run crm-find -i -f ts,type -o csv
	assert_output $'ts,type\n2026-11-05T14:30:00Z,purchase\n2026-11-05T13:30:00Z,note'
}
