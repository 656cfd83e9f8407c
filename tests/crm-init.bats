#!/usr/bin/env bats
# crm-init: creating a CRM directory.

load helper

HDR=id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated

# What crm-init prints for DIR: where, and how to set up git.
said() {
	printf '%s\n' "Initialised CRM directory $1" \
		"To keep it in git, run once in every clone: crm-init --git $1"
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

@test "INIT002: creates exactly the six files and the templates folder" {
	crm-init acme >/dev/null
	cd acme
	assert_equal "$(tree)" "$(
		cat <<'EOF'
./.gitattributes
./.gitignore
./crm.conf
./customers.csv
./interactions.jsonl
./templates
./templates/welcome.eml
EOF
	)"
	[ -d templates ]
	for f in .gitattributes .gitignore crm.conf customers.csv interactions.jsonl templates/welcome.eml; do
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

@test "INIT005: .gitattributes registers the merge driver for both data files and the diff driver for the customers" {
	crm-init acme >/dev/null
	run grep -x 'customers.csv merge=crm diff=crm' acme/.gitattributes
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
		assert_line --index 0 'usage: crm-init [--git] [DIR]'
		assert_equal "$stderr" ''
	done
	assert_equal "$(tree)" ''
}

@test "INIT021: an unknown option exits 2 with the usage on stderr and creates nothing" {
	run --separate-stderr crm-init --bogus acme
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-init: unknown option '--bogus'
usage: crm-init [--git] [DIR]
Try 'crm-init --help' for more information."
	assert_equal "$(tree)" ''
}

@test "INIT022: two operands are a usage error" {
	run --separate-stderr crm-init one two
	assert_failure 2
	assert_output ''
	assert_regex "$stderr" $'^crm-init: too many operands\nusage: crm-init \\[--git\\] \\[DIR\\]'
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

# ---------------------------------------------------------------- --git

# git with no configuration from outside, and the name of a hook of the
# repository in $1.
git_env() {
	export HOME=$WORK GIT_CONFIG_NOSYSTEM=1
}

# What crm-init --git says when it sets up everything in a new repository.
GIT_SAID="git config merge.crm.driver 'crm-merge %O %A %B %P'
git config diff.crm.command 'crm-diff'
git config diff.crm.textconv 'crm-diff --textconv'
hook pre-commit: crm-check --staged
hook pre-merge-commit: crm-check --staged"

@test "INIT026: --git on a new DIR: the CRM directory, a git repository, the drivers, the hooks" {
	git_env
	run --separate-stderr crm-init --git acme
	assert_success
	assert_equal "$stderr" ''
	assert_output "Initialised CRM directory acme
Initialised git repository acme
$GIT_SAID"
	assert_equal "$(git -C acme config merge.crm.driver)" 'crm-merge %O %A %B %P'
	assert_equal "$(git -C acme config diff.crm.command)" 'crm-diff'
	assert_equal "$(git -C acme config diff.crm.textconv)" 'crm-diff --textconv'
	for h in pre-commit pre-merge-commit; do
		[ -x "acme/.git/hooks/$h" ] || fail "$h is not executable"
		assert_equal "$(tail -n 1 "acme/.git/hooks/$h")" 'exec crm-check --staged'
	done
	assert_equal "$(git -C acme check-attr merge diff -- customers.csv interactions.jsonl)" 'customers.csv: merge: crm
customers.csv: diff: crm
interactions.jsonl: merge: crm
interactions.jsonl: diff: unspecified'
	cd acme
	touch crm.local.conf conflicts.jsonl .crm-mail.lock .crm.lock .customers.csv.tmp.Ab12Cd
	run git status --porcelain --untracked-files=all
	assert_output '?? .gitattributes
?? .gitignore
?? crm.conf
?? customers.csv
?? interactions.jsonl
?? templates/welcome.eml'
}

@test "INIT027: --git on an existing CRM directory adds what is missing and touches no data; again, nothing to add" {
	git_env
	crm-init acme >/dev/null
	crm-add -d acme 'Anna Nowak' -e anna@example.pl >/dev/null
	crm-log -d acme anna note 'hello' >/dev/null
	# as an older crm-init left it: the merge driver only, no .gitignore
	printf 'customers.csv merge=crm\ninteractions.jsonl merge=crm\n' >acme/.gitattributes
	rm acme/.gitignore
	git init -q acme
	git -C acme config merge.crm.driver 'crm-merge %O %A %B %P'
	(cd acme && md5sum customers.csv interactions.jsonl crm.conf templates/welcome.eml) >sums
	run --separate-stderr crm-init --git acme
	assert_success
	assert_equal "$stderr" ''
	assert_output "acme/.gitattributes: customers.csv diff=crm
acme/.gitignore: crm.local.conf conflicts.jsonl .crm-mail.lock .crm.lock .*.tmp.*
git config diff.crm.command 'crm-diff'
git config diff.crm.textconv 'crm-diff --textconv'
hook pre-commit: crm-check --staged
hook pre-merge-commit: crm-check --staged"
	assert_equal "$(cat acme/.gitattributes)" 'customers.csv merge=crm
interactions.jsonl merge=crm
customers.csv diff=crm'
	(cd acme && md5sum -c --quiet ../sums)
	run --separate-stderr crm-init --git acme
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" 'crm-init: acme: git is set up already; nothing to add'
	# the current directory, as a new clone would run it
	cd acme
	git config --unset diff.crm.command
	run --separate-stderr crm-init --git
	assert_success
	assert_output "git config diff.crm.command 'crm-diff'"
}

@test "INIT028: --git in a CRM directory below the top of a repository: that repository, its hooks" {
	git_env
	git init -q repo
	run --separate-stderr crm-init --git repo/sales/acme
	assert_success
	assert_output "Initialised CRM directory repo/sales/acme
$GIT_SAID"
	[ ! -e repo/sales/acme/.git ]
	[ -x repo/.git/hooks/pre-commit ] && [ -x repo/.git/hooks/pre-merge-commit ]
	assert_equal "$(git -C repo config merge.crm.driver)" 'crm-merge %O %A %B %P'
	assert_equal "$(git -C repo check-attr diff -- sales/acme/customers.csv)" 'sales/acme/customers.csv: diff: crm'
	# core.hooksPath is where git looks for hooks: there they go
	git init -q other
	git -C other config core.hooksPath githooks
	run --separate-stderr crm-init --git other/acme
	assert_success
	[ -x other/githooks/pre-commit ] && [ -x other/githooks/pre-merge-commit ]
}

@test "INIT029: a hook of the user's own and a driver set to a path of one's own are kept" {
	git_env
	git init -q acme
	printf '#!/bin/sh\nmake lint\n' >acme/.git/hooks/pre-commit
	chmod +x acme/.git/hooks/pre-commit
	git -C acme config merge.crm.driver '/opt/crm/bin/crm-merge %O %A %B %P'
	run --separate-stderr crm-init --git acme
	assert_failure 2
	assert_equal "$stderr" "crm-init: acme/.git/hooks/pre-commit: a hook of your own is there; add a line to it: crm-check --staged || exit 1"
	assert_output "Initialised CRM directory acme
git config diff.crm.command 'crm-diff'
git config diff.crm.textconv 'crm-diff --textconv'
hook pre-merge-commit: crm-check --staged"
	assert_equal "$(cat acme/.git/hooks/pre-commit)" $'#!/bin/sh\nmake lint'
	assert_equal "$(git -C acme config merge.crm.driver)" '/opt/crm/bin/crm-merge %O %A %B %P'
}

@test "INIT030: a .gitignore of the user's gains the lines it lacks; crm-init without --git does not touch git" {
	git_env
	mkdir acme
	printf 'build/\ncrm.local.conf\n' >acme/.gitignore
	run --separate-stderr crm-init acme
	assert_success
	assert_equal "$(cat acme/.gitignore)" 'build/
crm.local.conf
conflicts.jsonl
.crm-mail.lock
.crm.lock
.*.tmp.*'
	[ ! -e acme/.git ]
}
