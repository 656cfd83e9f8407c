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
for t in fuzz/corpus/*/; do
	printf '%s: %s seeds\n' "$(basename "$t")" "$(ls "$t" | wc -l)"
done
