#!/bin/bash
# examples/judge/judge.sh: a small contest judge on top of corral.
#
#   examples/judge/judge.sh [SOLUTION.py...]      (default: solutions/*.py)
#
# Runs each Python solution of "print the sum of two numbers" under the
# judge profile, one run per solution with its own JSON report, and prints
# a verdict table from the reports alone: the verdict comes from "status",
# the figures from the report's usage keys, and "limits_hit" says which
# limit bit even when the solution survived it. Needs corral on PATH (or
# CORRAL=path), jq and python3; cgroup limits need root or a delegated
# cgroup.
#
# Verdicts: AC accepted, WA wrong answer, TLE CPU time (cpu_timeout),
# WLE wall-clock time (timeout), MLE memory (oom), OLE output
# (output_limit), RE runtime error
# (exited non-zero, signaled, seccomp), IE corral's own error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
CORRAL=${CORRAL:-corral}
# A short contest: 1 s of CPU time (JUDGE_CPU_TIME, for a slower
# machine), 10 s of wall-clock time, 64M, 16 processes, 1M of output.
LIMITS=(--cpu-time-limit "${JUDGE_CPU_TIME:-1s}" --time-limit 10s --memory 64M --pids 16 --output-limit 1M)
input="2 40" expected=42
[ $# -gt 0 ] || set -- "$here"/solutions/*.py

work=$(mktemp -d "${TMPDIR:-/tmp}/judge.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

printf '%-14s %-4s %-12s %5s %8s %8s %8s  %s\n' solution verdict status exit cpu_ms wall_ms peak_MiB limits_hit
for sol in "$@"; do
	name=$(basename "$sol" .py)
	out=$work/$name.out report=$work/$name.json
	echo "$input" | "$CORRAL" --profile judge "${LIMITS[@]}" --report "$report" \
		--ro-bind "$(realpath "$sol"):/sol.py" -- python3 /sol.py >"$out" 2>/dev/null
	status=$(jq -r .status "$report")
	case $status in
	exited)
		if [ "$(jq -r .exit_code "$report")" != 0 ]; then
			verdict=RE
		elif [ "$(tr -d '[:space:]' <"$out")" = "$expected" ]; then
			verdict=AC
		else
			verdict=WA
		fi
		;;
	cpu_timeout) verdict=TLE ;;
	timeout) verdict=WLE ;;
	oom) verdict=MLE ;;
	output_limit) verdict=OLE ;;
	error) verdict=IE ;;
	*) verdict=RE ;;
	esac
	jq -r --arg name "$name" --arg v "$verdict" '[$name, $v, .status, .exit_code,
		((.cpu_user_ms // 0) + (.cpu_system_ms // 0) | floor), (.wall_time_ms | floor),
		(if .memory_peak_bytes then .memory_peak_bytes / 1048576 * 10 | floor / 10 else "-" end),
		(if (.limits_hit | length) > 0 then .limits_hit | join(",") else "-" end)]
		| @tsv' "$report" |
		awk -F'\t' '{ printf "%-14s %-4s %-12s %5s %8s %8s %8s  %s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
done
