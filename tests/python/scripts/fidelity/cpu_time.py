"""Single-threaded work, then its own CPU time as the OS accounted it (time.process_time)."""
import time

start = time.perf_counter()
total = 0
while time.perf_counter() - start < 0.25:
    total += 1
time.sleep(0.1)
print("process_time %.6f" % time.process_time())
