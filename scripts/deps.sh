#!/bin/sh
# Install the Debian packages corral needs to build and test, only those
# missing. As root it runs apt-get; otherwise it prints the line to run.
# With arguments, those packages instead, without their Recommends
# (bench/deps.sh: firejail's would pull in a desktop).
set -eu
PKGS="gcc make pkg-config libc6-dev libseccomp-dev libcap-dev libcgroup-dev libcmocka-dev
bats bats-assert bats-support bats-file jq iproute2 util-linux procps libcap2-bin
man-db groff-base bsdextrautils bash-completion"
opts=""
[ $# -eq 0 ] || { PKGS="$*"; opts="--no-install-recommends"; }
# man-db is usable while its index trigger is still pending.
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -Eq "ok (installed|triggers-pending)" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "corral: missing packages; run: sudo apt-get install -y${opts:+ $opts}$missing" >&2
	exit 1
fi
echo "corral: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $opts $missing >/dev/null
