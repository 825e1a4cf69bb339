#!/usr/bin/env bats
# net = pasta (issue 21): the sandbox's own network namespace, connected to
# the outside in user mode by pasta, with --port forwards, for root and
# rootless; pasta ends with the run, even when corral is killed. Everything
# stays on this machine: forwards listen on 127.0.0.1, and the host's
# servers here listen on its loopback.
load helpers

PY=/usr/bin/python3

setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/corral-test.XXXXXX")
	chmod 755 "$T"
	command -v pasta >/dev/null || skip "no pasta (Debian's passt package: scripts/deps.sh)"
	[ -x "$PY" ] || skip "no $PY"
}

# A free high port on the host's loopback, chosen at random.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		$PY -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' \
			"$p" 2>/dev/null && break
	done
	echo "$p"
}

# A TCP server on PORT (on ADDR, default every address) that answers one
# connection with TEXT and exits.
SERVE='import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[3] if len(sys.argv) > 3 else "0.0.0.0", int(sys.argv[1]))); s.listen(1)
open(sys.argv[4], "w").close() if len(sys.argv) > 4 else None
c, _ = s.accept(); c.sendall(sys.argv[2].encode() + b"\n"); c.close()'

# Connect to HOST PORT and print the first line received, or the error.
CLIENT='import socket, sys
try:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
    print(c.makefile().readline().strip())
except OSError as e:
    print(type(e).__name__)'

# Run as uid 65534. Where that user cannot open /dev/net/tun (mode 0600 on
# some machines without udev; Debian's udev makes it 0666), a 0666 node of
# the same device is bound over it in a mount namespace of this test's own.
as_nobody_net() {
	need_nobody
	if setpriv --reuid=65534 --regid=65534 --clear-groups test -r /dev/net/tun -a -w /dev/net/tun; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
		return
	fi
	mkdir -p "$T/tun"
	unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs tmpfs "$1" &&
		mknod -m 666 "$1/tun" c 10 200 && mount --bind "$1/tun" /dev/net/tun && shift &&
		exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' sh "$T/tun" "$@"
}

# The pid of the pasta a run started, from its -vv log in file $1.
pasta_pid() {
	sed -n 's/^corral: debug: net: pasta \([0-9]*\) ready.*/\1/p' "$1" 2>/dev/null
}

# No pasta of that pid runs (gone, or a zombie waiting for its reaper).
pasta_gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null ||
		! grep -Eq '^(pasta|passt)' "/proc/$1/comm" 2>/dev/null
}

# A server inside on 8080, forwarded from 127.0.0.1:PORT on the host:
# the host's client gets its line; pasta is gone after the run.
forward_tcp() {
	local port
	port=$(free_port)
	"$@" "$CORRAL" -vv --net pasta --port "127.0.0.1:$port:8080" -- \
		$PY -c "$SERVE" 8080 "hello from inside" >"$T/out" 2>"$T/err" &
	local cpid=$!
	wait_for '[ "$($PY -c "$CLIENT" 127.0.0.1 "$port")" = "hello from inside" ]'
	local st=0
	wait "$cpid" || st=$?
	cat "$T/err"
	[ "$st" -eq 0 ]
	local pid
	pid=$(pasta_pid "$T/err")
	[ -n "$pid" ]
	pasta_gone "$pid"
}

@test "net = pasta: a server inside is reached from the host through a forwarded port" {
	forward_tcp
}

@test "net = pasta, rootless: a server inside is reached through a forwarded port" {
	forward_tcp as_nobody_net
}

@test "net = pasta: the sandbox has its own interfaces, loopback up, and a default route" {
	run "$CORRAL" --net pasta -- sh -c 'ip -o link show | wc -l; ip -o addr show lo; ip route show default'
	assert_success
	assert_line --index 0 2
	assert_line --partial "lo    inet 127.0.0.1/8"
	assert_line --partial "default via"
	refute_output --partial "$(readlink /proc/self/ns/net)"
}

# A server on the host's loopback; a client inside tries it at the gateway
# address (where net-host-loopback = yes puts the host's loopback) and at
# 127.0.0.1 (the sandbox's own loopback).
host_loopback() {
	local gw port
	gw=$(ip -4 route show default | awk '{print $3; exit}')
	[ -n "$gw" ] || skip "no default route: pasta has nothing to copy"
	port=$(free_port)
	$PY -c "$SERVE" "$port" "host secret" 127.0.0.1 "$T/listening" &
	local spid=$!
	wait_for '[ -e "$T/listening" ]'
	run "$@" "$CORRAL" --net pasta "${NET_OPTS[@]}" -- \
		sh -c '"$1" -c "$2" "$3" "$4"; "$1" -c "$2" 127.0.0.1 "$4"' sh $PY "$CLIENT" "$gw" "$port"
	kill "$spid" 2>/dev/null || true
	wait "$spid" || true
}

@test "net = pasta: the host's loopback is out of reach, unless net-host-loopback = yes" {
	NET_OPTS=()
	host_loopback
	assert_success
	refute_output --partial "host secret"
	assert_line --index 1 ConnectionRefusedError
	NET_OPTS=(--net-host-loopback=yes)
	host_loopback
	assert_success
	assert_line --index 0 "host secret"
	assert_line --index 1 ConnectionRefusedError
}

@test "net = pasta, rootless: the host's loopback is out of reach, unless asked" {
	NET_OPTS=()
	host_loopback as_nobody_net
	assert_success
	refute_output --partial "host secret"
	NET_OPTS=(--net-host-loopback=yes)
	host_loopback as_nobody_net
	assert_success
	assert_line --index 0 "host secret"
}

# One way only: Debian's pasta (0.0~git20230309) delivers the datagram, but
# loses the reply to a client on the host's loopback.
@test "net = pasta: a UDP port forward delivers datagrams to the sandbox" {
	local port
	port=$(free_port)
	"$CORRAL" --net pasta --port "127.0.0.1:$port:5353/udp" -- $PY -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 5353))
print(s.recvfrom(100)[0].decode())' >"$T/out" 2>&1 &
	local cpid=$!
	# A datagram each try, until the server inside has taken one and ended.
	wait_for '$PY -c "import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b\"udp ping\", (\"127.0.0.1\", int(sys.argv[1])))" "$port"
		! kill -0 $cpid 2>/dev/null'
	wait "$cpid"
	run cat "$T/out"
	assert_output "udp ping"
}

sigkill_leaves_nothing() {
	"$@" "$CORRAL" -vv --net pasta --port "127.0.0.1:$(free_port):8080" -- sleep 1000 \
		>"$T/out" 2>"$T/err" &
	local cpid=$!
	wait_for '[ -n "$(pasta_pid "$T/err")" ]'
	local pid
	pid=$(pasta_pid "$T/err")
	grep -Eq '^(pasta|passt)' "/proc/$pid/comm"
	# corral is pasta's parent ($! may be a wrapper's shell).
	local corral
	corral=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
	grep -q '^corral' "/proc/$corral/comm"
	kill -KILL "$corral"
	wait "$cpid" || true
	wait_for "pasta_gone $pid"
}

@test "net = pasta: SIGKILL of corral leaves no pasta" {
	sigkill_leaves_nothing
}

@test "net = pasta, rootless: SIGKILL of corral leaves no pasta" {
	sigkill_leaves_nothing as_nobody_net
}

@test "net = pasta: a host port in use is an error before the run" {
	local port
	port=$(free_port)
	$PY -c "$SERVE" "$port" busy 127.0.0.1 "$T/listening" &
	local spid=$!
	wait_for '[ -e "$T/listening" ]'
	mkdir "$T/w"
	run "$CORRAL" --bind "$T/w" --net pasta --port "127.0.0.1:$port:80" -- touch "$T/w/ran"
	kill "$spid"
	wait "$spid" || true
	assert_failure 125
	assert_output "corral: error: port 127.0.0.1:$port:80: TCP port $port on 127.0.0.1 is already in use on the host"
	assert_file_not_exists "$T/w/ran"
}

@test "net = pasta: without pasta on PATH, says which package to install" {
	mkdir "$T/empty"
	run env PATH="$T/empty" "$CORRAL" --net pasta -- /usr/bin/true
	assert_failure 125
	assert_output "corral: error: net = pasta: pasta is not on PATH (install Debian's passt package)"
}

@test "net = pasta: a pasta that fails is one line naming it, exit 125, nothing left" {
	mkdir "$T/bin" "$T/w"
	printf '#!/bin/sh\necho "Failed to send 42 bytes to syslog" >&2\necho "no tap for you" >&2\nexit 3\n' \
		>"$T/bin/pasta"
	chmod 755 "$T/bin/pasta"
	local m
	m=$(marker)
	run env PATH="$T/bin:$PATH" "$CORRAL" --bind "$T/w" --net pasta -- sh -c "touch $T/w/ran; : $m"
	assert_failure 125
	assert_output "corral: error: pasta failed to start (exit status 3): no tap for you"
	assert_file_not_exists "$T/w/ran"
	[ -z "$(host_procs "$m")" ]
}

@test "net = pasta, rootless: a closed /dev/net/tun is named in the error" {
	need_nobody
	mkdir -p "$T/tun"
	run unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs tmpfs "$1" &&
		mknod -m 600 "$1/tun" c 10 200 && mount --bind "$1/tun" /dev/net/tun && shift &&
		exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' sh "$T/tun" \
		"$CORRAL" --net pasta -- true
	assert_failure 125
	assert_output --regexp '^corral: error: pasta failed to start \(exit status [0-9]+\): .*tun.* \(this user cannot open /dev/net/tun: it is usually mode 0666\)$'
	[ "${#lines[@]}" -eq 1 ]
}

@test "port and net-host-loopback: bad values and contradictions are errors" {
	run "$CORRAL" --port 8080:80 -- true
	assert_failure 125
	assert_output "corral: error: port: forwarding needs net = pasta"
	run "$CORRAL" --net-host-loopback -- true
	assert_failure 125
	assert_output "corral: error: net-host-loopback: needs net = pasta"
	run "$CORRAL" --net pasta --share net -- true
	assert_failure 125
	assert_output --partial "corral: error: share: net contradicts net = pasta"
	run "$CORRAL" --net pasta --port 8080 -- true
	assert_failure 125
	assert_output "corral: error: port: '8080': expected [HOST_ADDR:]HOST_PORT:SANDBOX_PORT[/udp], ports from 1 to 65535"
	run "$CORRAL" --net pasta --port 8080:70000 -- true
	assert_failure 125
	run "$CORRAL" --net pasta --port 8080:80/sctp -- true
	assert_failure 125
	assert_output "corral: error: port: '8080:80/sctp': unknown protocol 'sctp' (expected /udp or /tcp)"
	run "$CORRAL" --net pasta --port ::1:8080:80 -- true
	assert_failure 125
	assert_output --partial "an IPv6 address goes in brackets"
	run "$CORRAL" --net pasta --port localhost:8080:80 -- true
	assert_failure 125
	assert_output "corral: error: port: 'localhost:8080:80': 'localhost' is not an IPv4 address"
	run "$CORRAL" --net pasta --port 8080:80 --port 0.0.0.0:8080:81 -- true
	assert_failure 125
	assert_output "corral: error: port: 8080:80 and 0.0.0.0:8080:81 forward the same host port"
	run "$CORRAL" --net pasta --port 8080:80 --port 8080:80/udp --port '[::1]:8080:80' --check
	assert_success
	assert_line "port = 8080:80"
	assert_line "port = [::1]:8080:80"
}
