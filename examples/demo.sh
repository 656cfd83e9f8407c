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

step "crm-add 'Kateřina Horáková' -e KATERINA@example.cz --country cz --tag newsletter --consent opt-in"
id=$(crm-add 'Kateřina Horáková' -e KATERINA@example.cz --country cz --tag newsletter --consent opt-in)
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

step "t=\$(crm-log katerina ticket 'Parcel arrived broken' --priority high --ts 2026-11-22T05:00:00Z)    # service: a ticket"
t=$(crm-log katerina ticket 'Parcel arrived broken' --priority high --ts 2026-11-22T05:00:00Z)
echo "$t"
step "crm-log katerina ticket 'A new one is on its way' --ref \"\$t\" --status pending --owner piotr"
crm-log katerina ticket 'A new one is on its way' --ref "$t" --status pending --owner piotr --ts 2026-11-22T08:30:00Z
step "crm-report tickets -o table    # open tickets, past their service level (crm.conf sla.high = 4h) first"
crm-report tickets -o table

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
crm-add --update lukasz.zolc@example.pl --tag loyal >/dev/null
git diff --no-index --stat before.csv customers.csv || true
rm before.csv

# A team of two: the directory becomes a git repository, a second person
# clones it, both change the same customer, and the pull merges by field.
export GIT_CONFIG_NOSYSTEM=1 HOME="$work"
git config --global init.defaultBranch main
step "crm-init --git && git commit && git push    # ola shares the CRM"
crm-init --git
git config user.name Ola && git config user.email ola@example.com
git add -A && git commit -qm 'The customer base'
git init -q --bare "$work/hub.git"
git remote add origin "$work/hub.git" && git push -q -u origin main

step "git clone .../hub.git piotr && cd piotr && crm-init --git    # piotr's clone"
git clone -q "$work/hub.git" "$work/piotr"
(cd "$work/piotr" && crm-init --git && git config user.name Piotr && git config user.email piotr@example.com)

step "piotr: crm-add --update lukasz.zolc@example.pl --consent opt-out --phone '+48 601 000 111'; commit; push"
(
	cd "$work/piotr"
	CRM_USER=piotr crm-add --update lukasz.zolc@example.pl --consent opt-out --phone '+48 601 000 111' >/dev/null
	CRM_USER=piotr crm-log lukasz.zolc@example.pl call 'Asked to get no more newsletters' --in >/dev/null
	git commit -qam 'piotr: Łukasz opted out' && git push -q
)

step "ola: crm-add --update lukasz.zolc@example.pl --city Gdynia; commit; git pull    # merged field by field"
crm-add --update lukasz.zolc@example.pl --city Gdynia >/dev/null
git commit -qam 'ola: Łukasz moved'
git pull -q --no-rebase --no-edit
crm-find -a lukasz.zolc -f name,city,phone,consent -o table

step "git log -p --ext-diff -- customers.csv    # who changed what, one line per customer"
git --no-pager log -p --ext-diff --no-merges --format='%h %an: %s' -- customers.csv | head -12

step "git log -p -1 --no-merges -- customers.csv    # the same as lines of fields"
git --no-pager log -p -1 --no-merges --format='%h %an: %s' -- customers.csv | grep '^[-+][^-+]'

step "crm-report digest -o html > digest.html    # the Monday report (from cron, mailed to the team)"
mkdir -p "$top/build"
crm-report digest -o html >"$top/build/digest.html"
crm-report digest -o table | sed -n '1,16p'
echo "The digest of the week is in $top/build/digest.html"
