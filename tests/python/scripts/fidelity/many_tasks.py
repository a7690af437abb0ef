"""2,000 asyncio tasks at once (count from the command line); prints how many it made."""
import asyncio
import sys

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


async def nap():
    await asyncio.sleep(0.05)


async def main():
    await asyncio.gather(*(nap() for _ in range(COUNT)))
    print("tasks %d" % COUNT)


asyncio.run(main())
