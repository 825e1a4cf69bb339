#!/bin/bash
# What corral adds to a Slurm task: run by scripts/check-slurm.sh when
# CHECK_SLURM_BENCH=N is set, against its cluster, after the checks. N rounds,
# each running one srun of /bin/true in every way below, interleaved so that
# the machine's load falls on all of them alike; prints each way's median
# wall time of the whole srun (from the command line to srun's exit) and its
# difference to plain srun, and the median wall time corral's reports give
# for the sandbox alone. Timings only: nothing here passes or fails.
set -u
export LC_ALL=C
WORK=$T/work
cd "$WORK" || exit 1
rounds=${CHECK_SLURM_BENCH:-30}
export CORRAL=$TOP/corral CORRAL_PROFILE_PATH=$TOP/profiles
W=$TOP/slurm/corral-slurm
ways=(plain wrapper wrapper_limits plugin)
run_way() {
	export CORRAL_SLURM_REPORTS=$WORK/bench-$1
	case $1 in
	plain) srun -J bench -N1 -n1 true ;;
	wrapper) srun -J bench -N1 -n1 "$W" -- true ;;
	wrapper_limits) srun -J bench -N1 -n1 "$W" --memory 256M --pids 64 --cpus 1 -- true ;;
	plugin) srun -J bench -N1 -n1 --corral=default true ;;
	esac
}
declare -A times=()
for ((r = 0; r < rounds; r++)); do
	for w in "${ways[@]}"; do
		a=$(date +%s%N)
		run_way "$w" >/dev/null 2>&1 || echo "# bench: $w failed in round $r"
		b=$(date +%s%N)
		times[$w]+="$(((b - a) / 1000)) "
	done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
base=$(median <<<"${times[plain]}")
echo "# bench: $rounds rounds of srun -N1 -n1 true, median wall time of the srun:"
for w in "${ways[@]}"; do
	m=$(median <<<"${times[$w]}")
	awk -v w="$w" -v m="$m" -v b="$base" 'BEGIN { printf "# bench:   %-15s %7.1f ms  (%+.1f ms)\n", w, m / 1000, (m - b) / 1000 }'
done
for w in wrapper wrapper_limits plugin; do
	inside=$(jq -r '.wall_time_ms' "$WORK/bench-$w"/*.json | median)
	echo "# bench: $w: corral's own wall time (the reports' wall_time_ms), median $inside ms"
done
