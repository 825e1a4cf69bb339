#!/bin/sh
# Install the Debian packages corral's make targets need, only those missing.
# As root it runs apt-get; otherwise it prints the line to run.
#
#   scripts/deps.sh             every set below: what CI and a new machine need
#   scripts/deps.sh SET...      those sets: check (build and test: make,
#                               make check, make demo), fuzz (make fuzz: clang
#                               and its libFuzzer), check-v2 (make check-v2:
#                               qemu, a static busybox, xz), format
#                               (make format: clang-format), pictures
#                               (make pictures, bench/plot.sh: graphviz,
#                               gnuplot), check-compat (make check-compat:
#                               Debian's Python 3.11, its regression tests,
#                               GLib's installed tests), check-slurm (make
#                               check-slurm: munge, slurmctld, slurmd, the
#                               client commands, spank.h)
#   scripts/deps.sh PKG...      those packages, without their Recommends
#                               (bench/deps.sh: firejail's would pull in a
#                               desktop)
set -eu
CHECK="gcc make pkg-config libc6-dev libseccomp-dev libcap-dev libcgroup-dev libcmocka-dev
bats bats-assert bats-support bats-file jq iproute2 util-linux procps libcap2-bin
man-db groff-base bsdextrautils bash-completion coreutils perl valgrind python3
python3-jsonschema passt strace"
FUZZ="clang"
FORMAT="clang-format"
CHECK_V2="qemu-system-x86 busybox-static xz-utils"
PICTURES="graphviz gnuplot-nox fonts-dejavu-core jq"
CHECK_COMPAT="python3.11 libpython3.11-testsuite libglib2.0-tests"
CHECK_SLURM="munge slurmctld slurmd slurm-client libslurm-dev"

PKGS="" norec=""
[ $# -gt 0 ] || set -- check fuzz format check-v2 check-compat check-slurm
for a in "$@"; do
	case $a in
	check) PKGS="$PKGS $CHECK" ;;
	fuzz) PKGS="$PKGS $FUZZ" ;;
	format) PKGS="$PKGS $FORMAT" ;;
	pictures) PKGS="$PKGS $PICTURES" ;;
	# The VM needs qemu's binary, not the desktop its Recommends bring.
	check-v2) norec="$norec $CHECK_V2" ;;
	check-compat) PKGS="$PKGS $CHECK_COMPAT" ;;
	# make check-slurm starts daemons of its own, on a config of its own.
	check-slurm) norec="$norec $CHECK_SLURM" ;;
	*) norec="$norec $a" ;;
	esac
done

# Missing from a list; man-db is usable while its index trigger is pending.
missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -Eq "ok (installed|triggers-pending)" ||
			printf ' %s' "$p"
	done
}
# shellcheck disable=SC2086 # the lists are words
need=$(missing $PKGS) need_norec=$(missing $norec)
[ -z "$need$need_norec" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	[ -z "$need" ] || echo "corral: missing packages; run: sudo apt-get install -y$need" >&2
	[ -z "$need_norec" ] ||
		echo "corral: missing packages; run: sudo apt-get install -y --no-install-recommends$need_norec" >&2
	exit 1
fi
echo "corral: installing$need$need_norec" >&2
export DEBIAN_FRONTEND=noninteractive
# Installing for a make target starts no system service (munged, slurmd,
# slurmctld would run on the system's config, and stay): 101 tells
# invoke-rc.d and deb-systemd-invoke not to. An existing one is kept.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\n# scripts/deps.sh: no service starts while it installs\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	trap 'exit 130' INT TERM HUP
fi
apt-get update -qq
# shellcheck disable=SC2086
[ -z "$need" ] || apt-get install -y -qq $need >/dev/null
# shellcheck disable=SC2086
[ -z "$need_norec" ] || apt-get install -y -qq --no-install-recommends $need_norec >/dev/null
