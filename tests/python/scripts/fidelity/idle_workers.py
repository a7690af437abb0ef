"""Threads that sit idle in C-level waits while the main thread computes in pure Python.

Idle: a ThreadPoolExecutor's extra workers parked in their work queue, asyncio.to_thread's
executor worker after its one job, a raw thread blocked on a lock from _thread. None of them
contends for the GIL: each is asleep in the kernel, waiting for work that never comes (until
the end). Prints how long the main thread computed, measured by itself.
"""
import _thread
import asyncio
import concurrent.futures
import threading
import time

pool = concurrent.futures.ThreadPoolExecutor(max_workers=3, thread_name_prefix="pool")
# Three jobs at once start three workers; then they have nothing to do.
list(pool.map(time.sleep, [0.01, 0.01, 0.01]))
asyncio.run(asyncio.to_thread(time.sleep, 0.01))
gate = _thread.allocate_lock()
gate.acquire()
waiter = threading.Thread(target=gate.acquire, name="waits-on-a-lock")
waiter.start()

start = time.perf_counter()
total = 0
while time.perf_counter() - start < 0.6:
    for i in range(10000):
        total += i * i
print("computed for %.3f s" % (time.perf_counter() - start))
gate.release()
waiter.join()
pool.shutdown()
