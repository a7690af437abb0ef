"""The notebook's multiprocessing lesson (two forked processes that print and
sleep 0.2 s, then are joined), with the time of each step written to stderr, so
the bench can say where a traced run spends its extra milliseconds.

Times are microseconds on the clock the engine reads (perf_counter_ns, the
same CLOCK_MONOTONIC as Node's hrtime on Linux), counted from KITCHEN_T0_NS
when traced, else from BENCH_T0_NS (set by the bench just before it starts
the script). Each process writes one line, "PHASES name=us ...", with
os.write: not through sys.stderr, which the tracer would report as output.
"""

import multiprocessing
import os
import time

T0 = int(os.environ.get("KITCHEN_T0_NS") or os.environ.get("BENCH_T0_NS") or "0")
marks = []


def mark(name):
    marks.append((name, time.perf_counter_ns()))


def report():
    os.write(2, ("PHASES " + " ".join("%s=%d" % (k, (t - T0) // 1000) for k, t in marks) + "\n").encode())


def task(n):
    mark("c%d-run" % n)
    print("Task %d is running" % n)
    time.sleep(0.2)
    mark("c%d-slept" % n)
    report()


def forks_so_far():
    """Forks marked in this process's marks: in a child, which fork made it (its copy of the marks holds
    the parent's ones up to its fork)."""
    return sum(1 for name, _ in marks if name.startswith("pre-fork"))


def before_fork():
    mark("pre-fork%d" % (forks_so_far() + 1))


def after_fork_in_child():
    mark("c%d-forked" % forks_so_far())


def marking_bootstrap(bootstrap):
    """Process._bootstrap (the tracer's, when traced), marked when it starts in the child."""

    def marked(self, *args, **kwargs):
        mark("c%d-bootstrap" % forks_so_far())
        return bootstrap(self, *args, **kwargs)

    return marked


if __name__ == "__main__":
    mark("main")
    # Registered after the tracer's hooks: these run before the tracer's before a fork, and after the
    # tracer's (and threading's) in the child after it.
    os.register_at_fork(before=before_fork, after_in_child=after_fork_in_child)
    multiprocessing.process.BaseProcess._bootstrap = marking_bootstrap(multiprocessing.process.BaseProcess._bootstrap)
    # fork, as the lesson starts them on Linux before Python 3.14 (3.14 defaults to forkserver).
    fork = multiprocessing.get_context("fork")
    process1 = fork.Process(target=task, args=(1,))
    process2 = fork.Process(target=task, args=(2,))
    mark("start1")
    process1.start()
    mark("start2")
    process2.start()
    mark("started")
    process1.join()
    mark("join1")
    process2.join()
    mark("join2")
    report()
