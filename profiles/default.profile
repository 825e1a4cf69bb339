# default: general shell use. The host's filesystem with a fresh /proc, a new
# network namespace with only loopback, its own host name, IPC and PID
# namespaces, and no privileges gained through execve.
# Read by corral when no --profile is given.
net = none
hostname = corral
seccomp-deny = @default-deny
