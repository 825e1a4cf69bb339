# host: the host's files as they are (a fresh /proc only), in new
# namespaces: the network (loopback only), host name, IPC and PID.
root = host
net = none
hostname = corral
