#!/bin/sh
# Install the Debian packages corral needs to build and test, only those
# missing. As root it runs apt-get; otherwise it prints the line to run.
set -eu
PKGS="gcc make pkg-config libc6-dev libseccomp-dev libcap-dev libcgroup-dev libcmocka-dev
bats bats-assert bats-support bats-file jq iproute2 util-linux procps libcap2-bin
man-db groff-base bsdextrautils bash-completion"
# man-db is usable while its index trigger is still pending.
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -Eq "ok (installed|triggers-pending)" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "corral: missing packages; run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "corral: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
