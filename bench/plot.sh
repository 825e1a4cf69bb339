#!/bin/bash
# bench/plot.sh [RESULTS [OUTDIR]]: the charts of one bench run, from its
# results.json (default bench/results.json) into OUTDIR (default: beside
# it), as SVG stamped with what they were drawn from (scripts/pictures.sh):
#   launch.svg   the launch time of /bin/true per row, fastest first: a
#                violin (the density of the runs, log scale), a box over the
#                middle half of the runs, the median, Tukey's whiskers and
#                the runs beyond them as dots (launch.gp)
#   seccomp.svg  one system call under each filter: every run as a dot, the
#                median as a bar, and what it adds over the row it is
#                compared with, its "ref" (seccomp.gp)
# bench/run.sh calls it after writing results.json; `make pictures` calls it
# on the committed results.json, so the committed charts show its figures.
set -u
# The arguments are relative to where we were called from.
RESULTS=$(realpath -m -- "${1:-$(dirname "$0")/results.json}")
OUTDIR=$(realpath -m -- "${2:-$(dirname "$RESULTS")}")
cd "$(dirname "$0")/.." || exit 1
[ -f "$RESULTS" ] || { echo "plot: no $RESULTS" >&2; exit 1; }
command -v gnuplot >/dev/null ||
	{ echo "plot: gnuplot is missing (scripts/deps.sh pictures installs it; make bench does)" >&2; exit 1; }
TMP=$(mktemp -d /tmp/corral-plot.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# quantile: linear between the sorted values (R's default). colour (as
# 0xRRGGBB) and hex: corral's own rows orange, the floors grey, the peers blue.
JQ_LIB='
def q($p): sort | (($p * (length - 1)) as $h | ($h | floor) as $i
	| .[$i] + ($h - $i) * (.[[$i + 1, length - 1] | min] - .[$i]));
def tone: if test("^(corral|none_|default_|strict_)") then "corral"
	elif test("^(direct|floor|unshare|host_)") then "floor" else "peer" end;
def colour: {corral: 12736282, floor: 8421504, peer: 3829413}[tone];
def hex: {corral: "#c2571a", floor: "#808080", peer: "#3a6ea5"}[tone];
def f1: (. * 10 + 0.5 | floor) / 10 | tostring | if test("[.]") then . else . + ".0" end;
def about: "\(.meta.date | sub("T.*"; "")), kernel \(.meta.kernel), \(.meta.cpus) CPUs, load \(.meta.load_start | split(" ") | first), corral \(.meta.corral)";
# Every run of a row at height y as a dot, spread over the row by the golden
# ratio, so that the same data always draws the same picture.
def dots: .y as $y | (.id | colour) as $c | .values | to_entries[]
	| (.key * 0.6180339887 | . - floor) as $f
	| [(($y + ($f - 0.5) * 0.5) * 1000 | round) / 1000, .value, $c] | @tsv;
'

# launch: the fastest row (by median) at the top, failed rows last.
jq "$JQ_LIB"'[.rows[] | select(.section == "launch")]
	| (map(select(.status == "ok")) | sort_by(.median)) + map(select(.status != "ok"))
	| to_entries | map(.value + {y: (.key + 1)})
	| map(if .status != "ok" then . else .values as $v
		| ($v | q(0.25)) as $q1 | ($v | q(0.75)) as $q3 | (($q3 - $q1) * 1.5) as $reach
		| . + {q: [($v | map(select(. >= $q1 - $reach)) | min), $q1, ($v | q(0.5)), $q3,
			   ($v | map(select(. <= $q3 + $reach)) | max)]} end)' \
	"$RESULTS" >"$TMP/launch.json" || exit 1
jq -r "$JQ_LIB"'.[] | [.y, .name, (.id | colour), .status, (.q // [0, 0, 0, 0, 0])[],
	(if .status == "ok" then "" else "not measured: \(.note)" end)] | @tsv' \
	"$TMP/launch.json" >"$TMP/launch.tsv" || exit 1
# The runs beyond the whiskers (Tukey's: the furthest runs within 1.5 box
# lengths of the box), as dots.
jq -r "$JQ_LIB"'.[] | select(.status == "ok") | .q as [$lo, $_, $_, $_, $hi]
	| .values |= map(select(. < $lo or . > $hi)) | dots' "$TMP/launch.json" >"$TMP/launch-runs.tsv" || exit 1
# A violin per row: the density of log(time), a Gaussian kernel with
# Silverman's bandwidth, on 80 points, as a band from y - d to y + d (d at
# most 0.4, where the density is highest). One block per row, in y order,
# and the rows' colours in the same order for launch.gp.
jq -r "$JQ_LIB"'.[] | select(.status == "ok") | .y as $y
	| (.values | map(log10)) as $v | ($v | length) as $n
	| ($v | add / $n) as $mean
	| (($v | map(. - $mean | . * .) | add) / ([$n - 1, 1] | max) | sqrt) as $sd
	| ((($v | q(0.75)) - ($v | q(0.25))) / 1.34) as $iqr
	| ([([$sd, $iqr] | map(select(. > 0)) | min) // 0.01, 0.005] | max * 0.9 * pow($n; -0.2)) as $h
	| ($v | min - 2 * $h) as $a | ((($v | max + 2 * $h) - $a) / 79) as $step
	| [range(80) | ($a + . * $step) as $g
	   | [$g, ($v | map((($g - .) / $h) as $z | ($z * $z / -2) | exp) | add)]] as $dens
	| ($dens | map(.[1]) | max) as $top
	| ($dens[] | (.[1] / $top * 0.4) as $d
	   | [pow(10; .[0]), $y - $d, $y + $d] | map(. * 10000 | round / 10000) | @tsv), "", ""' \
	"$TMP/launch.json" >"$TMP/launch-violins.tsv" || exit 1
jq -r "$JQ_LIB"'[.[] | select(.status == "ok") | .id | hex] | join(" ")' \
	"$TMP/launch.json" >"$TMP/launch-colours" || exit 1

# seccomp: the rows in ns per call, in the run's order, grouped by system
# call (the name up to its first comma) with a gap between groups.
jq "$JQ_LIB"'[.rows[] | select(.section == "seccomp" and .unit == "ns")] as $r
	| ($r | map({(.id): .}) | add // {}) as $by
	| def call: .name | split(", ") | first;
	  ($r | map(call) | reduce .[] as $g ([]; if index([$g]) then . else . + [$g] end)) as $calls
	| [$r | to_entries[] | .value + {i: .key}] | sort_by((call as $g | $calls | index([$g])), .i)
	| reduce .[] as $x ({y: 0, g: null, out: []};
		($x | call) as $g
		| .y += (if .g != null and .g != $g then 1.7 else 1 end) | .g = $g
		| .out += [$x + {y: .y, vs: $by[$x.ref // ""]}])
	| .out' "$RESULTS" >"$TMP/seccomp.json" || exit 1
jq -r "$JQ_LIB"'.[] | [.y, .name, (.id | colour), .status, (.median // 0),
	(if .status != "ok" then "not measured: \(.note)"
	 elif .vs and .vs.status == "ok" then
		"\(.median - .vs.median | if . >= 0 then "+\(f1)" else f1 end) ns over \(.vs.name | split(", ")[1:] | join(", "))"
	 else "" end)] | @tsv' "$TMP/seccomp.json" >"$TMP/seccomp.tsv" || exit 1
jq -r "$JQ_LIB"'.[] | select(.status == "ok") | dots' "$TMP/seccomp.json" >"$TMP/seccomp-runs.tsv" || exit 1

# chart NAME ABOUT [GNUPLOT...]: NAME.gp on $TMP/NAME.json's rows (NAME.tsv,
# NAME-runs.tsv and for launch NAME-violins.tsv), stamped into OUTDIR. The
# x range comes from the runs' min and max; no row measured, no chart.
chart() {
	local name=$1 about=$2 range
	shift 2
	range=$(jq -r '[.[] | select(.status == "ok") | .values[]] | if length == 0 then empty
		else "lo=\(min); hi=\(max)" end' "$TMP/$name.json") || return 1
	if [ -z "$range" ]; then
		echo "plot: no $name row measured in $RESULTS: $OUTDIR/$name.svg not drawn" >&2
		return 0
	fi
	# No run to draw as a dot: one that is not a number, so gnuplot has
	# nothing to warn about.
	[ -s "$TMP/$name-runs.tsv" ] || printf '1\tNaN\t0\n' >"$TMP/$name-runs.tsv"
	gnuplot -e "dir='$TMP'; out='$TMP/$name.svg'; about='${about//\'/}'; $range" \
		-e "n=$(jq 'map(.y) | max' "$TMP/$name.json")" "$@" "bench/$name.gp" || return 1
	mkdir -p "$OUTDIR" && mv "$TMP/$name.svg" "$OUTDIR/$name.svg" &&
		scripts/pictures.sh stamp "$OUTDIR/$name.svg" "$RESULTS" bench/plot.sh "bench/$name.gp" &&
		echo "plot: drew $OUTDIR/$name.svg" >&2
}

chart launch "$(jq -r "$JQ_LIB"'"\(.rows | map(select(.section == "launch") | .n) | max) runs a row (hyperfine -N); \(about)"' "$RESULTS")" \
	-e "colours='$(cat "$TMP/launch-colours")'" || exit 1
chart seccomp "$(jq -r "$JQ_LIB"'"bench/sysloop, the best of 3 passes of \(.meta.settings.syscalls) calls, \(.meta.settings.seccomp_runs) runs a row; \(about)"' "$RESULTS")" || exit 1
