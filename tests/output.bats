#!/usr/bin/env bats
# output-limit (issue 19 item 2): a limit on what the command writes to
# stdout and stderr together, whatever they are, enforced by corral's relay
# (src/relay.c); without the option there is no relay at all.
load helpers

R() { jq -r "$@" "$T/r.json"; }

# Run corral with its stdout and stderr where the caller redirects them
# (bats' run would take them): the exit status in $rc.
corral_rc() {
	rc=0
	"$CORRAL" "$@" || rc=$?
}

@test "output-limit: through a pipe, exactly the limit gets out, then output_limit, 153" {
	run bash -c '"$1" --output-limit 1M --report "$2/r.json" -- head -c 200M /dev/zero |
		wc -c >"$2/n"; echo "rc ${PIPESTATUS[0]}"' sh "$CORRAL" "$T"
	assert_output "rc 153"
	[ "$(cat "$T/n")" -eq 1048576 ]
	[ "$(R .status)" = output_limit ]
	[ "$(R .exit_code)" = 153 ]
	[ "$(R .output_bytes)" = 1048576 ]
	[ "$(R .limits.output_bytes)" = 1048576 ]
	[ "$(R -c .limits_hit)" = '["output-limit"]' ]
}

@test "output-limit: to a file the same (not only for regular files' fsize)" {
	corral_rc --output-limit 1M --report "$T/r.json" -- head -c 200M /dev/zero >"$T/out"
	[ "$rc" -eq 153 ]
	[ "$(stat -c %s "$T/out")" -eq 1048576 ]
	[ "$(R .status)" = output_limit ]
	[ "$(R .output_bytes)" = 1048576 ]
}

@test "output-limit: stdout and stderr count together, each still goes to its own fd" {
	corral_rc --output-limit 1M --report "$T/r.json" -- \
		sh -c 'head -c 600K /dev/zero; head -c 600K /dev/zero >&2' >"$T/out" 2>"$T/err"
	[ "$rc" -eq 153 ]
	[ "$(stat -c %s "$T/out")" -eq 614400 ]
	[ $(( $(stat -c %s "$T/out") + $(stat -c %s "$T/err") )) -eq 1048576 ]
	[ "$(R .status)" = output_limit ]
	[ "$(R .output_bytes)" = 1048576 ]
	# Under the limit together: both whole, separate, exited.
	corral_rc --output-limit 1M --report "$T/r.json" -- \
		sh -c 'head -c 400K /dev/zero; head -c 400K /dev/zero >&2' >"$T/out" 2>"$T/err"
	[ "$rc" -eq 0 ]
	[ "$(stat -c %s "$T/out")" -eq 409600 ]
	[ "$(stat -c %s "$T/err")" -eq 409600 ]
	[ "$(R .status)" = exited ]
	[ "$(R .output_bytes)" = 819200 ]
}

@test "output-limit: under the limit the output is whole and byte-identical, verdict exited" {
	seq 100000 >"$T/want"
	run bash -c '"$1" --output-limit 1M --report "$2/r.json" -- seq 100000 | cat >"$2/got";
		echo "rc ${PIPESTATUS[0]}"' sh "$CORRAL" "$T"
	assert_output "rc 0"
	cmp "$T/want" "$T/got"
	[ "$(R .status)" = exited ]
	[ "$(R .output_bytes)" = "$(stat -c %s "$T/want")" ]
	[ "$(R -c .limits_hit)" = '[]' ]
}

@test "output-limit: writing exactly the limit is not over it" {
	corral_rc --output-limit 1M --report "$T/r.json" -- head -c 1M /dev/zero >"$T/out"
	[ "$rc" -eq 0 ]
	[ "$(stat -c %s "$T/out")" -eq 1048576 ]
	[ "$(R .status)" = exited ]
	[ "$(R .output_bytes)" = 1048576 ]
	# One byte more is.
	corral_rc --output-limit 1M --report "$T/r.json" -- head -c 1048577 /dev/zero >"$T/out"
	[ "$rc" -eq 153 ]
	[ "$(stat -c %s "$T/out")" -eq 1048576 ]
}

@test "output-limit: a reader that goes away ends the command by SIGPIPE, as without the relay" {
	# (timeout: only so that a regression fails instead of hanging.)
	run timeout 60 bash -c '"$1" --output-limit 1G --report "$2/r.json" -- yes | head -n 1;
		echo "rc ${PIPESTATUS[0]}"' sh "$CORRAL" "$T"
	assert_output $'y\nrc 141'
	[ "$(R .status)" = signaled ]
	[ "$(R .signal)" = SIGPIPE ]
}

@test "output-limit: -v, the text report and isolate's meta file name it" {
	run bash -c '"$1" -v --output-limit 1M --report "$2/r.txt" --report-format text -- \
		head -c 2M /dev/zero 2>&1 >/dev/null' sh "$CORRAL" "$T"
	[ "$status" -eq 153 ]
	assert_output --partial "output limit 1 MiB"
	assert_output --partial "corral: output_limit: killed at output limit 1 MiB after"
	grep -q '^  output:       1048576 bytes$' "$T/r.txt"
	grep -q '^  limits hit:   output-limit$' "$T/r.txt"
	corral_rc --output-limit 1M --report "$T/meta" --report-format isolate -- \
		head -c 2M /dev/zero >/dev/null
	[ "$rc" -eq 153 ]
	grep -qx 'status:SG' "$T/meta"
	grep -qx 'exitsig:25' "$T/meta"
	grep -qx 'killed:1' "$T/meta"
	grep -qx 'message:Output limit exceeded' "$T/meta"
}

@test "output-limit: off, there is no relay: the command's fd 1 is corral's own" {
	# The group's stdin and the command's stdout are the same pipe.
	run bash -c '"$1" -- readlink /proc/self/fd/1 | { readlink /proc/self/fd/0; cat; }' sh "$CORRAL"
	assert_success
	[ "${lines[0]}" = "${lines[1]}" ]
	[[ "${lines[0]}" == pipe:* ]]
	"$CORRAL" --report "$T/r.json" -- true
	[ "$(R .output_bytes)" = null ]
	[ "$(R .limits.output_bytes)" = null ]
	# On, it is the relay's pipe instead.
	run bash -c '"$1" --output-limit 1M -- readlink /proc/self/fd/1 | { readlink /proc/self/fd/0; cat; }' sh "$CORRAL"
	assert_success
	[ "${lines[0]}" != "${lines[1]}" ]
	[[ "${lines[1]}" == pipe:* ]]
}

@test "output-limit: a bad size is an error naming the option, nothing runs" {
	run "$CORRAL" --output-limit 12X -- sh -c 'echo ran'
	[ "$status" -eq 125 ]
	assert_output "corral: error: output-limit: invalid value '12X' (expected a size such as 64M or 1G)"
	# A profile key too, with file:line; and --check prints it back.
	printf 'output-limit = 64M\n' >"$T/ok.profile"
	run "$CORRAL" -p "$T/ok.profile" --check
	assert_success
	assert_line "output-limit = 64M"
	printf 'output-limit = 5Q\n' >"$T/bad.profile"
	run "$CORRAL" -p "$T/bad.profile" -- sh -c 'echo ran'
	[ "$status" -eq 125 ]
	assert_output "corral: error: $T/bad.profile:1: output-limit: invalid value '5Q' (expected a size such as 64M or 1G)"
}

@test "output-limit: to a terminal too (where splice cannot write, read and write)" {
	command -v script >/dev/null || skip "no script(1) for a terminal"
	# (timeout: only so that a regression fails instead of hanging.)
	C=$CORRAL timeout 120 script -qec '"$C" --output-limit 1M -- sh -c "head -c 2M /dev/zero | tr \"\\0\" x";
		r=$?; echo; echo "rc=$r"' /dev/null </dev/null >"$T/tty"
	grep -q '^rc=153' "$T/tty"
	[ "$(tr -cd x <"$T/tty" | wc -c)" -eq 1048576 ]
	# An O_APPEND file, where splice cannot write either.
	echo x >"$T/app"
	corral_rc --output-limit 1M -- head -c 2M /dev/zero >>"$T/app"
	[ "$rc" -eq 153 ]
	[ "$(stat -c %s "$T/app")" -eq $((1048576 + 2)) ]
}

# A reader that never reads: a FIFO the test holds open (fd 4) and never
# reads from. stalled M: the command (yes M) is blocked in write(2) (its
# /proc/PID/syscall names the call it sleeps in: 1, write), i.e. every
# pipe between it and the FIFO is full.
never_read() {
	mkfifo "$T/f"
	exec 4<>"$T/f"
}
stalled() {
	local p nr
	for p in $(host_procs "$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = yes ] || continue
		read -r nr _ <"/proc/$p/syscall" 2>/dev/null && [ "$nr" = 1 ] && return 0
	done
	return 1
}
# corral in the background, its stdout the FIFO: $cpid; finished RC waits
# (up to 60 s, only so that a regression fails instead of hanging; then
# it kills corral) and sets $rc.
corral_bg() {
	"$CORRAL" "$@" >"$T/f" &
	cpid=$!
}
finished() {
	if ! wait_for "! kill -0 $cpid 2>/dev/null" 60; then
		kill -KILL "$cpid"
		wait "$cpid" || true
		echo "corral did not end" >&2
		return 1
	fi
	rc=0
	wait "$cpid" || rc=$?
}

@test "output-limit: the time limit ends a run whose reader never reads: 124, the report, nothing left" {
	never_read
	m=$(marker)
	corral_bg --output-limit 1G --time-limit 2s --report "$T/r.json" -- yes "$m"
	finished
	[ "$rc" -eq 124 ]
	[ "$(R .status)" = timeout ]
	[ "$(R -c .limits_hit)" = '["time-limit"]' ]
	# It relayed what the FIFO took, and not more.
	[ "$(R .output_bytes)" -gt 0 ]
	[ "$(R .output_bytes)" -le 1048576 ]
	[ -z "$(host_procs "$m")" ]
	exec 4<&-
}

@test "output-limit: a command that ended with its output still in the relay: the time limit covers the reader too" {
	never_read
	# 512K fits in the relay's pipe: head ends at once, the relay cannot
	# pass it on; without the relay head would have waited in its write
	# until the time limit.
	corral_bg --output-limit 1G --time-limit 2s --report "$T/r.json" -- head -c 512K /dev/zero
	finished
	[ "$rc" -eq 124 ]
	[ "$(R .status)" = timeout ]
	exec 4<&-
}

@test "output-limit: SIGTERM and SIGINT still reach the command while its output is stalled" {
	never_read
	for sig in TERM INT; do
		m=$(marker)
		# (A background job of a script starts with SIGINT ignored, and
		# corral does not relay what its caller ignores.)
		env --default-signal=INT "$CORRAL" --output-limit 1G --report "$T/r.json" -- \
			yes "$m" >"$T/f" &
		cpid=$!
		wait_for "stalled $m"
		kill -"$sig" "$cpid"
		finished
		[ "$rc" -eq $((128 + $(kill -l "$sig"))) ]
		[ "$(R .status)" = signaled ]
		[ "$(R .signal)" = "SIG$sig" ]
		[ -z "$(host_procs "$m")" ]
	done
	exec 4<&-
}

@test "output-limit: a reader that stalls then reads gets exactly the limit; the command waited for it" {
	never_read
	m=$(marker)
	corral_bg --output-limit 3M --report "$T/r.json" -- sh -c "yes $m | head -c 4M"
	# Back-pressure: the command is blocked in its write while nobody reads.
	wait_for "stalled $m"
	[ ! -s "$T/r.json" ]
	# A reader of its own (fd 4 is a writer too: it would never see EOF).
	exec 5<"$T/f" 4<&-
	cat <&5 >"$T/got" &
	reader=$!
	exec 5<&-
	finished
	[ "$rc" -eq 153 ]
	wait "$reader"
	[ "$(stat -c %s "$T/got")" -eq $((3 * 1048576)) ]
	[ "$(R .output_bytes)" -eq $((3 * 1048576)) ]
	[ "$(R .status)" = output_limit ]
}

# socket_run read|never CMD...: CMD with its stdout one end of a
# socketpair, the other end read to the end or never read; prints "rc
# STATUS BYTES-READ" (a 60 s guard only so that a regression fails instead
# of hanging).
socket_run() {
	command -v python3 >/dev/null || skip "python3 is not installed"
	run python3 -c '
import socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen(sys.argv[2:], stdout=a.fileno())
a.close()
n = 0
if sys.argv[1] == "read":
    while d := b.recv(65536):
        n += len(d)
try:
    print("rc", p.wait(timeout=60), n)
except subprocess.TimeoutExpired:
    p.kill()
    print("corral did not end")
' "$@"
}

@test "output-limit: to a socket whose peer never reads, the time limit still ends the run; one that reads gets the limit" {
	m=$(marker)
	socket_run never "$CORRAL" --output-limit 1G --time-limit 2s --report "$T/r.json" -- yes "$m"
	assert_output "rc 124 0"
	[ "$(R .status)" = timeout ]
	[ -z "$(host_procs "$m")" ]
	socket_run read "$CORRAL" --output-limit 1M -- head -c 3M /dev/zero
	assert_output "rc 153 1048576"
}
