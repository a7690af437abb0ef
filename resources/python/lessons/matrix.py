"""Section 5 of the notebook, measured: one workload, one concurrency model.

  --workload io   download N pages from a local web server (each page takes
                  a while to answer: the wait is the network's, not the CPU's)
  --workload cpu  count the primes in N ranges of numbers, in pure Python
                  (all CPU: "complex mathematical calculations on a large dataset")

  --model sequential | threads | asyncio | processes

The model matrix runs every workload with every model and compares the
wall times. Only the standard library is used.
"""

import argparse
import asyncio
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

parser = argparse.ArgumentParser()
parser.add_argument("--workload", choices=["io", "cpu"], required=True)
parser.add_argument("--model", choices=["sequential", "threads", "asyncio", "processes"], required=True)
parser.add_argument("--jobs", type=int, default=8, help="pages to download, or ranges to search")
parser.add_argument("--url", help="the local server (io)")
parser.add_argument("--size", type=int, default=60_000, help="numbers per range (cpu)")
parser.add_argument("--workers", type=int, default=None, help="threads or processes (default: one per job, cores for cpu)")
args = parser.parse_args()


# I/O-bound: a download. urllib for the blocking models, asyncio streams for asyncio.
def download(n):
    with urllib.request.urlopen("%s/page/%d" % (args.url, n)) as response:
        return len(response.read())


async def download_async(n):
    where = urllib.parse.urlsplit(args.url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    writer.write(b"GET /page/%d HTTP/1.0\r\nHost: %s\r\n\r\n" % (n, where.netloc.encode()))
    await writer.drain()
    response = await reader.read()  # HTTP/1.0: the server closes when the page is sent
    writer.close()
    await writer.wait_closed()
    return len(response.partition(b"\r\n\r\n")[2])


# CPU-bound: count the primes in one range, by trial division (slow on purpose).
def count_primes(n):
    start = n * args.size
    count = 0
    for k in range(max(start, 2), start + args.size):
        d = 2
        while d * d <= k:
            if k % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


async def count_primes_async(n):
    return count_primes(n)  # never awaits: the loop cannot switch while it computes


def run(model, jobs):
    work = download if args.workload == "io" else count_primes
    if model == "sequential":
        return [work(n) for n in jobs]
    if model == "threads":
        with ThreadPoolExecutor(max_workers=args.workers or len(jobs)) as pool:
            return list(pool.map(work, jobs))
    if model == "processes":
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            return list(pool.map(work, jobs))
    job = download_async if args.workload == "io" else count_primes_async

    async def main():
        return await asyncio.gather(*(job(n) for n in jobs))

    return asyncio.run(main())


if __name__ == "__main__":
    start = time.perf_counter()
    results = run(args.model, list(range(1, args.jobs + 1)))
    what = "bytes downloaded" if args.workload == "io" else "primes found"
    print("%s on %s: %d %s in %.0f ms" % (args.workload, args.model, sum(results), what, (time.perf_counter() - start) * 1000))
