#!/bin/bash
# make check-slurm: corral as every task's sandbox under Slurm, on a one-node
# cluster started here for the test and stopped at its end.
#
# make check-slurm installs munge, slurmctld, slurmd, slurm-client and
# libslurm-dev (scripts/deps.sh check-slurm, which starts none of the
# system's daemons) and builds corral and the SPANK plugin; this starts
# its own munged, slurmctld and slurmd: every file under one temporary
# directory (config, keys, sockets, state, spool, logs, reports), ports of
# its own on 127.0.0.1, no accounting database (jobcomp/filetxt records
# each job's exit code). slurmd runs in a cgroup the test makes beneath its
# own (one per hierarchy on cgroup v1, one subtree on v2), inside new cgroup
# and mount namespaces where that cgroup is the root of a fresh cgroup
# mount: Slurm's cgroups (slurm_<node>/uid_0/job_J/step_S/task_T on v1,
# system.slice/slurmstepd.scope/job_J/... on v2) land there and nowhere
# else. tests/slurm/tests.sh then runs the checks, as TAP.
#
# At the end (also on failure, ^C or TERM), it cancels what is left, stops
# the daemons by the pids they have, kills whatever is still in its cgroups,
# removes the cgroups and the directory, and checks that all of it is gone.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
#
# make check-slurm-v2 runs it in check-v2's VM, on cgroup v2
# (tests/slurm/check-slurm.bats), with what the host installed and built.
#
# Environment: CHECK_SLURM_CGROUP (cgroup v2: a cgroup whose children may
# have the cpuset, memory, pids and cpu controllers, when the test's own cgroup is
# not the root; see below), CHECK_SLURM_KEEP=1 (keep the directory),
# CHECK_SLURM_BENCH=N (after the checks, N rounds of tests/slurm/bench.sh:
# what corral adds to a task's srun).
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
export LC_ALL=C

# --- inside the namespaces: mount the cgroups afresh, then exec slurmd ----
# Usage: check-slurm.sh __ns v1|v2 MOUNTS -- COMMAND...; MOUNTS holds
# "MOUNTPOINT OPTIONS" lines, the options as the host's mount has them
# (the same options: a cgroup2 mount applies its own to the one superblock).
if [ "${1:-}" = __ns ]; then
	mode=$2 mounts=$3
	shift 4
	set -e
	mount --make-rprivate /
	# Only this mount namespace sees this: the host keeps its mounts.
	while read -r mp _; do
		umount -l "$mp" 2>/dev/null || true
	done < <(awk '$3 ~ /^cgroup2?$/ { print $2 }' /proc/self/mounts | sort -r)
	if [ "$mode" = v1 ]; then
		mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup
		while read -r mp opts; do
			mkdir -p "$mp"
			mount -t cgroup -o "$opts" cgroup "$mp"
		done <<<"$mounts"
	else
		read -r mp opts <<<"$mounts"
		mount -t cgroup2 -o "$opts" cgroup2 "$mp"
		# The namespace's root is the test's cgroup: this process leaves
		# it for a leaf, so that the root may give its children controllers.
		mkdir "$mp/daemon"
		echo $$ >"$mp/daemon/cgroup.procs"
		for c in $(cat "$mp/cgroup.controllers"); do
			case $c in cpu | cpuset | memory | pids) echo "+$c" >"$mp/cgroup.subtree_control" ;; esac
		done
		# Where systemd would have put slurmd: Slurm (IgnoreSystemd=yes)
		# makes its slurmstepd scope in system.slice, but not the slice,
		# and expects the slice to give the scope its controllers, as
		# systemd's does: without them slurmd says "Controller memory is
		# not enabled!", makes no job cgroups and the tasks stay in its own.
		mkdir "$mp/system.slice"
		for c in $(cat "$mp/cgroup.subtree_control"); do
			echo "+$c" >"$mp/system.slice/cgroup.subtree_control"
		done
	fi
	exec "$@"
fi

t0=$(date +%s.%N)
elapsed() { echo "$(date +%s.%N) $t0" | awk '{ printf "%.0f", $1 - $2 }'; }
pass=0 fail=0
ok() {
	pass=$((pass + 1))
	echo "ok - $*"
}
not_ok() {
	fail=$((fail + 1))
	echo "not ok - $*"
}
die() {
	echo "check-slurm: error: $*" >&2
	not_ok "check-slurm: $*"
	# Once on_exit is the trap (below), it prints the count.
	[ -n "${trapped:-}" ] || echo "$pass passed, $fail failed"
	exit 1
}
[ "$(id -u)" -eq 0 ] || { echo "check-slurm: error: needs root (it starts slurmd)" >&2; echo "0 passed, 1 failed"; exit 1; }

# What it runs: make check-slurm installs it (scripts/deps.sh check-slurm)
# and builds corral, the probe and the plugin first.
if [ -z "${CHECK_SLURM_NETNS:-}" ]; then
	for f in munged slurmctld slurmd srun sbatch scontrol sinfo squeue sstat scancel jq \
		"$TOP/corral" "$TOP/tests/probe" "$TOP/build/spank_corral.so"; do
		[ -e "$f" ] || command -v "$f" >/dev/null ||
			die "no $f: run make check-slurm (scripts/deps.sh check-slurm, make all build/spank_corral.so)"
	done
fi

# The cluster lives in a network namespace of its own: loopback, and one
# address that is not (192.0.2.1, TEST-NET-1), since Slurm resolves with
# AI_ADDRCONFIG, which finds no IPv4 address on a host with loopback alone
# (the check-v2 VM). Nothing of it reaches the host's network.
if [ -z "${CHECK_SLURM_NETNS:-}" ]; then
	export CHECK_SLURM_NETNS=1
	exec unshare --net -- "$TOP/scripts/check-slurm.sh" "$@"
fi
ip link set lo up && ip addr add 192.0.2.1/32 dev lo || die "loopback in the test's network namespace"
echo "# check-slurm: $(slurmd -V), $(munged -V | cut -d' ' -f1)"

# --- the directory and the cleanup ---------------------------------------------
T=$(mktemp -d /tmp/corral-slurm.XXXXXX) || { echo "0 passed, 1 failed"; exit 1; }
chmod 755 "$T" # munged wants every directory above its socket searchable
mkdir -p "$T/etc" "$T/state" "$T/spool" "$T/log" "$T/munge" "$T/work"
CGROUPS=$T/cgroups # the cgroups made here: one directory a line
: >"$CGROUPS"
daemon_pids=""
ctld_pid=""
tests_pid=""

# Kill every process in cgroup directory $1 and below, then remove them,
# deepest first. Only what this test made is there: the daemons and what
# they started.
remove_cgroup_tree() {
	local d p
	[ -d "$1" ] || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		while read -r d; do
			while read -r p; do
				[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
			done <"$d/cgroup.procs"
			rmdir "$d" 2>/dev/null
		done < <(find "$1" -depth -type d 2>/dev/null)
		[ -d "$1" ] || return 0
		sleep 0.2
	done
	return 1
}

stop_pid() { # pid name: TERM, then KILL if it does not go
	kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "# check-slurm: $2 ($1) did not stop on SIGTERM: SIGKILL" >&2
	kill -KILL "$1" 2>/dev/null
}

cleaned=""
cleanup() {
	[ -z "$cleaned" ] || return
	cleaned=1
	local pid name
	# The controller may be gone already (a signal to the whole group):
	# then a client would wait for it.
	if [ -n "${SLURM_CONF:-}" ] && [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2>/dev/null; then
		scancel --quiet --full --user=root 2>/dev/null
		for _ in $(seq 100); do
			[ -z "$(squeue -h 2>/dev/null)" ] && break
			sleep 0.2
		done
	fi
	# Stop them in the reverse order: slurmd, slurmctld, munged.
	for entry in $(echo "$daemon_pids" | tr ' ' '\n' | tac); do
		pid=${entry%%:*} name=${entry#*:}
		stop_pid "$pid" "$name"
	done
	while read -r d; do
		remove_cgroup_tree "$d" || echo "# check-slurm: could not remove $d" >&2
	done <"$CGROUPS"
}

final_checks() {
	local entry pid left d
	left=""
	for entry in $daemon_pids; do
		pid=${entry%%:*}
		kill -0 "$pid" 2>/dev/null && left="$left ${entry#*:}($pid)"
	done
	# slurmstepd daemonizes; it would be in the test's cgroups, which must
	# be gone: checked next.
	[ -z "$left" ] && ok "no daemon left running" || not_ok "daemons left running:$left"
	left=""
	while read -r d; do
		[ -d "$d" ] && left="$left $d"
	done <"$CGROUPS"
	[ -z "$left" ] && ok "no cgroup left ($(wc -l <"$CGROUPS") made)" || not_ok "cgroups left:$left"
	if [ -n "${CHECK_SLURM_KEEP:-}" ]; then
		echo "# check-slurm: kept $T"
	else
		rm -rf "$T"
		[ ! -e "$T" ] && ok "no file left ($T removed)" || not_ok "$T could not be removed"
	fi
}

on_exit() {
	local rc=$?
	# Nothing stops the cleanup: make passes a SIGTERM on to this script
	# after timeout(1) has sent one to the whole group, and a second
	# signal's `exit` would end the script here, leaving it all running.
	trap '' INT TERM HUP
	# A trap taken inside `IFS= read` runs with that IFS.
	IFS=$' \t\n'
	[ -z "$tests_pid" ] || kill -TERM -- "-$tests_pid" 2>/dev/null
	cleanup
	final_checks
	echo "# check-slurm: $(elapsed) s in all"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] && [ "$rc" -eq 0 ]
	exit $?
}
trap on_exit EXIT
trapped=1
trap 'echo "# check-slurm: interrupted" >&2; not_ok "check-slurm: interrupted by a signal before its end"; exit 130' INT TERM HUP

# --- cgroups -----------------------------------------------------------------
# v1: in every hierarchy Slurm or corral uses, a child of the test's own
# cgroup. v2: one child of the test's own cgroup, or of CHECK_SLURM_CGROUP.
V1_CTRLS="cpu cpuacct cpuset memory pids freezer devices"
NAME=corral-slurm-$$
mounts=""
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	CG_MODE=v2
	opts=$(awk '$5 == "/sys/fs/cgroup" { split($0, a, " - "); split(a[2], b, " "); print b[3] }' /proc/self/mountinfo)
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	parent=${CHECK_SLURM_CGROUP:-/sys/fs/cgroup${own%/}}
	# A cgroup with processes cannot give its children controllers; the
	# root is exempt. Elsewhere a delegated, empty parent must be named.
	for c in cpuset memory pids; do
		grep -qw "$c" "$parent/cgroup.subtree_control" 2>/dev/null ||
			echo "+$c" >"$parent/cgroup.subtree_control" 2>/dev/null ||
			die "cgroup v2: $parent cannot give its children the $c controller (it has processes, or $c is not delegated to it): set CHECK_SLURM_CGROUP to a delegated cgroup whose children may have cpuset, memory, pids and cpu"
	done
	d=$parent/$NAME
	mkdir "$d" || die "mkdir $d"
	echo "$d" >>"$CGROUPS"
	mounts="/sys/fs/cgroup ${opts#rw,}"
	cg_dirs=$d
else
	CG_MODE=v1
	# mountinfo: ... MOUNTPOINT ... - cgroup cgroup rw,memory
	while read -r mp sopts; do
		ctrls=""
		for o in ${sopts//,/ }; do
			case " $V1_CTRLS " in *" $o "*) ctrls="$ctrls${ctrls:+,}$o" ;; esac
		done
		[ -n "$ctrls" ] || continue
		first=${ctrls%%,*}
		own=$(awk -F: -v c="$first" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup)
		d=$mp${own%/}/$NAME
		mkdir "$d" || die "mkdir $d"
		echo "$d" >>"$CGROUPS"
		if [ "${ctrls/cpuset/}" != "$ctrls" ]; then
			# A v1 cpuset takes no task until it has CPUs and memory nodes.
			cat "$d/../cpuset.cpus" >"$d/cpuset.cpus"
			cat "$d/../cpuset.mems" >"$d/cpuset.mems"
		fi
		mounts="$mounts${mounts:+$'\n'}$mp ${sopts#rw,}"
	done < <(awk '{ split($0, a, " - "); split(a[2], b, " "); if (b[1] == "cgroup") { split(a[1], f, " "); print f[5], b[3] } }' /proc/self/mountinfo)
	[ -n "$mounts" ] || die "no cgroup v1 hierarchy found"
	cg_dirs=$(cat "$CGROUPS")
fi
echo "# check-slurm: cgroup $CG_MODE; the test's cgroups: $(echo $cg_dirs)"

# --- configuration -------------------------------------------------------------
NODE=$(hostname -s)
# Slurm's own ports: the network namespace is the test's.
port=6817
KILL_WAIT=10
# How Slurm tracks a task's processes and counts what they use. v1: by the
# task's cgroups, which hold corral's (memory and cpuacct nest). v2: the
# cgroup plugins read the task's own leaf cgroup alone, and corral's cannot
# be a child of it (the no-internal-process rule: it is the step's, beside
# it), so Slurm would count corral's supervisor and not the sandbox; the
# process tree holds the sandbox whatever its cgroup (corral's PID 1 keeps
# even orphans in it), so there proctrack/linuxproc and jobacct_gather/linux.
PROCTRACK=proctrack/cgroup ACCT=jobacct_gather/cgroup
[ "$CG_MODE" = v1 ] || PROCTRACK=proctrack/linuxproc ACCT=jobacct_gather/linux
cat >"$T/etc/slurm.conf" <<EOF
# make check-slurm's one-node cluster: everything under $T
ClusterName=corraltest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$T/etc/plugstack.conf
# Tasks in cgroups of Slurm's making (task/cgroup: memory on v1, the
# step's subtree on v2). Tracking and accounting: see PROCTRACK above.
ProctrackType=$PROCTRACK
TaskPlugin=task/cgroup
JobAcctGatherType=$ACCT
JobAcctGatherFrequency=1
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$T/jobcomp.txt
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=$KILL_WAIT
MinJobAge=3600
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
# Four tasks per core: the tasks mostly wait (time limits) or are small.
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
if [ "$CG_MODE" = v1 ]; then
	cat >"$T/etc/cgroup.conf" <<EOF
CgroupPlugin=cgroup/v1
CgroupAutomount=no
ConstrainCores=no
ConstrainRAMSpace=no
ConstrainDevices=no
EOF
else
	cat >"$T/etc/cgroup.conf" <<EOF
CgroupPlugin=cgroup/v2
# No systemd here: slurmd makes its cgroups itself, in the namespace's root.
IgnoreSystemd=yes
CgroupAutomount=yes
# On v2 task/cgroup puts a task in a cgroup of its own (job_J/step_S/user/
# task_T) only for a constraint it applies, and proctrack/linuxproc makes
# none: the cores are that constraint (cpuset). Without it every task
# stays in slurmd's cgroup.
ConstrainCores=yes
ConstrainRAMSpace=no
ConstrainDevices=no
EOF
fi
echo "required $TOP/build/spank_corral.so wrapper=$TOP/slurm/corral-slurm" >"$T/etc/plugstack.conf"
export SLURM_CONF=$T/etc/slurm.conf

# --- the daemons -----------------------------------------------------------------
wait_until() { # seconds command...: poll until it succeeds, for at most that long
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}
alive() { kill -0 "$1" 2>/dev/null; }

dd if=/dev/urandom of="$T/munge/key" bs=1024 count=1 status=none
chmod 600 "$T/munge/key"
munged --foreground --socket="$T/munge/socket" --key-file="$T/munge/key" \
	--pid-file="$T/munge/pid" --log-file="$T/log/munged.log" --seed-file="$T/munge/seed" \
	>"$T/log/munged.out" 2>&1 &
daemon_pids="$!:munged"
wait_until 30 test -S "$T/munge/socket" || { cat "$T/log/munged.out" >&2; die "munged did not start"; }

slurmctld -D -c -f "$SLURM_CONF" >"$T/log/slurmctld.out" 2>&1 &
daemon_pids="$daemon_pids $!:slurmctld"
ctld_pid=$!

# slurmd: moved into the test's cgroups, then new cgroup and mount
# namespaces rooted there; $! stays slurmd's pid through the execs.
(
	while read -r d; do echo "$BASHPID" >"$d/cgroup.procs"; done <"$CGROUPS"
	exec unshare --cgroup --mount -- "$TOP/scripts/check-slurm.sh" __ns "$CG_MODE" "$mounts" -- slurmd -D -f "$SLURM_CONF"
) >"$T/log/slurmd.out" 2>&1 &
daemon_pids="$daemon_pids $!:slurmd"
slurmd_pid=$!

node_idle() { [ "$(timeout 20 sinfo -h -n "$NODE" -o %T 2>/dev/null)" = idle ]; }
if ! wait_until 90 node_idle; then
	tail -n 20 "$T/log/slurmctld.log" "$T/log/slurmd.log" "$T/log/slurmd.out" 2>/dev/null | sed 's/^/# /'
	die "the node did not come up (see the logs above)"
fi
alive "$slurmd_pid" || die "slurmd exited"
echo "# check-slurm: cluster up in $(elapsed) s: node $NODE, ports $port-$((port + 1)), $T"

# --- the checks ----------------------------------------------------------------------
export T TOP CG_MODE CGROUPS NODE KILL_WAIT ACCT PROCTRACK
# In a process group of its own (setsid), so that an interrupted run stops
# it and the sruns it waits on.
exec 4< <(exec setsid tests/slurm/tests.sh 2>&1)
tests_pid=$!
while IFS= read -r line <&4; do
	printf '%s\n' "$line"
	case $line in
	"ok "*) pass=$((pass + 1)) ;;
	"not ok "*) fail=$((fail + 1)) ;;
	esac
done
exec 4<&-
tests_pid=""
[ -z "${CHECK_SLURM_BENCH:-}" ] || tests/slurm/bench.sh
alive "$slurmd_pid" && ok "slurmd still running after the checks" || not_ok "slurmd died during the checks"
exit 0
