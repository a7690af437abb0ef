"""Starts children that try every way to outlive the run, each ignoring SIGTERM, and prints their pids.

A child in a session of its own (start_new_session), a daemon that forks twice and starts a session
between (so its parent is gone and it is nobody's child), and a plain child, all sleeping. With
`--exit` the script then exits at once, leaving them behind; otherwise it sleeps too.
"""
import os
import signal
import subprocess
import sys
import time

IGNORE_TERM = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"

session = subprocess.Popen([sys.executable, "-I", "-c", IGNORE_TERM], start_new_session=True)
plain = subprocess.Popen([sys.executable, "-I", "-c", IGNORE_TERM])

read, write = os.pipe()
first = os.fork()
if first == 0:
    os.setsid()
    second = os.fork()
    if second == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.write(write, b"%d\n" % os.getpid())
        time.sleep(60)
        os._exit(0)
    os._exit(0)
os.waitpid(first, 0)
daemon = int(os.read(read, 64).split()[0])
print("pids %d %d %d" % (session.pid, plain.pid, daemon), flush=True)
if "--exit" not in sys.argv:
    time.sleep(60)
