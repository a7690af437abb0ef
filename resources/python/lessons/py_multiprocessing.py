"""The notebook's multiprocessing example: two processes, started, then joined.

The wait (seconds, default 0.2) is added so the lanes are wide enough to
see; with --wait 0 this is the notebook's code exactly. The __main__ guard
lets it run with the spawn and forkserver start methods too.
"""

import argparse
import multiprocessing
import time

WAIT = 0.2


def task1():
    print("Task 1 is running")
    time.sleep(WAIT)


def task2():
    print("Task 2 is running")
    time.sleep(WAIT)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--wait", type=float, default=WAIT)
    WAIT = parser.parse_args().wait

    # Create processes
    process1 = multiprocessing.Process(target=task1)
    process2 = multiprocessing.Process(target=task2)

    # Start processes
    process1.start()
    process2.start()

    # Wait for processes to complete
    process1.join()
    process2.join()
