#!/usr/bin/env bats
# The everyday writers as streams: a customer found by one pass over the
# rows that hold its key, one named by id, e-mail or a unique part of the
# name everywhere, a new row appended, a change copied through a synced
# temporary file with every other row byte for byte, the history erased to
# the last line that names the customer, and the lock taken by each; and
# crm-segment --rfm, which reads the customers twice by their bytes.

bats_require_minimum_version 1.5.0
load helper

HDR=id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated

# acme, entered: a customers.csv that starts with a byte order mark, has
# CRLF and LF line ends, a blank line, a quoted field over two lines, a
# short row and no line end at its end; an empty history.
odd_crm() {
	mkdir acme
	cd acme || return 1
	printf '\xef\xbb\xbf%s\r\n' "$HDR" >customers.csv
	printf '%s\r\n\n' '01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z' >>customers.csv
	printf '%s\n' '01bbbbbbbbbbb,Петър Петров,petar@example.bg,,"Acme, ""Ltd""' 'Sofia office",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z' >>customers.csv
	printf '%s\n' '01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň' >>customers.csv
	printf '%s' '01ddddddddddd,Zofia Żak,zofia@example.pl,,,PL,Łódź,,,lead,,2026-03-02T08:00:00Z,2026-03-02T08:00:00Z' >>customers.csv
	: >interactions.jsonl
	cp customers.csv before.csv
}

# The inode of a file: the same after an append, another after a rename.
inode() {
	stat -c %i "$1"
}

# --- the fast readers (C checks) -------------------------------------------------

@test "STR001: the fast CSV reader cuts the records csvin cuts; a literal picks the records that hold it" {
	[[ -x $TOP/build/tests/cscancheck ]] || skip "build/tests/cscancheck is not built (make check builds it)"
	run "$TOP/build/tests/cscancheck"
	assert_success
	assert_output --regexp ' 0 differ$'
}

@test "STR002: the quick look of crm-check never passes a line valid_event finds a problem in" {
	[[ -x $TOP/build/tests/validsame ]] || skip "build/tests/validsame is not built (make check builds it)"
	run "$TOP/build/tests/validsame" "$TOP"/tests/bad-input/*.jsonl
	assert_success
	assert_output --regexp ' 0 differ$'
}

# --- rows byte for byte ----------------------------------------------------------

@test "STR003: --update rewrites one row; the others, blank lines and line ends stay byte for byte" {
	odd_crm
	run --separate-stderr crm-add --update dvorak --city Brno
	assert_success
	assert_output 01ccccccccccc
	# the byte order mark is not written back, as on every rewrite
	{
		tail -c +4 before.csv | head -n 5
		printf '%s\n' '01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Brno,,,,,,2026-11-22T10:00:00Z'
		tail -n 1 before.csv
	} >expected
	assert_same_file expected customers.csv
}

@test "STR004: a new column: an empty field in every row that had the header's fields, short rows left short" {
	odd_crm
	run --separate-stderr crm-add --update zofia -s vat=PL123
	assert_success
	printf '%s\n' "$HDR,vat" >expected
	printf '%s\r\n\n' '01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,' >>expected
	printf '%s\n' '01bbbbbbbbbbb,Петър Петров,petar@example.bg,,"Acme, ""Ltd""' 'Sofia office",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z,' >>expected
	printf '%s\n' '01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň' >>expected
	printf '%s\n' '01ddddddddddd,Zofia Żak,zofia@example.pl,,,PL,Łódź,,,lead,,2026-03-02T08:00:00Z,2026-11-22T10:00:00Z,PL123' >>expected
	assert_same_file expected customers.csv
}

@test "STR005: crm-rm takes out one record, its quoted line break too, and nothing else" {
	odd_crm
	run --separate-stderr crm-rm петров
	assert_success
	assert_output '01bbbbbbbbbbb  Петър Петров'
	{
		tail -c +4 before.csv | head -n 3
		tail -n 2 before.csv
	} >expected
	assert_same_file expected customers.csv
}

@test "STR006: a new customer is one append: the same file, its old bytes untouched, a line end added first" {
	odd_crm
	local ino
	ino=$(inode customers.csv)
	add_as ID 'Ewa Kos' -e ewa@example.pl
	assert_equal "$(inode customers.csv)" "$ino"
	cmp -n "$(stat -c %s before.csv)" before.csv customers.csv
	assert_equal "$(tail -n 2 customers.csv)" "01ddddddddddd,Zofia Żak,zofia@example.pl,,,PL,Łódź,,,lead,,2026-03-02T08:00:00Z,2026-03-02T08:00:00Z
$ID,Ewa Kos,ewa@example.pl,,,,,,,lead,,2026-11-22T10:00:00Z,2026-11-22T10:00:00Z"
	# an e-mail another customer has, in any case, is found in the file
	run --separate-stderr crm-add 'Anna Druga' -e ANNA@example.PL
	assert_failure 2
	assert_equal "$stderr" "crm-add: anna@example.pl already belongs to customer 01aaaaaaaaaaa (use --update 01aaaaaaaaaaa, or --allow-duplicate)"
}

@test "STR007: a rewrite is a new file renamed into place, and leaves no temporary file" {
	odd_crm
	local ino
	ino=$(inode customers.csv)
	crm-add --update anna --stage churned >/dev/null
	[ "$(inode customers.csv)" != "$ino" ]
	ino=$(inode customers.csv)
	crm-rm zofia >/dev/null
	[ "$(inode customers.csv)" != "$ino" ]
	run ls -A
	refute_output --partial .tmp.
}

# --- one way to name a customer ------------------------------------------------

@test "STR008: every writer takes an id, an e-mail or a unique part of a name, in any case, without diacritics" {
	odd_crm
	crm-log ANNA@EXAMPLE.PL note one >/dev/null
	crm-log 01CCCCCCCCCCC note two >/dev/null
	crm-log 'zak' note three >/dev/null
	run jq -r .customer interactions.jsonl
	assert_output '01aaaaaaaaaaa
01ccccccccccc
01ddddddddddd'
	run crm-add --update 'petar@example.bg' --city Варна
	assert_output 01bbbbbbbbbbb
	run crm-add --update 'ŻAK' --city Kraków
	assert_output 01ddddddddddd
	run crm-log -l DVORAK -o csv
	assert_line --index 1 --regexp '^[0-9a-z]+,2026-11-22T10:00:00Z,01ccccccccccc,Jiří Dvořák,note,'
	run --separate-stderr crm-add --merge anna zofia
	assert_success
	assert_line 'merge into 01aaaaaaaaaaa  Anna Nowak'
	assert_line 'moved 1 interaction from 01ddddddddddd'
}

@test "STR009: a name that fits several lists them with id, name and e-mail, exit 2, for every writer" {
	odd_crm
	# Петров has a Cyrillic а, not a Latin a
	local p want="'a' matches 3 customers; say which by id or email:
  01aaaaaaaaaaa  Anna Nowak  anna@example.pl
  01ccccccccccc  Jiří Dvořák  jiri@example.cz
  01ddddddddddd  Zofia Żak  zofia@example.pl"
	for p in "crm-log a note x" "crm-log -l a" "crm-add --update a --city X" "crm-rm a" "crm-add --merge a 01bbbbbbbbbbb"; do
		run --separate-stderr $p
		assert_failure 2
		assert_output ''
		assert_equal "${stderr_lines[0]}" "${p%% *}: ${want%%$'\n'*}"
		assert_equal "$(printf '%s\n' "$stderr" | sed -n '2,4p')" "$(printf '%s\n' "$want" | sed -n '2,4p')"
	done
	assert_same_file before.csv customers.csv
	[ ! -s interactions.jsonl ]
}

@test "STR010: an exact id or e-mail wins over a part of another customer's name" {
	odd_crm
	# Anna's e-mail is part of no name, but "anna" is part of hers only;
	# a customer named after Jiří's id is still not Jiří
	printf '\n%s\n' '01eeeeeeeeeee,Firma 01ccccccccccc,,,,PL,,,,lead,,2026-03-03T08:00:00Z,2026-03-03T08:00:00Z' >>customers.csv
	run crm-log 01ccccccccccc note x
	assert_success
	assert_equal "$(jq -r .customer interactions.jsonl)" 01ccccccccccc
}

# --- the history, not read to append ----------------------------------------------

@test "STR011: an append does not read the history; a deal's --ref and --done look only at the lines that name it" {
	odd_crm
	printf '%s\n' 'not JSON at all' '{"id":"02t","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"task"}' \
		'{"id":"02d","ts":"2026-04-01T10:00:00Z","customer":"01ccccccccccc","type":"deal","stage":"new"}' >interactions.jsonl
	run --separate-stderr crm-log anna note fine
	assert_success
	assert_equal "$stderr" ''
	run --separate-stderr crm-log --done 02t
	assert_success
	assert_equal "$stderr" ''
	assert_equal "$(tail -n 1 interactions.jsonl | jq -r '[.customer, .type, .ref] | join(" ")')" '01aaaaaaaaaaa done 02t'
	run --separate-stderr crm-log --done 02t
	assert_failure 2
	assert_equal "$stderr" "crm-log: 02t: the task is already done ($(tail -n 1 interactions.jsonl | jq -r .id))"
	run --separate-stderr crm-log jiri deal --stage won --ref 02d
	assert_success
	run --separate-stderr crm-log anna deal --stage won --ref 02d
	assert_failure 2
	assert_equal "$stderr" 'crm-log: --ref 02d: the deal belongs to another customer (01ccccccccccc)'
}

# --- erasure means erased ---------------------------------------------------------

# A history of Anna (01aaaaaaaaaaa) with the lines no reader takes, and
# lines of others: one that names her in a text, one that names her in an
# object inside it.
anna_history() {
	cat >interactions.jsonl <<'EOF'
{"id":"02a","ts":"2026-04-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note","text":"mine"}
{"id":"02b","ts":"2026-04-01T10:00:00Z","customer":"01ccccccccccc","type":"note","text":"asked about 01aaaaaaaaaaa"}
{"id":"02c","id":"02c","ts":"2026-04-02T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note"}
{"id":"02d","ts":"2026-04-03T10:00:00Z","customer":"01aaaaaaaaaaa","type":"note","text":"a\u0000b"}
{"id":"02e","ts":"2026-04-04T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","amount":1e400,"currency":"PLN"}
{"id":"02f","ts":"2026-04-05T10:00:00Z","customer":"\u0030\u0031aaaaaaaaaaa","type":"note"}
{"id":"02g","ts":"2026-04-05T10:00:00Z","cust\u006fmer":"01AAAAAAAAAAA","type":"note"}
{ "id" : "02h" , "customer" : "01aaaaaaaaaaa" , "text":"bad UTF-8 X" }
{"id":"02i","ts":"2026-04-06T10:00:00Z","customer":"01ccccccccccc","type":"note","meta":{"customer":"01aaaaaaaaaaa"}}
{"id":"02j","ts":"2026-04-07T10:00:00Z","customer":"01ccccccccccc","type":"call"}
EOF
	sed -i 's/UTF-8 X/UTF-8 \xff/' interactions.jsonl
	printf '%s' '{"id":"02k","ts":"2026-04-08T10:00:00Z","customer":"01aaaaaaaaaaa","ty' >>interactions.jsonl
	cp interactions.jsonl before.jsonl
}

@test "STR012: --forget erases every line whose customer is the customer, those no reader takes too" {
	odd_crm
	anna_history
	run --separate-stderr crm-rm -n --forget anna
	assert_success
	assert_output 'would remove 01aaaaaaaaaaa  Anna Nowak
would erase 8 interactions'
	assert_same_file before.jsonl interactions.jsonl
	run --separate-stderr crm-rm --forget anna
	assert_success
	assert_output '01aaaaaaaaaaa  Anna Nowak
erased 8 interactions'
	sed -n '2p;9p;10p' before.jsonl >expected
	assert_same_file expected interactions.jsonl
	# no stray history is left: what crm-check finds is the company's
	# line break, which the fixture keeps to test records of two lines
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:3: company "Acme, \"Ltd\"\nSofia office": holds a line break (the field is one line)'
}

@test "STR013: --merge moves the lines no reader takes too, changing only their customer, and records the merge" {
	odd_crm
	anna_history
	run --separate-stderr crm-add --merge zofia anna
	assert_success
	assert_line 'moved 8 interactions from 01aaaaaaaaaaa'
	sed -e '2b' -e '9,10b' -e 's/"\(\\u0030\\u0031aaaaaaaaaaa\|01aaaaaaaaaaa\|01AAAAAAAAAAA\)"/"01ddddddddddd"/' before.jsonl >expected
	# the torn last line gets its line end, and the merge is recorded after it
	printf '\n' >>expected
	head -n -1 interactions.jsonl >got
	assert_same_file expected got
	run tail -n 1 interactions.jsonl
	assert_output --regexp '^\{"id":"[0-9a-z]{13}","ts":"[^"]*","customer":"01ddddddddddd","type":"merge","ref":"01aaaaaaaaaaa","by":"[^"]*"\}$'
}

@test "STR014: --forget of an id removed before erases its stray history, as crm-check's warning says" {
	odd_crm
	anna_history
	crm-rm anna >/dev/null
	run --separate-stderr crm-check
	assert_line --index 1 'interactions.jsonl:1: warning: customer 01aaaaaaaaaaa is not in customers.csv (removed without --forget? crm-rm --forget 01aaaaaaaaaaa erases its history)'
	cp customers.csv before.csv
	run --separate-stderr crm-rm -n --forget 01aaaaaaaaaaa
	assert_success
	assert_output 'would forget 01aaaaaaaaaaa  (not in customers.csv: its history only)
would erase 8 interactions'
	run --separate-stderr crm-rm --forget 01aaaaaaaaaaa
	assert_success
	assert_output '01aaaaaaaaaaa  (not in customers.csv: its history only)
erased 8 interactions'
	assert_same_file before.csv customers.csv
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:3: company "Acme, \"Ltd\"\nSofia office": holds a line break (the field is one line)'
	# nothing left to erase: an error, nothing changed
	cp interactions.jsonl before.jsonl
	run --separate-stderr crm-rm --forget 01aaaaaaaaaaa
	assert_failure 2
	assert_equal "$stderr" "crm-rm: no customer matches '01aaaaaaaaaaa' (give an id, an email or part of a name), and no history has it
crm-rm: nothing was removed"
	assert_same_file before.jsonl interactions.jsonl
}

# --- the lock ---------------------------------------------------------------------

@test "STR015: every streaming writer waits for the lock and changes nothing without it" {
	odd_crm
	anna_history
	# the lock is held until the test lets go, however slow the machine
	mkfifo "$BATS_TEST_TMPDIR/go"
	flock . timeout 60 sh -c 'read -r x <"$1"' sh "$BATS_TEST_TMPDIR/go" 3>&- &
	local holder=$! p i
	for ((i = 0; i < 100; i++)); do flock -n . true || break; sleep 0.05; done
	for p in "crm-log anna note x" "crm-add Ewa -e ewa@example.pl" "crm-add --update anna --city X" \
		"crm-rm zofia" "crm-rm --forget anna" "crm-add --merge anna zofia" "crm-log --done 02a"; do
		CRM_LOCK_TIMEOUT=0.2 run --separate-stderr $p
		assert_failure 2
		assert_equal "$stderr" "${p%% *}: .: locked by another writer for 0.2 s; try again later (or raise CRM_LOCK_TIMEOUT)"
	done
	echo >"$BATS_TEST_TMPDIR/go"
	wait "$holder"
	assert_same_file before.csv customers.csv
	assert_same_file before.jsonl interactions.jsonl
}

# --- look-ups that must find what folds alike --------------------------------------

@test "STR016: letters written with the characters that fold to ASCII are still found" {
	odd_crm
	# U+212A KELVIN SIGN folds to k, U+017F LONG S matches s without case
	printf '\n%s\n' '01eeeeeeeeeee,Łukaſz Wiśniewski,eva@example.pl,,,PL,,,,lead,,2026-03-03T08:00:00Z,2026-03-03T08:00:00Z' >>customers.csv
	printf '%s\n' '01fffffffffff,Jan Novák,jan@\xe2\x84\xaaaktus.cz,,,CZ,,,,lead,,2026-03-03T08:00:00Z,2026-03-03T08:00:00Z' >>customers.csv
	sed -i 's/\\xe2\\x84\\xaa/\xe2\x84\xaa/' customers.csv
	run crm-find -c UKASZ
	assert_output 1
	run crm-log jan@kaktus.cz note x
	assert_success
	assert_equal "$(jq -r .customer interactions.jsonl)" 01fffffffffff
}

# --- crm-check on files read by two threads -------------------------------------

@test "STR017: crm-check reads big files in two halves at once and finds what spans them, at the right lines" {
	mkdir acme && cd acme
	# 17 MB of customers (two readers): an id and an e-mail again in the
	# second half, a quoted line break in the middle
	awk -v n=100000 'BEGIN {
		print "id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated"
		for (i = 1; i <= n; i++) {
			id = sprintf("c%012d", i); mail = "c" i "@example.com"
			if (i == 90000) id = sprintf("c%012d", 10)
			if (i == 80000) mail = "C20@Example.com"
			company = (i == 50000) ? "\"Firma \"\"X\"\"\nsecond line, " i "\"" : "Firma " i " sp. z o.o."
			printf "%s,Customer %d Żółć,%s,+48 600 %06d,%s,PL,Kraków,a;b,tester,customer,opt-in,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z\n", id, i, mail, i, company
		}
	}' >customers.csv
	# 36 MB of history (two threads): refs, ids and a task closed twice
	# across the halves
	awk -v n=200000 'BEGIN {
		for (i = 1; i <= n; i++) {
			id = sprintf("e%012d", i); cust = sprintf("c%012d", i % 1000 + 1); type = "note"; extra = ""
			if (i == 190000) id = sprintf("e%012d", 100)
			if (i == 50) type = "task"
			if (i == 60 || i == 180000) { type = "done"; extra = ",\"ref\":\"e000000000050\"" }
			if (i == 170000) { type = "done"; extra = ",\"ref\":\"e999999999999\"" }
			if (i == 160000) cust = "c999999999999"
			if (i == 150000) { type = "deal"; extra = ",\"stage\":\"won\",\"ref\":\"e000000000050\"" }
			if (i == 140000) { type = "done"; extra = ",\"ref\":\"e000000000070\"" }
			if (i == 130000) { type = "deal"; extra = ",\"stage\":\"new\",\"ref\":\"e000000000110\"" }
			if (i == 110) { type = "deal"; extra = ",\"stage\":\"new\",\"ref\":\"e000000000111\"" }
			if (i == 120000) extra = ",\"channel\":\"pigeon\""
			if (i == 100000) { printf "{\"id\":\"broken\",\n"; continue }
			printf "{\"id\":\"%s\",\"ts\":\"2026-02-01T10:00:00Z\",\"customer\":\"%s\",\"type\":\"%s\",\"by\":\"tester\",\"text\":\"a note long enough to make the history big, number %d of many\"%s}\n", id, cust, type, i, extra
		}
	}' >interactions.jsonl
	(($(stat -c %s customers.csv) > 16 << 20 && $(stat -c %s interactions.jsonl) > 32 << 20))
	run --separate-stderr crm-check
	assert_failure 2
	assert_output 'customers.csv:50001: company "Firma \"X\"\nsecond line, 50000": holds a line break (the field is one line)
customers.csv:80002: duplicate email C20@Example.com; first on line 21
customers.csv:80002: email "C20@Example.com": write it as "c20@example.com"
customers.csv:90002: duplicate id c000000000010; first on line 11
interactions.jsonl:110: ref e000000000111: line 111 is not a deal but of type note
interactions.jsonl:100000: string or '"'}'"' expected near end of file
interactions.jsonl:120000: unknown channel "pigeon"
interactions.jsonl:130000: ref e000000000110: line 110 is a stage change; refer to the deal'"'"'s first event
interactions.jsonl:140000: ref e000000000070: line 70 is not a task but of type note
interactions.jsonl:150000: ref e000000000050: line 50 is not a deal but of type task
interactions.jsonl:160000: warning: customer c999999999999 is not in customers.csv (removed without --forget? crm-rm --forget c999999999999 erases its history)
interactions.jsonl:170000: ref e999999999999: no task has this id
interactions.jsonl:180000: task e000000000050 closed twice; first on line 60
interactions.jsonl:190000: duplicate id e000000000100; first on line 100'
	assert_equal "$stderr" 'crm-check: 4 problems in customers.csv, 9 in interactions.jsonl; 1 warning'
}

@test "STR018: --strict: a line no reader takes stops --forget and --merge before anything changes" {
	odd_crm
	anna_history
	run --separate-stderr crm-rm --strict --forget anna
	assert_failure 2
	assert_output ''
	assert_equal "$stderr" "crm-rm: interactions.jsonl:3: duplicate object key near '\"id\"'"
	run --separate-stderr crm-add --strict --merge zofia anna
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "crm-add: interactions.jsonl:3: duplicate object key near '\"id\"'"
	assert_same_file before.csv customers.csv
	assert_same_file before.jsonl interactions.jsonl
}

@test "STR019: crm-segment --rfm reads the customers twice by their bytes and gives what parsing every row gives" {
	odd_crm
	cat >interactions.jsonl <<'J'
{"id":"0ev0000000001","ts":"2026-03-01T10:00:00Z","customer":"01aaaaaaaaaaa","type":"purchase","amount":10000,"currency":"PLN"}
{"id":"0ev0000000002","ts":"2026-03-02T10:00:00Z","customer":"01bbbbbbbbbbb","type":"purchase","amount":20000,"currency":"PLN"}
{"id":"0ev0000000003","ts":"2026-03-03T10:00:00Z","customer":"01bbbbbbbbbbb","type":"purchase","amount":20000,"currency":"PLN"}
{"id":"0ev0000000004","ts":"2026-03-04T10:00:00Z","customer":"01ddddddddddd","type":"refund","amount":500,"currency":"PLN"}
J
	printf 'currency = PLN\n' >crm.conf
	run -0 crm-segment --rfm -o csv
	assert_output "$HDR,r,f,m,rfm,segment
01aaaaaaaaaaa,Anna Nowak,anna@example.pl,,,PL,Gdańsk,vip,,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z,3,3,3,333,Need Attention
01bbbbbbbbbbb,Петър Петров,petar@example.bg,,\"Acme, \"\"Ltd\"\"
Sofia office\",BG,София,,,lead,,2026-02-01T12:00:00Z,2026-02-01T12:00:00Z,5,5,5,555,Champions
01ccccccccccc,Jiří Dvořák,jiri@example.cz,,,CZ,Plzeň,,,,,,,,,,,Prospects
01ddddddddddd,Zofia Żak,zofia@example.pl,,,PL,Łódź,,,lead,,2026-03-02T08:00:00Z,2026-03-02T08:00:00Z,,,,,Prospects"
	local want=$output
	run -0 bash -c 'cat customers.csv | crm-segment --rfm -o csv'
	assert_output "$want"
	run -0 crm-segment --rfm -S -o csv
	assert_output 'segment,customers,share,revenue,aov,days_since_purchase
Champions,1,25.0,400.00,200.00,264
Need Attention,1,25.0,100.00,100.00,266
Prospects,2,50.0,-5.00,,'
	want=$output
	run -0 bash -c 'cat customers.csv | crm-segment --rfm -S -o csv'
	assert_output "$want"
	cmp customers.csv before.csv
}

# A customers.csv of over 32 MiB: 240000 customers c000001..c240000,
# those from 110000 to 130000 (about its middle) with a company over
# three lines, quotes in it; a history of a purchase by every seventh.
big_crm() {
	mkdir big
	cd big || return 1
	awk -v hdr="$HDR" 'BEGIN {
		print hdr
		for (i = 1; i <= 240000; i++) {
			co = ""
			if (i >= 110000 && i <= 130000)
				co = sprintf("\"Zakład \"\"Nr %d\"\", Łódź\nul. Piotrkowska %d\nlokal %d\"", i, i % 300, i % 17)
			printf "c%06d,Klient %d Żółć,k%d@example.pl,+48 600 %06d,%s,PL,Kraków,vip;b2b,ola,customer,opt-in,2025-01-01T10:00:00Z,2025-01-01T10:00:00Z\n", i, i, i, i, co
		}
	}' >customers.csv
	awk 'BEGIN {
		for (i = 7; i <= 240000; i += 7)
			printf "{\"id\":\"p%06d\",\"ts\":\"2026-%02d-%02dT10:00:00Z\",\"customer\":\"c%06d\",\"type\":\"purchase\",\"amount\":%d,\"currency\":\"PLN\"}\n", i, 1 + i % 10, 1 + i % 28, i, 100 * (1 + i % 97)
	}' >interactions.jsonl
	printf 'currency = PLN\n' >crm.conf
}

@test "STR020: crm-segment --rfm reads a big customers.csv in two halves, then in pieces, and gives what one reading gives" {
	big_crm
	(($(stat -c %s customers.csv) > 32 * 1024 * 1024))
	run -0 --separate-stderr crm-segment --rfm -o csv
	local want=$output
	# every seventh customer bought, and is scored
	assert_equal "$(grep -c ',[1-5],[1-5],[1-5],[1-5][1-5][1-5],' <<<"$output")" 34285
	assert_equal "$(grep -c ',,,,,Prospects$' <<<"$output")" $((240000 - 34285))
	run -0 --separate-stderr bash -c 'cat customers.csv | crm-segment --rfm -o csv'
	assert_equal "$output" "$want"
	run -0 --separate-stderr crm-segment --rfm -S -o csv
	want=$output
	assert_line --regexp '^Prospects,205715,85\.7,'
	run -0 --separate-stderr bash -c 'cat customers.csv | crm-segment --rfm -S -o csv'
	assert_equal "$output" "$want"
	# the rows of one segment: pieces that keep none write nothing
	run -0 --separate-stderr crm-segment --rfm --only Champions -o csv
	want=$output
	assert_equal "${#lines[@]}" 2744 # the header and 2743, as -S counts them
	run -0 --separate-stderr bash -c 'cat customers.csv | crm-segment --rfm --only Champions -o csv'
	assert_equal "$output" "$want"
	# a row of too many fields in the second half, then one in the first:
	# the first of them in the file is reported, by its line (the line
	# of c180000 is 180001 and 40002 more of the companies; the row is on
	# the next)
	sed -i '/^c180000,/a c180000x,a,b,c,d,e,f,g,h,i,j,k,l,m' customers.csv
	run -2 --separate-stderr crm-segment --rfm -o csv
	assert_equal "$output" ""
	assert_equal "$stderr" "crm-segment: customers.csv:220004: 14 fields, but the header has 13"
	sed -i '/^c000100,/a c000100x,a,b,c,d,e,f,g,h,i,j,k,l,m' customers.csv
	run -2 --separate-stderr crm-segment --rfm -S -o csv
	assert_equal "$output" ""
	assert_equal "$stderr" "crm-segment: customers.csv:102: 14 fields, but the header has 13"
}

@test "STR021: crm-segment --rfm: a piece of the second reading that cannot be opened is read again; one that never can is an error" {
	big_crm
	local top shim n k
	top="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
	make -s -C "$top" tests/faults/shim.so >&2
	shim=$top/tests/faults/shim.so
	run -0 --separate-stderr crm-segment --rfm -o csv
	local want=$output
	# the last two files a run opens are the readers of the pieces, one
	# a thread (tests/faults/shim.c counts them)
	LD_PRELOAD=$shim FAULT_COUNT="$PWD/counts" crm-segment --rfm -o csv >/dev/null 2>&1
	n=$(awk '$1 == "open" { print $2 }' counts)
	for k in $((n - 1)) "$n"; do
		run -0 --separate-stderr env LD_PRELOAD="$shim" FAULT_CALL=open FAULT_N="$k" FAULT_MODE=once \
			crm-segment --rfm -o csv
		assert_equal "$stderr" ""
		assert_equal "$output" "$want"
	done
	run -2 --separate-stderr env LD_PRELOAD="$shim" FAULT_CALL=open FAULT_N="$n" FAULT_MODE=persist \
		crm-segment --rfm -o csv
	assert_equal "$stderr" "crm-segment: customers.csv: Input/output error"
}
