#!/usr/bin/env bats
# Real programs in the sandbox (issue 18, "Real programs"): names that
# resolve, a home to write in, a read-only /sys, the set-uid calls that gain
# nothing, errors that say what is wrong, and documentation that matches
# what happens.
load helpers

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (a writable cgroup for strict's limits)"
}

# The host's own python3 in /usr (not a shim in a home directory).
PY=/usr/bin/python3
need_python() {
	[ -x "$PY" ] || skip "no $PY"
}

@test "strict: the set-uid calls that gain nothing work; gaining an id still fails" {
	need_root
	need_python
	# Filters are cached by their rules: a cache of this test's own.
	export XDG_CACHE_HOME=$T/cache
	run "$CORRAL" --profile strict -- "$PY" -c 'import os
os.setreuid(-1, -1)
os.setresgid(-1, -1, -1)
pid = os.posix_spawn("/usr/bin/true", ["true"], {}, resetids=True)
print("spawned", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
try:
    os.setuid(4242)
except PermissionError:
    print("setuid 4242: denied")
print(os.getuid())'
	assert_success
	assert_output "spawned 0
setuid 4242: denied
0"
}

# getaddrinfo, as a program resolves a name (getent ahosts calls it).
@test "a fresh root resolves localhost and its own host name; the host's /etc/hosts is untouched" {
	need_root
	before=$(sha256sum /etc/hosts)
	for profile in default strict; do
		run "$CORRAL" --profile "$profile" -- sh -c \
			'getent ahosts "$(hostname)" | head -1; getent ahosts localhost >/dev/null && echo localhost; cat /etc/hostname'
		assert_success
		assert_line --index 0 --regexp '^127\.0\.1\.1 +STREAM corral$'
		assert_line --index 1 localhost
		assert_line --index 2 corral
	done
	run "$CORRAL" --hostname box -- getent ahosts box
	assert_success
	assert_line --index 0 --regexp '^127\.0\.1\.1 +STREAM box$'
	# Under the host's network, the host's names too.
	run "$CORRAL" --net host -- getent hosts "$(hostname)"
	assert_success
	# A bind of the caller's own /etc/hosts wins.
	echo "10.1.2.3 mine" >"$T/hosts"
	run "$CORRAL" --ro-bind "$T/hosts:/etc/hosts" -- cat /etc/hosts
	assert_success
	assert_output "10.1.2.3 mine"
	[ "$(sha256sum /etc/hosts)" = "$before" ]
}

@test "the host profile (the host's files) resolves its own host name too, root and rootless" {
	before=$(sha256sum /etc/hosts /etc/hostname 2>/dev/null)
	local who
	for who in "" nobody; do
		local as=()
		if [ "$who" = nobody ]; then
			need_nobody
			as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		fi
		run "${as[@]}" "$CORRAL" --profile host -- sh -c \
			'getent ahosts "$(hostname)" | head -1; getent ahosts localhost >/dev/null && echo localhost; cat /etc/hostname'
		assert_success
		assert_line --index 0 --regexp '^127\.0\.1\.1 +STREAM corral$'
		assert_line --index 1 localhost
		assert_line --index 2 corral
		# Read-only, and nothing of it on the host.
		run "${as[@]}" "$CORRAL" --profile host -- sh -c 'echo x >>/etc/hosts'
		assert_failure
		assert_output --partial "Read-only file system"
	done
	# In the host's network, the host's names as well.
	run "$CORRAL" --profile host --net host -- getent hosts "$(hostname)"
	assert_success
	# With the host's own name (no hostname), the host's files as they are.
	run "$CORRAL" --profile host --hostname= -- cat /etc/hosts
	assert_success
	assert_output "$(cat /etc/hosts)"
	[ "$(sha256sum /etc/hosts /etc/hostname 2>/dev/null)" = "$before" ]
}

@test "every shipped profile gives the command a HOME that exists and is writable" {
	need_root
	cd "$T" # judge writes its report in the current directory
	for profile in build default judge net strict test; do
		run "$CORRAL" --profile "$profile" -- sh -c 'mkdir "$HOME/.npm" && touch "$HOME/.npm/x" && echo "$HOME"'
		assert_success
	done
	# The host profile's HOME is the caller's own, as it is.
	mkdir "$T/home"
	HOME=$T/home run "$CORRAL" --profile host -- sh -c 'mkdir "$HOME/.npm" && echo "$HOME"'
	assert_success
	assert_output "$T/home"
	# A tmpfs of the command's own: mode 0700, its uid, gone after the run.
	HOME=/root run "$CORRAL" --uid 4242 -- stat -c '%a %u' /root
	assert_success
	assert_output "700 4242"
	# Not where a mount option already covers it, nor with home = no.
	HOME=$T/home run "$CORRAL" --bind "$T/home" -- sh -c 'test -d "$HOME/.npm" && echo kept'
	assert_success
	assert_output kept
	HOME=/root run "$CORRAL" --home no -- sh -c 'test -d "$HOME" || echo none'
	assert_output none
	# Nor at /nonexistent, the HOME of users without one, which must not
	# exist (GLib's spawn tests exec it to get ENOENT: make check-compat).
	HOME=/nonexistent run "$CORRAL" -- sh -c 'test -e "$HOME" || echo none'
	assert_success
	assert_output none
}

@test "net: npm pack, which writes to \$HOME, works when npm is installed" {
	command -v npm >/dev/null && [ "$(command -v npm)" = /usr/bin/npm ] || skip "no npm in /usr/bin"
	cd "$T"
	printf '{"name": "corral-pack-test", "version": "1.0.0"}\n' >package.json
	echo 'module.exports = 1;' >index.js
	HOME=/root run "$CORRAL" --profile net --bind-cwd yes -- npm pack
	assert_success
	assert_line corral-pack-test-1.0.0.tgz
	assert_file_exists "$T/corral-pack-test-1.0.0.tgz"
}

@test "a script whose #! interpreter is missing names it; a directory says it is one" {
	printf '#!/no/such/interpreter -x\necho hi\n' >"$T/x.sh"
	chmod 755 "$T/x.sh"
	mkdir "$T/dir"
	cd "$T"
	run "$CORRAL" --bind-cwd ro -- ./x.sh
	assert_failure 126
	assert_output "corral: error: cannot execute ./x.sh: its interpreter /no/such/interpreter (its #! line) is not in the sandbox"
	# Found on PATH, too.
	run "$CORRAL" --bind-cwd ro --setenv PATH="$T:/usr/bin" -- x.sh
	assert_failure 126
	assert_output --partial "cannot execute x.sh: its interpreter /no/such/interpreter"
	run "$CORRAL" --bind-cwd ro -- "$T/dir"
	assert_failure 126
	assert_output "corral: error: cannot execute $T/dir: it is a directory"
	# Still "not found" when it is not there, and "Permission denied"
	# when that is what it is.
	chmod 644 "$T/x.sh"
	run "$CORRAL" --bind-cwd ro -- ./x.sh
	assert_failure 126
	assert_output "corral: error: cannot execute ./x.sh: Permission denied"
	run -127 "$CORRAL" -- /no/such/command
	assert_output "corral: error: /no/such/command: command not found"
}

@test "a #! line with escape sequences drives no terminal: stderr, text and isolate reports get '?'" {
	# A file a sandbox wrote (a build's output in the cwd) whose #! line
	# holds a title change, a screen clear and a colour, a C1 CSI, and a
	# command word that holds one too.
	printf '#!/nonexistent\033]0;PWNED\007\033[2J\302\233[31mFAKE\n' >"$T/esc.sh"
	chmod 755 "$T/esc.sh"
	cd "$T"
	run "$CORRAL" -v --bind-cwd ro --report "$T/r.txt" --report-format text -- ./esc.sh $'\e[31mword'
	assert_failure 126
	assert_line --index 0 "corral: running ./esc.sh ?[31mword (profile default; net none, seccomp denylist)"
	assert_line --index 1 --partial "corral: error: cannot execute ./esc.sh: its interpreter /nonexistent?]0;PWNED??[2J??[31mFAKE (its #! line)"
	run "$CORRAL" --bind-cwd ro --report "$T/r.meta" --report-format isolate -- ./esc.sh
	assert_failure 126
	local f
	for f in r.txt r.meta; do
		run grep -c $'[\x01-\x08\x0b-\x1f\x7f]' "$T/$f"
		assert_output 0
		run grep -c $'\xc2\x9b' "$T/$f"
		assert_output 0
	done
	grep -q '^message:cannot execute ./esc.sh: its interpreter /nonexistent?]0;PWNED' "$T/r.meta"
}

@test "--learn says what it wrote, and replaces a file only with --learn-overwrite" {
	cd "$T"
	run "$CORRAL" --learn p.profile -- true
	assert_success
	assert_output --regexp '^corral: learn: wrote p.profile, a profile allowing the [0-9]+ syscalls the command made \(use it with --profile ./p.profile\)$'
	echo "# mine" >mine.profile
	run "$CORRAL" --learn mine.profile -- false
	assert_failure 125
	assert_output "corral: error: --learn: mine.profile exists (add --learn-overwrite to replace it)"
	[ "$(cat mine.profile)" = "# mine" ]
	run "$CORRAL" -q --learn mine.profile --learn-overwrite -- true
	assert_success
	assert_output ""
	grep -q '^seccomp-allow = ' mine.profile
	# The file it wrote is a profile corral reads.
	run "$CORRAL" --profile ./mine.profile --check
	assert_success
}

@test "sys: a read-only /sys with what runtimes mask hidden; build has it, default not" {
	need_root
	host_cpus=$(cat /sys/devices/system/cpu/online)
	# What /proc's masks hide is hidden here too: the slab caches, the
	# IRQs' counts, vmcoreinfo's physical address.
	run "$CORRAL" --sys /sys -- sh -c 'cat /sys/devices/system/cpu/online
		ls -A /sys/firmware | wc -l; touch /sys/x 2>/dev/null || echo read-only
		ls -A /sys/kernel/slab 2>/dev/null | wc -l; ls -A /sys/kernel/irq 2>/dev/null | wc -l
		cat /sys/kernel/vmcoreinfo 2>/dev/null | wc -c'
	assert_success
	assert_output "$host_cpus
0
read-only
0
0
0"
	cd "$T"
	run "$CORRAL" --profile build -- cat /sys/devices/system/cpu/online
	assert_success
	assert_output "$host_cpus"
	run "$CORRAL" -- ls -A /sys
	assert_failure
	run "$CORRAL" --profile build --check
	assert_line "sys = /sys"
	# Rootless in the host's network, where a new sysfs is refused: the
	# host's, read-only, masked the same.
	run as_nobody "$CORRAL" --net host --sys /sys -- sh -c 'cat /sys/devices/system/cpu/online
		ls -A /sys/firmware | wc -l; touch /sys/x 2>/dev/null || echo read-only
		ls -A /sys/kernel/slab 2>/dev/null | wc -l; ls -A /sys/kernel/irq 2>/dev/null | wc -l'
	assert_success
	assert_output "$host_cpus
0
read-only
0
0"
	# A mount option: refused with root = host, as the others are.
	run "$CORRAL" --profile host --sys /sys -- true
	assert_failure 125
	assert_output --partial "sys = /sys: mount options need root = tmpfs"
}

# The "$ command" lines of a text and the output shown under each, as
# CMD<TAB>command and OUT<TAB>line: a command is a line "$ ..." indented as
# code; its output, the lines after it at the same indent, up to a blank
# line, a line indented otherwise or the next command.
shown_commands() {
	awk 'function indent(s) { match(s, /^ */); return RLENGTH }
		/^ +\$ / { ind = indent($0); print "CMD\t" substr($0, ind + 3); code = 1; next }
		code && $0 != "" && indent($0) == ind { print "OUT\t" substr($0, ind + 1); next }
		{ code = 0 }' "$1"
}

# Numbers vary from run to run (times, sizes, pids): compare the words,
# however many blanks a table puts between them. Whether a run was
# throttled at its CPU limit ("cpus" among the limits that bit) depends on
# the machine's load: not compared either.
normalise() {
	sed -E 's/[0-9]+(\.[0-9]+)?( [KMGT]iB)?/N/g; s/ +/ /g; s/,cpus\b//; s/ cpus$/ -/'
}

# Run every shown command that can run here, in order, in one shell (so
# "echo $?" sees the command before it), in $T with corral first on PATH;
# then compare what each printed with what is shown (the numbers aside), or
# when nothing is shown, that it succeeded. Not run: lines with "...",
# commands of programs that are not there to run (a make without a
# Makefile, a ./server or server, strace, whose output is its own), what
# shows another run's state (--list and --join of a sandbox started by a
# line not run), and an "echo $?" after a command not run.
run_shown() {
	local unrunnable='\.\.\.|strace|-- make|\./server|-- server|--list$|--join ' kind text n=0 prev_run=1
	local session=$T/session.sh
	: >"$session"
	while IFS=$'\t' read -r kind text; do
		if [ "$kind" = OUT ]; then
			printf '%s\n' "$text" >>"$T/want.$n"
			continue
		fi
		n=$((n + 1))
		: >"$T/want.$n"
		printf '%s\n' "$text" >"$T/cmd.$n"
		if [[ $text =~ $unrunnable ]] || { [ "$text" = 'echo $?' ] && [ "$prev_run" = 0 ]; }; then
			prev_run=0
			continue
		fi
		prev_run=1
		printf '{ %s\n} >%q 2>&1; s=$?; echo $s >%q; (exit $s)\n' "$text" "$T/out.$n" "$T/status.$n" >>"$session"
	done < <(shown_commands "$1")
	[ "$n" -gt 3 ] # not vacuous: the text has commands
	(cd "$T" && PATH=$TOP:$PATH bash "$session")
	local i ran=0
	for ((i = 1; i <= n; i++)); do
		[ -e "$T/status.$i" ] || continue
		ran=$((ran + 1))
		if [ -s "$T/want.$i" ]; then
			diff -u <(normalise <"$T/want.$i") <(normalise <"$T/out.$i") ||
				{ echo "shown: $(cat "$T/cmd.$i")"; return 1; }
		elif [ "$(cat "$T/status.$i")" != 0 ]; then
			echo "shown: $(cat "$T/cmd.$i")"
			echo "exit $(cat "$T/status.$i"), output: $(cat "$T/out.$i")"
			return 1
		fi
	done
	echo "$ran of $n shown commands run"
}

@test "README.md: the commands it shows print what it shows" {
	need_root # the judge example's limits need a cgroup
	# The files its examples use: the profile it shows, a solution.
	awk '/^    # my.profile$/ { on = 1 } on && /^$/ { exit } on { print substr($0, 5) }' \
		"$TOP/README.md" >"$T/my.profile"
	grep -q '^include default$' "$T/my.profile"
	printf 'a, b = map(int, input().split())\nprint(a + b)\n' >"$T/sol.py"
	# Its paths are the source tree's, and ./corral the tree's binary.
	ln -s "$TOP/examples" "$T/examples"
	ln -s "$CORRAL" "$T/corral"
	command -v jq >/dev/null || skip "no jq"
	run run_shown "$TOP/README.md"
	assert_success
	assert_output --regexp '^[0-9]+ of [0-9]+ shown commands run$'
}

@test "corral(1): the commands its EXAMPLES show print what it shows" {
	MANWIDTH=200 man -l "$TOP/docs/corral.1" 2>/dev/null | col -bx |
		awk '/^EXAMPLES/ { on = 1; next } /^[A-Z]/ { on = 0 } on' >"$T/examples"
	run run_shown "$T/examples"
	assert_success
	assert_output --regexp '^[0-9]+ of [0-9]+ shown commands run$'
}

@test "corral(1)'s report example has the keys a report has; --clearenv says PATH stays" {
	command -v jq >/dev/null || skip "no jq"
	keys='[paths | map(select(type == "string")) | join(".")] | unique | .[]'
	MANWIDTH=200 man -l "$TOP/docs/corral.1" 2>/dev/null | col -bx |
		awk '/^REPORT/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		awk '/An example:/ { on = 1; next } on && /^   [^ ]/ { exit } on' >"$T/example.json"
	run jq -r "$keys" "$T/example.json"
	assert_success
	shown=$output
	"$CORRAL" -q --report "$T/report.json" --report-format json -- true
	run jq -r "$keys" "$T/report.json"
	assert_success
	assert_output "$shown"
	# What --clearenv leaves, and what --help says it leaves.
	run "$CORRAL" --clearenv -- env
	assert_success
	assert_output --regexp '^PATH=[^ ]+$'
	run "$CORRAL" --help
	assert_line --regexp '^ +--clearenv.* empty environment but PATH '
}
