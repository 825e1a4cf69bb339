#!/bin/sh
# in-private-cgroupns.sh COMMAND...: run COMMAND in the private mount
# namespace this script was started in (by `unshare -m`), with a tmpfs over
# /sys/fs/cgroup/unified.
#
# Why: Debian's crun 1.8.1 refuses a cgroup v1/v2 hybrid host ("cgroups in
# hybrid mode not supported, drop all controllers from cgroupv2") even when
# the v2 hierarchy has no controllers. Hiding the empty v2 mount makes crun
# see a plain v1 host. The mounts are private to this namespace: nothing
# changes on the host, and they vanish with the namespace.
set -e
mount --make-rprivate /
mount -t tmpfs -o size=64k corral-bench /sys/fs/cgroup/unified
exec "$@"
