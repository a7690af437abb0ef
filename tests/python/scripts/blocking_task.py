"""One task awaits; another calls time.sleep inside async def and holds the loop."""
import asyncio
import time


async def sleeper():
    await asyncio.sleep(0.2)


async def blocker():
    time.sleep(0.15)


async def main():
    await asyncio.gather(sleeper(), blocker())


asyncio.run(main())
