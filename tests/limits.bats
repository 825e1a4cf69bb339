#!/usr/bin/env bats
# Resource limits: memory, pids, cpus, cpuset, time limit, rlimits, the run's
# cgroup and its removal. Version-neutral: usage comes from corral's -v line
# ("cgroup usage: ..."), which reads v1 or v2 files, whichever exist.
load helpers
load ../lib/bats-corral/load

# This test's own cgroup directory in every mounted hierarchy (v1 or v2).
own_cgroup_dirs() {
	local fs mnt type opts _ id ctrls path
	while read -r fs mnt type opts _; do
		[ "$type" = cgroup ] || [ "$type" = cgroup2 ] || continue
		while IFS=: read -r id ctrls path; do
			if [ "$type" = cgroup2 ]; then
				[ "$id" = 0 ] && [ -z "$ctrls" ] || continue
			else
				[ -n "$ctrls" ] && [[ ",$opts," == *",${ctrls%%,*},"* ]] || continue
			fi
			echo "$mnt${path%/}"
		done </proc/self/cgroup
	done </proc/self/mounts
}

# The corral-<pid> cgroups of pid $1 beneath this test's cgroups.
corral_cgroups() {
	local d c
	for d in $(own_cgroup_dirs); do
		for c in "$d"/corral-"$1"; do
			[ -d "$c" ] && echo "$c"
		done
	done
	return 0
}

need_cgroup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for a writable cgroup"
}

# Each corral of a test goes through a wrapper that notes its pid: the
# cgroups judged at the end are those of this test's runs, never those of
# another run on the machine (a SIGKILLed one elsewhere leaves its cgroup
# beneath the same parent until a run with limits removes it).
setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/corral-test.XXXXXX")
	chmod 755 "$T"
	: >"$T/pids"
	chmod 666 "$T/pids"
	printf '#!/bin/sh\necho $$ >>"%s"\nexec "%s" "$@"\n' "$T/pids" "$CORRAL" >"$T/corral"
	chmod 755 "$T/corral"
	CORRAL_BIN=$CORRAL
	CORRAL=$T/corral
}

# Every test: no corral-* cgroup of its finished runs is left.
teardown() {
	local left
	local bad_reports=0
	validate_reports || bad_reports=1
	left=$(left_cgroups "$T/pids")
	rm -rf "$T"
	if [ -n "$left" ]; then
		echo "cgroups left behind: $left"
		return 1
	fi
	return $bad_reports
}

@test "memory = 64M: a 1 GiB allocation exits 137, out of memory" {
	need_cgroup
	run "$CORRAL" --memory 64M "${WITH_PROBE[@]}" -- "$PROBE" alloc 1024
	assert_failure 137
	assert_output --partial "out of memory"
	refute_output --partial "allocated 1024 MiB"
	# The same program without the limit is fine at a small size: the limit bit.
	run "$CORRAL" --memory 64M "${WITH_PROBE[@]}" -- "$PROBE" alloc 16
	assert_success
	assert_output "allocated 16 MiB"
}

@test "memory: the report says oom and the peak stays at the limit" {
	need_cgroup
	run "$CORRAL" -v --memory 64M "${WITH_PROBE[@]}" -- "$PROBE" alloc 1024
	assert_failure 137
	assert_output --partial "corral: oom:"
	peak=$(grep -o 'memory peak [0-9]*' <<<"$output" | awk '{print $3}')
	if [ -n "$peak" ]; then
		[ "$peak" -le $((64 * 1024 * 1024)) ]
	fi
}

@test "pids = 32: a fork bomb does not grow past 32, and corral returns" {
	need_cgroup
	run "$CORRAL" -v --pids 32 --time-limit 30s "${WITH_PROBE[@]}" -- "$PROBE" forkbomb 1000
	assert_success
	assert_output --partial "Resource temporarily unavailable"
	forked=$(grep -o 'forked [0-9]*' <<<"$output" | awk '{print $2}')
	# init and the probe count too
	[ "$forked" -le 30 ]
	[ "$forked" -ge 10 ]
	peak=$(grep -o 'pids peak [0-9]*' <<<"$output" | awk '{print $3}')
	if [ -n "$peak" ]; then
		[ "$peak" -le 32 ]
	fi
}

@test "pids: a fork bomb that never gives up is ended by the time limit" {
	need_cgroup
	corral_run --pids 16 --time-limit 2s "${WITH_PROBE[@]}" -- "$PROBE" forkbomb 100000 persist
	assert_failure 124
	assert_corral_verdict timeout
	assert_corral_report '.pids_peak <= 16 and .pids_refused > 0 and (.limits_hit | index("pids"))'
}

@test "cpus = 0.5: a busy loop gets 0.4 to 0.6 CPU seconds per wall second" {
	need_cgroup
	# The machine is shared: when even an unlimited loop cannot get a whole
	# CPU, 0.4 is out of reach without the limit being wrong. So an
	# unlimited loop runs at the same time, under the same load, and the
	# lower bound is half of what it gets (at most 0.4); the upper bound
	# holds whatever the load.
	"$CORRAL" -v --pids 64 "${WITH_PROBE[@]}" -- "$PROBE" spin 2 >"$T/free" 2>&1 &
	free_pid=$!
	run "$CORRAL" -v --cpus 0.5 "${WITH_PROBE[@]}" -- "$PROBE" spin 2
	wait "$free_pid"
	assert_success
	assert_line "spun 2.0 s"
	usage=$(grep -o 'cgroup usage: cpu user [0-9.]* s system [0-9.]* s' <<<"$output")
	[ -n "$usage" ] || fail "no cgroup CPU usage in: $output"
	rate=$(awk '{ printf "%.3f\n", ($5 + $8) / 2.0 }' <<<"$usage")
	free=$(grep -o 'cgroup usage: cpu user [0-9.]* s system [0-9.]* s' "$T/free" |
		awk '{ printf "%.3f\n", ($5 + $8) / 2.0 }')
	low=$(awk -v f="$free" 'BEGIN { printf "%.3f\n", (f / 2 < 0.4) ? f / 2 : 0.4 }')
	echo "CPU seconds per wall second: $rate under cpus = 0.5 ($free without; lower bound $low)"
	awk -v r="$rate" -v l="$low" 'BEGIN { exit !(r >= l && r <= 0.6) }'
}

@test "cpuset = 0: the command runs on CPU 0 only" {
	need_cgroup
	run "$CORRAL" --cpuset 0 -- grep Cpus_allowed_list /proc/self/status
	assert_success
	assert_output --regexp $'Cpus_allowed_list:\t0$'
}

@test "cpuset outside the machine's CPUs: an error naming the option, nothing left" {
	need_cgroup
	run "$CORRAL" --cpuset 4095 -- true
	assert_failure 125
	assert_output --partial "corral: error: option cpuset: '4095'"
}

@test "time-limit = 1s on sleep 30: 124 by the SIGTERM of the limit, not before 1 s" {
	corral_run --time-limit 1s -- sleep 30
	assert_failure 124
	assert_corral_verdict timeout
	assert_corral_signal SIGTERM
	assert_corral_report '.wall_time_ms >= 1000'
}

@test "time-limit with limits: a command that ignores SIGTERM is ended after the grace" {
	need_cgroup
	corral_run --pids 32 --time-limit 0.5s --kill-grace 1s "${WITH_PROBE[@]}" -- "$PROBE" ignore-term
	assert_failure 124
	# By the SIGKILL after the grace, not the probe's own end after 30 s,
	# and not before the limit and the grace.
	assert_corral_verdict timeout
	assert_corral_signal SIGKILL
	assert_corral_report '.wall_time_ms >= 1500'
}

@test "rlimit = nofile=16 is 16 in /proc/self/limits" {
	run "$CORRAL" --rlimit nofile=16 -- sh -c 'grep "Max open files" /proc/self/limits'
	assert_success
	assert_output --regexp '^Max open files +16 +16 +files'
	run "$CORRAL" --rlimit nofile=16:32 --rlimit core=0 -- sh -c 'grep -E "Max (open files|core)" /proc/self/limits'
	assert_line --regexp '^Max core file size +0 +0 '
	assert_line --regexp '^Max open files +16 +32 '
}

@test "the sandbox's cgroup namespace is rooted at the run's cgroup" {
	need_cgroup
	run "$CORRAL" --memory 64M --pids 32 -- cat /proc/self/cgroup
	assert_success
	refute_output --partial "corral-"
	# every hierarchy shows the root: the process is at the run's cgroup
	run "$CORRAL" --memory 64M --pids 32 -- sh -c 'grep -v ":/$" /proc/self/cgroup || echo all-root'
	assert_output "all-root"
}

@test "the run's cgroup exists while the command runs, and not after" {
	need_cgroup
	"$CORRAL" --memory 64M --pids 32 -- sleep 30 3>&- &
	pid=$!
	wait_for "[ -n \"\$(corral_cgroups $pid)\" ]"
	run corral_cgroups "$pid"
	assert_output --partial "corral-$pid"
	kill -TERM "$pid"
	wait "$pid" || true
	run corral_cgroups "$pid"
	assert_output ""
}

@test "corral killed with SIGKILL mid-run: the next run removes its cgroup" {
	need_cgroup
	"$CORRAL" --memory 64M --pids 32 -- sleep 30 3>&- &
	pid=$!
	wait_for "[ -n \"\$(corral_cgroups $pid)\" ]"
	kill -KILL "$pid"
	wait "$pid" || true
	# init dies with its parent (PDEATHSIG), the cgroup empties, but stays
	wait_for "! cat \$(corral_cgroups $pid | head -1)/cgroup.procs | grep -q ."
	run corral_cgroups "$pid"
	assert_output --partial "corral-$pid"
	run "$CORRAL" --memory 64M --pids 32 -- true
	assert_success
	run corral_cgroups "$pid"
	assert_output ""
}

@test "with limits, corral's supervisor and init each peak under 2 MiB of RSS, a profile's first run too" {
	need_cgroup
	# The default build: static, no sanitizer (whose $CORRAL is a script).
	[ "$(head -c 4 "$CORRAL_BIN")" = $'\x7fELF' ] || skip "CORRAL is not a binary: $CORRAL_BIN"
	! ldd "$CORRAL_BIN" >/dev/null 2>&1 || skip "corral is linked dynamically (STATIC=0)"
	# A profile's first run (an empty filter cache: a new corral, a new
	# kernel, other lists) builds its seccomp filter, for which libseccomp
	# takes 0.3 to 0.7 MB; later runs read it from the cache. Both are
	# measured, with limits and with strict's own.
	export XDG_CACHE_HOME=$T/cache
	for args in "--memory 256M --cpus 1 --pids 64" "--profile strict"; do
		for run in first later; do
			# init's peak, read by the command (init has built the
			# sandbox), and the supervisor's once the command runs (the
			# cgroup is made, the filter built or read).
			# shellcheck disable=SC2086
			"$CORRAL" $args -- sh -c 'grep VmHWM /proc/1/status; exec sleep 30' \
				>"$T/out" 3>&- &
			pid=$!
			wait_for "grep -q VmHWM '$T/out'"
			sup=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
			kill -TERM "$pid"
			wait "$pid" || true
			init=$(awk '/^VmHWM:/ {print $2}' "$T/out")
			echo "$args, $run run: supervisor $sup kB, init $init kB"
			[ "$sup" -lt 2048 ] ||
				fail "$args, $run run: the supervisor's VmHWM is $sup kB, not under 2048 kB"
			[ "$init" -lt 2048 ] ||
				fail "$args, $run run: init's VmHWM is $init kB, not under 2048 kB"
		done
	done
	# The first runs did fill the cache: two filters, default's and strict's.
	[ "$(ls "$T/cache/corral"/seccomp-*.bpf | wc -l)" -eq 2 ]
}

@test "a filter whose build fails beside init ends the run: one line, 125, no process, no cgroup" {
	need_cgroup
	export XDG_CACHE_HOME=$T/cache
	# Earlier tests' inits may still be ending: only a new one counts.
	pgrep -x corral-init | sort >"$T/before" || true
	# Not in the cache, the filter is built after clone, while init builds
	# the sandbox; seccomp(2) refused, libseccomp refuses KILL_PROCESS.
	run "$FAULT" seccomp=EPERM -- "$CORRAL" --memory 64M --pids 32 --seccomp-action kill -- sleep 30.25
	assert_failure 125
	assert_output "corral: error: seccomp: add a rule for a syscall: Invalid argument"
	# init ended with the run (teardown: no cgroup of it left either).
	pgrep -x corral-init | sort >"$T/after" || true
	run comm -13 "$T/before" "$T/after"
	assert_output ""
	! pgrep -f -x "sleep 30.25"
}

@test "with limits, libcgroup reads /proc/mounts once a run" {
	need_cgroup
	command -v strace >/dev/null || skip "needs strace (scripts/deps.sh)"
	[ "$(head -c 4 "$CORRAL_BIN")" = $'\x7fELF' ] || skip "CORRAL is not a binary: $CORRAL_BIN"
	! ldd "$CORRAL_BIN" >/dev/null 2>&1 || skip "corral is linked dynamically (STATIC=0)"
	# libcgroup 2.0 opens it again before each directory it makes and each
	# value it writes; corral serves those from the first read (cgtable.c).
	run strace -f -qq -e trace=open,openat -o "$T/trace" "$CORRAL" -v --memory 256M --cpus 1 --pids 64 -- true
	assert_success
	assert_output --partial "cgroup usage:"
	run grep -c '"/proc/mounts"' "$T/trace"
	assert_output 1
}

@test "no limits: no cgroup, and libcgroup is not needed" {
	run "$CORRAL" -vv -- true
	assert_success
	refute_output --partial "cgroup:"
}

@test "rootless on a host without a delegated cgroup: the limit is an error naming it" {
	for d in $(own_cgroup_dirs); do
		! setpriv --reuid=65534 --regid=65534 --clear-groups test -w "$d" 2>/dev/null ||
			skip "uid 65534 can write $d"
	done
	run as_nobody "$CORRAL" --memory 64M -- true
	assert_failure 125
	assert_output --regexp '^corral: error: option memory needs a writable cgroup: .* cgroup-parent'
	run as_nobody "$CORRAL" --memory 64M --pids 8 -- true
	assert_failure 125
	assert_output --partial "options memory, pids need a writable cgroup"
	run as_nobody "$CORRAL" -- true
	assert_success
}

@test "rootless with cgroup = auto: runs without the limits and says so once" {
	for d in $(own_cgroup_dirs); do
		! setpriv --reuid=65534 --regid=65534 --clear-groups test -w "$d" 2>/dev/null ||
			skip "uid 65534 can write $d"
	done
	run as_nobody "$CORRAL" --cgroup auto --memory 64M -- echo ran
	assert_success
	assert_line "ran"
	assert_line --regexp '^corral: warning: cgroup = auto: running without the limit memory: '
	[ "$(grep -c 'cgroup = auto' <<<"$output")" -eq 1 ]
}

@test "cgroup = off with a limit is an error; without one it runs" {
	run "$CORRAL" --cgroup off --pids 8 -- true
	assert_failure 125
	assert_output "corral: error: option pids needs a cgroup, but cgroup = off (drop the limit, or set cgroup = required or auto)"
	run "$CORRAL" --cgroup off -- true
	assert_success
}

@test "cgroup-parent: an error for a missing one, and '..' is refused" {
	need_cgroup
	run "$CORRAL" --cgroup-parent /corral-test-no-such-parent --pids 8 -- true
	assert_failure 125
	assert_output --partial "option cgroup-parent: no cgroup /corral-test-no-such-parent"
	run "$CORRAL" --cgroup-parent a/../b --pids 8 -- true
	assert_failure 125
	assert_output --partial "option cgroup-parent: 'a/../b' must not contain '..'"
}

@test "memory too small to run anything: an error with the value and its unit, nothing run" {
	run -125 "$CORRAL" --memory 200 -- sh -c 'touch "$1"' sh "$T/ran"
	assert_output "corral: error: memory: '200' is 200 bytes (a size without a unit is in bytes), too small to run any program: the sandbox needs at least 256K (did you mean 200M?)"
	run -125 "$CORRAL" --memory 100K -- true
	assert_output --partial "memory: '100K' is 102400 bytes (read in KiB), too small to run any program"
	printf 'memory = 64\n' >"$T/p.profile"
	run -125 "$CORRAL" -p "$T/p.profile" -- true
	assert_output --partial "$T/p.profile:1: memory: '64' is 64 bytes"
	[ ! -e "$T/ran" ]
	# A size with room for a program runs it (init is corral too, and
	# under ASan it needs more than the few hundred KiB of a plain build).
	run "$CORRAL" --memory 32M -- true
	assert_success
}
