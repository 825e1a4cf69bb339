#!/bin/bash
# The checks of make check-slurm, as TAP lines ("ok - ...", "not ok - ..."),
# against the cluster scripts/check-slurm.sh has started. From it: T (the
# test's directory), TOP, SLURM_CONF, CG_MODE (v1|v2), CGROUPS (the file
# listing the test's cgroups), NODE, KILL_WAIT, ACCT.
#
# What a user of Slurm would observe: the exit code Slurm records for each
# task (scontrol, and the jobcomp file that outlives the controller's
# memory), the report corral-slurm leaves for each task, where corral's
# cgroup sits while a task runs and that nothing of it (or of Slurm's) is
# left after, what Slurm's accounting sees, what scancel does.
# shellcheck disable=SC2317 # the checks are functions called through check()
set -u
export LC_ALL=C
WORK=$T/work
cd "$WORK" || exit 1
export CORRAL=$TOP/corral PROBE=$TOP/tests/probe WRAPPER=$TOP/slurm/corral-slurm
export CASES=$TOP/tests/slurm/cases CORRAL_PROFILE_PATH=$TOP/profiles
export CORRAL_SLURM_REPORTS=$WORK/reports
R=$CORRAL_SLURM_REPORTS
mkdir -p "$WORK/out" "$WORK/sync"

failed=0
t0=$(date +%s)
since() { echo "$(($(date +%s) - t0)) s"; }
ok() { echo "ok - $*"; }
not_ok() {
	echo "not ok - $*"
	failed=$((failed + 1))
}
note() { sed 's/^/#   /'; }
# check NAME COMMAND...: one TAP line; the command's output is shown on failure.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name"
		printf '%s\n' "$out" | tail -n 30 | note
	fi
}
wait_until() { # seconds command...: poll until it succeeds, for at most that long
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}
fail_with() {
	echo "$*"
	return 1
}
# The controller's record of a job: "KEY=VALUE ..." on one line.
job_record() { scontrol -o show job "$1" 2>/dev/null; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
job_id_by_name() { squeue -h -a -t all -n "$1" -o %i 2>/dev/null | head -1; }
jobcomp() { grep -E "^JobId=$1 " "$T/jobcomp.txt" 2>/dev/null; }
gone() { ! squeue -h -j "$1" 2>/dev/null | grep -q .; }

# Every corral-<pid> cgroup of the test's cgroups, and Slurm's of job $1.
corral_cgroups() { while read -r d; do find "$d" -type d -name 'corral-[0-9]*'; done <"$CGROUPS"; }
# On v2 Slurm's step cleanup first moves slurmstepd to the root of the
# cgroup mount, which in the test's cgroup namespace is not the real root
# and, having children with controllers, takes no process (EBUSY): Slurm
# then leaves its job_J behind until the test removes it. So on v2 only
# corral's cgroups are checked after a task, on v1 Slurm's too.
slurm_job_cgroups() {
	[ "$CG_MODE" = v1 ] || return 0
	while read -r d; do find "$d" -type d -name "job_$1"; done <"$CGROUPS"
}

# --- the array job: every verdict -------------------------------------------------------
n=$(grep -cv '^#' "$CASES")
A=$(sbatch --parsable --array=0-$((n - 1)) -J corral-array -t 10 -o "$WORK/out/%A_%a.out" \
	-e "$WORK/out/%A_%a.err" "$TOP/tests/slurm/job.sh")
if [ -z "$A" ]; then
	not_ok "sbatch --array=0-$((n - 1)) was refused"
	exit 1
fi
echo "# array job $A: $n tasks"
# Bounded, not timed: the longest task takes a few seconds.
if ! wait_until 600 gone "$A"; then
	not_ok "array job $A: tasks still queued or running after 600 s"
	squeue | note
fi
echo "# array job $A done at $(since)"
# The records, read once (a process costs tens of ms on a loaded machine):
# the controller's, and the jobcomp file's, by array task.
declare -A ctl=() comp=()
while IFS= read -r rec; do
	[[ $rec =~ \ ArrayTaskId=([0-9]+)\  ]] && ctl[${BASH_REMATCH[1]}]=$rec
done < <(scontrol -o show job "$A" 2>/dev/null)
while IFS= read -r rec; do
	[[ $rec =~ \ ArrayJobId=$A\ ArrayTaskId=([0-9]+)\  ]] && comp[${BASH_REMATCH[1]}]=$rec
done <"$T/jobcomp.txt"
# key KEY RECORD: the value of KEY=VALUE in a record, in $v.
key() { v="" && [[ " $2 " =~ \ $1=([^ ]*)\  ]] && v=${BASH_REMATCH[1]}; }
i=0
declare -A status_count=()
while IFS=$'\t' read -r name status code test args; do
	case $name in '#'* | '') continue ;; esac
	rep=$R/${A}_$i.batch.0.json
	want_state=FAILED
	[ "$code" -eq 0 ] && want_state=COMPLETED
	problems=""
	if [ ! -s "$rep" ]; then
		problems="no report $rep"
	else
		[ "$test" != - ] || test=true
		jq -e --arg s "$status" --argjson c "$code" ".status == \$s and .exit_code == \$c and ($test)" \
			"$rep" >/dev/null || problems="the report is not $status $code, or fails $test"
	fi
	key ExitCode "${ctl[$i]:-}"
	[ "$v" = "$code:0" ] || problems="$problems${problems:+; }scontrol: ExitCode=$v, not $code:0"
	key JobState "${ctl[$i]:-}"
	[ "$v" = "$want_state" ] || problems="$problems${problems:+; }scontrol: JobState=$v, not $want_state"
	key ExitCode "${comp[$i]:-}"
	[ "$v" = "$code:0" ] || problems="$problems${problems:+; }jobcomp: ExitCode=$v, not $code:0"
	if [ -z "$problems" ]; then
		ok "array task $i ($name): report $status $code, Slurm recorded $code:0 ($want_state)"
	else
		not_ok "array task $i ($name): $problems"
		{
			echo "case: $args"
			cat "$rep" 2>/dev/null
			tail -n 5 "$WORK/out/${A}_$i.err" 2>/dev/null
		} | note
	fi
	status_count[$status]=$((${status_count[$status]:-0} + 1))
	i=$((i + 1))
done <"$CASES"
check "array: the judge profile's own report file (corral-report.json) was not written: corral-slurm's --report wins" \
	test ! -e "$WORK/corral-report.json"
every_verdict() {
	local s
	for s in exited signaled timeout oom seccomp error; do
		[ -n "${status_count[$s]:-}" ] || fail_with "no $s" || return 1
		jq -e --arg s "$s" 'select(.status == $s)' "$R/${A}"_*.batch.0.json | grep -q . ||
			fail_with "no report says $s" || return 1
	done
}
check "array: every verdict is among the tasks (exited, signaled, timeout, oom, seccomp, error)" every_verdict

# --- the collector --------------------------------------------------------------------
collect_ok() {
	local out want s
	out=$("$TOP/examples/slurm-collect" "$R" "$A") || fail_with "slurm-collect failed: $out" || return 1
	printf '%s\n' "$out"
	[ "$(grep -c "^${A}_" <<<"$out")" -eq "$n" ] || fail_with "not $n task rows" || return 1
	want="$n tasks:"
	for s in exited signaled timeout oom seccomp error; do
		[ -z "${status_count[$s]:-}" ] || want="$want $s ${status_count[$s]},"
	done
	grep -qF "${want%,}" <<<"$out" || fail_with "no line '${want%,}'" || return 1
	# The memory peak it names is the largest in the reports.
	local peak
	peak=$(jq -s 'map(.memory_peak_bytes // 0) | max' "$R/${A}"_*.json)
	grep -q "^memory peak: $(awk -v b="$peak" 'BEGIN { printf "%.1f MiB", b / 1048576 }')" <<<"$out" ||
		fail_with "memory peak is not $peak bytes"
}
check "examples/slurm-collect: one row per task, the verdict counts and the peaks of the array" collect_ok

echo "# array checked at $(since)"

# --- srun: a step of three tasks, one report each ---------------------------------------------
three_tasks() {
	local rc j
	srun -J corral-three -N1 -n3 -O "$WRAPPER" -- sh -c 'exit $SLURM_PROCID'
	rc=$?
	[ $rc -eq 2 ] || fail_with "srun exited $rc, not 2 (the highest task's)" || return 1
	j=$(job_id_by_name corral-three)
	for t in 0 1 2; do
		jq -e --argjson t $t '.status == "exited" and .exit_code == $t' "$R/$j.0.$t.json" ||
			fail_with "report $j.0.$t.json: $(cat "$R/$j.0.$t.json" 2>&1)" || return 1
	done
	[ "$(jobcomp "$j" | field ExitCode)" = 2:0 ] || fail_with "jobcomp: $(jobcomp "$j")"
}
check "srun -n3: reports JOB.0.0, JOB.0.1, JOB.0.2 with exit codes 0, 1, 2; srun and Slurm say 2" three_tasks

judge_stdin() {
	local out j
	out=$(echo 2 40 | srun -J corral-stdin "$WRAPPER" --profile judge -- sh -c 'read a b; echo $((a + b))') ||
		fail_with "srun failed: $out" || return 1
	[ "$out" = 42 ] || fail_with "output '$out', not 42" || return 1
	j=$(job_id_by_name corral-stdin)
	jq -e '.status == "exited" and .profiles == ["judge"]' "$R/$j.0.0.json"
}
check "srun: the task's stdin reaches the command in the sandbox (judge profile: 2 40 -> 42)" judge_stdin

# --- the SPANK plugin -----------------------------------------------------------------------
plugin_two() {
	local out j
	out=$(srun -J corral-plugin -N1 -n2 -O --corral=default sh -c 'echo $$') ||
		fail_with "srun failed: $out" || return 1
	[ "$(echo $out)" = "2 2" ] || fail_with "pids '$out', not '2 2': not in a sandbox" || return 1
	j=$(job_id_by_name corral-plugin)
	for t in 0 1; do
		jq -e '.status == "exited" and .profiles == ["default"] and .command == ["sh", "-c", "echo $$"]' \
			"$R/$j.0.$t.json" || fail_with "report $j.0.$t.json" || return 1
	done
}
check "plugin: srun --corral=default runs each task as PID 2 of a sandbox, with its report" plugin_two

printf 'time-limit = 1s\n' >"$WORK/short.profile"
plugin_timeout() {
	local rc j
	srun -J corral-plugin-tl --corral="default,$WORK/short.profile" sleep 60
	rc=$?
	[ $rc -eq 124 ] || fail_with "srun exited $rc, not 124" || return 1
	j=$(job_id_by_name corral-plugin-tl)
	jq -e '.status == "timeout" and .limits.time_ms == 1000' "$R/$j.0.0.json" || return 1
	[ "$(jobcomp "$j" | field ExitCode)" = 124:0 ] || fail_with "jobcomp: $(jobcomp "$j")"
}
check "plugin: --corral=default,PATH takes a profile file: time-limit 1s gives 124, in the report and in Slurm" plugin_timeout

plugin_sbatch() {
	local j
	j=$(sbatch --parsable --wait -J corral-plugin-sbatch --corral=default -o "$WORK/out/%j.out" \
		--wrap 'echo "batch $$"; srun sh -c "echo step \$\$"') || fail_with "sbatch failed" || return 1
	grep -qx 'step 2' "$WORK/out/$j.out" || fail_with "$(cat "$WORK/out/$j.out")" || return 1
	grep -q '^batch [0-9]' "$WORK/out/$j.out" && ! grep -qx 'batch 2' "$WORK/out/$j.out" ||
		fail_with "the batch script ran in a sandbox: $(cat "$WORK/out/$j.out")" || return 1
	[ -s "$R/$j.0.0.json" ] && [ ! -e "$R/$j.batch.0.json" ] || fail_with "reports: $(ls "$R" | grep "^$j\.")"
}
check "plugin: sbatch --corral passes the option to the script's srun (sandboxed), not to the batch script" plugin_sbatch

plugin_refuses() {
	local out
	out=$(srun -J corral-plugin-bad --corral='a b' true 2>&1) && fail_with "ran: $out" && return 1
	grep -q "is not a list of profiles" <<<"$out" || fail_with "$out" || return 1
	echo '0 true' >"$WORK/multi.conf"
	out=$(srun -J corral-plugin-multi --corral=default --multi-prog "$WORK/multi.conf" 2>&1) &&
		fail_with "ran: $out" && return 1
	grep -q "does not work with --multi-prog" <<<"$out" || fail_with "$out"
}
check "plugin: a bad --corral value and --multi-prog are refused before any task runs" plugin_refuses

plugin_default() {
	local conf out j
	conf=$(cat "$T/etc/plugstack.conf")
	# slurmstepd reads plugstack.conf at each step's start.
	echo "$conf default=default" >"$T/etc/plugstack.conf"
	out=$(srun -J corral-plugin-default sh -c 'echo $$' 2>&1)
	srun -J corral-plugin-default2 --corral=judge true
	echo "$conf" >"$T/etc/plugstack.conf"
	[ "$out" = 2 ] || fail_with "pid '$out', not 2: not in a sandbox" || return 1
	j=$(job_id_by_name corral-plugin-default)
	jq -e '.profiles == ["default"]' "$R/$j.0.0.json" || return 1
	j=$(job_id_by_name corral-plugin-default2)
	jq -e '.profiles == ["judge"]' "$R/$j.0.0.json"
}
check "plugin: default=PROFILE in plugstack.conf sandboxes every task without --corral; --corral=judge replaces it" plugin_default

# --- what several nodes need, on one: profiles and corral's version ---------------------
# A profile is looked up where the task runs, on the CORRAL_PROFILE_PATH of
# the task's environment (srun and sbatch pass the submitter's on).
mkdir -p "$WORK/shared-profiles"
printf 'include default\ntime-limit = 1s\n' >"$WORK/shared-profiles/site.profile"
shared_profiles() {
	local rc j
	CORRAL_PROFILE_PATH=$WORK/shared-profiles:$TOP/profiles srun -J corral-shared --corral=site sleep 60
	rc=$?
	[ $rc -eq 124 ] || fail_with "srun exited $rc, not 124" || return 1
	j=$(job_id_by_name corral-shared)
	jq -e '.status == "timeout" and .profiles == ["site"]' "$R/$j.0.0.json" || return 1
	srun -J corral-unshared --export="ALL,CORRAL_PROFILE_PATH=$TOP/profiles" --corral=site true
	rc=$?
	[ $rc -eq 125 ] || fail_with "without the path: srun exited $rc, not 125" || return 1
	j=$(job_id_by_name corral-unshared)
	jq -e '.status == "error" and .exit_code == 125' "$R/$j.0.0.json"
}
check "profiles: found through the task's CORRAL_PROFILE_PATH (a shared directory); without it the task fails 125, with a report" shared_profiles

same_version() {
	local v rc j
	v=$("$CORRAL" --version | cut -d' ' -f2)
	CORRAL_SLURM_VERSION=$v srun -J corral-version "$WRAPPER" -- true || fail_with "version $v refused" || return 1
	CORRAL_SLURM_VERSION=0.0-other srun -J corral-version-other "$WRAPPER" -- true
	rc=$?
	[ $rc -eq 125 ] || fail_with "another version: srun exited $rc, not 125" || return 1
	j=$(job_id_by_name corral-version-other)
	jq -e '.status == "error" and (.error | test("not corral 0.0-other"))' "$R/$j.0.0.json"
}
check "CORRAL_SLURM_VERSION: a node whose corral is another version refuses the task (125) and its report says why" same_version

# A job of an ordinary user (65534): corral runs rootless, in a user
# namespace, and its limits need a cgroup that user may write. corral, the
# wrapper and the profiles are copied where that user can read them.
rootless() {
	local d=$T/rootless j rc out
	mkdir -p "$d/reports" && chmod 1777 "$d/reports"
	cp "$CORRAL" "$WRAPPER" "$d/" && cp -r "$TOP/profiles" "$d/profiles" && chmod -R a+rX "$d"
	export CORRAL="$d/corral" CORRAL_PROFILE_PATH="$d/profiles" CORRAL_SLURM_REPORTS="$d/reports"
	out=$(srun -J corral-nobody --uid=65534 --gid=65534 "$d/corral-slurm" --memory 64M -- id -u 2>&1)
	rc=$?
	j=$(job_id_by_name corral-nobody)
	echo "--memory 64M: srun exited $rc: $out"
	cat "$d/reports/$j.0.0.json"
	if [ "$CG_MODE" = v1 ]; then
		# Slurm gives the task's memory cgroup to the job's user (chown):
		# corral's nests there, rootless.
		[ $rc -eq 0 ] && [ "$(tail -n 1 <<<"$out")" = 65534 ] || return 1
		jq -e '.status == "exited" and .limits.memory_bytes == 67108864 and .memory_peak_bytes > 0' \
			"$d/reports/$j.0.0.json" || return 1
		# The pids hierarchy, which Slurm leaves alone, is slurmd's: root's.
		out=$(srun -J corral-nobody-pids --uid=65534 --gid=65534 "$d/corral-slurm" --pids 8 -- true 2>&1)
		rc=$?
		echo "--pids 8: srun exited $rc: $out"
		[ $rc -eq 125 ] && grep -q "option pids needs a writable cgroup" <<<"$out"
	else
		# Slurm's v2 cgroups are root's: no cgroup for a rootless corral.
		[ $rc -eq 125 ] && grep -q "option memory needs a writable cgroup" <<<"$out" &&
			jq -e '.status == "error"' "$d/reports/$j.0.0.json"
	fi
}
if [ "$CG_MODE" = v1 ]; then
	check "rootless (a job of uid 65534), v1: --memory works in the task cgroup Slurm gives the user; --pids, whose hierarchy Slurm leaves to root, is an error (125)" rootless
else
	check "rootless (a job of uid 65534), v2: Slurm's cgroups are root's, so --memory is an error (125) naming the option" rootless
fi

echo "# srun and plugin checked at $(since)"

# --- where corral's cgroup is, what Slurm's accounting sees ------------------------------------------
# A task holding 100 MiB (dd's buffer, blocked on a pipe nobody reads)
# until $WORK/sync/go exists.
hold_cmd='dd if=/dev/zero bs=100M count=1 2>/dev/null | sh -c "while [ ! -e /sync/go ]; do sleep 0.1; done"'
rm -f "$WORK/sync/go"
srun -J corral-hold "$WRAPPER" --memory 256M --pids 16 --bind "$WORK/sync:/sync" -- sh -c "$hold_cmd" \
	>"$WORK/out/hold.out" 2>&1 &
srun_pid=$!
one_corral_cgroup() { [ "$(corral_cgroups | grep -c .)" -ge 1 ]; }
wait_until 60 one_corral_cgroup
J=$(job_id_by_name corral-hold)
nesting() {
	local cgs
	cgs=$(corral_cgroups)
	printf '%s\n' "$cgs"
	[ -n "$J" ] || fail_with "no job" || return 1
	if [ "$CG_MODE" = v1 ]; then
		# memory and cpuacct: Slurm's task cgroup; pids and cpu, which
		# Slurm leaves alone: slurmd's (the namespace's root).
		grep -Eq "^/sys/fs/cgroup/memory/.*/job_$J/step_0/task_0/corral-[0-9]+$" <<<"$cgs" ||
			fail_with "no memory cgroup under job_$J/step_0/task_0" || return 1
		grep -Eq "^/sys/fs/cgroup/pids(/.*)?/corral-slurm-[0-9]+/corral-[0-9]+$" <<<"$cgs" ||
			fail_with "no pids cgroup beneath slurmd's" || return 1
	else
		grep -Eq "/job_$J/step_0/user/corral-[0-9]+$" <<<"$cgs" ||
			fail_with "no cgroup under job_$J/step_0/user" || return 1
	fi
	# The sandbox is in it: init and the command's processes.
	local mem
	mem=$(grep -m1 -E "/job_$J/.*corral-[0-9]+$" <<<"$cgs")
	[ "$(grep -c . "$mem/cgroup.procs")" -ge 2 ] || fail_with "$mem holds $(cat "$mem/cgroup.procs")"
}
check "cgroup $CG_MODE: corral's cgroup is nested in Slurm's step (v1: the task's; v2: the step's user/), the sandbox in it" nesting
acct_sees() {
	local rss
	rss=$(sstat -n -P -j "$J.0" -o MaxRSS 2>/dev/null | head -1)
	echo "MaxRSS $rss"
	case $rss in
	*G) return 0 ;;
	*M) [ "${rss%M}" -ge 90 ] ;;
	*K) [ "${rss%K}" -ge 92160 ] ;;
	*) return 1 ;;
	esac
}
if wait_until 60 acct_sees; then
	ok "accounting ($PROCTRACK, $ACCT): sstat's MaxRSS of the step counts the 100 MiB held inside the sandbox ($(acct_sees | cut -d' ' -f2))"
else
	not_ok "accounting ($PROCTRACK, $ACCT): sstat's MaxRSS does not count the sandbox: $(acct_sees)"
fi
touch "$WORK/sync/go"
wait "$srun_pid"
rc=$?
no_cgroups_of() {
	local left
	left=$(corral_cgroups; slurm_job_cgroups "$1")
	[ -z "$left" ] || fail_with "left: $left"
}
# What the sruns of a check said, on failure.
srun_said() { echo "srun's output:" && cat "$WORK/out/$1.out"; }
after_hold() {
	[ "$rc" -eq 0 ] || fail_with "srun exited $rc: $(cat "$WORK/out/hold.out")" || return 1
	jq -e '.status == "exited" and .memory_peak_bytes >= 104857600' "$R/$J.0.0.json" || return 1
	wait_until 60 no_cgroups_of "$J" || { no_cgroups_of "$J"; srun_said hold; return 1; }
}
check "after the task: report exited with a memory peak of 100 MiB or more; no cgroup of corral's or of job $J's left" after_hold

echo "# cgroups and accounting checked at $(since)"

# --- scancel: SIGTERM, the grace, the report, nothing left -----------------------------------------
CORRAL_SLURM_GRACE=2 srun -J corral-cancel "$WRAPPER" --memory 64M --pids 8 --ro-bind "$PROBE" -- "$PROBE" ignore-term \
	>"$WORK/out/cancel.out" 2>&1 &
srun_pid=$!
# Cancelled once the probe ignores SIGTERM (bit 15 of SigIgn), not before.
ignoring_term() {
	local d p mask
	for d in $(corral_cgroups); do
		for p in $(cat "$d/cgroup.procs"); do
			grep -q ignore-term "/proc/$p/cmdline" 2>/dev/null || continue
			mask=$(awk '/^SigIgn:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
			[ -n "$mask" ] && [ $((0x$mask & 0x4000)) -ne 0 ] && return 0
		done
	done
	return 1
}
wait_until 60 ignoring_term
J=$(job_id_by_name corral-cancel)
scancel "$J"
wait "$srun_pid"
after_cancel() {
	[ -n "$J" ] || fail_with "no job" || return 1
	jq -e '.status == "signaled" and .signal == "SIGKILL" and .exit_code == 137' "$R/$J.0.0.json" ||
		fail_with "report: $(cat "$R/$J.0.0.json" 2>&1); srun: $(cat "$WORK/out/cancel.out")" || return 1
	wait_until 60 no_cgroups_of "$J" || { no_cgroups_of "$J"; srun_said cancel; return 1; }
	wait_until 60 gone "$J"
	[ "$(job_record "$J" | field JobState)" = CANCELLED ] || fail_with "$(job_record "$J")"
}
check "scancel of a task that ignores SIGTERM: the sandbox is killed before Slurm's SIGKILL (corral-slurm's grace 2 s, KillWait $KILL_WAIT s), the report is written, nothing left" after_cancel

echo "# scancel checked at $(since)"
exit $((failed > 0))
