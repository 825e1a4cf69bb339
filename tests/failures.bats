#!/usr/bin/env bats
# Failure paths of the set-up: each reports one clear line, exits 125 (set-up),
# 126 (not executable) or 127 (not found), and leaves nothing behind: no
# process (a marker in the command line), no cgroup of that corral's pid.
load helpers

# corral "$@", as run_bg (helpers.bash).
run_corral() {
	run_bg "$CORRAL" "$@"
}

# Nothing left by the run just made.
nothing_left() {
	[ -z "$(run_cgroups "$cpid")" ]
	[ -z "$(host_procs "$1")" ]
}

@test "tests/fault: the chosen call fails, matched by its arguments; the others pass" {
	echo line >"$T/in"
	run "$FAULT" read:0=EIO -- bash -c 'read -r x <&0 || exit 3; echo "$x"' <"$T/in"
	assert_failure 3
	assert_output --partial "Input/output error"
	run "$FAULT" read:7=EIO -- bash -c 'read -r x <&0 || exit 3; echo "$x"' <"$T/in"
	assert_success
	assert_output line
	# As root the filter goes in without no_new_privs: corral runs as it would.
	if [ "$(id -u)" -eq 0 ]; then
		run "$FAULT" getppid=EIO -- grep NoNewPrivs /proc/self/status
		assert_output --regexp $'^NoNewPrivs:\t0$'
	fi
	run "$FAULT" nosuchcall=EIO -- true
	assert_failure 125
	assert_output "fault: unknown system call 'nosuchcall'"
}

@test "clone refused (as nobody with --user-ns no): one line, 125, nothing left" {
	need_nobody
	local m
	m=clone-$(marker)
	run_corral_nobody() {
		setpriv --reuid=65534 --regid=65534 --clear-groups "$CORRAL" "$@" >"$T/out" 2>&1 &
		cpid=$!
		status=0
		wait "$cpid" || status=$?
		mapfile -t lines <"$T/out"
	}
	run_corral_nobody --user-ns no -- /bin/echo "$m"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${lines[0]}" = "corral: error: clone the sandbox: Operation not permitted (as non-root, namespaces need a user namespace: drop user-ns = no)" ]
	nothing_left "$m"
}

@test "clone refused (no user namespaces left: user.max_user_namespaces = 0 in a user namespace of the test's): 125" {
	command -v unshare >/dev/null || skip "unshare(1) is not installed"
	unshare -Ur true 2>/dev/null || skip "cannot create a user namespace here"
	local m
	m=userns-$(marker)
	# The limit is per user namespace, writable by its owner: the host's
	# sysctl is untouched.
	run unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" "$@"' \
		"$CORRAL" --user-ns yes -- /bin/echo "$m"
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output --regexp '^corral: error: clone the sandbox: No space left on device [(]the limit on user namespaces is reached: .*user[.]max_user_namespaces'
	[ -z "$(host_procs "$m")" ]
}

@test "clone refused (no mount namespaces left) as root of a user namespace: 125" {
	command -v unshare >/dev/null || skip "unshare(1) is not installed"
	unshare -Ur true 2>/dev/null || skip "cannot create a user namespace here"
	run unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_mnt_namespaces && exec "$0" "$@"' \
		"$CORRAL" -- /bin/true
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output "corral: error: clone the sandbox: No space left on device (a namespace limit is reached: see the sysctls in /proc/sys/user)"
}

@test "cgroup not writable (rootless with --memory): one line naming the option, 125" {
	need_nobody
	local m
	m=cg-$(marker)
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CORRAL" --memory 16M -- /bin/echo "$m" \
		>"$T/out" 2>&1 &
	cpid=$!
	status=0
	wait "$cpid" || status=$?
	mapfile -t lines <"$T/out"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "corral: error: option memory needs a writable cgroup: "*" is not writable by uid 65534 "* ]]
	nothing_left "$m"
}

@test "bind source missing: one line naming the option and source, 125, no cgroup made" {
	local m
	m=bind-$(marker)
	run_corral --memory 64M --ro-bind "$T/missing-$m" -- /bin/echo "$m"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${lines[0]}" = "corral: error: ro-bind: source '$T/missing-$m': No such file or directory" ]
	nothing_left "$m"
	run_corral --memory 64M --bind "$T/missing-$m:/data" -- /bin/echo "$m"
	[ "$status" -eq 125 ]
	[ "${lines[0]}" = "corral: error: bind: source '$T/missing-$m': No such file or directory" ]
	nothing_left "$m"
}

@test "seccomp load refused (an outer filter denies seccomp(2)): one line, 125, nothing left" {
	local m
	m=seccomp-$(marker)
	# As a container runtime that forbids nested filters would: seccomp(2)
	# fails with EPERM in corral and all it starts.
	run_bg "$FAULT" seccomp=EPERM -- "$CORRAL" --memory 64M -- /bin/echo "$m"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${lines[0]}" = "corral: error: load the seccomp filter: Operation not permitted" ]
	nothing_left "$m"
	# With seccomp off the same run works: the filter was the only obstacle.
	run "$FAULT" seccomp=EPERM -- "$CORRAL" --seccomp=no -- /bin/echo "$m"
	assert_success
	assert_output "$m"
}

@test "a set-up call the kernel refuses: one line naming the step, 125, nothing left" {
	# Each rule fails one call of the set-up in corral, init or the
	# command's set-up (tests/fault.c), as an older kernel or an outer
	# sandbox would.
	local rule want m
	while IFS='|' read -r rule want; do
		m=setup-$(marker)
		run_bg "$FAULT" "$rule" -- "$CORRAL" --memory 64M -- /bin/echo "$m"
		echo "$rule: $status: $output"
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
		[ "${lines[0]}" = "corral: error: $want" ]
		nothing_left "$m"
	done <<-'EOF'
		openat2=ENOSYS|root = tmpfs needs openat2 (Linux 5.6): Function not implemented
		mount:*:*:*:14=EPERM|proc /proc: mount proc: Operation not permitted
		mount_setattr=EPERM|ro-bind /usr on /usr: make read-only: Operation not permitted
		sethostname=EPERM|set host name 'corral': Operation not permitted
		unshare:0x40000000=ENOSPC|make the sandbox's network namespace: No space left on device
		setns:*:0x40000000=EPERM|return to corral's network namespace: Operation not permitted
		prctl:PR_CAPBSET_DROP=EPERM|drop cap_chown from the bounding set: Operation not permitted
		prctl:PR_SET_KEEPCAPS=EINVAL|keep capabilities across setuid: Invalid argument
	EOF
}

@test "the cgroup refused while init builds the sandbox (v1 attach): one line, 125, nothing left" {
	# On cgroup v1 or hybrid the supervisor makes the cgroup and attaches
	# init after clone, while init makes its mounts (sync point 1b): a
	# failure there must still end init, its mounts and the cgroup, and
	# the command must not have run. libcgroup attaches by opening
	# <cgroup>/tasks with fopen "we" (O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC).
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "a cgroup v2 host: init is born in the cgroup (CLONE_INTO_CGROUP), no attach"
	local m mounts_before
	m=attach-$(marker)
	mounts_before=$(cut -d' ' -f5 /proc/self/mountinfo | sort)
	run_bg "$FAULT" 'openat:*:*:0x80241=EACCES' -- "$CORRAL" --memory 64M --pids 64 -- /bin/echo "$m"
	echo "$status: $output"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "corral: error: cgroup: attach the sandbox to "*"/corral-$cpid: "* ]]
	[[ $output != *"$m"* ]]
	wait_for '[ -z "$(host_procs "$m")" ]'
	nothing_left "$m"
	[ "$(cut -d' ' -f5 /proc/self/mountinfo | sort)" = "$mounts_before" ]
}

@test "command not executable: one line, 126; not found: 127; nothing left" {
	local m
	m=exec-$(marker)
	printf 'not a program %s\n' "$m" >"$T/data"
	chmod 644 "$T/data"
	run_corral --memory 64M --ro-bind "$T/data" -- "$T/data" "$m"
	[ "$status" -eq 126 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${lines[0]}" = "corral: error: cannot execute $T/data: Permission denied" ]
	nothing_left "$m"
	run_corral --memory 64M --ro-bind "$T" -- "$T" "$m"
	[ "$status" -eq 126 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "corral: error: cannot execute $T: "* ]]
	nothing_left "$m"
	run_corral --memory 64M -- "/nonexistent/$m"
	[ "$status" -eq 127 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "corral: error: /nonexistent/$m: command not found"* ]]
	nothing_left "$m"
}
