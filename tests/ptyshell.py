#!/usr/bin/env python3
"""ptyshell.py: drive an interactive bash with job control on a real pty, as
a user at a terminal would, for tests/terminal.bats.

    ptyshell.py STEP...

Each STEP is one of
    send TEXT     type TEXT and Enter
    key ^X        type one control character (^Z, ^C, ^D, ...)
    expect REGEX  wait until the output since the last expect matches REGEX
                  (Python re, MULTILINE); the next expect looks after it

bash starts with no rc files, `set -m` (job control) and the prompt "$ ".
A step that waits gives up after PTYSHELL_LIMIT seconds (default 60: it
returns as soon as the output appears; the limit only keeps a broken run
from hanging the suite). On success: exit 0. On a step that never comes:
the step and the whole transcript on stderr, exit 1. The terminal's output
is also written to $PTYSHELL_LOG when that is set.
"""
import os
import pty
import re
import select
import signal
import sys
import time

PROMPT = "$ "


def main(steps):
    limit = float(os.environ.get("PTYSHELL_LIMIT", "60"))
    env = dict(os.environ, PS1=PROMPT, PS2="> ", TERM="dumb", PROMPT_COMMAND="")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "--noediting", "-i"], env)
    out = bytearray()
    pos = 0  # where the next expect starts looking
    log = os.environ.get("PTYSHELL_LOG")

    def read_some(deadline):
        nonlocal out
        r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the shell is gone
            data = b""
        if not data:
            raise EOFError
        out += data
        if log:
            with open(log, "ab") as f:
                f.write(data)
        return True

    def fail(what):
        sys.stderr.write("ptyshell: %s\n--- transcript ---\n%s\n--- end ---\n"
                         % (what, out.decode(errors="replace")))
        try:
            os.kill(pid, signal.SIGHUP)  # a hang-up: bash hangs up its jobs too
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        sys.exit(1)

    def expect(regex):
        nonlocal pos
        pat = re.compile(regex, re.MULTILINE)
        deadline = time.monotonic() + limit
        while True:
            text = out.decode(errors="replace").replace("\r", "")
            m = pat.search(text, pos)
            if m:
                pos = m.end()
                return
            try:
                if not read_some(deadline) and time.monotonic() >= deadline:
                    fail("expected %r, never came" % regex)
            except EOFError:
                fail("expected %r, the shell ended first" % regex)

    # bash is ready when its first prompt is out.
    expect(r"\$ ")
    os.write(fd, b"set -m\n")
    expect(r"set -m\n.*\$ ")
    i = 0
    while i < len(steps):
        kind = steps[i]
        arg = steps[i + 1] if i + 1 < len(steps) else fail("%s: no argument" % kind)
        i += 2
        if kind == "send":
            os.write(fd, arg.encode() + b"\n")
        elif kind == "key":
            if len(arg) != 2 or arg[0] != "^":
                fail("key %r: want ^X" % arg)
            os.write(fd, bytes([ord(arg[1].upper()) & 0x1F]))
        elif kind == "expect":
            expect(arg)
        else:
            fail("unknown step %r" % kind)
    # The transcript to stdout; then the terminal hangs up, as when its
    # window closes: bash sends its jobs SIGHUP (and SIGCONT the stopped).
    sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
    os.kill(pid, signal.SIGHUP)
    os.waitpid(pid, 0)
    os.close(fd)


if __name__ == "__main__":
    main(sys.argv[1:])
