#!/usr/bin/env bats
# Nothing one run does may weaken a later run (issue 17): what a run leaves
# behind (the seccomp filter cache, the caller's terminal, the report, a
# cgroup) is attacked from inside a sandbox, then a second run is checked.
# Also what the supervisor, outside every limit, spends on a hostile command.
load helpers

ATTACK=$TOP/tests/attack

setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/corral-test.XXXXXX")
	chmod 755 "$T"
	export XDG_CACHE_HOME=$T/cache
	OUT=$T
	PIDS=()
}

teardown() {
	local p
	[ -z "${SQUAT-}" ] || rm -rf "$SQUAT"
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}

# The checks of a later run (the corral command in $@): calls every shipped
# profile denies stay denied. Reports go to $OUT (judge writes one).
later_runs_hold() {
	local p
	for p in default strict judge; do
		run "$@" --profile "$p" --report "$OUT/later.json" --ro-bind "$ATTACK" -- "$ATTACK" sys io_uring_setup
		assert_line "EPERM"
		run "$@" --profile "$p" --report "$OUT/later.json" --ro-bind "$ATTACK" -- "$ATTACK" unshare user
		assert_line "EPERM"
		run "$@" --profile "$p" --report "$OUT/later.json" --ro-bind "$PROBE" -- "$PROBE" syscall keyctl
		assert_line "EPERM"
	done
}

# A shell function for inside the sandbox: rewrite every cached filter in
# directory $1 as a one-instruction "allow" program behind its own header
# (magic, key; length 1, and the sum of that instruction, 0x78564059, which
# an attacker computes as corral does), as issue 17's attacker did.
FORGE='forge() { for f in "$1"/seccomp-*.bpf; do
	printf "\001\000\000\000\131\100\126\170\006\000\000\000\000\000\377\177" |
		dd of="$f" bs=8 seek=3 conv=notrunc 2>/dev/null && truncate -s 40 "$f" && echo "FORGED $f"
	done; }'

fill_cache() {
	local p
	for p in default strict judge; do
		"$CORRAL" --profile "$p" --report "$T/fill.json" -- true
	done
	ls "$1"/seccomp-*.bpf >/dev/null
	(cd "$1" && sha256sum seccomp-*.bpf) >"$T/sums"
}

@test "the filter cache: a sandbox that can write its directory, or an ancestor, cannot weaken a later run (root)" {
	c=$T/cache/corral
	fill_cache "$c"
	ino=$(stat -c %i "$c")
	pino=$(stat -c %i "$T/cache")
	# The cache directory itself bound writable; its parent (as one binds
	# ~/.cache for pip); the grandparent, whose children it could rename;
	# and the host's whole tree. (Renames inside the sandbox's own tmpfs
	# root are harmless: the host is checked below.)
	for opts in "--bind $c" "--bind $T/cache" "--bind $T" "--profile host"; do
		run "$CORRAL" $opts -- sh -c "$FORGE
			forge $c
			touch $c/seccomp-planted.bpf && echo PLANTED
			rm -rf $c && echo REMOVED
			mv $c $c.old && echo RENAMED
			mv $T/cache $T/cache.old && forge $T/cache.old/corral
			true"
		refute_output --partial "FORGED"
		refute_output --partial "PLANTED"
		refute_output --partial "REMOVED"
		refute_output --partial "RENAMED"
		assert_output --partial "Read-only file system"
		[ ! -e "$c.old" ] && [ ! -e "$T/cache.old" ]
	done
	assert_equal "$(stat -c %i "$c")" "$ino"
	assert_equal "$(stat -c %i "$T/cache")" "$pino"
	(cd "$c" && sha256sum --quiet -c "$T/sums")
	later_runs_hold "$CORRAL"
}

@test "the filter cache: the same for an ordinary user, whose home is bound writable" {
	need_nobody
	mkdir "$T/home"
	chown 65534:65534 "$T/home"
	c=$T/home/.cache/corral
	OUT=$T/home
	# (No cgroup for uid 65534 here: strict's limits are left out.)
	nobody=(as_nobody env -u XDG_CACHE_HOME HOME="$T/home" "$CORRAL" --cgroup auto)
	for p in default strict judge; do
		"${nobody[@]}" --profile "$p" --report "$OUT/fill.json" -- true 2>/dev/null
	done
	ls "$c"/seccomp-*.bpf >/dev/null
	(cd "$c" && sha256sum seccomp-*.bpf) >"$T/sums"
	for opts in "--bind $T/home" "--bind $T/home/.cache" "--profile host"; do
		run "${nobody[@]}" $opts -- sh -c "$FORGE
			forge $c
			mv $c $c.old && echo RENAMED
			mv $T/home/.cache $T/home/.cache.old && forge $T/home/.cache.old/corral
			true"
		refute_output --partial "FORGED"
		refute_output --partial "RENAMED"
		[ ! -e "$c.old" ] && [ ! -e "$T/home/.cache.old" ]
	done
	(cd "$c" && sha256sum --quiet -c "$T/sums")
	later_runs_hold "${nobody[@]}"
}

@test "the filter cache: a forged file planted from outside is checked, not trusted" {
	c=$T/cache/corral
	fill_cache "$c"
	# As the owner, outside any sandbox: the file passes every check of
	# owner, mode, size and header; only what it does gives it away.
	bash -c "$FORGE; forge $c" >/dev/null
	run "$CORRAL" -vv --ro-bind "$ATTACK" -- "$ATTACK" sys io_uring_setup
	assert_line "EPERM"
	assert_output --partial "seccomp: the cached filter gives wrong answers; building it again"
	refute_output --partial "from the cache"
	bash -c "$FORGE; forge $c" >/dev/null
	later_runs_hold "$CORRAL"
}

@test "the filter cache: another build of corral never takes this build's filters" {
	command -v objcopy >/dev/null || skip "objcopy (binutils) is not installed"
	readelf -n "$CORRAL" | grep -q "Build ID" || skip "$CORRAL has no build id"
	# A copy that differs as a rebuild with other rules would: its build id.
	{
		printf '\004\000\000\000\024\000\000\000\003\000\000\000GNU\000'
		head -c 20 /dev/urandom
	} >"$T/note"
	objcopy --update-section .note.gnu.build-id="$T/note" "$CORRAL" "$T/corral-other"
	"$CORRAL" -- true
	run "$CORRAL" -vv -- true
	assert_output --partial "from the cache"
	run "$T/corral-other" -vv -- true
	assert_success
	refute_output --partial "from the cache"
	assert_output --partial "denylist filter of"
}

@test "the filter cache: a miss is built the same when corral cannot fork a builder" {
	# glibc's fork is clone with exactly these flags; clone3 (the sandbox)
	# and the command's clone (CLONE_VM | CLONE_VFORK) are not touched.
	run "$FAULT" clone:0x1200011=EAGAIN -- "$CORRAL" -vv --ro-bind "$ATTACK" -- "$ATTACK" sys io_uring_setup
	assert_line "EPERM"
	assert_output --partial "denylist filter of"
	# ... and what it wrote to the cache is what a builder writes.
	cp "$T/cache/corral"/seccomp-*.bpf "$T/own.bpf"
	rm -r "$T/cache"
	"$CORRAL" -- true
	cmp "$T/own.bpf" "$T/cache/corral"/seccomp-*.bpf
	run "$CORRAL" -vv --ro-bind "$ATTACK" -- "$ATTACK" sys io_uring_setup
	assert_line "EPERM"
	assert_output --partial "from the cache"
}

@test "the filter cache: a miss built apart reports its error as its own, in one line" {
	# seccomp(2) refused: libseccomp cannot learn that the kernel has
	# KILL_PROCESS, and refuses the rules that ask for it.
	run "$FAULT" seccomp=EPERM -- "$CORRAL" --seccomp-action kill -- true
	assert_failure 125
	assert_output "corral: error: seccomp: add a rule for a syscall: Invalid argument"
	[ -z "$(ls -A "$T/cache/corral" 2>/dev/null)" ]
}

@test "the filter cache: a caller whose cache directory is not its own keeps one in its runtime directory" {
	# setpriv keeps root's HOME: nobody cannot use its cache. The runtime
	# directory (here in XDG_RUNTIME_DIR) holds one instead, and -v is quiet.
	mkdir "$T/notours"
	mkdir -m 0700 "$T/rt"
	chown 65534:65534 "$T/rt"
	run as_nobody env XDG_CACHE_HOME="$T/notours" XDG_RUNTIME_DIR="$T/rt" "$CORRAL" -vv -- true
	assert_success
	assert_output --partial "denylist filter of"
	refute_output --partial "no filter cache"
	run as_nobody env XDG_CACHE_HOME="$T/notours" XDG_RUNTIME_DIR="$T/rt" "$CORRAL" -vv -- true
	assert_output --partial "from the cache"
	[ -z "$(ls -A "$T/notours")" ]
	assert_equal "$(stat -c '%U %a' "$T/rt/corral/filters")" "nobody 700"
	ls "$T/rt/corral/filters"/seccomp-*.bpf
	# --list reads past it.
	run as_nobody env XDG_RUNTIME_DIR="$T/rt" "$CORRAL" --list
	assert_success
	assert_equal "${#lines[@]}" 1
}

@test "the filter cache: -v says where it found none, and only then" {
	# A caller with neither: root's HOME, and a runtime directory in /tmp
	# that another (root) has taken. An unused uid, so that no real
	# user's runtime directory is touched.
	SQUAT=/tmp/corral-54321
	[ ! -e "$SQUAT" ] || skip "$SQUAT exists"
	mkdir -m 0700 "$SQUAT"
	u=(setpriv --reuid=54321 --regid=54321 --clear-groups env -u XDG_CACHE_HOME -u XDG_RUNTIME_DIR)
	run "${u[@]}" HOME=/root "$CORRAL" -v -- true
	assert_success
	assert_line --regexp "^corral: seccomp: no filter cache at /root/.cache/corral \(it must be ours, .*\), nor in corral's runtime directory: the filter is built on every run; XDG_CACHE_HOME can name another place$"
	# Without -v, not a word; without HOME either, it says so.
	run "${u[@]}" HOME=/root "$CORRAL" -- true
	assert_success
	assert_output ""
	run "${u[@]}" -u HOME "$CORRAL" -v -- true
	assert_line "corral: seccomp: no filter cache: neither XDG_CACHE_HOME nor HOME names a directory, and corral's runtime directory has none; the filter is built on every run"
	[ -z "$(ls -A "$SQUAT")" ]
}

@test "the filter cache: old entries are evicted, the least recently used first" {
	c=$T/cache/corral
	"$CORRAL" -- true
	for i in $(seq 1 40); do
		printf 'x' >"$c/seccomp-$(printf '%032x' "$i").bpf"
		touch -d "@$((1000000000 + i))" "$c/seccomp-$(printf '%032x' "$i").bpf"
	done
	chmod 600 "$c"/*
	# A miss writes a new entry, then evicts down to 32.
	"$CORRAL" --seccomp-deny @default-deny --seccomp-deny ptrace -- true
	[ "$(ls "$c" | wc -l)" -eq 32 ]
	# The oldest went; the newest planted ones and the run's own stayed.
	[ ! -e "$c/seccomp-$(printf '%032x' 1).bpf" ]
	[ -e "$c/seccomp-$(printf '%032x' 40).bpf" ]
	run "$CORRAL" -vv -- true
	assert_output --partial "from the cache"
}

@test "the caller's terminal still works after a run that tried TIOCSETD (a real pty)" {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	for p in default strict; do
		# N_NULL on the pty: with it the shell's echo afterwards would vanish.
		run script -qec "cd / && $CORRAL --profile $p --ro-bind $ATTACK -- $ATTACK tty tiocsetd; echo still-alive; stty -g >/dev/null && echo stty-ok" /dev/null
		assert_output --partial "EPERM"
		assert_output --partial "still-alive"
		assert_output --partial "stty-ok"
	done
	# A second run on the same pty after a first that tried exclusive mode
	# and a hang-up, with CAP_SYS_ADMIN kept: the second still reads it.
	run script -qec "cd / && $CORRAL --cap-keep SYS_ADMIN --ro-bind $ATTACK -- $ATTACK tty tiocexcl; $CORRAL --cap-keep SYS_ADMIN --ro-bind $ATTACK -- $ATTACK tty tiocvhangup; $CORRAL -- sh -c 'test -t 0 && echo second-has-tty'; echo after" /dev/null
	assert_output --partial "second-has-tty"
	assert_output --partial "after"
}

@test "the report: a symlink planted by an earlier run is replaced, never followed" {
	mkdir "$T/out"
	echo "the victim" >"$T/victim"
	# Run 1 can write the report's directory; it plants a link.
	"$CORRAL" --bind "$T/out" -- ln -s "$T/victim" "$T/out/r.json"
	[ -L "$T/out/r.json" ]
	run "$CORRAL" --report "$T/out/r.json" -- true
	assert_success
	assert_equal "$(cat "$T/victim")" "the victim"
	[ ! -L "$T/out/r.json" ]
	jq -e '.status == "exited"' "$T/out/r.json" >/dev/null
	# A link in the directory part: refused before anything runs.
	ln -s "$T/out" "$T/link"
	run "$CORRAL" --report "$T/link/r.json" -- touch "$T/ran"
	assert_failure 125
	assert_output --partial "'link' is a symlink"
	[ ! -e "$T/ran" ]
}

@test "the report: a forgery renamed into place during the run is replaced by corral's report" {
	mkdir "$T/out"
	run "$CORRAL" --bind "$T/out" --time-limit 2s --report "$T/out/r.json" -- sh -c "
		echo '{\"status\": \"exited\", \"exit_code\": 0}' >$T/out/forged
		mv $T/out/forged $T/out/r.json
		ln -sf /etc/passwd $T/out/.r.json.tmp
		exec sleep 100"
	assert_failure 124
	jq -e '.status == "timeout" and .exit_code == 124' "$T/out/r.json" >/dev/null
	# The directory replaced by a symlink during the run: nothing written
	# through it, and corral says so.
	mkdir "$T/out/sub" "$T/elsewhere"
	run "$CORRAL" --bind "$T/out" --report "$T/out/sub/r.json" -- sh -c "
		mv $T/out/sub $T/out/sub.old && ln -s $T/elsewhere $T/out/sub"
	assert_failure 125
	assert_output --partial "'sub' is a symlink"
	[ -z "$(ls -A "$T/elsewhere")" ]
}

@test "a stale corral-<pid> cgroup is removed in every controller, not only those the next run uses" {
	[ "$(id -u)" -eq 0 ] || skip "needs root for cgroups"
	[ -d /sys/fs/cgroup/cpu ] && [ -d /sys/fs/cgroup/memory ] ||
		skip "not a v1 host with separate cpu and memory hierarchies"
	# A run with --cpus, its supervisor killed with SIGKILL: cpu/corral-N stays.
	"$CORRAL" --cpus 0.5 -- sleep 300 &
	pid=$!
	PIDS+=("$pid")
	wait_for "run_cgroups $pid | grep -q /cpu/"
	cpu=$(run_cgroups "$pid" | grep /cpu/)
	kill -KILL "$pid"
	wait_for "[ -z \"\$(cat $cpu/cgroup.procs 2>/dev/null)\" ]"
	[ -d "$cpu" ]
	# The next run uses only memory.
	"$CORRAL" --memory 64M -- true
	[ ! -e "$cpu" ]
	assert_equal "$(run_cgroups "$pid")" ""
}

@test "seccomp-log: a flood of denied calls costs the supervisor at most a quarter of a CPU, and half of --cpus" {
	[ -r /proc/sys/kernel/seccomp/actions_avail ] && grep -q user_notif /proc/sys/kernel/seccomp/actions_avail ||
		skip "this kernel lacks seccomp user notification"
	# The supervisor's own CPU time, sampled from /proc until it exits.
	for opts in "" "--cpus 0.2"; do
		"$CORRAL" $opts --seccomp-log --time-limit 3s --report "$T/r.json" "${WITH_PROBE[@]}" -- \
			"$PROBE" calls keyctl 1000000000 >/dev/null 2>&1 &
		pid=$!
		last=""
		while kill -0 "$pid" 2>/dev/null; do
			l=$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null) && [ -n "$l" ] && last=$l
			sleep 0.05
		done
		wait "$pid" || true
		read -r ut st <<<"$last"
		cpu_ms=$(((ut + st) * 1000 / $(getconf CLK_TCK)))
		wall_ms=$(jq '.wall_time_ms | floor' "$T/r.json")
		calls=$(jq '.seccomp.violations[0].count' "$T/r.json")
		echo "# supervisor: $cpu_ms ms of CPU in $wall_ms ms ($calls calls denied) with '$opts'" >&3
		[ "$calls" -gt 1000 ]
		# The governor allows 25% (10% with --cpus 0.2); the bound has room
		# for the clock tick and set-up. Load only lowers the share.
		if [ -z "$opts" ]; then
			[ "$cpu_ms" -le $((wall_ms * 35 / 100)) ]
		else
			[ "$cpu_ms" -le $((wall_ms * 18 / 100)) ]
		fi
	done
}
