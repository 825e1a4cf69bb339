#!/usr/bin/env bats
# The new root with as few mounts as give the same view: a bind of a host
# symlink whose target another bind already shows is that symlink (merged
# /usr: /bin -> usr/bin), and as root /dev's nodes are made, not bound.
load helpers

# Mounts at path in the sandbox's mount table, as the command sees it.
count_at='grep -c " $0 " /proc/self/mountinfo; true'

# A host tree in $T/h: usr/bin/f, bin -> usr/bin, abs -> $T/h/usr/bin,
# other -> opt/bin (opt/bin/g, not otherwise bound).
make_tree() {
	mkdir -p "$T/h/usr/bin" "$T/h/opt/bin"
	echo f >"$T/h/usr/bin/f"
	echo g >"$T/h/opt/bin/g"
	ln -s usr/bin "$T/h/bin"
	ln -s "$T/h/usr/bin" "$T/h/abs"
	ln -s opt/bin "$T/h/other"
}

@test "the default profile's /bin is the host's symlink, not a bind, on a merged-/usr host" {
	[ -L /bin ] || skip "the host's /bin is not a symlink"
	run "$CORRAL" -- sh -c 'readlink /bin; test -x /bin/sh && echo sh; '"$count_at" /bin
	assert_success
	assert_output "$(printf '%s\nsh\n0' "$(readlink /bin)")"
}

@test "a bind of a symlink whose target another bind shows the same way is that symlink" {
	make_tree
	run "$CORRAL" --ro-bind "$T/h/usr" --ro-bind-try "$T/h/bin" --ro-bind "$T/h/abs" \
		-- sh -c 'readlink "$0/bin" "$0/abs"; cat "$0/bin/f" "$0/abs/f"; sh -c "$1" "$0/bin"; sh -c "$1" "$0/abs"' \
		"$T/h" "$count_at"
	assert_success
	assert_output "$(printf 'usr/bin\n%s\nf\nf\n0\n0' "$T/h/usr/bin")"
}

@test "a bind of a symlink stays a bind when no other bind shows its target the same way" {
	make_tree
	# Alone; its target not bound; read-write over a read-only target; the
	# target covered by a tmpfs; a bind ordered before the one of the target.
	for args in "--ro-bind $T/h/bin" \
		"--ro-bind $T/h/usr --ro-bind $T/h/other" \
		"--ro-bind $T/h/usr --bind $T/h/bin" \
		"--ro-bind $T/h/usr --tmpfs $T/h/usr/bin --ro-bind $T/h/bin" \
		"--ro-bind-try $T/h/usr --ro-bind $T/h/bin" \
		"--ro-bind $T/h/usr --ro-bind $T/h/bin:$T/h/bin2"; do
		last=${args##* }
		last=${last##*:}
		run "$CORRAL" $args -- sh -c 'test -L "$0" && echo link; ls "$0"; '"$count_at" "$last"
		assert_success
		case $last in
		*other) assert_output "$(printf 'g\n1')" ;;
		*) assert_output "$(printf 'f\n1')" ;;
		esac
	done
	# Read-write, it writes the host's directory the link points to.
	run "$CORRAL" --ro-bind "$T/h/usr" --bind "$T/h/bin" -- touch "$T/h/bin/new"
	assert_success
	assert_file_exists "$T/h/usr/bin/new"
}

@test "as root, a symlink in a directory another user can change is refused, not copied" {
	make_tree
	chmod 777 "$T/h"
	run "$CORRAL" --ro-bind "$T/h/usr" --ro-bind "$T/h/bin" -- true
	assert_failure 125
	assert_output --partial "bin is a symlink in a directory another user can change"
}

@test "rootless: the default profile's /bin is the host's symlink too" {
	need_nobody
	[ -L /bin ] || skip "the host's /bin is not a symlink"
	run as_nobody "$CORRAL" -- sh -c 'readlink /bin; '"$count_at" /bin
	assert_success
	assert_output "$(printf '%s\n0' "$(readlink /bin)")"
}

@test "as root, /dev/null and the others are character devices made in /dev, not binds" {
	run "$CORRAL" -- sh -c 'for n in null zero full random urandom; do stat -c "%n %F %t,%T %a" /dev/$n; done
		echo x >/dev/null && echo written; head -c 4 /dev/zero | wc -c; head -c 4 /dev/urandom | wc -c
		echo x 2>/dev/null >/dev/full || echo full; '"$count_at" /dev/null
	assert_success
	assert_output "$(printf '%s\n' "/dev/null character special file 1,3 666" \
		"/dev/zero character special file 1,5 666" "/dev/full character special file 1,7 666" \
		"/dev/random character special file 1,8 666" "/dev/urandom character special file 1,9 666" \
		written 4 4 full 0)"
}

@test "as root, a chmod of /dev/null inside changes the sandbox's node, not the host's" {
	host=$(stat -c '%d:%i %a' /dev/null)
	# Not the host's inode: without that, the chmod below would reach the host.
	run "$CORRAL" -- stat -c '%d:%i' /dev/null
	assert_success
	[ "$output" != "${host% *}" ]
	run "$CORRAL" -- sh -c 'chmod 600 /dev/null && stat -c %a /dev/null'
	assert_success
	assert_output 600
	assert_equal "$(stat -c '%d:%i %a' /dev/null)" "$host"
}

@test "rootless: /dev's nodes are the host's, bound (a user namespace cannot mknod)" {
	need_nobody
	run as_nobody "$CORRAL" -- sh -c 'stat -c "%t,%T" /dev/null; echo x >/dev/null && echo written; '"$count_at" /dev/null
	assert_success
	assert_output "$(printf '1,3\nwritten\n1')"
}
