#!/bin/bash
# bench/run.sh: every comparison of bench/README.md in one run, on this
# machine, written to bench/results.json (raw figures) and bench/results.md
# (tables and targets). `make bench` builds what it needs and calls this.
#
# A row that cannot run (a peer missing, a corral option not there yet)
# is recorded as failed with its error and the run goes on. Settings come
# from the environment; see bench/README.md.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/bench
CORRAL=${CORRAL:-$ROOT/corral}
RUNS=${BENCH_RUNS:-50}
REPEAT=${BENCH_REPEAT:-6}
ROWS_WANTED=${BENCH_ROWS:-}
WARMUP=${BENCH_WARMUP:-20}
SECCOMP_RUNS=${BENCH_SECCOMP_RUNS:-7}
SYSCALLS=${BENCH_SYSCALLS:-1000000}
PID1_RUNS=${BENCH_PID1_RUNS:-3}
ORPHANS=${BENCH_ORPHANS:-10000}
PAR_N=${BENCH_PARALLEL_N:-1000}
SEQ_N=${BENCH_SEQUENTIAL_N:-1000}
MEM_RUNS=${BENCH_MEM_RUNS:-5}
TIMELINE_RUNS=${BENCH_TIMELINE_RUNS:-100}
OUT=${BENCH_OUT:-$B}
LIMITS=(--memory 256M --cpus 1 --pids 64)
# strict's own limits, as its profile sets them (corral --check), for the
# strict target's floor: "--memory 512M --pids 64".
STRICT_LIMITS=()
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

TMP=$(mktemp -d /tmp/corral-bench.XXXXXX)
chmod 755 "$TMP"
NOBODY_CACHE=$TMP/nobody-cache
mkdir -m 700 "$NOBODY_CACHE" && chown 65534:65534 "$NOBODY_CACHE"
ROWS=$TMP/rows.jsonl
: >"$ROWS"
REP=1 # which pass of the launch section (BENCH_REPEAT) a row is from
CREATED_CGROUPS=() # ancestors crun created for its cgroupsPath; removed at exit

# Deepest first; rmdir only removes an empty cgroup, and only ones that
# did not exist before crun ran (see crun_cgroup_path).
remove_crun_cgroups() {
	local i
	for ((i = ${#CREATED_CGROUPS[@]} - 1; i >= 0; i--)); do
		[ -d "${CREATED_CGROUPS[i]}" ] && rmdir "${CREATED_CGROUPS[i]}"
	done
	CREATED_CGROUPS=()
}

cleanup() {
	remove_crun_cgroups
	rm -rf "$TMP"
}
trap cleanup EXIT

say() { printf 'bench: %s\n' "$*" >&2; }

# emit SECTION ID NAME UNIT REF CMD VALUES-JSON [NOTE]: one measured row.
emit() {
	jq -nc --arg section "$1" --arg id "$2" --arg name "$3" --arg unit "$4" --arg ref "$5" \
		--arg cmd "$6" --argjson values "$7" --arg note "${8:-}" --argjson rep "$REP" \
		'{section: $section, id: $id, name: $name, unit: $unit,
		  ref: (if $ref == "" then null else $ref end), cmd: $cmd,
		  status: "ok", values: $values, note: $note, rep: $rep}' >>"$ROWS"
}

# failed SECTION ID NAME UNIT REF CMD WHY: a row that could not be measured.
failed() {
	say "$2: FAILED: $7"
	jq -nc --arg section "$1" --arg id "$2" --arg name "$3" --arg unit "$4" --arg ref "$5" \
		--arg cmd "$6" --arg note "$7" --argjson rep "$REP" \
		'{section: $section, id: $id, name: $name, unit: $unit,
		  ref: (if $ref == "" then null else $ref end), cmd: $cmd,
		  status: "failed", values: [], note: $note, rep: $rep}' >>"$ROWS"
}

# try CMD...: run once; on failure print the reason (the last line of
# stderr and the exit status) and return 1.
try() {
	local err=$TMP/try.err rc
	timeout 60 "$@" >/dev/null 2>"$err"
	rc=$?
	[ "$rc" -eq 0 ] && return 0
	printf '%s (exit %d)' "$(grep -v '^$' "$err" | tail -n 1 | cut -c1-200)" "$rc"
	return 1
}

# ---------------------------------------------------------------- launch
# wanted ID: true unless BENCH_ROWS names launch rows and not this one.
wanted() {
	[ -z "$ROWS_WANTED" ] || [[ " $ROWS_WANTED " == *" $1 "* ]]
}

# launch ID NAME REF [PREFIX... ---] CMD...: hyperfine CMD (no shell).
# PREFIX runs hyperfine itself (a private mount namespace for crun,
# setpriv for rootless) so the prefix's own cost is not in the figures.
launch() {
	local id=$1 name=$2 ref=$3
	shift 3
	wanted "$id" || return 0
	local prefix=() cmd=()
	if printf '%s\n' "$@" | grep -qx -- '---'; then
		while [ "$1" != "---" ]; do prefix+=("$1"); shift; done
		shift
	fi
	cmd=("$@")
	local cmdline="${cmd[*]}" why
	local shown="$cmdline"
	[ ${#prefix[@]} -gt 0 ] && shown="$cmdline (hyperfine run under: ${prefix[*]})"
	say "launch ($REP/$REPEAT): $id: $cmdline"
	if ! why=$(try "${prefix[@]}" "${cmd[@]}"); then
		failed launch "$id" "$name" ms "$ref" "$shown" "$why"
		return
	fi
	local dir=$TMP/hf-$id
	mkdir -p "$dir" && chmod 777 "$dir"
	# Caches are warm after the first pass: later ones warm up less.
	local warmup=$WARMUP
	((REP > 1 && warmup > 5)) && warmup=5
	if ! "${prefix[@]}" hyperfine -N --style none --warmup "$warmup" --runs "$RUNS" \
		--export-json "$dir/out.json" "$cmdline" >"$TMP/hf.log" 2>&1; then
		failed launch "$id" "$name" ms "$ref" "$shown" \
			"hyperfine: $(grep -v '^$' "$TMP/hf.log" | tail -n 1 | cut -c1-200)"
		return
	fi
	emit launch "$id" "$name" ms "$ref" "$shown" \
		"$(jq -c '[.results[0].times[] * 1000]' "$dir/out.json")"
}

# A minimal OCI bundle for crun in $TMP/bundle: /bin/true and the libraries
# it loads, copied into a read-only rootfs; the namespaces of the other rows
# and a cgroup (see crun_cgroup_path).
crun_bundle() {
	local b=$TMP/bundle f
	if [ -f "$b/config.json" ]; then # built by an earlier pass
		crun_cgroup_path
		return 0
	fi
	mkdir -p "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/sys"
	for f in /bin/true $(ldd /bin/true | grep -o '/[^ ]*'); do
		mkdir -p "$b/rootfs$(dirname "$f")"
		cp -L "$f" "$b/rootfs$f" || return 1
	done
	(cd "$b" && crun spec) || return 1
	crun_cgroup_path
	jq --arg cg "$CRUN_CGROUP" \
		'.process.args = ["/bin/true"] | .process.terminal = false
		 | .linux.namespaces += [{type: "cgroup"}] | .linux.cgroupsPath = $cg' \
		"$b/config.json" >"$b/config.new" && mv "$b/config.new" "$b/config.json"
}

# crun puts its cgroup at one path in every v1 hierarchy, and relative to
# the root, not to its own cgroup; the host's rule is to create cgroups only
# beneath our own. Our own path differs per controller (memory may sit
# deeper), so take the deepest, provided the others are its prefixes, and
# remember which ancestors do not exist yet in each hierarchy: crun creates
# them but removes only its leaf, so remove_crun_cgroups does the rest.
crun_cgroup_path() {
	local deepest="" p ok=1 mnt d part rest
	while IFS=: read -r _ _ p; do
		[ ${#p} -gt ${#deepest} ] && deepest=$p
	done </proc/self/cgroup
	while IFS=: read -r _ _ p; do
		case "${deepest%/}/" in "${p%/}/"*) ;; *) ok=0 ;; esac
	done </proc/self/cgroup
	[ "$ok" = 1 ] || deepest=""
	CRUN_CGROUP="${deepest%/}/corral-bench-crun-$$"
	for mnt in /sys/fs/cgroup/*/; do
		[ -L "${mnt%/}" ] && continue
		d=${mnt%/}
		rest=${CRUN_CGROUP#/}
		while [ -n "$rest" ]; do
			part=${rest%%/*}
			d=$d/$part
			[ -d "$d" ] || CREATED_CGROUPS+=("$d")
			[ "$rest" = "$part" ] && rest="" || rest=${rest#*/}
		done
	done
}

# Preflight: are corral's limits and filters really there? Options that
# parse but do nothing would make their rows measure nothing, so those rows
# are recorded as failed with the reason instead.
#   LIMITS_WHY   empty when a corral-* cgroup appears beneath our own while
#                a sandbox with limits runs
#   SECCOMP_WHY  empty when the default profile's command has a filter
#                (Seccomp: 2 in /proc/self/status)
#   STRICT_WHY   the same for --profile strict
check_corral() {
	local pid i seen="" mode
	"$CORRAL" "${LIMITS[@]}" -- /bin/sleep 1 >/dev/null 2>"$TMP/pre.err" &
	pid=$!
	for ((i = 0; i < 40 && !seen; i++)); do
		sleep 0.025
		corral_cgroups | grep -q "/corral-$pid\$" && seen=1
	done
	if ! wait "$pid"; then
		LIMITS_WHY="$CORRAL ${LIMITS[*]} failed: $(tail -n 1 "$TMP/pre.err")"
	elif [ -z "$seen" ]; then
		LIMITS_WHY="limits not applied: no corral-<pid> cgroup appeared beneath our own cgroup while '$CORRAL ${LIMITS[*]} -- sleep 1' ran"
	else
		LIMITS_WHY=""
	fi
	mode=$("$CORRAL" -- /bin/grep Seccomp: /proc/self/status 2>&1 | awk '{print $2}')
	[ "$mode" = 2 ] && SECCOMP_WHY="" ||
		SECCOMP_WHY="the default profile loads no seccomp filter on this build (Seccomp: ${mode:-?} in /proc/self/status)"
	mode=$("$CORRAL" --profile strict -- /bin/grep Seccomp: /proc/self/status 2>&1 | tail -n 1)
	case "$mode" in
	*"	2") STRICT_WHY="" ;;
	Seccomp:*) STRICT_WHY="--profile strict loads no seccomp filter on this build ($mode)" ;;
	*) STRICT_WHY="$mode" ;;
	esac
	mapfile -t STRICT_LIMITS < <("$CORRAL" --profile strict --check |
		awk -F' = ' '$1 ~ /^(memory|cpus|pids)$/ && $2 != "" { print "--" $1; print $2 }')
	say "preflight: limits: ${LIMITS_WHY:-applied}; default filter: ${SECCOMP_WHY:-loaded}; strict filter: ${STRICT_WHY:-loaded}; strict's limits: ${STRICT_LIMITS[*]:-none}"
}

# unless WHY SECTION ID NAME UNIT REF CMD -- FUNCTION ARGS...: the row,
# or a failed row when WHY is not empty.
unless() {
	local why=$1
	[ "$2" = launch ] && ! wanted "$3" && return
	if [ -n "$why" ]; then
		failed "$2" "$3" "$4" "$5" "$6" "$7" "$why"
		return
	fi
	shift 8
	"$@"
}

# The launch section, BENCH_REPEAT passes in a row: each pass measures
# every row, so a ratio is taken between rows of one pass (seconds apart,
# under much the same load) and results.jq reports the median over passes.
section_launch() {
	for ((REP = 1; REP <= REPEAT; REP++)); do
		say "launch: pass $REP of $REPEAT, load $(cut -d' ' -f1-3 /proc/loadavg)"
		launch_pass
	done
	REP=1
}

# in_turn ROUND N FUNC: FUNC 0 to FUNC N-1 when ROUND (counted from 0) is
# even, FUNC N-1 to FUNC 0 when it is odd. Rows measured in turn, every
# other round backward: a load that rises or falls through a round weighs
# on both ends of a ratio alike over two rounds.
in_turn() {
	local round=$1 n=$2 fn=$3 k
	if ((round % 2 == 0)); then
		for ((k = 0; k < n; k++)); do "$fn" "$k"; done
	else
		for ((k = n - 1; k >= 0; k--)); do "$fn" "$k"; done
	fi
}

# A pass runs the launch rows in turn (in_turn); step only writes a row
# down, for launch_pass.
STEPS=()
step() { STEPS+=("$(printf '%q ' "$@")"); }
run_step() { eval "${STEPS[$1]}"; }

launch_pass() {
	STEPS=()
	launch_rows
	in_turn $((REP - 1)) ${#STEPS[@]} run_step
}

launch_rows() {
	step launch direct "exec of /bin/true by hyperfine" "" /bin/true
	step launch floor "floor: fork + execve + waitpid (bench/floor)" "" "$B/floor" /bin/true
	step launch unshare "floor: unshare, the same namespaces" floor \
		unshare --fork --pid --mount --uts --ipc --net --cgroup --mount-proc /bin/true
	# The floors of issue 20's launch targets (bench/README.md): a PID 1
	# that reaps, by another tool, on top of unshare; and corral's own
	# processes with the same namespaces but no new root and no filter.
	step launch unshare_tini "unshare with tini as PID 1 (a reaping init, as every corral run has)" \
		unshare unshare --fork --pid --mount --uts --ipc --net --cgroup --mount-proc tini -- /bin/true
	step launch corral_bare "floor: corral --profile host --seccomp=no: its processes and namespaces, the host's root with a fresh, masked /proc, no filter" \
		unshare "$CORRAL" --profile host --seccomp=no -- /bin/true
	# The floor of the limits targets: the same, with the limits, so the
	# cgroup work (libcgroup's and the kernel's) has no root to run beside.
	step unless "$LIMITS_WHY" launch corral_bare_limits "floor with limits: corral --profile host --seccomp=no and the same limits: its processes and the cgroup's work, nothing for that work to overlap" ms corral_bare \
		"$CORRAL --profile host --seccomp=no ${LIMITS[*]} -- /bin/true" -- \
		launch corral_bare_limits "floor with limits: corral --profile host --seccomp=no and the same limits: its processes and the cgroup's work, nothing for that work to overlap" corral_bare \
		"$CORRAL" --profile host --seccomp=no "${LIMITS[@]}" -- /bin/true
	step launch bwrap "bubblewrap --unshare-all" unshare \
		bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev --die-with-parent \
		--new-session --cap-drop ALL /bin/true
	step launch firejail "firejail --noprofile --net=none --seccomp" unshare \
		firejail --quiet --noprofile --net=none --seccomp --caps.drop=all /bin/true
	step crun_row
	step launch corral "corral, default profile" bwrap "$CORRAL" -- /bin/true
	step unless "$LIMITS_WHY" launch corral_limits "corral, default + memory, cpus, pids limits" ms bwrap \
		"$CORRAL ${LIMITS[*]} -- /bin/true" -- \
		launch corral_limits "corral, default + memory, cpus, pids limits" bwrap \
		"$CORRAL" "${LIMITS[@]}" -- /bin/true
	step launch corral_pasta "corral --net pasta (pasta started, attached, ended)" corral \
		"$CORRAL" --net pasta -- /bin/true
	step launch corral_strict "corral --profile strict" corral \
		"$CORRAL" --profile strict -- /bin/true
	# The strict target's floor: the default profile with strict's own
	# limits, which strict's root and allowlist can only run beside.
	step unless "$LIMITS_WHY" launch corral_strict_limits "floor of strict: corral, default profile + strict's limits (${STRICT_LIMITS[*]})" ms corral \
		"$CORRAL ${STRICT_LIMITS[*]} -- /bin/true" -- \
		launch corral_strict_limits "floor of strict: corral, default profile + strict's limits (${STRICT_LIMITS[*]})" corral \
		"$CORRAL" "${STRICT_LIMITS[@]}" -- /bin/true
	# nobody's HOME is root's (setpriv keeps the environment), whose cache
	# nobody cannot use: every run would build its filter. A user has a
	# cache of their own, and so does this row (warm after the warmup).
	step launch corral_rootless "corral, default profile, as nobody (rootless), with a filter cache of its own" corral \
		env XDG_CACHE_HOME="$NOBODY_CACHE" "${NOBODY[@]}" --- "$CORRAL" -- /bin/true
	# For the seccomp section: the same launches without the filter.
	step unless "$SECCOMP_WHY" launch corral_noseccomp "corral --seccomp=no" ms corral \
		"$CORRAL --seccomp=no -- /bin/true" -- \
		launch corral_noseccomp "corral --seccomp=no" corral "$CORRAL" --seccomp=no -- /bin/true
	step unless "$STRICT_WHY" launch corral_strict_noseccomp "corral --profile strict --seccomp=no" ms \
		corral_strict "$CORRAL --profile strict --seccomp=no -- /bin/true" -- \
		launch corral_strict_noseccomp "corral --profile strict --seccomp=no" corral_strict \
		"$CORRAL" --profile strict --seccomp=no -- /bin/true
}

# The crun row: its bundle, its run, and the cgroups crun left.
crun_row() {
	if ! wanted crun; then
		return 0
	elif ! command -v crun >/dev/null; then
		failed launch crun "crun run, minimal bundle with cgroups" ms unshare "crun run" \
			"crun not installed"
	elif ! crun_bundle; then
		failed launch crun "crun run, minimal bundle with cgroups" ms unshare "crun run" \
			"could not build the OCI bundle"
	else
		launch crun "crun run, minimal bundle with cgroups" unshare \
			unshare -m "$B/in-private-cgroupns.sh" --- \
			crun run --bundle "$TMP/bundle" "corral-bench-$$"
		remove_crun_cgroups
	fi
}

# ---------------------------------------------------------------- seccomp
# The per-call rows: bench/sysloop under each command, SECCOMP_RUNS rounds
# of one run of every row in turn (in_turn), so that load that comes and
# goes weighs on every row alike rather than on whichever row ran through
# it.
# sysrow ID NAME REF WHY CMD...: a row, or with WHY a failed one.
SYS_IDS=() SYS_NAMES=() SYS_REFS=() SYS_WHY=() SYS_CMDS=() SYS_SHOWN=()
sysrow() {
	SYS_IDS+=("$1") SYS_NAMES+=("$2") SYS_REFS+=("$3") SYS_WHY+=("$4")
	shift 4
	SYS_CMDS+=("$(printf '%q ' "$@")") SYS_SHOWN+=("$* $B/sysloop $SYSCALLS")
}

# sysloop_once K: one run of row K; the first failure's reason fails the row.
sysloop_once() {
	local k=$1
	[ -z "${SYS_WHY[k]}" ] || return 0
	if ! eval "${SYS_CMDS[k]}" '"$B/sysloop" "$SYSCALLS"' \
		>>"$TMP/sysloop-${SYS_IDS[k]}.jsonl" 2>"$TMP/sysloop.err"; then
		SYS_WHY[k]="$(tail -n 1 "$TMP/sysloop.err" | cut -c1-200)"
		[ -n "${SYS_WHY[k]}" ] || SYS_WHY[k]="bench/sysloop failed"
	fi
}

# sysloop_emit K: row K's two rows, getppid and ioctl.
sysloop_emit() {
	local k=$1
	local id=${SYS_IDS[k]} name=${SYS_NAMES[k]} ref=${SYS_REFS[k]}
	local cmdline=${SYS_SHOWN[k]} out=$TMP/sysloop-${SYS_IDS[k]}.jsonl
	if [ -n "${SYS_WHY[k]}" ]; then
		failed seccomp "${id}_getppid" "getppid, $name" ns "${ref:+${ref}_getppid}" \
			"$cmdline" "${SYS_WHY[k]}"
		failed seccomp "${id}_ioctl" "ioctl FIONREAD, $name" ns "${ref:+${ref}_ioctl}" \
			"$cmdline" "${SYS_WHY[k]}"
		return
	fi
	emit seccomp "${id}_getppid" "getppid, $name" ns "${ref:+${ref}_getppid}" "$cmdline" \
		"$(jq -sc 'map(.getppid_ns)' "$out")"
	emit seccomp "${id}_ioctl" "ioctl FIONREAD, $name" ns "${ref:+${ref}_ioctl}" "$cmdline" \
		"$(jq -sc 'map(.ioctl_ns)' "$out")"
}

sysloop_rows() {
	local i k n=${#SYS_IDS[@]}
	for ((i = 0; i < SECCOMP_RUNS; i++)); do
		say "seccomp: per-call rows, round $((i + 1)) of $SECCOMP_RUNS"
		in_turn "$i" "$n" sysloop_once
	done
	for ((k = 0; k < n; k++)); do sysloop_emit "$k"; done
}

# filter_time ID NAME cold|"" [CORRAL OPTION]...: what corral -vv says the
# filter took: "filter ready in X ms" (the supervisor: built, or read from
# the cache) plus "filter loaded in Y ms" (the command, just before execve).
# cold: a fresh, empty cache for every run, so the filter is built.
filter_time() {
	local id=$1 name=$2 cold=$3 vals=() i a b
	shift 3
	say "seccomp: $id"
	for ((i = 0; i < SECCOMP_RUNS * 3; i++)); do
		local cache=$TMP/cache-$id
		[ "$cold" = cold ] && cache=$TMP/cache-$id-$i
		mkdir -p "$cache"
		XDG_CACHE_HOME=$cache "$CORRAL" -vv "$@" -- /bin/true 2>"$TMP/ft.err" >/dev/null
		a=$(sed -n 's/.*seccomp: filter ready in \([0-9.]*\) ms.*/\1/p' "$TMP/ft.err")
		b=$(sed -n 's/.*seccomp: filter loaded in \([0-9.]*\) ms.*/\1/p' "$TMP/ft.err")
		if [ -z "$a" ] || [ -z "$b" ]; then
			failed seccomp "$id" "$name" ms "" "corral -vv ${*:+$* }-- /bin/true" \
				"no filter timing in corral -vv: $(tail -n 1 "$TMP/ft.err")"
			return
		fi
		vals+=("$(awk -v a="$a" -v b="$b" 'BEGIN { print a + b }')")
	done
	emit seccomp "$id" "$name" ms "" "XDG_CACHE_HOME=${cold:+fresh-}dir corral -vv $* -- /bin/true" \
		"$(printf '%s\n' "${vals[@]}" | jq -sc .)"
}

section_seccomp() {
	sysrow host "no sandbox, no filter" "" "" env
	# The default root holds only what a profile binds: bind bench/ in.
	sysrow none "corral --seccomp=no" host "" "$CORRAL" --seccomp=no --ro-bind "$B" --
	sysrow default "corral, default denylist" none "$SECCOMP_WHY" "$CORRAL" --ro-bind "$B" --
	sysrow strict "corral --profile strict, allowlist" none "$STRICT_WHY" \
		"$CORRAL" --profile strict --ro-bind "$B" --
	sysloop_rows
	filter_time build_default "build (from the cache) + load of the default filter" ""
	filter_time build_default_cold "build (no cache) + load of the default filter" cold
	filter_time build_strict "build (from the cache) + load of the strict allowlist" "" --profile strict
	filter_time build_strict_cold "build (no cache) + load of the strict allowlist" cold --profile strict
}

# ---------------------------------------------------------------- PID 1
# orphans ID NAME REF CMD...: PID1_RUNS runs of bench/orphans under an init.
orphans() {
	local id=$1 name=$2 ref=$3
	shift 3
	local cmdline="$* $B/orphans $ORPHANS" out=$TMP/orphans.jsonl i k
	say "pid1: $id: $cmdline"
	: >"$out"
	for ((i = 0; i < PID1_RUNS; i++)); do
		if ! "$@" "$B/orphans" "$ORPHANS" >>"$out" 2>"$TMP/orphans.err"; then
			local why="$(tail -n 1 "$TMP/orphans.err" | cut -c1-200)"
			for k in wall init_cpu reap_lag zombies; do
				failed pid1 "${id}_$k" "$k, $name" "" "${ref:+${ref}_$k}" "$cmdline" "$why"
			done
			return
		fi
	done
	emit pid1 "${id}_wall" "wall time, $name" ms "${ref:+${ref}_wall}" "$cmdline" \
		"$(jq -sc 'map(.wall_ms)' "$out")" "create $(jq -sc 'map(.create_ms)' "$out") ms"
	emit pid1 "${id}_init_cpu" "init CPU time, $name" ms "${ref:+${ref}_init_cpu}" "$cmdline" \
		"$(jq -sc 'map(.init_cpu_ms)' "$out")"
	emit pid1 "${id}_reap_lag" "last orphan's exit to reaped, $name" ms \
		"${ref:+${ref}_reap_lag}" "$cmdline" "$(jq -sc 'map(.reap_lag_ms)' "$out")"
	emit pid1 "${id}_zombies" "zombies left, $name" count "" "$cmdline" \
		"$(jq -sc 'map(.zombies + .left)' "$out")" \
		"failed forks $(jq -sc 'map(.failed)' "$out")"
}

section_pid1() {
	orphans tini "tini" "" unshare --fork --pid --mount-proc tini --
	orphans dumb_init "dumb-init" tini unshare --fork --pid --mount-proc dumb-init
	orphans corral "corral's init" tini "$CORRAL" --ro-bind "$B" --
}

# ---------------------------------------------------------------- throughput
# The corral-* cgroups: beneath our own cgroup in every hierarchy, from
# /proc/self/cgroup (v1 "N:ctrl,ctrl:/path", v2 "0::/path").
corral_cgroups() {
	local ctrls path c dir
	while IFS=: read -r _ ctrls path; do
		if [ -z "$ctrls" ]; then
			dir=/sys/fs/cgroup/unified
			[ -d "$dir" ] || dir=/sys/fs/cgroup
		else
			c=${ctrls%%,*}
			dir=/sys/fs/cgroup/${c#name=}
		fi
		[ -d "$dir$path" ] && find "$dir$path" -mindepth 1 -type d -name 'corral-*' 2>/dev/null
	done </proc/self/cgroup | sort -u
}

# spawn ID NAME PARALLEL N CMD...
spawn() {
	local id=$1 name=$2 par=$3 n=$4
	shift 4
	local cmdline="$*" out=$TMP/spawn.json
	say "throughput: $id: $n x ($cmdline), $par at a time"
	if ! "$B/spawn" "$par" "$n" "$@" >"$out" 2>"$TMP/spawn.err"; then
		failed throughput "${id}_rate" "sandboxes per second, $name" "/s" "" "$cmdline" \
			"$(tail -n 1 "$TMP/spawn.err")"
		return
	fi
	# corral names its cgroup corral-<supervisor pid>, and spawn's children
	# are the supervisors: count only ours, as others may run corral now.
	corral_cgroups | jq -R . | jq -s --slurpfile run "$out" \
		'($run[0].pids | map("corral-\(.)")) as $ours
		 | map(select((split("/") | last) as $b | $ours | index([$b])))' >"$TMP/cg.left"
	local left
	left=$(jq length "$TMP/cg.left")
	emit throughput "${id}_rate" "sandboxes per second, $name" "/s" "" "$cmdline" \
		"$(jq -c '[.per_s]' "$out")" "$(jq -r '"\(.n) in \(.elapsed_s) s"' "$out")"
	emit throughput "${id}_each" "wall time of each sandbox, $name" ms "" "$cmdline" \
		"$(jq -c '.ms' "$out")"
	emit throughput "${id}_failures" "failures, $name" count "" "$cmdline" \
		"$(jq -c '[.failures]' "$out")" "$(tail -n 1 "$TMP/spawn.err")"
	emit throughput "${id}_cgroups" "corral-* cgroups left, $name" count "" "$cmdline" \
		"[$left]" "$(jq -r '.[:3] | join(" ")' "$TMP/cg.left")"
}

# The throughput target's three rows (bubblewrap, corral with limits, and
# the floor) run in BENCH_REPEAT passes, PAR_N runs each in all: each pass
# runs each row in turn (in_turn, every other pass backward), and results.jq
# takes the target's ratio within each pass and the median over the passes,
# as for a launch. One 1,000-run sample of each, taken seconds apart, gave
# verdicts that flipped from run to run (bench/README.md).
section_throughput() {
	local k n=$(((PAR_N + REPEAT - 1) / REPEAT))
	local in_passes="$((n * REPEAT)) in $REPEAT passes of $n"
	STEPS=()
	step spawn par_bwrap "bubblewrap --unshare-all, two at a time, no limits, $in_passes" 2 "$n" \
		bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev --die-with-parent \
		--new-session --cap-drop ALL /bin/true
	if [ -z "$LIMITS_WHY" ]; then
		step spawn par_limits "two at a time, with limits, $in_passes" 2 "$n" \
			"$CORRAL" "${LIMITS[@]}" -- /bin/true
		# The throughput target's floor: corral's processes and the limits'
		# cgroup work, no root and no filter (corral_bare_limits, at a rate).
		step spawn par_bare_limits "two at a time, --profile host --seccomp=no with limits, $in_passes" \
			2 "$n" "$CORRAL" --profile host --seccomp=no "${LIMITS[@]}" -- /bin/true
	fi
	for ((REP = 1; REP <= REPEAT; REP++)); do
		say "throughput: pass $REP of $REPEAT, load $(cut -d' ' -f1-3 /proc/loadavg)"
		in_turn $((REP - 1)) ${#STEPS[@]} run_step
	done
	REP=1
	spawn par "$PAR_N started two at a time" 2 "$PAR_N" "$CORRAL" -- /bin/true
	spawn seq "$SEQ_N in sequence" 1 "$SEQ_N" "$CORRAL" -- /bin/true
	if [ -n "$LIMITS_WHY" ]; then
		for k in rate each failures cgroups; do
			failed throughput "par_limits_$k" "$k, two at a time, with limits" "" "" \
				"$CORRAL ${LIMITS[*]} -- /bin/true" "$LIMITS_WHY"
			failed throughput "seq_limits_$k" "$k, $SEQ_N in sequence, with limits" "" "" \
				"$CORRAL ${LIMITS[*]} -- /bin/true" "$LIMITS_WHY"
			failed throughput "par_bare_limits_$k" "$k, two at a time, --profile host --seccomp=no with limits" "" "" \
				"$CORRAL --profile host --seccomp=no ${LIMITS[*]} -- /bin/true" "$LIMITS_WHY"
		done
		return
	fi
	spawn seq_limits "$SEQ_N in sequence, with limits" 1 "$SEQ_N" \
		"$CORRAL" "${LIMITS[@]}" -- /bin/true
}

# ---------------------------------------------------------------- memory
# maxrss ID NAME REF CMD...: peak RSS of CMD's own process (GNU time %M, kB).
# With MAXRSS_COLD=1, each run has an empty seccomp filter cache of its own:
# a profile's first run, which builds its filter.
maxrss() {
	local id=$1 name=$2 ref=$3
	shift 3
	local vals=() i why pre=()
	say "memory: $id: $*"
	for ((i = 0; i < MEM_RUNS; i++)); do
		if [ -n "${MAXRSS_COLD-}" ]; then
			rm -rf "$TMP/cold"
			pre=(env XDG_CACHE_HOME="$TMP/cold")
		fi
		if ! "${pre[@]}" /usr/bin/time -f %M -o "$TMP/rss" "$@" >/dev/null 2>"$TMP/rss.err"; then
			failed memory "$id" "$name" kB "$ref" "$*" "$(tail -n 1 "$TMP/rss.err")"
			return
		fi
		vals+=("$(tail -n 1 "$TMP/rss")")
	done
	emit memory "$id" "$name" kB "$ref" "$*" "$(printf '%s\n' "${vals[@]}" | jq -sc .)"
}

maxrss_cold() { MAXRSS_COLD=1 maxrss "$@"; }

# hwm1 ID NAME REF CMD...: VmHWM of PID 1, read from inside by CMD's command.
hwm1() {
	local id=$1 name=$2 ref=$3
	shift 3
	local vals=() i v
	say "memory: $id: $*"
	for ((i = 0; i < MEM_RUNS; i++)); do
		v=$("$@" /bin/grep VmHWM /proc/1/status 2>"$TMP/hwm.err" | awk '{print $2}')
		if [ -z "$v" ]; then
			failed memory "$id" "$name" kB "$ref" "$* grep VmHWM /proc/1/status" \
				"$(tail -n 1 "$TMP/hwm.err")"
			return
		fi
		vals+=("$v")
	done
	emit memory "$id" "$name" kB "$ref" "$* grep VmHWM /proc/1/status" \
		"$(printf '%s\n' "${vals[@]}" | jq -sc .)"
}

section_memory() {
	maxrss bwrap_rss "bubblewrap, peak RSS" "" bwrap --unshare-all --ro-bind / / --proc /proc \
		--dev /dev --die-with-parent --new-session --cap-drop ALL /bin/true
	maxrss supervisor "corral supervisor, peak RSS" bwrap_rss "$CORRAL" -- /bin/true
	unless "$LIMITS_WHY" memory supervisor_limits "corral supervisor with limits, peak RSS" kB \
		bwrap_rss "$CORRAL ${LIMITS[*]} -- /bin/true" -- \
		maxrss supervisor_limits "corral supervisor with limits, peak RSS" bwrap_rss \
		"$CORRAL" "${LIMITS[@]}" -- /bin/true
	unless "$LIMITS_WHY" memory supervisor_limits_first \
		"corral supervisor with limits, a profile's first run (empty filter cache), peak RSS" kB \
		bwrap_rss "$CORRAL ${LIMITS[*]} -- /bin/true" -- \
		maxrss_cold supervisor_limits_first \
		"corral supervisor with limits, a profile's first run (empty filter cache), peak RSS" \
		bwrap_rss "$CORRAL" "${LIMITS[@]}" -- /bin/true
	hwm1 tini_hwm "tini as PID 1, VmHWM" "" unshare --fork --pid --mount-proc tini --
	hwm1 init "corral init (PID 1), VmHWM" tini_hwm "$CORRAL" --
	unless "$LIMITS_WHY" memory init_limits "corral init with limits, VmHWM" kB tini_hwm \
		"$CORRAL ${LIMITS[*]} -- grep VmHWM /proc/1/status" -- \
		hwm1 init_limits "corral init with limits, VmHWM" tini_hwm "$CORRAL" "${LIMITS[@]}" --
}

# ---------------------------------------------------------------- timeline
# timeline ID NAME [CORRAL OPTION]...: TIMELINE_RUNS runs of corral -vv;
# a row per step of its timeline line ("NAME MS, ...": ms after corral's
# start, on the clock each process reads itself, untraced).
timeline() {
	local id=$1 name=$2 i
	shift 2
	say "timeline: $id"
	: >"$TMP/tl.txt"
	for ((i = 0; i < TIMELINE_RUNS; i++)); do
		if ! "$CORRAL" -vv "$@" -- /bin/true 2>"$TMP/tl.err" >/dev/null ||
			! grep -q "timeline, ms after corral's start: " "$TMP/tl.err"; then
			failed timeline "${id}_clone" "$name" ms "" "corral -vv ${*:+$* }-- /bin/true" \
				"no timeline from corral -vv: $(tail -n 1 "$TMP/tl.err")"
			return
		fi
		sed -n "s/.*timeline, ms after corral's start: //p" "$TMP/tl.err" >>"$TMP/tl.txt"
	done
	# One JSON object per run: step -> ms (a step not reached is left out).
	tr -d '\r' <"$TMP/tl.txt" | jq -Rc 'split(", ") | map(capture("^(?<k>.*) (?<v>[0-9.]+)$")
		| {(.k): (.v | tonumber)}) | add' >"$TMP/tl.json"
	local step
	while IFS= read -r step; do
		emit timeline "${id}_$(printf '%s' "$step" | tr ' A-Z' '_a-z')" "$name: $step" ms "" \
			"corral -vv ${*:+$* }-- /bin/true" \
			"$(jq -sc --arg s "$step" 'map(.[$s] | select(. != null))' "$TMP/tl.json")"
	done < <(jq -r 'keys_unsorted[]' "$TMP/tl.json" | awk '!seen[$0]++')
}

section_timeline() {
	# The platform's part: a bare fork, and a page's first write after it.
	say "timeline: fork"
	if "$B/forkstart" 200 64 >"$TMP/fork.json" 2>"$TMP/fork.err"; then
		emit timeline fork "fork: to the child's first step (bench/forkstart)" ms "" \
			"bench/forkstart 200 64" "$(jq -c .fork_ms "$TMP/fork.json")"
		emit timeline fork_cow "fork: a page's first write in the child, per page" us "" \
			"bench/forkstart 200 64" "$(jq -c .cow_us "$TMP/fork.json")"
	else
		failed timeline fork "fork: to the child's first step" ms "" "bench/forkstart 200 64" \
			"$(tail -n 1 "$TMP/fork.err")"
	fi
	timeline default "corral"
	unless "$LIMITS_WHY" timeline limits_clone "corral with limits" ms "" \
		"corral -vv ${LIMITS[*]} -- /bin/true" -- timeline limits "corral with limits" "${LIMITS[@]}"
	timeline strict "corral --profile strict" --profile strict
}

# ---------------------------------------------------------------- main
meta() {
	local v
	jq -n --arg date "$(date -u +%FT%TZ)" --arg kernel "$(uname -r)" \
		--arg cpus "$(nproc)" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)" \
		--arg load_start "$LOAD_START" --arg load_end "$(cut -d' ' -f1-3 /proc/loadavg)" \
		--arg corral "$(git -C "$ROOT" describe --always --dirty 2>/dev/null)" \
		--arg versions "$(for v in bubblewrap firejail crun tini dumb-init hyperfine util-linux libseccomp2 libcgroup2; do
			dpkg-query -W -f='${Package} ${Version}\n' "$v" 2>/dev/null; done)" \
		--argjson settings "$(jq -n --argjson runs "$RUNS" --argjson warmup "$WARMUP" \
			--argjson seccomp_runs "$SECCOMP_RUNS" --argjson syscalls "$SYSCALLS" \
			--argjson pid1_runs "$PID1_RUNS" --argjson orphans "$ORPHANS" \
			--argjson parallel_n "$PAR_N" --argjson sequential_n "$SEQ_N" \
			--argjson mem_runs "$MEM_RUNS" --argjson repeat "$REPEAT" \
			--argjson timeline_runs "$TIMELINE_RUNS" '$ARGS.named')" \
		--arg seconds "$SECONDS" \
		'$ARGS.named | .versions |= (split("\n") | map(select(. != "")))
		 | .seconds |= tonumber'
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
SECTIONS=${BENCH_SECTIONS:-launch seccomp pid1 throughput memory timeline}
check_corral
for s in $SECTIONS; do
	"section_$s"
done
mkdir -p "$OUT"
jq -n --argjson meta "$(meta)" --slurpfile rows "$ROWS" -f "$B/results.jq" >"$OUT/results.json" &&
	jq -r -f "$B/markdown.jq" "$OUT/results.json" >"$OUT/results.md" || exit 1
say "wrote $OUT/results.json and $OUT/results.md in ${SECONDS}s"
jq -r '.targets[] | "bench: target: \(.verdict): \(.text)"' "$OUT/results.json" >&2

# The charts of this run, beside results.md, which shows them.
"$B/plot.sh" "$OUT/results.json" "$OUT"
