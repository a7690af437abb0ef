"""500 tasks each awaiting 200 times: about 200,000 spans."""
import asyncio
import sys

TASKS = int(sys.argv[1]) if len(sys.argv) > 1 else 500
AWAITS = int(sys.argv[2]) if len(sys.argv) > 2 else 200


async def hop():
    for _ in range(AWAITS):
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(*(hop() for _ in range(TASKS)))
    print("done %d x %d" % (TASKS, AWAITS))


asyncio.run(main())
