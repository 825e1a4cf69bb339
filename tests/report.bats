#!/usr/bin/env bats
# The report: why the command ended and what it used, as JSON (parsed with
# jq) and text; the -v summary line; the report on errors and on signals.
load helpers

R() { jq -r "$@" "$T/r.json"; }

@test "exited: status, exit code, no signal, and the command as given" {
	run "$CORRAL" --report "$T/r.json" -- sh -c 'exit 3'
	assert_failure 3
	[ "$(R .version)" = 3 ]
	[ "$(R .status)" = exited ]
	[ "$(R .exit_code)" = 3 ]
	[ "$(R .signal)" = null ]
	[ "$(R .error)" = null ]
	[ "$(R -c .command)" = '["sh","-c","exit 3"]' ]
	[ "$(R -c .profiles)" = '["default"]' ]
	# Every key corral(1) documents, and no other.
	[ "$(R -c 'keys_unsorted')" = '["version","command","profiles","status","exit_code","signal","wall_time_ms","cpu_user_ms","cpu_system_ms","memory_peak_bytes","pids_peak","oom_kills","pids_refused","cpu_throttled_periods","cpu_throttled_ms","output_bytes","limits","limits_hit","seccomp","error"]' ]
	[ "$(R -c '.limits | keys_unsorted')" = '["memory_bytes","cpus","pids","time_ms","cpu_time_ms","output_bytes"]' ]
	[ "$(R -c '.seccomp.violations')" = '[]' ]
	# Usage that is known is a number; nothing is a made-up 0.
	R '.wall_time_ms > 0 and .cpu_user_ms >= 0 and .memory_peak_bytes > 0' | grep -qx true
}

@test "signaled: 128+N and the signal's name" {
	run "$CORRAL" --report "$T/r.json" -- sh -c 'kill -SEGV $$'
	assert_failure 139
	[ "$(R .status)" = signaled ]
	[ "$(R .exit_code)" = 139 ]
	[ "$(R .signal)" = SIGSEGV ]
	[ "$(R .error)" = null ]
}

@test "timeout: 124, SIGTERM, and the limit in the report" {
	run "$CORRAL" --time-limit 300ms --report "$T/r.json" -- sleep 10
	assert_failure 124
	[ "$(R .status)" = timeout ]
	[ "$(R .exit_code)" = 124 ]
	[ "$(R .signal)" = SIGTERM ]
	[ "$(R .limits.time_ms)" = 300 ]
	# Not before the limit (how long after it depends on the machine's load).
	R '.wall_time_ms >= 300' | grep -qx true
}

@test "timeout: a command that ignores SIGTERM is still a timeout, by SIGKILL" {
	run "$CORRAL" --time-limit 200ms --kill-grace 200ms --report "$T/r.json" -- \
		sh -c 'trap "" TERM; while :; do :; done'
	assert_failure 124
	[ "$(R .status)" = timeout ]
	[ "$(R .signal)" = SIGKILL ]
}

@test "error: a missing command is status error, 127, with the message" {
	run -127 "$CORRAL" --report "$T/r.json" -- no-such-command-here
	assert_output "corral: error: no-such-command-here: command not found"
	[ "$(R .status)" = error ]
	[ "$(R .exit_code)" = 127 ]
	[ "$(R .signal)" = null ]
	[ "$(R .error)" = "no-such-command-here: command not found" ]
}

@test "error: a command that cannot be executed is status error, 126" {
	echo "echo hi" >"$T/script"
	chmod 644 "$T/script"
	run -126 "$CORRAL" --report "$T/r.json" --ro-bind "$T" -- "$T/script"
	[ "$(R .status)" = error ]
	[ "$(R .exit_code)" = 126 ]
	[[ "$(R .error)" == *"Permission denied" ]]
}

@test "error: a set-up failure is reported too, with what is known (as nobody, no user namespace)" {
	mkdir "$T/w"
	chmod 777 "$T/w"
	run -125 as_nobody "$CORRAL" --user-ns no --report "$T/w/r.json" -- true
	assert_output --partial "corral: error: clone the sandbox"
	jq -e '.status == "error" and .exit_code == 125 and .signal == null' "$T/w/r.json" >/dev/null
	jq -e '.error | startswith("clone the sandbox")' "$T/w/r.json" >/dev/null
	# Nothing ran: usage is unknown, which is null, not 0.
	jq -e '.cpu_user_ms == null and .memory_peak_bytes == null and .pids_peak == null' "$T/w/r.json" >/dev/null
}

@test "oom: 137, SIGKILL, status oom, and the -v line" {
	[ -d /sys/fs/cgroup/memory ] || grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null ||
		skip "no memory controller"
	run --separate-stderr "$CORRAL" -v --memory 64M --report "$T/r.json" "${WITH_PROBE[@]}" -- "$PROBE" touch-mib 256
	[ "$status" -eq 137 ]
	[ "$(R .status)" = oom ]
	[ "$(R .exit_code)" = 137 ]
	[ "$(R .signal)" = SIGKILL ]
	[ "$(R .limits.memory_bytes)" = 67108864 ]
	[[ "$stderr" =~ corral:\ oom:\ killed\ at\ memory\ limit\ 64\ MiB\ after\ [0-9.]+\ s\ \(peak\ [0-9.]+\ [KMG]iB,\ cpu\ [0-9.]+\ s\) ]]
}

@test "seccomp: 159, SIGSYS, status seccomp" {
	run "$CORRAL" --seccomp-deny mkdir,mkdirat --seccomp-action kill --report "$T/r.json" -- mkdir "$T/made"
	assert_failure 159
	[ "$(R .status)" = seccomp ]
	[ "$(R .exit_code)" = 159 ]
	[ "$(R .signal)" = SIGSYS ]
	[ "$(R .seccomp.action)" = kill ]
	[ ! -e "$T/made" ]
}

@test "memory_peak_bytes is within 10% of 32 MiB touched" {
	run "$CORRAL" --report "$T/r.json" "${WITH_PROBE[@]}" -- "$PROBE" touch-mib 32
	assert_success
	peak=$(R .memory_peak_bytes)
	mib32=$((32 << 20))
	[ "$peak" -ge $((mib32 * 9 / 10)) ]
	[ "$peak" -le $((mib32 * 11 / 10)) ]
}

@test "cpu_user_ms of a 0.5 s busy loop is between 400 and 700" {
	run "$CORRAL" --report "$T/r.json" "${WITH_PROBE[@]}" -- "$PROBE" spin-ms 500
	assert_success
	user=$(R '.cpu_user_ms | floor')
	[ "$user" -ge 400 ]
	[ "$user" -le 700 ]
	R '.cpu_system_ms >= 0 and .wall_time_ms >= 400' | grep -qx true
}

@test "arguments with quotes, newlines, tabs and bytes 0x80-0xff round-trip through jq" {
	a1='say "hi" and '\''bye'\'' \ back\\slash'
	a2=$'line one\nline two\ttabbed\r\x01\x1f end'
	a3='naïve – ☃ 😀 日本語'
	a4=$'bad \xff\xfe byte, cut \xe2\x82 off, lone \x80'
	a5=$(printf "$(printf '\\x%x' $(seq 128 255))")
	run "$CORRAL" --report "$T/r.json" -- true "$a1" "$a2" "$a3" "$a4" "$a5"
	assert_success
	jq -e . "$T/r.json" >/dev/null
	jq -e --arg a "$a1" '.command[1] == $a' "$T/r.json"
	jq -e --arg a "$a2" '.command[2] == $a' "$T/r.json"
	jq -e --arg a "$a3" '.command[3] == $a' "$T/r.json"
	# Invalid UTF-8: each bad byte (or cut sequence) is U+FFFD, the rest intact.
	jq -e '.command[4] == "bad \ufffd\ufffd byte, cut \ufffd off, lone \ufffd"' "$T/r.json"
	[ "${#a5}" -gt 0 ]
	jq -e '.command[5] | explode | length == 128 and all(. == 65533)' "$T/r.json"
	[ "$(jq '.command | length' "$T/r.json")" -eq 6 ]
}

@test "--report - puts the report last on stdout, after the command's output" {
	"$CORRAL" --report - -- sh -c 'seq 1 100000; echo done' >"$T/out" 2>"$T/err"
	[ "$(wc -l <"$T/out")" -eq 100002 ]
	[ "$(sed -n 100001p "$T/out")" = done ]
	diff <(head -n 100000 "$T/out") <(seq 1 100000)
	tail -n 1 "$T/out" | jq -e '.status == "exited" and .exit_code == 0' >/dev/null
	[ ! -s "$T/err" ]
	# Through a pipe as well, and the default for a pipe is JSON.
	"$CORRAL" --report - -- sh -c 'echo out; echo err >&2; exit 4' 2>/dev/null | tee "$T/out" >/dev/null
	[ "$(head -n 1 "$T/out")" = out ]
	tail -n 1 "$T/out" | jq -e '.exit_code == 4' >/dev/null
}

@test "--report-format text: a summary a person reads" {
	run "$CORRAL" --report-format text --report "$T/r.txt" -- sh -c 'exit 2'
	assert_failure 2
	run cat "$T/r.txt"
	assert_line --index 0 --regexp '^corral: exited: status 2 after [0-9.]+ s \(peak [0-9.]+ [KM]iB, cpu [0-9.]+ s\)$'
	assert_line --regexp '^  status: +exited, exit code 2$'
	assert_line --regexp "^  command: +sh -c 'exit 2'$"
	assert_line --regexp '^  limits: +none$'
	# JSON unless text is asked for, in a file too.
	"$CORRAL" --report "$T/r.json" -- true
	jq -e '.status == "exited"' "$T/r.json" >/dev/null
}

@test "an unwritable report path: one line, 125, nothing started" {
	run "$CORRAL" --report "$T/no/such/dir/r.json" -- touch "$T/ran"
	assert_failure 125
	assert_output "corral: error: --report $T/no/such/dir/r.json: No such file or directory"
	assert_file_not_exists "$T/ran"
	run "$CORRAL" --report "$T" -- touch "$T/ran"
	assert_failure 125
	assert_output "corral: error: --report $T: Is a directory"
	assert_file_not_exists "$T/ran"
	mkdir "$T/ro"
	chmod 555 "$T/ro"
	run as_nobody "$CORRAL" --report "$T/ro/r.json" -- touch "$T/ran"
	assert_failure 125
	assert_output "corral: error: --report $T/ro/r.json: Permission denied"
	assert_file_not_exists "$T/ran"
}

@test "a FIFO an earlier run left at the report path: one line, 125, nothing started; with a reader, written to it" {
	# The build profile binds the current directory writable: that run
	# leaves a FIFO where the next run's report goes. Opening it waited
	# for a reader that never came, with corral's signals blocked.
	cd "$T"
	run "$CORRAL" --profile build -- mkfifo r.json
	assert_success
	[ -p r.json ]
	run timeout -s KILL 20 "$CORRAL" --report r.json -- touch "$T/ran"
	assert_failure 125
	assert_output "corral: error: --report r.json: a FIFO that no process reads"
	assert_file_not_exists "$T/ran"
	# --learn writes its profile after the run, through the same code.
	run timeout -s KILL 20 "$CORRAL" --learn r.json --learn-overwrite -- true
	assert_failure 125
	assert_output "corral: error: --learn r.json: a FIFO that no process reads"
	# A FIFO someone reads is a stream, as before.
	cat r.json >"$T/read.json" &
	local reader=$!
	# cat sleeps in its open of the FIFO until a writer comes: a reader.
	wait_for '[ "$(cut -d" " -f2,3 /proc/$reader/stat 2>/dev/null)" = "(cat) S" ]'
	run "$CORRAL" --report r.json -- true
	assert_success
	wait "$reader"
	[ "$(jq -r .status "$T/read.json")" = exited ]
}

@test "report is a profile key too" {
	printf 'include default\nreport = %s\nreport-format = json\n' "$T/p.json" >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- true
	assert_success
	jq -e '.status == "exited" and .profiles == ["'"$T/p.profile"'"]' "$T/p.json" >/dev/null
}

@test "SIGTERM to corral: the command ends and the report is written" {
	# Ready when the command has printed: corral's own command line also
	# says "sleep", and a signal before corral blocks it kills corral
	# itself, with no report (the race this test once lost under load).
	"$CORRAL" --report "$T/r.json" -- sh -c 'echo ready; exec sleep 300' >"$T/out" &
	pid=$!
	wait_for "grep -q ready '$T/out'"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ]
	[ "$(R .status)" = signaled ]
	[ "$(R .signal)" = SIGTERM ]
	[ "$(R .exit_code)" = 143 ]
}

@test "SIGINT then a second stop signal: the sandbox is killed, the report written" {
	# A script's background job ignores SIGINT; give corral the default.
	env --default-signal=INT "$CORRAL" --report "$T/r.json" "${WITH_PROBE[@]}" -- \
		"$PROBE" catch INT TERM >"$T/out" &
	pid=$!
	wait_for "grep -q ready '$T/out'"
	kill -INT "$pid"
	# Relayed, and the command carried on: corral took the first one.
	wait_for "grep -q 'caught SIGINT' '$T/out'"
	kill -0 "$pid"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 137 ]
	[ "$(R .status)" = signaled ]
	[ "$(R .signal)" = SIGKILL ]
}

@test "-v prints the summary line; -q only errors" {
	run --separate-stderr "$CORRAL" -v -- sh -c 'echo out; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = out ]
	# Before it, -v names the profile files read and what runs; the last
	# line says why it ended.
	[[ "$stderr" == *"corral: running sh -c echo out; exit 3 (profile default; "* ]]
	summary=$(tail -n 1 <<<"$stderr")
	[[ "$summary" =~ ^corral:\ exited:\ status\ 3\ after\ [0-9.]+\ s\ \(peak\ [0-9.]+\ [KM]iB,\ cpu\ [0-9.]+\ s\)$ ]]
	run --separate-stderr "$CORRAL" -q -- sh -c 'echo out; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = out ]
	[ -z "$stderr" ]
	run -127 --separate-stderr "$CORRAL" -q -- no-such-command-here
	[ "$status" -eq 127 ]
	[ "$stderr" = "corral: error: no-such-command-here: command not found" ]
}

# corral-slurm (slurm/corral-slurm) outside Slurm: its report directory may
# be one a sandbox writes (--bind-cwd), and no symlink there is followed.
# (The reports are removed at the end: corral-slurm's own error report is
# not corral's format, which teardown checks.)
slurm_task() { # JOB CORRAL-SLURM-ARGUMENT...: one task in $T/job
	local job=$1
	shift
	(cd "$T/job" && SLURM_JOB_ID=$job CORRAL=${FAKE_CORRAL:-$CORRAL} sh "$TOP/slurm/corral-slurm" "$@")
}

@test "corral-slurm: a report directory the sandbox swaps for a symlink is not written through" {
	mkdir -p "$T/job" "$T/target"
	cat >"$T/job/evil.sh" <<EVIL
mkdir -p x; ln -s '$T/target/created' x/42.batch.0.json
mv corral-reports cr-old; ln -s x corral-reports
EVIL
	run --separate-stderr slurm_task 42 --bind-cwd yes -- /bin/sh "$T/job/evil.sh"
	[ "$status" -eq 125 ]
	[ ! -e "$T/target/created" ]
	[ ! -L "$T/target/created" ]
	[[ "$stderr" == *"corral-slurm: error: the report directory corral-reports was replaced during the task: no report written"* ]]
	# The next task finds the symlink and refuses, before corral runs:
	# neither the mkdir nor the rm at the start follows it.
	touch "$T/job/x/43.batch.0.json"
	run --separate-stderr slurm_task 43 -- true
	[ "$status" -eq 125 ]
	[ "$stderr" = "corral-slurm: error: the report directory corral-reports: 'corral-reports' is a symlink, which corral-slurm does not follow (remove it, or set CORRAL_SLURM_REPORTS)" ]
	[ -e "$T/job/x/43.batch.0.json" ]
	[ ! -e "$T/target/created" ]
	rm -rf "$T/job"
}

@test "corral-slurm: its own report replaces a symlink at the report's path, and one under the directory is refused" {
	mkdir -p "$T/job/corral-reports" "$T/target" "$T/elsewhere/sub"
	# A corral that leaves no report but a dangling symlink in its place.
	cat >"$T/fake-corral" <<'FAKE'
#!/bin/sh
ln -s "$TARGET" "$2"
exit 125
FAKE
	chmod +x "$T/fake-corral"
	FAKE_CORRAL=$T/fake-corral TARGET=$T/target/created run slurm_task 44 -- true
	[ "$status" -eq 125 ]
	[ ! -e "$T/target/created" ]
	[ ! -L "$T/target/created" ]
	r=$T/job/corral-reports/44.batch.0.json
	[ -f "$r" ]
	[ ! -L "$r" ]
	[ "$(jq -r '.status, .exit_code' "$r")" = "error
125" ]
	# A symlink further up a CORRAL_SLURM_REPORTS path is refused too.
	ln -s "$T/elsewhere" "$T/job/link"
	CORRAL_SLURM_REPORTS=$T/job/link/sub run --separate-stderr slurm_task 45 -- true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"'$T/job/link' is a symlink, which corral-slurm does not follow"* ]]
	[ -z "$(ls -A "$T/elsewhere/sub")" ]
	rm -rf "$T/job"
}
