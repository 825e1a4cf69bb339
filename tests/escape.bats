#!/usr/bin/env bats
# The escape suite (issue 11): attacks from inside the sandbox. Each runs in
# the default profile (and in strict, when there is one), asserts that the
# attack fails with the errno the stopping layer gives, and that the host is
# unchanged. Where a second layer holds behind the first, the attack is run
# again with that first layer off (--seccomp=no), so the table at the end of
# this file says truthfully what stopped what.
load helpers

ATTACK=$TOP/tests/attack

PROFILES=(default)
if "$CORRAL" --profile strict --check >/dev/null 2>&1; then
	PROFILES+=(strict)
fi

# Probed once: whether this kernel runs int 0x80 from a 64-bit process
# (some do not, and kill it with SIGSEGV). Empty when it does, else why not.
setup_file() {
	local out rc=0
	out=$("$CORRAL" --seccomp=no --ro-bind "$ATTACK" -- "$ATTACK" int80 getpid 2>&1) || rc=$?
	if [ "$out" = ok ]; then
		export NO_INT80=""
	else
		export NO_INT80="no i386 emulation in this kernel: int 0x80 getpid gave status $rc, '$out'"
	fi
}

setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/corral-test.XXXXXX")
	chmod 755 "$T"
	echo "canary $$ $RANDOM" >"$T/canary"
	BEFORE=$(host_state)
	PIDS=()
}

teardown() {
	local p
	local bad_reports=0
	validate_reports || bad_reports=1
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$T"
	return $bad_reports
}

# What an escape would change on the host: its mounts, a file the sandbox
# does not bind, the global sysctls a root escape writes first, corral's own
# binary (the runc CVE-2019-5736 target) and the attack binary.
host_state() {
	printf '%s\n' "mounts $(wc -l </proc/self/mountinfo)" "canary $(cat "$T/canary")" \
		"core_pattern $(cat /proc/sys/kernel/core_pattern)" \
		"printk_ratelimit $(cat /proc/sys/kernel/printk_ratelimit)" \
		"hostname $(cat /proc/sys/kernel/hostname)" \
		"corral $(sha256sum <"$CORRAL")" "attack $(sha256sum <"$ATTACK")"
}

assert_host_unchanged() {
	assert_equal "$(host_state)" "$BEFORE"
}

# attack_in PROFILE [CORRAL OPTION]... -- ATTACK ARG...
attack_in() {
	local p=$1 opts=()
	shift
	while [ "$1" != "--" ]; do
		opts+=("$1")
		shift
	done
	shift
	run "$CORRAL" --profile "$p" "${opts[@]}" --ro-bind "$ATTACK" -- "$ATTACK" "$@"
}

# expect_fail ERRNO PROFILE [CORRAL OPTION]... -- ATTACK ARG...: the attack's
# call failed with ERRNO (a regex: EPERM|EACCES).
expect_fail() {
	local want=$1
	shift
	attack_in "$@"
	assert_failure 1
	assert_output --regexp "^($want)\$"
}

# A process on the host to attack: sleep, tagged, killed in teardown.
host_victim() {
	sleep 300 &
	VICTIM=$!
	PIDS+=("$VICTIM")
}

@test "strict profile variants" {
	[ "${#PROFILES[@]}" -gt 1 ] ||
		skip "no strict profile yet (corral --profile strict --check fails): every attack ran in default only"
	"$CORRAL" --profile strict --check >/dev/null
}

@test "ptrace of init: EPERM from the filter, and EPERM without it (init is not dumpable)" {
	for p in "${PROFILES[@]}"; do
		expect_fail EPERM "$p" -- ptrace 1
		expect_fail EPERM "$p" --seccomp=no -- ptrace 1
	done
	assert_host_unchanged
}

@test "ptrace of a host process: EPERM from the filter, ESRCH without it (not in the PID namespace)" {
	host_victim
	for p in "${PROFILES[@]}"; do
		expect_fail EPERM "$p" -- ptrace "$VICTIM"
		expect_fail ESRCH "$p" --seccomp=no -- ptrace "$VICTIM"
	done
	run grep '^TracerPid:' "/proc/$VICTIM/status"
	assert_output --regexp 'TracerPid:[[:space:]]+0$'
	assert_host_unchanged
}

@test "kill and pidfd_open of a host pid: ESRCH, the pid is not even visible; kill -1 reaches nothing outside" {
	host_victim
	for p in "${PROFILES[@]}"; do
		expect_fail ESRCH "$p" -- kill "$VICTIM"
		expect_fail ESRCH "$p" -- pidfd "$VICTIM"
		run "$CORRAL" --profile "$p" -- sh -c "test -e /proc/$VICTIM && echo visible; kill -9 -1 2>&1; echo survived"
		assert_line "survived"
		assert_output --partial "No such process"
		refute_output --partial visible
	done
	kill -0 "$VICTIM"
	assert_host_unchanged
}

@test "SIGKILL and SIGSTOP to init from inside are ignored by the kernel" {
	# Dropped when sent (sig_task_ignored: init of its namespace), so there
	# is nothing to wait for: not pending, not stopped, and init alive.
	for p in "${PROFILES[@]}"; do
		run "$CORRAL" --profile "$p" -- sh -c 'kill -STOP 1; kill -KILL 1; grep -E "^(State|SigPnd|ShdPnd):" /proc/1/status'
		assert_success
		assert_line --regexp '^State:[[:space:]]+S'
		# SIGKILL is bit 8, SIGSTOP bit 18 of the pending masks.
		for mask in $(awk '/Pnd:/ { print $2 }' <<<"$output"); do
			(((16#$mask & (1 << 8 | 1 << 18)) == 0))
		done
	done
}

@test "mount: EPERM from the filter even with CAP_SYS_ADMIN kept, and from the kernel without it" {
	for p in "${PROFILES[@]}"; do
		expect_fail EPERM "$p" -- mount
		expect_fail EPERM "$p" --cap-keep SYS_ADMIN -- mount
		expect_fail EPERM "$p" --seccomp=no -- mount
		expect_fail EPERM "$p" -- sys fsopen
		expect_fail EPERM "$p" -- sys open_tree
	done
	assert_host_unchanged
}

@test "umount of /, /proc and the read-only /proc/sys over-mount: EPERM" {
	for p in "${PROFILES[@]}"; do
		for m in / /proc /proc/sys /usr; do
			expect_fail EPERM "$p" -- umount "$m"
			expect_fail EPERM "$p" --cap-keep SYS_ADMIN -- umount "$m"
			expect_fail EPERM "$p" --seccomp=no -- umount "$m"
		done
	done
	assert_host_unchanged
}

@test "pivot_root and the double-chroot escape: EPERM" {
	for p in "${PROFILES[@]}"; do
		expect_fail EPERM "$p" -- pivot-root
		expect_fail EPERM "$p" --cap-keep SYS_ADMIN -- pivot-root
		expect_fail EPERM "$p" -- chroot-escape
		expect_fail EPERM "$p" --cap-keep SYS_CHROOT -- chroot-escape
		expect_fail EPERM "$p" --seccomp=no -- chroot-escape
	done
	assert_host_unchanged
}

@test "unshare of every namespace: EPERM (a new user namespace would give back every capability)" {
	for p in "${PROFILES[@]}"; do
		for ns in user mnt pid net ipc uts cgroup time; do
			expect_fail EPERM "$p" -- unshare "$ns"
		done
		# Without the filter a user namespace is the open door.
		attack_in "$p" --seccomp=no -- unshare user
		assert_output "ok"
		run "$CORRAL" --profile "$p" -- unshare -Ur true
		assert_failure
	done
	assert_host_unchanged
}

@test "clone with namespace flags: EPERM; clone3 with them: ENOSYS (libc falls back to clone)" {
	for p in "${PROFILES[@]}"; do
		for ns in user mnt pid net ipc uts cgroup; do
			expect_fail EPERM "$p" -- clone "$ns"
		done
		for ns in user mnt pid net time; do
			expect_fail ENOSYS "$p" -- clone3 "$ns"
		done
		attack_in "$p" --seccomp=no -- clone3 user
		assert_output "ok"
	done
	assert_host_unchanged
}

@test "setns into init's or our own namespaces: EACCES or EPERM" {
	for p in "${PROFILES[@]}"; do
		for ns in mnt pid user net; do
			# init's are not even openable: init is not dumpable.
			expect_fail EACCES "$p" -- setns "/proc/1/ns/$ns"
			expect_fail EPERM "$p" -- setns "/proc/self/ns/$ns"
		done
	done
	assert_host_unchanged
}

@test "/proc/1/root: not openable (init is not dumpable), and /proc/self/root leads only to the new root" {
	for p in "${PROFILES[@]}"; do
		expect_fail EACCES "$p" -- open /proc/1/root path
		expect_fail EACCES "$p" --seccomp=no -- open /proc/1/root path
		expect_fail EACCES "$p" -- open "/proc/1/root$T/canary" r
		expect_fail ENOENT "$p" -- open "/proc/self/root$T/canary" r
		expect_fail ENOENT "$p" -- open "/proc/self/root/../../../../..$T/canary" r
		expect_fail ENOENT "$p" -- open "/proc/self/cwd/../../../../..$T/canary" r
		run "$CORRAL" --profile "$p" -- sh -c 'cd /proc/self/root/../../..; ls'
		assert_success
		assert_output "$("$CORRAL" --profile "$p" -- ls /)"
	done
	assert_host_unchanged
}

@test "/proc/self/exe and /proc/1/exe opened for writing (runc CVE-2019-5736): ETXTBSY, EACCES" {
	cp "$ATTACK" "$T/attack"
	for p in "${PROFILES[@]}"; do
		expect_fail ETXTBSY "$p" -- exe-write /proc/self/exe
		# init is the host's corral binary: not even its link is readable.
		expect_fail EACCES "$p" -- exe-write /proc/1/exe
		expect_fail EACCES "$p" --seccomp=no -- exe-write /proc/1/exe
		expect_fail EACCES "$p" -- open /proc/1/exe r
		# A writable bind of the program itself: the kernel's ETXTBSY.
		run "$CORRAL" --profile "$p" --bind "$T/attack" -- "$T/attack" exe-write /proc/self/exe
		assert_failure 1
		assert_output "ETXTBSY"
	done
	cmp "$ATTACK" "$T/attack"
	assert_host_unchanged
}

@test "/proc/1/mem and process_vm_writev, pidfd_getfd into init: refused, so no code runs in init unfiltered" {
	for p in "${PROFILES[@]}"; do
		expect_fail EACCES "$p" -- open /proc/1/mem rw
		expect_fail EACCES "$p" --seccomp=no -- open /proc/1/mem rw
		expect_fail EPERM "$p" -- sys process_vm_writev
		expect_fail EPERM "$p" --seccomp=no -- sys process_vm_writev
		expect_fail EPERM "$p" -- sys pidfd_getfd
		expect_fail EPERM "$p" --seccomp=no -- sys pidfd_getfd
	done
}

@test "open_by_handle_at (the 2014 shocker exploit): EPERM" {
	for p in "${PROFILES[@]}"; do
		expect_fail EPERM "$p" -- shocker /
		expect_fail EPERM "$p" -- shocker /etc
		expect_fail EPERM "$p" --seccomp=no -- shocker /etc
	done
	assert_host_unchanged
}

@test "writing the host's /proc/sys (core_pattern, drop_caches): EROFS, also as root" {
	for p in "${PROFILES[@]}"; do
		for f in kernel/core_pattern kernel/printk_ratelimit vm/drop_caches kernel/hostname; do
			expect_fail EROFS "$p" -- open "/proc/sys/$f" w
			expect_fail EROFS "$p" --seccomp=no -- open "/proc/sys/$f" w
		done
		run "$CORRAL" --profile "$p" -- sh -c 'v=$(cat /proc/sys/kernel/printk_ratelimit); echo "$v" >/proc/sys/kernel/printk_ratelimit'
		assert_failure
		assert_output --partial "Read-only file system"
	done
	run as_nobody "$CORRAL" --ro-bind "$ATTACK" -- "$ATTACK" open /proc/sys/kernel/core_pattern w
	assert_output --regexp '^(EROFS|EACCES)$'
	assert_host_unchanged
}

@test "/proc/sysrq-trigger, /proc/irq, /proc/bus: read-only or absent" {
	for p in "${PROFILES[@]}"; do
		expect_fail 'EROFS|ENOENT' "$p" -- open /proc/sysrq-trigger w
		run "$CORRAL" --profile "$p" -- sh -c 'for m in /proc/sys /proc/irq /proc/bus; do grep " $m " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1; done'
		assert_success
		assert_output "$(printf 'ro\nro\nro')"
	done
	assert_host_unchanged
}

@test "/sys is not there: no cgroup release_agent, no uevent_helper to write" {
	for p in "${PROFILES[@]}"; do
		expect_fail ENOENT "$p" -- open /sys/kernel/uevent_helper w
		expect_fail ENOENT "$p" -- open /sys/fs/cgroup/memory/release_agent w
		expect_fail ENOENT "$p" -- open /sys path
	done
	assert_host_unchanged
}

@test "/proc/kcore, /dev/mem, /dev/kmsg, /dev/port: absent or refused" {
	for p in "${PROFILES[@]}"; do
		expect_fail 'ENOENT|EPERM|EACCES' "$p" -- open /proc/kcore r
		for d in mem kmem kmsg port; do
			expect_fail ENOENT "$p" -- open "/dev/$d" r
		done
	done
}

@test "device nodes: only the harmless set, no block device, mknod EPERM, /dev/shm nodev" {
	for p in "${PROFILES[@]}"; do
		# Not find -type: it trusts the tmpfs's d_type of the bind's mount point.
		run "$CORRAL" --profile "$p" -- sh -c 'for f in /dev/* /dev/*/*; do
			if [ -b "$f" ]; then echo "block $f"; elif [ -c "$f" ] && [ ! -L "$f" ]; then echo "$f"; fi
		done'
		assert_success
		assert_output "$(printf '/dev/full\n/dev/null\n/dev/random\n/dev/tty\n/dev/urandom\n/dev/zero\n/dev/pts/ptmx')"
		expect_fail EPERM "$p" -- mknod /tmp/mem c
		expect_fail EPERM "$p" -- mknod /dev/shm/sda b
		expect_fail EPERM "$p" --seccomp=no -- mknod /tmp/sda b
		# /dev itself is not nodev (its nodes are made there as root).
		expect_fail EPERM "$p" --seccomp=no -- mknod /dev/sda b
	done
}

@test "keyctl, bpf, perf_event_open: EPERM from the filter" {
	for p in "${PROFILES[@]}"; do
		for call in keyctl bpf perf_event_open; do
			run "$CORRAL" --profile "$p" "${WITH_PROBE[@]}" -- "$PROBE" syscall "$call"
			assert_failure 1
			assert_output "EPERM"
		done
	done
}

@test "userfaultfd and io_uring_setup: EPERM from the filter (io_uring works without it)" {
	for p in "${PROFILES[@]}"; do
		expect_fail EPERM "$p" -- sys userfaultfd
		expect_fail EPERM "$p" -- sys io_uring_setup
	done
	# Without the filter io_uring works (unless the host disables it), so
	# the EPERM above is the filter's.
	if [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 0 ]; then
		attack_in default --seccomp=no -- sys io_uring_setup
		assert_success
		assert_output "ok"
	fi
}

@test "modules, reboot, settimeofday, iopl, ioperm, swapoff: EPERM" {
	for p in "${PROFILES[@]}"; do
		for call in init_module finit_module reboot settimeofday iopl ioperm swapoff; do
			expect_fail EPERM "$p" -- sys "$call"
		done
		# Behind the filter: no capability (or no such call in this kernel).
		for call in reboot settimeofday swapoff; do
			expect_fail EPERM "$p" --seccomp=no -- sys "$call"
		done
	done
	assert_host_unchanged
}

@test "oom_score_adj -1000 (never chosen by the OOM killer): EACCES" {
	for p in "${PROFILES[@]}"; do
		expect_fail EACCES "$p" -- oom-adj
		expect_fail EACCES "$p" --seccomp=no -- oom-adj
	done
}

@test "TIOCSTI into the terminal: EPERM, also with the request's high bits set (CVE-2019-10063)" {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	for p in "${PROFILES[@]}"; do
		for req in tiocsti tiocsti-high; do
			run script -qec "cd / && $CORRAL --profile $p --ro-bind $ATTACK -- $ATTACK tty $req" /dev/null
			assert_output --partial "EPERM"
		done
	done
	run script -qec "cd / && $CORRAL --seccomp=no --ro-bind $ATTACK -- $ATTACK tty tiocsti" /dev/null
	refute_output --partial "EPERM"
}

@test "TIOCLINUX into the terminal: EPERM" {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	for p in "${PROFILES[@]}"; do
		run script -qec "cd / && $CORRAL --profile $p --ro-bind $ATTACK -- $ATTACK tty tioclinux" /dev/null
		assert_output --partial "EPERM"
	done
	# Without the filter a pty is no console: the kernel's own error.
	run script -qec "cd / && $CORRAL --seccomp=no --ro-bind $ATTACK -- $ATTACK tty tioclinux" /dev/null
	refute_output --partial "EPERM"
}

@test "the caller's terminal at /dev/console: root inside cannot chmod or chown it on the host; it is still written" {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	# The node is the host's pty, owned by the caller: root (without
	# capabilities) is its owner inside too.
	run script -qec "cd / && sh -c 'stat -c %a:%u \$(tty); $CORRAL -- sh -c \"chmod 666 /dev/console || echo chmod-refused; chown 65534 /dev/console || echo chown-refused; echo written >/dev/console\"; stat -c %a:%u \$(tty)'" /dev/null
	assert_success
	mapfile -t lines < <(printf '%s\n' "${lines[@]}" | tr -d '\r')
	assert_line "chmod-refused"
	assert_line "chown-refused"
	assert_line "written"
	# The host's node as it was before the run.
	assert_equal "${lines[0]}" "${lines[-1]}"
}

@test "the host's other terminals are not in /dev/pts (a new devpts instance)" {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	run script -qec "cd / && sh -c 'ls /dev/pts; echo ---; $CORRAL -- ls /dev/pts'" /dev/null
	assert_success
	# The host has at least script's pty; inside only ptmx.
	assert_output --regexp '[0-9]'
	assert_equal "$(printf '%s\n' "${lines[@]}" | sed -n '/---/,$p' | tr -d '\r' | tail -n +2)" "ptmx"
}

@test "terminal ioctls that change it for everyone (TIOCSETD, TIOCCONS, TIOCEXCL, TIOCVHANGUP, the console's): EPERM" {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	for p in "${PROFILES[@]}"; do
		# With CAP_SYS_ADMIN kept, so that TIOCCONS and TIOCVHANGUP meet
		# the filter, not the kernel's capability check.
		for req in tiocsetd tiocsetd-high tioccons tiocexcl tiocvhangup kdskbmode; do
			run script -qec "cd / && $CORRAL --profile $p --cap-keep SYS_ADMIN --ro-bind $ATTACK -- $ATTACK tty $req" /dev/null
			assert_equal "$(printf '%s' "$output" | tr -d '\r')" "EPERM"
		done
	done
	# Without the filter a pty is no console: the kernel's own error.
	run script -qec "cd / && $CORRAL --seccomp=no --ro-bind $ATTACK -- $ATTACK tty kdskbmode" /dev/null
	refute_output --partial "EPERM"
	# And TIOCEXCL works: the filter is what refuses it.
	run script -qec "cd / && $CORRAL --seccomp=no --ro-bind $ATTACK -- $ATTACK tty tiocexcl" /dev/null
	assert_equal "$(printf '%s' "$output" | tr -d '\r')" "ok"
}

@test "setuid and setgid bits: every way to set or create them is EPERM (openat2: ENOSYS), root and rootless" {
	ways=(chmod fchmod fchmodat fchmodat2 open openat creat tmpfile mknod mknodat mkdir mkdirat)
	mkdir "$T/w"
	chmod 777 "$T/w"
	for p in "${PROFILES[@]}"; do
		for how in "${ways[@]}"; do
			for which in uid gid; do
				expect_fail EPERM "$p" --bind "$T/w" -- setid "$T/w/$p-$how-$which" "$how" "$which"
			done
		done
		expect_fail ENOSYS "$p" --bind "$T/w" -- setid "$T/w/$p-openat2" openat2
	done
	if [ "$(id -u)" -eq 0 ] && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$ATTACK"; then
		for how in "${ways[@]}"; do
			run as_nobody "$CORRAL" --bind "$T/w" --ro-bind "$ATTACK" -- "$ATTACK" setid "$T/w/nobody-$how" "$how"
			assert_failure 1
			assert_output "EPERM"
		done
	fi
	# On the host: no file or directory with either bit, owned by root or not.
	assert_equal "$(find "$T/w" -perm /6000)" ""
	# Without the filter the owner needs no capability: the filter is what
	# stops it. (A setuid-root program left for any user of the host.)
	attack_in default --seccomp=no --bind "$T/w" -- setid "$T/w/control" chmod
	assert_success
	[ -u "$T/w/control" ] && [ "$(stat -c %u "$T/w/control")" = "$(id -u)" ]
	assert_host_unchanged
}

@test "kernel-wide /proc files (keys, timer_list, slabinfo, ...): masked as runc and Docker mask them, in every root" {
	files=(keys key-users timer_list timer_stats sched_debug latency_stats interrupts slabinfo
		vmallocinfo pagetypeinfo kpagecount kpageflags kpagecgroup kcore)
	have=()
	for f in "${files[@]}"; do
		[ -e "/proc/$f" ] && have+=("$f")
	done
	[ "${#have[@]}" -gt 0 ] || skip "this kernel has none of: ${files[*]}"
	# Something to hide on the host (as root the files have content).
	[ "$(wc -c </proc/timer_list)" -gt 0 ]
	for opts in "--profile default" "--profile strict" "--profile host"; do
		for f in "${have[@]}"; do
			run "$CORRAL" $opts -- sh -c "wc -c </proc/$f"
			assert_success
			assert_output "0"
		done
		for d in acpi asound scsi; do
			[ -d "/proc/$d" ] || continue
			run "$CORRAL" $opts -- ls -A "/proc/$d"
			assert_success
			assert_output ""
		done
	done
}

@test "the host profile's fresh /proc: the host kernel's settings read-only there too (core_pattern)" {
	# root = host: the attack is on the host's own path, no bind needed.
	for f in kernel/core_pattern kernel/printk_ratelimit vm/drop_caches; do
		run "$CORRAL" --profile host -- "$ATTACK" open "/proc/sys/$f" w
		assert_failure 1
		assert_output "EROFS"
	done
	run "$CORRAL" --profile host -- sh -c 'v=$(cat /proc/sys/kernel/printk_ratelimit); echo "$v" >/proc/sys/kernel/printk_ratelimit'
	assert_failure
	assert_output --partial "Read-only file system"
	assert_host_unchanged
}

@test "the default profile masks the host's secrets in /etc (password hashes, private keys), even from root" {
	[ -s /etc/shadow ] || skip "this host has no /etc/shadow to hide"
	for f in /etc/shadow /etc/gshadow /etc/shadow- /etc/gshadow- /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_rsa_key; do
		[ -e "$f" ] || continue
		run "$CORRAL" -- sh -c "wc -c <$f"
		assert_success
		assert_output "0"
	done
	if [ -d /etc/ssl/private ]; then
		run "$CORRAL" -- ls -A /etc/ssl/private
		assert_success
		assert_output ""
	fi
	# The rest of /etc is there.
	run "$CORRAL" -- sh -c 'grep -c "^root:" /etc/passwd'
	assert_output "1"
}

@test "strict's /dev and /dev/shm have sizes: a fill stops at them" {
	p=strict
	run "$CORRAL" --profile "$p" -- sh -c 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=100 2>&1 | grep -o "No space left"; stat -c %s /dev/shm/fill'
	assert_success
	assert_output "$(printf 'No space left\n67108864')"
	# /dev itself holds only nodes and links, in every profile.
	for p in "${PROFILES[@]}"; do
		run "$CORRAL" --profile "$p" -- sh -c 'dd if=/dev/zero of=/dev/fill bs=1k count=1000 2>&1 | grep -o "No space left"; [ "$(stat -c %s /dev/fill)" -le 65536 ] && echo bounded'
		assert_output "$(printf 'No space left\nbounded')"
	done
}

# Every i386 step of the suite is here, so that a kernel without the ABI
# (int 0x80 from a 64-bit process dies of SIGSEGV even without a filter)
# skips them with the reason, once, and keeps every other assertion.
@test "the i386 ABI (int 0x80): denied calls stay denied" {
	[ -z "$NO_INT80" ] || skip "$NO_INT80"
	for p in "${PROFILES[@]}"; do
		attack_in "$p" -- int80 getpid
		assert_success
		for call in mount ptrace unshare-mnt setns; do
			expect_fail EPERM "$p" -- int80 "$call"
		done
		run "$CORRAL" --profile "$p" "${WITH_PROBE[@]}" -- "$PROBE" int80 keyctl
		assert_output --regexp '^(EPERM|ENOSYS)$'
	done
	assert_host_unchanged
}

@test "the x32 ABI (nr | 0x40000000): the filter kills the process, 159" {
	for p in "${PROFILES[@]}"; do
		for call in getpid unshare-user; do
			attack_in "$p" -v -- x32 "$call"
			assert_failure 159
			assert_output --partial "killed by SIGSYS"
		done
	done
	# Without the filter this kernel answers by itself (Debian: no x32).
	attack_in default --seccomp=no -- x32 getpid
	refute [ "$status" -eq 159 ]
}

# libseccomp_knows NAME: whether the libseccomp corral is built with names
# the call (the shared library of the same package: corral links it
# statically).
libseccomp_knows() {
	python3 -c 'import ctypes, sys
l = ctypes.CDLL("libseccomp.so.2")
l.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
sys.exit(0 if l.seccomp_syscall_resolve_name(sys.argv[1].encode()) >= 0 else 1)' "$1"
}

@test "calls newer than libseccomp's table: ENOSYS in a denylist, denied by an allowlist" {
	# A denylist can deny only what it can name: each call this kernel has
	# and libseccomp cannot name, the default profile must refuse.
	local call tried=()
	for call in statmount listmount lsm_get_self_attr lsm_list_modules mseal getxattrat \
		listxattrat open_tree_attr file_getattr; do
		libseccomp_knows "$call" && continue
		attack_in default --seccomp=no -- newsys "$call"
		[ "$output" != ENOSYS ] || continue # not in this kernel
		tried+=("$call")
		for opts in "" "--net host" "--seccomp-deny ptrace"; do
			expect_fail ENOSYS default $opts -- newsys "$call"
		done
		expect_fail 'EPERM|EACCES' strict -- newsys "$call"
	done
	[ ${#tried[@]} -gt 0 ] || skip "this kernel has no call newer than libseccomp's table"
	echo "# tried: ${tried[*]}" >&3
}

@test "leaked file descriptors: only 0, 1, 2 in the command, nothing of the caller's in init" {
	exec 7>"$T/leak" 8<"$T"
	for p in "${PROFILES[@]}"; do
		run "$CORRAL" --profile "$p" "${WITH_PROBE[@]}" -- "$PROBE" fds
		assert_success
		assert_output "$(printf '0\n1\n2')"
		# init keeps only 0, 1, 2 and its socket to the supervisor.
		run "$CORRAL" --profile "$p" -- ls /proc/1/fd
		assert_success
		[ "${#lines[@]}" -eq 4 ]
		refute_line 7
		refute_line 8
		# A walk out through a directory fd the caller left open.
		expect_fail ENOENT "$p" -- open /proc/self/fd/8 path
		expect_fail 'ENOENT|EACCES' "$p" -- open /proc/1/fd/8 path
	done
	exec 7>&- 8<&-
	assert_host_unchanged
}

@test "vsock sockets (which no network namespace isolates): EPERM from the filter, in every net" {
	for p in "${PROFILES[@]}"; do
		expect_fail EPERM "$p" -- sys vsock
		expect_fail EPERM "$p" -- sys vsock-high
	done
	expect_fail EPERM default --net host -- sys vsock
	# Without the filter the kernel makes one where it has vsock (a VM
	# guest): the EPERM above is the filter's.
	attack_in default --seccomp=no -- sys vsock
	assert_output --regexp '^(ok|EAFNOSUPPORT)$'
}

@test "an abstract Unix socket of the host is unreachable with net = none or pasta (ECONNREFUSED)" {
	name="corral-escape-$$-$RANDOM"
	"$ATTACK" listen-abstract "$name" >"$T/listener.out" 2>"$T/listener.err" &
	PIDS+=($!)
	wait_for '[ -s "$T/listener.out" ]'
	for p in "${PROFILES[@]}"; do
		expect_fail ECONNREFUSED "$p" -- connect-abstract "$name"
	done
	# pasta's user-mode network is still a namespace of the sandbox's own.
	if command -v pasta >/dev/null; then
		expect_fail ECONNREFUSED default --net pasta -- connect-abstract "$name"
	fi
	[ ! -s "$T/listener.err" ]
	# The same connect with the host's network namespace does reach it.
	attack_in default --net host -- connect-abstract "$name"
	assert_success
	wait_for 'grep -q accepted "$T/listener.err"'
}

@test "setuid binaries and file capabilities gain nothing (no_new_privs)" {
	cp "$PROBE" "$T/suid-probe"
	chown 0:0 "$T/suid-probe"
	chmod 4755 "$T/suid-probe"
	out=$(setpriv --reuid=1000 --regid=1000 --clear-groups "$T/suid-probe" ids)
	[ "$out" = "uid 1000 euid 0" ] || skip "setuid does not work in $T ($out)"
	for p in "${PROFILES[@]}"; do
		run "$CORRAL" --profile "$p" --uid 1000 --gid 1000 --ro-bind "$T" -- "$T/suid-probe" ids
		assert_success
		assert_output "uid 1000 euid 1000"
	done
	if command -v setcap >/dev/null; then
		cp "$(command -v grep)" "$T/capgrep"
		cp "$(command -v grep)" "$T/capgrep-p"
		setcap cap_dac_override,cap_sys_admin+ep "$T/capgrep"
		setcap cap_dac_override,cap_sys_admin+p "$T/capgrep-p"
		for p in "${PROFILES[@]}"; do
			# With the effective bit the kernel refuses to run a program that
			# would not get its capabilities (the bounding set is empty).
			run "$CORRAL" --profile "$p" --uid 1000 --gid 1000 --ro-bind "$T" -- "$T/capgrep" '^CapEff' /proc/self/status
			assert_failure 126
			assert_output --partial "Operation not permitted"
			run "$CORRAL" --profile "$p" --uid 1000 --gid 1000 --ro-bind "$T" -- "$T/capgrep-p" '^CapPrm' /proc/self/status
			assert_success
			assert_output --regexp 'CapPrm:[[:space:]]+0000000000000000'
		done
	fi
}

@test "fork bomb within pids = 32: stopped at 32, nothing left on the host" {
	m=$(marker)
	for p in "${PROFILES[@]}"; do
		run "$CORRAL" --profile "$p" --pids 32 --setenv "M=$m" "${WITH_PROBE[@]}" -- "$PROBE" forkbomb 1000
		assert_success
		assert_output --regexp '^forked ([0-9]+), then: Resource temporarily unavailable$'
		n=$(echo "$output" | awk '{print $2}' | tr -d ,)
		[ "$n" -le 32 ]
	done
	[ -z "$(pgrep -f -- "M=$m" || true)" ]
	[ -z "$(pgrep -f -- "$PROBE forkbomb" || true)" ]
}

@test "memory bomb within memory = 64M: 137, the host keeps its memory" {
	for p in "${PROFILES[@]}"; do
		run "$CORRAL" --profile "$p" --memory 64M "${WITH_PROBE[@]}" -- "$PROBE" alloc 1024
		assert_failure 137
		refute_output --partial "allocated 1024"
	done
	[ -z "$(pgrep -f -- "$PROBE alloc" || true)" ]
}

@test "disk-fill bombs: a sized /tmp gives ENOSPC at its size; a memory limit bounds the unsized one" {
	for p in "${PROFILES[@]}"; do
		run "$CORRAL" --profile "$p" --tmpfs /tmp:8M -- sh -c 'dd if=/dev/zero of=/tmp/fill bs=1M count=100 2>&1 | grep -o "No space left"; stat -c %s /tmp/fill'
		assert_success
		assert_output "$(printf 'No space left\n8388608')"
		# The default /tmp and /dev/shm have no size: their pages are the
		# run's memory, and the memory limit bites.
		for d in /tmp /dev/shm; do
			run "$CORRAL" --profile "$p" --memory 32M -- sh -c "dd if=/dev/zero of=$d/fill bs=1M count=200 2>/dev/null; stat -c %s $d/fill"
			[ "${lines[-1]}" -le $((32 << 20)) ]
		done
	done
	assert_host_unchanged
}

@test "a symlink race on a bind target cannot place a mount outside the new root" {
	mkdir -p "$T/src/sub" "$T/outside"
	before=$(wc -l </proc/self/mountinfo)
	# Flip src/sub between a directory and a symlink to a host directory
	# while corral mounts a tmpfs on /data/sub.
	(
		while :; do
			rmdir "$T/src/sub" 2>/dev/null && ln -s "$T/outside" "$T/src/sub"
			rm -f "$T/src/sub" 2>/dev/null && mkdir "$T/src/sub"
		done
	) &
	PIDS+=($!)
	ok=0 refused=0
	for i in $(seq 40); do
		run "$CORRAL" --bind "$T/src:/data" --tmpfs /data/sub -- sh -c 'echo x >/data/sub/f && grep -c " /data/sub " /proc/self/mountinfo'
		case $status in
		0) ok=$((ok + 1)) ;;
		125) [ "${#lines[@]}" -eq 1 ] && refused=$((refused + 1)) ;;
		1 | 2) ;; # the tmpfs went onto a directory the racer then replaced
		*) false ;;
		esac
	done
	kill "${PIDS[0]}"
	echo "# race: $ok runs mounted, $refused refused" >&3
	[ -z "$(ls -A "$T/outside")" ]
	assert_equal "$(wc -l </proc/self/mountinfo)" "$before"
}

@test "hostile profile paths: a FIFO, /dev/zero, a directory, a huge file: one line, 125, nothing run" {
	mkfifo "$T/fifo.profile"
	mkdir "$T/dir.profile"
	truncate -s 2G "$T/huge.profile"
	for prof in "$T/fifo.profile" /dev/zero "$T/dir.profile" "$T/huge.profile" /proc/self/fd/0; do
		run timeout 10 "$CORRAL" --profile "$prof" -- touch "$T/ran"
		assert_failure 125
		[ "${#lines[@]}" -eq 1 ]
		assert_output --regexp "^corral: error: "
	done
	assert_file_not_exists "$T/ran"
	assert_host_unchanged
}

@test "hostile includes: ../../etc/shadow-like paths, a FIFO, a cycle: one line, 125, no content leaked" {
	mkdir -p "$T/a/b" "$T/etc"
	printf 'root:SECRETHASH=x:19000:0:99999:7:::\n' >"$T/etc/shadow"
	mkfifo "$T/a/fifo"
	for inc in ../../etc/shadow fifo /dev/zero "$T/a" /etc/shadow self.profile; do
		printf 'include %s\n' "$inc" >"$T/a/b/../self.profile"
		run timeout 10 "$CORRAL" --profile "$T/a/self.profile" -- touch "$T/ran"
		assert_failure 125
		[ "${#lines[@]}" -eq 1 ]
		assert_output --regexp "^corral: error: "
		refute_output --partial SECRETHASH
	done
	assert_file_not_exists "$T/ran"
}

# What stopped each attack (default profile, root; rootless adds the user
# namespace in front of all of it):
#
#   ptrace init                 seccomp @debug (EPERM); behind it init is not dumpable (EPERM)
#   ptrace host process         seccomp @debug; behind it the PID namespace (ESRCH)
#   kill/pidfd_open host pid    PID namespace (ESRCH); kill -1 reaches only the sandbox
#   SIGKILL/SIGSTOP to init     the kernel ignores them from inside a PID namespace
#   mount, fsopen, open_tree    seccomp @mount, even with CAP_SYS_ADMIN kept; behind it no CAP_SYS_ADMIN
#   umount / /proc /proc/sys    seccomp @mount; behind it no CAP_SYS_ADMIN
#   pivot_root, chroot escape   seccomp @mount; behind it no CAP_SYS_ADMIN/CAP_SYS_CHROOT
#   unshare (all 8 kinds)       seccomp clone/unshare flag rules (EPERM); without them user ns is open
#   clone with CLONE_NEW*       seccomp clone flag rules (EPERM)
#   clone3 with CLONE_NEW*      seccomp: clone3 is ENOSYS (flags in memory are unfilterable)
#   setns                       /proc/1/ns: init not dumpable (EACCES); own ns: seccomp setns (EPERM)
#   /proc/1/root, walk-outs     init not dumpable (EACCES); /proc/self/root is the new root (mount layout)
#   /proc/self/exe write        kernel ETXTBSY (running image); /proc/1/exe: init not dumpable (EACCES)
#   /proc/1/mem, process_vm_writev, pidfd_getfd
#                               init not dumpable (EACCES/EPERM); the syscalls also seccomp
#   open_by_handle_at           seccomp; behind it no CAP_DAC_READ_SEARCH
#   /proc/sys writes            read-only over-mount of /proc/sys (EROFS) [fixed here: was writable as root]
#   /proc/sysrq-trigger, irq, bus, fs
#                               read-only over-mounts [fixed here]; sysrq-trigger is absent in
#                               this kernel (no CONFIG_MAGIC_SYSRQ), so ENOENT here
#   /sys (release_agent, uevent_helper)
#                               not mounted in the new root (ENOENT)
#   /proc/kcore, /dev/mem, kmsg, port
#                               not in the minimal /dev (ENOENT); kcore absent in this kernel
#                               (elsewhere it needs CAP_SYS_RAWIO)
#   device nodes, mknod         minimal /dev; mknod: no CAP_MKNOD (EPERM), /tmp and /dev/shm nodev
#   keyctl, bpf, perf_event_open
#                               seccomp @keyring, bpf, @debug
#   userfaultfd, io_uring_setup seccomp @default-deny (behind it: userfaultfd needs
#                               CAP_SYS_PTRACE with vm.unprivileged_userfaultfd = 0; io_uring open)
#   modules, reboot, settimeofday, iopl, ioperm, swapoff
#                               seccomp @module @reboot @clock @raw-io @swap; behind it no
#                               capabilities (reboot, settimeofday, swapoff; this kernel has no
#                               modules, iopl or ioperm: ENOSYS)
#   oom_score_adj -1000         no CAP_SYS_RESOURCE (EACCES)
#   TIOCSTI (also high bits)    seccomp ioctl rule, masked to 32 bits (now the prologue's)
#   TIOCLINUX                   seccomp ioctl rule
#   TIOCSETD (N_NULL: the caller's terminal dead after the run), TIOCCONS, TIOCEXCL,
#   TIOCVHANGUP, TIOCSLCKTRMIOS, the console's KD*/VT* (keymap, font, graphics mode)
#                               seccomp prologue, every filter, on the request's low 32 bits;
#                               TIOCCONS/TIOCVHANGUP/TIOCSLCKTRMIOS also need CAP_SYS_ADMIN
#                               [fixed here]; restoring the terminal's settings after a run
#                               (termios) is issue 18's job-control work, not done here
#   setuid/setgid bits (chmod, fchmod, fchmodat, fchmodat2, open/openat/creat with O_CREAT or
#   O_TMPFILE, mknod(at), mkdir(at))
#                               seccomp prologue, every filter (EPERM; openat2: ENOSYS, its mode
#                               is out of reach); behind it nothing: an owner needs no
#                               capability [fixed here]. io_uring's IORING_OP_OPENAT would pass a
#                               mode unseen: io_uring is in @default-deny and not in strict
#   kernel-wide /proc files (keys, key-users, timer_list, interrupts, slabinfo, vmallocinfo,
#   pagetypeinfo, kpage*, and acpi, asound, scsi, kcore, sched_debug, ... where present)
#                               masked in every fresh /proc and the shared one (/dev/null or an
#                               empty ro tmpfs), runc's and Docker's lists plus the issue's
#                               [fixed here]. mountinfo still names each bind's source path:
#                               the kernel prints a mount's root within its filesystem, runc and
#                               Docker show the same, and hiding it would mean hiding
#                               /proc/<pid>/ itself; kept, and said here
#   /proc/sys in root = host     read-only, as in a new root [fixed here: core_pattern was
#                               writable by root's command in the host profile]
#   /etc/shadow, gshadow (and -), opasswd, SSH host keys, /etc/ssl/private, krb5.keytab,
#   WireGuard, NetworkManager and PPP secrets
#                               default profile's mask entries [fixed here]; strict never binds them
#   strict's /dev, /dev/shm fill /dev: tmpfs size=64k, 1024 inodes (every profile); /dev/shm:
#                               shm-size = 64M (ENOSPC) [fixed here]
#   host ptys in /dev/pts       a new devpts instance
#   i386 int 0x80               seccomp filter covers the x86 ABI too
#   x32                         seccomp kills x32 numbers (SIGSYS, 159; the verdict says
#                               "killed by SIGSYS", not "seccomp", as the action is errno)
#   calls newer than libseccomp (statmount, listmount, mseal, open_tree_attr, *xattrat, ...)
#                               seccomp prologue: ENOSYS above the newest number libseccomp
#                               names, in a denylist [fixed: the default profile let them all
#                               through, as it did clone3/openat2/fchmodat2 until each was named];
#                               an allowlist's default action already refuses them
#   leaked fds                  close_range at the command's exec; init closes all but its socket
#                               [fixed here: init kept the caller's fds] and is not dumpable
#   abstract Unix socket        network namespace (ECONNREFUSED), net = none or pasta
#   vsock (AF_VSOCK)            seccomp prologue, every profile and net (EPERM) [fixed: no network
#                               namespace isolates vsock; the guest's ports and the hypervisor
#                               were reachable with net = none]; i386 socketcall is not filtered
#   the host's loopback         net = pasta: -T none -U none --no-map-gw (tests/net.bats)
#   a joined command's memory   (tests/join.bats) the --join middle is not dumpable before it
#     before its filter         enters, so the command is not until its execve (EACCES) [fixed:
#                               after its caps drop it was openable rw, runc CVE-2016-9962]
#   freezing corral (SIGSTOP    (tests/judge.bats) only a stop at a shared terminal, or one a
#     itself)                   SIGTSTP to corral asked for, stops corral [fixed: every stop
#                               did, and the time and CPU-time limits stopped with it]
#   init's fg as a deputy       (tests/terminal.bats) init takes the SIGCONT that hands the
#                               terminal only from outside its PID namespace (si_pid 0) [fixed:
#                               a background run could forge it and read the shell's input]
#   /sys showing /proc's masks  (tests/live.bats) kernel/slab, kernel/irq, kernel/vmcoreinfo
#                               masked in a read-only /sys [fixed: build showed them]
#   --join into a command's own (tests/join.bats) a run without a filter records the namespaces
#     namespaces                init forked the command into; --join refuses a command that has
#                               left them [fixed: it followed it, under seccomp = no]
#   escape sequences in a #!    (tests/live.bats, join.bats) every message, report line and --list
#     line or a command word    line shows C0 and C1 controls as '?' [fixed: a file a sandbox
#                               wrote could retitle, clear and draw on the user's terminal]
#   set-ID files, devices and   (tests/overlay.bats) defused at any depth, security.capability
#     file capabilities in an   removed, UPPER's mode and owner restored after the run [fixed:
#     overlay's UPPER           below 256 levels they stayed; capabilities always; a chmod of
#                               UPPER stayed]. During a run UPPER is the overlay's root: a command
#                               can open it to others until the cleanup (left, see README)
#   corral-slurm's fallback     (tests/report.bats) no symlink followed in the report directory,
#     report                    written with O_EXCL and renamed [fixed: a bound submit directory
#                               let a task create a file anywhere its user could]
#   bats-corral's report read   (tests/bats_corral.bats) a count or version that is not a number
#                               fails the helper [fixed: a string count was eval'ed as code]
#   setuid / file capabilities  no_new_privs (and the capability bounding set is empty)
#   fork bomb                   pids cgroup (EAGAIN at 32)
#   memory bomb                 memory cgroup (OOM kill, 137)
#   disk fill                   tmpfs size (ENOSPC); unsized tmpfs: memory cgroup
#   symlink race on bind target openat2(RESOLVE_IN_ROOT) resolution of the target; the fd is mounted on
#   hostile profile paths       profile.c: O_NONBLOCK, regular files only, 1 MiB at most, NUL bytes,
#                               include cycle detection
#
# Races and lifetimes (issue 25, tests/races.bats): what a local user, or the
# command, does from outside the sandbox's rules:
#
#   cwd swapped for a symlink   bind-cwd binds the directory init started in, taken once as an
#     (root, 50 runs)           O_PATH fd, never its path again; if the path inside is not that
#                               directory, the run is refused (was: the path resolved again,
#                               following the symlink: a root-only directory bound writable)
#   --bind source swapped       as root, sources are walked one component at a time and a symlink
#     (root, 50 runs)           is followed only in a directory root owns that no one else can
#                               change (sticky: only root's own links); else refused, 125
#   share = pid                 refused (options.c): in the host's PID namespace the command can
#                               stop corral (no time limit, a false verdict) or leave a setsid
#                               child behind; no mode keeps those promises without a PID namespace
#   140 tmpfs (table of 128)    mounts.c grows its table of the sandbox's tmpfs (was: full at 128,
#                               then "/dev is not on a tmpfs"); cap-keep keeps each name once
#                               (was: cut at 64, then EINVAL); a kernel with more capabilities
#                               than corral's table is an error, not a silent cut
#   newline in a profile path   --learn and --check refuse a value or profile name that would not
#     or value (--learn/--check) read back as itself (control characters, blanks at an end):
#                               options.c option_profile_text_ok, asked by every writer (was: lines
#                               injected into the learned profile, loosening it)
#   --learn under strict        the learning filter keeps the profiles' seccomp-deny (EPERM, not
#                               notified) (was: every call notified and let through, keyctl
#                               included, on the host's keyrings)
#   include fan-out (100^4)     profile.c counts every file read for one profile: more than 256
#                               is an error (was: bounded in depth only, minutes of reading)
#   CORRAL_PROFILE_PATH dir     profile_check_trust (profile.c): a profile found on the search path
#     of another user           is read only if it, its directory and every directory above are
#                               root's or the caller's and no one else can write them (sticky
#                               above is fine); -v names each file read and where it was found
#   work hidden without cgroup  init kills and reaps what the command left before it exits, so
#                               its CPU time and memory peak reach init's rusage (was: the kernel
#                               killed it after init, and its usage reached no one); init keeps
#                               CAP_KILL when the command keeps CAP_SETUID, so all of it is killable
#
# What one run leaves for the next (tests/persistence.bats):
#
#   forged seccomp cache file (in place, renamed parent, planted; root and rootless; binds
#   of the directory, of ~/.cache, of the home; root = host)
#                               guard.c: the cache directory ro over itself in every sandbox a
#                               writable bind (or root = host) lets reach it, each renamable
#                               ancestor pinned (EROFS, EBUSY); behind it: a cached program is
#                               run through bpf_run and must give the answers the spec's filter
#                               gives (the test's forgery carries a right sum of its
#                               instructions); behind that, owner/mode/no-symlink/size/header
#                               checks and that sum (which catches torn writes, not forgers)
#   a corral with other rules reusing a filter
#                               the cache key covers the binary's GNU build id
#   cache growth                at most 32 entries, least recently used first; dead writers'
#                               temporary files removed
#   a FIFO at a report path     (tests/report.bats) opened without blocking: no reader is one
#                               line, 125 [fixed: the next run waited for ever, signals blocked]
#   TIOCSETD leaving the caller's terminal dead
#                               seccomp prologue (above); the next command still has its terminal
#   report path made a symlink (by an earlier run), or a forgery renamed over it
#                               outfile.c: no symlink followed (O_NOFOLLOW walk; one at the end
#                               is removed, one in the directory part is an error), the report
#                               written after every process of the sandbox is gone, to a new file
#                               renamed over the path; --learn's profile the same way
#   stale corral-<pid> cgroup of a SIGKILLed run
#                               removed by the next run in every controller corral uses
#                               (memory, cpu, cpuacct, pids, cpuset), not only its own
#   overlay: writes, deletes (whiteouts), symlinks in SRC, mknod, chmod u+s, a copy-up of a
#   set-user-ID file or a device node of SRC (tests/overlay.bats)
#                               overlayfs never writes its lower layer; a symlink resolves inside
#                               the new root; the mount is nosuid,nodev; no CAP_MKNOD, and seccomp
#                               refuses set-ID modes; as root, set-ID bits and device nodes a
#                               copy-up brought into UPPER are cleared after the run; UPPER is
#                               the caller's, 0700, outside SRC, never the filter cache, locked
#                               for the run, reached without a swappable symlink and checked
#                               again by init (same inode) before the mount
#   --seccomp-log flood          the supervisor spends at most 1/4 of a CPU (half of --cpus when
#                               lower) on notifications; the callers wait meanwhile
#
# Every file corral reads at start, and what protects it:
#
#   the corral binary           what protects any program: not bound writable by a shipped
#                               profile; a writable bind of its directory (building corral in
#                               its own tree under the build profile) can replace it, as it
#                               can any program there
#   profiles on the search path (and what they include)
#       $CORRAL_PROFILE_PATH     profile_check_trust (profile.c): the file, its directory and every
#                               directory above root's or the caller's, writable by no one else
#                               (issue 25, above); -v names each file read and where from
#       ~/.config/corral/profiles, the tree's profiles/
#                               not in any shipped profile's root; a writable bind of the home,
#                               of ~/.config or of the tree exposes them, as it exposes
#                               ~/.bashrc, systemd user units and the binary: not masked, said here
#       /etc/corral/profiles, the data dir
#                               root's; a root command reaches them only through an explicit
#                               writable bind of /etc or /usr (which exposes the system anyway)
#       a profile named by its path (--profile ./x.profile, include)
#                               the caller's choice, read as the caller; profile.c's checks
#                               (regular file, 1 MiB, no NUL, no cycle). A sandbox that can
#                               write it (a writable bind of its directory) can change what a
#                               later run with it allows, as it can any script the user runs
#                               from there: not guarded, said here
#   shared libraries, NSS, locale files
#                               none: corral is linked statically and reads no /etc file
#   the seccomp filter cache    guard.c, the check of what is read (answers, sum), the build id
#                               (above)
#   the report and --learn files (written, then read by whatever reads them)
#                               outfile.c (above)
#   /proc/self/exe, /proc/self/cgroup, /proc/mounts, /proc/cgroups, the cgroup hierarchies
#                               the kernel's; /sys is in a sandbox only read-only (the sys key,
#                               on in build), and a delegated cgroup parent is reachable only
#                               with root = host as its owner (not guarded)
#   /proc/sys/kernel/seccomp/actions_avail
#                               the kernel's, read-only in every sandbox's /proc
#   bind sources, the working directory
#                               the cwd taken once as an O_PATH fd; as root, sources walked a
#                               component at a time, symlinks followed only where no other user
#                               can swap them (issue 25, above)
