# Shared set-up of every test file: the programs of this tree first on PATH,
# a fresh CRM directory in a temporary folder, a fixed "now", no colour, and
# standard input that is not a stream (as under cron).
bats_load_library bats-support
bats_load_library bats-assert

TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
export PATH="$TOP/bin:$PATH"

setup() {
	export CRM_NOW=2026-11-22T10:00:00Z
	export CRM_USER=tester
	export NO_COLOR=1
	unset CRM_DIR CRM_LOCK_TIMEOUT
	WORK="$(mktemp -d "${BATS_TMPDIR:-/tmp}/crm.XXXXXX")"
	cd "$WORK" || return 1
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
	local id
	id=$(crm-add "$@") || return 1
	printf -v "$var" '%s' "$id"
}

# The customers file without its header.
rows() {
	tail -n +2 customers.csv
}
