"""Answers each line on stdin with time.perf_counter_ns(), for the clock-skew test."""
import sys
import time

for _ in sys.stdin:
    sys.stdout.write("%d\n" % time.perf_counter_ns())
    sys.stdout.flush()
