#!/bin/bash
# Run each libFuzzer target for its share of SECONDS (make fuzz; FUZZ_SECONDS).
# The seed corpus under tests/fuzz/corpus/NAME is read, new inputs go to
# build/fuzz/work/NAME, and a crash is written to build/fuzz/crash-NAME-*.
# A crash fails: fix it and add the input to tests/fuzz/corpus/NAME.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
shift
targets=("$@")
each=$((secs / ${#targets[@]}))
[ "$each" -ge 1 ] || each=1
# Includes name profiles: keep the search path to the source tree's.
export CORRAL_PROFILE_PATH=$PWD/profiles XDG_CONFIG_HOME=/nonexistent
rc=0
for t in "${targets[@]}"; do
	mkdir -p "build/fuzz/work/$t"
	dict=()
	[ "$t" = profile ] && dict=(-dict=build/fuzz/profile.dict)
	echo "# fuzz: $t for ${each}s"
	if ! "build/fuzz/fuzz_$t" -max_total_time="$each" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 "${dict[@]}" \
		-artifact_prefix="build/fuzz/crash-$t-" "build/fuzz/work/$t" "tests/fuzz/corpus/$t" \
		2>"build/fuzz/$t.log"; then
		tail -n 40 "build/fuzz/$t.log"
		echo "not ok - fuzz $t: see build/fuzz/$t.log and build/fuzz/crash-$t-*"
		rc=1
	else
		grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "build/fuzz/$t.log" | tail -n 2
		echo "ok - fuzz $t: no crash in ${each}s"
	fi
done
exit $rc
