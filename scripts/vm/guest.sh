#!/bin/bash
# Stage 2 of the check-v2 guest: PID 1 after switch_root into the host's /
# (read-only over 9p). It makes the writable and virtual file systems, mounts
# cgroup2 alone at /sys/fs/cgroup, and runs the Bats files as TAP on ttyS1,
# which the host reads. It always powers the VM off; if it dies instead, PID 1
# exiting panics the kernel and panic=-1 with qemu -no-reboot ends the VM too.
exec >/dev/ttyS1 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8
# sysrq 'o' powers off at once; the trigger file works whatever kernel.sysrq says.
poweroff_now() {
	echo "# check-v2: done"
	echo o >/proc/sysrq-trigger
	sleep 10 2>/dev/null # the share may already be gone
}
die() {
	echo "# check-v2: guest stage 2 failed: $*"
	poweroff_now
}

# A tree under /tmp or /run (CI may clone there) would vanish under the
# tmpfs: hold it on a bind in /dev (devtmpfs, writable) and move it back to
# the same path once the tmpfs is there.
held=""
case $CHECK_V2_TOP in
/tmp/* | /run/*)
	mkdir -p /dev/.corral-tree && mount --bind "$CHECK_V2_TOP" /dev/.corral-tree ||
		die "hold $CHECK_V2_TOP"
	held=1
	;;
esac
mount -t tmpfs -o mode=1777 tmpfs /tmp || die "tmpfs /tmp"
mount -t tmpfs -o mode=755 tmpfs /run || die "tmpfs /run"
if [ -n "$held" ]; then
	mkdir -p "$CHECK_V2_TOP" && mount --move /dev/.corral-tree "$CHECK_V2_TOP" ||
		die "move $CHECK_V2_TOP back"
fi
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# Bats reads /dev/fd/N (process substitution); devtmpfs has no such links.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
# The tree is writable in the guest (tests may build into it), through an
# overlay whose upper layer is a tmpfs: nothing reaches the host.
mkdir -p /run/tree/upper /run/tree/work
if ! mount -t overlay overlay -o "lowerdir=$CHECK_V2_TOP,upperdir=/run/tree/upper,workdir=/run/tree/work" \
	"$CHECK_V2_TOP"; then
	echo "# check-v2: warning: no overlay, $CHECK_V2_TOP is read-only in the guest"
fi
# The rootless tests run corral as uid 65534: a tree below a directory
# closed to others (such as /root) is run from a bind of it in /run.
if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$CHECK_V2_TOP/profiles/default.profile" 2>/dev/null; then
	mkdir -p /run/corral-tree && mount --bind "$CHECK_V2_TOP" /run/corral-tree ||
		die "bind $CHECK_V2_TOP for uid 65534"
	echo "# check-v2: uid 65534 cannot reach $CHECK_V2_TOP; running from /run/corral-tree"
	CHECK_V2_TOP=/run/corral-tree
fi
ip link set lo up 2>/dev/null
hostname corral-v2

# cgroup2 alone, with the options systemd uses: nsdelegate makes a cgroup
# namespace a delegation boundary, memory_recursiveprot as on every systemd host.
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup || die "mount cgroup2"
fstype=$(stat -f -c %T /sys/fs/cgroup)
echo "# check-v2: /sys/fs/cgroup is $fstype; kernel $(uname -r); cmdline $(cat /proc/cmdline)"
[ "$fstype" = cgroup2fs ] || die "/sys/fs/cgroup is $fstype, not cgroup2fs"
if grep -q ' cgroup ' /proc/mounts; then
	die "a cgroup v1 hierarchy is mounted"
fi

# No systemd here: enable the controllers by hand, as systemd would.
enable() {
	local cg=$1 c
	for c in $(cat "$cg/cgroup.controllers"); do
		case $c in cpuset | cpu | io | memory | pids) echo "+$c" >"$cg/cgroup.subtree_control" ;; esac
	done
}
enable /sys/fs/cgroup
case $CHECK_V2_LAYOUT in
root)
	# The tests run in the root cgroup, the only cgroup exempt from the
	# no-internal-process rule: corral-<pid> beneath it gets every controller.
	;;
delegated)
	# A delegated subtree as systemd's Delegate=yes gives one: controllers
	# enabled in test/, the test process in the leaf test/runner (a cgroup
	# with processes cannot enable controllers for its children).
	mkdir /sys/fs/cgroup/test /sys/fs/cgroup/test/runner
	enable /sys/fs/cgroup/test
	echo $$ >/sys/fs/cgroup/test/runner/cgroup.procs || die "move into test/runner"
	;;
*) die "unknown CHECK_V2_LAYOUT '$CHECK_V2_LAYOUT'" ;;
esac
echo "# check-v2: tests run in cgroup $(cut -d: -f3 /proc/self/cgroup)" \
	"(controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control))"

cd "$CHECK_V2_TOP" || die "cd $CHECK_V2_TOP"
echo "# check-v2: bats $CHECK_V2_BATS"
# shellcheck disable=SC2086 # a list of files
bats --tap $CHECK_V2_BATS
echo "# check-v2: bats exit $?"
if [ -n "${CHECK_V2_FILTERED:-}" ]; then
	echo "# check-v2: bats --filter '$CHECK_V2_FILTER' $CHECK_V2_FILTERED"
	# shellcheck disable=SC2086
	bats --tap --filter "$CHECK_V2_FILTER" $CHECK_V2_FILTERED
	echo "# check-v2: bats exit $?"
fi
poweroff_now
