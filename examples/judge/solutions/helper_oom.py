# A helper process is OOM-killed; the solution then prints the right
# answer and exits 0: correct output, but a limit bit on the way.
import subprocess, sys
subprocess.run([sys.executable, "-c", "b = []\nwhile True: b.append(b\"x\" * (16 << 20))"])
a, b = map(int, input().split())
print(a + b)
