#!/usr/bin/env bats
# valgrind --leak-check=full on the supervisor path of a few runs: no leak and
# no error in the process that stays outside the sandbox.
#
# What valgrind 3.19 can follow here: clone() without CLONE_VM is a fork to
# valgrind, so init runs under it too (with --trace-children=no it stops only
# at execve). It does not know openat2 (root = tmpfs needs it) or seccomp()
# (libseccomp probes the API with it), so these runs use the host profile
# with --seccomp=no; the ASan/UBSan run in make check covers the rest. init
# writes its own log (pid 1 in its PID namespace: vg.1), which is not
# checked: valgrind flags mount(2) with a NULL type there, which the kernel
# ignores for MS_REC|MS_PRIVATE and remounts, and init ends in _exit, so it
# has no leak check anyway. Every other log is the supervisor's, and must be
# empty.
load helpers

VG_ERR=99
# The static corral hides malloc from valgrind: the same code, linked
# dynamically (make unit builds it).
VG_CORRAL=${VG_CORRAL:-$TOP/build/corral-dynamic}

vg() {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	local want=()
	[[ $1 == -[0-9]* ]] && want=("$1") && shift
	run "${want[@]}" valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=$VG_ERR \
		--trace-children=no --log-file="$T/vg.%p" \
		"$VG_CORRAL" --profile host --seccomp=no "$@"
}

# The supervisor's valgrind logs (every vg.* but init's vg.1): all empty.
supervisor_clean() {
	local f n=0
	for f in "$T"/vg.*; do
		[ "$f" = "$T/vg.1" ] && continue
		n=$((n + 1))
		if [ -s "$f" ]; then
			cat "$f" >&2
			return 1
		fi
	done
	[ $n -ge 1 ]
}

@test "valgrind: a run with memory, pids and time limits, exit status 3" {
	vg --memory 32M --pids 16 --time-limit 10min -- /bin/sh -c 'exit 3'
	assert_failure 3
	supervisor_clean
}

@test "valgrind: a JSON report to a file" {
	vg --memory 32M --report "$T/r.json" -- /bin/echo hello
	assert_success
	assert_output hello
	run jq -r .status "$T/r.json"
	assert_output exited
	supervisor_clean
}

@test "valgrind: the time limit ends the command" {
	vg --time-limit 0.5s -- /bin/sleep 30
	assert_failure 124
	supervisor_clean
}

@test "valgrind: command not found, 127" {
	vg -127 -- /nonexistent/cmd
	assert_failure 127
	assert_output --partial "command not found"
	supervisor_clean
}

@test "valgrind: a bad profile value and a bad option, 125" {
	printf 'memory = 12Q\n' >"$T/bad.profile"
	vg --profile "$T/bad.profile" -- /bin/true
	assert_failure 125
	assert_output --partial "bad.profile:1: memory"
	supervisor_clean
	rm -f "$T"/vg.*
	vg --bogus-option -- /bin/true
	assert_failure 125
	supervisor_clean
}
