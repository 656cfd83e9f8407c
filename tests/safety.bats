#!/usr/bin/env bats
# Behaviours every writer and reader shares: the directory lock, concurrent
# writers, a full disk, malformed files, closed pipes, cron's environment and
# how the CRM directory is found.

bats_require_minimum_version 1.5.0
load helper

NOW=2026-11-22T10:00:00Z

# Run crm-log and keep the printed id in the variable named by $1.
log_as() {
	local var=$1
	shift
	local _log_as_out
	_log_as_out=$(crm-log "$@") || return 1
	printf -v "$var" '%s' "$_log_as_out"
}

# Run a command with the file size limit at $1 blocks of 1024 bytes; going
# over it fails with EFBIG instead of killing the process.
limited() {
	local blocks=$1
	shift
	(
		trap '' XFSZ
		ulimit -f "$blocks"
		"$@"
	)
}

# A string of $2 copies of the character $1.
repeat() {
	local s
	printf -v s '%*s' "$2" ''
	printf '%s' "${s// /$1}"
}

# Fill interactions.jsonl with whole, valid lines of customer $1 that add up
# to exactly $2 bytes.
# shellcheck disable=SC2059 # $fmt is the line's format
fill_history() {
	local cust=$1 rest=$2 i=0 len t
	local fmt='{"id":"f%012d","ts":"2026-01-01T00:00:00Z","customer":"%s","type":"note","channel":"other","by":"x","text":"%s"}\n'
	len=$(printf "$fmt" 0 "$cust" '' | wc -c)
	: >interactions.jsonl
	while ((rest > 0)); do
		if ((rest >= 2 * len + 200)); then t=100; else t=$((rest - len)); fi
		((t >= 0)) || fail "cannot fill to that size"
		i=$((i + 1))
		printf "$fmt" "$i" "$cust" "$(repeat x "$t")" >>interactions.jsonl
		rest=$((rest - len - t))
	done
}

# Wait (at most 5 s) until someone holds the lock of directory $1.
wait_locked() {
	local i
	for ((i = 0; i < 100; i++)); do
		flock -n "$1" true || return 0
		sleep 0.05
	done
	fail "nobody took the lock of $1"
}

# Every line of $1 is one JSON object.
assert_jsonl() {
	local n
	n=$(jq -c 'select(type == "object")' "$1" | wc -l) || fail "$1 does not parse"
	assert_equal "$n" "$(wc -l <"$1")"
}

# --- concurrent writers ------------------------------------------------------

@test "CONC001: 4 writers appending 200 interactions each lose nothing" {
	new_crm
	add_as ANNA "Anna Nowak"
	local i
	for i in 1 2 3 4; do
		(
			for ((j = 1; j <= 200; j++)); do
				crm-log "$ANNA" note "p$i n$j" >/dev/null || echo "p$i n$j failed" >>errors
			done
		) &
	done
	wait
	[ ! -e errors ] || fail "$(cat errors)"
	run wc -l <interactions.jsonl
	assert_output 800
	assert_jsonl interactions.jsonl
	run bash -c 'jq -r .id interactions.jsonl | sort -u | wc -l'
	assert_output 800
	# every message arrived once
	run bash -c 'jq -r .text interactions.jsonl | sort -u | wc -l'
	assert_output 800
	run jq -r 'select(.text == "p3 n200") | .customer' interactions.jsonl
	assert_output "$ANNA"
}

@test "CONC002: 4 processes adding 25 customers each give 100 distinct rows" {
	new_crm
	local i
	for i in 1 2 3 4; do
		(
			for ((j = 1; j <= 25; j++)); do
				crm-add "Person $i-$j" -e "p$i.n$j@example.com" >>"ids.$i" || echo "p$i n$j failed" >>errors
			done
		) &
	done
	wait
	[ ! -e errors ] || fail "$(cat errors)"
	run bash -c 'mlr --icsv --ojsonl cat customers.csv | jq -r .id | sort -u | wc -l'
	assert_output 100
	run bash -c 'mlr --icsv --ojsonl cat customers.csv | jq -r .email | sort -u | wc -l'
	assert_output 100
	run bash -c 'mlr --icsv --ojsonl cat customers.csv | wc -l'
	assert_output 100
	# the ids printed are the ids stored
	run bash -c 'cat ids.* | sort'
	assert_output "$(mlr --icsv --ojsonl cat customers.csv | jq -r .id | sort)"
	run head -n 1 customers.csv
	assert_output "id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated"
}

# --- the lock ----------------------------------------------------------------

@test "LOCK001: a writer gives up after CRM_LOCK_TIMEOUT while another holds the lock" {
	new_crm
	add_as ANNA "Anna Nowak"
	cd ..
	flock acme/ sleep 3 3>&- &
	local holder=$!
	wait_locked acme
	cp acme/interactions.jsonl before
	SECONDS=0
	CRM_LOCK_TIMEOUT=1 run --separate-stderr crm-log -d acme "$ANNA" note "while locked"
	local took=$SECONDS
	wait "$holder"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: acme: locked by another writer for 1 s; try again later (or raise CRM_LOCK_TIMEOUT)"
	[[ $stderr == *locked* ]]
	cmp acme/interactions.jsonl before
	((took < 3)) || fail "waited ${took}s"
}

@test "LOCK002: with the default timeout a writer waits for the holder and then writes" {
	new_crm
	add_as ANNA "Anna Nowak"
	flock . sleep 1 3>&- &
	local holder=$!
	wait_locked .
	local start=$EPOCHREALTIME
	run --separate-stderr crm-log "$ANNA" note "after the wait"
	local waited=$((${EPOCHREALTIME//[.,]/} - ${start//[.,]/}))
	wait "$holder"
	# it waited for the holder (who sleeps 1 s) instead of failing at once
	((waited > 300000)) || fail "returned after ${waited} us"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(cat interactions.jsonl)" \
		"$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"other","by":"tester","text":"after the wait"}' "$output" "$NOW" "$ANNA")"
}

@test "LOCK003: crm-add honours the same lock" {
	new_crm
	add_as ANNA "Anna Nowak"
	cp customers.csv before
	flock . sleep 3 3>&- &
	local holder=$!
	wait_locked .
	CRM_LOCK_TIMEOUT=1 run --separate-stderr crm-add "Bob Builder"
	wait "$holder"
	assert_failure 2
	assert_output ""
	[[ $stderr == *locked* ]] || fail "stderr: $stderr"
	cmp customers.csv before
}

@test "LOCK004: a waiting writer says after a second which program and user hold the lock, and gives up naming them" {
	new_crm
	add_as ANNA "Anna Nowak"
	cp interactions.jsonl before
	# crm-add holds the lock while it reads its import, which comes late
	(sleep 3; printf 'name\nBob Builder\n') | CRM_USER=anna crm-add --import - >/dev/null 2>added &
	local holder=$!
	wait_locked .
	run cat .crm.lock
	assert_output "$(printf 'crm-add\tanna\t%s\t2026-11-22T10:00:00Z' "$holder")"
	SECONDS=0
	CRM_LOCK_TIMEOUT=1.5 run --separate-stderr crm-log "$ANNA" note "while locked"
	local took=$SECONDS
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: .: waiting for the lock held by crm-add (user anna, pid $holder) since 2026-11-22 10:00
crm-log: .: locked by crm-add (user anna, pid $holder) since 2026-11-22 10:00; gave up after 1.5 s; try again later (or raise CRM_LOCK_TIMEOUT)"
	cmp interactions.jsonl before
	((took < 3)) || fail "waited ${took}s"
	wait "$holder"
	assert_equal "$(cat added)" "crm-add: 1 added, 0 updated, 0 unchanged, 0 skipped"
	# the holder took its name away when it was done
	[ ! -e .crm.lock ]
}

@test "LOCK005: a writer that waits longer than a second says for whom, then writes" {
	new_crm
	add_as ANNA "Anna Nowak"
	(sleep 2; printf 'name\nBob Builder\n') | CRM_USER=anna crm-add --import - >/dev/null 2>&1 &
	local holder=$!
	wait_locked .
	run --separate-stderr crm-log "$ANNA" note "after the wait"
	wait "$holder"
	assert_success
	assert_equal "$stderr" "crm-log: .: waiting for the lock held by crm-add (user anna, pid $holder) since 2026-11-22 10:00"
	run jq -r .text interactions.jsonl
	assert_output "after the wait"
	[ ! -e .crm.lock ]
	# a writer that gets the lock at once says nothing and leaves no .crm.lock
	run --separate-stderr crm-log "$ANNA" note "free"
	assert_success
	assert_equal "$stderr" ""
	[ ! -e .crm.lock ]
}

@test "LOCK006: a .crm.lock of a process that is gone, of another program or unreadable names nobody" {
	new_crm
	add_as ANNA "Anna Nowak"
	flock . sleep 4 3>&- &
	local holder=$!
	wait_locked .
	local dead
	dead=$(sh -c 'echo $$')
	local old="crm-log: .: locked by another writer for 0.2 s; try again later (or raise CRM_LOCK_TIMEOUT)"
	# a writer that was killed left it (its process is gone)
	printf 'crm-add\tanna\t%s\t2026-11-22T09:00:00Z\n' "$dead" >.crm.lock
	CRM_LOCK_TIMEOUT=0.2 run --separate-stderr crm-log "$ANNA" note "no"
	assert_failure 2
	assert_equal "$stderr" "$old"
	# the process lives but is not that program (flock(1) took the lock)
	printf 'crm-add\tanna\t%s\t2026-11-22T09:00:00Z\n' "$holder" >.crm.lock
	CRM_LOCK_TIMEOUT=0.2 run --separate-stderr crm-log "$ANNA" note "no"
	assert_failure 2
	assert_equal "$stderr" "$old"
	# half a line, a line of garbage, an empty file
	printf 'crm-add\tanna\t%s' "$holder" >.crm.lock
	CRM_LOCK_TIMEOUT=0.2 run --separate-stderr crm-log "$ANNA" note "no"
	assert_equal "$stderr" "$old"
	printf 'the lock is mine\n' >.crm.lock
	CRM_LOCK_TIMEOUT=0.2 run --separate-stderr crm-log "$ANNA" note "no"
	assert_equal "$stderr" "$old"
	: >.crm.lock
	CRM_LOCK_TIMEOUT=0.2 run --separate-stderr crm-log "$ANNA" note "no"
	assert_equal "$stderr" "$old"
	wait "$holder"
	# the next writer takes the lock, and the stale file goes with it
	run crm-log "$ANNA" note "yes"
	assert_success
	[ ! -e .crm.lock ]
	assert_equal "$(wc -l <interactions.jsonl)" 1
}

# --- a full disk -------------------------------------------------------------

@test "DISK001: an append that hits the file size limit fails and leaves whole lines" {
	new_crm
	add_as ANNA "Anna Nowak"
	fill_history "$ANNA" $((10 * 1024 - 40))
	run stat -c %s interactions.jsonl
	assert_output 10200
	assert_jsonl interactions.jsonl
	cp interactions.jsonl before
	run --separate-stderr limited 10 crm-log "$ANNA" note "this line does not fit any more"
	assert_failure 2
	assert_output ""
	# the reason is the system's (EFBIG, or ENOSPC after a short write)
	[[ $stderr == "crm-log: interactions.jsonl: cannot append: "* ]] || fail "stderr: $stderr"
	assert_equal "$(wc -l <<<"$stderr")" 1
	run stat -c %s interactions.jsonl
	assert_output 10200
	cmp interactions.jsonl before
	assert_jsonl interactions.jsonl
	# and the next append, with room again, is a whole line of its own
	log_as ID "$ANNA" note "room again"
	assert_jsonl interactions.jsonl
	run tail -n 1 interactions.jsonl
	assert_output "$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"other","by":"tester","text":"room again"}' "$ID" "$NOW" "$ANNA")"
}

@test "DISK002: a customers.csv rewrite over the size limit changes nothing" {
	new_crm
	crm-add "Anna Nowak" -e anna@example.com -s notes=x >/dev/null
	local s1
	s1=$(stat -c %s customers.csv)
	crm-add --update anna@example.com -s "notes=$(repeat p $((1 + 4066 - s1)))" >/dev/null
	run stat -c %s customers.csv
	assert_output 4066
	cp customers.csv ../before
	ls -A >../files
	run --separate-stderr limited 4 crm-add --update anna@example.com --city "$(repeat c 100)"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-add: customers.csv: cannot write: File too large
crm-add: nothing was changed"
	cmp customers.csv ../before
	# no temporary file is left behind
	run ls -A
	assert_output "$(cat ../files)"
	run --separate-stderr limited 4 crm-add "Bob Builder" -e bob@example.com --company "$(repeat c 100)"
	assert_failure 2
	assert_output ""
	cmp customers.csv ../before
	run ls -A
	assert_output "$(cat ../files)"
}

# --- malformed files ---------------------------------------------------------

@test "CSV001: crm-log stops at an unterminated quote in customers.csv" {
	new_crm
	cat >customers.csv <<'EOF'
id,name,email,phone,company,country,city,tags,owner,stage,consent,created,updated
1m86e46427ny9,Anna Nowak,anna@example.com,,,,,,,lead,,2026-11-01T10:00:00Z,2026-11-01T10:00:00Z
1m86e46427ny8,"Bob Builder,bob@example.com,,,,,,,lead,,2026-11-01T10:00:00Z,2026-11-01T10:00:00Z
1m86e46427ny7,Cyril Novák,cyril@example.com,,,,,,,lead,,2026-11-01T10:00:00Z,2026-11-01T10:00:00Z
EOF
	run --separate-stderr crm-log 1m86e46427ny9 note hello
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: customers.csv:3: unterminated quoted field"
	run --separate-stderr crm-log anna note hello
	assert_failure 2
	assert_equal "$stderr" "crm-log: customers.csv:3: unterminated quoted field"
	[ ! -s interactions.jsonl ]
}

# --- closed pipes --------------------------------------------------------------

# A history of 5000 lines over 50 days, written straight into the file.
big_history() {
	add_as ANNA "Anna Nowak"
	local i
	for ((i = 1; i <= 5000; i++)); do
		printf '{"id":"h%012d","ts":"2026-%02d-%02dT%02d:00:00Z","customer":"%s","type":"note","channel":"other","by":"x","text":"line %d"}\n' \
			"$i" $((i % 10 + 1)) $((i % 5 + 1)) $((i % 24)) "$ANNA" "$i"
	done >interactions.jsonl
}

@test "PIPE001: crm-log -l | head -1 prints one line, no error, exit 0" {
	new_crm
	big_history
	local status_log status_head
	crm-log -l 2>err | head -n 1 >out
	status_log=${PIPESTATUS[0]} status_head=${PIPESTATUS[1]}
	assert_equal "$status_log" 0
	assert_equal "$status_head" 0
	run cat err
	assert_output ""
	run cat out
	assert_output "$(printf '{"id":"h%012d","ts":"2026-01-01T00:00:00Z","customer":"%s","type":"note","channel":"other","by":"x","text":"line %d"}' 120 "$ANNA" 120)"
}

@test "PIPE002: a closed pipe is quiet for -o csv and -o table too" {
	new_crm
	big_history
	local fmt st
	for fmt in csv table tsv; do
		crm-log -l -o "$fmt" 2>err | head -n 1 >out
		st=${PIPESTATUS[0]}
		assert_equal "$fmt:$st" "$fmt:0"
		assert_equal "$fmt:$(cat err)" "$fmt:"
		assert_equal "$(wc -l <out)" 1
	done
}

# --- cron's environment ------------------------------------------------------

# A history with names and text in several scripts.
intl_history() {
	add_as JIRI "Jiří Dvořák"
	add_as LUKASZ "Łukasz Wiśniewski"
	add_as PETROV "Петър Петров"
	crm-log jiri call "Ptal se na cenu" --in --ts 2026-03-01T09:00:00Z >/dev/null
	crm-log петров purchase "Поръчка" --amount 129,99 --currency BGN --ts 2026-01-10T12:00:00Z >/dev/null
	crm-log łukasz email "Zażółć gęślą jaźń" --out --ts 2026-02-01T08:30:00Z >/dev/null
}

@test "ENV001: LC_ALL=C and stdin /dev/null do not change crm-log -l" {
	new_crm
	intl_history
	local fmt ref
	for fmt in jsonl csv table; do
		ref=$(LC_ALL=C.UTF-8 crm-log -l -o "$fmt" </dev/null)
		run env LC_ALL=C crm-log -l -o "$fmt" </dev/null
		assert_success
		assert_output "$ref"
		run env -u LC_ALL LANG=C crm-log -l -o "$fmt" </dev/null
		assert_success
		assert_output "$ref"
		run env -u LC_ALL -u LANG crm-log -l -o "$fmt" </dev/null
		assert_success
		assert_output "$ref"
	done
	# the default output in a pipe is the stored lines, in time order
	run env LC_ALL=C crm-log -l </dev/null
	assert_output "$(sed -n 2p interactions.jsonl; sed -n 3p interactions.jsonl; sed -n 1p interactions.jsonl)"
}

@test "ENV002: under LC_ALL=C the table lines up characters, not bytes" {
	new_crm
	intl_history
	run env LC_ALL=C crm-log -l -o table </dev/null
	assert_success
	run sed 's/ *$//' <<<"$output"
	assert_output - <<'EOF'
when              customer           type      dir  what               amount
2026-01-10 12:00  Петър Петров       purchase       Поръчка            129.99 BGN
2026-02-01 08:30  Łukasz Wiśniewski  email     out  Zażółć gęślą jaźń
2026-03-01 09:00  Jiří Dvořák        call      in   Ptal se na cenu
EOF
}

@test "ENV003: an append under LC_ALL=C stores the same UTF-8 bytes" {
	new_crm
	add_as JIRI "Jiří Dvořák"
	local a b
	a=$(LC_ALL=C crm-log jiri note "Děkuji, Łódź, Благодаря" </dev/null)
	b=$(LC_ALL=C.UTF-8 crm-log jiri note "Děkuji, Łódź, Благодаря" </dev/null)
	assert_equal "$(sed -n 1p interactions.jsonl | sed "s/$a/X/")" \
		"$(sed -n 2p interactions.jsonl | sed "s/$b/X/")"
	assert_equal "$(jq -r .text interactions.jsonl | sort -u)" "Děkuji, Łódź, Благодаря"
}

# --- finding the directory ---------------------------------------------------

@test "DIR001: without a CRM directory every program says how to make one" {
	local hint="no CRM directory here or in any parent (no customers.csv); create one with 'crm-init DIR', or name one with -d DIR or \$CRM_DIR"
	run --separate-stderr crm-log anna note x
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: $hint"
	run --separate-stderr crm-add "Anna Nowak"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-add: $hint"
	[ ! -e customers.csv ]
	run --separate-stderr crm-log -l
	assert_failure 2
	[[ $stderr == *crm-init* ]]
	[ ! -e interactions.jsonl ]
}

@test "DIR002: -d and --dir name the directory from elsewhere" {
	crm-init acme >/dev/null
	add_as ANNA -d acme "Anna Nowak"
	mkdir elsewhere
	cd elsewhere
	log_as ONE -d ../acme "$ANNA" note one
	log_as TWO --dir ../acme "$ANNA" note two
	run jq -r .id ../acme/interactions.jsonl
	assert_output "$ONE
$TWO"
	run crm-log -d ../acme -l
	assert_success
	assert_output "$(cat ../acme/interactions.jsonl)"
	[ ! -e interactions.jsonl ]
}

@test "DIR003: CRM_DIR names the directory, and -d wins over it" {
	crm-init acme >/dev/null
	crm-init other >/dev/null
	export CRM_DIR="$WORK/acme"
	add_as ANNA "Anna Nowak"
	log_as ONE anna note one
	run jq -r .id acme/interactions.jsonl
	assert_output "$ONE"
	add_as BOB -d other "Bob Builder"
	log_as TWO -d other bob note two
	run jq -r .id other/interactions.jsonl
	assert_output "$TWO"
	run jq -r .id acme/interactions.jsonl
	assert_output "$ONE"
}

@test "DIR004: the directory is found from a subdirectory" {
	new_crm
	add_as ANNA "Anna Nowak"
	mkdir -p reports/2026
	cd reports/2026
	log_as ID anna note "from below"
	run jq -r .id ../../interactions.jsonl
	assert_output "$ID"
}

@test "DIR005: -d naming a missing directory is an error that mentions crm-init" {
	run --separate-stderr crm-log -d "$WORK/missing" -l
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-log: $WORK/missing: no such directory (create one with 'crm-init $WORK/missing')"
	[ ! -e missing ]
}

# --- a torn last line --------------------------------------------------------

@test "TORN001: an append after a last line without LF starts on a new line" {
	new_crm
	add_as ANNA "Anna Nowak"
	local torn
	torn=$(printf '{"id":"0000000000001","ts":"2026-01-01T00:00:00Z","customer":"%s","type":"note","channel":"other","by":"x","text":"torn"}' "$ANNA")
	printf '%s' "$torn" >interactions.jsonl
	log_as ID "$ANNA" note "after the tear"
	run sed -n 1p interactions.jsonl
	assert_output "$torn"
	run sed -n 2p interactions.jsonl
	assert_output "$(printf '{"id":"%s","ts":"%s","customer":"%s","type":"note","channel":"other","by":"tester","text":"after the tear"}' "$ID" "$NOW" "$ANNA")"
	run wc -l <interactions.jsonl
	assert_output 2
	assert_equal "$(tail -c 1 interactions.jsonl | od -An -c | tr -d ' ')" '\n'
}
