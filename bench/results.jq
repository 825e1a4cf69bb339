# results.jq: the rows of one run (--slurpfile rows) and its machine
# ($meta) -> results.json: each row with median, min, max and the ratio of
# its median to its reference row's, then every target of issue 10 judged
# from the same run.

def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;

def stats: . + (if (.values | length) > 0
	then {median: (.values | median), min: (.values | min), max: (.values | max),
	      n: (.values | length)}
	else {median: null, min: null, max: null, n: 0} end);

($rows | map(stats)) as $r
| ($r | map({(.id): .}) | add) as $by
| def ratio($a; $b): if $a == null or $b == null or $b == 0 then null else $a / $b end;
  ($r | map(. + {ratio: (if .ref then ratio(.median; $by[.ref].median) else null end)})) as $rows2
# The targets. kind: ratio (a's median / b's median), diff (a's median -
# b's median), value (a's stat). Met when the figure is at most limit.
| [
  {text: "corral, default profile: median at most 0.6 x bubblewrap", kind: "ratio",
   a: "corral", b: "bwrap", limit: 0.6},
  {text: "corral, default profile: median at most 1.3 x the unshare floor", kind: "ratio",
   a: "corral", b: "unshare", limit: 1.3},
  {text: "corral with memory, cpus, pids limits: median at most 1.0 x bubblewrap", kind: "ratio",
   a: "corral_limits", b: "bwrap", limit: 1.0},
  {text: "corral with memory, cpus, pids limits: median at most 0.5 x crun", kind: "ratio",
   a: "corral_limits", b: "crun", limit: 0.5},
  {text: "seccomp: the default filter adds at most 60 ns to getppid", kind: "diff",
   a: "default_getppid", b: "none_getppid", limit: 60, unit: "ns"},
  {text: "seccomp: the default filter adds at most 80 ns to a syscall with argument rules (ioctl)",
   kind: "diff", a: "default_ioctl", b: "none_ioctl", limit: 80, unit: "ns"},
  {text: "seccomp: the strict allowlist adds at most 60 ns to getppid (the issue's 40 to 50 ns per filter)",
   kind: "diff", a: "strict_getppid", b: "none_getppid", limit: 60, unit: "ns"},
  {text: "seccomp: building (cached) and loading the default filter takes at most 0.3 ms (corral -vv's figures)",
   kind: "value", a: "build_default", stat: "median", limit: 0.3, unit: "ms"},
  {text: "seccomp: building (cached) and loading the strict allowlist takes at most 0.3 ms (corral -vv's figures)",
   kind: "value", a: "build_strict", stat: "median", limit: 0.3, unit: "ms"},
  {text: "seccomp: the default filter adds at most 0.3 ms to a launch (corral - corral --seccomp=no)",
   kind: "diff", a: "corral", b: "corral_noseccomp", limit: 0.3, unit: "ms"},
  {text: "seccomp: the strict allowlist adds at most 0.3 ms to a launch (strict - strict --seccomp=no)",
   kind: "diff", a: "corral_strict", b: "corral_strict_noseccomp", limit: 0.3, unit: "ms"},
  {text: "libcgroup: what the limits add to a launch (corral with limits - corral; the issue measured ~0.4 ms for direct cgroupfs writes, ~2.3 ms through libcgroup)",
   kind: "diff", a: "corral_limits", b: "corral", limit: 0.4, unit: "ms"},
  {text: "PID 1: zero zombies left after 10,000 orphans (corral's init)", kind: "value",
   a: "corral_zombies", stat: "max", limit: 0, unit: ""},
  {text: "PID 1: the last orphan reaped within 2 ms of its exit (corral's init, worst run)",
   kind: "value", a: "corral_reap_lag", stat: "max", limit: 2, unit: "ms"},
  {text: "PID 1: init's CPU time at most tini's", kind: "ratio",
   a: "corral_init_cpu", b: "tini_init_cpu", limit: 1.0},
  {text: "throughput: no failures, two at a time", kind: "value", a: "par_failures", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no failures, in sequence", kind: "value", a: "seq_failures", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no failures with limits", kind: "value", a: "par_limits_failures", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no failures with limits, in sequence", kind: "value", a: "seq_limits_failures", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no corral-* cgroups left, with limits", kind: "value", a: "par_limits_cgroups", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no corral-* cgroups left, with limits, in sequence", kind: "value", a: "seq_limits_cgroups", stat: "max", limit: 0, unit: ""},
  {text: "memory: supervisor peak RSS under 2 MiB", kind: "value", a: "supervisor", stat: "max", limit: 2048, unit: "kB"},
  {text: "memory: supervisor peak RSS under 2 MiB, with limits", kind: "value", a: "supervisor_limits", stat: "max", limit: 2048, unit: "kB"},
  {text: "memory: init peak RSS under 2 MiB", kind: "value", a: "init", stat: "max", limit: 2048, unit: "kB"},
  {text: "memory: init peak RSS under 2 MiB, with limits", kind: "value", a: "init_limits", stat: "max", limit: 2048, unit: "kB"}
  ] as $targets
| def row($id): $rows2 | map(select(.id == $id)) | first;
  def judge:
	. as $t
	| [row($t.a), (if $t.b then row($t.b) else null end)] as [$ra, $rb]
	| ([$ra, $rb] | map(select(. != null and .status != "ok")) | map(.id)) as $bad
	| if $ra == null or ($t.b != null and $rb == null) then
		$t + {figure: null, verdict: "not measured", why: "row missing from this run"}
	  elif ($bad | length) > 0 then
		$t + {figure: null, verdict: "not measured", why: "row \($bad | join(", ")) \([$ra, $rb] | map(select(. != null and .status != "ok")) | first | .status): \([$ra, $rb] | map(select(. != null and .status != "ok")) | first | .note)"}
	  else
		(if $t.kind == "ratio" then ratio($ra.median; $rb.median)
		 elif $t.kind == "diff" then $ra.median - $rb.median
		 else $ra[$t.stat // "median"] end) as $f
		| $t + {figure: $f, verdict: (if $f == null then "not measured"
			elif $f <= $t.limit then "met" else "not met" end)}
	  end;
  {meta: $meta, rows: $rows2, targets: ($targets | map(judge))}
