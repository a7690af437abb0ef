"""Never ends on its own: a process and a thread that sleep forever."""
import multiprocessing
import threading
import time


def sleeper():
    while True:
        time.sleep(0.5)


if __name__ == "__main__":
    p = multiprocessing.Process(target=sleeper, name="sleeper")
    p.start()
    threading.Thread(target=sleeper, name="sleepy", daemon=True).start()
    print("started", p.pid, flush=True)
    sleeper()
