#!/bin/sh
# A short session on the example customer base (examples/acme), run on a
# copy so the example stays as it is. Run it with 'make demo'.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/bin:$PATH"
export CRM_NOW=2026-11-22T10:00:00Z CRM_USER=ola
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$top/examples/acme" "$work/acme"
cd "$work/acme"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then b=$(printf '\033[1m') n=$(printf '\033[0m'); else b= n=; fi
step() { printf '\n%s$ %s%s\n' "$b" "$*" "$n"; }

step "crm-add 'Kateřina Horáková' -e KATERINA@example.cz --country cz -t newsletter --consent opt-in"
id=$(crm-add 'Kateřina Horáková' -e KATERINA@example.cz --country cz -t newsletter --consent opt-in)
echo "$id"

step "crm-log katerina call 'Asked for the catalogue' --in"
crm-log katerina call 'Asked for the catalogue' --in

step "crm-log katerina purchase --amount 1299,90 --currency CZK"
crm-log katerina purchase --amount 1299,90 --currency CZK

step "crm-add --update katerina@example.cz --stage customer --city Praha"
crm-add --update katerina@example.cz --stage customer --city Praha

step "crm-log -l Łukasz -o table    # the history of one customer"
crm-log -l Łukasz -o table

step "crm-log -l --since 2026-11-01 --type purchase --type refund -o table"
crm-log -l --since 2026-11-01 --type purchase --type refund -o table

step "git diff --no-index: only the changed row differs"
cp customers.csv before.csv
crm-add --update lukasz.zolc@example.pl -t loyal >/dev/null
git diff --no-index --stat before.csv customers.csv || true
rm before.csv
