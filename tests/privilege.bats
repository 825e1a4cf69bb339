#!/usr/bin/env bats
# Privilege: the seccomp filter, capabilities, no_new_privs.
load helpers

status_field() { # NAME: the value of a /proc/self/status line inside
	"$CORRAL" "${@:2}" -- grep "^$1:" /proc/self/status | awk '{print $2}'
}

# Each call fails with EPERM under the default profile, and works (or fails
# for a reason of the kernel's own) with the filter off: so the EPERM is the
# filter's, not a missing capability's.
@test "default profile: unshare -U, ptrace attach, keyctl, bpf, perf_event_open get EPERM" {
	for call in unshare-user clone-newuser ptrace keyctl bpf perf_event_open personality-noaslr; do
		run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" syscall "$call"
		assert_output "EPERM"
		assert_failure 1
		run "$CORRAL" --seccomp=no "${WITH_PROBE[@]}" -- "$PROBE" syscall "$call"
		refute_output "EPERM"
	done
	run "$CORRAL" -- unshare -U true
	assert_failure
	assert_output --partial "Operation not permitted"
}

@test "default profile: mount gets EPERM even with CAP_SYS_ADMIN kept" {
	run "$CORRAL" --cap-keep SYS_ADMIN "${WITH_PROBE[@]}" -- "$PROBE" syscall mount
	assert_failure 1
	assert_output "EPERM"
	run "$CORRAL" --seccomp=no --cap-keep SYS_ADMIN "${WITH_PROBE[@]}" -- "$PROBE" syscall mount
	assert_success
	assert_output "ok"
	# Without the capability the kernel refuses by itself.
	run "$CORRAL" --seccomp=no "${WITH_PROBE[@]}" -- "$PROBE" syscall mount
	assert_output "EPERM"
}

@test "clone3 gets ENOSYS, so libc falls back to clone; the personality query works" {
	run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" syscall clone3
	assert_output "ENOSYS"
	run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" syscall personality-query
	assert_success
	assert_output "ok"
}

@test "ordinary programs run normally under the default profile" {
	run "$CORRAL" -- sh -c 'echo a b | tr a-z A-Z; ls / >/dev/null && echo listed; date +%Y >/dev/null && echo dated'
	assert_success
	assert_output "$(printf 'A B\nlisted\ndated')"
	run "$CORRAL" -- sh -c 'cat /proc/self/status | grep -c "^Seccomp:.*2"'
	assert_success
	assert_output "1"
	run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" threads 8
	assert_success
	assert_output "threads 8 failed 0"
	if command -v python3 >/dev/null; then
		run "$CORRAL" -- python3 -c 'import subprocess, threading
t = threading.Thread(target=print, args=("thread",)); t.start(); t.join()
print(subprocess.run(["echo", "child"], capture_output=True, text=True).stdout.strip())'
		assert_success
		assert_output "$(printf 'thread\nchild')"
	fi
}

@test "an i386 int 0x80 call of a denied syscall is blocked" {
	run "$CORRAL" --seccomp=no "${WITH_PROBE[@]}" -- "$PROBE" int80 getpid
	[ "$output" = "ok" ] || skip "no i386 emulation in this kernel ($output)"
	run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" int80 getpid
	assert_success
	assert_output "ok"
	for call in unshare-user keyctl; do
		run "$CORRAL" --seccomp=no "${WITH_PROBE[@]}" -- "$PROBE" int80 "$call"
		assert_output "ok"
		run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" int80 "$call"
		assert_failure 1
		assert_output "EPERM"
	done
}

@test "TIOCSTI on the terminal is refused" {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	run script -qec "cd / && $CORRAL --ro-bind $PROBE -- $PROBE tiocsti" /dev/null
	assert_output --partial "EPERM"
	run script -qec "cd / && $CORRAL --seccomp=no --ro-bind $PROBE -- $PROBE tiocsti" /dev/null
	refute_output --partial "EPERM"
}

# What the static probe needs to start, check it runs inside corral (it reads
# /proc/1/comm) and print.
MINIMAL="execve arch_prctl brk exit_group getpid getrandom mprotect newfstatat prlimit64 readlink rseq set_robust_list set_tid_address write openat read close"

@test "seccomp-allow with a minimal set and seccomp-action kill: a forbidden call gives 159" {
	run "$CORRAL" --seccomp-allow "$MINIMAL" --seccomp-action kill "${WITH_PROBE[@]}" -- "$PROBE" syscall getpid
	assert_success
	assert_output "ok"
	run "$CORRAL" -v --seccomp-allow "$MINIMAL" --seccomp-action kill "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	assert_failure 159
	assert_output --partial "corral: seccomp: killed by the seccomp filter"
	# The allowlist also names a call that is not in it by errno.
	run "$CORRAL" --seccomp-allow "$MINIMAL" --seccomp-action errno:ENOSYS "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	assert_failure 1
	assert_output "ENOSYS"
}

@test "seccomp-action kill under the default profile: a denied call gives 159" {
	run "$CORRAL" --seccomp-action kill "${WITH_PROBE[@]}" -- "$PROBE" syscall ptrace
	assert_failure 159
	run "$CORRAL" --seccomp-action kill "${WITH_PROBE[@]}" -- "$PROBE" syscall getpid
	assert_success
}

@test "capabilities: all zero by default, only the kept one with cap-keep" {
	for f in CapEff CapPrm CapBnd CapAmb CapInh; do
		run status_field "$f"
		assert_success
		assert_output "0000000000000000"
	done
	for f in CapEff CapPrm CapBnd CapAmb; do
		run status_field "$f" --cap-keep NET_BIND_SERVICE
		assert_output "0000000000000400"
		run status_field "$f" --cap-keep cap_net_bind_service --uid 1000
		assert_output "0000000000000400"
	done
	run status_field NoNewPrivs
	assert_output "1"
}

@test "capabilities: init keeps none either" {
	run "$CORRAL" -- sh -c 'grep -E "^Cap(Eff|Prm|Bnd|Amb):" /proc/1/status | awk "{print \$2}" | sort -u'
	assert_success
	assert_output "0000000000000000"
}

@test "a setuid-root binary gains nothing inside" {
	cp "$PROBE" "$T/suid-probe"
	chown 0:0 "$T/suid-probe"
	chmod 4755 "$T/suid-probe"
	# Outside, the bit works (else the file system is nosuid: no test).
	out=$(setpriv --reuid=1000 --regid=1000 --clear-groups "$T/suid-probe" ids)
	[ "$out" = "uid 1000 euid 0" ] || skip "setuid does not work in $T ($out)"
	run "$CORRAL" --uid 1000 --gid 1000 --ro-bind "$T" -- "$T/suid-probe" ids
	assert_success
	assert_output "uid 1000 euid 1000"
}

@test "unknown syscall, group, action or capability names: file:line, 125" {
	printf 'seccomp-deny = mount\nseccomp-deny = ptracee\n' >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- touch "$T/ran"
	assert_failure 125
	assert_output "corral: error: $T/p.profile:2: seccomp-deny: unknown syscall 'ptracee' (did you mean 'ptrace'?)"
	printf '# x\n\nseccomp-allow = @default @nope\n' >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- touch "$T/ran"
	assert_failure 125
	assert_output --regexp "^corral: error: $T/p.profile:3: seccomp-allow: unknown syscall group '@nope'( \\(did you mean '@[a-z-]+'\\?\\))?$"
	printf 'cap-keep = NET_RAW NET_BIND_SERVIC\n' >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- touch "$T/ran"
	assert_failure 125
	assert_output --partial "$T/p.profile:1: cap-keep: unknown capability 'NET_BIND_SERVIC'"
	printf 'seccomp-action = errno:EBOGUS\n' >"$T/p.profile"
	run "$CORRAL" --profile "$T/p.profile" -- touch "$T/ran"
	assert_failure 125
	assert_output --partial "$T/p.profile:1: seccomp-action: unknown errno name in 'errno:EBOGUS'"
	run "$CORRAL" --seccomp-action explode -- touch "$T/ran"
	assert_failure 125
	assert_output --partial "seccomp-action: invalid action 'explode'"
	assert_file_not_exists "$T/ran"
}

@test "a syscall of another architecture is accepted, and -v says it is skipped" {
	run "$CORRAL" --seccomp-deny rtas -- true
	assert_success
	assert_output ""
	run "$CORRAL" -v --seccomp-deny rtas -- true
	assert_success
	assert_output --partial "syscall 'rtas' does not exist on this architecture"
}

@test "seccomp-action errno:NAME and seccomp = no" {
	run "$CORRAL" --seccomp-action errno:EACCES "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	assert_output "EACCES"
	run "$CORRAL" --seccomp=no -- grep "^Seccomp:" /proc/self/status
	assert_output --regexp "Seccomp:[[:space:]]+0"
}

@test "rootless: the default profile's filter and capabilities hold" {
	run as_nobody "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" syscall unshare-user
	assert_output "EPERM"
	run as_nobody "$CORRAL" -- sh -c 'grep -E "^Cap(Eff|Prm|Bnd|Amb):" /proc/self/status | awk "{print \$2}" | sort -u'
	assert_success
	assert_output "0000000000000000"
}

@test "the exported filter is cached, privately, and a bad cache file is ignored" {
	export XDG_CACHE_HOME=$T/cache
	run "$CORRAL" -vv "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	assert_output --partial "seccomp: denylist filter of"
	assert_output --partial "EPERM"
	f=$(ls "$T"/cache/corral/seccomp-*.bpf)
	[ "$(stat -c %a "$T/cache/corral")" = 700 ]
	[ "$(stat -c %a "$f")" = 600 ]
	run "$CORRAL" -vv "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	assert_output --partial "from the cache"
	assert_output --partial "EPERM"
	# Truncated: rebuilt, and the run is as before.
	head -c 100 "$f" >"$f.x" && mv "$f.x" "$f" && chmod 600 "$f"
	run "$CORRAL" -vv "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	refute_output --partial "from the cache"
	assert_output --partial "EPERM"
	# Whole but changed (its denials made allows, as a damaged disk or a
	# torn write could): rebuilt, never loaded.
	perl -0777 -pi -e 's/\x06\x00\x00\x00\x01\x00\x05\x00/\x06\x00\x00\x00\x00\x00\xff\x7f/g' "$f"
	run "$CORRAL" -vv "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	refute_output --partial "from the cache"
	assert_output --partial "EPERM"
	# Writable by others: never trusted.
	chmod 666 "$f"
	run "$CORRAL" -vv "${WITH_PROBE[@]}" -- "$PROBE" syscall keyctl
	refute_output --partial "from the cache"
	assert_output --partial "EPERM"
}

@test "the filter cache's key is the kernel's, not the host name's" {
	# A cached filter is kept for the running kernel (uname's release and
	# version), so a corral in a UTS namespace of another host name (a
	# container, a nested sandbox) still takes the cached filter.
	command -v unshare >/dev/null || skip "needs unshare"
	export XDG_CACHE_HOME=$T/cache
	run "$CORRAL" -vv -- true
	assert_success
	assert_output --partial "seccomp: denylist filter of"
	run unshare --uts sh -c 'hostname corral-key-test && exec "$0" -vv -- true' "$CORRAL"
	assert_success
	assert_output --partial "from the cache"
}
