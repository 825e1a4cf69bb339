#!/usr/bin/env bats
# corral --list and corral --join (issue 21, item 3): the caller's running
# sandboxes, from records in a runtime directory no sandbox can write, and a
# command run inside one of them, no more privileged than its own command.
load helpers

# The runtime directory of root (these tests run as root) and of uid 65534
# (no XDG_RUNTIME_DIR under setpriv: the /tmp fallback).
ROOT_RUN=/run/corral
NOBODY_RUN=/tmp/corral-65534
ATTACK=$TOP/tests/attack

# Start a sandbox in the background: "$@" are corral's options; its command
# says it is up (a file in $T, bound in) and runs until $T/stop exists.
# $spid: corral's pid (what --list shows and --join takes).
start_box() {
	local who=()
	[ "$1" = as_nobody ] && need_nobody && who=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	shift
	rm -f "$T/up" "$T/stop"
	"${who[@]}" "$CORRAL" --bind "$T" "$@" -- sh -c \
		'echo in-box >/tmp/inside; touch "$1/up"; while [ ! -e "$1/stop" ]; do sleep 0.05; done' \
		sh "$T" >"$T/box.out" 2>&1 &
	spid=$!
	wait_for '[ -e "$T/up" ]'
	listed "${who[@]}"
}

# listed [WHO...]: wait until --list shows the run spid (without a filter
# its record is written once init has told its namespaces, as the command
# starts).
listed() {
	wait_for "$* \"\$CORRAL\" --list | grep -q '^$spid '"
}

# The same, but the command first makes namespaces of its own: unshare
# with "$2" (its flags; no --fork, so it execs in place and the sandbox's
# command, the process --join looks at, is the one that moves), then says
# it is up. Only without the filter, which denies CLONE_NEW*.
start_unshared() {
	local who=()
	[ "$1" = as_nobody ] && need_nobody && who=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	local flags=$2
	shift 2
	rm -f "$T/up" "$T/stop"
	cat >"$T/loop.sh" <<'EOS'
touch "$1/up"
while [ ! -e "$1/stop" ]; do sleep 0.05; done
EOS
	"${who[@]}" "$CORRAL" --bind "$T" "$@" -- sh -c 'exec unshare '"$flags"' sh "$1/loop.sh" "$1"' \
		sh "$T" >"$T/box.out" 2>&1 &
	spid=$!
	wait_for '[ -e "$T/up" ] || ! kill -0 $spid 2>/dev/null'
	[ -e "$T/up" ] || { cat "$T/box.out"; false; }
	listed "${who[@]}"
}

stop_box() {
	touch "$T/stop"
	local rc=0
	wait "$spid" || rc=$?
	return $rc
}

# A test that fails half-way still ends its sandbox.
teardown() {
	if [ -n "${spid:-}" ]; then
		touch "$T/stop"
		wait "$spid" 2>/dev/null || true
	fi
	local rc=0
	validate_reports || rc=$?
	rm -rf "$T"
	return $rc
}

@test "--list shows a running sandbox, and not once it has ended" {
	chmod 777 "$T"
	start_box me --hostname listed --memory 64M --pids 32 --output-limit 1M
	run "$CORRAL" --list
	assert_success
	assert_line --index 0 --regexp '^PID +STARTED +PROFILE +LIMITS +COMMAND'
	assert_line --regexp "^$spid +[0-9-]+ [0-9:]+ +default +memory=64M pids=32 output-limit=1M +sh -c "
	stop_box
	run "$CORRAL" --list
	assert_success
	refute_line --regexp "^$spid "
	assert_file_not_exists "$ROOT_RUN/$spid.run"
	assert_file_not_exists "$ROOT_RUN/$spid.bpf"
}

@test "--list prints a command's control characters, C1's too, as '?'" {
	"$CORRAL" -- sh -c 'sleep 30' $'\e]0;T\a' $'\xc2\x9b1m' >/dev/null 2>&1 &
	spid=$!
	listed
	run "$CORRAL" --list
	assert_line --regexp "^$spid .* sh -c sleep 30 \?\]0;T\? \?\?1m\$"
	refute_output --regexp $'[\x1b\x07]|\xc2\x9b'
	kill "$spid"
	wait "$spid" || true
}

@test "--list --report-format json parses and holds the run" {
	chmod 777 "$T"
	start_box me --pids 32
	run "$CORRAL" --list --report-format json
	assert_success
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
pid = int(sys.argv[1])
s = [x for x in d["sandboxes"] if x["pid"] == pid]
assert len(s) == 1, d
assert s[0]["profiles"] == ["default"], s
assert s[0]["command"][:2] == ["sh", "-c"], s
assert s[0]["limits"] == {"pids": "32"}, s
' "$spid"
	stop_box
}

@test "SIGKILL of corral: --join refuses the stale record and --list drops it" {
	chmod 777 "$T"
	start_box me
	assert_file_exists "$ROOT_RUN/$spid.run"
	kill -KILL "$spid"
	wait "$spid" || true
	run "$CORRAL" --join "$spid" -- true
	assert_failure 125
	assert_output "corral: error: --join $spid: that sandbox has ended"
	assert_file_not_exists "$ROOT_RUN/$spid.run"
	# A record left by a corral that was killed: the next --list removes it.
	start_box me
	kill -KILL "$spid"
	wait "$spid" || true
	assert_file_exists "$ROOT_RUN/$spid.run"
	run "$CORRAL" --list
	assert_success
	refute_line --regexp "^$spid "
	assert_file_not_exists "$ROOT_RUN/$spid.run"
	assert_file_not_exists "$ROOT_RUN/$spid.bpf"
}

@test "--join: the sandbox's host name, PID namespace, files and exit status" {
	chmod 777 "$T"
	start_box me --hostname joined
	run "$CORRAL" --join "$spid" -- sh -c 'hostname; cat /proc/1/comm; cat /tmp/inside; exit 7'
	assert_failure 7
	assert_line --index 0 joined
	assert_line --index 1 corral-init
	assert_line --index 2 in-box
	# A file the joined command makes is the sandbox's: its command sees it.
	run "$CORRAL" --join "$spid" -- sh -c 'echo from-join >/tmp/made'
	assert_success
	run "$CORRAL" --join "$spid" -- cat /tmp/made
	assert_output from-join
	[ ! -e /tmp/made ] || [ "$(cat /tmp/made)" != from-join ]
	stop_box
}

# Without the filter (seccomp = no) the command may make namespaces of its
# own; the join must not follow it into them (into mounts, or a user
# namespace, of its making), and it refuses before it enters anything.
@test "--join refuses a command that has left the sandbox's mount namespace (seccomp = no)" {
	chmod 777 "$T"
	start_unshared me -m --seccomp=no --cap-keep SYS_ADMIN
	run "$CORRAL" --join "$spid" -- sh -c 'echo ran'
	assert_failure 125
	assert_output "corral: error: --join $spid: the sandbox's command is no longer in the sandbox's mnt namespace (it made one of its own, as seccomp = no allows): a join would enter that one, not the sandbox's"
	stop_box
	# The same run whose command stays where it was born is joined.
	start_box me --seccomp=no --cap-keep SYS_ADMIN
	run "$CORRAL" --join "$spid" -- cat /tmp/inside
	assert_success
	assert_output in-box
	stop_box
}

@test "rootless --join refuses a command that has made its own user and mount namespaces (seccomp = no)" {
	need_nobody
	chmod 777 "$T"
	start_unshared as_nobody -Um --seccomp=no
	run as_nobody "$CORRAL" --join "$spid" -- sh -c 'echo ran'
	assert_failure 125
	assert_output "corral: error: --join $spid: the sandbox's command is no longer in the sandbox's user, mnt namespaces (it made its own, as seccomp = no allows): a join would enter those, not the sandbox's"
	stop_box
	start_box as_nobody --seccomp=no
	run as_nobody "$CORRAL" --join "$spid" -- cat /tmp/inside
	assert_success
	assert_output in-box
	stop_box
}

@test "--join refuses a record of a run without a filter that does not name its namespaces (an older corral's)" {
	chmod 777 "$T"
	start_box me --seccomp=no
	grep -q '^ns mnt ' "$ROOT_RUN/$spid.run"
	sed -i '/^ns /d' "$ROOT_RUN/$spid.run"
	run "$CORRAL" --join "$spid" -- sh -c 'echo ran'
	assert_failure 125
	assert_output "corral: error: --join $spid: the run's record does not name its namespaces (an older corral wrote it, or init could not tell them), so whether its command is still in them cannot be told: run it again with this corral to join it"
	# --list still shows it.
	run "$CORRAL" --list
	assert_line --regexp "^$spid "
	stop_box
}

@test "--join: no capabilities, no_new_privs, the sandbox's seccomp filter" {
	chmod 777 "$T"
	start_box me "${WITH_PROBE[@]}"
	run "$CORRAL" --join "$spid" -- sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status'
	assert_success
	assert_line --regexp '^CapEff:[[:space:]]+0+$'
	assert_line --regexp '^CapBnd:[[:space:]]+0+$'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	# ptrace is denied by the default profile, with EPERM, as in the sandbox.
	run "$CORRAL" --join "$spid" -- "$PROBE" calls ptrace 1
	assert_success
	assert_output "ptrace 1 EPERM"
	run "$CORRAL" "${WITH_PROBE[@]}" -- "$PROBE" calls ptrace 1
	assert_output "ptrace 1 EPERM"
	stop_box
}

# runc's CVE-2016-9962: a process of the sandbox takes the joined command
# over before it is confined. `attack seize-next` watches the sandbox's next
# pid (the joined command) and, once it has dropped its capabilities but
# before its execve (before its filter is loaded, too), opens its
# /proc/PID/mem for writing. It must be refused: the joined command is not
# dumpable until its execve. The joined command does not exist, so its
# execve fails and the memory opened is corral's (that of the program it
# runs is as open as any process's there). The moment is short (mostly the
# filter's load):
# on a busy machine the watcher may not run then and says "missed", so up to
# twelve joins are watched, one after the other, until two are seen; at least
# one must be seen, and every one seen refused.
seize_joined() {
	local who=() n seen=0 tried=0
	[ "$1" = as_nobody ] && who=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	rm -f "$T/stop" "$T"/seized.* "$T"/go.*
	# Each watch starts once the join before it is over (go.N): the next
	# pid is then the join's, nothing else forking meanwhile.
	"${who[@]}" "$CORRAL" --bind "$T" --ro-bind "$ATTACK" -- sh -c \
		'for i in $(seq 12); do
			while [ ! -e "$1/go.$i" ] && [ ! -e "$1/stop" ]; do sleep 0.05; done
			[ -e "$1/stop" ] || "$2" seize-next >"$1/seized.$i"
		done
		while [ ! -e "$1/stop" ]; do sleep 0.05; done' \
		sh "$T" "$ATTACK" >"$T/box.out" 2>&1 &
	spid=$!
	# n, not i: bats's run sets i.
	for n in $(seq 12); do
		[ "$seen" -lt 2 ] || break
		tried=$n
		touch "$T/go.$n"
		wait_for "grep -q '^ready\$' '$T/seized.$n' 2>/dev/null"
		run -127 "${who[@]}" "$CORRAL" --join "$spid" -- /no/such/command
		wait_for "[ \"\$(wc -l <'$T/seized.$n')\" -ge 2 ]" 10
		run sed -n 2p "$T/seized.$n"
		[[ "$output" == missed* ]] && continue
		assert_output EACCES
		seen=$((seen + 1))
	done
	echo "seen in $seen of $tried joins"
	[ "$seen" -ge 1 ]
	stop_box
}

@test "--join: a process of the sandbox cannot open the joined command's memory before its filter is loaded" {
	chmod 777 "$T"
	seize_joined as_root
}

@test "rootless --join: a process of the sandbox cannot open the joined command's memory before its filter is loaded" {
	need_nobody
	chmod 777 "$T"
	seize_joined as_nobody
}

@test "--join a seccomp-log run: a denied call gets the sandbox's action, not ENOSYS" {
	chmod 777 "$T"
	# The command's denied calls wait for its supervisor's answer, which a
	# joined command never gets: its filter carries the action itself.
	start_box me "${WITH_PROBE[@]}" --seccomp-log=yes --seccomp-action errno:EACCES
	run "$CORRAL" --join "$spid" -- "$PROBE" calls ptrace 1
	assert_success
	assert_output "ptrace 1 EACCES"
	stop_box
	start_box me "${WITH_PROBE[@]}" --seccomp-log=yes
	run "$CORRAL" --join "$spid" -- "$PROBE" calls ptrace 1
	assert_output "ptrace 1 EPERM"
	stop_box
	# What the joined command got is what the sandbox's own command gets.
	run "$CORRAL" "${WITH_PROBE[@]}" --seccomp-log=yes --seccomp-action errno:EACCES -- "$PROBE" calls ptrace 1
	assert_output --partial "ptrace 1 EACCES"
}

@test "--join: the sandbox's environment rules: clearenv keeps the caller's variables out" {
	chmod 777 "$T"
	start_box me --clearenv=yes --setenv BOX=inside --setenv PASSED
	SECRET=token PASSED=mine BOX=outside run "$CORRAL" --join "$spid" -- \
		sh -c 'echo "${SECRET-unset} $BOX ${PASSED-unset} $PATH"'
	assert_success
	assert_output "unset inside mine /usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
	stop_box
	# Without clearenv the caller's environment passes, as into a run.
	start_box me --unsetenv SECRET
	SECRET=token OTHER=kept run "$CORRAL" --join "$spid" -- sh -c 'echo "${SECRET-unset} $OTHER"'
	assert_output "unset kept"
	stop_box
}

@test "--join: no fd of the caller's but 0, 1 and 2 reaches the sandbox" {
	chmod 777 "$T"
	start_box me
	run "$CORRAL" --join "$spid" -- sh -c 'ls /proc/$$/fd' 7<"$T" 8<"$T"
	assert_success
	refute_line 7
	refute_line 8
	assert_line 2
	stop_box
}

@test "--join: the joined command counts against the sandbox's memory limit" {
	chmod 777 "$T"
	start_box me "${WITH_PROBE[@]}" --memory 48M
	run "$CORRAL" --join "$spid" -- "$PROBE" alloc 256
	assert_failure 137
	refute_output --partial "allocated 256 MiB"
	# The same outside any limit allocates it all: the limit bit, not the probe.
	run "$CORRAL" --join "$spid" -- "$PROBE" alloc 16
	assert_success
	stop_box
}

@test "--join refuses what is not a running corral of the caller's" {
	run "$CORRAL" --join $$ -- true
	assert_failure 125
	assert_output "corral: error: --join $$: not a running corral of yours (see corral --list)"
	sh -c 'exit 0' &
	local dead=$!
	wait "$dead"
	run "$CORRAL" --join "$dead" -- true
	assert_failure 125
	[ "${#lines[@]}" -eq 1 ]
	run "$CORRAL" --join abc -- true
	assert_failure 125
	assert_output --partial "invalid pid 'abc'"
	run "$CORRAL" --join 1
	assert_failure 125
	assert_output --partial "no command given"
	run "$CORRAL" --join 1 --memory 1G -- true
	assert_failure 125
	assert_output "corral: error: --join takes no --memory: the sandbox's own configuration applies"
	run "$CORRAL" --list -- true
	assert_failure 125
	assert_output "corral: error: --list takes no command"
}

@test "uid 65534 can neither list nor join root's sandbox" {
	need_nobody
	chmod 777 "$T"
	start_box me
	run as_nobody "$CORRAL" --list
	assert_success
	refute_line --regexp "^$spid "
	run as_nobody "$CORRAL" --join "$spid" -- touch "$T/joined"
	assert_failure 125
	assert_output "corral: error: --join $spid: that process is another user's (uid 0): only its owner can join a sandbox"
	assert_file_not_exists "$T/joined"
	stop_box
}

@test "rootless: list and join one's own sandbox, as uid 65534" {
	need_nobody
	chmod 777 "$T"
	start_box as_nobody --hostname mine
	run as_nobody "$CORRAL" --list
	assert_success
	assert_line --regexp "^$spid +.* sh -c "
	run as_nobody "$CORRAL" --join "$spid" -- sh -c 'hostname; cat /tmp/inside; id -u; grep -E "^CapEff:" /proc/self/status'
	assert_success
	assert_line --index 0 mine
	assert_line --index 1 in-box
	assert_line --index 2 65534
	assert_line --index 3 --regexp '^CapEff:[[:space:]]+0+$'
	# Its user namespace is the sandbox's, not the host's.
	run as_nobody "$CORRAL" --join "$spid" -- readlink /proc/self/ns/user
	refute_output "$(readlink /proc/self/ns/user)"
	# root has no record of it either.
	run "$CORRAL" --join "$spid" -- true
	assert_failure 125
	stop_box
	run as_nobody "$CORRAL" --list
	refute_line --regexp "^$spid "
	assert_file_not_exists "$NOBODY_RUN/$spid.run"
	# uid 0 inside: whether the sandbox has a user namespace is the run's
	# answer, not one asked again inside it (where the uid reads 0), or
	# the setgroups the sandbox denies would end the join.
	start_box as_nobody --uid 0
	run as_nobody "$CORRAL" --join "$spid" -- sh -c 'id -u; cat /tmp/inside'
	assert_success
	assert_line --index 0 0
	assert_line --index 1 in-box
	stop_box
}

@test "a sandbox cannot write, rename or plant records, even with the directory bound" {
	chmod 777 "$T"
	start_box me
	# root = host: the runtime directory is there, read-only, and pinned.
	run "$CORRAL" --profile host -- sh -c "
		echo x >$ROOT_RUN/$spid.run || echo no-edit
		echo x >$ROOT_RUN/1.run || echo no-plant
		mv $ROOT_RUN /run/moved 2>/dev/null || echo no-rename"
	assert_line no-edit
	assert_line no-plant
	assert_line no-rename
	assert_file_not_exists "$ROOT_RUN/1.run"
	# A writable bind of /run: the same.
	run "$CORRAL" --bind /run -- sh -c "echo x >$ROOT_RUN/1.run || echo no-plant"
	assert_line no-plant
	assert_file_not_exists "$ROOT_RUN/1.run"
	run "$CORRAL" --join "$spid" -- cat /tmp/inside
	assert_output in-box
	stop_box
}

@test "rootless: the /tmp runtime directory is read-only inside a sandbox that binds /tmp" {
	need_nobody
	chmod 777 "$T"
	start_box as_nobody
	assert_file_exists "$NOBODY_RUN/$spid.run"
	run as_nobody "$CORRAL" --bind /tmp:/host-tmp -- sh -c "
		test -e /host-tmp/corral-65534/$spid.run && echo seen
		echo x >/host-tmp/corral-65534/1.run || echo no-plant
		mv /host-tmp/corral-65534 /host-tmp/moved-\$\$ 2>/dev/null || echo no-rename"
	assert_line seen
	assert_line no-plant
	assert_line no-rename
	assert_file_not_exists "$NOBODY_RUN/1.run"
	stop_box
}

@test "uid 0 of a user namespace lists its own sandboxes, outside /run/corral" {
	command -v unshare >/dev/null || skip "needs unshare(1)"
	need_nobody
	run as_nobody unshare -Ur sh -c '"$1" --list && "$1" --user-ns yes -- true' sh "$CORRAL"
	assert_success
	assert_output --regexp '^PID +STARTED'
	[ "${#lines[@]}" -eq 1 ]
}
