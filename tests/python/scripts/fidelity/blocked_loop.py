"""One task sleeps 50 ms with await; another holds the loop with time.sleep for 300 ms.

The first task's timer is due at 50 ms, but the loop is busy until about 300 ms: it is ready
and held back for about 250 ms. Prints when the sleeper really got to go on, measured by itself.
"""
import asyncio
import time


async def sleeper(t0):
    await asyncio.sleep(0.05)
    print("sleeper resumed after %.3f s" % (time.perf_counter() - t0))


async def blocker():
    time.sleep(0.3)


async def main():
    t0 = time.perf_counter()
    await asyncio.gather(asyncio.create_task(sleeper(t0), name="sleeper"), asyncio.create_task(blocker(), name="blocker"))


asyncio.run(main())
