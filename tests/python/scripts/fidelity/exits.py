"""Children that end in several ways; each one's status as its parent saw it is printed.

A forked child reaped with status 0, a forked child that exits 3 and a daemon thread still
running when the process exits.
"""
import os
import threading
import time

pid = os.fork()
if pid == 0:
    time.sleep(0.05)
    os._exit(0)
_, status = os.waitpid(pid, 0)
print("fork-zero %d %d" % (pid, os.waitstatus_to_exitcode(status)))

pid = os.fork()
if pid == 0:
    os._exit(3)
_, status = os.waitpid(pid, 0)
print("fork-three %d %d" % (pid, os.waitstatus_to_exitcode(status)))


def forever():
    while True:
        time.sleep(0.05)


threading.Thread(target=forever, name="daemon-sleeper", daemon=True).start()
time.sleep(0.1)
