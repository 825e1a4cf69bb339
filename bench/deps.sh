#!/bin/sh
# Install the peers `make bench` compares corral with, and gnuplot for its
# charts (bench/plot.sh), only those missing (scripts/deps.sh, given the
# list). Not needed by `make check`.
exec "$(dirname "$0")/../scripts/deps.sh" bubblewrap firejail util-linux crun tini dumb-init \
	hyperfine jq time gnuplot-nox passt
