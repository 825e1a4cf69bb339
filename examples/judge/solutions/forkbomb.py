# Forks until the pids limit refuses, then prints an answer anyway.
import os
try:
    while True:
        if os.fork() == 0:
            import time
            time.sleep(3600)
except OSError:
    pass
a, b = map(int, input().split())
print(a + b, flush=True)
os._exit(0)
