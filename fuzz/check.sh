#!/bin/sh
# check.sh SECONDS TARGET... - run each built target over its regression
# inputs (fuzz/regress/TARGET/), then fuzz it for SECONDS from its seeds.
# Exits 1 when any target crashes.
set -u
secs=$1
shift
cd "$(dirname "$0")/.." || exit 2
pass=0
fail=0
for t in "$@"; do
	bin=build/fuzz/$t
	mkdir -p "build/fuzz/corpus/$t" "build/fuzz/check/$t"
	ok=true
	set --
	for f in fuzz/regress/"$t"/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	if [ $# -gt 0 ] && ! "$bin" "$@" >"build/fuzz/check/$t.regress.log" 2>&1; then
		echo "check-fuzz: $t: a regression input fails; see build/fuzz/check/$t.regress.log" >&2
		ok=false
	fi
	set --
	[ -f "fuzz/$t.dict" ] && set -- "-dict=fuzz/$t.dict"
	if ! nice -n 19 "$bin" "$@" -max_total_time="$secs" -timeout=60 -rss_limit_mb=2048 \
		-artifact_prefix="build/fuzz/check/$t/" \
		"build/fuzz/corpus/$t" "fuzz/corpus/$t" >"build/fuzz/check/$t.log" 2>&1; then
		echo "check-fuzz: $t: crashed; see build/fuzz/check/$t.log and build/fuzz/check/$t/" >&2
		ok=false
	fi
	if $ok; then
		echo "ok $t"
		pass=$((pass + 1))
	else
		echo "not ok $t"
		fail=$((fail + 1))
	fi
done
echo "check-fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
