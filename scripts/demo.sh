#!/bin/sh
# make demo: one short sandboxed session that shows a newcomer what changed.
set -u
cd "$(dirname "$0")/.."
C=./corral
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say "echo \$\$; hostname   (on the host)"
sh -c 'echo $$; hostname'
say "$C -- sh -c 'echo \$\$; hostname'"
$C -- sh -c 'echo "PID inside: $$"; echo "host name inside: $(hostname)"'

say "$C -- cat /proc/net/dev   (only loopback: no network)"
$C -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1'

say "$C -- ps-like listing of /proc   (only the sandbox's processes)"
$C -- sh -c 'for p in /proc/[0-9]*; do printf "%s %s\n" "${p#/proc/}" "$(cat $p/comm)"; done'

say "$C -v -- tests/probe orphans 50   (50 orphans, reaped by corral's PID 1)"
$C -v -- tests/probe orphans 50

say "$C -v --time-limit 1s -- sleep 10   (ended at the time limit)"
$C -v --time-limit 1s -- sleep 10
echo "exit status: $?"

say "$C -- sh -c 'exit 7'"
$C -- sh -c 'exit 7'
echo "exit status: $?"

# Three of the multiprocessing examples (examples/README.md has all fourteen).
E=examples/bin
say "$C -v -- $E/multiple_processes   (children are PIDs 3, 4, ...; the host's processes are invisible)"
$C -v -- $E/multiple_processes

say "$C -v -- $E/zombie   (zombies while the parent runs; corral's init reaps them)"
$C -v -- $E/zombie

say "$C -v --time-limit 2s -- $E/deadlock   (two processes deadlocked; the time limit ends it)"
$C -v --time-limit 2s -- $E/deadlock
echo "exit status: $?"
