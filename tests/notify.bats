#!/usr/bin/env bats
# Seccomp you can read: seccomp-log names and counts the refused calls
# (seccomp user notification, answered by the supervisor), --learn writes a
# profile from a run.
load helpers

R() { jq -r "$@" "$T/r.json"; }

notify_or_skip() {
	grep -qw user_notif /proc/sys/kernel/seccomp/actions_avail 2>/dev/null ||
		skip "the kernel lacks seccomp user notification"
}

@test "seccomp-log: ptrace and keyctl under the default profile are listed by name with their counts" {
	notify_or_skip
	run "$CORRAL" -v --seccomp-log "${WITH_PROBE[@]}" --report "$T/r.json" -- \
		"$PROBE" calls ptrace 3 keyctl 2 getpid 1
	assert_success
	# The command saw the errno action's answer; getpid was allowed.
	assert_line "ptrace 3 EPERM"
	assert_line "keyctl 2 EPERM"
	assert_line "getpid 1 ok"
	# -v prints them as they happen.
	assert_line --regexp '^corral: seccomp: ptrace denied by pid [0-9]+$'
	assert_line --regexp '^corral: seccomp: keyctl denied by pid [0-9]+$'
	[ "$(R -c .seccomp.violations)" = '[{"syscall":"ptrace","count":3},{"syscall":"keyctl","count":2}]' ]
	[ "$(R .seccomp.violations_unlisted)" = 0 ]
	[ "$(R .seccomp.killed_syscall)" = null ]
	[ "$(R .status)" = exited ]
	# The text report too.
	run "$CORRAL" --seccomp-log "${WITH_PROBE[@]}" --report - --report-format text -- \
		"$PROBE" calls keyctl 4
	assert_success
	assert_output --partial "violations: keyctl x4"
}

@test "seccomp-log: without it nothing is listed; -v prints only the first few" {
	notify_or_skip
	run "$CORRAL" "${WITH_PROBE[@]}" --report "$T/r.json" -- "$PROBE" calls keyctl 2
	assert_success
	assert_output "keyctl 2 EPERM"
	[ "$(R -c .seccomp.violations)" = '[]' ]
	run "$CORRAL" -v --seccomp-log "${WITH_PROBE[@]}" -- "$PROBE" calls keyctl 50
	assert_success
	[ "$(grep -c '^corral: seccomp: keyctl denied' <<<"$output")" -eq 8 ]
	assert_line "corral: seccomp: further denied calls are counted, not printed"
}

@test "seccomp-log with kill: the verdict is seccomp and names the call" {
	notify_or_skip
	run "$CORRAL" --seccomp-log --seccomp-action kill "${WITH_PROBE[@]}" --report "$T/r.json" -- \
		"$PROBE" syscall keyctl
	assert_failure 159
	assert_output "corral: warning: seccomp: the command was killed for calling keyctl, which the filter denies"
	[ "$(R .status)" = seccomp ]
	[ "$(R .exit_code)" = 159 ]
	[ "$(R .seccomp.killed_syscall)" = keyctl ]
	[ "$(R -c .seccomp.violations)" = '[{"syscall":"keyctl","count":1}]' ]
	run "$CORRAL" -v --seccomp-log --seccomp-action kill "${WITH_PROBE[@]}" -- "$PROBE" syscall ptrace
	assert_failure 159
	assert_line --regexp '^corral: seccomp: ptrace denied, killing the caller, by pid [0-9]+$'
	assert_line --partial "corral: seccomp: killed by the seccomp filter for calling ptrace after"
}

@test "seccomp-log: a flood of denied calls is counted" {
	notify_or_skip
	run "$CORRAL" --seccomp-log --time-limit 120s "${WITH_PROBE[@]}" --report "$T/r.json" -- \
		"$PROBE" calls keyctl 100000 ptrace 100000
	assert_success
	assert_output "$(printf 'keyctl 100000 EPERM\nptrace 100000 EPERM')"
	[ "$(R -c .seccomp.violations)" = '[{"syscall":"keyctl","count":100000},{"syscall":"ptrace","count":100000}]' ]
}

@test "seccomp-log: an endless flood does not stall the supervisor: the time limit still ends it" {
	notify_or_skip
	# A stalled supervisor would never end it: timeout(1) only keeps the
	# suite from hanging then (its SIGTERM would give 143, not 124).
	run timeout 600 "$CORRAL" --seccomp-log --time-limit 1s "${WITH_PROBE[@]}" --report "$T/r.json" -- \
		"$PROBE" calls keyctl 1000000000
	assert_failure 124
	[ "$(R .status)" = timeout ]
	[ "$(R '.seccomp.violations[0].syscall')" = keyctl ]
	# Answered all along: more than a few calls went through the listener.
	[ "$(R '.seccomp.violations[0].count')" -gt 1000 ]
}

@test "seccomp-log: the filter cache keeps the notifying filter apart from the plain one" {
	notify_or_skip
	export XDG_CACHE_HOME=$T/cache
	for run_ in plain log plain log; do
		if [ "$run_" = log ]; then
			run "$CORRAL" --seccomp-log "${WITH_PROBE[@]}" --report "$T/r.json" -- "$PROBE" syscall keyctl
			[ "$(R -c .seccomp.violations)" = '[{"syscall":"keyctl","count":1}]' ]
		else
			run "$CORRAL" "${WITH_PROBE[@]}" --report "$T/r.json" -- "$PROBE" syscall keyctl
			[ "$(R -c .seccomp.violations)" = '[]' ]
		fi
		assert_output "EPERM"
	done
	[ "$(ls "$T/cache/corral" | wc -l)" -eq 2 ]
}

@test "seccomp-log works rootless" {
	notify_or_skip
	chmod 755 "$T"
	run as_nobody env XDG_CACHE_HOME="$T/nobody" "$CORRAL" --seccomp-log "${WITH_PROBE[@]}" \
		--report - -- "$PROBE" calls ptrace 2
	assert_success
	assert_output --partial '"violations": [{"syscall": "ptrace", "count": 2}]'
}

@test "--learn writes a profile; the command runs under it with seccomp-action kill" {
	notify_or_skip
	cd "$T"
	run "$CORRAL" --learn p.profile -- sh -c 'ls / >/dev/null'
	assert_success
	assert_output --regexp "^corral: learn: wrote p.profile, a profile allowing the [0-9]+ syscalls the command made \(use it with --profile ./p.profile\)$"
	assert_file_exists p.profile
	run cat p.profile
	assert_line --regexp "^# Learned by corral --learn on [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC from a run of:$"
	assert_line "#   sh -c 'ls / >/dev/null'"
	assert_line "include default"
	assert_line "seccomp-log = yes"
	assert_line "seccomp-allow = execve"
	assert_line "seccomp-allow = getdents64"
	# One entry a line, sorted, no duplicates.
	grep '^seccomp-allow = [a-z]' p.profile >"$T/list"
	sort -u "$T/list" | diff - "$T/list"
	run "$CORRAL" --check --profile ./p.profile
	assert_success
	run "$CORRAL" --profile ./p.profile --seccomp-action kill -- sh -c 'ls / >/dev/null'
	assert_success
	assert_output ""
	# From elsewhere too: the include is by name, the path is ours.
	cd /
	run "$CORRAL" --profile "$T/p.profile" --seccomp-action kill -- sh -c 'ls / >/dev/null; echo done'
	assert_success
	assert_output "done"
}

@test "--learn: a profile without one needed syscall kills the command, naming the call" {
	notify_or_skip
	cd "$T"
	run "$CORRAL" --learn p.profile -- sh -c 'ls / >/dev/null'
	assert_success
	grep -q '^seccomp-allow = getdents64$' p.profile
	grep -v '^seccomp-allow = getdents64$' p.profile >q.profile
	run "$CORRAL" --profile ./q.profile --seccomp-action kill --report "$T/r.json" -- sh -c 'ls / >/dev/null'
	assert_failure 159
	assert_line "corral: warning: seccomp: the command was killed for calling getdents64, which the filter denies"
	[ "$(R .status)" = seccomp ]
	[ "$(R .seccomp.killed_syscall)" = getdents64 ]
	# With the errno action the call fails instead, and is still named.
	run "$CORRAL" --profile ./q.profile --report "$T/r.json" -- sh -c 'ls / >/dev/null'
	assert_failure 2
	assert_line --partial "ls: reading directory '/': Operation not permitted"
	[ "$(R -c .seccomp.violations)" = '[{"syscall":"getdents64","count":1}]' ]
}

@test "--learn: a profile that cannot be written is an error naming why; nothing is left" {
	notify_or_skip
	command -v unshare >/dev/null || skip "needs unshare(1)"
	mkdir "$T/full"
	# A tmpfs of one page, filled: the learned profile finds no room.
	run unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=4k tmpfs "$1" && { head -c 8192 /dev/zero >"$1/fill" 2>/dev/null; true; } &&
		"$2" --learn "$1/p.profile" -- true; echo "status $?"; ls "$1"' sh "$T/full" "$CORRAL"
	assert_line --index 0 "corral: error: --learn: write $T/full/p.profile: No space left on device"
	assert_line --index 1 "status 125"
	assert_line --index 2 "fill"
	[ "${#lines[@]}" -eq 3 ]
}

@test "--learn: threads and clone (clone3's ENOSYS fallback) are learned" {
	notify_or_skip
	run "$CORRAL" -q --learn "$T/t.profile" "${WITH_PROBE[@]}" -- "$PROBE" threads 4
	assert_success
	assert_output "threads 4 failed 0"
	grep -q '^seccomp-allow = clone$' "$T/t.profile"
	run grep -c '^seccomp-allow = clone3$' "$T/t.profile"
	assert_output 0
	run "$CORRAL" --profile "$T/t.profile" --seccomp-action kill "${WITH_PROBE[@]}" -- "$PROBE" threads 4
	assert_success
	assert_output "threads 4 failed 0"
}

@test "--learn and seccomp-log: bad input is one line, exit 125, nothing created" {
	run "$CORRAL" --learn "$T/missing/p.profile" -- true
	assert_failure 125
	assert_output --regexp "^corral: error: --learn: cannot write in $T/missing: No such file or directory$"
	run "$CORRAL" --learn "$T" -- true
	assert_failure 125
	assert_output "corral: error: --learn: $T is a directory"
	run "$CORRAL" --seccomp-log --seccomp-action trap -- true
	assert_failure 125
	assert_output "corral: error: seccomp-log: the action 'trap' has no answer from the supervisor (use errno, kill or log)"
	run "$CORRAL" --seccomp-log=maybe -- true
	assert_failure 125
	assert_output --partial "seccomp-log"
}

@test "without seccomp user notification both features say so in one line and exit 125" {
	# The kernel here has it; CORRAL_TEST_NO_NOTIFY makes corral's check fail
	# as SECCOMP_GET_NOTIF_SIZES fails on a kernel without it.
	export CORRAL_TEST_NO_NOTIFY=1
	run "$CORRAL" --seccomp-log -- true
	assert_failure 125
	assert_output "corral: error: seccomp-log: this kernel lacks seccomp user notification (SECCOMP_GET_NOTIF_SIZES: Function not implemented; Linux 5.5 or later needed)"
	run "$CORRAL" --learn "$T/p.profile" -- true
	assert_failure 125
	assert_output "corral: error: --learn: this kernel lacks seccomp user notification (SECCOMP_GET_NOTIF_SIZES: Function not implemented; Linux 5.5 or later needed)"
	assert_file_not_exists "$T/p.profile"
	[ -z "$(ls -A "$T")" ]
	# Without either feature nothing needs it.
	run "$CORRAL" -- true
	assert_success
}
