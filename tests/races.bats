#!/usr/bin/env bats
# Races and lifetimes (issue 25): what a local user, or the command itself,
# can do to a run from outside the sandbox's rules. The escape suite's table
# (tests/escape.bats) says what stops each.
load helpers

setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/corral-test.XXXXXX")
	chmod 755 "$T"
	SWAPPER=
}

teardown() {
	if [ -n "$SWAPPER" ]; then
		kill "$SWAPPER" 2>/dev/null || true
		wait "$SWAPPER" 2>/dev/null || true
	fi
	rm -rf "$T"
}

# A user's tree, $U owned by uid 65534, with src/ (theirs) and link, a
# symlink to $T/secret (root's, 0700, holding a secret). start_swapper then
# has that user exchange src and link as fast as it can (renameat2
# RENAME_EXCHANGE), in the background: $SWAPPER, ended by teardown.
user_tree() {
	need_nobody
	U=$T/user
	mkdir -m 700 "$T/secret"
	echo "SECRET $$" >"$T/secret/key"
	mkdir -p "$U/src"
	echo "theirs" >"$U/src/key"
	ln -s "$T/secret" "$U/link"
	chown -hR 65534:65534 "$U"
}

start_swapper() {
	setpriv --reuid=65534 --regid=65534 --clear-groups perl -e \
		'for (;;) { syscall(316, -100, $ARGV[0], -100, $ARGV[1], 2) }' "$U/src" "$U/link" &
	SWAPPER=$!
	wait_for "[ -L '$U/src' ]"
}

# The secret never showed and nothing was planted in root's directory.
assert_secret_kept() {
	assert_file_not_exists "$T/secret/planted"
	run grep -rl "SECRET $$" "$T/runs"
	assert_failure
}

@test "bind-cwd as root, in a directory its owner keeps swapping for a symlink: never the target (50 runs)" {
	user_tree
	cd "$U/src"
	start_swapper
	mkdir "$T/runs"
	for i in $(seq 50); do
		# Wherever the directory was bound (under either name), look.
		"$CORRAL" --profile build -- sh -c \
			'for d in "$1/src" "$1/link" .; do cat "$d/key"; touch "$d/planted"; done' sh "$U" \
			>"$T/runs/$i" 2>&1 || true
	done
	kill "$SWAPPER"
	cd /
	assert_secret_kept
	# The runs were real: the user's own directory was bound and read.
	run grep -l theirs "$T/runs"/*
	assert_success
}

@test "--bind as root of a path whose owner keeps swapping it for a symlink: refused or theirs, never the target (50 runs)" {
	user_tree
	start_swapper
	mkdir "$T/runs"
	for i in $(seq 50); do
		"$CORRAL" --bind "$U/src:/work" -- sh -c 'cat /work/key; touch /work/planted' \
			>"$T/runs/$i" 2>&1 || true
	done
	kill "$SWAPPER"
	assert_secret_kept
	run grep -l theirs "$T/runs"/*
	assert_success
	# When the name was the symlink, the run was refused with one line.
	run grep -h "corral: error:" "$T/runs"/*
	refute_output --regexp 'planted|SECRET'
}

@test "--bind as root through a symlink in a directory another user can change: refused, 125" {
	user_tree
	run "$CORRAL" --bind "$U/link:/work" -- cat /work/key
	assert_failure 125
	assert_output --regexp "^corral: error: bind: source '$U/link': link is a symlink in a directory another user can change"
	refute_output --partial SECRET
	# Root's own symlinks are followed as before (/lib -> usr/lib on merged-/usr hosts).
	ln -s "$T/secret" "$T/rootlink"
	run "$CORRAL" --bind "$T/rootlink:/work" -- cat /work/key
	assert_success
	assert_output "SECRET $$"
}

@test "share pid (a setsid child outlives the run, the command can stop corral): refused, 125" {
	m=$(marker)
	run "$CORRAL" --share pid -- sh -c "setsid sh -c 'sleep 300; : $m' & echo started"
	left=$(host_procs "$m")
	[ -z "$left" ] || kill $left
	assert_failure 125
	assert_output --regexp "^corral: error: .*'pid' cannot be shared"
	[ -z "$left" ]
	# A profile cannot ask for it either.
	printf 'share = pid\n' >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- true
	assert_failure 125
}

@test "140 tmpfs mounts: all made, /dev still works (no table of 128 cut short)" {
	opts=()
	for i in $(seq 140); do
		opts+=(--tmpfs "/t$i")
	done
	# At the depth of /dev, so they are made before it, as in the issue.
	run "$CORRAL" "${opts[@]}" -- sh -c 'echo x >/t140/f && cat /t140/f && grep -c " /t[0-9]* " /proc/self/mountinfo && echo ok >/dev/null && echo dev'
	assert_success
	assert_output "$(printf 'x\n140\ndev')"
}

@test "cap-keep named more often than there are capabilities: every one kept, none dropped silently" {
	keep=()
	for i in $(seq 70); do
		keep+=(--cap-keep CHOWN)
	done
	run "$CORRAL" "${keep[@]}" --cap-keep NET_RAW -- sh -c 'grep CapBnd /proc/self/status'
	assert_success
	# CHOWN (bit 0) and NET_RAW (bit 13): the 71st name was not cut off.
	assert_output --regexp 'CapBnd:[[:space:]]+0000000000002001$'
}

@test "--learn with a profile whose name holds a newline: refused, nothing written (no injected lines)" {
	p="$T/x"$'\n'"net = host"
	printf 'include default\n' >"$p"
	run "$CORRAL" --profile "$p" --learn "$T/learned.profile" -- true
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output --regexp "^corral: error: --learn: profile '.*\\\\x0anet = host' holds a control character"
	assert_file_not_exists "$T/learned.profile"
}

@test "--check with a value holding a newline: refused, no injected profile line" {
	run "$CORRAL" --check --setenv $'A=1\nnet = host'
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output --regexp "^corral: error: --check: setenv 'A=1\\\\x0anet = host' holds a control character"
	run "$CORRAL" --check --bind $'/tmp\nshare = net'
	assert_failure 125
	refute_line "share = net"
	# Without one, --check's output reads back as the same configuration.
	run "$CORRAL" --check --setenv 'A=1 2'
	assert_success
	assert_line "setenv = A=1 2"
}

@test "--learn under a profile keeps its denials: a call they deny stays denied while learning" {
	ATTACK=$TOP/tests/attack
	for p in default strict; do
		run "$CORRAL" --profile "$p" --learn "$T/$p.learned" --ro-bind "$ATTACK" -- "$ATTACK" sys io_uring_setup
		assert_failure 1
		assert_line --index 0 EPERM
		# The learned profile still includes the profile, whose deny list wins.
		run grep -x "include $p" "$T/$p.learned"
		assert_success
	done
}

@test "include fan-out: five files each including the next a hundred times: refused at once, 125" {
	printf 'include default\nhostname = leaf\n' >"$T/p5.profile"
	for i in 4 3 2 1; do
		for _ in $(seq 100); do
			echo "include ./p$((i + 1)).profile"
		done >"$T/p$i.profile"
	done
	# timeout only ends a run that would take minutes; it asserts nothing about time.
	run timeout 60 "$CORRAL" --profile "$T/p1.profile" -- touch "$T/ran"
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output --regexp "^corral: error: .*more than 256 profile files read"
	assert_file_not_exists "$T/ran"
	# A wide but finite tree within the bound still loads.
	for _ in $(seq 50); do echo "include ./p5.profile"; done >"$T/wide.profile"
	run "$CORRAL" --profile "$T/wide.profile" -- hostname
	assert_success
	assert_output leaf
}

@test "CORRAL_PROFILE_PATH naming another user's directory (root runs): refused, 125; -vv says what was read from where" {
	need_nobody
	mkdir "$T/theirs" "$T/open"
	printf 'include default\nhostname = theirs\n' >"$T/theirs/mine.profile"
	chown -R 65534:65534 "$T/theirs"
	CORRAL_PROFILE_PATH=$T/theirs:$TOP/profiles run "$CORRAL" --profile mine -- touch "$T/ran"
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output --regexp "^corral: error: profile 'mine' is $T/theirs/mine.profile, not trusted: $T/theirs is owned by uid 65534"
	# Writable by anyone, even when root owns it.
	printf 'include default\nhostname = open\n' >"$T/open/mine.profile"
	chmod 777 "$T/open"
	CORRAL_PROFILE_PATH=$T/open:$TOP/profiles run "$CORRAL" --profile mine -- touch "$T/ran"
	assert_failure 125
	assert_output --regexp "$T/open is writable by anyone"
	assert_file_not_exists "$T/ran"
	# Root's own directory: read, and -vv names the file and where it was found.
	chmod 755 "$T/open"
	CORRAL_PROFILE_PATH=$T/open:$TOP/profiles run "$CORRAL" -vv --profile mine -- hostname
	assert_success
	assert_line open
	assert_output --partial "profile 'mine': $T/open/mine.profile (search path directory 1 of"
	assert_output --partial "profile: read $TOP/profiles/default.profile (included)"
	# The same directory is the caller's own when uid 65534 runs corral.
	run as_nobody env CORRAL_PROFILE_PATH="$T/theirs:$TOP/profiles" "$CORRAL" --profile mine -- hostname
	assert_success
	assert_output theirs
}

@test "without a cgroup, work left running when the command ends is in the report (CPU time, memory peak)" {
	# The background job burns 1 s of CPU time and touches 300 MiB, then
	# waits; the command ends as soon as it is done.
	run "$CORRAL" --cgroup=off --report "$T/r.json" --report-format json "${WITH_PROBE[@]}" -- \
		sh -c '( "$1" spin-ms 1000 && "$1" touch-mib 300 >/dev/null && : >/tmp/done && exec sleep 1000 ) &
			while [ ! -e /tmp/done ]; do sleep 0.05; done' sh "$PROBE"
	assert_success
	run jq -r '.cpu_user_ms + .cpu_system_ms >= 1000, .memory_peak_bytes >= 300 * 1048576' "$T/r.json"
	assert_output "$(printf 'true\ntrue')"
}

@test "a process that changed its uid (cap-keep SETUID) is killed at the end, not waited for" {
	m=$(marker)
	# timeout only ends a run that would wait the 300 s out; it asserts nothing about time.
	run timeout 120 "$CORRAL" --cgroup=off --cap-keep SETUID --cap-keep SETGID -- \
		sh -c "setpriv --reuid 1000 --regid 1000 --clear-groups sh -c ': >/tmp/ready; sleep 300; : $m' &
			while [ ! -e /tmp/ready ]; do sleep 0.05; done; echo started"
	left=$(host_procs "$m")
	[ -z "$left" ] || kill $left
	assert_success
	assert_output started
	[ -z "$left" ]
}
