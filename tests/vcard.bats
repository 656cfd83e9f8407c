#!/usr/bin/env bats
# vCard: crm-add --import reads vCard 2.1, 3.0 and 4.0; crm-find and
# crm-segment write vCard 4.0 with -o vcard; a card written and read back
# is the same customer.

load helper

NOW=2026-11-22T10:00:00Z

# The customers as the fields a card carries, CSV without the id.
cards() {
	crm-find -o csv -f name,email,phone,company,country,city,tags
}

# A hand-written customers.csv with two customers and an empty history.
two_customers() {
	cat >customers.csv <<EOF
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,+48 600 100 200,Acme; Sp. z o.o.,PL,Gdańsk,vip;b2b,,customer,opt-in,$NOW,$NOW
01bbbbbbbbbbb,Петър Петров,,,,BG,,,,lead,,$NOW,$NOW
EOF
	: >interactions.jsonl
}

# Fail unless every physical line of file $1 ends in CR LF, is at most 75
# octets before it, and is valid UTF-8 on its own.
assert_folded() {
	local n crlf
	n=$(wc -l <"$1")
	crlf=$(grep -c $'\r$' "$1")
	assert_equal "$crlf" "$n"
	LC_ALL=C awk '{ sub(/\r$/, "") } length($0) > 75 { print FILENAME ":" NR ": " length($0) " octets"; bad = 1 } END { exit bad }' "$1" ||
		fail "a line is longer than 75 octets"
	local line
	while IFS= read -r line; do
		printf '%s' "$line" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 ||
			fail "a physical line is not valid UTF-8 on its own: $(printf '%s' "$line" | od -c | head -3)"
	done <"$1"
}

# The vCard in file $1 with its lines unfolded and CR LF made LF.
unfolded() {
	tr -d '\r' <"$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]//g'
}

# ---------------------------------------------------------------- import

@test "VCF001: a vCard 3.0 card (CR LF, folded lines, groups, escapes) becomes a customer" {
	new_crm
	printf '%s\r\n' \
		'BEGIN:VCARD' \
		'VERSION:3.0' \
		'N:Nowak;Anna;Maria;;' \
		'FN:Anna Maria ' \
		' Nowak' \
		'item1.EMAIL;TYPE=INTERNET:anna@example.pl' \
		'item1.X-ABLabel:work' \
		'TEL;TYPE=CELL:+48 600' \
		'  100 200' \
		'ORG:Acme\, Sp. z o.o.;Sprzedaż' \
		'item2.ADR;TYPE=WORK:;;ul. Długa 1\, lok. 2;Gdańsk;pomorskie;80-001;Poland' \
		'CATEGORIES:vip,b2b,new\, hot' \
		'NOTE:line one\nline two\; with a backslash \\ here' \
		'END:VCARD' >contacts.vcf
	run --separate-stderr crm-add --import contacts.vcf
	assert_success
	assert_id "$output"
	assert_equal "$stderr" 'crm-add: 1 added, 0 updated, 0 unchanged, 0 skipped'
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Anna Maria Nowak,anna@example.pl,+48 600 100 200,"Acme, Sp. z o.o.",PL,Gdańsk,vip;b2b;new;hot
EOF
	run crm-find -o jsonl -f note
	assert_output '{"note":"line one\nline two; with a backslash \\ here"}'
}

@test "VCF002: vCard 4.0 cards: PREF chooses among EMAILs and TELs, tel: URIs, Czech and Bulgarian" {
	new_crm
	cat >contacts.vcf <<'EOF'
BEGIN:VCARD
VERSION:4.0
FN:Zdeněk Dvořák
EMAIL;TYPE=home:zdenek@example.cz
EMAIL;TYPE=work;PREF=1:Z.Dvorak@Firma.CZ
EMAIL;PREF=2:other@example.cz
TEL;VALUE=uri;TYPE="voice,home":tel:+420-222-000-000
TEL;VALUE=uri;PREF=1;TYPE="voice,cell":tel:+420-777-000-111
ADR;TYPE=work:;;Václavské náměstí 1;Praha;;110 00;Česko
ORG:Firma s.r.o.;Vývoj
CATEGORIES:partner
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Петър Петров
N:Петров;Петър;;;
EMAIL:petar@example.bg
EMAIL:second@example.bg
ADR:;;ул. Витоша 1;София;;1000;България
CATEGORIES:vip,доставчик
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Hans Müller
EMAIL;TYPE=INTERNET:hans@example.de
EMAIL;TYPE=INTERNET,PREF:hans.mueller@example.de
ADR;TYPE=home:;;;Wien;;;Österreich
END:VCARD
EOF
	run --separate-stderr crm-add --import contacts.vcf
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_equal "$stderr" 'crm-add: 3 added, 0 updated, 0 unchanged, 0 skipped'
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Zdeněk Dvořák,z.dvorak@firma.cz,+420-777-000-111,Firma s.r.o.,CZ,Praha,partner
Петър Петров,petar@example.bg,,,BG,София,vip;доставчик
Hans Müller,hans.mueller@example.de,,,AT,Wien,
EOF
}

@test "VCF003: a fold inside a UTF-8 character is undone by octets" {
	new_crm
	# ř is C5 99 and ó is C3 B3: each is cut in two by a fold
	printf 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zdeněk Dvo\xc5\r\n \x99ák\r\nADR:;;;Ł\xc3\r\n\t\xb3dź;;;PL\r\nEND:VCARD\r\n' >contacts.vcf
	run --separate-stderr crm-add --import contacts.vcf
	assert_success
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Zdeněk Dvořák,,,,PL,Łódź,
EOF
}

@test "VCF004: quoted-printable UTF-8 (vCard 2.1) with soft line breaks, and LF line ends" {
	new_crm
	cat >contacts.vcf <<'EOF'
BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Brz=C4=99czyszczykiewicz;Grzegorz;;;
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Grzegorz Brz=C4=99czyszczykiewicz z =C5=81=C3=B3d=
=C5=BA
TEL;CELL:+48 601 000 001
TEL;WORK;PREF:+48 22 000 00 00
EMAIL;INTERNET:grzegorz@example.pl
ADR;HOME;CHARSET=UTF-8;QUOTED-PRINTABLE:;;ul. Piotrkowska 1;=C5=81=C3=B3d=C5=BA;;90-001;Polska
END:VCARD
EOF
	run --separate-stderr crm-add --import contacts.vcf
	assert_success
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Grzegorz Brzęczyszczykiewicz z Łódź,grzegorz@example.pl,+48 22 000 00 00,,PL,Łódź,
EOF
}

@test "VCF005: another CHARSET is turned into UTF-8; a name is built from N when FN is missing" {
	new_crm
	# ISO-8859-2: B3 is ł, EA is ę
	printf 'BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=ISO-8859-2;ENCODING=QUOTED-PRINTABLE:Wa=B3=EAsa;Lech;;Pan;\nEND:VCARD\n' >contacts.vcf
	printf 'BEGIN:VCARD\nVERSION:4.0\nN:Novák;Jan,Pavel;;Ing.;Ph.D.\nEND:VCARD\n' >>contacts.vcf
	run --separate-stderr crm-add --import contacts.vcf
	assert_success
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Pan Lech Wałęsa,,,,,,
Ing. Jan Pavel Novák Ph.D.,,,,,,
EOF
}

@test "VCF006: a card whose e-mail is known updates that customer (upsert by e-mail)" {
	new_crm
	two_customers
	cat >contacts.vcf <<'EOF'
BEGIN:VCARD
VERSION:3.0
FN:Anna Nowak
EMAIL:ANNA@Example.PL
TEL:+48 600 999 999
CATEGORIES:vip,imported
END:VCARD
EOF
	run --separate-stderr crm-add --import contacts.vcf
	assert_success
	assert_output 01aaaaaaaaaaa
	assert_equal "$stderr" 'crm-add: 0 added, 1 updated, 0 unchanged, 0 skipped'
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Anna Nowak,anna@example.pl,+48 600 999 999,Acme; Sp. z o.o.,PL,Gdańsk,vip;b2b;imported
Петър Петров,,,,BG,,
EOF
	# the same card again changes nothing
	run --separate-stderr crm-add --import contacts.vcf
	assert_failure 1
	assert_equal "$stderr" 'crm-add: 0 added, 0 updated, 1 unchanged, 0 skipped'
}

@test "VCF007: cards without a name or END:VCARD are reported with file:line, the others imported; an e-mail that is no address is left out" {
	new_crm
	cat >contacts.vcf <<'EOF'
BEGIN:VCARD
VERSION:3.0
FN:Anna Nowak
EMAIL:anna@example.pl
END:VCARD

BEGIN:VCARD
VERSION:3.0
EMAIL:nobody@example.pl
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Cut Short
BEGIN:VCARD
VERSION:3.0
FN:Bob Brown
EMAIL:bob@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Bad Mail
EMAIL:not-an-address
END:VCARD
BEGIN:VCARD
FN:Last One
EOF
	run --separate-stderr crm-add --import contacts.vcf
	assert_failure 2
	assert_equal "${#lines[@]}" 3
	assert_equal "$stderr" "crm-add: contacts.vcf:7: card has no name
crm-add: contacts.vcf:11: card has no END:VCARD
crm-add: contacts.vcf:19: e-mail \"not-an-address\" is not an address; left empty
crm-add: contacts.vcf:24: card has no END:VCARD
crm-add: 3 added, 0 updated, 0 unchanged, 3 skipped"
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Anna Nowak,anna@example.pl,,,,,
Bob Brown,bob@example.com,,,,,
Bad Mail,,,,,,
EOF
}

@test "VCF008: lines outside a card and a line without ':' are reported" {
	new_crm
	cat >contacts.vcf <<'EOF'
BEGIN:VCARD
FN:Anna Nowak
END:VCARD
some stray text
more of it
BEGIN:VCARD
FN:Bob Brown
this line has no colon
END:VCARD
BEGIN:VCARD
FN:Cecilia Chmiel
END:VCARD
EOF
	run --separate-stderr crm-add --import contacts.vcf
	assert_failure 2
	assert_equal "$stderr" "crm-add: contacts.vcf:4: expected BEGIN:VCARD
crm-add: contacts.vcf:6: line 8: no ':' after the property name
crm-add: 2 added, 0 updated, 0 unchanged, 2 skipped"
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Anna Nowak,,,,,,
Cecilia Chmiel,,,,,,
EOF
}

@test "VCF009: -n shows what the cards would do and changes nothing" {
	new_crm
	two_customers
	cp customers.csv before.csv
	cat >contacts.vcf <<'EOF'
BEGIN:VCARD
VERSION:4.0
FN:Anna Nowak
EMAIL:anna@example.pl
ADR:;;;Sopot;;;PL
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Jan Kowalski
EMAIL:jan@example.pl
END:VCARD
EOF
	run --separate-stderr crm-add -n --import contacts.vcf
	assert_success
	assert_equal "$(sed -E 's/^add [0-9a-z]{13} /add ID /' <<<"$output")" "update 01aaaaaaaaaaa
  city: 'Gdańsk' -> 'Sopot'
add ID Jan Kowalski <jan@example.pl>"
	assert_equal "$stderr" 'crm-add: 1 added, 1 updated, 0 unchanged, 0 skipped (dry run)'
	assert_same_file before.csv customers.csv
}

@test "VCF010: an unknown country is left out with a warning; the customer is imported" {
	new_crm
	cat >contacts.vcf <<'EOF'
BEGIN:VCARD
VERSION:3.0
FN:Atlas Mapper
ADR:;;;Poseidonia;;;Atlantis
END:VCARD
EOF
	run --separate-stderr crm-add --import contacts.vcf
	assert_success
	assert_equal "$stderr" "crm-add: contacts.vcf:1: country 'Atlantis' is not a known name or code; left empty
crm-add: 1 added, 0 updated, 0 unchanged, 0 skipped"
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Atlas Mapper,,,,,Poseidonia,
EOF
}

@test "VCF011: country names in English and in their own language, alpha-3 codes, codes" {
	new_crm
	i=0
	for c in Deutschland 'Czech Republic' 'Česká republika' Slovensko POL UK 'United States' \
		Україна Россия Schweiz Norge Magyarország Ελλάδα se ' fr '; do
		i=$((i + 1))
		printf 'BEGIN:VCARD\nFN:C%s\nADR:;;;;;;%s\nEND:VCARD\n' "$i" "$c"
	done >contacts.vcf
	run --separate-stderr crm-add --import contacts.vcf
	assert_success
	run crm-find -o csv -f country
	assert_output - <<'EOF'
country
DE
CZ
CZ
SK
PL
GB
US
UA
RU
CH
NO
HU
GR
SE
FR
EOF
}

@test "VCF012: vCard is told by its content, not by the file's name; BOM, blank lines and case" {
	new_crm
	printf '\xef\xbb\xbf\n\n  \nbegin:vcard\nversion:3.0\nfn:Anna Nowak\nend:vcard\n' >people.csv
	run --separate-stderr crm-add --import people.csv
	assert_success
	printf 'name,email\nBob Brown,bob@example.com\n' >people.vcf
	run --separate-stderr crm-add --import people.vcf
	assert_success
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Anna Nowak,,,,,,
Bob Brown,bob@example.com,,,,,
EOF
}

@test "VCF013: standard input (-) may be a vCard stream" {
	new_crm
	run --separate-stderr crm-add --import - <<'EOF'
BEGIN:VCARD
FN:Anna Nowak
EMAIL:anna@example.pl
END:VCARD
EOF
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 0 updated, 0 unchanged, 0 skipped'
	assert_equal "$(cards)" 'name,email,phone,company,country,city,tags
Anna Nowak,anna@example.pl,,,,,'
}

@test "VCF014: a UID shaped as a crm id is kept when free, matches its customer when taken; others ignored" {
	new_crm
	two_customers
	cat >contacts.vcf <<'EOF'
BEGIN:VCARD
FN:Kept Id
UID;VALUE=text:01CCCCCCCCCCC
END:VCARD
BEGIN:VCARD
FN:Foreign Id
UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
END:VCARD
BEGIN:VCARD
FN:Petar Petrov
UID:01bbbbbbbbbbb
END:VCARD
EOF
	run --separate-stderr crm-add --import contacts.vcf
	assert_success
	assert_equal "${lines[0]}" 01ccccccccccc
	assert_id "${lines[1]}"
	assert_equal "${lines[2]}" 01bbbbbbbbbbb
	run crm-find -o csv -f id,name -w 'name~Id$ or id=01bbbbbbbbbbb'
	assert_equal "${lines[1]}" '01bbbbbbbbbbb,Petar Petrov'
	assert_equal "${lines[2]}" '01ccccccccccc,Kept Id'
	[[ ${lines[3]} =~ ^[0-9a-z]{13},Foreign\ Id$ ]]
}

@test "VCF015: odd values: a trailing backslash, a NUL byte, an unknown charset, base64" {
	new_crm
	cat >contacts.vcf <<'EOF'
BEGIN:VCARD
FN:Anna Nowak
ORG:Acme\
ADR:;;;Gdańsk\
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ==
EMAIL;ENCODING=b:YW5uYUBleGFtcGxlLnBs
END:VCARD
BEGIN:VCARD
FN;ENCODING=QUOTED-PRINTABLE:Nul=00Byte
END:VCARD
BEGIN:VCARD
FN;CHARSET=NO-SUCH-CHARSET:Whatever
END:VCARD
EOF
	run --separate-stderr crm-add --import contacts.vcf
	assert_failure 2
	assert_equal "$stderr" "crm-add: contacts.vcf:8: line 9: FN: holds a NUL byte
crm-add: contacts.vcf:11: line 12: FN: cannot be read in its CHARSET
crm-add: 1 added, 0 updated, 0 unchanged, 2 skipped"
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Anna Nowak,,,Acme\,,Gdańsk\,
EOF
}

# ---------------------------------------------------------------- output

@test "VCF020: -o vcard writes vCard 4.0 with CR LF, exactly" {
	new_crm
	two_customers
	run crm-find -o vcard
	assert_success
	crm-find -o vcard >got.vcf
	printf '%s\r\n' \
		'BEGIN:VCARD' \
		'VERSION:4.0' \
		'UID;VALUE=text:01aaaaaaaaaaa' \
		'FN:Anna Nowak' \
		'N:Nowak;Anna;;;' \
		'EMAIL:anna@example.pl' \
		'TEL:+48 600 100 200' \
		'ORG:Acme\; Sp. z o.o.' \
		'ADR:;;;Gdańsk;;;PL' \
		'CATEGORIES:vip,b2b' \
		'END:VCARD' \
		'BEGIN:VCARD' \
		'VERSION:4.0' \
		'UID;VALUE=text:01bbbbbbbbbbb' \
		'FN:Петър Петров' \
		'N:Петров;Петър;;;' \
		'ADR:;;;;;;BG' \
		'END:VCARD' >want.vcf
	assert_same_file want.vcf got.vcf
}

@test "VCF021: --where picks the cards; escaping of , ; \\ and line breaks; a one-word name has no N" {
	new_crm
	cat >customers.csv <<EOF
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,note
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,,,,,lead,,$NOW,$NOW,
01ddddddddddd,"Kowalski, Jan",,,"A;B\\C, Ltd",,,vip; vip list ;,,lead,,$NOW,$NOW,"first line
second, line"
01eeeeeeeeeee,Acme,,,,,,vip,,lead,,$NOW,$NOW,
EOF
	: >interactions.jsonl
	crm-find --where tags=vip -o vcard >got.vcf
	printf '%s\r\n' \
		'BEGIN:VCARD' \
		'VERSION:4.0' \
		'UID;VALUE=text:01ddddddddddd' \
		'FN:Kowalski\, Jan' \
		'N:Jan;Kowalski\,;;;' \
		'ORG:A\;B\\C\, Ltd' \
		'CATEGORIES:vip,vip list' \
		'NOTE:first line\nsecond\, line' \
		'END:VCARD' \
		'BEGIN:VCARD' \
		'VERSION:4.0' \
		'UID;VALUE=text:01eeeeeeeeeee' \
		'FN:Acme' \
		'CATEGORIES:vip' \
		'END:VCARD' >want.vcf
	assert_same_file want.vcf got.vcf
}

@test "VCF022: long lines fold at 75 octets, never inside a UTF-8 character" {
	new_crm
	long_name="a$(printf 'Ж%.0s' {1..60})"
	note="$(printf 'Здравейте, %.0s' {1..20})край"
	cat >customers.csv <<EOF
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated,note
01aaaaaaaaaaa,$long_name,,,,,,,,lead,,$NOW,$NOW,"$note"
01bbbbbbbbbbb,$(printf 'x%.0s' {1..100}),,,,,,,,lead,,$NOW,$NOW,
EOF
	: >interactions.jsonl
	crm-find -o vcard >got.vcf
	assert_folded got.vcf
	# "FN:a" and 35 Ж are 74 octets: the 36th would be cut, so it moves on
	run sed -n '4p;5p' got.vcf
	assert_line -n 0 "FN:a$(printf 'Ж%.0s' {1..35})"$'\r'
	assert_line -n 1 " $(printf 'Ж%.0s' {1..25})"$'\r'
	# ASCII fills the whole 75 octets, continuations 74 after their space
	run grep -A1 '^FN:x' got.vcf
	assert_line -n 0 "FN:$(printf 'x%.0s' {1..72})"$'\r'
	assert_line -n 1 " $(printf 'x%.0s' {1..28})"$'\r'
	# unfolded, the values are whole again
	run unfolded got.vcf
	assert_line "FN:$long_name"
	assert_line "NOTE:${note//,/\\,}"
}

@test "VCF023: crm-segment writes vCard; interactions cannot be" {
	new_crm
	two_customers
	run crm-segment --lifecycle -o vcard
	assert_success
	assert_line 'FN:Anna Nowak'$'\r'
	run --separate-stderr crm-find -i -o vcard
	assert_failure 2
	assert_equal "$stderr" "crm-find: unknown output format 'vcard' (use one of: csv, tsv, jsonl, json, table, md, html)"
}

# ---------------------------------------------------------------- round trip

@test "VCF030: crm-find -o vcard | crm-add --import - into a fresh directory gives the same customers" {
	new_crm
	cat >customers.csv <<EOF
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,+48 600 100 200,"Acme; Sp. z o.o., \\ dept",PL,Gdańsk,vip;b2b,,customer,opt-in,$NOW,$NOW
01bbbbbbbbbbb,Петър Петров,petar@example.bg,,,BG,София,доставчик,,lead,,$NOW,$NOW
01ccccccccccc,"Dvořák, Zdeněk",zdenek@example.cz,+420 777 000 111,Firma s.r.o.,CZ,Praha,,,lead,,$NOW,$NOW
01ddddddddddd,$(printf 'Дълго Име %.0s' {1..10})Край,,,,,,,,lead,,$NOW,$NOW
01eeeeeeeeeee,Solo,,,,,,a;b;c,,lead,,$NOW,$NOW
EOF
	: >interactions.jsonl
	crm-init "$WORK/fresh" >/dev/null
	crm-find -o vcard | crm-add -d "$WORK/fresh" --import - >ids
	assert_equal "$(cat ids)" "01aaaaaaaaaaa
01bbbbbbbbbbb
01ccccccccccc
01ddddddddddd
01eeeeeeeeeee"
	cols=id,name,email,phone,company,country,city,tags
	crm-find -o csv -f $cols >want.csv
	crm-find -d "$WORK/fresh" -o csv -f $cols >got.csv
	assert_same_file want.csv got.csv
	# and written again, the cards are the same
	crm-find -o vcard >one.vcf
	crm-find -d "$WORK/fresh" -o vcard >two.vcf
	assert_same_file one.vcf two.vcf
}

# ---------------------------------------------------------------- real exports

# A phone's export (vCard 2.1, CR LF): the owner's card twice, once from the
# phone book and once from a work account, a quoted-printable NOTE of two
# lines, and a card synced from Exchange whose only EMAIL is an X.500 path.
phone_export() {
	printf '%s\r\n' 'BEGIN:VCARD' 'VERSION:2.1' \
		'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C5=BB=C3=B3=C5=82=C4=87;Zofia;;;' \
		'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Zofia =C5=BB=C3=B3=C5=82=C4=87' \
		'TEL;CELL:+48 601 234 567' 'EMAIL;HOME:zofia@example.pl' \
		'NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Klientka z targ=C3=B3w.=0D=0AWoli kontakt rano.' \
		'CATEGORIES:Targi' 'END:VCARD' \
		'BEGIN:VCARD' 'VERSION:2.1' 'N:Zolc;Zofia;;;' 'FN:Zofia Zolc (work)' \
		'TEL;WORK:+48 22 555 00 00' 'EMAIL;WORK:Zofia@Example.pl' 'ORG:Acme Sp. z o.o.' \
		'CATEGORIES:VIP' 'END:VCARD' \
		'BEGIN:VCARD' 'VERSION:2.1' 'FN:Jan Exchange' \
		'EMAIL;INTERNET:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=1234-jan' \
		'TEL;CELL:+420 777 000 111' 'END:VCARD' >phone.vcf
}

@test "VCF040: a phone's export: two cards of one e-mail are one customer, a card with an X.500 address keeps the rest, a second import changes nothing" {
	new_crm
	phone_export
	run --separate-stderr crm-add --import phone.vcf
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" 'crm-add: phone.vcf:10: a card with the same e-mail is on line 1: this one fills in only what that one left empty
crm-add: phone.vcf:19: e-mail "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23"... is not an address; left empty
crm-add: 2 added, 1 updated, 0 unchanged, 0 skipped'
	run crm-find -o csv -f name,email,phone,company,tags,note
	assert_output - <<'EOF'
name,email,phone,company,tags,note
Zofia Żółć,zofia@example.pl,+48 601 234 567,Acme Sp. z o.o.,Targi;VIP,"Klientka z targów.
Woli kontakt rano."
Jan Exchange,,+420 777 000 111,,,
EOF
	cp customers.csv first.csv
	run --separate-stderr crm-add --import phone.vcf
	assert_failure 1
	assert_output ''
	assert_equal "${stderr_lines[2]}" 'crm-add: 0 added, 0 updated, 3 unchanged, 0 skipped'
	assert_same_file first.csv customers.csv
}

@test "VCF041: -n shows what the import of a phone's export does, line for line" {
	new_crm
	phone_export
	run --separate-stderr crm-add -n --import phone.vcf
	assert_success
	assert_equal "${#lines[@]}" 5
	assert_line --index 0 --regexp '^add ([0-9a-hjkmnp-tv-z]{13}) Zofia Żółć <zofia@example.pl>$'
	local z=${lines[0]:4:13}
	assert_line --index 1 "update $z"
	assert_line --index 2 "  company: '' -> 'Acme Sp. z o.o.'"
	assert_line --index 3 "  tags: 'Targi' -> 'Targi;VIP'"
	assert_line --index 4 --regexp '^add [0-9a-hjkmnp-tv-z]{13} Jan Exchange$'
	assert_equal "${stderr_lines[2]}" 'crm-add: 2 added, 1 updated, 0 unchanged, 0 skipped (dry run)'
	assert_equal "$(wc -l <customers.csv)" 1
}

@test "VCF042: line ends of old Macs (CR) and of twice-converted files (CR CR LF); BEGIN:VCARD in any case" {
	new_crm
	printf 'begin:vcard\rversion:3.0\rfn:Petr Dvo\xc5\x99\xc3\xa1k\remail:petr@example.cz\rend:vcard\r' >mac.vcf
	printf 'Begin:VCard\r\r\nVERSION:3.0\r\r\nFN:Ivan \r\r\n Petrov\r\r\nEMAIL:ivan@example.bg\r\r\nEnd:VCard\r\r\n' >win.vcf
	run --separate-stderr crm-add --import mac.vcf
	assert_success
	run --separate-stderr crm-add --import win.vcf
	assert_success
	assert_equal "$stderr" 'crm-add: 1 added, 0 updated, 0 unchanged, 0 skipped'
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Petr Dvořák,petr@example.cz,,,,,
Ivan Petrov,ivan@example.bg,,,,,
EOF
}

@test "VCF043: an e-mail written as 'Name <address>' is no address: another EMAIL of the card is taken, quietly" {
	new_crm
	printf '%s\n' 'BEGIN:VCARD' 'VERSION:3.0' 'FN:Anna Nowak' 'EMAIL;TYPE=pref:Anna Nowak <anna@example.pl>' \
		'EMAIL:anna.nowak@example.pl' 'END:VCARD' 'BEGIN:VCARD' 'VERSION:3.0' 'FN:Ewa Lis' \
		'EMAIL:Ewa Lis <ewa@example.pl>' 'END:VCARD' >c.vcf
	run --separate-stderr crm-add --import c.vcf
	assert_success
	assert_equal "$stderr" 'crm-add: c.vcf:7: e-mail "Ewa Lis <ewa@example.pl>" is not an address; left empty
crm-add: 2 added, 0 updated, 0 unchanged, 0 skipped'
	run cards
	assert_output - <<'EOF'
name,email,phone,company,country,city,tags
Anna Nowak,anna.nowak@example.pl,,,,,
Ewa Lis,,,,,,
EOF
}

@test "VCF044: --set owner and +tag for every card of a phone's export: -n shows them, the import does them, a second import changes nothing" {
	new_crm
	phone_export
	run --separate-stderr crm-add -n --import phone.vcf --set owner=anna --set tags=+fair-2026
	assert_success
	assert_equal "${#lines[@]}" 5
	assert_line --index 0 --regexp '^add [0-9a-hjkmnp-tv-z]{13} Zofia Żółć <zofia@example.pl>$'
	assert_line --index 2 "  company: '' -> 'Acme Sp. z o.o.'"
	assert_line --index 3 "  tags: 'Targi;fair-2026' -> 'Targi;fair-2026;VIP'"
	assert_line --index 4 --regexp '^add [0-9a-hjkmnp-tv-z]{13} Jan Exchange$'
	assert_equal "${stderr_lines[2]}" 'crm-add: 2 added, 1 updated, 0 unchanged, 0 skipped (dry run)'
	assert_equal "$(wc -l <customers.csv)" 1
	run --separate-stderr crm-add --import phone.vcf --set owner=anna --set tags=+fair-2026
	assert_success
	assert_equal "${stderr_lines[2]}" 'crm-add: 2 added, 1 updated, 0 unchanged, 0 skipped'
	run crm-find -o csv -f name,email,company,tags,owner,created
	assert_output - <<EOF
name,email,company,tags,owner,created
Zofia Żółć,zofia@example.pl,Acme Sp. z o.o.,Targi;fair-2026;VIP,anna,$NOW
Jan Exchange,,,fair-2026,anna,$NOW
EOF
	cp customers.csv first.csv
	CRM_NOW=2026-11-23T08:00:00Z run --separate-stderr crm-add --import phone.vcf --set owner=anna --set tags=+fair-2026
	assert_failure 1
	assert_output ''
	assert_equal "${stderr_lines[2]}" 'crm-add: 0 added, 0 updated, 3 unchanged, 0 skipped'
	assert_same_file first.csv customers.csv
}
