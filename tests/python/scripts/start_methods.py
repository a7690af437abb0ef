"""Starts one process with each start method given on the command line; each prints its name."""
import multiprocessing
import sys


def child(label):
    print("child via %s" % label)


if __name__ == "__main__":
    for method in sys.argv[1:]:
        ctx = multiprocessing.get_context(method)
        p = ctx.Process(target=child, args=(method,), name="via-%s" % method)
        p.start()
        p.join()
