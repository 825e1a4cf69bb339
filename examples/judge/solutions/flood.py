# Output limit exceeded: prints its answer forever.
import sys

a, b = map(int, sys.stdin.readline().split())
while True:
    sys.stdout.write(f"{a + b}\n")
