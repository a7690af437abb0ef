"""Exceptions that pass through what the tracer patches; prints each traceback as Python formats it."""
import asyncio
import concurrent.futures
import queue
import socket
import threading
import time
import traceback


def show(label, fn):
    try:
        fn()
    except BaseException:  # noqa: BLE001
        print("--- %s" % label)
        print(traceback.format_exc(), end="")


def failing():
    raise ValueError("worker failed")


async def task_fails():
    await asyncio.sleep(0)
    raise KeyError("task failed")


async def awaits_task():
    await asyncio.create_task(task_fails())


def future_result():
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(failing).result()


def bad_sleep():
    time.sleep(-1)


def empty_queue():
    queue.Queue().get(timeout=0.01)


def refused():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    socket.create_connection(("127.0.0.1", port), timeout=1)


def join_self():
    threading.current_thread().join()


show("asyncio task", lambda: asyncio.run(awaits_task()))
show("Future.result", future_result)
show("time.sleep", bad_sleep)
show("queue.get", empty_queue)
show("socket.connect", refused)
show("Thread.join", join_self)
threading.Thread(target=failing, name="thrower").start()
