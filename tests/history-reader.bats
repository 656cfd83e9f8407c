#!/usr/bin/env bats
# The history reader: a big interactions.jsonl is read in parts on two
# threads (two halves, or many small parts for reports that only add up), a buffer of lines at a time indexed 64 bytes at a time with
# vector instructions where the processor has them; a stream is read line
# by line. Both must read what the byte-wise reader reads (HIST001), and
# name bad lines by the same numbers.

bats_require_minimum_version 1.5.0
load helper

local_setup() {
	new_crm
}

# A history of $1 lines (about 230 bytes each) in interactions.jsonl, with
# bad and unusual lines at fixed places: line 7 a control character in a
# string, line 2/3 of the file (past the middle) invalid UTF-8, the last
# line but one an escaped quote in the type, the last line a text with a
# two-byte character cut by a backslash escape.
make_history() {
	awk -v n="$1" 'BEGIN {
		split("email call chat purchase meeting", types, " ")
		split("email phone chat shop office", chans, " ")
		for (i = 1; i <= n; i++) {
			t = 1 + (i * 7) % 5
			day = 1 + i % 28
			mon = 1 + int(i / 30000) % 12
			if (i == 7) {
				printf "{\"id\":\"b%07d\",\"ts\":\"2026-%02d-%02dT10:00:00Z\",\"customer\":\"c%05d\",\"type\":\"call\",\"text\":\"a\001b\"}\n", i, mon, day, i % 5000
			} else if (i == int(n * 2 / 3)) {
				printf "{\"id\":\"b%07d\",\"ts\":\"2026-%02d-%02dT10:00:00Z\",\"customer\":\"c%05d\",\"type\":\"call\",\"text\":\"Za\305\272\305 \"}\n", i, mon, day, i % 5000
			} else if (i == n - 1) {
				printf "{\"id\":\"b%07d\",\"ts\":\"2026-%02d-%02dT10:00:00Z\",\"customer\":\"c%05d\",\"type\":\"c\\\"all\",\"channel\":\"phone\"}\n", i, mon, day, i % 5000
			} else if (i == n) {
				printf "{\"id\":\"b%07d\",\"ts\":\"2026-%02d-%02dT10:00:00Z\",\"customer\":\"c%05d\",\"type\":\"note\",\"text\":\"\320\221\\n\320\273\\\"\320\263\"}\n", i, mon, day, i % 5000
			} else {
				printf "{\"id\":\"b%07d\",\"ts\":\"2026-%02d-%02dT%02d:%02d:00Z\",\"customer\":\"c%05d\",\"type\":\"%s\",\"channel\":\"%s\",\"direction\":\"%s\",\"by\":\"ola\",\"subject\":\"Zamówienie nr %d \\\"pilne\\\"\",\"text\":\"Dzień dobry, proszę o ofertę — Грозданова, Łukáš\"}\n", i, mon, day, i % 24, i % 60, i % 5000, types[t], chans[t], (i % 3 ? "in" : "out"), i
			}
		}
	}' >interactions.jsonl
}

@test "HIST001: the vector path reads every byte sequence as the byte-wise path does" {
	[[ -x $TOP/build/tests/vecsame ]] || skip "build/tests/vecsame is not built (make check builds it)"
	run "$TOP/build/tests/vecsame"
	((status != 77)) || skip "$output"
	assert_success
	assert_output --regexp '^[0-9]+ lines, 0 read differently$'
}

@test "HIST002: a history of over 32 MiB read in parts gives what the same history read as a stream gives" {
	make_history 150000
	(($(stat -c %s interactions.jsonl) > 32 * 1024 * 1024))
	run --separate-stderr crm-report activity --by month -o csv
	assert_success
	local out=$output err=$stderr
	assert_equal "$(grep -c . <<<"$err")" 2
	assert_line --index 0 'period,channel,type,interactions,in,out'
	[[ $err == *"interactions.jsonl:7: "* ]] || fail "no error for line 7: $err"
	[[ $err == *"interactions.jsonl:100000: "* ]] || fail "no error for line 100000: $err"
	[[ $err == *"interactions.jsonl:149999: "* ]] && fail "line 149999 is valid: $err"
	[[ $err == *"interactions.jsonl:150000: "* ]] && fail "line 150000 is valid: $err"
	# the escaped quote in a type is read as Jansson reads it
	assert_line '2026-05,phone,"c""all",1,0,0'
	# 150000 lines, two bad: every other one counted once
	assert_equal "$(awk -F, 'NR > 1 { n += $4 } END { print n }' <<<"$out")" 149998
	# the same history through a pipe: one part, line by line
	mv interactions.jsonl ../h.jsonl
	mkfifo interactions.jsonl
	cat ../h.jsonl >interactions.jsonl &
	run --separate-stderr crm-report activity --by month -o csv
	assert_success
	assert_equal "$output" "$out"
	assert_equal "$stderr" "$err"
}

@test "HIST003: reports read in many small parts in any order give what a stream gives, errors in file order" {
	make_history 150000
	cp interactions.jsonl ../h.jsonl
	# 4 parts of about 8 MiB, shared out to the threads as they come for them
	run --separate-stderr crm-report activity --by week --group type -o csv
	assert_success
	assert_line --index 0 'period,group_type,channel,type,interactions,in,out'
	local act=$output act_err=$stderr
	run --separate-stderr crm-report cohorts -o csv
	assert_success
	assert_line --index 0 --regexp '^cohort,customers,m1,'
	local coh=$output coh_err=$stderr
	[[ $coh_err == *"interactions.jsonl:7: "* ]] || fail "no error for line 7: $coh_err"
	run --separate-stderr crm-report cohorts --strict -o csv
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "$(grep -c . <<<"$stderr")" 1
	[[ $stderr == *"interactions.jsonl:7: "* ]] || fail "not the first bad line: $stderr"
	# the same history through a pipe: one part, line by line
	rm interactions.jsonl
	mkfifo interactions.jsonl
	cat ../h.jsonl >interactions.jsonl &
	run --separate-stderr crm-report activity --by week --group type -o csv
	assert_equal "$output" "$act"
	assert_equal "$stderr" "$act_err"
	cat ../h.jsonl >interactions.jsonl &
	run --separate-stderr crm-report cohorts -o csv
	assert_equal "$output" "$coh"
	assert_equal "$stderr" "$coh_err"
}

@test "HIST005: words per customer folded through the ring of pending events are those of a plain fold (build/tests/wordscheck)" {
	[[ -x $TOP/build/tests/wordscheck ]] || skip "build/tests/wordscheck is not built (make check builds it)"
	mkdir wc
	run "$TOP/build/tests/wordscheck" wc
	assert_success
	assert_output - <<'EOF2'
60000 lines, 3000 customers: 0 words differ
260000 lines, 3000 customers: 0 words differ
EOF2
}

@test "HIST006: voids and merge records in both halves of a big history count as they do in a small one" {
	add_as KEEP "Anna Nowak" -e anna@example.pl
	make_history 150000
	head -n 30000 interactions.jsonl >../first
	tail -n +30001 interactions.jsonl >../second
	# in the first half: e1, voided from the second half, and a purchase
	# of a customer merged into Anna there; the void of e2, which is in
	# the second half; e3 stands
	{
		cat ../first
		echo '{"id":"e1","ts":"2025-01-10T10:00:00Z","customer":"c00001","type":"note","channel":"other"}'
		echo '{"id":"p1","ts":"2025-03-10T10:00:00Z","customer":"gone1","type":"purchase","channel":"shop","amount":12345,"currency":"EUR"}'
		echo '{"id":"v2","ts":"2025-04-10T10:00:00Z","customer":"c00002","type":"void","channel":"other","ref":"e2"}'
		cat ../second
		echo '{"id":"e2","ts":"2025-02-10T10:00:00Z","customer":"c00002","type":"note","channel":"other"}'
		echo '{"id":"e3","ts":"2025-03-10T10:00:00Z","customer":"c00003","type":"note","channel":"other"}'
		echo '{"id":"v1","ts":"2025-04-10T10:00:00Z","customer":"c00001","type":"void","channel":"other","ref":"e1"}'
		echo "{\"ts\":\"2025-04-11T10:00:00Z\",\"customer\":\"$KEEP\",\"type\":\"merge\",\"ref\":\"gone1\"}"
	} >interactions.jsonl
	(($(stat -c %s interactions.jsonl) > 32 * 1024 * 1024))
	run --separate-stderr crm-report activity --by month -o csv
	assert_success
	refute_line --partial '2025-01,'
	refute_line --partial '2025-02,'
	assert_line '2025-03,other,note,1,0,0'
	run --separate-stderr crm-find -f id,revenue,purchases "$KEEP"
	assert_success
	assert_output "id,revenue,purchases
$KEEP,123.45,1"
	# the history of Anna: her merge record and what it brought her
	run --separate-stderr crm-log -l "$KEEP"
	assert_success
	assert_output "{\"id\":\"p1\",\"ts\":\"2025-03-10T10:00:00Z\",\"customer\":\"$KEEP\",\"type\":\"purchase\",\"channel\":\"shop\",\"amount\":12345,\"currency\":\"EUR\"}
{\"ts\":\"2025-04-11T10:00:00Z\",\"customer\":\"$KEEP\",\"type\":\"merge\",\"ref\":\"gone1\"}"
	# the same events in a small history
	grep -v '"id":"b' interactions.jsonl >small.jsonl
	mv small.jsonl interactions.jsonl
	run --separate-stderr crm-report activity --by month -o csv
	assert_success
	assert_output --partial '2025-03,other,note,1,0,0'
	refute_output --partial '2025-01,'
	run --separate-stderr crm-find -f id,revenue,purchases "$KEEP"
	assert_output "id,revenue,purchases
$KEEP,123.45,1"
}

@test "HIST007: a customer's figures from both halves of a big history add up as in a small one" {
	add_as ONE "Jan Kowalski" -e jan@example.pl
	add_as TWO "Ewa Nowak" -e ewa@example.pl
	add_as THREE "Petr Novák" -e petr@example.cz
	make_history 150000
	head -n 30000 interactions.jsonl >../first
	tail -n +30001 interactions.jsonl >../second
	# Jan buys in both halves, and is refunded and rates in both; Ewa
	# buys in the first half only, Petr in the second only
	{
		cat ../first
		echo "{\"id\":\"j1\",\"ts\":\"2025-01-05T10:00:00Z\",\"customer\":\"$ONE\",\"type\":\"purchase\",\"channel\":\"shop\",\"amount\":10000,\"currency\":\"EUR\"}"
		echo "{\"id\":\"j2\",\"ts\":\"2025-01-06T10:00:00Z\",\"customer\":\"$ONE\",\"type\":\"survey\",\"channel\":\"web\",\"rating\":4}"
		echo "{\"id\":\"e1\",\"ts\":\"2025-03-01T10:00:00Z\",\"customer\":\"$TWO\",\"type\":\"purchase\",\"channel\":\"shop\",\"amount\":700,\"currency\":\"EUR\"}"
		cat ../second
		echo "{\"id\":\"j3\",\"ts\":\"2025-02-07T10:00:00Z\",\"customer\":\"$ONE\",\"type\":\"purchase\",\"channel\":\"shop\",\"amount\":5000,\"currency\":\"EUR\"}"
		echo "{\"id\":\"j4\",\"ts\":\"2025-02-08T10:00:00Z\",\"customer\":\"$ONE\",\"type\":\"refund\",\"channel\":\"shop\",\"amount\":2000,\"currency\":\"EUR\"}"
		echo "{\"id\":\"j5\",\"ts\":\"2025-02-09T10:00:00Z\",\"customer\":\"$ONE\",\"type\":\"survey\",\"channel\":\"web\",\"rating\":5}"
		echo "{\"id\":\"p1\",\"ts\":\"2024-12-01T10:00:00Z\",\"customer\":\"$THREE\",\"type\":\"purchase\",\"channel\":\"shop\",\"amount\":99,\"currency\":\"EUR\"}"
	} >interactions.jsonl
	(($(stat -c %s interactions.jsonl) > 32 * 1024 * 1024))
	local fields=id,revenue,purchases,last_purchase,avg_rating
	run --separate-stderr crm-find -f "$fields" --where 'revenue>0'
	assert_success
	assert_output "$fields
$ONE,130.00,2,2025-02-07T10:00:00Z,4.5
$TWO,7.00,1,2025-03-01T10:00:00Z,
$THREE,0.99,1,2024-12-01T10:00:00Z,"
	local find=$output
	run --separate-stderr crm-segment --rfm --as-of 2025-04-01 -o csv
	assert_success
	# R by days since the last purchase (53, 31, 121), F by purchases
	# (2, 1, 1: a tie goes by id), M by revenue: three buyers score 2, 4, 5
	assert_line --regexp "^$ONE,Jan Kowalski,.*,4,5,5,455,Loyal\$"
	assert_line --regexp "^$TWO,Ewa Nowak,.*,5,2,4,524,Potential Loyalists\$"
	assert_line --regexp "^$THREE,Petr Novák,.*,2,4,2,242,At Risk\$"
	local seg=$output
	run --separate-stderr crm-segment --rfm --as-of 2025-04-01 -S -o csv
	assert_success
	local sum=$output
	# the same history through a pipe: one part, line by line
	mv interactions.jsonl ../h.jsonl
	mkfifo interactions.jsonl
	cat ../h.jsonl >interactions.jsonl &
	run --separate-stderr crm-find -f "$fields" --where 'revenue>0'
	assert_equal "$output" "$find"
	cat ../h.jsonl >interactions.jsonl &
	run --separate-stderr crm-segment --rfm --as-of 2025-04-01 -o csv
	assert_equal "$output" "$seg"
	cat ../h.jsonl >interactions.jsonl &
	run --separate-stderr crm-segment --rfm --as-of 2025-04-01 -S -o csv
	assert_equal "$output" "$sum"
}
