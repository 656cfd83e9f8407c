# Shared set-up of every test file: the programs of this tree first on PATH,
# a fresh CRM directory in a temporary folder, a fixed "now", no colour, and
# standard input that is not a stream (as under cron).
#
# The assertion libraries are sourced file by file from where Bats finds
# them: their own load.bash runs dirname in a subshell for each file, which
# costs a third of a second per test here (this file is read again for every
# test), more than most tests take.
crm_load_lib() {
	local loader f
	# a library laid out otherwise is loaded the usual way
	if ! find_in_bats_lib_path loader "$1" || [[ $loader != */load.bash ]]; then
		bats_load_library "$1"
		return
	fi
	for f in "${loader%/*}"/src/*.bash; do
		# shellcheck disable=SC1090
		source "$f" || return 1
	done
}
crm_load_lib bats-support
crm_load_lib bats-assert

TOP=${BATS_TEST_DIRNAME%/*}
export PATH="$TOP/bin:$PATH"

setup() {
	export CRM_NOW=2026-11-22T10:00:00Z
	export CRM_USER=tester
	export NO_COLOR=1
	unset CRM_DIR CRM_LOCK_TIMEOUT TZ
	# in the folder Bats makes for each test, where it keeps files of its own
	WORK=$BATS_TEST_TMPDIR/work
	mkdir "$WORK" && cd "$WORK" || return 1
	exec </dev/null
	if declare -f local_setup >/dev/null; then local_setup; fi
}

teardown() {
	cd / && rm -rf "$WORK"
}

# A CRM directory "acme" in the work folder, entered.
new_crm() {
	crm-init acme >/dev/null
	cd acme || return 1
}

# Add a customer and keep its id in the variable named by $1.
add_as() {
	local var=$1
	shift
	# not "id": a local of that name would hide the caller's variable
	local _add_as_out
	_add_as_out=$(crm-add "$@") || return 1
	printf -v "$var" '%s' "$_add_as_out"
}

# The customers file without its header.
rows() {
	tail -n +2 customers.csv
}

# run --separate-stderr (stdout in $output, stderr in $stderr) needs Bats 1.5.
bats_require_minimum_version 1.5.0

# Fail unless $1 has the shape of a crm id: 13 characters of lower-case
# Crockford base32.
assert_id() {
	[[ $1 =~ ^[0-9a-hjkmnp-tv-z]{13}$ ]] || fail "not an id: '$1'"
}

# Fail unless the two files are the same byte for byte (shows the difference,
# carriage returns and all).
assert_same_file() {
	cmp -s -- "$1" "$2" && return 0
	fail "$(printf '%s and %s differ:\n' "$1" "$2"; diff -u -- "$1" "$2" | cat -A)"
}
