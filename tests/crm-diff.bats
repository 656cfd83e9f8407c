#!/usr/bin/env bats
# crm-diff: two versions of customers.csv field by field, the history line
# by line; the forms git calls it in (external diff, textconv).

load helper

local_setup() {
	cat >old.csv <<'EOF'
id,name,email,city,consent,tags,updated
01aaaaaaaaaaa,Zofia Kamińska,zofia@example.pl,Poznań,opt-in,vip,2026-01-01T00:00:00Z
01bbbbbbbbbbb,Jan Kowalski,jan@example.pl,Gdańsk,,,2026-01-01T00:00:00Z
01ccccccccccc,"Петър Петров",petar@example.bg,София,opt-in,,2026-01-01T00:00:00Z
EOF
	cat >new.csv <<'EOF'
id,name,email,city,consent,tags,updated
01aaaaaaaaaaa,Zofia Kamińska,zofia@example.pl,Kraków,opt-out,vip,2026-02-01T00:00:00Z
01ccccccccccc,Петър Петров,petar@example.bg,София,opt-in,,2026-01-01T00:00:00Z
01ddddddddddd,Petr Svoboda,petr@example.cz,Brno,,,2026-02-01T00:00:00Z
EOF
}

@test "DIFF001: a line per customer: the changed fields (not updated), the added and the removed by name" {
	run --separate-stderr crm-diff old.csv new.csv
	assert_success
	assert_equal "$stderr" ''
	assert_output 'diff --crm old.csv new.csv
01aaaaaaaaaaa Zofia Kamińska: city Poznań → Kraków, consent opt-in → opt-out
01ddddddddddd Petr Svoboda: added
01bbbbbbbbbbb Jan Kowalski: removed'
	# the same customers, the bytes alone differ (quotes): nothing to show, status 1
	sed 's/^01ccccccccccc,Петър Петров/01ccccccccccc,"Петър Петров"/' new.csv >same.csv
	run --separate-stderr crm-diff new.csv same.csv
	assert_failure 1
	assert_output ''
	# updated is shown when it is all that changed
	sed 's/2026-01-01T00:00:00Z$/2026-03-01T00:00:00Z/' new.csv >later.csv
	run crm-diff new.csv later.csv
	assert_output 'diff --crm new.csv later.csv
01ccccccccccc Петър Петров: updated 2026-01-01T00:00:00Z → 2026-03-01T00:00:00Z'
}

@test "DIFF002: values that need it are quoted; a name changed, a column added and removed" {
	cat >a.csv <<'EOF'
id,name,city,tags,fax
01aaaaaaaaaaa,Anna Nowak,Gdańsk,vip;b2b,1
01bbbbbbbbbbb,,Łódź,,
EOF
	cat >b.csv <<'EOF'
id,name,city,tags,touch
01aaaaaaaaaaa,Anna Kowalska,,"a, b",30
01bbbbbbbbbbb,," Łódź","x→y
z",
EOF
	run --separate-stderr crm-diff a.csv b.csv
	assert_success
	assert_output 'diff --crm a.csv b.csv
column touch added
column fax removed
01aaaaaaaaaaa Anna Kowalska: name Anna Nowak → Anna Kowalska, city Gdańsk → "", tags vip;b2b → "a, b", touch "" → 30, fax 1 → ""
01bbbbbbbbbbb (no name): city Łódź → " Łódź", tags "" → "x→y\nz"'
}

@test "DIFF003: rows without an id, and the second row of an id, go by their bytes" {
	cat >a.csv <<'EOF'
id,name
01aaaaaaaaaaa,Anna
,No Id
01aaaaaaaaaaa,Anna Again
EOF
	cat >b.csv <<'EOF'
id,name
01aaaaaaaaaaa,Anna
,No Id
,Another
01aaaaaaaaaaa,Anna Once More
EOF
	run --separate-stderr crm-diff a.csv b.csv
	assert_success
	assert_output 'diff --crm a.csv b.csv
(no id) Another: added
01aaaaaaaaaaa Anna Once More: added
01aaaaaaaaaaa Anna Again: removed'
}

@test "DIFF004: git's external diff: seven or nine operands, the path names the file, a side may be /dev/null; status 0" {
	run --separate-stderr crm-diff acme/customers.csv old.csv 1111111 100644 new.csv 2222222 100644
	assert_success
	assert_line --index 0 'diff --crm a/acme/customers.csv b/acme/customers.csv'
	assert_line --index 1 '01aaaaaaaaaaa Zofia Kamińska: city Poznań → Kraków, consent opt-in → opt-out'
	run --separate-stderr crm-diff customers.csv /dev/null 0000000 100644 new.csv 2222222 100644
	assert_success
	assert_output 'diff --crm a/customers.csv b/customers.csv
01aaaaaaaaaaa Zofia Kamińska: added
01ccccccccccc Петър Петров: added
01ddddddddddd Petr Svoboda: added'
	# renamed: the new path names the file; no change to show is no failure
	run --separate-stderr crm-diff old/customers.csv new.csv 1 100644 new.csv 1 100644 new/customers.csv 'similarity index 100%'
	assert_success
	assert_output 'diff --crm a/old/customers.csv b/new/customers.csv'
	# a path git has not merged yet
	run --separate-stderr crm-diff customers.csv
	assert_success
	assert_output '* Unmerged path customers.csv'
}

@test "DIFF005: the history, and a version that is not CSV, line by line: '-' old, '+' new, CR LF as LF" {
	printf '%s\n' '{"id":"i1","ts":"2026-01-01T00:00:00Z","customer":"a","type":"note"}' \
		'{"id":"i2","ts":"2026-01-02T00:00:00Z","customer":"b","type":"call"}' >a.jsonl
	printf '%s\r\n' '{"id":"i1","ts":"2026-01-01T00:00:00Z","customer":"a","type":"note"}' \
		'{"id":"i2","ts":"2026-01-02T00:00:00Z","customer":"c","type":"call"}' \
		'{"id":"i3","ts":"2026-01-03T00:00:00Z","customer":"c","type":"sms"}' >b.jsonl
	run --separate-stderr crm-diff x/interactions.jsonl a.jsonl 1 100644 b.jsonl 2 100644
	assert_success
	assert_output 'diff --crm a/x/interactions.jsonl b/x/interactions.jsonl
-{"id":"i2","ts":"2026-01-02T00:00:00Z","customer":"b","type":"call"}
+{"id":"i2","ts":"2026-01-02T00:00:00Z","customer":"c","type":"call"}
+{"id":"i3","ts":"2026-01-03T00:00:00Z","customer":"c","type":"sms"}'
	printf 'id,name\n01aaaaaaaaaaa,"Anna\n' >bad.csv
	run --separate-stderr crm-diff customers.csv old.csv 1 100644 bad.csv 2 100644
	assert_success
	assert_equal "$stderr" 'crm-diff: b/customers.csv:2: unterminated quoted field'
	assert_line --index 0 'diff --crm a/customers.csv b/customers.csv'
	assert_line '+01aaaaaaaaaaa,"Anna'
	assert_line '-01bbbbbbbbbbb,Jan Kowalski,jan@example.pl,Gdańsk,,,2026-01-01T00:00:00Z'
}

@test "DIFF006: --textconv: a line per customer and one per field that is not empty; other files as they are" {
	run --separate-stderr crm-diff --textconv old.csv
	assert_success
	assert_output '01aaaaaaaaaaa Zofia Kamińska
01aaaaaaaaaaa Zofia Kamińska: email zofia@example.pl
01aaaaaaaaaaa Zofia Kamińska: city Poznań
01aaaaaaaaaaa Zofia Kamińska: consent opt-in
01aaaaaaaaaaa Zofia Kamińska: tags vip
01bbbbbbbbbbb Jan Kowalski
01bbbbbbbbbbb Jan Kowalski: email jan@example.pl
01bbbbbbbbbbb Jan Kowalski: city Gdańsk
01ccccccccccc Петър Петров
01ccccccccccc Петър Петров: email petar@example.bg
01ccccccccccc Петър Петров: city София
01ccccccccccc Петър Петров: consent opt-in'
	printf '{"id":"i1"}\n' >h.jsonl
	run crm-diff --textconv h.jsonl
	assert_output '{"id":"i1"}'
	printf 'id,name\n01aaaaaaaaaaa,"Anna\n' >bad.csv
	run --separate-stderr crm-diff --textconv bad.csv
	assert_success
	assert_output $'id,name\n01aaaaaaaaaaa,"Anna'
}

@test "DIFF007: usage: --help shows the git setup; operands counted; crm help lists it" {
	run --separate-stderr crm-diff --help
	assert_success
	assert_line --index 0 'usage: crm-diff OLD NEW'
	assert_line "  git config diff.crm.command crm-diff"
	run --separate-stderr crm-diff old.csv
	assert_success
	run --separate-stderr crm-diff a b c
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-diff: give two versions: OLD NEW'
	run --separate-stderr crm-diff --textconv
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'crm-diff: --textconv takes one FILE'
	run --separate-stderr crm-diff old.csv missing.csv
	assert_failure 2
	assert_equal "$stderr" 'crm-diff: missing.csv: No such file or directory'
	run crm help
	assert_line --partial 'diff      git diff driver: customers field by field'
	run crm diff old.csv new.csv
	assert_success
	assert_line --index 0 'diff --crm old.csv new.csv'
}

@test "DIFF008: every malformed file of tests/bad-input, as either version and through --textconv: never a crash" {
	local f k n=0
	for f in "$TOP"/tests/bad-input/csv-*.csv "$TOP"/tests/bad-input/jsonl-*.jsonl; do
		for args in "old.csv $f" "$f old.csv" "customers.csv old.csv 1 100644 $f 2 100644" "--textconv $f"; do
			# shellcheck disable=SC2086
			crm-diff $args >/dev/null 2>&1 && k=0 || k=$?
			((k <= 2)) || fail "crm-diff $args: status $k"
			n=$((n + 1))
		done
	done
	((n >= 120))
}
