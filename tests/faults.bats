#!/usr/bin/env bats
# Fault injection: corral killed with SIGKILL at random points of its
# start-up and run leaves nothing behind, and many corral runs at once do not
# get in each other's way.
#
# "Nothing": no process (each run's command line carries a marker, which
# init, a copy of corral, and the command share), no mount (the host's
# mountinfo is unchanged: all mount work happens in the sandbox's own mount
# namespace), no cgroup: a run's cgroup is corral-<pid> beneath corral's own
# cgroup in each hierarchy; a SIGKILLed corral cannot remove its own, and the
# next run with limits removes every stale one, so that is checked after a
# final normal run. Only the cgroups of the pids this test started are
# looked at: other corral runs may be going on at the same time.
load helpers

mounts() {
	cut -d' ' -f1,2,5 /proc/self/mountinfo | sort
}

@test "200 runs killed with SIGKILL at random points leave no process, mount or cgroup" {
	local m i pid limits
	m=fault-$(marker)
	mounts >"$T/mounts.before"
	: >"$T/pids"
	for ((i = 0; i < 200; i++)); do
		limits=()
		((i % 2)) && limits=(--memory 64M --pids 64 --time-limit 30s)
		"$CORRAL" "${limits[@]}" "${WITH_PROBE[@]}" -- "$PROBE" ignore-term "$m" \
			>/dev/null 2>&1 &
		pid=$!
		echo "$pid" >>"$T/pids"
		# 0 to 20 ms: before clone, during set-up, or once the command runs.
		sleep "0.0$(printf '%02d' $((RANDOM % 21)))"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	# PR_SET_PDEATHSIG and the PID namespace's end are asynchronous.
	wait_for '[ -z "$(host_procs "$m")" ]' || {
		ps -o pid,ppid,args -p "$(host_procs "$m" | tr '\n' ',')0" >&2
		false
	}
	mounts >"$T/mounts.after"
	diff "$T/mounts.before" "$T/mounts.after"
	# A normal run with limits removes whatever the killed ones left.
	run "$CORRAL" --memory 64M --pids 64 -- /bin/true
	assert_success
	run left_cgroups "$T/pids"
	assert_output ""
}

@test "100 corral runs at once all succeed, each with its own output, no cgroup left" {
	local m i
	m=par-$(marker)
	: >"$T/pids"
	for ((i = 0; i < 100; i++)); do
		"$CORRAL" --memory 64M --pids 64 -- /bin/sh -c "echo token-$i-$m" \
			>"$T/out.$i" 2>"$T/err.$i" &
		echo "$!" >>"$T/pids"
	done
	i=0
	local failed=0
	while read -r pid; do
		wait "$pid" || { echo "run $i exited $?: $(cat "$T/err.$i")" >&2; failed=$((failed + 1)); }
		i=$((i + 1))
	done <"$T/pids"
	[ "$failed" -eq 0 ]
	for ((i = 0; i < 100; i++)); do
		[ "$(cat "$T/out.$i")" = "token-$i-$m" ] || { echo "run $i printed: $(cat "$T/out.$i")" >&2; false; }
	done
	run left_cgroups "$T/pids"
	assert_output ""
	[ -z "$(host_procs "$m")" ]
}
