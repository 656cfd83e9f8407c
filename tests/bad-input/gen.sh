#!/bin/sh
# gen.sh DIR - write the bad inputs too big to keep in git into DIR: a
# record of 10 MB, a header of 100,000 columns, 10,000 nested brackets,
# rules nested 40,000 deep or 200,000 tests long.
set -eu
d=$1
mkdir -p "$d"
h='id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated'
t='PL,,,ola,customer,opt-in,2026-03-01T09:00:00Z,2026-03-01T09:00:00Z'
big() { head -c "$1" /dev/zero | tr '\0' "$2"; }

{ printf '%s\n01kaaaaaaaaa3,' "$h"; big 10485760 a; printf ',eva@example.cz,,,%s\n' "$t"; } \
	>"$d/csv-line-10mb.csv"
{ printf '%s\n01kaaaaaaaaa3,"' "$h"; big 10485760 '\n'; printf '",eva@example.cz,,,%s\n' "$t"; } \
	>"$d/csv-10mb-of-newlines-in-quotes.csv"
awk 'BEGIN {
	printf "id,name,email"; for (i = 4; i <= 100000; i++) printf ",c%d", i; printf "\n"
	printf "01kaaaaaaaaa3,Eva,eva@example.cz"; for (i = 4; i <= 100000; i++) printf ",%d", i; printf "\n"
}' >"$d/csv-100000-columns.csv"
awk 'BEGIN {
	printf "%s\n01kaaaaaaaaa3", ARGV[1]; for (i = 2; i <= 100000; i++) printf ","; printf "\n"
}' "$h" >"$d/csv-100000-fields-in-a-row.csv"

g='{"id":"01kbbbbbbbbb1","ts":"2026-11-01T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","by":"ola","amount":12999,"currency":"PLN"}'
{ printf '%s\n{"id":"01kbbbbbbbbb2","customer":"01kaaaaaaaaa2","type":"note","x":' "$g"
  big 10000 '['; big 10000 ']'; printf '}\n'; big 10000 '['; printf '\n'; } >"$d/jsonl-deep-nesting.jsonl"
{ printf '%s\n{"id":"01kbbbbbbbbb2","ts":"2026-11-02T09:00:00Z","customer":"01kaaaaaaaaa2","type":"note","text":"' "$g"
  big 10485760 b; printf '"}\n'; } >"$d/jsonl-line-10mb.jsonl"

# expressions too deep or too long for a stack: 40,000 brackets, 60,000
# nots, a chain of 200,000 tests
awk 'BEGIN { printf "VIP: revenue>10000\nDeep: "; for (i = 0; i < 40000; i++) printf "(";
	printf "id"; for (i = 0; i < 40000; i++) printf ")"; printf "\n" }' >"$d/segments-40000-brackets.conf"
awk 'BEGIN { printf "VIP: revenue>10000\nNots: "; for (i = 0; i < 60000; i++) printf "not ";
	printf "id\n" }' >"$d/segments-60000-nots.conf"
awk 'BEGIN { printf "VIP: revenue>10000\nFlat: id"; for (i = 1; i < 200000; i++) printf " and id";
	printf "\n" }' >"$d/segments-200000-tests.conf"
