#!/bin/bash
# make check-v2: run the Bats files that exercise cgroups inside a small VM
# whose kernel has cgroup v2 only (cgroup_no_v1=all), since this host and many
# CI machines are v1 or hybrid while most users run pure v2.
#
# The VM boots Debian's own kernel image (downloaded with apt-get download and
# unpacked in a temp dir, nothing installed into /boot), with an initramfs
# built here from busybox-static and the kernel package's virtio/9p modules.
# The guest mounts the host's / read-only over virtio-9p and switch_roots into
# it (scripts/vm/init), so it runs this tree's ./corral, tests/probe and the
# host's bats at the same paths; scripts/vm/guest.sh mounts cgroup2 and runs
# the tests, writing TAP to a second serial port that is this script's stdout.
#
# Ends with one line "N passed, N failed"; exits non-zero on any failure,
# also when the VM cannot be built, boot, or finish in time: a VM that did
# not run the tests is a failure, never a silent pass.
#
# Environment: CHECK_V2_TIMEOUT (seconds for the VM, default 1800),
# CHECK_V2_ACCEL (auto|kvm|tcg), CHECK_V2_CPU (qemu -cpu), CHECK_V2_LAYOUT
# (root|delegated, see guest.sh), CHECK_V2_BATS (overrides the file list),
# CHECK_V2_KERNEL (a linux-image package name instead of linux-image-amd64's),
# V=1 (kernel console on stderr).
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)

# The Bats files that exercise cgroups, run whole; those that do not exist
# are left out. Under software emulation a test costs about 10 s, so of the
# other files only the tests whose names match V2_FILTER run: limits, usage
# and OOM in the report, the examples that use limits, rootless with a
# delegated cgroup, the launch path (PID 2, orphans, SIGKILL) on v2, and
# --join into the sandbox's cgroup (its memory limit) and its stale record.
V2_BATS="tests/cgroup_v2.bats tests/limits.bats tests/judge.bats"
V2_FILTERED="tests/report.bats tests/examples.bats tests/rootless.bats tests/foundation.bats tests/join.bats"
V2_FILTER=${CHECK_V2_FILTER:-'pids|memory|oom|cgroup|time-limit|deleg|PID 2|orphans|SIGKILL|peak|cpu_user'}
# The modules for virtio-pci, 9p over virtio and overlayfs (a writable layer
# over the tree, see guest.sh); their dependencies are found
# from each module's own depends= field and loaded first.
MODULES="virtio_pci 9pnet_virtio 9p overlay"
TIMEOUT=${CHECK_V2_TIMEOUT:-1800}
ACCEL=${CHECK_V2_ACCEL:-auto}
LAYOUT=${CHECK_V2_LAYOUT:-root}

t0=$(date +%s.%N)
elapsed() { echo "$(date +%s.%N) $t0" | awk '{ printf "%.1f", $1 - $2 }'; }
die() {
	echo "check-v2: error: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

work=$(mktemp -d /tmp/corral-v2.XXXXXX) || die "mktemp"
qemu_pid=""
cleanup() {
	# The VM is always shut down: kill qemu by the pid it wrote, if that
	# pid is still a qemu (never a reused pid).
	local pid
	pid=$(cat "$work/qemu.pid" 2>/dev/null)
	for p in $pid $qemu_pid; do
		if grep -q qemu "/proc/$p/cmdline" 2>/dev/null; then
			kill -KILL "$p" 2>/dev/null
		fi
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- what is needed, installed only when missing --------------------------
need=""
command -v qemu-system-x86_64 >/dev/null || need="$need qemu-system-x86"
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx cpio || need="$need busybox-static"
command -v xz >/dev/null || need="$need xz-utils"
if [ -n "$need" ]; then
	scripts/deps.sh check-v2 || die "missing:$need (scripts/deps.sh check-v2 installs them)"
fi
[ -x ./corral ] && [ -x tests/probe ] || die "./corral and tests/probe are not built (run make)"

files=""
for f in ${CHECK_V2_BATS:-$V2_BATS}; do
	[ -f "$f" ] && files="$files $f"
done
[ -n "$files" ] || die "none of the Bats files exists: $V2_BATS"
# CHECK_V2_BATS names exactly what runs: then nothing runs filtered.
filtered=""
if [ -z "${CHECK_V2_BATS:-}" ]; then
	for f in $V2_FILTERED; do
		[ -f "$f" ] && filtered="$filtered $f"
	done
fi

# --- the kernel: Debian's image, the version linux-image-amd64 points at --
pkg=${CHECK_V2_KERNEL:-$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')}
[ -n "$pkg" ] || die "no linux-image-amd64 in the apt sources (apt-get update?)"
(cd "$work" && apt-get download "$pkg" >apt-download.log 2>&1) ||
	{ tail -3 "$work/apt-download.log" >&2; die "apt-get download $pkg failed"; }
dpkg-deb -x "$work"/linux-image-*.deb "$work/k" || die "dpkg-deb -x $pkg"
vmlinuz=$(ls "$work"/k/boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$vmlinuz" ] || die "$pkg has no /boot/vmlinuz"
kver=${vmlinuz##*/vmlinuz-}
moddir=$work/k/lib/modules/$kver

# The uncompressed vmlinux boots through PVH, faster than the bzImage's own
# decompressor under emulation. Find it as scripts/extract-vmlinux does: try
# each xz (or gzip) magic in the image until one decompresses to an ELF file.
kernel=$vmlinuz
for pos in $(LC_ALL=C grep -aboP '\xfd7zXZ\x00' "$vmlinuz" | cut -d: -f1); do
	tail -c +$((pos + 1)) "$vmlinuz" | xz -dcq >"$work/vmlinux" 2>/dev/null
	if [ "$(head -c 4 "$work/vmlinux" | tr -d '\0' | tail -c 3)" = ELF ]; then
		kernel=$work/vmlinux
		break
	fi
done
[ "$kernel" = "$vmlinuz" ] && rm -f "$work/vmlinux"

# --- the initramfs ---------------------------------------------------------
ir=$work/initramfs
mkdir -p "$ir"/{bin,dev,proc,sys,etc,lib/modules,newroot}
cp /bin/busybox "$ir/bin/busybox"
cp scripts/vm/init "$ir/init"
: >"$ir/etc/modules.order"
add_module() { # name: copy it and, first, what it depends on
	local m=$1 ko dep
	grep -qx "$m.ko" "$ir/etc/modules.order" && return 0
	ko=$(find "$moddir/kernel" \( -name "$m.ko" -o -name "$m.ko.xz" \) | head -1)
	if [ -z "$ko" ]; then
		# Built in: nothing to load.
		grep -q "/$m.ko\$" "$moddir/modules.builtin" 2>/dev/null && return 0
		die "module $m not found in $pkg"
	fi
	case $ko in *.xz) xz -dc "$ko" >"$ir/lib/modules/$m.ko" ;; *) cp "$ko" "$ir/lib/modules/$m.ko" ;; esac
	for dep in $(tr '\0' '\n' <"$ir/lib/modules/$m.ko" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_module "$dep"
	done
	echo "$m.ko" >>"$ir/etc/modules.order"
}
for m in $MODULES; do
	add_module "$m"
done
cat >"$ir/etc/check-v2.conf" <<CONF
CHECK_V2_TOP='$TOP'
CHECK_V2_STAGE2='$TOP/scripts/vm/guest.sh'
CHECK_V2_BATS='$files'
CHECK_V2_FILTERED='$filtered'
CHECK_V2_FILTER='$V2_FILTER'
CHECK_V2_LAYOUT='$LAYOUT'
CONF
(cd "$ir" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$work/initrd.gz") || die "cpio"

# --- the VM ------------------------------------------------------------------
run_vm() { # accel timeout: runs qemu, ttyS1 (TAP) to stdout
	local accel=$1 limit=$2 con=$work/console.log cpu=qemu64
	# Under TCG the plain qemu64 model execs about twice as fast as -cpu max
	# (fewer features to emulate); Debian's userland needs no more.
	case $accel in kvm*) cpu=host ;; esac
	[ "${V:-0}" = 1 ] && con=/dev/stderr
	rm -f "$work/qemu.pid"
	timeout --kill-after=5 "$limit" qemu-system-x86_64 \
		-accel "$accel" -cpu "${CHECK_V2_CPU:-$cpu}" -smp 2 -m 512 \
		-nodefaults -no-user-config -display none -no-reboot \
		-pidfile "$work/qemu.pid" \
		-kernel "$kernel" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet loglevel=4 rdinit=/init" \
		-chardev "file,id=con,path=$con" -serial chardev:con \
		-chardev "file,id=out,path=/dev/stdout" -serial chardev:out \
		-fsdev local,id=root,path=/,security_model=passthrough,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
		</dev/null 2>"$work/qemu.err"
}

# KVM where it works: a quick probe boot (the guest says it is up and powers
# off). Some nested /dev/kvm cannot run a stock kernel; then TCG.
if [ "$ACCEL" = auto ]; then
	ACCEL=tcg,thread=multi
	if [ -w /dev/kvm ]; then
		sed -i "s|^CHECK_V2_LAYOUT=.*|&\nCHECK_V2_PROBE=1|" "$ir/etc/check-v2.conf"
		(cd "$ir" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$work/probe.gz")
		mv "$work/initrd.gz" "$work/initrd.real.gz" && mv "$work/probe.gz" "$work/initrd.gz"
		if { run_vm kvm 15 | tr -d '\r' | grep -q '^# check-v2: guest up'; } 2>/dev/null; then
			ACCEL=kvm
		fi
		mv "$work/initrd.real.gz" "$work/initrd.gz"
	fi
elif [ "$ACCEL" = tcg ]; then
	ACCEL=tcg,thread=multi
fi
echo "# check-v2: kernel $pkg ($( [ "$kernel" = "$vmlinuz" ] && echo bzImage || echo vmlinux PVH)), accel $ACCEL, layout $LAYOUT, prepared in $(elapsed) s"

pass=0 fail=0 skip=0 seen_v2=0 done=0 boot=""
t_boot=$(date +%s.%N)
while IFS= read -r line; do
	line=${line%$'\r'}
	printf '%s\n' "$line"
	case "$line" in
	"# check-v2: guest up"*) boot=$(echo "$(date +%s.%N) $t_boot" | awk '{ printf "%.1f", $1 - $2 }') ;;
	"# check-v2: /sys/fs/cgroup is cgroup2fs"*) seen_v2=1 ;;
	"# check-v2: done") done=1 ;;
	"ok "*"# skip"* | "ok "*"# SKIP"*) skip=$((skip + 1)) ;;
	"ok "*) pass=$((pass + 1)) ;;
	"not ok "*) fail=$((fail + 1)) ;;
	esac
done < <(run_vm "$ACCEL" "$TIMEOUT")
total=$(elapsed)
ran=$((pass + fail + skip))

if [ $done -eq 0 ] || [ $seen_v2 -eq 0 ]; then
	echo "check-v2: error: the VM did not run the tests to the end (timeout ${TIMEOUT}s, or no boot)." >&2
	echo "check-v2: qemu: $(tail -3 "$work/qemu.err" 2>/dev/null)" >&2
	[ -f "$work/console.log" ] && { echo "check-v2: last kernel console lines:" >&2; tail -20 "$work/console.log" >&2; }
	fail=$((fail + 1))
fi
[ $((pass + fail)) -gt 0 ] || fail=1
echo "# check-v2: boot to /init ${boot:-?} s, total ${total} s, $ran tests in the guest"
if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
