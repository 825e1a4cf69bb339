#
# bats-corral - run a test's command in a corral sandbox
#
# corral_run.bash
# ---------------
#
# corral_run runs a command through corral with a JSON report in the test's
# temp dir, sets $status, $output and $lines as Bats's `run` does (it calls
# `run`), and reads the report into the corral_* variables below.
#

# The report's keys as variables: a variable name, then a jq filter on the
# report whose value it gets (null and missing keys give ""; an object or
# array gives its JSON). corral(1), REPORT, documents the keys. A key the
# report gains is one row here; a test suite can add its own rows too:
#   BATS_CORRAL_FIELDS+=(my_pids_limit .limits.pids)
BATS_CORRAL_FIELDS=(
	corral_verdict .status
	corral_exit_code .exit_code
	corral_signal .signal
	corral_wall_time_ms .wall_time_ms
	corral_cpu_user_ms .cpu_user_ms
	corral_cpu_system_ms .cpu_system_ms
	corral_cpu_ms 'if .cpu_user_ms == null then null else (.cpu_user_ms + .cpu_system_ms) * 10 | round / 10 end'
	corral_memory_peak_bytes .memory_peak_bytes
	corral_pids_peak .pids_peak
	corral_killed_syscall .seccomp.killed_syscall
	corral_violations_unlisted .seccomp.violations_unlisted
	corral_oom_kills .oom_kills
	corral_limits_hit 'if .limits_hit == null then null else .limits_hit | join(" ") end'
	corral_error .error
)

# The verdicts corral reports (the report's "status"), for checking what an
# assertion is asked for.
BATS_CORRAL_VERDICTS=(exited signaled oom timeout cpu_timeout seccomp error)

# Run a command in a corral sandbox, as Bats's `run` runs one.
#
# Usage: corral_run [RUN_FLAG]... [CORRAL_OPTION]... -- COMMAND [ARG]...
#        corral_run COMMAND [ARG]...
#
# RUN_FLAG: the flags of Bats's run (`!`, -N, --keep-empty-lines,
# --separate-stderr), passed on to it; as with run, they want
# `bats_require_minimum_version 1.5.0` in the test file. CORRAL_OPTION:
# corral's own options (--profile test, --memory 64M, ...); when the first
# argument after the run flags starts with `-`, everything up to `--` is one.
# corral is $CORRAL when set, else `corral` on PATH.
#
# Globals set:
#   status, output, lines (and stderr, stderr_lines): as `run` sets them
#   corral_report       the JSON report's path, in $BATS_TEST_TMPDIR
#   corral_verdict      exited, signaled, oom, timeout, cpu_timeout, seccomp
#                       or error
#   corral_exit_code    corral's exit status (the command's, or 128+signal,
#                       124 at the time limit, 137 at the memory limit, ...)
#   corral_signal       the signal that ended the command (SIGSEGV), or ""
#   corral_wall_time_ms, corral_cpu_user_ms, corral_cpu_system_ms,
#   corral_cpu_ms       (user + system), corral_memory_peak_bytes,
#   corral_pids_peak, corral_killed_syscall, corral_violations_unlisted,
#   corral_oom_kills (OOM kills in the sandbox, the command's or a
#   helper's), corral_limits_hit (the limits that bit, by option name),
#   corral_error        the rest of BATS_CORRAL_FIELDS ("" where unknown)
#   corral_violations   the syscalls the filter refused (seccomp-log), in
#                       the order first seen: an array
#   corral_violation_count
#                       an associative array: syscall name -> times refused
# When corral wrote no report (a bad option, corral killed), corral_report
# is still the path, the file is empty and every corral_* variable is "".
# Returns: what `run` returns (0, or 1 when a -N or ! expectation fails);
# 1, with an error, when the report is not one corral writes (jq cannot
# read it, or a value is not of its type: a string as a violation's count).
corral_run() {
	local -a run_flags=() opts=()
	while (($# > 0)); do
		case "$1" in
		'!' | -[0-9] | -[0-9][0-9] | -[0-9][0-9][0-9] | --keep-empty-lines | --separate-stderr)
			run_flags+=("$1")
			shift
			;;
		*) break ;;
		esac
	done
	if [[ ${1-} == -- ]]; then
		shift
	elif [[ ${1-} == -* ]]; then
		while (($# > 0)) && [[ $1 != -- ]]; do
			case "$1" in
			--report | --report=* | --report-format | --report-format=*)
				echo "corral_run writes the report itself (\$corral_report); do not pass $1" |
					batslib_decorate 'ERROR: corral_run' | fail
				return $?
				;;
			esac
			opts+=("$1")
			shift
		done
		if (($# == 0)); then
			echo "corral options need a -- before the command: corral_run ${opts[*]} -- COMMAND" |
				batslib_decorate 'ERROR: corral_run' | fail
			return $?
		fi
		shift
	fi
	if (($# == 0)); then
		echo "no command given: corral_run [CORRAL_OPTION]... -- COMMAND [ARG]..." |
			batslib_decorate 'ERROR: corral_run' | fail
		return $?
	fi

	if ! command -v "${CORRAL:-corral}" >/dev/null; then
		echo "no corral to run: '${CORRAL:-corral}' is not a command (set CORRAL, or put corral on PATH)" |
			batslib_decorate 'ERROR: corral_run' | fail
		return $?
	fi
	local dir=${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}}}
	corral_report=$(mktemp "$dir/corral-report.XXXXXX") || return 1
	local rc=0
	run "${run_flags[@]}" "${CORRAL:-corral}" --report "$corral_report" --report-format json \
		"${opts[@]}" -- "$@" || rc=$?
	_corral_output=$output
	_corral_status=$status
	if ! _corral_read_report; then
		echo "$_corral_no_report" | batslib_decorate 'ERROR: corral_run' | fail
		return $?
	fi
	return "$rc"
}

# Set the corral_* variables from $corral_report: "" for every one when
# there is no report, with the reason in _corral_no_report.
_corral_read_report() {
	local i prog=''
	for ((i = 0; i < ${#BATS_CORRAL_FIELDS[@]}; i += 2)); do
		printf -v "${BATS_CORRAL_FIELDS[i]}" '%s' ''
		prog+="\"${BATS_CORRAL_FIELDS[i]}=\" + ((try (${BATS_CORRAL_FIELDS[i + 1]}) catch null)"
		prog+=' | if . == null then "" else tostring end | @sh), '
	done
	# The output is eval'd: every value in it is quoted with @sh, or is a
	# number jq has checked. A report that is not corral's (a count that is
	# a string, a version that is not a number) stops jq with an error.
	prog='if type != "object" then error("not a JSON object")
	      elif (.version | type) != "number" or .version < 1 or .version != (.version | floor)
	        then error("version \(.version | tojson) is not a report format version")
	      elif (.status | type) != "string" then error("status \(.status | tojson) is not a string")
	      else . end | '"$prog"
	prog+='"corral_violations=(" + ([.seccomp.violations[]?.syscall | _corral_name | @sh] | join(" ")) + ")", '
	prog+='"corral_violation_count=(" + ([.seccomp.violations[]? | "[" + (.syscall | _corral_name | @sh)
	         + "]=" + (.count | _corral_count | tostring)] | join(" ")) + ")"'
	prog='def _corral_name: if type == "string" then . else error("the syscall of a violation, \(tojson) is not a string") end;
	      def _corral_count: if type == "number" and . >= 0 and . == floor then .
	        else error("the count of a violation, \(tojson) is not a whole number") end; '"$prog"
	corral_violations=()
	unset corral_violation_count
	declare -gA corral_violation_count=()
	_corral_no_report=''

	if [[ ! -s $corral_report ]]; then
		_corral_no_report="corral wrote no report (exit status $_corral_status)"
		return 0
	fi
	local assignments
	if ! assignments=$(jq -r "$prog" "$corral_report" 2>&1); then
		_corral_no_report="jq cannot read the report $corral_report: $assignments"
		return 1
	fi
	eval "$assignments"
}
