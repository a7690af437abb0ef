"""Forks 20 multiprocessing children one after another (each prints a line and sleeps 1 ms).

Prints, per child, the page faults and CPU time of the children (getrusage of
the reaped children), and the page faults the parent took per fork. After a
fork every page either process first writes to faults; that is what a tracer
running around forks costs, whatever the machine.
"""

import multiprocessing
import os
import resource
import time

N = 20


def task():
    print("child")
    time.sleep(0.001)


if __name__ == "__main__":
    fork = multiprocessing.get_context("fork")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(N):
        p = fork.Process(target=task)
        p.start()
        p.join()
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_ms = (kids.ru_utime + kids.ru_stime) * 1000 / N
    os.write(2, b"FORKS child-faults %.1f child-cpu-ms %.3f parent-faults %.1f\n" % (kids.ru_minflt / N, cpu_ms, parent / N))
