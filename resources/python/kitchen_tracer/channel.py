"""The tracer's one way out: JSON records, one a line, on a connection of
this process's own to the engine (a Unix socket, or a named pipe on
Windows), never mixed into the script's stdout or stderr."""

import os
import sys
import time
import _socket
import _thread

try:
    # The C string encoder behind json, without importing json (and re): start-up stays short.
    from _json import encode_basestring as _quote
except ImportError:  # pragma: no cover - every CPython has _json
    from json.encoder import py_encode_basestring as _quote

_perf_counter_ns = time.perf_counter_ns


def _dumps(value):
    """JSON for the tracer's records: dicts, lists, strings, numbers, booleans, None.

    A flat record takes one call, not one per field: in a freshly forked child
    every function's first call copies the pages it touches, which is slow.
    """
    kind = type(value)
    if kind is dict:
        parts = []
        for key, item in value.items():
            t = type(item)
            if item is None:
                text = "null"
            elif t is str:
                text = _quote(item)
            elif t is float or t is int:
                text = repr(item)
            elif item is True:
                text = "true"
            elif item is False:
                text = "false"
            else:
                text = _dumps(item)
            parts.append(_quote(key) + ":" + text)
        return "{" + ",".join(parts) + "}"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is str:
        return _quote(value)
    if isinstance(value, int):
        return repr(int(value))  # an IntEnum's repr is not JSON
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, dict):
        return _dumps(dict(value))
    if isinstance(value, (list, tuple)):
        return "[" + ",".join([_dumps(v) for v in value]) + "]"
    return _quote(str(value))

# Texts are cut so no record gets long; the engine refuses longer ones anyway.
MAX_TEXT = 2000


class Channel:
    """A connection to the engine. Sends are whole lines under a lock, so
    threads never interleave; after a fork the child opens its own."""

    def __init__(self, address, t0_ns):
        self.address = address
        self.t0_ns = t0_ns
        self.lock = _thread.allocate_lock()
        self.broken = False
        self._write = self._connect()

    def _connect(self):
        if sys.platform == "win32":
            pipe = open(self.address, "wb", buffering=0)
            return pipe.write
        # The C-level socket type: the tracer patches the Python socket class
        # and must not trace its own sends.
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        sock.connect(self.address)
        self._sock = sock
        return sock.sendall

    def spare(self):
        """A second connection, made by a parent just before it forks: the child takes it over.

        After a fork every page the child writes to is copied, which makes each
        step there slow; a connection made beforehand costs the child nothing.
        """
        return Channel(self.address, self.t0_ns)

    def close(self):
        """Closes this process's copy of the connection (the other end sees it close once no process holds it)."""
        self.broken = True
        sock = getattr(self, "_sock", None)
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def now_us(self):
        """Microseconds since the run's zero, on the clock the engine reads (CLOCK_MONOTONIC on Linux)."""
        return (_perf_counter_ns() - self.t0_ns) / 1000

    def send(self, *records):
        """Sends the records as one write: a new process's first records cost one system call, not two."""
        if self.broken:
            return
        # A lone surrogate (a thread named from undecodable bytes) must not raise inside the script.
        data = ("\n".join([_dumps(record) for record in records]) + "\n").encode("utf-8", "replace")
        with self.lock:
            try:
                self._write(data)
            except OSError:
                # The engine went away (stopped run): keep the script running untraced.
                self.broken = True


def clip(text):
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "\u2026"


def from_environment():
    """The channel named by the environment, or None when not traced."""
    address = os.environ.get("KITCHEN_TRACE_SOCKET")
    t0 = os.environ.get("KITCHEN_T0_NS")
    if not address or not t0:
        return None
    return Channel(address, int(t0))
