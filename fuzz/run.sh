#!/bin/sh
# run.sh TARGET SECONDS - fuzz one target for SECONDS at the lowest
# priority, keep any crash input in fuzz/regress/TARGET/, and append the
# run to fuzz/RUNS.md (target, date, seconds, executions, crashes).
set -u
t=$1
secs=$2
cd "$(dirname "$0")/.." || exit 2
bin=build/fuzz/$t
if [ ! -x "$bin" ]; then
	echo "run.sh: $bin is not built (make fuzz)" >&2
	exit 2
fi
mkdir -p "build/fuzz/corpus/$t" "fuzz/corpus/$t" "fuzz/regress/$t"
set --
[ -f "fuzz/$t.dict" ] && set -- "-dict=fuzz/$t.dict"
log=build/fuzz/$t.log
before=$(ls "fuzz/regress/$t" | wc -l)
start=$(date +%s)
# new inputs go to build/fuzz/corpus (not committed); the seeds are read too
nice -n 19 "$bin" "$@" -max_total_time="$secs" -timeout=60 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="fuzz/regress/$t/" \
	"build/fuzz/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1
status=$?
end=$(date +%s)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
after=$(ls "fuzz/regress/$t" | wc -l)
crashes=$((after - before))
printf '| %s | %s | %s | %s | %s |\n' "$t" "$(date -u +%Y-%m-%d)" "$((end - start))" \
	"${execs:-0}" "$crashes" >>fuzz/RUNS.md
awk -F'|' -v t="$t" '$2 == " " t " " { s += $4; n++ }
	END { printf "%s: %d s over %d runs in fuzz/RUNS.md\n", t, s, n }' fuzz/RUNS.md
if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
	echo "run.sh: $t failed (exit $status); see $log and fuzz/regress/$t/" >&2
	exit 1
fi
