#!/bin/sh
# Install the peers `make bench` compares corral with, only those missing
# (without Recommends: firejail would pull in a desktop). As root it runs
# apt-get; otherwise it prints the line to run. Not needed by `make check`.
set -eu
PKGS="bubblewrap firejail util-linux crun tini dumb-init hyperfine jq time"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: missing packages; run: sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
echo "bench: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
