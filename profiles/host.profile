# host: the host's files as they are (a fresh /proc only, with the host
# kernel's settings read-only and its kernel-wide files masked), in new
# namespaces: the network (loopback only), host name, IPC and PID. The
# command can write what you can write: your home, and as root the system.
root = host
net = none
hostname = corral
