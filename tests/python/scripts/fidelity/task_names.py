"""Tasks named every way asyncio allows; prints the names asyncio itself reports, as JSON, at the end."""
import asyncio
import json
import sys


async def fetch(seconds):
    await asyncio.sleep(seconds)


async def main():
    named = asyncio.create_task(fetch(0.05), name="fetch-a")
    plain = asyncio.create_task(fetch(0.05))
    plain.set_name("renamed-b")
    later = asyncio.create_task(fetch(0.1), name="first-name")
    await asyncio.sleep(0.02)
    later.set_name("second-name")
    tasks = [named, plain, later]
    if sys.version_info >= (3, 11):
        async with asyncio.TaskGroup() as group:
            tasks.append(group.create_task(fetch(0.05), name="in-group"))
    await asyncio.gather(named, plain, later)
    print(json.dumps([t.get_name() for t in tasks]))


asyncio.run(main())
