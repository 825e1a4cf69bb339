# default: general shell use. A new root on a tmpfs holding the system
# directories read-only, a private /tmp, /run and /var/tmp, a fresh /proc and
# a minimal /dev; an empty /home, and an empty private directory at $HOME
# (home = tmpfs, gone after the run), an /etc/hosts and /etc/hostname of the
# sandbox's own (localhost and its host name resolve), nothing else of the
# host's files. A new network namespace
# with only loopback, its own host name, IPC and PID namespaces, no
# capabilities, no privileges gained through execve, and the default seccomp
# denylist (@default-deny: what Docker denies, plus the mount API, io_uring
# and the administrator's calls).
# Read by corral when no --profile is given. It is for commands you trust
# not to be hostile: /etc is there to read, and a command run by root is uid
# 0 inside, so it reads the files root owns, but for the secrets masked
# below: password hashes (and their backups), the host's SSH and TLS private
# keys, Kerberos and WireGuard keys, saved network and PPP passwords. For
# untrusted code use strict.
root = tmpfs
ro-bind = /usr
ro-bind = /etc
# On merged-/usr hosts these are symlinks into /usr: each is then made the
# same symlink in the new root (the bind of /usr shows what it names), not
# a bind; on other hosts, a read-only bind.
ro-bind-try = /bin
ro-bind-try = /sbin
ro-bind-try = /lib
ro-bind-try = /lib64
ro-bind-try = /lib32
ro-bind-try = /libx32
mask = /etc/shadow
mask = /etc/shadow-
mask = /etc/gshadow
mask = /etc/gshadow-
mask = /etc/security/opasswd
mask = /etc/ssh/ssh_host_rsa_key
mask = /etc/ssh/ssh_host_ecdsa_key
mask = /etc/ssh/ssh_host_ed25519_key
mask = /etc/ssh/ssh_host_dsa_key
mask = /etc/ssl/private
mask = /etc/krb5.keytab
mask = /etc/wireguard
mask = /etc/NetworkManager/system-connections
mask = /etc/ppp/chap-secrets
mask = /etc/ppp/pap-secrets
tmpfs = /tmp
# What programs expect to find: /run and /var/tmp writable and private (as
# container runtimes give them), /var and /home there but empty.
tmpfs = /run
tmpfs = /var/tmp
dir = /home
proc = /proc
dev = /dev
net = none
hostname = corral
seccomp-deny = @default-deny
