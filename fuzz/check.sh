#!/bin/sh
# check.sh SECONDS TARGET... - run each built target over its regression
# inputs (fuzz/regress/TARGET/), then fuzz it for SECONDS from its seeds.
# $JOBS targets run at once (default: the number of cores). Prints "ok
# TARGET" or "not ok TARGET" for each, in order; exits 1 when any crashes.
set -u
secs=$1
shift
cd "$(dirname "$0")/.." || exit 2
jobs=${JOBS:-$(nproc 2>/dev/null || echo 1)}

# one TARGET: its result ("ok" or "not ok") into build/fuzz/check/TARGET.result
one() {
	t=$1
	bin=build/fuzz/$t
	mkdir -p "build/fuzz/corpus/$t" "build/fuzz/check/$t" "fuzz/corpus/$t"
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
		# what failed and the input, so that a log without the files says it
		grep -E 'check failed|ERROR|SUMMARY|Test unit written' "build/fuzz/check/$t.log" | sed "s/^/check-fuzz: $t: /" >&2
		for a in "build/fuzz/check/$t"/crash-* "build/fuzz/check/$t"/leak-* "build/fuzz/check/$t"/timeout-* "build/fuzz/check/$t"/oom-*; do
			[ -f "$a" ] && od -An -c "$a" | head -n 32 | sed "s/^/check-fuzz: $t: input:/" >&2
		done
		ok=false
	fi
	if $ok; then echo ok; else echo "not ok"; fi >"build/fuzz/check/$t.result"
}

mkdir -p build/fuzz/check
n=0
for t in "$@"; do
	rm -f "build/fuzz/check/$t.result"
	one "$t" &
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		wait
		n=0
	fi
done
wait

pass=0
fail=0
for t in "$@"; do
	r=$(cat "build/fuzz/check/$t.result" 2>/dev/null || echo "not ok")
	echo "$r $t"
	if [ "$r" = ok ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "check-fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
