#!/usr/bin/env bats
# bats-corral (lib/bats-corral): corral_run sets what run sets and the
# report's figures; every assertion passes when it holds and fails, with a
# message in bats-assert's format showing the report, when it does not; the
# library loads with load and bats_load_library, installed or not; and the
# test profile it is made for does what its header says.
load helpers
load ../lib/bats-corral/load

LIB=$TOP/lib

# Limits (the test profile's among them) need a writable cgroup.
need_cgroup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for a writable cgroup"
}

# bats_file NAME BODY: write BODY to the test file $T/NAME.bats, with a
# "TEST" that starts a line made "@test" (which this file cannot hold: Bats
# would read it as a test of its own).
bats_file() {
	printf '%s\n' "$2" | sed 's/^TEST /@test /' >"$T/$1.bats"
}

# nested_bats FILE [VAR=VALUE]...: run Bats on FILE with the environment
# given, and the corral of this tree.
nested_bats() {
	local file=$1
	shift
	run env CORRAL="$CORRAL" "$@" bats --tap "$file"
}

@test "corral_run: status, output and lines as run sets them; the report in corral_* variables" {
	corral_run -- sh -c 'echo one; echo two >&2; exit 3'
	assert_failure 3
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[0]}" one
	assert_equal "${lines[1]}" two
	# The report is a JSON file in the test's temp dir, and the variables say
	# what it says.
	assert_equal "${corral_report%/*}" "$BATS_TEST_TMPDIR"
	jq -e '.command == ["sh", "-c", "echo one; echo two >&2; exit 3"]' "$corral_report"
	assert_equal "$corral_verdict" exited
	assert_equal "$corral_exit_code" 3
	assert_equal "$corral_signal" ""
	assert_equal "$corral_error" ""
	assert_equal "$corral_killed_syscall" ""
	assert_equal "$corral_violations_unlisted" 0
	assert_equal "${#corral_violations[@]}" 0
	local key var
	for key in wall_time_ms cpu_user_ms cpu_system_ms memory_peak_bytes; do
		var=corral_$key
		assert_equal "${!var}" "$(jq -r ".$key" "$corral_report")"
	done
	[ -n "$corral_wall_time_ms" ] && [ -n "$corral_memory_peak_bytes" ]
	# corral_cpu_ms is user + system, to 0.1 ms.
	awk -v s="$corral_cpu_ms" -v u="$corral_cpu_user_ms" -v y="$corral_cpu_system_ms" \
		'BEGIN { d = s - u - y; exit !(d < 0.06 && d > -0.06) }'
	# pids_peak is null without a cgroup: an empty variable, not "null".
	assert_equal "$(jq -r .pids_peak "$corral_report")" null
	assert_equal "$corral_pids_peak" ""
}

@test "corral_run: options before --, none, a lone --, stdin" {
	corral_run --hostname box -- hostname
	assert_success
	assert_output box
	corral_run hostname
	assert_output corral
	corral_run -- echo -n x
	assert_output x
	jq -e '.command == ["echo", "-n", "x"]' "$corral_report"
	corral_run -- cat <<<"from stdin"
	assert_output "from stdin"
	# Each run has a report of its own; the variables are the last one's.
	first=$corral_report
	corral_run -- sh -c 'exit 4'
	[ "$corral_report" != "$first" ]
	assert_equal "$corral_exit_code" 4
	jq -e '.exit_code == 0' "$first"
}

@test "corral_run: run's flags go to run: -N, !, --separate-stderr, --keep-empty-lines" {
	corral_run -3 -- sh -c 'exit 3'
	assert_equal "$corral_exit_code" 3
	corral_run ! --hostname x -- false
	assert_equal "$corral_verdict" exited
	corral_run --separate-stderr -- sh -c 'echo out; echo err >&2'
	assert_output out
	assert_equal "$stderr" err
	corral_run --keep-empty-lines -- printf 'a\n\nb'
	assert_equal "${#lines[@]}" 3
	assert_equal "${lines[1]}" ""
	# A -N that does not hold fails the test, as run's does.
	run corral_run -2 -- sh -c 'exit 3'
	assert_failure 1
}

@test "corral_run: a bad call says how to call it, and runs nothing" {
	run corral_run --memory 64M true
	assert_failure
	assert_line -- "-- ERROR: corral_run --"
	assert_line "corral options need a -- before the command: corral_run --memory 64M true -- COMMAND"
	run corral_run --report "$T/mine.json" -- true
	assert_failure
	assert_line 'corral_run writes the report itself ($corral_report); do not pass --report'
	[ ! -e "$T/mine.json" ]
	run corral_run --report-format=text -- true
	assert_line --partial "do not pass --report-format=text"
	run corral_run --
	assert_line "no command given: corral_run [CORRAL_OPTION]... -- COMMAND [ARG]..."
	CORRAL=$T/no-corral run corral_run -- true
	assert_failure
	assert_line "no corral to run: '$T/no-corral' is not a command (set CORRAL, or put corral on PATH)"
}

@test "corral_run: each verdict, with its exit code and signal" {
	corral_run -- sh -c 'kill -SEGV $$'
	assert_equal "$corral_verdict $corral_exit_code $corral_signal" "signaled 139 SIGSEGV"
	assert_equal "$status" 139
	corral_run --time-limit 200ms --kill-grace 100ms -- sleep 30
	assert_equal "$corral_verdict $corral_exit_code $corral_signal" "timeout 124 SIGTERM"
	# -127: as with run, a 127 expected says so (else Bats warns of it).
	corral_run -127 -- /nonexistent/cmd
	assert_equal "$corral_verdict $corral_exit_code" "error 127"
	assert_equal "$corral_error" "/nonexistent/cmd: command not found"
	corral_run "${WITH_PROBE[@]}" --seccomp-log --seccomp-action kill -- "$PROBE" syscall ptrace
	assert_equal "$corral_verdict $corral_exit_code" "seccomp 159"
	assert_equal "$corral_killed_syscall" ptrace
	need_cgroup
	corral_run "${WITH_PROBE[@]}" --memory 16M -- "$PROBE" alloc 64
	assert_equal "$corral_verdict $corral_exit_code $corral_signal" "oom 137 SIGKILL"
	assert_equal "$corral_memory_peak_bytes" $((16 << 20))
}

@test "corral_run: seccomp-log's violations in an array, with their counts" {
	corral_run "${WITH_PROBE[@]}" --seccomp-log -- "$PROBE" calls ptrace 3 keyctl 2 getpid 1
	assert_success
	assert_equal "${corral_violations[*]}" "ptrace keyctl"
	assert_equal "${corral_violation_count[ptrace]}" 3
	assert_equal "${corral_violation_count[keyctl]}" 2
	assert_equal "${corral_violation_count[getpid]-none}" none
	# The next run starts from nothing.
	corral_run -- true
	assert_equal "${#corral_violations[@]}" 0
	assert_equal "${#corral_violation_count[@]}" 0
}

@test "corral_run: without a report (corral's own error) every variable is empty" {
	corral_run "${WITH_PROBE[@]}" --seccomp-log -- "$PROBE" calls ptrace 1
	assert_equal "${corral_violations[*]}" ptrace
	corral_run --memroy 64M -- true
	assert_failure 125
	assert_output "corral: error: unknown option '--memroy' (did you mean '--memory'?)"
	[ -e "$corral_report" ] && [ ! -s "$corral_report" ]
	for ((i = 0; i < ${#BATS_CORRAL_FIELDS[@]}; i += 2)); do
		var=${BATS_CORRAL_FIELDS[i]}
		assert_equal "$var=${!var}" "$var="
	done
	assert_equal "${#corral_violations[@]}" 0
}

@test "corral_run: a forged report runs nothing of its own, and is refused" {
	# A "corral" that writes a report that is not corral's where corral_run
	# asks for one: CORRAL --report PATH ...
	cat >"$T/fake-corral" <<'FAKE'
#!/bin/sh
printf '%s\n' "$FORGED" >"$2"
FAKE
	chmod +x "$T/fake-corral"
	local ran=$BATS_TEST_TMPDIR/ran forged=()
	forged+=('{"version": 3, "status": "seccomp", "seccomp": {"violations": [{"syscall": "ptrace", "count": "1 ); touch '"$ran"'; # "}]}}')
	forged+=('{"version": 3, "status": "seccomp", "seccomp": {"violations": [{"syscall": ["a", "b"], "count": 1}]}}')
	forged+=('{"version": "3; touch '"$ran"'", "status": "exited"}')
	forged+=('{"version": 3, "status": ["exited"]}')
	forged+=('[1, 2]')
	local f
	for f in "${forged[@]}"; do
		FORGED=$f CORRAL=$T/fake-corral run corral_run -- true
		[ ! -e "$ran" ]
		assert_failure
		assert_line -- "-- ERROR: corral_run --"
		assert_output --partial "jq cannot read the report"
		# The helper alone, on the same file: it fails, and sets nothing.
		printf '%s\n' "$f" >"$BATS_TEST_TMPDIR/forged.json"
		corral_report=$BATS_TEST_TMPDIR/forged.json
		run _corral_read_report
		assert_failure
		[ ! -e "$ran" ]
	done
	assert_output ""
	FORGED=${forged[0]} CORRAL=$T/fake-corral run corral_run -- true
	assert_output --partial 'the count of a violation, "1 ); touch '
	# corral-slurm's own error report (version 1, no figures) still reads.
	# (Outside $T, whose reports teardown checks against the schema.)
	printf '%s\n' '{"version": 1, "command": ["true"], "status": "error", "exit_code": 125, "error": "x"}' >"$BATS_TEST_TMPDIR/forged.json"
	_corral_read_report
	assert_equal "$corral_verdict $corral_exit_code $corral_error" "error 125 x"
}

@test "BATS_CORRAL_FIELDS: a row more is a variable more; a key the report lacks is empty" {
	BATS_CORRAL_FIELDS+=(my_time_limit .limits.time_ms my_later_key .oom_kills.total)
	corral_run --time-limit 5s -- true
	assert_equal "$my_time_limit" 5000
	assert_equal "$my_later_key" ""
	assert_equal "$corral_verdict" exited
}

@test "every assertion passes when what it asserts holds" {
	corral_run "${WITH_PROBE[@]}" --seccomp-log -- "$PROBE" calls ptrace 2
	assert_corral_verdict exited
	assert_corral_exit 0
	assert_corral_success
	assert_corral_violation ptrace
	assert_corral_violation ptrace 2
	refute_corral_violation keyctl
	assert_corral_memory_below 1G
	assert_corral_cpu_below 1h
	assert_corral_wall_below 1d
	assert_corral_report '.seccomp.violations == [{"syscall": "ptrace", "count": 2}]'
	assert_corral_report --arg p "$PROBE" '.command[0] == $p'
	corral_run -- true
	refute_corral_violation
	corral_run -- sh -c 'exit 7'
	assert_corral_exit 7
	corral_run -- sh -c 'kill -ABRT $$'
	assert_corral_verdict signaled
	assert_corral_signal SIGABRT
	assert_corral_signal abrt
	assert_corral_signal 6
	corral_run "${WITH_PROBE[@]}" --seccomp-log --seccomp-action kill -- "$PROBE" syscall ptrace
	assert_corral_verdict seccomp
	assert_corral_violation ptrace
	need_cgroup
	corral_run --pids 32 -- sh -c 'true & true & wait'
	assert_corral_pids_below 32
}

@test "assert_corral_verdict: expected, actual, every key of the report, the output" {
	corral_run -- sh -c 'echo hello; echo world'
	run assert_corral_verdict oom
	assert_failure 1
	keys=$(jq -r 'keys_unsorted | length' "$corral_report")
	[ "$keys" -ge 14 ]
	assert_equal "${lines[0]}" "-- corral verdict differs --"
	assert_equal "${lines[1]}" "expected : oom"
	assert_equal "${lines[2]}" "actual   : exited 0"
	assert_equal "${lines[3]}" "report ($keys lines):"
	# Every key of the report, aligned, with its value as JSON.
	for ((i = 0; i < keys; i++)); do
		key=$(jq -r "keys_unsorted[$i]" "$corral_report")
		value=$(jq -c ".$key" "$corral_report")
		[[ ${lines[4 + i]} =~ ^"  $key"\ *" : "(.*)$ ]] || fail "line $((4 + i)): ${lines[4 + i]}"
		assert_equal "${BASH_REMATCH[1]}" "$value"
	done
	assert_line --regexp '^  status +: "exited"$'
	assert_equal "${lines[4 + keys]}" "output (2 lines):"
	assert_equal "${lines[5 + keys]}" "  hello"
	assert_equal "${lines[6 + keys]}" "  world"
	assert_equal "${lines[7 + keys]}" "--"
	assert_equal "${#lines[@]}" $((8 + keys))
}

@test "assert_corral_exit and assert_corral_success: a wrong code, a signal, a limit" {
	corral_run -- sh -c 'exit 1'
	run assert_corral_exit 3
	assert_failure
	assert_line -- "-- corral exit differs --"
	assert_line "expected : exited 3"
	assert_line "actual   : exited 1"
	assert_line --regexp '^  exit_code +: 1$'
	run assert_corral_success
	assert_failure
	assert_line -- "-- command failed in corral --"
	assert_line "expected : exited 0"
	assert_line "actual   : exited 1"
	# A crash is no exit, even with corral's exit status as the code.
	corral_run -- sh -c 'kill -SEGV $$'
	run assert_corral_exit 139
	assert_failure
	assert_line "expected : exited 139"
	assert_line "actual   : signaled SIGSEGV (exit code 139)"
	corral_run --time-limit 100ms -- sleep 30
	run assert_corral_success
	assert_line "actual   : timeout (exit code 124)"
	corral_run -127 -- /nonexistent/cmd
	run assert_corral_exit 127
	assert_line "actual   : error: /nonexistent/cmd: command not found (exit code 127)"
}

@test "assert_corral_signal: another signal, or none" {
	corral_run -- sh -c 'kill -SEGV $$'
	run assert_corral_signal KILL
	assert_failure
	assert_line -- "-- corral signal differs --"
	assert_line "expected : SIGKILL"
	assert_line "actual   : signaled SIGSEGV (exit code 139)"
	corral_run -- true
	run assert_corral_signal SIGSEGV
	assert_failure
	assert_line "expected : SIGSEGV"
	assert_line "actual   : exited 0"
}

@test "assert_corral_violation and refute_corral_violation: which call, how often" {
	corral_run "${WITH_PROBE[@]}" --seccomp-log -- "$PROBE" calls ptrace 2 keyctl 1
	run assert_corral_violation bpf
	assert_failure
	assert_line -- "-- seccomp violation not found --"
	assert_line "expected : bpf"
	assert_line "actual   : ptrace x2, keyctl x1"
	refute_line --partial "note"
	run assert_corral_violation ptrace 3
	assert_failure
	assert_line "expected : ptrace x3"
	assert_line "actual   : ptrace x2, keyctl x1"
	run refute_corral_violation
	assert_failure
	assert_line -- "-- seccomp violation found, but none was expected --"
	assert_line "actual : ptrace x2, keyctl x1"
	run refute_corral_violation keyctl
	assert_failure
	assert_line "syscall : keyctl"
	# Killed for one: the call is named.
	corral_run "${WITH_PROBE[@]}" --seccomp-log --seccomp-action kill -- "$PROBE" syscall ptrace
	run refute_corral_violation ptrace
	assert_failure
	assert_line "actual  : ptrace x1, killed for ptrace"
	# Without seccomp-log nothing is named, and the message says why.
	corral_run "${WITH_PROBE[@]}" -- "$PROBE" syscall ptrace
	run assert_corral_violation ptrace
	assert_failure
	assert_line "actual   : none"
	assert_line "note     : corral names refused syscalls only with seccomp-log (the test profile sets it)"
}

@test "assert_corral_memory_below, _cpu_below, _wall_below, _pids_below: the figure and the bound" {
	corral_run "${WITH_PROBE[@]}" -- "$PROBE" spin-ms 300
	run assert_corral_memory_below 4K
	assert_failure
	assert_line -- "-- memory peak is not below 4K --"
	assert_line "expected : below 4K (4096 bytes)"
	assert_line "actual   : $corral_memory_peak_bytes bytes"
	run assert_corral_cpu_below 100ms
	assert_failure
	assert_line -- "-- cpu time is not below 100ms --"
	assert_line "expected : below 100ms (100 ms)"
	assert_line "actual   : $corral_cpu_ms ms"
	run assert_corral_wall_below 0.25s
	assert_failure
	assert_line -- "-- wall time is not below 0.25s --"
	assert_line "expected : below 0.25s (250 ms)"
	assert_line "actual   : $corral_wall_time_ms ms"
	# Without a cgroup corral cannot know the pids peak.
	run assert_corral_pids_below 10
	assert_failure
	assert_line -- "-- pids peak is unknown --"
	assert_line "expected : below 10"
	assert_line "actual   : unknown (null in the report)"
	need_cgroup
	corral_run --pids 32 -- sh -c 'sleep 0.1 & sleep 0.1 & wait'
	run assert_corral_pids_below 2
	assert_failure
	assert_line -- "-- pids peak is not below 2 --"
	assert_line "actual   : $corral_pids_peak pids"
}

@test "assert_corral_report: a filter that does not hold, and one jq cannot read" {
	corral_run --time-limit 5s -- true
	run assert_corral_report '.limits.time_ms == 6000'
	assert_failure
	assert_line -- "-- corral report does not match --"
	assert_line "filter : .limits.time_ms == 6000"
	assert_line "result : false"
	assert_line --regexp '^  limits +: \{"memory_bytes":null,"cpus":null,"pids":null,"time_ms":5000,"cpu_time_ms":null,"output_bytes":null\}$'
	run assert_corral_report '.limits.time_ms =='
	assert_failure
	assert_line -- "-- ERROR: assert_corral_report --"
	assert_line --partial "jq: .limits.time_ms ==: jq: error"
}

@test "every assertion fails on a run that left no report, and shows corral's error" {
	corral_run --memroy 64M -- true
	for a in "assert_corral_verdict exited" "assert_corral_exit 0" assert_corral_success \
		"assert_corral_signal SEGV" "assert_corral_violation ptrace" refute_corral_violation \
		"assert_corral_memory_below 1G" "assert_corral_cpu_below 1s" "assert_corral_wall_below 1s" \
		"assert_corral_pids_below 9" "assert_corral_report .status"; do
		run $a
		assert_failure
		assert_equal "${lines[0]}" "-- corral wrote no report (exit status 125) --"
		assert_equal "${lines[1]}" "status : 125"
		assert_equal "${lines[2]}" "output : corral: error: unknown option '--memroy' (did you mean '--memory'?)"
	done
}

@test "every assertion fails before any corral_run, saying so" {
	for a in "assert_corral_verdict exited" "assert_corral_exit 0" assert_corral_success \
		"assert_corral_signal SEGV" "assert_corral_violation ptrace" refute_corral_violation \
		"assert_corral_memory_below 1G" "assert_corral_cpu_below 1s" "assert_corral_wall_below 1s" \
		"assert_corral_pids_below 9" "assert_corral_report .status"; do
		run $a
		assert_failure
		assert_equal "${lines[0]}" "-- ERROR: ${a%% *} --"
		assert_equal "${lines[1]}" "no corral_run before this assertion"
	done
}

@test "every assertion called wrongly says how to call it" {
	corral_run -- true
	check_usage() {
		run "$@"
		assert_failure
		assert_equal "${lines[0]}" "-- ERROR: $1 --"
		assert_equal "${lines[1]}" "$expected"
	}
	expected="usage: assert_corral_verdict VERDICT, one of: exited signaled oom timeout cpu_timeout seccomp error"
	check_usage assert_corral_verdict killed
	check_usage assert_corral_verdict
	expected="usage: assert_corral_exit CODE (0 to 255)"
	check_usage assert_corral_exit 256
	check_usage assert_corral_exit x
	expected="usage: assert_corral_success (no arguments)"
	check_usage assert_corral_success 0
	expected="usage: assert_corral_signal SIGNAL (SIGSEGV, SEGV or 11)"
	check_usage assert_corral_signal SIGNOPE
	expected="usage: assert_corral_violation SYSCALL [COUNT]"
	check_usage assert_corral_violation
	check_usage assert_corral_violation ptrace many
	expected="usage: refute_corral_violation [SYSCALL]"
	check_usage refute_corral_violation 'bad name'
	expected="usage: assert_corral_memory_below SIZE (such as 64M)"
	check_usage assert_corral_memory_below 64X
	check_usage assert_corral_memory_below 1.5
	expected="usage: assert_corral_cpu_below DURATION (such as 1s or 250ms)"
	check_usage assert_corral_cpu_below 1S
	expected="usage: assert_corral_wall_below DURATION (such as 2s)"
	check_usage assert_corral_wall_below soon
	expected="usage: assert_corral_pids_below N"
	check_usage assert_corral_pids_below -1
	expected="usage: assert_corral_report [JQ_OPTION]... FILTER"
	check_usage assert_corral_report
}

@test "sizes and durations read as corral reads them" {
	assert_equal "$(_corral_size_bytes 64M)" 67108864
	assert_equal "$(_corral_size_bytes 1.5g)" 1610612736
	assert_equal "$(_corral_size_bytes 512KiB)" 524288
	assert_equal "$(_corral_size_bytes 4096)" 4096
	assert_equal "$(_corral_duration_ms 1.5s)" 1500.000
	assert_equal "$(_corral_duration_ms 250ms)" 250.000
	assert_equal "$(_corral_duration_ms 2m)" 120000.000
	assert_equal "$(_corral_duration_ms 3)" 3000.000
	# And the bound is strict: a figure equal to it is not below it.
	corral_run --time-limit 1s -- true
	ms=$(jq -r .limits.time_ms "$corral_report")
	corral_wall_time_ms=$ms run assert_corral_wall_below 1s
	assert_failure
	corral_wall_time_ms=999.9 run assert_corral_wall_below 1s
	assert_success
}

@test "bats_load_library finds bats-corral on BATS_LIB_PATH, and loads bats-support itself" {
	bats_file lib 'bats_load_library bats-corral
TEST "passes" {
	corral_run -- sh -c "exit 5"
	assert_corral_exit 5
}
TEST "fails" {
	corral_run -- true
	assert_corral_verdict timeout
}'
	nested_bats "$T/lib.bats" BATS_LIB_PATH="$LIB:/usr/lib/bats"
	assert_failure
	assert_line "ok 1 passes"
	assert_line "not ok 2 fails"
	assert_line "# -- corral verdict differs --"
	assert_line "# expected : timeout"
	assert_line "# actual   : exited 0"
}

@test "load by path works too; without bats-support on the path it says what is missing" {
	bats_file path "bats_load_library bats-support
load '$LIB/bats-corral/load'
TEST 'passes' {
	corral_run -- true
	assert_corral_success
}"
	nested_bats "$T/path.bats" BATS_LIB_PATH=/usr/lib/bats
	assert_success
	assert_line "ok 1 passes"
	bats_file nosupport "load '$LIB/bats-corral/load'
TEST 'never runs' { true; }"
	nested_bats "$T/nosupport.bats" BATS_LIB_PATH="$T/nowhere"
	assert_failure
	assert_output --partial "bats-corral: needs bats-support: load it first, or put its directory's parent in BATS_LIB_PATH (such as /usr/lib/bats)"
	refute_line "ok 1 never runs"
}

@test "make install puts bats-corral and the test profile under the data dir, and they work from there" {
	# DESTDIR, not another PREFIX: a PREFIX rebuilds the tree's corral for
	# its paths, under the tests that run it.
	run make -C "$TOP" -s install DESTDIR="$T/d"
	assert_success
	usr=$T/d/usr/local
	lib=$usr/share/corral/bats/bats-corral
	for f in load.bash README.md src/corral_run.bash src/assert_corral.bash; do
		cmp "$LIB/bats-corral/$f" "$lib/$f"
	done
	cmp "$TOP/profiles/test.profile" "$usr/share/corral/profiles/test.profile"
	bats_file installed 'bats_load_library bats-corral
TEST "the installed library and profile" {
	corral_run --profile test -- sh -c "exit 4"
	assert_corral_exit 4
	assert_corral_report ".profiles == [\"test\"]"
}'
	# The installed profile, not the tree's: only the data dir is searched.
	nested_bats "$T/installed.bats" BATS_LIB_PATH="$usr/share/corral/bats:/usr/lib/bats" \
		CORRAL="$usr/bin/corral" CORRAL_PROFILE_PATH="$usr/share/corral/profiles"
	need_cgroup
	assert_success
	assert_line "ok 1 the installed library and profile"
}

@test "test profile: the current directory read-only, a private /tmp, no network, modest limits" {
	need_cgroup
	mkdir "$T/project"
	echo data >"$T/project/input"
	: >"$T/beside"
	cd "$T/project"
	tmpfile=/tmp/corral-test-profile.$$
	corral_run --profile test -- sh -c 'pwd; cat input; ls "$1"; echo new >"$2" && cat "$2"
		cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d " "; touch input' sh "$T" "$tmpfile"
	assert_corral_exit 1
	assert_equal "${lines[0]}" "$T/project"
	assert_equal "${lines[1]}" data
	# Of the test's directory, only the current one is there.
	assert_equal "${lines[2]}" project
	assert_equal "${lines[3]}" new
	assert_equal "${lines[4]}" lo
	assert_equal "${lines[5]}" "touch: cannot touch 'input': Read-only file system"
	assert_equal "$(cat input)" data
	[ ! -e "$tmpfile" ]
	assert_corral_report '.limits == {"memory_bytes": 536870912, "cpus": null, "pids": 256, "time_ms": 60000, "cpu_time_ms": null, "output_bytes": null}'
	# A denied call is named without asking: the profile sets seccomp-log.
	cp "$PROBE" "$T/project/probe"
	corral_run --profile test -- ./probe syscall ptrace
	assert_corral_violation ptrace 1
	run "$CORRAL" --profile test --check
	assert_line "bind-cwd = ro"
	assert_line "seccomp-log = yes"
	# And the completion offers it.
	run bash -c '. "$1"; COMP_WORDS=("$2" --profile te); COMP_CWORD=2
		COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; _corral
		printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/docs/corral.bash" "$CORRAL"
	assert_output test
}
