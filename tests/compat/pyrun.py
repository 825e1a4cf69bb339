"""Run one CPython regression test module with regrtest and record the
outcome of every test case, one JSON object a line, as it happens.

Usage: python3.11 pyrun.py RESULTS TEST_MODULE[,TEST_MODULE]... [REGRTEST_OPTION]...

Run by tests/compat/compat.py plainly and inside corral, the same way. Each
line of RESULTS is {"id": ..., "st": ..., "why": ...}: the unittest id of a
test case (or of a failed fixture, as test.test_x.Cls.setUpClass) and what
happened to it: pass, fail, error, skip, xfail (an expected failure) or
xpass (an unexpected success), with the exception's last line or the skip's
reason. A subtest that fails or is skipped is recorded under its test case's
id, so one id can have several lines; compat.py folds them into one status.
Before each test case a line "start" names it, so a case that kills the
interpreter is known; one that hangs gets "timeout" from the watchdog below,
which then ends the process. A line {"st": "module"} after each module is
regrtest's verdict on it (the class of its result: Passed, Failed,
EnvChanged, Skipped...). Lines are flushed one at a time, so a run killed
half way still tells what ran.
"""
import faulthandler
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
import unittest

out = None
started = None  # when the current test case started
current = None  # its id, while it runs
thread_died = None  # (when, what) a thread died of an exception during it

# A test case still running this long after one of its threads died of an
# exception is stuck (a server thread that could not bind leaves its test
# waiting for it forever): the watchdog interrupts it, raising TestHung in
# the main thread, and it ends as an error. So is one running longer than
# CASE_LIMIT. One that goes on GRACE seconds after that ends the process
# (status timeout); compat.py starts the module again after it.
ORPHAN_LIMIT = float(os.environ.get("COMPAT_ORPHAN_LIMIT", "3"))
CASE_LIMIT = float(os.environ.get("COMPAT_CASE_LIMIT", "120"))
GRACE = 15
# A signal no test uses, to interrupt a blocking wait in the main thread.
HUNG_SIGNAL = signal.SIGRTMIN + 7
hung = None  # the case interrupted, and why


class TestHung(Exception):
    pass


def write(tid, st, why=""):
    r = {"id": tid, "st": st, "why": why[:300]}
    if started is not None:
        r["s"] = round(time.monotonic() - started, 3)
    out.write(json.dumps(r) + "\n")
    out.flush()


def test_id(test):
    try:
        tid = test.id()
    except Exception:
        tid = str(test)
    # unittest names a failed fixture "setUpClass (test.test_x.Cls)": made
    # "test.test_x.Cls.setUpClass", an id without spaces like the others.
    m = re.fullmatch(r"(\w+) \(([\w.]+)\)", tid)
    return m.group(2) + "." + m.group(1) if m else tid


def record(test, st, why=""):
    if isinstance(test, unittest.case._SubTest):
        why = (test._subDescription() + ": " + why).strip(": ")
        test = test.test_case
    write(test_id(test), st, why)


def watchdog():
    global hung
    main = threading.main_thread().ident
    while True:
        time.sleep(0.5)
        tid, t0, died, h = current, started, thread_died, hung
        if tid is None or t0 is None:
            continue
        now = time.monotonic()
        if h is not None and h[0] == tid:
            if now - h[2] > GRACE:
                why = f"{h[1]}, and did not end when interrupted"
                write(tid, "timeout", why)
                print(f"compat: {tid}: {why}", file=sys.stderr, flush=True)
                os._exit(124)
            continue
        if died is not None and now - died[0] > ORPHAN_LIMIT:
            why = f"still running {ORPHAN_LIMIT:.0f} s after a thread died of {died[1]}"
        elif now - t0 > CASE_LIMIT:
            why = f"still running after {CASE_LIMIT:.0f} s"
        else:
            continue
        hung = (tid, why, now)
        print(f"compat: {tid}: {why}; interrupting it. Its threads:",
              file=sys.stderr, flush=True)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        signal.pthread_kill(main, HUNG_SIGNAL)


def on_hung_signal(signum, frame):
    if hung is not None and hung[0] == current:
        raise TestHung(hung[1])


def note_thread_death():
    # Wraps regrtest's hook (installed before the first test case runs).
    hook = threading.excepthook

    def excepthook(args):
        global thread_died
        if current is not None and thread_died is None:
            thread_died = (time.monotonic(), err_line((args.exc_type, args.exc_value)))
        hook(args)
    threading.excepthook = excepthook


def err_line(err):
    # The exception's last line: enough to tell one failure from another.
    lines = traceback.format_exception_only(err[0], err[1])
    return lines[-1].strip() if lines else ""


def patch_result_class():
    from test.support import testresult

    R = testresult.RegressionTestResult
    orig = {n: getattr(R, n) for n in (
        "startTest", "stopTest", "addSuccess", "addFailure", "addError", "addSkip",
        "addExpectedFailure", "addUnexpectedSuccess", "addSubTest")}

    def start_test(self, test):
        global started, current, thread_died
        started = time.monotonic()
        thread_died = None
        current = test_id(test)
        write(current, "start")
        orig["startTest"](self, test)

    def stop_test(self, test):
        global current
        current = None
        orig["stopTest"](self, test)

    def add_success(self, test):
        record(test, "pass")
        orig["addSuccess"](self, test)

    def add_failure(self, test, err):
        record(test, "fail", err_line(err))
        orig["addFailure"](self, test, err)

    def add_error(self, test, err):
        record(test, "error", err_line(err))
        orig["addError"](self, test, err)

    def add_skip(self, test, reason):
        record(test, "skip", str(reason))
        orig["addSkip"](self, test, reason)

    def add_xfail(self, test, err):
        record(test, "xfail")
        orig["addExpectedFailure"](self, test, err)

    def add_xpass(self, test):
        record(test, "xpass")
        orig["addUnexpectedSuccess"](self, test)

    def add_subtest(self, test, subtest, err):
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            record(subtest, "fail" if failed else "error", err_line(err))
        orig["addSubTest"](self, test, subtest, err)

    R.startTest, R.stopTest = start_test, stop_test
    R.addSuccess, R.addFailure, R.addError = add_success, add_failure, add_error
    R.addSkip, R.addExpectedFailure = add_skip, add_xfail
    R.addUnexpectedSuccess, R.addSubTest = add_xpass, add_subtest


def main():
    global out
    out_path, modules = sys.argv[1], sys.argv[2].split(",")
    out = open(out_path, "a", buffering=1)
    patch_result_class()

    import test.libregrtest.main  # noqa: F401
    # The package exports a function named main, hiding the module.
    regrtest_main = sys.modules["test.libregrtest.main"]
    orig_runtest = regrtest_main.runtest

    def runtest(ns, test_name):
        global started
        if threading.excepthook.__module__ != __name__:
            note_thread_death()
        started = time.monotonic()
        result = orig_runtest(ns, test_name)
        write(test_name, "module", type(result).__name__)
        return result

    regrtest_main.runtest = runtest
    signal.signal(HUNG_SIGNAL, on_hung_signal)
    threading.Thread(target=watchdog, daemon=True).start()
    sys.argv = [sys.argv[0]] + sys.argv[3:] + modules
    regrtest_main.main()


if __name__ == "__main__":
    # multiprocessing's spawn and forkserver children import the main
    # module again (as __mp_main__): only the parent runs regrtest.
    main()
