#!/usr/bin/python3.11
"""make check-compat: real programs' own test suites, plainly and inside
corral's default, build and strict profiles, compared test case by test case.

Suites (tests/compat/README.md says why these, and what was left out):
  python  CPython 3.11's regression tests (Debian's libpython3.11-testsuite)
          for the modules that touch what a sandbox changes, run by regrtest
          as root, each test case recorded by tests/compat/pyrun.py.
  glib    GLib's installed tests (Debian's libglib2.0-tests): the programs
          that spawn, signal, use sockets, files, the user database, as uid
          65534 (GLib's tests expect an ordinary user), TAP per test case.

Each run (a CPython module or a few small ones together, a GLib program)
runs once plainly and once in each profile, in the same fixed environment.
Every test case's status inside (pass, fail, error, skip, xfail, xpass,
missing, crash) must equal its status plainly, but for the differences
listed in tests/compat/expected.txt. A difference not listed fails the
check unless it goes away when its test cases run again, plainly and inside
(then it is printed as flaky); a listed restriction that does not happen, in
the run or again, fails it too (a stale entry: the line must go). A listed
bug that does not happen was fixed: it is printed, for its line to go.

Counting: one result per module (CPython) or program (GLib) per profile,
"ok - python/test_os in strict", and one per module or program for its
plain run, which must have run to its end. The last line is "N passed, N
failed"; the exit status is 0 only when none failed.
"""
import argparse
import concurrent.futures
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
PY = "/usr/bin/python3.11"
PROFILES = ("default", "build", "strict")
ENV_PATH = "/usr/local/bin:/usr/bin:/bin"
NOBODY = 65534
# A backstop for a run that hangs: a hang is a difference too (verdict
# "timeout"), but the check must end. Far above any run's time here.
JOB_LIMIT = 600

# CPython: each run is (name, modules, seconds, select). The seconds are the
# plain run's, measured on the 2-core development machine under the load of
# several other sessions (they order the runs, longest first); select, when
# not empty, are regrtest -m patterns choosing the test cases to run. Small
# modules share a run (one interpreter and regrtest start instead of many).
PY_RUNS = [
    # The multiprocessing cases that meet the sandbox (processes and their
    # signals, shared memory and semaphores in /dev/shm, the resource
    # tracker, sockets and descriptor passing, pools), with the forkserver,
    # which adds a server on a Unix socket; not the 4 minutes of the whole
    # module, three times over (fork, forkserver, spawn).
    ("test_multiprocessing_forkserver", ["test_multiprocessing_forkserver"], 75, [
        "WithProcessesTestProcess", "WithProcessesTestSharedMemory",
        "TestResourceTracker", "WithProcessesTestListenerClient",
        "WithProcessesTestConnection", "WithProcessesTestPicklingConnections",
        "WithProcessesTestHeap", "WithProcessesTestPool", "WithProcessesTestQueue",
        "WithProcessesTestSemaphore", "WithProcessesTestLock", "TestCloseFds",
        "TestNamedResource", "TestNoForkBomb", "TestIgnoreEINTR", "TestFlags",
        "TestStdinBadfiledescriptor", "WithManagerTestRemoteManager",
        "TestStartMethod"]),
    ("test_subprocess", ["test_subprocess"], 73, []),
    ("test_signal", ["test_signal"], 55, []),
    ("processes", ["test_wait3", "test_wait4", "test_threadsignals", "test_file_eintr",
                   "test_pty", "test_select", "test_epoll", "test_resource", "test_thread",
                   "test_time"], 30, []),
    ("test_threading", ["test_threading"], 29, []),
    ("test_socket", ["test_socket"], 29, []),
    ("test_logging", ["test_logging"], 28, []),
    ("test_faulthandler", ["test_faulthandler"], 25, []),
    ("test_os", ["test_os", "test_posix"], 23, []),
    ("files", ["test_tempfile", "test_shutil", "test_fcntl", "test_mmap", "test_fileio",
               "test_glob", "test_stat", "test_posixpath", "test_pathlib",
               "test_threadedtempfile"], 22, []),
    ("system", ["test_pwd", "test_grp", "test_getpass", "test_site", "test_netrc",
                "test_platform", "test_sysconfig", "test_getpath", "test_locale",
                "test_syslog", "test_uuid"], 6, []),
    # Servers and clients on loopback: one run each, as their cases are
    # slow where a name does not resolve (each waits for pyrun's watchdog).
    ("test_httpservers", ["test_httpservers"], 4, []),
    ("test_smtplib", ["test_smtplib"], 3, []),
    ("test_urllib2_localnet", ["test_urllib2_localnet"], 3, []),
]
# Every resource but those that reach the Internet or a GUI, or take long:
# network means the Internet here (the loopback tests need no resource).
PY_OPTS = ["-u", "all,-network,-urlfetch,-largefile,-cpu,-gui,-audio,-curses"]
# Test cases never run, plainly or inside, with why.
PY_IGNORE = [
    # AF_VSOCK talks to the hypervisor, not to this machine: plainly the
    # stream test connects to the VM's own CID and waits forever, and what
    # it reaches is outside the machine.
    "*VSOCK*",
    # Plainly as root these change the whole machine for every process on
    # it, however briefly: the host name, and the clock (set back an hour).
    "test_sethostname", "test_monotonic_settime", "test_clock_settime",
    # 100 processes killed one by one: 43 s of the multiprocessing run, and
    # nothing the other process tests do not show.
    "test_many_processes",
]

GLIB_DIR = "/usr/libexec/installed-tests/glib"
# GLib programs, with their plain run's seconds as above.
GLIB_RUNS = [
    ("gsubprocess", 16), ("mainloop", 15), ("socket", 5), ("spawn-multithreaded", 4),
    ("unix", 4), ("file", 4), ("network-address", 2), ("gdbus-peer", 2),
    ("unix-streams", 1), ("live-g-file", 1), ("contexts", 1), ("utils", 1),
    ("fileutils", 1), ("spawn-path-search", 1), ("spawn-singlethread", 1),
    ("spawn-test", 1), ("socket-listener", 1), ("socket-service", 1), ("unix-fd", 1),
    ("unix-mounts", 1), ("credentials", 1), ("g-file-info", 1), ("testfilemonitor", 1),
    ("network-monitor", 1), ("inet-address", 1), ("environment", 1),
    ("gutils-user-database", 1),
]

# GLib test cases run neither plainly nor inside (GTest's -s), and why.
GLIB_SKIP = {
    # g_mkdir_with_parents("/usr/b/c") as uid 65534 must fail with EACCES
    # (GLib 2.74 accepts EPERM too; later GLib EROFS too). In every profile
    # /usr is a read-only bind, where mkdir says EROFS: a difference, but
    # not one that shows on every machine. A root run of this same test
    # leaves /usr/b/c behind, mode 000, on the host; from then on the walk
    # into /usr/b fails with EACCES before the mount is looked at, and the
    # case passes inside too. So whether it differs depends on the
    # machine's history (it did on one CI machine, not on another).
    "fileutils": ["/fileutils/mkdir-with-parents"],
}

# A test case's lines (its own result and its subtests') fold into the
# first of these that occurs: a test case with a skipped subtest is "skip".
PRECEDENCE = ("crash", "timeout", "error", "fail", "xpass", "skip", "pass", "xfail")
# regrtest's verdict on a module, by the class of its result. EnvChanged
# (a thread or file left behind) counts as having run: it comes and goes
# with the machine's load, and the test cases tell the rest.
VERDICT = {
    "Passed": "ran", "Failed": "ran", "EnvChanged": "ran", "RefLeak": "ran",
    "Skipped": "skip", "ResourceDenied": "skip", "DidNotRun": "none",
    "Timeout": "timeout", "UncaughtException": "crash", "ChildError": "crash",
    "Interrupted": "crash",
}

lock = threading.Lock()
running = set()  # process groups to end if we are interrupted
stopping = threading.Event()


def log(msg):
    with lock:
        print(msg, flush=True)


def base_env(home):
    return {"PATH": ENV_PATH, "HOME": home, "LANG": "C.UTF-8"}


def kill_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def run_cmd(argv, cwd, logf, env, user=None):
    """Run argv in its own session; return (exit status or "timeout",
    seconds). Its output goes to logf."""
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}",
                "--clear-groups"] + argv
    start = time.monotonic()
    with open(logf, "ab") as out:
        with lock:
            if stopping.is_set():
                return "stopped", 0.0
            p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
            running.add(p.pid)
        try:
            rc = p.wait(timeout=JOB_LIMIT)
        except subprocess.TimeoutExpired:
            # corral relays SIGTERM to the command; a command that ignores
            # it ends with corral's SIGKILL, which takes the sandbox along.
            kill_group(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                kill_group(p.pid, signal.SIGKILL)
                p.wait()
            rc = "timeout"
        finally:
            with lock:
                running.discard(p.pid)
    return rc, time.monotonic() - start


def corral_argv(profile, extra):
    """corral in PROFILE, with this tree's profiles and its own seccomp
    filter cache (the cache is shared by every tree and its key does not
    cover the rule-building code), neither variable passed to the command.
    COMPAT_CORRAL_OPTS adds options (to see the check catch a difference)."""
    return [os.path.join(TOP, "corral"), "--profile", profile,
            "--unsetenv", "CORRAL_PROFILE_PATH XDG_CACHE_HOME"] + extra + \
        os.environ.get("COMPAT_CORRAL_OPTS", "").split() + ["--"]


def corral_env(env):
    env = dict(env)
    env["CORRAL_PROFILE_PATH"] = os.path.join(TOP, "profiles")
    env["XDG_CACHE_HOME"] = os.path.join(TOP, "build", "compat", "cache")
    return env


def fold(statuses):
    for s in PRECEDENCE:
        if s in statuses:
            return s
    return statuses[0]


class Python:
    """CPython's regression tests. A run is one regrtest process for one or
    more modules; a module is what is counted."""
    name = "python"

    def __init__(self):
        self.runs = {name: (mods, secs, sel) for name, mods, secs, sel in PY_RUNS}

    def select(self, wanted):
        """The runs holding the WANTED modules or runs (None: all). A module
        that is in no run here becomes a run of its own (to try one)."""
        if wanted is None:
            return list(self.runs)
        out = []
        for w in wanted:
            for name, (mods, _, _) in self.runs.items():
                if (w == name or w in mods) and name not in out:
                    out.append(name)
            if w.startswith("test_") and not any(w in m for m, _, _ in self.runs.values()):
                self.runs[w] = ([w], 0, [])
                out.append(w)
        return out

    def weight(self, run):
        return self.runs[run][1]

    def parts(self, run):
        return self.runs[run][0]

    def known(self, unit):
        return any(unit in mods for mods, _, _ in self.runs.values())

    def unit_of(self, tid):
        m = re.match(r"test\.(test_\w+)", tid)
        return m.group(1) if m else tid.split(".")[0]

    def run(self, run, where, d, only=None):
        """Run RUN plainly (where == "plain") or in a profile, in the fresh
        directory D; return ({id: (status, why)}, seconds). The verdict on
        each module is under the module's name."""
        mods, _, select = self.runs[run]
        shutil.copy(os.path.join(HERE, "pyrun.py"), d)
        res = os.path.join(d, "results.jsonl")
        ignore = os.path.join(d, "ignore")
        env = base_env(os.environ.get("HOME", "/root"))
        lines, verdicts, done = {}, {}, set()
        secs, rc, todo = 0.0, None, list(mods)
        # A case that kills the interpreter or hangs (pyrun's watchdog) ends
        # the process: start again without the cases that have run.
        for attempt in range(50):
            with open(ignore, "w") as f:
                f.write("".join(f"{p}\n" for p in PY_IGNORE + sorted(done)))
            argv = [PY, os.path.join(d, "pyrun.py"), res, ",".join(todo)] + PY_OPTS + \
                ["--ignorefile", ignore]
            for pat in (only if only is not None else select):
                argv += ["-m", pat]
            if where != "plain":
                # The results' directory, writable at its own path (the
                # build profile binds it too, as the working directory).
                argv = corral_argv(where, ["--bind", f"{d}:{d}"]) + argv
            rc, s = run_cmd(argv, d, os.path.join(d, "log"),
                            env if where == "plain" else corral_env(env))
            secs += s
            last_start = None
            with open(res) as f:
                for line in f:
                    try:
                        r = json.loads(line)
                    except ValueError:
                        continue  # the last line of a run killed mid-write
                    if r["st"] == "module":
                        # A module started again only for its unfinished
                        # cases keeps its verdict, unless this one is worse.
                        v = VERDICT.get(r["why"], r["why"])
                        if r["id"] in todo and (r["id"] not in verdicts or v != "none"):
                            verdicts[r["id"]] = v
                    elif r["st"] == "start":
                        last_start = r["id"]
                    else:
                        lines.setdefault(r["id"], []).append((r["st"], r["why"]))
                        if r["id"] == last_start and r["st"] != "timeout":
                            last_start = None  # it ended; a hung one did not
            os.rename(res, f"{res}.{attempt}")
            done.update(lines)
            if last_start is None or all(m in verdicts for m in todo) or \
                    secs > JOB_LIMIT or rc == "stopped":
                break
            if last_start not in lines:
                lines[last_start] = [("timeout" if rc == "timeout" else "crash", f"exit {rc}")]
            done.add(last_start)
            todo = [m for m in todo if m not in verdicts]
        results = {tid: (fold([s for s, _ in v]),
                         "; ".join(sorted({w for _, w in v if w})))
                   for tid, v in lines.items()}
        if only is None:
            for m in mods:
                v = verdicts.get(m)
                if v is None:  # the process died before regrtest's verdict
                    v = "timeout" if rc == "timeout" else "crash"
                results[m] = (v, f"exit {rc}")
        return results, secs

    def rerun_only(self, run, ids):
        """regrtest -m patterns that run IDS again; None: the whole run."""
        pats = []
        for tid in ids:
            if tid in self.runs[run][0]:
                return None  # a module's verdict
            m = re.fullmatch(r"(.*)\.(setUpClass|tearDownClass)", tid)
            if m:
                pats.append(m.group(1) + ".*")
            elif re.fullmatch(r".*\.(setUpModule|tearDownModule)", tid):
                return None
            else:
                pats.append(tid)
        return pats


TAP = re.compile(r"^(ok|not ok) \d+ (\S+)(?: # (SKIP|TODO)\b ?(.*))?")


class Glib:
    """GLib's installed tests: a run is a test program, run as uid 65534.
    A GTest program aborts at its first failed assertion; the cases after it
    are then run by starting it again without those already reported, so an
    abort costs one case (status crash), not the rest of the program."""
    name = "glib"

    def __init__(self):
        self.runs = dict(GLIB_RUNS)
        self.cases = {}

    def select(self, wanted):
        if wanted is None:
            return list(self.runs)
        return [r for r in self.runs if r in wanted]

    def weight(self, run):
        return self.runs[run]

    def parts(self, run):
        return [run]

    def known(self, unit):
        return unit in self.runs

    def unit_of(self, tid):
        return tid.split(":", 1)[0][len("glib/"):]

    def env(self):
        env = base_env("/nonexistent")  # uid 65534's home in /etc/passwd
        # As gnome-desktop-testing-runner sets them for installed tests.
        env["G_TEST_SRCDIR"] = env["G_TEST_BUILDDIR"] = GLIB_DIR
        return env

    def run(self, run, where, d, only=None):
        binary = os.path.join(GLIB_DIR, run)
        results = {}
        done = []  # cases reported or crashed, skipped when started again
        secs = 0.0
        verdict = "ran"
        # A fresh working directory uid 65534 owns, as the runner of
        # installed tests gives each program: some write where they run.
        cwd = os.path.join(d, "cwd")
        os.mkdir(cwd)
        os.chown(cwd, NOBODY, NOBODY)
        for attempt in range(200):
            argv = [binary, "--tap"]
            for p in only or ():
                argv += ["-p", p]
            for p in done + GLIB_SKIP.get(run, []):
                argv += ["-s", p]
            env = self.env()
            user = NOBODY
            if where != "plain":
                argv = corral_argv(where, ["--uid", str(NOBODY), "--gid", str(NOBODY),
                                           "--bind", f"{cwd}:{cwd}"]) + argv
                env = corral_env(env)
                user = None
            out = os.path.join(d, f"tap.{attempt}")
            rc, s = run_cmd(argv, cwd, out, env, user)
            secs += s
            skipped = set(done)  # reported again as "# SKIP by request"
            with open(out, errors="replace") as f:
                for line in f:
                    m = TAP.match(line)
                    if not m or m.group(2) in skipped:
                        continue
                    st = "pass" if m.group(1) == "ok" else "fail"
                    if m.group(3) == "SKIP":
                        st = "skip"
                    elif m.group(3) == "TODO":
                        st = "xfail" if st == "fail" else "xpass"
                    results[f"glib/{run}:{m.group(2)}"] = (st, m.group(4) or "")
                    done.append(m.group(2))
            if rc in (0, "timeout", "stopped"):
                verdict = {0: "ran"}.get(rc, rc)
                break
            # Ended by a failed assertion (or a signal): the case that was
            # running is the first of the program's list (-l, the order it
            # runs them in) not reported.
            crashed = next((c for c in self.list_cases(run)
                            if c not in done and (not only or c in only)), None)
            if crashed is None:
                if rc != 1:  # 1: a case failed without aborting
                    verdict = "crash"
                break
            results[f"glib/{run}:{crashed}"] = ("crash", f"exit {rc}")
            done.append(crashed)
        if only is None:
            results[f"glib/{run}:"] = (verdict, "")
        return results, secs

    def list_cases(self, run):
        if run not in self.cases:
            p = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                                "--clear-groups", os.path.join(GLIB_DIR, run), "-l"],
                               env=self.env(), cwd="/", capture_output=True, text=True)
            self.cases[run] = [l.strip() for l in p.stdout.splitlines()
                               if l.startswith("/")]
        return self.cases[run]

    def rerun_only(self, run, ids):
        if any(t.endswith(":") for t in ids):
            return None
        return [t.split(":", 1)[1] for t in ids]


def load_expected(path, suites):
    """expected.txt: PROFILES ID PLAIN>INSIDE KIND REASON..., # comments."""
    entries = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 4)
            where = f"{os.path.relpath(path, TOP)}:{n}"
            if len(parts) < 5 or ">" not in parts[2]:
                sys.exit(f"{where}: expected 'PROFILES ID PLAIN>INSIDE KIND REASON'")
            profiles, tid, change, kind, reason = parts
            plain, inside = change.split(">", 1)
            if not (kind == "restriction" or re.fullmatch(r"bug:(18\.\d+|new:[\w-]+)", kind)):
                sys.exit(f"{where}: kind must be restriction, bug:18.N or bug:new:NAME")
            profs = PROFILES if profiles == "*" else tuple(profiles.split(","))
            for p in profs:
                if p not in PROFILES:
                    sys.exit(f"{where}: unknown profile {p}")
            suite = suites["glib" if tid.startswith("glib/") else "python"]
            if not suite.known(suite.unit_of(tid)):
                sys.exit(f"{where}: {tid} is in no module or program the check runs")
            entries.append({"where": where, "profiles": profs, "id": tid,
                            "plain": plain, "inside": inside, "kind": kind,
                            "reason": reason, "suite": suite.name,
                            "unit": suite.unit_of(tid)})
    return entries


def matches(e, profile, tid, plain, inside):
    return (profile in e["profiles"] and fnmatch.fnmatchcase(tid, e["id"])
            and e["plain"] in ("*", plain) and e["inside"] in ("*", inside))


FIXTURE = re.compile(r"(.*)\.(setUpModule|setUpClass)$")


def fixtures_failed(res):
    """The id prefixes whose test cases did not run because their module's
    or class's set-up failed: test.test_x, test.test_x.Cls."""
    return [m.group(1) for tid, (st, _) in res.items()
            if st in ("error", "fail") and (m := FIXTURE.match(tid))]


def diffs(plain, inside):
    """(id, plain status, inside status, detail) for each id whose status
    differs. A set-up that failed on one side only is one difference: the
    cases it did not run there, and the module's verdict that nothing ran,
    are not listed beside it."""
    out = []
    gone = {"plain": fixtures_failed(plain), "inside": fixtures_failed(inside)}
    for tid in sorted(set(plain) | set(inside)):
        p = plain.get(tid, ("missing", ""))
        q = inside.get(tid, ("missing", ""))
        if p[0] == q[0]:
            continue
        side = "inside" if q[0] in ("missing", "none") else \
            "plain" if p[0] in ("missing", "none") else None
        if side and any(tid.startswith(f + ".") or f == f"test.{tid}" or
                        f.startswith(f"test.{tid}.") for f in gone[side]):
            continue
        out.append((tid, p[0], q[0], q[1] or p[1]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("COMPAT_JOBS", "4")),
                    help="runs at a time (COMPAT_JOBS, 4)")
    ap.add_argument("--suites", default=os.environ.get("COMPAT_SUITES", "python,glib"))
    ap.add_argument("--units", default=os.environ.get("COMPAT_UNITS", ""),
                    help="only these CPython modules or runs and GLib programs, "
                    "comma-separated (COMPAT_UNITS)")
    ap.add_argument("--profiles", default=os.environ.get("COMPAT_PROFILES", ",".join(PROFILES)))
    ap.add_argument("--expected", default=os.path.join(HERE, "expected.txt"))
    ap.add_argument("--keep", action="store_true", help="keep the runs' directory")
    ap.add_argument("--no-rerun", action="store_true",
                    help="judge a difference without running its test cases again")
    args = ap.parse_args()

    wanted = [u for u in args.units.split(",") if u] or None
    profiles = [p for p in args.profiles.split(",") if p]
    for p in profiles:
        if p not in PROFILES:
            sys.exit(f"unknown profile {p}")
    all_suites = {"python": Python(), "glib": Glib()}
    expected = load_expected(args.expected, all_suites)
    suites, selected = [], {}
    for name in [s for s in args.suites.split(",") if s]:
        if name not in all_suites:
            sys.exit(f"unknown suite {name}")
        s = all_suites[name]
        selected[name] = s.select(wanted)
        if selected[name]:
            suites.append(s)
    if not suites:
        sys.exit("nothing to run")

    # The runs' directories: in /tmp, which uid 65534 reaches wherever this
    # tree is; removed when all passed, kept to read when not.
    work = tempfile.mkdtemp(prefix="corral-compat.", dir="/tmp")
    os.chmod(work, 0o755)

    def do(s, run, where, only=None, tag="run"):
        d = os.path.join(work, tag, s.name, run, where)
        os.makedirs(d)
        for p in (os.path.join(work, tag), os.path.join(work, tag, s.name),
                  os.path.dirname(d), d):
            os.chmod(p, 0o755)  # uid 65534 runs the GLib tests
        r, secs = s.run(run, where, d, only)
        if only is None:
            log(f"# {s.name}/{run} {where}: {secs:.0f} s, {len(r)} ids")
        return r, secs

    def interrupted(signum, frame):
        stopping.set()
        with lock:
            groups = list(running)
        for pg in groups:
            kill_group(pg, signal.SIGTERM)
        time.sleep(5)
        for pg in groups:
            kill_group(pg, signal.SIGKILL)
        print(f"check-compat: interrupted; runs kept in {work}", file=sys.stderr, flush=True)
        os._exit(130)
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)

    # Every run plainly and in each profile, longest first: a run's plain
    # and profile runs are separate jobs, so the cores stay busy.
    jobs = [(s.weight(r), s, r, w) for s in suites for r in selected[s.name]
            for w in ["plain"] + profiles]
    jobs.sort(key=lambda j: -j[0])
    log(f"# check-compat: {len(jobs)} runs, {args.jobs} at a time, "
        f"profiles {' '.join(profiles)}, in {work}")
    t0 = time.monotonic()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        futs = {ex.submit(do, s, r, w): (s.name, r, w) for _, s, r, w in jobs}
        for f in concurrent.futures.as_completed(futs):
            results[futs[f]] = f.result()
    t_main = time.monotonic() - t0

    def part(res, s, unit):
        return {t: v for t, v in res.items() if s.unit_of(t) == unit}

    # Compare each module or program in each profile with its plain run.
    judged = {}  # (suite, run, unit, where) -> [found, new, stale]
    fixed = []  # (profile, entry): a listed bug that did not happen
    moot = []  # (profile, entry): a restriction whose case ran otherwise plainly

    def plain_had(e, plain):
        return e["plain"] == "*" or any(
            st == e["plain"] for t, (st, _) in plain.items()
            if fnmatch.fnmatchcase(t, e["id"])) or \
            (e["plain"] == "missing" and not any(
                fnmatch.fnmatchcase(t, e["id"]) for t in plain))
    for s in suites:
        for run in selected[s.name]:
            for unit in s.parts(run):
                plain = part(results[(s.name, run, "plain")][0], s, unit)
                for where in profiles:
                    inside = part(results[(s.name, run, where)][0], s, unit)
                    found, new, seen = [], [], set()
                    for tid, p, q, why in diffs(plain, inside):
                        hit = [e for e in expected if matches(e, where, tid, p, q)]
                        if hit:
                            seen.update(id(e) for e in hit)
                            found.append((tid, p, q, hit[0]["kind"], why))
                        else:
                            new.append((tid, p, q, why))
                    stale = [e for e in expected if e["suite"] == s.name
                             and e["unit"] == unit and where in e["profiles"]
                             and id(e) not in seen]
                    # A bug's line that no longer happens: the bug was
                    # fixed (perhaps on another branch, merged in any
                    # order). Said, not counted; a restriction that no
                    # longer happens fails (the profile changed).
                    fixed.extend((where, e) for e in stale if e["kind"] != "restriction")
                    # A restriction is stale only where its test case had
                    # the line's plain status: on a machine where it does
                    # not (no NIC for uuid, no xattrs), it cannot show.
                    moot.extend((where, e) for e in stale if e["kind"] == "restriction"
                                and not plain_had(e, plain))
                    stale = [e for e in stale if e["kind"] == "restriction"
                             and plain_had(e, plain)]
                    judged[(s, run, unit, where)] = [found, new, stale]

    # What the list does not explain, and what it expects but did not
    # happen, runs again (plainly and inside) before it is judged.
    t1 = time.monotonic()
    again = {}
    for (s, run, unit, where), (found, new, stale) in judged.items():
        ids = [t for t, _, _, _ in new] + [e["id"] for e in stale
                                           if not re.search(r"[*?\[]", e["id"])]
        if ids and not args.no_rerun:
            again.setdefault((s, run, where), []).extend(ids)
    reruns = {}
    if again:
        log(f"# running {sum(len(v) for v in again.values())} test cases again, "
            "plainly and inside, to tell a difference from a flaky one")

        def rerun(key):
            s, run, where = key
            only = s.rerun_only(run, again[key])
            tag = f"again-{where}"
            p = do(s, run, "plain", only=only, tag=tag)[0]
            q = do(s, run, where, only=only, tag=tag)[0]
            return key, p, q
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            for key, p, q in ex.map(rerun, list(again)):
                reruns[key] = (p, q)
    t_again = time.monotonic() - t1

    npass = nfail = 0
    table, flaky = [], []
    for s in suites:
        for run in selected[s.name]:
            plain_res, psecs = results[(s.name, run, "plain")]
            for unit in s.parts(run):
                verdict = plain_res.get(unit if s.name == "python" else f"glib/{unit}:",
                                        ("none", ""))[0]
                if verdict in ("ran", "skip"):
                    npass += 1
                    log(f"ok - {s.name}/{unit} plainly")
                else:
                    nfail += 1
                    log(f"not ok - {s.name}/{unit} plainly: {verdict} "
                        f"(see {os.path.join(work, 'run', s.name, run, 'plain')})")
                for where in profiles:
                    found, new, stale = judged[(s, run, unit, where)]
                    isecs = results[(s.name, run, where)][1]
                    if (s, run, where) in reruns:
                        p2, q2 = (part(x, s, unit) for x in reruns[(s, run, where)])
                        d2 = diffs(p2, q2)
                        still = []
                        for tid, p, q, why in new:
                            rp = p2.get(tid, ("missing", ""))[0]
                            rq = q2.get(tid, ("missing", ""))[0]
                            if (rp, rq) == (p, q):
                                still.append((tid, p, q, why))
                            else:
                                flaky.append((where, tid, f"{p}>{q}", f"then {rp}>{rq}"))
                        new = still
                        still = []
                        for e in stale:
                            if any(matches(e, where, t, p, q) for t, p, q, _ in d2):
                                flaky.append((where, e["id"], f"{e['plain']}>{e['inside']}",
                                              f"listed ({e['where']}): not at first, then yes"))
                            else:
                                still.append(e)
                        stale = still
                    for tid, p, q, kind, why in found:
                        table.append((where, tid, f"{p}>{q}", kind, why))
                    for tid, p, q, why in new:
                        table.append((where, tid, f"{p}>{q}", "NEW", why))
                    for e in stale:
                        table.append((where, e["id"], f"{e['plain']}>{e['inside']}", "STALE",
                                      f"{e['where']} ({e['kind']}) does not happen"))
                    name = f"{s.name}/{unit} in {where}"
                    if new or stale:
                        nfail += 1
                        log(f"not ok - {name}: {len(new)} new difference(s), "
                            f"{len(stale)} stale entr{'y' if len(stale) == 1 else 'ies'}")
                        for tid, p, q, why in new:
                            log(f"#   new: {where} {tid} {p}>{q} {why[:200]}")
                        for e in stale:
                            log(f"#   stale: {e['where']}: {where} {e['id']} "
                                f"{e['plain']}>{e['inside']} does not happen: remove the line")
                    else:
                        npass += 1
                        log(f"ok - {name}: {len(found)} listed difference(s) "
                            f"(run: {psecs:.0f} s plainly, {isecs:.0f} s inside)")

    log("# differences (profile, test id, plain>inside, kind, detail):")
    for where, tid, change, kind, why in sorted(table, key=lambda r: (r[1], r[0])):
        log(f"#   {where} {tid} {change} {kind} {why[:160]}")
    for where, tid, change, why in flaky:
        log(f"# flaky, not counted: {where} {tid} {change} ({why})")
    for where, e in moot:
        log(f"# not counted: {e['where']}: {where} {e['id']} was not "
            f"{e['plain']} plainly on this machine")
    for where, e in fixed:
        log(f"# fixed, not counted: {e['where']}: {where} {e['id']} "
            f"{e['plain']}>{e['inside']} ({e['kind']}) does not happen: remove the line")
    keep = nfail > 0 or args.keep
    log(f"# check-compat: {t_main:.0f} s the runs, {t_again:.0f} s again; runs in {work}"
        f"{'' if keep else ' (removed)'}")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{npass} passed, {nfail} failed", flush=True)
    return 0 if nfail == 0 and npass > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
