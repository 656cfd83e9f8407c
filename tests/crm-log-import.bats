#!/usr/bin/env bats
# crm-log --import-mail: mbox files and Maildirs logged as email interactions.

load helper

local_setup() {
	new_crm
	printf 'me = sales@acme.example, "Anna Nowak" <Anna@acme.example>\n' >>crm.conf
	add_as L -e lukasz@example.pl 'Łukasz Żółć'
	add_as P -e petr@example.cz 'Petr Dvořák'
	add_as I -e ivan@example.bg 'Иван Петров'
}

# The records of a history or of -n output, without their ids (made anew
# on every run), customer ids replaced by L, P, I.
records() {
	jq -c --arg L "$L" --arg P "$P" --arg I "$I" \
		'del(.id) | .customer |= (if . == $L then "L" elif . == $P then "P" elif . == $I then "I" else . end)' "$@"
}

# Ten messages: Polish in ISO-8859-2 and UTF-8, Czech in Windows-1250,
# Bulgarian in KOI8-R and UTF-8, multipart/alternative and /mixed with
# base64, a broken one (7th), one without Date (8th), one from the team to
# two customers (9th), one from a stranger with only HTML (10th, without a
# final newline).
inbox() {
	{
		printf '%s\n' 'From lukasz@example.pl Mon Nov 16 09:15:05 2026' \
			'From: =?ISO-8859-2?Q?=A3ukasz_=AF=F3=B3=E6?= <Lukasz@Example.PL>' \
			'To: sales@acme.example' \
			'Subject: =?ISO-8859-2?Q?Zapytanie_o_cen=EA?=' \
			'Date: Mon, 16 Nov 2026 10:15:00 +0100' \
			'Message-ID: <pl-1@example.pl>' \
			'MIME-Version: 1.0' \
			'Content-Type: text/plain; charset="iso-8859-2"' \
			'Content-Transfer-Encoding: quoted-printable' \
			'' \
			'Dzie=F1 dobry,' \
			'prosz=EA o ofert=EA na 10 sztuk.' \
			'>From the catalogue, page 4.' \
			''
		printf '%s\n' 'From lukasz@example.pl Tue Nov 17 08:30:00 2026' \
			'From: lukasz@example.pl' \
			'To: Sales <sales@acme.example>' \
			'Subject: =?UTF-8?B?UmU6IFphcHl0YW5pZSBvIGNlbsSZIOKAkyA=?=' \
			'  =?UTF-8?Q?=C5=BC=C3=B3=C5=82=C4=87?=' \
			'Date: 17 Nov 2026 08:30 +0000' \
			'Message-ID: <pl-2@example.pl>' \
			'Content-Type: text/plain; charset=utf-8' \
			'Content-Transfer-Encoding: 8bit' \
			'' \
			'Dziękuję za ofertę!' \
			''
		printf '%s\n' 'From petr@example.cz Tue Nov 17 14:00:00 2026' \
			'From: =?windows-1250?Q?Petr_Dvo=F8=E1k?= <petr@example.cz>' \
			'To: sales@acme.example' \
			'Subject: =?windows-1250?Q?Objedn=E1vka_=E8=2E_42?=' \
			'Date: Tue, 17 Nov 2026 09:00:00 EST' \
			'Message-ID: <cz-1@example.cz>' \
			'Content-Type: text/plain; charset=windows-1250' \
			'Content-Transfer-Encoding: 8bit' \
			''
		printf 'Dobr\xfd den, pos\xedl\xe1m objedn\xe1vku.\nPetr Dvo\xf8\xe1k\n\n'
		printf '%s\n' 'From ivan@example.bg Wed Nov 18 10:00:00 2026' \
			'From: ivan@example.bg' \
			'To: sales@acme.example' \
			'Subject: =?KOI8-R?B?99/Q0s/TINrBIMTP09TB18vB?=' \
			'Date: Wed, 18 Nov 2026 12:00:00 +0200' \
			'Message-ID: <bg-1@example.bg>' \
			'Content-Type: text/plain; charset=KOI8-R' \
			'Content-Transfer-Encoding: quoted-printable' \
			'' \
			'=FA=C4=D2=C1=D7=C5=CA=D4=C5, =CB=CF=C7=C1 =DD=C5 =D0=D2=C9=D3=D4=C9=C7=CE=C5 =D0=D2=C1=D4=CB=C1=D4=C1?' \
			''
		printf '%s\n' 'From ivan@example.bg Thu Nov 19 14:45:00 2026' \
			'From: =?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.bg>' \
			'To: sales@acme.example' \
			'Subject: =?UTF-8?Q?=D0=91=D0=BB=D0=B0=D0=B3=D0=BE=D0=B4=D0=B0=D1=80=D1=8F?=' \
			'Date: Thu, 19 Nov 2026 16:45:00 +0200' \
			'Message-ID: <bg-2@example.bg>' \
			'MIME-Version: 1.0' \
			'Content-Type: multipart/alternative; boundary="alt-1"' \
			'' \
			'This is a multi-part message in MIME format.' \
			'--alt-1' \
			'Content-Type: text/plain; charset=UTF-8' \
			'Content-Transfer-Encoding: base64' \
			'' \
			'0JHQu9Cw0LPQvtC00LDRgNGPISDQn9GA0LDRgtC60LDRgtCwINC/0YDQuNGB0YLQuNCz0L3QsCDQ' \
			'tNC90LXRgS4K' \
			'--alt-1' \
			'Content-Type: text/html; charset=UTF-8' \
			'' \
			'<p>HTML version</p>' \
			'--alt-1--' \
			''
		printf '%s\n' 'From petr@example.cz Thu Nov 19 08:00:00 2026' \
			'From: Petr <petr@example.cz>' \
			'To: sales@acme.example' \
			'Subject: Order 43' \
			'Date: Thu, 19 Nov 2026 09:00:00 +0100' \
			'Message-ID: <cz-2@example.cz>' \
			'MIME-Version: 1.0' \
			'Content-Type: multipart/mixed; boundary=mix' \
			'' \
			'--mix' \
			'Content-Type: multipart/alternative; boundary=inner' \
			'' \
			'--inner' \
			'Content-Type: text/plain; charset=utf-8' \
			'Content-Transfer-Encoding: base64' \
			'' \
			'RG9icsO9IGRlbiwKdiBwxZnDrWxvemUgcG9zw61sw6FtIG9iamVkbsOhdmt1Lgo=' \
			'--inner--' \
			'--mix' \
			'Content-Type: application/pdf; name=order.pdf' \
			'Content-Disposition: attachment; filename=order.pdf' \
			'Content-Transfer-Encoding: base64' \
			'' \
			'JVBERi0xLjQK' \
			'--mix--' \
			''
		printf '%s\n' 'From nobody Thu Nov 19 20:00:00 2026' \
			'this line is no header' \
			'and neither is this one' \
			''
		printf '%s\n' 'From lukasz@example.pl Fri Nov 20 07:00:00 2026' \
			'From: lukasz@example.pl' \
			'To: sales@acme.example' \
			'Subject: Bez daty' \
			'' \
			'Wiadomość bez nagłówka Date.' \
			''
		printf '%s\n' 'From anna@acme.example Fri Nov 20 10:00:00 2026' \
			'From: "Anna Nowak" <anna@ACME.example>' \
			'To: Klienci: =?UTF-8?Q?=C5=81ukasz?= <lukasz@example.pl>;' \
			'Cc: "Dvořák, Petr" <petr@example.cz>, (nobody) other@example.com' \
			'Subject: Oferta / nabídka' \
			'Date: Fri, 20 Nov 2026 11:00:00 +0100' \
			'Message-ID: <offer-1@acme.example>' \
			'' \
			'Oferta w załączniku.' \
			''
		printf '%s\n' 'From zofia@firma.example Sat Nov 21 08:00:00 2026' \
			'From: =?UTF-8?Q?Zofia_Nowak-Ma=C5=82ek?= <Zofia@Firma.example>' \
			'To: sales@acme.example' \
			'Subject: Pytanie' \
			'Date: Sat, 21 Nov 2026 08:00:00 +0000' \
			'Message-ID: <q-1@firma.example>' \
			'Content-Type: text/html; charset=utf-8' \
			''
		printf '<html><body><p>Dzień dobry,</p><p>czy macie <b>rabaty</b> &amp; raty?</p></body></html>'
	} >inbox.mbox
}

@test "IMP001: an mbox in six charsets, dry run: the records on stdout, nothing changed" {
	inbox
	cp customers.csv before.csv
	touch interactions.jsonl
	run --separate-stderr crm-log -n --import-mail inbox.mbox
	assert_success
	assert_equal "$stderr" "crm-log: inbox.mbox: message 7 (line 98): no header
crm-log: 10 messages read, 9 interactions added, 0 duplicates skipped, 1 unmatched, 1 malformed (dry run)"
	run records <<<"$output"
	assert_output - <<'EOF'
{"ts":"2026-11-16T09:15:00Z","customer":"L","type":"email","channel":"email","direction":"in","by":"tester","subject":"Zapytanie o cenę","text":"Dzień dobry, proszę o ofertę na 10 sztuk. From the catalogue, page 4.","message_id":"<pl-1@example.pl>"}
{"ts":"2026-11-17T08:30:00Z","customer":"L","type":"email","channel":"email","direction":"in","by":"tester","subject":"Re: Zapytanie o cenę – żółć","text":"Dziękuję za ofertę!","message_id":"<pl-2@example.pl>"}
{"ts":"2026-11-17T14:00:00Z","customer":"P","type":"email","channel":"email","direction":"in","by":"tester","subject":"Objednávka č. 42","text":"Dobrý den, posílám objednávku. Petr Dvořák","message_id":"<cz-1@example.cz>"}
{"ts":"2026-11-18T10:00:00Z","customer":"I","type":"email","channel":"email","direction":"in","by":"tester","subject":"Въпрос за доставка","text":"Здравейте, кога ще пристигне пратката?","message_id":"<bg-1@example.bg>"}
{"ts":"2026-11-19T14:45:00Z","customer":"I","type":"email","channel":"email","direction":"in","by":"tester","subject":"Благодаря","text":"Благодаря! Пратката пристигна днес.","message_id":"<bg-2@example.bg>"}
{"ts":"2026-11-19T08:00:00Z","customer":"P","type":"email","channel":"email","direction":"in","by":"tester","subject":"Order 43","text":"Dobrý den, v příloze posílám objednávku.","message_id":"<cz-2@example.cz>"}
{"ts":"2026-11-20T07:00:00Z","customer":"L","type":"email","channel":"email","direction":"in","by":"tester","subject":"Bez daty","text":"Wiadomość bez nagłówka Date.","message_id":"hash:87fd352c8d51953c"}
{"ts":"2026-11-20T10:00:00Z","customer":"L","type":"email","channel":"email","direction":"out","by":"tester","subject":"Oferta / nabídka","text":"Oferta w załączniku.","message_id":"<offer-1@acme.example>"}
{"ts":"2026-11-20T10:00:00Z","customer":"P","type":"email","channel":"email","direction":"out","by":"tester","subject":"Oferta / nabídka","text":"Oferta w załączniku.","message_id":"<offer-1@acme.example>"}
EOF
	assert_same_file customers.csv before.csv
	[ ! -s interactions.jsonl ]
}

@test "IMP002: the import appends the records; the same mbox again adds nothing" {
	inbox
	run --separate-stderr crm-log --import-mail inbox.mbox
	assert_success
	assert_output ''
	assert_equal "$(tail -n 1 <<<"$stderr")" \
		"crm-log: 10 messages read, 9 interactions added, 0 duplicates skipped, 1 unmatched, 1 malformed"
	assert_equal "$(wc -l <interactions.jsonl)" 9
	for id in $(jq -r .id interactions.jsonl); do assert_id "$id"; done
	assert_equal "$(jq -r .id interactions.jsonl | sort -u | wc -l)" 9
	cp interactions.jsonl first.jsonl
	run --separate-stderr crm-log --import-mail inbox.mbox
	assert_success
	assert_equal "$(tail -n 1 <<<"$stderr")" \
		"crm-log: 10 messages read, 0 interactions added, 9 duplicates skipped, 1 unmatched, 1 malformed"
	assert_same_file interactions.jsonl first.jsonl
	# a grown mailbox: only the new message is added
	{
		printf '\n\n'
		printf '%s\n' 'From petr@example.cz Sun Nov 22 08:00:00 2026' 'From: petr@example.cz' \
			'To: sales@acme.example' 'Subject: Dotaz' 'Message-ID: <cz-3@example.cz>' '' 'Text.'
	} >>inbox.mbox
	run --separate-stderr crm-log --import-mail inbox.mbox
	assert_success
	assert_equal "$(tail -n 1 <<<"$stderr")" \
		"crm-log: 11 messages read, 1 interaction added, 9 duplicates skipped, 1 unmatched, 1 malformed"
	run records <(tail -n 1 interactions.jsonl)
	assert_output '{"ts":"2026-11-22T08:00:00Z","customer":"P","type":"email","channel":"email","direction":"in","by":"tester","subject":"Dotaz","text":"Text.","message_id":"<cz-3@example.cz>"}'
	assert_same_file <(head -n 9 interactions.jsonl) first.jsonl
}

@test "IMP003: --new-leads adds the unknown sender as a lead and logs the message for it" {
	inbox
	run --separate-stderr crm-log --import-mail inbox.mbox --new-leads
	assert_success
	assert_equal "$(tail -n 1 <<<"$stderr")" \
		"crm-log: 10 messages read, 10 interactions added, 0 duplicates skipped, 0 unmatched, 1 malformed, 1 lead added"
	run tail -n 1 customers.csv
	assert_output --regexp '^[0-9a-z]{13},Zofia Nowak-Małek,zofia@firma.example,,,,,,,lead,,2026-11-22T10:00:00Z,2026-11-22T10:00:00Z$'
	Z=$(tail -n 1 customers.csv | cut -d, -f1)
	run jq -c --arg Z "$Z" 'select(.customer == $Z) | del(.id, .customer)' interactions.jsonl
	assert_output '{"ts":"2026-11-21T08:00:00Z","type":"email","channel":"email","direction":"in","by":"tester","subject":"Pytanie","text":"Dzień dobry, czy macie rabaty & raty?","message_id":"<q-1@firma.example>"}'
	cp customers.csv c1.csv
	cp interactions.jsonl h1.jsonl
	run --separate-stderr crm-log --import-mail inbox.mbox --new-leads
	assert_success
	assert_equal "$(tail -n 1 <<<"$stderr")" \
		"crm-log: 10 messages read, 0 interactions added, 10 duplicates skipped, 0 unmatched, 1 malformed, 0 leads added"
	assert_same_file customers.csv c1.csv
	assert_same_file interactions.jsonl h1.jsonl
}

@test "IMP004: a lead without a display name is named after the local part; mail from the team adds none" {
	printf '%s\n' 'From: jan.kowalski@firma.example' 'To: sales@acme.example' 'Subject: a' \
		'Message-ID: <a@x>' '' 'x' '' 'From x Sat Nov 21 08:00:00 2026' \
		'From: sales@acme.example' 'To: someone@else.example' 'Subject: b' '' 'y' >two.mbox
	run --separate-stderr crm-log --import-mail two.mbox --new-leads
	assert_success
	assert_equal "$stderr" "crm-log: 2 messages read, 1 interaction added, 0 duplicates skipped, 1 unmatched, 0 malformed, 1 lead added"
	run bash -c "tail -n 1 customers.csv | cut -d, -f2,3,10,11"
	assert_output 'jan.kowalski,jan.kowalski@firma.example,lead,'
}

@test "IMP005: a Maildir: cur/ and new/, in file name order; a bad file is named" {
	mkdir -p Mail/cur Mail/new Mail/tmp
	printf '%s\r\n' 'From: Ivan <ivan@example.bg>' 'To: sales@acme.example' 'Subject: second' \
		'Date: Sat, 21 Nov 2026 10:00:00 +0000' 'Message-ID: <m2@example.bg>' '' 'Body two' >Mail/new/1700000002.M2.host
	printf '%s\n' 'From: petr@example.cz' 'To: sales@acme.example' 'Subject: first' \
		'Message-ID: <m1@example.cz>' '' 'Body one' >Mail/cur/1700000001.M1.host:2,S
	touch -d 2026-11-20T12:00:00Z Mail/cur/1700000001.M1.host:2,S
	printf 'garbage\n' >Mail/cur/1700000003.M3.host:2,
	printf 'x\n' >Mail/tmp/1700000004.M4.host
	run --separate-stderr crm-log --import-mail Mail
	assert_success
	assert_equal "$stderr" "crm-log: Mail/cur/1700000003.M3.host:2,: no header
crm-log: 3 messages read, 2 interactions added, 0 duplicates skipped, 0 unmatched, 1 malformed"
	run records interactions.jsonl
	assert_output - <<'EOF'
{"ts":"2026-11-20T12:00:00Z","customer":"P","type":"email","channel":"email","direction":"in","by":"tester","subject":"first","text":"Body one","message_id":"<m1@example.cz>"}
{"ts":"2026-11-21T10:00:00Z","customer":"I","type":"email","channel":"email","direction":"in","by":"tester","subject":"second","text":"Body two","message_id":"<m2@example.bg>"}
EOF
	cp interactions.jsonl h1.jsonl
	run --separate-stderr crm-log --import-mail Mail
	assert_success
	assert_same_file interactions.jsonl h1.jsonl
}

@test "IMP006: several paths at once; an unreadable one is reported, the rest imported, status 2" {
	inbox
	mkdir empty
	run --separate-stderr crm-log --import-mail inbox.mbox missing.mbox empty
	assert_failure 2
	assert_equal "$stderr" "crm-log: inbox.mbox: message 7 (line 98): no header
crm-log: missing.mbox: No such file or directory
crm-log: empty: not an mbox file or a Maildir (no cur/ or new/)
crm-log: 10 messages read, 9 interactions added, 0 duplicates skipped, 1 unmatched, 1 malformed"
	assert_equal "$(wc -l <interactions.jsonl)" 9
}

@test "IMP007: a message crm-mail logged (same message id) is not logged again" {
	printf '{"id":"1m0000000000a","ts":"2026-11-20T10:00:00Z","customer":"%s","type":"email","channel":"email","direction":"out","by":"tester","subject":"Hi","campaign":"c","message_id":"<c.1m0000000000a@acme.example>","status":"sent"}\n' "$L" >interactions.jsonl
	cp interactions.jsonl h0.jsonl
	printf '%s\n' 'From MAILER-DAEMON Fri Nov 20 10:00:00 2026' 'From: Sales <sales@acme.example>' \
		'To: lukasz@example.pl' 'Subject: Hi' 'Message-ID:' '  <c.1m0000000000a@acme.example>' '' 'Hello' >sent.mbox
	run --separate-stderr crm-log --import-mail sent.mbox
	assert_success
	assert_equal "$stderr" "crm-log: 1 message read, 0 interactions added, 1 duplicate skipped, 0 unmatched, 0 malformed"
	assert_same_file interactions.jsonl h0.jsonl
}

@test "IMP008: one message to the same customer twice (To and Cc) is one interaction" {
	printf '%s\n' 'From: sales@acme.example' 'To: lukasz@example.pl' 'Cc: LUKASZ@example.pl' \
		'Subject: x' '' 'y' >m.mbox
	run --separate-stderr crm-log -n --import-mail m.mbox
	assert_success
	assert_equal "$stderr" "crm-log: 1 message read, 1 interaction added, 0 duplicates skipped, 0 unmatched, 0 malformed (dry run)"
	run jq -r '.direction + " " + .message_id' <<<"$output"
	assert_output --regexp '^out hash:[0-9a-f]{16}$'
}

@test "IMP009: the text is cut at 200 characters (not bytes), whitespace collapsed" {
	{
		printf '%s\n' 'From: lukasz@example.pl' 'Subject: long' 'Content-Type: text/plain; charset=utf-8' ''
		printf '  \tżółć\n\n   gęślą\r\n'
		printf 'ż%.0s' {1..300}
		printf '\n'
	} >long.mbox
	run --separate-stderr crm-log -n --import-mail long.mbox
	assert_success
	assert_equal "$(jq -r '.text | length' <<<"$output")" 200
	assert_equal "$(jq -r '.text[0:13]' <<<"$output")" 'żółć gęślą żż'
	assert_equal "$(jq -r '.text | endswith("żż")' <<<"$output")" true
}

@test "IMP010: junk, NUL bytes, a 10 MB message and no final newline do no harm" {
	{
		printf 'From a Sat Nov 21 08:00:00 2026\nFrom: x\0y <lukasz@example.pl>\nSubject: \xff=?utf-8?B?////?= \0\n\n'
		head -c 10485760 /dev/zero | tr '\0' 'a'
		printf '\n\nFrom b Sat Nov 21 09:00:00 2026\n\x01\x02\xff\xfe\n\nFrom c Sat Nov 21 10:00:00 2026\n'
		printf 'From: petr@example.cz\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=b\n\n--b'
	} >junk.mbox
	run --separate-stderr crm-log --import-mail junk.mbox
	assert_success
	assert_equal "$stderr" "crm-log: junk.mbox: message 2 (line 7): no header
crm-log: 3 messages read, 2 interactions added, 0 duplicates skipped, 0 unmatched, 1 malformed"
	run jq -r '[.subject, (.text | length)] | @tsv' interactions.jsonl
	assert_output "$(printf '\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\t200\n\t0')"
}

@test "IMP011: usage errors" {
	run --separate-stderr crm-log --new-leads
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-log: --new-leads goes with --import-mail'
	assert_equal "${stderr_lines[4]}" '       crm-log --import-mail PATH... [--new-leads] [-n]'
	run --separate-stderr crm-log --import-mail x.mbox -l
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-log: --import-mail goes alone, without -l, --done or --import-calls'
	run crm-log --help
	assert_output --partial '--import-mail PATH'
}

@test "IMP012: the cron recipe of examples/cron: hourly import, Monday report" {
	local cron="$TOP/examples/cron"
	if command -v shellcheck >/dev/null; then
		run shellcheck "$cron/weekly-report"
		assert_success
	fi
	# a home as the recipe expects it: ~/acme, ~/Mail/acme.mbox, ~/bin/weekly-report
	export HOME="$WORK/home"
	mkdir -p "$HOME/Mail" "$HOME/bin"
	mv "$WORK/acme" "$HOME/acme"
	cd "$HOME" || return 1
	inbox
	mv inbox.mbox Mail/acme.mbox
	cp "$cron/weekly-report" bin/
	export SENDMAIL="$WORK/fake-sendmail"
	printf '#!/bin/sh\ncat >"%s/sent"\n' "$WORK" >"$SENDMAIL"
	chmod +x "$SENDMAIL"
	local hourly weekly
	hourly=$(grep '^0 \* \* \* \*' "$cron/crontab" | sed -E 's/^([^ ]+ +){5}//')
	weekly=$(grep '^0 7 \* \* 1' "$cron/crontab" | sed -E 's/^([^ ]+ +){5}//')
	[ -n "$hourly" ] && [ -n "$weekly" ]
	# twice, as cron would: the second run adds nothing and says nothing
	for run in 1 2; do
		run sh -c "$hourly"
		assert_success
		assert_output ''
	done
	assert_equal "$(wc -l <acme/interactions.jsonl)" 9
	assert_equal "$(sed -n 2p acme-import.log)" \
		"crm-log: 10 messages read, 9 interactions added, 0 duplicates skipped, 1 unmatched, 1 malformed"
	assert_equal "$(sed -n 4p acme-import.log)" \
		"crm-log: 10 messages read, 0 interactions added, 9 duplicates skipped, 1 unmatched, 1 malformed"
	# a failed import makes cron mail
	mv Mail/acme.mbox Mail/moved.mbox
	run sh -c "$hourly"
	assert_output 'crm-log: the mail import failed; see ~/acme-import.log'
	run sh -c "$weekly"
	assert_success
	run head -n 6 "$WORK/sent"
	assert_output - <<'MAIL'
To: team@example.com
Subject: Weekly activity
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

MAIL
	grep -q '<table' "$WORK/sent"
}

@test "IMP013: a lead's display name never brings a control character into customers.csv" {
	# "Eve" ESC [2J, and "Bob" CR LF "Bcc: x", as encoded-words
	printf '%s\n' 'From: =?UTF-8?B?RXZlG1sySg==?= <eve@firma.example>' 'To: sales@acme.example' \
		'Subject: a' 'Message-ID: <a@x>' '' 'x' '' 'From x Sat Nov 21 08:00:00 2026' \
		'From: =?UTF-8?B?Qm9iDQpCY2M6IHg=?= <bob@firma.example>' 'To: sales@acme.example' \
		'Subject: b' 'Message-ID: <b@x>' '' 'y' >two.mbox
	run --separate-stderr crm-log --import-mail two.mbox --new-leads
	assert_success
	run bash -c "tail -n 2 customers.csv | cut -d, -f2,3"
	assert_output 'Eve [2J,eve@firma.example
Bob Bcc: x,bob@firma.example'
	run crm-check
	assert_success
}
