#!/bin/bash
# scripts/asan-corral.sh DIR: write DIR/corral, a wrapper that runs
# build/asan/corral (corral built with ASan and UBSan) so that every
# sanitizer report lands in DIR, whoever runs it and wherever it runs:
#  - log_path=DIR/report: the supervisor and init before pivot_root write
#    DIR/report.PID (tests cannot swallow it as they can stderr);
#  - after pivot_root DIR is not visible; the runtime then prints
#    "ERROR: Can't open file" and the report to stderr and exits, so the
#    wrapper also copies stderr to DIR/stderr, and check.sh looks at both;
#  - detect_leaks=1: LeakSanitizer runs only where a process returns from
#    main, i.e. the supervisor on the host (init and the command's set-up
#    end in _exit or execve), so its ptrace-based stop-the-world never runs
#    inside the sandbox's PID namespace and needs no ptrace there;
#  - the options are fixed here, not inherited, so a test that clears the
#    environment still runs with them, and DIR is 1777 for as_nobody runs.
set -eu
dir=$1
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
# Uninstalled, corral finds profiles/ next to its binary: give build/asan one.
ln -sfn ../../profiles "$top/build/asan/profiles"
chmod 1777 "$dir"
: >"$dir/stderr"
chmod 666 "$dir/stderr"
cat >"$dir/corral" <<WRAP
#!/bin/bash
export ASAN_OPTIONS=log_path=$dir/report:detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=log_path=$dir/report:print_stacktrace=1:halt_on_error=1:exitcode=86
exec 2> >(exec tee -a "$dir/stderr" >&2)
exec "$top/build/asan/corral" "\$@"
WRAP
chmod 755 "$dir/corral"
