import asyncio, sys
N = int(sys.argv[1])
async def t(k):
    for _ in range(k):
        await asyncio.sleep(0)
async def main():
    await asyncio.gather(*(t(N // 100) for _ in range(100)))
asyncio.run(main())
