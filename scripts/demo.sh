#!/bin/sh
# make demo: one short sandboxed session that shows a newcomer what changed.
set -u
cd "$(dirname "$0")/.."
C=${CORRAL:-./corral}
# The probe and the examples are static binaries from the source tree: a
# profile with its own root needs them bound in, where --ro-bind exists.
if $C --help 2>&1 | grep -q -- '--ro-bind '; then
	CB="$C --ro-bind $PWD/tests/probe:/probe --ro-bind $PWD/examples/bin:/examples"
	P=/probe E=/examples
else
	CB=$C P=tests/probe E=examples/bin
fi
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say "echo \$\$; hostname   (on the host)"
sh -c 'echo $$; hostname'
say "$C -- sh -c 'echo \$\$; hostname'"
$C -- sh -c 'echo "PID inside: $$"; echo "host name inside: $(hostname)"'

say "$C -- cat /proc/net/dev   (only loopback: no network)"
$C -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1'

say "$C -- ps-like listing of /proc   (only the sandbox's processes)"
$C -- sh -c 'for p in /proc/[0-9]*; do printf "%s %s\n" "${p#/proc/}" "$(cat $p/comm)"; done'

say "$CB -v -- $P orphans 50   (50 orphans, reaped by corral's PID 1)"
$CB -v -- $P orphans 50

say "$C -v --time-limit 1s -- sleep 10   (ended at the time limit)"
$C -v --time-limit 1s -- sleep 10
echo "exit status: $?"

say "$C -- sh -c 'exit 7'"
$C -- sh -c 'exit 7'
echo "exit status: $?"

# Three of the multiprocessing examples (examples/README.md has all fourteen).
say "$CB -v -- $E/multiple_processes   (children are PIDs 3, 4, ...; the host's processes are invisible)"
$CB -v -- $E/multiple_processes

say "$CB -v -- $E/zombie   (zombies while the parent runs; corral's init reaps them)"
$CB -v -- $E/zombie

say "$CB -v --time-limit 2s -- $E/deadlock   (two processes deadlocked; the time limit ends it)"
$CB -v --time-limit 2s -- $E/deadlock
echo "exit status: $?"
