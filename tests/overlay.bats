#!/usr/bin/env bats
# overlay = SRC:DST[:UPPER] (issue 21): a writable layer over a host
# directory that never writes it, for root and rootless; the changes vanish
# (tmpfs upper) or are kept in UPPER for the next run. What the sandbox can
# and cannot bring to the host through it, and what is left after a run.
load helpers

# The tree every test overlays: a file, a directory with a file, owned by
# $1 (default root).
make_src() {
	mkdir -p "$T/src/sub"
	echo orig >"$T/src/f"
	echo below >"$T/src/sub/g"
	chown -R "${1:-0}:${1:-0}" "$T/src"
}

# What the tree is: names, types, sizes, modes, contents.
src_state() {
	(cd "$T/src" && find . -printf '%p %y %s %m\n' | sort && cat f sub/g)
}

# An UPPER for uid $1 (default root): $T/own (the caller's) holds up, 0700.
make_upper() {
	mkdir -p "$T/own/up"
	chmod 0700 "$T/own/up"
	chown -R "${1:-0}:${1:-0}" "$T/own"
}

# Work directories left beside UPPER.
work_dirs() {
	find "$T/own" -maxdepth 1 -name '.*corral-work-*'
}

@test "tmpfs upper: writes, changes and deletes are seen inside and never reach SRC; the next run starts afresh" {
	make_src
	before=$(src_state)
	mounts=$(cat /proc/self/mountinfo)
	run "$CORRAL" --overlay "$T/src:/src" -- sh -c '
		echo new >/src/new && echo more >>/src/f && rm /src/sub/g && rmdir /src/sub &&
		mkdir /src/sub && ls -A /src/sub && cat /src/new /src/f && ls /src'
	assert_success
	assert_output "$(printf 'new\norig\nmore\nf\nnew\nsub')"
	assert_equal "$(src_state)" "$before"
	assert_equal "$(cat /proc/self/mountinfo)" "$mounts"
	run "$CORRAL" --overlay "$T/src:/src" -- ls /src /src/sub
	assert_success
	assert_output "$(printf '/src:\nf\nsub\n\n/src/sub:\ng')"
}

@test "rootless, tmpfs upper: writes stay inside; directories of an unmapped owner stay unwritable" {
	need_nobody
	make_src 65534
	chown 0:0 "$T/src/sub"
	before=$(src_state)
	run as_nobody "$CORRAL" --overlay "$T/src:/src" -- sh -c '
		echo new >/src/new && echo more >>/src/f && rm /src/f && cat /src/new && ls /src;
		touch /src/sub/x'
	assert_failure 1
	assert_line --index 0 "new"
	assert_line --index 1 "new"
	assert_line --index 2 "sub"
	assert_output --partial "cannot touch '/src/sub/x': Permission denied"
	assert_equal "$(src_state)" "$before"
}

@test "UPPER: changes land in UPPER, SRC is untouched, and the next run sees them (deletes too)" {
	make_src
	make_upper
	before=$(src_state)
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c '
		echo new >/src/new && echo more >>/src/f && rm -r /src/sub'
	assert_success
	assert_equal "$(src_state)" "$before"
	assert_equal "$(cat "$T/own/up/new")" "new"
	assert_equal "$(cat "$T/own/up/f")" "$(printf 'orig\nmore')"
	# The deletion is a whiteout in UPPER: a 0/0 character device, not a
	# change of SRC.
	run stat -c '%F %t:%T' "$T/own/up/sub"
	assert_output "character special file 0:0"
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c 'ls /src; cat /src/f'
	assert_success
	assert_output "$(printf 'f\nnew\norig\nmore')"
	assert_equal "$(src_state)" "$before"
	assert_equal "$(work_dirs)" ""
}

@test "rootless UPPER: changes kept for the next run, SRC untouched, nothing left beside UPPER" {
	need_nobody
	make_src 65534
	make_upper 65534
	before=$(src_state)
	run as_nobody "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c '
		echo new >/src/new && rm -r /src/sub && mkdir /src/sub && echo fresh >/src/sub/h'
	assert_success
	assert_equal "$(src_state)" "$before"
	assert_equal "$(stat -c %U "$T/own/up/new")" "nobody"
	# The recreated directory hides the old one's files (opaque: user
	# xattrs in a user namespace).
	run as_nobody "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c 'cat /src/new; ls /src/sub'
	assert_success
	assert_output "$(printf 'new\nh')"
	assert_equal "$(work_dirs)" ""
}

# src_setid MODE: a set-ID file (suid, of MODE) and a device node (null) in
# SRC, for the sandbox to copy up.
src_setid() {
	cp /usr/bin/true "$T/src/suid"
	chmod "$1" "$T/src/suid"
	mknod "$T/src/null" c 1 3
}

@test "the overlay is nosuid and nodev; mknod and chmod u+s inside fail, and nothing set-ID or a device reaches UPPER" {
	make_src
	make_upper
	src_setid 4755
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c '
		grep " /src " /proc/self/mountinfo; mknod /src/dev c 1 3; echo mknod $?;
		echo x >/src/x; chmod u+s /src/x; echo chmod $?; chmod g+s /src/x; echo chmod $?;
		touch /src/suid /src/null; ls -l /src/suid | cut -c1-10'
	assert_success
	assert_line --index 0 --regexp ' /src rw,nosuid,nodev[, ].* - overlay '
	assert_line "mknod 1"
	assert_line "chmod 1"
	assert_line --partial "-rwsr-xr-x"
	# touch copied the set-user-ID file and the device node up as they are;
	# corral cleared and removed them when the run ended.
	run find "$T/own/up" \( -perm /6000 -o -type b -o -type c \) -print
	assert_output ""
	assert_file_exists "$T/own/up/suid"
	assert_file_exists "$T/own/up/x"
	assert_equal "$(stat -c %a "$T/src/suid")" "4755"
}

@test "as root, a set-ID file and a device node moved 300 directories deep in UPPER are defused too" {
	make_src
	make_upper
	src_setid 6755
	# A rename copies them up as they are, and takes them anywhere below.
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c '
		d=/src; for i in $(seq 300); do d=$d/d; done; mkdir -p $d && mv /src/suid /src/null $d/'
	assert_success
	run find "$T/own/up" \( -perm /6000 -o -type b -o \( -type c ! -perm 0 \) \) -print
	assert_output ""
	run find "$T/own/up" -name suid -perm 0755
	assert_output --regexp "^$T/own/up(/d){300}/suid$"
	assert_equal "$(stat -c %a "$T/src/suid")" "6755"
}

@test "as root, file capabilities of SRC copied up to UPPER are removed after the run" {
	command -v setcap >/dev/null || skip "needs setcap (libcap2-bin)"
	make_src
	make_upper
	cp /usr/bin/true "$T/src/capf"
	setcap cap_sys_admin+ep "$T/src/capf"
	# touch copies it up with its xattrs; a rename takes it deep.
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c '
		touch /src/capf && mkdir -p /src/a/b && cp -p /src/capf /src/a/b/copy &&
		mv /src/capf /src/a/b/moved'
	assert_success
	assert_file_exists "$T/own/up/a/b/moved"
	run getcap -r "$T/own/up"
	assert_output ""
	assert_equal "$(getcap "$T/src/capf")" "$T/src/capf cap_sys_admin=ep"
}

@test "a chmod of UPPER (the overlay's root) inside is undone after the run, and the next run takes UPPER" {
	make_src
	make_upper
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c 'chmod 0755 /src && echo x >/src/x'
	assert_success
	assert_equal "$(stat -c %a "$T/own/up")" "700"
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c 'chmod 0 /src'
	assert_success
	assert_equal "$(stat -c %a "$T/own/up")" "700"
	# A command that keeps CAP_CHOWN can give it away: its owner is put back.
	run "$CORRAL" --cap-keep CHOWN --overlay "$T/src:/src:$T/own/up" -- chown 65534:65534 /src
	assert_success
	assert_equal "$(stat -c '%a %u:%g' "$T/own/up")" "700 0:0"
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- cat /src/x
	assert_success
	assert_output "x"
}

@test "rootless: a chmod of UPPER inside is undone after the run, and the next run takes UPPER" {
	need_nobody
	make_src 65534
	make_upper 65534
	run as_nobody "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c 'chmod 0777 /src && echo x >/src/x'
	assert_success
	assert_equal "$(stat -c %a "$T/own/up")" "700"
	run as_nobody "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- cat /src/x
	assert_success
	assert_output "x"
}

@test "a symlink in SRC leads nowhere outside: a write through it stays in the sandbox" {
	make_src
	make_upper
	echo host >"$T/hostfile"
	ln -s "$T/hostfile" "$T/src/abs"
	ln -s ../../../../../../../../"$T/hostfile" "$T/src/rel"
	for upper in "" ":$T/own/up"; do
		run "$CORRAL" --overlay "$T/src:/src$upper" -- sh -c '
			echo inside >/src/abs; echo inside >/src/rel; cat /src/abs'
		assert_equal "$(cat "$T/hostfile")" "host"
	done
	assert_equal "$(readlink "$T/src/abs")" "$T/hostfile"
}

@test "two runs with one UPPER: the second is refused while the first lasts" {
	make_src
	make_upper
	mkdir "$T/ctl"
	"$CORRAL" --overlay "$T/src:/src:$T/own/up" --bind "$T/ctl:/ctl" -- sh -c '
		touch /src/started; while [ ! -e /ctl/stop ]; do sleep 0.05; done' &
	first=$!
	wait_for "[ -e '$T/own/up/started' ]"
	[ "$(work_dirs | wc -l)" -eq 1 ]
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- true
	assert_failure 125
	assert_output "corral: error: overlay: upper '$T/own/up' is in use by another run (or named twice)"
	touch "$T/ctl/stop"
	wait "$first"
	assert_equal "$(work_dirs)" ""
}

@test "a work directory left by a killed corral is removed by the next run with that UPPER" {
	make_src
	make_upper
	mkdir "$T/ctl"
	"$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c 'touch /src/started; sleep 300' &
	first=$!
	wait_for "[ -e '$T/own/up/started' ]"
	kill -KILL "$first"
	wait "$first" || true
	[ "$(work_dirs)" = "$T/own/.up.corral-work-$first" ]
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- ls /src
	assert_success
	assert_equal "$(work_dirs)" ""
}

# A work directory of a dead pid, $2 directories deep, with files and a
# mode 0 directory in it (as overlayfs's work/), owned by uid $1.
stale_work() {
	sh -c ':' &
	local pid=$! d i
	wait "$pid"
	d="$T/own/.up.corral-work-$pid"
	for i in $(seq "$2"); do d=$d/d; done
	mkdir -p "$d/work/w" && touch "$d/f" "$d/work/w/g" "$T/own/.up.corral-work-$pid/top"
	chmod 0 "$d/work"
	chown -R "$1:$1" "$T/own/.up.corral-work-$pid"
}

@test "a work directory left by a killed corral is removed by the next run however deep it goes" {
	make_src
	make_upper
	stale_work 0 200
	[ "$(work_dirs | wc -l)" -eq 1 ]
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- true
	assert_success
	assert_equal "$(work_dirs)" ""
}

@test "rootless: a deep work directory left by a killed corral is removed, mode 0 directories too" {
	need_nobody
	make_src 65534
	make_upper 65534
	stale_work 65534 200
	run as_nobody "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- true
	assert_success
	assert_equal "$(work_dirs)" ""
}

@test "nothing is mounted on the host or left beside UPPER after runs, failed ones included" {
	make_src
	make_upper
	mounts=$(cat /proc/self/mountinfo)
	run "$CORRAL" --overlay "$T/src:/src:$T/own/up" --overlay "$T/src:/t" -- sh -c 'echo a >/src/a; echo b >/t/b'
	assert_success
	# A failure after the work directory is made (the command not found).
	run -127 "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- /nonexistent
	assert_failure 127
	assert_equal "$(cat /proc/self/mountinfo)" "$mounts"
	assert_equal "$(work_dirs)" ""
	assert_equal "$(ls -A "$T/own")" "up"
}

@test "bad overlays: one line naming the option, 125, nothing created" {
	make_src
	make_upper
	mkdir -m 0755 "$T/open"
	mkdir -m 0700 "$T/src/inner"
	ln -s up "$T/own/link"
	printf 'overlay = %s\n' "$T/src:relative" >"$T/bad.profile"
	before=$(ls -lAR "$T")
	check() {
		run "$CORRAL" "$@" -- true
		assert_failure 125
		assert_equal "${#lines[@]}" 1
	}
	check --overlay "$T/nope:/src"
	assert_output "corral: error: overlay: source '$T/nope': No such file or directory"
	check --overlay "$T/src/f:/src"
	assert_output "corral: error: overlay: source '$T/src/f' is not a directory"
	check --overlay "$T/src:src"
	assert_output "corral: error: overlay: destination 'src' must be an absolute path without . or .. components"
	check --overlay "$T/src"
	assert_output "corral: error: overlay: '$T/src' is not SRC:DST or SRC:DST:UPPER"
	check --overlay "$T/src:/src:$T/nope"
	assert_output "corral: error: overlay: upper '$T/nope': No such file or directory (make it first: mkdir -m 0700 $T/nope)"
	check --overlay "$T/src:/src:$T/src/inner"
	assert_output --partial "upper '$T/src/inner' is inside the source"
	check --overlay "$T/src/inner:/src:$T/src"
	assert_output --partial "is inside the upper directory"
	check --overlay "$T/src:/src:$T/open"
	assert_output --partial "upper '$T/open' is open to others (mode 0755"
	check --overlay "$T/src:/src:$T/own/link"
	assert_output "corral: error: overlay: upper '$T/own/link' is a symlink (name the directory itself)"
	check --root host --ro-bind= --ro-bind-try= --mask= --tmpfs= --proc= --dev= --overlay "$T/src:/src"
	assert_output --partial "overlay = $T/src:/src: mount options need root = tmpfs"
	check --profile "$T/bad.profile"
	assert_output "corral: error: $T/bad.profile:1: overlay: destination 'relative' must be an absolute path without . or .. components"
	assert_equal "$(ls -lAR "$T")" "$before"
}

@test "UPPER not the caller's, or where another user can rename it: refused, 125" {
	need_nobody
	make_src
	make_upper
	run as_nobody "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- true
	assert_failure 125
	assert_output "corral: error: overlay: upper '$T/own/up' is not yours (owner uid 0): changes are kept only in a directory of the caller's"
	mkdir -m 0777 "$T/shared"
	mkdir -m 0700 "$T/shared/up"
	run "$CORRAL" --overlay "$T/src:/src:$T/shared/up" -- true
	assert_failure 125
	assert_output "corral: error: overlay: upper '$T/shared/up': another user can rename it in its directory (name one in a directory of yours)"
}

@test "as root, an UPPER through a symlink in a directory another user can change: refused, 125" {
	need_nobody
	make_src
	make_upper
	mkdir "$T/user"
	ln -s "$T/own" "$T/user/link"
	chown -hR 65534:65534 "$T/user"
	run "$CORRAL" --overlay "$T/src:/src:$T/user/link/up" -- true
	assert_failure 125
	assert_output --partial "link is a symlink in a directory another user can change"
	assert_equal "$(work_dirs)" ""
}

@test "an UPPER holding the seccomp filter cache is refused" {
	make_src
	mkdir -m 0700 "$T/cache"
	run env XDG_CACHE_HOME="$T/cache" "$CORRAL" --overlay "$T/src:/src:$T/cache" -- true
	assert_failure 125
	assert_output "corral: error: overlay: upper '$T/cache' would hold corral's seccomp filter cache $T/cache/corral, which a sandbox must not write"
}

@test "an UPPER holding, or inside, the runtime directory of records and filters --join trusts is refused" {
	make_src
	# root's: /run/corral, and any directory above it.
	for up in /run/corral /run; do
		run "$CORRAL" --overlay "$T/src:/src:$up" -- true
		assert_failure 125
		assert_output "corral: error: overlay: upper '$up' would hold corral's runtime directory /run/corral (the records --list and --join trust), which a sandbox must not write"
	done
	# Another user's, in its XDG_RUNTIME_DIR: the directory, and above it.
	need_nobody
	mkdir -m 0700 "$T/rt" "$T/rt/corral"
	chown 65534:65534 "$T/rt" "$T/rt/corral"
	for up in "$T/rt/corral" "$T/rt"; do
		run as_nobody env XDG_RUNTIME_DIR="$T/rt" "$CORRAL" --overlay "$T/src:/src:$up" -- true
		assert_failure 125
		assert_output "corral: error: overlay: upper '$up' would hold corral's runtime directory $T/rt/corral (the records --list and --join trust), which a sandbox must not write"
	done
	[ -z "$(ls -A "$T/rt/corral")" ]
}

@test "layers by path (kernels before 6.13 take no fd): the same overlay" {
	make_src
	make_upper
	run env CORRAL_TEST_OVERLAY_BY_PATH=1 "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- sh -c '
		grep -o "lowerdir=[^,]*" /proc/self/mountinfo; echo new >/src/new'
	assert_success
	assert_output --regexp '^lowerdir=/oldroot/proc/self/fd/[0-9]+$'
	assert_equal "$(cat "$T/own/up/new")" "new"
	assert_file_not_exists "$T/src/new"
}

@test "a kernel that refuses overlayfs in a user namespace: one line saying so, 125" {
	need_nobody
	make_src
	make_upper 65534
	# FSCONFIG_CMD_CREATE (6) fails as a kernel before 5.11 fails it; the
	# overlay at /src is the first filesystem created after the binds.
	run as_nobody "$FAULT" fsconfig:*:6=EPERM -- "$CORRAL" --overlay "$T/src:/src:$T/own/up" -- true
	assert_failure 125
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "^corral: error: overlay $T/src on /src: the kernel refuses overlayfs in a user namespace \(Linux 5.11 or later allows it\): run corral as root, or drop overlay"
}

@test "examples/overlay-build.sh: a build writes its throwaway copy; with KEEP the next run starts from its changes" {
	make_src
	make_upper
	before=$(src_state)
	cd "$T/src"
	run env CORRAL="$CORRAL" "$TOP/examples/overlay-build.sh" sh -c 'pwd; echo built >out; rm f; ls'
	assert_success
	assert_output "$(printf '/src\nout\nsub')"
	assert_equal "$(src_state)" "$before"
	run env CORRAL="$CORRAL" KEEP="$T/own/up" "$TOP/examples/overlay-build.sh" sh -c 'echo built >out'
	assert_success
	run env CORRAL="$CORRAL" KEEP="$T/own/up" "$TOP/examples/overlay-build.sh" cat out
	assert_success
	assert_output "built"
	assert_equal "$(src_state)" "$before"
}
