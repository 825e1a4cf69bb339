#!/usr/bin/env bats
# The launch path: namespaces, PID 1, exit statuses, signals, nothing left behind.
load helpers

@test "the command is PID 2 inside" {
	run "$CORRAL" -- sh -c 'echo $$'
	assert_success
	assert_output "2"
}

@test "PID 1 inside is corral's init" {
	run "$CORRAL" -- sh -c 'tr "\0" " " </proc/1/cmdline; echo; cat /proc/1/comm'
	assert_success
	assert_line --index 0 --partial "corral"
	assert_line --index 1 "corral-init"
}

@test "the sandbox has its own host name" {
	run "$CORRAL" -- hostname
	assert_success
	assert_output "corral"
	refute_output "$(hostname)"
	run "$CORRAL" --hostname box7 -- hostname
	assert_output "box7"
}

@test "net none: only loopback, and it is up" {
	run "$CORRAL" --net none -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	assert_success
	assert_output "lo"
	run "$CORRAL" "${WITH_PROBE[@]}" --net none "${WITH_PROBE[@]}" -- "$PROBE" lo-up
	assert_success
	assert_output "lo up"
}

@test "net none: the sandbox's network is its own, corral stays in the host's, /sys shows the sandbox's" {
	# Without a user namespace corral makes the sandbox's network namespace
	# itself while init builds the sandbox, and goes back to its own.
	local host pid limits
	host=$(readlink /proc/self/ns/net)
	for limits in "" "--memory 64M"; do
		# shellcheck disable=SC2086 # limits: no option or one, split
		"$CORRAL" $limits -- sh -c 'readlink /proc/self/ns/net; exec sleep 30' >"$T/inner" &
		pid=$!
		wait_for '[ -s "$T/inner" ]'
		[ "$(readlink "/proc/$pid/ns/net")" = "$host" ]
		[ "$(cat "$T/inner")" != "$host" ]
		kill -TERM "$pid"
		wait "$pid" || true
	done
	# A new sysfs shows the network namespace of whoever mounts it: init
	# must be in the sandbox's by then (the build profile mounts /sys).
	run "$CORRAL" --profile build -- ls /sys/class/net
	assert_success
	assert_output "lo"
}

@test "net host: the host's interfaces" {
	host=$(tail -n +3 /proc/net/dev | wc -l)
	run "$CORRAL" --net host -- sh -c 'tail -n +3 /proc/net/dev | wc -l'
	assert_success
	assert_output "$host"
}

@test "/proc inside shows only the sandbox's processes" {
	run "$CORRAL" -- sh -c 'ls /proc | grep -c "^[0-9]"'
	assert_success
	# init, sh, grep (ls has exited or is the third)
	[ "$output" -le 4 ]
}

@test "share pid is refused: one line, 125, nothing run" {
	run "$CORRAL" --share pid -- touch "$T/ran"
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output --regexp "^corral: error: .*'pid' cannot be shared"
	assert_file_not_exists "$T/ran"
	printf 'share = ipc pid\n' >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- touch "$T/ran"
	assert_failure 125
	assert_output --regexp "^corral: error: $T/p.profile:1: .*'pid' cannot be shared"
	assert_file_not_exists "$T/ran"
}

@test "100 orphans are reaped while the command still runs" {
	run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" orphans 100
	assert_success
	assert_output "orphans 100 zombies 0"
}

@test "init reports how many orphans it reaped" {
	run "$CORRAL" "${WITH_PROBE[@]}" -v "${WITH_PROBE[@]}" -- "$PROBE" orphans 20
	assert_success
	assert_output --partial "init reaped 20"
}

@test "after init hangs up the sync socket, the supervisor waits for its exit without spinning" {
	# init's end of the socket closes some time before its exit is complete
	# (its namespaces go first). A supervisor that kept polling the hung-up
	# socket read its end again and again, taking the CPU from init's exit:
	# on one CPU, as here, every run. It must read it once in the loop,
	# once after the reap.
	command -v strace >/dev/null || skip "needs strace (scripts/deps.sh)"
	# The sanitizer run's $CORRAL is a wrapper script, and LeakSanitizer
	# does not work under ptrace.
	[ "$(head -c 4 "$CORRAL")" = $'\x7fELF' ] || skip "CORRAL is not a binary: $CORRAL"
	local cpu i
	cpu=$(taskset -pc $$ | sed 's/.*: //; s/[-,].*//')
	for i in 1 2 3 4 5; do
		taskset -c "$cpu" strace -qq -e trace=recvmsg -o "$T/trace" "$CORRAL" -- true
		[ "$(grep -c ') = 0$' "$T/trace")" -le 2 ]
	done
}

@test "the exit status passes through" {
	run "$CORRAL" -- sh -c 'exit 7'
	assert_failure 7
	run "$CORRAL" -- true
	assert_success
}

@test "killed by a signal inside gives 128+N" {
	run "$CORRAL" -- sh -c 'kill -KILL $$'
	assert_failure 137
	run "$CORRAL" -- sh -c 'kill -SEGV $$'
	assert_failure 139
}

@test "a missing command gives 127 and names it" {
	run -127 "$CORRAL" -- no-such-command-here
	assert_output "corral: error: no-such-command-here: command not found"
}

@test "-v: an error after the sandbox is built is said once, hint and all" {
	printf '#!/bin/sh\necho hi\n' >"$T/tool"
	chmod 755 "$T/tool"
	run -127 "$CORRAL" -v -- "$T/tool"
	assert_line --index 0 --partial "corral: running $T/tool ("
	assert_line --index 1 "corral: error: $T/tool: command not found ($T/tool exists on the host, but the sandbox's root holds only what the profile binds)"
	[ "${#lines[@]}" -eq 2 ]
	# The summary line stays for every other end.
	run -1 "$CORRAL" -v -- sh -c 'exit 1'
	assert_line --index 1 --regexp '^corral: exited: status 1 after [0-9.]+ s'
}

@test "a command the host has but the root does not bind: the message says so" {
	printf '#!/bin/sh\necho hi\n' >"$T/tool"
	chmod 755 "$T/tool"
	run -127 "$CORRAL" -- "$T/tool"
	assert_output "corral: error: $T/tool: command not found ($T/tool exists on the host, but the sandbox's root holds only what the profile binds)"
	run "$CORRAL" --ro-bind "$T" -- "$T/tool"
	assert_success
	assert_output "hi"
}

@test "a non-executable file gives 126" {
	echo "echo hi" >"$T/script"
	chmod 644 "$T/script"
	run "$CORRAL" --ro-bind "$T" -- "$T/script"
	assert_failure 126
	assert_output --partial "cannot execute $T/script: Permission denied"
}

@test "SIGTERM to corral ends the command by that SIGTERM with 143" {
	m=$(marker)
	"$CORRAL" --report "$T/r.json" -- sleep "$m" &
	pid=$!
	# Anchored: corral's own command line also holds "sleep $m".
	wait_for "[ -n \"\$(host_procs '^sleep $m')\" ]"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ]
	# The SIGTERM itself ended it, not a SIGKILL after a grace period.
	[ "$(jq -r .signal "$T/r.json")" = SIGTERM ]
	[ -z "$(host_procs "^sleep $m")" ]
}

@test "signals are relayed: SIGUSR1 reaches the command" {
	"$CORRAL" -- sh -c 'trap "echo got-usr1; exit 3" USR1; echo ready; while :; do sleep 0.05; done' >"$T/out" &
	pid=$!
	wait_for "grep -q ready '$T/out'"
	kill -USR1 "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 3 ]
	grep -q got-usr1 "$T/out"
}

@test "SIGKILL of corral leaves no sandbox process" {
	m=$(marker)
	"$CORRAL" -- sh -c "sleep $m & sleep $m" &
	pid=$!
	# Anchored: corral's and sh's command lines also hold "sleep $m".
	wait_for "[ \$(host_procs '^sleep $m' | wc -l) -ge 2 ]"
	kill -KILL "$pid"
	wait "$pid" || true
	wait_for "[ -z \"\$(host_procs '^sleep $m')\" ]"
	[ -z "$(host_procs "^sleep $m")" ]
	[ -z "$(host_procs "corral-init")" ] || [ -z "$(pgrep -P "$pid")" ]
}

@test "the time limit ends the command with 124" {
	run "$CORRAL" --time-limit 300ms -- sleep 10
	assert_failure 124
}

@test "a command that ignores SIGTERM is killed after the grace" {
	# The limit leaves sh time to set its trap on a loaded machine (at
	# 200ms the SIGTERM could come first, and end it by SIGTERM).
	run "$CORRAL" --time-limit 2s --kill-grace 300ms --report "$T/r.json" -- \
		sh -c 'trap "" TERM; while :; do :; done'
	assert_failure 124
	# By the SIGKILL after the grace (the loop never ends by itself), and
	# not before the limit and the grace.
	[ "$(jq -r .signal "$T/r.json")" = SIGKILL ]
	jq -e '.status == "timeout" and .wall_time_ms >= 2300' "$T/r.json" >/dev/null
}

@test "no file descriptor leaks into the sandbox" {
	exec 7>"$T/leak"
	run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" fds
	exec 7>&-
	assert_success
	assert_output "$(printf '0\n1\n2')"
}

@test "setenv, unsetenv and clearenv shape the environment" {
	FOO=host BAR=gone run "$CORRAL" --setenv FOO=box --unsetenv BAR -- sh -c 'echo "$FOO-${BAR:-none}"'
	assert_output "box-none"
	run "$CORRAL" --clearenv --setenv ONLY=1 -- env
	assert_success
	assert_line "ONLY=1"
	refute_line --partial "HOME="
}

@test "no_new_privs is set for the command" {
	run "$CORRAL" -- grep NoNewPrivs /proc/self/status
	assert_success
	assert_output --regexp 'NoNewPrivs:[[:space:]]+1'
}

@test "corral refuses to run setuid" {
	[[ ",$(findmnt -no OPTIONS -T "$T")," == *,nosuid,* ]] && skip "$T is on a nosuid mount"
	# The sanitizer run's $CORRAL is a wrapper script: setuid means nothing there.
	[ "$(head -c 4 "$CORRAL")" = $'\x7fELF' ] || skip "CORRAL is not a binary: $CORRAL"
	cp "$CORRAL" "$T/corral"
	chown 0:0 "$T/corral"
	mkdir "$T/w"
	chmod 777 "$T/w"
	# The control: the same copy without the bit runs for uid 65534.
	run as_nobody "$T/corral" -- true
	assert_success
	# setuid root, run by uid 65534: euid 0, uid 65534. Refused before
	# anything happens: no report, no command.
	chmod 4755 "$T/corral"
	run as_nobody "$T/corral" --report "$T/w/r.json" -- touch "$T/w/ran"
	assert_failure 125
	assert_output "corral: error: corral must not be installed setuid or setgid; refusing to run"
	[ ! -e "$T/w/r.json" ] && [ ! -e "$T/w/ran" ]
	# setgid too.
	chmod 2755 "$T/corral"
	run as_nobody "$T/corral" -- touch "$T/w/ran"
	assert_failure 125
	assert_output --partial "must not be installed setuid or setgid"
	[ ! -e "$T/w/ran" ]
}

@test "the command runs on the CPUs corral was allowed (init is moved off the supervisor's CPU while it sets up, and moves back)" {
	[ "$(nproc)" -ge 2 ] || skip "one CPU: init is never moved"
	local all one
	all=$(grep '^Cpus_allowed_list' /proc/self/status)
	run "$CORRAL" -q -- grep '^Cpus_allowed_list' /proc/self/status
	assert_success
	assert_output "$all"
	# Pinned to one CPU: nowhere else to go, and the command stays pinned.
	one=$(taskset -c 1 grep '^Cpus_allowed_list' /proc/self/status)
	run taskset -c 1 "$CORRAL" -q -- grep '^Cpus_allowed_list' /proc/self/status
	assert_success
	assert_output "$one"
	# With limits: the v1 cgroup is made while init is elsewhere.
	run "$CORRAL" -q --memory 64M -- grep '^Cpus_allowed_list' /proc/self/status
	assert_success
	assert_output "$all"
}

# corral -vv's timeline: "NAME MS" pairs, "NAME -" for a step not reached.
timeline_ms() {
	local line=$1 step=$2
	printf '%s\n' "$line" | sed 's/.*start: //' | tr ',' '\n' | sed 's/^ //' |
		awk -v s="$step" '{ v = $NF; $NF = ""; sub(/ $/, ""); if ($0 == s) print v }'
}

@test "-vv prints the launch's timeline: every step once, each in its order" {
	run --separate-stderr "$CORRAL" -vv -- true
	assert_success
	local line
	line=$(printf '%s\n' "$stderr" | grep "timeline, ms after corral's start:")
	[ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ]
	local step prev="" t
	# What one process does after the other did the step before: in order.
	for step in "init runs" "sandbox built" "READY taken" "command forked" "filter loading" \
		"execve" "command reaped" "status taken"; do
		t=$(timeline_ms "$line" "$step")
		[[ "$t" =~ ^[0-9]+\.[0-9]+$ ]] || { echo "$step: '$t' in $line"; return 1; }
		[ -z "$prev" ] || awk -v a="$prev" -v b="$t" 'BEGIN { exit !(a <= b) }' ||
			{ echo "$step at $t, before the step before it ($prev): $line"; return 1; }
		prev=$t
	done
	# The supervisor's: READY is sent before init takes it; init is gone
	# after it reaped the command.
	awk -v a="$(timeline_ms "$line" "READY sent")" -v b="$(timeline_ms "$line" "READY taken")" \
		'BEGIN { exit !(a > 0 && a <= b) }'
	awk -v a="$(timeline_ms "$line" "command reaped")" -v b="$(timeline_ms "$line" "init gone")" \
		-v c="$(timeline_ms "$line" "corral done")" 'BEGIN { exit !(a <= b && b <= c) }'
	[[ "$(timeline_ms "$line" "clone")" =~ ^[0-9]+\.[0-9]+$ ]]
	# No filter: that step is not reached, and says so.
	run --separate-stderr "$CORRAL" -vv --seccomp=no -- true
	assert_success
	line=$(printf '%s\n' "$stderr" | grep "timeline, ms after corral's start:")
	[ "$(timeline_ms "$line" "filter loading")" = "-" ]
	[[ "$(timeline_ms "$line" "execve")" =~ ^[0-9]+\.[0-9]+$ ]]
	# Only at -vv.
	run --separate-stderr "$CORRAL" -v -- true
	assert_success
	[[ "$stderr" != *timeline* ]]
}
