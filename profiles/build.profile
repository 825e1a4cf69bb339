# build: compilers, make and test suites in a source tree. The default
# profile (read-only system, private /tmp, no network, the default seccomp
# denylist, no capabilities), plus the current directory bound writable at
# its own path and used as the working directory, so `corral --profile build
# -- make` writes its objects where make runs and nowhere else. Room for a
# parallel build: 1024 processes and threads, 4G of memory, swap included,
# and a read-only /sys (sys), where build tools and test suites count the
# CPUs (/sys/devices/system/cpu), with firmware and the like masked.
# No network: fetch dependencies first (with the net profile), or add
# --net host. A build that needs more of the host (a home directory's
# caches, a toolchain in /opt) adds --ro-bind or --bind. To build a
# throwaway copy of the tree instead, leaving it untouched: --bind-cwd no
# --overlay "$PWD:/src" --chdir /src (examples/overlay-build.sh).
include default
bind-cwd = yes
pids = 1024
memory = 4G
sys = /sys
