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
	assert_equal "${stderr_lines[5]}" '       crm-log --import-mail PATH... [--new-leads] [-n]'
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

# --- a general import: crm-log --import ---------------------------------------

# A shop's order export as a Polish spreadsheet saves it: Windows-1250,
# semicolons, CR LF; amounts and dates written the local way; an order of
# someone who is no customer, and one whose amount cannot be read.
shop_orders() {
	printf '%s\r\n' 'Numer zamówienia;Data;E-mail klienta;Kwota;Waluta;Status;Produkt' \
		'ZAM/2026/1001;05.11.2026 14:30;Lukasz@Example.PL;1 299,00;PLN;opłacone;Rower górski' \
		'ZAM/2026/1002;06.11.2026 09:05;petr@example.cz;129,99 zł;PLN;opłacone;Kask' \
		'ZAM/2026/1003;07.11.2026;nieznany@example.com;50,00;PLN;opłacone;Dzwonek' \
		'ZAM/2026/1004;07.11.2026 10:00;ivan@example.bg;?;PLN;anulowane;Pompka' |
		iconv -f UTF-8 -t WINDOWS-1250 >shop.csv
	mkdir -p imports
	cat >imports/shop.rules <<'EOF'
# the shop's order export
encoding windows-1250
map Numer zamówienia=ref
map Data=ts
map E-mail klienta=email
map Kwota=amount
map Waluta=currency
map Produkt=text
set type=purchase
key ref
EOF
}

@test "IMP030: a shop export in Windows-1250 with semicolons, through imports/shop.rules: -n shows what the run appends, a second run adds nothing" {
	shop_orders
	touch interactions.jsonl
	run --separate-stderr crm-log -n --import shop.csv --rules shop
	assert_success
	assert_equal "$stderr" "crm-log: shop.csv:5: amount: '?' is not a number (write 129.99)
crm-log: shop.csv: read 4, added 2, duplicates 0, unmatched 1, malformed 1 (dry run)"
	run records <<<"$output"
	assert_output - <<'EOF'
{"ts":"2026-11-05T14:30:00Z","customer":"L","type":"purchase","channel":"shop","by":"tester","text":"Rower górski","amount":129900,"currency":"PLN","ref":"ZAM/2026/1001"}
{"ts":"2026-11-06T09:05:00Z","customer":"P","type":"purchase","channel":"shop","by":"tester","text":"Kask","amount":12999,"currency":"PLN","ref":"ZAM/2026/1002"}
EOF
	local dry=$output
	[ ! -s interactions.jsonl ]
	run --separate-stderr crm-log --import shop.csv --rules shop
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_output "$(jq -r .id interactions.jsonl)"
	assert_equal "$(records interactions.jsonl)" "$dry"
	assert_equal "${stderr_lines[1]}" 'crm-log: shop.csv: read 4, added 2, duplicates 0, unmatched 1, malformed 1'
	cp interactions.jsonl first.jsonl
	# from cron, every hour: nothing new
	run --separate-stderr crm-log --import shop.csv --rules shop
	assert_success
	assert_output ''
	assert_equal "${stderr_lines[1]}" 'crm-log: shop.csv: read 4, added 0, duplicates 2, unmatched 1, malformed 1'
	assert_same_file first.jsonl interactions.jsonl
	# the same order with another amount is still the same order (--key ref)
	sed -i 's/1 299,00/1 199,00/' shop.csv
	run --separate-stderr crm-log --import shop.csv --rules shop
	assert_equal "${stderr_lines[1]}" 'crm-log: shop.csv: read 4, added 0, duplicates 2, unmatched 1, malformed 1'
}

@test "IMP031: --verbose lists the rows that match no customer, and why" {
	shop_orders
	run --separate-stderr crm-log -n --import shop.csv --rules imports/shop.rules --verbose
	assert_success
	assert_equal "$stderr" "crm-log: shop.csv:4: no customer has the e-mail 'nieznany@example.com'; not imported
crm-log: shop.csv:5: amount: '?' is not a number (write 129.99)
crm-log: shop.csv: read 4, added 2, duplicates 0, unmatched 1, malformed 1 (dry run)"
}

@test "IMP032: the customer by id, e-mail, phone number (however written) or whole name; a name two customers have is not guessed" {
	crm-add --update "$L" -p '+48 601 234 567' >/dev/null
	add_as P2 'Petr Dvořák' -e petr.d@example.cz
	cat >notes.csv <<EOF
customer,type,text
$L,note,by id
PETR.D@EXAMPLE.CZ,note,by e-mail
0048 601-234-567,note,by phone
иван петров,note,by name
Petr Dvořák,note,two of them
Petr,note,a part of a name is not enough
EOF
	run --separate-stderr crm-log --import notes.csv --verbose
	assert_success
	assert_equal "$stderr" "crm-log: notes.csv:6: more than one customer has the id, e-mail, phone number or name 'Petr Dvořák'; not imported
crm-log: notes.csv:7: no customer has the id, e-mail, phone number or name 'Petr'; not imported
crm-log: notes.csv: read 6, added 4, duplicates 0, unmatched 2, malformed 0"
	run jq -r '.customer + " " + .text' interactions.jsonl
	assert_output "$L by id
$P2 by e-mail
$L by phone
$I by name"
	# the columns email, phone and name say what they hold; tried in this order
	printf 'name,email,phone,type\nPetr Dvořák,petr@example.cz,,call\nNobody,,601234567,call\n' >calls.csv
	run --separate-stderr crm-log -n --import calls.csv
	assert_success
	assert_equal "$(jq -r .customer <<<"$output")" "$P
$L"
}

@test "IMP033: amounts as people write them; a currency sign that is not the row's is refused" {
	cat >money.csv <<'EOF'
order,email,amount,currency
1,lukasz@example.pl,"129,99",PLN
2,lukasz@example.pl,"1 299,00",PLN
3,lukasz@example.pl,"1,299.00",PLN
4,lukasz@example.pl,129.99 zł,PLN
5,lukasz@example.pl,"1.299,50 Kč",CZK
6,lukasz@example.pl,€ 20,EUR
7,lukasz@example.pl,20 €,PLN
8,lukasz@example.pl,"12,34,5",PLN
9,lukasz@example.pl,-5,PLN
EOF
	run --separate-stderr crm-log -n --import money.csv --map order=ref --set type=purchase
	assert_success
	assert_equal "$(jq -r '[.ref, .amount, .currency] | @tsv' <<<"$output")" "$(printf '%s\t%s\t%s\n' \
		1 12999 PLN 2 129900 PLN 3 129900 PLN 4 12999 PLN 5 129950 CZK 6 2000 EUR)"
	assert_equal "$stderr" "crm-log: money.csv:8: amount: '20 €' is in EUR, not PLN
crm-log: money.csv:9: amount: '12,34,5' has a misplaced thousands separator (write 1 299.00 or 1299.00)
crm-log: money.csv:10: amount: '-5' must not be negative (log a refund instead)
crm-log: money.csv: read 9, added 6, duplicates 0, unmatched 0, malformed 3 (dry run)"
}

@test "IMP034: dates in the common forms; day or month first only with --date-format" {
	cat >dates.csv <<'EOF'
when,email,type
2026-11-05 14:30,lukasz@example.pl,call
2026-11-05T14:30:00+01:00,lukasz@example.pl,call
05.11.2026,lukasz@example.pl,call
5. 11. 2026 8:05:09,lukasz@example.pl,call
2026/11/06,lukasz@example.pl,call
11/05/2026 09:00,lukasz@example.pl,call
31.02.2026,lukasz@example.pl,call
EOF
	run --separate-stderr crm-log -n --import dates.csv --map when=ts
	assert_success
	assert_equal "$(jq -r .ts <<<"$output")" "2026-11-05T14:30:00Z
2026-11-05T13:30:00Z
2026-11-05T00:00:00Z
2026-11-05T08:05:09Z
2026-11-06T00:00:00Z"
	assert_equal "$stderr" "crm-log: dates.csv:7: ts: '11/05/2026 09:00' could be day or month first: say which with --date-format (%d/%m/%Y or %m/%d/%Y)
crm-log: dates.csv:8: ts: '31.02.2026' is not a real day or time
crm-log: dates.csv: read 7, added 5, duplicates 0, unmatched 0, malformed 2 (dry run)"
	# with --date-format: its form and the ISO ones
	run --separate-stderr crm-log -n --import dates.csv --map when=ts --date-format '%m/%d/%Y'
	assert_equal "$(jq -r .ts <<<"$output")" "2026-11-05T14:30:00Z
2026-11-05T13:30:00Z
2026-11-05T09:00:00Z"
	assert_equal "${stderr_lines[0]}" "crm-log: dates.csv:4: ts: '05.11.2026' does not have the form of --date-format"
	run --separate-stderr crm-log -n --import dates.csv --map when=ts --date-format '%d/%m/%Y %H:%M'
	assert_equal "$(jq -r .ts <<<"$output" | sed -n 3p)" 2026-05-11T09:00:00Z
}

@test "IMP035: JSON Lines after a byte order mark: chats and tickets, typed values, fields a --map names" {
	printf '\xef\xbb\xbf' >chats.jsonl
	printf '%s\n' \
		'{"at":"2026-11-10T08:00:00Z","client":"petr@example.cz","kind":"chat","msg":"Dotaz na dopravu","agent":"ewa","conversation":881}' \
		'' \
		'{"at":"2026-11-12T16:45:00Z","client":"ivan@example.bg","kind":"survey","stars":5,"msg":"Бърза доставка"}' \
		'{"at":"2026-11-12T17:00:00Z","client":"ivan@example.bg","kind":"survey","stars":9}' \
		'{"at": broken' >>chats.jsonl
	run --separate-stderr crm-log -n --import chats.jsonl --map at=ts --map client=email --map kind=type \
		--map msg=text --map agent=by --map stars=rating --map conversation=chat_id
	assert_success
	run records <<<"$output"
	assert_output - <<'EOF'
{"ts":"2026-11-10T08:00:00Z","customer":"P","type":"chat","channel":"chat","by":"ewa","text":"Dotaz na dopravu","chat_id":"881"}
{"ts":"2026-11-12T16:45:00Z","customer":"I","type":"survey","channel":"web","by":"tester","text":"Бърза доставка","rating":5}
EOF
	assert_equal "$stderr" "crm-log: chats.jsonl:4: rating 9: must be a whole number from 1 to 5
crm-log: chats.jsonl:5: invalid token near 'broken'
crm-log: chats.jsonl: read 4, added 2, duplicates 0, unmatched 0, malformed 2 (dry run)"
}

@test "IMP036: without --key the whole record is the key: a row repeated, or already logged, is skipped; a changed one is not" {
	printf 'email,type,text\npetr@example.cz,note,A\npetr@example.cz,note,A\nivan@example.bg,note,A\n' >n.csv
	run --separate-stderr crm-log --import n.csv
	assert_success
	assert_equal "$stderr" 'crm-log: n.csv: read 3, added 2, duplicates 1, unmatched 0, malformed 0'
	printf 'petr@example.cz,note,B\n' >>n.csv
	run --separate-stderr crm-log --import n.csv
	assert_success
	assert_equal "$stderr" 'crm-log: n.csv: read 4, added 1, duplicates 3, unmatched 0, malformed 0'
	assert_equal "$(jq -r .text interactions.jsonl | tr '\n' ' ')" 'A A B '
	# a note logged by hand with the same fields is the same record
	crm-log lukasz note C >/dev/null
	printf 'email,type,text\nlukasz@example.pl,note,C\n' >c.csv
	run --separate-stderr crm-log --import c.csv
	assert_success
	assert_equal "$stderr" 'crm-log: c.csv: read 1, added 0, duplicates 1, unmatched 0, malformed 0'
}

@test "IMP037: what the options and the file cannot be: errors that change nothing" {
	printf 'Order;Mail;Sum\n1;petr@example.cz;5\n' >o.csv
	run --separate-stderr crm-log --import o.csv --map Order=ref --map Email=email
	assert_failure 2
	assert_equal "$stderr" "crm-log: o.csv:1: --map 'Email=email': no column 'Email' (the columns: Order, Mail, Sum)"
	run --separate-stderr crm-log --import o.csv --map Mail=email --key ref
	assert_failure 2
	assert_equal "$stderr" "crm-log: --key ref: no column is read as 'ref' (name one with --map SRC=ref)"
	run --separate-stderr crm-log --import o.csv --map Order=id
	assert_failure 2
	assert_equal "$stderr" "crm-log: o.csv: a column is read as 'id', which crm-log makes (read it as ref)"
	printf 'map Mail=email\nkey\n' >bad.rules
	run --separate-stderr crm-log --import o.csv --rules bad.rules
	assert_failure 2
	assert_equal "$stderr" 'crm-log: bad.rules:2: key: no value'
	printf '# ok\n\nmap Mail=email\nsumm Sum=amount\n' >bad.rules
	run --separate-stderr crm-log --import o.csv --rules bad.rules
	assert_failure 2
	assert_equal "$stderr" "crm-log: bad.rules:4: unknown option 'summ' (map, set, key, date-format, encoding, delimiter)"
	run --separate-stderr crm-log --import o.csv --rules missing
	assert_failure 2
	assert_equal "$stderr" 'crm-log: missing: No such file or directory'
	run --separate-stderr crm-log --import o.csv --map Mail=email --date-format '%d.%q'
	assert_failure 2
	assert_equal "$stderr" 'crm-log: --date-format: use %d %m %Y %y %H %M %S %%'
	run --separate-stderr crm-log --import o.csv --map Mail=email --map Sum=amount
	assert_failure 1
	assert_equal "$stderr" 'crm-log: o.csv:2: no type (give one with --set type=TYPE, or map a column to it)
crm-log: o.csv: read 1, added 0, duplicates 0, unmatched 0, malformed 1'
	run --separate-stderr crm-log --import o.csv --map Mail=email --map Sum=amount --set type=note
	assert_failure 1
	assert_equal "${stderr_lines[0]}" 'crm-log: o.csv:2: an amount goes with purchase, refund and deal'
	run --separate-stderr crm-log --import o.csv --map Mail=email --set type=done
	assert_equal "${stderr_lines[0]}" 'crm-log: o.csv:2: type done: tasks are closed with crm-log --done'
	run --separate-stderr crm-log --import o.csv --map Mail=email --set type=meting
	assert_equal "${stderr_lines[0]}" 'crm-log: o.csv:2: unknown type "meting" (did you mean meeting?)'
	run --separate-stderr crm-log --import o.csv --key ref,
	assert_failure 2
	run --separate-stderr crm-log --key ref anna note
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-log: --key, --rules and --date-format go with --import'
	run --separate-stderr crm-log --import o.csv --amount 5
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-log: --import takes the fields from the file and --set, and no operands'
	[ ! -e interactions.jsonl ] || [ ! -s interactions.jsonl ]
}

@test "IMP038: the command line wins over the rules file; a file not in UTF-8 is refused, naming --encoding" {
	shop_orders
	# the rules say ref is the key; the command line says the whole record
	run --separate-stderr crm-log --import shop.csv --rules shop --key ref,amount
	assert_success
	sed -i 's/1 299,00/1 199,00/' shop.csv
	run --separate-stderr crm-log --import shop.csv --rules shop --key ref,amount
	assert_equal "${stderr_lines[1]}" 'crm-log: shop.csv: read 4, added 1, duplicates 1, unmatched 1, malformed 1'
	grep -v '^encoding' imports/shop.rules >imports/utf8.rules
	run --separate-stderr crm-log --import shop.csv --rules utf8
	assert_failure 2
	assert_equal "$stderr" "crm-log: shop.csv:1: invalid UTF-8 (byte 10 of the line): name the file's encoding with --encoding (windows-1250, iso-8859-2, windows-1252, ...)"
	run --separate-stderr crm-log -n --import shop.csv --rules utf8 --encoding cp1250
	assert_success
}

@test "IMP039: standard input, a tab-separated file, --delimiter; LC_ALL=C reads the same" {
	printf 'email\ttype\tsubject\tscore\nivan@example.bg\tsurvey\tNPS, Q4\t9\n' >nps.tsv
	run --separate-stderr crm-log -n --import - <nps.tsv
	assert_success
	assert_equal "$(records <<<"$output")" '{"ts":"2026-11-22T10:00:00Z","customer":"I","type":"survey","channel":"web","by":"tester","subject":"NPS, Q4","score":9}'
	assert_equal "$stderr" 'crm-log: <stdin>: read 1, added 1, duplicates 0, unmatched 0, malformed 0 (dry run)'
	tr '\t' '|' <nps.tsv >nps.txt
	run --separate-stderr crm-log -n --import nps.txt --delimiter '|'
	assert_equal "$(records <<<"$output")" '{"ts":"2026-11-22T10:00:00Z","customer":"I","type":"survey","channel":"web","by":"tester","subject":"NPS, Q4","score":9}'
	shop_orders
	LC_ALL=C crm-log -n --import shop.csv --rules shop 2>c.err | records >c.out
	LC_ALL=C.UTF-8 crm-log -n --import shop.csv --rules shop 2>u.err | records >u.out
	assert_same_file c.out u.out
	assert_same_file c.err u.err
}

# --- bounces, unsubscribe replies, survey answers, automated senders ---------

# crm-mail's records of a campaign message sent to customer $1 ($2: the
# campaign), as it writes them.
sent_line() {
	printf '{"id":"%s","ts":"2026-11-20T09:00:00Z","customer":"%s","type":"email","channel":"email","direction":"out","by":"tester","subject":"Hello","campaign":"%s","message_id":"<%s.%s@acme.example>","status":"sent"}\n' \
		"$3" "$1" "$2" "$2" "$1"
}

# A hard bounce as Postfix writes it: Petr's address is unknown.
postfix_bounce() {
	cat <<EOF
From MAILER-DAEMON  Sat Nov 21 10:00:05 2026
Return-Path: <>
Date: Sat, 21 Nov 2026 11:00:05 +0100 (CET)
From: MAILER-DAEMON@mail.acme.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: sales@acme.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4B6A21C0F2.1795600805/mail.acme.example"
Content-Transfer-Encoding: 7bit
Message-Id: <20261121100005.4B6A21C0F2@mail.acme.example>

This is a MIME-encapsulated message.

--4B6A21C0F2.1795600805/mail.acme.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.acme.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<petr@example.cz>: host mx.example.cz[192.0.2.25] said: 550 5.1.1
    <petr@example.cz>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--4B6A21C0F2.1795600805/mail.acme.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.acme.example
X-Postfix-Queue-ID: 4B6A21C0F2
X-Postfix-Sender: rfc822; sales@acme.example
Arrival-Date: Sat, 21 Nov 2026 11:00:03 +0100 (CET)

Final-Recipient: rfc822; Petr@Example.CZ
Original-Recipient: rfc822;petr@example.cz
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.cz
Diagnostic-Code: smtp; 550 5.1.1 <petr@example.cz>: Recipient address rejected:
    User unknown in virtual mailbox table

--4B6A21C0F2.1795600805/mail.acme.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <sales@acme.example>
From: Sales <sales@acme.example>
To: =?UTF-8?B?UGV0ciBEdm/FmcOhaw==?= <petr@example.cz>
Subject: Winter offer
Message-ID: <winter.$P@acme.example>

--4B6A21C0F2.1795600805/mail.acme.example--

EOF
}

# A delay notice as Exim writes it (4.x.x: it will try again): no bounce.
exim_delay() {
	cat <<'EOF'
From MAILER-DAEMON Sat Nov 21 12:00:00 2026
From: Mail Delivery System <Mailer-Daemon@mx.acme.example>
To: sales@acme.example
Subject: Warning: message 1kXyZ-0004aB-2c delayed 24 hours
Auto-Submitted: auto-replied
Message-Id: <E1kXyZ-0007Qq-9F@mx.acme.example>
Date: Sat, 21 Nov 2026 12:00:00 +0000
Content-Type: multipart/report; report-type=delivery-status; boundary=1795608000-eximdsn-1804289383
MIME-Version: 1.0

--1795608000-eximdsn-1804289383
Content-type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mx.acme.example.

--1795608000-eximdsn-1804289383
Content-type: message/delivery-status

Reporting-MTA: dns; mx.acme.example

Action: delayed
Final-Recipient: rfc822;ivan@example.bg
Status: 4.0.0
Remote-MTA: dns; mx.example.bg

--1795608000-eximdsn-1804289383--

EOF
}

@test "IMP040: a hard bounce as Postfix writes it is a bounce of the customer, once; a delay notice is none" {
	{ postfix_bounce; exim_delay; } >bounces.mbox
	run --separate-stderr crm-log -n --import-mail bounces.mbox
	assert_success
	assert_equal "$stderr" 'crm-log: 2 messages read, 1 interaction added, 0 duplicates skipped, 1 unmatched, 0 malformed (dry run)'
	run records <<<"$output"
	assert_output '{"ts":"2026-11-21T10:00:05Z","customer":"P","type":"bounce","channel":"email","direction":"in","by":"tester","subject":"Undelivered Mail Returned to Sender","text":"550 5.1.1 <petr@example.cz>: Recipient address rejected: User unknown in virtual mailbox table","email":"petr@example.cz","status":"5.1.1","message_id":"<20261121100005.4B6A21C0F2@mail.acme.example>"}'
	run --separate-stderr crm-log --import-mail bounces.mbox
	assert_success
	cp interactions.jsonl first.jsonl
	run --separate-stderr crm-log --import-mail bounces.mbox
	assert_equal "$stderr" 'crm-log: 2 messages read, 0 interactions added, 1 duplicate skipped, 1 unmatched, 0 malformed'
	assert_same_file first.jsonl interactions.jsonl
	# a bounce is no contact
	run crm-find -o csv -f email,contacts petr
	assert_output 'email,contacts
petr@example.cz,'
}

@test "IMP041: crm-mail does not mail an address that bounced; the customer's new address is mailed" {
	postfix_bounce >bounces.mbox
	crm-log --import-mail bounces.mbox 2>/dev/null
	crm-add --update "$P" --consent opt-in >/dev/null
	crm-add --update "$L" --consent opt-in >/dev/null
	printf 'From: Sales <sales@acme.example>\nSubject: Hello {{first_name}}\n\nHello\n' >hello.eml
	run --separate-stderr crm-mail -t hello.eml --where 'consent=opt-in'
	assert_success
	assert_equal "$stderr" "crm-mail: $P: skipped: the address bounced on 2026-11-21 (5.1.1)
crm-mail: 1 previewed, 1 skipped, 0 failed"
	assert_equal "$(grep -c '^To: ' <<<"$output")" 1
	assert_line 'To: =?UTF-8?B?xYF1a2FzeiDFu8OzxYLEhw==?= <lukasz@example.pl>'
	crm-add --update "$P" -e petr.dvorak@example.cz >/dev/null
	run --separate-stderr crm-mail -t hello.eml --where 'consent=opt-in'
	assert_success
	assert_equal "$stderr" 'crm-mail: 2 previewed, 0 skipped, 0 failed'
}

# Replies as mail programs write them: Ivan (Gmail) answers the winter
# offer with "отписване" on its first line; Łukasz's program sends the
# one-click mail to the unsubscribe address; Petr writes "Odp: wypisz".
unsubscribe_replies() {
	cat <<EOF
From ivan@example.bg Sat Nov 21 09:00:00 2026
MIME-Version: 1.0
Date: Sat, 21 Nov 2026 11:00:00 +0200
References: <winter.$I@acme.example>
In-Reply-To: <winter.$I@acme.example>
Message-ID: <CAJx5f=Q8-k2@mail.gmail.com>
Subject: Re: Winter offer
From: =?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.bg>
To: Sales <sales@acme.example>
Content-Type: multipart/alternative; boundary="000000000000f3a1b2c405e7"

--000000000000f3a1b2c405e7
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: base64

0L7RgtC/0LjRgdCy0LDQvdC1DQoNCk9uIEZyaSwgMjAgTm92IDIwMjYgYXQgMTE6MDAsIFNhbGVz
IDxzYWxlc0BhY21lLmV4YW1wbGU+IHdyb3RlOg0KPiBXaW50ZXIgb2ZmZXINCg==
--000000000000f3a1b2c405e7
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">отписване</div>
--000000000000f3a1b2c405e7--

From lukasz@example.pl Sat Nov 21 09:30:00 2026
From: lukasz@example.pl
To: unsub+$L@acme.example
Subject: Unsubscribe $L
Date: Sat, 21 Nov 2026 09:30:00 +0000
Message-ID: <unsub-1@example.pl>

This message was sent automatically to unsubscribe.

From petr@example.cz Sat Nov 21 10:00:00 2026
From: =?iso-8859-2?Q?Petr_Dvo=F8=E1k?= <petr@example.cz>
To: sales@acme.example
Subject: Odp: Wypisz.
Date: Sat, 21 Nov 2026 10:00:00 +0000
Message-ID: <p-1@example.cz>

Dekuji.

EOF
}

@test "IMP042: unsubscribe replies set consent=opt-out, logged with the message that asked; a second import changes nothing" {
	printf 'unsubscribe = https://acme.example/u?id={{id}}, mailto:unsub+{{id}}@acme.example?subject=unsubscribe\n' >>crm.conf
	for c in "$L" "$P" "$I"; do crm-add --update "$c" --consent opt-in >/dev/null; done
	unsubscribe_replies >replies.mbox
	cp customers.csv before.csv
	run --separate-stderr crm-log -n --import-mail replies.mbox
	assert_success
	assert_equal "$stderr" 'crm-log: 3 messages read, 3 interactions added, 0 duplicates skipped, 0 unmatched, 0 malformed, 3 opted out (dry run)'
	assert_same_file before.csv customers.csv
	run records <<<"$output"
	assert_output - <<EOF
{"ts":"2026-11-21T09:00:00Z","customer":"I","type":"email","channel":"email","direction":"in","by":"tester","subject":"Re: Winter offer","text":"отписване On Fri, 20 Nov 2026 at 11:00, Sales <sales@acme.example> wrote: > Winter offer","consent":"opt-out","message_id":"<CAJx5f=Q8-k2@mail.gmail.com>"}
{"ts":"2026-11-21T09:30:00Z","customer":"L","type":"email","channel":"email","direction":"in","by":"tester","subject":"Unsubscribe $L","text":"This message was sent automatically to unsubscribe.","consent":"opt-out","message_id":"<unsub-1@example.pl>"}
{"ts":"2026-11-21T10:00:00Z","customer":"P","type":"email","channel":"email","direction":"in","by":"tester","subject":"Odp: Wypisz.","text":"Dekuji.","consent":"opt-out","message_id":"<p-1@example.cz>"}
EOF
	local dry=$output
	run --separate-stderr crm-log --import-mail replies.mbox
	assert_success
	assert_equal "$stderr" 'crm-log: 3 messages read, 3 interactions added, 0 duplicates skipped, 0 unmatched, 0 malformed, 3 opted out'
	assert_equal "$(records interactions.jsonl)" "$dry"
	run crm-find -o csv -f email,consent,updated
	assert_output 'email,consent,updated
lukasz@example.pl,opt-out,2026-11-22T10:00:00Z
petr@example.cz,opt-out,2026-11-22T10:00:00Z
ivan@example.bg,opt-out,2026-11-22T10:00:00Z'
	cp customers.csv c1.csv
	cp interactions.jsonl h1.jsonl
	# the customer opts in again by hand; the old message does not undo it
	crm-add --update "$P" --consent opt-in >/dev/null
	cp customers.csv c2.csv
	run --separate-stderr crm-log --import-mail replies.mbox
	assert_success
	assert_equal "$stderr" 'crm-log: 3 messages read, 0 interactions added, 3 duplicates skipped, 0 unmatched, 0 malformed'
	assert_same_file c2.csv customers.csv
	assert_same_file h1.jsonl interactions.jsonl
	# and crm-mail skips those who opted out
	printf 'From: Sales <sales@acme.example>\nSubject: Hi\n\nHi\n' >hi.eml
	run --separate-stderr crm-mail -t hi.eml --where 'email~/example/'
	assert_equal "${stderr_lines[2]}" 'crm-mail: 1 previewed, 2 skipped, 0 failed'
}

@test "IMP043: a word alone is not enough: a message that mentions unsubscribing, or mail from the team, changes no consent" {
	printf 'unsubscribe = mailto:unsub@acme.example\n' >>crm.conf
	crm-add --update "$L" --consent opt-in >/dev/null
	printf '%s\n' 'From: lukasz@example.pl' 'To: sales@acme.example' 'Subject: Re: offer' \
		'Message-ID: <x-1@example.pl>' '' 'Please do not unsubscribe me, I like the news.' '' \
		'From x Sat Nov 21 09:30:00 2026' 'From: sales@acme.example' 'To: lukasz@example.pl' \
		'Subject: unsubscribe' 'Message-ID: <x-2@acme.example>' '' 'unsubscribe' >m.mbox
	cp customers.csv before.csv
	run --separate-stderr crm-log --import-mail m.mbox
	assert_success
	assert_equal "$stderr" 'crm-log: 2 messages read, 2 interactions added, 0 duplicates skipped, 0 unmatched, 0 malformed'
	assert_same_file before.csv customers.csv
	run jq -r 'has("consent")' interactions.jsonl
	assert_output 'false
false'
}

# Replies to the csat and nps campaigns, as people write them.
survey_replies() {
	cat <<EOF
From lukasz@example.pl Sat Nov 21 09:00:00 2026
From: =?UTF-8?Q?=C5=81ukasz_=C5=BB=C3=B3=C5=82=C4=87?= <lukasz@example.pl>
To: Sales <sales@acme.example>
Subject: Re: How did we do?
In-Reply-To: <csat.$L@acme.example>
Message-ID: <s-1@example.pl>
Content-Type: text/plain; charset=utf-8

5 - wszystko super!

> How did we do? Answer with 1 to 5.

From ivan@example.bg Sat Nov 21 09:10:00 2026
From: ivan@example.bg
To: sales@acme.example
Subject: Re: Would you recommend us?
References: <old@acme.example> <nps.$I@acme.example>
Message-ID: <s-2@example.bg>

9

From petr@example.cz Sat Nov 21 09:20:00 2026
From: petr@example.cz
To: sales@acme.example
Subject: Re: How did we do?
In-Reply-To: <csat.$P@acme.example>
Message-ID: <s-3@example.cz>

45 minutes on the phone, really?

From petr@example.cz Sat Nov 21 09:30:00 2026
From: petr@example.cz
To: sales@acme.example
Subject: Re: How did we do?
In-Reply-To: <csat.$P@acme.example>
Message-ID: <s-4@example.cz>

4.5

From petr@example.cz Sat Nov 21 09:40:00 2026
From: petr@example.cz
To: sales@acme.example
Subject: Re: Winter offer
In-Reply-To: <winter.$P@acme.example>
Message-ID: <s-5@example.cz>

3 - and 2 more next week.

From petr@example.cz Sat Nov 21 09:50:00 2026
From: petr@example.cz
To: sales@acme.example
Subject: Re: How did we do?
In-Reply-To: <csat.$P@acme.example>
Message-ID: <s-6@example.cz>

3 more bikes, please.

EOF
}

@test "IMP044: a reply to a campaign whose first line is a rating is a survey; crm.conf survey.CAMPAIGN = score asks for 0-10, = no for none" {
	{
		sent_line "$L" csat 0000000000001
		sent_line "$I" nps 0000000000002
		sent_line "$P" csat 0000000000003
		sent_line "$P" winter 0000000000004
	} >interactions.jsonl
	printf 'survey.nps = score\nsurvey.winter = no\n' >>crm.conf
	survey_replies >replies.mbox
	run --separate-stderr crm-log -n --import-mail replies.mbox
	assert_success
	assert_equal "$stderr" 'crm-log: 6 messages read, 6 interactions added, 0 duplicates skipped, 0 unmatched, 0 malformed (dry run)'
	local dry=$output
	run jq -c '[.type, .rating, .score, .campaign, .message_id]' <<<"$dry"
	assert_output - <<'EOF'
["survey",5,null,"csat","<s-1@example.pl>"]
["survey",null,9,"nps","<s-2@example.bg>"]
["email",null,null,null,"<s-3@example.cz>"]
["email",null,null,null,"<s-4@example.cz>"]
["email",null,null,null,"<s-5@example.cz>"]
["email",null,null,null,"<s-6@example.cz>"]
EOF
	run records <(head -n 1 <<<"$dry")
	assert_output '{"ts":"2026-11-21T09:00:00Z","customer":"L","type":"survey","channel":"email","direction":"in","by":"tester","subject":"Re: How did we do?","text":"5 - wszystko super! > How did we do? Answer with 1 to 5.","rating":5,"campaign":"csat","message_id":"<s-1@example.pl>"}'
	crm-log --import-mail replies.mbox 2>/dev/null
	run crm-find -o csv -f email,avg_rating
	assert_line 'lukasz@example.pl,5'
	run --separate-stderr crm-log --import-mail replies.mbox
	assert_equal "$stderr" 'crm-log: 6 messages read, 0 interactions added, 6 duplicates skipped, 0 unmatched, 0 malformed'
}

@test "IMP045: --new-leads adds no automated sender: Auto-Submitted, Precedence bulk or list, List-Id, no-reply and mailer-daemon" {
	{
		printf '%s\n' 'From: Shop <no-reply@shop.example>' 'To: sales@acme.example' 'Subject: Your order' \
			'Message-ID: <a1@shop.example>' '' 'Thanks' ''
		printf '%s\n' 'From x Sat Nov 21 09:00:00 2026' 'From: news@list.example' 'To: sales@acme.example' \
			'Subject: Weekly' 'List-Id: <weekly.list.example>' 'Message-ID: <a2@list.example>' '' 'News' ''
		printf '%s\n' 'From x Sat Nov 21 09:00:00 2026' 'From: Auto <robot@corp.example>' 'To: sales@acme.example' \
			'Subject: Out of office' 'Auto-Submitted: auto-replied' 'Message-ID: <a3@corp.example>' '' 'Away' ''
		printf '%s\n' 'From x Sat Nov 21 09:00:00 2026' 'From: promo@bulk.example' 'To: sales@acme.example' \
			'Subject: Sale' 'Precedence: bulk' 'Message-ID: <a4@bulk.example>' '' 'Sale' ''
		printf '%s\n' 'From x Sat Nov 21 09:00:00 2026' 'From: MAILER-DAEMON@mx.example' 'To: sales@acme.example' \
			'Subject: failure notice' 'Message-ID: <a5@mx.example>' '' 'Sorry' ''
		printf '%s\n' 'From x Sat Nov 21 09:00:00 2026' 'From: Marta Nowak <marta@firma.example>' \
			'To: sales@acme.example' 'Subject: Pytanie' 'Auto-Submitted: no' 'Message-ID: <a6@firma.example>' '' 'Ile kosztuje?'
	} >leads.mbox
	run --separate-stderr crm-log --import-mail leads.mbox --new-leads
	assert_success
	assert_equal "$stderr" 'crm-log: 6 messages read, 1 interaction added, 0 duplicates skipped, 5 unmatched, 0 malformed, 1 lead added'
	run bash -c "tail -n 1 customers.csv | cut -d, -f2,3"
	assert_output 'Marta Nowak,marta@firma.example'
}


@test "IMP046: RFC 2231 parameters, Content-Type text, iso-8859-1 read as Windows-1252, ks_c_5601-1987, comments inside addresses" {
	{
		printf '%s\n' 'From lukasz@example.pl Sat Nov 21 09:00:00 2026' 'From: lukasz@example.pl' \
			'To: sales@acme.example' 'Subject: =?iso-8859-1?Q?Caf=E9_=80_price?=' \
			'Message-ID: <r1@example.pl>' 'MIME-Version: 1.0' \
			"Content-Type: multipart/mixed; boundary*0=\"part-\"; boundary*1=one" '' \
			'--part-one' "Content-Type: text/plain; charset*=us-ascii'en'iso-8859-2" \
			'Content-Transfer-Encoding: 8bit' ''
		printf '\xa3\xf3d\xbc, \xbf\xf3\xb3ty rower\n'
		printf '%s\n' '--part-one--' ''
		printf '%s\n' 'From petr@example.cz Sat Nov 21 09:10:00 2026' 'From: petr@example.cz' \
			'To: sales@acme.example' 'Subject: Offer' 'Message-ID: <r2@example.cz>' \
			'Content-Type: text; charset=ISO-8859-1' ''
		printf '\x93Price\x94 \x96 100 \x80\n\n'
		printf '%s\n' 'From ivan@example.bg Sat Nov 21 09:20:00 2026' 'From: ivan@example.bg' \
			'To: sales@acme.example' 'Subject: =?ks_c_5601-1987?B?vsiz58fPvLy/5A==?=' \
			'Message-ID: <r3@example.bg>' 'Content-Type: text/plain; charset="ks_c_5601-1987"' ''
		printf '\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4\n\n'
		printf '%s\n' 'From petr@example.cz Sat Nov 21 09:30:00 2026' \
			'From: Petr (work phone) <petr(at the office)@example.cz>' 'To: sales@acme.example' \
			'Cc: ivan (Ivan) @ example.bg' 'Subject: Comments' 'Message-ID: <r4@example.cz>' '' 'Hi' ''
	} >m.mbox
	run --separate-stderr crm-log -n --import-mail m.mbox
	assert_success
	assert_equal "$stderr" 'crm-log: 4 messages read, 5 interactions added, 0 duplicates skipped, 0 unmatched, 0 malformed (dry run)'
	run jq -r '[.customer, .subject, .text] | @tsv' <<<"$output"
	assert_output "$(printf '%s\t%s\t%s\n' "$L" 'Café € price' 'Łódź, żółty rower' \
		"$P" Offer '“Price” – 100 €' "$I" 안녕하세요 안녕하세요 "$P" Comments Hi "$I" Comments Hi)"
}

@test "IMP047: a digest's messages, with or without their part's header; HTML named entities of European text" {
	{
		printf '%s\n' 'From lukasz@example.pl Sat Nov 21 09:00:00 2026' 'From: lukasz@example.pl' \
			'To: sales@acme.example' 'Subject: Digest' 'Message-ID: <d1@example.pl>' \
			'MIME-Version: 1.0' 'Content-Type: multipart/digest; boundary=dig' '' \
			'--dig' 'From: a@example.com' 'Subject: first' '' 'The first message.' \
			'--dig' '' 'From: b@example.com' 'Subject: second' '' 'The second message.' '--dig--' ''
		printf '%s\n' 'From lukasz@example.pl Sat Nov 21 09:10:00 2026' 'From: lukasz@example.pl' \
			'To: sales@acme.example' 'Subject: Digest 2' 'Message-ID: <d2@example.pl>' \
			'Content-Type: multipart/digest; boundary=dig' '' \
			'--dig' '' 'From: b@example.com' 'Subject: only' '' 'Only message.' '--dig--' ''
		printf '%s\n' 'From petr@example.cz Sat Nov 21 09:20:00 2026' 'From: petr@example.cz' \
			'To: sales@acme.example' 'Subject: HTML' 'Message-ID: <h1@example.cz>' \
			'Content-Type: text/html; charset=utf-8' '' \
			'<p>Caf&eacute; &ndash; 10&nbsp;&euro;, &Lstrok;&oacute;d&zacute;, P&rcaron;&iacute;bram, &bdquo;&Uuml;ber&ldquo; &amp; &unknown; &EACUTE;</p>'
	} >m.mbox
	run --separate-stderr crm-log -n --import-mail m.mbox
	assert_success
	run jq -r .text <<<"$output"
	assert_output 'The first message.
Only message.
Café – 10 €, Łódź, Příbram, „Über“ & &unknown; &EACUTE;'
}

@test "IMP048: the times of an import without an offset are read in the crm.conf time zone" {
	printf 'timezone = Europe/Warsaw\n' >>crm.conf
	printf 'when,email,type\n05.11.2026 14:30,petr@example.cz,call\n2026/07/01 12:00,petr@example.cz,call\n05.11.2026,petr@example.cz,note\n2026-11-05T14:30:00Z,petr@example.cz,note\n' >t.csv
	run --separate-stderr crm-log -n --import t.csv --map when=ts
	assert_success
	run jq -r .ts <<<"$output"
	assert_output '2026-11-05T13:30:00Z
2026-07-01T10:00:00Z
2026-11-04T23:00:00Z
2026-11-05T14:30:00Z'
}

@test "IMP049: a lead's display name never brings a control character into customers.csv" {
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
