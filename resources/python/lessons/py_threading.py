"""The notebook's multithreading example: two threads, started, then joined.

The wait (seconds, default 0.2) is added so the lanes are wide enough to
see; with --wait 0 this is the notebook's code exactly.
"""

import argparse
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--wait", type=float, default=0.2)
WAIT = parser.parse_args().wait


def task1():
    print("Task 1 is running")
    time.sleep(WAIT)


def task2():
    print("Task 2 is running")
    time.sleep(WAIT)


# Create threads
thread1 = threading.Thread(target=task1)
thread2 = threading.Thread(target=task2)

# Start threads
thread1.start()
thread2.start()

# Wait for threads to complete
thread1.join()
thread2.join()
