"""Prints a lot: megabytes of lines."""
import sys

line = "x" * 99
for i in range(40_000):
    print(i, line)
sys.stdout.flush()
