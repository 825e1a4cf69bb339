#!/usr/bin/env bats
# Filesystem isolation: a new root from binds and tmpfs, read-only all the way
# down, a fresh /proc, a minimal /dev, and no mount that reaches the host.
load helpers

# The mount table of this (the host's) mount namespace.
host_mounts() {
	cat /proc/self/mountinfo
}

@test "writing under a ro-bind fails with EROFS" {
	mkdir "$T/src"
	echo old >"$T/src/f"
	run "$CORRAL" --ro-bind "$T/src:/data" -- sh -c 'cat /data/f; echo new >/data/f'
	assert_failure
	assert_line --index 0 "old"
	assert_output --partial "Read-only file system"
	assert_equal "$(cat "$T/src/f")" "old"
}

@test "writing in a submount below a ro-bind fails with EROFS too" {
	command -v unshare >/dev/null || skip "needs unshare(1)"
	mkdir -p "$T/src/sub"
	# The submount lives only in this test's own mount namespace.
	run unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs "$1/src/sub" && echo below >"$1/src/sub/marker" &&
		"$2" --ro-bind "$1/src:/data" -- sh -c "cat /data/sub/marker; touch /data/sub/x"' \
		sh "$T" "$CORRAL"
	assert_failure
	assert_line --index 0 "below"
	assert_output --partial "Read-only file system"
}

@test "without mount_setattr, the remount walk makes submounts read-only too" {
	command -v unshare >/dev/null || skip "needs unshare(1)"
	mkdir -p "$T/src/sub"
	run unshare -m --propagation private sh -c '
		mount -t tmpfs -o nosuid,nodev tmpfs "$1/src/sub" && echo below >"$1/src/sub/marker" &&
		CORRAL_TEST_REMOUNT_WALK=1 "$2" --ro-bind "$1/src:/data" -- sh -c "cat /data/sub/marker; grep \" /data/sub \" /proc/self/mountinfo; touch /data/sub/x"' \
		sh "$T" "$CORRAL"
	assert_failure
	assert_line --index 0 "below"
	assert_line --index 1 --regexp ' /data/sub ro,nosuid,nodev'
	assert_output --partial "Read-only file system"
}

@test "a kernel without mount_setattr (ENOSYS): the remount walk makes a ro-bind read-only" {
	mkdir -p "$T/src"
	run "$FAULT" mount_setattr=ENOSYS -- "$CORRAL" --ro-bind "$T/src:/data" -- \
		sh -c 'grep " /data " /proc/self/mountinfo; touch /data/x'
	assert_failure
	assert_line --index 0 --regexp ' /data ro[, ]'
	assert_output --partial "Read-only file system"
	assert_file_not_exists "$T/src/x"
}

@test "the remount walk: a mountinfo that cannot be read is an error, not a writable ro-bind" {
	mkdir -p "$T/src"
	# stdio reads /proc files 1024 bytes at a time; in corral only the walk
	# asks for 1024 bytes.
	run "$FAULT" mount_setattr=ENOSYS read:*:*:1024=EIO -- \
		"$CORRAL" --ro-bind "$T/src:/data" -- touch /data/x
	assert_failure 125
	assert_output --regexp '^corral: error: .*read mountinfo: Input/output error$'
	assert_file_not_exists "$T/src/x"
}

@test "a tmpfs placed below a ro-bind is writable (it is its own mount)" {
	mkdir -p "$T/src/sub"
	run "$CORRAL" --tmpfs /data/sub --ro-bind "$T/src:/data" -- sh -c 'echo ok >/data/sub/f && cat /data/sub/f'
	assert_success
	assert_output "ok"
	assert_file_not_exists "$T/src/sub/f"
}

@test "writing in a bind succeeds and the change is visible on the host" {
	mkdir "$T/rw"
	run "$CORRAL" --bind "$T/rw:/data" -- sh -c 'echo hello >/data/f'
	assert_success
	assert_equal "$(cat "$T/rw/f")" "hello"
}

@test "/tmp inside is empty and private; what is written there is gone after the run" {
	touch "$T/host-marker"
	run "$CORRAL" -- sh -c 'ls -A /tmp | wc -l; echo x >/tmp/corral-inside-$$; ls /tmp'
	assert_success
	assert_line --index 0 "0"
	assert_line --index 1 --regexp '^corral-inside-[0-9]+$'
	[ -z "$(ls /tmp | grep '^corral-inside-')" ]
	run "$CORRAL" -- ls -A /tmp
	assert_success
	assert_output ""
}

@test "/root, /home and the host's /tmp are not visible in the default profile" {
	touch "$T/host-marker"
	# /root may be there as the command's HOME: an empty tmpfs of its own.
	run "$CORRAL" -- sh -c 'for p in /root /home "$0/host-marker"; do test -n "$(ls -A "$p" 2>/dev/null)" && echo "visible: $p"; done; echo done' "$T"
	assert_success
	assert_output "done"
}

@test "ls /dev inside shows only the minimal set" {
	run "$CORRAL" -- ls /dev
	assert_success
	want="fd full mqueue null ptmx pts random shm stderr stdin stdout"
	[ -e /dev/tty ] && want="$want tty"
	want="$want urandom zero"
	assert_equal "$(echo $output)" "$want"
	run "$CORRAL" -- sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c && ls /dev/pts'
	assert_success
	assert_output "$(printf '4\nptmx')"
}

@test "/proc inside shows only the sandbox's processes" {
	run "$CORRAL" -- sh -c 'test -e /proc/$0 && echo "host pid visible"; ls /proc | grep -c "^[0-9]"' "$$"
	assert_success
	refute_output --partial "host pid visible"
	[ "$output" -le 4 ]
}

@test "a symlink in a bind source cannot place a mount outside the new root" {
	mkdir "$T/src" "$T/outside" "$T/payload"
	echo payload >"$T/payload/f"
	ln -s /tmp "$T/src/abs"
	ln -s ../../../../../../.. "$T/src/up"
	ln -s "$T/outside" "$T/src/dangling"
	name="corral-escape-$$"
	before=$(host_mounts)
	# An absolute symlink means the new root's /, and ".." stops at it.
	run "$CORRAL" --bind "$T/src:/data" --tmpfs /data/abs --bind "$T/payload:/data/up/escaped" \
		-- sh -c 'touch "/data/abs/$0" && ls /tmp; cat /escaped/f; grep -c " /escaped " /proc/self/mountinfo' "$name"
	assert_success
	assert_output "$(printf '%s\npayload\n1' "$name")"
	assert_file_not_exists "/tmp/$name"
	assert_file_not_exists /escaped
	# A symlink to a host path that the new root lacks: refused, not followed.
	run "$CORRAL" --bind "$T/src:/data" --tmpfs /data/dangling -- touch "$T/ran"
	assert_failure 125
	assert_output --partial "cannot create /data/dangling"
	[ -z "$(ls -A "$T/outside")" ]
	assert_equal "$(host_mounts)" "$before"
}

@test "a bind whose source is a symlink binds what it points to, inside the new root" {
	mkdir "$T/real"
	echo real >"$T/real/f"
	ln -s "$T/real" "$T/link"
	before=$(host_mounts)
	run "$CORRAL" --ro-bind "$T/link:/data" -- sh -c 'cat /data/f; test -e "$0" || echo "no $0"' "$T/real"
	assert_success
	assert_output "$(printf 'real\nno %s' "$T/real")"
	assert_equal "$(host_mounts)" "$before"
}

@test "a mount point is never created through a bind onto the host" {
	mkdir "$T/rw"
	run "$CORRAL" --bind "$T/rw:/data" --tmpfs /data/new -- touch "$T/ran"
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output --partial "cannot create /data/new: /data is not on a tmpfs of the sandbox"
	assert_file_not_exists "$T/rw/new"
}

@test "after every run the host's mountinfo is unchanged" {
	before=$(host_mounts)
	"$CORRAL" -- true
	"$CORRAL" -- sh -c 'exit 3' || true
	"$CORRAL" -- no-such-command-here 2>/dev/null || true
	"$CORRAL" --bind "$T:/x" --tmpfs /x/y -- true 2>/dev/null || true
	"$CORRAL" --time-limit 200ms -- sleep 10 || true
	assert_equal "$(host_mounts)" "$before"
}

@test "a missing source: 125, one line naming option and path, nothing run" {
	run "$CORRAL" --ro-bind /no/such/dir:/data -- touch "$T/ran"
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output "corral: error: ro-bind: source '/no/such/dir': No such file or directory"
	printf 'include default\nbind = /no/such/file\n' >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- touch "$T/ran"
	assert_failure 125
	assert_output "corral: error: $T/p.profile:2: bind: source '/no/such/file': No such file or directory"
	assert_file_not_exists "$T/ran"
}

@test "ro-bind-try and bind-try skip a missing source" {
	mkdir "$T/rw"
	run "$CORRAL" --ro-bind-try /no/such/dir:/data --bind-try "$T/rw:/rw" -- \
		sh -c 'test -e /data && echo data; touch /rw/f && echo rw'
	assert_success
	assert_output "rw"
	assert_file_exists "$T/rw/f"
}

@test "bad mount syntax: 125, one line" {
	run "$CORRAL" --bind relative/path -- true
	assert_failure 125
	assert_output "corral: error: bind: source 'relative/path' must be an absolute path without . or .. components"
	run "$CORRAL" --tmpfs /x:lots -- true
	assert_failure 125
	assert_output --partial "tmpfs: invalid size 'lots'"
	run "$CORRAL" --symlink /nowhere -- true
	assert_failure 125
	assert_output --partial "symlink: '/nowhere' is not TARGET:DST"
	run "$CORRAL" --ro-bind /usr:/a/../b -- true
	assert_failure 125
}

@test "root = host: the host's files, and mount options are an error" {
	touch "$T/host-marker"
	run "$CORRAL" --profile host -- test -e "$T/host-marker"
	assert_success
	run "$CORRAL" --profile host --tmpfs /x -- touch "$T/ran"
	assert_failure 125
	assert_output "corral: error: tmpfs = /x: mount options need root = tmpfs (root = host runs in the host's files; clear it with 'tmpfs =')"
	assert_file_not_exists "$T/ran"
}

@test "the order of keys in a profile does not change the result" {
	printf 'include default\ntmpfs = /usr/local\nro-bind = /usr\n' >"$T/a.profile"
	printf 'include default\nro-bind = /usr\ntmpfs = /usr/local\n' >"$T/b.profile"
	for p in a b; do
		run "$CORRAL" --profile "$T/$p.profile" -- sh -c 'touch /usr/local/f && echo writable; test -x /usr/bin/env && echo usr'
		assert_success
		assert_output "$(printf 'writable\nusr')"
	done
}

@test "a tmpfs with a size is limited to it" {
	run "$CORRAL" --tmpfs /small:1M -- sh -c 'head -c 2000000 /dev/zero >/small/f'
	assert_failure
	assert_output --partial "No space left on device"
}

@test "dir and symlink entries shape the new root" {
	run "$CORRAL" --dir /a/b/c --symlink usr/bin:/ubin -- sh -c 'test -d /a/b/c && echo dir; test -x /ubin/env && readlink /ubin'
	assert_success
	assert_output "$(printf 'dir\nusr/bin')"
}

@test "a symlink where something else is: File exists, naming what is there" {
	run "$CORRAL" --dir /bin2 --symlink usr/bin:/bin2 -- touch "$T/ran"
	assert_failure 125
	assert_output "corral: error: symlink /bin2 -> usr/bin: File exists (a directory is there)"
	run "$CORRAL" --symlink usr/bin:/bin2 --symlink usr/lib:/bin2 -- touch "$T/ran"
	assert_failure 125
	assert_output "corral: error: symlink /bin2 -> usr/lib: File exists (a symlink to usr/bin is there)"
	assert_file_not_exists "$T/ran"
	# The same link twice (a profile's and the command line's) is no conflict.
	run "$CORRAL" --symlink usr/bin:/bin2 --symlink usr/bin:/bin2 -- readlink /bin2
	assert_success
	assert_output usr/bin
}

@test "the root itself is read-only" {
	run "$CORRAL" -- touch /newfile
	assert_failure
	assert_output --partial "Read-only file system"
}

@test "chdir: the caller's directory when visible inside, else /, or as given" {
	cd "$T"
	run "$CORRAL" -- pwd
	assert_output "/"
	run "$CORRAL" --ro-bind "$T" -- pwd
	assert_output "$T"
	run "$CORRAL" --chdir /usr -- pwd
	assert_output "/usr"
	run "$CORRAL" --chdir /no/such/dir -- true
	assert_failure 125
	assert_output "corral: error: chdir: /no/such/dir: No such file or directory"
}

@test "bind-cwd: yes binds the current directory writable, ro read-only" {
	cd "$T"
	run "$CORRAL" --bind-cwd yes -- sh -c 'pwd; echo hi >f'
	assert_success
	assert_output "$T"
	assert_equal "$(cat "$T/f")" "hi"
	run "$CORRAL" --bind-cwd ro -- sh -c 'cat f; echo again >f'
	assert_failure
	assert_line --index 0 "hi"
	assert_output --partial "Read-only file system"
}

@test "the default profile runs ordinary commands: sh, ls, python3, cc" {
	run "$CORRAL" -- sh -c 'ls /usr >/dev/null && echo ls'
	assert_success
	assert_output "ls"
	if [ -x /usr/bin/python3 ]; then
		run "$CORRAL" -- /usr/bin/python3 -c 'print(6 * 7)'
		assert_success
		assert_output "42"
	fi
	if command -v cc >/dev/null; then
		run "$CORRAL" -- sh -c 'printf "int main(void){return 42;}\n" >/tmp/a.c && cc -o /tmp/a /tmp/a.c && /tmp/a'
		assert_failure 42
	fi
}

# Rootless: the same under uid 65534, in a user namespace.

@test "rootless: ro-bind is read-only, bind writes reach the host" {
	mkdir "$T/src" "$T/rw"
	chmod 777 "$T/rw"
	echo old >"$T/src/f"
	run as_nobody "$CORRAL" --ro-bind "$T/src:/data" --bind "$T/rw:/rw" -- \
		sh -c 'echo new >/rw/f; cat /data/f; echo new >/data/f'
	assert_failure
	assert_line --index 0 "old"
	assert_output --partial "Read-only file system"
	assert_equal "$(cat "$T/rw/f")" "new"
	assert_equal "$(cat "$T/src/f")" "old"
}

@test "rootless: a submount below a ro-bind is read-only too" {
	command -v unshare >/dev/null || skip "needs unshare(1)"
	mkdir -p "$T/src/sub"
	chmod 777 "$T/src/sub"
	# A user namespace of its own, with a mount corral's sandbox inherits locked.
	run as_nobody unshare -Urm --propagation private sh -c '
		mount -t tmpfs tmpfs "$1/src/sub" && echo below >"$1/src/sub/marker" &&
		"$2" --user-ns yes --ro-bind "$1/src:/data" -- sh -c "cat /data/sub/marker; touch /data/sub/x"' \
		sh "$T" "$CORRAL"
	assert_failure
	assert_line --index 0 "below"
	assert_output --partial "Read-only file system"
}

@test "rootless: the remount walk keeps locked flags and makes submounts read-only" {
	command -v unshare >/dev/null || skip "needs unshare(1)"
	mkdir -p "$T/src/sub"
	chmod 777 "$T/src/sub"
	run as_nobody unshare -Urm --propagation private sh -c '
		mount -t tmpfs -o nosuid,nodev,noexec tmpfs "$1/src/sub" && echo below >"$1/src/sub/marker" &&
		CORRAL_TEST_REMOUNT_WALK=1 "$2" --user-ns yes --ro-bind "$1/src:/data" -- sh -c "cat /data/sub/marker; touch /data/sub/x"' \
		sh "$T" "$CORRAL"
	assert_failure
	assert_line --index 0 "below"
	assert_output --partial "Read-only file system"
}

@test "rootless: /tmp private, minimal /dev, host mountinfo unchanged" {
	before=$(host_mounts)
	run as_nobody "$CORRAL" -- sh -c 'ls -A /tmp | wc -l; echo x >/tmp/f; ls /dev | wc -l; test -n "$(ls -A /root 2>/dev/null)" || echo noroot'
	assert_success
	n=13
	[ -e /dev/tty ] && n=14
	assert_output "$(printf '0\n%s\nnoroot' "$n")"
	assert_equal "$(host_mounts)" "$before"
}

@test "rootless: a missing source is the same one-line error" {
	run as_nobody "$CORRAL" --bind /no/such/dir -- true
	assert_failure 125
	assert_output "corral: error: bind: source '/no/such/dir': No such file or directory"
}
