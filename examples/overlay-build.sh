#!/bin/sh
# overlay-build.sh: run a build (or a test suite) of the tree in the current
# directory on a throwaway copy of it. The build profile, with the tree at
# /src through an overlay instead of bound writable: what the build writes,
# changes or deletes goes to a tmpfs and vanishes at the end, and the tree
# is left exactly as it was. With KEEP=DIR (a directory of yours, mode 0700,
# outside the tree) the changes are kept in DIR, and the next run with the
# same DIR starts from them: an incremental build that never touches the
# tree.
#
#   examples/overlay-build.sh               # make
#   examples/overlay-build.sh make check
#   KEEP=$HOME/.cache/mybuild examples/overlay-build.sh make
#
# CORRAL names the corral to run (default: corral on PATH).
set -eu
[ $# -gt 0 ] || set -- make
exec "${CORRAL:-corral}" --profile build --bind-cwd no \
	--overlay "$PWD:/src${KEEP:+:$KEEP}" --chdir /src -- "$@"
