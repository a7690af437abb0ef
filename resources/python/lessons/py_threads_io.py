"""I/O-bound work on threads: each thread downloads one page from a local
web server that takes a while to answer (the engine starts it for the run;
the delay is the server's, so the network wait is real).

While a thread waits on its socket it does not hold the GIL, so the other
threads run: the downloads overlap, and all of them take about as long as
one. Compare with py-threads-cpu, where the threads never wait.
"""

import argparse
import threading
import time
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True, help="the local server, e.g. http://127.0.0.1:8000")
parser.add_argument("--pages", type=int, default=4)
args = parser.parse_args()


def download(n):
    print("Thread %d: downloading page %d" % (n, n))
    with urllib.request.urlopen("%s/page/%d" % (args.url, n)) as response:
        body = response.read()
    print("Thread %d: got %d bytes" % (n, len(body)))


start = time.perf_counter()
threads = [threading.Thread(target=download, args=(n,), name="Download-%d" % n) for n in range(1, args.pages + 1)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("All %d pages in %.0f ms" % (args.pages, (time.perf_counter() - start) * 1000))
