# Shared set-up for the Bats suite. Each test gets its own temp dir; helpers
# skip with a reason when the kernel or machine lacks something.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
CORRAL=${CORRAL:-$TOP/corral}
PROBE=$TOP/tests/probe
# The default profile's root holds only what it binds: bind the probe in at
# its own path with "$CORRAL" "${WITH_PROBE[@]}" ... -- "$PROBE" ...
WITH_PROBE=(--ro-bind "$PROBE")
# "$FAULT" RULE... -- COMMAND: COMMAND with chosen system calls failing (see
# tests/fault.c for the rules), e.g. "$FAULT" prctl:PR_SET_PDEATHSIG=EPERM --
# "$CORRAL" -- true.
FAULT=$TOP/tests/fault
export CORRAL_PROFILE_PATH=$TOP/profiles

setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/corral-test.XXXXXX")
	chmod 755 "$T"
}

teardown() {
	local rc=0
	validate_reports || rc=$?
	rm -rf "$T"
	return $rc
}

# Every JSON report a test left in $T (a file whose last line is one: a
# --report file, or the output of --report -), checked against docs/report.schema.json
# (tests/report_schema.py): a report that breaks the schema fails the test.
# Every teardown calls this before removing $T.
validate_reports() {
	local f reports=()
	[ -d "${T:-}" ] || return 0
	while IFS= read -r -d '' f; do
		tail -n 1 "$f" 2>/dev/null | head -c 64 | grep -q '^{"version": [0-9]*, "command": ' &&
			reports+=("$f")
	done < <(find "$T" -maxdepth 3 -type f -size -1024k -print0 2>/dev/null)
	[ ${#reports[@]} -eq 0 ] && return 0
	"$TOP/tests/report_schema.py" "${reports[@]}"
}

# Skip unless we can switch to uid 65534 and it can run corral from this
# tree (a checkout below a directory closed to others, e.g. /root, is not).
need_nobody() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to uid 65534"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c 'test -x "$1" && test -r "$2/profiles/default.profile" && test -x "$2/tests/probe"' \
		sh "$CORRAL" "$TOP" ||
		skip "uid 65534 cannot reach $TOP (check the permissions of its parents)"
}

# Run a command as an unprivileged user (65534), or skip.
as_nobody() {
	need_nobody
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# Processes on the host whose command line contains a marker.
host_procs() {
	pgrep -f -- "$1" || true
}

# Wait for a condition command to succeed, up to $2 seconds (default 30:
# generous, since it returns as soon as the condition holds, and a loaded
# machine can take seconds to start a sandbox).
wait_for() {
	local cond=$1 limit=${2:-30} i
	for ((i = 0; i < limit * 20; i++)); do
		eval "$cond" && return 0
		sleep 0.05
	done
	return 1
}

# "$@" in the background, so its pid is known (corral's, through setpriv,
# "$FAULT" or a wrapper that execs it): $status, $output (stdout and
# stderr), $lines, $cpid.
run_bg() {
	"$@" >"$T/out" 2>&1 &
	cpid=$!
	status=0
	wait "$cpid" || status=$?
	output=$(cat "$T/out")
	mapfile -t lines <"$T/out"
}

# A unique marker to tag processes of one test.
marker() {
	echo "$((RANDOM * 32768 + RANDOM)).$$"
}

# The cgroup directories of a run of corral with pid $1, wherever they are.
run_cgroups() {
	local id ctrls path c
	while IFS=: read -r id ctrls path; do
		if [ -z "$ctrls" ]; then
			ls -d /sys/fs/cgroup/unified"$path"/corral-"$1" /sys/fs/cgroup"$path"/corral-"$1" 2>/dev/null
			continue
		fi
		for c in ${ctrls//,/ }; do
			ls -d "/sys/fs/cgroup/${c#name=}$path/corral-$1" 2>/dev/null
		done
	done </proc/self/cgroup | sort -u
}

# Every cgroup left by the pids in file $1.
left_cgroups() {
	local pid
	while read -r pid; do
		run_cgroups "$pid"
	done <"$1"
}
