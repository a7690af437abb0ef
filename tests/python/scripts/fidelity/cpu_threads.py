"""Two threads count in pure Python at once: under the GIL they take turns."""
import threading
import time


def count():
    total = 0
    start = time.perf_counter()
    while time.perf_counter() - start < 0.5:
        for i in range(5000):
            total += i


threads = [threading.Thread(target=count, name="counter-%d" % i) for i in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
