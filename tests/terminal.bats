#!/usr/bin/env bats
# The shell around corral: job control (Ctrl-Z, jobs, fg, bg, Ctrl-C) in an
# interactive bash on a real pty (tests/ptyshell.py), signals the caller
# ignores, the terminal's name inside, its settings after the run, and where
# the command starts.

load helpers

# ptyshell STEP...: an interactive bash with job control on a pty, driven
# step by step (tests/ptyshell.py); every expect waits for the output.
ptyshell() {
	command -v python3 >/dev/null || skip "python3 is not installed"
	run python3 "$TOP/tests/ptyshell.py" "$@"
}

# ctrl_z_fg_ctrl_c [OPTION]... [-- STEP...]: corral OPTION... running a
# command that reads a line, at an interactive shell: Ctrl-Z stops it and
# the prompt is back, the STEPs (at the prompt, the run stopped), fg gives it
# the terminal again (its read gets what is typed), Ctrl-C ends it with 130.
# exec: without it, a Ctrl-C that reaches sh -c between its echo and the
# fork of sleep is lost in dash's own SIGINT handling, with or without
# corral (4 runs in 10 here, without corral).
ctrl_z_fg_ctrl_c() {
	local opts=() steps=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	steps=("$@")
	ptyshell \
		send "$CORRAL -q ${opts[*]} -- sh -c 'echo ready; read x; echo \"read:\$x\"; exec sleep 1000'" \
		expect '^ready' \
		key ^Z \
		expect '^\[1\]\+ +Stopped +.*corral' \
		expect '^\$ $' \
		"${steps[@]}" \
		send 'fg' \
		expect 'sleep 1000.\n' \
		send 'typed after fg' \
		expect '^read:typed after fg' \
		key ^C \
		expect '\$ $' \
		send 'echo "status $?"' \
		expect '^status 130'
}

@test "Ctrl-Z stops the run: jobs says Stopped, the prompt is back; fg continues it with the terminal; Ctrl-C ends it with 130" {
	cd "$T"
	ctrl_z_fg_ctrl_c -- \
		send 'jobs' \
		expect '^\[1\]\+ +Stopped +.*corral' \
		expect '^\$ $'
	assert_success
}

@test "with output-limit (a relay between the command and the terminal) Ctrl-Z, fg and Ctrl-C act the same" {
	cd "$T"
	ctrl_z_fg_ctrl_c --output-limit 1M
	assert_success
}

@test "new-session: Ctrl-Z (which signals corral) stops the run all the same; fg continues it; Ctrl-C ends it" {
	# The command's group is orphaned in its own session, where the kernel
	# discards SIGTSTP: init stops it with SIGSTOP, which it cannot.
	cd "$T"
	ctrl_z_fg_ctrl_c --new-session
	assert_success
}

@test "a run started in the background at the shell (&) runs, and wait gives its status" {
	# Not the terminal's foreground: init starts the command sharing its
	# memory (CLONE_VFORK), where a foreground run forks it.
	cd "$T"
	ptyshell \
		send "$CORRAL -q -- sh -c 'sleep 0.3; echo bgdone; exit 3' &" \
		expect '^\$ $' \
		send 'wait $!; echo "status $?"' \
		expect '^bgdone' \
		expect '^status 3'
	assert_success
}

@test "the time limit is wall-clock time: a run stopped past it ends with 124 at fg, and -v says how long it ran" {
	cd "$T"
	ptyshell \
		send "$CORRAL -v --time-limit 1s -- sh -c 'echo ready; exec sleep 1000'" \
		expect '^ready' \
		key ^Z \
		expect '^\[1\]\+ +Stopped +.*corral' \
		expect '^\$ $' \
		send 'sleep 2' \
		expect '^\$ $' \
		send 'fg' \
		expect '^corral: timeout: ended at time limit 1s after [2-9]\.[0-9]+ s' \
		expect '\$ $' \
		send 'echo "status $?"' \
		expect '^status 124'
	assert_success
}

@test "bg continues a stopped run in the background; its read of the terminal stops it (tty input) until fg" {
	cd "$T"
	ptyshell \
		send "$CORRAL -q -- sh -c 'echo ready; read x; echo \"read:\$x\"; exit 7'" \
		expect '^ready' \
		key ^Z \
		expect '^\[1\]\+ +Stopped +.*corral' \
		expect '^\$ $' \
		send 'set -b' \
		expect '^\$ $' \
		send 'bg' \
		expect '^\[1\]\+ +Stopped.* +.*corral' \
		send 'fg' \
		expect "exit 7'\n" \
		send 'line' \
		expect '^read:line' \
		expect '\$ $' \
		send 'echo "status $?"' \
		expect '^status 7'
	assert_success
}

@test "a run in the background cannot have init hand it the terminal: a SIGCONT forged as fg's is refused" {
	cd "$T"
	# Taken, the shell would lose its terminal: the limit keeps a broken
	# run from holding the suite for a minute.
	PTYSHELL_LIMIT=15 ptyshell \
		send "$CORRAL -q --ro-bind $TOP/tests/attack -- $TOP/tests/attack cont-foreground >$T/out 2>&1 &" \
		expect '^\$ $' \
		send 'wait $!; echo "status $?"' \
		expect '^status 1'
	assert_success
	run cat "$T/out"
	assert_output refused
}

@test "a run ignores what its caller ignores: trap '' HUP and nohup keep SIGHUP ignored in the command" {
	run bash -c '(trap "" HUP; "$1" -q -- sh -c "kill -HUP \$\$; echo alive")' sh "$CORRAL"
	assert_success
	assert_output "alive"
	run nohup "$CORRAL" -q -- sh -c 'kill -HUP $$; echo alive'
	assert_success
	assert_line "alive"
	# Not ignored: the command gets the default, and dies of it (128 + 1).
	run "$CORRAL" -q -- sh -c 'kill -HUP $$; echo alive'
	assert_failure 129
}

@test "the command starts with the caller's ignored signals, no handler, nothing blocked (SIGCHLD default)" {
	# /proc/PID/status masks are hex, bit N-1 for signal N: USR1 (10) is
	# 0x200, TERM (15) 0x4000, CHLD (17) 0x10000. The command ignores what
	# a plain run of it would (whatever ran the tests may ignore more than
	# these), but SIGCHLD. Both kinds of child: with no terminal init lends
	# the command its memory; --seccomp-log forks it. cat installs no
	# handler (grep catches SIGSEGV).
	local opt plain want got
	plain=$(env --ignore-signal=USR1,TERM,CHLD cat /proc/self/status | sed -n 's/^SigIgn:[[:space:]]*//p')
	[ $((0x$plain & 0x14200)) -eq $((0x14200)) ]
	# Signals 32 and 33 are glibc's own (SIGCANCEL, SIGSETXID): the static
	# corral's libc takes them, so an execve after it resets them, in any
	# glibc program, and they are left out.
	want=$(printf '%016x' $((0x$plain & ~0x10000 & ~0x180000000)))
	for opt in --seccomp=yes --seccomp-log; do
		run env --ignore-signal=USR1,TERM,CHLD "$CORRAL" -q "$opt" -- cat /proc/self/status
		echo "$opt: want SigIgn $want"
		assert_success
		got=$(printf '%s\n' "${lines[@]}" | sed -n 's/^SigIgn:[[:space:]]*//p')
		[ "$(printf '%016x' $((0x$got & ~0x180000000)))" = "$want" ]
		assert_line --regexp '^SigCgt:[[:space:]]+0+$'
		assert_line --regexp '^SigBlk:[[:space:]]+0+$'
	done
}

@test "a signal the caller ignores is not relayed: the command never sees corral's SIGHUP" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	# The command catches both; SIGHUP, were it relayed, comes before SIGUSR1
	# (sent first, and lower: delivered first all the way through).
	(
		trap '' HUP
		exec "$CORRAL" -q -- python3 -c '
import signal, sys
signal.signal(signal.SIGHUP, lambda *a: print("got HUP", flush=True))
signal.signal(signal.SIGUSR1, lambda *a: (print("got USR1", flush=True), sys.exit(0)))
print("ready", flush=True)
while True:
    signal.pause()
'
	) >"$T/out" 2>&1 &
	pid=$!
	wait_for 'grep -q ready "$T/out"'
	kill -HUP "$pid"
	kill -USR1 "$pid"
	status=0
	wait "$pid" || status=$?
	run cat "$T/out"
	assert_equal "$status" 0
	assert_output "$(printf 'ready\ngot USR1')"
}

@test "the caller's terminal has a name inside: tty and os.ttyname(0) say /dev/console" {
	cd "$T"
	ptyshell \
		send "$CORRAL -q -- tty; echo \"status \$?\"" \
		expect '^/dev/console\nstatus 0\n\$ $' \
		send "$CORRAL -q -- python3 -c 'import os; print(\"name\", os.ttyname(0), os.ttyname(1))'" \
		expect '^name /dev/console /dev/console\n\$ $' \
		send "$CORRAL -q -- sh -c 'echo hello >/dev/console'" \
		expect '^hello'
	assert_success
	# Without a terminal, there is none inside either.
	run "$CORRAL" -q -- sh -c 'tty; ls /dev/console' </dev/null
	assert_failure
	assert_line "not a tty"
}

@test "the terminal's settings come back after the run: raw mode and no echo do not outlive the command" {
	cd "$T"
	ptyshell \
		send "$CORRAL -q -- stty raw -echo" \
		expect '\$ $' \
		send 'echo "mark-$((6 * 7))"' \
		expect 'echo "mark-\$\(\(6 \* 7\)\)"\n' \
		expect '^mark-42' \
		send 'stty -a' \
		expect ' icanon ' \
		expect ' echo '
	assert_success
}

@test "a working directory not in the sandbox: at a terminal, one line says the command starts in /" {
	cd "$T"
	ptyshell \
		send "$CORRAL -- pwd" \
		expect "^corral: warning: the command starts in /: $T is not in the sandbox \\(--bind-cwd binds it; --chdir DIR starts elsewhere\\)\n/\n\\$ $" \
		send "$CORRAL -q -- pwd; echo \"status \$?\"" \
		expect '^/\nstatus 0\n\$ $' \
		send "$CORRAL --bind-cwd ro -- pwd" \
		expect "^$T\n\\$ $" \
		send "cd / && $CORRAL -- pwd" \
		expect '^/\n\$ $'
	assert_success
	# Not to a file or a pipe: a script that captures stderr chose its profile.
	run "$CORRAL" -- pwd
	assert_success
	assert_output "/"
}
