# Blocks without using CPU: only the wall-clock limit ends it.
import time
time.sleep(3600)
