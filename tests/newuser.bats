#!/usr/bin/env bats
# What a new user tripped on (issue 26): spellings of values, an optional
# value that swallows nothing, did-you-mean for values, -v saying each thing
# once, and a default root with the directories programs expect.
load helpers

@test "booleans: a key with yes|no choices takes every yes/no spelling" {
	printf 'bind-cwd = true\n' >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" --check
	assert_success
	assert_line "bind-cwd = yes"
	run "$CORRAL" --bind-cwd=off --check
	assert_line "bind-cwd = no"
	# And a value that is none says which spellings are.
	run "$CORRAL" --seccomp=maybe -- true
	assert_failure 125
	assert_output "corral: error: seccomp: invalid value 'maybe' (expected yes or no; true/false, on/off and 1/0 too)"
}

@test "--cpus takes systemd's percentage: 150% is 1.5 CPUs" {
	run "$CORRAL" --cpus 150% --check
	assert_success
	assert_line "cpus = 1.5"
	run "$CORRAL" --cpus 150%% -- true
	assert_failure 125
	assert_output --partial "or a share such as 150%"
}

@test "--setenv NAME passes the caller's value, even with --clearenv; unset stays unset" {
	FOO='a b' run env -u NOPE "$CORRAL" --clearenv --setenv FOO --setenv NOPE -- /usr/bin/env
	assert_success
	assert_line "FOO=a b"
	refute_line --regexp '^NOPE'
	run "$CORRAL" --setenv '1X' -- true
	assert_failure 125
	assert_output "corral: error: setenv: invalid variable name '1X'"
}

@test "--seccomp-log yes: a warning that 'yes' is the command, not the value" {
	run "$CORRAL" --seccomp-log true
	assert_success
	assert_output "corral: warning: --seccomp-log takes its value only as --seccomp-log=true; 'true' is the command"
	# With = there is nothing to warn about, nor under -q.
	run "$CORRAL" --seccomp-log=yes -- true
	assert_output ""
	run "$CORRAL" -q --seccomp-log true
	assert_output ""
}

@test "did you mean: profile names, syscalls, @groups, capabilities, choices" {
	run "$CORRAL" --profile strcit -- true
	assert_failure 125
	assert_output --partial "profile 'strcit' not found (did you mean 'strict'?"
	run "$CORRAL" --seccomp-deny ptrce -- true
	assert_output "corral: error: seccomp-deny: unknown syscall 'ptrce' (did you mean 'ptrace'?)"
	run "$CORRAL" --seccomp-allow @mounnt -- true
	assert_output "corral: error: seccomp-allow: unknown syscall group '@mounnt' (did you mean '@mount'?)"
	run "$CORRAL" --cap-keep NET_ADMN -- true
	assert_output "corral: error: cap-keep: unknown capability 'NET_ADMN' (did you mean NET_ADMIN?)"
	run "$CORRAL" --root hostt -- true
	assert_output "corral: error: root: invalid value 'hostt' (did you mean 'host'? expected tmpfs|host)"
	# Nothing close: no guess.
	run "$CORRAL" --seccomp-deny zzzzzzzz -- true
	assert_output "corral: error: seccomp-deny: unknown syscall 'zzzzzzzz'"
}

@test "a profile line without '=' gets the line it meant; a missing bind source its file:line" {
	printf '# mine\nmemory 300M\n' >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- true
	assert_failure 125
	assert_output "corral: error: $T/p.profile:2: expected 'key = value' (did you mean 'memory = 300M'?)"
	printf 'net = none\nro-bind = %s/missing\n' "$T" >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- true
	assert_failure 125
	assert_output "corral: error: $T/p.profile:2: ro-bind: source '$T/missing': No such file or directory"
}

@test "-v: one line at the start says what runs and how; the end is said once" {
	run "$CORRAL" -v --profile strict --time-limit 30s -- /bin/true
	assert_success
	assert_line --index 0 --regexp '^corral: running /bin/true \(profile strict; net none, memory [0-9.]+ MiB, pids [0-9]+, time limit 30s, seccomp allowlist\)$'
	run "$CORRAL" -v --memory 32M "${WITH_PROBE[@]}" -- "$PROBE" alloc 1024
	assert_failure 137
	# One line says why it ended: the summary.
	[ "$(printf '%s\n' "$output" | grep -ci 'memory limit\|out of memory')" -eq 1 ]
	assert_line --regexp '^corral: oom: killed at memory limit 32 MiB'
}

@test "the default root has /home, and /run and /var/tmp writable, all empty" {
	run "$CORRAL" -- /bin/sh -c 'ls -A /home /run /var/tmp; touch /run/x /var/tmp/x && echo written'
	assert_success
	assert_output "/home:

/run:

/var/tmp:
written"
}
