#!/usr/bin/env bats
# The shipped profiles: each one runs a real program, does what its header
# promises, and prints a --check configuration that reads back the same.
load helpers
load ../lib/bats-corral/load

SHIPPED="build default host judge net strict test"

# strict, judge and build set memory and pids: they need a writable cgroup.
need_cgroup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for a writable cgroup"
}

# A static C program, built for the test (the strict root has no compiler
# in reach of the test's files, and a static binary needs nothing from /usr).
static_hello() {
	command -v cc >/dev/null || skip "no C compiler"
	printf '#include <stdio.h>\nint main(int c, char **v){printf("hello %%s\\n", c > 1 ? v[1] : "");return 0;}\n' \
		>"$T/hello.c"
	cc -static -O2 -o "$T/hello" "$T/hello.c" 2>/dev/null || skip "no static libc"
}

@test "--list-profiles lists the shipped profiles, each with a header saying who it is for" {
	run "$CORRAL" --list-profiles
	assert_success
	for p in $SHIPPED; do
		# The first line: "# NAME: who it is for", which the list shows.
		head -1 "$TOP/profiles/$p.profile" | grep -Eq "^# $p: [a-z]"
		what=$(head -1 "$TOP/profiles/$p.profile" | sed -E "s/^# $p: //; s/[.].*//" | cut -c1-20)
		assert_line --regexp "^$p +.* \\($TOP/profiles/$p.profile\\)$"
		assert_output --partial "$(printf '%-10s %s' "$p" "$what")"
	done
}

@test "--check of every shipped profile round-trips: read back as a profile, it prints the same" {
	for p in $SHIPPED; do
		"$CORRAL" --profile "$p" --check >"$T/$p.profile"
		grep -q "^# profiles: $p$" "$T/$p.profile"
		"$CORRAL" --profile "$T/$p.profile" --check >"$T/$p.again"
		# Only the "# profiles:" comment names the file read.
		diff <(grep -v '^#' "$T/$p.profile") <(grep -v '^#' "$T/$p.again")
		# And the check is not vacuous: the profile's own keys are there
		# (a list of words is printed one word a line).
		while read -r key _ value; do
			case $key in
			share | unsetenv | seccomp-deny | seccomp-allow | cap-keep) words=$value ;;
			*) words=${value// /$'\x1f'} ;;
			esac
			for w in $words; do
				grep -qxF -- "$key = ${w//$'\x1f'/ }" "$T/$p.profile" || {
					echo "$p: '$key = $w' missing from --check"
					return 1
				}
			done
		done < <(grep -E '^[a-z-]+ = ' "$TOP/profiles/$p.profile")
	done
	# Command-line options are part of the resolved configuration too.
	"$CORRAL" --profile strict --memory 1G --check >"$T/s.profile"
	grep -qx 'memory = 1G' "$T/s.profile"
	run "$CORRAL" --profile "$T/s.profile" --check
	assert_line 'memory = 1G'
}

@test "default: sh and ls run; the system is read-only, /tmp private, only loopback, no capabilities" {
	echo host >/tmp/corral-profiles-host.$$
	run "$CORRAL" -- sh -c 'ls /usr/bin/ls && echo in >/tmp/x && ls /tmp'
	rm -f /tmp/corral-profiles-host.$$
	assert_success
	assert_output "/usr/bin/ls
x"
	run "$CORRAL" -- touch /usr/corral-default-x
	assert_failure 1
	assert_output --partial "Read-only file system"
	run "$CORRAL" -- sh -c 'cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d " "'
	assert_output lo
	run "$CORRAL" -- grep -E '^(CapEff|CapBnd|Seccomp):' /proc/self/status
	assert_line --regexp '^CapEff:	0+$'
	assert_line --regexp '^CapBnd:	0+$'
	assert_line --regexp '^Seccomp:	2$'
}

@test "strict: a static C program and sh run; the root holds only what the profile names" {
	need_cgroup
	static_hello
	run "$CORRAL" --profile strict --ro-bind "$T/hello" -- "$T/hello" world
	assert_success
	assert_output "hello world"
	run "$CORRAL" --profile strict -- sh -c 'echo from sh; ls /; ls /etc; echo $HOME'
	assert_success
	assert_output "from sh
bin
dev
etc
lib
lib64
proc
sbin
tmp
usr
$( (cd /etc && ls -d alternatives group ld.so.cache localtime nsswitch.conf passwd protocols services 2>/dev/null
	echo hostname; echo hosts) | LC_ALL=C sort)
/tmp"
}

# getservbyname, getprotobyname, and getaddrinfo with a service name read
# /etc/services and /etc/protocols (CPython's test_socket testGetServBy).
@test "strict: service and protocol names resolve as on the host" {
	need_cgroup
	getent services http >/dev/null || skip "the host has no service http"
	run "$CORRAL" --profile strict -- getent services http/tcp
	assert_success
	assert_output "$(getent services http/tcp)"
	run "$CORRAL" --profile strict -- getent protocols tcp
	assert_success
	assert_output "$(getent protocols tcp)"
}

@test "strict: python3 runs, when installed" {
	need_cgroup
	"$CORRAL" --profile strict -- sh -c 'command -v python3' >/dev/null || skip "no python3 in /usr"
	run "$CORRAL" --profile strict -- python3 -c 'import json, subprocess, threading, tempfile
with tempfile.TemporaryFile() as f: f.write(b"x")
print(json.dumps(subprocess.run(["echo", "child"], capture_output=True, text=True).stdout))'
	assert_success
	assert_output '"child\n"'
}

@test "strict: no network, no writes to /usr, no host environment, denied syscalls, limits" {
	need_cgroup
	run "$CORRAL" --profile strict -- sh -c 'readlink /proc/self/ns/net; cut -d: -f1 /proc/net/dev | tail -n +3'
	assert_success
	[ "${lines[0]}" != "$(readlink /proc/self/ns/net)" ]
	[ "$(echo ${lines[1]})" = lo ]
	[ "${#lines[@]}" -eq 2 ]

	run "$CORRAL" --profile strict -- touch /usr/corral-strict-x
	assert_failure 1
	assert_output --partial "Read-only file system"
	[ ! -e /usr/corral-strict-x ]

	CORRAL_SECRET=hunter2 run "$CORRAL" --profile strict -- env
	assert_success
	refute_output --partial hunter2
	assert_line PATH=/usr/local/bin:/usr/bin:/bin

	# The allowlist: ptrace and keyctl are not in it. With the filter off they
	# work (or fail for the kernel's own reasons), so the EPERM is the filter's.
	for call in ptrace keyctl; do
		run "$CORRAL" --profile strict "${WITH_PROBE[@]}" -- "$PROBE" syscall "$call"
		assert_failure 1
		assert_output EPERM
		run "$CORRAL" --profile strict --seccomp=no "${WITH_PROBE[@]}" -- "$PROBE" syscall "$call"
		refute_output EPERM
	done

	# /tmp holds 64M, pids 64.
	run "$CORRAL" --profile strict -- sh -c 'head -c 100M /dev/zero >/tmp/big'
	assert_failure
	assert_output --partial "No space left on device"
	run "$CORRAL" --profile strict --time-limit 60s "${WITH_PROBE[@]}" -- "$PROBE" forkbomb 1000
	assert_success
	assert_output --partial "Resource temporarily unavailable"
	forked=$(grep -o 'forked [0-9]*' <<<"$output" | awk '{print $2}')
	[ "$forked" -le 64 ]
}

@test "strict: runs rootless, without its limits when there is no cgroup to set them" {
	static_hello
	run as_nobody "$CORRAL" --profile strict -- sh -c 'echo ok'
	assert_failure 125
	assert_output --partial "need a writable cgroup"
	run as_nobody "$CORRAL" --profile strict --cgroup auto --ro-bind "$T/hello" -- "$T/hello" rootless
	assert_success
	assert_output --partial "hello rootless"
}

@test "net: the host's network namespace, loopback and every host interface" {
	run "$CORRAL" --profile net -- sh -c 'readlink /proc/self/ns/net; cut -d: -f1 /proc/net/dev | tail -n +3'
	assert_success
	[ "${lines[0]}" = "$(readlink /proc/self/ns/net)" ]
	inside=$(printf '%s\n' "${lines[@]:1}" | tr -d ' ' | sort)
	host=$(cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d ' ' | sort)
	[ "$inside" = "$host" ]
	grep -qx lo <<<"$inside"
	# Otherwise the default profile: read-only system, private /tmp.
	run "$CORRAL" --profile net -- touch /usr/corral-net-x
	assert_failure 1
}

@test "net: a server on the host's loopback is reachable" {
	command -v python3 >/dev/null || skip "no python3"
	"$CORRAL" --profile net -- sh -c 'command -v python3' >/dev/null || skip "no python3 in /usr"
	python3 -c 'import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
s.settimeout(600); c, _ = s.accept(); c.sendall(b"from the host\n"); c.close()' >"$T/port" &
	server=$!
	wait_for "[ -s $T/port ]"
	port=$(cat "$T/port")
	run "$CORRAL" --profile net -- python3 -c "import socket
s = socket.create_connection(('127.0.0.1', $port), timeout=600); print(s.recv(100).decode(), end='')"
	wait "$server"
	assert_success
	assert_output "from the host"
}

@test "build: cc compiles in the current directory, and make runs there" {
	need_cgroup
	command -v cc >/dev/null || skip "no C compiler"
	printf '#include <stdio.h>\nint main(void){puts("built in corral");return 0;}\n' >"$T/hello.c"
	cd "$T"
	run "$CORRAL" --profile build -- cc -o hello hello.c
	assert_success
	run ./hello
	assert_output "built in corral"
	# Only the current directory is writable.
	run "$CORRAL" --profile build -- touch /usr/corral-build-x
	assert_failure 1
	command -v make >/dev/null || skip "no make"
	printf 'all: made.txt\nmade.txt: hello\n\t./hello >$@\n' >"$T/Makefile"
	run "$CORRAL" --profile build -- make -s
	assert_success
	[ "$(cat "$T/made.txt")" = "built in corral" ]
	run "$CORRAL" --profile build --check
	assert_line 'pids = 1024'
	assert_line 'memory = 4G'
}

@test "judge: a solution reads stdin and writes stdout; the report is a JSON file beside" {
	need_cgroup
	cd "$T"
	run --separate-stderr "$CORRAL" --profile judge -- sh -c 'read a b; echo $((a + b))' <<<"2 40"
	assert_success
	assert_output 42
	[ -z "$stderr" ]
	jq -e '.status == "exited" and .exit_code == 0 and .limits.time_ms == 10000
		and .limits.memory_bytes == 268435456 and .profiles == ["judge"]' corral-report.json
}

@test "judge: a time-limit breach gives 124 and the report says timeout" {
	need_cgroup
	cd "$T"
	corral_run --profile judge --time-limit 1s -- sh -c 'while :; do :; done'
	assert_failure 124
	assert_corral_verdict timeout
}

@test "judge: a memory breach gives 137 and the report says oom" {
	need_cgroup
	cd "$T"
	corral_run --profile judge "${WITH_PROBE[@]}" -- "$PROBE" alloc 400
	assert_failure 137
	assert_corral_verdict oom
	assert_corral_report '.limits.memory_bytes == 268435456 and .oom_kills >= 1'
}

@test "judge: an answer stops at 64M, file or pipe, output_limit (153)" {
	need_cgroup
	cd "$T"
	run bash -c '"$1" --profile judge -- head -c 100M /dev/zero >"$2"' _ "$CORRAL" "$T/answer"
	assert_failure 153
	[ "$(stat -c %s "$T/answer")" -eq $((64 << 20)) ]
	jq -e '.status == "output_limit" and .output_bytes == 67108864' corral-report.json
	rm -f "$T/answer"
	run bash -c '"$1" --profile judge -- head -c 100M /dev/zero | wc -c' _ "$CORRAL"
	assert_output $((64 << 20))
	jq -e '.status == "output_limit" and .exit_code == 153' corral-report.json
	# A file the solution writes itself stops there too: the fsize rlimit.
	run "$CORRAL" --profile judge -- sh -c 'head -c 100M /dev/zero >/tmp/big'
	jq -e '.exit_code == 153' corral-report.json
}
