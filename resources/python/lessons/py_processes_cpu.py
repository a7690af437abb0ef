"""The same CPU-bound work on processes: each has its own interpreter and
GIL, so on enough cores they all compute at the same time."""

import argparse
import multiprocessing

from cpu_work import crunch


def worker(n, work):
    print("Worker %d is running" % n)
    crunch(work)
    print("Worker %d is done" % n)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=int, default=3_000_000)
    args = parser.parse_args()
    processes = [
        multiprocessing.Process(target=worker, args=(n, args.work), name="Worker-%d" % n)
        for n in range(1, args.workers + 1)
    ]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
