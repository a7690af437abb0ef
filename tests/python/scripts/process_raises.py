"""A multiprocessing child that raises, with each start method given on the command line.

The parent goes on and exits normally; multiprocessing prints the child's
traceback on stderr and gives it exit code 1.
"""
import multiprocessing
import sys


def bake(method):
    raise ValueError("the oven is cold (%s)" % method)


if __name__ == "__main__":
    for method in sys.argv[1:]:
        p = multiprocessing.get_context(method).Process(target=bake, args=(method,), name="Baker-%s" % method)
        p.start()
        p.join()
        print("Baker-%s exit code %d" % (method, p.exitcode))
