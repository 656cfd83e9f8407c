#!/usr/bin/env bats
# The hash map (src/lib/hmap.c): about 200,000 keys of 0 to 300 bytes,
# repeated, sharing prefixes, differing in the last byte, with NUL bytes
# and sharing the half of the hash a slot keeps, put one by one, with the
# word of each, after a reserve, merged by a walk in slot order and put
# again after a free, must be found with their index, bytes and word as a
# reference of sorted keys finds them (build/tests/hmapcheck); also when
# the address space is limited (ulimit -v).

bats_require_minimum_version 1.5.0
load helper

@test "HMAP001: the hash map keeps every key, index and word (build/tests/hmapcheck)" {
	[[ -x $TOP/build/tests/hmapcheck ]] || skip "build/tests/hmapcheck is not built (make check builds it)"
	run "$TOP/build/tests/hmapcheck"
	assert_success
	assert_output --regexp '^[0-9]+ keys \([0-9]+ pairs sharing half a hash\), [0-9]+ checks, 0 wrong$'
}

@test "HMAP002: with the address space limited (ulimit -v), big tables grow and keep every key" {
	[[ -x $TOP/build/tests/hmapcheck ]] || skip "build/tests/hmapcheck is not built (make check builds it)"
	! grep -qa __asan_init "$TOP/build/tests/hmapcheck" ||
		skip "AddressSanitizer reserves more address space than the limit"
	run bash -c "ulimit -v 300000; '$TOP/build/tests/hmapcheck'"
	assert_success
	assert_output --regexp '^[0-9]+ keys \([0-9]+ pairs sharing half a hash\), [0-9]+ checks, 0 wrong$'
}
