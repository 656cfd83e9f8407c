#!/bin/bash
# bench/run.sh - time crm-find against grep (the floor), Miller, jq, csvkit
# and DuckDB, and the everyday commands against grep -c and cp
#
# Generates the data once into bench/data/ (reused while the sizes and
# bench/gen.c are unchanged), runs every command three times (once when a
# run takes more than 20 s) and prints the median wall time, the peak
# resident memory, the count each command found and the ratios. The
# writers of cases 7 to 9 change a copy of the data (bench/data/.scratch,
# made when the cases run), each run another customer.
#
# DuckDB runs through bench/duckdb.mjs (node and the npm package
# @duckdb/node-api in bench/node_modules, which make bench installs); when
# either is missing its rows are left out with a note.
#
# usage: bench/run.sh [--data-only] [--cases LIST]
#   --data-only: make the data and stop
#   --cases LIST: run only these cases, e.g. --cases 4,5 (default: all)
#
# Environment: BENCH_NCUST, BENCH_NINTER (sizes), BENCH_DATA (directory),
# CC (to build bench/gen when make did not).

# "sh bench/run.sh" works too: the rest of the script needs bash.
if [ -z "${BASH_VERSION-}" ]; then
	exec bash "$0" "$@"
fi
set -eu

cd "$(dirname "$0")/.."
root=$PWD
ncust=${BENCH_NCUST:-1000000}
ninter=${BENCH_NINTER:-5000000}
data=${BENCH_DATA:-bench/data}
slow=20 # seconds: a command slower than this runs once

export CRM_NOW=2026-11-22 LC_ALL=C.UTF-8
export PATH="$root/bin:$PATH"
# -180d: the start of the day 180 days before CRM_NOW
CUT=$(date -u -d "$CRM_NOW -180 days" +%Y-%m-%dT00:00:00Z)
export CUT

die() {
	echo "run.sh: $*" >&2
	exit 2
}

for t in mlr jq csvgrep csvcut /usr/bin/time sha256sum; do
	command -v "$t" >/dev/null 2>&1 ||
		die "$t is missing (apt-get install miller jq csvkit time coreutils)"
done
[ -x bin/crm-find ] || die "bin/crm-find is missing: run make first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# DuckDB: optional. duck_note says why its rows are left out.
duck_note="" duck_version=""
if ! command -v node >/dev/null 2>&1; then
	duck_note="node is missing"
elif [ ! -f bench/node_modules/@duckdb/node-api/package.json ]; then
	duck_note="bench/node_modules/@duckdb/node-api is missing (make bench installs it)"
elif ! duck_version=$(node bench/duckdb.mjs - 2>"$tmp/duckerr"); then
	duck_note="bench/duckdb.mjs does not run: $(head -c 200 "$tmp/duckerr" | tr '\n' ' ')"
fi
[ -z "$duck_note" ] || echo "run.sh: without DuckDB: $duck_note" >&2

# ---- data -------------------------------------------------------------

if [ ! -x bench/gen ] || [ bench/gen.c -nt bench/gen ]; then
	"${CC:-cc}" -O2 -o bench/gen bench/gen.c
fi
sum=$(sha256sum bench/gen.c | cut -d ' ' -f 1)
want="ncust=$ncust ninter=$ninter gen.c=$sum"
stamp=$data/.stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
	[ -f "$data/customers.csv" ] && [ -f "$data/interactions.jsonl" ] && [ -f "$data/crm.conf" ]; then
	gen_note="reused ($want; generated in $(cat "$data/.gentime" 2>/dev/null || echo '?') s)"
else
	echo "generating $ncust customers and $ninter interactions into $data ..." >&2
	rm -f "$stamp" "$data/.gentime" "$data/customers.csv" "$data/interactions.jsonl" "$data/crm.conf"
	mkdir -p "$data"
	/usr/bin/time -f '%e' -o "$tmp/gentime" bench/gen "$data" "$ncust" "$ninter"
	tail -n 1 "$tmp/gentime" >"$data/.gentime"
	echo "$want" >"$stamp"
	gen_note="generated now in $(cat "$data/.gentime") s ($want)"
fi
D=$data
export D
cases=1,2,3,4,5,6,7,8,9,10,11
while [ $# -gt 0 ]; do
	case $1 in
	--data-only)
		echo "$D: $gen_note"
		exit 0
		;;
	--cases)
		[ $# -ge 2 ] || die "--cases needs a list, e.g. --cases 4,5"
		cases=$2
		shift 2
		;;
	--cases=*)
		cases=${1#--cases=}
		shift
		;;
	*) die "usage: bench/run.sh [--data-only] [--cases LIST]" ;;
	esac
done
# NOWTS: CRM_NOW as a time stamp; W: a scratch directory for the peers
NOWTS=$(date -u -d "$CRM_NOW" +%Y-%m-%dT%H:%M:%SZ)
W=$tmp/w
mkdir -p "$W"
export NOWTS W

# ---- measuring --------------------------------------------------------

# one row per command
r_case=() r_kind=() r_label=() r_cmd=() r_sec=() r_cpu=() r_mib=() r_count=() r_runs=() r_note=() r_res=()

# the median of the numbers on standard input, one a line
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# measure CASE KIND LABEL COMMAND: KIND is floor, ours or peer. The command
# runs under bash -o pipefail with stdin from /dev/null (crm-find would
# read a file or pipe on stdin as its input stream). Its output goes to a
# file, not to /dev/null: GNU grep stops at the first match when its
# output is /dev/null, even with -c.
# measure CASE KIND LABEL COMMAND CANON: as above, but the output is a
# result to compare: CANON (untimed; the output on stdin) turns it into
# sorted lines, the count is their number, and a peer's lines are compared
# with crm's of the same case ("same", or the number of differing lines).
measure() {
	local case=$1 kind=$2 label=$3 cmd=$4 canon=${5-}
	local i st t m u s times="" cpus="" peak=0 count="" note="" runs=0
	case ",$cases," in
	*",${case%%[a-z]*},"*) ;;
	*) return 0 ;;
	esac
	echo "case $case: $label ..." >&2
	for i in 1 2 3; do
		st=0
		/usr/bin/time -f '%e %M %U %S' -o "$tmp/time" bash -o pipefail -c "$cmd" \
			</dev/null >"$tmp/out" 2>"$tmp/err" || st=$?
		runs=$i
		read -r t m u s <<<"$(tail -n 1 "$tmp/time")"
		times="$times$t"$'\n'
		cpus="$cpus$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')"$'\n'
		[ "$m" -gt "$peak" ] && peak=$m
		if [ "$st" -gt 1 ]; then
			note="FAILED (exit $st: $(head -c 200 "$tmp/err" | tr '\n' ' '))"
			count="-"
			break
		fi
		local c
		if [ -n "$canon" ]; then
			c=$(sha256sum <"$tmp/out")
		else
			c=$(tail -n 1 "$tmp/out" | tr -d ' \t')
		fi
		if [ -n "$count" ] && [ "$c" != "$count" ]; then
			note="UNSTABLE (the output changed between runs)"
		fi
		count=$c
		if awk -v t="$t" -v s="$slow" 'BEGIN { exit !(t > s) }'; then
			break
		fi
	done
	local res=""
	if [ -n "$canon" ] && [ "$count" != - ]; then
		res=$tmp/res.${#r_case[@]}
		bash -o pipefail -c "$canon" <"$tmp/out" >"$res" || note="${note:+$note; }CANON FAILED"
		count=$(wc -l <"$res")
		cmd="$cmd  # then: $canon"
	fi
	r_res+=("$res")
	r_case+=("$case") r_kind+=("$kind") r_label+=("$label") r_cmd+=("$cmd")
	r_sec+=("$(printf '%s' "$times" | median)")
	r_cpu+=("$(printf '%s' "$cpus" | median)")
	r_mib+=("$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')")
	r_count+=("$count") r_runs+=("$runs") r_note+=("$note")
}

# duck CASE LABEL COMMAND [CANON]: measure a DuckDB peer (LABEL starts with
# "duckdb"), or nothing when DuckDB is not there
duck() {
	[ -n "$duck_note" ] || measure "$1" peer "$2" "$3" "${4-}"
}

load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
# Warm the page cache so that the first command does not pay for the disk.
cat "$D/customers.csv" "$D/interactions.jsonl" >/dev/null

# shellcheck disable=SC2016 # the commands are expanded by bash -c, not here
{
	# (1) a text search over every field
	measure 1 floor "grep -ci (floor; lines)" \
		'grep -ci '\''łukasz'\'' "$D/customers.csv"'
	measure 1 ours "crm-find -c PATTERN" \
		'crm-find -d "$D" -c '\''łukasz'\'''
	measure 1 peer "mlr filter (every field)" \
		'mlr --icsv --onidx filter '\''found = false; for (k, v in $*) { if (tolower(v) =~ "łukasz") { found = true } } found'\'' then count "$D/customers.csv"'
	duck 1 "duckdb SQL (every field)" \
		"node bench/duckdb.mjs \"SELECT count(*) FROM read_csv('\$D/customers.csv', header = true, delim = ',', all_varchar = true) WHERE contains(lower(concat_ws(chr(10), *COLUMNS(*))), 'łukasz')\""

	# (2) two column tests
	measure 2 floor "grep -ciE (floor; lines)" \
		'grep -ciE '\'',pl,[^,]*,([^,]*;)?vip[;,]'\'' "$D/customers.csv"'
	measure 2 ours "crm-find -c --where" \
		'crm-find -d "$D" -c --where '\''country=PL and tags=vip'\'''
	measure 2 peer "mlr filter" \
		'mlr --icsv --onidx filter '\''tolower($country) == "pl" && any(splitax(tolower($tags), ";"), func(t) { return t == "vip" })'\'' then count "$D/customers.csv"'
	measure 2 peer "csvgrep | csvgrep" \
		'csvgrep -c country -r '\''(?i)^pl$'\'' "$D/customers.csv" | csvgrep -c tags -r '\''(?i)(^|;)vip(;|$)'\'' | csvcut -c id | tail -n +2 | wc -l'
	duck 2 "duckdb SQL" \
		"node bench/duckdb.mjs \"SELECT count(*) FROM read_csv('\$D/customers.csv', header = true, delim = ',', all_varchar = true) WHERE lower(country) = 'pl' AND list_contains(string_split(lower(tags), ';'), 'vip')\""

	# (3) fields derived from the history
	measure 3 floor "grep -c (floor; history pass)" \
		'grep -c '\''"type":"purchase"'\'' "$D/interactions.jsonl"'
	measure 3 ours "crm-find -c --where (derived)" \
		'crm-find -d "$D" -c --where '\''revenue>1000 and last_contact<-180d'\'''
	measure 3 peer "jq | awk" \
		'jq -r '\''select(.type != "task" and .type != "done") | [.customer, .ts, (if .currency == "PLN" and .type == "purchase" then .amount elif .currency == "PLN" and .type == "refund" then -.amount else "" end)] | @tsv'\'' "$D/interactions.jsonl" | awk -F '\''\t'\'' -v cut="$CUT" '\''FILENAME == ARGV[1] { if (!inq && FNR > 1) ids[substr($0, 1, index($0, ",") - 1)] = 1; if (gsub(/"/, "&") % 2) inq = !inq; next } { if ($2 > last[$1]) last[$1] = $2; if ($3 != "") { rev[$1] += $3; has[$1] = 1 } } END { n = 0; for (c in last) if ((c in ids) && (c in has) && rev[c] > 100000 && last[c] < cut) n++; print n }'\'' "$D/customers.csv" -'
	measure 3 peer "mlr put | mlr join" \
		'mlr --ijsonl --ocsv put -q '\''if ($type != "task" && $type != "done") { c = $customer; if (is_absent(@last[c]) || $ts > @last[c]) { @last[c] = $ts } if (($currency ?? "") == "PLN" && ($type == "purchase" || $type == "refund")) { r = @rev[c] ?? 0; @rev[c] = $type == "purchase" ? r + $amount : r - $amount } } end { print "id"; for (c, l in @last) { if (is_present(@rev[c]) && @rev[c] > 100000 && l < ENV["CUT"]) { print c } } }'\'' "$D/interactions.jsonl" | mlr -S --icsv --onidx join -j id -f /dev/stdin then count "$D/customers.csv"'
	duck 3 "duckdb SQL (join)" \
		"node bench/duckdb.mjs \"SELECT count(*) FROM (SELECT customer, max(ts) AS last, sum(CASE type WHEN 'purchase' THEN amount ELSE -amount END) FILTER (currency = 'PLN' AND type IN ('purchase', 'refund')) AS rev FROM read_json('\$D/interactions.jsonl', format = 'newline_delimited', columns = {customer: 'VARCHAR', ts: 'VARCHAR', type: 'VARCHAR', amount: 'DOUBLE', currency: 'VARCHAR'}) WHERE type IS DISTINCT FROM 'task' AND type IS DISTINCT FROM 'done' GROUP BY customer) WHERE rev > 100000 AND last < '\$CUT' AND customer IN (SELECT id FROM read_csv('\$D/customers.csv', header = true, delim = ',', all_varchar = true))\""

	# (4) RFM scores over the whole customer base, against the floor of a
	# pass over the history (the ids of customers.csv: the first field of
	# every record, skipping the lines inside a quoted field)
	measure 4 floor "grep -c (floor; history pass)" \
		'grep -c '\''"type":"purchase"'\'' "$D/interactions.jsonl"'
	measure 4 ours "crm-segment --rfm" \
		'crm-segment -d "$D" --rfm' \
		'crm-find -f id,r,f,m | tail -n +2 | grep -v '\'',,,$'\'' | LC_ALL=C sort'
	measure 4a ours "crm-segment --rfm -S" \
		'crm-segment -d "$D" --rfm -S -o csv' \
		'tail -n +2 | cut -d , -f 1,2'
	measure 4 peer "jq | awk | sort (x3) | join" \
		'jq -r '\''($ENV.NOWTS | fromdate) as $now | select((.type == "purchase" or .type == "refund") and (.customer | type) == "string" and .customer != "" and (.ts | type) == "string" and .ts <= $ENV.NOWTS) | [.customer, .type, (($now - (.ts | fromdate)) / 86400 | floor), (if .currency == "PLN" and (.amount | type) == "number" then .amount else "" end)] | @tsv'\'' "$D/interactions.jsonl" | awk -F '\''\t'\'' '\''FILENAME == ARGV[1] { if (!inq && FNR > 1) ids[substr($0, 1, index($0, ",") - 1)] = 1; if (gsub(/"/, "&") % 2) inq = !inq; next } $2 == "purchase" { f[$1]++; if (!($1 in d) || $3 < d[$1]) d[$1] = $3 } $4 != "" { m[$1] += $2 == "purchase" ? $4 : -$4 } END { for (c in f) if (c in ids) print c "\t" d[c] "\t" f[c] "\t" m[c] + 0 }'\'' "$D/customers.csv" - >"$W/b" && n=$(wc -l <"$W/b") && export LC_ALL=C && sort -t "$(printf '\''\t'\'')" -k2,2nr -k1,1 "$W/b" | awk -v n="$n" '\''{ print $1 "\t" int((5 * NR + n - 1) / n) }'\'' | sort >"$W/r" && sort -t "$(printf '\''\t'\'')" -k3,3n -k1,1 "$W/b" | awk -v n="$n" '\''{ print $1 "\t" int((5 * NR + n - 1) / n) }'\'' | sort >"$W/f" && sort -t "$(printf '\''\t'\'')" -k4,4n -k1,1 "$W/b" | awk -v n="$n" '\''{ print $1 "\t" int((5 * NR + n - 1) / n) }'\'' | sort >"$W/m" && join -t "$(printf '\''\t'\'')" "$W/r" "$W/f" | join -t "$(printf '\''\t'\'')" - "$W/m" | tr '\''\t'\'' , | sort' \
		'cat'
	duck 4 "duckdb SQL (window)" \
		"node bench/duckdb.mjs \"WITH h AS (SELECT customer, type, date_diff('second', CAST(ts AS TIMESTAMP), TIMESTAMP '\$NOWTS') // 86400 AS days, CASE WHEN currency = 'PLN' THEN amount END AS amount FROM read_json('\$D/interactions.jsonl', format = 'newline_delimited', columns = {customer: 'VARCHAR', ts: 'VARCHAR', type: 'VARCHAR', amount: 'DOUBLE', currency: 'VARCHAR'}) WHERE type IN ('purchase', 'refund') AND customer <> '' AND ts <= '\$NOWTS'), b AS (SELECT customer AS id, min(days) FILTER (type = 'purchase') AS d, count(*) FILTER (type = 'purchase') AS f, CAST(coalesce(sum(CASE type WHEN 'purchase' THEN amount ELSE -amount END), 0) AS BIGINT) AS m FROM h GROUP BY customer HAVING f > 0 AND customer IN (SELECT id FROM read_csv('\$D/customers.csv', header = true, delim = ',', all_varchar = true))), s AS (SELECT id, (5 * row_number() OVER (ORDER BY d DESC, id) + count(*) OVER () - 1) // count(*) OVER () AS r, (5 * row_number() OVER (ORDER BY f, id) + count(*) OVER () - 1) // count(*) OVER () AS f, (5 * row_number() OVER (ORDER BY m, id) + count(*) OVER () - 1) // count(*) OVER () AS m FROM b) SELECT concat_ws(',', id, r, f, m) AS line FROM s ORDER BY line\"" \
		'cat'

	# (5) reports over the whole history: activity, revenue, cohorts. Ours
	# run right after the floor, before the peers: on a virtual machine
	# the minutes of a peer at full load leave the next runs slower for a
	# while (cohorts measured after mlr and jq took 0.67 s where it takes
	# 0.45-0.50 s next to grep), and the ratio to the floor is meant to
	# compare runs made in the same conditions
	measure 5 floor "grep -c . (floor; history lines)" \
		'grep -c . "$D/interactions.jsonl"'
	measure 5a ours "crm-report activity --by month" \
		'crm-report -d "$D" activity --by month -o csv' \
		'tail -n +2 | LC_ALL=C sort'
	measure 5b ours "crm-report revenue --by month" \
		'crm-report -d "$D" revenue --by month -o csv' \
		'tail -n +2 | cut -d , -f 1-5 | LC_ALL=C sort'
	measure 5c ours "crm-report cohorts" \
		'crm-report -d "$D" cohorts -o csv' \
		'tail -n +2 | LC_ALL=C sort'
	measure 5a peer "jq | awk (activity)" \
		'jq -r '\''select(.type != "task" and .type != "done" and (.ts | type) == "string") | [.ts[0:7], .channel, .type, .direction] | @tsv'\'' "$D/interactions.jsonl" | awk -F '\''\t'\'' '\''{ k = $1 "," $2 "," $3; n[k]++; i[k] += $4 == "in"; o[k] += $4 == "out" } END { for (k in n) print k "," n[k] "," i[k] "," o[k] }'\'' | LC_ALL=C sort' \
		'cat'
	measure 5a peer "awk (activity)" \
		'awk '\''{ t = ""; if (match($0, /"type":"[^"]*"/)) t = substr($0, RSTART + 8, RLENGTH - 9); if (t == "task" || t == "done" || !match($0, /"ts":"[^"]*"/)) next; k = substr($0, RSTART + 6, 7); c = ""; if (match($0, /"channel":"[^"]*"/)) c = substr($0, RSTART + 11, RLENGTH - 12); d = ""; if (match($0, /"direction":"[^"]*"/)) d = substr($0, RSTART + 13, RLENGTH - 14); k = k "," c "," t; n[k]++; i[k] += d == "in"; o[k] += d == "out" } END { for (k in n) print k "," n[k] "," i[k] "," o[k] }'\'' "$D/interactions.jsonl" | LC_ALL=C sort' \
		'cat'
	measure 5a peer "mlr put -q (activity)" \
		'mlr --ijsonl --ojsonl put -q '\''if ($type != "task" && $type != "done" && is_string($ts)) { k = substr1($ts, 1, 7) . "," . ($channel ?? "") . "," . $type; d = $direction ?? ""; @n[k] = (@n[k] ?? 0) + 1; @i[k] = (@i[k] ?? 0) + (d == "in" ? 1 : 0); @o[k] = (@o[k] ?? 0) + (d == "out" ? 1 : 0) } end { for (k, v in @n) { print k . "," . v . "," . @i[k] . "," . @o[k] } }'\'' "$D/interactions.jsonl" | LC_ALL=C sort' \
		'cat'
	duck 5a "duckdb SQL (activity)" \
		"node bench/duckdb.mjs \"SELECT concat_ws(',', k, count(*), count(*) FILTER (direction = 'in'), count(*) FILTER (direction = 'out')) AS line FROM (SELECT concat_ws(',', substr(ts, 1, 7), coalesce(channel, ''), coalesce(type, '')) AS k, direction FROM read_json('\$D/interactions.jsonl', format = 'newline_delimited', columns = {ts: 'VARCHAR', type: 'VARCHAR', channel: 'VARCHAR', direction: 'VARCHAR'}) WHERE type IS DISTINCT FROM 'task' AND type IS DISTINCT FROM 'done' AND ts IS NOT NULL) GROUP BY k ORDER BY line\"" \
		'cat'
	measure 5b peer "jq | awk (revenue)" \
		'jq -r '\''select((.type == "purchase" or .type == "refund") and (.ts | type) == "string" and (.amount | type) == "number" and .amount == (.amount | floor)) | [.ts[0:7], .currency, .type, .amount] | @tsv'\'' "$D/interactions.jsonl" | awk -F '\''\t'\'' '\''{ k = $1 "," $2; if ($3 == "purchase") { o[k]++; v[k] += $4 } else { r[k]++; v[k] -= $4 } } END { for (k in v) { a = v[k] < 0 ? -v[k] : v[k]; printf "%s,%d,%d,%s%d.%02d\n", k, o[k], r[k], v[k] < 0 ? "-" : "", int(a / 100), a % 100 } }'\'' | LC_ALL=C sort' \
		'cat'
	measure 5b peer "awk (revenue)" \
		'awk '\''{ if (!match($0, /"type":"(purchase|refund)"/)) next; b = substr($0, RSTART + 8, 1) == "p"; if (!match($0, /"ts":"[^"]*"/)) next; k = substr($0, RSTART + 6, 7); if (!match($0, /"amount":-?[0-9]+[,}]/)) next; x = substr($0, RSTART + 9, RLENGTH - 10) + 0; c = ""; if (match($0, /"currency":"[^"]*"/)) c = substr($0, RSTART + 12, RLENGTH - 13); k = k "," c; if (b) { o[k]++; v[k] += x } else { r[k]++; v[k] -= x } } END { for (k in v) { a = v[k] < 0 ? -v[k] : v[k]; printf "%s,%d,%d,%s%d.%02d\n", k, o[k], r[k], v[k] < 0 ? "-" : "", int(a / 100), a % 100 } }'\'' "$D/interactions.jsonl" | LC_ALL=C sort' \
		'cat'
	measure 5b peer "mlr put -q (revenue)" \
		'mlr --ijsonl --ojsonl put -q '\''if (($type == "purchase" || $type == "refund") && is_string($ts) && is_int($amount)) { k = substr1($ts, 1, 7) . "," . ($currency ?? ""); b = $type == "purchase"; @o[k] = (@o[k] ?? 0) + (b ? 1 : 0); @r[k] = (@r[k] ?? 0) + (b ? 0 : 1); @v[k] = (@v[k] ?? 0) + (b ? $amount : -$amount) } end { for (k, v in @v) { a = abs(v); print k . "," . @o[k] . "," . @r[k] . "," . (v < 0 ? "-" : "") . fmtnum(a // 100, "%d") . "." . fmtnum(a % 100, "%02d") } }'\'' "$D/interactions.jsonl" | LC_ALL=C sort' \
		'cat'
	duck 5b "duckdb SQL (revenue)" \
		"node bench/duckdb.mjs \"SELECT concat(k, ',', o, ',', r, ',', CASE WHEN v < 0 THEN '-' ELSE '' END, abs(v) // 100, '.', lpad(CAST(abs(v) % 100 AS VARCHAR), 2, '0')) AS line FROM (SELECT concat(substr(ts, 1, 7), ',', coalesce(currency, '')) AS k, count(*) FILTER (type = 'purchase') AS o, count(*) FILTER (type = 'refund') AS r, sum(CASE type WHEN 'purchase' THEN CAST(amount AS BIGINT) ELSE -CAST(amount AS BIGINT) END) AS v FROM read_json('\$D/interactions.jsonl', format = 'newline_delimited', columns = {ts: 'VARCHAR', type: 'VARCHAR', amount: 'DOUBLE', currency: 'VARCHAR'}) WHERE type IN ('purchase', 'refund') AND ts IS NOT NULL AND amount = floor(amount) GROUP BY k) ORDER BY line\"" \
		'cat'
	measure 5c peer "jq | awk (cohorts)" \
		'jq -r '\''select(.type == "purchase" and (.customer | type) == "string" and (.ts | type) == "string" and .ts <= $ENV.NOWTS) | [.customer, .ts[0:7]] | @tsv'\'' "$D/interactions.jsonl" | awk -F '\''\t'\'' -v now="$NOWTS" '\''function mon(s) { return substr(s, 1, 4) * 12 + substr(s, 6, 2) - 1 } { c = $1; x = mon($2); if (!((c, x) in seen)) { seen[c, x] = 1; if (!(c in first) || x < first[c]) first[c] = x } } END { nm = mon(now); lo = nm + 1; for (c in first) { size[first[c]]++; if (first[c] < lo) lo = first[c] } nc = nm - lo; if (nc > 14) nc = 14; for (k in seen) { split(k, p, SUBSEP); off = p[2] - first[p[1]]; if (off >= 1 && off <= nc) again[first[p[1]], off]++ } for (co = lo; co <= nm; co++) { if (!size[co]) continue; line = sprintf("%04d-%02d,%d", int(co / 12), co % 12 + 1, size[co]); for (k = 1; k <= nc; k++) { if (co + k > nm) line = line ","; else { t = int((again[co, k] * 2000 + size[co]) / (2 * size[co])); line = line "," int(t / 10) "." t % 10 } } print line } }'\'' | LC_ALL=C sort' \
		'cat'
	measure 5c peer "awk (cohorts)" \
		'awk -v now="$NOWTS" '\''function mon(s) { return substr(s, 1, 4) * 12 + substr(s, 6, 2) - 1 } !index($0, "\"type\":\"purchase\"") || !match($0, /"customer":"[^"]*"/) { next } { c = substr($0, RSTART + 12, RLENGTH - 13); if (!match($0, /"ts":"[^"]*"/)) next; t = substr($0, RSTART + 6, RLENGTH - 7); if (t > now) next; x = mon(t); if (!((c, x) in seen)) { seen[c, x] = 1; if (!(c in first) || x < first[c]) first[c] = x } } END { nm = mon(now); lo = nm + 1; for (c in first) { size[first[c]]++; if (first[c] < lo) lo = first[c] } nc = nm - lo; if (nc > 14) nc = 14; for (k in seen) { split(k, p, SUBSEP); off = p[2] - first[p[1]]; if (off >= 1 && off <= nc) again[first[p[1]], off]++ } for (co = lo; co <= nm; co++) { if (!size[co]) continue; line = sprintf("%04d-%02d,%d", int(co / 12), co % 12 + 1, size[co]); for (k = 1; k <= nc; k++) { if (co + k > nm) line = line ","; else { t = int((again[co, k] * 2000 + size[co]) / (2 * size[co])); line = line "," int(t / 10) "." t % 10 } } print line } }'\'' "$D/interactions.jsonl" | LC_ALL=C sort' \
		'cat'
	duck 5c "duckdb SQL (cohorts)" \
		"node bench/duckdb.mjs \"WITH p AS (SELECT DISTINCT customer AS c, CAST(substr(ts, 1, 4) AS INTEGER) * 12 + CAST(substr(ts, 6, 2) AS INTEGER) - 1 AS x FROM read_json('\$D/interactions.jsonl', format = 'newline_delimited', columns = {customer: 'VARCHAR', ts: 'VARCHAR', type: 'VARCHAR'}) WHERE type = 'purchase' AND customer IS NOT NULL AND ts IS NOT NULL AND ts <= '\$NOWTS'), f AS (SELECT c, min(x) AS co FROM p GROUP BY c), k AS (SELECT nm, least(nm - min(co), 14) AS nc FROM f, (SELECT CAST(substr('\$NOWTS', 1, 4) AS INTEGER) * 12 + CAST(substr('\$NOWTS', 6, 2) AS INTEGER) - 1 AS nm) GROUP BY nm), s AS (SELECT co, count(*) AS size FROM f GROUP BY co), a AS (SELECT co, x - co AS off, count(*) AS n FROM p JOIN f USING (c) GROUP BY co, off), cell AS (SELECT s.co, s.size, o.off, CASE WHEN s.co + o.off > k.nm THEN '' ELSE printf('%d.%d', (coalesce(a.n, 0) * 2000 + s.size) // (2 * s.size) // 10, (coalesce(a.n, 0) * 2000 + s.size) // (2 * s.size) % 10) END AS v FROM s CROSS JOIN k CROSS JOIN range(1, greatest(k.nc, 0) + 1) AS o(off) LEFT JOIN a ON a.co = s.co AND a.off = o.off) SELECT concat(printf('%04d-%02d,%d', s.co // 12, s.co % 12 + 1, s.size), (SELECT string_agg(',' || v, '' ORDER BY off) FROM cell WHERE cell.co = s.co)) AS line FROM s ORDER BY line\"" \
		'cat'
}

# ---- the everyday commands ---------------------------------------------

# (6-10) one customer looked up, changed or removed, and the check of the
# whole directory, each against the floor of what it reads or rewrites:
# grep -c over the history (6) or over customers.csv (7), cp and sync of
# customers.csv (8) or of both files (9), grep -c over both (10). A
# rewrite must be durable, so the floor of 8 and 9 syncs its copy too.
wants() {
	local c
	for c in 6 7 8 9 10; do
		case ",$cases," in *",$c,"*) return 0 ;; esac
	done
	return 1
}
if wants; then
	S=$data/.scratch
	export S
	# the ids of rows of the middle of the file, a few hundred for the
	# writers (each run takes the next)
	sed -n '500001,502000p' "$D/customers.csv" | cut -d , -f 1 | grep -E '^[0-9a-z]{13}$' >"$tmp/ids"
	ID=$(sed -n 1p "$tmp/ids")
	EMAIL=$(grep -m 1 "^$ID," "$D/customers.csv" | cut -d , -f 3)
	export ID EMAIL
	case ",$cases," in *,7,* | *,8,* | *,9,*)
		echo "copying the data to $S for the writers ..." >&2
		rm -rf "$S" && mkdir -p "$S"
		cp "$D/customers.csv" "$D/interactions.jsonl" "$D/crm.conf" "$S/"
		sync "$S/customers.csv" "$S/interactions.jsonl" # not left to slow the first rewrites
		sed -n '2,100p' "$tmp/ids" >"$S/rm.ids"
		sed -n '101,200p' "$tmp/ids" >"$S/forget.ids"
		sed -n '201,400p' "$tmp/ids" | paste -d ' ' - - >"$S/merge.ids"
		echo 0 >"$S/rm.n"
		echo 0 >"$S/forget.n"
		echo 0 >"$S/merge.n"
		;;
	esac
	# next FILE: the next line of $S/FILE.ids (a counter in $S/FILE.n)
	next='next() { local n; n=$(($(cat "$S/$1.n") + 1)); echo "$n" >"$S/$1.n"; sed -n "${n}p" "$S/$1.ids"; }'
	export next
fi

# shellcheck disable=SC2016 # the commands are expanded by bash -c, not here
{
	measure 6 floor "grep -c ID (history)" \
		'grep -c "$ID" "$D/interactions.jsonl"'
	measure 6a ours "crm-log -l ID" \
		'crm-log -d "$D" -l "$ID" | wc -l'

	measure 7 floor "grep -c ID (customers)" \
		'grep -c "$ID" "$D/customers.csv"'
	measure 7a ours "crm-log ID note TEXT" \
		'crm-log -d "$S" "$ID" note "a note of the benchmark" | wc -l'
	measure 7b ours "crm-log EMAIL note TEXT" \
		'crm-log -d "$S" "$EMAIL" note "a note of the benchmark" | wc -l'
	measure 7c ours "crm-add NAME -e EMAIL" \
		'crm-add -d "$S" "Zofia Benchmarkowa" -e "zofia.$(date +%s%N)@example.pl" | wc -l'
	measure 7d ours "crm-find ID" \
		'crm-find -d "$D" -c "$ID"'
	measure 7e ours "crm-find --where email=X" \
		'crm-find -d "$D" -c --where "email=$EMAIL"'

	measure 8 floor "cp customers.csv + sync" \
		'cp "$S/customers.csv" "$S/copy.csv" && sync "$S/copy.csv" && rm "$S/copy.csv"'
	measure 8a ours "crm-add --update ID --city X" \
		'crm-add -d "$S" --update "$ID" --city "Miasto $(date +%s%N)"'
	measure 8b ours "crm-rm ID" \
		'eval "$next"; crm-rm -d "$S" "$(next rm)" | wc -l'

	measure 9 floor "cp both files + sync" \
		'cp "$S/customers.csv" "$S/copy.csv" && cp "$S/interactions.jsonl" "$S/copy.jsonl" && sync "$S/copy.csv" "$S/copy.jsonl" && rm "$S/copy.csv" "$S/copy.jsonl"'
	measure 9a ours "crm-rm --forget ID" \
		'eval "$next"; crm-rm -d "$S" --forget "$(next forget)" | wc -l'
	measure 9b ours "crm-add --merge KEEP DROP" \
		'eval "$next"; crm-add -d "$S" --merge $(next merge) >/dev/null && echo merged'

	measure 10 floor "grep -c over both files" \
		'grep -c x "$D/customers.csv"; grep -c '\''"type":"purchase"'\'' "$D/interactions.jsonl"'
	measure 10a ours "crm-check" \
		'crm-check -d "$D"; echo "exit $?"'

	# (11) reports that name customers: the figures of every customer of
	# the history and the customers' names, owners and stages are held
	measure 11 floor "grep -c over both files" \
		'grep -c x "$D/customers.csv"; grep -c '\''"type":"purchase"'\'' "$D/interactions.jsonl"'
	measure 11a ours "crm-report top" \
		'crm-report -d "$D" top -o csv | wc -l'
	measure 11b ours "crm-report owners" \
		'crm-report -d "$D" owners -o csv | wc -l'
	measure 11c ours "crm-report summary" \
		'crm-report -d "$D" summary -o csv | wc -l'
	measure 11d ours "crm-report followups" \
		'crm-report -d "$D" followups -o csv | wc -l'
}

# ---- report -----------------------------------------------------------

# pad TEXT WIDTH: left-aligned in WIDTH characters (not bytes)
pad() {
	local s=$1 w=$2
	printf '%s' "$s"
	while [ "${#s}" -lt "$w" ]; do
		s="$s "
		printf ' '
	done
}

# ratio A B: A/B with a precision that suits it
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b < 0.01) b = 0.01; if (a < 0.01) a = 0.01
		r = a / b
		printf(r >= 100 ? "%.0fx" : r >= 10 ? "%.1fx" : "%.2fx", r)
	}'
}

n=${#r_case[@]}
echo
echo "crm benchmark - $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "crm-find:  $(crm-find --version 2>&1 | head -n 1)"
echo "machine:   nproc=$(nproc), $(grep -m 1 'model name' /proc/cpuinfo | cut -d : -f 2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
echo "peers:     $(grep --version | head -n 1); mlr $(mlr --version | awk '{ print $2 }'); $(jq --version); csvgrep $(csvgrep --version 2>&1 | awk '{ print $2 }'); awk: $(readlink -f "$(command -v awk)" | xargs basename)"
if [ -z "$duck_note" ]; then
	echo "           duckdb $duck_version (@duckdb/node-api $(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' bench/node_modules/@duckdb/node-api/package.json | head -n 1), node $(node --version))"
else
	echo "           duckdb: left out: $duck_note"
fi
echo "data:      $D: $gen_note"
for f in customers.csv interactions.jsonl; do
	printf '           %-20s %12s bytes (%s MB)\n' "$f" "$(stat -c %s "$D/$f")" \
		"$(stat -c %s "$D/$f" | awk '{ printf "%.1f", $1 / 1e6 }')"
done
echo "load:      $load_before before, $(cut -d ' ' -f 1-3 /proc/loadavg) after (1, 5, 15 min; other work on the machine slows the wall times)"
echo "env:       CRM_NOW=$CRM_NOW LC_ALL=$LC_ALL (-180d = before $CUT); W = a scratch directory"
echo "cases:     $cases (4, 5a-c: count = result lines compared, sorted; 6-10: the everyday commands, each"
echo "           against the floor of what it reads or rewrites; 7-9 change a copy of the data; 11: the"
echo "           reports that name customers, their output lines counted)"
echo "seconds:   median wall time of 3 runs (1 run when the first took > ${slow} s); cpu s: median"
echo "           user+sys time of all the command's processes; peak MiB: largest resident"
echo "           set of one process of the command"
echo

{
	pad "case" 5
	pad "command" 32
	printf '%9s %8s %9s %10s  %-9s %s\n' "seconds" "cpu s" "peak MiB" "count" "vs floor" "check / crm-find vs peers (peer time / crm-find time)"
}
for ((i = 0; i < n; i++)); do
	c=${r_case[i]}
	floor="" ours_sec="" ours_count="" ours_res=""
	for ((j = 0; j < n; j++)); do
		# a floor of case 5 serves 5a, 5b, ...
		[ "${r_kind[j]}" = floor ] && [ "${r_case[j]}" = "${c%%[a-z]*}" ] && floor=${r_sec[j]}
		[ "${r_case[j]}" = "$c" ] || continue
		[ "${r_kind[j]}" = ours ] && ours_sec=${r_sec[j]} && ours_count=${r_count[j]} && ours_res=${r_res[j]}
	done
	vf="-"
	[ -n "$floor" ] && vf=$(ratio "${r_sec[i]}" "$floor")
	check=${r_note[i]}
	case ${r_kind[i]} in
	peer)
		if [ -z "$check" ] && [ -n "${r_res[i]}" ]; then
			if [ -z "$ours_res" ]; then
				check="(crm not run)"
			elif cmp -s "${r_res[i]}" "$ours_res"; then
				check="same"
			else
				check="DIFFERENT: $(diff "$ours_res" "${r_res[i]}" | grep -c '^[<>]') differing lines (< crm, > peer):"
				check="$check $(diff "$ours_res" "${r_res[i]}" | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
			fi
		elif [ -z "$check" ]; then
			if [ "${r_count[i]}" = "$ours_count" ]; then check="same count"; else check="MISMATCH (crm-find: $ours_count)"; fi
		fi
		;;
	floor)
		if [ -z "$check" ]; then
			if [ "$c" = 3 ] || [ "$c" = 4 ]; then
				check="not the same question (purchase lines)"
			elif [ "$c" = 5 ]; then
				check="not the same question (history lines)"
			elif [ "$c" -ge 6 ]; then
				check="the floor of what the commands below read or rewrite"
			elif [ "${r_count[i]}" = "$ours_count" ]; then
				check="lines = records"
			else
				check="counts lines: $((r_count[i] - ours_count)) more than records"
			fi
		fi
		;;
	ours)
		vs=""
		for ((j = 0; j < n; j++)); do
			if [ "${r_case[j]}" != "$c" ] || [ "${r_kind[j]}" != peer ]; then
				continue
			fi
			vs="$vs${vs:+, }${r_label[j]%% *} $(ratio "${r_sec[j]}" "$ours_sec")"
		done
		check="${check:+$check; }$vs"
		;;
	esac
	[ "${r_runs[i]}" = 1 ] && check="$check (1 run)"
	pad "${r_case[i]}" 5
	pad "${r_label[i]}" 32
	printf '%9s %8s %9s %10s  %-9s %s\n' "${r_sec[i]}" "${r_cpu[i]}" "${r_mib[i]}" "${r_count[i]}" "$vf" "$check"
done

echo
echo "commands (D=$D):"
for ((i = 0; i < n; i++)); do
	echo "  (${r_case[i]}) ${r_label[i]}:"
	echo "      ${r_cmd[i]}"
done
