#!/usr/bin/env bats
# --safe-csv: CSV and TSV for spreadsheets. A cell that starts with =, +,
# -, @, a tab or a carriage return gets a ' in front (OWASP's CSV
# injection); plain -o csv stays byte for byte what the data holds.

bats_require_minimum_version 1.5.0
load helper

# Two customers whose fields look like formulas, and a history line whose
# text does.
local_setup() {
	new_crm
	cat >customers.csv <<-'EOF2'
	id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
	01kaaaaaaaaa1,"=HYPERLINK(""http://evil.example"",""click"")",anna@example.pl,+48 601 234 567,@SUM(A1:A9),PL,-2+3,vip,ola,customer,opt-in,2026-01-05T09:00:00Z,2026-01-05T09:00:00Z
	01kaaaaaaaaa2,Plain Name,jan@example.cz,,Acme,CZ,Brno,,bob,lead,,2026-02-01T09:00:00Z,2026-02-01T09:00:00Z
	EOF2
	printf '01kaaaaaaaaa3,\tTabbed,tab@example.org,,,,,,,lead,,2026-03-01T09:00:00Z,2026-03-01T09:00:00Z\n' >>customers.csv
	cat >interactions.jsonl <<-'EOF2'
	{"id":"01kbbbbbbbbb1","ts":"2026-11-01T09:00:00Z","customer":"01kaaaaaaaaa1","type":"purchase","channel":"shop","by":"ola","text":"=cmd|' /C calc'!A0","amount":12999,"currency":"PLN"}
	EOF2
	cp customers.csv "$WORK/customers.before"
}

@test "SAFE001: crm-find --safe-csv puts ' before =, +, -, @ and a tab" {
	run --separate-stderr crm-find -o csv --safe-csv -f name,phone,company,city
	assert_success
	assert_output - <<-'EOF2'
	name,phone,company,city
	"'=HYPERLINK(""http://evil.example"",""click"")",'+48 601 234 567,'@SUM(A1:A9),'-2+3
	Plain Name,,Acme,Brno
	'	Tabbed,,,
	EOF2
	assert_same_file customers.csv "$WORK/customers.before"
}

@test "SAFE002: plain -o csv is unchanged, byte for byte" {
	run --separate-stderr crm-find -o csv
	assert_success
	assert_output "$(cat customers.csv)"
	run --separate-stderr crm-find -o csv -f name,city
	assert_output "$(printf '%s\n' 'name,city' \
		'"=HYPERLINK(""http://evil.example"",""click"")",-2+3' 'Plain Name,Brno' $'\tTabbed,')"
}

@test "SAFE003: every record goes through the safe writer, also without -f" {
	run --separate-stderr crm-find -o csv --safe-csv vip
	assert_success
	assert_line --index 1 --partial "01kaaaaaaaaa1,\"'=HYPERLINK("
	assert_line --index 1 --partial ",'+48 601 234 567,'@SUM(A1:A9),PL,'-2+3,vip,"
}

@test "SAFE004: -o tsv --safe-csv; a tab-led cell keeps its escaped tab after the '" {
	run --separate-stderr crm-find -o tsv --safe-csv -f name,city
	assert_success
	assert_output - <<-'EOF2'
	name	city
	'=HYPERLINK("http://evil.example","click")	'-2+3
	Plain Name	Brno
	'\tTabbed	
	EOF2
}

@test "SAFE005: a carriage return at the start of a cell" {
	printf '01kaaaaaaaaa4,"\rCR",cr@example.org,,,,,,,lead,,2026-03-02T09:00:00Z,2026-03-02T09:00:00Z\n' >>customers.csv
	run --separate-stderr crm-find -o csv --safe-csv -f email,name cr@
	assert_success
	assert_output "$(printf 'email,name\ncr@example.org,"'"'"'\rCR"')"
}

@test "SAFE006: the header is made safe too" {
	sed -i '1s/,updated$/,updated,=cmd/' customers.csv
	sed -i '2,$s/$/,/' customers.csv
	run --separate-stderr crm-find -o csv --safe-csv -f id,=cmd
	assert_success
	assert_line --index 0 "id,'=cmd"
}

@test "SAFE007: json, jsonl and table are not changed by --safe-csv" {
	run --separate-stderr crm-find -o jsonl --safe-csv -f name,city vip
	assert_success
	assert_output '{"name":"=HYPERLINK(\"http://evil.example\",\"click\")","city":"-2+3"}'
}

@test "SAFE008: crm-log -l -o csv --safe-csv" {
	run --separate-stderr crm-log -l -o csv --safe-csv
	assert_success
	assert_line --index 0 'id,ts,customer,name,type,channel,direction,by,subject,text,amount,currency,campaign,status'
	assert_line --index 1 "01kbbbbbbbbb1,2026-11-01T09:00:00Z,01kaaaaaaaaa1,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",purchase,shop,,ola,,'=cmd|' /C calc'!A0,12999,PLN,,"
	run --separate-stderr crm-log -l -o csv
	assert_line --index 1 "01kbbbbbbbbb1,2026-11-01T09:00:00Z,01kaaaaaaaaa1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",purchase,shop,,ola,,=cmd|' /C calc'!A0,12999,PLN,,"
}

@test "SAFE009: crm-segment --safe-csv" {
	run --separate-stderr crm-segment --rfm -o csv --safe-csv
	assert_success
	assert_line --index 1 --partial "01kaaaaaaaaa1,\"'=HYPERLINK("
	assert_line --index 3 --partial "01kaaaaaaaaa3,'	Tabbed,"
}

@test "SAFE010: crm-report top --safe-csv, and segments passes it on" {
	run --separate-stderr crm-report top --currency PLN -o csv --safe-csv
	assert_success
	assert_output - <<-'EOF2'
	rank,id,name,revenue,currency,purchases,last_purchase,last_contact
	1,01kaaaaaaaaa1,"'=HYPERLINK(""http://evil.example"",""click"")",129.99,PLN,1,2026-11-01T09:00:00Z,2026-11-01T09:00:00Z
	EOF2
	run --separate-stderr crm-report top --currency PLN -o csv
	refute_output --partial "'=HYPERLINK("
	assert_output --partial '"=HYPERLINK('
	run --separate-stderr crm-report segments -o csv --safe-csv
	assert_success
}

@test "SAFE011: --safe-csv is in the help of every program that writes CSV" {
	for p in crm-find crm-log crm-segment crm-report; do
		run $p --help
		assert_success
		assert_output --partial '--safe-csv'
	done
}
