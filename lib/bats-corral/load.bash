# bats-corral: run each test's command in a corral sandbox and assert on why
# it ended and what it used. See README.md in this directory.
#
#   bats_load_library bats-corral        # BATS_LIB_PATH holds this directory's parent
#   load /usr/local/share/corral/bats/bats-corral/load
#
# It needs bats-support (for fail and the batslib_* formatters) and jq. When
# bats-support is not loaded yet, it is loaded from BATS_LIB_PATH.
if ! declare -F batslib_decorate >/dev/null; then
	if ! declare -F bats_load_library_safe >/dev/null ||
		! bats_load_library_safe bats-support; then
		printf '%s\n' "bats-corral: needs bats-support: load it first, or put its directory's parent in BATS_LIB_PATH (such as /usr/lib/bats)" >&2
		return 1
	fi
fi
if ! command -v jq >/dev/null; then
	printf '%s\n' "bats-corral: needs jq to read corral's report (apt-get install jq)" >&2
	return 1
fi

# shellcheck source=src/corral_run.bash
source "$(dirname "${BASH_SOURCE[0]}")/src/corral_run.bash"
# shellcheck source=src/assert_corral.bash
source "$(dirname "${BASH_SOURCE[0]}")/src/assert_corral.bash"
