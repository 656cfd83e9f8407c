#!/usr/bin/env bats
# One reading of time in every program: crm.conf "timezone" (else $TZ, else
# UTC) is the zone in which a person's times are read and days and periods
# are counted; the files keep UTC times with Z; --since, --until and --as-of
# take the same forms everywhere, a day as an upper bound meaning all of it.

bats_require_minimum_version 1.5.0
load helper

local_setup() {
	new_crm
	add_as c 'Zofia Kamińska' -e zofia@example.pl
}

warsaw() {
	printf 'currency = PLN\ntimezone = Europe/Warsaw\n' > crm.conf
}

@test "TIME001: without a zone, a time without an offset is UTC" {
	crm-log "$c" note hi --ts 2026-12-05T14:30 >/dev/null
	run jq -r .ts interactions.jsonl
	assert_output 2026-12-05T14:30:00Z
}

@test "TIME002: crm.conf timezone reads a person's time in that zone (winter and summer)" {
	warsaw
	crm-log "$c" note winter --ts 2026-12-05T14:30 >/dev/null
	crm-log "$c" note summer --ts '2026-07-01 12:00' >/dev/null
	crm-log "$c" note utc --ts 2026-07-01T12:00:00Z >/dev/null
	run jq -r .ts interactions.jsonl
	assert_output - <<-'OUT'
	2026-12-05T13:30:00Z
	2026-07-01T10:00:00Z
	2026-07-01T12:00:00Z
	OUT
}

@test "TIME003: a due date alone is the start of that day in the zone" {
	warsaw
	crm-log "$c" task 'Send the offer' --due 2026-12-05 >/dev/null
	run jq -r .due interactions.jsonl
	assert_output 2026-12-04T23:00:00Z
}

@test "TIME004: relative days count from the start of today in the zone" {
	warsaw
	# 23:30Z on the 22nd is already the 23rd in Warsaw
	CRM_NOW=2026-11-22T23:30:00Z crm-log "$c" task x --due +1d >/dev/null
	run jq -r .due interactions.jsonl
	assert_output 2026-11-23T23:00:00Z
}

@test "TIME005: \$TZ is the zone when crm.conf names none" {
	TZ=Europe/Prague crm-log "$c" note hi --ts 2026-12-05T14:30 >/dev/null
	run jq -r .ts interactions.jsonl
	assert_output 2026-12-05T13:30:00Z
}

@test "TIME006: a zone that does not exist is an error naming crm.conf and its line" {
	printf 'currency = PLN\ntimezone = Mars/Olympus\n' > crm.conf
	run -2 crm-log "$c" note hi
	assert_output "crm-log: crm.conf:2: timezone: 'Mars/Olympus' is no time zone (an IANA name such as Europe/Warsaw)"
	run cat interactions.jsonl
	assert_output ''
}

@test "TIME007: reports count days in the zone" {
	warsaw
	crm-log "$c" call late --ts 2026-11-21T23:30:00Z >/dev/null
	crm-log "$c" call early --ts 2026-11-21T22:30:00Z >/dev/null
	run crm-report activity --by day --since 2026-11-21 -o csv
	assert_output - <<-'OUT'
	period,channel,type,interactions,in,out
	2026-11-21,phone,call,1,0,0
	2026-11-22,phone,call,1,0,0
	OUT
}

@test "TIME008: --until a day takes all of that day in the zone, in every program" {
	warsaw
	crm-log "$c" call a --ts 2026-11-20T22:59:59Z >/dev/null
	crm-log "$c" call b --ts 2026-11-20T23:00:00Z >/dev/null
	run crm-report activity --by year --until 2026-11-20 -o csv
	assert_output - <<-'OUT'
	period,channel,type,interactions,in,out
	2026,phone,call,1,0,0
	OUT
	run crm-log -l --until 2026-11-20 -o jsonl
	assert_line --partial '"text":"a"'
	refute_line --partial '"text":"b"'
	run crm-log -l --since 2026-11-21 -o jsonl
	assert_line --partial '"text":"b"'
	refute_line --partial '"text":"a"'
}

@test "TIME009: the same date forms and message in every program" {
	run -2 crm-report activity --since 2026-13-01
	assert_output "crm-report: --since: '2026-13-01' is not a date (2026-11-22, 2026-11-22T14:30, -3d, +1w, today)"
	run -2 crm-log -l --until soon
	assert_output "crm-log: --until: 'soon' is not a date (2026-11-22, 2026-11-22T14:30, -3d, +1w, today)"
	run -2 crm-segment --rfm --as-of never
	assert_output "crm-segment: --as-of: 'never' is not a date (2026-11-22, 2026-11-22T14:30, -3d, +1w, today)"
}

@test "TIME010: a relative --until names a whole day too" {
	crm-log "$c" call a --ts 2026-11-21T23:59:59Z >/dev/null
	crm-log "$c" call b --ts 2026-11-22T00:00:00Z >/dev/null
	run crm-report activity --by year --until yesterday -o csv
	assert_output - <<-'OUT'
	period,channel,type,interactions,in,out
	2026,phone,call,1,0,0
	OUT
}
