#!/usr/bin/env bats
# Rootless (issue 9): the same sandbox for an ordinary user, through a user
# namespace. Everything here runs as uid 65534 through as_nobody, except
# where root with user-ns = yes is the subject.
load helpers

setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/corral-test.XXXXXX")
	chmod 755 "$T"
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to uid 65534"
	# uid 65534 must reach the binary, the probe and the profiles.
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		test -x "$CORRAL" -a -x "$PROBE" -a -r "$CORRAL_PROFILE_PATH/default.profile" ||
		skip "uid 65534 cannot reach $TOP (check the permissions of its parents)"
}

# A directory uid 65534 owns, for binds and reports.
nobody_dir() {
	mkdir -p "$1"
	chown 65534:65534 "$1"
}

@test "rootless: the command is PID 2, init is PID 1, in a user namespace" {
	run as_nobody "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" pid
	assert_success
	assert_output "2"
	run as_nobody "$CORRAL" -- sh -c 'cat /proc/1/comm; readlink /proc/self/ns/user'
	assert_success
	assert_line --index 0 "corral-init"
	refute_line --index 1 "$(readlink /proc/self/ns/user)"
}

@test "rootless: own host name" {
	run as_nobody "$CORRAL" -- hostname
	assert_success
	assert_output "corral"
	run as_nobody "$CORRAL" --hostname box9 -- hostname
	assert_output "box9"
	refute_output "$(hostname)"
}

@test "rootless: loopback only, and it is up" {
	run as_nobody "$CORRAL" -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	assert_success
	assert_output "lo"
	run as_nobody "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" lo-up
	assert_output "lo up"
}

@test "rootless: a ro-bind is read-only (EROFS), also for uid 0 inside" {
	mkdir "$T/ro"
	echo old >"$T/ro/f"
	chmod 666 "$T/ro/f"
	run as_nobody "$CORRAL" --ro-bind "$T/ro" -- sh -c "cat $T/ro/f; echo new >$T/ro/f"
	assert_failure
	assert_line --index 0 "old"
	assert_output --partial "Read-only file system"
	run as_nobody "$CORRAL" --uid 0 --gid 0 --ro-bind "$T/ro" -- sh -c "echo new >$T/ro/f"
	assert_failure
	assert_output --partial "Read-only file system"
	assert_equal "$(cat "$T/ro/f")" "old"
}

@test "rootless: /tmp is private and gone after the run" {
	m=corral-rootless-$(marker)
	run as_nobody "$CORRAL" -- sh -c "ls -A /tmp | wc -l; echo x >/tmp/$m && cat /tmp/$m"
	assert_success
	assert_output "$(printf '0\nx')"
	[ ! -e "/tmp/$m" ]
	run as_nobody "$CORRAL" -- sh -c "ls -A /tmp | wc -l"
	assert_output "0"
}

@test "rootless: mount is EPERM from the default profile's filter" {
	run as_nobody "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" syscall mount
	assert_output "EPERM"
	# The filter's doing, not only the missing capability: its action shows.
	run as_nobody "$CORRAL" --seccomp-action errno:EACCES "${WITH_PROBE[@]}" -- "$PROBE" syscall mount
	assert_output "EACCES"
	# Without filter, with CAP_SYS_ADMIN kept, the mount works: the
	# capabilities inside the user namespace are real, and dropped by default.
	run as_nobody "$CORRAL" --seccomp=no --cap-keep SYS_ADMIN "${WITH_PROBE[@]}" -- "$PROBE" syscall mount
	assert_output "ok"
	run as_nobody "$CORRAL" --seccomp=no "${WITH_PROBE[@]}" -- "$PROBE" syscall mount
	assert_output "EPERM"
}

@test "rootless: zombies are reaped" {
	run as_nobody "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" orphans 20
	assert_success
	assert_output "orphans 20 zombies 0"
}

@test "rootless: the time limit ends the command, also as uid 0 inside" {
	run as_nobody "$CORRAL" --time-limit 1s --uid 0 -- sleep 30
	assert_failure 124
}

@test "rootless: id -u inside is the caller's, or the mapped uid and gid" {
	run as_nobody "$CORRAL" -- sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map | tr -s " "'
	assert_success
	assert_output "$(printf '65534\n65534\n 65534 65534 1\n 65534 65534 1')"
	run as_nobody "$CORRAL" --uid 1234 --gid 4321 -- sh -c 'id -u; id -g'
	assert_success
	assert_output "$(printf '1234\n4321')"
}

@test "rootless: uid 0 inside is root there, with no capabilities for the command" {
	run as_nobody "$CORRAL" --uid 0 --gid 0 -- sh -c 'id -u; id -g; grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status | awk "{print \$2}" | sort -u'
	assert_success
	assert_output "$(printf '0\n0\n0000000000000000')"
	# init keeps none either.
	run as_nobody "$CORRAL" --uid 0 -- sh -c 'grep -E "^Cap(Prm|Eff|Bnd|Amb):" /proc/1/status | awk "{print \$2}" | sort -u'
	assert_output "0000000000000000"
	# uid 0 inside is still the caller outside: the host's root files stay
	# closed (--mask= clears the default profile's mask of this one).
	run as_nobody "$CORRAL" --uid 0 --gid 0 --mask= --ro-bind /etc/shadow -- cat /etc/shadow
	assert_failure
	assert_output --partial "Permission denied"
}

@test "rootless: a file made in a bind is the caller's on the host, whatever the uid inside" {
	nobody_dir "$T/rw"
	run as_nobody "$CORRAL" --bind "$T/rw" -- sh -c "echo a >$T/rw/a"
	assert_success
	run as_nobody "$CORRAL" --uid 0 --gid 0 --bind "$T/rw" -- sh -c "echo b >$T/rw/b; stat -c %u:%g $T/rw/b"
	assert_success
	assert_output "0:0"
	assert_equal "$(stat -c %u:%g "$T/rw/a")" "65534:65534"
	assert_equal "$(stat -c %u:%g "$T/rw/b")" "65534:65534"
	assert_equal "$(cat "$T/rw/b")" "b"
}

@test "rootless: the report works, in a file the user can write" {
	nobody_dir "$T/w"
	run as_nobody "$CORRAL" --report "$T/w/r.json" -- sh -c 'exit 3'
	assert_failure 3
	assert_equal "$(stat -c %u "$T/w/r.json")" 65534
	jq -e '.status == "exited" and .exit_code == 3 and .error == null and .wall_time_ms > 0' \
		"$T/w/r.json" >/dev/null
	# Where the user cannot write: the one-line error, and the command never ran.
	run as_nobody "$CORRAL" --report /etc/corral-r.json -- touch "$T/w/ran"
	assert_failure 125
	assert_output --regexp '^corral: error: .*/etc/corral-r\.json.*Permission denied'
	[ ! -e "$T/w/ran" ] && [ ! -e /etc/corral-r.json ]
}

@test "rootless: memory = 64M on a host without a delegated cgroup is the clear error, nothing created" {
	nobody_dir "$T/w"
	printf 'memory = 64M\n' >"$T/mem.profile"
	# In the background, so that its pid (setpriv execs corral) names the
	# cgroup it must not have made; other runs' cgroups are not ours.
	run_bg setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$CORRAL" --profile default --profile "$T/mem.profile" --bind "$T/w" -- touch "$T/w/ran"
	[ "$status" -eq 0 ] && skip "uid 65534 has a writable cgroup here"
	assert_failure 125
	assert_output --regexp '^corral: error: option memory needs a writable cgroup: .*(delegated cgroup|Delegate=yes).*cgroup-parent.*cgroup = auto'
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$T/w/ran" ]
	assert_equal "$(run_cgroups "$cpid")" ""
}

@test "rootless: cgroup = auto runs without the limit, says so once, and the report does not claim it" {
	nobody_dir "$T/w"
	run as_nobody "$CORRAL" --cgroup auto --memory 64M --report "$T/w/r.json" -- echo ran
	assert_success
	grep -q '^corral: warning: cgroup = auto' <<<"$output" || skip "uid 65534 has a writable cgroup here"
	assert_line "ran"
	assert_line --regexp '^corral: warning: cgroup = auto: running without the limit memory: '
	[ "$(grep -c 'cgroup = auto' <<<"$output")" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	jq -e '.status == "exited" and .limits.memory_bytes == null' "$T/w/r.json" >/dev/null
}

@test "rootless: the seccomp cache degrades silently without a usable home" {
	for home in /nonexistent /root; do
		# The probe's own exit status for a denied call is 1; nothing else is said.
		run -1 as_nobody env -u XDG_CACHE_HOME HOME=$home "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
		assert_output "EPERM"
	done
	run as_nobody env -u XDG_CACHE_HOME -u HOME "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	assert_output "EPERM"
	[ ! -e /nonexistent ]
	# With a cache directory of its own, the user gets a cache.
	nobody_dir "$T/home"
	run as_nobody env -u XDG_CACHE_HOME HOME="$T/home" "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	assert_output "EPERM"
	ls "$T"/home/.cache/corral/seccomp-*.bpf >/dev/null
	assert_equal "$(stat -c %u "$T/home/.cache/corral")" 65534
}

@test "rootless: when a user namespace cannot be made, the error says why" {
	# A seccomp filter that forbids user namespaces: corral's own default
	# profile, around a second corral.
	run as_nobody "$CORRAL" --ro-bind "$CORRAL" --ro-bind "$TOP/profiles" -- \
		env CORRAL_PROFILE_PATH="$TOP/profiles" "$CORRAL" -- true
	assert_failure 125
	assert_output "corral: error: clone the sandbox: Operation not permitted (a user namespace is not permitted here: unprivileged user namespaces may be disabled, see the sysctls kernel.unprivileged_userns_clone and kernel.apparmor_restrict_unprivileged_userns, or a seccomp filter forbids them, as inside another sandbox)"
	# The limit on user namespaces, lowered in a user namespace of our own
	# (the count is per namespace; the host's sysctl is untouched).
	command -v unshare >/dev/null || skip "needs unshare(1)"
	run as_nobody unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$@"' sh \
		"$CORRAL" --user-ns yes -- true
	assert_failure 125
	assert_output --partial "clone the sandbox: No space left on device (the limit on user namespaces is reached: see the sysctl user.max_user_namespaces"
	# Not root and no user namespace: the option to drop is named.
	run as_nobody "$CORRAL" --user-ns no -- true
	assert_failure 125
	assert_output "corral: error: clone the sandbox: Operation not permitted (as non-root, namespaces need a user namespace: drop user-ns = no)"
}

# Root with user-ns = yes: its uid and gid map to uid/gid inside (default 0,
# so "0 0 1"), one id each; capabilities are the user namespace's only.
@test "user-ns = yes as root: a user namespace, root mapped to itself, nothing held" {
	run "$CORRAL" --user-ns yes -- sh -c 'id -u; cat /proc/self/uid_map /proc/self/gid_map | tr -s " "; readlink /proc/self/ns/user; grep -E "^Cap(Prm|Eff|Bnd|Amb):" /proc/self/status | awk "{print \$2}" | sort -u; echo $$'
	assert_success
	assert_line --index 0 "0"
	assert_line --index 1 " 0 0 1"
	assert_line --index 2 " 0 0 1"
	refute_line --index 3 "$(readlink /proc/self/ns/user)"
	assert_line --index 4 "0000000000000000"
	assert_line --index 5 "2"
	run "$CORRAL" --user-ns yes "${WITH_PROBE[@]}" -- "$PROBE" orphans 5
	assert_output "orphans 5 zombies 0"
	run "$CORRAL" --user-ns yes "${WITH_PROBE[@]}" -- "$PROBE" syscall mount
	assert_output "EPERM"
}

@test "user-ns = yes as root: uid maps the caller, files stay root's, supplementary groups dropped" {
	mkdir "$T/rw"
	run "$CORRAL" --user-ns yes --uid 1000 --gid 1000 --bind "$T/rw" -- sh -c "id -u; touch $T/rw/f; cat /proc/self/uid_map | tr -s ' '"
	assert_success
	assert_output "$(printf '1000\n 1000 0 1')"
	assert_equal "$(stat -c %u:%g "$T/rw/f")" "0:0"
	# Root's own groups do not follow it in (setgroups stays allowed for root).
	run setpriv --groups 4,27 "$CORRAL" --user-ns yes -- sh -c 'grep "^Groups:" /proc/self/status | tr -d "\t "; cat /proc/self/setgroups'
	assert_success
	assert_output "$(printf 'Groups:\nallow')"
	# A rootless caller's groups cannot be dropped (CVE-2014-8989): deny.
	run as_nobody "$CORRAL" -- cat /proc/self/setgroups
	assert_output "deny"
}

@test "make install: corral without the setuid bit" {
	# Default PREFIX: the tree's binary is what gets installed, not rebuilt.
	run make -s -C "$TOP" install DESTDIR="$T/dest"
	assert_success
	f=$T/dest/usr/local/bin/corral
	assert_equal "$(stat -c %a "$f")" 755
	[ ! -u "$f" ] && [ ! -g "$f" ]
	[ -f "$T/dest/usr/local/share/corral/profiles/default.profile" ]
	# And the installed copy runs for an ordinary user.
	chmod -R a+rX "$T/dest"
	run as_nobody "$f" --version
	assert_success
	assert_output --regexp '^corral [0-9]'
}

@test "rootless: limits work in a delegated cgroup given as cgroup-parent" {
	# Delegate, as root, a cgroup beneath our own memory cgroup to uid 65534,
	# as systemd does for a user session (Delegate=yes): the user's process
	# starts in a leaf of it, and corral puts the run's cgroup beside that
	# leaf (cgroup-parent). On v2 the common ancestor of the two must be the
	# user's for the move, and only a cgroup without processes can hand
	# controllers to its children.
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		own=$(sed -n 's/^0:://p' /proc/self/cgroup)
		base=/sys/fs/cgroup
	else
		own=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
		base=/sys/fs/cgroup/memory
	fi
	[ -n "$own" ] && [ -d "$base$own" ] || skip "no memory cgroup of our own"
	need_nobody
	rel="${own%/}/corral-deleg-$$"
	deleg="$base$rel"
	mkdir "$deleg" || skip "cannot create a cgroup beneath our own"
	if [ -f "$deleg/cgroup.subtree_control" ]; then
		echo +memory >"$deleg/cgroup.subtree_control" 2>/dev/null ||
			{ rmdir "$deleg"; skip "cannot delegate memory on v2 here"; }
	fi
	mkdir "$deleg/session"
	chown -R 65534:65534 "$deleg"
	run sh -c 'echo $$ >"$1/session/cgroup.procs" && shift &&
		exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' sh "$deleg" \
		"$CORRAL" --cgroup-parent "$rel" --memory 32M "${WITH_PROBE[@]}" -- "$PROBE" alloc 256
	leftover=$(find "$deleg" -mindepth 1 -maxdepth 1 -type d -name 'corral-*')
	rmdir "$deleg/session" "$deleg"
	assert_failure 137
	assert_output --partial "out of memory"
	[ -z "$leftover" ]
}
