#!/bin/bash
# make check-compat: real programs' own test suites (CPython's regression
# tests, GLib's installed tests), plainly and inside corral's default, build
# and strict profiles, compared test case by test case against the list of
# expected differences in tests/compat/expected.txt. See tests/compat/README.md.
# Ends with "N passed, N failed"; exits non-zero on any failure. Options go to
# tests/compat/compat.py (--help); so do COMPAT_JOBS, COMPAT_UNITS,
# COMPAT_PROFILES, COMPAT_SUITES.
set -u
cd "$(dirname "$0")/.."
# Debian's Python (not one on PATH: its tests are the ones Debian ships), its
# test suite, and GLib's installed tests: the set check-compat.
scripts/deps.sh check-compat || exit 1
[ "$(id -u)" -eq 0 ] || { echo "check-compat: needs root (the tests run as root and as uid 65534)" >&2; exit 1; }
exec /usr/bin/python3.11 tests/compat/compat.py "$@"
