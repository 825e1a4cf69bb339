#!/usr/bin/env bats
# make install: a copy of the tree is built as a user would (`make`), then
# installed with other prefixes; the installed corral runs and finds its own
# profiles, and its man pages name where they are. Built in a copy, so the
# tree under test keeps its own build.
load helpers

setup_file() {
	TREE=$BATS_FILE_TMPDIR/tree
	mkdir -p "$TREE"
	tar -C "$TOP" --exclude=./build --exclude=./.git -cf - . | tar -C "$TREE" -xf -
	make -C "$TREE" -s clean
	# Built with the default prefix first: install must rebuild for its own.
	make -C "$TREE" -s -j2 >"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
	export TREE
}

render() {
	MANWIDTH=200 man -l "$1" 2>/dev/null | col -bx
}

# The installed corral at $1, as a user without a profile path of their own.
installed() {
	local bin=$1
	shift
	env -u CORRAL_PROFILE_PATH -u XDG_CONFIG_HOME HOME="$T/home" "$bin" "$@"
}

@test "make twice: the second builds nothing" {
	run make -C "$TREE"
	assert_success
	refute_output --partial "cc "
}

@test "install with a PREFIX under a temporary directory: corral runs and finds its profiles there" {
	local p=$T/prefix
	run make -C "$TREE" -s -j2 install PREFIX="$p"
	assert_success
	assert_file_exists "$p/share/corral/profiles/default.profile"
	run installed "$p/bin/corral" --list-profiles
	assert_success
	assert_line --regexp "^default +general shell use \\($p/share/corral/profiles/default.profile\\)$"
	run installed "$p/bin/corral" -- true
	assert_success
	assert_output ""
	run installed "$p/bin/corral" --profile strict -- /bin/sh -c 'echo in'
	assert_success
	assert_output "in"
	# The pages name the installed path, not the default prefix's.
	run render "$p/share/man/man1/corral.1"
	assert_output --partial "$p/share/corral/profiles"
	refute_output --partial "/usr/local/share/corral"
	run render "$p/share/man/man5/corral.profile.5"
	assert_output --partial "$p/share/corral/profiles"

	# Moved as a whole, it still finds its own profiles.
	mv "$p" "$T/moved"
	run installed "$T/moved/bin/corral" --list-profiles
	assert_line --regexp "^default +general shell use \\($T/moved/share/corral/profiles/default.profile\\)$"
	run installed "$T/moved/bin/corral" -- true
	assert_success
}

@test "install with DESTDIR and PREFIX=/usr: pages, completion, and a corral that runs where it is" {
	local d=$T/root
	run make -C "$TREE" -s -j2 install DESTDIR="$d" PREFIX=/usr
	assert_success
	assert_file_exists "$d/usr/bin/corral"
	assert_file_exists "$d/usr/share/man/man1/corral.1"
	assert_file_exists "$d/usr/share/man/man5/corral.profile.5"
	assert_file_exists "$d/usr/share/bash-completion/completions/corral"
	cmp "$TREE/docs/corral.1" "$d/usr/share/man/man1/corral.1"
	run render "$d/usr/share/man/man1/corral.1"
	assert_output --partial "/usr/share/corral/profiles"
	refute_output --partial "/usr/local/share/corral"
	run render "$d/usr/share/man/man5/corral.profile.5"
	assert_line "KEYS"
	# Not yet at /usr: it finds the profiles of the tree it is in.
	run installed "$d/usr/bin/corral" --list-profiles
	assert_success
	assert_line --regexp "^default +general shell use \\($d/usr/share/corral/profiles/default.profile\\)$"
	run installed "$d/usr/bin/corral" -- true
	assert_success
	assert_output ""
	# And the installed completion works where bash-completion loads it from.
	run bash -c '. "$1"; COMP_WORDS=(corral --list-pro); COMP_CWORD=1
		COMP_LINE="corral --list-pro"; COMP_POINT=${#COMP_LINE}; _corral
		printf "%s\n" "${COMPREPLY[@]}"' sh "$d/usr/share/bash-completion/completions/corral"
	assert_output "--list-profiles"
}

@test "make CFLAGS=-O0 keeps the flags the build needs; LDLIBS adds to the libraries" {
	run make -C "$TREE" CFLAGS=-O0 build/units.o corral
	assert_success
	assert_line --regexp "^cc .*-D_GNU_SOURCE .*-iquote src .*-O0 -c -o build/units.o src/units.c$"
	assert_output --partial "-Werror"
	assert_output --partial "-DCORRAL_DATADIR="
	run installed "$TREE/corral" -- true
	assert_success
	run make -C "$TREE" LDLIBS=-lrt corral
	assert_success
	assert_line --regexp "^cc .* -lseccomp .*-lrt"
}

@test "the Makefile and scripts install nothing themselves: every apt-get install is scripts/deps.sh's" {
	run grep -rln -e 'apt-get install' -e 'apt install' "$TOP/Makefile" "$TOP/scripts" \
		"$TOP/bench" "$TOP/.ci"
	assert_output "$TOP/scripts/deps.sh"
	# As another user, the line to run, for the set asked.
	run as_nobody "$TOP/scripts/deps.sh" no-such-package-corral
	assert_failure 1
	assert_output "corral: missing packages; run: sudo apt-get install -y --no-install-recommends no-such-package-corral"
}
