#!/usr/bin/env bats
# Real programs in the sandbox (issue 18, "Real programs"): names that
# resolve, a home to write in, a read-only /sys, the set-uid calls that gain
# nothing, errors that say what is wrong, and documentation that matches
# what happens.
load helpers

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (a writable cgroup for strict's limits)"
}

# The host's own python3 in /usr (not a shim in a home directory).
PY=/usr/bin/python3
need_python() {
	[ -x "$PY" ] || skip "no $PY"
}

@test "strict: the set-uid calls that gain nothing work; gaining an id still fails" {
	need_root
	need_python
	# Filters are cached by their rules: a cache of this test's own.
	export XDG_CACHE_HOME=$T/cache
	run "$CORRAL" --profile strict -- "$PY" -c 'import os
os.setreuid(-1, -1)
os.setresgid(-1, -1, -1)
pid = os.posix_spawn("/usr/bin/true", ["true"], {}, resetids=True)
print("spawned", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
try:
    os.setuid(4242)
except PermissionError:
    print("setuid 4242: denied")
print(os.getuid())'
	assert_success
	assert_output "spawned 0
setuid 4242: denied
0"
}
