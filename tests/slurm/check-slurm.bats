#!/usr/bin/env bats
# make check-slurm whole, as one Bats test: how it runs in the check-v2 VM,
# whose kernel has cgroup v2 only (make check-slurm-v2, that is
# CHECK_V2_BATS=tests/slurm/check-slurm.bats make check-v2). Its own TAP
# lines are shown as comments as they come; the test fails if any failed.

@test "make check-slurm on cgroup $(stat -f -c %T /sys/fs/cgroup)" {
	cd "$BATS_TEST_DIRNAME/../.."
	local out=$BATS_TEST_TMPDIR/check-slurm.out rc
	scripts/check-slurm.sh 2>&1 | tee "$out" | sed -u 's/^/# /' >&3
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ]
	[[ "$(tail -n 1 "$out")" =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]]
}
