#
# bats-corral - assertions on the last corral_run
#
# assert_corral.bash
# ------------------
#
# Each assertion reads the corral_* variables that corral_run set, returns 0
# when it holds, and otherwise prints what was expected, what happened, the
# report and the command's output, in bats-assert's format, and returns 1:
#
#   -- corral verdict differs --
#   expected : oom
#   actual   : exited 0
#   report (14 lines):
#     version           : 1
#     ...
#   output (1 lines):
#     78498
#   --
#

# The report, one line per key: "key : value as JSON".
_corral_report_text() {
	jq -r '(keys_unsorted | map(length) | max) as $w
		| to_entries[] | "\((.key + (" " * 40))[:$w]) : \(.value | tojson)"' "$corral_report"
}

# What happened, in a few words: "exited 1", "signaled SIGSEGV (exit code
# 139)", "oom (exit code 137)", "seccomp, killed for ptrace (exit code 159)".
_corral_describe() {
	case "$corral_verdict" in
	exited) printf 'exited %s' "$corral_exit_code" ;;
	signaled) printf 'signaled %s (exit code %s)' "$corral_signal" "$corral_exit_code" ;;
	seccomp)
		printf 'seccomp%s (exit code %s)' "${corral_killed_syscall:+, killed for $corral_killed_syscall}" \
			"$corral_exit_code"
		;;
	error) printf 'error: %s (exit code %s)' "$corral_error" "$corral_exit_code" ;;
	*) printf '%s (exit code %s)' "$corral_verdict" "$corral_exit_code" ;;
	esac
}

# _corral_fail TITLE [KEY VALUE]...: the pairs, then the report and the
# output of the last corral_run, decorated with TITLE, on stderr; returns 1.
_corral_fail() {
	local title=$1
	shift
	local -a pairs=("$@")
	local -i width=6 i
	for ((i = 0; i < ${#pairs[@]}; i += 2)); do
		((${#pairs[i]} > width)) && width=${#pairs[i]}
	done
	{
		(($# > 0)) && batslib_print_kv_single "$width" "$@"
		batslib_print_kv_single_or_multi "$width" \
			'report' "$(_corral_report_text)" \
			'output' "$_corral_output"
	} | batslib_decorate "$title" | fail
}

# Fail the caller (named $1) unless corral_run ran and left a report.
_corral_need_report() {
	if [[ -z ${corral_report+set} ]]; then
		echo "no corral_run before this assertion" | batslib_decorate "ERROR: $1" | fail
		return 1
	fi
	if [[ -n $_corral_no_report ]]; then
		{
			batslib_print_kv_single 6 'status' "$_corral_status"
			batslib_print_kv_single_or_multi 6 'output' "$_corral_output"
		} | batslib_decorate "$_corral_no_report" | fail
		return 1
	fi
}

# _corral_usage FUNCTION MESSAGE: a wrong call of an assertion.
_corral_usage() {
	echo "$2" | batslib_decorate "ERROR: $1" | fail
}

# A signal as corral names it: SIGSEGV for SEGV, segv, SIGSEGV or 11.
# Fails for a name or number bash does not know.
_corral_signal_name() {
	local s=${1^^}
	s=${s#SIG}
	if [[ $s =~ ^[0-9]+$ ]]; then
		s=$(kill -l "$s" 2>/dev/null) || return 1
	else
		kill -l "$s" >/dev/null 2>&1 || return 1
	fi
	printf 'SIG%s' "$s"
}

# A size as corral reads one (256M, 1.5G, 4096, 64KiB: binary units), in
# bytes. Fails for anything else.
_corral_size_bytes() {
	[[ $1 =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)([A-Za-z]*)$ ]] || return 1
	local num=${BASH_REMATCH[1]} shift
	case "${BASH_REMATCH[2],,}" in
	'' | b) shift=0 ;;
	k | kb | kib) shift=10 ;;
	m | mb | mib) shift=20 ;;
	g | gb | gib) shift=30 ;;
	t | tb | tib) shift=40 ;;
	*) return 1 ;;
	esac
	[[ $shift != 0 || $num =~ ^[0-9]+$ ]] || return 1
	awk -v n="$num" -v s="$shift" 'BEGIN { printf "%.0f\n", n * 2 ^ s }'
}

# A duration as corral reads one (1.5s, 250ms, 2m, 1h; a bare number is
# seconds), in milliseconds. Fails for anything else.
_corral_duration_ms() {
	[[ $1 =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)([a-z]*)$ ]] || return 1
	local num=${BASH_REMATCH[1]} ms
	case "${BASH_REMATCH[2]}" in
	'' | s | sec) ms=1000 ;;
	ms) ms=1 ;;
	us) ms=0.001 ;;
	m | min) ms=60000 ;;
	h) ms=3600000 ;;
	d) ms=86400000 ;;
	*) return 1 ;;
	esac
	awk -v n="$num" -v m="$ms" 'BEGIN { printf "%.3f\n", n * m }'
}

# Whether the decimal $1 is less than $2.
_corral_less() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'
}

# assert_corral_verdict VERDICT
#
# Fail unless the last corral_run ended with VERDICT: exited, signaled,
# oom, timeout, cpu_timeout, seccomp or error (the report's "status").
assert_corral_verdict() {
	if (($# != 1)) || [[ " ${BATS_CORRAL_VERDICTS[*]} " != *" $1 "* ]]; then
		_corral_usage assert_corral_verdict \
			"usage: assert_corral_verdict VERDICT, one of: ${BATS_CORRAL_VERDICTS[*]}"
		return
	fi
	_corral_need_report assert_corral_verdict || return
	[[ $corral_verdict == "$1" ]] && return 0
	_corral_fail 'corral verdict differs' 'expected' "$1" 'actual' "$(_corral_describe)"
}

# assert_corral_exit CODE
#
# Fail unless the command exited by itself with status CODE (verdict
# exited). A signal or a limit is not an exit, even when corral's own exit
# status is CODE: after an OOM kill that is 137, yet assert_corral_exit 137
# fails; use assert_corral_verdict for those.
assert_corral_exit() {
	if (($# != 1)) || ! [[ $1 =~ ^[0-9]+$ ]] || (($1 > 255)); then
		_corral_usage assert_corral_exit "usage: assert_corral_exit CODE (0 to 255)"
		return
	fi
	_corral_need_report assert_corral_exit || return
	[[ $corral_verdict == exited && $corral_exit_code == "$1" ]] && return 0
	_corral_fail 'corral exit differs' 'expected' "exited $1" 'actual' "$(_corral_describe)"
}

# assert_corral_success
#
# Fail unless the command exited with status 0.
assert_corral_success() {
	if (($# != 0)); then
		_corral_usage assert_corral_success "usage: assert_corral_success (no arguments)"
		return
	fi
	_corral_need_report assert_corral_success || return
	[[ $corral_verdict == exited && $corral_exit_code == 0 ]] && return 0
	_corral_fail 'command failed in corral' 'expected' 'exited 0' 'actual' "$(_corral_describe)"
}

# assert_corral_signal SIGNAL
#
# Fail unless a signal ended the command, and that signal is SIGNAL (a name
# with or without SIG, or a number). The report names the signal for a
# crash (verdict signaled) and for a limit's kill too (SIGKILL at the memory
# limit, SIGTERM at the time limit): pair it with assert_corral_verdict
# signaled to assert a crash.
assert_corral_signal() {
	local want
	if (($# != 1)) || ! want=$(_corral_signal_name "$1"); then
		_corral_usage assert_corral_signal "usage: assert_corral_signal SIGNAL (SIGSEGV, SEGV or 11)"
		return
	fi
	_corral_need_report assert_corral_signal || return
	[[ $corral_signal == "$want" ]] && return 0
	_corral_fail 'corral signal differs' 'expected' "$want" 'actual' "$(_corral_describe)"
}

# The violations as one line: "ptrace x3, mount x1", or "none".
_corral_violations_text() {
	local s='' name
	for name in "${corral_violations[@]}"; do
		s+="${s:+, }$name x${corral_violation_count[$name]}"
	done
	((${corral_violations_unlisted:-0} > 0)) && s+=", $corral_violations_unlisted more of other syscalls"
	[[ -n $corral_killed_syscall ]] && s+="${s:+, }killed for $corral_killed_syscall"
	printf '%s' "${s:-none}"
}

# assert_corral_violation SYSCALL [COUNT]
#
# Fail unless the seccomp filter refused SYSCALL (COUNT times, when given):
# it is in the report's violations, or the command was killed for it. The
# filter names what it refuses only with seccomp-log (the test profile sets
# it; otherwise pass --seccomp-log).
assert_corral_violation() {
	if (($# < 1 || $# > 2)) || ! [[ $1 =~ ^[a-z0-9_]+$ && ${2-1} =~ ^[0-9]+$ ]]; then
		_corral_usage assert_corral_violation "usage: assert_corral_violation SYSCALL [COUNT]"
		return
	fi
	_corral_need_report assert_corral_violation || return
	local name=$1 count=${corral_violation_count[$1]-}
	if [[ -n $count || $corral_killed_syscall == "$name" ]]; then
		[[ $# == 1 || $count == "$2" ]] && return 0
	fi
	local -a note=()
	if ((${#corral_violations[@]} == 0)) && [[ -z $corral_killed_syscall ]]; then
		note=('note' 'corral names refused syscalls only with seccomp-log (the test profile sets it)')
	fi
	_corral_fail "seccomp violation not found" \
		'expected' "$name${2:+ x$2}" 'actual' "$(_corral_violations_text)" "${note[@]}"
}

# refute_corral_violation [SYSCALL]
#
# Fail if the seccomp filter refused any syscall, or SYSCALL when given
# (under seccomp-log, as for assert_corral_violation).
refute_corral_violation() {
	if (($# > 1)) || ! [[ ${1-x} =~ ^[a-z0-9_]+$ ]]; then
		_corral_usage refute_corral_violation "usage: refute_corral_violation [SYSCALL]"
		return
	fi
	_corral_need_report refute_corral_violation || return
	if (($# == 1)); then
		[[ -z ${corral_violation_count[$1]-} && $corral_killed_syscall != "$1" ]] && return 0
		_corral_fail 'seccomp violation found, but none was expected' \
			'syscall' "$1" 'actual' "$(_corral_violations_text)"
		return
	fi
	((${#corral_violations[@]} == 0 && ${corral_violations_unlisted:-0} == 0)) &&
		[[ -z $corral_killed_syscall ]] && return 0
	_corral_fail 'seccomp violation found, but none was expected' \
		'actual' "$(_corral_violations_text)"
}

# _corral_below WHAT VALUE UNIT LIMIT_TEXT LIMIT: the assertions' common
# part: VALUE (in UNIT, "" when the report has null) < LIMIT.
_corral_below() {
	local what=$1 value=$2 unit=$3 text=$4 limit=$5
	if [[ -z $value ]]; then
		_corral_fail "$what is unknown" 'expected' "below $text" \
			'actual' "unknown (null in the report)"
		return
	fi
	_corral_less "$value" "$limit" && return 0
	_corral_fail "$what is not below $text" 'expected' "below $text ($limit $unit)" \
		'actual' "$value $unit"
}

# assert_corral_memory_below SIZE
#
# Fail unless the peak memory (memory_peak_bytes: the cgroup's peak, or
# without a cgroup the largest process's) is below SIZE (64M, 1.5G, 4096).
assert_corral_memory_below() {
	local bytes
	if (($# != 1)) || ! bytes=$(_corral_size_bytes "$1"); then
		_corral_usage assert_corral_memory_below "usage: assert_corral_memory_below SIZE (such as 64M)"
		return
	fi
	_corral_need_report assert_corral_memory_below || return
	_corral_below 'memory peak' "$corral_memory_peak_bytes" bytes "$1" "$bytes"
}

# assert_corral_cpu_below DURATION
#
# Fail unless the CPU time, user and system, of everything in the sandbox
# is below DURATION (1s, 250ms, 1.5m).
assert_corral_cpu_below() {
	local ms
	if (($# != 1)) || ! ms=$(_corral_duration_ms "$1"); then
		_corral_usage assert_corral_cpu_below "usage: assert_corral_cpu_below DURATION (such as 1s or 250ms)"
		return
	fi
	_corral_need_report assert_corral_cpu_below || return
	_corral_below 'cpu time' "$corral_cpu_ms" ms "$1" "${ms%.000}"
}

# assert_corral_wall_below DURATION
#
# Fail unless the run took less than DURATION of wall-clock time. On a
# loaded machine wall time varies far more than CPU time: prefer
# assert_corral_cpu_below, and a generous DURATION here.
assert_corral_wall_below() {
	local ms
	if (($# != 1)) || ! ms=$(_corral_duration_ms "$1"); then
		_corral_usage assert_corral_wall_below "usage: assert_corral_wall_below DURATION (such as 2s)"
		return
	fi
	_corral_need_report assert_corral_wall_below || return
	_corral_below 'wall time' "$corral_wall_time_ms" ms "$1" "${ms%.000}"
}

# assert_corral_pids_below N
#
# Fail unless the most processes and threads alive at once (pids_peak,
# known with a cgroup) was below N.
assert_corral_pids_below() {
	if (($# != 1)) || ! [[ $1 =~ ^[0-9]+$ ]]; then
		_corral_usage assert_corral_pids_below "usage: assert_corral_pids_below N"
		return
	fi
	_corral_need_report assert_corral_pids_below || return
	_corral_below 'pids peak' "$corral_pids_peak" pids "$1" "$1"
}

# assert_corral_report [JQ_OPTION]... FILTER
#
# Fail unless jq's FILTER on the report is true (jq -e: neither false nor
# null), for any key without an assertion of its own:
#   assert_corral_report '.limits.memory_bytes == 67108864'
#   assert_corral_report --arg c ./tool '.command[0] == $c'
assert_corral_report() {
	if (($# < 1)); then
		_corral_usage assert_corral_report "usage: assert_corral_report [JQ_OPTION]... FILTER"
		return
	fi
	_corral_need_report assert_corral_report || return
	local result rc=0
	result=$(jq -e "$@" "$corral_report" 2>&1) || rc=$?
	((rc == 0)) && return 0
	if ((rc != 1)); then
		_corral_usage assert_corral_report "jq: ${*: -1}: $result"
		return
	fi
	_corral_fail 'corral report does not match' 'filter' "${*: -1}" 'result' "$result"
}
