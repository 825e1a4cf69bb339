# judge: one run of a programming-contest solution. The strict profile (an
# empty root with /usr read-only, a private 64M /tmp, no network, an
# allowlist filter, no capabilities, an empty environment) with a contest's
# limits: 5 s of CPU time for the whole sandbox (every process, from the
# cgroup's accounting: "cpu_timeout", 152) and 10 s of wall-clock time (a
# solution that sleeps or blocks: "timeout", 124), 256M of memory, one CPU,
# 64 processes, 64M of output on stdout and stderr together, whatever they
# are (corral relays them and kills past it: "output_limit", 153; files the
# solution writes itself stop at 64M too, by SIGXFSZ: "signaled", 153), a
# stack as large as the memory limit (deep recursion is common in
# solutions), and no terminal (a new session).
# The solution reads its input on stdin and writes its answer on stdout;
# both are left to it alone. Bring the program in read-only, such as
# `--ro-bind $PWD/a.out:/sol -- /sol`. The verdict goes to a JSON report in
# a file, corral-report.json in the directory corral is started from: the
# supervisor writes it outside the sandbox, and that directory is not in the
# sandbox, so the solution can neither see nor forge it. (A report on stdout would
# follow the answer, and one on /dev/stderr would mix with the solution's
# own diagnostics.) Its "status" is exited, timeout, cpu_timeout,
# output_limit, oom, signaled, error or seccomp; corral's exit status says
# the same: 124 for the wall-clock limit, 152 for the CPU-time limit, 153 for
# the output limit, 137 for the memory limit;
# "limits_hit" names every limit that bit, even when the solution survived.
# Run one submission per directory, or give each run its own --report PATH.
# A denied system call fails with EPERM, as in strict; add
# `seccomp-action = kill` to turn one into a verdict of its own (159).
include strict
new-session = yes
time-limit = 10s
cpu-time-limit = 5s
kill-grace = 100ms
memory = 256M
cpus = 1
output-limit = 64M
rlimit = fsize=64M
rlimit = stack=256M
report = corral-report.json
report-format = json
