#!/usr/bin/env bats
# crm-mail: the mboxrd preview, Maildir output, sending through msmtp to an
# SMTP server on 127.0.0.1, the history it keeps, consent, frequency cap,
# header injection, failures, re-runs and a run killed half-way.

bats_require_minimum_version 1.5.0
load helper

# The helper's teardown, kept: ours stops the mail server first.
eval "$(declare -f teardown | sed '1s/^teardown/helper_teardown/')"

teardown() {
	stop_sink
	helper_teardown
}

LUKASZ=c000000000001
JIRI=c000000000002
PETAR=c000000000003
ANNA=c000000000004
EVA=c000000000005
ZOE=c000000000006
HANS=c000000000007

OFFER_PL='zimowa wyprzedaż – żółte rękawiczki −30 %'
OFFER_CZ='zimní výprodej: příliš žluťoučký kůň úpěl ďábelské ódy'
OFFER_BG='зимна разпродажба: всички продукти на половин цена до края на месеца само за нашите верни клиенти в България'

# A line of 2000 characters.
L2000=$(printf '%02000d' 0 | tr 0 x)

# The Python that has aiosmtpd (a pyenv python3 first on PATH may not).
python_with_aiosmtpd() {
	local p
	for p in python3 /usr/bin/python3; do
		if command -v "$p" >/dev/null && "$p" -c 'import aiosmtpd' 2>/dev/null; then
			printf '%s\n' "$p"
			return 0
		fi
	done
	return 1
}

# Every test: the acme directory with seven customers (three who get mail;
# one opt-out, one with consent unknown, one with an address mail cannot
# reach (its domain has no dot), one without an address), the From in
# crm.conf and the template winter.eml.
local_setup() {
	PY=$(python_with_aiosmtpd) || fail "python3-aiosmtpd is needed (make deps-test)"
	command -v msmtp >/dev/null || fail "msmtp is needed (make deps-test)"
	new_crm
	cat >customers.csv <<-EOF
		id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,offer
		$LUKASZ,Łukasz Żółć,lukasz@example.pl,,Żabka,PL,Łódź,,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,$OFFER_PL
		$JIRI,Jiří Dvořák,jiri@example.cz,,,CZ,Brno,,,customer,opt-in,2026-01-06T09:00:00Z,2026-01-06T09:00:00Z,$OFFER_CZ
		$PETAR,Петър Петров,petar@example.bg,,Родопа ООД,BG,София,,,customer,opt-in,2026-01-07T09:00:00Z,2026-01-07T09:00:00Z,$OFFER_BG
		$ANNA,Anna Nowak,anna@example.pl,,,PL,Kraków,,,customer,opt-out,2026-01-08T09:00:00Z,2026-01-08T09:00:00Z,oferta
		$EVA,Eva Svobodová,eva@example.cz,,,CZ,Praha,,,lead,,2026-01-09T09:00:00Z,2026-01-09T09:00:00Z,nabídka
		$ZOE,Zoë Müller,zoë@example,,,DE,Köln,,,customer,opt-in,2026-01-10T09:00:00Z,2026-01-10T09:00:00Z,Angebot
		$HANS,Hans Meier,,,,DE,Bonn,,,customer,opt-in,2026-01-11T09:00:00Z,2026-01-11T09:00:00Z,Angebot
	EOF
	printf 'currency = EUR\nfrom = Sklep Acme <sklep@acme.example>\n' >crm.conf
	cat >templates/winter.eml <<-EOF
		Subject: {{first_name}}, {{offer}}

		Dzień dobry {{first_name}},

		{{name}}, thank you for choosing {{company|our products}}.
		Price = 2+2=4 and 100% off
		ends with spaces  
		ends with a tab	
		From x
		>From y
		.
		$L2000
		{{offer}} {{offer}} {{offer}}
	EOF
	SINK_PID=
}

# --- the mail server ---------------------------------------------------------

# Start the SMTP sink on a free port of 127.0.0.1 (it binds port 0 and says
# which port it got); the messages go to $SINK. Arguments: --reject ADDRESS.
# Sets SENDMAIL to the msmtp command that sends to it.
start_sink() {
	SINK="$WORK/sink"
	mkdir -p "$SINK"
	rm -f "$SINK/port"
	"$PY" "$TOP/tests/mail/smtp-sink.py" "$SINK" "$@" >>"$WORK/sink.log" 2>&1 3>&- &
	SINK_PID=$!
	local i
	for i in $(seq 100); do
		[ -s "$SINK/port" ] && break
		kill -0 "$SINK_PID" 2>/dev/null || fail "the mail server did not start: $(cat "$WORK/sink.log")"
		sleep 0.1
	done
	[ -s "$SINK/port" ] || fail "the mail server did not start: $(cat "$WORK/sink.log")"
	PORT=$(cat "$SINK/port")
	SENDMAIL="msmtp --host=127.0.0.1 --port=$PORT --from=sklep@acme.example --auth=off --tls=off"
}

stop_sink() {
	if [ -n "${SINK_PID:-}" ]; then
		kill "$SINK_PID" 2>/dev/null || true
		wait "$SINK_PID" 2>/dev/null || true
		SINK_PID=
	fi
}

# How many messages the server received (one per recipient).
sink_count() {
	find "$SINK" -name '*.eml' | wc -l
}

# The envelope recipients the server accepted, in order.
sink_rcpts() {
	[ -f "$SINK/rcpt" ] || return 0
	cut -d' ' -f2 "$SINK/rcpt"
}

# How many messages went to the address $1.
sink_count_for() {
	sink_rcpts | grep -cxF -- "$1" || true
}

# --- reading the messages ----------------------------------------------------

mailcheck() {
	"$PY" "$TOP/tests/mail/mailcheck.py" "$@"
}

# The body the template gives: first name, name, company, offer.
body_of() {
	printf 'Dzień dobry %s,\n\n%s, thank you for choosing %s.\nPrice = 2+2=4 and 100%% off\nends with spaces  \nends with a tab\t\nFrom x\n>From y\n.\n%s\n%s %s %s\n' \
		"$1" "$2" "$3" "$L2000" "$4" "$4" "$4"
}

# What "mailcheck.py show" prints for message N of campaign C to a customer:
# N C ID FIRST NAME ADDRESS COMPANY OFFER
shown() {
	local n=$1 c=$2 id=$3 first=$4 name=$5 addr=$6 company=$7 offer=$8
	printf '== %s\nFrom: Sklep Acme <sklep@acme.example>\nTo: %s <%s>\nTo-name: %s\nTo-addr: %s\nSubject: %s, %s\nDate: Sun, 22 Nov 2026 10:00:00 +0000\nMessage-ID: <%s.%s@acme.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: quoted-printable\n--\n' \
		"$n" "$name" "$addr" "$name" "$addr" "$first" "$offer" "$c" "$id"
	body_of "$first" "$name" "$company" "$offer"
	printf '==\n'
}

# The three messages of the fixture, numbered from 1, campaign $1.
shown_all() {
	local c=${1:-winter}
	shown 1 "$c" $LUKASZ Łukasz "Łukasz Żółć" lukasz@example.pl Żabka "$OFFER_PL"
	shown 2 "$c" $JIRI Jiří "Jiří Dvořák" jiri@example.cz "our products" "$OFFER_CZ"
	shown 3 "$c" $PETAR Петър "Петър Петров" petar@example.bg "Родопа ООД" "$OFFER_BG"
}

# The four customers who are not mailed, as crm-mail reports them.
SKIPPED="crm-mail: $ANNA: skipped: no opt-in consent
crm-mail: $EVA: skipped: no opt-in consent
crm-mail: $ZOE: skipped: an invalid e-mail: needs a domain with a dot (name@example.com)
crm-mail: $HANS: skipped: no e-mail"
ALREADY="skipped: already sent in this campaign"

# The history, one line per event: customer, type, channel, direction, by,
# status, campaign, message_id, subject, exit ("-" when none).
history() {
	jq -r '[.customer, .type, .channel, .direction, .by, .status, .campaign, .message_id, .subject, (.exit // "-")] | map(tostring) | join(" | ")' interactions.jsonl
}

# One line of history() for a customer of the fixture: ID STATUS SUBJECT [EXIT]
hline() {
	printf '%s | email | email | out | tester | %s | winter | <winter.%s@acme.example> | %s | %s\n' \
		"$1" "$2" "$1" "$3" "${4:--}"
}

# --- preview -----------------------------------------------------------------

@test "MAIL001: the preview is an mbox on stdout, one message per customer mailed, and the history stays empty" {
	run --separate-stderr crm-mail -t winter.eml <customers.csv
	assert_success
	assert_equal "$stderr" "$SKIPPED
crm-mail: 3 previewed, 4 skipped, 0 failed"
	mbox=$output
	run grep -c '^From ' <<<"$mbox"
	assert_output 3
	run grep '^From ' <<<"$mbox"
	assert_output "From MAILER-DAEMON Sun Nov 22 10:00:00 2026
From MAILER-DAEMON Sun Nov 22 10:00:00 2026
From MAILER-DAEMON Sun Nov 22 10:00:00 2026"
	assert_equal "$(head -n 1 <<<"$mbox")" "From MAILER-DAEMON Sun Nov 22 10:00:00 2026"
	[ ! -s interactions.jsonl ] || fail "history written: $(cat interactions.jsonl)"
}

@test "MAIL002: the preview parses without defects; names, subjects and bodies decode exactly (Polish, Czech, Bulgarian)" {
	crm-mail -t winter.eml <customers.csv >preview.mbox 2>/dev/null
	run mailcheck lint mbox:preview.mbox
	assert_success
	assert_output ok
	run mailcheck show mbox:preview.mbox
	assert_success
	assert_equal "$output" "$(shown_all)"
}

@test "MAIL003: the raw headers: From, To, Subject encoded-words, Date, Message-ID, MIME headers, in this order" {
	crm-mail -t winter.eml <customers.csv >preview.mbox 2>/dev/null
	# the headers of the first message, raw
	run sed -n '2,/^$/{/^$/q;p}' preview.mbox
	assert_output "From: Sklep Acme <sklep@acme.example>
To: =?UTF-8?B?xYF1a2FzeiDFu8OzxYLEhw==?= <lukasz@example.pl>
Subject: =?UTF-8?B?xYF1a2Fzeiwgemltb3dhIHd5cHJ6ZWRhxbwg4oCTIMW8w7PFgnRl?=
 =?UTF-8?B?IHLEmWthd2ljemtpIOKIkjMwICU=?=
Date: Sun, 22 Nov 2026 10:00:00 +0000
Message-ID: <winter.$LUKASZ@acme.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable"
	run grep -E '^(Message-ID|Date|MIME-Version|Content-Type|Content-Transfer-Encoding):' preview.mbox
	assert_output "Date: Sun, 22 Nov 2026 10:00:00 +0000
Message-ID: <winter.$LUKASZ@acme.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
Date: Sun, 22 Nov 2026 10:00:00 +0000
Message-ID: <winter.$JIRI@acme.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
Date: Sun, 22 Nov 2026 10:00:00 +0000
Message-ID: <winter.$PETAR@acme.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable"
}

@test "MAIL004: header lines within 78 characters, encoded-words within 75, body lines within 76, '=' as =3D, trailing white space encoded" {
	crm-mail -t winter.eml <customers.csv >preview.mbox 2>/dev/null
	# header blocks: from each From_ line to the blank line after it
	awk '/^From MAILER-DAEMON /{h=1; next} h && /^$/{h=0} h' preview.mbox >headers
	awk '/^From MAILER-DAEMON /{h=1; next} h && /^$/{h=0; next} !h && !/^From MAILER-DAEMON /' preview.mbox >bodies
	[ -s headers ] && [ -s bodies ]
	run awk 'length($0) > 78' headers
	assert_output ""
	run awk 'length($0) > 76' bodies
	assert_output ""
	grep -oE '=\?[^?[:space:]]*\?[BbQq]\?[^?[:space:]]*\?=' headers >words
	run awk 'length($0) > 75' words
	assert_output ""
	# the long Bulgarian subject takes several encoded-words, all on lines of their own
	run grep -c '^ =?UTF-8?B?' headers
	[ "$output" -ge 4 ] || fail "the Cyrillic subject was not folded: $(cat headers)"
	run grep -cE '[[:space:]]$' bodies
	assert_output 0
	run grep -F -x -e 'Price =3D 2+2=3D4 and 100% off' -e 'ends with spaces =20' -e 'ends with a tab=09' bodies
	assert_output "Price =3D 2+2=3D4 and 100% off
ends with spaces =20
ends with a tab=09
Price =3D 2+2=3D4 and 100% off
ends with spaces =20
ends with a tab=09
Price =3D 2+2=3D4 and 100% off
ends with spaces =20
ends with a tab=09"
	# the 2000 x's: 26 lines of 75 and a '=' soft break, then the last 50
	run grep -c -x 'x\{75\}=' bodies
	assert_output 78
	run grep -c -x 'x\{50\}' bodies
	assert_output 3
}

@test "MAIL005: mboxrd: body lines starting with 'From ' or '>From ' get one more '>', and un-quoted they are the lines sent" {
	crm-mail -t winter.eml <customers.csv >preview.mbox 2>/dev/null
	run grep -E '^>*From ' preview.mbox
	assert_output "From MAILER-DAEMON Sun Nov 22 10:00:00 2026
>From x
>>From y
From MAILER-DAEMON Sun Nov 22 10:00:00 2026
>From x
>>From y
From MAILER-DAEMON Sun Nov 22 10:00:00 2026
>From x
>>From y"
	# each message ends with a blank line: before the next From_ line and at the end
	run awk '/^From MAILER-DAEMON / && NR > 1 && prev != "" { print NR ": " prev } { prev = $0 }' preview.mbox
	assert_output ""
	run bash -c 'tail -c 2 preview.mbox | od -An -c'
	assert_output "  \n  \n"
}

@test "MAIL006: the campaign is the template's name without .eml, or --campaign; it makes the Message-ID" {
	cp templates/winter.eml ../spring-sale.eml
	crm-mail -t ../spring-sale.eml <customers.csv >a.mbox 2>/dev/null
	run grep '^Message-ID:' a.mbox
	assert_output "Message-ID: <spring-sale.$LUKASZ@acme.example>
Message-ID: <spring-sale.$JIRI@acme.example>
Message-ID: <spring-sale.$PETAR@acme.example>"
	crm-mail -t templates/winter.eml --campaign nov2026 <customers.csv >b.mbox 2>/dev/null
	run mailcheck show mbox:b.mbox
	assert_equal "$output" "$(shown_all nov2026)"
}

@test "MAIL007: --maildir DIR writes one file per message into DIR/new and creates cur/ and tmp/" {
	crm-mail -t winter.eml <customers.csv >preview.mbox 2>/dev/null
	run --separate-stderr crm-mail -t winter.eml --maildir box <customers.csv
	assert_success
	assert_output ""
	assert_equal "$stderr" "$SKIPPED
crm-mail: 3 previewed, 4 skipped, 0 failed"
	[ -d box/cur ] && [ -d box/tmp ] && [ -d box/new ]
	run ls box/new
	assert_equal "${#lines[@]}" 3
	run ls -A box/cur box/tmp
	assert_output "box/cur:

box/tmp:"
	run mailcheck lint maildir:box
	assert_output ok
	run mailcheck show maildir:box
	assert_equal "$output" "$(shown_all)"
	# no From_ line and no mboxrd quoting in a Maildir file
	run grep -h -E '^>*From ' box/new/*
	assert_output "From x
>From y
From x
>From y
From x
>From y"
	[ ! -s interactions.jsonl ]
}

@test "MAIL008: --send with -n sends nothing: it previews and leaves the history alone" {
	printf '#!/bin/sh\necho called >>"%s/called"\ncat >/dev/null\n' "$WORK" >"$WORK/fake-sendmail"
	chmod +x "$WORK/fake-sendmail"
	run --separate-stderr crm-mail -t winter.eml --send -n --sendmail "$WORK/fake-sendmail" <customers.csv
	assert_success
	assert_equal "$stderr" "$SKIPPED
crm-mail: 3 previewed, 4 skipped, 0 failed"
	run grep -c '^From MAILER-DAEMON ' <<<"$output"
	assert_output 3
	[ ! -e "$WORK/called" ]
	[ ! -s interactions.jsonl ]
}

# --- sending -----------------------------------------------------------------

@test "MAIL009: --send through msmtp: the server gets one message per customer, decoded exactly as the preview" {
	start_sink
	crm-mail -t winter.eml <customers.csv >preview.mbox 2>/dev/null
	run --separate-stderr crm-mail -t winter.eml --send --sendmail "$SENDMAIL" <customers.csv
	assert_success
	assert_output ""
	assert_equal "$stderr" "$SKIPPED
crm-mail: 3 sent, 4 skipped, 0 failed"
	assert_equal "$(sink_count)" 3
	run sink_rcpts
	assert_output "lukasz@example.pl
jiri@example.cz
petar@example.bg"
	run mailcheck lint "sink:$SINK"
	assert_output ok
	run mailcheck show "sink:$SINK"
	assert_equal "$output" "$(shown_all)"
	# the same as the mboxrd preview read back
	assert_equal "$output" "$(mailcheck show mbox:preview.mbox)"
}

@test "MAIL010: sent mail keeps 'From x', '>From y', '.' and a 2000-character line; the Cyrillic subject's encoded-words are at most 75 characters" {
	start_sink
	crm-mail -t winter.eml --where 'country=BG' --send --sendmail "$SENDMAIL" 2>/dev/null
	assert_equal "$(sink_count)" 1
	tr -d '\r' <"$SINK/1.eml" >got
	# raw: the dot line went through SMTP dot-stuffing and back
	run grep -x -E '>*From .*|\.' got
	assert_output "From x
>From y
."
	sed -n '1,/^$/p' got >headers
	run awk 'length($0) > 78' headers
	assert_output ""
	grep -oE '=\?[^?[:space:]]*\?[BbQq]\?[^?[:space:]]*\?=' headers >words
	run grep -c . words
	[ "$output" -ge 5 ] || fail "expected the subject in several encoded-words: $(cat headers)"
	run awk 'length($0) > 75' words
	assert_output ""
	run "$PY" -c '
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
print(m["Subject"])
print(m["To"].addresses[0].display_name)
lines = m.get_content().split("\n")
print(len([l for l in lines if l == "x" * 2000]))
' got
	assert_output "Петър, $OFFER_BG
Петър Петров
1"
}

@test "MAIL011: each message sent is logged as pending, then sent: direction out, campaign, message_id, subject, status" {
	start_sink
	crm-mail -t winter.eml --send --sendmail "$SENDMAIL" <customers.csv 2>/dev/null
	run history
	assert_output "$(hline $LUKASZ pending "Łukasz, $OFFER_PL")
$(hline $LUKASZ sent "Łukasz, $OFFER_PL")
$(hline $JIRI pending "Jiří, $OFFER_CZ")
$(hline $JIRI sent "Jiří, $OFFER_CZ")
$(hline $PETAR pending "Петър, $OFFER_BG")
$(hline $PETAR sent "Петър, $OFFER_BG")"
	run jq -r '.ts' interactions.jsonl
	assert_output "$(printf '2026-11-22T10:00:00Z\n%.0s' 1 2 3 4 5 6)"
	while read -r id; do assert_id "$id"; done < <(jq -r .id interactions.jsonl)
	run bash -c 'jq -r .id interactions.jsonl | sort -u | wc -l'
	assert_output 6
	# the history is readable by the other programs
	run crm-find --where 'last_campaign=winter' -f id
	assert_success
	assert_output "id
$LUKASZ
$JIRI
$PETAR"
}

@test "MAIL012: a name holding a line break (header injection) is refused; no message reaches the server for it" {
	{
		printf 'c000000000008,"x\nBcc: victim@example.test",mallory@example.com,,,PL,,,,customer,opt-in,2026-01-12T09:00:00Z,2026-01-12T09:00:00Z,oferta\n'
	} >>customers.csv
	start_sink
	run --separate-stderr crm-mail -t winter.eml --send --sendmail "$SENDMAIL" <customers.csv
	assert_success
	assert_equal "$stderr" "$SKIPPED
crm-mail: c000000000008: skipped: a line break in the name, for the To header
crm-mail: 3 sent, 5 skipped, 0 failed"
	run sink_rcpts
	assert_output "lukasz@example.pl
jiri@example.cz
petar@example.bg"
	run grep -rl -i -e 'victim' -e 'mallory' "$SINK"
	assert_output ""
	run grep -c c000000000008 interactions.jsonl
	assert_output 0
}

@test "MAIL013: a header placeholder whose value holds a line break is refused, in the Subject or in another header" {
	cat >templates/offer.eml <<-'EOF'
		Subject: An offer for {{company|you}}
		X-Company: {{city|-}}

		Hello {{first_name}},
		see our offer for {{company|you}}.
	EOF
	{
		printf 'c000000000008,Marta Kos,marta@example.pl,,"Acme\nBcc: victim@example.test",PL,,,,customer,opt-in,2026-01-12T09:00:00Z,2026-01-12T09:00:00Z,oferta\n'
		printf 'c000000000009,Petr Novák,petr@example.cz,,Nova,CZ,"Brno\r\nBcc: victim@example.test",,,customer,opt-in,2026-01-12T09:00:00Z,2026-01-12T09:00:00Z,nabídka\n'
	} >>customers.csv
	start_sink
	run --separate-stderr crm-mail -t offer.eml --send --sendmail "$SENDMAIL" <customers.csv
	assert_success
	assert_equal "$stderr" "$SKIPPED
crm-mail: c000000000008: skipped: a line break in {{company}}, for the Subject header
crm-mail: c000000000009: skipped: a line break in {{city}}, for the X-Company header
crm-mail: 3 sent, 6 skipped, 0 failed"
	run sink_rcpts
	assert_output "lukasz@example.pl
jiri@example.cz
petar@example.bg"
	run grep -rl -i -e 'victim' -e 'marta' -e 'petr@' "$SINK"
	assert_output ""
	run mailcheck lint "sink:$SINK"
	assert_output ok
	run bash -c "\"\$1\" '$TOP/tests/mail/mailcheck.py' show 'sink:$SINK' | grep -E '^(Subject|X-Company):'" _ "$PY"
	assert_output "Subject: An offer for Żabka
X-Company: Łódź
Subject: An offer for you
X-Company: Brno
Subject: An offer for Родопа ООД
X-Company: София"
}

@test "MAIL014: the server refusing one recipient (550): that one is failed with the exit status, the others sent, exit 2" {
	start_sink --reject jiri@example.cz
	run --separate-stderr crm-mail -t winter.eml --send --sendmail "$SENDMAIL" --failed failed.csv <customers.csv
	assert_failure 2
	# msmtp's own complaints are on stderr too; crm-mail's lines are these
	code=$(jq -r 'select(.status == "failed") | .exit' interactions.jsonl)
	[[ $code =~ ^[1-9][0-9]*$ ]] || fail "no exit status in the failed event: $(cat interactions.jsonl)"
	run grep '^crm-mail: ' <<<"$stderr"
	assert_output "crm-mail: $JIRI: failed: the sendmail command failed (exit $code)
$SKIPPED
crm-mail: 2 sent, 4 skipped, 1 failed"
	run sink_rcpts
	assert_output "lukasz@example.pl
petar@example.bg"
	run history
	assert_output "$(hline $LUKASZ pending "Łukasz, $OFFER_PL")
$(hline $LUKASZ sent "Łukasz, $OFFER_PL")
$(hline $JIRI pending "Jiří, $OFFER_CZ")
$(hline $JIRI failed "Jiří, $OFFER_CZ" "$code")
$(hline $PETAR pending "Петър, $OFFER_BG")
$(hline $PETAR sent "Петър, $OFFER_BG")"
	run grep "^$JIRI," failed.csv
	assert_output "$JIRI,Jiří Dvořák,jiri@example.cz,,,CZ,Brno,,,customer,opt-in,2026-01-06T09:00:00Z,2026-01-06T09:00:00Z,$OFFER_CZ,the sendmail command failed (exit $code)"
}

@test "MAIL015: a re-run after a failure retries only the failed customer" {
	start_sink --reject jiri@example.cz
	run crm-mail -t winter.eml --send --sendmail "$SENDMAIL" <customers.csv
	assert_failure 2
	stop_sink
	start_sink
	# the sendmail command may come from crm.conf
	printf 'sendmail = %s\n' "$SENDMAIL" >>crm.conf
	run --separate-stderr crm-mail -t winter.eml --send <customers.csv
	assert_success
	assert_equal "$stderr" "crm-mail: $LUKASZ: $ALREADY
crm-mail: $PETAR: $ALREADY
$SKIPPED
crm-mail: 1 sent, 6 skipped, 0 failed"
	run sink_rcpts
	assert_output "lukasz@example.pl
petar@example.bg
jiri@example.cz"
	run jq -r 'select(.customer == "'$JIRI'") | .status' interactions.jsonl
	assert_output "pending
failed
pending
sent"
	run bash -c "\"\$1\" '$TOP/tests/mail/mailcheck.py' show 'sink:$SINK' | grep -E '^(To|Subject):'" _ "$PY"
	assert_line --index 4 "To: Jiří Dvořák <jiri@example.cz>"
	assert_line --index 5 "Subject: Jiří, $OFFER_CZ"
}

@test "MAIL016: a re-run after everything was sent sends nothing and exits 1" {
	start_sink
	crm-mail -t winter.eml --send --sendmail "$SENDMAIL" <customers.csv 2>/dev/null
	assert_equal "$(sink_count)" 3
	before=$(cat interactions.jsonl)
	run --separate-stderr crm-mail -t winter.eml --send --sendmail "$SENDMAIL" <customers.csv
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "crm-mail: $LUKASZ: $ALREADY
crm-mail: $JIRI: $ALREADY
crm-mail: $PETAR: $ALREADY
$SKIPPED
crm-mail: 0 sent, 7 skipped, 0 failed"
	assert_equal "$(sink_count)" 3
	assert_equal "$(cat interactions.jsonl)" "$before"
	# and the preview of that campaign has nothing either
	run --separate-stderr crm-mail -t winter.eml <customers.csv
	assert_failure 1
	assert_output ""
	# another campaign is not held back by the first one's history
	run --separate-stderr crm-mail -t winter.eml --campaign other --cap 0 --send --sendmail "$SENDMAIL" <customers.csv
	assert_success
	assert_equal "$(sink_count)" 6
	run jq -r 'select(.campaign == "other") | [.status, .message_id] | join(" ")' interactions.jsonl
	assert_output "pending <other.$LUKASZ@acme.example>
sent <other.$LUKASZ@acme.example>
pending <other.$JIRI@acme.example>
sent <other.$JIRI@acme.example>
pending <other.$PETAR@acme.example>
sent <other.$PETAR@acme.example>"
}

@test "MAIL017: a pending send without its outcome is reported unknown and not sent again" {
	printf '{"id":"0000000000p01","ts":"2026-11-22T09:00:00Z","customer":"%s","type":"email","channel":"email","direction":"out","by":"tester","subject":"x","campaign":"winter","message_id":"<winter.%s@acme.example>","status":"pending"}\n' \
		"$JIRI" "$JIRI" >interactions.jsonl
	start_sink
	run --separate-stderr crm-mail -t winter.eml --send --sendmail "$SENDMAIL" <customers.csv
	assert_success
	assert_equal "$stderr" "crm-mail: $JIRI: skipped: unknown: a send was started and not confirmed; check the mail log
$SKIPPED
crm-mail: 2 sent, 5 skipped, 0 failed"
	run sink_rcpts
	assert_output "lukasz@example.pl
petar@example.bg"
	run jq -r 'select(.customer == "'$JIRI'") | .status' interactions.jsonl
	assert_output pending
	# a pending send of another campaign does not count
	run --separate-stderr crm-mail -t winter.eml --campaign other --cap 0 --where "id=$JIRI" --send --sendmail "$SENDMAIL"
	assert_success
	assert_equal "$stderr" "crm-mail: 1 sent, 0 skipped, 0 failed"
}

@test "MAIL018: a run killed with SIGKILL and run again: everyone gets exactly one message (one left pending at most one)" {
	{
		head -n 1 customers.csv
		for i in 1 2 3 4 5; do
			printf 'k00000000000%d,Kunde Nummer%d,k%d@example.de,,,DE,,,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,Angebot %d\n' "$i" "$i" "$i" "$i"
		done
	} >c.csv
	mv c.csv customers.csv
	start_sink
	crm-mail -t winter.eml --where 'consent=opt-in' --send --rate 30 --sendmail "$SENDMAIL" \
		>"$WORK/run1.out" 2>"$WORK/run1.err" 3>&- &
	pid=$!
	sleep 3
	kill -9 "$pid"
	wait "$pid" || true
	first=$(sink_count)
	[ "$first" -ge 1 ] && [ "$first" -lt 5 ] || fail "killed after 3 s with $first of 5 sent"
	sent1=$(jq -s '[.[] | select(.status == "sent")] | length' interactions.jsonl)
	run --separate-stderr crm-mail -t winter.eml --where 'consent=opt-in' --send --sendmail "$SENDMAIL"
	assert_success
	# customers left pending by the kill
	pending=$(jq -rs 'group_by(.customer)[] | select(all(.status != "sent")) | .[0].customer' interactions.jsonl)
	for i in 1 2 3 4 5; do
		n=$(sink_count_for "k$i@example.de")
		if grep -qx "k00000000000$i" <<<"$pending"; then
			[ "$n" -le 1 ] || fail "k$i (pending) got $n messages"
			[[ $stderr == *"k00000000000$i: skipped: unknown: a send was started and not confirmed; check the mail log"* ]] ||
				fail "k$i is pending and not reported unknown: $stderr"
		else
			[ "$n" -eq 1 ] || fail "k$i got $n messages: $(cat "$SINK/rcpt")"
		fi
	done
	# the customers sent before the kill are reported as such
	run grep -c 'skipped: already sent in this campaign' <<<"$stderr"
	assert_output "$sent1"
}

# --- who is mailed -----------------------------------------------------------

@test "MAIL019: opt-out and unknown consent are skipped, unless --transactional" {
	run --separate-stderr crm-mail -t winter.eml --where 'country=PL or country=CZ'
	assert_success
	assert_equal "$stderr" "crm-mail: $ANNA: skipped: no opt-in consent
crm-mail: $EVA: skipped: no opt-in consent
crm-mail: 2 previewed, 2 skipped, 0 failed"
	run --separate-stderr crm-mail -t winter.eml --where 'country=PL or country=CZ' --transactional
	assert_success
	assert_equal "$stderr" "crm-mail: 4 previewed, 0 skipped, 0 failed"
	run grep '^To:' <<<"$output"
	assert_output "To: =?UTF-8?B?xYF1a2FzeiDFu8OzxYLEhw==?= <lukasz@example.pl>
To: =?UTF-8?B?SmnFmcOtIER2b8WZw6Fr?= <jiri@example.cz>
To: Anna Nowak <anna@example.pl>
To: =?UTF-8?B?RXZhIFN2b2JvZG92w6E=?= <eva@example.cz>"
}

@test "MAIL020: the frequency cap: mailed 3 days ago is skipped; --cap 0 and cap_days change it" {
	printf '{"id":"0000000000e01","ts":"2026-11-19T10:00:00Z","customer":"%s","type":"email","channel":"email","direction":"out","by":"tester","subject":"Hi"}\n' "$LUKASZ" >interactions.jsonl
	# mail from the customer is no mail to them
	printf '{"id":"0000000000e02","ts":"2026-11-21T10:00:00Z","customer":"%s","type":"email","channel":"email","direction":"in","by":"tester","subject":"Re: Hi"}\n' "$JIRI" >>interactions.jsonl
	run --separate-stderr crm-mail -t winter.eml <customers.csv
	assert_success
	assert_equal "$stderr" "crm-mail: $LUKASZ: skipped: mailed on 2026-11-19, within 7 days
$SKIPPED
crm-mail: 2 previewed, 5 skipped, 0 failed"
	run --separate-stderr crm-mail -t winter.eml --cap 0 <customers.csv
	assert_equal "$stderr" "$SKIPPED
crm-mail: 3 previewed, 4 skipped, 0 failed"
	run --separate-stderr crm-mail -t winter.eml --cap 4 <customers.csv
	assert_equal "$stderr" "crm-mail: $LUKASZ: skipped: mailed on 2026-11-19, within 4 days
$SKIPPED
crm-mail: 2 previewed, 5 skipped, 0 failed"
	run --separate-stderr crm-mail -t winter.eml --cap 2 <customers.csv
	assert_equal "$stderr" "$SKIPPED
crm-mail: 3 previewed, 4 skipped, 0 failed"
	printf 'cap_days = 2\n' >>crm.conf
	run --separate-stderr crm-mail -t winter.eml <customers.csv
	assert_equal "$stderr" "$SKIPPED
crm-mail: 3 previewed, 4 skipped, 0 failed"
	printf 'cap_days = 5\n' >>crm.conf
	sed -i '/^cap_days = 2$/d' crm.conf
	run --separate-stderr crm-mail -t winter.eml <customers.csv
	assert_equal "$stderr" "crm-mail: $LUKASZ: skipped: mailed on 2026-11-19, within 5 days
$SKIPPED
crm-mail: 2 previewed, 5 skipped, 0 failed"
	# the option beats crm.conf
	run --separate-stderr crm-mail -t winter.eml --cap 0 <customers.csv
	assert_equal "$stderr" "$SKIPPED
crm-mail: 3 previewed, 4 skipped, 0 failed"
}

@test "MAIL021: a placeholder with neither a value nor a default skips the customer; no empty greeting is rendered" {
	printf 'c000000000008,,noname@example.pl,,,PL,,,,customer,opt-in,2026-01-12T09:00:00Z,2026-01-12T09:00:00Z,oferta\n' >>customers.csv
	cat >templates/hello.eml <<-'EOF'
		Subject: Hello {{first_name}}

		Hello {{first_name}},
		greetings from {{company|our shop}}.
	EOF
	run --separate-stderr crm-mail -t hello.eml <customers.csv
	assert_success
	assert_equal "$stderr" "$SKIPPED
crm-mail: c000000000008: skipped: no value for {{first_name}}
crm-mail: 3 previewed, 5 skipped, 0 failed"
	refute_output --partial "Hello ,"
	refute_output --partial "noname@example.pl"
	# a field no customer has, in the body
	cat >templates/title.eml <<-'EOF'
		Subject: News

		Dear {{title}} {{name}},
	EOF
	run --separate-stderr crm-mail -t title.eml --where 'consent=opt-in and country=PL'
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "crm-mail: $LUKASZ: skipped: no value for {{title}}
crm-mail: c000000000008: skipped: no value for {{title}}
crm-mail: 0 previewed, 2 skipped, 0 failed"
	# with a default it renders
	printf 'Subject: News\n\nDear {{title|customer}} {{name}},\n' >templates/title.eml
	run --separate-stderr crm-mail -t title.eml --where "id=$LUKASZ"
	assert_success
	assert_line 'Dear customer =C5=81ukasz =C5=BB=C3=B3=C5=82=C4=87,'
}

@test "MAIL022: --failed FILE writes the customers not mailed as CSV with their columns and a reason" {
	run --separate-stderr crm-mail -t winter.eml --failed failed.csv <customers.csv
	assert_success
	run cat failed.csv
	assert_output "id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,offer,reason
$ANNA,Anna Nowak,anna@example.pl,,,PL,Kraków,,,customer,opt-out,2026-01-08T09:00:00Z,2026-01-08T09:00:00Z,oferta,no opt-in consent
$EVA,Eva Svobodová,eva@example.cz,,,CZ,Praha,,,lead,,2026-01-09T09:00:00Z,2026-01-09T09:00:00Z,nabídka,no opt-in consent
$ZOE,Zoë Müller,zoë@example,,,DE,Köln,,,customer,opt-in,2026-01-10T09:00:00Z,2026-01-10T09:00:00Z,Angebot,an invalid e-mail: needs a domain with a dot (name@example.com)
$HANS,Hans Meier,,,,DE,Bonn,,,customer,opt-in,2026-01-11T09:00:00Z,2026-01-11T09:00:00Z,Angebot,no e-mail"
}

# --- recipients and exit status ----------------------------------------------

@test "MAIL023: no stream and no --where is an error (exit 2); --where selects from the directory" {
	run --separate-stderr crm-mail -t winter.eml
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-mail: no recipients: pipe customers in (crm-find ... | crm-mail) or give --where EXPR"
	run --separate-stderr crm-mail -t winter.eml --where 'country=PL'
	assert_success
	assert_equal "$stderr" "crm-mail: $ANNA: skipped: no opt-in consent
crm-mail: 1 previewed, 1 skipped, 0 failed"
	run grep '^Message-ID:' <<<"$output"
	assert_output "Message-ID: <winter.$LUKASZ@acme.example>"
}

@test "MAIL024: a stream from crm-find is read; a stream wins over the directory" {
	run --separate-stderr bash -c 'crm-find --where "country=CZ or country=BG" | crm-mail -t winter.eml'
	assert_success
	assert_equal "$stderr" "crm-mail: $EVA: skipped: no opt-in consent
crm-mail: 2 previewed, 1 skipped, 0 failed"
	run grep '^Message-ID:' <<<"$output"
	assert_output "Message-ID: <winter.$JIRI@acme.example>
Message-ID: <winter.$PETAR@acme.example>"
}

@test "MAIL025: exit 1 when there is nothing to send, 0 when all was previewed or sent, 2 on any failure" {
	run --separate-stderr crm-mail -t winter.eml --where 'country=DE'
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "crm-mail: $ZOE: skipped: an invalid e-mail: needs a domain with a dot (name@example.com)
crm-mail: $HANS: skipped: no e-mail
crm-mail: 0 previewed, 2 skipped, 0 failed"
	run --separate-stderr crm-mail -t winter.eml --where 'country=BG'
	assert_success
	assert_equal "$stderr" "crm-mail: 1 previewed, 0 skipped, 0 failed"
	# a sendmail command that fails for everyone
	run --separate-stderr crm-mail -t winter.eml --where 'country=BG' --send --sendmail false
	assert_failure 2
	assert_equal "$stderr" "crm-mail: $PETAR: failed: the sendmail command failed (exit 1)
crm-mail: 0 sent, 0 skipped, 1 failed"
	run jq -r '[.status, (.exit // "-" | tostring)] | join(" ")' interactions.jsonl
	assert_output "pending -
failed 1"
	# a sendmail command that cannot be started
	run --separate-stderr crm-mail -t winter.eml --where 'country=BG' --send --sendmail "$WORK/no-such-sendmail"
	assert_failure 2
	assert_equal "$stderr" "crm-mail: $WORK/no-such-sendmail: No such file or directory
crm-mail: $PETAR: failed: the sendmail command failed (exit 127)
crm-mail: 0 sent, 0 skipped, 1 failed"
	run jq -r 'select(.status == "failed") | .exit' interactions.jsonl
	assert_output "1
127"
}

@test "MAIL026: the sendmail command gets '-- ADDRESS' after its own arguments and the message on stdin" {
	cat >"$WORK/fake-sendmail" <<-EOF
		#!/bin/sh
		printf '%s\n' "\$*" >>"$WORK/args"
		cat >>"$WORK/stdin"
	EOF
	chmod +x "$WORK/fake-sendmail"
	run --separate-stderr crm-mail -t winter.eml --send --sendmail "$WORK/fake-sendmail -oi  -f sklep@acme.example" <customers.csv
	assert_success
	run cat "$WORK/args"
	assert_output "-oi -f sklep@acme.example -- lukasz@example.pl
-oi -f sklep@acme.example -- jiri@example.cz
-oi -f sklep@acme.example -- petar@example.bg"
	crm-mail -t winter.eml --campaign x --cap 0 <customers.csv 2>/dev/null | grep -v '^From MAILER-DAEMON ' |
		sed -e 's/^>\(>*From \)/\1/' -e 's/^Message-ID: <x\./Message-ID: <winter./' >expected
	# the preview's messages are the messages sent, but for the separating blank lines
	diff <(grep -v '^$' expected) <(grep -v '^$' "$WORK/stdin")
}

@test "MAIL027: --maildir and --send do not go together; a template needs a Subject" {
	run --separate-stderr crm-mail -t winter.eml --send --maildir box <customers.csv
	assert_failure 2
	assert_output ""
	[ ! -e box ]
	printf 'X-Note: none\n\nHello\n' >templates/nosubject.eml
	run --separate-stderr crm-mail -t nosubject.eml <customers.csv
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-mail: templates/nosubject.eml: the template has no Subject: line"
}

@test "MAIL028: --limit N sends at most N messages a run; the next run goes on with the others" {
	start_sink
	run --separate-stderr crm-mail -t winter.eml --send --limit 1 --sendmail "$SENDMAIL" <customers.csv
	assert_success
	run sink_rcpts
	assert_output "lukasz@example.pl"
	run --separate-stderr crm-mail -t winter.eml --send --limit 1 --sendmail "$SENDMAIL" <customers.csv
	assert_success
	run sink_rcpts
	assert_output "lukasz@example.pl
jiri@example.cz"
	run jq -r '.status' interactions.jsonl
	assert_output "pending
sent
pending
sent"
}

@test "MAIL029: crm.conf unsubscribe adds List-Unsubscribe (and -Post for https) to marketing mail, not to transactional mail" {
	printf 'unsubscribe = https://acme.example/u?id={{id}}, mailto:unsub@acme.example?subject={{id}}\n' >>crm.conf
	crm-mail -t winter.eml --where 'country=BG' >preview.mbox 2>/dev/null
	run grep -A1 -E '^List-Unsubscribe' preview.mbox
	assert_output "List-Unsubscribe: <https://acme.example/u?id=$PETAR>,
 <mailto:unsub@acme.example?subject=$PETAR>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
MIME-Version: 1.0"
	run mailcheck lint mbox:preview.mbox
	assert_output ok
	run bash -c "crm-mail -t winter.eml --where 'country=BG' --transactional 2>/dev/null | grep -c '^List-Unsubscribe'"
	assert_output 0
}

@test "MAIL030: display names in ASCII with specials are quoted, long ones folded, and read back exactly" {
	printf 'id,name,email,consent\nc1,"Kowalski, Jan ""JJ""",jan@example.pl,opt-in\nc2,Dr. Jan Nowak (Acme),nowak@example.pl,opt-in\nc3,A Very Long Name That Goes On And On For Quite A While Indeed Yes It Does,long@example.com,opt-in\n' >s.csv
	printf 'Subject: Hello {{first_name}}\n\nHello\n' >templates/hello.eml
	crm-mail -t hello.eml <s.csv >preview.mbox 2>/dev/null
	run grep -A1 '^To:' preview.mbox
	assert_output 'To: "Kowalski, Jan \"JJ\"" <jan@example.pl>
Subject: Hello Kowalski,
--
To: "Dr. Jan Nowak (Acme)" <nowak@example.pl>
Subject: Hello Dr.
--
To: A Very Long Name That Goes On And On For Quite A While Indeed Yes It Does
 <long@example.com>'
	run mailcheck lint mbox:preview.mbox
	assert_output ok
	run bash -c "\"\$1\" '$TOP/tests/mail/mailcheck.py' show mbox:preview.mbox | grep '^To-'" _ "$PY"
	assert_output 'To-name: Kowalski, Jan "JJ"
To-addr: jan@example.pl
To-name: Dr. Jan Nowak (Acme)
To-addr: nowak@example.pl
To-name: A Very Long Name That Goes On And On For Quite A While Indeed Yes It Does
To-addr: long@example.com'
}

@test "MAIL031: a From with a non-ASCII display name (crm.conf) keeps its address: only the name is encoded" {
	printf 'currency = EUR\nfrom = Sklep Łódź <sklep@acme.example>\n' >crm.conf
	crm-mail -t winter.eml --where 'country=BG' >preview.mbox 2>/dev/null
	run mailcheck lint mbox:preview.mbox
	assert_output ok
	run bash -c "\"\$1\" '$TOP/tests/mail/mailcheck.py' show mbox:preview.mbox | grep '^From:'" _ "$PY"
	assert_output "From: Sklep Łódź <sklep@acme.example>"
	# the Message-IDs still take the sender's domain
	run grep '^Message-ID:' preview.mbox
	assert_output "Message-ID: <winter.$PETAR@acme.example>"
}

@test "MAIL032: a customer twice in the stream is mailed once" {
	{ cat customers.csv; grep "^$LUKASZ," customers.csv; } >twice.csv
	start_sink
	run --separate-stderr crm-mail -t winter.eml --send --sendmail "$SENDMAIL" <twice.csv
	assert_success
	run sink_rcpts
	assert_output "lukasz@example.pl
jiri@example.cz
petar@example.bg"
	[[ $stderr == *"crm-mail: $LUKASZ: skipped: "* ]] || fail "the second $LUKASZ is not reported: $stderr"
	run jq -r 'select(.customer == "'$LUKASZ'") | .status' interactions.jsonl
	assert_output "pending
sent"
}

@test "MAIL033: an address that bounced hard is skipped, even for transactional mail, with the day and the status; another bounce of the same address names the latest" {
	printf '%s\n' \
		"{\"id\":\"b000000000001\",\"ts\":\"2026-11-02T09:00:00Z\",\"customer\":\"$JIRI\",\"type\":\"bounce\",\"channel\":\"email\",\"direction\":\"in\",\"by\":\"cron\",\"email\":\"Jiri@Example.cz\",\"status\":\"5.2.1\",\"message_id\":\"<b1@mx>\"}" \
		"{\"id\":\"b000000000002\",\"ts\":\"2026-11-20T09:00:00Z\",\"customer\":\"$JIRI\",\"type\":\"bounce\",\"channel\":\"email\",\"direction\":\"in\",\"by\":\"cron\",\"email\":\"jiri@example.cz\",\"status\":\"5.1.1\",\"message_id\":\"<b2@mx>\"}" \
		"{\"id\":\"b000000000003\",\"ts\":\"2026-11-21T09:00:00Z\",\"customer\":\"$PETAR\",\"type\":\"bounce\",\"channel\":\"email\",\"direction\":\"in\",\"by\":\"cron\",\"email\":\"old@example.bg\",\"status\":\"5.1.1\",\"message_id\":\"<b3@mx>\"}" \
		>interactions.jsonl
	run --separate-stderr crm-mail -t winter.eml --transactional --failed failed.csv <customers.csv
	assert_success
	assert_equal "$(grep -c '^To: ' <<<"$output")" 4
	refute_line --partial 'jiri@example.cz'
	assert_equal "${stderr_lines[0]}" "crm-mail: $JIRI: skipped: the address bounced on 2026-11-20 (5.1.1)"
	assert_equal "$(grep -c bounced failed.csv)" 1
}

# --- header hygiene ----------------------------------------------------------

# The display names of the To headers of mbox $1, decoded as RFC 2047 says
# (the white space between two encoded-words dropped, which Python's address
# parser keeps), one a line.
to_names() {
	"$PY" -c '
import email.header, re, sys
for head in re.findall(r"^To: .*?(?=^[^ ])", open(sys.argv[1]).read(), re.M | re.S):
    phrase = head[4:].rsplit("<", 1)[0].replace("\n", "")
    print(str(email.header.make_header(email.header.decode_header(phrase))).strip())
' "$1"
}

@test "MAIL034: a value that looks like an encoded-word is encoded itself: a reader shows it as written" {
	printf 'id,name,email,consent,company\nc1,=?UTF-8?B?RXZlDQpCY2M6IGV2aWxAZXhhbXBsZS5jb20=?=,eve@example.pl,opt-in,=?utf-8?q?Bcc=3A_x?=\n' >s.csv
	printf 'Subject: News for {{company}}\n\nHello\n' >templates/news.eml
	run --separate-stderr crm-mail -t news.eml <s.csv
	assert_success
	printf '%s\n' "$output" >preview.mbox
	# the customer's encoded-word is nowhere in the header as it was written
	run grep -c -e 'RXZlDQpCY2M6' -e '=?utf-8?q?Bcc' preview.mbox
	assert_output 0
	run mailcheck lint mbox:preview.mbox
	assert_output ok
	run bash -c "\"\$1\" '$TOP/tests/mail/mailcheck.py' show mbox:preview.mbox | grep -E '^(Subject|Bcc):'" _ "$PY"
	assert_output 'Subject: News for =?utf-8?q?Bcc=3A_x?='
	run to_names preview.mbox
	assert_output '=?UTF-8?B?RXZlDQpCY2M6IGV2aWxAZXhhbXBsZS5jb20=?='
}

@test "MAIL035: every control character in a value for a header skips the customer, naming the field and the header" {
	{
		printf 'id,name,email,consent,company,note\n'
		printf 'c1,Eve\033[31m,c1@example.pl,opt-in,,\n'
		printf 'c2,Ada,c2@example.pl,opt-in,Acme\vLtd,\n'
		printf 'c3,Bob,c3@example.pl,opt-in,Acme\fLtd,\n'
		printf 'c4,Ce\177cil,c4@example.pl,opt-in,,\n'
		printf 'c5,Dan,c5@example.pl,opt-in,Acme\302\205,\n'
		printf 'c6,Eva,c6@example.pl,opt-in,Acme\tLtd,\n'
		printf 'c7,Fay,c7@example.pl,opt-in,Acme,bell\a and escape\033 in the body\n'
	} >s.csv
	printf 'Subject: News for {{company|you}}\n\nHello {{name}},\n{{note|-}}\n' >templates/news.eml
	run --separate-stderr crm-mail -t news.eml <s.csv
	assert_success
	assert_equal "$stderr" 'crm-mail: c1: skipped: a control character (U+001B) in the name, for the To header
crm-mail: c2: skipped: a control character (U+000B) in {{company}}, for the Subject header
crm-mail: c3: skipped: a control character (U+000C) in {{company}}, for the Subject header
crm-mail: c4: skipped: a control character (U+007F) in the name, for the To header
crm-mail: c5: skipped: a control character (U+0085) in {{company}}, for the Subject header
crm-mail: c6: skipped: a control character (U+0009) in {{company}}, for the Subject header
crm-mail: 1 previewed, 6 skipped, 0 failed'
	# in the body they are quoted-printable, harmless
	assert_line 'bell=07 and escape=1B in the body'
	assert_line 'To: Fay <c7@example.pl>'
}

@test "MAIL036: a template's Cc: and Bcc: lines are never copied into the messages" {
	printf 'Subject: Hello\nCc: boss@acme.example\nBcc: spy@acme.example\nReply-To: Sklep <reply@acme.example>\n\nHello\n' >templates/cc.eml
	start_sink
	run --separate-stderr crm-mail -t cc.eml --where 'country=BG' --send --sendmail "$SENDMAIL"
	assert_success
	assert_equal "$stderr" 'crm-mail: templates/cc.eml: the Cc: line is not copied into the messages (for a copy of each, set bcc in crm.conf)
crm-mail: templates/cc.eml: the Bcc: line is not copied into the messages (for a copy of each, set bcc in crm.conf)
crm-mail: 1 sent, 0 skipped, 0 failed'
	run sink_rcpts
	assert_output petar@example.bg
	run grep -c -i -e '^cc:' -e '^bcc:' -e boss -e spy "$SINK/1.eml"
	assert_output 0
	run grep -c '^Reply-To: Sklep <reply@acme.example>' "$SINK/1.eml"
	assert_output 1
}

@test "MAIL037: crm.conf bcc goes to the envelope only, never into a header; a bad one is an error" {
	printf 'bcc = archive@acme.example, kopia@żółw.pl\n' >>crm.conf
	start_sink
	run --separate-stderr crm-mail -t winter.eml --where 'country=BG' --send --sendmail "$SENDMAIL"
	assert_success
	assert_equal "$stderr" 'crm-mail: 1 sent, 0 skipped, 0 failed'
	run sink_rcpts
	assert_output 'petar@example.bg
archive@acme.example
kopia@xn--w-uga1v8h.pl'
	run grep -c -i -e '^cc:' -e '^bcc:' -e archive -e kopia "$SINK/1.eml" "$SINK/2.eml" "$SINK/3.eml"
	assert_output "$SINK/1.eml:0
$SINK/2.eml:0
$SINK/3.eml:0"
	# the preview shows no bcc either
	run bash -c "crm-mail -t winter.eml --campaign other --where 'country=BG' 2>/dev/null | grep -c -e archive -e kopia"
	assert_output 0
	printf 'currency = EUR\nfrom = Sklep Acme <sklep@acme.example>\nbcc = archive@acme.example, not-an-address\n' >crm.conf
	run --separate-stderr crm-mail -t winter.eml --campaign third --where 'country=BG' --send --sendmail "$SENDMAIL"
	assert_failure 2
	assert_equal "$stderr" "crm-mail: crm.conf:3: bcc \"not-an-address\": needs exactly one '@' with a name before it"
	assert_equal "$(sink_count)" 3
}

@test "MAIL038: no header line passes 78 characters, however long a value's words: they go as encoded-words" {
	local name company
	name=$(printf 'N%.0s' {1..2000}) company=$(printf 'c%.0s' {1..1500})
	printf 'id,name,email,consent,company\nc1,%s,long@example.pl,opt-in,%s\n' "$name" "$company" >s.csv
	printf 'Subject: Offer {{company}}\nX-Company: {{company}} and {{company}}\n\nHello\n' >templates/long.eml
	run --separate-stderr crm-mail -t long.eml <s.csv
	assert_success
	printf '%s\n' "$output" >preview.mbox
	awk '/^From MAILER-DAEMON /{h=1; next} h && /^$/{h=0} h' preview.mbox >headers
	run awk 'length($0) > 78' headers
	assert_output ""
	grep -oE '=\?[^?[:space:]]*\?[BbQq]\?[^?[:space:]]*\?=' headers >words
	run awk 'length($0) > 75' words
	assert_output ""
	run mailcheck lint mbox:preview.mbox
	assert_output ok
	run bash -c "\"\$1\" '$TOP/tests/mail/mailcheck.py' show mbox:preview.mbox | grep -E '^(Subject|X-Company):'" _ "$PY"
	assert_output "Subject: Offer $company
X-Company: $company and $company"
	run to_names preview.mbox
	assert_output "$name"
}

@test "MAIL039: addresses beyond ASCII are sent: the domain in its IDNA form, a UTF-8 name before the @ as SMTPUTF8" {
	printf 'id,name,email,consent\nc1,Zoë Müller,zoë@example.de,opt-in\nc2,Anna Żółw,anna@żółw.pl,opt-in\n' >s.csv
	printf 'Subject: Hello {{first_name}}\n\nHello\n' >templates/hello.eml
	start_sink
	run --separate-stderr crm-mail -t hello.eml --send --sendmail "$SENDMAIL" <s.csv
	assert_success
	assert_equal "$stderr" 'crm-mail: 2 sent, 0 skipped, 0 failed'
	run sink_rcpts
	assert_output 'zoë@example.de
anna@xn--w-uga1v8h.pl'
	run mailcheck lint "sink:$SINK"
	assert_output ok
	run bash -c "\"\$1\" '$TOP/tests/mail/mailcheck.py' show 'sink:$SINK' | grep -E '^To-'" _ "$PY"
	assert_output 'To-name: Zoë Müller
To-addr: zoë@example.de
To-name: Anna Żółw
To-addr: anna@xn--w-uga1v8h.pl'
	run jq -r '.status' interactions.jsonl
	assert_output 'pending
sent
pending
sent'
}

@test "MAIL040: --where whose regular expression gives up stops the run with an error: not a wrong 'no'" {
	sed -i "2i c000000000008,$(printf 'a%.0s' {1..40})!,run@example.pl,,,PL,,,,customer,opt-in,2026-01-12T09:00:00Z,2026-01-12T09:00:00Z,oferta" customers.csv
	start_sink
	run --separate-stderr crm-mail -t winter.eml --where 'not name~/!|(a+)+$/' --send --sendmail "$SENDMAIL"
	assert_failure 2
	assert_regex "$stderr" '^crm-mail: customers\.csv:2: customer c000000000008: --where: name~/!\|\(a\+\)\+\$/: the regular expression gave up: '
	assert_equal "$(sink_count)" 0
	[ ! -s interactions.jsonl ]
}

# --- the cost of a campaign ----------------------------------------------------

@test "MAIL041: --send --cost records the campaign's cost once, in crm.conf's currency or the one it names" {
	printf '#!/bin/sh\ncat >/dev/null\n' >"$WORK/fake-sendmail"
	chmod +x "$WORK/fake-sendmail"
	run -0 --separate-stderr crm-mail -t winter.eml --where "id=$JIRI" --send --sendmail "$WORK/fake-sendmail" --cost '1 299,50'
	run -0 jq -c 'select(.type == "campaign") | [.campaign, .cost, .currency, .by, .ts, (.customer // "none")]' interactions.jsonl
	assert_output '["winter",129950,"EUR","tester","2026-11-22T10:00:00Z","none"]'
	# the same cost again (nobody left to mail: exit 1): nothing more is
	# written; another one is a new event
	run -1 --separate-stderr crm-mail -t winter.eml --where "id=$JIRI" --send --sendmail "$WORK/fake-sendmail" --cost 1299.50
	run -0 jq -c 'select(.type == "campaign") | .cost' interactions.jsonl
	assert_output '129950'
	run -1 --separate-stderr crm-mail -t winter.eml --where "id=$JIRI" --send --sendmail "$WORK/fake-sendmail" --cost 'PLN 800'
	run -0 jq -c 'select(.type == "campaign") | [.cost, .currency]' interactions.jsonl
	assert_output $'[129950,"EUR"]\n[80000,"PLN"]'
	run -1 --separate-stderr crm-mail -t winter.eml --where "id=$JIRI" --send --sendmail "$WORK/fake-sendmail" --cost 5000 --currency JPY
	run -0 jq -c 'select(.type == "campaign") | [.cost, .currency]' interactions.jsonl
	assert_line --index 2 '[5000,"JPY"]'
	# crm-check takes the campaign events as they are (the one problem it
	# finds is Zoë's address)
	run -2 --separate-stderr crm-check
	assert_output 'customers.csv:7: email "zoë@example": needs a domain with a dot (name@example.com)'
}

@test "MAIL042: --cost: only with --send, a dry run records nothing, a bad amount is an error" {
	run -2 --separate-stderr crm-mail -t winter.eml --where "id=$JIRI" --cost 100
	[[ $stderr == 'crm-mail: --cost goes with --send: the preview records nothing'$'\n'* ]] || fail "$stderr"
	run -0 --separate-stderr crm-mail -t winter.eml --where "id=$JIRI" --send -n --cost 100
	[ ! -s interactions.jsonl ]
	run -2 --separate-stderr crm-mail -t winter.eml --where "id=$JIRI" --send --cost -5
	[[ $stderr == 'crm-mail: --cost: -5: '* ]] || fail "$stderr"
	run -2 --separate-stderr crm-mail -t winter.eml --where "id=$JIRI" --send --cost 12.345
	[[ $stderr == 'crm-mail: --cost: 12.345: '* ]] || fail "$stderr"
	[ ! -s interactions.jsonl ]
}
