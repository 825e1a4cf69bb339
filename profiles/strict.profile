# strict: untrusted code. An empty root holding only what a typical program
# needs: /usr read-only with the merged-/usr symlinks /bin /sbin /lib /lib64,
# a few files of /etc, a private 64M /tmp, a fresh /proc and a minimal /dev
# with a 64M /dev/shm.
# No network (loopback only), no capabilities, no privileges through execve,
# an empty environment but for PATH, HOME=/tmp and LANG, 512M of memory (swap
# included), 64 processes and threads, no core files.
# The seccomp filter is an allowlist: systemd's @system-service set (what a
# service needs: files, processes, signals, pipes, sockets, timers) minus the
# default profile's denylist. It keeps the set-uid calls (@setuid): without a
# capability they can only switch among the ids the process already has, so
# they gain nothing, and no-op uses are common (setreuid(-1, -1), posix_spawn
# with POSIX_SPAWN_RESETIDS, Python's subprocess with user=). A denied
# call fails with EPERM rather than killing the program, so a library that
# probes a feature falls back instead of crashing.
# For a non-merged-/usr host, replace the symlinks with `ro-bind-try = /bin`
# etc., as the default profile does. Add to the environment with --setenv
# (such as --setenv TERM=$TERM), and files with --ro-bind.
root = tmpfs
ro-bind = /usr
symlink = usr/bin:/bin
symlink = usr/sbin:/sbin
symlink = usr/lib:/lib
symlink = usr/lib64:/lib64
# /etc: the dynamic loader's cache, the user and group names (not the
# passwords), the time zone, the names of services and protocols (which
# getservbyname, getprotobyname and getaddrinfo with a service name read),
# and the alternatives symlinks that Debian's /usr/bin/cc, awk, editor and
# the like point through.
ro-bind-try = /etc/ld.so.cache
ro-bind-try = /etc/passwd
ro-bind-try = /etc/group
ro-bind-try = /etc/nsswitch.conf
ro-bind-try = /etc/localtime
ro-bind-try = /etc/services
ro-bind-try = /etc/protocols
ro-bind-try = /etc/alternatives
tmpfs = /tmp:64M
proc = /proc
dev = /dev
shm-size = 64M
net = none
hostname = corral
clearenv = yes
setenv = PATH=/usr/local/bin:/usr/bin:/bin
setenv = HOME=/tmp
setenv = LANG=C.UTF-8
memory = 512M
pids = 64
rlimit = core=0
seccomp-allow = @system-service
seccomp-deny = @default-deny
