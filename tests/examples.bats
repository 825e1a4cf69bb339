#!/usr/bin/env bats
# The fourteen multiprocessing examples (examples/), each run inside corral,
# asserting what the sandbox adds: one test (or two) per row of the table in
# examples/README.md. `make check` builds them first (`make examples`).
load helpers

# How an example reaches the sandbox, in one place: the default profile's
# root holds only what it binds, so examples/bin is bound at /examples.
HOST_EX=$TOP/examples/bin
EX=/examples
EX_MOUNT=(--ro-bind "$TOP/examples/bin:/examples")

# example_cmd [CORRAL OPTION]... -- NAME [ARG]...: set CMD to the command line
# that runs example NAME inside corral.
example_cmd() {
	local opts=() name
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		opts+=("$1")
		shift
	done
	shift
	name=$1
	shift
	CMD=("$CORRAL" "${EX_MOUNT[@]}" "${opts[@]}" -- "$EX/$name" "$@")
}

# in_corral [CORRAL OPTION]... -- NAME [ARG]...: run example NAME in corral.
in_corral() {
	example_cmd "$@"
	"${CMD[@]}"
}

# in_corral_sh SCRIPT: run a shell script in corral; $EX is where the
# examples are inside.
in_corral_sh() {
	"$CORRAL" "${EX_MOUNT[@]}" --setenv "EX=$EX" -- sh -c "$1"
}

# start_held [CORRAL OPTION]... -- NAME [ARG]...: start an example that
# holds its state until SIGUSR1, in the background, output in $T/out; wait
# until it says it is holding. BG is corral's PID, INIT the sandbox's PID 1 as
# the host sees it. The time limit only guards against a hung test.
start_held() {
	example_cmd --time-limit 60s "$@"
	"${CMD[@]}" >"$T/out" 2>&1 &
	BG=$!
	wait_for "grep -q -i 'until SIGUSR1' '$T/out'" || {
		cat "$T/out"
		return 1
	}
	INIT=$(pgrep -P "$BG")
	[ -n "$INIT" ]
}

# release_held: SIGUSR1 to corral (relayed to the example); its status in
# HELD_RC, its output in $output and $lines.
release_held() {
	kill -USR1 "$BG"
	HELD_RC=0
	wait "$BG" || HELD_RC=$?
	BG=
	run cat "$T/out"
}

teardown() {
	local bad_reports=0
	validate_reports || bad_reports=1
	if [ -n "${BG:-}" ]; then
		kill -KILL "$BG" 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
	rm -rf "$T"
	return $bad_reports
}

@test "examples are built" {
	for e in basic_process multiple_processes deadlock process_pool queue_communication \
		pipe_communication shared_value shared_array manager process_lock \
		process_semaphore process_barrier orphan zombie; do
		assert_file_executable "$HOST_EX/$e"
	done
}

# --- basic_process: fork, exec, wait, exit status

@test "basic_process: the child's exit status reaches the shell through corral unchanged" {
	run in_corral -- basic_process 0
	assert_success
	run in_corral -- basic_process 7
	assert_failure 7
	assert_line "parent PID 2: forked child PID 3"
	assert_line "child  PID 3: exec'd, exiting with 7"
	run in_corral -- basic_process 42
	assert_failure 42
	assert_line --partial "child 3 exited with 42"
}

# --- multiple_processes: children splitting one task

@test "multiple_processes: children get PIDs 3, 4, ... and the host's processes are invisible" {
	run in_corral -- multiple_processes 4
	assert_success
	assert_line "child 1: PID 3 summed 1..2500000 = 3125001250000"
	assert_line --regexp '^child 2: PID 4 '
	assert_line --regexp '^child 3: PID 5 '
	assert_line --regexp '^child 4: PID 6 '
	assert_line "processes visible in /proc: 1 2 3 4 5 6"
	assert_line "total 50000005000000 = n(n+1)/2: correct"
	# The same program on the host sees the host, this shell included.
	run "$HOST_EX/multiple_processes" 4
	assert_success
	re='^processes visible in /proc: (.* )?'"$$"'( |$)'
	assert_line --regexp "$re"
}

# --- deadlock: two processes each holding the lock the other wants

@test "deadlock: hangs until --time-limit 2s ends it with 124 and a timeout verdict" {
	run in_corral -v --time-limit 2s -- deadlock
	assert_failure 124
	assert_line --partial "process A (PID 3): waits for lock 2"
	assert_line --partial "process B (PID 4): waits for lock 1"
	refute_line --partial "got both locks"
	assert_line --regexp '^corral: timeout: '
}

@test "deadlock: the report says timeout" {
	run in_corral --time-limit 2s --report "$T/r.json" -- deadlock
	assert_failure 124
	run jq -r '.status, .exit_code' "$T/r.json"
	assert_success
	assert_output "$(printf 'timeout\n124')"
}

# --- process_pool: a fixed pool of workers fed over pipes

@test "process_pool: the pool works under --pids 8" {
	run in_corral --pids 8 -- process_pool 4 20
	assert_success
	assert_line "pool: 4 of 4 workers started (PIDs 3..6)"
	assert_line "20 tasks done, 0 wrong"
}

@test "process_pool: a pool bigger than --pids 8 fails to start its extra workers cleanly" {
	run in_corral --pids 8 -- process_pool 10 20
	# The program's own verdict, not a crash or a hang: status 1.
	assert_failure 1
	assert_line --regexp '^cannot start worker [0-9]+ of 10: fork: Resource temporarily unavailable$'
	assert_line --regexp '^pool: [1-9] of 10 workers started'
	assert_line "20 tasks done, 0 wrong"
	assert_line --regexp '^the pool ran short: [1-9] of 10 workers$'
}

# --- queue_communication: a POSIX message queue

@test "queue_communication: producer and consumer exchange every message in order" {
	run in_corral -- queue_communication
	assert_success
	assert_line "consumer: received 10 items, all in order"
	assert_line "consumer: removed queue /corral-queue"
}

@test "queue_communication: the queue is invisible from the host and from a second sandbox" {
	q=/corral-q-$(marker)
	start_held -- queue_communication --hold "$q"
	# In the sandbox's own IPC namespace it exists (so the probe can find it).
	run nsenter --target "$INIT" --ipc -- "$HOST_EX/queue_communication" --probe "$q"
	assert_success
	assert_output "queue $q: found"
	# From the host: not there.
	run "$HOST_EX/queue_communication" --probe "$q"
	assert_failure 1
	assert_output "queue $q: not found"
	if mountpoint -q /dev/mqueue; then
		assert_not_exist "/dev/mqueue/${q#/}"
	fi
	# From a second sandbox, running at the same time: not there either.
	run in_corral -- queue_communication --probe "$q"
	assert_failure 1
	assert_output "queue $q: not found"
	release_held
	[ "$HELD_RC" -eq 0 ]
	assert_line "consumer: received 10 items, all in order"
}

# --- pipe_communication: parent and child over a pipe

@test "pipe_communication: the data arrives whole and only fds 0, 1, 2 come in from the host" {
	exec 7>"$T/leak"
	run in_corral -- pipe_communication
	# The same program on the host does see the fd this shell left open.
	run_host=$("$HOST_EX/pipe_communication" 10 | head -1)
	exec 7>&-
	assert_success
	assert_line --index 0 "open fds at start: 0 1 2"
	assert_line "pipe: read end 3, write end 4"
	assert_line "child  PID 3: received 1048576 of 1048576 bytes, checksum matches"
	assert_line "parent: the data arrived whole"
	[[ "$run_host" == *" 7"* ]]
}

# --- shared_value: a counter in shared memory under a lock

@test "shared_value: the total is exact" {
	run in_corral -- shared_value 4 100000
	assert_success
	assert_line "total 400000, expected 400000: exact"
}

@test "shared_value: a segment left behind ends with the sandbox" {
	key=$((0x636f7272))
	# Inside, the segment outlives the program that made it ...
	run in_corral_sh '"$EX/shared_value" --leave 2 1000 && awk "NR > 1 { print \$1 }" /proc/sysvipc/shm'
	assert_success
	assert_line "leaving segment key 0x636f7272 in place (no IPC_RMID)"
	assert_line "$key"
	# ... but not the sandbox: neither the host nor a new sandbox has it.
	run awk -v k="$key" '$1 == k' /proc/sysvipc/shm
	assert_output ""
	run in_corral_sh 'awk "{ print \$1 }" /proc/sysvipc/shm'
	assert_success
	assert_line --index 0 "key"
	refute_line "$key"
}

# --- shared_array: an mmap'd array filled by several children

@test "shared_array: the result is correct under --memory 16M" {
	run in_corral --memory 16M -- shared_array 8M 4
	assert_success
	assert_line "parent: 2097152 of 2097152 entries correct"
}

@test "shared_array: 1 GiB under --memory 16M fails with an OOM verdict" {
	# 1 GiB, or a quarter of RAM where there is less (the v2 test VM has
	# 512 MiB and would refuse the mapping itself): far past the limit.
	ram_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
	size=1G
	[ "$ram_mib" -ge 2048 ] || size=$((ram_mib / 4))M
	run in_corral -v --memory 16M -- shared_array "$size" 4
	assert_failure 137
	assert_line --regexp '^corral: oom: '
	refute_line --partial "entries correct"
}

# --- manager: a key-value store over a Unix socket

@test "manager: clients store values and get them back" {
	run in_corral -- manager
	assert_success
	assert_line "parent: GET client-1 -> pid-4"
	assert_line "parent: GET client-4 -> NONE"
	assert_line "parent: every value came back"
}

@test "manager: the socket lives in the sandbox and the host cannot connect" {
	s=corral-mgr-$(marker)
	start_held -- manager --hold "$s"
	# In the sandbox's network namespace the manager answers ...
	run nsenter --target "$INIT" --net -- "$HOST_EX/manager" --connect "$s"
	assert_success
	assert_output "connect @$s: reached the manager (GET client-1 -> pid-4)"
	# ... from the host there is nobody at that name.
	run "$HOST_EX/manager" --connect "$s"
	assert_failure 1
	assert_output "connect @$s: Connection refused"
	release_held
	[ "$HELD_RC" -eq 0 ]
	assert_line "parent: every value came back"
}

# --- process_lock: a process-shared mutex

@test "process_lock: output lines never interleave" {
	run in_corral -- process_lock 4 5
	assert_success
	assert_equal "${#lines[@]}" 21
	for ((i = 0; i < 20; i++)); do
		[[ "${lines[$i]}" =~ ^child\ [1-4]\ \(PID\ [3-6]\):\ line\ [1-5]\ of\ 5,\ byte\ by\ byte$ ]] ||
			fail "line $i is torn: '${lines[$i]}'"
	done
	# Every child's every line, once.
	assert_equal "$(printf '%s\n' "${lines[@]:0:20}" | sort -u | wc -l)" 20
	assert_line "at most 1 process(es) inside the critical section at once"
}

# --- process_semaphore: a POSIX named semaphore

@test "process_semaphore: at most 2 inside at once, and the host's /dev/shm has nothing after the run" {
	sem=/corral-sem-$(marker)
	run in_corral -- process_semaphore "$sem"
	assert_success
	assert_line "at most 2 children inside at once (bound 2)"
	assert_equal "$(grep -c 'inside, [12] there now' <<<"$output")" 6
	assert_not_exist "/dev/shm/sem.${sem#/}"
}

@test "process_semaphore: the semaphore under /dev/shm is private to the sandbox" {
	# Until the filesystem branch gives the sandbox its own /dev/shm, the
	# default profile shows the host's, and a named semaphore is a file in it.
	if [ "$("$CORRAL" -- stat -c %d /dev/shm)" = "$(stat -c %d /dev/shm)" ]; then
		skip "the sandbox shares the host's /dev/shm (it should have its own)"
	fi
	sem=/corral-sem-$(marker)
	start_held -- process_semaphore --hold "$sem"
	run nsenter --target "$INIT" --mount -- ls "/dev/shm/sem.${sem#/}"
	assert_success
	assert_not_exist "/dev/shm/sem.${sem#/}"
	release_held
	[ "$HELD_RC" -eq 0 ]
	assert_not_exist "/dev/shm/sem.${sem#/}"
}

# --- process_barrier: a process-shared barrier

@test "process_barrier: all children pass together, within --time-limit" {
	run in_corral --time-limit 30s -- process_barrier 4
	assert_success
	# Every arrival comes before the first passing.
	last_arrival=$(grep -n 'arrived (' <<<"$output" | tail -1 | cut -d: -f1)
	first_pass=$(grep -n 'passed, ' <<<"$output" | head -1 | cut -d: -f1)
	[ "$last_arrival" -lt "$first_pass" ]
	assert_equal "$(grep -c 'passed, 4 of 4 had arrived' <<<"$output")" 4
	assert_line "all children passed together"
}

@test "process_barrier: a barrier that never opens is ended by --time-limit with 124" {
	run in_corral -v --time-limit 2s -- process_barrier --missing 3
	assert_failure 124
	assert_line --partial "child 3 (PID 5): arrived (3 of 4)"
	refute_line --partial "passed"
	assert_line --regexp '^corral: timeout: '
}

# --- orphan: a child whose parent exits first

@test "orphan: re-parented to the sandbox's PID 1 (corral's init) and reaped" {
	run in_corral -v -- orphan
	assert_success
	assert_line "parent PID 3: forked child 4, exiting without waiting"
	assert_line "orphan PID 4: new parent is PID 1 (corral-init)"
	assert_line "orphan PID 4: reaped by its new parent"
	assert_line --partial "init reaped 1)"
}

# --- zombie: a parent that never waits

@test "zombie: zombies while the parent runs, reaped by corral's init after it ends" {
	run in_corral -v -- zombie 3
	assert_success
	assert_line "parent PID 3: 3 children exited, never waited for: 4=Z 5=Z 6=Z"
	assert_line "after the parent exited: its 3 zombies were re-parented to PID 1 and reaped"
	assert_line --partial "init reaped 3)"
}

@test "zombie: the host sees the zombies while the parent runs, and nothing after" {
	name=zc$((RANDOM % 10000))x$$
	name=${name:0:15}
	start_held -- zombie --hold 3 "$name"
	run ps -o stat= -C "$name"
	assert_success
	assert_equal "$(grep -c '^Z' <<<"$output")" 3
	release_held
	[ "$HELD_RC" -eq 0 ]
	assert_line "after the parent exited: its 3 zombies were re-parented to PID 1 and reaped"
	run pgrep -x "$name"
	assert_failure 1
	assert_output ""
}
