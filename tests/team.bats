#!/usr/bin/env bats
# Working as a team: two clones of one repository and a bare remote, set up
# as the manuals say (crm-init --git in each clone), real git every time.
# Each test closes one hole a team of two falls into.

load helper

# git with no configuration from outside but this file's, fixed dates.
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE='2026-11-22T10:00:00Z' GIT_COMMITTER_DATE='2026-11-22T10:00:00Z'

local_setup() {
	export HOME=$WORK
	git config --global init.defaultBranch main
	git config --global advice.detachedHead false
}

# A bare repository hub.git; anna's clone, whose top is the CRM directory,
# made with crm-init --git, with two customers (opt-in) and a call, pushed;
# piotr's clone, set up as the README says: git clone, then crm-init --git.
# ANNA_ID and BOB_ID are the customers. Both clones send mail through
# $WORK/sendmail, which writes each recipient to $WORK/sent.log.
team() {
	git init -q --bare hub.git
	printf '#!/bin/sh\ncat >/dev/null\necho "$2" >>"%s/sent.log"\n' "$WORK" >sendmail
	chmod +x sendmail
	crm-init --git anna >/dev/null
	(
		cd anna || exit 1
		git config user.name anna
		git config user.email anna@example.com
		printf 'from = Acme <shop@example.com>\nsendmail = %s/sendmail\n' "$WORK" >>crm.conf
		printf 'Subject: News for {{first_name}}\n\nHello!\n' >templates/news.eml
		crm-add 'Anna Nowak' -e anna@example.pl --city Gdańsk --consent opt-in >../anna.id
		crm-add 'Bob Brown' -e bob@example.com --consent opt-in >../bob.id
		crm-log anna@example.pl call 'first call' >/dev/null
		git add -A
		git commit -qm 'A CRM'
		git remote add origin ../hub.git
		git push -q -u origin main
	) || return 1
	ANNA_ID=$(cat anna.id)
	BOB_ID=$(cat bob.id)
	git clone -q hub.git piotr
	(
		cd piotr || exit 1
		git config user.name piotr
		git config user.email piotr@example.com
		crm-init --git >/dev/null
	)
}

# Run a command in a clone as its person: in $1, CRM_USER=$1.
as() {
	local who=$1
	shift
	(cd "$WORK/$who" && CRM_USER=$who "$@")
}

@test "TEAM001: a clone set up with crm-init --git: drivers and hooks, nothing else changed" {
	team
	cd piotr
	run git status --porcelain
	assert_output ''
	assert_equal "$(git config merge.crm.driver)" 'crm-merge %O %A %B %P'
	assert_equal "$(git config diff.crm.command)" 'crm-diff'
	[ -x .git/hooks/pre-commit ] && [ -x .git/hooks/pre-merge-commit ]
	run --separate-stderr crm-init --git
	assert_failure 1
	assert_equal "$stderr" 'crm-init: .: git is set up already; nothing to add'
}

@test "TEAM002: one customer added in both clones: the pull stops on a conflict, crm-check and the hook see it, crm-add --merge settles it" {
	team
	as anna crm-add 'Vladimír Dvořák' -e vladimir@example.cz --city Brno >anna.v
	as anna git commit -qam 'anna: Vladimír'
	as anna git push -q
	as piotr crm-add 'Vladimir Dvorak' -e Vladimir@example.cz --phone '+420 600 100 200' >piotr.v
	as piotr git commit -qam 'piotr: Vladimir'
	local A P
	A=$(cat anna.v)
	P=$(cat piotr.v)
	cd piotr
	run --separate-stderr git pull -q --no-rebase --no-edit
	assert_failure
	assert_output --partial 'CONFLICT (content): Merge conflict in customers.csv'
	assert_regex "$stderr" "crm-merge: customers.csv: $P and $A have the same email vladimir@example.cz; both kept \\(merge them: crm-add --merge $P $A\\)"
	run git status --porcelain
	assert_output 'UU customers.csv'
	run crm-find -o csv -f id,name --where 'email=vladimir@example.cz'
	assert_output "id,name
$P,Vladimir Dvorak
$A,Vladimír Dvořák"
	run --separate-stderr crm-check
	assert_failure 2
	assert_output "customers.csv:5: duplicate email vladimir@example.cz; first on line 4
conflicts.jsonl:1: unresolved merge conflict in customers.csv: customers $P and $A have the same email \"vladimir@example.cz\" (added on both sides); merge them: crm-add --merge $P $A"
	# marking the file merged does not let the commit through
	git add customers.csv
	run git commit -q --no-edit
	assert_failure
	assert_output --partial 'unresolved merge conflict in customers.csv'
	# settled: one customer with the fields of both, the conflict gone
	run crm-add --merge "$P" "$A"
	assert_success
	assert_line "settled 1 conflict of conflicts.jsonl"
	[ ! -e conflicts.jsonl ]
	run crm-find -o csv -f name,email,phone,city --where 'email=vladimir@example.cz'
	assert_output 'name,email,phone,city
Vladimir Dvorak,vladimir@example.cz,+420 600 100 200,Brno'
	git add customers.csv interactions.jsonl
	run git commit -q --no-edit
	assert_success
	run crm-check
	assert_success
	assert_output ''
	git push -q
	cd ../anna
	git pull -q --no-rebase --no-edit
	assert_equal "$(grep -c vladimir customers.csv)" 1
	run crm-check
	assert_success
}

# Anna merges Bob's second entry (DROP) into Bob (KEEP); meanwhile piotr
# logs a call on DROP; piotr pulls.
merged_in_one_logged_in_other() {
	team
	as anna crm-add 'B. Brown' -e b.brown@example.com >drop.id
	DROP=$(cat drop.id)
	as anna crm-log "$DROP" note 'met at a fair' >/dev/null
	as anna git commit -qam 'anna: a second Bob'
	as anna git push -q
	as piotr git pull -q
	as anna crm-add --merge "$BOB_ID" "$DROP" >/dev/null
	as anna git commit -qam 'anna: the two Bobs are one'
	as anna git push -q
	CRM_NOW=2026-11-23T09:00:00Z as piotr crm-log "$DROP" call 'asked for a quote' >/dev/null
	if [[ ${1-} == purchase ]]; then
		CRM_NOW=2026-11-23T09:30:00Z as piotr crm-log "$DROP" purchase --amount 120 --currency EUR >/dev/null
	fi
	as piotr git commit -qam 'piotr: a call'
	as piotr git pull -q --no-rebase --no-edit
}

@test "TEAM003: merged in one clone, logged in the other: the merge record says whose the call is; crm-check is clean; crm-add --merge again moves it" {
	merged_in_one_logged_in_other
	cd piotr
	run git status --porcelain
	assert_output ''
	run jq -r 'select(.type == "merge") | [.customer, .ref, .by] | join(" ")' interactions.jsonl
	assert_output "$BOB_ID $DROP anna"
	assert_equal "$(jq -r 'select(.text == "asked for a quote") | .customer' interactions.jsonl)" "$DROP"
	run --separate-stderr crm-check
	assert_success
	assert_output ''
	run --separate-stderr crm-add --merge "$BOB_ID" "$DROP"
	assert_success
	assert_output "merge into $BOB_ID  Bob Brown
moved 1 interaction from $DROP (not a customer any more)"
	run jq -r "select(.customer == \"$BOB_ID\") | .type" interactions.jsonl
	assert_output 'note
merge
call'
	run crm-check
	assert_success
	assert_output ''
	git commit -qam 'piotr: the call is Bob'"'"'s'
	git push -q
	cd ../anna
	git pull -q --no-rebase --no-edit
	assert_equal "$(jq -r 'select(.text == "asked for a quote") | .customer' interactions.jsonl)" "$BOB_ID"
}

@test "TEAM004: merged in one clone, logged in the other: the call counts for KEEP in the derived fields" {
	merged_in_one_logged_in_other
	cd piotr
	export CRM_NOW=2026-11-24T00:00:00Z
	run crm-find -o csv -f name,contacts,last_contact --where "id=$BOB_ID"
	assert_output 'name,contacts,last_contact
Bob Brown,2,2026-11-23T09:00:00Z'
	run crm-find -o csv -f name --where 'contacts=2'
	assert_output 'name
Bob Brown'
}

@test "TEAM017: merged in one clone, logged in the other: the call counts for KEEP in every program" {
	merged_in_one_logged_in_other purchase
	cd piotr
	export CRM_NOW=2026-11-24T00:00:00Z
	run bash -c "crm-log -l '$BOB_ID' -o jsonl | jq -r '.type + \" \" + (.text // \"\")'"
	assert_output 'note met at a fair
merge 
call asked for a quote
purchase '
	run crm-find -i -o csv -f type,text --where "customer=$BOB_ID and type=call"
	assert_output 'type,text
call,asked for a quote'
	run crm-report top -o csv
	assert_success
	assert_line --partial 'Bob Brown'
	refute_output --partial "$DROP"
}

@test "TEAM005: hooks see merges: a merge commit with bad data is refused (pre-merge-commit), so is a commit while a conflict of crm-merge is unresolved" {
	team
	# anna commits a bad country, past her own hook
	as anna sed -i 's/^\([^,]*\),Bob Brown,bob@example.com,,,/\1,Bob Brown,bob@example.com,,,UK/' customers.csv
	as anna git commit -qam 'anna: a bad country' --no-verify
	as anna git push -q
	as piotr crm-add 'Cyril Ivanov' -e cyril@example.bg >/dev/null
	as piotr git commit -qam 'piotr: Cyril'
	cd piotr
	run git pull -q --no-rebase --no-edit
	assert_failure
	assert_output --partial 'country "UK"'
	[ -e .git/MERGE_HEAD ]
	git merge --abort
	# a field changed on both sides: crm-merge keeps ours and records it
	cd ..
	as anna git revert --no-edit HEAD >/dev/null
	as anna crm-add --update "$ANNA_ID" --city Kraków >/dev/null
	as anna git commit -qam 'anna: Kraków'
	as anna git push -q
	as piotr crm-add --update "$ANNA_ID" --city Łódź >/dev/null
	as piotr git commit -qam 'piotr: Łódź'
	cd piotr
	run git pull -q --no-rebase --no-edit
	assert_failure
	git add customers.csv
	run git commit -q --no-edit
	assert_failure
	assert_output "conflicts.jsonl:1: unresolved merge conflict in customers.csv: customer $ANNA_ID field city: ours \"Łódź\", theirs \"Kraków\" (base \"Gdańsk\")
crm-check: 1 problem in conflicts.jsonl"
	# settled by hand: the value chosen, the line deleted
	crm-add --update "$ANNA_ID" --city Kraków >/dev/null
	rm conflicts.jsonl
	git add customers.csv
	run git commit -q --no-edit
	assert_success
	assert_equal "$(git log -1 --format=%P | wc -w)" 2
}

@test "TEAM006: git diff and git log -p of customers.csv: a line per changed field; the history as it is" {
	team
	cd anna
	crm-add --update "$ANNA_ID" --city Kraków --consent opt-out >/dev/null
	crm-add 'Petr Svoboda' -e petr@example.cz >petr.id
	crm-rm "$BOB_ID" >/dev/null
	crm-log anna@example.pl email 'consent withdrawn' >/dev/null
	local P
	P=$(cat petr.id)
	rm petr.id
	run git diff -- customers.csv
	assert_success
	assert_output "diff --crm a/customers.csv b/customers.csv
$ANNA_ID Anna Nowak: city Gdańsk → Kraków, consent opt-in → opt-out
$P Petr Svoboda: added
$BOB_ID Bob Brown: removed"
	run git diff -- interactions.jsonl
	assert_line --index 0 'diff --git a/interactions.jsonl b/interactions.jsonl'
	assert_line --regexp '^\+\{"id":"[0-9a-z]{13}","ts":"2026-11-22T10:00:00Z","customer":"'"$ANNA_ID"'","type":"email".*"text":"consent withdrawn"\}$'
	git commit -qam 'anna: a week of changes'
	# git log -p (textconv): each changed field a line taken out and one put in
	run git log -p -1 --format= -- customers.csv
	assert_line "-$ANNA_ID Anna Nowak: city Gdańsk"
	assert_line "+$ANNA_ID Anna Nowak: city Kraków"
	assert_line "-$ANNA_ID Anna Nowak: consent opt-in"
	assert_line "+$ANNA_ID Anna Nowak: consent opt-out"
	assert_line "+$P Petr Svoboda"
	assert_line "+$P Petr Svoboda: email petr@example.cz"
	assert_line "-$BOB_ID Bob Brown"
	# with the external driver, as git diff shows it
	run git log -p --ext-diff -1 --format= -- customers.csv
	assert_output "diff --crm a/customers.csv b/customers.csv
$ANNA_ID Anna Nowak: city Gdańsk → Kraków, consent opt-in → opt-out
$P Petr Svoboda: added
$BOB_ID Bob Brown: removed"
}

# crm-report changes as the rows of a CSV without its header, tab-separated.
changes_tsv() {
	crm-report changes -o csv "$@" | tail -n +2 | tr , '\t'
}

@test "TEAM007: the changes of consent and stage along the git history, with who and when (crm-report changes)" {
	team
	as anna crm-add --update "$ANNA_ID" --consent opt-out --stage customer >/dev/null
	GIT_AUTHOR_DATE=2026-11-23T08:00:00Z GIT_COMMITTER_DATE=2026-11-23T08:00:00Z as anna git commit -qam 'anna: opt-out'
	as anna git push -q
	as piotr crm-add --update "$BOB_ID" --stage prospect >/dev/null
	GIT_AUTHOR_DATE=2026-11-23T09:00:00Z GIT_COMMITTER_DATE=2026-11-23T09:00:00Z as piotr git commit -qam 'piotr: Bob a prospect'
	as piotr crm-add --update "$ANNA_ID" --consent '' >/dev/null
	GIT_AUTHOR_DATE=2026-11-23T09:30:00Z GIT_COMMITTER_DATE=2026-11-23T09:30:00Z as piotr git commit -qam 'piotr: consent unknown'
	# the consent changed on both sides: piotr settles it by hand in the merge
	run as piotr git pull -q --no-rebase --no-edit
	assert_failure
	cd piotr
	crm-add --update "$ANNA_ID" --consent opt-in >/dev/null
	rm conflicts.jsonl
	git add customers.csv
	GIT_AUTHOR_DATE=2026-11-24T10:00:00Z GIT_COMMITTER_DATE=2026-11-24T10:00:00Z git commit -q --no-edit
	local first out prospect unknown merge
	first=$(git log --format=%h --reverse | head -n 1)
	out=$(git log --format=%h --grep='anna: opt-out')
	prospect=$(git log --format=%h --grep='Bob a prospect')
	unknown=$(git log --format=%h --grep='consent unknown')
	merge=$(git log --format=%h --merges)
	run --separate-stderr crm-report changes -o csv
	assert_success
	assert_line --index 0 'when,who,commit,id,name,field,from,to'
	run changes_tsv
	assert_output "2026-11-22T10:00:00Z	anna	$first	$ANNA_ID	Anna Nowak	stage		lead
2026-11-22T10:00:00Z	anna	$first	$ANNA_ID	Anna Nowak	consent		opt-in
2026-11-22T10:00:00Z	anna	$first	$BOB_ID	Bob Brown	stage		lead
2026-11-22T10:00:00Z	anna	$first	$BOB_ID	Bob Brown	consent		opt-in
2026-11-23T08:00:00Z	anna	$out	$ANNA_ID	Anna Nowak	stage	lead	customer
2026-11-23T08:00:00Z	anna	$out	$ANNA_ID	Anna Nowak	consent	opt-in	opt-out
2026-11-23T09:00:00Z	piotr	$prospect	$BOB_ID	Bob Brown	stage	lead	prospect
2026-11-23T09:30:00Z	piotr	$unknown	$ANNA_ID	Anna Nowak	consent	opt-in	
2026-11-24T10:00:00Z	piotr	$merge	$ANNA_ID	Anna Nowak	consent		opt-in"
	# since a day: the changes made since then
	run changes_tsv --since 2026-11-23T09:00:00Z
	assert_success
	assert_output "2026-11-23T09:00:00Z	piotr	$prospect	$BOB_ID	Bob Brown	stage	lead	prospect
2026-11-23T09:30:00Z	piotr	$unknown	$ANNA_ID	Anna Nowak	consent	opt-in	
2026-11-24T10:00:00Z	piotr	$merge	$ANNA_ID	Anna Nowak	consent		opt-in"
}

@test "TEAM008: crm.local.conf overrides crm.conf for one person and stays out of git; so do lock and temporary files" {
	team
	cd piotr
	printf '#!/bin/sh\ncat >/dev/null\necho "piotr: $2" >>"%s/sent.log"\n' "$WORK" >"$WORK/sendmail-piotr"
	chmod +x "$WORK/sendmail-piotr"
	printf 'sendmail = %s/sendmail-piotr\ncap_days = x\n' "$WORK" >crm.local.conf
	run --separate-stderr crm-mail -t news.eml --where "id=$ANNA_ID" --send
	assert_failure 2
	assert_equal "$stderr" "crm-mail: crm.local.conf:2: cap_days: 'x' is not a whole number"
	sed -i '$d' crm.local.conf
	run --separate-stderr crm-mail -t news.eml --where "id=$ANNA_ID" --send
	assert_success
	assert_equal "$(cat "$WORK/sent.log")" 'piotr: anna@example.pl'
	touch .crm-mail.lock .interactions.jsonl.tmp.a1B2c3 conflicts.jsonl
	run git status --porcelain --ignored
	assert_output ' M interactions.jsonl
!! .crm-mail.lock
!! .interactions.jsonl.tmp.a1B2c3
!! conflicts.jsonl
!! crm.local.conf'
}

@test "TEAM009: a campaign sent from two clones with --sync mails each customer once" {
	team
	run --separate-stderr as anna crm-mail -t news.eml --where consent=opt-in --send --sync
	assert_success
	assert_equal "${stderr_lines[-1]}" 'crm-mail: 2 sent, 0 skipped, 0 failed'
	# pushed before the first message and after the last
	run git -C hub.git log --format=%s
	assert_output 'crm-mail: news: 2 sent, 0 failed
crm-mail: news: 2 to send
A CRM'
	# piotr has not pulled; crm.conf (shared) says sync = yes
	as piotr sh -c 'echo "sync = yes" >>crm.conf && git commit -qam "sync on" --no-verify'
	run --separate-stderr as piotr crm-mail -t news.eml --where consent=opt-in --send
	assert_failure 2
	assert_output ''
	assert_equal "${stderr_lines[-1]}" 'crm-mail: nothing was sent: the clone could not be brought up to date first'
	as piotr git reset -q --hard origin/main
	as piotr sh -c 'echo "sync = yes" >>crm.local.conf'
	run --separate-stderr as piotr crm-mail -t news.eml --where consent=opt-in --send
	assert_failure 1
	assert_equal "$stderr" "crm-mail: $ANNA_ID: skipped: already sent in this campaign
crm-mail: $BOB_ID: skipped: already sent in this campaign
crm-mail: 0 sent, 2 skipped, 0 failed"
	assert_equal "$(sort "$WORK/sent.log")" 'anna@example.pl
bob@example.com'
}

@test "TEAM010: --sync: a refused push sends nothing and takes the pending lines and the commit back" {
	team
	printf '#!/bin/sh\necho "the remote refuses" >&2\nexit 1\n' >hub.git/hooks/pre-receive
	chmod +x hub.git/hooks/pre-receive
	cd piotr
	crm-log "$BOB_ID" note 'not committed yet' >/dev/null
	cp interactions.jsonl "$WORK/before.jsonl"
	local head
	head=$(git rev-parse HEAD)
	run --separate-stderr crm-mail -t news.eml --where consent=opt-in --send --sync
	assert_failure 2
	assert_regex "$stderr" 'the remote refuses'
	assert_equal "${stderr_lines[-2]}" 'crm-mail: nothing was sent: the campaign could not be pushed first (pull, then run it again)'
	assert_equal "${stderr_lines[-1]}" 'crm-mail: 0 sent, 0 skipped, 0 failed'
	[ ! -e "$WORK/sent.log" ]
	assert_same_file "$WORK/before.jsonl" interactions.jsonl
	assert_equal "$(git rev-parse HEAD)" "$head"
	run git status --porcelain
	assert_output ' M interactions.jsonl'
	# --sync goes with --send
	run --separate-stderr crm-mail -t news.eml --where consent=opt-in --sync
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-mail: --sync goes with --send'
}

@test "TEAM011: examples/cron/sync: silent when nothing changed; imports, commits, rebases on the others' work and pushes" {
	team
	local sync=$TOP/examples/cron/sync
	run --separate-stderr as piotr "$sync"
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
	assert_equal "$(git -C hub.git rev-list --count main)" 1
	# anna adds a customer; piotr logs a call and imports a mail; both sync
	as anna crm-add 'Cyril Ivanov' -e cyril@example.bg >/dev/null
	run --separate-stderr as anna "$sync"
	assert_success
	assert_equal "$stderr" ''
	as piotr crm-log "$BOB_ID" call 'from piotr' >/dev/null
	cat >piotr.mbox <<'EOF'
From bob@example.com Mon Nov 23 09:00:00 2026
From: Bob Brown <bob@example.com>
To: shop@example.com
Subject: Prices
Date: Mon, 23 Nov 2026 09:00:00 +0000
Message-ID: <prices@example.com>

What do they cost?
EOF
	run --separate-stderr as piotr "$sync" "$WORK/piotr.mbox"
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
	run git -C piotr status --porcelain
	assert_output ''
	assert_equal "$(git -C hub.git log --format=%s main | head -n 2 | cut -d: -f1)" 'sync
sync'
	# one line: no merge commit
	assert_equal "$(git -C hub.git rev-list --merges --count main)" 0
	as anna "$sync"
	run jq -r '.subject // .text' anna/interactions.jsonl
	assert_output 'first call
from piotr
Prices'
	assert_equal "$(cut -d, -f2 anna/customers.csv | tail -n 1)" 'Cyril Ivanov'
	# nothing new: nothing said, nothing committed
	run --separate-stderr as piotr "$sync" "$WORK/piotr.mbox"
	assert_success
	assert_equal "$output$stderr" ''
	assert_equal "$(git -C hub.git rev-list --count main)" 3
}

@test "TEAM012: examples/cron/sync: a rebase that stops on a conflict is aborted and said; not a CRM directory, no upstream: said" {
	team
	local sync=$TOP/examples/cron/sync
	as anna crm-add --update "$ANNA_ID" --city Kraków >/dev/null
	as anna "$sync"
	as piotr crm-add --update "$ANNA_ID" --city Łódź >/dev/null
	run --separate-stderr as piotr "$sync"
	assert_failure 2
	assert_equal "${stderr_lines[-1]}" 'sync: the rebase on the remote stopped on a conflict; run git pull --rebase and settle it'
	run git -C piotr status --porcelain
	assert_output ''
	assert_equal "$(git -C piotr log -1 --format=%an)" piotr
	assert_equal "$(git -C piotr rev-list --count HEAD)" 2
	run --separate-stderr env CRM_DIR="$WORK" "$sync"
	assert_failure 2
	assert_equal "$stderr" "sync: $WORK: not a CRM directory (no customers.csv)"
	git -C piotr branch -q --unset-upstream
	run --separate-stderr as piotr "$sync"
	assert_failure 2
	assert_equal "$stderr" "sync: $WORK/piotr: the branch has no upstream to pull from and push to"
}

@test "TEAM013: examples/cron/sync is shellcheck-clean" {
	command -v shellcheck >/dev/null || skip 'shellcheck is not installed'
	run shellcheck "$TOP/examples/cron/sync"
	assert_success
	assert_output ''
}

@test "TEAM014: a tag taken away and a field emptied in one clone arrive in the other" {
	team
	as anna crm-add --update "$ANNA_ID" --tag 'vip, b2b' >/dev/null
	as anna git commit -qam 'anna: tags'
	as anna git push -q
	as piotr git pull -q
	as piotr crm-add --update "$ANNA_ID" --untag VIP --set city= >/dev/null
	as piotr git commit -qam 'piotr: not a vip, no city'
	as piotr git push -q
	as anna crm-add --update "$BOB_ID" --city Bonn >/dev/null
	as anna git commit -qam 'anna: Bonn'
	as anna git pull -q --no-rebase --no-edit
	run as anna crm-find -o csv -f name,city,tags --sort name
	assert_output 'name,city,tags
Anna Nowak,,b2b
Bob Brown,Bonn,'
}

@test "TEAM015: a clone with core.autocrlf and a clone that commits CR LF: no conflict, LF in the repository" {
	team
	as anna crm-add 'Cyd Black' -e cyd@example.com >cyd.id
	local CYD
	CYD=$(cat cyd.id)
	as anna crm-log "$CYD" note 'about Cyd' >/dev/null
	as anna git commit -qam 'anna: Cyd'
	as anna git push -q
	as piotr git pull -q
	git clone -q -c core.autocrlf=true hub.git win
	(
		cd win || exit 1
		git config user.name win
		git config user.email win@example.com
		crm-init --git >/dev/null
		crm-add --update "$BOB_ID" --city Brno >/dev/null
		crm-log "$BOB_ID" note 'from windows' >/dev/null
		git commit -qam 'win: Brno'
		git push -q
	)
	# piotr's editor saves every line with CR LF, and he commits it so
	as piotr git config core.autocrlf false
	as piotr sed -i 's/$/\r/' customers.csv interactions.jsonl
	as piotr git commit -qam 'piotr: CR LF everywhere' --no-verify
	# anna rewrites lines: Cyd's history moves to Anna
	as anna crm-add --merge "$ANNA_ID" "$CYD" >/dev/null
	as anna git commit -qam 'anna: Cyd is Anna'
	run --separate-stderr as piotr git pull -q --no-rebase --no-edit
	assert_success
	assert_equal "$stderr" ''
	as piotr git push -q
	run --separate-stderr as anna git pull -q --no-rebase --no-edit
	assert_success
	assert_equal "$stderr" ''
	[ ! -e piotr/conflicts.jsonl ] && [ ! -e anna/conflicts.jsonl ]
	run git -C anna show HEAD:customers.csv
	refute_output --partial $'\r'
	run git -C anna show HEAD:interactions.jsonl
	refute_output --partial $'\r'
	run as anna crm-check
	assert_success
	run jq -r '[.customer, .text // .type] | join(" ")' anna/interactions.jsonl
	assert_output "$ANNA_ID first call
$ANNA_ID about Cyd
$BOB_ID from windows
$ANNA_ID merge"
	run as anna crm-find -o csv -f name,city --sort name
	assert_output 'name,city
Anna Nowak,Gdańsk
Bob Brown,Brno'
}

@test "TEAM016: a side that adds two rows with one id: the pull stops on a conflict and both rows are kept" {
	team
	as anna sh -c "grep '^$BOB_ID,' customers.csv | sed 's/Bob Brown/Robert Brown/' >>customers.csv"
	as anna git commit -qam 'anna: Bob twice' --no-verify
	as anna git push -q
	as piotr crm-add 'Cyril Ivanov' -e cyril@example.bg >/dev/null
	as piotr git commit -qam 'piotr: Cyril'
	run --separate-stderr as piotr git pull -q --no-rebase --no-edit
	assert_failure
	assert_regex "$stderr" "crm-merge: customers.csv: $BOB_ID: a second row with this id, added by theirs; both kept"
	assert_equal "$(grep -c "^$BOB_ID," piotr/customers.csv)" 2
	run as piotr crm-check
	assert_failure 2
	assert_line --partial "unresolved merge conflict in customers.csv: two customers with the id $BOB_ID"
}

@test "TEAM018: merged in one clone, logged in the other: reports scoped or grouped by customer count the lines for KEEP" {
	merged_in_one_logged_in_other purchase
	cd piotr
	export CRM_NOW=2026-11-24T00:00:00Z
	run --separate-stderr crm-report activity --where "id=$BOB_ID" --by month -o csv
	assert_success
	# the note was moved by the merge; the call and the purchase were logged on DROP
	assert_output 'period,channel,type,interactions,in,out
2026-11,other,note,1,0,0
2026-11,phone,call,1,0,0
2026-11,shop,purchase,1,0,0'
	run --separate-stderr crm-report revenue --where "name='Bob Brown'" --by month -o csv
	assert_success
	assert_output 'period,currency,orders,refunds,revenue,aov
2026-11,EUR,1,0,120.00,120.00'
	run --separate-stderr crm-report top --where "id=$BOB_ID" -o csv
	assert_success
	assert_line --index 1 --partial 'Bob Brown'
}
