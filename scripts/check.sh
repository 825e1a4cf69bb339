#!/bin/bash
# Run the unit tests (ASan/UBSan builds) and the Bats suite, both as TAP, and
# end with one line: "N passed, N failed[, N skipped]". Exit non-zero on any
# failure.
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0
log=$(mktemp)
copy=""
trap 'rm -f "$log"; [ -z "$copy" ] || rm -rf "$copy"' EXIT

# The rootless tests run corral as uid 65534, which must reach the tree. A
# checkout below a directory closed to others (such as /root) runs from a
# readable copy of itself in /tmp instead, removed at the end.
if [ "$(id -u)" -eq 0 ] &&
	! setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$PWD/profiles/default.profile" 2>/dev/null; then
	copy=$(mktemp -d /tmp/corral-check.XXXXXX)
	chmod 755 "$copy"
	cp -a . "$copy/tree" && chmod -R a+rX "$copy/tree" || exit 1
	echo "# check: uid 65534 cannot reach $PWD; running from a copy in $copy/tree"
	cd "$copy/tree" || exit 1
fi

# count [NAME]: copy TAP from stdin, adding its results to the totals. A
# stream that planned more tests than it ran (a crash, a runner stopping
# early: bats's "Executed 111 instead of expected 120") fails, by NAME.
count() {
	local planned="" ran=0
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case "$line" in
		"ok "*"# skip"* | "ok "*"# SKIP"*) skip=$((skip + 1)) ran=$((ran + 1)) ;;
		"ok "*) pass=$((pass + 1)) ran=$((ran + 1)) ;;
		"not ok "*) fail=$((fail + 1)) ran=$((ran + 1)) ;;
		1..[0-9]*) planned=$((planned + ${line#1..})) ;;
		esac
	done
	if [ -n "$planned" ] && [ "$ran" -lt "$planned" ]; then
		echo "not ok - ${1:-tests}: ran $ran of the $planned planned"
		fail=$((fail + 1))
	fi
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
for t in "$@"; do
	echo "# unit: $t"
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
	rc=$?
	count "$t" <"$log"
	# A crash or sanitizer report after the last TAP line still fails.
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$log"; then
		echo "not ok - $t exited $rc"
		fail=$((fail + 1))
	fi
done

# The fuzz targets' corpus (seeds and regressions), replayed under ASan/UBSan.
for r in build/fuzz-replay/*; do
	[ -x "$r" ] || continue
	name=${r##*/}
	echo "# fuzz replay: tests/fuzz/corpus/$name"
	CORRAL_PROFILE_PATH=$PWD/profiles "$r" "$name" "tests/fuzz/corpus/$name" >"$log" 2>"$log.err"
	rc=$?
	count <"$log"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$log"; then
		tail -n 30 "$log.err" | sed 's/^/# /'
		echo "not ok - fuzz replay $name exited $rc"
		fail=$((fail + 1))
	fi
	rm -f "$log.err"
done

# A subset of the Bats suite against corral built with ASan and UBSan, one
# that exercises every module (ASAN_BATS to change it). A sanitizer report
# fails the run even when the test's own assertions passed: see
# scripts/asan-corral.sh for where the reports go and why.
asan_bats=${ASAN_BATS-tests/foundation.bats tests/cli.bats tests/filesystem.bats tests/limits.bats tests/privilege.bats tests/report.bats}
if [ -n "$asan_bats" ] && [ -x build/asan/corral ]; then
	asan_dir=$(mktemp -d /tmp/corral-asan.XXXXXX)
	scripts/asan-corral.sh "$asan_dir"
	echo "# bats under ASan/UBSan ($asan_dir/corral): $asan_bats"
	count "[asan] bats" < <(CORRAL=$asan_dir/corral bats --tap $asan_bats 2>&1 |
		sed -E 's/^(ok|not ok) ([0-9]+) /\1 \2 [asan] /')
	reports=$(ls "$asan_dir"/report.* 2>/dev/null)
	if [ -n "$reports" ] || grep -qE "Sanitizer|runtime error:|Can't open file" "$asan_dir/stderr"; then
		for f in $reports; do sed 's/^/# /' "$f"; done
		grep -E -A20 "Sanitizer|runtime error:|Can't open file" "$asan_dir/stderr" | sed 's/^/# /' | head -n 100
		echo "not ok - [asan] sanitizer reports (kept in $asan_dir)"
		fail=$((fail + 1))
	else
		echo "ok - [asan] no sanitizer report in $asan_dir"
		pass=$((pass + 1))
		rm -rf "$asan_dir"
	fi
fi

# examples/bats loads bats-corral as its users do, from BATS_LIB_PATH, and
# runs the corral of this tree.
export BATS_LIB_PATH=$PWD/lib:${BATS_LIB_PATH:-/usr/lib/bats} CORRAL=${CORRAL:-$PWD/corral}
bats_files=${BATS_FILES:-$(ls tests/*.bats examples/bats/*.bats)}
echo "# bats: $bats_files"
count bats < <(bats --tap $bats_files 2>&1)

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ] && [ $pass -gt 0 ]
