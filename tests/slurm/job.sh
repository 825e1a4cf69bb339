#!/bin/sh
# One task of make check-slurm's array job: line $SLURM_ARRAY_TASK_ID (from
# 0) of $CASES, run as `corral-slurm --ro-bind $P ARGS...`, where $P is the
# probe (tests/probe) and ARGS the line's last field, as shell words.
# CASES, PROBE and WRAPPER come from the submitting environment.
set -u
line=$(grep -v '^#' "$CASES" | sed -n "$((SLURM_ARRAY_TASK_ID + 1))p")
[ -n "$line" ] || { echo "job.sh: no case $SLURM_ARRAY_TASK_ID in $CASES" >&2; exit 99; }
P=$PROBE
args=$(printf '%s\n' "$line" | cut -f5)
eval "set -- $args"
exec "$WRAPPER" --ro-bind "$P" "$@"
