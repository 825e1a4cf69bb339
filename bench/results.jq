# results.jq: the rows of one run (--slurpfile rows) and its machine
# ($meta) -> results.json: each row with median, min, max and the ratio of
# its median to its reference row's, then every target of issues 10 and 20
# judged from the same run.
#
# The launch section runs BENCH_REPEAT passes: a row's lines (one per pass,
# .rep) are merged into one, with every value and each pass's median
# (.reps). A ratio or difference between two rows is then taken within each
# pass, and the figure is the median over the passes (.ratios, .diffs hold
# each pass's), so load that changes between passes moves both sides alike.

def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;

def stats: . + (if (.values | length) > 0
	then {median: (.values | median), min: (.values | min), max: (.values | max),
	      n: (.values | length)}
	else {median: null, min: null, max: null, n: 0} end);

# One row per id, in the order of first appearance.
def merge_passes:
	reduce .[] as $x ({order: [], by: {}};
		if .by[$x.id] then .by[$x.id] += [$x] else .order += [$x.id] | .by[$x.id] = [$x] end)
	| . as $m | $m.order | map($m.by[.] as $lines
		| ($lines | map(select(.status != "ok")) | first) as $bad
		| $lines[0] + {values: ($lines | map(.values) | add),
			reps: ($lines | map(.values | median)),
			status: (if $bad then $bad.status else "ok" end),
			note: (if $bad then $bad.note else ($lines | map(.note) | unique | join("; ")) end)}
		| del(.rep));

# Each pass's a op b, when both rows have the same passes; else the one of
# the medians.
def per_pass($a; $b; f):
	if $a == null or $b == null then []
	elif ($a.reps | length) > 1 and ($a.reps | length) == ($b.reps | length) then
		[range($a.reps | length) as $i | [$a.reps[$i], $b.reps[$i]] | f]
	else [[$a.median, $b.median] | f] end
	| map(select(. != null));
def ratio_of: if .[0] == null or .[1] == null or .[1] == 0 then null else .[0] / .[1] end;
def diff_of: if .[0] == null or .[1] == null then null else .[0] - .[1] end;

($rows | merge_passes | map(stats)) as $r
| ($r | map({(.id): .}) | add) as $by
| ($r | map(if .ref and $by[.ref] then per_pass(.; $by[.ref]; ratio_of) as $p
	| . + {ratio: ($p | median), ratios: $p} else . + {ratio: null} end)) as $rows2
# The targets. kind: ratio (a's median / b's median), diff (a's median -
# b's median), value (a's stat). Met when the figure is at most limit.
| [
  {text: "issue 20: corral, default profile: at most 1.0 x unshare (the same namespaces, a fresh /proc)",
   kind: "ratio", a: "corral", b: "unshare", limit: 1.0, floor: "corral_bare"},
  {text: "issue 20: corral, default profile: at most 0.55 x bubblewrap --unshare-all", kind: "ratio",
   a: "corral", b: "bwrap", limit: 0.55, floor: "corral_bare"},
  {text: "issue 20: corral with memory, cpus, pids limits: at most 0.8 x bubblewrap (which sets none)",
   kind: "ratio", a: "corral_limits", b: "bwrap", limit: 0.8, floor: "corral_bare_limits"},
  {text: "issue 20: corral with memory, cpus, pids limits: at most 0.4 x crun", kind: "ratio",
   a: "corral_limits", b: "crun", limit: 0.4, floor: "corral_bare_limits"},
  {text: "issue 20: corral --profile strict: at most 1.15 x the default profile", kind: "ratio",
   a: "corral_strict", b: "corral", limit: 1.15, floor: "corral_strict_limits"},
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
  {text: "libcgroup: what the limits add to a launch (corral with limits - corral; issue 10 measured ~0.4 ms for direct cgroupfs writes, ~2.3 ms through libcgroup)",
   kind: "diff", a: "corral_limits", b: "corral", limit: 0.4, unit: "ms"},
  {text: "PID 1: zero zombies left after 10,000 orphans (corral's init)", kind: "value",
   a: "corral_zombies", stat: "max", limit: 0, unit: ""},
  {text: "PID 1: the last orphan reaped within 2 ms of its exit (corral's init, worst run)",
   kind: "value", a: "corral_reap_lag", stat: "max", limit: 2, unit: "ms"},
  {text: "PID 1: init's CPU time at most tini's", kind: "ratio",
   a: "corral_init_cpu", b: "tini_init_cpu", limit: 1.0},
  {text: "issue 20: throughput: sandboxes with limits, two at a time, at least as many per second as bubblewrap without limits (bwrap's rate / corral's)",
   kind: "ratio", a: "par_bwrap_rate", b: "par_limits_rate", limit: 1.0, floor: "par_bare_limits_rate", floor_of: "b"},
  {text: "throughput: no failures, two at a time", kind: "value", a: "par_failures", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no failures, in sequence", kind: "value", a: "seq_failures", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no failures with limits", kind: "value", a: "par_limits_failures", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no failures with limits, in sequence", kind: "value", a: "seq_limits_failures", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no corral-* cgroups left, with limits", kind: "value", a: "par_limits_cgroups", stat: "max", limit: 0, unit: ""},
  {text: "throughput: no corral-* cgroups left, with limits, in sequence", kind: "value", a: "seq_limits_cgroups", stat: "max", limit: 0, unit: ""},
  {text: "memory: supervisor peak RSS under 2 MiB", kind: "value", a: "supervisor", stat: "max", limit: 2048, unit: "kB"},
  {text: "memory: supervisor peak RSS under 2 MiB, with limits", kind: "value", a: "supervisor_limits", stat: "max", limit: 2048, unit: "kB"},
  {text: "memory: supervisor peak RSS under 2 MiB, with limits, on a profile's first run (an empty filter cache: the filter is built)", kind: "value", a: "supervisor_limits_first", stat: "max", limit: 2048, unit: "kB"},
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
		(if $t.kind == "ratio" then per_pass($ra; $rb; ratio_of)
		 elif $t.kind == "diff" then per_pass($ra; $rb; diff_of)
		 else [$ra[$t.stat // "median"]] end) as $passes
		| ($passes | median) as $f
		# floor: the same ratio with the floor row in corral's place (a,
		# or b with floor_of "b"): corral's own processes and namespaces,
		# and the limits the target asks for, before any root or filter.
		| (if $t.floor and row($t.floor) and row($t.floor).status == "ok"
		   then (if $t.floor_of == "b" then per_pass($ra; row($t.floor); ratio_of)
			 else per_pass(row($t.floor); $rb; ratio_of) end) | median
		   else null end) as $fl
		| $t + {figure: $f, passes: $passes, floor_figure: $fl, verdict: (if $f == null then "not measured"
			elif $f <= $t.limit then "met" else "not met" end)}
	  end;
# Where a launch's time goes: differences of medians, pass by pass (each
# figure the median over the passes), from one floor to the full run.
def part($a; $b; $text): row($a) as $ra | row($b) as $rb
	| if $ra == null or $rb == null or $ra.status != "ok" or $rb.status != "ok" then empty
	  else {a: $a, b: $b, text: $text, ms: (per_pass($ra; $rb; diff_of) | median)} end;
  {meta: $meta, rows: $rows2, targets: ($targets | map(judge)),
   parts: [
	part("unshare"; "floor"; "the namespaces and a fresh /proc (util-linux unshare over a bare fork + exec)"),
	part("unshare_tini"; "unshare"; "a PID 1 that reaps, one process more (tini, over unshare)"),
	part("corral_bare"; "unshare"; "corral's processes (supervisor, init, command), its profile and checks, the /proc masks; same namespaces, no new root, no filter (over unshare)"),
	part("corral_bare_limits"; "corral_bare"; "memory, cpus and pids limits with nothing beside them: libcgroup, the cgroup made, attached, read, removed (over corral_bare)"),
	part("corral_noseccomp"; "corral_bare"; "the default profile's new root: a tmpfs, the binds and their masks, /dev, /etc/hosts, HOME, the pivot (over corral_bare)"),
	part("corral"; "corral_noseccomp"; "the default seccomp filter: read from the cache, checked, loaded"),
	part("corral_limits"; "corral"; "memory, cpus and pids limits: libcgroup, the cgroup made, attached, removed"),
	part("corral_strict"; "corral"; "strict over default: its own root, allowlist, memory and pids limits"),
	part("corral_strict_limits"; "corral"; "strict's memory and pids limits alone, over the default profile"),
	part("corral_strict"; "corral_strict_limits"; "strict's root and allowlist, over the default profile with strict's limits")]}
