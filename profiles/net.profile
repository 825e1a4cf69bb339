# net: general shell use with the network, for tools that fetch (curl, git,
# apt-get download, pip download): the default profile, but in the host's
# network namespace, so every host interface, route and listening socket is
# reachable and the command can bind ports. Name resolution: /etc is in the
# default root, and a resolv.conf that points into /run (systemd-resolved,
# resolvconf) is followed by binding those directories when they exist.
# For a network that is not the host's, say net = pasta instead (Debian's
# passt package): the sandbox gets a namespace of its own that pasta
# connects in user mode, root or not, the host's loopback stays out of
# reach, and port = 127.0.0.1:8080:80 lines forward host ports to it.
include default
net = host
ro-bind-try = /run/systemd/resolve
ro-bind-try = /run/resolvconf
