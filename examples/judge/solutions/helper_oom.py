# A helper process is OOM-killed; the solution then prints the right
# answer and exits 0: correct output, but a limit bit on the way. The
# helper is a fork, not a second interpreter: its cost is the memory.
import os
pid = os.fork()
if pid == 0:
    b = []
    while True:
        b.append(b"x" * (16 << 20))
os.waitpid(pid, 0)
a, b = map(int, input().split())
print(a + b)
