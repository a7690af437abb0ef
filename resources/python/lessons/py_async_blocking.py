"""Two event loops, side by side, each running the same three tasks.

In the first loop every task waits with `await asyncio.sleep()`: the loop
is free while they wait, so the waits overlap. In the second, one task
calls `time.sleep()` inside its coroutine: it never gives the loop back, so
while it sleeps every other task is ready but cannot run ("ready, loop
busy"), and they all finish late.

Each loop runs in its own thread so both appear on one time axis.
"""

import argparse
import asyncio
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--wait", type=float, default=0.5)
parser.add_argument("--tasks", type=int, default=3)
args = parser.parse_args()


async def polite(n):
    print("Polite task %d: await asyncio.sleep(%g)" % (n, args.wait))
    await asyncio.sleep(args.wait)
    print("Polite task %d is complete" % n)


async def rude(n):
    if n == 1:
        print("Blocking task 1: time.sleep(%g) inside a coroutine" % args.wait)
        time.sleep(args.wait)  # holds the event loop: nothing else on it can run
    else:
        print("Blocking task %d: await asyncio.sleep(%g)" % (n, args.wait))
        await asyncio.sleep(args.wait)
    print("Blocking task %d is complete" % n)


async def main(task, label):
    asyncio.current_task().set_name("main (%s)" % label)
    await asyncio.gather(
        *(asyncio.create_task(task(n), name="%s task %d" % (label, n)) for n in range(1, args.tasks + 1))
    )


loops = [
    threading.Thread(target=asyncio.run, args=(main(polite, "await"),), name="Loop with await"),
    threading.Thread(target=asyncio.run, args=(main(rude, "time.sleep"),), name="Loop with time.sleep"),
]
for t in loops:
    t.start()
for t in loops:
    t.join()
