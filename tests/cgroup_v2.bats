#!/usr/bin/env bats
# The check-v2 guest really is pure cgroup v2, and corral runs there. On a host
# whose /sys/fs/cgroup is not cgroup2fs (this v1 hybrid machine), these skip.
load helpers

need_v2() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
		skip "/sys/fs/cgroup is $(stat -f -c %T /sys/fs/cgroup), not cgroup2 (run make check-v2)"
}

@test "v2: cgroup2 alone at /sys/fs/cgroup, no v1 hierarchy" {
	need_v2
	run stat -f -c %T /sys/fs/cgroup
	assert_output cgroup2fs
	echo "# /sys/fs/cgroup: $output" >&3
	run grep -c ' cgroup ' /proc/mounts
	assert_output 0
	# /proc/cgroups: every controller on hierarchy 0 (the v2 one).
	run awk 'NR > 1 && $2 != 0 { print $1 }' /proc/cgroups
	assert_output ""
	run cut -d: -f1,2 /proc/self/cgroup
	assert_output "0:"
}

@test "v2: a child of the test's own cgroup gets memory, cpu and pids" {
	need_v2
	own=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
	echo "# own cgroup: $own, subtree_control: $(cat "$own/cgroup.subtree_control")" >&3
	for c in memory cpu pids; do
		grep -qw "$c" "$own/cgroup.subtree_control" ||
			fail "$c not enabled for the children of $own"
	done
	child=$own/corral-test-$$
	mkdir "$child"
	run cat "$child/cgroup.controllers"
	rmdir "$child"
	assert_output --regexp '(^| )memory( |$)'
	assert_output --regexp '(^| )pids( |$)'
	assert_output --regexp '(^| )cpu( |$)'
}

@test "v2: the v2-only interface files corral reads exist" {
	need_v2
	own=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
	child=$own/corral-test-$$
	mkdir "$child"
	for f in cgroup.kill memory.peak memory.events memory.swap.max pids.events cpu.max; do
		[ -e "$child/$f" ] || missing="${missing-} $f"
	done
	rmdir "$child"
	[ -z "${missing-}" ] || fail "missing in $child:$missing"
}

@test "v2: corral runs a command and its cgroup namespace sees cgroup2" {
	need_v2
	run "$CORRAL" -- sh -c 'stat -f -c %T /sys/fs/cgroup 2>/dev/null || echo none; echo $$'
	assert_success
	assert_line --index 1 "2"
	run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" orphans 10
	assert_success
	assert_output "orphans 10 zombies 0"
}

@test "v2: corral leaves no cgroup behind in the test's own cgroup" {
	need_v2
	own=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
	# With a limit, so there is a cgroup to remove; judged by this run's pid.
	run_bg "$CORRAL" --pids 16 -- true
	assert_success
	run find "$own" -mindepth 1 -maxdepth 1 -type d -name "corral-$cpid"
	assert_output ""
}
