"""One thread, one event loop, three tasks that compute in turns: never more than one core."""
import asyncio
import time


async def work(name):
    for _ in range(20):
        start = time.perf_counter()
        while time.perf_counter() - start < 0.005:
            pass
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(*(work(i) for i in range(3)))


asyncio.run(main())
