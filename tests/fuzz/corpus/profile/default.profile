# default: general shell use. A new root on a tmpfs holding the system
# directories read-only, a private /tmp, a fresh /proc and a minimal /dev; no
# home directories, nothing else of the host's files. A new network namespace
# with only loopback, its own host name, IPC and PID namespaces, and no
# privileges gained through execve.
# Read by corral when no --profile is given.
root = tmpfs
ro-bind = /usr
ro-bind = /etc
# On merged-/usr hosts these are symlinks into /usr: the bind follows them.
ro-bind-try = /bin
ro-bind-try = /sbin
ro-bind-try = /lib
ro-bind-try = /lib64
ro-bind-try = /lib32
ro-bind-try = /libx32
tmpfs = /tmp
proc = /proc
dev = /dev
net = none
hostname = corral
seccomp-deny = @default-deny
