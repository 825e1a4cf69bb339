# net: general shell use with the network, for tools that fetch (curl, git,
# apt-get download, pip download): the default profile, but in the host's
# network namespace, so every host interface, route and listening socket is
# reachable and the command can bind ports. Name resolution: /etc is in the
# default root, and a resolv.conf that points into /run (systemd-resolved,
# resolvconf) is followed by binding those directories when they exist.
include default
net = host
ro-bind-try = /run/systemd/resolve
ro-bind-try = /run/resolvconf
