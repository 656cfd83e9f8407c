#!/usr/bin/env bats
# What fuzzing found, kept: each input of fuzz/regress/TARGET/ is run
# through the program that reads that kind of input (never a signal, an
# exit of 0, 1 or 2), through its fuzz target when that is built (make
# fuzz), and the fixed behaviour is checked where a program shows it.

bats_require_minimum_version 1.5.0
load helper

REGRESS="$TOP/fuzz/regress"

# A directory with two customers, one purchase, and the currency PLN.
local_setup() {
	new_crm
	cat >customers.csv <<-'EOF2'
	id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
	01kaaaaaaaaa1,Anna Nowak,anna@example.pl,,,PL,,vip,ola,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
	01kaaaaaaaaa2,Jan Nowak,jan@example.pl,,,PL,,,bob,customer,opt-in,2026-02-01T09:00:00Z,2026-02-01T09:00:00Z
	EOF2
	cat >interactions.jsonl <<-'EOF2'
	{"id":"01kbbbbbbbbb1","ts":"2026-11-01T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","by":"ola","amount":12999,"currency":"PLN"}
	EOF2
	printf 'currency = PLN\nfrom = Shop <shop@example.org>\n' >crm.conf
}

# Fail unless the standard error of the last run has the line $1.
assert_stderr_line() {
	grep -qxF -- "$1" <<<"$stderr" || fail "$(printf 'no line "%s" in the standard error:\n%s' "$1" "$stderr")"
}

# Fail unless the last run ended by itself with 0, 1 or 2.
assert_no_crash() {
	((status <= 2)) || fail "exit status $status: $1"
}

# The program that reads the inputs of each fuzz target, with the input
# in place ($1), run by "run".
run_on() {
	local target=$1 f=$2
	case $target in
	csv)
		cp "$f" customers.csv
		run --separate-stderr crm-find -o csv
		;;
	jsonl | proj)
		cp "$f" interactions.jsonl
		run --separate-stderr crm-report summary
		assert_no_crash "crm-report on $f"
		run --separate-stderr crm-find -i -o jsonl
		;;
	expr)
		run --separate-stderr crm-find --where "$(tr -d '\0' <"$f")"
		;;
	template)
		cp "$f" templates/fuzz.eml
		run --separate-stderr crm-mail -t templates/fuzz.eml --where 'contacts>=0 or not contacts'
		;;
	conf)
		cp "$f" crm.conf
		run --separate-stderr crm-report summary
		;;
	segments)
		cp "$f" segments.conf
		run --separate-stderr crm-segment
		;;
	mail)
		run --separate-stderr crm-log --import-mail "$f" -n
		;;
	vcard)
		run --separate-stderr crm-add --import "$f" -n
		;;
	*)
		skip "no program for $target"
		;;
	esac
	assert_no_crash "$target on $f"
}

@test "FZR001: every kept input, through its program" {
	local n=0 d f
	for d in "$REGRESS"/*/; do
		for f in "$d"*; do
			[[ -f $f ]] || continue
			local t
			t=$(basename "$d")
			cp customers.csv "$WORK/c" && cp interactions.jsonl "$WORK/i" && cp crm.conf "$WORK/k"
			run_on "$t" "$f"
			cp "$WORK/c" customers.csv && cp "$WORK/i" interactions.jsonl && cp "$WORK/k" crm.conf
			rm -f segments.conf templates/fuzz.eml
			n=$((n + 1))
		done
	done
	((n > 0))
}

@test "FZR002: every kept input, through its fuzz target (make fuzz)" {
	local ran=0 d f t
	for d in "$REGRESS"/*/; do
		t=$(basename "$d")
		[[ -x $TOP/build/fuzz/$t ]] || continue
		for f in "$d"*; do
			[[ -f $f ]] || continue
			run "$TOP/build/fuzz/$t" "$f"
			[[ $status == 0 ]] || fail "build/fuzz/$t $f: exit $status: $output"
			ran=$((ran + 1))
		done
	done
	((ran > 0)) || skip "the fuzz targets are not built (make fuzz)"
}

@test "FZR003: proj: a line that ends after a key's colon is a bad line, read no further" {
	cp "$REGRESS/proj/crash-aacd583387c1a40b9dc068c57a7a298d26f59a33" x
	cat x >>interactions.jsonl
	run --separate-stderr crm-report revenue -o csv
	assert_success
	assert_output - <<-'EOF2'
	period,currency,orders,refunds,revenue,aov
	2026-11,PLN,1,0,129.99,129.99
	EOF2
	assert_stderr_line 'crm-report: interactions.jsonl:2: torn last line (no line end): unexpected token near end of file'
}

@test "FZR004: proj: a number past a double's range is a bad line, as for Jansson" {
	cat "$REGRESS/proj/crash-long-mantissa-exponent" >>interactions.jsonl
	echo >>interactions.jsonl
	run --separate-stderr crm-report revenue -o csv
	assert_success
	assert_output - <<-'EOF2'
	period,currency,orders,refunds,revenue,aov
	2026-11,PLN,1,0,129.99,129.99
	EOF2
	assert_stderr_line 'crm-report: interactions.jsonl:2: real number overflow'
	run --separate-stderr crm-log -l
	assert_stderr_line 'crm-log: interactions.jsonl:2: real number overflow'
}

@test "FZR005: vcard: a value declared UTF-8 that is not is refused by its line; the other card is added" {
	run --separate-stderr crm-add --import "$REGRESS/vcard/invalid-utf8-email"
	assert_failure 2
	assert_stderr_line "crm-add: $REGRESS/vcard/invalid-utf8-email:9: email \"pe\\uFFFD\\uFFFD\\uFFFD\\uFFFD\\uFFFD\\uFFFDtar@example.bg\": is not valid UTF-8"
	assert_stderr_line 'crm-add: 1 added, 0 updated, 0 unchanged, 2 skipped'
	run crm-find -o csv --fields name,email --where 'email=jan@example.cz'
	assert_success
	assert_output - <<-'EOF2'
	name,email
	Jan Łukáš,jan@example.cz
	EOF2
}

@test "FZR006: segments: a rule whose name is only a carriage return is a line without a name" {
	cp "$REGRESS/segments/name-only-cr" segments.conf
	run --separate-stderr crm-segment
	assert_failure 2
	assert_equal "$stderr" "crm-segment: segments.conf:2: expected 'NAME: EXPR'"
}
