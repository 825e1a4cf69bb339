#!/bin/bash
# The pictures: drawn from text sources, committed as SVG so that README.md
# and bench/results.md show them where graphviz and gnuplot are missing.
#
#   scripts/pictures.sh draw              every docs/pictures/*.dot -> .svg
#                                         (graphviz), and bench/plot.sh's
#                                         charts of bench/results.json
#   scripts/pictures.sh stamp SVG INPUT...
#                                         record in SVG the sha256 of each
#                                         file it was drawn from
#   scripts/pictures.sh check [ROOT]      fail when a picture is stale: an
#                                         input changed since it was drawn,
#                                         or a source or a link has no picture
#
# The stamp is one comment per input after the XML declaration:
#   <!-- source: docs/pictures/processes.dot sha256:<64 hex> -->
# with the path relative to the tree's root, so the check needs neither
# graphviz nor gnuplot (tests/pictures.bats runs it in `make check`).
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD

die() {
	echo "pictures: $*" >&2
	exit 1
}

# rel PATH: PATH relative to ROOT when beneath it, else absolute.
rel() {
	local p
	p=$(realpath -m -- "$1")
	case "$p" in
	"$ROOT"/*) printf '%s\n' "${p#"$ROOT"/}" ;;
	*) printf '%s\n' "$p" ;;
	esac
}

stamp() {
	local svg=$1 in lines="" tmp
	shift
	[ -f "$svg" ] || die "stamp: no $svg"
	for in in "$@"; do
		[ -f "$in" ] || die "stamp: no $in"
		lines+="<!-- source: $(rel "$in") sha256:$(sha256sum <"$in" | cut -d' ' -f1) -->"$'\n'
	done
	tmp=$svg.stamp
	# Replace an older stamp; the XML declaration, when there, stays first.
	grep -v '^<!-- source: ' "$svg" | awk -v s="$lines" '
		NR == 1 && /^<\?xml/ { print; printf "%s", s; done = 1; next }
		NR == 1 { printf "%s", s; done = 1 }
		{ print }' >"$tmp" && mv "$tmp" "$svg"
}

draw() {
	local dot svg
	command -v dot >/dev/null || die "graphviz is missing: run make pictures (it installs it)"
	for dot in docs/pictures/*.dot; do
		[ -f "$dot" ] || continue
		svg=${dot%.dot}.svg
		dot -Tsvg "$dot" -o "$svg.tmp" || die "dot failed on $dot"
		mv "$svg.tmp" "$svg"
		stamp "$svg" "$dot"
		echo "pictures: drew $svg"
	done
	bench/plot.sh bench/results.json bench
}

# check [ROOT]: every fault on its own line; exit 1 when there is one.
check() {
	local root=${1:-$ROOT} bad=0 svg dot src sum want md link n
	cd "$root" || die "no $root"
	for svg in docs/pictures/*.svg bench/*.svg; do
		[ -f "$svg" ] || continue
		n=0
		while read -r src sum; do
			n=$((n + 1))
			want=${sum#sha256:}
			if [ ! -f "$src" ]; then
				echo "pictures: $svg: drawn from $src, which is gone: redraw it (make pictures) or remove it"
				bad=1
			elif [ "$(sha256sum <"$src" | cut -d' ' -f1)" != "$want" ]; then
				echo "pictures: $svg: stale: $src changed since it was drawn; run make pictures and commit $svg"
				bad=1
			fi
		done < <(sed -n 's/^<!-- source: \([^ ]*\) \(sha256:[0-9a-f]\{64\}\) -->$/\1 \2/p' "$svg")
		if [ "$n" -eq 0 ]; then
			echo "pictures: $svg: no source stamp: draw it with make pictures"
			bad=1
		fi
	done
	for dot in docs/pictures/*.dot; do
		[ -f "$dot" ] || continue
		svg=${dot%.dot}.svg
		if ! grep -q "^<!-- source: $dot sha256:" "$svg" 2>/dev/null; then
			echo "pictures: $dot: no $svg drawn from it; run make pictures and commit $svg"
			bad=1
		fi
	done
	# Every picture a page shows must be there.
	for md in README.md bench/results.md; do
		[ -f "$md" ] || continue
		while read -r link; do
			[ -f "$(dirname "$md")/$link" ] && continue
			echo "pictures: $md shows $link, which does not exist"
			bad=1
		done < <(grep -o '!\[[^]]*\]([^)]*\.svg)' "$md" | sed 's/.*(\(.*\))/\1/')
	done
	return $bad
}

case "${1:-}" in
draw) draw ;;
stamp)
	shift
	[ $# -ge 2 ] || die "usage: $0 stamp SVG INPUT..."
	stamp "$@"
	;;
check)
	shift
	check "$@"
	;;
*) die "usage: $0 draw | stamp SVG INPUT... | check [ROOT]" ;;
esac
