#!/usr/bin/env bats
# scripts/check.sh, the runner behind `make check`: its last line counts
# every test, and it fails whenever a test did not pass or did not run.
load helpers

# A unit test binary that prints TAP: "$1" as its whole output, exit $2.
fake_unit() {
	printf '#!/bin/sh\nprintf "%s"\nexit %s\n' "$1" "$2" >"$T/unit"
	chmod +x "$T/unit"
	printf '@test "one" {\n\ttrue\n}\n' >"$T/one.bats"
}

# check.sh with only the fake unit test and one passing Bats test.
run_check() {
	run env ASAN_BATS= BATS_FILES="$T/one.bats" "$TOP/scripts/check.sh" "$T/unit"
}

@test "check.sh: every planned test ran and passed: exit 0, counted in the last line" {
	fake_unit '1..2\nok 1 - a\nok 2 - b\n' 0
	run_check
	assert_success
	assert_line --index -1 --regexp '^[0-9]+ passed, 0 failed'
}

@test "check.sh: a stream that ran fewer tests than it planned fails, by name" {
	fake_unit '1..3\nok 1 - a\n' 0
	run_check
	assert_failure
	assert_line "not ok - $T/unit: ran 1 of the 3 planned"
	assert_line --index -1 --regexp '^[0-9]+ passed, 1 failed'
}

@test "check.sh: a failed test fails the run" {
	fake_unit '1..1\nnot ok 1 - a\n' 1
	run_check
	assert_failure
	assert_line --index -1 --regexp '^[0-9]+ passed, 1 failed'
}
