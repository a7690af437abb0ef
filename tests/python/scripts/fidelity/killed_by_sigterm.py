"""Computes for a while, prints its own CPU time, then ends itself with SIGTERM."""
import os
import signal
import time

start = time.perf_counter()
total = 0
while time.perf_counter() - start < 0.3:
    total += 1
print("process_time %.6f" % time.process_time(), flush=True)
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(5)
