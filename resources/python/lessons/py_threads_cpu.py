"""CPU-bound work on threads. Under the GIL only one thread runs Python at a
time: the others wait for the GIL, and the work takes as long as in one thread."""

import argparse
import threading

from cpu_work import crunch

parser = argparse.ArgumentParser()
parser.add_argument("--workers", type=int, default=2)
parser.add_argument("--work", type=int, default=3_000_000)
args = parser.parse_args()


def worker(n):
    print("Worker %d is running" % n)
    crunch(args.work)
    print("Worker %d is done" % n)


threads = [threading.Thread(target=worker, args=(n,), name="Worker-%d" % n) for n in range(1, args.workers + 1)]
for t in threads:
    t.start()
for t in threads:
    t.join()
