"""A raw os.fork() child that ends with os._exit (no exit record of its own) while its parent lives on."""

import os
import time

pid = os.fork()
if pid == 0:
    time.sleep(0.05)
    os._exit(0)
os.waitpid(pid, 0)
time.sleep(0.4)
