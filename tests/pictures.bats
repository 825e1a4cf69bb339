#!/usr/bin/env bats
# The pictures (docs/pictures/*.dot, bench's charts of bench/results.json)
# are committed as SVG, each stamped with the sha256 of what it was drawn
# from: the check fails while one is stale, without graphviz or gnuplot.
load helpers

# A copy of what the pictures are and are drawn from, in $T/tree, so a test
# can change a source without touching the tree.
copy_tree() {
	mkdir -p "$T/tree/docs" "$T/tree/bench" "$T/tree/scripts"
	cp -r "$TOP/docs/pictures" "$T/tree/docs/"
	cp "$TOP"/bench/{results.json,results.md,plot.sh,launch.gp,seccomp.gp,launch.svg,seccomp.svg} "$T/tree/bench/"
	cp "$TOP/scripts/pictures.sh" "$T/tree/scripts/"
	cp "$TOP/README.md" "$T/tree/"
}

check() {
	"$TOP/scripts/pictures.sh" check "$@"
}

@test "every committed picture is drawn from its sources as they are" {
	run check
	assert_success
	assert_output ""
}

@test "the README shows the process tree, what each kind shares, and the launch chart; results.md shows both charts" {
	for p in docs/pictures/processes.svg docs/pictures/sharing.svg bench/launch.svg; do
		run grep -c "!\[[^]]*\]($p)" "$TOP/README.md"
		assert_output 1
		assert_file_exists "$TOP/$p"
	done
	for p in launch.svg seccomp.svg; do
		run grep -c "!\[[^]]*\]($p)" "$TOP/bench/results.md"
		assert_output 1
	done
}

@test "a diagram's source changed without its picture redrawn fails the check, naming both" {
	copy_tree
	run check "$T/tree"
	assert_success
	echo '// one more line' >>"$T/tree/docs/pictures/processes.dot"
	run check "$T/tree"
	assert_failure
	assert_output "pictures: docs/pictures/processes.svg: stale: docs/pictures/processes.dot changed since it was drawn; run make pictures and commit docs/pictures/processes.svg"
}

@test "bench results or a chart's script changed without the charts redrawn fails the check" {
	copy_tree
	jq '.rows[0].values[0] += 1' "$TOP/bench/results.json" >"$T/tree/bench/results.json"
	run check "$T/tree"
	assert_failure
	assert_line "pictures: bench/launch.svg: stale: bench/results.json changed since it was drawn; run make pictures and commit bench/launch.svg"
	assert_line "pictures: bench/seccomp.svg: stale: bench/results.json changed since it was drawn; run make pictures and commit bench/seccomp.svg"
	cp "$TOP/bench/results.json" "$T/tree/bench/"
	echo '# a new line' >>"$T/tree/bench/seccomp.gp"
	run check "$T/tree"
	assert_failure
	assert_output "pictures: bench/seccomp.svg: stale: bench/seccomp.gp changed since it was drawn; run make pictures and commit bench/seccomp.svg"
}

@test "a new diagram source without a picture, or an unstamped picture, fails the check" {
	copy_tree
	printf 'digraph d { a -> b }\n' >"$T/tree/docs/pictures/new.dot"
	run check "$T/tree"
	assert_failure
	assert_output "pictures: docs/pictures/new.dot: no docs/pictures/new.svg drawn from it; run make pictures and commit docs/pictures/new.svg"
	rm "$T/tree/docs/pictures/new.dot"
	grep -v '^<!-- source: ' "$TOP/docs/pictures/sharing.svg" >"$T/tree/docs/pictures/sharing.svg"
	run check "$T/tree"
	assert_failure
	assert_line "pictures: docs/pictures/sharing.svg: no source stamp: draw it with make pictures"
}

@test "a page showing a picture that is not there fails the check" {
	copy_tree
	rm "$T/tree/bench/launch.svg"
	run check "$T/tree"
	assert_failure
	assert_line "pictures: README.md shows bench/launch.svg, which does not exist"
	assert_line "pictures: bench/results.md shows launch.svg, which does not exist"
}

@test "redrawing every picture gives the committed files, byte for byte" {
	command -v dot >/dev/null || skip "graphviz is not installed (make pictures installs it)"
	command -v gnuplot >/dev/null || skip "gnuplot is not installed (make pictures installs it)"
	copy_tree
	run "$T/tree/scripts/pictures.sh" draw
	assert_success
	for f in docs/pictures/processes.svg docs/pictures/sharing.svg bench/launch.svg bench/seccomp.svg; do
		cmp "$TOP/$f" "$T/tree/$f"
	done
	run check "$T/tree"
	assert_success
}
