#!/bin/sh
# seed.sh - fill fuzz/corpus/TARGET/ with seed inputs from the example
# directory, tests/fixtures and tests/bad-input. Each seed is named by a
# hash of its bytes, so running it again adds nothing twice.
set -eu
cd "$(dirname "$0")/.."
ex=examples/acme

# seed TARGET FILE: copy one file into the corpus of TARGET
seed() {
	[ -f "$2" ] || return 0
	mkdir -p "fuzz/corpus/$1"
	h=$(sha1sum <"$2" | cut -c1-16)
	cp "$2" "fuzz/corpus/$1/seed-$h"
}

# seed_lines TARGET FILE [MAX]: each line of FILE a seed of its own
seed_lines() {
	[ -f "$2" ] || return 0
	tmp=$(mktemp)
	head -n "${3:-1000000}" "$2" | while IFS= read -r l || [ -n "$l" ]; do
		printf '%s\n' "$l" >"$tmp"
		seed "$1" "$tmp"
	done
	rm -f "$tmp"
}

for f in $ex/customers.csv tests/fixtures/*.csv tests/bad-input/*.csv; do
	seed csv "$f"
	seed cscan "$f"
done
tmp=$(mktemp)
head -n 20 $ex/interactions.jsonl >"$tmp"
seed jsonl "$tmp"
rm -f "$tmp"
for f in tests/fixtures/*.jsonl tests/bad-input/*.jsonl; do
	seed jsonl "$f"
	seed_lines proj "$f" 20
done
seed_lines proj $ex/interactions.jsonl 40
for f in $ex/templates/*.eml tests/fixtures/*.eml tests/bad-input/*.eml; do
	seed template "$f"
done
for f in $ex/crm.conf tests/fixtures/*.conf tests/bad-input/crm-*.conf; do
	seed conf "$f"
done
for f in $ex/segments.conf tests/bad-input/segments-*.conf; do
	seed segments "$f"
done
# the expressions of the rules, and a few more forms
tmp=$(mktemp)
grep -v '^#' $ex/segments.conf | sed -n 's/^[^:]*: *//p' >"$tmp.rules"
cat >>"$tmp.rules" <<'EXPRS'
country=PL and (tags=vip or name~/ż[oó]łw/i) and not stage=lead
created>=2025-01-01 and created<today and last_contact<-90d
revenue>1000.50 or contacts!=0 or avg_rating<=4.5
email!~/@example\.(com|pl)$/ and city="Kraków"
not (last_contact or revenue) and -6m<created
EXPRS
seed_lines expr "$tmp.rules"
rm -f "$tmp" "$tmp.rules"

# The shapes that once overflowed a stack or hid a failure: nesting past
# the limit and just within it, long chains, a pattern that backtracks
# without end, control characters and encoded-words in values.
# many N S: S repeated N times
many() { awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }
shape() {
	printf '%s' "$2" >"$tmp"
	seed "$1" "$tmp"
}
shape expr "$(many 300 '(')country=PL$(many 300 ')')"
shape expr "$(many 256 '(')country=PL$(many 256 ')')"
shape expr "$(many 300 'not ')name"
shape expr "id$(many 300 ' and id') or $(many 100 'not (')name$(many 100 ')')"
shape expr 'name~/!|(a+)+$/ or not name~/(x+x+)+y/'
shape expr "$(printf 'name="Eve\033[31m" or company~/\x0b|\x85/ or city="\302\205"')"
shape expr 'created<+9000y or last_contact>9999-12-31T23:30:00-01:00'
shape segments "$(printf 'Deep: %sid%s\nNots: %sid\n' "$(many 300 '(')" "$(many 300 ')')" "$(many 300 'not ')")"
shape segments "$(printf 'Flat: id%s\nOdd: not name~/!|(a+)+$/\n' "$(many 500 ' and id')")"
shape segments "$(printf 'Ctl\033: name="a\013b"\nC1: city="\302\205"\n')"
shape template "$(printf 'Subject: {{word}} {{huge}}\nCc: {{ctl}} <cc@example.org>\nBcc: spy@example.org\nX-Ctl: \033[2J{{ctl}}\nX-Long: {{huge}}{{huge}}\n\nHello {{ctl}}\n')"
shape template "$(printf 'Subject: =?UTF-8?B?RXZlDQpCY2M6IGV2aWxAZXhhbXBsZS5jb20=?= {{name}}\nReply-To: {{word}} <r@example.org>\n\n{{word}}\n')"
shape mail "$(printf 'From a@example.org Sun Nov 22 10:00:00 2026\nFrom: =?UTF-8?B?RXZlDQpCY2M6IGV2aWxAZXhhbXBsZS5jb20=?= <e@example.org>\nTo: "x\033[2J" <t@example.org>\nSubject: =?UTF-8?Q?a=0Bb=C2=85c?=\n\nbody\033\n')"
for t in fuzz/corpus/*/; do
	printf '%s: %s seeds\n' "$(basename "$t")" "$(ls "$t" | wc -l)"
done
