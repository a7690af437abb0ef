"""The notebook's asyncio example, run with asyncio.run (a script has no
running event loop, unlike Jupyter). The sleep is the notebook's 1 second
unless --wait says otherwise.
"""

import argparse
import asyncio

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


asyncio.run(main())
