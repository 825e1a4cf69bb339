#!/usr/bin/env bats
# The man pages and the bash completion, generated from src/options.def:
# they render, they list exactly the options and keys corral has, and Tab
# completes what a user types.
load helpers

MAN1=$TOP/docs/corral.1
MAN5=$TOP/docs/corral.profile.5
COMPLETION=$TOP/docs/corral.bash

render() {
	MANWIDTH=80 man -l "$1" 2>/dev/null | col -bx
}

# The lines of one section (heading at column 0) of a rendered page.
section() {
	awk -v s="$1" '/^[A-Z]/ { on = ($0 == s); next } on'
}

# "-m, --memory" or "--net" for every option of corral --help.
help_options() {
	"$CORRAL" --help | grep -oE '^  +(-[[:alnum:]], )?--[a-z0-9-]+' | sed -E 's/^ +//' | sort
}

# The same for every option entry of corral(1).
man_options() {
	render "$MAN1" | section OPTIONS | grep -oE '^ {7}(-[[:alnum:]], )?--[a-z0-9-]+' |
		sed -E 's/^ +//' | sort
}

# Complete the words given, the cursor at the end of the last one; print the
# candidates, one a line. Runs in its own bash, optionally with
# bash-completion loaded first ($WITH_BASH_COMPLETION).
complete_words() {
	bash -c '
		[ -n "${WITH_BASH_COMPLETION:-}" ] && . /usr/share/bash-completion/bash_completion
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_corral
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$COMPLETION" "$@"
}

@test "man -l renders both pages without a groff warning" {
	for page in "$MAN1" "$MAN5"; do
		run groff -man -Tutf8 -ww -z "$page"
		assert_success
		assert_output ""
	done
	run render "$MAN1"
	assert_success
	assert_line --index 0 --regexp '^CORRAL\(1\)'
	assert_line "       corral - run a command in a sandbox"
	for s in SYNOPSIS DESCRIPTION OPTIONS PROFILES "EXIT STATUS" REPORT EXAMPLES "SEE ALSO"; do
		assert_line "$s"
	done
	run render "$MAN5"
	assert_success
	assert_line "       corral.profile - sandbox profiles for corral"
	for s in FORMAT VALUES KEYS "SEARCH PATH"; do
		assert_line "$s"
	done
}

@test "corral(1) lists every option of corral --help, and nothing else" {
	help=$(help_options)
	man=$(man_options)
	# Not vacuous: both lists hold the options every build has.
	[[ $help == *"-p, --profile"* && $help == *"--net"* && $help == *"-h, --help"* ]]
	run diff <(echo "$help") <(echo "$man")
	assert_success
	assert_output ""
}

@test "every option in corral(1) has a description" {
	# In the generated roff, each .TP tag in OPTIONS is followed by a line of
	# help text: not empty, not a request.
	run awk '/^\.SH OPTIONS/ { on = 1; next } /^\.SH / { on = 0 }
		on && want == 2 { if ($0 == "" || $0 ~ /^[.\x27]/ || length($0) < 3) print "no description: " tag; want = 0 }
		on && want == 1 { tag = $0; want = 2; next }
		on && /^\.TP/ { want = 1 }' "$MAN1"
	assert_success
	assert_output ""
	n=$(grep -c '^\.TP' <(sed -n '/^\.SH OPTIONS/,/^\.SH PROFILES/p' "$MAN1"))
	[ "$n" -eq "$(help_options | wc -l)" ]
	# As rendered, each one reads as a sentence, defaults from the table included.
	run render "$MAN1"
	assert_line "              Show this help and exit."
	assert_output --partial "Default: errno:EPERM."
}

@test "corral.profile(5) lists every profile key and no command-line-only option" {
	# corral --check prints every profile key, in profile syntax.
	checked=$("$CORRAL" --check | grep -oE '^[a-z0-9-]+ =' | sed 's/ =$//' | sort -u)
	keys=$(render "$MAN5" | section KEYS | grep -oE '^ {7}[a-z0-9-]+ = ' |
		sed -E 's/^ +//; s/ = $//' | sort)
	[[ $checked == *memory* && $checked == *net* ]]
	run diff <(echo "$checked") <(echo "$keys")
	assert_success
	for cli in help version profile check list-profiles verbose quiet; do
		[[ $'\n'$keys$'\n' != *$'\n'$cli$'\n'* ]]
	done
}

@test "the example profile in corral.profile(5) is valid" {
	render "$MAN5" | section EXAMPLES | sed -n '/# build.profile/,/^$/p' |
		sed -E 's/^ +//' >"$T/build.profile"
	grep -q '^include default$' "$T/build.profile"
	run "$CORRAL" --profile "$T/build.profile" --check
	assert_success
	assert_line "memory = 2G"
	assert_line --regexp "^time-limit = (10m|600s|600000ms)\$"
}

@test "a new option row shows up in the man pages and the completion; one without help fails the build" {
	# A copy of the tree with one more row, as another module would add it.
	mkdir "$T/tree"
	cp -r "$TOP/Makefile" "$TOP/src" "$TOP/tools" "$T/tree/"
	mkdir "$T/tree/docs"
	cp "$TOP"/docs/*.in "$T/tree/docs/"
	printf '%s\n' 'X(DOC_TEST, "doc-test-dir", 0, ARG_STRING, hostname, "DIR", "", 0, NULL,' \
		'  "a row added by the docs test")' >>"$T/tree/src/options.def"
	run make -C "$T/tree" -j2 -s docs/corral.1 docs/corral.profile.5 docs/corral.bash
	assert_success
	run render "$T/tree/docs/corral.1"
	assert_line "       --doc-test-dir DIR"
	assert_line "              A row added by the docs test."
	run render "$T/tree/docs/corral.profile.5"
	assert_line "       doc-test-dir = DIR"
	COMPLETION=$T/tree/docs/corral.bash
	run complete_words corral --doc-test-
	assert_output "--doc-test-dir"
	run complete_words corral --doc-test-dir "$T/tr"
	assert_output "$T/tree"

	sed -i 's/"a row added by the docs test"/""/' "$T/tree/src/options.def"
	run make -C "$T/tree" -j2 -s docs/corral.1
	assert_failure
	assert_output --partial "gendoc: error: option --doc-test-dir has no help text"
}

@test "docs/ARCHITECTURE.md: its module table names every file of src/, and only those" {
	local doc=$TOP/docs/ARCHITECTURE.md f name listed
	# The first column of the table's rows: "main.c", "sync.h, sync.c", ...
	listed=$(sed -n 's/^| \([a-z_]*\.[a-z]*\(, [a-z_]*\.[a-z]*\)*\) |.*/\1/p' "$doc" | tr ',' '\n' | tr -d ' ')
	[ -n "$listed" ]
	for f in "$TOP"/src/*.c "$TOP"/src/options.def; do
		name=${f##*/}
		grep -qx "$name" <<<"$listed" || {
			echo "src/$name has no row in the module table of docs/ARCHITECTURE.md"
			return 1
		}
	done
	for name in $listed; do
		[ -e "$TOP/src/$name" ] || {
			echo "docs/ARCHITECTURE.md has a row for src/$name, which does not exist"
			return 1
		}
	done
}

@test "completion: --prof<Tab> completes to --profile" {
	run complete_words "$CORRAL" --prof
	assert_success
	assert_output "--profile"
	run complete_words corral -
	assert_line "--time-limit"
	assert_line "-m"
	run complete_words corral --
	assert_line "--memory"
	refute_line "-m"
}

@test "completion: --profile st<Tab> completes profile names from the search path" {
	mkdir "$T/p"
	: >"$T/p/stuff.profile"
	: >"$T/p/other.profile"
	export CORRAL_PROFILE_PATH=$T/p:$TOP/profiles
	run complete_words "$CORRAL" --profile st
	assert_success
	assert_line "stuff"
	refute_line "other"
	refute_line "default"
	# Every candidate is a profile that starts with "st".
	refute_line --regexp '^([^s]|s[^t])'
	run complete_words "$CORRAL" -p ''
	assert_line "stuff"
	assert_line "other"
	assert_line "default"
	# A word with a slash is a file.
	run complete_words "$CORRAL" --profile "$T/p/stu"
	assert_output "$T/p/stuff.profile"
	# Of the files, only profiles (and directories on the way to one).
	mkdir "$T/p/sub"
	: >"$T/p/notes.txt"
	run complete_words "$CORRAL" --profile "$T/p/"
	assert_line "$T/p/stuff.profile"
	assert_line "$T/p/other.profile"
	assert_line "$T/p/sub"
	refute_line "$T/p/notes.txt"
}

@test "completion: names for lists: capabilities, syscalls and @groups, namespaces, actions" {
	run complete_words corral --cap-keep NET_B
	assert_output --regexp '^NET_BIND_SERVICE'
	assert_line "NET_BROADCAST"
	run complete_words corral --seccomp-deny ptr
	assert_output "ptrace"
	# After a comma, the list's next name, with what came before.
	run complete_words corral --seccomp-allow=read,@mou
	assert_output "--seccomp-allow=read,@mount"
	run complete_words corral --share u
	assert_output "uts"
	run complete_words corral --seccomp-action k
	assert_output "kill"
	# Every name offered is one corral takes.
	run complete_words corral --cap-keep ''
	for c in "${lines[@]}"; do "$CORRAL" --cap-keep "$c" --check >/dev/null; done
}

@test "completion: the choices of an option, with or without =" {
	run complete_words corral --net h
	assert_output "host"
	run complete_words corral --cgroup = a
	assert_output "auto"
	run complete_words corral --user-ns=
	assert_line "--user-ns=auto"
	assert_line "--user-ns=yes"
	assert_line "--user-ns=no"
	run complete_words corral --seccomp = n
	assert_output "no"
	# A size cannot be guessed: nothing, not file names.
	run complete_words corral --memory ''
	assert_output ""
	run complete_words corral -vm ''
	assert_output ""
}

@test "completion: after the options, a command, then the command's own completion" {
	run complete_words corral -- ech
	assert_line "echo"
	run complete_words corral --net host -m 64M ech
	assert_line "echo"
	# --clearenv takes a value only after =, so "ech" is the command here.
	run complete_words corral --clearenv ech
	assert_line "echo"
	# Options after the command are the command's, not corral's.
	run complete_words corral -- sh --pro
	assert_success
	refute_output --partial "--profile"
	# A command with its own completion function gets its words.
	run bash -c '. "$1"; _fake() { COMPREPLY=("fake:$COMP_CWORD:$2:${COMP_WORDS[0]}"); }
		complete -F _fake fake
		COMP_WORDS=(corral -q -- fake one tw); COMP_CWORD=5; _corral
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION"
	assert_output "fake:2:tw:fake"
	run complete_words corral -v "$T"
	assert_output "$T"
}

@test "completion: with bash-completion loaded, the command's completion is loaded and used" {
	[ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
	[ -r /usr/share/bash-completion/completions/kill ] || skip "no kill completion to defer to"
	export WITH_BASH_COMPLETION=1
	run complete_words corral --net host -- kill -s KI
	assert_output "KILL"
	run complete_words corral --prof
	assert_output "--profile"
}

@test "the REPORT section names every key of a JSON report" {
	"$CORRAL" --help | grep -q -- '--report ' || skip "no --report option in this build yet"
	format=()
	"$CORRAL" --help | grep -q -- '--report-format' && format=(--report-format json)
	run "$CORRAL" --report "$T/report.json" "${format[@]}" -- true
	assert_success
	documented=$(render "$MAN1" | section REPORT | grep -oE '^ {7}[a-z_]+' | sed -E 's/^ +//')
	for key in $(jq -r 'keys[]' "$T/report.json"); do
		[[ $'\n'$documented$'\n' == *$'\n'$key$'\n'* ]] || {
			echo "report key '$key' is not in corral(1) REPORT"
			return 1
		}
	done
}
