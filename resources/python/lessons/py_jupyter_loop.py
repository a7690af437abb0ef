"""The notebook's asyncio pitfall, run for real.

Jupyter runs every cell inside an event loop that is already running. There
`asyncio.run(main())` fails: asyncio.run() starts a new loop, and a thread
can run only one. The notebook's fix is to `await main()` in the loop that
is already there. Here `cell()` plays the part of a notebook cell: it runs
inside a running loop, tries both ways, and shows what each does.
"""

import argparse
import asyncio
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--wait", type=float, default=1.0)
WAIT = parser.parse_args().wait


async def task1():
    print("Task 1 is running")
    await asyncio.sleep(WAIT)
    print("Task 1 is complete")


async def task2():
    print("Task 2 is running")
    await asyncio.sleep(WAIT)
    print("Task 2 is complete")


async def main():
    await asyncio.gather(task1(), task2())


async def cell():
    # What the notebook tried first: it fails inside a running loop.
    coroutine = main()
    try:
        asyncio.run(coroutine)
    except RuntimeError as error:
        coroutine.close()  # never started: closed, so Python does not warn it was never awaited
        print("RuntimeError: %s" % error, file=sys.stderr)
    # The notebook's alternative: await it in the loop that is already running.
    await main()


asyncio.run(cell())  # the running loop, as Jupyter's kernel has one
