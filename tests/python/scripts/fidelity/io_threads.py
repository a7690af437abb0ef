"""Eleven threads download pages from a local HTTP server whose every answer takes 0.15 s.

Measures the downloads one after another, then all at once on threads, and prints both
times: the GIL is let go while a thread waits on its socket, so the waits overlap.
"""
import http.server
import threading
import time
import urllib.request

DELAY = 0.15
PAGES = 11


class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(DELAY)
        body = b"page"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    # Eleven connections at once: with the default backlog of 5, one may wait a second for its retry.
    request_queue_size = 64


server = Server(("127.0.0.1", 0), Slow)
threading.Thread(target=server.serve_forever, name="server", daemon=True).start()
url = "http://127.0.0.1:%d/" % server.server_address[1]


def fetch(_=None):
    with urllib.request.urlopen(url) as answer:
        return answer.read()


start = time.perf_counter()
for _ in range(3):
    fetch()
one_by_one = (time.perf_counter() - start) / 3 * PAGES

start = time.perf_counter()
threads = [threading.Thread(target=fetch, name="download-%d" % i) for i in range(PAGES)]
for t in threads:
    t.start()
for t in threads:
    t.join()
together = time.perf_counter() - start
print("one after another %.3f s, on threads %.3f s" % (one_by_one, together))
server.shutdown()
