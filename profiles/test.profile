# test: the command of one test in a test suite, such as
# `corral_run --profile test -- ./mytool --flag` with the bats-corral
# library (lib/bats-corral). The default profile (a new root on a tmpfs
# with the system directories and /etc read-only, a private /tmp, a fresh
# /proc and a minimal /dev, only loopback, no capabilities, the default
# seccomp denylist) plus the current directory bound read-only at its own
# path and used as the working directory: the command sees the project
# under test and cannot change it; what it writes goes to /tmp, which is
# gone after the run. Modest limits, so that a runaway test fails on its
# own instead of taking the machine: 512M of memory (swap included), 256
# processes and threads, 60 s of wall-clock time. A denied system call fails
# with EPERM, as in default, and is named in the report (seccomp-log, which
# needs Linux 5.5), so a test can assert which call was refused.
# The environment is the caller's, as in default. Limits need a writable
# cgroup: as another user than root, a delegated one (--cgroup-parent), or
# --cgroup auto to run without them.
include default
bind-cwd = ro
memory = 512M
pids = 256
time-limit = 60s
seccomp-log = yes
