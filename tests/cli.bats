#!/usr/bin/env bats
# The command line and profiles: one-line errors, exit 125, nothing started.
load helpers

# Each bad input: one line on stderr, exit 125, and the command never ran.
bad() {
	run "$@" -- touch "$T/ran"
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_file_not_exists "$T/ran"
}

@test "--help lists every option and exits 0" {
	run "$CORRAL" --help
	assert_success
	assert_output --partial "--time-limit DURATION"
	assert_output --partial "--profile NAME|PATH"
}

@test "--version" {
	run "$CORRAL" --version
	assert_success
	assert_output --regexp '^corral [0-9]'
}

@test "a bad option: one line, 125, nothing started" {
	bad "$CORRAL" --bogus
	assert_output "corral: error: unknown option '--bogus' (see corral --help)"
	bad "$CORRAL" --hostnme x
	assert_output --partial "did you mean '--hostname'?"
	bad "$CORRAL" --time-limit
}

@test "a bad value on the command line: one line, 125" {
	bad "$CORRAL" --time-limit lots
	assert_output --partial "time-limit: invalid value 'lots'"
	bad "$CORRAL" --net wifi
	assert_output --partial "expected none|host"
}

@test "no command is an error" {
	run "$CORRAL"
	assert_failure 125
	assert_output --partial "no command given"
}

@test "an unknown profile key names file and line, with a hint" {
	printf 'net = none\n\nhostnme = x\n' >"$T/p.profile"
	bad "$CORRAL" --profile "$T/p.profile"
	assert_output "corral: error: $T/p.profile:3: unknown key 'hostnme' (did you mean 'hostname'?)"
}

@test "a bad value in a profile names file and line" {
	printf 'time-limit = lots\n' >"$T/p.profile"
	bad "$CORRAL" --profile "$T/p.profile"
	assert_output --partial "$T/p.profile:1: time-limit: invalid value 'lots'"
}

@test "a missing include names file and line" {
	printf '# top\ninclude nowhere\n' >"$T/p.profile"
	bad "$CORRAL" --profile "$T/p.profile"
	assert_output --partial "$T/p.profile:2: profile 'nowhere' not found"
}

@test "an include cycle is an error" {
	printf 'include b\n' >"$T/a.profile"
	printf 'include a\n' >"$T/b.profile"
	CORRAL_PROFILE_PATH=$T bad "$CORRAL" --profile a
	assert_output --partial "include cycle"
}

@test "a missing profile is an error" {
	bad "$CORRAL" --profile no-such-profile
	assert_output --partial "profile 'no-such-profile' not found"
}

@test "a profile that is a FIFO is refused, not read" {
	mkfifo "$T/fifo.profile"
	bad timeout 5 "$CORRAL" --profile "$T/fifo.profile"
	assert_output --partial "not a regular file"
}

@test "a profile that cannot be read to its end is an error, not applied in part" {
	# 7919 bytes, a size no other read of corral's asks for: the rules fail
	# the reads of this file (of its size, or one byte more to find its end).
	{
		printf 'include default\nhostname = partial\n'
		for ((i = 0; i < 108; i++)); do printf '#%.0s' {1..72}; echo; done
	} >"$T/p.profile"
	size=$(stat -c %s "$T/p.profile")
	[ "$size" -eq 7919 ]
	bad "$FAULT" read:*:*:7919=EIO read:*:*:7920=EIO -- "$CORRAL" --profile "$T/p.profile"
	assert_output "corral: error: cannot read profile $T/p.profile: Input/output error"
	# The same file, read: it works.
	run "$CORRAL" --profile "$T/p.profile" -- hostname
	assert_success
	assert_output partial
}

@test "the command line wins over profiles, left to right" {
	printf 'include default\nhostname = fromprofile\n' >"$T/p.profile"
	run "$CORRAL" --hostname cli --profile "$T/p.profile" -- hostname
	assert_output "cli"
	run "$CORRAL" --profile "$T/p.profile" --hostname a --hostname b -- hostname
	assert_output "b"
}

@test "profiles found on CORRAL_PROFILE_PATH, included, cleared" {
	printf 'include default\nsetenv = A=1\nhostname = base\n' >"$T/base.profile"
	printf 'include base\nsetenv =\nsetenv = B=2\n' >"$T/top.profile"
	CORRAL_PROFILE_PATH=$T run "$CORRAL" --profile top -- sh -c 'echo "${A:-unset} $B $(hostname)"'
	assert_success
	assert_output "unset 2 base"
}

@test "--check prints the resolved profile, and it reads back the same" {
	run "$CORRAL" --hostname x --time-limit 1.5s --check
	assert_success
	assert_line "hostname = x"
	assert_line "time-limit = 1500ms"
	printf '%s\n' "$output" >"$T/resolved.profile"
	run "$CORRAL" --profile "$T/resolved.profile" --check
	diff <(grep -v '^#' "$T/resolved.profile") <(printf '%s\n' "$output" | grep -v '^#')
}

@test "--list-profiles lists what the search path finds" {
	printf 'net = none\n' >"$T/mine.profile"
	CORRAL_PROFILE_PATH=$T:$TOP/profiles run "$CORRAL" --list-profiles
	assert_success
	assert_line --regexp "^mine +\\($T/mine.profile\\)$"
	assert_line --regexp "^default +"
}
