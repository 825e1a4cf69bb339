#!/usr/bin/env bats
# Judge-grade verdicts (issue 19): every limit that bit, from the cgroup's
# own counters; the CPU-time limit; the output limit; isolate's meta file.
# Version-neutral: these run on the v1 hybrid here and in the v2 VM (make
# check-v2). Every JSON report left in $T is checked against the schema by
# the teardown (helpers.bash validate_reports).
load helpers

R() { jq -r "$@" "$T/r.json"; }

need_cgroup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for a writable cgroup"
}

@test "counters: an OOM-killed child while the command exits 0 is in the report" {
	need_cgroup
	run "$CORRAL" --memory 64M --report "$T/r.json" "${WITH_PROBE[@]}" -- \
		sh -c '"$1" touch-mib 256; echo "child: $?"; exit 0' sh "$PROBE"
	assert_success
	assert_output --partial "child: 137"
	[ "$(R .status)" = exited ]
	[ "$(R .exit_code)" = 0 ]
	R '.oom_kills >= 1' | grep -qx true
	[ "$(R -c .limits_hit)" = '["memory"]' ]
}

@test "counters: forks the pids limit refused are counted, and pids is a limit hit" {
	need_cgroup
	run "$CORRAL" --pids 16 --report "$T/r.json" "${WITH_PROBE[@]}" -- "$PROBE" forkbomb 100
	assert_success
	[ "$(R .status)" = exited ]
	R '.pids_refused >= 1' | grep -qx true
	[ "$(R -c .limits_hit)" = '["pids"]' ]
}

@test "counters: a busy loop under cpus = 0.2 is throttled, and cpus is a limit hit" {
	need_cgroup
	run "$CORRAL" --cpus 0.2 --report "$T/r.json" "${WITH_PROBE[@]}" -- "$PROBE" spin-ms 300
	assert_success
	R '.cpu_throttled_periods >= 1 and .cpu_throttled_ms > 0' | grep -qx true
	[ "$(R -c .limits_hit)" = '["cpus"]' ]
}

@test "counters: a clean run under every limit has zero counts and no limit hit" {
	need_cgroup
	run "$CORRAL" --memory 64M --pids 16 --cpus 1 --report "$T/r.json" -- true
	assert_success
	[ "$(R -c '[.oom_kills, .pids_refused, .cpu_throttled_periods]')" = '[0,0,0]' ]
	[ "$(R -c .limits_hit)" = '[]' ]
}

@test "counters: without the limit a counter is null, never a made-up 0" {
	run "$CORRAL" --report "$T/r.json" -- true
	assert_success
	[ "$(R -c '[.oom_kills, .pids_refused, .cpu_throttled_periods, .cpu_throttled_ms]')" = '[null,null,null,null]' ]
	[ "$(R -c .limits_hit)" = '[]' ]
}

@test "counters: the text report and -v name the counters" {
	need_cgroup
	run --separate-stderr "$CORRAL" -v --pids 16 --report "$T/r.txt" --report-format text \
		"${WITH_PROBE[@]}" -- "$PROBE" forkbomb 100
	assert_success
	[[ "$stderr" =~ forks\ refused\ [1-9] ]]
	grep -Eq '^  forks refused: [1-9]' "$T/r.txt"
	grep -q '^  limits hit:   pids$' "$T/r.txt"
}

@test "schema: the validator refuses a report that breaks it" {
	run "$CORRAL" --report "$T/good.json" -- true
	assert_success
	"$TOP/tests/report_schema.py" "$T/good.json"
	jq -c '.status = "finished"' "$T/good.json" >"$T/bad.txt"
	run "$TOP/tests/report_schema.py" "$T/bad.txt"
	assert_failure
	assert_output --partial "status"
	jq -c 'del(.limits_hit)' "$T/good.json" >"$T/bad.txt"
	run "$TOP/tests/report_schema.py" "$T/bad.txt"
	assert_failure
	rm "$T/bad.txt"
}
