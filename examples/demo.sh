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

step "crm-log --import-mail ../inbox.mbox    # the mail exchanged with customers (from cron, hourly)"
crm-log --import-mail "$top/examples/inbox.mbox"
crm-log --import-mail "$top/examples/inbox.mbox"
crm-log -l --type email --since 2026-11-01 -o table

step "crm-log --import ../shop-orders.csv --rules shop --verbose    # the shop's orders, options in imports/shop.rules"
cp "$top/examples/shop-orders.csv" ..
crm-log --import ../shop-orders.csv --rules shop --verbose
crm-log --import ../shop-orders.csv --rules shop
crm-log -l --type purchase --since 2026-11-18 -o table

step "crm-find -a zolc -o table    # diacritics ignored"
crm-find -a zolc -f id,name,city -o table

step "crm-find --where 'country=PL and last_purchase>=-90d' -f name,purchases,revenue,last_purchase --sort revenue:desc -o table"
crm-find --where 'country=PL and last_purchase>=-90d' -f name,purchases,revenue,last_purchase --sort revenue:desc -o table

step "crm-segment --rfm | crm-find -f name,r,f,m,segment -o table"
crm-segment --rfm | crm-find -f name,r,f,m,segment -o table

step "crm-segment -S --default Regular -o table    # the rules of segments.conf"
crm-segment -S --default Regular -o table

step "crm-report revenue --by quarter --since 2026-01-01 -o table"
crm-report revenue --by quarter --since 2026-01-01 -o table

step "crm-report followups -o table"
crm-report followups -o table

step "crm-report activity --by month --since -6m -o html > activity.html"
crm-report activity --by month --since -6m -o html > activity.html
ls -l activity.html | awk '{print $5, $9}'

step "crm-find --where 'country=PL' | crm-segment --rfm | crm-mail -t winback.eml | head -24    # the preview"
crm-find --where 'country=PL' | crm-segment --rfm | crm-mail -t winback.eml 2>/dev/null | head -24

step "crm-find --where tags=vip -o vcard | head -9    # contacts for a phone or an address book"
crm-find --where tags=vip -o vcard | head -9

step "crm-check    # every file sound: what a pre-commit hook runs"
crm-check && echo "crm-check: no problems"

step "git diff --no-index: only the changed row differs"
cp customers.csv before.csv
crm-add --update lukasz.zolc@example.pl -t loyal >/dev/null
git diff --no-index --stat before.csv customers.csv || true
rm before.csv
