#!/usr/bin/env bats
# Bad input: every program on every malformed file of tests/bad-input/
# (and the big ones bad-input/gen.sh writes), each placed where it would be
# read: customers.csv, interactions.jsonl, crm.conf, segments.conf, a
# template, or standard input. Each file x program is one group of checks:
#   - the exit status is 0, 1 or 2: never a signal (>= 128) or a hang,
#     nor a report of AddressSanitizer or UBSan (make asan);
#   - with 2, a message names the file and the line ("customers.csv:4:"),
#     or for a file with no line to name (empty, a BOM alone) the file;
#   - nothing stored changes (a checksum of the directory before and
#     after), except the customers crm-add --import adds, beside all those
#     there were;
#   - crm-mail never writes a header line a value smuggled in (Bcc:).
# The number of groups run is printed at the end.

bats_require_minimum_version 1.5.0
load helper

BAD="$TOP/tests/bad-input"

setup_file() {
	export GEN="$BATS_FILE_TMPDIR/gen"
	sh "$BATS_TEST_DIRNAME/bad-input/gen.sh" "$GEN"
}

# A directory "base": two customers with consent, a short history, rules
# and a template, all valid.
local_setup() {
	crm-init base >/dev/null
	cat >base/customers.csv <<-'EOF'
	id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
	01kaaaaaaaaa1,Anna Nowak,anna@example.pl,,,PL,,vip,ola,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
	01kaaaaaaaaa2,Jan Dvořák,jan@example.cz,,,CZ,,,bob,customer,opt-in,2026-02-01T09:00:00Z,2026-02-01T09:00:00Z
	EOF
	cat >base/interactions.jsonl <<-'EOF'
	{"id":"01kbbbbbbbbb1","ts":"2026-11-01T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","by":"ola","amount":12999,"currency":"PLN"}
	{"id":"01kbbbbbbbbb2","ts":"2026-11-02T09:00:00Z","customer":"01kaaaaaaaaa2","type":"call","channel":"phone","direction":"out","by":"bob","text":"called"}
	EOF
	printf 'currency = PLN\nfrom = Shop <shop@example.org>\n' >base/crm.conf
	printf 'VIP: revenue>10000\nRest: id\n' >base/segments.conf
	printf 'Subject: Hello {{name}}\nX-Company: {{company|none}}\n\nDear {{name}},\nnews.\n' \
		>base/templates/t.eml
	printf 'name,email\nNew Person,new@example.org\n' >"$WORK/import.csv"
	GROUPS_RUN=0
}

# A checksum of every file of directory $1 (the directory and templates/,
# dot files too), in one process: the suite runs a thousand of them.
sum_dir() {
	local f files=()
	for f in "$1"/* "$1"/.[!.]* "$1"/templates/* "$1"/templates/.[!.]*; do
		[[ -f $f ]] && files+=("$f")
	done
	sha256sum -- "${files[@]}"
}

# The files with no line a message could name.
lineless() {
	case ${1##*/} in
	csv-empty-file.csv | csv-only-bom.csv | csv-blank-lines-only.csv | csv-lone-cr.csv) return 0 ;;
	segments-no-rules.conf) return 0 ;;
	esac
	return 1
}

# place ROLE FILE: a copy of base in $WORK/case with FILE in the place of
# ROLE (customers.csv, interactions.jsonl, crm.conf, segments.conf,
# templates/bad.eml; stdin leaves base as it is), and its checksum.
place() {
	PLACED_ROLE=$1 PLACED_FILE=$2
	rm -rf "$WORK/case"
	cp -r "$WORK/base" "$WORK/case"
	[[ $1 == stdin ]] || cp "$2" "$WORK/case/$1"
	BEFORE=$(sum_dir "$WORK/case")
}

# The ids of the customers of directory $1, one a line.
ids() {
	crm-find -d "$1" -o csv -f id </dev/null 2>/dev/null | tail -n +2 | LC_ALL=C sort
}

# check SHOWN STDIN PROGRAM [ARGS]: run the program in the directory
# place made, with STDIN on standard input, and check what the header of
# this file says. SHOWN is the name a message must give. Failures are
# added to $FAILED; a directory that changed is placed anew.
check() {
	local shown=$1 input=$2 role=$PLACED_ROLE file=$PLACED_FILE
	shift 2
	local d="$WORK/case" what="${file##*/} as $role: $*" status=0 why= old=
	[[ $1 == crm-add ]] && old=$(ids "$d")
	cd "$d" || return 1
	timeout 120 "$@" <"$input" >"$WORK/out" 2>"$WORK/err" || status=$?
	cd "$WORK" || return 1
	GROUPS_RUN=$((GROUPS_RUN + 1))
	local after err=
	after=$(sum_dir "$d")
	IFS= read -r -d '' err <"$WORK/err" || true
	if [[ $err == *Sanitizer* || $err == *"runtime error:"* ]]; then
		why="a sanitizer report: $(grep -m1 'Sanitizer\|runtime error:' "$WORK/err")"
	elif ((status == 124)); then
		why="hung (killed after 120 s)"
	elif ((status >= 128)); then
		why="killed by signal $((status - 128))"
	elif ((status > 2)); then
		why="exit status $status"
	elif ((status == 2)) && ! [[ $err =~ "$shown:"[0-9]+: ]] &&
		! { lineless "$file" && [[ $err == *"$shown"* ]]; } &&
		! { [[ $1 == crm-rm ]] && ! grep -q 01kaaaaaaaaa1 "$file" &&
			[[ $err == *"no customer matches '01kaaaaaaaaa1'"* ]]; }; then
		why="exit 2 without naming $shown:LINE: ${err:0:300}"
	elif [[ $BEFORE != "$after" ]]; then
		# an import adds rows and keeps the others
		if [[ $1 != crm-add ]] || [[ -n $(LC_ALL=C comm -23 <(printf '%s\n' "$old") <(ids "$d")) ]]; then
			why="stored data changed (exit $status)"
		fi
	fi
	if [[ -z $why && $1 == crm-mail ]] && grep -q '^Bcc:' "$WORK/out"; then
		why="a Bcc: header in the mail"
	fi
	[[ -n $why ]] && FAILED+="$what: $why"$'\n'
	[[ $BEFORE == "$after" ]] || place "$role" "$file"
	return 0
}

# finish FILES CHECKS: fail with every failure, and unless the test ran
# CHECKS groups for each of FILES files.
finish() {
	[[ -z $FAILED ]] || fail "$FAILED"
	((GROUPS_RUN == $1 * $2)) || fail "$GROUPS_RUN groups run, not $1 x $2"
}

# The number of lines of standard input.
count() {
	local n=0 l
	while read -r l; do n=$((n + 1)); done
	echo "$n"
}

csv_files() {
	printf '%s\n' "$BAD"/csv-*.csv "$GEN"/csv-*.csv
}

jsonl_files() {
	printf '%s\n' "$BAD"/jsonl-*.jsonl "$GEN"/jsonl-*.jsonl
}

# The programs as run on each bad file placed in the directory.
dir_programs() {
	local shown=$1 mail='contacts>=0 or not contacts'
	check "$shown" /dev/null crm-find
	check "$shown" /dev/null crm-find -i
	check "$shown" /dev/null crm-segment --rfm
	check "$shown" /dev/null crm-report summary
	check "$shown" /dev/null crm-report activity
	check "$shown" /dev/null crm-report revenue
	check "$shown" /dev/null crm-mail -t templates/t.eml --where "$mail"
	check "$shown" "$WORK/import.csv" crm-add --import -
	check "$shown" /dev/null crm-log -l
	check "$shown" /dev/null crm-rm -n 01kaaaaaaaaa1
}

@test "BAD001: a bad customers.csv, to every program" {
	FAILED=
	while read -r f; do
		place customers.csv "$f"
		dir_programs customers.csv
	done < <(csv_files)
	finish "$(csv_files | count)" 10
}

@test "BAD002: a bad customer stream on standard input" {
	FAILED=
	while read -r f; do
		place stdin "$f"
		check '<stdin>' "$f" crm-find -
		check '<stdin>' "$f" crm-segment --rfm
		check '<stdin>' "$f" crm-report summary
		check '<stdin>' "$f" crm-mail -t templates/t.eml -
		check '<stdin>' "$f" crm-add --import -
	done < <(csv_files; jsonl_files)
	finish "$({ csv_files; jsonl_files; } | count)" 5
}

@test "BAD003: a bad interactions.jsonl, to every program" {
	FAILED=
	while read -r f; do
		place interactions.jsonl "$f"
		dir_programs interactions.jsonl
		check interactions.jsonl /dev/null crm-report summary --strict
		check interactions.jsonl /dev/null crm-find -i --strict
	done < <(jsonl_files)
	finish "$(jsonl_files | count)" 12
}

@test "BAD004: a bad crm.conf, to every program" {
	FAILED=
	for f in "$BAD"/crm-*.conf; do
		place crm.conf "$f"
		dir_programs crm.conf
	done
	finish "$(printf '%s\n' "$BAD"/crm-*.conf | count)" 10
}

segments_files() {
	printf '%s\n' "$BAD"/segments-*.conf "$GEN"/segments-*.conf
}

@test "BAD005: a bad segments.conf" {
	FAILED=
	while read -r f; do
		place segments.conf "$f"
		check segments.conf /dev/null crm-segment
		check segments.conf /dev/null crm-segment --rules segments.conf -S
		# crm-check's problems go to stdout: here to stderr, where check looks
		check segments.conf /dev/null sh -c 'crm-check >&2'
	done < <(segments_files)
	finish "$(segments_files | count)" 3
}

@test "BAD006: a bad template" {
	FAILED=
	local mail='contacts>=0 or not contacts'
	for f in "$BAD"/tmpl-*.eml; do
		place templates/bad.eml "$f"
		check templates/bad.eml /dev/null crm-mail -t templates/bad.eml --where "$mail"
		check templates/bad.eml /dev/null crm-mail -t templates/bad.eml --where "$mail" --transactional
	done
	finish "$(printf '%s\n' "$BAD"/tmpl-*.eml | count)" 2
}

@test "BAD007: CR or LF in a value never adds a header to the mail" {
	cd base
	printf '%s\n' '01kaaaaaaaaa3,"Evil' 'Bcc: victim@example.org",eva@example.cz,,,PL,,,ola,customer,opt-in,2026-03-01T09:00:00Z,2026-03-01T09:00:00Z' >>customers.csv
	printf '01kaaaaaaaaa4,Jan,jan@example.cz,,"ACME\r\nBcc: victim@example.org",PL,,,ola,customer,opt-in,2026-03-01T09:00:00Z,2026-03-01T09:00:00Z\n' >>customers.csv
	run --separate-stderr crm-mail -t templates/t.eml --where 'id=01kaaaaaaaaa3 or id=01kaaaaaaaaa4'
	assert_equal "$status" 1
	assert_equal "$output" ''
	assert_equal "$stderr" "$(printf '%s\n' \
		'crm-mail: 01kaaaaaaaaa3: skipped: a line break in the name, for the To header' \
		'crm-mail: 01kaaaaaaaaa4: skipped: a line break in {{company}}, for the X-Company header' \
		'crm-mail: 0 previewed, 2 skipped, 0 failed')"
	run --separate-stderr crm-mail -t templates/t.eml - <customers.csv
	assert_success
	assert_line 'To: Anna Nowak <anna@example.pl>'
	assert_line 'To: =?UTF-8?B?SmFuIER2b8WZw6Fr?= <jan@example.cz>'
	refute_line --regexp '^Bcc:'
}

@test "BAD008: the number of file x program groups" {
	local c j k g t total
	c=$(csv_files | count) j=$(jsonl_files | count)
	k=$(printf '%s\n' "$BAD"/crm-*.conf | count)
	g=$(segments_files | count)
	t=$(printf '%s\n' "$BAD"/tmpl-*.eml | count)
	total=$((c * 10 + (c + j) * 5 + j * 12 + k * 10 + g * 3 + t * 2))
	echo "# $c CSV, $j JSONL, $k crm.conf, $g segments.conf, $t template files: $total file x program groups" >&3
	((c + j + k + g + t >= 40 && total >= 500))
}
